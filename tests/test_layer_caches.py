"""Layers whose cache holds what a person writing the backward by hand would read: the backward,
handed the cache the user's forward built, reads it rather than computing again values the gradient
does not need (checked against central finite differences in float64)."""

import re

import numpy as np
import pytest

import backgen
from numeric import finite_differences
from test_layer_acceptance import assert_close, layer_gradients


def rnn_args(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 5)), rng.normal(size=(3, 4)), rng.normal(size=(5, 4)) * 0.3,
            rng.normal(size=(4, 4)) * 0.3, rng.normal(size=(4,))]


SWAPPED_ROWS = '''
import numpy as np

def step_forward(x: 'N, D', prev_h: 'N, H', Wx: 'D, H', Wh: 'H, H', b: 'H'):
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    a[0], a[1] = (a[1].copy(), a[0].copy())
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''


def test_rows_swapped_in_a_value_the_gradient_does_not_read_leave_it_uncomputed():
    """The tanh's gradient reads the cached next_h; a, whose rows a write swaps, is needed by nothing
    (so b, which the cache lacks, is not either)."""
    got, want, text = layer_gradients(SWAPPED_ROWS, "step_forward", rnn_args())
    assert_close(got, want)
    assert not re.search(r"^\s+a = ", text.split("def step_backward")[1], re.M)


HELPER_OF_TWO_LINES = '''
import numpy as np

def _activation(a):
    a = np.tanh(a)
    return a

def _preactivation(b, Wx, Wh, x, prev_h):
    b = x.dot(Wx) + prev_h.dot(Wh) + b
    return b

def step_forward(x: 'N, D', prev_h: 'N, H', Wx: 'D, H', Wh: 'H, H', b: 'H'):
    a = _preactivation(b, Wx, Wh, x, prev_h)
    next_h = _activation(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''


def test_a_helper_of_assignments_then_a_return_is_read_as_its_expression():
    """``a = np.tanh(a); return a`` is ``np.tanh(a)``: the backward reads the cached next_h for the
    tanh's gradient, and b for its shape alone (db = da.sum(axis=0))."""
    got, want, text = layer_gradients(HELPER_OF_TWO_LINES, "step_forward", rnn_args(1))
    assert_close(got, want)
    assert "_backward(" not in text.split("def step_backward")[1]


def test_a_helper_reading_a_value_twice_stays_a_call():
    source = HELPER_OF_TWO_LINES.replace("    a = np.tanh(a)\n    return a", "    s = np.tanh(a)\n    return s * s")
    got, want, text = layer_gradients(source.replace("cache = (x, prev_h, Wx, Wh, next_h)",
                                                     "cache = (x, prev_h, Wx, Wh, b, next_h)"),
                                      "step_forward", rnn_args(2))
    assert_close(got, want)


LAYER_NORM = '''
import numpy as np

def layernorm_forward(x, gamma, beta):
    """Layer norm.

    - x: input of shape (N, D)
    - gamma: scale of shape (D,)
    - beta: shift of shape (D,)
    """
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=1, keepdims=True)
    xn = xc / np.sqrt(var + 1e-05)
    out = xn * gamma + beta
    cache = (xn, gamma, var)
    return out, cache
'''


def layer_norm_args(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 5)), rng.normal(size=(5,)), rng.normal(size=(5,))]


def test_a_value_the_cache_holds_divided_is_multiplied_back():
    """The cache holds xn = xc / sqrt(var + eps) and var, not x: the backward computes xc = xn * den,
    as one writes the layer norm's backward from (xn, gamma, var)."""
    got, want, text = layer_gradients(LAYER_NORM, "layernorm_forward", layer_norm_args())
    assert_close(got, want)
    backward = text.split("def layernorm_backward")[1]
    assert "xc = xn * den" in backward and not re.search(r"^\s+mu = ", backward, re.M)


