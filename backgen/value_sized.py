"""Sizes a forward takes from the values of integer arrays, on the samples of shapes given.

Contract: ``checked(found, forward, specs, walk) -> result`` (``forward``: ``parse.Forward``), raising
``UnsizedByShapes``; ``value_sizes(func, labels) -> node or None``; ``extents(value) -> key``.

Shapes given (``shapes=``, annotations, ``--shape``) are walked on samples whose integer arrays hold
zeros.  A forward that takes a size from their values (``np.bincount(seg)`` with no ``minlength``,
``np.unique(y)``, ``y.max() + 1``, ``int(np.max(y)) + 1``, ``seg[-1] + 1`` of sorted ids) sees that
size as one there, and a value of that size then broadcasts against others (``sums / counts[:, None] -
target``): code written for the samples would sum a gradient over an axis the real inputs broadcast
only where their labels hold one group.  ``checked`` walks such a forward again with its integer arrays
holding 0, 1, 2... in turn below each size the declared shapes hold, their named dimensions given sizes
least first, then largest first (labels of ``N`` elements take at most ``N`` distinct values:
``np.unique``'s count), by ``walk(bound, larger_first)`` (a result as ``found`` is one).  The first walk
that runs decides: where its elementwise operations broadcast along the axes the walk on zeros has
them broadcast (``_broadcasts``; but for values whose length ``selections.data_sized`` finds the data
decides, whose gradients the code sums to their lengths as it runs), nothing depends on those sizes and ``found`` is the answer; where
they broadcast along others (or no walk runs, and the walk on zeros has an axis of one the declared
shapes do not), the code depends on whether a size from the values is one, which no shape says, and
``checked`` refuses.  The code for every shape (``found.shape_free``) sums
what broadcasts as it runs, and is left as it is.

The decorator writes code for the values it is called with, and keys it by what of its integer arrays'
values (``extents``) decides whether such a size is 0 or 1, where the forward takes one (``value_sizes``):
the code for labels of three groups is not that for labels all 0.
"""

import ast

import numpy as np

from . import ir
from .errors import BackgenError
from .guarded import ELEMENTWISE
from .source import number

MAX_TRIES = 4  # sizes tried as the number of distinct labels


class UnsizedByShapes(BackgenError):
    """The refusal ``checked`` gives: final (no other samples are tried after it)."""


def checked(found, forward, specs, walk):
    """``found`` (the walk on zeros), or the walk with labels spread that ``found`` must give way to."""
    if getattr(found, "shape_free", None):
        return found  # (the code for every shape sums what broadcasts as it runs: _unbroadcast)
    labels = {name for name, s in specs.items() if s.kind == "int" and s.dims}
    sized = value_sizes(forward.func, labels)
    if sized is None or not any(s.kind == "int" and s.dims for s in specs.values()):
        return found
    ones = _ones(found)
    if not ones - _declared_ones(specs):
        return found  # (no axis of one beyond those declared: nothing broadcast by a size from values)
    handled = _sized_as_it_runs(found)
    tries = [(bound, False) for bound in _bounds(specs, False)] + [(bound, True) for bound in _bounds(specs, True)]
    for bound, larger_first in tries:
        try:
            other = walk(bound, larger_first)
        except BackgenError:
            continue
        if _broadcasts(other, handled) == _broadcasts(found, handled):
            return found
        break  # (labels of several groups broadcast otherwise: the code for one group is not theirs)
    error = forward.error(
        "a size here is taken from the values of an integer array, and whether it is one (a value of that "
        "size then broadcasts) changes the code, which shapes alone do not say: call generate without shapes "
        "(its code sums what broadcasts as it runs) or use the decorator (its code is for the values it is "
        "given)", sized)
    raise UnsizedByShapes(error.msg, error.filename, error.lineno, error.offset, error.text)


