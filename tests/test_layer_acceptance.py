"""CS231n layers (``def f(...): ... return out, cache`` with ``f_backward(dout, cache)``) written as a
user writes them, accepted by ``generate``: each backward, handed the cache the user's forward built,
is checked against central finite differences of sum(out * dout) in float64, and must leave the cache
alone."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences


def layer_gradients(source, name, args, shapes=None):
    """The generated ``<name>_backward(dout, cache)``'s gradients at ``args`` for a random ``dout``, and
    the central differences they must match; the generated text too."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name, shapes=shapes)
    forward_env, backward_env = {}, {}
    exec(compile(source, "<forward>", "exec"), forward_env)
    exec(compile(text, "<backward>", "exec"), backward_env)
    forward = forward_env[name]
    out, cache = forward(*[np.copy(a) for a in args])
    dout = np.random.default_rng(7).normal(size=np.shape(out))
    backward = backward_env[name.replace("_forward", "") + "_backward"]
    got = backward(dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: forward(*[np.copy(v) for v in a])[0], list(args), range(len(args)), [dout])
    return got, want, text


def assert_close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


RNN = '''
import numpy as np

def step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
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


def rnn_args(rng):
    return [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5)), rng.normal(size=(4, 5)) * 0.5,
            rng.normal(size=(5, 5)) * 0.5, rng.normal(size=5)]


@pytest.mark.parametrize("shapes", [
    {"x": "2, 3, 4", "h0": "2, 5", "Wx": "4, 5", "Wh": "5, 5", "b": "5"},
    {"x": "N, T, D", "h0": "N, H", "Wx": "D, H", "Wh": "H, H", "b": "H"},
    {"x": "N, T, D", "h0": "N, H", "Wx": "D, H", "Wh": "H, H", "b": "1, H"},
])
def test_a_layer_looping_over_a_step_layer_takes_its_shapes_from_shapes(shapes):
    """shapes= reaches a layer looping over a step layer (it was refused as if none were given), and the
    step layer, declaring none, is written for the shapes it is called with there."""
    args = rnn_args(np.random.default_rng(0))
    if shapes["b"] == "1, H":
        args[-1] = args[-1].reshape(1, -1)
    got, want, text = layer_gradients(RNN, "rnn_forward", args, shapes)
    assert_close(got, want)
    assert "N, T, H = dout.shape" in text and "for t in reversed(range(T)):" in text
    assert "_unbroadcast" not in text  # the step's backward is the hand-style one


def test_a_sandwich_reshaping_around_its_layer_takes_its_shapes_from_shapes():
    """shapes= reaches the run that learns where the backward finds each dimension of the reshapes."""
    source = '''
    import numpy as np

    def scale_forward(x, gamma, beta):
        out = x * gamma + beta
        cache = (x, gamma)
        return out, cache

    def spatial_scale_forward(x, gamma, beta):
        N, C, H, W = x.shape
        x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
        out_flat, cache = scale_forward(x_flat, gamma, beta)
        out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return out, cache
    '''
    rng = np.random.default_rng(1)
    args = [rng.normal(size=(2, 3, 4, 5)), rng.normal(size=3), rng.normal(size=3)]
    got, want, text = layer_gradients(source, "spatial_scale_forward", args,
                                      {"x": "2, 3, 4, 5", "gamma": "3", "beta": "3"})
    assert_close(got, want)
    # (scale_forward's backward written for the shapes it is given here, named apart from its own)
    assert "scale_backward_for_spatial_scale(" in text.split("def spatial_scale_backward")[1]


@pytest.mark.parametrize("shapes", [
    {"x": "3, 3, 2", "h0": "3, 4", "Wx": "2, 4", "Wh": "4, 4", "b": "4"},  # N = T: one name bound for both
    {"x": "2, 3, 4", "h0": "2, 4", "Wx": "4, 4", "Wh": "4, 4", "b": "4"},  # D = H
])
def test_a_layer_reading_its_dimensions_at_run_time_refuses_numbers_that_do_not_tell_dimensions_apart(shapes):
    """Its backward finds each dimension by its size in the samples: given N = T = 3 it read both from
    dout.shape[0], right at those sizes and wrong at others (dx of shape (5, 5, 2) for (5, 2, 2)), so
    numbers that give two dimensions one size are refused, saying to name them."""
    with pytest.raises(backgen.BackgenError, match="given as numbers.*are both.*give the dimensions names") as info:
        backgen.generate(RNN, name="rnn_forward", shapes=shapes)
    assert info.value.lineno == RNN.splitlines().index("def rnn_forward(x, h0, Wx, Wh, b):") + 1


WRITTEN_AFTER_CACHE = '''
import numpy as np

def layer_forward(x, w, b):
    h = np.tanh(x.dot(w) + b)
    cache = (x, w, b, h.reshape(-1))
    h[0] += 1.0
    out = h * 2.0
    return out, cache
