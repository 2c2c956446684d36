"""CS231n's layer convention: a forward returning ``out, cache`` gets ``*_backward(dout, cache)``.

Contract:

* ``output_roles(func, values)`` says what each returned value is: ``"out"`` (a
  value to differentiate), ``"cache"`` (the last value, named like a cache) or
  ``"gradient"`` (a gradient the user computed, ``dx`` for a parameter ``x``, or
  ``grads``, or a dict, written out or a name bound to dicts written out alone, ``{"acc": acc}``:
  returned by loss functions beside the loss, not differentiated, where every return gives such a
  value in its place; also a dict of gradients named so returned first, ``return grads, cost``,
  before values none of which is such).
* ``specialize(stmts, cache)`` keeps, of each ``if`` some of whose branches
  build the cache and others not, the branch that builds it: the backward
  serves the path on which the forward made a cache (batch normalization's
  training mode), with ``paths=False`` none (a backward given the arrays, not the cache, serves every
  path); an ``if`` each of whose branches ends with the same statement
  building the cache, its test changing nothing when read, builds it once after.
* ``inline_expressions(stmts, forward)`` replaces, in a layer, calls of the file's
  one-expression functions (``sigmoid``) by their expressions.
* ``CacheStager`` (a stager mixin) records the cache's layout where the user
  builds it (``cache = (x, w, b)``, ``cache = x``, ``cache = {"x": x}``) instead
  of staging it as a value (an entry a write has changed unseen, ``stale_entry``, is
  left unread, refused only where the backward lacks a value); a later write into an array it holds
  (``cache_written``) makes the entry that array's value as written; where the
  write reaches it through another name or in a later branch or loop, the entry
  is left unread (the backward computes the value again from the others), and
  refused, at the write, only where the backward lacks a value.
  A cache the backward of ``(dout, cache)`` alone cannot read (the cache a layer called here returns,
  ``out_flat, cache = batchnorm_forward(...)``, where ``sandwich`` does not compose it; one unpacked
  with other values; values put into a new container by a loop or a branch, ``cache.append(h)``)
  holds no value, its reads refused, and carries its refusal (``Layout.refusal``), raised for that
  backward only: the decorator's backward, of the parameters, reads no cache.  The one statement
  building the cache, written into each path of a branch (``tails.split``, for a value of a shape of
  its own on each path), is one cache: an entry each path holds another value in is left unread (the
  backward computes it again, or is refused for it), and the backward takes the forward's path by the
  branch's test, as for any branch before the cache.
* ``cache_returned(helper)``: a layer returning its cache unnamed (``return out, x``), which its
  caller only caches, as one naming it (``cache = x``; ``return out, cache``).
* ``backward_name(forward_name)``: ``affine_forward`` -> ``affine_backward``,
  ``conv_forward_naive`` -> ``conv_backward_naive``, ``f`` -> ``f_backward``.
* ``from_user_cache(backward, staged)`` turns a backward of the parameters into
  one of ``(dout, cache)``: the cache is unpacked into the staged names it
  holds, forward lines computing cached values are dropped, and every value
  the backward reads must come from the cache or be computed from it; if not,
  a ``BackgenError`` names what is missing.  A value a loop sets
  (``set_in_loops``) is computed step by step, not taken from the cache, which
  holds its last value only.  Where the cache lacks a value but holds its quotient
  ``c = v / d`` (of ``v``'s very shape) by a value the backward has, the backward
  computes ``v = c * d`` (the layer norm's ``xc = xn * den`` from ``(xn, gamma, var)``),
  of ``c = k / v`` (a number but 0), ``v = k / c`` (``den = 1.0 / inv``), of ``c = v * d``
  (``d`` such a reciprocal, or a number but 0), ``v = c / d``, of ``c = v.T``, ``v = c.T``; only where
  the backward reads ``v`` where a rounding moves nothing by more (no comparison, index,
  ``np.sign``...; its shape anywhere).  A value a loop writes whole into a slot of its own of an array
  the cache holds as the loop leaves it (``h[:, t, :] = next_h``) is read back from that slot
  (``_slots_read_back``); the gradient of ``np.split``'s list, each of whose parts gets its one
  gradient, starts from no arrays (``_parts_given_whole``).  Where the backward still lacks a value,
  the refusal says what to cache: the value, its shape where only that is read, or a copy taken
  before the write that changed it.
"""

import ast
import dataclasses
import keyword
import re

from . import ir, source
from .errors import BackgenError
from .gates import is_sigmoid
from .source import tree_copy, names_of, walk


def output_roles(func, values):
    params = {a.arg for a in func.args.args}

    def gradient_like(value):  # (a parameter returned as it is, named dx beside x, is no gradient the function
        name = value.id if isinstance(value, ast.Name) else None  # computed: it is an input)
        return bool(name) and name not in params and \
            (name in ("grads", "grad", "gradients") or (name.startswith("d") and name[1:] in params))

    def dict_like(value):  # {"acc": acc}, dict(), or a name bound to those alone (grads = {}; grads["W"] = ...),
        if isinstance(value, ast.Name):  # not read but returned
            return value.id not in params and value.id in returned_dicts(func)
        return dict_display(value)

    def beside(value):  # (what a loss returns beside it, not differentiated)
        return gradient_like(value) or dict_like(value)
    loss_like = bool(values) and not gradient_like(values[0])  # (loss, dx); a backward (dx, dw) keeps all
    # (grads, cost): deeplearning.ai's propagate returns its dict of gradients before the cost
    grads_first = len(values) > 1 and gradient_like(values[0]) and dict_like(values[0]) and \
        not any(beside(value) for value in values[1:])
    others = [node.value.elts for node in _returns(func.body)  # (a value some return gives in its place, as
              if isinstance(node.value, ast.Tuple) and len(node.value.elts) == len(values)]  # return z, dx ** 2,
    roles = []  # is an output: so is the dx of the others)
    for k, value in enumerate(values):
        name = value.id if isinstance(value, ast.Name) else None
        if k == len(values) - 1 and k > 0 and name and "cache" in name.lower():
            roles.append("cache")
        elif k > 0 and loss_like and beside(value) and all(beside(other[k]) for other in others):
            roles.append("gradient")
        elif k == 0 and grads_first and all(beside(other[0]) for other in others):
            roles.append("gradient")
        else:
            roles.append("out")
    return roles


def dict_display(value):
    """``{...}`` or ``dict(...)``."""
    return isinstance(value, ast.Dict) or isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
        value.func.id == "dict"


def dict_made(value):
    """A dict written out (``dict_display``) or made by a comprehension (``{k: np.zeros_like(v) for k, v
    in params.items()}``)."""
    return dict_display(value) or isinstance(value, ast.DictComp)


def returned_dicts(func):
    """The names ``func`` binds to dicts written out alone (``stats = {"acc": acc}``, ``grads = {}``, or
    made by a comprehension), then writes into by key and returns, reading them nowhere else."""
    bound = {}  # name -> whether every binding of it is an assignment of a dict written out
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            bound[name] = bound.get(name, True) and dict_made(node.value)
            continue
        for child in ast.iter_child_nodes(node):  # (for d in ..., d += ..., a, d = ...: bound otherwise)
            if isinstance(child, (ast.Name, ast.Tuple, ast.List)) and isinstance(child.ctx, ast.Store):
                for target in walk(child):
                    if isinstance(target, ast.Name):
                        bound[target.id] = False
    written = {id(node.value) for node in walk(func) if isinstance(node, ast.Subscript) and
               isinstance(node.ctx, ast.Store)}  # (grads["W"] = dW: grads written into, not read)
    returned = {id(v) for node in walk(func) if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
                for v in node.value.elts}
    read = {node.id for node in walk(func) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            and id(node) not in written and id(node) not in returned}
    return {name for name, dicts in bound.items() if dicts and name not in read}


def cache_returned(helper):
    """The ``Forward`` of a layer ``helper`` whose last returned value its callers take for its cache
    (``return out, x``, ``return out, (x, w, b)``; ``out, relu_cache = relu_forward(a)``) with that value
    named as a cache (``cache = x``, then ``return out, cache``; a local every return gives, renamed), so
    that its backward is one of
    ``(dout, cache)``; None where it already returns one, returns no tuple of two or more, or returns
    tuples of several lengths.  Only for a caller that reads that value nowhere but in its own cache,
    which is not differentiated: the value's gradient is then none."""
    func = helper.func
    returns = list(_returns(func.body))
    lengths = {len(r.value.elts) if isinstance(r.value, ast.Tuple) else 0 for r in returns}
    if not returns or len(lengths) != 1 or min(lengths) < 2 or \
            output_roles(func, returns[0].value.elts)[-1] == "cache":
        return None
    taken = names_of(func) | {a.arg for a in func.args.args}
    name, k = "cache", 1
    while name in taken:
        name, k = f"cache_{k}", k + 1
    func = tree_copy(func)
    last = {r.value.elts[-1].id if isinstance(r.value.elts[-1], ast.Name) else None for r in _returns(func.body)}
    local = last.pop() if len(last) == 1 else None
    if local is not None and local not in {a.arg for a in func.args.args} and not any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Global,
                           ast.Nonlocal)) for n in walk(func) if n is not func):
        for node in walk(func):  # values = (x, w, b); return out, values: the local renamed (cache)
            if isinstance(node, ast.Name) and node.id == local:
                node.id = name
        return dataclasses.replace(helper, func=func)

    class Named(ast.NodeTransformer):
        def visit_FunctionDef(self, node):  # (functions defined in it return their own values)
            return node if node is not func else self.generic_visit(node)

        def visit_Return(self, node):
            value = node.value.elts[-1]
            made = ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), node)], value), node)
            node.value.elts[-1] = ast.copy_location(ast.Name(name, ast.Load()), value)
            return [made, node]
    func = ast.fix_missing_locations(Named().visit(func))
    return dataclasses.replace(helper, func=func)


def _returns(stmts):
    """The ``return`` statements of a function's body, those of functions defined in it left out."""
    for stmt in stmts:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            yield stmt
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "handlers", "finalbody"):
                yield from _returns([s for s in getattr(stmt, field, ()) if isinstance(s, ast.AST)])
            for case in getattr(stmt, "cases", ()):
                yield from _returns(case.body)


