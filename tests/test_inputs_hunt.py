"""What a user passes to the decorator's backward: upstream gradients that are integers, lists, numbers
for array outputs or of other shapes, arrays with no rows, lists where the code is written for numbers,
and arrays in other layouts and dtypes.  Each gradient is checked against central finite differences
in float64 (``numeric``), computed on float64 copies; each input and upstream gradient is checked left
as it was; what backgen cannot serve is a TypeError naming the argument and what to pass.
"""

import math
import warnings

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported

SOURCE = '''
import math

import numpy as np


def affine(x, w, b):
    return x.dot(w) + b


def logsumexp(x):
    m = x.max()
    return m + np.log(np.sum(np.exp(x - m)))


def mse(pred, target):
    diff = pred - target
    return np.mean(diff ** 2)


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    return -np.sum(log_probs[np.arange(N), y]) / N


def out_cache(x, w, b):
    out = x @ w + b
    cache = (x, w, b)
    return out, cache


def returns_two(x, w):
    out = x @ w
    return out, np.sum(out ** 2)


def dropout_eval(x, p=0.5):
    return x * (1 - p)


def scalar_sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def conv1d_valid(x, w):
    K = w.shape[0]
    L = x.shape[0] - K + 1
    out = np.zeros(L)
    for i in range(L):
        out[i] = np.sum(x[i:i + K] * w)
    return out


def masked(x):
    return x[x > 0] * 2.0


def layernorm(x, gamma, beta):
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + 1e-5) + beta
'''

FUNCS = imported(SOURCE, "inputs_hunt")
RNG = np.random.RandomState(7)
X = RNG.randn(3, 4)
W = RNG.randn(4, 2)
B = RNG.randn(2)


def _right(name, args, douts, got, wrt):
    """``got`` (the gradients for the positions ``wrt``) matches central differences at float64 copies."""
    func = FUNCS[name]
    args64 = [np.asarray(a, dtype=float) if k in wrt else a for k, a in enumerate(args)]
    d64 = [d if d is None else np.asarray(d, dtype=float) for d in douts]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = finite_differences(lambda *v: func(*v), args64, wrt, d64)
    got = got if len(wrt) > 1 else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True)


def _unchanged(before, after):
    for b, a in zip(before, after):
        assert type(a) is type(b)
        if isinstance(b, np.ndarray):
            assert np.array_equal(a, b) and a.dtype == b.dtype


# --- upstream gradients as people pass them --------------------------------------------------------


def test_an_integer_dout_of_a_number_output_is_read_as_a_float():
    # dout=2 went into an integer array the code then added floats into (UFuncTypeError)
    f = backgen.backward(FUNCS["logsumexp"])
    x = np.array([0.3, -1.2, 0.8, 2.1])
    _right("logsumexp", [x], [2.0], f.backward(x, dout=2), [0])
    _right("logsumexp", [x], [3.0], f.backward(x, dout=np.int64(3)), [0])


def test_an_integer_array_dout_is_read_as_floats():
    f = backgen.backward(FUNCS["affine"])
    dout = np.arange(6).reshape(3, 2) - 2
    given = dout.copy()
    _right("affine", [X, W, B], [dout], f.backward(X, W, B, dout=dout), [0, 1, 2])
    _unchanged([given], [dout])


@pytest.mark.parametrize("kind", [list, tuple])
def test_a_list_dout_of_an_array_output_is_its_array(kind):
    # dout.tolist() reached the code as a list: 'list' object has no attribute 'sum'
    f = backgen.backward(FUNCS["affine"])
    dout = RNG.randn(3, 2)
    given = kind(map(list, dout)) if kind is list else kind(map(tuple, dout))
    _right("affine", [X, W, B], [dout], f.backward(X, W, B, dout=given), [0, 1, 2])


def test_a_number_dout_of_the_array_a_layer_returns_beside_its_cache_is_refused():
    # out, cache = f(...): dout=1.0 reached code reading dout's axes (AttributeError)
    f = backgen.backward(FUNCS["out_cache"])
    with pytest.raises(TypeError, match=r"out_cache returns an array of shape \(3, 2\) as its first value, so dout"):
        f.backward(X, W, B, dout=1.0)


