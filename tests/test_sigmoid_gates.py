"""A layer's gates computed by a helper that is the logistic sigmoid however it is spelled (CS231n's
stable sigmoid of masks, ``np.where`` of two forms, ``logaddexp``, ``tanh``), its cache holding the
gates' outputs and not their inputs (as a student's LSTM caches ``i, f, o, g``): each gate is
differentiated from its output, ``(1 - i) * i * di``, as a person does.  A helper that is not the
sigmoid is differentiated as the code it is, which needs its input.  Checked against central finite
differences of sum(out * dout) in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen import gates
from numeric import finite_differences

STABLE = '''
def sigmoid(x):
    """A numerically stable version of the logistic sigmoid function."""
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)
'''

LSTM = '''
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """
    Inputs:
    - x: Input data, of shape (N, D)
    - prev_h: Previous hidden state, of shape (N, H)
    - prev_c: previous cell state, of shape (N, H)
    - Wx: Input-to-hidden weights, of shape (D, 4H)
    - Wh: Hidden-to-hidden weights, of shape (H, 4H)
    - b: Biases, of shape (4H,)

    Returns a tuple of:
    - next_h: Next hidden state, of shape (N, H)
    - next_c: Next cell state, of shape (N, H)
    - cache: Tuple of values needed for backward pass.
    """
    next_h, next_c, cache = None, None, None
    N, H = prev_h.shape
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache
'''


def _layer(source, name, args, outputs=1):
    source = "import numpy as np\n" + textwrap.dedent(source)
    text = backgen.generate(source, name=name)
    forward_env, backward_env = {}, {}
    exec(compile(source, "<forward>", "exec"), forward_env)
    exec(compile(text, "<backward>", "exec"), backward_env)
    forward = forward_env[name]
    results = forward(*[np.copy(a) for a in args])
    rng = np.random.default_rng(7)
    douts = [rng.normal(size=np.shape(r)) for r in results[:outputs]]
    got = backward_env[name.replace("_forward", "_backward")](*[d.copy() for d in douts], results[-1])
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: forward(*[np.copy(v) for v in a])[:outputs], list(args),
                              range(len(args)), douts)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    return text.split(f"def {name.replace('_forward', '_backward')}")[1]


def test_a_students_lstm_step_caching_its_gates_but_not_the_bias():
    rng = np.random.default_rng(0)
    N, D, H = 3, 4, 5
    args = [rng.normal(size=s) for s in [(N, D), (N, H), (N, H), (D, 4 * H), (H, 4 * H), (4 * H,)]]
    args[5] = args[5] * 3.0  # (gates far into both tails: the masks of the stable sigmoid both used)
    body = _layer(STABLE + LSTM, "lstm_step_forward", args, outputs=2)
    assert "(1 - i) * i" in body and "sigmoid_backward" not in body


@pytest.mark.parametrize("spelling", [
    "return np.where(t >= 0, 1 / (1 + np.exp(-t)), np.exp(t) / (1 + np.exp(t)))",
    "return np.exp(-np.logaddexp(0, -t))",
    "return 0.5 * (np.tanh(0.5 * t) + 1.0)",
    "return np.exp(t) / (1.0 + np.exp(t))",
    "e = np.exp(-t)\n    return 1 / (1 + e)",
])
def test_a_gate_of_another_spelling_cached_as_its_output(spelling):
    rng = np.random.default_rng(1)
    source = f'''
def gate(t):
    {spelling}

def gated_forward(x, w):
    s = gate(x @ w)
    out = s * x[:, :1]
    cache = (x, w, s)
    return out, cache
'''
    body = _layer(source, "gated_forward", [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))])
    assert "(1 - s) * s" in body


def test_a_helper_that_is_not_the_sigmoid_is_differentiated_from_its_input():
    # top / (2 + z): not the sigmoid; differentiated as the code it is, from its input (x @ w, computed
    # again from the cache)
    source = STABLE.replace("top / (1 + z)", "top / (2 + z)") + '''
def gated_forward(x, w):
    s = sigmoid(x @ w)
    cache = (x, w, s)
    return s, cache
'''
    rng = np.random.default_rng(2)
    body = _layer(source, "gated_forward", [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))])
    assert "sigmoid_backward(" in body and "(1 - s) * s" not in body


def test_the_spellings_are_checked_and_told_apart():
    import ast
    assert len(gates.SPELLINGS) >= 6
    near = ast.parse("def s(x):\n    return 1 / (1 + np.exp(x))").body[0]  # (the sigmoid of -x)
    assert not gates.is_sigmoid(near, {"np": "numpy"})
    other_module = ast.parse("def s(x):\n    return 1 / (1 + jnp.exp(-x))").body[0]
    assert not gates.is_sigmoid(other_module, {"np": "numpy", "jnp": "jax"})


def test_a_gate_the_cache_does_not_hold_is_computed_again_the_users_stable_way():
    # s is computed again from x and w: by the user's sigmoid, which never overflows, not by
    # 1 / (1 + np.exp(-z)), which does where z is very negative
    import warnings
    source = "import numpy as np\n" + STABLE + '''
def gated_forward(x, w):
    """
    - x: (N, D)
    - w: (D, M)
    """
    s = sigmoid(x @ w)
    out = s * 2.0
    cache = (x, w)
    return out, cache
'''
    text = backgen.generate(source, name="gated_forward")
    backward_env, forward_env = {}, {}
    exec(compile(text, "<backward>", "exec"), backward_env)
    exec(compile(source, "<forward>", "exec"), forward_env)
    x, w = np.array([[1000.0, -1000.0], [0.3, -0.2]]), np.array([[1.0, 0.5], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward_env["gated_forward"](x, w)
        dx, dw = backward_env["gated_backward"](np.ones((2, 2)), cache)
    assert np.all(np.isfinite(dx)) and np.all(np.isfinite(dw))
    rng = np.random.default_rng(4)
    _layer(source.replace("import numpy as np\n", "", 1), "gated_forward",
           [rng.normal(size=(3, 2)), rng.normal(size=(2, 2))])
