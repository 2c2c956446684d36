"""Differentiable relaxations and structured losses as people write them in NumPy: Sinkhorn iterations
for optimal transport (plain and in the log domain, entropic and unbalanced), Sinkhorn divergences
between point clouds, soft-DTW tables filled in loops, sparsemax and entmax-1.5, Gumbel-softmax with
fixed noise, soft sorting and ranking, smooth max and min, soft top-k, kernel histograms, soft k-means,
Chamfer distances, 1-D earth mover's distances by sorting, and contrastive losses (InfoNCE, NT-Xent,
triplets with margins, CLIP's symmetric cross-entropy).

Each case is a forward function ``f`` with its arguments.  One that backgen accepts is checked against
central finite differences in float64 (``numeric``) with respect to its float parameters, by
``backgen.generate`` (with no shapes, and with shapes where every argument is a number or an array) and
by the decorator; one it refuses is asserted refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap
from dataclasses import dataclass

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported, shape_specs


@dataclass
class Case:
    name: str
    source: str
    args: list
    wrt: tuple = None
    refused: str = None  # refused every way, with this in the message
    plain_refused: str = None  # refused without shapes alone (the sample arrays it is written on disagree)


CASES = []


def case(name, source, args, wrt=None, refused=None, plain_refused=None):
    CASES.append(Case(name, source, args, wrt, refused, plain_refused))


def full_source(source):
    return "import math\n\nimport numpy as np\n" + textwrap.dedent(source)


def gradients(source, args, way, wrt=None, name="f"):
    """``(got, want)``: the gradients ``way`` ("plain", "shapes" or "decorator") gives for the float
    parameters (or those at ``wrt``), and central differences; ``got`` is None where ``way`` does not
    apply (shapes asked for an argument that is neither a number nor an array)."""
    source = full_source(source)
    func = imported(source, "relax_hunt")[name]
    params = list(inspect.signature(func).parameters)
    positions = list(wrt) if wrt is not None else [
        k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    names = tuple(params[k] for k in positions)
    with np.errstate(all="ignore"):
        out = func(*fresh_args(args))
    dout = np.ones(np.shape(out)) if np.ndim(out) else 1.0  # (the gradient of the sum of an array returned)
    if way == "decorator":
        with np.errstate(all="ignore"):
            got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=dout)
    else:
        shapes = shape_specs(params, args) if way == "shapes" else None
        if way == "shapes" and shapes is None:
            return None, None
        text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        with np.errstate(all="ignore"):
            got = namespace[f"{name}_backward"](*fresh_args(args), dout=dout)
    got = got if len(positions) > 1 else (got,)
    with np.errstate(all="ignore"):
        want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (dout,))
    return got, want


def assert_right(c):
    for way in ("plain", "shapes", "decorator"):
        if way == "plain" and c.plain_refused is not None:
            assert_refused(c, c.plain_refused)
            continue
        got, want = gradients(c.source, c.args, way, c.wrt)
        if got is None:
            continue
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(c, match=None):
    with pytest.raises(backgen.BackgenError, match=match or c.refused):
        backgen.generate(full_source(c.source), name="f")


def N(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


def U(seed, *shape, lo=0.2, hi=1.5):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def prob(seed, n):
    p = U(seed, n)
    return p / p.sum()


# ---------------------------------------------------------------- Sinkhorn, plain


case("sinkhorn_plan_cost", '''
def f(C, a, b, reg=0.5):
    K = np.exp(-C / reg)
    u = np.ones(len(a))
    v = np.ones(len(b))
    for _ in range(30):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)
''', [U(1, 3, 4), prob(2, 3), prob(3, 4), 0.7])

case("sinkhorn_diag_products", '''
def f(C, a, b):
    K = np.exp(-C / 0.3)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for i in range(20):
        u = a / K.dot(v)
        v = b / K.T.dot(u)
    P = np.diag(u) @ K @ np.diag(v)
    return np.sum(P * C)
''', [U(4, 3, 3), prob(5, 3), prob(6, 3)])

case("sinkhorn_outer_plan", '''
def f(C, a, b, eps=0.4):
    K = np.exp(-C / eps)
    v = np.ones(C.shape[1])
    for it in range(25):
        u = a / np.dot(K, v)
        v = b / np.dot(K.T, u)
    P = np.outer(u, v) * K
    return (P * C).sum()
''', [U(7, 4, 3), prob(8, 4), prob(9, 3)])

case("sinkhorn_uniform_marginals_inside", '''
def f(C, eps=0.5, n_iter=40):
    n, m = C.shape
    a = np.ones(n) / n
    b = np.ones(m) / m
    K = np.exp(-C / eps)
    u = np.ones(n)
    v = np.ones(m)
    for _ in range(n_iter):
        u = a / (K @ v)
        v = b / (K.T @ u)
    return np.sum(u.reshape(-1, 1) * K * v.reshape(1, -1) * C)
''', [U(10, 4, 5), 0.5])

case("sinkhorn_point_clouds_broadcast_cost", '''
def f(x, y, reg=0.5):
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    a = np.full(x.shape[0], 1.0 / x.shape[0])
    b = np.full(y.shape[0], 1.0 / y.shape[0])
    K = np.exp(-C / reg)
    u = np.ones_like(a)
    for _ in range(30):
        v = b / (K.T @ u)
        u = a / (K @ v)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)
''', [N(11, 4, 2) * 0.5, N(12, 3, 2) * 0.5, 0.5])

case("sinkhorn_cost_by_expanded_square", '''
def f(x, y):
    C = (x ** 2).sum(1)[:, None] + (y ** 2).sum(1)[None, :] - 2 * x @ y.T
    C = C / C.max()
    K = np.exp(-C / 0.1)
    n, m = C.shape
    u, v = np.ones(n) / n, np.ones(m) / m
    for _ in range(20):
        u = (1.0 / n) / (K @ v)
        v = (1.0 / m) / (K.T @ u)
    return np.sum(u[:, None] * K * v[None, :] * C)
''', [N(13, 4, 3), N(14, 5, 3)])

case("sinkhorn_while_counter", '''
def f(C, a, b):
    K = np.exp(-C / 0.5)
    u = np.ones(C.shape[0])
    v = np.ones(C.shape[1])
    it = 0
    while it < 25:
        u = a / (K @ v)
        v = b / (K.T @ u)
        it += 1
    P = u[:, None] * K * v
    return float(np.sum(P * C))
''', [U(15, 3, 4), prob(16, 3), prob(17, 4)])

case("sinkhorn_entropic_objective", '''
def f(C, a, b, reg=0.6):
    K = np.exp(-C / reg)
    u = np.ones(len(a))
    for _ in range(30):
        v = b / (K.T @ u)
        u = a / (K @ v)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C) + reg * np.sum(P * (np.log(P) - 1))
''', [U(18, 3, 3), prob(19, 3), prob(20, 3), 0.6])

case("sinkhorn_dual_value", '''
def f(C, a, b, eps=0.5):
    K = np.exp(-C / eps)
    u = np.ones(len(a))
    v = np.ones(len(b))
    for _ in range(40):
        u = a / (K @ v)
        v = b / (K.T @ u)
    return eps * (np.dot(a, np.log(u)) + np.dot(b, np.log(v)))
''', [U(21, 3, 4), prob(22, 3), prob(23, 4)])

case("sinkhorn_batched_einsum", '''
def f(C, eps=0.5):
    B, n, m = C.shape
    K = np.exp(-C / eps)
    a = np.ones((B, n)) / n
    b = np.ones((B, m)) / m
    u = np.ones((B, n))
    v = np.ones((B, m))
    for _ in range(20):
        u = a / np.einsum('bij,bj->bi', K, v)
        v = b / np.einsum('bij,bi->bj', K, u)
    P = u[:, :, None] * K * v[:, None, :]
    return np.sum(P * C)
''', [U(24, 2, 3, 4), 0.5])

case("sinkhorn_column_vectors", '''
def f(C, a, b):
    K = np.exp(-C / 0.4)
    u = np.ones((C.shape[0], 1))
    v = np.ones((C.shape[1], 1))
    a = a.reshape(-1, 1)
    b = b.reshape(-1, 1)
    for _ in range(25):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u * K * v.T
    return np.sum(P * C)
''', [U(25, 3, 4), prob(26, 3), prob(27, 4)])

case("sinkhorn_plan_rows_returned", '''
def f(C):
    K = np.exp(-C / 0.5)
    n, m = K.shape
    u = np.ones(n)
    v = np.ones(m)
    for _ in range(20):
        u = 1.0 / n / (K @ v)
        v = 1.0 / m / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(P / P.sum(axis=1, keepdims=True) * np.arange(m))
''', [U(28, 3, 4)])

case("sinkhorn_matrix_scaling_rows_cols", '''
def f(C, a, b):
    P = np.exp(-C / 0.5)
    for _ in range(30):
        P = P * (a / P.sum(axis=1))[:, None]
        P = P * (b / P.sum(axis=0))[None, :]
    return np.sum(P * C)
''', [U(29, 3, 4), prob(30, 3), prob(31, 4)])

case("sinkhorn_inplace_scaling", '''
def f(C, a, b):
    P = np.exp(-C / 0.5)
    P /= P.sum()
    for _ in range(30):
        P *= (a / P.sum(axis=1)).reshape(-1, 1)
        P *= (b / P.sum(axis=0)).reshape(1, -1)
    return np.sum(P * C)
''', [U(32, 4, 3), prob(33, 4), prob(34, 3)])

case("sinkhorn_error_checked_every_ten", '''
def f(C, a, b, tol=1e-12):
    K = np.exp(-C / 0.5)
    u = np.ones(len(a))
    v = np.ones(len(b))
    for i in range(60):
        u = a / (K @ v)
        v = b / (K.T @ u)
        if i % 10 == 0:
            err = np.linalg.norm(u * (K @ v) - a)
            if err < tol:
                break
    return np.sum(u[:, None] * K * v[None, :] * C)
''', [U(35, 3, 3), prob(36, 3), prob(37, 3)], wrt=(0, 1, 2), plain_refused="'u' has shape")

case("sinkhorn_helper_returning_plan", '''
def sinkhorn(a, b, C, reg, n_iter=30):
    K = np.exp(-C / reg)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for _ in range(n_iter):
        u = a / (K @ v)
        v = b / (K.T @ u)
    return u[:, None] * K * v[None, :]

def f(x, y, a, b):
    C = ((x[:, None] - y[None, :]) ** 2).sum(-1)
    P = sinkhorn(a, b, C, 0.5)
    return np.sum(P * C)
''', [N(38, 3, 2) * 0.5, N(39, 4, 2) * 0.5, prob(40, 3), prob(41, 4)])

case("sinkhorn_divergence_three_calls", '''
def ot(x, y, eps=0.5, iters=30):
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=2)
    K = np.exp(-C / eps)
    a = np.ones(len(x)) / len(x)
    b = np.ones(len(y)) / len(y)
    u = np.ones(len(x))
    for _ in range(iters):
        v = b / (K.T @ u)
        u = a / (K @ v)
    return np.sum(u[:, None] * K * v[None, :] * C)

def f(x, y):
    return ot(x, y) - 0.5 * ot(x, x) - 0.5 * ot(y, y)
''', [N(42, 3, 2) * 0.5, N(43, 4, 2) * 0.5])

case("sinkhorn_unbalanced_kl", '''
def f(C, a, b, reg=0.5, reg_m=1.0):
    K = np.exp(-C / reg)
    fi = reg_m / (reg_m + reg)
    u = np.ones(len(a))
    v = np.ones(len(b))
    for _ in range(30):
        u = (a / (K @ v)) ** fi
        v = (b / (K.T @ u)) ** fi
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)
''', [U(44, 3, 4), U(45, 3), U(46, 4), 0.5, 1.0])

case("sinkhorn_unbalanced_with_marginal_penalties", '''
def kl(p, q):
    return np.sum(p * np.log(p / q) - p + q)

def f(C, a, b, reg=0.5, tau=2.0):
    K = np.exp(-C / reg)
    lam = tau / (tau + reg)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for _ in range(30):
        u = np.power(a / K.dot(v), lam)
        v = np.power(b / K.T.dot(u), lam)
    P = u.reshape(-1, 1) * K * v.reshape(1, -1)
    return np.sum(P * C) + tau * kl(P.sum(1), a) + tau * kl(P.sum(0), b)
''', [U(47, 3, 3), U(48, 3), U(49, 3)])

case("sinkhorn_barycenter_two_measures", '''
def f(A, C, w=0.5):
    K = np.exp(-C / 0.5)
    v = np.ones_like(A)
    for _ in range(20):
        u = A / (K @ v)
        Ku = K.T @ u
        bary = np.exp(w * np.log(Ku[:, 0]) + (1 - w) * np.log(Ku[:, 1]))
        v = bary[:, None] / Ku
    return np.sum(bary * np.arange(len(bary)))
''', [np.column_stack([prob(50, 4), prob(51, 4)]), U(52, 4, 4), 0.3])

case("sinkhorn_marginal_error_returned", '''
def f(C, a, b):
    K = np.exp(-C)
    u = np.ones(3)
    v = np.ones(4)
    for _ in range(2):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = np.einsum('i,ij,j->ij', u, K, v)
    return np.abs(P.sum(axis=1) - a).sum() + np.sum(P * C)
''', [U(53, 3, 4), prob(54, 3), prob(55, 4)], plain_refused='mismatch in its core dimension')


# ---------------------------------------------------------------- Sinkhorn, log domain


case("logsinkhorn_scipy_logsumexp", '''
from scipy.special import logsumexp
def f(C, a, b, eps=0.5):
    fp = np.zeros(len(a))
    g = np.zeros(len(b))
    for _ in range(30):
        fp = eps * np.log(a) - eps * logsumexp((g[None, :] - C) / eps, axis=1)
        g = eps * np.log(b) - eps * logsumexp((fp[:, None] - C) / eps, axis=0)
    P = np.exp((fp[:, None] + g[None, :] - C) / eps)
    return np.sum(P * C)
''', [U(60, 3, 4), prob(61, 3), prob(62, 4), 0.5])

case("logsinkhorn_manual_logsumexp_helper", '''
def lse(M, axis):
    m = M.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(M - m).sum(axis=axis, keepdims=True))).squeeze(axis)

def f(C, a, b, eps=0.3):
    log_a, log_b = np.log(a), np.log(b)
    f_ = np.zeros_like(a)
    g_ = np.zeros_like(b)
    for _ in range(40):
        f_ = eps * (log_a - lse((g_[None, :] - C) / eps, axis=1))
        g_ = eps * (log_b - lse((f_[:, None] - C) / eps, axis=0))
    return np.dot(f_, a) + np.dot(g_, b)
''', [U(63, 3, 3), prob(64, 3), prob(65, 3)])

case("logsinkhorn_logaddexp_reduce", '''
def f(C, eps=0.5):
    n, m = C.shape
    la = np.full(n, -np.log(n))
    lb = np.full(m, -np.log(m))
    fp = np.zeros(n)
    gp = np.zeros(m)
    for _ in range(25):
        fp = eps * la - eps * np.logaddexp.reduce((gp[None, :] - C) / eps, axis=1)
        gp = eps * lb - eps * np.logaddexp.reduce((fp[:, None] - C) / eps, axis=0)
    return np.sum(np.exp((fp[:, None] + gp[None, :] - C) / eps) * C)
''', [U(66, 3, 4)])

case("logsinkhorn_potentials_M_matrix", '''
from scipy.special import logsumexp
def f(C, a, b, eps=0.4):
    u = np.zeros_like(a)
    v = np.zeros_like(b)
    def M(u, v):
        return (-C + u[:, None] + v[None, :]) / eps
    for _ in range(30):
        u = eps * (np.log(a) - logsumexp(M(u, v), axis=1)) + u
        v = eps * (np.log(b) - logsumexp(M(u, v).T, axis=1)) + v
    pi = np.exp(M(u, v))
    return np.sum(pi * C)
''', [U(67, 3, 4), prob(68, 3), prob(69, 4)])

case("logsinkhorn_keepdims_columns", '''
from scipy.special import logsumexp
def f(x, y, eps=0.2):
    C = np.abs(x[:, None] - y[None, :]) ** 2
    n, m = C.shape
    f_ = np.zeros((n, 1))
    g_ = np.zeros((1, m))
    for _ in range(30):
        f_ = -eps * logsumexp((g_ - C) / eps, axis=1, keepdims=True) - eps * np.log(n)
        g_ = -eps * logsumexp((f_ - C) / eps, axis=0, keepdims=True) - eps * np.log(m)
    return float(f_.mean() + g_.mean())
''', [N(70, 4), N(71, 3)])

case("logsinkhorn_divergence_point_clouds", '''
from scipy.special import logsumexp
def w_eps(x, y, eps=0.5, iters=20):
    C = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    la = -np.log(len(x)) * np.ones(len(x))
    lb = -np.log(len(y)) * np.ones(len(y))
    g = np.zeros(len(y))
    for _ in range(iters):
        f_ = -eps * logsumexp(lb[None, :] + (g[None, :] - C) / eps, axis=1)
        g = -eps * logsumexp(la[:, None] + (f_[:, None] - C) / eps, axis=0)
    return np.mean(f_) + np.mean(g)

def f(x, y):
    return w_eps(x, y) - 0.5 * (w_eps(x, x) + w_eps(y, y))
''', [N(72, 3, 2) * 0.5, N(73, 3, 2) * 0.5])

case("logsinkhorn_unbalanced", '''
from scipy.special import logsumexp
def f(C, a, b, eps=0.5, rho=1.0):
    lam = rho / (rho + eps)
    fp = np.zeros(len(a))
    gp = np.zeros(len(b))
    for _ in range(30):
        fp = -lam * eps * logsumexp(np.log(b)[None, :] + (gp[None, :] - C) / eps, axis=1)
        gp = -lam * eps * logsumexp(np.log(a)[:, None] + (fp[:, None] - C) / eps, axis=0)
    P = a[:, None] * b[None, :] * np.exp((fp[:, None] + gp[None, :] - C) / eps)
    return np.sum(P * C)
''', [U(74, 3, 4), U(75, 3), U(76, 4)])

case("logsinkhorn_batched", '''
from scipy.special import logsumexp
def f(C, eps=0.5):
    B, n, m = C.shape
    f_ = np.zeros((B, n))
    g_ = np.zeros((B, m))
    for _ in range(20):
        f_ = -eps * logsumexp((g_[:, None, :] - C) / eps, axis=2) - eps * np.log(n)
        g_ = -eps * logsumexp((f_[:, :, None] - C) / eps, axis=1) - eps * np.log(m)
    P = np.exp((f_[:, :, None] + g_[:, None, :] - C) / eps)
    return np.sum(P * C) / B
''', [U(77, 2, 3, 3)])

case("logsinkhorn_eps_scaling", '''
from scipy.special import logsumexp
def f(C, a, b):
    fp = np.zeros(len(a))
    gp = np.zeros(len(b))
    for eps in [1.0, 0.5, 0.25]:
        for _ in range(10):
            fp = -eps * logsumexp(np.log(b) + (gp - C) / eps, axis=1)
            gp = -eps * logsumexp(np.log(a)[:, None] + (fp[:, None] - C) / eps, axis=0)
    return np.dot(a, fp) + np.dot(b, gp)
''', [U(78, 3, 3), prob(79, 3), prob(80, 3)])

case("logsinkhorn_stable_exp_minus_max", '''
def f(C, eps=0.3):
    n, m = C.shape
    logK = -C / eps
    log_u = np.zeros(n)
    log_v = np.zeros(m)
    for _ in range(30):
        A = logK + log_v[None, :]
        amax = A.max(axis=1)
        log_u = -np.log(n) - (amax + np.log(np.exp(A - amax[:, None]).sum(axis=1)))
        B = logK + log_u[:, None]
        bmax = B.max(axis=0)
        log_v = -np.log(m) - (bmax + np.log(np.exp(B - bmax[None, :]).sum(axis=0)))
    P = np.exp(log_u[:, None] + logK + log_v[None, :])
    return np.sum(P * C)
''', [U(81, 3, 4)])


# ---------------------------------------------------------------- soft-DTW


case("softdtw_classic_table", '''
def f(x, y, gamma=1.0):
    D = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            r0 = -R[i - 1, j - 1] / gamma
            r1 = -R[i - 1, j] / gamma
            r2 = -R[i, j - 1] / gamma
            rmax = max(max(r0, r1), r2)
            rsum = np.exp(r0 - rmax) + np.exp(r1 - rmax) + np.exp(r2 - rmax)
            softmin = -gamma * (np.log(rsum) + rmax)
            R[i, j] = D[i - 1, j - 1] + softmin
    return R[n, m]
''', [N(100, 4, 2), N(101, 3, 2), 0.8])

case("softdtw_array_of_three_logsumexp", '''
from scipy.special import logsumexp
def f(x, y, gamma=0.5):
    D = (x[:, None] - y[None, :]) ** 2
    n, m = D.shape
    R = np.ones((n + 1, m + 1)) * 1e10
    R[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
            R[i, j] = D[i - 1, j - 1] - gamma * logsumexp(-prev / gamma)
    return R[-1, -1]
''', [N(102, 4), N(103, 4), 0.5])

case("softdtw_softmin_helper_math", '''
def softmin(a, b, c, gamma):
    m = min(a, b, c)
    s = math.exp(-(a - m) / gamma) + math.exp(-(b - m) / gamma) + math.exp(-(c - m) / gamma)
    return m - gamma * math.log(s)

def f(x, y, gamma=1.0):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = (x[i - 1] - y[j - 1]) ** 2
            R[i, j] = cost + softmin(R[i - 1, j - 1], R[i - 1, j], R[i, j - 1], gamma)
    return R[n, m]
''', [N(104, 4), N(105, 3), 0.7])

case("softdtw_list_of_lists_table", '''
def f(x, y, gamma=0.5):
    n, m = len(x), len(y)
    R = [[float('inf')] * (m + 1) for _ in range(n + 1)]
    R[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = np.sum((x[i - 1] - y[j - 1]) ** 2)
            z = np.array([R[i - 1][j - 1], R[i - 1][j], R[i][j - 1]])
            zmin = z.min()
            R[i][j] = c + zmin - gamma * np.log(np.sum(np.exp(-(z - zmin) / gamma)))
    return R[n][m]
''', [N(106, 3, 2), N(107, 4, 2), 0.5])

case("softdtw_divergence", '''
def sdtw(x, y, gamma):
    D = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            z = -np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]]) / gamma
            zmax = np.max(z)
            R[i, j] = D[i - 1, j - 1] - gamma * (zmax + np.log(np.sum(np.exp(z - zmax))))
    return R[n, m]

def f(x, y, gamma=1.0):
    return sdtw(x, y, gamma) - 0.5 * (sdtw(x, x, gamma) + sdtw(y, y, gamma))
''', [N(108, 3, 2), N(109, 3, 2)])

case("softdtw_band", '''
def f(x, y, gamma=1.0, w=1):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if abs(i - j) > w:
                continue
            z = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
            zmin = np.min(z)
            R[i, j] = (x[i - 1] - y[j - 1]) ** 2 + zmin - gamma * np.log(np.sum(np.exp((zmin - z) / gamma)))
    return R[n, m]
''', [N(110, 4), N(111, 4), 0.9])

case("softdtw_hard_min_dtw", '''
def f(x, y):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = abs(x[i - 1] - y[j - 1]) + min(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1])
    return R[n, m]
''', [N(112, 4), N(113, 5)])

case("softdtw_gamma_only_scalar_min", '''
def f(D, gamma=0.5):
    n, m = D.shape
    R = np.zeros((n + 1, m + 1)) + 1e8
    R[0, 0] = 0.0
    for i in range(n):
        for j in range(m):
            a, b, c = R[i, j], R[i, j + 1], R[i + 1, j]
            mn = min(a, b, c)
            R[i + 1, j + 1] = D[i, j] + mn - gamma * np.log(np.exp((mn - a) / gamma) + np.exp((mn - b) / gamma) + np.exp((mn - c) / gamma))
    return R[n, m]
''', [U(114, 3, 4), 0.5])

case("softdtw_scalar_math_lists", '''
def f(x0, x1, x2, y0, y1, gamma=0.7):
    x = [x0, x1, x2]
    y = [y0, y1]
    INF = 1e10
    R = [[INF] * 3 for _ in range(4)]
    R[0][0] = 0.0
    for i in range(1, 4):
        for j in range(1, 3):
            a, b, c = -R[i - 1][j - 1] / gamma, -R[i - 1][j] / gamma, -R[i][j - 1] / gamma
            mx = max(a, b, c)
            sm = -gamma * (mx + math.log(math.exp(a - mx) + math.exp(b - mx) + math.exp(c - mx)))
            R[i][j] = (x[i - 1] - y[j - 1]) ** 2 + sm
    return R[3][2]
''', [0.3, -0.5, 1.2, 0.1, 0.9, 0.7])

case("softdtw_alignment_expected", '''
def f(x, y, gamma=1.0):
    D = np.abs(x[:, None] - y[None, :])
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = np.stack([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
            R[i, j] = D[i - 1, j - 1] - gamma * np.log(np.exp(-prev / gamma).sum())
    return R[n, m] / (n + m)
''', [N(115, 3) * 2, N(116, 4) * 2 + 0.05])


case("softdtw_numpy_softmin_helper", '''
def softmin(z, gamma):
    zmin = np.min(z)
    return zmin - gamma * np.log(np.sum(np.exp(-(z - zmin) / gamma)))

def f(x, y, gamma=0.5):
    D = (x[:, None] - y[None, :]) ** 2
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + softmin(np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]]), gamma)
    return R[n, m]
''', [N(117, 4), N(118, 3), 0.5])

case("softdtw_scalar_softmin_helper_plain_ops", '''
def softmin3(a, b, c, gamma):
    a, b, c = -a / gamma, -b / gamma, -c / gamma
    mx = max(a, b, c)
    return -gamma * (mx + np.log(np.exp(a - mx) + np.exp(b - mx) + np.exp(c - mx)))

def f(x, y, gamma=1.0):
    D = np.abs(x[:, None] - y[None, :])
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + softmin3(R[i - 1, j - 1], R[i - 1, j], R[i, j - 1], gamma)
    return R[-1, -1]
''', [N(119, 3), N(1190, 4) + 0.05, 0.8])

case("softdtw_helper_with_inf_constant_module", '''
INF = float("inf")

def soft_min(values, gamma):
    m = min(values)
    return m - gamma * math.log(sum(math.exp(-(v - m) / gamma) for v in values))

def f(x, y, gamma=0.5):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), INF)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = (x[i - 1] - y[j - 1]) ** 2 + soft_min([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]], gamma)
    return R[n, m]
''', [N(1191, 3), N(1192, 3), 0.5])


case("dp_table_list_of_lists_negative_indices", '''
def f(x, y):
    n, m = len(x), len(y)
    R = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i][j] = np.logaddexp(R[i - 1][j], R[i][j - 1]) + x[i - 1] * y[j - 1]
    return R[-1][-1] + 0.5 * R[-2][-1]
''', [N(1193, 3), N(1194, 4)])

case("dp_table_list_of_lists_added_into", '''
def f(x, gamma=0.5):
    n = len(x)
    T = [[0.0 for _ in range(n)] for _ in range(n)]
    for i in range(n):
        for j in range(n):
            T[i][j] += np.exp(-(x[i] - x[j]) ** 2 / gamma)
            T[i][j] *= 0.5
    return T[0][1] + T[n - 1][n - 1] ** 2 + T[1][2]
''', [N(1195, 3), 0.5])

case("dp_table_named_big_number", '''
def f(x, y, gamma=0.3):
    BIG = 1e12
    n, m = len(x), len(y)
    R = [[BIG] * (m + 1) for _ in range(n + 1)]
    R[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = np.array([R[i - 1][j - 1], R[i - 1][j], R[i][j - 1]])
            lo = prev.min()
            R[i][j] = (x[i - 1] - y[j - 1]) ** 2 + lo - gamma * np.log(np.exp(-(prev - lo) / gamma).sum())
    return R[n][m]
''', [N(1196, 3), N(1197, 3), 0.3])

case("dp_table_one_row_repeated", '''
def f(x):
    R = [[0.0] * 3] * 3
    R[0][0] = x[0]
    R[1][1] = R[0][0] * x[1]
    return R[2][2] + R[1][1]
''', [N(1198, 3)], refused="write into a copy")

case("dp_table_row_read_whole", '''
def f(x):
    R = [[0.0] * 3 for _ in range(3)]
    R[0][0] = x[0] * 2
    return sum(R[0])
''', [N(1199, 3)], refused="may have been changed by the write")


# ---------------------------------------------------------------- sparsemax and entmax


case("sparsemax_sort_cumsum_support_sum", '''
def sparsemax(z):
    z_sorted = np.sort(z)[::-1]
    k = np.arange(1, len(z) + 1)
    cumsum = np.cumsum(z_sorted)
    support = 1 + k * z_sorted > cumsum
    k_z = support.sum()
    tau = (cumsum[k_z - 1] - 1) / k_z
    return np.maximum(z - tau, 0)

def f(z, w):
    return np.sum(sparsemax(z) * w)
''', [N(120, 6), N(121, 6)])

case("sparsemax_negated_sort_last_support", '''
def f(z, w):
    zs = -np.sort(-z)
    k = np.arange(1, z.size + 1)
    cs = np.cumsum(zs)
    cond = 1 + k * zs > cs
    kz = k[cond][-1]
    tau = (cs[kz - 1] - 1) / kz
    p = np.clip(z - tau, 0, None)
    return p @ w
''', [N(122, 5) * 0.7, N(123, 5)])

case("sparsemax_argsort_descending", '''
def f(z, w):
    idx = np.argsort(z)[::-1]
    zs = z[idx]
    cs = np.cumsum(zs)
    rng = np.arange(1, len(z) + 1)
    k = np.max(rng[1 + rng * zs > cs])
    tau = (np.sum(zs[:k]) - 1) / k
    p = np.maximum(0.0, z - tau)
    return float(np.dot(p, w))
''', [N(124, 6), N(125, 6)])

case("sparsemax_rows_take_along_axis", '''
def f(Z, W):
    n, d = Z.shape
    zs = np.sort(Z, axis=1)[:, ::-1]
    k = np.arange(1, d + 1)[None, :]
    cs = np.cumsum(zs, axis=1)
    support = (1 + k * zs) > cs
    kz = support.sum(axis=1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=1) - 1) / kz
    P = np.maximum(Z - tau, 0)
    return np.sum(P * W)
''', [N(126, 3, 5), N(127, 3, 5)])

case("sparsemax_loss", '''
def f(z, y):
    zs = np.sort(z)[::-1]
    k = np.arange(1, len(z) + 1)
    cs = np.cumsum(zs)
    kz = np.sum(1 + k * zs > cs)
    tau = (cs[kz - 1] - 1) / kz
    S = z > tau
    return -z[y] + 0.5 * np.sum(z[S] ** 2 - tau ** 2) + 0.5
''', [N(128, 6), 2])

case("sparsemax_loop_finding_k", '''
def f(z, w):
    zs = sorted(z, reverse=True)
    total = 0.0
    kz = 1
    tau_sum = zs[0]
    for k in range(len(zs)):
        total += zs[k]
        if 1 + (k + 1) * zs[k] > total:
            kz = k + 1
            tau_sum = total
    tau = (tau_sum - 1) / kz
    p = np.maximum(z - tau, 0)
    return np.sum(p * w)
''', [N(129, 5), N(130, 5)])

case("sparsemax_bisection", '''
def f(z, w):
    lo = z.max() - 1.0
    hi = z.max()
    for _ in range(60):
        tau = 0.5 * (lo + hi)
        if np.maximum(z - tau, 0).sum() > 1:
            lo = tau
        else:
            hi = tau
    p = np.maximum(z - tau, 0)
    return np.sum(p * w)
''', [N(131, 5), N(132, 5)], refused='bisection or bracketing search')

case("sparsemax_attention", '''
def sparsemax(z):
    zs = np.sort(z, axis=-1)[..., ::-1]
    k = np.arange(1, z.shape[-1] + 1)
    cs = np.cumsum(zs, axis=-1)
    kz = np.sum(1 + k * zs > cs, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=-1) - 1) / kz
    return np.maximum(z - tau, 0)

def f(Q, K, V):
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    return np.sum(sparsemax(scores) @ V)
''', [N(133, 3, 4), N(134, 5, 4), N(135, 5, 2)])

case("entmax15_sort_exact", '''
def entmax15(x):
    x = x / 2
    xs = np.sort(x)[::-1]
    rho = np.arange(1, len(x) + 1)
    mean = np.cumsum(xs) / rho
    mean_sq = np.cumsum(xs ** 2) / rho
    ss = rho * (mean_sq - mean ** 2)
    delta = (1 - ss) / rho
    delta_nz = np.clip(delta, 0, None)
    tau = mean - np.sqrt(delta_nz)
    support_size = np.sum(tau <= xs)
    tau_star = tau[support_size - 1]
    return np.clip(x - tau_star, 0, None) ** 2

def f(z, w):
    return np.sum(entmax15(z) * w)
''', [N(136, 6) * 1.5, N(137, 6)])

case("entmax15_rows", '''
def f(X, W):
    X = X / 2
    Xs = -np.sort(-X, axis=1)
    rho = np.arange(1, X.shape[1] + 1)
    mean = np.cumsum(Xs, axis=1) / rho
    mean_sq = np.cumsum(Xs ** 2, axis=1) / rho
    delta = (1 - rho * (mean_sq - mean ** 2)) / rho
    tau = mean - np.sqrt(np.maximum(delta, 0))
    k = np.sum(tau <= Xs, axis=1, keepdims=True)
    tau_star = np.take_along_axis(tau, k - 1, axis=1)
    Y = np.maximum(X - tau_star, 0) ** 2
    return np.sum(Y * W)
''', [N(138, 3, 5) * 1.5, N(139, 3, 5)])

case("entmax_bisection_alpha", '''
def f(z, w, alpha=1.5):
    z = z * (alpha - 1)
    d = len(z)
    tau_lo = z.max() - 1
    tau_hi = z.max() - (1.0 / d) ** (alpha - 1)
    for _ in range(50):
        tau = (tau_lo + tau_hi) / 2
        p = np.maximum(z - tau, 0) ** (1 / (alpha - 1))
        if p.sum() < 1:
            tau_hi = tau
        else:
            tau_lo = tau
    p = p / p.sum()
    return np.sum(p * w)
''', [N(140, 5), N(141, 5)], wrt=(0, 1), refused='bisection or bracketing search')

case("sparsemax_where_support", '''
def f(z, w):
    zs = np.sort(z)[::-1]
    cs = np.cumsum(zs) - 1
    ind = np.arange(1, len(z) + 1)
    cond = zs - cs / ind > 0
    rho = np.where(cond)[0][-1]
    theta = cs[rho] / (rho + 1.0)
    return np.sum(np.maximum(z - theta, 0) * w)
''', [N(142, 6), N(143, 6)])

case("simplex_projection_duchi", '''
def f(v, w, s=1.0):
    u = np.sort(v)[::-1]
    cssv = np.cumsum(u)
    rho = np.nonzero(u * np.arange(1, len(v) + 1) > (cssv - s))[0][-1]
    theta = (cssv[rho] - s) / (rho + 1.0)
    x = (v - theta).clip(min=0)
    return x @ w
''', [N(144, 6), N(145, 6), 1.0])


# ---------------------------------------------------------------- Gumbel-softmax


case("gumbel_softmax_fixed_noise", '''
def f(logits, g, w, tau=0.5):
    y = (logits + g) / tau
    y = y - y.max(axis=-1, keepdims=True)
    e = np.exp(y)
    p = e / e.sum(axis=-1, keepdims=True)
    return np.sum(p * w)
''', [N(150, 3, 4), N(151, 3, 4), N(152, 3, 4), 0.5], wrt=(0, 2, 3))

case("gumbel_noise_from_uniforms", '''
def f(logits, u, tau=1.0, eps=1e-20):
    g = -np.log(-np.log(u + eps) + eps)
    z = (logits + g) / tau
    p = np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)))
    return np.sum(p * np.arange(len(p)))
''', [N(153, 5), U(154, 5, lo=0.1, hi=0.9), 0.8], wrt=(0, 2))

case("gumbel_softmax_rng_inside", '''
def f(logits, tau=0.5):
    rng = np.random.default_rng(0)
    g = rng.gumbel(size=logits.shape)
    y = np.exp((logits + g) / tau)
    y = y / y.sum(axis=1, keepdims=True)
    return np.sum(y[:, 0])
''', [N(155, 3, 4), 0.5], refused='fixes the draws that follow')

case("gumbel_softmax_legacy_seed", '''
def f(logits, tau=0.7):
    np.random.seed(0)
    u = np.random.uniform(0, 1, logits.shape)
    g = -np.log(-np.log(u))
    y = (logits + g) / tau
    y = np.exp(y - y.max())
    y /= y.sum()
    return y @ np.arange(len(y))
''', [N(156, 5), 0.7], refused='draws new numbers on every call')

case("relaxed_bernoulli_concrete", '''
def f(log_alpha, u, tau=0.5):
    s = 1 / (1 + np.exp(-(log_alpha + np.log(u) - np.log(1 - u)) / tau))
    return np.sum(s * np.arange(1, len(s) + 1))
''', [N(157, 5), U(158, 5, lo=0.1, hi=0.9), 0.5], wrt=(0, 2))

case("gumbel_softmax_log_softmax_first", '''
from scipy.special import log_softmax, softmax
def f(logits, g, tau=0.5):
    logp = log_softmax(logits, axis=1)
    y = softmax((logp + g) / tau, axis=1)
    return np.sum(y * np.arange(logits.shape[1]))
''', [N(159, 3, 4), N(160, 3, 4), 0.5], wrt=(0, 2))

case("gumbel_softmax_straight_through_value", '''
def f(logits, g, tau=1.0):
    y = np.exp((logits + g) / tau)
    y = y / y.sum(axis=-1, keepdims=True)
    idx = np.argmax(y, axis=-1)
    y_hard = np.zeros_like(y)
    y_hard[np.arange(len(y)), idx] = 1.0
    y_st = y_hard - y + y
    return np.sum(y_st * logits) + np.sum(y ** 2)
''', [N(161, 3, 4), N(162, 3, 4), 1.0], wrt=(0,))

case("gumbel_topk_subset_relaxation", '''
def f(logits, g, k=2, tau=0.5):
    scores = logits + g
    khot = np.zeros_like(scores)
    onehot = np.zeros_like(scores)
    for _ in range(k):
        mask = np.maximum(1.0 - onehot, 1e-20)
        scores = scores + np.log(mask)
        e = np.exp((scores - scores.max()) / tau)
        onehot = e / e.sum()
        khot = khot + onehot
    return np.sum(khot * np.arange(len(khot)))
''', [N(163, 5), N(164, 5), 2, 0.5], wrt=(0, 3))

case("gumbel_softmax_kl_to_uniform", '''
def f(logits, g, tau=0.5):
    q = np.exp(logits - logits.max(1, keepdims=True))
    q = q / q.sum(1, keepdims=True)
    kl = np.sum(q * np.log(q * logits.shape[1] + 1e-20), axis=1).mean()
    y = np.exp((logits + g) / tau)
    y = y / y.sum(1, keepdims=True)
    return kl + np.sum(y[:, :2])
''', [N(165, 3, 4), N(166, 3, 4), 0.5], wrt=(0, 2))


# ---------------------------------------------------------------- soft sorting and ranking


case("neuralsort_permutation", '''
def f(s, tau=0.5):
    n = len(s)
    A = np.abs(s[:, None] - s[None, :])
    B = A @ np.ones(n)
    scaling = n + 1 - 2 * (np.arange(n) + 1)
    C = s[None, :] * scaling[:, None]
    P_max = (C - B[None, :]) / tau
    P_max = P_max - P_max.max(axis=1, keepdims=True)
    P = np.exp(P_max)
    P = P / P.sum(axis=1, keepdims=True)
    return np.sum((P @ s) * np.arange(n))
''', [N(170, 5), 0.5])

case("neuralsort_batched_matmul", '''
def f(s, tau=1.0):
    b, n = s.shape
    s = s[:, :, None]
    A = np.abs(s - np.transpose(s, (0, 2, 1)))
    B = np.matmul(A, np.ones((n, 1)))
    scaling = (n + 1 - 2 * (np.arange(n) + 1)).astype(float)
    C = np.matmul(s, scaling[None, :])
    P_max = np.transpose(C - B, (0, 2, 1)) / tau
    e = np.exp(P_max - P_max.max(-1, keepdims=True))
    P = e / e.sum(-1, keepdims=True)
    return np.sum(P @ s)
''', [N(171, 2, 4), 1.0])

case("soft_rank_pairwise_sigmoid", '''
def f(s, tau=0.3):
    diff = (s[:, None] - s[None, :]) / tau
    r = 0.5 + np.sum(1 / (1 + np.exp(-diff)), axis=1)
    return np.sum(r * np.arange(len(s)))
''', [N(172, 6), 0.3])

case("spearman_soft_rank_loss", '''
def soft_rank(x, tau):
    return 1 + np.sum(1.0 / (1.0 + np.exp(-(x[:, None] - x[None, :]) / tau)), axis=1) - 0.5

def f(pred, target, tau=0.5):
    rp = soft_rank(pred, tau)
    rt = soft_rank(target, tau)
    rp = rp - rp.mean()
    rt = rt - rt.mean()
    return 1 - np.sum(rp * rt) / np.sqrt(np.sum(rp ** 2) * np.sum(rt ** 2))
''', [N(173, 6), N(174, 6), 0.5], wrt=(0, 2))

case("soft_rank_tanh", '''
def f(s, y, tau=0.2):
    n = len(s)
    pair = 0.5 * (np.tanh((s.reshape(1, n) - s.reshape(n, 1)) / tau) + 1)
    ranks = pair.sum(axis=0) + 0.5
    return np.mean((ranks - y) ** 2)
''', [N(175, 5), np.arange(1.0, 6.0), 0.2], wrt=(0, 2))

case("soft_sort_sinkhorn_to_sorted_targets", '''
def f(x, eps=0.1):
    n = len(x)
    anchors = np.linspace(0, 1, n)
    xs = 1 / (1 + np.exp(-(x - x.mean()) / x.std()))
    C = (xs[:, None] - anchors[None, :]) ** 2
    K = np.exp(-C / eps)
    a = np.ones(n) / n
    b = np.ones(n) / n
    v = np.ones(n)
    for _ in range(30):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    sorted_x = n * (P.T @ x)
    return np.sum(sorted_x * np.arange(n))
''', [N(176, 5), 0.1])

case("soft_topk_sinkhorn_xie", '''
def f(scores, k=2, eps=0.1):
    n = len(scores)
    anchors = np.array([scores.min(), scores.max()])
    C = (scores[:, None] - anchors[None, :]) ** 2
    C = C / C.max()
    mu = np.ones(n) / n
    nu = np.array([(n - k) / n, k / n])
    K = np.exp(-C / eps)
    v = np.ones(2)
    for _ in range(40):
        u = mu / (K @ v)
        v = nu / (K.T @ u)
    gamma = u[:, None] * K * v[None, :]
    A = gamma[:, 1] * n
    return np.sum(A * np.arange(n))
''', [N(177, 5), 2, 0.1], wrt=(0, 2))

case("soft_topk_successive_softmax", '''
def f(logits, k=3, tau=0.5):
    alpha = logits.copy()
    khot = np.zeros_like(logits)
    onehot = np.zeros_like(logits)
    for i in range(k):
        alpha = alpha + np.log(np.maximum(1 - onehot, 1e-12))
        e = np.exp(alpha / tau - np.max(alpha / tau))
        onehot = e / np.sum(e)
        khot += onehot
    return np.sum(khot * np.linspace(-1, 1, len(logits)))
''', [N(178, 6), 3, 0.5], wrt=(0, 2))

case("soft_topk_sigmoid_bisection_threshold", '''
def f(s, k=2, tau=0.2):
    lo, hi = s.min() - 1, s.max() + 1
    for _ in range(50):
        mid = (lo + hi) / 2
        if np.sum(1 / (1 + np.exp(-(s - mid) / tau))) > k:
            lo = mid
        else:
            hi = mid
    w = 1 / (1 + np.exp(-(s - mid) / tau))
    return np.sum(w * s)
''', [N(179, 6), 2, 0.2], wrt=(0, 2), refused='bisection or bracketing search')

case("ranknet_pairwise_loss", '''
def f(s, y):
    n = len(s)
    loss = 0.0
    for i in range(n):
        for j in range(n):
            if y[i] > y[j]:
                loss += np.log1p(np.exp(-(s[i] - s[j])))
    return loss
''', [N(180, 5), np.array([3, 1, 2, 0, 1])])

case("ranknet_vectorized_mask", '''
def f(s, y, sigma=1.0):
    S = s[:, None] - s[None, :]
    mask = (y[:, None] > y[None, :]).astype(float)
    return np.sum(mask * np.logaddexp(0, -sigma * S)) / mask.sum()
''', [N(181, 5), np.array([3, 1, 2, 0, 1]), 1.0])

case("listnet_top_one", '''
def f(scores, labels):
    p_true = np.exp(labels) / np.sum(np.exp(labels))
    z = scores - np.max(scores)
    log_p = z - np.log(np.sum(np.exp(z)))
    return -np.sum(p_true * log_p)
''', [N(182, 6), N(183, 6)])

case("approx_ndcg", '''
def f(s, rel, alpha=10.0):
    diff = s[None, :] - s[:, None]
    pos = 1 + np.sum(1 / (1 + np.exp(-alpha * diff)), axis=1) - 0.5
    gains = 2 ** rel - 1
    dcg = np.sum(gains / np.log2(1 + pos))
    ideal = np.sort(gains)[::-1]
    idcg = np.sum(ideal / np.log2(np.arange(2, len(rel) + 2)))
    return 1 - dcg / idcg
''', [N(184, 5), np.array([3.0, 0.0, 1.0, 2.0, 0.0]), 10.0], wrt=(0,))

case("perturbed_max_fixed_noise", '''
def f(theta, Z, sigma=0.5):
    return np.mean(np.max(theta[None, :] + sigma * Z, axis=1))
''', [N(185, 5), N(186, 20, 5), 0.5], wrt=(0, 2))

case("lambda_style_pairwise_deltas", '''
def f(s, y):
    order = np.argsort(-s)
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    disc = 1.0 / np.log2(1 + ranks)
    delta = np.abs((2.0 ** y[:, None] - 2.0 ** y[None, :]) * (disc[:, None] - disc[None, :]))
    sd = s[:, None] - s[None, :]
    mask = y[:, None] > y[None, :]
    return np.sum(np.where(mask, delta * np.log1p(np.exp(-sd)), 0.0))
''', [N(187, 5), np.array([2, 0, 1, 1, 0])])

case("soft_sort_via_softmax_of_rank_diffs", '''
def f(x, tau=0.3):
    n = len(x)
    ranks = 1 + np.sum(1 / (1 + np.exp(-(x[:, None] - x[None, :]) / tau)), axis=0) - 0.5
    target = np.arange(1, n + 1)
    logits = -(ranks[None, :] - target[:, None]) ** 2 / tau
    P = np.exp(logits - logits.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return np.sum(P @ x * np.arange(n))
''', [N(188, 5), 0.3])


# ---------------------------------------------------------------- smooth max and min


case("smooth_max_logsumexp_naive", '''
def f(x, tau=0.5):
    return tau * np.log(np.sum(np.exp(x / tau)))
''', [N(190, 6), 0.5])

case("smooth_max_stable", '''
def f(x, t=0.1):
    m = np.max(x)
    return m + t * np.log(np.sum(np.exp((x - m) / t)))
''', [N(191, 6), 0.1])

case("smooth_max_scipy", '''
from scipy.special import logsumexp
def f(x, t=0.3):
    return t * logsumexp(x / t)
''', [N(192, 6), 0.3])

case("smooth_min_negated", '''
from scipy.special import logsumexp
def f(x, gamma=0.2):
    return -gamma * logsumexp(-x / gamma, axis=1).sum()
''', [N(193, 3, 4), 0.2])

case("smooth_max_axis_keepdims", '''
def f(X, beta=5.0):
    m = X.max(axis=1, keepdims=True)
    smax = m + np.log(np.exp(beta * (X - m)).sum(axis=1, keepdims=True)) / beta
    return np.sum(smax ** 2)
''', [N(194, 3, 4), 5.0])

case("smooth_max_two_logaddexp", '''
def f(a, b, t=0.25):
    return np.sum(t * np.logaddexp(a / t, b / t))
''', [N(195, 5), N(196, 5), 0.25])

case("boltzmann_operator", '''
def f(x, beta=2.0):
    w = np.exp(beta * x)
    return np.sum(x * w) / np.sum(w)
''', [N(197, 6), 2.0])

case("mellowmax", '''
def f(x, omega=3.0):
    c = x.max()
    return c + np.log(np.mean(np.exp(omega * (x - c)))) / omega
''', [N(198, 6), 3.0])

case("pnorm_smooth_max", '''
def f(x, p=8.0):
    return np.sum(np.abs(x) ** p) ** (1.0 / p)
''', [N(199, 6), 8.0])

case("softplus_temperature", '''
def f(x, beta=2.0):
    return np.sum(np.log1p(np.exp(beta * x)) / beta)
''', [N(200, 6), 2.0])

case("smooth_abs_and_max_pair", '''
def f(a, b, eps=1e-2):
    smooth_max = 0.5 * (a + b + np.sqrt((a - b) ** 2 + eps))
    smooth_abs = np.sqrt(a ** 2 + eps)
    return np.sum(smooth_max) + np.sum(smooth_abs)
''', [N(201, 5), N(202, 5), 1e-2])

case("smooth_max_scalars_math", '''
def f(a, b, c, t=0.5):
    m = max(a, b, c)
    return m + t * math.log(math.exp((a - m) / t) + math.exp((b - m) / t) + math.exp((c - m) / t))
''', [0.3, -0.2, 0.9, 0.5])

case("smooth_min_loop_reduction", '''
def f(x, gamma=0.5):
    acc = x[0]
    for v in x[1:]:
        acc = -gamma * np.logaddexp(-acc / gamma, -v / gamma)
    return acc
''', [N(203, 6), 0.5])

case("soft_clip_tanh", '''
def f(x, lo=-1.0, hi=1.0):
    mid = 0.5 * (hi + lo)
    half = 0.5 * (hi - lo)
    return np.sum((mid + half * np.tanh((x - mid) / half)) ** 2)
''', [N(204, 6) * 2, -1.0, 1.0])

case("smooth_max_pool_windows", '''
def f(x, t=0.2):
    out = []
    for i in range(0, len(x) - 2, 2):
        w = x[i:i + 3]
        out.append(t * np.log(np.sum(np.exp(w / t))))
    return np.sum(np.array(out) ** 2)
''', [N(205, 9), 0.2])


# ---------------------------------------------------------------- kernel histograms


case("gaussian_kernel_histogram", '''
def f(x, sigma=0.3):
    centers = np.linspace(-2, 2, 8)
    w = np.exp(-0.5 * ((x[:, None] - centers[None, :]) / sigma) ** 2)
    hist = w.sum(axis=0)
    hist = hist / hist.sum()
    return np.sum(hist * np.arange(8))
''', [N(210, 10), 0.3])

case("triangle_kernel_histogram", '''
def f(x, width=0.5):
    centers = np.arange(-2, 2.5, 0.5)
    w = np.maximum(0.0, 1.0 - np.abs(x[:, None] - centers[None, :]) / width)
    h = w.sum(0) / len(x)
    return np.sum(h ** 2)
''', [N(211, 10) * 0.9 + 0.013, 0.5])

case("sigmoid_edge_histogram", '''
def f(x, s=0.05):
    edges = np.linspace(-3, 3, 7)
    sig = lambda t: 1 / (1 + np.exp(-t))
    h = sig((x[:, None] - edges[None, :-1]) / s) - sig((x[:, None] - edges[None, 1:]) / s)
    return np.sum(h.sum(axis=0) * np.arange(6))
''', [N(212, 10), 0.5])

case("histogram_cdf_l1_between_samples", '''
def soft_hist(x, centers, bw):
    k = np.exp(-((x[:, None] - centers) ** 2) / (2 * bw ** 2))
    h = k.sum(0)
    return h / h.sum()

def f(x, y, bw=0.4):
    c = np.linspace(-3, 3, 10)
    return np.sum(np.abs(np.cumsum(soft_hist(x, c, bw)) - np.cumsum(soft_hist(y, c, bw))))
''', [N(213, 8), N(214, 8) + 0.5, 0.4])

case("soft_histogram_entropy", '''
def f(x, sigma=0.2):
    bins = np.linspace(0, 1, 6)
    d = x.reshape(-1, 1) - bins.reshape(1, -1)
    p = np.exp(-d ** 2 / sigma).sum(axis=0)
    p /= p.sum()
    return -np.sum(p * np.log(p))
''', [U(215, 12, lo=0.0, hi=1.0), 0.2])

case("soft_joint_histogram_mutual_information", '''
def f(x, y, sigma=0.25):
    c = np.linspace(-2, 2, 5)
    kx = np.exp(-0.5 * ((x[:, None] - c) / sigma) ** 2)
    ky = np.exp(-0.5 * ((y[:, None] - c) / sigma) ** 2)
    kx = kx / kx.sum(axis=1, keepdims=True)
    ky = ky / ky.sum(axis=1, keepdims=True)
    joint = kx.T @ ky / len(x)
    px = joint.sum(axis=1)
    py = joint.sum(axis=0)
    return np.sum(joint * np.log(joint / (px[:, None] * py[None, :])))
''', [N(216, 10), N(217, 10), 0.25])

case("histogram_filled_bin_by_bin", '''
def f(x, bw=0.3):
    nbins = 6
    centers = np.linspace(-2, 2, nbins)
    h = np.zeros(nbins)
    for k in range(nbins):
        h[k] = np.sum(np.exp(-((x - centers[k]) / bw) ** 2))
    h = h / np.sum(h)
    return h @ centers
''', [N(218, 10), 0.3])

case("kde_log_likelihood", '''
def f(data, query, h=0.5):
    d = query[:, None] - data[None, :]
    dens = np.mean(np.exp(-0.5 * (d / h) ** 2), axis=1) / (h * np.sqrt(2 * np.pi))
    return -np.sum(np.log(dens))
''', [N(219, 8), N(220, 4), 0.5])

case("histogram_matching_loss_to_target", '''
def f(x, target, sigma=0.3):
    centers = np.linspace(-2, 2, len(target))
    diff = np.subtract.outer(x, centers)
    h = np.exp(-diff ** 2 / (2 * sigma ** 2)).sum(axis=0)
    h /= h.sum()
    return np.sum((h - target) ** 2)
''', [N(221, 10), prob(222, 5), 0.3], wrt=(0, 2))


# ---------------------------------------------------------------- soft k-means


case("soft_kmeans_assignment_energy", '''
def f(X, C, beta=2.0):
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
    logits = -beta * d
    logits = logits - logits.max(axis=1, keepdims=True)
    R = np.exp(logits)
    R = R / R.sum(axis=1, keepdims=True)
    return np.sum(R * d)
''', [N(230, 6, 2), N(231, 3, 2), 2.0])

case("soft_kmeans_center_updates", '''
def f(X, C, beta=1.0):
    for _ in range(4):
        d = np.sum((X[:, None] - C[None]) ** 2, axis=2)
        R = np.exp(-beta * d)
        R = R / R.sum(axis=1, keepdims=True)
        C = (R.T @ X) / R.sum(axis=0)[:, None]
    return np.sum(C ** 2)
''', [N(232, 6, 2), N(233, 3, 2), 1.0])

case("soft_kmeans_norm_distances", '''
def f(X, C, temp=0.5):
    dist = np.linalg.norm(X[:, None, :] - C[None, :, :], axis=2)
    r = np.exp(-dist / temp)
    r /= r.sum(axis=1, keepdims=True)
    return np.sum(r * dist ** 2)
''', [N(234, 5, 3), N(235, 3, 3), 0.5])

case("soft_kmeans_free_energy", '''
from scipy.special import logsumexp
def f(X, C, beta=3.0):
    d = (X ** 2).sum(1)[:, None] - 2 * X @ C.T + (C ** 2).sum(1)[None, :]
    return -np.sum(logsumexp(-beta * d, axis=1)) / beta
''', [N(236, 6, 2), N(237, 3, 2), 3.0])

case("dec_student_t_target_kl", '''
def f(Z, mu, alpha=1.0):
    d = np.sum((Z[:, None, :] - mu[None, :, :]) ** 2, axis=2)
    q = 1.0 / (1.0 + d / alpha)
    q = q ** ((alpha + 1.0) / 2.0)
    q = q / np.sum(q, axis=1, keepdims=True)
    w = q ** 2 / q.sum(0)
    p = (w.T / w.sum(1)).T
    return np.sum(p * np.log(p / q))
''', [N(238, 6, 2), N(239, 3, 2), 1.0])

case("soft_kmeans_scipy_cdist", '''
from scipy.spatial.distance import cdist
def f(X, C, beta=1.5):
    D = cdist(X, C, 'sqeuclidean')
    R = np.exp(-beta * D)
    R /= R.sum(1, keepdims=True)
    return np.sum(R * D)
''', [N(240, 5, 2), N(241, 3, 2), 1.5])

case("gmm_responsibilities_log_likelihood", '''
def f(X, mu, log_var, log_pi):
    var = np.exp(log_var)
    ll = -0.5 * (np.sum((X[:, None, :] - mu[None]) ** 2, axis=2) / var[None, :] + X.shape[1] * np.log(2 * np.pi * var)[None, :])
    ll = ll + log_pi - np.log(np.sum(np.exp(log_pi)))
    m = ll.max(axis=1, keepdims=True)
    return -np.sum(m[:, 0] + np.log(np.exp(ll - m).sum(axis=1)))
''', [N(242, 6, 2), N(243, 3, 2), N(244, 3) * 0.3, N(245, 3) * 0.3])

case("soft_kmeans_loop_over_points", '''
def f(X, C, beta=2.0):
    total = 0.0
    for x in X:
        d = np.sum((C - x) ** 2, axis=1)
        w = np.exp(-beta * (d - d.min()))
        w = w / w.sum()
        total += np.dot(w, d)
    return total / len(X)
''', [N(246, 5, 2), N(247, 3, 2), 2.0])


# ---------------------------------------------------------------- Chamfer and Hausdorff distances


case("chamfer_broadcast_min_mean", '''
def f(x, y):
    d = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    return d.min(axis=1).mean() + d.min(axis=0).mean()
''', [N(250, 5, 3), N(251, 4, 3)])

case("chamfer_norm_distances", '''
def f(p, q):
    d = np.linalg.norm(p[:, np.newaxis] - q[np.newaxis], axis=-1)
    return np.mean(np.min(d, axis=1)) + np.mean(np.min(d, axis=0))
''', [N(252, 5, 2), N(253, 6, 2)])

case("chamfer_loop_over_points", '''
def f(x, y):
    total = 0.0
    for p in x:
        total += np.min(np.sum((y - p) ** 2, axis=1))
    for q in y:
        total += np.min(np.sum((x - q) ** 2, axis=1))
    return total
''', [N(254, 4, 3), N(255, 5, 3)])

case("chamfer_argmin_gather", '''
def f(x, y):
    d = np.sum((x[:, None] - y[None]) ** 2, axis=2)
    idx = d.argmin(axis=1)
    jdx = d.argmin(axis=0)
    return np.sum((x - y[idx]) ** 2) + np.sum((y - x[jdx]) ** 2)
''', [N(256, 5, 2), N(257, 4, 2)])

case("chamfer_scipy_cdist", '''
from scipy.spatial.distance import cdist
def f(x, y):
    D = cdist(x, y)
    return D.min(1).sum() + D.min(0).sum()
''', [N(258, 5, 3), N(259, 4, 3)])

case("soft_chamfer_smooth_min", '''
from scipy.special import logsumexp
def f(x, y, gamma=0.1):
    d = ((x[:, None] - y[None]) ** 2).sum(-1)
    a = -gamma * logsumexp(-d / gamma, axis=1)
    b = -gamma * logsumexp(-d / gamma, axis=0)
    return a.mean() + b.mean()
''', [N(260, 5, 2), N(261, 4, 2), 0.1])

case("hausdorff_max_of_mins", '''
def f(x, y):
    d = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2))
    return max(d.min(axis=1).max(), d.min(axis=0).max())
''', [N(262, 5, 2), N(263, 4, 2)])

case("chamfer_amin_keyword", '''
def f(src, dst):
    diff = src[:, None, :] - dst[None, :, :]
    dist = np.einsum('ijk,ijk->ij', diff, diff)
    return np.amin(dist, axis=1).sum() + np.amin(dist, axis=0).sum()
''', [N(264, 5, 3), N(265, 4, 3)])

case("chamfer_batched", '''
def f(P, Q):
    d = np.sum((P[:, :, None, :] - Q[:, None, :, :]) ** 2, axis=-1)
    return np.mean(d.min(axis=2)) + np.mean(d.min(axis=1))
''', [N(266, 2, 4, 3), N(267, 2, 5, 3)])

case("chamfer_weighted_by_density", '''
def f(x, y, alpha=1.0):
    d = ((x[:, None] - y[None]) ** 2).sum(-1)
    nn = d.min(axis=1)
    return np.mean(1 - np.exp(-alpha * nn)) + np.mean(1 - np.exp(-alpha * d.min(axis=0)))
''', [N(268, 5, 2), N(269, 4, 2), 1.0])

case("chamfer_expanded_square", '''
def f(x, y):
    xx = np.sum(x * x, axis=1, keepdims=True)
    yy = np.sum(y * y, axis=1, keepdims=True)
    d = xx - 2 * x @ y.T + yy.T
    return np.mean(np.min(d, 1)) + np.mean(np.min(d, 0))
''', [N(270, 5, 3), N(271, 4, 3)])


# ---------------------------------------------------------------- earth mover's distance in 1-D


case("w1_sorted_samples", '''
def f(x, y):
    return np.mean(np.abs(np.sort(x) - np.sort(y)))
''', [N(280, 6), N(281, 6) + 0.3])

case("w2_sorted_samples", '''
def f(x, y):
    xs = np.sort(x)
    ys = np.sort(y)
    return np.sqrt(np.mean((xs - ys) ** 2))
''', [N(282, 6), N(283, 6) + 0.3])

case("w1_scipy_style_cdfs", '''
def f(u, v):
    u_sorted = np.sort(u)
    v_sorted = np.sort(v)
    all_values = np.concatenate((u, v))
    all_values.sort(kind='mergesort')
    deltas = np.diff(all_values)
    u_cdf = np.searchsorted(u_sorted, all_values[:-1], 'right') / u.size
    v_cdf = np.searchsorted(v_sorted, all_values[:-1], 'right') / v.size
    return np.sum(np.multiply(np.abs(u_cdf - v_cdf), deltas))
''', [N(284, 5), N(285, 4) + 0.2])

case("emd_histograms_cumsum", '''
def f(p, q):
    p = p / p.sum()
    q = q / q.sum()
    return np.sum(np.abs(np.cumsum(p) - np.cumsum(q)))
''', [U(286, 6), U(287, 6)])

case("emd_histograms_bin_width", '''
def f(p, q, bins):
    cdf_p = np.cumsum(p) / np.sum(p)
    cdf_q = np.cumsum(q) / np.sum(q)
    return np.sum(np.abs(cdf_p - cdf_q)[:-1] * np.diff(bins))
''', [U(288, 5), U(289, 5), np.array([0.0, 0.5, 1.5, 2.0, 3.5])], wrt=(0, 1))

case("sliced_wasserstein_fixed_projections", '''
def f(X, Y, theta):
    theta = theta / np.linalg.norm(theta, axis=1, keepdims=True)
    px = np.sort(X @ theta.T, axis=0)
    py = np.sort(Y @ theta.T, axis=0)
    return np.mean((px - py) ** 2)
''', [N(290, 6, 2), N(291, 6, 2) + 0.5, N(292, 3, 2)], wrt=(0, 1))

case("ordinal_emd_softmax_cdf", '''
def f(logits, target):
    p = np.exp(logits - logits.max())
    p = p / p.sum()
    return np.sum((np.cumsum(p) - np.cumsum(target)) ** 2)
''', [N(293, 5), np.array([0.0, 0.0, 1.0, 0.0, 0.0])], wrt=(0,))

case("wasserstein_scipy_call", '''
from scipy.stats import wasserstein_distance
def f(u, v):
    return wasserstein_distance(u, v)
''', [N(294, 5), N(295, 5) + 0.2], refused='wasserstein_distance is not supported')

case("w1_argsort_gather", '''
def f(x, y):
    ix = np.argsort(x)
    iy = np.argsort(y)
    return np.sum(np.abs(x[ix] - y[iy])) / len(x)
''', [N(296, 6), N(297, 6) + 0.1])

case("cramer_distance_cdf_squared", '''
def f(p, q, dx=0.5):
    return np.sqrt(np.sum((np.cumsum(p) - np.cumsum(q)) ** 2) * dx)
''', [prob(298, 6), prob(299, 6), 0.5])

case("w1_weighted_samples_sorted", '''
def f(x, w):
    order = np.argsort(x)
    xs = x[order]
    ws = w[order] / w.sum()
    cdf = np.cumsum(ws)[:-1]
    return np.sum(np.abs(cdf - np.linspace(0, 1, len(x) + 1)[1:-1]) * np.diff(xs))
''', [N(300, 6), U(301, 6)])

case("sorted_loop_pairs_w1", '''
def f(x, y):
    total = 0.0
    for a, b in zip(sorted(x), sorted(y)):
        total += abs(a - b)
    return total / len(x)
''', [N(302, 5), N(303, 5) + 0.2])

case("quantile_loss_sorted", '''
def f(x, y):
    n = len(x)
    q = (np.arange(n) + 0.5) / n
    xs = np.sort(x)
    ys = np.sort(y)
    d = ys - xs
    return np.mean(np.maximum(q * d, (q - 1) * d))
''', [N(304, 6), N(305, 6)])


# ---------------------------------------------------------------- contrastive losses


case("infonce_arange_labels", '''
def f(q, k, t=0.1):
    logits = q @ k.T / t
    logits = logits - logits.max(axis=1, keepdims=True)
    log_prob = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = q.shape[0]
    return -np.mean(log_prob[np.arange(n), np.arange(n)])
''', [N(310, 4, 3), N(311, 4, 3), 0.5])

case("infonce_queue_positive_first", '''
def f(q, k, queue, T=0.2):
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    k = k / np.linalg.norm(k, axis=1, keepdims=True)
    l_pos = np.sum(q * k, axis=1, keepdims=True)
    l_neg = q @ queue.T
    logits = np.concatenate([l_pos, l_neg], axis=1) / T
    m = logits.max(1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(1))
    return np.mean(lse - logits[:, 0])
''', [N(312, 3, 4), N(313, 3, 4), N(314, 5, 4), 0.2])

case("ntxent_fill_diagonal", '''
def f(a, b, t=0.5):
    z = np.concatenate([a, b], axis=0)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T / t
    np.fill_diagonal(sim, -np.inf)
    n = a.shape[0]
    pos = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    lse = np.log(np.sum(np.exp(sim), axis=1))
    return np.mean(lse - sim[np.arange(2 * n), pos])
''', [N(315, 3, 4), N(316, 3, 4), 0.5])

case("ntxent_boolean_eye_mask", '''
def f(a, b, t=0.5):
    z = np.vstack([a, b])
    z /= np.linalg.norm(z, axis=-1, keepdims=True)
    sim = z @ z.T / t
    N2 = len(z)
    mask = ~np.eye(N2, dtype=bool)
    exp_sim = np.exp(sim) * mask
    n = N2 // 2
    pos = np.exp(np.concatenate([np.diag(sim, n), np.diag(sim, -n)]))
    return -np.mean(np.log(pos / exp_sim.sum(axis=1)))
''', [N(317, 3, 4), N(318, 3, 4), 0.5])

case("ntxent_large_negative_on_diagonal", '''
def f(a, b, t=0.2):
    z = np.concatenate([a, b])
    z = z / np.sqrt(np.sum(z ** 2, axis=1, keepdims=True))
    sim = z @ z.T / t
    sim[np.eye(len(z), dtype=bool)] = -1e9
    n = len(a)
    labels = np.r_[np.arange(n) + n, np.arange(n)]
    sim = sim - sim.max(axis=1, keepdims=True)
    logp = sim - np.log(np.exp(sim).sum(axis=1, keepdims=True))
    return -logp[np.arange(2 * n), labels].mean()
''', [N(319, 3, 4), N(320, 3, 4), 0.2])

case("ntxent_loop_over_anchors", '''
def f(a, b, tau=0.5):
    z = np.concatenate([a, b])
    z = z / np.linalg.norm(z, axis=1)[:, None]
    n2 = z.shape[0]
    n = n2 // 2
    loss = 0.0
    for i in range(n2):
        j = (i + n) % n2
        num = np.exp(z[i] @ z[j] / tau)
        den = 0.0
        for k in range(n2):
            if k != i:
                den += np.exp(z[i] @ z[k] / tau)
        loss += -np.log(num / den)
    return loss / n2
''', [N(321, 2, 3), N(322, 2, 3), 0.5], plain_refused="'den' has shape")

case("triplet_margin_euclidean", '''
def f(a, p, n, margin=1.0):
    dp = np.linalg.norm(a - p, axis=1)
    dn = np.linalg.norm(a - n, axis=1)
    return np.mean(np.maximum(dp - dn + margin, 0))
''', [N(323, 5, 3), N(324, 5, 3), N(325, 5, 3), 1.0])

case("triplet_soft_margin_squared", '''
def f(a, p, n):
    dp = np.sum((a - p) ** 2, axis=1)
    dn = np.sum((a - n) ** 2, axis=1)
    return np.mean(np.log1p(np.exp(dp - dn)))
''', [N(326, 5, 3), N(327, 5, 3), N(328, 5, 3)])

case("triplet_cosine_distance", '''
def cos_dist(u, v):
    return 1 - np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))

def f(a, p, n, margin=0.3):
    return np.maximum(0, cos_dist(a, p) - cos_dist(a, n) + margin).sum()
''', [N(329, 5, 3), N(330, 5, 3), N(331, 5, 3), 0.3])

case("batch_all_triplet_3d", '''
def f(emb, labels, margin=0.5):
    dot = emb @ emb.T
    sq = np.diag(dot)
    d = np.maximum(sq[:, None] - 2 * dot + sq[None, :], 0.0)
    loss = d[:, :, None] - d[:, None, :] + margin
    same = labels[:, None] == labels[None, :]
    neq = ~np.eye(len(labels), dtype=bool)
    mask = (same & neq)[:, :, None] & (~same)[:, None, :]
    loss = np.maximum(loss * mask, 0.0)
    num_pos = np.sum(loss > 1e-16)
    return loss.sum() / (num_pos + 1e-16)
''', [N(332, 6, 2), np.array([0, 1, 0, 1, 2, 2]), 0.5])

case("clip_symmetric_cross_entropy", '''
def f(img, txt, logit_scale=2.0):
    img = img / np.linalg.norm(img, axis=1, keepdims=True)
    txt = txt / np.linalg.norm(txt, axis=1, keepdims=True)
    logits = np.exp(logit_scale) * img @ txt.T
    n = len(logits)
    labels = np.arange(n)
    def ce(l):
        l = l - l.max(axis=1, keepdims=True)
        return -np.mean(l[labels, labels] - np.log(np.exp(l).sum(axis=1)))
    return (ce(logits) + ce(logits.T)) / 2
''', [N(333, 4, 3), N(334, 4, 3), 1.0])

case("clip_scipy_log_softmax", '''
from scipy.special import log_softmax
def f(I, T, t=0.07):
    I_e = I / np.linalg.norm(I, axis=1, keepdims=True)
    T_e = T / np.linalg.norm(T, axis=1, keepdims=True)
    logits = I_e @ T_e.T * np.exp(t)
    loss_i = -np.diag(log_softmax(logits, axis=1)).mean()
    loss_t = -np.diag(log_softmax(logits, axis=0)).mean()
    return (loss_i + loss_t) / 2
''', [N(335, 4, 3), N(336, 4, 3), 0.5])

case("clip_with_projections", '''
def f(I_f, T_f, W_i, W_t, t=1.0):
    I_e = I_f @ W_i
    T_e = T_f @ W_t
    I_e = I_e / np.linalg.norm(I_e, axis=1, keepdims=True)
    T_e = T_e / np.linalg.norm(T_e, axis=1, keepdims=True)
    logits = np.dot(I_e, T_e.T) * np.exp(t)
    n = logits.shape[0]
    lp_i = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    lp_t = logits.T - np.log(np.sum(np.exp(logits.T), axis=1, keepdims=True))
    return -(np.trace(lp_i) + np.trace(lp_t)) / (2 * n)
''', [N(337, 4, 5), N(338, 4, 6), N(339, 5, 3), N(340, 6, 3), 1.0])

case("siglip_pairwise_sigmoid", '''
def f(img, txt, t=1.0, b=-1.0):
    zimg = img / np.linalg.norm(img, axis=1, keepdims=True)
    ztxt = txt / np.linalg.norm(txt, axis=1, keepdims=True)
    logits = zimg @ ztxt.T * t + b
    n = len(img)
    labels = 2 * np.eye(n) - np.ones(n)
    return -np.sum(np.log(1 / (1 + np.exp(-labels * logits)))) / n
''', [N(341, 4, 3), N(342, 4, 3), 1.0, -1.0])

case("contrastive_hadsell_pairs", '''
def f(x1, x2, y, margin=1.0):
    d = np.sqrt(np.sum((x1 - x2) ** 2, axis=1))
    return np.mean(y * d ** 2 + (1 - y) * np.maximum(margin - d, 0) ** 2) / 2
''', [N(343, 6, 2), N(344, 6, 2), np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0]), 1.5], wrt=(0, 1, 3))

case("npair_loss", '''
def f(anchors, positives):
    logits = anchors @ positives.T
    diag = np.diag(logits)
    return np.mean(np.log(1 + np.sum(np.exp(logits - diag[:, None]), axis=1) - 1))
''', [N(345, 4, 3), N(346, 4, 3)])

case("lifted_structured_loss", '''
def f(x, labels, margin=1.0):
    n = len(x)
    D = np.sqrt(np.maximum(np.sum((x[:, None] - x[None]) ** 2, axis=-1), 1e-12))
    loss = 0.0
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if labels[i] != labels[j]:
                continue
            neg_i = np.exp(margin - D[i][labels != labels[i]]).sum()
            neg_j = np.exp(margin - D[j][labels != labels[j]]).sum()
            J = np.log(neg_i + neg_j) + D[i, j]
            loss += max(J, 0) ** 2
            count += 1
    return loss / (2 * count)
''', [N(347, 6, 2), np.array([0, 0, 1, 1, 2, 2]), 1.0], plain_refused='too many indices')

case("infonce_take_along_axis_labels", '''
def f(logits_src, labels, t=0.5):
    logits = logits_src / t
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.take_along_axis(logp, labels[:, None], axis=1).mean()
''', [N(348, 4, 5), np.array([0, 3, 1, 4]), 0.5])

case("supervised_contrastive", '''
def f(z, y, t=0.5):
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    s = z @ z.T / t
    n = len(y)
    self_mask = np.eye(n, dtype=bool)
    pos = (y[:, None] == y[None, :]) & ~self_mask
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s) * ~self_mask
    logp = s - np.log(e.sum(axis=1, keepdims=True))
    return -np.mean((logp * pos).sum(1) / pos.sum(1))
''', [N(349, 6, 3), np.array([0, 1, 0, 1, 2, 2]), 0.5])

case("decoupled_contrastive", '''
def f(a, b, t=0.3):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    s = a @ b.T / t
    n = len(a)
    pos = np.diag(s)
    neg = np.exp(s) * (1 - np.eye(n))
    return np.mean(-pos + np.log(neg.sum(axis=1)))
''', [N(350, 4, 3), N(351, 4, 3), 0.3])

case("alignment_uniformity", '''
def f(x, y, t=2.0):
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = y / np.linalg.norm(y, axis=1, keepdims=True)
    align = np.mean(np.linalg.norm(x - y, axis=1) ** 2)
    i, j = np.triu_indices(len(x), k=1)
    sq = np.sum((x[i] - x[j]) ** 2, axis=1)
    uniform = np.log(np.mean(np.exp(-t * sq)))
    return align + uniform
''', [N(352, 5, 3), N(353, 5, 3), 2.0])

case("margin_ranking_loss", '''
def f(x1, x2, y, margin=0.1):
    return np.mean(np.maximum(0, -y * (x1 - x2) + margin))
''', [N(354, 8), N(355, 8), np.array([1.0, -1, 1, 1, -1, -1, 1, -1]), 0.1], wrt=(0, 1, 3))

case("vsepp_max_violation", '''
def f(im, s, margin=0.2):
    scores = im @ s.T
    diag = np.diag(scores)
    cost_s = np.maximum(0, margin + scores - diag[:, None])
    cost_im = np.maximum(0, margin + scores - diag[None, :])
    I = np.eye(len(im)) > 0.5
    cost_s[I] = 0
    cost_im[I] = 0
    return cost_s.max(axis=1).sum() + cost_im.max(axis=0).sum()
''', [N(356, 4, 3), N(357, 4, 3), 0.2])

case("circle_loss", '''
def f(sp, sn, m=0.25, gamma=4.0):
    ap = np.maximum(-sp + 1 + m, 0)
    an = np.maximum(sn + m, 0)
    logit_p = -ap * (sp - (1 - m)) * gamma
    logit_n = an * (sn - m) * gamma
    return np.log1p(np.sum(np.exp(logit_n)) * np.sum(np.exp(logit_p)))
''', [U(358, 4, lo=0.3, hi=0.95), U(359, 5, lo=-0.5, hi=0.5), 0.25, 4.0])

case("protonce_prototypes", '''
def f(v, protos, assign, phi=0.5):
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    c = protos / np.linalg.norm(protos, axis=1, keepdims=True)
    logits = v @ c.T / phi
    logits -= logits.max(1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    return -logp[np.arange(len(v)), assign].mean()
''', [N(360, 5, 3), N(361, 3, 3), np.array([0, 2, 1, 1, 0]), 0.5])

case("triplet_hard_mining_masks", '''
def f(emb, labels, margin=0.3):
    d = np.sqrt(np.sum((emb[:, None, :] - emb[None, :, :]) ** 2, axis=-1) + 1e-12)
    same = labels[:, None] == labels[None, :]
    hardest_pos = np.max(d * same, axis=1)
    max_d = d.max(axis=1, keepdims=True)
    hardest_neg = np.min(d + max_d * same, axis=1)
    return np.mean(np.maximum(hardest_pos - hardest_neg + margin, 0.0))
''', [N(362, 6, 2), np.array([0, 1, 0, 1, 2, 2]), 0.3])

case("infonce_scalar_loop_cross_entropy", '''
def f(q, k, t=0.5):
    loss = 0.0
    for i in range(len(q)):
        logits = k @ q[i] / t
        m = logits.max()
        loss -= logits[i] - m - np.log(np.sum(np.exp(logits - m)))
    return loss / len(q)
''', [N(363, 4, 3), N(364, 4, 3), 0.5])

case("moco_queue_helper_softmax_ce", '''
def softmax_ce(logits, target):
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return -np.log(p[np.arange(len(target)), target]).mean()

def f(q, k, queue, T=0.07):
    l_pos = np.einsum('nc,nc->n', q, k)[:, None]
    l_neg = np.einsum('nc,kc->nk', q, queue)
    logits = np.hstack([l_pos, l_neg]) / T
    return softmax_ce(logits, np.zeros(len(q), dtype=int))
''', [N(365, 3, 4) * 0.3, N(366, 3, 4) * 0.3, N(367, 5, 4) * 0.3, 0.5])


# ---------------------------------------------------------------- more spellings


case("sinkhorn_subtract_outer_cost", '''
def f(x, y, reg=0.2):
    C = np.subtract.outer(x, y) ** 2
    K = np.exp(-C / reg)
    a = np.ones(len(x)) / len(x)
    b = np.ones(len(y)) / len(y)
    v = np.ones(len(y))
    for _ in range(30):
        u = a / K.dot(v)
        v = b / K.T.dot(u)
    return np.sum(u.reshape((-1, 1)) * K * v.reshape((1, -1)) * C)
''', [N(400, 4), N(401, 3), 0.2])

case("sinkhorn_pot_style_while_err", '''
def f(a, b, M, reg=0.5, numItermax=100, stopThr=1e-13):
    u = np.ones(len(a)) / len(a)
    v = np.ones(len(b)) / len(b)
    K = np.exp(M / (-reg))
    Kp = (1 / a).reshape(-1, 1) * K
    err = 1
    cpt = 0
    while err > stopThr and cpt < numItermax:
        uprev = u
        vprev = v
        KtransposeU = np.dot(K.T, u)
        v = np.divide(b, KtransposeU)
        u = 1. / np.dot(Kp, v)
        if cpt % 10 == 0:
            tmp2 = np.einsum('i,ij,j->j', u, K, v)
            err = np.linalg.norm(tmp2 - b)
        cpt = cpt + 1
    return np.sum(u.reshape((-1, 1)) * K * v.reshape((1, -1)) * M)
''', [prob(402, 3), prob(403, 4), U(404, 3, 4)], wrt=(0, 1, 2))

case("logsinkhorn_logsumexp_weights_b", '''
from scipy.special import logsumexp
def f(C, a, b, eps=0.5):
    g = np.zeros(len(b))
    for _ in range(20):
        fp = -eps * logsumexp((g[None, :] - C) / eps, axis=1, b=b[None, :])
        g = -eps * logsumexp((fp[:, None] - C) / eps, axis=0, b=a[:, None])
    return np.dot(a, fp) + np.dot(b, g)
''', [U(405, 3, 4), prob(406, 3), prob(407, 4)])

case("sinkhorn_row_vector_times_matrix", '''
def f(C, a, b):
    K = np.exp(-C / 0.5)
    u = np.ones_like(a)
    for _ in range(25):
        v = b / (u @ K)
        u = a / (K @ v)
    return np.sum(np.diag(u) @ K @ np.diag(v) * C)
''', [U(408, 3, 3), prob(409, 3), prob(410, 3)])

case("sinkhorn_grid_histograms_meshgrid", '''
def f(p, q, eps=0.05):
    xs = np.linspace(0, 1, len(p))
    X, Y = np.meshgrid(xs, xs, indexing='ij')
    C = (X - Y) ** 2
    K = np.exp(-C / eps)
    v = np.ones_like(q)
    for _ in range(40):
        u = p / (K @ v)
        v = q / (K.T @ u)
    return np.sum(u[:, None] * K * v[None, :] * C)
''', [prob(411, 5), prob(412, 5), 0.05])

case("sinkhorn_l1_marginal_norm", '''
def f(C, a, b):
    K = np.exp(-C / 0.5)
    v = np.ones_like(b)
    for _ in range(3):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.linalg.norm(P.sum(1) - a, 1) + np.linalg.norm(P.sum(0) - b, ord=2)
''', [U(413, 3, 3), prob(414, 3), prob(415, 3)])

case("soft_sorting_network_odd_even", '''
def f(x, tau=0.3):
    x = x.copy()
    n = len(x)
    for layer in range(n):
        for i in range(layer % 2, n - 1, 2):
            a, b = x[i], x[i + 1]
            s = 1 / (1 + np.exp(-(b - a) / tau))
            x[i], x[i + 1] = s * a + (1 - s) * b, s * b + (1 - s) * a
    return np.sum(x * np.arange(n))
''', [N(416, 5), 0.3])

case("soft_argmax_1d", '''
def f(x, beta=5.0):
    e = np.exp(beta * (x - x.max()))
    return np.sum(e / e.sum() * np.arange(len(x)))
''', [N(417, 6), 5.0])

case("spatial_soft_argmax_meshgrid", '''
def f(H, beta=2.0):
    h, w = H.shape
    ys, xs = np.meshgrid(np.arange(h), np.arange(w), indexing='ij')
    p = np.exp(beta * (H - H.max()))
    p = p / p.sum()
    return np.sum(p * xs) ** 2 + np.sum(p * ys)
''', [N(418, 3, 4), 2.0])

case("hard_top_k_sum_sorted_slice", '''
def f(x, k=3):
    return np.sum(np.sort(x)[-k:]) - np.mean(np.sort(x)[:k])
''', [N(419, 7), 3])

case("top_k_argpartition", '''
def f(x, k=2):
    idx = np.argpartition(-x, k)[:k]
    return np.sum(x[idx] ** 2)
''', [N(420, 6), 2])

case("energy_distance_samples", '''
def f(x, y):
    dxy = np.abs(x[:, None] - y[None, :]).mean()
    dxx = np.abs(x[:, None] - x[None, :]).mean()
    dyy = np.abs(y[:, None] - y[None, :]).mean()
    return 2 * dxy - dxx - dyy
''', [N(421, 5), N(422, 4) + 0.3])

case("mmd_gaussian_kernel", '''
def f(X, Y, sigma=1.0):
    def k(A, B):
        d = ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)
        return np.exp(-d / (2 * sigma ** 2))
    return k(X, X).mean() + k(Y, Y).mean() - 2 * k(X, Y).mean()
''', [N(423, 4, 2), N(424, 5, 2), 1.0])

case("w1_quantile_functions_interp", '''
def f(x, y):
    qs = np.linspace(0.05, 0.95, 10)
    xs = np.sort(x)
    ys = np.sort(y)
    px = (np.arange(len(x)) + 0.5) / len(x)
    py = (np.arange(len(y)) + 0.5) / len(y)
    return np.mean(np.abs(np.interp(qs, px, xs) - np.interp(qs, py, ys)))
''', [N(425, 6), N(426, 5) + 0.2])

case("median_bandwidth_soft_assign", '''
def f(X, C):
    d = ((X[:, None] - C[None]) ** 2).sum(-1)
    sigma = np.median(d)
    R = np.exp(-d / sigma)
    R = R / R.sum(1, keepdims=True)
    return np.sum(R * d)
''', [N(427, 5, 2), N(428, 3, 2)])

case("hard_kmeans_masks_centers", '''
def f(X, C):
    for _ in range(3):
        d = ((X[:, None] - C[None]) ** 2).sum(-1)
        labels = d.argmin(axis=1)
        C = np.array([X[labels == k].mean(axis=0) if np.any(labels == k) else C[k] for k in range(len(C))])
    return np.sum((X - C[labels]) ** 2)
''', [N(429, 8, 2), N(430, 3, 2)], plain_refused='conditional expression')

case("gumbel_hard_eye_index", '''
def f(logits, g, tau=0.5):
    y = np.exp((logits + g) / tau)
    y = y / y.sum(-1, keepdims=True)
    y_hard = np.eye(logits.shape[-1])[np.argmax(y, axis=-1)]
    return np.sum((y_hard - y + y) * logits) + np.sum(y * np.arange(logits.shape[-1]))
''', [N(431, 3, 4), N(432, 3, 4), 0.5], wrt=(0, 2))

case("ntxent_roll_positives", '''
def f(a, b, t=0.5):
    z = np.concatenate([a, b])
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    n = len(a)
    pos = np.sum(z * np.roll(z, n, axis=0), axis=1) / t
    sim = z @ z.T / t
    sim = sim - 1e9 * np.eye(2 * n)
    return np.mean(np.log(np.exp(sim).sum(1)) - pos)
''', [N(433, 3, 4), N(434, 3, 4), 0.5])

case("infonce_scipy_logsumexp_labels", '''
from scipy.special import logsumexp
def f(q, k, labels, t=0.1):
    logits = np.einsum('id,jd->ij', q, k) / t
    return np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(q)), labels])
''', [N(435, 4, 3), N(436, 5, 3), np.array([0, 2, 4, 1]), 0.5])

case("triplet_clip_none_margin", '''
def f(a, p, n, margin=0.2):
    ap = np.sum(np.square(a - p), axis=-1)
    an = np.sum(np.square(a - n), axis=-1)
    return np.clip(ap - an + margin, 0, None).mean()
''', [N(437, 5, 3), N(438, 5, 3), N(439, 5, 3), 0.2])

case("triplet_where_positive_part", '''
def f(a, p, n, margin=0.5):
    m = np.linalg.norm(a - p, axis=1) - np.linalg.norm(a - n, axis=1) + margin
    return np.sum(np.where(m > 0, m, 0.0)) / len(a)
''', [N(440, 5, 3), N(441, 5, 3), N(442, 5, 3), 0.5])

case("smooth_max_python_list", '''
def f(xs, t=0.5):
    m = max(xs)
    return m + t * math.log(sum(math.exp((x - m) / t) for x in xs))
''', [[0.3, -0.5, 1.1, 0.2], 0.5], wrt=(0, 1))

case("soft_nearest_neighbor_loss", '''
def f(x, y, T=1.0):
    d = np.sum((x[:, None] - x[None]) ** 2, axis=-1)
    e = np.exp(-d / T) * (1 - np.eye(len(x)))
    same = (y[:, None] == y[None, :]).astype(float)
    return -np.mean(np.log((e * same).sum(1) / e.sum(1)))
''', [N(443, 6, 2), np.array([0, 1, 0, 1, 2, 2]), 1.0])

case("knn_soft_vote_take_along_axis", '''
def f(q, keys, vals, tau=0.5, k=3):
    d = ((q[:, None] - keys[None]) ** 2).sum(-1)
    idx = np.argsort(d, axis=1)[:, :k]
    dk = np.take_along_axis(d, idx, axis=1)
    w = np.exp(-dk / tau)
    w = w / w.sum(1, keepdims=True)
    return np.sum(w * vals[idx])
''', [N(444, 3, 2), N(445, 6, 2), N(446, 6), 0.5, 3], wrt=(0, 1, 2, 3), plain_refused="'w' has shape")

case("np_histogram_counts_weights", '''
def f(x, w):
    counts, edges = np.histogram(x, bins=5, range=(-3, 3), weights=w)
    return np.sum(counts ** 2)
''', [N(447, 10), U(448, 10)], wrt=(1,), refused='np.histogram has no derivative rule')

case("rankdata_spearman", '''
from scipy.stats import rankdata
def f(x, y):
    r = rankdata(x)
    return np.sum((r - r.mean()) * y)
''', [N(449, 6), N(450, 6)], refused='rankdata is not supported')

case("soft_dtw_batch_loop", '''
def sdtw(D, gamma):
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            z = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
            zmin = z.min()
            R[i, j] = D[i - 1, j - 1] + zmin - gamma * np.log(np.exp(-(z - zmin) / gamma).sum())
    return R[n, m]

def f(X, Y, gamma=0.5):
    total = 0.0
    for b in range(X.shape[0]):
        D = ((X[b][:, None, :] - Y[b][None, :, :]) ** 2).sum(-1)
        total += sdtw(D, gamma)
    return total / X.shape[0]
''', [N(451, 2, 3, 2), N(452, 2, 3, 2), 0.5])

case("softdtw_recursive_memo", '''
from functools import lru_cache
def f(x, y, gamma=1.0):
    @lru_cache(maxsize=None)
    def R(i, j):
        if i == 0 and j == 0:
            return 0.0
        if i == 0 or j == 0:
            return float('inf')
        z = np.array([R(i - 1, j - 1), R(i - 1, j), R(i, j - 1)])
        zmin = z.min()
        return (x[i - 1] - y[j - 1]) ** 2 + zmin - gamma * np.log(np.sum(np.exp(-(z - zmin) / gamma)))
    return R(len(x), len(y))
''', [N(453, 3), N(454, 3), 1.0], refused='recursion is not supported')

case("entmax_alpha_bisection_scipy_style", '''
def f(z, w, n_iter=30):
    zmax = z.max()
    lo = zmax - 1.0
    hi = zmax
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        p = np.maximum(z - mid, 0) ** 2
        lo = np.where(p.sum() >= 1, mid, lo)
        hi = np.where(p.sum() >= 1, hi, mid)
    p = np.maximum(z - lo, 0) ** 2
    return np.sum(p / p.sum() * w)
''', [N(455, 5), N(456, 5)], refused='bisection or bracketing search')

case("fenchel_young_sparsemax_loss", '''
def f(theta, y):
    zs = np.sort(theta)[::-1]
    cs = np.cumsum(zs)
    k = np.arange(1, len(theta) + 1)
    kz = np.sum(zs - (cs - 1) / k > 0)
    tau = (cs[kz - 1] - 1) / kz
    p = np.maximum(theta - tau, 0)
    omega = 0.5 * np.sum(p ** 2) - 0.5
    return np.dot(theta, p) - omega - np.dot(theta, y) + 0.5 * np.sum(y ** 2) - 0.5
''', [N(457, 6), np.array([0.0, 1.0, 0.0, 0.0, 0.0, 0.0])], wrt=(0,))

case("csoftmax_temperature_annealing", '''
def f(x, w):
    out = 0.0
    for tau in np.linspace(1.0, 0.2, 4):
        e = np.exp((x - x.max()) / tau)
        out = out + np.dot(e / e.sum(), w)
    return out
''', [N(458, 5), N(459, 5)])

case("sinkhorn_plan_as_output_array", '''
def f(C, a, b):
    K = np.exp(-C / 0.5)
    v = np.ones(len(b))
    for _ in range(20):
        u = a / (K @ v)
        v = b / (K.T @ u)
    return u[:, None] * K * v[None, :]
''', [U(460, 3, 3), prob(461, 3), prob(462, 3)])

case("chamfer_partition_smallest", '''
def f(x, y):
    d = ((x[:, None] - y[None]) ** 2).sum(-1)
    return np.partition(d, 0, axis=1)[:, 0].sum() + np.sort(d, axis=0)[0].sum()
''', [N(463, 5, 2), N(464, 4, 2)])

case("hungarian_matching_scipy", '''
from scipy.optimize import linear_sum_assignment
def f(x, y):
    C = ((x[:, None] - y[None]) ** 2).sum(-1)
    r, c = linear_sum_assignment(C)
    return C[r, c].sum()
''', [N(465, 4, 2), N(466, 4, 2)], refused='linear_sum_assignment has no derivative rule')

case("clip_loss_with_bias_and_scale_params", '''
def f(img, txt, log_t, b):
    img = img / np.linalg.norm(img, axis=-1, keepdims=True)
    txt = txt / np.linalg.norm(txt, axis=-1, keepdims=True)
    logits = img @ txt.T * np.exp(log_t) + b
    n = logits.shape[0]
    labels = np.eye(n) * 2 - 1
    return -np.mean(np.log(1 / (1 + np.exp(-labels * logits))))
''', [N(467, 4, 3), N(468, 4, 3), 0.5, -1.0])


# ---------------------------------------------------------------- infinities and zeros written on purpose


case("logsinkhorn_zero_mass_marginal", '''
from scipy.special import logsumexp
def f(C, eps=0.5):
    a = np.array([0.5, 0.5, 0.0])
    b = np.array([0.25, 0.25, 0.5])
    fp = np.zeros(3)
    g = np.zeros(3)
    with np.errstate(divide='ignore'):
        la, lb = np.log(a), np.log(b)
    for _ in range(20):
        fp = eps * la - eps * logsumexp((g[None, :] - C) / eps, axis=1)
        g = eps * lb - eps * logsumexp((fp[:, None] - C) / eps, axis=0)
    P = np.exp((fp[:, None] + g[None, :] - C) / eps)
    return np.sum(P * C)
''', [U(500, 3, 3), 0.5])

case("sinkhorn_forbidden_couplings_inf_cost", '''
def f(C, a, b, eps=0.5):
    mask = np.array([[True, True, False], [True, True, True], [False, True, True]])
    C = np.where(mask, C, np.inf)
    K = np.exp(-C / eps)
    v = np.ones(len(b))
    for _ in range(30):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(np.where(mask, P * C, 0.0))
''', [U(501, 3, 3), prob(502, 3), prob(503, 3), 0.5])

case("masked_softmax_minus_inf_where", '''
def f(logits, mask, w):
    z = np.where(mask, logits, -np.inf)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return np.sum(p * w)
''', [N(504, 3, 4), np.array([[True, False, True, True], [True, True, False, False], [False, True, True, True]]),
      N(505, 3, 4)])

case("sparsemax_output_entropy_guarded", '''
def f(z):
    zs = np.sort(z)[::-1]
    k = np.arange(1, len(z) + 1)
    cs = np.cumsum(zs)
    kz = np.sum(1 + k * zs > cs)
    tau = (cs[kz - 1] - 1) / kz
    p = np.maximum(z - tau, 0)
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0))
''', [N(506, 6)])

case("sparsemax_output_entropy_xlogy", '''
from scipy.special import xlogy
def f(z):
    zs = -np.sort(-z)
    cs = np.cumsum(zs)
    k = np.arange(1, len(z) + 1)
    kz = k[1 + k * zs > cs][-1]
    p = np.maximum(z - (cs[kz - 1] - 1) / kz, 0)
    return -np.sum(xlogy(p, p))
''', [N(507, 6)])

case("sparsemax_output_entropy_entr", '''
from scipy.special import entr
def f(z, w):
    zs = np.sort(z)[::-1]
    cs = np.cumsum(zs)
    k = np.arange(1, len(z) + 1)
    kz = np.sum(1 + k * zs > cs)
    p = np.maximum(z - (cs[kz - 1] - 1) / kz, 0)
    return np.sum(entr(p)) + np.dot(p, w)
''', [N(517, 6), N(518, 6)])

case("sparsemax_output_p_log_p", '''
def f(z):
    zs = np.sort(z)[::-1]
    cs = np.cumsum(zs)
    k = np.arange(1, len(z) + 1)
    kz = np.sum(1 + k * zs > cs)
    p = np.clip(z - (cs[kz - 1] - 1) / kz, 0, None)
    return np.sum(p ** 2 * np.log(p + 1e-12)) + np.sum(np.sqrt(p))
''', [N(519, 6)])

case("kernel_helper_of_inf_diagonal", '''
def kernel(d, beta):
    return np.exp(-beta * d)

def f(x, beta=2.0):
    d = np.sum((x[:, None] - x[None]) ** 2, -1)
    np.fill_diagonal(d, np.inf)
    return np.sum(kernel(d, beta))
''', [N(700, 4, 2), 2.0])

case("log_space_max_plus_helper_minus_inf", '''
def lse(v, t):
    m = np.max(v)
    return m + t * np.log(np.sum(np.exp((v - m) / t)))

def f(S, t=0.5):
    n, m = S.shape
    V = np.full((n + 1, m + 1), -np.inf)
    V[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            V[i, j] = S[i - 1, j - 1] + lse(np.array([V[i - 1, j - 1], V[i - 1, j], V[i, j - 1]]), t)
    return V[n, m]
''', [N(701, 3, 3), 0.5])

case("constant_weights_with_an_infinite_entry", '''
def f(x, t=0.5):
    with np.errstate(divide='ignore'):
        w = 1.0 / np.array([1.0, 0.0, 2.0])
    return np.sum(np.exp(-w * x / t))
''', [U(703, 3), 0.5])

case("nearest_other_point_fill_diagonal_inf", '''
def f(x, h=0.5):
    d = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    np.fill_diagonal(d, np.inf)
    nn = d.min(axis=1)
    return np.sum(np.exp(-nn / h))
''', [N(508, 5, 2), 0.5])

case("repulsion_exp_with_inf_diagonal", '''
def f(x, h=0.5):
    d = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
    d[np.diag_indices(len(x))] = np.inf
    return np.sum(np.exp(-d / h)) + np.log(np.sum(np.exp(-d.min(axis=1) / h)))
''', [N(509, 5, 2), 0.5])

case("batch_hard_where_inf", '''
def f(emb, labels, margin=0.2):
    d = np.sqrt(np.sum((emb[:, None] - emb[None]) ** 2, -1) + 1e-9)
    same = labels[:, None] == labels[None, :]
    eye = np.eye(len(labels), dtype=bool)
    hp = np.max(np.where(same & ~eye, d, -np.inf), axis=1)
    hn = np.min(np.where(same, np.inf, d), axis=1)
    return np.mean(np.maximum(hp - hn + margin, 0))
''', [N(510, 6, 2), np.array([0, 1, 0, 1, 2, 2]), 0.2])

case("infonce_boolean_mask_write_minus_inf", '''
from scipy.special import logsumexp
def f(z, t=0.5):
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    n = len(z) // 2
    sim = z @ z.T / t
    sim[np.eye(2 * n, dtype=bool)] = -np.inf
    pos = np.r_[np.arange(n, 2 * n), np.arange(n)]
    return np.mean(logsumexp(sim, axis=1) - sim[np.arange(2 * n), pos])
''', [N(511, 6, 3), 0.5])

case("masked_softmax_helper_fill_default_minus_inf", '''
def masked_softmax(z, mask, fill=-np.inf):
    z = np.where(mask, z, fill)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)

def f(z, mask, w, t=0.5):
    return np.sum(masked_softmax(z / t, mask) * w)
''', [N(710, 3, 4), np.array([[1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]], dtype=bool), N(711, 3, 4), 0.5])

case("masked_logsumexp_fill_default_float_minus_inf", '''
from scipy.special import logsumexp
def f(s, valid, t=0.3, fill=float('-inf')):
    s = np.where(valid, s / t, fill)
    return t * np.sum(logsumexp(s, axis=1))
''', [N(712, 3, 4), np.array([[1, 1, 0, 1], [0, 1, 1, 1], [1, 1, 1, 0]], dtype=bool), 0.3], wrt=(0, 2))

case("label_smoothing_cross_entropy", '''
def f(logits, y, eps=0.1):
    n, k = logits.shape
    z = logits - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    target = np.full((n, k), eps / (k - 1))
    target[np.arange(n), y] = 1 - eps
    return -np.sum(target * logp) / n
''', [N(512, 4, 5), np.array([0, 3, 1, 4]), 0.1])

case("log_clipped_probabilities", '''
def f(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(np.log(p[np.arange(len(y)), y]))
''', [N(513, 4, 3), np.array([0, 2, 1, 1])])

case("softdtw_minus_inf_max_plus_forward", '''
def f(S, gamma=0.5):
    n, m = S.shape
    V = np.full((n + 1, m + 1), -np.inf)
    V[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            V[i, j] = S[i - 1, j - 1] + gamma * np.logaddexp(np.logaddexp(V[i - 1, j - 1] / gamma, V[i - 1, j] / gamma), V[i, j - 1] / gamma)
    return V[n, m]
''', [N(514, 3, 4), 0.5])

case("nan_to_num_after_division", '''
def f(x, w):
    n = np.linalg.norm(x, axis=1, keepdims=True)
    xn = np.nan_to_num(x / n)
    return np.sum(xn @ w)
''', [np.vstack([N(515, 3, 3), np.zeros((1, 3))]), N(516, 3, 2)], wrt=(1,))

case("sinkhorn_inf_cost_eps_only", '''
def f(eps):
    C = np.array([[0.1, 0.7, np.inf], [0.4, 0.2, 0.9], [np.inf, 0.5, 0.3]])
    a = np.array([0.3, 0.3, 0.4])
    b = np.array([0.2, 0.5, 0.3])
    K = np.exp(-C / eps)
    v = np.ones(3)
    for _ in range(30):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * np.minimum(C, 10.0))
''', [0.4])

case("scalar_softmin_over_math_inf_list", '''
def f(a, b, gamma=0.5):
    vals = [a, math.inf, b, float('inf')]
    m = min(vals)
    return m - gamma * math.log(sum(math.exp(-(v - m) / gamma) for v in vals))
''', [0.3, 0.8, 0.5])


# ---------------------------------------------------------------- Python idioms around them


case("sinkhorn_jacobi_tuple_update", '''
def f(C, a, b):
    K = np.exp(-C / 0.5)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for _ in range(40):
        u, v = a / (K @ v), b / (K.T @ u)
    return np.sum(u[:, None] * K * v[None, :] * C)
''', [U(600, 3, 3), prob(601, 3), prob(602, 3)])

case("sinkhorn_einsum_matvec", '''
def f(C, a, b, eps=0.3):
    K = np.exp(-C / eps)
    u = np.ones(a.shape)
    v = np.ones(b.shape)
    for _ in range(25):
        u = a / np.einsum('ij,j->i', K, v)
        v = b / np.einsum('ij,i->j', K, u)
    P = np.einsum('i,ij,j->ij', u, K, v)
    return np.trace(P.T @ C)
''', [U(603, 3, 4), prob(604, 3), prob(605, 4), 0.3])

case("sinkhorn_over_list_of_costs", '''
def f(Cs, a, b):
    total = 0.0
    for C in Cs:
        K = np.exp(-C / 0.5)
        v = np.ones(len(b))
        for _ in range(15):
            u = a / (K @ v)
            v = b / (K.T @ u)
        total += np.sum(u[:, None] * K * v * C)
    return total
''', [U(606, 2, 3, 3), prob(607, 3), prob(608, 3)])

case("gumbel_sinkhorn_log_alpha_inplace", '''
from scipy.special import logsumexp
def f(log_alpha, noise, tau=0.5, n_iters=10):
    log_alpha = (log_alpha + noise) / tau
    for _ in range(n_iters):
        log_alpha -= logsumexp(log_alpha, axis=1, keepdims=True)
        log_alpha -= logsumexp(log_alpha, axis=0, keepdims=True)
    P = np.exp(log_alpha)
    return np.sum(P * np.arange(P.shape[1]))
''', [N(609, 4, 4), N(610, 4, 4), 0.5], wrt=(0, 2))

case("softdtw_np_min_of_list", '''
def f(x, y, gamma=0.5):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            r = [R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]]
            rmin = np.min(r)
            s = sum(np.exp(-(v - rmin) / gamma) for v in r)
            R[i, j] = (x[i - 1] - y[j - 1]) ** 2 + rmin - gamma * np.log(s)
    return R[n, m]
''', [N(611, 3), N(612, 4), 0.5])

case("softdtw_scipy_logsumexp_of_list", '''
from scipy.special import logsumexp
def f(x, y, gamma=0.7):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = abs(x[i - 1] - y[j - 1]) - gamma * logsumexp([-R[i - 1, j - 1] / gamma, -R[i - 1, j] / gamma, -R[i, j - 1] / gamma])
    return R[n, m]
''', [N(613, 3), N(614, 3) + 0.05, 0.7])

case("sparsemax_flip_sort", '''
def f(z, w):
    zs = np.flip(np.sort(z))
    cs = np.cumsum(zs)
    k = np.arange(1, z.shape[0] + 1)
    kz = np.count_nonzero(1 + k * zs > cs)
    tau = (cs[kz - 1] - 1) / kz
    return np.sum(np.maximum(z - tau, 0) * w)
''', [N(615, 6), N(616, 6)])

case("clip_mean_of_list_of_losses", '''
def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    return -np.mean(z[np.arange(len(labels)), labels] - np.log(np.exp(z).sum(axis=1)))

def f(img, txt, scale=2.0):
    img = img / np.linalg.norm(img, axis=1, keepdims=True)
    txt = txt / np.linalg.norm(txt, axis=1, keepdims=True)
    logits = scale * np.dot(img, txt.T)
    labels = np.arange(len(img))
    return np.mean([cross_entropy(logits, labels), cross_entropy(logits.T, labels)])
''', [N(617, 4, 3), N(618, 4, 3), 2.0])

case("worst_of_two_losses_np_max_of_helper_calls", '''
def triplet(a, p, n, margin):
    return np.mean(np.maximum(np.sum((a - p) ** 2, 1) - np.sum((a - n) ** 2, 1) + margin, 0))

def f(a, p, n, margin=0.5):
    return np.max([triplet(a, p, n, margin), triplet(p, a, n, margin)]) + np.std((triplet(a, n, p, 0.1), triplet(n, a, p, 0.2)))
''', [N(633, 5, 3), N(634, 5, 3), N(635, 5, 3), 0.5])

case("infonce_naive_log_sum_exp_diagonal", '''
def f(q, k, t=0.3):
    logits = np.dot(q, k.T) / t
    return np.mean(np.log(np.sum(np.exp(logits), axis=1)) - np.diagonal(logits))
''', [N(619, 4, 3) * 0.5, N(620, 4, 3) * 0.5, 0.3])

case("smooth_max_settings_dict", '''
def f(x, cfg={'tau': 0.3, 'axis': 1}):
    tau = cfg['tau']
    m = x.max(axis=cfg['axis'], keepdims=True)
    return np.sum(m + tau * np.log(np.exp((x - m) / tau).sum(axis=cfg['axis'], keepdims=True)))
''', [N(621, 3, 4)], refused='parameter defaults must be numbers')

case("chamfer_min_keepdims_broadcast_back", '''
def f(x, y):
    d = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=-1, ord=2)
    m1 = np.min(d, axis=1, keepdims=True)
    m0 = np.min(d, axis=0, keepdims=True)
    return np.sum(m1) + np.sum(m0) + np.sum((d - m1) * (d == m1))
''', [N(622, 5, 2), N(623, 4, 2)])

case("triplet_norm_ord_keyword", '''
def f(a, p, n, margin=1.0):
    dp = np.linalg.norm(a - p, ord=2, axis=-1)
    dn = np.linalg.norm(a - n, ord=2, axis=-1)
    losses = [max(0.0, dp[i] - dn[i] + margin) for i in range(len(a))]
    return sum(losses) / len(losses)
''', [N(624, 5, 3), N(625, 5, 3), N(626, 5, 3), 1.0])

case("entropic_ot_log_plus_eps", '''
def f(C, a, b, reg=0.5):
    K = np.exp(-C / reg)
    v = np.ones_like(b)
    for _ in range(30):
        u = a / (K @ v)
        v = b / (K.T @ u)
    P = u.reshape(-1, 1) * K * v.reshape(1, -1)
    return np.sum(P * C) + reg * np.sum(P * np.log(P + 1e-16))
''', [U(627, 3, 4), prob(628, 3), prob(629, 4), 0.5])

case("soft_topk_sort_midpoint_threshold", '''
def f(s, k=2, tau=0.1):
    ss = np.sort(s)[::-1]
    thr = 0.5 * (ss[k - 1] + ss[k])
    w = 1 / (1 + np.exp(-(s - thr) / tau))
    return np.sum(w * s)
''', [N(630, 6), 2, 0.1], wrt=(0, 2))

case("gumbel_scipy_softmax", '''
from scipy.special import softmax
def f(logits, g, tau=0.5):
    y = softmax((logits + g) / tau, axis=-1)
    return np.sum(y ** 2)
''', [N(631, 3, 4), N(632, 3, 4), 0.5], wrt=(0, 2))


# ---------------------------------------------------------------- a last round


case("sinkhorn_over_relaxed", '''
def f(C, a, b, w=1.5):
    K = np.exp(-C / 0.5)
    u = np.ones_like(a)
    v = np.ones_like(b)
    for _ in range(30):
        u = u ** (1 - w) * (a / (K @ v)) ** w
        v = v ** (1 - w) * (b / (K.T @ u)) ** w
    return np.sum(u[:, None] * K * v[None, :] * C)
''', [U(800, 3, 3), prob(801, 3), prob(802, 3), 1.3])

case("log_barycenter_two_histograms", '''
from scipy.special import logsumexp
def f(logA, C, eps=0.5, w=0.5):
    logK = -C / eps
    logv = np.zeros_like(logA)
    for _ in range(15):
        logu = logA - logsumexp(logK[None, :, :] + logv[:, None, :], axis=2)
        logKu = logsumexp(logK.T[None, :, :] + logu[:, None, :], axis=2)
        logb = w * logKu[0] + (1 - w) * logKu[1]
        logv = logb[None, :] - logKu
    return np.sum(np.exp(logb) * np.arange(len(logb)))
''', [np.log(np.stack([prob(803, 4), prob(804, 4)])), U(805, 4, 4), 0.5, 0.4])

case("multi_positive_infonce_where_minus_inf", '''
from scipy.special import logsumexp
def f(z, y, t=0.5):
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T / t
    eye = np.eye(len(y), dtype=bool)
    pos = (y[:, None] == y[None, :]) & ~eye
    num = logsumexp(np.where(pos, sim, -np.inf), axis=1)
    den = logsumexp(np.where(eye, -np.inf, sim), axis=1)
    return np.mean(den - num)
''', [N(806, 6, 3), np.array([0, 1, 0, 1, 2, 2]), 0.5])

case("ntxent_log_temperature_param", '''
def f(a, b, log_t):
    t = np.exp(log_t)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    logits = a @ b.T / t
    logits -= logits.max(axis=1, keepdims=True)
    return np.mean(np.log(np.exp(logits).sum(1)) - np.diag(logits))
''', [N(807, 4, 3), N(808, 4, 3), -0.5])

case("pairwise_logistic_upper_triangle", '''
def f(s, y):
    d = s[:, None] - s[None, :]
    sign = np.sign(y[:, None] - y[None, :])
    iu = np.triu_indices(len(s), k=1)
    return np.sum(np.log1p(np.exp(-sign[iu] * d[iu])))
''', [N(809, 5), np.array([3.0, 1.0, 2.0, 0.0, 4.0])], wrt=(0,))

case("entmax15_where_support_max", '''
def f(z, w):
    x = z / 2
    xs = np.sort(x)[::-1]
    rho = np.arange(1, len(x) + 1)
    mean = np.cumsum(xs) / rho
    ss = rho * (np.cumsum(xs ** 2) / rho - mean ** 2)
    tau = mean - np.sqrt(np.clip((1 - ss) / rho, 0, None))
    k = np.where(tau <= xs)[0].max()
    p = np.clip(x - tau[k], 0, None) ** 2
    return p @ w
''', [N(810, 6) * 1.5, N(811, 6)])

case("hard_dtw_minimum_reduce", '''
def f(x, y):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = (x[i - 1] - y[j - 1]) ** 2 + np.minimum.reduce([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
    return R[n, m]
''', [N(812, 3), N(813, 4)])


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("c", [c for c in CASES if c.refused is None], ids=lambda c: c.name)
def test_right(c):
    assert_right(c)


@pytest.mark.parametrize("c", [c for c in CASES if c.refused is not None], ids=lambda c: c.name)
def test_refused(c):
    assert_refused(c)


def test_names_are_unique():
    assert len({c.name for c in CASES}) == len(CASES)
