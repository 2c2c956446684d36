"""CS231n's ``FullyConnectedNet.loss`` as students write it: layers called in a loop over
``self.params['W%d' % (i + 1)]``, batch normalization by ``self.bn_params[i]``, the layers' caches kept as
tuples in a list that only the student's own backward reads (``fc_cache, bn_cache, relu_cache =
caches.pop()``), ``return loss, grads``.  The decorated method's gradients checked against central
finite differences of the loss and against the student's own ``grads``."""

import textwrap

import numpy as np
import pytest

LAYERS = '''
import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    return dout.dot(w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T.dot(dout), dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    return affine_backward(relu_backward(dout, relu_cache), fc_cache)


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_norm = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_norm + beta
        cache = (x_norm, gamma, var, eps)
    elif mode == "test":
        out = gamma * x + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out, cache


def batchnorm_backward(dout, cache):
    x_norm, gamma, var, eps = cache
    N = dout.shape[0]
    dxn = dout * gamma
    dx = (N * dxn - dxn.sum(axis=0) - x_norm * (dxn * x_norm).sum(axis=0)) / (N * np.sqrt(var + eps))
    return dx, (dout * x_norm).sum(axis=0), dout.sum(axis=0)


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N
'''

NET = '''
import numpy as np
import backgen
from fc_layers import *


class FullyConnectedNet(object):
    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, reg=0.0, seed=0):
        rng = np.random.RandomState(seed)
        self.normalization = normalization
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.params = {}
        dims = [input_dim] + hidden_dims + [num_classes]
        for i in range(self.num_layers):
            self.params["W%d" % (i + 1)] = 0.5 * rng.randn(dims[i], dims[i + 1])
            self.params["b%d" % (i + 1)] = 0.1 * rng.randn(dims[i + 1])
            if self.normalization == "batchnorm" and i < self.num_layers - 1:
                self.params["gamma%d" % (i + 1)] = 1.0 + 0.1 * rng.randn(dims[i + 1])
                self.params["beta%d" % (i + 1)] = 0.1 * rng.randn(dims[i + 1])
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]

    @backgen.backward
    def loss(self, X, y=None):
        mode = "test" if y is None else "train"
        for bn_param in self.bn_params:
            bn_param["mode"] = mode
        scores = None
        caches = []
        out = X
        for i in range(self.num_layers - 1):
            W, b = self.params["W%d" % (i + 1)], self.params["b%d" % (i + 1)]
            if self.normalization == "batchnorm":
                gamma, beta = self.params["gamma%d" % (i + 1)], self.params["beta%d" % (i + 1)]
                a, fc_cache = affine_forward(out, W, b)
                an, bn_cache = batchnorm_forward(a, gamma, beta, self.bn_params[i])
                out, relu_cache = relu_forward(an)
                caches.append((fc_cache, bn_cache, relu_cache))
            else:
                out, cache = affine_relu_forward(out, W, b)
                caches.append((cache,))
        W, b = self.params["W%d" % self.num_layers], self.params["b%d" % self.num_layers]
        scores, cache = affine_forward(out, W, b)
        if mode == "test":
            return scores
        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        for i in range(self.num_layers):
            W = self.params["W%d" % (i + 1)]
            loss += 0.5 * self.reg * np.sum(W * W)
        dout, grads["W%d" % self.num_layers], grads["b%d" % self.num_layers] = affine_backward(dscores, cache)
        for i in reversed(range(self.num_layers - 1)):
            if self.normalization == "batchnorm":
                fc_cache, bn_cache, relu_cache = caches.pop()
                dan = relu_backward(dout, relu_cache)
                da, grads["gamma%d" % (i + 1)], grads["beta%d" % (i + 1)] = batchnorm_backward(dan, bn_cache)
                dout, grads["W%d" % (i + 1)], grads["b%d" % (i + 1)] = affine_backward(da, fc_cache)
            else:
                (layer_cache,) = caches.pop()
                dout, grads["W%d" % (i + 1)], grads["b%d" % (i + 1)] = affine_relu_backward(dout, layer_cache)
        for i in range(self.num_layers):
            grads["W%d" % (i + 1)] += self.reg * self.params["W%d" % (i + 1)]
        return loss, grads
'''


@pytest.mark.parametrize("normalization", [None, "batchnorm"])
def test_fully_connected_net_loss_as_written(tmp_path, monkeypatch, normalization):
    (tmp_path / "fc_layers.py").write_text(textwrap.dedent(LAYERS))
    (tmp_path / f"fc_net_{normalization}.py").write_text(textwrap.dedent(NET))
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    net = importlib.import_module(f"fc_net_{normalization}").FullyConnectedNet
    model = net([6, 5], input_dim=4, num_classes=3, normalization=normalization, reg=0.1)
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])
    dparams, dX = model.loss.backward(X, y)
    _, grads = model.loss(X, y)
    assert sorted(dparams) == sorted(model.params)
    for key, value in model.params.items():
        want = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            kept = value[index]
            value[index] = kept + 1e-6
            plus = model.loss(X, y)[0]
            value[index] = kept - 1e-6
            minus = model.loss(X, y)[0]
            value[index] = kept
            want[index] = (plus - minus) / 2e-6
        np.testing.assert_allclose(dparams[key], want, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(dparams[key], grads[key], rtol=1e-9, atol=1e-12)  # the student's own
    want_x = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        step = np.zeros_like(X)
        step[index] = 1e-6
        want_x[index] = (model.loss(X + step, y)[0] - model.loss(X - step, y)[0]) / 2e-6
    np.testing.assert_allclose(dX, want_x, rtol=1e-5, atol=1e-7)


LOSS = '''
import numpy as np
from fc_layers import *


def loss(X, y, W1, b1, gamma1, beta1, W2, b2, bn_params):
    mode = "test" if y is None else "train"
    for bn_param in bn_params:
        bn_param["mode"] = mode
    a, fc_cache = affine_forward(X, W1, b1)
    an, bn_cache = batchnorm_forward(a, gamma1, beta1, bn_params[0])
    out, relu_cache = relu_forward(an)
    scores, cache = affine_forward(out, W2, b2)
    if mode == "test":
        return scores
    loss, dscores = softmax_loss(scores, y)
    return loss
'''


def test_a_loss_giving_scores_without_labels_defaults_dout_to_one(tmp_path, monkeypatch):
    """The loss is a number where y is given, the scores an array where it is not: backward() of a
    number's path needs no dout (it asked for "an array of shape ()")."""
    (tmp_path / "fc_layers.py").write_text(textwrap.dedent(LAYERS))
    (tmp_path / "bn_loss.py").write_text(textwrap.dedent(LOSS))
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    import backgen
    from numeric import finite_differences
    loss = importlib.import_module("bn_loss").loss
    rng = np.random.default_rng(4)
    y = np.array([0, 1, 2, 1, 0])
    params = [rng.normal(size=(4, 6)), rng.normal(size=6), 1 + 0.1 * rng.normal(size=6), rng.normal(size=6),
              rng.normal(size=(6, 3)), rng.normal(size=3)]
    X = rng.normal(size=(5, 4))
    got = backgen.backward(loss).backward(X, y, *params, [{"mode": "train"}])
    want = finite_differences(lambda X, *p: loss(X, y, *p, [{"mode": "train"}]), [X, *params], range(7), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
