"""Sequential models and dynamic programs as people write them in NumPy: RNNs over time, HMM
forward passes, soft-DTW and CTC tables filled in nested loops, filters, recursions and integrators.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np

from numeric import assert_generated_refused, assert_generated_right

RNG = np.random.default_rng(31)

assert_right, assert_refused = assert_generated_right, assert_generated_refused


# --- soft minima over a table bordered with np.inf: exp(-inf / gamma) is 0, its gradient too --------


def test_soft_dtw_gamma_gradient_through_exp_of_an_infinite_border():
    # -(r - rmin) / gamma is -inf on the border: its derivative in gamma is infinite there, and the
    # exponential's upstream 0; the product is 0, not nan
    assert_right('''
        def f(x, y, gamma):
            n, m = len(x), len(y)
            D = (x[:, None] - y[None, :]) ** 2
            R = np.full((n + 1, m + 1), np.inf)
            R[0, 0] = 0.0
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    r = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
                    rmin = np.min(r)
                    softmin = rmin - gamma * np.log(np.sum(np.exp(-(r - rmin) / gamma)))
                    R[i, j] = D[i - 1, j - 1] + softmin
            return R[n, m]
    ''', [RNG.standard_normal(3), RNG.standard_normal(4), 0.7])


def test_soft_dtw_gamma_gradient_through_scipy_logsumexp_of_an_infinite_border():
    assert_right('''
        from scipy.special import logsumexp
        def f(D, gamma):
            n, m = D.shape
            R = np.full((n + 1, m + 1), np.inf)
            R[0, 0] = 0.0
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    prev = np.array([R[i - 1, j], R[i - 1, j - 1], R[i, j - 1]])
                    R[i, j] = D[i - 1, j - 1] - gamma * logsumexp(-prev / gamma)
            return R[n, m]
    ''', [np.abs(RNG.standard_normal((3, 4))) + 0.1, 0.7])
