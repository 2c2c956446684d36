"""NumPy reductions: sums, means, extremes, products, spreads and norms, with ``axis``
(an int, a tuple or None) and ``keepdims`` wherever NumPy has them.

Gradients are functions of a ``GradContext``: the upstream gradient gets its
reduced axes back (``g[:, None]``) and is spread over them.
"""

from ..context import _index_at, summed_terms
from .base import Rule

# NumPy's parameters in its order, so that each argument written by position binds as NumPy binds it
# (np.sum(x, 0, None, None, True) keeps the dims); a dtype or out other than None is refused (stage_calls)
REDUCE = "a, axis=None, dtype=None, out=None, keepdims=False"
EXTREME = "a, axis=None, out=None, keepdims=False"
SPREAD = "a, axis=None, dtype=None, out=None, ddof=0, keepdims=False"
ACCUMULATE = "a, axis=None, dtype=None, out=None"
UFUNC_ACCUMULATE = "a, axis=0, dtype=None, out=None"  # np.add.accumulate, np.maximum.accumulate...


def _sum(c):
    return c.broadcast_back(c.g, "a")


def _mean(c):
    return c.broadcast_back(c.g, "a", scale=f" / {c.count('a')}")


def _extreme(c):
    """max/min: split the gradient evenly between tied extremes (deterministic)."""
    out = c.expand(c.out, "a")
    mask = c.setup("mask", f"{c.a} == {out}")
    if c.param("axis") is None:
        return f"{mask} * ({c.g} / {c.np}.count_nonzero({mask}))"  # (a count: faster than a sum of bools)
    keep = c.axis_text()
    return f"{mask} * ({c.expand(c.g, 'a')} / {mask}.sum(axis={keep}, keepdims=True))"


def _prod(c):
    """g times the product of the other elements, built from running products from
    both ends: never ``out / a``, which is nan where an element is zero."""
    np_, a = c.np, c.a
    if c.shape_free and isinstance(c.param("axis"), int):  # along one axis, counted as written
        axis = c.param("axis")
        number = axis in (0, -1)  # (a number, which NumPy reduces along 0 or -1: one factor, as a row)
        rows = c.setup("rows", f"{np_}.moveaxis({f'{np_}.atleast_1d({a})' if number else a}, {axis}, -1)")
        ones = f"{np_}.ones_like({rows}[..., :1])"
        left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :-1]), axis=-1), axis=-1)")
        right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :0:-1]), axis=-1), "
                                 f"axis=-1)[..., ::-1]")
        text = f"{c.expand(c.g, 'a')} * {np_}.moveaxis({left} * {right}, -1, {axis})"
        return f"{np_}.reshape({text}, {np_}.shape({a}))" if number else text
    # (of all the elements: the products before and after each, none for an empty array)
    if c.shape_free:  # of all the elements (several axes need the rank)
        if c.param("axis") is not None:
            c.needs_shapes()
        flat = c.setup("flat", f"{np_}.ravel({a})")
        left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat})))[:-1]")
        right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[::-1])))[:-1][::-1]")
        return f"{c.g} * {np_}.reshape({left} * {right}, {np_}.shape({a}))"
    axes = c.axes("a")
    if axes == () or c.ndim("a") == 0:  # a number: the product of one factor
        return c.g
    if axes is None:
        flat = c.setup("flat", f"{a}.ravel()")
        left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat})))[:-1]")
        right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[::-1])))[:-1][::-1]")
        return f"{c.g} * ({left} * {right}).reshape({a}.shape)"
    last = tuple(range(-len(axes), 0))
    moved = f"{np_}.moveaxis({a}, {axes[0] if len(axes) == 1 else axes}, {last[0] if len(axes) == 1 else last})"
    if len(axes) > 1:  # the reduced axes as one last axis
        moved = f"{moved}.reshape({moved}.shape[:{-len(axes)}] + (-1,))"
    rows = c.setup("rows", moved)
    ones = f"{np_}.ones_like({rows}[..., :1])"
    left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :-1]), axis=-1), axis=-1)")
    right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :0:-1]), axis=-1), "
                             f"axis=-1)[..., ::-1]")
    others = f"{left} * {right}"
    if len(axes) > 1:
        back = f"{np_}.moveaxis({a}, {axes}, {last})"
        others = f"({others}).reshape({back}.shape)"
        others = f"{np_}.moveaxis({others}, {last}, {axes})"
    else:
        others = f"{np_}.moveaxis({others}, -1, {axes[0]})"
    return f"{c.expand(c.g, 'a')} * {others}"


def _centered(c):
    held = c.centered()  # (xmu = x - mu, the forward's own: not computed again)
    if held is not None:
        return held
    if c.shape_free:  # np.mean: the operand may be a number
        return f"({c.a} - {c.np}.mean({c.a}, axis={c.axis_text()}, keepdims=True))"
    if c.param("axis") is None:
        return f"({c.a} - {c.a}.mean())"
    return f"({c.a} - {c.a}.mean(axis={c.axis_text()}, keepdims=True))"


def _dof(c):
    ddof = c.param("ddof") or 0
    return c.count("a") if not ddof else f"({c.count('a')} - {ddof})"


def _var(c):
    """2 (a - mean) g / (n - ddof): divided last, so that where the axes reduced are empty (a[3:] of
    fewer elements) the gradient is the empty array it is, never Python's division of 2 by 0."""
    if c.shape_free:  # (a number: centered is 0, and so is the gradient)
        return f"2 * {_centered(c)} * {c.expand(c.g, 'a')} / {_dof(c)}"
    axes, shape = c.axes("a"), c.shape("a")
    if c.ndim("a") == 0 or not c.data_sized("a") and \
            all(shape[i] == 1 for i in (range(len(shape)) if axes is None else axes)):
        return f"{c.np}.zeros_like({c.a})"  # the spread of one number: 0 (NaN with ddof=1, whatever the number)
    return f"2 * {_centered(c)} * {c.expand(c.g, 'a')} / {_dof(c)}"


def _cov(c):
    """np.cov of one array of observations (variables in rows; in columns with ``rowvar=False``; a vector:
    one variable): ``C = Xc Xc^T / (n - ddof)``, ``Xc`` the observations less their means.  Its gradient
    ``(G + G^T) Xc / (n - ddof)`` sums to 0 along the observations, so the means add nothing to it."""
    if any(c.param(p) is not None for p in ("y", "fweights", "aweights", "dtype")):
        c.unsupported("np.cov is differentiated for one array, without y, weights or dtype")
    rowvar, ddof = c.param("rowvar", True), c.param("ddof")
    ddof = ddof if ddof is not None else 0 if c.param("bias", False) else 1
    m, np_, g = c.m, c.np, c.g
    if c.shape_free:  # as NumPy computes it: the variables as rows of a matrix (a vector: one row)
        flip = f"{np_}.ndim({m}) == 2"  # (variables in the columns of a matrix)
        rows = c.setup("rows", f"{np_}.atleast_2d({m})" if rowvar else
                       f"{np_}.transpose({m}) if {flip} else {np_}.atleast_2d({m})")
        n = f"{rows}.shape[1]" if not ddof else f"({rows}.shape[1] - {ddof})"
        centered = c.setup("centered", f"{rows} - {rows}.mean(axis=1, keepdims=True)")
        square = c.setup("gsq", f"{np_}.reshape({g}, ({rows}.shape[0], {rows}.shape[0]))")  # (one variable: a number)
        text = f"({square} + {square}.T) @ {centered} / {n}"
        if not rowvar:
            grows = c.setup("grows", text)
            text = f"{grows}.T if {flip} else {grows}"
        return f"{np_}.reshape({text}, {np_}.shape({m}))"
    if c.ndim("m") not in (1, 2):
        c.unsupported("np.cov is differentiated for a vector or a matrix")
    axis = 0 if c.ndim("m") == 1 or not rowvar else 1
    n = f"{m}.shape[{axis}]" if not ddof else f"({m}.shape[{axis}] - {ddof})"
    centered = c.setup("centered", f"{m} - {m}.mean(axis={axis}, keepdims=True)")
    if c.ndim("out") == 0:  # one variable: its variance
        return f"{centered} * (2 * {g}) / {n}"
    if rowvar:
        return f"({g} + {g}.T) @ {centered} / {n}"
    return f"{centered} @ ({g} + {g}.T) / {n}"


