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
}


# What the cases not accepted give today, (case, how) -> (kind, a part of the message); every
# other case is accepted and right both ways (a layer, ``(out, cache)``, is tried by generate).
KNOWN = {
    # CS231n: a cache without what the generated backward reads
    ("layernorm_transposed", "generate"): ("refused", "which the cache built on line 19 does not hold"),
    # shapes asked for: none given, and the code holds for one rank only
    ("dropout_mask_given", "generate"): ("refused", "the shapes of mask, p are needed"),
    ("bbvi_diag_gaussian", "generate"): ("refused", "the shapes of params, eps are needed"),
    ("lstm_seq_list", "generate"): ("refused", "the shapes of Wx, Wh, b, xs, h0 are needed"),
    ("rk4_helper", "generate"): ("refused", "the shapes of y0, k are needed"),
    ("ode_trajectory_list", "generate"): ("refused", "the shapes of y0, k are needed"),
    ("cross_product_torque", "generate"): ("refused", "the shapes of r, F are needed"),
    ("nbody_potential_loops", "generate"): ("refused", "'U' has shape (6,) on one path"),
    ("row_view_inplace", "generate"): ("refused", "which the shapes decide: give them"),
    ("fc_net_dict_fstring_keys", "generate"): ("refused", "reads a key made as the code runs"),
    ("net_list_relu", "generate"): ("refused", "inputs changes shape in this loop"),
    ("batchnorm_loop_accumulate", "generate"): ("refused", "mu changes shape in this loop"),
    # a list of arrays of several shapes given to code written without shapes for one array
    ("accumulate_list_layers", "generate"): ("refused", "is written for Ws as one array"),
    ("unpack_flat_param_list", "generate"): ("refused", "is written for params as one array"),
    # a branch on the rank (if x.ndim == 1: x = x[None, :]) without shapes: code for every rank cannot
    # decide it, and each path gives x its own rank (the decorator decides it by the arguments' ranks)
    ("ndim_branch", "generate"): ("refused", "on one path (line 6)"),
    # not supported: *args, a method given as source (the decorator reads its attributes of self)
    ("autograd_rnn", "generate"): ("refused", "variable arguments (*args / **args) are not supported"),
    ("autograd_rnn", "decorator"): ("refused", "variable arguments (*args / **args) are not supported"),
    ("class_net_self_params", "generate"): ("refused", "no function definition (def) found in the source"),
}


def slow(name):
    """Cases whose generation takes seconds (naive convolution and pooling: their loops' shapes are
    worked out iteration by iteration); the suite leaves them to this file's own run."""
    return len(CASES[name]) > 3 and CASES[name][3].get("slow", False)


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
    if isinstance(want, (list, tuple)):
        return isinstance(got, (list, tuple)) and len(got) == len(want) and \
            all(_close(g, w) for g, w in zip(got, want))
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    return np.allclose(got, want, rtol=1e-5, atol=1e-7) and np.shape(got) == np.shape(want)


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
                "as one array: for a list of arrays of several shapes" in str(exc):
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
