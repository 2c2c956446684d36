"""A dict of string keys handed to one of the user's functions that reads it by those keys: the helper
written for the keys it reads (``saxpy_d(a, x, y)``), each accepted gradient checked against central
finite differences; a helper reading it otherwise is refused as before."""

import numpy as np
import pytest

import backgen
from numeric import assert_backward_right, assert_generated_right, finite_differences, module_in

HELPER = '''
import numpy as np

def saxpy(d):
    return d["a"] * d["x"] + d["y"]
'''


@pytest.mark.parametrize("body", [
    'return np.sum(saxpy({"a": a, "x": x, "y": y}) ** 2)',
    'return np.sum(saxpy(dict(a=a, x=x, y=y)) ** 2)',
    'd = {"a": a, "x": x, "y": y}\n    return np.sum(saxpy(d) ** 2) + np.sum(d["x"])',
    'd = dict(y=y, x=x, a=a, unused=x)\n    s = saxpy(d)\n    return np.sum(s * saxpy(d))',
    'return np.sum(np.tanh(saxpy({"a": a * 2.0, "x": np.sin(x), "y": y, "z": y})))',
], ids=["display", "dict call", "named", "named twice, an entry unread", "computed entries"])
def test_a_dict_handed_to_a_helper_reading_it_by_keys(body):
    rng = np.random.default_rng(1)
    source = HELPER + f"\ndef f(a, x, y):\n    {body}\n"
    assert_generated_right(source, [0.7, rng.normal(size=4), rng.normal(size=4)])
    assert "def saxpy_d_backward(" in backgen.generate(source, name="f")


def test_the_decorator(tmp_path):
    source = HELPER + '\ndef f(a, x, y):\n    return np.sum(saxpy({"a": a, "x": x, "y": y}) ** 2)\n'
    f = module_in(tmp_path, source, "dict_arguments_saxpy").f
    rng = np.random.default_rng(2)
    args = [0.7, rng.normal(size=4), rng.normal(size=4)]
    got = backgen.backward(f).backward(*args)
    want = finite_differences(f, args, range(3), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("helper, body", [
    # the helper reads the dict whole
    ("def saxpy(d):\n    return sum(d.values())", 'return np.sum(saxpy({"a": a, "x": x}))'),
    # by a key it computes
    ("def saxpy(d, k):\n    return d[k] * 2.0", 'return np.sum(saxpy({"a": a, "x": x}, "x"))'),
    # a key the dict does not hold
    ("def saxpy(d):\n    return d['b'] * 2.0", 'return np.sum(saxpy({"a": a, "x": x}))'),
    # an entry left unread whose value is computed (it would not be)
    ("def saxpy(d):\n    return d['a'] * 2.0", 'return np.sum(saxpy({"a": a, "x": np.log(x)}))'),
], ids=["whole", "computed key", "missing key", "unread computed entry"])
def test_dicts_read_otherwise_are_refused(helper, body):
    source = f"import numpy as np\n\n{helper}\n\ndef f(a, x):\n    {body}\n"
    with pytest.raises(backgen.BackgenError, match="[Dd]ict"):
        backgen.generate(source, name="f")


LAYERNORM = '''
import numpy as np

def layernorm_forward(x, gamma, beta, ln_param):
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    if "scale" in ln_param:
        gamma = gamma * ln_param["scale"]
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    xhat = xc / np.sqrt((xc ** 2).mean(axis=1, keepdims=True) + eps)
    out = gamma * xhat + beta
    cache = (xhat, gamma)
    return out, cache
'''


@pytest.mark.parametrize("given", [
    '{"eps": 0.5}', '{"mode": "train"}', '{"scale": s, "eps": 0.25}', 'dict(scale=s)',
], ids=["get of a key held", "get of a key not held", "in and get", "dict call"])
def test_a_helper_reading_entries_by_get_and_in(given):
    source = LAYERNORM + f'''
def f(x, gamma, beta, s):
    out, _ = layernorm_forward(x, gamma, beta, {given})
    return out
'''
    rng = np.random.RandomState(3)
    assert_backward_right(source, [rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=5), 0.8], rng)


def test_get_without_a_default_gives_none():
    source = '''
import numpy as np

def scaled(x, p):
    k = p.get("k")
    if k is None:
        return x * 2.0
    return x * k

def f(x, a):
    return np.sum(np.sin(scaled(x, {"j": a})) + scaled(x, {"k": a}) ** 2)
'''
    rng = np.random.default_rng(4)
    assert_generated_right(source, [rng.normal(size=3), 0.6])


