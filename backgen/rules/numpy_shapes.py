"""NumPy shape operations: transposes, reshapes, joins, repeats and indexing.

Their gradients move the upstream gradient back: transposed back, reshaped
to the operand's shape, sliced out of a join, summed over repeats, or
scattered into the indexed places (``Scatter``).
"""

import ast

import numpy as np

from ..context import _index_at, summed_terms
from ..errors import BackgenError
from .base import Rule, Scatter
from ..source import walk


def _reshape_back(c):
    if c.shape_free:  # np.reshape: the gradient (or the input) may be a number
        return f"{c.np}.reshape({c.g}, {c.np}.shape({c.inputs[0]}))"
    if c.shape("out") == ():  # a number's gradient may be a Python float: no .reshape
        return f"{c.np}.reshape({c.g}, {c.shape_of(c.inputs[0])})"
    return f"{c.g}.reshape({c.shape_of(c.inputs[0])})"


def _squeeze_back(c):
    """np.squeeze: without an axis, an array whose sizes the data decides (``x[x > 0.5]``) may lose its
    every axis where one element is left, and the caller give a Python float for that number's gradient."""
    if c.param("axis") in (None, "None") and not c.shape_free:
        return f"{c.np}.reshape({c.g}, {c.shape_of(c.inputs[0])})"
    return _reshape_back(c)


def _transpose_axes(c):
    """The axes of a transpose, a tuple (``v.transpose(0)`` of a vector gives one number)."""
    axes = c.param("axes")
    return (axes,) if isinstance(axes, int) else axes


def _transpose(c):
    if c.shape_free:
        axes = _transpose_axes(c)
        if axes is None:
            return f"{c.np}.transpose({c.g})"
        inverse = tuple(sorted(range(len(axes)), key=lambda i: axes[i] % len(axes)))
        return f"{c.np}.transpose({c.g}, {inverse})"
    if c.shape("out") == ():  # a number transposed is itself
        return c.g
    axes = _transpose_axes(c)
    if axes is None:
        return f"{c.g}.T"
    axes = [a % len(axes) for a in axes]
    inverse = tuple(sorted(range(len(axes)), key=lambda i: axes[i]))
    return f"{c.g}.transpose({', '.join(map(str, inverse))})"


def _windows(c):
    """sliding_window_view(x, window_shape, axis): each window's gradient added back where it reads x
    (``_unwindowed``, one offset within the windows at a time)."""
    if c.param("writeable", False) is not False:
        c.unsupported("sliding_window_view is differentiated read-only (writeable=False): writes through its "
                      "windows change x where the windows overlap")
    axis = c.param("axis")
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(set(axes)) != len(axes):  # (axes named twice otherwise, axis=(0, -2): refused as it runs)
        c.unsupported("sliding_window_view over one axis twice (axis=(0, 0)) is not differentiated: take the "
                      "windows of each size in a call of its own")
    return f"_unwindowed({c.g}, {c.x}, {c.param_source('window_shape')}, {c.param_source('axis')})"


def _bincount(c):
    """np.bincount(x, weights): each weight summed into the count of its integer, its gradient that
    count's gradient."""
    return f"{c.g}[{c.param_source('x')}]"


def _swapaxes(c):
    return f"{c.g}.swapaxes({c.param('axis1')}, {c.param('axis2')})"


def _concatenate(c):
    return c.concat_grad(c.param("axis", 0))


def _stack(c):
    return c.stack_grad(c.param("axis", 0))


def _stacked_part(c, how):
    """Shape-free: the operand's part of the gradient, found at run time."""
    return f"_stacked_part({c.g}, [{', '.join(c.inputs)}], {c.position}, {how!r})"


def _hstack(c):
    if c.shape_free:
        return _stacked_part(c, "hstack")
    return c.concat_grad(0 if c.ndim(c.current) <= 1 else 1)


def _vstack(c):
    if c.shape_free:
        return _stacked_part(c, "vstack")
    return c.vstack_grad()


def _broadcast_to(c):
    return c.unbroadcast(c.g, "array")


_FLOAT_DTYPES = frozenset({"None", "float", "np.float64", "np.float32", "np.float16", "float64", "float32", "f8", "f4",
                           "np.double", "double"})  # (as written, quotes aside)


def _full(c):
    """np.full(shape, fill_value): fill_value broadcast to shape, its gradient summed back; a dtype
    other than a float type would round the values (no gradient), and one not written out is not known."""
    dtype = c.param_source("dtype")
    if dtype.strip("'\"").replace("numpy.", "np.") not in _FLOAT_DTYPES:
        c.unsupported(f"np.full is differentiated in its fill value for a float dtype (dtype={dtype} may round "
                      "the values, which have no gradient then); leave dtype out, or give a float type")
    return c.unbroadcast(c.g, "fill_value")


def _tile(c):
    return c.tile_grad()


def _repeat(c):
    listed = _repeated_places(c)
    return c.repeat_grad() if listed is None else listed


def _repeated_places(c):
    """np.repeat with a count for each element written out (``np.repeat(a, [1, 2, 0], axis=1)``) is
    ``a[:, [0, 1, 1]]``: its gradient is added back at those places (np.add.at).  None for one count
    (or counts not written out)."""
    try:
        counts = ast.literal_eval(_listed_counts(c.param_source("repeats")))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(counts, (list, tuple)) or len(counts) < 2 or \
            not all(type(n) is int and n >= 0 for n in counts):
        return None
    places = [i for i, n in enumerate(counts) for _ in range(n)]
    axis = c.param("axis")
    if not (axis is None or isinstance(axis, int)):
        return None
    if c.shape_free:
        if axis is None:
            return None  # (a's rank, hence the places in a flattened, known as the code runs)
        return Scatter(("..., " if axis < 0 else ":, " * axis) + f"{places}" + ", :" * (-1 - axis if axis < 0 else 0),
                       repeats=True)
    ndim = c.ndim(c.current)
    if axis is None:
        if ndim == 1:
            return Scatter(f"{places}", repeats=True)
        unraveled = np.unravel_index(places, c.shape(c.current))
        return Scatter(", ".join(str([int(i) for i in part]) for part in unraveled), repeats=True)
    axis %= ndim
    if axis > 0 and ndim - axis < axis + 1:  # (the fewer slices: a[..., [0, 1, 1]] for the last axis)
        return Scatter(f"..., {places}" + ", :" * (ndim - 1 - axis), repeats=True)
    return Scatter(":, " * axis + f"{places}", repeats=True)


