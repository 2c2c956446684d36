"""Parameters written into one element of an array: numbers, where the shapes are not given.

Contract: ``element_feeders(func, names)`` is the set of those of ``names`` whose values ``func``
writes (themselves, or values computed from them by assignments to plain names) into one element of
a matrix: ``A[i, j] = e`` or ``A[i, i] += e`` with two indices or more, every one a number (a constant,
a name, their arithmetic; no slice, list, comparison or ``...``; ``A[i]`` is a row where ``A`` is a
matrix), ``e`` reading them other than through an index of its own (``X[i, i] * s`` reads ``s``, not
``X``).  A ridge term written on the diagonal,

    def f(X, y, lam):
        A = X.T @ X
        for i in range(A.shape[0]):
            A[i, i] += lam

takes ``lam`` for a number: an array there raises "setting an array element with a sequence".
The code for every shape (``shape_free``) takes such parameters for numbers where no sample of
arrays ran, the others arrays of every rank, before it takes every parameter for a number.
"""

import ast

from .source import walk


def _number_index(index):
    if not (isinstance(index, ast.Tuple) and len(index.elts) >= 2):  # (A[i] of a matrix is a row)
        return False
    parts = index.elts
    return all(isinstance(p, (ast.Constant, ast.Name, ast.BinOp, ast.UnaryOp)) and not any(
        isinstance(sub, (ast.Slice, ast.List, ast.Tuple, ast.Compare, ast.Call, ast.Subscript, ast.Attribute))
        or isinstance(sub, ast.Constant) and not isinstance(sub.value, int) for sub in ast.walk(p)) for p in parts)


def _read_unindexed(node):
    """The names ``node`` reads other than as the array of a subscript (``X`` of ``X[i, i]``)."""
    indexed = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Subscript)}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and id(n) not in indexed}


def element_feeders(func, names):
    found = set()
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AugAssign):
            target = node.target
        else:
            continue
        if isinstance(target, ast.Subscript) and _number_index(target.slice):
            found |= _read_unindexed(node.value)
    changed = True
    while changed:  # through the names their values are computed from (v = s * 2.0; A[0, 0] = v)
        changed = False
        for node in walk(func):
            if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets) and \
                    {t.id for t in node.targets} & found:
                new = _read_unindexed(node.value) - found
                if new:
                    found |= new
                    changed = True
    return set(names) & found