def _std(c):
    """(a - mean) / (dof * std), times g: 0 where the values reduced are all equal (their std 0, as
    central differences give: std(a + h) = std(a - h) there), never 0 / 0 nor a rounding error's
    quotient."""
    if not c.shape_free:
        if c.ndim("a") == 0:
            return f"{c.np}.zeros_like({c.a})"
        axes, shape = c.axes("a"), c.shape("a")
        if not c.data_sized("a") and all(shape[i] == 1 for i in (range(len(shape)) if axes is None else axes)):
            return f"{c.np}.zeros_like({c.a})"  # the spread of one number: always 0 (not a selection by a
            # mask, one element at the samples only)
    # all equal where their range is 0: their std may be a rounding error there (the mean of three
    # equal numbers is not always that number), of which (a - mean) / std is no gradient; where the
    # array may be empty as the code runs (a selection, or any shape), np.ptp is not asked (it raises)
    along = "" if c.param("axis") is None else f", axis={c.axis_text()}, keepdims=True"
    ranges = f"{c.np}.ptp({c.a}{along}) == 0"
    if c.shape_free or c.data_sized("a") or 0 in (c.shape("a") or ()):  # (q[1::2] of one row: empty too)
        ranges = f"{c.np}.size({c.a}) > 0 and {ranges}"
    equal = c.setup("flat", ranges)
    out = c.setup("spread", f"{c.np}.where({equal}, {c.np}.inf, {c.expand(c.out, 'a')})")
    return f"{_centered(c)} * {c.expand(c.g, 'a')} / ({_dof(c)} * {out})"


def _norm(c):
    """Vector norms of every order and the matrix norms 'fro', 'nuc' and 2/-2 (through the SVD).
    Where a norm has a kink (0, ties of the largest |x|) NumPy's value is still right and the
    gradient is one of the subgradients.  Without shapes, an order along one axis is a vector norm at
    every rank; an order without an axis is a vector's norm or a matrix's by x's rank, chosen as the
    code runs (NumPy raises for other ranks); along two axes, the norms of the matrices along them."""
    order, axis, np_, x = c.param("ord"), c.param("axis"), c.np, c.x
    if c.shape_free:  # the 2-norm of the values (flattened, or along axis): 'fro' too, ord=2 along one axis
        if order in (None, "fro") or (order == 2 and isinstance(axis, int)):
            scale = c.expand(f"{c.g} / {_nonzero_norm(c)}", "x") if axis is not None else f"({c.g} / {_nonzero_norm(c)})"
            return f"{x} * {scale}" if axis is not None else f"{scale} * {x}"
        number = isinstance(order, (int, float)) and not isinstance(order, bool)
        if number and isinstance(axis, int):
            return _vector_norm(c, order, axis)
        if axis is None and order == "nuc":
            return _matrix_norm(c, order)
        if isinstance(axis, tuple) and len(axis) == 2 and all(type(a) is int for a in axis) and \
                (number or order == "nuc"):  # the matrices along two axes (np.linalg.matrix_norm's last two)
            return _matrix_norm_along(c, order, axis)
        if axis is None and number:
            vector = _vector_norm(c, order, axis)
            if order not in (1, -1, float("inf"), float("-inf"), 2, -2):  # (no matrix norm of this order)
                return vector
            return f"({vector} if {np_}.ndim({x}) == 1 else {_matrix_norm(c, order)})"
        c.needs_shapes()
    matrix = (axis is None and c.ndim("x") == 2 and order is not None) or (isinstance(axis, tuple) and len(axis) == 2)
    if order in (None, "fro") or (order == 2 and not matrix):
        scale = c.expand(f"{c.g} / {_nonzero_norm(c)}", "x") if axis is not None else f"({c.g} / {_nonzero_norm(c)})"
        return f"{x} * {scale}" if axis is not None else f"{scale} * {x}"
    if matrix:
        ndim = c.ndim("x")
        if ndim > 2 and axis is not None and all(isinstance(a, int) and -ndim <= a < ndim for a in axis) and \
                {a % ndim for a in axis} == {ndim - 2, ndim - 1}:  # a stack of matrices along the last two axes
            return _stacked_matrix_norm(c, order, axis[0] % ndim == ndim - 1)
        if ndim > 2 and axis is not None and all(isinstance(a, int) and -ndim <= a < ndim for a in axis) and \
                len({a % ndim for a in axis}) == 2:  # the matrices along two other axes
            return _matrix_norm_along(c, order, tuple(a % ndim for a in axis))
        if ndim != 2 or axis is not None and (len({a % 2 for a in axis}) != 2 or
                                              any(a not in range(-2, 2) for a in axis)):
            c.unsupported("matrix norms other than 'fro' are differentiated for one 2-D matrix, or a stack of them "
                          "along the last two axes")
        if axis is not None and axis[0] % 2 == 1:  # the norm of x.T: its column sums are x's row sums
            order = {1: float("inf"), -1: float("-inf"), float("inf"): 1, float("-inf"): -1}.get(order, order)
        return _matrix_norm(c, order)
    return _vector_norm(c, order, axis)


def _nonzero_norm(c):
    """The norm with its zeros read as 1: where a norm is 0 every element it reduces is 0, so
    x / norm and |x|^(p-1) / norm^(p-1) are 0 there (the subgradient 0), never 0 / 0."""
    return c.setup("nrm", f"{c.np}.where({c.out} == 0, 1.0, {c.out})")


def _matrix_norm(c, order):
    """A matrix's norm of ``order`` (1, -1, inf, -inf: the largest or smallest column or row sum; 'nuc',
    2, -2 through the SVD).  The lines before it hold for a vector too (an SVD of it as a row), where
    the code for every shape computes them before choosing the vector's norm."""
    np_, x = c.np, c.x
    if order in (1, -1, float("inf"), float("-inf")):  # the largest (smallest) column or row sum
        along = 0 if order in (1, -1) else -1 if c.shape_free else 1  # (the rows' sums: of a vector too)
        sums = c.setup("sums", f"{np_}.abs({x}).sum(axis={along})")
        out = c.out
        if c.param("keepdims", False):  # a norm of shape (1, 1) (without shapes: (1,) where x is a vector)
            out = f"{np_}.reshape({c.out}, ())" if c.shape_free else f"{c.out}[0, 0]"
        hits = c.setup("hits", f"{sums} == {out}")
        spread = f"{hits}[None, :]" if along == 0 else f"{hits}[:, None]"
        return f"{c.g} * {np_}.sign({x}) * {spread} / {hits}.sum()"
    if order not in ("nuc", 2, -2):
        c.unsupported(f"np.linalg.norm of a matrix with ord={order!r} is not differentiated")
    matrix = f"{np_}.atleast_2d({x})" if c.shape_free else x
    svd = c.setup("svd", f"{np_}.linalg.svd({matrix}, full_matrices=False)")
    if order == "nuc":
        return f"{c.g} * ({svd}[0] @ {svd}[2])"
    k = 0 if order == 2 else -1
    return f"{c.g} * {np_}.outer({svd}[0][:, {k}], {svd}[2][{k}])"


