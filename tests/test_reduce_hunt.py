"""NumPy reductions, broadcasting and contractions at many shapes: size-1 axes, 0-d values, ranks
0 to 4, ties and zeros.

Each case is checked against central finite differences in float64 (``numeric``), or asserted
refused with a ``BackgenError`` and part of its message.  Where the forward has a tie built into it
(a value and its copy), central differences are smooth and the gradient must match them.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences


def assert_right(source, args, douts=(1.0,), name="f"):
    """The generated gradients for every parameter match central differences."""
    assert_generated_right(source, args, douts, name, wrt=list(range(len(args))))


assert_refused = assert_generated_refused


# --- np.linalg.norm of an order below 1 where an element is 0 -------------------------------------


@pytest.mark.parametrize("order", [0.5, 0.3, -1, -2.5])
@pytest.mark.parametrize("annotated", [True, False])
def test_norm_of_order_below_one_at_a_zero_element(order, annotated):
    # |x|^(p-1) is infinite at 0: the subgradient there is 0 (for p > 0, where the norm is even in
    # each element), never 0 * inf (nan); a row the output does not read has gradient 0
    params = 'x: "3, 4"' if annotated else "x"
    x = np.array([[1.0, -0.7, -3.0, 0.5], [0.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.4]])
    read = "n[0] + 2 * n[2]" if order > 0 else "n[0] * 1.5"
    assert_right(f'''
        def f({params}):
            n = np.linalg.norm(x, ord={order}, axis=-1)
            return {read}
    ''', [x])
    assert_right(f'''
        def f({params}):
            return np.linalg.norm(x[0], {order})
    ''', [x])


# --- np.arctan2 at y = x = 0 ---------------------------------------------------------------------


@pytest.mark.parametrize("params", ['x: "3, 1", y: "4"', "x, y"])
def test_arctan2_at_the_origin_where_no_gradient_reaches(params):
    # where x is not its column's largest, the masked value is 0 whatever x is: its gradient is 0,
    # not 0 times the 0 / 0 of arctan2's derivative at (0, 0)
    x = np.array([[0.3], [-0.2], [0.7]])
    y = np.array([0.0, 0.0, 1.0, -2.0])
    assert_right(f'''
        def f({params}):
            t = x * (x == x.max(axis=0, keepdims=True))
            return np.arctan2(t, y * y)
    ''', [x, y], (np.linspace(-1, 1, 12).reshape(3, 4),))


def test_arctan2_of_a_spread_of_one_number():
    # the range along an axis of one element is 0: arctan2(0, 0) there, with a gradient of 0
    assert_right('''
        def f(x: "1", y: "1, 1"):
            t = np.max(y, axis=1) - np.min(y, axis=1)
            return np.sqrt(np.arctan2(t, t) ** 2 + 1) + x
    ''', [np.array([0.4]), np.array([[1.2]])], (np.array([0.7]),))


# --- np.broadcast_to a shape written in the code, without shapes given ----------------------------


@pytest.mark.parametrize("body, args", [
    ("return np.max(np.broadcast_to(x, (3, 4)), axis=0)", [np.array([0.3, -1.2, 0.8, 2.0])]),
    ("return np.broadcast_to(x, (2, 3, 4)).sum(0) * y", [np.array([[0.3], [-1.2], [0.8]]), np.array([0.5, 1.5, -1.0, 2.0])]),
    ("return np.broadcast_to(x[:, None], (3, 4)) * y", [np.array([0.3, -1.2, 0.8]), np.array([0.5, 1.5, -1.0, 2.0])]),
])
def test_broadcast_to_a_written_shape_without_shapes(body, args):
    # the samples take the sizes np.broadcast_to asks for (as they take np.ones((3, 4))'s), where
    # this was refused for want of shapes
    params = ", ".join("xy"[:len(args)])
    text = f"import numpy as np\n\ndef f({params}):\n    {body}\n"
    out = {"np": np}
    exec(text, out)
    douts = (np.linspace(-1, 1, np.size(out["f"](*args))).reshape(np.shape(out["f"](*args))),)
    assert_right(text, args, douts)


# --- matrix norms of an array along two axes other than its last two ------------------------------


@pytest.mark.parametrize("order", ["1", "-1", "np.inf", "-np.inf", "'nuc'", "2", "-2", "'fro'"])
@pytest.mark.parametrize("axis, keepdims", [((2, 0), False), ((0, 2), True), ((-3, 1), False), ((1, -3), True)])
def test_matrix_norm_along_other_axes(order, axis, keepdims):
    # the matrices along axes (rows, columns) of a (2, 3, 4) array: was refused but for the last two
    x = np.random.default_rng(3).normal(size=(2, 3, 4))
    text = f'''
        def f(x: "2, 3, 4"):
            return np.linalg.norm(x, {order}, axis={axis}, keepdims={keepdims}) * 1.5
    '''
    namespace = {"np": np}
    exec(textwrap.dedent(text), namespace)
    shape = np.shape(namespace["f"](x))
    assert_right(text, [x], (np.linspace(-1, 1, int(np.prod(shape))).reshape(shape),))


def test_matrix_norm_along_other_axes_ties_split():
    # the largest column sum is that of a column and its copy: central differences are smooth
    assert_right('''
        def f(x: "3, 2"):
            y = np.concatenate([x, x], axis=1)
            return np.linalg.norm(np.stack([y, 2 * y], axis=1), 1, axis=(0, 2)) + 0.0
    ''', [np.array([[1.0, -0.2], [0.5, 0.3], [-0.4, 0.1]])], (np.array([0.7, -1.3]),))


# --- np.std of values all equal: a std of a rounding error ---------------------------------------


@pytest.mark.parametrize("params", ['x: "4", w: float', "x, w"])
def test_std_of_equal_values_is_flat(params):
    # the mean of three equal numbers is not always that number: np.std of them is 1e-17, not 0, and
    # (a - mean) / std was a gradient of order 1 where central differences give 0 (all move together)
    w = 1.0725
    assert np.std(np.repeat((w * w + 0.5) ** w, 3)) != 0  # (the case: a std of rounding errors)
    assert_right(f'''
        def f({params}):
            t = np.repeat((w * w + 0.5) ** w, 3)
            return np.std(t, axis=0, ddof=1) + np.std(np.broadcast_to(x, (3, 4)), axis=0).sum() + x.std()
    ''', [np.array([0.3, -1.2, 0.8, 2.0]), w])


# --- a fused softmax after a copy written in place --------------------------------------------------


@pytest.mark.parametrize("params", ['x: "1, 1", w: "1, 4"', 'x: "3, 1", w: "1, 4"', "x, w"])
def test_softmax_of_a_copy_written_in_place(params):
    # the copy t1 of t0 is left out (t1_1 = t0 - 1.0): the softmax's comment, words around code,
    # has the name renamed word by word, where it was an internal error
    x, w = np.array([[0.3], [-0.2], [0.5]]), np.array([[0.1, -0.7, 1.2, 0.4]])
    if '"1, 1"' in params:
        x = x[:1]
    assert_right(f'''
        def f({params}):
            t0 = x + w
            t1 = t0.copy()
            t1 -= 1.0
            t2e = np.exp(t1 - np.max(t1, axis=-1, keepdims=True))
            return t2e / np.sum(t2e, axis=-1, keepdims=True)
    ''', [x, w], (np.linspace(-1, 1, 4 * len(x)).reshape(len(x), 4),))


# --- np.einsum with '...' without shapes ----------------------------------------------------------


@pytest.mark.parametrize("spec, shapes", [
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 3)]), ("...ij,...jk->...ik", [(3, 4), (2, 4, 3)]),
    ("...ij,...jk->...ik", [(1, 3, 4), (2, 4, 3)]), ("...ij,jk", [(2, 3, 4), (4, 3)]),
    ("...ii->...i", [(2, 3, 3)]), ("...ii", [(2, 3, 3)]), ("i...->...", [(3, 4, 2)]),
    ("...,...->...", [(3, 1), (4,)]), ("...i,...i", [(3, 4), (4,)]), ("...i,...i->...", [(2, 1, 4), (3, 4)]),
    ("i...,i...", [(3, 4), (3, 1)]), ("...ij->...j", [(2, 3, 4)]), ("ij...,jk...->ik...", [(2, 3, 4), (3, 2, 1)]),
    ("...ii,...ii->...", [(2, 3, 3), (3, 3)]), ("...", [(3, 4)]),
])
def test_einsum_with_ellipsis_without_shapes(spec, shapes):
    # the letters '...' covers come from the ranks as the code runs (_einsum_grad): was refused for
    # want of shapes
    rng = np.random.default_rng(7)
    args = [rng.normal(size=s) for s in shapes]
    names = "xy"[:len(args)]
    text = f"import numpy as np\n\ndef f({', '.join(names)}):\n    return np.einsum({spec!r}, {', '.join(names)}) * 1.5\n"
    shape = np.shape(np.einsum(spec, *args))
    assert_right(text, args, (rng.normal(size=shape) if shape else 0.7,))


# --- np.inner, np.kron and np.vdot without shapes -----------------------------------------------------


def _valid(call, shapes):
    try:
        eval(call, {"np": np}, {"x": np.ones(shapes[0]), "y": np.ones(shapes[1])})
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("call, shapes", [
    (call, shapes) for call in ("np.inner(x, y)", "np.kron(x, y)", "np.vdot(x, y)")
    for shapes in (((3,), (3,)), ((2, 3), (3,)), ((2, 3), (4, 3)), ((), (2, 3)), ((3,), ()), ((2, 3), (3, 2)),
                   ((2, 1, 3), (3,)), ((1, 2), (2, 1, 3)), ((6,), (2, 3)))
    if _valid(call, shapes)])
def test_inner_kron_vdot_without_shapes(call, shapes):
    # the products by the ranks as the code runs (_inner_grad, _kron_grad; vdot's other operand in
    # this one's shape): were refused for want of shapes
    rng = np.random.default_rng(11)
    x, y = (rng.normal(size=s) for s in shapes)
    out = eval(call, {"np": np}, {"x": x, "y": y})
    text = f"import numpy as np\n\ndef f(x, y):\n    return {call} * 1.5\n"
    assert_right(text, [x, y], (rng.normal(size=np.shape(out)) if np.shape(out) else 0.7,))


@pytest.mark.parametrize("params", ['x: "3, 4"', "x"])
def test_std_of_integers(params):
    # an integer array given where the code reads numbers: np.std's gradient of it as of floats
    x = np.array([[1, 2, 3, 3], [4, 4, 4, 4], [0, -2, 5, 1]])
    text = textwrap.dedent(f'''
        def f({params}):
            return np.std(x, axis=1) * 2.0
    ''')
    generated = {}
    exec(backgen.generate(text), generated)
    got = generated["f_backward"](x, np.array([0.3, -0.5, 0.9]))
    want = finite_differences(lambda v: 2.0 * np.std(v, axis=1), [x.astype(float)], [0], (np.array([0.3, -0.5, 0.9]),))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
