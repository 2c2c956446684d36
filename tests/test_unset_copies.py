"""Copies joining the paths of a loop written out in part (its first iteration before the rest), of a
value the first iteration sets on some of its paths only: the forward gives it None first, as Python's
name is unbound there, so the copies never read what is not there.  Checked against central finite
differences in float64."""

import re

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right

X14 = np.array([[0.84, -0.8907, 1.0415, -1.1722]])


def test_a_value_a_first_iteration_written_out_may_leave_unset_is_copied_after():
    # (long fuzz seed 2026120437, program 6255: the backward raised UnboundLocalError at `d_3 = d`,
    # d set past a continue on the path the data did not take)
    assert_right('''
    def f(X: "1, 4"):
        for i in range(2):
            a = X @ np.ones((4, 3))
            for j in range(2):
                b = X[[0, 0]]
                if X.mean() > np.sum(b):
                    continue
                d = (X, -(1.0 / (1.0 + math.exp(-a.var()))))
                e = d[0] * 2.0
            b = np.ones((1, 3)) * 0.5
        return X.dot(X.T), np.prod(b, axis=-1)
    ''', [X14], dout=(np.array([[0.7]]), np.array([-1.3])))


@pytest.mark.parametrize("shift", [-0.3, 0.0, 0.15])
def test_the_copied_value_read_after_the_loops_takes_its_gradient(shift):
    # d is set on the path the data takes at j = 1 (and at j = 0 where shift makes it): read after both
    # loops, whose first outer iteration is written out (b changes shape in it)
    assert_right('''
    def f(X: "1, 4"):
        b = X * 1.0
        for i in range(3):
            for j in range(2):
                if X.mean() > 0.1 + 0.2 * j:
                    continue
                d = X * (2.0 + j)
            b = np.ones((1, 3)) * 0.5 + np.sum(d * d)
        return np.sum(d * X) + np.sum(b * b)
    ''', [X14 * 0.5 + shift])


@pytest.mark.parametrize("v", [np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.1, 0.2, 0.3, 0.9])])
def test_a_loop_counted_for_its_break_is_replayed_without_values_it_does_not_compute(v):
    # (long fuzz seed 2026120460, program 6697: the backward replayed the inner loop, saving the value X
    # had as it started, only to count its iterations, where the replay never computes that value:
    # UnboundLocalError; now the list it counts with holds the loop's variable)
    assert_right('''
    def f(v: "4", X: "3, 1", w: "3"):
        for i in range(3):
            for j in range(2):
                X = w * 2.0
                if not v.max() < 0.6:
                    break
        return np.minimum(X.sum(), X ** 3)
    ''', [v, np.ones((3, 1)), np.array([0.3, -0.5, 0.8])], dout=np.array([1.0, 2.0, -1.0]))


@pytest.mark.parametrize("v", [np.array([1.050731, -0.501462, 0.862193]), np.array([0.9, 0.3, 0.2])])
def test_a_value_the_first_iteration_written_out_sets_is_read_by_the_loop_over_the_rest(v):
    # (long fuzz seed 2026120462, program 5952: s, a number made an array in the first iteration (written
    # out before the rest), was taken for read nowhere after that iteration's if, whose test the loop over
    # the rest repeats at the same line: the forward left it unset, and the backward raised TypeError)
    assert_right('''
    def f(s: float, v: "3"):
        if v[1] > 0.5:
            return v[[0, 2]], np.sinh(v)
        for i in range(2):
            if s < np.sum(v):
                continue
            s = np.exp(-v) / (1.5 + np.min(v) * np.min(v))
            v -= np.max(np.tile(v, 2))
        v -= v
        return v @ np.arange(6.0).reshape(3, 2), np.transpose(v)
    ''', [0.43, v], dout=(np.array([0.3, -0.8]), np.array([1.0, 0.5, -0.4])))


def test_a_value_an_outer_iteration_starts_anew_and_an_inner_loop_changes_takes_zeros_of_its_shape():
    # (long fuzz seed 2026120462, program 7794: b = 0.5 as each outer iteration starts, made an array by
    # the inner loop; the adjoint the outer iteration hands back was zeros of the number the inner loop's
    # backward leaves in b, 0.0, which the next iteration back sliced: TypeError)
    X = np.array([[-1.04, 0.720731, 0.781462, 0.872193], [0.512924, 0.913655, 0.964386, 0.315117],
                  [1.205848, 0.656579, -0.91731, 1.028041]])
    assert_right('''
    def f(X: "3, 4"):
        a = np.maximum(-X, np.min(X, keepdims=True))
        a += a ** 3
        a[:, [1, 1, 1]] += a.transpose().sum(axis=0)
        for i in range(2):
            b = 0.5
            for row in X.T:
                b -= np.concatenate([a, a * 2.0], axis=0)
        return b, np.reciprocal(1.0 + np.arctan(b) * np.arctan(b)), X.var()
    ''', [X], dout=(np.linspace(-1.0, 1.0, 24).reshape(6, 4), np.linspace(0.5, -0.5, 24).reshape(6, 4), 0.7))


@pytest.mark.parametrize("s", [0.36, -0.7])
def test_a_constant_read_after_a_loop_rebinds_its_loop_variable_is_computed_before(s):
    # (long fuzz seed 2026120463, program 3795: s = pow(xs[i], 2) of the first loop's last i was written
    # into the second loop over i, where it read that loop's i: a wrong gradient)
    assert_right('''
    def f(s: float):
        a = math.acos(0.5 * math.tanh(s))
        hs = []
        for i in range(2):
            a = a * 0.5 + 2.0
            hs.append(a)
        b = sum(hs)
        t = pow(np.linspace(0.5, 1.5, 4)[i], 2)
        for i in range(1):
            d = t * a * s
        return d * (b * 0.5)
    ''', [s])


def test_a_list_counting_a_loops_iterations_is_named_after_its_variable():
    # the list holds the loop's variable (j_2s.append(j_2)), no longer named after the carried value it
    # once held (X_3s.append(j_2))
    text = backgen.generate('''
def f(v: "4", X: "3, 1", w: "3"):
    for i in range(3):
        for j in range(2):
            X = w * 2.0
            if not v.max() < 0.6:
                break
    return np.minimum(X.sum(), X ** 3)
''')
    appends = re.findall(r"(\w+)\.append\((j_\d+)\)", text)
    assert appends and all(name == f"{var}s" for name, var in appends), appends
