"""Indexing, broadcasting and reductions: programs that once gave a wrong gradient or crashed.

Each case is a forward function with its inputs; the generated backward must match central
finite differences (float64) in every float parameter, or backgen must refuse the function
with a ``BackgenError``.  Integer parameters (labels) are passed and not differentiated.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient


def check(source, args, shapes=None, seed=0):
    """Generate, run the backward on ``args`` and a random ``dout``, compare with finite differences."""
    source = textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    out = func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    rng = np.random.default_rng(seed)
    dout = rng.uniform(-1.0, 1.0, np.shape(out)) if np.shape(out) else 0.7
    grads = generated["f_backward"](*args, dout)
    wrt = [k for k, a in enumerate(args) if np.asarray(a).dtype.kind == "f"]
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert len(grads) == len(wrt)

    def objective(*values):
        return float(np.sum(np.asarray(func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values]))
                            * dout))

    for k, got in zip(wrt, grads):
        want = gradient(objective, list(args), k)
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    return text


X = np.array([[0.3, -0.7, 0.5, 0.9], [-0.2, 0.8, -0.6, 0.4], [0.1, -0.5, 0.7, -0.9]])
COLUMN = np.array([[1], [1], [0]])  # labels of shape (3, 1): x[np.arange(3), COLUMN] is of (3, 3)


# --- x[np.arange(N), y] with y broadcasting the rows: an element picked twice -------------------------

def test_rows_picked_again_by_labels_of_a_column():
    check('''
        def f(x: "3, 4", y: "int 3, 1"):
            return x[np.arange(3), y]
    ''', [X, COLUMN])


def test_rows_picked_again_shapes_given():
    check('''
        def f(x, y):
            return x[np.arange(3), y] * 2.0
    ''', [X, COLUMN], shapes={"x": "3, 4", "y": "int 3, 1"})


def test_rows_picked_again_shape_generic():
    check('''
        def f(x):
            return x[np.arange(3), np.array([[1], [1], [0]])]
    ''', [X])


def test_rows_picked_again_after_log_softmax():
    check('''
        def f(x: "3, 4", y: "int 3, 1"):
            p = x - np.log(np.sum(np.exp(x), axis=1, keepdims=True))
            return p[np.arange(3), y]
    ''', [X, COLUMN])


def test_rows_picked_again_by_argmax_of_a_column():
    check('''
        def f(w: "4, 1, 2"):
            t = np.take_along_axis(w, np.argmax(w, axis=-1, keepdims=True), axis=-1)
            return t[np.arange(4), np.argmax(t, axis=1)]
    ''', [np.array([[[0.9, -0.1]], [[0.3, 0.6]], [[-0.2, -0.7]], [[0.8, 0.4]]])])


def test_rows_written_again_keep_the_last_value():
    check('''
        def f(x: "3, 4", v: "3, 3", y: "int 3, 1"):
            z = x.copy()
            z[np.arange(3), y] = v
            return z
    ''', [X, np.arange(9.0).reshape(3, 3) / 10, COLUMN])


def test_rows_picked_once_stay_hand_style():
    text = check('''
        def f(x: "3, 4", y: "int 3"):
            return x[np.arange(3), y]
    ''', [X, np.array([1, 1, 0])])
    assert "dx[np.arange(3), y] = dout" in text


# --- np.take of a number along an axis --------------------------------------------------------------

def test_take_of_a_number_along_an_axis():
    check('''
        def f(x: float, y: "int 3"):
            return np.take(x, y, axis=0) * np.arange(3.0)
    ''', [0.7, np.array([0, 0, -1])])


def test_take_of_a_number_along_the_last_axis():
    check('''
        def f(x: float):
            return np.take(x, [0, 0], axis=-1)
    ''', [0.7])


def test_one_row_picked_again_by_three_labels():
    check('''
        def f(x: "1, 4", w: "1"):
            N = x.shape[0]
            t = x.copy()
            t[np.arange(N), [0, 1, 0]] *= w
            return t * x[np.arange(1), [2, 2]].sum()
    ''', [np.array([[0.3, -0.7, 0.5, 0.9]]), np.array([0.4])])


def test_rows_picked_once_with_a_length_computed():
    text = check('''
        def f(x: "3, 4", y: "int 3"):
            N = x.shape[0]
            return x[np.arange(N), y] * x[np.arange(len(y) - 1 + 1), y]
    ''', [X, np.array([1, 1, 0])])
    assert "add.at" not in text


# --- x[...] of a number: its gradient may be a Python float ------------------------------------------

@pytest.mark.parametrize("body", ["np.sum(x)[...]", "np.transpose(np.sum(x))[...].sum() * 2.0"])
def test_ellipsis_of_a_number(body):
    check(f'''
        def f(x: "4"):
            return {body}
    ''', [np.array([0.3, -0.7, 0.5, 0.9])])


def test_ellipsis_of_a_number_shape_generic():
    check('''
        def f(x):
            return np.sum(x)[...]
    ''', [np.array([0.3, -0.7, 0.5, 0.9])])


# --- np.take_along_axis where the indices broadcast an axis of 1 of the array ----------------------

ROW = np.array([[0.3, -0.7, 0.5, 0.9]])


@pytest.mark.parametrize("source, args", [
    ('def f(x: "1, 4"):\n    return np.take_along_axis(x, np.array([0, 1, 1])[:, None], axis=1)', [ROW]),
    ('def f(x):\n    return np.take_along_axis(x, np.array([0, 1, 1])[:, None], axis=-1)', [ROW]),
    ('def f(x: "1, 4", y: "int 3"):\n    return np.take_along_axis(x, y[:, None], axis=1)', [ROW, np.array([0, 3, 3])]),
    ('def f(x: "2, 1, 4"):\n    return np.take_along_axis(x, np.array([[[0], [1], [1]]]), axis=-1)',
     [np.arange(8.0).reshape(2, 1, 4) / 10 - 0.3]),
    ('def f(x: "3, 1"):\n    return np.take_along_axis(x, np.array([[0, 0, 0]]), axis=0)', [X[:, :1]]),
    ('def f(x):\n    return np.take_along_axis(x, np.array([[0, 0, 0]]), axis=0)', [X[:, :1]]),
])
def test_take_along_axis_broadcasting_the_array(source, args):
    check(source, args)


# --- np.repeat with a count for each element ----------------------------------------------------------

@pytest.mark.parametrize("source", [
    'def f(x: "2, 3, 4"):\n    return np.repeat(x, [1, 2, 1, 0], axis=-1)',
    'def f(x: "2, 3, 4"):\n    return np.repeat(x, [1, 2, 0], axis=1) * 2.0',
    'def f(x: "2, 3, 4"):\n    return np.repeat(x, (3, 0), axis=0)',
    'def f(x: "2, 3, 4"):\n    return np.repeat(x[0], list_counts)'.replace("list_counts", str([1, 0, 2] * 4)),
    'def f(x: "2, 3, 4"):\n    return x[0, 0].repeat([1, 0, 2, 3])',
    'def f(x: "2, 3, 4"):\n    return np.repeat(x[0, 0], [2])',
    'def f(x):\n    return np.repeat(x, [1, 2, 1, 0], axis=-1)',
])
def test_repeat_with_counts_written_out(source):
    check(source, [np.arange(24.0).reshape(2, 3, 4) / 10 - 1.1])


# --- reductions from a start (initial=), with a mask (where=) or without -----------------------------

@pytest.mark.parametrize("body", [
    "np.max(x, axis=1, initial=0.5)",
    "np.max(x, axis=1, initial=-1.0, where=x < 0.45)",
    "x.min(axis=0, initial=0.2, keepdims=True)",
    "np.amin(x, 1, initial=0.2, where=x > -0.55)",
    "np.sum(x, axis=0, initial=2.0) + x.sum(initial=1.0, where=x > 0)",
    "np.prod(x, axis=-1, where=x > 0) * np.prod(x, initial=2.0)",
    "np.max(x, initial=5.0) + x.max(initial=-5.0)",
])
def test_reductions_from_a_start(body):
    check(f'''
        def f(x: "3, 4"):
            return {body}
    ''', [X])


def test_max_from_a_start_given():
    check('''
        def f(x: "3, 4", v: float):
            return np.max(x, axis=0, initial=v, where=x > 0.0)
    ''', [X, 0.45])


def test_max_with_a_mask_and_no_start_is_refused():
    with pytest.raises(backgen.BackgenError, match="where"):  # (NumPy raises there too)
        backgen.generate('def f(x: "3, 4"):\n    return np.max(x, where=x > 0)\n', name="f")


# --- np.inner of a number: the product -----------------------------------------------------------------

@pytest.mark.parametrize("body", ["np.inner(x, s)", "np.inner(s, x[0]) * x[1]", "np.inner(s, s * 2.0) * x"])
def test_inner_of_a_number(body):
    check(f'''
        def f(x: "3, 4", s: float):
            return {body}
    ''', [X, 0.7])


# --- np.repeat and np.tile by a count computed: of constants, of an integer parameter--------------------------

@pytest.mark.parametrize("body, n", [
    ("np.repeat(x, n + 1, axis=0)", 2),
    ("np.repeat(x, 2 * n).sum() + x.sum()", 0),
    ("np.repeat(x, 2 * n - 1)", 2),
    ("np.tile(x, (n + 1, 1, n // 2 + 1))", 2),
    ("np.tile(x, (len(x) - 1, n)).sum() + x", 0),
    ("np.repeat(x, x.shape[1] // 2, axis=1)", 0),
    ("np.repeat(x, 2 + 1, axis=-1)", 0),
    ("np.tile(x, 1 + 1) * n", 1),
    ("np.tile(x, (2 * 1, -1 + 2))", 1),
])
def test_counts_computed_from_a_parameter(body, n):
    check(f'''
        def f(x: "3, 4", n: int):
            return {body}
    ''', [X, n])


# --- the indices along one axis of a mask of several: a row once for each element kept in it ----------

def test_rows_of_the_elements_of_a_mask():
    check('''
        def f(x: "3, 4"):
            return x[np.where(x > 0)[0]]
    ''', [X])


def test_rows_of_the_elements_of_a_mask_copied():
    check('''
        def f(x: "3, 4"):
            t = np.nonzero(x > 0)
            r = t[0].copy()
            return x[r] * 2.0
    ''', [X])


def test_rows_of_the_elements_of_a_mask_written():
    check('''
        def f(x: "3, 4", v: "4"):
            z = x.copy()
            r = np.nonzero(x > 0)[0]
            z[r] = v * np.arange(1.0, len(r) + 1.0)[:, None]
            return z
    ''', [X, np.array([0.2, -0.4, 0.6, 0.8])])


def test_indices_of_a_mask_of_one_axis_stay_hand_style():
    text = check('''
        def f(x: "3, 4"):
            return x[0][np.where(x[0] > 0)[0]]
    ''', [X])
    assert "add.at" not in text


# --- np.compress and np.extract: the selections they are ------------------------------------------------

@pytest.mark.parametrize("body", [
    "np.compress(x[:, 0] > 0, x, axis=0)",
    "np.compress([True, False, True, True], x, axis=1)",
    "np.compress([True, False, True], x, 0) * 2.0",
    "np.compress(x.ravel() > 0, x)",
    "np.compress([False, True], x, axis=-1)",
    "np.extract(x > 0, x)",
    "np.extract(x[0] > 0, x[1] * x[2])",
    "np.compress(condition=x[0] > 0, a=x, axis=1)",
])
def test_compress_and_extract(body):
    check(f'''
        def f(x: "3, 4"):
            return {body}
    ''', [X])


# --- np.trace over other axes than the first two (a stack of matrices) ------------------------------

@pytest.mark.parametrize("body, shape", [
    ("np.trace(x, axis1=1, axis2=2)", (2, 3, 4)),
    ("np.trace(x, axis1=2, axis2=1)", (2, 3, 4)),
    ("np.trace(x, -1, 2, 0)", (2, 3, 4)),
    ("np.trace(x, axis1=-1, axis2=1)", (2, 3, 4, 3)),
    ("x.trace(axis1=0, axis2=3)", (2, 3, 4, 3)),
    ("np.trace(x, 1, axis1=1, axis2=0)", (3, 4)),
])
def test_trace_over_other_axes(body, shape):
    check(f'''
        def f(x: "{', '.join(map(str, shape))}"):
            return {body}
    ''', [np.sin(np.arange(float(np.prod(shape)))).reshape(shape)])


# --- axes computed from ranks (x.ndim - 1): constants in code written for given shapes ------------------

@pytest.mark.parametrize("lines", [
    "return np.sum(x, axis=x.ndim - 1)",
    "return np.mean(x, axis=len(x.shape) - 2, keepdims=True) - x",
    "k = x.ndim\n    return np.std(x, axis=k - 1)",
    "return np.cumsum(x, axis=x.ndim - 2)",
    "return np.linalg.norm(x, axis=x.ndim - 1, keepdims=True)",
    "return np.take(x, [0, 2], axis=x.ndim - 1)",
    "return np.concatenate([x, x], axis=x.ndim - 1)",
    "return np.stack([x, x], axis=-x.ndim)",
    "axes = (x.ndim - 2, x.ndim - 1)\n    return np.sum(x, axis=axes)",
    "return np.sum(x, axis=x.ndim - 1)[..., None] * x.mean(axis=np.ndim(x) - 3)",
])
def test_axes_computed_from_ranks(lines):
    check('def f(x: "B, N, D"):\n    ' + lines + "\n", [np.sin(np.arange(24.0)).reshape(2, 3, 4)])


def test_axis_computed_from_a_size_is_refused():
    with pytest.raises(backgen.BackgenError, match="must be a constant"):
        backgen.generate('def f(x: "2, 3, 4"):\n    return np.sum(x, axis=x.shape[0] - 1)\n', name="f")


# --- np.take of indices the data finds: a length the data decides, broadcast ---------------------------

ONE_KEPT = np.sin(np.arange(24.0) - 0.5).reshape(2, 3, 4)  # x.ravel()[:2] > 0 keeps one row: t broadcasts


@pytest.mark.parametrize("taken", [
    "np.take(x, np.flatnonzero(x.ravel()[:2] > 0), axis=0)",
    "np.take(x, np.nonzero(x.ravel()[:2] > 0)[0], axis=0)",
    "np.compress(x.ravel()[:2] > 0, x, axis=0)",
    "np.take_along_axis(x, np.flatnonzero(x.ravel()[:2] > 0)[:, None, None], axis=0)",
])
def test_taken_by_indices_the_data_finds(taken):
    assert np.sum(ONE_KEPT.ravel()[:2] > 0) == 1
    check(f'''
        def f(x: "2, 3, 4"):
            t = {taken}
            return np.sum(t * np.abs(x), axis=1, keepdims=True).sum()
    ''', [ONE_KEPT])


# --- np.diagonal over the last two axes (a stack of matrices) ------------------------------------------

@pytest.mark.parametrize("body, shape", [
    ("np.diagonal(x, axis1=-2, axis2=-1)", (2, 3, 3)),
    ("np.diagonal(x, 1, 2, 1)", (2, 3, 4)),
    ("np.diagonal(x, -1, 2, 1)", (2, 3, 4)),
    ("x.diagonal(-1, 1, 0)", (3, 2)),
    ("np.diagonal(x, 0, -1, -2)", (2, 2, 3, 4)),
    ("np.log(np.abs(np.diagonal(x, axis1=-2, axis2=-1))).sum(axis=-1)", (2, 3, 3)),
])
def test_diagonal_of_a_stack(body, shape):
    check(f'''
        def f(x: "{', '.join(map(str, shape))}"):
            return {body}
    ''', [np.sin(np.arange(float(np.prod(shape))) + 0.3).reshape(shape)])


def test_diagonal_over_other_axes():
    # (refused before: 'a diagonal is differentiated over the first two axes ... or over the last two')
    check('''
        def f(x: "2, 3, 4"):
            return np.diagonal(x, axis1=0, axis2=2)
    ''', [np.sin(np.arange(24.0) + 0.3).reshape(2, 3, 4)])


# --- np.vdot of an array of one element and a number --------------------------------------------------

@pytest.mark.parametrize("body", ["np.vdot(x, 0.5)", "np.vdot(s, x) * 2.0", "np.vdot(x.reshape(1, 1), s)"])
def test_vdot_with_a_number(body):
    check(f'''
        def f(x: "1", s: float):
            return {body}
    ''', [np.array([0.7]), 0.3])


# --- matrix norms over the axes taken the other way round, and with keepdims ------------------------------

@pytest.mark.parametrize("body", [
    "np.linalg.norm(x, ord=1, axis=(1, 0))",
    "np.linalg.norm(x, ord=np.inf, axis=(1, 0))",
    "np.linalg.norm(x, ord=-1, axis=(-1, 0))",
    "np.linalg.norm(x, ord=-np.inf, axis=(1, -2))",
    "np.linalg.norm(x, ord=2, axis=(1, 0))",
    "np.linalg.norm(x, ord=1, axis=(-2, 1), keepdims=True) * x",
    "np.linalg.norm(x, ord=np.inf, axis=(1, 0), keepdims=True) * x",
    "np.linalg.norm(x, ord=np.inf, keepdims=True) * x",
])
def test_matrix_norms_of_axes_and_keepdims(body):
    check(f'''
        def f(x: "3, 4"):
            return {body}
    ''', [np.sin(np.arange(12.0) * 1.7).reshape(3, 4)])


@pytest.mark.parametrize("b", [[1.5, 0.3, 0.2], [1.5, 1.3, 1.2]])
@pytest.mark.parametrize("taken", ["np.take(b, idx)", "b[idx]"])
def test_taken_by_indices_found_broadcast_as_the_code_runs(taken, b):
    text = check(f'''
        def f(b: "3", c: "3"):
            idx = np.nonzero(b > 1.0)[0]
            return np.sum({taken} * c)
    ''', [np.array(b), np.array([0.7, -0.4, 0.9])])
    assert "_unbroadcast(" in text
