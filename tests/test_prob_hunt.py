"""Probabilistic models and Bayesian code as people write it in NumPy: Gaussian process and mixture
likelihoods, Bayesian neural networks unpacking a flat parameter vector, variational objectives with
given noise, log-densities and HMC potentials.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, generated_gradients, imported

RNG = np.random.default_rng(31)


# --- a flat parameter vector unpacked over a list of layer shapes --------------------------------

FLAT_LAYERS = '''
import numpy as np
import pytest

def f(weights, inputs, targets):
    shapes = [(3, 5), (5, 2)]
    idx = 0
    h = inputs
    for li, (m, n) in enumerate(shapes):
        W = weights[idx:idx + m * n].reshape((m, n))
        idx += m * n
        b = weights[idx:idx + n]
        idx += n
        h = h @ W + b
        if li < len(shapes) - 1:
            h = np.maximum(h, 0.0)
    logp = h - np.log(np.sum(np.exp(h), axis=1, keepdims=True))
    return -np.sum(logp * targets)
'''


def _flat_layer_args():
    return [RNG.standard_normal(32) * 0.5 + 0.05, RNG.standard_normal((4, 3)), np.eye(2)[[0, 1, 1, 0]]]


def test_an_offset_into_a_flat_vector_over_a_list_of_layer_shapes_read_by_len_is_a_number():
    # len(shapes) in the loop has the loop's iterations written out, the offset then a sum of items of
    # the list of pairs ([[3, 5], [5, 2]][0][0] * ...): a number that += binds anew, not an array
    # that the loop would write into
    args = _flat_layer_args()
    module = backgen.generate(FLAT_LAYERS, name="f", shapes={"weights": "32", "inputs": "N, 3", "targets": "N, 2"})
    namespace = {}
    exec(module, namespace)
    got = namespace["f_backward"](*args)[0]
    forward = imported(FLAT_LAYERS, "prob_flat")["f"]
    want = finite_differences(forward, args, [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_an_offset_into_a_flat_vector_over_a_list_of_layer_shapes_by_the_decorator():
    args = _flat_layer_args()
    forward = imported(FLAT_LAYERS, "prob_flat")["f"]
    got = backgen.backward(forward, wrt=("weights",)).backward(*[a.copy() for a in args])
    want = finite_differences(forward, args, [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


# --- the layer shapes zipped from a list of sizes the function writes -----------------------------


def test_layer_shapes_listed_from_zip_of_a_local_list_of_sizes():
    # shapes = list(zip(sizes[:-1], sizes[1:])) of sizes = [...] written just above: the zip at each loop
    # (and in the sum counting the weights), the loop over layers written out as it is for a module's list
    assert_generated_right('''
        def f(weights: "13", inputs: "N, 1", targets: "N"):
            layer_sizes = [1, 4, 1]
            shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
            num_weights = sum((m + 1) * n for m, n in shapes)
            prior = -0.5 * np.sum(weights[:num_weights] ** 2)
            for m, n in shapes:
                cur = weights[:m * n].reshape((m, n))
                bias = weights[m * n:m * n + n]
                weights = weights[(m + 1) * n:]
                outputs = np.dot(inputs, cur) + bias
                inputs = np.tanh(outputs)
            return prior - 0.5 * np.sum((outputs[:, 0] - targets) ** 2) / 0.01
    ''', [RNG.standard_normal(13) * 0.5, RNG.standard_normal((5, 1)), RNG.standard_normal(5)])


def test_a_list_of_sizes_written_into_is_not_read_as_written_out():
    # sizes.append(...) changes what the zip reads after the list was made: refused, as before
    with pytest.raises(backgen.BackgenError):
        backgen.generate('''
def f(weights, inputs):
    layer_sizes = [1, 4]
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    layer_sizes.append(1)
    for m, n in shapes:
        inputs = np.tanh(np.dot(inputs, weights[:m * n].reshape((m, n))))
        weights = weights[m * n:]
    return np.sum(inputs)
''', name="f", shapes={"weights": "13", "inputs": "N, 1"})


# --- np.diagonal without shapes ------------------------------------------------------------------

A4 = RNG.standard_normal((4, 4))
SPD4 = A4 @ A4.T + 4 * np.eye(4)


def test_gp_nll_reading_the_cholesky_factor_by_np_diagonal_without_shapes():
    assert_generated_right('''
        def rbf(A, B, ell):
            return np.exp(-0.5 * np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=-1) / ell ** 2)

        def f(X, y, ell):
            K = rbf(X, X, ell) + 0.1 * np.eye(X.shape[0])
            L = np.linalg.cholesky(K)
            a = np.linalg.solve(L, y)
            return 0.5 * np.dot(a, a) + np.sum(np.log(np.diagonal(L)))
    ''', [RNG.standard_normal((4, 2)), RNG.standard_normal(4), 1.3])


def test_np_diagonal_of_a_cholesky_factor_without_shapes():
    assert_generated_right('''
        def f(K, y):
            L = np.linalg.cholesky(K)
            return np.sum(np.linalg.solve(L, y) ** 2) + 2 * np.log(L.diagonal()).sum()
    ''', [SPD4, RNG.standard_normal(4)])


def test_np_diagonal_over_axes_and_an_offset_of_a_3d_array_without_shapes():
    # the code for every rank: g padded to the axis it runs along, times the identity of the offset,
    # the two axes moved back where they were
    source = '''
        def f(x):
            return np.sum(np.sin(np.diagonal(x, -1, 0, 2))) + np.sum(np.diagonal(x) ** 2)
    '''
    assert_generated_right(source, [RNG.standard_normal((3, 4, 5))])
    assert_generated_right(source, [RNG.standard_normal((5, 3, 4, 2))])


# --- scipy.stats's location-scale families and gamma and beta, as their formulas ---------------------

POINTS = np.array([0.5, -1.2, 2.0, 0.9])
POSITIVE = np.array([0.3, 1.2, 2.0, 0.9])
UNIT = np.array([0.3, 0.6, 0.2, 0.9])


@pytest.mark.parametrize("call, args", [
    ("laplace.logpdf(x, loc=loc, scale=scale)", [POINTS, 0.1, 1.4]),
    ("laplace.pdf(x, loc, scale) + laplace.pdf(x) * loc", [POINTS, 0.1, 1.4]),
    ("cauchy.logpdf(x, loc, scale) + cauchy.pdf(x, loc, scale)", [POINTS, 0.1, 1.4]),
    ("logistic.logpdf(x, loc, scale) + logistic.pdf(x, scale=scale)", [POINTS * 20, 0.1, 1.4]),
    ("expon.logpdf(x, loc, scale) + expon.pdf(x, scale=scale)", [POSITIVE, 0.1, 1.4]),
    ("gamma.logpdf(x, 2.5 + loc, scale=scale)", [POSITIVE, 0.1, 1.3]),
    ("gamma.pdf(x, loc, 0.2, scale)", [POSITIVE, 0.7, 1.3]),
    ("beta.logpdf(x, 1.5 + loc, scale)", [UNIT, 0.8, 1.7]),
    ("beta.pdf(x, loc, scale, -0.1, 1.3)", [UNIT, 0.6, 1.7]),
], ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("declared", [False, True], ids=["shape-free", "shapes"])
def test_scipy_stats_distributions_read_as_their_formulas(call, args, declared):
    # refused before ('scipy.stats.gamma.logpdf is not supported'); each as SciPy computes it, the shape
    # parameters of gamma and beta through xlogy, xlog1py and gammaln
    pytest.importorskip("scipy")
    params = 'x: "N", loc: float, scale: float' if declared else "x, loc, scale"
    assert_generated_right(f'''
        from scipy.stats import beta, cauchy, expon, gamma, laplace, logistic
        def f({params}):
            return np.sum({call})
    ''', args)


def test_gamma_and_beta_priors_of_a_bayesian_model_by_the_decorator():
    pytest.importorskip("scipy")
    text = '''
import numpy as np
import pytest
from scipy import stats

def log_posterior(w, log_tau, p, X, y):
    tau = np.exp(log_tau)
    log_prior = stats.gamma.logpdf(tau, 2.0, scale=0.5) + log_tau + stats.beta.logpdf(p, 2.0, 3.0)
    log_prior += np.sum(stats.laplace.logpdf(w, scale=1.0 / tau))
    z = X @ w
    return log_prior + np.sum(y * z - np.logaddexp(0, z)) + np.sum(stats.cauchy.logpdf(z, 0.0, 2.0 + p))
'''
    forward = imported(text, "prob_priors")["log_posterior"]
    args = [np.array([0.4, -0.7, 1.1]), 0.2, 0.35, RNG.standard_normal((5, 3)), np.array([1.0, 0.0, 1.0, 1.0, 0.0])]
    got = backgen.backward(forward, wrt=("w", "log_tau", "p")).backward(*[np.copy(a) for a in args])
    want = finite_differences(forward, args, [0, 1, 2], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


# --- layers unpacked into a list of (W, b) pairs, then looped over --------------------------------

BNN_LIST_OF_PAIRS = '''
import numpy as np

layer_sizes = [2, 4, 1]


def unpack_layers(params):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    i = 0
    layers = []
    for m, n in shapes:
        W = params[i:i + m * n].reshape(m, n)
        b = params[i + m * n:i + m * n + n]
        layers.append((W, b))
        i += (m + 1) * n
    return layers


def predict(params, X):
    h = X
    for W, b in unpack_layers(params):
        out = h @ W + b
        h = np.tanh(out)
    return out


def log_joint(params, X, y, noise_var=0.1):
    pred = predict(params, X)[:, 0]
    return -0.5 * np.sum(params ** 2) - 0.5 * np.sum((pred - y) ** 2) / noise_var
'''


def _bnn_args():
    return [RNG.standard_normal(17) * 0.5, RNG.standard_normal((5, 2)), RNG.standard_normal(5)]


def test_a_helper_returning_the_list_of_layer_pairs_it_appends_by_the_decorator():
    # the helper is written out in its caller (its loop over list(zip(...)) read as the caller's loops
    # are), the list appended once per layer then of known length: the loop over its pairs, whose h
    # changes shape in every iteration, written out whole
    forward = imported(BNN_LIST_OF_PAIRS, "prob_bnn")["log_joint"]
    args = _bnn_args()
    got = backgen.backward(forward, wrt=("params",)).backward(*[np.copy(a) for a in args])
    want = finite_differences(forward, args, [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_a_helper_returning_the_list_of_layer_pairs_it_appends_given_shapes():
    args = _bnn_args()
    module = backgen.generate(BNN_LIST_OF_PAIRS, name="log_joint", shapes={"params": "17", "X": "N, 2", "y": "N"},
                              wrt=("params",))
    namespace = {}
    exec(module, namespace)
    got = namespace["log_joint_backward"](*args)
    forward = imported(BNN_LIST_OF_PAIRS, "prob_bnn")["log_joint"]
    np.testing.assert_allclose(got, finite_differences(forward, args, [0], [1.0])[0], rtol=1e-5, atol=1e-7)


def test_a_list_of_layer_pairs_appended_in_the_function_then_looped_over_by_index():
    assert_generated_right('''
        def f(params: "17", X: "N, 2"):
            layers = []
            i = 0
            for m, n in [(2, 4), (4, 1)]:
                W = params[i:i + m * n].reshape(m, n)
                b = params[i + m * n:i + m * n + n]
                layers.append((W, b))
                i += (m + 1) * n
            h = X
            for k in range(len(layers)):
                W, b = layers[k]
                h = np.tanh(h @ W + b)
            return np.sum(h) + np.sum(layers[0][0] ** 2)
    ''', [RNG.standard_normal(17), RNG.standard_normal((5, 2))])


def test_a_list_appended_under_an_if_has_no_known_length():
    # how many layers the if appends is not known as the code is written: refused, not written out
    with pytest.raises(backgen.BackgenError, match="changes shape in this loop"):
        backgen.generate('''
def f(params, X, deep=True):
    layers = []
    i = 0
    for m, n in [(2, 4), (4, 1)]:
        if deep:
            layers.append(params[i:i + m * n].reshape(m, n))
        i += m * n
    h = X
    for W in layers:
        h = np.tanh(h @ W)
    return np.sum(h)
''', name="f", shapes={"params": "12", "X": "N, 2"})


# --- a kernel matrix filled row by row into np.empty ---------------------------------------------

KERNEL_BY_ROWS = '''
def f(X, y, log_ell):
    N = X.shape[0]
    K = np.empty((N, N))
    for i in range(N):
        K[i, :] = np.exp(-0.5 * np.sum((X[i] - X) ** 2, axis=1) * np.exp(-2 * log_ell))
    K[np.arange(N), np.arange(N)] += 0.5
    L = np.linalg.cholesky(K)
    a = np.linalg.solve(L, y)
    return 0.5 * a @ a + np.log(np.diag(L)).sum()
'''


def test_a_kernel_filled_row_by_row_into_np_empty_whatever_the_memory_held():
    # the shapes' walk leaves a loop of one shape per iteration after a few of them: the rows it does
    # not fill held what the memory held (here a freed array of -1000s, which NumPy gives np.empty
    # again), and np.linalg.cholesky raised on them now and then; the walk's np.empty gives zeros
    for _ in range(3):
        for n in range(2, 40):
            junk = [np.full((n, n), -1e3) for _ in range(4)]
            del junk
        got, want = generated_gradients(KERNEL_BY_ROWS.replace("def f(X, y, log_ell):",
                                                               'def f(X: "N, D", y: "N", log_ell: float):'),
                                        [RNG.standard_normal((5, 2)), RNG.standard_normal(5), 0.2])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


# --- the layers' shapes a module computes from its list of sizes, as autograd's examples do -------

MODULE_SHAPES = '''
import numpy as np

layer_sizes = [1, 4, 1]
shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
num_weights = sum((m + 1) * n for m, n in shapes)


def log_joint(params, inputs, targets):
    weights = params[:num_weights]
    for m, n in shapes:
        cur = weights[:m * n].reshape((m, n))
        bias = weights[m * n:m * n + n]
        weights = weights[(m + 1) * n:]
        inputs = np.tanh(np.dot(inputs, cur) + bias)
    return -0.5 * np.sum((inputs[:, 0] - targets) ** 2) - 0.5 * np.sum(params[num_weights:] ** 2)
'''


def test_layer_shapes_zipped_at_the_top_of_the_module_by_the_decorator():
    # shapes and num_weights are the list of pairs and the integer Python computes on import, read as
    # lists written out are (they were refused: 'global values are not supported')
    forward = imported(MODULE_SHAPES, "prob_shapes")["log_joint"]
    args = [RNG.standard_normal(15), RNG.standard_normal((5, 1)), RNG.standard_normal(5)]
    got = backgen.backward(forward, wrt=("params",)).backward(*[np.copy(a) for a in args])
    np.testing.assert_allclose(got, finite_differences(forward, args, [0], [1.0])[0], rtol=1e-5, atol=1e-7)


def test_layer_shapes_zipped_at_the_top_of_the_module_given_shapes():
    forward = imported(MODULE_SHAPES, "prob_shapes")["log_joint"]
    args = [RNG.standard_normal(15), RNG.standard_normal((5, 1)), RNG.standard_normal(5)]
    module = backgen.generate(MODULE_SHAPES, name="log_joint", wrt=("params",),
                              shapes={"params": "15", "inputs": "N, 1", "targets": "N"})
    namespace = {}
    exec(module, namespace)
    got = namespace["log_joint_backward"](*args)
    np.testing.assert_allclose(got, finite_differences(forward, args, [0], [1.0])[0], rtol=1e-5, atol=1e-7)


def test_layer_shapes_of_a_list_the_module_changes_are_no_constant():
    # layer_sizes bound twice: what the zip reads depends on when: left as written, and refused
    with pytest.raises(backgen.BackgenError, match="global values are not supported"):
        backgen.generate(MODULE_SHAPES.replace("num_weights = sum", "layer_sizes = [1, 2, 1]\nnum_weights = sum"),
                         name="log_joint", shapes={"params": "15", "inputs": "N, 1", "targets": "N"})


def test_the_decorator_names_a_multivariate_scipy_distribution_it_does_not_read():
    # wishart is an instance of wishart_gen, with no name of its own: the decorator said "unknown
    # function 'wishart.logpdf'" where generate says SciPy's function is not supported (dirichlet, which
    # this read first, is read now)
    pytest.importorskip("scipy")
    forward = imported('''
import numpy as np
from scipy.stats import wishart

def f(X, V):
    return wishart.logpdf(X, 5, V)
''', "prob_wishart")["f"]
    with pytest.raises(backgen.BackgenError, match="scipy.stats.wishart.logpdf is not supported"):
        backgen.backward(forward).backward(np.array([[2.0, 0.3], [0.3, 1.5]]), np.array([[1.0, 0.1], [0.1, 0.7]]))
