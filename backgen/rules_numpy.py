"""Derivative rules for NumPy code: data, one entry per operation.

Same ``Rule`` as the scalar table (``rules``).  A string gradient is a local
derivative or a vector-Jacobian product, as there; a function gradient takes
a ``GradContext`` (``reverse.GradContext``) and returns the source of the
contribution, or a ``Scatter`` for adjoints written into a slice
(``dx[idx] += g``).  Functions are used where the expression a person writes
depends on ranks or static arguments (``axis``, ``keepdims``, ``axes``).

``SIGNATURES`` says how a call binds: which parameters are operands (arrays
that may carry gradients) and which are static.  ``METHODS`` maps array
methods to the functions they spell.  ``INERT`` lists functions whose results
carry no gradient (constructors, integer-valued functions).
"""

from dataclasses import dataclass

from .rules import Rule, check


@dataclass(frozen=True)
class Scatter:
    """The adjoint of ``x[index]``: add ``g`` into ``dx[index]``."""

    index: str
    repeats: bool  # an index may pick the same element twice: needs np.add.at


def _unary(grad):
    return Rule(("x",), grads={"x": grad})


# --- reductions ------------------------------------------------------------

def _sum(c):
    return c.broadcast_back(c.g, "a")


def _mean(c):
    return c.broadcast_back(c.g, "a", scale=f" / {c.count('a')}")


def _extreme(c):
    """max/min: split the gradient evenly between tied extremes (deterministic)."""
    out = c.expand(c.out, "a")
    mask = c.setup("mask", f"{c.a} == {out}")
    if c.param("axis") is None:
        return f"{mask} * ({c.g} / {mask}.sum())"
    keep = c.axis_text()
    return f"{mask} * ({c.expand(c.g, 'a')} / {mask}.sum(axis={keep}, keepdims=True))"


def _prod(c):
    """g times the product of the other elements, built from running products from
    both ends: never ``out / a``, which is nan where an element is zero."""
    np_, a, axes = c.np, c.a, c.axes("a")
    if axes == () or c.ndim("a") == 0:  # a number: the product of one factor
        return c.g
    if axes is None:
        flat = c.setup("flat", f"{a}.ravel()")
        left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[:-1])))")
        right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[:0:-1])))[::-1]")
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
    if c.param("axis") is None:
        return f"({c.a} - {c.a}.mean())"
    return f"({c.a} - {c.a}.mean(axis={c.axis_text()}, keepdims=True))"


def _dof(c):
    ddof = c.param("ddof") or 0
    return c.count("a") if not ddof else f"({c.count('a')} - {ddof})"


def _var(c):
    if c.ndim("a") == 0:  # the spread of one number: always 0
        return f"{c.np}.zeros_like({c.a})"
    return f"(2 / {_dof(c)}) * {_centered(c)} * {c.expand(c.g, 'a')}"


def _std(c):
    if c.ndim("a") == 0:
        return f"{c.np}.zeros_like({c.a})"
    axes, shape = c.axes("a"), c.shape("a")
    if all(shape[i] == 1 for i in (range(len(shape)) if axes is None else axes)):
        return f"{c.np}.zeros_like({c.a})"  # the spread of one number: always 0 (never 0 / 0)
    return f"{_centered(c)} * {c.expand(c.g, 'a')} / ({_dof(c)} * {c.expand(c.out, 'a')})"


def _norm(c):
    order = c.param("ord")
    if order not in (None, 2, "fro") or (order == 2 and c.param("axis") is None and c.ndim("x") != 1):
        c.unsupported("np.linalg.norm is differentiated for the 2-norm of vectors and the Frobenius norm")
    if c.param("axis") is None:
        return f"({c.g} / {c.out}) * {c.x}"
    return f"{c.x} * {c.expand(f'({c.g} / {c.out})', 'x')}"


def _sum_square(c):
    return f"(2 * {c.a}) * {c.expand(c.g, 'a')}"


