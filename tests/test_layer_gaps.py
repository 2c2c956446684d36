"""CS231n layers as students write them: a parameter no layer reads, caches built per mode, a dropout
mask held in the settings, each checked against central differences where a gradient exists."""

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen
from numeric import finite_differences

sys.path.insert(0, str(Path(__file__).parent))
from conftest import load_module  # noqa: E402


def module_of(tmp_path, source, name):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return load_module(path)

SANDWICH = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_relu_forward(x, w, b, gamma):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache
'''


def test_a_parameter_no_layer_reads_has_zeros_by_the_decorator_and_is_refused_with_its_reason_by_generate(tmp_path):
    """Its gradient is zeros of its shape: the decorator, given the arrays, returns them; the CS231n
    backward, given dout and the cache alone, cannot know that shape, so generate refuses, saying so."""
    with pytest.raises(backgen.BackgenError, match="'gamma' reaches none of the layers: its gradient is zeros of "
                                                   "its shape, which the backward, given dout and the cache") as info:
        backgen.generate(SANDWICH, name="affine_relu_forward")
    assert info.value.lineno == 14
    module = module_of(tmp_path, SANDWICH, "sandwich_unused")
    rng = np.random.default_rng(3)
    x, w, b, gamma, d = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4), \
        rng.normal(size=(2, 4))
    got = backgen.backward(module.affine_relu_forward).backward(x, w, b, gamma, dout=d)
    want = finite_differences(lambda *a: module.affine_relu_forward(*a)[0], [x, w, b, gamma], range(4), [d])
    for g, v in zip(got, want):
        assert np.shape(g) == np.shape(v)
        np.testing.assert_allclose(g, v, rtol=1e-5, atol=1e-7)


DROPOUT_IN_SETTINGS = '''
import numpy as np

def affine_relu_dropout_forward(x, w, b, dropout_param):
    """
    affine - relu - (inverted) dropout, the mask given in dropout_param.

    - x: (N, D), w: (D, M), b: (M,)
    """
    p = dropout_param['p']
    a = x.dot(w) + b
    h = a.copy()
    h[h < 0] = 0
    mask = dropout_param['mask']
    out = h * mask / p
    cache = (x, w, b, a, mask, p)
    return out, cache
'''


def test_the_decorator_reads_a_dropout_mask_held_in_the_settings_at_each_call(tmp_path):
    """The shapes the docstring gives made the decorator write the code as it decorated, on sample
    settings lacking the mask (a refusal: "'mask': pass the settings"); each call's settings hold it,
    and the backward reads the mask the forward read from them."""
    module = module_of(tmp_path, DROPOUT_IN_SETTINGS, "dropout_in_settings")
    layer = backgen.backward(module.affine_relu_dropout_forward, wrt=("x", "w", "b"))
    rng = np.random.default_rng(5)
    x, w, b, d = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(3, 5))
    for _ in range(2):  # a new mask each call
        settings = {"p": 0.5, "mask": (rng.random((3, 5)) < 0.5).astype(float)}
        got = layer.backward(x, w, b, settings, dout=d)
        want = finite_differences(lambda *a: module.affine_relu_dropout_forward(*a, settings)[0], [x, w, b],
                                  range(3), [d])
        for g, v in zip(got, want):
            np.testing.assert_allclose(g, v, rtol=1e-5, atol=1e-7)
    with pytest.raises(backgen.BackgenError, match="pass the settings"):  # generate sees no settings
        backgen.generate(DROPOUT_IN_SETTINGS, name="affine_relu_dropout_forward")


BATCHNORM_BOTH_MODES = '''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x, x_hat, mu, var, gamma, eps)
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
        cache = (x_hat, gamma, running_var, eps)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
