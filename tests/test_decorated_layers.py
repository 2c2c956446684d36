"""CS231n layers (forwards returning ``out, cache``) as students write them, through the decorator
(``backgen.backward``, ``backgen.layer``) and ``generate``: gradients against central differences."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backgen  # noqa: E402
from numeric import gradient, weighted  # noqa: E402


def _module(tmp_path, text, tag):
    path = tmp_path / f"declayers_{tag}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _douts(outs):
    return [np.linspace(0.5, 1.5, np.size(v)).reshape(np.shape(v)) for v in outs]


def _check(forward, got, args, wrt, douts):
    """``got`` (one gradient per position in ``wrt``) against central differences of sum(out * dout)."""
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(wrt)
    objective = weighted(lambda *a: forward(*a)[:-1], douts)
    for g, k in zip(got, wrt):
        np.testing.assert_allclose(g, gradient(objective, list(args), k), rtol=1e-5, atol=1e-7)


def check_decorated(forward, args, wrt):
    """The decorator's backward and the layer form's (forward, then backward(dout, cache)), both against
    central differences."""
    names = tuple(list(forward.__code__.co_varnames)[k] for k in wrt)
    douts = _douts(forward(*args)[:-1])
    decorated = backgen.backward(forward, wrt=names)
    _check(forward, decorated.backward(*args, dout=douts[0] if len(douts) == 1 else tuple(douts)), args, wrt, douts)
    layer = backgen.layer(forward, wrt=names)
    *_, cache = layer.forward(*args)
    _check(forward, layer.backward(*douts, cache), args, wrt, douts)
    return decorated


SPATIAL = '''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    cache = (x, x_hat, mu, var, gamma, beta, eps)
    return out, cache

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    out, cache = None, None
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out_flat, cache = batchnorm_forward(x_flat, gamma, beta, bn_param)
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, cache
'''


def test_a_layer_handing_on_the_cache_of_a_layer_it_calls_is_decorated(tmp_path):
    # the decorator refused: "'cache' comes from a layer called here, with other computation around it"
    # (generate composes it: spatial_batchnorm_backward calling batchnorm_backward)
    module = _module(tmp_path, SPATIAL, "spatial")
    rng = np.random.default_rng(3042)
    args = (rng.standard_normal((2, 3, 2, 2)), rng.uniform(0.5, 1.5, 3), rng.standard_normal(3), {"mode": "train"})
    decorated = check_decorated(module.spatial_batchnorm_forward, args, (0, 1, 2))
    text = decorated.backward_source
    assert "dx_flat, dgamma, dbeta = batchnorm_forward_backward(" in text


def test_generate_still_refuses_the_layers_cache_with_computation_it_does_not_compose():
    source = SPATIAL.replace("batchnorm_forward(x_flat, gamma", "batchnorm_forward(2 * x_flat, gamma")
    with pytest.raises(backgen.BackgenError, match="'cache' comes from a layer called here") as info:
        backgen.generate(source, name="spatial_batchnorm_forward")
    assert info.value.lineno == 17


RNN_NO_CACHE_NAME = '''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h, prev_h

def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    cache = []
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, cache
'''


def _rnn_args(seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5)), rng.standard_normal((4, 5)) * .5,
            rng.standard_normal((5, 5)) * .5, rng.standard_normal(5))


@pytest.mark.parametrize("collect", ["cache.append(step_cache)", "cache[t] = step_cache",
                                     "cache.append(prev_h * 2.0)"])
def test_a_cache_of_values_put_in_by_a_loop_is_decorated(tmp_path, collect):
    # the decorator refused: "this puts a value into 'cache', the cache returned, here (in a loop or a
    # branch)", though its backward reads no cache
    text = RNN_NO_CACHE_NAME.replace("cache.append(step_cache)", collect)
    if "[t]" in collect:
        text = text.replace("cache = []", "cache = {}")
    module = _module(tmp_path, text, "rnn_" + str(abs(hash(collect))))
    check_decorated(module.rnn_forward, _rnn_args(1), (0, 1, 2, 3, 4))


def test_generate_refuses_a_cache_of_values_put_in_by_a_loop_at_its_line():
    source = RNN_NO_CACHE_NAME.replace("cache.append(step_cache)", "cache.append(prev_h * 2.0)")
    with pytest.raises(backgen.BackgenError, match="this puts a value into 'cache', the cache returned") as info:
        backgen.generate(source, name="rnn_forward")
    assert info.value.lineno == 17


RNN_DOC = '''def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: (N, T, D)
    - h0: (N, H)
    - Wx: (D, H)
    - Wh: (H, H)
    - b: (H,)
    """
