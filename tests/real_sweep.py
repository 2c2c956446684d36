"""A sweep of forward functions written as people write them, and the oracle that tries each
as a user would.

``CASES`` are whole modules in the styles backgen is meant for: CS231n layers and losses
(``out = None``, docstrings with shapes, ``return out, cache``, dicts of parameters, loops
over layers), autograd's examples (nets over lists of layers, logistic regression, Gaussian
processes, mixtures, variational objectives, RNNs) and physics (energies, potentials,
integrators), with and without shapes.  Each case is ``(source, function, make)``, ``make()``
giving the arguments; the last entry, when present, is a dict of options: ``shapes`` for
``generate``, ``wrt`` (the positions differentiated, by default every argument holding
floats but a ``*_param`` dict).

``outcome(name, how)`` runs a case by ``backgen.generate`` (``how="generate"``, shapes as the
source declares them or none) or by the decorator (``how="decorator"``, shapes from the
call) and returns ``("ok", "")``, ``("refused", message)``, ``("wrong", detail)`` or
``("crashed", detail)``; accepted gradients are compared with central finite differences.
``python tests/real_sweep.py`` prints every case's outcome both ways and the counts.
"""

import importlib.util
import inspect
import shutil
import sys
import tempfile
import textwrap
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backgen  # noqa: E402
from numeric import gradient, weighted  # noqa: E402


def _rng(seed):
    return np.random.default_rng(seed)


def _normal(seed, *shape):
    return _rng(seed).normal(size=shape)


def _uniform(seed, *shape):
    return _rng(seed).uniform(0.5, 1.5, size=shape)


def _lattice(seed, n, d=3, spacing=1.2):
    """``n`` points near the corners of a cube of side ``spacing`` (atoms apart, as a crystal holds them)."""
    g = np.stack(np.meshgrid(*[np.arange(2)] * d, indexing="ij"), -1).reshape(-1, d)[:n] * spacing
    return g + 0.05 * _normal(seed, n, d)


CASES = {
# ----------------------------------------------------------------------------- CS231n
"affine_forward": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    Computes the forward pass for an affine (fully-connected) layer.

    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    N = x.shape[0]
    out = x.reshape(N, -1).dot(w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(1, 3, 2, 2), _normal(2, 4, 5), _normal(3, 5)]),

"relu_copy_mask": ('''
import numpy as np

def relu_forward(x):
    """
    Inputs:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x
    """
    out = None
    out = x.copy()
    out[out < 0] = 0
    cache = x
    return out, cache
''', "relu_forward", lambda: [_normal(4, 3, 4)]),

"relu_times_mask": ('''
import numpy as np

def relu_forward(x):
    out = x * (x > 0)
    cache = x
    return out, cache
''', "relu_forward", lambda: [_normal(5, 3, 4)]),

"affine_relu_helpers": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_relu_forward(x, w, b):
    """
    - x: Input to the affine layer, of shape (N, D)
    - w: Weights, of shape (D, M)
    - b: Biases, of shape (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache
''', "affine_relu_forward", lambda: [_normal(6, 3, 4), _normal(7, 4, 5), _normal(8, 5)]),

"softmax_loss_with_dx": ('''
import numpy as np

def softmax_loss(x, y):
    """
    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class
      for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x
    """
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''', "softmax_loss", lambda: [_normal(9, 4, 3), np.array([0, 2, 1, 2])]),

"svm_loss_with_dx": ('''
import numpy as np

def svm_loss(x, y):
    """
    - x: Input data, of shape (N, C)
    - y: Vector of labels, of shape (N,)
    """
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx
''', "svm_loss", lambda: [_normal(10, 4, 3), np.array([1, 0, 2, 1])]),

"batchnorm_train": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance.
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == 'train':
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, sample_mean, sample_var, gamma, beta, eps)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == 'test':
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(11, 5, 3), _normal(12, 3), _normal(13, 3), {"mode": "train"}]),

"layernorm_transposed": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    xt = x.T
    mu = np.mean(xt, axis=0)
    var = np.var(xt, axis=0)
    x_hat = ((xt - mu) / np.sqrt(var + eps)).T
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, mu, var, eps)
    return out, cache
''', "layernorm_forward", lambda: [_normal(14, 4, 5), _normal(15, 5), _normal(16, 5), {}]),

"layernorm_keepdims": ('''
import numpy as np

def layernorm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xn = (x - mean) / np.sqrt(var + eps)
    return gamma * xn + beta
''', "layernorm", lambda: [_normal(17, 4, 5), _normal(18, 5), _normal(19, 5)]),

"dropout_mask_given": ('''
import numpy as np

def dropout_forward(x, mask, p):
    """
    - x: Input data, of any shape
    - mask: Boolean mask of the kept units, the shape of x
    - p: probability of keeping a unit
    """
    out = None
    out = x * mask / p
    cache = (mask, p)
    return out, cache
''', "dropout_forward", lambda: [_normal(20, 3, 4), _rng(21).random((3, 4)) < 0.6, 0.6]),

"conv_naive": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with 'stride' and 'pad'
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(22, 2, 2, 4, 4), _normal(23, 2, 2, 3, 3), _normal(24, 2),
                                   {"stride": 1, "pad": 1}], {"slow": True}),

"max_pool_naive": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with 'pool_height', 'pool_width', 'stride'
    """
    out = None
    N, C, H, W = x.shape
    ph, pw, s = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // s
    W_out = 1 + (W - pw) // s
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * s:i * s + ph, j * s:j * s + pw])
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(25, 2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}],
    {"slow": True}),

"rnn_step": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    - x: Input data for this timestep, of shape (N, D).
    - prev_h: Hidden state from previous timestep, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    next_h, cache = None, None
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
''', "rnn_step_forward", lambda: [_normal(26, 3, 4), _normal(27, 3, 5), _normal(28, 4, 5) * .5,
                                 _normal(29, 5, 5) * .5, _normal(30, 5)]),

"rnn_forward_loop": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = next_h
        cache.append(step_cache)
        prev_h = next_h
    return h, cache
''', "rnn_forward", lambda: [_normal(31, 2, 3, 4), _normal(32, 2, 5), _normal(33, 4, 5) * .5,
                            _normal(34, 5, 5) * .5, _normal(35, 5)]),

"lstm_step": ('''
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
    next_h, next_c, cache = None, None, None
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, a, i, f, o, g, next_c)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(36, 2, 3), _normal(37, 2, 4), _normal(38, 2, 4), _normal(39, 3, 16) * .5,
                                  _normal(40, 4, 16) * .5, _normal(41, 16)]),

"word_embedding": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    - x: Integer array of shape (N, T) giving indices of words.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.
    """
    out, cache = None, None
    out = W[x, :]
    cache = (x, W)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [3, 3, 2]]), _normal(42, 5, 4)]),

"temporal_affine": ('''
import numpy as np

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
''', "temporal_affine_forward", lambda: [_normal(43, 2, 3, 4), _normal(44, 4, 5), _normal(45, 5)]),

"temporal_softmax_with_dx": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask, verbose=False):
    """
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range
         0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]
    if verbose:
        print('dx_flat: ', dx_flat.shape)
    dx = dx_flat.reshape(N, T, V)
    return loss, dx
''', "temporal_softmax_loss", lambda: [_normal(46, 2, 3, 4), np.array([[0, 3, 1], [2, 2, 0]]),
                                      np.array([[True, True, False], [True, False, True]])]),

"fc_net_dict_percent_keys": ('''
import numpy as np

def fc_net_loss(params, X, y, reg=0.0):
    num_layers = 3
    scores = X
    for i in range(num_layers - 1):
        W, b = params['W%d' % (i + 1)], params['b%d' % (i + 1)]
        scores = np.maximum(0, scores.dot(W) + b)
    scores = scores.dot(params['W%d' % num_layers]) + params['b%d' % num_layers]
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = X.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    for i in range(num_layers):
        W = params['W%d' % (i + 1)]
        loss += 0.5 * reg * np.sum(W * W)
    return loss
''', "fc_net_loss", lambda: [{"W1": _normal(47, 4, 5), "b1": _normal(48, 5), "W2": _normal(49, 5, 5),
                             "b2": _normal(50, 5), "W3": _normal(51, 5, 3), "b3": _normal(52, 3)},
                            _normal(53, 6, 4), np.array([0, 1, 2, 2, 1, 0]), 0.1],
    {"shapes": {"params": {"W1": "D, H", "b1": "H", "W2": "H, H", "b2": "H", "W3": "H, C", "b3": "C"},
                "X": "N, D", "y": "int N", "reg": "float"}}),

"fc_net_dict_fstring_keys": ('''
import numpy as np

def fc_forward(params, X):
    h = X
    for i in range(1, 3):
        h = np.tanh(h @ params[f'W{i}'] + params[f'b{i}'])
    return np.sum(h ** 2)
''', "fc_forward", lambda: [{"W1": _normal(54, 4, 5), "b1": _normal(55, 5), "W2": _normal(56, 5, 3),
                            "b2": _normal(57, 3)}, _normal(58, 6, 4)]),

"two_layer_dict": ('''
import numpy as np

def two_layer_loss(params, X, y, reg=0.0):
    W1, b1 = params['W1'], params['b1']
    W2, b2 = params['W2'], params['b2']
    N, D = X.shape
    scores = None
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[range(N), y])) / N
    loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return loss
''', "two_layer_loss", lambda: [{"W1": _normal(59, 4, 5), "b1": _normal(60, 5), "W2": _normal(61, 5, 3),
                                "b2": _normal(62, 3)}, _normal(63, 6, 4), np.array([0, 1, 2, 2, 1, 0]), 0.05],
    {"shapes": {"params": {"W1": "D, H", "b1": "H", "W2": "H, C", "b2": "C"}, "X": "N, D", "y": "int N"}}),

"spatial_batchnorm_transpose": ('''
import numpy as np

def spatial_batchnorm(x, gamma, beta, eps=1e-5):
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    mu = x_flat.mean(axis=0)
    var = x_flat.var(axis=0)
    out_flat = gamma * (x_flat - mu) / np.sqrt(var + eps) + beta
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out
''', "spatial_batchnorm", lambda: [_normal(64, 2, 3, 2, 2), _normal(65, 3), _normal(66, 3)]),

"sigmoid_cross_entropy": ('''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def bce_loss(w, b, X, y):
    p = sigmoid(X @ w + b)
    eps = 1e-12
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
''', "bce_loss", lambda: [_normal(67, 3), 0.1, _normal(68, 6, 3), np.array([0., 1., 1., 0., 1., 0.])],
    {"wrt": [0, 1, 2]}),

"row_view_inplace": ('''
import numpy as np

def scale_first_row(x):
    y = x * 1.0
    row = y[0]
    row *= 2.0
    return np.sum(y ** 2)
''', "scale_first_row", lambda: [_normal(69, 3, 4)]),

"slice_view_inplace": ('''
import numpy as np

def bump_middle(x):
    y = np.exp(x)
    r = y[:, 1:3]
    r += 1.0
    return np.sum(y * x)
''', "bump_middle", lambda: [_normal(70, 3, 4)]),

"view_inplace_mult_by_array": ('''
import numpy as np

def gated(x, g):
    h = np.tanh(x)
    tail = h[1:]
    tail *= g
    return np.sum(h ** 2)
''', "gated", lambda: [_normal(71, 4, 3), _normal(72, 3)]),

# ----------------------------------------------------------------------------- autograd
"logistic_regression": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))
''', "training_loss", lambda: [_normal(73, 3), _normal(74, 4, 3), np.array([1., 0., 1., 1.])], {"wrt": [0]}),

"net_list_relu": ('''
import numpy as np

def relu(x):
    return np.maximum(0, x)

def predict(params, inputs):
    for W, b in params[:-1]:
        inputs = relu(inputs @ W + b)
    W, b = params[-1]
    return inputs @ W + b

def l2_loss(params, inputs, targets):
    preds = predict(params, inputs)
    return np.mean((preds - targets) ** 2)
''', "l2_loss", lambda: [[(_normal(75, 2, 4), _normal(76, 4)), (_normal(77, 4, 4), _normal(78, 4)),
                          (_normal(79, 4, 1), _normal(80, 1))], _normal(81, 5, 2), _normal(82, 5, 1)]),

"gmm_loglik": ('''
import numpy as np

def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))

def gmm_log_likelihood(log_weights, means, log_stds, x):
    """
    - log_weights: (K,)
    - means: (K,)
    - log_stds: (K,)
    - x: data, (N,)
    """
    log_weights = log_weights - logsumexp(log_weights)
    stds = np.exp(log_stds)
    z = (x[:, None] - means[None, :]) / stds
    log_pdf = -0.5 * z ** 2 - log_stds - 0.5 * np.log(2 * np.pi)
    return np.sum(logsumexp(log_pdf + log_weights, axis=1))
''', "gmm_log_likelihood", lambda: [_normal(83, 3), _normal(84, 3), _normal(85, 3) * .3, _normal(86, 7)],
    {"wrt": [0, 1, 2, 3]}),

"bbvi_diag_gaussian": ('''
import numpy as np

def log_density(x):
    return -0.5 * np.sum(x ** 2, axis=1) - 0.1 * np.sum(x ** 4, axis=1)

def elbo(params, eps):
    D = eps.shape[1]
    mean, log_std = params[:D], params[D:]
    samples = eps * np.exp(log_std) + mean
    entropy = 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)
    return -(entropy + np.mean(log_density(samples)))
''', "elbo", lambda: [_normal(87, 6) * .5, _normal(88, 5, 3)], {"wrt": [0]}),

"gp_rbf_cholesky": ('''
import numpy as np

def rbf(x, xp, log_ls, log_var):
    d = (x[:, None] - xp[None, :]) / np.exp(log_ls)
    return np.exp(log_var) * np.exp(-0.5 * d ** 2)

def gp_nll(params, x, y):
    log_ls, log_var, log_noise = params[0], params[1], params[2]
    K = rbf(x, x, log_ls, log_var) + np.exp(log_noise) * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, y)
    return 0.5 * np.dot(y, alpha) + np.sum(np.log(np.diag(L))) + 0.5 * len(x) * np.log(2 * np.pi)
''', "gp_nll", lambda: [np.array([0.1, -0.2, -1.0]), np.linspace(-1, 1, 5), _normal(89, 5)], {"wrt": [0, 1, 2]}),

"autograd_rnn": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)

def rnn_predict(init_hiddens, change, predict, inputs):
    num_sequences = inputs.shape[1]
    hiddens = np.repeat(init_hiddens, num_sequences, axis=0)
    output = []
    for input in inputs:
        hiddens = np.tanh(concat_and_multiply(change, input, hiddens))
        output.append(concat_and_multiply(predict, hiddens))
    return np.sum(np.array(output) ** 2)
''', "rnn_predict", lambda: [_normal(90, 1, 3) * .5, _normal(91, 6, 3) * .5, _normal(92, 4, 2) * .5,
                            _normal(93, 4, 2, 2)]),

"lstm_seq_list": ('''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def lstm_loss(Wx, Wh, b, xs, h0):
    h = h0
    c = np.zeros_like(h0)
    H = h0.shape[1]
    loss = 0.0
    for x in xs:
        a = x @ Wx + h @ Wh + b
        i, f, o, g = sigmoid(a[:, :H]), sigmoid(a[:, H:2*H]), sigmoid(a[:, 2*H:3*H]), np.tanh(a[:, 3*H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        loss = loss + np.sum(h)
    return loss
''', "lstm_loss", lambda: [_normal(94, 3, 8) * .5, _normal(95, 2, 8) * .5, _normal(96, 8) * .5,
                          _normal(97, 3, 2, 3), _normal(98, 2, 2)]),

"conv1d_valid_loop": ('''
import numpy as np

def conv1d(x, w):
    K = w.shape[0]
    n = x.shape[0] - K + 1
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.dot(x[i:i + K], w)
    return np.sum(np.tanh(out))
''', "conv1d", lambda: [_normal(99, 7), _normal(100, 3)]),

"poisson_regression": ('''
import numpy as np

def poisson_nll(beta, X, counts):
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta)
''', "poisson_nll", lambda: [_normal(101, 3) * .3, _normal(102, 6, 3), np.array([0., 2., 1., 3., 0., 1.])],
    {"wrt": [0]}),

"bayes_linreg_posterior": ('''
import numpy as np

def neg_log_posterior(w, X, y, alpha=1.0, sigma=0.5):
    resid = y - X.dot(w)
    return 0.5 * np.dot(resid, resid) / sigma ** 2 + 0.5 * alpha * np.dot(w, w)
''', "neg_log_posterior", lambda: [_normal(103, 3), _normal(104, 6, 3), _normal(105, 6), 1.0, 0.5], {"wrt": [0, 1, 2]}),

"mixture_softmax_weights": ('''
import numpy as np

def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)

def mixture_nll(logits, mus, x):
    w = softmax(logits)
    dens = np.exp(-0.5 * (x[:, None] - mus) ** 2) / np.sqrt(2 * np.pi)
    return -np.sum(np.log(dens @ w))
''', "mixture_nll", lambda: [_normal(106, 3), _normal(107, 3), _normal(108, 6)]),

# ----------------------------------------------------------------------------- physics
"harmonic_euler": ('''
def oscillate(x0, v0, k, m, dt=0.01, steps=50):
    x, v = x0, v0
    for _ in range(steps):
        a = -k / m * x
        x = x + v * dt
        v = v + a * dt
    return 0.5 * m * v ** 2 + 0.5 * k * x ** 2
''', "oscillate", lambda: [1.0, 0.2, 2.0, 1.5], {"wrt": [0, 1, 2, 3]}),

"pendulum_verlet": ('''
import math

def pendulum(theta0, omega0, g=9.81, L=1.0, dt=0.01, n=100):
    theta = theta0
    omega = omega0
    for i in range(n):
        alpha = -g / L * math.sin(theta)
        theta += omega * dt + 0.5 * alpha * dt * dt
        alpha_new = -g / L * math.sin(theta)
        omega += 0.5 * (alpha + alpha_new) * dt
    return theta
''', "pendulum", lambda: [0.3, 0.1, 9.81, 1.2], {"wrt": [0, 1, 2, 3]}),

"rk4_helper": ('''
import numpy as np

def deriv(y, k):
    return np.array([y[1], -k * y[0] - 0.1 * y[1]])

def rk4(y0, k, h=0.05, steps=20):
    y = y0
    for _ in range(steps):
        k1 = deriv(y, k)
        k2 = deriv(y + 0.5 * h * k1, k)
        k3 = deriv(y + 0.5 * h * k2, k)
        k4 = deriv(y + h * k3, k)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.sum(y ** 2)
''', "rk4", lambda: [np.array([1.0, 0.0]), 2.0]),

"nbody_potential_loops": ('''
import numpy as np

def gravitational_energy(pos, mass, G=1.0):
    """pos: (N, 3) positions, mass: (N,) masses"""
    n = len(mass)
    U = 0.0
    for i in range(n):
        for j in range(n):
            if i < j:
                r = np.sqrt(np.sum((pos[i] - pos[j]) ** 2))
                U -= G * mass[i] * mass[j] / r
    return U
''', "gravitational_energy", lambda: [_normal(109, 4, 3) * 2, np.array([1.0, 2.0, 0.5, 1.5])]),

"morse_potential": ('''
import numpy as np

def morse(r, De=1.0, a=1.5, re=1.2):
    return np.sum(De * (1 - np.exp(-a * (r - re))) ** 2)
''', "morse", lambda: [np.array([0.9, 1.1, 1.6, 2.0])]),

"double_pendulum_energy": ('''
from math import cos

def energy(t1, t2, w1, w2, m1=1.0, m2=1.0, l1=1.0, l2=1.0, g=9.81):
    T = 0.5 * m1 * (l1 * w1) ** 2 + 0.5 * m2 * ((l1 * w1) ** 2 + (l2 * w2) ** 2
                                               + 2 * l1 * l2 * w1 * w2 * cos(t1 - t2))
    V = -(m1 + m2) * g * l1 * cos(t1) - m2 * g * l2 * cos(t2)
    return T + V
''', "energy", lambda: [0.4, -0.3, 0.2, 0.5], {"wrt": [0, 1, 2, 3]}),

"van_der_waals": ('''
def pressure(V, T, n=1.0, a=0.364, b=4.27e-5, R=8.314):
    return n * R * T / (V - n * b) - a * n ** 2 / V ** 2
''', "pressure", lambda: [0.02, 300.0]),

"planck": ('''
import math

h = 6.62607015e-34
c = 2.99792458e8
kB = 1.380649e-23

def planck(lam_um, T):
    """Spectral radiance at the wavelength lam_um in micrometres."""
    lam = lam_um * 1e-6
    x = h * c / (lam * kB * T)
    return 2 * h * c ** 2 / lam ** 5 / (math.exp(x) - 1) * 1e-13
''', "planck", lambda: [0.5, 5000.0]),

"spring_chain_loop": ('''
import numpy as np

def chain_energy(x, k=1.0, L0=0.5):
    E = 0
    for i in range(len(x) - 1):
        E += 0.5 * k * (x[i + 1] - x[i] - L0) ** 2
    return E
''', "chain_energy", lambda: [np.array([0.0, 0.7, 1.1, 1.9, 2.2])]),

"kepler_energy": ('''
import numpy as np

def orbital_energy(r, v, GM=1.0):
    return 0.5 * np.dot(v, v) - GM / np.linalg.norm(r)
''', "orbital_energy", lambda: [np.array([1.0, 0.3, 0.1]), np.array([0.1, 0.9, 0.0])], {"wrt": [0, 1]}),

"leapfrog_inplace_copy": ('''
import numpy as np

def leapfrog(pos0, vel0, k, dt=0.05, steps=10):
    pos = pos0.copy()
    vel = vel0.copy()
    for _ in range(steps):
        vel -= 0.5 * dt * k * pos
        pos += dt * vel
        vel -= 0.5 * dt * k * pos
    return np.sum(pos ** 2) + np.sum(vel ** 2)
''', "leapfrog", lambda: [_normal(110, 3), _normal(111, 3), 1.5]),

"heat_new_array": ('''
import numpy as np

def diffuse(u0, D, dx=0.1, dt=0.001, steps=5):
    u = u0.copy()
    for n in range(steps):
        u_new = u.copy()
        u_new[1:-1] = u[1:-1] + D * dt / dx ** 2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = u_new
    return np.sum(u ** 2)
''', "diffuse", lambda: [_normal(112, 6), 1.0]),

"wave_equation_roll": ('''
import numpy as np

def wave(u0, c, steps=4, dt=0.1):
    u_prev = u0.copy()
    u = u0.copy()
    for _ in range(steps):
        lap = np.roll(u, 1) - 2 * u + np.roll(u, -1)
        u_next = 2 * u - u_prev + (c * dt) ** 2 * lap
        u_prev, u = u, u_next
    return np.sum(u ** 2)
''', "wave", lambda: [_normal(113, 6), 1.3]),

# ----------------------------------------------------------------------------- losses and misc
"huber_where": ('''
import numpy as np

def huber(pred, target, delta=1.0):
    r = pred - target
    quad = 0.5 * r ** 2
    lin = delta * (np.abs(r) - 0.5 * delta)
    return np.mean(np.where(np.abs(r) <= delta, quad, lin))
''', "huber", lambda: [np.array([0.1, 2.0, -1.7, 0.4]), np.array([0.3, -0.2, 0.5, 0.1])], {"wrt": [0, 1]}),

"cosine_similarity": ('''
import numpy as np

def cosine(a, b):
    return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
''', "cosine", lambda: [_normal(114, 4), _normal(115, 4)]),

"kmeans_soft": ('''
import numpy as np

def soft_kmeans(X, C, beta=2.0):
    d2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    r = np.exp(-beta * d2)
    r /= r.sum(axis=1, keepdims=True)
    return np.sum(r * d2)
''', "soft_kmeans", lambda: [_normal(116, 5, 2), _normal(117, 3, 2)], {"wrt": [0, 1]}),

"class_net_self_params": ('''
import numpy as np

class TwoLayerNet(object):
    def __init__(self, params):
        self.params = params

    def loss(self, X, y, reg=0.0):
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        h = np.maximum(0, X.dot(W1) + b1)
        scores = h.dot(W2) + b2
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        return -np.mean(np.log(probs[np.arange(X.shape[0]), y]))
''', "TwoLayerNet.loss", lambda: [{"W1": _normal(126, 4, 5), "b1": _normal(127, 5), "W2": _normal(128, 5, 3),
                                "b2": _normal(129, 3)}, _normal(118, 5, 4), np.array([0, 1, 2, 1, 0])]),

"accumulate_list_layers": ('''
import numpy as np

def deep_tanh(Ws, x):
    acts = [x]
    for W in Ws:
        acts.append(np.tanh(acts[-1] @ W))
    return np.sum(acts[-1])
''', "deep_tanh", lambda: [[_normal(119, 3, 3), _normal(120, 3, 3), _normal(121, 3, 2)], _normal(122, 2, 3)]),

"ema_returns_list_sum": ('''
import numpy as np

def smoothed(xs, alpha):
    s = xs[0]
    out = []
    for x in xs[1:]:
        s = alpha * x + (1 - alpha) * s
        out.append(s)
    return np.sum(np.stack(out) ** 2)
''', "smoothed", lambda: [_normal(123, 5, 2), 0.3]),

"batchnorm_loop_accumulate": ('''
import numpy as np

def mean_var(x):
    N = x.shape[0]
    mu = 0.0
    for i in range(N):
        mu += x[i]
    mu /= N
    var = 0.0
    for i in range(N):
        var += (x[i] - mu) ** 2
    var /= N
    return np.sum(var) + np.sum(mu ** 2)
''', "mean_var", lambda: [_normal(124, 4, 3)]),

"out_array_rows_assigned": ('''
import numpy as np

def row_softmax(x):
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        e = np.exp(x[i] - np.max(x[i]))
        out[i] = e / e.sum()
    return np.sum(out * np.arange(x.shape[1]))
''', "row_softmax", lambda: [_normal(125, 3, 4)]),

# ----------------------------------------------------------------------------- more idioms
"affine_np_prod_shape": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    N = x.shape[0]
    D = np.prod(x.shape[1:])
    x2 = np.reshape(x, (N, D))
    out = np.dot(x2, w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(130, 3, 2, 2), _normal(131, 4, 5), _normal(132, 5)]),

"asarray_first": ('''
import numpy as np

def mse(w, X, y):
    X = np.asarray(X)
    w = np.asarray(w, dtype=float)
    r = X @ w - y
    return r @ r / len(y)
''', "mse", lambda: [_normal(133, 3), _normal(134, 5, 3), _normal(135, 5)], {"wrt": [0, 1, 2]}),

"astype_float": ('''
import numpy as np

def weighted_sum(x, counts):
    c = counts.astype(float)
    return np.sum(np.log1p(np.exp(x)) * c)
''', "weighted_sum", lambda: [_normal(136, 4), np.array([1, 0, 2, 3])], {"wrt": [0]}),

"unpack_flat_param_list": ('''
import numpy as np

def mlp(params, x):
    W1, b1, W2, b2 = params
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2 + b2) ** 2)
''', "mlp", lambda: [[_normal(137, 3, 4), _normal(138, 4), _normal(139, 4, 2), _normal(140, 2)], _normal(141, 5, 3)]),

"einsum_bilinear": ('''
import numpy as np

def bilinear(x, A, y):
    return np.sum(np.einsum('ni,ij,nj->n', x, A, y) ** 2)
''', "bilinear", lambda: [_normal(142, 4, 3), _normal(143, 3, 2), _normal(144, 4, 2)]),

"ode_trajectory_list": ('''
import numpy as np

def trajectory_cost(y0, k, dt=0.1, steps=8):
    ys = [y0]
    y = y0
    for _ in range(steps):
        y = y + dt * np.array([y[1], -k * y[0]])
        ys.append(y)
    traj = np.array(ys)
    return np.sum(traj[:, 0] ** 2)
''', "trajectory_cost", lambda: [np.array([1.0, 0.2]), 1.5]),

"norm_regularizer": ('''
import numpy as np

def ridge(w, X, y, lam):
    return 0.5 * np.linalg.norm(X @ w - y) ** 2 + lam * np.linalg.norm(w) ** 2
''', "ridge", lambda: [_normal(145, 3), _normal(146, 6, 3), _normal(147, 6), 0.1]),

"ndim_branch": ('''
import numpy as np

def softplus_sum(x):
    if x.ndim == 1:
        x = x[None, :]
    return np.sum(np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0), axis=1).mean()
''', "softplus_sum", lambda: [_normal(148, 3, 4)]),

"newton_while_tolerance": ('''
def cube_root(a):
    x = a
    while True:
        step = (x ** 3 - a) / (3 * x ** 2)
        x = x - step
        if abs(step) < 1e-12:
            break
    return x
''', "cube_root", lambda: [2.5]),

"gan_losses": ('''
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def discriminator_loss(w, real, fake):
    d_real = sigmoid(real @ w)
    d_fake = sigmoid(fake @ w)
    return -np.mean(np.log(d_real) + np.log(1 - d_fake))
''', "discriminator_loss", lambda: [_normal(149, 3) * .5, _normal(150, 5, 3), _normal(151, 5, 3)]),

"mean_tuple_axes": ('''
import numpy as np

def global_pool(x, gamma):
    """x: (N, C, H, W), gamma: (C,)"""
    pooled = np.mean(x, axis=(2, 3))
    return np.sum(pooled * gamma) + np.sum(np.max(x, axis=(2, 3)) ** 2)
''', "global_pool", lambda: [_normal(152, 2, 3, 2, 2), _normal(153, 3)]),

"cross_product_torque": ('''
import numpy as np

def torque_energy(r, F):
    tau = np.cross(r, F)
    return 0.5 * np.sum(tau ** 2)
''', "torque_energy", lambda: [_normal(154, 4, 3), _normal(155, 4, 3)]),

"pairwise_distances_vectorized": ('''
import numpy as np

def soft_nn_loss(X, Y, temp=0.5):
    d = np.sum(X ** 2, axis=1)[:, None] + np.sum(Y ** 2, axis=1)[None, :] - 2 * X @ Y.T
    p = np.exp(-d / temp)
    p = p / p.sum(axis=1, keepdims=True)
    return -np.sum(np.log(np.diag(p)))
''', "soft_nn_loss", lambda: [_normal(156, 4, 2), _normal(157, 4, 2)], {"wrt": [0, 1]}),

"sgd_unrolled_inner_loop": ('''
import numpy as np

def meta_loss(w0, lr, X, y, steps=3):
    w = w0
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / len(y)
        w = w - lr * grad
    return np.mean((X @ w - y) ** 2)
''', "meta_loss", lambda: [_normal(158, 3), 0.1, _normal(159, 6, 3), _normal(160, 6)]),

"loss_grads_dict_cs231n": ('''
import numpy as np

def loss(X, W1, b1, W2, b2, y=None, reg=0.0):
    """
    - X: Input data of shape (N, D).
    - y: Vector of training labels, of shape (N,).
    """
    N, D = X.shape
    scores = None
    h1 = np.maximum(0, X.dot(W1) + b1)
    scores = h1.dot(W2) + b2
    if y is None:
        return scores
    loss = None
    scores = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[np.arange(N), y])) / N
    loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    grads = {}
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads['W2'] = h1.T.dot(dscores) + 2 * reg * W2
    grads['b2'] = np.sum(dscores, axis=0)
    return loss, grads
''', "loss", lambda: [_normal(161, 5, 4), _normal(162, 4, 6), _normal(163, 6), _normal(164, 6, 3), _normal(165, 3),
                      np.array([0, 1, 2, 1, 0]), 0.05],
    {"shapes": {"W1": "D, H", "b1": "H", "W2": "H, C", "b2": "C"}}),

# ----------------------------------------------------------------------------- a third batch
"groupnorm_reshape": ('''
import numpy as np

def groupnorm(x, gamma, beta, G, eps=1e-5):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer number of groups to split into, should be a divisor of C
    """
    N, C, H, W = x.shape
    xg = x.reshape(N, G, C // G, H, W)
    mu = xg.mean(axis=(2, 3, 4), keepdims=True)
    var = xg.var(axis=(2, 3, 4), keepdims=True)
    xhat = ((xg - mu) / np.sqrt(var + eps)).reshape(N, C, H, W)
    return gamma * xhat + beta
''', "groupnorm", lambda: [_normal(170, 2, 4, 2, 2), _normal(171, 1, 4, 1, 1), _normal(172, 1, 4, 1, 1), 2],
    {"wrt": [0, 1, 2]}),

"lstm_split_gates": ('''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def lstm_cell(x, h, c, W, U, b):
    a = x @ W + h @ U + b
    ai, af, ao, ag = np.split(a, 4, axis=1)
    c_next = sigmoid(af) * c + sigmoid(ai) * np.tanh(ag)
    h_next = sigmoid(ao) * np.tanh(c_next)
    return np.sum(h_next ** 2) + np.sum(c_next)
''', "lstm_cell", lambda: [_normal(173, 2, 3), _normal(174, 2, 2), _normal(175, 2, 2), _normal(176, 3, 8) * .5,
                           _normal(177, 2, 8) * .5, _normal(178, 8)]),

"max_over_time": ('''
import numpy as np

def text_cnn_pool(h, w):
    """h: (N, T, D), w: (D,)"""
    pooled = np.max(h, axis=1)
    return np.sum(np.tanh(pooled @ w))
''', "text_cnn_pool", lambda: [_normal(179, 2, 5, 3), _normal(180, 3)]),

"central_difference_laplacian": ('''
import numpy as np

def dirichlet_energy(u, dx=0.1):
    du = (u[2:] - u[:-2]) / (2 * dx)
    return 0.5 * np.sum(du ** 2) * dx
''', "dirichlet_energy", lambda: [_normal(181, 7)]),

"scipy_logsumexp": ('''
import numpy as np
from scipy.special import logsumexp

def log_softmax_nll(logits, y):
    return -np.mean(logits[np.arange(len(y)), y] - logsumexp(logits, axis=1))
''', "log_softmax_nll", lambda: [_normal(182, 4, 3), np.array([0, 2, 1, 1])]),

"bisection_free_projection": ('''
import numpy as np

def project_simplex_loss(v, z=1.0):
    mu = np.sort(v)[::-1]
    cssv = np.cumsum(mu) - z
    theta = cssv[-1] / len(v)
    w = np.maximum(v - theta, 0)
    return np.sum(w ** 2)
''', "project_simplex_loss", lambda: [np.array([0.9, 0.3, 1.4, 0.6])]),

"loss_and_accuracy": ('''
import numpy as np

def loss_acc(W, X, y):
    scores = X @ W
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
    acc = np.mean(np.argmax(scores, axis=1) == y)
    return loss, acc
''', "loss_acc", lambda: [_normal(183, 3, 4), _normal(184, 5, 3), np.array([0, 1, 2, 3, 1])]),

"kl_divergence_gaussians": ('''
import numpy as np

def kl_diag(mu, log_var):
    """KL(q || N(0, I)) of a VAE's encoder, summed over the batch."""
    return -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
''', "kl_diag", lambda: [_normal(185, 4, 2), _normal(186, 4, 2) * .3]),

# ----------------------------------------------------------------------------- CS231n, more
"svm_loss_naive_loops": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    # compute the loss and the gradient
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    # Right now the loss is a sum over all training examples, but we want it
    # to be an average instead so we divide by num_train.
    loss /= num_train
    dW /= num_train

    # Add regularization to the loss.
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W

    return loss, dW
''', "svm_loss_naive", lambda: [_normal(301, 4, 3) * .3, _normal(302, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),

"svm_loss_vectorized_margins": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape) # initialize the gradient as zero

    num_train = X.shape[0]
    scores = X.dot(W)
    correct_class_scores = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct_class_scores + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)

    binary = (margins > 0).astype(float)
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(num_train), y] = -row_sum
    dW = X.T.dot(binary) / num_train + 2 * reg * W
    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(303, 4, 3) * .3, _normal(304, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),

"softmax_loss_naive_stable": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss function, naive implementation (with loops)

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        f = X[i].dot(W)
        f -= np.max(f)  # numeric stability
        sum_j = np.sum(np.exp(f))
        p = lambda k: np.exp(f[k]) / sum_j
        loss += -np.log(p(y[i]))
        for k in range(num_classes):
            p_k = p(k)
            dW[:, k] += (p_k - (k == y[i])) * X[i]
    loss /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    dW /= num_train
    dW += reg * W
    return loss, dW
''', "softmax_loss_naive", lambda: [_normal(305, 4, 3) * .3, _normal(306, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),

"leaky_relu_layer": ('''
import numpy as np

def leaky_relu_forward(x, alpha=0.01):
    """
    Computes the forward pass for a layer of leaky rectified linear units.

    Input:
    - x: Inputs, of any shape
    - alpha: slope for x < 0

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: (x, alpha)
    """
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
''', "leaky_relu_forward", lambda: [_normal(307, 3, 4), 0.1], {"wrt": [0]}),

"dropout_seeded_train": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    """
    Performs the forward pass for (inverted) dropout.

    Inputs:
    - x: Input data, of any shape
    - dropout_param: A dictionary with the following keys:
      - p: Dropout parameter. We keep each neuron output with probability p.
      - mode: 'test' or 'train'. If the mode is train, then perform dropout;
        if the mode is test, then just return the input.
      - seed: Seed for the random number generator. Passing seed makes this
        function deterministic, which is needed for gradient checking but not
        in real networks.
    """
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])

    mask = None
    out = None

    if mode == 'train':
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == 'test':
        out = x

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache
''', "dropout_forward", lambda: [_normal(308, 4, 5), {"p": 0.6, "mode": "train", "seed": 123}]),

"batchnorm_alt_train": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with keys mode, eps, momentum, running_mean, running_var
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
        xc = x - mu
        var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(var + eps)
        xn = xc / std
        out = gamma * xn + beta
        cache = {'xn': xn, 'std': std, 'gamma': gamma, 'xc': xc}
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(309, 5, 3), _normal(310, 3), _normal(311, 3), {"mode": "train"}]),

"layernorm_axis1": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass for layer normalization.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    var = np.var(x, axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    out = gamma * x_hat + beta
    cache = (x_hat, inv_std, gamma)
    return out, cache
''', "layernorm_forward", lambda: [_normal(312, 4, 5), _normal(313, 5), _normal(314, 5), {}]),

"conv_tensordot_fastish": ('''
import numpy as np

def conv_forward_fastish(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with 'stride' and 'pad'
    """
    stride = conv_param['stride']
    pad = conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Hp = 1 + (H + 2 * pad - HH) // stride
    Wp = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    out = np.zeros((N, F, Hp, Wp))
    for i in range(Hp):
        for j in range(Wp):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_fastish", lambda: [_normal(315, 2, 2, 4, 4), _normal(316, 3, 2, 3, 3), _normal(317, 3),
                                     {"stride": 1, "pad": 1}]),

"max_pool_reshape": ('''
import numpy as np

def max_pool_forward_reshape(x, pool_param):
    """
    A fast implementation of the forward pass for the max pooling layer that uses
    some clever reshaping. This can only be used for square pooling regions that
    tile the input.

    - x: Input data, of shape (N, C, H, W)
    """
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    assert pool_height == pool_width == stride, 'Invalid pool params'
    assert H % pool_height == 0
    assert W % pool_height == 0
    x_reshaped = x.reshape(N, C, H // pool_height, pool_height,
                           W // pool_width, pool_width)
    out = x_reshaped.max(axis=3).max(axis=4)

    cache = (x, x_reshaped, out)
    return out, cache
''', "max_pool_forward_reshape", lambda: [_normal(318, 2, 3, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}]),

"avg_pool_global": ('''
import numpy as np

def avg_pool_forward(x):
    """Global average pooling: x of shape (N, C, H, W) to (N, C)."""
    N, C, H, W = x.shape
    out = x.sum(axis=(2, 3)) / (H * W)
    cache = x.shape
    return out, cache
''', "avg_pool_forward", lambda: [_normal(319, 2, 3, 2, 4)]),

"lstm_forward_over_time": ('''
import numpy as np

def sigmoid(x):
    """A numerically stable version of the logistic sigmoid function."""
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    next_h, next_c, cache = None, None, None
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2*H])
    o = sigmoid(a[:, 2*H:3*H])
    g = np.tanh(a[:, 3*H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, b, i, f, o, g, next_c)
    return next_h, next_c, cache

def lstm_forward(x, h0, Wx, Wh, b):
    """
    Inputs:
    - x: Input data of shape (N, T, D)
    - h0: Initial hidden state of shape (N, H)
    - Wx: Weights for input-to-hidden connections, of shape (D, 4H)
    - Wh: Weights for hidden-to-hidden connections, of shape (H, 4H)
    - b: Biases of shape (4H,)

    Returns a tuple of:
    - h: Hidden states for all timesteps of all sequences, of shape (N, T, H)
    - cache: Values needed for the backward pass.
    """
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    prev_c = np.zeros_like(h0)
    cache = []
    for t in range(T):
        prev_h, prev_c, cache_t = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(cache_t)
    return h, cache
''', "lstm_forward", lambda: [_normal(320, 2, 3, 3), _normal(321, 2, 2), _normal(322, 3, 8) * .5,
                              _normal(323, 2, 8) * .5, _normal(324, 8) * .5]),

"rnn_captioning_loss": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    return out, (x, w, b)

def word_embedding_forward(x, W):
    out = W[x, :]
    return out, (x, W)

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)

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

def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    return out, (x, w, b, out)

def temporal_softmax_loss(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    return loss

def captioning_loss(features, captions, W_proj, b_proj, W_embed, Wx, Wh, b, W_vocab, b_vocab):
    """
    - features: Input image features, of shape (N, D)
    - captions: Ground-truth captions; an integer array of shape (N, T + 1)
    """
    captions_in = captions[:, :-1]
    captions_out = captions[:, 1:]
    mask = captions_out != 0
    h0, _ = affine_forward(features, W_proj, b_proj)
    x, _ = word_embedding_forward(captions_in, W_embed)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    scores, _ = temporal_affine_forward(h, W_vocab, b_vocab)
    loss = temporal_softmax_loss(scores, captions_out, mask)
    return loss
''', "captioning_loss", lambda: [_normal(325, 2, 4), np.array([[1, 3, 2, 0], [1, 2, 4, 3]]),
                                 _normal(326, 4, 3) * .5, _normal(327, 3) * .5, _normal(328, 5, 2) * .5,
                                 _normal(329, 2, 3) * .5, _normal(330, 3, 3) * .5, _normal(331, 3) * .5,
                                 _normal(332, 3, 5) * .5, _normal(333, 5) * .5],
    {"wrt": [0, 2, 3, 4, 5, 6, 7, 8, 9]}),

"multihead_attention": ('''
import numpy as np

def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)

def multihead_attention(query, key, value, Wq, Wk, Wv, Wo, num_heads):
    """
    - query: (N, S, E), key: (N, T, E), value: (N, T, E)
    - Wq, Wk, Wv, Wo: (E, E)
    """
    N, S, E = query.shape
    N, T, E = value.shape
    H = num_heads
    d = E // H
    q = (query @ Wq).reshape(N, S, H, d).transpose(0, 2, 1, 3)
    k = (key @ Wk).reshape(N, T, H, d).transpose(0, 2, 1, 3)
    v = (value @ Wv).reshape(N, T, H, d).transpose(0, 2, 1, 3)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    attn = softmax(scores, axis=-1)
    y = attn @ v
    y = y.transpose(0, 2, 1, 3).reshape(N, S, E)
    output = y @ Wo
    return output
''', "multihead_attention", lambda: [_normal(334, 2, 3, 4), _normal(335, 2, 2, 4), _normal(336, 2, 2, 4),
                                     _normal(337, 4, 4) * .5, _normal(338, 4, 4) * .5, _normal(339, 4, 4) * .5,
                                     _normal(340, 4, 4) * .5, 2], {"wrt": [0, 1, 2, 3, 4, 5, 6]}),

"causal_self_attention": ('''
import numpy as np

def causal_attention(x, Wq, Wk, Wv):
    """x: (T, D); Wq, Wk, Wv: (D, D). Each position attends to itself and the past."""
    T, D = x.shape
    q = x @ Wq
    k = x @ Wk
    v = x @ Wv
    scores = q @ k.T / np.sqrt(D)
    mask = np.tril(np.ones((T, T)))
    scores = np.where(mask == 1, scores, -1e9)
    scores = scores - scores.max(axis=1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=1, keepdims=True)
    return w @ v
''', "causal_attention", lambda: [_normal(341, 4, 3), _normal(342, 3, 3), _normal(343, 3, 3), _normal(344, 3, 3)]),

"style_transfer_losses": ('''
import numpy as np

def gram_matrix(features, normalize=True):
    C, H, W = features.shape
    F = features.reshape(C, H * W)
    gram = F @ F.T
    if normalize:
        gram = gram / (H * W * C)
    return gram

def content_loss(content_weight, content_current, content_original):
    return content_weight * np.sum((content_current - content_original) ** 2)

def tv_loss(img, tv_weight):
    h_var = np.sum((img[:, 1:, :] - img[:, :-1, :]) ** 2)
    w_var = np.sum((img[:, :, 1:] - img[:, :, :-1]) ** 2)
    return tv_weight * (h_var + w_var)

def total_loss(img, content_target, style_target):
    """img, content_target: (C, H, W); style_target: (C, C)"""
    c_loss = content_loss(0.5, img, content_target)
    s_loss = 2.0 * np.sum((gram_matrix(img) - style_target) ** 2)
    t_loss = tv_loss(img, 0.1)
    return c_loss + s_loss + t_loss
''', "total_loss", lambda: [_normal(345, 2, 3, 3), _normal(346, 2, 3, 3), _normal(347, 2, 2) * .1],
    {"wrt": [0, 1, 2]}),

"three_layer_scores": ('''
import numpy as np

def three_layer_net(X, W1, b1, W2, b2, W3, b3):
    """affine - relu - affine - relu - affine; X: (N, D)"""
    h1 = np.maximum(0, X.dot(W1) + b1)
    h2 = np.maximum(0, h1.dot(W2) + b2)
    scores = h2.dot(W3) + b3
    return scores
''', "three_layer_net", lambda: [_normal(348, 4, 3), _normal(349, 3, 5), _normal(350, 5), _normal(351, 5, 4),
                                 _normal(352, 4), _normal(353, 4, 2), _normal(354, 2)]),

"svm_loss_annotated": ('''
import numpy as np

def svm_loss(x: "N, C", y: "int N"):
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    return loss
''', "svm_loss", lambda: [_normal(355, 4, 3), np.array([1, 0, 2, 1])]),

"spatial_groupnorm_cs231n": ('''
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer mumber of groups to split into, should be a divisor of C
    - gn_param: Dictionary with the following keys:
      - eps: Constant for numeric stability
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    x_group = np.reshape(x, (N, G, C // G, H, W))
    mean = np.mean(x_group, axis=(2, 3, 4), keepdims=True)
    var = np.var(x_group, axis=(2, 3, 4), keepdims=True)
    x_groupnorm = (x_group - mean) / np.sqrt(var + eps)
    x_norm = np.reshape(x_groupnorm, (N, C, H, W))
    out = x_norm * gamma + beta
    cache = (G, x, x_norm, mean, var, beta, gamma, eps)
    return out, cache
''', "spatial_groupnorm_forward", lambda: [_normal(356, 2, 4, 2, 2), _normal(357, 1, 4, 1, 1),
                                          _normal(358, 1, 4, 1, 1), 2, {}], {"wrt": [0, 1, 2]}),

# ----------------------------------------------------------------------------- autograd-style
"hmm_forward_logsumexp": ('''
import numpy as np

def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))

def hmm_log_likelihood(log_pi, log_A, log_B, obs):
    """Forward algorithm: log p(obs) for an HMM; log_A (K, K), log_B (K, V), obs ints of length T."""
    log_alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, obs[t]]
    return logsumexp(log_alpha, axis=0)
''', "hmm_log_likelihood", lambda: [_normal(359, 3), _normal(360, 3, 3), _normal(361, 3, 4),
                                    np.array([0, 2, 1, 3, 1])], {"wrt": [0, 1, 2]}),

"vae_diag_gaussian": ('''
import numpy as np

def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(-0.5 * ((x - mu) / np.exp(log_std)) ** 2 - log_std - 0.5 * np.log(2 * np.pi), axis=-1)

def unpack_gaussian_params(params):
    # Params of a diagonal Gaussian.
    D = np.shape(params)[-1] // 2
    mean, log_std = params[:, :D], params[:, D:]
    return mean, log_std

def sample_diag_gaussian(mean, log_std, eps):
    return eps * np.exp(log_std) + mean

def vae_lower_bound(enc_W, dec_W, data, eps):
    """enc_W: (D, 2L), dec_W: (L, D), data: (N, D), eps: (N, L)"""
    q_means, q_log_stds = unpack_gaussian_params(np.tanh(data @ enc_W))
    latents = sample_diag_gaussian(q_means, q_log_stds, eps)
    logits = latents @ dec_W
    log_px = np.sum(data * logits - np.logaddexp(0, logits), axis=-1)
    log_prior = diag_gaussian_log_density(latents, 0, 0)
    log_q = diag_gaussian_log_density(latents, q_means, q_log_stds)
    return np.mean(log_px + log_prior - log_q)
''', "vae_lower_bound", lambda: [_normal(362, 3, 4) * .5, _normal(363, 2, 3) * .5,
                                 (_rng(364).random((4, 3)) > .5).astype(float), _normal(365, 4, 2)],
    {"wrt": [0, 1]}),

"tanh_net_list": ('''
import numpy as np

def predict(params, inputs):
    """params: a list of (W, b); a tanh net ending in a linear layer."""
    for W, b in params[:-1]:
        inputs = np.tanh(np.dot(inputs, W) + b)
    W, b = params[-1]
    return np.dot(inputs, W) + b

def squared_loss(params, inputs, targets):
    preds = predict(params, inputs)
    return 0.5 * np.sum((preds - targets) ** 2)
''', "squared_loss", lambda: [[(_normal(366, 2, 3), _normal(367, 3)), (_normal(368, 3, 3), _normal(369, 3)),
                               (_normal(370, 3, 1), _normal(371, 1))], _normal(372, 5, 2), _normal(373, 5, 1)],
    {"wrt": [0, 1]}),

"ppca_log_likelihood": ('''
import numpy as np

def ppca_nll(W, log_sigma2, X):
    """Probabilistic PCA: x ~ N(0, W W^T + s2 I); W (D, K), X (N, D)."""
    N, D = X.shape
    C = W @ W.T + np.exp(log_sigma2) * np.eye(D)
    sign, logdet = np.linalg.slogdet(C)
    S = X.T @ X
    return 0.5 * (N * D * np.log(2 * np.pi) + N * logdet + np.trace(np.linalg.solve(C, S)))
''', "ppca_nll", lambda: [_normal(374, 3, 2), -0.3, _normal(375, 6, 3)]),

"gp_marginal_inv_det": ('''
import numpy as np

def gp_neg_log_marginal(log_length, log_amp, X, y):
    """Gaussian process regression with an RBF kernel; X: (N,), y: (N,)."""
    sqdist = (X[:, None] - X[None, :]) ** 2
    K = np.exp(2 * log_amp) * np.exp(-0.5 * sqdist / np.exp(2 * log_length)) + 0.1 * np.eye(len(X))
    Kinv = np.linalg.inv(K)
    return 0.5 * y @ Kinv @ y + 0.5 * np.log(np.linalg.det(K)) + 0.5 * len(X) * np.log(2 * np.pi)
''', "gp_neg_log_marginal", lambda: [0.2, -0.1, np.linspace(-1, 1, 5), _normal(376, 5)]),

"logistic_regression_l2_scalar_loop": ('''
import math

def logistic_loss(w0, w1, b, xs, ys, lam=0.01):
    """Binary logistic regression on 2-d points written with plain Python lists."""
    total = 0.0
    for (x0, x1), y in zip(xs, ys):
        z = w0 * x0 + w1 * x1 + b
        p = 1.0 / (1.0 + math.exp(-z))
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(xs) + lam * (w0 ** 2 + w1 ** 2)
''', "logistic_loss", lambda: [0.3, -0.5, 0.1, [(0.5, 1.0), (-1.0, 0.2), (0.3, -0.7)], [1, 0, 1]],
    {"wrt": [0, 1, 2]}),

"neg_binomial_loglik": ('''
import numpy as np
from scipy.special import gammaln

def negbin_loglike(r, p, x):
    # the r parameter of a negative binomial, p its success probability
    return np.sum(gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p))
''', "negbin_loglike", lambda: [2.5, 0.4, np.array([0., 3., 1., 5.])], {"wrt": [0, 1]}),

"student_t_ica": ('''
import numpy as np

def t_logpdf(x, df):
    return -0.5 * (df + 1) * np.log1p(x ** 2 / df)

def ica_objective(W, X):
    """X: (N, D) observations; W: (D, D) unmixing matrix; Student-t sources."""
    S = X @ W.T
    sign, logdet = np.linalg.slogdet(W)
    return -(np.sum(t_logpdf(S, 3.0)) + X.shape[0] * logdet)
''', "ica_objective", lambda: [np.eye(3) + .2 * _normal(377, 3, 3), _normal(378, 6, 3)]),

"rk4_scalar_decay": ('''
def f(t, y, k):
    return -k * y + t

def rk4_solve(y0, k, h=0.1, n=10):
    t, y = 0.0, y0
    for _ in range(n):
        k1 = f(t, y, k)
        k2 = f(t + h / 2, y + h / 2 * k1, k)
        k3 = f(t + h / 2, y + h / 2 * k2, k)
        k4 = f(t + h, y + h * k3, k)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
    return y
''', "rk4_solve", lambda: [1.0, 0.7], {"wrt": [0, 1]}),

# ----------------------------------------------------------------------------- physics / numerics (scalar)
"pendulum_energy_scalar": ('''
import math

def pendulum_energy(theta, omega, m=1.0, L=1.0, g=9.81):
    """Total mechanical energy of a simple pendulum."""
    kinetic = 0.5 * m * (L * omega) ** 2
    potential = m * g * L * (1 - math.cos(theta))
    return kinetic + potential
''', "pendulum_energy", lambda: [0.4, 1.3, 2.0, 0.8], {"wrt": [0, 1, 2, 3]}),

"himmelblau_scalar": ('''
def himmelblau(x, y):
    return (x**2 + y - 11)**2 + (x + y**2 - 7)**2
''', "himmelblau", lambda: [1.3, -0.4]),

"ackley_scalar": ('''
import math

def ackley(x, y):
    a, b, c = 20, 0.2, 2 * math.pi
    term1 = -a * math.exp(-b * math.sqrt(0.5 * (x**2 + y**2)))
    term2 = -math.exp(0.5 * (math.cos(c * x) + math.cos(c * y)))
    return term1 + term2 + a + math.e
''', "ackley", lambda: [0.7, -1.1]),

"rastrigin_loop": ('''
import math

def rastrigin(xs, A=10):
    n = len(xs)
    total = A * n
    for x in xs:
        total += x * x - A * math.cos(2 * math.pi * x)
    return total
''', "rastrigin", lambda: [[0.3, -1.2, 2.1]], {"wrt": [0]}),

"huber_scalar_branch": ('''
def huber(residual, delta=1.0):
    if abs(residual) <= delta:
        return 0.5 * residual ** 2
    else:
        return delta * (abs(residual) - 0.5 * delta)
''', "huber", lambda: [-1.7, 1.0], {"wrt": [0]}),

"logistic_loss_scalar": ('''
import math

def logistic_loss(z, y):
    """log(1 + exp(-y z)) for a label y in {-1, +1}, stable for large |z|."""
    m = -y * z
    if m > 0:
        return m + math.log1p(math.exp(-m))
    return math.log1p(math.exp(m))
''', "logistic_loss", lambda: [0.8, -1.0], {"wrt": [0]}),

"gelu_tanh_scalar": ('''
import math

def gelu(x):
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
''', "gelu", lambda: [0.6]),

"black_scholes_call": ('''
import math

def norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

def bs_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * norm_cdf(d1) - K * math.exp(-r * T) * norm_cdf(d2)
''', "bs_call", lambda: [100.0, 95.0, 0.5, 0.02, 0.25]),

"relativistic_energy": ('''
import math

def kinetic_energy(m, v, c=1.0):
    """Relativistic kinetic energy; in units where c = 1 by default."""
    gamma = 1.0 / math.sqrt(1.0 - (v / c) ** 2)
    return (gamma - 1.0) * m * c ** 2
''', "kinetic_energy", lambda: [2.0, 0.6], {"wrt": [0, 1]}),

"projectile_drag_euler": ('''
import math

def shoot(v0, angle, k, dt=0.01, steps=200, g=9.81):
    """Horizontal distance after a fixed time, quadratic air drag, explicit Euler."""
    x, y = 0.0, 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    for _ in range(steps):
        speed = math.sqrt(vx * vx + vy * vy)
        ax = -k * speed * vx
        ay = -g - k * speed * vy
        x += vx * dt
        y += vy * dt
        vx += ax * dt
        vy += ay * dt
    return x
''', "shoot", lambda: [20.0, 0.6, 0.05], {"wrt": [0, 1, 2]}),

"horner_poly": ('''
def horner(coeffs, x):
    """Evaluate a polynomial given its coefficients, highest degree first."""
    result = 0.0
    for c in coeffs:
        result = result * x + c
    return result
''', "horner", lambda: [[1.0, -2.0, 0.5, 3.0], 0.7]),

"cosine_similarity_lists": ('''
import math

def cosine_similarity(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    norm_a = math.sqrt(sum(x * x for x in a))
    norm_b = math.sqrt(sum(y * y for y in b))
    return dot / (norm_a * norm_b)
''', "cosine_similarity", lambda: [[1.0, 2.0, -0.5], [0.3, -1.0, 2.0]]),

"simpson_integral": ('''
import math

def simpson(a, b, n=8):
    """Simpson's rule for the integral of exp(-x^2) on [a, b]; n even."""
    h = (b - a) / n
    s = math.exp(-a * a) + math.exp(-b * b)
    for i in range(1, n):
        x = a + i * h
        if i % 2 == 1:
            s += 4 * math.exp(-x * x)
        else:
            s += 2 * math.exp(-x * x)
    return s * h / 3
''', "simpson", lambda: [-0.5, 1.2], {"wrt": [0, 1]}),

# ----------------------------------------------------------------------------- physics / numerics (NumPy)
"spring_network_edges": ('''
import numpy as np

def spring_network_energy(pos, edges, k=1.0, rest=1.0):
    """pos: (N, 2) node positions; edges: (E, 2) integer pairs of connected nodes."""
    d = pos[edges[:, 0]] - pos[edges[:, 1]]
    r = np.sqrt(np.sum(d ** 2, axis=1))
    return 0.5 * k * np.sum((r - rest) ** 2)
''', "spring_network_energy", lambda: [_normal(379, 4, 2), np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])],
    {"wrt": [0]}),

"nbody_potential_vectorized": ('''
import numpy as np

def potential_energy(pos, mass, G=1.0, softening=0.1):
    """pos: (N, 3), mass: (N,)"""
    dx = pos[:, None, :] - pos[None, :, :]
    inv_r = 1.0 / np.sqrt(np.sum(dx ** 2, axis=-1) + softening ** 2)
    pair = np.triu(mass[:, None] * mass[None, :] * inv_r, k=1)
    return -G * np.sum(pair)
''', "potential_energy", lambda: [_normal(380, 4, 3), _rng(381).uniform(.5, 2, 4)], {"wrt": [0, 1]}),

"heat_2d_step": ('''
import numpy as np

def heat_step(u, alpha, dt=0.1, steps=3):
    """Explicit 2-d heat equation on a grid with fixed boundary values."""
    for _ in range(steps):
        un = u.copy()
        u[1:-1, 1:-1] = un[1:-1, 1:-1] + alpha * dt * (
            un[2:, 1:-1] + un[:-2, 1:-1] + un[1:-1, 2:] + un[1:-1, :-2] - 4 * un[1:-1, 1:-1])
    return np.sum(u ** 2)
''', "heat_step", lambda: [_normal(382, 5, 5), 0.4], {"wrt": [0, 1]}),

"wave_1d_leapfrog": ('''
import numpy as np

def wave_energy(u0, v0, c=1.0, dx=0.1, dt=0.05, steps=5):
    """1-d wave equation, periodic, leapfrog; the final discrete energy."""
    u_prev = u0
    u = u0 + dt * v0
    r2 = (c * dt / dx) ** 2
    for _ in range(steps):
        lap = np.roll(u, 1) - 2 * u + np.roll(u, -1)
        u_next = 2 * u - u_prev + r2 * lap
        u_prev, u = u, u_next
    v = (u - u_prev) / dt
    return 0.5 * np.sum(v ** 2) + 0.5 * c ** 2 * np.sum(((np.roll(u, -1) - u) / dx) ** 2)
''', "wave_energy", lambda: [_normal(383, 6) * .1, _normal(384, 6) * .1], {"wrt": [0, 1]}),

"rosenbrock_vectorized": ('''
import numpy as np

def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
''', "rosenbrock", lambda: [_normal(385, 5)]),

"styblinski_tang_annotated": ('''
import numpy as np

def styblinski_tang(x: "D"):
    return 0.5 * np.sum(x ** 4 - 16 * x ** 2 + 5 * x)
''', "styblinski_tang", lambda: [_normal(386, 4)]),

"softplus_stable_where": ('''
import numpy as np

def softplus(x):
    return np.where(x > 0, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(-np.abs(x))))
''', "softplus", lambda: [_normal(387, 3, 4) * 3]),

"gelu_numpy_erf": ('''
import numpy as np
from scipy.special import erf

def gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
''', "gelu", lambda: [_normal(388, 6)]),

"swish_mish": ('''
import numpy as np

def swish(x, beta=1.0):
    return x / (1 + np.exp(-beta * x))

def mish(x):
    return x * np.tanh(np.log1p(np.exp(x)))

def activations(x):
    return np.sum(swish(x) * mish(x))
''', "activations", lambda: [_normal(389, 5)]),

"focal_loss": ('''
import numpy as np

def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    """Binary focal loss; logits and targets (0 or 1) of the same shape."""
    p = 1 / (1 + np.exp(-logits))
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    loss = -alpha_t * (1 - p_t) ** gamma * np.log(p_t)
    return loss.mean()
''', "focal_loss", lambda: [_normal(390, 8), (_rng(391).random(8) > .5).astype(float)], {"wrt": [0]}),

"label_smoothing_ce": ('''
import numpy as np

def smoothed_cross_entropy(logits, labels, eps=0.1):
    """logits: (N, C); labels: int (N,)"""
    N, C = logits.shape
    targets = np.full((N, C), eps / (C - 1))
    targets[np.arange(N), labels] = 1.0 - eps
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -(targets * log_probs).sum() / N
''', "smoothed_cross_entropy", lambda: [_normal(392, 4, 3), np.array([0, 2, 2, 1])]),

"triplet_margin": ('''
import numpy as np

def triplet_loss(anchor, positive, negative, margin=0.2):
    """Each an (N, D) array of embeddings."""
    d_pos = np.sum((anchor - positive) ** 2, axis=1)
    d_neg = np.sum((anchor - negative) ** 2, axis=1)
    return np.mean(np.maximum(d_pos - d_neg + margin, 0.0))
''', "triplet_loss", lambda: [_normal(393, 5, 3), _normal(394, 5, 3), _normal(395, 5, 3)], {"wrt": [0, 1, 2]}),

"matrix_factorization": ('''
import numpy as np

def mf_loss(U, V, R, mask, lam=0.1):
    """R: (n_users, n_items) ratings; mask: 1 where a rating is observed."""
    E = mask * (R - U @ V.T)
    return 0.5 * np.sum(E ** 2) + 0.5 * lam * (np.sum(U ** 2) + np.sum(V ** 2))
''', "mf_loss", lambda: [_normal(396, 4, 2), _normal(397, 3, 2), _normal(398, 4, 3),
                         (_rng(399).random((4, 3)) > .4).astype(float)], {"wrt": [0, 1]}),

"skipgram_negative_sampling": ('''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def neg_sampling_loss(center_vec, outside_idx, neg_idx, outside_vectors):
    """center_vec: (D,); outside_vectors: (V, D); neg_idx: int array (K,)."""
    u_o = outside_vectors[outside_idx]
    u_k = outside_vectors[neg_idx]
    loss = -np.log(sigmoid(u_o.dot(center_vec))) - np.sum(np.log(sigmoid(-u_k.dot(center_vec))))
    return loss
''', "neg_sampling_loss", lambda: [_normal(400, 3), 2, np.array([0, 4, 4]), _normal(401, 5, 3)],
    {"wrt": [0, 3]}),

"boltzmann_free_energy": ('''
import numpy as np

def free_energy(E, kT):
    """Helmholtz free energy of a system with levels E at temperature kT."""
    Z = np.sum(np.exp(-E / kT))
    return -kT * np.log(Z)
''', "free_energy", lambda: [_normal(402, 5), 1.3]),

"ising_continuous_roll": ('''
import numpy as np

def ising_energy(s, J=1.0, h=0.0):
    """Energy of a 2-d lattice of continuous spins with periodic boundaries."""
    neighbours = np.roll(s, 1, axis=0) + np.roll(s, 1, axis=1)
    return -J * np.sum(s * neighbours) - h * np.sum(s)
''', "ising_energy", lambda: [np.tanh(_normal(403, 4, 4)), 1.0, 0.2], {"wrt": [0, 1, 2]}),

"moment_of_inertia": ('''
import numpy as np

def rotational_energy(masses, positions, omega):
    """masses (N,), positions (N, 3), omega (3,): kinetic energy of a rigid body."""
    r2 = np.sum(positions ** 2, axis=1)
    I = np.sum(masses * r2) * np.eye(3) - (masses[:, None] * positions).T @ positions
    return 0.5 * omega @ I @ omega
''', "rotational_energy", lambda: [_rng(404).uniform(.5, 2, 4), _normal(405, 4, 3), _normal(406, 3)]),

"ridge_closed_form": ('''
import numpy as np

def ridge_validation_error(X, y, Xv, yv, lam):
    """Fit ridge regression in closed form, return the validation error."""
    D = X.shape[1]
    w = np.linalg.solve(X.T @ X + lam * np.eye(D), X.T @ y)
    r = Xv @ w - yv
    return r @ r / len(yv)
''', "ridge_validation_error", lambda: [_normal(407, 6, 3), _normal(408, 6), _normal(409, 4, 3), _normal(410, 4),
                                        0.5]),

"layernorm_gelu_mlp_block": ('''
import numpy as np

def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + eps) + b

def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

def mlp_block(x, g, b, W1, b1, W2, b2):
    """A transformer's feed-forward block with a residual; x (T, D), W1 (D, 4D), W2 (4D, D)."""
    h = layer_norm(x, g, b)
    return x + gelu(h @ W1 + b1) @ W2 + b2
''', "mlp_block", lambda: [_normal(411, 3, 2), _normal(412, 2), _normal(413, 2), _normal(414, 2, 8) * .5,
                           _normal(415, 8) * .5, _normal(416, 8, 2) * .5, _normal(417, 2)]),

"cosine_similarity_matrix": ('''
import numpy as np

def cosine_sim_matrix(A, B):
    """Rows of A (N, D) against rows of B (M, D)."""
    A_n = A / np.linalg.norm(A, axis=1, keepdims=True)
    B_n = B / np.linalg.norm(B, axis=1, keepdims=True)
    return A_n @ B_n.T
''', "cosine_sim_matrix", lambda: [_normal(418, 3, 4), _normal(419, 2, 4)]),

"contrastive_infonce": ('''
import numpy as np

def info_nce(z1, z2, tau=0.5):
    """z1, z2: (N, D) embeddings of two views; the i-th rows are positives."""
    z1 = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    z2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    logits = z1 @ z2.T / tau
    logits -= logits.max(axis=1, keepdims=True)
    log_prob = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(np.diag(log_prob))
''', "info_nce", lambda: [_normal(420, 4, 3), _normal(421, 4, 3)], {"wrt": [0, 1]}),

"kmeans_distortion_argmin": ('''
import numpy as np

def distortion(X, centers):
    """Hard k-means objective: each point to its nearest center."""
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    assign = np.argmin(d2, axis=1)
    return np.sum((X - centers[assign]) ** 2)
''', "distortion", lambda: [_normal(422, 6, 2), _normal(423, 3, 2)]),

"polynomial_features_fit": ('''
import numpy as np

def poly_fit_loss(coef, x, y):
    """coef: (K,) polynomial coefficients, lowest degree first."""
    powers = np.vander(x, len(coef), increasing=True)
    pred = powers @ coef
    return np.mean((pred - y) ** 2)
''', "poly_fit_loss", lambda: [_normal(424, 3), np.linspace(-1, 1, 6), _normal(425, 6)], {"wrt": [0, 1, 2]}),

# ----------------------------------------------------------------------------- idioms: a GRU, RL, KL, PPO...
"gru_cell": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def gru_cell(x, h, Wz, Uz, Wr, Ur, Wh, Uh):
    """x: (N, D); h: (N, H); W*: (D, H); U*: (H, H)"""
    z = sigmoid(x @ Wz + h @ Uz)
    r = sigmoid(x @ Wr + h @ Ur)
    h_tilde = np.tanh(x @ Wh + (r * h) @ Uh)
    return (1 - z) * h + z * h_tilde
''', "gru_cell", lambda: [_normal(501, 3, 2), _normal(502, 3, 4), *[_normal(503 + k, 2, 4) * .5 if k % 2 == 0 else
                                                                     _normal(503 + k, 4, 4) * .5 for k in range(6)]]),

"policy_gradient_returns": ('''
import numpy as np

def pg_loss(logits, actions, rewards, gamma=0.99):
    """REINFORCE: logits (T, A), actions int (T,), rewards (T,)."""
    T = len(rewards)
    returns = np.zeros(T)
    G = 0.0
    for t in reversed(range(T)):
        G = rewards[t] + gamma * G
        returns[t] = G
    returns = (returns - returns.mean()) / (returns.std() + 1e-8)
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -np.sum(log_probs[np.arange(T), actions] * returns)
''', "pg_loss", lambda: [_normal(510, 5, 3), np.array([0, 2, 1, 1, 0]), _normal(511, 5)], {"wrt": [0, 2]}),

"quadratic_form_trace": ('''
import numpy as np

def gaussian_kl(mu0, A0, mu1, S1):
    """KL(N(mu0, A0 A0^T) || N(mu1, S1)), all of dimension k."""
    k = mu0.shape[0]
    S0 = A0 @ A0.T
    S1_inv = np.linalg.inv(S1)
    diff = mu1 - mu0
    return 0.5 * (np.trace(S1_inv @ S0) + diff @ S1_inv @ diff - k
                  + np.log(np.linalg.det(S1) / np.linalg.det(S0)))
''', "gaussian_kl", lambda: [_normal(512, 3), np.eye(3) + .2 * _normal(513, 3, 3), _normal(514, 3),
                             np.eye(3) * 2 + .1 * (lambda a: a + a.T)(_normal(515, 3, 3))]),

"l1_elastic_net": ('''
import numpy as np

def elastic_net(w, X, y, alpha=0.1, l1_ratio=0.5):
    n = X.shape[0]
    r = y - X.dot(w)
    return (0.5 / n) * r.dot(r) + alpha * l1_ratio * np.abs(w).sum() + 0.5 * alpha * (1 - l1_ratio) * w.dot(w)
''', "elastic_net", lambda: [_normal(516, 4), _normal(517, 6, 4), _normal(518, 6)], {"wrt": [0, 1, 2]}),

"clip_and_sign": ('''
import numpy as np

def clipped_surrogate(ratio, adv, eps=0.2):
    """PPO's clipped objective."""
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1 - eps, 1 + eps) * adv
    return -np.mean(np.minimum(unclipped, clipped))
''', "clipped_surrogate", lambda: [1 + .3 * _normal(519, 8), _normal(520, 8)], {"wrt": [0, 1]}),

"concat_features": ('''
import numpy as np

def concat_mlp(a, b, W, v):
    """a: (N, 2), b: (N, 3), W: (5, 4), v: (4,)"""
    h = np.concatenate([a, b], axis=1)
    h = np.tanh(h @ W)
    return np.sum(h @ v)
''', "concat_mlp", lambda: [_normal(521, 3, 2), _normal(522, 3, 3), _normal(523, 5, 4), _normal(524, 4)]),

"outer_and_diag": ('''
import numpy as np

def hebbian_energy(x, W):
    """x: (D,); W: (D, D)"""
    C = np.outer(x, x)
    return -0.5 * np.sum(W * C) + 0.5 * np.sum(np.diag(W) ** 2)
''', "hebbian_energy", lambda: [_normal(525, 4), _normal(526, 4, 4)]),

"builtin_max_abs_scalar": ('''
def hinge_pair(a, b, margin=1.0):
    loss = max(0.0, margin - a + b)
    return loss + 0.01 * (abs(a) + abs(b))
''', "hinge_pair", lambda: [0.3, 0.1], {"wrt": [0, 1]}),

"expand_dims_pairwise": ('''
import numpy as np

def rbf_kernel_sum(X, gamma=0.5):
    diff = np.expand_dims(X, 1) - np.expand_dims(X, 0)
    return np.exp(-gamma * (diff ** 2).sum(-1)).sum()
''', "rbf_kernel_sum", lambda: [_normal(527, 4, 2)], {"wrt": [0]}),

"variance_ddof": ('''
import numpy as np

def sharpe(returns: "T", risk_free=0.0):
    excess = returns - risk_free
    return excess.mean() / excess.std(ddof=1)
''', "sharpe", lambda: [_normal(528, 7) * .1 + .02], {"wrt": [0]}),

"einsum_batch_bilinear": ('''
import numpy as np

def bilinear_scores(X, W, Y):
    """X: (N, D), W: (D, E), Y: (N, E)"""
    return np.einsum('nd,de,ne->n', X, W, Y).sum()
''', "bilinear_scores", lambda: [_normal(529, 3, 2), _normal(530, 2, 4), _normal(531, 3, 4)]),

"newton_sqrt_while": ('''
def newton_sqrt(a, tol=1e-12):
    x = a
    while abs(x * x - a) > tol:
        x = 0.5 * (x + a / x)
    return x
''', "newton_sqrt", lambda: [2.0], {"wrt": [0]}),

"optional_reg_none": ('''
import numpy as np

def ridge_loss(w, X, y, reg=None):
    if reg is None:
        reg = 0.0
    pred = X @ w
    return np.mean((pred - y) ** 2) + reg * np.sum(w ** 2)
''', "ridge_loss", lambda: [_normal(532, 3), _normal(533, 5, 3), _normal(534, 5), 0.3], {"wrt": [0, 1, 2]}),

"star_unpack_shape": ('''
import numpy as np

def flatten_affine(x, w, b):
    N, *rest = x.shape
    out = x.reshape(N, -1) @ w + b
    return np.sum(out ** 2)
''', "flatten_affine", lambda: [_normal(535, 2, 3, 2), _normal(536, 6, 4), _normal(537, 4)]),

"logaddexp_binary_ce": ('''
import numpy as np

def bce_with_logits(z, y):
    """Numerically stable binary cross-entropy from logits; y in {0, 1}."""
    return np.mean(np.logaddexp(0, z) - y * z)
''', "bce_with_logits", lambda: [_normal(538, 6) * 2, (_rng(539).random(6) > .5).astype(float)], {"wrt": [0]}),

"cumsum_discount": ('''
import numpy as np

def cumulative_cost(u, dt=0.1):
    """Position after integrating a control signal twice; cost of distance to 1 and effort."""
    v = np.cumsum(u) * dt
    x = np.cumsum(v) * dt
    return (x[-1] - 1.0) ** 2 + 0.01 * np.sum(u ** 2)
''', "cumulative_cost", lambda: [_normal(540, 10)], {"wrt": [0]}),

"dict_params_mlp": ('''
import numpy as np

def mlp_loss(params, X, y):
    h = np.maximum(0, X @ params['W1'] + params['b1'])
    scores = h @ params['W2'] + params['b2']
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(y)), y]).mean()
''', "mlp_loss", lambda: [{"W1": _normal(541, 3, 4) * .5, "b1": _normal(542, 4) * .1, "W2": _normal(543, 4, 3) * .5,
                           "b2": _normal(544, 3) * .1}, _normal(545, 5, 3), np.array([0, 2, 1, 1, 0])]),

# ----------------------------------------------------------------------------- more of the same, as written:
# CS231n's spatial batchnorm, sandwiches, dict caches and early exits; autograd's loops over layers;
# physics, finance and statistics
"spatial_batchnorm_running": ('''
import numpy as np

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    Computes the forward pass for spatial batch normalization.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    running_mean = bn_param.get("running_mean", np.zeros(C, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(C, dtype=x.dtype))
    if mode == "train":
        sample_mean = x_flat.mean(axis=0)
        sample_var = x_flat.var(axis=0)
        x_norm = (x_flat - sample_mean) / np.sqrt(sample_var + eps)
        out_flat = gamma * x_norm + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = (x_flat, x_norm, sample_mean, sample_var, gamma, eps)
    else:
        x_norm = (x_flat - running_mean) / np.sqrt(running_var + eps)
        out_flat = gamma * x_norm + beta
        cache = None
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, cache
''', "spatial_batchnorm_forward", lambda: [_normal(601, 2, 3, 2, 2), _normal(602, 3), _normal(603, 3), {"mode": "train"}]),

"conv_pad_compact": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields.
      - 'pad': The number of pixels that will be used to zero-pad the input.
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(604, 1, 2, 3, 3), _normal(605, 2, 2, 2, 2), _normal(606, 2),
                                   {"stride": 1, "pad": 1}], {"slow": True}),

"neural_net_range_index": ('''
import numpy as np

def two_layer_loss(X, y, W, b, W2, b2, reg=1e-3):
    """The case study's two-layer net: ReLU hidden layer, softmax scores."""
    num_examples = X.shape[0]
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    scores = np.dot(hidden_layer, W2) + b2
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(correct_logprobs) / num_examples
    reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    return loss
''', "two_layer_loss", lambda: [_normal(607, 5, 3), np.array([0, 1, 2, 1, 0]), _normal(608, 3, 4) * .5,
                                _normal(609, 1, 4) * .1, _normal(610, 4, 3) * .5, _normal(611, 1, 3) * .1],
    {"wrt": [0, 2, 3, 4, 5]}),

"l2_generator_sum": ('''
import numpy as np

def l2_norm(params):
    """Squared norm of every weight matrix in a list of (W, b) layers."""
    return sum(np.sum(W ** 2) for W, b in params)

def net_objective(params, inputs, targets, lam=0.1):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return np.sum((outputs - targets) ** 2) + lam * l2_norm(params)
''', "net_objective", lambda: [[(_normal(612, 3, 4) * .5, _normal(613, 4) * .1), (_normal(614, 4, 2) * .5, _normal(615, 2) * .1)],
                               _normal(616, 5, 3), _normal(617, 5, 2)], {"wrt": [0]}),

"rosenbrock_generator": ('''
def rosenbrock(x):
    """The n-dimensional Rosenbrock function of a list of numbers."""
    return sum(100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))
''', "rosenbrock", lambda: [np.array([0.5, -0.3, 1.2, 0.8])]),

"autograd_tanh_exp": ('''
import numpy as np

def tanh(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)

def deep_tanh(x):
    return tanh(tanh(tanh(x)))
''', "deep_tanh", lambda: [np.linspace(-2, 2, 7)]),

"black_scholes_put_helper": ('''
import math

def norm_cdf(x):
    """Standard normal cumulative distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

def bs_put(S, K, T, r, sigma):
    """Price of a European put option under Black-Scholes."""
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return K * math.exp(-r * T) * norm_cdf(-d2) - S * norm_cdf(-d1)
''', "bs_put", lambda: [100.0, 95.0, 0.5, 0.02, 0.25]),

"projectile_range": ('''
import math

def projectile_range(v0, theta, h0=0.0, g=9.81):
    """Horizontal distance travelled by a projectile launched at angle theta from height h0."""
    vx = v0 * math.cos(theta)
    vy = v0 * math.sin(theta)
    t_flight = (vy + math.sqrt(vy ** 2 + 2 * g * h0)) / g
    return vx * t_flight
''', "projectile_range", lambda: [20.0, 0.7, 1.5]),

"spring_energy_norm": ('''
import numpy as np

def spring_energy(x1, x2, k=10.0, rest_length=1.0):
    """Potential energy of a spring between two points in space."""
    stretch = np.linalg.norm(x1 - x2) - rest_length
    return 0.5 * k * stretch ** 2
''', "spring_energy", lambda: [_normal(618, 3), _normal(619, 3)], {"wrt": [0, 1]}),

"lj_triu_indices": ('''
import numpy as np

def lennard_jones(positions, epsilon=1.0, sigma=1.0):
    """
    positions: (N, 3) array of particle coordinates
    """
    n = positions.shape[0]
    i, j = np.triu_indices(n, k=1)
    r = np.linalg.norm(positions[i] - positions[j], axis=1)
    sr6 = (sigma / r) ** 6
    return np.sum(4.0 * epsilon * (sr6 ** 2 - sr6))
''', "lennard_jones", lambda: [_normal(620, 4, 3) * 1.5], {"wrt": [0]}),

"orbit_leapfrog": ('''
import numpy as np

def orbit_energy_drift(r0, v0, GM=1.0, dt=0.01, n_steps=50):
    """Integrate a Kepler orbit with kick-drift-kick and return the final energy."""
    r = r0.copy()
    v = v0.copy()
    for step in range(n_steps):
        a = -GM * r / np.linalg.norm(r) ** 3
        v = v + 0.5 * dt * a
        r = r + dt * v
        a = -GM * r / np.linalg.norm(r) ** 3
        v = v + 0.5 * dt * a
    kinetic = 0.5 * np.dot(v, v)
    potential = -GM / np.linalg.norm(r)
    return kinetic + potential
''', "orbit_energy_drift", lambda: [np.array([1.0, 0.0]), np.array([0.0, 1.1])], {"wrt": [0, 1]}),

"logsumexp_manual": ('''
import numpy as np

def logsumexp(x):
    """log(sum(exp(x))) without overflow."""
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))
''', "logsumexp", lambda: [_normal(621, 6)]),

"kl_categorical_softmax": ('''
import numpy as np

def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()

def kl_divergence(logits_p, logits_q):
    """KL(p || q) between two categorical distributions given by logits."""
    p = softmax(logits_p)
    q = softmax(logits_q)
    return np.sum(p * np.log(p / q))
''', "kl_divergence", lambda: [_normal(622, 5), _normal(623, 5)]),

"huber_boolean_index": ('''
import numpy as np

def huber_loss(pred, target, delta=1.0):
    r = pred - target
    small = np.abs(r) <= delta
    loss = np.sum(0.5 * r[small] ** 2) + np.sum(delta * (np.abs(r[~small]) - 0.5 * delta))
    return loss / r.size
''', "huber_loss", lambda: [_normal(624, 8) * 2, _normal(625, 8)], {"wrt": [0, 1]}),

"bce_clip": ('''
import numpy as np

def binary_cross_entropy(p, y, eps=1e-12):
    """p: predicted probabilities, y: 0/1 targets."""
    p = np.clip(p, eps, 1.0 - eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "binary_cross_entropy", lambda: [_rng(626).uniform(0.05, 0.95, 6), (_rng(627).random(6) > .5).astype(float)],
    {"wrt": [0]}),

"cosine_similarity_eps": ('''
import numpy as np

def cosine_similarity(a, b, eps=1e-8):
    """Cosine of the angle between two vectors."""
    dot = np.dot(a, b)
    norm_a = np.sqrt(np.sum(a ** 2))
    norm_b = np.sqrt(np.sum(b ** 2))
    return dot / (norm_a * norm_b + eps)
''', "cosine_similarity", lambda: [_normal(628, 5), _normal(629, 5)], {"wrt": [0, 1]}),

"gaussian_nll_var": ('''
import numpy as np

def gaussian_nll(x, mu, var):
    """Average negative log-likelihood of x under N(mu, var), elementwise."""
    return np.mean(0.5 * np.log(2 * np.pi * var) + (x - mu) ** 2 / (2 * var))
''', "gaussian_nll", lambda: [_normal(630, 6), _normal(631, 6), _rng(632).uniform(0.5, 2, 6)]),

"asserts_and_dict_cache": ('''
import numpy as np

def affine_tanh_forward(x, w, b):
    """
    - x: (N, D) inputs
    - w: (D, M) weights
    - b: (M,) biases
    """
    assert x.ndim == 2, "x must be a matrix"
    N, D = x.shape
    assert w.shape[0] == D, "weights do not match the input size"
    out = None
    a = x.dot(w) + b
    out = np.tanh(a)
    cache = {"x": x, "w": w, "out": out}
    return out, cache
''', "affine_tanh_forward", lambda: [_normal(633, 3, 4), _normal(634, 4, 2), _normal(635, 2)]),

"early_return_scores": ('''
import numpy as np

def loss(X, W, b, y=None):
    """Returns the scores when y is None, else the softmax loss."""
    scores = X.dot(W) + b
    if y is None:
        return scores
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = X.shape[0]
    data_loss = -np.sum(log_probs[np.arange(N), y]) / N
    return data_loss
''', "loss", lambda: [_normal(636, 4, 3), _normal(637, 3, 5), _normal(638, 5), np.array([0, 4, 2, 2])],
    {"wrt": [0, 1, 2]}),

"reg_list_comprehension": ('''
import numpy as np

def regularized_loss(W1, W2, X, y, reg=0.01):
    h = np.maximum(0, X @ W1)
    pred = h @ W2
    data = 0.5 * np.mean((pred - y) ** 2)
    reg_loss = 0.5 * reg * sum([np.sum(W * W) for W in [W1, W2]])
    return data + reg_loss
''', "regularized_loss", lambda: [_normal(639, 3, 4), _normal(640, 4, 1), _normal(641, 5, 3), _normal(642, 5, 1)],
    {"wrt": [0, 1, 2]}),

"stable_sigmoid_where": ('''
import numpy as np

def log_loss(w, X, y):
    """Logistic regression loss with a sigmoid that never overflows."""
    z = X @ w
    p = np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "log_loss", lambda: [_normal(643, 3), _normal(644, 6, 3), (_rng(645).random(6) > .5).astype(float)],
    {"wrt": [0, 1]}),

"row_normalize_norm_keepdims": ('''
import numpy as np

def normalized_scores(X, W):
    """Scores of L2-normalized rows against normalized class weights."""
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    Wn = W / np.linalg.norm(W, axis=0, keepdims=True)
    return np.sum(np.tanh(Xn @ Wn))
''', "normalized_scores", lambda: [_normal(646, 4, 3), _normal(647, 3, 2)]),

"slogdet_gaussian_loglik": ('''
import numpy as np

def mvn_loglik(X, mu, S):
    """Log-likelihood of the rows of X under a multivariate normal N(mu, S)."""
    N, D = X.shape
    sign, logdet = np.linalg.slogdet(S)
    diff = X - mu
    sol = np.linalg.solve(S, diff.T)
    quad = np.sum(diff.T * sol)
    return -0.5 * (N * D * np.log(2 * np.pi) + N * logdet + quad)
''', "mvn_loglik", lambda: [_normal(648, 5, 2), _normal(649, 2), np.array([[2.0, 0.3], [0.3, 1.0]])]),

"pinball_quantile": ('''
import numpy as np

def pinball_loss(pred, y, q=0.9):
    """Quantile regression loss."""
    e = y - pred
    return np.mean(np.maximum(q * e, (q - 1) * e))
''', "pinball_loss", lambda: [_normal(650, 7), _normal(651, 7)], {"wrt": [0, 1]}),

"pendulum_hypot_atan2": ('''
import math

def tip_angle_error(x, y, target=0.5):
    """Angle and length of a pendulum arm from its tip's coordinates."""
    length = math.hypot(x, y)
    angle = math.atan2(y, x)
    return (angle - target) ** 2 + 0.1 * (length - 1.0) ** 2
''', "tip_angle_error", lambda: [0.8, 0.3], {"wrt": [0, 1]}),

"clip_method_kwargs": ('''
import numpy as np

def relu6_sum(x):
    return x.clip(min=0, max=6).sum()
''', "relu6_sum", lambda: [_normal(652, 3, 4) * 4]),

"float_item_loss": ('''
import numpy as np

def mse(w, X, y):
    residual = X.dot(w) - y
    loss = float(np.mean(residual ** 2))
    return loss
''', "mse", lambda: [_normal(653, 3), _normal(654, 5, 3), _normal(655, 5)], {"wrt": [0]}),

"portfolio_variance": ('''
import numpy as np

def portfolio_risk(w, cov, returns, risk_aversion=3.0):
    """Mean-variance objective of normalized portfolio weights."""
    w = w / w.sum()
    variance = w @ cov @ w
    expected = w @ returns
    return 0.5 * risk_aversion * variance - expected
''', "portfolio_risk", lambda: [_rng(656).uniform(0.5, 1.5, 3), np.array([[.1, .02, .01], [.02, .2, .03], [.01, .03, .15]]),
                                np.array([.05, .08, .06])], {"wrt": [0]}),

"logistic_growth_euler": ('''
def logistic_population(r, K, P0=10.0, dt=0.1, steps=40):
    """Population after Euler steps of dP/dt = r P (1 - P / K)."""
    P = P0
    for _ in range(steps):
        P += dt * r * P * (1 - P / K)
    return P
''', "logistic_population", lambda: [0.8, 100.0, 10.0], {"wrt": [0, 1, 2]}),

"enumerate_layers_last": ('''
import numpy as np

def mlp(params, x):
    """params: list of (W, b); ReLU after every layer but the last."""
    h = x
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0)
    return np.sum(h ** 2)
''', "mlp", lambda: [[(_normal(657, 3, 4), _normal(658, 4)), (_normal(659, 4, 2), _normal(660, 2))], _normal(661, 5, 3)]),

"keyword_helper_call": ('''
import numpy as np

def layer_norm(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)

def block(x, W, eps=1e-6):
    return np.sum(layer_norm(x @ W, eps=eps) ** 3)
''', "block", lambda: [_normal(662, 3, 4), _normal(663, 4, 5)], {"wrt": [0, 1]}),

"zeros_like_slice_fill": ('''
import numpy as np

def finite_diff_energy(u, h=0.1):
    """Dirichlet energy of u with its gradient by forward differences."""
    du = np.zeros_like(u)
    du[:-1] = (u[1:] - u[:-1]) / h
    return 0.5 * h * np.sum(du ** 2)
''', "finite_diff_energy", lambda: [_normal(664, 8)], {"wrt": [0]}),

"temporal_softmax_mask_no_dx": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask):
    """
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range 0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    return loss
''', "temporal_softmax_loss", lambda: [_normal(665, 2, 3, 4), _rng(666).integers(0, 4, (2, 3)),
                                       _rng(667).random((2, 3)) > .3], {"wrt": [0]}),

"vanilla_rnn_step_dict_cache": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    - x: Input data for this timestep, of shape (N, D).
    - prev_h: Hidden state from previous timestep, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    next_h, cache = None, None
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    cache = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "next_h": next_h}
    return next_h, cache
''', "rnn_step_forward", lambda: [_normal(668, 3, 2), _normal(669, 3, 4), _normal(670, 2, 4), _normal(671, 4, 4),
                                  _normal(672, 4)]),

"softmax_naive_loop_dw_none": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """
    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels.
    - reg: (float) regularization strength
    """
    loss = 0.0
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        exp_scores = np.exp(scores)
        loss += -np.log(exp_scores[y[i]] / np.sum(exp_scores))
    loss /= num_train
    loss += reg * np.sum(W * W)
    return loss
''', "softmax_loss_naive", lambda: [_normal(673, 3, 4) * .5, _normal(674, 5, 3), np.array([0, 3, 1, 2, 0]), 0.1],
    {"wrt": [0, 1]}),

"mlp_tuple_display_loop": ('''
import numpy as np

def mlp_forward_loss(X, y, W1, b1, W2, b2):
    """Two layers written as a loop over the layers' pairs."""
    h = X
    for W, b in [(W1, b1), (W2, b2)]:
        h = np.tanh(h @ W + b)
    return 0.5 * np.sum((h - y) ** 2)
''', "mlp_forward_loss", lambda: [_normal(701, 4, 3), _normal(702, 4, 2), _normal(703, 3, 5), _normal(704, 5),
                                  _normal(705, 5, 2), _normal(706, 2)], {"wrt": [0, 2, 3, 4, 5]}),

"npv_enumerate_generator": ('''
def npv(rate, cashflows):
    """Net present value of cash flows at the end of each period."""
    return sum(cf / (1 + rate) ** t for t, cf in enumerate(cashflows))
''', "npv", lambda: [0.05, [-100.0, 30.0, 40.0, 50.0]], {"wrt": [0]}),

"attention_where_mask": ('''
import numpy as np

def masked_attention(Q, K, V, mask):
    """Q: (T, d), K: (T, d), V: (T, d); mask: (T, T) booleans, True where attending is allowed."""
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    scores = np.where(mask, scores, -1e9)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return np.sum((weights @ V) ** 2)
''', "masked_attention", lambda: [_normal(707, 4, 3), _normal(708, 4, 3), _normal(709, 4, 3),
                                  np.tril(np.ones((4, 4), dtype=bool))], {"wrt": [0, 1, 2]}),

"gp_solve_loglik": ('''
import numpy as np

def gp_log_marginal(log_ell, log_sf, X, y, noise=0.1):
    """Log marginal likelihood of a GP with a squared-exponential kernel."""
    ell = np.exp(log_ell)
    sf2 = np.exp(2 * log_sf)
    sqdist = np.sum(X ** 2, 1).reshape(-1, 1) + np.sum(X ** 2, 1) - 2 * X @ X.T
    K = sf2 * np.exp(-0.5 * sqdist / ell ** 2) + noise * np.eye(len(y))
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * y @ alpha - 0.5 * logdet - 0.5 * len(y) * np.log(2 * np.pi)
''', "gp_log_marginal", lambda: [0.2, -0.1, _normal(710, 5, 2), _normal(711, 5)], {"wrt": [0, 1]}),

"coulomb_pairs_if": ('''
import numpy as np

def coulomb_energy(q, pos):
    """
    Electrostatic energy of point charges.

    q: (N,) charges
    pos: (N, 3) positions
    """
    n = len(q)
    U = 0.0
    for i in range(n):
        for j in range(n):
            if i != j:
                U += 0.5 * q[i] * q[j] / np.linalg.norm(pos[i] - pos[j])
    return U
''', "coulomb_energy", lambda: [_normal(712, 3), _normal(713, 3, 3) * 2]),

"standardize_features": ('''
import numpy as np

def standardized_regression(X, w, y):
    Xs = (X - X.mean(0)) / (X.std(0) + 1e-8)
    return np.mean((Xs @ w - y) ** 2)
''', "standardized_regression", lambda: [_normal(714, 6, 3), _normal(715, 3), _normal(716, 6)]),

"lambda_activation": ('''
import numpy as np

def two_layer(x, W1, W2):
    relu = lambda z: np.maximum(z, 0)
    h = relu(x @ W1)
    return np.sum(relu(h @ W2))
''', "two_layer", lambda: [_normal(717, 3, 4), _normal(718, 4, 5), _normal(719, 5, 2)]),

"take_along_axis_ce": ('''
import numpy as np

def cross_entropy(logits, y):
    """logits: (N, C); y: (N,) integer labels"""
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    picked = np.take_along_axis(log_probs, y[:, None], axis=1)
    return -picked.mean()
''', "cross_entropy", lambda: [_normal(720, 5, 3), np.array([0, 2, 1, 1, 2])]),

"softplus_log1p": ('''
import numpy as np

def logistic_nll(w, X, y):
    """y in {-1, +1}"""
    m = y * (X @ w)
    return np.mean(np.log1p(np.exp(-np.abs(m))) + np.maximum(-m, 0))
''', "logistic_nll", lambda: [_normal(721, 3), _normal(722, 6, 3), np.array([1., -1., 1., 1., -1., -1.])], {"wrt": [0, 1]}),

"spring_chain_diff": ('''
import numpy as np

def chain_energy(x, k=2.0, L=1.0, g=9.81, m=0.5):
    """Masses on a vertical chain of springs: x holds their heights."""
    stretch = np.diff(x) - L
    return 0.5 * k * np.sum(stretch ** 2) + m * g * np.sum(x)
''', "chain_energy", lambda: [np.cumsum(_rng(723).uniform(0.5, 1.5, 5))], {"wrt": [0]}),

"trapezoid_manual": ('''
import numpy as np

def trapezoid_energy(y, h=0.1):
    """Integral of y**2 on a uniform grid by the trapezoid rule."""
    f = y ** 2
    return h * (0.5 * f[0] + f[1:-1].sum() + 0.5 * f[-1])
''', "trapezoid_energy", lambda: [_normal(724, 7)], {"wrt": [0]}),

"verlet_traj_array": ('''
import numpy as np

def verlet_path_length(x0, v0, k=1.0, dt=0.05, steps=30):
    """Velocity Verlet for a harmonic oscillator in 2-d; the summed squared positions."""
    x, v = x0, v0
    a = -k * x
    traj = [x]
    for _ in range(steps):
        x = x + v * dt + 0.5 * a * dt ** 2
        a_new = -k * x
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
        traj.append(x)
    traj = np.array(traj)
    return np.sum(traj ** 2) * dt
''', "verlet_path_length", lambda: [np.array([1.0, 0.5]), np.array([0.0, 0.3])], {"wrt": [0, 1]}),

"angle_arccos_clip": ('''
import numpy as np

def bond_angle(a, b, c):
    """Angle at b between bonds b->a and b->c."""
    u = a - b
    v = c - b
    cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.arccos(np.clip(cos, -1.0, 1.0))
''', "bond_angle", lambda: [np.array([1.0, 0.2, 0.1]), np.array([0.0, 0.0, 0.0]), np.array([-0.3, 1.0, 0.2])]),

"entropy_temperature": ('''
import numpy as np

def policy_entropy(logits, T=2.0):
    z = logits / T
    p = np.exp(z - np.max(z))
    p /= p.sum()
    return -np.sum(p * np.log(p + 1e-12))
''', "policy_entropy", lambda: [_normal(725, 6)], {"wrt": [0]}),

"centered_kernel_hsic": ('''
import numpy as np

def hsic(X, Y, gamma=0.5):
    """Biased HSIC estimate with RBF kernels."""
    n = X.shape[0]
    Kx = np.exp(-gamma * np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1))
    Ky = np.exp(-gamma * np.sum((Y[:, None, :] - Y[None, :, :]) ** 2, axis=-1))
    H = np.eye(n) - np.ones((n, n)) / n
    return np.trace(Kx @ H @ Ky @ H) / (n - 1) ** 2
''', "hsic", lambda: [_normal(726, 5, 2), _normal(727, 5, 3)], {"wrt": [0, 1]}),

"rnn_stack_hidden": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def rnn_readout(xs, h0, Wx, Wh, Wo):
    """xs: (T, N, D) inputs; returns the mean squared readout over time."""
    h = h0
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
        hs.append(h)
    H = np.stack(hs, axis=1)
    return np.mean(sigmoid(H @ Wo) ** 2)
''', "rnn_readout", lambda: [_normal(728, 3, 2, 3), _normal(729, 2, 4), _normal(730, 3, 4), _normal(731, 4, 4) * .5,
                             _normal(732, 4, 1)]),

"while_counter_iterations": ('''
import numpy as np

def power_iteration_rayleigh(A, v, n_iter=5):
    i = 0
    while i < n_iter:
        v = A @ v
        v = v / np.linalg.norm(v)
        i += 1
    return v @ A @ v
''', "power_iteration_rayleigh", lambda: [np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]]),
                                          np.array([1.0, 0.5, 0.2])], {"wrt": [0, 1]}),

"guard_reg_zero": ('''
import numpy as np

def svm_loss(W, X, y, reg=0.0):
    """
    - W: (D, C) weights
    - X: (N, D) data
    - y: (N,) labels
    """
    N = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(N), y][:, np.newaxis]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(N), y] = 0
    data_loss = margins.sum() / N
    if reg == 0:
        return data_loss
    return data_loss + reg * np.sum(W * W)
''', "svm_loss", lambda: [_normal(733, 3, 4) * .5, _normal(734, 5, 3), np.array([0, 3, 1, 2, 0]), 0.1], {"wrt": [0, 1]}),

"isinstance_list_input": ('''
import numpy as np

def weighted_sq(x, w):
    if isinstance(x, list):
        x = np.array(x)
    return np.sum(w * x ** 2)
''', "weighted_sq", lambda: [_normal(735, 4), _normal(736, 4)]),

"kwonly_eps": ('''
import numpy as np

def rms_norm(x, g, *, eps=1e-6):
    rms = np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True) + eps)
    return np.sum(g * x / rms)
''', "rms_norm", lambda: [_normal(737, 3, 4), _normal(738, 4)]),

"helper_three_returns": ('''
import numpy as np

def softmax_stats(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    log_probs = np.log(probs)
    return probs, log_probs, shifted

def nll(scores, y):
    probs, log_probs, _ = softmax_stats(scores)
    N = scores.shape[0]
    return -np.sum(log_probs[np.arange(N), y]) / N
''', "nll", lambda: [_normal(739, 4, 3), np.array([0, 2, 1, 1])]),

"poisson_glm_exp": ('''
import numpy as np

def poisson_nll(beta, X, counts):
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta)
''', "poisson_nll", lambda: [_normal(740, 3) * .3, _normal(741, 6, 3), np.array([1., 0., 3., 2., 0., 1.])], {"wrt": [0, 1]}),

"inv_trace": ('''
import numpy as np

def precision_trace(A, B):
    """tr(A^-1 B) + log det A for a positive definite A."""
    return np.trace(np.linalg.inv(A) @ B) + np.log(np.linalg.det(A))
''', "precision_trace", lambda: [np.array([[2.0, 0.3], [0.3, 1.5]]), _normal(742, 2, 2)]),

"compound_interest": ('''
def future_value(P, r, n=12, t=10):
    """Principal P compounded n times a year at rate r for t years."""
    return P * (1 + r / n) ** (n * t)
''', "future_value", lambda: [1000.0, 0.05], {"wrt": [0, 1]}),

"sir_tuple_update": ('''
def sir_final_infected(beta, gamma, S0=0.99, I0=0.01, dt=0.1, steps=50):
    """Euler steps of the SIR epidemic model; the infected fraction at the end."""
    S, I, R = S0, I0, 0.0
    for _ in range(steps):
        S, I, R = S - beta * S * I * dt, I + (beta * S * I - gamma * I) * dt, R + gamma * I * dt
    return I
''', "sir_final_infected", lambda: [1.5, 0.3], {"wrt": [0, 1]}),

"heat_inplace_slices": ('''
import numpy as np

def heat_1d(u0, alpha=0.2, steps=10):
    """Explicit finite differences for u_t = u_xx with fixed ends."""
    u = u0.copy()
    for _ in range(steps):
        u[1:-1] = u[1:-1] + alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)
''', "heat_1d", lambda: [_normal(801, 7)], {"wrt": [0]}),

"exp_out_argument": ('''
import numpy as np

def softmax_rows(x):
    scores = x - x.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return np.sum(scores[:, 0] ** 2)
''', "softmax_rows", lambda: [_normal(802, 3, 4)]),

"leaky_inplace_masked_scale": ('''
import numpy as np

def leaky_relu_forward(x, alpha=0.01):
    """
    - x: Inputs, of any shape
    """
    out = x.copy()
    out[out < 0] *= alpha
    cache = (x, alpha)
    return out, cache
''', "leaky_relu_forward", lambda: [_normal(803, 3, 4), 0.1], {"wrt": [0]}),

"swap_tuple_assign": ('''
import numpy as np

def alternating(a, b, n=3):
    for _ in range(n):
        a, b = b, a + 0.5 * np.tanh(b)
    return np.sum(a * b)
''', "alternating", lambda: [_normal(804, 4), _normal(805, 4)], {"wrt": [0, 1]}),

"fill_diagonal_gravity": ('''
import numpy as np

def gravitational_energy(pos, m, G=1.0):
    """
    pos: (N, 3) positions
    m: (N,) masses
    """
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    np.fill_diagonal(r2, 1.0)  # no self-interaction (and no square root of zero)
    pair = G * m[:, None] * m[None, :] / np.sqrt(r2)
    np.fill_diagonal(pair, 0.0)
    return -0.5 * np.sum(pair)
''', "gravitational_energy", lambda: [_normal(806, 4, 3) * 2, _rng(807).uniform(0.5, 2, 4)]),

"median_abs_residual": ('''
import numpy as np

def robust_fit(w, X, y):
    r = X @ w - y
    return np.median(np.abs(r)) + 0.01 * np.sum(w ** 2)
''', "robust_fit", lambda: [_normal(808, 3), _normal(809, 7, 3), _normal(810, 7)], {"wrt": [0]}),

"kalman_update_inv": ('''
import numpy as np

def kalman_nll(x, P, z, H, R):
    """Negative log-likelihood of a measurement z after a Kalman update."""
    y = z - H @ x
    S = H @ P @ H.T + R
    S_inv = np.linalg.inv(S)
    K = P @ H.T @ S_inv
    x_new = x + K @ y
    return 0.5 * y @ S_inv @ y + 0.5 * np.log(np.linalg.det(S)) + 0.1 * np.sum(x_new ** 2)
''', "kalman_nll", lambda: [_normal(811, 2), np.array([[1.0, 0.2], [0.2, 0.8]]), _normal(812, 2),
                            np.array([[1.0, 0.0], [0.5, 1.0]]), np.eye(2) * 0.3], {"wrt": [0, 1, 2]}),

"moving_average_valid": ('''
import numpy as np

def smoothness(prices, k=3):
    """Squared distance of a price series from its moving average.

    prices: (T,) closing prices
    """
    avg = np.convolve(prices, np.ones(k) / k, mode='valid')
    return np.sum((prices[k - 1:] - avg) ** 2)
''', "smoothness", lambda: [np.cumsum(_normal(813, 8))], {"wrt": [0]}),

"im2col_loops": ('''
import numpy as np

def conv_im2col(x, w, b):
    """
    - x: (N, C, H, W) inputs
    - w: (F, C, HH, WW) filters
    - b: (F,) biases
    Stride 1, no padding.
    """
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = H - HH + 1, W - WW + 1
    cols = np.zeros((C * HH * WW, N * H_out * W_out))
    col = 0
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                cols[:, col] = x[n, :, i:i + HH, j:j + WW].reshape(-1)
                col += 1
    out = w.reshape(F, -1) @ cols + b.reshape(-1, 1)
    out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    return np.sum(out ** 2)
''', "conv_im2col", lambda: [_normal(814, 2, 2, 3, 3), _normal(815, 2, 2, 2, 2), _normal(816, 2)], {"slow": True}),

"fro_norm_mae": ('''
import numpy as np

def mae_fro(W, X, y, lam=0.01):
    pred = X @ W
    return np.mean(np.abs(pred - y)) + lam * np.linalg.norm(W, 'fro') ** 2
''', "mae_fro", lambda: [_normal(817, 3, 2), _normal(818, 5, 3), _normal(819, 5, 2)], {"wrt": [0, 1]}),

"affine_bn_relu_sandwich": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    cache = (x, x_hat, mu, var, gamma, beta, eps)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_bn_relu_forward(x, w, b, gamma, beta, bn_param):
    """
    - x: (N, D) inputs
    - w: (D, M) weights
    - b: (M,) biases
    - gamma, beta: (M,) scale and shift
    """
    a, fc_cache = affine_forward(x, w, b)
    a_bn, bn_cache = batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(a_bn)
    cache = (fc_cache, bn_cache, relu_cache)
    return out, cache
''', "affine_bn_relu_forward", lambda: [_normal(820, 4, 3), _normal(821, 3, 5), _normal(822, 5), _normal(823, 5),
                                        _normal(824, 5), {"mode": "train"}]),

"lstm_hsplit_dict_cache": ('''
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
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    ai, af, ao, ag = np.hsplit(a, 4)
    i, f, o, g = sigmoid(ai), sigmoid(af), sigmoid(ao), np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh,
             "i": i, "f": f, "o": o, "g": g, "next_c": next_c}
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(825, 2, 3), _normal(826, 2, 2), _normal(827, 2, 2), _normal(828, 3, 8),
                                   _normal(829, 2, 8), _normal(830, 8)]),

"positional_axis_methods": ('''
import numpy as np

def row_softmax_ce(x, y):
    """x: (N, C) scores; y: (N,) labels"""
    shifted = x - x.max(1)[:, None]
    log_z = np.log(np.sum(np.exp(shifted), 1))
    return np.mean(log_z - shifted[np.arange(len(y)), y])
''', "row_softmax_ce", lambda: [_normal(831, 4, 3), np.array([2, 0, 1, 1])]),

"scalar_ternary_chain": ('''
import math

def soft_barrier(x, lo=0.0, hi=1.0):
    if lo < x < hi:
        return -math.log(x - lo) - math.log(hi - x)
    y = x if x > hi else -x
    return 100.0 * math.pow(abs(y), 1.5)
''', "soft_barrier", lambda: [0.3]),

"inverse_sqrt_power": ('''
import numpy as np

def whiten(X):
    """Scale each column by the inverse square root of its second moment."""
    s = np.mean(X ** 2, axis=0)
    Z = X * s ** -0.5
    return np.sum(np.tanh(Z))
''', "whiten", lambda: [_normal(832, 5, 3)]),

# early exits and guards, optional arguments, loops returning, a dict's items
"return_inside_loop_scalar": ('''
import math

def first_passage_value(x, threshold=2.0, steps=20):
    """Iterate a logistic-like map; return the value the first time it passes the threshold."""
    v = x
    for i in range(steps):
        v = v + 0.3 * math.tanh(v) + 0.05
        if v > threshold:
            return v * (i + 1)
    return v
''', "first_passage_value", lambda: [0.4]),

"empty_guard_shape": ('''
import numpy as np

def mean_sq(x):
    if x.shape[0] == 0:
        return 0.0
    return np.mean(x ** 2)
''', "mean_sq", lambda: [_normal(901, 5)]),

"reg_positive_guard": ('''
import numpy as np

def ridge(w, X, y, reg=0.1):
    loss = np.mean((X @ w - y) ** 2)
    if reg > 0:
        loss += reg * np.sum(w ** 2)
    return loss
''', "ridge", lambda: [_normal(902, 3), _normal(903, 6, 3), _normal(904, 6), 0.1], {"wrt": [0, 1]}),

"smoothstep_elif": ('''
def smoothstep(x, edge0=0.0, edge1=1.0):
    t = (x - edge0) / (edge1 - edge0)
    if t <= 0.0:
        return 0.0
    elif t >= 1.0:
        return 1.0
    else:
        return t * t * (3.0 - 2.0 * t)
''', "smoothstep", lambda: [0.3], {"wrt": [0]}),

"default_weights_none": ('''
import numpy as np

def weighted_mse(pred, target, weights=None):
    if weights is None:
        weights = np.ones_like(pred)
    return np.sum(weights * (pred - target) ** 2) / np.sum(weights)
''', "weighted_mse", lambda: [_normal(905, 6), _normal(906, 6)], {"wrt": [0, 1]}),

"optional_term_is_not_none": ('''
import numpy as np

def objective(w, X, y, prior_mean=None, lam=0.5):
    loss = 0.5 * np.sum((X @ w - y) ** 2)
    if prior_mean is not None:
        loss = loss + lam * np.sum((w - prior_mean) ** 2)
    return loss
''', "objective", lambda: [_normal(907, 3), _normal(908, 5, 3), _normal(909, 5), _normal(910, 3)], {"wrt": [0]}),

"view_scaled_inplace": ('''
import numpy as np

def head_boost(x):
    y = x.copy()
    top = y[:2]
    top *= 3.0
    return np.sum(np.tanh(y) * x)
''', "head_boost", lambda: [_normal(911, 5)]),

"empty_like_fill_ellipsis": ('''
import numpy as np

def squash(x):
    out = np.empty_like(x)
    out[...] = x / (1.0 + np.abs(x))
    return np.sum(out ** 2)
''', "squash", lambda: [_normal(912, 3, 4)]),

"max_norm_abs": ('''
import numpy as np

def max_norm_penalty(W, X):
    return np.sum(np.tanh(X @ W)) + 0.1 * np.abs(W).max()
''', "max_norm_penalty", lambda: [_normal(913, 3, 2), _normal(914, 4, 3)]),

"dict_items_reg": ('''
import numpy as np

def l2_of(params):
    reg = 0.0
    for name, value in params.items():
        if name.startswith("W"):
            reg += np.sum(value ** 2)
    return reg

def loss(params, X, y, reg=0.1):
    h = np.maximum(0, X @ params["W1"] + params["b1"])
    pred = h @ params["W2"] + params["b2"]
    return np.mean((pred - y) ** 2) + reg * l2_of(params)
''', "loss", lambda: [{"W1": _normal(915, 3, 4), "b1": _normal(916, 4), "W2": _normal(917, 4, 1), "b2": _normal(918, 1)},
                      _normal(919, 5, 3), _normal(920, 5, 1)], {"wrt": [0],
    "shapes": {"params": {"W1": "D, H", "b1": "H", "W2": "H, 1", "b2": "1"}, "X": "N, D", "y": "N, 1"}}),

"rank_promote_then_loss": ('''
import numpy as np

def predict_loss(x, W, b):
    """Works for one example (D,) or a batch (N, D)."""
    if x.ndim == 1:
        x = x[np.newaxis, :]
    scores = x @ W + b
    return np.sum(np.log1p(np.exp(scores)))
''', "predict_loss", lambda: [_normal(921, 3), _normal(922, 3, 2), _normal(923, 2)]),

"builtin_max_scalar_list": ('''
def worst_case(a, b, c):
    losses = [(a - 1.0) ** 2, (b + 0.5) ** 2, (a * c) ** 2]
    return max(losses) + 0.1 * sum(losses)
''', "worst_case", lambda: [0.2, 0.7, 1.3]),
# ----------------------------------------------------------------------------- batch 6
"ppo_clipped_objective": ('''
import numpy as np

def ppo_loss(logp, old_logp, adv, clip_eps=0.2):
    ratio = np.exp(logp - old_logp)
    surr1 = ratio * adv
    surr2 = np.clip(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * adv
    return -np.mean(np.minimum(surr1, surr2))
''', "ppo_loss", lambda: [_normal(1001, 8) * 0.3, _normal(1002, 8) * 0.3, _normal(1003, 8)], {"wrt": [0]}),

"hinge_loss_binary_l2": ('''
import numpy as np

def svm_objective(w, b, X, y, lam=0.01):
    """Soft-margin linear SVM, labels y in {-1, +1}."""
    margins = y * (X.dot(w) + b)
    hinge = np.maximum(0, 1 - margins)
    return np.mean(hinge) + lam * np.dot(w, w)
''', "svm_objective", lambda: [_normal(1004, 3), 0.1, _normal(1005, 7, 3),
                               np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0])], {"wrt": [0, 1]}),

"contrastive_pairs": ('''
import numpy as np

def contrastive_loss(a, b, same, margin=1.0):
    d = np.sqrt(np.sum((a - b) ** 2, axis=1) + 1e-8)
    pos = same * d ** 2
    neg = (1 - same) * np.maximum(margin - d, 0) ** 2
    return 0.5 * np.mean(pos + neg)
''', "contrastive_loss", lambda: [_normal(1006, 5, 3) * 0.4, _normal(1007, 5, 3) * 0.4,
                                  np.array([1.0, 0.0, 1.0, 0.0, 0.0])], {"wrt": [0, 1]}),

"rms_norm_layer": ('''
import numpy as np

def rmsnorm_forward(x, g, eps=1e-6):
    """
    Inputs:
    - x: data of shape (N, D)
    - g: gain of shape (D,)
    """
    ms = np.mean(x ** 2, axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(ms + eps)
    out = x * inv * g
    cache = (x, g, inv)
    return out, cache
''', "rmsnorm_forward", lambda: [_normal(1008, 4, 5), _normal(1009, 5)]),

"additive_attention": ('''
import numpy as np

def softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / np.sum(e)

def bahdanau_context(H, s, Wa, Ua, v):
    """H: encoder states (T, D); s: decoder state (D,)."""
    energies = np.tanh(H @ Wa + s @ Ua) @ v
    alpha = softmax(energies)
    context = alpha @ H
    return np.sum(context ** 2)
''', "bahdanau_context", lambda: [_normal(1010, 4, 3), _normal(1011, 3), _normal(1012, 3, 5),
                                  _normal(1013, 3, 5), _normal(1014, 5)]),

"additive_mask_attention": ('''
import numpy as np

def masked_attention(q, k, v, mask):
    d = q.shape[-1]
    scores = q @ k.T / np.sqrt(d)
    scores = scores + (1.0 - mask) * -1e9
    scores -= scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w /= w.sum(axis=-1, keepdims=True)
    return w @ v
''', "masked_attention", lambda: [_normal(1015, 3, 4), _normal(1016, 5, 4), _normal(1017, 5, 2),
                                  np.tril(np.ones((3, 5)))], {"wrt": [0, 1, 2]}),

"adam_step_function": ('''
import numpy as np

def adam_update(w, g, m, v, t=3, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return np.sum(w ** 2)
''', "adam_update", lambda: [_normal(1018, 4), _normal(1019, 4), _normal(1020, 4) * 0.1,
                             np.abs(_normal(1021, 4)) + 0.5], {"wrt": [0, 1, 2, 3]}),

"dropout_test_mode": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    out = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache
''', "dropout_forward", lambda: [_normal(1022, 3, 4), {"p": 0.5, "mode": "test"}]),

"batchnorm_test_mode": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
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
''', "batchnorm_forward", lambda: [_normal(1023, 4, 3), _normal(1024, 3), _normal(1025, 3),
                                  {"mode": "test", "running_mean": _normal(1026, 3),
                                   "running_var": np.abs(_normal(1027, 3)) + 0.5}]),

"softmax_ce_onehot": ('''
import numpy as np

def cross_entropy(logits, Y):
    """logits (N, C); Y one-hot targets (N, C)."""
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -(Y * log_probs).sum() / logits.shape[0]
''', "cross_entropy", lambda: [_normal(1028, 4, 3), np.eye(3)[[0, 2, 1, 1]]], {"wrt": [0]}),

"distillation_kl": ('''
import numpy as np

def softmax(x, T=1.0):
    x = x / T
    x = x - np.max(x, axis=1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=1, keepdims=True)

def distill_loss(student, teacher, T=2.0):
    p_t = softmax(teacher, T)
    p_s = softmax(student, T)
    kl = np.sum(p_t * (np.log(p_t) - np.log(p_s)), axis=1)
    return T ** 2 * np.mean(kl)
''', "distill_loss", lambda: [_normal(1029, 4, 5), _normal(1030, 4, 5)], {"wrt": [0, 1]}),

"sigmoid_ce_with_logits_stable": ('''
import numpy as np

def sigmoid_cross_entropy_with_logits(x, z):
    # max(x, 0) - x * z + log(1 + exp(-|x|))
    loss = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    return loss.mean()
''', "sigmoid_cross_entropy_with_logits", lambda: [_normal(1031, 6), np.array([1.0, 0, 1, 1, 0, 0])],
    {"wrt": [0]}),

"log_cosh_loss": ('''
import numpy as np

def log_cosh(w, X, y):
    r = X @ w - y
    return np.mean(np.log(np.cosh(r)))
''', "log_cosh", lambda: [_normal(1032, 3), _normal(1033, 6, 3), _normal(1034, 6)], {"wrt": [0]}),

"dice_loss_sigmoid": ('''
import numpy as np

def dice_loss(logits, target, smooth=1.0):
    p = 1 / (1 + np.exp(-logits))
    inter = (p * target).sum()
    return 1 - (2. * inter + smooth) / (p.sum() + target.sum() + smooth)
''', "dice_loss", lambda: [_normal(1035, 4, 4), (_normal(1036, 4, 4) > 0).astype(float)], {"wrt": [0]}),

"elu_selu_net": ('''
import numpy as np

def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))

def selu(x):
    scale, alpha = 1.0507, 1.67326
    return scale * elu(x, alpha)

def net(W1, W2, X):
    return np.sum(selu(elu(X @ W1) @ W2) ** 2)
''', "net", lambda: [_normal(1037, 3, 4), _normal(1038, 4, 2), _normal(1039, 5, 3)], {"wrt": [0, 1]}),

"softplus_layers_zip": ('''
import numpy as np

def softplus(x):
    return np.log(1.0 + np.exp(x))

def mlp(weights, biases, x):
    h = x
    for W, b in zip(weights[:-1], biases[:-1]):
        h = softplus(h @ W + b)
    return h @ weights[-1] + biases[-1]

def loss(weights, biases, x, y):
    return np.mean((mlp(weights, biases, x) - y) ** 2)
''', "loss", lambda: [[_normal(1040, 3, 4), _normal(1041, 4, 4), _normal(1042, 4, 1)],
                      [_normal(1043, 4), _normal(1044, 4), _normal(1045, 1)],
                      _normal(1046, 5, 3), _normal(1047, 5, 1)], {"wrt": [0, 1]}),

"gaussian_kernel_matrix": ('''
import numpy as np

def rbf_kernel(X, lengthscale):
    sq = np.sum(X ** 2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2 * X @ X.T
    return np.exp(-0.5 * d2 / lengthscale ** 2)

def kernel_ridge_loss(alpha, X, y, lengthscale=1.0, lam=0.1):
    K = rbf_kernel(X, lengthscale)
    f = K @ alpha
    return np.sum((f - y) ** 2) + lam * alpha @ K @ alpha
''', "kernel_ridge_loss", lambda: [_normal(1048, 5), _normal(1049, 5, 2), _normal(1050, 5), 0.8],
    {"wrt": [0, 1, 3]}),

"rkhs_function_eval": ('''
import numpy as np

def kernel(x, xp, s=0.5):
    return np.exp(-(x[:, None] - xp[None, :]) ** 2 / (2 * s ** 2))

def rkhs_fit(coefs, centers, xs, ys):
    f = kernel(xs, centers) @ coefs
    norm = coefs @ kernel(centers, centers) @ coefs
    return np.mean((f - ys) ** 2) + 0.01 * norm
''', "rkhs_fit", lambda: [_normal(1051, 4), _normal(1052, 4), _normal(1053, 6), _normal(1054, 6)],
    {"wrt": [0, 1]}),

"mahalanobis_inv": ('''
import numpy as np

def mahalanobis(x, mu, cov):
    diff = x - mu
    return np.sqrt(diff @ np.linalg.inv(cov) @ diff)
''', "mahalanobis", lambda: [_normal(1055, 3), _normal(1056, 3), np.eye(3) * 2 + 0.3], {"wrt": [0, 1, 2]}),

"bernoulli_loglik_clip": ('''
import numpy as np

def bernoulli_log_likelihood(w, X, y):
    p = 1.0 / (1.0 + np.exp(-X.dot(w)))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "bernoulli_log_likelihood", lambda: [_normal(1057, 3), _normal(1058, 8, 3),
                                          (_normal(1059, 8) > 0).astype(float)], {"wrt": [0]}),

"normal_loglik_scalar_loop": ('''
import math

def normal_log_likelihood(mu, log_sigma, data):
    sigma = math.exp(log_sigma)
    ll = 0.0
    for x in data:
        ll += -0.5 * math.log(2 * math.pi) - log_sigma - (x - mu) ** 2 / (2 * sigma ** 2)
    return ll
''', "normal_log_likelihood", lambda: [0.3, -0.2, [0.1, 1.2, -0.7, 0.4]], {"wrt": [0, 1]}),

"mixing_entropy": ('''
import numpy as np

def mixing_entropy(n, R=8.314):
    x = n / n.sum()
    return -R * n.sum() * np.sum(x * np.log(x))
''', "mixing_entropy", lambda: [np.array([1.0, 2.0, 0.5])]),

"arrhenius_fit": ('''
import numpy as np

def arrhenius_residual(logA, Ea, T, k_obs, R=8.314):
    k = np.exp(logA) * np.exp(-Ea / (R * T))
    return np.sum((np.log(k) - np.log(k_obs)) ** 2)
''', "arrhenius_residual", lambda: [2.0, 5000.0, np.array([300.0, 350.0, 400.0]),
                                   np.array([1.0, 2.0, 3.5])], {"wrt": [0, 1]}),

"damped_oscillation_fit": ('''
import numpy as np

def model(t, A, gamma, omega, phi):
    return A * np.exp(-gamma * t) * np.cos(omega * t + phi)

def fit_loss(A, gamma, omega, phi, t, data):
    return np.mean((model(t, A, gamma, omega, phi) - data) ** 2)
''', "fit_loss", lambda: [1.2, 0.3, 2.0, 0.1, np.linspace(0, 3, 10), _normal(1060, 10)],
    {"wrt": [0, 1, 2, 3]}),

"van_der_pol_euler": ('''
def van_der_pol(x0, v0, mu, dt=0.01, steps=100):
    x, v = x0, v0
    for _ in range(steps):
        a = mu * (1 - x ** 2) * v - x
        x, v = x + dt * v, v + dt * a
    return x ** 2 + v ** 2
''', "van_der_pol", lambda: [1.0, 0.5, 0.8], {"wrt": [0, 1, 2]}),

"lorenz_rk4_tuples": ('''
def lorenz(state, sigma, rho, beta):
    x, y, z = state
    return (sigma * (y - x), x * (rho - z) - y, x * y - beta * z)

def integrate(x0, y0, z0, sigma=10.0, rho=28.0, beta=8.0 / 3.0, h=0.005, n=20):
    s = (x0, y0, z0)
    for _ in range(n):
        k1 = lorenz(s, sigma, rho, beta)
        k2 = lorenz(tuple(si + 0.5 * h * ki for si, ki in zip(s, k1)), sigma, rho, beta)
        k3 = lorenz(tuple(si + 0.5 * h * ki for si, ki in zip(s, k2)), sigma, rho, beta)
        k4 = lorenz(tuple(si + h * ki for si, ki in zip(s, k3)), sigma, rho, beta)
        s = tuple(si + h / 6 * (a + 2 * b + 2 * c + d) for si, a, b, c, d in zip(s, k1, k2, k3, k4))
    return s[0] + s[1] + s[2]
''', "integrate", lambda: [1.0, 1.0, 1.0, 10.0, 28.0], {"wrt": [0, 1, 2, 3, 4]}),

"damped_spring_rk4_array": ('''
import numpy as np

def f(state, k, c):
    x, v = state
    return np.array([v, -k * x - c * v])

def simulate(state0, k, c, dt=0.05, steps=20):
    s = state0
    for i in range(steps):
        k1 = f(s, k, c)
        k2 = f(s + dt / 2 * k1, k, c)
        k3 = f(s + dt / 2 * k2, k, c)
        k4 = f(s + dt * k3, k, c)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return s[0] ** 2
''', "simulate", lambda: [np.array([1.0, 0.0]), 2.0, 0.3], {"wrt": [0, 1, 2]}),

"heat_concatenate_boundaries": ('''
import numpy as np

def heat(u0, alpha, dx=0.1, dt=0.001, n_steps=5):
    u = u0
    r = alpha * dt / dx ** 2
    for n in range(n_steps):
        interior = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = np.concatenate(([0.0], interior, [0.0]))
    return np.sum(u ** 2)
''', "heat", lambda: [_normal(1061, 7), 0.5]),

"nbody_triu_broadcast": ('''
import numpy as np

def potential_energy(pos, m, G=1.0, soft=0.1):
    """pos: (N, 3); m: (N,)"""
    dx = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(dx ** 2, axis=-1) + soft ** 2)
    pair = m[:, None] * m[None, :] / r
    return -G * np.sum(np.triu(pair, 1))
''', "potential_energy", lambda: [_normal(1062, 4, 3), np.abs(_normal(1063, 4)) + 0.5]),

"coulomb_eye_mask": ('''
import numpy as np

def coulomb_energy(q, pos, k=8.99):
    N = len(q)
    diff = pos[:, np.newaxis, :] - pos[np.newaxis, :, :]
    r = np.linalg.norm(diff, axis=2) + np.eye(N)
    E = k * q[:, None] * q[None, :] / r * (1 - np.eye(N))
    return 0.5 * E.sum()
''', "coulomb_energy", lambda: [_normal(1064, 4), _normal(1065, 4, 3)]),

"lennard_jones_loop_vec": ('''
import numpy as np

def lj_potential(positions, epsilon=1.0, sigma=1.0):
    energy = 0.0
    n = len(positions)
    for i in range(n - 1):
        d = positions[i + 1:] - positions[i]
        r2 = np.sum(d * d, axis=1)
        s6 = (sigma ** 2 / r2) ** 3
        energy += np.sum(4 * epsilon * (s6 ** 2 - s6))
    return energy
''', "lj_potential", lambda: [_normal(1066, 4, 3) * 1.5]),

"pendulum_energy_arrays": ('''
import numpy as np

def total_energy(theta, omega, m=1.0, L=1.0, g=9.81):
    """theta, omega: angles and angular velocities of N independent pendulums."""
    kinetic = 0.5 * m * (L * omega) ** 2
    potential = m * g * L * (1 - np.cos(theta))
    return np.sum(kinetic + potential)
''', "total_energy", lambda: [_normal(1067, 5), _normal(1068, 5)]),

"projectile_drag_while": ('''
import math

def range_with_drag(v0, angle, k=0.1, g=9.81, dt=0.01):
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    x, y = 0.0, 0.0
    steps = 0
    while steps < 60:
        v = math.sqrt(vx * vx + vy * vy)
        vx = vx - k * v * vx * dt
        vy = vy - (g + k * v * vy) * dt
        x += vx * dt
        y += vy * dt
        steps += 1
    return x
''', "range_with_drag", lambda: [10.0, 0.7], {"wrt": [0, 1]}),

"sinkhorn_iterations": ('''
import numpy as np

def sinkhorn_cost(C, a, b, reg=0.5, n_iter=20):
    K = np.exp(-C / reg)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for _ in range(n_iter):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)
''', "sinkhorn_cost", lambda: [np.abs(_normal(1069, 3, 4)), np.array([0.2, 0.3, 0.5]),
                              np.array([0.25, 0.25, 0.25, 0.25])], {"wrt": [0, 1, 2]}),

"power_iteration_spectral_norm": ('''
import numpy as np

def spectral_norm(W, u0, n_power=5):
    u = u0
    for _ in range(n_power):
        v = W.T @ u
        v = v / np.linalg.norm(v)
        u = W @ v
        u = u / np.linalg.norm(u)
    return u @ W @ v
''', "spectral_norm", lambda: [_normal(1070, 4, 3), _normal(1071, 4)], {"wrt": [0]}),

"gae_reversed_loop": ('''
import numpy as np

def gae_value_loss(values, rewards, gamma=0.99, lam=0.95):
    T = len(rewards)
    adv = np.zeros(T)
    last = 0.0
    for t in reversed(range(T)):
        next_value = values[t + 1] if t + 1 < T else 0.0
        delta = rewards[t] + gamma * next_value - values[t]
        last = delta + gamma * lam * last
        adv[t] = last
    returns = adv + values
    return np.mean(adv ** 2) + 0.5 * np.mean(returns)
''', "gae_value_loss", lambda: [_normal(1072, 5), _normal(1073, 5)], {"wrt": [0, 1]}),

"dtw_min_three": ('''
import numpy as np

def dtw_distance(a, b):
    n, m = len(a), len(b)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = (a[i - 1] - b[j - 1]) ** 2
            R[i, j] = cost + min(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1])
    return R[n, m]
''', "dtw_distance", lambda: [np.array([0.0, 1.1, 2.3, 1.7]), np.array([0.2, 0.9, 2.0])]),

"trimmed_mean_sort": ('''
import numpy as np

def trimmed_mse(pred, y, trim=1):
    err = np.sort((pred - y) ** 2)
    return np.mean(err[:-trim])
''', "trimmed_mse", lambda: [_normal(1074, 6), _normal(1075, 6)], {"wrt": [0, 1]}),

"survival_cumprod": ('''
import numpy as np

def survival_nll(logits, event_time):
    hazard = 1 / (1 + np.exp(-logits))
    surv = np.cumprod(1 - hazard)
    return -np.log(hazard[event_time]) - np.log(surv[event_time - 1])
''', "survival_nll", lambda: [_normal(1076, 6), 3], {"wrt": [0]}),

"weighted_least_squares_diag": ('''
import numpy as np

def wls_loss(beta, X, y, w):
    r = y - X @ beta
    W = np.diag(w)
    return r @ W @ r
''', "wls_loss", lambda: [_normal(1077, 3), _normal(1078, 6, 3), _normal(1079, 6),
                          np.abs(_normal(1080, 6))], {"wrt": [0, 3]}),

"conv2d_single_channel_loops": ('''
import numpy as np

def conv2d(image, kernel):
    kh, kw = kernel.shape
    H, W = image.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out

def conv_loss(image, kernel):
    return np.sum(np.tanh(conv2d(image, kernel)) ** 2)
''', "conv_loss", lambda: [_normal(1081, 5, 5), _normal(1082, 3, 3)]),

"rnn_tanh_list_outputs": ('''
import numpy as np

def rnn_loss(Wxh, Whh, Why, xs, targets, h0):
    h = h0
    loss = 0
    for t in range(len(xs)):
        h = np.tanh(Wxh @ xs[t] + Whh @ h)
        y = Why @ h
        p = np.exp(y) / np.sum(np.exp(y))
        loss += -np.log(p[targets[t]])
    return loss
''', "rnn_loss", lambda: [_normal(1083, 4, 3) * 0.5, _normal(1084, 4, 4) * 0.5, _normal(1085, 3, 4) * 0.5,
                         _normal(1086, 5, 3), np.array([0, 2, 1, 1, 0]), np.zeros(4)], {"wrt": [0, 1, 2, 5]}),

"lstm_np_split_gates": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_cell(x, h, c, W, U, b):
    z = x @ W + h @ U + b
    i, f, o, g = np.split(z, 4, axis=1)
    i, f, o, g = sigmoid(i), sigmoid(f), sigmoid(o), np.tanh(g)
    c_next = f * c + i * g
    h_next = o * np.tanh(c_next)
    return np.sum(h_next) + np.sum(c_next ** 2)
''', "lstm_cell", lambda: [_normal(1087, 2, 3), _normal(1088, 2, 4), _normal(1089, 2, 4),
                           _normal(1090, 3, 16), _normal(1091, 4, 16), _normal(1092, 16)]),

"js_divergence": ('''
import numpy as np

def js_divergence(p_logits, q_logits):
    p = np.exp(p_logits) / np.sum(np.exp(p_logits))
    q = np.exp(q_logits) / np.sum(np.exp(q_logits))
    m = 0.5 * (p + q)
    kl_pm = np.sum(p * np.log(p / m))
    kl_qm = np.sum(q * np.log(q / m))
    return 0.5 * (kl_pm + kl_qm)
''', "js_divergence", lambda: [_normal(1093, 5), _normal(1094, 5)]),

"std_normalize_features": ('''
import numpy as np

def zscore_loss(X, w):
    Xn = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.mean((Xn @ w) ** 2)
''', "zscore_loss", lambda: [_normal(1095, 6, 3), _normal(1096, 3)]),

"log_sigmoid_logaddexp": ('''
import numpy as np

def log_sigmoid(x):
    return -np.logaddexp(0, -x)

def logistic_nll(w, X, y):
    """y in {-1, +1}"""
    return -np.sum(log_sigmoid(y * (X @ w)))
''', "logistic_nll", lambda: [_normal(1097, 3), _normal(1098, 6, 3),
                              np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])], {"wrt": [0]}),
"closure_inner_predict": ('''
import numpy as np

def make_loss(X, y, reg):
    def predict(w):
        return np.tanh(X @ w)
    def loss(w):
        return np.mean((predict(w) - y) ** 2) + reg * np.sum(w ** 2)
    return loss

def objective(w, X, y, reg=0.1):
    def predict(w):
        return np.tanh(X @ w)
    err = predict(w) - y
    return np.mean(err ** 2) + reg * np.sum(w ** 2)
''', "objective", lambda: [_normal(1099, 3), _normal(1100, 5, 3), _normal(1101, 5)], {"wrt": [0, 1]}),

"batched_matvec_ellipsis": ('''
import numpy as np

def batched_quadratic(A, x):
    """A: (B, D, D) batch of matrices; x: (B, D) batch of vectors."""
    Ax = np.matmul(A, x[..., None])[..., 0]
    return np.sum(x * Ax)
''', "batched_quadratic", lambda: [_normal(1102, 2, 3, 3), _normal(1103, 2, 3)]),

"gp_cho_solve_scipy": ('''
import numpy as np
from scipy.linalg import cho_factor, cho_solve

def gp_nll(log_ls, log_noise, X, y):
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * d2 / np.exp(2 * log_ls)) + np.exp(2 * log_noise) * np.eye(len(y))
    c, low = cho_factor(K)
    alpha = cho_solve((c, low), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)
''', "gp_nll", lambda: [0.1, -1.0, _normal(1104, 5, 2), _normal(1105, 5)], {"wrt": [0, 1]}),

"where_index_positive_class": ('''
import numpy as np

def balanced_bce(logits, y):
    p = 1.0 / (1.0 + np.exp(-logits))
    pos = np.where(y == 1)[0]
    neg = np.where(y == 0)[0]
    return -np.mean(np.log(p[pos])) - np.mean(np.log(1 - p[neg]))
''', "balanced_bce", lambda: [_normal(1106, 8), np.array([1, 0, 0, 1, 1, 0, 1, 0])], {"wrt": [0]}),

"student_t_gammaln": ('''
import numpy as np
from scipy.special import gammaln

def student_t_logpdf(x, mu, log_scale, nu=4.0):
    s = np.exp(log_scale)
    z = (x - mu) / s
    return np.sum(gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - log_scale
                  - (nu + 1) / 2 * np.log1p(z ** 2 / nu))
''', "student_t_logpdf", lambda: [_normal(1107, 6), 0.2, -0.3], {"wrt": [0, 1, 2]}),

"loop_over_tuple_of_expressions": ('''
import numpy as np

def multi_scale_loss(pred, target):
    total = 0.0
    for p, t in ((pred, target), (pred[::2], target[::2]), (pred[1::2], target[1::2])):
        total += np.mean((p - t) ** 2)
    return total
''', "multi_scale_loss", lambda: [_normal(1108, 8), _normal(1109, 8)], {"wrt": [0]}),

"rk2_midpoint_orbit_arrays": ('''
import numpy as np

def accel(r, GM):
    return -GM * r / np.linalg.norm(r) ** 3

def orbit_error(r0, v0, GM=1.0, dt=0.01, steps=50):
    r, v = r0, v0
    for _ in range(steps):
        a1 = accel(r, GM)
        r_mid = r + 0.5 * dt * v
        v_mid = v + 0.5 * dt * a1
        r = r + dt * v_mid
        v = v + dt * accel(r_mid, GM)
    return 0.5 * v @ v - GM / np.linalg.norm(r)
''', "orbit_error", lambda: [np.array([1.0, 0.0]), np.array([0.0, 1.1])], {"wrt": [0, 1]}),

"mixture_logsumexp_loop": ('''
import numpy as np

def mog_loglik(x, means, log_sigmas, logits):
    K = len(means)
    log_w = logits - np.log(np.sum(np.exp(logits)))
    comps = []
    for k in range(K):
        s = np.exp(log_sigmas[k])
        comps.append(log_w[k] - 0.5 * ((x - means[k]) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi))
    L = np.stack(comps, axis=1)
    m = L.max(axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(L - m), axis=1)))
''', "mog_loglik", lambda: [_normal(1110, 6), _normal(1111, 3), _normal(1112, 3) * 0.3, _normal(1113, 3)],
    {"wrt": [0, 1, 2, 3]}),
"nbody_forces_loops_verlet": ('''
import numpy as np

def forces(pos, m, G=1.0, eps=0.1):
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                d = pos[j] - pos[i]
                r3 = (np.sum(d ** 2) + eps ** 2) ** 1.5
                acc[i] += G * m[j] * d / r3
    return acc

def simulate(pos, vel, m, dt=0.01, steps=3):
    a = forces(pos, m)
    for _ in range(steps):
        vel = vel + 0.5 * dt * a
        pos = pos + dt * vel
        a = forces(pos, m)
        vel = vel + 0.5 * dt * a
    return np.sum(pos ** 2) + np.sum(vel ** 2)
''', "simulate", lambda: [_normal(1114, 3, 2), _normal(1115, 3, 2) * 0.1, np.abs(_normal(1116, 3)) + 0.5]),

"matrix_exp_taylor": ('''
import numpy as np

def expm_taylor(A, terms=10):
    result = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for k in range(1, terms):
        term = term @ A / k
        result = result + term
    return result

def loss(A, x):
    return np.sum((expm_taylor(A) @ x) ** 2)
''', "loss", lambda: [_normal(1117, 3, 3) * 0.3, _normal(1118, 3)]),

"kalman_filter_loop": ('''
import numpy as np

def kalman_nll(q, r, zs, F=0.9):
    x, P = 0.0, 1.0
    nll = 0.0
    for z in zs:
        x = F * x
        P = F * P * F + q
        S = P + r
        nll += 0.5 * (np.log(2 * np.pi * S) + (z - x) ** 2 / S)
        K = P / S
        x = x + K * (z - x)
        P = (1 - K) * P
    return nll
''', "kalman_nll", lambda: [0.3, 0.5, [0.1, -0.4, 0.8, 0.3]], {"wrt": [0, 1]}),

"em_responsibilities": ('''
import numpy as np

def expected_complete_loglik(mu, log_var, pi_logits, X):
    """X: (N,) data; mu, log_var, pi_logits: (K,)"""
    var = np.exp(log_var)
    log_pi = pi_logits - np.log(np.sum(np.exp(pi_logits)))
    log_p = log_pi - 0.5 * np.log(2 * np.pi * var) - 0.5 * (X[:, None] - mu) ** 2 / var
    log_norm = np.log(np.sum(np.exp(log_p), axis=1, keepdims=True))
    resp = np.exp(log_p - log_norm)
    return np.sum(resp * log_p)
''', "expected_complete_loglik", lambda: [_normal(1119, 3), _normal(1120, 3) * 0.2, _normal(1121, 3),
                                          _normal(1122, 7)], {"wrt": [0, 1, 2]}),

"reinforce_baseline": ('''
import numpy as np

def policy_loss(W, states, actions, returns, baseline):
    logits = states @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    T = states.shape[0]
    chosen = logp[np.arange(T), actions]
    advantage = returns - baseline
    return -np.sum(chosen * advantage) / T
''', "policy_loss", lambda: [_normal(1123, 4, 3), _normal(1124, 5, 4), np.array([0, 2, 1, 1, 0]),
                             _normal(1125, 5), 0.1], {"wrt": [0]}),

"polyval_fit": ('''
import numpy as np

def poly_loss(coeffs, x, y):
    pred = np.polyval(coeffs, x)
    return np.mean((pred - y) ** 2)
''', "poly_loss", lambda: [_normal(1126, 4), np.linspace(-1, 1, 7), _normal(1127, 7)], {"wrt": [0]}),

"diff_smoothness_penalty": ('''
import numpy as np

def smooth_fit(f, y, lam=0.5):
    data = np.sum((f - y) ** 2)
    curvature = np.sum(np.diff(f, n=2) ** 2)
    return data + lam * curvature
''', "smooth_fit", lambda: [_normal(1128, 8), _normal(1129, 8)], {"wrt": [0]}),

"leaky_inplace_mask_times": ('''
import numpy as np

def leaky_layer(x, W):
    h = x @ W
    out = h.copy()
    out[out < 0] *= 0.01
    return np.sum(out ** 2)
''', "leaky_layer", lambda: [_normal(1130, 4, 3), _normal(1131, 3, 5)]),

"power_iteration_inplace": ('''
import numpy as np

def top_eigenvalue(A, v0, iters=6):
    v = v0.copy()
    for _ in range(iters):
        v = A @ v
        v /= np.linalg.norm(v)
    return v @ A @ v
''', "top_eigenvalue", lambda: [(lambda M: M + M.T)(_normal(1132, 4, 4)), _normal(1133, 4)], {"wrt": [0]}),

"flip_correlate_1d": ('''
import numpy as np

def conv1d_full(x, k):
    kf = k[::-1]
    n, m = len(x), len(k)
    out = np.zeros(n - m + 1)
    for i in range(n - m + 1):
        out[i] = np.dot(x[i:i + m], kf)
    return np.sum(np.tanh(out))
''', "conv1d_full", lambda: [_normal(1134, 7), _normal(1135, 3)]),

"interp_lookup": ('''
import numpy as np

def interp_loss(yp, xq, xp):
    return np.sum(np.interp(xq, xp, yp) ** 2)
''', "interp_loss", lambda: [_normal(1136, 5), np.array([0.3, 1.7, 2.2, 3.9]), np.arange(5.0)], {"wrt": [0]}),

"accumulate_rows_inner_loop_scatter": ('''
import numpy as np

def segment_means(x, seg, n_seg):
    sums = np.zeros((n_seg, x.shape[1]))
    counts = np.zeros(n_seg)
    for i in range(x.shape[0]):
        sums[seg[i]] += x[i]
        counts[seg[i]] += 1
    means = sums / np.maximum(counts, 1)[:, None]
    return np.sum(means ** 2)
''', "segment_means", lambda: [_normal(1137, 6, 2), np.array([0, 1, 0, 2, 1, 0]), 3], {"wrt": [0]}),
"chained_zeros_alias": ('''
import numpy as np

def two_accumulators(x, w):
    a = b = np.zeros(x.shape[1])
    for i in range(x.shape[0]):
        a = a + x[i] * w
        b = b + x[i] ** 2
    return np.sum(a * b)
''', "two_accumulators", lambda: [_normal(1138, 4, 3), _normal(1139, 3)]),

"column_writes_loop": ('''
import numpy as np

def rbf_features(X, centers, gamma=0.5):
    N, K = X.shape[0], centers.shape[0]
    Phi = np.empty((N, K))
    for k in range(K):
        diff = X - centers[k]
        Phi[:, k] = np.exp(-gamma * np.sum(diff ** 2, axis=1))
    return Phi

def rbf_regression(w, X, centers, y):
    return np.mean((rbf_features(X, centers) @ w - y) ** 2)
''', "rbf_regression", lambda: [_normal(1140, 3), _normal(1141, 6, 2), _normal(1142, 3, 2), _normal(1143, 6)]),

"add_at_forward_scatter": ('''
import numpy as np

def pool_by_group(x, groups, n_groups):
    out = np.zeros((n_groups, x.shape[1]))
    np.add.at(out, groups, x)
    return np.sum(np.tanh(out))
''', "pool_by_group", lambda: [_normal(1144, 6, 2), np.array([0, 1, 0, 2, 2, 0]), 3], {"wrt": [0]}),

"reverse_time_backprop_style_loop": ('''
import numpy as np

def discounted_value_error(values, rewards, gamma=0.9):
    T = len(rewards)
    G = np.zeros(T)
    running = 0.0
    for t in range(T - 1, -1, -1):
        running = rewards[t] + gamma * running
        G[t] = running
    return 0.5 * np.sum((values - G) ** 2)
''', "discounted_value_error", lambda: [_normal(1145, 5), _normal(1146, 5)], {"wrt": [0, 1]}),

"inplace_param_copy_update": ('''
import numpy as np

def sgd_two_steps(w, X, y, lr=0.1):
    w = w.copy()
    for _ in range(2):
        grad = X.T @ (X @ w - y) / len(y)
        w -= lr * grad
    return np.sum((X @ w - y) ** 2)
''', "sgd_two_steps", lambda: [_normal(1147, 3), _normal(1148, 5, 3), _normal(1149, 5)], {"wrt": [0, 1, 2]}),

"masked_mean_where_loop": ('''
import numpy as np

def masked_sequence_loss(pred, target, lengths):
    N, T = pred.shape
    total = 0.0
    count = 0
    for n in range(N):
        for t in range(T):
            if t < lengths[n]:
                total += (pred[n, t] - target[n, t]) ** 2
                count += 1
    return total / count
''', "masked_sequence_loss", lambda: [_normal(1150, 3, 4), _normal(1151, 3, 4), np.array([2, 4, 1])], {"wrt": [0, 1]}),

"cumsum_axis_cdf_loss": ('''
import numpy as np

def ordinal_loss(logits, y):
    """logits (N, K); y (N,) ordinal labels"""
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    cdf = np.cumsum(p, axis=1)
    target = (np.arange(logits.shape[1])[None, :] >= y[:, None]).astype(float)
    return np.sum((cdf - target) ** 2) / logits.shape[0]
''', "ordinal_loss", lambda: [_normal(1152, 4, 5), np.array([0, 3, 2, 4])], {"wrt": [0]}),

"swap_rows_fancy_index_write": ('''
import numpy as np

def permuted_energy(x, perm):
    y = x.copy()
    y[perm] = x
    return np.sum(y[:-1] * y[1:])
''', "permuted_energy", lambda: [_normal(1153, 5), np.array([2, 0, 4, 1, 3])], {"wrt": [0]}),

"attention_loop_over_heads_list": ('''
import numpy as np

def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)

def mha(x, Wq, Wk, Wv, Wo, n_heads=2):
    T, D = x.shape
    hd = D // n_heads
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    heads = []
    for h in range(n_heads):
        s = slice(h * hd, (h + 1) * hd)
        a = softmax(q[:, s] @ k[:, s].T / np.sqrt(hd))
        heads.append(a @ v[:, s])
    return np.sum(np.concatenate(heads, axis=1) @ Wo)
''', "mha", lambda: [_normal(1154, 3, 4), _normal(1155, 4, 4), _normal(1156, 4, 4), _normal(1157, 4, 4),
                     _normal(1158, 4, 2)]),

"gru_sequence_helper_tuple": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def gru_step(x, h, Wz, Wr, Wh):
    xh = np.concatenate([x, h])
    z = sigmoid(Wz @ xh)
    r = sigmoid(Wr @ xh)
    h_tilde = np.tanh(Wh @ np.concatenate([x, r * h]))
    h_new = (1 - z) * h + z * h_tilde
    return h_new, z

def gru_loss(Wz, Wr, Wh, xs, h0):
    h = h0
    gates = 0.0
    for x in xs:
        h, z = gru_step(x, h, Wz, Wr, Wh)
        gates += np.sum(z)
    return np.sum(h ** 2) + 0.1 * gates
''', "gru_loss", lambda: [_normal(1159, 3, 5) * 0.5, _normal(1160, 3, 5) * 0.5, _normal(1161, 3, 5) * 0.5,
                         _normal(1162, 4, 2), _normal(1163, 3)]),
"euler_list_prealloc_fill": ('''
import math

def trajectory_energy(x0, v0, k=1.0, dt=0.05, n=40):
    xs = [0.0] * (n + 1)
    vs = [0.0] * (n + 1)
    xs[0], vs[0] = x0, v0
    for i in range(n):
        vs[i + 1] = vs[i] - k * math.sin(xs[i]) * dt
        xs[i + 1] = xs[i] + vs[i + 1] * dt
    return sum(x * x for x in xs) * dt
''', "trajectory_energy", lambda: [0.4, 0.1], {"wrt": [0, 1]}),

"break_on_threshold_scalar": ('''
def time_to_fall(h0, v0, g=9.81, dt=0.01):
    h, v, t = h0, v0, 0.0
    for _ in range(1000):
        v -= g * dt
        h += v * dt
        t += dt
        if h <= 0.0:
            break
    return t + h / (-v)
''', "time_to_fall", lambda: [2.0, 1.0], {"wrt": [0, 1]}),

"piecewise_abs_max_scalar": ('''
def tax(income, rate1=0.1, rate2=0.3, bracket=50.0):
    low = min(income, bracket)
    high = max(income - bracket, 0.0)
    return rate1 * low + rate2 * high + 0.01 * abs(income - 60.0)
''', "tax", lambda: [72.5, 0.1, 0.3], {"wrt": [0, 1, 2]}),

"list_of_dicts_layers": ('''
import numpy as np

def forward(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(h @ layer["W"] + layer["b"])
    return np.sum(h ** 2)
''', "forward", lambda: [[{"W": _normal(1164, 3, 4), "b": _normal(1165, 4)}, {"W": _normal(1166, 4, 2),
                                                                               "b": _normal(1167, 2)}],
                        _normal(1168, 5, 3)], {"wrt": [0, 1]}),

"recurrence_xs_index_minus_one": ('''
import numpy as np

def ar1_nll(phi, log_sigma, y):
    sigma2 = np.exp(2 * log_sigma)
    nll = 0.0
    for t in range(1, len(y)):
        r = y[t] - phi * y[t - 1]
        nll += 0.5 * (np.log(2 * np.pi * sigma2) + r ** 2 / sigma2)
    return nll
''', "ar1_nll", lambda: [0.5, -0.2, _normal(1169, 6)], {"wrt": [0, 1, 2]}),

"outer_product_loop_accumulate": ('''
import numpy as np

def scatter_matrix(X, mu):
    S = np.zeros((X.shape[1], X.shape[1]))
    for x in X:
        d = x - mu
        S += np.outer(d, d)
    return np.trace(S) + np.sum(S ** 2)
''', "scatter_matrix", lambda: [_normal(1170, 4, 3), _normal(1171, 3)]),

"softmax_loss_naive_dw_return": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """
    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        sum_exp = np.sum(np.exp(scores))
        loss += -scores[y[i]] + np.log(sum_exp)
        for j in range(num_classes):
            p = np.exp(scores[j]) / sum_exp
            dW[:, j] += (p - (j == y[i])) * X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
''', "softmax_loss_naive", lambda: [_normal(1172, 4, 3) * 0.1, _normal(1173, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1],
    {"wrt": [0]}),

"spring_pendulum_lagrangian": ('''
import numpy as np

def lagrangian(q, qdot, m=1.0, k=10.0, L0=1.0, g=9.81):
    r, theta = q
    rdot, thetadot = qdot
    T = 0.5 * m * (rdot ** 2 + (r * thetadot) ** 2)
    V = 0.5 * k * (r - L0) ** 2 - m * g * r * np.cos(theta)
    return T - V
''', "lagrangian", lambda: [np.array([1.2, 0.3]), np.array([0.1, -0.5])]),
"conv_forward_naive_docstring_pad": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields.
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(1174, 1, 2, 4, 4), _normal(1175, 2, 2, 3, 3), _normal(1176, 2),
                                   {"stride": 1, "pad": 1}], {"slow": True}),

"temporal_softmax_flatten_mask": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask):
    """
    Inputs:
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range
         0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    return loss
''', "temporal_softmax_loss", lambda: [_normal(1177, 2, 3, 4), np.array([[0, 3, 1], [2, 2, 0]]),
                                      np.array([[True, True, False], [True, False, False]])], {"wrt": [0]}),

"svm_loss_vectorized_margins_mask": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    loss = 0.0
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y][:, np.newaxis]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
    return loss
''', "svm_loss_vectorized", lambda: [_normal(1178, 4, 3) * 0.1, _normal(1179, 6, 4), np.array([0, 2, 1, 1, 0, 2]), 0.05],
    {"wrt": [0, 1]}),

"lstm_step_cs231n_slices": ('''
import numpy as np

def sigmoid(x):
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    next_h, next_c, cache = None, None, None
    N, H = prev_h.shape
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(1180, 2, 3), _normal(1181, 2, 4), _normal(1182, 2, 4),
                                  _normal(1183, 3, 16), _normal(1184, 4, 16), _normal(1185, 16)]),

"autograd_gmm_logsumexp_scipy": ('''
import numpy as np
from scipy.special import logsumexp

def unpack_gmm_params(params):
    normalized_log_proportions = params['log proportions'] - logsumexp(params['log proportions'])
    return normalized_log_proportions, params['means'], params['lower triangles']

def gmm_log_likelihood(params, data):
    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        diff = data - mean
        sol = np.linalg.solve(cov, diff.T).T
        ll = -0.5 * np.sum(diff * sol, axis=1) - 0.5 * np.linalg.slogdet(2 * np.pi * cov)[1]
        cluster_lls.append(log_proportion + ll)
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))
''', "gmm_log_likelihood", lambda: [{"log proportions": _normal(1186, 2),
                                     "means": _normal(1187, 2, 2),
                                     "lower triangles": np.array([np.eye(2) + 0.1 * _normal(1188, 2, 2),
                                                                  np.eye(2) + 0.1 * _normal(1189, 2, 2)])},
                                    _normal(1190, 5, 2)], {"wrt": [0]}),

"projectile_range_angle_scalar": ('''
import math

def projectile_range(v0, theta, h=0.0, g=9.81):
    """Range of a projectile launched from height h at speed v0 and angle theta (radians)."""
    vx = v0 * math.cos(theta)
    vy = v0 * math.sin(theta)
    t_flight = (vy + math.sqrt(vy ** 2 + 2 * g * h)) / g
    return vx * t_flight
''', "projectile_range", lambda: [12.0, 0.6, 1.5], {"wrt": [0, 1, 2]}),
"autograd_neural_net_flatten": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp
from autograd.misc.flatten import flatten

def neural_net_predict(params, inputs):
    """Implements a deep neural network for classification.
       params is a list of (weights, bias) tuples.
       inputs is an (N x D) matrix.
       returns normalized class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)

def l2_norm(params):
    """Computes l2 norm of params by flattening them into a vector."""
    flattened, _ = flatten(params)
    return np.dot(flattened, flattened)

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(1191, 3, 4), _normal(1192, 4)), (_normal(1193, 4, 2), _normal(1194, 2))],
                              _normal(1195, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]], 0.1], {"wrt": [0]}),

"autograd_bnn_unpack_layers": ('''
import autograd.numpy as np

def make_nn_funs(layer_sizes):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)
    return shapes, num_weights

def predictions(weights, inputs, layer_sizes=(1, 4, 1)):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    for m, n in shapes:
        W = weights[:m * n].reshape(m, n)
        b = weights[m * n:m * n + n]
        weights = weights[(m + 1) * n:]
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def loss(weights, inputs, targets):
    return np.sum((predictions(weights, inputs) - targets) ** 2)
''', "loss", lambda: [_normal(1196, 13), _normal(1197, 6, 1), _normal(1198, 6, 1)], {"wrt": [0]}),

"autograd_tanh_example": ('''
import autograd.numpy as np

def tanh(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)
''', "tanh", lambda: [np.linspace(-2, 2, 5)]),

"autograd_logistic_regression_example": ('''
import autograd.numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    # Outputs probability of a label being true according to logistic model.
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    # Training loss is the negative log-likelihood of the training labels.
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))
''', "training_loss", lambda: [_normal(1199, 3), _normal(1200, 4, 3), np.array([1.0, 1.0, 0.0, 1.0])], {"wrt": [0]}),

"autograd_sinusoid_nn": ('''
import autograd.numpy as np

def init_random_params(scale, layer_sizes, rs=np.random.RandomState(0)):
    return [(scale * rs.randn(m, n), scale * rs.randn(n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]

def nn_predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = nonlinearity(outputs)
    return outputs

def objective(params, inputs, targets):
    return np.mean((nn_predict(params, inputs) - targets) ** 2)
''', "objective", lambda: [[(_normal(1201, 1, 5), _normal(1202, 5)), (_normal(1203, 5, 1), _normal(1204, 1))],
                          _normal(1205, 7, 1), _normal(1206, 7, 1)], {"wrt": [0]}),
"overlapping_inplace_shift_add": ('''
import numpy as np

def prefix_smooth(x):
    y = x.copy()
    y[1:] += y[:-1]
    return np.sum(y ** 2)
''', "prefix_smooth", lambda: [_normal(1207, 6)]),

"self_referencing_mask_write": ('''
import numpy as np

def boost_positive(x, w):
    h = x * w
    m = h > 0
    h[m] = h[m] * 2.0 + w[m]
    return np.sum(np.tanh(h))
''', "boost_positive", lambda: [_normal(1208, 6), _normal(1209, 6)]),

"reshape_view_written": ('''
import numpy as np

def blockwise(x, s):
    y = x.copy()
    blocks = y.reshape(2, 3)
    blocks[:, 0] *= s
    return np.sum(y * x)
''', "blockwise", lambda: [_normal(1210, 6), 1.7]),

"reversed_view_inplace_add": ('''
import numpy as np

def mirror_add(x, v):
    y = x.copy()
    r = y[::-1]
    r += v
    return np.sum(y * np.arange(len(x)))
''', "mirror_add", lambda: [_normal(1211, 5), _normal(1212, 5)]),

"helper_returns_view_then_written": ('''
import numpy as np

def first_half(a):
    return a[:len(a) // 2]

def f(x):
    y = x.copy()
    h = first_half(y)
    h *= 3.0
    return np.sum(y ** 2)
''', "f", lambda: [_normal(1213, 6)]),

"branch_inplace_on_copy": ('''
import numpy as np

def clipped_update(w, g, lr=0.1, max_norm=1.0):
    step = lr * g
    n = np.linalg.norm(step)
    if n > max_norm:
        step *= max_norm / n
    w_new = w - step
    return np.sum(w_new ** 2)
''', "clipped_update", lambda: [_normal(1214, 4), _normal(1215, 4) * 10], {"wrt": [0, 1]}),

"sort_then_weights": ('''
import numpy as np

def owa(x, weights):
    """Ordered weighted average: weights applied to x sorted descending."""
    xs = np.sort(x)[::-1]
    return np.dot(weights, xs)
''', "owa", lambda: [_normal(1216, 5), np.array([0.4, 0.3, 0.15, 0.1, 0.05])]),

"transpose_view_write": ('''
import numpy as np

def sym_write(A, v):
    B = A.copy()
    Bt = B.T
    Bt[0] = v
    return np.sum(B * A)
''', "sym_write", lambda: [_normal(1217, 3, 3), _normal(1218, 3)]),
# ----------------------------------------------------------------------------- a later batch: thin styles
"svm_vectorized_binary_mask": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    #############################################################################
    # TODO:                                                                     #
    # Implement a vectorized version of the structured SVM loss, storing the    #
    # result in loss.                                                           #
    #############################################################################
    num_train = X.shape[0]
    scores = X.dot(W)
    correct_class_scores = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct_class_scores + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)

    binary = margins
    binary[margins > 0] = 1
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(num_train), y] = -row_sum.T
    dW = X.T.dot(binary) / num_train + 2 * reg * W
    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(1300, 4, 3) * 0.1, _normal(1301, 6, 4), np.array([0, 2, 1, 1, 0, 2]),
                                    0.05], {"wrt": [0]}),

"softmax_vectorized_newaxis": ('''
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1)[:, np.newaxis]
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_train), y])
    loss = np.sum(correct_logprobs) / num_train
    loss += 0.5 * reg * np.sum(W * W)

    dscores = probs
    dscores[range(num_train), y] -= 1
    dscores /= num_train
    dW = X.T.dot(dscores) + reg * W
    return loss, dW
''', "softmax_loss_vectorized", lambda: [_normal(1302, 4, 3) * 0.1, _normal(1303, 5, 4), np.array([2, 0, 1, 2, 1]),
                                        0.1], {"wrt": [0]}),

"two_layer_net_scores_none": ('''
import numpy as np

class TwoLayerNet(object):
    def loss(self, X, y=None, reg=0.0):
        """
        Compute the loss and gradients for a two layer fully connected neural
        network.

        Inputs:
        - X: Input data of shape (N, D). Each X[i] is a training sample.
        - y: Vector of training labels.
        - reg: Regularization strength.
        """
        # Unpack variables from the params dictionary
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N, D = X.shape

        # Compute the forward pass
        scores = None
        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2

        # If the targets are not given then jump out, we're done
        if y is None:
            return scores

        # Compute the loss
        loss = None
        shifted = scores - np.max(scores, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        return loss
''', "TwoLayerNet.loss", lambda: [{"W1": _normal(1304, 4, 5), "b1": _normal(1305, 5), "W2": _normal(1306, 5, 3),
                                "b2": _normal(1307, 3)}, _normal(1308, 5, 4), np.array([0, 1, 2, 1, 0]), 0.05]),

"batchnorm_staged_graph": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization, written step by step along the computational graph.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance.
      - running_mean: Array of shape (D,) giving running mean of features
      - running_var Array of shape (D,) giving running variance of features

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)

    N, D = x.shape
    running_mean = bn_param.get('running_mean', np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == 'train':
        # step1: calculate mean
        mu = 1. / N * np.sum(x, axis=0)
        # step2: subtract mean vector of every trainings example
        xmu = x - mu
        # step3: following the lower branch - calculation denominator
        sq = xmu ** 2
        # step4: calculate variance
        var = 1. / N * np.sum(sq, axis=0)
        # step5: add eps for numerical stability, then sqrt
        sqrtvar = np.sqrt(var + eps)
        # step6: invert sqrtwar
        ivar = 1. / sqrtvar
        # step7: execute normalization
        xhat = xmu * ivar
        # step8: Nor the two transformation steps
        gammax = gamma * xhat
        # step9
        out = gammax + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps)
    elif mode == 'test':
        xhat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * xhat + beta
        cache = (xhat, gamma)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # Store the updated running means back into bn_param
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(1309, 5, 3), _normal(1310, 3), _normal(1311, 3), {"mode": "train"}]),

"rnn_forward_stack_hidden": ('''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    """
    Inputs:
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)

    Returns a tuple of:
    - h: Hidden states for the entire timeseries, of shape (N, T, H).
    - cache: Values needed in the backward pass
    """
    h, cache = None, None
    N, T, D = x.shape
    hs = []
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        hs.append(prev_h)
    h = np.stack(hs, axis=1)
    cache = (x, h0, Wx, Wh, b, h)
    return h, cache
''', "rnn_forward", lambda: [_normal(1312, 2, 3, 4), _normal(1313, 2, 5), _normal(1314, 4, 5) * 0.5,
                            _normal(1315, 5, 5) * 0.5, _normal(1316, 5)]),

"word_embedding_row_index": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    Inputs:
    - x: Integer array of shape (N, T) giving indices of words. Each element idx
      of x muxt be in the range 0 <= idx < V.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.

    Returns a tuple of:
    - out: Array of shape (N, T, D) giving word vectors for all input words.
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    out = W[x, :]
    cache = (x, W)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [3, 3, 2]]), _normal(1317, 5, 4)], {"wrt": [1]}),

"lstm_step_np_split": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    Inputs:
    - x: Input data, of shape (N, D)
    - prev_h: Previous hidden state, of shape (N, H)
    - prev_c: previous cell state, of shape (N, H)
    - Wx: Input-to-hidden weights, of shape (D, 4H)
    - Wh: Hidden-to-hidden weights, of shape (H, 4H)
    - b: Biases, of shape (4H,)

    Returns a tuple of:
    - next_h: Next hidden state, of shape (N, H)
    - next_c: Next cell state, of shape (N, H)
    - cache: Tuple of values needed for backward pass.
    """
    next_h, next_c, cache = None, None, None
    a = x @ Wx + prev_h @ Wh + b
    ai, af, ao, ag = np.split(a, 4, axis=1)
    i = sigmoid(ai)
    f = sigmoid(af)
    o = sigmoid(ao)
    g = np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, b)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(1318, 3, 4), _normal(1319, 3, 2), _normal(1320, 3, 2),
                                  _normal(1321, 4, 8) * 0.5, _normal(1322, 2, 8) * 0.5, _normal(1323, 8)]),

"attention_einsum_heads": ('''
import numpy as np

def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)

def multi_head_attention(x, Wq, Wk, Wv, Wo, n_head=2):
    B, T, C = x.shape
    hd = C // n_head
    q = (x @ Wq).reshape(B, T, n_head, hd).transpose(0, 2, 1, 3)
    k = (x @ Wk).reshape(B, T, n_head, hd).transpose(0, 2, 1, 3)
    v = (x @ Wv).reshape(B, T, n_head, hd).transpose(0, 2, 1, 3)
    att = np.einsum('bhqd,bhkd->bhqk', q, k) / np.sqrt(hd)
    att = softmax(att, axis=-1)
    y = np.einsum('bhqk,bhkd->bhqd', att, v)
    y = y.transpose(0, 2, 1, 3).reshape(B, T, C)
    return np.sum((y @ Wo) ** 2)
''', "multi_head_attention", lambda: [_normal(1324, 2, 3, 4), _normal(1325, 4, 4) * 0.5, _normal(1326, 4, 4) * 0.5,
                                     _normal(1327, 4, 4) * 0.5, _normal(1328, 4, 4) * 0.5]),

"class_sum_of_squares_params": ('''
import numpy as np

class LinearRegression:
    """Least squares with an L2 penalty; the weights live in self.params."""

    def __init__(self, dim):
        self.params = {'w': np.zeros(dim), 'b': 0.0}

    def loss(self, X, y, reg=0.1):
        w = self.params['w']
        b = self.params['b']
        residual = X.dot(w) + b - y
        data_loss = 0.5 * np.sum(residual ** 2) / X.shape[0]
        reg_loss = 0.5 * reg * np.sum(w ** 2)
        return data_loss + reg_loss
''', "LinearRegression.loss", lambda: [{"w": _normal(1329, 3), "b": 0.3}, _normal(1330, 6, 3), _normal(1331, 6)]),

"poisson_loglik_lgamma_loop": ('''
import math

def poisson_log_likelihood(lam, counts):
    ll = 0.0
    for k in counts:
        ll += k * math.log(lam) - lam - math.lgamma(k + 1)
    return ll
''', "poisson_log_likelihood", lambda: [2.3, [0, 3, 1, 4, 2]], {"wrt": [0]}),

"gamma_loglik_lgamma_sums": ('''
import math

def gamma_loglik(alpha, beta, xs):
    """Log-likelihood of i.i.d. Gamma(alpha, rate=beta) observations."""
    n = len(xs)
    sum_log_x = sum(math.log(x) for x in xs)
    sum_x = sum(xs)
    return (n * alpha * math.log(beta) - n * math.lgamma(alpha)
            + (alpha - 1) * sum_log_x - beta * sum_x)
''', "gamma_loglik", lambda: [2.5, 1.3, [0.5, 1.7, 2.2, 0.9, 3.1]], {"wrt": [0, 1]}),

"student_t_lgamma_scalar": ('''
import math

def student_t_logpdf(x, mu, sigma, nu):
    z = (x - mu) / sigma
    return (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2)
            - 0.5 * math.log(nu * math.pi) - math.log(sigma)
            - (nu + 1) / 2 * math.log(1 + z * z / nu))
''', "student_t_logpdf", lambda: [0.7, 0.2, 1.3, 3.5]),

"bachelier_erf_pdf": ('''
import math

def norm_pdf(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)

def norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

def bachelier_call(F, K, T, sigma):
    """Call price under the normal (Bachelier) model."""
    s = sigma * math.sqrt(T)
    d = (F - K) / s
    return (F - K) * norm_cdf(d) + s * norm_pdf(d)
''', "bachelier_call", lambda: [101.0, 100.0, 0.5, 8.0]),

"nbody_broadcast_triu_indices": ('''
import numpy as np

def potential_energy(pos, m, G=1.0, softening=0.05):
    """Total gravitational potential energy of N bodies (pos is N x 3, m is N)."""
    n = pos.shape[0]
    diff = pos[:, np.newaxis, :] - pos[np.newaxis, :, :]
    dist = np.sqrt(np.sum(diff ** 2, axis=-1) + softening ** 2)
    i, j = np.triu_indices(n, k=1)
    return -G * np.sum(m[i] * m[j] / dist[i, j])
''', "potential_energy", lambda: [_normal(1332, 4, 3), _rng(1333).uniform(0.5, 2.0, 4)]),

"coulomb_itertools_combinations": ('''
import itertools
import numpy as np

def coulomb_energy(charges, positions, k_e=8.9875):
    energy = 0.0
    for i, j in itertools.combinations(range(len(charges)), 2):
        r = np.linalg.norm(positions[i] - positions[j])
        energy += k_e * charges[i] * charges[j] / r
    return energy
''', "coulomb_energy", lambda: [np.array([1.0, -1.0, 0.5, 2.0]), _normal(1334, 4, 3) * 2]),

"morse_pair_loops_math": ('''
import math

def morse_energy(coords, D=1.0, alpha=1.2, r0=1.1):
    """coords: list of (x, y, z) tuples."""
    E = 0.0
    n = len(coords)
    for i in range(n - 1):
        xi, yi, zi = coords[i]
        for j in range(i + 1, n):
            xj, yj, zj = coords[j]
            r = math.sqrt((xi - xj) ** 2 + (yi - yj) ** 2 + (zi - zj) ** 2)
            E += D * (1 - math.exp(-alpha * (r - r0))) ** 2 - D
    return E
''', "morse_energy", lambda: [[(0.0, 0.1, 0.0), (1.1, 0.0, 0.2), (0.3, 1.2, -0.1)]]),

"velocity_verlet_positions_list": ('''
import numpy as np

def simulate(x0, v0, k, m=1.0, dt=0.05, n_steps=30):
    """Velocity Verlet for a harmonic spring; returns the mean squared displacement."""
    x, v = x0, v0
    a = -k / m * x
    xs = [x]
    for _ in range(n_steps):
        x = x + v * dt + 0.5 * a * dt ** 2
        a_new = -k / m * x
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
        xs.append(x)
    xs = np.array(xs)
    return np.mean(xs ** 2)
''', "simulate", lambda: [0.8, -0.3, 2.0]),

"driven_pendulum_semi_implicit": ('''
from math import sin, cos

def final_angle(theta0, omega0, b, A, w_d, g=9.81, L=1.0, dt=0.01, steps=200):
    """Damped, driven pendulum integrated with semi-implicit Euler."""
    theta, omega = theta0, omega0
    t = 0.0
    for step in range(steps):
        alpha = -g / L * sin(theta) - b * omega + A * cos(w_d * t)
        omega += alpha * dt
        theta += omega * dt
        t += dt
    return theta
''', "final_angle", lambda: [0.4, 0.0, 0.3, 1.2, 2.0]),

"heat_fd_slice_copy_loop": ('''
import numpy as np

def solve_heat(u0, nu, nt=20, dx=0.1, dt=0.002):
    """1D diffusion, explicit scheme (12 steps to Navier-Stokes style)."""
    u = u0.copy()
    for n in range(nt):
        un = u.copy()
        u[1:-1] = un[1:-1] + nu * dt / dx ** 2 * (un[2:] - 2 * un[1:-1] + un[0:-2])
    return np.sum(u ** 2)
''', "solve_heat", lambda: [np.sin(np.linspace(0, np.pi, 9)) + 0.1 * _normal(1335, 9), 0.5]),

"linear_convection_inner_loop": ('''
import numpy as np

def convect(u0, c, nt=5, dt=0.025, dx=0.1):
    u = u0.copy()
    nx = len(u0)
    for n in range(nt):
        un = u.copy()
        for i in range(1, nx):
            u[i] = un[i] - c * dt / dx * (un[i] - un[i - 1])
    return np.sum(u * np.arange(nx))
''', "convect", lambda: [_normal(1336, 7), 1.0]),

"heat_2d_interior_slices": ('''
import numpy as np

def diffuse_2d(u0, alpha, nt=4, dx=0.1, dy=0.1, dt=0.001):
    u = u0.copy()
    for n in range(nt):
        un = u.copy()
        u[1:-1, 1:-1] = (un[1:-1, 1:-1]
                         + alpha * dt / dx ** 2 * (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, 0:-2])
                         + alpha * dt / dy ** 2 * (un[2:, 1:-1] - 2 * un[1:-1, 1:-1] + un[0:-2, 1:-1]))
        u[0, :] = 0
        u[-1, :] = 0
    return np.sum(u ** 2)
''', "diffuse_2d", lambda: [_normal(1337, 5, 6), 1.5]),

"gray_scott_roll_laplacian": ('''
import numpy as np

def laplacian(Z):
    return (np.roll(Z, 1, axis=0) + np.roll(Z, -1, axis=0) +
            np.roll(Z, 1, axis=1) + np.roll(Z, -1, axis=1) - 4 * Z)

def gray_scott(U, V, F, k, Du=0.16, Dv=0.08, steps=3):
    for _ in range(steps):
        uvv = U * V * V
        U = U + Du * laplacian(U) - uvv + F * (1 - U)
        V = V + Dv * laplacian(V) + uvv - (F + k) * V
    return np.mean(V)
''', "gray_scott", lambda: [1 + 0.1 * _normal(1338, 4, 5), 0.25 + 0.1 * _normal(1339, 4, 5), 0.04, 0.06]),

"tsne_kl_student_t": ('''
import numpy as np

def tsne_cost(Y, P):
    """KL(P || Q) with a Student-t kernel in the embedding (as in tsne.py)."""
    n = Y.shape[0]
    sum_Y = np.sum(np.square(Y), 1)
    num = -2. * np.dot(Y, Y.T)
    num = 1. / (1. + np.add(np.add(num, sum_Y).T, sum_Y))
    num[range(n), range(n)] = 0.
    Q = num / np.sum(num)
    Q = np.maximum(Q, 1e-12)
    return np.sum(P * np.log(P / Q))
''', "tsne_cost", lambda: [_normal(1340, 5, 2), (lambda a: (a + a.T + 0.01) / np.sum(a + a.T + 0.01))(
    _rng(1341).random((5, 5)) * (1 - np.eye(5))) + 1e-3 * np.eye(5)], {"wrt": [0]}),

"pca_reconstruction_fro": ('''
import numpy as np

def reconstruction_error(W, X):
    mean = X.mean(axis=0)
    Xc = X - mean
    Z = Xc @ W
    X_hat = Z @ W.T + mean
    return np.linalg.norm(X - X_hat, 'fro') ** 2 / X.shape[0]
''', "reconstruction_error", lambda: [_normal(1342, 4, 2), _normal(1343, 6, 4)], {"wrt": [0, 1]}),

"ridge_inv_identity": ('''
import numpy as np

def ridge_val_loss(lam, X, y, X_val, y_val):
    d = X.shape[1]
    w = np.linalg.inv(X.T @ X + lam * np.identity(d)) @ X.T @ y
    return np.mean((X_val @ w - y_val) ** 2)
''', "ridge_val_loss", lambda: [0.7, _normal(1344, 8, 3), _normal(1345, 8), _normal(1346, 4, 3), _normal(1347, 4)]),

"kl_where_zero_terms": ('''
import numpy as np

def kl_divergence(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    return np.sum(np.where(p != 0, p * np.log(p / q), 0))
''', "kl_divergence", lambda: [np.array([0.2, 0.0, 0.5, 0.3]), np.array([0.25, 0.25, 0.3, 0.2])], {"wrt": [1]}),

"zscore_std_ddof": ('''
import numpy as np

def standardize_loss(x, w):
    z = (x - x.mean()) / x.std(ddof=1)
    return np.sum(w * z ** 3)
''', "standardize_loss", lambda: [_normal(1348, 7), _normal(1349, 7)]),

"sharpe_np_std_annualized": ('''
import numpy as np

def neg_sharpe(weights, returns, rf=0.0):
    port = returns @ weights
    excess = port - rf
    return -np.mean(excess) / np.std(excess) * np.sqrt(252)
''', "neg_sharpe", lambda: [_rng(1350).uniform(0.1, 0.5, 3), 0.01 * _normal(1351, 20, 3)], {"wrt": [0, 1]}),

"type_hinted_float_return": ('''
import numpy as np

def mse_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of a linear model."""
    preds = X @ w
    return float(np.mean((preds - y) ** 2))
''', "mse_loss", lambda: [_normal(1352, 3), _normal(1353, 6, 3), _normal(1354, 6)]),

"item_scalar_return": ('''
import numpy as np

def hinge_loss(w, X, y, C=1.0):
    margins = 1 - y * (X @ w)
    loss = 0.5 * w @ w + C * np.maximum(0, margins).sum()
    return loss.item()
''', "hinge_loss", lambda: [_normal(1355, 3), _normal(1356, 6, 3), np.array([1., -1., 1., 1., -1., -1.])],
    {"wrt": [0]}),

"from_numpy_import_names": ('''
from numpy import exp, log, sqrt, pi, sum

def gaussian_nll(x, mu, sigma):
    return sum(0.5 * log(2 * pi * sigma ** 2) + (x - mu) ** 2 / (2 * sigma ** 2))
''', "gaussian_nll", lambda: [_normal(1357, 6), 0.3, 1.4]),

"from_math_import_star": ('''
from math import *

def range_on_slope(v0, theta, phi, g=9.81):
    """Range of a projectile on an incline of angle phi."""
    return 2 * v0 ** 2 * cos(theta) * sin(theta - phi) / (g * cos(phi) ** 2)
''', "range_on_slope", lambda: [12.0, 0.9, 0.2]),

"two_link_arm_hypot_arctan2": ('''
import numpy as np

def reach_error(theta1, theta2, target, l1=1.0, l2=0.8):
    """Forward kinematics of a planar two-link arm; distance and bearing error to the target."""
    x = l1 * np.cos(theta1) + l2 * np.cos(theta1 + theta2)
    y = l1 * np.sin(theta1) + l2 * np.sin(theta1 + theta2)
    dist = np.hypot(target[0] - x, target[1] - y)
    bearing = np.arctan2(y, x) - np.arctan2(target[1], target[0])
    return dist ** 2 + 0.1 * bearing ** 2
''', "reach_error", lambda: [0.4, 0.7, np.array([1.2, 0.9])]),

"tile_bias_rows": ('''
import numpy as np

def affine_loss(X, W, b):
    N = X.shape[0]
    out = X.dot(W) + np.tile(b, (N, 1))
    return np.sum(np.tanh(out))
''', "affine_loss", lambda: [_normal(1358, 5, 3), _normal(1359, 3, 4), _normal(1360, 4)]),

"meshgrid_field_potential": ('''
import numpy as np

def grid_potential(q, px, py, n=5):
    """Potential of point charges sampled on an n x n grid over [-1, 1]^2."""
    xs = np.linspace(-1, 1, n)
    X, Y = np.meshgrid(xs, xs)
    V = np.zeros_like(X)
    for k in range(len(q)):
        r = np.sqrt((X - px[k]) ** 2 + (Y - py[k]) ** 2 + 0.1)
        V += q[k] / r
    return np.sum(V ** 2)
''', "grid_potential", lambda: [np.array([1.0, -0.5, 0.8]), np.array([0.13, -0.42, 0.61]),
                               np.array([0.27, 0.05, -0.33])]),

"ista_soft_threshold_sign": ('''
import numpy as np

def soft_threshold(x, lam):
    return np.sign(x) * np.maximum(np.abs(x) - lam, 0.0)

def ista_objective(w, X, y, lam=0.1, lr=0.05, n_iter=3):
    """Unrolled ISTA steps, then the lasso objective."""
    for _ in range(n_iter):
        grad = X.T @ (X @ w - y)
        w = soft_threshold(w - lr * grad, lr * lam)
    return 0.5 * np.sum((X @ w - y) ** 2) + lam * np.sum(np.abs(w))
''', "ista_objective", lambda: [_normal(1361, 4), _normal(1362, 6, 4), _normal(1363, 6)], {"wrt": [0, 1]}),

"min_max_normalize": ('''
import numpy as np

def normalized_energy(x, w):
    x_norm = (x - np.min(x)) / (np.max(x) - np.min(x))
    return np.dot(w, x_norm ** 2)
''', "normalized_energy", lambda: [_normal(1364, 6), _normal(1365, 6)]),

"np_average_weights_kw": ('''
import numpy as np

def weighted_variance(x, w):
    mu = np.average(x, weights=w)
    return np.average((x - mu) ** 2, weights=w)
''', "weighted_variance", lambda: [_normal(1366, 6), _rng(1367).uniform(0.2, 1.0, 6)]),

"softplus_inverse_expm1": ('''
import numpy as np

def inv_softplus_penalty(x):
    return np.sum(np.log(np.expm1(x)) ** 2)
''', "inv_softplus_penalty", lambda: [_rng(1368).uniform(0.5, 2.0, 5)]),

"eigh_smallest_eigenvalue": ('''
import numpy as np

def min_eig(A):
    S = 0.5 * (A + A.T)
    evals, evecs = np.linalg.eigh(S)
    return evals[0]
''', "min_eig", lambda: [_normal(1369, 4, 4)]),

"scipy_stats_norm_logpdf": ('''
import numpy as np
from scipy.stats import norm

def neg_log_lik(w, log_sigma, X, y):
    mu = X @ w
    return -np.sum(norm.logpdf(y, loc=mu, scale=np.exp(log_sigma)))
''', "neg_log_lik", lambda: [_normal(1370, 3), -0.2, _normal(1371, 7, 3), _normal(1372, 7)], {"wrt": [0, 1]}),

"euler_states_np_array_list": ('''
import numpy as np

def f(y, k):
    return np.array([y[1], -k * y[0] - 0.1 * y[1]])

def trajectory_loss(y0, k, target, dt=0.1, n=10):
    ys = [y0]
    for _ in range(n):
        ys.append(ys[-1] + dt * f(ys[-1], k))
    ys = np.array(ys)
    return np.sum((ys[:, 0] - target) ** 2)
''', "trajectory_loss", lambda: [np.array([1.0, 0.0]), 2.0, np.cos(np.linspace(0, 1.5, 11))], {"wrt": [0, 1]}),

"layernorm_var_keepdims": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    Inputs:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: a tuple of values needed in the backward pass
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    out = gamma * x_hat + beta
    cache = (x, x_hat, gamma, mean, var, std, eps)
    return out, cache
''', "layernorm_forward", lambda: [_normal(1373, 4, 5), _normal(1374, 5), _normal(1375, 5), {}]),

"max_pool_amax_starts": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W')
    - cache: (x, pool_param)
    """
    out = None
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                h_start = i * stride
                for j in range(W_out):
                    w_start = j * stride
                    out[n, c, i, j] = np.amax(x[n, c, h_start:h_start + ph, w_start:w_start + pw])
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(1376, 1, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}],
    {"slow": True}),

"rnn_list_of_arrays_sequence": ('''
import numpy as np

def rnn_loss(params, inputs, targets):
    """inputs, targets: lists of (batch, dim) arrays, one per time step."""
    W_xh, W_hh, W_hy, b_h = params
    h = np.zeros((inputs[0].shape[0], W_hh.shape[0]))
    loss = 0.0
    for x_t, y_t in zip(inputs, targets):
        h = np.tanh(np.dot(x_t, W_xh) + np.dot(h, W_hh) + b_h)
        pred = np.dot(h, W_hy)
        loss += np.sum((pred - y_t) ** 2)
    return loss / len(inputs)
''', "rnn_loss", lambda: [[_normal(1377, 3, 4) * 0.5, _normal(1378, 4, 4) * 0.5, _normal(1379, 4, 2),
                          _normal(1380, 4)], [_normal(1381 + t, 2, 3) for t in range(3)],
                         [_normal(1385 + t, 2, 2) for t in range(3)]], {"wrt": [0]}),

"logistic_regression_logaddexp_l2": ('''
import numpy as np

def logistic_loss(w, X, y, l2=0.01):
    """y in {-1, +1}."""
    z = X.dot(w)
    return np.mean(np.logaddexp(0, -y * z)) + 0.5 * l2 * np.dot(w, w)
''', "logistic_loss", lambda: [_normal(1390, 3), _normal(1391, 8, 3), np.where(_normal(1392, 8) > 0, 1.0, -1.0)],
    {"wrt": [0]}),

"mog_scipy_stats_pdf": ('''
import numpy as np
from scipy.stats import norm

def mixture_nll(pi_logits, mus, log_sigmas, x):
    pis = np.exp(pi_logits) / np.sum(np.exp(pi_logits))
    comp = pis * norm.pdf(x[:, None], mus, np.exp(log_sigmas))
    return -np.sum(np.log(np.sum(comp, axis=1)))
''', "mixture_nll", lambda: [_normal(1393, 3), _normal(1394, 3), 0.2 * _normal(1395, 3), _normal(1396, 8)],
    {"wrt": [0, 1, 2]}),

"planck_math_scalar_const": ('''
import math

h = 6.62607015e-34
c = 2.99792458e8
k_B = 1.380649e-23

def planck_radiance(wavelength_um, T):
    """Spectral radiance B(lambda, T) in W / (m^2 sr um)."""
    lam = wavelength_um * 1e-6
    a = 2.0 * h * c ** 2 / lam ** 5
    b = h * c / (lam * k_B * T)
    return a / (math.exp(b) - 1.0) * 1e-6
''', "planck_radiance", lambda: [1.5, 3000.0]),

"projectile_drag_while_ground": ('''
import math

def flight_distance(v0, angle, drag=0.05, g=9.81, dt=0.001):
    x, y = 0.0, 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    while y >= 0.0:
        v = math.sqrt(vx * vx + vy * vy)
        ax = -drag * v * vx
        ay = -g - drag * v * vy
        x += vx * dt
        y += vy * dt
        vx += ax * dt
        vy += ay * dt
    return x
''', "flight_distance", lambda: [5.0, 0.8, 0.05]),
"dihedral_cross_arctan2": ('''
import numpy as np

def dihedral(p0, p1, p2, p3):
    """Torsion angle of four atoms (praxeolitic formula)."""
    b0 = -1.0 * (p1 - p0)
    b1 = p2 - p1
    b2 = p3 - p2
    b1 = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1) * b1
    w = b2 - np.dot(b2, b1) * b1
    x = np.dot(v, w)
    y = np.dot(np.cross(b1, v), w)
    return np.arctan2(y, x)
''', "dihedral", lambda: [np.array([1.0, 0.2, 0.1]), np.array([0.1, 0.0, 0.0]), np.array([0.0, 1.1, 0.2]),
                         np.array([0.7, 1.4, 0.9])]),

"kepler_newton_scalar": ('''
import math

def eccentric_anomaly(M, e, n_iter=8):
    """Solve Kepler's equation M = E - e sin E by Newton's method."""
    E = M if e < 0.8 else math.pi
    for _ in range(n_iter):
        f = E - e * math.sin(E) - M
        E = E - f / (1.0 - e * math.cos(E))
    return E

def true_anomaly(M, e):
    E = eccentric_anomaly(M, e)
    return 2.0 * math.atan2(math.sqrt(1 + e) * math.sin(E / 2), math.sqrt(1 - e) * math.cos(E / 2))
''', "true_anomaly", lambda: [1.1, 0.3]),

"crf_forward_algorithm": ('''
import numpy as np

def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))

def crf_log_partition(emissions, transitions):
    """emissions: (T, K) unary scores, transitions: (K, K) pairwise scores."""
    T = emissions.shape[0]
    alpha = emissions[0]
    for t in range(1, T):
        alpha = logsumexp(alpha[:, None] + transitions, axis=0) + emissions[t]
    return logsumexp(alpha)
''', "crf_log_partition", lambda: [_normal(1400, 5, 3), _normal(1401, 3, 3)]),

"crammer_singer_neg_inf": ('''
import numpy as np

def multiclass_hinge(W, X, y):
    N = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(N), y]
    others = scores.copy()
    others[np.arange(N), y] = -np.inf
    return np.mean(np.maximum(0.0, 1.0 + np.max(others, axis=1) - correct))
''', "multiclass_hinge", lambda: [_normal(1402, 4, 3), _normal(1403, 6, 4), np.array([0, 2, 1, 1, 0, 2])],
    {"wrt": [0]}),

"buckingham_pairs_dot": ('''
import numpy as np

def buckingham_energy(pos, A=1000.0, B=3.0, C=2.0):
    n = len(pos)
    E = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = pos[i] - pos[j]
            r = np.sqrt(np.dot(d, d))
            E += A * np.exp(-B * r) - C / r ** 6
    return E
''', "buckingham_energy", lambda: [_normal(1404, 4, 3) * 1.5]),

"simpson_step_slices": ('''
import numpy as np

def simpson(y, h):
    """Composite Simpson's rule on an odd number of samples."""
    return h / 3.0 * (y[0] + 4.0 * np.sum(y[1:-1:2]) + 2.0 * np.sum(y[2:-1:2]) + y[-1])

def work(k, x0=0.0, x1=2.0, n=9):
    xs = np.linspace(x0, x1, n)
    force = k * xs ** 2 * np.exp(-xs)
    return simpson(force, (x1 - x0) / (n - 1))
''', "work", lambda: [1.7]),

"ising_mean_field": ('''
import numpy as np

def mean_field_free_energy(m, J, h, beta=1.0):
    """Naive mean-field free energy of an Ising model with magnetizations m in (-1, 1)."""
    energy = -0.5 * m @ J @ m - h @ m
    p = (1 + m) / 2
    q = (1 - m) / 2
    entropy = -np.sum(p * np.log(p) + q * np.log(q))
    return energy - entropy / beta
''', "mean_field_free_energy", lambda: [np.tanh(_normal(1405, 5)), (lambda a: (a + a.T) / 2)(_normal(1406, 5, 5)),
                                       _normal(1407, 5)], {"wrt": [0, 1, 2]}),

"bayes_logreg_elbo_mc": ('''
import numpy as np

def elbo(mu, log_sigma, X, y, eps, prior_var=1.0):
    """Monte Carlo ELBO of Bayesian logistic regression, eps (S, D) standard normal draws."""
    sigma = np.exp(log_sigma)
    W = mu + sigma * eps                      # (S, D) samples of the weights
    logits = W @ X.T                          # (S, N)
    loglik = -np.sum(np.logaddexp(0, -y * logits), axis=1)
    logprior = -0.5 * np.sum(W ** 2, axis=1) / prior_var
    entropy = np.sum(log_sigma)
    return np.mean(loglik + logprior) + entropy
''', "elbo", lambda: [_normal(1408, 3), 0.3 * _normal(1409, 3), _normal(1410, 7, 3),
                     np.where(_normal(1411, 7) > 0, 1.0, -1.0), _normal(1412, 4, 3)], {"wrt": [0, 1]}),
"autograd_gp_mvn_logpdf": ('''
import autograd.numpy as np
from autograd.scipy.stats import multivariate_normal as mvn

def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

def log_marginal_likelihood(params, x, y):
    mean, noise_scale = params[0], np.exp(params[1]) + 0.0001
    cov_params = params[2:]
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    prior_mean = mean * np.ones(len(y))
    return mvn.logpdf(y, prior_mean, cov_y_y)
''', "log_marginal_likelihood", lambda: [np.array([0.1, -1.0, 0.3, -0.2, 0.1]), _normal(1413, 6, 2), _normal(1414, 6)],
    {"wrt": [0]}),

"scipy_mvn_rows_mixture": ('''
import numpy as np
from scipy.stats import multivariate_normal

def mixture_nll(weights_logits, mus, X, cov):
    """Negative log-likelihood of a mixture of Gaussians sharing one covariance."""
    w = np.exp(weights_logits - np.max(weights_logits))
    w = w / np.sum(w)
    lik = 0.0
    for k in range(len(w)):
        lik = lik + w[k] * multivariate_normal.pdf(X, mean=mus[k], cov=cov)
    return -np.sum(np.log(lik))
''', "mixture_nll", lambda: [_normal(1415, 3), _normal(1416, 3, 2), _normal(1417, 7, 2),
                            np.array([[1.2, 0.3], [0.3, 0.8]])], {"wrt": [0, 1]}),
"scipy_special_softmax_ce": ('''
import numpy as np
from scipy.special import softmax, log_softmax

def cross_entropy(W, X, y):
    probs = softmax(X @ W, axis=1)
    N = X.shape[0]
    return -np.mean(np.log(probs[np.arange(N), y])) + 0.01 * np.sum(W ** 2)

def nll_log_softmax(W, X, y):
    logp = log_softmax(X @ W, axis=-1)
    return -np.sum(logp[np.arange(len(y)), y]) / len(y)

def both(W, X, y):
    return cross_entropy(W, X, y) + nll_log_softmax(W, X, y)
''', "both", lambda: [_normal(1420, 4, 3), _normal(1421, 6, 4), np.array([0, 2, 1, 1, 0, 2])], {"wrt": [0]}),

"causal_attention_neg_inf_triu": ('''
import numpy as np

def causal_self_attention(x, Wq, Wk, Wv):
    T, d = x.shape
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    scores = q @ k.T / np.sqrt(d)
    mask = np.triu(np.full((T, T), -np.inf), k=1)
    scores = scores + mask
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.sum((weights @ v) ** 2)
''', "causal_self_attention", lambda: [_normal(1422, 4, 3), _normal(1423, 3, 3), _normal(1424, 3, 3),
                                      _normal(1425, 3, 3)]),

"einsum_row_dot_contrastive": ('''
import numpy as np

def alignment_loss(z1, z2, temperature=0.5):
    z1 = z1 / np.linalg.norm(z1, axis=1, keepdims=True)
    z2 = z2 / np.linalg.norm(z2, axis=1, keepdims=True)
    pos = np.einsum('ij,ij->i', z1, z2) / temperature
    logits = np.einsum('ik,jk->ij', z1, z2) / temperature
    return np.mean(np.log(np.sum(np.exp(logits), axis=1)) - pos)
''', "alignment_loss", lambda: [_normal(1426, 5, 3), _normal(1427, 5, 3)]),

"elastic_rod_np_diff": ('''
import numpy as np

def rod_energy(X, L0=1.0, k_s=10.0, k_b=1.0):
    """Stretching and bending energy of a discrete rod through the points X (n, 3)."""
    t = np.diff(X, axis=0)
    lengths = np.linalg.norm(t, axis=1)
    stretch = 0.5 * k_s * np.sum((lengths - L0) ** 2)
    tangents = t / lengths[:, None]
    cos_angles = np.sum(tangents[1:] * tangents[:-1], axis=1)
    bend = k_b * np.sum(1.0 - cos_angles)
    return stretch + bend
''', "rod_energy", lambda: [np.cumsum(_normal(1428, 5, 3) * 0.3 + np.array([1.0, 0.0, 0.0]), axis=0)]),

"tv_denoise_np_diff": ('''
import numpy as np

def tv_objective(u, f, lam=0.1, eps=1e-3):
    """ROF denoising: fidelity plus a smoothed total variation."""
    dx = np.diff(u, axis=1)[:-1, :]
    dy = np.diff(u, axis=0)[:, :-1]
    tv = np.sum(np.sqrt(dx ** 2 + dy ** 2 + eps))
    return 0.5 * np.sum((u - f) ** 2) + lam * tv
''', "tv_objective", lambda: [_normal(1429, 5, 6), _normal(1430, 5, 6)], {"wrt": [0]}),

"kde_leave_one_out_eye": ('''
import numpy as np

def loo_log_likelihood(log_h, X):
    """Leave-one-out log-likelihood of a Gaussian kernel density estimate, bandwidth exp(log_h)."""
    n, d = X.shape
    h = np.exp(log_h)
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * sq / h ** 2) / ((2 * np.pi) ** (d / 2) * h ** d)
    K = K * (1 - np.eye(n))
    dens = K.sum(axis=1) / (n - 1)
    return np.sum(np.log(dens))
''', "loo_log_likelihood", lambda: [-0.3, _normal(1431, 6, 2)], {"wrt": [0]}),

"bradley_terry_pairs": ('''
import numpy as np

def bt_neg_log_lik(skill, winners, losers, reg=0.01):
    """Bradley-Terry: P(i beats j) = sigmoid(skill[i] - skill[j])."""
    diff = skill[winners] - skill[losers]
    return np.sum(np.logaddexp(0.0, -diff)) + reg * np.dot(skill, skill)
''', "bt_neg_log_lik", lambda: [_normal(1432, 4), np.array([0, 1, 2, 0, 3, 1]), np.array([1, 2, 3, 3, 0, 0])],
    {"wrt": [0]}),

"onehot_eye_softmax_regression": ('''
import numpy as np

def softmax_regression_loss(W, b, X, y, num_classes=3):
    """Cross-entropy with one-hot targets built by np.eye."""
    Y = np.eye(num_classes)[y]
    logits = X.dot(W) + b
    logits -= logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -(Y * log_probs).sum() / X.shape[0]
''', "softmax_regression_loss", lambda: [_normal(1433, 4, 3), _normal(1434, 3), _normal(1435, 7, 4),
                                        np.array([0, 1, 2, 2, 1, 0, 1])], {"wrt": [0, 1]}),

"damped_oscillator_fit_math_list": ('''
import math

def residuals_sq(A, zeta, omega, ts, ys):
    """Sum of squared residuals of an underdamped oscillator fit to samples (t, y)."""
    wd = omega * math.sqrt(1.0 - zeta ** 2)
    total = 0.0
    for t, y in zip(ts, ys):
        model = A * math.exp(-zeta * omega * t) * math.cos(wd * t)
        total += (model - y) ** 2
    return total
''', "residuals_sq", lambda: [1.2, 0.15, 3.0, [0.0, 0.3, 0.6, 0.9, 1.2, 1.5], [1.0, 0.5, -0.6, -0.9, -0.1, 0.6]],
    {"wrt": [0, 1, 2]}),
"gan_bce_clip_min_method": ('''
import numpy as np

def bce_loss(input, target):
    """Numerically stable binary cross-entropy on logits (the GAN notebook's helper)."""
    neg_abs = -np.abs(input)
    loss = input.clip(min=0) - input * target + np.log(1 + np.exp(neg_abs))
    return loss.mean()

def discriminator_loss(logits_real, logits_fake):
    N = logits_real.shape[0]
    true_labels = np.ones(N)
    return bce_loss(logits_real, true_labels) + bce_loss(logits_fake, 1 - true_labels)
''', "discriminator_loss", lambda: [_normal(1440, 6), _normal(1441, 6)]),

"rk_butcher_tableau_lists": ('''
import numpy as np

A = [[0.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]
B = [1 / 6, 1 / 3, 1 / 3, 1 / 6]

def f(y, k):
    return -k * y + np.sin(y)

def rk_step(y, k, h):
    ks = []
    for i in range(4):
        yi = y + h * sum(A[i][j] * ks[j] for j in range(i))
        ks.append(f(yi, k))
    return y + h * sum(b * kk for b, kk in zip(B, ks))

def final_state(y0, k, h=0.1, n=5):
    y = y0
    for _ in range(n):
        y = rk_step(y, k, h)
    return np.sum(y ** 2)
''', "final_state", lambda: [_normal(1442, 3), 0.7]),

"fem_1d_assembly_solve": ('''
import numpy as np

def fem_compliance(E, f, L=1.0):
    """1D bar, linear elements with stiffness E[e], fixed at node 0: the compliance f . u."""
    n_el = len(E)
    h = L / n_el
    K = np.zeros((n_el + 1, n_el + 1))
    for e in range(n_el):
        ke = E[e] / h * np.array([[1.0, -1.0], [-1.0, 1.0]])
        K[e:e + 2, e:e + 2] += ke
    u = np.linalg.solve(K[1:, 1:], f)
    return f @ u
''', "fem_compliance", lambda: [_rng(1443).uniform(1.0, 2.0, 4), _normal(1444, 4)]),

"naive_bayes_masked_means": ('''
import numpy as np

def gaussian_nb_nll(X, y, log_var, n_classes=2):
    """Negative log-likelihood of Gaussian naive Bayes with class means estimated from X."""
    total = 0.0
    for c in range(n_classes):
        Xc = X[y == c]
        mu = Xc.mean(axis=0)
        total += 0.5 * np.sum((Xc - mu) ** 2 / np.exp(log_var) + log_var)
    return total
''', "gaussian_nb_nll", lambda: [_normal(1445, 8, 3), np.array([0, 1, 1, 0, 1, 0, 0, 1]), 0.1 * _normal(1446, 3)],
    {"wrt": [0, 2]}),

"take_along_axis_focal": ('''
import numpy as np

def focal_loss(logits, labels, gamma=2.0):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    log_pt = np.take_along_axis(log_p, labels[:, None], axis=1).squeeze(1)
    pt = np.exp(log_pt)
    return np.mean(-((1 - pt) ** gamma) * log_pt)
''', "focal_loss", lambda: [_normal(1447, 5, 4), np.array([0, 3, 1, 2, 1])], {"wrt": [0]}),

"center_loss_index_rows": ('''
import numpy as np

def center_loss(features, centers, labels, lam=0.5):
    diff = features - centers[labels]
    return lam * 0.5 * np.sum(diff ** 2) / features.shape[0]
''', "center_loss", lambda: [_normal(1448, 6, 3), _normal(1449, 3, 3), np.array([0, 2, 1, 1, 0, 2])],
    {"wrt": [0, 1]}),

"gumbel_softmax_given_noise": ('''
import numpy as np

def gumbel_softmax_sample(logits, u, tau=0.5):
    """Relaxed one-hot sample from uniform noise u (same shape as logits)."""
    g = -np.log(-np.log(u))
    y = (logits + g) / tau
    y = y - np.max(y, axis=-1, keepdims=True)
    e = np.exp(y)
    return e / np.sum(e, axis=-1, keepdims=True)

def expected_reward(logits, u, rewards):
    return np.sum(gumbel_softmax_sample(logits, u) * rewards)
''', "expected_reward", lambda: [_normal(1450, 3, 4), _rng(1451).uniform(0.05, 0.95, (3, 4)), _normal(1452, 3, 4)],
    {"wrt": [0]}),
"conv1d_convolve_docstring_lengths": ('''
import numpy as np

def conv1d_relu_energy(x, w, b):
    """
    A 1-D convolutional unit: the filter slid along the signal, a ReLU, the energy of the result.

    Inputs:
    - x: input signal, of shape (N,)
    - w: filter, of shape (K,)
    - b: (float) bias
    """
    out = np.convolve(x, w[::-1], mode='valid') + b
    return np.sum(np.maximum(out, 0) ** 2)
''', "conv1d_relu_energy", lambda: [_normal(1460, 9), _normal(1461, 3), 0.1]),
"work_trapezoid_spring_profile": ('''
import numpy as np

def work_done(k, x_max, c=0.3, n=41):
    """Work of a nonlinear spring force F = k x + c x**3 from 0 to x_max (trapezoidal rule)."""
    x = np.linspace(0.0, 1.0, n) * x_max
    F = k * x + c * x ** 3
    return np.trapezoid(F, x)
''', "work_done", lambda: [2.0, 0.8]),
"matched_filter_correlate": ('''
import numpy as np

def matched_filter_loss(template, signal, target_lag=4):
    """Cross-correlate a template with a signal; a softmax over lags should peak at the target lag."""
    t = template - template.mean()
    t = t / np.sqrt(np.sum(t ** 2))
    scores = np.correlate(signal, t, mode='valid')
    scores = scores - scores.max()
    log_p = scores - np.log(np.sum(np.exp(scores)))
    return -log_p[target_lag]
''', "matched_filter_loss", lambda: [_normal(1470, 4), _normal(1471, 12)]),
"three_body_math_hypot_dist": ('''
import math

def potential(x1, y1, z1, x2, y2, z2, m1=1.0, m2=2.0, m3=0.5, G=1.0):
    """Potential energy of three bodies, the third fixed at the origin: distances by math.hypot and math.dist."""
    r12 = math.dist((x1, y1, z1), (x2, y2, z2))
    r13 = math.hypot(x1, y1, z1)
    r23 = math.hypot(x2, y2, z2)
    return -G * math.fsum([m1 * m2 / r12, m1 * m3 / r13, m2 * m3 / r23])
''', "potential", lambda: [1.0, 0.2, -0.3, -0.5, 1.1, 0.4]),
# ----------------------------------------------------------------------------- a further batch
"affine_row_reshape_bias_row": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    out = None
    x_row = x.reshape(x.shape[0], -1)
    out = np.dot(x_row, w) + b.reshape(1, -1)
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(1500, 3, 2, 3), _normal(1501, 6, 4), _normal(1502, 4)]),

"relu_where_zero": ('''
import numpy as np

def relu_forward(x):
    """
    Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: Inputs, of any shape
    """
    out = np.where(x > 0, x, 0)
    cache = x
    return out, cache
''', "relu_forward", lambda: [_normal(1503, 4, 5)]),

"softmax_loss_probs_minus_one": ('''
import numpy as np

def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
      class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C
    """
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''', "softmax_loss", lambda: [_normal(1504, 5, 4), np.array([1, 0, 3, 2, 2])], {"wrt": [0]}),

"svm_naive_continue_scores_row": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.
    """
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
''', "svm_loss_naive", lambda: [_normal(1505, 4, 3) * 0.1, _normal(1506, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1],
    {"wrt": [0]}),

"softmax_naive_f_shift": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        f = X[i].dot(W)
        f -= np.max(f)
        p = np.exp(f) / np.sum(np.exp(f))
        loss += -np.log(p[y[i]])
        for j in range(num_classes):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    loss /= num_train
    dW /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W
    return loss, dW
''', "softmax_loss_naive", lambda: [_normal(1507, 4, 3) * 0.1, _normal(1508, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1],
    {"wrt": [0]}),

"svm_vectorized_newaxis_delta": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg, delta=1.0):
    num_train = X.shape[0]
    scores = X @ W
    correct_class_scores = scores[np.arange(num_train), y]
    margins = np.maximum(0, scores - correct_class_scores[:, np.newaxis] + delta)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train
    loss += reg * np.sum(W ** 2)
    return loss
''', "svm_loss_vectorized", lambda: [_normal(1509, 4, 3) * 0.1, _normal(1510, 6, 4), np.array([0, 2, 1, 1, 0, 2]),
                                    0.05], {"wrt": [0]}),

"batchnorm_get_defaults_raise": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance.
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        sample_mean = x.mean(axis=0)
        sample_var = x.var(axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, sample_mean, sample_var, gamma, eps)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(1511, 5, 3), _normal(1512, 3), _normal(1513, 3), {"mode": "train"}]),

"layernorm_via_transpose_stats": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = xn * gamma + beta
    cache = (xc, std, xn, gamma)
    return out, cache
''', "layernorm_forward", lambda: [_normal(1514, 4, 5), _normal(1515, 5), _normal(1516, 5), {}]),

"dropout_mask_in_param": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    """Inverted dropout with the mask given in dropout_param (for gradient checks)."""
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    out = None
    if mode == "train":
        mask = dropout_param["mask"] / p
        out = x * mask
    elif mode == "test":
        out = x
    cache = (dropout_param, mask)
    return out, cache
''', "dropout_forward", lambda: [_normal(1517, 4, 5), {"p": 0.5, "mode": "train",
                                                       "mask": (_rng(1518).random((4, 5)) < 0.5).astype(float)}]),

"rnn_forward_list_array_transpose": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    N, T, D = x.shape
    hs = []
    caches = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        hs.append(prev_h)
        caches.append(step_cache)
    h = np.array(hs).transpose(1, 0, 2)
    cache = caches
    return h, cache
''', "rnn_forward", lambda: [_normal(1519, 2, 3, 4), _normal(1520, 2, 5), _normal(1521, 4, 5) * 0.3,
                             _normal(1522, 5, 5) * 0.3, _normal(1523, 5)]),

"two_layer_net_loss_dict_range_y": ('''
import numpy as np

def loss(params, X, y=None, reg=0.0):
    """
    Compute the loss and gradients for a two layer fully connected neural network.

    Inputs:
    - X: Input data of shape (N, D). Each X[i] is a training sample.
    - y: Vector of training labels.
    - reg: Regularization strength.
    """
    W1, b1 = params['W1'], params['b1']
    W2, b2 = params['W2'], params['b2']
    N, D = X.shape

    scores = None
    h1 = np.maximum(0, X.dot(W1) + b1)
    scores = h1.dot(W2) + b2
    if y is None:
        return scores

    exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(N), y])
    data_loss = np.sum(correct_logprobs) / N
    reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    return loss
''', "loss", lambda: [{"W1": _normal(1525, 4, 5), "b1": _normal(1526, 5), "W2": _normal(1527, 5, 3),
                      "b2": _normal(1528, 3)}, _normal(1529, 6, 4), np.array([0, 1, 2, 2, 1, 0]), 0.1],
    {"wrt": [0]}),

"fc_net_str_keys_loop": ('''
import numpy as np

def fc_scores(params, X, num_layers):
    """Scores of a fully connected net with ReLUs; params['W1'], ..., params['W%d' % num_layers]."""
    h = X.reshape(X.shape[0], -1)
    for i in range(1, num_layers):
        W, b = params['W' + str(i)], params['b' + str(i)]
        h = np.maximum(0, h @ W + b)
    W, b = params['W' + str(num_layers)], params['b' + str(num_layers)]
    return np.sum((h @ W + b) ** 2)
''', "fc_scores", lambda: [{"W1": _normal(1530, 4, 5), "b1": _normal(1531, 5), "W2": _normal(1532, 5, 5),
                           "b2": _normal(1533, 5), "W3": _normal(1534, 5, 2), "b3": _normal(1535, 2)},
                          _normal(1536, 3, 2, 2), 3], {"wrt": [0, 1]}),

"sigmoid_stable_where_two_exps": ('''
import numpy as np

def sigmoid(x):
    """A numerically stable version of the logistic sigmoid function."""
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)

def bce(w, X, y):
    p = sigmoid(X.dot(w))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "bce", lambda: [_normal(1537, 3), _normal(1538, 8, 3), (_rng(1539).random(8) > 0.5).astype(float)],
    {"wrt": [0]}),

"lstm_step_slices_H_times": ('''
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
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, 0:H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:4 * H])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(1540, 2, 3), _normal(1541, 2, 2), _normal(1542, 2, 2),
                                   _normal(1543, 3, 8) * 0.5, _normal(1544, 2, 8) * 0.5, _normal(1545, 8)]),

"word_embedding_docstring_N_T": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    Inputs:
    - x: Integer array of shape (N, T) giving indices of words. Each element idx
      of x muxt be in the range 0 <= idx < V.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.
    """
    out, cache = None, None
    out = W[x, :]
    cache = (x, W.shape)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [2, 3, 3]]), _normal(1546, 5, 4)], {"wrt": [1]}),

"conv_relu_pool_scores_tensordot": ('''
import numpy as np

def conv_valid(x, w, b):
    """x: (N, C, H, W), w: (F, C, HH, WW), stride 1, no padding."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = H - HH + 1
    W_out = W - WW + 1
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i:i + HH, j:j + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out

def loss(x, w, b, w2):
    a = np.maximum(conv_valid(x, w, b), 0)
    pooled = a.mean(axis=(2, 3))
    return np.sum(np.tanh(pooled @ w2))
''', "loss", lambda: [_normal(1547, 2, 2, 4, 4), _normal(1548, 3, 2, 2, 2) * 0.5, _normal(1549, 3), _normal(1550, 3, 2)]),

"max_pool_argmax_unravel_free": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions
    """
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            hs, ws = i * stride, j * stride
            out[:, :, i, j] = np.max(x[:, :, hs:hs + ph, ws:ws + pw], axis=(2, 3))
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(1551, 2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}]),

"affine_relu_dropout_mask_chain": ('''
import numpy as np

def affine_relu_dropout(x, w, b, mask, p=0.5):
    """An affine layer, a ReLU, inverted dropout with a fixed mask; returns the squared sum."""
    h = x.reshape(x.shape[0], np.prod(x.shape[1:])).dot(w) + b
    h = h * (h > 0)
    h *= mask / p
    return np.sum(h ** 2)
''', "affine_relu_dropout", lambda: [_normal(1552, 3, 2, 2), _normal(1553, 4, 5), _normal(1554, 5),
                                     (_rng(1555).random((3, 5)) < 0.5).astype(float)], {"wrt": [0, 1, 2]}),

"svm_one_vs_all_margins_reshape": ('''
import numpy as np

def multiclass_svm(x, y):
    """x: scores of shape (N, C); y: labels of shape (N,)."""
    N = x.shape[0]
    correct = x[np.arange(N), y].reshape(N, 1)
    margins = np.maximum(0.0, x - correct + 1.0)
    margins[np.arange(N), y] = 0.0
    return np.mean(np.sum(margins, axis=1))
''', "multiclass_svm", lambda: [_normal(1556, 5, 4), np.array([0, 3, 1, 2, 1])], {"wrt": [0]}),

"spatial_batchnorm_moveaxis": ('''
import numpy as np

def spatial_batchnorm(x, gamma, beta, eps=1e-5):
    """x: (N, C, H, W); gamma, beta: (C,)."""
    N, C, H, W = x.shape
    x_flat = np.moveaxis(x, 1, -1).reshape(-1, C)
    mu = x_flat.mean(axis=0)
    var = x_flat.var(axis=0)
    y = (x_flat - mu) / np.sqrt(var + eps) * gamma + beta
    return np.moveaxis(y.reshape(N, H, W, C), -1, 1)
''', "spatial_batchnorm", lambda: [_normal(1557, 2, 3, 2, 2), _normal(1558, 3), _normal(1559, 3)]),

"captioning_loss_embed_loop_list": ('''
import numpy as np

def caption_loss(features, captions_in, captions_out, W_proj, b_proj, W_embed, Wx, Wh, b, W_vocab, b_vocab):
    """A vanilla-RNN captioning loss; the hidden states in a list, the scores per step."""
    mask = captions_out != 0
    h = features @ W_proj + b_proj
    x = W_embed[captions_in]
    N, T, D = x.shape
    loss = 0.0
    for t in range(T):
        h = np.tanh(x[:, t, :] @ Wx + h @ Wh + b)
        scores = h @ W_vocab + b_vocab
        scores = scores - scores.max(axis=1, keepdims=True)
        log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        loss -= np.sum(log_probs[np.arange(N), captions_out[:, t]] * mask[:, t])
    return loss / N
''', "caption_loss", lambda: [_normal(1560, 2, 3), np.array([[1, 2, 3], [1, 3, 0]]), np.array([[2, 3, 0], [3, 4, 0]]),
                              _normal(1561, 3, 4) * 0.5, _normal(1562, 4), _normal(1563, 5, 2),
                              _normal(1564, 2, 4) * 0.5, _normal(1565, 4, 4) * 0.5, _normal(1566, 4),
                              _normal(1567, 4, 5), _normal(1568, 5)], {"wrt": [0, 3, 4, 5, 6, 7, 8, 9, 10]}),
"autograd_nn_list_tuples_logsumexp_scipy": ('''
import numpy as np
from scipy.special import logsumexp

def neural_net_predict(params, inputs):
    """Implements a deep neural network for classification.
       params is a list of (weights, bias) tuples.
       inputs is an (N x D) matrix.
       returns normalized class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)

def log_posterior(params, inputs, targets, L2_reg=0.1):
    log_prior = -L2_reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(1600, 3, 4), _normal(1601, 4)), (_normal(1602, 4, 2), _normal(1603, 2))],
                               _normal(1604, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]]], {"wrt": [0]}),

"autograd_logreg_sigmoid_tanh": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    # Outputs probability of a label being true according to logistic model.
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    # Training loss is the negative log-likelihood of the training labels.
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))
''', "training_loss", lambda: [_normal(1605, 3), _normal(1606, 4, 3), np.array([1.0, 1.0, 0.0, 1.0])],
    {"wrt": [0]}),

"autograd_bbvi_gaussian_entropy": ('''
import numpy as np

def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = -0.5 * log_sigma ** 2 / 1.35 ** 2
    mu_density = -0.5 * mu ** 2 / np.exp(log_sigma) ** 2 - log_sigma
    return sigma_density + mu_density

def gaussian_entropy(log_std):
    D = log_std.shape[0]
    return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

def variational_objective(mean, log_std, eps, t=0):
    """Provides a stochastic estimate of the variational lower bound."""
    samples = eps * np.exp(log_std) + mean
    lower_bound = gaussian_entropy(log_std) + np.mean(log_density(samples, t))
    return -lower_bound
''', "variational_objective", lambda: [_normal(1607, 2), _normal(1608, 2) * 0.3, _normal(1609, 6, 2)],
    {"wrt": [0, 1]}),

"autograd_mixture_vi_logsumexp_components": ('''
import numpy as np
from scipy.special import logsumexp

def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(-0.5 * ((x - mu) / np.exp(log_std)) ** 2 - log_std - 0.5 * np.log(2 * np.pi), axis=-1)

def variational_log_density(means, log_stds, log_weights, x):
    """Log density of a mixture of diagonal Gaussians, one row per sample."""
    component_log_densities = np.stack([diag_gaussian_log_density(x, means[k], log_stds[k])
                                        for k in range(means.shape[0])], axis=0)
    return logsumexp(component_log_densities + log_weights[:, None], axis=0)

def objective(means, log_stds, log_weights, x):
    return -np.mean(variational_log_density(means, log_stds, log_weights, x))
''', "objective", lambda: [_normal(1610, 3, 2), _normal(1611, 3, 2) * 0.2, _normal(1612, 3), _normal(1613, 5, 2)],
    {"wrt": [0, 1, 2]}),

"autograd_gp_rbf_solve_slogdet": ('''
import numpy as np

def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

def log_marginal_likelihood(params, x, y):
    mean, noise_scale, kernel_params = params[0], np.exp(params[1]) + 0.0001, params[2:]
    cov_y_y = rbf_covariance(kernel_params, x, x) + noise_scale * np.eye(len(y))
    r = y - mean
    sign, logdet = np.linalg.slogdet(cov_y_y)
    return -0.5 * r @ np.linalg.solve(cov_y_y, r) - 0.5 * logdet - 0.5 * len(y) * np.log(2 * np.pi)
''', "log_marginal_likelihood", lambda: [np.array([0.1, -1.0, 0.2, -0.3]), _normal(1614, 5, 2), _normal(1615, 5)],
    {"wrt": [0]}),

"autograd_lstm_hiddens_cells_concat": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def concat_and_multiply(weights, x, h):
    cat_state = np.hstack((x, h, np.ones((x.shape[0], 1))))
    return np.dot(cat_state, weights)

def lstm_loss(change, forget, ingate, outgate, predict, inputs):
    """inputs: (T, N, D); the hidden and cell states start at zero."""
    num_sequences = inputs.shape[1]
    H = predict.shape[0] - 1
    hiddens = np.zeros((num_sequences, H))
    cells = np.zeros((num_sequences, H))
    loss = 0.0
    for t in range(inputs.shape[0]):
        x = inputs[t]
        change_t = np.tanh(concat_and_multiply(change, x, hiddens))
        forget_t = sigmoid(concat_and_multiply(forget, x, hiddens))
        ingate_t = sigmoid(concat_and_multiply(ingate, x, hiddens))
        outgate_t = sigmoid(concat_and_multiply(outgate, x, hiddens))
        cells = cells * forget_t + ingate_t * change_t
        hiddens = outgate_t * np.tanh(cells)
        out = np.hstack((hiddens, np.ones((num_sequences, 1)))) @ predict
        loss = loss + np.sum(out ** 2)
    return loss
''', "lstm_loss", lambda: [_normal(1616, 6, 3) * 0.4, _normal(1617, 6, 3) * 0.4, _normal(1618, 6, 3) * 0.4,
                           _normal(1619, 6, 3) * 0.4, _normal(1620, 4, 2) * 0.4, _normal(1621, 3, 2, 2)],
    {"wrt": [0, 1, 2, 3, 4]}),

"autograd_bnn_unpack_shapes_arg": ('''
import numpy as np

def unpack_layers(weights, shapes):
    num_weight_sets = len(weights)
    for m, n in shapes:
        yield weights[:, :m * n].reshape((num_weight_sets, m, n)), weights[:, m * n:m * n + n].reshape((num_weight_sets, 1, n))
        weights = weights[:, (m + 1) * n:]

def predictions(weights, inputs, shapes=((1, 3), (3, 1))):
    """weights is shape (num_weight_samples x num_weights); inputs is (N x 1)."""
    inputs = np.expand_dims(inputs, 0)
    for W, b in unpack_layers(weights, shapes):
        outputs = np.einsum('mnd,mdo->mno', inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def logprob(weights, inputs, targets, noise_variance=0.1):
    log_prior = -0.5 * np.sum(weights ** 2, axis=1)
    preds = predictions(weights, inputs)
    log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
    return np.sum(log_prior + log_lik)
''', "logprob", lambda: [_normal(1622, 2, 10) * 0.5, _normal(1623, 4, 1), _normal(1624, 4, 1)], {"wrt": [0]}),

"autograd_ode_net_tuple_params_euler": ('''
import numpy as np

def nn_predict(inputs, params):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def odeint_euler(y0, params, dt=0.1, steps=5):
    y = y0
    ys = [y]
    for _ in range(steps):
        y = y + dt * nn_predict(y, params)
        ys.append(y)
    return np.stack(ys)

def ode_loss(params, y0, target):
    pred = odeint_euler(y0, params)
    return np.mean(np.abs(pred[-1] - target) ** 2)
''', "ode_loss", lambda: [[(_normal(1625, 2, 4) * 0.5, _normal(1626, 4) * 0.1), (_normal(1627, 4, 2) * 0.5, _normal(1628, 2) * 0.1)],
                         _normal(1629, 3, 2), _normal(1630, 3, 2)], {"wrt": [0, 1]}),

"autograd_sinusoid_predict_sin": ('''
import numpy as np

def fun(x):
    return np.sin(x)

def taylor_sine(x, n_terms=8):
    ans = 0.0
    term = x
    for i in range(n_terms):
        ans = ans + term
        term = -term * x ** 2 / ((2 * i + 3) * (2 * i + 2))
    return ans

def approx_error(x):
    return np.sum((taylor_sine(x) - fun(x)) ** 2) + np.sum(taylor_sine(x))
''', "approx_error", lambda: [np.linspace(-2.0, 2.0, 7)]),

"autograd_fluid_roll_project_advect_loss": ('''
import numpy as np

def project(vx, vy, iters=5):
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    for k in range(iters):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
                 + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy

def kinetic_after_projection(vx, vy):
    vx, vy = project(vx, vy)
    return 0.5 * np.sum(vx ** 2 + vy ** 2)
''', "kinetic_after_projection", lambda: [_normal(1631, 4, 4), _normal(1632, 4, 4)]),

"autograd_bayes_opt_expected_improvement": ('''
import numpy as np
from scipy.stats import norm

def expected_improvement(mean, std, best):
    """Expected improvement over the best value seen so far (minimisation)."""
    z = (best - mean) / std
    return np.sum((best - mean) * norm.cdf(z) + std * norm.pdf(z))
''', "expected_improvement", lambda: [_normal(1633, 5), _rng(1634).uniform(0.5, 1.5, 5), -0.2]),

"autograd_ica_tanh_logdet": ('''
import numpy as np

def ica_loglik(W, X):
    """Log-likelihood of ICA with a logistic source density: X is (N, D), W is (D, D)."""
    S = X @ W.T
    log_prior = np.sum(-2.0 * np.log(np.cosh(S / 2.0)) - np.log(4.0))
    sign, logabsdet = np.linalg.slogdet(W)
    return log_prior / X.shape[0] + logabsdet
''', "ica_loglik", lambda: [np.eye(3) + 0.2 * _normal(1635, 3, 3), _normal(1636, 6, 3)], {"wrt": [0]}),

"autograd_hmm_forward_logsumexp_loop": ('''
import numpy as np
from scipy.special import logsumexp

def log_normalize(x):
    return x - logsumexp(x, axis=-1, keepdims=True)

def hmm_loglik(pi_params, A_params, B_params, obs):
    log_pi = log_normalize(pi_params)
    log_A = log_normalize(A_params)
    log_B = log_normalize(B_params)
    log_alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, obs[t]]
    return logsumexp(log_alpha)
''', "hmm_loglik", lambda: [_normal(1637, 3), _normal(1638, 3, 3), _normal(1639, 3, 4), np.array([0, 2, 3, 1, 1])],
    {"wrt": [0, 1, 2]}),

"autograd_negbin_gammaln_loglik": ('''
import numpy as np
from scipy.special import gammaln

def negbin_loglike(r, p, x):
    # The likelihood of x under a negative binomial distribution with parameters r, p.
    return gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p)

def fit_objective(log_r, logit_p, data):
    r = np.exp(log_r)
    p = 1.0 / (1.0 + np.exp(-logit_p))
    return -np.sum(negbin_loglike(r, p, data))
''', "fit_objective", lambda: [0.3, -0.2, np.array([0.0, 2.0, 5.0, 1.0, 3.0])], {"wrt": [0, 1]}),

"autograd_convnet_loops_layers_logsoftmax": ('''
import numpy as np

def conv2d_valid(x, k):
    """x: (N, H, W) images, k: (kh, kw) filter."""
    N, H, W = x.shape
    kh, kw = k.shape
    out = np.zeros((N, H - kh + 1, W - kw + 1))
    for a in range(kh):
        for c in range(kw):
            out = out + k[a, c] * x[:, a:a + H - kh + 1, c:c + W - kw + 1]
    return out

def predict_logprob(k, W, x):
    h = np.maximum(conv2d_valid(x, k), 0.0).reshape(x.shape[0], -1)
    logits = h @ W
    return logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))

def nll(k, W, x, labels):
    lp = predict_logprob(k, W, x)
    return -np.mean(np.sum(lp * labels, axis=1))
''', "nll", lambda: [_normal(1640, 2, 2), _normal(1641, 9, 3) * 0.3, _normal(1642, 2, 4, 4), np.eye(3)[[0, 2]]],
    {"wrt": [0, 1]}),
"lorentz_factor_momentum_scalar": ('''
import math

def relativistic_kinetic_energy(m, v, c=299792458.0):
    """Kinetic energy (gamma - 1) m c^2 of a mass m at speed v."""
    if v >= c:
        raise ValueError("speed must be below c")
    gamma = 1.0 / math.sqrt(1.0 - (v / c) ** 2)
    return (gamma - 1.0) * m * c ** 2
''', "relativistic_kinetic_energy", lambda: [2.0, 0.6, 1.0]),

"velocity_addition_doppler": ('''
import math

def add_velocities(u, v, c=1.0):
    return (u + v) / (1 + u * v / c**2)

def doppler_ratio(u, v, c=1.0):
    """Relativistic Doppler factor of a source at the composed speed."""
    beta = add_velocities(u, v, c) / c
    return math.sqrt((1 + beta) / (1 - beta))
''', "doppler_ratio", lambda: [0.3, 0.4]),

"time_dilation_proper_time_array": ('''
import numpy as np

def proper_time(v, dt, c=1.0):
    """Proper time along a path sampled at speeds v (array) with time steps dt."""
    return np.sum(dt * np.sqrt(1.0 - (v / c) ** 2))
''', "proper_time", lambda: [_rng(1700).uniform(0.1, 0.8, 6), _rng(1701).uniform(0.05, 0.2, 6)]),

"schwarzschild_redshift": ('''
import math

G = 6.674e-11
C = 2.998e8

def gravitational_redshift(M, r):
    """z = 1 / sqrt(1 - r_s / r) - 1 with r_s = 2 G M / c^2."""
    r_s = 2 * G * M / C ** 2
    return 1.0 / math.sqrt(1.0 - r_s / r) - 1.0
''', "gravitational_redshift", lambda: [1.989e30, 7.0e3]),

"hohmann_delta_v": ('''
from math import sqrt

def hohmann_delta_v(r1, r2, mu=398600.4418):
    """Total delta-v (km/s) of a Hohmann transfer between circular orbits of radii r1, r2 (km)."""
    a_transfer = (r1 + r2) / 2
    v1 = sqrt(mu / r1)
    v2 = sqrt(mu / r2)
    v_peri = sqrt(mu * (2 / r1 - 1 / a_transfer))
    v_apo = sqrt(mu * (2 / r2 - 1 / a_transfer))
    return abs(v_peri - v1) + abs(v2 - v_apo)
''', "hohmann_delta_v", lambda: [6678.0, 42164.0]),

"kepler_period_vis_viva": ('''
import math

def orbit_summary(r, v, mu=1.0):
    """Semi-major axis from the vis-viva equation, then the period T = 2 pi sqrt(a^3 / mu)."""
    energy = v ** 2 / 2 - mu / r
    a = -mu / (2 * energy)
    T = 2 * math.pi * math.sqrt(a ** 3 / mu)
    return T
''', "orbit_summary", lambda: [1.0, 1.1]),

"orbital_elements_vectors": ('''
import numpy as np

def eccentricity(r, v, mu=1.0):
    """Magnitude of the eccentricity vector from position r and velocity v (3-vectors)."""
    h = np.cross(r, v)
    e_vec = np.cross(v, h) / mu - r / np.linalg.norm(r)
    return np.linalg.norm(e_vec)
''', "eccentricity", lambda: [np.array([1.0, 0.1, 0.0]), np.array([0.05, 1.1, 0.2])]),

"carnot_entropy_ideal_gas": ('''
import math

R = 8.314

def entropy_change(T1, T2, V1, V2, n=1.0, Cv=1.5 * R):
    """Entropy change of n moles of an ideal gas from (T1, V1) to (T2, V2)."""
    return n * Cv * math.log(T2 / T1) + n * R * math.log(V2 / V1)

def carnot_work(Q_h, T_h, T_c):
    efficiency = 1 - T_c / T_h
    return efficiency * Q_h
''', "entropy_change", lambda: [300.0, 450.0, 0.02, 0.035]),

"einstein_solid_heat_capacity": ('''
import numpy as np

def heat_capacity(T, theta_E, N=1.0, k=1.0):
    """Einstein model: C = 3 N k x^2 e^x / (e^x - 1)^2 with x = theta_E / T; T an array of temperatures."""
    x = theta_E / T
    return np.sum(3 * N * k * x**2 * np.exp(x) / np.expm1(x) ** 2)
''', "heat_capacity", lambda: [np.array([50.0, 100.0, 200.0, 400.0]), 150.0]),

"fermi_dirac_occupation_sum": ('''
import numpy as np

def electron_count(energies, mu, kT):
    """Number of electrons: sum of Fermi-Dirac occupations of the levels."""
    return np.sum(1.0 / (np.exp((energies - mu) / kT) + 1.0))

def count_error(mu, energies, kT, N_target=3.0):
    return (electron_count(energies, mu, kT) - N_target) ** 2
''', "count_error", lambda: [0.4, np.linspace(-1.0, 2.0, 7), 0.3], {"wrt": [0, 2]}),

"partition_function_log_sum_exp_levels": ('''
import numpy as np

def helmholtz(levels, degeneracy, kT):
    """F = -kT log Z for levels with degeneracies; log Z computed stably."""
    a = np.log(degeneracy) - levels / kT
    a_max = a.max()
    log_Z = a_max + np.log(np.sum(np.exp(a - a_max)))
    return -kT * log_Z
''', "helmholtz", lambda: [np.array([0.0, 0.5, 1.1, 2.0]), np.array([1.0, 3.0, 5.0, 7.0]), 0.7], {"wrt": [0, 2]}),

"stefan_boltzmann_planck_integral": ('''
import numpy as np

H = 6.626e-34
C = 3.0e8
KB = 1.381e-23

def band_power(T, lam_lo=4e-7, lam_hi=7e-7, n=50):
    """Visible-band radiance of a black body at temperature T (midpoint rule over wavelength)."""
    edges = np.linspace(lam_lo, lam_hi, n + 1)
    lam = 0.5 * (edges[1:] + edges[:-1])
    dlam = edges[1] - edges[0]
    B = 2 * H * C**2 / lam**5 / (np.exp(H * C / (lam * KB * T)) - 1)
    return np.sum(B) * dlam
''', "band_power", lambda: [5800.0]),

"van_der_waals_isotherm_work": ('''
import numpy as np

def vdw_work(V1, V2, T, a=0.364, b=4.27e-5, n=1.0, R=8.314, steps=200):
    """Work done by a van der Waals gas expanding from V1 to V2 at temperature T (trapezoid rule)."""
    V = np.linspace(V1, V2, steps)
    P = n * R * T / (V - n * b) - a * n**2 / V**2
    return np.sum(0.5 * (P[1:] + P[:-1]) * np.diff(V))
''', "vdw_work", lambda: [0.001, 0.003, 300.0]),

"clausius_clapeyron_fit": ('''
import numpy as np

def vapor_pressure_residual(L, P0, T, P_obs, T0=373.15, R=8.314):
    """Squared log residuals of P = P0 exp(-L/R (1/T - 1/T0)) against observed pressures."""
    P = P0 * np.exp(-L / R * (1.0 / T - 1.0 / T0))
    return np.sum((np.log(P) - np.log(P_obs)) ** 2)
''', "vapor_pressure_residual", lambda: [40000.0, 101325.0, np.array([330.0, 350.0, 370.0, 390.0]),
                                         np.array([17000.0, 41000.0, 90000.0, 180000.0])], {"wrt": [0, 1]}),

"lj_pairs_np_linalg_norm_axis": ('''
import numpy as np

def lj_energy(pos, epsilon=1.0, sigma=1.0):
    """Lennard-Jones energy of a cluster: all pairs i < j through the upper triangle of the distance matrix."""
    n = len(pos)
    diff = pos[:, np.newaxis, :] - pos[np.newaxis, :, :]
    r = np.linalg.norm(diff, axis=-1)
    iu = np.triu_indices(n, k=1)
    sr6 = (sigma / r[iu]) ** 6
    return np.sum(4 * epsilon * (sr6 ** 2 - sr6))
''', "lj_energy", lambda: [np.array([[0.0, 0.0, 0.0], [1.1, 0.1, 0.0], [0.3, 1.2, 0.1], [0.9, 0.8, 0.9]])]),

"morse_bond_chain_diff": ('''
import numpy as np

def morse_chain(x, D_e=4.7, a=1.9, r_e=0.74):
    """Morse energy of the bonds of a linear chain with positions x (n, 3)."""
    bonds = np.diff(x, axis=0)
    r = np.sqrt(np.sum(bonds * bonds, axis=1))
    return np.sum(D_e * (1 - np.exp(-a * (r - r_e))) ** 2)
''', "morse_chain", lambda: [np.cumsum(np.full((4, 3), 0.45), axis=0) + 0.05 * _normal(1702, 4, 3)]),

"coulomb_double_loop_math_sqrt": ('''
import math

def coulomb_energy(xs, ys, qs, k=8.9875e9):
    """Electrostatic energy of point charges in the plane, coordinates in lists."""
    U = 0.0
    n = len(qs)
    for i in range(n):
        for j in range(i + 1, n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            U += k * qs[i] * qs[j] / math.sqrt(dx * dx + dy * dy)
    return U
''', "coulomb_energy", lambda: [[0.0, 1.0, 0.3], [0.0, 0.2, 1.1], [1e-9, -2e-9, 1.5e-9]], {"wrt": [0, 1]}),

"nbody_accelerations_einsum_kinetic": ('''
import numpy as np

def total_energy(pos, vel, mass, G=1.0, soft=0.05):
    """Kinetic plus potential energy of N bodies; pairs counted once (the factor 1/2)."""
    KE = 0.5 * np.einsum('i,ij,ij->', mass, vel, vel)
    dx = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(dx ** 2, axis=-1) + soft ** 2)
    pair = mass[:, None] * mass[None, :] / r
    PE = -0.5 * G * (np.sum(pair) - np.sum(np.diag(pair)))
    return KE + PE
''', "total_energy", lambda: [_normal(1703, 4, 3), _normal(1704, 4, 3), _rng(1705).uniform(0.5, 2.0, 4)]),

"spring_grid_2d_norm": ('''
import numpy as np

def spring_grid_energy(P, k=10.0, L0=1.0):
    """Energy of a grid of masses joined by springs to their right and lower neighbours; P is (ny, nx, 2)."""
    dx = P[:, 1:] - P[:, :-1]
    dy = P[1:, :] - P[:-1, :]
    Ex = 0.5 * k * np.sum((np.linalg.norm(dx, axis=-1) - L0) ** 2)
    Ey = 0.5 * k * np.sum((np.linalg.norm(dy, axis=-1) - L0) ** 2)
    return Ex + Ey
''', "spring_grid_energy", lambda: [np.stack(np.meshgrid(np.arange(3.0), np.arange(3.0)), axis=-1) * 1.1
                                    + 0.05 * _normal(1706, 3, 3, 2)]),

"pendulum_rk4_tuple_state": ('''
import math

def derivs(theta, omega, g, L):
    return omega, -(g / L) * math.sin(theta)

def swing(theta0, omega0, g=9.81, L=1.0, dt=0.01, steps=50):
    """Angle after `steps` RK4 steps of a simple pendulum."""
    th, om = theta0, omega0
    for _ in range(steps):
        k1t, k1o = derivs(th, om, g, L)
        k2t, k2o = derivs(th + 0.5 * dt * k1t, om + 0.5 * dt * k1o, g, L)
        k3t, k3o = derivs(th + 0.5 * dt * k2t, om + 0.5 * dt * k2o, g, L)
        k4t, k4o = derivs(th + dt * k3t, om + dt * k3o, g, L)
        th += dt / 6 * (k1t + 2 * k2t + 2 * k3t + k4t)
        om += dt / 6 * (k1o + 2 * k2o + 2 * k3o + k4o)
    return th
''', "swing", lambda: [0.5, 0.1, 9.81, 1.2]),

"ising_mean_field_self_consistent": ('''
import numpy as np

def mean_field_magnetization(J, h, beta=1.0, z=4, iters=30):
    """Iterate m = tanh(beta (z J m + h)) from m = 0.5."""
    m = 0.5
    for _ in range(iters):
        m = np.tanh(beta * (z * J * m + h))
    return m
''', "mean_field_magnetization", lambda: [0.2, 0.1]),

"ising_2d_local_field_slices": ('''
import numpy as np

def ising_energy(s, J=1.0, h=0.1):
    """Energy of a continuous-spin 2-D Ising lattice with open boundaries."""
    E_bonds = -J * (np.sum(s[1:, :] * s[:-1, :]) + np.sum(s[:, 1:] * s[:, :-1]))
    return E_bonds - h * np.sum(s)
''', "ising_energy", lambda: [np.tanh(_normal(1707, 4, 5))]),

"heat_stencil_out_copy_boundaries": ('''
import numpy as np

def heat_explicit(u0, kappa, dx=0.1, dt=0.002, nt=10):
    """Explicit FTCS for u_t = kappa u_xx with fixed ends; a fresh array each step."""
    u = u0.copy()
    r = kappa * dt / dx**2
    for n in range(nt):
        un = u.copy()
        u[1:-1] = un[1:-1] + r * (un[2:] - 2 * un[1:-1] + un[:-2])
    return np.sum(u ** 2)
''', "heat_explicit", lambda: [np.sin(np.linspace(0, np.pi, 9)) + 0.1 * _normal(1708, 9), 1.5]),

"diffusion_2d_np_pad_edge": ('''
import numpy as np

def diffuse(c, D, dt=0.01, steps=3):
    """2-D diffusion with zero-flux boundaries through edge padding."""
    for _ in range(steps):
        cp = np.pad(c, 1, mode='edge')
        lap = cp[:-2, 1:-1] + cp[2:, 1:-1] + cp[1:-1, :-2] + cp[1:-1, 2:] - 4 * c
        c = c + D * dt * lap
    return np.sum(c ** 3)
''', "diffuse", lambda: [_rng(1709).uniform(0.5, 1.5, (4, 5)), 2.0]),

"rotation_matrix_points_energy": ('''
import numpy as np

def rotate(points, theta):
    c, s = np.cos(theta), np.sin(theta)
    R = np.array([[c, -s], [s, c]])
    return points @ R.T

def alignment_error(theta, points, target):
    """Squared error of points rotated by theta against the target points."""
    return np.sum((rotate(points, theta) - target) ** 2)
''', "alignment_error", lambda: [0.3, _normal(1710, 5, 2), _normal(1711, 5, 2)], {"wrt": [0, 1]}),

"rodrigues_rotation_cross": ('''
import numpy as np

def rodrigues(v, k, theta):
    """Rotate vector v about the unit axis k by angle theta (Rodrigues' formula)."""
    k = k / np.linalg.norm(k)
    return v * np.cos(theta) + np.cross(k, v) * np.sin(theta) + k * np.dot(k, v) * (1 - np.cos(theta))

def rotated_height(v, k, theta):
    return rodrigues(v, k, theta)[2]
''', "rotated_height", lambda: [np.array([1.0, 0.5, -0.2]), np.array([0.3, 1.0, 0.4]), 0.7]),

"rigid_body_kinetic_quadratic": ('''
import numpy as np

def rotational_ke(omega, I):
    """Rotational kinetic energy 0.5 * omega^T I omega."""
    return 0.5 * omega @ I @ omega

def total_ke(m, v, omega, I):
    return 0.5 * m * v.dot(v) + rotational_ke(omega, I)
''', "total_ke", lambda: [2.0, np.array([0.3, -0.2, 1.0]), np.array([0.1, 0.5, -0.4]),
                          np.array([[2.0, 0.1, 0.0], [0.1, 1.5, 0.2], [0.0, 0.2, 1.0]])]),

"magnetic_dipole_pair_energy": ('''
import numpy as np

MU0_4PI = 1e-7

def dipole_energy(m1, m2, r):
    """Interaction energy of two magnetic dipoles m1, m2 separated by r (3-vectors)."""
    d = np.linalg.norm(r)
    r_hat = r / d
    return MU0_4PI / d**3 * (np.dot(m1, m2) - 3 * np.dot(m1, r_hat) * np.dot(m2, r_hat))
''', "dipole_energy", lambda: [np.array([0.1, 0.2, 1.0]), np.array([0.0, -0.5, 0.8]), np.array([0.3, 0.1, 0.2])]),

"double_well_langevin_free_path": ('''
import numpy as np

def potential(x, a=1.0, b=0.25):
    return a * x**4 - 2 * b * x**2

def force(x, a=1.0, b=0.25):
    return -(4 * a * x**3 - 4 * b * x)

def overdamped_path(x0, noise, dt=0.01, gamma=1.0):
    """Overdamped dynamics with a given noise sequence; the final potential energy."""
    x = x0
    for xi in noise:
        x = x + dt / gamma * force(x) + np.sqrt(2 * dt / gamma) * xi
    return potential(x)
''', "overdamped_path", lambda: [0.6, list(0.3 * _normal(1712, 8))], {"wrt": [0]}),

"quantum_harmonic_expectation": ('''
import numpy as np

def ground_state_energy(alpha, x, m=1.0, omega=1.0, hbar=1.0):
    """Variational energy of the trial wavefunction exp(-alpha x^2) on a grid (finite differences)."""
    dx = x[1] - x[0]
    psi = np.exp(-alpha * x ** 2)
    d2psi = (psi[2:] - 2 * psi[1:-1] + psi[:-2]) / dx ** 2
    kinetic = -hbar ** 2 / (2 * m) * np.sum(psi[1:-1] * d2psi) * dx
    potential = np.sum(0.5 * m * omega ** 2 * x ** 2 * psi ** 2) * dx
    norm = np.sum(psi ** 2) * dx
    return (kinetic + potential) / norm
''', "ground_state_energy", lambda: [0.7, np.linspace(-5, 5, 101)], {"wrt": [0]}),

"escape_reduced_mass_scalar": ('''
import math

def binding_energy(m1, m2, r, v_rel, G=6.674e-11):
    """Energy of a two-body system in its centre of mass frame."""
    mu = m1 * m2 / (m1 + m2)
    return 0.5 * mu * v_rel ** 2 - G * m1 * m2 / r

def escapes(m1, m2, r, v_rel):
    return math.tanh(binding_energy(m1, m2, r, v_rel) / 1e20)
''', "escapes", lambda: [5.97e24, 7.35e22, 3.84e8, 1.0e3]),

"projectile_drag_vector_euler": ('''
import numpy as np

def trajectory_end(v0, k, g=9.81, dt=0.01, steps=100):
    """Position after `steps` Euler steps of a projectile with quadratic drag; v0 a 2-vector."""
    r = np.zeros(2)
    v = np.asarray(v0, dtype=float)
    gvec = np.array([0.0, -g])
    for _ in range(steps):
        speed = np.linalg.norm(v)
        a = gvec - k * speed * v
        r = r + v * dt
        v = v + a * dt
    return r[0] + 0.1 * r[1]
''', "trajectory_end", lambda: [np.array([10.0, 8.0]), 0.02]),

"thermal_conduction_series_resistances": ('''
import numpy as np

def heat_flux(k, thickness, T_hot, T_cold, area=1.0):
    """Heat flow through layers in series: q = A dT / sum(L_i / k_i)."""
    R_total = np.sum(thickness / (k * area))
    return (T_hot - T_cold) / R_total
''', "heat_flux", lambda: [np.array([0.8, 0.04, 1.7]), np.array([0.1, 0.05, 0.02]), 310.0, 260.0]),
"type_hints_assert_ndim_logaddexp": ('''
import numpy as np

def logistic_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float = 0.1) -> float:
    """Mean logistic loss with labels in {-1, +1}, written with np.logaddexp."""
    assert X.ndim == 2, "X must be a matrix"
    assert X.shape[1] == w.shape[0]
    margins = y * (X @ w)
    return float(np.mean(np.logaddexp(0.0, -margins)) + 0.5 * lam * np.dot(w, w))
''', "logistic_loss", lambda: [_normal(1800, 3), _normal(1801, 7, 3), np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0])],
    {"wrt": [0]}),

"raise_value_error_shape_check": ('''
import numpy as np

def weighted_mse(pred, target, weights):
    if pred.shape != target.shape:
        raise ValueError(f"shape mismatch: {pred.shape} vs {target.shape}")
    if np.any(weights < 0):
        raise ValueError("weights must be non-negative")
    return np.sum(weights * (pred - target) ** 2) / np.sum(weights)
''', "weighted_mse", lambda: [_normal(1802, 6), _normal(1803, 6), _rng(1804).uniform(0.1, 1.0, 6)]),

"math_fsum_generator_fractional_power": ('''
import math

def generalized_mean(xs, p=2.5):
    """The power mean (sum x_i^p / n)^(1/p) of positive numbers."""
    n = len(xs)
    return (math.fsum(x ** p for x in xs) / n) ** (1.0 / p)
''', "generalized_mean", lambda: [[0.5, 1.2, 2.0, 3.1]]),

"log1p_exp_softplus_norm_ord": ('''
import numpy as np

def objective(w, X, y, lam=0.05):
    """Logistic loss via log1p(exp(-m)) for labels {-1, 1} plus an L1 penalty by np.linalg.norm(w, 1)."""
    m = y * X.dot(w)
    return np.mean(np.log1p(np.exp(-m))) + lam * np.linalg.norm(w, 1)
''', "objective", lambda: [_normal(1805, 4), _normal(1806, 6, 4), np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])],
    {"wrt": [0]}),

"einsum_ij_jk_tensordot_axes1": ('''
import numpy as np

def two_layer(x, W1, W2):
    h = np.einsum('ij,jk->ik', x, W1)
    h = np.maximum(h, 0.01 * h)
    out = np.tensordot(h, W2, axes=1)
    return np.sum(out ** 2) / x.shape[0]
''', "two_layer", lambda: [_normal(1807, 4, 3), _normal(1808, 3, 5), _normal(1809, 5, 2)]),

"norm_keepdims_normalize_rows_cosine": ('''
import numpy as np

def cosine_logits(X, W, s=10.0):
    """Scaled cosine similarities between rows of X and columns of W (normalised face-recognition style)."""
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    Wn = W / np.linalg.norm(W, axis=0, keepdims=True)
    return s * Xn @ Wn

def cosface_loss(X, W, y, m=0.35, s=10.0):
    logits = cosine_logits(X, W, s)
    N = X.shape[0]
    logits[np.arange(N), y] -= s * m
    logits = logits - logits.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(N), y])
''', "cosface_loss", lambda: [_normal(1810, 5, 3), _normal(1811, 3, 4), np.array([0, 3, 1, 2, 1])], {"wrt": [0, 1]}),

"tuple_unpack_params_minmax_helper": ('''
import numpy as np

def unpack(params):
    W, b = params
    return W, b

def hinge(params, X, y):
    W, b = unpack(params)
    scores = X @ W + b
    return np.mean(np.maximum(0.0, 1.0 - y * scores)) + 0.5 * np.sum(W ** 2)
''', "hinge", lambda: [(_normal(1812, 3), 0.2), _normal(1813, 6, 3), np.array([1.0, -1.0, 1.0, 1.0, -1.0, 1.0])],
    {"wrt": [0]}),

"zeros_like_loop_cumulative_state": ('''
import numpy as np

def exponential_smoothing_loss(x, alpha):
    """s_t = alpha x_t + (1 - alpha) s_{t-1}; the one-step-ahead squared error."""
    s = np.zeros_like(x)
    s[0] = x[0]
    for t in range(1, len(x)):
        s[t] = alpha * x[t] + (1 - alpha) * s[t - 1]
    return np.sum((x[1:] - s[:-1]) ** 2)
''', "exponential_smoothing_loss", lambda: [_normal(1814, 8), 0.4]),

"scipy_logsumexp_b_weights": ('''
import numpy as np
from scipy.special import logsumexp

def log_mixture(x, mus, log_w, sigma=1.0):
    """log sum_k w_k N(x | mu_k, sigma^2) for each x, summed; weights through logsumexp's b."""
    d = (x[:, None] - mus[None, :]) / sigma
    log_pdf = -0.5 * d ** 2 - np.log(sigma * np.sqrt(2 * np.pi))
    return np.sum(logsumexp(log_pdf, axis=1, b=np.exp(log_w)))
''', "log_mixture", lambda: [_normal(1815, 6), _normal(1816, 3), np.log(np.array([0.2, 0.5, 0.3]))]),

"np_random_free_dropout_mode_branch_loss": ('''
import numpy as np

def forward_loss(X, W1, W2, y, mask=None, mode='train', p=0.8):
    """Two-layer net with dropout on the hidden layer in train mode; the mask given (no randomness)."""
    h = np.maximum(0, X @ W1)
    if mode == 'train':
        h = h * mask / p
    scores = h @ W2
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    return -np.mean(np.log(probs[np.arange(X.shape[0]), y]))
''', "forward_loss", lambda: [_normal(1817, 4, 3), _normal(1818, 3, 5), _normal(1819, 5, 3), np.array([0, 2, 1, 1]),
                              (_rng(1820).random((4, 5)) < 0.8).astype(float)], {"wrt": [0, 1, 2]}),

"batchnorm_mode_eq_test_running_given": ('''
import numpy as np

def bn_loss(x, gamma, beta, bn_param):
    """Batch norm in either mode (running statistics from bn_param in test mode), then a squared sum."""
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    if mode == 'train':
        mu = np.mean(x, axis=0)
        var = np.var(x, axis=0)
    else:
        mu = bn_param['running_mean']
        var = bn_param['running_var']
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return np.sum(out ** 2)
''', "bn_loss", lambda: [_normal(1821, 5, 3), _normal(1822, 3), _normal(1823, 3),
                         {"mode": "test", "running_mean": _normal(1824, 3), "running_var": _rng(1825).uniform(0.5, 2.0, 3)}]),

"cross_entropy_one_hot_eye_fractional": ('''
import numpy as np

def generalized_ce(logits, y, q=0.7):
    """Generalised cross-entropy (1 - p_y^q) / q of softmax probabilities, labels made one-hot by np.eye."""
    Y = np.eye(logits.shape[1])[y]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p_y = np.sum(p * Y, axis=1)
    return np.mean((1 - p_y ** q) / q)
''', "generalized_ce", lambda: [_normal(1826, 5, 4), np.array([0, 3, 1, 2, 2])], {"wrt": [0]}),

"sum_of_squares_python_list_of_arrays_reg": ('''
import numpy as np

def regularized(W1, W2, X, reg=1e-3):
    """A penalty summed over a list of the weights with the builtin sum."""
    out = np.tanh(X.dot(W1)).dot(W2)
    weights = [W1, W2]
    penalty = sum(np.sum(W * W) for W in weights)
    return np.sum(out ** 2) + reg * penalty
''', "regularized", lambda: [_normal(1827, 3, 4), _normal(1828, 4, 2), _normal(1829, 5, 3)], {"wrt": [0, 1]}),

"attention_scaled_sqrt_dk_transpose": ('''
import numpy as np

def softmax(x, axis=-1):
    x = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)

def attention(Q, K, V):
    """Scaled dot-product attention; Q, K, V of shape (T, d)."""
    d_k = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d_k)
    return softmax(scores) @ V

def attn_loss(x, Wq, Wk, Wv):
    out = attention(x @ Wq, x @ Wk, x @ Wv)
    return np.sum(out ** 2)
''', "attn_loss", lambda: [_normal(1830, 4, 3), _normal(1831, 3, 2), _normal(1832, 3, 2), _normal(1833, 3, 2)]),

"gru_sequence_loop_list_mean": ('''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def gru_forward(xs, h0, Wz, Uz, Wr, Ur, Wh, Uh):
    """xs: (T, N, D); returns the mean of the hidden states over time, summed."""
    h = h0
    hs = []
    for x in xs:
        z = sigmoid(x @ Wz + h @ Uz)
        r = sigmoid(x @ Wr + h @ Ur)
        h_tilde = np.tanh(x @ Wh + (r * h) @ Uh)
        h = (1 - z) * h + z * h_tilde
        hs.append(h)
    return np.sum(np.mean(hs, axis=0))
''', "gru_forward", lambda: [_normal(1834, 3, 2, 3), _normal(1835, 2, 4), _normal(1836, 3, 4) * 0.5,
                             _normal(1837, 4, 4) * 0.5, _normal(1838, 3, 4) * 0.5, _normal(1839, 4, 4) * 0.5,
                             _normal(1840, 3, 4) * 0.5, _normal(1841, 4, 4) * 0.5]),

"linear_svm_binary_vectorized_mask_grad": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    """Returns the loss and its gradient dW, computed by masks of the margins."""
    num_train = X.shape[0]
    scores = X.dot(W)
    correct_class_scores = scores[np.arange(num_train), y]
    margins = np.maximum(0, scores - correct_class_scores[:, np.newaxis] + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
    X_mask = np.zeros(margins.shape)
    X_mask[margins > 0] = 1
    incorrect_counts = np.sum(X_mask, axis=1)
    X_mask[np.arange(num_train), y] = -incorrect_counts
    dW = X.T.dot(X_mask) / num_train + 2 * reg * W
    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(1842, 4, 3) * 0.1, _normal(1843, 6, 4), np.array([0, 2, 1, 1, 0, 2]),
                                    0.05], {"wrt": [0]}),

"mlp_params_dict_loop_keys_str_format": ('''
import numpy as np

def mlp_loss(params, X, y, hidden_layers=2):
    """params['W{}'.format(i)] for each layer; a mean squared error at the end."""
    h = X
    for i in range(1, hidden_layers + 1):
        h = np.tanh(h @ params['W{}'.format(i)] + params['b{}'.format(i)])
    out = h @ params['W_out'] + params['b_out']
    return np.mean((out.ravel() - y) ** 2)
''', "mlp_loss", lambda: [{"W1": _normal(1844, 3, 4), "b1": _normal(1845, 4), "W2": _normal(1846, 4, 4),
                          "b2": _normal(1847, 4), "W_out": _normal(1848, 4, 1), "b_out": _normal(1849, 1)},
                         _normal(1850, 5, 3), _normal(1851, 5)], {"wrt": [0]}),

"im2col_stride_tricks_free_conv_loop_reshape": ('''
import numpy as np

def conv_forward_im2col(x, w, b, stride=1, pad=1):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    """
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    cols = np.zeros((N, H_out, W_out, C * HH * WW))
    for i in range(H_out):
        for j in range(W_out):
            patch = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            cols[:, i, j, :] = patch.reshape(N, -1)
    out = cols @ w.reshape(F, -1).T + b
    out = out.transpose(0, 3, 1, 2)
    cache = (x, w, b, stride, pad)
    return out, cache
''', "conv_forward_im2col", lambda: [_normal(1852, 2, 2, 3, 3), _normal(1853, 2, 2, 3, 3), _normal(1854, 2)],
    {"slow": True}),

"log_softmax_take_negative_sampling_free": ('''
import numpy as np

def nll_loss(logits, targets, ignore_index=-1):
    """Mean negative log-likelihood over positions whose target is not ignore_index."""
    logp = logits - np.log(np.sum(np.exp(logits - logits.max(-1, keepdims=True)), -1, keepdims=True)) - logits.max(-1, keepdims=True)
    valid = targets != ignore_index
    safe = np.where(valid, targets, 0)
    picked = np.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
    return -np.sum(picked * valid) / np.sum(valid)
''', "nll_loss", lambda: [_normal(1855, 6, 4), np.array([0, -1, 3, 2, -1, 1])], {"wrt": [0]}),

"kmeans_assign_given_labels_center_update": ('''
import numpy as np

def kmeans_objective(X, centers, labels):
    """Sum of squared distances of points to their assigned centers."""
    total = 0.0
    for k in range(centers.shape[0]):
        members = X[labels == k]
        total += np.sum((members - centers[k]) ** 2)
    return total
''', "kmeans_objective", lambda: [_normal(1856, 7, 2), _normal(1857, 3, 2), np.array([0, 1, 2, 0, 1, 2, 0])],
    {"wrt": [0, 1]}),

"pca_svd_free_power_cov": ('''
import numpy as np

def explained_variance(X, v):
    """Rayleigh quotient of the centred covariance for direction v."""
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / (X.shape[0] - 1)
    return (v @ cov @ v) / (v @ v)
''', "explained_variance", lambda: [_normal(1858, 8, 3), _normal(1859, 3)]),
"adiabatic_work_fractional_power": ('''
def adiabatic_work(P1, V1, P2, gamma=1.4):
    """Work done by an ideal gas expanding adiabatically from (P1, V1) to pressure P2 (bar, m^3: 1e5 J)."""
    V2 = V1 * (P1 / P2) ** (1.0 / gamma)
    return (P1 * V1 - P2 * V2) / (gamma - 1.0)
''', "adiabatic_work", lambda: [3.0, 0.01, 1.0]),

"rocket_equation_math_log_exp": ('''
import math

def final_speed(m0, mf, v_e, burn_time, g=9.81):
    """Tsiolkovsky's equation less gravity losses during a vertical burn (masses in tonnes)."""
    if mf <= 0 or m0 <= mf:
        raise ValueError("need m0 > mf > 0")
    return v_e * math.log(m0 / mf) - g * burn_time
''', "final_speed", lambda: [500.0, 120.0, 3000.0, 150.0]),

"biot_savart_segments_cross_loop": ('''
import numpy as np

def field_at(point, wire, I=1.0, mu0=1.0):
    """Magnetic field of a polyline wire by summing Biot-Savart contributions of its segments' midpoints."""
    B = np.zeros(3)
    for k in range(len(wire) - 1):
        dl = wire[k + 1] - wire[k]
        mid = 0.5 * (wire[k + 1] + wire[k])
        r = point - mid
        B += mu0 * I / (4 * np.pi) * np.cross(dl, r) / np.linalg.norm(r) ** 3
    return B[2]
''', "field_at", lambda: [np.array([0.2, 0.5, 0.3]), np.array([[0.0, 0.0, -1.0], [0.1, 0.0, 0.0], [0.0, 0.1, 1.0]])]),

"ring_potential_math_loop": ('''
import math

def ring_potential(x, y, z, R=1.0, M=1.0, G=1.0, n=24):
    """Gravitational potential of a ring of n point masses in the xy-plane at the point (x, y, z)."""
    phi = 0.0
    for k in range(n):
        a = 2 * math.pi * k / n
        dx = x - R * math.cos(a)
        dy = y - R * math.sin(a)
        phi -= G * (M / n) / math.sqrt(dx * dx + dy * dy + z * z)
    return phi
''', "ring_potential", lambda: [0.3, -0.2, 0.5]),

"debye_energy_midpoint_loop": ('''
import math

def debye_energy(T, theta_D, N=1.0, k=1.0, n=40):
    """Internal energy of a Debye solid, the integral by the midpoint rule in a loop."""
    xD = theta_D / T
    h = xD / n
    total = 0.0
    for i in range(n):
        x = (i + 0.5) * h
        total += x ** 3 / (math.exp(x) - 1.0) * h
    return 9 * N * k * T * (T / theta_D) ** 3 * total
''', "debye_energy", lambda: [120.0, 300.0]),

"square_power_clip_cumsum_losses": ('''
import numpy as np

def returns_loss(w, R, target=0.05, cap=0.3):
    """Clipped portfolio weights, cumulative returns, a squared shortfall and an L1 penalty."""
    w = np.clip(w, -cap, cap)
    r = R @ w
    wealth = np.cumsum(r)
    shortfall = np.maximum(target - wealth, 0.0)
    return np.mean(np.square(shortfall)) + 0.01 * np.sum(np.abs(w)) + np.power(np.sum(w) - 1.0, 2)
''', "returns_loss", lambda: [np.array([0.1, 0.25, -0.2, 0.5]), 0.02 * _normal(1900, 8, 4)], {"wrt": [0]}),

"hstack_vstack_split_squeeze": ('''
import numpy as np

def pair_features(a, b, W):
    """Features [a, b, a * b] stacked, projected, split back into two halves."""
    feats = np.hstack([a, b, a * b])
    both = np.vstack([feats, feats[::-1]])
    out = both @ W
    top, bottom = np.split(out, 2, axis=0)
    return np.sum(np.squeeze(top[..., None] - bottom[..., None], axis=-1) ** 2)
''', "pair_features", lambda: [_normal(1901, 3, 2), _normal(1902, 3, 2), _normal(1903, 6, 4)]),

"batched_einsum_bij_bjk_det": ('''
import numpy as np

def batched_logdet_loss(A, B):
    """log|det(A_i B_i)| summed over a batch of 2x2 products."""
    C = np.einsum('bij,bjk->bik', A, B)
    return np.sum(np.log(np.abs(np.linalg.det(C))))
''', "batched_logdet_loss", lambda: [np.eye(2) + 0.3 * _normal(1904, 3, 2, 2), np.eye(2) + 0.3 * _normal(1905, 3, 2, 2)]),

"outer_trace_inv_quadratic": ('''
import numpy as np

def gaussian_update(mu, P, z, H, R):
    """Kalman measurement update; the trace of the updated covariance plus the squared innovation."""
    S = H @ P @ H.T + R
    K = P @ H.T @ np.linalg.inv(S)
    innovation = z - H @ mu
    mu_new = mu + K @ innovation
    P_new = (np.eye(len(mu)) - K @ H) @ P
    return np.trace(P_new) + np.sum(np.outer(mu_new, mu_new))
''', "gaussian_update", lambda: [_normal(1906, 3), np.eye(3) * 0.5 + 0.1, _normal(1907, 2), _normal(1908, 2, 3),
                                 np.eye(2) * 0.3], {"wrt": [0, 1, 2, 3]}),

"builtin_clamp_min_max_scalar_loop": ('''
def bounded_growth(x0, r, lo=0.0, hi=10.0, steps=20):
    """Logistic-like growth clamped to [lo, hi] with builtin min and max."""
    x = x0
    for _ in range(steps):
        x = min(max(x + r * x * (1 - x / hi), lo), hi)
    return x
''', "bounded_growth", lambda: [0.5, 0.3]),

"enumerate_zip_weighted_layers": ('''
import numpy as np

def weighted_layer_sum(x, Ws, alphas):
    """Sum over layers of alpha_k * ||tanh(x W_k)||^2, the layers and weights zipped and enumerated."""
    total = 0.0
    for k, (W, a) in enumerate(zip(Ws, alphas)):
        total = total + a * np.sum(np.tanh(x @ W) ** 2) / (k + 1)
    return total
''', "weighted_layer_sum", lambda: [_normal(1909, 4, 3), [_normal(1910, 3, 2), _normal(1911, 3, 2)], [0.5, 1.5]],
    {"wrt": [0, 1]}),

"var_ddof_std_zscore_axis0": ('''
import numpy as np

def standardized_loss(X, w, y):
    Xs = (X - X.mean(0)) / X.std(axis=0, ddof=1)
    resid = Xs @ w - y
    return resid @ resid / (2 * len(y)) + np.var(w, ddof=1)
''', "standardized_loss", lambda: [_normal(1912, 7, 3), _normal(1913, 3), _normal(1914, 7)], {"wrt": [0, 1]}),

"conditional_expression_huber_list_comp": ('''
def huber_total(residuals, delta=1.0):
    """Huber loss of a list of residuals with a conditional expression in a list comprehension."""
    return sum([0.5 * r ** 2 if abs(r) <= delta else delta * (abs(r) - 0.5 * delta) for r in residuals])
''', "huber_total", lambda: [[0.3, -1.7, 2.2, -0.4, 0.9]]),

"prod_of_probabilities_geometric_mean": ('''
import numpy as np

def geometric_mean_prob(logits):
    """Geometric mean of softmax probabilities, through np.prod."""
    p = np.exp(logits) / np.exp(logits).sum()
    return np.prod(p) ** (1.0 / p.size)
''', "geometric_mean_prob", lambda: [_normal(1915, 5) * 0.5]),

"inplace_slice_scale_copy_x": ('''
import numpy as np

def scaled_columns(x, s):
    """Scale the first column in place on a copy, then a squared sum."""
    y = x.copy()
    y[:, 0] *= s
    y[:, 1:] += 0.5 * y[:, :1]
    return np.sum(y ** 2)
''', "scaled_columns", lambda: [_normal(1916, 4, 3), 1.3]),
"mask_times_scores_mean_keepdims_norm": ('''
import numpy as np

def masked_cosine_loss(A, B, mask):
    """Cosine similarity of rows, averaged over the rows the mask keeps."""
    An = A / np.linalg.norm(A, axis=-1, keepdims=True)
    Bn = B / np.linalg.norm(B, axis=-1, keepdims=True)
    sims = (An * Bn).sum(-1)
    return -(sims * mask).sum() / mask.sum()
''', "masked_cosine_loss", lambda: [_normal(1950, 5, 3), _normal(1951, 5, 3), np.array([1.0, 0.0, 1.0, 1.0, 0.0])],
    {"wrt": [0, 1]}),

"while_loop_bisection_free_newton_kepler_array": ('''
import numpy as np

def eccentric_anomaly(M, e, iters=6):
    """Newton's method for Kepler's equation E - e sin E = M, elementwise over an array of M."""
    E = M.copy()
    for _ in range(iters):
        E = E - (E - e * np.sin(E) - M) / (1 - e * np.cos(E))
    return np.sum(np.cos(E))
''', "eccentric_anomaly", lambda: [np.array([0.3, 1.1, 2.0, 2.9]), 0.3]),

"augmented_dict_grads_loss_dict_out": ('''
import numpy as np

def loss(params, X, y, reg=0.1):
    """A linear softmax classifier; params a dict with W and b, the loss alone returned."""
    W, b = params['W'], params['b']
    scores = X.dot(W) + b
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    N = X.shape[0]
    data_loss = -np.log(probs[np.arange(N), y]).mean()
    reg_loss = 0.5 * reg * (W ** 2).sum()
    return data_loss + reg_loss
''', "loss", lambda: [{"W": _normal(1952, 4, 3), "b": _normal(1953, 3)}, _normal(1954, 6, 4), np.array([0, 1, 2, 2, 1, 0])],
    {"wrt": [0]}),

"np_diff_append_prepend_curvature": ('''
import numpy as np

def curvature_energy(y, dx=0.1):
    """Bending energy of a sampled curve with free ends: second differences padded by prepend/append."""
    d1 = np.diff(y, prepend=y[0], append=y[-1]) / dx
    d2 = np.diff(d1) / dx
    return 0.5 * np.sum(d2 ** 2) * dx
''', "curvature_energy", lambda: [np.sin(np.linspace(0, 2, 8)) + 0.05 * _normal(1955, 8)]),

"where_piecewise_potential_array": ('''
import numpy as np

def piecewise_potential(r, r_cut=2.5, eps=1.0, sigma=1.0):
    """Shifted Lennard-Jones potential, zero beyond the cutoff, for an array of distances."""
    sr6 = (sigma / r) ** 6
    v = 4 * eps * (sr6 ** 2 - sr6)
    src6 = (sigma / r_cut) ** 6
    v_cut = 4 * eps * (src6 ** 2 - src6)
    return np.sum(np.where(r < r_cut, v - v_cut, 0.0))
''', "piecewise_potential", lambda: [np.array([0.95, 1.1, 1.6, 2.2, 2.7, 3.1])]),

"tuple_return_helper_energy_and_force": ('''
import numpy as np

def spring(x, k):
    e = 0.5 * k * x ** 2
    f = -k * x
    return e, f

def work_and_energy(x, k, dx=0.01):
    e, f = spring(x, k)
    return np.sum(e) - np.sum(f * dx)
''', "work_and_energy", lambda: [_normal(1956, 5), 3.0]),

"chained_comparison_clamped_speed_scalar": ('''
import math

def drag_force(v, rho=1.225, Cd=0.47, A=0.01):
    """Drag on a sphere; a laminar law below a speed, quadratic above (a chained comparison picks)."""
    if 0.0 <= v < 1.0:
        return 6 * math.pi * 1.8e-5 * 0.05 * v
    return 0.5 * rho * Cd * A * v * abs(v)
''', "drag_force", lambda: [3.2]),

"reshape_minus_one_then_transpose_back": ('''
import numpy as np

def channel_norm(x, g, eps=1e-5):
    """x: (N, C, H, W); normalise each channel over N, H, W via a reshape and transpose back."""
    N, C, H, W = x.shape
    xt = x.transpose(1, 0, 2, 3).reshape(C, -1)
    mu = xt.mean(axis=1, keepdims=True)
    var = ((xt - mu) ** 2).mean(axis=1, keepdims=True)
    y = (xt - mu) / np.sqrt(var + eps) * g[:, None]
    return np.sum(y.reshape(C, N, H, W).transpose(1, 0, 2, 3) ** 3)
''', "channel_norm", lambda: [_normal(1957, 2, 3, 2, 2), _normal(1958, 3)]),
# ----------------------------------------------------------------------------- another batch in other words:
# CS231n layers and losses as students write them (TODO markers, docstrings, caches), autograd's examples,
# physics (energies, pair potentials, integrators, finite differences, option prices)
"affine_relu_compose": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: Implement the affine forward pass.                                #
    ###########################################################################
    x_rows = x.reshape(x.shape[0], -1)
    out = x_rows @ w + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = None
    # TODO: Implement the ReLU forward pass.
    out = np.maximum(x, 0)
    cache = x
    return out, cache

def affine_relu_forward(x, w, b):
    """Convenience layer that performs an affine transform followed by a ReLU."""
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache

def affine_relu_backward(dout, cache):
    """Backward pass for the affine-relu convenience layer"""
    fc_cache, relu_cache = cache
    pass
''', "affine_relu_forward", lambda: [_normal(1, 4, 2, 3), _normal(2, 6, 5), _normal(3, 5)]),
"conv_naive_pad_loops": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs = i * stride
                    ws = j * stride
                    window = x_pad[n, :, hs:hs + HH, ws:ws + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(4, 2, 2, 4, 4), _normal(5, 3, 2, 3, 3), _normal(6, 3), {'stride': 1, 'pad': 1}], {"slow": True}),
"max_pool_naive_argmax": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with 'pool_height', 'pool_width', 'stride'
    """
    out = None
    N, C, H, W = x.shape
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    s = pool_param['stride']
    Ho = (H - ph) // s + 1
    Wo = (W - pw) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            region = x[:, :, i*s:i*s+ph, j*s:j*s+pw]
            out[:, :, i, j] = np.max(region, axis=(2, 3))
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(7, 2, 3, 4, 4), {'pool_height': 2, 'pool_width': 2, 'stride': 2}]),
"spatial_bn_reshape": ('''
import numpy as np

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    """
    out, cache = None, None
    eps = bn_param.get('eps', 1e-5)
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    mu = x_flat.mean(axis=0)
    var = x_flat.var(axis=0)
    xhat = (x_flat - mu) / np.sqrt(var + eps)
    y = gamma * xhat + beta
    out = y.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    cache = (x, gamma, beta, eps)
    return out, cache
''', "spatial_batchnorm_forward", lambda: [_normal(8, 2, 3, 2, 2), _uniform(9, 3), _normal(10, 3), {'mode': 'train'}]),
"groupnorm": ('''
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer mumber of groups to split into, should be a divisor of C
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N, G, C // G, H, W)
    mean = xg.mean(axis=(2, 3, 4), keepdims=True)
    var = xg.var(axis=(2, 3, 4), keepdims=True)
    xg_hat = (xg - mean) / np.sqrt(var + eps)
    x_hat = xg_hat.reshape(N, C, H, W)
    out = gamma * x_hat + beta
    cache = (x, gamma, G, eps)
    return out, cache
''', "spatial_groupnorm_forward", lambda: [_normal(11, 2, 4, 2, 2), _uniform(12, 1, 4, 1, 1), _normal(13, 1, 4, 1, 1), 2, {}]),
"layernorm_simple": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = gamma * xn + beta
    cache = (xc, std, xn, gamma)
    return out, cache
''', "layernorm_forward", lambda: [_normal(14, 3, 5), _uniform(15, 5), _normal(16, 5), {}]),
"softmax_loss_vectorized": ('''
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    """
    Inputs and outputs are the same as softmax_loss_naive.
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength
    """
    loss = 0.0
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[np.arange(num_train), y])
    loss = np.sum(correct_logprobs) / num_train
    loss += reg * np.sum(W * W)
    return loss
''', "softmax_loss_vectorized", lambda: [_normal(17, 4, 3), _normal(18, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"softmax_loss_naive": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    num_classes = W.shape[1]
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        sum_exp = 0.0
        for j in range(num_classes):
            sum_exp += np.exp(scores[j])
        loss += -scores[y[i]] + np.log(sum_exp)
    loss /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    return loss
''', "softmax_loss_naive", lambda: [_normal(19, 4, 3), _normal(20, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"svm_loss_naive": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).
    """
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
    loss /= num_train
    loss += reg * np.sum(W * W)
    return loss
''', "svm_loss_naive", lambda: [_normal(21, 4, 3), _normal(22, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"svm_loss_vec": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    loss = 0.0
    N = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(N), y][:, np.newaxis]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(N), y] = 0
    loss = margins.sum() / N + reg * np.sum(W ** 2)
    return loss
''', "svm_loss_vectorized", lambda: [_normal(23, 4, 3), _normal(24, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"rnn_forward_hlist": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    """
    Inputs:
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    Returns a tuple of:
    - h: Hidden states for the entire timeseries, of shape (N, T, H).
    - cache: Values needed in the backward pass
    """
    h, cache = None, None
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
''', "rnn_forward", lambda: [_normal(25, 2, 3, 4), _normal(26, 2, 5), _normal(27, 4, 5) * 0.5, _normal(28, 5, 5) * 0.5, _normal(29, 5)]),
"lstm_step_own_words": ('''
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
    next_h, next_c, cache = None, None, None
    N, H = prev_h.shape
    a = x @ Wx + prev_h @ Wh + b
    ai, af, ao, ag = a[:, :H], a[:, H:2*H], a[:, 2*H:3*H], a[:, 3*H:]
    i = sigmoid(ai)
    f = sigmoid(af)
    o = sigmoid(ao)
    g = np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(30, 2, 3), _normal(31, 2, 4), _normal(32, 2, 4), _normal(33, 3, 16) * .5, _normal(34, 4, 16) * .5, _normal(35, 16)]),
"word_embedding_own_words": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    Inputs:
    - x: Integer array of shape (N, T) giving indices of words.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.
    """
    out, cache = None, None
    out = W[x]
    cache = (x, W.shape[0])
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [2, 2, 4]]), _normal(36, 5, 3)]),
"temporal_softmax_loss": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask, verbose=False):
    """
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range 0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    if verbose:
        print("dx_flat: ", probs.shape)
    return loss
''', "temporal_softmax_loss", lambda: [_normal(40, 2, 3, 4), np.array([[0, 3, 1], [2, 2, 1]]), np.array([[True, True, False], [True, False, False]])]),
"attention": ('''
import numpy as np

def attention(Q, K, V):
    """Q: (N, S, E), K: (N, T, E), V: (N, T, E)"""
    d = Q.shape[-1]
    scores = Q @ K.transpose(0, 2, 1) / np.sqrt(d)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V
''', "attention", lambda: [_normal(41, 2, 3, 4), _normal(42, 2, 5, 4), _normal(43, 2, 5, 4)]),
"two_layer_loss": ('''
import numpy as np

def two_layer_loss(X, y, W1, b1, W2, b2, reg=0.0):
    N, D = X.shape
    h1 = np.maximum(0, X.dot(W1) + b1)
    scores = h1.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[range(N), y])
    loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return loss
''', "two_layer_loss", lambda: [_normal(44, 5, 4), np.array([0, 1, 2, 1, 0]), _normal(45, 4, 6), _normal(46, 6), _normal(47, 6, 3), _normal(48, 3), 0.05]),
"linreg_l2": ('''
import numpy as np

def ridge_loss(w, b, X, y, lam):
    pred = X @ w + b
    err = pred - y
    return 0.5 * np.mean(err ** 2) + 0.5 * lam * np.dot(w, w)
''', "ridge_loss", lambda: [_normal(49, 3), 0.3, _normal(50, 6, 3), _normal(51, 6), 0.1]),
"logreg_l2": ('''
import numpy as np

def logistic_loss(w, X, y, C=1.0):
    """y in {-1, +1}"""
    z = y * (X @ w)
    return np.sum(np.log1p(np.exp(-z))) + 0.5 / C * w @ w
''', "logistic_loss", lambda: [_normal(52, 3), _normal(53, 6, 3), np.array([1., -1., 1., 1., -1., -1.])]),
"gauss_loglik": ('''
import numpy as np

def gaussian_nll(mu, log_sigma, x):
    sigma = np.exp(log_sigma)
    n = len(x)
    return n * log_sigma + 0.5 * n * np.log(2 * np.pi) + np.sum((x - mu) ** 2) / (2 * sigma ** 2)
''', "gaussian_nll", lambda: [0.3, -0.2, _normal(54, 7)]),
"gmm_logsumexp": ('''
import numpy as np

def logsumexp(a, axis=None):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))

def gmm_loglik(logits, means, log_stds, x):
    """x: (N,), means/log_stds/logits: (K,)"""
    log_w = logits - logsumexp(logits)
    stds = np.exp(log_stds)
    z = (x[:, None] - means[None, :]) / stds
    comp = -0.5 * z ** 2 - log_stds - 0.5 * np.log(2 * np.pi)
    return np.sum(logsumexp(comp + log_w, axis=1))
''', "gmm_loglik", lambda: [_normal(55, 3), _normal(56, 3), _normal(57, 3) * 0.3, _normal(58, 6)]),
"spring_energy": ('''
def spring_energy(x, v, k, m):
    return 0.5 * k * x ** 2 + 0.5 * m * v ** 2
''', "spring_energy", lambda: [0.3, -1.2, 2.0, 0.7]),
"pendulum_energy": ('''
import math

def pendulum_energy(theta, omega, L=1.0, m=1.0, g=9.81):
    kinetic = 0.5 * m * (L * omega) ** 2
    potential = m * g * L * (1 - math.cos(theta))
    return kinetic + potential
''', "pendulum_energy", lambda: [0.4, 1.1, 1.5, 0.8, 9.81]),
"nbody_loops": ('''
import numpy as np

def gravitational_potential(pos, masses, G=1.0):
    """pos: (n, 3) positions, masses: (n,)"""
    n = len(masses)
    U = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.sqrt(np.sum((pos[i] - pos[j]) ** 2))
            U -= G * masses[i] * masses[j] / r
    return U
''', "gravitational_potential", lambda: [_normal(60, 4, 3), _uniform(61, 4)]),
"nbody_triu": ('''
import numpy as np

def potential_energy(pos, m):
    diff = pos[:, None, :] - pos[None, :, :]
    dist = np.linalg.norm(diff, axis=-1)
    i, j = np.triu_indices(len(m), k=1)
    return -np.sum(m[i] * m[j] / dist[i, j])
''', "potential_energy", lambda: [_normal(62, 4, 3), _uniform(63, 4)]),
"coulomb": ('''
import numpy as np

K_E = 8.9875e9

def coulomb_energy(q, r):
    """q: (n,), r: (n, 2)"""
    E = 0.0
    n = q.shape[0]
    for a in range(n - 1):
        for b in range(a + 1, n):
            d = r[a] - r[b]
            E += K_E * q[a] * q[b] / np.hypot(d[0], d[1])
    return E * 1e-9
''', "coulomb_energy", lambda: [_normal(64, 3), _normal(65, 3, 2)]),
"lennard_jones_vec": ('''
import numpy as np

def lj_energy(x, eps=1.0, sigma=1.0):
    n = x.shape[0]
    dx = x[:, np.newaxis, :] - x[np.newaxis, :, :]
    r2 = (dx ** 2).sum(-1)
    iu = np.triu_indices(n, 1)
    r2 = r2[iu]
    s6 = (sigma ** 2 / r2) ** 3
    return np.sum(4 * eps * (s6 ** 2 - s6))
''', "lj_energy", lambda: [np.array([[0., 0., 0.], [1.1, 0.1, 0.], [0.2, 1.2, 0.1], [1.0, 1.1, 0.9]]), 1.0, 1.0]),
"projectile_drag": ('''
import math

def range_with_drag(v0, angle, k, dt=0.01, g=9.81):
    x, y = 0.0, 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle)
    for step in range(200):
        speed = math.sqrt(vx * vx + vy * vy)
        ax = -k * speed * vx
        ay = -g - k * speed * vy
        x += vx * dt
        y += vy * dt
        vx += ax * dt
        vy += ay * dt
    return x, y
''', "range_with_drag", lambda: [10.0, 0.7, 0.05, 0.01, 9.81]),
"orbit_euler_cromer": ('''
import numpy as np

def orbit_final(r0, v0, GM, dt, steps=50):
    r = r0.copy()
    v = v0.copy()
    for _ in range(steps):
        a = -GM * r / np.linalg.norm(r) ** 3
        v = v + a * dt
        r = r + v * dt
    energy = 0.5 * np.dot(v, v) - GM / np.linalg.norm(r)
    return energy
''', "orbit_final", lambda: [np.array([1.0, 0.0]), np.array([0.0, 1.1]), 1.0, 0.01, 50]),
"heat_fd": ('''
import numpy as np

def heat_steps(u0, alpha, nsteps=10):
    u = u0.copy()
    for n in range(nsteps):
        un = u.copy()
        u[1:-1] = un[1:-1] + alpha * (un[2:] - 2 * un[1:-1] + un[:-2])
    return np.sum(u ** 2)
''', "heat_steps", lambda: [_normal(66, 8), 0.2, 10]),
"kepler_newton": ('''
import math

def eccentric_anomaly(M, e):
    E = M
    for _ in range(20):
        E = E - (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
    return E
''', "eccentric_anomaly", lambda: [1.2, 0.3]),
"wave_energy": ('''
import numpy as np

def string_energy(y, v, T=1.0, rho=1.0, dx=0.1):
    kinetic = 0.5 * rho * np.sum(v ** 2) * dx
    potential = 0.5 * T * np.sum(np.diff(y) ** 2) / dx
    return kinetic + potential
''', "string_energy", lambda: [_normal(67, 7), _normal(68, 7)]),
"heat_2d": ('''
import numpy as np

def heat2d(T, kappa, steps=3):
    for s in range(steps):
        lap = np.zeros_like(T)
        lap[1:-1, 1:-1] = T[2:, 1:-1] + T[:-2, 1:-1] + T[1:-1, 2:] + T[1:-1, :-2] - 4 * T[1:-1, 1:-1]
        T = T + kappa * lap
    return T.mean()
''', "heat2d", lambda: [_normal(69, 5, 5), 0.1, 3]),
"charged_ring_vec": ('''
import numpy as np

def dipole_field_energy(p, r):
    """p: dipole moment (3,), r: position (3,)"""
    rn = np.linalg.norm(r)
    rhat = r / rn
    return (3 * np.dot(p, rhat) ** 2 - np.dot(p, p)) / rn ** 3
''', "dipole_field_energy", lambda: [_normal(70, 3), np.array([1.0, 0.5, -0.3])]),
"damped_oscillator_scan": ('''
import numpy as np

def simulate(k, c, x0, v0, dt=0.05, n=40):
    xs = np.zeros(n)
    x, v = x0, v0
    for i in range(n):
        a = -k * x - c * v
        v = v + dt * a
        x = x + dt * v
        xs[i] = x
    return np.sum(xs ** 2)
''', "simulate", lambda: [2.0, 0.3, 1.0, 0.0]),
"rk4_decay_array": ('''
import numpy as np

def f(y, k):
    return -k * y

def rk4(y0, k, h, n):
    y = y0
    for _ in range(n):
        k1 = f(y, k)
        k2 = f(y + 0.5 * h * k1, k)
        k3 = f(y + 0.5 * h * k2, k)
        k4 = f(y + h * k3, k)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y.sum()
''', "rk4", lambda: [_normal(71, 3), _uniform(72, 3), 0.1, 5]),
"free_energy_lse": ('''
import numpy as np

def free_energy(E, beta):
    """E: energy levels (n,)"""
    a = -beta * E
    amax = a.max()
    return -(amax + np.log(np.exp(a - amax).sum())) / beta
''', "free_energy", lambda: [_normal(73, 5), 1.3]),
"lj_cutoff_loop": ('''
import numpy as np

def lj_total(positions, epsilon, sigma, rc=2.5):
    n = positions.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(i):
            r = np.linalg.norm(positions[i] - positions[j])
            if r < rc:
                sr6 = (sigma / r) ** 6
                total += 4 * epsilon * (sr6 * sr6 - sr6)
    return total
''', "lj_total", lambda: [np.array([[0., 0.], [1.1, 0.1], [0.2, 1.2], [3.5, 3.0]]), 1.0, 1.0]),
"rnn_forward_harray_loop": ('''
import numpy as np

def rnn_loss(x, h0, Wx, Wh, b, Wy):
    N, T, D = x.shape
    h = h0
    hs = []
    for t in range(T):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        hs.append(h)
    H = np.stack(hs, axis=1)
    y = H @ Wy
    return 0.5 * np.sum(y ** 2)
''', "rnn_loss", lambda: [_normal(1, 2, 3, 4), _normal(2, 2, 5), _normal(3, 4, 5) * .5, _normal(4, 5, 5) * .5, _normal(5, 5), _normal(6, 5, 2)]),
"lstm_forward_loop": ('''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def lstm_loss(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = h0
    c = np.zeros_like(h0)
    total = 0.0
    for t in range(T):
        a = x[:, t, :].dot(Wx) + h.dot(Wh) + b
        i = sigmoid(a[:, 0:H])
        f = sigmoid(a[:, H:2 * H])
        o = sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:4 * H])
        c = f * c + i * g
        h = o * np.tanh(c)
        total = total + np.sum(h)
    return total
''', "lstm_loss", lambda: [_normal(7, 2, 3, 4), _normal(8, 2, 3), _normal(9, 4, 12) * .5, _normal(10, 3, 12) * .5, _normal(11, 12)]),
"batchnorm_train_cache": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance.
      - running_mean: Array of shape (D,) giving running mean of features
      - running_var Array of shape (D,) giving running variance of features
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_norm = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_norm + beta
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = (x, x_norm, sample_mean, sample_var, gamma, eps)
    elif mode == "test":
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(12, 4, 3), _uniform(13, 3), _normal(14, 3), {"mode": "train"}]),
"dropout_inverted": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])
    mask = None
    out = None
    if mode == 'train':
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == 'test':
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache
''', "dropout_forward", lambda: [_normal(15, 4, 5), {'p': 0.6, 'mode': 'train', 'seed': 3}]),
"conv_im2col_loops": ('''
import numpy as np

def conv_loss(x, w, b, stride=1):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = (H - HH) // stride + 1
    Wo = (W - WW) // stride + 1
    cols = np.zeros((N, Ho, Wo, C * HH * WW))
    for i in range(Ho):
        for j in range(Wo):
            patch = x[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            cols[:, i, j, :] = patch.reshape(N, -1)
    out = cols @ w.reshape(F, -1).T + b
    return np.sum(np.maximum(out, 0) ** 2)
''', "conv_loss", lambda: [_normal(16, 2, 2, 4, 4), _normal(17, 3, 2, 2, 2), _normal(18, 3)]),
"softmax_onehot_eye": ('''
import numpy as np

def cross_entropy(logits, labels, num_classes):
    onehot = np.eye(num_classes)[labels]
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -(onehot * logp).sum() / logits.shape[0]
''', "cross_entropy", lambda: [_normal(19, 4, 3), np.array([0, 2, 1, 2]), 3]),
"knn_free_kernel_ridge": ('''
import numpy as np

def kernel_ridge_loss(alpha, X, y, gamma=0.5, lam=0.1):
    sq = np.sum(X ** 2, axis=1)
    D2 = sq[:, None] + sq[None, :] - 2 * X @ X.T
    K = np.exp(-gamma * D2)
    resid = K @ alpha - y
    return resid @ resid + lam * alpha @ K @ alpha
''', "kernel_ridge_loss", lambda: [_normal(20, 5), _normal(21, 5, 2), _normal(22, 5), 0.5, 0.1]),
"mlp_list_layers_tuple": ('''
import numpy as np

def mlp(params, x):
    for W, b in params[:-1]:
        x = np.tanh(x @ W + b)
    W, b = params[-1]
    return x @ W + b

def loss(params, x, t):
    return np.mean((mlp(params, x) - t) ** 2)
''', "loss", lambda: [[(_normal(23, 3, 4), _normal(24, 4)), (_normal(25, 4, 4), _normal(26, 4)), (_normal(27, 4, 1), _normal(28, 1))], _normal(29, 5, 3), _normal(30, 5, 1)]),
"attention_mask_neg_inf": ('''
import numpy as np

def masked_attention(q, k, v):
    T = q.shape[0]
    s = q @ k.T / np.sqrt(q.shape[1])
    mask = np.tril(np.ones((T, T), dtype=bool))
    s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=1, keepdims=True)
    a = np.exp(s)
    a /= a.sum(axis=1, keepdims=True)
    return np.sum((a @ v) ** 2)
''', "masked_attention", lambda: [_normal(31, 4, 3), _normal(32, 4, 3), _normal(33, 4, 3)]),
"gaussian_mvn_loglik": ('''
import numpy as np

def mvn_loglik(mu, L, X):
    """X: (N, D); L lower-triangular (D, D) Cholesky of the covariance"""
    N, D = X.shape
    Sigma = L @ L.T
    diff = X - mu
    sol = np.linalg.solve(Sigma, diff.T)
    quad = np.sum(diff.T * sol)
    sign, logdet = np.linalg.slogdet(Sigma)
    return -0.5 * quad - 0.5 * N * logdet - 0.5 * N * D * np.log(2 * np.pi)
''', "mvn_loglik", lambda: [_normal(34, 2), np.array([[1.2, 0.], [0.3, 0.9]]), _normal(35, 5, 2)]),
"euler_projectile_state_array": ('''
import numpy as np

def trajectory_loss(v0, drag, target, dt=0.05, steps=30):
    pos = np.zeros(2)
    vel = v0.copy()
    g = np.array([0.0, -9.81])
    for _ in range(steps):
        acc = g - drag * np.linalg.norm(vel) * vel
        vel = vel + dt * acc
        pos = pos + dt * vel
    return np.sum((pos - target) ** 2)
''', "trajectory_loss", lambda: [np.array([5.0, 8.0]), 0.1, np.array([4.0, 1.0])]),
"heat_explicit_matrix": ('''
import numpy as np

def heat_matrix(u0, r, n_steps):
    n = u0.shape[0]
    A = np.eye(n) * (1 - 2 * r) + np.eye(n, k=1) * r + np.eye(n, k=-1) * r
    u = u0
    for _ in range(n_steps):
        u = A @ u
    return u @ u
''', "heat_matrix", lambda: [_normal(36, 6), 0.25, 4]),
"inplace_ops_chain": ('''
import numpy as np

def normalize_rows_loss(X, w):
    Y = X.copy()
    Y -= Y.mean(axis=1, keepdims=True)
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    Y *= w
    return np.sum(Y ** 3)
''', "normalize_rows_loss", lambda: [_normal(37, 4, 5), _normal(38, 5)]),
"logsumexp_mixture_scalar_loop": ('''
import math

def mixture_nll(data, w1, mu1, mu2, s):
    total = 0.0
    for x in data:
        a = math.log(w1) - 0.5 * ((x - mu1) / s) ** 2
        b = math.log(1 - w1) - 0.5 * ((x - mu2) / s) ** 2
        m = max(a, b)
        total -= m + math.log(math.exp(a - m) + math.exp(b - m)) - math.log(s * math.sqrt(2 * math.pi))
    return total
''', "mixture_nll", lambda: [[0.3, -1.2, 2.1, 0.8], 0.4, -0.5, 1.0, 0.9]),
"vectorized_svm_grad_returned": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    loss = 0.0
    dW = np.zeros(W.shape)
    num_train = X.shape[0]
    scores = X.dot(W)
    correct_class_scores = scores[np.arange(num_train), y]
    margins = np.maximum(0, scores - correct_class_scores[:, np.newaxis] + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)
    binary = margins
    binary[margins > 0] = 1
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(num_train), y] = -row_sum.T
    dW = np.dot(X.T, binary) / num_train + 2 * reg * W
    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(39, 4, 3), _normal(40, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"pendulum_rk4_tuple": ('''
import math

def deriv(theta, omega, g, L):
    return omega, -(g / L) * math.sin(theta)

def pendulum_final_angle(theta0, omega0, L, g=9.81, dt=0.01, n=100):
    th, om = theta0, omega0
    for _ in range(n):
        k1 = deriv(th, om, g, L)
        k2 = deriv(th + 0.5 * dt * k1[0], om + 0.5 * dt * k1[1], g, L)
        k3 = deriv(th + 0.5 * dt * k2[0], om + 0.5 * dt * k2[1], g, L)
        k4 = deriv(th + dt * k3[0], om + dt * k3[1], g, L)
        th += dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        om += dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return th
''', "pendulum_final_angle", lambda: [0.5, 0.0, 1.2]),
"affine_nodoc": ('''
import numpy as np

def affine_forward(x, w, b):
    out = None
    N = x.shape[0]
    x2 = np.reshape(x, (N, -1))
    out = np.dot(x2, w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(1, 3, 2, 2), _normal(2, 4, 5), _normal(3, 5)]),
"leaky_relu": ('''
import numpy as np

def leaky_relu_forward(x, alpha=0.01):
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
''', "leaky_relu_forward", lambda: [_normal(5, 3, 4), 0.1]),
"sigmoid_layer": ('''
import numpy as np

def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    cache = out
    return out, cache
''', "sigmoid_forward", lambda: [_normal(6, 3, 4)]),
"tanh_rnn_step_nodoc": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h, cache = None, None
    a = prev_h.dot(Wh) + x.dot(Wx) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
''', "rnn_step_forward", lambda: [_normal(7, 2, 3), _normal(8, 2, 4), _normal(9, 3, 4), _normal(10, 4, 4), _normal(11, 4)]),
"avg_pool_loops": ('''
import numpy as np

def avg_pool_forward(x, pool_param):
    """x: (N, C, H, W)"""
    N, C, H, W = x.shape
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    H2 = 1 + (H - ph) // s
    W2 = 1 + (W - pw) // s
    out = np.zeros((N, C, H2, W2))
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    out[n, c, i, j] = np.mean(x[n, c, i * s:i * s + ph, j * s:j * s + pw])
    cache = (x, pool_param)
    return out, cache
''', "avg_pool_forward", lambda: [_normal(12, 2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}], {"slow": True}),
"softmax_layer_loss_pair": ('''
import numpy as np

def softmax_loss(x, y):
    """
    - x: Input data, of shape (N, C)
    - y: Vector of labels, of shape (N,)
    """
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''', "softmax_loss", lambda: [_normal(13, 4, 3), np.array([0, 2, 1, 1])]),
"svm_loss_pair": ('''
import numpy as np

def svm_loss(x, y):
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx
''', "svm_loss", lambda: [_normal(14, 4, 3), np.array([0, 2, 1, 1])]),
"layernorm_transpose_bn": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """x: (N, D), gamma: (D,), beta: (D,)"""
    eps = ln_param.get("eps", 1e-5)
    xt = x.T
    mu = xt.mean(axis=0)
    var = xt.var(axis=0)
    xhat_t = (xt - mu) / np.sqrt(var + eps)
    xhat = xhat_t.T
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, eps)
    return out, cache
''', "layernorm_forward", lambda: [_normal(15, 3, 4), _uniform(16, 4), _normal(17, 4), {}]),
"three_layer_convnet_ish": ('''
import numpy as np

def loss(X, y, W1, b1, W2, b2, reg=0.0):
    """X: (N, D), y: (N,), W1: (D, H), b1: (H,), W2: (H, C), b2: (C,)"""
    hidden = np.maximum(0, X @ W1 + b1)
    scores = hidden @ W2 + b2
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    N = X.shape[0]
    data_loss = -np.log(probs[np.arange(N), y]).mean()
    reg_loss = 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    return data_loss + reg_loss
''', "loss", lambda: [_normal(18, 5, 4), np.array([0, 1, 2, 1, 0]), _normal(19, 4, 6), _normal(20, 6), _normal(21, 6, 3), _normal(22, 3), 0.05]),
"word_embed_add_at": ('''
import numpy as np

def embed_loss(W, idx, target):
    """W: (V, D), idx: (N, T) ints, target: (N, T, D)"""
    out = W[idx]
    return 0.5 * np.sum((out - target) ** 2)
''', "embed_loss", lambda: [_normal(23, 5, 3), np.array([[0, 3, 1], [2, 2, 4]]), _normal(24, 2, 3, 3)]),
"rnn_temporal_softmax_chain": ('''
import numpy as np

def captioning_like_loss(h0, Wh, Wout, x_embed, y, mask):
    """h0: (N, H); Wh: (H, H); Wout: (H, V); x_embed: (N, T, H); y: (N, T) ints; mask: (N, T) bool"""
    N, T, H = x_embed.shape
    h = h0
    loss = 0.0
    for t in range(T):
        h = np.tanh(h @ Wh + x_embed[:, t, :])
        scores = h @ Wout
        scores = scores - scores.max(axis=1, keepdims=True)
        logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        loss -= np.sum(mask[:, t] * logp[np.arange(N), y[:, t]]) / N
    return loss
''', "captioning_like_loss", lambda: [_normal(25, 2, 3), _normal(26, 3, 3) * .5, _normal(27, 3, 4), _normal(28, 2, 3, 3), np.array([[0, 3, 1], [2, 2, 1]]), np.array([[True, True, False], [True, False, True]])]),
"self_attention_proj": ('''
import numpy as np

def self_attention(x, Wq, Wk, Wv):
    """x: (T, D), Wq/Wk/Wv: (D, E)"""
    q = x @ Wq
    k = x @ Wk
    v = x @ Wv
    d_k = q.shape[-1]
    att = q @ k.T / np.sqrt(d_k)
    att = np.exp(att - att.max(axis=-1, keepdims=True))
    att = att / att.sum(axis=-1, keepdims=True)
    y = att @ v
    return np.sum(y * y)
''', "self_attention", lambda: [_normal(29, 4, 3), _normal(30, 3, 2), _normal(31, 3, 2), _normal(32, 3, 2)]),
"logistic_newton_free_loop_batches": ('''
import numpy as np

def sigmoid(z):
    return 0.5 * (np.tanh(z / 2.0) + 1.0)

def logistic_nll(weights, inputs, targets, l2=0.1):
    preds = sigmoid(np.dot(inputs, weights))
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities)) + l2 * np.dot(weights, weights)
''', "logistic_nll", lambda: [_normal(33, 3), _normal(34, 4, 3), np.array([1., 0., 1., 1.]), 0.1]),
"rnn_readback_h": ('''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    N, T, D = x.shape
    H = b.shape[0]
    h = np.zeros((N, T, H))
    for t in range(T):
        prev = h0 if t == 0 else h[:, t - 1, :]
        h[:, t, :] = np.tanh(x[:, t, :] @ Wx + prev @ Wh + b)
    cache = (x, h0, Wx, Wh, b, h)
    return h, cache
''', "rnn_forward", lambda: [_normal(1, 2, 3, 4), _normal(2, 2, 5), _normal(3, 4, 5) * .5, _normal(4, 5, 5) * .5, _normal(5, 5)]),
"gru_concat": ('''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def gru_cell(x, h, Wz, Wr, Wh):
    """x: (N, D), h: (N, H), Wz, Wr, Wh: (D + H, H)"""
    xh = np.concatenate([x, h], axis=1)
    z = sigmoid(xh @ Wz)
    r = sigmoid(xh @ Wr)
    xrh = np.concatenate([x, r * h], axis=1)
    hh = np.tanh(xrh @ Wh)
    return np.sum((1 - z) * h + z * hh)
''', "gru_cell", lambda: [_normal(6, 2, 3), _normal(7, 2, 4), _normal(8, 7, 4), _normal(9, 7, 4), _normal(10, 7, 4)]),
"einsum_rowdot": ('''
import numpy as np

def cosine_loss(a, b):
    num = np.einsum('ij,ij->i', a, b)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.mean(1 - num / den)
''', "cosine_loss", lambda: [_normal(11, 4, 3), _normal(12, 4, 3)]),
"verlet_list_array": ('''
import numpy as np

def verlet(x0, v0, k, dt=0.1, n=20):
    xs = [x0]
    x_prev = x0 - v0 * dt
    x = x0
    for i in range(n):
        a = -k * x
        x_new = 2 * x - x_prev + a * dt ** 2
        x_prev, x = x, x_new
        xs.append(x)
    traj = np.array(xs)
    return np.sum(traj ** 2) * dt
''', "verlet", lambda: [_normal(13, 3), _normal(14, 3), 1.5]),
"flip_correlate_conv": ('''
import numpy as np

def conv_full_1d(x, w):
    """x: (N,), w: (K,)"""
    K = w.shape[0]
    wf = w[::-1]
    xp = np.pad(x, (K - 1, K - 1))
    out = np.array([np.dot(xp[i:i + K], wf) for i in range(len(x) + K - 1)])
    return np.sum(out ** 2)
''', "conv_full_1d", lambda: [_normal(15, 6), _normal(16, 3)]),
"heat_roll_periodic": ('''
import numpy as np

def diffuse(u, D, dt, steps):
    for _ in range(steps):
        u = u + D * dt * (np.roll(u, 1) - 2 * u + np.roll(u, -1))
    return np.sum(u * np.arange(len(u)))
''', "diffuse", lambda: [_normal(17, 8), 0.3, 0.5, 4]),
"builtin_sum_generator_arrays": ('''
import numpy as np

def l2_penalty(params, lam):
    return lam * sum(np.sum(p ** 2) for p in params)
''', "l2_penalty", lambda: [[_normal(18, 3, 2), _normal(19, 2)], 0.3]),
"while_converge": ('''
import math

def sqrt_newton(a):
    x = a
    while abs(x * x - a) > 1e-12:
        x = 0.5 * (x + a / x)
    return x
''', "sqrt_newton", lambda: [2.5]),
"fib_recurrence_swap": ('''
def recurrence(a, b, n=6):
    for _ in range(n):
        a, b = b, a + 0.5 * b
    return b
''', "recurrence", lambda: [0.3, 1.1]),
"mvn_inv_det": ('''
import numpy as np

def gauss_nll(x, mu, S):
    """x: (D,), mu: (D,), S: (D, D) covariance"""
    d = x - mu
    Sinv = np.linalg.inv(S)
    return 0.5 * d @ Sinv @ d + 0.5 * np.log(np.linalg.det(S)) + 0.5 * len(x) * np.log(2 * np.pi)
''', "gauss_nll", lambda: [_normal(20, 3), _normal(21, 3), np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])]),
"scipy_norm_bs": ('''
import numpy as np
from scipy.stats import norm

def bs_put(S, K, T, r, sigma):
    d1 = (np.log(S / K) + (r + sigma ** 2 / 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return K * np.exp(-r * T) * norm.cdf(-d2) - S * norm.cdf(-d1)
''', "bs_put", lambda: [100.0, 105.0, 1.0, 0.02, 0.3]),
"math_hypot_star": ('''
import math

def dist_energy(p, q, k):
    d = math.hypot(*[a - b for a, b in zip(p, q)])
    return 0.5 * k * (d - 1.0) ** 2
''', "dist_energy", lambda: [[0.3, 1.2, -0.5], [1.0, 0.1, 0.4], 2.0]),
"clip_abs_huber_mean": ('''
import numpy as np

def smooth_l1(pred, target, beta=1.0):
    diff = np.abs(pred - target)
    loss = np.where(diff < beta, 0.5 * diff ** 2 / beta, diff - 0.5 * beta)
    return loss.mean()
''', "smooth_l1", lambda: [_normal(22, 6), _normal(23, 6)]),
"maxpool_axis_tuple_reshape": ('''
import numpy as np

def max_pool_fast(x):
    """x: (N, C, H, W) with H, W even"""
    N, C, H, W = x.shape
    xr = x.reshape(N, C, H // 2, 2, W // 2, 2)
    out = xr.max(axis=(3, 5))
    return np.sum(out ** 2)
''', "max_pool_fast", lambda: [_normal(24, 2, 2, 4, 4)]),
"split_gates": ('''
import numpy as np

def lstm_cell(x, h, c, W, b):
    """x: (N, D), h: (N, H), c: (N, H), W: (D + H, 4H), b: (4H,)"""
    z = np.hstack([x, h]) @ W + b
    i, f, o, g = np.split(z, 4, axis=1)
    i, f, o = 1 / (1 + np.exp(-i)), 1 / (1 + np.exp(-f)), 1 / (1 + np.exp(-o))
    g = np.tanh(g)
    c_new = f * c + i * g
    h_new = o * np.tanh(c_new)
    return np.sum(h_new) + np.sum(c_new ** 2)
''', "lstm_cell", lambda: [_normal(25, 2, 3), _normal(26, 2, 2), _normal(27, 2, 2), _normal(28, 5, 8) * .5, _normal(29, 8)]),
"nbody_accel_leapfrog": ('''
import numpy as np

def accel(pos, m):
    d = pos[None, :, :] - pos[:, None, :]
    r2 = np.sum(d ** 2, axis=-1) + 0.01
    inv3 = r2 ** -1.5
    np.fill_diagonal(inv3, 0.0)
    return np.einsum('ij,ijk,j->ik', inv3, d, m)

def final_spread(pos, vel, m, dt=0.01, n=5):
    for _ in range(n):
        vel = vel + 0.5 * dt * accel(pos, m)
        pos = pos + dt * vel
        vel = vel + 0.5 * dt * accel(pos, m)
    return np.sum(pos ** 2)
''', "final_spread", lambda: [_normal(30, 3, 2), _normal(31, 3, 2) * .1, _uniform(32, 3)]),
"lstm_forward_cs231n": ('''
import numpy as np

def sigmoid(x):
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, a, i, f, o, g, next_c)
    return next_h, next_c, cache

def lstm_forward(x, h0, Wx, Wh, b):
    """
    Inputs:
    - x: Input data of shape (N, T, D)
    - h0: Initial hidden state of shape (N, H)
    - Wx: Weights for input-to-hidden connections, of shape (D, 4H)
    - Wh: Weights for hidden-to-hidden connections, of shape (H, 4H)
    - b: Biases of shape (4H,)

    Returns a tuple of:
    - h: Hidden states for all timesteps of all sequences, of shape (N, T, H)
    - cache: Values needed for the backward pass.
    """
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, H))
    prev_h = h0
    cache = []
    for t in range(T):
        prev_h, c, step_cache = lstm_step_forward(x[:, t, :], prev_h, c, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, cache
''', "lstm_forward", lambda: [_normal(1, 2, 3, 4), _normal(2, 2, 3), _normal(3, 4, 12) * .5, _normal(4, 3, 12) * .5, _normal(5, 12)]),
"conv_forward_strided_vectorized_window": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    """
    stride = conv_param.get('stride', 1)
    pad = conv_param.get('pad', 0)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    Hp = 1 + (H + 2 * pad - HH) // stride
    Wp = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
    out = np.zeros((N, F, Hp, Wp))
    for i in range(Hp):
        for j in range(Wp):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            for f in range(F):
                out[:, f, i, j] = np.sum(window * w[f, :, :, :], axis=(1, 2, 3)) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(6, 2, 2, 4, 4), _normal(7, 2, 2, 3, 3), _normal(8, 2), {'stride': 1, 'pad': 1}]),
"max_pool_mask_cache": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    """
    N, C, H, W = x.shape
    PH = pool_param["pool_height"]
    PW = pool_param["pool_width"]
    S = pool_param["stride"]
    H_out = 1 + (H - PH) // S
    W_out = 1 + (W - PW) // S
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for h in range(H_out):
                for w in range(W_out):
                    out[n, c, h, w] = x[n, c, h * S:h * S + PH, w * S:w * S + PW].max()
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(9, 1, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}], {"slow": True}),
"softmax_naive_dW_loop": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength
    """
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        f = X[i].dot(W)
        f -= np.max(f)
        p = np.exp(f) / np.sum(np.exp(f))
        loss += -np.log(p[y[i]])
        for j in range(num_classes):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
''', "softmax_loss_naive", lambda: [_normal(10, 4, 3), _normal(11, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1]),
"dropout_then_affine_scores": ('''
import numpy as np

def forward_scores(X, W1, b1, W2, b2, mask):
    h = np.maximum(0, X @ W1 + b1)
    h *= mask
    return np.sum((h @ W2 + b2) ** 2)
''', "forward_scores", lambda: [_normal(12, 4, 3), _normal(13, 3, 5), _normal(14, 5), _normal(15, 5, 2), _normal(16, 2), (np.random.default_rng(17).random((4, 5)) < 0.5) / 0.5]),
"kmeans_free_gmm_em_step_loglik": ('''
import numpy as np

def gmm_nll(X, means, log_vars, log_pis):
    """X: (N, D), means: (K, D), log_vars: (K,), log_pis: (K,)"""
    N, D = X.shape
    sq = ((X[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    var = np.exp(log_vars)
    logp = -0.5 * sq / var - 0.5 * D * (np.log(2 * np.pi) + log_vars) + log_pis
    m = logp.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logp - m).sum(axis=1))
    return -lse.sum()
''', "gmm_nll", lambda: [_normal(18, 6, 2), _normal(19, 3, 2), _normal(20, 3) * .2, _normal(21, 3) * .2]),
"pendulum_lagrangian_scalar_loop_lists": ('''
import math

def swing(theta0, omega0, length, steps=50, dt=0.02, g=9.81):
    thetas = [theta0]
    omegas = [omega0]
    for n in range(steps):
        alpha = -(g / length) * math.sin(thetas[-1])
        omegas.append(omegas[-1] + alpha * dt)
        thetas.append(thetas[-1] + omegas[-1] * dt)
    energy = 0.5 * length ** 2 * omegas[-1] ** 2 + g * length * (1 - math.cos(thetas[-1]))
    return energy
''', "swing", lambda: [0.6, 0.1, 1.3]),
"heat_eq_matrix_power_free_loop_inplace_boundary": ('''
import numpy as np

def rod(u0, kappa, n_steps=20, dx=0.1, dt=0.001):
    u = u0.copy()
    r = kappa * dt / dx ** 2
    for _ in range(n_steps):
        lap = np.empty_like(u)
        lap[1:-1] = u[:-2] - 2 * u[1:-1] + u[2:]
        lap[0] = 0.0
        lap[-1] = 0.0
        u += r * lap
    return u[len(u) // 2]
''', "rod", lambda: [_normal(22, 9), 1.0]),
"coulomb_matrix_fill_diag_inf": ('''
import numpy as np

def coulomb_energy(q, pos):
    r = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(r, np.inf)
    return 0.5 * np.sum(np.outer(q, q) / r)
''', "coulomb_energy", lambda: [_normal(23, 4), _normal(24, 4, 3)]),
"lj_pair_helper_force_sum": ('''
import numpy as np

def lj(r, eps=1.0, sig=1.0):
    s6 = (sig / r) ** 6
    return 4 * eps * (s6 ** 2 - s6)

def cluster_energy(x):
    E = 0.0
    N = len(x)
    for i in range(N):
        for j in range(i + 1, N):
            E += lj(np.linalg.norm(x[i] - x[j]))
    return E
''', "cluster_energy", lambda: [np.array([[0., 0., 0.], [1.1, 0.1, 0.], [0.2, 1.2, 0.1], [1.0, 1.1, 0.9]])]),
"projectile_drag_tuple_state_while": ('''
import math

def flight(v0, angle, c, dt=0.01):
    x, y = 0.0, 0.0
    vx, vy = v0 * math.cos(angle), v0 * math.sin(angle)
    t = 0.0
    while y >= 0.0 and t < 5.0:
        v = math.sqrt(vx ** 2 + vy ** 2)
        vx, vy = vx - c * v * vx * dt, vy - (9.81 + c * v * vy) * dt
        x, y = x + vx * dt, y + vy * dt
        t += dt
    return x
''', "flight", lambda: [12.0, 0.8, 0.02]),
"orbit_two_body_scalar": ('''
import math

def orbit_energy_drift(x, y, vx, vy, mu=1.0, dt=0.01, n=100):
    def energy(x, y, vx, vy):
        return 0.5 * (vx * vx + vy * vy) - mu / math.sqrt(x * x + y * y)
    e0 = energy(x, y, vx, vy)
    for _ in range(n):
        r3 = (x * x + y * y) ** 1.5
        vx -= mu * x / r3 * dt
        vy -= mu * y / r3 * dt
        x += vx * dt
        y += vy * dt
    return energy(x, y, vx, vy) - e0
''', "orbit_energy_drift", lambda: [1.0, 0.0, 0.0, 1.05]),
"black_scholes_vega_erf_helper_numpy": ('''
import numpy as np
from math import erf, sqrt, log, exp

def N(x):
    return 0.5 * (1 + erf(x / sqrt(2)))

def call_price(S, K, T, r, vol):
    d1 = (log(S / K) + (r + vol * vol / 2) * T) / (vol * sqrt(T))
    d2 = d1 - vol * sqrt(T)
    return S * N(d1) - K * exp(-r * T) * N(d2)
''', "call_price", lambda: [50.0, 52.0, 0.75, 0.01, 0.4]),
"autograd_nn_predict_logsoftmax": ('''
import numpy as np

def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(1, 3, 4), _normal(2, 4)), (_normal(3, 4, 2), _normal(4, 2))], _normal(5, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]], 0.1]),
"autograd_logreg_readme": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))
''', "training_loss", lambda: [_normal(6, 3), np.array([[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]), np.array([1., 1., 0., 1.])]),
"gp_log_marginal": ('''
import numpy as np

def rbf(x, xp, lengthscale, amp):
    d = (x[:, None] - xp[None, :]) / lengthscale
    return amp * np.exp(-0.5 * d ** 2)

def log_marginal(log_ls, log_amp, log_noise, x, y):
    K = rbf(x, x, np.exp(log_ls), np.exp(log_amp)) + np.exp(log_noise) * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return -0.5 * y @ alpha - np.sum(np.log(np.diag(L))) - 0.5 * len(x) * np.log(2 * np.pi)
''', "log_marginal", lambda: [0.1, -0.2, -1.0, np.linspace(-1, 1, 5), _normal(7, 5)]),
"vae_elbo_given_eps": ('''
import numpy as np

def elbo(mu, log_sigma, eps, x, W):
    z = mu + np.exp(log_sigma) * eps
    logits = z @ W
    recon = np.sum(x * logits - np.logaddexp(0, logits))
    kl = 0.5 * np.sum(np.exp(2 * log_sigma) + mu ** 2 - 1 - 2 * log_sigma)
    return recon - kl
''', "elbo", lambda: [_normal(8, 3), _normal(9, 3) * .3, _normal(10, 3), (_normal(11, 4) > 0).astype(float), _normal(12, 3, 4)]),
"hmm_forward_alg": ('''
import numpy as np

def hmm_loglik(log_A, log_B, log_pi, obs):
    """log_A: (K, K), log_B: (K, V), log_pi: (K,), obs: (T,) int"""
    alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        m = alpha.max()
        alpha = m + np.log(np.exp(alpha - m) @ np.exp(log_A)) + log_B[:, obs[t]]
    m = alpha.max()
    return m + np.log(np.sum(np.exp(alpha - m)))
''', "hmm_loglik", lambda: [_normal(13, 3, 3) * .3, _normal(14, 3, 4) * .3, _normal(15, 3) * .3, np.array([0, 3, 1, 2, 2])]),
"wave_leapfrog_2arrays": ('''
import numpy as np

def wave(u0, v0, c, dt=0.05, dx=0.1, n=10):
    u_prev = u0 - dt * v0
    u = u0.copy()
    r2 = (c * dt / dx) ** 2
    for _ in range(n):
        u_next = np.zeros_like(u)
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + r2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u_prev, u = u, u_next
    return np.sum(u ** 2)
''', "wave", lambda: [_normal(16, 8), _normal(17, 8), 1.0]),
"ising_energy_roll": ('''
import numpy as np

def ising_energy(s, J, h):
    return -J * np.sum(s * np.roll(s, 1, axis=0) + s * np.roll(s, 1, axis=1)) - h * np.sum(s)
''', "ising_energy", lambda: [np.tanh(_normal(18, 4, 4)), 1.0, 0.1]),
"moment_inertia_tensor_eig_free": ('''
import numpy as np

def inertia_trace(m, r):
    I = np.zeros((3, 3))
    for k in range(len(m)):
        rk = r[k]
        I += m[k] * (np.dot(rk, rk) * np.eye(3) - np.outer(rk, rk))
    return np.trace(I @ I)
''', "inertia_trace", lambda: [_uniform(19, 4), _normal(20, 4, 3)]),
"kepler_orbit_rk4_vectors": ('''
import numpy as np

def rhs(s, mu):
    r = s[:2]
    v = s[2:]
    a = -mu * r / np.linalg.norm(r) ** 3
    return np.concatenate([v, a])

def propagate(s0, mu, h=0.05, n=20):
    s = s0
    for _ in range(n):
        k1 = rhs(s, mu)
        k2 = rhs(s + h / 2 * k1, mu)
        k3 = rhs(s + h / 2 * k2, mu)
        k4 = rhs(s + h * k3, mu)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.sum(s[:2] ** 2)
''', "propagate", lambda: [np.array([1.0, 0.0, 0.0, 1.1]), 1.0]),
"batchnorm_nodoc": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, eps)
    return out, cache
''', "batchnorm_forward", lambda: [_normal(1, 4, 3), _uniform(2, 3), _normal(3, 3), {"mode": "train"}]),
"conv_nodoc_small": ('''
import numpy as np

def conv_forward(x, w, b):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = H - HH + 1, W - WW + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = x[:, :, i:i + HH, j:j + WW]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    cache = (x, w, b)
    return out, cache
''', "conv_forward", lambda: [_normal(4, 2, 2, 4, 4), _normal(5, 3, 2, 2, 2), _normal(6, 3)]),
"embedding_nodoc": ('''
import numpy as np

def word_embedding_forward(x, W):
    out = W[x, :]
    cache = (x, W)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [2, 2, 4]]), _normal(7, 5, 3)]),
"temporal_affine_nodoc": ('''
import numpy as np

def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache
''', "temporal_affine_forward", lambda: [_normal(8, 2, 3, 4), _normal(9, 4, 5), _normal(10, 5)]),
"softmax_nodoc_loss_pair": ('''
import numpy as np

def softmax_loss(x, y):
    N = x.shape[0]
    p = np.exp(x - x.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).sum() / N
    dx = p.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''', "softmax_loss", lambda: [_normal(11, 4, 3), np.array([0, 2, 1, 1])]),
"layernorm_nodoc_cache_dict": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    z = (x - mean) / std
    out = gamma * z + beta
    cache = {"x": x, "mean": mean, "std": std, "z": z, "gamma": gamma}
    return out, cache
''', "layernorm_forward", lambda: [_normal(12, 3, 4), _uniform(13, 4), _normal(14, 4), {}]),
"rnn_step_nodoc_full_cache": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h @ Wh + x @ Wx + b)
    cache = (x, prev_h, Wx, Wh, b, next_h)
    return next_h, cache
''', "rnn_step_forward", lambda: [_normal(15, 2, 3), _normal(16, 2, 4), _normal(17, 3, 4), _normal(18, 4, 4), _normal(19, 4)]),
"attention_layer_cache": ('''
import numpy as np

def attention_forward(q, k, v):
    d = q.shape[-1]
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)
    s = s - s.max(axis=-1, keepdims=True)
    a = np.exp(s)
    a = a / a.sum(axis=-1, keepdims=True)
    out = a @ v
    cache = (q, k, v, a)
    return out, cache
''', "attention_forward", lambda: [_normal(20, 2, 3, 4), _normal(21, 2, 5, 4), _normal(22, 2, 5, 4)]),
"scatter_add_repeated": ('''
import numpy as np

def segment_energy(values, seg, n_seg):
    totals = np.zeros(n_seg)
    np.add.at(totals, seg, values)
    return np.sum(totals ** 2)
''', "segment_energy", lambda: [_normal(1, 6), np.array([0, 1, 1, 2, 0, 1]), 3]),
"fancy_inc_repeated": ('''
import numpy as np

def bumps(x, idx):
    y = x.copy()
    y[idx] += 1.0
    return np.sum(y ** 3)
''', "bumps", lambda: [_normal(2, 5), np.array([0, 2, 2])]),
"cumsum_axis_returns": ('''
import numpy as np

def discounted(rewards, gamma):
    T = len(rewards)
    disc = gamma ** np.arange(T)
    return np.sum(np.cumsum((rewards * disc)[::-1])[::-1] ** 2)
''', "discounted", lambda: [_normal(3, 5), 0.9]),
"sort_trimmed": ('''
import numpy as np

def trimmed(x):
    s = np.sort(x)
    return np.mean(s[1:-1] ** 2)
''', "trimmed", lambda: [_normal(4, 7)]),
"prod_probs": ('''
import numpy as np

def joint(p):
    return np.prod(p, axis=1).sum()
''', "joint", lambda: [_uniform(5, 3, 4)]),
"builtin_max_arrays": ('''
import numpy as np

def hinge(s, y):
    return np.sum(np.maximum(0.0, 1.0 - y * s)) + 0.5 * max(np.sum(s ** 2), 1.0)
''', "hinge", lambda: [_normal(6, 5), np.array([1., -1., 1., -1., 1.])]),
"view_inplace_physics": ('''
import numpy as np

def relax(u, w, iters=3):
    u = u.copy()
    for _ in range(iters):
        interior = u[1:-1]
        interior += w * (0.5 * (u[:-2] + u[2:]) - interior)
    return np.sum(u ** 2)
''', "relax", lambda: [_normal(7, 7), 0.6]),
"where_broadcast": ('''
import numpy as np

def piecewise(x, a, b):
    return np.sum(np.where(x > 0, a * x ** 2, b[:, None] * x))
''', "piecewise", lambda: [_normal(8, 3, 4), 1.5, _normal(9, 3)]),
"norm_ord_fro_nuc_free": ('''
import numpy as np

def reg(W, lam):
    return lam * np.linalg.norm(W, 'fro') ** 2 + np.linalg.norm(W @ W.T, ord=2) * 0.0
''', "reg", lambda: [_normal(10, 3, 4), 0.3]),
"stack_list_of_scalars": ('''
import numpy as np

def poly_features(x, w):
    feats = np.stack([np.ones_like(x), x, x ** 2, np.sin(x)], axis=1)
    return np.sum((feats @ w) ** 2)
''', "poly_features", lambda: [_normal(11, 5), _normal(12, 4)]),
"reshape_grads_axes_mean_var_ddof": ('''
import numpy as np

def zscore_loss(x, w):
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    return np.sum((z @ w) ** 2)
''', "zscore_loss", lambda: [_normal(13, 5, 3), _normal(14, 3)]),
"loop_list_index_minus_one_append_arrays": ('''
import numpy as np

def unroll(x0, A, n=4):
    xs = [x0]
    for i in range(n):
        xs.append(np.tanh(A @ xs[-1]))
    return sum(np.sum(v ** 2) for v in xs)
''', "unroll", lambda: [_normal(15, 3), _normal(16, 3, 3)]),
"tuple_return_energy_force_used": ('''
import numpy as np

def energy_and_force(x, k):
    e = 0.5 * k * np.sum(x ** 2)
    f = -k * x
    return e, f

def step_energy(x, v, k, dt):
    e, f = energy_and_force(x, k)
    v = v + dt * f
    x = x + dt * v
    e2, _ = energy_and_force(x, k)
    return e2 + 0.5 * np.sum(v ** 2)
''', "step_energy", lambda: [_normal(17, 3), _normal(18, 3), 1.3, 0.1]),
"dict_params_loop_keys": ('''
import numpy as np

def mlp_loss(params, X, y):
    h = X
    for i in range(1, 3):
        h = h @ params["W%d" % i] + params["b%d" % i]
        if i < 2:
            h = np.maximum(h, 0)
    return np.mean((h - y) ** 2)
''', "mlp_loss", lambda: [{"W1": _normal(19, 3, 4), "b1": _normal(20, 4), "W2": _normal(21, 4, 1), "b2": _normal(22, 1)}, _normal(23, 5, 3), _normal(24, 5, 1)]),
"affine_bn_relu_sandwich_own_words": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    out = gamma * x_hat + beta
    cache = (x, x_hat, mu, var, gamma, beta, eps)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_bn_relu_forward(x, w, b, gamma, beta, bn_param):
    """
    - x: Input of shape (N, D)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)
    - gamma, beta: Scale and shift of shape (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    a_bn, bn_cache = batchnorm_forward(a, gamma, beta, bn_param)
    out, relu_cache = relu_forward(a_bn)
    cache = (fc_cache, bn_cache, relu_cache)
    return out, cache
''', "affine_bn_relu_forward", lambda: [_normal(1, 4, 3), _normal(2, 3, 5), _normal(3, 5), _uniform(4, 5), _normal(5, 5), {"mode": "train"}]),
"conv_relu_pool_naive_sandwich": ('''
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
''', "conv_relu_forward", lambda: [_normal(6, 2, 2, 4, 4), _normal(7, 3, 2, 2, 2), _normal(8, 3)]),
"rnn_loop_step_returns_no_cache_name": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h, prev_h

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: (N, T, D)
    - h0: (N, H)
    - Wx: (D, H)
    - Wh: (H, H)
    - b: (H,)
    """
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
''', "rnn_forward", lambda: [_normal(1, 2, 3, 4), _normal(2, 2, 5), _normal(3, 4, 5) * .5, _normal(4, 5, 5) * .5, _normal(5, 5)]),
"sandwich_helper_returns_tuple_display": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    return out, (x, w, b)

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
''', "affine_relu_forward", lambda: [_normal(6, 3, 4), _normal(7, 4, 5), _normal(8, 5)]),
"sandwich_helper_cache_named_otherwise": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    stuff = (x, w, b)
    return out, stuff

def affine_relu_forward(x, w, b):
    """
    - x: (N, D)
    - w: (D, M)
    - b: (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    out = np.maximum(0, a)
    cache = (fc_cache, a)
    return out, cache
''', "affine_relu_forward", lambda: [_normal(9, 3, 4), _normal(10, 4, 5), _normal(11, 5)]),
# ----------------------------------------------------------------------------- a batch in the idioms of public
# code: CS231n's three assignments (loss functions with their own gradients, layers with docstrings and
# settings dicts, recurrent layers, attention), autograd's examples, numpy-ml's and the 'from scratch'
# books' layers and losses, and physics
"a1_svm_naive_dW_accumulated": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    # compute the loss and the gradient
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]

    # Right now the loss is a sum over all training examples, but we want it
    # to be an average instead so we divide by num_train.
    loss /= num_train
    dW /= num_train

    # Add regularization to the loss.
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W

    return loss, dW
''', "svm_loss_naive", lambda: [_normal(3001, 5, 3) * 0.3, _normal(3002, 4, 5), np.array([0, 2, 1, 2]), 0.1],
    {"wrt": [0]}),

"a1_svm_vectorized_margins_mask": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    """
    Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive.
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # initialize the gradient as zero

    num_train = X.shape[0]
    scores = X.dot(W)
    correct_class_scores = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct_class_scores + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    loss += reg * np.sum(W * W)

    binary = (margins > 0).astype(float)
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(num_train), y] = -row_sum
    dW = X.T.dot(binary) / num_train + 2 * reg * W

    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(3003, 5, 3) * 0.3, _normal(3004, 6, 5), np.array([0, 2, 1, 2, 1, 0]), 0.05],
    {"wrt": [0]}),

"a1_softmax_naive_shift_loops": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss function, naive implementation (with loops)

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        sum_exp = 0.0
        for j in range(num_classes):
            sum_exp += np.exp(scores[j])
        loss += -scores[y[i]] + np.log(sum_exp)
        for j in range(num_classes):
            p = np.exp(scores[j]) / sum_exp
            dW[:, j] += (p - (j == y[i])) * X[i]

    loss /= num_train
    dW /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W
    return loss, dW
''', "softmax_loss_naive", lambda: [_normal(3005, 4, 3) * 0.5, _normal(3006, 5, 4), np.array([1, 0, 2, 2, 1]), 0.2],
    {"wrt": [0]}),

"a1_softmax_vectorized_keepdims": ('''
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]

    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_train), y])
    loss = correct_logprobs.sum() / num_train + reg * np.sum(W ** 2)

    dscores = probs.copy()
    dscores[range(num_train), y] -= 1
    dW = X.T @ dscores / num_train + 2 * reg * W
    return loss, dW
''', "softmax_loss_vectorized", lambda: [_normal(3007, 4, 3) * 0.5, _normal(3008, 6, 4), np.array([1, 0, 2, 2, 1, 0]), 0.1],
    {"wrt": [0]}),

"a1_two_layer_net_loss_method": ('''
import numpy as np

class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network. The net has an input dimension of
    N, a hidden layer dimension of H, and performs classification over C classes.
    """

    def loss(self, X, y=None, reg=0.0):
        """
        Compute the loss and gradients for a two layer fully connected neural
        network.
        """
        # Unpack variables from the params dictionary
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        N, D = X.shape

        # Compute the forward pass
        scores = None
        h1 = np.maximum(0, X.dot(W1) + b1)
        scores = h1.dot(W2) + b2

        # If the targets are not given then jump out, we're done
        if y is None:
            return scores

        # Compute the loss
        loss = None
        shifted = scores - np.max(scores, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        return loss
''', "TwoLayerNet.loss", lambda: [{"W1": _normal(3009, 4, 5) * 0.5, "b1": _normal(3010, 5) * 0.1,
                                   "W2": _normal(3011, 5, 3) * 0.5, "b2": _normal(3012, 3) * 0.1},
                                  _normal(3013, 6, 4), np.array([0, 1, 2, 1, 0, 2]), 0.05]),

"a1_two_layer_function_scores_loss": ('''
import numpy as np

def two_layer_loss(params, X, y, reg=0.0):
    """Loss of a two-layer net, ReLU in between, softmax on top (params: a dict W1, b1, W2, b2)."""
    W1, b1 = params['W1'], params['b1']
    W2, b2 = params['W2'], params['b2']
    N, D = X.shape

    z1 = X.dot(W1) + b1
    a1 = np.maximum(0, z1)
    scores = a1.dot(W2) + b2

    exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    data_loss = np.sum(-np.log(probs[np.arange(N), y])) / N
    reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    return loss
''', "two_layer_loss", lambda: [{"W1": _normal(3014, 4, 5) * 0.5, "b1": _normal(3015, 5) * 0.1,
                                 "W2": _normal(3016, 5, 3) * 0.5, "b2": _normal(3017, 3) * 0.1},
                                _normal(3018, 6, 4), np.array([0, 1, 2, 1, 0, 2]), 0.05], {"wrt": [0]}),

# CS231n assignment 2
"a2_affine_forward_xs_matmul": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    Computes the forward pass for an affine (fully-connected) layer.

    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    ###########################################################################
    # TODO: Implement the affine forward pass. Store the result in out.       #
    ###########################################################################
    Xs = x.reshape(x.shape[0], -1)
    out = Xs @ w + b
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(3019, 2, 3, 2), _normal(3020, 6, 4), _normal(3021, 4)]),

"a2_affine_forward_prod_shape": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    out = None
    N = x.shape[0]
    D = np.prod(x.shape[1:])
    x_rows = np.reshape(x, (N, D))
    out = np.dot(x_rows, w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(3022, 3, 2, 2), _normal(3023, 4, 5), _normal(3024, 5)]),

"a2_relu_forward_where": ('''
import numpy as np

def relu_forward(x):
    """
    Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x
    """
    out = None
    out = np.where(x > 0, x, 0)
    cache = x
    return out, cache
''', "relu_forward", lambda: [_normal(3025, 3, 4)]),

"a2_relu_forward_inplace_copy_clip": ('''
import numpy as np

def relu_forward(x):
    """
    Input:
    - x: Inputs, of any shape
    """
    out = None
    out = np.copy(x)
    out[x <= 0] = 0.0
    cache = x
    return out, cache
''', "relu_forward", lambda: [_normal(3026, 2, 3, 2)]),

"a2_batchnorm_train_running_dict": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Forward pass for batch normalization.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability
      - momentum: Constant for running mean / variance.
      - running_mean: Array of shape (D,) giving running mean of features
      - running_var Array of shape (D,) giving running variance of features

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        sample_mean = x.mean(axis=0)
        sample_var = x.var(axis=0)
        x_centered = x - sample_mean
        std = np.sqrt(sample_var + eps)
        x_norm = x_centered / std
        out = gamma * x_norm + beta

        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        cache = (x, x_centered, std, x_norm, gamma, beta, eps)
    elif mode == "test":
        x_norm = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_norm + beta
        cache = (x, x_norm, gamma, beta)
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache
''', "batchnorm_forward", lambda: [_normal(3027, 5, 3), _uniform(3028, 3), _normal(3029, 3), {"mode": "train"}]),

"a2_batchnorm_alt_keepdims_cache_dict": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    eps = bn_param.get('eps', 1e-5)
    mu = np.mean(x, axis=0, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=0, keepdims=True)
    ivar = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * ivar
    out = gamma * xhat + beta
    cache = {'x': x, 'mu': mu, 'var': var, 'ivar': ivar, 'xhat': xhat, 'gamma': gamma, 'beta': beta, 'eps': eps}
    return out, cache
''', "batchnorm_forward", lambda: [_normal(3030, 6, 4), _uniform(3031, 4), _normal(3032, 4), {"mode": "train"}]),

"a2_layernorm_transpose_batchnorm_style": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """
    Forward pass for layer normalization.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
        - eps: Constant for numeric stability

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = xn * gamma + beta
    cache = (x, xc, std, xn, gamma, beta)
    return out, cache
''', "layernorm_forward", lambda: [_normal(3033, 4, 5), _uniform(3034, 5), _normal(3035, 5), {}]),

"a2_dropout_forward_mask_param_train": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    """
    Performs the forward pass for (inverted) dropout.

    Inputs:
    - x: Input data, of any shape
    - dropout_param: A dictionary with the following keys:
      - p: Dropout parameter. We keep each neuron output with probability p.
      - mode: 'test' or 'train'.
      - mask: the keep mask to use (given here so the pass is repeatable)

    Outputs:
    - out: Array of the same shape as x.
    - cache: tuple (dropout_param, mask).
    """
    p, mode = dropout_param["p"], dropout_param["mode"]

    mask = None
    out = None

    if mode == "train":
        mask = dropout_param["mask"] / p
        out = x * mask
    elif mode == "test":
        out = x

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache
''', "dropout_forward", lambda: [_normal(3036, 4, 5), {"p": 0.6, "mode": "train",
                                                       "mask": (_rng(3037).uniform(size=(4, 5)) < 0.6).astype(float)}]),

"a2_conv_forward_naive_pad_loops": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant', constant_values=0)
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs = i * stride
                    ws = j * stride
                    window = x_pad[n, :, hs:hs + HH, ws:ws + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(3038, 1, 2, 3, 3), _normal(3039, 2, 2, 2, 2), _normal(3040, 2),
                                   {"stride": 1, "pad": 1}], {"slow": True}),

"a2_max_pool_naive_amax": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for a max-pooling layer.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W')
    - cache: (x, pool_param)
    """
    out = None
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            region = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            out[:, :, i, j] = np.amax(region, axis=(2, 3))
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(3041, 2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}]),

"a2_spatial_batchnorm_calls_vanilla": ('''
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
    """
    Computes the forward pass for spatial batch normalization.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out_flat, cache = batchnorm_forward(x_flat, gamma, beta, bn_param)
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, cache
''', "spatial_batchnorm_forward", lambda: [_normal(3042, 2, 3, 2, 2), _uniform(3043, 3), _normal(3044, 3),
                                          {"mode": "train"}]),

"a2_spatial_groupnorm_keepdims": ('''
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    Computes the forward pass for spatial group normalization.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer mumber of groups to split into, should be a divisor of C
    - gn_param: Dictionary with the following keys:
      - eps: Constant for numeric stability

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    x_group = x.reshape(N, G, C // G, H, W)
    mean = np.mean(x_group, axis=(2, 3, 4), keepdims=True)
    var = np.var(x_group, axis=(2, 3, 4), keepdims=True)
    x_groupnorm = (x_group - mean) / np.sqrt(var + eps)
    x_norm = x_groupnorm.reshape(N, C, H, W)
    out = x_norm * gamma + beta
    cache = (G, x, x_norm, mean, var, gamma, beta, eps)
    return out, cache
''', "spatial_groupnorm_forward", lambda: [_normal(3045, 2, 4, 2, 2), _uniform(3046, 1, 4, 1, 1),
                                          _normal(3047, 1, 4, 1, 1), 2, {}]),

"a2_fc_net_loss_layers_loop_dict": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache

def softmax_loss(x, y):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    return loss

def fc_net_loss(W1, b1, W2, b2, W3, b3, X, y, reg=0.0):
    """A three-layer net {affine - relu} x 2 - affine - softmax, as FullyConnectedNet.loss computes it."""
    h1, cache1 = affine_relu_forward(X, W1, b1)
    h2, cache2 = affine_relu_forward(h1, W2, b2)
    scores, cache3 = affine_forward(h2, W3, b3)
    loss = softmax_loss(scores, y)
    for W in (W1, W2, W3):
        loss += 0.5 * reg * np.sum(W * W)
    return loss
''', "fc_net_loss", lambda: [_normal(3048, 4, 5) * .5, _normal(3049, 5) * .1, _normal(3050, 5, 4) * .5,
                            _normal(3051, 4) * .1, _normal(3052, 4, 3) * .5, _normal(3053, 3) * .1,
                            _normal(3054, 3, 4), np.array([0, 2, 1]), 0.1]),
# CS231n assignment 3
"a3_rnn_step_forward_tanh_cache_tuple": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    Run the forward pass for a single timestep of a vanilla RNN that uses a tanh
    activation function.

    Inputs:
    - x: Input data for this timestep, of shape (N, D).
    - prev_h: Hidden state from previous timestep, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)

    Returns a tuple of:
    - next_h: Next hidden state, of shape (N, H)
    - cache: Tuple of values needed for the backward pass.
    """
    next_h, cache = None, None
    a = prev_h.dot(Wh) + x.dot(Wx) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
''', "rnn_step_forward", lambda: [_normal(3101, 3, 4), _normal(3102, 3, 5), _normal(3103, 4, 5) * .5,
                                 _normal(3104, 5, 5) * .5, _normal(3105, 5)]),

"a3_rnn_forward_transpose_loop": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    """
    Run a vanilla RNN forward on an entire sequence of data.

    Inputs:
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)

    Returns a tuple of:
    - h: Hidden states for the entire timeseries, of shape (N, T, H).
    - cache: Values needed in the backward pass
    """
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        prev_h, cache_t = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(cache_t)
    return h, cache
''', "rnn_forward", lambda: [_normal(3106, 2, 3, 4), _normal(3107, 2, 5), _normal(3108, 4, 5) * .5,
                            _normal(3109, 5, 5) * .5, _normal(3110, 5)]),

"a3_word_embedding_forward_index": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    Forward pass for word embeddings.

    Inputs:
    - x: Integer array of shape (N, T) giving indices of words. Each element idx
      of x muxt be in the range 0 <= idx < V.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.

    Returns a tuple of:
    - out: Array of shape (N, T, D) giving word vectors for all input words.
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    out = W[x, :]
    cache = (x, W.shape)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 1], [2, 2, 4]]), _normal(3111, 5, 3)]),

"a3_temporal_affine_forward_reshape": ('''
import numpy as np

def temporal_affine_forward(x, w, b):
    """
    Forward pass for a temporal affine layer.

    Inputs:
    - x: Input data of shape (N, T, D)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)

    Returns a tuple of:
    - out: Output data of shape (N, T, M)
    - cache: Values needed for the backward pass
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache
''', "temporal_affine_forward", lambda: [_normal(3112, 2, 3, 4), _normal(3113, 4, 5), _normal(3114, 5)]),

"a3_temporal_softmax_loss_flat_mask": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask, verbose=False):
    """
    A temporal version of softmax loss for use in RNNs.

    Inputs:
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range
         0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.

    Returns a tuple of:
    - loss: Scalar giving loss
    - dx: Gradient of loss with respect to scores x.
    """
    N, T, V = x.shape

    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)

    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]

    if verbose:
        print("dx_flat: ", dx_flat.shape)

    dx = dx_flat.reshape(N, T, V)

    return loss, dx
''', "temporal_softmax_loss", lambda: [_normal(3115, 2, 3, 4), np.array([[0, 3, 1], [2, 2, 0]]),
                                      np.array([[True, True, False], [True, False, False]])], {"wrt": [0]}),

"a3_lstm_step_forward_slices_H": ('''
import numpy as np

def sigmoid(x):
    """A numerically stable version of the logistic sigmoid function."""
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    Forward pass for a single timestep of an LSTM.

    Inputs:
    - x: Input data, of shape (N, D)
    - prev_h: Previous hidden state, of shape (N, H)
    - prev_c: previous cell state, of shape (N, H)
    - Wx: Input-to-hidden weights, of shape (D, 4H)
    - Wh: Hidden-to-hidden weights, of shape (H, 4H)
    - b: Biases, of shape (4H,)

    Returns a tuple of:
    - next_h: Next hidden state, of shape (N, H)
    - next_c: Next cell state, of shape (N, H)
    - cache: Tuple of values needed for backward pass.
    """
    next_h, next_c, cache = None, None, None
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
''', "lstm_step_forward", lambda: [_normal(3116, 2, 3), _normal(3117, 2, 2), _normal(3118, 2, 2),
                                  _normal(3119, 3, 8) * .5, _normal(3120, 2, 8) * .5, _normal(3121, 8) * .1]),

"a3_lstm_forward_loop_step": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    ai, af, ao, ag = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i, f, o, g = sigmoid(ai), sigmoid(af), sigmoid(ao), np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache

def lstm_forward(x, h0, Wx, Wh, b):
    """
    Forward pass for an LSTM over an entire sequence of data.

    Inputs:
    - x: Input data of shape (N, T, D)
    - h0: Initial hidden state of shape (N, H)
    - Wx: Weights for input-to-hidden connections, of shape (D, 4H)
    - Wh: Weights for hidden-to-hidden connections, of shape (H, 4H)
    - b: Biases of shape (4H,)

    Returns a tuple of:
    - h: Hidden states for all timesteps of all sequences, of shape (N, T, H)
    - cache: Values needed for the backward pass.
    """
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros_like(h0)
    prev_h = h0
    cache = []
    for t in range(T):
        prev_h, c, step_cache = lstm_step_forward(x[:, t, :], prev_h, c, Wx, Wh, b)
        h[:, t, :] = prev_h
        cache.append(step_cache)
    return h, cache
''', "lstm_forward", lambda: [_normal(3122, 2, 3, 3), _normal(3123, 2, 2), _normal(3124, 3, 8) * .5,
                             _normal(3125, 2, 8) * .5, _normal(3126, 8) * .1]),

"a3_captioning_loss_function": ('''
import numpy as np

def captioning_loss(features, captions_in, captions_out, mask, W_proj, b_proj, W_embed, Wx, Wh, b, W_vocab, b_vocab):
    """The loss of CaptioningRNN, written out: project the image features to h0, embed the words,
    run a vanilla RNN, score the vocabulary at every step, softmax over it where the mask holds."""
    N, T = captions_in.shape
    h0 = features.dot(W_proj) + b_proj
    x = W_embed[captions_in]
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = prev_h
    V = W_vocab.shape[1]
    scores = h.reshape(N * T, H).dot(W_vocab).reshape(N, T, V) + b_vocab
    flat = scores.reshape(N * T, V)
    flat = flat - flat.max(axis=1, keepdims=True)
    log_probs = flat - np.log(np.exp(flat).sum(axis=1, keepdims=True))
    loss = -np.sum(mask.reshape(N * T) * log_probs[np.arange(N * T), captions_out.reshape(N * T)]) / N
    return loss
''', "captioning_loss", lambda: [_normal(3127, 2, 4), np.array([[0, 2, 1], [0, 1, 3]]),
                                np.array([[2, 1, 3], [1, 3, 0]]), np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]),
                                _normal(3128, 4, 3) * .5, _normal(3129, 3) * .1, _normal(3130, 4, 2) * .5,
                                _normal(3131, 2, 3) * .5, _normal(3132, 3, 3) * .5, _normal(3133, 3) * .1,
                                _normal(3134, 3, 4) * .5, _normal(3135, 4) * .1],
    {"wrt": [0, 4, 5, 6, 7, 8, 9, 10, 11]}),

"a3_attention_scaled_dot_product_mask": ('''
import numpy as np

def scaled_dot_product_attention(query, key, value, attn_mask):
    """
    query, key, value: arrays of shape (N, S, E) and (N, T, E)
    attn_mask: array of shape (S, T), 0 where attention is not allowed
    """
    N, S, E = query.shape
    scores = query @ key.transpose(0, 2, 1) / np.sqrt(E)
    scores = np.where(attn_mask == 0, -1e9, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    output = weights @ value
    return np.sum(output ** 2)
''', "scaled_dot_product_attention", lambda: [_normal(3136, 2, 3, 4), _normal(3137, 2, 3, 4), _normal(3138, 2, 3, 4),
                                             np.tril(np.ones((3, 3)))], {"wrt": [0, 1, 2]}),

"a3_multihead_attention_reshape_heads": ('''
import numpy as np

def multihead_attention(x, Wq, Wk, Wv, Wo, num_heads=2):
    """Self-attention of x (N, S, E) over num_heads heads, as MultiHeadAttention.forward computes it."""
    N, S, E = x.shape
    H = num_heads
    q = (x @ Wq).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    k = (x @ Wk).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    v = (x @ Wv).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(E / H)
    att = np.exp(att - att.max(axis=-1, keepdims=True))
    att = att / att.sum(axis=-1, keepdims=True)
    y = (att @ v).transpose(0, 2, 1, 3).reshape(N, S, E)
    output = y @ Wo
    return output.sum()
''', "multihead_attention", lambda: [_normal(3139, 2, 3, 4), _normal(3140, 4, 4) * .5, _normal(3141, 4, 4) * .5,
                                    _normal(3142, 4, 4) * .5, _normal(3143, 4, 4) * .5]),

"a3_positional_encoding_add": ('''
import numpy as np

def embed_with_positions(x, W_embed, pe):
    """Token embeddings plus a (max_len, D) table of positional encodings cut to the sequence's length."""
    N, S = x.shape
    out = W_embed[x] + pe[:S]
    return np.sum(np.tanh(out))
''', "embed_with_positions", lambda: [np.array([[1, 0, 3], [2, 2, 1]]), _normal(3144, 4, 5), _normal(3145, 6, 5)],
    {"wrt": [1, 2]}),

"a3_gram_style_loss_layers": ('''
import numpy as np

def gram_matrix(features, normalize=True):
    """
    Compute the Gram matrix from features.

    Inputs:
    - features: array of shape (C, H, W) giving features for a single image.
    - normalize: optional, whether to normalize the Gram matrix
    """
    C, H, W = features.shape
    F = features.reshape(C, H * W)
    gram = F @ F.T
    if normalize:
        gram = gram / (H * W * C)
    return gram

def style_loss(feats, style_targets, style_weights):
    """Sum over two layers of the weighted squared difference of Gram matrices."""
    loss = 0.0
    for i in range(len(feats)):
        G = gram_matrix(feats[i])
        loss += style_weights[i] * np.sum((G - style_targets[i]) ** 2)
    return loss
''', "style_loss", lambda: [[_normal(3146, 2, 2, 3), _normal(3147, 3, 2, 2)],
                           [_normal(3148, 2, 2) * .1, _normal(3149, 3, 3) * .1], [0.5, 2.0]], {"wrt": [0]}),

"a3_tv_loss_slices": ('''
import numpy as np

def tv_loss(img, tv_weight):
    """
    Compute total variation loss.

    Inputs:
    - img: array of shape (1, 3, H, W) holding an input image.
    - tv_weight: Scalar giving the weight w_t to use for the TV loss.
    """
    h_var = np.sum((img[:, :, 1:, :] - img[:, :, :-1, :]) ** 2)
    w_var = np.sum((img[:, :, :, 1:] - img[:, :, :, :-1]) ** 2)
    loss = tv_weight * (h_var + w_var)
    return loss
''', "tv_loss", lambda: [_normal(3150, 1, 3, 4, 4), 0.3]),
# autograd's examples
"ag_neural_net_log_posterior_l2": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def neural_net_predict(params, inputs):
    """Implements a deep neural network for classification.
       params is a list of (weights, bias) tuples.
       inputs is an (N x D) matrix.
       returns normalized class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)

def l2_norm(params):
    """Computes l2 norm of params by flattening them into a vector."""
    return sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(3201, 3, 4) * .5, _normal(3202, 4) * .1), (_normal(3203, 4, 2) * .5, _normal(3204, 2) * .1)],
                              _normal(3205, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]], 0.1], {"wrt": [0]}),

"ag_gaussian_process_rbf_solve": ('''
import autograd.numpy as np
import autograd.numpy.random as npr
from autograd.scipy.stats import multivariate_normal as mvn

def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

def log_marginal_likelihood(params, x, y):
    mean = params[0]
    noise_scale = np.exp(params[1]) + 0.0001
    cov_params = params[2:]
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    prior_mean = mean * np.ones(len(y))
    return mvn.logpdf(y, prior_mean, cov_y_y)
''', "log_marginal_likelihood", lambda: [np.array([0.1, -1.0, 0.2, -0.3]), _normal(3208, 5, 1), _normal(3209, 5)],
    {"wrt": [0]}),

"ag_mixture_gaussian_logsumexp_unpack": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def unpack_params(params):
    """Unpacks parameter vector into the proportions, means and covariances
    of each mixture component."""
    log_proportions = params[0:2]
    normalized_log_proportions = log_proportions - logsumexp(log_proportions)
    means = params[2:4]
    log_stds = params[4:6]
    return normalized_log_proportions, means, log_stds

def mog_log_marginal_likelihood(params, data):
    log_weights, means, log_stds = unpack_params(params)
    cluster_lls = []
    for log_weight, mean, log_std in zip(log_weights, means, log_stds):
        z = (data - mean) / np.exp(log_std)
        ll = -0.5 * z ** 2 - log_std - 0.5 * np.log(2 * np.pi)
        cluster_lls.append(log_weight + ll)
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))
''', "mog_log_marginal_likelihood", lambda: [np.array([0.2, -0.1, -1.0, 1.0, -0.2, 0.3]), _normal(3210, 7)],
    {"wrt": [0]}),

"ag_black_box_svi_given_samples": ('''
import autograd.numpy as np
import autograd.scipy.stats.norm as norm

def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = norm.logpdf(log_sigma, 0, 1.35)
    mu_density = norm.logpdf(mu, 0, np.exp(log_sigma))
    return sigma_density + mu_density

def gaussian_entropy(log_std):
    return 0.5 * 2 * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

def variational_objective(params, eps, t=0):
    """Provides a stochastic estimate of the variational lower bound."""
    D = 2
    mean, log_std = params[:D], params[D:]
    samples = eps * np.exp(log_std) + mean
    lower_bound = gaussian_entropy(log_std) + np.mean(log_density(samples, t))
    return -lower_bound
''', "variational_objective", lambda: [np.array([0.3, -0.5, -1.0, -0.7]), _normal(3211, 6, 2)], {"wrt": [0]}),

"ag_bayesian_nn_list_shapes_loop": ('''
import autograd.numpy as np

def unpack_layers(weights):
    W1 = weights[:3].reshape(1, 3)
    b1 = weights[3:6]
    W2 = weights[6:9].reshape(3, 1)
    b2 = weights[9:10]
    return [(W1, b1), (W2, b2)]

def predictions(weights, inputs):
    for W, b in unpack_layers(weights):
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def logprob(weights, inputs, targets, noise_variance=0.1):
    log_prior = -0.5 * np.sum(weights ** 2)
    preds = predictions(weights, inputs)
    log_lik = -np.sum((preds - targets) ** 2) / noise_variance
    return log_prior + log_lik
''', "logprob", lambda: [_normal(3212, 10) * .5, _normal(3213, 6, 1), _normal(3214, 6, 1)], {"wrt": [0]}),

"ag_ode_net_euler_loop": ('''
import autograd.numpy as np

def nn_predict(inputs, params):
    W1, b1, W2, b2 = params
    hidden = np.tanh(np.dot(inputs, W1) + b1)
    return np.dot(hidden, W2) + b2

def ode_pred(params, y0, t_max=1.0, num_steps=10):
    dt = t_max / num_steps
    y = y0
    for i in range(num_steps):
        y = y + dt * nn_predict(y, params)
    return y

def L2_loss(params, y0, target):
    pred = ode_pred(params, y0)
    return np.mean((pred - target) ** 2)
''', "L2_loss", lambda: [(_normal(3215, 2, 4) * .5, _normal(3216, 4) * .1, _normal(3217, 4, 2) * .5, _normal(3218, 2) * .1),
                        _normal(3219, 3, 2), _normal(3220, 3, 2)], {"wrt": [0, 1]}),

"ag_fluidsim_project_roll": ('''
import autograd.numpy as np

def project(vx, vy):
    """Project the velocity field to be approximately mass-conserving,
       using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                    + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))

    for k in range(5):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
                 + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0

    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy

def final_energy(vx, vy):
    vx, vy = project(vx, vy)
    return np.sum(vx ** 2 + vy ** 2)
''', "final_energy", lambda: [_normal(3221, 4, 4), _normal(3222, 4, 4)]),

"ag_rkhs_kernel_sum": ('''
import autograd.numpy as np

def rbf(x, y, ls=0.5):
    return np.exp(-np.sum((x - y) ** 2) / (2 * ls ** 2))

def rkhs_loss(coefs, centers, xs, ys):
    """A function in the RKHS, a weighted sum of kernels at the centers, fit to (xs, ys)."""
    total = 0.0
    for x, y in zip(xs, ys):
        pred = 0.0
        for c, center in zip(coefs, centers):
            pred = pred + c * rbf(x, center)
        total = total + (pred - y) ** 2
    return total
''', "rkhs_loss", lambda: [_normal(3223, 3), _normal(3224, 3, 2), _normal(3225, 4, 2), _normal(3226, 4)], {"wrt": [0, 1]}),

"ag_negative_binomial_gammaln": ('''
import autograd.numpy as np
from autograd.scipy.special import gammaln

def negbin_loglike(r, p, x):
    # the negative binomial log likelihood we want to maximize
    return gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p)

def negbin_objective(params, x):
    log_r, logit_p = params[0], params[1]
    r = np.exp(log_r)
    p = 1.0 / (1.0 + np.exp(-logit_p))
    return -np.sum(negbin_loglike(r, p, x))
''', "negbin_objective", lambda: [np.array([0.5, -0.2]), np.array([1.0, 3.0, 0.0, 2.0, 5.0])], {"wrt": [0]}),

"ag_convnet_conv_layer_einsum": ('''
import autograd.numpy as np

def conv_valid(inputs, weights):
    """inputs (N, C, H, W), weights (C, F, k, k): a valid correlation summed over C."""
    N, C, H, W = inputs.shape
    _, F, k, _ = weights.shape
    out = np.zeros((N, F, H - k + 1, W - k + 1))
    for i in range(k):
        for j in range(k):
            patch = inputs[:, :, i:i + H - k + 1, j:j + W - k + 1]
            out = out + np.einsum('nchw,cf->nfhw', patch, weights[:, :, i, j])
    return out

def convnet_loss(weights, biases, inputs, targets):
    h = np.tanh(conv_valid(inputs, weights) + biases[None, :, None, None])
    logits = h.reshape(h.shape[0], -1)
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(log_probs * targets)
''', "convnet_loss", lambda: [_normal(3227, 2, 2, 2, 2) * .5, _normal(3228, 2) * .1, _normal(3229, 2, 2, 3, 3),
                             np.eye(8)[[1, 6]]], {"wrt": [0, 1]}),

"ag_lstm_concat_and_multiply_explicit": ('''
import autograd.numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def concat_and_multiply(weights, x, h):
    cat_state = np.hstack((x, h, np.ones((x.shape[0], 1))))
    return np.dot(cat_state, weights)

def lstm_predict(init_hiddens, init_cells, change, forget, ingate, outgate, predict, inputs):
    hiddens, cells = init_hiddens, init_cells
    loss = 0.0
    for input in inputs:
        change_t = np.tanh(concat_and_multiply(change, input, hiddens))
        forget_t = sigmoid(concat_and_multiply(forget, input, hiddens))
        ingate_t = sigmoid(concat_and_multiply(ingate, input, hiddens))
        outgate_t = sigmoid(concat_and_multiply(outgate, input, hiddens))
        cells = cells * forget_t + ingate_t * change_t
        hiddens = outgate_t * np.tanh(cells)
        loss = loss + np.sum(np.dot(hiddens, predict) ** 2)
    return loss
''', "lstm_predict", lambda: [_normal(3230, 2, 3) * .5, _normal(3231, 2, 3) * .5] +
    [_normal(3232 + k, 6, 3) * .5 for k in range(4)] + [_normal(3236, 3, 2) * .5, _normal(3237, 4, 2, 2)]),

"ag_rnn_hiddens_repeat_output_list": ('''
import autograd.numpy as np

def rnn_predict(init_hiddens, change, predict, inputs):
    num_sequences = inputs.shape[1]
    hiddens = np.repeat(init_hiddens, num_sequences, axis=0)
    output = []
    for input in inputs:
        cat_state = np.hstack((input, hiddens, np.ones((num_sequences, 1))))
        hiddens = np.tanh(np.dot(cat_state, change))
        output.append(np.dot(hiddens, predict))
    return output

def rnn_loss(init_hiddens, change, predict, inputs, targets):
    logprobs = rnn_predict(init_hiddens, change, predict, inputs)
    loglik = 0.0
    for t in range(len(logprobs)):
        loglik = loglik + np.sum((logprobs[t] - targets[t]) ** 2)
    return loglik
''', "rnn_loss", lambda: [_normal(3238, 1, 3) * .5, _normal(3239, 6, 3) * .5, _normal(3240, 3, 2) * .5,
                         _normal(3241, 4, 2, 2), _normal(3242, 4, 2, 2)], {"wrt": [0, 1, 2]}),
# "neural networks from scratch" and numpy-ml styles
"nnfs_dense_relu_softmax_cce": ('''
import numpy as np

def forward_pass(inputs, weights1, biases1, weights2, biases2, y_true):
    """Dense -> ReLU -> Dense -> Softmax -> categorical cross-entropy, as the layer classes chain them."""
    # Layer_Dense.forward
    output1 = np.dot(inputs, weights1) + biases1
    # Activation_ReLU.forward
    relu_output = np.maximum(0, output1)
    output2 = np.dot(relu_output, weights2) + biases2
    # Activation_Softmax.forward
    exp_values = np.exp(output2 - np.max(output2, axis=1, keepdims=True))
    probabilities = exp_values / np.sum(exp_values, axis=1, keepdims=True)
    # Loss_CategoricalCrossentropy.forward
    samples = len(probabilities)
    y_pred_clipped = np.clip(probabilities, 1e-7, 1 - 1e-7)
    correct_confidences = y_pred_clipped[range(samples), y_true]
    negative_log_likelihoods = -np.log(correct_confidences)
    data_loss = np.mean(negative_log_likelihoods)
    return data_loss
''', "forward_pass", lambda: [_normal(3301, 5, 2), _normal(3302, 2, 4) * .5, _normal(3303, 1, 4) * .1,
                             _normal(3304, 4, 3) * .5, _normal(3305, 1, 3) * .1, np.array([0, 1, 2, 1, 0])],
    {"wrt": [0, 1, 2, 3, 4]}),

"nnfs_cce_one_hot_targets": ('''
import numpy as np

def categorical_crossentropy(y_pred, y_true):
    samples = len(y_pred)
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        correct_confidences = y_pred_clipped[range(samples), y_true]
    elif len(y_true.shape) == 2:
        correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
    negative_log_likelihoods = -np.log(correct_confidences)
    return np.mean(negative_log_likelihoods)
''', "categorical_crossentropy", lambda: [_uniform(3306, 4, 3) / 3, np.eye(3)[[0, 2, 1, 1]]], {"wrt": [0]}),

"nnfs_binary_crossentropy_sigmoid": ('''
import numpy as np

def binary_loss(inputs, weights, biases, y_true):
    z = np.dot(inputs, weights) + biases
    y_pred = 1 / (1 + np.exp(-z))
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    sample_losses = -(y_true * np.log(y_pred_clipped) + (1 - y_true) * np.log(1 - y_pred_clipped))
    sample_losses = np.mean(sample_losses, axis=-1)
    return np.mean(sample_losses)
''', "binary_loss", lambda: [_normal(3307, 6, 3), _normal(3308, 3, 2) * .5, _normal(3309, 1, 2) * .1,
                            (_rng(3310).uniform(size=(6, 2)) > 0.5).astype(float)], {"wrt": [0, 1, 2]}),

"nnfs_l1_l2_regularization_loss": ('''
import numpy as np

def regularization_loss(weights, biases, weight_regularizer_l1=0.0, weight_regularizer_l2=5e-4,
                        bias_regularizer_l1=0.0, bias_regularizer_l2=5e-4):
    regularization_loss = 0
    if weight_regularizer_l1 > 0:
        regularization_loss += weight_regularizer_l1 * np.sum(np.abs(weights))
    if weight_regularizer_l2 > 0:
        regularization_loss += weight_regularizer_l2 * np.sum(weights * weights)
    if bias_regularizer_l1 > 0:
        regularization_loss += bias_regularizer_l1 * np.sum(np.abs(biases))
    if bias_regularizer_l2 > 0:
        regularization_loss += bias_regularizer_l2 * np.sum(biases * biases)
    return regularization_loss
''', "regularization_loss", lambda: [_normal(3311, 3, 4), _normal(3312, 1, 4)], {"wrt": [0, 1]}),

"numpyml_layernorm1d_forward": ('''
import numpy as np

def layernorm1d_forward(X, scaler, intercept, epsilon=1e-5):
    """
    Compute the layer normalization output for a mini-batch.

    Parameters
    ----------
    X : :py:class:`ndarray <numpy.ndarray>` of shape `(n_ex, n_in)`
        Layer input, representing the `n_in`-dimensional features for a
        minibatch of `n_ex` examples.

    Returns
    -------
    Y : :py:class:`ndarray <numpy.ndarray>` of shape `(n_ex, n_in)`
        Layer normalized output for each example in `X`.
    """
    X_mean, X_var = X.mean(axis=1, keepdims=True), X.var(axis=1, keepdims=True)
    lnorm = (X - X_mean) / np.sqrt(X_var + epsilon)
    y = scaler * lnorm + intercept
    return y
''', "layernorm1d_forward", lambda: [_normal(3313, 4, 5), _uniform(3314, 5), _normal(3315, 5)]),

"numpyml_fully_connected_act": ('''
import numpy as np

def fully_connected_forward(X, W, b):
    """
    X : ndarray of shape `(n_ex, n_in)`
    W : ndarray of shape `(n_in, n_out)`
    b : ndarray of shape `(1, n_out)`
    """
    Z = X @ W + b
    Y = np.tanh(Z)
    return Y
''', "fully_connected_forward", lambda: [_normal(3316, 4, 3), _normal(3317, 3, 2), _normal(3318, 1, 2)]),

"numpyml_squared_error_loss": ('''
import numpy as np

def squared_error_loss(y, y_pred):
    """
    Compute the squared error between `y` and `y_pred`.

    Parameters
    ----------
    y : :py:class:`ndarray <numpy.ndarray>` of shape (n, m)
        Ground truth values for each of `n` examples
    y_pred : :py:class:`ndarray <numpy.ndarray>` of shape (n, m)
        Predictions for the `n` examples in the batch.

    Returns
    -------
    loss : float
        The sum of squared error across dimensions and examples.
    """
    return 0.5 * np.linalg.norm(y_pred - y) ** 2
''', "squared_error_loss", lambda: [_normal(3319, 4, 2), _normal(3320, 4, 2)]),

"numpyml_cross_entropy_eps": ('''
import numpy as np

def cross_entropy(y, y_pred):
    """
    y : (n, m) one-hot class labels
    y_pred : (n, m) probabilities returned by a softmax
    """
    eps = np.finfo(float).eps
    cross_entropy = -np.sum(y * np.log(y_pred + eps))
    return cross_entropy
''', "cross_entropy", lambda: [np.eye(3)[[1, 0, 2]], _uniform(3321, 3, 3) / 3], {"wrt": [1]}),

"numpyml_vae_loss": ('''
import numpy as np

def vae_loss(y, y_pred, t_mean, t_log_var):
    """
    Variational lower bound for a Bernoulli VAE.

    y : (n_ex, N) original images in [0, 1]
    y_pred : (n_ex, N) VAE reconstruction
    t_mean : (n_ex, T) mean of the variational distribution q(t | x)
    t_log_var : (n_ex, T) log of the variance vector of q(t | x)
    """
    fn = lambda x: x
    eps = np.finfo(float).eps
    y_pred = np.clip(y_pred, eps, 1 - eps)
    rec_loss = -np.sum(y * np.log(y_pred) + (1 - y) * np.log(1 - y_pred), axis=1)
    kl_loss = -0.5 * np.sum(1 + t_log_var - t_mean ** 2 - np.exp(t_log_var), axis=1)
    loss = np.mean(kl_loss + rec_loss)
    return loss
''', "vae_loss", lambda: [_rng(3322).uniform(size=(3, 4)), _uniform(3323, 3, 4) / 2, _normal(3324, 3, 2),
                         _normal(3325, 3, 2) * .3], {"wrt": [1, 2, 3]}),

"numpyml_softplus_elu_activations": ('''
import numpy as np

def activations_sum(z, alpha=1.0):
    softplus = np.log(np.exp(z) + 1)
    elu = np.where(z > 0, z, alpha * (np.exp(z) - 1))
    leaky = np.maximum(z, 0.3 * z)
    return np.sum(softplus * elu) + np.sum(leaky ** 2)
''', "activations_sum", lambda: [_normal(3326, 3, 4)]),

"numpyml_rnn_cell_forward_list": ('''
import numpy as np

def rnn_cell_forward(Xt, A_prev, Wax, Waa, ba):
    """
    One step of an RNN cell, numpy-ml style.

    Xt : (n_ex, n_in), A_prev : (n_ex, n_out), Wax : (n_in, n_out), Waa : (n_out, n_out), ba : (1, n_out)
    """
    Zt = A_prev @ Waa + ba
    Zt += Xt @ Wax
    At = np.tanh(Zt)
    return At

def rnn_forward_loss(X, A0, Wax, Waa, ba):
    """X : (n_ex, n_in, n_t)"""
    n_ex, n_in, n_t = X.shape
    A = A0
    total = 0.0
    for t in range(n_t):
        A = rnn_cell_forward(X[:, :, t], A, Wax, Waa, ba)
        total += np.sum(A ** 2)
    return total
''', "rnn_forward_loss", lambda: [_normal(3327, 2, 3, 4), _normal(3328, 2, 3), _normal(3329, 3, 3) * .5,
                                 _normal(3330, 3, 3) * .5, _normal(3331, 1, 3) * .1]),

"class_layer_dense_params_method": ('''
import numpy as np

class Model:
    """A two-layer model whose weights live in self.params."""

    def loss(self, X, y):
        W1, b1, W2, b2 = self.params['W1'], self.params['b1'], self.params['W2'], self.params['b2']
        hidden = np.maximum(0, X @ W1 + b1)
        pred = hidden @ W2 + b2
        return np.mean((pred.ravel() - y) ** 2)
''', "Model.loss", lambda: [{"W1": _normal(3332, 3, 4) * .5, "b1": _normal(3333, 4) * .1,
                            "W2": _normal(3334, 4, 1) * .5, "b2": _normal(3335, 1) * .1},
                           _normal(3336, 5, 3), _normal(3337, 5)]),

# physics and numerics
"phys_nbody_energy_pairs_vectorized": ('''
import numpy as np

def total_energy(pos, vel, mass, G=1.0, softening=0.1):
    """Kinetic plus potential energy of N bodies (pos, vel: N x 3; mass: N x 1)."""
    KE = 0.5 * np.sum(np.sum(mass * vel ** 2))
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    z = pos[:, 2:3]
    dx = x.T - x
    dy = y.T - y
    dz = z.T - z
    inv_r = np.sqrt(dx ** 2 + dy ** 2 + dz ** 2 + softening ** 2)
    inv_r = 1.0 / inv_r
    PE = G * np.sum(np.sum(np.triu(-(mass * mass.T) * inv_r, 1)))
    return KE + PE
''', "total_energy", lambda: [_normal(3338, 4, 3), _normal(3339, 4, 3), _uniform(3340, 4, 1)]),

"phys_nbody_leapfrog_acc": ('''
import numpy as np

def get_acc(pos, mass, G, softening):
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    dx = x.T - x
    dy = y.T - y
    inv_r3 = (dx ** 2 + dy ** 2 + softening ** 2) ** (-1.5)
    ax = G * (dx * inv_r3) @ mass
    ay = G * (dy * inv_r3) @ mass
    a = np.hstack((ax, ay))
    return a

def simulate(pos, vel, mass, dt=0.01, Nt=5, G=1.0, softening=0.2):
    acc = get_acc(pos, mass, G, softening)
    for i in range(Nt):
        vel += acc * dt / 2.0
        pos += vel * dt
        acc = get_acc(pos, mass, G, softening)
        vel += acc * dt / 2.0
    return np.sum(pos ** 2)
''', "simulate", lambda: [_normal(3341, 3, 2), _normal(3342, 3, 2) * .1, _uniform(3343, 3, 1)]),

"phys_harmonic_chain_normal_modes": ('''
import numpy as np

def chain_energy(u, v, k=1.0, m=1.0):
    """Energy of a chain of masses with fixed ends: u displacements, v velocities."""
    stretch = np.diff(np.concatenate(([0.0], u, [0.0])))
    potential = 0.5 * k * np.sum(stretch ** 2)
    kinetic = 0.5 * m * np.dot(v, v)
    return potential + kinetic
''', "chain_energy", lambda: [_normal(3344, 5), _normal(3345, 5)]),

"phys_projectile_drag_while": ('''
import math

def range_with_drag(v0, theta, k=0.1, g=9.81, dt=0.01):
    vx = v0 * math.cos(theta)
    vy = v0 * math.sin(theta)
    x, y = 0.0, 0.0
    steps = 0
    while steps < 120:
        speed = math.sqrt(vx ** 2 + vy ** 2)
        vx -= k * speed * vx * dt
        vy -= (g + k * speed * vy) * dt
        x += vx * dt
        y += vy * dt
        steps += 1
    return x + y
''', "range_with_drag", lambda: [12.0, 0.7]),

"phys_spring_mass_rk4_numpy_state": ('''
import numpy as np

def deriv(state, k, m):
    x, v = state
    return np.array([v, -k / m * x])

def rk4_final(x0, v0, k, m=1.0, dt=0.05, n=20):
    state = np.array([x0, v0])
    for _ in range(n):
        k1 = deriv(state, k, m)
        k2 = deriv(state + 0.5 * dt * k1, k, m)
        k3 = deriv(state + 0.5 * dt * k2, k, m)
        k4 = deriv(state + dt * k3, k, m)
        state = state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return state[0] ** 2 + state[1]
''', "rk4_final", lambda: [0.8, -0.3, 2.0]),

"phys_ideal_gas_entropy_math_log": ('''
import math

def entropy_change(T1, T2, V1, V2, n=1.0, Cv=12.47, R=8.314):
    """Entropy change of an ideal gas between two states."""
    return n * Cv * math.log(T2 / T1) + n * R * math.log(V2 / V1)
''', "entropy_change", lambda: [300.0, 450.0, 0.01, 0.02]),

"phys_heat_equation_laplacian_roll": ('''
import numpy as np

def heat_energy(u0, alpha, dx=0.1, dt=0.001, steps=5):
    u = u0.copy()
    for _ in range(steps):
        lap = (np.roll(u, 1) - 2 * u + np.roll(u, -1)) / dx ** 2
        u = u + alpha * dt * lap
    return 0.5 * np.sum(u ** 2) * dx
''', "heat_energy", lambda: [_normal(3346, 8), 0.7]),

"phys_gravity_potential_broadcast_distances": ('''
import numpy as np

def potential(positions, masses, G=1.0, eps=1e-2):
    diff = positions[:, None, :] - positions[None, :, :]
    dist = np.sqrt(np.sum(diff ** 2, axis=-1) + eps)
    inv = 1.0 / dist
    np.fill_diagonal(inv, 0.0)
    return -0.5 * G * np.sum(masses[:, None] * masses[None, :] * inv)
''', "potential", lambda: [_normal(3347, 4, 3), _uniform(3348, 4)]),

"phys_lennard_jones_pairs_loop_numpy": ('''
import numpy as np

def lj_energy(pos, epsilon=1.0, sigma=1.0):
    n = pos.shape[0]
    energy = 0.0
    for i in range(n - 1):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            sr6 = (sigma / r) ** 6
            energy += 4 * epsilon * (sr6 ** 2 - sr6)
    return energy
''', "lj_energy", lambda: [np.array([[0.0, 0.0, 0.0], [1.2, 0.1, 0.0], [0.3, 1.1, 0.2], [1.0, 1.0, 1.0]])]),

"phys_black_scholes_erf": ('''
import math

def bs_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    N1 = 0.5 * (1 + math.erf(d1 / math.sqrt(2)))
    N2 = 0.5 * (1 + math.erf(d2 / math.sqrt(2)))
    return S * N1 - K * math.exp(-r * T) * N2
''', "bs_call", lambda: [100.0, 95.0, 0.5, 0.02, 0.25]),
"a2_affine_relu_backward_style_dropout_inline": ('''
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
''', "affine_relu_dropout_forward", lambda: [_normal(3401, 3, 4), _normal(3402, 4, 5), _normal(3403, 5),
                                            {"p": 0.5, "mask": (_rng(3404).uniform(size=(3, 5)) < .5).astype(float)}]),

"a2_softmax_loss_log_probs_keepdims_dx": ('''
import numpy as np

def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
      class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x
    """
    loss, dx = None, None
    num_train = x.shape[0]
    x_max = np.max(x, axis=1, keepdims=True)
    log_probs = x - x_max - np.log(np.sum(np.exp(x - x_max), axis=1, keepdims=True))
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(num_train), y]) / num_train
    dx = probs.copy()
    dx[np.arange(num_train), y] -= 1
    dx /= num_train
    return loss, dx
''', "softmax_loss", lambda: [_normal(3405, 4, 3), np.array([2, 0, 1, 1])], {"wrt": [0]}),

"a2_svm_loss_layer_margins_sum": ('''
import numpy as np

def svm_loss(x, y):
    """
    Computes the loss and gradient using for multiclass SVM classification.

    Inputs:
    - x: Input data, of shape (N, C)
    - y: Vector of labels, of shape (N,)
    """
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx
''', "svm_loss", lambda: [_normal(3406, 5, 3), np.array([2, 0, 1, 1, 0])], {"wrt": [0]}),

"a2_conv_forward_strides_flat_dot": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    """
    stride = conv_param.get('stride', 1)
    pad = conv_param.get('pad', 0)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    Hp = 1 + (H + 2 * pad - HH) // stride
    Wp = 1 + (W + 2 * pad - WW) // stride
    xp = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
    out = np.zeros((N, F, Hp, Wp))
    w_row = w.reshape(F, -1)
    for i in range(Hp):
        for j in range(Wp):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW].reshape(N, -1)
            out[:, :, i, j] = patch.dot(w_row.T) + b
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(3407, 2, 2, 4, 4), _normal(3408, 3, 2, 3, 3), _normal(3409, 3),
                                   {"stride": 1, "pad": 1}]),

"a2_groupnorm_loop_over_groups": ('''
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    """
    eps = gn_param.get('eps', 1e-5)
    N, C, H, W = x.shape
    out = np.zeros_like(x)
    step = C // G
    for g in range(G):
        xg = x[:, g * step:(g + 1) * step]
        mu = xg.mean(axis=(1, 2, 3), keepdims=True)
        var = xg.var(axis=(1, 2, 3), keepdims=True)
        out[:, g * step:(g + 1) * step] = (xg - mu) / np.sqrt(var + eps)
    out = out * gamma + beta
    cache = (x, gamma, beta, G, eps)
    return out, cache
''', "spatial_groupnorm_forward", lambda: [_normal(3410, 2, 4, 2, 2), _uniform(3411, 1, 4, 1, 1),
                                          _normal(3412, 1, 4, 1, 1), 2, {}]),

"a3_rnn_backward_style_loss_over_h": ('''
import numpy as np

def rnn_loss(x, h0, Wx, Wh, b, W_out, y):
    """A vanilla RNN over x (N, T, D), its last hidden state scored against labels y (N,)."""
    N, T, D = x.shape
    h = h0
    hs = []
    for t in range(T):
        h = np.tanh(np.dot(x[:, t, :], Wx) + np.dot(h, Wh) + b)
        hs.append(h)
    scores = hs[-1].dot(W_out)
    scores -= scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(N), y].mean()
''', "rnn_loss", lambda: [_normal(3413, 2, 3, 2), _normal(3414, 2, 3), _normal(3415, 2, 3) * .5,
                         _normal(3416, 3, 3) * .5, _normal(3417, 3) * .1, _normal(3418, 3, 4) * .5, np.array([1, 3])],
    {"wrt": [0, 1, 2, 3, 4, 5]}),

"a3_word_embedding_np_add_at_free": ('''
import numpy as np

def embed_mean_loss(W_embed, captions, target):
    """Mean-pooled word vectors of each caption against a target vector."""
    vectors = W_embed[captions]
    pooled = vectors.mean(axis=1)
    return 0.5 * np.sum((pooled - target) ** 2)
''', "embed_mean_loss", lambda: [_normal(3419, 6, 3), np.array([[0, 5, 5], [2, 1, 0]]), _normal(3420, 2, 3)],
    {"wrt": [0]}),

"ag_gmm_logsumexp_vectorized_cov": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def gmm_log_likelihood(log_proportions, means, log_stds, data):
    """data (N, D); means, log_stds (K, D); log_proportions (K,)"""
    log_weights = log_proportions - logsumexp(log_proportions)
    diffs = (data[:, None, :] - means[None, :, :]) / np.exp(log_stds)[None, :, :]
    log_norm = -0.5 * np.sum(diffs ** 2, axis=2) - np.sum(log_stds, axis=1) - 0.5 * data.shape[1] * np.log(2 * np.pi)
    return np.sum(logsumexp(log_norm + log_weights, axis=1))
''', "gmm_log_likelihood", lambda: [_normal(3421, 3), _normal(3422, 3, 2), _normal(3423, 3, 2) * .3,
                                   _normal(3424, 5, 2)]),

"ag_sinusoid_fit_loop_features": ('''
import autograd.numpy as np

def predict(params, x):
    total = 0.0
    for k in range(1, 4):
        total = total + params[2 * k - 2] * np.sin(k * x) + params[2 * k - 1] * np.cos(k * x)
    return total

def loss(params, x, y):
    return np.mean((predict(params, x) - y) ** 2)
''', "loss", lambda: [_normal(3425, 6), np.linspace(-2, 2, 7), _normal(3426, 7)], {"wrt": [0]}),

"phys_double_pendulum_lagrangian_energy": ('''
import numpy as np

def energy(th1, th2, w1, w2, m1=1.0, m2=1.0, L1=1.0, L2=1.0, g=9.81):
    V = -(m1 + m2) * L1 * g * np.cos(th1) - m2 * L2 * g * np.cos(th2)
    T = 0.5 * m1 * (L1 * w1) ** 2 + 0.5 * m2 * ((L1 * w1) ** 2 + (L2 * w2) ** 2 +
                                              2 * L1 * L2 * w1 * w2 * np.cos(th1 - th2))
    return T + V
''', "energy", lambda: [0.4, -0.3, 1.1, 0.2]),

"phys_spring_network_edges_index": ('''
import numpy as np

def spring_energy(pos, edges, k=2.0, rest=1.0):
    i, j = edges[:, 0], edges[:, 1]
    d = pos[i] - pos[j]
    length = np.sqrt(np.sum(d * d, axis=1))
    return 0.5 * k * np.sum((length - rest) ** 2)
''', "spring_energy", lambda: [_normal(3427, 4, 2), np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])], {"wrt": [0]}),

"phys_verlet_list_positions_append": ('''
import numpy as np

def verlet_path(x0, v0, k, dt=0.05, steps=12):
    xs = [x0, x0 + v0 * dt]
    for n in range(steps):
        x_next = 2 * xs[-1] - xs[-2] - k * xs[-1] * dt ** 2
        xs.append(x_next)
    path = np.array(xs)
    return np.sum(path ** 2) * dt
''', "verlet_path", lambda: [0.7, -0.2, 3.0]),
# ----------------------------------------------------------------------------- a batch of layers, models,
# losses and physics written as their authors write them, in idioms the batches above leave out
"cs_conv_forward_offsets_einsum": ('''
import numpy as np

def conv_forward_fast(x, w, b, conv_param):
    """
    A convolution as one product per offset of the filter, summed.

    Inputs:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with 'stride' and 'pad'

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    out = np.zeros((N, F, H_out, W_out))
    for i in range(HH):
        for j in range(WW):
            window = x_pad[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride]
            out += np.einsum('nchw,fc->nfhw', window, w[:, :, i, j])
    out += b[None, :, None, None]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_fast", lambda: [_normal(4001, 2, 2, 5, 5), _normal(4002, 3, 2, 3, 3), _normal(4003, 3),
                                  {'stride': 2, 'pad': 1}]),

"cs_max_pool_reshape_chained_max": ('''
import numpy as np

def max_pool_forward_reshape(x, pool_param):
    """
    A fast max pool for square pools that tile the input.
    """
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    assert pool_height == pool_width == stride, 'Invalid pool params'
    assert H % pool_height == 0
    assert W % pool_height == 0
    x_reshaped = x.reshape(N, C, H // pool_height, pool_height, W // pool_width, pool_width)
    out = x_reshaped.max(axis=3).max(axis=4)
    cache = (x, x_reshaped, out)
    return out, cache
''', "max_pool_forward_reshape", lambda: [_normal(4004, 2, 3, 4, 4),
                                          {'pool_height': 2, 'pool_width': 2, 'stride': 2}]),

"cs_avg_pool_naive_mean_window": ('''
import numpy as np

def avg_pool_forward_naive(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with 'pool_height', 'pool_width', 'stride'
    """
    N, C, H, W = x.shape
    ph, pw, s = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // s
    W_out = 1 + (W - pw) // s
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.mean(x[:, :, i * s:i * s + ph, j * s:j * s + pw], axis=(2, 3))
    cache = (x, pool_param)
    return out, cache
''', "avg_pool_forward_naive", lambda: [_normal(4005, 2, 2, 5, 5),
                                        {'pool_height': 3, 'pool_width': 3, 'stride': 2}]),

"cs_spatial_batchnorm_axes_running_get": ('''
import numpy as np

def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    Spatial batch normalization over the N, H and W axes of x (N, C, H, W).
    """
    N, C, H, W = x.shape
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    momentum = bn_param.get('momentum', 0.9)
    running_mean = bn_param.get('running_mean', np.zeros(C, dtype=x.dtype))
    running_var = bn_param.get('running_var', np.zeros(C, dtype=x.dtype))
    mu = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    x_hat = (x - mu[None, :, None, None]) / np.sqrt(var[None, :, None, None] + eps)
    out = gamma[None, :, None, None] * x_hat + beta[None, :, None, None]
    running_mean = momentum * running_mean + (1 - momentum) * mu
    running_var = momentum * running_var + (1 - momentum) * var
    bn_param['running_mean'] = running_mean
    bn_param['running_var'] = running_var
    cache = (x, x_hat, mu, var, gamma, eps)
    return out, cache
''', "spatial_batchnorm_forward", lambda: [_normal(4006, 3, 2, 2, 2), _uniform(4007, 2), _normal(4008, 2),
                                           {'mode': 'train'}]),

"cs_transformer_ffn_residual_layernorm": ('''
import numpy as np

def ffn_block(x, W1, b1, W2, b2, gamma, beta, eps=1e-5):
    """Position-wise feed-forward with a residual connection and post layer norm; x is (N, T, D)."""
    h = np.maximum(0, x @ W1 + b1)
    y = x + h @ W2 + b2
    mu = y.mean(axis=-1, keepdims=True)
    var = y.var(axis=-1, keepdims=True)
    return gamma * (y - mu) / np.sqrt(var + eps) + beta
''', "ffn_block", lambda: [_normal(4009, 2, 3, 4), _normal(4010, 4, 5), _normal(4011, 5), _normal(4012, 5, 4),
                           _normal(4013, 4), _uniform(4014, 4), _normal(4015, 4)]),

"cs_temporal_affine_einsum": ('''
import numpy as np

def temporal_affine_forward(x, w, b):
    """
    Inputs:
    - x: Input data of shape (N, T, D)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)

    Returns a tuple of:
    - out: Output data of shape (N, T, M)
    - cache: Values needed for the backward pass
    """
    out = np.einsum('ntd,dm->ntm', x, w) + b
    cache = x, w, b, out
    return out, cache
''', "temporal_affine_forward", lambda: [_normal(4016, 2, 3, 4), _normal(4017, 4, 5), _normal(4018, 5)]),

"cs_word_embedding_one_hot_matmul": ('''
import numpy as np

def embed_loss(W, x, target):
    """Word vectors picked by one-hot rows: x (N, T) integers in [0, V), W (V, D)."""
    V, D = W.shape
    one_hot = np.eye(V)[x]
    vectors = one_hot @ W
    return np.sum((vectors.sum(axis=1) - target) ** 2)
''', "embed_loss", lambda: [_normal(4019, 5, 3), np.array([[0, 4, 4], [1, 2, 0]]), _normal(4020, 2, 3)],
    {"wrt": [0]}),

"cs_class_visualization_objective": ('''
import numpy as np

def class_visualization_objective(img, W, b, target_y, l2_reg=1e-3):
    """The score of the target class for a linear model on the flattened image, minus an L2 penalty
    on the image (gradient ascent on img makes an image the model takes for target_y)."""
    scores = img.reshape(1, -1).dot(W) + b
    return scores[0, target_y] - l2_reg * np.sum(img * img)
''', "class_visualization_objective", lambda: [_normal(4021, 3, 2, 2), _normal(4022, 12, 4), _normal(4023, 4), 2],
    {"wrt": [0, 1]}),

"cs_ls_gan_losses": ('''
import numpy as np

def ls_discriminator_loss(scores_real, scores_fake):
    """
    Least-squares GAN loss for the discriminator.

    Inputs:
    - scores_real: (N, 1) scores of the real data
    - scores_fake: (N, 1) scores of the fake data
    """
    loss = None
    loss = 0.5 * np.mean((scores_real - 1) ** 2) + 0.5 * np.mean(scores_fake ** 2)
    return loss
''', "ls_discriminator_loss", lambda: [_normal(4024, 4, 1), _normal(4025, 4, 1)]),

"cs_simclr_nt_xent_loss": ('''
import numpy as np

def simclr_loss(out_left, out_right, tau=0.5):
    """NT-Xent over 2N augmented views; out_left[k] and out_right[k] are a positive pair."""
    N = out_left.shape[0]
    out = np.concatenate([out_left, out_right], axis=0)
    out = out / np.linalg.norm(out, axis=1, keepdims=True)
    sim_matrix = out @ out.T
    exponential = np.exp(sim_matrix / tau)
    mask = 1 - np.eye(2 * N)
    denom = np.sum(exponential * mask, axis=1)
    sim_pos = np.sum(out[:N] * out[N:], axis=1)
    sim_pos = np.concatenate([sim_pos, sim_pos])
    loss = -np.log(np.exp(sim_pos / tau) / denom)
    return np.sum(loss) / (2 * N)
''', "simclr_loss", lambda: [_normal(4026, 3, 4), _normal(4027, 3, 4)]),

"cs_prelu_layer": ('''
import numpy as np

def prelu_forward(x, alpha):
    """
    Parametric ReLU: x where positive, alpha * x elsewhere; alpha has one slope per feature.

    - x: (N, D)
    - alpha: (D,)
    """
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
''', "prelu_forward", lambda: [_normal(4028, 3, 4), _uniform(4029, 4) * 0.2]),

"cs_conv_transpose_naive_scatter": ('''
import numpy as np

def conv_transpose_forward_naive(x, w, b, stride):
    """
    A transposed convolution (upsampling): every input pixel adds a filter-sized patch.

    - x: (N, C, H, W)
    - w: (C, F, HH, WW)
    - b: (F,)
    """
    N, C, H, W = x.shape
    _, F, HH, WW = w.shape
    H_out = (H - 1) * stride + HH
    W_out = (W - 1) * stride + WW
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H):
        for j in range(W):
            out[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += \
                np.einsum('nc,cfhw->nfhw', x[:, :, i, j], w)
    out += b.reshape(1, F, 1, 1)
    return out
''', "conv_transpose_forward_naive", lambda: [_normal(4030, 2, 2, 2, 3), _normal(4031, 2, 3, 3, 3), _normal(4032, 3), 2],
    {"wrt": [0, 1, 2]}),

"cs_affine_layernorm_relu_sandwich": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, eps)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_ln_relu_forward(x, w, b, gamma, beta, ln_param):
    """Convenience layer: affine, layer norm, ReLU."""
    a, fc_cache = affine_forward(x, w, b)
    a_norm, ln_cache = layernorm_forward(a, gamma, beta, ln_param)
    out, relu_cache = relu_forward(a_norm)
    cache = (fc_cache, ln_cache, relu_cache)
    return out, cache
''', "affine_ln_relu_forward", lambda: [_normal(4033, 3, 4), _normal(4034, 4, 5), _normal(4035, 5),
                                        _uniform(4036, 5), _normal(4037, 5), {}]),

"cs_maxout_unit": ('''
import numpy as np

def maxout_forward(x, W, b, k):
    """
    A maxout layer: k affine pieces per output unit, the largest kept.

    - x: (N, D); W: (D, H * k); b: (H * k,)
    """
    N = x.shape[0]
    z = x.dot(W) + b
    out = np.max(z.reshape(N, -1, k), axis=2)
    cache = (x, W, z)
    return out, cache
''', "maxout_forward", lambda: [_normal(4038, 3, 4), _normal(4039, 4, 6), _normal(4040, 6), 3], {"wrt": [0, 1, 2]}),

"cs_depthwise_conv_naive_loops": ('''
import numpy as np

def depthwise_conv(x, w):
    """One filter per channel, valid padding, stride 1: x (C, H, W), w (C, k, k)."""
    C, H, W = x.shape
    _, k, _ = w.shape
    out = np.zeros((C, H - k + 1, W - k + 1))
    for c in range(C):
        for i in range(H - k + 1):
            for j in range(W - k + 1):
                out[c, i, j] = np.sum(x[c, i:i + k, j:j + k] * w[c])
    return np.sum(out ** 2)
''', "depthwise_conv", lambda: [_normal(4041, 2, 4, 4), _normal(4042, 2, 2, 2)]),

"cs_elu_layer_cache_out": ('''
import numpy as np

def elu_forward(x, alpha=1.0):
    """
    ELU: x where positive, alpha * (exp(x) - 1) elsewhere.
    """
    out = x.copy()
    neg = x < 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    cache = (x, out, alpha)
    return out, cache
''', "elu_forward", lambda: [_normal(4043, 3, 4)], {"wrt": [0]}),

"cs_softmax_classifier_head_global_pool": ('''
import numpy as np

def head_loss(features, W, b, y):
    """Global average pooling over H, W of features (N, C, H, W), a linear classifier and softmax loss."""
    N = features.shape[0]
    pooled = features.mean(axis=(2, 3))
    scores = pooled.dot(W) + b
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    return loss
''', "head_loss", lambda: [_normal(4044, 3, 2, 2, 2), _normal(4045, 2, 4), _normal(4046, 4), np.array([0, 3, 1])],
    {"wrt": [0, 1, 2]}),

"cs_bidirectional_rnn_concat": ('''
import numpy as np

def birnn_forward(x, h0, Wx_f, Wh_f, Wx_b, Wh_b):
    """A bidirectional vanilla RNN over x (N, T, D): the forward and backward hidden states, joined."""
    N, T, D = x.shape
    H = h0.shape[1]
    hf = np.zeros((N, T, H))
    hb = np.zeros((N, T, H))
    h = h0
    for t in range(T):
        h = np.tanh(x[:, t, :].dot(Wx_f) + h.dot(Wh_f))
        hf[:, t, :] = h
    h = h0
    for t in reversed(range(T)):
        h = np.tanh(x[:, t, :].dot(Wx_b) + h.dot(Wh_b))
        hb[:, t, :] = h
    return np.concatenate([hf, hb], axis=2)
''', "birnn_forward", lambda: [_normal(4047, 2, 3, 2), _normal(4048, 2, 3) * .5, _normal(4049, 2, 3) * .5,
                              _normal(4050, 3, 3) * .5, _normal(4051, 2, 3) * .5, _normal(4052, 3, 3) * .5]),

"cs_attention_pooling_over_time": ('''
import numpy as np

def attention_pool(h, v):
    """Soft attention over the time axis of hidden states h (N, T, H) with a learned query v (H,)."""
    scores = h.dot(v)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    context = (weights[:, :, None] * h).sum(axis=1)
    return context
''', "attention_pool", lambda: [_normal(4053, 2, 4, 3), _normal(4054, 3)]),

"cs_two_layer_net_loss_grads_reg_half": ('''
import numpy as np

def two_layer_loss(W1, b1, W2, b2, X, y, reg=0.05):
    """Fully connected ReLU net with a softmax loss and 0.5 * reg * ||W||^2 weight decay."""
    N = X.shape[0]
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(N), y])
    data_loss = np.sum(correct_logprobs) / N
    reg_loss = 0.5 * reg * np.sum(W1 * W1) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    return loss
''', "two_layer_loss", lambda: [_normal(4055, 4, 5), _normal(4056, 5), _normal(4057, 5, 3), _normal(4058, 3),
                               _normal(4059, 6, 4), np.array([0, 1, 2, 2, 1, 0])], {"wrt": [0, 1, 2, 3]}),

"cs_spiral_softmax_linear_classifier": ('''
import numpy as np

def softmax_linear_loss(W, b, X, y, reg=1e-3):
    num_examples = X.shape[0]
    scores = np.dot(X, W) + b
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_examples), y])
    data_loss = np.sum(correct_logprobs) / num_examples
    reg_loss = 0.5 * reg * np.sum(W * W)
    return data_loss + reg_loss
''', "softmax_linear_loss", lambda: [_normal(4060, 2, 3), _normal(4061, 3), _normal(4062, 5, 2),
                                    np.array([0, 1, 2, 1, 0])], {"wrt": [0, 1]}),
"ag_gan_objective_logsigmoid": ('''
import autograd.numpy as np

def relu(x):
    return np.maximum(0, x)

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def logsigmoid(x):
    return x - np.logaddexp(0, x)

def neural_net_predict(params, inputs):
    """params is a list of (weights, bias) tuples."""
    inpts = inputs
    for W, b in params[:-1]:
        outputs = np.dot(inpts, W) + b
        inpts = relu(outputs)
    W, b = params[-1]
    return np.dot(inpts, W) + b

def gan_objective(gen_params, dsc_params, real_data, noise):
    fake_data = sigmoid(neural_net_predict(gen_params, noise))
    logprobs_fake = logsigmoid(neural_net_predict(dsc_params, fake_data))
    logprobs_real = logsigmoid(neural_net_predict(dsc_params, real_data))
    return np.mean(logprobs_real) - np.mean(logprobs_fake)
''', "gan_objective", lambda: [[(_normal(4101, 2, 4), _normal(4102, 4)), (_normal(4103, 4, 3), _normal(4104, 3))],
                               [(_normal(4105, 3, 4), _normal(4106, 4)), (_normal(4107, 4, 1), _normal(4108, 1))],
                               _uniform(4109, 5, 3) - 0.5, _normal(4110, 5, 2)], {"wrt": [0, 1]}),

"ag_vae_bernoulli_logaddexp": ('''
import autograd.numpy as np

def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(-0.5 * np.log(2 * np.pi) - log_std - 0.5 * ((x - mu) / np.exp(log_std)) ** 2, axis=-1)

def unpack_gaussian_params(params):
    D = np.shape(params)[-1] // 2
    mean, log_std = params[:, :D], params[:, D:]
    return mean, log_std

def bernoulli_log_density(targets, unnormalized_logprobs):
    # unnormalized_logprobs are in R; targets must be -1 or 1
    label_probabilities = -np.logaddexp(0, -unnormalized_logprobs * targets)
    return np.sum(label_probabilities, axis=-1)

def vae_lower_bound(enc_W, dec_W, data, eps):
    q_params = np.dot(data, enc_W)
    q_means, q_log_stds = unpack_gaussian_params(q_params)
    latents = q_means + np.exp(q_log_stds) * eps
    logits = np.dot(latents, dec_W)
    log_prior = diag_gaussian_log_density(latents, 0.0, 0.0)
    log_like = bernoulli_log_density(data * 2 - 1, logits)
    log_q = diag_gaussian_log_density(latents, q_means, q_log_stds)
    return np.mean(log_prior + log_like - log_q)
''', "vae_lower_bound", lambda: [_normal(4111, 5, 4) * .3, _normal(4112, 2, 5) * .3,
                                 (_uniform(4113, 3, 5) > 1.0).astype(float), _normal(4114, 3, 2)], {"wrt": [0, 1]}),

"ag_natural_gradient_fisher_objective": ('''
import autograd.numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))

def fisher_quadratic(weights, v, inputs, targets):
    """The loss and the quadratic form of the empirical Fisher of a logistic model along v."""
    preds = logistic_predictions(weights, inputs)
    fisher = np.dot(inputs.T * (preds * (1 - preds)), inputs)
    return training_loss(weights, inputs, targets) + 0.5 * np.dot(v, np.dot(fisher, v))
''', "fisher_quadratic", lambda: [_normal(4115, 3), _normal(4116, 3), _normal(4117, 5, 3),
                                  np.array([1., 0., 1., 1., 0.])], {"wrt": [0, 1]}),

"ag_black_box_svi_mc_entropy": ('''
import autograd.numpy as np
import autograd.scipy.stats.norm as norm

def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = norm.logpdf(log_sigma, 0, 1.35)
    mu_density = norm.logpdf(mu, 0, np.exp(log_sigma))
    return sigma_density + mu_density

def variational_objective(params, samples, t=0):
    """Provides a stochastic estimate of the variational lower bound (samples are N(0, 1) draws)."""
    D = 2
    mean, log_std = params[:D], params[D:]
    sample_points = samples * np.exp(log_std) + mean
    gaussian_entropy = 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)
    lower_bound = gaussian_entropy + np.mean(log_density(sample_points, t))
    return -lower_bound
''', "variational_objective", lambda: [np.array([0.2, -0.3, -0.5, -0.4]), _normal(4118, 6, 2)], {"wrt": [0]}),

"ag_ode_net_rk_nn_dynamics": ('''
import autograd.numpy as np

def nn_predict(params, x):
    W1, b1, W2, b2 = params
    h = np.tanh(np.dot(x, W1) + b1)
    return np.dot(h, W2) + b2

def ode_pred(params, y0, t):
    """Midpoint-rule integration of dy/dt = nn(y) from y0 over the times t."""
    ys = [y0]
    y = y0
    for i in range(len(t) - 1):
        h = t[i + 1] - t[i]
        k1 = nn_predict(params, y)
        k2 = nn_predict(params, y + 0.5 * h * k1)
        y = y + h * k2
        ys.append(y)
    return np.array(ys)

def L2_loss(params, y0, t, targets):
    return np.mean((ode_pred(params, y0, t) - targets) ** 2)
''', "L2_loss", lambda: [(_normal(4119, 2, 4) * .5, _normal(4120, 4) * .1, _normal(4121, 4, 2) * .5,
                          _normal(4122, 2) * .1), _normal(4123, 2), np.linspace(0, 1, 5), _normal(4124, 5, 2)],
    {"wrt": [0, 1]}),

"ag_wave_equation_leapfrog_loss": ('''
import autograd.numpy as np

def simulate_wave(u0, c=1.0, dx=0.1, dt=0.05, num_steps=8):
    """Leapfrog steps of u_tt = c^2 u_xx on a ring; starts at rest."""
    u_prev = u0
    u = u0
    r = (c * dt / dx) ** 2
    for step in range(num_steps):
        lap = np.roll(u, 1) - 2 * u + np.roll(u, -1)
        u_next = 2 * u - u_prev + r * lap
        u_prev, u = u, u_next
    return u

def target_loss(u0, target):
    return np.sum((simulate_wave(u0) - target) ** 2)
''', "target_loss", lambda: [_normal(4125, 8), _normal(4126, 8)], {"wrt": [0]}),

"ag_gp_log_marginal_unpack_noise": ('''
import autograd.numpy as np
import autograd.numpy.random as npr

def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

def unpack_kernel_params(params):
    mean = params[0]
    cov_params = params[2:]
    noise_scale = np.exp(params[1]) + 0.0001
    return mean, cov_params, noise_scale

def log_marginal_likelihood(params, x, y):
    mean, cov_params, noise_scale = unpack_kernel_params(params)
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    prior_mean = mean * np.ones(len(y))
    r = y - prior_mean
    sign, logdet = np.linalg.slogdet(cov_y_y)
    return -0.5 * np.dot(r, np.linalg.solve(cov_y_y, r)) - 0.5 * logdet - 0.5 * len(y) * np.log(2 * np.pi)
''', "log_marginal_likelihood", lambda: [np.array([0.1, -1.0, 0.2, -0.3]), _normal(4127, 5, 1), _normal(4128, 5)],
    {"wrt": [0]}),

"ag_mixture_of_gaussians_log_likelihood": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def mog_log_likelihood(log_weights, means, log_sigmas, data):
    """1-D mixture: data (N,), the K components' log weights, means and log sigmas (K,)."""
    log_weights = log_weights - logsumexp(log_weights)
    sigmas = np.exp(log_sigmas)
    z = (data[:, np.newaxis] - means) / sigmas
    component_lls = -0.5 * z ** 2 - log_sigmas - 0.5 * np.log(2 * np.pi) + log_weights
    return np.sum(logsumexp(component_lls, axis=1))
''', "mog_log_likelihood", lambda: [_normal(4129, 3), _normal(4130, 3), _normal(4131, 3) * .3, _normal(4132, 6)]),

"ag_bayes_opt_ucb_acquisition": ('''
import autograd.numpy as np

def rbf(x, xp, ls=0.7):
    return np.exp(-0.5 * np.sum((x[:, None, :] - xp[None, :, :]) ** 2, axis=2) / ls ** 2)

def ucb(x_query, X, y, kappa=2.0, noise=1e-2):
    """Upper confidence bound of a GP posterior at the query points (the acquisition to maximise)."""
    K = rbf(X, X) + noise * np.eye(X.shape[0])
    k_star = rbf(x_query, X)
    K_inv = np.linalg.inv(K)
    mean = k_star.dot(K_inv).dot(y)
    var = 1.0 - np.sum(k_star.dot(K_inv) * k_star, axis=1)
    return np.sum(mean + kappa * np.sqrt(var))
''', "ucb", lambda: [_normal(4133, 2, 2), _normal(4134, 4, 2), _normal(4135, 4)], {"wrt": [0]}),

"ag_fluid_advect_bilinear_free_roll": ('''
import autograd.numpy as np

def project(vx, vy, iters=5):
    """Make the velocity field nearly divergence-free with Jacobi iterations on a periodic grid."""
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    p = np.zeros(vx.shape)
    for k in range(iters):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
                 + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy

def kinetic_after_projection(vx, vy):
    vx, vy = project(vx, vy)
    return np.sum(vx ** 2 + vy ** 2)
''', "kinetic_after_projection", lambda: [_normal(4136, 4, 4), _normal(4137, 4, 4)]),

"ag_rnn_char_logsumexp_loss": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def rnn_log_likelihood(W_hid, W_out, h0, inputs, targets):
    """inputs, targets (T, N, V) one-hot; the hidden state is kept through time."""
    num_sequences = inputs.shape[1]
    hiddens = np.repeat(h0, num_sequences, axis=0)
    loglik = 0.0
    for t in range(inputs.shape[0]):
        cat = np.concatenate((inputs[t], hiddens), axis=1)
        hiddens = np.tanh(np.dot(cat, W_hid))
        output = np.dot(hiddens, W_out)
        logprobs = output - logsumexp(output, axis=1, keepdims=True)
        loglik += np.sum(logprobs * targets[t])
    return -loglik / (inputs.shape[0] * num_sequences)
''', "rnn_log_likelihood", lambda: [_normal(4138, 6, 3) * .5, _normal(4139, 3, 3) * .5, _normal(4140, 1, 3) * .5,
                                    np.eye(3)[[[0, 1], [2, 2], [1, 0]]], np.eye(3)[[[1, 2], [2, 0], [0, 0]]]],
    {"wrt": [0, 1, 2]}),

"ag_lstm_gates_slices_loop": ('''
import autograd.numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def lstm_hidden_energy(W, b, inputs, H=3):
    """inputs (T, N, D); W (D + H, 4H): the gates taken as slices of one product."""
    N = inputs.shape[1]
    hiddens = np.zeros((N, H))
    cells = np.zeros((N, H))
    for x in inputs:
        z = np.dot(np.concatenate((x, hiddens), axis=1), W) + b
        change = np.tanh(z[:, :H])
        forget = sigmoid(z[:, H:2 * H])
        ingate = sigmoid(z[:, 2 * H:3 * H])
        outgate = sigmoid(z[:, 3 * H:])
        cells = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
    return np.sum(hiddens ** 2)
''', "lstm_hidden_energy", lambda: [_normal(4141, 5, 12) * .5, _normal(4142, 12) * .1, _normal(4143, 3, 2, 2)],
    {"wrt": [0, 1, 2]}),

"ag_logistic_regression_l2_prior": ('''
import autograd.numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def log_posterior(weights, inputs, targets, prior_var=10.0):
    preds = sigmoid(np.dot(inputs, weights))
    log_lik = np.sum(targets * np.log(preds) + (1 - targets) * np.log(1 - preds))
    log_prior = -0.5 * np.dot(weights, weights) / prior_var
    return log_lik + log_prior
''', "log_posterior", lambda: [_normal(4144, 3), _normal(4145, 6, 3), np.array([1., 0., 0., 1., 1., 0.])],
    {"wrt": [0]}),

"ag_convnet_maxpool_reshape_layers": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def conv_valid(inputs, filters):
    """inputs (N, C, H, W), filters (F, C, k, k): a valid cross-correlation by the filter offsets."""
    N, C, H, W = inputs.shape
    F, _, k, _ = filters.shape
    out = 0.0
    for i in range(k):
        for j in range(k):
            patch = inputs[:, :, i:i + H - k + 1, j:j + W - k + 1]
            out = out + np.einsum('nchw,fc->nfhw', patch, filters[:, :, i, j])
    return out

def maxpool(x, size=2):
    N, F, H, W = x.shape
    return np.max(np.max(x.reshape(N, F, H // size, size, W // size, size), axis=3), axis=4)

def convnet_loss(filters, W_out, images, T):
    h = maxpool(np.maximum(0, conv_valid(images, filters)))
    logits = np.dot(h.reshape(h.shape[0], -1), W_out)
    logprobs = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.sum(logprobs * T) / images.shape[0]
''', "convnet_loss", lambda: [_normal(4146, 2, 1, 3, 3), _normal(4147, 8, 3), _normal(4148, 2, 1, 6, 6),
                              np.eye(3)[[0, 2]]], {"wrt": [0, 1]}),

"ag_deep_gp_two_layers_given_eps": ('''
import autograd.numpy as np

def rbf(x, xp, ls):
    sq = np.sum(x ** 2, 1)[:, None] + np.sum(xp ** 2, 1)[None, :] - 2 * np.dot(x, xp.T)
    return np.exp(-0.5 * sq / ls ** 2)

def layer_mean(x, inducing_x, inducing_y, ls):
    K = rbf(inducing_x, inducing_x, ls) + 1e-3 * np.eye(inducing_x.shape[0])
    return np.dot(rbf(x, inducing_x, ls), np.linalg.solve(K, inducing_y))

def deep_gp_loss(z1, y1, z2, y2, x, targets):
    """Two stacked sparse-GP means; the inducing inputs and outputs of each layer are the parameters."""
    h = layer_mean(x, z1, y1, 1.0)
    out = layer_mean(h, z2, y2, 1.0)
    return np.sum((out - targets) ** 2)
''', "deep_gp_loss", lambda: [_normal(4149, 3, 1), _normal(4150, 3, 1), _normal(4151, 3, 1), _normal(4152, 3, 1),
                              _normal(4153, 5, 1), _normal(4154, 5, 1)], {"wrt": [0, 1, 2, 3]}),

"ag_hmm_forward_log_space_matrices": ('''
import autograd.numpy as np
from autograd.scipy.special import logsumexp

def log_normalize(x):
    return x - logsumexp(x, axis=1, keepdims=True)

def hmm_log_likelihood(pi_logits, A_logits, B_logits, obs):
    """Forward algorithm in log space; obs is a list of symbol indices."""
    log_pi = pi_logits - logsumexp(pi_logits)
    log_A = log_normalize(A_logits)
    log_B = log_normalize(B_logits)
    log_alpha = log_pi + log_B[:, obs[0]]
    for o in obs[1:]:
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, o]
    return logsumexp(log_alpha)
''', "hmm_log_likelihood", lambda: [_normal(4155, 3), _normal(4156, 3, 3), _normal(4157, 3, 4), [0, 3, 1, 1, 2]],
    {"wrt": [0, 1, 2]}),

"ag_sparse_coding_l1_objective": ('''
import autograd.numpy as np

def sparse_coding_objective(D, codes, X, lam=0.1):
    """Reconstruction error of X (N, P) from codes (N, K) and a dictionary D (K, P), with an L1 penalty
    on the codes and unit-norm atoms."""
    D_normed = D / np.sqrt(np.sum(D ** 2, axis=1, keepdims=True))
    recon = np.dot(codes, D_normed)
    return 0.5 * np.sum((X - recon) ** 2) + lam * np.sum(np.abs(codes))
''', "sparse_coding_objective", lambda: [_normal(4158, 3, 4), _normal(4159, 5, 3), _normal(4160, 5, 4)]),
"loss_smooth_l1_beta_where": ('''
import numpy as np

def smooth_l1_loss(input, target, beta=1.0):
    """Smooth L1 (as in Fast R-CNN): quadratic below beta, linear above."""
    n = np.abs(input - target)
    loss = np.where(n < beta, 0.5 * n ** 2 / beta, n - 0.5 * beta)
    return loss.mean()
''', "smooth_l1_loss", lambda: [_normal(4201, 4, 3) * 2, _normal(4202, 4, 3)]),

"loss_multiclass_squared_hinge_ovr": ('''
import numpy as np

def squared_hinge_ovr(W, X, y, C=1.0):
    """One-vs-rest squared hinge loss: labels +1 for the true class, -1 for the others."""
    N, K = X.shape[0], W.shape[1]
    Y = -np.ones((N, K))
    Y[np.arange(N), y] = 1
    margins = np.maximum(0, 1 - Y * X.dot(W))
    return 0.5 * np.sum(W * W) + C * np.sum(margins ** 2)
''', "squared_hinge_ovr", lambda: [_normal(4203, 3, 4) * .5, _normal(4204, 5, 3), np.array([0, 3, 1, 2, 2])],
    {"wrt": [0, 1]}),

"loss_tweedie_deviance": ('''
import numpy as np

def tweedie_deviance(log_mu, y, p=1.5):
    """The Tweedie deviance for 1 < p < 2 of a log-link model."""
    mu = np.exp(log_mu)
    dev = 2 * (np.power(y, 2 - p) / ((1 - p) * (2 - p)) - y * np.power(mu, 1 - p) / (1 - p)
               + np.power(mu, 2 - p) / (2 - p))
    return np.mean(dev)
''', "tweedie_deviance", lambda: [_normal(4205, 6) * .5, _uniform(4206, 6)], {"wrt": [0]}),

"loss_poisson_deviance_zero_counts": ('''
import numpy as np

def poisson_deviance(coef, X, y):
    """Mean Poisson deviance, 2 * (y log(y / mu) - y + mu), the log term taken as 0 where y == 0."""
    mu = np.exp(X @ coef)
    ratio = np.where(y > 0, y / mu, 1.0)
    dev = 2 * (y * np.log(ratio) - y + mu)
    return dev.mean()
''', "poisson_deviance", lambda: [_normal(4207, 3) * .3, _normal(4208, 6, 3), np.array([0., 2., 1., 0., 5., 3.])],
    {"wrt": [0]}),

"loss_cosine_embedding_loss": ('''
import numpy as np

def cosine_embedding_loss(x1, x2, y, margin=0.2):
    """1 - cos for similar pairs (y = 1), max(0, cos - margin) for dissimilar ones (y = -1)."""
    cos = np.sum(x1 * x2, axis=1) / (np.linalg.norm(x1, axis=1) * np.linalg.norm(x2, axis=1))
    loss = np.where(y == 1, 1 - cos, np.maximum(0, cos - margin))
    return loss.mean()
''', "cosine_embedding_loss", lambda: [_normal(4209, 5, 3), _normal(4210, 5, 3), np.array([1, -1, 1, -1, -1])],
    {"wrt": [0, 1]}),

"loss_margin_ranking_loss": ('''
import numpy as np

def margin_ranking_loss(s_pos, s_neg, margin=1.0):
    """Pairwise ranking: every positive should outscore every negative by the margin."""
    diff = margin - (s_pos[:, None] - s_neg[None, :])
    return np.sum(np.maximum(0.0, diff)) / diff.size
''', "margin_ranking_loss", lambda: [_normal(4211, 4), _normal(4212, 3)]),

"loss_triplet_batch_hard_mining": ('''
import numpy as np

def batch_hard_triplet_loss(emb, labels, margin=0.3):
    """For every anchor, the farthest positive and the closest negative in the batch."""
    sq = np.sum(emb ** 2, axis=1)
    dist = np.sqrt(np.maximum(sq[:, None] - 2 * emb @ emb.T + sq[None, :], 1e-12))
    same = labels[:, None] == labels[None, :]
    hardest_pos = np.max(np.where(same, dist, 0.0), axis=1)
    hardest_neg = np.min(np.where(same, np.inf, dist), axis=1)
    return np.mean(np.maximum(hardest_pos - hardest_neg + margin, 0.0))
''', "batch_hard_triplet_loss", lambda: [_normal(4213, 6, 3), np.array([0, 0, 1, 1, 2, 2])], {"wrt": [0]}),

"loss_kl_div_log_target": ('''
import numpy as np

def kl_div(input_log_probs, target_log_probs):
    """KL(target || input) of rows given as log-probabilities, batchmean reduction."""
    kl = np.exp(target_log_probs) * (target_log_probs - input_log_probs)
    return kl.sum() / input_log_probs.shape[0]
''', "kl_div", lambda: [np.log(np.array([[.2, .5, .3], [.1, .1, .8]])), np.log(np.array([[.3, .3, .4], [.25, .25, .5]]))]),

"loss_heteroscedastic_gaussian_nll": ('''
import numpy as np

def gaussian_nll(mean, log_var, target):
    """The negative log-likelihood of a network predicting a mean and a log variance per output."""
    precision = np.exp(-log_var)
    return 0.5 * np.mean(precision * (target - mean) ** 2 + log_var + np.log(2 * np.pi))
''', "gaussian_nll", lambda: [_normal(4214, 4, 2), _normal(4215, 4, 2) * .5, _normal(4216, 4, 2)]),

"loss_charbonnier_loss": ('''
import numpy as np

def charbonnier_loss(pred, target, eps=1e-3):
    diff = pred - target
    return np.mean(np.sqrt(diff * diff + eps * eps))
''', "charbonnier_loss", lambda: [_normal(4217, 2, 3, 3), _normal(4218, 2, 3, 3)]),

"loss_tversky_loss_sigmoid": ('''
import numpy as np

def tversky_loss(logits, target, alpha=0.7, beta=0.3, smooth=1.0):
    p = 1.0 / (1.0 + np.exp(-logits))
    tp = np.sum(p * target)
    fp = np.sum(p * (1 - target))
    fn = np.sum((1 - p) * target)
    return 1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth)
''', "tversky_loss", lambda: [_normal(4219, 4, 4), (_uniform(4220, 4, 4) > 1.0).astype(float)], {"wrt": [0]}),

"loss_iou_loss_boxes_min_max": ('''
import numpy as np

def iou_loss(pred, target):
    """Boxes as (x1, y1, x2, y2) rows: 1 - intersection over union, averaged."""
    ix1 = np.maximum(pred[:, 0], target[:, 0])
    iy1 = np.maximum(pred[:, 1], target[:, 1])
    ix2 = np.minimum(pred[:, 2], target[:, 2])
    iy2 = np.minimum(pred[:, 3], target[:, 3])
    inter = np.clip(ix2 - ix1, 0, None) * np.clip(iy2 - iy1, 0, None)
    area_p = (pred[:, 2] - pred[:, 0]) * (pred[:, 3] - pred[:, 1])
    area_t = (target[:, 2] - target[:, 0]) * (target[:, 3] - target[:, 1])
    union = area_p + area_t - inter
    return np.mean(1 - inter / union)
''', "iou_loss", lambda: [np.array([[0., 0., 2., 2.], [1., 1., 3., 4.1], [0.3, 0.2, 1.1, 0.9]]),
                         np.array([[0.5, 0.4, 2.5, 2.2], [1.2, 0.7, 2.8, 3.3], [0.1, 0.1, 1.3, 1.2]])]),

"loss_ordinal_logistic_cumulative_link": ('''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def ordinal_nll(w, cutpoints, X, y):
    """Proportional odds model: P(y <= k) = sigmoid(c_k - x.w); classes 0..K with K cutpoints."""
    eta = X.dot(w)
    c = np.concatenate([[-np.inf], cutpoints, [np.inf]])
    upper = sigmoid(c[y + 1] - eta)
    lower = sigmoid(c[y] - eta)
    return -np.sum(np.log(upper - lower))
''', "ordinal_nll", lambda: [_normal(4221, 2) * .5, np.array([-1.0, 0.0, 1.2]), _normal(4222, 6, 2),
                            np.array([0, 1, 3, 2, 1, 0])], {"wrt": [0, 1]}),

"loss_cox_partial_likelihood_cumsum": ('''
import numpy as np

def cox_neg_log_partial_likelihood(beta, X, time, event):
    """Breslow's partial likelihood without ties: rows sorted by descending time, so the risk set of
    row i is rows 0..i, a cumulative sum."""
    order = np.argsort(-time)
    X, event = X[order], event[order]
    eta = X.dot(beta)
    log_risk = np.log(np.cumsum(np.exp(eta)))
    return -np.sum((eta - log_risk) * event)
''', "cox_neg_log_partial_likelihood", lambda: [_normal(4223, 2) * .5, _normal(4224, 6, 2),
                                               np.array([5., 2., 7., 1., 3., 4.]), np.array([1., 0., 1., 1., 1., 0.])],
    {"wrt": [0]}),

"loss_zero_inflated_poisson_loglik": ('''
import numpy as np
from scipy.special import gammaln

def zip_nll(logit_pi, log_lam, y):
    """Zero-inflated Poisson: a structural zero with probability pi, Poisson(lam) otherwise."""
    pi = 1 / (1 + np.exp(-logit_pi))
    lam = np.exp(log_lam)
    ll_zero = np.log(pi + (1 - pi) * np.exp(-lam))
    ll_pos = np.log(1 - pi) + y * log_lam - lam - gammaln(y + 1)
    return -np.sum(np.where(y == 0, ll_zero, ll_pos))
''', "zip_nll", lambda: [_normal(4225, 6) * .5, _normal(4226, 6) * .5, np.array([0., 1., 0., 3., 2., 0.])],
    {"wrt": [0, 1]}),

"loss_weibull_survival_censored": ('''
import numpy as np

def weibull_nll(log_k, log_lam, t, observed):
    """Weibull survival with right censoring: the density for events, the survival for the censored."""
    k = np.exp(log_k)
    lam = np.exp(log_lam)
    z = t / lam
    log_hazard = np.log(k) - np.log(lam) + (k - 1) * np.log(z)
    log_surv = -z ** k
    return -np.sum(observed * log_hazard + log_surv)
''', "weibull_nll", lambda: [0.3, 0.5, _uniform(4227, 6) * 2, np.array([1., 1., 0., 1., 0., 1.])], {"wrt": [0, 1]}),

"loss_factorization_machine_pairwise": ('''
import numpy as np

def fm_predict(w0, w, V, X):
    """A second-order factorization machine, its pairwise term in Rendle's O(kn) form."""
    linear = w0 + X.dot(w)
    XV = X.dot(V)
    pairwise = 0.5 * np.sum(XV ** 2 - (X ** 2).dot(V ** 2), axis=1)
    return linear + pairwise

def fm_loss(w0, w, V, X, y, reg=0.01):
    pred = fm_predict(w0, w, V, X)
    return np.mean((pred - y) ** 2) + reg * (np.sum(w ** 2) + np.sum(V ** 2))
''', "fm_loss", lambda: [0.1, _normal(4228, 4), _normal(4229, 4, 2), _normal(4230, 5, 4), _normal(4231, 5)],
    {"wrt": [0, 1, 2]}),

"loss_glove_weighted_least_squares": ('''
import numpy as np

def glove_loss(W, W_tilde, b, b_tilde, X, x_max=100.0, alpha=0.75):
    """GloVe's weighted least squares over the nonzero co-occurrence counts X (V, V)."""
    weights = np.where(X < x_max, (X / x_max) ** alpha, 1.0)
    nz = X > 0
    log_X = np.log(np.where(nz, X, 1.0))
    pred = W @ W_tilde.T + b[:, None] + b_tilde[None, :]
    return np.sum(weights * nz * (pred - log_X) ** 2)
''', "glove_loss", lambda: [_normal(4232, 4, 2), _normal(4233, 4, 2), _normal(4234, 4), _normal(4235, 4),
                           np.array([[0., 3., 10., 1.], [3., 0., 0., 150.], [10., 0., 2., 4.], [1., 150., 4., 0.]])],
    {"wrt": [0, 1, 2, 3]}),

"loss_kernel_svm_dual_objective": ('''
import numpy as np

def svm_dual(alpha, X, y, gamma=0.5):
    """The dual of a soft-margin SVM with an RBF kernel: sum(alpha) - 1/2 sum_ij a_i a_j y_i y_j K_ij."""
    sq_dists = np.sum(X ** 2, axis=1)[:, None] + np.sum(X ** 2, axis=1)[None, :] - 2 * X.dot(X.T)
    K = np.exp(-gamma * sq_dists)
    ay = alpha * y
    return np.sum(alpha) - 0.5 * ay.dot(K).dot(ay)
''', "svm_dual", lambda: [_uniform(4236, 5), _normal(4237, 5, 2), np.array([1., -1., 1., -1., 1.])], {"wrt": [0, 1]}),

"loss_weighted_logistic_regression_l2": ('''
import numpy as np

def weighted_logistic_loss(w, b, X, y, sample_weight, C=1.0):
    """scikit-learn's objective: 1/2 ||w||^2 + C * sum_i s_i log(1 + exp(-y_i (x_i.w + b))), y in {-1, 1}."""
    z = y * (X @ w + b)
    return 0.5 * w @ w + C * np.sum(sample_weight * np.logaddexp(0, -z))
''', "weighted_logistic_loss", lambda: [_normal(4238, 3), 0.2, _normal(4239, 6, 3),
                                        np.array([1., -1., -1., 1., 1., -1.]), _uniform(4240, 6)], {"wrt": [0, 1]}),

"loss_wing_loss_landmarks": ('''
import numpy as np

def wing_loss(pred, target, w=10.0, epsilon=2.0):
    """Wing loss for landmark regression: a log curve for small errors, L1 beyond w."""
    x = np.abs(pred - target)
    C = w - w * np.log(1 + w / epsilon)
    losses = np.where(x < w, w * np.log(1 + x / epsilon), x - C)
    return losses.sum() / pred.shape[0]
''', "wing_loss", lambda: [_normal(4241, 4, 2) * 8, _normal(4242, 4, 2)]),

"loss_chamfer_distance_point_sets": ('''
import numpy as np

def chamfer_distance(P, Q):
    """Symmetric chamfer distance of point sets P (n, 3) and Q (m, 3)."""
    d = np.sum((P[:, None, :] - Q[None, :, :]) ** 2, axis=-1)
    return d.min(axis=1).mean() + d.min(axis=0).mean()
''', "chamfer_distance", lambda: [_normal(4243, 4, 3), _normal(4244, 5, 3)]),

"loss_mmd_rbf_two_sample": ('''
import numpy as np

def rbf_kernel(A, B, sigma=1.0):
    d2 = np.sum(A ** 2, 1).reshape(-1, 1) + np.sum(B ** 2, 1) - 2 * np.dot(A, B.T)
    return np.exp(-d2 / (2 * sigma ** 2))

def mmd2(X, Y):
    """The biased estimate of the squared maximum mean discrepancy."""
    return rbf_kernel(X, X).mean() + rbf_kernel(Y, Y).mean() - 2 * rbf_kernel(X, Y).mean()
''', "mmd2", lambda: [_normal(4245, 4, 2), _normal(4246, 3, 2) + 0.5]),

"loss_label_smoothing_kl_onehot_eye": ('''
import numpy as np

def smoothed_cross_entropy(logits, labels, eps=0.1):
    """Cross-entropy against one-hot targets smoothed towards the uniform distribution."""
    n_classes = logits.shape[-1]
    targets = np.eye(n_classes)[labels] * (1 - eps) + eps / n_classes
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=-1, keepdims=True))
    return -np.mean(np.sum(targets * log_probs, axis=-1))
''', "smoothed_cross_entropy", lambda: [_normal(4247, 4, 5), np.array([1, 4, 0, 0])], {"wrt": [0]}),

"loss_plackett_luce_ranking": ('''
import numpy as np

def plackett_luce_nll(scores, ranking):
    """The negative log-likelihood of a full ranking (best first) under Plackett-Luce."""
    s = scores[ranking]
    nll = 0.0
    for i in range(len(s)):
        nll = nll - s[i] + np.log(np.sum(np.exp(s[i:])))
    return nll
''', "plackett_luce_nll", lambda: [_normal(4248, 5), np.array([3, 0, 4, 1, 2])], {"wrt": [0]}),
"phys_j2_perturbed_potential": ('''
import numpy as np

MU = 398600.4418      # km^3 / s^2
R_E = 6378.137        # km
J2 = 1.08262668e-3

def j2_potential(r):
    """Earth's gravitational potential with the J2 oblateness term at position r (km, ECI)."""
    x, y, z = r
    rn = np.sqrt(x ** 2 + y ** 2 + z ** 2)
    return -MU / rn * (1 - J2 * (R_E / rn) ** 2 * (1.5 * (z / rn) ** 2 - 0.5))
''', "j2_potential", lambda: [np.array([7000.0, -1200.0, 2500.0])]),

"phys_jacobi_constant_cr3bp": ('''
import numpy as np

def jacobi_constant(state, mu=0.01215):
    """The Jacobi integral of the circular restricted three-body problem in the rotating frame."""
    x, y, z, vx, vy, vz = state
    r1 = np.sqrt((x + mu) ** 2 + y ** 2 + z ** 2)
    r2 = np.sqrt((x - 1 + mu) ** 2 + y ** 2 + z ** 2)
    U = 0.5 * (x ** 2 + y ** 2) + (1 - mu) / r1 + mu / r2
    return 2 * U - (vx ** 2 + vy ** 2 + vz ** 2)
''', "jacobi_constant", lambda: [np.array([0.8, 0.1, 0.05, 0.02, 0.3, -0.01])]),

"phys_two_body_rk4_state_vector": ('''
import numpy as np

def two_body(state, mu=1.0):
    r = state[:2]
    v = state[2:]
    a = -mu * r / np.linalg.norm(r) ** 3
    return np.concatenate([v, a])

def propagate(state0, dt=0.05, steps=20):
    """Classic RK4 on the 4-vector (x, y, vx, vy)."""
    state = state0
    for _ in range(steps):
        k1 = two_body(state)
        k2 = two_body(state + 0.5 * dt * k1)
        k3 = two_body(state + 0.5 * dt * k2)
        k4 = two_body(state + dt * k3)
        state = state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return state[0] ** 2 + state[1] ** 2
''', "propagate", lambda: [np.array([1.0, 0.0, 0.1, 0.9])]),

"phys_yukawa_pairs_triu": ('''
import numpy as np

def yukawa_energy(pos, q, kappa=1.5):
    """Screened Coulomb (Yukawa / Debye-Hueckel) energy of point charges."""
    n = pos.shape[0]
    i, j = np.triu_indices(n, k=1)
    r = np.linalg.norm(pos[i] - pos[j], axis=1)
    return np.sum(q[i] * q[j] * np.exp(-kappa * r) / r)
''', "yukawa_energy", lambda: [_normal(4301, 4, 3), _normal(4302, 4)]),

"phys_born_mayer_ionic_pair": ('''
import math

def born_mayer(r, A=1000.0, rho=0.3, q1=1.0, q2=-1.0, k=14.4):
    """Born-Mayer repulsion plus Coulomb attraction of an ion pair (eV, Angstrom)."""
    return A * math.exp(-r / rho) + k * q1 * q2 / r
''', "born_mayer", lambda: [2.4]),

"phys_burgers_upwind_steps": ('''
import numpy as np

def burgers(u0, nu=0.05, dx=0.1, dt=0.01, nt=10):
    """Viscous Burgers' equation: first-order upwind convection, central diffusion, periodic ends."""
    u = u0.copy()
    for n in range(nt):
        un = u.copy()
        u[1:-1] = (un[1:-1] - un[1:-1] * dt / dx * (un[1:-1] - un[:-2])
                   + nu * dt / dx ** 2 * (un[2:] - 2 * un[1:-1] + un[:-2]))
        u[0] = (un[0] - un[0] * dt / dx * (un[0] - un[-2])
                + nu * dt / dx ** 2 * (un[1] - 2 * un[0] + un[-2]))
        u[-1] = u[0]
    return np.sum(u ** 2) * dx
''', "burgers", lambda: [_uniform(4303, 9) + 1.0]),

"phys_lax_wendroff_advection": ('''
import numpy as np

def lax_wendroff(u0, c=1.0, dx=0.1, dt=0.05, steps=6):
    """Lax-Wendroff steps of u_t + c u_x = 0 on a periodic grid."""
    C = c * dt / dx
    u = u0
    for _ in range(steps):
        up = np.roll(u, -1)
        um = np.roll(u, 1)
        u = u - 0.5 * C * (up - um) + 0.5 * C ** 2 * (up - 2 * u + um)
    return np.sum(u * np.arange(len(u)))
''', "lax_wendroff", lambda: [_normal(4304, 8)]),

"phys_crank_nicolson_solve": ('''
import numpy as np

def crank_nicolson(u0, alpha, dx=0.1, dt=0.01, steps=4):
    """Crank-Nicolson for u_t = alpha u_xx with zero Dirichlet ends: a linear solve per step."""
    n = u0.shape[0]
    r = alpha * dt / dx ** 2
    lap = -2 * np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)
    A = np.eye(n) - 0.5 * r * lap
    B = np.eye(n) + 0.5 * r * lap
    u = u0
    for _ in range(steps):
        u = np.linalg.solve(A, B @ u)
    return np.sum(u ** 2)
''', "crank_nicolson", lambda: [_normal(4305, 6), 0.5]),

"phys_poisson_jacobi_iterations": ('''
import numpy as np

def poisson_jacobi(f, h=0.25, iters=10):
    """Jacobi sweeps for -u'' = f in 2-D with zero boundaries; returns the field energy."""
    u = np.zeros_like(f)
    for _ in range(iters):
        u_new = u.copy()
        u_new[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
                                    + h ** 2 * f[1:-1, 1:-1])
        u = u_new
    return 0.5 * np.sum(u * f) * h ** 2
''', "poisson_jacobi", lambda: [_normal(4306, 5, 5)]),

"phys_fisher_kpp_reaction_diffusion": ('''
import numpy as np

def fisher_kpp(u0, D, r, dx=0.5, dt=0.05, steps=8):
    """u_t = D u_xx + r u (1 - u), explicit, with no-flux ends (the edge values copied)."""
    u = u0.copy()
    for _ in range(steps):
        lap = np.zeros_like(u)
        lap[1:-1] = (u[2:] - 2 * u[1:-1] + u[:-2]) / dx ** 2
        lap[0] = 2 * (u[1] - u[0]) / dx ** 2
        lap[-1] = 2 * (u[-2] - u[-1]) / dx ** 2
        u = u + dt * (D * lap + r * u * (1 - u))
    return u.sum() * dx
''', "fisher_kpp", lambda: [_uniform(4307, 7) * 0.5, 0.3, 1.2]),

"phys_allen_cahn_energy_step": ('''
import numpy as np

def allen_cahn_energy(phi, eps=0.1, dx=0.1):
    """Ginzburg-Landau free energy of a periodic 1-D phase field."""
    grad = (np.roll(phi, -1) - phi) / dx
    return np.sum(0.5 * eps ** 2 * grad ** 2 + 0.25 * (phi ** 2 - 1) ** 2) * dx
''', "allen_cahn_energy", lambda: [_normal(4308, 10) * .5]),

"phys_shallow_water_lax_friedrichs": ('''
import numpy as np

def shallow_water(h0, u0, g=9.81, dx=1.0, dt=0.02, steps=4):
    """1-D shallow water in conservative form (h, hu), Lax-Friedrichs, periodic."""
    h = h0
    hu = h0 * u0
    for _ in range(steps):
        F1 = hu
        F2 = hu ** 2 / h + 0.5 * g * h ** 2
        h_new = 0.5 * (np.roll(h, -1) + np.roll(h, 1)) - dt / (2 * dx) * (np.roll(F1, -1) - np.roll(F1, 1))
        hu = 0.5 * (np.roll(hu, -1) + np.roll(hu, 1)) - dt / (2 * dx) * (np.roll(F2, -1) - np.roll(F2, 1))
        h = h_new
    return np.sum(h ** 2) + np.sum(hu)
''', "shallow_water", lambda: [_uniform(4309, 6) + 1.0, _normal(4310, 6) * .1]),

"phys_catenary_chain_energy": ('''
import numpy as np

def chain_energy(y, x, m=1.0, g=9.81, k=500.0, L0=0.2):
    """A hanging chain of point masses between fixed ends: gravity plus stiff springs."""
    ys = np.concatenate(([0.0], y, [0.0]))
    dx = np.diff(x)
    dy = np.diff(ys)
    stretch = np.sqrt(dx ** 2 + dy ** 2) - L0
    return m * g * np.sum(y) + 0.5 * k * np.sum(stretch ** 2)
''', "chain_energy", lambda: [-_uniform(4311, 4) * .2, np.linspace(0.0, 1.0, 6)], {"wrt": [0]}),

"phys_snell_fresnel_scalar": ('''
import math

def fresnel_rs(theta_i, n1=1.0, n2=1.5):
    """The s-polarised reflectance at an interface, the transmitted angle from Snell's law."""
    theta_t = math.asin(n1 / n2 * math.sin(theta_i))
    num = n1 * math.cos(theta_i) - n2 * math.cos(theta_t)
    den = n1 * math.cos(theta_i) + n2 * math.cos(theta_t)
    return (num / den) ** 2
''', "fresnel_rs", lambda: [0.6]),

"phys_bateman_decay_chain": ('''
import numpy as np

def daughter_activity(lam1, lam2, t, N1_0=1000.0):
    """Bateman's solution for the daughter of a two-member decay chain, its activity at times t."""
    N2 = N1_0 * lam1 / (lam2 - lam1) * (np.exp(-lam1 * t) - np.exp(-lam2 * t))
    return np.sum(lam2 * N2)
''', "daughter_activity", lambda: [0.3, 0.7, np.linspace(0.5, 5.0, 6)], {"wrt": [0, 1]}),

"phys_michaelis_menten_fit": ('''
import numpy as np

def mm_sse(params, S, v):
    """The squared error of the Michaelis-Menten rate law v = Vmax S / (Km + S)."""
    Vmax, Km = params
    pred = Vmax * S / (Km + S)
    return np.sum((pred - v) ** 2)
''', "mm_sse", lambda: [np.array([2.0, 0.7]), np.array([0.1, 0.3, 0.6, 1.0, 2.0, 4.0]),
                       np.array([0.25, 0.6, 0.9, 1.2, 1.5, 1.7])], {"wrt": [0]}),

"phys_lotka_volterra_rk4_tuple": ('''
def lotka_volterra(x, y, a, b, c, d):
    return a * x - b * x * y, d * x * y - c * y

def simulate(x0, y0, a=1.1, b=0.4, c=0.4, d=0.1, dt=0.05, steps=20):
    """Predator-prey populations by RK4 steps on the pair (x, y)."""
    x, y = x0, y0
    for _ in range(steps):
        k1x, k1y = lotka_volterra(x, y, a, b, c, d)
        k2x, k2y = lotka_volterra(x + 0.5 * dt * k1x, y + 0.5 * dt * k1y, a, b, c, d)
        k3x, k3y = lotka_volterra(x + 0.5 * dt * k2x, y + 0.5 * dt * k2y, a, b, c, d)
        k4x, k4y = lotka_volterra(x + dt * k3x, y + dt * k3y, a, b, c, d)
        x = x + dt / 6 * (k1x + 2 * k2x + 2 * k3x + k4x)
        y = y + dt / 6 * (k1y + 2 * k2y + 2 * k3y + k4y)
    return x + y
''', "simulate", lambda: [10.0, 5.0, 1.1, 0.4]),

"phys_duffing_oscillator_euler_cromer": ('''
import numpy as np

def duffing(x0, v0, delta=0.2, alpha=-1.0, beta=1.0, gamma=0.3, omega=1.2, dt=0.02, n=50):
    """Forced Duffing oscillator, semi-implicit Euler; the time-averaged x^2."""
    x, v = x0, v0
    total = 0.0
    for i in range(n):
        t = i * dt
        a = -delta * v - alpha * x - beta * x ** 3 + gamma * np.cos(omega * t)
        v = v + a * dt
        x = x + v * dt
        total += x ** 2
    return total / n
''', "duffing", lambda: [0.5, -0.1]),

"phys_kuramoto_order_parameter": ('''
import numpy as np

def kuramoto(theta0, omega, K=1.5, dt=0.05, steps=10):
    """Kuramoto oscillators, all-to-all coupling; returns the final order parameter r."""
    N = len(theta0)
    theta = theta0
    for _ in range(steps):
        coupling = np.sum(np.sin(theta[None, :] - theta[:, None]), axis=1)
        theta = theta + dt * (omega + K / N * coupling)
    return np.abs(np.mean(np.cos(theta))) ** 2 + np.abs(np.mean(np.sin(theta))) ** 2
''', "kuramoto", lambda: [_normal(4312, 5), _normal(4313, 5) * .3]),

"phys_fitzhugh_nagumo_euler": ('''
def fitzhugh_nagumo(v0, w0, I=0.5, a=0.7, b=0.8, tau=12.5, dt=0.1, steps=40):
    v, w = v0, w0
    for _ in range(steps):
        dv = v - v ** 3 / 3 - w + I
        dw = (v + a - b * w) / tau
        v += dt * dv
        w += dt * dw
    return v
''', "fitzhugh_nagumo", lambda: [-1.0, 1.0]),

"phys_brusselator_rk2_arrays": ('''
import numpy as np

def brusselator(u0, A=1.0, B=3.0, dt=0.05, steps=10):
    """The Brusselator's concentrations (x, y) as a 2-vector, midpoint steps."""
    def f(u):
        x, y = u[0], u[1]
        return np.array([A + x ** 2 * y - (B + 1) * x, B * x - x ** 2 * y])
    u = u0
    for _ in range(steps):
        u = u + dt * f(u + 0.5 * dt * f(u))
    return u[0] * u[1]
''', "brusselator", lambda: [np.array([1.2, 2.5])]),

"phys_xy_model_energy_roll": ('''
import numpy as np

def xy_energy(theta, J=1.0, h=0.1):
    """The classical XY model on a periodic square lattice, with a field along x."""
    E_bonds = -J * np.sum(np.cos(theta - np.roll(theta, 1, axis=0)) + np.cos(theta - np.roll(theta, 1, axis=1)))
    return E_bonds - h * np.sum(np.cos(theta))
''', "xy_energy", lambda: [_normal(4314, 4, 4)]),

"phys_gravitational_lens_deflection": ('''
import numpy as np

def lens_potential_fermat(x, beta, theta_E=1.0):
    """Fermat potential of a point lens at image position x (2,) for source position beta (2,)."""
    r = np.sqrt(x[0] ** 2 + x[1] ** 2)
    return 0.5 * np.sum((x - beta) ** 2) - theta_E ** 2 * np.log(r)
''', "lens_potential_fermat", lambda: [np.array([0.9, 0.4]), np.array([0.2, 0.1])]),

"phys_harmonic_bond_angle_energy": ('''
import numpy as np

def bond_angle_energy(coords, kb=300.0, r0=1.0, ka=50.0, theta0=1.9):
    """Harmonic bonds and the harmonic angle of a three-atom molecule, coords (3, 3)."""
    b1 = coords[0] - coords[1]
    b2 = coords[2] - coords[1]
    r1 = np.linalg.norm(b1)
    r2 = np.linalg.norm(b2)
    cos_theta = np.dot(b1, b2) / (r1 * r2)
    theta = np.arccos(cos_theta)
    return kb * ((r1 - r0) ** 2 + (r2 - r0) ** 2) + ka * (theta - theta0) ** 2
''', "bond_angle_energy", lambda: [np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 0.0], [-0.3, 0.95, 0.1]])]),
"cs_svm_loss_verbose_print_errstate": ('''
import numpy as np

def svm_loss(W, X, y, reg, verbose=False):
    """Multiclass SVM loss, vectorized, with the progress printed as people do while debugging."""
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y][:, np.newaxis]
    with np.errstate(over='ignore'):
        margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train
    if verbose:
        print('data loss %f' % loss)
    loss += reg * np.sum(W * W)
    return loss
''', "svm_loss", lambda: [_normal(4401, 4, 3) * .3, _normal(4402, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1],
    {"wrt": [0, 1]}),

"ag_expit_scipy_logistic_l2": ('''
import numpy as np
from scipy.special import expit

def nll(w, X, y, lam=0.1):
    p = expit(X @ w)
    return -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)) + lam * np.sum(w ** 2)
''', "nll", lambda: [_normal(4403, 3) * .5, _normal(4404, 6, 3), np.array([0., 1., 1., 0., 1., 0.])], {"wrt": [0]}),

"loss_xlogy_cross_entropy_scipy": ('''
import numpy as np
from scipy.special import xlogy

def cross_entropy(p, q):
    """H(p, q) with 0 log 0 taken as 0 (the targets p may hold zeros)."""
    return -np.sum(xlogy(p, q))
''', "cross_entropy", lambda: [np.array([0.0, 0.3, 0.7]), np.array([0.2, 0.3, 0.5])], {"wrt": [1]}),

"phys_recursive_continued_fraction": ('''
def continued_fraction(x, depth=6):
    """tan(x) by Lambert's continued fraction x / (1 - x^2 / (3 - x^2 / (5 - ...)))."""
    def tail(k):
        if k > 2 * depth:
            return 2 * depth + 1.0
        return k - x * x / tail(k + 2)
    return x / tail(1)
''', "continued_fraction", lambda: [0.7]),

"ag_reduce_matrix_chain_product": ('''
import numpy as np
from functools import reduce

def chain_trace(A, B, C):
    """The trace of the product of a chain of matrices, the product folded with reduce."""
    P = reduce(np.dot, [A, B, C])
    return np.trace(P)
''', "chain_trace", lambda: [_normal(4405, 3, 3), _normal(4406, 3, 3), _normal(4407, 3, 3)]),

"loss_covariance_np_cov_whitening": ('''
import numpy as np

def decorrelation_penalty(Z):
    """Off-diagonal covariance of features (as in Barlow-twins-style regularizers)."""
    C = np.cov(Z, rowvar=False)
    off = C - np.diag(np.diag(C))
    return np.sum(off ** 2)
''', "decorrelation_penalty", lambda: [_normal(4408, 6, 3)]),

"cs_fancy_column_pairs_index": ('''
import numpy as np

def pair_scores(E, pairs):
    """Dot products of embedding rows picked by index pairs (i, j), a logistic loss on them."""
    u = E[pairs[:, 0]]
    v = E[pairs[:, 1]]
    s = np.einsum('ij,ij->i', u, v)
    return np.sum(np.log1p(np.exp(-s)))
''', "pair_scores", lambda: [_normal(4409, 4, 3), np.array([[0, 1], [2, 2], [3, 0], [1, 0]])], {"wrt": [0]}),

"phys_fft_free_dft_power": ('''
import numpy as np

def dft_power(x):
    """The power spectrum of x by a real DFT written with cosines and sines."""
    N = len(x)
    n = np.arange(N)
    k = n.reshape((N, 1))
    re = np.cos(2 * np.pi * k * n / N) @ x
    im = -np.sin(2 * np.pi * k * n / N) @ x
    return np.sum((re ** 2 + im ** 2)[1:N // 2]) / N
''', "dft_power", lambda: [_normal(4410, 8)]),

"loss_del_and_nan_to_num": ('''
import numpy as np

def safe_log_loss(p, y, eps=1e-12):
    logp = np.log(np.clip(p, eps, None))
    loss = -np.sum(y * logp)
    del logp
    return loss
''', "safe_log_loss", lambda: [_uniform(4411, 5) * .5, np.array([1., 0., 0., 1., 0.])], {"wrt": [0]}),

"cs_ellipsis_newaxis_bias": ('''
import numpy as np

def channel_scale(x, gamma, beta):
    """Per-channel affine on the last axis of an image batch, written with an ellipsis."""
    return np.sum((x * gamma[np.newaxis, ...] + beta[..., :]) ** 2)
''', "channel_scale", lambda: [_normal(4412, 2, 3, 4), _uniform(4413, 4), _normal(4414, 4)]),

"loss_tensordot_axes_lists": ('''
import numpy as np

def bilinear_pool_loss(A, B, W):
    """sum_n a_n^T W b_n with the contraction written as np.tensordot over two axes."""
    outer = A[:, :, None] * B[:, None, :]
    s = np.tensordot(outer, W, axes=([1, 2], [0, 1]))
    return np.sum(s ** 2)
''', "bilinear_pool_loss", lambda: [_normal(4415, 3, 2), _normal(4416, 3, 4), _normal(4417, 2, 4)]),

"phys_math_builtins_scalar_mix": ('''
import math

def pendulum_period(theta0, L=1.0, g=9.81):
    """The large-amplitude period of a pendulum: a series in sin(theta0 / 2)^2."""
    k = math.sin(theta0 / 2)
    series = 1 + (1 / 4) * k ** 2 + (9 / 64) * k ** 4 + (25 / 256) * k ** 6
    return 2 * math.pi * math.sqrt(L / g) * series + abs(min(theta0, 0.0)) + pow(theta0, 2)
''', "pendulum_period", lambda: [0.8]),

"ag_split_indices_list_sections": ('''
import numpy as np

def mdn_nll(out, y):
    """A mixture density network's head: out (N, 3K) split at K and 2K into logits, means, log sigmas."""
    K = out.shape[1] // 3
    logits, mu, log_sigma = np.split(out, [K, 2 * K], axis=1)
    log_pi = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    z = (y[:, None] - mu) / np.exp(log_sigma)
    log_comp = log_pi - 0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)
    m = np.max(log_comp, axis=1, keepdims=True)
    return -np.sum(m[:, 0] + np.log(np.sum(np.exp(log_comp - m), axis=1)))
''', "mdn_nll", lambda: [_normal(4418, 4, 6), _normal(4419, 4)], {"wrt": [0]}),

"cs_ravel_flatten_squeeze_chain": ('''
import numpy as np

def flat_head(x, w):
    """Features flattened three ways people write it, one linear score each."""
    a = x.ravel() @ w
    b = x.flatten().dot(w)
    c = np.squeeze(x.reshape(1, -1)) @ w
    return a * b + c
''', "flat_head", lambda: [_normal(4420, 2, 3), _normal(4421, 6)]),

"loss_logical_and_masks_huber_band": ('''
import numpy as np

def band_loss(pred, lo, hi):
    """Zero inside [lo, hi], squared outside: the masks combined with np.logical_and / logical_or."""
    below = np.logical_and(pred < lo, True)
    above = np.logical_or(pred > hi, False)
    return np.sum(below * (lo - pred) ** 2 + above * (pred - hi) ** 2)
''', "band_loss", lambda: [_normal(4422, 6), -0.3, 0.4]),

"phys_einsum_trace_and_frobenius": ('''
import numpy as np

def elastic_energy(F, mu=1.0, lam=0.5):
    """Saint Venant-Kirchhoff energy of a deformation gradient F (3, 3)."""
    E = 0.5 * (np.einsum('ki,kj->ij', F, F) - np.eye(3))
    trE = np.einsum('ii', E)
    return mu * np.einsum('ij,ij->', E, E) + 0.5 * lam * trE ** 2
''', "elastic_energy", lambda: [np.eye(3) + 0.1 * _normal(4423, 3, 3)]),

"loss_where_nonzero_indices_gather": ('''
import numpy as np

def positive_pair_loss(scores, labels):
    """The mean log-sigmoid of the scores of the positive labels, found with np.where(...)[0]."""
    idx = np.where(labels == 1)[0]
    pos = scores[idx]
    return -np.mean(-np.log1p(np.exp(-pos)))
''', "positive_pair_loss", lambda: [_normal(4424, 6), np.array([1, 0, 1, 1, 0, 0])], {"wrt": [0]}),

"phys_array_split_uneven": ('''
import numpy as np

def segment_energies(x):
    """The string x cut into three nearly equal segments, the spread of each."""
    total = 0.0
    for seg in np.array_split(x, 3):
        total = total + np.var(seg) * len(seg)
    return total
''', "segment_energies", lambda: [_normal(4425, 8)]),

"cs_global_constant_matrix_module_level": ('''
import numpy as np

SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
SOBEL_Y = SOBEL_X.T

def edge_energy(img):
    """Squared Sobel gradients of an image, valid correlation with the module's kernels."""
    H, W = img.shape
    total = 0.0
    for i in range(H - 2):
        for j in range(W - 2):
            patch = img[i:i + 3, j:j + 3]
            gx = np.sum(patch * SOBEL_X)
            gy = np.sum(patch * SOBEL_Y)
            total += gx ** 2 + gy ** 2
    return total
''', "edge_energy", lambda: [_normal(4426, 4, 5)]),

"loss_log2_exp2_cbrt_reciprocal": ('''
import numpy as np

def odd_functions(x):
    return np.sum(np.log2(1 + x ** 2) + np.exp2(-x) + np.cbrt(x) * np.reciprocal(1 + x ** 2) + np.log10(2 + x))
''', "odd_functions", lambda: [_uniform(4427, 5)]),

"ag_try_except_fallback_cholesky": ('''
import numpy as np

def gaussian_logdet_quad(A, x):
    """x^T A^-1 x + log det A, by Cholesky when A is positive definite."""
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(A + 1e-6 * np.eye(A.shape[0]))
    z = np.linalg.solve(L, x)
    return z @ z + 2 * np.sum(np.log(np.diag(L)))
''', "gaussian_logdet_quad", lambda: [np.array([[2.0, 0.3, 0.1], [0.3, 1.5, -0.2], [0.1, -0.2, 1.0]]), _normal(4428, 3)]),
"cs_batchnorm_inplace_center_scale": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm written with in-place steps on the centred copy."""
    eps = bn_param.get('eps', 1e-5)
    mu = np.mean(x, axis=0)
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    std = np.sqrt(var + eps)
    xc /= std
    out = gamma * xc + beta
    cache = (xc, gamma, std)
    return out, cache
''', "batchnorm_forward", lambda: [_normal(4501, 4, 3), _uniform(4502, 3), _normal(4503, 3), {'mode': 'train'}]),

"cs_softmax_inplace_exp_out": ('''
import numpy as np

def softmax_loss_inplace(scores, y):
    """The probabilities computed in place in the scores' own copy."""
    N = scores.shape[0]
    p = scores.copy()
    p -= p.max(axis=1, keepdims=True)
    np.exp(p, out=p)
    p /= p.sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(N), y]).sum() / N
''', "softmax_loss_inplace", lambda: [_normal(4504, 4, 3), np.array([2, 0, 1, 1])], {"wrt": [0]}),

"ag_gp_diag_indices_from_noise": ('''
import numpy as np

def gp_nll(log_ls, log_noise, X, y):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(-0.5 * sq / np.exp(2 * log_ls))
    K[np.diag_indices_from(K)] += np.exp(log_noise)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
''', "gp_nll", lambda: [0.2, -1.0, _normal(4505, 5, 2), _normal(4506, 5)], {"wrt": [0, 1]}),

"ag_kernel_flat_stride_jitter": ('''
import numpy as np

def kernel_logdet(X, jitter=1e-2):
    """log det of a linear kernel plus jitter on the diagonal, written through K.flat as scikit-learn does."""
    K = X @ X.T
    K.flat[::K.shape[0] + 1] += jitter
    sign, logdet = np.linalg.slogdet(K)
    return logdet
''', "kernel_logdet", lambda: [_normal(4507, 3, 4)]),

"cs_view_of_out_scaled_inplace": ('''
import numpy as np

def gated_halves(x, W):
    """The first half of the features scaled in place through a view of the output."""
    out = x.dot(W)
    H = out.shape[1] // 2
    first = out[:, :H]
    first *= 2.0
    return np.sum(np.tanh(out))
''', "gated_halves", lambda: [_normal(4508, 3, 4), _normal(4509, 4, 6) * .5]),

"cs_gru_inplace_hidden_copy": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def gru_forward(x, h0, Wz, Uz, Wh, Uh):
    """A GRU over x (T, N, D), its state updated in place on a copy of h0."""
    h = h0.copy()
    for t in range(x.shape[0]):
        z = sigmoid(x[t] @ Wz + h @ Uz)
        h_tilde = np.tanh(x[t] @ Wh + h @ Uh)
        h *= (1 - z)
        h += z * h_tilde
    return np.sum(h ** 2)
''', "gru_forward", lambda: [_normal(4510, 3, 2, 2), _normal(4511, 2, 3) * .5, _normal(4512, 2, 3) * .5,
                            _normal(4513, 3, 3) * .5, _normal(4514, 2, 3) * .5, _normal(4515, 3, 3) * .5]),

"phys_state_list_items_assigned": ('''
def spring_step(x0, v0, k, dt=0.1, steps=10):
    """The state kept in a list [x, v], its items replaced each step."""
    state = [x0, v0]
    for _ in range(steps):
        state[1] = state[1] - k * state[0] * dt
        state[0] = state[0] + state[1] * dt
    return 0.5 * state[1] ** 2 + 0.5 * k * state[0] ** 2
''', "spring_step", lambda: [1.0, 0.0, 2.0]),

"phys_params_dict_hidden_updated": ('''
import numpy as np

def reservoir(u, W_in, W, leak=0.3):
    """An echo state network: its state held in a dict entry updated each step."""
    state = {'h': np.zeros(W.shape[0])}
    outputs = []
    for t in range(len(u)):
        pre = W_in * u[t] + W @ state['h']
        state['h'] = (1 - leak) * state['h'] + leak * np.tanh(pre)
        outputs.append(state['h'].sum())
    return np.sum(np.array(outputs) ** 2)
''', "reservoir", lambda: [_normal(4516, 5), _normal(4517, 3), _normal(4518, 3, 3) * .4]),

"phys_gauss_seidel_inplace_sweeps": ('''
import numpy as np

def gauss_seidel(f, h=0.2, sweeps=3):
    """Gauss-Seidel for -u'' = f with zero ends: each point updated from its already updated left side."""
    n = len(f)
    u = np.zeros(n)
    for s in range(sweeps):
        for i in range(1, n - 1):
            u[i] = 0.5 * (u[i - 1] + u[i + 1] + h * h * f[i])
    return np.sum(u * f) * h
''', "gauss_seidel", lambda: [_normal(4519, 6)]),

"phys_thomas_tridiagonal_solve": ('''
import numpy as np

def thomas(a, b, c, d):
    """Solve a tridiagonal system: sub-diagonal a, diagonal b, super-diagonal c, right side d."""
    n = len(d)
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return np.sum(x ** 2)
''', "thomas", lambda: [_normal(4520, 5) * .3, 4 + _uniform(4521, 5), _normal(4522, 5) * .3, _normal(4523, 5)]),

"phys_cumulative_trapezoid_prealloc": ('''
import numpy as np

def work_profile(F, x):
    """The work done up to each point, a cumulative trapezoid rule into a preallocated array."""
    W = np.zeros_like(F)
    for i in range(1, len(x)):
        W[i] = W[i - 1] + 0.5 * (F[i] + F[i - 1]) * (x[i] - x[i - 1])
    return np.sum(W ** 2)
''', "work_profile", lambda: [_normal(4524, 6), np.cumsum(_uniform(4525, 6))], {"wrt": [0, 1]}),

"phys_rk2_rows_of_solution_array": ('''
import numpy as np

def f(y, omega):
    return np.array([y[1], -omega ** 2 * y[0]])

def heun(y0, omega, h=0.1, n=12):
    """Heun's method, each state written into a row of the solution Y."""
    Y = np.zeros((n + 1, 2))
    Y[0] = y0
    for i in range(n):
        k1 = f(Y[i], omega)
        k2 = f(Y[i] + h * k1, omega)
        Y[i + 1] = Y[i] + 0.5 * h * (k1 + k2)
    return np.sum(Y[:, 0] ** 2) * h
''', "heun", lambda: [np.array([1.0, 0.2]), 1.3]),

"phys_symplectic_euler_copies_inplace": ('''
import numpy as np

def grad_V(q):
    return q ** 3 - q

def symplectic_euler(q0, p0, dt=0.05, steps=20):
    """Symplectic Euler on a double-well potential, the momenta and positions updated in place."""
    q = q0.copy()
    p = p0.copy()
    for _ in range(steps):
        p -= dt * grad_V(q)
        q += dt * p
    return np.sum(0.5 * p ** 2 + 0.25 * q ** 4 - 0.5 * q ** 2)
''', "symplectic_euler", lambda: [_normal(4526, 3), _normal(4527, 3)]),

"phys_ellipsis_last_axis_writes": ('''
import numpy as np

def drift(pos, vel, dt=0.1, steps=5):
    """Particles in a box of gravity: the x and y of each written through pos[..., 0] and pos[..., 1]."""
    pos = pos.copy()
    vel = vel.copy()
    for _ in range(steps):
        vel[..., 1] -= 9.81 * dt
        pos[..., 0] += vel[..., 0] * dt
        pos[..., 1] += vel[..., 1] * dt
    return np.sum(pos ** 2)
''', "drift", lambda: [_normal(4528, 2, 3, 2), _normal(4529, 2, 3, 2)]),

"cs_slice_all_assign_out": ('''
import numpy as np

def normalize_rows_into(x, out):
    """The rows of x scaled to unit length, written into a buffer with out[:] = ..."""
    out[:] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return np.sum(out * np.arange(out.shape[1]))
''', "normalize_rows_into", lambda: [_normal(4530, 3, 4), np.zeros((3, 4))], {"wrt": [0]}),

"loss_sorted_cumsum_lovasz_free_hinge": ('''
import numpy as np

def topk_hinge(scores, labels, k=3):
    """The mean hinge of the k largest negative scores (hard negative mining by sorting)."""
    neg = scores[labels == 0]
    hardest = np.sort(neg)[::-1][:k]
    pos = scores[labels == 1]
    return np.mean(np.maximum(0, 1 + hardest[None, :] - pos[:, None]))
''', "topk_hinge", lambda: [_normal(4531, 8), np.array([1, 0, 0, 1, 0, 0, 0, 1])], {"wrt": [0]}),
"cs_rmsprop_config_setdefault": ('''
import numpy as np

def rmsprop(w, dw, config=None):
    """
    RMSProp update: a moving average of squared gradient values sets per-parameter step sizes.

    config format:
    - learning_rate: Scalar learning rate.
    - decay_rate: Scalar between 0 and 1 giving the decay rate for the squared gradient cache.
    - epsilon: Small scalar used for smoothing to avoid dividing by zero.
    - cache: Moving average of second moments of gradients.
    """
    if config is None:
        config = {}
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('decay_rate', 0.99)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('cache', np.zeros_like(w))

    next_w = None
    cache = config['decay_rate'] * config['cache'] + (1 - config['decay_rate']) * dw ** 2
    next_w = w - config['learning_rate'] * dw / (np.sqrt(cache) + config['epsilon'])
    config['cache'] = cache
    return np.sum(next_w ** 2)
''', "rmsprop", lambda: [_normal(4601, 3, 2), _normal(4602, 3, 2)], {"wrt": [0, 1]}),

"cs_knn_distances_no_loops": ('''
import numpy as np

def compute_distances_no_loops(X, X_train):
    """
    The distance between each test point in X and each training point in X_train, with no loops:
    ||x - y||^2 = ||x||^2 - 2 x.y + ||y||^2.
    """
    num_test = X.shape[0]
    num_train = X_train.shape[0]
    dists = np.zeros((num_test, num_train))
    dists = np.sqrt(-2 * np.dot(X, X_train.T) + np.sum(X_train ** 2, axis=1) + np.sum(X ** 2, axis=1)[:, np.newaxis])
    return dists
''', "compute_distances_no_loops", lambda: [_normal(4603, 3, 4), _normal(4604, 5, 4)]),

"ag_neural_net_regression_log_posterior": ('''
import autograd.numpy as np

def nn_predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = nonlinearity(outputs)
    return outputs

def log_gaussian(params, scale):
    flat_params = np.concatenate([np.ravel(W) for W, b in params] + [np.ravel(b) for W, b in params])
    return np.sum(-0.5 * (flat_params / scale) ** 2 - np.log(scale) - 0.5 * np.log(2 * np.pi))

def logprob(params, inputs, targets, noise_scale=0.1):
    predictions = nn_predict(params, inputs)
    return np.sum(-0.5 * ((predictions - targets) / noise_scale) ** 2) + log_gaussian(params, 1.0)
''', "logprob", lambda: [[(_normal(4605, 1, 4) * .5, _normal(4606, 4) * .1), (_normal(4607, 4, 1) * .5, _normal(4608, 1) * .1)],
                         np.linspace(-1, 1, 5).reshape(5, 1), np.cos(np.linspace(-1, 1, 5)).reshape(5, 1)], {"wrt": [0]}),

"phys_rayleigh_quotient_schrodinger": ('''
import numpy as np

def energy_expectation(psi, V, dx=0.1, hbar=1.0, m=1.0):
    """<psi|H|psi> / <psi|psi> on a grid with zero ends, the kinetic term from second differences."""
    padded = np.concatenate(([0.0], psi, [0.0]))
    lap = (padded[2:] - 2 * padded[1:-1] + padded[:-2]) / dx ** 2
    H_psi = -hbar ** 2 / (2 * m) * lap + V * psi
    return np.dot(psi, H_psi) / np.dot(psi, psi)
''', "energy_expectation", lambda: [_uniform(4609, 7), np.linspace(-1, 1, 7) ** 2], {"wrt": [0, 1]}),

"phys_vmc_hydrogen_local_energy": ('''
import numpy as np

def vmc_energy(alpha, r):
    """Variational Monte Carlo for hydrogen with psi = exp(-alpha r): the mean local energy at samples r,
    reweighted to the trial wave function of alpha from the one the samples were drawn from (alpha = 1)."""
    E_local = -0.5 * alpha ** 2 + (alpha - 1) / r
    w = np.exp(-2 * (alpha - 1.0) * r)
    return np.sum(w * E_local) / np.sum(w)
''', "vmc_energy", lambda: [0.9, _uniform(4610, 8) * 2], {"wrt": [0]}),

"phys_boris_pusher_cross": ('''
import numpy as np

def boris(x0, v0, E, B, q_m=1.0, dt=0.05, steps=8):
    """The Boris push of a charged particle in uniform E and B fields."""
    x = x0
    v = v0
    for _ in range(steps):
        v_minus = v + 0.5 * q_m * E * dt
        t = 0.5 * q_m * B * dt
        s = 2 * t / (1 + np.dot(t, t))
        v_prime = v_minus + np.cross(v_minus, t)
        v_plus = v_minus + np.cross(v_prime, s)
        v = v_plus + 0.5 * q_m * E * dt
        x = x + v * dt
    return np.sum(x ** 2) + np.sum(v ** 2)
''', "boris", lambda: [_normal(4611, 3), _normal(4612, 3), _normal(4613, 3) * .2, _normal(4614, 3)]),

"phys_heisenberg_chain_cross_energy": ('''
import numpy as np

def spin_energy(S, J=1.0, D=0.3):
    """A classical Heisenberg chain with Dzyaloshinskii-Moriya coupling along z; spins normalised first."""
    S = S / np.linalg.norm(S, axis=1, keepdims=True)
    E = 0.0
    for i in range(len(S) - 1):
        E += -J * np.dot(S[i], S[i + 1]) + D * np.cross(S[i], S[i + 1])[2]
    return E
''', "spin_energy", lambda: [_normal(4615, 4, 3)]),

"phys_euler_rigid_body_torque_free": ('''
import numpy as np

def spin_up(w0, I1=1.0, I2=2.0, I3=3.0, dt=0.01, steps=30):
    """Euler's equations of a torque-free rigid body, forward Euler on the body rates."""
    w1, w2, w3 = w0[0], w0[1], w0[2]
    for _ in range(steps):
        d1 = (I2 - I3) / I1 * w2 * w3
        d2 = (I3 - I1) / I2 * w3 * w1
        d3 = (I1 - I2) / I3 * w1 * w2
        w1, w2, w3 = w1 + dt * d1, w2 + dt * d2, w3 + dt * d3
    return 0.5 * (I1 * w1 ** 2 + I2 * w2 ** 2 + I3 * w3 ** 2)
''', "spin_up", lambda: [np.array([0.3, 1.0, 0.2])]),

"phys_abcd_ray_transfer_matrices": ('''
import numpy as np

def spot_size(d1, f, d2, y0=1.0, theta0=0.05):
    """A ray through free space d1, a thin lens f and free space d2, by ray transfer (ABCD) matrices."""
    M1 = np.array([[1.0, d1], [0.0, 1.0]])
    L = np.array([[1.0, 0.0], [-1.0 / f, 1.0]])
    M2 = np.array([[1.0, d2], [0.0, 1.0]])
    ray = M2 @ L @ M1 @ np.array([y0, theta0])
    return ray[0] ** 2
''', "spot_size", lambda: [0.5, 0.3, 0.4]),

"phys_truss_strain_energy": ('''
import numpy as np

def truss_energy(nodes, bars, EA=100.0):
    """Strain energy of pin-jointed bars: each bar's rest length from the reference nodes."""
    rest = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    E = 0.0
    for i, j in bars:
        L0 = np.linalg.norm(rest[j] - rest[i])
        L = np.linalg.norm(nodes[j] - nodes[i])
        E += 0.5 * EA * (L - L0) ** 2 / L0
    return E
''', "truss_energy", lambda: [np.array([[0.0, 0.0], [1.05, 0.02], [-0.03, 0.98], [1.02, 1.04]]),
                              [(0, 1), (0, 2), (1, 3), (2, 3), (0, 3)]], {"wrt": [0]}),

"phys_optical_depth_cumsum": ('''
import numpy as np

def transmitted(kappa, rho, dz=0.1, I0=1.0):
    """Intensity through a slab: optical depth accumulated layer by layer with np.cumsum."""
    tau = np.cumsum(kappa * rho) * dz
    I = I0 * np.exp(-tau)
    return np.sum(I * dz)
''', "transmitted", lambda: [_uniform(4616, 6), _uniform(4617, 6)]),

"loss_center_of_mass_reg_mse_mixed": ('''
import numpy as np

def keypoint_loss(heatmaps, targets, beta=5.0):
    """Soft-argmax of heatmaps (N, K, H, W) against target coordinates (N, K, 2)."""
    N, K, H, W = heatmaps.shape
    flat = heatmaps.reshape(N, K, -1) * beta
    flat = flat - flat.max(axis=-1, keepdims=True)
    p = np.exp(flat) / np.exp(flat).sum(axis=-1, keepdims=True)
    p = p.reshape(N, K, H, W)
    ys = np.arange(H, dtype=float)
    xs = np.arange(W, dtype=float)
    ey = np.sum(p.sum(axis=3) * ys, axis=-1)
    ex = np.sum(p.sum(axis=2) * xs, axis=-1)
    pred = np.stack([ex, ey], axis=-1)
    return np.mean((pred - targets) ** 2)
''', "keypoint_loss", lambda: [_normal(4618, 2, 2, 3, 4) * .3, _uniform(4619, 2, 2, 2) * 2], {"wrt": [0]}),

"loss_sigmoid_focal_alpha_t": ('''
import numpy as np

def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0):
    """As in RetinaNet: the BCE of the logits, weighted by (1 - p_t)^gamma and alpha_t."""
    p = 1 / (1 + np.exp(-inputs))
    ce = np.maximum(inputs, 0) - inputs * targets + np.log1p(np.exp(-np.abs(inputs)))
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    loss = alpha_t * loss
    return loss.mean()
''', "sigmoid_focal_loss", lambda: [_normal(4620, 4, 3), (_uniform(4621, 4, 3) > 1.0).astype(float)], {"wrt": [0]}),

"ag_dict_params_unpack_by_keys_loop": ('''
import autograd.numpy as np

def init_layer_names(n):
    return ['layer%d' % i for i in range(n)]

def mlp_loss(params, X, y):
    """params: {'W0': ..., 'b0': ..., 'W1': ..., 'b1': ...}; the layers read in order."""
    h = X
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = np.dot(h, params['W%d' % i]) + params['b%d' % i]
        if i < n_layers - 1:
            h = np.tanh(h)
    return np.mean((h[:, 0] - y) ** 2)
''', "mlp_loss", lambda: [{'W0': _normal(4622, 3, 4) * .5, 'b0': _normal(4623, 4) * .1,
                           'W1': _normal(4624, 4, 1) * .5, 'b1': _normal(4625, 1) * .1},
                          _normal(4626, 5, 3), _normal(4627, 5)], {"wrt": [0]}),
"cs_affine_relu_batch_of_one": ('''
import numpy as np

def affine_relu_forward(x, w, b):
    """
    An affine layer followed by a ReLU, called at inference on a single example.

    - x: (N, D); w: (D, M); b: (M,)
    """
    a = x.dot(w) + b
    out = np.maximum(0, a)
    cache = (x, w, b, a)
    return out, cache
''', "affine_relu_forward", lambda: [_normal(4701, 1, 4), _normal(4702, 4, 3), _normal(4703, 3)]),

"cs_softmax_loss_single_example": ('''
import numpy as np

def softmax_loss(x, y):
    """Softmax loss of one example's scores, x (1, C)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    return -np.sum(log_probs[np.arange(N), y]) / N
''', "softmax_loss", lambda: [_normal(4704, 1, 5), np.array([3])], {"wrt": [0]}),

"loss_linreg_column_vectors": ('''
import numpy as np

def mse(w, b, X, y):
    """1-D regression as people write it: X and y reshaped into columns, w of shape (1, 1)."""
    y_pred = X @ w + b
    return np.mean((y_pred - y) ** 2)
''', "mse", lambda: [_normal(4705, 1, 1), _normal(4706, 1), _normal(4707, 6, 1), _normal(4708, 6, 1)],
    {"wrt": [0, 1]}),

"loss_binary_logistic_column_w": ('''
import numpy as np

def bce(W, b, X, y):
    """A binary classifier with one output unit: W (D, 1), b (1,), y (N, 1) of 0 and 1."""
    z = X.dot(W) + b
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "bce", lambda: [_normal(4709, 3, 1), _normal(4710, 1), _normal(4711, 5, 3),
                     np.array([[1.], [0.], [0.], [1.], [1.]])], {"wrt": [0, 1]}),

"cs_conv_one_channel_one_filter": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """A naive convolution, here of a grayscale image through a single filter."""
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(4712, 1, 1, 4, 4), _normal(4713, 1, 1, 3, 3), _normal(4714, 1),
                                   {'stride': 1, 'pad': 1}], {"slow": True}),

"cs_max_pool_to_one_by_one": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    """Pooling whose window covers the whole map: one output per channel."""
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.max(x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw], axis=(2, 3))
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(4715, 2, 3, 2, 2), {'pool_height': 2, 'pool_width': 2, 'stride': 2}]),

"cs_rnn_one_step_one_sequence": ('''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    """A vanilla RNN over x (N, T, D), here one sequence of one step."""
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = prev_h
    return h
''', "rnn_forward", lambda: [_normal(4716, 1, 1, 3), _normal(4717, 1, 2), _normal(4718, 3, 2) * .5,
                            _normal(4719, 2, 2) * .5, _normal(4720, 2) * .1]),

"cs_batchnorm_one_feature": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm of a single feature column, x (N, 1)."""
    eps = bn_param.get('eps', 1e-5)
    sample_mean = x.mean(axis=0)
    sample_var = x.var(axis=0)
    x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
    out = gamma * x_hat + beta
    cache = (x, x_hat, sample_mean, sample_var, gamma, beta, eps)
    return out, cache
''', "batchnorm_forward", lambda: [_normal(4721, 5, 1), _uniform(4722, 1), _normal(4723, 1), {'mode': 'train'}]),

"ag_gp_one_training_point": ('''
import numpy as np

def gp_predict_loss(log_ls, X, y, Xs, ys):
    """A GP posterior mean fitted to a single observation, scored at test points."""
    def k(A, B):
        return np.exp(-0.5 * (A[:, None, 0] - B[None, :, 0]) ** 2 / np.exp(2 * log_ls))
    K = k(X, X) + 0.01 * np.eye(len(X))
    mean = k(Xs, X) @ np.linalg.solve(K, y)
    return np.sum((mean - ys) ** 2)
''', "gp_predict_loss", lambda: [0.3, np.array([[0.2]]), np.array([0.7]), _normal(4724, 4, 1), _normal(4725, 4)],
    {"wrt": [0, 1, 2, 3]}),

"ag_attention_one_query": ('''
import numpy as np

def attend(q, K, V):
    """Scaled dot-product attention of a single query q (1, d) over keys K (T, d) and values V (T, d)."""
    d = q.shape[-1]
    scores = q @ K.T / np.sqrt(d)
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V
''', "attend", lambda: [_normal(4726, 1, 3), _normal(4727, 4, 3), _normal(4728, 4, 3)]),

"loss_two_class_softmax_one_sample_each_column": ('''
import numpy as np

def log_loss(scores, y):
    """Scores (N, 1) of a binary model turned into two-class logits [0, s]."""
    logits = np.concatenate([np.zeros_like(scores), scores], axis=1)
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y].mean()
''', "log_loss", lambda: [_normal(4729, 4, 1), np.array([1, 0, 0, 1])], {"wrt": [0]}),

"phys_single_particle_nbody_array": ('''
import numpy as np

def kinetic_plus_trap(pos, vel, m, k=1.0):
    """Particles in a harmonic trap: pos, vel (N, 3), masses m (N, 1); here one particle."""
    return np.sum(0.5 * m * vel ** 2) + np.sum(0.5 * k * pos ** 2)
''', "kinetic_plus_trap", lambda: [_normal(4730, 1, 3), _normal(4731, 1, 3), _uniform(4732, 1, 1)]),

"phys_heat_rod_one_interior_point": ('''
import numpy as np

def heat_step(u, alpha, dt=0.01, dx=0.1):
    """One explicit step of the heat equation on a rod of three nodes (one interior point)."""
    u_new = u.copy()
    u_new[1:-1] = u[1:-1] + alpha * dt / dx ** 2 * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u_new ** 2)
''', "heat_step", lambda: [_normal(4733, 3), 0.4]),

"cs_lstm_step_hidden_size_one": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """An LSTM step with a hidden size of one: the four gates are the four columns of a."""
    N, H = prev_h.shape
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, 0:H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:4 * H])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, b, a, i, f, o, g, next_c)
    return next_h, next_c, cache
''', "lstm_step_forward", lambda: [_normal(4734, 2, 3), _normal(4735, 2, 1), _normal(4736, 2, 1),
                                  _normal(4737, 3, 4) * .5, _normal(4738, 1, 4) * .5, _normal(4739, 4) * .1]),
# ----------------------------------------------------------------------------- finance
"fin_annuity_present_value_zero_rate_branch": ('''
import math

def annuity_pv(payment, rate, n=12):
    """Present value of an ordinary annuity of n payments; a zero rate is the plain sum."""
    if rate == 0:
        return payment * n
    discount = (1 + rate) ** -n
    return payment * (1 - discount) / rate
''', "annuity_pv", lambda: [250.0, 0.04]),

"fin_coupon_bond_price_loop": ('''
def bond_price(face, coupon_rate, ytm, years=5, freq=2):
    """Price of a coupon bond: the discounted coupons plus the discounted face value."""
    c = face * coupon_rate / freq
    y = ytm / freq
    periods = years * freq
    price = 0.0
    for t in range(1, periods + 1):
        price += c / (1 + y) ** t
    price += face / (1 + y) ** periods
    return price
''', "bond_price", lambda: [1000.0, 0.06, 0.05]),

"fin_macaulay_duration_arrays": ('''
import numpy as np

def macaulay_duration(cash_flows, times, y):
    """Macaulay duration of a stream of cash flows at continuously compounded yield y."""
    pv = cash_flows * np.exp(-y * times)
    price = pv.sum()
    return np.sum(times * pv) / price
''', "macaulay_duration", lambda: [_uniform(5001, 6) * 10, np.arange(1.0, 7.0), 0.05], {"wrt": [0, 2]}),

"fin_black76_futures_call_erfc": ('''
import math

def norm_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))

def black76_call(F, K, T, r, sigma):
    """Black's model for a European call on a futures price F."""
    vol = sigma * math.sqrt(T)
    d1 = (math.log(F / K) + 0.5 * vol * vol) / vol
    d2 = d1 - vol
    return math.exp(-r * T) * (F * norm_cdf(d1) - K * norm_cdf(d2))
''', "black76_call", lambda: [102.0, 100.0, 0.75, 0.03, 0.25]),

"fin_digital_option_price_and_delta_pair": ('''
import math

def digital_call(S, K, T, r, sigma):
    """Cash-or-nothing call: exp(-rT) N(d2); also returns d2 for the caller."""
    d2 = (math.log(S / K) + (r - 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    price = math.exp(-r * T) * 0.5 * (1.0 + math.erf(d2 / math.sqrt(2)))
    return price
''', "digital_call", lambda: [95.0, 100.0, 0.5, 0.01, 0.3]),

"fin_garch11_nll_prealloc_loop": ('''
import numpy as np

def garch_nll(params, u):
    """Negative log-likelihood of a GARCH(1,1), variances squared to stay positive."""
    omega, alpha, beta = params ** 2
    n = len(u)
    v = np.ones(n)
    for i in range(1, n):
        v[i] = omega + alpha * u[i - 1] ** 2 + beta * v[i - 1]
    return 0.5 * (np.log(v) + u ** 2 / v).sum() + 0.5 * n * np.log(2 * np.pi)
''', "garch_nll", lambda: [np.array([0.3, 0.4, 0.8]), _normal(5002, 8) * .5]),

"fin_ar1_exact_loglik_first_term": ('''
import numpy as np

def ar1_loglik(parameters, data):
    """Exact AR(1) log-likelihood: the stationary first term, then the conditional ones."""
    c = parameters[0]
    phi = parameters[1]
    sigma2 = parameters[2]
    lik = np.zeros(len(data))
    lik[0] = -0.5 * np.log(2 * np.pi) - 0.5 * np.log(sigma2 / (1 - phi ** 2)) \\
        - (1 - phi ** 2) / (2 * sigma2) * (data[0] - c / (1 - phi)) ** 2
    for i in range(1, len(data)):
        lik[i] = -0.5 * np.log(2 * np.pi) - 0.5 * np.log(sigma2) \\
            - 0.5 * (data[i] - c - phi * data[i - 1]) ** 2 / sigma2
    return lik.sum()
''', "ar1_loglik", lambda: [np.array([0.1, 0.5, 0.8]), _normal(5003, 7)]),

"fin_mean_variance_utility_normalized_weights": ('''
import numpy as np

def utility(w, mu, Sigma, risk_aversion=3.0):
    """Mean-variance utility of a portfolio whose weights are normalized to sum to one."""
    w = w / np.sum(w)
    ret = w @ mu
    var = w @ Sigma @ w
    return ret - 0.5 * risk_aversion * var
''', "utility", lambda: [_uniform(5004, 4), _normal(5005, 4) * .1,
                        (lambda a: a @ a.T / 4 + 0.1 * np.eye(4))(_normal(5006, 4, 4))]),

"fin_softmax_weights_sharpe_ratio": ('''
import numpy as np

def neg_sharpe(z, R):
    """Portfolio weights as a softmax of free parameters z; returns R (T, N); minus the Sharpe ratio."""
    e = np.exp(z - np.max(z))
    w = e / e.sum()
    port = R.dot(w)
    return -port.mean() / port.std()
''', "neg_sharpe", lambda: [_normal(5007, 4), _normal(5008, 12, 4) * .02 + .01]),

"fin_kelly_expected_log_growth": ('''
import numpy as np

def log_growth(f, p, b):
    """Expected log growth of a bankroll betting fraction f on outcomes with odds b and chances p."""
    return np.sum(p * np.log(1.0 + f * b))
''', "log_growth", lambda: [0.2, np.array([0.3, 0.5, 0.2]), np.array([2.0, -0.5, 1.0])]),

"fin_crr_binomial_tree_backward_induction": ('''
import numpy as np

def crr_call(S, K, T, r, sigma, n=6):
    """European call on a Cox-Ross-Rubinstein tree, rolled back level by level."""
    dt = T / n
    u = np.exp(sigma * np.sqrt(dt))
    d = 1.0 / u
    p = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    j = np.arange(n + 1)
    values = np.maximum(S * u ** j * d ** (n - j) - K, 0.0)
    for i in range(n):
        values = disc * (p * values[1:] + (1 - p) * values[:-1])
    return values[0]
''', "crr_call", lambda: [100.0, 101.3, 1.0, 0.02, 0.2]),

"fin_nelson_siegel_curve_fit": ('''
import numpy as np

def ns_loss(beta, tau, maturities, yields):
    """Squared error of the Nelson-Siegel yield curve against observed yields."""
    x = maturities / tau
    loading = (1 - np.exp(-x)) / x
    curve = beta[0] + beta[1] * loading + beta[2] * (loading - np.exp(-x))
    return np.mean((curve - yields) ** 2)
''', "ns_loss", lambda: [np.array([0.04, -0.02, 0.01]), 1.7, np.array([0.5, 1., 2., 5., 10.]),
                        np.array([0.021, 0.024, 0.03, 0.035, 0.038])]),

"fin_vasicek_zero_coupon_price": ('''
import math

def vasicek_bond(r0, a, b, sigma, T):
    """Zero-coupon bond price under the Vasicek short-rate model."""
    B = (1 - math.exp(-a * T)) / a
    A = (b - sigma ** 2 / (2 * a ** 2)) * (B - T) - sigma ** 2 * B ** 2 / (4 * a)
    return math.exp(A - B * r0)
''', "vasicek_bond", lambda: [0.03, 0.5, 0.04, 0.01, 5.0]),

"fin_loan_amortization_balance_loop": ('''
def remaining_balance(principal, annual_rate, payment, months=24):
    """Balance of a loan after monthly payments, interest accrued each month."""
    balance = principal
    r = annual_rate / 12
    for m in range(months):
        interest = balance * r
        balance = balance + interest - payment
    return balance
''', "remaining_balance", lambda: [10000.0, 0.06, 300.0]),

"fin_continuous_dividend_forward_arrays": ('''
import numpy as np

FORWARD_DAYS = 365.0

def forward_prices(spot, q, r, days):
    """Forward prices of dividend paying stocks for several horizons."""
    T = days / FORWARD_DAYS
    return spot * np.exp((r - q) * T)
''', "forward_prices", lambda: [_uniform(5009, 5) * 100, 0.02, 0.04, np.array([30., 60., 90., 180., 365.])],
    {"wrt": [0, 1, 2]}),
# ----------------------------------------------------------------------------- statistics
"stat_beta_loglik_math_lgamma": ('''
import math
import numpy as np

def beta_loglik(a, b, x):
    """Log-likelihood of samples x in (0, 1) under a Beta(a, b)."""
    n = len(x)
    log_norm = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return np.sum((a - 1) * np.log(x) + (b - 1) * np.log1p(-x)) - n * log_norm
''', "beta_loglik", lambda: [2.5, 1.5, _uniform(5010, 6) * 0.6]),

"stat_weibull_loglik_log_params": ('''
import numpy as np

def weibull_nll(log_k, log_lam, t):
    """Weibull negative log-likelihood with log-parameterized shape and scale."""
    k = np.exp(log_k)
    lam = np.exp(log_lam)
    z = t / lam
    ll = np.log(k) - np.log(lam) + (k - 1) * np.log(z) - z ** k
    return -ll.sum()
''', "weibull_nll", lambda: [0.3, 0.1, _uniform(5011, 7)]),

"stat_laplace_loglik_abs": ('''
import numpy as np

def laplace_loglik(mu, log_b, x):
    b = np.exp(log_b)
    return -np.sum(np.abs(x - mu)) / b - len(x) * np.log(2 * b)
''', "laplace_loglik", lambda: [0.13, -0.2, _normal(5012, 9)]),

"stat_cauchy_nll_math_pi": ('''
import math
import numpy as np

def cauchy_nll(x0, gamma, x):
    """Negative log-likelihood of a Cauchy(x0, gamma) sample."""
    z = (x - x0) / gamma
    return np.sum(np.log1p(z ** 2)) + x.size * math.log(math.pi * gamma)
''', "cauchy_nll", lambda: [0.2, 1.3, _normal(5013, 8) * 2]),

"stat_logistic_distribution_loglik": ('''
import numpy as np

def logistic_loglik(mu, s, x):
    z = (x - mu) / s
    return np.sum(-z - 2.0 * np.log1p(np.exp(-z)) - np.log(s))
''', "logistic_loglik", lambda: [0.5, 0.8, _normal(5014, 10)]),

"stat_von_mises_bessel_series_factorial": ('''
import math
import numpy as np

def bessel_i0(kappa, terms=12):
    """Modified Bessel function I0 by its power series."""
    total = 0.0
    for k in range(terms):
        total += (kappa / 2) ** (2 * k) / math.factorial(k) ** 2
    return total

def von_mises_nll(mu, kappa, theta):
    """Negative log-likelihood of angles theta under a von Mises(mu, kappa)."""
    return -np.sum(kappa * np.cos(theta - mu)) + len(theta) * np.log(2 * np.pi * bessel_i0(kappa))
''', "von_mises_nll", lambda: [0.4, 2.0, _normal(5015, 8)]),

"stat_probit_regression_scipy_erf": ('''
import numpy as np
from scipy.special import erf

def probit_nll(w, X, y):
    """Probit regression: P(y = 1) = Phi(X w)."""
    p = 0.5 * (1 + erf(X @ w / np.sqrt(2)))
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
''', "probit_nll", lambda: [_normal(5016, 3) * .5, _normal(5017, 8, 3), (_normal(5018, 8) > 0).astype(float)],
    {"wrt": [0, 1]}),

"stat_gamma_glm_log_link_deviance": ('''
import numpy as np

def gamma_glm_loss(beta, X, y):
    """Gamma GLM with a log link, its negative log-likelihood up to the shape."""
    eta = X.dot(beta)
    mu = np.exp(eta)
    return np.sum(y / mu + np.log(mu))
''', "gamma_glm_loss", lambda: [_normal(5019, 3) * .3, _normal(5020, 10, 3), _uniform(5021, 10)]),

"stat_tobit_censored_scipy_norm": ('''
import numpy as np
from scipy.stats import norm

def tobit_nll(beta, log_sigma, X, y):
    """Tobit model censored at zero: logcdf for the censored, logpdf for the rest."""
    sigma = np.exp(log_sigma)
    xb = X @ beta
    censored = y <= 0
    ll = np.where(censored, norm.logcdf(-xb / sigma), norm.logpdf((y - xb) / sigma) - log_sigma)
    return -np.sum(ll)
''', "tobit_nll", lambda: [_normal(5022, 3) * .5, 0.1, _normal(5023, 9, 3),
                          np.maximum(_normal(5024, 9), 0.0)], {"wrt": [0, 1]}),

"stat_two_poisson_mixture_logaddexp_gammaln": ('''
import numpy as np
from scipy.special import gammaln

def poisson_mixture_nll(logit_pi, log_rates, counts):
    """Two-component Poisson mixture; the rates and the weight are unconstrained."""
    pi = 1 / (1 + np.exp(-logit_pi))
    rates = np.exp(log_rates)
    lp1 = counts * np.log(rates[0]) - rates[0] - gammaln(counts + 1)
    lp2 = counts * np.log(rates[1]) - rates[1] - gammaln(counts + 1)
    return -np.sum(np.logaddexp(np.log(pi) + lp1, np.log(1 - pi) + lp2))
''', "poisson_mixture_nll", lambda: [0.2, np.array([0.1, 1.2]), np.array([0., 1., 3., 2., 5., 0., 4.])],
    {"wrt": [0, 1]}),

"stat_dirichlet_multinomial_gammaln": ('''
import numpy as np
from scipy.special import gammaln

def dm_loglik(log_alpha, counts):
    """Dirichlet-multinomial log-likelihood of rows of counts, up to the multinomial coefficient."""
    alpha = np.exp(log_alpha)
    A = alpha.sum()
    n = counts.sum(axis=1)
    ll = gammaln(A) - gammaln(n + A) + np.sum(gammaln(counts + alpha) - gammaln(alpha), axis=1)
    return ll.sum()
''', "dm_loglik", lambda: [_normal(5025, 4) * .3, np.array([[2., 0., 1., 3.], [1., 1., 4., 0.], [0., 2., 2., 2.]])],
    {"wrt": [0]}),

"stat_multinomial_logit_intercept_hstack": ('''
import numpy as np

def mlogit_nll(W, X, y):
    """Multinomial logit with an intercept column stacked onto the design matrix."""
    N = X.shape[0]
    Xb = np.hstack([np.ones((N, 1)), X])
    scores = Xb @ W
    scores -= scores.max(axis=1, keepdims=True)
    log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return -log_p[np.arange(N), y].sum()
''', "mlogit_nll", lambda: [_normal(5026, 4, 3) * .3, _normal(5027, 6, 3), np.array([0, 2, 1, 1, 0, 2])]),

"stat_ar2_residuals_slices": ('''
import numpy as np

def ar2_sse(a1, a2, x):
    """Sum of squared one-step residuals of an AR(2) fit."""
    resid = x[2:] - a1 * x[1:-1] - a2 * x[:-2]
    return np.dot(resid, resid)
''', "ar2_sse", lambda: [0.5, -0.2, _normal(5028, 10)]),

"stat_em_q_function_given_responsibilities": ('''
import numpy as np

def q_function(log_pi, mu, log_sigma, x, r):
    """Expected complete-data log-likelihood of a 1-D Gaussian mixture, responsibilities r (N, K) held fixed."""
    sigma = np.exp(log_sigma)
    log_norm = -0.5 * np.log(2 * np.pi) - log_sigma - 0.5 * ((x[:, None] - mu) / sigma) ** 2
    return np.sum(r * (log_pi + log_norm))
''', "q_function", lambda: [np.log(np.array([0.3, 0.7])), np.array([-1., 1.]), np.array([0., -.3]), _normal(5029, 6),
                           (lambda a: a / a.sum(1, keepdims=True))(_uniform(5030, 6, 2))], {"wrt": [0, 1, 2, 3]}),

"stat_kde_bandwidth_log_likelihood": ('''
import numpy as np

def kde_loglik(log_h, train, test):
    """Log-likelihood of test points under a Gaussian kernel density estimate of bandwidth h."""
    h = np.exp(log_h)
    diff = (test[:, None] - train[None, :]) / h
    dens = np.mean(np.exp(-0.5 * diff ** 2), axis=1) / (np.sqrt(2 * np.pi) * h)
    return np.sum(np.log(dens))
''', "kde_loglik", lambda: [-0.5, _normal(5031, 8), _normal(5032, 5)]),

"stat_bayes_linreg_log_evidence_slogdet": ('''
import numpy as np

def log_evidence(log_alpha, log_beta, Phi, t):
    """Log marginal likelihood of Bayesian linear regression (Bishop 3.86)."""
    alpha, beta = np.exp(log_alpha), np.exp(log_beta)
    N, M = Phi.shape
    A = alpha * np.eye(M) + beta * Phi.T @ Phi
    mN = beta * np.linalg.solve(A, Phi.T @ t)
    E = beta / 2 * np.sum((t - Phi @ mN) ** 2) + alpha / 2 * mN @ mN
    sign, logdetA = np.linalg.slogdet(A)
    return M / 2 * log_alpha + N / 2 * log_beta - E - 0.5 * logdetA - N / 2 * np.log(2 * np.pi)
''', "log_evidence", lambda: [0.1, 0.5, _normal(5033, 8, 3), _normal(5034, 8)]),
# ----------------------------------------------------------------------------- physics
"phys_kepler_equation_fixed_point_true_anomaly": ('''
import math

def orbit_radius(M, e, a=1.0, iters=15):
    """Solve Kepler's equation E - e sin E = M by fixed-point iteration; radius and true anomaly."""
    E = M
    for _ in range(iters):
        E = M + e * math.sin(E)
    nu = 2 * math.atan2(math.sqrt(1 + e) * math.sin(E / 2), math.sqrt(1 - e) * math.cos(E / 2))
    r = a * (1 - e * math.cos(E))
    return r * math.cos(nu)
''', "orbit_radius", lambda: [1.1, 0.3]),

"phys_vis_viva_transfer_dv_scalar": ('''
import math

MU_EARTH = 3.986004418e5

def transfer_dv(r1, r2):
    """Total delta-v of a two-burn transfer between circular orbits of radii r1 and r2 (km)."""
    a = (r1 + r2) / 2
    v1 = math.sqrt(MU_EARTH / r1)
    v_peri = math.sqrt(MU_EARTH * (2 / r1 - 1 / a))
    v_apo = math.sqrt(MU_EARTH * (2 / r2 - 1 / a))
    v2 = math.sqrt(MU_EARTH / r2)
    return abs(v_peri - v1) + abs(v2 - v_apo)
''', "transfer_dv", lambda: [7000.0, 42164.0]),

"phys_kepler_third_law_periods_array": ('''
import numpy as np

FOUR_PI_SQ = 4 * np.pi ** 2

def period_misfit(log_M, a, T_obs):
    """Fit a central mass (solar masses) to observed periods (years) of orbits a (AU), Kepler's third law."""
    M = np.exp(log_M)
    T = np.sqrt(FOUR_PI_SQ * a ** 3 / (FOUR_PI_SQ * M))
    return np.sum((np.log(T) - np.log(T_obs)) ** 2)
''', "period_misfit", lambda: [0.1, np.array([0.39, 0.72, 1.0, 1.52]), np.array([0.24, 0.62, 1.0, 1.88])],
    {"wrt": [0, 1]}),

"phys_isothermal_adiabatic_cycle_work": ('''
import math

R = 8.314

def cycle_work(n, T_hot, T_cold, V1, V2, gamma=1.4):
    """Net work of a Carnot cycle: two isotherms joined by adiabats."""
    V3 = V2 * (T_hot / T_cold) ** (1 / (gamma - 1))
    V4 = V1 * (T_hot / T_cold) ** (1 / (gamma - 1))
    w_hot = n * R * T_hot * math.log(V2 / V1)
    w_cold = n * R * T_cold * math.log(V4 / V3)
    return w_hot + w_cold
''', "cycle_work", lambda: [1.0, 500.0, 300.0, 0.01, 0.03]),

"phys_otto_and_diesel_efficiency": ('''
def efficiencies(r, cutoff, gamma=1.4):
    """Ideal Otto and Diesel cycle efficiencies at compression ratio r."""
    otto = 1 - r ** (1 - gamma)
    diesel = 1 - (cutoff ** gamma - 1) / (gamma * (cutoff - 1)) * r ** (1 - gamma)
    return otto - diesel
''', "efficiencies", lambda: [9.0, 2.0]),

"phys_lmtd_heat_exchanger_duty": ('''
import numpy as np

def duty(U, A, Th_in, Th_out, Tc_in, Tc_out):
    """Heat duty of a counter-flow exchanger from the log-mean temperature difference."""
    dT1 = Th_in - Tc_out
    dT2 = Th_out - Tc_in
    lmtd = (dT1 - dT2) / np.log(dT1 / dT2)
    return U * A * lmtd
''', "duty", lambda: [500.0, 2.0, 150.0, 90.0, 20.0, 70.0]),

"phys_radiative_cooling_euler_fourth_power": ('''
SIGMA = 5.670374419e-8

def cool(T0, emissivity, area, heat_capacity, T_env=290.0, dt=10.0, steps=30):
    """A body cooling by radiation, integrated with explicit Euler."""
    T = T0
    for _ in range(steps):
        T = T - dt * emissivity * SIGMA * area * (T ** 4 - T_env ** 4) / heat_capacity
    return T
''', "cool", lambda: [600.0, 0.8, 0.05, 500.0]),

"phys_two_thin_lenses_image": ('''
def image_distance(f1, f2, d, obj):
    """Image distance behind the second of two thin lenses a distance d apart."""
    i1 = 1.0 / (1.0 / f1 - 1.0 / obj)
    o2 = d - i1
    i2 = 1.0 / (1.0 / f2 - 1.0 / o2)
    magnification = (i1 / obj) * (i2 / o2)
    return i2 + magnification
''', "image_distance", lambda: [0.1, 0.15, 0.05, 0.3]),

"phys_fresnel_unpolarized_angles_array": ('''
import numpy as np

def reflectance(n1, n2, theta):
    """Unpolarized Fresnel reflectance at incidence angles theta (below the critical angle)."""
    cos_i = np.cos(theta)
    sin_t = n1 / n2 * np.sin(theta)
    cos_t = np.sqrt(1 - sin_t ** 2)
    rs = (n1 * cos_i - n2 * cos_t) / (n1 * cos_i + n2 * cos_t)
    rp = (n2 * cos_i - n1 * cos_t) / (n2 * cos_i + n1 * cos_t)
    return np.mean(0.5 * (rs ** 2 + rp ** 2))
''', "reflectance", lambda: [1.0, 1.5, np.linspace(0.1, 1.2, 6)]),

"phys_thin_film_reflectance_fit": ('''
import numpy as np

def film_loss(thickness, n_film, wavelengths, measured):
    """Two-beam thin-film interference at normal incidence, fitted to measured reflectance."""
    r1 = (1 - n_film) / (1 + n_film)
    r2 = (n_film - 1.5) / (n_film + 1.5)
    delta = 4 * np.pi * n_film * thickness / wavelengths
    R = r1 ** 2 + r2 ** 2 + 2 * r1 * r2 * np.cos(delta)
    return np.sum((R - measured) ** 2)
''', "film_loss", lambda: [0.5, 1.38, np.linspace(0.4, 0.7, 7), _uniform(5101, 7) * .05],
    {"wrt": [0, 1]}),

"phys_gaussian_beam_waist_radius": ('''
import numpy as np

def beam_radius(w0, wavelength, z):
    """Gaussian beam radius along z from its waist w0."""
    z_r = np.pi * w0 ** 2 / wavelength
    return w0 * np.sqrt(1 + (z / z_r) ** 2)
''', "beam_radius", lambda: [1e-3, 633e-9, np.linspace(-2, 2, 5)], {"wrt": [0, 2]}),

"phys_single_slit_np_sinc": ('''
import numpy as np

def slit_pattern_loss(width, wavelength, angles, observed):
    """Fraunhofer single-slit intensity (np.sinc) fitted to an observed pattern."""
    beta = width * np.sin(angles) / wavelength
    intensity = np.sinc(beta) ** 2
    return np.sum((intensity - observed) ** 2)
''', "slit_pattern_loss", lambda: [2.1, 0.5, np.linspace(-0.3, 0.3, 9), _uniform(5102, 9) * .5],
    {"wrt": [0, 2]}),

"phys_coupled_oscillators_stiffness_diag_leapfrog": ('''
import numpy as np

def chain_energy_after(x0, v0, k, m=1.0, dt=0.05, steps=20):
    """Masses joined by springs k (n+1 springs, fixed ends); leapfrog, then the energy."""
    K = np.diag(k[:-1] + k[1:]) - np.diag(k[1:-1], 1) - np.diag(k[1:-1], -1)
    x, v = x0.copy(), v0.copy()
    for _ in range(steps):
        v = v - 0.5 * dt * K @ x / m
        x = x + dt * v
        v = v - 0.5 * dt * K @ x / m
    return 0.5 * m * v @ v + 0.5 * x @ K @ x
''', "chain_energy_after", lambda: [_normal(5103, 3) * .2, _normal(5104, 3) * .2, _uniform(5105, 4)]),

"phys_large_angle_pendulum_period_series": ('''
import math

def period(L, theta0, g=9.81):
    """Pendulum period with the first two large-amplitude corrections."""
    T0 = 2 * math.pi * math.sqrt(L / g)
    return T0 * (1 + theta0 ** 2 / 16 + 11 * theta0 ** 4 / 3072)
''', "period", lambda: [1.2, 0.6]),

"phys_poiseuille_pipes_in_series": ('''
import numpy as np

def flow_rate(dP, radii, lengths, mu=1e-3):
    """Flow through pipes in series: hydraulic resistances 8 mu L / (pi r^4) add."""
    resistance = 8 * mu * lengths / (np.pi * radii ** 4)
    return dP / np.sum(resistance)
''', "flow_rate", lambda: [2000.0, np.array([0.01, 0.008, 0.012]), np.array([1.0, 0.5, 2.0])]),

"phys_terminal_velocity_fixed_point_drag": ('''
import math

def terminal_velocity(d, rho_p, rho_f=1.2, mu=1.8e-5, g=9.81, iters=30):
    """Terminal velocity of a sphere: iterate v with a Reynolds-dependent drag coefficient."""
    v = 1.0
    for _ in range(iters):
        Re = rho_f * v * d / mu
        Cd = 24.0 / Re * (1 + 0.15 * Re ** 0.687) + 0.42 / (1 + 42500.0 / Re ** 1.16)
        v = math.sqrt(4 * g * d * (rho_p - rho_f) / (3 * Cd * rho_f))
    return v
''', "terminal_velocity", lambda: [1e-3, 2500.0]),

"phys_venturi_bernoulli_flow": ('''
import numpy as np

def venturi_speed(dP, A1, A2, rho=1000.0):
    """Throat speed of a Venturi meter from the pressure drop (Bernoulli plus continuity)."""
    return np.sqrt(2 * dP / (rho * (1 - (A2 / A1) ** 2)))
''', "venturi_speed", lambda: [np.array([1000., 2500., 4000.]), 0.01, 0.004]),

"phys_manning_channel_discharge": ('''
def discharge(width, depth, slope, n=0.03):
    """Manning's discharge of a rectangular channel."""
    area = width * depth
    wetted = width + 2 * depth
    R = area / wetted
    return area * R ** (2.0 / 3.0) * slope ** 0.5 / n
''', "discharge", lambda: [4.0, 1.2, 0.001]),

"phys_colebrook_friction_factor_iteration": ('''
import math

def friction_factor(Re, rel_rough, iters=20):
    """Darcy friction factor from the Colebrook equation by fixed-point iteration."""
    x = 0.02 ** -0.5
    for i in range(iters):
        x = -2.0 * math.log10(rel_rough / 3.7 + 2.51 * x / Re)
    return 1.0 / x ** 2
''', "friction_factor", lambda: [1e5, 1e-4]),

"phys_satellite_drag_exponential_atmosphere": ('''
import numpy as np

def drag_decel(h, v, Cd=2.2, area_mass=0.01, rho0=1.225, H=8500.0):
    """Drag deceleration in an exponential atmosphere at altitudes h (m) and speeds v."""
    rho = rho0 * np.exp(-h / H)
    return np.sum(0.5 * rho * Cd * area_mass * v ** 2)
''', "drag_decel", lambda: [np.array([1e4, 2e4, 4e4]), np.array([300., 500., 800.])]),

"phys_driven_oscillator_resonance_amplitude": ('''
import numpy as np

def amplitude_fit(w0, gamma, F0, w, A_obs):
    """Steady-state amplitude of a driven damped oscillator fitted to measurements."""
    A = F0 / np.sqrt((w0 ** 2 - w ** 2) ** 2 + (gamma * w) ** 2)
    return np.sum((A - A_obs) ** 2)
''', "amplitude_fit", lambda: [2.0, 0.3, 1.0, np.linspace(1.0, 3.0, 6), _uniform(5106, 6)], {"wrt": [0, 1, 2]}),

"phys_rlc_impedance_phase": ('''
import numpy as np

def impedance(R, L, C_uF, omega):
    """Magnitude and phase of a series RLC impedance (C in microfarads); their sums over frequencies."""
    X = omega * L - 1e6 / (omega * C_uF)
    mag = np.hypot(R, X)
    phase = np.arctan2(X, R)
    return np.sum(mag) + np.sum(phase)
''', "impedance", lambda: [50.0, 0.1, 10.0, np.array([100., 300., 1000., 3000.])], {"wrt": [0, 1, 2]}),

"phys_composite_wall_heat_flux": ('''
import numpy as np

def heat_flux(T_in, T_out, thickness, conductivity, h_in=10.0, h_out=25.0):
    """Heat flux through a layered wall with convective films on both faces."""
    R_total = 1.0 / h_in + np.sum(thickness / conductivity) + 1.0 / h_out
    return (T_in - T_out) / R_total
''', "heat_flux", lambda: [21.0, -5.0, np.array([0.02, 0.1, 0.015]), np.array([0.7, 0.04, 0.17])]),

"phys_stokes_settling_particles": ('''
import numpy as np

def settling(diameters, rho_p, rho_f=1000.0, mu=1e-3, g=9.81):
    """Stokes settling velocities of small particles; their mean."""
    return np.mean(g * diameters ** 2 * (rho_p - rho_f) / (18 * mu))
''', "settling", lambda: [np.array([1e-5, 2e-5, 5e-5]), 2650.0]),

"phys_doppler_moving_source_observer": ('''
def observed_frequency(f, v_source, v_observer, c=343.0):
    """Doppler shift for a source and an observer moving toward each other."""
    return f * (c + v_observer) / (c - v_source)
''', "observed_frequency", lambda: [440.0, 20.0, 5.0]),

"phys_decay_curve_fit_two_exponentials": ('''
import numpy as np

def decay_loss(params, t, counts):
    """Two radioactive components: N1 exp(-l1 t) + N2 exp(-l2 t), in log-space amplitudes."""
    logN1, logN2, l1, l2 = params
    model = np.exp(logN1 - l1 * t) + np.exp(logN2 - l2 * t)
    return np.sum((model - counts) ** 2 / counts)
''', "decay_loss", lambda: [np.array([4.0, 3.0, 0.5, 0.05]), np.linspace(0, 10, 8), 10 + 50 * _uniform(5107, 8)],
    {"wrt": [0]}),

"phys_center_of_mass_radius_of_gyration": ('''
import numpy as np

def radius_of_gyration(pos, masses):
    """Mass-weighted radius of gyration of particles pos (N, 3)."""
    M = masses.sum()
    com = (masses[:, None] * pos).sum(axis=0) / M
    d2 = np.sum((pos - com) ** 2, axis=1)
    return np.sqrt(np.sum(masses * d2) / M)
''', "radius_of_gyration", lambda: [_normal(5108, 5, 3), _uniform(5109, 5)]),

"phys_projectile_apex_and_range_arrays": ('''
import numpy as np

def trajectory_score(v0, angles, g=9.81):
    """Apex heights plus ranges of projectiles launched at several angles."""
    vx = v0 * np.cos(angles)
    vy = v0 * np.sin(angles)
    apex = vy ** 2 / (2 * g)
    rng = 2 * vx * vy / g
    return np.sum(apex + rng)
''', "trajectory_score", lambda: [20.0, np.radians(np.array([15., 30., 45., 60.]))]),

"phys_van_t_hoff_equilibrium_fit": ('''
import numpy as np

R_GAS = 8.314

def vant_hoff_loss(dH, dS, T, K_obs):
    """ln K = -dH / (R T) + dS / R fitted to equilibrium constants at several temperatures."""
    lnK = -dH / (R_GAS * T) + dS / R_GAS
    return np.sum((lnK - np.log(K_obs)) ** 2)
''', "vant_hoff_loss", lambda: [-40000.0, -100.0, np.array([280., 300., 320., 340.]), _uniform(5110, 4) * 10],
    {"wrt": [0, 1]}),

"phys_lj_pressure_virial_cutoff_where": ('''
import numpy as np

def virial_energy(r, epsilon=1.0, sigma=1.0, rc=2.5):
    """Lennard-Jones energy and virial of pair distances, cut off at rc with np.where."""
    sr6 = (sigma / r) ** 6
    u = 4 * epsilon * (sr6 ** 2 - sr6)
    w = 24 * epsilon * (2 * sr6 ** 2 - sr6)
    inside = r < rc
    return np.sum(np.where(inside, u, 0.0)) + np.sum(np.where(inside, w, 0.0)) / 3
''', "virial_energy", lambda: [np.array([1.0, 1.2, 1.5, 2.0, 3.0])]),
# ----------------------------------------------------------------------------- CS231n and ML
"cs_sigmoid_layer_out_none_cache_out": ('''
import numpy as np

def sigmoid_forward(x):
    """
    Computes the forward pass for a layer of sigmoid units.

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: out, kept for the backward pass
    """
    out = None
    out = 1.0 / (1.0 + np.exp(-x))
    cache = out
    return out, cache
''', "sigmoid_forward", lambda: [_normal(5201, 3, 4)]),

"cs_softmax_vectorized_unshifted_reg_dW": ('''
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs have dimension D, there are C classes, and we operate on minibatches of N examples.
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels.
    - reg: (float) regularization strength
    """
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    scores = X.dot(W)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[range(num_train), y]))
    loss /= num_train
    loss += reg * np.sum(W * W)
    dscores = probs
    dscores[range(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
''', "softmax_loss_vectorized", lambda: [_normal(5202, 4, 3) * .1, _normal(5203, 5, 4), np.array([0, 1, 2, 1, 0]), 0.1],
    {"wrt": [0, 1]}),

"cs_svm_vectorized_delta_argument": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg, delta=1.0):
    """Structured SVM loss, vectorized, with the margin delta as an argument."""
    num_train = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct + delta)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train + 0.5 * reg * np.sum(W ** 2)
    return loss
''', "svm_loss_vectorized", lambda: [_normal(5204, 4, 3) * .1, _normal(5205, 5, 4), np.array([2, 1, 0, 1, 0]), 0.05],
    {"wrt": [0, 1]}),

"cs_rnn_h0_from_features_projection": ('''
import numpy as np

def caption_hidden_states(features, W_proj, b_proj, x, Wx, Wh, b):
    """Initial hidden state projected from image features, then a vanilla RNN over the word vectors x (N, T, D)."""
    h0 = features.dot(W_proj) + b_proj
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = prev_h
    return h
''', "caption_hidden_states", lambda: [_normal(5206, 2, 5), _normal(5207, 5, 3) * .3, _normal(5208, 3) * .1,
                                      _normal(5209, 2, 4, 3), _normal(5210, 3, 3) * .3, _normal(5211, 3, 3) * .3,
                                      _normal(5212, 3) * .1]),

"cs_batchnorm_cache_dict_kratzert_steps": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch normalization written step by step, the cache a dict of every intermediate."""
    N, D = x.shape
    mu = 1. / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1. / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1. / sqrtvar
    xhat = xmu * ivar
    gammax = gamma * xhat
    out = gammax + beta
    cache = {'xhat': xhat, 'gamma': gamma, 'xmu': xmu, 'ivar': ivar, 'sqrtvar': sqrtvar, 'var': var, 'eps': eps}
    return out, cache
''', "batchnorm_forward", lambda: [_normal(5213, 5, 3), _uniform(5214, 3), _normal(5215, 3)]),

"cs_leaky_relu_inplace_where_copy": ('''
import numpy as np

def leaky_relu_forward(x, alpha=0.01):
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
''', "leaky_relu_forward", lambda: [_normal(5216, 4, 3)], {"wrt": [0]}),

"cs_conv_forward_naive_filters_inner_loop": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: 'stride' and 'pad'
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs = i * stride
                    ws = j * stride
                    out[n, f, i, j] = np.sum(x_pad[n, :, hs:hs + HH, ws:ws + WW] * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward_naive", lambda: [_normal(5217, 1, 2, 4, 4), _normal(5218, 2, 2, 3, 3), _normal(5219, 2),
                                   {'stride': 2, 'pad': 1}], {"slow": True}),

"cs_max_pool_naive_window_max_loops": ('''
import numpy as np

def max_pool_forward_naive(x, pool_param):
    N, C, H, W = x.shape
    ph = pool_param['pool_height']
    pw = pool_param['pool_width']
    s = pool_param['stride']
    Ho = (H - ph) // s + 1
    Wo = (W - pw) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    out[n, c, i, j] = window.max()
    cache = (x, pool_param)
    return out, cache
''', "max_pool_forward_naive", lambda: [_normal(5220, 1, 2, 4, 4), {'pool_height': 2, 'pool_width': 2, 'stride': 2}],
    {"slow": True}),

"cs_affine_tanh_two_layer_scores_reg_half": ('''
import numpy as np

def two_layer_tanh_loss(X, y, W1, b1, W2, b2, reg=1e-3):
    """A two-layer net with tanh units; softmax loss plus half the L2 penalty."""
    hidden = np.tanh(X @ W1 + b1)
    scores = hidden @ W2 + b2
    scores = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)
    N = X.shape[0]
    data_loss = -np.mean(np.log(probs[np.arange(N), y]))
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return data_loss + reg_loss
''', "two_layer_tanh_loss", lambda: [_normal(5221, 5, 4), np.array([0, 2, 1, 0, 2]), _normal(5222, 4, 6) * .3,
                                    _normal(5223, 6) * .1, _normal(5224, 6, 3) * .3, _normal(5225, 3) * .1]),

"cs_word2vec_cbow_context_mean": ('''
import numpy as np

def cbow_loss(W_in, W_out, context, target):
    """CBOW: the mean of the context words' vectors scores every word; cross-entropy on the target."""
    h = W_in[context].mean(axis=0)
    scores = W_out @ h
    scores = scores - scores.max()
    log_probs = scores - np.log(np.sum(np.exp(scores)))
    return -log_probs[target]
''', "cbow_loss", lambda: [_normal(5226, 7, 3), _normal(5227, 7, 3), np.array([1, 4, 5, 1]), 2], {"wrt": [0, 1]}),

"ml_tied_autoencoder_bce": ('''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def autoencoder_loss(W, b_h, b_v, X):
    """A one-layer autoencoder with tied weights and a binary cross-entropy reconstruction."""
    h = sigmoid(X @ W + b_h)
    recon = sigmoid(h @ W.T + b_v)
    return -np.sum(X * np.log(recon) + (1 - X) * np.log(1 - recon)) / X.shape[0]
''', "autoencoder_loss", lambda: [_normal(5228, 6, 3) * .3, _normal(5229, 3) * .1, _normal(5230, 6) * .1,
                                 _uniform(5231, 4, 6) - 0.5 + 0.5], {"wrt": [0, 1, 2]}),

"ml_rbm_free_energy_softplus": ('''
import numpy as np

def free_energy(v, W, b, c):
    """Free energy of visible vectors v (N, D) under a binary RBM, averaged over the batch."""
    wx_b = v @ W + c
    hidden_term = np.sum(np.log1p(np.exp(wx_b)), axis=1)
    vbias_term = v @ b
    return np.mean(-hidden_term - vbias_term)
''', "free_energy", lambda: [(_normal(5232, 4, 5) > 0).astype(float), _normal(5233, 5, 3) * .3, _normal(5234, 5) * .1,
                            _normal(5235, 3) * .1], {"wrt": [1, 2, 3]}),

"ml_unrolled_gradient_descent_validation": ('''
import numpy as np

def val_loss_after_training(lr, w0, X, y, Xv, yv, steps=5):
    """Validation loss after a few gradient steps of least squares: differentiable in the step size."""
    w = w0
    N = X.shape[0]
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / N
        w = w - lr * grad
    r = Xv @ w - yv
    return 0.5 * np.mean(r ** 2)
''', "val_loss_after_training", lambda: [0.1, _normal(5236, 3), _normal(5237, 6, 3), _normal(5238, 6),
                                        _normal(5239, 4, 3), _normal(5240, 4)], {"wrt": [0, 1]}),

"ml_gaussian_naive_bayes_class_loglik": ('''
import numpy as np

def gnb_nll(means, log_vars, log_priors, X, y):
    """Gaussian naive Bayes: per-class means and variances (K, D); the log joint of labeled data."""
    var = np.exp(log_vars)
    mu_y = means[y]
    var_y = var[y]
    ll = -0.5 * np.sum(np.log(2 * np.pi * var_y) + (X - mu_y) ** 2 / var_y, axis=1) + log_priors[y]
    return -ll.sum()
''', "gnb_nll", lambda: [_normal(5241, 3, 2), _normal(5242, 3, 2) * .2, np.log(np.array([.2, .3, .5])),
                        _normal(5243, 6, 2), np.array([0, 1, 2, 2, 1, 0])], {"wrt": [0, 1, 2]}),

"ml_nca_soft_neighbors_fill_diagonal": ('''
import numpy as np

def nca_objective(A, X, y):
    """Neighbourhood components analysis: expected number of correctly classified points."""
    Z = X @ A.T
    d = np.sum((Z[:, None, :] - Z[None, :, :]) ** 2, axis=2)
    np.fill_diagonal(d, np.inf)
    logits = -d - np.max(-d, axis=1, keepdims=True)
    p = np.exp(logits)
    p = p / p.sum(axis=1, keepdims=True)
    same = (y[:, None] == y[None, :])
    return -np.sum(p * same)
''', "nca_objective", lambda: [_normal(5244, 2, 3) * .5, _normal(5245, 5, 3), np.array([0, 1, 0, 1, 1])], {"wrt": [0]}),

"ml_rbf_network_centers_widths": ('''
import numpy as np

def rbf_net_loss(centers, log_widths, w, X, t):
    """Radial basis function network: Gaussian bumps at centers, a linear read-out."""
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    phi = np.exp(-d2 / (2 * np.exp(2 * log_widths)))
    pred = phi @ w
    return np.mean((pred - t) ** 2)
''', "rbf_net_loss", lambda: [_normal(5246, 4, 2), _normal(5247, 4) * .2, _normal(5248, 4), _normal(5249, 6, 2),
                             _normal(5250, 6)]),

"ml_highway_layer_gate": ('''
import numpy as np

def highway_forward(x, Wh, bh, Wt, bt):
    """A highway layer: a gate t mixes a ReLU transform with the input itself."""
    h = np.maximum(0, x @ Wh + bh)
    t = 1 / (1 + np.exp(-(x @ Wt + bt)))
    out = t * h + (1 - t) * x
    cache = (x, Wh, bh, Wt, bt, h, t)
    return out, cache
''', "highway_forward", lambda: [_normal(5251, 4, 3), _normal(5252, 3, 3), _normal(5253, 3) * .1, _normal(5254, 3, 3),
                                _normal(5255, 3) - 1.0]),

"ml_swiglu_ffn_block": ('''
import numpy as np

def silu(x):
    return x / (1 + np.exp(-x))

def swiglu_ffn(x, W1, V, W2):
    """A SwiGLU feed-forward block: (silu(x W1) * (x V)) W2."""
    return (silu(x @ W1) * (x @ V)) @ W2
''', "swiglu_ffn", lambda: [_normal(5256, 3, 4), _normal(5257, 4, 6) * .5, _normal(5258, 4, 6) * .5,
                           _normal(5259, 6, 4) * .5]),

"ml_capsule_squash_norm_keepdims": ('''
import numpy as np

def squash(s, eps=1e-8):
    """The capsule squashing nonlinearity along the last axis."""
    sq = np.sum(s ** 2, axis=-1, keepdims=True)
    return sq / (1 + sq) * s / np.sqrt(sq + eps)
''', "squash", lambda: [_normal(5260, 3, 4, 5)], {"wrt": [0]}),

"ml_arcface_additive_angular_margin": ('''
import numpy as np

def arcface_loss(emb, W, y, s=8.0, m=0.3):
    """Additive angular margin: cos(theta + m) on the true class of normalized embeddings and weights."""
    e = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    w = W / np.linalg.norm(W, axis=0, keepdims=True)
    cos = np.clip(e @ w, -1 + 1e-7, 1 - 1e-7)
    theta = np.arccos(cos)
    N = emb.shape[0]
    logits = s * cos
    logits[np.arange(N), y] = s * np.cos(theta[np.arange(N), y] + m)
    logits -= logits.max(axis=1, keepdims=True)
    return -np.mean(logits[np.arange(N), y] - np.log(np.exp(logits).sum(axis=1)))
''', "arcface_loss", lambda: [_normal(5261, 4, 3), _normal(5262, 3, 5), np.array([0, 4, 2, 1])]),

"ml_label_propagation_soft_neighbors_given_y": ('''
import numpy as np

def hopfield_energy(s, W, b):
    """Energy of a continuous Hopfield state: -1/2 s W s - b s with tanh squashing."""
    a = np.tanh(s)
    return -0.5 * a @ W @ a - b @ a
''', "hopfield_energy", lambda: [_normal(5263, 5), (lambda a: (a + a.T) / 2)(_normal(5264, 5, 5)), _normal(5265, 5)]),

"ml_gru_cell_own_words_cache_tuple": ('''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def gru_step_forward(x, prev_h, Wz, Wr, Wh, Uz, Ur, Uh):
    """One GRU step; its cache a tuple of every gate."""
    z = sigmoid(x @ Wz + prev_h @ Uz)
    r = sigmoid(x @ Wr + prev_h @ Ur)
    h_tilde = np.tanh(x @ Wh + (r * prev_h) @ Uh)
    next_h = (1 - z) * prev_h + z * h_tilde
    cache = (x, prev_h, z, r, h_tilde, Wz, Wr, Wh, Uz, Ur, Uh)
    return next_h, cache
''', "gru_step_forward", lambda: [_normal(5266, 2, 3), _normal(5267, 2, 4)] + [_normal(5268 + k, 3 if k < 3 else 4, 4) * .4
                                                                           for k in range(6)]),

"ml_mixup_given_lambda_ce": ('''
import numpy as np

def mixup_loss(W, x1, x2, y1_onehot, y2_onehot, lam):
    """Cross-entropy on a convex mix of two batches and their one-hot labels."""
    x = lam * x1 + (1 - lam) * x2
    y = lam * y1_onehot + (1 - lam) * y2_onehot
    z = x @ W
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -(y * logp).sum(axis=1).mean()
''', "mixup_loss", lambda: [_normal(5274, 3, 4) * .5, _normal(5275, 5, 3), _normal(5276, 5, 3),
                           np.eye(4)[[0, 1, 2, 3, 0]], np.eye(4)[[1, 1, 3, 0, 2]], 0.3], {"wrt": [0, 1, 2, 5]}),

"ml_perceptron_smooth_hinge_softplus": ('''
import numpy as np

def smooth_hinge(w, b, X, y, beta=5.0):
    """A hinge loss smoothed by a softplus of temperature beta; labels in {-1, +1}."""
    margins = y * (X.dot(w) + b)
    return np.mean(np.logaddexp(0, beta * (1 - margins)) / beta)
''', "smooth_hinge", lambda: [_normal(5277, 3), 0.1, _normal(5278, 7, 3), np.sign(_normal(5279, 7))]),

"ml_knowledge_distillation_temperature_mix": ('''
import numpy as np

def log_softmax(z, T=1.0):
    z = z / T
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))

def kd_loss(student, teacher, y, T=3.0, alpha=0.7):
    """Soft targets at temperature T mixed with the hard-label cross-entropy."""
    p_t = np.exp(log_softmax(teacher, T))
    soft = -np.sum(p_t * log_softmax(student, T), axis=1).mean() * T * T
    N = student.shape[0]
    hard = -log_softmax(student)[np.arange(N), y].mean()
    return alpha * soft + (1 - alpha) * hard
''', "kd_loss", lambda: [_normal(5280, 4, 3), _normal(5281, 4, 3), np.array([0, 2, 1, 1])], {"wrt": [0, 1]}),

"ml_lstm_final_state_loop_list_params": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)

def lstm_final(params, xs):
    """Run an LSTM over a list of inputs; params (W, U, b) with the four gates stacked in W's columns."""
    W, U, b = params
    H = U.shape[0]
    h = np.zeros(H)
    c = np.zeros(H)
    for x in xs:
        a = x @ W + h @ U + b
        i, f, o, g = sigmoid(a[:H]), sigmoid(a[H:2 * H]), sigmoid(a[2 * H:3 * H]), np.tanh(a[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return np.sum(h ** 2)
''', "lstm_final", lambda: [[_normal(5282, 3, 8) * .4, _normal(5283, 2, 8) * .4, _normal(5284, 8) * .1],
                           [_normal(5285 + t, 3) for t in range(3)]]),

"ml_attention_pooling_query_vector": ('''
import numpy as np

def attention_pool(H, q, W):
    """Attention pooling of the rows of H (T, D) with a learned query q and projection W."""
    keys = np.tanh(H @ W)
    scores = keys @ q
    a = np.exp(scores - scores.max())
    a /= a.sum()
    return a @ H
''', "attention_pool", lambda: [_normal(5288, 5, 3), _normal(5289, 4), _normal(5290, 3, 4) * .5]),

"ml_linear_regression_closed_form_val_loss": ('''
import numpy as np

def ridge_val_loss(log_lam, X, y, Xv, yv):
    """Validation error of ridge regression solved in closed form, a function of log lambda."""
    D = X.shape[1]
    w = np.linalg.solve(X.T @ X + np.exp(log_lam) * np.eye(D), X.T @ y)
    return np.mean((Xv @ w - yv) ** 2)
''', "ridge_val_loss", lambda: [0.1, _normal(5291, 8, 3), _normal(5292, 8), _normal(5293, 4, 3), _normal(5294, 4)]),

"ml_poisson_matrix_factorization": ('''
import numpy as np

def pmf_nll(U, V, counts, reg=0.01):
    """Poisson matrix factorization with log rates U V^T, plus an L2 penalty."""
    log_rate = U @ V.T
    ll = counts * log_rate - np.exp(log_rate)
    return -ll.sum() + reg * (np.sum(U ** 2) + np.sum(V ** 2))
''', "pmf_nll", lambda: [_normal(5295, 4, 2) * .3, _normal(5296, 5, 2) * .3, np.floor(3 * _uniform(5297, 4, 5))],
    {"wrt": [0, 1]}),
# ----------------------------------------------------------------------------- signal processing
"sig_fir_filter_double_loop": ('''
import numpy as np

def fir_filter(x, h):
    """Direct-form FIR filter: y[n] = sum_k h[k] x[n - k], zero before the start."""
    N = len(x)
    M = len(h)
    y = np.zeros(N)
    for n in range(N):
        for k in range(M):
            if n - k >= 0:
                y[n] += h[k] * x[n - k]
    return np.sum(y ** 2)
''', "fir_filter", lambda: [_normal(5301, 6), _normal(5302, 3)]),

"sig_one_pole_lowpass_prealloc": ('''
import numpy as np

def lowpass(x, a):
    """One-pole low-pass filter y[t] = a y[t-1] + (1 - a) x[t]."""
    y = np.zeros_like(x)
    y[0] = (1 - a) * x[0]
    for t in range(1, len(x)):
        y[t] = a * y[t - 1] + (1 - a) * x[t]
    return y
''', "lowpass", lambda: [_normal(5303, 7), 0.8]),

"sig_biquad_direct_form_one_states": ('''
def biquad(xs, b0, b1, b2, a1, a2):
    """A biquad section in direct form I over a list of samples, state kept in four names."""
    x1 = x2 = y1 = y2 = 0.0
    out = []
    for x in xs:
        y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2, x1 = x1, x
        y2, y1 = y1, y
        out.append(y)
    return sum(v * v for v in out)
''', "biquad", lambda: [[0.5, -0.3, 1.2, 0.8, -0.1], 0.2, 0.4, 0.2, -0.5, 0.2]),

"sig_dft_power_spectrum_cos_sin_matrices": ('''
import numpy as np

def power_spectrum(x):
    """Power spectrum of a real signal through explicit cosine and sine DFT matrices."""
    N = len(x)
    n = np.arange(N)
    k = n.reshape((N, 1))
    C = np.cos(2 * np.pi * k * n / N)
    S = np.sin(2 * np.pi * k * n / N)
    re = C @ x
    im = -S @ x
    return (re ** 2 + im ** 2) / N
''', "power_spectrum", lambda: [_normal(5304, 8)]),

"sig_hann_window_energy_ratio": ('''
import numpy as np

def windowed_energy(x):
    """Energy of a Hann-windowed frame relative to the raw frame's."""
    N = x.shape[0]
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / (N - 1))
    return np.sum((w * x) ** 2) / np.sum(x ** 2)
''', "windowed_energy", lambda: [_normal(5305, 9)]),

"sig_autocorrelation_lags_list_array": ('''
import numpy as np

def autocorr_loss(x, target, max_lag=3):
    """Autocorrelation at lags 0..max_lag, collected in a list, matched to a target."""
    N = len(x)
    r = []
    for k in range(max_lag + 1):
        r.append(np.sum(x[:N - k] * x[k:]) / N)
    r = np.array(r)
    return np.sum((r - target) ** 2)
''', "autocorr_loss", lambda: [_normal(5306, 8), _normal(5307, 4) * .3], {"wrt": [0]}),

"sig_moving_average_cumsum_trick": ('''
import numpy as np

def moving_average(x, w=3):
    """Running mean by differences of a cumulative sum padded with a zero."""
    c = np.cumsum(np.concatenate(([0.0], x)))
    return (c[w:] - c[:-w]) / w
''', "moving_average", lambda: [_normal(5308, 8)]),

"sig_snr_db_log10": ('''
import numpy as np

def snr_db(clean, estimate):
    """Signal-to-noise ratio in decibels of an estimate of a clean signal."""
    noise = clean - estimate
    return 10 * np.log10(np.sum(clean ** 2) / np.sum(noise ** 2))
''', "snr_db", lambda: [_normal(5309, 10), _normal(5309, 10) + 0.1 * _normal(5310, 10)]),

"sig_preemphasis_np_append": ('''
import numpy as np

def preemphasis(signal, coeff=0.97):
    """Speech pre-emphasis: the first sample, then x[n] - coeff x[n-1]."""
    return np.append(signal[0], signal[1:] - coeff * signal[:-1])
''', "preemphasis", lambda: [_normal(5311, 7)]),

"sig_mu_law_companding_sign_log1p": ('''
import numpy as np

def mu_law(x, mu=255.0):
    """mu-law compression of samples in [-1, 1]."""
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
''', "mu_law", lambda: [np.array([-0.8, -0.3, 0.05, 0.4, 0.9])]),

"sig_chirp_fit_least_squares": ('''
import numpy as np

def chirp_loss(params, t, y):
    """Fit a linear chirp A sin(2 pi (f0 t + k t^2 / 2) + phi) to samples y."""
    A, f0, k, phi = params
    model = A * np.sin(2 * np.pi * (f0 * t + 0.5 * k * t ** 2) + phi)
    return np.sum((model - y) ** 2)
''', "chirp_loss", lambda: [np.array([1.0, 2.0, 0.5, 0.1]), np.linspace(0, 1, 12), _normal(5312, 12)], {"wrt": [0]}),

"sig_lms_adaptive_filter_weights_loop": ('''
import numpy as np

def lms_error(mu, x, d, taps=3):
    """Least-mean-squares adaptive filter; the summed squared error as a function of the step mu."""
    w = np.zeros(taps)
    total = 0.0
    for n in range(taps - 1, len(x)):
        window = x[n - taps + 1:n + 1][::-1]
        e = d[n] - w @ window
        w = w + mu * e * window
        total += e ** 2
    return total
''', "lms_error", lambda: [0.05, _normal(5313, 10), _normal(5314, 10)]),

"sig_goertzel_single_bin_power": ('''
import math

def goertzel_power(samples, k, N):
    """Power of DFT bin k of N samples by the Goertzel recurrence."""
    coeff = 2 * math.cos(2 * math.pi * k / N)
    s_prev = 0.0
    s_prev2 = 0.0
    for x in samples:
        s = x + coeff * s_prev - s_prev2
        s_prev2 = s_prev
        s_prev = s
    return s_prev2 ** 2 + s_prev ** 2 - coeff * s_prev * s_prev2
''', "goertzel_power", lambda: [[0.3, -0.1, 0.8, 0.5, -0.6, 0.2, 0.0, 0.4], 2, 8], {"wrt": [0]}),

"sig_spectral_centroid_magnitudes": ('''
import numpy as np

def spectral_centroid(mag, sr=16000):
    """Spectral centroid of magnitude frames mag (frames, bins)."""
    n_bins = mag.shape[1]
    freqs = np.linspace(0, sr / 2, n_bins)
    return np.sum(mag * freqs, axis=1) / np.sum(mag, axis=1)
''', "spectral_centroid", lambda: [_uniform(5315, 3, 5)]),

"sig_np_fft_rfft_power": ('''
import numpy as np

def band_power(x):
    """Power in the low half of the spectrum via np.fft.rfft."""
    X = np.fft.rfft(x)
    p = np.abs(X) ** 2
    return p[: len(p) // 2].sum()
''', "band_power", lambda: [_normal(5316, 8)]),

"sig_savgol_free_polyfit_window_vander": ('''
import numpy as np

def smooth_residual(y, half=2):
    """Local quadratic smoothing: each window's least-squares fit, evaluated at its centre."""
    t = np.arange(-half, half + 1, dtype=float)
    V = np.vander(t, 3)
    P = np.linalg.solve(V.T @ V, V.T)
    center = P[-1]
    out = np.array([center @ y[i - half:i + half + 1] for i in range(half, len(y) - half)])
    return np.sum((out - y[half:len(y) - half]) ** 2)
''', "smooth_residual", lambda: [_normal(5317, 9)]),

"sig_total_energy_parseval_check_math_loop": ('''
import math

def ring_modulate_energy(xs, f, sr=8000.0):
    """Energy of a signal ring-modulated by a sine of frequency f."""
    total = 0.0
    for n, x in enumerate(xs):
        y = x * math.sin(2 * math.pi * f * n / sr)
        total += y * y
    return total
''', "ring_modulate_energy", lambda: [[0.2, 0.5, -0.4, 0.9, -0.7], 440.0]),

"sig_envelope_follower_attack_release_branch": ('''
def envelope(xs, attack=0.3, release=0.05):
    """Envelope follower: a faster coefficient while the level rises."""
    env = 0.0
    total = 0.0
    for x in xs:
        level = abs(x)
        if level > env:
            env += attack * (level - env)
        else:
            env += release * (level - env)
        total += env
    return total
''', "envelope", lambda: [[0.5, -0.9, 0.2, 0.1, -0.05, 0.7]]),
# ----------------------------------------------------------------------------- autograd-style
"ag_bbvi_logistic_regression_reparam_samples": ('''
import numpy as np

def elbo(params, X, y, eps):
    """Black-box VI for Bayesian logistic regression with a diagonal Gaussian, given noise eps (S, D)."""
    D = X.shape[1]
    mean, log_std = params[:D], params[D:]
    samples = mean + np.exp(log_std) * eps
    logits = samples @ X.T
    log_lik = np.sum(y * logits - np.logaddexp(0, logits), axis=1)
    log_prior = -0.5 * np.sum(samples ** 2, axis=1)
    entropy = np.sum(log_std)
    return -(np.mean(log_lik + log_prior) + entropy)
''', "elbo", lambda: [_normal(5318, 6) * .3, _normal(5319, 7, 3), (_normal(5320, 7) > 0).astype(float),
                     _normal(5321, 4, 3)], {"wrt": [0]}),

"ag_hmc_leapfrog_hamiltonian_given_grad": ('''
import numpy as np

def hamiltonian_after(q0, p0, A, eps=0.1, L=8):
    """Leapfrog integration of H = q A q / 2 + p p / 2; the Hamiltonian at the end."""
    q = q0
    p = p0 - 0.5 * eps * A @ q
    for i in range(L):
        q = q + eps * p
        if i != L - 1:
            p = p - eps * A @ q
    p = p - 0.5 * eps * A @ q
    return 0.5 * q @ A @ q + 0.5 * p @ p
''', "hamiltonian_after", lambda: [_normal(5322, 3), _normal(5323, 3),
                                  (lambda a: a @ a.T / 3 + np.eye(3))(_normal(5324, 3, 3))]),

"ag_sparse_gp_dtc_log_marginal": ('''
import numpy as np

def rbf(A, B, ls):
    d = A[:, None, :] - B[None, :, :]
    return np.exp(-0.5 * np.sum(d ** 2, axis=-1) / ls ** 2)

def dtc_nll(Z, log_ls, log_noise, X, y):
    """The DTC sparse-GP approximation: inducing points Z; the covariance Q + noise I."""
    ls = np.exp(log_ls)
    noise = np.exp(log_noise)
    Kuu = rbf(Z, Z, ls) + 1e-6 * np.eye(len(Z))
    Kfu = rbf(X, Z, ls)
    Q = Kfu @ np.linalg.solve(Kuu, Kfu.T)
    C = Q + noise * np.eye(len(X))
    sign, logdet = np.linalg.slogdet(C)
    return 0.5 * (y @ np.linalg.solve(C, y) + logdet + len(X) * np.log(2 * np.pi))
''', "dtc_nll", lambda: [_normal(5325, 3, 2), 0.1, -1.0, _normal(5326, 6, 2), _normal(5327, 6)]),

"ag_factor_analysis_loglik_diag_noise": ('''
import numpy as np

def fa_nll(W, log_psi, X):
    """Factor analysis: rows of X ~ N(0, W W^T + diag(psi))."""
    N, D = X.shape
    C = W @ W.T + np.diag(np.exp(log_psi))
    sign, logdet = np.linalg.slogdet(C)
    Cinv_X = np.linalg.solve(C, X.T)
    return 0.5 * (N * logdet + np.sum(X.T * Cinv_X) + N * D * np.log(2 * np.pi))
''', "fa_nll", lambda: [_normal(5328, 4, 2) * .5, _normal(5329, 4) * .2, _normal(5330, 6, 4)]),

"ag_periodic_kernel_gp_nll_abs": ('''
import numpy as np

def periodic_kernel(x, xp, period, ls):
    d = np.abs(x[:, None] - xp[None, :])
    return np.exp(-2 * np.sin(np.pi * d / period) ** 2 / ls ** 2)

def gp_nll(params, x, y):
    """GP negative log marginal likelihood with a periodic kernel; params in log space."""
    period, ls, noise = np.exp(params)
    K = periodic_kernel(x, x, period, ls) + noise * np.eye(len(x))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
''', "gp_nll", lambda: [np.array([0.2, -0.1, -1.5]), np.linspace(0, 3, 6), _normal(5331, 6)], {"wrt": [0]}),

"ag_neural_net_list_of_pairs_log_softmax_accuracy_free": ('''
import numpy as np

def neural_net_predict(params, inputs):
    """Layers as a list of (weights, biases) pairs; tanh between; log-softmax at the end."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))

def log_posterior(params, inputs, targets, L2_reg=0.1):
    log_prior = -L2_reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(5332, 3, 4) * .4, _normal(5333, 4) * .1), (_normal(5334, 4, 2) * .4, _normal(5335, 2) * .1)],
                              _normal(5336, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]]], {"wrt": [0]}),

"ag_rosenbrock_list_comprehension_sum": ('''
def rosenbrock(x):
    """The n-dimensional Rosenbrock function over a list of numbers."""
    return sum([100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1)])
''', "rosenbrock", lambda: [[0.5, -0.3, 1.2, 0.8]]),

"ag_logistic_regression_dict_params": ('''
import numpy as np

def loss(params, X, y):
    """Logistic regression with its weights and bias in a dict."""
    z = X @ params['w'] + params['b']
    return np.mean(np.logaddexp(0, z) - y * z)
''', "loss", lambda: [{'w': _normal(5337, 3), 'b': 0.1}, _normal(5338, 6, 3), (_normal(5339, 6) > 0).astype(float)],
    {"wrt": [0]}),

"ag_variational_gaussian_mixture_entropy_bound": ('''
import numpy as np

def log_normal(x, mu, log_sigma):
    return -0.5 * np.log(2 * np.pi) - log_sigma - 0.5 * ((x - mu) / np.exp(log_sigma)) ** 2

def mc_objective(mu, log_sigma, eps, data):
    """Monte-Carlo ELBO for the mean of a Gaussian with known unit variance."""
    z = mu + np.exp(log_sigma) * eps
    log_lik = np.sum(log_normal(data[None, :], z[:, None], 0.0), axis=1)
    log_prior = log_normal(z, 0.0, 1.0)
    log_q = log_normal(z, mu, log_sigma)
    return np.mean(log_lik + log_prior - log_q)
''', "mc_objective", lambda: [0.3, -0.5, _normal(5340, 5), _normal(5341, 6) + 1.0], {"wrt": [0, 1]}),

"ag_bayesopt_probability_of_improvement": ('''
import numpy as np
from scipy.stats import norm

def probability_of_improvement(x, X_obs, y_obs, ls=0.7, xi=0.01):
    """GP posterior at x (a single point, shape (D,)), then the probability of improving on y_obs.min()."""
    def k(A, B):
        return np.exp(-0.5 * np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=-1) / ls ** 2)
    K = k(X_obs, X_obs) + 1e-4 * np.eye(len(X_obs))
    ks = k(x[None, :], X_obs)[0]
    mean = ks @ np.linalg.solve(K, y_obs)
    var = 1.0 - ks @ np.linalg.solve(K, ks)
    z = (y_obs.min() - xi - mean) / np.sqrt(var)
    return norm.cdf(z)
''', "probability_of_improvement", lambda: [np.array([0.3, -0.2]), _normal(5342, 5, 2), _normal(5343, 5)], {"wrt": [0]}),
# ----------------------------------------------------------------------------- idioms of real code
"idiom_params_unpacked_from_array_sigmoid_growth": ('''
import numpy as np

def logistic_growth_loss(theta, t, y):
    """Logistic growth curve K / (1 + exp(-r (t - t0))) fitted by least squares; theta = [K, r, t0]."""
    K, r, t0 = theta
    pred = K / (1 + np.exp(-r * (t - t0)))
    resid = pred - y
    return resid @ resid
''', "logistic_growth_loss", lambda: [np.array([10.0, 0.8, 3.0]), np.linspace(0, 8, 9), 10 * _uniform(5401, 9) / 1.5],
    {"wrt": [0]}),

"idiom_numeric_shapes_given_affine_softplus": ('''
import numpy as np

def softplus_regression(W, b, X, y):
    pred = np.log1p(np.exp(X @ W + b))
    return np.mean((pred - y) ** 2)
''', "softplus_regression", lambda: [_normal(5402, 3, 2), _normal(5403, 2), _normal(5404, 5, 3), _normal(5405, 5, 2)],
    {"shapes": {"W": "3, 2", "b": "2", "X": "5, 3", "y": "5, 2"}}),

"idiom_named_shapes_given_bilinear_score": ('''
import numpy as np

def bilinear_score(u, M, v):
    """Bilinear compatibility u_i^T M v_i summed over a batch."""
    return np.sum((u @ M) * v)
''', "bilinear_score", lambda: [_normal(5406, 4, 3), _normal(5407, 3, 2), _normal(5408, 4, 2)],
    {"shapes": {"u": "N, D", "M": "D, E", "v": "N, E"}}),

"idiom_annotated_shapes_layer_cache": ('''
import numpy as np

def scale_shift_forward(x: "N, D", gamma: "D", beta: "D"):
    out = x * gamma + beta
    cache = (x, gamma)
    return out, cache
''', "scale_shift_forward", lambda: [_normal(5409, 4, 3), _normal(5410, 3), _normal(5411, 3)]),

"idiom_inplace_clip_on_copy_then_log": ('''
import numpy as np

def safe_log_loss(p, y):
    """Binary log loss with the probabilities clipped in place on a copy."""
    q = p.copy()
    q[q < 1e-3] = 1e-3
    q[q > 1 - 1e-3] = 1 - 1e-3
    return -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
''', "safe_log_loss", lambda: [_uniform(5412, 6) / 1.6, (_normal(5413, 6) > 0).astype(float)], {"wrt": [0]}),

"idiom_running_stats_loop_welford": ('''
def welford_variance(xs):
    """Online variance by Welford's algorithm over a list of numbers."""
    mean = 0.0
    m2 = 0.0
    n = 0
    for x in xs:
        n += 1
        delta = x - mean
        mean += delta / n
        m2 += delta * (x - mean)
    return m2 / (n - 1)
''', "welford_variance", lambda: [[0.3, 1.2, -0.5, 2.2, 0.9]]),

"idiom_early_return_small_input": ('''
import numpy as np

def total_variation(signal, weight=0.5):
    """Total variation plus fit term; a signal of one sample has no variation."""
    if signal.shape[0] < 2:
        return weight * np.sum(signal ** 2)
    tv = np.sum(np.abs(np.diff(signal)))
    return tv + weight * np.sum(signal ** 2)
''', "total_variation", lambda: [_normal(5414, 7)]),

"idiom_helper_returning_tuple_partial_use": ('''
import numpy as np

def moments(x):
    m = np.mean(x, axis=0)
    v = np.var(x, axis=0)
    return m, v, x.shape[0]

def whitened_energy(x):
    """Energy of the standardized data; the helper's count is unused."""
    m, v, _ = moments(x)
    z = (x - m) / np.sqrt(v + 1e-8)
    return np.sum(z ** 3)
''', "whitened_energy", lambda: [_normal(5415, 6, 3)]),

"idiom_while_loop_tolerance_newton_cube_root": ('''
def cube_root(a, tol=1e-12):
    """Newton's method for the cube root, stopping when the step is small."""
    x = a if a > 1 else 1.0
    step = 1.0
    while abs(step) > tol:
        step = (x ** 3 - a) / (3 * x ** 2)
        x = x - step
    return x
''', "cube_root", lambda: [5.0]),

"idiom_zip_layers_with_activations_list": ('''
import numpy as np

def mlp(Ws, bs, x):
    """An MLP whose layers are zipped weights and biases; ReLU between, a linear last layer."""
    h = x
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W + b
        if i < len(Ws) - 1:
            h = np.maximum(h, 0)
    return np.sum(h ** 2)
''', "mlp", lambda: [[_normal(5416, 3, 4), _normal(5417, 4, 2)], [_normal(5418, 4) * .1, _normal(5419, 2) * .1],
                    _normal(5420, 5, 3)]),

"idiom_stack_list_of_rows_then_loss": ('''
import numpy as np

def pairwise_features(a, b):
    """Features built row by row into a list, stacked, then scored."""
    rows = []
    for i in range(a.shape[0]):
        rows.append(np.concatenate([a[i] * b[i], a[i] - b[i]]))
    F = np.stack(rows)
    return np.sum(np.tanh(F))
''', "pairwise_features", lambda: [_normal(5421, 4, 3), _normal(5422, 4, 3)]),

"idiom_global_lookup_table_constants": ('''
import numpy as np

WEIGHTS = np.array([0.2, 0.3, 0.5])
OFFSETS = np.array([1.0, -1.0, 0.5])

def weighted_softplus(x):
    """Module-level weights and offsets, read inside."""
    return np.sum(WEIGHTS * np.log1p(np.exp(x[:, None] + OFFSETS)))
''', "weighted_softplus", lambda: [_normal(5423, 5)]),

"idiom_np_newaxis_broadcast_pairwise_energy": ('''
import numpy as np

def soft_sphere_energy(pos, radius=0.7):
    """Soft-sphere repulsion of overlapping pairs (i < j), distances by broadcasting."""
    diff = pos[:, np.newaxis, :] - pos[np.newaxis, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1) + np.eye(len(pos)))
    overlap = np.maximum(0.0, 2 * radius - r)
    iu = np.triu_indices(len(pos), k=1)
    return np.sum(overlap[iu] ** 2)
''', "soft_sphere_energy", lambda: [np.array([[0., 0.], [1., 0.2], [0.3, 1.1], [1.5, 1.0]])]),

"idiom_augmented_assign_on_param_slice_copy": ('''
import numpy as np

def bias_corrected(m, v, t, beta1=0.9, beta2=0.999):
    """Adam's bias-corrected step direction from moment estimates."""
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    step = m_hat / (np.sqrt(v_hat) + 1e-8)
    return np.sum(step ** 2)
''', "bias_corrected", lambda: [_normal(5424, 4), _uniform(5425, 4), 3], {"wrt": [0, 1]}),

"idiom_max_builtin_over_generator_floats": ('''
import math

def softmax_entropy(logits):
    """Entropy of a softmax over a list of logits, with the builtin max for stability."""
    m = max(logits)
    exps = [math.exp(z - m) for z in logits]
    total = sum(exps)
    probs = [e / total for e in exps]
    return -sum(p * math.log(p) for p in probs)
''', "softmax_entropy", lambda: [[0.5, 2.0, -1.0, 0.3]]),

"idiom_dict_of_settings_and_array_args": ('''
import numpy as np

def elastic_net(w, X, y, config):
    """Elastic-net regression with its penalties in a settings dict."""
    l1 = config.get('l1', 0.01)
    l2 = config.get('l2', 0.1)
    r = X @ w - y
    return 0.5 * np.mean(r ** 2) + l1 * np.sum(np.abs(w)) + 0.5 * l2 * np.dot(w, w)
''', "elastic_net", lambda: [_normal(5426, 3), _normal(5427, 6, 3), _normal(5428, 6), {'l1': 0.05}], {"wrt": [0, 1]}),

"idiom_np_linalg_norm_axis_normalize_then_gram": ('''
import numpy as np

def orthogonality_penalty(W):
    """Columns normalized, then the squared off-diagonal of their Gram matrix."""
    Wn = W / np.linalg.norm(W, axis=0)
    G = Wn.T @ Wn
    off = G - np.diag(np.diag(G))
    return np.sum(off ** 2)
''', "orthogonality_penalty", lambda: [_normal(5429, 5, 3)]),

"idiom_tuple_state_ode_loop_return_list_sum": ('''
import math

def sir_peak(beta, gamma, s0=0.99, i0=0.01, dt=0.1, steps=60):
    """SIR epidemic by Euler steps; the integral of the infected fraction."""
    s, i, r = s0, i0, 0.0
    area = 0.0
    for _ in range(steps):
        new_inf = beta * s * i
        rec = gamma * i
        s, i, r = s - dt * new_inf, i + dt * (new_inf - rec), r + dt * rec
        area += i * dt
    return area
''', "sir_peak", lambda: [0.5, 0.2]),

"idiom_einsum_batched_quadratic_forms": ('''
import numpy as np

def batched_mahalanobis(X, mu, P):
    """Squared Mahalanobis distances of rows of X with a precision matrix P, via einsum."""
    d = X - mu
    return np.einsum('ni,ij,nj->n', d, P, d).sum()
''', "batched_mahalanobis", lambda: [_normal(5430, 5, 3), _normal(5431, 3), (lambda a: a @ a.T)(_normal(5432, 3, 3))]),

"idiom_sorted_order_statistic_trimmed": ('''
import numpy as np

def winsorized_mean(x, k=1):
    """Mean after replacing the k smallest and k largest values by their neighbours."""
    s = np.sort(x)
    s[:k] = s[k]
    s[-k:] = s[-k - 1]
    return s.mean()
''', "winsorized_mean", lambda: [_normal(5433, 7)]),

"idiom_cumprod_survival_discrete_hazard": ('''
import numpy as np

def survival_nll(logits, event_time, observed):
    """Discrete-time survival: hazards from logits (T,), the likelihood of one subject."""
    h = 1 / (1 + np.exp(-logits))
    S = np.cumprod(1 - h)
    if observed:
        return -(np.log(h[event_time]) + np.sum(np.log(1 - h[:event_time])))
    return -np.log(S[event_time])
''', "survival_nll", lambda: [_normal(5434, 6), 3, True], {"wrt": [0]}),

"idiom_reversed_range_backward_recursion_returns": ('''
import numpy as np

def discounted_return_loss(rewards, values, gamma=0.99):
    """Discounted returns computed backwards, then the value regression loss."""
    T = len(rewards)
    returns = np.zeros(T)
    running = 0.0
    for t in reversed(range(T)):
        running = rewards[t] + gamma * running
        returns[t] = running
    return np.mean((values - returns) ** 2)
''', "discounted_return_loss", lambda: [_normal(5435, 6), _normal(5436, 6)]),

"idiom_class_free_closure_kernel_factory": ('''
import numpy as np

def make_kernel(ls):
    def kernel(a, b):
        return np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / ls ** 2)
    return kernel

def kernel_ridge_fit(alpha, x, y, ls=0.5):
    """Kernel ridge fit with the kernel made by a factory."""
    k = make_kernel(ls)
    K = k(x, x)
    return np.sum((K @ alpha - y) ** 2) + 0.1 * alpha @ K @ alpha
''', "kernel_ridge_fit", lambda: [_normal(5437, 5), np.linspace(0, 2, 5), _normal(5438, 5)], {"wrt": [0, 1]}),

"idiom_string_mode_branch_loss": ('''
import numpy as np

def regression_loss(pred, target, kind='l2'):
    """One of three losses chosen by a string."""
    r = pred - target
    if kind == 'l1':
        return np.mean(np.abs(r))
    elif kind == 'huber':
        a = np.abs(r)
        return np.mean(np.where(a < 1.0, 0.5 * r ** 2, a - 0.5))
    return np.mean(r ** 2)
''', "regression_loss", lambda: [_normal(5439, 6), _normal(5440, 6)]),

"idiom_out_argument_and_inplace_exp": ('''
import numpy as np

def softmax_rows_inplace(z):
    """Row softmax written with in-place operations on a copy."""
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return np.sum(e * np.arange(z.shape[1]))
''', "softmax_rows_inplace", lambda: [_normal(5441, 4, 3)]),
# ----------------------------------------------------------------------------- library calls of real code
"lib_np_trapezoid_work_integral": ('''
import numpy as np

def work_done(force, x):
    """Work as the trapezoid-rule integral of a sampled force."""
    return np.trapezoid(force, x)
''', "work_done", lambda: [_normal(5501, 7), np.linspace(0, 1, 7)], {"wrt": [0, 1]}),

"lib_scipy_expit_log_expit_bce": ('''
import numpy as np
from scipy.special import expit, log_expit

def bce(w, X, y):
    """Binary cross-entropy with scipy's expit and log_expit."""
    z = X @ w
    p = expit(z)
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + 0.01 * np.sum(p)
''', "bce", lambda: [_normal(5502, 3), _normal(5503, 6, 3), (_normal(5504, 6) > 0).astype(float)], {"wrt": [0, 1]}),

"lib_scipy_log_softmax_nll": ('''
import numpy as np
from scipy.special import log_softmax

def nll(W, X, y):
    logp = log_softmax(X @ W, axis=1)
    return -logp[np.arange(len(y)), y].mean()
''', "nll", lambda: [_normal(5505, 3, 4), _normal(5506, 5, 3), np.array([0, 3, 1, 2, 3])], {"wrt": [0, 1]}),

"lib_np_logaddexp_reduce_log_partition": ('''
import numpy as np

def log_partition(energies, beta):
    """log Z by np.logaddexp.reduce over the Boltzmann weights."""
    return np.logaddexp.reduce(-beta * energies)
''', "log_partition", lambda: [_normal(5507, 6), 1.3]),

"lib_np_linalg_lstsq_residual": ('''
import numpy as np

def lstsq_residual(A, b):
    """Residual norm of the least-squares solution of A x = b."""
    x, *_ = np.linalg.lstsq(A, b, rcond=None)
    r = A @ x - b
    return r @ r
''', "lstsq_residual", lambda: [_normal(5508, 6, 3), _normal(5509, 6)]),

"lib_scipy_linalg_cho_factor_solve": ('''
import numpy as np
from scipy.linalg import cho_factor, cho_solve

def gp_data_fit(K, y):
    """y^T K^-1 y by a Cholesky factorization."""
    c, low = cho_factor(K)
    alpha = cho_solve((c, low), y)
    return y @ alpha
''', "gp_data_fit", lambda: [(lambda a: a @ a.T + 3 * np.eye(4))(_normal(5510, 4, 4)), _normal(5511, 4)]),

"lib_np_log2_entropy_bits": ('''
import numpy as np

def entropy_bits(logits):
    p = np.exp(logits - logits.max())
    p = p / p.sum()
    return -np.sum(p * np.log2(p))
''', "entropy_bits", lambda: [_normal(5512, 5)]),

"lib_np_select_piecewise_potential": ('''
import numpy as np

def square_well_soft(r, depth=1.0, width=1.5):
    """A softened square well: quadratic walls inside, a smooth tail outside."""
    conds = [r < 1.0, r < width]
    choices = [10 * (1.0 - r) ** 2 - depth, -depth * np.ones_like(r)]
    return np.sum(np.select(conds, choices, default=-depth * np.exp(-(r - width))))
''', "square_well_soft", lambda: [np.array([0.8, 1.2, 1.4, 1.9, 2.5])]),

"lib_np_maximum_accumulate_drawdown": ('''
import numpy as np

def max_drawdown(prices):
    """Largest drop from a running peak of a price path."""
    peak = np.maximum.accumulate(prices)
    return np.max((peak - prices) / peak)
''', "max_drawdown", lambda: [np.array([100., 104., 101., 107., 98., 103., 99.])]),

"lib_x_clip_min_keyword_relu6": ('''
import numpy as np

def relu6_sum(x):
    return x.clip(min=0.0, max=6.0).sum()
''', "relu6_sum", lambda: [np.array([-1.0, 0.5, 3.0, 7.0, 5.5])]),

"lib_np_mean_where_keyword_masked": ('''
import numpy as np

def masked_mse(pred, target, mask):
    """Mean squared error over the entries a boolean mask keeps (np.mean's where=)."""
    return np.mean((pred - target) ** 2, where=mask)
''', "masked_mse", lambda: [_normal(5513, 3, 4), _normal(5514, 3, 4), _normal(5515, 3, 4) > -0.3], {"wrt": [0, 1]}),

"lib_np_interp_lookup_table_fit": ('''
import numpy as np

def calibrate(x, knots_y, knots_x, target):
    """A piecewise-linear calibration curve through learned knot values."""
    y = np.interp(x, knots_x, knots_y)
    return np.sum((y - target) ** 2)
''', "calibrate", lambda: [np.array([0.15, 0.4, 0.65, 0.9]), np.array([0.0, 0.3, 0.8, 1.0]),
                          np.array([0.0, 0.33, 0.66, 1.0]), np.array([0.1, 0.3, 0.6, 0.95])], {"wrt": [0, 1]}),

"lib_np_nan_to_num_safe_ratio": ('''
import numpy as np

def ratio_loss(a, b):
    """Ratios with the divisions by zero turned into zeros by np.nan_to_num."""
    with np.errstate(divide='ignore', invalid='ignore'):
        r = np.nan_to_num(a / b)
    return np.sum(r ** 2)
''', "ratio_loss", lambda: [_normal(5516, 5), np.array([1.0, 0.5, 2.0, -1.5, 0.8])]),

"lib_np_float64_and_item_conversions": ('''
import numpy as np

def scaled_norm(v, scale):
    s = np.float64(scale)
    n = np.sqrt(np.sum(v ** 2)).item()
    return s * n
''', "scaled_norm", lambda: [_normal(5517, 4), 2.0]),

"lib_np_polyval_coefficients_fit": ('''
import numpy as np

def poly_loss(coeffs, x, y):
    """Polynomial least squares with np.polyval, highest power first."""
    return np.mean((np.polyval(coeffs, x) - y) ** 2)
''', "poly_loss", lambda: [np.array([0.5, -1.0, 2.0]), np.linspace(-1, 1, 6), _normal(5518, 6)], {"wrt": [0, 1]}),

"lib_scipy_logsumexp_axis_keepdims_return_sign_free": ('''
import numpy as np
from scipy.special import logsumexp

def mixture_loglik(log_w, means, x):
    """Log-likelihood of a unit-variance Gaussian mixture, scipy's logsumexp over components."""
    log_w = log_w - logsumexp(log_w)
    lp = -0.5 * (x[:, None] - means[None, :]) ** 2 - 0.5 * np.log(2 * np.pi)
    return logsumexp(lp + log_w, axis=1).sum()
''', "mixture_loglik", lambda: [_normal(5519, 3), _normal(5520, 3), _normal(5521, 7)]),

"lib_np_heaviside_step_smooth_free": ('''
import numpy as np

def ramp_energy(x, k):
    """Energy of a one-sided spring: k x^2 / 2 where x > 0 (np.heaviside as the switch)."""
    return np.sum(0.5 * k * x ** 2 * np.heaviside(x, 0.5))
''', "ramp_energy", lambda: [np.array([-0.5, 0.3, 1.2, -2.0, 0.7]), 2.0]),

"lib_np_fft_irfft_lowpass_roundtrip": ('''
import numpy as np

def smooth_energy(x, keep=3):
    """Low-pass filter by zeroing high rfft bins, back with irfft; the energy of the result."""
    X = np.fft.rfft(x)
    X[keep:] = 0
    y = np.fft.irfft(X, n=len(x))
    return np.sum(y ** 2)
''', "smooth_energy", lambda: [_normal(5522, 8)]),

"lib_np_insert_boundary_values": ('''
import numpy as np

def with_boundaries(u, left=0.0, right=1.0):
    """Interior values with Dirichlet boundary values inserted at both ends; the Dirichlet energy."""
    full = np.insert(u, 0, left)
    full = np.append(full, right)
    return np.sum(np.diff(full) ** 2)
''', "with_boundaries", lambda: [_normal(5523, 5)]),

"lib_math_fsum_prod_generators": ('''
import math

def log_prod(xs, ws):
    """Weighted log of a product of positive numbers, by math.prod and math.fsum."""
    p = math.prod(x ** w for x, w in zip(xs, ws))
    return math.log(p) + math.fsum(w * w for w in ws)
''', "log_prod", lambda: [[1.5, 0.7, 2.2], [0.3, 0.5, 0.2]]),

"lib_np_linalg_qr_projection": ('''
import numpy as np

def projection_residual(A, b):
    """Residual of b after projecting onto A's columns through a QR factorization."""
    Q, R = np.linalg.qr(A)
    p = Q @ (Q.T @ b)
    return np.sum((b - p) ** 2)
''', "projection_residual", lambda: [_normal(5524, 5, 2), _normal(5525, 5)]),

"lib_np_outer_subtract_ufunc_pairwise": ('''
import numpy as np

def pair_potential(x, a=1.0):
    """Pairwise differences by np.subtract.outer; a Gaussian pair energy."""
    d = np.subtract.outer(x, x)
    return np.sum(np.exp(-a * d ** 2))
''', "pair_potential", lambda: [_normal(5526, 5)]),
# ----------------------------------------------------------------------------- writes, views and caches
"wv_layer_inplace_scale_view_of_out": ('''
import numpy as np

def scaled_relu_forward(x, scale):
    """ReLU, then the first half of the features scaled in place through a view of out."""
    out = np.maximum(x, 0)
    half = out[:, :out.shape[1] // 2]
    half *= scale
    cache = (x, scale)
    return out, cache
''', "scaled_relu_forward", lambda: [_normal(5601, 3, 4), 1.7]),

"wv_cumulative_writes_rows_prealloc_layer": ('''
import numpy as np

def prefix_mean_forward(x):
    """Running means of the rows of x, each written into a preallocated output."""
    N, D = x.shape
    out = np.empty((N, D))
    total = np.zeros(D)
    for i in range(N):
        total += x[i]
        out[i] = total / (i + 1)
    cache = x.shape
    return out, cache
''', "prefix_mean_forward", lambda: [_normal(5602, 4, 3)]),

"wv_param_copy_then_masked_assign": ('''
import numpy as np

def clamp_energy(q, lo=-0.5, hi=0.5):
    """q clamped by masked assignments on a copy, then a quadratic energy with the raw q."""
    c = np.array(q, copy=True)
    c[c < lo] = lo
    c[c > hi] = hi
    return np.sum(c * q)
''', "clamp_energy", lambda: [np.array([-0.9, -0.2, 0.1, 0.7, 0.3])]),

"wv_swap_halves_fancy_write": ('''
import numpy as np

def swap_halves_energy(x):
    """The two halves of x swapped with fancy indexing on the left of an assignment."""
    y = x.copy()
    n = len(x) // 2
    y[np.arange(n)], y[np.arange(n, 2 * n)] = x[n:2 * n], x[:n]
    return np.sum(y * np.arange(len(x)))
''', "swap_halves_energy", lambda: [_normal(5603, 6)]),

"wv_diagonal_view_write_plus_identity": ('''
import numpy as np

def regularized_logdet(A, lam):
    """log det of A A^T with lam added on the diagonal through a diagonal write."""
    K = A @ A.T
    idx = np.arange(K.shape[0])
    K[idx, idx] += lam
    sign, logdet = np.linalg.slogdet(K)
    return logdet
''', "regularized_logdet", lambda: [_normal(5604, 3, 4), 0.3]),

"wv_rnn_cache_list_of_tuples_per_step": ('''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    """A vanilla RNN keeping a list of per-step caches; x (N, T, D)."""
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    caches = []
    prev = h0
    for t in range(T):
        nxt = np.tanh(x[:, t].dot(Wx) + prev.dot(Wh) + b)
        caches.append((x[:, t], prev, nxt))
        h[:, t] = nxt
        prev = nxt
    cache = (caches, Wx, Wh)
    return h, cache
''', "rnn_forward", lambda: [_normal(5605, 2, 3, 4), _normal(5606, 2, 3), _normal(5607, 4, 3) * .4,
                            _normal(5608, 3, 3) * .4, _normal(5609, 3) * .1]),

"wv_dropout_given_mask_inverted_cache_mask": ('''
import numpy as np

def dropout_forward(x, dropout_param):
    """Inverted dropout with the mask given in the settings, so the run is repeatable."""
    p, mode = dropout_param['p'], dropout_param['mode']
    mask = None
    out = None
    if mode == 'train':
        mask = dropout_param['mask'] / p
        out = x * mask
    elif mode == 'test':
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache
''', "dropout_forward", lambda: [_normal(5610, 3, 4), {'p': 0.5, 'mode': 'train',
                                                      'mask': (_uniform(5611, 3, 4) > 1.0).astype(float)}]),

"wv_two_outputs_array_and_scalar_used": ('''
import numpy as np

def normalize_and_norm(v):
    """Returns the unit vector and the norm, both used by the caller."""
    n = np.sqrt(np.sum(v ** 2))
    return v / n, n
''', "normalize_and_norm", lambda: [_normal(5612, 4)]),

"wv_inplace_add_into_param_copy_via_alias": ('''
import numpy as np

def shifted_energy(x, shift):
    """A copy of x shifted in place through an alias, then the energy of both."""
    y = x.copy()
    z = y
    z += shift
    return np.sum(y ** 2) + np.sum(x * z)
''', "shifted_energy", lambda: [_normal(5613, 5), 0.4]),

"wv_reshape_view_write_then_read_original": ('''
import numpy as np

def block_scaled(x, s):
    """x (N, 4) copied, viewed as (N, 2, 2), its first block scaled; the original shape read back."""
    y = x.copy()
    blocks = y.reshape(-1, 2, 2)
    blocks[:, 0, :] *= s
    return np.sum(np.tanh(y))
''', "block_scaled", lambda: [_normal(5614, 3, 4), 1.5]),

"wv_tuple_cache_built_before_write": ('''
import numpy as np

def bias_relu_forward(x, b):
    out = x + b
    cache = (x, b, out)
    out = np.maximum(out, 0.0)
    return out, cache
''', "bias_relu_forward", lambda: [_normal(5615, 3, 4), _normal(5616, 4)]),

"wv_while_loop_shrinking_step_line_search": ('''
import numpy as np

def backtracking_value(x, d, alpha0=1.0, rho=0.5, c=1e-4):
    """Armijo backtracking on f(x) = sum(x^4 + x^2); the value at the step found."""
    def f(z):
        return np.sum(z ** 4 + z ** 2)
    g = 4 * x ** 3 + 2 * x
    alpha = alpha0
    while f(x + alpha * d) > f(x) + c * alpha * np.dot(g, d):
        alpha = rho * alpha
    return f(x + alpha * d)
''', "backtracking_value", lambda: [np.array([1.0, -0.8, 0.5]), np.array([-1.2, 0.7, -0.4])]),

"wv_max_pool_cache_argmax_mask": ('''
import numpy as np

def max_pool_1d_forward(x, size=2):
    """1-D max pooling over non-overlapping windows of x (N, L), the mask of maxima cached."""
    N, L = x.shape
    windows = x.reshape(N, L // size, size)
    out = windows.max(axis=2)
    mask = windows == out[:, :, None]
    cache = (mask, x.shape)
    return out, cache
''', "max_pool_1d_forward", lambda: [_normal(5617, 3, 6)]),

"wv_scores_minus_max_inplace_then_loss_pair": ('''
import numpy as np

def softmax_loss(x, y):
    """Softmax loss whose scores are shifted in place on a copy; returns (loss, dx)."""
    s = x.copy()
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.log(s[np.arange(N), y]).mean()
    dx = s.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
''', "softmax_loss", lambda: [_normal(5618, 4, 3), np.array([1, 0, 2, 2])]),

"wv_gradient_descent_inner_loop_inplace": ('''
import numpy as np

def inner_fit(w0, X, y, lr=0.1, steps=4):
    """A few in-place gradient steps on a copy of w0; the final training loss."""
    w = w0.copy()
    for _ in range(steps):
        r = X @ w - y
        w -= lr * X.T @ r / len(y)
    return np.mean((X @ w - y) ** 2)
''', "inner_fit", lambda: [_normal(5619, 3), _normal(5620, 6, 3), _normal(5621, 6)]),

"wv_nbody_accel_accumulate_pairs_inplace": ('''
import numpy as np

def potential_after_step(pos, vel, mass, dt=0.01, soft=0.1):
    """Pairwise accelerations accumulated in place, a kick-drift step, then the potential energy."""
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                d = pos[j] - pos[i]
                r3 = (np.sum(d ** 2) + soft ** 2) ** 1.5
                acc[i] += mass[j] * d / r3
    vel = vel + dt * acc
    pos = pos + dt * vel
    U = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            U -= mass[i] * mass[j] / np.sqrt(np.sum((pos[i] - pos[j]) ** 2) + soft ** 2)
    return U
''', "potential_after_step", lambda: [_normal(5622, 3, 2), _normal(5623, 3, 2) * .1, _uniform(5624, 3)]),
# ----------------------------------------------------------------------------- more physics and ML as written
"phys_minimum_image_periodic_lj": ('''
import numpy as np

def lj_periodic(pos, box=3.0, rc=1.4):
    """Lennard-Jones energy in a periodic box with the minimum-image convention."""
    n = len(pos)
    energy = 0.0
    for i in range(n - 1):
        d = pos[i + 1:] - pos[i]
        d -= box * np.round(d / box)
        r2 = np.sum(d * d, axis=1)
        inv6 = (1.0 / r2) ** 3
        energy += np.sum(np.where(r2 < rc ** 2, 4.0 * (inv6 ** 2 - inv6), 0.0))
    return energy
''', "lj_periodic", lambda: [np.array([[0.1, 0.2], [1.2, 0.3], [0.4, 1.3], [2.6, 2.7]])]),

"phys_coulomb_norm_fill_diagonal_inf": ('''
import numpy as np

def coulomb_energy(pos, q):
    """Coulomb energy from a full distance matrix whose diagonal is set to infinity."""
    r = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
    np.fill_diagonal(r, np.inf)
    return 0.5 * np.sum(q[:, None] * q[None, :] / r)
''', "coulomb_energy", lambda: [_normal(5701, 4, 3), _normal(5702, 4)]),

"phys_spring_mass_damper_energy_dissipated_loop": ('''
def dissipated(k, c, m=1.0, x0=1.0, dt=0.01, steps=200):
    """Energy a damper dissipates over a run of semi-implicit Euler steps."""
    x, v = x0, 0.0
    lost = 0.0
    for _ in range(steps):
        a = (-k * x - c * v) / m
        v += a * dt
        x += v * dt
        lost += c * v * v * dt
    return lost
''', "dissipated", lambda: [4.0, 0.3]),

"phys_ray_sphere_intersection_distance": ('''
import numpy as np

def hit_distance(origin, direction, center, radius):
    """Distance along a unit ray to its first hit on a sphere."""
    d = direction / np.linalg.norm(direction)
    oc = origin - center
    b = np.dot(oc, d)
    c = np.dot(oc, oc) - radius ** 2
    disc = b * b - c
    return -b - np.sqrt(disc)
''', "hit_distance", lambda: [np.array([0.0, 0.0, -5.0]), np.array([0.1, 0.05, 1.0]), np.array([0.2, 0.0, 0.0]), 1.5]),

"phys_snell_refraction_vector_form": ('''
import numpy as np

def refracted_direction_error(incident, normal, n1, n2, target):
    """Vector form of Snell's law; squared error of the refracted direction against a target."""
    i = incident / np.linalg.norm(incident)
    n = normal / np.linalg.norm(normal)
    eta = n1 / n2
    cos_i = -np.dot(n, i)
    sin2_t = eta ** 2 * (1.0 - cos_i ** 2)
    t = eta * i + (eta * cos_i - np.sqrt(1.0 - sin2_t)) * n
    return np.sum((t - target) ** 2)
''', "refracted_direction_error", lambda: [np.array([0.3, -1.0, 0.1]), np.array([0.0, 1.0, 0.05]), 1.0, 1.33,
                                          np.array([0.2, -0.9, 0.1])]),

"phys_heat_equation_implicit_solve_steps": ('''
import numpy as np

def implicit_heat(u0, alpha, steps=3, dx=0.1, dt=0.01):
    """Backward-Euler heat equation with fixed ends: a tridiagonal solve per step."""
    n = len(u0)
    r = alpha * dt / dx ** 2
    A = (1 + 2 * r) * np.eye(n) - r * np.eye(n, k=1) - r * np.eye(n, k=-1)
    u = u0
    for _ in range(steps):
        u = np.linalg.solve(A, u)
    return np.sum(u ** 2)
''', "implicit_heat", lambda: [_normal(5703, 6), 0.5]),

"phys_bose_einstein_occupation_sum": ('''
import numpy as np

def total_occupation(mu, T, energies):
    """Bose-Einstein occupation numbers summed over levels (mu below the lowest level)."""
    return np.sum(1.0 / np.expm1((energies - mu) / T))
''', "total_occupation", lambda: [-0.1, 0.8, np.array([0.0, 0.5, 1.0, 1.5])], {"wrt": [0, 1]}),

"phys_adiabatic_atmosphere_pressure": ('''
import math

def pressure_at(h, T0=288.15, p0=101325.0, L=0.0065, g=9.80665, M=0.0289644, R=8.314462):
    """Barometric formula of a troposphere with a constant lapse rate."""
    return p0 * (1 - L * h / T0) ** (g * M / (R * L))
''', "pressure_at", lambda: [1500.0]),

"ml_bahdanau_attention_context_loop": ('''
import numpy as np

def context_vectors(enc, dec, Wa, Ua, va):
    """Additive attention: a context vector per decoder state, built in a loop and stacked."""
    contexts = []
    for t in range(dec.shape[0]):
        e = np.tanh(enc @ Ua + dec[t] @ Wa) @ va
        a = np.exp(e - e.max())
        a = a / a.sum()
        contexts.append(a @ enc)
    return np.sum(np.stack(contexts) ** 2)
''', "context_vectors", lambda: [_normal(5704, 5, 3), _normal(5705, 2, 4), _normal(5706, 4, 6) * .5,
                                _normal(5707, 3, 6) * .5, _normal(5708, 6)]),

"ml_layer_norm_then_linear_residual_block": ('''
import numpy as np

def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + eps) + b

def block(x, g, b, W, c):
    """A pre-norm residual block: x + relu(LN(x) W + c)."""
    return x + np.maximum(layer_norm(x, g, b) @ W + c, 0.0)
''', "block", lambda: [_normal(5709, 3, 4), _uniform(5710, 4), _normal(5711, 4) * .1, _normal(5712, 4, 4) * .5,
                      _normal(5713, 4) * .1]),

"ml_batch_softmax_temperature_scaling_nll": ('''
import numpy as np

def temperature_nll(log_T, logits, labels):
    """Calibration by temperature scaling: the NLL of logits / T, T = exp(log_T)."""
    z = logits / np.exp(log_T)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])
''', "temperature_nll", lambda: [0.2, _normal(5714, 6, 4) * 3, np.array([0, 3, 1, 2, 2, 0])], {"wrt": [0, 1]}),

"ml_gaussian_process_classification_probit_approx": ('''
import numpy as np

def predictive_probability(f_mean, f_var):
    """The probit approximation of a GP classifier's predictive probability, sigmoid(kappa * mean)."""
    kappa = 1.0 / np.sqrt(1.0 + np.pi * f_var / 8.0)
    return np.sum(1.0 / (1.0 + np.exp(-kappa * f_mean)))
''', "predictive_probability", lambda: [_normal(5715, 5), _uniform(5716, 5)]),

"ml_logistic_regression_newton_step_objective": ('''
import numpy as np

def after_newton_step(w, X, y, lam=0.1):
    """One Newton step of L2-regularized logistic regression, then the objective there."""
    p = 1 / (1 + np.exp(-X @ w))
    g = X.T @ (p - y) + lam * w
    H = X.T @ (X * (p * (1 - p))[:, None]) + lam * np.eye(len(w))
    w_new = w - np.linalg.solve(H, g)
    z = X @ w_new
    return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * lam * w_new @ w_new
''', "after_newton_step", lambda: [_normal(5717, 3) * .3, _normal(5718, 8, 3), (_normal(5719, 8) > 0).astype(float)],
    {"wrt": [0, 1]}),

"cs_affine_forward_docstring_reshape_prod": ('''
import numpy as np

def affine_forward(x, w, b):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    out = None
    num_inputs = x.shape[0]
    input_shape = x.shape[1:]
    out = np.dot(x.reshape(num_inputs, np.prod(input_shape)), w) + b
    cache = (x, w, b)
    return out, cache
''', "affine_forward", lambda: [_normal(5720, 2, 3, 2), _normal(5721, 6, 4), _normal(5722, 4)]),

"cs_svm_naive_loops_dW_accumulate": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """Structured SVM loss, naive implementation (with loops)."""
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
''', "svm_loss_naive", lambda: [_normal(5723, 4, 3) * .1, _normal(5724, 5, 4), np.array([0, 2, 1, 1, 0]), 0.05],
    {"wrt": [0, 1]}),

"cs_rnn_step_then_temporal_loss_chain": ('''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def sequence_loss(x, h0, Wx, Wh, b, W_out, targets):
    """Unrolled RNN over x (T, N, D) with a squared loss on a linear read-out of each hidden state."""
    h = h0
    loss = 0.0
    for t in range(x.shape[0]):
        h, _ = rnn_step_forward(x[t], h, Wx, Wh, b)
        loss += 0.5 * np.sum((h @ W_out - targets[t]) ** 2)
    return loss
''', "sequence_loss", lambda: [_normal(5725, 3, 2, 4), _normal(5726, 2, 3), _normal(5727, 4, 3) * .4,
                              _normal(5728, 3, 3) * .4, _normal(5729, 3) * .1, _normal(5730, 3, 2), _normal(5731, 3, 2, 2)],
    {"wrt": [0, 1, 2, 3, 4, 5]}),

"stat_hierarchical_normal_log_joint_noncentered": ('''
import numpy as np

def log_joint(mu, log_tau, eta, y, sigma):
    """Eight-schools style non-centered model: theta = mu + tau * eta."""
    tau = np.exp(log_tau)
    theta = mu + tau * eta
    lp = -0.5 * np.sum(((y - theta) / sigma) ** 2)
    lp += -0.5 * np.sum(eta ** 2) - 0.5 * mu ** 2 / 25.0
    lp += log_tau - tau
    return lp
''', "log_joint", lambda: [0.5, 0.2, _normal(5732, 8), _normal(5733, 8) * 10, _uniform(5734, 8) * 10 + 5],
    {"wrt": [0, 1, 2]}),

"stat_mle_exponential_censored_math_loop": ('''
import math

def censored_exp_nll(log_rate, times, observed):
    """Exponential survival with right censoring: events give log density, censored log survival."""
    rate = math.exp(log_rate)
    nll = 0.0
    for t, seen in zip(times, observed):
        if seen:
            nll -= math.log(rate) - rate * t
        else:
            nll += rate * t
    return nll
''', "censored_exp_nll", lambda: [-0.3, [1.2, 0.5, 3.1, 2.2], [True, False, True, True]], {"wrt": [0, 1]}),

"fin_implied_vol_newton_fixed_iterations": ('''
import math

def bs_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    N = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))
    return S * N(d1) - K * math.exp(-r * T) * N(d2)

def implied_vol(price, S, K, T, r, iters=8):
    """Implied volatility by Newton's method with the vega written out; differentiable in the price."""
    sigma = 0.3
    for _ in range(iters):
        d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
        vega = S * math.exp(-0.5 * d1 ** 2) / math.sqrt(2 * math.pi) * math.sqrt(T)
        sigma = sigma - (bs_call(S, K, T, r, sigma) - price) / vega
    return sigma
''', "implied_vol", lambda: [10.5, 100.0, 100.0, 1.0, 0.02]),

"sig_pll_phase_tracking_loop": ('''
import math

def phase_error(xs, gain, f0=0.05):
    """A first-order phase-locked loop tracking a tone; the summed squared phase error."""
    phase = 0.0
    total = 0.0
    for n, x in enumerate(xs):
        err = x * math.sin(2 * math.pi * f0 * n + phase)
        phase -= gain * err
        total += err * err
    return total
''', "phase_error", lambda: [[0.9, 0.1, -0.8, -0.3, 0.7, 0.5], 0.2]),
# ----------------------------------------------------------------------------- more library calls
"lib_np_gradient_finite_difference_energy": ('''
import numpy as np

def strain_energy(u, dx=0.1):
    """Elastic energy of a displacement field, its derivative by np.gradient."""
    du = np.gradient(u, dx)
    return 0.5 * np.sum(du ** 2) * dx
''', "strain_energy", lambda: [_normal(5801, 7)]),

"lib_np_corrcoef_feature_decorrelation": ('''
import numpy as np

def decorrelation_penalty(X):
    """Sum of squared off-diagonal correlations between the columns of X."""
    C = np.corrcoef(X, rowvar=False)
    return np.sum(C ** 2) - np.trace(C ** 2)
''', "decorrelation_penalty", lambda: [_normal(5802, 6, 3)]),

"lib_np_convolve_same_smoothing": ('''
import numpy as np

def smoothed_fit(x, kernel, target):
    """A signal smoothed by np.convolve in 'same' mode, fitted to a target."""
    y = np.convolve(x, kernel, mode='same')
    return np.sum((y - target) ** 2)
''', "smoothed_fit", lambda: [_normal(5803, 8), np.array([0.25, 0.5, 0.25]), _normal(5804, 8)], {"wrt": [0, 1]}),

"lib_np_median_absolute_deviation_axis": ('''
import numpy as np

def mad_loss(residuals):
    """Median absolute deviation of each row's residuals, summed."""
    med = np.median(residuals, axis=1, keepdims=True)
    return np.sum(np.median(np.abs(residuals - med), axis=1))
''', "mad_loss", lambda: [_normal(5805, 3, 5)]),

"lib_np_percentile_clip_robust_scale": ('''
import numpy as np

def robust_scale(x):
    """Scale by the interquartile range from np.percentile."""
    q75, q25 = np.percentile(x, [75, 25])
    return np.sum(((x - np.median(x)) / (q75 - q25)) ** 2)
''', "robust_scale", lambda: [_normal(5806, 9)]),

"lib_np_linalg_eigvalsh_spectral_penalty": ('''
import numpy as np

def spectral_penalty(A):
    """The largest eigenvalue of the symmetric part of A."""
    S = 0.5 * (A + A.T)
    return np.linalg.eigvalsh(S)[-1]
''', "spectral_penalty", lambda: [_normal(5807, 3, 3)]),

"lib_np_linalg_det_volume_batch": ('''
import numpy as np

def log_volumes(J):
    """Log absolute determinants of a batch of Jacobians (B, 2, 2)."""
    return np.sum(np.log(np.abs(np.linalg.det(J))))
''', "log_volumes", lambda: [_normal(5808, 4, 2, 2)]),

"lib_np_matrix_power_markov_chain": ('''
import numpy as np

def stationary_mass(logits, k=5):
    """A row-stochastic matrix from softmax logits, raised to the k-th power; mass on state 0."""
    P = np.exp(logits)
    P = P / P.sum(axis=1, keepdims=True)
    Pk = np.linalg.matrix_power(P, k)
    return Pk[:, 0].sum()
''', "stationary_mass", lambda: [_normal(5809, 3, 3)]),

"lib_np_diff_second_order_n2": ('''
import numpy as np

def bending_energy(y, EI=2.0):
    """Bending energy of a beam from second differences, np.diff(y, n=2)."""
    return 0.5 * EI * np.sum(np.diff(y, n=2) ** 2)
''', "bending_energy", lambda: [_normal(5810, 7)]),

"lib_np_std_ddof1_coefficient_variation": ('''
import numpy as np

def cv(x):
    """Coefficient of variation with the sample standard deviation."""
    return np.std(x, ddof=1) / np.mean(x)
''', "cv", lambda: [_uniform(5811, 8) + 1]),

"lib_np_cumsum_reversed_tail_sums": ('''
import numpy as np

def tail_sums_loss(r, gamma=0.9):
    """Reward-to-go by a cumulative sum of the reversed, discounted rewards."""
    T = len(r)
    disc = gamma ** np.arange(T)
    togo = np.cumsum((r * disc)[::-1])[::-1] / disc
    return np.sum(togo ** 2)
''', "tail_sums_loss", lambda: [_normal(5812, 6)]),

"lib_np_einsum_trace_and_diagonal": ('''
import numpy as np

def trace_terms(A, B):
    """tr(A B) and the sum of A's diagonal squared, by np.einsum."""
    return np.einsum('ij,ji->', A, B) + np.sum(np.einsum('ii->i', A) ** 2)
''', "trace_terms", lambda: [_normal(5813, 3, 3), _normal(5814, 3, 3)]),

"lib_np_i0_von_mises_numpy_bessel": ('''
import numpy as np

def von_mises_logpdf_sum(mu, kappa, theta):
    """von Mises log-density through NumPy's own Bessel function np.i0."""
    return np.sum(kappa * np.cos(theta - mu) - np.log(2 * np.pi * np.i0(kappa)))
''', "von_mises_logpdf_sum", lambda: [0.3, 1.7, _normal(5815, 6)]),

"lib_np_quantile_pinball_given_tau": ('''
import numpy as np

def quantile_gap(x, tau=0.8):
    """Gap between the empirical tau-quantile and the mean."""
    return np.quantile(x, tau) - np.mean(x)
''', "quantile_gap", lambda: [_normal(5816, 9)]),

"lib_np_pad_reflect_blur": ('''
import numpy as np

def blurred_energy(img):
    """A 3x3 box blur of an image padded by reflection."""
    p = np.pad(img, 1, mode='reflect')
    H, W = img.shape
    out = np.zeros_like(img)
    for di in range(3):
        for dj in range(3):
            out += p[di:di + H, dj:dj + W] / 9.0
    return np.sum(out ** 2)
''', "blurred_energy", lambda: [_normal(5817, 4, 5)]),

"lib_np_roll_circular_cross_correlation": ('''
import numpy as np

def circular_xcorr_peak_energy(a, b):
    """Circular cross-correlation by np.roll over every lag; its energy."""
    n = len(a)
    c = np.array([np.dot(a, np.roll(b, k)) for k in range(n)])
    return np.sum(c ** 2)
''', "circular_xcorr_peak_energy", lambda: [_normal(5818, 5), _normal(5819, 5)]),

"lib_np_tril_indices_cholesky_param": ('''
import numpy as np

def mvn_logdet_from_params(theta, n=3):
    """A covariance from an unconstrained lower-triangular vector (log diagonal), its log det."""
    L = np.zeros((n, n))
    L[np.tril_indices(n)] = theta
    L[np.diag_indices(n)] = np.exp(np.diag(L))
    Sigma = L @ L.T
    return np.linalg.slogdet(Sigma)[1] + np.trace(Sigma)
''', "mvn_logdet_from_params", lambda: [_normal(5820, 6) * .5]),

"lib_np_partition_smallest_k_sum": ('''
import numpy as np

def smallest_k(x, k=3):
    """Sum of the k smallest values via np.partition."""
    return np.sum(np.partition(x, k - 1)[:k])
''', "smallest_k", lambda: [_normal(5821, 8)]),
# ----------------------------------------------------------------------------- classes, docstring shapes, settings
"cls_softmax_classifier_method_self_params": ('''
import numpy as np

class SoftmaxClassifier:
    def __init__(self, D, C, reg=1e-3):
        self.params = {'W': 0.01 * np.random.randn(D, C), 'b': np.zeros(C)}
        self.reg = reg

    def loss(self, X, y):
        """Softmax loss of a linear classifier whose weights live in self.params."""
        W, b = self.params['W'], self.params['b']
        scores = X.dot(W) + b
        scores -= scores.max(axis=1, keepdims=True)
        log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        N = X.shape[0]
        return -log_probs[np.arange(N), y].mean() + 0.5 * 1e-3 * np.sum(W * W)
''', "SoftmaxClassifier.loss", lambda: [{'W': _normal(5901, 3, 4) * .3, 'b': _normal(5902, 4) * .1},
                                       _normal(5903, 5, 3), np.array([0, 3, 1, 2, 1])], {"wrt": [0]}),

"annot_int_labels_hinge_multiclass": ('''
import numpy as np

def multiclass_hinge(scores: "N, C", y: "int N", margin: float = 1.0):
    """Crammer-Singer hinge: the largest wrong score against the correct one."""
    N = scores.shape[0]
    correct = scores[np.arange(N), y]
    wrong = scores.copy()
    wrong[np.arange(N), y] = -np.inf
    return np.mean(np.maximum(0.0, margin + wrong.max(axis=1) - correct))
''', "multiclass_hinge", lambda: [_normal(5907, 5, 4), np.array([1, 0, 3, 2, 2])], {"wrt": [0]}),

"settings_dict_mode_eps_layernorm_given": ('''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    """Layer normalization with eps read from a settings dict."""
    eps = ln_param.get('eps', 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=1, keepdims=True)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = gamma * xn + beta
    cache = (xn, gamma, std)
    return out, cache
''', "layernorm_forward", lambda: [_normal(5909, 3, 4), _uniform(5910, 4), _normal(5911, 4), {'eps': 1e-5}]),

"fin_portfolio_var_cvar_sorted_losses": ('''
import numpy as np

def expected_shortfall(w, R, alpha=0.8):
    """Expected shortfall of portfolio losses over scenarios R (S, N): the mean of the worst tail."""
    losses = -R @ w
    s = np.sort(losses)
    k = int(np.ceil(alpha * len(s)))
    return s[k:].mean()
''', "expected_shortfall", lambda: [_uniform(5912, 3) / 3, _normal(5913, 10, 3) * .05]),

"phys_variational_principle_trial_wavefunction": ('''
import numpy as np

def energy_estimate(alpha, x):
    """Variational energy of a Gaussian trial wavefunction for the harmonic oscillator on a grid x."""
    psi = np.exp(-alpha * x ** 2)
    dx = x[1] - x[0]
    dpsi = np.diff(psi) / dx
    kinetic = 0.5 * np.sum(dpsi ** 2) * dx
    potential = 0.5 * np.sum(x ** 2 * psi ** 2) * dx
    norm = np.sum(psi ** 2) * dx
    return (kinetic + potential) / norm
''', "energy_estimate", lambda: [0.6, np.linspace(-4, 4, 41)], {"wrt": [0]}),

"stat_gaussian_copula_loglik_cholesky": ('''
import numpy as np

def copula_nll(L_flat, z):
    """Gaussian copula: correlation from a Cholesky factor's rows normalized; z (N, 2) normal scores."""
    L = np.array([[1.0, 0.0], [L_flat[0], L_flat[1]]])
    L = L / np.linalg.norm(L, axis=1, keepdims=True)
    R = L @ L.T
    Rinv = np.linalg.inv(R)
    sign, logdet = np.linalg.slogdet(R)
    quad = np.sum((z @ (Rinv - np.eye(2))) * z, axis=1)
    return 0.5 * np.sum(logdet + quad)
''', "copula_nll", lambda: [np.array([0.5, 0.9]), _normal(5914, 6, 2)]),

"ml_contrastive_predictive_coding_bilinear": ('''
import numpy as np

def info_nce(c, z, W):
    """InfoNCE with a bilinear score c_i W z_j; the positive pairs on the diagonal."""
    logits = c @ W @ z.T
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(np.diag(log_probs))
''', "info_nce", lambda: [_normal(5915, 4, 3), _normal(5916, 4, 3), _normal(5917, 3, 3) * .5]),

"sig_wiener_filter_gain_fit": ('''
import numpy as np

def wiener_loss(log_noise, signal_psd, observed, clean):
    """A Wiener gain S / (S + N) per frequency bin, applied to observed spectra, fitted to clean ones."""
    N = np.exp(log_noise)
    gain = signal_psd / (signal_psd + N)
    return np.mean((gain * observed - clean) ** 2)
''', "wiener_loss", lambda: [np.log(np.array([0.5, 0.3, 0.2, 0.4])), _uniform(5918, 4), _normal(5919, 6, 4),
                            _normal(5920, 6, 4)], {"wrt": [0, 1]}),

# ----------------------------------------------------------------------------- plain Python with math, a later batch
"sc_haversine_degrees_float_radians": ('''
import math

EARTH_R = 6372795

def distance(a_lat, a_lon, b_lat, b_lon):
    """Great-circle distance in metres between two GPS points given in degrees."""
    a_lat = float(a_lat) * math.pi / 180
    b_lat = float(b_lat) * math.pi / 180
    a_lon = float(a_lon) * math.pi / 180
    b_lon = float(b_lon) * math.pi / 180
    delta = a_lon - b_lon
    y = math.sqrt(math.pow(math.cos(b_lat) * math.sin(delta), 2)
                  + math.pow(math.cos(a_lat) * math.sin(b_lat) - math.sin(a_lat) * math.cos(b_lat) * math.cos(delta), 2))
    x = math.sin(a_lat) * math.sin(b_lat) + math.cos(a_lat) * math.cos(b_lat) * math.cos(delta)
    return math.atan2(y, x) * EARTH_R
''', "distance", lambda: [52.2, 21.0, 48.85, 2.35]),

"sc_haversine_asin_from_import": ('''
from math import radians, sin, cos, asin, sqrt

def haversine(lat1, lon1, lat2, lon2, R=6371e3):
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi = radians(lat2 - lat1)
    dl = radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dl / 2) ** 2
    return 2 * R * asin(sqrt(a))
''', "haversine", lambda: [40.7, -74.0, 51.5, -0.12], {"wrt": [0, 1, 2, 3]}),

"sc_initial_bearing_degrees_atan2": ('''
import math

def bearing(lat1, lon1, lat2, lon2):
    """Initial compass bearing from point 1 to point 2, in degrees."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    theta = math.atan2(y, x)
    return (math.degrees(theta) + 360) % 360
''', "bearing", lambda: [40.7, -74.0, 51.5, -0.12]),

"sc_triangle_angle_law_of_cosines": ('''
import math

def angle_c(a, b, c):
    """Angle opposite side c (radians) by the law of cosines."""
    cos_c = (a * a + b * b - c * c) / (2 * a * b)
    return math.acos(cos_c)
''', "angle_c", lambda: [3.0, 4.0, 4.5]),

"sc_heron_triangle_area": ('''
import math

def heron(a, b, c):
    s = (a + b + c) / 2.0
    return math.sqrt(s * (s - a) * (s - b) * (s - c))
''', "heron", lambda: [3.0, 4.0, 5.5]),

"sc_polar_to_cartesian_tuple_sum": ('''
import math

def to_cartesian(r, theta):
    return r * math.cos(theta), r * math.sin(theta)

def chord(r1, t1, r2, t2):
    """Distance between two points given in polar coordinates."""
    x1, y1 = to_cartesian(r1, t1)
    x2, y2 = to_cartesian(r2, t2)
    return math.hypot(x2 - x1, y2 - y1)
''', "chord", lambda: [1.5, 0.3, 2.0, 1.1]),

"sc_polygon_area_shoelace_lists": ('''
def polygon_area(xs, ys):
    """Shoelace formula over a closed polygon given as coordinate lists."""
    n = len(xs)
    area = 0.0
    for i in range(n):
        j = (i + 1) % n
        area += xs[i] * ys[j] - xs[j] * ys[i]
    return abs(area) / 2.0
''', "polygon_area", lambda: [[0.0, 2.0, 2.5, 0.5], [0.0, 0.1, 1.8, 1.5]]),

"sc_circle_segment_area": ('''
import math

def segment_area(r, theta):
    """Area of a circular segment cut by a chord subtending angle theta."""
    return 0.5 * r ** 2 * (theta - math.sin(theta))
''', "segment_area", lambda: [2.0, 1.2]),

# orbital mechanics
"sc_orbit_period_kepler_third_law": ('''
import math

G = 6.674e-11
M_SUN = 1.989e30

def period_days(a_au):
    """Orbital period in days of a planet with semi-major axis a (AU)."""
    a = a_au * 1.496e11
    T = 2 * math.pi * math.sqrt(a ** 3 / (G * M_SUN))
    return T / 86400.0
''', "period_days", lambda: [1.52]),

"sc_orbit_vis_viva_speed_km": ('''
import math

MU_EARTH = 398600.4418  # km^3/s^2

def orbital_speed(r, a):
    """Speed (km/s) at radius r on an orbit of semi-major axis a (vis-viva)."""
    return math.sqrt(MU_EARTH * (2.0 / r - 1.0 / a))
''', "orbital_speed", lambda: [7000.0, 8000.0]),

"sc_orbit_escape_and_circular_ratio": ('''
import math

def speeds(mu, r):
    v_circ = math.sqrt(mu / r)
    v_esc = math.sqrt(2 * mu / r)
    return v_esc - v_circ, v_esc / v_circ
''', "speeds", lambda: [398600.0, 6800.0]),

"sc_orbit_kepler_newton_for_loop": ('''
import math

def eccentric_anomaly(M, e, iterations=8):
    """Solve Kepler's equation M = E - e sin E by Newton's method, a fixed number of steps."""
    E = M if e < 0.8 else math.pi
    for _ in range(iterations):
        E = E - (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
    return E

def true_anomaly(M, e):
    E = eccentric_anomaly(M, e)
    return 2 * math.atan2(math.sqrt(1 + e) * math.sin(E / 2), math.sqrt(1 - e) * math.cos(E / 2))
''', "true_anomaly", lambda: [1.1, 0.3]),

"sc_orbit_radius_from_true_anomaly": ('''
import math

def radius(a, e, nu):
    p = a * (1 - e ** 2)
    return p / (1 + e * math.cos(nu))
''', "radius", lambda: [7500.0, 0.1, 0.7]),

"sc_orbit_hill_sphere_and_roche": ('''
def hill_radius(a, e, m, M):
    """Hill sphere radius of a body of mass m orbiting M."""
    return a * (1 - e) * (m / (3 * M)) ** (1.0 / 3.0)

def roche_limit(R, rho_M, rho_m):
    return 2.44 * R * (rho_M / rho_m) ** (1 / 3)

def margin(a, e, m, M, R, rho_M, rho_m):
    return hill_radius(a, e, m, M) / roche_limit(R, rho_M, rho_m)
''', "margin", lambda: [1.5e8, 0.02, 6e24, 2e30, 7e5, 1.4, 5.5]),

"sc_orbit_specific_energy_angular_momentum": ('''
import math

def orbit_elements(x, y, vx, vy, mu=1.0):
    """Semi-major axis and eccentricity of a planar two-body orbit from position and velocity."""
    r = math.sqrt(x * x + y * y)
    v2 = vx * vx + vy * vy
    energy = v2 / 2 - mu / r
    h = x * vy - y * vx
    a = -mu / (2 * energy)
    e = math.sqrt(1 + 2 * energy * h * h / (mu * mu))
    return a, e
''', "orbit_elements", lambda: [1.0, 0.2, -0.1, 0.9]),

"sc_orbit_leapfrog_energy_drift": ('''
import math

def drift(x, y, vx, vy, dt=0.01, steps=50):
    """Kick-drift-kick leapfrog for a planet around a unit mass; returns the final energy."""
    for _ in range(steps):
        r3 = (x * x + y * y) ** 1.5
        vx -= 0.5 * dt * x / r3
        vy -= 0.5 * dt * y / r3
        x += dt * vx
        y += dt * vy
        r3 = (x * x + y * y) ** 1.5
        vx -= 0.5 * dt * x / r3
        vy -= 0.5 * dt * y / r3
    return 0.5 * (vx * vx + vy * vy) - 1.0 / math.sqrt(x * x + y * y)
''', "drift", lambda: [1.0, 0.0, 0.0, 1.1]),

"sc_orbit_gravity_assist_turn_angle": ('''
import math

def turn_angle(v_inf, mu, r_p):
    """Deflection of a hyperbolic flyby with periapsis r_p."""
    e = 1 + r_p * v_inf ** 2 / mu
    return 2 * math.asin(1 / e)
''', "turn_angle", lambda: [5.0, 1.27e8, 1.0e5]),

# projectiles
"sc_proj_max_height_and_range_tuple": ('''
import math

g = 9.81

def trajectory(v0, angle_deg):
    """Flight time, range and peak height of a projectile on flat ground."""
    theta = math.radians(angle_deg)
    vx = v0 * math.cos(theta)
    vy = v0 * math.sin(theta)
    t = 2 * vy / g
    return t, vx * t, vy ** 2 / (2 * g)
''', "trajectory", lambda: [20.0, 35.0]),

"sc_proj_height_at_distance": ('''
import math

def height_at(x, v0, theta, h0=1.5, g=9.81):
    return h0 + x * math.tan(theta) - g * x ** 2 / (2 * v0 ** 2 * math.cos(theta) ** 2)
''', "height_at", lambda: [12.0, 18.0, 0.6]),

"sc_proj_quadratic_drag_euler_while_counter": ('''
import math

def flight(v0, theta, k=0.02, dt=0.01):
    """Euler steps of a projectile with quadratic drag, a fixed count of steps kept by a counter."""
    x, y = 0.0, 0.0
    vx = v0 * math.cos(theta)
    vy = v0 * math.sin(theta)
    n = 0
    while n < 150:
        v = math.sqrt(vx ** 2 + vy ** 2)
        vx = vx - k * v * vx * dt
        vy = vy - (9.81 + k * v * vy) * dt
        x = x + vx * dt
        y = y + vy * dt
        n += 1
    return x, y
''', "flight", lambda: [25.0, 0.8]),

"sc_proj_linear_drag_closed_form": ('''
import math

def drag_range_at(t, v0, theta, b=0.1, g=9.81):
    """Position at time t of a projectile with linear drag (exact solution)."""
    vx0 = v0 * math.cos(theta)
    vy0 = v0 * math.sin(theta)
    decay = 1 - math.exp(-b * t)
    x = vx0 / b * decay
    y = (vy0 + g / b) / b * decay - g * t / b
    return x, y
''', "drag_range_at", lambda: [1.3, 15.0, 0.7]),

"sc_proj_terminal_velocity_fall_time": ('''
import math

def fall(m, h, c=0.25, g=9.81):
    """Time to fall h from rest with quadratic drag, by the closed form."""
    vt = math.sqrt(m * g / c)
    return vt / g * math.acosh(math.exp(h * g / vt ** 2))
''', "fall", lambda: [2.0, 30.0]),

"sc_proj_rk2_midpoint_drag_for": ('''
def rhs(vx, vy, k):
    v = (vx * vx + vy * vy) ** 0.5
    return -k * v * vx, -9.81 - k * v * vy

def range_rk2(vx, vy, k=0.05, dt=0.02, steps=60):
    x = 0.0
    for i in range(steps):
        ax, ay = rhs(vx, vy, k)
        mx = vx + 0.5 * dt * ax
        my = vy + 0.5 * dt * ay
        ax, ay = rhs(mx, my, k)
        x += dt * mx
        vx += dt * ax
        vy += dt * ay
    return x
''', "range_rk2", lambda: [10.0, 8.0]),

# thermodynamics
"sc_thermo_ideal_gas_pressure_units": ('''
R = 8.314462618  # J/(mol K)

def pressure_kpa(n, T_celsius, V_litres):
    T = T_celsius + 273.15
    V = V_litres / 1000.0
    return n * R * T / V / 1000.0
''', "pressure_kpa", lambda: [1.2, 25.0, 22.4]),

"sc_thermo_carnot_cop_refrigerator": ('''
def carnot(T_hot, T_cold):
    """Carnot engine efficiency and the refrigerator's coefficient of performance."""
    eta = 1 - T_cold / T_hot
    cop = T_cold / (T_hot - T_cold)
    return eta, cop
''', "carnot", lambda: [500.0, 300.0]),

"sc_thermo_planck_wavelength_constants": ('''
import math

h = 6.62607015e-34
c = 2.99792458e8
k_B = 1.380649e-23

def planck(wavelength_nm, T):
    """Spectral radiance B(lambda, T) in kW / (sr m^2 nm)."""
    lam = wavelength_nm * 1e-9
    a = 2.0 * h * c ** 2 / lam ** 5
    b = h * c / (lam * k_B * T)
    return a / math.expm1(b) * 1e-12
''', "planck", lambda: [500.0, 5800.0]),

"sc_thermo_wien_peak_and_stefan": ('''
SIGMA = 5.670374419e-8
WIEN_B = 2.897771955e-3

def star(T, R):
    """Peak wavelength (nm) and luminosity (solar units) of a black-body star."""
    peak = WIEN_B / T * 1e9
    L = 4 * 3.141592653589793 * R ** 2 * SIGMA * T ** 4
    return peak, L / 3.828e26
''', "star", lambda: [5800.0, 6.96e8]),

"sc_thermo_van_der_waals_cubic_pressure": ('''
def vdw_pressure(V, T, a=0.364, b=4.267e-5, n=1.0, R=8.314):
    """van der Waals pressure of CO2 (SI units)."""
    return n * R * T / (V - n * b) - a * n ** 2 / V ** 2
''', "vdw_pressure", lambda: [1.0e-3, 300.0]),

"sc_thermo_adiabatic_final_temperature": ('''
def final_state(T1, P1, P2, gamma=1.4):
    """Temperature after a reversible adiabatic change and the work per mole."""
    T2 = T1 * (P2 / P1) ** ((gamma - 1) / gamma)
    cv = 8.314 / (gamma - 1)
    return T2, cv * (T1 - T2)
''', "final_state", lambda: [300.0, 1.0e5, 5.0e5]),

"sc_thermo_newton_cooling_steps": ('''
def cool(T0, T_env, k, minutes=30):
    """Newton's law of cooling stepped minute by minute."""
    T = T0
    for m in range(minutes):
        T += -k * (T - T_env)
    return T
''', "cool", lambda: [90.0, 20.0, 0.05]),

"sc_thermo_clausius_clapeyron_vapor": ('''
import math

def vapor_pressure(T, P_ref=101.325, T_ref=373.15, L=40660.0):
    """Vapour pressure (kPa) of water by the Clausius-Clapeyron relation."""
    return P_ref * math.exp(-L / 8.314 * (1.0 / T - 1.0 / T_ref))
''', "vapor_pressure", lambda: [350.0]),

"sc_thermo_entropy_mixing_two_gases": ('''
import math

def mixing_entropy(n1, n2, R=8.314):
    n = n1 + n2
    x1 = n1 / n
    x2 = n2 / n
    return -n * R * (x1 * math.log(x1) + x2 * math.log(x2))
''', "mixing_entropy", lambda: [0.7, 1.3]),

"sc_thermo_heat_engine_otto_cycle_states": ('''
def otto_cycle(T1, r, T3, gamma=1.4, cv=0.718):
    """Net work per kg of an ideal Otto cycle; compression ratio r, peak temperature T3."""
    T2 = T1 * r ** (gamma - 1)
    T4 = T3 / r ** (gamma - 1)
    q_in = cv * (T3 - T2)
    q_out = cv * (T4 - T1)
    return q_in - q_out
''', "otto_cycle", lambda: [300.0, 9.0, 1800.0]),

"sc_thermo_dewpoint_magnus": ('''
import math

A = 17.27
B = 237.7

def dew_point(T, RH):
    """Dew point (C) from temperature (C) and relative humidity (%), Magnus formula."""
    alpha = A * T / (B + T) + math.log(RH / 100.0)
    return B * alpha / (A - alpha)
''', "dew_point", lambda: [25.0, 60.0]),

"sc_thermo_heat_index_polynomial": ('''
def heat_index(T, RH):
    """Rothfusz regression of the heat index (F)."""
    return (-42.379 + 2.04901523 * T + 10.14333127 * RH - .22475541 * T * RH
            - .00683783 * T * T - .05481717 * RH * RH + .00122874 * T * T * RH
            + .00085282 * T * RH * RH - .00000199 * T * T * RH * RH)
''', "heat_index", lambda: [92.0, 55.0]),

"sc_thermo_wind_chill": ('''
def wind_chill(T, v):
    """Wind chill temperature (C) for air temperature T (C) and wind speed v (km/h)."""
    w = v ** 0.16
    return 13.12 + 0.6215 * T - 11.37 * w + 0.3965 * T * w
''', "wind_chill", lambda: [-5.0, 30.0]),
# optics
"sc_optics_snell_refraction_angle_degrees": ('''
import math

def refraction_angle(theta_in_deg, n1=1.0, n2=1.5):
    """Angle of the refracted ray (degrees) by Snell's law."""
    s = n1 / n2 * math.sin(math.radians(theta_in_deg))
    return math.degrees(math.asin(s))
''', "refraction_angle", lambda: [40.0]),

"sc_optics_thin_lens_magnification": ('''
def image(f, d_o):
    """Image distance and magnification of a thin lens."""
    d_i = 1.0 / (1.0 / f - 1.0 / d_o)
    m = -d_i / d_o
    return d_i, m
''', "image", lambda: [0.1, 0.35]),

"sc_optics_lensmaker_equation": ('''
def focal_length(n, R1, R2, d=0.0):
    """Lensmaker's equation for a thick lens; d = 0 gives the thin lens."""
    power = (n - 1) * (1 / R1 - 1 / R2 + (n - 1) * d / (n * R1 * R2))
    return 1 / power
''', "focal_length", lambda: [1.52, 0.2, -0.25, 0.005]),

"sc_optics_fresnel_s_p_reflectance": ('''
import math

def reflectance(theta_i, n1, n2):
    """Unpolarised Fresnel reflectance at a dielectric interface."""
    cos_i = math.cos(theta_i)
    sin_t = n1 / n2 * math.sin(theta_i)
    cos_t = math.sqrt(1 - sin_t ** 2)
    rs = (n1 * cos_i - n2 * cos_t) / (n1 * cos_i + n2 * cos_t)
    rp = (n1 * cos_t - n2 * cos_i) / (n1 * cos_t + n2 * cos_i)
    return 0.5 * (rs * rs + rp * rp)
''', "reflectance", lambda: [0.6, 1.0, 1.33]),

"sc_optics_brewster_and_critical_angle": ('''
import math

def angles(n1, n2):
    brewster = math.atan(n2 / n1)
    if n1 > n2:
        critical = math.asin(n2 / n1)
    else:
        critical = math.pi / 2
    return brewster, critical
''', "angles", lambda: [1.5, 1.0]),

"sc_optics_single_slit_intensity": ('''
import math

def intensity(theta, a=2e-6, lam=500e-9, I0=1.0):
    """Fraunhofer single-slit pattern I0 (sin(beta) / beta)^2."""
    beta = math.pi * a * math.sin(theta) / lam
    return I0 * (math.sin(beta) / beta) ** 2
''', "intensity", lambda: [0.13]),

"sc_optics_double_slit_with_envelope": ('''
import math

def two_slits(theta, d, a, lam):
    phase = math.pi * d * math.sin(theta) / lam
    beta = math.pi * a * math.sin(theta) / lam
    envelope = (math.sin(beta) / beta) ** 2
    return envelope * math.cos(phase) ** 2
''', "two_slits", lambda: [0.05, 10.0, 2.0, 0.5]),

"sc_optics_beer_lambert_absorbance": ('''
import math

def transmitted(I0, epsilon, conc, path=1.0):
    A = epsilon * conc * path
    return I0 * 10 ** (-A), A
''', "transmitted", lambda: [100.0, 0.8, 0.5]),

"sc_optics_mirror_equation_loop_of_lenses": ('''
def system_image(d_o, focals, gaps):
    """Trace an object through thin lenses spaced by gaps; returns the final image distance."""
    d = d_o
    for k in range(len(focals)):
        d_i = 1.0 / (1.0 / focals[k] - 1.0 / d)
        if k < len(gaps):
            d = gaps[k] - d_i
        else:
            d = d_i
    return d
''', "system_image", lambda: [0.5, [0.2, 0.15, 0.3], [0.6, 0.5]]),

# springs and pendulums
"sc_spring_series_parallel_energy": ('''
def stored_energy(k1, k2, x, series=True):
    """Energy of two springs joined in series or in parallel, stretched by x."""
    if series:
        k = k1 * k2 / (k1 + k2)
    else:
        k = k1 + k2
    return 0.5 * k * x ** 2
''', "stored_energy", lambda: [100.0, 250.0, 0.12]),

"sc_spring_damped_oscillator_closed_form": ('''
import math

def position(t, m, k, c, x0=1.0):
    """Underdamped oscillator released from rest at x0."""
    w0 = math.sqrt(k / m)
    zeta = c / (2 * math.sqrt(m * k))
    wd = w0 * math.sqrt(1 - zeta ** 2)
    return x0 * math.exp(-zeta * w0 * t) * (math.cos(wd * t) + zeta * w0 / wd * math.sin(wd * t))
''', "position", lambda: [1.7, 1.0, 20.0, 1.2]),

"sc_spring_resonance_amplitude": ('''
import math

def amplitude(omega, F0, m, k, c):
    """Steady-state amplitude and phase lag of a driven damped oscillator."""
    w0sq = k / m
    denom = math.sqrt((w0sq - omega ** 2) ** 2 + (c * omega / m) ** 2)
    phase = math.atan2(c * omega / m, w0sq - omega ** 2)
    return F0 / m / denom, phase
''', "amplitude", lambda: [3.5, 1.0, 1.0, 16.0, 0.8]),

"sc_pendulum_period_small_and_correction": ('''
import math

def period(L, theta0, g=9.81):
    """Pendulum period with the first two large-amplitude corrections."""
    T0 = 2 * math.pi * math.sqrt(L / g)
    return T0 * (1 + theta0 ** 2 / 16 + 11 * theta0 ** 4 / 3072)
''', "period", lambda: [1.2, 0.5]),

"sc_pendulum_agm_exact_period": ('''
import math

def exact_period(L, theta0, g=9.81):
    """Exact pendulum period via the arithmetic-geometric mean, five fixed iterations."""
    a = 1.0
    b = math.cos(theta0 / 2)
    for _ in range(5):
        a, b = (a + b) / 2, math.sqrt(a * b)
    return 2 * math.pi * math.sqrt(L / g) / a
''', "exact_period", lambda: [1.0, 1.2]),

"sc_pendulum_symplectic_euler_while": ('''
import math

def swing(theta, omega, L=1.0, dt=0.01, t_end=1.0):
    t = 0.0
    while t < t_end:
        omega -= 9.81 / L * math.sin(theta) * dt
        theta += omega * dt
        t += dt
    return theta
''', "swing", lambda: [0.8, 0.0], {"wrt": [0, 1]}),

"sc_pendulum_spring_pendulum_lagrangian_energy": ('''
import math

def energy(r, theta, r_dot, theta_dot, m=1.0, k=40.0, L0=1.0, g=9.81):
    """Energy of an elastic pendulum in polar coordinates."""
    kinetic = 0.5 * m * (r_dot ** 2 + (r * theta_dot) ** 2)
    potential = 0.5 * k * (r - L0) ** 2 - m * g * r * math.cos(theta)
    return kinetic + potential
''', "energy", lambda: [1.1, 0.4, 0.2, -0.7]),

"sc_pendulum_physical_rod_period": ('''
import math

def rod_period(L, d, g=9.81):
    """Period of a uniform rod of length L pivoted a distance d from its centre."""
    I = L ** 2 / 12 + d ** 2
    return 2 * math.pi * math.sqrt(I / (g * d))
''', "rod_period", lambda: [1.0, 0.3]),

"sc_spring_chain_potential_loop": ('''
def chain_energy(positions, k=10.0, rest=1.0):
    """Potential energy of masses joined by springs along a line."""
    e = 0
    for i in range(1, len(positions)):
        stretch = positions[i] - positions[i - 1] - rest
        e = e + 0.5 * k * stretch * stretch
    return e
''', "chain_energy", lambda: [[0.0, 1.1, 1.9, 3.2]]),

# electrostatics and circuits
"sc_elec_coulomb_force_three_charges": ('''
import math

K = 8.9875517923e9

def net_force_x(q1, q2, q3, x2, x3):
    """Net force along x on charge q1 at the origin from q2 at x2 and q3 at x3."""
    f2 = -K * q1 * q2 / x2 ** 2 * math.copysign(1.0, x2)
    f3 = -K * q1 * q3 / x3 ** 2 * math.copysign(1.0, x3)
    return f2 + f3
''', "net_force_x", lambda: [1e-6, 2e-6, -3e-6, 0.5, -0.8]),

"sc_elec_dipole_field_on_axis": ('''
def dipole_potential(q, d, x, y, k=8.99e9):
    """Potential of charges +q at (0, d/2) and -q at (0, -d/2)."""
    r_plus = (x ** 2 + (y - d / 2) ** 2) ** 0.5
    r_minus = (x ** 2 + (y + d / 2) ** 2) ** 0.5
    return k * q * (1 / r_plus - 1 / r_minus)
''', "dipole_potential", lambda: [1e-9, 0.01, 0.05, 0.07]),

"sc_elec_capacitor_rc_charging": ('''
import math

def charge(t, R, C, V0=5.0):
    """Capacitor voltage and current while charging through R (ohms) a capacitor C (microfarads)."""
    tau = R * C * 1e-6
    v = V0 * (1 - math.exp(-t / tau))
    i = V0 / R * math.exp(-t / tau)
    return v, i
''', "charge", lambda: [0.002, 1000.0, 1.5]),

"sc_elec_rlc_impedance_magnitude": ('''
import math

def impedance(f, R, L, C_uF):
    """Magnitude and phase of a series RLC impedance at frequency f; C in microfarads."""
    w = 2 * math.pi * f
    X = w * L - 1 / (w * C_uF * 1.0e-6)
    return math.sqrt(R ** 2 + X ** 2), math.atan(X / R)
''', "impedance", lambda: [1000.0, 50.0, 0.01, 2.0]),

"sc_elec_voltage_divider_power_loop": ('''
def power_in_load(V, resistors, R_load):
    """Series resistors feeding a load; the power the load dissipates."""
    R_total = R_load
    for r in resistors:
        R_total += r
    I = V / R_total
    return I * I * R_load
''', "power_in_load", lambda: [12.0, [10.0, 22.0, 4.7], 33.0]),

"sc_elec_parallel_resistance_generator": ('''
def parallel(rs):
    return 1.0 / sum(1.0 / r for r in rs)

def bridge(r1, r2, r3, r4):
    return parallel([r1, r2]) + parallel([r3, r4])
''', "bridge", lambda: [10.0, 20.0, 30.0, 40.0]),

"sc_elec_ring_charge_axis_field": ('''
import math

def axial_field(Q, R, z, eps0=8.854e-12):
    return Q * z / (4 * math.pi * eps0 * (z * z + R * R) ** 1.5)
''', "axial_field", lambda: [1e-9, 0.1, 0.05]),

"sc_elec_diode_shockley_newton": ('''
import math

def diode_current(V, R, Is=1e-12, Vt=0.02585):
    """Current through a resistor and a diode in series, Newton iterations on the diode voltage."""
    vd = 0.6
    for _ in range(20):
        f = Is * (math.exp(vd / Vt) - 1) - (V - vd) / R
        df = Is / Vt * math.exp(vd / Vt) + 1 / R
        vd = vd - f / df
    return (V - vd) / R
''', "diode_current", lambda: [5.0, 1000.0]),

# fluids
"sc_fluid_bernoulli_pipe_velocity": ('''
import math

RHO = 1000.0

def outlet_speed(p1, p2, v1, h1, h2, g=9.81):
    """Speed at point 2 along a streamline from Bernoulli's equation."""
    head = (p1 - p2) / RHO + 0.5 * v1 ** 2 + g * (h1 - h2)
    return math.sqrt(2 * head)
''', "outlet_speed", lambda: [200000.0, 150000.0, 2.0, 3.0, 1.0]),

"sc_fluid_reynolds_regime_friction": ('''
import math

def friction_factor(v, D, rho=1000.0, mu=1e-3, eps=1e-5):
    """Darcy friction factor: laminar below Re 2300, Swamee-Jain above."""
    Re = rho * v * D / mu
    if Re < 2300:
        return 64 / Re
    return 0.25 / math.log10(eps / (3.7 * D) + 5.74 / Re ** 0.9) ** 2
''', "friction_factor", lambda: [1.5, 0.05]),

"sc_fluid_torricelli_tank_drain_time": ('''
import math

def drain_time(h0, A_tank, a_hole, Cd=0.61, g=9.81):
    return A_tank / (Cd * a_hole) * math.sqrt(2 * h0 / g)
''', "drain_time", lambda: [2.0, 1.5, 0.002]),

"sc_fluid_stokes_settling_velocity": ('''
def settling_velocity(d, rho_p, rho_f=1000.0, mu=1.0e-3, g=9.81):
    """Stokes' law terminal velocity of a small sphere of diameter d."""
    return (rho_p - rho_f) * g * d ** 2 / (18 * mu)
''', "settling_velocity", lambda: [1e-4, 2650.0]),

"sc_fluid_drag_power_cyclist": ('''
def power(v, CdA=0.3, rho=1.225, m=80.0, Crr=0.004, grade=0.02, g=9.81):
    """Power needed to ride at speed v: aerodynamic drag, rolling resistance and climbing."""
    aero = 0.5 * rho * CdA * v ** 3
    rolling = Crr * m * g * v
    climb = m * g * grade * v
    return aero + rolling + climb
''', "power", lambda: [9.0]),

"sc_fluid_hagen_poiseuille_flow": ('''
import math

def flow_rate(dp, r, L, mu=8.9e-4):
    return math.pi * r ** 4 * dp / (8 * mu * L)
''', "flow_rate", lambda: [500.0, 0.002, 0.5]),

"sc_fluid_barometric_isa_layers": ('''
import math

def pressure(h):
    """ISA pressure (Pa) at altitude h (m): lapse in the troposphere, isothermal above."""
    T0, p0, L, g, R = 288.15, 101325.0, 0.0065, 9.80665, 287.05
    if h <= 11000:
        return p0 * (1 - L * h / T0) ** (g / (R * L))
    p11 = p0 * (1 - L * 11000 / T0) ** (g / (R * L))
    return p11 * math.exp(-g * (h - 11000) / (R * 216.65))
''', "pressure", lambda: [12500.0]),

# relativity
"sc_rel_time_dilation_length_contraction": ('''
import math

C = 299792458.0

def dilation(v, proper_time, rest_length):
    beta = v / C
    gamma = 1 / math.sqrt(1 - beta * beta)
    return proper_time * gamma, rest_length / gamma
''', "dilation", lambda: [2.0e8, 1.0, 10.0]),

"sc_rel_kinetic_energy_rapidity": ('''
import math

def kinetic(m, v, c=1.0):
    """Relativistic kinetic energy and rapidity (units with c = 1 by default)."""
    gamma = 1.0 / math.sqrt(1.0 - (v / c) ** 2)
    rapidity = math.atanh(v / c)
    return (gamma - 1) * m * c ** 2, rapidity
''', "kinetic", lambda: [2.0, 0.6]),

"sc_rel_invariant_mass_two_particles": ('''
import math

def invariant_mass(E1, px1, py1, E2, px2, py2):
    E = E1 + E2
    px = px1 + px2
    py = py1 + py2
    return math.sqrt(E ** 2 - px ** 2 - py ** 2)
''', "invariant_mass", lambda: [5.0, 3.0, 1.0, 4.0, -2.0, 0.5]),

"sc_rel_relativistic_doppler_redshift": ('''
import math

def observed_wavelength(lam0, beta, theta=0.0):
    """Wavelength seen from a source receding at speed beta, at angle theta to the line of sight."""
    gamma = 1 / math.sqrt(1 - beta ** 2)
    return lam0 * gamma * (1 + beta * math.cos(theta))
''', "observed_wavelength", lambda: [656.3, 0.1]),

"sc_rel_velocity_addition_chain": ('''
def compose(velocities, c=1.0):
    """Relativistic composition of several collinear velocities."""
    u = 0.0
    for v in velocities:
        u = (u + v) / (1 + u * v / c ** 2)
    return u
''', "compose", lambda: [[0.5, 0.6, -0.3, 0.8]]),
# finance
"sc_fin_black_scholes_greeks_tuple": ('''
import math

def _pdf(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)

def _cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))

def call_greeks(S, K, T, r, sigma):
    """Black-Scholes call price with delta, gamma and vega."""
    sqrt_t = math.sqrt(T)
    d1 = (math.log(S / K) + (r + sigma ** 2 / 2) * T) / (sigma * sqrt_t)
    d2 = d1 - sigma * sqrt_t
    price = S * _cdf(d1) - K * math.exp(-r * T) * _cdf(d2)
    delta = _cdf(d1)
    gamma = _pdf(d1) / (S * sigma * sqrt_t)
    vega = S * _pdf(d1) * sqrt_t
    return price, delta, gamma, vega
''', "call_greeks", lambda: [100.0, 95.0, 0.5, 0.02, 0.25]),

"sc_fin_black_scholes_dividend_put_keywords": ('''
from math import exp, log, sqrt, erf

def N(x):
    return 0.5 * (1.0 + erf(x / sqrt(2.0)))

def put(spot, strike, maturity, rate=0.01, vol=0.2, q=0.0):
    """Merton's put on a stock paying a continuous dividend yield q."""
    d1 = (log(spot / strike) + (rate - q + 0.5 * vol * vol) * maturity) / (vol * sqrt(maturity))
    d2 = d1 - vol * sqrt(maturity)
    return strike * exp(-rate * maturity) * N(-d2) - spot * exp(-q * maturity) * N(-d1)

def straddle(spot, strike, maturity):
    p = put(spot, strike, maturity, rate=0.03, vol=0.3, q=0.01)
    c = p + spot * exp(-0.01 * maturity) - strike * exp(-0.03 * maturity)
    return c + p
''', "straddle", lambda: [50.0, 52.0, 0.75]),

"sc_fin_annuity_payment_amortization": ('''
def monthly_payment(principal, annual_rate, years=30):
    """Fixed monthly payment of an amortised loan (principal in thousands)."""
    r = annual_rate / 12
    n = years * 12
    return principal * r / (1 - (1 + r) ** -n)
''', "monthly_payment", lambda: [300.0, 0.045]),

"sc_fin_annuity_due_future_value": ('''
def future_value(payment, rate, periods=10, due=False):
    """Future value of an ordinary annuity, or of an annuity due."""
    fv = payment * ((1 + rate) ** periods - 1) / rate
    if due:
        fv *= 1 + rate
    return fv

def retirement(payment, rate):
    return future_value(payment, rate, periods=25, due=True)
''', "retirement", lambda: [5000.0, 0.06]),

"sc_fin_bond_price_convexity_loop": ('''
def price_and_convexity(face, coupon, y, n=10):
    """Price and convexity of an annual-coupon bond."""
    price = 0.0
    conv = 0.0
    for t in range(1, n + 1):
        cf = face * coupon
        if t == n:
            cf += face
        pv = cf / (1 + y) ** t
        price += pv
        conv += pv * t * (t + 1)
    return price, conv / (price * (1 + y) ** 2)
''', "price_and_convexity", lambda: [100.0, 0.05, 0.045]),

"sc_fin_bond_ytm_newton_fixed_steps": ('''
def ytm(price, face, coupon, n=5, steps=12):
    """Yield to maturity by Newton's method on the price-yield equation, a fixed number of steps."""
    y = coupon
    for _ in range(steps):
        p = 0.0
        dp = 0.0
        for t in range(1, n + 1):
            cf = face * coupon + (face if t == n else 0.0)
            p += cf * (1 + y) ** (-t)
            dp -= t * cf * (1 + y) ** (-t - 1)
        y -= (p - price) / dp
    return y
''', "ytm", lambda: [95.0, 100.0, 0.04]),

"sc_fin_continuous_compounding_npv_list": ('''
import math

def npv(rate, cash_flows, times):
    total = 0
    for cf, t in zip(cash_flows, times):
        total += cf * math.exp(-rate * t)
    return total
''', "npv", lambda: [0.05, [-100.0, 30.0, 40.0, 50.0], [0.0, 1.0, 2.0, 3.0]], {"wrt": [0, 1]}),

"sc_fin_irr_newton_enumerate_fixed_iterations": ('''
def npv(r, flows):
    return sum(cf / (1 + r) ** t for t, cf in enumerate(flows))

def npv_slope(r, flows):
    return sum(-t * cf / (1 + r) ** (t + 1) for t, cf in enumerate(flows))

def irr(flows, guess=0.1):
    """Internal rate of return by ten Newton steps on the NPV."""
    r = guess
    for _ in range(10):
        r = r - npv(r, flows) / npv_slope(r, flows)
    return r
''', "irr", lambda: [[-100.0, 20.0, 35.0, 45.0, 30.0]]),

"sc_fin_garman_kohlhagen_fx_call": ('''
import math

def fx_call(S, K, T, rd, rf, sigma):
    """Garman-Kohlhagen price of a currency call."""
    st = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (rd - rf + sigma * sigma / 2) * T) / st
    d2 = d1 - st
    Nd1 = 0.5 * math.erfc(-d1 / math.sqrt(2))
    Nd2 = 0.5 * math.erfc(-d2 / math.sqrt(2))
    return S * math.exp(-rf * T) * Nd1 - K * math.exp(-rd * T) * Nd2
''', "fx_call", lambda: [1.10, 1.12, 0.5, 0.03, 0.01, 0.1]),

"sc_fin_binomial_tree_european_call": ('''
import math

def crr_call(S, K, T, r, sigma, steps=20):
    """European call on a Cox-Ross-Rubinstein tree, summed over the terminal nodes."""
    dt = T / steps
    u = math.exp(sigma * math.sqrt(dt))
    d = 1 / u
    p = (math.exp(r * dt) - d) / (u - d)
    price = 0.0
    for j in range(steps + 1):
        ST = S * u ** j * d ** (steps - j)
        payoff = max(ST - K, 0.0)
        price += math.comb(steps, j) * p ** j * (1 - p) ** (steps - j) * payoff
    return math.exp(-r * T) * price
''', "crr_call", lambda: [100.0, 98.0, 1.0, 0.05, 0.2]),

"sc_fin_sharpe_and_sortino_lists": ('''
import math

def ratios(returns, rf=0.0):
    n = len(returns)
    mean = sum(returns) / n
    var = sum((r - mean) ** 2 for r in returns) / (n - 1)
    down = sum(min(r - rf, 0.0) ** 2 for r in returns) / n
    return (mean - rf) / math.sqrt(var), (mean - rf) / math.sqrt(down)
''', "ratios", lambda: [[0.02, -0.01, 0.03, -0.02, 0.015, 0.005]]),

"sc_fin_nelson_siegel_yield": ('''
import math

def ns_yield(t, b0, b1, b2, tau):
    """Nelson-Siegel zero rate at maturity t."""
    x = t / tau
    f = (1 - math.exp(-x)) / x
    return b0 + b1 * f + b2 * (f - math.exp(-x))
''', "ns_yield", lambda: [5.0, 0.04, -0.02, 0.01, 1.8]),

"sc_fin_cir_zero_coupon_bond": ('''
import math

def cir_bond(r0, kappa, theta, sigma, T):
    """Zero-coupon bond price under the Cox-Ingersoll-Ross short rate."""
    h = math.sqrt(kappa ** 2 + 2 * sigma ** 2)
    e = math.exp(h * T) - 1
    denom = 2 * h + (kappa + h) * e
    A = (2 * h * math.exp((kappa + h) * T / 2) / denom) ** (2 * kappa * theta / sigma ** 2)
    B = 2 * e / denom
    return A * math.exp(-B * r0)
''', "cir_bond", lambda: [0.03, 0.5, 0.04, 0.1, 5.0]),

"sc_fin_kelly_log_growth": ('''
import math

def log_growth(f, p=0.55, b=1.0):
    """Expected log growth of a bankroll betting fraction f at odds b."""
    return p * math.log(1 + b * f) + (1 - p) * math.log(1 - f)
''', "log_growth", lambda: [0.1]),

"sc_fin_perpetuity_gordon_growth": ('''
def gordon(dividend, r, g):
    """Gordon growth model; refuses a growth rate at or above the discount rate."""
    if g >= r:
        raise ValueError("growth must be below the discount rate")
    return dividend * (1 + g) / (r - g)
''', "gordon", lambda: [2.0, 0.08, 0.03]),

"sc_fin_mortgage_balance_while_month": ('''
def balance_after(principal, rate, payment, months=24):
    """Outstanding balance of a loan after some months of fixed payments."""
    balance = principal
    month = 0
    while month < months:
        interest = balance * rate / 12
        balance = balance + interest - payment
        month += 1
    return balance
''', "balance_after", lambda: [20000.0, 0.06, 450.0]),

# statistics: log-likelihoods
"sc_stat_normal_loglik_mu_log_sigma": ('''
import math

LOG_2PI = math.log(2 * math.pi)

def normal_nll(mu, log_sigma, data):
    sigma = math.exp(log_sigma)
    nll = 0.0
    for x in data:
        z = (x - mu) / sigma
        nll += 0.5 * z * z + log_sigma + 0.5 * LOG_2PI
    return nll
''', "normal_nll", lambda: [0.3, -0.2, [0.1, 0.7, -0.4, 1.2, 0.5]], {"wrt": [0, 1]}),

"sc_stat_student_t_logpdf_lgamma": ('''
import math

def t_logpdf(x, nu, mu=0.0, scale=1.0):
    z = (x - mu) / scale
    return (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2)
            - 0.5 * math.log(nu * math.pi) - math.log(scale)
            - (nu + 1) / 2 * math.log1p(z * z / nu))

def total(nu, mu, scale):
    return sum(t_logpdf(x, nu, mu, scale) for x in (0.3, -1.2, 2.5, 0.8))
''', "total", lambda: [4.0, 0.2, 1.1]),

"sc_stat_gamma_logpdf_shape_rate": ('''
import math

def gamma_logpdf(x, alpha, beta):
    """Log density of Gamma(alpha, rate beta)."""
    return alpha * math.log(beta) - math.lgamma(alpha) + (alpha - 1) * math.log(x) - beta * x

def loglik(alpha, beta, xs):
    ll = 0.0
    for x in xs:
        ll += gamma_logpdf(x, alpha, beta)
    return ll
''', "loglik", lambda: [2.5, 1.3, [0.8, 2.1, 1.5, 3.2]], {"wrt": [0, 1]}),

"sc_stat_beta_logpdf_lbeta_helper": ('''
import math

def log_beta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)

def beta_loglik(a, b, xs):
    return sum((a - 1) * math.log(x) + (b - 1) * math.log(1 - x) - log_beta(a, b) for x in xs)
''', "beta_loglik", lambda: [2.0, 3.5, [0.2, 0.35, 0.6, 0.1]], {"wrt": [0, 1]}),

"sc_stat_binomial_loglik_comb": ('''
import math

def binom_loglik(p, successes=7, trials=20):
    return math.log(math.comb(trials, successes)) + successes * math.log(p) + (trials - successes) * math.log1p(-p)
''', "binom_loglik", lambda: [0.3]),

"sc_stat_poisson_regression_loglik": ('''
import math

def poisson_ll(b0, b1, xs, counts):
    ll = 0.0
    for x, k in zip(xs, counts):
        lam = math.exp(b0 + b1 * x)
        ll += k * math.log(lam) - lam - math.lgamma(k + 1)
    return ll
''', "poisson_ll", lambda: [0.2, 0.5, [0.0, 1.0, 2.0, 3.0], [1, 2, 3, 7]], {"wrt": [0, 1]}),

"sc_stat_weibull_loglik": ('''
import math

def weibull_nll(k, lam, data):
    n = len(data)
    s = 0.0
    for x in data:
        s += (k - 1) * math.log(x / lam) - (x / lam) ** k
    return -(n * math.log(k / lam) + s)
''', "weibull_nll", lambda: [1.8, 2.0, [1.2, 2.5, 0.7, 3.1, 1.9]], {"wrt": [0, 1]}),

"sc_stat_lognormal_logpdf": ('''
import math

def lognormal_logpdf(x, mu, sigma):
    return -math.log(x * sigma * math.sqrt(2 * math.pi)) - (math.log(x) - mu) ** 2 / (2 * sigma ** 2)
''', "lognormal_logpdf", lambda: [1.7, 0.3, 0.6]),

"sc_stat_laplace_abs_loglik": ('''
import math

def laplace_nll(mu, b, data):
    return sum(math.log(2 * b) + abs(x - mu) / b for x in data)
''', "laplace_nll", lambda: [0.4, 0.9, [0.1, 1.3, -0.6, 0.8]], {"wrt": [0, 1]}),

"sc_stat_cauchy_loglik": ('''
import math

def cauchy_ll(x0, gamma, xs):
    ll = 0
    for x in xs:
        ll -= math.log(math.pi * gamma * (1 + ((x - x0) / gamma) ** 2))
    return ll
''', "cauchy_ll", lambda: [0.1, 0.8, [0.5, -1.0, 2.2, 0.0]], {"wrt": [0, 1]}),

"sc_stat_von_mises_bessel_series": ('''
import math

def bessel_i0(k, terms=20):
    """Modified Bessel function I0 by its power series."""
    total = 0.0
    for m in range(terms):
        total += (k / 2) ** (2 * m) / math.factorial(m) ** 2
    return total

def vm_logpdf(theta, mu, kappa):
    return kappa * math.cos(theta - mu) - math.log(2 * math.pi * bessel_i0(kappa))
''', "vm_logpdf", lambda: [0.9, 0.4, 2.0]),

"sc_stat_exponential_mle_censored": ('''
import math

def censored_ll(log_rate, observed, censored):
    rate = math.exp(log_rate)
    ll = len(observed) * log_rate - rate * sum(observed)
    ll -= rate * sum(censored)
    return ll
''', "censored_ll", lambda: [-0.5, [1.2, 0.8, 2.5], [3.0, 3.0]], {"wrt": [0]}),

"sc_stat_mixture_two_gaussians_logsumexp": ('''
import math

def log_norm(x, mu, s):
    return -0.5 * ((x - mu) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)

def mixture_ll(w_logit, mu1, mu2, data, s1=1.0, s2=0.5):
    w = 1 / (1 + math.exp(-w_logit))
    total = 0.0
    for x in data:
        a = math.log(w) + log_norm(x, mu1, s1)
        b = math.log(1 - w) + log_norm(x, mu2, s2)
        m = max(a, b)
        total += m + math.log(math.exp(a - m) + math.exp(b - m))
    return total
''', "mixture_ll", lambda: [0.3, -1.0, 1.5, [-1.2, 0.3, 1.7, 1.4, -0.6]], {"wrt": [0, 1, 2]}),

"sc_stat_kl_two_normals": ('''
import math

def kl_normal(mu1, s1, mu2, s2):
    """KL(N(mu1, s1^2) || N(mu2, s2^2))."""
    return math.log(s2 / s1) + (s1 ** 2 + (mu1 - mu2) ** 2) / (2 * s2 ** 2) - 0.5
''', "kl_normal", lambda: [0.2, 0.8, -0.1, 1.3]),

"sc_stat_pearson_correlation_lists": ('''
import math

def pearson(xs, ys):
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)
''', "pearson", lambda: [[1.0, 2.1, 2.9, 4.2, 5.1], [2.0, 3.9, 6.2, 7.8, 10.5]]),

"sc_stat_ols_slope_intercept_loss": ('''
def fit_loss(xs, ys):
    """Residual sum of squares of the least-squares line through the points."""
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    num = 0.0
    den = 0.0
    for x, y in zip(xs, ys):
        num += (x - mx) * (y - my)
        den += (x - mx) ** 2
    slope = num / den
    intercept = my - slope * mx
    return sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys))
''', "fit_loss", lambda: [[0.0, 1.0, 2.0, 3.0, 4.0], [1.1, 2.9, 5.2, 6.8, 9.3]]),
# logistic, softplus and friends written with math
"sc_ml_stable_sigmoid_branch": ('''
import math

def sigmoid(z):
    """Numerically stable logistic function."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)

def log_loss(w, b, x, y):
    p = sigmoid(w * x + b)
    return -(y * math.log(p) + (1 - y) * math.log(1 - p))
''', "log_loss", lambda: [0.7, -0.3, -2.0, 1.0], {"wrt": [0, 1]}),

"sc_ml_softplus_threshold": ('''
import math

def softplus(x, beta=1.0, threshold=20.0):
    """Softplus that returns x itself once beta * x is large."""
    if beta * x > threshold:
        return x
    return math.log1p(math.exp(beta * x)) / beta
''', "softplus", lambda: [0.8]),

"sc_ml_logistic_regression_sgd_epochs": ('''
import math

def train(w, b, xs, ys, lr=0.1, epochs=3):
    """A few epochs of SGD on the logistic loss; the final loss on the data."""
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-(w * x + b)))
            w -= lr * (p - y) * x
            b -= lr * (p - y)
    loss = 0.0
    for x, y in zip(xs, ys):
        p = 1 / (1 + math.exp(-(w * x + b)))
        loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return loss
''', "train", lambda: [0.1, 0.0, [0.5, -1.2, 2.0, 0.3], [1, 0, 1, 0]], {"wrt": [0, 1]}),

"sc_ml_swish_mish_elu": ('''
import math

def activations(x, alpha=1.0):
    swish = x / (1 + math.exp(-x))
    mish = x * math.tanh(math.log1p(math.exp(x)))
    elu = x if x > 0 else alpha * (math.exp(x) - 1)
    return swish + mish + elu
''', "activations", lambda: [-0.4]),

"sc_ml_softmax_cross_entropy_list": ('''
import math

def cross_entropy(logits, target=1):
    m = max(logits)
    exps = [math.exp(z - m) for z in logits]
    total = sum(exps)
    return -math.log(exps[target] / total)
''', "cross_entropy", lambda: [[1.2, 0.3, -0.8, 2.1]]),

"sc_ml_logit_probit_link": ('''
import math

def probit_nll(a, b, xs, ys):
    nll = 0.0
    for x, y in zip(xs, ys):
        p = 0.5 * math.erfc(-(a + b * x) / math.sqrt(2))
        nll -= math.log(p) if y else math.log(1 - p)
    return nll
''', "probit_nll", lambda: [0.1, 0.8, [0.4, -0.9, 1.5, -0.2], [True, False, True, False]], {"wrt": [0, 1]}),

"sc_ml_smooth_l1_huber_delta_keyword": ('''
def smooth_l1(pred, target, beta=1.0):
    diff = abs(pred - target)
    if diff < beta:
        return 0.5 * diff ** 2 / beta
    else:
        return diff - 0.5 * beta

def box_loss(x1, y1, x2, y2):
    return smooth_l1(x1, 0.5, beta=0.5) + smooth_l1(y1, -0.2) + smooth_l1(x2, 3.0, beta=2.0) + smooth_l1(y2, 1.0)
''', "box_loss", lambda: [0.8, 1.7, 2.1, 1.2]),

"sc_ml_adam_steps_on_quadratic": ('''
import math

def adam_final(x, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, steps=10):
    """Position after some Adam steps on f(x) = (x - 3)^2, as a function of the start."""
    m = 0.0
    v = 0.0
    for t in range(1, steps + 1):
        g = 2 * (x - 3)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        x = x - lr * m_hat / (math.sqrt(v_hat) + eps)
    return x
''', "adam_final", lambda: [0.5]),

"sc_ml_focal_loss_gamma": ('''
import math

def focal(logit, y, gamma=2.0, alpha=0.25):
    p = 1 / (1 + math.exp(-logit))
    pt = p if y == 1 else 1 - p
    at = alpha if y == 1 else 1 - alpha
    return -at * (1 - pt) ** gamma * math.log(pt)
''', "focal", lambda: [0.4, 1], {"wrt": [0]}),

# numerical recipes
"sc_num_horner_reversed_coeffs": ('''
def horner(coeffs, x):
    """Evaluate a polynomial with coefficients from the highest power down."""
    result = 0.0
    for c in coeffs:
        result = result * x + c
    return result

def p_at(x, a, b):
    return horner([1.0, a, -2.0, b], x)
''', "p_at", lambda: [1.3, 0.5, 0.7]),

"sc_num_horner_with_derivative": ('''
def poly_and_slope(x, coeffs):
    """Value and derivative of a polynomial by Horner's scheme, both at once."""
    p = coeffs[0]
    dp = 0.0
    for c in coeffs[1:]:
        dp = dp * x + p
        p = p * x + c
    return p + dp
''', "poly_and_slope", lambda: [0.7, [2.0, -1.0, 0.5, 3.0]]),

"sc_num_newton_cube_root_fixed": ('''
def cbrt(a, x0=1.0, n=25):
    x = x0
    for i in range(n):
        x = x - (x ** 3 - a) / (3 * x ** 2)
    return x
''', "cbrt", lambda: [10.0]),

"sc_num_babylonian_sqrt_while_counter": ('''
def heron_sqrt(s):
    x = s / 2
    i = 0
    while i < 12:
        x = 0.5 * (x + s / x)
        i = i + 1
    return x
''', "heron_sqrt", lambda: [7.0]),

"sc_num_exp_taylor_series_loop": ('''
def exp_series(x, terms=25):
    """e**x by summing its Taylor series term by term."""
    term = 1.0
    total = 1.0
    for n in range(1, terms):
        term *= x / n
        total += term
    return total
''', "exp_series", lambda: [1.3]),

"sc_num_sin_series_alternating": ('''
def sin_series(x, terms=12):
    s = 0.0
    term = x
    for k in range(terms):
        s += term
        term *= -x * x / ((2 * k + 2) * (2 * k + 3))
    return s
''', "sin_series", lambda: [0.9]),

"sc_num_atan_series_machin": ('''
def arctan_small(x, n=30):
    total = 0
    for k in range(n):
        total += (-1) ** k * x ** (2 * k + 1) / (2 * k + 1)
    return total

def machin(a, b):
    return 4 * (4 * arctan_small(a) - arctan_small(b))
''', "machin", lambda: [0.2, 1 / 239]),

"sc_num_simpson_rule_function_of_params": ('''
import math

def simpson(f, a, b, n=20):
    h = (b - a) / n
    s = f(a) + f(b)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(a + i * h)
    return s * h / 3

def gaussian_mass(mu, sigma):
    return simpson(lambda x: math.exp(-0.5 * ((x - mu) / sigma) ** 2), 0.0, 2.0)
''', "gaussian_mass", lambda: [0.5, 0.7]),

"sc_num_simpson_inline_loop_bounds": ('''
import math

def integral(k, upper, n=40):
    """Simpson's rule for the integral of exp(-k x) sin(x) from 0 to upper."""
    h = upper / n
    total = math.exp(-k * 0) * math.sin(0) + math.exp(-k * upper) * math.sin(upper)
    for i in range(1, n):
        x = i * h
        weight = 4 if i % 2 == 1 else 2
        total += weight * math.exp(-k * x) * math.sin(x)
    return h / 3 * total
''', "integral", lambda: [0.4, 3.0]),

"sc_num_trapezoid_arc_length": ('''
import math

def arc_length(a, b, n=50):
    """Length of the curve y = a x^2 + b sin(x) on [0, 1] by the trapezoid rule."""
    h = 1.0 / n
    total = 0.0
    for i in range(n + 1):
        x = i * h
        slope = 2 * a * x + b * math.cos(x)
        w = 0.5 if i == 0 or i == n else 1.0
        total += w * math.sqrt(1 + slope * slope)
    return total * h
''', "arc_length", lambda: [0.8, 0.3]),

"sc_num_gauss_legendre_three_point": ('''
import math

NODES = (-0.7745966692414834, 0.0, 0.7745966692414834)
WEIGHTS = (0.5555555555555556, 0.8888888888888888, 0.5555555555555556)

def gl3(a, b, c):
    """Three-point Gauss-Legendre rule for the integral of exp(c x) on [a, b]."""
    half = (b - a) / 2
    mid = (a + b) / 2
    return half * sum(w * math.exp(c * (mid + half * t)) for t, w in zip(NODES, WEIGHTS))
''', "gl3", lambda: [0.2, 1.4, 0.9]),

"sc_num_continued_fraction_tan": ('''
def tan_cf(x, depth=10):
    """tan(x) by Lambert's continued fraction, evaluated from the bottom up."""
    x2 = x * x
    f = 2 * depth + 1
    for k in range(depth, 0, -1):
        f = (2 * k - 1) - x2 / f
    return x / f
''', "tan_cf", lambda: [0.6]),

"sc_num_fixed_point_cos_iteration": ('''
import math

def dottie(a, iters=60):
    """Fixed point of x = cos(a x), iterated from 1."""
    x = 1.0
    for _ in range(iters):
        x = math.cos(a * x)
    return x
''', "dottie", lambda: [0.8]),

"sc_num_secant_method_root": ('''
def secant_root(c, x0=1.0, x1=2.0, steps=5):
    """Root of x^3 - 2x - c by the secant method."""
    f0 = x0 ** 3 - 2 * x0 - c
    for _ in range(steps):
        f1 = x1 ** 3 - 2 * x1 - c
        x0, x1 = x1, x1 - f1 * (x1 - x0) / (f1 - f0)
        f0 = f1
    return x1
''', "secant_root", lambda: [5.0]),

"sc_num_richardson_derivative": ('''
import math

def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)

def richardson(a, x, h=0.1):
    """Richardson extrapolation of the central difference of sin(a x)."""
    f = lambda t: math.sin(a * t)
    return (4 * central(f, x, h / 2) - central(f, x, h)) / 3
''', "richardson", lambda: [1.5, 0.4]),

"sc_num_euler_maclaurin_zeta_partial": ('''
def zeta_partial(s, n=30):
    """Partial sum of the zeta series with an integral tail correction."""
    total = 0.0
    for k in range(1, n + 1):
        total += k ** (-s)
    return total + n ** (1 - s) / (s - 1) - 0.5 * n ** (-s)
''', "zeta_partial", lambda: [2.5]),

"sc_num_rk4_logistic_function_argument": ('''
def rk4(f, y, t0, t1, steps):
    h = (t1 - t0) / steps
    t = t0
    for _ in range(steps):
        k1 = f(t, y)
        k2 = f(t + h / 2, y + h / 2 * k1)
        k3 = f(t + h / 2, y + h / 2 * k2)
        k4 = f(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
    return y

def population(r, K, y0):
    return rk4(lambda t, y: r * y * (1 - y / K), y0, 0.0, 5.0, 20)
''', "population", lambda: [0.8, 10.0, 0.5]),

"sc_num_halley_lambert_w": ('''
import math

def lambert_w(x, iters=10):
    """Principal branch of Lambert W by Halley's iteration."""
    w = math.log1p(x)
    for _ in range(iters):
        ew = math.exp(w)
        f = w * ew - x
        w = w - f / (ew * (w + 1) - (w + 2) * f / (2 * w + 2))
    return w
''', "lambert_w", lambda: [2.0]),

"sc_num_chebyshev_clenshaw": ('''
def clenshaw(coeffs, x):
    """Sum of c_k T_k(x) by Clenshaw's recurrence."""
    b1 = 0.0
    b2 = 0.0
    for c in reversed(coeffs[1:]):
        b1, b2 = 2 * x * b1 - b2 + c, b1
    return x * b1 - b2 + coeffs[0]
''', "clenshaw", lambda: [[0.5, -0.3, 0.2, 0.1], 0.4]),

"sc_num_gamma_stirling_series": ('''
import math

def log_gamma_stirling(x):
    """Stirling series for log Gamma(x), shifting x up past 7 first."""
    shift = 0.0
    while x < 7:
        shift -= math.log(x)
        x += 1
    return shift + (x - 0.5) * math.log(x) - x + 0.5 * math.log(2 * math.pi) + 1 / (12 * x) - 1 / (360 * x ** 3)
''', "log_gamma_stirling", lambda: [3.3]),

# games, sports and everyday formulas
"sc_misc_bmi_and_bsa": ('''
import math

def body(weight_kg, height_cm):
    """Body-mass index and Mosteller body surface area."""
    h = height_cm / 100
    bmi = weight_kg / h ** 2
    bsa = math.sqrt(height_cm * weight_kg / 3600)
    return bmi, bsa
''', "body", lambda: [72.0, 178.0]),

"sc_misc_elo_expected_score_update": ('''
def elo_update(r_a, r_b, score, k=32):
    expected = 1 / (1 + 10 ** ((r_b - r_a) / 400))
    return r_a + k * (score - expected)
''', "elo_update", lambda: [1600.0, 1700.0, 1.0], {"wrt": [0, 1]}),

"sc_misc_lerp_smoothstep_clamp": ('''
def clamp(x, lo=0.0, hi=1.0):
    return max(lo, min(hi, x))

def smooth_mix(a, b, t):
    t = clamp(t)
    s = t * t * (3 - 2 * t)
    return a + (b - a) * s
''', "smooth_mix", lambda: [2.0, 5.0, 0.35]),

"sc_misc_color_srgb_to_linear_luminance": ('''
def to_linear(c):
    if c <= 0.04045:
        return c / 12.92
    return ((c + 0.055) / 1.055) ** 2.4

def luminance(r, g, b):
    return 0.2126 * to_linear(r) + 0.7152 * to_linear(g) + 0.0722 * to_linear(b)
''', "luminance", lambda: [0.8, 0.03, 0.5]),

"sc_misc_decibels_and_snr": ('''
import math

def snr_db(signal, noise):
    return 10 * math.log10(signal ** 2 / noise ** 2)

def combined(s1, s2, noise):
    return snr_db(math.sqrt(s1 ** 2 + s2 ** 2), noise)
''', "combined", lambda: [1.2, 0.7, 0.05]),

"sc_misc_sound_speed_temperature": ('''
import math

def speed_of_sound(T_celsius, gamma=1.4, R=287.05):
    return math.sqrt(gamma * R * (T_celsius + 273.15))

def echo_distance(T_celsius, delay):
    return speed_of_sound(T_celsius) * delay / 2
''', "echo_distance", lambda: [20.0, 0.05]),

"sc_misc_radioactive_half_life_activity": ('''
import math

LN2 = math.log(2)

def activity(N0, half_life, t):
    lam = LN2 / half_life
    return lam * N0 * math.exp(-lam * t)
''', "activity", lambda: [1e6, 5730.0, 1000.0]),

"sc_misc_drug_one_compartment_doses": ('''
import math

def concentration(dose, V, k, tau=8.0, n_doses=4, t_after=2.0):
    """Concentration after repeated IV doses every tau hours (superposition)."""
    c = 0.0
    for i in range(n_doses):
        t = (n_doses - 1 - i) * tau + t_after
        c += dose / V * math.exp(-k * t)
    return c
''', "concentration", lambda: [500.0, 40.0, 0.1]),

"sc_misc_michaelis_menten_sse": ('''
def mm_sse(vmax, km, s_values, v_values):
    err = 0.0
    for s, v in zip(s_values, v_values):
        pred = vmax * s / (km + s)
        err += (pred - v) ** 2
    return err
''', "mm_sse", lambda: [1.8, 0.6, [0.1, 0.5, 1.0, 2.0, 5.0], [0.25, 0.8, 1.1, 1.4, 1.6]], {"wrt": [0, 1]}),

"sc_misc_arrhenius_rate_ratio": ('''
import math

def rate_ratio(Ea, T1, T2, R=8.314):
    return math.exp(-Ea / R * (1 / T2 - 1 / T1))
''', "rate_ratio", lambda: [50000.0, 300.0, 310.0]),

"sc_misc_nernst_goldman": ('''
import math

def goldman(pK, pNa, pCl, K_out=5.0, K_in=140.0, Na_out=145.0, Na_in=12.0, Cl_out=110.0, Cl_in=10.0, T=310.0):
    """Resting membrane potential (mV) by the Goldman-Hodgkin-Katz equation."""
    RT_F = 8.314 * T / 96485.0 * 1000
    num = pK * K_out + pNa * Na_out + pCl * Cl_in
    den = pK * K_in + pNa * Na_in + pCl * Cl_out
    return RT_F * math.log(num / den)
''', "goldman", lambda: [1.0, 0.05, 0.45]),

# plain Python with math: control flow and library idioms of everyday scripts
"sc_idiom_early_return_in_loop_threshold": ('''
import math

def first_passage(x0, v, k=0.3, dt=0.05, limit=2.0):
    """Position when the speed first drops below a limit, or after 100 steps."""
    x = x0
    for step in range(100):
        v = v * math.exp(-k * dt)
        x += v * dt
        if v < limit:
            return x
    return x
''', "first_passage", lambda: [0.0, 5.0]),

"sc_idiom_enumerate_start_zip_unpack": ('''
def weighted_error(preds, targets, decay=0.9):
    total = 0.0
    for i, (p, t) in enumerate(zip(preds, targets), start=1):
        total += decay ** i * (p - t) ** 2
    return total
''', "weighted_error", lambda: [[1.0, 2.2, 2.9], [1.1, 2.0, 3.3]], {"wrt": [0, 1]}),

"sc_idiom_print_and_assert_in_body": ('''
import math

def damped(A, gamma, t, verbose=False):
    assert gamma > 0, "damping must be positive"
    value = A * math.exp(-gamma * t) * math.cos(2 * math.pi * t)
    if verbose:
        print(f"value at t={t:.2f}: {value:.4f}")
    return value
''', "damped", lambda: [1.5, 0.3, 0.7]),

"sc_idiom_helper_returns_tuple_unpacked_keyword_call": ('''
import math

def polar(x, y):
    return math.hypot(x, y), math.atan2(y, x)

def spiral_energy(x, y, k=2.0, c=0.5):
    r, phi = polar(x=x, y=y)
    return 0.5 * k * (r - c * phi) ** 2
''', "spiral_energy", lambda: [0.8, 0.6]),

"sc_idiom_while_break_counter_tolerance": ('''
def sqrt_newton(a, tol=1e-12):
    x = a
    n = 0
    while True:
        nxt = 0.5 * (x + a / x)
        n += 1
        if abs(nxt - x) < tol or n >= 50:
            break
        x = nxt
    return nxt
''', "sqrt_newton", lambda: [3.0]),

"sc_idiom_floor_and_fmod_phase": ('''
import math

def sawtooth(t, period, amp):
    """A sawtooth wave: the fractional part of t / period, scaled."""
    phase = t / period - math.floor(t / period)
    return amp * (2 * phase - 1)
''', "sawtooth", lambda: [2.3, 0.7, 1.5]),

"sc_idiom_sum_filtered_comprehension": ('''
def positive_energy(xs, w):
    return sum([w * x * x for x in xs if x > 0])
''', "positive_energy", lambda: [[0.5, -1.0, 2.0, -0.3, 1.1], 0.7]),

"sc_idiom_min_max_builtins_clip_pair": ('''
def clipped_ratio(ratio, advantage, eps=0.2):
    """PPO's clipped surrogate for one sample."""
    clipped = max(min(ratio, 1 + eps), 1 - eps)
    return min(ratio * advantage, clipped * advantage)
''', "clipped_ratio", lambda: [1.1, 0.8]),

"sc_idiom_module_list_of_tuples_loop_unpack": ('''
import math

SPRINGS = [(0, 1, 10.0), (1, 2, 20.0), (0, 2, 5.0)]

def energy(x0, x1, x2, rest=1.0):
    xs = [x0, x1, x2]
    e = 0.0
    for i, j, k in SPRINGS:
        e += 0.5 * k * (abs(xs[j] - xs[i]) - rest) ** 2
    return e
''', "energy", lambda: [0.0, 1.2, 2.1]),

"sc_idiom_divmod_int_index_interp": ('''
TABLE = [1.0, 1.5, 2.5, 4.0, 6.0]

def lookup(x, scale):
    """Linear interpolation in a table at x * scale (clamped)."""
    u = max(0.0, min(x * scale, len(TABLE) - 1.001))
    i = int(u)
    frac = u - i
    return TABLE[i] * (1 - frac) + TABLE[i + 1] * frac
''', "lookup", lambda: [1.3, 1.7]),

"sc_idiom_ternary_chain_piecewise_tax": ('''
def marginal(income):
    rate = 0.1 if income < 10 else 0.2 if income < 40 else 0.35
    return income * rate
''', "marginal", lambda: [25.0]),

"sc_idiom_nested_helper_default_and_math_pow": ('''
import math

def drag(v, rho=1.225, cd=0.47, area=0.01):
    return 0.5 * rho * cd * area * math.pow(v, 2)

def net_force(m, v, g=9.81):
    return m * g - drag(v) - drag(v, cd=0.1, area=0.002)
''', "net_force", lambda: [0.2, 12.0]),

"sc_idiom_running_product_cumulative_survival": ('''
import math

def survival(hazards, dt=1.0):
    s = 1.0
    curve = []
    for h in hazards:
        s *= math.exp(-h * dt)
        curve.append(s)
    return sum(curve) * dt
''', "survival", lambda: [[0.1, 0.2, 0.15, 0.3]]),

"sc_idiom_global_constant_aug_assigned": ('''
import math

R_EARTH = 6371.0
R_EARTH *= 1000.0
MU = 3.986004418e14

def period_minutes(altitude_km):
    a = R_EARTH + altitude_km * 1e3
    return 2 * math.pi * math.sqrt(a ** 3 / MU) / 60
''', "period_minutes", lambda: [420.0]),

"sc_idiom_isclose_branch_and_copysign": ('''
import math

def safe_sinc(x):
    if math.isclose(x, 0.0, abs_tol=1e-9):
        return 1.0
    return math.sin(x) / x

def signed_sinc(x, s):
    return math.copysign(safe_sinc(x), s) * s * s
''', "signed_sinc", lambda: [0.9, -1.3]),

"sc_idiom_list_append_then_index_stencil": ('''
def laplacian_energy(u0, u1, u2, u3, h=0.1):
    u = []
    for value in (u0, u1, u2, u3):
        u.append(value)
    e = 0.0
    for i in range(1, len(u) - 1):
        lap = (u[i - 1] - 2 * u[i] + u[i + 1]) / h ** 2
        e += lap * lap
    return e
''', "laplacian_energy", lambda: [0.1, 0.4, 0.2, 0.7]),

"sc_idiom_generator_max_abs_residual": ('''
def worst_residual(a, b, xs, ys):
    return max(abs(a * x + b - y) for x, y in zip(xs, ys))
''', "worst_residual", lambda: [1.2, 0.3, [0.0, 1.0, 2.0], [0.2, 1.7, 2.4]], {"wrt": [0, 1]}),

"sc_idiom_docstring_doctest_and_type_hints": ('''
import math

def logistic(x: float, k: float = 1.0, x0: float = 0.0) -> float:
    """Logistic curve.

    >>> round(logistic(0.0), 3)
    0.5
    """
    return 1.0 / (1.0 + math.exp(-k * (x - x0)))

def fit_error(k: float, x0: float) -> float:
    data = [(-1.0, 0.2), (0.0, 0.45), (1.5, 0.9)]
    return sum((logistic(x, k, x0) - y) ** 2 for x, y in data)
''', "fit_error", lambda: [1.3, 0.1]),

# ----------------------------------------------------------------------------- a further batch: CS231n layers and losses
"rh_cs_affine_norm_relu_layernorm_option": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    return out, (xhat, gamma, var, eps)

def relu_forward(x):
    out = np.maximum(0, x)
    return out, x

def affine_norm_relu_forward(x, w, b, gamma, beta, ln_param):
    """
    - x: input of shape (N, D)
    - w: weights of shape (D, H)
    - b: biases of shape (H,)
    - gamma, beta: scale and shift of shape (H,)
    """
    a, fc_cache = affine_forward(x, w, b)
    n, norm_cache = layernorm_forward(a, gamma, beta, ln_param)
    out, relu_cache = relu_forward(n)
    cache = (fc_cache, norm_cache, relu_cache)
    return out, cache
''', "affine_norm_relu_forward", lambda: [_normal(1, 4, 3), _normal(2, 3, 5), _normal(3, 5), _uniform(4, 5), _normal(5, 5), {}]),

"rh_cs_sigmoid_forward_cache_out": ('''
import numpy as np

def sigmoid_forward(x):
    """
    Computes the forward pass for a layer of sigmoid units.

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: out
    """
    out = None
    out = 1.0 / (1.0 + np.exp(-x))
    cache = out
    return out, cache
''', "sigmoid_forward", lambda: [_normal(6, 3, 4)]),

"rh_cs_tanh_forward_cache_out": ('''
import numpy as np

def tanh_forward(x):
    out = np.tanh(x)
    cache = out
    return out, cache
''', "tanh_forward", lambda: [_normal(7, 2, 5)]),

"rh_cs_softmax_loss_vectorized_reg_dW": ('''
import numpy as np

def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = -np.log(probs[range(num_train), y]).sum()
    loss /= num_train
    loss += reg * np.sum(W * W)
    dscores = probs
    dscores[range(num_train), y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * reg * W
    return loss, dW
''', "softmax_loss_vectorized", lambda: [_normal(8, 4, 3) * 0.1, _normal(9, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1], {"wrt": [0]}),

"rh_cs_svm_loss_naive_dW_loops": ('''
import numpy as np

def svm_loss_naive(W, X, y, reg):
    """
    Structured SVM loss function, naive implementation (with loops).

    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength
    """
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
''', "svm_loss_naive", lambda: [_normal(10, 4, 3) * 0.1, _normal(11, 5, 4), np.array([0, 2, 1, 1, 0]), 0.05], {"wrt": [0]}),

"rh_cs_temporal_affine_reshape_forward": ('''
import numpy as np

def temporal_affine_forward(x, w, b):
    """
    Inputs:
    - x: Input data of shape (N, T, D)
    - w: Weights of shape (D, M)
    - b: Biases of shape (M,)

    Returns a tuple of:
    - out: Output data of shape (N, T, M)
    - cache: Values needed for the backward pass
    """
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache
''', "temporal_affine_forward", lambda: [_normal(12, 2, 3, 4), _normal(13, 4, 5), _normal(14, 5)]),

"rh_cs_rnn_forward_h_list_stack": ('''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    N, T, D = x.shape
    hs = []
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :] @ Wx + prev_h @ Wh + b)
        hs.append(prev_h)
    h = np.stack(hs, axis=1)
    cache = (x, h0, Wx, Wh, b, h)
    return h, cache
''', "rnn_forward", lambda: [_normal(15, 2, 3, 4), _normal(16, 2, 5), _normal(17, 4, 5) * .5, _normal(18, 5, 5) * .5, _normal(19, 5)]),

"rh_cs_lstm_forward_loop_cells": ('''
import numpy as np

def sigmoid(x):
    pos = x >= 0
    neg = ~pos
    z = np.zeros_like(x)
    z[pos] = np.exp(-x[pos])
    z[neg] = np.exp(x[neg])
    top = np.ones_like(x)
    top[neg] = z[neg]
    return top / (1 + z)

def lstm_forward(x, h0, Wx, Wh, b):
    """
    - x: Input data of shape (N, T, D)
    - h0: Initial hidden state of shape (N, H)
    - Wx: Weights for input-to-hidden connections, of shape (D, 4H)
    - Wh: Weights for hidden-to-hidden connections, of shape (H, 4H)
    - b: Biases of shape (4H,)
    """
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    prev_c = np.zeros_like(h0)
    for t in range(T):
        a = x[:, t].dot(Wx) + prev_h.dot(Wh) + b
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H:2 * H])
        o = sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        prev_c = f * prev_c + i * g
        prev_h = o * np.tanh(prev_c)
        h[:, t] = prev_h
    cache = (x, h0, Wx, Wh, b)
    return h, cache
''', "lstm_forward", lambda: [_normal(20, 2, 3, 3), _normal(21, 2, 2), _normal(22, 3, 8) * .5, _normal(23, 2, 8) * .5, _normal(24, 8)]),

"rh_cs_word_embedding_one_hot_matmul": ('''
import numpy as np

def word_embedding_forward(x, W):
    """
    - x: Integer array of shape (N, T) giving indices of words.
    - W: Weight matrix of shape (V, D) giving word vectors for all words.
    """
    V, D = W.shape
    one_hot = np.eye(V)[x]
    out = one_hot @ W
    cache = (x, W)
    return out, cache
''', "word_embedding_forward", lambda: [np.array([[0, 3, 2], [1, 1, 4]]), _normal(25, 5, 3)]),

"rh_cs_temporal_softmax_loss_flat_mask": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask):
    """
    - x: Input scores, of shape (N, T, V)
    - y: Ground-truth indices, of shape (N, T) where each element is in the range 0 <= y[i, t] < V
    - mask: Boolean array of shape (N, T) where mask[i, t] tells whether or not
      the scores at x[i, t] should contribute to the loss.
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    return loss
''', "temporal_softmax_loss", lambda: [_normal(26, 2, 3, 4), np.array([[0, 3, 1], [2, 2, 0]]), np.array([[True, True, False], [True, False, False]])]),

"rh_cs_conv_forward_fast_im2col_einsum": ('''
import numpy as np

def conv_forward(x, w, b, conv_param):
    """
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with 'stride' and 'pad'
    """
    stride = conv_param.get('stride', 1)
    pad = conv_param.get('pad', 0)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho = (H + 2 * pad - HH) // stride + 1
    Wo = (W + 2 * pad - WW) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.einsum('nchw,fchw->nf', patch, w) + b
    cache = (x, w, b, conv_param)
    return out, cache
''', "conv_forward", lambda: [_normal(27, 2, 2, 4, 4), _normal(28, 3, 2, 3, 3), _normal(29, 3), {"stride": 1, "pad": 1}]),

"rh_cs_avg_pool_reshape_mean": ('''
import numpy as np

def avg_pool_forward(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    - pool_param: 'size' of the square pooling window (stride = size)
    """
    N, C, H, W = x.shape
    s = pool_param['size']
    out = x.reshape(N, C, H // s, s, W // s, s).mean(axis=(3, 5))
    cache = (x, pool_param)
    return out, cache
''', "avg_pool_forward", lambda: [_normal(30, 2, 3, 4, 4), {"size": 2}]),

"rh_cs_spatial_groupnorm_keepdims": ('''
import numpy as np

def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer number of groups to split into, should be a divisor of C
    - gn_param: Dictionary with the following keys:
      - eps: Constant for numeric stability
    """
    eps = gn_param.get('eps', 1e-5)
    N, C, H, W = x.shape
    xg = x.reshape(N, G, C // G, H, W)
    mean = xg.mean(axis=(2, 3, 4), keepdims=True)
    var = xg.var(axis=(2, 3, 4), keepdims=True)
    xhat = ((xg - mean) / np.sqrt(var + eps)).reshape(N, C, H, W)
    out = gamma * xhat + beta
    cache = (xhat, gamma, mean, var, eps, G)
    return out, cache
''', "spatial_groupnorm_forward", lambda: [_normal(31, 2, 4, 2, 3), _uniform(32, 1, 4, 1, 1), _normal(33, 1, 4, 1, 1), 2, {}]),

"rh_cs_batchnorm_alt_cache_dict_train": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with keys mode, eps, momentum
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    out, cache = None, None
    if mode == 'train':
        mu = x.mean(axis=0)
        xmu = x - mu
        sq = xmu ** 2
        var = sq.mean(axis=0)
        sqrtvar = np.sqrt(var + eps)
        ivar = 1. / sqrtvar
        xhat = xmu * ivar
        gammax = gamma * xhat
        out = gammax + beta
        cache = {'xhat': xhat, 'gamma': gamma, 'xmu': xmu, 'ivar': ivar, 'sqrtvar': sqrtvar, 'var': var, 'eps': eps}
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache
''', "batchnorm_forward", lambda: [_normal(34, 5, 3), _uniform(35, 3), _normal(36, 3), {"mode": "train"}]),

"rh_cs_two_layer_net_loss_grads_dict": ('''
import numpy as np

def two_layer_loss(params, X, y, reg=0.0):
    """
    - params: dict with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - X: Input data of shape (N, D)
    - y: labels (N,)
    """
    W1, b1 = params['W1'], params['b1']
    W2, b2 = params['W2'], params['b2']
    N, D = X.shape
    h1 = np.maximum(0, X.dot(W1) + b1)
    scores = h1.dot(W2) + b2
    scores = scores - np.max(scores, axis=1, keepdims=True)
    exp = np.exp(scores)
    probs = exp / np.sum(exp, axis=1, keepdims=True)
    data_loss = np.sum(-np.log(probs[np.arange(N), y])) / N
    reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    loss = data_loss + reg_loss
    return loss
''', "two_layer_loss", lambda: [{"W1": _normal(37, 4, 5) * .5, "b1": _normal(38, 5), "W2": _normal(39, 5, 3) * .5, "b2": _normal(40, 3)},
                             _normal(41, 6, 4), np.array([0, 1, 2, 2, 1, 0]), 0.1],
    {"shapes": {"params": {"W1": "D, H", "b1": "H", "W2": "H, C", "b2": "C"}, "X": "N, D", "y": "int N", "reg": "float"}}),

"rh_cs_fc_net_loop_layers_list_caches": ('''
import numpy as np

def affine_relu_forward(x, w, b):
    a = x @ w + b
    out = np.maximum(a, 0)
    return out, (x, w, a)

def fc_scores(X, W1, b1, W2, b2, W3, b3):
    """
    - X: (N, D)
    - W1: (D, H), b1: (H,)
    - W2: (H, H), b2: (H,)
    - W3: (H, C), b3: (C,)
    """
    layers = [(W1, b1), (W2, b2)]
    caches = []
    h = X
    for W, b in layers:
        h, c = affine_relu_forward(h, W, b)
        caches.append(c)
    scores = h @ W3 + b3
    return np.sum(scores ** 2) / X.shape[0]
''', "fc_scores", lambda: [_normal(42, 3, 4), _normal(43, 4, 5), _normal(44, 5), _normal(45, 5, 5), _normal(46, 5), _normal(47, 5, 2), _normal(48, 2)]),

"rh_cs_dropout_train_given_mask_scaled": ('''
import numpy as np

def dropout_forward(x, dropout_param, mask):
    """
    - x: Input data of shape (N, D)
    - dropout_param: dict with 'p' and 'mode'
    - mask: uniform noise of shape (N, D) (drawn by the caller)
    """
    p, mode = dropout_param['p'], dropout_param['mode']
    if mode == 'train':
        keep = (mask < p) / p
        out = x * keep
    else:
        out = x
    cache = (dropout_param, mask)
    return out, cache
''', "dropout_forward", lambda: [_normal(49, 3, 4), {"p": 0.5, "mode": "train"}, _rng(50).random((3, 4))], {"wrt": [0]}),

"rh_cs_layernorm_cache_then_affine_scores": ('''
import numpy as np

def layernorm_affine_loss(x, gamma, beta, w):
    """
    x: (N, D); gamma, beta: (D,); w: (D, C)
    """
    eps = 1e-5
    mu = np.mean(x, axis=-1, keepdims=True)
    sigma = np.std(x, axis=-1, keepdims=True)
    xn = (x - mu) / (sigma + eps)
    y = xn * gamma + beta
    scores = y.dot(w)
    return np.mean(np.log(1 + np.exp(-scores)))
''', "layernorm_affine_loss", lambda: [_normal(51, 4, 5), _uniform(52, 5), _normal(53, 5), _normal(54, 5, 3)]),

"rh_cs_knn_free_linear_classifier_hinge_ovr": ('''
import numpy as np

def hinge_ovr_loss(W, b, X, Y):
    """
    W: (D, C); b: (C,); X: (N, D); Y: (N, C) of +1 / -1
    """
    margins = 1 - Y * (X @ W + b)
    losses = np.where(margins > 0, margins, 0.0)
    return losses.sum() / X.shape[0] + 0.5 * 0.01 * (W ** 2).sum()
''', "hinge_ovr_loss", lambda: [_normal(55, 4, 3), _normal(56, 3), _normal(57, 6, 4), np.sign(_normal(58, 6, 3))], {"wrt": [0, 1, 2]}),

"rh_cs_rnn_captioning_features_h0_loss": ('''
import numpy as np

def caption_loss(features, captions, W_proj, b_proj, W_embed, Wx, Wh, b, W_vocab, b_vocab):
    """
    - features: (N, D)
    - captions: int (N, T)
    - W_proj: (D, H), b_proj: (H,)
    - W_embed: (V, W)
    - Wx: (W, H), Wh: (H, H), b: (H,)
    - W_vocab: (H, V), b_vocab: (V,)
    """
    captions_in = captions[:, :-1]
    captions_out = captions[:, 1:]
    N, T = captions_in.shape
    h = features @ W_proj + b_proj
    x = W_embed[captions_in]
    loss = 0.0
    for t in range(T):
        h = np.tanh(x[:, t, :] @ Wx + h @ Wh + b)
        scores = h @ W_vocab + b_vocab
        scores = scores - scores.max(axis=1, keepdims=True)
        logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        loss -= logp[np.arange(N), captions_out[:, t]].sum() / N
    return loss
''', "caption_loss", lambda: [_normal(59, 2, 3), np.array([[0, 2, 1, 3], [0, 1, 1, 2]]), _normal(60, 3, 4) * .5, _normal(61, 4),
                              _normal(62, 4, 3), _normal(63, 3, 4) * .5, _normal(64, 4, 4) * .5, _normal(65, 4), _normal(66, 4, 4) * .5, _normal(67, 4)],
    {"wrt": [0, 2, 3, 4, 5, 6, 7, 8, 9]}),

"rh_cs_max_pool_reshape_max_fast": ('''
import numpy as np

def max_pool_forward_reshape(x, pool_param):
    """
    - x: (N, C, H, W)
    - pool_param: pool_height, pool_width, stride (square tiles)
    """
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    x_reshaped = x.reshape(N, C, H // pool_height, pool_height, W // pool_width, pool_width)
    out = x_reshaped.max(axis=3).max(axis=4)
    cache = (x, x_reshaped, out)
    return out, cache
''', "max_pool_forward_reshape", lambda: [_normal(68, 2, 2, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}]),

"rh_cs_vanilla_attention_softmax_scores": ('''
import numpy as np

def attention_forward(query, key, value, attn_mask):
    """
    - query: (N, S, E)
    - key: (N, T, E)
    - value: (N, T, E)
    - attn_mask: (S, T) of 0 / 1, 0 where the query may not attend
    """
    N, S, E = query.shape
    scores = query @ key.transpose(0, 2, 1) / np.sqrt(E)
    scores = np.where(attn_mask == 0, -1e9, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    out = weights @ value
    return out, (query, key, value, weights)
''', "attention_forward", lambda: [_normal(69, 2, 3, 4), _normal(70, 2, 3, 4), _normal(71, 2, 3, 4), np.tril(np.ones((3, 3)))], {"wrt": [0, 1, 2]}),

"rh_cs_positional_encoding_add": ('''
import numpy as np

def positional_encoding_forward(x, W_pe):
    """
    - x: (N, S, D)
    - W_pe: (S_max, D) learned positional embeddings, S <= S_max
    """
    N, S, D = x.shape
    out = x + W_pe[:S][None, :, :]
    out = out * np.sqrt(D)
    return out, (S, D)
''', "positional_encoding_forward", lambda: [_normal(72, 2, 3, 4), _normal(73, 5, 4)]),

"rh_cs_multihead_split_heads_reshape_transpose": ('''
import numpy as np

def mha_forward(x, Wq, Wk, Wv, Wo, num_heads):
    """
    - x: (N, S, E)
    - Wq, Wk, Wv, Wo: (E, E)
    """
    N, S, E = x.shape
    H = num_heads
    q = (x @ Wq).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    k = (x @ Wk).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    v = (x @ Wv).reshape(N, S, H, E // H).transpose(0, 2, 1, 3)
    att = q @ k.swapaxes(-1, -2) / np.sqrt(E // H)
    att = np.exp(att - att.max(-1, keepdims=True))
    att = att / att.sum(-1, keepdims=True)
    y = (att @ v).transpose(0, 2, 1, 3).reshape(N, S, E)
    out = y @ Wo
    cache = (x, Wq, Wk, Wv, Wo, num_heads)
    return out, cache
''', "mha_forward", lambda: [_normal(74, 2, 3, 4), _normal(75, 4, 4) * .5, _normal(76, 4, 4) * .5, _normal(77, 4, 4) * .5, _normal(78, 4, 4) * .5, 2]),

"rh_cs_svm_vectorized_maximum_margins_mask_sum": ('''
import numpy as np

def svm_loss_vectorized(W, X, y, reg):
    """
    - W: (D, C); X: (N, D); y: (N,); reg: float
    """
    num_train = X.shape[0]
    scores = X @ W
    correct = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = margins.sum() / num_train + reg * np.sum(W * W)
    binary = margins
    binary[margins > 0] = 1
    row_sum = np.sum(binary, axis=1)
    binary[np.arange(num_train), y] = -row_sum
    dW = X.T @ binary / num_train + 2 * reg * W
    return loss, dW
''', "svm_loss_vectorized", lambda: [_normal(79, 4, 3) * 0.3, _normal(80, 6, 4), np.array([0, 2, 1, 1, 0, 2]), 0.05], {"wrt": [0]}),

"rh_cs_gram_matrix_style_loss": ('''
import numpy as np

def gram_matrix(features, normalize=True):
    """
    - features: (C, H, W)
    """
    C, H, W = features.shape
    f = features.reshape(C, H * W)
    gram = f @ f.T
    if normalize:
        gram /= (H * W * C)
    return gram

def style_loss(feats, style_target, weight):
    """
    - feats: (C, H, W)
    - style_target: (C, C)
    """
    G = gram_matrix(feats)
    return weight * np.sum((G - style_target) ** 2)
''', "style_loss", lambda: [_normal(81, 3, 2, 2), _normal(82, 3, 3), 0.7], {"wrt": [0]}),

"rh_cs_tv_loss_image": ('''
import numpy as np

def tv_loss(img, tv_weight):
    """
    Total variation loss.

    - img: (1, 3, H, W)
    - tv_weight: Scalar giving the weight w_t to use for the TV loss.
    """
    w_var = np.sum((img[:, :, :, 1:] - img[:, :, :, :-1]) ** 2)
    h_var = np.sum((img[:, :, 1:, :] - img[:, :, :-1, :]) ** 2)
    return tv_weight * (w_var + h_var)
''', "tv_loss", lambda: [_normal(83, 1, 3, 3, 4), 0.3], {"wrt": [0]}),

"rh_cs_content_loss_sum_squares": ('''
import numpy as np

def content_loss(content_weight, content_current, content_original):
    """
    - content_weight: Scalar giving the weighting for the content loss.
    - content_current: features of the current image; Tensor with shape [1, C_l, H_l, W_l].
    - content_target: features of the content image, Tensor with shape [1, C_l, H_l, W_l].
    """
    return content_weight * np.sum((content_current - content_original) ** 2)
''', "content_loss", lambda: [0.5, _normal(84, 1, 2, 3, 3), _normal(85, 1, 2, 3, 3)], {"wrt": [1]}),

"rh_cs_gan_ls_losses": ('''
import numpy as np

def ls_discriminator_loss(scores_real, scores_fake):
    """
    - scores_real: (N,) scores for real data
    - scores_fake: (N,) scores for fake data
    """
    loss = 0.5 * np.mean((scores_real - 1) ** 2) + 0.5 * np.mean(scores_fake ** 2)
    return loss

def ls_generator_loss(scores_fake):
    return 0.5 * np.mean((scores_fake - 1) ** 2)

def both(scores_real, scores_fake):
    return ls_discriminator_loss(scores_real, scores_fake) + ls_generator_loss(scores_fake)
''', "both", lambda: [_normal(86, 5), _normal(87, 5)]),

"rh_cs_bce_logits_stable_gan": ('''
import numpy as np

def bce_loss(input, target):
    """
    Numerically stable version of the binary cross-entropy loss function.

    - input: array of shape (N,) giving scores.
    - target: array of shape (N,) containing 0 and 1 giving targets.
    """
    neg_abs = -np.abs(input)
    loss = input.clip(min=0) - input * target + np.log(1 + np.exp(neg_abs))
    return loss.mean()

def discriminator_loss(logits_real, logits_fake):
    N = logits_real.shape[0]
    return bce_loss(logits_real, np.ones(N)) + bce_loss(logits_fake, np.zeros(N))
''', "discriminator_loss", lambda: [_normal(88, 6), _normal(89, 6)]),

# ----------------------------------------------------------------------------- autograd's examples, written as their authors write them
"rh_ag_neural_net_init_list_log_posterior": ('''
import numpy as np

def neural_net_predict(params, inputs):
    """params is a list of (weights, bias) tuples.
       inputs is an (N x D) matrix."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))

def l2_norm(params):
    """Computes l2 norm of params by flattening them into a vector."""
    return sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
''', "log_posterior", lambda: [[(_normal(1, 3, 4) * .5, _normal(2, 4)), (_normal(3, 4, 2) * .5, _normal(4, 2))],
                               _normal(5, 5, 3), np.eye(2)[[0, 1, 1, 0, 1]], 0.1], {"wrt": [0]}),

"rh_ag_gp_rbf_kernel_covariance_helpers": ('''
import numpy as np

def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

def log_marginal_likelihood(params, x, y):
    """params: [mean, log_noise, log_scale, log_lengthscale (D of them)]; x: (N, D); y: (N,)"""
    mean, noise_scale = params[0], np.exp(params[1]) + 0.0001
    cov_params = params[2:]
    cov_y_y = rbf_covariance(cov_params, x, x) + noise_scale * np.eye(len(y))
    prior_mean = mean * np.ones(len(y))
    r = y - prior_mean
    sign, logdet = np.linalg.slogdet(cov_y_y)
    return -0.5 * r @ np.linalg.solve(cov_y_y, r) - 0.5 * logdet - 0.5 * len(y) * np.log(2 * np.pi)
''', "log_marginal_likelihood", lambda: [np.array([0.1, -1.0, 0.2, -0.3, 0.1]), _normal(6, 5, 2), _normal(7, 5)],
    {"shapes": {"params": "5", "x": "N, 2", "y": "N"}}),

"rh_ag_logistic_regression_training_loss_labels_pm1": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x / 2.) + 1)

def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))

def training_loss(weights, inputs, targets):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))
''', "training_loss", lambda: [_normal(8, 3), _normal(9, 4, 3), np.array([1., 0., 1., 1.])], {"wrt": [0]}),

"rh_ag_black_box_svi_gaussian_entropy_samples": ('''
import numpy as np

def log_density(x, t):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = -0.5 * log_sigma ** 2 / 1.35 ** 2
    mu_density = -0.5 * mu ** 2 / np.exp(log_sigma) ** 2 - log_sigma
    return sigma_density + mu_density

def variational_objective(params, samples, t):
    """params: (4,) mean and log std of a diagonal Gaussian over (mu, log_sigma); samples: (S, 2) standard normal."""
    D = 2
    mean, log_std = params[:D], params[D:]
    xs = samples * np.exp(log_std) + mean
    entropy = 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)
    lower_bound = entropy + np.mean(log_density(xs, t))
    return -lower_bound
''', "variational_objective", lambda: [np.array([0.2, -0.1, -0.5, -0.3]), _normal(10, 6, 2), 0], {"wrt": [0]}),

"rh_ag_mixture_of_gaussians_unpack_params": ('''
import numpy as np
from scipy.special import logsumexp

def unpack_params(params, K, D):
    log_proportions = params[:K]
    means = params[K:K + K * D].reshape(K, D)
    log_stds = params[K + K * D:].reshape(K, D)
    return log_proportions, means, log_stds

def mog_log_likelihood(params, data, K, D):
    """params: flat (K + 2 K D,); data: (N, D)"""
    log_proportions, means, log_stds = unpack_params(params, K, D)
    log_proportions = log_proportions - logsumexp(log_proportions)
    cluster_lls = []
    for log_prop, mean, log_std in zip(log_proportions, means, log_stds):
        z = (data - mean) / np.exp(log_std)
        ll = -0.5 * np.sum(z ** 2 + 2 * log_std + np.log(2 * np.pi), axis=1)
        cluster_lls.append(log_prop + ll)
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))
''', "mog_log_likelihood", lambda: [_normal(11, 3 + 2 * 3 * 2) * .5, _normal(12, 5, 2), 3, 2], {"wrt": [0]}),

"rh_ag_rnn_concat_and_multiply_hiddens": ('''
import numpy as np

def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)

def rnn_loss(change_w, predict_w, init_hidden, inputs, targets):
    """
    change_w: (D + H + 1, H); predict_w: (H + 1, O); init_hidden: (1, H)
    inputs: (T, N, D); targets: (T, N, O)
    """
    num_sequences = inputs.shape[1]
    hiddens = np.repeat(init_hidden, num_sequences, axis=0)
    loss = 0.0
    for t in range(inputs.shape[0]):
        hiddens = np.tanh(concat_and_multiply(change_w, inputs[t], hiddens))
        output = concat_and_multiply(predict_w, hiddens)
        loss = loss + np.sum((output - targets[t]) ** 2)
    return loss
''', "rnn_loss", lambda: [_normal(13, 2 + 3 + 1, 3) * .5, _normal(14, 3 + 1, 2) * .5, _normal(15, 1, 3), _normal(16, 4, 2, 2), _normal(17, 4, 2, 2)],
    {"wrt": [0, 1, 2]}),

"rh_ag_convnet_conv_layer_einsum_pool": ('''
import numpy as np

def conv2d_valid(x, w):
    """x: (N, C, H, W); w: (F, C, k, k)"""
    N, C, H, W = x.shape
    F, _, k, _ = w.shape
    out = np.zeros((N, F, H - k + 1, W - k + 1))
    for i in range(k):
        for j in range(k):
            out = out + np.einsum('nchw,fc->nfhw', x[:, :, i:i + H - k + 1, j:j + W - k + 1], w[:, :, i, j])
    return out

def convnet_loss(w1, w2, x, targets):
    """w1: (2, 1, 2, 2); w2: (8, 3); x: (N, 1, 4, 4); targets: (N, 3)"""
    h = np.tanh(conv2d_valid(x, w1))
    h = h.reshape(h.shape[0], h.shape[1], 3 // 3, -1).max(axis=2)
    h = h.reshape(h.shape[0], -1)[:, :8]
    logits = h @ w2
    logits = logits - logits.max(axis=1, keepdims=True)
    return -np.sum(targets * (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))))
''', "convnet_loss", lambda: [_normal(18, 2, 1, 2, 2), _normal(19, 8, 3), _normal(20, 2, 1, 4, 4), np.eye(3)[[0, 2]]], {"wrt": [0, 1, 2]}),

"rh_ag_hmm_forward_scaled_alphas": ('''
import numpy as np

def hmm_log_likelihood(log_pi, log_A, log_B, obs):
    """log_pi: (K,); log_A: (K, K); log_B: (K, V); obs: int (T,)"""
    pi = np.exp(log_pi - np.max(log_pi))
    pi = pi / pi.sum()
    A = np.exp(log_A)
    A = A / A.sum(axis=1, keepdims=True)
    B = np.exp(log_B)
    B = B / B.sum(axis=1, keepdims=True)
    alpha = pi * B[:, obs[0]]
    c = alpha.sum()
    alpha = alpha / c
    ll = np.log(c)
    for t in range(1, len(obs)):
        alpha = (alpha @ A) * B[:, obs[t]]
        c = alpha.sum()
        alpha = alpha / c
        ll += np.log(c)
    return ll
''', "hmm_log_likelihood", lambda: [_normal(21, 3), _normal(22, 3, 3), _normal(23, 3, 4), np.array([0, 3, 1, 1, 2])], {"wrt": [0, 1, 2]}),

"rh_ag_ode_euler_neural_dynamics": ('''
import numpy as np

def nn_dynamics(state, t, params):
    W1, b1, W2, b2 = params
    h = np.tanh(np.dot(state, W1) + b1)
    return np.dot(h, W2) + b2

def odeint_euler(params, y0, t0, t1, n_steps):
    dt = (t1 - t0) / n_steps
    y = y0
    t = t0
    for _ in range(n_steps):
        y = y + dt * nn_dynamics(y, t, params)
        t += dt
    return y

def ode_loss(params, y0, target):
    """params: (W1 (2, 4), b1 (4,), W2 (4, 2), b2 (2,)); y0, target: (N, 2)"""
    pred = odeint_euler(params, y0, 0.0, 1.0, 5)
    return np.mean(np.abs(pred - target) ** 2)
''', "ode_loss", lambda: [(_normal(24, 2, 4) * .5, _normal(25, 4), _normal(26, 4, 2) * .5, _normal(27, 2)), _normal(28, 3, 2), _normal(29, 3, 2)],
    {"wrt": [0, 1]}),

"rh_ag_bayesian_linreg_vi_elbo_closed_form": ('''
import numpy as np

def elbo(q_mean, q_log_std, X, y, noise_var, prior_var):
    """q_mean, q_log_std: (D,); X: (N, D); y: (N,)"""
    q_var = np.exp(2 * q_log_std)
    pred = X @ q_mean
    expected_sq = np.sum((y - pred) ** 2) + np.sum((X ** 2) @ q_var)
    exp_loglik = -0.5 * len(y) * np.log(2 * np.pi * noise_var) - 0.5 * expected_sq / noise_var
    kl = 0.5 * np.sum(q_var / prior_var + q_mean ** 2 / prior_var - 1 - np.log(q_var / prior_var))
    return exp_loglik - kl
''', "elbo", lambda: [_normal(30, 3), _normal(31, 3) * .3, _normal(32, 6, 3), _normal(33, 6), 0.5, 2.0], {"wrt": [0, 1]}),

"rh_ag_gaussian_process_predict_mean_var": ('''
import numpy as np

def kernel(a, b, ls, amp):
    sq = np.sum(a ** 2, 1).reshape(-1, 1) + np.sum(b ** 2, 1) - 2 * np.dot(a, b.T)
    return amp ** 2 * np.exp(-0.5 / ls ** 2 * sq)

def gp_predict_loss(X, y, Xs, ys, ls, amp, noise):
    """X: (N, D); y: (N,); Xs: (M, D); ys: (M,)"""
    K = kernel(X, X, ls, amp) + noise ** 2 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    Ks = kernel(X, Xs, ls, amp)
    mu = Ks.T @ alpha
    v = np.linalg.solve(L, Ks)
    var = amp ** 2 - np.sum(v ** 2, axis=0)
    return np.sum((mu - ys) ** 2 / var + np.log(var))
''', "gp_predict_loss", lambda: [_normal(34, 4, 2), _normal(35, 4), _normal(36, 3, 2), _normal(37, 3), 1.2, 1.0, 0.3], {"wrt": [4, 5, 6]}),

"rh_ag_word2vec_skipgram_softmax_full": ('''
import numpy as np

def skipgram_loss(center_vecs, outside_vecs, center_ids, outside_ids):
    """center_vecs: (V, D); outside_vecs: (V, D); center_ids, outside_ids: int (B,)"""
    v = center_vecs[center_ids]
    scores = v @ outside_vecs.T
    scores -= np.max(scores, axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(center_ids)), outside_ids])
''', "skipgram_loss", lambda: [_normal(38, 5, 3), _normal(39, 5, 3), np.array([0, 2, 2, 4]), np.array([1, 3, 0, 0])]),

"rh_ag_ica_logcosh_whitened": ('''
import numpy as np

def ica_objective(W, X):
    """W: (D, D); X: (N, D) whitened data"""
    S = X @ W.T
    sign, logdet = np.linalg.slogdet(W)
    return -(np.mean(np.sum(-np.log(np.cosh(S)), axis=1)) + logdet)
''', "ica_objective", lambda: [np.eye(3) + 0.2 * _normal(40, 3, 3), _normal(41, 8, 3)]),

"rh_ag_natural_params_exp_family_poisson": ('''
import numpy as np
from scipy.special import gammaln

def poisson_glm_nll(beta, offset, X, counts):
    """beta: (D,); offset: float; X: (N, D); counts: (N,)"""
    eta = X.dot(beta) + offset
    rate = np.exp(eta)
    ll = counts * eta - rate - gammaln(counts + 1)
    return -ll.sum()
''', "poisson_glm_nll", lambda: [_normal(42, 3) * .3, 0.2, _normal(43, 6, 3), np.array([0., 1., 3., 2., 0., 1.])], {"wrt": [0, 1]}),

"rh_ag_probabilistic_pca_marginal": ('''
import numpy as np

def ppca_nll(W, log_sigma2, X):
    """W: (D, K); X: (N, D)"""
    N, D = X.shape
    C = W @ W.T + np.exp(log_sigma2) * np.eye(D)
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / N
    sign, logdet = np.linalg.slogdet(C)
    return 0.5 * N * (D * np.log(2 * np.pi) + logdet + np.trace(np.linalg.solve(C, S)))
''', "ppca_nll", lambda: [_normal(44, 3, 2), -0.5, _normal(45, 7, 3)], {"wrt": [0, 1]}),

"rh_ag_sinusoid_fit_list_of_params_tuple": ('''
import numpy as np

def predict(params, x):
    amp, freq, phase, offset = params
    return amp * np.sin(freq * x + phase) + offset

def fit_loss(params, x, y):
    return np.mean((predict(params, x) - y) ** 2)
''', "fit_loss", lambda: [[1.2, 0.8, 0.3, -0.1], np.linspace(0, 3, 7), np.sin(np.linspace(0, 3, 7))], {"wrt": [0]}),

"rh_ag_crf_log_partition_loop_logsumexp": ('''
import numpy as np

def logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))

def crf_nll(unary, trans, tags):
    """unary: (T, K); trans: (K, K); tags: int (T,)"""
    T, K = unary.shape
    alpha = unary[0]
    for t in range(1, T):
        alpha = logsumexp(alpha[:, None] + trans, axis=0) + unary[t]
    log_Z = logsumexp(alpha, axis=0)
    score = unary[np.arange(T), tags].sum() + trans[tags[:-1], tags[1:]].sum()
    return log_Z - score
''', "crf_nll", lambda: [_normal(46, 4, 3), _normal(47, 3, 3), np.array([0, 2, 2, 1])], {"wrt": [0, 1]}),

"rh_ag_variational_autoencoder_gaussian_bernoulli": ('''
import numpy as np

def relu(x):
    return np.maximum(0, x)

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def vae_loss(enc_W, enc_b, dec_W, dec_b, x, eps):
    """enc_W: (D, 2L); enc_b: (2L,); dec_W: (L, D); dec_b: (D,); x: (N, D) in [0, 1]; eps: (N, L)"""
    L = dec_W.shape[0]
    h = x @ enc_W + enc_b
    mu, log_var = h[:, :L], h[:, L:]
    z = mu + np.exp(0.5 * log_var) * eps
    logits = z @ dec_W + dec_b
    p = sigmoid(logits)
    rec = -np.sum(x * np.log(p + 1e-7) + (1 - x) * np.log(1 - p + 1e-7))
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
    return (rec + kl) / x.shape[0]
''', "vae_loss", lambda: [_normal(48, 4, 4) * .5, _normal(49, 4) * .1, _normal(50, 2, 4) * .5, _normal(51, 4) * .1, _uniform(52, 3, 4) - 0.5, _normal(53, 3, 2)],
    {"wrt": [0, 1, 2, 3]}),

"rh_ag_gaussian_mixture_em_free_direct_nll": ('''
import numpy as np

def gmm_nll(logits, mus, log_sigmas, x):
    """logits, mus, log_sigmas: (K,); x: (N,)"""
    w = np.exp(logits - logits.max())
    w /= w.sum()
    sig = np.exp(log_sigmas)
    dens = w * np.exp(-0.5 * ((x[:, None] - mus) / sig) ** 2) / (np.sqrt(2 * np.pi) * sig)
    return -np.sum(np.log(dens.sum(axis=1)))
''', "gmm_nll", lambda: [_normal(54, 3), _normal(55, 3), _normal(56, 3) * .2, _normal(57, 8)]),

"rh_ag_tanh_nth_derivative_free_series": ('''
import numpy as np

def tanh_series(x, n_terms):
    """tanh via its continued exponential form, sum of geometric terms."""
    total = 0.0
    e = np.exp(-2 * x)
    for k in range(n_terms):
        total = total + (-e) ** k
    return 2 * total - 1
''', "tanh_series", lambda: [_uniform(58, 4) + 1.0, 30], {"wrt": [0]}),

"rh_ag_fluid_sim_advect_interp_roll": ('''
import numpy as np

def project(vx, vy):
    """One Jacobi sweep of the pressure solve on a periodic grid."""
    h = 1.0 / vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                      + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))
    p = np.zeros(vx.shape)
    for k in range(4):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
             + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy = vy - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy

def fluid_loss(vx, vy, target):
    """vx, vy, target: (n, n)"""
    vx, vy = project(vx, vy)
    return np.sum((vx - target) ** 2) + np.sum(vy ** 2)
''', "fluid_loss", lambda: [_normal(59, 4, 4), _normal(60, 4, 4), _normal(61, 4, 4)], {"wrt": [0, 1]}),

"rh_ag_bnn_weights_flat_unpack_layers": ('''
import numpy as np

def unpack_layers(weights, layer_sizes):
    num_weight_sets = len(weights)
    start = 0
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = weights[start:start + m * n].reshape(m, n)
        b = weights[start + m * n:start + m * n + n]
        yield W, b
        start += (m + 1) * n

def predictions(weights, inputs):
    layer_sizes = [1, 4, 1]
    for W, b in unpack_layers(weights, layer_sizes):
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def logprob(weights, inputs, targets):
    preds = predictions(weights, inputs)
    return -np.sum((preds - targets) ** 2) / 0.1
''', "logprob", lambda: [_normal(62, 13) * .5, np.linspace(-1, 1, 5).reshape(5, 1), np.cos(np.linspace(-1, 1, 5)).reshape(5, 1)],
    {"wrt": [0], "shapes": {"weights": "13", "inputs": "5, 1", "targets": "5, 1"}}),

"rh_ag_dirichlet_log_pdf_gammaln": ('''
import numpy as np
from scipy.special import gammaln

def dirichlet_logpdf(log_alpha, p):
    """log_alpha: (K,); p: (N, K) on the simplex"""
    alpha = np.exp(log_alpha)
    norm = gammaln(alpha.sum()) - gammaln(alpha).sum()
    return np.sum(norm + ((alpha - 1) * np.log(p)).sum(axis=1))
''', "dirichlet_logpdf", lambda: [_normal(63, 3) * .3, np.array([[.2, .3, .5], [.6, .3, .1], [.1, .1, .8]])]),

"rh_ag_kalman_smoother_free_filter_nll": ('''
import numpy as np

def kalman_nll(log_q, log_r, a, ys):
    """Scalar random walk x_t = a x_{t-1} + w, y_t = x_t + v; ys: (T,)"""
    q, r = np.exp(log_q), np.exp(log_r)
    m, P = 0.0, 1.0
    nll = 0.0
    for y in ys:
        m = a * m
        P = a * a * P + q
        S = P + r
        K = P / S
        nll += 0.5 * (np.log(2 * np.pi * S) + (y - m) ** 2 / S)
        m = m + K * (y - m)
        P = (1 - K) * P
    return nll
''', "kalman_nll", lambda: [-1.0, -0.5, 0.9, _normal(64, 6)], {"wrt": [0, 1, 2]}),

"rh_ag_sparse_coding_l1_smooth": ('''
import numpy as np

def sparse_coding_loss(D, codes, X, lam):
    """D: (K, P); codes: (N, K); X: (N, P)"""
    recon = codes @ D
    smooth_l1 = np.sqrt(codes ** 2 + 1e-6)
    atom_norms = np.linalg.norm(D, axis=1)
    return 0.5 * np.sum((X - recon) ** 2) + lam * smooth_l1.sum() + np.sum((atom_norms - 1) ** 2)
''', "sparse_coding_loss", lambda: [_normal(65, 3, 4), _normal(66, 5, 3), _normal(67, 5, 4), 0.1], {"wrt": [0, 1]}),

"rh_ag_student_t_regression_robust": ('''
import numpy as np
from scipy.special import gammaln

def t_regression_nll(w, log_scale, log_nu, X, y):
    """w: (D,); X: (N, D); y: (N,)"""
    nu = np.exp(log_nu)
    s = np.exp(log_scale)
    r = (y - X @ w) / s
    ll = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - log_scale \
        - (nu + 1) / 2 * np.log1p(r ** 2 / nu)
    return -np.sum(ll)
''', "t_regression_nll", lambda: [_normal(68, 3), 0.1, 1.0, _normal(69, 6, 3), _normal(70, 6)], {"wrt": [0, 1, 2]}),

"rh_ag_lstm_text_loss_list_of_onehots": ('''
import numpy as np

def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)

def lstm_loss(params, inputs):
    """params: dict of arrays; inputs: list of (N, V) one-hot rows (T of them)"""
    N = inputs[0].shape[0]
    H = params['init_cells'].shape[1]
    hiddens = np.repeat(params['init_hiddens'], N, axis=0)
    cells = np.repeat(params['init_cells'], N, axis=0)
    loglik = 0.0
    for t in range(len(inputs) - 1):
        cat = np.hstack((inputs[t], hiddens, np.ones((N, 1))))
        change = np.tanh(cat @ params['change'])
        forget = sigmoid(cat @ params['forget'])
        ingate = sigmoid(cat @ params['ingate'])
        outgate = sigmoid(cat @ params['outgate'])
        cells = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
        out = np.hstack((hiddens, np.ones((N, 1)))) @ params['predict']
        out = out - np.max(out, axis=1, keepdims=True)
        logp = out - np.log(np.sum(np.exp(out), axis=1, keepdims=True))
        loglik += np.sum(logp * inputs[t + 1])
    return -loglik / (len(inputs) - 1)
''', "lstm_loss", lambda: [{"init_cells": _normal(71, 1, 2), "init_hiddens": _normal(72, 1, 2), "change": _normal(73, 6, 2) * .5,
                             "forget": _normal(74, 6, 2) * .5, "ingate": _normal(75, 6, 2) * .5, "outgate": _normal(76, 6, 2) * .5,
                             "predict": _normal(77, 3, 3) * .5}, [np.eye(3)[[0, 1]], np.eye(3)[[2, 1]], np.eye(3)[[1, 0]]]],
    {"wrt": [0], "shapes": {"params": {"init_cells": "1, H", "init_hiddens": "1, H", "change": "VH1, H", "forget": "VH1, H",
                                       "ingate": "VH1, H", "outgate": "VH1, H", "predict": "H1, V"},
                            "inputs": ["N, V", "N, V", "N, V"]}}),

"rh_ag_bayes_opt_expected_improvement_norm": ('''
import numpy as np
from scipy.stats import norm

def expected_improvement(mu, log_sigma, best):
    """mu, log_sigma: (M,) predictive mean and log std at candidate points"""
    sigma = np.exp(log_sigma)
    z = (best - mu) / sigma
    return np.sum((best - mu) * norm.cdf(z) + sigma * norm.pdf(z))
''', "expected_improvement", lambda: [_normal(78, 5), _normal(79, 5) * .3, 0.2]),

"rh_ag_logistic_regression_hessian_free_newton_objective": ('''
import numpy as np

def loss(w, X, t, alpha):
    """w: (D,); X: (N, D); t: (N,) in {0, 1}"""
    a = X @ w
    ll = np.sum(t * a - np.logaddexp(0, a))
    return -ll + 0.5 * alpha * w @ w
''', "loss", lambda: [_normal(80, 3), _normal(81, 7, 3), (_normal(82, 7) > 0).astype(float), 0.3], {"wrt": [0, 1]}),

# ----------------------------------------------------------------------------- physics: energies, forces, integrators, stencils
"rh_phys_lj_energy_double_loop_rij_vector": ('''
import numpy as np

def lj_energy(positions, epsilon=1.0, sigma=1.0):
    """Total Lennard-Jones energy. positions: (N, 3)"""
    n = len(positions)
    energy = 0.0
    for i in range(n - 1):
        for j in range(i + 1, n):
            rij = positions[j] - positions[i]
            r2 = np.dot(rij, rij)
            sr6 = (sigma ** 2 / r2) ** 3
            energy += 4 * epsilon * (sr6 * sr6 - sr6)
    return energy
''', "lj_energy", lambda: [_lattice(1, 4)], {"wrt": [0]}),

"rh_phys_lj_forces_then_work": ('''
import numpy as np

def lj_forces(pos, eps=1.0, sig=1.0):
    """pos: (N, 3). Returns forces (N, 3)."""
    N = pos.shape[0]
    F = np.zeros_like(pos)
    for i in range(N):
        for j in range(i + 1, N):
            d = pos[i] - pos[j]
            r2 = np.sum(d * d)
            inv6 = (sig * sig / r2) ** 3
            f = 24 * eps * (2 * inv6 * inv6 - inv6) / r2 * d
            F[i] += f
            F[j] -= f
    return F

def force_residual(pos, target_forces):
    F = lj_forces(pos)
    return np.sum((F - target_forces) ** 2)
''', "force_residual", lambda: [_lattice(2, 3), _normal(3, 3, 3) * .1], {"wrt": [0]}),

"rh_phys_coulomb_energy_vectorized_triu_k": ('''
import numpy as np

def coulomb_energy(q, r, k=8.9875e9):
    """q: (N,) charges; r: (N, 3) positions"""
    diff = r[:, None, :] - r[None, :, :]
    dist = np.sqrt((diff ** 2).sum(-1))
    iu = np.triu_indices(len(q), k=1)
    return k * np.sum(q[iu[0]] * q[iu[1]] / dist[iu]) * 1e-9
''', "coulomb_energy", lambda: [_normal(4, 4), _lattice(5, 4)]),

"rh_phys_harmonic_chain_normal_modes_energy": ('''
import numpy as np

def chain_energy(u, v, k, m):
    """Periodic chain of N masses: displacements u (N,), velocities v (N,)."""
    stretch = np.roll(u, -1) - u
    potential = 0.5 * k * np.sum(stretch ** 2)
    kinetic = 0.5 * m * np.dot(v, v)
    return kinetic + potential
''', "chain_energy", lambda: [_normal(6, 5), _normal(7, 5), 2.0, 1.5]),

"rh_phys_pendulum_rk4_state_array_loop": ('''
import numpy as np

def f(y, g, L):
    theta, omega = y
    return np.array([omega, -g / L * np.sin(theta)])

def rk4_step(y, h, g, L):
    k1 = f(y, g, L)
    k2 = f(y + 0.5 * h * k1, g, L)
    k3 = f(y + 0.5 * h * k2, g, L)
    k4 = f(y + h * k3, g, L)
    return y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)

def final_angle(theta0, omega0, g=9.81, L=1.0, h=0.01, steps=30):
    y = np.array([theta0, omega0])
    for _ in range(steps):
        y = rk4_step(y, h, g, L)
    return y[0]
''', "final_angle", lambda: [0.4, -0.2, 9.81, 1.3], {"wrt": [0, 1, 2, 3]}),

"rh_phys_kepler_orbit_leapfrog_arrays_energy_drift": ('''
import numpy as np

def accel(r, GM):
    return -GM * r / np.linalg.norm(r) ** 3

def leapfrog_orbit(r0, v0, GM, dt, n):
    r = r0.copy()
    v = v0 + 0.5 * dt * accel(r, GM)
    for _ in range(n):
        r = r + dt * v
        v = v + dt * accel(r, GM)
    v = v - 0.5 * dt * accel(r, GM)
    return r, v

def energy_error(r0, v0, GM):
    """r0, v0: (2,)"""
    e0 = 0.5 * v0 @ v0 - GM / np.linalg.norm(r0)
    r, v = leapfrog_orbit(r0, v0, GM, 0.05, 20)
    e1 = 0.5 * v @ v - GM / np.linalg.norm(r)
    return (e1 - e0) ** 2
''', "energy_error", lambda: [np.array([1.0, 0.1]), np.array([0.1, 1.1]), 1.0]),

"rh_phys_rigid_body_rotational_ke_inertia_tensor": ('''
import numpy as np

def inertia_tensor(masses, positions):
    """masses: (N,); positions: (N, 3)"""
    com = np.sum(masses[:, None] * positions, axis=0) / np.sum(masses)
    r = positions - com
    r2 = np.sum(r * r, axis=1)
    I = np.sum(masses * r2) * np.eye(3) - np.einsum('i,ij,ik->jk', masses, r, r)
    return I

def rotational_ke(masses, positions, omega):
    I = inertia_tensor(masses, positions)
    return 0.5 * omega @ I @ omega
''', "rotational_ke", lambda: [_uniform(8, 4), _normal(9, 4, 3), _normal(10, 3)]),

"rh_phys_quaternion_rotate_points_energy": ('''
import numpy as np

def quat_to_matrix(q):
    q = q / np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])

def alignment_loss(q, points, targets):
    """q: (4,); points, targets: (N, 3)"""
    R = quat_to_matrix(q)
    rotated = points @ R.T
    return np.sum((rotated - targets) ** 2)
''', "alignment_loss", lambda: [np.array([0.9, 0.1, -0.2, 0.3]), _normal(11, 5, 3), _normal(12, 5, 3)], {"wrt": [0, 1]}),

"rh_phys_heat_equation_ftcs_dirichlet_inplace": ('''
import numpy as np

def heat_step(u, alpha, dx, dt):
    """u: (N,) temperatures; ends held fixed"""
    un = u.copy()
    u[1:-1] = un[1:-1] + alpha * dt / dx ** 2 * (un[2:] - 2 * un[1:-1] + un[:-2])
    return u

def heat_solution(u0, alpha, steps=10):
    u = u0.copy()
    for n in range(steps):
        u = heat_step(u, alpha, 0.1, 0.002)
    return np.sum(u ** 2)
''', "heat_solution", lambda: [_normal(13, 8), 0.7], {"wrt": [0, 1]}),

"rh_phys_heat_2d_five_point_stencil_loops": ('''
import numpy as np

def laplacian_loops(u, h):
    """u: (n, n). Five-point Laplacian in the interior, zero on the boundary."""
    n = u.shape[0]
    lap = np.zeros_like(u)
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            lap[i, j] = (u[i + 1, j] + u[i - 1, j] + u[i, j + 1] + u[i, j - 1] - 4 * u[i, j]) / h ** 2
    return lap

def dirichlet_energy(u, h=0.25):
    return 0.5 * h * h * np.sum(u * -laplacian_loops(u, h))
''', "dirichlet_energy", lambda: [_normal(14, 4, 4)], {"wrt": [0]}),

"rh_phys_wave_1d_leapfrog_two_arrays": ('''
import numpy as np

def wave_sim(u0, c, dt=0.05, dx=0.2, steps=8):
    """u0: (N,) initial displacement, at rest; fixed ends"""
    r2 = (c * dt / dx) ** 2
    u_prev = u0.copy()
    u = u0.copy()
    u[1:-1] = u0[1:-1] + 0.5 * r2 * (u0[2:] - 2 * u0[1:-1] + u0[:-2])
    for _ in range(steps):
        u_next = np.zeros_like(u)
        u_next[1:-1] = 2 * u[1:-1] - u_prev[1:-1] + r2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u_prev, u = u, u_next
    return np.sum(u ** 2)
''', "wave_sim", lambda: [_normal(15, 7), 0.8], {"wrt": [0, 1]}),

"rh_phys_black_scholes_vectorized_strikes_vega_free": ('''
import numpy as np
from scipy.stats import norm

def bs_call(S, K, T, r, sigma):
    """S: float; K: (M,) strikes; T, r, sigma: floats"""
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)

def calibration_error(sigma, S, K, T, r, market):
    return np.sum((bs_call(S, K, T, r, sigma) - market) ** 2)
''', "calibration_error", lambda: [0.25, 100.0, np.array([90., 100., 110.]), 0.5, 0.02, np.array([13.0, 7.0, 3.0])], {"wrt": [0, 1, 2, 3, 4]}),

"rh_phys_black_scholes_put_call_parity_math_erf": ('''
import math

def ncdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

def put_price(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + sigma * sigma / 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    call = S * ncdf(d1) - K * math.exp(-r * T) * ncdf(d2)
    return call - S + K * math.exp(-r * T)
''', "put_price", lambda: [100.0, 95.0, 0.75, 0.03, 0.3]),

"rh_phys_spring_mass_network_edges_list": ('''
import numpy as np

EDGES = [(0, 1), (1, 2), (2, 0), (2, 3)]

def spring_energy(x, k, rest):
    """x: (N, 2) node positions; k, rest: (E,) per spring"""
    e = 0.0
    for idx, (i, j) in enumerate(EDGES):
        d = np.linalg.norm(x[i] - x[j])
        e = e + 0.5 * k[idx] * (d - rest[idx]) ** 2
    return e
''', "spring_energy", lambda: [_normal(16, 4, 2), _uniform(17, 4), _uniform(18, 4)]),

"rh_phys_nbody_gravity_softened_accel_vectorized": ('''
import numpy as np

def get_acc(pos, mass, G, softening):
    """pos: (N, 3); mass: (N, 1)"""
    x = pos[:, 0:1]
    y = pos[:, 1:2]
    z = pos[:, 2:3]
    dx = x.T - x
    dy = y.T - y
    dz = z.T - z
    inv_r3 = (dx ** 2 + dy ** 2 + dz ** 2 + softening ** 2)
    inv_r3[inv_r3 > 0] = inv_r3[inv_r3 > 0] ** (-1.5)
    ax = G * (dx * inv_r3) @ mass
    ay = G * (dy * inv_r3) @ mass
    az = G * (dz * inv_r3) @ mass
    return np.hstack((ax, ay, az))

def kick_drift(pos, vel, mass, dt=0.01, G=1.0, softening=0.1):
    acc = get_acc(pos, mass, G, softening)
    vel = vel + acc * dt / 2.0
    pos = pos + vel * dt
    acc = get_acc(pos, mass, G, softening)
    vel = vel + acc * dt / 2.0
    return np.sum(pos ** 2) + np.sum(vel ** 2)
''', "kick_drift", lambda: [_normal(19, 4, 3), _normal(20, 4, 3), _uniform(21, 4, 1)]),

"rh_phys_ising_free_energy_mean_field_loop": ('''
import numpy as np

def mean_field(J, h, beta, iters=20):
    """J: (N, N) couplings (symmetric); h: (N,) fields"""
    m = np.zeros(len(h))
    for _ in range(iters):
        m = np.tanh(beta * (J @ m + h))
    return m

def magnetization_loss(J, h, beta, target):
    m = mean_field(J, h, beta)
    return np.sum((m - target) ** 2)
''', "magnetization_loss", lambda: [0.1 * (lambda a: a + a.T)(_normal(22, 4, 4)), _normal(23, 4), 0.8, _normal(24, 4) * .3]),

"rh_phys_projectile_drag_while_ground_hit_interp": ('''
import numpy as np

def range_with_drag(v0, angle, k, dt=0.01):
    vx = v0 * np.cos(angle)
    vy = v0 * np.sin(angle)
    x, y = 0.0, 0.0
    while True:
        v = np.sqrt(vx * vx + vy * vy)
        ax = -k * v * vx
        ay = -9.81 - k * v * vy
        x_new = x + vx * dt
        y_new = y + vy * dt
        vx += ax * dt
        vy += ay * dt
        if y_new < 0:
            frac = y / (y - y_new)
            return x + frac * (x_new - x)
        x, y = x_new, y_new
''', "range_with_drag", lambda: [10.0, 0.7, 0.05], {"shapes": {"v0": "float", "angle": "float", "k": "float"}}),

"rh_phys_damped_driven_oscillator_semi_implicit_list": ('''
import numpy as np

def simulate(x0, v0, gamma, omega0, F, omega, dt=0.02, n=50):
    xs = [x0]
    x, v = x0, v0
    for i in range(n):
        t = i * dt
        a = -2 * gamma * v - omega0 ** 2 * x + F * np.cos(omega * t)
        v = v + a * dt
        x = x + v * dt
        xs.append(x)
    return np.array(xs)

def fit(x0, v0, gamma, omega0, F, omega, data):
    return np.mean((simulate(x0, v0, gamma, omega0, F, omega) - data) ** 2)
''', "fit", lambda: [0.5, 0.0, 0.1, 2.0, 0.3, 1.7, np.sin(np.linspace(0, 1, 51))], {"wrt": [0, 1, 2, 3, 4, 5]}),

"rh_phys_double_well_langevin_given_noise": ('''
import numpy as np

def potential(x, a, b):
    return a * x ** 4 - b * x ** 2

def force(x, a, b):
    return -(4 * a * x ** 3 - 2 * b * x)

def langevin_path_energy(x0, a, b, noise, dt=0.01, gamma=1.0, kT=0.5):
    """x0: (M,) walkers; noise: (T, M) standard normal draws"""
    x = x0
    for t in range(noise.shape[0]):
        x = x + force(x, a, b) / gamma * dt + np.sqrt(2 * kT * dt / gamma) * noise[t]
    return np.mean(potential(x, a, b))
''', "langevin_path_energy", lambda: [_normal(25, 5) * .5, 1.0, 2.0, _normal(26, 6, 5)], {"wrt": [0, 1, 2]}),

"rh_phys_rk45_free_adaptive_fixed_heun_lotka_volterra": ('''
import numpy as np

def lotka_volterra(z, alpha, beta, delta, gamma):
    x, y = z[0], z[1]
    return np.array([alpha * x - beta * x * y, delta * x * y - gamma * y])

def heun(z0, params, dt, n):
    z = z0
    traj = [z]
    for _ in range(n):
        k1 = lotka_volterra(z, *params)
        k2 = lotka_volterra(z + dt * k1, *params)
        z = z + 0.5 * dt * (k1 + k2)
        traj.append(z)
    return np.stack(traj)

def lv_loss(z0, alpha, beta, delta, gamma, obs):
    traj = heun(z0, (alpha, beta, delta, gamma), 0.1, 10)
    return np.sum((traj - obs) ** 2)
''', "lv_loss", lambda: [np.array([1.0, 0.5]), 1.1, 0.4, 0.1, 0.4, np.ones((11, 2))],
    {"shapes": {"z0": "2", "alpha": "float", "beta": "float", "delta": "float", "gamma": "float", "obs": "11, 2"}}),

"rh_phys_finite_difference_gradient_energy_np_gradient_free": ('''
import numpy as np

def gl_free_energy(psi, a, b, kappa, h):
    """Ginzburg-Landau functional, psi: (N,) on a grid of spacing h"""
    dpsi = (psi[1:] - psi[:-1]) / h
    bulk = a * psi ** 2 + 0.5 * b * psi ** 4
    return h * (np.sum(bulk) + kappa * np.sum(dpsi ** 2))
''', "gl_free_energy", lambda: [_normal(27, 9), -1.0, 1.0, 0.5, 0.1]),

"rh_phys_electrostatics_jacobi_relaxation_boundaries": ('''
import numpy as np

def relax(V_top, V_left, n=5, iters=15):
    V = np.zeros((n, n))
    V[0, :] = V_top
    V[:, 0] = V_left
    for _ in range(iters):
        V[1:-1, 1:-1] = 0.25 * (V[:-2, 1:-1] + V[2:, 1:-1] + V[1:-1, :-2] + V[1:-1, 2:])
    return V[n // 2, n // 2]
''', "relax", lambda: [1.3, 0.4]),

"rh_phys_bond_angle_dihedral_free_angle_energy": ('''
import numpy as np

def angle_energy(coords, theta0, k_theta):
    """coords: (3, 3): atoms i, j, k; the angle at j"""
    a = coords[0] - coords[1]
    b = coords[2] - coords[1]
    cos_t = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
    return 0.5 * k_theta * (theta - theta0) ** 2
''', "angle_energy", lambda: [np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 0.1], [-0.3, 1.0, 0.2]]), 1.9, 50.0]),

"rh_phys_bose_gas_chemical_potential_sum_levels": ('''
import numpy as np

def occupations(mu, T, levels):
    return 1.0 / (np.exp((levels - mu) / T) - 1.0)

def number_error(mu, T, levels, N_target):
    """levels: (M,) energies, all above mu"""
    return (np.sum(occupations(mu, T, levels)) - N_target) ** 2
''', "number_error", lambda: [-0.2, 0.8, np.linspace(0.0, 2.0, 6), 3.0], {"wrt": [0, 1]}),

"rh_phys_verlet_velocity_list_positions_kinetic": ('''
import numpy as np

def velocity_verlet(x, v, k, m, dt, n):
    a = -k / m * x
    for _ in range(n):
        x = x + v * dt + 0.5 * a * dt ** 2
        a_new = -k / m * x
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
    return x, v

def total_energy(x0, v0, k, m):
    """x0, v0: (N,) independent oscillators"""
    x, v = velocity_verlet(x0, v0, k, m, 0.05, 25)
    return np.sum(0.5 * m * v ** 2 + 0.5 * k * x ** 2)
''', "total_energy", lambda: [_normal(28, 4), _normal(29, 4), 2.0, 0.7]),

"rh_phys_brachistochrone_time_discretized": ('''
import numpy as np

def travel_time(y_inner, x_end=1.0, y_end=-1.0, g=9.81):
    """y_inner: (n,) heights at the inner points of a uniform x grid, start at (0, 0)"""
    y = np.concatenate(([0.0], y_inner, [y_end]))
    x = np.linspace(0.0, x_end, len(y))
    ds = np.sqrt(np.diff(x) ** 2 + np.diff(y) ** 2)
    v_avg = 0.5 * (np.sqrt(-2 * g * y[:-1] + 1e-9) + np.sqrt(-2 * g * y[1:]))
    return np.sum(ds / v_avg)
''', "travel_time", lambda: [-np.linspace(0.3, 0.9, 4) - 0.1]),

"rh_phys_coupled_pendula_lagrangian_energy": ('''
import math

def energy(th1, th2, w1, w2, k=0.5, m=1.0, L=1.0, g=9.81):
    ke = 0.5 * m * L ** 2 * (w1 ** 2 + w2 ** 2)
    pe = m * g * L * (2 - math.cos(th1) - math.cos(th2))
    coupling = 0.5 * k * (L * math.sin(th1) - L * math.sin(th2)) ** 2
    return ke + pe + coupling
''', "energy", lambda: [0.3, -0.2, 0.1, 0.4]),

"rh_phys_radiative_transfer_layers_loop_tau": ('''
import numpy as np

def emergent_intensity(kappa, T, dz, mu=1.0):
    """kappa, T: (L,) layer opacities and temperatures, top first"""
    sigma = 5.67e-8
    I = 0.0
    tau = 0.0
    for l in range(len(kappa)):
        dtau = kappa[l] * dz / mu
        S = sigma * T[l] ** 4 / np.pi
        I += S * np.exp(-tau) * (1 - np.exp(-dtau))
        tau += dtau
    return I
''', "emergent_intensity", lambda: [_uniform(30, 5), 300 + 10 * _normal(31, 5), 0.3], {"wrt": [0, 1, 2]}),

"rh_phys_heston_free_gbm_paths_given_normals": ('''
import numpy as np

def asian_call_mc(S0, r, sigma, K, Z, T=1.0):
    """Z: (P, n) standard normal increments; arithmetic-average Asian call"""
    P, n = Z.shape
    dt = T / n
    logS = np.log(S0) + np.cumsum((r - 0.5 * sigma ** 2) * dt + sigma * np.sqrt(dt) * Z, axis=1)
    avg = np.exp(logS).mean(axis=1)
    payoff = np.maximum(avg - K, 0.0)
    return np.exp(-r * T) * payoff.mean()
''', "asian_call_mc", lambda: [100.0, 0.03, 0.2, 95.0, _normal(32, 50, 6)], {"wrt": [0, 1, 2, 3]}),

"rh_phys_tight_binding_eigvalsh_ground_energy": ('''
import numpy as np

def ground_energy(onsite, t_hop):
    """onsite: (N,) site energies; t_hop: float hopping; open chain"""
    N = len(onsite)
    H = np.diag(onsite) - t_hop * (np.eye(N, k=1) + np.eye(N, k=-1))
    evals = np.linalg.eigvalsh(H)
    return evals[0] + evals[1]
''', "ground_energy", lambda: [_normal(33, 5), 1.0]),

"rh_phys_ewald_free_yukawa_screened_pairs": ('''
import numpy as np

def yukawa_energy(r, q, kappa):
    """r: (N, 3); q: (N,)"""
    n = r.shape[0]
    E = 0.0
    for i in range(n):
        d = np.linalg.norm(r[i + 1:] - r[i], axis=1)
        E += np.sum(q[i] * q[i + 1:] * np.exp(-kappa * d) / d)
    return E
''', "yukawa_energy", lambda: [_lattice(34, 4), _normal(35, 4), 0.7]),

# ----------------------------------------------------------------------------- layers chained, flows, pricing, more physics
"rh_cs_affine_batchnorm_relu_dropout_chain_dict_caches": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)

def batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get('eps', 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma * xhat + beta, (xhat, gamma, var, eps)

def relu_forward(x):
    return np.maximum(0, x), x

def dropout_forward(x, dropout_param):
    mask = dropout_param['mask']
    return x * mask / dropout_param['p'], mask

def block_forward(x, w, b, gamma, beta, bn_param, dropout_param):
    """
    - x: (N, D); w: (D, H); b, gamma, beta: (H,)
    """
    caches = {}
    a, caches['fc'] = affine_forward(x, w, b)
    bn, caches['bn'] = batchnorm_forward(a, gamma, beta, bn_param)
    r, caches['relu'] = relu_forward(bn)
    out, caches['drop'] = dropout_forward(r, dropout_param)
    return out, caches
''', "block_forward", lambda: [_normal(1, 5, 3), _normal(2, 3, 4), _normal(3, 4), _uniform(4, 4), _normal(5, 4), {},
                               {"p": 0.5, "mask": (_rng(6).random((5, 4)) < 0.5).astype(float)}]),

"rh_cs_svm_loss_fully_vectorized_np_add_at_grad_free": ('''
import numpy as np

def multiclass_hinge(scores, y, delta=1.0):
    """scores: (N, C); y: int (N,)"""
    N = scores.shape[0]
    correct = scores[np.arange(N), y][:, None]
    margins = np.clip(scores - correct + delta, 0, None)
    margins[np.arange(N), y] = 0.0
    return margins.sum(axis=1).mean()
''', "multiclass_hinge", lambda: [_normal(7, 5, 4), np.array([0, 3, 1, 2, 2])], {"wrt": [0]}),

"rh_cs_softmax_loss_naive_explicit_loops_exp_sum": ('''
import numpy as np

def softmax_loss_naive(W, X, y, reg):
    """W: (D, C); X: (N, D); y: (N,)"""
    loss = 0.0
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        sum_exp = 0.0
        for j in range(num_classes):
            sum_exp += np.exp(scores[j])
        loss += -scores[y[i]] + np.log(sum_exp)
    loss /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    return loss
''', "softmax_loss_naive", lambda: [_normal(8, 4, 3) * .3, _normal(9, 5, 4), np.array([0, 2, 1, 1, 0]), 0.1], {"wrt": [0, 1]}),

"rh_cs_conv_relu_pool_naive_helpers_chain": ('''
import numpy as np

def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            x_win = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            for f in range(F):
                out[:, f, i, j] = np.sum(x_win * w[f], axis=(1, 2, 3)) + b[f]
    return out, (x, w, b, conv_param)

def conv_relu_forward(x, w, b, conv_param):
    """
    - x: (N, C, H, W); w: (F, C, HH, WW); b: (F,)
    """
    a, conv_cache = conv_forward_naive(x, w, b, conv_param)
    out = np.maximum(0, a)
    cache = (conv_cache, a)
    return out, cache
''', "conv_relu_forward", lambda: [_normal(10, 2, 2, 3, 3), _normal(11, 2, 2, 2, 2), _normal(12, 2), {"stride": 1, "pad": 0}]),

"rh_cs_rnn_backward_free_temporal_chain_loss_scalar": ('''
import numpy as np

def rnn_lm_loss(x, h0, Wx, Wh, b, Wout, bout, y):
    """
    x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,); Wout: (H, V); bout: (V,); y: int (N, T)
    """
    N, T, _ = x.shape
    h = h0
    loss = 0.0
    for t in range(T):
        h = np.tanh(np.dot(x[:, t, :], Wx) + np.dot(h, Wh) + b)
        s = np.dot(h, Wout) + bout
        s = s - np.max(s, axis=1, keepdims=True)
        p = np.exp(s) / np.sum(np.exp(s), axis=1, keepdims=True)
        loss += -np.sum(np.log(p[np.arange(N), y[:, t]]))
    return loss / N
''', "rnn_lm_loss", lambda: [_normal(13, 2, 3, 2), _normal(14, 2, 3), _normal(15, 2, 3) * .5, _normal(16, 3, 3) * .5, _normal(17, 3),
                             _normal(18, 3, 4) * .5, _normal(19, 4), np.array([[0, 3, 1], [2, 2, 0]])], {"wrt": [0, 1, 2, 3, 4, 5, 6]}),

"rh_ag_logsumexp_custom_keepdims_mixture_loop_clusters": ('''
import numpy as np

def logsumexp(X, axis, keepdims=False):
    max_X = np.max(X, axis=axis, keepdims=True)
    ans = max_X + np.log(np.sum(np.exp(X - max_X), axis=axis, keepdims=True))
    if not keepdims:
        ans = np.squeeze(ans, axis=axis)
    return ans

def mixture_loglik(log_w, mus, log_s, data):
    """log_w, mus, log_s: (K,); data: (N,)"""
    K = len(mus)
    comps = []
    for k in range(K):
        z = (data - mus[k]) / np.exp(log_s[k])
        comps.append(log_w[k] - log_s[k] - 0.5 * z ** 2)
    log_norm = logsumexp(log_w, axis=0)
    return np.sum(logsumexp(np.array(comps), axis=0)) - len(data) * log_norm
''', "mixture_loglik", lambda: [_normal(20, 3), _normal(21, 3), _normal(22, 3) * .2, _normal(23, 6)]),

"rh_ag_gp_classification_laplace_free_probit_like": ('''
import numpy as np
from scipy.special import expit

def latent_objective(f, K_inv, y):
    """f: (N,) latent values; K_inv: (N, N); y: (N,) in {0, 1}"""
    p = expit(f)
    ll = np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    return -ll + 0.5 * f @ K_inv @ f
''', "latent_objective", lambda: [_normal(24, 4), (lambda a: np.linalg.inv(a @ a.T + 4 * np.eye(4)))(_normal(25, 4, 4)),
                                 np.array([1., 0., 0., 1.])], {"wrt": [0, 1]}),

"rh_ag_normalizing_flow_planar_logdet": ('''
import numpy as np

def planar_flow(z, u, w, b):
    """z: (N, D); u, w: (D,); b: float"""
    a = z @ w + b
    h = np.tanh(a)
    f = z + np.outer(h, u)
    psi = np.outer(1 - h ** 2, w)
    logdet = np.log(np.abs(1 + psi @ u))
    return f, logdet

def flow_kl(z0, u1, w1, b1, u2, w2, b2):
    z1, ld1 = planar_flow(z0, u1, w1, b1)
    z2, ld2 = planar_flow(z1, u2, w2, b2)
    log_q = -0.5 * np.sum(z0 ** 2, axis=1) - ld1 - ld2
    log_p = -0.5 * np.sum((z2 - 1.0) ** 2, axis=1)
    return np.mean(log_q - log_p)
''', "flow_kl", lambda: [_normal(26, 5, 2), _normal(27, 2) * .3, _normal(28, 2) * .3, 0.1, _normal(29, 2) * .3, _normal(30, 2) * .3, -0.2]),

"rh_ag_neural_ode_adjoint_free_rk4_scalar_params": ('''
import numpy as np

def dynamics(y, t, theta):
    return np.tanh(theta[0] * y + theta[1]) - theta[2] * y

def odeint_rk4(y0, ts, theta):
    y = y0
    ys = [y0]
    for i in range(len(ts) - 1):
        h = ts[i + 1] - ts[i]
        t = ts[i]
        k1 = dynamics(y, t, theta)
        k2 = dynamics(y + h / 2 * k1, t + h / 2, theta)
        k3 = dynamics(y + h / 2 * k2, t + h / 2, theta)
        k4 = dynamics(y + h * k3, t + h, theta)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return np.stack(ys)

def loss(y0, theta, ts, target):
    """y0: (B,); theta: (3,); ts: (T,); target: (T, B)"""
    return np.mean((odeint_rk4(y0, ts, theta) - target) ** 2)
''', "loss", lambda: [_normal(31, 3), np.array([0.8, -0.1, 0.3]), np.linspace(0, 1, 5), _normal(32, 5, 3)], {"wrt": [0, 1]}),

"rh_ag_attention_seq2seq_context_loop_list": ('''
import numpy as np

def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()

def decode_loss(enc, W_att, W_out, dec_init, targets):
    """enc: (T, H); W_att: (H, H); W_out: (2H, V); dec_init: (H,); targets: int (S,)"""
    s = dec_init
    total = 0.0
    for t in targets:
        scores = enc @ (W_att @ s)
        alpha = softmax(scores)
        context = alpha @ enc
        logits = np.concatenate([s, context]) @ W_out
        logits = logits - logits.max()
        total -= logits[t] - np.log(np.sum(np.exp(logits)))
        s = np.tanh(context + s)
    return total
''', "decode_loss", lambda: [_normal(33, 4, 3), _normal(34, 3, 3) * .5, _normal(35, 6, 5) * .5, _normal(36, 3), np.array([1, 4, 0])],
    {"wrt": [0, 1, 2, 3]}),

"rh_phys_spring_pendulum_lagrangian_rk4_dict_state": ('''
import numpy as np

def accelerations(r, th, vr, vth, k, m, L0, g):
    ar = r * vth ** 2 - k / m * (r - L0) + g * np.cos(th)
    ath = -(2 * vr * vth + g * np.sin(th)) / r
    return ar, ath

def simulate(r0, th0, k, m=1.0, L0=1.0, g=9.81, dt=0.01, n=40):
    state = {'r': r0, 'th': th0, 'vr': 0.0, 'vth': 0.0}
    for _ in range(n):
        ar, ath = accelerations(state['r'], state['th'], state['vr'], state['vth'], k, m, L0, g)
        state['vr'] = state['vr'] + ar * dt
        state['vth'] = state['vth'] + ath * dt
        state['r'] = state['r'] + state['vr'] * dt
        state['th'] = state['th'] + state['vth'] * dt
    return state['r'] * np.sin(state['th'])
''', "simulate", lambda: [1.2, 0.5, 20.0], {"wrt": [0, 1, 2]}),

"rh_phys_heat_crank_nicolson_solve": ('''
import numpy as np

def crank_nicolson(u0, alpha, dx=0.1, dt=0.01, steps=5):
    """u0: (N,) interior temperatures with zero Dirichlet ends"""
    N = u0.shape[0]
    r = alpha * dt / dx ** 2
    L = -2 * np.eye(N) + np.eye(N, k=1) + np.eye(N, k=-1)
    A = np.eye(N) - 0.5 * r * L
    B = np.eye(N) + 0.5 * r * L
    u = u0
    for _ in range(steps):
        u = np.linalg.solve(A, B @ u)
    return np.sum(u ** 2)
''', "crank_nicolson", lambda: [_normal(37, 5), 0.3]),

"rh_phys_gravity_nbody_energy_with_com_frame": ('''
import numpy as np

def total_energy(pos, vel, mass, G=1.0):
    """pos, vel: (N, 3); mass: (N,)"""
    M = mass.sum()
    v_com = (mass[:, None] * vel).sum(axis=0) / M
    v = vel - v_com
    KE = 0.5 * np.sum(mass * np.sum(v ** 2, axis=1))
    dx = pos[:, None, :] - pos[None, :, :]
    r = np.sqrt(np.sum(dx ** 2, axis=-1) + np.eye(len(mass)))
    inv_r = np.triu(1.0 / r, k=1)
    PE = -G * np.sum(np.outer(mass, mass) * inv_r)
    return KE + PE
''', "total_energy", lambda: [_normal(38, 4, 3) * 2, _normal(39, 4, 3), _uniform(40, 4)]),

"rh_phys_magnetic_dipole_field_energy_loops": ('''
import numpy as np

def dipole_energy(m, r):
    """m: (N, 3) moments; r: (N, 3) positions"""
    E = 0.0
    N = len(m)
    for i in range(N):
        for j in range(i + 1, N):
            d = r[j] - r[i]
            dist = np.linalg.norm(d)
            n = d / dist
            E += (np.dot(m[i], m[j]) - 3 * np.dot(m[i], n) * np.dot(m[j], n)) / dist ** 3
    return E
''', "dipole_energy", lambda: [_normal(41, 3, 3), _normal(42, 3, 3) * 2]),

"rh_phys_schrodinger_finite_difference_ground_state_rayleigh": ('''
import numpy as np

def rayleigh_energy(psi, V, dx):
    """psi: (N,) trial wavefunction on a grid (zero outside); V: (N,) potential"""
    lap = (np.roll(psi, 1) - 2 * psi + np.roll(psi, -1)) / dx ** 2
    lap[0] = (psi[1] - 2 * psi[0]) / dx ** 2
    lap[-1] = (psi[-2] - 2 * psi[-1]) / dx ** 2
    H_psi = -0.5 * lap + V * psi
    return np.dot(psi, H_psi) / np.dot(psi, psi)
''', "rayleigh_energy", lambda: [_uniform(43, 7), np.linspace(-1, 1, 7) ** 2, 0.2], {"wrt": [0, 1]}),

"rh_phys_elastic_rod_bending_stretching_energy": ('''
import numpy as np

def rod_energy(X, ks, kb, L0):
    """X: (N, 2) node positions of a discrete rod"""
    e = X[1:] - X[:-1]
    lengths = np.linalg.norm(e, axis=1)
    stretch = 0.5 * ks * np.sum((lengths - L0) ** 2)
    t = e / lengths[:, None]
    cos_turn = np.sum(t[1:] * t[:-1], axis=1)
    bend = kb * np.sum(1 - cos_turn)
    return stretch + bend
''', "rod_energy", lambda: [np.cumsum(np.ones((5, 2)) * 0.5 + 0.1 * _normal(44, 5, 2), axis=0), 10.0, 2.0, 0.7]),

"rh_phys_thermostat_berendsen_velocity_rescale_loop": ('''
import numpy as np

def berendsen(v, T0, tau, dt=0.01, steps=5, m=1.0):
    """v: (N, 3) velocities"""
    N = v.shape[0]
    for _ in range(steps):
        T = m * np.sum(v ** 2) / (3 * N)
        lam = np.sqrt(1 + dt / tau * (T0 / T - 1))
        v = v * lam
    return np.sum(v ** 2)
''', "berendsen", lambda: [_normal(45, 4, 3), 1.5, 0.1]),

"rh_phys_option_binomial_tree_american_put_loop_max": ('''
import numpy as np

def american_put(S0, K, r, sigma, T=1.0, n=6):
    dt = T / n
    u = np.exp(sigma * np.sqrt(dt))
    d = 1 / u
    p = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    j = np.arange(n + 1)
    S = S0 * u ** (n - j) * d ** j
    V = np.maximum(K - S, 0.0)
    for i in range(n - 1, -1, -1):
        S = S0 * u ** (i - np.arange(i + 1)) * d ** np.arange(i + 1)
        V = np.maximum(disc * (p * V[:-1] + (1 - p) * V[1:]), K - S)
    return V[0]
''', "american_put", lambda: [100.0, 103.0, 0.05, 0.3], {"wrt": [0, 1, 2, 3]}),

"rh_phys_implied_heat_capacity_debye_quadrature_trapz": ('''
import numpy as np

def debye_cv(T, theta_D, n=40):
    x = np.linspace(1e-6, theta_D / T, n)
    integrand = x ** 4 * np.exp(x) / (np.exp(x) - 1) ** 2
    dx = x[1] - x[0]
    integral = dx * (np.sum(integrand) - 0.5 * (integrand[0] + integrand[-1]))
    return 9 * (T / theta_D) ** 3 * integral
''', "debye_cv", lambda: [150.0, 300.0], {"wrt": [0, 1]}),

"rh_phys_ray_tracing_snell_slab_stack_loop": ('''
import numpy as np

def exit_offset(theta0, n_layers, thickness):
    """n_layers, thickness: (L,) refractive indices and slab thicknesses; returns lateral shift"""
    s = np.sin(theta0)
    shift = 0.0
    n_prev = 1.0
    for n, t in zip(n_layers, thickness):
        s = s * n_prev / n
        shift += t * s / np.sqrt(1 - s ** 2)
        n_prev = n
    return shift
''', "exit_offset", lambda: [0.5, np.array([1.3, 1.5, 1.4]), np.array([0.2, 0.1, 0.3])]),

"rh_phys_ideal_gas_piston_adiabatic_work_list": ('''
def work_cycle(V1, V2, P1, gamma=1.4, n=20):
    dV = (V2 - V1) / n
    W = 0.0
    V = V1
    for i in range(n):
        Vm = V + 0.5 * dV
        P = P1 * (V1 / Vm) ** gamma
        W += P * dV
        V += dV
    return W
''', "work_cycle", lambda: [1.0, 2.5, 3.0, 1.4]),

"rh_cs_rnn_step_tuple_cache_then_loop_caches_list_index": ('''
import numpy as np

def step(x, h, Wx, Wh, b):
    a = x @ Wx + h @ Wh + b
    return np.tanh(a), (x, h, a)

def rnn_sum_forward(x, h0, Wx, Wh, b):
    """
    - x: (N, T, D); h0: (N, H); Wx: (D, H); Wh: (H, H); b: (H,)
    """
    N, T, D = x.shape
    caches = []
    h = h0
    hsum = np.zeros_like(h0)
    for t in range(T):
        h, c = step(x[:, t], h, Wx, Wh, b)
        caches.append(c)
        hsum += h
    return hsum / T, caches
''', "rnn_sum_forward", lambda: [_normal(46, 2, 3, 2), _normal(47, 2, 3), _normal(48, 2, 3) * .5, _normal(49, 3, 3) * .5, _normal(50, 3)]),

"rh_ml_contrastive_simclr_nt_xent": ('''
import numpy as np

def nt_xent(z1, z2, tau=0.5):
    """z1, z2: (N, D) embeddings of two views"""
    z = np.concatenate([z1, z2], axis=0)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T / tau
    N2 = sim.shape[0]
    sim = sim - 1e9 * np.eye(N2)
    n = N2 // 2
    pos = np.concatenate([np.arange(n, N2), np.arange(0, n)])
    logprob = sim - np.log(np.sum(np.exp(sim), axis=1, keepdims=True))
    return -np.mean(logprob[np.arange(N2), pos])
''', "nt_xent", lambda: [_normal(51, 3, 4), _normal(52, 3, 4)]),

"rh_ml_layer_norm_transformer_block_residual_gelu": ('''
import numpy as np

def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + eps) + b

def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

def block(x, g1, b1, W1, c1, W2, c2):
    """x: (T, D); g1, b1: (D,); W1: (D, F); c1: (F,); W2: (F, D); c2: (D,)"""
    h = layer_norm(x, g1, b1)
    h = gelu(h @ W1 + c1) @ W2 + c2
    return np.sum((x + h) ** 2)
''', "block", lambda: [_normal(53, 3, 4), _uniform(54, 4), _normal(55, 4), _normal(56, 4, 6) * .5, _normal(57, 6), _normal(58, 6, 4) * .5, _normal(59, 4)]),

# ----------------------------------------------------------------------------- NumPy's writes, scatters, sorts and index tricks in real code
"rh_cs_word_embedding_duplicate_indices_scatter_sum": ('''
import numpy as np

def bag_of_words_loss(W, idx, weights, target):
    """W: (V, D); idx: int (K,) with repeats; weights: (K,); target: (D,)"""
    emb = np.zeros(W.shape[1])
    for k in range(len(idx)):
        emb += weights[k] * W[idx[k]]
    return np.sum((emb - target) ** 2)
''', "bag_of_words_loss", lambda: [_normal(1, 5, 3), np.array([1, 3, 1, 1, 0]), _normal(2, 5), _normal(3, 3)], {"wrt": [0, 2]}),

"rh_numpy_fancy_inplace_add_repeated_indices_semantics": ('''
import numpy as np

def bump(x, idx, v):
    """x: (N,); idx: int (K,) with repeats; v: (K,). NumPy's x[idx] += v applies each index once."""
    y = x.copy()
    y[idx] += v
    return np.sum(y ** 2)
''', "bump", lambda: [_normal(4, 5), np.array([1, 3, 1]), _normal(5, 3)], {"wrt": [0, 2]}),

"rh_numpy_add_at_repeated_indices": ('''
import numpy as np

def scatter(x, idx, v):
    y = x.copy()
    np.add.at(y, idx, v)
    return np.sum(np.sin(y))
''', "scatter", lambda: [_normal(6, 5), np.array([1, 3, 1]), _normal(7, 3)], {"wrt": [0, 2]}),

"rh_numpy_transpose_reshape_copy_then_write": ('''
import numpy as np

def f(x):
    """x: (2, 3)"""
    y = x.T.reshape(6)
    y[0] = 10.0 * y[1]
    return np.sum(y * x.reshape(6)) + np.sum(x ** 2)
''', "f", lambda: [_normal(8, 2, 3)]),

"rh_numpy_view_write_through_basic_slice": ('''
import numpy as np

def f(x, s):
    """x: (4, 3)"""
    y = x.copy()
    top = y[:2]
    top *= s
    top[:, 0] = np.tanh(top[:, 1])
    return np.sum(y ** 2)
''', "f", lambda: [_normal(9, 4, 3), 1.7]),

"rh_numpy_boolean_mask_from_data_clamp_then_log": ('''
import numpy as np

def robust_log_loss(pred, y):
    """pred: (N,) positive; y: (N,)"""
    p = pred.copy()
    small = p < 0.3
    p[small] = 0.3 + 0.1 * p[small]
    return np.mean((np.log(p) - y) ** 2)
''', "robust_log_loss", lambda: [_uniform(10, 6) - 0.35, _normal(11, 6)], {"wrt": [0]}),

"rh_numpy_maximum_accumulate_drawdown_loss": ('''
import numpy as np

def max_drawdown(returns):
    """returns: (T,)"""
    wealth = np.cumprod(1 + returns)
    peak = np.maximum.accumulate(wealth)
    dd = (peak - wealth) / peak
    return np.max(dd)
''', "max_drawdown", lambda: [_normal(12, 8) * 0.05]),

"rh_numpy_sort_trimmed_huber_topk": ('''
import numpy as np

def topk_loss(r, k=3):
    """r: (N,) residuals; mean of the k largest squared"""
    s = np.sort(r ** 2)[::-1]
    return np.mean(s[:k])
''', "topk_loss", lambda: [_normal(13, 7)]),

"rh_numpy_argsort_index_ranking_loss": ('''
import numpy as np

def listwise_loss(scores, relevance):
    """scores, relevance: (N,); ListMLE on the order relevance gives"""
    order = np.argsort(-relevance)
    s = scores[order]
    loss = 0.0
    for i in range(len(s)):
        tail = s[i:]
        m = np.max(tail)
        loss += -(s[i] - m - np.log(np.sum(np.exp(tail - m))))
    return loss
''', "listwise_loss", lambda: [_normal(14, 5), np.array([3., 1., 2., 0., 4.])], {"wrt": [0]}),

"rh_numpy_where_nonzero_indices_gather": ('''
import numpy as np

def active_energy(x, mask):
    """x: (N,); mask: bool (N,)"""
    idx = np.where(mask)[0]
    xa = x[idx]
    return np.sum(xa[1:] * xa[:-1]) + np.sum(xa ** 2)
''', "active_energy", lambda: [_normal(15, 6), np.array([True, False, True, True, False, True])], {"wrt": [0]}),

"rh_numpy_ix_submatrix_quadratic": ('''
import numpy as np

def sub_quadratic(A, v, rows):
    """A: (N, N); v: (K,); rows: int (K,)"""
    S = A[np.ix_(rows, rows)]
    return v @ S @ v
''', "sub_quadratic", lambda: [_normal(16, 4, 4), _normal(17, 2), np.array([3, 1])], {"wrt": [0, 1]}),

"rh_numpy_take_along_axis_argmax_pooling": ('''
import numpy as np

def pooled(x, w):
    """x: (N, T, D); w: (D,) attention-free max over time by score"""
    scores = x @ w
    best = np.argmax(scores, axis=1)
    chosen = np.take_along_axis(x, best[:, None, None], axis=1)[:, 0, :]
    return np.sum(chosen ** 2) + np.sum(scores)
''', "pooled", lambda: [_normal(18, 2, 4, 3), _normal(19, 3)]),

"rh_numpy_out_argument_inplace_exp_then_normalize": ('''
import numpy as np

def softmax_inplace(x):
    """x: (N, C)"""
    s = x - x.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return np.sum(s * np.arange(s.shape[1]))
''', "softmax_inplace", lambda: [_normal(20, 3, 4)]),

"rh_numpy_negative_base_integer_power_and_abs": ('''
import numpy as np

def poly_energy(x, a):
    """x: (N,) may be negative"""
    return np.sum(a * x ** 3 - np.abs(x) ** 1.5 + x ** 4 / 4)
''', "poly_energy", lambda: [_normal(21, 6), 0.7]),

"rh_numpy_copyto_where_relu_variant": ('''
import numpy as np

def leaky(x, alpha):
    """x: (N, D)"""
    out = x.copy()
    np.copyto(out, alpha * x, where=x < 0)
    return np.sum(out ** 2)
''', "leaky", lambda: [_normal(22, 3, 4), 0.1]),

"rh_numpy_put_along_axis_onehot_grad_free": ('''
import numpy as np

def margin_loss(scores, y):
    """scores: (N, C); y: int (N,)"""
    N, C = scores.shape
    onehot = np.zeros((N, C))
    np.put_along_axis(onehot, y[:, None], 1.0, axis=1)
    correct = np.sum(scores * onehot, axis=1, keepdims=True)
    return np.sum(np.maximum(0, scores - correct + 1) * (1 - onehot))
''', "margin_loss", lambda: [_normal(23, 4, 3), np.array([0, 2, 1, 2])], {"wrt": [0]}),

"rh_numpy_swap_columns_fancy_assign_view": ('''
import numpy as np

def swapped(x, w):
    """x: (N, 3); w: (3,)"""
    y = x.copy()
    y[:, [0, 2]] = y[:, [2, 0]]
    return np.sum((y @ w) ** 2)
''', "swapped", lambda: [_normal(24, 4, 3), _normal(25, 3)]),

"rh_numpy_diag_fill_and_triu_mask_energy": ('''
import numpy as np

def pair_energy(X, eps):
    """X: (N, D)"""
    D2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    np.fill_diagonal(D2, 1.0)
    E = eps / D2
    return np.sum(np.triu(E, 1))
''', "pair_energy", lambda: [_normal(26, 4, 2) * 2, 0.5]),

"rh_numpy_chained_inplace_alias_same_array": ('''
import numpy as np

def f(x):
    """x: (5,)"""
    y = x.copy()
    z = y
    z += 1.0
    y *= y
    return np.sum(z * x)
''', "f", lambda: [_normal(27, 5)]),

"rh_numpy_roll_and_diff_periodic_curvature": ('''
import numpy as np

def curvature_energy(theta, k):
    """theta: (N,) angles around a ring"""
    d = np.diff(theta, append=theta[:1]) 
    wrapped = (d + np.pi) % (2 * np.pi) - np.pi
    return 0.5 * k * np.sum(wrapped ** 2)
''', "curvature_energy", lambda: [np.linspace(0, 5, 6) + 0.1 * _normal(28, 6), 2.0]),

"rh_python_list_of_arrays_inplace_modification_loop": ('''
import numpy as np

def f(xs, s):
    """xs: list of three (3,) arrays"""
    ys = [x.copy() for x in xs]
    for y in ys:
        y *= s
        y[0] = y[1] * y[2]
    return sum(np.sum(y ** 2) for y in ys)
''', "f", lambda: [[_normal(29, 3), _normal(30, 3), _normal(31, 3)], 1.3]),

"rh_python_dict_of_arrays_update_loop_items": ('''
import numpy as np

def sgd_step_loss(params, grads, lr, X):
    """params, grads: dicts with W (D, H), b (H,); X: (N, D)"""
    new = {}
    for k, v in params.items():
        new[k] = v - lr * grads[k]
    h = np.tanh(X @ new['W'] + new['b'])
    return np.sum(h ** 2)
''', "sgd_step_loss", lambda: [{"W": _normal(32, 3, 2), "b": _normal(33, 2)}, {"W": _normal(34, 3, 2), "b": _normal(35, 2)}, 0.1, _normal(36, 4, 3)],
    {"shapes": {"params": {"W": "D, H", "b": "H"}, "grads": {"W": "D, H", "b": "H"}, "lr": "float", "X": "N, D"}}),

# ----------------------------------------------------------------------------- while True, tuples spread into calls, lists of sizes
"rh_adv_while_true_nested_loop_return_inside_for": ('''
import math

def first_crossing(a, b, dt=0.05):
    t = 0.0
    x = a
    while True:
        for k in range(3):
            x = x + dt * (b - x) + 0.01 * k
            t += dt
            if x > 0.8 * b:
                return t * x
        if t > 50:
            return -1.0 * x
''', "first_crossing", lambda: [0.1, 1.3]),

"rh_adv_while_true_two_returns_tuple": ('''
import numpy as np

def settle(x0, k, tol=1e-3):
    """x0: (3,)"""
    x = x0
    n = 0
    while True:
        x = x - k * np.tanh(x)
        n += 1
        if np.max(np.abs(x)) < tol:
            return np.sum(x), n * 1.0
        if n >= 25:
            return np.sum(x ** 2), n * 2.0
''', "settle", lambda: [_normal(1, 3), 0.3], {"wrt": [0, 1], "shapes": {"x0": "3", "k": "float"}}),

"rh_adv_spread_tuple_list_and_default_mixed": ('''
import numpy as np

def f(x, a, b=1.0, c=0.0):
    return a * np.sin(b * x + c)

def integrate(g, x0, h, n, params=(1.0,)):
    x = x0
    total = 0.0
    for i in range(n):
        total = total + h * g(x, *params)
        x = x + h
    return total

def loss(x0, a, b, c):
    return integrate(f, x0, 0.1, 5, [a, b, c]) + integrate(f, x0, 0.2, 3) + integrate(f, x0, 0.1, 2, params=(a, b))
''', "loss", lambda: [0.3, 1.2, 0.7, -0.2]),

"rh_adv_fixed_list_of_arrays_zip_sizes_shape_change": ('''
import numpy as np

def mlp(x, W1, W2, W3):
    """x: (N, 2); W1: (2, 4); W2: (4, 3); W3: (3, 1)"""
    Ws = [W1, W2, W3]
    acts = ['tanh', 'tanh', 'none']
    h = x
    for W, act in zip(Ws, acts):
        h = h @ W
        if act == 'tanh':
            h = np.tanh(h)
    return np.sum(h ** 2)
''', "mlp", lambda: [_normal(2, 5, 2), _normal(3, 2, 4), _normal(4, 4, 3), _normal(5, 3, 1)]),

"rh_adv_fixed_list_alias_then_reversed": ('''
import numpy as np

def decoder(z, Ws):
    """z: (N, 1); Ws: list of (1, 3), (3, 2) weight matrices given reversed"""
    sizes = [1, 3, 2]
    s = sizes
    h = z
    for k, m in enumerate(s[1:]):
        W = Ws[k]
        h = np.tanh(h @ W[:, :m])
    return np.sum(h)
''', "decoder", lambda: [_normal(6, 4, 1), [_normal(7, 1, 3), _normal(8, 3, 2)]],
    {"shapes": {"z": "4, 1", "Ws": ["1, 3", "3, 2"]}}),

"rh_adv_number_list_item_aug_assign": ('''
import numpy as np

def f(x):
    """x: (5,)"""
    coeffs = [0.5, -1.5, 2.0]
    acc = 0
    total = 0.0
    for i in range(len(coeffs)):
        acc += coeffs[i] * (i + 1)
        total = total + acc * np.sum(x[: i + 2] ** 2)
    return total
''', "f", lambda: [_normal(9, 5)]),

"rh_adv_module_pairs_reversed_loop": ('''
import numpy as np

BONDS = [(0, 1), (1, 2), (2, 3)]

def chain(x, k):
    """x: (4, 2)"""
    e = 0.0
    for (i, j) in reversed(BONDS):
        e = e * 0.9 + k * np.sum((x[i] - x[j]) ** 2)
    return e
''', "chain", lambda: [_normal(10, 4, 2), 1.5]),

"rh_adv_module_triples_zip_weights_list": ('''
import numpy as np

ANGLES = [(0, 1, 2), (1, 2, 3)]
K_THETA = [10.0, 20.0]

def angle_energy(x, theta0):
    """x: (4, 3)"""
    e = 0.0
    for (i, j, k), kt in zip(ANGLES, K_THETA):
        a = x[i] - x[j]
        b = x[k] - x[j]
        c = a @ b / np.sqrt((a @ a) * (b @ b))
        e = e + 0.5 * kt * (np.arccos(c) - theta0) ** 2
    return e
''', "angle_energy", lambda: [np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 0.1], [-0.3, 1.0, 0.2], [0.2, 1.8, 1.0]]), 1.9]),

# ----------------------------------------------------------------------------- layers over lists, kernels, integrators again
"rh_cs_batchnorm_running_stats_update_and_cache_tuple_train": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with mode, eps, momentum, running_mean, running_var
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        mu = np.mean(x, axis=0)
        xc = x - mu
        var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(var + eps)
        z = xc / std
        out = gamma * z + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x, xc, var, std, z, gamma, eps)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache
''', "batchnorm_forward", lambda: [_normal(1, 6, 3), _uniform(2, 3), _normal(3, 3), {"mode": "train"}]),

"rh_cs_svm_structured_loss_half_vectorized": ('''
import numpy as np

def svm_loss_half_vectorized(W, X, y, reg):
    """
    - W: (D, C); X: (N, D); y: (N,); reg: float
    """
    loss = 0.0
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        margins = np.maximum(0, scores - scores[y[i]] + 1)
        margins[y[i]] = 0
        loss += np.sum(margins)
    loss /= num_train
    loss += reg * np.sum(W * W)
    return loss
''', "svm_loss_half_vectorized", lambda: [_normal(4, 4, 3) * .3, _normal(5, 5, 4), np.array([0, 2, 1, 1, 0]), 0.05], {"wrt": [0, 1]}),

"rh_cs_dropout_inverted_then_affine_scores_loss_list_layers": ('''
import numpy as np

def forward_loss(X, y, Ws, bs, masks, p):
    """X: (N, D); y: int (N,); Ws, bs: lists of two layers; masks: list of (N, H) keep masks"""
    h = X
    for W, b, m in zip(Ws[:-1], bs[:-1], masks):
        h = np.maximum(0, h @ W + b) * m / p
    scores = h @ Ws[-1] + bs[-1]
    scores -= scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()
''', "forward_loss", lambda: [_normal(6, 4, 3), np.array([0, 1, 1, 0]), [_normal(7, 3, 5), _normal(8, 5, 2)], [_normal(9, 5), _normal(10, 2)],
                              [(_rng(11).random((4, 5)) < 0.7).astype(float)], 0.7],
    {"wrt": [0, 2, 3], "shapes": {"X": "N, D", "y": "int N", "Ws": ["D, H", "H, C"], "bs": ["H,", "C,"], "masks": ["N, H"], "p": "float"}}),

"rh_ag_gp_periodic_plus_rbf_kernel_sum": ('''
import numpy as np

def kernel(x1, x2, log_ls, log_p, log_amp):
    d = x1[:, None] - x2[None, :]
    rbf = np.exp(-0.5 * d ** 2 / np.exp(2 * log_ls))
    per = np.exp(-2 * np.sin(np.pi * np.abs(d) / np.exp(log_p)) ** 2)
    return np.exp(2 * log_amp) * rbf * per

def gp_nll(log_ls, log_p, log_amp, log_noise, x, y):
    """x, y: (N,)"""
    K = kernel(x, x, log_ls, log_p, log_amp) + np.exp(2 * log_noise) * np.eye(len(x))
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(L, y)
    return 0.5 * a @ a + np.sum(np.log(np.diag(L))) + 0.5 * len(x) * np.log(2 * np.pi)
''', "gp_nll", lambda: [0.2, 0.5, 0.1, -1.0, np.array([0.1, 0.7, 1.3, 2.2, 2.9]), _normal(12, 5)], {"wrt": [0, 1, 2, 3, 5]}),

"rh_ag_mean_field_vi_bernoulli_logistic_reparam_loop": ('''
import numpy as np

def elbo(mu, log_sigma, X, y, eps):
    """mu, log_sigma: (D,); X: (N, D); y: (N,) in {0, 1}; eps: (S, D)"""
    sigma = np.exp(log_sigma)
    total = 0.0
    for s in range(eps.shape[0]):
        w = mu + sigma * eps[s]
        logits = X @ w
        total += np.sum(y * logits - np.logaddexp(0, logits)) - 0.5 * np.sum(w ** 2)
    entropy = np.sum(log_sigma)
    return total / eps.shape[0] + entropy
''', "elbo", lambda: [_normal(13, 3), _normal(14, 3) * .2, _normal(15, 6, 3), (_normal(16, 6) > 0).astype(float), _normal(17, 4, 3)], {"wrt": [0, 1]}),

"rh_phys_rk4_lorenz_tuple_unpack_state_list": ('''
def lorenz(state, sigma, rho, beta):
    x, y, z = state
    return (sigma * (y - x), x * (rho - z) - y, x * y - beta * z)

def rk4(state, h, sigma, rho, beta):
    k1 = lorenz(state, sigma, rho, beta)
    s2 = tuple(s + 0.5 * h * k for s, k in zip(state, k1))
    k2 = lorenz(s2, sigma, rho, beta)
    s3 = tuple(s + 0.5 * h * k for s, k in zip(state, k2))
    k3 = lorenz(s3, sigma, rho, beta)
    s4 = tuple(s + h * k for s, k in zip(state, k3))
    k4 = lorenz(s4, sigma, rho, beta)
    return tuple(s + h / 6 * (a + 2 * b + 2 * c + d) for s, a, b, c, d in zip(state, k1, k2, k3, k4))

def final_x(x0, y0, z0, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    state = (x0, y0, z0)
    for _ in range(10):
        state = rk4(state, 0.01, sigma, rho, beta)
    return state[0] + state[2]
''', "final_x", lambda: [1.0, 1.0, 1.0, 10.0, 28.0, 8.0 / 3.0]),

"rh_phys_spring_lattice_2d_neighbors_roll": ('''
import numpy as np

def lattice_energy(u, k, a=1.0):
    """u: (n, n, 2) displacements of a square lattice, periodic"""
    E = 0.0
    for axis, shift in ((0, np.array([a, 0.0])), (1, np.array([0.0, a]))):
        d = np.roll(u, -1, axis=axis) - u + shift
        L = np.sqrt(np.sum(d ** 2, axis=-1))
        E = E + 0.5 * k * np.sum((L - a) ** 2)
    return E
''', "lattice_energy", lambda: [0.1 * _normal(18, 3, 3, 2), 2.0]),

"rh_phys_gravity_two_body_energy_momentum_scalar_math": ('''
import math

def two_body(x1, y1, x2, y2, vx1, vy1, vx2, vy2, m1=1.0, m2=0.5, G=1.0):
    r = math.hypot(x2 - x1, y2 - y1)
    ke = 0.5 * m1 * (vx1 ** 2 + vy1 ** 2) + 0.5 * m2 * (vx2 ** 2 + vy2 ** 2)
    pe = -G * m1 * m2 / r
    px = m1 * vx1 + m2 * vx2
    return ke + pe + 0.1 * px ** 2
''', "two_body", lambda: [0.0, 0.0, 1.2, 0.3, 0.1, -0.2, -0.1, 0.4]),

"rh_phys_heat_equation_implicit_tridiagonal_thomas": ('''
import numpy as np

def thomas(a, b, c, d):
    n = len(d)
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x

def implicit_heat(u0, r, steps=3):
    """u0: (N,)"""
    n = len(u0)
    a = -r * np.ones(n)
    b = (1 + 2 * r) * np.ones(n)
    c = -r * np.ones(n)
    u = u0
    for _ in range(steps):
        u = thomas(a, b, c, u)
    return np.sum(u ** 2)
''', "implicit_heat", lambda: [_normal(19, 5), 0.4]),

"rh_phys_black_scholes_greeks_vectorized_vega_loss": ('''
import numpy as np
from scipy.stats import norm

def vega_weighted_error(sigma, S, K, T, r, market):
    """sigma: (M,) per strike; S: float; K, T, market: (M,)"""
    sqT = np.sqrt(T)
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * sqT)
    d2 = d1 - sigma * sqT
    price = S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)
    vega = S * norm.pdf(d1) * sqT
    return np.sum((price - market) ** 2 / vega)
''', "vega_weighted_error", lambda: [np.array([0.2, 0.25, 0.3]), 100.0, np.array([90., 100., 110.]), np.array([0.5, 1.0, 1.5]), 0.02, np.array([12.0, 10.0, 8.0])],
    {"wrt": [0, 1, 2, 3, 4]}),

"rh_ml_knowledge_attention_causal_mask_loop_heads_concat": ('''
import numpy as np

def causal_attention(x, Wqkv, Wo, n_heads):
    """x: (T, E); Wqkv: (E, 3E); Wo: (E, E)"""
    T, E = x.shape
    hd = E // n_heads
    qkv = x @ Wqkv
    q, k, v = qkv[:, :E], qkv[:, E:2 * E], qkv[:, 2 * E:]
    mask = np.triu(np.ones((T, T)), 1) * -1e9
    heads = []
    for h in range(n_heads):
        sl = slice(h * hd, (h + 1) * hd)
        att = q[:, sl] @ k[:, sl].T / np.sqrt(hd) + mask
        att = np.exp(att - att.max(axis=1, keepdims=True))
        att /= att.sum(axis=1, keepdims=True)
        heads.append(att @ v[:, sl])
    return np.sum((np.concatenate(heads, axis=1) @ Wo) ** 2)
''', "causal_attention", lambda: [_normal(20, 3, 4), _normal(21, 4, 12) * .5, _normal(22, 4, 4) * .5, 2], {"wrt": [0, 1, 2]}),

"rh_ml_focal_loss_multiclass_gamma_alpha": ('''
import numpy as np

def focal_loss(logits, y, alpha, gamma=2.0):
    """logits: (N, C); y: int (N,); alpha: (C,)"""
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    idx = np.arange(logits.shape[0])
    lp = logp[idx, y]
    p = np.exp(lp)
    return -np.mean(alpha[y] * (1 - p) ** gamma * lp)
''', "focal_loss", lambda: [_normal(23, 5, 3), np.array([0, 2, 1, 1, 2]), _uniform(24, 3)], {"wrt": [0, 2]}),

# ----------------------------------------------------------------------------- orbits on lists, fields on grids, meta-learning
"rh_phys_orbit_rk4_lists_of_floats_math": ('''
import math

def deriv(s, mu):
    x, y, vx, vy = s
    r3 = (x * x + y * y) ** 1.5
    return [vx, vy, -mu * x / r3, -mu * y / r3]

def step(s, h, mu):
    k1 = deriv(s, mu)
    k2 = deriv([a + 0.5 * h * b for a, b in zip(s, k1)], mu)
    k3 = deriv([a + 0.5 * h * b for a, b in zip(s, k2)], mu)
    k4 = deriv([a + h * b for a, b in zip(s, k3)], mu)
    return [a + h / 6.0 * (b + 2 * c + 2 * d + e) for a, b, c, d, e in zip(s, k1, k2, k3, k4)]

def miss_distance(vx0, vy0, mu=1.0, h=0.05, n=20):
    s = [1.0, 0.0, vx0, vy0]
    for _ in range(n):
        s = step(s, h, mu)
    return math.hypot(s[0] - 0.2, s[1] - 0.9)
''', "miss_distance", lambda: [0.05, 1.1, 1.0]),

"rh_phys_heat_convolve_kernel_steps": ('''
import numpy as np

def smooth_steps(u0, D, steps=4):
    """u0: (N,) on a periodic grid, explicit diffusion by a 3-point kernel"""
    k = np.array([D, 1 - 2 * D, D])
    u = u0
    for _ in range(steps):
        padded = np.concatenate([u[-1:], u, u[:1]])
        u = np.convolve(padded, k, mode='valid')
    return np.sum(u ** 3)
''', "smooth_steps", lambda: [_normal(1, 7), 0.2]),

"rh_phys_np_gradient_field_energy": ('''
import numpy as np

def field_energy(phi, dx):
    """phi: (N, M) potential on a grid"""
    gy, gx = np.gradient(phi, dx)
    return 0.5 * np.sum(gx ** 2 + gy ** 2) * dx * dx
''', "field_energy", lambda: [_normal(2, 4, 5), 0.3]),

"rh_phys_pendulum_damped_euler_cromer_while_time": ('''
import math

def swing_time(theta0, b, g=9.81, L=1.0, dt=0.001):
    theta, omega, t = theta0, 0.0, 0.0
    while t < 0.5:
        omega += (-g / L * math.sin(theta) - b * omega) * dt
        theta += omega * dt
        t += dt
    return theta
''', "swing_time", lambda: [0.3, 0.2]),

"rh_fin_monte_carlo_barrier_smooth_given_normals": ('''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def barrier_call(S0, K, B, sigma, r, Z, T=1.0, sharp=50.0):
    """Z: (P, n) normals; up-and-out call, the barrier smoothed by a sigmoid"""
    P, n = Z.shape
    dt = T / n
    log_paths = np.log(S0) + np.cumsum((r - 0.5 * sigma ** 2) * dt + sigma * np.sqrt(dt) * Z, axis=1)
    paths = np.exp(log_paths)
    alive = np.prod(sigmoid(sharp * (B - paths) / B), axis=1)
    payoff = np.maximum(paths[:, -1] - K, 0.0) * alive
    return np.exp(-r * T) * np.mean(payoff)
''', "barrier_call", lambda: [100.0, 100.0, 130.0, 0.2, 0.01, _normal(3, 40, 5)], {"wrt": [0, 1, 2, 3, 4]}),

"rh_cs_affine_layer_with_l1_reg_and_docstring_returns": ('''
import numpy as np

def affine_l1_loss(x, w, b, y, lam):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, D)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    - y: targets, of shape (N, M)
    - lam: (float) L1 strength

    Returns:
    - loss: a float
    """
    pred = x.dot(w) + b
    diff = pred - y
    loss = 0.5 * np.sum(diff * diff) / x.shape[0]
    loss += lam * np.sum(np.abs(w))
    return loss
''', "affine_l1_loss", lambda: [_normal(4, 5, 3), _normal(5, 3, 2), _normal(6, 2), _normal(7, 5, 2), 0.1], {"wrt": [0, 1, 2]}),

"rh_ag_gaussian_copula_free_multivariate_normal_loglik_cholesky_loop": ('''
import numpy as np

def mvn_loglik(mu, L_flat, X):
    """mu: (D,); L_flat: (D * (D + 1) // 2,) lower-triangular Cholesky factor, diagonal in log; X: (N, D)"""
    D = mu.shape[0]
    L = np.zeros((D, D))
    k = 0
    for i in range(D):
        for j in range(i + 1):
            if i == j:
                L[i, j] = np.exp(L_flat[k])
            else:
                L[i, j] = L_flat[k]
            k += 1
    Z = np.linalg.solve(L, (X - mu).T)
    return -0.5 * np.sum(Z ** 2) - X.shape[0] * np.sum(np.log(np.diag(L)))
''', "mvn_loglik", lambda: [_normal(8, 3), _normal(9, 6) * 0.3, _normal(10, 5, 3)]),

"rh_ml_adam_unrolled_two_steps_meta_loss": ('''
import numpy as np

def inner_loss(w, X, y):
    return np.mean((X @ w - y) ** 2)

def inner_grad(w, X, y):
    return 2 * X.T @ (X @ w - y) / len(y)

def meta_loss(w0, lr, X, y, Xv, yv, beta1=0.9, beta2=0.999, eps=1e-8):
    """w0: (D,); X: (N, D); y: (N,)"""
    m = np.zeros_like(w0)
    v = np.zeros_like(w0)
    w = w0
    for t in range(1, 3):
        g = inner_grad(w, X, y)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        mhat = m / (1 - beta1 ** t)
        vhat = v / (1 - beta2 ** t)
        w = w - lr * mhat / (np.sqrt(vhat) + eps)
    return inner_loss(w, Xv, yv)
''', "meta_loss", lambda: [_normal(11, 3), 0.1, _normal(12, 6, 3), _normal(13, 6), _normal(14, 4, 3), _normal(15, 4)], {"wrt": [0, 1, 2]}),

# ----------------------------------------------------------------------------- physics (ph_): coordinates,
# module dicts, spread shapes, states written as tuples, np.linalg by name, integrators and solvers
"ph_string_energy_np_gradient_linspace_coordinates": ('''
import numpy as np

def string_energy(L, T, n=40):
    """Elastic energy of a string of length L under tension T, its slope by np.gradient at the points."""
    x = np.linspace(0.0, L, n)
    y = np.sin(np.pi * x / L) * np.exp(-x)
    dydx = np.gradient(y, x)
    return 0.5 * T * np.trapezoid(dydx ** 2, x)
''', "string_energy", lambda: [2.0, 3.0]),

"ph_drag_module_dict_constants": ('''
import math

PARAMS = {"g": 9.81, "rho": 1.225, "Cd": 0.47}

def net_force(v, r, m):
    A = math.pi * r ** 2
    return 0.5 * PARAMS["rho"] * PARAMS["Cd"] * A * v ** 2 - m * PARAMS["g"]
''', "net_force", lambda: [12.0, 0.05, 0.2]),

"ph_trajectory_starred_shape_prealloc": ('''
import numpy as np

def msd(x0, v0, k, T=12):
    dt = 0.05
    xs = np.zeros((T, *x0.shape))
    x, v = x0, v0
    for t in range(T):
        v = v - k * x * dt
        x = x + v * dt
        xs[t] = x
    return np.mean((xs - x0) ** 2)
''', "msd", lambda: [_normal(1, 4, 3), _normal(2, 4, 3), 1.3]),

"ph_oscillator_columns_tuple_written": ('''
import numpy as np

def phase_path(x0, v0, omega, n=30):
    dt = 0.05
    traj = np.zeros((2, n))
    x, v = x0, v0
    for i in range(n):
        v = v - omega ** 2 * x * dt
        x = x + v * dt
        traj[:, i] = x, v
    return np.sum(traj[0] ** 2) + 0.1 * np.sum(traj[1])
''', "phase_path", lambda: [1.0, 0.3, 1.4]),

"ph_gp_linalg_imported_by_name": ('''
import numpy as np
from numpy.linalg import solve, slogdet

def gp_nll(log_ell, log_sn, x, y):
    K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / np.exp(2 * log_ell)) + np.exp(2 * log_sn) * np.eye(len(x))
    sign, logdet = slogdet(K)
    return 0.5 * y @ solve(K, y) + 0.5 * logdet
''', "gp_nll", lambda: [0.1, -1.0, _normal(3, 6), _normal(4, 6)]),

"ph_debye_scipy_trapezoid": ('''
import numpy as np
from scipy.integrate import trapezoid

def debye_heat_capacity(T, n=80):
    theta_D = 300.0
    x = np.linspace(1e-3, theta_D / T, n)
    integrand = x ** 4 * np.exp(x) / np.expm1(x) ** 2
    return 9 * (T / theta_D) ** 3 * trapezoid(integrand, x)
''', "debye_heat_capacity", lambda: [150.0]),

"ph_bnn_generator_module_shapes": ('''
import numpy as np

SHAPES = [(1, 4), (4, 1)]

def unpack_layers(weights):
    num_weight_sets = len(weights)
    for m, n in SHAPES:
        yield weights[:, :m * n].reshape((num_weight_sets, m, n)), weights[:, m * n:m * n + n].reshape((num_weight_sets, 1, n))
        weights = weights[:, (m + 1) * n:]

def logprob(weights, inputs, targets):
    inputs = np.expand_dims(inputs, 0)
    for W, b in unpack_layers(weights):
        outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
        inputs = np.tanh(outputs)
    return -np.sum((outputs - targets) ** 2)
''', "logprob", lambda: [_normal(5, 2, 13), _normal(6, 5, 1), _normal(7, 5, 1)], {"wrt": [0]}),

"ph_damped_rk4_deriv_np_array_state": ('''
import numpy as np

def deriv(state, omega, gamma):
    x, v = state
    return np.array([v, -omega ** 2 * x - gamma * v])

def final_energy(x0, v0, omega, gamma, dt=0.1, steps=20):
    state = np.array([x0, v0])
    for _ in range(steps):
        k1 = deriv(state, omega, gamma)
        k2 = deriv(state + 0.5 * dt * k1, omega, gamma)
        k3 = deriv(state + 0.5 * dt * k2, omega, gamma)
        k4 = deriv(state + dt * k3, omega, gamma)
        state = state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return 0.5 * state[1] ** 2 + 0.5 * omega ** 2 * state[0] ** 2
''', "final_energy", lambda: [1.0, 0.0, 1.5, 0.1], {"wrt": [0, 1, 2, 3]}),

"ph_lj_minimum_image_round": ('''
import numpy as np

def lj_pbc(x, L):
    n = len(x)
    e = 0.0
    for i in range(n - 1):
        d = x[i + 1:] - x[i]
        d -= L * np.round(d / L)
        r2 = np.sum(d ** 2, axis=1)
        e += np.sum(1.0 / r2 ** 6 - 1.0 / r2 ** 3)
    return e
''', "lj_pbc", lambda: [_lattice(8, 6), 5.0], {"wrt": [0]}),

"ph_poisson_jacobi_while_max_abs": ('''
import numpy as np

def poisson_1d(f, h, tol=1e-10):
    u = np.zeros_like(f)
    diff = 1.0
    while diff > tol:
        u_old = u.copy()
        u[1:-1] = 0.5 * (u_old[2:] + u_old[:-2] + h ** 2 * f[1:-1])
        diff = np.max(np.abs(u - u_old))
    return np.sum(u * f) * h
''', "poisson_1d", lambda: [_normal(9, 6), 0.5]),

"ph_md_velocity_verlet_pair_forces": ('''
import numpy as np

def lj_forces(x, eps=1.0, sigma=1.0):
    n = len(x)
    F = np.zeros_like(x)
    U = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = x[i] - x[j]
            r2 = r @ r
            s6 = (sigma ** 2 / r2) ** 3
            U += 4 * eps * (s6 * s6 - s6)
            f = 24 * eps * (2 * s6 * s6 - s6) / r2 * r
            F[i] += f
            F[j] -= f
    return F, U

def run(x, v, dt=0.002, steps=3):
    F, U = lj_forces(x)
    for _ in range(steps):
        v = v + 0.5 * dt * F
        x = x + dt * v
        F, U = lj_forces(x)
        v = v + 0.5 * dt * F
    return U + 0.5 * np.sum(v ** 2)
''', "run", lambda: [_lattice(10, 4), 0.1 * _normal(11, 4, 3)], {"wrt": [0, 1]}),

"ph_midpoint_force_helper_in_place_time_carried": ('''
import numpy as np

def accel(x, v, k):
    return -k * np.sin(x) - 0.1 * v

def simulate(x0, v0, k, dt):
    x = x0.copy()
    v = v0.copy()
    t = 0.0
    for i in range(15):
        a = accel(x, v, k)
        x += v * dt
        v += a * dt
        t += dt
    return 0.5 * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2) + t
''', "simulate", lambda: [_normal(16, 3), _normal(17, 3), 1.3, 0.05]),
}


# What the cases not accepted give today, (case, how) -> (kind, a part of the message); every
# other case is accepted and right both ways (a layer, ``(out, cache)``, is tried by generate).
KNOWN = {
    # x of any shape, no shapes for mask and p: code for every shape of them all cannot know that mask
    # has x's shape, and would sum x's gradient to the shape of x, which the cache does not hold
    ("dropout_mask_given", "generate"): ("refused", "the backward needs x (read by `num = x * mask`)"),
    # shapes asked for: none given, and the code holds for one rank only
    ("row_view_inplace", "generate"): ("refused", "which the shapes decide: give them"),
    ("fc_net_dict_fstring_keys", "generate"): ("refused", "reads a key made as the code runs"),
    # not supported: *args, a method given as source (the decorator reads its attributes of self)
    ("autograd_rnn", "generate"): ("refused", "all the input arrays must have same number of dimensions"),
    ("class_net_self_params", "generate"): ("refused", "no function definition (def) found in the source"),
    # no shapes: code for every shape cannot know that mask has x's shape (as dropout_mask_given)
    ("dropout_test_mode", "generate"): ("refused", "the backward needs x (read by `dx = _unbroadcast(mask * d_out, x)`)"),
    # a cache in each mode: the backward, given the cache alone, cannot tell which (the decorator follows each)
    ("batchnorm_test_mode", "generate"): ("refused", "builds a cache on each path (lines 19 and 23)"),
    # no shapes: a list of dicts of layers, read as one array, where a list of (W, b) pairs is a list of layers
    # (as net_list_relu; given its shapes, a list of dicts of shape strings, and by the decorator, the loop is
    # written out layer by layer)
    ("list_of_dicts_layers", "generate"): ("refused", "are valid indices on sample arrays"),
    # no shapes: the code for every shape sums b's gradient to b's shape, and the cache does not hold b
    ("lstm_step_cs231n_slices", "generate"): ("refused", "the backward needs b (read by `a = xdot + prod + b`)"),
    # no shapes: a dict of arrays (params['means']) read as an array
    # autograd.misc.flatten of a list of layers whose structure code for every shape does not know (the
    # decorator, and generate given the shapes, flatten the arrays of each layer)
    ("autograd_neural_net_flatten", "generate"): ("refused", "is followed of a list or dict of arrays whose "
                                                             "structure is known"),
    # a loop over the pairs of a tuple of layer sizes, without shapes: the sample weights are not of the
    # sizes the layers cut (the decorator, and generate given the shapes, write the loop out layer by layer)
    ("autograd_bnn_unpack_layers", "generate"): ("refused", "cannot reshape array of size 24"),
    # a write through a reshape of a copy without shapes: code for every shape cannot reshape to (2, 3)
    ("reshape_view_written", "generate"): ("refused", "the shapes of x, s are needed"),
    # a method given as source (as class_net_self_params): self.params is known only from a call
    ("two_layer_net_scores_none", "generate"): ("refused", "TwoLayerNet.loss is a method"),
    ("class_sum_of_squares_params", "generate"): ("refused", "LinearRegression.loss is a method"),
    # a cache in each mode (as batchnorm_test_mode): the backward reads one
    ("batchnorm_staged_graph", "generate"): ("refused", "builds a cache on each path (lines 53 and 57)"),
    # no shapes: the states made an array (np.array(ys)) have one row at n = 0, where ys[:, 0] broadcasts
    # otherwise than at the samples' n = 3
    ("euler_states_np_array_list", "generate"): ("refused", "at n = 0 (sampled at n = 3)"),
    # code for every shape: a Butcher tableau in module-level lists, read as constants; the stage sums,
    # sum(... for j in range(i)), are the number 0 at the first stage and arrays after (the decorator, and
    # generate given the shapes, write the helper's loop's first iteration out before it)
    ("rk_butcher_tableau_lists", "generate"): ("refused", "'t' has shape () on one path"),
    # the further batch: a mask or running statistics held in a dict of settings, and dicts of arrays,
    # without the call generate cannot see (the decorator reads them from the call)
    ("dropout_mask_in_param", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    ("batchnorm_mode_eq_test_running_given", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    ("mlp_params_dict_loop_keys_str_format", "generate"): ("refused", "as a dictionary of settings, which carries no gradient"),
    # keys 'W' + str(i) up to num_layers, an argument: generate knows neither the keys nor the bound
    ("fc_net_str_keys_loop", "generate"): ("refused", "reads a key made as the code runs"),
    # a default that is not a number: a tuple of layer shapes (as autograd_bnn_unpack_layers)
    ("autograd_bnn_unpack_shapes_arg", "generate"): ("refused", "is given a list holding lists"),
    ("autograd_bnn_unpack_shapes_arg", "decorator"): ("refused", "is given a list holding lists"),
    # the batch in other words: no shapes, and a cache without the bias (b, beta) or the input whose shape
    # the shape-generic backward reads (as dropout_mask_given)
    ("tanh_rnn_step_nodoc", "generate"): ("refused", "the backward needs b (read by `db = _unbroadcast(da, b)`)"),
    ("batchnorm_nodoc", "generate"): ("refused", "the backward needs beta (read by `dbeta"),
    ("layernorm_nodoc_cache_dict", "generate"): ("refused", "the backward needs beta (read by `dbeta"),
    ("dropout_inverted", "generate"): ("refused", "the backward needs x (read by `dx = _unbroadcast(mask * d_out, x)`)"),
    # no shapes: np.eye(num_classes)[labels] against logits of num_classes columns broadcasts otherwise at
    # num_classes = 1, which the code written at the sample's 3 does not follow
    ("softmax_onehot_eye", "generate"): ("refused", "at num_classes = 1 (sampled at num_classes = 3)"),
    # keys 'W%d' % i: generate knows neither the keys nor the dict's arrays (as fc_net_str_keys_loop)
    ("dict_params_loop_keys", "generate"): ("refused", "reads a key made as the code runs"),
    # a layer of layers whose cache holds a layer's cache and a value (cache = (fc_cache, a)): staged as a
    # whole, whose cache holds not x, w, b; a step layer returning prev_h, which the loop collects as its cache
    ("sandwich_helper_cache_named_otherwise", "generate"): ("refused", "the backward needs b, w, x"),
    ("rnn_loop_step_returns_no_cache_name", "generate"): ("refused", "the backward needs Wh, Wx, b, x (read by"),
    # the batch in the idioms of public code: a method given as source, a dict of arrays without shapes, a
    # cache in each mode, a mask in the settings (as class_net_self_params, dict_params_mlp, batchnorm_test_mode,
    # dropout_mask_in_param)
    ("a1_two_layer_net_loss_method", "generate"): ("refused", "TwoLayerNet.loss is a method"),
    ("class_layer_dense_params_method", "generate"): ("refused", "Model.loss is a method"),
    ("a2_batchnorm_train_running_dict", "generate"): ("refused", "builds a cache on each path (lines 42 and 46)"),
    ("a2_dropout_forward_mask_param_train", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    # no shapes, and code of one rank per parameter (labels indexing an embedding, lists of feature maps of
    # several ranks, np.hstack of a row and a matrix)
    ("a3_gram_style_loss_layers", "generate"): ("refused", "tuple index out of range on sample arrays"),
    ("ag_lstm_concat_and_multiply_explicit", "generate"): ("refused", "all the input arrays must have same number of dimensions"),
    ("ag_rnn_hiddens_repeat_output_list", "generate"): ("refused", "all the input arrays must have same number of dimensions"),
    # a helper returning a list of pairs of arrays ([(W1, b1), (W2, b2)]), written out in its caller: without
    # shapes, weights[:3].reshape(1, 3) needs weights of 10 elements
    ("ag_bayesian_nn_list_shapes_loop", "generate"): ("refused", "cannot reshape array of size 18 into shape (1,3)"),
    # pos += vel * dt in a loop where the helper's x = pos[:, 0:1] is a view of pos kept from the step before
    # settings holding the dropout mask, which generate cannot see (the decorator reads it at each call), as
    # dropout_mask_in_param
    ("a2_affine_relu_backward_style_dropout_inline", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    # the batch of layers, models, losses and physics in idioms the batches above leave out:
    # a cache without beta, no shapes: code for every shape of beta cannot tell whether it is broadcast (as
    # layernorm_transposed; given the shapes, a sandwich hands them to the layers it calls)
    ("cs_spatial_batchnorm_axes_running_get", "generate"): ("refused", "the backward needs beta (read by"),
    ("cs_affine_layernorm_relu_sandwich", "generate"): ("refused", "the backward needs beta (read by"),
    # a cache of x, W and z without k: the max is taken again over z.reshape(N, -1, k)
    ("cs_maxout_unit", "generate"): ("refused", "the backward needs b, k (read by"),
    # a cache of the centred copy divided in place by std: the division's backward reads x - mu
    ("cs_batchnorm_inplace_center_scale", "generate"): ("refused", "the backward needs beta, x (read by"),
    # no shapes, and code of one rank or of related sizes per parameter (gates a[:, 3 * H:4 * H] of a 4H-wide a,
    # params[:, :D] of a 2D-wide one, one-hot sequences of rank 3, 4-D images, [0.0] + y + [0.0] against a
    # longer x): no sample of every rank runs it
    ("ag_rnn_char_logsumexp_loss", "generate"): ("refused", "axis 1 is out of bounds"),
    ("ag_lstm_gates_slices_loop", "generate"): ("refused", "not aligned"),
    ("ag_convnet_maxpool_reshape_layers", "generate"): ("refused", "tuple index out of range on sample arrays"),
    ("phys_catenary_chain_energy", "generate"): ("refused", "all the input arrays must have same number of dimensions"),
    # no shapes: the omega of f(Y[i], omega), np.array([y[1], -omega ** 2 * y[0]]), may share Y's memory
    ("phys_rk2_rows_of_solution_array", "generate"): ("refused", "may have been changed by the write into 'Y'"),
    # keys 'W%d' % i of a dict of arrays whose keys generate does not know (as fc_net_str_keys_loop)
    ("ag_dict_params_unpack_by_keys_loop", "generate"): ("refused", "reads a key made as the code runs"),
    # not supported: recursion
    ("phys_recursive_continued_fraction", "generate"): ("refused", "tail() calls itself: recursion is not supported"),
    ("phys_recursive_continued_fraction", "decorator"): ("refused", "tail() calls itself: recursion is not supported"),
    # the batch of finance, statistics, physics, signal processing, autograd-style and library idioms:
    # a binomial tree whose values shrink by one node per level: generate writes code for every n, and its
    # sample arrays (6, 6) do not broadcast as the numbers S, K do (the decorator writes out its n levels)
    ("fin_crr_binomial_tree_backward_induction", "generate"): ("refused", "operands could not be broadcast together"),
    # caches without what the backward for every shape reads (beta's shape, x's shape, the pool's size)
    ("cs_batchnorm_cache_dict_kratzert_steps", "generate"): ("refused", "the backward needs beta, x"),
    ("wv_cumulative_writes_rows_prealloc_layer", "generate"): ("refused", "the backward needs x (read by `parts = x.shape`)"),
    ("wv_max_pool_cache_argmax_mask", "generate"): ("refused", "the backward needs size, x"),
    # no shapes: a list of max_lag + 1 numbers broadcast against the target: one element at max_lag = 0
    ("sig_autocorrelation_lags_list_array", "generate"): ("refused", "at max_lag = 0 (sampled at max_lag = 3)"),
    # the FFT: complex values, refused where a bin is written into (np.abs(X), .real, .imag are read as sums)
    ("lib_np_fft_irfft_lowpass_roundtrip", "generate"): ("refused", "np.fft.rfft returns complex numbers"),
    ("lib_np_fft_irfft_lowpass_roundtrip", "decorator"): ("refused", "np.fft.rfft returns complex numbers"),
    # not supported: a nested function returned by a factory, a tuple display appended to a list (a per-step cache)
    ("wv_rnn_cache_list_of_tuples_per_step", "generate"): ("refused", "a list of tuples is followed only where"),
    ("wv_rnn_cache_list_of_tuples_per_step", "decorator"): ("refused", "a list of tuples is followed only where"),
    # no shapes: a mask in the settings (as dropout_mask_in_param); a write through an alias or a
    # reshaped view of what may be a number (as reshape_view_written)
    ("wv_dropout_given_mask_inverted_cache_mask", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    ("wv_inplace_add_into_param_copy_via_alias", "generate"): ("refused", "'y' may have been changed by the write into 'z'"),
    ("wv_reshape_view_write_then_read_original", "generate"): ("refused", "this writes into 'blocks', a view of 'y'"),
    # a method given as source (as two_layer_net_scores_none); a cache without beta, whose shape the code for
    # every shape sums beta's gradient to (as layernorm_transposed)
    ("cls_softmax_classifier_method_self_params", "generate"): ("refused", "SoftmaxClassifier.loss is a method"),
    ("settings_dict_mode_eps_layernorm_given", "generate"): ("refused", "the backward needs beta, x"),
    # the further batch of real code (rh_): no shapes, and code of one rank per parameter or a loop carrying a
    # number into an array: no sample of every rank runs it (given the shapes, or by the decorator, it is right)
    ("rh_ag_mixture_of_gaussians_unpack_params", "generate"): ("refused", "only integer scalar arrays can be converted"),
    ("rh_ag_rnn_concat_and_multiply_hiddens", "generate"): ("refused", "not aligned"),
    ("rh_ag_tanh_nth_derivative_free_series", "generate"): ("refused", "total changes shape in this loop, from () to (4,)"),
    ("rh_ag_attention_seq2seq_context_loop_list", "generate"): ("refused", "has a mismatch in its core dimension 0"),
    ("rh_phys_option_binomial_tree_american_put_loop_max", "generate"): ("refused", "operands could not be broadcast"),
    # a layer's cache without what its backward reads (x's shape, a mask, the table the positions index, a
    # helper layer's inputs beside its cache, a step layer's weights), or filled by the targets of a call
    ("rh_cs_spatial_groupnorm_keepdims", "generate"): ("refused", "the backward needs x (read by `parts = x.shape`)"),
    ("rh_cs_vanilla_attention_softmax_scores", "generate"): ("refused", "the backward needs attn_mask"),
    ("rh_cs_positional_encoding_add", "generate"): ("refused", "the backward needs W_pe"),
    ("rh_cs_conv_relu_pool_naive_helpers_chain", "generate"): ("refused", "the backward needs b, conv_param, w, x"),
    ("rh_cs_rnn_step_tuple_cache_then_loop_caches_list_index", "generate"): ("refused", "the backward needs Wh, Wx, b, h0, x"),
    ("rh_cs_affine_batchnorm_relu_dropout_chain_dict_caches", "generate"): ("refused", "this puts a value into 'caches'"),
    # the pool's size in the settings, not given (as dropout_mask_in_param)
    ("rh_cs_avg_pool_reshape_mean", "generate"): ("refused", "pass the settings (or call .backward with them)"),
    # a docstring's words read as integers: "refractive indices", "each index once" (given the shapes, right)
    ("rh_phys_ray_tracing_snell_slab_stack_loop", "generate"): ("refused", "'n_layers' is integer (int64)"),
    ("rh_numpy_fancy_inplace_add_repeated_indices_semantics", "generate"): ("refused", "'v' is integer (int64)"),
    # writes backgen does not follow: through a reshape that may be a view,
    # through a list's arrays by the loop's name
    ("rh_numpy_transpose_reshape_copy_then_write", "generate"): ("refused", "'x' may have been changed by the write into 'y'"),
    ("rh_numpy_transpose_reshape_copy_then_write", "decorator"): ("refused", "'x' may have been changed by the write into 'y'"),
    ("rh_python_list_of_arrays_inplace_modification_loop", "generate"): ("refused", "'ys' may have been changed by the write into 'y'"),
    ("rh_python_list_of_arrays_inplace_modification_loop", "decorator"): ("refused", "'ys' may have been changed by the write into 'y'"),
    # not supported: a list of arrays read at an index from enumerate over a slice of another name of a list
    ("rh_adv_fixed_list_alias_then_reversed", "generate"): ("refused", "an element of a list of arrays is read here at an index"),
    ("rh_adv_fixed_list_alias_then_reversed", "decorator"): ("refused", "an element of a list of arrays is read here at an index"),
    # no shapes: heads sliced by a counter and the sizes E // n_heads of one rank (as rh_ag_attention_seq2seq_...)
    ("rh_ml_knowledge_attention_causal_mask_loop_heads_concat", "generate"): ("refused", "has a mismatch in its core dimension 0"),
    # no shapes: the kernel np.array([D, 1 - 2 * D, D]) of D a sample array is no vector np.convolve takes
    ("rh_phys_heat_convolve_kernel_steps", "generate"): ("refused", "object too deep for desired array"),
}


# The cases from this one on, a later batch, are left to this file's own run to keep the suite's time,
# but for these few, which stand for what the batch made backgen accept
LATER = "svm_loss_naive_loops"
LATER_IN_THE_SUITE = frozenset({
    "rastrigin_loop", "horner_poly", "avg_pool_global", "batchnorm_alt_train", "max_pool_reshape",
    "moment_of_inertia", "label_smoothing_ce", "star_unpack_shape", "optional_reg_none", "layernorm_axis1",
    "leaky_relu_layer", "black_scholes_call", "variance_ddof", "newton_sqrt_while", "polynomial_features_fit",
    "spatial_batchnorm_running", "early_return_scores", "reg_list_comprehension", "mlp_tuple_display_loop",
    "exp_out_argument", "moving_average_valid", "affine_bn_relu_sandwich", "return_inside_loop_scalar",
    "dict_items_reg", "default_weights_none", "coulomb_eye_mask", "lorenz_rk4_tuples", "heat_concatenate_boundaries",
    "builtin_max_scalar_list", "loop_over_tuple_of_expressions", "where_index_positive_class", "kalman_filter_loop",
    "lennard_jones_loop_vec", "batchnorm_test_mode", "attention_loop_over_heads_list", "chained_zeros_alias",
    "add_at_forward_scatter", "euler_list_prealloc_fill", "interp_lookup", "autograd_gmm_logsumexp_scipy",
    "kl_where_zero_terms", "scipy_stats_norm_logpdf", "mog_scipy_stats_pdf", "coulomb_itertools_combinations",
    "from_math_import_star", "morse_pair_loops_math", "two_layer_net_scores_none", "gp_cho_solve_scipy",
    "autograd_gp_mvn_logpdf", "scipy_special_softmax_ce", "take_along_axis_focal", "conv1d_convolve_docstring_lengths",
    "work_trapezoid_spring_profile", "three_body_math_hypot_dist", "matched_filter_correlate",
    "carnot_entropy_ideal_gas", "rotation_matrix_points_energy", "diffusion_2d_np_pad_edge", "scipy_logsumexp_b_weights",
    "svm_one_vs_all_margins_reshape", "van_der_waals_isotherm_work", "fc_net_str_keys_loop", "tuple_unpack_params_minmax_helper",
    "lj_cutoff_loop", "damped_oscillator_scan", "pendulum_rk4_tuple", "three_layer_convnet_ish",
    "maxpool_axis_tuple_reshape", "rnn_readback_h", "word_embedding_own_words", "sandwich_helper_returns_tuple_display",
    "ag_ode_net_euler_loop", "numpyml_vae_loss", "ag_mixture_gaussian_logsumexp_unpack",
    "cs_svm_loss_verbose_print_errstate", "phys_state_list_items_assigned", "phys_einsum_trace_and_frobenius",
    "loss_covariance_np_cov_whitening", "cs_affine_layernorm_relu_sandwich", "phys_bateman_decay_chain",
    "rh_phys_spring_mass_network_edges_list", "rh_phys_projectile_drag_while_ground_hit_interp",
    "rh_phys_rk45_free_adaptive_fixed_heun_lotka_volterra", "rh_ag_bnn_weights_flat_unpack_layers",
    "rh_cs_rnn_captioning_features_h0_loss", "rh_adv_module_pairs_reversed_loop",
    "rh_adv_fixed_list_of_arrays_zip_sizes_shape_change", "rh_adv_while_true_two_returns_tuple",
    "rh_cs_dropout_inverted_then_affine_scores_loss_list_layers", "rh_phys_np_gradient_field_energy",
    "ph_string_energy_np_gradient_linspace_coordinates", "ph_drag_module_dict_constants"})


def slow(name):
    """Cases whose generation takes seconds (naive convolution and pooling: their loops' shapes are
    worked out iteration by iteration), and the later batch but a few; the suite leaves them to this
    file's own run."""
    names = list(CASES)
    later = names.index(name) >= names.index(LATER) and name not in LATER_IN_THE_SUITE
    return later or len(CASES[name]) > 3 and CASES[name][3].get("slow", False)


# =========================================================================================
# the oracle
# =========================================================================================


def _module(source, tag, folder):
    path = folder / f"sweep_{tag}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def _floats(value):
    if isinstance(value, dict):
        return any(_floats(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_floats(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    return isinstance(value, float)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value


def _close(got, want):
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(_close(got[k], want[k]) for k in want)
    if isinstance(want, (list, tuple)) and isinstance(got, np.ndarray) and got.dtype.kind == "f" and \
            (_numbers(want) or _same_shapes(want)) and np.shape(want) == got.shape:  # a list of numbers (of
        return _close(list(got), want)  # lists of numbers, [(x, y, z), ...], or arrays of one shape) is an
                                        # array to shape-generic code
    if isinstance(want, (list, tuple)):
        return isinstance(got, (list, tuple)) and len(got) == len(want) and \
            all(_close(g, w) for g, w in zip(got, want))
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    return np.allclose(got, want, rtol=1e-5, atol=1e-7) and np.shape(got) == np.shape(want)


def _same_shapes(value):
    """Whether ``value`` is a list or tuple of float arrays of one shape."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.shape == value[0].shape for v in value)


def _numbers(value):
    """Whether ``value`` is a float, or a list or tuple of such values (at any depth)."""
    if isinstance(value, (list, tuple)):
        return len(value) > 0 and all(_numbers(v) for v in value)
    return isinstance(value, float)


def _wrt(name, args, params):
    options = CASES[name][3] if len(CASES[name]) > 3 else {}
    if "wrt" in options:
        return options["wrt"]
    return [k for k, (p, a) in enumerate(zip(params, args)) if _floats(a) and not p.endswith("_param")]


def outcome(name, how="generate"):
    """``(kind, detail)`` of the case ``name`` tried by ``generate`` or by the decorator."""
    folder = Path(tempfile.mkdtemp(prefix="backgen_sweep_"))
    try:
        return _outcome(name, how, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _outcome(name, how, folder):
    source, function, make = CASES[name][:3]
    options = CASES[name][3] if len(CASES[name]) > 3 else {}
    try:
        module, path = _module(source, name, folder)
    except Exception as exc:  # noqa: BLE001 - the case itself is broken
        return "crashed", f"the case does not run: {exc}"
    owner, _, method = function.partition(".")
    args = make()
    user = getattr(module, owner)
    instance = None
    if method:  # a method reading self.params: the instance holds the first argument
        instance = user.__new__(user)
        instance.params = args.pop(0)
        user = getattr(instance, method)
    names = list(inspect.signature(user).parameters)
    wrt = _wrt(name, args, names)

    def forward(*a):
        return user(*_copy(list(a)))
    outs = forward(*args)
    layer = isinstance(outs, tuple) and "_forward" in function
    loss_pair = isinstance(outs, tuple) and not layer and len(outs) == 2 and not np.ndim(outs[0]) \
        and (isinstance(outs[1], dict) or np.ndim(outs[1]))  # (loss, dx) or (loss, grads)
    values = outs[:-1] if layer else outs[:1] if loss_pair else (outs if isinstance(outs, tuple) else (outs,))
    douts = [np.linspace(0.5, 1.5, np.size(v)).reshape(np.shape(v)) if np.ndim(v) else 1.0 for v in values]
    kept = _copy(args)
    try:
        if how == "generate":
            kwargs = {"shapes": options["shapes"]} if "shapes" in options else {}
            wrt_names = tuple(names[k] for k in wrt)
            text = backgen.generate(path.read_text(), name=function.split(".")[-1],
                                    wrt=wrt_names, **kwargs)
            namespace = {}
            exec(compile(text, f"<{name} backward>", "exec"), namespace)
            if layer:
                backward = namespace[function.replace("_forward", "_backward")]
                got = backward(*douts, forward(*args)[-1])
            else:
                backward = namespace[f"{function.split('.')[-1]}_backward"]
                given = list(inspect.signature(backward).parameters)[len(names) + bool(method):]
                got = backward(*([instance] if method else []), *args, **dict(zip(given, douts)))
        else:
            decorated = backgen.backward(user.__func__ if method else user, wrt=tuple(names[k] for k in wrt))
            if method:  # as decorated in the class: bound to the instance, self left out of wrt
                decorated = decorated.__get__(instance, type(instance))
            dout = douts[0] if len(douts) == 1 else tuple(douts)
            if layer:
                return "skipped", "a layer is tried by generate"
            got = decorated.backward(*args, dout=dout)
    except backgen.BackgenError as exc:
        return "refused", str(exc).splitlines()[0]
    except (ValueError, TypeError) as exc:
        if "changes shape in this loop" in str(exc) and "regenerate it with the shapes given" in str(exc) or \
                "as one array: for a list of arrays of several shapes" in str(exc) or \
                "is written for numbers" in str(exc) and "generate it with their shapes given" in str(exc):
            return "refused", str(exc)  # the shape-generic code's checks as it runs, its documented refusals
        return "crashed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}"
    except Exception as exc:  # noqa: BLE001
        return "crashed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}"
    if not all(_close(a, b) for a, b in zip(args, kept)):
        return "wrong", "the backward wrote into its arguments"
    got = got if isinstance(got, tuple) and len(wrt) > 1 else (got,)
    if layer or loss_pair:
        objective = weighted(lambda *a: forward(*a)[:-1] if layer else forward(*a)[0], douts)
    else:
        objective = weighted(forward, douts)
    if len(got) != len(wrt):
        return "wrong", f"{len(got)} gradients for {len(wrt)} inputs"
    for g, k in zip(got, wrt):
        want = gradient(objective, args, k)
        if not _close(g, want):
            return "wrong", f"d{names[k]}: got {g}, want {want}"
    return "ok", ""


def main():
    import warnings
    warnings.simplefilter("ignore")
    counts, outcomes = {}, {}
    for name in sys.argv[1:] or CASES:
        for how in ("generate", "decorator"):
            kind, detail = outcomes[name, how] = outcome(name, how)
            counts[how, kind] = counts.get((how, kind), 0) + 1
            if kind != "skipped":
                print(f"{name:32s} {how:9s} {kind:8s} {detail.splitlines()[0][:150] if detail else ''}")
    print(f"{len(CASES)} cases")
    for how in ("generate", "decorator"):
        print(how, {k: v for (h, k), v in sorted(counts.items()) if h == how})
    changed = [(name, how, kind) for name in sys.argv[1:] or CASES for how in ("generate", "decorator")
               for kind in [outcomes[name, how][0]] if kind != KNOWN.get((name, how), ("ok",))[0]
               and kind != "skipped"]
    print("not as KNOWN says:", changed or "none")


if __name__ == "__main__":
    main()
