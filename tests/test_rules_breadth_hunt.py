"""The breadth of NumPy's API as people spell it, one rule at a time: argument forms that were
refused needlessly (np.linspace's axis, axes computed as tuple(range(...)), the fields of np.linalg's
named tuples, np.broadcast_arrays, np.roll's shifts as a list), and writes that must stay refused.

Each case is checked against central finite differences in float64 (``numeric``), with and without
shapes where both are written, or asserted refused with a ``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences, imported

RNG = np.random.default_rng(31)


def away(*shape):
    """Numbers away from 0 (no kinks nor ties where a test reads signs or orders)."""
    return RNG.uniform(0.3, 1.5, size=shape) * RNG.choice([-1.0, 1.0], size=shape)


def spd(n, batch=()):
    a = RNG.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def dout_of(source, args, name="f"):
    namespace = {"np": np}
    exec(source, namespace)
    out = namespace[name](*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    return RNG.standard_normal(np.shape(out)) if np.shape(out) else 1.3


def assert_right_all_ways(body, params, args, shapes):
    """``def f(params): body`` matches central differences generated without shapes and with ``shapes``,
    for an upstream gradient drawn in the output's shape."""
    source = f"def f({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))
    dout = dout_of(source, args)
    assert_generated_right(source, args, (dout,))
    annotated = f"def f({', '.join(f'{p}: {s!r}' for p, s in zip(params, shapes))}):\n" + source.split("\n", 1)[1]
    assert_generated_right(annotated, args, (dout,))


# --- np.linspace between end points the code computes, with axis= -------------------------------------


@pytest.mark.parametrize("body, shapes", [
    ("return np.linspace(a, b, 4, axis=1).sum(axis=1) * a + a * b", ("3", "3")),
    ("return np.linspace(a, b, 4, axis=-1)", ("2, 3", "2, 3")),
    ("return np.linspace(a, b, num=5, endpoint=False, axis=1)", ("3, 2", "3, 2")),
    ("return np.linspace(a, b, 3, axis=0) ** 2", ("3", "3")),
], ids=["axis1-summed", "axis-last", "endpoint-false", "axis0"])
def test_linspace_of_computed_end_points_along_an_axis(body, shapes):
    # was refused (axis= left NumPy's linspace, a constant): its points move with a and b
    args = [away(*map(int, shapes[0].split(", "))), away(*map(int, shapes[1].split(", ")))]
    assert_right_all_ways(body, ["a", "b"], args, shapes)


def test_linspace_to_a_constant_along_the_last_axis():
    source = "def f(a):\n    return np.linspace(a, 2.0, 3, axis=1)\n"
    a = away(3)
    assert_generated_right(source, [a], (RNG.standard_normal((3, 3)),))


# --- axes computed from ranks: tuple(range(...)) -------------------------------------------------------