'''


def test_a_cached_view_written_after_the_cache_is_built_and_never_read_is_no_reason_to_refuse():
    """The cache holds a view of h, which a later write changes; the backward computes h again from
    x, w and b, and never reads the view."""
    rng = np.random.default_rng(2)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got, want, _ = layer_gradients(WRITTEN_AFTER_CACHE, "layer_forward", args,
                                   {"x": "N, D", "w": "D, M", "b": "M"})
    assert_close(got, want)


def test_a_cached_view_written_after_the_cache_is_built_that_the_backward_needs_is_refused_at_the_write():
    source = WRITTEN_AFTER_CACHE.replace("cache = (x, w, b, h.reshape(-1))", "cache = (w, h.reshape(-1))")
    with pytest.raises(backgen.BackgenError, match=r"this changes the array of 'h.reshape\(-1\)', which the cache "
                                                   r"built on line 6 holds, after the cache is built") as info:
        backgen.generate(source, name="layer_forward", shapes={"x": "N, D", "w": "D, M", "b": "M"})
    assert info.value.lineno == 7


def test_a_cached_array_written_in_a_later_loop_that_the_backward_does_not_read():
    source = '''
    import numpy as np

    def layer_forward(x, w, b, mode):
        a = x.dot(w) + b
        h = np.maximum(0, a)
        cache = (x, w, b, a, mode, h)
        for i in range(3):
            h[i] = np.tanh(h[i]) + b
        if mode == 'train':
            out = h * 1.5
        else:
            out = h
        return out, cache
    '''
    rng = np.random.default_rng(4)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    source = textwrap.dedent(source)
    text = backgen.generate(source, name="layer_forward", shapes={"x": "N, D", "w": "D, M", "b": "M"})
    env, back = {}, {}
    exec(source, env)
    exec(text, back)
    out, cache = env["layer_forward"](*[a.copy() for a in args], "train")
    dout = rng.normal(size=out.shape)
    got = back["layer_backward"](dout, cache)
    want = finite_differences(lambda *a: env["layer_forward"](*[v.copy() for v in a], "train")[0], args,
                              range(3), [dout])
    assert_close(got, want)


CLIPPED_IN_PLACE = '''
import numpy as np

def layer_forward(x, w, b):
    x_in = x.copy()
    flat = x.ravel()
    flat[flat < 0] = 0.0
    a = x_in.dot(w) + b
    out = np.maximum(0, a)
    cache = (x_in, w, a, x)
    return out, cache
'''


def test_a_cached_array_a_write_changed_through_a_view_backgen_does_not_follow_is_left_unread():
    """x, clipped in place through x.ravel() (a view or a copy, as x's order decides), is in the cache;
    the backward needs x_in, w and a only, and never reads it."""
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got, want, text = layer_gradients(CLIPPED_IN_PLACE, "layer_forward", args, {"x": "N, D", "w": "D, M", "b": "M"})
    assert_close(got, want)
    assert "x_in, w, a, _ = cache" in text


def test_a_cached_array_a_write_changed_unseen_that_the_backward_needs_is_refused_at_its_entry():
    source = '''
    import numpy as np

    def layer_forward(x, w, b):
        a = x.dot(w) + b
        out = np.maximum(0, a)
        flat = x.ravel()
        flat[flat < 0] = 0.0
        cache = (x, w, a, b)
        return out, cache
    '''
    with pytest.raises(backgen.BackgenError, match="'x' may have been changed by the write into 'flat' on line 8") \
            as info:
        backgen.generate(textwrap.dedent(source), name="layer_forward", shapes={"x": "N, D", "w": "D, M", "b": "M"})
    assert info.value.lineno == 9


LOOP_RENEWS = '''
import numpy as np

def layer_forward(x, w, b):
    h1 = x.dot(w) + b
    h = h1
    for k in range(2):
        BODY
    out = h
    out *= 1.5
    out[-1] = h1.mean(axis=0)
    cache = (x, w, b)
    return out, cache
'''


def test_a_loop_that_runs_for_sure_leaves_a_name_it_rebinds_sharing_nothing_with_what_it_started_as():
    """h = h1, then rebound to a new array in every iteration of a loop that runs twice: after it, a
    write into h (through out) leaves h1 alone, and h1 is read after it."""
    source = LOOP_RENEWS.replace("BODY", "h = np.tanh(h) * 0.9 + h1 * h1")
    rng = np.random.default_rng(6)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got, want, _ = layer_gradients(source, "layer_forward", args, {"x": "N, D", "w": "D, M", "b": "M"})
    assert_close(got, want)


@pytest.mark.parametrize("body, count", [
    ("h = h[::-1]", "2"),  # a view of h1 after the loop: the write into out changes h1
    ("h = np.tanh(h) * 0.9 + h1 * h1", "len(b) - 5"),  # may run no iteration (b of 5): h may be h1
    ("if k > 5:\n            break\n        h = np.tanh(h)", "2"),
])
def test_a_loop_that_may_leave_a_name_sharing_what_it_started_as_is_still_refused(body, count):
    source = LOOP_RENEWS.replace("BODY", body).replace("range(2)", f"range({count})")
    with pytest.raises(backgen.BackgenError, match="'h1' may have been changed by the write into 'out'"):
        backgen.generate(textwrap.dedent(source), name="layer_forward", shapes={"x": "N, D", "w": "D, M", "b": "M"})


def test_a_forward_that_cannot_run_at_the_shapes_given_is_refused_at_the_line_that_raises():
    """A size written as a number (np.full((3, 5), ...)) where the shapes give another (x of 4 rows): the
    staged forward raises at its line, which the refusal names (it named the def line).  (Where the
    shapes name it, N, the sample takes the code's size: see tests/test_given_shapes.py.)"""
    source = '''
    import numpy as np

    def layer_forward(x: '4, D', w: 'D, M', b: 'M', mode):
        h = np.full((3, 5), 0.5)
        if mode == 'train':
            g = h
        else:
            g = h * 2.0
        out = x.dot(w) + g
        cache = (x, w, b, mode)
        return out, cache
    '''
    with pytest.raises(backgen.BackgenError, match="could not run the staged forward of layer_forward.. on inputs "
                                                   "of the given shapes: ValueError: operands could not be "
                                                   "broadcast") as info:
        backgen.generate(textwrap.dedent(source), name="layer_forward")
    assert info.value.lineno == 10
    assert info.value.text.strip() == "out = x.dot(w) + g"
    assert "(shapes declared: x (4, D), w (D, M), b (M,); this line runs at none of the sizes of D, M" in str(info.value)
