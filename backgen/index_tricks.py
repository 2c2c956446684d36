"""NumPy's ``np.r_[...]`` and ``np.c_[...]`` of values, written as the joins they are, and its grids
``np.mgrid[...]`` and ``np.ogrid[...]``, written as the ``np.meshgrid`` they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each ``np.r_[a, b, ...]`` or
``np.c_[a, b, ...]`` of a name the environment binds to NumPy whose items are values or slices of
constant numbers (no string directive such as ``'0,2'`` or ``'r'``, no slice of a complex step, which
is a count) with the join NumPy computes, each slice ``start:stop:step`` taken as
``np.arange(start, stop, step)``:

* ``np.r_``: ``np.concatenate([np.atleast_1d(a), np.atleast_1d(b), ...])``, each item an array of at
  least one axis, joined along the first;
* ``np.c_``: ``np.concatenate([np.atleast_2d(np.transpose(a)).T, ...], axis=-1)``, each item of fewer than two
  axes made a column (a number a 1 x 1 array, a vector of n an n x 1 column) and any other left as it
  is (transposed twice around a no-op), joined along the last axis.

``np.mgrid[s, t, ...]`` and ``np.ogrid[s, t, ...]`` of such slices are the grids of their ranges:
``np.stack([np.meshgrid(np.arange(...), ..., indexing='ij')[0], ...])`` (each part written out) and the
same ``meshgrid`` with ``sparse=True``; of one slice, its range.

The gradients are those of the rules of these calls.  One item is the same join of one.  Other uses
are left as they are (and refused as values backgen does not read).
"""

import ast

from .source import numpy_attribute, tree_copy, walk

SPELLED = frozenset({"r_", "c_", "mgrid", "ogrid"})  # (parse runs this rewriter only where the function spells one)


def _arange(np_, item):
    """``np.arange(start, stop, step)`` of a slice of numbers, or None (a complex step, a bound missing)."""
    parts = (item.lower, item.upper, item.step)
    if item.upper is None or any(p is not None and _complex(p) for p in parts):
        return None
    args = [item.lower or ast.Constant(0), item.upper] + ([item.step] if item.step is not None else [])
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "arange", ast.Load()), args, [])


def _grid(np_, which, items):
    """``np.mgrid[...]`` or ``np.ogrid[...]`` of slices of numbers as ``np.meshgrid`` of their ranges (see the
    contract), or None (an item no such slice)."""
    ranges = [_arange(np_, item) if isinstance(item, ast.Slice) else None for item in items]
    if not ranges or None in ranges:
        return None
    if len(ranges) == 1:
        return ranges[0]
    keywords = [ast.keyword("indexing", ast.Constant("ij"))] + \
        ([ast.keyword("sparse", ast.Constant(True))] if which == "ogrid" else [])
    grid = ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "meshgrid", ast.Load()), ranges, keywords)
    if which == "ogrid":
        return grid
    parts = [ast.Subscript(tree_copy(grid), ast.Constant(k), ast.Load()) for k in range(len(ranges))]
    return _call(np_, "stack", ast.List(parts, ast.Load()))  # (a list written out, as np.stack reads one)


def _call(np_, name, item):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), name, ast.Load()), [item], [])


def _column(np_, item):
    """``np.atleast_2d(np.transpose(item)).T``: what ``np.c_`` makes of an item (see the contract)."""
    return ast.Attribute(_call(np_, "atleast_2d", _call(np_, "transpose", item)), "T", ast.Load())


def _complex(node):
    try:
        return isinstance(ast.literal_eval(node), complex)
    except ValueError:
        return False


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not numpy_names:
        return

    class Joins(ast.NodeTransformer):
        def visit_Subscript(self, node):
            self.generic_visit(node)
            found = numpy_attribute(node.value, numpy_names) if isinstance(node.ctx, ast.Load) else None
            if found is None or found[1] not in SPELLED:
                return node
            np_ = found[0]
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if found[1] in ("mgrid", "ogrid"):
                new = _grid(np_, found[1], items)
                if new is None:
                    return node
                for sub in walk(new):
                    if not hasattr(sub, "lineno"):
                        ast.copy_location(sub, node)
                return new
            parts = []
            for item in items:
                if isinstance(item, ast.Constant) and isinstance(item.value, str) or isinstance(item, ast.Starred):
                    return node  # (a directive: another axis, a matrix; left as it is)
                if isinstance(item, ast.Slice):
                    item = _arange(np_, item)
                    if item is None:
                        return node
                parts.append(_column(np_, item) if found[1] == "c_" else _call(np_, "atleast_1d", item))
            axis = [ast.keyword("axis", ast.Constant(-1))] if found[1] == "c_" else []
            new = ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "concatenate", ast.Load()),
                           [ast.List(parts, ast.Load())], axis)
            for sub in walk(new):
                if not hasattr(sub, "lineno"):
                    ast.copy_location(sub, node)
            return new
    Joins().visit(forward.func)