def _listed_counts(text):
    """The list ``text`` writes, where it is one written out or such a list made an array
    (``np.array([2, 0, 1])``, ``np.asarray(...)``): np.repeat's counts; else ``text`` itself."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return text
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("array", "asarray") \
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], (ast.List, ast.Tuple)):
        return ast.unparse(node.args[0])
    return text


def _getitem(c):
    if _string_key(c.param_source("index")) and getattr(c.op.args[0], "name", None) not in c._reverse.staged.lists:
        # (a dict parameter of arrays is flattened before staging; a dict the function fills is a list's like)
        c.unsupported("a dict's value read by key carries a gradient where the dict is a parameter of arrays read by "
                      "key (their shapes given, or by the decorator), not one held in a list, returned by a "
                      "function or made as the code runs: pass its values as parameters")
    if c.only_new_axes():  # x[:, None] is a reshape
        if c.shape_free or c.shape("out") == ():  # (x[...] of a number: its gradient may be a Python float)
            return f"{c.np}.reshape({c.g}, {c.shape_of(c.x)})"
        return f"{c.g}.reshape({c.shape_of(c.x)})"
    return Scatter(c.param_source("index"), c.advanced_index() and not c.distinct_rows())


def _string_key(index):
    """Whether the index text ``index`` is a string written out (``'m'``): a dict's key, no array's index."""
    try:
        return isinstance(ast.literal_eval(index), str)
    except (ValueError, SyntaxError):
        return False


def _roll(c):
    """Rolled back by the shift: ``np.roll(g, -shift)``; a shift computed (``k``, ``n // 2``) is
    rolled back by its negative where it is one number (no axes, or one constant axis)."""
    axis = c.param_source("axis")
    text = c.op.param("shift")
    try:
        shift = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        if axis != "None" and not isinstance(c.param("axis"), int):
            c.unsupported("np.roll over several axes needs a constant shift")
        shift = None
    if isinstance(shift, list):  # (np.roll(x, [1, 2], [0, 1]): the shifts as a tuple)
        shift = tuple(shift)
    if shift is None:
        back = f"-{text}" if text.isidentifier() else f"-({text})"
    elif isinstance(shift, int) or isinstance(shift, tuple) and all(isinstance(s, int) for s in shift):
        back = -shift if isinstance(shift, int) else tuple(-s for s in shift)
    else:
        c.unsupported("np.roll needs a shift of whole numbers")
    return f"{c.np}.roll({c.g}, {back})" if axis == "None" else f"{c.np}.roll({c.g}, {back}, axis={axis})"


def _shifted_back(inverse):
    """np.fft.fftshift's gradient: the inverse shift (``np.fft.ifftshift``) over the same axes."""
    def grad(c):
        axes = c.op.param("axes")
        given = "" if axes is None or c.param_source("axes") == "None" else f", axes={c.param_source('axes')}"
        return f"{c.np}.fft.{inverse}({c.g}{given})"
    return grad


def _same(function, *params):
    """A permutation that is its own inverse given the same static arguments (flip, transpose-like)."""
    def grad(c):
        given = [f"{p}={c.param_source(p)}" for p in params if c.op.param(p) is not None]
        return f"{c.np}.{function}({', '.join([c.g] + given)})"
    return grad


def _rot90(c):
    """Turned back: ``np.rot90(g, -k, axes)``; a number of turns computed (``k`` of ``for k in
    range(4)``, a parameter) is turned back by its negative."""
    text = c.op.param("k")
    try:
        k = 1 if text is None else ast.literal_eval(text)
    except (ValueError, SyntaxError):
        k = None
    back = -k if isinstance(k, int) else f"-{text}" if text.isidentifier() else f"-({text})"
    if k is not None and not isinstance(k, int):
        c.unsupported(f"np.rot90 turns a whole number of times, not k={text}")
    axes = c.param_source("axes", "(0, 1)")
    return f"{c.np}.rot90({c.g}, {back}, axes={axes})" if axes != "(0, 1)" else f"{c.np}.rot90({c.g}, {back})"


def _moveaxis(c):
    return f"{c.np}.moveaxis({c.g}, {c.param_source('destination')}, {c.param_source('source')})"


def _pad(c):
    """The padded array's middle; widths computed at run time (``pad`` from ``conv_param``) are
    sliced as ``g[:, :, pad:g.shape[2] - pad]`` (right for a width of zero too)."""
    mode = c.param("mode", "constant")
    if mode in ("edge", "wrap", "reflect", "symmetric"):  # padded with copies of x's cells: their gradients
        if mode in ("reflect", "symmetric") and c.param("reflect_type", "even") != "even":  # go back to those
            c.unsupported("np.pad is differentiated with reflect_type='even'")  # cells
        return f"_unpad_copies({c.g}, {c.param_source('pad_width')}, {mode!r})"
    if mode != "constant":
        c.unsupported(f"np.pad is differentiated in modes 'constant', 'edge', 'wrap', 'reflect' and 'symmetric' "
                      f"(not {mode!r})")
    if c.shape_free:  # the widths read at run time, for every rank
        return f"_unpad({c.g}, {c.param_source('pad_width')})"
    ndim = c.ndim("array")
    try:
        widths = np.broadcast_to(np.asarray(ast.literal_eval(c.param_source("pad_width")), dtype=int), (ndim, 2))
        items = [f"{b or ''}:{-a if a else ''}" for b, a in widths.tolist()]
    except (ValueError, SyntaxError):  # a width that is an expression is subtracted whole: shape - (K - 1)
        pairs = _width_sources(c, ndim)
        if pairs is None:  # widths read as the code runs ([(0, 0), pad], pad a pair): the helper's slices
            return f"_unpad({c.g}, {c.param_source('pad_width')})"
        items = [f"{'' if b == '0' else b}:{'' if a == '0' else f'{c.g}.shape[{k}] - {_operand(a)}'}"
                 for k, (b, a) in enumerate(pairs)]
    while items and items[-1] == ":":
        items.pop()
    return f"{c.g}[{', '.join(items)}]" if items else c.g


def _operand(source):
    """``source`` as the right operand of a subtraction: in parentheses unless a name, number,
    attribute, subscript or call (``K - 1`` is subtracted as ``(K - 1)``)."""
    node = ast.parse(source, mode="eval").body
    whole = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.Call)
    return source if isinstance(node, whole) else f"({source})"


