"""Parameters holding a stack of layers' arrays, read one layer at a time.

Flows and deep networks often keep each layer's weights stacked along a first axis (``Ws`` of shape
(K, D, D), ``bs`` of (K, D)) and read them in a loop as ``Ws[i]``, ``bs[i]``, sized by ``len(Ws)``.
Without shapes, the shape-generic backward is written on sample arrays; beside every parameter of
one rank, or of mixed ranks up to 3 (for a few parameters), a forward with more parameters is also
tried with those stacks one axis deeper than the others: a layer's matrix is then a matrix.
"""

import ast

from .source import walk


def stacked_params(func, names):
    """Those of ``names`` that ``func`` never rebinds and reads only as ``len(name)`` and ``name[i]``, an
    index neither a slice nor a tuple (a layer of the stack), at least once so."""
    parents = {}
    for node in walk(func):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    found = {}
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node and \
                not isinstance(parent.slice, (ast.Slice, ast.Tuple)) and isinstance(parent.ctx, ast.Load):
            found[node.id] = found.get(node.id, True)
        elif isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len" and \
                parent.args == [node]:
            found.setdefault(node.id, False)
        else:
            found[node.id] = None  # (read whole: not only a stack's layers)
    return [name for name in names if found.get(name) is True and name not in stored]
