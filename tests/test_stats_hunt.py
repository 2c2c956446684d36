"""Probabilistic and statistical code as people write it: likelihoods, scipy.special and scipy.stats,
KL divergences and ELBOs, normalizations and log-space loops.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python (and SciPy) run it, with respect to its float parameters, or asserted refused with a
``BackgenError`` and part of its message.
"""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences

RNG = np.random.default_rng(20)
X43 = RNG.standard_normal((4, 3))
MU3 = RNG.standard_normal(3)
SPD3 = np.array([[2.1, 0.3, -0.4], [0.3, 1.7, 0.2], [-0.4, 0.2, 1.4]])


assert_right, assert_refused = assert_generated_right, assert_generated_refused


# --- scipy.stats.multivariate_normal: the covariance SciPy reads -------------------------------


def test_mvn_logpdf_reads_the_lower_triangle_of_cov_as_scipy_does():
    # SciPy's eigh reads cov's lower triangle: the gradient of a cov passed in lies there
    assert_right('''
        from scipy.stats import multivariate_normal
        def f(X, mu, S):
            return np.sum(multivariate_normal.logpdf(X, mu, S))
    ''', [X43, MU3, SPD3])


def test_mvn_pdf_of_one_point_in_a_mixture_loop():
    assert_right('''
        from scipy.stats import multivariate_normal
        def f(pi_logits, means, X, cov):
            pis = np.exp(pi_logits) / np.sum(np.exp(pi_logits))
            like = np.zeros(X.shape[0])
            for k in range(len(pis)):
                like += pis[k] * multivariate_normal.pdf(X, means[k], cov)
            return -np.sum(np.log(like))
    ''', [np.array([0.2, -0.3]), RNG.standard_normal((2, 3)), X43, SPD3])


@pytest.mark.parametrize("cov", [np.array([0.7, 1.3, 2.1]), 1.3], ids=["vector", "number"])
def test_mvn_logpdf_of_a_diagonal_or_scalar_cov(cov):
    # SciPy reads a vector as the diagonal, a number as a multiple of the identity
    assert_right('''
        from scipy.stats import multivariate_normal
        def f(X, mu, cov):
            return np.sum(multivariate_normal.logpdf(X, mu, cov))
    ''', [X43, MU3, cov])


def test_mvn_logpdf_of_a_diagonal_cov_given_shapes():
    assert_right('''
        from scipy.stats import multivariate_normal
        def f(x: "3", mu: "3", log_s: "3"):
            return multivariate_normal.logpdf(x, mu, np.exp(log_s))
    ''', [X43[0], MU3, np.array([0.1, -0.2, 0.3])])


def test_mvn_logpdf_with_its_default_cov():
    assert_right('''
        from scipy.stats import multivariate_normal
        def f(X, mu):
            return np.sum(multivariate_normal.logpdf(X, mean=mu))
    ''', [X43, MU3])


# --- scipy.special: arguments written as people write them ------------------------------------


def test_logsumexp_with_b_none_written_out_is_without_weights():
    assert_right('''
        from scipy.special import logsumexp
        def f(a):
            return np.sum(logsumexp(a, 1, None, True) * a) + logsumexp(a, b=None)
    ''', [X43])


@pytest.mark.parametrize("call, match", [
    ("logsumexp(a, b=a, return_sign=True)[0]", r"logsumexp is read with the arguments a, axis, b and keepdims only: "
                                               r"logsumexp\(a, b=a, return_sign=True\) is not supported"),
    ("gammaln(a, out=None)", r"gammaln is read with one argument only"),
    ("betaln(a)", r"betaln is read with two arguments only"),
])
def test_a_special_function_read_with_other_arguments_is_refused_saying_which(call, match):
    assert_refused(f'''
        from scipy.special import logsumexp, gammaln, betaln
        def f(a):
            return np.sum({call})
    ''', [np.array([1.2, 1.5, 2.5])], match)


