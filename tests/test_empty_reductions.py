"""A variance over an axis that a slice leaves empty (``a = v[3:]`` of three elements): NumPy gives NaN
with a warning, and the gradient is the empty array, but the backward divided Python's 2 by the count 0
and raised ``ZeroDivisionError`` (long fuzz seed 2026120505, program 19126).  Checked against central
finite differences in float64."""

import warnings

import numpy as np
import pytest

from test_never_wrong import assert_right

V = np.array([-1.04, 0.46, 1.02])


@pytest.mark.parametrize("call", ["np.var(a, axis=0, keepdims=True)", "np.var(a)", "a.var(axis=0, ddof=0)"])
def test_a_variance_of_an_empty_slice_has_an_empty_gradient(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (NumPy's: the mean of an empty slice)
        assert_right(f'''
        def f(v: "3"):
            a = v[3:]
            q = a * {call}
            return np.sum(v ** 2) + np.sum(q)
        ''', [V])
