"""More CS231n layers (``return out, cache``) accepted, or refused with a message saying what to
cache: each accepted backward, handed the cache the user's forward built, is checked against central
finite differences of sum(out * dout) in float64."""

import numpy as np
import pytest

from test_layer_acceptance import assert_close, layer_gradients

LAYERS = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache

def tanh_forward(x):
    out = np.tanh(x)
    cache = out
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache
'''


def _args(rng):
    return [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]


@pytest.mark.parametrize("between, after", [
    ("a2 = a2 * 2.0", "out, relu_cache = relu_forward(a2)"),
    ("a2 = -a2", "out, relu_cache = relu_forward(a2)"),
    ("a3 = 0.5 * a2", "out, relu_cache = relu_forward(a3)"),
    ("a2 = a2 / 4.0", "out, relu_cache = relu_forward(a2)"),
])
def test_a_sandwich_scaling_a_value_between_its_layers(between, after):
    source = LAYERS + f'''
def sandwich_forward(x, w, b):
    a1, fc_cache = affine_forward(x, w, b)
    a2, tanh_cache = tanh_forward(a1)
    {between}
    {after}
    cache = (fc_cache, tanh_cache, relu_cache)
    return out, cache
'''
    got, want, text = layer_gradients(source, "sandwich_forward", _args(np.random.default_rng(3)))
    assert_close(got, want)
    assert "tanh_backward(" in text.split("def sandwich_backward")[1]  # the layers' backwards, called


def test_a_sandwich_scaling_its_input_and_adding_a_number_to_its_output():
    source = LAYERS + '''
def sandwich_forward(x, w, b):
    x = x * 3.0
    a1, fc_cache = affine_forward(x, w, b)
    a2, tanh_cache = tanh_forward(a1)
    out = a2 + 1.0
    cache = (fc_cache, tanh_cache)
    return out, cache
'''
    got, want, _ = layer_gradients(source, "sandwich_forward", _args(np.random.default_rng(4)))
    assert_close(got, want)
