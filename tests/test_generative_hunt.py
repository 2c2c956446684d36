"""Generative models' losses and layers as they are written in NumPy, their noise passed in: VAE
ELBOs (reparameterization, KL closed forms, Bernoulli and Gaussian decoders), normalizing flows
(planar, radial, couplings with masks, ActNorm, 1x1 convolutions by slogdet), mixture density
networks, GAN and energy-based losses, denoising score matching and DDPM's noise prediction,
Gaussian mixtures through Cholesky factors, RBM free energies, MADE's masked layers and diffusion
schedules.

Each case is checked against central finite differences in float64 by ``backgen.generate`` without
shapes and with shapes (where every argument is a number or an array) and by the decorator, or
asserted refused with a ``BackgenError`` and part of its message.
"""

import copy
import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, imported, shapes_of

RNG = np.random.default_rng(0)


def _normal(*shape, scale=1.0):
    return RNG.standard_normal(shape) * scale


def _spd(d):
    a = _normal(d, d)
    return a @ a.T + d * np.eye(d)



def assert_right(source, args, wrt, name="f", free=True, given=True):
    """generate without shapes (where ``free``), with shapes (where ``given`` and every argument is a
    number or an array) and the decorator (where ``given``) give the gradients central differences give
    for the parameters ``wrt``."""
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "generative_hunt")[name]
    params = list(inspect.signature(func).parameters)
    names = tuple(params[k] for k in wrt)
    want = finite_differences(lambda *v: func(*copy.deepcopy(v)), list(args), wrt, (1.3,))
    ways = ([None] if free else []) + ([shapes_of(func, args)] if given and shapes_of(func, args) else [])
    for shapes in ways:
        namespace = {}
        exec(compile(backgen.generate(source, name=name, shapes=shapes, wrt=names), "<generated>", "exec"), namespace)
        got = namespace[f"{name}_backward"](*copy.deepcopy(args), dout=1.3)
        got = got if len(wrt) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(g, w, rtol=1e-5, atol=1e-6)
    if not given:
        return
    got = backgen.backward(func, wrt=names).backward(*copy.deepcopy(args), dout=1.3)
    got = got if len(wrt) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- Gaussian mixtures by Cholesky factors


def test_cholesky_of_a_covariance_in_a_helper_samples_a_definite_matrix():
    """np.linalg.cholesky(Sigma) in a helper the loss calls: the shape walk sampled Sigma as any
    array, for which the factorization fails, so shapes given were refused ('not positive definite')
    where the parameter itself, factored in the loss, was sampled symmetric positive definite."""
    source = '''
    def log_mvn(X, mu, Sigma):
        d = X.shape[1]
        L = np.linalg.cholesky(Sigma)
        diff = X - mu
        sol = np.linalg.solve(L, diff.T)
        maha = np.sum(sol ** 2, axis=0)
        logdet = 2 * np.sum(np.log(np.diag(L)))
        return -0.5 * (d * np.log(2 * np.pi) + logdet + maha)

    def f(X, mu, Sigma):
        return -np.sum(log_mvn(X, mu, Sigma))
    '''
    assert_right(source, [_normal(5, 3), _normal(3), _spd(3)], [0, 1, 2])


# ---------------------------------------------------------------- MADE's masked layers


def test_weights_and_biases_of_several_shapes_read_at_one_counter():
    """for l in range(len(Ws)) reading Ws[l] and bs[l]: Ws was taken for a list of arrays of several
    shapes, bs for one array, whose zeros the backward failed to make (np.zeros_like of a ragged list);
    bs read at the same counter is a list of the layers' biases, as zip(Ws, bs) reads it."""
    source = '''
    def f(x, Ws, bs, degrees):
        h = x
        for l in range(len(Ws)):
            mask = (degrees[l + 1][None, :] >= degrees[l][:, None]).astype(float)
            h = h @ (Ws[l] * mask) + bs[l]
            if l < len(Ws) - 1:
                h = np.tanh(h)
        return np.sum(h ** 2)
    '''
    args = [_normal(3, 3), [_normal(3, 4, scale=0.5), _normal(4, 3, scale=0.5)], [_normal(4), _normal(3)],
            [np.array([1, 2, 3]), np.array([1, 2, 1, 2]), np.array([1, 2, 3])]]
    assert_right(source, args, [0, 1, 2])


