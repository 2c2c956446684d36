"""Seed example 6: a two-layer network with a sigmoid hidden layer and an L2 loss.

The seed trains it with N, D_in, H, D_out = 64, 1000, 100, 10 by SGD, using
the hand-written gradients grad_w1 and grad_w2; x and y are data, so only
dw1 and dw2 are used for the update.
"""

import numpy as np


def two_layer_net(x: "N, D_in", y: "N, D_out", w1: "D_in, H", w2: "H, D_out"):
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    return loss
