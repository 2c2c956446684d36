"""Biology, pharmacology and epidemiology models as people write them: compartment models, epidemic
likelihoods of case counts (Poisson, binomial, negative binomial through ``scipy.stats``), phylogenetic
likelihoods on a small tree, and survival models.

Each case is checked against central finite differences in float64 with respect to its float parameters,
by ``backgen.generate`` without shapes and with shapes, and by the decorator (``every_way``), or asserted
refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap

import numpy as np

import backgen
from every_way import forward
from numeric import check_gradients


def every_way(source, function, args, shapes, tmp_path, wrt, free=True):
    """The backwards of ``generate`` without shapes (where ``free``) and with ``shapes``, and of the
    decorator, with respect to the parameters at the positions ``wrt``, match central differences."""
    func = forward(source, function, tmp_path)
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    for given in (None, shapes) if free else (shapes,):
        namespace = {}
        exec(backgen.generate(textwrap.dedent(source), name=function, shapes=given, wrt=names), namespace)
        check_gradients(namespace[f"{function}_backward"](*args, dout=1.0), func, args, wrt)
    check_gradients(backgen.backward(func, wrt=names).backward(*args), func, args, wrt)

COUNTS = np.array([2, 6, 7, 15, 18])


def test_poisson_logpmf_of_an_exponential_epidemic(tmp_path):
    source = '''
from scipy.stats import poisson
import numpy as np

def nll(log_r, y0, t, y):
    mu = y0 * np.exp(np.exp(log_r) * t)
    return -poisson.logpmf(y, mu).sum()
'''
    args = [np.log(0.3), 2.0, np.arange(5.0), COUNTS]
    every_way(source, "nll", args, {"log_r": "float", "y0": "float", "t": "5", "y": "int 5"}, tmp_path, wrt=[0, 1, 2])


def test_negative_binomial_and_binomial_logpmf(tmp_path):
    source = '''
import numpy as np
import scipy.stats as st

def nll(log_mu, log_k, q, y, n):
    mu = np.exp(log_mu)
    k = np.exp(log_k)
    p = k / (k + mu)
    chain = st.binom.logpmf(y[1:], n, 1.0 - q ** y[:-1])
    return -np.sum(st.nbinom.logpmf(y, k, p)) - np.sum(chain)
'''
    args = [np.log(np.array([3.0, 5, 8, 13, 20.0])), 0.7, 0.95, COUNTS, 40]
    every_way(source, "nll", args, {"log_mu": "5", "log_k": "float", "q": "float", "y": "int 5", "n": "int"},
              tmp_path, wrt=[0, 1, 2])


def test_pmf_with_keywords_loc_geom_and_bernoulli(tmp_path):
    source = '''
import numpy as np
from scipy import stats

def lik(lam, p, q, counts, y, w):
    a = np.prod(stats.poisson.pmf(k=counts + 1, mu=lam, loc=1))
    return np.log(a) + stats.bernoulli.logpmf(y, p).sum() + stats.geom.pmf(w, q).sum()
'''
    args = [2.5, 0.3, 0.4, np.array([1, 3, 2, 4]), np.array([0, 1, 1, 0]), np.array([1, 3, 2])]
    every_way(source, "lik", args, {"lam": "float", "p": "float", "q": "float", "counts": "int 4", "y": "int 4",
                                    "w": "int 3"}, tmp_path, wrt=[0, 1, 2])


def test_expm_of_a_rate_matrix_k80_likelihood(tmp_path):
    source = '''
import numpy as np
from scipy.linalg import expm

def k80_loglik(t, kappa, counts):
    Q = np.array([[-(kappa + 2), 1, kappa, 1],
                  [1, -(kappa + 2), 1, kappa],
                  [kappa, 1, -(kappa + 2), 1],
                  [1, kappa, 1, -(kappa + 2)]]) / (kappa + 2)
    P = expm(Q * t)
    return np.sum(counts * np.log(P / 4))
'''
    counts = np.random.default_rng(0).uniform(5, 15, (4, 4))
    every_way(source, "k80_loglik", [0.2, 2.0, counts], {"t": "float", "kappa": "float", "counts": "4, 4"},
              tmp_path, wrt=[0, 1, 2], free=False)  # (without shapes, counts is taken for a number)


def test_expm_of_a_compartment_matrix_of_a_large_norm(tmp_path):
    source = '''
import numpy as np
import scipy.linalg as sla

def amounts(k10, k12, k21, t, a0):
    K = np.array([[-(k10 + k12), k21], [k12, -k21]])
    return (sla.expm(K * t) @ a0)[1]
'''
    every_way(source, "amounts", [0.9, 1.4, 0.3, 6.0, np.array([100.0, 0.0])],
              {"k10": "float", "k12": "float", "k21": "float", "t": "float", "a0": "2"}, tmp_path, wrt=[0, 1, 2, 3, 4])


def test_efron_ties_refusal_names_the_line_numpy_failed_on_not_a_name_left_unset(tmp_path):
    """A line reading a mask (``eta[dead]``) that a failed line left unset was reported as NumPy raising
    ``KeyError: 'dead'``; it is skipped as the mask's readers are, and the failure reported is the line
    NumPy failed on.  Where the shapes' samples run the loop, the gradient is right."""
    import pytest  # noqa: PLC0415

    source = '''
import numpy as np

def efron_nll(beta, X, time, event):
    eta = X @ beta
    risk = np.exp(eta)
    nll = 0.0
    for t in np.unique(time[event == 1]):
        dead = (time == t) & (event == 1)
        at_risk = time >= t
        d = dead.sum()
        r_set = risk[at_risk].sum()
        r_dead = risk[dead].sum()
        nll -= eta[dead].sum()
        for l in range(d):
            nll += np.log(r_set - l / d * r_dead)
    return nll
'''
    shapes = {"beta": "2", "X": "8, 2", "time": "8", "event": "int 8"}
    try:
        text = backgen.generate(source, name="efron_nll", shapes=shapes, wrt=("beta", "X"))
    except backgen.BackgenError as refusal:
        assert "KeyError" not in str(refusal)
        assert "line 8" in str(refusal) and "IndexError" in str(refusal)
    else:
        pytest.fail(f"generated where the samples run no iteration:\n{text}")
    args = [np.array([0.2, -0.3]), np.random.default_rng(1).normal(size=(8, 2)),
            np.array([2.0, 3.0, 3.0, 5.0, 6.0, 6.0, 8.0, 9.0]), np.array([1, 1, 1, 0, 1, 1, 0, 1])]
    func = forward(source, "efron_nll", tmp_path)
    namespace = {}
    exec(backgen.generate(source, name="efron_nll", wrt=("beta", "X")), namespace)
    check_gradients(namespace["efron_nll_backward"](*args), func, args, [0, 1])
    check_gradients(backgen.backward(func, wrt=("beta", "X")).backward(*args), func, args, [0, 1])


