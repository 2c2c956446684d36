"""Kernel methods and Gaussian processes as people write them: kernels (RBF, Matern, periodic,
rational quadratic, ARD) with broadcasting or cdist, GP marginal likelihoods through Cholesky
factors (NumPy's and SciPy's, and factors written out as loops), predictive means and variances,
kernel ridge regression, SVM hinge losses and dual objectives, MMD.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where every argument is a
number or an array) and by the decorator, or asserted refused with a ``BackgenError`` and part of
its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, float_positions, imported, shapes_of

HEAD = "import math\n\nimport numpy as np\nfrom scipy.linalg import solve_triangular\n" \
       "from scipy.spatial.distance import cdist\n"


def _run(text, name, args, dout):
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with np.errstate(all="ignore"):
        got = namespace[f"{name}_backward"](*copies, dout=dout)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    return got


def assert_right(source, args, name="f", wrt=None, dout=1.0, ways=("free", "shapes", "decorator")):
    """generate without shapes, with shapes and the decorator give the gradients central differences
    give, for the parameters at ``wrt`` (by default those holding floats)."""
    source = HEAD + textwrap.dedent(source)
    func = imported(source, "kernels_hunt")[name]
    positions = float_positions(args) if wrt is None else wrt
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = finite_differences(func, list(args), positions, (dout,))
    for way in ways:
        if way == "decorator":
            copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            with np.errstate(all="ignore"):
                got = backgen.backward(func, wrt=names).backward(*copies, dout=dout)
        else:
            shapes = shapes_of(func, args) if way == "shapes" else None
            text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
            assert text == backgen.generate(source, name=name, shapes=shapes, wrt=names)  # deterministic
            got = _run(text, name, args, dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(HEAD + textwrap.dedent(source), name=name)


def _spd(n, seed=0):
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


# ---------------------------------------------------------------- Cholesky factors written out


def test_cholesky_written_as_loops_with_math_sqrt():
    """The sample matrices the forward runs on were uniform, whose pivots math.sqrt(A[i, i] - s) took
    below zero ("math domain error"): given shapes, and without them, the code was refused; square
    matrices are now sampled symmetric positive definite where such an error is met."""
    assert_right('''
    def f(A):
        n = len(A)
        L = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1):
                s = 0.0
                for k in range(j):
                    s += L[i, k] * L[j, k]
                if i == j:
                    L[i, j] = math.sqrt(A[i, i] - s)
                else:
                    L[i, j] = (A[i, j] - s) / L[j, j]
        return np.sum(np.log(np.diag(L)))
    ''', [_spd(4)])
