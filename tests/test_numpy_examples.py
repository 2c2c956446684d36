"""The seed's NumPy worked examples (5, 6, 8) and the CS231n layers: golden files, executed and checked.

Each example is checked three ways: ``backgen.gradcheck`` on the forward (which
generates its own backward), the golden ``*_backward.py`` module against central
finite differences computed here, and, where the seed writes the backward by
hand, the golden module against the seed's own lines.  The generated code
depends only on ranks, so small sizes are used for the finite differences.
"""

import numpy as np
import pytest

import backgen
from numeric import finite_differences

from conftest import EXAMPLES

RNG_SEED = 231


def rng():
    return np.random.default_rng(RNG_SEED)


def numeric_gradients(forward, args, wrt, dout=1.0, eps=1e-6):
    """Central finite differences of ``sum(forward(*args) * dout)`` for the arguments at ``wrt``."""
    return [np.asarray(g) for g in finite_differences(forward, args, wrt, (dout,), eps)]

def assert_matches_finite_differences(forward, backward, args, wrt, dout=1.0, skip=()):
    """``backward(*args, dout)`` (one gradient per parameter, in order) against finite differences.

    ``skip`` names positions the backward does not return (integer labels).
    """
    analytic = backward(*args, dout)
    if not isinstance(analytic, tuple):
        analytic = (analytic,)
    returned = [i for i in range(len(args)) if i not in skip]
    assert len(analytic) == len(returned)
    by_position = dict(zip(returned, analytic))
    numeric = numeric_gradients(forward, args, wrt, dout)
    for position, expected in zip(wrt, numeric):
        got = by_position[position]
        assert np.shape(got) == np.shape(args[position]), f"gradient {position} has the wrong shape"
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7, err_msg=f"argument {position}")


# --- seed example 5: ||W x||^2 --------------------------------------------------

SEED_W = np.array([[0.1, 0.5], [-0.3, 0.8]])
SEED_X = np.array([0.2, 0.4]).reshape((2, 1))


def test_wx_norm_matches_seed(example):
    dW, dx = example("wx_norm_backward").wx_norm_backward(SEED_W, SEED_X)
    # the seed's hand-written backward
    W, x = SEED_W, SEED_X
    q = W.dot(x)
    dq = 2 * q
    seed_dW = dq.dot(x.T)
    seed_dx = W.T.dot(dq)
    assert dW.shape == W.shape and dx.shape == x.shape
    np.testing.assert_allclose(dW, seed_dW, rtol=1e-15)
    np.testing.assert_allclose(dx, seed_dx, rtol=1e-15)
    np.testing.assert_allclose(dW, [[0.088, 0.176], [0.104, 0.208]])
    np.testing.assert_allclose(dx, [[-0.112], [0.636]])


def test_wx_norm_reads_like_the_seed():
    source = (EXAMPLES / "wx_norm_backward.py").read_text(encoding="utf-8")
    for line in ["dq = (2 * q) * dout", "dW = dq.dot(x.T)", "dx = W.T.dot(dq)"]:
        assert line in source


def test_wx_norm_gradients(example):
    forward = example("wx_norm").wx_norm
    assert backgen.gradcheck(forward, SEED_W, SEED_X) < 1e-6
    W, x = rng().standard_normal((2, 2)), rng().standard_normal((2, 1))
    assert_matches_finite_differences(forward, example("wx_norm_backward").wx_norm_backward, (W, x), wrt=(0, 1))


# --- seed example 6: the two-layer network ----------------------------------------

def two_layer_data(N, D_in, H, D_out):
    r = rng()
    x = r.standard_normal((N, D_in))
    y = r.standard_normal((N, D_out))
    w1 = r.standard_normal((D_in, H))
    w2 = r.standard_normal((H, D_out))
    return x, y, w1, w2


def seed_two_layer_gradients(x, y, w1, w2):
    """The seed's hand-written backward (example 6), verbatim."""
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_w1 = x.T.dot(grad_h * h * (1 - h))
    return grad_w1, grad_w2


def test_two_layer_net_matches_seed(example):
    backward = example("two_layer_net_backward").two_layer_net_backward
    x, y, w1, w2 = two_layer_data(64, 1000, 100, 10)
    w1 *= 0.03  # keep the sigmoid out of saturation, so the hidden gradient is not all zeros
    dx, dy, dw1, dw2 = backward(x, y, w1, w2)
    grad_w1, grad_w2 = seed_two_layer_gradients(x, y, w1, w2)
    assert np.abs(grad_w1).max() > 1e-3
    np.testing.assert_allclose(dw1, grad_w1, rtol=1e-10, atol=1e-12 * np.abs(grad_w1).max())
    np.testing.assert_allclose(dw2, grad_w2, rtol=1e-10, atol=1e-12 * np.abs(grad_w2).max())


