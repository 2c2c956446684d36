# backgen: --layer --wrt x,w,b,gamma,beta,prev_h,Wx,Wh
"""Layers in the CS231n form, written as plain forward functions.

``backgen cs231n_layers.py --layer`` writes, for each function ``f``,
``f_forward(...) -> (out, cache)`` caching exactly what the backward needs,
and ``f_backward(dout, cache) -> gradients``.  ``affine_relu`` is built from
calls of ``affine`` and ``relu``: their backward functions are generated once
and called.
"""

import numpy as np


def affine(x: "N, D", w: "D, M", b: "M"):
    return x.dot(w) + b


def relu(x: "N, M"):
    return np.maximum(0, x)


def affine_relu(x: "N, D", w: "D, M", b: "M"):
    a = affine(x, w, b)
    return relu(a)


def batchnorm(x: "N, D", gamma: "D", beta: "D", eps: float = 1e-5):
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    ivar = 1.0 / np.sqrt(var + eps)
    xhat = xmu * ivar
    return gamma * xhat + beta


def rnn_step(x: "N, D", prev_h: "N, H", Wx: "D, H", Wh: "H, H", b: "H"):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h
