"""scipy.special's expit and logsumexp (also from autograd.scipy.special) are read as the NumPy
they compute, erf and erfc are computed by a helper the generated module carries; the generated
code needs NumPy only.  Checked against central finite differences
of the same mathematics written with NumPy, and, when SciPy is installed, through the decorator
on functions that call SciPy itself."""

import textwrap

import math

import numpy as np
import pytest

import backgen
from numeric import gradient

RNG = np.random.default_rng(3)

SOURCE = '''
import autograd.numpy as np
from autograd.scipy.special import logsumexp
from scipy.special import expit

def f(W, x, y):
    scores = x @ W
    logp = scores - logsumexp(scores, axis=1, keepdims=True)
    return -np.sum(logp * y) + np.sum(expit(scores)) + 1e-3 * logsumexp(scores * 1000.0)
'''


def reference(W, x, y):
    scores = x @ W
    logp = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
    return -np.sum(logp * y) + np.sum(0.5 * (np.tanh(scores / 2) + 1)) + \
        1e-3 * np.logaddexp.reduce(scores * 1000.0, axis=None)


def test_expit_and_logsumexp_from_source_need_numpy_only():
    text = backgen.generate(textwrap.dedent(SOURCE), shapes={"W": "3, 4", "x": "5, 3", "y": "5, 4"})
    assert "scipy" not in text.split('"""', 2)[2]  # the generated module imports NumPy only
    assert "np.logaddexp.reduce(scores, axis=1, keepdims=True)" in text
    generated = {}
    exec(text, generated)
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(5, 3)), np.eye(4)[[0, 1, 2, 3, 0]]]
    got = generated["f_backward"](*args)
    for k in range(3):
        np.testing.assert_allclose(got[k], gradient(reference, args, k), rtol=1e-5, atol=1e-7)


def test_other_special_functions_are_refused_at_the_call():
    source = "from scipy.special import zeta\ndef f(x):\n    return zeta(x) * 2.0\n"
    with pytest.raises(backgen.BackgenError, match=r"expit, logsumexp, erf, erfc, gammaln, digamma \(psi\), xlogy "
                                                   "and xlog1py") as info:
        backgen.generate(source)
    assert info.value.lineno == 3


GAMMALN = """
import numpy as np
from scipy.special import gammaln


def student_t_nll(x, mu, log_sigma, nu):
    z = (x - mu) / np.exp(log_sigma)
    ll = (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - log_sigma
          - (nu + 1) / 2 * np.log1p(z ** 2 / nu))
    return -np.sum(ll)
"""


@pytest.mark.parametrize("shapes", [None, {"x": (6,), "mu": (), "log_sigma": (), "nu": ()},
                                    {"x": (2, 3), "mu": (3,), "log_sigma": (), "nu": (2, 1)}])
def test_gammaln_is_computed_by_a_helper_and_differentiated_with_digamma(shapes):
    # the forward, with gammaln computed by math.lgamma (SciPy need not be installed)
    namespace, generated = {"gammaln": np.vectorize(math.lgamma, otypes=[float])}, {}
    exec(GAMMALN.replace("from scipy.special import gammaln\n", ""), namespace)
    text = backgen.generate(GAMMALN, shapes=shapes)
    assert "import scipy" not in text.split('"""', 2)[2] and "def _digamma(" in text
    exec(text, generated)
    x_shape, mu_shape, nu_shape = ((6,), (), ()) if shapes is None else (shapes["x"], shapes["mu"], shapes["nu"])
    args = [RNG.normal(size=x_shape), RNG.normal(size=mu_shape) * 0.3, -0.2, 3.0 + RNG.uniform(size=nu_shape)]
    args = [a[()] if isinstance(a, np.ndarray) else a for a in args]
    got = generated["student_t_nll_backward"](*args)
    for k in range(4):
        np.testing.assert_allclose(got[k], gradient(namespace["student_t_nll"], args, k), rtol=1e-5, atol=1e-7)


def test_the_decorator_on_code_calling_scipy():
    special = pytest.importorskip("scipy.special")

    def loss(W, x):
        scores = x @ W
        return np.sum(special.logsumexp(scores, axis=1)) + np.sum(special.expit(scores))
    f = backgen.backward(loss)
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(5, 3))]
    got = f.backward(*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(loss, args, k), rtol=1e-5, atol=1e-7)


ERF = """
import numpy as np
import scipy.special
import scipy.special as sps
from scipy import special
from scipy.special import erf, erfc


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def mixed(mu, sigma):
    a = scipy.special.erfc(-mu / (sigma * np.sqrt(2.0))) / 2
    return a * sps.erf(mu) + special.erf(mu * sigma) - erfc(sigma)
"""


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_erf_and_erfc_in_every_spelling(shape):
    special = pytest.importorskip("scipy.special")
    namespace = {}
    exec(ERF, namespace)
    for name, args in [("gelu", [RNG.normal(size=shape)]),
                       ("mixed", [RNG.normal(size=shape), 0.8 + RNG.uniform(size=shape)])]:
        text = backgen.generate(ERF, name=name, shapes={p: shape for p in ("x", "mu", "sigma")})
        body = text.split('"""', 2)[2]
        assert "import scipy" not in body and body.count("def _erf(") == 1
        generated = {}
        exec(text, generated)
        forward = namespace[name]
        out = forward(*args)
        dout = RNG.normal(size=np.shape(out)) if np.ndim(out) else 0.7
        got = generated[f"{name}_backward"](*args, dout)
        got = got if isinstance(got, tuple) else (got,)
        np.testing.assert_allclose(generated["_erf"](args[0]), special.erf(args[0]), rtol=1e-15, atol=0)
        for k in range(len(args)):
            want = gradient(lambda *a: np.sum(forward(*a) * dout), args, k)
            np.testing.assert_allclose(got[k], want, rtol=1e-5, atol=1e-7)


def test_the_decorator_on_code_calling_scipy_erf():
    special = pytest.importorskip("scipy.special")

    def loss(W, x):
        return np.sum(special.erf(x @ W)) + np.sum(special.erfc(W) ** 2)
    f = backgen.backward(loss)
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(5, 3))]
    got = f.backward(*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(loss, args, k), rtol=1e-5, atol=1e-7)
