"""Loops over the pairs of a list of layer sizes, as autograd's examples unpack a network from one
vector: ``shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))``, then ``for m, n in shapes`` (or
over the ``zip`` itself), each layer's weights and activations of shapes of their own.  The loop is
written out layer by layer where the sizes are known: a list the function writes, a default
(``layer_sizes=(1, 4, 1)``: the code is for it, and says so where it is given another), or the sizes
the decorated function is called with (its code kept per value).  Gradients against central
differences."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in, scratch_folder

BODY = '''
        W = weights[:m * n].reshape(m, n)
        b = weights[m * n:m * n + n]
        weights = weights[(m + 1) * n:]
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return np.sum((outputs - targets) ** 2)
'''

WRITTEN = {
    "list_of_zip": '''
import numpy as np
def f(weights: "13", inputs: "6, 1", targets: "6, 1"):
    layer_sizes = [1, 4, 1]
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    for m, n in shapes:''' + BODY,
    "default": '''
import numpy as np
def f(weights: "13", inputs: "6, 1", targets: "6, 1", layer_sizes=(1, 4, 1)):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    for m, n in shapes:''' + BODY,
    "default_zipped": '''
import numpy as np
def f(weights: "13", inputs: "6, 1", targets: "6, 1", layer_sizes=(1, 4, 1)):
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):''' + BODY,
}


def _args(sizes, seed):
    rng = np.random.default_rng(seed)
    count = sum((m + 1) * n for m, n in zip(sizes[:-1], sizes[1:]))
    return [rng.normal(size=count), rng.normal(size=(6, sizes[0])), rng.normal(size=(6, sizes[-1]))]


@pytest.mark.parametrize("case", sorted(WRITTEN))
def test_generated_for_sizes_known_as_it_is_written(case):
    extra = [] if case == "list_of_zip" else [(1, 4, 1)]
    assert_generated_right(WRITTEN[case], _args((1, 4, 1), 1) + extra)


def test_a_default_the_code_is_written_for_is_checked():
    namespace = {}
    exec(compile(backgen.generate(WRITTEN["default"], name="f"), "<generated>", "exec"), namespace)
    with pytest.raises(ValueError, match=r"written for layer_sizes=\(1, 4, 1\), the default"):
        namespace["f_backward"](*_args((1, 3, 1), 2), (1, 3, 1))


DECORATED = '''
import numpy as np

def loss(weights, inputs, targets, layer_sizes):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    for m, n in shapes:''' + BODY.replace("        ", "        ") + '''

def loss_zipped(weights, inputs, targets, layer_sizes):
    for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):''' + BODY


@pytest.fixture(scope="module")
def module():
    return module_in(scratch_folder("layer_size_loops"), DECORATED, "layer_size_loops_module")


@pytest.mark.parametrize("sizes", [[1, 4, 1], (1, 4, 1), [1, 3, 2, 1], (2, 2, 3, 1)], ids=str)
@pytest.mark.parametrize("name", ["loss", "loss_zipped"])
def test_decorated_for_the_sizes_it_is_called_with(module, name, sizes):
    func = getattr(module, name)
    weights, inputs, targets = _args(sizes, 3)
    got = backgen.backward(func, wrt=("weights",)).backward(weights.copy(), inputs, targets, sizes)
    (want,) = finite_differences(lambda w: func(w, inputs, targets, sizes), [weights], [0], (1.0,))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


HELPER = '''
import numpy as np

def predictions(weights, inputs, layer_sizes=(1, 4, 1)):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    for m, n in shapes:''' + BODY.replace("    return np.sum((outputs - targets) ** 2)\n", "    return outputs\n") + '''

def loss(weights, inputs, targets):
    return np.sum((predictions(weights, inputs) - targets) ** 2)
'''


def test_a_helper_looping_over_its_default_sizes_is_written_into_its_caller():
    # (autograd's Bayesian network: loss calls predictions, whose loop changes the activations' shape
    # in every layer): the helper is written into loss, where its default sizes are known
    weights, inputs, targets = _args((1, 4, 1), 5)
    text = backgen.generate(HELPER, name="loss", wrt=("weights",),
                            shapes={"weights": "13", "inputs": "6, 1", "targets": "6, 1"})
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    module = module_in(scratch_folder("layer_size_helper"), HELPER, "layer_size_helper_module")
    (want,) = finite_differences(lambda w: module.loss(w, inputs, targets), [weights], [0], (1.0,))
    np.testing.assert_allclose(namespace["loss_backward"](weights.copy(), inputs, targets), want,
                               rtol=1e-6, atol=1e-8)
    got = backgen.backward(module.loss, wrt=("weights",)).backward(weights.copy(), inputs, targets)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
