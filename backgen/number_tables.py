"""A table of numbers written as a list of lists, read and written entry by entry: the array it stands for.

Contract: ``rewrite(func, np_name) -> bool`` rewrites ``func`` (an ast.FunctionDef of a module binding
NumPy as ``np_name``) in place and says whether it changed it::

    R = [[math.inf] * (m + 1) for _ in range(n + 1)]       R = np.full((n + 1, m + 1), math.inf)
    R[0][0] = 0.0                                   ->     R[0, 0] = 0.0
    R[i][j] = D[i - 1][j - 1] + softmin(...)               R[i, j] = D[i - 1][j - 1] + softmin(...)
    return R[n][m]                                         return R[n, m]

The dynamic-programming table of soft-DTW, an edit distance or a forward algorithm in plain Python.
Its rows are lists of their own (the comprehension makes one per row; ``[[v] * W] * H``, one row H
times, is not rewritten), so a write into an entry changes that entry alone, as a write into the
array's does; an entry is read and written by an index of each axis, negative ones counted from the
end alike.  Rewritten only where that is all the function does with the name: it sets it once, by
``[[v] * W for _ in range(H)]`` (``[v] * W`` either way round, ``[[v for _ in range(W)] for _ in
range(H)]``) of a number ``v`` written in the code (``0.0``, ``float('inf')``, ``math.inf``,
``-np.inf``, or a name the function sets once to such a number, ``INF = 1e10``; an integer is written as
the float, the entries written later being floats), and every
other mention of it is ``R[a][b]`` of two indices (no slice), read, written or added into.  The array
holds floats where the lists held the numbers written: what the function computes is the same.
"""

import ast

from .source import name_ids, walk

_INFINITIES = ("inf", "-inf", "infinity", "-infinity", "nan")


def rewrite(func, np_name):
    if np_name is None:
        return False
    changed = False
    for stmt in list(walk(func)):
        made = _made(stmt)
        if made is None:
            continue
        name, value, rows, cols = made
        value = _number(value) or _named_number(func, value)
        if value is None or not _entries_only(func, stmt, name):
            continue
        stmt.value = ast.copy_location(ast.Call(
            ast.Attribute(ast.Name(np_name, ast.Load()), "full", ast.Load()),
            [ast.Tuple([rows, cols], ast.Load()), value], []), stmt.value)
        for node in walk(func):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript) and \
                    isinstance(node.value.value, ast.Name) and node.value.value.id == name:
                row = node.value
                node.slice = ast.copy_location(ast.Tuple([row.slice, node.slice], ast.Load()), node.slice)
                node.value = row.value
        ast.fix_missing_locations(stmt)
        changed = True
    return changed


def _made(stmt):
    """``(name, v, H, W)`` of ``name = [[v] * W for _ in range(H)]`` (or its other spellings), else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    outer = stmt.value
    rows = _ranged(outer)
    if rows is None:
        return None
    inner = outer.elt
    if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Mult):
        items, cols = (inner.left, inner.right) if isinstance(inner.left, ast.List) else (inner.right, inner.left)
        if not (isinstance(items, ast.List) and len(items.elts) == 1) or isinstance(cols, (ast.List, ast.ListComp)):
            return None
        value = items.elts[0]
    else:
        cols = _ranged(inner)
        if cols is None:
            return None
        value = inner.elt
        if name_ids(inner.generators[0].target) & name_ids(value):
            return None
    if name_ids(outer.generators[0].target) & (name_ids(value) | name_ids(cols)):
        return None
    return stmt.targets[0].id, value, rows, cols


def _ranged(node):
    """``H`` of ``[... for _ in range(H)]``, else None."""
    if not (isinstance(node, ast.ListComp) and len(node.generators) == 1):
        return None
    gen = node.generators[0]
    call = gen.iter
    if gen.ifs or gen.is_async or not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
                                       call.func.id == "range" and len(call.args) == 1 and not call.keywords):
        return None
    return call.args[0]


def _number(node):
    """The number the entries start as, written as the code writes it (an integer as its float), or None
    where ``node`` is not a number written in the code."""
    negated = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    inner = node.operand if negated else node
    if isinstance(inner, ast.Constant) and type(inner.value) in (int, float):
        if type(inner.value) is int:
            number = ast.copy_location(ast.Constant(float(inner.value)), inner)
            return ast.copy_location(ast.UnaryOp(ast.USub(), number), node) if negated else number
        return node
    if isinstance(inner, ast.Attribute) and inner.attr in ("inf", "nan") and isinstance(inner.value, ast.Name):
        return node  # (math.inf, np.inf: the module's, resolved as any other read of it)
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "float" and \
            len(inner.args) == 1 and not inner.keywords and isinstance(inner.args[0], ast.Constant) and \
            isinstance(inner.args[0].value, str) and inner.args[0].value.strip().lower() in _INFINITIES:
        return node
    return None


def _named_number(func, node):
    """``node`` where it is a name ``func`` sets once, to a number written in the code (``INF = 1e10``, then
    ``[[INF] * W for _ in range(H)]``), else None."""
    if not isinstance(node, ast.Name):
        return None
    sets = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == node.id and not isinstance(n.ctx, ast.Load)]
    if len(sets) != 1 or any(isinstance(n, ast.arg) and n.arg == node.id for n in walk(func)):
        return None
    made = next((n for n in walk(func) if isinstance(n, ast.Assign) and n.targets == [sets[0]]), None)
    if made is None or _number(made.value) is None:
        return None
    written = made.value.operand if isinstance(made.value, ast.UnaryOp) else made.value
    return None if isinstance(written, ast.Constant) and type(written.value) is int else node  # (INF = 10**9: an
    # array of integers would cut the floats written into it)


def _entries_only(func, made, name):
    """Whether ``func`` sets ``name`` by ``made`` alone and mentions it otherwise only as ``name[a][b]``."""
    entries = set()
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript) and \
                isinstance(node.value.value, ast.Name) and node.value.value.id == name:
            if any(isinstance(index, (ast.Slice, ast.Tuple, ast.Starred)) for index in (node.slice, node.value.slice)):
                return False
            if isinstance(node.ctx, ast.Del):
                return False
            entries.add(id(node.value.value))
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return False
        elif isinstance(node, ast.arg) and node.arg == name:
            return False
    target = made.targets[0]
    return all(id(node) in entries or node is target for node in walk(func)
               if isinstance(node, ast.Name) and node.id == name)
