"""A dict of arrays read at string keys (``params['W1']``), given to ``generate`` without the shapes
of its arrays: each entry is an array of every shape, the backward takes the dict and returns its
gradient as a dict with the same keys.  Each is checked against central finite differences in
float64; dicts of settings read so (a flag, a count, a scale, a string) give the right gradient of
the other parameters, and a refusal names the dict's arrays and how to give their shapes."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again

RNG = np.random.RandomState(2)
PARAMS = {"W1": RNG.randn(3, 4), "b1": RNG.randn(4), "W2": RNG.randn(4, 2)}
X, Y = RNG.randn(5, 3), RNG.randn(5, 2)
LABELS = np.array([0, 1, 1, 0, 1])

NETS = {
    "a branch on an entry": """
        def loss(params, X, y):
            h = X @ params['W1']
            if params['b1'][0] > 0:
                h = h + params['b1']
            return np.sum((h @ params['W2'] - y) ** 2)
        """,
    "names bound to entries": """
        def loss(params, X, y):
            W1, b1 = params['W1'], params['b1']
            h = np.maximum(0, X @ W1 + b1)
            s = h @ params['W2']
            return np.sum((s - y) ** 2)
        """,
    "a model's regularized loss": """
        def loss(model, X, y):
            \"\"\"Two-layer net: model holds W1, b1, W2.\"\"\"
            z = X.dot(model['W1']) + model['b1']
            a = 1.0 / (1.0 + np.exp(-z))
            out = a.dot(model['W2'])
            return 0.5 * np.sum((out - y) ** 2) + 0.1 * np.sum(model['W1'] ** 2)
        """,
}


def _generated(source, name):
    source = "import numpy as np\n" + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    text = backgen.generate(source, name=name)
    same_again(text, lambda: backgen.generate(source, name=name))
    generated = {}
    exec(text, generated)
    return namespace[name], generated[f"{name}_backward"], text


def _check(source, rest, name="loss"):
    forward, backward, text = _generated(source, name)
    keys = list(PARAMS)
    out = forward({k: v.copy() for k, v in PARAMS.items()}, *rest)
    dout = RNG.randn(*np.shape(out)) if np.shape(out) else 1.3
    got = backward(dict(PARAMS), *rest, dout)
    args = [PARAMS[k] for k in keys] + list(rest)
    wrt = [i for i, a in enumerate(args) if a.dtype.kind == "f"]
    want = finite_differences(lambda *v: forward(dict(zip(keys, v[:len(keys)])), *v[len(keys):]), args, wrt,
                              (dout,))
    assert isinstance(got[0], dict) and list(got[0]) == keys
    for k, w in zip(keys, want):
        assert got[0][k].shape == PARAMS[k].shape
        np.testing.assert_allclose(got[0][k], w, rtol=1e-6, atol=1e-8)
    for g, w in zip(got[1:], want[len(keys):]):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    return text


@pytest.mark.parametrize("name", sorted(NETS))
def test_a_dict_of_arrays_without_shapes_gets_code_for_every_shape(name):
    text = _check(NETS[name], [X, Y])
    assert "W1 = " in text and "{'W1': dW1, 'b1': db1, 'W2': dW2}" in text


def test_a_softmax_loss_of_a_dict_of_arrays_and_integer_labels():
    _check("""
        def loss(params, X, y):
            h = np.tanh(np.dot(X, params['W1']) + params['b1'])
            scores = np.dot(h, params['W2'])
            scores -= scores.max(axis=1, keepdims=True)
            probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
            return -np.log(probs[np.arange(len(y)), y]).mean()
        """, [X, LABELS])


SETTINGS = {
    "a flag": ("""
        def f(x, hp):
            y = x * 2.0
            if hp['use_bias']:
                y = y + 1.0
            return np.sum(y ** 2)
        """, [{"use_bias": True}, {"use_bias": False}]),
    "a count": ("""
        def f(x, hp):
            y = x
            for i in range(hp['n_iter']):
                y = np.tanh(y)
            return np.sum(y ** 2)
        """, [{"n_iter": 3}, {"n_iter": 1}]),
    "a string": ("""
        def f(x, hp):
            act = hp['act']
            y = np.tanh(x) if act == 'tanh' else np.maximum(x, 0)
            return np.sum(y ** 2)
        """, [{"act": "tanh"}, {"act": "relu"}]),
    "a stop of a slice": ("""
        def f(x, hp):
            return np.sum(x[:hp['k']] ** 2)
        """, [{"k": 2}, {"k": 3}]),
}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_a_dict_of_settings_read_by_key_gives_the_gradient_of_the_arrays(name):
    source, values = SETTINGS[name]
    forward, backward, _ = _generated(source, "f")
    for hp in values:
        got = backward(X, hp, 1.0)
        dx = got[0] if isinstance(got, tuple) else got
        want = finite_differences(lambda x: forward(x, hp), [X], [0], (1.0,))[0]
        np.testing.assert_allclose(dx, want, rtol=1e-6, atol=1e-8)


def test_a_refusal_names_the_dicts_arrays_and_how_to_give_their_shapes():
    source = textwrap.dedent("""
        import numpy as np
        def loss(params, X, y):
            h = X @ params['W1']
            for i in range(3):
                h = np.concatenate([h, h @ params['W2']], axis=1)
            return np.sum(h)
        """)
    with pytest.raises(backgen.BackgenError, match=r"W1 is params\['W1'\].*shapes=\{'params': \{'W1': 'N, D'"):
        backgen.generate(source, name="loss")


def test_a_dict_named_as_settings_stays_settings():
    source = textwrap.dedent("""
        import numpy as np
        def f(x, bn_param):
            return np.sum(x * bn_param['gamma'])
        """)
    with pytest.raises(backgen.BackgenError, match="pass the settings"):
        backgen.generate(source)
