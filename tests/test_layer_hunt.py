"""CS231n layers (``return out, cache``) as students write them, accepted where the cache holds what
the backward needs, or refused with a message saying what to change: each accepted backward, handed
the cache the user's forward built, is checked against central finite differences of sum(out * dout)
in float64."""

import re
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, gradient
from test_layer_acceptance import assert_close, layer_gradients

STEP = '''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    - x: Input data for this timestep, of shape (N, D).
    - prev_h: Hidden state from previous timestep, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''

RNN_DOC = '''
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
'''


def _gradients(source, name, args, *settings):
    """``layer_gradients`` for a forward taking ``settings`` (a dict, an int) after the arrays ``args``,
    which alone are differentiated."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name)
    forward_env, backward_env = {}, {}
    exec(compile(source, "<forward>", "exec"), forward_env)
    exec(compile(text, "<backward>", "exec"), backward_env)

    def forward(*arrays):
        return forward_env[name](*[np.copy(a) for a in arrays], *settings)
    out, cache = forward(*args)
    dout = np.random.default_rng(7).normal(size=np.shape(out))
    got = backward_env[name.replace("_forward", "_backward")](dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: forward(*a)[0], list(args), range(len(args)), [dout])
    return got, want, text


def _rnn_args(rng, n=2, t=3):
    return [rng.normal(size=(n, t, 4)), rng.normal(size=(n, 5)), rng.normal(size=(4, 5)) * 0.5,
            rng.normal(size=(5, 5)) * 0.5, rng.normal(size=5)]


@pytest.mark.parametrize("n, t", [(2, 3), (3, 3)])
def test_an_rnn_stacking_its_outputs_under_the_name_of_the_carried_state(n, t):
    # h carries the state from step to step, then names the stacked outputs: the state's own gradient
    # starts at zero (the output's reaches each step through its slot)
    source = STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + RNN_DOC + '''
    N, T, D = x.shape
    hs = []
    caches = []
    h = h0
    for t in range(T):
        h, c = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        hs.append(h)
        caches.append(c)
    h = np.stack(hs, axis=1)
    return h, caches
'''
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(np.random.default_rng(1), n, t))
    assert_close(got, want)


def test_batchnorm_caching_the_normalized_input_and_the_inverse_deviation():
    # x_centered = x_hat / inv_std, den = 1 / inv_std computed again; the shapes the mean's gradient
    # reads (x_centered.shape) are exact, whatever the rounding of the values
    source = '''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    N, D = x.shape
    out, cache = None, None
    if mode == 'train':
        sample_mean = x.mean(axis=0)
        x_centered = x - sample_mean
        sample_var = np.mean(x_centered ** 2, axis=0)
        inv_std = 1 / np.sqrt(sample_var + eps)
        x_hat = x_centered * inv_std
        out = gamma * x_hat + beta
        cache = (x_hat, gamma, inv_std, N)
    return out, cache
'''
    rng = np.random.default_rng(2)
    got, want, text = _gradients(source, "batchnorm_forward", [rng.normal(size=(4, 3)), rng.normal(size=3),
                                                               rng.normal(size=3)], {"mode": "train"})
    assert_close(got, want)
    assert "x_centered = x_hat / inv_std" in text


def test_spatial_batchnorm_written_out_caching_the_sizes_not_the_input():
    # x_flat and xT are read for their shapes alone once num = xhat * den is computed again: each
    # shape taken from what is there in turn (x_flat's from xhat, then xT's from dout and xhat)
    source = '''
import numpy as np

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    """
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    mu = x_flat.mean(axis=0)
    var = x_flat.var(axis=0)
    xhat = (x_flat - mu) / np.sqrt(var + 1e-5)
    out_flat = gamma * xhat + beta
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    cache = (xhat, gamma, var, N, C, H, W)
    return out, cache
'''
    rng = np.random.default_rng(3)
    got, want, text = _gradients(source, "spatial_batchnorm_forward",
                                 [rng.normal(size=(2, 3, 2, 4)), rng.normal(size=3), rng.normal(size=3)],
                                 {"mode": "train"})
    assert_close(got, want)
    assert "num = xhat * den" in text


EMBED = '''
import numpy as np

def word_embedding_forward(x, W):
    """
    - x: Integer array of shape (N, T) giving indices of words.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.
    """
    out = W[x, :]
    cache = x, W
    return out, cache

def temporal_affine_forward(x, w, b):
    """
    - x: Input data of shape (N, T, D)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache

def embed_affine_forward(x, W, w, b):
    e, e_cache = word_embedding_forward(x, W)
    out, a_cache = temporal_affine_forward(e, w, b)
    cache = (e_cache, a_cache)
    return out, cache
