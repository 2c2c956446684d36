"""Classic machine-learning and optimisation code as people write it: logistic, linear and ridge
regression, SVM and softmax losses, Huber and smooth-L1, Poisson and Gamma regression, mixtures and
Gaussian processes, matrix factorization, PCA, t-SNE-like affinities, contrastive losses and the
standard optimisation test functions (Rosenbrock, Rastrigin, Ackley, ...).

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, check_gradients, generated_gradients

RNG = np.random.default_rng(31)
V4 = np.array([0.3, -0.7, 1.1, 0.45])


assert_right, assert_refused = assert_generated_right, assert_generated_refused


# --- defaults written with math's and NumPy's constants ----------------------------------------


@pytest.mark.parametrize("header, default", [
    ("import numpy as np", "2 * np.pi"),
    ("import math", "2 * math.pi"),
    ("from math import pi", "2*pi"),
    ("from numpy import pi as PI", "PI + PI"),
], ids=["np", "math", "from_math", "from_numpy_as"])
def test_ackley_with_its_default_c_written_with_pi(header, default):
    # Ackley's function as its Python translations write it: c=2*np.pi, refused as no number before
    assert_right(f'''
        {header}
        def f(x, a=20, b=0.2, c={default}):
            d = x.shape[0]
            term1 = -a * np.exp(-b * np.sqrt(np.sum(x ** 2) / d))
            term2 = -np.exp(np.sum(np.cos(c * x)) / d)
            return term1 + term2 + a + np.exp(1)
    ''', [V4, 20, 0.2, 2 * np.pi])


def test_a_default_written_with_e_is_the_number_e():
    assert_right('''
        import math
        def f(x, base=math.e, s=np.e / 2):
            return math.log(x, base) * s + x * base
    ''', [1.7, np.e, np.e / 2])


# --- labels the decorator is given that the forward only compares or counts --------------------


def _decorated(tmp_path, text, name="f"):
    path = tmp_path / f"ml_{name}.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name), backgen.backward(getattr(module, name))


@pytest.mark.parametrize("test, size", [("y[i] == 1", "len(y)"), ("y[i] > 0", "y.shape[0]"),
                                        ("1 == y[i]", "y.size")], ids=["eq_len", "gt_shape", "size"])
def test_contrastive_loss_over_pairs_with_integer_labels_compared_by_element(tmp_path, test, size):
    # y (integers) is read only as y[i] == 1 and len(y): the decorator refused it as an integer to
    # differentiate
    f, g = _decorated(tmp_path, f'''
        def f(X1, X2, y, m):
            total = 0.0
            for i in range({size}):
                d = np.linalg.norm(X1[i] - X2[i])
                if {test}:
                    total += d ** 2
                else:
                    total += max(0.0, m - d) ** 2
            return total / {size}
    ''')
    args = [0.4 * RNG.standard_normal((4, 3)), 0.4 * RNG.standard_normal((4, 3)), np.array([1, 0, 0, 1]), 1.5]
    check_gradients(g.backward(*args), f, args, [0, 1, 3])


# --- module constants computed from arrays written out --------------------------------------------


HARTMANN3 = '''
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
def f(x):
    inner = np.sum(A * (x - P) ** 2, axis=1)
    return -np.sum(ALPHA * np.exp(-inner))
'''


def test_hartmann3_with_its_matrix_p_scaled_from_an_array_written_out(tmp_path):
    # P = 1e-4 * np.array([...]) was refused as a global value: only one computed from a name was read
    x = np.array([0.1, 0.5, 0.8])
    assert_right(HARTMANN3, [x])
    f, g = _decorated(tmp_path, HARTMANN3)
    check_gradients(g.backward(x), f, [x], [0])


@pytest.mark.parametrize("constant", ["np.array([[3689, 1170], [4699, 4387]]) * 1e-4",
                                      "np.array([[3689, 1170], [4699, 4387]]).T / 1e4",
                                      "np.exp(-np.array([[0.5, 1.5], [1.0, 2.0]])) + np.ones((2, 2))"],
                         ids=["scaled", "transposed", "of_functions"])
def test_the_only_constant_computed_from_an_array_written_out(constant):
    assert_right(f'''
        P = {constant}
        def f(x):
            return np.sum(np.exp(-(x - P) ** 2) * P)
    ''', [RNG.standard_normal((2, 2))])


def test_a_constant_computed_from_an_array_written_out_and_written_into_is_still_refused():
    assert_refused('''
        P = 2.0 * np.array([1.0, 2.0])
        def g(v):
            P[0] = v
            return v
        def f(x):
            return np.sum(x * P)
    ''', [np.array([0.5, 1.5])], "global values are not supported")


# --- scipy.linalg.solve and inv: the matrix SciPy reads ---------------------------------------------


SPD3 = np.array([[2.1, 0.3, -0.4], [0.3, 1.7, 0.2], [-0.4, 0.2, 1.4]])
SKEWED3 = SPD3 + np.array([[0.0, 0.1, 0.05], [-0.1, 0.0, 0.02], [0.03, -0.02, 0.0]])  # (either triangle PD)


def test_ridge_solved_by_scipy_with_assume_a_pos_as_sklearn_writes_it():
    assert_right('''
        from scipy import linalg
        def f(X, y, alpha):
            n_features = X.shape[1]
            A = np.dot(X.T, X)
            Xy = np.dot(X.T, y)
            A.flat[::n_features + 1] += alpha
            coef = linalg.solve(A, Xy, assume_a="pos", overwrite_a=False)
            return np.sum((X @ coef - y) ** 2) + alpha * coef @ coef
    ''', [RNG.standard_normal((6, 3)), RNG.standard_normal(6), 0.3])


@pytest.mark.parametrize("call", [
    "solve(K, y)", "solve(K, y, assume_a='gen', lower=True)", "solve(K, y, transposed=True)",
    "solve(K, y, assume_a='pos')", "solve(K, y, True, assume_a='sym')", "solve(K, y, lower=True, assume_a='her')",
    "solve(K, y, assume_a='positive definite', transposed=True)", "solve(K, y, assume_a='upper triangular')",
    "solve(K, y, assume_a='lower triangular', transposed=True)", "solve(K, np.outer(y, y), check_finite=False)",
    "inv(K) @ y", "inv(K, assume_a='pos') @ y", "inv(K, lower=True, assume_a='sym') @ y",
])
def test_scipy_solve_and_inv_of_a_matrix_given_read_as_scipy_reads_it(call):
    # sym, her, pos read one triangle of K (the upper unless lower=True), a triangular one that triangle:
    # a K that is not symmetric has a gradient in that triangle only
    assert_right(f'''
        from scipy.linalg import solve, inv
        def f(K, y):
            x = {call}
            return np.sum(x * np.arange(1, x.size + 1).reshape(x.shape))
    ''', [SKEWED3, np.array([0.5, -1.2, 0.8])])


@pytest.mark.parametrize("call, match", [
    ("solve(K, y, assume_a='banded')", r"assume_a must be written as one of"),
    ("solve(K, y, False, False)", r"scipy.linalg.solve with these arguments is not supported: give those after "
                                  r"lower by keyword"),
    ("solve(K, y, overwrite_a=True)", r"overwrite_a= other than False is not supported"),
    ("solve(K, y, assume_a=kind)", r"assume_a must be written as one of"),
])
def test_scipy_solve_read_otherwise_is_refused_at_the_call(call, match):
    assert_refused(f'''
        from scipy.linalg import solve
        def f(K, y, kind="pos"):
            return np.sum({call})
    ''', [SKEWED3, np.array([0.5, -1.2, 0.8])], match)


# --- scipy.spatial.distance: the distances written as NumPy ------------------------------------------


X53 = RNG.standard_normal((5, 3))
C23 = RNG.standard_normal((2, 3))


@pytest.mark.parametrize("header, call", [
    ("from scipy.spatial.distance import cdist", "cdist(X, C, 'sqeuclidean')"),
    ("from scipy.spatial.distance import cdist", "cdist(X, C)"),
    ("from scipy.spatial.distance import cdist", "cdist(X, C, metric='cityblock')"),
    ("from scipy.spatial.distance import cdist as pairwise", "pairwise(X, X, metric='euclidean')"),
    ("from scipy.spatial import distance", "distance.cdist(X, X, 'sqeuclidean')"),
    ("import scipy.spatial.distance as ssd", "ssd.cdist(C, X)"),
    ("from scipy.spatial.distance import pdist, squareform", "squareform(pdist(X, 'sqeuclidean'))"),
    ("from scipy.spatial.distance import pdist, squareform", "squareform(pdist(X @ C.T))"),
    ("from scipy.spatial.distance import pdist", "pdist(X, 'cityblock')[:, None] * np.ones(2)"),
    ("from scipy.spatial.distance import pdist", "pdist(X)"),
], ids=["cdist_sq", "cdist_default", "cdist_cityblock", "renamed_self", "module", "module_as", "squareform_sq",
        "squareform_of_an_expression", "pdist_cityblock", "pdist_default"])
def test_rbf_kernels_from_scipy_distances(header, call):
    # cdist(X, X) and squareform(pdist(X)) have zero distances on their diagonal, where the gradient is 0
    assert_right(f'''
        {header}
        def f(X, C, ell):
            D = {call}
            K = np.exp(-0.5 * D / ell ** 2)
            return np.sum(K * np.arange(1, K.size + 1).reshape(K.shape))
    ''', [X53, C23, 1.3])


@pytest.mark.parametrize("call", ["euclidean(u, v)", "sqeuclidean(u, v)", "cityblock(u - 1.0, v)", "cosine(u, v)"])
def test_distances_of_two_vectors(call):
    assert_right(f'''
        from scipy.spatial.distance import euclidean, sqeuclidean, cityblock, cosine
        def f(u, v):
            return {call} ** 2
    ''', [X53[0], X53[1]])


def test_a_gaussian_process_likelihood_with_its_kernel_from_cdist_decorated(tmp_path):
    f, g = _decorated(tmp_path, '''
        from scipy.spatial.distance import cdist
        def f(log_ell, X, y, noise=0.1):
            K = np.exp(-0.5 * cdist(X, X, "sqeuclidean") / np.exp(2 * log_ell)) + noise * np.eye(len(X))
            L = np.linalg.cholesky(K)
            alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
            return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
    ''')
    args = [0.2, X53, RNG.standard_normal(5), 0.1]
    check_gradients(g.backward(*args), f, args, [0, 1, 2, 3])


@pytest.mark.parametrize("call, match", [
    ("cdist(X, X, 'correlation')", r"cdist's metric must be written at the call as one of 'euclidean', "
                                   r"'sqeuclidean', 'cityblock', 'cosine', 'chebyshev'"),
    ("cdist(X, X, metric=kind)", r"cdist's metric must be written at the call"),
    ("cdist(X, X, 'minkowski', p=3)", r"cdist with p= is not supported: backgen reads XA, XB, metric"),
    ("squareform(X[0])", r"squareform is read only of pdist written in it"),
    ("jaccard(X[0], X[1])", r"scipy.spatial.distance.jaccard is not supported"),
])
def test_other_distances_are_refused_at_the_call(call, match):
    assert_refused(f'''
        from scipy.spatial.distance import cdist, squareform, jaccard
        def f(X, kind="euclidean"):
            return np.sum({call})
    ''', [X53], match)


# --- labels given a float shape ------------------------------------------------------------------


def test_labels_given_a_float_shape_are_named_in_the_refusal():
    # the refusal said only that NumPy wants integer indices (or, without reg's shape, that reg's was needed)
    source = '''
        def svm_loss_vectorized(W, X, y, reg):
            num_train = X.shape[0]
            scores = X.dot(W)
            correct_class_scores = scores[np.arange(num_train), y].reshape(num_train, 1)
            margin = np.maximum(0, scores - correct_class_scores + 1)
            margin[np.arange(num_train), y] = 0
            return margin.sum() / num_train + reg * np.sum(W * W)
    '''
    for given in ({"reg": float}, {}):
        with pytest.raises(backgen.BackgenError, match=r"IndexError: arrays used as indices must be of integer "
                           r"\(or boolean\) type; 'y' is given as a float array: if it holds integer labels or "
                           r"indices, give its shape as 'int 6'"):
            backgen.generate(textwrap.dedent(source), shapes={"W": (3, 4), "X": (6, 3), "y": (6,), **given})
    with pytest.raises(backgen.BackgenError) as refused:  # (P, indexed there, and the arrays sampled: not named)
        backgen.generate(textwrap.dedent('''
            def f(P, Q, idx):
                return np.sum(P[idx] * Q)
        '''), shapes={"P": (4, 2), "Q": (4, 2), "idx": (4,)})
    assert "'idx' is given as a float array" in str(refused.value) and "'P' is given" not in str(refused.value)
    with pytest.raises(backgen.BackgenError) as refused:  # (sampled, not given: not named; 2 * i, a product,
        backgen.generate(textwrap.dedent('''
            def f(P, Q, u):
                return np.sum(P[np.floor(u)] * Q)
        '''))
    assert "IndexError" in str(refused.value) and "is given as a float array" not in str(refused.value)
    W, X, y = RNG.standard_normal((3, 4)), RNG.standard_normal((6, 3)), np.array([0, 2, 1, 3, 0, 1])
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), shapes={"W": (3, 4), "X": (6, 3), "y": "int 6", "reg": float}),
         namespace)
    exec(textwrap.dedent(source), forward := {"np": np})
    got = namespace["svm_loss_vectorized_backward"](W, X, y, 0.1)
    check_gradients(got, forward["svm_loss_vectorized"], [W, X, y, 0.1], [0, 1, 3])


SOFTMAX_NAIVE_LAMBDA = '''
def f(W, X, y, reg):
    loss = 0.0
    num_train = X.shape[0]
    for i in range(num_train):
        f_i = X[i].dot(W)
        f_i -= np.max(f_i)
        sum_j = np.sum(np.exp(f_i))
        p = lambda k: np.exp(f_i[k]) / sum_j
        loss += -np.log(p(y[i]))
    loss /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    return loss
'''


def test_softmax_loss_naive_reading_its_labels_through_a_lambda(tmp_path):
    # y[i] is passed to a lambda that indexes with it: y holds labels (sampled as integers without shapes,
    # left out of the decorator's wrt), refused before as an integer to differentiate
    W, X, y = 0.5 * RNG.standard_normal((3, 4)), RNG.standard_normal((5, 3)), np.array([0, 3, 1, 2, 1])
    assert_right(SOFTMAX_NAIVE_LAMBDA, [W, X, y, 0.1])
    f, g = _decorated(tmp_path, SOFTMAX_NAIVE_LAMBDA)
    check_gradients(g.backward(W, X, y, 0.1), f, [W, X, y, 0.1], [0, 1, 3])


LDA_WITHIN_SCATTER = '''
def f(X, y, w):
    classes = np.unique(y)
    Sw = np.zeros((X.shape[1], X.shape[1]))
    for c in classes:
        Xc = X[y == c]
        mc = Xc.mean(axis=0)
        Sw += (Xc - mc).T @ (Xc - mc)
    return w @ Sw @ w / np.bincount(y).max()
'''


def test_fisher_lda_scatter_over_the_classes_np_unique_finds(tmp_path):
    # y, read by np.unique, np.bincount and y == c only, holds labels: sampled as floats without shapes
    # (np.unique refused there) and refused by the decorator as an integer to differentiate
    X, y, w = RNG.standard_normal((7, 3)), np.array([0, 2, 1, 2, 0, 1, 1]), RNG.standard_normal(3)
    assert_right(LDA_WITHIN_SCATTER, [X, y, w])
    f, g = _decorated(tmp_path, LDA_WITHIN_SCATTER)
    check_gradients(g.backward(X, y, w), f, [X, y, w], [0, 2])


# --- a model's methods calling the object's own methods ---------------------------------------------


MODELS = '''
import backgen

def _sigmoid(z):  # (a module function of the same name as the static method: not the one called)
    return np.tanh(z)

class LogisticRegression:
    def __init__(self, reg=0.1, fit_intercept=True):
        self.reg = reg
        self.fit_intercept = fit_intercept

    @staticmethod
    def _sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def _add_intercept(self, X):
        return np.hstack([np.ones((X.shape[0], 1)), X])

    @backgen.backward
    def loss(self, w, X, y):
        if self.fit_intercept:
            X = self._add_intercept(X)
        p = self._sigmoid(X @ w)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + self.reg * np.sum(w[1:] ** 2)

class GaussianProcess:
    def __init__(self, noise=0.05, variance=1.3):
        self.noise = noise
        self.variance = variance

    def kernel(self, A, B, ell):
        d = np.sum(A ** 2, 1)[:, None] + np.sum(B ** 2, 1)[None, :] - 2 * A @ B.T
        return self.variance * np.exp(-0.5 * d / ell ** 2)

    def nll(self, log_ell, X, y):
        K = self.kernel(X, X, np.exp(log_ell)) + self.noise * np.eye(len(X))
        L = np.linalg.cholesky(K)
        alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
        return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
'''


def test_a_model_whose_loss_calls_its_static_and_plain_methods_decorated_in_the_class(tmp_path):
    # self._sigmoid(z) and self._add_intercept(X) were refused: backgen did not follow the object's methods
    path = tmp_path / "ml_models.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(MODELS))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    w, X, y = 0.3 * RNG.standard_normal(4), RNG.standard_normal((6, 3)), np.array([1.0, 0, 1, 1, 0, 0])
    for reg, intercept in ((0.1, True), (0.3, False)):
        model = module.LogisticRegression(reg, intercept)
        if not intercept:
            w = w[1:]
        check_gradients(model.loss.backward(w, X, y), lambda *a: model.loss(*a), [w, X, y], [0, 1, 2])


def test_a_gaussian_process_whose_likelihood_calls_its_kernel_reading_the_object_bound(tmp_path):
    # kernel reads self.variance: called as the function of it, which nll then reads
    path = tmp_path / "ml_gp.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(MODELS))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    gp = module.GaussianProcess()
    nll = backgen.backward(gp.nll)
    X, y = RNG.standard_normal((5, 2)), RNG.standard_normal(5)
    check_gradients(nll.backward(0.2, X, y), gp.nll, [0.2, X, y], [0, 1, 2])
    gp.variance = 2.0  # (read at each call)
    check_gradients(nll.backward(0.2, X, y), gp.nll, [0.2, X, y], [0, 1, 2])


@pytest.mark.parametrize("kept, refused", [("self.last = z", False), ("self.calls = self.calls + 1", True)])
def test_a_method_calling_one_that_writes_into_the_object(tmp_path, kept, refused):
    # what it sets and reads no more (self.last = z, as NNFS's layers keep what they compute) is the
    # method's own name: the method a function of its arguments; a write of a value it reads is refused
    path = tmp_path / "ml_writer.py"
    path.write_text("import numpy as np\nimport backgen\n" + textwrap.dedent('''
        class Model:
            calls = 0
            def _remember(self, z):
                KEPT
                return z
            @backgen.backward
            def loss(self, w):
                return np.sum(self._remember(w) ** 2)
    ''').replace("KEPT", kept))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not refused:
        np.testing.assert_allclose(module.Model().loss.backward(np.array([0.5, 1.5])), [1.0, 3.0])
        return
    with pytest.raises(backgen.BackgenError, match=r"self._remember\(\): backgen does not follow calls of the "
                                                   r"object's own methods"):
        module.Model().loss.backward(np.array([0.5, 1.5]))


def test_a_subclass_overriding_a_method_the_loss_calls_is_refused(tmp_path):
    # the helper read is the class's own kernel: an object whose class overrides it would get its gradient
    path = tmp_path / "ml_override.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(MODELS) + textwrap.dedent('''
        class Laplace(GaussianProcess):
            def kernel(self, A, B, ell):
                return np.exp(-np.sqrt(np.sum((A[:, None] - B[None]) ** 2, -1) + 1e-9) / ell)
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    nll = backgen.backward(module.GaussianProcess.nll)
    X, y = RNG.standard_normal((5, 2)), RNG.standard_normal(5)
    gp = module.GaussianProcess()
    check_gradients(nll.backward(gp, 0.2, X, y), lambda *a: gp.nll(*a), [0.2, X, y], [0, 1, 2])
    with pytest.raises(backgen.BackgenError, match=r"calls self.kernel\(\), which backgen read as "
                                                   r"GaussianProcess's kernel; Laplace objects \(or this one\) hold "
                                                   r"another kernel"):
        nll.backward(module.Laplace(), 0.2, X, y)
    other = module.GaussianProcess()
    other.kernel = lambda A, B, ell: A @ B.T
    with pytest.raises(backgen.BackgenError, match=r"hold another kernel"):
        nll.backward(other, 0.2, X, y)


def test_methods_calling_methods_in_turn_each_read_as_the_function_of_its_attributes(tmp_path):
    path = tmp_path / "ml_net.py"
    path.write_text("import numpy as np\nimport backgen\n" + textwrap.dedent('''
        def relu(z):
            return np.maximum(0, z)

        class Base:
            @staticmethod
            def softplus(z, beta=1.0):
                return np.log1p(np.exp(beta * z)) / beta

        class Net(Base):
            def __init__(self, W1, W2, reg=0.01, temperature=2.0):
                self.W1, self.W2, self.reg, self.temperature = W1, W2, reg, temperature

            def hidden(self, X):
                return relu(X @ self.W1) + self.softplus(X @ self.W1, beta=2.0)

            def logits(self, X):
                return self.hidden(X) @ self.W2 / self.temperature

            @backgen.backward
            def loss(self, X, y):
                total = 0.0
                Z = self.logits(X)
                for i in range(X.shape[0]):
                    z = Z[i] - np.max(Z[i])
                    total += np.log(np.sum(np.exp(z))) - z[y[i]]
                return total / X.shape[0] + self.reg * (np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2))
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X, y = RNG.standard_normal((5, 3)), np.array([0, 1, 2, 1, 0])
    net = module.Net(RNG.standard_normal((3, 4)), RNG.standard_normal((4, 3)))
    check_gradients(net.loss.backward(X, y), lambda W1, W2, X: module.Net(W1, W2).loss(X, y),
                    [net.W1, net.W2, X], [0, 1, 2])


# --- optimisation test functions over a vector, without shapes ----------------------------------------


TRID = '''
def f(x):
    s1 = 0.0
    s2 = 0.0
    for i in range(len(x)):
        s1 += (x[i] - 1) ** 2
        if i > 0:
            s2 += x[i] * x[i - 1]
    return s1 - s2
'''


def test_the_trid_function_summing_over_neighbours_on_one_path_of_a_loop():
    # x of rank 2 made the sum an array on one path and a number on the other: refused, though x is a
    # vector (or list) of numbers as the loop reads it; the backward checks it is given one
    source = TRID
    for x in (np.array([0.3, -0.7, 1.1, 0.45]), [0.3, -0.7, 1.1]):
        got, want = generated_gradients(source, [np.asarray(x)])
        np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-8)
        namespace = {}
        exec(backgen.generate(source), namespace)
        np.testing.assert_allclose(namespace["f_backward"](x), want[0], rtol=1e-6, atol=1e-8)
    with pytest.raises(TypeError, match=r"f_backward\(\) is written for x as a list or vector of numbers"):
        namespace["f_backward"](np.ones((3, 2)))


def test_a_template_method_calling_what_the_subclass_of_its_first_object_defines(tmp_path):
    # value is decorated where the base class defines it, evaluate only in the subclasses: read on the class of
    # the object value is first called on (refused before: the base's evaluate raises on every path)
    path = tmp_path / "ml_template.py"
    path.write_text("import numpy as np\nimport backgen\n" + textwrap.dedent('''
        class TestFunction:
            def __init__(self, shift=0.5):
                self.shift = shift
            def evaluate(self, x):
                raise NotImplementedError
            @backgen.backward
            def value(self, x):
                return self.evaluate(x - self.shift)

        class Rosenbrock(TestFunction):
            def evaluate(self, x):
                return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

        class Sphere(TestFunction):
            def evaluate(self, x):
                return np.sum(x ** 2)
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rosenbrock = module.Rosenbrock()
    check_gradients(rosenbrock.value.backward(V4), rosenbrock.value, [V4], [0])
    assert backgen.gradcheck(module.Rosenbrock(0.2).value, V4) < 1e-6
    with pytest.raises(backgen.BackgenError, match=r"TestFunction.value\(\) calls self.evaluate\(\), which backgen "
                                                   r"read as Rosenbrock's evaluate; Sphere objects \(or this one\) "
                                                   r"hold another evaluate"):
        module.Sphere().value.backward(V4)


def test_a_template_method_undecorated_given_bound_to_an_object_of_a_subclass(tmp_path):
    path = tmp_path / "ml_template_bound.py"
    path.write_text("import numpy as np\n" + textwrap.dedent('''
        class Objective:
            def evaluate(self, x):
                raise NotImplementedError
            def value(self, x):
                return self.evaluate(x) + 1.0

        class Styblinski(Objective):
            def evaluate(self, x):
                return 0.5 * np.sum(x ** 4 - 16 * x ** 2 + 5 * x)
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    obj = module.Styblinski()
    check_gradients(backgen.backward(obj.value).backward(V4), obj.value, [V4], [0])
    assert backgen.gradcheck(obj.value, V4) < 1e-6


def test_a_method_the_loss_calls_reading_the_modules_constant_arrays(tmp_path):
    path = tmp_path / "ml_hartmann_class.py"
    path.write_text("import numpy as np\nimport backgen\n" + HARTMANN3.replace("def f(x):", "def g(x):") +
                    textwrap.dedent('''
        class Hartmann:
            def inner(self, x):
                return np.sum(A * (x - P) ** 2, axis=1)
            @backgen.backward
            def value(self, x):
                return -np.sum(ALPHA * np.exp(-self.inner(x)))
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, hartmann = np.array([0.1, 0.5, 0.8]), module.Hartmann()
    check_gradients(hartmann.value.backward(x), hartmann.value, [x], [0])


@pytest.mark.parametrize("header, call", [
    ("import scipy.spatial.distance", "scipy.spatial.distance.cdist(X, X, 'sqeuclidean')"),
    ("import scipy.spatial", "scipy.spatial.distance.squareform(scipy.spatial.distance.pdist(X))"),
], ids=["module", "package"])
def test_scipy_distances_spelled_through_the_package(header, call, tmp_path):
    source = f'''
        {header}
        def f(X, ell):
            return np.sum(np.exp(-{call} / ell) * np.arange(1, 26).reshape(5, 5))
    '''
    assert_right(source, [X53, 1.3])
    f, g = _decorated(tmp_path, source)
    check_gradients(g.backward(X53, 1.3), f, [X53, 1.3], [0, 1])


@pytest.mark.parametrize("header, call", [
    ("import scipy", "scipy.special.expit(X)"),
    ("import scipy as sp", "sp.linalg.cholesky(X.T @ X + np.eye(3))"),
    ("import scipy, math", "scipy.stats.norm.logpdf(X, 0.5, 2.0) * math.pi"),
    ("import math, scipy.special", "scipy.special.expit(X) * math.e"),
    ("import scipy.spatial.distance as ssd, math", "ssd.pdist(X) * math.e"),
], ids=["scipy", "scipy_as", "scipy_and_math", "math_and_special", "distance_as_and_math"])
def test_scipy_read_through_the_package_beside_other_imports(header, call):
    # import scipy bound nothing backgen read (SciPy loads scipy.special as it is first read), and an import
    # naming scipy's modules beside math left math unbound
    assert_right(f'''
        {header}
        def f(X):
            return np.sum({call})
    ''', [X53])


# --- scipy.optimize.rosen -----------------------------------------------------------------------------


@pytest.mark.parametrize("header, call", [
    ("from scipy.optimize import rosen", "rosen(x)"),
    ("from scipy import optimize, special", "optimize.rosen(x * s) + special.expit(s)"),
    ("import scipy.optimize as opt", "opt.rosen(x)"),
    ("import scipy.optimize", "scipy.optimize.rosen(x[:3]) ** 0.5"),
    ("from scipy.optimize import rosen", "np.sum(rosen([x, x ** 2]) * np.arange(1.0, 5.0))"),
], ids=["from", "module", "module_as", "package", "grids"])
def test_scipy_rosenbrock_as_an_objective(header, call, tmp_path):
    # rosen([X, Y]) sums along its first axis, as SciPy's broadcasts over grids
    source = f'''
        {header}
        def f(x, s):
            return {call}
    '''
    assert_right(source, [V4, 1.3])
    f, g = _decorated(tmp_path, source)
    check_gradients(g.backward(V4, 1.3), f, [V4, 1.3], [0, 1])


def test_scipy_optimize_beyond_rosen_is_refused_at_the_call():
    assert_refused('''
        from scipy import optimize
        def f(x):
            return optimize.rosen(x) + np.sum(optimize.rosen_der(x))
    ''', [V4], r"scipy.optimize.rosen_der is not supported: backgen reads scipy.optimize's rosen")


def test_a_function_calling_static_methods_by_their_class(tmp_path):
    # Benchmarks.sphere(x) was refused as an unknown function; a name the function binds to a class of its
    # own is not read so
    path = tmp_path / "ml_statics.py"
    path.write_text("import numpy as np\nimport backgen\n" + textwrap.dedent('''
        class Benchmarks:
            @staticmethod
            def sphere(x):
                return np.sum(x ** 2)

            @staticmethod
            def rastrigin(x, A=10.0):
                return A * len(x) + np.sum(x ** 2 - A * np.cos(2 * np.pi * x))

        def f(x, w):
            return Benchmarks.sphere(x * w) + 0.1 * Benchmarks.rastrigin(x, A=5.0)
    '''))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    w = np.array([1.5, 0.5, -1.0, 2.0])
    check_gradients(backgen.backward(module.f).backward(V4, w), module.f, [V4, w], [0, 1])