def specialize(stmts, cache, numpy_names=(), paths=True):
    """``stmts`` with each if that builds ``cache`` on some paths only replaced by those paths; then,
    where that if's test is a setting's (``if mode == 'train':``, ``_setting_test``), every other if of
    the same test at that level, the setting's names rebound by nothing between the two, replaced by
    the branch the cache's path takes (the test is the same there); and an if whose branches are the
    same statements, of a test without calls, by those statements."""
    out, known = [], []  # known: (index in out, test, taken) of the ifs the cache's path decided
    stmts = [part for stmt in stmts for part in _cache_after_branches(stmt, cache, numpy_names)]
    stmts = [part for stmt in stmts for part in _same_branches(stmt, numpy_names)]
    if not paths:  # (every path kept: a backward given the arrays, not the cache)
        return stmts
    once = sum(_built_before([stmt], cache) for stmt in stmts) <= 1  # (else the last build decides: staged)
    for stmt in stmts:
        if isinstance(stmt, ast.If) and once:
            body, orelse = _builds(stmt.body, cache), _builds(stmt.orelse, cache)
            if body != orelse and _setting_test(stmt.test):
                known.append((len(out), stmt.test, body))
            if body and not orelse:
                out.extend(specialize(stmt.body, cache, numpy_names))
                continue
            if orelse and not body:
                out.extend(specialize(stmt.orelse, cache, numpy_names))
                continue
        out.append(stmt)
    if len(known) == 1:  # (a cache built by two ifs is refused when staged)
        out = _decided(out, *known[0])
    return [part for stmt in out for part in _same_branches(stmt, numpy_names)]


def _cache_after_branches(stmt, cache, numpy_names=()):
    """``[stmt]``, or, for an if each of whose branches ends with the same statement building
    ``cache`` (``cache = (x, w, b)``), the if without it, then that statement: the cache is then built
    once, after the branches, as it is where either runs (an ``elif`` chain too, from its last branch).
    Only where the test changes nothing when read (``_pure``): the backward may read it again."""
    if not isinstance(stmt, ast.If) or not stmt.orelse or not _pure(stmt.test, numpy_names):
        return [stmt]
    orelse = stmt.orelse
    if len(orelse) == 1 and isinstance(orelse[0], ast.If):
        orelse = _cache_after_branches(orelse[0], cache, numpy_names)
    body, last = stmt.body, stmt.orelse and orelse[-1]
    if not (body and isinstance(last, ast.Assign) and _builds([last], cache) and
            ast.dump(body[-1], annotate_fields=False) == ast.dump(last, annotate_fields=False)):
        return [stmt]

    def without_last(stmts):
        return stmts[:-1] or [ast.copy_location(ast.Pass(), stmts[-1])]
    branched = ast.copy_location(ast.If(stmt.test, without_last(body), without_last(orelse)), stmt)
    return [ast.fix_missing_locations(branched), last]


def _setting_test(test):
    """Whether ``test`` compares names with strings alone (``mode == 'train'``, ``mode != 'test' and
    not flag == 'a'``): its value stays the same while those names are not rebound."""
    if isinstance(test, ast.BoolOp):
        return all(map(_setting_test, test.values))
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _setting_test(test.operand)
    if not isinstance(test, ast.Compare) or not all(isinstance(op, (ast.Eq, ast.NotEq)) for op in test.ops):
        return False
    parts = [test.left, *test.comparators]
    return all(isinstance(p, (ast.Name, ast.Constant)) for p in parts) and \
        any(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts) and \
        any(isinstance(p, ast.Name) for p in parts)


def _decided(stmts, at, test, taken):
    """``stmts`` with the ifs of ``test`` at their level, before and after ``at`` (where the statements
    of the branch the cache's path took begin), replaced by the branch ``taken`` says, while no
    statement between them rebinds a name of the test (an if's own test is read before its branches)."""
    names = names_of(test)
    shape = ast.dump(test, annotate_fields=False)

    def rebinds(stmt):
        return any(isinstance(n, ast.Name) and n.id in names and not isinstance(n.ctx, ast.Load) or
                   isinstance(n, (ast.Global, ast.Nonlocal, ast.FunctionDef, ast.Lambda, ast.Import,
                                  ast.ImportFrom, ast.ExceptHandler, ast.Match)) for n in walk(stmt))

    def branch(stmt):
        if isinstance(stmt, ast.If) and ast.dump(stmt.test, annotate_fields=False) == shape:
            return list(stmt.body if taken else stmt.orelse) or [ast.copy_location(ast.Pass(), stmt)]
        return [stmt]
    out = [[stmt] for stmt in stmts]
    for k in range(at - 1, -1, -1):  # before: the if's test is read after the statements between
        if rebinds(stmts[k]):
            break
        out[k] = branch(stmts[k])
    for k in range(at, len(stmts)):  # after: the if's test is read before its own branches run
        out[k] = branch(stmts[k])
        if rebinds(stmts[k]):
            break
    return [part for parts in out for part in parts]


_READING_METHODS = frozenset({"max", "min", "sum", "mean", "std", "var", "prod", "any", "all", "argmax", "argmin"})


def _same_branches(stmt, numpy_names=()):
    """``[stmt]``, or the statements of both branches of an if whose branches are the same and whose
    test changes nothing when read (``_pure``)."""
    if isinstance(stmt, ast.If) and stmt.body and \
            [ast.dump(s, annotate_fields=False) for s in stmt.body] == \
            [ast.dump(s, annotate_fields=False) for s in stmt.orelse] and _pure(stmt.test, numpy_names):
        return list(stmt.body)
    return [stmt]


def _pure(test, numpy_names):
    """Whether ``test`` calls nothing but NumPy's functions (``numpy_names``: the names of the module),
    none of ``np.random``'s, and arrays' reductions (``x.max()``): reading it changes nothing."""
    def pure(node):
        if isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda)):
            return False
        if not isinstance(node, ast.Call):
            return True
        func, parts = node.func, []
        while isinstance(func, ast.Attribute):
            parts.append(func.attr)
            func = func.value
        return isinstance(func, ast.Name) and func.id in numpy_names and bool(parts) and "random" not in parts \
            or len(parts) == 1 and parts[0] in _READING_METHODS  # x.max()
    return all(map(pure, walk(test)))


def _built_before(stmts, cache):
    """Whether ``stmts`` give ``cache`` a value other than None (``out, cache = None, None`` gives none)."""
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    pairs = zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple) and \
                        isinstance(node.value, ast.Tuple) and len(target.elts) == len(node.value.elts) \
                        else [(target, node.value)]
                    if any(_builds([ast.Expr(t)], cache) and not (isinstance(v, ast.Constant) and v.value is None)
                           for t, v in pairs):
                        return True
            elif _builds([node], cache) and isinstance(node, (ast.For, ast.With, ast.NamedExpr)):
                return True
    return False


def _builds(stmts, cache):
    return any(isinstance(n, ast.Name) and n.id == cache and isinstance(n.ctx, ast.Store)
               for s in stmts for n in walk(s))


