"""Helpers that write into their parameters, written into their callers.

Contract: ``inlined(forward, name) -> Forward | None``.  A helper that
writes into an array passed to it (``def clamp(u): u[0] = 0.0; return u``)
changes its caller's array, which a helper's own backward cannot follow; a
helper returning a constant (``return np.zeros((N, H))``) has no backward at
all.  Its body written where it is called keeps NumPy's meaning: a parameter given a
name, and never bound again in the helper, is that name (``h[0] = 0.0``: the
write is the caller's, which the stager's memory model follows); any other
parameter becomes a name bound to the argument (``u_clamp = h[1:]``); each of
the helper's names is renamed apart from the caller's, and the returned value
is assigned where the call's value went (left out for a call standing alone
where computing it calls nothing); where it is one of the helper's own names,
bound at its top level, and the call's value goes to a name nothing written out
mentions (``y = clamp(...)``), that name stands for it from the start::

    y = clamp(h[1:])    ->      y = h[1:]
                                y[0] = 0.0

Keeping the caller's name keeps its gradient's name (``dh``), and no second
name of the array lives on (a loop's next iteration writing into ``h`` would
be refused while ``u_clamp`` still held it).

Only calls standing as a whole statement's value are written out (``y =
clamp(h)``, ``y, z = split(h)``, ``y += clamp(h)``, ``clamp(h)`` alone,
``return clamp(h)``; a call inside an expression is first given a statement
of its own where ``hoist`` can keep NumPy's meaning), of a helper whose body ends in its one ``return`` (one
returning nothing, which only writes into what it is given, is read with ``return None`` at its end:
``parse``; one returning early from the paths of its ``if``s, each path ending in a ``return`` or a
``raise``, is read with each path assigning what it returned to a name of its own, returned at the end,
or, where the caller returns the call, with each path returning it as written; a ``return`` in a loop
is not written out; where the caller returns the call of a helper ending in an ``if`` each of whose paths
assigns the name it returns, each path returns that value instead), defines no function and binds its parameters by position, keyword
or a default written out (a number, ``-1.0``, ``None``; no list, which calls
share).  Names the helper reads from its module must mean the same in the
caller.  None where any call of ``name`` is not of that kind: the
caller then refuses as before.  The statements written keep the call's place,
so errors point at the caller's line; the function's ``written_out`` maps each
new name to the helper's name it stands for, which a refusal naming it says.  A ``None`` placeholder
``parse`` left out of the helper that it still reads and binds on some paths only (a layer's ``cache =
None``, set in training mode alone) is bound to None first, as Python has it; of the values the call
unpacks (``out, cache = layer(x)``), a name the caller never reads (``b += s`` reads ``b``) given a name of
the helper's is left unbound.
"""

import ast
import copy
import dataclasses
import types

from .hoist import hoisted
from .parse import read_helper
from .source import bound_arguments, fresh_names, rewrite_statements, tree_copy, names_of, walk

_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)
_FORBIDDEN = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Global, ast.Nonlocal,
              ast.Yield, ast.YieldFrom, ast.Await, ast.Try, ast.With)