def test_cholesky_two_helpers_down_samples_a_definite_matrix():
    """The loss calls mvn_logpdf, which calls chol_logdet, which factors S: S is sampled symmetric
    positive definite through both calls."""
    source = '''
    def chol_logdet(S):
        L = np.linalg.cholesky(S)
        return L, 2.0 * np.sum(np.log(np.diag(L)))

    def mvn_logpdf(X, mu, S):
        L, logdet = chol_logdet(S)
        z = np.linalg.solve(L, (X - mu).T)
        return -0.5 * (np.sum(z ** 2, axis=0) + logdet + X.shape[1] * np.log(2 * np.pi))

    def f(X, mu, S):
        return -np.mean(mvn_logpdf(X, mu, S))
    '''
    assert_right(source, [_normal(5, 3), _normal(3), _spd(3)], [0, 1, 2])



def test_ladder_kl_over_layers_of_several_shapes_read_at_one_counter():
    """A ladder VAE's KL term, for l in range(len(mu_q)) reading mu_q[l], logvar_q[l], mu_p[l] and
    logvar_p[l]: only mu_q, whose len the loop takes, was a list of layers of several shapes; the
    backward's zeros of the others failed (np.zeros_like of a ragged list)."""
    source = '''
    def f(mu_q, logvar_q, mu_p, logvar_p):
        total = 0.0
        for l in range(len(mu_q)):
            total += 0.5 * np.sum(logvar_p[l] - logvar_q[l]
                                  + (np.exp(logvar_q[l]) + (mu_q[l] - mu_p[l]) ** 2) / np.exp(logvar_p[l]) - 1)
        return total
    '''
    args = [[_normal(2, 3), _normal(2, 2)] for _ in range(4)]
    assert_right(source, args, [0, 1, 2, 3])

# ---------------------------------------------------------------- piecewise flows


def test_bin_index_computed_from_data_in_the_unit_interval_with_shapes():
    """np.floor(x * K).astype(int) indexing the bins' cdf: the samples of x (0.5 to 1.5) gave bins past
    the last, so shapes given were refused ('index 4 is out of bounds'); x is sampled below one then."""
    source = '''
    def f(x, w_logits):
        K = w_logits.shape[-1]
        q = np.exp(w_logits - w_logits.max())
        q = q / q.sum()
        cdf = np.concatenate([[0.0], np.cumsum(q)])
        b = np.floor(x * K).astype(int)
        alpha = x * K - b
        y = cdf[b] + alpha * q[b]
        logdet = np.log(q[b] * K)
        return np.sum(y ** 2) - np.sum(logdet)
    '''
    assert_right(source, [np.array([0.13, 0.48, 0.71, 0.92]), _normal(4)], [0, 1])


# ---------------------------------------------------------------- couplings cutting an axis in halves


def test_real_nvp_coupling_halves_without_shapes():
    """d = x.shape[1] // 2, x[:, :d] through a network whose output is cut at d again: the samples'
    sizes, odd primes, cut in unequal halves (x2 of 12 columns against s of 11), and generate without
    shapes was refused; even sizes and the network's output fitted to twice d run it."""
    source = '''
    def coupling_forward(x, W1, b1, W2, b2):
        d = x.shape[1] // 2
        x1, x2 = x[:, :d], x[:, d:]
        h = np.maximum(0, x1 @ W1 + b1)
        st = h @ W2 + b2
        s, t = st[:, :d], st[:, d:]
        s = np.tanh(s)
        y2 = x2 * np.exp(s) + t
        y = np.concatenate([x1, y2], axis=1)
        return y, s.sum(axis=1)

    def f(x, W1, b1, W2, b2):
        y, logdet = coupling_forward(x, W1, b1, W2, b2)
        log_pz = -0.5 * (y ** 2).sum(axis=1) - 0.5 * y.shape[1] * np.log(2 * np.pi)
        return -(log_pz + logdet).mean()
    '''
    args = [_normal(5, 4), _normal(2, 6, scale=0.5), _normal(6, scale=0.1) + 0.3, _normal(6, 4, scale=0.5),
            _normal(4, scale=0.1)]
    assert_right(source, args, [0, 1, 2, 3, 4], given=False)