'''


def test_batchnorm_with_a_cache_on_each_path_by_the_decorator_at_both_modes_and_refused_by_generate(tmp_path):
    """The decorator, given the settings, follows the mode they give (it refused: "'cache' is built
    twice"); a backward given dout and the cache alone cannot tell which path made the cache, and
    generate says so at the second cache."""
    module = module_of(tmp_path, BATCHNORM_BOTH_MODES, "batchnorm_both_modes")
    layer = backgen.backward(module.batchnorm_forward, wrt=("x", "gamma", "beta"))
    rng = np.random.default_rng(7)
    x, gamma, beta, d = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3), rng.normal(size=(4, 3))
    for mode in ("train", "test", "train"):
        settings = {"mode": mode, "running_mean": rng.normal(size=3), "running_var": rng.random(3) + 0.5}
        got = layer.backward(x, gamma, beta, dict(settings), dout=d)
        want = finite_differences(lambda *a: module.batchnorm_forward(*a, dict(settings))[0], [x, gamma, beta],
                                  range(3), [d])
        for g, v in zip(got, want):
            np.testing.assert_allclose(g, v, rtol=1e-5, atol=1e-7)
    with pytest.raises(backgen.BackgenError, match="builds a cache on each path") as info:
        backgen.generate(BATCHNORM_BOTH_MODES, name="batchnorm_forward")
    assert info.value.lineno == 28


def test_the_decorator_on_a_layer_given_an_upstream_gradient_for_its_cache_says_what_dout_is(tmp_path):
    """dout=(dout, None) for out, cache: an AttributeError inside the generated code ('tuple' object has
    no attribute 'sum'); the cache is no output to differentiate, and dout is out's alone."""
    module = module_of(tmp_path, SANDWICH, "sandwich_dout_tuple")
    layer = backgen.backward(module.affine_forward)
    x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.ones(4)
    with pytest.raises(TypeError, match="dout is that value's upstream gradient, not a tuple"):
        layer.backward(x, w, b, dout=(np.ones((2, 4)), None))
    np.testing.assert_allclose(layer.backward(x, w, b, dout=np.ones((2, 4)))[2], [2.0] * 4)


WRITTEN_UNUSED = '''
import numpy as np

def layer_forward(x, w, b):
    h = np.tanh(x.dot(w))
    out = h * h
    b[1:] *= 2.0
    cache = (x, w, b)
    return out, cache
'''


@pytest.mark.parametrize("shapes", [None, {"x": "N, D", "w": "D, M", "b": "M"}])
@pytest.mark.parametrize("write", ["b[1:] *= 2.0", "c = b\n    c[0] += 1.0", "c = b.copy()\n    c[0] = 0.0"])
def test_the_zeros_of_a_value_no_output_reads_take_the_shape_of_its_written_version_the_cache_holds(shapes, write):
    """db is zeros of b's shape: the cache holds b as a later write leaves it (or a copy written
    into), an array of that very shape at every shape, so the backward reads its shape (it refused:
    "the backward needs b as it was before line 7 changes it")."""
    from test_layer_acceptance import assert_close, layer_gradients
    source = WRITTEN_UNUSED.replace("b[1:] *= 2.0", write)
    if "c = b.copy()" in write:
        source = source.replace("cache = (x, w, b)", "cache = (x, w, c)")
    rng = np.random.default_rng(11)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got, want, text = layer_gradients(source, "layer_forward", args, shapes)
    assert_close(got, want)
    assert "db = np.zeros_like(b_1" in text or "db = np.zeros_like(c" in text


WRITTEN_AFTER = '''
import numpy as np

def layer_forward(x, w, b):
    v = x[1:]
    cache = (x, w, b)
    out = np.tanh(w.sum(axis=0)) * b
    v[:, :2] += 0.3
    return out, cache
'''


@pytest.mark.parametrize("shapes", [None, {"x": "N, D", "w": "D, M", "b": "M"}])
def test_an_entry_written_through_a_view_after_the_cache_serves_for_its_shape(shapes):
    """x, written through a view after the cache holds it, is read for its shape alone (dx is zeros):
    the write leaves the shape as it was (it refused: "this changes the array of 'x' ...")."""
    from test_layer_acceptance import assert_close, layer_gradients
    rng = np.random.default_rng(13)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got, want, text = layer_gradients(WRITTEN_AFTER, "layer_forward", args, shapes)
    assert_close(got, want)
    assert "dx = np.zeros_like(x" in text


def test_an_entry_written_through_a_view_after_the_cache_whose_values_are_read_is_refused():
    source = WRITTEN_AFTER.replace("np.tanh(w.sum(axis=0)) * b", "np.tanh(x.dot(w)) * b")
    with pytest.raises(backgen.BackgenError, match="this changes the array of 'x', which the cache built on line 6 "
                                                   "holds, after the cache is built"):
        backgen.generate(source, name="layer_forward")
