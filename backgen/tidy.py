"""Statements people write that compute nothing the gradient needs, taken out before fencing.

Contract: ``tidy(func) -> placeholders`` rewrites a function's AST in place and
returns ``{name: line}`` of the ``name = None`` placeholders it removed (so a
later read of such a name is reported as a None that reaches arithmetic).

What goes, as CS231n's templates and everyday code write it:

* docstrings and other bare constants anywhere, ``pass``, ``print(...)``,
  ``np.random.seed(...)``, ``warnings.warn(...)`` (and ``simplefilter``, ``filterwarnings``) and ``logging.info(...)``
  (and ``debug``, ``warning``, ``error``, ``critical``, ``exception``, ``log``; also a logger's, by the names people
  give one: ``logger.info``, ``log.debug``, ``self.logger.warning``), their arguments changing nothing (f-strings
  reading ``w.max()``, ``r.std()`` and the like too), and the assignments of a name holding messages only
  (an f-string, a string's ``format``) that only those calls and ``raise`` statements read;
* ``assert`` statements (checks, not values), ``del`` of names (``del tmp``: no value changes);
* ``with np.errstate(...):`` and ``with warnings.catch_warnings():`` (given constants, bound to no
  name): their bodies, in their place (they change how NumPy warns, not what it computes);
* annotations of assignments (``h: np.ndarray = x @ W`` is ``h = x @ W``; ``h: float`` alone goes);
* expressions computed and dropped (``x * 2``, ``np.sum(x)`` alone on a line, and writes into a
  part of an array just computed, which no name holds: ``np.ones(4)[[0, 0]] += 0.5``),
  when they write into nothing else: a call of the user's own functions, a method
  or ``out=`` stays, and the fence refuses it;
* ``x = None`` / ``out, cache = None, None`` placeholders (also where the name holds a value, if the
  function never reads it: ``best = None`` starting each row of a search that keeps ``best_d``);
* writes of configuration into dictionaries (``bn_param["running_mean"] = m``):
  side effects of the forward, not part of its value;
* a layer's cache built up from empty (``cache = {}`` then ``cache["x"] = x``, ``cache = []``
  then ``cache.append(x)``) becomes the literal it ends as (``cache = {"x": x}``), made where its
  last entry goes in; an entry whose value is computed there, or a name rebound before then, is
  named first (``xhat = ...``, as its key where that name is free);
* an output array given to NumPy by position (``np.maximum(y, 0.0, y)``, ``np.dot(a, b, out)``)
  is given by name, ``out=y``, as backgen reads it;
* ``t is 0`` on a loop counter over a range becomes ``t == 0``;
* ``N, *rest = x.shape`` becomes ``N = x.shape[0]`` and ``rest = x.shape[1:]``;
* ``s = slice(a, b)`` read only as an index becomes ``s_start = a``, ``s_stop = b`` and ``x[:, s_start:s_stop]``;
* ``a, b = (x, y) if c else (y, x)`` becomes the ``if`` it is (``if c: a, b = x, y`` ``else: a, b = y, x``);
* ``a = b = v`` becomes ``a = v`` then ``b = a`` (``u[0] = u[-1] = v``: ``u_value = v``, then each);
  ``prev_h, prev_c = next_h, next_c`` (names given names, none read after it is given) the two
  renamings it makes;
* a tuple of names returned last inside the tuple returned is named first: ``return out, (x, w,
  b)`` becomes ``cache = (x, w, b)`` then ``return out, cache``, as layers write it; a ``None`` in
  the tuple returned (by every return, at that place) is a placeholder: ``return out, None`` is
  ``cache = None`` then ``return out, cache``;
* branches that only raise: ``if c: raise ...`` is left out, ``if c: A else:
  raise ...`` becomes ``A`` (the gradient is taken where the function returns); the statements
  after an ``if`` (``elif`` ...) each of whose branches returns or raises, with no ``else``, that end
  in a ``raise`` are that ``else`` first (``if mode == "a": return ...`` then ``raise ValueError``
  is ``if mode == "a": return ... else: raise ValueError``), the same statements run; a loop's ``else``
  that raises (``for it in range(maxiter): ... if err < tol: break``, ``else: raise RuntimeError(...)``)
  is left out: the function returns only where the loop broke.
"""

import ast
import functools
import keyword
import re

import numpy as np

from .errors import BackgenError
from .source import ends_in, fresh_names, holds, of_kinds, parents as node_parents, rewrite_statements, statements, walk, tree_copy, names_of