def _stacked_matrix_norm(c, order, flipped):
    """``_matrix_norm`` of each matrix of a stack along the last two axes (``flipped``: given as (-1, -2),
    the norms of the transposes, whose column sums are the rows')."""
    np_, x = c.np, c.x
    kept = c.param("keepdims", False)
    g = c.g if kept else f"{c.g}[..., None, None]"
    if flipped:
        order = {1: float("inf"), -1: float("-inf"), float("inf"): 1, float("-inf"): -1}.get(order, order)
    if order in (1, -1, float("inf"), float("-inf")):  # the largest (smallest) column or row sum of each
        along = -2 if order in (1, -1) else -1
        sums = c.setup("sums", f"{np_}.abs({x}).sum(axis={along}, keepdims=True)")
        hits = c.setup("hits", f"{sums} == {c.out if kept else f'{c.out}[..., None, None]'}")
        return f"{g} * {np_}.sign({x}) * {hits} / {hits}.sum(axis=(-2, -1), keepdims=True)"
    if order not in ("nuc", 2, -2):
        c.unsupported(f"np.linalg.norm of a matrix with ord={order!r} is not differentiated")
    svd = c.setup("svd", f"{np_}.linalg.svd({x}, full_matrices=False)")
    if order == "nuc":
        return f"{g} * ({svd}[0] @ {svd}[2])"
    k = 0 if order == 2 else -1
    return f"{g} * {svd}[0][..., :, {k}, None] * {svd}[2][..., None, {k}, :]"


def _matrix_norm_along(c, order, axis):
    """``_matrix_norm`` of each matrix of an array along ``axis`` = (rows, columns), two axes other than
    its last two: the largest (smallest) column or row sums along them, the SVD of the array with them
    moved last (its gradient moved back)."""
    np_, x = c.np, c.x
    g, out = c.expand(c.g, "x"), c.expand(c.out, "x")
    if order in (1, -1, float("inf"), float("-inf")):  # column sums (1) are summed over the rows
        along = axis[0] if order in (1, -1) else axis[1]
        sums = c.setup("sums", f"{np_}.abs({x}).sum(axis={along}, keepdims=True)")
        hits = c.setup("hits", f"{sums} == {out}")
        return f"{g} * {np_}.sign({x}) * {hits} / {hits}.sum(axis={axis}, keepdims=True)"
    if order not in ("nuc", 2, -2):
        c.unsupported(f"np.linalg.norm of a matrix with ord={order!r} is not differentiated")
    svd = c.setup("svd", f"{np_}.linalg.svd({np_}.moveaxis({x}, {axis}, (-2, -1)), full_matrices=False)")
    k = 0 if order == 2 else -1
    part = f"{svd}[0] @ {svd}[2]" if order == "nuc" else f"{svd}[0][..., :, {k}, None] * {svd}[2][..., None, {k}, :]"
    return f"{g} * {np_}.moveaxis({part}, (-2, -1), {axis})"


def _vector_norm(c, order, axis):
    """A vector norm of ``order`` (of the flattened values, or along ``axis``)."""
    np_, x = c.np, c.x
    g = c.expand(c.g, "x") if axis is not None else c.g
    out = c.expand(c.out, "x") if axis is not None else c.out
    if order == 1:
        return f"{g} * {np_}.sign({x})"
    if order in (float("inf"), float("-inf")):  # the largest (smallest) |x|, ties sharing
        hits = c.setup("hits", f"{np_}.abs({x}) == {out}")
        count = f"{hits}.sum()" if axis is None else f"{hits}.sum(axis={c.axis_text()}, keepdims=True)"
        return f"{g} * {np_}.sign({x}) * {hits} / {count}"
    if order == 0:  # how many are not zero: piecewise constant
        return f"{np_}.zeros_like({x})"
    if not isinstance(order, (int, float)):
        c.unsupported(f"np.linalg.norm with ord={order!r} is not differentiated")

    def power(base, k):
        return "" if k == 0 else base if k == 1 else f"{base} ** {k}"
    # sign(x) |x|^(p-1): 0 where x is 0 for p > 1 (never 0 * inf); for p < 1, |x|^(p-1) is infinite
    # there, so |x| is read as 1 where x is 0 and sign(x) makes the subgradient 0 (central differences'
    # value, the norm being even in each element), never 0 * inf
    magnitude = f"{np_}.abs({x})" if order > 1 else f"{np_}.where({x} == 0, 1.0, {np_}.abs({x}))"
    scaled = " * ".join(p for p in (g, f"{np_}.sign({x})", power(magnitude, order - 1)) if p)
    if order < 0:  # one zero makes the norm 0 (each |x|^p infinite), and it stays 0 as the others move
        scaled = f"{scaled} * ({out} != 0)"
    below = power(c.expand(_nonzero_norm(c), "x") if axis is not None else _nonzero_norm(c), order - 1)
    return f"{scaled} / {below}" if below else scaled


def _sum_square(c):
    return f"(2 * {c.a}) * {c.expand(c.g, 'a')}"


def _logsumexp(c):
    return f"{c.np}.exp({c.a} - {c.expand(c.out, 'a')}) * {c.expand(c.g, 'a')}"


def _cumsum(c):
    """The sum of the gradients from each place on: a cumulative sum from the end."""
    return _cumsum_along(c, c.param("axis"))


def _cumsum_along(c, axis):
    g = c.g
    if c.shape_free and axis is None:  # the flattened sums, back in the operand's shape (of any rank)
        return f"{c.np}.reshape({g}[::-1].cumsum()[::-1], {c.np}.shape({c.a}))"
    if c.shape_free:  # an axis given: the operand has it, or is a number (a result of one element)
        flip = _index_at(axis, "::-1")
        return f"{c.np}.reshape({g}[{flip}].cumsum(axis={axis})[{flip}], {c.np}.shape({c.a}))"
    if c.ndim("a") == 0:  # one number: a result of one element
        return f"{g}[0]"
    if axis is None:
        text = f"{g}[::-1].cumsum()[::-1]"
        return text if c.ndim("a") == 1 else f"{text}.reshape({c.a}.shape)"
    flip = _index_at(axis, "::-1")
    return f"{g}[{flip}].cumsum(axis={axis})[{flip}]"


def _cumprod(c):
    """Each place's gradient sums, over the results after it, the product of the others in it:
    products with that one factor set to 1 (never a division, which fails at a zero)."""
    return _cumprod_along(c, c.param("axis"))


