"""A loop iterating one name of an array while its body writes into the array by another (``a = c``,
then ``for row in a: c[-2] += row``; ``a = p`` in a helper given ``c``): Python's loop reads each item
from the array as it is then, writes of earlier iterations included.  Checked against central finite
differences in float64."""

import numpy as np
import pytest

from test_never_wrong import assert_refused, assert_right

X = np.arange(12.0).reshape(3, 4) / 7 - 0.4
D4 = np.array([1.0, 2.0, -1.0, 0.5])
D34 = np.linspace(-1.0, 1.5, 12).reshape(3, 4)


@pytest.mark.parametrize("alias", ["a = c", "a = c\n    b = a", "a = c[:]"])
def test_iterating_another_name_of_the_vector_written_into(alias):
    assert_right(f'''
def f(X: "3, 4"):
    c = X[0] * 2.0
    {alias}
    for row in a:
        c[-2] += row
    return c
''', [X], dout=D4)


def test_iterating_a_view_of_a_view_written_into_is_refused():
    assert_refused('''
def f(X: "3, 4"):
    c = X[0] * 2.0
    a = c.T.T
    for row in a:
        c[-2] += row
    return c
''', [X], "the loop iterates a, which its body writes into")


def test_iterating_another_name_of_the_matrix_written_into_row_by_row():
    # row 1 is c[-2] itself: written into at the iteration that reads it
    assert_right('''
def f(X: "3, 4"):
    c = X * 2.0
    a = c
    for row in a:
        c[-2] += row
    return c
''', [X], dout=D34)


def test_a_helper_iterating_its_parameter_under_another_name():
    assert_right('''
def step(p, q):
    a = p
    for row in a:
        p[-2] += row
    return q

def f(X: "3, 4"):
    c = X[0] * 2.0
    s = step(c, X)
    return c * np.sum(s)
''', [X], dout=D4)


def test_the_long_fuzz_program_writing_through_a_helper():
    # (long fuzz seed 2026120460, program 8701: the loop read each item from the array as it was before the
    # loop, the gradient of a wrong)
    a_out = np.linspace(-1.0, 1.0, 4)
    c_out = np.array([0.3, -0.7, 1.1, 0.4])
    assert_right('''
def step(p, q):
    a = p
    for row in a:
        p[-2] += row
    return q

def f(X: "3, 4"):
    X = X * 1.0
    a = np.expm1((X - -1.5)[1])
    a += a
    X[2:, :-1] += np.power(a, 2).mean()
    b = (a, -a.var(axis=0, keepdims=True).mean())
    c = b[0] * 2.0
    a[3] += -1.5
    X = X * 0.9 + 1.0 / (1.0 + np.exp(-a))
    a[3:4] = np.sum(step(c, a))
    return a, c
''', [X * 0.5], dout=(a_out, c_out))