# --- a loss returning a dict beside it (metrics, its own gradients): the dict is not differentiated ----


Y5 = np.array([0, 2, 1, 3, 2])
X53 = RNG.standard_normal((5, 3))


def test_a_loss_returning_a_dict_of_metrics_written_out():
    assert_right('''
        def f(W, X, y):
            N = X.shape[0]
            scores = X.dot(W)
            shifted = scores - scores.max(axis=1, keepdims=True)
            lp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss = -lp[np.arange(N), y].mean()
            return loss, {"acc": np.mean(np.argmax(scores, axis=1) == y), "loss": loss}
    ''', [RNG.standard_normal((3, 4)), X53, Y5])


def test_a_loss_returning_a_named_dict_of_metrics_filled_by_key():
    assert_right('''
        def f(mu, log_var, x, eps):
            z = mu + np.exp(0.5 * log_var) * eps
            rec = 0.5 * np.sum((x - z) ** 2)
            kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
            metrics = {"rec": rec, "kl": kl}
            metrics["z_norm"] = np.linalg.norm(z)
            return rec + kl, metrics
    ''', [MU3, 0.3 * MU3, X43[0], X43[1]])


def test_a_loss_returning_its_own_gradients_in_a_dict_written_out():
    assert_right('''
        def f(W1, b1, W2, b2, X, y, reg=0.1):
            N = X.shape[0]
            h = np.maximum(0, X @ W1 + b1)
            scores = h @ W2 + b2
            scores -= scores.max(axis=1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=1, keepdims=True)
            loss = -np.log(probs[np.arange(N), y]).mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
            dscores = probs.copy()
            dscores[np.arange(N), y] -= 1
            dW2 = h.T @ (dscores / N) + 2 * reg * W2
            grads = {"W1": None, "b1": None, "W2": dW2, "b2": dscores.sum(axis=0)}
            return loss, grads
    ''', [RNG.standard_normal((3, 4)), RNG.standard_normal(4), RNG.standard_normal((4, 4)),
          RNG.standard_normal(4), X53, Y5, 0.1])


def test_a_loss_returning_an_empty_dict_written_out_on_one_path(tmp_path):
    source = '''
        def f(w, X, y, verbose=False):
            z = X @ w
            loss = np.sum(np.logaddexp(0, z) - y * z)
            if verbose:
                return loss, {"z": z}
            return loss, {}
    '''
    assert_right(source, [MU3, X53, np.array([1.0, 0.0, 0.0, 1.0, 1.0])])
    path = tmp_path / "metrics_loss.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("metrics_loss", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    f = backgen.backward(module.f)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    dw = f.backward(MU3, X53, y)[0]  # (the gradients of w, X and y: the dict is not differentiated)
    z = X53 @ MU3
    np.testing.assert_allclose(dw, X53.T @ (1 / (1 + np.exp(-z)) - y), rtol=1e-10)


# --- scipy.stats beyond what backgen reads: refused at the call, by generate and by the decorator --------


def _decorated(tmp_path, text, name):
    path = tmp_path / f"{name}.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return backgen.backward(module.f)


@pytest.mark.parametrize("text, match", [
    ('''
        from scipy.stats import weibull_min
        def f(lam, k):
            return np.sum(weibull_min.logpdf(k, lam))
    ''', r"scipy.stats.weibull_min.logpdf is not supported: backgen reads scipy.stats's norm's logpdf"),
    ('''
        from scipy.stats import norm
        def f(lam, k):
            return np.sum(norm(lam, 1.0).logpdf(k))
    ''', r"a frozen distribution, norm\(lam, 1.0\), is not supported: give the parameters in each call, "
         r"norm.logpdf\(x, loc, scale\)"),
], ids=["weibull_min", "frozen_norm"])
def test_other_distributions_and_frozen_ones_are_refused_at_the_call(text, match, tmp_path):
    lam, k = np.array([1.5, 2.0, 0.7]), np.array([1.0, 3.0, 0.0])
    assert_refused(text, [lam, k], match)
    with pytest.raises(backgen.BackgenError, match=match):  # (at the decorator, or at the first backward)
        _decorated(tmp_path, text, "stats_" + str(len(text))).backward(lam, k)


