"""Roots of values that are never negative, at points where those values are 0.

``np.sqrt(np.maximum(x - 2.5, 0))`` where ``x < 2.5``, and a point's distance to itself
(``np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))`` on its diagonal): the value under the root is 0
and at its minimum there, so the root's gradient is 0, as central differences give; the chain
rule's ``inf * 0`` gave nan (a ZeroDivisionError for numbers).
"""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences

X = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.3]])
XS = np.array([1.0, 3.0, 4.0])

CASES = [
    ("def f(x):\n    return np.sum(np.sqrt(np.maximum(x - 2.5, 0)))\n", XS, "3"),
    ("def f(x):\n    return np.sum(np.maximum(x - 2.5, 0.0) ** 0.5)\n", XS, "3"),
    ("def f(x):\n    return np.sum(np.power(np.maximum(0, x - 2.5), 0.5) * x)\n", XS, "3"),
    ("def f(x):\n    return np.sum(np.sqrt(np.clip(x - 2.5, 0, None)))\n", XS, "3"),
    ("def f(x):\n    r = np.maximum(x - 2.5, 0)\n    return np.sum(np.cbrt(r * r))\n", XS, "3"),
    ("def f(X):\n    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))\n    return np.sum(D)\n", X, "3, 2"),
    ("def f(X):\n    diff = X[:, None, :] - X[None, :, :]\n    D = np.sqrt(np.sum(diff ** 2, axis=-1))\n"
     "    return np.sum(np.exp(-D))\n", X, "3, 2"),
    ("def f(X):\n    d = X[:, None, :] - X[None, :, :]\n    return np.sum(np.sqrt(np.square(d).sum(axis=2) + 0.0))\n",
     X, "3, 2"),
]


@pytest.mark.parametrize("shaped", [False, True])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_a_root_of_a_value_never_negative_is_0_where_that_value_is(case, shaped):
    body, value, shape = CASES[case]
    source = "import numpy as np\n" + body
    namespace = {}
    exec(source, namespace)
    text = backgen.generate(source, name="f", shapes={body[6]: shape} if shaped else None)
    generated = {}
    exec(text, generated)
    got = generated["f_backward"](value.copy(), 1.0)
    want, = finite_differences(namespace["f"], [value.copy()], [0], [1.0])
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_the_decorator_gives_the_pairwise_distances_gradient_0_on_the_diagonal():
    @backgen.backward
    def energy(X):
        D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
        return np.sum(D * D * D)  # (smooth at 0 too: 3 D ** 2 there)

    @backgen.backward
    def softplus_root(x):
        return np.sum(np.sqrt(np.maximum(x - 2.5, 0)))
    want, = finite_differences(energy, [X.copy()], [0], [1.0])
    np.testing.assert_allclose(energy.backward(X.copy()), want, rtol=1e-5, atol=1e-6)
    want, = finite_differences(softplus_root, [XS.copy()], [0], [1.0])
    np.testing.assert_allclose(softplus_root.backward(XS.copy()), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body", [
    "return math.sqrt(max(x - 2.5, 0.0)) + x",
    "return max(0.0, x - 2.5) ** 0.5 * y",
    "dx = x - y\n    return math.sqrt(dx * dx) + math.sqrt(dx * dx + (y - y) ** 2) * x",
])
def test_a_root_of_a_number_never_negative_is_0_where_that_number_is(body):
    source = f"import math\ndef f(x, y):\n    {body}\n"
    namespace = {}
    exec(source, namespace)
    text = backgen.generate(source, name="f")
    generated = {}
    exec(text, generated)
    for x, y in ((1.0, 1.0), (3.5, 0.5)):  # (x = y: the distances are 0)
        got = generated["f_backward"](x, y, 1.0)
        want = finite_differences(namespace["f"], [x, y], [0, 1], [1.0])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_root_of_a_value_that_may_be_negative_is_left_as_it_is():
    """x - 2.5 may be negative, so where it is 0 the root is not at a minimum: its derivative stays
    the formula's (infinite from the right), not 0."""
    text = backgen.generate(textwrap.dedent('''
    def f(x):
        return np.sum(np.sqrt(x - 2.5))
    '''), name="f")
    assert "np.where" not in text
    assert "0.5 / sqrt" in text
    generated = {}
    exec(text, generated)
    assert math.isclose(generated["f_backward"](np.array([6.5]), 1.0)[0], 0.25)
