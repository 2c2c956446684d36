"""Linear algebra, joins, splits and reorderings: programs that once gave a wrong gradient, crashed
or were refused though their meaning is decidable; each is now right (against central finite
differences in float64) or refused with a clear message."""

import math
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).parent))
from test_never_wrong import assert_refused, assert_right  # noqa: E402

RNG = np.random.default_rng(7)


def _values(*shape):
    return RNG.uniform(0.3, 1.2, size=shape) * RNG.choice([-1.0, 1.0], size=shape)


def _shape_free(source):
    """``source`` with its shape annotations taken away."""
    import re
    return re.sub(r': "[0-9, ]*"', "", re.sub(r": float", "", source))


# --- np.linalg.qr of fewer rows than columns; of a stack with shapes given ------------------

QR_WIDE = '''
def f(A: "2, 3"):
    Q, R = np.linalg.qr(A)
    t = np.stack([Q.sum(), R.max(), Q.min()])
    return np.einsum('i,i', t, t) + np.sum(np.sin(R) * np.arange(6.0).reshape(2, 3))
'''


@pytest.mark.parametrize("shape_free", [False, True])
def test_qr_of_fewer_rows_than_columns(shape_free):
    # R is (2, 3), not square: the backward solved against it and raised (LinAlgError); A = [X | Y],
    # R = [U | V] with X = Q U square and V = Q.T Y
    source = _shape_free(QR_WIDE) if shape_free else QR_WIDE
    assert_right(source, [np.array([[1.08, 0.71, -0.54], [0.74, 1.17, -0.98]])])


@pytest.mark.parametrize("shape", [(2, 4), (3, 5), (1, 3)])
def test_qr_of_fewer_rows_both_factors_read(shape):
    A, W, V = _values(*shape), _values(shape[0], shape[0]), _values(*shape)
    assert_right(f'''
    def f(A: "{shape[0]}, {shape[1]}", W: "{shape[0]}, {shape[0]}", V: "{shape[0]}, {shape[1]}"):
        Q, R = np.linalg.qr(A)
        return np.sum(W * Q) + np.sum(np.triu(R) ** 3 * V)
    ''', [A, W, V])


@pytest.mark.parametrize("shape", [(2, 3, 2), (2, 2, 3), (3, 3, 3)])
def test_qr_of_a_stack_with_shapes_given(shape):
    # refused ('np.linalg.qr is differentiated for one 2-D matrix'); without shapes it was right
    dims = ", ".join(map(str, shape))
    assert_right(f'''
    def f(A: "{dims}"):
        Q, R = np.linalg.qr(A)
        return np.sum(Q[..., 0] ** 3) + np.sum(np.tanh(R))
    ''', [_values(*shape)])