def test_a_quotient_whose_divisor_the_cache_does_not_give_is_refused():
    source = LAYER_NORM.replace("cache = (xn, gamma, var)", "cache = (xn, gamma)")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs x .*does not hold \(it holds xn, gamma\)"):
        backgen.generate(source, name="layernorm_forward")


def test_a_quotient_broadcast_larger_than_its_dividend_is_refused():
    """c = v / d with v of shape (N, 1) and c of (N, D): v is not c * d."""
    source = '''
import numpy as np

def f(x: 'N, D', w: 'N, D'):
    m = x.sum(axis=1, keepdims=True)
    q = m / w
    out = q * m
    cache = (q, w)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"the backward needs x"):
        backgen.generate(source, name="f")


SAME_CACHE_ON_EACH_PATH = '''
import numpy as np

def affine_forward(x: 'N, D', w: 'D, M', b: 'M', scale: 'M'):
    if np.sum(w) > 0:
        out = x.dot(w) + b
        cache = (x, w, b, scale)
    elif np.sum(b) > 0:
        out = np.tanh(x.dot(w)) * scale
        cache = (x, w, b, scale)
    else:
        out = x.dot(w) * scale
        cache = (x, w, b, scale)
    return out, cache
'''


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_same_cache_built_last_on_each_path_is_built_once_after_the_branches(sign):
    """The backward tells the paths apart by the test, which reads what the cache holds."""
    rng = np.random.default_rng(3)
    args = [rng.normal(size=(3, 4)), np.abs(rng.normal(size=(4, 5))) * sign, rng.normal(size=(5,)),
            rng.normal(size=(5,))]
    for b in (np.abs(args[2]), -np.abs(args[2])):
        got, want, text = layer_gradients(SAME_CACHE_ON_EACH_PATH, "affine_forward", args[:2] + [b] + args[3:])
        assert_close(got, want)
        assert "if np.sum(w) > 0:" in text


def test_caches_that_differ_on_the_paths_are_still_refused():
    source = SAME_CACHE_ON_EACH_PATH.replace("cache = (x, w, b, scale)\n    else", "cache = (x, w, scale, b)\n    else")
    with pytest.raises(backgen.BackgenError, match="builds a cache on each path"):
        backgen.generate(source, name="affine_forward")


RMS_NORM = '''
import numpy as np

def rmsnorm_forward(x, g, eps=1e-6):
    """
    - x: data of shape (N, D)
    - g: gain of shape (D,)
    """
    ms = np.mean(x ** 2, axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(ms + eps)
    out = x * inv * g
    cache = (x, g, inv)
    return out, cache
'''


def test_a_cached_reciprocal_gives_its_divisor_back():
    """inv = 1.0 / den cached: the square root's gradient reads den = 1.0 / inv, not ms + eps."""
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4,)), 1e-6]
    got, want, text = layer_gradients(RMS_NORM, "rmsnorm_forward", args)
    assert_close(got, want)
    assert "den = 1.0 / inv" in text


def test_a_quotient_of_zero_gives_no_divisor_back():
    source = RMS_NORM.replace("inv = 1.0 / np.sqrt(ms + eps)", "inv = 0.0 / np.sqrt(ms + eps) + x")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs eps"):
        backgen.generate(source, name="rmsnorm_forward")


def test_a_value_compared_in_the_backward_is_not_multiplied_back():
    """h = q * w may differ from h by a rounding, which can flip h > 0 (h tiny, q rounded to 0):
    the mask of np.maximum needs h itself."""
    source = '''
import numpy as np

def f(x: 'N, D', w: 'N, D'):
    h = x * 2.0
    q = h / w
    out = np.maximum(h, 0.0) + q
    cache = (q, w)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"the backward needs x .*it holds q, w"):
        backgen.generate(source, name="f")
    got, want, text = layer_gradients(source.replace("out = np.maximum(h, 0.0) + q", "out = np.tanh(h) + q"), "f",
                                      [np.random.default_rng(8).normal(size=(3, 4)), np.ones((3, 4)) * 1.5])
    assert_close(got, want)
    assert "h = q * w" in text


