"""Bayesian inference code as people write it in NumPy: Bayesian neural networks whose weights are
unpacked from one flat vector (by slices the code writes, by a list of layer shapes and
``int(np.prod(shape))``), log densities with scipy.special and scipy.stats, hierarchical models.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``.
"""

import numpy as np

from numeric import assert_generated_right

RNG = np.random.default_rng(23)


def _normal(*shape):
    return RNG.standard_normal(shape) * 0.5


# --- a flat vector cut into layers by the sizes of a list of shapes -------------------------------


def test_slices_bounded_by_int_of_np_prod_of_shapes_written_out_are_not_lengths_of_the_data():
    # for shape in dims: size = int(np.prod(shape)): the loop written out, each bound int(np.prod((2, 4))) of
    # numbers the code writes, the same on every input (no length a boolean mask selects)
    assert_generated_right('''
        def f(w: "17", X: "N, 2", y: "N"):
            dims = [(2, 4), (4,), (4, 1), (1,)]
            parts = []
            start = 0
            for shape in dims:
                size = int(np.prod(shape))
                parts.append(w[start:start + size].reshape(shape))
                start += size
            W1, b1, W2, b2 = parts
            out = np.tanh(X @ W1 + b1) @ W2 + b2
            return 0.5 * np.sum((out[:, 0] - y) ** 2) + 0.5 * np.sum(w ** 2)
    ''', [_normal(17), _normal(5, 2), _normal(5)])


# --- a flat vector cut by slices the code writes, without shapes ----------------------------------


def test_a_flat_vector_of_a_classifier_cut_by_slices_written_out_without_shapes():
    # params[i:i + D_in * H].reshape(D_in, H) of a short sample vector is cut short: the samples are tried
    # again with the flat vector long, then the others fitted to it; the labels y keep the samples' length
    # (the rows of X)
    assert_generated_right('''
        D_in, H, C = 2, 4, 2
        def f(params, X, y):
            i = 0
            W1 = params[i:i + D_in * H].reshape(D_in, H); i += D_in * H
            b1 = params[i:i + H]; i += H
            W2 = params[i:i + H * C].reshape(H, C); i += H * C
            b2 = params[i:i + C]
            h = np.maximum(0, X @ W1 + b1)
            logits = h @ W2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            return -np.sum(log_probs[np.arange(len(y)), y]) + 0.5 * params @ params
    ''', [_normal(22) + 0.05, _normal(5, 2), np.array([0, 1, 1, 0, 1])], wrt=[0, 1])


# --- priors of scipy.stats: half-normal, half-Cauchy, log-normal, inverse gamma -------------------


def test_half_line_priors_of_scipy_stats_with_and_without_loc_and_scale():
    assert_generated_right('''
        from scipy.stats import halfnorm, halfcauchy
        def f(sigma: "4", tau: float, s: float):
            lp = np.sum(halfnorm.logpdf(sigma, scale=s)) + halfcauchy.logpdf(tau, 0.0, 5.0)
            return lp + np.sum(halfnorm.pdf(sigma)) + halfcauchy.logpdf(tau) + np.sum(halfcauchy.pdf(sigma, scale=s))
    ''', [np.array([0.3, 0.8, 1.4, 2.1]), 0.7, 1.3])


def test_lognorm_and_invgamma_of_a_shape_as_scipy_stats_reads_them():
    assert_generated_right('''
        import scipy.stats as st
        def f(x: "5", s: float, a: float, b: float):
            lp = np.sum(st.lognorm.logpdf(x, s, scale=b)) + np.sum(st.lognorm.pdf(x, s=s, loc=-0.1))
            return lp + np.sum(st.invgamma.logpdf(x, a, scale=b)) + st.invgamma.pdf(x[0], a)
    ''', [np.array([0.4, 0.9, 1.3, 2.2, 0.6]), 0.8, 2.5, 1.4])


def test_multigammaln_of_a_wishart_normalizer():
    # log Gamma_p(n / 2): the sum of gammaln(n / 2 - j / 2) over j < p, with p read from the matrix
    assert_generated_right('''
        from scipy.special import multigammaln
        def f(X: "2, 2", V: "2, 2", n: float):
            p = X.shape[0]
            _, logdetX = np.linalg.slogdet(X)
            _, logdetV = np.linalg.slogdet(V)
            tr = np.trace(np.linalg.solve(V, X))
            return (0.5 * (n - p - 1) * logdetX - 0.5 * tr - 0.5 * n * p * np.log(2.0)
                    - 0.5 * n * logdetV - multigammaln(0.5 * n, p))
    ''', [np.array([[2., 0.3], [0.3, 1.5]]), np.array([[1., 0.1], [0.1, 0.7]]), 5.0])


