"""Bayesian inference code as people write it in NumPy: Bayesian neural networks whose weights are
unpacked from one flat vector (by slices the code writes, by a list of layer shapes and
``int(np.prod(shape))``), log densities with scipy.special and scipy.stats, hierarchical models.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``.
"""

import numpy as np

from numeric import assert_generated_right

RNG = np.random.default_rng(23)


def _normal(*shape):
    return RNG.standard_normal(shape) * 0.5


# --- a flat vector cut into layers by the sizes of a list of shapes -------------------------------


def test_slices_bounded_by_int_of_np_prod_of_shapes_written_out_are_not_lengths_of_the_data():
    # for shape in dims: size = int(np.prod(shape)): the loop written out, each bound int(np.prod((2, 4))) of
    # numbers the code writes, the same on every input (no length a boolean mask selects)
    assert_generated_right('''
        def f(w: "17", X: "N, 2", y: "N"):
            dims = [(2, 4), (4,), (4, 1), (1,)]
            parts = []
            start = 0
            for shape in dims:
                size = int(np.prod(shape))
                parts.append(w[start:start + size].reshape(shape))
                start += size
            W1, b1, W2, b2 = parts
            out = np.tanh(X @ W1 + b1) @ W2 + b2
            return 0.5 * np.sum((out[:, 0] - y) ** 2) + 0.5 * np.sum(w ** 2)
    ''', [_normal(17), _normal(5, 2), _normal(5)])


# --- a flat vector cut by slices the code writes, without shapes ----------------------------------


def test_a_flat_vector_of_a_classifier_cut_by_slices_written_out_without_shapes():
    # params[i:i + D_in * H].reshape(D_in, H) of a short sample vector is cut short: the samples are tried
    # again with the flat vector long, then the others fitted to it; the labels y keep the samples' length
    # (the rows of X)
    assert_generated_right('''
        D_in, H, C = 2, 4, 2
        def f(params, X, y):
            i = 0
            W1 = params[i:i + D_in * H].reshape(D_in, H); i += D_in * H
            b1 = params[i:i + H]; i += H
            W2 = params[i:i + H * C].reshape(H, C); i += H * C
            b2 = params[i:i + C]
            h = np.maximum(0, X @ W1 + b1)
            logits = h @ W2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            return -np.sum(log_probs[np.arange(len(y)), y]) + 0.5 * params @ params
    ''', [_normal(22) + 0.05, _normal(5, 2), np.array([0, 1, 1, 0, 1])], wrt=[0, 1])
