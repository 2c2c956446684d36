"""More CS231n layers (``return out, cache``) accepted, or refused with a message saying what to
cache: each accepted backward, handed the cache the user's forward built, is checked against central
finite differences of sum(out * dout) in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences
from test_layer_acceptance import assert_close, layer_gradients

LAYERS = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    cache = (x, w, b)
    return out, cache

def tanh_forward(x):
    out = np.tanh(x)
    cache = out
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache
'''


def _args(rng):
    return [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]


@pytest.mark.parametrize("between, after", [
    ("a2 = a2 * 2.0", "out, relu_cache = relu_forward(a2)"),
    ("a2 = -a2", "out, relu_cache = relu_forward(a2)"),
    ("a3 = 0.5 * a2", "out, relu_cache = relu_forward(a3)"),
    ("a2 = a2 / 4.0", "out, relu_cache = relu_forward(a2)"),
])
def test_a_sandwich_scaling_a_value_between_its_layers(between, after):
    source = LAYERS + f'''
def sandwich_forward(x, w, b):
    a1, fc_cache = affine_forward(x, w, b)
    a2, tanh_cache = tanh_forward(a1)
    {between}
    {after}
    cache = (fc_cache, tanh_cache, relu_cache)
    return out, cache
'''
    got, want, text = layer_gradients(source, "sandwich_forward", _args(np.random.default_rng(3)))
    assert_close(got, want)
    assert "tanh_backward(" in text.split("def sandwich_backward")[1]  # the layers' backwards, called


def test_a_sandwich_scaling_its_input_and_adding_a_number_to_its_output():
    source = LAYERS + '''
def sandwich_forward(x, w, b):
    x = x * 3.0
    a1, fc_cache = affine_forward(x, w, b)
    a2, tanh_cache = tanh_forward(a1)
    out = a2 + 1.0
    cache = (fc_cache, tanh_cache)
    return out, cache
'''
    got, want, _ = layer_gradients(source, "sandwich_forward", _args(np.random.default_rng(4)))
    assert_close(got, want)


WRITTEN_AFTER = '''
import numpy as np

def layer_forward(x, w, b):
    cache = (x, w, b)
    out = x.dot(w) + b
    w[w < 0] = 0.0
    return out, cache
'''


def test_a_cache_holding_an_array_as_a_later_write_leaves_it_names_the_write_and_the_copy_to_keep():
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate(textwrap.dedent(WRITTEN_AFTER), name="layer_forward",
                         shapes={"x": "N, D", "w": "D, M", "b": "M"})
    message = str(info.value)
    assert "the backward needs w as it was before line 7 changes it" in message
    assert "(it holds x, w, b)" in message and "w.copy()" in message and "w_1" not in message
    # and the copy it asks for is enough
    fixed = WRITTEN_AFTER.replace("cache = (x, w, b)", "cache = (x, w.copy(), b)")
    got, want, _ = layer_gradients(fixed, "layer_forward", _args(np.random.default_rng(5)),
                                   shapes={"x": "N, D", "w": "D, M", "b": "M"})
    assert_close(got, want)
    # a copy of another type is not the value the backward reads
    other = WRITTEN_AFTER.replace("cache = (x, w, b)", "cache = (x, np.array(w, dtype=np.float32), b)")
    with pytest.raises(backgen.BackgenError, match="the backward needs w "):
        backgen.generate(textwrap.dedent(other), name="layer_forward", shapes={"x": "N, D", "w": "D, M", "b": "M"})


def test_a_cache_lacking_a_value_names_its_entries_as_the_user_wrote_them():
    source = '''
import numpy as np

def layer_forward(x, w, b):
    h = np.tanh(x.dot(w) + b)
    cache = (h.copy(), b)
    out = h * 2.0
    return out, cache
'''
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate(textwrap.dedent(source), name="layer_forward",
                         shapes={"x": "N, D", "w": "D, M", "b": "M"})
    assert "(it holds h.copy(), b): add them to the cache" in str(info.value)


UNUSED = LAYERS + '''
def sandwich_forward(x, w, b, gamma):
    a1, fc_cache = affine_forward(x, w, b)
    out, tanh_cache = tanh_forward(a1)
    cache = (fc_cache, tanh_cache)
    return out, cache
'''


def test_a_sandwich_parameter_reaching_no_layer_gets_zeros_of_its_declared_shape():
    rng = np.random.default_rng(6)
    shapes = {"x": "N, D", "w": "D, M", "b": "M", "gamma": "M"}
    got, want, text = layer_gradients(UNUSED, "sandwich_forward", _args(rng) + [rng.normal(size=5)], shapes)
    assert_close(got, want)
    assert "dgamma = np.zeros((M,))" in text


def test_a_sandwich_parameter_reaching_no_layer_without_shapes_is_refused():
    with pytest.raises(backgen.BackgenError, match="'gamma' reaches none of the layers"):
        backgen.generate(textwrap.dedent(UNUSED), name="sandwich_forward")


DEAD_RESHAPE = LAYERS + '''
def sandwich_forward(x, w, b):
    a1, fc_cache = affine_forward(x, w, b)
    x = x.reshape(3, 4)
    out, relu_cache = relu_forward(a1)
    cache = (fc_cache, relu_cache)
    return out, cache
'''


@pytest.mark.parametrize("shapes", [None, {"x": "3, 4", "w": "4, 5", "b": "5"}])
def test_a_sandwich_reshaping_a_value_no_layer_reads_after_needs_no_shapes(shapes):
    got, want, text = layer_gradients(DEAD_RESHAPE, "sandwich_forward", _args(np.random.default_rng(8)), shapes)
    assert_close(got, want)
    assert ".reshape" not in text.split("def sandwich_backward")[1]


@pytest.mark.parametrize("mode", ["train", "test"])
def test_a_cache_built_once_after_a_branch_split_for_a_value_of_two_shapes_is_one_cache(mode):
    # h has a shape of its own on each path, so the code after the if, the cache with it, is written
    # once per path (tails.split): the one statement builds one cache, the backward taking the path by
    # the test it reads from the cache
    source = '''
import numpy as np

def layer_forward(x: 'N, D', w: 'D, M', mode):
    if mode == 'train':
        h = x.dot(w)
    else:
        h = np.full((3, 5), 0.5)
    out = h * 2.0
    cache = (x, w, mode)
    return out, cache
'''
    text = backgen.generate(textwrap.dedent(source), name="layer_forward")
    assert text.count("if mode == 'train':") == 1
    forward_env, backward_env = {}, {}
    exec(source, forward_env)
    exec(text, backward_env)
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(3, 4)), rng.normal(size=(4, 5))
    out, cache = forward_env["layer_forward"](x, w, mode)
    dout = rng.normal(size=out.shape)
    got = backward_env["layer_backward"](dout, cache)
    want = finite_differences(lambda x, w: forward_env["layer_forward"](x, w, mode)[0], [x, w], range(2), [dout])
    assert_close(got, want)


STACKED_RNN = '''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    """
    - x: (N, T, D)
    - h0: (N, H)
    - Wx: (D, H)
    - Wh: (H, H)
    - b: (H,)
    """
    N, T, D = x.shape
    hs = []
    caches = []
    prev_h = h0
    for t in range(T):
        prev_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        hs.append(prev_h)
        caches.append(step_cache)
    h = STACKED
    cache = caches
    return h, cache
'''


def _rnn_args(rng):
    return [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5)), rng.normal(size=(4, 5)) * 0.5,
            rng.normal(size=(5, 5)) * 0.5, rng.normal(size=5)]


@pytest.mark.parametrize("stacked", ["np.array(hs).transpose(1, 0, 2)", "np.stack(hs, axis=1)",
                                     "np.array(hs).transpose(1, 2, 0)"])
def test_a_layer_looping_over_a_step_layer_stacking_its_outputs_after_the_loop(stacked):
    source = STACKED_RNN.replace("STACKED", stacked)
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(np.random.default_rng(9)))
    assert_close(got, want)
    assert "rnn_step_backward(dout[:, " in text and "+ dprev_h, cache[t])" in text


def test_a_stacking_that_moves_the_axes_of_a_step_output_is_refused_at_its_line():
    source = textwrap.dedent(STACKED_RNN.replace("STACKED", "np.array(hs).transpose(2, 0, 1)"))
    with pytest.raises(backgen.BackgenError, match="after the loop of a layer looping over a step layer, only an "
                                                   "output stacked") as info:
        backgen.generate(source, name="rnn_forward")
    assert info.value.lineno == source.splitlines().index("    h = np.array(hs).transpose(2, 0, 1)") + 1


def test_a_layer_looping_over_a_step_layer_gives_zeros_to_a_parameter_no_step_reads():
    source = STACKED_RNN.replace("STACKED", "np.stack(hs, axis=1)").replace(
        "def rnn_forward(x, h0, Wx, Wh, b):", "def rnn_forward(x, h0, Wx, Wh, b, gamma):").replace(
        "    - b: (H,)\n", "    - b: (H,)\n    - gamma: (H,)\n")
    rng = np.random.default_rng(10)
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(rng) + [rng.normal(size=5)])
    assert_close(got, want)
    assert "dgamma = np.zeros((H,))" in text


UNSHAPED_RNN = '''
import numpy as np

def step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    cache = (prev_h, b, Wh, Wx, x, next_h)
    return next_h, cache

def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    cache = []
    for t in range(T):
        next_h, step_cache = step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = next_h
        cache.append(step_cache)
        prev_h = next_h
    return h, cache
'''


def _unshaped_args(rng, n, t, d, h, b_shape):
    return [rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(d, h)) * 0.5,
            rng.normal(size=(h, h)) * 0.5, rng.normal(size=b_shape)]


@pytest.mark.parametrize("collect", ["append", "slots", "'step%d' % t", "f'step{t}'"])
def test_a_layer_looping_over_a_step_layer_without_shapes_gets_code_for_every_shape(collect):
    """No shapes anywhere (it refused: "the shapes of x, h0, Wx, Wh, b are needed"): the step's backward
    is shape-generic, the loop's own lines read no size (the count from the cache, the weights' zeros
    like the step cache's weights, x's gradient the steps' slices stacked), right at every shape."""
    source = UNSHAPED_RNN
    if collect == "slots":
        source = source.replace("cache = []", "cache = [None] * T").replace(
            "cache.append(step_cache)", "cache[t] = step_cache")
    elif collect != "append":  # a dict, one key for each step
        source = source.replace("cache = []", "cache = {}").replace(
            "cache.append(step_cache)", f"cache[{collect}] = step_cache")
    rng = np.random.default_rng(12)
    for sizes in [(2, 3, 4, 5, (5,)), (3, 2, 5, 4, (3, 4)), (1, 4, 2, 3, (1, 3))]:
        got, want, text = layer_gradients(source, "rnn_forward", _unshaped_args(rng, *sizes))
        assert_close(got, want)
    assert "np.stack(dx_steps, axis=1)" in text and "np.zeros_like(cache[0][3], dtype=float)" in text or \
        "np.zeros_like(cache['step0'][3], dtype=float)" in text


