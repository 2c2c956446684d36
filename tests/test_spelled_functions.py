"""NumPy functions written with those backgen has rules for (``np.ediff1d``: ``np.diff`` of the
raveled array, the ends joined to it; ``np.diagflat``: ``np.diag`` of the raveled array;
``np.rollaxis``: ``np.moveaxis``; ``np.nancumsum`` and ``np.nanprod``: ``np.cumsum`` and
``np.prod`` with the NaNs 0 and 1): each had no rule and was refused.  Checked against central
finite differences in float64."""

import numpy as np
import pytest

from test_never_wrong import assert_refused, assert_right

x = np.array([0.3, -0.7, 1.2, 0.5])
X = np.linspace(-1.0, 1.2, 12).reshape(3, 4)


@pytest.mark.parametrize("expr, arg", [
    ("np.ediff1d(x)", x), ("np.ediff1d(x, to_begin=x[:2], to_end=2.0 * x[0])", x), ("np.ediff1d(X)", X),
    ("np.ediff1d(ary=X, to_end=[0.5])", X),
    ("np.diagflat(x)", x), ("np.diagflat(X, 1)", X), ("np.diagflat(v=x, k=-2)", x),
    ("np.rollaxis(X.reshape(3, 2, 2), 2)", X), ("np.rollaxis(X.reshape(3, 2, 2), 0, 3)", X),
    ("np.rollaxis(X, axis=1)", X),
    ("np.nancumsum(np.where(x > 1.05, np.nan, x))", x), ("np.nancumsum(np.where(X > 1.05, np.nan, X), axis=1)", X),
    ("np.nanprod(np.where(X > 1.05, np.nan, X), axis=0, keepdims=True)", X), ("np.nanprod(x)", x)])
def test_spelled_with_functions_backgen_differentiates(expr, arg):
    name, shape = ("x", "4") if arg.ndim == 1 else ("X", "3, 4")
    weights = f"np.arange(1.0, 1.0 + np.size({expr})).reshape(np.shape({expr}))"
    assert_right(f'''
    def f({name}: "{shape}"):
        return np.sum(np.tanh({expr}) * {weights})
    ''', [arg])


@pytest.mark.parametrize("expr, match", [
    ("np.rollaxis(X, -1)", "np.rollaxis is read as"), ("np.ediff1d(X, 1.0, 2.0, 3.0)", "np.ediff1d is read as"),
    ("np.nanprod(X, axis=0, out=None, dtype=None)", "np.nanprod is read as")])
def test_other_forms_are_refused_naming_the_form_read(expr, match):
    assert_refused(f'''
    def f(X: "3, 4"):
        return np.sum({expr})
    ''', [X], match)
