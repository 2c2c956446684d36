"""Functions as they are written in public code (CS231n solutions, physics and statistics
formulas), given to ``generate`` with the shapes their docstrings or a few ``shapes=``
declare; each backward is checked against central finite differences."""

import ast
import importlib.util
import inspect
import math
import re
import textwrap

import numpy as np
import pytest

import backgen
import real_sweep
from conftest import student_source
from numeric import finite_differences, gradient, weighted


def assert_both_ways(source, function, args, tmp_path, shapes=None, count=None):
    """``function`` of ``source`` differentiated by ``generate`` (with ``shapes``) and by the decorator:
    the first ``count`` gradients (all by default) match finite differences."""
    module = real_sweep._module(source, function, tmp_path)[0]
    forward = getattr(module, function)
    namespace = {}
    exec(backgen.generate(source, name=function, shapes=shapes), namespace)
    for got in (namespace[f"{function}_backward"](*args), backgen.backward(forward).backward(*args)):
        for k, g in enumerate(got[:count]):
            np.testing.assert_allclose(g, gradient(forward, args, k), rtol=1e-5, atol=1e-7)


CASES = {
"fluid_advect": ('''
import numpy as np
def advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
       using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_xs).astype(int)
    top_ix  = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix              # Relative weight of right-hand cells.
    bw = center_ys - top_ix               # Relative weight of bottom cells.
    left_ix  = np.mod(left_ix,     rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix   = np.mod(top_ix,      cols)
    bot_ix   = np.mod(top_ix  + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw)*f[left_ix,  top_ix] + bw*f[left_ix,  bot_ix]) \\
                 + rw * ((1 - bw)*f[right_ix, top_ix] + bw*f[right_ix, bot_ix])
    return np.reshape(flat_f, (rows, cols))
''', {"f": "N, N", "vx": "N, N", "vy": "N, N"},
    lambda: [np.random.default_rng(5).normal(size=(5, 5)),
             np.random.default_rng(6).uniform(0.1, 0.4, size=(5, 5)) + np.arange(5) % 2,
             np.random.default_rng(7).uniform(0.1, 0.4, size=(5, 5)) - np.arange(5)[:, None] % 3]),
"fluid_project": ('''
import numpy as np
def project(vx, vy):
    """Project the velocity field to be approximately mass-conserving,
       using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    h = 1.0/vx.shape[0]
    div = -0.5 * h * (np.roll(vx, -1, axis=0) - np.roll(vx, 1, axis=0)
                    + np.roll(vy, -1, axis=1) - np.roll(vy, 1, axis=1))

    for k in range(10):
        p = (div + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)
                 + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1))/4.0

    vx -= 0.5*(np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))/h
    vy -= 0.5*(np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))/h
    return vx, vy
''', {"vx": "N, M", "vy": "N, M"},
    lambda: [np.random.default_rng(8).normal(size=(4, 5)), np.random.default_rng(9).normal(size=(4, 5))]),
"lennard_jones": ('''
import numpy as np
def lj_energy(pos, eps=1.0, sigma=1.0):
    n = pos.shape[0]
    E = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            sr6 = (sigma / r) ** 6
            E += 4 * eps * (sr6 * sr6 - sr6)
    return E
''', {"pos": "4, 3"}, lambda: [np.random.default_rng(1).normal(size=(4, 3)) * 2, 1.0, 1.1]),
"gaussian_nll": ('''
import numpy as np
def gaussian_nll(x, mu, log_sigma):
    sigma = np.exp(log_sigma)
    z = (x - mu) / sigma
    return np.sum(0.5 * z ** 2 + log_sigma + 0.5 * np.log(2 * np.pi))
''', {"x": "10", "mu": "()", "log_sigma": "()"}, lambda: [np.random.default_rng(2).normal(size=10), 0.3, -0.2]),
"projectile": ('''
import math
def range_of(v, theta, g=9.81, h=1.5):
    vx = v * math.cos(theta)
    vy = v * math.sin(theta)
    t = (vy + math.sqrt(vy ** 2 + 2 * g * h)) / g
    return vx * t
''', None, lambda: [12.0, 0.7, 9.81, 1.5]),
"logistic": ('''
import numpy as np
def logistic_loss(w, X, y):
    """Negative log likelihood of logistic regression.
    - w: weights of shape (D,)
    - X: data of shape (N, D)
    - y: labels of shape (N,)
    """
    preds = 1.0 / (1.0 + np.exp(-X.dot(w)))
    label_probabilities = preds * y + (1 - preds) * (1 - y)
    return -np.sum(np.log(label_probabilities))
''', None, lambda: [np.random.default_rng(3).normal(size=3), np.random.default_rng(4).normal(size=(6, 3)), np.arange(6) % 2]),
"kinetic_spring": ('''
import numpy as np
def energy(x, v, m, k):
    ke = 0.5 * np.sum(m * np.sum(v ** 2, axis=1))
    stretch = np.diff(x, axis=0)
    pe = 0.5 * k * np.sum((np.linalg.norm(stretch, axis=1) - 1.0) ** 2)
    return ke + pe
''', {"x": "5, 2", "v": "5, 2", "m": "5", "k": "()"}, lambda: [np.random.default_rng(5).normal(size=(5, 2)) * 2, np.random.default_rng(6).normal(size=(5, 2)), np.ones(5) + 0.5, 3.0]),
"softmax_cs231n_loop": ('''
import numpy as np
def softmax_loss_naive(W, X, y, reg):
    """
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength
    """
    loss = 0.0
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        correct_class_score = scores[y[i]]
        loss += -correct_class_score + np.log(np.sum(np.exp(scores)))
    loss /= num_train
    loss += reg * np.sum(W * W)
    return loss
''', None, lambda: [np.random.default_rng(7).normal(size=(4, 3)), np.random.default_rng(8).normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), 0.1]),
"svm_naive": (student_source("svm_loss_naive"), None, lambda: [np.random.default_rng(9).normal(size=(4, 3)), np.random.default_rng(10).normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), 0.1]),
"two_layer_net_loss": ('''
import numpy as np
def loss(X, W1, b1, W2, b2, y, reg=0.0):
    """
    - X: Input data of shape (N, D).
    - y: Vector of training labels, of shape (N,).
    """
    N, D = X.shape
    h = np.maximum(0, X.dot(W1) + b1)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return loss
''', {"W1": "4, 5", "b1": "5", "W2": "5, 3", "b2": "3"}, lambda: [np.random.default_rng(11).normal(size=(6, 4)), np.random.default_rng(12).normal(size=(4, 5)), np.zeros(5) + 0.1, np.random.default_rng(13).normal(size=(5, 3)), np.zeros(3), np.array([0, 1, 2, 0, 1, 2]), 0.05]),

