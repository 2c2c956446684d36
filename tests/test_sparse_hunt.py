"""Sparse and proximal methods and matrix models as people write them: LASSO and elastic-net
objectives, ISTA/FISTA unrolled with soft-thresholding, group lasso, Huber losses, total variation,
NMF, matrix completion with observation masks (ratings missing as nan), low-rank factorizations,
dictionary learning, robust PCA and nuclear norms through singular values.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes) and by the decorator, or
asserted refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, generated_backward, imported, shapes_of


def assert_right(source, args, wrt, name="f"):
    """generate without shapes, with shapes, and the decorator give the gradients central differences
    give for the parameters ``wrt`` (names), at an upstream gradient drawn in the output's shape."""
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "sparse_hunt")[name]
    params = list(inspect.signature(func).parameters)
    positions = [params.index(w) for w in wrt]
    with np.errstate(all="ignore"):
        out = func(*fresh_args(args))
    dout = np.random.default_rng(3).standard_normal(np.shape(out)) if np.ndim(out) else 1.3
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (dout,))
    for shapes in (None, shapes_of(func, args)):
        got = generated_backward(source, args, name, shapes, tuple(wrt), dout)
        got = got if len(wrt) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=tuple(wrt)).backward(*fresh_args(args), dout=dout)
    got = got if len(wrt) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name)