TRANSPOSED_LAYER_NORM = '''
import numpy as np

def layernorm_forward(x, gamma, beta, eps: float):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    xt = x.T
    mu = np.mean(xt, axis=0)
    var = np.var(xt, axis=0)
    x_hat = ((xt - mu) / np.sqrt(var + eps)).T
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, mu, var, eps)
    return out, cache
'''


def test_a_cached_transpose_of_a_quotient_gives_both_back():
    """x_hat = quot.T and quot = num / den: quot = x_hat.T, then num = quot * den."""
    rng = np.random.default_rng(9)
    args = [rng.normal(size=(3, 5)), rng.normal(size=(5,)), rng.normal(size=(5,)), 1e-5]
    got, want, text = layer_gradients(TRANSPOSED_LAYER_NORM, "layernorm_forward", args)
    assert_close(got, want)
    backward = text.split("def layernorm_backward")[1]
    assert "quot = x_hat.T" in backward and "num = quot * den" in backward


def test_a_value_computed_from_one_multiplied_back_and_compared_is_not_multiplied_back():
    source = '''
import numpy as np

def f(x: 'N, D', w: 'N, D'):
    h = x * 2.0
    q = h / w
    t = h * 3.0
    out = np.maximum(t, 0.0) + q
    cache = (q, w)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"the backward needs x .*it holds q, w"):
        backgen.generate(source, name="f")


INV_STD_LAYER_NORM = '''
import numpy as np

def layernorm_forward(x, gamma, beta, eps: float):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = (x_hat, inv_std, gamma)
    return out, cache
'''


def test_a_product_by_a_cached_reciprocal_is_divided_back():
    """x_hat = xmmu * inv_std, inv_std = 1.0 / den (never 0): xmmu = x_hat / inv_std, den = 1.0 / inv_std."""
    rng = np.random.default_rng(10)
    args = [rng.normal(size=(3, 5)), rng.normal(size=(5,)), rng.normal(size=(5,)), 1e-5]
    got, want, text = layer_gradients(INV_STD_LAYER_NORM, "layernorm_forward", args)
    assert_close(got, want)
    assert "xmmu = x_hat / inv_std" in text


def test_a_product_by_a_value_that_may_be_zero_is_not_divided_back():
    source = INV_STD_LAYER_NORM.replace("inv_std = 1.0 / np.sqrt(var + eps)", "inv_std = np.sqrt(var + eps) - 1.0")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs eps, x .*it holds x_hat, inv_std, gamma"):
        backgen.generate(source, name="layernorm_forward")


def test_an_index_the_cache_holds_multiplied_is_not_divided_back():
    """x * 2.0 cached, x an integer index (a word embedding): x computed again as prod / 2.0 is a
    float, which NumPy refuses as an index (fuzz_real seed 172, program 275: the backward raised)."""
    source = '''
import numpy as np

def f(x: 'int N, T', W: 'V, D'):
    out = W.clip(-0.5, 0.5)[x]
    cache = (x * 2.0, W)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"the backward needs x .*np\.add\.at.*it holds x \* 2\.0, W"):
        backgen.generate(source, name="f")
    kept = source.replace("x * 2.0", "x")  # (the index itself cached: right)
    x, W = np.array([[1, 4, 3], [1, 1, 2]]), np.random.default_rng(9).uniform(-1, 1, size=(5, 4))
    forward, backward = {}, {}
    exec(kept, forward)
    exec(backgen.generate(kept, name="f"), backward)
    out, cache = forward["f"](x, W)
    dout = np.random.default_rng(7).normal(size=out.shape)
    want = finite_differences(lambda w: forward["f"](x, w)[0], [W], [0], [dout])
    assert_close((backward["f_backward"](dout, cache),), want)