"rosenbrock": ('''
import numpy as np
def rosenbrock(x):
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
''', {"x": "2"}, lambda: [np.array([0.3, 0.8])]),
"tanh_ratio": ('''
import numpy as np
def tanh(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)
''', {"x": "5"}, lambda: [np.linspace(-1, 1, 5)]),
"gp_kernel_lml": ('''
import numpy as np
def log_marginal_likelihood(log_scale, X, y, noise):
    scale = np.exp(log_scale)
    diffs = np.expand_dims(X / scale, 1) - np.expand_dims(X / scale, 0)
    K = np.exp(-0.5 * np.sum(diffs ** 2, axis=2)) + noise * np.eye(X.shape[0])
    sign, logdet = np.linalg.slogdet(K)
    alpha = np.linalg.solve(K, y)
    return -0.5 * np.dot(y, alpha) - 0.5 * logdet
''', {"log_scale": "2", "X": "5, 2", "y": "5", "noise": "()"}, lambda: [np.array([0.1, -0.2]), np.random.default_rng(1).normal(size=(5, 2)), np.random.default_rng(2).normal(size=5), 0.3]),
"ica_like": ('''
import numpy as np
def nll(W, X):
    S = X @ W.T
    sign, logdet = np.linalg.slogdet(W)
    return -np.sum(-np.logaddexp(0.0, S) - np.logaddexp(0.0, -S)) - X.shape[0] * logdet
''', {"W": "3, 3", "X": "6, 3"}, lambda: [np.eye(3) + 0.1 * np.random.default_rng(3).normal(size=(3, 3)), np.random.default_rng(4).normal(size=(6, 3))]),
"mlp_regression_l2": ('''
import numpy as np
def loss(W1, b1, W2, b2, X, y):
    h = np.tanh(X @ W1 + b1)
    pred = (h @ W2 + b2).ravel()
    return np.mean((pred - y) ** 2) + 1e-3 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
''', {"W1": "1, 8", "b1": "8", "W2": "8, 1", "b2": "1", "X": "10, 1", "y": "10"}, lambda: [np.random.default_rng(5).normal(size=(1, 8)), np.zeros(8) + 0.1, np.random.default_rng(6).normal(size=(8, 1)), np.zeros(1), np.linspace(-1, 1, 10)[:, None], np.sin(np.linspace(-1, 1, 10))]),
"softmax_vectorized": ('''
import numpy as np
def softmax_loss_vectorized(W, X, y, reg):
    """
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength
    """
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.sum(-np.log(probs[np.arange(num_train), y])) / num_train
    loss += reg * np.sum(W * W)
    return loss
''', None, lambda: [np.random.default_rng(7).normal(size=(4, 3)), np.random.default_rng(8).normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), 0.1]),
"svm_vectorized": ('''
import numpy as np
def svm_loss_vectorized(W, X, y, reg):
    """
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels
    - reg: (float) regularization strength
    """
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y].reshape(-1, 1)
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train + reg * np.sum(W * W)
    return loss
''', None, lambda: [np.random.default_rng(9).normal(size=(4, 3)), np.random.default_rng(10).normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), 0.1]),
"autograd_neural_net_no_shapes": ('''
import numpy as np

def logsumexp(X, axis=0):
    max_X = np.max(X, axis=axis, keepdims=True)
    return max_X + np.log(np.sum(np.exp(X - max_X), axis=axis, keepdims=True))

def neural_net_predict(W1, b1, W2, b2, inputs):
    outputs = np.tanh(np.dot(inputs, W1) + b1)
    outputs = np.dot(outputs, W2) + b2
    return outputs - logsumexp(outputs, axis=1)

def log_posterior(W1, b1, W2, b2, inputs, targets, L2_reg):
    log_prior = -L2_reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    log_lik = np.sum(neural_net_predict(W1, b1, W2, b2, inputs) * targets)
    return log_prior + log_lik
''', None, lambda: [np.random.default_rng(k).normal(size=s) for k, s in
                     enumerate([(3, 4), (4,), (4, 2), (2,), (5, 3), (5, 2)])] + [0.1]),
"helper_with_two_axes": ('''
import numpy as np

def logsumexp(X, axis=0):
    max_X = np.max(X, axis=axis, keepdims=True)
    return max_X + np.log(np.sum(np.exp(X - max_X), axis=axis, keepdims=True))

def f(x):
    return np.sum(logsumexp(x)) + np.sum(logsumexp(x * 2, axis=1) ** 2)
''', {"x": "N, D"}, lambda: [np.random.default_rng(6).normal(size=(3, 4))]),
"lennard_jones_no_shapes": ('''
import numpy as np

def lj_potential(pos, epsilon=1.0, sigma=1.0):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    n = pos.shape[0]
    iu = np.triu_indices(n, k=1)
    r2 = r2[iu]
    sr6 = (sigma ** 2 / r2) ** 3
    return np.sum(4 * epsilon * (sr6 ** 2 - sr6))
''', None, lambda: [np.random.default_rng(11).normal(size=(4, 3)) * 2, 1.2, 0.9]),
"gp_marginal_likelihood_no_shapes": ('''
import numpy as np

def gp_log_marginal(log_ls, X, y, noise):
    ls = np.exp(log_ls)
    d = X[:, None, :] - X[None, :, :]
    K = np.exp(-0.5 * np.sum(d ** 2, axis=-1) / ls ** 2) + noise * np.eye(X.shape[0])
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * y @ alpha - 0.5 * logdet
''', None, lambda: [0.2, np.random.default_rng(12).normal(size=(5, 2)), np.random.default_rng(13).normal(size=5), 0.3]),
"cs231n_two_layer_range_index_no_shapes": ('''
import numpy as np

def two_layer_loss(W1, b1, W2, b2, X, y, reg):
    N = X.shape[0]
    hidden = np.maximum(0, X.dot(W1) + b1)
    scores = hidden.dot(W2) + b2
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[range(N), y])) / N
    loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return loss
''', None, lambda: [np.random.default_rng(k).normal(size=s) for k, s in
                     enumerate([(4, 5), (5,), (5, 3), (3,), (6, 4)])] + [np.array([0, 2, 1, 1, 0, 2]), 0.1]),
"temporal_softmax_no_shapes": ('''
import numpy as np

def temporal_softmax_loss(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    return -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
''', None, lambda: [np.random.default_rng(14).normal(size=(2, 3, 4)), np.array([[0, 3, 1], [2, 2, 0]]),
                     np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])]),
"heat_equation_no_shapes": ('''
import numpy as np

def heat_1d(u0, alpha, steps):
    u = u0.copy()
    for _ in range(steps):
        u[1:-1] = u[1:-1] + alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)
''', None, lambda: [np.random.default_rng(15).normal(size=7), 0.2, np.array(4)]),
"karpathy_rnn_no_shapes": ('''
import numpy as np

def vanilla_rnn_loss(xs, h0, Wxh, Whh, Why, targets):
    h = h0
    loss = 0.0
    for t in range(len(xs)):
        h = np.tanh(Wxh @ xs[t] + Whh @ h)
        y = Why @ h
        p = np.exp(y) / np.sum(np.exp(y))
        loss += -np.log(p[targets[t]])
    return loss
''', None, lambda: [np.random.default_rng(k).normal(size=s) * 0.5 for k, s in
                     enumerate([(6, 3), (4,), (4, 3), (4, 4), (5, 4)])] + [np.array([0, 4, 2, 2, 1, 3])]),