@pytest.mark.parametrize("change, said", [
    ("cache = [None] * T|cache = [None] * D", "made of another length than the loop's count"),
    ("cache = (prev_h, b, Wh, Wx, x, next_h)|cache = (prev_h, b, Wh, Wx.copy(), x, next_h)",
     "the gradient of Wx is zeros of its shape, which the backward reads from the step caches where one holds "
     "Wx itself"),
    ("for t in range(T):|for t in range(T - 1):", "the gradient of x is made of the slices the steps take"),
    ("cache = []|cache = {};cache.append(step_cache)|cache[t + 1] = step_cache",
     "collect the step caches with cache.append(...), cache[t] = ..."),
    ("cache = []|cache = {};cache.append(step_cache)|cache['s%d' % (t % 7)] = step_cache",
     "collect the step caches with cache.append(...), cache[t] = ..."),
])
def test_a_layer_looping_over_a_step_layer_without_shapes_says_what_its_code_would_need(change, said):
    source = UNSHAPED_RNN
    for pair in change.split(";"):
        old, new = pair.split("|")
        source = source.replace(old, new)
    if "[None]" in new:
        source = source.replace("cache = []", new).replace("cache.append(step_cache)", "cache[t] = step_cache")
    with pytest.raises(backgen.BackgenError, match="the shapes of x, h0, Wx, Wh, b are needed") as info:
        backgen.generate(textwrap.dedent(source), name="rnn_forward")
    assert said in str(info.value)
