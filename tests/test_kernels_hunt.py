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
from numeric import assert_close, finite_differences, float_positions, imported, run_backward, shapes_of

HEAD = "import math\n\nimport numpy as np\nfrom scipy.linalg import solve_triangular\n" \
       "from scipy.spatial.distance import cdist\n"


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
            got = run_backward(backgen.generate(source, name=name, shapes=shapes, wrt=names), name, args, dout)
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


# ---------------------------------------------------------------- SVM hinge losses


def test_hinge_summed_in_a_loop_with_a_bias_number():
    """``if m < 1: loss += C * (1 - m)`` with a bias b: without shapes, b as a size-one array made the loss
    an array on one path only, and that dropped the code written for w a vector, X a matrix (b a number),
    leaving code for numbers w and vectors X, which raised TypeError for the arrays it is called with."""
    source = '''
    def f(w, b, X, y, C=1.0):
        loss = 0.5 * np.sum(w * w)
        for i in range(X.shape[0]):
            m = y[i] * (np.dot(w, X[i]) + b)
            if m < 1:
                loss += C * (1 - m)
        return loss
    '''
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    args = [rng.normal(size=3) * 0.5, 0.1, X, np.array([1.0, -1, 1, 1, -1, -1])]
    text = backgen.generate(HEAD + textwrap.dedent(source), name="f")
    assert "written for numbers b, C" in text and "pass np.asarray(b)" not in text
    got = run_backward(text, "f", args, 1.0)
    for g, w in zip(got, finite_differences(imported(HEAD + textwrap.dedent(source), "kernels_hunt")["f"], args,
                                            [0, 1, 2, 3], (1.0,))):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def test_dual_summed_over_pairs_in_loops():
    """``s += alpha[i] * alpha[j] * y[i] * y[j] * k`` from ``s = 0.0``: arrays of one rank made s an array, so
    no mix of ranks (alpha and y vectors, X a matrix, gamma a number) was tried, and the code written took
    X for a vector of numbers (TypeError for the matrix it is called with)."""
    rng = np.random.default_rng(2)
    assert_right('''
    def f(alpha, X, y, gamma):
        n = len(alpha)
        s = 0.0
        for i in range(n):
            for j in range(n):
                k = np.exp(-gamma * np.sum((X[i] - X[j]) ** 2))
                s += alpha[i] * alpha[j] * y[i] * y[j] * k
        return np.sum(alpha) - 0.5 * s
    ''', [rng.uniform(0.5, 1.5, 4), rng.normal(size=(4, 2)), np.array([1.0, -1, 1, -1]), 0.5], ways=("free",))


def test_marginal_likelihoods_summed_over_a_batch_of_datasets():
    """A batch of datasets, ``Xb`` of (B, N, D), summed in a loop from ``total = 0.0``: without shapes the
    samples of one rank each made total an array, and the code was refused."""
    rng = np.random.default_rng(3)
    assert_right('''
    def f(Xb, yb, ell, sn):
        total = 0.0
        for b in range(Xb.shape[0]):
            X = Xb[b]
            y = yb[b]
            K = np.exp(-0.5 * cdist(X, X, 'sqeuclidean') / ell ** 2) + sn ** 2 * np.eye(len(y))
            L = np.linalg.cholesky(K)
            a = solve_triangular(L, y, lower=True)
            total = total + 0.5 * a @ a + np.log(np.diag(L)).sum()
        return total
    ''', [rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 4)), 0.9, 0.3], ways=("free",))


# ---------------------------------------------------------------- scikit-learn's kernels


SKLEARN_MATERN = '''
from scipy.spatial.distance import pdist, squareform

def f(X, y, length_scale, alpha):
    dists = pdist(X / length_scale, metric="euclidean")
    K = dists * math.sqrt(3)
    K = (1.0 + K) * np.exp(-K)
    K = squareform(K)
    np.fill_diagonal(K, 1)
    K[np.diag_indices_from(K)] += alpha
    L = np.linalg.cholesky(K)
    a = solve_triangular(L, y, lower=True)
    return 0.5 * a @ a + np.log(np.diag(L)).sum()
'''