# --- the decorator: integer labels read in comparisons only carry no gradient ----------------------


def test_the_decorator_leaves_labels_read_in_comparisons_only_out_of_wrt(tmp_path):
    # per-class Gaussians (naive Bayes), labels as integers: y == c gives masks, no gradient to y
    f = _decorated(tmp_path, '''
        def f(means, log_vars, X, y):
            ll = 0.0
            for c in range(2):
                Xc = X[y == c]
                ll += np.sum(-0.5 * (Xc - means[c]) ** 2 / np.exp(log_vars[c]) - 0.5 * log_vars[c])
            return -ll
    ''', "naive_bayes")
    means, log_vars, y = RNG.standard_normal((2, 3)), 0.3 * RNG.standard_normal((2, 3)), np.array([0, 1, 1, 0, 1])
    got = f.backward(means, log_vars, X53, y)
    want = finite_differences(f.__wrapped__, [means, log_vars, X53, y], [0, 1, 2], (1.0,))
    assert len(got) == 3
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_the_decorator_still_refuses_integer_arrays_read_in_arithmetic(tmp_path):
    # k * log(lam): integers there may mean numbers (as the decorator has it): named, not guessed
    f = _decorated(tmp_path, '''
        def f(log_lam, k):
            return np.sum(k * log_lam - np.exp(log_lam))
    ''', "poisson_counts")
    with pytest.raises(backgen.BackgenError, match="'k' is integer"):
        f.backward(np.array([0.1, 0.5]), np.array([1, 3]))


# --- the statistics module's means and spreads, in plain Python ------------------------------------


def test_statistics_means_and_spreads_of_a_list():
    assert_right('''
        import statistics
        def f(a, b, c):
            xs = [a * a, b, c + a]
            return statistics.mean(xs) + statistics.stdev(xs) + statistics.variance(xs)
    ''', [0.3, -1.2, 0.8])


def test_statistics_imported_by_name_in_a_loop():
    assert_right('''
        from statistics import fmean, pvariance, pstdev
        def f(a, b):
            tot = 0.0
            for k in range(3):
                xs = [a * k, b, a + b * k]
                tot += pvariance(xs) / (1 + fmean(xs) ** 2) + pstdev(xs)
            return tot
    ''', [0.3, -1.2])


def test_statistics_of_a_generator_and_of_an_array():
    assert_right('''
        import statistics as st
        def f(w, xs, x):
            return st.pstdev(w * v for v in xs) + st.fmean(w * v * v for v in xs) + st.stdev(np.tanh(x))
    ''', [0.7, np.array([0.3, -1.2, 0.8, 2.0]), MU3])


def test_statistics_median_is_refused_at_the_call():
    assert_refused('''
        import statistics
        def f(a, b, c):
            return statistics.median([a, b, c])
    ''', [0.3, -1.2, 0.8], "unknown function 'statistics.median'")