'''


def test_a_step_layer_returning_its_cache_unnamed_is_read_by_the_loop_as_its_cache():
    # return next_h, prev_h, whose prev_h the loop only collects (cache.append(step_cache)): the step's
    # cache, which lacks what its backward reads (was: "this puts a value into 'cache'")
    source = RNN_NO_CACHE_NAME.replace("def rnn_forward(x, h0, Wx, Wh, b):\n", RNN_DOC)
    with pytest.raises(backgen.BackgenError, match=r"needs Wh, Wx, b, x .*\(it holds prev_h\)") as info:
        backgen.generate(source, name="rnn_forward")
    assert info.value.lineno == 6


@pytest.mark.parametrize("collect", ["cache.append(step_cache)", "cache[t] = step_cache"])
def test_a_step_layer_returning_a_cache_named_otherwise_is_generated(collect):
    source = RNN_NO_CACHE_NAME.replace("def rnn_forward(x, h0, Wx, Wh, b):\n", RNN_DOC).replace(
        "    return next_h, prev_h", "    values = (x, prev_h, Wx, Wh, next_h)\n    return next_h, values").replace(
        "cache.append(step_cache)", collect)
    if "[t]" in collect:
        source = source.replace("cache = []", "cache = [None] * T")
    text = backgen.generate(source, name="rnn_forward")
    assert "rnn_step_backward(dout[:, t, :] + dprev_h, cache[t])" in text
    _generated_layer(source, "rnn_forward", _rnn_args(4), (0, 1, 2, 3, 4))


def test_the_cache_put_in_by_a_loop_is_not_read_as_a_value(tmp_path):
    text = RNN_NO_CACHE_NAME.replace("    return h, cache", "    h = h * len(cache)\n    return h, cache")
    module = _module(tmp_path, text, "rnn_read")
    with pytest.raises(backgen.BackgenError, match="'cache'"):
        backgen.backward(module.rnn_forward).backward(*_rnn_args(2), dout=np.ones((2, 3, 5)))


def test_a_cache_given_in_a_tuple_display_with_the_outputs():
    # out, cache = x * w, (x, w) was refused as "'cache' comes from a layer called here"
    source = '''
import numpy as np

def scale_forward(x: "N,D", w: "D"):
    out, cache = x * w, (x, w)
    return out, cache
'''
    namespace = {}
    exec(backgen.generate(source), namespace)
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal(4)
    dout = _douts([x])[0]

    def forward(x, w):
        return x * w, (x, w)
    _check(forward, namespace["scale_backward"](dout, (x, w)), (x, w), (0, 1), [dout])


CONV_RELU = '''
import numpy as np

def conv_forward(x, w, b):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = H - HH + 1, W - WW + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + HH, j:j + WW], w, axes=([1, 2, 3], [1, 2, 3])) + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    return out, x

def conv_relu_forward(x, w, b):
    """
    - x: (N, C, H, W)
    - w: (F, C, HH, WW)
    - b: (F,)
    """
    a, conv_cache = conv_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (conv_cache, relu_cache)
    return out, cache
'''


def _conv_args(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 2, 2)), rng.standard_normal(3)


def test_a_sandwich_of_a_layer_returning_its_input_as_its_cache_is_decorated(tmp_path):
    module = _module(tmp_path, CONV_RELU, "conv_relu")
    check_decorated(module.conv_relu_forward, _conv_args(6), (0, 1, 2))


def _generated_layer(source, name, args, wrt):
    """generate's backward of ``name`` (a layer), given the forward's own cache, against central differences."""
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name=name), generated)
    forward = namespace[name]
    *outs, cache = forward(*args)
    douts = _douts(outs)
    _check(forward, generated[name.replace("_forward", "_backward")](*douts, cache), args, wrt, douts)
    return generated


def test_a_sandwich_of_a_layer_returning_its_input_as_its_cache_is_generated():
    # relu_forward returns out, x, which conv_relu_forward only caches (out, relu_cache = relu_forward(a)):
    # refused ("the backward needs b, w, x ..."); now relu_backward(dout, cache) reads x = cache
    generated = _generated_layer(CONV_RELU, "conv_relu_forward", _conv_args(6), (0, 1, 2))
    assert "relu_backward" in generated and "conv_backward" in generated


@pytest.mark.parametrize("returned", ["return out, (x, w, b)", "stuff = (x, w, b)\n    return out, stuff"])
def test_a_sandwich_of_a_layer_returning_a_tuple_display_as_its_cache_is_generated(returned):
    source = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    RETURNED

def relu_forward(x):
    out = np.maximum(0, x)
    return out, x

def affine_relu_forward(x, w, b):
    """
    - x: (N, D)
    - w: (D, M)
    - b: (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache
'''.replace("RETURNED", returned)
    rng = np.random.default_rng(7)
    _generated_layer(source, "affine_relu_forward", (rng.standard_normal((3, 4)), rng.standard_normal((4, 5)),
                                                     rng.standard_normal(5)), (0, 1, 2))


