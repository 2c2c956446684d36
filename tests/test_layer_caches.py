"""Layers whose cache holds what a person writing the backward by hand would read: the backward,
handed the cache the user's forward built, reads it rather than computing again values the gradient
does not need (checked against central finite differences in float64)."""

import re

import numpy as np

from test_layer_acceptance import assert_close, layer_gradients


def rnn_args(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 5)), rng.normal(size=(3, 4)), rng.normal(size=(5, 4)) * 0.3,
            rng.normal(size=(4, 4)) * 0.3, rng.normal(size=(4,))]


SWAPPED_ROWS = '''
import numpy as np

def step_forward(x: 'N, D', prev_h: 'N, H', Wx: 'D, H', Wh: 'H, H', b: 'H'):
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    a[0], a[1] = (a[1].copy(), a[0].copy())
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''


def test_rows_swapped_in_a_value_the_gradient_does_not_read_leave_it_uncomputed():
    """The tanh's gradient reads the cached next_h; a, whose rows a write swaps, is needed by nothing
    (so b, which the cache lacks, is not either)."""
    got, want, text = layer_gradients(SWAPPED_ROWS, "step_forward", rnn_args())
    assert_close(got, want)
    assert not re.search(r"^\s+a = ", text.split("def step_backward")[1], re.M)


HELPER_OF_TWO_LINES = '''
import numpy as np

def _activation(a):
    a = np.tanh(a)
    return a

def _preactivation(b, Wx, Wh, x, prev_h):
    b = x.dot(Wx) + prev_h.dot(Wh) + b
    return b

def step_forward(x: 'N, D', prev_h: 'N, H', Wx: 'D, H', Wh: 'H, H', b: 'H'):
    a = _preactivation(b, Wx, Wh, x, prev_h)
    next_h = _activation(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''


def test_a_helper_of_assignments_then_a_return_is_read_as_its_expression():
    """``a = np.tanh(a); return a`` is ``np.tanh(a)``: the backward reads the cached next_h for the
    tanh's gradient, and b for its shape alone (db = da.sum(axis=0))."""
    got, want, text = layer_gradients(HELPER_OF_TWO_LINES, "step_forward", rnn_args(1))
    assert_close(got, want)
    assert "_backward(" not in text.split("def step_backward")[1]


def test_a_helper_reading_a_value_twice_stays_a_call():
    source = HELPER_OF_TWO_LINES.replace("    a = np.tanh(a)\n    return a", "    s = np.tanh(a)\n    return s * s")
    got, want, text = layer_gradients(source.replace("cache = (x, prev_h, Wx, Wh, next_h)",
                                                     "cache = (x, prev_h, Wx, Wh, b, next_h)"),
                                      "step_forward", rnn_args(2))
    assert_close(got, want)