def _cumprod_along(c, axis):
    np_, a, g = c.np, c.a, c.g
    if c.shape_free:  # flattened, or along the axis as written
        rows = c.setup("rows", f"{np_}.ravel({a})" if axis is None else  # (a number: one element along it)
                       f"{np_}.moveaxis({np_}.atleast_1d({a}), {axis}, -1)")
        grows = g if axis is None else f"{np_}.moveaxis({g}, {axis}, -1)"
        others = c.setup("others", f"{np_}.cumprod({np_}.where({np_}.eye({rows}.shape[-1], dtype=bool), 1.0, "
                                   f"{rows}[..., None, :]), axis=-1)")
        text = f"{np_}.einsum('...ij,...j->...i', {np_}.triu({others}), {grows})"
        text = text if axis is None else f"{np_}.moveaxis({text}, -1, {axis})"
        return f"{np_}.reshape({text}, {np_}.shape({a}))"
    ndim = c.ndim("a")
    if ndim == 0:
        return f"{g}[0]"
    last = axis is None or axis % ndim == ndim - 1
    rows = f"{a}.ravel()" if axis is None else (a if last else f"{np_}.moveaxis({a}, {axis}, -1)")
    grows = g if last else f"{np_}.moveaxis({g}, {axis}, -1)"
    rows = c.setup("rows", rows)
    n = f"{rows}.shape[-1]"
    others = c.setup("others", f"{np_}.cumprod({np_}.where({np_}.eye({n}, dtype=bool), 1.0, {rows}[..., None, :]), "
                               f"axis=-1)")
    text = f"{np_}.einsum('...ij,...j->...i', {np_}.triu({others}), {grows})"
    if axis is None:
        return text if ndim == 1 else f"{text}.reshape({a}.shape)"
    return text if last else f"{np_}.moveaxis({text}, -1, {axis})"


def _accumulate_axis(c):
    """The axis of a ufunc's accumulate: NumPy's default 0, else one axis written as an integer."""
    axis = c.param("axis", 0)
    if not isinstance(axis, int) or isinstance(axis, bool):
        c.unsupported("a ufunc's accumulate is differentiated along one axis given as an integer")
    return axis


def _add_accumulate(c):
    """np.add.accumulate is np.cumsum along its axis (0 where not given)."""
    return _cumsum_along(c, _accumulate_axis(c))


def _add_reduceat(c):
    """np.add.reduceat: each result sums a's slice from its index to the next (one element where the next
    is not larger), so each element's gradient sums those of the results whose slices hold it."""
    return f"_reduceat_grad({c.g}, {c.a}, {c.param_source('indices')}, {_accumulate_axis(c)})"


def _segment_reduceat(how):
    """np.maximum.reduceat and np.minimum.reduceat (``how`` "extreme": each result's gradient to the elements
    of its slice equal to it, split evenly among those tied, as np.max's) and np.multiply.reduceat
    ("product": to each element of its slice, times the product of the others), the slices as
    np.add.reduceat's, by the runtime helper _segment_reduceat_grad."""
    def grad(c):
        return f"_segment_reduceat_grad({c.g}, {c.a}, {c.param_source('indices')}, {_accumulate_axis(c)}, " \
               f"{c.out}, {how!r})"
    return grad


def _multiply_accumulate(c):
    """np.multiply.accumulate is np.cumprod along its axis (0 where not given)."""
    return _cumprod_along(c, _accumulate_axis(c))


def _running_extreme(c):
    """np.maximum.accumulate (np.minimum.accumulate): each result is one element of a, the running
    extreme; its gradient goes to that element, and where several equal the running extreme to the
    latest of them (as PyTorch's cummax and cummin route it)."""
    return f"_running_extreme_grad({c.g}, {c.a}, {c.out}, {_accumulate_axis(c)})"


def _logcumsumexp(c):
    """np.logaddexp.accumulate: each result is the log of the sum of the exps of a up to it; each element's
    gradient sums, over the results from it on, its softmax weight in that result times their grads."""
    return f"_logcumsumexp_grad({c.g}, {c.a}, {c.out}, {_accumulate_axis(c)})"


def _diff(c):
    n, axis = c.param("n", 1), c.param("axis", -1)
    if _padded(c):
        return _diff_part("a")(c)
    text = c.g
    for _ in range(n):  # each difference undone: the differences of g padded with zeros, negated
        text = f"{c.np}.diff({text}, axis={axis}, prepend=0, append=0)"
    text = f"-{text}" if n % 2 else text
    # n differences of fewer than n elements leave none (each takes one away, down to none): the
    # gradient is zero, of a's shape, which undoing n of them would not give
    zeros = f"{c.np}.zeros({c.np}.shape({c.a}))"
    if n == 1:
        return text
    if not c.shape_free and not c.data_sized("a"):  # (a selection by a mask: of any length, as it runs)
        length = c.shape("a")[axis]
        if length == 1:  # declared 1
            return zeros
        if n == 2:  # a named dimension is not 1
            return text
    return f"({text} if {c.np}.shape({c.a})[{axis}] >= {n} else {zeros})"


def _gradient(position):
    """np.gradient(f, h) of a vector f, spacing h a number (1 where not given), edge_order=1: central
    differences (f[i + 1] - f[i - 1]) / 2h inside, one-sided ones (f[1] - f[0]) / h and
    (f[-1] - f[-2]) / h at the ends; with edge_order=2 (a vector of a shape given, h one number), those
    of second order at the ends, (-3 f[0] + 4 f[1] - f[2]) / 2h and (3 f[-1] - 4 f[-2] + f[-3]) / 2h.
    f's gradient takes each interior g[i] / 2h to f[i + 1] and minus it to f[i - 1], each end's g / h
    to its two points (of second order, its weights over 2h to its three); h's is minus the sum of g times the
    result, over h.  Without shapes, of every rank, of an array of several axes along one axis given
    (``axis=1``), and with h the coordinates of the points (a vector, ``np.gradient(y, x)``), by the
    helpers _gradient_grad and _gradient_spacing_grad."""
    def grad(c):
        order = c.param("edge_order", 1)
        if order not in (1, 2) or isinstance(order, bool):
            c.unsupported("np.gradient is differentiated with edge_order=1, or 2 of a vector")
        axis = c.param("axis")
        spaced = len(c.op.args) > 1 and c.h != "None"  # (h not given: no operand)
        h = c.h if spaced else "1.0"
        if order == 2:  # (one-sided differences of second order at the ends: a vector, spacing one number)
            if c.shape_free or c.ndim("f") != 1 or axis not in (None, 0, -1) or spaced and c.ndim("h") != 0:
                c.unsupported("np.gradient is differentiated with edge_order=2 for a vector whose shape is given, "
                              "its spacing one number")
            if position == "h":
                return f"-{c.np}.sum({c.g} * {c.out}) / {h}"
            np_, g, f = c.np, c.g, c.f
            inner = c.setup("inner", f"{g}[1:-1] / (2 * {h})" if spaced else f"{g}[1:-1] / 2")
            ends = (f"({np_}.pad([-3 * {g}[0], 4 * {g}[0], -{g}[0]], (0, len({f}) - 3)) + "
                    f"{np_}.pad([{g}[-1], -4 * {g}[-1], 3 * {g}[-1]], (len({f}) - 3, 0))) / 2")
            return f"{np_}.pad({inner}, (2, 0)) - {np_}.pad({inner}, (0, 2)) + " + \
                (f"{ends} / {h}" if spaced else ends)
        if c.shape_free:  # of every rank: the helpers follow the axes and the spacing as they run
            if axis is not None and not isinstance(axis, int):
                c.unsupported("np.gradient is differentiated along one axis, or all")
            return _gradient_helper(c, position, h, axis)
        coordinates = spaced and c.ndim("h") != 0
        if coordinates and c.ndim("h") != 1:
            c.unsupported("np.gradient is differentiated with the spacing given as one number or the "
                          "coordinates of the points (a vector)")
        if c.ndim("f") > 1 and isinstance(axis, int) and not isinstance(axis, bool):  # along one axis of several:
            if position == "h" and not coordinates:  # the helpers move that axis last and back
                return f"-{c.np}.sum({c.g} * {c.out}) / {h}"
            return _gradient_helper(c, position, h, axis)
        if c.ndim("f") != 1 or axis not in (None, 0, -1):
            c.unsupported("np.gradient is differentiated for vectors, or along one axis given (its result for "
                          "others is a list)")
        if coordinates:
            return _gradient_helper(c, position, h, axis)
        np_, g, f = c.np, c.g, c.f
        if position == "h":
            return f"-{np_}.sum({g} * {c.out}) / {h}"
        inner = c.setup("inner", f"{g}[1:-1] / (2 * {h})" if spaced else f"{g}[1:-1] / 2")
        ends = f"{np_}.pad([-{g}[0], {g}[0]], (0, len({f}) - 2)) + {np_}.pad([-{g}[-1], {g}[-1]], (len({f}) - 2, 0))"
        return f"{np_}.pad({inner}, (2, 0)) - {np_}.pad({inner}, (0, 2)) + " + \
            (f"({ends}) / {h}" if spaced else ends)
    return grad