def _logsumexp(c):
    return f"{c.np}.exp({c.a} - {c.expand(c.out, 'a')}) * {c.expand(c.g, 'a')}"


# --- linear algebra ----------------------------------------------------------

def _dot():
    """np.dot / .dot: the rule depends on which operands are vectors."""
    def dot_a(c):
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.b) if rb == 0 else f"({c.g} * {c.b}).sum()"
        if rb == 1:
            return c.outer(c.g, c.b) if ra == 2 else c.mul(c.g, c.b)
        if ra == 1:
            return c.dot(c.b, c.g)
        c.at_most_2d("a", "b")
        return c.dot(c.g, f"{c.b}.T")

    def dot_b(c):
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.a) if ra == 0 else f"({c.g} * {c.a}).sum()"
        if ra == 1:
            return c.outer(c.a, c.g) if rb == 2 else c.mul(c.g, c.a)
        if rb == 1:
            return c.dot(f"{c.a}.T", c.g)
        c.at_most_2d("a", "b")
        return c.dot(f"{c.a}.T", c.g)

    return {"a": dot_a, "b": dot_b}


def _matmul_a(c):
    ra, rb = c.ndim("a"), c.ndim("b")
    out = c.shape("out")
    if ra == 1 and rb == 1:
        return f"{c.g} * {c.b}"
    if rb == 1:  # (..., n, k) @ (k,) -> (..., n)
        if ra == 2:
            return c.outer(c.g, c.b)
        return c.unbroadcast(f"{c.np}.expand_dims({c.g}, -1) * {c.b}", "a", out + c.shape("b"))
    if ra == 1:  # (k,) @ (..., k, m) -> (..., m)
        if rb == 2:
            return f"{c.b} @ {c.g}"
        return c.unbroadcast(f"({c.b} @ {c.np}.expand_dims({c.g}, -1))[..., 0]", "a",
                             out[:-1] + c.shape("a"))
    return c.unbroadcast(f"{c.g} @ {c.transposed(c.b, rb)}", "a")


def _matmul_b(c):
    ra, rb = c.ndim("a"), c.ndim("b")
    out = c.shape("out")
    if ra == 1 and rb == 1:
        return f"{c.g} * {c.a}"
    if ra == 1:  # (k,) @ (..., k, m) -> (..., m)
        if rb == 2:
            return c.outer(c.a, c.g)
        return f"{c.np}.expand_dims({c.a}, -1) * {c.np}.expand_dims({c.g}, -2)"
    if rb == 1:  # (..., n, k) @ (k,) -> (..., n)
        if ra == 2:
            return f"{c.g} @ {c.a}"
        return c.unbroadcast(f"({c.np}.expand_dims({c.g}, -2) @ {c.a})[..., 0, :]", "b",
                             out[:-1] + c.shape("b"))
    return c.unbroadcast(f"{c.transposed(c.a, ra)} @ {c.g}", "b")


def _outer_a(c):
    return c.reshaped(f"{c.g}.dot({c.ravel('b')})", "a")


def _outer_b(c):
    return c.reshaped(f"{c.ravel('a')}.dot({c.g})", "b")


def _einsum(position):
    def grad(c):
        return c.einsum_grad(position)
    return grad


def _tensordot(position):
    def grad(c):
        return c.tensordot_grad(position)
    return grad


# --- shapes ------------------------------------------------------------------

def _reshape_back(c):
    if c.shape("out") == ():  # a number's gradient may be a Python float: no .reshape
        return f"{c.np}.reshape({c.g}, {c.shape_of(c.inputs[0])})"
    return f"{c.g}.reshape({c.shape_of(c.inputs[0])})"


def _transpose(c):
    if c.shape("out") == ():  # a number transposed is itself
        return c.g
    axes = c.param("axes")
    if axes is None:
        return f"{c.g}.T"
    axes = [a % len(axes) for a in axes]
    inverse = tuple(sorted(range(len(axes)), key=lambda i: axes[i]))
    return f"{c.g}.transpose({', '.join(map(str, inverse))})"