def _ratings(seed=0, shape=(5, 4)):
    """Ratings in [0.5, 1.5], about a third of them missing (nan)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random(shape) < 0.7, rng.uniform(0.5, 1.5, shape), np.nan)


def _factors(seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((5, 2)), rng.standard_normal((4, 2))


# -- nan functions over the data's nans: the products of the chain rule there are 0 * nan --------------

def test_nanmean_of_a_square_of_ratings_with_missing_entries():
    assert_right("""
        def f(R, U, V):
            return np.nanmean(np.square(R - U @ V.T))
    """, [_ratings(), *_factors()], ["U", "V"])


def test_nansum_of_a_product_of_the_residual_with_itself():
    assert_right("""
        def f(R, U, V, lam=0.1):
            D = R - U @ V.T
            return 0.5 * np.nansum(D * D) + lam * (np.sum(U * U) + np.sum(V * V))
    """, [_ratings(2), *_factors(3)], ["U", "V"])


def test_nanmean_of_a_huber_loss_written_with_np_where():
    assert_right("""
        def f(R, U, V, delta=0.5):
            e = R - U @ V.T
            a = np.abs(e)
            return np.nanmean(np.where(a <= delta, 0.5 * e ** 2, delta * (a - 0.5 * delta)))
    """, [_ratings(4), *_factors(5)], ["U", "V"])


# -- scipy.linalg's norm, svdvals and det: NumPy's of the same arguments ------------------------------

def test_nuclear_norm_through_scipy_svdvals():
    assert_right("""
        import scipy.linalg

        def f(X, lam=0.3):
            return lam * np.sum(scipy.linalg.svdvals(X))
    """, [np.random.default_rng(7).standard_normal((6, 4))], ["X"])


def test_scipy_norms_of_a_matrix_and_of_its_rows():
    assert_right("""
        from scipy.linalg import norm

        def f(X, W):
            return norm(X, "fro") ** 2 + norm(X, 1) + np.sum(norm(W, axis=1)) + norm(W, ord=2, axis=0, keepdims=True).sum()
    """, [np.random.default_rng(8).standard_normal((5, 4)), np.random.default_rng(9).standard_normal((3, 4))],
        ["X", "W"])


def test_scipy_determinant_in_a_log_barrier():
    assert_right("""
        from scipy import linalg

        def f(X, mu=0.1):
            S = X @ X.T + np.eye(3)
            return np.trace(S) - mu * np.log(linalg.det(S))
    """, [np.random.default_rng(10).standard_normal((3, 3))], ["X"])


def test_other_scipy_linalg_functions_are_refused_at_their_call():
    assert_refused("""
        import scipy.linalg

        def f(X):
            return np.sum(scipy.linalg.sqrtm(X))
    """, r"scipy\.linalg\.sqrtm is not supported")


# -- np.linalg.svd with full_matrices=True (NumPy's default) of a matrix not square --------------------

def test_truncated_svd_of_the_full_factors():
    assert_right("""
        def f(X, r=2):
            U, s, Vt = np.linalg.svd(X)
            Xr = U[:, :r] @ np.diag(s[:r]) @ Vt[:r, :]
            return np.sum((X - Xr) ** 2) + np.sum(np.abs(Xr))
    """, [np.random.default_rng(11).standard_normal((6, 4))], ["X"])


def test_principal_directions_of_a_wide_matrix_from_the_full_factors():
    assert_right("""
        def f(X, y, r=2):
            U, s, Vt = np.linalg.svd(X)
            P = Vt[:r].T @ Vt[:r]
            return np.sum((P @ y) ** 2) + np.sum(s[:r])
    """, [np.random.default_rng(12).standard_normal((4, 6)), np.random.default_rng(13).standard_normal(6)], ["X"])


def test_null_space_projector_from_the_columns_beyond_the_rank():
    # U[:, 4:] is any orthonormal basis of the complement: the output depends on its span alone
    assert_right("""
        def f(X, y):
            U, s, Vt = np.linalg.svd(X)
            Un = U[:, 4:]
            return np.sum((Un @ (Un.T @ y)) ** 2)
    """, [np.random.default_rng(14).standard_normal((6, 4)), np.random.default_rng(15).standard_normal(6)], ["X"])


def test_low_rank_approximation_of_a_stack_from_the_full_factors():
    assert_right("""
        def f(X, k=2):
            U, s, Vt = np.linalg.svd(X)
            Xk = (U[..., :, :k] * s[..., None, :k]) @ Vt[..., :k, :]
            return np.sum(Xk ** 2 * np.arange(3))
    """, [np.random.default_rng(16).standard_normal((2, 5, 3))], ["X"])


# -- lists of slices a loop takes one by one (a group lasso's groups) ----------------------------------

def test_group_lasso_over_a_list_of_slices_in_a_generator():
    assert_right("""
        def f(X, y, w, alpha=0.5, lam=0.1):
            groups = [slice(0, 2), slice(2, 5), slice(5, 6)]
            l1 = np.sum(np.abs(w))
            gl = sum(np.linalg.norm(w[g]) for g in groups)
            return np.mean((y - X @ w) ** 2) + lam * (alpha * l1 + (1 - alpha) * gl)
    """, [np.random.default_rng(17).standard_normal((6, 6)), np.random.default_rng(18).standard_normal(6),
          np.random.default_rng(19).uniform(0.5, 1.5, 6)], ["X", "w"])


def test_group_norms_of_columns_over_a_tuple_of_slices_in_a_loop():
    assert_right("""
        def f(W, n=2):
            blocks = (slice(2), slice(2, 3), slice(3, 5))
            total = 0.0
            out = np.zeros(W.shape[0])
            for b in blocks:
                total += np.sqrt(W[:, b].shape[1]) * np.linalg.norm(W[:, b])
                out += W[:, b].sum(axis=1)
            return total + np.sum(out ** 2)
    """, [np.random.default_rng(20).standard_normal((4, 5))], ["W"])


def test_a_list_of_slices_read_otherwise_is_refused_at_the_call():
    assert_refused("""
        def f(w):
            groups = [slice(0, 2), slice(2, 4)]
            return sum(np.linalg.norm(w[g]) * g.stop for g in groups)
    """, r"slice\(\.\.\.\) is followed")


# -- np.vectorize of a soft threshold whose returns are floats where its settings are ------------------

def test_vectorized_soft_threshold_of_a_float_default():
    assert_right("""
        def soft(v, t=0.3):
            return max(abs(v) - t, 0.0) * (1 if v > 0 else -1)

        def f(x):
            return np.sum(np.vectorize(soft)(x) ** 2) + np.sum(np.vectorize(soft)(x, 0.5))
    """, [np.array([0.9, -0.05, 1.2, -0.7, 0.1, -1.4])], ["x"])


def test_vectorized_helper_of_an_integer_setting_is_refused():
    assert_refused("""
        def soft(v, t=1):
            return max(abs(v) - t, 0)

        def f(x):
            return np.sum(np.vectorize(soft)(x))
    """, r"give otypes=\[float\]")


# -- matrix norms along two axes without shapes (np.linalg.matrix_norm's last two) -------------------

def test_nuclear_norms_of_a_stack_without_shapes():
    assert_right("""
        def f(X):
            return np.sum(np.linalg.norm(X, "nuc", axis=(1, 2)) * np.arange(1.0, 3.0)) + np.sum(
                np.linalg.matrix_norm(X, ord=2, keepdims=True))
    """, [np.random.default_rng(21).standard_normal((2, 4, 3))], ["X"])


def test_matrix_norms_along_two_axes_hold_for_every_rank_without_shapes():
    source = "import numpy as np\n\ndef f(X):\n    return np.sum(np.linalg.norm(X, -np.inf, axis=(0, 1)) ** 2)\n"
    text = backgen.generate(source, name="f")
    assert "shapes of X are needed" not in text
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    for shape in [(4, 3), (4, 3, 2)]:
        X = np.random.default_rng(22).standard_normal(shape)
        want = finite_differences(forward["f"], [X], [0], (1.0,))[0]
        assert_close(namespace["f_backward"](X.copy()), want, rtol=1e-5, atol=1e-6)


# -- a module's dict of groups: lists of indices by name ------------------------------------------------

def test_group_lasso_over_a_module_dict_of_index_lists():
    assert_right("""
        GROUPS = {"age": [0, 1], "income": [2, 3, 4], "region": [5]}

        def f(w, lam=0.3):
            total = 0.0
            for idx in GROUPS.values():
                total += np.sqrt(len(idx)) * np.linalg.norm(w[idx])
            return lam * total + sum(np.linalg.norm(w[g]) for g in GROUPS.values()) + np.sum(w[GROUPS["income"]] ** 2)
    """, [np.random.default_rng(23).standard_normal(6)], ["w"])


def test_a_module_dict_of_lists_a_function_changes_is_no_constant():
    assert_refused("""
        GROUPS = {"age": [0, 1], "income": [2, 3, 4]}

        def f(w):
            total = 0.0
            for idx in GROUPS.values():
                idx.append(5)
                total += np.sum(w[idx])
            return total
    """, r"GROUPS\.values")


def test_group_soft_threshold_written_through_a_list_of_slices_in_two_loops():
    assert_right("""
        def f(w, t=0.5):
            groups = [slice(0, 2), slice(2, 5), slice(5, 6)]
            out = np.zeros_like(w)
            for g in groups:
                n = np.linalg.norm(w[g])
                out[g] = max(0.0, 1.0 - t / n) * w[g]
            total = 0.0
            for g in groups:
                total += np.sum(out[g] ** 2)
            return total
    """, [np.array([0.9, -1.1, 0.3, 0.05, -0.8, 1.4])], ["w"])
