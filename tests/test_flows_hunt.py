"""Normalizing flows and density models as people write them: planar, radial and coupling layers,
autoregressive masks, log-determinants, bijectors with their log-Jacobians, spline transforms,
kernel density estimates, score matching, energy-based losses and mixtures.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are arrays) and
by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import (assert_close, finite_differences, float_positions, fresh_args, generated_backward,
                     imported, shapes_of)

HEAD = "import math\n\nimport numpy as np\n"


def _floats(got, want):
    """``got`` as arrays of floats, a list of them where ``want`` is one (a list of arrays of several shapes)."""
    if isinstance(want, list):
        return [np.asarray(g, dtype=float) for g in got] if isinstance(got, (list, tuple)) else got
    return np.asarray(got, dtype=float)


def assert_right(source, args, name="f", wrt=None):
    """generate without shapes, with shapes (where every argument is a number or an array) and the
    decorator all give the gradients central differences give, for the parameters at ``wrt`` (by
    default those holding floats)."""
    source = HEAD + textwrap.dedent(source)
    func = imported(source, "flows_hunt")[name]
    positions = [k for k, a in enumerate(args) if k in float_positions(args) or isinstance(a, list) and all(
        float_positions([item]) for item in a)] if wrt is None else wrt
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (1.0,))
    shapes = shapes_of(func, args)
    for given in [None] + ([shapes] if shapes else []):
        got = generated_backward(source, args, name, given, names)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(_floats(g, w), w, rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*fresh_args(args))
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(_floats(g, w), w, rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f", shapes=None):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(HEAD + textwrap.dedent(source), name=name, shapes=shapes)


def test_a_bin_index_counted_by_comparisons_in_a_helper_is_an_index():
    # (a neural spline's searchsorted written as a sum of comparisons: its one result was taken for a
    # differentiated value, and np.take_along_axis refused it as its indices)
    assert_right("""
        def searchsorted(bin_locations, inputs, eps=1e-6):
            bin_locations = bin_locations.copy()
            bin_locations[..., -1] += eps
            return np.sum(inputs[..., None] >= bin_locations, axis=-1) - 1

        def f(x, uw):
            w = np.exp(uw) / np.sum(np.exp(uw), axis=-1, keepdims=True)
            cw = np.pad(np.cumsum(w, axis=-1), [(0, 0), (0, 0), (1, 0)])
            idx = searchsorted(cw, x)[..., None]
            left = np.take_along_axis(cw, idx, -1)[..., 0]
            width = np.take_along_axis(w, idx, -1)[..., 0]
            theta = (x - left) / width
            return np.sum(theta ** 2) + np.sum(np.log(width))
        """, [np.array([[0.13, 0.41], [0.66, 0.87], [0.35, 0.52]]),
              np.random.default_rng(0).normal(0, 0.3, (3, 2, 4))], wrt=[1])


def test_a_rank_a_helper_unpacks_fixes_the_samples_without_shapes():
    # (Glow's squeeze unpacks N, C, H, W = x.shape in a helper: without shapes, the samples of rank 2
    # reached the helper's unpacking, and the forward was refused at every rank tried)
    assert_right("""
        def squeeze(x):
            N, C, H, W = x.shape
            x = x.reshape(N, C, H // 2, 2, W // 2, 2)
            x = x.transpose(0, 1, 3, 5, 2, 4)
            return x.reshape(N, C * 4, H // 2, W // 2)

        def f(x, a):
            y = squeeze(x)
            s = np.tanh(a[None, :, None, None] * y)
            return np.sum(y * np.exp(s)) - np.sum(s)
        """, [np.random.default_rng(1).normal(size=(2, 1, 4, 4)), np.array([0.3, -0.2, 0.5, 0.1])])


def test_a_rank_an_einsum_in_a_helper_fixes_the_samples_without_shapes():
    assert_right("""
        def invconv(x, W):
            return np.einsum("ij,njhw->nihw", W, x)

        def f(x, W, s):
            y = invconv(x, W) * np.exp(s)[None, :, None, None]
            return 0.5 * np.sum(y ** 2) - x.shape[2] * x.shape[3] * (np.linalg.slogdet(W)[1] + np.sum(s))
        """, [np.random.default_rng(2).normal(size=(2, 3, 2, 2)), np.eye(3) * 2 + 0.1, np.array([0.1, -0.2, 0.3])])


def test_a_von_mises_mixture_reads_scipy_special_i0_and_i1():
    # (scipy.special.i0 and i1 were refused: np.i0 had a rule, SciPy's spelling did not)
    assert_right("""
        from scipy.special import i0, i1

        def f(theta, mu, kappa):
            dens = np.exp(kappa * np.cos(theta[:, None] - mu)) / (2 * np.pi * i0(kappa))
            return -np.sum(np.log(np.mean(dens, axis=1))) + np.sum(i1(kappa) / i0(kappa))
        """, [np.array([0.3, -1.1, 2.0, 0.7]), np.array([0.1, 1.5, -2.0]), np.array([1.2, 0.8, 2.0])])
    assert_right("""
        from scipy.special import i1

        def f(kappa):
            return np.sum(i1(kappa) ** 2 + i1(kappa))
        """, [np.array([0.0, 0.4, 3.0])])


def test_the_fields_of_a_factorization_bound_to_a_name():
    # (np.linalg.slogdet(W).logabsdet was read, res = np.linalg.slogdet(W); res.logabsdet refused as
    # an attribute of an object)
    assert_right("""
        def f(x, W, A):
            z = x @ W
            res = np.linalg.slogdet(W)
            eig = np.linalg.eigh(A @ A.T + np.eye(3))
            return 0.5 * np.sum(z ** 2) - len(x) * res.logabsdet + res.sign + np.sum(np.log(eig.eigenvalues))
        """, [np.random.default_rng(3).normal(size=(4, 3)), np.eye(3) * 2 + 0.3, np.eye(3) + 0.2])


def test_stacked_layers_read_one_at_a_time_beside_many_parameters():
    # (coupling layers' weights stacked along a first axis, Ws[i], bs[i], with a per-sample log-det
    # accumulator: beside more than three parameters, no mix of ranks tried made a layer's matrix a
    # matrix, and the forward was refused without shapes)
    rng = np.random.default_rng(4)
    assert_right("""
        def f(x, masks, Ws, bs):
            log_det = np.zeros(x.shape[0])
            z = x
            for i in range(len(masks)):
                m = masks[i]
                zm = z * m
                s = np.tanh(zm @ Ws[i] + bs[i]) * (1 - m)
                z = zm + (1 - m) * (z * np.exp(s) + s)
                log_det = log_det + s.sum(axis=1)
            return -np.mean(-0.5 * np.sum(z ** 2, axis=1) + log_det)
        """, [rng.normal(size=(5, 4)), np.array([[1.0, 0, 1, 0], [0, 1.0, 0, 1]]), 0.4 * rng.normal(size=(2, 4, 4)),
              0.1 * rng.normal(size=(2, 4))], wrt=[0, 2, 3])


def _mlp_params(rng, sizes):
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params += [0.5 * rng.normal(size=(a, b)), 0.1 * rng.normal(size=b) + 0.3]
    return params


def test_the_items_of_a_list_passed_to_a_helper_by_their_places():
    # (a list of a network's arrays of several shapes whose items are passed to a helper, mlp(x, p[0],
    # p[1], p[2], p[3]), was taken for one array without shapes: the backward raised in np.zeros_like(p))
    rng = np.random.default_rng(5)
    assert_right("""
        def mlp(x, W1, b1, W2, b2):
            return np.maximum(0, x @ W1 + b1) @ W2 + b2

        def f(x, p):
            s = np.tanh(mlp(x, p[0], p[1], p[2], p[3]))
            return 0.5 * np.sum((x * np.exp(s)) ** 2) - np.sum(s)
        """, [rng.normal(size=(4, 3)), _mlp_params(rng, (3, 5, 3))])
    assert_right("""
        def g(x, W):
            return np.tanh(x @ W)

        def f(x, p):
            return np.sum(g(x, p[0]) ** 2 + p[1])
        """, [rng.normal(size=(4, 3)), [rng.normal(size=(3, 2)), rng.normal(size=2)]])


def test_a_list_spread_into_a_helpers_parameters():
    # (mlp(x_, *s_params), RealNVP's scale and translation networks given their layers' arrays as a
    # list: refused as a starred argument)
    rng = np.random.default_rng(6)
    assert_right("""
        def mlp(x, W1, b1, W2, b2):
            return np.maximum(0, x @ W1 + b1) @ W2 + b2

        def coupling(x, mask, s_params, t_params):
            x_ = x * mask
            s = np.tanh(mlp(x_, *s_params)) * (1 - mask)
            t = mlp(x_, *t_params) * (1 - mask)
            return x_ + (1 - mask) * (x * np.exp(s) + t), s.sum(axis=1)

        def f(x, s1, t1):
            mask = (np.arange(x.shape[1]) % 2).astype(float)
            z, ld = coupling(x, mask, s1, t1)
            return -np.mean(-0.5 * np.sum(z ** 2, axis=1) + ld)
        """, [rng.normal(size=(5, 4)), _mlp_params(rng, (4, 6, 4)), _mlp_params(rng, (4, 6, 4))])


def test_a_list_of_arrays_of_several_shapes_given_for_one_array_read_by_items_is_refused_as_it_starts():
    # (p read as p[0], p[1] where they are used is one array without shapes; given a list of arrays of
    # several shapes, the backward raised NumPy's ValueError in np.zeros_like(p))
    text = backgen.generate(HEAD + textwrap.dedent("""
        def f(x, p):
            return np.sum(np.tanh(x * p[0] + p[1]) ** 2)
        """), name="f")
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    x = np.random.default_rng(7).normal(size=(4, 3))
    with pytest.raises(TypeError, match="written for p as one array"):
        namespace["f_backward"](x, [np.ones(3), np.ones((4, 1))])
    got = namespace["f_backward"](x, np.array([0.5, -0.3]))  # (an array, as the code takes it)
    want = finite_differences(lambda x, p: np.sum(np.tanh(x * p[0] + p[1]) ** 2), [x, np.array([0.5, -0.3])],
                              [0, 1], (1.0,))
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-6)


def test_a_cholesky_factor_filled_from_a_vector_by_tril_indices_without_shapes():
    # (L[np.tril_indices(d)] = theta needs d (d + 1) / 2 numbers: the samples' sizes were not fitted to the
    # size NumPy named, and the forward was refused without shapes)
    assert_right("""
        def f(x, theta):
            d = x.shape[1]
            L = np.zeros((d, d))
            L[np.tril_indices(d)] = theta
            diag = np.diag_indices(d)
            L[diag] = np.exp(L[diag])
            z = x @ L
            return 0.5 * np.sum(z ** 2) - len(x) * np.sum(np.log(np.diag(L)))
        """, [np.random.default_rng(8).normal(size=(5, 3)), 0.4 * np.random.default_rng(9).normal(size=6)])
