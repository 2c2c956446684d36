"""Iterative algorithms whose number of iterations the data decides, as people write them: Sinkhorn
iterations, Newton's method with a tolerance, fixed points with ``maxiter``, power iteration, Lloyd's
k-means until the labels settle, each differentiated through the iterations its forward actually ran.

Each case is checked against central finite differences in float64 (``numeric``) at inputs where the
iteration count does not change within the step, at two inputs needing different counts where that
matters (a backward running another count than its forward would differ there).
"""

import math

import numpy as np

import backgen
from numeric import assert_generated_right, check_gradients, imported

RNG = np.random.default_rng(7)


def _iterations(source, args):
    """How many iterations the forward in ``source`` runs at ``args`` (its function ``count`` returns them)."""
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    return namespace["count"](*args)


# --- Lloyd's k-means: labels carried by a loop that stops when they settle ---------------------

KMEANS = '''
def f(X: "6, 2", centers: "3, 2"):
    labels = np.zeros(X.shape[0], dtype=int)
    for it in range(100):
        d = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        new_labels = np.argmin(d, axis=1)
        if it > 0 and np.all(new_labels == labels):
            break
        labels = new_labels
        centers = np.array([X[labels == k].mean(axis=0) for k in range(centers.shape[0])])
    return np.sum((X - centers[labels]) ** 2)
'''
KX = np.array([[0.1, 0.2], [0.3, -0.1], [2.1, 1.9], [1.8, 2.2], [-1.5, 1.0], [-1.2, 0.7]])
K0 = np.array([[0.0, 0.0], [2.0, 2.0], [-1.0, 1.0]])


def test_kmeans_labels_a_loop_carries_are_indices_that_repeat_not_a_mask():
    # labels (a copy of itself on the path that breaks, argmin's on the other) is no boolean mask for
    # being compared (labels == k) in the loop: centers[labels] picks each center once per point, and
    # its gradient adds them up
    assert_generated_right(KMEANS, [KX, K0])


def test_kmeans_until_labels_settle_by_the_decorator():
    f = imported("import numpy as np\n" + KMEANS, "converge_kmeans")["f"]
    wrapped = backgen.backward(f)
    for X, C in [(KX, K0), (KX + 0.1, np.array([[0.5, 0.0], [1.5, 2.5], [-2.0, 1.5]]))]:
        check_gradients(wrapped.backward(X, C), f, [X, C], [0, 1])


# --- for ... else: raise RuntimeError("no convergence") ----------------------------------------

KEPLER = '''
def f(M, e):
    E = M
    for it in range(60):
        dE = (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
        E -= dE
        if abs(dE) < 1e-12:
            break
    else:
        raise RuntimeError("Kepler's equation did not converge")
    return E
'''


def test_newton_for_kepler_with_a_for_else_raise_runs_the_iterations_its_forward_ran():
    count = KEPLER.replace("def f(M, e):", "def count(M, e):").replace("    return E", "    return it")
    assert _iterations(count, [0.1, 0.05]) == 2 and _iterations(count, [0.3, 0.9]) == 7
    for args in ([0.1, 0.05], [0.3, 0.9]):
        assert_generated_right(KEPLER, args)


def test_damped_fixed_point_of_arrays_with_a_for_else_raise():
    source = '''
        def f(A: "3, 3", b: "3"):
            x = np.zeros(len(b))
            for k in range(300):
                x_new = 0.5 * x + 0.5 * (np.cos(A @ x) + b)
                if np.max(np.abs(x_new - x)) < 1e-11:
                    x = x_new
                    break
                x = x_new
            else:
                print("no convergence after", k)
                raise RuntimeError("no convergence")
            return np.dot(x, x)
    '''
    assert_generated_right(source, [RNG.standard_normal((3, 3)) * 0.3, RNG.standard_normal(3)])