"coulomb_energy_no_shapes": ('''
import numpy as np

def coulomb(q, r):
    k = 8.99e9
    n = len(q)
    U = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = np.sqrt(np.sum((r[i] - r[j]) ** 2))
            U += k * q[i] * q[j] / d
    return U * 1e-9
''', None, lambda: [np.random.default_rng(3).normal(size=4), np.random.default_rng(4).normal(size=(4, 3))]),
"springs_no_shapes": ('''
import numpy as np

def spring_potential(x, k, rest):
    d = np.diff(x)
    return 0.5 * k * np.sum((d - rest) ** 2)
''', None, lambda: [np.random.default_rng(5).normal(size=6), 2.0, 0.3]),
"attention_no_shapes": ('''
import numpy as np

def attention(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V
''', None, lambda: [np.random.default_rng(k).normal(size=s) for k, s in enumerate([(3, 4), (5, 4), (5, 2)])]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_real_code(name):
    source, shapes, make = CASES[name]
    source = textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    user = [v for k, v in namespace.items() if callable(v) and not k.startswith("__")][-1]

    def forward(*args):  # on copies: a forward may write into its arguments (vx -= ...)
        return user(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    generated = {}
    exec(backgen.generate(source, shapes=shapes), generated)
    args = make()
    outs = forward(*args)
    outs = outs if isinstance(outs, tuple) else (outs,)
    douts = [np.linspace(0.5, 1.5, out.size).reshape(out.shape) if isinstance(out, np.ndarray) else 1.0
             for out in outs]
    kept = [np.copy(a) for a in args]
    got = generated[f"{user.__name__}_backward"](*args, *douts)
    for before, after in zip(kept, args):
        np.testing.assert_array_equal(before, after, err_msg="the backward wrote into its arguments")
    got = got if isinstance(got, tuple) else (got,)
    floats = [k for k, a in enumerate(args) if not (isinstance(a, np.ndarray) and a.dtype.kind == "i")]
    assert len(got) == len(floats)
    objective = weighted(forward, douts)
    for g, k in zip(got, floats):
        np.testing.assert_allclose(g, gradient(objective, args, k), rtol=1e-5, atol=1e-7)


AUTOGRAD_NET = '''
import numpy as np

def logsumexp(x, axis=None, keepdims=False):
    max_x = np.max(x, axis=axis, keepdims=True)
    out = max_x + np.log(np.sum(np.exp(x - max_x), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else np.squeeze(out)

def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
'''


def test_a_net_over_a_list_of_layers_with_a_helper_whose_settings_decide_its_tests(tmp_path):
    # logsumexp(..., axis=1, keepdims=True): its `out if keepdims else ...` and `axis is not None`
    # are decided by the constants it is called with (no path of another shape, no SyntaxWarning)
    path = tmp_path / "net.py"
    path.write_text(AUTOGRAD_NET)
    from conftest import load_module
    module = load_module(path)
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(4, 5)), rng.normal(size=5)), (rng.normal(size=(5, 3)), rng.normal(size=3))]
    inputs, targets = rng.normal(size=(6, 4)), np.eye(3)[rng.integers(0, 3, 6)]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        dparams = backgen.backward(module.log_posterior, wrt=("params",)).backward(params, inputs, targets, 0.1)
    for layer, (W, b) in enumerate(params):
        for part, value in enumerate((W, b)):
            def moved(v, layer=layer, part=part):
                changed = [list(p) for p in params]
                changed[layer][part] = v
                return module.log_posterior([tuple(p) for p in changed], inputs, targets, 0.1)
            np.testing.assert_allclose(dparams[layer][part], gradient(moved, [value], 0), rtol=1e-5, atol=1e-7)


def _imported_modules(source):
    """The top-level modules a case's source imports (``scipy`` for ``from scipy.special import expit``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return sorted(found)


@pytest.mark.sampled
@pytest.mark.parametrize("name", [n for n in real_sweep.CASES if not real_sweep.slow(n)])
def test_a_sweep_of_code_as_people_write_it(name):
    missing = [m for m in _imported_modules(real_sweep.CASES[name][0]) if importlib.util.find_spec(m) is None]
    if missing:  # (SciPy, autograd: optional extras)
        pytest.skip(f"the case imports {missing[0]}, which is not installed")
    # each case by generate (shapes as the source declares them, or none) and by the decorator: right
    # where accepted (finite differences), refused with the message real_sweep.KNOWN records otherwise
    for how in ("generate", "decorator"):
        kind, detail = real_sweep.outcome(name, how)
        expected, part = real_sweep.KNOWN.get((name, how), ("ok", ""))
        if kind == "skipped":  # a layer returning (out, cache): tried by generate only
            continue
        assert (kind, part in detail) == (expected, True), f"{how}: {kind}: {detail}"


def test_a_loss_returning_scores_without_labels_is_differentiated_where_they_are_given():
    # CS231n's loss(X, ..., y=None): `if y is None: return scores` is the prediction path; the
    # backward is the gradient of the loss (the student's grads dict left out) and refuses y=None
    source, _, make, options = real_sweep.CASES["loss_grads_dict_cs231n"]
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), shapes=options["shapes"]), namespace)
    X, W1, b1, W2, b2, y, reg = make()
    assert len(namespace["loss_backward"](X, W1, b1, W2, b2, y, reg)) == 6  # X, W1, b1, W2, b2, reg
    with pytest.raises(TypeError, match="the gradient of what loss\\(\\) returns with y given: pass y"):
        namespace["loss_backward"](X, W1, b1, W2, b2)


def _checked(function, args, wrt):
    """The decorator's gradients of ``function`` at ``args`` against finite differences."""
    got = backgen.backward(function, wrt=tuple(wrt)).backward(*args)
    got = got if isinstance(got, tuple) else (got,)
    names = list(inspect.signature(function).parameters)
    for g, name in zip(got, wrt):
        np.testing.assert_allclose(g, gradient(function, args, names.index(name)), rtol=1e-5, atol=1e-7)


def test_a_single_loss_returning_scores_without_labels_is_differentiated_both_ways(tmp_path):
    # `if y is None: return scores` then `return loss`, one value either way: generate writes the
    # gradient of the loss and refuses y=None; the decorator decides the test by the call's y, and
    # a call without y is another backward (the scores' gradient)
    module = real_sweep._module('''
import numpy as np

def loss(X, W, y=None):
    scores = X.dot(W)
    if y is None:
        return scores
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(X.shape[0]), y])
''', "early_exit", tmp_path)[0]
    rng = np.random.default_rng(40)
    X, W, y = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), np.array([0, 4, 2, 2])
    namespace = {}
    exec(backgen.generate(inspect.getsource(module)), namespace)
    dX, dW = namespace["loss_backward"](X, W, y)
    np.testing.assert_allclose(dW, gradient(lambda W: module.loss(X, W, y), [W], 0), rtol=1e-5, atol=1e-7)
    with pytest.raises(TypeError, match="pass y"):
        namespace["loss_backward"](X, W)
    _checked(module.loss, [X, W, y], ["X", "W"])
    decorated = backgen.backward(module.loss, wrt=("X", "W"))
    dout = np.linspace(0.5, 1.5, 20).reshape(4, 5)
    np.testing.assert_allclose(decorated.backward(X, W, dout=dout)[1], X.T @ dout)


def test_an_optional_number_tested_against_none_keeps_both_paths():
    # if w is None: return ..., w no labels: the backward serves both paths, by generate and decorated
    def f(x, w=None):
        if w is None:
            return math.sin(x) * 2.0
        return math.sin(x) * w
    namespace = {"math": math}
    exec(backgen.generate(textwrap.dedent(inspect.getsource(f))), namespace)
    decorated = backgen.backward(f)
    for backward in (namespace["f_backward"], decorated.backward):
        np.testing.assert_allclose(backward(0.3), (2.0 * math.cos(0.3), 0.0))
        np.testing.assert_allclose(backward(0.3, 1.5), (1.5 * math.cos(0.3), math.sin(0.3)))