def _swapaxes(c):
    return f"{c.g}.swapaxes({c.param('axis1')}, {c.param('axis2')})"


def _concatenate(c):
    return c.concat_grad(c.param("axis", 0))


def _stack(c):
    return c.stack_grad(c.param("axis", 0))


def _hstack(c):
    return c.concat_grad(0 if c.ndim(c.current) <= 1 else 1)


def _vstack(c):
    return c.vstack_grad()


def _unstack(c):
    axis = c.param("axis", 0)
    if axis == 0:
        return f"list({c.g})"
    return f"list({c.np}.moveaxis({c.g}, {axis}, 0))"


def _item(c):
    """[a, b, c]: each element's gradient is its place in the list's gradient."""
    return f"{c.g}[{c.position}]"


def _spread(c):
    """sum(xs): each element gets the whole gradient (its own copy)."""
    return f"[{c.np}.copy({c.g}) for _ in {c.current}]"


def _broadcast_to(c):
    return c.unbroadcast(c.g, "array")


def _tile(c):
    return c.tile_grad()


def _repeat(c):
    return c.repeat_grad()


def _getitem(c):
    if c.only_new_axes():  # x[:, None] is a reshape
        return f"{c.g}.reshape({c.shape_of(c.x)})"
    return Scatter(c.param_source("index"), c.advanced_index() and not c.distinct_rows())


# --- selection ---------------------------------------------------------------

def _where(position):
    def grad(c):
        if position == "x":
            return f"{c.np}.where({c.condition}, {c.g}, 0)"
        return f"{c.np}.where({c.condition}, 0, {c.g})"
    return grad


def _clip_a(c):
    lo, hi = c.param_source("a_min"), c.param_source("a_max")
    tests = [f"({c.a} >= {lo})" if lo != "None" else "", f"({c.a} <= {hi})" if hi != "None" else ""]
    mask = " & ".join(t for t in tests if t)
    return f"{c.g} * ({mask})" if " & " in mask else f"{c.g} * {mask}"


