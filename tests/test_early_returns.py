"""An early return: what follows the if is moved into its other path, and values set there are dead
after it.  A value of another shape on that path (``X = a.reshape(1, -1)`` of a parameter X) is then
no merge of two shapes: reads before the if do not make it live.  Checked against central finite
differences on inputs taking each path."""

import numpy as np
import pytest

from test_one_path_values import check

RETURNS_EARLY = np.array([[0.2, 0.5, 0.3, 0.9]])  # a[1, 0] = 0.1 < 0.3
GOES_ON = np.array([[0.9, 1.2, 0.4, 0.9]])


@pytest.mark.parametrize("shapes", [{"X": "1, 4"}, {"X": "1, D"}])
def test_a_parameter_bound_again_after_an_early_return_is_not_merged(shapes):
    check("""
        def f(X):
            a = np.vstack([X, X * 0.5])
            if a[1, 0] < 0.3:
                return np.sum(a)
            a += X
            X = a.reshape(1, -1)
            d = X[:, 1:3]
            d[0] = 0.7
            return np.sum(X * X)
        """, [(RETURNS_EARLY,), (GOES_ON,)], shapes)


def test_two_outputs_of_other_shapes_after_an_early_return():
    # long fuzz seed 2026120440, program 7
    check("""
        def f(X):
            a = np.vstack([X, X * 0.5])
            if (X - a)[1, 0] < 0.3:
                return np.linalg.norm(a), np.divide(np.divide(a, 1.0 + 2.0 * 2.0), 1.0 + a[1] * a[1])
            a = a * 0.5 + a
            a += X
            b = 0.7
            X, c = a.reshape(1, -1), np.square(np.ones((2, 4)) * 0.5).sum()
            d = X[:, 1:3]
            d[[0, 0]] = b
            return c * c, b
        """, [(RETURNS_EARLY,), (GOES_ON,)], {"X": "1, 4"})