def tidy(func, error, loops=True, names=None, nodes=None):
    """Tidy ``func`` (an ast.FunctionDef) in place; ``error(message, node)`` makes a BackgenError.
    ``loops`` False: the function holds no ``for`` loop (known without a walk); ``names`` and
    ``nodes``, where given, the ids of its names (``slice`` not among them: no slice bound to a
    name) and its nodes (its census, read where nothing before has changed the tree)."""
    placeholders = {}
    params = {arg.arg for arg in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    if names is None or "slice" in names:
        _slices_written_out(func, params)
        nodes = None
    if _caches_built_up(func):
        nodes = None
    _outs_named(func, nodes)
    if nodes is None or any(n.__class__ is ast.JoinedStr or n.__class__ is ast.Attribute and n.attr == "format"
                            for n in nodes):
        _messages_left_out(func)
    body = func.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str) else []  # kept: it may declare shapes
    context = _Context(placeholders, error, params, _read_again(func), func)
    context.aliased = {n for node in (walk(func) if nodes is None else of_kinds(nodes, _ASSIGN))
                       if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
                       for n in [node.value.id] + [t.id for t in node.targets if isinstance(t, ast.Name)]}
    func.body = docstring + (_block(body[len(docstring):], context, top=True)
                             or [ast.copy_location(ast.Pass(), body[-1] if body else func)])  # (errors point at it)
    if any(isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple) and n.value.elts and
           isinstance(n.value.elts[-1], (ast.Tuple, ast.List)) for n in statements(func)):
        used = names_of(func) | {a.arg for a in func.args.args}
        func.body = _named_parts(func.body, used, params, func)
    _returned_nones_named(func, placeholders)
    if not loops or not holds(func, ast.For):
        return placeholders  # (no loop over a range: nothing to change)
    nodes = list(walk(func))
    counters = {n.target.id for n in nodes if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
                and isinstance(n.iter, ast.Call) and isinstance(n.iter.func, ast.Name) and n.iter.func.id == "range"}
    if counters:  # (no loop over a range: nothing to change)
        stores = [n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
        loops = [n.target.id for n in nodes if isinstance(n, ast.For) and isinstance(n.target, ast.Name)]
        _IsNumber({c for c in counters if stores.count(c) == loops.count(c)}).visit(func)
    return placeholders


def _messages_left_out(func):
    """Each name bound to messages only (an f-string, a string's ``format``, a string) that the function
    reads only in calls that change nothing (``print``, ``logging``'s, ``warnings.warn``: left out) and in
    ``raise`` statements: its assignments left out too (``msg = f"VaR {var:.2f}"``, then
    ``logger.info(msg)``), as a message is no value the function computes."""
    found, reads = {}, []
    for node in walk(func):
        if node.__class__ is ast.Assign and len(node.targets) == 1 and node.targets[0].__class__ is ast.Name and \
                _message(node.value):
            found.setdefault(node.targets[0].id, []).append(node)
        elif node.__class__ is ast.Name and node.ctx.__class__ is ast.Load:
            reads.append(node)
    stores = {name: len(assigns) for name, assigns in found.items()}
    for node in walk(func):  # (every store of the name one of those assignments)
        if node.__class__ is ast.Name and node.ctx.__class__ is not ast.Load and node.id in stores:
            stores[node.id] -= 1
    names = {name for name, left in stores.items() if left == 0}
    if not names:
        return
    parent = node_parents(func)
    for node in reads:
        if node.id not in names:
            continue
        stmt = node
        while not isinstance(stmt, ast.stmt):
            stmt = parent[stmt]
        if not (stmt.__class__ is ast.Raise or stmt.__class__ is ast.Expr and _says_nothing(stmt)):
            names.discard(node.id)
    dropped = {id(assign) for name in names for assign in found[name]}
    if not dropped:
        return
    for node in statements(func):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(id(s) in dropped for s in block):
                kept = [s for s in block if id(s) not in dropped]
                setattr(node, field, kept or [ast.copy_location(ast.Pass(), block[0])])


def _message(value):
    """Whether ``value`` is a message that changes nothing: an f-string, a string, a string's ``format``."""
    text = value.__class__ is ast.JoinedStr or value.__class__ is ast.Constant and isinstance(value.value, str) or \
        value.__class__ is ast.Call and value.func.__class__ is ast.Attribute and value.func.attr == "format" and \
        value.func.value.__class__ is ast.Constant and isinstance(value.func.value.value, str)
    return text and _pure(value)


def _returned_nones_named(func, placeholders):
    """``return out, None`` is ``cache = None`` then ``return out, cache``: a placeholder (a name bound to
    None, left out) returned in the tuple, as layers with no cache write it; where every return of the
    function gives a tuple as long with None at that place (a return giving a value there is left as
    it is: the stager reports the None)."""
    returns = [n for n in statements(func) if isinstance(n, ast.Return)]
    if not returns or not all(isinstance(n.value, ast.Tuple) and len(n.value.elts) == len(returns[0].value.elts) > 1
                              for n in returns):
        return
    places = [k for k in range(len(returns[0].value.elts)) if all(_none(n.value.elts[k]) for n in returns)]
    if not places:
        return
    fresh = fresh_names(names_of(func) | {a.arg for a in func.args.args} |
                        set(placeholders), bare=True)
    for k in places:
        name = fresh("cache" if k == len(returns[0].value.elts) - 1 else "nothing")
        placeholders[name] = min(n.lineno for n in returns)
        for ret in returns:
            ret.value.elts[k] = ast.copy_location(ast.Name(name, ast.Load()), ret.value.elts[k])


def _none(node):
    return isinstance(node, ast.Constant) and node.value is None


class _IsNumber(ast.NodeTransformer):
    """``t is 0`` on a loop counter over a range means ``t == 0`` (as CPython runs it); the
    generated code says ``==``, which Python does not warn about."""

    def __init__(self, counters):
        self.counters = counters

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)) and isinstance(node.left, ast.Name) \
                and node.left.id in self.counters and isinstance(node.comparators[0], ast.Constant) \
                and type(node.comparators[0].value) is int:
            node.ops = [ast.Eq() if isinstance(node.ops[0], ast.Is) else ast.NotEq()]
        return node


