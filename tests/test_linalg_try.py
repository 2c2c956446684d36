"""``try: A except np.linalg.LinAlgError: B``, the fallback of code calling ``np.linalg`` on a matrix that
may not be positive definite or may be singular: read as ``if _linalg_fails("cholesky", K): B else: A``,
the path Python takes decided as the generated code decides it too.  Gradients are checked against
central differences on both paths, under ``generate`` (shapes given or not) and the decorator."""

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported

MODULE = '''
import numpy as np
from numpy.linalg import LinAlgError


def gp_nll(K, y):
    """Negative log likelihood of a Gaussian process, with jitter where K is not positive definite."""
    n = K.shape[0]
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + 0.5 * np.eye(n))
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def fisher(Sigmas, dC):
    total = 0.0
    for k in range(Sigmas.shape[0]):
        try:
            Sigma_inv = np.linalg.inv(Sigmas[k])
        except np.linalg.LinAlgError:
            continue
        M = Sigma_inv @ dC
        total = total + np.trace(M @ M)
    return total


def whiten(S, diff):
    try:
        L = np.linalg.cholesky(S)
        whitened = L.T @ diff
    except LinAlgError as err:
        whitened = diff * np.sqrt(np.diag(S))
    else:
        whitened = whitened * 2.0
    return np.sum(whitened ** 2)
'''

RNG = np.random.default_rng(11)
_A = RNG.normal(size=(3, 3))
POSITIVE = _A @ _A.T + np.eye(3)
INDEFINITE = np.array([[1.0, 0.3, 0.2], [0.3, 1.0, 1.1], [0.2, 1.1, 1.0]])  # an eigenvalue of about -0.13
SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, 0.1, 2.0]])
Y = RNG.normal(size=3)


def _shapes_of(args, names):
    return {name: np.shape(a) for name, a in zip(names, args)}


CASES = [
    ("gp_nll", [POSITIVE, Y], ("K", "y")),
    ("gp_nll", [INDEFINITE, Y], ("K", "y")),
    ("fisher", [np.stack([POSITIVE, SINGULAR, POSITIVE + np.eye(3)]), RNG.normal(size=(3, 3))], ("Sigmas", "dC")),
    ("whiten", [POSITIVE, Y], ("S", "diff")),
    ("whiten", [INDEFINITE, Y], ("S", "diff")),
]


@pytest.mark.parametrize("name, args, names, given", [c + (True,) for c in CASES] + [
    c + (False,) for c in CASES if c[0] == "gp_nll"],  # (the others: no rank of samples without shapes fits
    ids=[f"{c[0]}-{k}-shapes" for k, c in enumerate(CASES)] +  # all their lines)
        [f"{c[0]}-{k}-generic" for k, c in enumerate(CASES) if c[0] == "gp_nll"])
def test_each_path_of_the_try(name, args, names, given):
    namespace, generated = {}, {}
    exec(MODULE, namespace)
    text = backgen.generate(MODULE, name=name, shapes=_shapes_of(args, names) if given else None)
    assert "_linalg_fails(" in text
    exec(text, generated)
    got = generated[f"{name}_backward"](*[a.copy() for a in args], 0.7)
    forward = namespace[name]
    if name == "fisher":  # the singular matrix's term is left out (continue): no gradient there; the others'
        with pytest.raises(np.linalg.LinAlgError):  # are those of the sum without it (central differences
            np.linalg.inv(SINGULAR)  # near the singular one would make it invertible, and read its term)
        np.testing.assert_array_equal(got[0][1], 0.0)
        args, got = [args[0][[0, 2]], args[1]], (got[0][[0, 2]], got[1])
    want = finite_differences(forward, args, range(len(args)), (0.7,), eps=1e-7)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_the_decorator_follows_each_path():
    space = imported(MODULE, "linalg_try")
    f = backgen.backward(space["gp_nll"])
    for K in (POSITIVE, INDEFINITE):
        got = f.backward(K.copy(), Y.copy())
        want = finite_differences(space["gp_nll"], [K, Y], [0, 1], (1.0,), eps=1e-7)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body, why", [
    ("L = np.linalg.cholesky(np.linalg.inv(K))", "two calls of np.linalg"),
    ("L = np.linalg.cholesky(K)\n        L = np.linalg.inv(L)", "a second call after the first statement"),
    ("L = chol(K)", "a function of yours"),
])
def test_a_try_whose_error_may_come_from_elsewhere_is_refused(body, why):
    source = f'''
import numpy as np


def chol(K):
    return np.linalg.cholesky(K)


def f(K):
    try:
        {body}
    except np.linalg.LinAlgError:
        L = np.eye(3)
    return np.sum(L)
'''
    with pytest.raises(backgen.BackgenError, match="this except catches np.linalg.LinAlgError") as info:
        backgen.generate(source, name="f", shapes={"K": (3, 3)})
    assert info.value.lineno == source.splitlines().index("    except np.linalg.LinAlgError:") + 1, why


def test_a_retry_loop_adding_jitter():
    source = '''
import numpy as np


def f(K, y):
    jitter = 1e-6
    for attempt in range(6):
        try:
            L = np.linalg.cholesky(K + jitter * np.eye(3))
            break
        except np.linalg.LinAlgError:
            jitter *= 10
    z = np.linalg.solve(L, y)
    return z @ z
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", shapes={"K": (3, 3), "y": (3,)}), generated)
    q, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))
    for smallest in (-0.005, 0.2):  # (four attempts fail, then jitter 1e-2 makes it positive definite; none fails)
        K = q @ np.diag([1.0, 0.5, smallest]) @ q.T
        got = generated["f_backward"](K.copy(), Y.copy(), 1.0)
        want = finite_differences(namespace["f"], [K, Y], [0, 1], (1.0,), eps=1e-7)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body", [
    "L = np.linalg.cholesky(K)\n        z = scipy.linalg.solve_triangular(L, K[0], lower=True)",
    "L = scipy.linalg.cholesky(K, lower=True)",
    "L = np.linalg.cholesky(K)\n        if L[0, 0] > 5.0:\n            raise np.linalg.LinAlgError('large')",
])
def test_a_try_where_scipy_or_a_raise_may_give_the_error_is_refused(body):
    pytest.importorskip("scipy")
    source = f'''
import numpy as np
import scipy.linalg


def f(K):
    try:
        {body}
    except np.linalg.LinAlgError:
        L = np.eye(3)
    return np.sum(L)
'''
    with pytest.raises(backgen.BackgenError, match="this except catches np.linalg.LinAlgError"):
        backgen.generate(source, name="f", shapes={"K": (3, 3)})