@pytest.mark.parametrize("helper, match", [
    ("def g(x, d):\n    return x * d.get('a', np.log(x))", "[Dd]ict"),  # a default that computes: evaluated
    ("def g(x, d):\n    return x * d['b']", "[Dd]ict"),  # a key the dict does not hold: KeyError
    ("def g(x, d):\n    k = 'a'\n    return x * d.get(k, 1.0)", "[Dd]ict"),  # a key computed
    ("def g(x, d):\n    return x * d.get('a', 1.0, 2.0)", "get expected at most 2 arguments"),  # Python raises
])
def test_entries_read_by_get_otherwise_are_refused(helper, match):
    source = f"import numpy as np\n\n{helper}\n\ndef f(x, a):\n    return np.sum(g(x, {{'a': a}}))\n"
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(source, name="f")


BATCHNORM = '''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    out, cache = None, None
    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
        cache = (x, x_hat, sample_mean, sample_var, gamma, beta, eps)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
    elif mode == "test":
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        out = gamma * x_hat + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache

def dropout_forward(x, dropout_param, mask):
    p, mode = dropout_param["p"], dropout_param["mode"]
    out = x * mask / p if mode == "train" else x
    return out, (dropout_param, mask)
'''


@pytest.mark.parametrize("call", [
    'batchnorm_forward(a, gamma, beta, {"mode": "train"})',
    'batchnorm_forward(a, gamma, beta, {"mode": "train", "eps": 1e-3, "momentum": 0.5})',
    'batchnorm_forward(a, gamma, beta, bn_param={"mode": "train"})',
    'batchnorm_forward(a, gamma, beta, dict(mode="train"))',
], ids=["display", "entries read by get", "by keyword", "dict call"])
@pytest.mark.parametrize("signature", ['x: "N, K", w: "K, D", gamma: "D", beta: "D", m: float, mask: "N, D"',
                                       "x, w, gamma, beta, m, mask"], ids=["shapes", "shape-generic"])
def test_a_display_handed_to_a_helper_writing_into_it(call, signature):
    """(The batch norm's backward, given the arrays, follows both its modes; without shapes, a value each mode
    sets is of one shape at some sample ranks and of two at others: named apart at every rank.)"""
    source = BATCHNORM + f'''
def f({signature}):
    a = x @ w
    an, bn_cache = {call}
    out, do_cache = dropout_forward(an, {{"p": 0.5, "mode": "train"}}, mask)
    return np.tanh(out)
'''
    rng = np.random.RandomState(5)
    args = [rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=5), 0.7,
            (rng.normal(size=(4, 5)) > 0).astype(float)]
    module = assert_backward_right(source, args, rng)
    assert "bn_param" in module or "mode" in module


def test_a_display_handed_to_a_helper_in_a_loop_is_refused():
    source = BATCHNORM + '''
def f(x, gamma, beta):
    for i in range(2):
        x, _ = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    return x
'''
    with pytest.raises(backgen.BackgenError, match="[Dd]ict"):
        backgen.generate(source, name="f")


def test_the_decorator_on_a_display_handed_to_a_helper_writing_into_it(tmp_path):
    source = BATCHNORM + '''
def f(x, gamma, beta):
    out, _ = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    return np.sum(out ** 3)
'''
    f = module_in(tmp_path, source, "dict_arguments_batchnorm").f
    rng = np.random.default_rng(6)
    args = [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)]
    got = backgen.backward(f).backward(*args)
    want = finite_differences(f, args, range(3), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loop", [
    'for name, W in params.items():\n        if name.startswith("W"):\n            out += 0.5 * reg * np.sum(W * W)',
    'for name in params:\n        out = out + 0.01 * np.sum(params[name] ** 2)',
    'for name in params.keys():\n        if name != "b1":\n            out = out + np.sum(np.sin(params[name]))',
    'for v in params.values():\n        out = out - 0.001 * np.sum(v ** 3)',
    'for name, W in params.items():\n        out += np.sum(W)\n    for name, W in params.items():\n'
    '        out = out * 1.0 + np.sum(W * W)',
], ids=["items", "iterated", "keys", "values", "two loops, one name"])
def test_a_loop_over_the_functions_own_dict_is_written_out_key_by_key(loop):
    source = f'''
import numpy as np

def f(W1, b1, W2, X, reg=0.1):
    params = {{"W1": W1, "b1": b1, "W2": W2}}
    out = np.sum((np.tanh(X @ params["W1"] + params["b1"]) @ params["W2"]) ** 2)
    {loop}
    return out
'''
    rng = np.random.default_rng(8)
    assert_generated_right(source, [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)),
                                    rng.normal(size=(5, 3)), 0.1])


def test_a_loop_variable_read_after_the_loop_leaves_it_as_written():
    """Python leaves the last key in the loop's variable: not written out, refused as before."""
    source = '''
import numpy as np

def f(W1, b1):
    params = {"W1": W1, "b1": b1}
    out = 0.0
    for name, W in params.items():
        out = out + np.sum(W * W)
    return out + np.sum(W)
'''
    with pytest.raises(backgen.BackgenError, match="params"):
        backgen.generate(source, name="f")
