"""Seed example 2: the max gate routes the whole gradient to the larger input.

max(0, x) is the ReLU.
"""


def max_gate(x, y):
    return max(x, y)


def relu(x):
    return max(0, x)