class _Context:
    """What ``_block`` reads and gathers: the placeholders left out, the error maker, ``bound`` (the
    names that may hold a value where the statement looked at runs: parameters, names bound on a way
    to it, in an earlier iteration of a loop around it too) and ``read_again`` (see ``_read_again``)."""

    def __init__(self, placeholders, error, bound, read_again, func):
        self.placeholders, self.error, self.bound, self.read_again = placeholders, error, set(bound), read_again
        self.func, self._fresh, self._loaded = func, None, None

    def read(self, name):
        """Whether the function reads ``name`` anywhere (a nested function's reads too)."""
        if self._loaded is None:
            self._loaded = {n.id for n in walk(self.func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        return name in self._loaded

    def fresh(self, base):
        """A name the function holds nowhere (``base`` itself where it is free)."""
        if self._fresh is None:
            self._fresh = fresh_names(names_of(self.func) |
                                      {a.arg for a in walk(self.func) if isinstance(a, ast.arg)}, bare=True)
        return self._fresh(base)


def _caches_built_up(func):
    """Each run of statements of one block that makes a layer's cache empty (or a literal) and then
    puts entries in (``cache["x"] = x``, ``cache.append(x)``), nothing else naming the cache in
    between, as the assignment of the literal it ends as, where its last entry goes in.  What the
    function computes is the same: the entries are the same values (a name rebound between its entry
    and that line, or an expression, is named first, where its entry went in)."""
    caches = {part.elts[-1].id for node in statements(func) if isinstance(node, ast.Return)
              and isinstance(node.value, ast.Tuple) and len(node.value.elts) > 1
              for part in [node.value] if isinstance(part.elts[-1], ast.Name)
              and "cache" in part.elts[-1].id.lower()}
    if not caches:
        return False
    fresh = fresh_names(names_of(func) |
                        {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}, bare=True)
    for node in statements(func):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                setattr(node, field, _built_up(block, caches, fresh))
    return True


def _built_up(block, caches, fresh):
    """``_caches_built_up`` in one block (a list of statements)."""
    out, k = [], 0
    while k < len(block):
        stmt = block[k]
        k += 1
        start = _cache_made(stmt, caches)
        if start is None:
            out.append(stmt)
            continue
        name, form, entries = start
        run, last = [], None
        for j in range(k, len(block)):
            entry = _cache_entry(block[j], name, form)
            if entry is not None:
                run.append((j, entry))
                last = j
            elif any(isinstance(n, ast.Name) and n.id == name for n in walk(block[j])):
                break
        if last is None:
            out.append(stmt)
            continue
        writes = dict(run)
        entries = [(key, value, stmt) for key, value in entries] if form == "dict" else \
            [(None, value, stmt) for value in entries]
        for j in range(k, last + 1):
            if j not in writes:
                out.append(block[j])
                continue
            key, value = writes[j]
            rebound = {n.id for later in block[j + 1:last + 1] for n in walk(later)
                       if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            if not isinstance(value, ast.Constant) and not (isinstance(value, ast.Name) and value.id not in rebound):
                base = key if isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key) \
                    else f"{name}_entry"
                temp = fresh(base)
                out.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(temp, ast.Store()), value)],
                                                        value, type_comment=None), block[j]))
                value = ast.copy_location(ast.Name(temp, ast.Load()), value)
            if form == "dict" and any(e[0] == key for e in entries):  # (a key set again keeps its place)
                entries = [(key, value, block[j]) if e[0] == key else e for e in entries]
            else:
                entries.append((key, value, block[j]))
        keys = [ast.copy_location(ast.Constant(key), value) for key, value, _ in entries]
        values = [value for _, value, _ in entries]
        literal = ast.Dict(keys, values) if form == "dict" else ast.List(values, ast.Load())
        made = ast.Assign([ast.Name(name, ast.Store())], literal, type_comment=None)
        for node in (made, made.targets[0], literal):
            ast.copy_location(node, block[last])
        out.append(made)
        k = last + 1
    return out