def inline_expressions(stmts, forward, cache_name=None):
    """``stmts`` with each call of a one-expression function of the file (``def sigmoid(x): return
    1 / (1 + np.exp(-x))``) replaced by its expression: part of the layer's computation, so the
    backward can use what the cache holds (the sigmoid's output) instead of recomputing its input.
    A helper that is the sigmoid spelled otherwise (``gates``), called for the whole value of a
    name the cache ``cache_name`` is built of (``i = sigmoid(a[:, :H])``, ``cache = (..., i, ...)``),
    is ``1 / (1 + np.exp(-z))`` there: the backward reads the gate's output, never computes the
    expression again (which overflows where the user's stable spelling does not)."""
    gated = set()
    if cache_name is not None:
        assigns = [n for s in stmts for n in walk(s) if isinstance(n, ast.Assign)]
        built = [n.value for n in assigns if any(isinstance(t, ast.Name) and t.id == cache_name for t in n.targets)]
        cached = {n.id for value in built for n in walk(value) if isinstance(n, ast.Name)}
        gated = {id(n.value) for n in assigns if len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
                 and n.targets[0].id in cached and isinstance(n.value, ast.Call)}
    numpy_name = next((n for n, meaning in forward.env.items() if meaning == "numpy"), None)
    from .parse import read_helper
    stored = {n.id for s in stmts for n in walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    stored |= {a.arg for a in forward.func.args.args}

    class Inline(ast.NodeTransformer):
        def visit_Call(self, call):
            self.generic_visit(call)
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name not in forward.helpers or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
                return call
            helper = read_helper(forward, name)
            if id(call) in gated and numpy_name is not None and len(call.args) == 1 and \
                    is_sigmoid(helper.func, helper.env):
                # CS231n's stable sigmoid, or another spelling of it: the gate, 1 / (1 + exp(-z))
                gate = ast.parse(f"1 / (1 + {numpy_name}.exp(-z))", mode="eval").body
                for node in walk(gate):  # (errors point at the caller's line)
                    ast.copy_location(node, call)
                gate.right.right.args[0].operand = call.args[0]
                return gate
            args = helper.func.args
            body = [s for s in helper.func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            expr = _one_expression(body)
            if expr is None or isinstance(expr, ast.Tuple) or args.defaults or len(args.args) != len(call.args):
                return call
            params = [a.arg for a in args.args]
            names = [n for n in walk(expr) if isinstance(n, ast.Name)]
            free = {n.id for n in names} - set(params)
            if free & stored or any(helper.env.get(n) != forward.env.get(n) for n in free) or any(
                    sum(n.id == p for n in names) > 1 and not isinstance(a, (ast.Name, ast.Constant))
                    for p, a in zip(params, call.args)):
                return call  # a name meaning something else here, or an argument computed twice

            class Substitute(ast.NodeTransformer):
                def visit_Name(self, node):
                    return tree_copy(call.args[params.index(node.id)]) if node.id in params else node
            expr = Substitute().visit(expr)
            for node in walk(expr):  # errors point at the caller's line
                for field in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
                    if hasattr(call, field):
                        setattr(node, field, getattr(call, field))
            return self.visit(expr)
    return [Inline().visit(stmt) for stmt in stmts]


def _one_expression(body):
    """The expression a function's ``body`` returns, its assignments put in where they are read
    (``a = np.tanh(a)`` then ``return a``: ``np.tanh(a)``), or None: a body of other statements, a
    value read twice (computed twice, once put in), or one read by no later line, or a random draw
    (its order among draws would change)."""
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    expr = tree_copy(body[-1].value)
    for stmt in reversed(body[:-1]):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        name, value = stmt.targets[0].id, stmt.value
        uses = [n for n in walk(expr) if isinstance(n, ast.Name) and n.id == name]
        if not uses or len(uses) > 1 and not isinstance(value, (ast.Name, ast.Constant)) or any(
                isinstance(n, (ast.Lambda, ast.NamedExpr, ast.comprehension, ast.Await, ast.Yield, ast.YieldFrom))
                or isinstance(n, ast.Attribute) and n.attr == "random" for n in walk(value)):
            return None
        if any(isinstance(n, (ast.Lambda, ast.comprehension)) for n in walk(expr)):
            return None  # (a name of its own there)

        class Put(ast.NodeTransformer):
            def visit_Name(self, node):
                return tree_copy(value) if node.id == name else node
        expr = Put().visit(expr)
    return expr


@dataclasses.dataclass(frozen=True)
class Layout:
    """How the user's cache holds its values: ``form`` is "tuple", "single" or "dict"."""

    form: str
    names: tuple  # the staged name of each entry (None for an entry that is not a variable)
    keys: tuple = ()  # a dict's keys
    line: int = 0
    others: tuple = ()  # the lines building another cache on another path (batch normalization's test mode)
    stale: tuple = ()  # (staged name, condition, BackgenError): entries a write changed unseen (stale_names)
    texts: tuple = ()  # each entry as the user wrote it (``x``, ``h1.copy()``), for messages
    refusal: object = None  # a BackgenError for a backward of (dout, cache) alone: a cache it cannot read (one
    # a layer called here returns, values put in by a loop), which a backward of the parameters never reads


class CacheStager:
    """Mixin of the stager: ``self.cache_name`` (or None) is the name the forward returns as its cache."""

    def cache_assignment(self, value, node):
        """``cache = ...``: record what it holds; nothing is staged for the cache itself."""
        first = getattr(self, "cache_layout", None)
        if first is not None and not self.loop_entries and _within(self.guards, self.cache_held[1]):
            first = None  # (built again on every path the first was: the first is never returned)
        if first is not None and not (_apart(self.cache_held[1], self.guards) and
                                      len(self.loop_entries) == self.cache_held[2] == 0):
            raise self.error(f"{self.cache_name!r} is built twice (first on line {first.line}): the "
                             "backward reads one cache; build it once, after the branches, or on the one path "
                             "whose backward is needed (the training path), leaving it None on the others", node)
        if isinstance(value, (ast.Tuple, ast.List)):
            form, entries, keys = "tuple", value.elts, ()
        elif isinstance(value, ast.Dict):
            if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
                raise self.error("a cache dict needs string keys", value)
            form, entries, keys = "dict", value.values, tuple(k.value for k in value.keys)
        else:
            form, entries, keys = "single", [value], ()
        names, texts, stale = [], [], []
        for k, entry in enumerate(entries):
            if isinstance(entry, (ast.Tuple, ast.List, ast.Dict)):
                raise self.error("a cache of caches (a layer built from layers) is not supported yet: "
                                 "cache the values themselves", entry)
            marked = self.stale_entry(entry)
            if marked is not None:  # an array changed unseen (x, written through x.ravel()): left unread
                atom = self.versions.get(entry.id)
                stale.append((atom.name if isinstance(atom, ir.Var) else None, *marked))
            elif isinstance(entry, ast.Name) and entry.id in self.not_values:
                atom = None  # a layer's cache it called (affine_relu_forward's fc_cache): no value here
            elif isinstance(entry, ast.Name) and entry.id in self.forward.placeholders and (
                    entry.id not in self.versions or self.unguarded(entry.id)):
                atom = self.versions.get(entry.id)  # None on some paths (dropout's mask in test mode)
            elif keys and keys[k].isidentifier() and not keyword.iskeyword(keys[k]):
                atom = self.expr(entry, name=lambda key=keys[k]: self.namer.fresh(key))  # named by its key
            else:
                atom = self.expr(entry)
            names.append(atom.name if isinstance(atom, ir.Var) else None)
            texts.append(ast.unparse(entry))
        self.cache_fresh = not entries and isinstance(value, (ast.Tuple, ast.List, ast.Dict)) or \
            isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult) and isinstance(value.left, ast.List) \
            and all(isinstance(e, ast.Constant) for e in value.left.elts)  # [], {}, [None] * T: a new container
        if first is not None and first.line == node.lineno and set(first.others) <= {node.lineno} and \
                (first.form, first.keys, len(first.names)) == (form, keys, len(names)) and \
                not first.stale and not stale and first.refusal is None:
            # the one statement, written into each path of a branch (tails.split): one cache, each path's
            # entry read where every path holds the same value there (one computed before the branch, a
            # parameter), the others left unread (the backward computes them again, as for any entry
            # it lacks); the backward takes the path the forward took by the branch's test
            names = [name if name == held else None for name, held in zip(names, first.names)]
            self.cache_layout = Layout(form, tuple(names), keys, node.lineno, (), (), tuple(texts), None)
            self.cache_held = (tuple(texts), list(self.guards), len(self.loop_entries))
            return
        others = () if first is None else (*first.others, first.line)  # (a cache on each path: the
        self.cache_layout = Layout(form, tuple(names), keys, node.lineno, others, tuple(stale),  # function's
                                   tuple(texts), None if first is None else first.refusal)
        self.cache_held = (tuple(texts), list(self.guards), len(self.loop_entries))  # gradient is that path's)

    def cache_handed_on(self, value, names):
        """Whether ``names = value`` (``names`` holding the cache's name once) gives the cache a value
        followed: a tuple display, each name set in turn (``out, cache = y, (x, w)``), or the cache a
        layer called here returns (``out_flat, cache = batchnorm_forward(x_flat, ...)``, ``layer_cache``)."""
        if names.count(self.cache_name) != 1:
            return False
        if isinstance(value, (ast.Tuple, ast.List)):
            return len(value.elts) == len(names) and not any(isinstance(e, ast.Starred) for e in value.elts) and \
                len(set(names)) == len(names) and not {n.id for e in value.elts for n in walk(e)
                                                      if isinstance(n, ast.Name)} & set(names)
        roles = self.unpacked_roles(value, len(names))
        return roles is not None and roles[names.index(self.cache_name)] == "cache"

    def layer_cache(self, value, node):
        """``out_flat, cache = batchnorm_forward(...)``, the outputs staged: the cache returned is the one
        the layer called returns, holding no value of this function.  A backward of the parameters (the
        decorator's, whose layer form keeps a cache of its own) reads none of it; one of ``(dout, cache)``
        alone, where ``sandwich`` does not compose it, is refused (``Layout.refusal``)."""
        function = value.func.id
        self.cache_assignment(ast.copy_location(ast.Name(self.cache_name, ast.Load()), node), node)
        self.cache_layout = dataclasses.replace(
            self.cache_layout, texts=(f"the cache {function}() returns",), refusal=self.error(
                f"{self.cache_name!r} comes from a layer called here, with other computation around it: backgen "
                f"builds such a backward (dout, {self.cache_name}) only for a layer made of layer calls alone, "
                "with reshapes of their inputs and outputs (spatial_batchnorm_forward); cache the values "
                "themselves, or decorate the layer (backgen.backward, backgen.layer), whose backward keeps a "
                "cache of its own", node))

    def cache_unpacked(self, value, node):
        """``a, cache = value`` where the cache is neither a layer's handed on nor set in turn from a tuple
        display (``layer_cache``, ``cache_handed_on``), the other names staged: the cache holds no value
        here (its reads are refused); a backward of ``(dout, cache)`` alone is refused at this line."""
        called = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
            value.func.id in self.forward.helpers
        self.not_values[self.cache_name] = (value.func.id if called else "", "cache", self.line)
        self.versions.pop(self.cache_name, None)
        self.cache_assignment(ast.copy_location(ast.Name(self.cache_name, ast.Load()), node), node)
        message = (f"{self.cache_name!r} comes from a layer called here, with other computation around it: "
                   "backgen builds such a backward only for a layer made of layer calls alone (affine_relu_forward)"
                   if called else f"{self.cache_name!r} is unpacked here with other values")
        self.cache_layout = dataclasses.replace(self.cache_layout, texts=(ast.unparse(value),), refusal=self.error(
            f"{message}; cache the values themselves (cache = (x, w, ...)), or decorate the layer (backgen.backward, "
            "backgen.layer), whose backward keeps a cache of its own", node))

    def cache_parts(self, value):
        """``value`` put into the cache, staged for what it reads (a tuple, list or dict display part by
        part, a layer's cache left alone): the cache holds no value of it."""
        if isinstance(value, (ast.Tuple, ast.List)):
            for elt in value.elts:
                self.cache_parts(elt.value if isinstance(elt, ast.Starred) else elt)
        elif isinstance(value, ast.Dict):
            for part in [k for k in value.keys if k is not None] + value.values:
                self.cache_parts(part)
        elif not (isinstance(value, ast.Name) and value.id in self.not_values and value.id not in self.versions):
            return self.expr(value)
        return None

    def cache_put(self, node, value):
        """``cache.append(v)`` or ``cache[k] = v`` where backgen does not follow a cache built up (in a
        loop or a branch; not a step layer's caches), into a new container the cache was made (``cache =
        []``, no other name holds it: a read of the cache is refused): ``v`` is staged for what it reads,
        the cache holds no value, and a backward of ``(dout, cache)`` alone is refused at this line
        (``Layout.refusal``); a backward of the parameters reads none of it.  Into any other container
        (one another name may hold, ``cache = hs``), refused."""
        layout = getattr(self, "cache_layout", None)
        if layout is None or not getattr(self, "cache_fresh", False):
            raise self.cache_built_up(node)
        self.cache_parts(value)
        if layout.refusal is None:
            layout = dataclasses.replace(layout, refusal=self.cache_built_up(node))
        self.cache_layout = layout

    def stale_entry(self, entry):
        """``(condition, error)`` for the cache's entry ``entry`` where it is a name a write made stale,
        unseen by backgen (``x`` after a write into ``v = x.ravel()``; ``condition``: None, or the
        values whose being arrays makes it so), or None.  Such an entry is left unread where it is
        stale, and the error raised only where the backward lacks a value (``from_user_cache``)."""
        if not isinstance(entry, ast.Name) or self.stale_calls.get(entry.id) or \
                not isinstance(self.versions.get(entry.id), ir.Var):
            return None  # (sharing through a helper's result: its own way, the helper written into the caller)
        marks = self.stale.get(entry.id, ())
        self.written_in_place_later(entry.id, entry)  # (an op= staged again as a write where it writes into an array)
        for only_if_array, message, _ in sorted(marks, key=lambda mark: mark[0] is not None):
            return only_if_array, self._after_parameter_write(self.error(message, entry))
        return None

    def cache_written(self, name, old, node, rebinds=False, same_only=False):
        """A write after the cache is built into the array of ``old`` (an ir.Var), ``name`` now
        holding it as written: the cache holds that array, so an entry that is that array takes its
        new value, where the write is on the cache's path.  Any other entry sharing its memory (a
        view, an alias), or a write in a later branch or loop, is refused.  With ``rebinds``
        (``h *= v``, a new value where ``h`` is a number) the entry follows where it is an array,
        and a number is refused; with ``same_only`` (a list appended to) only the very value
        counts."""
        held = getattr(self, "cache_held", None)
        if held is None or not isinstance(old, ir.Var):
            return
        texts, guards, loops = held
        names, stale = list(self.cache_layout.names), list(self.cache_layout.stale)
        shared = {old.name} if same_only else self.sharing(old.name, items=True)
        here = self.guards == guards and len(self.loop_entries) == loops
        new = self.versions.get(name)
        for k, held_name in enumerate(names):
            if held_name is None or held_name not in shared or any(n == held_name for n, _, _ in stale):
                continue  # (an entry left unread already stays so)
            what = (f"this changes the array of {texts[k]!r}, which the cache built on line "
                    f"{self.cache_layout.line} holds, after the cache is built")
            if held_name != old.name or not here or not isinstance(new, ir.Var):
                where = "in a branch or a loop after it" if not here else "through another name"
                stale.append((held_name, None, self.error(f"{what} ({where}): backgen does not follow that; "
                                                          f"build the cache after the last write, or cache a "
                                                          f"copy ({texts[k]}.copy())", node)))
                continue
            names[k] = new.name
            if rebinds:
                self.number_hazards.append((old.name, self.error(
                    f"{what}: {name} is a number here, which this rebinds: the cache keeps the number it "
                    f"held; build the cache after this line", node), self.error(
                    f"{what}: where {name} is a number the cache keeps the old one; give the shapes, or "
                    "build the cache after this line", node)))
        self.cache_layout = dataclasses.replace(self.cache_layout, names=tuple(names), stale=tuple(stale))


def _within(guards, others):
    """Whether the path of ``guards`` holds every path of ``others`` (its ifs enclose theirs)."""
    return len(guards) <= len(others) and all((test is other or test == other) and taken == other_taken
                                              for (test, taken), (other, other_taken) in zip(guards, others))


def _apart(guards, others):
    """Whether the paths of two lists of an if's ``(test, branch taken)`` never meet (``if mode ==
    "train": ... elif mode == "test": ...``: the same if, its two branches)."""
    for (test, taken), (other, other_taken) in zip(guards, others):
        if test is not other and test != other:
            return False
        if taken != other_taken:
            return True
    return False


def from_user_cache(backward, staged, error):
    """The backward as ``name(dout..., cache)``; ``error(message, line)`` makes a BackgenError.  Where
    the cache lacks a value the backward reads but holds its quotient by a value the backward has
    (``xn = xc / den``, ``xn`` cached: ``_divided_back``), the backward computes it as ``xc = xn * den``."""
    try:
        return _from_user_cache(backward, staged, error)
    except BackgenError as refusal:
        if not _quotients(staged):
            raise
        try:
            return _from_user_cache(backward, staged, error, recover=True)
        except BackgenError:
            raise refusal from None


def _quotients(staged):
    """``[(c, v, text, reads)]``, in order, for each value ``v`` the forward computes outside branches
    and loops, not held by the cache, that ``text`` computes again from ``c`` and ``reads`` (names):
    ``c * d`` of ``c = v / d`` (``d`` a name or a number), ``k / c`` of ``c = k / v`` (``k`` a number
    but 0), ``c / d`` of ``c = v * d`` (``d`` never 0: such a reciprocal, or a number but 0), ``c.T``
    of ``c = v.T``; ``c`` held by the cache, or computed so itself, and of the very
    shape of ``v`` (no broadcasting makes it larger).  Not in shape-generic code (sample shapes may
    agree where others do not)."""
    if getattr(staged, "shape_free", ()) or staged.cache is None:
        return []
    layout = _copies_as_their_values(staged.cache, staged)
    known = {n for n in layout.names if n} - set_in_loops(staged.body) - stale_names(staged)
    shapes, found = staged.shapes or {}, []
    reciprocals = {op.target for op in staged.body if isinstance(op, ir.Op) and op.rule == "div" and  # never 0
                   len(op.args) == 2 and isinstance(op.args[0], ir.Const) and _nonzero_number(op.args[0].source)}

    def alike(value, other):  # a value of the very shape of another, not known
        return isinstance(value, ir.Var) and value.name not in known and value.name not in staged.lists and \
            shapes.get(value.name) is not None and tuple(shapes[value.name]) == tuple(shapes[other]) and \
            _told_apart(staged, shapes[other])
    grown = True
    while grown:
        grown = False
        for op in staged.body:
            if not (isinstance(op, ir.Op) and op.target in known and shapes.get(op.target) is not None):
                continue
            c, args = op.target, op.args
            if op.rule == "div" and len(args) == 2 and alike(args[0], c) and isinstance(args[1], (ir.Var, ir.Const)):
                d = args[1]
                found.append((c, args[0].name, f"{c} * {d.name if isinstance(d, ir.Var) else d.source}",
                              (c, d.name) if isinstance(d, ir.Var) else (c,)))
            elif op.rule == "div" and len(args) == 2 and alike(args[1], c) and isinstance(args[0], ir.Const) and \
                    _nonzero_number(args[0].source):
                found.append((c, args[1].name, f"{args[0].source} / {c}", (c,)))
            elif op.rule == "mul" and len(args) == 2 and any(
                    alike(v, c) and (isinstance(d, ir.Const) and _nonzero_number(d.source) or
                                     isinstance(d, ir.Var) and d.name in reciprocals) for v, d in (args, args[::-1])):
                v, d = next((v, d) for v, d in (args, args[::-1]) if alike(v, c) and (
                    isinstance(d, ir.Const) and _nonzero_number(d.source) or
                    isinstance(d, ir.Var) and d.name in reciprocals))
                found.append((c, v.name, f"{c} / {d.name if isinstance(d, ir.Var) else d.source}",
                              (c, d.name) if isinstance(d, ir.Var) else (c,)))
            elif op.rule == "np.transpose" and len(args) == 1 and dict(op.params).get("axes", "None") == "None" \
                    and isinstance(args[0], ir.Var) and args[0].name not in known and \
                    args[0].name not in staged.lists and shapes.get(args[0].name) is not None and \
                    tuple(shapes[args[0].name]) == tuple(reversed(shapes[c])):
                found.append((c, args[0].name, f"{c}.T", (c,)))
            else:
                continue
            known.add(found[-1][1])
            grown = True
    return found


def _nonzero_number(text):
    try:
        value = float(text)
    except ValueError:
        return False
    return value != 0 and value == value and abs(value) != float("inf")


def _divided_back(result, staged):
    """``result`` with each value ``v`` that the cache's quotients give back (``_quotients``), of which
    the forward pass computes none or one, outside blocks, computed from them instead (``xc = xn *
    den``, ``den = 1.0 / inv``), right after what that reads (where the forward pass computes it),
    where no line before reads ``v`` (lines nothing reads are dropped after)."""
    forward = list(_unread_dropped(result).forward)
    cached = set(n for n in result.cache.names if n)
    for c, v, text, reads in _quotients(staged):
        at = [k for k, item in enumerate(forward) if isinstance(item, ir.ForwardLine) and item.target == v]
        if len(at) > 1 or any(_base(item.target) == v for item in _walked(forward)
                              if isinstance(item, (ir.ForwardLine, ir.AdjointLine)) and not (at and item is forward[at[0]])):
            continue
        old = forward.pop(at[0]) if at else None
        after, ready = 0, True
        for name in reads:
            where = [k for k, item in enumerate(forward) if isinstance(item, ir.ForwardLine) and item.target == name]
            if len(where) > 1 or not where and name not in cached or any(
                    _base(item.target) == name for item in _walked(forward)
                    if isinstance(item, (ir.ForwardLine, ir.AdjointLine)) and "[" in item.target):
                ready = False
            after = max(after, where[0] + 1 if where else 0)
        if ready and not any(_mentions(item, v) for item in _walked(forward[:after])):
            forward.insert(after, ir.ForwardLine(old.number if old else _number(staged, v), v, text))
            if _read_smoothly(dataclasses.replace(result, forward=tuple(forward)), v):
                continue
            forward.pop(after)
        if old is not None:
            forward.insert(at[0], old)
    return dataclasses.replace(result, forward=tuple(forward))


def _number(staged, name):
    """The position of the line computing ``name`` in the staged forward (1-based), as ``ForwardLine``
    numbers it."""
    ops = list(ir.ops_in(staged.body))
    return next((k + 1 for k, op in enumerate(ops) if op.target == name), 0)


_STEPS = frozenset({"argmax", "argmin", "argsort", "sort", "nonzero", "flatnonzero", "sign", "floor", "ceil", "round",
                    "rint", "trunc", "fix", "astype", "int", "bool", "isclose", "allclose", "unique", "searchsorted",
                    "digitize", "heaviside", "isfinite", "isnan", "isinf", "equal", "not_equal", "greater",
                    "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_not", "all", "any",
                    "maximum", "minimum", "max", "min", "clip"})
_INDEXING = frozenset({"at", "take", "take_along_axis", "put", "put_along_axis", "choose", "bincount", "repeat",
                       "compress", "ravel_multi_index", "unravel_index", "reshape", "zeros", "ones", "empty", "full",
                       "eye", "identity", "arange", "tile", "roll", "delete", "insert", "broadcast_to", "resize",
                       "split", "array_split", "range", "len"})  # (calls reading their arguments as indices,
# counts or sizes: a value computed again in floats, from an integer one, is none of those)


_SHAPES = frozenset({"shape", "ndim", "size"})  # (not dtype: a float computed again where it held integers)


def _read_smoothly(result, name):
    """Whether the backward's lines read ``name`` (a value computed again from a quotient, off from the
    forward's by a rounding, and a float where it held integers) only where a rounding moves the result
    by as little: never compared, as an index (``x[i]``, ``np.add.at(dW, i, g)``), a count or a size,
    or by a function whose result jumps (``np.sign``, ``argmax``, ``np.maximum``,
    ``astype``; ``np.where`` where its condition reads it, a comparison); its shape (``x.shape``, read
    for ``np.broadcast_to(g, x.shape)``) is exact, and may be read anywhere."""
    off = {name}  # and what the forward pass computes from it (t = xc * 2.0, then t > 0)
    for item in _walked(result.forward):
        if isinstance(item, (ir.ForwardLine, ir.AdjointLine)) and item.target != name and \
                _names_in(str(item)) & off:
            off.add(_base(item.target))

    def reads(node):  # (its shape alone, x.shape, np.shape(x), is exact: no rounding moves it)
        return any(isinstance(n, ast.Name) and n.id in off and id(n) not in shaped for n in walk(node))
    for item in _lines(result):
        if isinstance(item, ir.ForwardLine) and item.target == name:
            continue
        tree = _parsed(item)
        shaped = {id(n.value) for n in walk(tree) if isinstance(n, ast.Attribute) and n.attr in _SHAPES} | \
            {id(n.args[0]) for n in walk(tree) if isinstance(n, ast.Call) and len(n.args) == 1 and
             (getattr(n.func, "attr", None) or getattr(n.func, "id", None)) in ("shape", "ndim", "size", "len")}
        for node in walk(tree):
            if isinstance(node, (ast.Compare, ast.BoolOp, ast.IfExp)) and reads(node) or \
                    isinstance(node, ast.Subscript) and reads(node.slice) or \
                    isinstance(node, ast.Call) and reads(node) and (
                        isinstance(node.func, ast.Attribute) and node.func.attr in _STEPS or
                        isinstance(node.func, ast.Name) and node.func.id in _STEPS):
                return False
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in _STEPS and reads(node.func.value):
                return False
            if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) \
                    in _INDEXING and any(reads(arg) for arg in node.args + [k.value for k in node.keywords]):
                return False  # (np.add.at(dW, x, dout): x an index; np.zeros(n))
    return True