def test_two_layer_net_sgd_as_in_the_seed(example):
    """The seed's training loop, with the golden backward in place of the hand-written one."""
    forward = example("two_layer_net").two_layer_net
    backward = example("two_layer_net_backward").two_layer_net_backward
    # the seed's sizes, except D_in = 100 instead of 1000, to keep the test fast
    x, y, w1, w2 = two_layer_data(64, 100, 100, 10)
    learning_rate = 1e-4
    losses = []
    for step in range(200):
        losses.append(forward(x, y, w1, w2))
        _, _, grad_w1, grad_w2 = backward(x, y, w1, w2)
        if step % 50 == 0:  # along the way, the seed's hand-written gradients agree
            seed_w1, seed_w2 = seed_two_layer_gradients(x, y, w1, w2)
            np.testing.assert_allclose(grad_w1, seed_w1, rtol=1e-10, atol=1e-12 * np.abs(seed_w1).max())
            np.testing.assert_allclose(grad_w2, seed_w2, rtol=1e-10, atol=1e-12 * np.abs(seed_w2).max())
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    assert losses[-1] < 0.5 * losses[0]  # in fact below 0.02 * losses[0]
    assert all(np.isfinite(losses))


def test_two_layer_net_weights_only(example):
    """x and y are data: the decorator's wrt gives dw1, dw2 only, equal to the golden ones."""
    forward = example("two_layer_net").two_layer_net
    net = backgen.backward(forward, wrt=("w1", "w2"))
    x, y, w1, w2 = two_layer_data(5, 7, 4, 3)
    dw1, dw2 = net.backward(x, y, w1, w2)
    golden = example("two_layer_net_backward").two_layer_net_backward(x, y, w1, w2)
    np.testing.assert_allclose(dw1, golden[2], rtol=1e-12)
    np.testing.assert_allclose(dw2, golden[3], rtol=1e-12)
    assert "dx = " not in net.backward_source and "dy = " not in net.backward_source
    assert backgen.gradcheck(net, x, y, w1, w2) < 1e-5


def test_two_layer_net_gradients(example):
    forward = example("two_layer_net").two_layer_net
    args = two_layer_data(5, 7, 4, 3)
    assert backgen.gradcheck(forward, *args) < 1e-5
    assert backgen.gradcheck(forward, *args, wrt=("w1", "w2")) < 1e-5
    backward = example("two_layer_net_backward").two_layer_net_backward
    assert_matches_finite_differences(forward, backward, args, wrt=(0, 1, 2, 3))


# --- seed example 8: the three-layer network ----------------------------------------

def three_layer_args(N):
    r = rng()
    shapes = [(3, N), (4, 3), (4, 1), (4, 4), (4, 1), (1, 4), (1, 1)]
    return tuple(r.standard_normal(shape) for shape in shapes)


def test_three_layer_forward_gradients(example):
    forward = example("three_layer_forward").three_layer_forward
    backward = example("three_layer_forward_backward").three_layer_forward_backward
    args = three_layer_args(5)
    assert forward(*args).shape == (1, 5)
    assert backgen.gradcheck(forward, *args) < 1e-5
    dout = rng().standard_normal((1, 5))
    assert_matches_finite_differences(forward, backward, args, wrt=range(7), dout=dout)


def test_three_layer_forward_single_column(example):
    """N = 1 (one column vector) uses the same generated code."""
    forward = example("three_layer_forward").three_layer_forward
    backward = example("three_layer_forward_backward").three_layer_forward_backward
    args = three_layer_args(1)
    assert_matches_finite_differences(forward, backward, args, wrt=range(7), dout=np.array([[0.7]]))


def test_three_layer_forward_hand_backward(example):
    """The backward a person writes for example 8, with the sigmoid gate (1 - h) * h."""
    x, W1, b1, W2, b2, W3, b3 = args = three_layer_args(6)
    dout = rng().standard_normal((1, 6))
    h1 = 1 / (1 + np.exp(-(W1.dot(x) + b1)))
    h2 = 1 / (1 + np.exp(-(W2.dot(h1) + b2)))
    dW3 = dout.dot(h2.T)
    db3 = dout.sum(axis=1, keepdims=True)
    dz2 = W3.T.dot(dout) * (1 - h2) * h2
    dW2 = dz2.dot(h1.T)
    db2 = dz2.sum(axis=1, keepdims=True)
    dz1 = W2.T.dot(dz2) * (1 - h1) * h1
    dW1 = dz1.dot(x.T)
    db1 = dz1.sum(axis=1, keepdims=True)
    dx = W1.T.dot(dz1)
    got = example("three_layer_forward_backward").three_layer_forward_backward(*args, dout)
    for g, e in zip(got, (dx, dW1, db1, dW2, db2, dW3, db3)):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)


# --- CS231n layers -----------------------------------------------------------------