def _cache_made(stmt, caches):
    """``(name, form, entries)`` for ``cache = {}`` (``{"x": x}``, ``dict()``: "dict", entries
    ``(key, value)``) or ``cache = []`` (``[x]``, ``list()``: "list", the values); else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id in caches):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("dict", "list") \
            and not value.args and not value.keywords:
        return name, value.func.id, []
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                           for k in value.keys):
        if len({k.value for k in value.keys}) != len(value.keys):
            return None
        return name, "dict", [(k.value, v) for k, v in zip(value.keys, value.values)]
    if isinstance(value, ast.List) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return name, "list", list(value.elts)
    return None


def _cache_entry(stmt, name, form):
    """``(key, value)`` where ``stmt`` puts an entry into the cache ``name`` of that form: ``name["k"] =
    value`` (a dict), ``name.append(value)`` (a list, key None); else None."""
    if form == "dict" and isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name \
                and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str) \
                and not any(isinstance(n, ast.Name) and n.id == name for n in walk(stmt.value)):
            return target.slice.value, stmt.value
    if form == "list" and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        if isinstance(call.func, ast.Attribute) and call.func.attr == "append" and \
                isinstance(call.func.value, ast.Name) and call.func.value.id == name and len(call.args) == 1 \
                and not call.keywords and not isinstance(call.args[0], ast.Starred) \
                and not any(isinstance(n, ast.Name) and n.id == name for n in walk(call.args[0])):
            return None, call.args[0]
    return None


def _slices_written_out(func, params):
    """``s = slice(h * hd, (h + 1) * hd)`` then ``q[:, s]``: the bounds under names of their own,
    ``s_start = h * hd`` and ``s_stop = (h + 1) * hd``, read as ``q[:, s_start:s_stop]``.  Only where
    ``s`` is bound once, by that call, and read only as an index or a part of one."""
    made = [n for n in walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and
            isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call) and
            isinstance(n.value.func, ast.Name) and n.value.func.id == "slice" and 1 <= len(n.value.args) <= 3
            and not n.value.keywords and not any(isinstance(a, ast.Starred) for a in n.value.args)]
    if not made or any(isinstance(n, ast.Name) and n.id == "slice" and isinstance(n.ctx, ast.Store) or
                       isinstance(n, ast.arg) and n.arg == "slice" for n in walk(func)):
        return
    names = [n for n in walk(func) if isinstance(n, ast.Name)]
    parents = node_parents(func)
    used = {n.id for n in names} | params
    bounds = {}  # the slice's name -> (its assignment, the names of its bounds)
    for stmt in made:
        name = stmt.targets[0].id
        stores = sum(1 for n in names if n.id == name and not isinstance(n.ctx, ast.Load))
        reads = [n for n in names if n.id == name and isinstance(n.ctx, ast.Load)]
        if stores != 1 or name in params or not all(
                isinstance(parents.get(n), ast.Subscript) and parents[n].slice is n or
                isinstance(parents.get(n), ast.Tuple) and isinstance(parents.get(parents[n]), ast.Subscript)
                and parents[parents[n]].slice is parents[n] for n in reads):
            continue
        args = stmt.value.args
        parts = [None] + list(args) if len(args) == 1 else list(args)
        fresh = []
        for part, suffix in zip(parts, ("start", "stop", "step")):
            if part is None or isinstance(part, ast.Constant):
                fresh.append(part)
                continue
            base = f"{name}_{suffix}"
            label = base
            k = 1
            while label in used:
                label, k = f"{base}{k}", k + 1
            used.add(label)
            fresh.append(label)
        bounds[name] = (stmt, parts, fresh)
    if not bounds:
        return

    class Rewrite(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in bounds and isinstance(node.ctx, ast.Load):
                _, parts, fresh = bounds[node.id]
                def bound(f):
                    return None if f is None else tree_copy(f) if isinstance(f, ast.AST) else ast.Name(f, ast.Load())
                return ast.copy_location(ast.Slice(*[bound(f) for f in fresh] + [None] * (3 - len(fresh))), node)
            return node

    def each(stmt):
        entry = next((b for b in bounds.values() if b[0] is stmt), None)
        if entry is None:
            return [Rewrite().visit(stmt)]
        _, parts, fresh = entry
        return [ast.fix_missing_locations(ast.copy_location(ast.Assign([ast.Name(f, ast.Store())], part), stmt))
                for part, f in zip(parts, fresh) if isinstance(f, str)]
    func.body = rewrite_statements(func.body, each)


def _chained(stmt, fresh):
    """``a = b = v`` as Python runs it, one target after another: ``a = v`` then ``b = a`` (the same
    object), or ``a = None`` then ``b = None`` for a constant (placeholders, ``dx = dw = None``); where
    the first target is no name (``u[0] = u[-1] = u[1]``), the value is given one of its own first
    (``fresh``, a function giving a name of the function's that is free), which each target is then
    given (the same object, as Python gives each)."""
    if stmt.__class__ is not ast.Assign or len(stmt.targets) < 2:
        return [stmt]
    first = stmt.targets[0]
    if isinstance(stmt.value, ast.Constant):
        parts = [ast.Assign([target], tree_copy(stmt.value)) for target in stmt.targets]
    elif isinstance(first, ast.Name):
        parts = [ast.Assign([first], stmt.value)] + [ast.Assign([target], ast.Name(first.id, ast.Load()))
                                                     for target in stmt.targets[1:]]
    elif isinstance(first, ast.Subscript) and isinstance(first.value, ast.Name):
        name = fresh(f"{first.value.id}_value")
        parts = [ast.Assign([ast.Name(name, ast.Store())], stmt.value)] + \
            [ast.Assign([target], ast.Name(name, ast.Load())) for target in stmt.targets]
    else:
        return [stmt]  # (the fence says what it takes)
    return [ast.fix_missing_locations(ast.copy_location(part, stmt)) for part in parts]


def _renamings(stmt):
    """``prev_h, prev_c = next_h, next_c`` (names given names or calls' values, none given one a later
    one reads: ``h, c = h0, np.zeros_like(h0)``) as the assignments it makes, one a line; any other
    statement as it is."""
    if not (stmt.__class__ is ast.Assign and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple) and len(stmt.targets[0].elts) == len(stmt.value.elts) > 1
            and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts)
            and all(isinstance(e, (ast.Name, ast.Call)) for e in stmt.value.elts)):
        return [stmt]
    targets = [e.id for e in stmt.targets[0].elts]
    reads = [names_of(v) for v in stmt.value.elts]
    if len(set(targets)) != len(targets) or any(t in set().union(*reads[k + 1:]) for k, t in enumerate(targets)):
        return [stmt]  # (a, b = b, a: each value is read before any name is given)
    return [ast.fix_missing_locations(ast.copy_location(ast.Assign([ast.Name(t, ast.Store())], v, type_comment=None),
                                                        stmt))
            for t, v in zip(targets, stmt.value.elts)]


_LEAVING = (ast.Return, ast.Raise, ast.Break, ast.Continue)  # (where a block leaves: the function or the iteration)


def _raises_after_exits(stmts):
    """``stmts`` with the statements after an if (elif ...) each of whose branches leaves (``ends_in``) and
    which has no else, where they end in a raise, made that else: they run there alone, as before."""
    for k, stmt in enumerate(stmts[:-1]):
        if not (isinstance(stmt, ast.If) and _raises(stmts[k + 1:])):
            continue
        last = stmt
        while ends_in(last.body, _LEAVING) and len(last.orelse) == 1 and isinstance(last.orelse[0], ast.If):
            last = last.orelse[0]
        if ends_in(last.body, _LEAVING) and not last.orelse:
            last.orelse = _raises_after_exits(stmts[k + 1:])
            return stmts[:k + 1]
    return stmts


def _block(stmts, context, top=False):
    placeholders, error = context.placeholders, context.error
    if len(stmts) > 1 and stmts[-1].__class__ is ast.Raise:
        stmts = _raises_after_exits(stmts)
    if any(s.__class__ is ast.Assign and len(s.targets) > 1 for s in stmts):
        stmts = [part for s in stmts for part in _chained(s, context.fresh)]
    if any(s.__class__ is ast.Assign and s.targets[0].__class__ is ast.Tuple for s in stmts):
        stmts = [part for s in stmts for part in _renamings(s)]
    if any(s.__class__ is ast.With for s in stmts):
        stmts = [part for s in stmts for part in _unwrapped(s)]
    if any(s.__class__ is ast.Assign and s.value.__class__ is ast.IfExp for s in stmts):
        stmts = [_branched(s) for s in stmts]
    out = []
    for position, stmt in enumerate(stmts):
        if stmt.__class__ is ast.Assign and len(stmt.targets) == 1 and stmt.targets[0].__class__ is ast.Name \
                and stmt.value.__class__ is not ast.Constant:  # (the most common statement, x = an expression:
            out.append(stmt)  # it says something, holds no placeholder and unpacks no shape)
            context.bound.add(stmt.targets[0].id)
            continue
        if isinstance(stmt, ast.AnnAssign):  # y: float = 2.0 is y = 2.0; y: float alone declares nothing
            if stmt.value is None:
                continue
            stmt = ast.copy_location(ast.Assign([stmt.target], stmt.value, type_comment=None), stmt)
        written = _dict_written(stmt)
        if _says_nothing(stmt) and not (written and (context.read_again(stmt, written) or
                                                     written.split(".")[0] in context.aliased)):
            continue  # (a dict another name holds too, q = p then q["W"] = ...: kept, p["W"] may read it)
        nones = _none_parts(stmt)
        if nones is not None:  # out = None, dx, x = None, cache: placeholders of names with no value yet
            names, rest = nones
            if any(name in context.bound and not _bound_next(name, stmts[position + 1:]) and context.read(name)
                   for name in names):  # (one the function never reads holds nothing the gradient needs)
                out.append(stmt)  # y = None where y may hold a value: the stager takes the value away
                continue
            for name in names:
                placeholders.setdefault(name, stmt.lineno)
            if rest is not None:
                out.append(rest)
                context.bound |= _stored(rest)
            continue
        if _starred_shape(stmt):
            out.extend(_starred_shape(stmt))
            context.bound |= _stored(stmt)
            continue
        if isinstance(stmt, ast.Raise):
            if top and not _returns_within(stmts[:position]):
                raise error("the function raises here on every path: there is no value to differentiate", stmt)
            out.append(stmt)  # the enclosing if drops this branch
            break
        if isinstance(stmt, ast.If):  # each branch sees the names bound before the if, the rest those of both
            before = set(context.bound)
            stmt.body = _block(stmt.body, context)
            context.bound, after_body = set(before), context.bound
            stmt.orelse = _block(stmt.orelse, context)
            context.bound |= after_body
            body_raises, else_raises = _raises(stmt.body), _raises(stmt.orelse)
            if body_raises and else_raises:
                if top:
                    raise error("every branch of this if raises: there is no value to differentiate", stmt)
                out.append(ast.copy_location(ast.Raise(exc=None, cause=None), stmt))
                break
            if body_raises:
                out.extend(stmt.orelse)
                continue
            if else_raises:
                out.extend(stmt.body)
                continue
            if not stmt.body:
                stmt.body = [ast.copy_location(ast.Pass(), stmt)]
        elif isinstance(stmt, (ast.For, ast.While)):
            context.bound |= _stored(stmt)  # (bound by an earlier iteration)
            stmt.body = _block(stmt.body, context) or [ast.copy_location(ast.Pass(), stmt)]
            if _raises(stmt.body):
                raise error("this loop raises on every iteration", stmt)
            if _raises(stmt.orelse):  # for ...: if done: break, else: raise RuntimeError("no convergence"): the
                stmt.orelse = []  # else runs where the loop did not break, and raises: the function returns
                # only where the loop broke, which the backward's loop does again
        else:  # (a branch's and a loop's names are bound above)
            context.bound |= _stored(stmt)
        out.append(stmt)
    return out


def _branched(stmt):
    """``a, b = (x, y) if c else (y, x)`` (tuples or lists written out, as long as the target) as the
    ``if`` it is: ``if c: a, b = x, y`` ``else: a, b = y, x``; any other statement as it is."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.IfExp)
            and isinstance(stmt.targets[0], (ast.Tuple, ast.List))):
        return stmt
    size = len(stmt.targets[0].elts)
    sides = (stmt.value.body, stmt.value.orelse)
    if not all(isinstance(side, (ast.Tuple, ast.List)) and len(side.elts) == size and
               not any(isinstance(e, ast.Starred) for e in side.elts) for side in sides):
        return stmt

    def assign(side):
        value = ast.copy_location(ast.Tuple(side.elts, ast.Load()), side)
        return ast.copy_location(ast.Assign([tree_copy(stmt.targets[0])], value), stmt)
    return ast.copy_location(ast.If(stmt.value.test, [assign(sides[0])], [assign(sides[1])]), stmt)