'''


def test_a_sandwich_passing_its_word_indices_to_the_embedding_layer():
    # x is read only as the embedding's indices, which carry no gradient there: none here either
    rng = np.random.default_rng(4)
    x = rng.integers(0, 5, size=(2, 3))
    got, want, text = _gradients(EMBED.replace("def embed_affine_forward(x, W, w, b)",
                                               "def embed_affine_forward(W, w, b, x)"), "embed_affine_forward",
                                 [rng.normal(size=(5, 4)), rng.normal(size=(4, 6)), rng.normal(size=6)], x)
    assert_close(got, want)
    text = backgen.generate(EMBED, name="embed_affine_forward")
    assert "return dW, dw, db" in text


def _refusal(source, name):
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate(textwrap.dedent(source), name=name)
    return str(info.value)


def test_a_cache_holding_an_input_as_a_write_through_another_name_leaves_it_says_so():
    message = _refusal('''
import numpy as np

def layer_forward(x, w):
    """
    - x: Input of shape (N, D)
    - w: Weights of shape (D, M)
    """
    out = np.maximum(0, x).dot(w)
    h = x
    h[:, 0] = 0.0
    cache = (x, w)
    return out, cache
''', "layer_forward")
    assert "needs x as it was before line 11 changes it" in message
    assert "cache a copy made before line 11 (x.copy())" in message


def test_a_random_draw_the_cache_lacks_is_named_as_the_user_names_it():
    source = '''
import numpy as np

def dropout_forward(x, w, p):
    """
    - x: Input of shape (N, D)
    - w: Weights of shape (D, M)
    - p: float
    """
    h = x.dot(w)
    CACHE_BEFORE
    mask = (np.random.rand(*h.shape) < p) / p
    out = h * mask
    CACHE_AFTER
    return out, cache
'''
    message = _refusal(source.replace("CACHE_BEFORE", "").replace("CACHE_AFTER", "cache = (x, w)"),
                       "dropout_forward")
    assert "the draw on line 12 is not cached; add mask (the value that line computes from it) to the cache " \
        "built on line 14" in message
    message = _refusal(source.replace("CACHE_BEFORE", "cache = (x, w)").replace("CACHE_AFTER", ""),
                       "dropout_forward")
    assert "the draw on line 12 comes after the cache built on line 11; build the cache after it, with mask" in message


@pytest.mark.parametrize("split", ["np.split(a, 4, axis=1)", "np.hsplit(a, 4)"])
def test_an_lstm_step_splitting_its_gates_with_a_cache_without_the_bias(split):
    # every part of the split gets its one gradient: the list's gradient starts from no arrays, and
    # the split (of a, which needs b) is not computed again for the shapes of its parts
    source = f'''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    - x: Input data, of shape (N, D)
    - prev_h: Previous hidden state, of shape (N, H)
    - prev_c: previous cell state, of shape (N, H)
    - Wx: Input-to-hidden weights, of shape (D, 4H)
    - Wh: Hidden-to-hidden weights, of shape (H, 4H)
    - b: Biases, of shape (4H,)
    """
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    ai, af, ao, ag = {split}
    i = sigmoid(ai)
    f = sigmoid(af)
    o = sigmoid(ao)
    g = np.tanh(ag)
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = {{'x': x, 'prev_h': prev_h, 'prev_c': prev_c, 'Wx': Wx, 'Wh': Wh, 'i': i, 'f': f, 'o': o, 'g': g,
             'tanh_c': tanh_c}}
    return next_h, next_c, cache
'''
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(2, 4)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(4, 12)) * 0.5,
            rng.normal(size=(3, 12)) * 0.5, rng.normal(size=12)]
    text = backgen.generate(source, name="lstm_step_forward")
    forward_env, backward_env = {}, {}
    exec(source, forward_env)
    exec(text, backward_env)
    next_h, next_c, cache = forward_env["lstm_step_forward"](*args)
    dnext_h, dnext_c = rng.normal(size=next_h.shape), rng.normal(size=next_c.shape)
    got = backward_env["lstm_step_backward"](dnext_h, dnext_c, cache)
    want = finite_differences(lambda *a: forward_env["lstm_step_forward"](*a)[:2], args, range(6), [dnext_h, dnext_c])
    assert_close(got, want)
    backward = text.split("def lstm_step_backward")[1]
    assert "= [None] * 4" in backward and not re.search(r"^ +\w+ = np\.h?split", backward, re.M)


def test_an_lstm_stacking_its_outputs_under_the_name_of_the_carried_state():
    source = '''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    - x: Input data, of shape (N, D)
    - prev_h: Previous hidden state, of shape (N, H)
    - prev_c: previous cell state, of shape (N, H)
    - Wx: Input-to-hidden weights, of shape (D, 4H)
    - Wh: Hidden-to-hidden weights, of shape (H, 4H)
    - b: Biases, of shape (4H,)
    """
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache

def lstm_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data of shape (N, T, D)
    - h0: Initial hidden state of shape (N, H)
    - Wx: Weights for input-to-hidden connections, of shape (D, 4H)
    - Wh: Weights for hidden-to-hidden connections, of shape (H, 4H)
    - b: Biases of shape (4H,)
    """
    N, T, D = x.shape
    h = h0
    c = np.zeros_like(h0)
    hs = []
    caches = []
    for t in range(T):
        h, c, step_cache = lstm_step_forward(x[:, t, :], h, c, Wx, Wh, b)
        hs.append(h)
        caches.append(step_cache)
    h = np.stack(hs, axis=1)
    return h, caches
'''
    rng = np.random.default_rng(6)
    args = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3)), rng.normal(size=(4, 12)) * 0.5,
            rng.normal(size=(3, 12)) * 0.5, rng.normal(size=12)]
    got, want, _ = layer_gradients(source, "lstm_forward", args)
    assert_close(got, want)


@pytest.mark.parametrize("loop", [
    # the list of outputs stacked under its own name, the last state returned too
    '''
    hs = []
    cache = []
    h = h0
    for t in range(T):
        h, c = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        hs.append(h)
        cache.append(c)
    hs = np.stack(hs, axis=1)
    return hs, h, cache
''',
    # the state read from the output's slot of the step before, or h0, in a conditional expression
    '''
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    for t in range(T):
        prev = h0 if t == 0 else h[:, t - 1, :]
        h[:, t, :], c = rnn_step_forward(x[:, t, :], prev, Wx, Wh, b)
        cache.append(c)
    return h, cache
'''])
def test_rnn_loops_as_students_write_them(loop):
    source = STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + RNN_DOC + '''
    N, T, D = x.shape''' + textwrap.indent(textwrap.dedent(loop), "    ")
    text = backgen.generate(source, name="rnn_forward")
    forward_env, backward_env = {}, {}
    exec(source, forward_env)
    exec(text, backward_env)
    args = _rnn_args(np.random.default_rng(7))
    *outs, cache = forward_env["rnn_forward"](*args)
    rng = np.random.default_rng(8)
    douts = [rng.normal(size=np.shape(o)) for o in outs]
    got = backward_env["rnn_backward"](*douts, cache)
    want = finite_differences(lambda *a: forward_env["rnn_forward"](*a)[:-1], args, range(5), douts)
    assert_close(got, want)


@pytest.mark.parametrize("doc", [
    '''
    - x: Data of shape (N, D)
    - gamma, beta: Scale and shift parameters, of shape (D,)
    ''',
    '''
    :param x: data, shape (N, D)
    :param gamma: scale, shape (D,)
    :param beta: shift, shape (D,)
    ''',
    '''
    x -- data, numpy array of shape (N, D)
    gamma -- scale, numpy array of shape (D,)
    beta -- shift, numpy array of shape (D,)
    '''], ids=["names sharing an entry", "sphinx", "double dash"])
def test_shapes_in_docstrings_written_otherwise(doc):
    # the cache lacks beta, whose gradient's shape (D,) the docstring gives: read in each form
    source = f'''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization.
    {doc}"""
    eps = ln_param.get('eps', 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = xc / std
    out = gamma * xhat + beta
    cache = (xhat, gamma, std)
    return out, cache
'''
    rng = np.random.default_rng(9)
    got, want, _ = _gradients(source, "layernorm_forward", [rng.normal(size=(4, 3)), rng.normal(size=3),
                                                            rng.normal(size=3)], {})
    assert_close(got, want)


def test_a_naive_conv_padding_by_a_list_of_pairs():
    # np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)]): the pairs of names staged each on a line of
    # their own, read back as the widths
    source = '''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    """
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = (window * w[f]).sum() + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
'''
    rng = np.random.default_rng(10)
    got, want, _ = _gradients(source, "conv_forward_naive", [rng.normal(size=(2, 3, 5, 5)),
                                                             rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)],
                              {"stride": 2, "pad": 1})
    assert_close(got, want)


@pytest.mark.parametrize("flat, back", [
    ("np.moveaxis(x, 1, -1).reshape(N * H * W, C)", "np.moveaxis(y.reshape(N, H, W, C), -1, 1)"),
    ("np.transpose(x, (0, 2, 3, 1)).reshape(-1, C)", "np.transpose(np.reshape(y, (N, H, W, C)), (0, 3, 1, 2))"),
])
def test_spatial_batchnorm_moving_the_channels_with_numpy_functions(flat, back):
    source = f'''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    eps = bn_param.get('eps', 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, eps)
    return out, cache

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    """
    N, C, H, W = x.shape
    x_t = {flat}
    y, cache = batchnorm_forward(x_t, gamma, beta, bn_param)
    out = {back}
    return out, cache
'''
    rng = np.random.default_rng(11)
    got, want, text = _gradients(source, "spatial_batchnorm_forward", [rng.normal(size=(2, 3, 2, 4)),
                                                                       rng.normal(size=3), rng.normal(size=3)], {})
    assert_close(got, want)
    assert "batchnorm_backward(dy, cache)" in text


def test_an_input_read_for_its_shape_alone_is_asked_for_as_its_shape():
    flattened = _refusal('''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)
    """
    N = x.shape[0]
    x_flat = x.reshape(N, -1)
    out = x_flat.dot(w) + b
    cache = (x_flat, w, b)
    return out, cache
''', "affine_forward")
    assert "add its shape (x.shape) to the cache" in flattened
    kept = _refusal('''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    N = x.shape[0]
    x = x.reshape(N, -1)
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward")
    assert "cache its shape, taken before line 11 (x_shape = x.shape)" in kept


def test_an_rnn_returning_its_last_state_too_takes_none_for_either_gradient():
    # the docstring says None stands for an output whose gradient is zero: the dimensions are read
    # from the step caches (T = len(cache)), and a None is zeros of its output's shape
    source = STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + RNN_DOC + '''
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, c = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(c)
    return h, prev_h, cache
'''
    text = backgen.generate(source, name="rnn_forward")
    forward_env, backward_env = {}, {}
    exec(source, forward_env)
    exec(text, backward_env)
    args = _rnn_args(np.random.default_rng(12))
    h, last, cache = forward_env["rnn_forward"](*args)
    rng = np.random.default_rng(13)
    dh, dlast = rng.normal(size=h.shape), rng.normal(size=last.shape)
    backward = backward_env["rnn_backward"]
    for douts in ([dh, dlast], [dh, None], [None, dlast]):
        got = backward(*douts, cache)
        want = finite_differences(lambda *a: forward_env["rnn_forward"](*a)[:-1], args, range(5),
                                  [d if d is not None else np.zeros(np.shape(o)) for d, o in zip(douts, (h, last))])
        assert_close(got, want)


INLINE_RNN = '''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):''' + RNN_DOC + '''
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        next_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = next_h
        AFTER
        prev_h = next_h
    cache = (x, h0, Wx, Wh, h)
    return h, cache
'''


@pytest.mark.parametrize("after", ["pass", "next_h = next_h * 0.5"])
def test_an_rnn_written_out_caching_its_hidden_states(after):
    # each step's next_h is read back from the slot it wrote, h[:, t, :]: no b to compute it again
    source = INLINE_RNN.replace("AFTER", after)
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(np.random.default_rng(14)))
    assert_close(got, want)
    assert "next_h = h[:, t, :]" in text


def test_an_rnn_written_out_changing_its_state_after_writing_it_is_refused():
    # next_h[0] *= 0.5 after the write: the slot read back would be a view of the cache written into
    message = _refusal(INLINE_RNN.replace("AFTER", "next_h[0] *= 0.5"), "rnn_forward")
    assert "the backward needs b" in message


def test_np_pad_by_a_pair_of_computed_widths_keeps_their_names():
    # np.pad(x, (K - 1, K - 1)): the widths staged as names, each a number, read back as those names
    # (not as K - 1 written into dxp.shape[0] - K - 1)
    source = '''
import numpy as np

def conv_full_1d(x, w):
    """x: (N,), w: (K,)"""
    K = w.shape[0]
    wf = w[::-1]
    xp = np.pad(x, (K - 1, K - 1))
    out = np.array([np.dot(xp[i:i + K], wf) for i in range(len(x) + K - 1)])
    return np.sum(out ** 2)
'''
    text = backgen.generate(source, name="conv_full_1d")
    env, backward_env = {}, {}
    exec(source, env)
    exec(text, backward_env)
    rng = np.random.default_rng(15)
    args = [rng.normal(size=6), rng.normal(size=3)]
    got = backward_env["conv_full_1d_backward"](*args)
    want = [gradient(env["conv_full_1d"], args, k) for k in range(2)]
    assert_close(got, want)