@pytest.mark.parametrize("body", [
    "return np.sum(x ** 2, axis=tuple(range(1, x.ndim)))",
    "ax = tuple(range(x.ndim - 1))\nreturn np.mean(x * x, axis=ax, keepdims=True)",
    "return np.std(x, axis=tuple(range(0, x.ndim, 2)))",
    "return np.max(x, axis=tuple(range(1, x.ndim)), keepdims=True) * x",
    "return np.transpose(x, tuple(range(x.ndim - 1, -1, -1))) @ np.ones(x.shape[0])",
], ids=["sum", "named-keepdims", "step", "max", "transpose"])
@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 2)], ids=["rank3", "rank2"])
def test_axes_written_as_a_tuple_of_a_range_of_ranks(body, shape):
    # was refused ("unknown function 'tuple'"): with the shapes given, the ranks make them constants
    source = f"def f(x: {', '.join(map(str, shape))!r}):\n" + "".join(f"    {l}\n" for l in body.split("\n"))
    x = away(*shape)
    assert_generated_right(source, [x], (dout_of(source, [x]),))
    # the decorator learns the ranks from the arrays
    f = backgen.backward(imported("import numpy as np\n\n\n" + source.replace(
        f": {', '.join(map(str, shape))!r}", ""), "rules_breadth")["f"])
    dout = dout_of(source, [x])
    got = f.backward(x.copy(), dout=dout)
    want = finite_differences(lambda v: f(v.copy()), [x], [0], (dout,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_axes_of_a_range_without_shapes_are_read_at_every_rank(shape):
    # (refused before: "must be a constant"; DDPM's mean_flat sums so)
    assert_generated_right("def f(x):\n    return np.sum(x, axis=tuple(range(1, x.ndim)))\n", [away(*shape)],
                           (np.linspace(0.5, 1.5, shape[0]),))


# --- the fields of np.linalg's named tuples ----------------------------------------------------------


@pytest.mark.parametrize("body, make", [
    ("return np.linalg.slogdet(a).logabsdet", lambda: spd(3)),
    ("return np.linalg.slogdet(a).logabsdet", lambda: spd(2, (2,))),
    ("return np.linalg.eigh(a).eigenvalues.sum() * np.linalg.slogdet(a).sign", lambda: spd(3)),
    ("return np.linalg.svd(a).S", lambda: away(3, 2)),
    ("return np.linalg.svd(a, full_matrices=False).U[:, 0] ** 2", lambda: away(3, 2)),
    ("return np.linalg.qr(a).R", lambda: away(4, 2)),
    ("return np.linalg.eigh(a).eigenvectors[:, -1] ** 2", lambda: spd(3)),
], ids=["logabsdet", "logabsdet-batched", "eigenvalues-sign", "S", "U", "R", "eigenvectors"])
def test_fields_of_linalg_results_read_from_the_call(body, make):
    # were refused ("the attribute .logabsdet is not supported as a value")
    source = f"def f(a):\n    {body}\n"
    a = make()
    assert_generated_right(source, [a], (dout_of(source, [a]),))


# --- np.broadcast_arrays -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "return sum(np.broadcast_arrays(x, y))",
    "a, b = np.broadcast_arrays(x, y)\nreturn a * b ** 2",
    "return np.broadcast_arrays(x, 2 * y)[1] * x",
    "return np.broadcast_arrays(x, y)[-2] * y",
    "a, b = np.broadcast_arrays(x, y)\nreturn np.stack([a, b], axis=-1)",
    "a, b = np.broadcast_arrays(x, y)\na = a.copy()\na[0] = 1.0\nreturn a * b",
    "s = np.broadcast_shapes(x.shape, y.shape)\nreturn np.broadcast_to(x, s) * 2 + np.broadcast_to(y, s) ** 2",
], ids=["summed", "unpacked", "indexed", "indexed-negative", "stacked", "copied-then-written", "shapes"])
@pytest.mark.parametrize("shapes", [((3, 1), (1, 4)), ((4,), (2, 4))], ids=["both", "one"])
def test_broadcast_arrays(body, shapes):
    # was refused (np.broadcast_arrays and np.broadcast_shapes had no rule)
    args = [away(*shapes[0]), away(*shapes[1])]
    assert_right_all_ways(body, ["x", "y"], args, tuple(", ".join(map(str, s)) for s in shapes))


@pytest.mark.parametrize("body", [
    "a, b = np.broadcast_arrays(x, y)\na[0] = 1.0\nreturn a * b",
    "a, b = np.broadcast_arrays(x, y)\nr = a[0]\nr += 1.0\nreturn a * b",
    "a, b = np.broadcast_arrays(x, y)\na += 1.0\nreturn a * b",
], ids=["item", "row-view", "whole"])
def test_a_write_into_an_array_broadcast_is_refused(body):
    # NumPy's write reaches every element sharing the place written (and x itself): not followed
    source = "def f(x, y):\n" + "".join(f"    {line}\n" for line in body.split("\n"))
    assert_generated_refused(source, [away(4), away(2, 4)], r"an array broadcast .*copy it first")


# --- np.roll's shifts as a list ----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["return np.roll(x, [1, 2], [0, 1])", "return np.roll(x, [1, -2], axis=(0, 1)) * x"])
def test_roll_by_a_list_of_shifts(body):
    # was refused ("np.roll needs a shift of whole numbers")
    assert_right_all_ways(body, ["x"], [away(3, 4)], ("3, 4",))