def test_loops_over_a_display_of_arrays_of_several_shapes_are_written_out():
    # for W in [W1, W2] (a comprehension's too, and (W, b) pairs): each element its own shape
    def reg(W1, W2, lam=0.1):
        return 0.5 * lam * sum(np.sum(W * W) for W in (W1, W2)) + sum([np.sum(W ** 3) for W in [W1, W2]])

    def net(X, W1, b1, W2, b2):
        h = X
        for W, b in [(W1, b1), (W2, b2)]:
            h = np.tanh(h @ W + b)
        return np.sum(h ** 2)

    def rebinding(a, b):  # the body rebinds a listed name: the display read it before the loop
        total = 0.0
        for v in [a, b]:
            total = total + np.sum(v * a)
            a = a * 2.0
        return total
    rng = np.random.default_rng(41)
    W1, W2 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    _checked(reg, [W1, W2], ["W1", "W2"])
    _checked(net, [rng.standard_normal((5, 3)), W1, rng.standard_normal(4), W2, rng.standard_normal(2)],
             ["X", "W1", "b1", "W2", "b2"])
    _checked(rebinding, [rng.standard_normal(3), rng.standard_normal(3)], ["a", "b"])


def test_an_out_argument_is_the_write_it_is():
    # np.exp(scores, out=scores): scores[...] = np.exp(scores); with where= the rest of out is kept,
    # out[...] = np.where(b != 0, np.divide(a, b), out); np.fill_diagonal(B, 0.0) is the write
    # B[np.diag_indices_from(B)] = 0.0
    def softmax_first(x):
        scores = x - x.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return np.sum(scores[:, 0] ** 2)

    def masked_divide(a, b):
        out = np.zeros_like(a)
        np.divide(a, b, out=out, where=b != 0)
        return np.sum(out)

    def off_diagonal(A):
        B = A * 1.0
        np.fill_diagonal(B, 0.0)
        return np.sum(B ** 2)
    rng = np.random.default_rng(42)
    _checked(softmax_first, [rng.standard_normal((3, 4))], ["x"])
    b = rng.standard_normal(4)
    b[1] = 0.0
    _checked(masked_divide, [rng.standard_normal(4), b], ["a"])
    _checked(off_diagonal, [rng.standard_normal((3, 3))], ["A"])  # B[np.diag_indices_from(B)] = 0.0


def test_a_layer_backward_takes_shapes_from_what_the_cache_holds():
    # spatial batchnorm by transposes and reshapes: the backward reads x's and out_flat's shapes only,
    # which the cache's x_flat and the upstream dout give; x and beta need not be cached
    source, function, make = real_sweep.CASES["spatial_batchnorm_running"][:3]
    text = backgen.generate(textwrap.dedent(source), name=function, wrt=("x", "gamma", "beta"))
    assert not re.search(r"^\s+xT = ", text, re.MULTILINE)  # (a group's comment names it)
    assert "dout.shape[0], dout.shape[2], dout.shape[3]" in text


def test_settings_a_sandwich_passes_its_helper_are_not_differentiated(tmp_path):
    # affine_bn_relu_forward(x, ..., bn_param) hands bn_param to batchnorm_forward: a dict of settings
    source, function, make = real_sweep.CASES["affine_bn_relu_sandwich"][:3]
    module = real_sweep._module(source, "sandwich", tmp_path)[0]
    args = make()
    decorated = backgen.backward(module.affine_bn_relu_forward, wrt=("x", "w", "b", "gamma", "beta"))
    out, cache = module.affine_bn_relu_forward(*args)
    dout = np.linspace(-1, 1, out.size).reshape(out.shape)
    got = decorated.backward(*args, dout=dout)
    np.testing.assert_allclose(got[1], gradient(weighted(lambda w: module.affine_bn_relu_forward(
        args[0], w, *args[2:])[0], [dout]), [args[1]], 0), rtol=1e-5, atol=1e-7)


def test_code_for_any_shape_of_x_learns_the_rest_by_samples():
    # "x: of any shape" beside a parameter of no shape given: code for every shape of both
    source = '''
import numpy as np

def leaky_relu_forward(x, alpha):
    """
    - x: Inputs, of any shape
    - alpha: slope for negative inputs
    """
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache
'''
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.random.default_rng(43).standard_normal((2, 3, 4))
    dx, dalpha = namespace["leaky_relu_backward"](np.ones_like(x), (x, 0.1))
    np.testing.assert_allclose(dx, np.where(x > 0, 1.0, 0.1))
    np.testing.assert_allclose(dalpha, np.sum(np.minimum(x, 0)))


def test_a_loop_over_a_dict_of_arrays_items_is_written_out():
    # for name, value in params.items(): reg += ... (a key tested too): one copy per entry
    def loss(params, X, y, reg=0.1):
        h = np.maximum(0, X @ params["W1"] + params["b1"])
        penalty = 0.0
        for name, value in params.items():
            if name.startswith("W"):
                penalty += np.sum(value ** 2)
        return np.mean((h @ params["W2"] - y) ** 2) + reg * penalty
    rng = np.random.default_rng(44)
    params = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4), "W2": rng.standard_normal((4, 1))}
    X, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 1))
    got = backgen.backward(loss, wrt=("params",)).backward(params, X, y)
    want = gradient(lambda p: loss(p, X, y), [params], 0)
    for key in params:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-7)


def test_a_return_inside_a_loop_leaves_the_loop_with_its_value():
    # for ...: if ...: return v  ->  the value, a flag and break, then the return after the loop
    def first_passage(x, W):
        h = x
        for t in range(6):
            h = np.tanh(W @ h)
            if np.sum(h ** 2) < 0.5:
                return np.sum(h) * t
        return np.sum(h ** 2)

    def newton(x):
        v, n = x, 0
        while n < 50:
            v = 0.5 * (v + 2.0 / v)
            n += 1
            if abs(v * v - 2.0) < 1e-3:
                return v * x
        return v

    def shapes_differ(x, W):  # the two returns give two shapes: each path's own (refused before)
        h = x
        for _ in range(3):
            h = W @ h
            if np.sum(h) > 100.0:
                return h[:1] * 2.0
        return h
    rng = np.random.default_rng(45)
    for scale in (1.0, 0.1):  # the loop returns early, or runs to its end
        _checked(first_passage, [rng.standard_normal(3) * scale, rng.standard_normal((3, 3)) * scale], ["x", "W"])
    _checked(newton, [1.3], ["x"])
    decorated = backgen.backward(shapes_differ)
    for x, W in [(np.ones(2), np.eye(2)), (np.array([3.0, 4.0]), np.array([[2.0, 1.0], [0.5, 3.0]]))]:
        dout = np.arange(1.0, 1.0 + shapes_differ(x, W).size)  # (2,) where the loop ends, (1,) where it returns
        got = decorated.backward(x, W, dout=dout)
        objective = weighted(shapes_differ, (dout,))
        for k, g in enumerate(got):
            np.testing.assert_allclose(g, gradient(objective, [x, W], k), rtol=1e-5, atol=1e-7)


