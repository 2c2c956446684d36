"""Parameters defaulting to a function (``def mlp(x, W, act=np.tanh)``, ``act=relu`` of the module, ``g=math.sin``
in scalar code): read as that function, kept in the backward's signature with their default, which the
backward checks it is given (another function is a ValueError naming the default).  Each backward is
checked against central differences, by ``generate`` with the shapes given and without, and by the
decorator."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported

RNG = np.random.default_rng(20261208)
HEADER = "import math\nimport numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n\n\n" \
         "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n\n"


def _right(source, args, shapes, wrt):
    source = HEADER + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    want = finite_differences(lambda *values: namespace["f"](*fresh_args(values)), list(args), wrt, (1.0,))
    for spec in (shapes, None):
        text = backgen.generate(source, name="f", shapes=spec)
        generated = {}
        exec(compile(text, "<generated>", "exec"), generated)
        got = generated["f_backward"](*fresh_args(args), dout=1.0)
        assert_close(list(got) if len(wrt) > 1 else [got], want, rtol=1e-5, atol=1e-7)
    func = imported(source, "function_defaults")["f"]
    got = backgen.backward(func).backward(*fresh_args(args))
    assert_close(list(got) if len(wrt) > 1 else [got], want, rtol=1e-5, atol=1e-7)
    return generated["f_backward"]


@pytest.mark.parametrize("default", ["np.tanh", "relu", "sigmoid", "np.sin"])
def test_an_activation_given_as_a_default(default):
    backward = _right(f'''
        def f(x, W, b, act={default}):
            return np.sum(act(x @ W + b) ** 2)
    ''', [RNG.standard_normal((4, 3)), RNG.standard_normal((3, 2)), RNG.standard_normal(2)],
        {"x": "4, 3", "W": "3, 2", "b": "2"}, [0, 1, 2])
    with pytest.raises(ValueError, match=f"written for act={default}, the default"):
        backward(np.ones((4, 3)), np.ones((3, 2)), np.ones(2), np.cos, dout=1.0)


def test_two_functions_defaulted_beside_a_number():
    _right('''
        def f(x, W1, W2, reg=0.1, hidden=relu, out=sigmoid):
            h = hidden(x @ W1)
            return np.sum(out(h @ W2)) + reg * np.sum(W1 ** 2)
    ''', [RNG.standard_normal((5, 3)), RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2)), 0.1],
        {"x": "5, 3", "W1": "3, 4", "W2": "4, 2", "reg": "float"}, [0, 1, 2, 3])


def test_a_math_function_defaulted_in_scalar_code():
    _right('''
        def f(x, y, g=math.sin):
            return g(x) * y + g(x * y)
    ''', [0.7, -1.3], {"x": "float", "y": "float"}, [0, 1])
