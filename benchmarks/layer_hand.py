"""Hand-written backward functions of CS231n-style layers, as a careful student writes them.

Each ``*_backward(dout, cache)`` reads the cache of the matching forward of
generated_examples/cs231n_student.py or benchmarks/layers_more.py (the student's own cache), and
each loss's ``*_grad(...)`` takes the loss's inputs and returns the loss's gradient with respect to
the scores.  ``tests/test_bench_layers.py`` checks every one against central differences; the
benchmark ``bench_layers.py`` times backgen's generated backward against them.
"""

import numpy as np


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(N, -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x > 0, dout, alpha * dout)


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out * (1 - out)


def tanh_backward(dout, cache):
    out = cache
    return dout * (1 - out * out)


def dropout_mask_backward(dout, cache):
    mask = cache
    return dout * mask


def batchnorm_backward(dout, cache):
    """The gradient through the normalization in one expression (the simplified form)."""
    x, x_hat, mean, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    dx = inv_std / N * (N * dx_hat - np.sum(dx_hat, axis=0) - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return dx, dgamma, dbeta


def layernorm_backward(dout, cache):
    """Batch normalization's simplified gradient, along the features of each row."""
    x, mean, var, x_hat, gamma, eps = cache
    D = x.shape[1]
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    dx = inv_std / D * (D * dx_hat - np.sum(dx_hat, axis=1, keepdims=True)
                        - x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True))
    return dx, dgamma, dbeta


def softmax_loss_grad(x, y):
    N = x.shape[0]
    shifted = x - np.max(x, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    dx = probs
    dx[np.arange(N), y] -= 1
    dx /= N
    return dx


def svm_loss_grad(x, y):
    N = x.shape[0]
    correct = x[np.arange(N), y]
    margins = np.maximum(0, x - correct[:, None] + 1.0)
    margins[np.arange(N), y] = 0
    dx = (margins > 0).astype(float)
    dx[np.arange(N), y] -= np.sum(dx, axis=1)
    dx /= N
    return dx


def temporal_softmax_loss_grad(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    dx_flat = probs
    dx_flat[np.arange(N * T), y.reshape(N * T)] -= 1
    dx_flat *= mask.reshape(N * T, 1) / N
    return dx_flat.reshape(N, T, V)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    g = dout[n, f, i, j]
                    dw[f] += x_pad[n, :, h0:h0 + HH, w0:w0 + WW] * g
                    dx_pad[n, :, h0:h0 + HH, w0:w0 + WW] += w[f] * g
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0, w0 = i * stride, j * stride
                    window = x[n, c, h0:h0 + ph, w0:w0 + pw]
                    mask = window == window.max()
                    dx[n, c, h0:h0 + ph, w0:w0 + pw] += mask * (dout[n, c, i, j] / mask.sum())
    return dx


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h * next_h)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c * tanh_c)
    da = np.hstack((dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                    dnext_h * tanh_c * o * (1 - o), dc * i * (1 - g * g)))
    dprev_c = dc * f
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t, :] + dprev_h, dprev_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def word_embedding_backward(dout, cache):
    x, W = cache
    dW = np.zeros_like(W)
    np.add.at(dW, x, dout)
    return dW


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]
    dout_flat = dout.reshape(N * T, M)
    dx = dout_flat.dot(w.T).reshape(N, T, D)
    dw = x.reshape(N * T, D).T.dot(dout_flat)
    db = np.sum(dout_flat, axis=0)
    return dx, dw, db