def test_a_layer_of_layers_naming_its_output_again_is_composed_of_their_backwards():
    # out = a2 between the layer calls made the sandwich an ordinary function, whose cache of the
    # layers' caches holds none of its inputs: refused ('the backward needs b, w, x')
    source = textwrap.dedent('''
        import numpy as np

        def affine_forward(x, w, b):
            out = x.dot(w) + b
            cache = (x, w, b)
            return out, cache

        def relu_forward(x):
            out = np.maximum(0, x)
            cache = x
            return out, cache

        def affine_relu_forward(x, w, b):
            a, fc_cache = affine_forward(x, w, b)
            h = a
            a2, relu_cache = relu_forward(h)
            out = a2
            cache = (fc_cache, relu_cache)
            return out, cache
    ''')
    text = backgen.generate(source, name="affine_relu_forward")
    assert "dx, dw, db = affine_backward(da, fc_cache)" in text
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(text, generated)
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    dout = rng.normal(size=(3, 5))
    _, cache = namespace["affine_relu_forward"](x, w, b)
    got = generated["affine_relu_backward"](dout, cache)
    want = finite_differences(lambda *a: namespace["affine_relu_forward"](*a)[0], [x, w, b], range(3), (dout,))
    for g, v in zip(got, want):
        np.testing.assert_allclose(g, v, rtol=1e-5, atol=1e-7)


def test_a_list_of_pairs_unpacked_only_in_a_helper_gets_a_list_of_gradients_in_shape_generic_code():
    # params unpacked (W, b = params) or iterated (for W, b in params) by a helper the loss passes it
    # to, at one or two calls' depth: the code written without shapes took params for one array and
    # refused a list of (W, b) pairs of several shapes as it was called; now each gets a list of
    # gradients, of the pairs' shapes
    source = '''
import numpy as np

def unpack(params):
    W, b = params
    return W, b

def hinge(params, X, y):
    W, b = unpack(params)
    return np.mean(np.maximum(0.0, 1.0 - y * (X @ W + b))) + 0.5 * np.sum(W ** 2)

def predict(inputs, params):
    for W, b in params:
        inputs = np.tanh(inputs @ W + b)
    return inputs

def euler(y0, params, dt=0.1):
    y = y0
    for _ in range(3):
        y = y + dt * predict(y, params)
    return y

def ode_loss(params, y0):
    return np.sum(euler(y0, params) ** 2)
'''
    rng = np.random.default_rng(81)
    X, y = rng.standard_normal((5, 3)), np.array([1.0, -1.0, 1.0, 1.0, -1.0])
    forward = {}
    exec(source, forward)

    def assert_like(got, want):
        if isinstance(want, (list, tuple)):
            assert isinstance(got, list) and len(got) == len(want)
            for g, w in zip(got, want):
                assert_like(g, w)
        else:
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    namespace = {}
    exec(backgen.generate(source, name="hinge", wrt=("params",)), namespace)
    params = (rng.standard_normal(3), 0.2)
    assert_like(namespace["hinge_backward"](params=params, X=X, y=y),
                gradient(lambda p: forward["hinge"](p, X, y), [params], 0))
    namespace = {}
    exec(backgen.generate(source, name="ode_loss", wrt=("params",)), namespace)
    params = [(rng.standard_normal((2, 4)), rng.standard_normal(4)), (rng.standard_normal((4, 2)), rng.standard_normal(2))]
    y0 = rng.standard_normal((3, 2))
    assert_like(namespace["ode_loss_backward"](params, y0), gradient(lambda p: forward["ode_loss"](p, y0), [params], 0))


def test_dict_keys_made_by_str_format_and_loops_bounded_by_an_integer_argument(tmp_path):
    # params['W' + str(i)] in a loop over range(1, num_layers), num_layers an argument, and
    # params['W{}'.format(i)]: the decorator writes the loops out for the integer the call gives
    # (refused before: a key made as the code runs; "strings are not supported")
    module = real_sweep._module('''
import numpy as np

def fc_scores(params, X, num_layers):
    h = X
    for i in range(1, num_layers):
        h = np.maximum(0, h @ params['W' + str(i)] + params['b' + str(i)])
    return np.sum((h @ params['W' + str(num_layers)]) ** 2)

def mlp_loss(params, X, y, hidden_layers=2):
    h = X
    for i in range(1, hidden_layers + 1):
        h = np.tanh(h @ params['W{}'.format(i)] + params['b{n}'.format(n=i)])
    return np.mean((h @ params['W_out'] - y) ** 2)
''', "str_format_keys", tmp_path)[0]
    rng = np.random.default_rng(82)
    params = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal(4), "W2": rng.standard_normal((4, 4)),
              "b2": rng.standard_normal(4), "W3": rng.standard_normal((4, 2)), "W_out": rng.standard_normal((4, 2))}
    X, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    for function, args in ((module.fc_scores, [params, X, 3]), (module.fc_scores, [params, X, 2]),
                           (module.mlp_loss, [params, X, y])):
        decorated = backgen.backward(function, wrt=("params",))
        got = decorated.backward(*args)
        for key in got:
            want = gradient(lambda W, key=key: function({**params, key: W}, *args[1:]), [params[key]], 0)
            np.testing.assert_allclose(got[key], want, rtol=1e-5, atol=1e-7)


def test_a_default_written_with_a_module_constant(tmp_path):
    # Cv=1.5 * R with R = 8.314 at the module's top: refused before ("parameter defaults must be numbers")
    source = '''
import math

R = 8.314

def entropy_change(T1, T2, V1, V2, n=1.0, Cv=1.5 * R):
    return n * Cv * math.log(T2 / T1) + n * R * math.log(V2 / V1)
'''
    assert_both_ways(source, "entropy_change", [300.0, 450.0, 0.02, 0.035], tmp_path, count=4)


def test_a_rotation_matrix_built_from_nested_lists_of_differentiated_numbers(tmp_path):
    # np.array([[c, -s], [s, c]]) of c, s = cos(theta), sin(theta): each row stacked, then the rows (refused
    # before: building a value this way from differentiated inputs); a constant table stays a constant
    source = '''
import numpy as np

def alignment_error(theta, points, target):
    c, s = np.cos(theta), np.sin(theta)
    R = np.array([[c, -s], [s, c]])
    flip = np.array([[1.0, 0.0], [0.0, -1.0]])
    return np.sum((points @ R.T @ flip - target) ** 2)
'''
    rng = np.random.default_rng(83)
    args = [0.3, rng.standard_normal((5, 2)), rng.standard_normal((5, 2))]
    assert_both_ways(source, "alignment_error", args, tmp_path,
                     shapes={"theta": "float", "points": "N, 2", "target": "N, 2"})


def test_stencils_padding_by_edge_and_wrap_copies(tmp_path):
    # np.pad(c, 1, mode='edge') (zero-flux boundaries) and mode='wrap' (periodic) around a 2-D Laplacian:
    # each padded cell's gradient goes back to the cell it copies (refused before: mode 'constant' only)
    source = '''
import numpy as np

def diffuse(c, D, dt=0.01, steps=2):
    for _ in range(steps):
        cp = np.pad(c, 1, mode='edge')
        lap = cp[:-2, 1:-1] + cp[2:, 1:-1] + cp[1:-1, :-2] + cp[1:-1, 2:] - 4 * c
        c = c + D * dt * lap
    return np.sum(c ** 3)

def periodic(u, k):
    up = np.pad(u, ((2, 1), (0, 3)), 'wrap')
    return np.sum(np.sin(up) * k)
'''
    module = real_sweep._module(source, "pad_modes", tmp_path)[0]
    rng = np.random.default_rng(84)
    cases = (("diffuse", [rng.uniform(0.5, 1.5, (4, 5)), 2.0], {"c": "N, M", "D": "float"}),
             ("periodic", [rng.standard_normal((3, 2)), rng.standard_normal((6, 5))], {"u": "3, 2", "k": "6, 5"}))
    for name, args, shapes in cases:
        function = getattr(module, name)
        for given in (shapes, None):
            namespace = {}
            exec(backgen.generate(source, name=name, shapes=given), namespace)
            got = namespace[f"{name}_backward"](*args)
            for k, g in enumerate(got[:len(args)]):
                np.testing.assert_allclose(g, gradient(function, args, k), rtol=1e-5, atol=1e-7)
        got = backgen.backward(function).backward(*args)
        np.testing.assert_allclose(got[0], gradient(function, args, 0), rtol=1e-5, atol=1e-7)


