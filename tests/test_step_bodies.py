"""A layer's loop over the steps written inline (``cache.append((x_t, prev_h, Wx, Wh, next_h))``) read as
the step layer it holds: each accepted backward, handed the cache the user's forward built, is checked
against central finite differences of sum(out * dout) in float64; where the cache lacks what the
backward needs, or holds a value the loop has already changed, the refusal says so at the user's line."""

import textwrap

import numpy as np
import pytest

import backgen
from test_decorated_layers import _module, check_decorated
from test_layer_acceptance import assert_close, layer_gradients

DOC = '''
    """
    - x: (N, T, D)
    - h0: (N, H)
    - Wx: (D, H)
    - Wh: (H, H)
    - b: (H,)
    """'''


def _rnn(loop, doc=DOC, before="", after=""):
    """An RNN layer whose loop is ``loop``; ``before`` and ``after`` the loop: lines (each "\\n..." )."""
    lines = ["h, cache = None, None", "N, T, D = x.shape", "_, H = h0.shape", "h = np.zeros((N, T, H))",
             "cache = []", "prev_h = h0"] + before.split("\n")[1:] + ["for t in range(T):"] + \
        ["    " + line for line in textwrap.dedent(loop).strip().split("\n")] + after.split("\n")[1:] + \
        ["return h, cache"]
    return "import numpy as np\n\ndef rnn_forward(x, h0, Wx, Wh, b):" + doc + "\n" + \
        "\n".join("    " + line for line in lines) + "\n"


def _rnn_args(seed=3, n=2, t=3, d=4, h=5):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(d, h)) * .4,
            rng.normal(size=(h, h)) * .4, rng.normal(size=h)]


INLINE = '''
    x_t = x[:, t, :]
    next_h = np.tanh(prev_h.dot(Wh) + x_t.dot(Wx) + b)
    cache.append((x_t, prev_h, Wx, Wh, next_h))
    h[:, t, :] = next_h
    prev_h = next_h
'''


@pytest.mark.parametrize("doc, cached", [(DOC, "Wx, Wh"), ("", "Wx, Wh, b")], ids=["shapes in the docstring",
                                                                                  "no shapes"])
def test_an_rnn_written_inline_gets_a_step_backward_called_in_reverse(doc, cached):
    # without shapes, b's gradient is written for every shape of b: the step's backward needs b itself
    source = _rnn(INLINE.replace("Wx, Wh", cached), doc)
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args())
    assert_close(got, want)
    assert "def rnn_step_backward(dout, cache):" in text
    assert "in reversed(range(" in text and "rnn_step_backward(dout[:, t, :] + dprev_h, cache[t])" in text


def test_shapes_given_as_numbers_with_a_throwaway_dimension():
    # _, H = h0.shape gives _ the batch size N has: no two dimensions there, `_` names none
    source = _rnn(INLINE.replace("Wx, Wh", "Wx, Wh, b"), "")
    shapes = {"x": "2, 3, 4", "h0": "2, 5", "Wx": "4, 5", "Wh": "5, 5", "b": "5"}
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(), shapes=shapes)
    assert_close(got, want)
    assert "N, T, H = dout.shape" in text


@pytest.mark.parametrize("loop, before, after", [
    # the slice read where it is used, collected into a dict by the step
    ('''
     next_h = np.tanh(prev_h @ Wh + x[:, t, :] @ Wx + b)
     steps[t] = (x[:, t, :], prev_h, Wx, Wh, next_h)
     h[:, t, :] = next_h
     prev_h = next_h
     ''', "\nsteps = {}", "\ncache = steps"),
    # the cache collected first, the state renamed by the step itself
    ('''
     cache.append((x[:, t, :], prev_h, Wx, Wh, b))
     prev_h = np.tanh(prev_h @ Wh + x[:, t, :] @ Wx + b)
     h[:, t, :] = prev_h
     ''', "", ""),
    # the outputs appended to a list, stacked after the loop
    ('''
     a = prev_h.dot(Wh) + x[:, t, :].dot(Wx) + b
     next_h = np.tanh(a)
     hs.append(next_h)
     cache.append((x[:, t, :], prev_h, Wx, Wh, next_h))
     prev_h = next_h
     ''', "\nhs = []", "\nh = np.stack(hs, axis=1)"),
], ids=["dict", "collected first", "stacked"])
def test_inline_steps_as_students_write_them(loop, before, after):
    source = _rnn(loop, DOC, before, after)
    got, want, _ = layer_gradients(source, "rnn_forward", _rnn_args(5))
    assert_close(got, want)


LSTM = '''
import numpy as np

def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def lstm_forward(x, h0, Wx, Wh, b):
    """
    - x: (N, T, D)
    - h0: (N, H)
    - Wx: (D, 4H)
    - Wh: (H, 4H)
    - b: (4H,)
    """
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache = []
    prev_h, prev_c = h0, np.zeros_like(h0)
    for t in range(T):
        H = prev_h.shape[1]
        a = x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b
        i = sigmoid(a[:, :H])
        f = sigmoid(a[:, H:2 * H])
        o = sigmoid(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        next_c = f * prev_c + i * g
        next_h = o * np.tanh(next_c)
        cache.append((x[:, t, :], prev_h, prev_c, Wx, Wh, i, f, o, g, next_c))
        h[:, t, :] = next_h
        prev_h, prev_c = next_h, next_c
    return h, cache
'''


def test_an_lstm_written_inline_carries_two_states():
    rng = np.random.default_rng(11)
    n, t, d, h = 2, 3, 4, 5
    args = [rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(d, 4 * h)) * .4,
            rng.normal(size=(h, 4 * h)) * .4, rng.normal(size=4 * h)]
    got, want, text = layer_gradients(LSTM, "lstm_forward", args)
    assert_close(got, want)
    assert "lstm_step_backward(" in text


