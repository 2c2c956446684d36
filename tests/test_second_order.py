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


def power(x, n: int):
    y = 1.0
    for i in range(n):
        y = y * x
    return y


def rnn_energy(x, h, W):
    for t in range(x.shape[0]):
        h = np.tanh(x[t] * W + h * W)
    return np.sum(h * h)


@pytest.mark.parametrize("n", [0, 1, 2, 4])
def test_second_derivative_through_a_loop(n):
    first = backgen.backward(power, wrt=("x",))
    first.backward(1.3, n)
    second = backgen.backward(first.backward_function, wrt=("x",))
    expected = n * (n - 1) * 1.3 ** (n - 2) if n >= 2 else 0.0
    assert second.backward(1.3, n, 1.0, dout=1.0) == pytest.approx(expected)


def test_hessian_vector_product_through_an_unrolled_rnn():
    rng = np.random.default_rng(2)
    x, h = rng.standard_normal((3, 4)), rng.standard_normal(4)
    first = backgen.backward(rnn_energy)
    assert backgen.gradcheck(first, x, h, 0.7) < 1e-6  # the first derivative is right
    second = backgen.backward(first.backward_function, wrt=("x", "h", "W"))
    vx, vh, vw = rng.standard_normal((3, 4)), rng.standard_normal(4), 0.8
    hv = second.backward(x, h, 0.7, 1.0, dout=(vx, vh, vw))
    step = 1e-6
    plus = first.backward(x + step * vx, h + step * vh, 0.7 + step * vw)
    minus = first.backward(x - step * vx, h - step * vh, 0.7 - step * vw)
    # the Hessian is symmetric: H v, seen from each input
    for got, a, b in zip(hv, plus, minus):
        np.testing.assert_allclose(got, (np.asarray(a) - np.asarray(b)) / (2 * step), rtol=1e-5, atol=1e-7)


def doubled_square(W):
    x = np.sum(W, axis=0)
    y = (x + x) * x
    return np.sum(y * np.cos(W[:, 1]))


def doubled_square_gradient(W):
    x = np.sum(W, axis=0)
    c = np.cos(W[:, 1])
    grad = np.broadcast_to(4 * x * c, W.shape).copy()
    grad[:, 1] += -np.sin(W[:, 1]) * 2 * x ** 2
    return grad


def test_hessian_vector_product_where_one_adjoint_feeds_two_sums():
    rng = np.random.default_rng(5)
    W, V = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    first = backgen.backward(doubled_square)
    np.testing.assert_allclose(first.backward(W), doubled_square_gradient(W), rtol=1e-12)
    second = backgen.backward(first.backward_function, wrt=("W",))
    hvp = second.backward(W, 1.0, dout=V)
    h = 1e-6
    numeric = (doubled_square_gradient(W + h * V) - doubled_square_gradient(W - h * V)) / (2 * h)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-5, atol=1e-8)


def loop_under_a_test(x, y):
    if y > 0:
        for i in range(2):
            x = x * y
    return x * x


def loop_under_a_test_gradient(x, y):
    if y > 0:
        return 2 * x * y ** 4, 4 * x * x * y ** 3
    return 2 * x, 0.0


@pytest.mark.parametrize("point", [(0.7, 1.3), (0.7, -1.3)])
def test_second_derivative_of_a_loop_the_backward_replays_under_the_same_test(point):
    # the backward saves the loop's values under `if y > 0` and pops them under the same test
    first = backgen.backward(loop_under_a_test)
    assert first.backward(*point) == pytest.approx(loop_under_a_test_gradient(*point))
    second = backgen.backward(first.backward_function, wrt=("x", "y"))
    h = 1e-6
    for direction in ((1.0, 0.0), (0.0, 1.0), (0.6, -0.8)):
        hvp = second.backward(*point, 1.0, dout=direction)
        plus = loop_under_a_test_gradient(*(p + h * d for p, d in zip(point, direction)))
        minus = loop_under_a_test_gradient(*(p - h * d for p, d in zip(point, direction)))
        assert hvp == pytest.approx([(a - b) / (2 * h) for a, b in zip(plus, minus)], rel=1e-5, abs=1e-7)
