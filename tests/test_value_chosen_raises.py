"""A branch is left out where a line on it raises at the shapes the code is for, whatever the
data; not where which part of an expression runs, and so whether it raises, is the data's
(``(v if v[1] > -0.6 else 0.5) < -0.5`` raises only where v[1] > -0.6; ``c and v > 0`` only
where c): the branch was left out, and its gradient with it (long fuzz seed 2026120504, program
7879: a wrong gradient).  Such code is refused, or differentiated right; checked against central
finite differences in float64."""

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right, run_case

V = np.array([0.51, 0.390731, 1.141462])


def assert_right_or_refused(source, args):
    """The gradient matches central differences, or backgen refuses the function."""
    try:
        run_case(source, args)
    except backgen.BackgenError:
        return
    assert_right(source, args)


def test_a_test_whose_conditional_expression_decides_whether_it_raises():
    source = '''
    def f(v: "3"):
        if v[0] > np.sum(v):
            return np.arctan(v) * np.dot(v, v)
        for i in range(2):
            v[[2, 0, 1, 2]] -= np.max(v)
        if (v if v[1] > -0.6 else 0.5) < -0.5:
            v += np.arange(3.0) - v
        elif v.mean(axis=-1) > -0.3:
            a = v[0]
        else:
            v = v * 0.9 + 1.0 / (1.0 + np.exp(-v))
        b = v[0]
        return np.sum(b * v)
    '''
    with pytest.raises(backgen.BackgenError, match="truth value"):
        run_case(source, [V.copy()])


@pytest.mark.parametrize("test", ["v[0] > 2.0 and v > 0.0", "v[0] < 2.0 or v > 0.0",
                                  "(v if v[0] > 2.0 else 0.5) > 0.0"])
def test_short_circuits_in_a_test_never_give_a_wrong_gradient(test):
    assert_right_or_refused(f'''
    def f(v: "3"):
        if v[1] > 5.0:
            return np.sum(v ** 3)
        if {test}:
            v = v * 2.0
        return np.sum(np.tanh(v))
    ''', [V.copy()])