def _names_in(text):
    return names_of(ast.parse(text))


def _from_user_cache(backward, staged, error, recover=False):
    if staged.cache.refusal is not None:
        raise staged.cache.refusal
    layout = _copies_as_their_values(staged.cache, staged)
    looped = set_in_loops(staged.body) | stale_names(staged)
    backward, buffers = _slots_read_back(backward, staged, layout, looped)
    if looped & set(layout.names):  # a loop's carried value: the forward pass computes it step by step
        layout = dataclasses.replace(layout, names=tuple(None if n in looped and n not in buffers else n
                                                         for n in layout.names))
    cached = {n for n in layout.names if n}
    result = dataclasses.replace(backward, forward=tuple(without_cached(backward.forward, cached, writes=True)),
                                 groups=tuple(without_cached(backward.groups, cached)), cache=layout, params=(),
                                 defaults=())
    result = _missing_zeros_from_the_cache(result, staged, cached)
    first = _unread_dropped(_zeros_from_what_is_there(result, staged, cached))
    kept = {line.target for line in _lines(first) if isinstance(line, ir.ForwardLine) and line.target.isidentifier()}
    result = _unread_dropped(_zeros_from_what_is_there(result, staged, cached, kept)) if kept else first
    drawn = [line for line in _lines(result) if isinstance(line, ir.ForwardLine) and ".random." in line.source]
    if drawn:
        raise error(_drawn_message(drawn[0], staged, layout), layout.line)
    values = set(staged.params) | {op.target for op in ir.ops_in(staged.body)}
    free = (_free(result) & values) - cached
    # (values read for their shapes only, or lines computing them, read for their shapes: a product
    # computed again only for the shape of its gradient, dout.reshape(prod.shape))
    result = _shapes_taken(result, staged, cached, values, looped)
    free = (_free(result) & values) - cached
    result = _unread_dropped(_parts_given_whole(result, staged, cached))
    free = (_free(result) & values) - cached
    result, free = _written_for_their_shapes(result, staged, free, values)
    if recover and free:  # (then values read for their shapes only again: x of xc = x - mu)
        result = _unread_dropped(_divided_back(result, staged))
        free = (_free(result) & values) - cached
        result = _shapes_taken(result, staged, cached, values, looped)
        free = (_free(result) & values) - cached
        result, free = _written_for_their_shapes(result, staged, free, values)
    applying = [refusal for name, _, refusal in layout.stale if name in stale_names(staged)]
    if free and applying:  # an entry changed unseen would have served: that write is the reason, as where
        raise applying[0]  # the backward reads it
    if free:
        raise error(_missing_message(sorted(free), result, staged, layout), layout.line)
    return result