def _gradient_helper(c, position, h, axis):
    """The gradient of np.gradient's f or h (``position``) by the runtime helpers, which read the spacing
    (a number or coordinates) and the axes as the code runs."""
    if position == "h":
        return f"_gradient_spacing_grad({c.g}, {c.f}, {h}, {axis})"
    return f"_gradient_grad({c.g}, {c.f}, {h}, {axis})"


def _padded(c):
    """Whether np.diff is given prepend or append (operands of the rule, None where the call has none)."""
    return c.prepend != "None" or c.append != "None"


def _diff_part(which):
    """np.diff(a, prepend=p, append=q) is np.diff of p, a and q joined along the axis (p and q of a's
    shape but one along it where numbers): the gradient of that joined array, undone as ``_diff``
    undoes the differences, gives each of p, a and q its part (summed to a number where one is).
    The parts' bounds are the operands' lengths read as the code runs (``djoined[x.shape[0]:]``); without
    shapes, the helper _diff_padded_grad does all of it as the code runs."""
    def grad(c):
        if c.shape_free:  # (the parts' lengths along the axis, and a number's spread, read as the code runs)
            return f"_diff_padded_grad({c.g}, {c.a}, {c.prepend}, {c.append}, {c.param('n', 1)}, " \
                   f"{c.param('axis', -1)}, {which!r})"
        n, ndim = c.param("n", 1), c.ndim("a")
        zeros = f"{c.np}.zeros({c.np}.shape({getattr(c, which)}))"
        if n == 0:  # np.diff(a, n=0, ...) is a itself: prepend and append are left out
            return c.g if which == "a" else zeros
        if ndim == 0:
            c.unsupported("np.diff of a number")
        axis = c.param("axis", -1) % ndim
        names = ("prepend", "a", "append")
        atoms = [c.op.args[c._names.index(name)] for name in names]
        lengths = [None if getattr(c, name) == "None" else c.length(atom, axis) for name, atom in zip(names, atoms)]
        # the fewest elements the three may join to: a size read as the code runs is not 1 where the
        # samples' is not (a named dimension), so it is at least 2
        least = sum(0 if t is None else int(t) if t.isdigit() else min(c.shape(atom)[axis], 2)
                    for t, atom in zip(lengths, atoms))
        if least < n and all(t is None or t.isdigit() for t in lengths):  # n differences of fewer than n
            return zeros  # elements leave none: no gradient
        text = c.g
        for _ in range(n):
            text = f"{c.np}.diff({text}, axis={axis}, prepend=0, append=0)"
        joined = c.setup("djoined", f"-{text}" if n % 2 else text)
        mine = names.index(which)
        start = " + ".join(summed_terms(lengths[:mine]))
        if which != "a" and c.ndim(which) == 0:  # a number, spread along the other axes: its one place, summed
            part = f"{joined}[{_index_at(axis, '-1' if which == 'append' else '0')}]"
            part = part if ndim == 1 else f"{part}.sum()"
        else:
            after = [t for t in lengths[mine + 1:] if t is not None]
            if not after:
                stop = ""
            elif len(after) == 1 and after[0].isdigit() and after[0] != "0":  # a number, or a constant,
                stop = f"-{after[0]}"  # after it: counted from the end
            else:
                stop = " + ".join(summed_terms(lengths[:mine]) + [lengths[mine]])
            part = f"{joined}[{_index_at(axis, f'{start}:{stop}')}]"
        if least >= n:
            return part
        total = " + ".join(summed_terms(lengths))
        return f"({part} if {total} >= {n} else {zeros})"  # fewer than n elements at some sizes: none left
    return grad


def _trace(c):
    if c.param("axis1", 0) != 0 or c.param("axis2", 1) != 1:
        return _trace_along(c, c.param("axis1", 0), c.param("axis2", 1))
    eye = f"{c.np}.eye({c.a}.shape[0], {c.a}.shape[1], k={c.param('offset', 0)})"
    if c.shape_free:  # the identity, times g along the axes after the first two
        return f"{c.np}.multiply.outer({eye}, {c.g})"
    extra = c.ndim("a") - 2
    return f"{c.g} * {eye}" if not extra else f"{eye}[(...,) + (None,) * {extra}] * {c.g}"


def _trace_along(c, axis1, axis2):
    """np.trace over two other axes (a stack of matrices, ``np.trace(a, axis1=1, axis2=2)``): the
    identity along them, times g along the others (in their order, as the trace keeps them)."""
    if c.shape_free and {axis1, axis2} == {-2, -1}:  # the last two (a stack of matrices, or one): every rank alike
        np_ = c.np
        eye = f"{np_}.eye({np_}.shape({c.a})[{axis1}], {np_}.shape({c.a})[{axis2}], k={c.param('offset', 0)})"
        return f"{np_}.expand_dims({c.g}, (-2, -1)) * {eye if axis1 == -2 else eye + '.T'}"
    if c.shape_free or not isinstance(axis1, int) or not isinstance(axis2, int):
        c.unsupported("np.trace over other axes than the first two is differentiated where the shapes are given "
                      "and the axes are constants, or over the last two")
    ndim = c.ndim("a")
    first, second = axis1 % ndim, axis2 % ndim
    eye = f"{c.np}.eye({c.a}.shape[{first}], {c.a}.shape[{second}], k={c.param('offset', 0)})"
    if first > second:  # (rows along the later axis: the identity's transpose)
        eye = f"{eye}.T"
    low, high = sorted((first, second))
    if high - low > 1 or high < ndim - 1:  # (placed among the other axes: broadcast from the left up to the first)
        eye += "[" + ", ".join(":" if i in (low, high) else "None" for i in range(low, ndim)) + "]"
    g = c.g if ndim == 2 else f"{c.g}[{', '.join('None' if i in (low, high) else ':' for i in range(ndim))}]"
    return f"{g} * {eye}"


