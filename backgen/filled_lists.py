"""A list made to its length first, then filled slot by slot by a loop: the list the loop appends to.

Contract: ``rewrite(func) -> bool`` rewrites ``func`` (an ast.FunctionDef) in place and says whether
it changed it.  In any block::

    hs = [None] * T                     hs = []
    for t in range(T):          ->      for t in range(T):
        h = np.tanh(...)                    h = np.tanh(...)
        hs[t] = h                           hs.append(h)

The list holds the same items after the loop either way: the loop runs over ``range`` of the very
length the list was made with (the same expression, none of whose names anything between them or the
loop sets), writes slot ``t`` once at each iteration (a statement of its body's top level, so on
every path; no ``break``, ``continue`` or ``return`` in it skips one), and reads the list only at
slot ``t`` after that write, which it holds both ways.  The list's first items (``None``, ``0``,
``0.0``; ``[None for _ in range(T)]``) are then never read.  The list the loop appends to is what the
stager follows (a list made of ``None`` is refused where it is read); nothing else is rewritten.
"""

import ast

from .source import name_ids, walk

_LEAVING = (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom)


def rewrite(func):
    changed = False
    for node in walk(func):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                changed |= _block(block)
    return changed


def _block(block):
    changed = False
    for k, stmt in enumerate(block):
        made = _made(stmt)
        if made is None:
            continue
        name, length = made
        loop = next((s for s in block[k + 1:] if name in name_ids(s)), None)
        if loop is None or not _fills(loop, name, length):
            continue
        between = block[k + 1:block.index(loop)]
        if name_ids(length) & {n for s in between for n in _stored(s)}:
            continue  # (the length's names set again before the loop: another length)
        write = next(s for s in loop.body if _slot_write(s, name, loop.target.id))
        stmt.value = ast.copy_location(ast.List([], ast.Load()), stmt.value)
        append = ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [write.value], [])
        loop.body[loop.body.index(write)] = ast.fix_missing_locations(
            ast.copy_location(ast.Expr(ast.copy_location(append, write)), write))
        changed = True
    return changed


def _made(stmt):
    """``(name, length)`` of ``hs = [None] * T`` (``[0] * T``, ``[0.0] * T``, ``T * [None]``, ``[None for _ in
    range(T)]``), or None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value = stmt.value
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        items, length = (value.left, value.right) if isinstance(value.left, ast.List) else (value.right, value.left)
        if isinstance(items, ast.List) and len(items.elts) == 1 and _blank(items.elts[0]) and \
                not isinstance(length, ast.List):
            return stmt.targets[0].id, length
    if isinstance(value, ast.ListComp) and _blank(value.elt) and len(value.generators) == 1:
        gen = value.generators[0]
        if not gen.ifs and not gen.is_async and _range_of(gen.iter) is not None and \
                not (name_ids(value.elt) & _stored(gen.target)):
            return stmt.targets[0].id, _range_of(gen.iter)
    return None


def _blank(node):
    return isinstance(node, ast.Constant) and (node.value is None or type(node.value) in (int, float)
                                               and node.value == 0)


def _range_of(node):
    """``T`` of ``range(T)``, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and \
            len(node.args) == 1 and not node.keywords:
        return node.args[0]
    return None


def _fills(loop, name, length):
    """Whether the ``for`` ``loop`` fills every slot of ``name`` once, as the module says."""
    if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and not loop.orelse):
        return False
    stop = _range_of(loop.iter)
    if stop is None or ast.dump(stop) != ast.dump(length):
        return False
    t = loop.target.id
    inside = ast.Module(loop.body, [])
    if any(isinstance(n, _LEAVING) for n in walk(inside)) or t in _stored(inside) or \
            name_ids(length) & _stored(inside):
        return False
    writes = [k for k, s in enumerate(loop.body) if _slot_write(s, name, t)]
    if len(writes) != 1:
        return False
    for k, stmt in enumerate(loop.body):
        targets = stmt.targets if k == writes[0] else []
        for node in walk(stmt):
            if not (isinstance(node, ast.Name) and node.id == name):
                continue
            if any(node is t_.value for t_ in targets):
                continue  # (the write itself)
            if k <= writes[0] or not _slot_read(stmt, node, t):
                return False
    return name not in _stored(inside)


def _slot_write(stmt, name, t):
    """``hs[t] = value``."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
        and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == name and \
        isinstance(stmt.targets[0].slice, ast.Name) and stmt.targets[0].slice.id == t and \
        name not in name_ids(stmt.value)


def _slot_read(stmt, node, t):
    """Whether the name ``node`` in ``stmt`` is read as ``hs[t]``."""
    return any(isinstance(sub, ast.Subscript) and sub.value is node and isinstance(sub.ctx, ast.Load)
               and isinstance(sub.slice, ast.Name) and sub.slice.id == t for sub in walk(stmt))



def _stored(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
