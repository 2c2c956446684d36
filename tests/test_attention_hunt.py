"""Transformer code written in NumPy as tutorials write it: attention with masks, heads split by
reshapes, layer and RMS norms, GELU, softmax and cross-entropy, embeddings and positional encodings.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

from numeric import assert_generated_refused, assert_generated_right

RNG = np.random.default_rng(31)


def normal(*shape, scale=1.0):
    return RNG.standard_normal(shape) * scale


# --- heads split from the last axis by a reshape with -1: sizes the number of heads divides ----------


@pytest.mark.parametrize("split", [
    "(x @ W).reshape(B, T, 2, -1)",
    "np.reshape(x @ W, (B, T, 2, -1))",
    "(x @ W).reshape(*x.shape[:-1], 2, -1)",
    "(x @ W).reshape(B, T, nh, -1)",
], ids=["method", "function", "spread_shape", "local_count"])
def test_heads_split_by_a_reshape_with_minus_one_take_the_declared_shapes(split):
    # the declared C was sampled at a prime, which no number of heads divides: refused as running at no size
    assert_generated_right(f'''
        def f(x: "B, T, C", W: "C, C"):
            B, T, C = x.shape
            nh = 2
            q = {split}.transpose(0, 2, 1, 3)
            s = q @ q.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s = s / s.sum(axis=-1, keepdims=True)
            return np.sum((s @ q) ** 2)
    ''', [normal(2, 3, 4), normal(4, 4, scale=0.5)])
