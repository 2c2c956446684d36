"""Branches and loop counts backgen decides without running the user's data: settings passed on to
helpers, ``is None`` tests, flags, ranks and integers, and the decorator's code per call.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_close, assert_generated_right, check_gradients, gradient

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


# --- a loop over a list past its first item, at a list of one: runs no iteration, left out ------


def _mlp_enumerated(x, Ws):
    h = x
    for i, W in enumerate(Ws):
        h = h @ W
        if i < len(Ws) - 1:
            h = np.maximum(h, 0)
    return np.sum(h ** 2)


def _mlp_indexed(x, Ws):
    h = x
    for i in range(len(Ws)):
        h = h @ Ws[i]
        if i < len(Ws) - 1:
            h = np.maximum(h, 0)
    return np.sum(h ** 2)


def _mlp_items(x, Ws):
    h = x
    for W in Ws:
        h = np.tanh(h @ W)
    return np.sum(h ** 2)


@pytest.mark.parametrize("forward", [_mlp_enumerated, _mlp_indexed, _mlp_items])
def test_a_list_of_one_layer_that_changes_the_width_then_of_two(forward):
    # the loop past the first layer (written out) runs no iteration at one layer: its body, which
    # NumPy could not run there, is left out of the code for lists of one
    decorated = backgen.backward(forward)
    for Ws in ([RNG.standard_normal((3, 2))],
               [RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))],
               [RNG.standard_normal((3, 5))]):
        dx, dWs = decorated.backward(X23, Ws)
        assert_close(dx, gradient(forward, [X23, Ws], 0))
        assert_close(dWs, gradient(forward, [X23, Ws], 1))


# --- an `is None` test of a parameter inside a loop: decided by the argument, as one at the top ----


def _recurrent(x, W, b=None, steps=3):
    h = x
    for t in range(steps):
        h = np.tanh(h @ W)
        if b is not None:
            h = h + b
    return np.sum(h ** 2)


@pytest.mark.parametrize("steps", [0, 1, 3])
def test_an_is_none_test_in_a_loop_of_a_parameter_never_bound_again(steps):
    decorated = backgen.backward(_recurrent)
    W = 0.5 * RNG.standard_normal((3, 3))
    for b in (None, RNG.standard_normal(3)):
        got = decorated.backward(X23, W, b, steps)
        wrt = [0, 1] if b is None else [0, 1, 2]
        check_gradients(tuple(got[:len(wrt)]), _recurrent, [X23, W, b, steps], wrt)


# --- a flag given to the decorator, read as a static argument (keepdims=keepdims) -------------------


def _pooled(x, w, keepdims=False):
    m = np.max(x * w, axis=1, keepdims=keepdims)
    s = np.sum(np.exp(x), axis=-1, keepdims=keepdims)
    return np.sum(np.log(s) * m)


def test_a_flag_read_as_keepdims_is_the_value_each_call_gives():
    decorated = backgen.backward(_pooled)
    x, w = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    for keepdims in (True, False, True):
        got = decorated.backward(x, w, keepdims)
        check_gradients(got, lambda x, w: _pooled(x, w, keepdims), [x, w], [0, 1])


# --- an `if` on an integer the decorator's call gives: decided by its value --------------------------


def _picked(x, k=-1):
    if k < 0:
        k = x.shape[0] + k
    return np.sum(x[k] ** 2) + np.sum(np.tanh(x[:k]))


def test_a_negative_index_made_positive_on_one_path_for_each_integer_given():
    # the other path (k + 4 at k = 2) indexes past the end: the code for k = 2 takes k's own path
    decorated = backgen.backward(_picked)
    x = RNG.standard_normal(4)
    for k in (2, -1, 0, -3, 3):
        got = decorated.backward(x, k)
        got = got[0] if isinstance(got, tuple) else got
        check_gradients(got, lambda x: _picked(x, k), [x], [0])


def _mean_activation(xs, w):
    if len(xs) == 0:
        return 0.0 * np.sum(w)
    total = 0.0
    for x in xs:
        total = total + np.sum(np.tanh(x * w))
    return total / len(xs)


def _grown(xs, w):
    xs.append(w)
    if len(xs) == 1:
        return np.sum(w ** 2)
    return np.sum(np.tanh(xs[0] * w))


def test_an_empty_list_returned_early_is_decided_by_the_list_given():
    # the other path divides by len(xs) = 0: the code for an empty list takes the early return
    decorated = backgen.backward(_mean_activation)
    w = RNG.standard_normal(3)
    for xs in ([], [RNG.standard_normal(3)], [RNG.standard_normal(3), RNG.standard_normal(3)], []):
        got = decorated.backward(xs, w)
        check_gradients(got[-1], lambda w: _mean_activation(xs, w), [w], [0])


def test_the_length_of_a_list_appended_to_is_not_the_one_given():
    decorated = backgen.backward(_grown, wrt="w")
    w = RNG.standard_normal(3)
    for xs in ([], [RNG.standard_normal(3)]):
        try:
            got = decorated.backward(list(xs), w)
        except backgen.BackgenError:
            continue  # (refused: fine; a gradient must be right)
        check_gradients(got, lambda w: _grown(list(xs), w), [w], [0])


# --- an integer passed on to a helper that indexes with it: no gradient of its own ------------------


def _pick(h, k):
    if k >= h.shape[0]:
        return h[-1]
    return h[k]


def _picked_twice(x, k):
    return np.sum(_pick(x, k) ** 2) + np.sum(_pick(x * 2.0, 0) ** 3)


def test_an_integer_a_helper_indexes_with_is_not_differentiated_by_the_decorator():
    decorated = backgen.backward(_picked_twice)
    assert decorated.wrt_for((X23.T.copy(), 1)) == ("x",)
    x = RNG.standard_normal((3, 2))
    for k in (0, 2, 1):
        check_gradients(decorated.backward(x, k), lambda x: _picked_twice(x, k), [x], [0])