def test_a_dout_of_another_shape_than_the_array_a_layer_returns_beside_its_cache_is_refused():
    # a ValueError of a matmul inside the generated code before
    f = backgen.backward(FUNCS["out_cache"])
    with pytest.raises(TypeError, match=r"dout has shape \(7, 2\), where out_cache returns an array of shape \(3, 2\)"):
        f.backward(X, W, B, dout=np.ones((7, 2)))
    _right("out_cache", [X, W, B], [np.ones((3, 2))], f.backward(X, W, B, dout=np.ones((3, 2))), [0, 1, 2])


def test_a_number_dout_of_an_array_output_among_several_is_refused():
    # dout=(1.0, 1.0) for (array, number): 'float' object has no attribute 'copy'
    f = backgen.backward(FUNCS["returns_two"])
    with pytest.raises(TypeError, match=r"returns_two returns an array of shape \(3, 2\) as its output 0, "
                                        r"so dout\[0\]"):
        f.backward(X, W, dout=(1.0, 1.0))
    douts = (RNG.randn(3, 2), 0.7)
    _right("returns_two", [X, W], list(douts), f.backward(X, W, dout=douts), [0, 1])


def test_a_longer_dout_of_a_loop_filled_output_is_refused():
    # the loop reads dout[i] for the output's items only: a dout of 9 items gave gradients silently
    f = backgen.backward(FUNCS["conv1d_valid"])
    x, w = RNG.randn(8), RNG.randn(3)
    for _ in range(2):  # (the second call: the output's shape as known for these shapes)
        with pytest.raises(TypeError, match=r"dout has shape \(9,\), where conv1d_valid returns an array of "
                                            r"shape \(6,\)"):
            f.backward(x, w, dout=np.ones(9))
        dout = RNG.randn(6)
        _right("conv1d_valid", [x, w], [dout], f.backward(x, w, dout=dout), [0, 1])


def test_an_output_of_a_shape_its_values_decide_takes_its_dout():
    # x[x > 0] has as many items as x has positive ones: the shape known for other values is not refused
    f = backgen.backward(FUNCS["masked"])
    for x in (np.array([0.5, -1.0, 2.0, 0.3]), np.array([-0.5, 1.0, -2.0, 0.3])):
        dout = RNG.randn(int(np.sum(x > 0)))
        _right("masked", [x], [dout], f.backward(x, dout=dout), [0])


def test_an_array_dout_of_a_number_output_is_refused():
    # the code for numbers broadcast it: dz came back an array of dout's shape
    f = backgen.backward(FUNCS["scalar_sigmoid"])
    with pytest.raises(TypeError, match=r"the gradient of the number z came out of shape \(3,\): dout"):
        f.backward(0.4, dout=np.ones(3))
    _right("scalar_sigmoid", [0.4], [1.5], f.backward(0.4, dout=1.5), [0])


# --- inputs of no rows, lists for numbers --------------------------------------------------------


@pytest.mark.parametrize("name", ["mse", "softmax_loss"])
def test_arrays_of_no_rows_are_refused_where_the_backward_divides_by_their_size(name):
    # dout / N with N = 0 (Python numbers) raised ZeroDivisionError inside the code; the forward's NumPy gives
    # nan there, which has no gradient (a weight's would have been its other terms' alone)
    f = backgen.backward(FUNCS[name])
    x = np.zeros((0, 4))
    second = np.zeros((0, 4)) if name == "mse" else np.zeros(0, dtype=int)
    with pytest.raises(ValueError, match=r"pred has no elements \(shape \(0, 4\)\)|x has no elements"):
        f.backward(x, second)


def test_softmax_loss_of_one_row_is_right():
    f = backgen.backward(FUNCS["softmax_loss"])
    x, y = RNG.randn(1, 5), np.array([3])
    _right("softmax_loss", [x, y], [1.0], f.backward(x, y), [0])


