"""Shapes built by tuple arithmetic, given to NumPy where a list gives the same shape.

Contract: ``rewrite(func) -> bool`` rewrites ``func`` (an ast.FunctionDef) in place and says whether it
changed it.  An argument that NumPy reads as a shape or a list of axes (``x.reshape(...)``,
``np.reshape(x, ...)``, ``np.zeros(...)``, ``np.ones``, ``np.empty``, ``np.full``, ``np.broadcast_to(x,
...)``, ``x.transpose(...)``, ``np.transpose(x, ...)``) written as tuples joined
or repeated (``(b,) + (1,) * (len(x_shape) - 1)``) is written with lists (``[b] + [1] * (len(x_shape) -
1)``), and the shape given spread into ``reshape``'s or ``transpose``'s arguments (``out.reshape(b,
*((1,) * k))``) as one list (``out.reshape([b] + [1] * k)``): NumPy reads a list as it reads the tuple
there, and the stager follows lists of integers (a tuple is no value it follows).  Tuples anywhere
else, an index above all (``x[(...,) + (None,) * k]``, where a list would index by its items), are
left as they are.  So is a shape joined under a name of its own and read only as such a shape
(``shape = (1, C) + (1,) * (x.ndim - 2)``, then ``weight.reshape(shape)``).
"""

import ast
from .source import walk

_SHAPE_FIRST = {"zeros", "ones", "empty", "full"}  # np.zeros(shape, ...)
_SHAPE_SECOND = {"reshape", "broadcast_to", "transpose"}  # np.reshape(x, shape)
_SPREAD_METHODS = {"reshape", "transpose"}  # x.reshape(n, m) or x.reshape((n, m))


def rewrite(func):
    changed = _named_shapes(func)
    for node in walk(func):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        places = _places(node)
        for k in places:
            if k < len(node.args) and _joined(node.args[k]):
                node.args[k] = _as_lists(node.args[k])
                changed = True
        for kw in node.keywords:
            if kw.arg in ("shape", "newshape", "axes") and _joined(kw.value):
                kw.value = _as_lists(kw.value)
                changed = True
        attr, owner = node.func.attr, node.func.value
        numpy = isinstance(owner, ast.Name) and owner.id in ("np", "numpy")
        if not numpy and attr in _SPREAD_METHODS and any(isinstance(a, ast.Starred) for a in node.args) and \
                all(not isinstance(a, ast.Starred) or _joined(a.value) or isinstance(a.value, ast.Tuple)
                    for a in node.args):
            parts = [_as_lists(a.value) if isinstance(a, ast.Starred) else ast.List([a], ast.Load())
                     for a in node.args]
            joined = parts[0]
            for part in parts[1:]:
                joined = ast.BinOp(joined, ast.Add(), part)
            node.args = [ast.fix_missing_locations(ast.copy_location(joined, node.args[0]))]
            changed = True
    return changed


def _places(call):
    """The positions of ``call``'s arguments NumPy reads as a shape or a list of axes."""
    if not isinstance(call.func, ast.Attribute):
        return []
    attr, owner = call.func.attr, call.func.value
    numpy = isinstance(owner, ast.Name) and owner.id in ("np", "numpy")
    return [0] if numpy and attr in _SHAPE_FIRST else [1] if numpy and attr in _SHAPE_SECOND else \
        [] if numpy else list(range(len(call.args))) if attr in _SPREAD_METHODS else []


def _named_shapes(func):
    """A shape joined under a name of its own (``shape = (1, C) + (1,) * (x.ndim - 2)``, then
    ``weight.reshape(shape)``), bound once and read only as such a shape: its tuples written as lists."""
    bound, stores = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and _joined(node.value):
            bound[node.targets[0].id] = node
    if not bound:
        return False
    as_shape = set()  # (the ids of the Name nodes read where a shape is)
    for node in walk(func):
        if isinstance(node, ast.Call):
            as_shape |= {id(node.args[k]) for k in _places(node) if k < len(node.args)}
            as_shape |= {id(kw.value) for kw in node.keywords if kw.arg in ("shape", "newshape", "axes")}
    changed = False
    for name, assign in bound.items():
        reads = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
        if stores.get(name) == 1 and reads and all(id(n) in as_shape for n in reads) and \
                name not in {a.arg for a in func.args.args + func.args.kwonlyargs}:
            assign.value = _as_lists(assign.value)
            changed = True
    return changed


def _joined(node):
    """Tuple displays joined (``+``) or repeated (``*`` by a count): ``(b,) + (1,) * k``, nothing else
    (``(n,) + x.shape`` would join a list to a tuple)."""
    return isinstance(node, ast.BinOp) and _tuples(node)


def _tuples(node):
    if isinstance(node, (ast.Tuple, ast.List)):  # (a list already where spread: *([1] * k))
        return not any(isinstance(e, ast.Starred) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _tuples(node.left) and _tuples(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _tuples(node.left) and _count(node.right) or _tuples(node.right) and _count(node.left)
    return False


def _count(node):
    """A count (``k``, ``len(s) - 1``): no tuple, list or join of them."""
    return not any(isinstance(n, (ast.Tuple, ast.List)) for n in walk(node))


def _as_lists(node):
    """``node`` with the tuple displays of its joins and repetitions written as lists."""
    if isinstance(node, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return ast.copy_location(ast.List(node.elts, ast.Load()), node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        node.left, node.right = _as_lists(node.left), _as_lists(node.right)
    return node