NUMPY = {
    # elementwise
    "np.exp": _unary("out"),
    "np.log": _unary("1 / x"),
    "np.log1p": _unary("1 / (1 + x)"),
    "np.expm1": _unary("out + 1"),
    "np.sqrt": _unary("0.5 / out"),
    "np.square": _unary("2 * x"),
    "np.abs": _unary("np.sign(x)"),
    "np.sign": Rule(("x",)),  # zero gradient almost everywhere
    "np.sin": _unary("np.cos(x)"),
    "np.cos": _unary("-np.sin(x)"),
    "np.tan": _unary("1 + out ** 2"),
    "np.tanh": _unary("1 - out ** 2"),
    "np.arctan": _unary("1 / (1 + x ** 2)"),
    "np.sinh": _unary("np.cosh(x)"),
    "np.cosh": _unary("np.sinh(x)"),
    "np.reciprocal": _unary("-out ** 2"),
    "np.negative": _unary("-1"),
    "np.positive": _unary("1"),
    "np.copy": _unary("1"),
    "np.astype": _unary("1"),  # x.astype(float): the same numbers (an integer dtype carries no gradient)
    "np.power": Rule(("a", "b"), grads={"a": "b * a ** (b - 1)", "b": "out * np.log(a)"}, broadcast=True),
    "np.sigmoid": _unary("(1 - out) * out"),
    "np.add": Rule(("a", "b"), grads={"a": "1", "b": "1"}, broadcast=True),
    "np.subtract": Rule(("a", "b"), grads={"a": "1", "b": "-1"}, broadcast=True),
    "np.multiply": Rule(("a", "b"), grads={"a": "b", "b": "a"}, broadcast=True),
    "np.divide": Rule(("a", "b"), grads={"a": "1 / b", "b": "-a / b ** 2"}, broadcast=True),
    # selection
    "np.maximum": Rule(("a", "b"), grads={"a": "g * (a >= b)", "b": "g * (b > a)"}, broadcast=True),
    "np.minimum": Rule(("a", "b"), grads={"a": "g * (a <= b)", "b": "g * (b < a)"}, broadcast=True),
    "np.where": Rule(("condition", "x", "y"), grads={"x": _where("x"), "y": _where("y")}, broadcast=True),
    "np.clip": Rule(("a",), grads={"a": _clip_a}),
    "np.select_if": Rule(("c", "a", "b"), grads={"a": "g if c else np.zeros_like(a)",
                                                 "b": "np.zeros_like(b) if c else g"}),
    # reductions
    "np.sum": Rule(("a",), grads={"a": _sum}),
    "np.mean": Rule(("a",), grads={"a": _mean}),
    "np.max": Rule(("a",), grads={"a": _extreme}),
    "np.min": Rule(("a",), grads={"a": _extreme}),
    "np.prod": Rule(("a",), grads={"a": _prod}),
    "np.var": Rule(("a",), grads={"a": _var}),
    "np.std": Rule(("a",), grads={"a": _std}),
    "np.linalg.norm": Rule(("x",), grads={"x": _norm}),
    "np.sum_square": Rule(("a",), grads={"a": _sum_square}),
    "np.logsumexp": Rule(("a",), grads={"a": _logsumexp}),
    # linear algebra
    "np.dot": Rule(("a", "b"), grads=_dot()),
    "np.matmul": Rule(("a", "b"), grads={"a": _matmul_a, "b": _matmul_b}),
    "np.outer": Rule(("a", "b"), grads={"a": _outer_a, "b": _outer_b}),
    "np.tensordot": Rule(("a", "b"), grads={"a": _tensordot(0), "b": _tensordot(1)}),
    "np.einsum": Rule(("operands",), grads={"operands": _einsum(None)}, variadic=", "),
    # shapes
    "np.transpose": Rule(("a",), grads={"a": _transpose}),
    "np.swapaxes": Rule(("a",), grads={"a": _swapaxes}),
    "np.reshape": Rule(("a",), grads={"a": _reshape_back}),
    "np.ravel": Rule(("a",), grads={"a": _reshape_back}),
    "np.expand_dims": Rule(("a",), grads={"a": _reshape_back}),
    "np.squeeze": Rule(("a",), grads={"a": _reshape_back}),
    "np.atleast_2d": Rule(("a",), grads={"a": _reshape_back}),
    "np.concatenate": Rule(("arrays",), grads={"arrays": _concatenate}, variadic=", "),
    "np.stack": Rule(("arrays",), grads={"arrays": _stack}, variadic=", "),
    "np.hstack": Rule(("tup",), grads={"tup": _hstack}, variadic=", "),
    "np.vstack": Rule(("tup",), grads={"tup": _vstack}, variadic=", "),
    "np.broadcast_to": Rule(("array",), grads={"array": _broadcast_to}),
    "np.tile": Rule(("A",), grads={"A": _tile}),
    "np.repeat": Rule(("a",), grads={"a": _repeat}),
    "getitem": Rule(("x",), grads={"x": _getitem}),
    # values that carry no gradient: comparisons, masks, shapes, constructors
    "inert": Rule(("x",), variadic=", "),
    # a call of the user's own function: its generated backward is called (see reverse)
    "call": Rule(("args",), variadic=", "),
    # Python lists of arrays: xs_1 = xs + [v] (see reverse), np.stack(xs), sum(xs)
    "list_append": Rule(("xs", "v")),
    "list_make": Rule(("items",), grads={"items": _item}, variadic=", "),
    "np.stack_list": Rule(("arrays",), grads={"arrays": _unstack}),
    "list_sum": Rule(("xs",), grads={"xs": _spread}),
    # a write into a copy of an array: a_1 = a.copy(); a_1[idx] = v (see reverse)
    "setitem": Rule(("a", "v")),
}