@pytest.mark.parametrize("given", [lambda x: x.tolist(), lambda x: x[0].tolist(), lambda x: tuple(x[0])])
def test_a_list_given_code_written_for_numbers_is_refused(given):
    # x * (1 - p) calls no NumPy: the code for numbers, given a list and an array dout, returned p's
    # gradient as an array of dout's shape
    f = backgen.backward(FUNCS["dropout_eval"])
    x = given(X)
    with pytest.raises(TypeError, match=r"x is given a (list|tuple), which dropout_eval computes with as a number"):
        f.backward(x, dout=np.ones(np.shape(x)))
    got = f.backward(X, dout=np.ones(X.shape))  # (an array: NumPy's arithmetic, right)
    _right("dropout_eval", [X, 0.5], [np.ones(X.shape)], got, [0, 1])


# --- arrays in other layouts and kinds: right, and left as they were ------------------------------


def _layouts():
    x = RNG.randn(3, 4)
    wide = np.stack([x, x + 7.0], axis=-1)
    readonly = x.copy()
    readonly.setflags(write=False)
    return {
        "strided view": wide[..., 0],
        "transposed": np.ascontiguousarray(x.T).T,
        "fortran": np.asfortranarray(x),
        "read-only": readonly,
        "broadcast_to": np.broadcast_to(x, x.shape),
        "float32": x.astype(np.float32),
    }


@pytest.mark.parametrize("layout", sorted(_layouts()))
def test_layernorm_of_any_layout_is_right_and_leaves_its_inputs(layout):
    f = backgen.backward(FUNCS["layernorm"])
    x = _layouts()[layout]
    gamma, beta = RNG.randn(4), RNG.randn(4)
    dout = np.broadcast_to(RNG.randn(1, 4), (3, 4))  # (a read-only view too)
    before = [a.copy() for a in (x, gamma, beta, dout)]
    got = f.backward(x, gamma, beta, dout=dout)
    _unchanged(before, [x, gamma, beta, dout])
    assert x.flags.writeable == (layout not in ("read-only", "broadcast_to"))
    if layout == "float32":
        # float32 x times a float64 dout: float64, as NumPy's arithmetic gives
        assert got[0].dtype == np.float64
        got = tuple(np.asarray(g, dtype=float) for g in got)
        want_tol = 1e-3
    else:
        want_tol = None
    if want_tol is None:
        _right("layernorm", [x, gamma, beta], [dout], got, [0, 1, 2])
    else:
        func = FUNCS["layernorm"]
        want = finite_differences(func, [x.astype(float), gamma, beta], [0, 1, 2], [np.asarray(dout)])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=want_tol, atol=want_tol)


def test_float32_inputs_and_dout_give_float32_gradients():
    f = backgen.backward(FUNCS["affine"])
    x, w, b = X.astype(np.float32), W.astype(np.float32), B.astype(np.float32)
    got = f.backward(x, w, b, dout=np.ones((3, 2), np.float32))
    assert [g.dtype for g in got] == [np.float32] * 3


def test_math_code_takes_numpy_numbers_and_integers():
    f = backgen.backward(FUNCS["scalar_sigmoid"])
    want = finite_differences(FUNCS["scalar_sigmoid"], [1.0], [0], [1.0])[0]
    for z in (1, np.float64(1.0), np.int64(1)):
        assert math.isclose(f.backward(z), want, rel_tol=1e-6)


# --- a layer's backward(dout, cache) ----------------------------------------------------------------


def test_a_layer_s_dout_as_a_list_or_integers_is_its_array():
    # dout.tolist() reached the code as a list (AttributeError); dout=2 of a loss added floats into integers
    affine = backgen.layer(FUNCS["affine"])
    out, cache = affine.forward(X, W, B)
    dout = RNG.randn(*out.shape)
    _right("affine", [X, W, B], [dout], affine.backward(dout.tolist(), cache), [0, 1, 2])
    loss = backgen.layer(FUNCS["logsumexp"])
    x = np.array([0.3, -1.2, 0.8, 2.1])
    value, cache = loss.forward(x)
    _right("logsumexp", [x], [2.0], loss.backward(2, cache), [0])