def test_encoder_output_cut_in_halves_against_a_slice_the_code_writes():
    """h[:, :d], h[:, d:] with d = h.shape[1] // 2 for the mean and log-std, compared with x[:, :2]:
    the half is fitted to the 2 the code writes."""
    source = '''
    def encode(x, W, b):
        h = x.dot(W) + b
        d = h.shape[1] // 2
        return h[:, :d], h[:, d:]

    def f(x, eps, W, b):
        mu, log_std = encode(x, W, b)
        z = mu + np.exp(log_std) * eps
        rec = -0.5 * np.sum((x[:, :2] - z) ** 2)
        kl = 0.5 * np.sum(np.exp(2 * log_std) + mu ** 2 - 1 - 2 * log_std)
        return kl - rec
    '''
    assert_right(source, [_normal(3, 4), _normal(3, 2), _normal(4, 4, scale=0.5), _normal(4, scale=0.1)], [2, 3], given=False)


# ---------------------------------------------------------------- diffusion losses over every axis but the batch


def test_mean_over_axes_computed_from_the_rank_without_shapes():
    """mean_flat (tensor.mean(axis=tuple(range(1, len(tensor.shape))))) and np.sum and np.max over
    tuple(range(1, x.ndim)): code written for every rank was refused ('axis=n must be a constant');
    it reduces along the axes the code holds as it runs, and restores them so."""
    source = '''
    def mean_flat(tensor):
        return tensor.mean(axis=tuple(range(1, len(tensor.shape))))

    def f(eps, model_out, weights):
        a = np.sum((eps - model_out) ** 2, axis=tuple(range(1, eps.ndim)))
        m = np.max(eps * model_out, axis=tuple(range(1, eps.ndim)))
        return (mean_flat((eps - model_out) ** 2) * weights).mean() + np.mean(a * weights) + np.sum(m)
    '''
    source = "import numpy as np\n" + textwrap.dedent(source)
    namespace, forward = {}, {}
    exec(compile(backgen.generate(source, name="f"), "<generated>", "exec"), namespace)
    exec(source, forward)
    for shape in ((3,), (3, 2), (3, 2, 4), (2, 1, 3, 2)):
        args = [_normal(*shape), _normal(*shape), _normal(shape[0])]
        want = finite_differences(forward["f"], args, [0, 1, 2], (1.3,))
        for g, w in zip(namespace["f_backward"](*args, dout=1.3), want):
            assert_close(g, w, rtol=1e-5, atol=1e-6)
    assert_right(source, [_normal(2, 3, 2, 2), _normal(2, 3, 2, 2), _normal(2)], [0, 1, 2])


# ---------------------------------------------------------------- settings passed as keyword arguments


def test_kwargs_read_by_get_with_a_default():
    """loss_fn(recon, x, mu, logvar, **kwargs) reading kwargs.get("beta", 1.0): refused ('variable
    arguments are not supported'); the keys are keyword parameters with those defaults, given by a
    caller's beta=4.0 or left to the default."""
    source = '''
    def loss_fn(recon, x, mu, logvar, **kwargs):
        beta = kwargs.get("beta", 1.0)
        rec = np.sum((recon - x) ** 2)
        kl = -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar))
        return rec + beta * kwargs.get("kld_weight", 0.5) * kl

    def f(recon, x, mu, logvar):
        return loss_fn(recon, x, mu, logvar, beta=4.0)
    '''
    args = [_normal(3, 4), _normal(3, 4), _normal(3, 2), _normal(3, 2)]
    assert_right(source, args, [0, 2, 3])
    assert_right(source, args, [0, 2, 3], name="loss_fn")


def test_kwargs_read_otherwise_is_still_refused():
    source = '''
    def f(x, **kwargs):
        return np.sum(x * kwargs["scale"])
    '''
    with pytest.raises(backgen.BackgenError, match="variable arguments are not supported"):
        backgen.generate(textwrap.dedent(source), name="f")
