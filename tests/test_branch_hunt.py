"""Branches and loop counts backgen decides without running the user's data: settings passed on to
helpers, ``is None`` tests, flags, ranks and integers, and the decorator's code per call.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, check_gradients

RNG = np.random.default_rng(31)
X23 = RNG.standard_normal((2, 3))
W32 = RNG.standard_normal((3, 2))


ACTIVATION_HELPER = '''
    import numpy as np

    def act(z, kind):
        if kind == "relu":
            return np.maximum(z, 0)
        elif kind == "tanh":
            return np.tanh(z)
        return z

    def f(x, w, kind="relu"):
        return np.sum(act(x @ w, kind) ** 2)
'''


@pytest.mark.parametrize("kind", ["relu", "tanh", "linear"])
def test_a_string_setting_passed_on_to_a_helper_is_not_differentiated(kind):
    # the helper's kind is a setting its caller passes (a string): not a parameter to differentiate
    assert_generated_right(ACTIVATION_HELPER, [X23, W32, kind], wrt=[0, 1])


def test_a_string_setting_passed_on_to_a_helper_at_given_shapes():
    text = backgen.generate(ACTIVATION_HELPER.replace("    ", "", 1).replace("\n    ", "\n"), name="f",
                            shapes={"x": "2, 3", "w": "3, 2"})
    namespace = {}
    exec(text, namespace)
    forward = {}
    exec(ACTIVATION_HELPER.replace("\n    ", "\n"), forward)
    for kind in ("relu", "tanh", "linear"):
        got = namespace["f_backward"](X23, W32, kind)
        check_gradients(got, lambda x, w: forward["f"](x, w, kind), [X23, W32], [0, 1])


# --- a flag and a None test in one `if`: decided by the None alone ----------------------------


def _bias_layer(x, w, use_bias=True, b=None):
    out = x @ w
    if use_bias and b is not None:
        out = out + b
    return np.sum(np.tanh(out))


def _bias_layer_or(x, w, b=None, skip=False):
    out = x @ w
    if skip or b is None:
        return np.sum(out ** 2)
    return np.sum((out + b) ** 2)


@pytest.mark.parametrize("flag", [True, False])
def test_an_and_holding_a_none_test_false_is_decided_for_the_decorator(flag):
    # use_bias and b is not None: false where b is None, whatever the flag (NumPy never adds None)
    layer = backgen.backward(_bias_layer)
    for use_bias, b in ((flag, None), (flag, RNG.standard_normal(2))):
        got = layer.backward(X23, W32, use_bias, b)
        check_gradients(got[:2], lambda x, w: _bias_layer(x, w, use_bias, b), [X23, W32], [0, 1])


@pytest.mark.parametrize("skip", [True, False])
def test_an_or_holding_a_none_test_true_is_decided_for_the_decorator(skip):
    layer = backgen.backward(_bias_layer_or)
    got = layer.backward(X23, W32, None, skip)
    check_gradients(got[:2], lambda x, w: _bias_layer_or(x, w, None, skip), [X23, W32], [0, 1])