def value_sizes(func, labels):
    """The first node of ``func`` taking a size from an integer array's values, or None; ``labels``: the
    integer arrays among its parameters, an element of which at a place written (``seg[-1] + 1``,
    ``indptr[0]``) is a size too."""
    for node in ast.walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in labels and \
                isinstance(node.ctx, ast.Load) and type(number(node.slice)) is int:
            return node
        if isinstance(node, ast.Call):
            name = _called(node)
            if name == "bincount" and len(node.args) < 3 and not any(k.arg == "minlength" for k in node.keywords):
                return node
            if name == "unique":
                return node
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and any(
                isinstance(call, ast.Call) and _called(call) in ("max", "amax") for call in ast.walk(node.left)):
            return node  # (seg.max() + 1, int(np.max(seg)) + 1: a count of groups)
    return None


def extents(value):
    """What of an integer array's values decides whether a size taken from them is 0 or 1 (it is
    empty; its largest, first or last element is 0; its elements are all one), for the decorator's key:
    its code for labels of several groups is not that for one group, whose sums broadcast; None for
    any other value."""
    if not (isinstance(value, np.ndarray) and value.dtype.kind in "iu"):
        return None
    if not value.size:
        return (0,)
    flat = value.reshape(-1)
    return (1, bool(flat.max() == 0), bool(flat[0] == 0), bool(flat[-1] == 0), bool((flat == flat[0]).all()))


def _called(call):
    """The name of the function or method ``call`` calls (``bincount`` of ``np.bincount(y)``), or None."""
    return call.func.attr if isinstance(call.func, ast.Attribute) else \
        call.func.id if isinstance(call.func, ast.Name) else None


def _ones(result):
    """The (value, axis) places of every axis of one among ``result``'s shapes."""
    shapes = getattr(result, "shapes", None) or {}
    return frozenset((name, axis) for name, shape in shapes.items() if isinstance(shape, tuple)
                     for axis, size in enumerate(shape) if isinstance(size, int) and size == 1)


def _sized_as_it_runs(result):
    """The values of ``result`` whose length the data decides as ``selections.data_sized`` finds them
    (``scores[0, :C]``, ``C = y.max() + 1``), whose gradients the code sums to their lengths as it runs."""
    from .selections import data_sized  # noqa: PLC0415 -- (selections imports the shape walk)

    try:
        return frozenset(data_sized(result)[0])
    except Exception:  # noqa: BLE001 -- (none known so)
        return frozenset()


def _broadcasts(result, handled=frozenset()):
    """``(value, operand, axes)`` for each elementwise operation of ``result`` whose operand broadcasts
    along axes of one (those its value has of another size); none for an operand in ``handled``."""
    shapes = getattr(result, "shapes", None) or {}
    found = set()
    for op in ir.ops_in(result.body):
        whole = shapes.get(op.target)
        if op.rule not in ELEMENTWISE and op.rule != "np.where" or not isinstance(whole, tuple):
            continue
        for k, arg in enumerate(op.args):
            shape = shapes.get(arg.name) if isinstance(arg, ir.Var) and arg.name not in handled else None
            if isinstance(shape, tuple) and len(shape) <= len(whole):
                lead = len(whole) - len(shape)
                axes = tuple(a for a, d in enumerate(shape) if d == 1 and whole[lead + a] != 1)
                if axes:
                    found.add((op.target, k, axes))
    return frozenset(found)


def _declared_ones(specs):
    return frozenset((name, axis) for name, s in specs.items() if isinstance(s.dims, tuple)
                     for axis, d in enumerate(s.dims) if d == 1)


def _bounds(specs, larger_first):
    """The sizes the declared shapes hold (numbers written, and those named dimensions get, the first
    declared largest with ``larger_first``), least first."""
    from .shapes import dim_sizes  # noqa: PLC0415 -- (shapes imports much of the package)

    sizes = {d for s in specs.values() if isinstance(s.dims, tuple) for d in s.dims if isinstance(d, int)}
    sizes |= {v for v in dim_sizes(specs, larger_first).values() if isinstance(v, int)}
    return sorted(v for v in sizes if v >= 2)[:MAX_TRIES]