def test_the_decorator_on_code_calling_statistics(tmp_path):
    f = _decorated(tmp_path, '''
        import math
        from statistics import mean, stdev
        def f(mu, log_s, xs):
            zs = [(x - mu) / math.exp(log_s) for x in xs]
            return mean(z * z for z in zs) + stdev(zs)
    ''', "statistics_deco")
    xs = [0.3, -1.2, 0.8, 2.0]
    got = f.backward(0.2, -0.1, xs)
    want = finite_differences(f.__wrapped__, [0.2, -0.1, xs], [0, 1, 2], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_statistics_in_a_comprehension_and_a_conditional_expression():
    # computed where they are (no statement before them runs them at the right time)
    assert_right('''
        from statistics import mean, stdev
        def f(a, b):
            ms = [mean([a, b * k, a * b]) for k in range(3)]
            s = stdev(ms) if a > 0 else mean(ms)
            return s + sum(ms)
    ''', [0.3, -1.2])


# --- the normal's log cdf far in its tail ------------------------------------------------------------


def test_log_ndtr_and_norm_logcdf_far_in_the_lower_tail():
    # the cdf is 0 in floats below about -37.5: its log, and the gradient (about -x there), are not
    assert_right('''
        from scipy.special import log_ndtr
        from scipy.stats import norm
        def f(x):
            return np.sum(log_ndtr(x)) + np.sum(norm.logcdf(x, 0.5, 2.0)) + np.sum(norm.logsf(-x))
    ''', [np.array([-45.0, -30.0, -12.0, 0.3, 8.0])])


# --- entropies: scipy.special's entr, rel_entr, kl_div and scipy.stats.entropy ---------------------


def test_entr_rel_entr_and_kl_div():
    assert_right('''
        from scipy.special import entr, rel_entr, kl_div
        def f(a, b):
            p = np.exp(a) / np.sum(np.exp(a))
            q = np.exp(b) / np.sum(np.exp(b))
            return np.sum(entr(p)) + 2 * np.sum(rel_entr(p, q)) + 3 * np.sum(kl_div(p, q * 1.1))
    ''', [MU3, X43[0]])


def test_scipy_stats_entropy_with_and_without_qk_base_and_axis():
    assert_right('''
        from scipy.stats import entropy
        def f(A, B):
            p, q = np.exp(A[0]), np.exp(B[0])
            return (entropy(p) + 2 * entropy(p, q) + entropy(p, base=2) + entropy(p, qk=q, base=np.e)
                    + np.sum(entropy(np.exp(A), np.exp(B), axis=1)) + np.sum(entropy(np.exp(A))))
    ''', [X43, RNG.standard_normal((4, 3))])


def test_the_decorator_on_scipy_stats_entropy(tmp_path):
    f = _decorated(tmp_path, '''
        from scipy.stats import entropy
        def f(logits):
            return entropy(np.exp(logits))
    ''', "entropy_deco")
    got = f.backward(MU3)
    want = finite_differences(f.__wrapped__, [MU3], [0], (1.0,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


# --- digamma, the expectations of Dirichlet and Gamma variational factors --------------------------


def test_digamma_in_a_dirichlet_elbo():
    assert_right('''
        from scipy.special import digamma, gammaln
        def f(log_alpha, log_beta):
            a = np.exp(log_alpha)
            b = np.exp(log_beta)
            Elog = digamma(a) - digamma(np.sum(a))
            return np.sum((b - 1) * Elog) - gammaln(np.sum(a)) + np.sum(gammaln(a)) - np.sum((a - 1) * Elog)
    ''', [0.3 * MU3, 0.3 * X43[0]])


def test_psi_of_numbers_and_of_arrays_by_the_decorator(tmp_path):
    f = _decorated(tmp_path, '''
        import scipy.special as sp
        def f(gamma, b):
            return np.sum(sp.psi(gamma) - sp.psi(gamma.sum())) * b + sp.digamma(b)
    ''', "psi_deco")
    gamma = np.array([0.7, 1.9, 3.2, 0.15])
    got = f.backward(gamma, 1.7)
    want = finite_differences(f.__wrapped__, [gamma, 1.7], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_mvn_logpdf_with_allow_singular_false_written_out():
    assert_right('''
        from scipy.stats import multivariate_normal as mvn
        def f(X, mu, S):
            return mvn.logpdf(X, mu, S, allow_singular=False).mean()
    ''', [X43, MU3, SPD3])


def test_a_returned_dict_the_loss_reads_is_still_refused():
    # grads["h"] read by the loss: the dict is a value, which backgen does not stage, not a report
    assert_refused('''
        def f(x, w):
            h0 = x * w
            grads = {"h": h0}
            y = grads["h"] * 2
            return np.sum(y ** 2), grads
    ''', [MU3, X43[0]], "Dict expressions are not supported")