def test_the_inline_step_is_decorated_too(tmp_path):
    module = _module(tmp_path, _rnn(INLINE), "inline_rnn")
    check_decorated(module.rnn_forward, _rnn_args(7), (0, 1, 2, 3, 4))


def test_a_cache_lacking_the_weights_is_refused_at_its_line():
    source = _rnn(INLINE.replace("(x_t, prev_h, Wx, Wh, next_h)", "(x_t, prev_h, next_h)"), DOC)
    with pytest.raises(backgen.BackgenError, match=r"the backward needs Wh, Wx .*the cache built on line 20 does "
                                                   r"not hold \(it holds x_t, prev_h, next_h\)") as caught:
        backgen.generate(source, name="rnn_forward")
    assert caught.value.lineno == 20


def test_the_step_is_named_in_a_refusal_naming_it():
    source = _rnn(INLINE.replace("(x_t, prev_h, Wx, Wh, next_h)", "(x_t, prev_h, next_h)"), "")
    with pytest.raises(backgen.BackgenError, match=r"rnn_step_forward\(\) is the loop's body, lines 11-15, read as "
                                                   r"a step layer: next_h, step_cache = rnn_step_forward\("):
        backgen.generate(source, name="rnn_forward")


def test_a_state_renamed_before_it_is_cached_is_not_read_as_the_steps_input():
    # prev_h = next_h before the append: the cache holds the new state twice, not the step's input, which
    # the backward needs; never the step's own input taken in its place
    loop = '''
        next_h = np.tanh(prev_h.dot(Wh) + x[:, t, :].dot(Wx) + b)
        prev_h = next_h
        cache.append((x[:, t, :], prev_h, Wx, Wh, next_h))
        h[:, t, :] = next_h
        '''
    with pytest.raises(backgen.BackgenError):
        backgen.generate(_rnn(loop), name="rnn_forward")


def test_a_size_read_before_the_loop_is_no_input_of_the_step():
    # H read before the loop and used in the step: the step's backward could not know it from the cache,
    # so the loop is not read as a step (refused as before, saying how the cache is read)
    source = LSTM.replace("        H = prev_h.shape[1]\n", "").replace("    N, T, D = x.shape\n",
                                                                          "    N, T, D = x.shape\n    H = h0.shape[1]\n")
    with pytest.raises(backgen.BackgenError, match="a list of tuples"):
        backgen.generate(source, name="lstm_forward")


def test_a_step_written_straight_into_the_output():
    # h[:, t, :] = np.tanh(...): the value named (h_t), written into its slot, the slot's reads after it
    # read by that name
    loop = '''
        h[:, t, :] = np.tanh(prev_h @ Wh + x[:, t, :] @ Wx + b)
        cache.append((x[:, t, :], prev_h, Wx, Wh, h[:, t, :], b))
        prev_h = h[:, t, :]
        '''
    got, want, text = layer_gradients(_rnn(loop, ""), "rnn_forward", _rnn_args(13))
    assert_close(got, want)
    assert "rnn_step_backward(" in text


@pytest.mark.parametrize("choice", [
    "prev_h = h0 if t == 0 else h[:, t - 1, :]",
    "if t == 0:\n    prev_h = h0\nelse:\n    prev_h = h[:, t - 1, :]"], ids=["expression", "statement"])
def test_the_previous_state_chosen_by_the_step(choice):
    loop = choice + "\n" + textwrap.dedent('''
        next_h = np.tanh(prev_h @ Wh + x[:, t, :] @ Wx + b)
        cache.append((x[:, t, :], prev_h, Wx, Wh, next_h))
        h[:, t, :] = next_h
        ''').strip()
    got, want, _ = layer_gradients(_rnn(loop, DOC), "rnn_forward", _rnn_args(17))
    assert_close(got, want)


def test_a_gru_written_inline():
    source = '''
import numpy as np

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))

def gru_forward(x, h0, Wz, Uz, Wr, Ur, Wh, Uh):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev = h0
    for t in range(T):
        xt = x[:, t, :]
        z = sigmoid(xt @ Wz + prev @ Uz)
        r = sigmoid(xt @ Wr + prev @ Ur)
        hh = np.tanh(xt @ Wh + (r * prev) @ Uh)
        nh = (1 - z) * prev + z * hh
        cache.append((xt, prev, z, r, hh, Wz, Uz, Wr, Ur, Wh, Uh))
        h[:, t, :] = nh
        prev = nh
    return h, cache
'''
    rng = np.random.default_rng(19)
    args = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5))] + \
        [rng.normal(size=s) * .4 for s in [(4, 5), (5, 5), (4, 5), (5, 5), (4, 5), (5, 5)]]
    got, want, _ = layer_gradients(source, "gru_forward", args)
    assert_close(got, want)


def test_the_output_read_in_the_step_is_no_input_of_a_step():
    # h[:, t - 1, :] read in the computation itself: the step would read the array the loop writes,
    # whose gradient no step layer's call passes on; refused as before, never a gradient missing it
    loop = '''
        next_h = np.tanh(h[:, t - 1, :] @ Wh + x[:, t, :] @ Wx + b)
        cache.append((x[:, t, :], h[:, t - 1, :], Wx, Wh, next_h))
        h[:, t, :] = next_h
        '''
    with pytest.raises(backgen.BackgenError, match="a list of tuples"):
        backgen.generate(_rnn(loop), name="rnn_forward")