def _stored(stmt):
    """The names a statement binds (anywhere in it)."""
    return {node.id for node in walk(stmt) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _starred_shape(stmt):
    """``N, *rest = x.shape`` as the assignments it makes (``N = x.shape[0]``, ``rest = x.shape[1:]``);
    None for any other statement."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Attribute) and stmt.value.attr == "shape"
            and isinstance(stmt.value.value, ast.Name)):
        return None
    targets = stmt.targets[0].elts
    starred = [k for k, t in enumerate(targets) if isinstance(t, ast.Starred)]
    if len(starred) != 1 or not all(isinstance(t.value if isinstance(t, ast.Starred) else t, ast.Name)
                                    for t in targets):
        return None
    k, after = starred[0], len(targets) - starred[0] - 1
    out = []
    for position, target in enumerate(targets):
        if position == k:
            index = ast.Slice(ast.Constant(k) if k else None, ast.Constant(-after) if after else None, None)
            target = target.value
        else:
            index = ast.Constant(position if position < k else position - len(targets))
        value = ast.Subscript(tree_copy(stmt.value), index, ast.Load())
        out.append(ast.fix_missing_locations(ast.copy_location(
            ast.Assign([ast.Name(target.id, ast.Store())], value), stmt)))
    for node in out:
        for child in walk(node):
            ast.copy_location(child, stmt)
    return out


def _named_parts(stmts, used, params=frozenset(), func=None):
    """``stmts`` with a tuple or list of names returned last inside a returned tuple, a layer's cache,
    assigned to a name of its own first (``cache``, or ``cache2``... where that is taken); not a
    recurrent cell's new state (``_new_state``)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            stmt.body = _named_parts(stmt.body, used, params, func)
            stmt.orelse = _named_parts(stmt.orelse, used, params, func)
        elif isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Tuple):
            elts = []
            for position, part in enumerate(stmt.value.elts):
                if isinstance(part, (ast.Tuple, ast.List)) and position == len(stmt.value.elts) - 1 and \
                        all(isinstance(e, (ast.Name, ast.Constant)) for e in part.elts) and \
                        not _new_state(part, stmt.value.elts[:-1], params, func):
                    name = next(f"cache{k if k > 1 else ''}" for k in range(1, len(used) + 2)
                                if f"cache{k if k > 1 else ''}" not in used)
                    used.add(name)
                    out.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), part)],
                                                            part), stmt))
                    part = ast.copy_location(ast.Name(name, ast.Load()), part)
                elts.append(part)
            stmt.value.elts = elts
        out.append(stmt)
    return out


