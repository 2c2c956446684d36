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
''', [X], "'c' and 'a' share memory as this loop starts")


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


# --- two names a loop carries that become one array as an iteration ends (v = w), written into ------------

BECOME_ONE = '''
def f(v: "3", w: "3", X: "1, 4"):
    for i in range(2):
        a = v.reshape(1, -1)
        X = X * 0.5 + X
        v = W_OF_V
        v[i] -= np.max(w.max(keepdims=True))
        if (X + X)[0, 1] < 0.1:
            break
    b = (X + X)[:, [2]]
    return b * (a * a)
'''
ARGS = [np.array([-0.84, -0.8407, -0.3215]), np.array([-0.3422, 1.0129, 0.9537]),
        np.array([[0.6444, 0.3551, -0.3058, 0.6266]])]


def test_names_that_become_one_array_in_a_loop_written_into_are_refused():
    # (long fuzz seed 2026120461, program 19639: from the second iteration on v is w's array as the
    # iteration starts, and a = v.reshape(1, -1) a view of it, which v[i] -= ... changes: the gradient of a
    # was wrong)
    assert_refused(BECOME_ONE.replace("W_OF_V", "w"), ARGS,
                   r"this writes into 'v', which holds w's array here .* bind v to a copy \(v = w.copy\(\)\)")


def test_names_given_a_copy_in_a_loop_written_into_are_followed():
    assert_right(BECOME_ONE.replace("W_OF_V", "w.copy()"), ARGS, dout=np.array([[0.16, -0.06, -0.15]]))


def test_a_row_of_a_view_written_in_a_loop_over_its_array_is_refused():
    # (long fuzz seed 2026120463, program 10680: the inner loop read each el from X as the loop over
    # X[1:] started, not as row[2:] = ... had changed it: row, a view of X through X[1:], and X were carried
    # as two arrays, the gradient wrong)
    assert_refused('''
def f(X: "3, 4"):
    for row in X[1:]:
        for el in X:
            row[2:] = np.max(el)
    return X
''', [X], "'row' and 'X' share memory as this loop starts")
