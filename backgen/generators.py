"""A loop over a generator of the user's, written as the generator's loop running the body.

Contract: ``inline(forward, read_plain)`` rewrites ``forward.func`` in place (``read_plain(forward,
name)``: a helper as its source reads, or None).

A loop ``for W, b in unpack_layers(weights, shapes): BODY`` (in any block) over a call of one of
the user's functions that yields, is written as that function's body where each ``yield v``
statement is ``W, b = v`` then ``BODY``: the statements Python runs, in their order (a
generator runs up to its next yield each time round the loop).  The generator's parameters and
names are renamed apart (``weights_unpack_layers``), each parameter bound to its argument first
(evaluated once, when the call is made, as Python does).  Written out only where:

* the generator yields only as whole statements (``yield v``, no ``yield from``, no value sent
  in), returns nothing, defines no function, declares no ``global``, binds its parameters by
  position, keyword or a default written out, and takes no ``*args`` or ``**kwargs``;
* the loop has no ``else`` and its body no ``break``, ``continue`` or ``return`` of its own
  (one would stop the generator, or skip to its next yield);
* the names the generator reads from its module mean what they mean in the function (Python's
  builtins, ``zip``, ``range``, where its module binds them to nothing else, too).

A loop ``for k, item in enumerate(gen(v))`` is the loop ``for item in gen(v)`` with ``k`` counting from 0
(``k = k_count`` first in the body, ``k_count = k_count + 1`` last); the generator may read arrays
by methods that make values (``v[:m * n].reshape(m, n)``).

A generator's call whose items ``sum(...)`` or ``list(...)`` take at once (``y = sum(gen(v)) * s``)
is that loop over it, listing the items first (``_consumed``).

Anything else is left as it was (and refused as before: ``yield`` is not supported).
"""

import ast
import builtins

from .source import bound_arguments, fresh_names, rewrite_statements, walk, written_out, tree_copy, names_of


def inline(forward, read_plain):
    if not forward.helpers or not any(isinstance(n, ast.For) and isinstance(n.iter, ast.Call) or
                                      isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                                      n.func.id in _CONSUMERS and n.args and isinstance(n.args[0], ast.Call)
                                      for n in walk(forward.func)):
        return
    used = names_of(forward.func) | \
        {a.arg for a in walk(forward.func) if isinstance(a, ast.arg)}
    forward.func.body = _block(forward.func.body, forward, read_plain, used)


def _block(stmts, forward, read_plain, used):
    def each(stmt):
        written = _loop(stmt, forward, read_plain, used) if isinstance(stmt, ast.For) else \
            _consumed(stmt, forward, read_plain, used)
        return [stmt] if written is None else written
    return rewrite_statements(stmts, each)


_CONSUMERS = ("sum", "list")  # (what takes all of a generator's items at once: its list, or their sum)
_PURE = frozenset({"sum", "list", "tuple", "len", "abs", "min", "max", "float", "int", "range", "zip",
                   "enumerate", "round", "pow"})


def _consumed(stmt, forward, read_plain, used):
    """``y = sum(gen(v)) * s`` (or ``list(gen(v))``; in an assignment, an ``op=`` or a ``return``) of a
    generator of the user's: its items listed first by a loop over it, ``items = []``, ``for item in
    gen(v): items.append(item)`` (written out as any loop over it is), then ``y = sum(items) * s``
    (``items`` for the list).  Only where nothing else in the statement calls a function that could see the
    order changed (none but NumPy's, math's and the builtins backgen differentiates), and the call is
    not evaluated under a condition (a conditional expression, ``and``/``or``, a comprehension).  None
    where the statement holds no such call or the loop is not written out."""
    if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Return)) or stmt.value is None:
        return None
    parents = {id(child): node for node in walk(stmt) for child in ast.iter_child_nodes(node)}
    found = []
    for node in walk(stmt):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CONSUMERS and \
                node.func.id not in forward.helpers and forward.env.get(node.func.id) in (None, node.func.id) and \
                len(node.args) == 1 and not node.keywords and _generator_call(node.args[0], forward, read_plain):
            found.append(node)
    if len(found) != 1:
        return None
    consumer = found[0]
    node = consumer
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.GeneratorExp, ast.SetComp,
                             ast.DictComp)):
            return None
    for node in walk(stmt):
        if isinstance(node, ast.Call) and node is not consumer and node is not consumer.args[0] and \
                not _pure_call(node, forward):
            return None
    fresh = fresh_names(used, bare=True)
    items, item = fresh("items"), fresh("item")
    start = _located(ast.Assign([ast.Name(items, ast.Store())], ast.List([], ast.Load())), stmt)
    append = ast.Expr(ast.Call(ast.Attribute(ast.Name(items, ast.Load()), "append", ast.Load()),
                               [ast.Name(item, ast.Load())], []))
    loop = _located(ast.For(ast.Name(item, ast.Store()), consumer.args[0], [append], []), consumer)
    written = _loop(loop, forward, read_plain, used)
    if written is None:
        return None
    listed = ast.Name(items, ast.Load())
    if consumer.func.id == "list":
        replacement = listed
    else:
        replacement = ast.Call(consumer.func, [listed], [])
    parent = parents[id(consumer)]
    for field, value in ast.iter_fields(parent):
        if value is consumer:
            setattr(parent, field, replacement)
        elif isinstance(value, list):
            setattr(parent, field, [replacement if v is consumer else v for v in value])
    _located(replacement, consumer)
    return [start] + written + [stmt]