def inlined(forward, name, helper=None):
    """``forward`` with every call of the helper ``name`` (read, where ``helper`` is not given)
    written out in its function, or None."""
    helper = helper if helper is not None else read_helper(forward, name)
    helper = _one_return(helper)
    body = _body(helper.func)
    if body is None:
        return None
    body = _placeholders_kept(helper, body)
    params = {a.arg for a in forward.func.args.args}
    helper_locals = _locals(helper.func)
    free = names_of(helper.func) - helper_locals
    if free & (_locals(forward.func) | params) or any(not _same(helper, forward, n) for n in free):
        return None  # a name the helper reads from its module means something else here
    called = {n: helper.helpers[n] for n in free if n in helper.helpers}  # the functions it calls, called
    if any(isinstance(f, types.FunctionType) and isinstance(forward.helpers.get(n), types.FunctionType)
           and forward.helpers[n] is not f for n, f in called.items()):  # here once written out
        return None  # (a name the caller reads as another function of its own)
    mentioned = names_of(forward.func)
    env = {**{n: helper.env[n] for n in free if n in helper.env and n not in mentioned}, **forward.env}
    func = tree_copy(forward.func)
    func.written_out = dict(getattr(forward.func, "written_out", {}))  # new name -> the helper's name
    func = hoisted(func, name)  # (a call inside an expression given a statement of its own first: ``hoist``)
    used = names_of(func) | params | free
    caller_reads = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)} | {
        n.target.id for n in walk(func) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    ok, found = True, False

    def each(stmt):
        nonlocal ok, found
        call = _call_of(stmt, name)
        written = None if call is None else _written(stmt, call, helper.func, body, helper_locals, used,
                                                     func.written_out, caller_reads)
        if written is None and (call is not None or _mentions(stmt, name)):
            ok = False  # a call inside an expression, a test, or the function passed as a value
        found = found or written is not None
        return [stmt] if written is None else written

    func.body = rewrite_statements(func.body, each)
    if not ok or not found:  # (none here: a helper it calls calls it)
        return None
    # (the module's names, numbers and lists the helper reads, too)
    return dataclasses.replace(forward, func=func, env=env, helpers={**called, **forward.helpers},
                               constants={**forward.constants, **{n: v for n, v in helper.constants.items()
                                                                  if n in free}},
                               literals={**forward.literals, **{n: v for n, v in helper.literals.items()
                                                                if n in free}})


def _placeholders_kept(helper, body):
    """``body`` with each placeholder ``parse`` left out of the helper (``out, cache = None, None``) that it
    still reads (``return out, cache``, on a path that sets no cache) and binds on some paths only bound to
    None first, as Python binds it: written into a caller, a name unbound on a path would be a read that
    raises there."""
    read = {n.id for stmt in body for n in walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for stmt in body if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign))
             for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
             for n in walk(target) if isinstance(n, ast.Name)}  # (at the top level: bound on every path)
    kept = [name for name in sorted(helper.placeholders, key=lambda n: (helper.placeholders[n], n))
            if name in read and name not in bound]
    return [ast.fix_missing_locations(ast.copy_location(
        ast.Assign([ast.Name(name, ast.Store())], ast.Constant(None)), body[0])) for name in kept] + body


def _one_return(helper):
    """``helper`` with its early returns, where it has some, written as one ``return`` at its end: each
    path of its ``if``s (``source.ends_in``, as ``flow.single_exit`` makes them) assigning the value it
    returned to a name of its own, returned last (``if reduction == "mean": return np.mean(loss)``, then
    ``return loss``: ``_reduce`` of a loss's settings).  As it was where a ``return`` is elsewhere than
    ends a path so (in a loop), or returns nothing."""
    func = helper.func
    returns = [n for n in walk(func) if isinstance(n, ast.Return)]
    if len(returns) < 2 or not isinstance(func, ast.FunctionDef) or any(r.value is None for r in returns):
        return helper
    from .flow import single_exit  # noqa: PLC0415 -- (flow reads helpers through parse, as this module does)
    name = fresh_names(names_of(func) |
                       {a.arg for a in func.args.args}, bare=True)("result")
    body = _assigned_returns(single_exit(tree_copy(func.body)), name)
    if body is None or any(isinstance(n, ast.Return) for stmt in body for n in walk(stmt)):
        return helper
    last = ast.copy_location(ast.Return(ast.copy_location(ast.Name(name, ast.Load()), returns[-1])), returns[-1])
    new = copy.copy(func)
    new.body = body + [last]
    new.one_return = True  # (its assignments of what a path returned: ``_returns_again``)
    return dataclasses.replace(helper, func=ast.fix_missing_locations(new))


def _paths_assign(stmt, name):
    """Whether ``stmt`` is an ``if`` each of whose paths ends in assigning ``name`` (or in a ``raise``)."""
    if not isinstance(stmt, ast.If) or not stmt.orelse:
        return False
    for path in (stmt.body, stmt.orelse):
        last = path[-1]
        if not (isinstance(last, ast.Raise) or _paths_assign(last, name) or isinstance(last, ast.Assign) and
                len(last.targets) == 1 and isinstance(last.targets[0], ast.Name) and last.targets[0].id == name):
            return False
    return True


def _assignments_marked(stmt, name):
    """The ``if`` ``stmt`` (``_paths_assign``) with the assignment of ``name`` ending each path marked as
    the value the path returns (``_returns_again``)."""
    for path in (stmt.body, stmt.orelse):
        last = path[-1]
        if isinstance(last, ast.If):
            _assignments_marked(last, name)
        elif isinstance(last, ast.Assign):
            last.path_return = True
    return stmt


def _returns_again(stmts):
    """``stmts`` with each assignment ``_one_return`` wrote of the value a path returned a ``return``
    again (a call the caller returns: its paths return, where a name of two shapes would be merged)."""
    out = []
    for stmt in stmts:
        if getattr(stmt, "path_return", False):
            stmt = ast.copy_location(ast.Return(stmt.value), stmt)
        elif isinstance(stmt, ast.If):
            stmt = ast.copy_location(ast.If(stmt.test, _returns_again(stmt.body), _returns_again(stmt.orelse)),
                                     stmt)
        out.append(stmt)
    return out