def test_sinkhorn_with_a_for_else_raise_by_the_decorator():
    text = '''import numpy as np

def f(C, a, b):
    a = a / a.sum()  # (the marginals' masses equal, for a and b moved too)
    b = b / b.sum()
    K = np.exp(-C / 0.5)
    u = np.ones(C.shape[0])
    v = np.ones(C.shape[1])
    for it in range(5000):
        u_old = u
        u = a / (K @ v)
        v = b / (K.T @ u)
        if np.abs(u - u_old).max() < 1e-9:
            break
    else:
        raise RuntimeError("Sinkhorn did not converge")
    P = np.outer(u, v) * K
    return (P * C).sum()
'''
    f = imported(text, "converge_sinkhorn")["f"]
    wrapped = backgen.backward(f)
    for C, a, b in [(RNG.uniform(0.2, 1.5, (3, 4)), np.array([0.3, 0.5, 0.2]), np.array([0.1, 0.4, 0.3, 0.2])),
                    (RNG.uniform(0.2, 1.5, (3, 4)), np.array([0.2, 0.2, 0.6]), np.full(4, 0.25))]:
        check_gradients(wrapped.backward(C, a, b), f, [C, a, b], [0, 1, 2])


# --- a name set to None each round but never read ----------------------------------------------


def test_nearest_center_search_resetting_an_index_it_never_reads():
    # best = None starts each point's search; only best_d is read: the None holds nothing to follow
    source = '''
        def f(X, C):
            total = 0.0
            for i in range(X.shape[0]):
                best = None
                best_d = np.inf
                for k in range(C.shape[0]):
                    dist = np.sum((X[i] - C[k]) ** 2)
                    if dist < best_d:
                        best_d = dist
                        best = k
                total += best_d
            return total
    '''
    assert_generated_right(source, [KX, K0])
    assert_generated_right(source.replace("def f(X, C):", 'def f(X: "6, 2", C: "3, 2"):'), [KX + 0.1, K0 * 1.5])


# --- bisection: the parameters of g reach the root through comparisons only -------------------


def test_bisection_of_a_bracket_moving_with_p_is_refused():
    # mid is (lo + hi) / 2 of a bracket that moves with p and halves where (mid - p) ** 3 > 0.1 says: the
    # code's derivative between the decisions is the bracket's (w for p), the root's is 0 (mid ** 3 = 0.1
    # whatever p); central differences agreed with the bracket's only where the steps were wider than
    # theirs (a tolerance of 1e-3), and with the root's at 1e-12, where the gradient written was w, wrong
    import pytest  # noqa: PLC0415

    for tolerance in ("1e-3", "1e-12"):
        source = f'''
def f(p, w):
    lo = p - 1.0
    hi = p + 2.0
    while hi - lo > {tolerance}:
        mid = (lo + hi) / 2
        if mid ** 3 - 0.1 > 0:
            hi = mid
        else:
            lo = mid
    return w * (lo + hi) / 2
'''
        with pytest.raises(backgen.BackgenError, match="narrowing hi and lo"):
            backgen.generate(source)


def test_a_long_loop_stopping_on_convergence_is_walked_a_few_iterations():
    # (gradient descent for up to 20,000 steps, stopping once the step is small): its shapes are alike in
    # every iteration, whatever iteration the break leaves at, so the shape walk stops after a few; it
    # walked all 20,000 (13 s with shapes, 70 s without), len(y) of an array and a test only breaking the
    # loop having kept it from stopping.  The gradient is that of the steps the forward ran.
    source = '''
import numpy as np

def f(X, y, lam):
    w = np.zeros(X.shape[1])
    b = 0.0
    for it in range(20000):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        gw = X.T @ (p - y) / len(y) + lam * w
        gb = np.mean(p - y)
        w -= 0.5 * gw
        b -= 0.5 * gb
        if np.sqrt(gw @ gw + gb * gb) < 1e-3:
            break
    return w[0] + 2 * b
'''
    rng = np.random.default_rng(11)
    X = rng.normal(size=(8, 3))
    y = (rng.uniform(size=8) > 0.5).astype(float)
    assert_generated_right(source, [X, y, 0.3])
    assert_generated_right(source.replace("def f(X, y, lam):", 'def f(X: "N, D", y: "N", lam: float):'),
                           [X, y, 0.3])