def _shapes_taken(result, staged, cached, values, looped):
    """``result`` with the shapes it reads taken from what is there (``_shapes_from_what_is_there``) until
    nothing changes: a line left unread once its value's shape is taken elsewhere (``x_flat =
    xT.reshape(-1, C)``, read for ``x_flat.shape`` alone) leaves the value it read (``xT``) read for its
    shape alone in turn."""
    for _ in range(8):  # (each round takes a shape from a value read for more, or leaves a line out)
        free = (_free(result) & values) - cached
        taken = _unread_dropped(_shapes_from_what_is_there(result, staged, cached, free, looped))
        if taken == result:
            break
        result = taken
    return result


_SPLITS = frozenset({"np.split", "np.array_split", "np.hsplit", "np.vsplit", "np.dsplit"})


def _parts_given_whole(result, staged, cached):
    """``result`` with the gradient of each list that ``np.split(a, 4, axis=1)`` makes, the cache not
    holding it, read only for the zeros its gradient starts from (``dparts =
    [0.0 * item for item in parts]``), each of whose parts then gets its one gradient (``dparts[3] =
    dparts[3] + dag``, outside blocks) before the list's gradient is read, started from no arrays
    (``dparts = [None] * 4``; ``dparts[3] = dag``): the zeros, whose shapes only the list knows, are
    never read."""
    for name in sorted(set(staged.lists) - cached):
        op = next((op for op in ir.ops_in(staged.body) if op.target == name), None)
        sections = dict(op.params).get("indices_or_sections") if op is not None and op.rule in _SPLITS else None
        if sections is None or not sections.isdigit() or int(sections) < 1:
            continue
        count = int(sections)
        zero = next((line for line in _walked(result.groups) if isinstance(line, ir.AdjointLine) and not
                     line.accumulate and line.source == f"[0.0 * item for item in {name}]"), None)
        if zero is None or any(_mentions(item, name) for item in _lines(result) if item is not zero and not (
                                   isinstance(item, ir.ForwardLine) and _base(item.target) == name)):
            continue  # (the list read for more than the zeros of its gradient)
        gradient = zero.target
        slot = re.compile(rf"{re.escape(gradient)}\[(\d+)\]")
        top = [line for line in _opened(result.groups)]
        if any(_mentions(item, gradient) or any(_mentions(inner, gradient) for inner in _walked(item.body))
               for item in top if isinstance(item, ir.Block)):
            continue  # (in a block: a path may skip a part)
        filled, ready, edits = set(), False, {}
        for line in top[top.index(zero) + 1:] if zero in top else [None]:
            if line is None:
                break
            if not _mentions(line, gradient):
                continue
            match = isinstance(line, ir.AdjointLine) and not line.accumulate and slot.fullmatch(line.target)
            added = match and _added_to(line.source, line.target)  # (dW[0] = dW[0] + v: v)
            if match and not ready and added is not None and \
                    int(match.group(1)) < count and match.group(1) not in filled and \
                    gradient not in source.line_names(added):
                filled.add(match.group(1))
                edits[id(line)] = dataclasses.replace(line, source=added)
                continue
            if len(filled) != count or isinstance(line, ir.AdjointLine) and gradient in source.line_names(line.target):
                break  # (read before every part has its gradient, or written otherwise)
            ready = True
        else:
            if ready and zero in top:
                edits[id(zero)] = dataclasses.replace(zero, source=f"[None] * {count}")
                result = dataclasses.replace(result, groups=tuple(ir.map_lines(result.groups,
                                                                                 lambda line: edits.get(id(line), line))))
    return result


def _opened(items):
    """The lines of ``items`` with groups opened, blocks kept whole."""
    for item in items:
        if isinstance(item, ir.Group):
            yield from _opened(item.lines)
        else:
            yield item


def _written_for_their_shapes(result, staged, free, values):
    """``(result, free)`` with the entries of the cache a write changed unseen (``stale_names``) that
    the backward reads for their shapes alone (``np.zeros_like(x, dtype=float)``, ``x.shape``) unpacked
    again: a write leaves an array's shape as it was."""
    np_name = staged.modules.get("np", "np")
    lines = list(_lines(result))
    shaped = {name for name in free & stale_names(staged) - set(set_in_loops(staged.body))
              if _read_for_shape_alone(lines, name, np_name, zeros_like=True)}
    if not shaped:
        return result, free
    names = tuple(original if n is None and original in shaped else n
                  for n, original in zip(result.cache.names, staged.cache.names))
    result = dataclasses.replace(result, cache=dataclasses.replace(result.cache, names=names))
    return result, (_free(result) & values) - {n for n in names if n}