def test_a_layer_s_output_of_one_number_takes_a_number_dout():
    affine = backgen.layer(FUNCS["affine"])
    x, w, b = RNG.randn(1, 4), RNG.randn(4, 1), RNG.randn(1)
    out, cache = affine.forward(x, w, b)
    for dout in (0.7, np.array(0.7), np.full((1, 1), 0.7)):
        _right("affine", [x, w, b], [np.full((1, 1), 0.7)], affine.backward(dout, cache), [0, 1, 2])


def test_a_layer_s_dout_of_another_shape_or_kind_is_refused():
    conv = backgen.layer(FUNCS["conv1d_valid"])
    x, w = RNG.randn(8), RNG.randn(3)
    out, cache = conv.forward(x, w)
    with pytest.raises(TypeError, match=r"dout has shape \(9,\), where conv1d_valid.forward returned an array "
                                        r"of shape \(6,\)"):
        conv.backward(np.ones(9), cache)  # (the loop read its first 6 items: gradients of nothing)
    with pytest.raises(TypeError, match=r"dout is the upstream gradient of an array of shape \(6,\), an array"):
        conv.backward(1.0, cache)
    dout = RNG.randn(6)
    _right("conv1d_valid", [x, w], [dout], conv.backward(dout, cache), [0, 1])
    loss = backgen.layer(FUNCS["logsumexp"])
    value, cache = loss.forward(np.array([0.3, -1.2]))
    with pytest.raises(TypeError, match=r"dout is the upstream gradient of a number, a number, not an array"):
        loss.backward(np.ones(2), cache)


def test_a_0d_array_dout_of_an_array_output_is_refused():
    # np.array(1.0) passed the check for numbers: layernorm's dbeta = dout.sum(axis=0) gave 1.0 for 3 rows
    f = backgen.backward(FUNCS["layernorm"])
    gamma, beta = RNG.randn(4), RNG.randn(4)
    with pytest.raises(TypeError, match=r"layernorm returns an array, so dout, its upstream gradient, is an array of "
                                        r"shape \(3, 4\), not the 0-d array"):
        f.backward(X, gamma, beta, dout=np.array(1.0))
    g = backgen.backward(FUNCS["returns_two"])
    with pytest.raises(TypeError, match=r"as its output 0, so dout\[0\]"):
        g.backward(X, W, dout=(np.array(1.0), 1.0))
    affine = backgen.layer(FUNCS["affine"])
    out, cache = affine.forward(X, W, B)
    with pytest.raises(TypeError, match=r"an array of that shape, not the number array\(1\.0?\)"):
        affine.backward(np.array(1.0), cache)


def test_dout_passed_by_position_to_the_decorator_s_backward_is_said_to_go_by_keyword():
    f = backgen.backward(FUNCS["affine"])
    with pytest.raises(TypeError, match=r"too many positional arguments \(the upstream gradient is passed by keyword: "
                                        r"affine.backward\(\.\.\., dout=\.\.\.\)\)"):
        f.backward(X, W, B, np.ones((3, 2)))
    with pytest.raises(TypeError, match=r"too many positional arguments$"):
        backgen.layer(FUNCS["affine"]).forward(X, W, B, np.ones((3, 2)))


def test_a_number_dout_of_an_array_of_one_number_is_that_array():
    # an output of shape (1, 1) took dout=0.7 into code reading its axes (dout.sum(axis=0)): AttributeError
    f = backgen.backward(FUNCS["affine"])
    x, w, b = RNG.randn(1, 4), RNG.randn(4, 1), RNG.randn(1)
    for dout in (0.7, np.array(0.7), np.float32(0.7)):
        _right("affine", [x, w, b], [np.full((1, 1), 0.7)], f.backward(x, w, b, dout=dout), [0, 1, 2])
    g = backgen.backward(FUNCS["out_cache"])
    _right("out_cache", [x, w, b], [np.full((1, 1), 0.7)], g.backward(x, w, b, dout=0.7), [0, 1, 2])


def test_a_layer_given_no_rows_where_its_backward_divides_by_their_number_is_refused():
    loss = backgen.layer(FUNCS["softmax_loss"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, cache = loss.forward(np.zeros((0, 5)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"softmax_loss.forward was given an array of no elements"):
        loss.backward(1.0, cache)
