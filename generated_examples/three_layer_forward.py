"""Seed example 8: the forward pass of a three-layer network with sigmoid activations.

x is a batch of N column vectors (3, N); W1 (4x3), W2 (4x4), W3 (1x4) and
the column biases b1, b2 (4x1), b3 (1x1).  The output is (1, N), so the
backward takes an upstream gradient dout of that shape.
"""

import numpy as np


def three_layer_forward(x: "3, N", W1: "4, 3", b1: "4, 1", W2: "4, 4", b2: "4, 1", W3: "1, 4", b3: "1, 1"):
    h1 = 1 / (1 + np.exp(-(np.dot(W1, x) + b1)))
    h2 = 1 / (1 + np.exp(-(np.dot(W2, h1) + b2)))
    out = np.dot(W3, h2) + b3
    return out