def _drawn_message(drawn, staged, layout):
    """Why the backward would draw random numbers again (``drawn``, a forward line): the line of the
    user's that draws them, and the value it computes, named as the user names it, to cache."""
    ops = list(ir.ops_in(staged.body))
    line = next((op.line for op in ops if op.target == drawn.target and op.line), 0)
    on_line = [op.target for op in ops if line and op.line == line]
    value = _user(on_line[-1]) if on_line else drawn.target
    where = f" on line {line}" if line else f" (`{drawn}`)"
    if line > layout.line:  # (drawn after the cache is built)
        return (f"the backward would draw new random numbers: the draw{where} comes after the cache built on "
                f"line {layout.line}; build the cache after it, with {value} (the value that line computes from "
                "it) in it")
    return (f"the backward would draw new random numbers: the draw{where} is not cached; add {value} (the value "
            f"that line computes from it) to the cache built on line {layout.line}")


def _missing_message(missing, result, staged, layout):
    """Why the backward lacks ``missing`` (staged names): what the cache holds, as the user wrote it,
    and, for a value the cache holds only as a later write leaves it (``cache = (x, w)`` before
    ``w[w < 0] = 0.0``), the line of that write and the copy to keep instead."""
    users = list(dict.fromkeys(_user(name) for name in missing))
    held = ", ".join(layout.texts) if layout.texts else ", ".join(_user(n) for n in layout.names if n)
    lines = {op.target: op.line for op in ir.ops_in(staged.body)}
    names = staged.cache.names if len(staged.cache.names) == len(layout.names) else layout.names  # (as built:
    texts = layout.texts if len(layout.texts) == len(names) else (None,) * len(names)  # a loop's value too)
    for name in missing:  # the first value the cache holds a later version of (written through another
        later = [n for n, text in zip(names, texts)  # name: x as h5 = x; h5[1:] -= ... leaves it)
                 if n and n != name and _user(name) in (_user(n), text) and lines.get(n)]
        if later:
            user, line = _user(name), lines[later[0]]
            others = [u for u in users if u != user]
            keep = f"its shape, taken before line {line} ({user}_shape = {user}.shape)" if \
                _read_for_shape(result, name, staged) else f"a copy made before line {line} ({user}.copy())"
            return (f"the backward needs {user} as it was before line {line} changes it (read by "
                    f"`{_first_use(result, name)}`), but the cache built on line {layout.line} holds {user} as "
                    f"line {line} leaves it (it holds {held}): cache {keep}"
                    + (f", and add {', '.join(others)} to the cache" if others else ""))
    shaped = all(_read_for_shape(result, name, staged) for name in missing)
    what = ("its shape" if len(users) == 1 else "their shapes") + f" ({', '.join(u + '.shape' for u in users)})"
    return (f"the backward needs {', '.join(users)} (read by `{_first_use(result, missing[0])}`), which the cache "
            f"built on line {layout.line} does not hold (it holds {held or 'nothing'}): add "
            f"{what if shaped else 'it' if len(users) == 1 else 'them'} to the cache")


def _read_for_shape(result, name, staged):
    """Whether the backward's lines read ``name`` for its shape alone (``x.shape``, ``np.shape(x)``)."""
    lines = [item for item in _lines(result) if not (isinstance(item, ir.ForwardLine) and _base(item.target) == name)]
    return _read_for_shape_alone(lines, name, staged.modules.get("np", "np"))


def _read_for_shape_alone(lines, name, np_name, zeros_like=False):
    """Whether ``lines`` mention ``name``, each time for its shape alone: ``name.shape``,
    ``np.shape(name)`` (with ``zeros_like``, ``np.zeros_like(name)`` and ``np.zeros_like(name,
    dtype=float)`` too), read in each line's tree."""
    mentioned = False
    for item in lines:
        tree = _parsed(item)
        parents = {id(child): node for node in walk(tree) for child in ast.iter_child_nodes(node)}
        for node in walk(tree):
            if isinstance(node, ast.Name) and node.id == name:
                if not _shape_read(node, parents.get(id(node)), np_name, zeros_like):
                    return False
                mentioned = True
        if isinstance(item, ir.AdjointLine) and item.accumulate and _base(item.target) == name:
            return False  # (name += ...: read whole)
    return mentioned


def _shape_read(node, parent, np_name, zeros_like):
    """Whether the name ``node`` is read for its shape alone where its parent is ``parent``."""
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return parent.attr == "shape"
    if not (isinstance(parent, ast.Call) and parent.args == [node] and isinstance(parent.func, ast.Attribute) and
            isinstance(parent.func.value, ast.Name) and parent.func.value.id == np_name):
        return False
    if parent.func.attr == "shape":
        return not parent.keywords
    return zeros_like and parent.func.attr == "zeros_like" and all(
        k.arg == "dtype" and isinstance(k.value, ast.Name) and k.value.id == "float" for k in parent.keywords)


def _user(name):
    """The user's name for a staged value (``w_2`` is a version of ``w``)."""
    base, _, version = name.rpartition("_")
    return base if base and version.isdigit() else name


def cached_values(staged):
    """The staged values the backward of ``(dout, cache)`` takes from the cache: each entry's value, a copy
    standing for the value copied (``_copies_as_their_values``), but those a loop sets or a write changed
    unseen.  The backward neither computes them nor writes into them: they are the caller's memory."""
    names = _copies_as_their_values(staged.cache, staged).names
    return frozenset(n for n in names if n) - set_in_loops(staged.body) - stale_names(staged)


def _copies_as_their_values(layout, staged):
    """``layout`` with each entry that is a copy of a value (``w.copy()``, ``np.copy(w)``) standing for
    that value, which the cache then holds as it was where the copy was made (the ``w`` read before a
    later ``w[w < 0] = 0.0``); not for a value the cache holds already, a list (``np.array(hs)``
    stacks it), a copy of another type (``np.array(w, dtype=np.float32)``), nor an entry a write
    changed unseen."""
    if layout is None:
        return layout
    np_name = staged.modules.get("np", "np")
    copied = {op.target: op.args[0].name for op in ir.ops_in(staged.body) if op.rule == "np.copy"
              and len(op.args) == 1 and isinstance(op.args[0], ir.Var) and op.args[0].name not in staged.lists
              and source.copy_read(op.source, np_name) == op.args[0].name}  # (no dtype=np.float32)
    stale, names = stale_names(staged), list(layout.names)
    for k, name in enumerate(names):
        value = copied.get(name)
        if value is not None and name not in stale and value not in names:
            names[k] = value
    return dataclasses.replace(layout, names=tuple(names))


def stale_names(staged):
    """The staged names of the cache's entries a write changed unseen (``Layout.stale``), left unread:
    those whose condition holds at the shapes staged (a value marked stale only if it is an array, and
    that is one; one whose shape is unknown counts as one)."""
    layout = staged.cache
    if layout is None or not layout.stale:
        return set()
    shapes = staged.shapes or {}
    arrays = getattr(shapes, "arrays", ())

    def array(value):
        return value not in shapes or len(shapes[value]) > 0 or value in arrays
    return {name for name, condition, _ in layout.stale if name is not None and (
        condition is None or any(map(array, condition if condition.__class__ is tuple else (condition,))))}


def _unread_dropped(result):
    """``result`` without the forward lines computing what nothing reads any more (what fed a cached
    value, or a value read for its shape only, now taken from what is there)."""
    while True:
        unread = {_base(line.target) for line in _lines(result) if isinstance(line, ir.ForwardLine)} - _reads(result)
        if not unread:
            return result
        result = dataclasses.replace(result, forward=tuple(without_cached(result.forward, unread, writes=True)),
                                     groups=tuple(without_cached(result.groups, unread)))


def set_in_loops(items, looped=False):
    """The names the staged ``items`` set inside loops (``h = np.tanh(h) * 0.9 + h1``: one name for
    every step, of which a cache holds the last value only)."""
    found = set()
    for item in items:
        if isinstance(item, ir.Op):
            if looped:
                found.add(item.target)
        elif isinstance(item, ir.If):
            found |= set_in_loops(item.body + item.orelse, looped)
        else:  # a loop: its values, and the names it carries from step to step
            found |= set_in_loops(item.body, True) | set(item.carried)
    return found


def _slots_read_back(backward, staged, layout, looped):
    """``(backward, buffers)``: the backward whose forward pass reads back from the cache, at each step,
    the value a loop writes whole into a slot of its own of an array the cache holds as the loop leaves
    it (``h[:, t, :] = prev_h`` in ``for t in range(T)``, ``cache = (..., h)``: ``prev_h = h[:, t, :]``
    for ``prev_h = np.tanh(s)``, which then needs no ``b``), and the staged names of those arrays, which
    the cache then holds.  Only for an array made of zeros of floats before the loop (``np.zeros((N, T,
    H))``), written nowhere else, read by the backward nowhere else, each step's slot picked by the
    loop's counter alone (``t``, the other axes whole), of the shape of the value written (no
    broadcasting), on every path of the loop's body."""
    if getattr(staged, "shape_free", ()) or layout is None:
        return backward, set()
    np_name = staged.modules.get("np", "np")
    texts = layout.texts if len(layout.texts) == len(layout.names) else (None,) * len(layout.names)
    shapes, ops = staged.shapes or {}, list(ir.ops_in(staged.body))
    writes = [op for op in ops if op.rule == "setitem"]
    forward, buffers = list(backward.forward), set()
    for name, text in zip(layout.names, texts):
        if not name or name not in looped or name in stale_names(staged) or text != _user(name):
            continue
        mine = [op for op in writes if _user(op.target) == text]
        made = [op for op in ops if op.target == text and op.rule != "setitem"]
        if len(mine) != 1 or len(made) != 1 or not _zeros_made(made[0].source or "", np_name):
            continue
        loops = [k for k, item in enumerate(forward) if isinstance(item, ir.Block) and
                 source.range_loop(item.header, backwards=False)]
        for k in loops:
            block, counter = forward[k], source.range_loop(forward[k].header, backwards=False)[0]
            body = list(block.body)
            slots = [j for j, item in enumerate(body) if isinstance(item, ir.ForwardLine) and _base(item.target) == text
                     and "[" in item.target]
            if len(slots) != 1 or not body[slots[0]].source.isidentifier():
                continue
            write, value = body[slots[0]], body[slots[0]].source
            index = ast.parse(write.target, mode="eval").body.slice
            parts = index.elts if isinstance(index, ast.Tuple) else [index]
            axis = [j for j, part in enumerate(parts) if isinstance(part, ast.Name) and part.id == counter]
            if len(axis) != 1 or not all(j == axis[0] or isinstance(part, ast.Slice) and part.lower is None and
                                         part.upper is None and part.step is None for j, part in enumerate(parts)):
                continue
            written = mine[0].args[1] if len(mine[0].args) > 1 else None
            slot = tuple(shapes.get(name, ())) if shapes.get(name) is not None else None
            if not isinstance(written, ir.Var) or slot is None or shapes.get(written.name) is None or \
                    len(slot) < len(parts) or tuple(shapes[written.name]) != slot[:axis[0]] + slot[axis[0] + 1:]:
                continue  # (a value broadcast into its slot is not the slot's value)
            at = [j for j, item in enumerate(body[:slots[0]]) if isinstance(item, ir.ForwardLine) and
                  item.target == value]
            if not at or any(isinstance(item, ir.Block) for item in body[at[-1]:slots[0]]):
                continue
            others = [item for item in _lines(dataclasses.replace(backward, forward=tuple(forward)))
                      if item is not write and not (isinstance(item, ir.ForwardLine) and item.target == text)]
            if any(_mentions(item, text) for item in others):
                continue  # (read elsewhere: a slot read before its step writes it would differ)
            if any(isinstance(item, ir.ForwardLine) and "[" in item.target for item in others) or any(
                    isinstance(item, ir.AdjointLine) and ("[" in item.target or item.accumulate)
                    for item in _walked(forward)):
                continue  # (a write in the forward pass might reach the slot read back, a view of the cache)
            if not any(isinstance(item, ir.Loop) and item.line < layout.line and any(
                    op is mine[0] for op in ir.ops_in(item.body)) for item in staged.body):
                continue  # (the cache built after the loop, outside it: it holds the slots as the loop leaves them)
            body[at[-1]] = dataclasses.replace(body[at[-1]], source=f"{text}[{_index_text(write.target)}]")
            forward[k] = ir.Block(block.header, tuple(body))
            buffers.add(name)
            break
    return dataclasses.replace(backward, forward=tuple(forward)), buffers