def _weights(c):
    """np.average's weights as they broadcast against a (a 1-D weight along ``axis`` as a column)."""
    w = c.weights
    axis = c.param("axis")
    if c.shape_free:  # of a's shape (as they must be without an axis), or 1-D along the axis: read as it runs
        if axis is None:
            return w, None
        if not isinstance(axis, int):
            c.needs_shapes()
        np_, a = c.np, c.a
        others = f"tuple(i for i in range({np_}.ndim({a})) if i != {axis} % {np_}.ndim({a}))"
        return c.setup("wcol", f"{w} if {np_}.ndim({w}) == {np_}.ndim({a}) else {np_}.expand_dims({w}, {others})"), \
            "free"
    if c.shape("weights") == c.shape("a"):
        return w, None
    if isinstance(axis, int) and c.ndim("weights") == 1:
        ndim = c.ndim("a")
        shape = tuple(-1 if i == axis % ndim else 1 for i in range(ndim))
        return c.setup("wcol", f"{w}.reshape({shape})"), tuple(i for i in range(ndim) if i != axis % ndim)
    c.unsupported("np.average is differentiated with weights of a's shape, or 1-D weights along one axis")


def _weights_total(c, w):
    """The weights' sum (along the axis, kept)."""
    if c.param("axis") is None:
        return c.setup("wsum", f"{c.np}.sum({w})" if c.shape_free or c.ndim("weights") == 0 else f"{w}.sum()")
    return c.setup("wsum", f"{w}.sum(axis={c.axis_text()}, keepdims=True)")


def _average_a(c):
    if c.param("returned"):
        c.unsupported("np.average(..., returned=True) is not differentiated")
    if len(c.op.args) == 1:  # no weights: the mean
        return _mean(c)
    w, _ = _weights(c)
    total = _weights_total(c, w)
    return f"{c.expand(c.g, 'a')} * {w} / {total}"


def _average_weights(c):
    w, summed = _weights(c)
    total = _weights_total(c, w)
    text = f"{c.expand(c.g, 'a')} * ({c.a} - {c.expand(c.out, 'a')}) / {total}"
    if summed is None:
        return text
    if summed == "free":  # summed back to the weights' own shape
        return f"{c.np}.reshape(_unbroadcast({text}, {w}), {c.np}.shape({c.weights}))"
    return f"({text}).sum(axis={summed if len(summed) > 1 else summed[0]})"


def _ptp(c):
    """max - min: the largest's gradient less the smallest's (ties share)."""
    a, g = c.a, c.expand(c.g, "a")
    if c.shape_free:  # np.max: a may be a number (max - min then 0: both tests hold)
        keep = "" if c.param("axis") is None else f", axis={c.axis_text()}, keepdims=True"
        high = c.setup("high", f"{a} == {c.np}.max({a}{keep})")
        low = c.setup("low", f"{a} == {c.np}.min({a}{keep})")
        return f"{g} * ({high} / {c.np}.sum({high}{keep}) - {low} / {c.np}.sum({low}{keep}))"
    if c.ndim("a") == 0:  # one number: max - min is always 0
        return f"{c.np}.zeros_like({a})"
    keep = "" if c.param("axis") is None else f"axis={c.axis_text()}, keepdims=True"
    high = c.setup("high", f"{a} == {a}.max({keep})")
    low = c.setup("low", f"{a} == {a}.min({keep})")
    return f"{g} * ({high} / {high}.sum({keep}) - {low} / {low}.sum({keep}))"


def _median(c):
    """The middle element (the mean of the two middle ones): a gather by rank; ties get one of
    the subgradients."""
    np_, a, axis = c.np, c.a, c.param("axis")
    if c.shape_free and (axis is None or isinstance(axis, int)):  # flattened, or along the axis as written
        if axis is None:
            rank = c.setup("rank", f"{np_}.reshape({np_}.argsort({np_}.argsort({a}, axis=None)), {np_}.shape({a}))")
            n = f"{np_}.size({a})"
        else:
            rank = c.setup("rank", f"{np_}.argsort({np_}.argsort({a}, axis={axis}), axis={axis})")
            n = f"{np_}.shape({a})[{axis}]"
        return f"{c.expand(c.g, 'a')} * (({rank} == ({n} - 1) // 2) * 0.5 + ({rank} == {n} // 2) * 0.5)"
    if c.ndim("a") == 0:
        return c.g
    axes = c.axes("a")
    if axes == ():  # axis=(): the median of each element alone, the element
        return c.g
    if axes is not None and len(axes) == c.ndim("a"):
        axis = None
    elif axes is not None and len(axes) == 1:
        axis = axes[0]
    if axis is None:
        rank = c.setup("rank", f"{np_}.argsort({np_}.argsort({a}, axis=None)).reshape({a}.shape)")
        n = f"{a}.size"
    elif isinstance(axis, int):
        rank = c.setup("rank", f"{np_}.argsort({np_}.argsort({a}, axis={axis}), axis={axis})")
        n = f"{a}.shape[{axis}]"
    else:  # several axes: moved last and flattened into one
        last = tuple(range(-len(axes), 0))
        moved = c.setup("moved", f"{np_}.moveaxis({a}, {axes}, {last})")
        flat = f"{moved}.reshape({moved}.shape[:{-len(axes)}] + (-1,))"
        rank = c.setup("rank", f"{np_}.moveaxis({np_}.argsort({np_}.argsort({flat}, axis=-1), axis=-1)"
                               f".reshape({moved}.shape), {last}, {axes})")
        n = " * ".join(f"{a}.shape[{i}]" for i in axes)
        n = f"({n})"
    middle = f"(({rank} == ({n} - 1) // 2) * 0.5 + ({rank} == {n} // 2) * 0.5)"
    return f"{c.expand(c.g, 'a')} * {middle}"


def _nansum(c):
    return f"{c.np}.where({c.np}.isnan({c.a}), 0.0, {c.expand(c.g, 'a')})"


def _nanmean(c):
    np_, a = c.np, c.a
    count = c.setup("count", f"(~{np_}.isnan({a})).sum()" if c.param("axis") is None else
                    f"(~{np_}.isnan({a})).sum(axis={c.axis_text()}, keepdims=True)")
    return f"{np_}.where({np_}.isnan({a}), 0.0, {c.expand(c.g, 'a')} / {count})"


def _nan_spread(c):
    """The values not NaN less their mean, and how many of them count (less ``ddof``), along the axes
    reduced: what np.nanvar and np.nanstd are made of."""
    np_, a = c.np, c.a
    whole = c.param("axis") is None
    keep = "" if whole else f"axis={c.axis_text()}, keepdims=True"
    mean = c.setup("nanmu", f"{np_}.nanmean({a}{', ' + keep if keep else ''})")
    count = c.setup("count", f"(~{np_}.isnan({a})).sum({keep})")
    ddof = c.param("ddof") or 0
    return f"({a} - {mean})", count if not ddof else f"({count} - {ddof})"


def _nanvar(c):
    """2 (a - mean) / (n - ddof) times g where a is a number, 0 where it is NaN (n counts the numbers)."""
    centered, dof = _nan_spread(c)
    return f"{c.np}.where({c.np}.isnan({c.a}), 0.0, (2 / {dof}) * {centered} * {c.expand(c.g, 'a')})"