def _new_state(part, before, params, func):
    """Whether the tuple ``part`` returned after the values ``before`` is a recurrent cell's new state
    (``return h, (h, c)``), which its caller hands to the next step, not a layer's cache: the cell
    unpacks a parameter into as many names (``h, c = state``), and the tuple repeats a value returned
    before it, holding no parameter (a cache keeps the inputs the backward reads) nor a name of a
    cache (``(fc_cache, relu_cache)``)."""
    names = [e.id for e in part.elts if isinstance(e, ast.Name)]
    returned = {e.id for e in before if isinstance(e, ast.Name)}
    unpacked = any(isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in params
                   and any(isinstance(t, ast.Tuple) and len(t.elts) == len(part.elts) for t in node.targets)
                   for node in walk(func))
    return unpacked and bool(set(names) & returned) and not set(names) & set(params) and \
        not any("cache" in name.lower() for name in names)


def _raises(stmts):
    """Whether ``stmts`` end in a raise that every path through them reaches: none of them returns from
    within (a loop, ``for ...: if c: return v``, then ``raise``, returns where it finds a value), nor
    breaks or continues the loop they are the body of."""
    return bool(stmts) and isinstance(stmts[-1], ast.Raise) and not _returns_within(stmts[:-1], jumps=True)


def _returns_within(stmts, jumps=False):
    """Whether ``stmts`` hold a return (a nested function's returns are its own); with ``jumps``, or a
    break or a continue of the loop they are in (not of a loop among them)."""
    todo = [(stmt, jumps) for stmt in stmts]
    while todo:
        node, loop_jumps = todo.pop()
        if isinstance(node, ast.Return) or loop_jumps and isinstance(node, (ast.Break, ast.Continue)):
            return True
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            todo.extend((child, False) for child in node.body)  # (its breaks are its own; its else's are not)
            todo.extend((child, loop_jumps) for child in node.orelse)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.expr)):
            todo.extend((child, loop_jumps) for child in ast.iter_child_nodes(node))
    return False


QUIET_CONTEXTS = ("np.errstate", "numpy.errstate", "warnings.catch_warnings", "np.printoptions",
                  "numpy.printoptions")  # what they change is how NumPy warns and prints, no value