def test_a_value_a_sandwich_reads_beside_caching_it_keeps_its_gradient():
    # relu_forward's second output passed on to another layer too: not its cache, whose gradient would be
    # left out (dx, dw, db without out2's part through relu_cache)
    source = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    return out, x

def scale_forward(x):
    out = x * 3.0
    cache = (x,)
    return out, cache

def affine_relu_forward(x, w, b):
    """
    - x: (N, D)
    - w: (D, M)
    - b: (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    out2, scale_cache = scale_forward(relu_cache)
    cache = (fc_cache, relu_cache, scale_cache)
    return out, out2, cache
'''
    rng = np.random.default_rng(8)
    args = (rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5))
    try:
        _generated_layer(source, "affine_relu_forward", args, (0, 1, 2))
    except backgen.BackgenError:
        pass  # refused is right; a gradient is checked


SCALED_RELU = '''
import numpy as np

def relu_forward(x):
    out = np.maximum(0, x)
    return out, x

def scaled_relu_forward(x):
    """
    - x: (N, D)
    """
    y = x * 2.0
    out, cache = relu_forward(y)
    return out, cache
'''


def test_a_layer_handing_on_a_helpers_unnamed_cache_is_generated_and_decorated(tmp_path):
    # out, cache = relu_forward(y), relu_forward returning out, x: the decorator refused ("'cache' comes from
    # a layer called here"), generate too
    args = (np.random.default_rng(9).standard_normal((3, 4)),)
    check_decorated(_module(tmp_path, SCALED_RELU, "scaled_relu").scaled_relu_forward, args, (0,))
    generated = _generated_layer(SCALED_RELU, "scaled_relu_forward", args, (0,))
    assert "dy = relu_backward(dout, cache)" in backgen.generate(SCALED_RELU, name="scaled_relu_forward")
    assert "relu_backward" in generated


def test_tuples_put_into_a_dict_cache_by_a_loop_are_decorated(tmp_path):
    # cache[t] = (h, W) was refused: "(h_1, W): building a value this way from differentiated inputs"
    source = '''
import numpy as np

def f_forward(x, h0, W):
    h = h0
    cache = {}
    for t in range(3):
        h = np.tanh(x[t] + h.dot(W))
        cache[t] = (h, W)
    return h, cache
'''
    rng = np.random.default_rng(10)
    args = (rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 4)), rng.standard_normal((4, 4)) * .5)
    check_decorated(_module(tmp_path, source, "dict_put").f_forward, args, (0, 1, 2))
    # generate reads the loop's body as a step layer, whose cache lacks h as the step starts with it
    with pytest.raises(backgen.BackgenError, match="the backward needs h as it was before line 8 changes it"):
        backgen.generate(source, name="f_forward", shapes={"x": "T,N,D", "h0": "N,D", "W": "D,D"})


@pytest.mark.parametrize("made", ["hs = []\n    cache = hs", "cache = []\n    hs = cache", "hs = [None] * 0\n    cache = hs"])
def test_a_cache_another_name_holds_is_not_left_out_where_values_are_put_in(tmp_path, made):
    # the values put into the cache are hs's too: left out of the cache, they would be left out of out
    source = f'''
import numpy as np

def f_forward(x, h0, W):
    {made}
    h = h0
    for t in range(3):
        h = np.tanh(x[t] + h.dot(W))
        cache.append(h)
    out = h
    for v in hs:
        out = out + v
    return out, cache
'''
    rng = np.random.default_rng(11)
    args = (rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 4)), rng.standard_normal((4, 4)) * .5)
    module = _module(tmp_path, source, "alias_" + str(abs(hash(made))))
    try:
        check_decorated(module.f_forward, args, (0, 1, 2))
    except backgen.BackgenError:
        pass  # refused is right; a gradient is checked