def layer_cases():
    r = rng()
    N, D, M, C = 5, 4, 3, 4
    y = np.array([0, 3, 1, 3, 2])
    return {
        # name: (args, differentiable positions, positions not returned by the backward, dout)
        "affine": ((r.standard_normal((N, D)), r.standard_normal((D, M)), r.standard_normal(M)),
                   (0, 1, 2), (), r.standard_normal((N, M))),
        "relu": ((r.standard_normal((N, D)),), (0,), (), r.standard_normal((N, D))),
        "softmax_loss": ((r.standard_normal((N, C)), y), (0,), (1,), 1.0),
        "svm_loss": ((r.standard_normal((N, C)), y), (0,), (1,), 1.0),
        "batchnorm": ((r.standard_normal((N, D)) * 2 + 1, r.standard_normal(D), r.standard_normal(D), 1e-5),
                      (0, 1, 2), (), r.standard_normal((N, D))),
        "l2_regularization": ((r.standard_normal((D, M)), 0.3), (0, 1), (), 1.0),
    }


LAYERS = list(layer_cases())


@pytest.mark.parametrize("name", LAYERS)
def test_layer_gradcheck(example, name):
    forward = getattr(example("layers"), name)
    args, wrt, skip, _ = layer_cases()[name]
    if name == "batchnorm":  # eps as well: its gradient is tiny but exact
        args = args[:3] + (0.1,)
    assert backgen.gradcheck(forward, *args) < 1e-5


@pytest.mark.parametrize("name", LAYERS)
def test_layer_golden_matches_finite_differences(example, name):
    forward = getattr(example("layers"), name)
    backward = getattr(example("layers_backward"), name + "_backward")
    args, wrt, skip, dout = layer_cases()[name]
    if name == "batchnorm":
        args = args[:3] + (0.1,)
        wrt = (0, 1, 2, 3)
    assert_matches_finite_differences(forward, backward, args, wrt=wrt, dout=dout, skip=skip)


def test_labels_are_not_differentiated(example):
    """Integer labels (annotated "int N") are left out of the default wrt."""
    module = example("layers")
    for name in ("softmax_loss", "svm_loss"):
        assert backgen.backward(getattr(module, name)).wrt == ("x",)
    x, y = layer_cases()["softmax_loss"][0]
    assert example("layers_backward").softmax_loss_backward(x, y).shape == x.shape


def test_softmax_loss_is_probs_minus_one_hot(example):
    """CS231n's closed form: dx = (softmax(x) - onehot(y)) / N."""
    (x, y), *_ = layer_cases()["softmax_loss"]
    x = x + np.array([0.0, 0.0, 50.0, 0.0])  # a large score: the max shift must keep it finite
    probs = np.exp(x - x.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    expected = probs.copy()
    expected[np.arange(len(y)), y] -= 1
    expected /= len(y)
    got = example("layers_backward").softmax_loss_backward(x, y)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15)


def test_svm_loss_matches_cs231n(example):
    """CS231n's vectorized SVM gradient: +1 per positive margin, minus their count on the correct class."""
    (x, y), *_ = layer_cases()["svm_loss"]
    N = x.shape[0]
    margins = np.maximum(0, x - x[np.arange(N), y][:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    binary = (margins > 0).astype(float)
    binary[np.arange(N), y] = -binary.sum(axis=1)
    got = example("layers_backward").svm_loss_backward(x, y)
    np.testing.assert_allclose(got, binary / N, rtol=1e-12, atol=1e-15)
    assert example("layers").svm_loss(x, y) == pytest.approx(margins.sum() / N)


def test_batchnorm_matches_the_compact_formula(example):
    """The staged backward equals the one-line batchnorm backward of CS231n."""
    (x, gamma, beta, eps), _, _, dout = layer_cases()["batchnorm"]
    dx, dgamma, dbeta, _ = example("layers_backward").batchnorm_backward(x, gamma, beta, eps, dout)
    N = x.shape[0]
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)
    ivar = 1 / np.sqrt(x.var(axis=0) + eps)
    expected_dx = (gamma * ivar / N) * (N * dout - dout.sum(axis=0) - xhat * (dout * xhat).sum(axis=0))
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, (dout * xhat).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(dbeta, dout.sum(axis=0), rtol=1e-12)


def test_l2_regularization_is_reg_times_w(example):
    W, reg = layer_cases()["l2_regularization"][0]
    dW, dreg = example("layers_backward").l2_regularization_backward(W, reg)
    np.testing.assert_allclose(dW, reg * W, rtol=1e-12)
    assert dreg == pytest.approx(0.5 * np.sum(W * W))


def test_backward_does_not_modify_its_inputs(example):
    """Adjoints assigned from dout and then accumulated must not write into the caller's arrays."""
    module = example("layers_backward")
    for name, (args, _, _, dout) in layer_cases().items():
        before = [np.copy(a) for a in args] + [np.copy(dout)]
        getattr(module, name + "_backward")(*args, dout)
        for old, new in zip(before, list(args) + [dout]):
            np.testing.assert_array_equal(old, new, err_msg=name)