def _unwrapped(stmt):
    """The statements of ``stmt``: the body of a ``with`` of ``QUIET_CONTEXTS`` only, given constants and
    bound to no name (``with np.errstate(divide="ignore"):``), in place of the ``with`` (the same
    values are computed, the warnings aside); ``[stmt]`` for any other."""
    if not isinstance(stmt, ast.With) or not all(
            item.optional_vars is None and isinstance(item.context_expr, ast.Call)
            and _call_name(item.context_expr.func) in QUIET_CONTEXTS
            and all(isinstance(a, ast.Constant) for a in item.context_expr.args)
            and all(k.arg is not None and isinstance(k.value, ast.Constant) for k in item.context_expr.keywords)
            for item in stmt.items):
        return [stmt]
    return [part for inner in stmt.body for part in _unwrapped(inner)]


def _says_nothing(stmt):
    """A statement that computes no value the function returns."""
    if isinstance(stmt, (ast.Pass, ast.Assert)):
        return True
    if isinstance(stmt, ast.Delete) and all(isinstance(t, ast.Name) for t in stmt.targets):
        return True  # del tmp: the name unbound (code reading it after raises), no value changed
    if isinstance(stmt, ast.Expr):
        value = stmt.value
        if isinstance(value, (ast.Constant, ast.Name, ast.Attribute)):
            return True  # a docstring, a bare name
        if isinstance(value, ast.Call) and \
                (_call_name(value.func) in ("print", "np.random.seed", "numpy.random.seed", "random.seed",
                                            "warnings.warn", "warnings.simplefilter", "warnings.filterwarnings")
                 or _logged(value.func)):
            return all(_pure(arg) for arg in value.args) and all(_pure(k.value) for k in value.keywords)
            # (print(v.pop()), warnings.warn(str(y.sort())): what it is given changes something: kept, refused)
        return _pure(value)  # x * 2, np.sum(x) alone: a value computed and dropped
    if isinstance(stmt, (ast.Assign, ast.AugAssign)) and _fresh_part(stmt):
        return True  # np.ones(4)[[0, 0]] += 0.5: a write into an array nothing holds
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        return isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
            and isinstance(target.slice.value, str)  # config["key"] = value: a side effect
    return False


_LOG_LEVELS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception", "log"})


def _logged(func):
    """Whether the function called is logging's: ``logging.info``, or a logger's method by the name people
    give a logger (``logger.debug``, ``log.warning``, ``self.logger.info``, ``LOG.error``)."""
    name = _call_name(func) or ""
    owner, _, level = name.rpartition(".")
    return level in _LOG_LEVELS and (owner == "logging" or
                                      re.fullmatch(r"_*(log|\w*logger)", owner.rpartition(".")[2].lower()) is not None)


_MAKERS = frozenset({"ones", "zeros", "full", "eye", "identity", "arange", "linspace", "ones_like", "zeros_like",
                     "full_like", "copy"})  # (NumPy functions giving a new array, never a view of their arguments)


def _fresh_part(stmt):
    """Whether ``stmt`` writes (``=``, ``+=``) only into a part of an array just computed, which no name
    holds: of arithmetic (``(x * 2.0)[0] = v``) or of a NumPy function making a new array
    (``np.ones(4)[[0, 0]] += 0.5``), computing nothing else that writes."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Subscript):
        return False
    base = targets[0].value
    name = (_call_name(base.func) or "") if isinstance(base, ast.Call) else ""
    fresh = isinstance(base, (ast.BinOp, ast.UnaryOp)) or name.split(".")[0] in ("np", "numpy") and \
        name.count(".") == 1 and name.split(".")[1] in _MAKERS
    return fresh and _pure(base) and _pure(targets[0].slice) and _pure(stmt.value)


def _dict_written(stmt):
    """The dict a statement ``d["key"] = value`` writes into, as text (``d``, ``self.params``), or None."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
            and _dotted(stmt.targets[0].value):
        return _dotted(stmt.targets[0].value)
    return None


def _dotted(node):
    """``d`` or ``self.params`` as text; None for any other expression."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and _dotted(node.value):
        return f"{_dotted(node.value)}.{node.attr}"
    return None


def _read_again(func):
    """``read_again(stmt, name)``: whether the function reads ``name`` after the statement ``stmt`` (or
    anywhere in a loop holding it), other than to write into it or to return it whole: a write of
    configuration into a dict (``bn_param["running_mean"] = m``) is a side effect only where nothing
    reads the dict again (``p["b"] = p["b"] * 2.0`` then ``p["b"]`` read is part of the value).  The
    function's reads are gathered at the first question (most functions write into no dict)."""
    found = []

    def read_again(stmt, name):
        if not found:
            found.append(_reads_and_loops(func))
        loads, loops = found[0]
        if getattr(stmt, "end_lineno", None) is None:
            return True
        end = (stmt.end_lineno, stmt.end_col_offset)
        spans = [((loop.lineno, loop.col_offset), (loop.end_lineno, loop.end_col_offset)) for loop in loops
                 if (loop.lineno, loop.col_offset) <= (stmt.lineno, stmt.col_offset) and end <= (loop.end_lineno,
                                                                                                loop.end_col_offset)]
        for load, text in loads:
            if text != name:
                continue
            at = (load.lineno, load.col_offset)
            if at > end or any(start <= at <= stop for start, stop in spans):
                return True
        return False
    return read_again


def _reads_and_loops(func):
    """``_read_again``'s ``(loads, loops)``: the reads of names and dotted names (not those written
    into, not a value returned whole), each with its text, and the loops."""
    skip = set()
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            skip.add(id(node.value))
        if isinstance(node, ast.Return) and node.value is not None:
            skip.update(id(part) for part in (node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]))
    loads = [(n, _dotted(n)) for n in walk(func) if isinstance(n, (ast.Name, ast.Attribute))
             and isinstance(n.ctx, ast.Load) and id(n) not in skip and getattr(n, "lineno", None) is not None]
    loops = [n for n in walk(func) if isinstance(n, (ast.For, ast.While)) and getattr(n, "end_lineno", None)]
    return loads, loops


