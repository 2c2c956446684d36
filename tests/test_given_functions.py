"""A function the decorated function is called with (``f(x, W, np.tanh)``, ``partial(loss, act=relu)``): each
call of the parameter read as a call of that function, the code kept per function, every gradient against
central differences (``backgen.given_functions``)."""

import functools
import math

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, finite_differences, imported

MODULE = '''
import math

import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def softplus(z):
    return np.log1p(np.exp(z))


def two_layers(x, W, act, out_act):
    h = act(x @ W)
    return np.sum(out_act(h) * h)


def reduced(x, reduce):
    return np.sum(reduce(np.sin(x), axis=0) * np.arange(1.0, 4.0))


def scalar(a, b, g):
    return g(a * b) + g(a) ** 2


def layer(x, g):
    return g(x) * 2.0


def handed(x, W, g):
    return np.sum(layer(x @ W, g)) + np.sum(g(x))


def deep(x, Ws, act):
    h = x
    for W in Ws:
        h = act(h @ W)
    return np.sum(h * h)


def defaulted(x, W, act=np.tanh):
    h = act(x @ W)
    return np.sum(h * np.tanh(h))


def from_settings(x, W, cfg):
    h = cfg["hidden"](x @ W)
    return np.sum(cfg["out"](h)) * cfg["scale"]


def given_lambda(x, g):
    return np.sum(g(x))
'''

X = np.array([[0.1, 0.25, -0.3], [0.5, -0.2, 0.7]])
W = np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]])


@pytest.fixture(scope="module")
def mod():
    return imported(MODULE, "given_functions")


def _check(decorated, func, args, positions):
    """The decorated function's gradients for the positions ``positions`` of ``args`` against central differences."""
    assert_backward_at(lambda *given: decorated.backward(*given[:-1], dout=given[-1]), func, args, (1.0,), positions)


@pytest.mark.parametrize("act, out_act", [("tanh", "exp"), ("relu", "sin"), ("softplus", "relu")])
def test_two_functions_given_numpys_or_the_modules_own(mod, act, out_act):
    functions = {name: mod[name] if name in mod else getattr(np, name) for name in (act, out_act)}
    args = (X, W, functions[act], functions[out_act])
    _check(backgen.backward(mod["two_layers"]), mod["two_layers"], args, [0, 1])


def test_one_decorated_function_called_with_several_functions_gets_code_for_each(mod):
    decorated = backgen.backward(mod["two_layers"])
    for act in (np.tanh, np.sin, mod["relu"], np.tanh):
        args = (X, W, act, np.exp)
        _check(decorated, mod["two_layers"], args, [0, 1])
    source = str(decorated.backward_source)  # (the latest: written for tanh, which it checks it is given)
    assert "getattr(act, '__name__', None) != 'tanh'" in source
    assert "the function the decorated function" in source and "was given: for another" in source


def test_a_partial_binding_the_function(mod):
    for act in (mod["relu"], np.tanh):
        loss = functools.partial(mod["two_layers"], act=act, out_act=np.cos)
        _check(backgen.backward(loss), loss, (X, W), [0, 1])


@pytest.mark.parametrize("reduce", [np.sum, np.max, np.mean])
def test_a_reduction_given_called_with_an_axis(mod, reduce):
    _check(backgen.backward(mod["reduced"]), mod["reduced"], (X, reduce), [0])


def test_a_math_function_given_to_scalar_code(mod):
    for g in (math.exp, math.sin, np.tanh):
        args = (0.3, 0.7, g)
        _check(backgen.backward(mod["scalar"]), mod["scalar"], args, [0, 1])


def test_the_function_handed_on_to_a_helper(mod):
    for g in (np.tanh, mod["softplus"]):
        args = (X, W, g)
        _check(backgen.backward(mod["handed"]), mod["handed"], args, [0, 1])


def test_the_function_called_in_a_loop_over_layers(mod):
    args = (X, [W, W.T], np.tanh)
    dx, dWs = backgen.backward(mod["deep"]).backward(*args)
    want = finite_differences(mod["deep"], list(args), [0, 1], (1.0,))
    np.testing.assert_allclose(dx, want[0], rtol=1e-6, atol=1e-8)
    for g, w in zip(dWs, want[1]):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_a_parameter_defaulting_to_a_function_given_another(mod):
    # its reads were read as np.tanh, beside the function's own np.tanh: those reads alone become the one given
    decorated = backgen.backward(mod["defaulted"])
    for act in (np.sin, None, mod["softplus"], np.tanh):
        args = (X, W) if act is None else (X, W, act)
        _check(decorated, mod["defaulted"], args, [0, 1])


def test_functions_in_a_dict_of_settings(mod):
    # cfg["hidden"](x @ W): each entry called read as the function the dict holds, the scale read as it runs
    decorated = backgen.backward(mod["from_settings"], wrt=("x", "W"))
    for hidden, out, scale in ((mod["relu"], np.exp, 2.0), (np.tanh, np.exp, 0.5), (np.tanh, mod["softplus"], 0.5)):
        cfg = {"hidden": hidden, "out": out, "scale": scale}
        assert_backward_at(lambda *given: decorated.backward(*given[:-1], dout=given[-1]), mod["from_settings"],
                           (X, W, cfg), (1.0,), [0, 1])
    assert "getattr(cfg['hidden'], '__name__', None) != 'tanh'" in str(decorated.backward_source)
    with pytest.raises(backgen.BackgenError, match="calls an entry of the parameter cfg"):
        decorated.backward(X, W, {"hidden": lambda z: z, "out": np.exp, "scale": 1.0})
    with pytest.raises(backgen.BackgenError, match="calls an entry of the parameter cfg"):
        backgen.generate(MODULE, name="from_settings", shapes={"x": "N, D", "W": "D, H"})


def test_a_lambda_is_refused_saying_what_is_followed(mod):
    with pytest.raises(backgen.BackgenError, match="not a lambda"):
        backgen.backward(mod["given_lambda"]).backward(X, lambda z: z * z)


def test_generate_without_the_function_refuses_as_before():
    source = "import numpy as np\n\n\ndef f(x, act):\n    return np.sum(act(x))\n"
    with pytest.raises(backgen.BackgenError, match="a parameter called as a function"):
        backgen.generate(source, name="f", shapes={"x": "3"})