def _generator_call(node, forward, read_plain):
    """Whether ``node`` calls one of the user's functions that yields, writing into nothing (no ``op=``, no
    write into a part, no call but of NumPy's, math's and the builtins')."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers):
        return False
    helper = read_plain(forward, node.func.id)
    if helper is None or not isinstance(helper.func, ast.FunctionDef) or \
            not any(isinstance(n, ast.Yield) for n in walk(helper.func)):
        return False
    return not any(isinstance(n, ast.AugAssign) or isinstance(n, (ast.Subscript, ast.Attribute)) and
                   isinstance(n.ctx, ast.Store) or isinstance(n, ast.Call) and not _pure_call(n, forward)
                   for n in walk(helper.func))  # (writing into nothing: run first, it changes no value read)


_READING_METHODS = frozenset({"reshape", "ravel", "flatten", "copy", "transpose", "squeeze", "astype", "sum", "mean",
                              "dot", "max", "min", "prod"})  # (array methods that make a value, writing nothing)


def _pure_call(node, forward):
    """A call of NumPy's or math's functions, or of a builtin backgen differentiates, or a reading method of
    a name (``v[:m * n].reshape(m, n)``; none writing anything)."""
    if isinstance(node.func, ast.Name):
        return node.func.id in _PURE and node.func.id not in forward.helpers and \
            forward.env.get(node.func.id) in (None, node.func.id)
    if isinstance(node.func, ast.Attribute) and node.func.attr in _READING_METHODS and \
            isinstance(node.func.value, (ast.Name, ast.Subscript)) and \
            forward.env.get(_root(node.func.value)) is None and _root(node.func.value) not in forward.helpers:
        return True
    root = node.func
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root is not node.func and forward.env.get(root.id) in ("numpy", "math")


def _root(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _loop(loop, forward, read_plain, used):
    call = loop.iter
    counted = _counted(loop, forward)
    if counted is not None and not loop.orelse:  # for k, c in enumerate(chunks(v)): the loop over chunks(v),
        # k counting
        count = fresh_names(used, bare=True)(f"{counted[0].id}_count")
        used.add(count)
        inner = _located(ast.For(counted[1], call.args[0], [
            _located(ast.Assign([counted[0]], ast.Name(count, ast.Load())), loop), *loop.body,
            _located(ast.Assign([ast.Name(count, ast.Store())],
                                ast.BinOp(ast.Name(count, ast.Load()), ast.Add(), ast.Constant(1))), loop)], []), loop)
        written = _loop(inner, forward, read_plain, used)
        return None if written is None else \
            [_located(ast.Assign([ast.Name(count, ast.Store())], ast.Constant(0)), loop)] + written
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in forward.helpers) \
            or loop.orelse or _jumps(loop.body):
        return None
    helper = read_plain(forward, call.func.id)
    if helper is None or not isinstance(helper.func, ast.FunctionDef):
        return None
    func = helper.func
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    yields = [n for n in walk(func) if isinstance(n, (ast.Yield, ast.YieldFrom))]
    args = func.args
    if not yields or args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or any(
            isinstance(n, (ast.YieldFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                           ast.Global, ast.Nonlocal, ast.Try, ast.With)) and n is not func or
            isinstance(n, ast.Return) for n in walk(func)):
        return None
    statements = {id(s.value) for s in walk(func) if isinstance(s, ast.Expr)}
    if any(id(y) not in statements for y in yields):
        return None  # (x = yield v: a value sent in)
    bound = bound_arguments(call, func, written_out)
    if bound is None:
        return None
    names = names_of(func) | {a.arg for a in args.args}
    own = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    own |= {a.arg for a in args.args}
    _module_values(forward, helper, names - own)
    for name in names - own:  # (read from its module: the same thing here)
        if name in forward.helpers or forward.env.get(name) != helper.env.get(name) or \
                forward.constants.get(name) != helper.constants.get(name) or \
                (name in helper.literals) != (name in forward.literals) or \
                forward.env.get(name) is None and name not in forward.constants and name not in forward.literals \
                and not _builtin(name, helper):
            return None
    renamed = {}
    for name in sorted(own):
        fresh, k = f"{name}_{func.name.strip('_') or 'gen'}", 1
        while fresh in used:
            fresh, k = f"{name}_{func.name.strip('_') or 'gen'}{k}", k + 1
        used.add(fresh)
        renamed[name] = fresh

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in renamed:
                node.id = renamed[node.id]
            return node
    out = [_located(ast.Assign([ast.Name(renamed[p], ast.Store())], tree_copy(v)), call)
           for p, v in bound.items()]
    written = [Rename().visit(tree_copy(s)) for s in body]
    out += _yields_run(written, loop)
    return out


def _counted(loop, forward):
    """``(k, item)``, the targets of a loop ``for k, item in enumerate(gen(v))`` of Python's ``enumerate``
    (no start given), or None."""
    call, target = loop.iter, loop.target
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "enumerate" and \
            "enumerate" not in forward.helpers and forward.env.get("enumerate") in (None, "enumerate") and \
            "enumerate" not in forward.constants and len(call.args) == 1 and not call.keywords and \
            isinstance(call.args[0], ast.Call) and isinstance(call.args[0].func, ast.Name) and \
            call.args[0].func.id in forward.helpers and isinstance(target, ast.Tuple) and len(target.elts) == 2 \
            and isinstance(target.elts[0], ast.Name):
        return target.elts[0], target.elts[1]
    return None


def _module_values(forward, helper, names):
    """The numbers and literal lists of the module that the generator reads and the function does not,
    given the function too where both are of one file: a live function (the decorator's) holds only
    those it reads itself, and the generator's loop is written into it."""
    if helper.filename != forward.filename:
        return
    for name in sorted(names):
        if name in forward.env or name in forward.helpers or name in forward.constants or name in forward.literals:
            continue
        if name in helper.constants and name not in helper.literals:
            forward.constants[name] = helper.constants[name]
        elif name in helper.literals and name not in helper.constants:
            forward.literals[name] = helper.literals[name]


def _builtin(name, helper):
    """Whether ``name`` is one of Python's builtins (``zip``, ``range``) that the generator's module does not
    bind to anything else: the same function in the generator and in the function."""
    return hasattr(builtins, name) and not name.startswith("_") and name not in helper.env and \
        name not in helper.helpers and name not in helper.constants and name not in helper.literals


def _yields_run(stmts, loop):
    """``stmts`` with each ``yield v`` statement the loop's ``target = v`` and body."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
            value = stmt.value.value or ast.Constant(None)
            out.append(_located(ast.Assign([tree_copy(loop.target)], value), stmt))
            out += tree_copy(loop.body)
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                setattr(stmt, field, _yields_run(inner, loop))
        out.append(stmt)
    return out


def _jumps(stmts):
    """Whether a loop body holds a ``break``, ``continue`` or ``return`` of its own (not of an inner loop)."""
    for stmt in stmts:
        if isinstance(stmt, (ast.Break, ast.Continue, ast.Return)):
            return True
        if isinstance(stmt, (ast.For, ast.While)):
            if any(isinstance(n, ast.Return) for n in walk(stmt)):
                return True
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and _jumps(inner):
                return True
    return False


def _located(node, where):
    for child in walk(node):
        ast.copy_location(child, where)
    return node