def _assigned_returns(stmts, name):
    """``stmts`` (every path ending in a ``return``, or a ``raise``) with each ``return v`` ending a path
    written ``name = v``; None where a path ends otherwise."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return):
            target = ast.copy_location(ast.Name(name, ast.Store()), stmt)
            assign = ast.copy_location(ast.Assign([target], stmt.value), stmt)
            assign.path_return = True
            return out + [assign]
        if isinstance(stmt, ast.Raise):
            return out + [stmt]
        if isinstance(stmt, ast.If) and any(isinstance(n, ast.Return) for n in walk(stmt)):
            body, orelse = _assigned_returns(stmt.body, name), _assigned_returns(stmt.orelse, name)
            if body is None or orelse is None:
                return None
            new = ast.copy_location(ast.If(stmt.test, body, orelse), stmt)
            return out + [new] if stmt is stmts[-1] else None
        out.append(stmt)
    return None


def _same(helper, forward, name):
    """Whether ``name`` means in the caller's module what it means in the helper's (a number or a list
    of numbers of the module only where the caller has it too).  A live function's ``env`` holds the
    names it reads only: one its code never names (``np``, read by the helper alone) means, written
    out there, what it means in the helper (``inlined`` gives it that meaning)."""
    for field in ("env", "constants", "literals"):
        mine, theirs = getattr(helper, field).get(name), getattr(forward, field).get(name)
        if field == "env" and theirs is None and not _mentions(forward.func, name):
            continue
        if field == "literals" and mine is not None and theirs is not None:
            mine, theirs = ast.dump(mine), ast.dump(theirs)
        if (field == "env" or mine is not None and theirs is not None) and not _equal(mine, theirs):
            return False
    return True


def _equal(a, b):
    return a is b or type(a) is type(b) and isinstance(a, (str, int, float, tuple)) and a == b


def _body(func):
    """The helper's statements (its docstring left out), or None where it cannot be written out."""
    args = func.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                         and isinstance(s.value.value, str))]
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, _FORBIDDEN) or (isinstance(node, ast.Return) and node is not body[-1]):
                return None
    if not all(map(_plain_default, args.defaults)):
        return None
    return body


def _plain_default(node):
    """Whether a default is a value written out, never changed (``k=-1.0``, ``axis=(0, 1)``, ``mask=None``),
    which a call leaving it out may be given again; not a list, which each call would share."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return False
    return _immutable(value)


def _immutable(value):
    return value is None or isinstance(value, (bool, int, float, complex, str)) or \
        isinstance(value, tuple) and all(map(_immutable, value))


def _locals(func):
    """A function's parameters and the names it binds (a comprehension's targets too)."""
    return {a.arg for a in func.args.args} | _stored(func)


def _stored(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _call_of(stmt, name):
    """The call of ``name`` that is ``stmt``'s whole value, or None."""
    if not isinstance(stmt, _STATEMENTS):
        return None
    value = stmt.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == name:
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            return None
        if isinstance(stmt, ast.AugAssign) and not isinstance(stmt.target, ast.Name):
            return None  # (z[0] += g(z) reads z[0] before the call: after its body, it would read its write)
        if _mentions(value.args, name) or _mentions(value.keywords, name):
            return None  # (a call of it in its own arguments)
        return value
    return None


def _mentions(node, name):
    nodes = node if isinstance(node, list) else [node]
    return any(isinstance(n, ast.Name) and n.id == name for item in nodes for n in walk(item))