_READING_METHODS = {"sum", "mean", "max", "min", "std", "var", "prod", "item", "tolist", "argmax", "argmin",
                    "any", "all", "copy", "ravel", "flatten"}  # (array methods of no argument writing into nothing)
_PURE_BUILTINS = {"abs", "max", "min", "len", "sum", "float", "int", "round", "pow", "str", "repr", "format"}
_WRITING = {"copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis"}  # NumPy functions that
# write into an argument
_OUT_AT = {"dot": 2, "outer": 2, "vdot": None, "clip": 3, "sum": 3, "mean": 3, "prod": 3, "nansum": 3, "nanmean": 3,
           "cumsum": 3, "cumprod": 3, "std": 3, "var": 3, "max": 2, "min": 2, "amax": 2, "amin": 2, "argmax": 2,
           "argmin": 2, "round": 2, "around": 2, "take": 3, "concatenate": 2, "stack": 2, "trace": 5,
           "ptp": 2, "any": 2, "all": 2, "nanmax": 2, "nanmin": 2, "median": 2, "choose": 2}
# the position of the output array of NumPy functions that are no ufunc (a ufunc's is its number of inputs)


def _outs_named(func, nodes=None):
    """``np.maximum(y, 0.0, y)``, ``np.dot(a, b, out)``: the output array given by position, as
    ``out=``, the form the rest of backgen reads (a ufunc's output follows its inputs).  ``nodes``:
    the function's nodes, where known."""
    for node in walk(func) if nodes is None else of_kinds(nodes, _CALL):
        if not isinstance(node, ast.Call) or any(isinstance(a, ast.Starred) for a in node.args) or \
                any(k.arg == "out" for k in node.keywords):
            continue
        name = (_call_name(node.func) or "").split(".")
        if len(name) != 2 or name[0] not in ("np", "numpy"):
            continue
        at = _out_place(name[1])
        if at is not None and len(node.args) == at + 1:
            out = node.args.pop()
            node.keywords.append(ast.copy_location(ast.keyword("out", out), out))


_CALL = frozenset({ast.Call})
_ASSIGN = frozenset({ast.Assign})


@functools.lru_cache(maxsize=None)
def _out_place(name):
    """The place of the output array among ``np.<name>``'s positional arguments, or None."""
    function = getattr(np, name, None)
    return function.nin if isinstance(function, np.ufunc) else _OUT_AT.get(name)


def _pure(node):
    """An expression that changes nothing: arithmetic, indexing, and calls of math, NumPy and builtin
    functions that write into none of their arguments (no ``out=``, no ``np.add.at``, no methods)."""
    for sub in walk(node):
        if isinstance(sub, (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr, ast.Lambda)):
            return False
        if isinstance(sub, ast.Call):
            name = _call_name(sub.func) or ""
            parts = name.split(".")
            module_call = len(parts) == 2 and parts[0] in ("np", "numpy", "math") and parts[1] not in _WRITING
            formatting = isinstance(sub.func, ast.Attribute) and sub.func.attr == "format" and \
                isinstance(sub.func.value, ast.Constant) and isinstance(sub.func.value.value, str)  # "{}".format(x)
            reading = isinstance(sub.func, ast.Attribute) and sub.func.attr in _READING_METHODS and \
                not sub.args  # (w.max(), r.std(): a number of an array, as a message shows it)
            if not (module_call or formatting or reading or name in _PURE_BUILTINS) or \
                    any(k.arg == "out" for k in sub.keywords):
                return False
    return True


def _call_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _call_name(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _none_parts(stmt):
    """``(names set to None, the assignment of the others or None)`` of ``x = None`` and of a tuple of
    names given a tuple of values some of which are None (``dx, x = None, cache``); None for any
    other statement."""
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        return None
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name):
        return ([target.id], None) if _is_none(value) else None
    if not (isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts)
            and all(isinstance(t, ast.Name) for t in target.elts) and any(map(_is_none, value.elts))):
        return None
    names = [t.id for t, v in zip(target.elts, value.elts) if _is_none(v)]
    rest = [(t, v) for t, v in zip(target.elts, value.elts) if not _is_none(v)]
    if not rest:
        return names, None
    if len(rest) == 1:
        (t, v), = rest
        return names, ast.copy_location(ast.Assign([t], v, type_comment=None), stmt)
    targets = ast.copy_location(ast.Tuple([t for t, _ in rest], ast.Store()), target)
    values = ast.copy_location(ast.Tuple([v for _, v in rest], ast.Load()), value)
    return names, ast.copy_location(ast.Assign([targets], values, type_comment=None), stmt)


def _bound_next(name, stmts):
    """Whether the first of ``stmts`` that mentions ``name`` gives it a value without reading it
    (``y = None`` then ``y = x * i``: the None is never seen)."""
    for stmt in stmts:
        mentions = [n for n in walk(stmt) if isinstance(n, ast.Name) and n.id == name]
        if not mentions:
            continue
        return isinstance(stmt, ast.Assign) and all(isinstance(n.ctx, ast.Store) for n in mentions) and \
            any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
    return False


def _is_none(node):
    return isinstance(node, ast.Constant) and node.value is None


__all__ = ["tidy", "BackgenError"]