def test_scipy_logsumexp_with_weights_b(tmp_path):
    # logsumexp(a, axis=1, b=w): log(sum(w * exp(a))) along the axis, w broadcast against a and one
    # weight 0 (refused before: "logsumexp with weights b is not supported")
    pytest.importorskip("scipy")
    source = '''
import numpy as np
from scipy.special import logsumexp

def log_mixture(x, mus, w):
    d = x[:, None] - mus[None, :]
    return np.sum(logsumexp(-0.5 * d ** 2, axis=1, b=w)) + logsumexp(mus, b=w, keepdims=True)[0]
'''
    rng = np.random.default_rng(85)
    args = [rng.standard_normal(6), rng.standard_normal(3), np.array([0.2, 0.0, 0.8])]
    assert_both_ways(source, "log_mixture", args, tmp_path, shapes={"x": "N", "mus": "K", "w": "K"})


def test_enumerate_of_zip_unpacked_in_the_loop_header(tmp_path):
    # for k, (W, a) in enumerate(zip(Ws, alphas)): refused before ("unknown function 'zip'"), both ways
    source = '''
import numpy as np

def weighted_layer_sum(x, Ws, alphas):
    total = 0.0
    for k, (W, a) in enumerate(zip(Ws, alphas), start=1):
        total = total + a * np.sum(np.tanh(x @ W) ** 2) / k
    return total
'''
    module = real_sweep._module(source, "enumerate_zip", tmp_path)[0]
    rng = np.random.default_rng(86)
    x, Ws, alphas = rng.standard_normal((4, 3)), [rng.standard_normal((3, 2)), rng.standard_normal((3, 5))], [0.5, 1.5]
    f = module.weighted_layer_sum
    dx, dWs = backgen.backward(f, wrt=("x", "Ws")).backward(x, Ws, alphas)
    np.testing.assert_allclose(dx, gradient(f, [x, Ws, alphas], 0), rtol=1e-5, atol=1e-7)
    for k in range(2):
        want = gradient(lambda W: f(x, [W if j == k else Ws[j] for j in range(2)], alphas), [Ws[k]], 0)
        np.testing.assert_allclose(dWs[k], want, rtol=1e-5, atol=1e-7)
    namespace = {}  # without shapes, for layers of one shape: Ws one array
    exec(backgen.generate(source, wrt=("x", "Ws")), namespace)
    Ws = [Ws[0], rng.standard_normal((3, 2))]
    got = namespace["weighted_layer_sum_backward"](x, Ws, alphas)
    np.testing.assert_allclose(got[0], gradient(f, [x, Ws, alphas], 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got[1], np.array(gradient(f, [x, Ws, alphas], 1)), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("second", [(3, 2), (3, 5)])
def test_shapes_given_as_a_list_of_shape_strings_for_a_list_of_arrays(second):
    # shapes={"Ws": ["3, 2", "3, 5"]}: a shape per array of the list, as [("3, 2"), ...] is; it was read
    # as one array of two dimensions named "3, 2" and "3, 5", the code written for vectors W crashing
    # (operands could not be broadcast); zip(Ws, alphas) with alphas of declared size "2" is written out
    source = '''
import numpy as np

def wls(x, Ws, alphas):
    total = 0.0
    for W, a in zip(Ws, alphas):
        total = total + a * np.sum(np.tanh(x @ W) ** 2)
    return total
'''
    namespace = {}
    exec(source, namespace)
    rng = np.random.default_rng(87)
    x, Ws, alphas = rng.standard_normal((4, 3)), [rng.standard_normal((3, 2)), rng.standard_normal(second)], np.array([0.5, 1.5])
    generated = {}
    exec(backgen.generate(source, wrt=("x", "Ws"), shapes={"x": "4, 3", "Ws": ["3, 2", "%d, %d" % second],
                                                            "alphas": "2"}), generated)
    dx, dWs = generated["wls_backward"](x, Ws, alphas)
    np.testing.assert_allclose(dx, gradient(namespace["wls"], [x, Ws, alphas], 0), rtol=1e-5, atol=1e-7)
    for got, want in zip(dWs, gradient(namespace["wls"], [x, Ws, alphas], 1)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_fill_diagonal_standing_alone_is_the_write_into_the_diagonal_it_makes(tmp_path):
    # np.fill_diagonal(r2, 1.0) written into the array (refused before as a call that may write into its
    # arguments): the diagonal's old values get no gradient, the value written gets the diagonal's
    source = '''
import numpy as np

def gravitational_energy(pos, m, G=1.0):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    np.fill_diagonal(r2, 1.0)
    pair = G * m[:, None] * m[None, :] / np.sqrt(r2)
    np.fill_diagonal(pair, 0.0)
    return -0.5 * np.sum(pair)
'''
    rng = np.random.default_rng(91)
    args = [rng.standard_normal((4, 3)) * 2, rng.uniform(0.5, 2, 4)]
    assert_both_ways(source, "gravitational_energy", args, tmp_path, shapes={"pos": "N, 3", "m": "N"}, count=2)


@pytest.mark.parametrize("shapes, v", [({"X": "4, 3", "v": "()"}, 0.7), ({"X": "4, 3", "v": "4"}, np.arange(4.0))])
def test_fill_diagonal_with_a_differentiated_value_seen_through_another_name(shapes, v, tmp_path):
    # B = M names the array np.fill_diagonal writes into: B reads the values written, as M does
    source = '''
import numpy as np

def f(X, v):
    M = X @ X.T
    B = M
    np.fill_diagonal(M, v)
    return np.sum(B * X[:, :1]) + np.sum(M ** 2)
'''
    args = [np.random.default_rng(92).standard_normal((4, 3)), v]
    assert_both_ways(source, "f", args, tmp_path, shapes=shapes)


@pytest.mark.parametrize("call", ["np.fill_diagonal(M, v, wrap=True)", "np.fill_diagonal(M[:2], v)"])
def test_fill_diagonal_backgen_cannot_read_as_a_write_is_refused(call):
    source = f"import numpy as np\n\ndef f(X, v):\n    M = X @ X.T\n    {call}\n    return np.sum(M ** 2)\n"
    with pytest.raises(backgen.BackgenError, match="a call standing alone may write into its arguments") as info:
        backgen.generate(source, shapes={"X": "4, 3", "v": "()"})
    assert info.value.lineno == 5


def test_fill_diagonal_of_an_array_of_unequal_dimensions_is_refused(tmp_path):
    # (NumPy raises for them, but for a matrix)
    source = "import numpy as np\n\ndef f(X, v):\n    M = X * 1.0\n    np.fill_diagonal(M, v)\n    return np.sum(M ** 2)\n"
    module = real_sweep._module(source, "unequal", tmp_path)[0]
    with pytest.raises(backgen.BackgenError, match="All dimensions of input must be of equal length"):
        backgen.backward(module.f).backward(np.ones((3, 3, 4)), 0.5)


@pytest.mark.parametrize("shape, v", [((4, 3), 0.7), ((3, 5), np.array([0.5, -1.0, 2.0])), ((5, 2), -0.3)])
def test_fill_diagonal_of_a_matrix_not_square(shape, v, tmp_path):
    # NumPy fills the first min(N, M) places of a matrix's diagonal (refused before, as for arrays of
    # unequal dimensions, by np.diag_indices_from; without shapes the generated code raised ValueError)
    source = "import numpy as np\n\ndef f(X, v):\n    M = X * X\n    np.fill_diagonal(M, v)\n    return np.sin(M) * X\n"
    rng = np.random.default_rng(94)
    X = rng.standard_normal(shape)
    dout = rng.standard_normal(shape)
    module = real_sweep._module(source, "not_square", tmp_path)[0]
    want = finite_differences(module.f, [X, v], range(2), [dout])
    for shapes in ({"X": ", ".join(map(str, shape)), "v": "()" if np.ndim(v) == 0 else "3"}, None):
        generated = {}
        exec(backgen.generate(source, name="f", shapes=shapes), generated)
        for g, w in zip(generated["f_backward"](X.copy(), v, dout.copy()), want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    for g, w in zip(backgen.backward(module.f).backward(X.copy(), v, dout=dout.copy()), want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_np_diff_with_a_differentiated_prepend_and_append(tmp_path):
    # np.diff(y, prepend=y[0], append=y[-1]) is np.diff of y[0], y and y[-1] joined: the ends get their part of
    # the joined array's gradient (refused before: prepend was taken as a constant)
    source = '''
import numpy as np

def curvature_energy(y, dx=0.1):
    d1 = np.diff(y, prepend=y[0], append=y[-1]) / dx
    d2 = np.diff(d1) / dx
    return 0.5 * np.sum(d2 ** 2) * dx
'''
    args = [np.sin(np.linspace(0, 2, 8)) + 0.05 * np.random.default_rng(93).standard_normal(8), 0.1]
    assert_both_ways(source, "curvature_energy", args, tmp_path, shapes={"y": "8"})


def test_np_diff_with_an_append_alone_and_rows_prepended(tmp_path):
    # append given alone is the append (the operands left out are None), along axis 0 of a matrix, and a
    # row prepended along it
    source = '''
import numpy as np

def f(a, p, q):
    return np.sum(np.diff(a, axis=0, append=q) ** 2) + np.sum(np.diff(a, n=2, axis=0, prepend=p) ** 3)
'''
    rng = np.random.default_rng(94)
    args = [rng.standard_normal((4, 3)), rng.standard_normal((1, 3)), rng.standard_normal((2, 3))]
    assert_both_ways(source, "f", args, tmp_path, shapes={"a": "4, 3", "p": "1, 3", "q": "2, 3"})


def test_np_diff_with_a_differentiated_prepend_is_written_without_shapes():
    source = "import numpy as np\n\ndef f(y):\n    return np.sum(np.diff(y, prepend=y[0]) ** 2)\n"
    namespace = {}
    exec(backgen.generate(source), namespace)
    y = np.array([0.3, -1.1, 0.8, 1.9, -0.4])
    forward = lambda y: float(np.sum(np.diff(y, prepend=y[0]) ** 2))  # noqa: E731
    np.testing.assert_allclose(namespace["f_backward"](y), gradient(forward, [y], 0), rtol=1e-6, atol=1e-8)


def test_plain_python_stepping_a_count_given_as_an_argument():
    # math only, a helper returning (omega, alpha) read by k[0], k[1], and the steps a parameter n:
    # written for numbers, n was given the number 0.9 there (range(0.9)), and it was refused
    source = textwrap.dedent('''
    import math

    def deriv(theta, omega, g, L):
        return omega, -(g / L) * math.sin(theta)

    def angle(theta0, omega0, L, n, g=9.81, dt=0.05):
        th, om = theta0, omega0
        for _ in range(n):
            k1 = deriv(th, om, g, L)
            k2 = deriv(th + 0.5 * dt * k1[0], om + 0.5 * dt * k1[1], g, L)
            th += dt * k2[0]
            om += dt * k2[1]
        return th * om
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="angle"), generated)
    for n in (0, 1, 4):
        args = [0.5, 0.3, 1.2, n]
        got = generated["angle_backward"](*args)
        for k in range(3):
            np.testing.assert_allclose(got[k], gradient(namespace["angle"], args, k), rtol=1e-5, atol=1e-7)


def test_labels_a_docstring_gives_a_shape_of_no_kind_are_labels_to_generate_and_the_decorator(tmp_path):
    # "y: (N,)" read as floats: the code indexing with y was refused by generate, and by the decorator
    # given integer labels ("arrays used as indices must be of integer (or boolean) type")
    source = textwrap.dedent('''
    import numpy as np

    def loss(X, y, W, b):
        """X: (N, D), y: (N,), W: (D, C), b: (C,)"""
        scores = X @ W + b
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        return -np.log(probs[np.arange(X.shape[0]), y]).mean()
    ''')
    forward, generated = real_sweep._module(source, "loss", tmp_path)[0].loss, {}
    exec(backgen.generate(source, name="loss"), generated)
    rng = np.random.default_rng(3)
    args = [rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), rng.normal(size=(4, 3)), rng.normal(size=3)]
    for got in (generated["loss_backward"](*args), backgen.backward(forward).backward(*args)):
        for g, k in zip(got, (0, 2, 3)):
            np.testing.assert_allclose(g, gradient(forward, args, k), rtol=1e-6, atol=1e-8)


def test_sizes_split_by_a_number_written_in_the_code_are_sampled_as_its_multiples(tmp_path):
    # a docstring's (N, C, H, W) sampled at odd sizes: x.reshape(N, C, H // 2, 2, W // 2, 2) raised there,
    # and generate and the decorator refused ("cannot reshape array of size 17017 into shape (7,11,6,2,8,2)")
    source = textwrap.dedent('''
    import numpy as np

    def max_pool_fast(x):
        """x: (N, C, H, W) with H, W even"""
        N, C, H, W = x.shape
        out = x.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))
        return np.sum(out ** 2)
    ''')
    forward, generated = real_sweep._module(source, "max_pool_fast", tmp_path)[0].max_pool_fast, {}
    exec(backgen.generate(source, name="max_pool_fast"), generated)
    x = np.random.default_rng(24).normal(size=(2, 2, 4, 6))
    for got in (generated["max_pool_fast_backward"](x), backgen.backward(forward).backward(x)):
        np.testing.assert_allclose(got, gradient(forward, [x], 0), rtol=1e-6, atol=1e-8)


def test_number_parameters_declared_as_floats_get_distinct_samples(tmp_path):
    # Bateman's daughter activity divides by lam2 - lam1: samples of equal numbers divided by zero and the
    # sample run refused the code, though it holds for every pair of rates that differ
    source = '''
import numpy as np

def daughter_activity(lam1, lam2, t, N1_0=1000.0):
    N2 = N1_0 * lam1 / (lam2 - lam1) * (np.exp(-lam1 * t) - np.exp(-lam2 * t))
    return np.sum(lam2 * N2)
'''
    args = [0.3, 0.7, np.linspace(0.5, 5.0, 6)]
    assert_both_ways(source, "daughter_activity", args, tmp_path,
                     shapes={"lam1": "float", "lam2": "float", "t": "T"}, count=2)


def test_a_with_of_np_errstate_or_catch_warnings_is_its_body(tmp_path):
    # with np.errstate(...) and warnings.catch_warnings() change how NumPy warns, not what it computes:
    # they were refused as with statements
    source = '''
import warnings
import numpy as np

def svm_loss(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(num_train), y][:, np.newaxis]
    with np.errstate(over='ignore'):
        margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(num_train), y] = 0
    loss = 0.0
    for k in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loss += margins.sum() / num_train * (k + 1)
    return loss + reg * np.sum(W * W)
'''
    rng = np.random.default_rng(3)
    args = [rng.normal(size=(4, 3)) * .3, rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0]), 0.1]
    assert_both_ways(source, "svm_loss", args, tmp_path,
                     shapes={"W": "D, C", "X": "N, D", "y": "int N", "reg": "float"}, count=2)


def test_a_with_of_other_contexts_is_still_refused():
    source = '''
import numpy as np

def f(x, path):
    with open(path) as handle:
        y = x * 2.0
    return np.sum(y)
'''
    with pytest.raises(backgen.BackgenError, match="with statements are not supported"):
        backgen.generate(source, shapes={"x": "3"}, wrt=("x",))


@pytest.mark.parametrize("spec, shapes, make", [
    ("'ii', A", {"A": "N, N", "v": "N"}, lambda r: [r.normal(size=(3, 3)), r.normal(size=3)]),
    ("'ii->i', A", {"A": "N, N", "v": "N"}, lambda r: [r.normal(size=(3, 3)), r.normal(size=3)]),
    ("'ii,i->', A, v", {"A": "N, N", "v": "N"}, lambda r: [r.normal(size=(3, 3)), r.normal(size=3)]),
    ("'iij->j', A", {"A": "N, N, M", "v": "M"}, lambda r: [r.normal(size=(3, 3, 2)), r.normal(size=2)]),
    ("'ijj,i->j', A, v", {"A": "M, N, N", "v": "M"}, lambda r: [r.normal(size=(2, 3, 3)), r.normal(size=2)]),
])
def test_einsum_of_an_operand_naming_a_letter_twice(spec, shapes, make, tmp_path):
    # np.einsum('ii', E), the trace, and 'ii->i', the diagonal, as physics code writes them: refused
    source = f'''
import numpy as np

def f(A, v):
    return np.sum(np.einsum({spec}) ** 2) + np.sum(v ** 3)
'''
    args = make(np.random.default_rng(7))
    assert_both_ways(source, "f", args, tmp_path, shapes=shapes)
    namespace = {}
    exec(backgen.generate(source, name="f"), namespace)  # code for every shape
    for got, k in zip(namespace["f_backward"](*args), range(2)):
        module = real_sweep._module(source, "f_free", tmp_path)[0]
        np.testing.assert_allclose(got, gradient(module.f, args, k), rtol=1e-5, atol=1e-7)


SANDWICH_LAYERNORM_NO_BETA = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get('eps', 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = (x, xhat, mu, var, gamma, eps)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def affine_ln_relu_forward(x, w, b, gamma, beta, ln_param):
    a, fc_cache = affine_forward(x, w, b)
    a_norm, ln_cache = layernorm_forward(a, gamma, beta, ln_param)
    out, relu_cache = relu_forward(a_norm)
    cache = (fc_cache, ln_cache, relu_cache)
    return out, cache
'''


def test_a_sandwich_given_shapes_hands_them_to_the_layers_it_calls(tmp_path):
    # the layer norm's cache holds no beta: code for every shape of beta needs it (is beta broadcast?),
    # and the sandwich, given the shapes, wrote its layers for every shape all the same: refused
    module = real_sweep._module(SANDWICH_LAYERNORM_NO_BETA, "sandwich_ln", tmp_path)[0]
    rng = np.random.default_rng(11)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5), rng.uniform(0.5, 1.5, 5),
            rng.normal(size=5), {}]
    shapes = {"x": "N, D", "w": "D, M", "b": "M", "gamma": "M", "beta": "M"}
    namespace = {}
    exec(backgen.generate(SANDWICH_LAYERNORM_NO_BETA, name="affine_ln_relu_forward", shapes=shapes), namespace)
    out, cache = module.affine_ln_relu_forward(*args)
    dout = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    got = namespace["affine_ln_relu_backward"](dout, cache)
    objective = weighted(lambda *a: module.affine_ln_relu_forward(*a)[0], [dout])
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(objective, args, k), rtol=1e-5, atol=1e-7)