def _index_text(target):
    """``:, t, :`` of ``h[:, t, :]``."""
    return target[target.index("[") + 1:-1]


def _zeros_from_what_is_there(backward, staged, cached, kept=frozenset()):
    """``np.zeros_like(x)`` for an ``x`` the cache does not hold: zeros like a value of the very
    same shape that the backward has (an upstream gradient, a cached value), or of the shape the cache
    holds (``cache = (x, W.shape)``: ``np.zeros(shape)``).  In shape-generic code that last alone, as the
    sample shapes may agree where the shapes given at run time do not (a gather); nor
    for an ``x`` of ``kept``, values the backward computes for other lines anyway, before it."""
    same = same_shape(staged, cached)
    shape_free = bool(getattr(staged, "shape_free", ()))
    np_name = staged.modules["np"]
    held_sizes = {}  # (value, axis) -> the cached name of its size there (n = W.shape[0]); (value, None): its shape
    for op in ir.ops_in(staged.body):
        read = source.shape_read(getattr(op, "source", None) or "", np_name)
        if op.target in cached and read is not None and (read[1] is None or read[1] >= 0):
            held_sizes.setdefault(read, op.target)
    if shape_free and not same and not any(axis is None for _, axis in held_sizes):
        return backward
    shapes = staged.shapes
    there = [(u, shapes.get(o.name)) for u, o in zip(backward.upstreams, staged.outputs) if isinstance(o, ir.Var)]
    there += [(n, shapes.get(n)) for n in backward.cache.names if n]
    floats = set(backward.upstreams) | set(staged.wrt)  # gradients, the differentiated: not booleans
    suffix = ", dtype=float"  # (zeros of floats, where the value may be of integers: floats.floats)

    def fix(items, defined):
        out = []
        for item in items:
            if isinstance(item, ir.Block):
                item = ir.Block(item.header, tuple(fix(item.body, set(defined))))
            elif isinstance(item, ir.Group):
                item = ir.Group(item.undoes, tuple(fix(item.lines, defined)))
            elif isinstance(item, ir.ForwardLine) and item.target in kept:
                defined.add(item.target)
            elif isinstance(item, ir.AdjointLine) and item.source.startswith(f"{np_name}.zeros_like(") \
                    and item.source.endswith(")"):
                name = item.source[len(np_name) + len(".zeros_like("):-1]
                name = name[:-len(suffix)] if name.endswith(suffix) else name
                # (a value the backward computes before is there itself: sizes alike at the samples may
                # differ at others, xp = np.pad(x, pad) like x at pad 0, a window (N, C, HH, WW) like Hp)
                if name in same and name not in cached and name not in defined:  # (b.copy(), written into)
                    item = ir.AdjointLine(item.target, item.accumulate, f"{np_name}.zeros_like({same[name]}"
                                          + (suffix if item.source.endswith(f"{suffix})") else "") + ")")
                elif shape_free:  # (the shape the cache holds, cache = (x, W.shape), is W's at every shape)
                    if (name, None) in held_sizes and name in floats and name not in cached and name not in defined:
                        item = ir.AdjointLine(item.target, item.accumulate,
                                              f"{np_name}.zeros({held_sizes[name, None]})")
                elif name.isidentifier() and name not in cached and name not in defined and \
                        shapes.get(name) is not None and _told_apart(staged, shapes[name]):
                    like = next((n for n, shape in there if shape is not None and tuple(shape) == tuple(shapes[name])
                                 and n in floats), None)  # (zeros like a mask would be booleans)
                    if (name, None) in held_sizes and name in floats:  # cache = (x, W.shape)
                        item = ir.AdjointLine(item.target, item.accumulate,
                                              f"{np_name}.zeros({held_sizes[name, None]})")
                    elif like is not None:
                        item = ir.AdjointLine(item.target, item.accumulate, f"{np_name}.zeros_like({like}{suffix})")
                    else:  # each dimension from one of what is there: np.zeros((x.shape[0], Wx.shape[1])), the
                        # cache's own where it holds it (cache = (x, W.shape[0]): n, not a size alike)
                        dims = [held_sizes.get((name, k)) or _dimension(size, there)
                                for k, size in enumerate(shapes[name])]
                        if dims and None not in dims:
                            item = ir.AdjointLine(item.target, item.accumulate,
                                                  f"{np_name}.zeros(({', '.join(dims)}{',' if len(dims) == 1 else ''}))")
            out.append(item)
        return out
    computed = {item.target for item in backward.forward if isinstance(item, ir.ForwardLine) and item.target in kept}
    return dataclasses.replace(backward, forward=tuple(fix(backward.forward, set())),
                               groups=tuple(fix(backward.groups, set(computed))),
                               zeros=tuple(fix(backward.zeros, set(computed))))


def same_shape(staged, cached):
    """``{value: cached name}`` for the values not cached of which the cache holds a copy
    (``np.copy(b)``, ``b.copy()``) or a version written into (``b_1[1:] = prod``, staged as a copy
    written into), or such a copy of one: an array of their very shape at every shape, whose shape
    the backward may read for theirs."""
    np_name = staged.modules.get("np", "np")
    copies = {}  # copy -> the value copied
    for op in ir.ops_in(staged.body):
        base = op.args[0] if op.args else None
        if not isinstance(base, ir.Var) or base.name in staged.lists:
            continue
        if op.rule == "setitem" or op.rule == "np.copy" and len(op.args) == 1 and \
                source.copy_read(op.source or "", np_name, array=False) == base.name:
            copies[op.target] = op.args[0].name
    found = {}
    for name in sorted(cached):
        seen = {name}
        while name in copies and copies[name] not in seen:
            seen.add(copies[name])
            found.setdefault(copies[name], sorted(seen & cached)[0])
            name = copies[name]
    return {value: held for value, held in found.items() if value not in cached}


def _missing_zeros_from_the_cache(backward, staged, cached):
    """The zeros of an upstream gradient given as None (``if dnext_h is None: dnext_h =
    np.zeros_like(next_h)``), where they are like a value the cache does not hold: zeros of the shape
    of a cached array of that shape (``np.zeros(next_c.shape)``), else of their dimensions, so that
    the value is not computed for its shape alone.  Never like another upstream, which may be None
    too; not in shape-generic code."""
    if getattr(staged, "shape_free", ()) or not backward.missing:
        return backward
    np_name, shapes = staged.modules["np"], staged.shapes
    there = [(n, tuple(shapes[n])) for n in backward.cache.names
             if n and n not in staged.lists and shapes.get(n) is not None and len(shapes[n]) > 0]
    missing = []
    for upstream, zero in backward.missing:
        call = source.numpy_call(zero, np_name)
        name = call[1].args[0].id if call is not None and call[0] == "zeros_like" and len(call[1].args) == 1 and \
            not call[1].keywords and call[1].args[0].__class__ is ast.Name else None
        if name and name not in cached and shapes.get(name) is not None and len(shapes[name]) > 0 and \
                _told_apart(staged, shapes[name]):
            shape = tuple(shapes[name])
            like = next((n for n, other in there if other == shape), None)
            dims = [_dimension(size, there) for size in shape]
            if like is not None:
                zero = f"{np_name}.zeros({like}.shape)"
            elif None not in dims:
                zero = f"{np_name}.zeros(({', '.join(dims)}{',' if len(dims) == 1 else ''}))"
        missing.append((upstream, zero))
    return dataclasses.replace(backward, missing=tuple(missing))


