"""A vanilla RNN unrolled over time, written with a loop.

The backward runs the loop in reverse: the forward saves each step's hidden
state (``hs.append(h)``), the backward restores it (``h = hs.pop()``),
recomputes that step and accumulates the weights' gradients over time.
"""

import numpy as np


def rnn(x: "T, N, D", h: "N, H", Wx: "D, H", Wh: "H, H", b: "H"):
    T = x.shape[0]
    for t in range(T):
        h = np.tanh(x[t].dot(Wx) + h.dot(Wh) + b)
    return h


def rnn_loss(x: "T, N, D", h: "N, H", Wx: "D, H", Wh: "H, H", b: "H"):
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t].dot(Wx) + h.dot(Wh) + b)
        loss = loss + np.sum(h * h)
    return loss
