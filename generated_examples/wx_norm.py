"""Seed example 5: the vectorized f(x, W) = ||W x||^2.

With W = [[0.1, 0.5], [-0.3, 0.8]] and the column vector x = [0.2, 0.4]^T the
seed writes the backward by hand as dq = 2*q; dW = dq.dot(x.T);
dx = W.T.dot(dq): a gradient always has the shape of its variable.
"""

import numpy as np


def wx_norm(W: "2, 2", x: "2, 1"):
    q = W.dot(x)
    f = np.sum(np.square(q), axis=0)
    return f
