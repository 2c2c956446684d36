"""Seed example 4: f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y) ** 2) at x=3, y=-4.

``staged`` is the forward exactly as the seed stages it, one simple expression
per line; ``oneliner`` is the same function written as one expression, which
backgen stages into the same lines by itself.
"""

import math


def staged(x, y):
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    return f


def oneliner(x, y):
    return (x + 1.0 / (1 + math.exp(-y))) / (1.0 / (1 + math.exp(-x)) + (x + y) ** 2)
