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
