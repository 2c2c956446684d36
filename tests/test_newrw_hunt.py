"""Code just outside what backgen's rewrites were written for: an array grown by joins in a loop and read
there through a function defined beside it, partials, spreads by a helper's parameters, lists of slices,
dicts read by keys, scipy's densities and nan functions.

Each is generated with the shapes given and through the decorator; each way must give the gradients of
central differences (``numeric``) in float64, or refuse with a ``BackgenError``.
"""

import copy
import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported, shapes_of

HEAD = "import math\nimport numpy as np\n"


def _douts(out):
    rng = np.random.default_rng(3)
    outs = out if isinstance(out, tuple) else (out,)
    return tuple(1.3 if np.ndim(o) == 0 else rng.uniform(-1, 1, np.shape(o)) for o in outs)


def _close(got, want):
    got = got if len(want) > 1 else (got,)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def right_or_refused(source, args, wrt, name="f", refused_by_shapes=None):
    """Generated with shapes and through the decorator, the gradients of ``wrt`` (positions) are right, or
    (only where ``refused_by_shapes`` is a pattern, for the shapes) refused with it."""
    source = HEAD + textwrap.dedent(source)
    func = imported(source, "newrw_hunt")[name]
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    douts = _douts(func(*copy.deepcopy(args)))
    want = finite_differences(lambda *v: func(*copy.deepcopy(v)), list(args), wrt, douts)
    dout = douts if len(douts) > 1 else douts[0]
    with np.errstate(all="ignore"):
        _close(backgen.backward(func, wrt=names).backward(*copy.deepcopy(args), dout=dout), want)
    params = list(inspect.signature(func).parameters)
    shapes = {p: "int" if isinstance(a, int) else shapes_of(func, [a] * len(params))[params[0]]
              for p, a in zip(params, args)}
    if refused_by_shapes is not None:
        with pytest.raises(backgen.BackgenError, match=refused_by_shapes):
            backgen.generate(source, name=name, shapes=shapes, wrt=names)
        return
    namespace = {}
    exec(backgen.generate(source, name=name, shapes=shapes, wrt=names), namespace)
    kw = {"dout": douts[0]} if len(douts) == 1 else {f"dout{i + 1}": d for i, d in enumerate(douts)}
    with np.errstate(all="ignore"):
        _close(namespace[f"{name}_backward"](*copy.deepcopy(args), **kw), want)


# --- an array grown in a loop -----------------------------------------------------------------------


def test_grown_array_read_in_the_loop_through_a_function_defined_beside_it():
    # (written as a list of parts, the function read the array as it was before the loop)
    right_or_refused('''
        def f(x, n):
            xs = np.array([x])
            def last():
                return xs[-1]
            for i in range(n):
                y = np.sin(last())
                xs = np.append(xs, y)
            return xs
    ''', [0.7, 4], [0], refused_by_shapes="changes shape")


# --- scipy's densities outside their support ------------------------------------------------------


@pytest.mark.parametrize("call", ["stats.lognorm.pdf(x, s, loc)", "stats.invgamma.pdf(x, s, loc, 1.3)",
                                  "stats.lognorm.pdf(x, s, loc=loc, scale=1.3)"])
def test_density_below_its_support_is_zero_of_no_gradient(call):
    # (its formula, the exp of a log of a negative number, gave nan there where SciPy gives 0)
    right_or_refused(f'''
        from scipy import stats
        def f(x, s, loc):
            return {call}
    ''', [np.array([0.3, 1.2, 2.5]), 0.6, 0.5], [0, 1, 2])



@pytest.mark.parametrize("call", ["stats.gamma.pdf(x, a, loc)", "stats.beta.pdf(x, a, 1.5, loc, 2.0)",
                                  "stats.beta.pdf(x, a, 1.5, loc=loc)"])
def test_gamma_and_beta_outside_their_support_are_zero_of_no_gradient(call):
    right_or_refused(f'''
        from scipy import stats
        def f(x, a, loc):
            return {call}
    ''', [np.array([0.3, 1.2, 2.3]), 2.5, 0.5], [0, 1, 2])


# --- a value the nan functions leave out together ------------------------------------------------

_WITH_NAN = np.array([[1.0, np.nan, 0.5], [0.3, 0.9, np.nan]])


@pytest.mark.parametrize("body", ["np.nanmean(z) + np.nansum(z ** 2)", "np.nanmean(z ** 2) - np.nanmean(z) ** 2",
                                  "np.nanmean(z) + np.sum(np.nan_to_num(z) * w)",
                                  "np.nansum(2.0 ** z) + np.nanmean(z)"])
def test_value_read_by_several_nan_functions_has_no_gradient_at_the_data_nans(body):
    # (each nan function's region stopped at z, read twice: X * w's contribution multiplied 0 by nan)
    right_or_refused(f'''
        def f(w, X):
            z = X * w
            return {body}
    ''', [np.array([0.4, -0.7, 0.2]), _WITH_NAN], [0])
