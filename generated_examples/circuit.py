"""Seed example 1: the circuit f(x, y, z) = (x + y) * z at x=-2, y=5, z=-4.

Add gates distribute the gradient; multiply gates swap their inputs.
"""


def circuit(x, y, z):
    q = x + y
    f = q * z
    return f
