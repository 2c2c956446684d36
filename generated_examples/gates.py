"""Seed example 7: gates as functions.

The seed's ``MultiplyGate.backward(dz)`` returns ``[y * dz, x * dz]``; the
generated ``multiply_backward(x, y, dout)`` is that method, with ``dout`` for
``dz``.  The add gate distributes, the max gate routes.
"""


def multiply(x, y):
    return x * y


def add(x, y):
    return x + y