def test_squareform_of_a_kernel_vector_as_scikit_learn_writes_it():
    """``K = squareform(K)`` of the kernel's values over pdist's pairs (scikit-learn's RBF and Matern) was
    refused: squareform was read of pdist written in it only."""
    rng = np.random.default_rng(4)
    assert_right(SKLEARN_MATERN, [rng.normal(size=(5, 2)), rng.normal(size=5), 0.9, 0.1])


def test_squareform_nested_in_an_expression_stays_refused():
    assert_refused('''
    from scipy.spatial.distance import pdist, squareform

    def f(X):
        return np.sum(squareform(np.exp(-pdist(X))) ** 2)
    ''', "squareform is read only of pdist")


# ---------------------------------------------------------------- defaults


def test_bandwidths_given_as_a_list_default():
    """``bandwidths=[0.5, 1.0, 2.0]``, read only by a loop over it, was refused: defaults were numbers,
    strings, None and tuples only; it is read as the tuple of those numbers."""
    rng = np.random.default_rng(5)
    assert_right('''
    def f(X, Y, bandwidths=[0.5, 1.0, 2.0]):
        Dxx = cdist(X, X, 'sqeuclidean')
        Dyy = cdist(Y, Y, 'sqeuclidean')
        Dxy = cdist(X, Y, 'sqeuclidean')
        total = 0.0
        for h in bandwidths:
            total += np.exp(-Dxx / h).mean() + np.exp(-Dyy / h).mean() - 2 * np.exp(-Dxy / h).mean()
        return total
    ''', [rng.normal(size=(4, 2)), rng.normal(size=(3, 2)) + 0.3])


def test_a_list_default_the_function_changes_stays_refused():
    assert_refused('''
    def f(x, hs=[0.5, 1.0]):
        hs.append(2.0)
        return sum(np.sum(np.exp(-x / h)) for h in hs)
    ''', "parameter defaults must be numbers")


# ---------------------------------------------------------------- sample values


def test_prior_sample_through_a_cholesky_factor_of_one_dimensional_points():
    """Without shapes, the sample points (all in one unit interval) made the kernel matrix singular to
    working precision, and np.linalg.cholesky raised at every sample: the code was refused.  Points 2
    apart are tried where a sample run meets LinAlgError."""
    rng = np.random.default_rng(6)
    assert_right('''
    def f(x, ell, eps):
        K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / ell ** 2)
        L = np.linalg.cholesky(K + 1e-6 * np.eye(len(x)))
        return L @ eps
    ''', [np.sort(rng.uniform(-3, 3, 5)), 0.9, rng.normal(size=(5, 3))], wrt=[1, 2], dout=rng.normal(size=(5, 3)),
                 ways=("free",))


# ---------------------------------------------------------------- cdist's weighted metrics