def _shapes_from_what_is_there(backward, staged, cached, free, looped=frozenset()):
    """``x.shape`` for an ``x`` the cache does not hold, where the backward reads nothing else of it:
    the shape the cache holds (``cache = x.shape``), else the shape of a value of the very same shape
    that the backward has (an upstream gradient, a cached value: ``xc.shape`` for ``xc = x - mu``),
    else a tuple of their dimensions (``(dout.shape[0], dout.shape[2], dout.shape[1])``; where only
    the backward's own lines read the shape, also of the arrays the forward pass keeps for other
    reads: ``(reshapex.shape[0], w.shape[1])`` for ``prod = reshapex.dot(w)``), but in
    shape-generic code, whose sample shapes may agree where the shapes at run time do not.  ``x``
    is one of ``free``, or a value a forward line computes once, outside loops (``xT = x.T``, of
    which the backward reads ``xT.shape`` alone: the line is then left out)."""
    np_name = staged.modules["np"]
    lines = list(_lines(backward))
    there = [(n, staged.shapes.get(n)) for n in backward.cache.names if n]
    if len(backward.upstreams) == 1 and isinstance(staged.outputs[0], ir.Var):  # (of several, one may be None)
        there.append((backward.upstreams[0], staged.shapes.get(staged.outputs[0].name)))
    computed = [line.target for line in lines if isinstance(line, ir.ForwardLine)]
    once = {name for name in computed if name.isidentifier() and computed.count(name) == 1 and
            sum(_base(other) == name for other in computed) == 1 and name not in looped and name not in cached}

    def shape_only(name):  # whether the lines but its own read ``name``, and for its shape alone
        return _read_for_shape_alone([item for item in lines if not (isinstance(item, ir.ForwardLine) and
                                                                     item.target == name)], name, np_name)
    # the arrays the forward pass computes once, outside loops, and keeps for reads of more than their shape
    kept = [(name, staged.shapes.get(name)) for name in sorted(once) if not shape_only(name) and
            any(isinstance(item, ir.ForwardLine) and item.target == name for item in backward.forward)]
    forward_texts = [str(item) for item in _walked(backward.forward)]
    swaps = {}
    for name in sorted(set(free) | once):
        forms = (f"{name}.shape", f"{np_name}.shape({name})")
        if not shape_only(name):
            continue  # (read as more than its shape)
        in_forward = any(name in source.line_names(text) for text in forward_texts
                         if not text.startswith(f"{name} = "))  # (a kept array may be computed after it)
        held = next((op.target for op in ir.ops_in(staged.body) if op.target in cached and
                     getattr(op, "source", None) in forms), None)
        shape = staged.shapes.get(name)
        if held is None and not getattr(staged, "shape_free", ()) and shape is not None and \
                _told_apart(staged, shape):
            like = next((n for n, other in (there if in_forward else there + kept)
                         if other is not None and tuple(other) == tuple(shape)), None)
            held = like and f"{like}.shape"
            dims = [_dimension(size, there if in_forward else there + kept) for size in shape]
            if held is None and None not in dims:
                held = f"({', '.join(dims)}{',' if len(dims) == 1 else ''})"
        if held is not None:
            swaps.update({form: held for form in forms})
    if not swaps:
        return backward
    def swap(node):  # (x.shape, np.shape(x): the forms of a shape read)
        kind = node.__class__
        if kind is ast.Attribute and node.attr == "shape" and node.value.__class__ is ast.Name:
            return swaps.get(f"{node.value.id}.shape")
        func = node.func if kind is ast.Call else None
        if func is not None and func.__class__ is ast.Attribute and func.attr == "shape" and \
                func.value.__class__ is ast.Name and func.value.id == np_name and len(node.args) == 1 and \
                not node.keywords and node.args[0].__class__ is ast.Name:
            return swaps.get(f"{np_name}.shape({node.args[0].id})")
        return None

    def swapped(text):
        return source.respelled(text, swap) if "shape" in text else text

    def fix(items):
        out = []
        for item in items:
            if isinstance(item, ir.Block):
                item = ir.Block(swapped(item.header), tuple(fix(item.body)))
            elif isinstance(item, ir.Group):
                item = ir.Group(item.undoes, tuple(fix(item.lines)))
            elif isinstance(item, (ir.ForwardLine, ir.AdjointLine, ir.Statement, ir.CallLine)):
                item = dataclasses.replace(item, source=swapped(item.source))
            out.append(item)
        return out
    return dataclasses.replace(backward, forward=tuple(fix(backward.forward)), groups=tuple(fix(backward.groups)),
                               zeros=tuple(fix(backward.zeros)))


def _added_to(text, target):
    """The code of ``v`` where the expression ``text`` is ``target + v`` (by its tree), else None."""
    node = ast.parse(text, mode="eval").body
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and \
            ast.dump(node.left) == ast.dump(ast.parse(target, mode="eval").body):
        return ast.get_source_segment(text, node.right, padded=False)
    return None


def _told_apart(staged, shape):
    """Whether the sample sizes of ``shape`` each tell one dimension (none is a size fitted to the code that
    another size shares, ``staged.coinciding``): a shape alike in them is alike at other sizes."""
    return not set(shape) & staged.coinciding


def _dimension(size, there):
    """``x.shape[0]``: a dimension of that sample size in what is there (sample sizes are distinct
    primes, and their small multiples, so one size is one dimension); 1 as itself.  Sizes fitted to the
    code that other sizes share (``staged.coinciding``) tell no dimension: not asked of them."""
    if size == 1:
        return "1"
    for name, shape in there:
        if shape is not None and size in tuple(shape):
            return f"{name}.shape[{tuple(shape).index(size)}]"
    return None


def without_cached(items, names, writes=False):
    """``items`` without the forward lines computing ``names`` or writing into them (``h_1[0] = s``),
    in blocks and groups too; with ``writes``, without the writes of adjoint lines into them either
    (the forward pass's ``h_1 = h.copy()`` then ``h_1[0] = s``): the cache holds them as written."""
    out = []
    for item in items:
        if isinstance(item, ir.ForwardLine) and _base(item.target) in names or \
                writes and isinstance(item, ir.AdjointLine) and "[" in item.target and _base(item.target) in names:
            continue
        if isinstance(item, ir.Block):
            item = ir.Block(item.header, tuple(without_cached(item.body, names, writes)) or (ir.Statement("pass"),))
        elif isinstance(item, ir.Group):
            item = ir.Group(item.undoes, tuple(without_cached(item.lines, names, writes)))
        out.append(item)
    return out


def _base(target):
    """The name a line's target writes into: ``h`` for ``h[:, t]``."""
    return target.split("[", 1)[0].strip()


def _reads(backward):
    """The names the backward's lines read, where they are read: the forward lines computing a value
    nothing reads any more (``a`` of ``a[0], a[1] = a[1].copy(), a[0].copy()`` where the gradient reads
    the cached ``tanh(a)`` instead) read nothing, and a write into an array of the forward pass
    (``out_v[0] = 0.0``) reads its index and value, and only where that array is read."""
    forward_writes = {id(item) for item in _walked(backward.forward)
                      if isinstance(item, (ir.ForwardLine, ir.AdjointLine)) and "[" in item.target}
    computed = {_base(item.target) for item in _walked(backward.forward) if isinstance(item, ir.ForwardLine)}
    found, owned = set(), []  # owned: (the name a forward line computes or writes into, what it reads)
    for item in _lines(backward):
        tree = _parsed(item)
        loads = {n.id for n in walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if id(item) in forward_writes:
            target = ast.parse(item.target, mode="eval").body
            loads = (loads - {_base(item.target)}) | names_of(target.slice)
            loads |= names_of(ast.parse(item.source, mode="eval"))
        if isinstance(item, ir.AdjointLine) and item.accumulate:
            loads.add(_base(item.target))
        if (isinstance(item, ir.ForwardLine) or id(item) in forward_writes) and _base(item.target) in computed:
            owned.append((_base(item.target), loads))
        else:
            found |= loads
    grown = True
    while grown:
        grown = False
        for name, loads in owned:
            if name in found and not loads <= found:
                found |= loads
                grown = True
    return found


def _lines(backward):
    yield from _walked(backward.forward)
    for upstream, zero in backward.missing:
        yield ir.AdjointLine(upstream, False, zero)
    yield from _walked(backward.groups)
    yield from _walked(backward.zeros)
    yield ir.Statement(f"_ = ({', '.join(backward.returns)},)")


def _walked(items):
    """The lines of ``items``, blocks' headers and bodies and groups' lines in order."""
    for item in items:
        if isinstance(item, ir.Group):
            yield from _walked(item.lines)
        elif isinstance(item, ir.Block):
            yield item
            yield from _walked(item.body)
        else:
            yield item


def _parsed(item):
    if isinstance(item, ir.Block):
        header = item.header
        if header.startswith("else"):
            return ast.Module([], [])
        if header.startswith("elif "):
            header = header[2:]
        return ast.parse(header + "\n    pass")
    if isinstance(item, ir.AdjointLine) and item.accumulate:
        return ast.parse(f"{item.target} += {item.source}")
    return ast.parse(str(item))


def _free(backward):
    """Names the backward reads before (or without) setting them."""
    defined, free = set(), set()
    for item in _lines(backward):
        tree = _parsed(item)
        local = {n.id for c in walk(tree) if isinstance(c, ast.comprehension)  # (a comprehension's own)
                 for n in walk(c.target) if isinstance(n, ast.Name)}
        stores = {n.id for n in walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - local
        loads = {n.id for n in walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - local
        if isinstance(item, ir.AdjointLine) and item.accumulate:
            loads.add(item.target.split("[")[0])
        free |= loads - defined  # (W = W + 0.25 reads W before it sets it)
        defined |= stores
    return free


def _first_use(backward, name):
    for item in _lines(backward):
        tree = _parsed(item)
        if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) for n in walk(tree)):
            return str(item)
    return name


def backward_name(name):
    """``rnn_forward`` -> ``rnn_backward``, ``conv_forward_naive`` -> ``conv_backward_naive``."""
    if "_forward" in name:
        head, _, tail = name.rpartition("_forward")
        if not tail or tail.startswith("_"):
            return f"{head}_backward{tail}"
    return f"{name}_backward"


def _mentions(item, name):
    """Whether a line (or a block's header) of the backward reads or sets ``name``, by its tree (by its
    words where it has none: never taken to leave a name out)."""
    text = item.header if isinstance(item, ir.Block) else str(item)
    names = source.line_names(text)
    return name in names if names or source.expression(text) is not None else \
        re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def _zeros_made(text, np_name):
    """Whether ``text`` is ``np.zeros(shape)`` or ``np.empty(shape)`` of a tuple or a name, of no dtype."""
    call = source.numpy_call(text, np_name)
    return call is not None and call[0] in ("zeros", "empty") and len(call[1].args) == 1 and not call[1].keywords \
        and (call[1].args[0].__class__ in (ast.Tuple, ast.Name) or call[1].args[0].__class__ is ast.Constant and
             type(call[1].args[0].value) is int)
