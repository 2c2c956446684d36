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
* the names the generator reads from its module mean what they mean in the function.

Anything else is left as it was (and refused as before: ``yield`` is not supported).
"""

import ast
import copy

from .source import bound_arguments, rewrite_statements, walk


def inline(forward, read_plain):
    if not forward.helpers or not any(isinstance(n, ast.For) and isinstance(n.iter, ast.Call)
                                      for n in walk(forward.func)):
        return
    used = {n.id for n in walk(forward.func) if isinstance(n, ast.Name)} | \
        {a.arg for a in walk(forward.func) if isinstance(a, ast.arg)}
    forward.func.body = _block(forward.func.body, forward, read_plain, used)


def _block(stmts, forward, read_plain, used):
    def each(stmt):
        written = _loop(stmt, forward, read_plain, used) if isinstance(stmt, ast.For) else None
        return [stmt] if written is None else written
    return rewrite_statements(stmts, each)


def _loop(loop, forward, read_plain, used):
    call = loop.iter
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
    bound = bound_arguments(call, func, _literal)
    if bound is None:
        return None
    names = {n.id for n in walk(func) if isinstance(n, ast.Name)} | {a.arg for a in args.args}
    own = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    own |= {a.arg for a in args.args}
    for name in names - own:  # (read from its module: the same thing here)
        if name in forward.helpers or forward.env.get(name) != helper.env.get(name) or \
                forward.constants.get(name) != helper.constants.get(name) or \
                (name in helper.literals) != (name in forward.literals) or \
                forward.env.get(name) is None and name not in forward.constants and name not in forward.literals:
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
    out = [_located(ast.Assign([ast.Name(renamed[p], ast.Store())], copy.deepcopy(v)), call)
           for p, v in bound.items()]
    written = [Rename().visit(copy.deepcopy(s)) for s in body]
    out += _yields_run(written, loop)
    return out


def _yields_run(stmts, loop):
    """``stmts`` with each ``yield v`` statement the loop's ``target = v`` and body."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
            value = stmt.value.value or ast.Constant(None)
            out.append(_located(ast.Assign([copy.deepcopy(loop.target)], value), stmt))
            out += copy.deepcopy(loop.body)
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


def _literal(node):
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def _located(node, where):
    for child in ast.walk(node):
        ast.copy_location(child, where)
    return node