def _written(stmt, call, helper, body, helper_locals, used, written_out, caller_reads):
    """The statements doing what ``stmt`` (holding ``call``) does, the helper's body written out; None
    where the call does not bind its parameters plainly."""
    bound = bound_arguments(call, helper)
    if bound is None:
        return None
    params = list(bound)
    suffix = helper.name.strip("_") or "f"
    renamed = {}
    for local in sorted(helper_locals):
        fresh = f"{local}_{suffix}"
        if fresh in used or not fresh.isidentifier():
            fresh = fresh_names(used)(fresh)
        used.add(fresh)
        renamed[local] = fresh
        written_out[fresh] = f"{local} of {helper.name}()"

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in renamed:
                node.id = renamed[node.id]
            return node

    apart = set(renamed.values())  # (the helper's names, renamed apart: none of them the caller's)
    stored = _stored(helper)
    lines = []
    for p in params:  # a parameter given a name, and never bound again in the helper, is that name: the
        if isinstance(bound[p], ast.Name) and p not in stored:  # same array, the caller's name kept (dz)
            renamed[p] = bound[p].id
        else:
            lines.append(ast.Assign([ast.Name(renamed[p], ast.Store())], tree_copy(bound[p])))
    lines += [Rename().visit(tree_copy(s)) for s in body[:-1]]
    value = Rename().visit(tree_copy(body[-1].value))
    if isinstance(stmt, ast.Return) and getattr(helper, "one_return", False):  # return _reduce(loss, mode):
        lines = _returns_again(lines)  # the helper's paths returning their values themselves, as written
        value = None
    elif isinstance(stmt, ast.Return) and isinstance(value, ast.Name) and lines and \
            _paths_assign(lines[-1], value.id):  # if mode == "mean": out = ...; else: out = ...; return out
        lines = lines[:-1] + _returns_again([_assignments_marked(lines[-1], value.id)])
        value = None
    target = None if value is None else _returned_local(stmt, value, lines, apart & set(renamed.values()))
    if value is None:
        pass
    elif target is not None:  # y = g(h), g ending in ``return out``, out its own: y names that array from the
        for node in walk(ast.Module(lines, [])):  # start (no second name, out_g, keeps it, which a
            if isinstance(node, ast.Name) and node.id == value.id:  # loop writing into y would refuse)
                node.id = target
        del written_out[value.id]
    elif isinstance(stmt, ast.Expr):  # the value is not used: the body's writes are what the call does
        if any(isinstance(node, ast.Call) for node in walk(value)):  # (computed still, as the call would)
            lines.append(ast.Assign([ast.Name(fresh_names(used)(f"_{suffix}"), ast.Store())], value))
    elif getattr(stmt, "standing_alone", False) and not any(isinstance(node, ast.Call) for node in walk(value)):
        pass  # (_ = clamp(h) for clamp(h): no _ = h, a name sharing h's array)
    else:
        last = tree_copy(stmt)
        last.value = value
        lines.append(_unread_left_out(last, caller_reads))
    for line in lines:  # at the call's place: errors point at the caller's line
        for node in walk(line):
            if isinstance(node, (ast.expr, ast.stmt)):
                ast.copy_location(node, stmt)
                node.end_lineno, node.end_col_offset = stmt.end_lineno, stmt.end_col_offset
    return lines


def _unread_left_out(stmt, caller_reads):
    """``o, c = (out_g, cache_g)`` without the names the caller never reads given names the helper made
    (``o = out_g``, its cache left out: a cache the helper sets on some paths only, None on the others, as a
    layer in training mode makes it); as it is otherwise."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple) and len(stmt.targets[0].elts) == len(stmt.value.elts)
            and all(isinstance(t, ast.Name) for t in stmt.targets[0].elts)):
        return stmt
    pairs = [(t, v) for t, v in zip(stmt.targets[0].elts, stmt.value.elts)
             if t.id in caller_reads or not isinstance(v, ast.Name)]
    if not pairs or len(pairs) == len(stmt.value.elts):
        return stmt
    if len(pairs) == 1:
        return ast.Assign([pairs[0][0]], pairs[0][1])
    return ast.Assign([ast.Tuple([t for t, _ in pairs], ast.Store())], ast.Tuple([v for _, v in pairs], ast.Load()))


def _returned_local(stmt, value, lines, own):
    """The caller's name ``y`` where ``stmt`` is ``y = g(...)``, ``g`` returns a name of its own
    (``value``: renamed apart, one of ``own``) that a statement of its body's top level binds, or an
    ``if`` of it on each of its paths (``_one_return``'s, of a helper returning from them), before
    anything else mentions it, and nothing written out mentions ``y``: ``y`` may then be that name
    throughout, bound on every path from there, its old value read nowhere."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(value, ast.Name) and value.id in own):
        return None
    target = stmt.targets[0].id
    if any(isinstance(node, ast.Name) and node.id == target for line in lines for node in walk(line)):
        return None
    first = next((k for k, line in enumerate(lines) if isinstance(line, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == value.id for t in line.targets) or _paths_assign(line, value.id)), None)
    if first is None or any(isinstance(node, ast.Name) and node.id == value.id
                            for line in lines[:first] for node in walk(line)):
        return None  # (bound first in a block: y must keep its value where that block binds nothing)
    return target