def test_a_sandwich_calling_a_layer_at_two_shapes_hands_it_none():
    source = SANDWICH_LAYERNORM_NO_BETA.replace('''    out, relu_cache = relu_forward(a_norm)
    cache = (fc_cache, ln_cache, relu_cache)''', '''    a2, fc2_cache = affine_forward(a_norm, w2, b2)
    a2_norm, ln2_cache = layernorm_forward(a2, gamma2, beta2, ln_param)
    out, relu_cache = relu_forward(a2_norm)
    cache = (fc_cache, ln_cache, fc2_cache, ln2_cache, relu_cache)''').replace(
        "def affine_ln_relu_forward(x, w, b, gamma, beta, ln_param):",
        "def affine_ln_relu_forward(x, w, b, gamma, beta, w2, b2, gamma2, beta2, ln_param):")
    shapes = {"x": "N, D", "w": "D, M", "b": "M", "gamma": "M", "beta": "M", "w2": "M, K", "b2": "K",
              "gamma2": "K", "beta2": "K"}
    with pytest.raises(backgen.BackgenError, match="the backward needs beta"):
        backgen.generate(source, name="affine_ln_relu_forward", shapes=shapes)


def test_plain_python_state_list_written_item_by_item(tmp_path):
    # state = [x0, v0], its items replaced each step: plain Python (no NumPy call) writing into a list was
    # refused, where xs = [0.0] * n written alike was followed as NumPy code
    source = '''
def spring_step(x0, v0, k, dt=0.1, steps=10):
    state = [x0, v0]
    for _ in range(steps):
        state[1] = state[1] - k * state[0] * dt
        state[0] = state[0] + state[1] * dt
    return 0.5 * state[1] ** 2 + 0.5 * k * state[0] ** 2
'''
    assert_both_ways(source, "spring_step", [1.0, 0.3, 2.0], tmp_path, count=3)
    aliased = '''
def f(x, y):
    a = [x, y]
    b = a
    b[0] = 3 * x * y
    return a[0] + a[1]
'''
    assert_both_ways(aliased, "f", [0.7, -0.4], tmp_path)


def test_np_cov_of_features(tmp_path):
    # a decorrelation penalty on the covariance of features, np.cov(Z, rowvar=False): np.cov had no rule
    source = '''
import numpy as np

def decorrelation_penalty(Z, X):
    C = np.cov(Z, rowvar=False)
    off = C - np.diag(np.diag(C))
    return np.sum(off ** 2) + np.trace(np.cov(X)) + np.cov(X[0], bias=True) * np.cov(Z.T, ddof=0)[0, 1]
'''
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(6, 3)), rng.normal(size=(2, 5))]
    assert_both_ways(source, "decorrelation_penalty", args, tmp_path, shapes={"Z": "N, D", "X": "M, K"})