# --- reshapes in Fortran order ----------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    "x.reshape(-1, order='F')", "x.ravel(order='F')", "x.flatten('F')", "np.ravel(x, 'F')",
    "np.reshape(x, -1, 'F')", "np.reshape(x, (x.shape[1], -1), order='F').ravel()",
    "x.reshape(x.shape[0], -1, order='F').ravel()", "np.reshape(x, shape=(-1,), order='F')",
])
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)], ids=["2x3", "2x3x4"])
def test_a_reshape_in_fortran_order(call, shape):
    # was refused ("np.reshape in order 'F' is not supported"): x.T reshaped in C order, the axes reversed back
    x = away(*shape)
    weights = ", ".join(map(str, shape))
    body = f"return np.sum({call} ** 2 * np.arange(x.size))"
    assert_right_all_ways(body, ["x"], [x], (weights,))


def test_a_fortran_reshape_to_sizes_given_one_by_one():
    source = "def f(x):\n    y = x.reshape(3, 2, order='F')\n    return y @ np.array([1.0, -2.0])\n"
    x = away(2, 3)
    assert_generated_right(source, [x], (RNG.standard_normal(3),))


@pytest.mark.parametrize("body", [
    "y = x.copy()\nv = y.reshape(-1, order='F')\nv[0] = 5.0\nreturn y * 2 + v.sum()",
    "y = x.copy()\nv = y.ravel('F')\ny[0] = 5.0\nreturn v * np.arange(x.size)",
])
def test_writes_through_a_fortran_reshape_stay_refused(body):
    # NumPy's reshape gives a view or a copy by the layout: not followed, as a reshape of a transpose
    source = "def f(x):\n" + "".join(f"    {line}\n" for line in body.split("\n"))
    assert_generated_refused(source, [away(2, 3)], r"may have been changed by the write")


# --- joins of a display repeated ---------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "return np.stack([x] * 3)",
    "return np.concatenate([x, 2 * x] * 2)",
    "return np.vstack(2 * [x]) * y[0]",
    "return np.stack([x] * 3, axis=-1) * x[..., None]",
    "return np.hstack([x, y[:, :1]] * 2)",
], ids=["stack", "concatenate-pair", "vstack-left-count", "stack-last-axis", "hstack-pair"])
def test_a_join_of_a_display_repeated(body):
    # was refused ("np.stack needs a list of arrays written out")
    assert_right_all_ways(body, ["x", "y"], [away(3, 2), away(3, 2)], ("3, 2", "3, 2"))


# --- np.ascontiguousarray ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "return np.ascontiguousarray(x.T) * 2",
    "y = np.ascontiguousarray(x.T)\nreturn y.reshape(-1) * np.arange(x.size)",
    "return np.ascontiguousarray(x, float) ** 2",
    "return np.ascontiguousarray(x, dtype=int) * x",
], ids=["transposed", "reshaped", "dtype-float", "dtype-int"])
def test_ascontiguousarray_is_its_array(body):
    # was refused ("np.ascontiguousarray has no derivative rule"): the same numbers, laid out in C order
    assert_right_all_ways(body, ["x"], [away(2, 3)], ("2, 3",))


def test_a_write_into_ascontiguousarray_of_an_input_stays_refused():
    # NumPy gives x itself where it is C-contiguous: the write would reach x
    assert_generated_refused("def f(x):\n    out = np.ascontiguousarray(x)\n    out[0] *= 2.0\n    return out.sum() * x\n",
                             [away(2, 3)], r"np.ascontiguousarray on line \d+ gives 'x' itself")


# --- np.trapezoid with x along the first axis --------------------------------------------------------


@pytest.mark.parametrize("body, shapes", [
    ("return np.trapezoid(y, x, axis=0)", ((5, 3), (5,))),
    ("return np.trapezoid(y, x, axis=0)", ((4,), (4,))),
    ("return np.trapezoid(y, x=x, axis=0) * y[0]", ((4, 3), (4, 3))),
    ("return np.trapezoid(y, x, axis=0)", ((4, 2, 3), (4, 2, 3))),
], ids=["vector-x", "vectors", "x-of-y-shape", "rank3"])
def test_trapezoid_with_x_along_the_first_axis(body, shapes):
    # was refused ("np.trapezoid with x is read along its last axis")
    y, x = away(*shapes[0]), np.cumsum(RNG.uniform(0.2, 1.0, size=shapes[1]), axis=0)
    assert_right_all_ways(body, ["y", "x"], [y, x], tuple(", ".join(map(str, s)) for s in shapes))