def test_selection_recursion_writing_a_number_into_an_array_beside_a_parameter_unpacked(tmp_path):
    """A number written into one element (``p[0] = p0``) beside a parameter unpacked whole (``w11, w12, w22
    = fitness``): without shapes, the code for numbers with ``fitness`` a sequence of three, where it was
    refused (sampled as a number, and as arrays of six rows)."""
    source = '''
import numpy as np

def allele_trajectory(p0, fitness, T=40):
    w11, w12, w22 = fitness
    p = np.empty(T + 1)
    p[0] = p0
    for t in range(T):
        q = 1.0 - p[t]
        wbar = p[t] ** 2 * w11 + 2 * p[t] * q * w12 + q ** 2 * w22
        p[t + 1] = p[t] * (p[t] * w11 + q * w12) / wbar
    return np.sum(p * np.linspace(0.5, 1.5, T + 1))
'''
    every_way(source, "allele_trajectory", [0.2, np.array([1.1, 1.05, 1.0])], {"p0": "float", "fitness": "3"},
              tmp_path, wrt=[0, 1])


def test_docstring_entry_listing_the_items_a_parameter_holds_is_not_its_shape(tmp_path):
    """``- params: (K, n)`` where the code binds ``K, n`` to its items: read as a shape (K, n), the code
    written without shapes raised as it ran on the vector of two given."""
    source = '''
import numpy as np

def hill_forward(x, params):
    """
    Inputs:
    - x: concentrations, of shape (N,)
    - params: (K, n)
    Returns:
    - out: responses, of shape (N,)
    """
    out = None
    K, n = params[0], params[1]
    xn = x ** n
    out = xn / (K ** n + xn)
    return np.sum(out * np.linspace(0.5, 1.5, len(x)))
'''
    every_way(source, "hill_forward", [np.array([0.5, 1.0, 1.5]), np.array([1.0, 2.0])], {"x": "3", "params": "2"},
              tmp_path, wrt=[0, 1])


def test_plain_python_dosing_sum_under_an_if_over_a_list_of_doses(tmp_path):
    """Plain Python with ``math`` over a list of doses, a term added under an ``if``, in a module importing
    NumPy: NumPy raised on ``math.exp`` at arrays of every rank, which was refused where the code for
    numbers (the doses a list of them) is written."""
    source = '''
import math
import numpy as np

def multiple_dose_conc(t, doses, tau, ke, V):
    c = 0.0
    for n, D in enumerate(doses):
        tn = t - n * tau
        if tn >= 0:
            c += D / V * math.exp(-ke * tn)
    return c
'''
    func = forward(source, "multiple_dose_conc", tmp_path)
    args = [17.3, [100.0, 100.0, 100.0], 6.0, 0.15, 10.0]
    namespace = {}
    exec(backgen.generate(source, name="multiple_dose_conc"), namespace)
    got = namespace["multiple_dose_conc_backward"](*args)
    check_gradients((got[0], np.array(got[1]), *got[2:]), lambda t, d, *rest: func(t, list(d), *rest),
                    [17.3, np.array(args[1]), 6.0, 0.15, 10.0], [0, 1, 2, 3, 4])
    check_gradients(backgen.backward(func, wrt=("t", "tau", "ke", "V")).backward(*args), func, args, [0, 2, 3, 4])