# How calls bind: canonical function -> (rule, signature).  Parameters named in
# the rule's inputs are operands; the others are static.
SIGNATURES = {
    "np.exp": "x", "np.log": "x", "np.log1p": "x", "np.expm1": "x", "np.sqrt": "x", "np.square": "x",
    "np.abs": "x", "np.absolute": "x", "np.sign": "x", "np.sin": "x", "np.cos": "x", "np.tan": "x",
    "np.tanh": "x", "np.arctan": "x", "np.sinh": "x", "np.cosh": "x", "np.reciprocal": "x",
    "np.negative": "x", "np.positive": "x", "np.copy": "x",
    "np.power": "a, b", "np.add": "a, b", "np.subtract": "a, b", "np.multiply": "a, b",
    "np.divide": "a, b", "np.true_divide": "a, b",
    "np.maximum": "a, b", "np.minimum": "a, b", "np.where": "condition, x, y",
    "np.clip": "a, a_min, a_max",
    "np.sum": "a, axis=None, keepdims=False", "np.mean": "a, axis=None, keepdims=False",
    "np.max": "a, axis=None, keepdims=False", "np.min": "a, axis=None, keepdims=False",
    "np.amax": "a, axis=None, keepdims=False", "np.amin": "a, axis=None, keepdims=False",
    "np.prod": "a, axis=None, keepdims=False",
    "np.var": "a, axis=None, ddof=0, keepdims=False", "np.std": "a, axis=None, ddof=0, keepdims=False",
    "np.linalg.norm": "x, ord=None, axis=None, keepdims=False",
    "np.dot": "a, b", "np.matmul": "a, b", "np.outer": "a, b", "np.tensordot": "a, b, axes=2",
    "np.einsum": "subscripts, *operands",
    "np.transpose": "a, axes=None", "np.swapaxes": "a, axis1, axis2", "np.reshape": "a, *newshape",
    "np.ravel": "a", "np.expand_dims": "a, axis", "np.squeeze": "a, axis=None", "np.atleast_2d": "a",
    "np.concatenate": "arrays, axis=0", "np.stack": "arrays, axis=0", "np.hstack": "tup", "np.vstack": "tup",
    "np.broadcast_to": "array, shape", "np.tile": "A, reps", "np.repeat": "a, repeats, axis=None",
}
ALIASES = {"np.absolute": "np.abs", "np.true_divide": "np.divide", "np.amax": "np.max", "np.amin": "np.min"}

# Array methods and the functions they spell (the receiver is the first operand).
METHODS = {
    "sum": "np.sum", "mean": "np.mean", "max": "np.max", "min": "np.min", "prod": "np.prod",
    "var": "np.var", "std": "np.std", "dot": "np.dot", "transpose": "np.transpose",
    "swapaxes": "np.swapaxes", "reshape": "np.reshape", "ravel": "np.ravel", "flatten": "np.ravel",
    "squeeze": "np.squeeze", "repeat": "np.repeat", "clip": "np.clip", "copy": "np.copy",
}
# Method signatures where they differ from the function (varargs shapes and axes).
METHOD_SIGNATURES = {"transpose": "a, *axes", "reshape": "a, *newshape"}

# Results that carry no gradient.
INERT = {
    "np.zeros", "np.ones", "np.zeros_like", "np.ones_like", "np.full", "np.full_like", "np.empty",
    "np.empty_like", "np.arange", "np.eye", "np.identity", "np.linspace", "np.argmax", "np.argmin",
    "np.argsort", "np.floor", "np.ceil", "np.round", "np.rint", "np.isnan", "np.isfinite", "np.shape",
    "np.ndim", "np.size", "np.logical_and", "np.logical_or", "np.logical_not", "np.equal",
    "np.not_equal", "np.greater", "np.less", "np.greater_equal", "np.less_equal", "np.int64", "len",
}
# Values built from their arguments: fine on constants, refused on differentiated values.
OPAQUE = {"np.array", "np.asarray", "np.float64", "np.float32", "float", "int"}
INERT_METHODS = {"argmax", "argmin", "argsort", "nonzero", "all", "any"}
INERT_ATTRIBUTES = {"shape", "ndim", "size", "dtype"}

check(NUMPY)
