"""The decorator's default ``wrt`` leaves out lists of rows of integers however the function reads them
(``for a, b in pairs`` then arithmetic on them, hashed to rows of a table): whole numbers, as an array of
integers holds them.  Their zero gradients were written as ``0.0 * pairs`` (a TypeError in the backward)."""

import numpy as np

import backgen
from numeric import finite_differences, imported

SOURCE = '''
import numpy as np


def hashed_bigrams(E, pairs):
    total = 0.0
    for a, b in pairs:
        idx = (a * 31 + b) % 5
        total = total + np.sum(E[idx] ** 2)
    return total


def pair_sum(x, pairs):
    total = 0.0
    for a, b in pairs:
        total = total + x[0] * a + x[1] * b
    return total
'''


def test_rows_of_integers_read_through_arithmetic_carry_no_gradient():
    space = imported(SOURCE, "default_wrt")
    E = np.random.default_rng(2).normal(size=(5, 3))
    pairs = [(0, 1), (2, 3), (0, 1)]
    got = backgen.backward(space["hashed_bigrams"]).backward(E, pairs)
    want = finite_differences(lambda e: space["hashed_bigrams"](e, pairs), [E], [0], (1.0,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    x = np.array([0.5, -1.5, 2.0])
    got = backgen.backward(space["pair_sum"]).backward(x, [(1, 2), (3, 4)])
    np.testing.assert_allclose(got, [4.0, 6.0, 0.0])
