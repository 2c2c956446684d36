"""Shapes given for a dict parameter entry by entry, written as shapes are at the top level: strings,
tuples (``(3, 4)``), a size (``4``), ``float`` for a number; gradients against central differences."""

import numpy as np
import pytest

import backgen
from numeric import gradient, imported, weighted

SOURCE = '''
import numpy as np


def layer(X, p):
    return np.tanh(X @ p["W"] + p["b"])


def mlp(params, X):
    return np.sum(layer(X, params) ** 2)


def rhs(y, params):
    a, b = params["a"], params["b"]
    return np.array([y[1], -a * y[0] - b * y[1]])


def simulate(y0, params, dt=0.1, steps=5):
    y = y0
    for _ in range(steps):
        y = y + dt * rhs(y, params)
    return np.sum(y ** 2)
'''
NAMESPACE = {}
exec(SOURCE, NAMESPACE)
RNG = np.random.default_rng(8)


@pytest.mark.parametrize("entries", [{"W": "3, 4", "b": "4"}, {"W": (3, 4), "b": (4,)}, {"W": (3, 4), "b": 4}],
                         ids=["strings", "tuples", "a-size"])
def test_a_dict_of_arrays_a_helper_reads(entries):
    generated = {}
    exec(backgen.generate(SOURCE, name="mlp", shapes={"params": entries, "X": (2, 3)}), generated)
    params, X = {"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=4)}, RNG.normal(size=(2, 3))
    dparams, dX = generated["mlp_backward"](params, X, 0.7)
    objective = weighted(NAMESPACE["mlp"], (0.7,))
    want = gradient(objective, [params, X], 0)
    for key in params:
        np.testing.assert_allclose(dparams[key], want[key], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dX, gradient(objective, [params, X], 1), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("number", [float, ""], ids=["float", "empty-string"])
def test_a_dict_of_numbers_a_helper_reads(number):
    generated = {}
    exec(backgen.generate(SOURCE, name="simulate", shapes={"y0": (2,), "params": {"a": number, "b": number}}),
         generated)
    y0, params = np.array([1.0, 0.5]), {"a": 2.0, "b": 0.3}
    dy0, dparams, ddt = generated["simulate_backward"](y0, params, dout=0.7)
    objective = weighted(NAMESPACE["simulate"], (0.7,))
    np.testing.assert_allclose(dy0, gradient(objective, [y0, params], 0), rtol=1e-6, atol=1e-9)
    want = gradient(objective, [y0, params], 1)
    for key in params:
        np.testing.assert_allclose(dparams[key], want[key], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ddt, gradient(objective, [y0, params, 0.1], 2), rtol=1e-6, atol=1e-9)


def test_the_decorator_differentiates_a_dict_of_numbers_a_helper_reads_at_its_keys():
    space = imported(SOURCE, "dict_shapes")
    f = backgen.backward(space["simulate"])
    y0, params = np.array([1.0, 0.5]), {"a": 2.0, "b": 0.3}
    dy0, dparams, ddt = f.backward(y0, params)
    objective = weighted(space["simulate"], (1.0,))
    np.testing.assert_allclose(dy0, gradient(objective, [y0, params], 0), rtol=1e-6, atol=1e-9)
    want = gradient(objective, [y0, params], 1)
    for key in params:
        np.testing.assert_allclose(dparams[key], want[key], rtol=1e-6, atol=1e-9)


def test_a_dict_a_helper_reads_as_settings_stays_settings():
    # rhs2 tests params["mode"] against a string: settings, as where the function reads them itself
    source = SOURCE + '''

def rhs2(y, params):
    if params["mode"] == "damped":
        return -y
    return y


def g(y0, params):
    return np.sum(rhs2(y0, params) ** 2)
'''
    space = imported(source, "dict_shapes_settings")
    f = backgen.backward(space["g"])
    dy0 = f.backward(np.array([1.0, 0.5]), {"mode": "damped", "k": 1.0})  # (y0's alone: no tuple)
    np.testing.assert_allclose(dy0, 2 * np.array([1.0, 0.5]), rtol=1e-12)


ITERATED = '''
import numpy as np


def penalized(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    reg = 0.0
    for name, p in params.items():
        if name.startswith("W"):
            reg += np.sum(p * p)
    return np.sum(h) + 0.1 * reg


def summed(params, x):
    return np.sum(x @ params["W1"]) + sum(np.sum(v ** 2) for v in params.values())
'''


def test_a_dict_iterated_without_its_keys_asks_for_them():
    # the refusal was "the loop variable must be a single name" (and for summed, whose entry W1 is read
    # first, "unknown method .values()" before that read gave its own refusal, which asks for them too)
    with pytest.raises(backgen.BackgenError, match=r"params\.items\(\) reads params as a dict whose keys backgen "
                                                   r"does not know here: give its keys and their shapes"):
        backgen.generate(ITERATED, name="penalized")
    with pytest.raises(backgen.BackgenError, match=r"shapes=\{'params': \{'W1'"):
        backgen.generate(ITERATED, name="summed")
    with pytest.raises(backgen.BackgenError, match=r"params\.values\(\) reads params as a dict whose keys"):
        backgen.generate("import numpy as np\n\ndef f(params):\n    return sum(np.sum(v) for v in params.values())\n")


@pytest.mark.parametrize("name", ["penalized", "summed"])
def test_a_dict_iterated_with_its_keys_given(name):
    namespace = {}
    exec(backgen.generate(ITERATED, name=name, shapes={"params": {"W1": (3, 4), "b1": (4,)}, "x": (5, 3)}),
         namespace)
    params = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4)}
    x = RNG.normal(size=(5, 3))
    forward = {}
    exec(ITERATED, forward)
    dparams, dx = namespace[f"{name}_backward"](params, x)
    for key in params:
        def at(value, key=key):
            return forward[name](dict(params, **{key: value}), x)
        np.testing.assert_allclose(dparams[key], gradient(at, [params[key]], 0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dx, gradient(lambda v: forward[name](params, v), [x], 0), rtol=1e-5, atol=1e-7)
