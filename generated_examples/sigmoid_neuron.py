"""Seed example 3: a 2-input sigmoid neuron, f(w, x) = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))).

At w = [2, -3, -3], x = [-1, -2] the gradients are about
dw = [-0.2, -0.39, 0.2] and dx = [0.39, -0.59]: the sigmoid gate is fused,
so its local gradient is simply (1 - f) * f.
"""

import math


def neuron(w0, w1, w2, x0, x1):
    dot = w0 * x0 + w1 * x1 + w2
    f = 1.0 / (1 + math.exp(-dot))
    return f