def _width_sources(c, ndim):
    """``[(before, after)]`` per axis, as source text, of a pad_width computed at run time; None where
    its pairs are not written out (a pair held by a name, ``[(0, 0), pad]``)."""
    node = ast.parse(c.param_source("pad_width"), mode="eval").body
    def made(node):  # ((0, 0), (pad, pad)) staged on a line of its own; in a list, each pair too
        if isinstance(node, ast.Name):
            found = [op.source for op in c._reverse.made_by(node.id)]
            return ast.parse(found[0], mode="eval").body if len(found) == 1 else node
        return node
    node = made(node)
    seq = (ast.Tuple, ast.List)
    if isinstance(node, seq):  # ([(0, 0), (0, 0), seq, seq2]: the pairs (pad, pad) staged as names; a
        # name standing for a number, s of (s, s) for (K - 1, K - 1), stays the name the backward has)
        node = type(node)([made(e) if isinstance(made(e), seq) else e for e in node.elts], ast.Load())
    if not isinstance(node, seq):  # one width for every side
        pairs = [(node, node)] * ndim
    elif not any(isinstance(e, seq) for e in node.elts):  # (w,) or (before, after) for every axis
        pairs = [tuple(node.elts) * (2 // len(node.elts))] * ndim if len(node.elts) in (1, 2) else []
    else:
        pairs = [tuple(r.elts) * (2 // len(r.elts)) if isinstance(r, seq) and len(r.elts) in (1, 2) else ()
                 for r in node.elts]
        pairs = pairs * ndim if len(pairs) == 1 else pairs
    if len(pairs) != ndim or any(len(p) != 2 for p in pairs) or any(
            isinstance(n, (ast.Call, ast.Starred, ast.Tuple, ast.List)) for p in pairs for e in p for n in walk(e)):
        return None
    return [tuple(ast.unparse(e) for e in p) for p in pairs]


def _sort(c):
    """A gather: each element's gradient is at the place sorting moved it to."""
    np_, axis = c.np, c.param_source("axis", "-1")
    if axis == "None" and not c.shape_free and c.ndim("a") == 0:  # a number: one element
        return f"{c.g}[0]"
    order = c.setup("order", f"{np_}.argsort({c.a}, axis={axis})")
    if axis == "None":  # flattened
        if c.shape_free:
            return f"{np_}.reshape({c.g}[{np_}.argsort({order})], {np_}.shape({c.a}))"
        return f"{c.g}[{np_}.argsort({order})].reshape({c.a}.shape)"
    return f"{np_}.take_along_axis({c.g}, {np_}.argsort({order}, axis={axis}), axis={axis})"


def _partition(c):
    """A gather as np.sort's, by the order NumPy's partition left the elements in: the k-th places
    hold the order statistics, the others the rest in an order NumPy does not state, so the result's
    own order is read from it (out's ranks matched with a's).  Tied elements are matched in order,
    one of the subgradients."""
    np_, axis = c.np, c.param_source("axis", "-1")
    if c.param("kind", "introselect") != "introselect" or c.param("order") is not None:
        c.unsupported("np.partition is differentiated with its default kind and no order")
    if axis == "None":  # flattened
        ranks = c.setup("ranks", f"{np_}.argsort({np_}.argsort({c.a}, axis=None, kind='stable'), kind='stable')")
        flat = f"{c.g}[{np_}.argsort({c.out}, kind='stable')][{ranks}]"
        return f"{np_}.reshape({flat}, {np_}.shape({c.a}))" if c.shape_free else f"{flat}.reshape({c.a}.shape)"
    ranks = c.setup("ranks", f"{np_}.argsort({np_}.argsort({c.a}, axis={axis}, kind='stable'), axis={axis}, "
                             f"kind='stable')")
    ordered = f"{np_}.take_along_axis({c.g}, {np_}.argsort({c.out}, axis={axis}, kind='stable'), axis={axis})"
    return f"{np_}.take_along_axis({ordered}, {ranks}, axis={axis})"


def _inserted(c):
    """The mask of the places np.insert put values at, along its axis (of the flattened result where
    axis is None): the same insertion into a row of False of arr's length, of as many True as the
    result has more places.  Returns ``(mask, axis)``."""
    np_, axis, obj = c.np, c.param("axis"), c.param_source("obj")
    if axis is None:
        n, m = f"{np_}.size({c.arr})", f"{np_}.size({c.out})"
    else:
        n, m = f"{np_}.shape({c.arr})[{axis}]", f"{np_}.shape({c.out})[{axis}]"
    return c.setup("inserted", f"{np_}.insert({np_}.zeros({n}, dtype=bool), {obj}, {np_}.ones({m} - {n}, "
                               f"dtype=bool))"), axis


def _insert_arr(c):
    """The result's places np.insert did not put values at, in order: arr's own."""
    inserted, axis = _inserted(c)
    if axis is None:
        return f"{c.np}.reshape({c.g}[~{inserted}], {c.np}.shape({c.arr}))"
    return f"{c.np}.compress(~{inserted}, {c.g}, axis={axis})"


def _insert_values(c):
    """The places np.insert put values at (broadcast to them: summed back to values' shape)."""
    inserted, axis = _inserted(c)
    if axis is None:
        return f"_unbroadcast({c.g}[{inserted}], {c.values})"
    if c.shape_free or c.ndim("values") != 0:  # (NumPy moves the axes of values given along an axis)
        c.unsupported("np.insert along an axis is differentiated in values given as one number")
    return f"{c.np}.compress({inserted}, {c.g}, axis={axis}).sum()"


def _delete(c):
    """arr's places np.delete kept, in order: the same deletion from their indices (of the flattened
    arr where axis is None), g added back into them."""
    np_, axis, obj = c.np, c.param("axis"), c.param_source("obj")
    if c.shape_free:
        c.needs_shapes()
    if axis is None:
        kept = c.setup("kept", f"{np_}.delete({np_}.arange({c.arr}.size), {obj})")
        return Scatter(kept if c.ndim("arr") == 1 else f"{np_}.unravel_index({kept}, {c.arr}.shape)", repeats=False)
    axis = axis % c.ndim("arr")
    kept = c.setup("kept", f"{np_}.delete({np_}.arange({c.arr}.shape[{axis}]), {obj})")
    return Scatter(_index_at(axis, kept), repeats=False)


def _take(c):
    """a's places read, once per time each is read; in mode ``'wrap'`` (``'clip'``) the indices are
    first made the places they read, ``np.mod(indices, n)`` (``np.clip(indices, 0, n - 1)``), n the
    length of the axis read (a's size without one)."""
    mode = c.param("mode", "raise")
    if mode not in ("raise", "wrap", "clip"):
        c.unsupported(f"np.take is differentiated in modes 'raise', 'wrap' and 'clip' (not {mode!r})")
    indices, axis = c.param_source("indices"), c.param("axis")
    if mode != "raise":
        n = f"{c.np}.size({c.a})" if axis is None else f"{c.np}.shape({c.a})[{axis}]"
        indices = c.setup("places", f"{c.np}.mod({indices}, {n})" if mode == "wrap" else
                          f"{c.np}.clip({indices}, 0, {n} - 1)")
    if c.shape_free:  # (the places read, of a's rank as the code runs: a number's as one element's)
        return f"_take_grad({c.g}, {c.a}, {indices}, {axis})"
    if axis is None or c.ndim("a") == 0:  # (a number is taken from alike along axis 0 or -1: as one of 1)
        index = indices if c.ndim("a") == 1 else _unraveled(c, indices, c.a)
    else:
        index = _index_at(axis % c.ndim("a"), indices)
    return Scatter(index, repeats=True)


def _unraveled(c, indices, array):
    """The places in ``array`` of the flat ``indices``: np.unravel_index, the negative ones (counted
    from the end, as np.take reads them) wrapped first (np.mod); indices written out that are none
    negative are taken as they are."""
    try:
        written = np.asarray(ast.literal_eval(indices))
        wrapped = written.dtype.kind in "iu" and (written >= 0).all()
    except (ValueError, SyntaxError, TypeError):
        wrapped = False
    if not wrapped:
        indices = f"{c.np}.mod({indices}, {array}.size)"
    return f"{c.np}.unravel_index({indices}, {array}.shape)"


def _take_along_axis(c):
    np_, indices, axis = c.np, c.param_source("indices"), c.param("axis")
    if axis is None:
        return Scatter(_unraveled(c, indices, c.arr), repeats=True)
    grid = f"{np_}.indices({c.out}.shape, sparse=True)"
    if c.shape_free:  # arr's axes of 1 that indices broadcast (arr of (1, 4), indices of (3, 1)): their index is 0
        grid = c.setup("grid", f"tuple(i % n for i, n in zip({grid}, {np_}.shape({c.arr})))")
        at = f"{axis} % {c.arr}.ndim" if axis < 0 else axis  # (the rank known as the code runs)
        return Scatter(f"{grid}[:{at}] + ({indices},) + {grid}[{at} + 1:]", repeats=True)
    axis = axis % c.ndim("arr")  # (an axis from the start: the same at every rank)
    arr, out = c.shape("arr"), c.shape("out")
    if any(a == 1 and o != 1 for d, (a, o) in enumerate(zip(arr, out)) if d != axis):
        # an axis of 1 of arr that indices broadcast (arr of (1, 4), indices of (3, 1)): its index is 0
        if any(a != 1 for d, a in enumerate(arr) if d != axis):
            grid = c.setup("grid", grid)
        parts = [indices if d == axis else "0" if a == 1 else f"{grid}[{d}]" for d, a in enumerate(arr)]
        return Scatter(f"({', '.join(parts)})", repeats=True)
    return Scatter(f"{grid}[:{axis}] + ({indices},) + {grid}[{axis + 1}:]", repeats=True)


def _added_at(c):
    """b added into a at the indices, once per occurrence: each occurrence reads the gradient there
    (summed where b was broadcast)."""
    return f"_unbroadcast({c.g}[{c.param_source('indices')}], {c.b})"


def _put_along(k):
    """arr's gradient (``k`` 0) or values' (1) in ``_put_along(arr, indices, values, axis)`` (np.put_along_axis):
    the runtime helper _put_along_grad gives both."""
    def grad(c):
        indices, axis = c.param_source("indices"), c.param_source("axis")
        return f"_put_along_grad({c.g}, {c.arr}, {indices}, {c.values}, {axis})[{k}]"
    return grad


def _computed(c, name):
    """Whether the static argument ``name`` is a value the code computes (``n`` of ``np.diag(sim, n)``, ``n =
    z1.shape[0]``), not a constant backgen reads (``c.param``)."""
    if c.op.param(name) is None:
        return False
    try:
        c.param(name)
    except BackgenError:
        return True
    return False


def _extreme_at(k):
    """a's gradient (``k`` 0) or b's (1) in ``_maximum_at(a, indices, b)`` and ``_minimum_at``: the
    gradient of each element of the result goes to the values equal to it that reached it, split
    evenly among those tied (as ``np.max``'s), b's summed where b was broadcast."""
    def grad(c):
        both = f"_extreme_at_grad({c.g}, {c.a}, {c.param_source('indices')}, {c.b}, {c.out})"
        return f"{both}[0]" if k == 0 else f"_unbroadcast({both}[1], {c.b})"
    return grad


def _diag(c):
    if c.op.rule == "np.diag" and _computed(c, "k"):  # np.diag(sim, n), n = z1.shape[0]: the diagonal the
        return f"_diag_grad({c.g}, {c.current}, {c.param_source('k')})"  # code computes, read as it runs
    if c.op.rule == "np.diagonal" and _computed(c, "offset") and \
            (c.param("axis1", 0), c.param("axis2", 1)) == (0, 1):  # np.diagonal(sim, n), n = len(z1): the offset
        return f"_diagonal_grad({c.g}, {c.current}, {c.param_source('offset')})"  # read as the code runs
    k = c.param("k", 0) if "k" in c.rule.signature else c.param("offset", 0)
    if c.shape_free and c.op.rule == "np.diag":  # a vector made a matrix, or a matrix's diagonal read
        return f"_diag_grad({c.g}, {c.current}, {k})" if k else f"_diag_grad({c.g}, {c.current})"
    axis1, axis2 = c.param("axis1", 0), c.param("axis2", 1)
    if c.shape_free and c.op.rule == "np.diagonal" and (axis1, axis2) in ((-2, -1), (-1, -2)):
        return _last_two_diagonal(c, k, axis1 == -2)  # (the same for every rank)
    if c.shape_free and c.op.rule == "np.diagonal":  # (np.diagonal(L) of a Cholesky factor: its first two axes)
        if not isinstance(axis1, int) or not isinstance(axis2, int):
            c.unsupported("a diagonal is differentiated over axes given as constants")
        return _diagonal_along(c, k, axis1, axis2, None)
    if c.ndim(c.current) == 1:
        return f"{c.np}.diag({c.g}, k={k})" if k else f"{c.np}.diag({c.g})"
    ndim = c.ndim(c.current)
    if ndim == 2 and (axis1, axis2) in ((0, 1), (0, -1), (-2, 1), (-2, -1)):
        rows = f"{c.np}.arange({c.g}.size)" + (f" + {-k}" if k < 0 else "")
        cols = f"{c.np}.arange({c.g}.size)" + (f" + {k}" if k > 0 else "")
        return Scatter(f"{rows}, {cols}", repeats=False)
    if not isinstance(axis1, int) or not isinstance(axis2, int):
        c.unsupported("a diagonal is differentiated over axes given as constants")
    if {axis1 % ndim, axis2 % ndim} != {ndim - 2, ndim - 1}:
        return _diagonal_along(c, k, axis1 % ndim, axis2 % ndim, ndim)
    return _last_two_diagonal(c, k, axis1 % ndim == ndim - 2)


def _diagonal_along(c, k, axis1, axis2, ndim):
    """np.diagonal over two axes of another place (np.diagonal(a) of a 3-D a reads its first two): the
    gradient of the same diagonal of a with those axes moved last, g times the identity of offset k
    (g padded with zeros to that axis's length), the axes moved back.  ``ndim`` None: a of every rank
    (code without shapes), g's other axes read as it runs."""
    np_, a, g = c.np, c.current, c.g
    n1, n2 = f"{a}.shape[{axis1}]", f"{a}.shape[{axis2}]"
    along = n1 if k >= 0 else n2  # (the axis g's elements run along: rows, or columns below the diagonal)
    if ndim is None:
        widths = f"[(0, 0)] * ({np_}.ndim({g}) - 1) + [(0, {along} - {g}.shape[-1])]"
    else:
        widths = "[" + ", ".join(["(0, 0)"] * (ndim - 2) + [f"(0, {along} - {g}.shape[-1])"]) + "]"
    padded = c.setup("padded", f"{np_}.pad({g}, {widths})")
    spread = f"{padded}[..., :, None]" if k >= 0 else f"{padded}[..., None, :]"
    eye = f"{np_}.eye({n1}, {n2}, {k})" if k else f"{np_}.eye({n1}, {n2})"
    return f"{np_}.moveaxis({spread} * {eye}, (-2, -1), ({axis1}, {axis2}))"


def _last_two_diagonal(c, k, rows_first):
    """The diagonal over the last two axes (in either order: ``rows_first`` where axis1 is the
    second to last): its elements are the result's last axis, as a[..., rows, cols] gives them (two
    indices side by side keep their place)."""
    rows = f"{c.np}.arange({c.g}.shape[-1])" + (f" + {-k}" if k < 0 else "")
    cols = f"{c.np}.arange({c.g}.shape[-1])" + (f" + {k}" if k > 0 else "")
    first, second = (rows, cols) if rows_first else (cols, rows)
    return Scatter(f"..., {first}, {second}", repeats=False)


def _triangle(function):
    """np.triu(m), np.tril(m): the gradient's triangle; a vector m is a row broadcast over a square
    (np.tril(v) is (N, N)), whose gradient sums the triangle's rows back."""
    def grad(c):
        k = c.param("k", 0)
        text = f"{c.np}.{function}({c.g}, {k})" if k else f"{c.np}.{function}({c.g})"
        if c.shape_free:
            return f"_unbroadcast({text}, {c.m})"
        return f"{text}.sum(axis=0)" if c.ndim("m") == 1 else text
    return grad


def _dstack(c):
    """Along the third axis: a matrix (M, N) is the block (M, N, 1), a vector (N,) the block (1, N, 1),
    a number (1, 1, 1); arrays of three axes or more are blocks of their own width."""
    if c.shape_free:
        return _stacked_part(c, "dstack")
    widths = ["1" if c.ndim(a) < 3 else c.length(a, 2) for a in c.op.args]  # (read as the code runs)
    start = " + ".join(summed_terms(widths[:c.position])) or "0"
    ndim = c.ndim(c.current)
    if ndim < 3:
        return f"{c.g}[{', '.join(['0'] * (2 - ndim) + [':'] * ndim + [start])}]"
    last = c.position == len(c.inputs) - 1
    stop = "" if last else " + ".join(([start] if start != "0" else []) + [widths[c.position]])
    return f"{c.g}[:, :, {start if start != '0' else ''}:{stop}]"


def _column_stack(c):
    """1-D inputs are columns, 2-D ones blocks of columns, numbers columns of one row."""
    if c.shape_free:
        return _stacked_part(c, "column_stack")
    widths = ["1" if c.ndim(a) < 2 else c.length(a, 1) for a in c.op.args]  # (read as the code runs)
    start = " + ".join(summed_terms(widths[:c.position])) or "0"
    if c.ndim(c.current) == 0:
        return f"{c.g}[0, {start}]"
    if c.ndim(c.current) == 1:
        return f"{c.g}[:, {start}]"
    last = c.position == len(c.inputs) - 1
    stop = "" if last else " + ".join(([start] if start != "0" else []) + [widths[c.position]])
    return f"{c.g}[:, {start if start != '0' else ''}:{stop}]"


def _append(position):
    """np.append: a join of the two (flattened first when there is no axis)."""
    def grad(c):
        axis = c.param("axis")
        if c.shape_free:  # the first one's length read as the code runs, at every rank (a number's is 1)
            return _append_free(c, position, axis)
        first = c.length(c.op.args[0], axis)  # (read as the code runs)
        part = f":{first}" if position == 0 else f"{first}:"
        if axis is None:
            mine = c.arr if position == 0 else c.values
            text = f"{c.g}[{part}]"
            return text if c.ndim(c.operand(mine)) == 1 else f"{text}.reshape({c.shape_of(mine)})"
        return f"{c.g}[{_index_at(axis, part)}]"
    return grad


def _append_free(c, position, axis):
    """np.append for every shape: flattened, each part reshaped to its operand's shape (a number's
    is ``()``); along an axis, the part of the gradient along it (a negative one counted from the end)."""
    np_ = c.np
    first = f"{np_}.size({c.arr})" if axis is None else f"{np_}.shape({c.arr})[{axis}]"
    part = f":{first}" if position == 0 else f"{first}:"
    if axis is None:
        mine = c.arr if position == 0 else c.values
        return f"{np_}.reshape({c.g}[{part}], {np_}.shape({mine}))"
    return f"{c.g}[{_index_at(axis, part)}]"


def _split_axis(c):
    name = c.op.rule
    if name == "np.hsplit":
        return 1 if c.ndim("ary") > 1 else 0
    return {"np.vsplit": 0, "np.dsplit": 2}.get(name, c.param("axis", 0))


def _split(c):
    """The pieces' gradients joined back (each piece has one: zeros where unused), where the pieces
    follow one another: a number of sections (written, or a name holding a number), or indices in order once counted from the start
    (-1 is n - 1) and cut to the axis's length, as slices cut them.  Indices otherwise (out of order,
    or given as names of values the code computes, but one): each piece's gradient added at its place
    by the helper _split_grad (np.split(x, [3, 1]) has x[:3], x[3:1] and x[1:], which overlap)."""
    axis = _split_axis(c)
    text = c.op.param("indices_or_sections")
    try:
        indices = ast.literal_eval(text) if text is not None else None
    except (ValueError, SyntaxError):
        indices = None
    node = ast.parse(text, mode="eval").body if text is not None else None
    sections = isinstance(node, ast.Name) and not c.shape_free and c._reverse.staged.shapes.get(node.id) == ()
    # (a number, np.split(x, n_head, axis=-1): equal pieces that follow one another; in shape-generic code,
    # which the name may reach as a list of indices, _split_grad tells them apart as it runs)
    if isinstance(indices, int) and not isinstance(indices, bool) or sections or _in_order(c, indices, axis) or \
            isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) == 1:  # (one cut: x[:i] and x[i:])
        return f"{c.np}.concatenate({c.g}, axis={axis})"
    return f"_split_grad({c.g}, {c.ary}, {text}, {axis})"


def _in_order(c, indices, axis):
    """Whether the constant indices of a split cut its axis into pieces that follow one another."""
    if not isinstance(indices, (list, tuple)) or not all(type(i) is int for i in indices):
        return False
    if c.shape_free:  # (the length unknown: indices of one sign in order stay in order, counted and cut)
        return list(indices) == sorted(indices) and (all(i >= 0 for i in indices) or all(i < 0 for i in indices))
    n = c.shape("ary")[axis]
    cut = [min(max(i + n if i < 0 else i, 0), n) for i in indices]
    return cut == sorted(cut)


def _meshgrid(c):
    """Each input varies along one axis of its grid: the grid's gradient summed over the others (with
    ``sparse=True`` its part is that axis alone, the others of length 1: its gradient is the part's,
    raveled)."""
    if c.param("copy") is False:
        c.unsupported("np.meshgrid is differentiated with copy=True (with copy=False its grids are views of the inputs)")
    count = len(c.op.args)
    axis = c.position
    if c.param("indexing", "xy") == "xy" and count > 1 and axis < 2:
        axis = 1 - axis
    others = tuple(i for i in range(count) if i != axis)
    if c.ndim(c.current) > 1:
        c.unsupported("np.meshgrid is differentiated for 1-D inputs")
    if c.param("sparse"):
        text = f"{c.g}[{c.position}].reshape(-1)"
    else:
        text = f"{c.g}[{c.position}].sum(axis={others if len(others) > 1 else others[0]})" if others \
            else f"{c.g}[0]"
    return text if c.ndim(c.current) == 1 else f"{text}.reshape(())"


RULES = {
    "np.transpose": Rule(("a",), grads={"a": _transpose}, signature="a, axes=None", aliases=("np.permute_dims",),
                         methods=(("transpose", "a, *axes"),), hint="{first}T|trans",
                         examples=('np.transpose(a) | a=2x3', 'a.T | a=2x3', 'np.transpose(a, (1, 2, 0)) | a=2x3x2',
                                   'a.transpose(0, 2, 1) | a=2x3x2')),
    "np.lib.stride_tricks.sliding_window_view": Rule(
        ("x",), grads={"x": _windows}, signature="x, window_shape, axis=None, subok=False, writeable=False",
        hint="windows",
        examples=("np.lib.stride_tricks.sliding_window_view(a, 3) | a=5",
                  "np.lib.stride_tricks.sliding_window_view(a, (2, 2)) | a=3x4",
                  "np.lib.stride_tricks.sliding_window_view(a, (2, 3), axis=(2, 3)) | a=2x1x4x5",
                  "np.lib.stride_tricks.sliding_window_view(a, 2, axis=-1) @ b | a=2x5, b=2",
                  "np.lib.stride_tricks.sliding_window_view(a, 4, axis=0) | a=4x2")),
    "np.bincount": Rule(("weights",), grads={"weights": _bincount}, signature="x, weights=None, minlength=0",
                        fresh=True, hint="sums",
                        examples=("np.bincount(np.array([0, 1, 1, 3]), weights=w) | w=4",
                                  "np.bincount([2, 0, 2], w, minlength=5) | w=3",
                                  "np.bincount(np.array([1, 1]), w, 3) | w=2")),
    "np.swapaxes": Rule(("a",), grads={"a": _swapaxes}, signature="a, axis1, axis2", methods=("swapaxes",),
                        examples=('np.swapaxes(a, 0, 2) | a=2x3x2', 'a.swapaxes(0, 1) | a=2x3')),
    "np.reshape": Rule(("a",), grads={"a": _reshape_back}, signature="a, shape, order='C'",
                       methods=(("reshape", "a, *shape, order='C'"),),
                       examples=('np.reshape(a, (3, 2)) | a=2x3', 'a.reshape(-1) | a=2x3', 'a.reshape(2, 3) | a=6',
                                 'np.reshape(a, (1, 1)) | a=()')),
    "np.ravel": Rule(("a",), grads={"a": _reshape_back}, signature="a, order='C'", methods=("ravel", "flatten"),
                     examples=('np.ravel(a) | a=2x3', 'a.flatten() | a=2x3', 'a.ravel() | a=3x1')),
    "np.expand_dims": Rule(("a",), grads={"a": _reshape_back}, signature="a, axis",
                           examples=('np.expand_dims(a, 1) | a=2x3', 'np.expand_dims(a, 0) | a=4')),
    "np.squeeze": Rule(("a",), grads={"a": _squeeze_back}, signature="a, axis=None", methods=("squeeze",),
                       examples=('np.squeeze(a) | a=2x1x3', 'a.squeeze(axis=0) | a=1x3')),
    "np.atleast_2d": Rule(("a",), grads={"a": _reshape_back}, signature="a",
                          examples=('np.atleast_2d(a) | a=3', 'np.atleast_2d(a) | a=()', 'np.atleast_2d(a) | a=2x3')),
    "np.concatenate": Rule(("arrays",), grads={"arrays": _concatenate}, variadic=", ",
                           signature="arrays, axis=0, out=None, *, dtype=None",  # (out None, dtype a float type)
                           aliases=("np.concat",),
                           fresh=True,
                           examples=('np.concatenate([a, b], axis=1) | a=2x3, b=2x1',
                                     'np.concatenate((a, b, a)) | a=2, b=3',
                                     'np.concatenate([a, b], axis=0, dtype=float) | a=2, b=3')),
    "np.stack": Rule(("arrays",), grads={"arrays": _stack}, variadic=", ",
                     signature="arrays, axis=0, out=None, *, dtype=None", fresh=True,
                     examples=('np.stack([a, b]) | a=3, b=3', 'np.stack([a, b], axis=-1) | a=2x3, b=2x3',
                               'np.stack([a, b], dtype=np.float64) | a=3, b=3')),
    "np.hstack": Rule(("tup",), grads={"tup": _hstack}, variadic=", ", signature="tup", fresh=True,
                      examples=('np.hstack([a, b]) | a=2, b=3', 'np.hstack([a, b]) | a=2x2, b=2x1',
                                'np.hstack([a, b]) | a=(), b=2')),
    "np.vstack": Rule(("tup",), grads={"tup": _vstack}, variadic=", ", signature="tup", fresh=True,
                      aliases=("np.row_stack",),
                      examples=('np.vstack([a, b]) | a=3, b=2x3', 'np.vstack((a, b)) | a=(), b=()')),
    "np.dstack": Rule(("tup",), grads={"tup": _dstack}, variadic=", ", signature="tup", fresh=True,
                      examples=("np.dstack([a, b]) | a=2x3, b=2x3", "np.dstack((a, b, a)) | a=2x3x2, b=2x3",
                                "np.dstack([a, b]) | a=3, b=3", "np.dstack((a, b)) | a=(), b=1x1x2")),
    "np.column_stack": Rule(("tup",), grads={"tup": _column_stack}, variadic=", ", signature="tup", fresh=True,
                            examples=("np.column_stack([a, b]) | a=3, b=3",
                                      "np.column_stack((a, b, a)) | a=3x2, b=3")),
    "np.append": Rule(("arr", "values"), grads={"arr": _append(0), "values": _append(1)},
                      signature="arr, values, axis=None", fresh=True,
                      examples=("np.append(arr, values) | arr=3, values=2", "np.append(arr, values) | arr=2x2, values=()",
                                "np.append(arr, values, axis=1) | arr=2x2, values=2x3",
                                "np.append(arr, values, axis=0) | arr=1x3, values=2x3")),
    "np.broadcast_to": Rule(("array",), grads={"array": _broadcast_to}, signature="array, shape",
                            examples=('np.broadcast_to(a, (2, 3)) | a=3', 'np.broadcast_to(a, (2, 3)) | a=2x1')),
    "np.full": Rule(("fill_value",), grads={"fill_value": _full}, signature="shape, fill_value, dtype=None, order='C'",
                    fresh=True, hint="filled",
                    examples=("np.full(4, s) * np.arange(4.0) | s=()", "np.full((2, 3), s) * b | s=(), b=2x3",
                              "np.full((2, 3), s) ** 2 | s=3", "np.full((2, 3), s, dtype=float) * b | s=2x1, b=2x3",
                              "np.full(b.shape, s.sum()) * b | s=2, b=2x2")),
    "np.tile": Rule(("A",), grads={"A": _tile}, signature="A, reps",
                    examples=('np.tile(a, 2) | a=3', 'np.tile(a, (2, 1)) | a=2x3', 'np.tile(a, (2, 2)) | a=3',
                              'np.tile(a, (b.shape[0], 1)) * b[:, None] | a=3, b=2')),
    "np.repeat": Rule(("a",), grads={"a": _repeat}, signature="a, repeats, axis=None", methods=("repeat",),
                      examples=('np.repeat(a, 2) | a=3', 'a.repeat(3, axis=1) | a=2x2', 'np.repeat(a, 2) | a=2x2',
                                'np.repeat(a, 3) | a=()', 'np.repeat(a, len(b)) * np.repeat(b, len(a)) | a=3, b=2',
                                'np.repeat(a, [1, 2, 0]) | a=3', 'np.repeat(a, [2, 0, 1], axis=-1) | a=2x3',
                                'np.repeat(a, (0, 3)) | a=2x1', 'a.repeat([1, 2], axis=0) | a=2x3')),
    "np.atleast_1d": Rule(("a",), grads={"a": _reshape_back}, signature="a",
                          examples=("np.atleast_1d(a) | a=()", "np.atleast_1d(a) | a=3")),
    "np.atleast_3d": Rule(("a",), grads={"a": _reshape_back}, signature="a",
                          examples=("np.atleast_3d(a) | a=3", "np.atleast_3d(a) | a=2x3", "np.atleast_3d(a) | a=()")),
    "np.moveaxis": Rule(("a",), grads={"a": _moveaxis}, signature="a, source, destination",
                        examples=("np.moveaxis(a, 0, -1) | a=2x3x2", "np.moveaxis(a, (0, 1), (2, 0)) | a=2x3x4")),
    "np.roll": Rule(("a",), grads={"a": _roll}, signature="a, shift, axis=None", fresh=True,
                    examples=("np.roll(a, 2) | a=5", "np.roll(a, -1, axis=1) | a=2x3", "np.roll(a, 4) | a=2x3",
                              "np.roll(a, (1, 2), axis=(0, 1)) | a=3x3",
                              "np.roll(a, [1, -2], [0, 1]) | a=3x3")),
    "np.fft.fftshift": Rule(("x",), grads={"x": _shifted_back("ifftshift")}, signature="x, axes=None", fresh=True,
                            examples=("np.fft.fftshift(x) | x=5", "np.fft.fftshift(x) | x=4",
                                      "np.fft.fftshift(x, axes=1) | x=2x3", "np.fft.fftshift(x) | x=3x4")),
    "np.fft.ifftshift": Rule(("x",), grads={"x": _shifted_back("fftshift")}, signature="x, axes=None", fresh=True,
                             examples=("np.fft.ifftshift(x) | x=5", "np.fft.ifftshift(x, axes=(0,)) | x=3x2")),
    "np.flip": Rule(("m",), grads={"m": _same("flip", "axis")}, signature="m, axis=None",
                    examples=("np.flip(m) | m=4", "np.flip(m, axis=1) | m=2x3", "np.flip(m) | m=2x3")),
    "np.fliplr": Rule(("m",), grads={"m": _same("fliplr")}, signature="m", examples=("np.fliplr(m) | m=2x3",)),
    "np.flipud": Rule(("m",), grads={"m": _same("flipud")}, signature="m",
                      examples=("np.flipud(m) | m=2x3", "np.flipud(m) | m=4")),
    "np.rot90": Rule(("m",), grads={"m": _rot90}, signature="m, k=1, axes=(0, 1)",
                     examples=("np.rot90(m) | m=2x3", "np.rot90(m, 3) | m=2x3",
                               "np.rot90(m, 2, axes=(1, 2)) | m=2x2x3")),
    "np.pad": Rule(("array",), grads={"array": _pad},
                   signature="array, pad_width, mode='constant', constant_values=0, reflect_type='even', end_values=0, "
                             "stat_length=None", fresh=True,
                   examples=("np.pad(array, 1) | array=4", "np.pad(array, ((1, 2), (0, 1))) | array=2x3",
                             "np.pad(array, (2, 0), constant_values=1.5) | array=2x2",
                             "np.pad(array, ((1, 2), (0, 1)), mode='edge') | array=2x3",
                             "np.pad(array, 1, 'edge') | array=3",
                             "np.pad(array, ((2, 1), (1, 3)), mode='wrap') | array=2x3",
                             "np.pad(array, ((2, 1), (1, 4)), mode='reflect') | array=2x3",
                             "np.pad(array, (3, 2), 'symmetric') | array=2",
                             "np.pad(array, ((0, 0), (b.shape[0], 0))) * b.sum() | array=2x3, b=2")),
    "np.sort": Rule(("a",), grads={"a": _sort}, signature="a, axis=-1, kind=None, order=None", fresh=True,
                    examples=("np.sort(a) | a=5", "np.sort(a, axis=0) | a=3x2", "np.sort(a, axis=None) | a=2x3")),
    "np.partition": Rule(("a",), grads={"a": _partition}, signature="a, kth, axis=-1, kind='introselect', order=None",
                         fresh=True, examples=("np.partition(a, 2) | a=5", "np.partition(a, (0, 2)) | a=4",
                                               "np.partition(a, 1, axis=0) | a=3x2",
                                               "np.partition(a, 3, axis=None) | a=2x3")),
    "np.insert": Rule(("arr", "values"), grads={"arr": _insert_arr, "values": _insert_values},
                      signature="arr, obj, values, axis=None", fresh=True,
                      examples=("np.insert(arr, 0, values) | arr=4, values=()",
                                "np.insert(arr, [1, 3], values) | arr=4, values=2",
                                "np.insert(arr, -1, values) | arr=2x2, values=3",
                                "np.insert(arr, 1, values, axis=1) | arr=2x3, values=()",
                                "np.insert(arr, [0, 2, 2], values, axis=0) | arr=3x2, values=()")),
    "np._added_at": Rule(("a", "b"), grads={"a": "g", "b": _added_at}, signature="a, indices, b", fresh=True,
                         hint="added", examples=(
                             "y = a * 1.0\n    np.add.at(y, [0, 1, 0], b)\n    return y | a=3, b=3",
                             "y = a * 1.0\n    np.add.at(y, [2, 2], b)\n    return y | a=4x2, b=2",
                             "y = a * 1.0\n    np.add.at(y, ([0, 0], [1, 1]), b)\n    return y | a=2x3, b=()")),
    "np._put_along": Rule(("arr", "values"), grads={"arr": _put_along(0), "values": _put_along(1)},
                          signature="arr, indices, values, axis", fresh=True, hint="put", examples=(
                              "y = a * 1.0\n    np.put_along_axis(y, np.array([[1], [0]]), b, axis=1)\n    return y"
                              " | a=2x3, b=2x1",
                              "y = a * 1.0\n    np.put_along_axis(y, np.array([[0, 0], [2, 1]]), b, 1)\n    return y"
                              " | a=2x3, b=()",
                              "y = a * 1.0\n    np.put_along_axis(y, np.array([3, 1, 3]), b, axis=None)\n    return y"
                              " | a=2x2, b=3")),
    "np._maximum_at": Rule(("a", "b"), grads={"a": _extreme_at(0), "b": _extreme_at(1)}, signature="a, indices, b",
                           fresh=True, hint="peak", examples=(
                               "y = np.full(3, -10.0)\n    np.maximum.at(y, [0, 1, 0], b)\n    return y | b=3",
                               "y = a * 1.0\n    np.maximum.at(y, [2, 2], b)\n    return y | a=4x2, b=2",
                               "y = a * 1.0\n    np.maximum.at(y, ([0, 0], [1, 2]), b)\n    return y | a=2x3, b=2")),
    "np._minimum_at": Rule(("a", "b"), grads={"a": _extreme_at(0), "b": _extreme_at(1)}, signature="a, indices, b",
                           fresh=True, hint="low", examples=(
                               "y = np.full(3, 10.0)\n    np.minimum.at(y, [0, 1, 0], b)\n    return y | b=3",
                               "y = a * 1.0\n    np.minimum.at(y, [1, 1, 3], b)\n    return y | a=4, b=3")),
    "np.delete": Rule(("arr",), grads={"arr": _delete}, signature="arr, obj, axis=None", fresh=True,
                      examples=("np.delete(arr, 1) | arr=4", "np.delete(arr, [0, 2]) | arr=2x3",
                                "np.delete(arr, -1, axis=1) | arr=2x3", "np.delete(arr, [0, 0, 2], axis=0) | arr=3x2",
                                "np.delete(arr, np.array([True, False, True]), axis=0) | arr=3x2")),
    "np.take": Rule(("a",), grads={"a": _take}, signature="a, indices, axis=None, out=None, mode=None",
                    methods=("take",),
                    examples=("np.take(a, [0, 2, 2]) | a=4", "np.take(a, np.array([[1, 0], [1, 1]])) | a=2x3",
                              "np.take(a, [2, 0, 2], axis=1) | a=2x3", "a.take([1, 1], axis=0) | a=2x3",
                              "np.take(a, [0, 0, -1], axis=0) | a=()")),
    "np.take_along_axis": Rule(("arr",), grads={"arr": _take_along_axis}, signature="arr, indices, axis", fresh=True,
                               examples=("np.take_along_axis(arr, np.array([[0, 0], [2, 1]]), axis=1) | arr=2x3",
                                         "np.take_along_axis(arr, np.argsort(arr, axis=0), axis=0) | arr=3x2",
                                         "np.take_along_axis(arr, np.array([2, 2, 0]), axis=None) | arr=2x2",
                                         "np.take_along_axis(arr, np.array([[0], [2], [2]]), axis=1) | arr=1x3")),
    "np.diag": Rule(("v",), grads={"v": _diag}, signature="v, k=0",
                    examples=("np.diag(v) | v=3", "np.diag(v, k=-1) | v=2", "np.diag(v) | v=3x2",
                              "np.diag(v, 1) | v=3x3")),
    "np.diagonal": Rule(("a",), grads={"a": _diag}, signature="a, offset=0, axis1=0, axis2=1", methods=("diagonal",),
                        examples=("np.diagonal(a) | a=2x3", "a.diagonal(-1) | a=3x3",
                                  "np.diagonal(a, axis1=-2, axis2=-1) | a=2x3x3", "np.diagonal(a, 1, 2, 1) | a=2x3x4",
                                  "a.diagonal(-1, 1, 0) | a=3x2", "np.diagonal(a) | a=3x3x2",
                                  "np.diagonal(a, 1, 0, 2) | a=3x2x4", "np.diagonal(a, -1, 2, 0) | a=3x2x4",
                                  "a.diagonal(0, 1, 3) | a=2x3x2x4")),
    "np.triu": Rule(("m",), grads={"m": _triangle("triu")}, signature="m, k=0", fresh=True,
                    examples=("np.triu(m) | m=3x3", "np.triu(m, -1) | m=3x4", "np.triu(m, 1) | m=3")),
    "np.tril": Rule(("m",), grads={"m": _triangle("tril")}, signature="m, k=0", fresh=True,
                    examples=("np.tril(m) | m=3x3", "np.tril(m, 1) | m=4x3", "np.tril(m) | m=4")),
    "np.split": Rule(("ary",), grads={"ary": _split}, signature="ary, indices_or_sections, axis=0",
                     returns_list=True,
                     examples=("a, b = np.split(ary, 2); return a * b[::-1] | ary=6",
                               "parts = np.split(ary, [1, 3], axis=1); return parts[0] * parts[2].sum() | ary=2x4",
                               "parts = np.split(ary, [3, 1]); return parts[0] * parts[2] | ary=4",
                               "parts = np.split(ary, [-1, 1], axis=1); return parts[0] * parts[2] | ary=2x4")),
    "np.array_split": Rule(("ary",), grads={"ary": _split}, signature="ary, indices_or_sections, axis=0",
                           returns_list=True,
                           examples=("parts = np.array_split(ary, 3); return parts[1] * parts[2] | ary=7",)),
    "np.hsplit": Rule(("ary",), grads={"ary": _split}, signature="ary, indices_or_sections", returns_list=True,
                      examples=("left, right = np.hsplit(ary, 2); return left * right | ary=3x4",)),
    "np.vsplit": Rule(("ary",), grads={"ary": _split}, signature="ary, indices_or_sections", returns_list=True,
                      examples=("top, bottom = np.vsplit(ary, [1]); return top.sum() * bottom | ary=3x2",)),
    "np.dsplit": Rule(("ary",), grads={"ary": _split}, signature="ary, indices_or_sections", returns_list=True,
                      examples=("a, b = np.dsplit(ary, 2); return a * b | ary=2x2x4",)),
    "np.meshgrid": Rule(("xi",), grads={"xi": _meshgrid}, variadic=", ",
                        signature="*xi, indexing='xy', sparse=False, copy=True",
                        returns_list=True,
                        examples=("X, Y = np.meshgrid(x, y); return X * Y ** 2 | x=3, y=2",
                                  "X, Y = np.meshgrid(x, y, indexing='ij'); return np.sin(X) * Y | x=3, y=2",
                                  "X, Y, Z = np.meshgrid(x, y, z); return X * Y * Z | x=2, y=3, z=2",
                                  "X, Y = np.meshgrid(x, y, sparse=True); return X * Y ** 2 | x=3, y=2",
                                  "X, Y, Z = np.meshgrid(x, y, z, sparse=True, indexing='ij'); return X + Y * Z"
                                  " | x=2, y=3, z=2")),
    "getitem": Rule(("x",), grads={"x": _getitem}, hint="sel",
                    examples=('a[1:, 0] | a=3x2', 'a[::-1] * a[0] | a=4', 'a[np.array([0, 2, 0])] | a=3',
                              'a[a > 0] | a=2x3', 'a[np.arange(2), np.array([1, 0])] | a=2x3',
                              'a[np.arange(2), np.array([[1], [1]])] | a=2x3', 'a[:, None] | a=3',
                              'a[1:, np.array([0, 0, 1])] | a=3x2')),
}