def _nanstd(c):
    """(a - mean) / ((n - ddof) std) times g where a is a number, 0 where it is NaN or the numbers are all
    equal (their std 0)."""
    centered, dof = _nan_spread(c)
    np_ = c.np
    out = c.setup("spread", f"{np_}.where({c.expand(c.out, 'a')} == 0, 1.0, {c.expand(c.out, 'a')})")
    return f"{np_}.where({np_}.isnan({c.a}), 0.0, {centered} * {c.expand(c.g, 'a')} / ({dof} * {out}))"


RULES = {
    "np.sum": Rule(("a",), grads={"a": _sum}, signature=REDUCE, methods=("sum",), hint="{first}sum|total", fresh=True),
    "np.mean": Rule(("a",), grads={"a": _mean}, signature=REDUCE, methods=("mean",), hint="{first}mean|avg",
                    fresh=True, floats=True),
    "np.max": Rule(("a",), grads={"a": _extreme}, signature=EXTREME, methods=("max",), aliases=("np.amax",),
                   hint="{first}max|peak"),
    "np.min": Rule(("a",), grads={"a": _extreme}, signature=EXTREME, methods=("min",), aliases=("np.amin",),
                   hint="{first}min|low"),
    "np.prod": Rule(("a",), grads={"a": _prod}, signature=REDUCE, methods=("prod",), hint="{first}prod|prod",
                    examples=("np.prod(a - a[0]) | a=4", "np.prod(a - a[0, 1], axis=1) | a=3x3",
                              "np.prod(a * (a > 0), axis=(0, 1)) | a=2x3x2")),
    "np.var": Rule(("a",), grads={"a": _var}, signature=SPREAD, methods=("var",),
                   hint="{first}var|var", floats=True),
    "np.cov": Rule(("m",), grads={"m": _cov}, floats=True, hint="{first}cov|cov",
                   signature="m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, dtype=None",
                   examples=("np.cov(m) | m=3x5", "np.cov(m, rowvar=False) | m=5x3", "np.cov(m) | m=5",
                             "np.cov(m, bias=True) | m=2x4", "np.cov(m, rowvar=False, ddof=0) | m=4x2",
                             "np.cov(m, None, False) | m=4x1", "np.cov(m) | m=1x4")),
    "np.std": Rule(("a",), grads={"a": _std}, signature=SPREAD, methods=("std",),
                   hint="{first}std|std", floats=True),
    "np.linalg.norm": Rule(("x",), grads={"x": _norm}, signature="x, ord=None, axis=None, keepdims=False",
                           hint="norm{var}", examples=(
                               "np.linalg.norm(x) | x=4", "np.linalg.norm(x) | x=2x3", "np.linalg.norm(x, axis=1) | x=2x3",
                               "np.linalg.norm(x, axis=0, keepdims=True) | x=2x3", "np.linalg.norm(x, 'fro') | x=2x3",
                               "np.linalg.norm(x, 1) | x=4", "np.linalg.norm(x, ord=3, axis=1) | x=2x3",
                               "np.linalg.norm(x, np.inf) | x=5", "np.linalg.norm(x, -np.inf, axis=0) | x=3x2",
                               "np.linalg.norm(x, 0.5) | x=3", "np.linalg.norm(x, 'nuc') | x=3x2",
                               "np.linalg.norm(x, 2) | x=2x3", "np.linalg.norm(x, -2) | x=3x3",
                               "np.linalg.norm(x, 2, axis=(1, 2)) | x=2x3x2", "np.linalg.norm(x, 'nuc', axis=(-1, -2)) | x=2x2x3",
                               "np.linalg.norm(x, 1, axis=(-2, -1), keepdims=True) | x=2x3x2",
                               "np.linalg.norm(x, np.inf, axis=(2, 1)) | x=2x3x2", "np.linalg.norm(x, -2, axis=(1, 2)) | x=2x3x3",
                               "np.linalg.norm(x, ord=1, axis=0, keepdims=True) | x=2x3",
                               "np.linalg.norm(x, 1) | x=3x2", "np.linalg.norm(x, np.inf) | x=2x3",
                               "np.linalg.norm(x, -1) | x=2x3", "np.linalg.norm(x, -np.inf) | x=3x3",
                               "np.linalg.norm(x, 1, axis=(1, 0)) | x=2x3", "np.linalg.norm(x, np.inf, (-1, 0)) | x=3x2",
                               "np.linalg.norm(x, 1, keepdims=True) | x=2x3",
                               "np.linalg.norm(x, -np.inf, axis=(0, 1), keepdims=True) | x=3x2"), floats=True),
    "np.cumsum": Rule(("a",), grads={"a": _cumsum}, signature=ACCUMULATE, methods=("cumsum",), fresh=True,
                      aliases=("np.cumulative_sum",),  # (NumPy's: a 1-D array, or an axis given)
                      examples=("np.cumsum(a) | a=4", "np.cumsum(a) | a=2x3", "np.cumsum(a, axis=0) | a=2x3",
                                "a.cumsum(axis=-1) | a=2x3", "np.cumsum(a) | a=()")),
    "np.cumprod": Rule(("a",), grads={"a": _cumprod}, signature=ACCUMULATE, methods=("cumprod",), fresh=True,
                       aliases=("np.cumulative_prod",),
                       examples=("np.cumprod(a) | a=4", "np.cumprod(a) | a=2x3", "np.cumprod(a, axis=0) | a=3x2",
                                 "a.cumprod(axis=1) | a=2x3", "np.cumprod(a, axis=1) | a=2x3x2",
                                 "np.cumprod(a * (a > 0.5)) | a=5", "np.cumprod(a - a[1]) | a=4")),
    "np.add.accumulate": Rule(("a",), grads={"a": _add_accumulate}, signature=UFUNC_ACCUMULATE, fresh=True,
                              examples=("np.add.accumulate(a) | a=4", "np.add.accumulate(a) | a=3x2",
                                        "np.add.accumulate(a, axis=1) | a=2x3", "np.add.accumulate(a, -1) | a=2x2x3")),
    "np.add.reduceat": Rule(("a",), grads={"a": _add_reduceat}, signature="a, indices, axis=0, dtype=None, out=None",
                            fresh=True, hint="{first}sums|sums",
                            examples=("np.add.reduceat(a, [0, 2, 3]) | a=5", "np.add.reduceat(a, [0, 3, 1]) | a=4",
                                      "np.add.reduceat(a, [1, 1, 2], axis=1) | a=2x4",
                                      "np.add.reduceat(a, np.array([0, 2]), -1) | a=2x2x3")),
    "np.maximum.reduceat": Rule(("a",), grads={"a": _segment_reduceat("extreme")},
                                signature="a, indices, axis=0, dtype=None, out=None", fresh=True, hint="peaks",
                                examples=("np.maximum.reduceat(a, [0, 2, 3]) | a=5",
                                          "np.maximum.reduceat(a, [0, 3, 1]) | a=4",
                                          "np.maximum.reduceat(a, [1, 1, 2], axis=1) | a=2x4")),
    "np.minimum.reduceat": Rule(("a",), grads={"a": _segment_reduceat("extreme")},
                                signature="a, indices, axis=0, dtype=None, out=None", fresh=True, hint="lows",
                                examples=("np.minimum.reduceat(a, [0, 2]) | a=5",
                                          "np.minimum.reduceat(a, np.array([0, 2]), -1) | a=2x2x3")),
    "np.multiply.reduceat": Rule(("a",), grads={"a": _segment_reduceat("product")},
                                 signature="a, indices, axis=0, dtype=None, out=None", fresh=True, hint="prods",
                                 examples=("np.multiply.reduceat(a, [0, 2, 3]) | a=5",
                                           "np.multiply.reduceat(a, [0, 3, 1]) | a=4",
                                           "np.multiply.reduceat(a, [0, 1], axis=0) | a=3x2")),
    "np.multiply.accumulate": Rule(("a",), grads={"a": _multiply_accumulate}, signature=UFUNC_ACCUMULATE, fresh=True,
                                   examples=("np.multiply.accumulate(a) | a=4", "np.multiply.accumulate(a) | a=3x2",
                                             "np.multiply.accumulate(a, axis=1) | a=2x3")),
    "np.maximum.accumulate": Rule(("a",), grads={"a": _running_extreme}, signature=UFUNC_ACCUMULATE, fresh=True,
                                  hint="{first}peak|peak",
                                  examples=("np.maximum.accumulate(a) | a=5", "np.maximum.accumulate(a) | a=3x2",
                                            "np.maximum.accumulate(a, axis=1) | a=2x4",
                                            "np.maximum.accumulate(a, -1) | a=2x2x3")),
    "np.logaddexp.accumulate": Rule(("a",), grads={"a": _logcumsumexp}, signature=UFUNC_ACCUMULATE, fresh=True,
                                    hint="cumlse", floats=True,
                                    examples=("np.logaddexp.accumulate(a) | a=5",
                                              "np.logaddexp.accumulate(a, axis=1) | a=2x4",
                                              "np.logaddexp.accumulate(a, -1) | a=2x2x3")),
    "np.minimum.accumulate": Rule(("a",), grads={"a": _running_extreme}, signature=UFUNC_ACCUMULATE, fresh=True,
                                  hint="{first}low|low",
                                  examples=("np.minimum.accumulate(a) | a=5", "np.minimum.accumulate(a, axis=1) | a=2x4")),
    "np.diff": Rule(("a", "prepend", "append"), grads={"a": _diff, "prepend": _diff_part("prepend"),
                                                       "append": _diff_part("append")},
                    signature="a, n=1, axis=-1, prepend=None, append=None", fresh=True,
                    examples=("np.diff(a) | a=5", "np.diff(a, axis=0) | a=3x2", "np.diff(a, n=2) | a=2x5",
                              "np.diff(a, 3, axis=0) | a=5x2", "np.diff(a, prepend=a[0], append=a[-1]) | a=6",
                              "np.diff(a, prepend=p) | a=4, p=()", "np.diff(a, n=2, append=q) | a=2x3, q=2x2",
                              "np.diff(a, axis=0, prepend=p, append=0.5) | a=3x2, p=1x2",
                              "np.diff(a, n=3, prepend=p) | a=1, p=()")),
    "np.gradient": Rule(("f", "h"), grads={"f": _gradient("f"), "h": _gradient("h")},
                        signature="f, h=None, axis=None, edge_order=1", fresh=True, floats=True,
                        examples=("np.gradient(f) | f=5", "np.gradient(f, h) | f=4, h=():positive",
                                  "np.gradient(f, 0.5) | f=2", "np.gradient(f * f, axis=0) | f=3",
                                  "np.gradient(f, edge_order=2) | f=4",
                                  "np.gradient(f * f, h, edge_order=2) | f=5, h=():positive")),
    "np.trace": Rule(("a",), grads={"a": _trace}, signature="a, offset=0, axis1=0, axis2=1", methods=("trace",),
                     examples=("np.trace(a) | a=3x3", "np.trace(a, offset=1) | a=2x4", "a.trace() | a=3x2x2",
                               "np.trace(a, axis1=1, axis2=2) | a=2x3x3", "np.trace(a, -1, 2, 0) | a=3x2x4",
                               "a.trace(axis1=1, axis2=0) | a=2x3")),
    "np.average": Rule(("a", "weights"), grads={"a": _average_a, "weights": _average_weights},
                       signature="a, axis=None, weights=None, returned=False, keepdims=False",
                       domain=("any", "positive"),
                       examples=("np.average(a) | a=2x3", "np.average(a, axis=1) | a=2x3",
                                 "np.average(a, weights=weights) | a=4, weights=4",
                                 "np.average(a, axis=1, weights=weights) | a=2x3, weights=3",
                                 "np.average(a, axis=0, weights=weights) | a=2x3, weights=2x3",
                                 "np.average(a, axis=0, weights=weights, keepdims=True) | a=2x3, weights=2"),
                                 floats=True),
    "np.median": Rule(("a",), grads={"a": _median},
                      signature="a, axis=None, out=None, overwrite_input=False, keepdims=False", floats=True),
    "np.ptp": Rule(("a",), grads={"a": _ptp}, signature=EXTREME),
    "np.nanmax": Rule(("a",), grads={"a": _extreme}, signature=EXTREME, hint="{first}max|peak",
                      examples=("np.nanmax(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nanmax(a, axis=1) | a=2x3",
                                "np.nanmax(np.where(a > 0.9, np.nan, a), axis=0, keepdims=True) | a=3x3")),
    "np.nanmin": Rule(("a",), grads={"a": _extreme}, signature=EXTREME, hint="{first}min|low",
                      examples=("np.nanmin(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nanmin(a, axis=0) | a=2x3")),
    "np.nansum": Rule(("a",), grads={"a": _nansum}, signature=REDUCE,
                      examples=("np.nansum(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nansum(a, axis=1) | a=2x3",
                                "np.nansum(np.where(a > 0.9, np.nan, a), axis=0, keepdims=True) | a=2x3")),
    "np.nanmean": Rule(("a",), grads={"a": _nanmean}, signature=REDUCE,
                       examples=("np.nanmean(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nanmean(a, axis=1) | a=2x3",
                                 "np.nanmean(np.where(a > 0.9, np.nan, a), axis=0, keepdims=True) | a=3x3"),
                                 floats=True),
    "np.nanvar": Rule(("a",), grads={"a": _nanvar}, signature=SPREAD, floats=True,
                      examples=("np.nanvar(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nanvar(a, axis=1) | a=2x3",
                                "np.nanvar(np.where(a > 0.9, np.nan, a), axis=0, keepdims=True, ddof=1) | a=3x3")),
    "np.nanstd": Rule(("a",), grads={"a": _nanstd}, signature=SPREAD, floats=True,
                      examples=("np.nanstd(np.where(a > 0.9, np.nan, a)) | a=2x3", "np.nanstd(a, axis=1) | a=2x3",
                                "np.nanstd(np.where(a > 0.9, np.nan, a), axis=(0, 1), ddof=1) | a=3x3",
                                "np.nanstd(np.where(a > 0.9, np.nan, a), axis=0, keepdims=True) | a=3x3")),
    # fused gates: np.sum(np.square(x)) and np.log(np.sum(np.exp(x))) (see stage_calls)
    "np.sum_square": Rule(("a",), grads={"a": _sum_square}, hint="sumsq",
                          examples=("np.sum(np.square(a)) | a=2x3", "(a * a).sum(axis=1) | a=2x3",
                                    "np.sum(a ** 2, axis=0, keepdims=True) | a=2x3")),
    "np.logsumexp": Rule(("a",), grads={"a": _logsumexp},
                         examples=("np.log(np.sum(np.exp(a))) | a=4", "np.log(np.sum(np.exp(a), axis=1)) | a=2x3"),
                         floats=True),
}