def test_multigammaln_of_an_array():
    assert_generated_right('''
        from scipy.special import multigammaln
        def f(a: "3"):
            return np.sum(multigammaln(a, 3) * np.array([1.0, 2.0, 3.0]))
    ''', [np.array([2.5, 3.1, 4.2])])


# --- sample sizes a little off a parameter's: a part the code cuts, an axis it pads -----------------


def test_stan_stick_breaking_simplex_of_one_more_element_without_shapes():
    # x has len(y) + 1 elements, weighed by a vector of 4 the code writes: the samples fit y to 3
    assert_generated_right('''
        def f(y):
            K = y.shape[0] + 1
            x = np.zeros(K)
            stick = 1.0
            log_jac = 0.0
            for k in range(K - 1):
                z = 1.0 / (1.0 + np.exp(-(y[k] - np.log(K - k - 1))))
                x[k] = stick * z
                log_jac += np.log(stick) + np.log(z) + np.log(1 - z)
                stick -= x[k]
            x[K - 1] = stick
            return np.sum(np.array([1.5, 2.0, 0.5, 1.0]) * np.log(x)) + log_jac
    ''', [_normal(3)])


# --- data passed on to a helper that reads it in arithmetic alone ---------------------------------


def test_data_passed_to_a_log_joint_helper_are_operands_without_shapes():
    # f(z, y, sigma) calls log_joint(z, y, sigma), where y and sigma are only operands of arithmetic: they
    # are tried as numbers and size-one arrays beside the flat vector z, and the code holds for arrays of
    # the schools' data, not for numbers alone
    assert_generated_right('''
        def unpack(z):
            return z[0], z[1], z[2:]

        def log_joint(z, y, sigma):
            mu, log_tau, eta = unpack(z)
            theta = mu + np.exp(log_tau) * eta
            return (-0.5 * mu ** 2 / 100.0 - 0.5 * log_tau ** 2
                    - 0.5 * np.dot(eta, eta) - 0.5 * np.sum(((y - theta) / sigma) ** 2))

        def f(z, y, sigma):
            return -log_joint(z, y, sigma)
    ''', [_normal(10), np.array([28., 8., -3., 7., -1., 1., 18., 12.]),
          np.array([15., 10., 16., 11., 9., 11., 10., 18.])])


# --- the modified Bessel functions of a von Mises normalizer --------------------------------------


def test_von_mises_log_likelihood_with_i0_and_i0e():
    assert_generated_right('''
        from scipy.special import i0, i0e
        def f(mu: float, kappa: float, theta: "6"):
            a = np.sum(kappa * np.cos(theta - mu) - np.log(2 * np.pi * i0(kappa)))
            return a + np.sum(kappa * (np.cos(theta - mu) - 1) - np.log(2 * np.pi * i0e(kappa)))
    ''', [0.3, 2.0, np.array([0.1, -0.4, 0.8, 1.2, -1.0, 0.5])])


def test_bessel_i1_and_i1e_of_an_array_both_signs():
    assert_generated_right('''
        import scipy.special as sp
        def f(x: "4"):
            return np.sum(sp.i1(x) * np.array([1.0, 2.0, 0.5, 1.5])) + np.sum(sp.i1e(x) ** 2) + np.sum(sp.i0e(3.0 * x))
    ''', [np.array([-2.5, -0.3, 0.7, 6.0])])


def test_dirichlet_logpdf_of_scipy_stats_of_a_point_and_of_columns():
    assert_generated_right('''
        from scipy.stats import dirichlet
        def f(log_alpha: "3", w: "3", W: "3, 4"):
            alpha = np.exp(log_alpha)
            x = w / np.sum(w)
            X = W / np.sum(W, axis=0)
            return dirichlet.logpdf(x, alpha) + np.sum(dirichlet.logpdf(X, alpha) * np.arange(4.0)) + dirichlet.pdf(x, alpha)
    ''', [np.array([0.2, -0.3, 0.5]), np.array([0.2, 0.5, 0.3]),
          np.array([[0.2, 0.1, 0.5, 0.3], [0.3, 0.6, 0.25, 0.3], [0.5, 0.3, 0.25, 0.4]])])


def test_a_minibatch_energy_of_a_flat_vector_whose_long_samples_do_not_fit_keeps_its_own_samples():
    # theta[:-1].reshape(-1, 1) at rank 3: the sizes a guess leads to outgrow memory; that guess is left, and
    # the code written at the ranks that run stands
    assert_generated_right('''
        def f(theta, Xb, yb, N_total):
            n = Xb.shape[0]
            W = theta[:-1].reshape(-1, 1)
            b = theta[-1]
            pred = Xb @ W + b
            return (N_total / n) * 0.5 * np.sum((pred - yb) ** 2) + 0.5 * np.sum(theta ** 2)
    ''', [_normal(3), _normal(5, 2), _normal(5, 1), 100.0])
