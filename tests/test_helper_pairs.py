"""A helper returning a list of pairs of arrays (``return [(W1, b1), (W2, b2)]``, as autograd's
examples unpack their layers from one vector), unpacked, looped over or indexed by its caller, or one
given such a list the caller writes (``neural_net_predict(params, x)``, ``l2_norm(params)``): the
helper is written out in the caller, and the display read as one written there."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences

HELPER = '''
import numpy as np

def unpack_layers(v):
    W1 = v[:3].reshape(1, 3)
    b1 = v[3:6]
    W2 = v[6:9].reshape(3, 1)
    b2 = v[9:10]
    return [(W1, b1), (W2, b2)]
'''

CALLERS = {
    "unpacked": '''
def f(v, x):
    (W1, b1), (W2, b2) = unpack_layers(v)
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2 + b2) ** 2)
''',
    "looped": '''
def f(v, x):
    for W, b in unpack_layers(v):
        x = np.tanh(np.dot(x, W) + b)
    return np.sum(x ** 2)
''',
    "bound_then_looped": '''
def f(v, x):
    layers = unpack_layers(v)
    for W, b in layers:
        x = np.tanh(np.dot(x, W) + b)
    return np.sum(x) * len(layers)
''',
    "indexed": '''
def f(v, x):
    layers = unpack_layers(v)
    W, b = layers[0]
    return np.sum(np.tanh(x @ W + b) @ layers[1][0] + layers[-1][1])
''',
    "called_twice": '''
def f(v, x):
    (W1, b1), _ = unpack_layers(v)
    _, (W2, b2) = unpack_layers(v * 2.0)
    return np.sum(np.tanh(x @ W1 + b1) @ W2 + b2)
''',
    "tuple_of_tuples": '''
def f(v, x):
    (W1, b1), (W2, b2) = pairs(v)
    return np.sum(np.tanh(x @ W1 + b1) @ W2 + b2)

def pairs(v):
    W1 = v[:3].reshape(1, 3)
    W2 = v[6:9].reshape(3, 1)
    return (W1, v[3:6]), (W2, v[9:10])
''',
}

V = np.linspace(-0.9, 1.1, 10)
X = np.array([[0.3], [-0.5], [1.2], [0.1], [-1.0]])


@pytest.mark.parametrize("how", ["generate", "decorator"])
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_a_helper_returning_pairs_is_read_by_its_caller(caller, how, tmp_path):
    source = HELPER + textwrap.dedent(CALLERS[caller])
    path = tmp_path / f"pairs_{caller}.py"
    path.write_text(source)
    namespace = {"__name__": f"pairs_{caller}"}
    exec(compile(source, str(path), "exec"), namespace)
    f = namespace["f"]
    if how == "generate":
        generated = {}
        exec(backgen.generate(source, name="f", shapes={"v": "10", "x": "5, 1"}), generated)
        got = generated["f_backward"](V.copy(), X.copy(), 1.0)
    else:
        got = backgen.backward(f).backward(V.copy(), X.copy())
    want = finite_differences(f, [V.copy(), X.copy()], [0, 1], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("read", ["W, b = layers[i]", "layers.append(layers[0])\nW, b = layers[0]"])
def test_a_list_of_pairs_read_otherwise_is_refused(read):
    """An index computed as the code runs, or the list changed: no display to read from."""
    lines = "".join(f"    {line}\n" for line in read.split("\n"))
    source = HELPER + f"\ndef f(v, x, i: int):\n    layers = unpack_layers(v)\n{lines}    return np.sum(x @ W + b)\n"
    with pytest.raises(backgen.BackgenError, match="(tuples|lists) are only supported"):
        backgen.generate(source, name="f", shapes={"v": "10", "x": "5, 1"})


GIVEN = '''
import numpy as np

def predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def l2_norm(params):
    return sum(np.sum(w ** 2) + np.sum(b ** 2) for w, b in params)
'''

GIVEN_CALLERS = {
    "named": "params = [(W1, b1), (W2, b2)]\n    return np.sum(predict(params, x) ** 2) + 0.1 * l2_norm(params)",
    "display": "return np.sum(predict([(W1, b1), (W2, b2)], x) ** 2)",
    "tuple of lists": "params = ([W1, b1], [W2, b2])\n    out = predict(params, x)\n    return np.sum(out * out)",
    "in an expression": "return l2_norm(((W1, b1), (W2, b2))) * np.sum(predict([(W1, b1)], x))",
}


@pytest.mark.parametrize("how", ["generate", "decorator"])
@pytest.mark.parametrize("caller", sorted(GIVEN_CALLERS))
def test_a_helper_given_pairs_is_written_out_in_its_caller(caller, how, tmp_path):
    source = GIVEN + f"\ndef f(W1, b1, W2, b2, x):\n    {GIVEN_CALLERS[caller]}\n"
    path = tmp_path / f"given_{caller.replace(' ', '_')}.py"
    path.write_text(source)
    namespace = {"__name__": "given_pairs"}
    exec(compile(source, str(path), "exec"), namespace)
    f = namespace["f"]
    rng = np.random.default_rng(7)
    args = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2),
            rng.normal(size=(5, 3))]
    if how == "generate":
        generated = {}
        exec(backgen.generate(source, name="f"), generated)
        got = generated["f_backward"](*[a.copy() for a in args], 1.0)
    else:
        got = backgen.backward(f).backward(*[a.copy() for a in args])
    want = finite_differences(f, [a.copy() for a in args], range(5), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


FILLED = '''
import numpy as np

SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2)}


def unflatten(vect):
    out = {}
    start = 0
    for name, shape in SHAPES.items():
        size = int(np.prod(shape))
        out[name] = vect[start:start + size].reshape(shape)
        start += size
    return out


def f(vect, X):
    p = unflatten(vect)
    h = np.tanh(X @ p["W1"] + p["b1"])
    return np.sum((h @ p["W2"]) ** 2)
'''


@pytest.mark.parametrize("how", ["shapes", "no shapes", "decorator"])
def test_a_helper_filling_a_dict_by_a_loop_over_a_modules_shapes(how, tmp_path):
    """autograd's weights parser: a flat vector cut into named weights by a module's dict of shapes (its
    tuples read as they are), the dict the helper fills and returns read by keys in its caller."""
    path = tmp_path / "filled.py"
    path.write_text(FILLED)
    namespace = {"__name__": "filled"}
    exec(compile(FILLED, str(path), "exec"), namespace)
    f = namespace["f"]
    rng = np.random.default_rng(9)
    args = [rng.normal(size=24), rng.normal(size=(5, 3))]
    if how == "decorator":
        got = backgen.backward(f).backward(*[a.copy() for a in args])
    else:
        text = backgen.generate(FILLED, name="f", shapes={"vect": "24", "X": "5, 3"} if how == "shapes" else None)
        assert "vect[0:12]" in text and "vect[12:16]" in text  # (the bounds the shapes give, as numbers)
        generated = {}
        exec(text, generated)
        got = generated["f_backward"](*[a.copy() for a in args], 1.0)
    want = finite_differences(f, [a.copy() for a in args], range(2), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
