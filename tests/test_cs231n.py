"""CS231n code as students write it: ``(out, cache)`` layers, settings dicts, docstring shapes.

Each layer's forward is the student's own (generated_examples/cs231n_student.py); its cache goes to
the backward backgen generated from the file (the golden cs231n_student_backward.py), and the gradients are checked against central finite
differences of sum(out * dout), with random masks held fixed.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import EXAMPLES, load_module  # noqa: E402


@pytest.fixture(scope="module")
def student():
    return load_module(EXAMPLES / "cs231n_student.py")


@pytest.fixture(scope="module")
def generated():
    return load_module(EXAMPLES / "cs231n_student_backward.py")


def numeric(f, x, dout, eps=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (np.sum(f(plus) * dout) - np.sum(f(minus) * dout)) / (2 * eps)
    return grad


def check_layer(forward, backward, args, wrt):
    rng = np.random.default_rng(0)
    out, cache = forward(*args)
    dout = rng.standard_normal(np.shape(out))
    frozen = [np.copy(c) if isinstance(c, np.ndarray) else c for c in (cache if isinstance(cache, tuple) else [cache])]
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for before, after in zip(frozen, cache if isinstance(cache, tuple) else [cache]):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward changed the cache")
    assert len(grads) == len(wrt)
    for k, grad in zip(wrt, grads):
        def f(value, k=k):
            trial = list(args)
            trial[k] = value
            return forward(*trial)[0]
        np.testing.assert_allclose(grad, numeric(f, args[k], dout), rtol=1e-5, atol=1e-7)


def test_affine_with_shapes_from_the_docstring(student, generated):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    check_layer(student.affine_forward, generated.affine_backward, (x, w, b), (0, 1, 2))


def test_relu_of_any_shape(student, generated):
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    check_layer(student.relu_forward, generated.relu_backward, (x,), (0,))
    check_layer(student.relu_forward, generated.relu_backward, (x[0],), (0,))


def test_a_sandwich_layer_calls_the_layers_backwards(student, generated):
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    check_layer(student.affine_relu_forward, generated.affine_relu_backward, (x, w, b), (0, 1, 2))
    text = Path(generated.__file__).read_text().split("def affine_relu_backward")[1]
    assert "relu_backward(dout, relu_cache)" in text and "affine_backward(da, fc_cache)" in text


def test_batchnorm_training_mode_with_its_settings(student, generated):
    rng = np.random.default_rng(3)
    x, gamma, beta = rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal(4)
    settings = {"mode": "train"}

    def forward(x, gamma, beta):
        return student.batchnorm_forward(x, gamma, beta, dict(settings))
    check_layer(forward, generated.batchnorm_backward, (x, gamma, beta), (0, 1, 2))


def test_dropout_takes_its_mask_from_the_cache(student, generated):
    x = np.random.default_rng(4).standard_normal((5, 6))

    def forward(x, mode="train"):
        return student.dropout_forward(x, {"p": 0.5, "mode": mode, "seed": 7})  # the same mask each call
    check_layer(forward, generated.dropout_backward, (x,), (0,))
    check_layer(lambda x: forward(x, "test"), generated.dropout_backward, (x,), (0,))
    assert "np.random" not in Path(generated.__file__).read_text().split("def dropout_backward")[1]


def test_a_loss_returning_its_own_gradient_gets_the_gradient_of_the_loss(student, generated):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    dx = generated.softmax_loss_backward(x, y)
    np.testing.assert_allclose(dx, numeric(lambda v: student.softmax_loss(v, y)[0], x, 1.0), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(dx, student.softmax_loss(x, y)[1], rtol=1e-6)  # the student's own


def test_svm_loss_layernorm_rnn_step_embedding_and_temporal_affine(student, generated):
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    dx = generated.svm_loss_backward(x, y)
    np.testing.assert_allclose(dx, numeric(lambda v: student.svm_loss(v, y)[0], x, 1.0), rtol=1e-5, atol=1e-8)
    x, gamma, beta = rng.standard_normal((4, 6)), rng.standard_normal(6), rng.standard_normal(6)
    check_layer(lambda *a: student.layernorm_forward(*a, {}), generated.layernorm_backward, (x, gamma, beta),
                (0, 1, 2))
    args = (rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5)),
            rng.standard_normal((5, 5)), rng.standard_normal(5))
    check_layer(student.rnn_step_forward, generated.rnn_step_backward, args, (0, 1, 2, 3, 4))
    words, W = rng.integers(0, 3, (2, 4)), rng.standard_normal((3, 5))  # repeated words add up
    check_layer(lambda W: student.word_embedding_forward(words, W), generated.word_embedding_backward, (W,), (0,))
    args = (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5))
    check_layer(student.temporal_affine_forward, generated.temporal_affine_backward, args, (0, 1, 2))


def test_a_layer_with_computation_around_a_layer_call_is_refused_clearly():
    source = '''
import numpy as np

def bn_forward(x, gamma, beta, bn_param):
    """
    - x: (N, D)  of shape (N, D)
    - gamma: of shape (D,)
    - beta: of shape (D,)
    """
    out = gamma * x + beta
    cache = (x, gamma)
    return out, cache

def spatial_forward(x, gamma, beta, bn_param):
    """
    - x: of shape (N, C, H, W)
    - gamma: of shape (C,)
    - beta: of shape (C,)
    """
    N, C, H, W = x.shape
    out_flat, cache = bn_forward(x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, bn_param)
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match="'cache' comes from a layer called here"):
        backgen.generate(source, name="spatial_forward")


def test_the_cache_must_hold_what_the_backward_reads():
    source = '''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: input of shape (N, D)
    - w: weights of shape (D, M)
    - b: biases of shape (M,)
    """
    out = x.dot(w) + b
    cache = (x,)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"needs w .*does not hold \(it holds x\): add it to the cache"):
        backgen.generate(source)


def test_template_lines_are_accepted():
    source = '''
import numpy as np

def scale_forward(x: "N, D", k: float):
    """Scales x."""
    out = None
    assert x.ndim == 2, "x must be a matrix"
    if x.ndim != 2:
        raise ValueError("x must be a matrix")
    ###################################
    # TODO: implement the forward pass #
    ###################################
    print("scaling", x.shape)
    pass
    out = x * k
    """a string in the middle"""
    return out
'''
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.ones((2, 3))
    dx, dk = namespace["scale_forward_backward"](x, 3.0, np.ones((2, 3)))
    assert np.allclose(dx, 3.0) and dk == pytest.approx(6.0)


def test_a_none_that_reaches_arithmetic_is_an_error_at_its_line():
    source = 'def f(x: float):\n    out = None\n    y = out * x\n    return y\n'
    with pytest.raises(backgen.BackgenError, match="'out' is None here \\(set to None on line 2") as info:
        backgen.generate(source)
    assert info.value.lineno == 3


def test_random_numbers_outside_a_cache_are_refused():
    source = 'import numpy as np\ndef f(x: "N"):\n    mask = np.random.rand(*x.shape) < 0.5\n    return x * mask\n'
    with pytest.raises(backgen.BackgenError, match="draws new numbers on every call"):
        backgen.generate(source)


def test_astype_to_a_float_type_keeps_the_gradient():
    source = 'import numpy as np\ndef f(x: "N"):\n    y = (x * 2.0).astype(x.dtype)\n    return np.sum(y * y)\n'
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.array([0.5, 0.6])
    assert np.allclose(namespace["f_backward"](x), 8 * x)
