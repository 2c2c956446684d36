"""Numerical-methods code as people write it: quadrature, polynomials, iterative solvers, ODE
integrators, series, interpolation, assembly, least squares and numerically careful functions.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import textwrap

import numpy as np
import pytest

from numeric import assert_generated_right

TABLE = np.array([0.3, -1.2, 0.8, 2.1, -0.4, 1.5])
POINTS = np.array([0.3, 2.6, 4.45])


# --- linear interpolation by hand: the positions truncated to an index are numbers ------------


@pytest.mark.parametrize("body", [
    # (the fraction of x read after truncating it: x holds numbers, whose gradient is asked for)
    '''
        i = x.astype(int)
        t = x - i
        return np.sum(table[i] * (1 - t) + table[i + 1] * t)
    ''',
    '''
        i = x.astype(np.int32)
        w = x - i
        return np.sum(table[i] * (1 - w) + table[i + 1] * w)
    ''',
    '''
        s = 0.0
        for k in range(len(x)):
            i = int(x[k])
            t = x[k] - i
            s += table[i] * (1 - t) + table[i + 1] * t
        return s
    ''',
], ids=["astype", "astype_int32", "int_of_item"])
def test_positions_truncated_to_an_index_get_their_gradient(body):
    assert_generated_right("def f(table, x):\n" + textwrap.indent(textwrap.dedent(body), "    "), [TABLE, POINTS])


def test_points_unpacked_by_row_and_truncated_get_their_gradient():
    # bilinear interpolation at points given as rows: int(p[0]) indexes, p[0] - i is the fraction
    assert_generated_right('''
        def f(grid, pts):
            total = 0.0
            for p in pts:
                i, j = int(p[0]), int(p[1])
                tx, ty = p[0] - i, p[1] - j
                total += ((1 - tx) * (1 - ty) * grid[i, j] + tx * (1 - ty) * grid[i + 1, j]
                          + (1 - tx) * ty * grid[i, j + 1] + tx * ty * grid[i + 1, j + 1])
            return total
    ''', [np.arange(16.0).reshape(4, 4) ** 1.5 / 10, np.array([[0.3, 1.6], [2.2, 0.4], [1.5, 2.7]])])


def test_labels_truncated_and_never_subtracted_stay_labels():
    # int(e[0]) of an edge list: labels, given no gradient (the backward returns W's alone)
    assert_generated_right('''
        def f(W, edges):
            s = 0.0
            for e in edges:
                i, j = int(e[0]), int(e[1])
                s += W[i] * W[j]
            return s
    ''', [TABLE, np.array([[0, 1], [2, 3], [1, 4]])])
