"""The helpers written into generated modules (backgen.runtime): each one's gradient against
central differences, for operands of several ranks, and how emit includes them."""

import ast
import itertools

import numpy as np
import pytest

from backgen import emit, runtime
from backgen.errors import BackgenError
from numeric import assert_close, gradient, weighted

NAMESPACE = {"np": np}
for _name in runtime.HELPERS:
    exec(runtime.source(_name), NAMESPACE)


def test_every_helper_is_one_documented_function():
    for name in runtime.HELPERS:
        namespace = {"np": np}
        exec(runtime.source(name), namespace)
        assert callable(namespace[name]) and namespace[name].__doc__, name


@pytest.mark.parametrize("grad_shape, shape", [((4, 3), (3,)), ((4, 3), (4, 1)), ((2, 4, 3), (1, 3)),
                                               ((4, 3), ()), ((4, 3), (4, 3)), ((3, 1, 5), (4, 1)),
                                               ((4,), (1, 4)), ((), (2, 3)), ((3, 1), (2, 1, 4))])
def test_unbroadcast_is_the_gradient_of_broadcasting(grad_shape, shape):
    """Also for a gradient smaller than x (an upstream gradient broadcast against the output)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    grad = rng.normal(size=grad_shape)
    out = np.broadcast_shapes(grad_shape, shape)
    want = gradient(lambda x: float(np.sum(np.broadcast_to(x, out) * grad)), [x], 0)
    got = NAMESPACE["_unbroadcast"](grad, x)
    assert np.shape(got) == np.shape(x)
    assert_close(np.asarray(got, dtype=float), want)


SHAPES = [(), (3,), (2, 3), (3, 3, 2), (2, 2, 3, 4)]


@pytest.mark.parametrize("kind, product", [("dot", np.dot), ("matmul", np.matmul)])
def test_product_helpers_for_every_rank(kind, product):
    rng = np.random.default_rng(1)
    checked = 0
    for sa, sb in itertools.product(SHAPES, SHAPES):
        a = rng.normal(size=sa)
        if sa and len(sb) >= 2:  # b's next-to-last axis is summed with a's last
            sb = sb[:-2] + (sa[-1],) + sb[-1:]
        elif sa and len(sb) == 1:
            sb = (sa[-1],)
        b = rng.normal(size=sb)
        try:
            out = product(a, b)
        except ValueError:
            continue
        dout = rng.normal(size=np.shape(out))
        objective = weighted(product, [dout])
        for k, helper in enumerate([f"_{kind}_grad_a", f"_{kind}_grad_b"]):
            want = gradient(objective, [a, b], k)
            got = NAMESPACE[helper](dout, a, b)
            assert np.shape(got) == np.shape([a, b][k]), (helper, a.shape, b.shape)
            assert_close(np.asarray(got, dtype=float), want)
        checked += 1
    assert checked >= 8


def test_emit_includes_called_helpers_once_in_order_with_their_callees():
    functions = ["def f_backward(x, dout=1.0):\n    return _dot_grad_a(dout, x, x) + _unbroadcast(dout, x)\n",
                 "def g_backward(x, dout=1.0):\n    return _unbroadcast(dout, x)\n"]
    helpers = emit._runtime_helpers(functions, [{"np": "onp", "math": "math"}])
    assert [name for name, _, _ in helpers] == ["_unbroadcast", "_dot_grad_a"]
    for _, text, _ in helpers:  # (the code reads the module as imported; words about NumPy's np.dot stay)
        names = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
        assert "onp" in names and "np" not in names
    assert helpers[0][2] == {"np": "onp"}


def test_a_user_name_that_is_a_helper_is_refused():
    functions = ["def f_backward(x, dout=1.0):\n    _unbroadcast = 2\n    return _dot_grad_a(dout, x, x)\n"]
    with pytest.raises(BackgenError, match="_unbroadcast"):
        emit._runtime_helpers(functions, [{"np": "np"}])


@pytest.mark.parametrize("shape, reps", [((3,), 2), ((3,), (2, 2)), ((2, 3), (2, 1)), ((2, 3), (2, 1, 3)),
                                         ((2, 1, 3), (2, 2)), ((), 3), ((), (2, 2))])
def test_untile_is_the_gradient_of_tile(shape, reps):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape)
    grad = rng.normal(size=np.shape(np.tile(x, reps)))
    want = gradient(weighted(lambda x: np.tile(x, reps), [grad]), [x], 0)
    got = NAMESPACE["_untile"](grad, x, reps)
    assert np.shape(got) == np.shape(x)
    assert_close(np.asarray(got, dtype=float), want)


@pytest.mark.parametrize("shape, repeats, axis", [((3,), 2, None), ((2, 3), 2, None), ((2, 3), 3, 0),
                                                  ((2, 3), 2, -1), ((2, 2, 3), 2, 1), ((), 3, None)])
def test_unrepeat_is_the_gradient_of_repeat(shape, repeats, axis):
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape)
    grad = rng.normal(size=np.shape(np.repeat(x, repeats, axis)))
    want = gradient(weighted(lambda x: np.repeat(x, repeats, axis), [grad]), [x], 0)
    got = NAMESPACE["_unrepeat"](grad, x, repeats, axis)
    assert np.shape(got) == np.shape(x)
    assert_close(np.asarray(got, dtype=float), want)


@pytest.mark.parametrize("shape, k", [((3,), 0), ((3,), 2), ((4,), -1), ((3, 3), 0), ((3, 5), 1), ((5, 3), -2),
                                      ((2, 4), 3), ((1, 1), 0)])
def test_diag_grad_is_the_gradient_of_diag(shape, k):
    rng = np.random.default_rng(4)
    v = rng.normal(size=shape)
    grad = rng.normal(size=np.shape(np.diag(v, k)))
    want = gradient(weighted(lambda v: np.diag(v, k), [grad]), [v], 0)
    got = NAMESPACE["_diag_grad"](grad, v, k)
    assert np.shape(got) == np.shape(v) and got.flags.writeable
    assert_close(got, want)


@pytest.mark.parametrize("sa, sb, axes", [((3, 4), (4, 2), 1), ((3, 4, 2), (4, 2), 2), ((4, 3), (2, 4, 5), ([0], [1])),
                                          ((3, 2), (2, 5, 3), ([1, 0], [0, 2])), ((3,), (2,), 0),
                                          ((2, 3), (3, 2), ([-1], [0]))])
def test_tensordot_grad_is_the_gradient_of_tensordot(sa, sb, axes):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    grad = rng.normal(size=np.shape(np.tensordot(a, b, axes)))
    objective = weighted(lambda a, b: np.tensordot(a, b, axes), [grad])
    for position in (0, 1):
        got = NAMESPACE["_tensordot_grad"](grad, a, b, axes, position)
        assert_close(got, gradient(objective, [a, b], position))