def test_ard_distances_by_cdist_seuclidean_with_the_lengthscales_as_variances():
    """cdist(X, Z, 'seuclidean', V=ls ** 2) and squareform(pdist(X, 'seuclidean', V=v)) were refused
    (V= was not read); a row's distance to itself, 0, has the gradient 0 (a sum of squares' root)."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(4, 2))
    assert_right('''
    def f(X, Z, ls):
        return np.sum(np.exp(-0.5 * cdist(X, Z, 'seuclidean', V=ls ** 2) ** 2))
    ''', [X, rng.normal(size=(3, 2)), np.array([0.8, 1.3])])
    assert_right('''
    from scipy.spatial.distance import pdist, squareform

    def f(X, v):
        return np.sum(np.exp(-squareform(pdist(X, 'seuclidean', V=v))))
    ''', [X, np.array([0.8, 1.3])], ways=("shapes",))


def test_mahalanobis_distances_of_rows_to_themselves():
    """cdist(X, X, 'mahalanobis', VI=...) was refused; its rows' distances to themselves are 0, where the
    gradient of the root of a quadratic form written as einsum would be nan."""
    rng = np.random.default_rng(8)
    assert_right('''
    def f(X, L):
        return np.sum(np.exp(-cdist(X, X, 'mahalanobis', VI=L @ L.T)))
    ''', [rng.normal(size=(4, 2)), np.eye(2) + 0.1 * rng.normal(size=(2, 2))], ways=("shapes", "decorator"))


def test_a_weight_of_another_metric_is_refused():
    assert_refused('''
    def f(X, v):
        return np.sum(cdist(X, X, 'euclidean', V=v))
    ''', "V= is read for the metric seuclidean only")


# ---------------------------------------------------------------- distances of points to themselves


def test_ard_exponential_kernel_with_log_lengthscales_over_all_pairs():
    """np.sqrt(np.sum(D ** 2 / np.exp(log_ls), -1)) over all pairs, 0 on the diagonal: an exponential was
    not known never negative, so the root's gradient there was inf * 0, nan, where it is 0."""
    rng = np.random.default_rng(9)
    assert_right('''
    def f(X, log_ls, sn):
        D = X[:, None, :] - X[None, :, :]
        r = np.sqrt(np.sum(D ** 2 / np.exp(2 * log_ls), axis=-1))
        K = np.exp(-r) + sn * np.eye(len(X))
        L = np.linalg.cholesky(K)
        return np.sum(np.log(np.diag(L)))
    ''', [rng.normal(size=(4, 2)), np.array([0.1, -0.3]), 0.1], ways=("shapes", "decorator"))


@pytest.mark.parametrize("root", ["np.sqrt(d2 / ell)", "(d2 * ell) ** 0.5"])
def test_root_of_a_squared_distance_scaled_by_a_parameter_over_all_pairs(root):
    """np.sqrt(d2 / ell), 0 on the diagonal, ell a parameter: d2 / ell was not known never negative (ell may be
    negative), so the root's gradient there was inf * 0, nan, where it is 0.  It is never negative where ell
    is positive: the code checks that as it runs, and guards the root's gradient then."""
    rng = np.random.default_rng(10)
    assert_right(f'''
    def f(X, ell):
        d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
        r = {root}
        return np.sum(np.exp(-r))
    ''', [rng.normal(size=(4, 2)), 0.8], ways=("shapes", "decorator"))


def test_root_of_a_scaled_square_of_numbers():
    assert_right('''
    def f(x, y, ell):
        return math.exp(-math.sqrt((x - y) ** 2 / ell)) + math.exp(-math.sqrt((x - x) ** 2 / ell))
    ''', [0.3, 1.1, 0.7])


# ---------------------------------------------------------------- functools.partial


PARTIAL = '''
from functools import partial

def rbf(A, B, ell, sf):
    return sf ** 2 * np.exp(-0.5 * cdist(A, B, 'sqeuclidean') / ell ** 2)

def f(X, y, Xs, ell, sf, sn):
    k = partial(rbf, ell=ell, sf=sf)
    K = k(X, X) + sn ** 2 * np.eye(len(X))
    return np.sum(k(Xs, X, sf=2.0 * sf) @ np.linalg.solve(K, y))
'''


def test_a_kernel_with_its_hyperparameters_bound_by_functools_partial():
    """k = partial(rbf, ell=ell, sf=sf), then k(X, X) and k(Xs, X, sf=...) was refused (functools.partial);
    the calls are written as rbf's, the call's keywords in place of the partial's."""
    rng = np.random.default_rng(11)
    assert_right(PARTIAL, [rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(3, 2)), 0.9, 1.1, 0.3])


def test_a_partial_of_a_name_rebound_after_it_reads_the_value_it_was_given():
    """Refused before; the partial holds ell as it was (ell_k = ell), the name bound again after it."""
    rng = np.random.default_rng(12)
    assert_right('''
    from functools import partial

    def rbf(A, B, ell):
        return np.exp(-cdist(A, B, 'sqeuclidean') / ell)

    def f(X, ell):
        k = partial(rbf, ell=ell)
        ell = 2 * ell
        return np.sum(k(X, X)) + ell
    ''', [rng.normal(size=(4, 2)), 0.9])