# --- np.quantile and np.percentile with method= -----------------------------------------------------


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("call, shape", [
    ("np.percentile(x, 40, method={m!r})", (3, 4)),
    ("np.quantile(x, [0.25, 0.5, 0.9], method={m!r})", (7,)),
    ("np.quantile(x, 0.3, axis=1, method={m!r}, keepdims=True)", (3, 5)),
    ("np.quantile(x, 0.5, method={m!r})", (4,)),
], ids=["percentile", "list", "axis-keepdims", "half"])
def test_quantiles_by_method(method, call, shape):
    # were refused ("np.percentile has no derivative rule") with method= written, even 'linear'
    assert_right_all_ways("return " + call.format(m=method), ["x"], [away(*shape)], (", ".join(map(str, shape)),))


# --- a join of a split, whole ----------------------------------------------------------------------


@pytest.mark.parametrize("body, shape", [
    ("return np.stack(np.split(x, 2, axis=1), axis=0)", (3, 4)),
    ("return np.concatenate(np.split(x, 2)) * x.ravel()[0]", (4, 3)),
    ("return np.vstack(np.array_split(x, 3)) ** 2", (6, 2)),
    ("return np.column_stack(np.split(x, 2))", (4,)),
], ids=["stack-split", "concatenate-split", "vstack-array-split", "column-stack-split"])
def test_a_join_of_a_split_call(body, shape):
    # was refused ("np.stack needs a list of arrays written out"); bound to a name first it was read
    assert_right_all_ways(body, ["x"], [away(*shape)], (", ".join(map(str, shape)),))


# --- np.std and np.var with correction= (NumPy 2's name of ddof) ------------------------------------


@pytest.mark.parametrize("body", [
    "return np.std(x, correction=1)", "return np.var(x, axis=1, correction=1.5)",
    "return np.std(x, axis=0, correction=1, keepdims=True) * x",
])
def test_std_and_var_with_correction(body):
    # was refused ("np.std: got an unexpected keyword argument 'correction'")
    assert_right_all_ways(body, ["x"], [away(3, 4)], ("3, 4",))


def test_var_with_correction_and_where_stays_refused():
    assert_generated_refused("def f(x):\n    return np.var(x, axis=1, correction=1, where=x > 0)\n", [away(3, 4)],
                             r"np.var: got an unexpected keyword argument 'where'")


# --- np.concatenate and np.stack with out=None or a float dtype ------------------------------------


@pytest.mark.parametrize("body", [
    "return np.concatenate([x, y], axis=0, dtype=float)",
    "return np.stack([x, y], axis=0, dtype=np.float64)",
    "return np.concatenate((x, y), 1, None)",
    "return np.stack((x, y), 1, None)",
    "xs = [x]\nxs.append(y)\nreturn np.concatenate(xs, 1, None, dtype=np.float64) * 2",
], ids=["concatenate-dtype", "stack-dtype", "concatenate-out-none", "stack-out-none", "list-out-none-dtype"])
def test_joins_with_out_none_or_a_float_dtype(body):
    # were refused ("np.concatenate: got an unexpected keyword argument 'out'", "... 'dtype'")
    assert_right_all_ways(body, ["x", "y"], [away(2, 3), away(2, 3)], ("2, 3", "2, 3"))


@pytest.mark.parametrize("call, match", [
    ("np.concatenate([x, y], axis=1, dtype=int)", r"dtype=int\): backgen differentiates this computed in floats"),
    ("np.stack([x, y], out=np.empty((2, 2, 3)))", r"writes its result into an array"),
])
def test_joins_with_an_integer_dtype_or_an_out_array_stay_refused(call, match):
    assert_generated_refused(f"def f(x, y):\n    return {call}\n", [away(2, 3), away(2, 3)], match)
