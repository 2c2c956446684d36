"""The generated backward is itself differentiable: Hessian-vector products.

Each case differentiates ``f.backward_function`` again and compares the result
with central finite differences of a first derivative written by hand.
"""

import math

import numpy as np
import pytest

import backgen


def scalar(x, y):
    return x * x * y + math.sin(x * y)


def scalar_gradient(x, y):
    return 2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y)


def branchy(x, y):
    if x > 0:
        z = x * x * y
    else:
        z = math.exp(x) * y
    return z + y * y


def branchy_gradient(x, y):
    if x > 0:
        return 2 * x * y, x * x + 2 * y
    return math.exp(x) * y, math.exp(x) + 2 * y


@pytest.mark.parametrize("forward, gradient, point", [
    (scalar, scalar_gradient, (0.7, -1.3)),
    (scalar, scalar_gradient, (-0.4, 2.1)),
    (branchy, branchy_gradient, (0.8, 1.5)),
    (branchy, branchy_gradient, (-0.8, 1.5)),
])
def test_hessian_vector_products_of_scalar_code(forward, gradient, point):
    first = backgen.backward(forward)
    second = backgen.backward(first.backward_function, wrt=("x", "y"))
    h = 1e-6
    for direction in ((1.0, 0.0), (0.0, 1.0), (0.6, -0.8)):
        hvp = second.backward(*point, 1.0, dout=direction)
        plus = gradient(*(p + h * d for p, d in zip(point, direction)))
        minus = gradient(*(p - h * d for p, d in zip(point, direction)))
        numeric = [(a - b) / (2 * h) for a, b in zip(plus, minus)]
        assert hvp == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def squashed(W, x):
    q = W @ x
    return np.sum(np.tanh(q) ** 2)


def squashed_gradient(W, x):
    t = np.tanh(W @ x)
    return np.outer(2 * t * (1 - t ** 2), x)


def test_hessian_vector_product_of_numpy_code():
    rng = np.random.default_rng(0)
    W, x, V = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((3, 4))
    first = backgen.backward(squashed, wrt=("W",))
    np.testing.assert_allclose(first.backward(W, x), squashed_gradient(W, x), rtol=1e-12)
    second = backgen.backward(first.backward_function, wrt=("W",))
    hvp = second.backward(W, x, 1.0, dout=V)
    h = 1e-6
    numeric = (squashed_gradient(W + h * V, x) - squashed_gradient(W - h * V, x)) / (2 * h)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-5, atol=1e-8)


def test_backward_function_is_readable_source():
    first = backgen.backward(scalar)
    text = backgen.generate(first.backward_function)
    assert "def scalar_backward_backward(x, y, dout=1.0, dout1=None, dout2=None):" in text
