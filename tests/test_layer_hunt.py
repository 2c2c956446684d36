"""CS231n layers (``return out, cache``) as students write them, accepted where the cache holds what
the backward needs, or refused with a message saying what to change: each accepted backward, handed
the cache the user's forward built, is checked against central finite differences of sum(out * dout)
in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from test_layer_acceptance import assert_close, layer_gradients

STEP = '''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    - x: Input data for this timestep, of shape (N, D).
    - prev_h: Hidden state from previous timestep, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''

RNN_DOC = '''
    """
    - x: Input data for the entire timeseries, of shape (N, T, D).
    - h0: Initial hidden state, of shape (N, H)
    - Wx: Weight matrix for input-to-hidden connections, of shape (D, H)
    - Wh: Weight matrix for hidden-to-hidden connections, of shape (H, H)
    - b: Biases of shape (H,)
    """
'''


def _rnn_args(rng, n=2, t=3):
    return [rng.normal(size=(n, t, 4)), rng.normal(size=(n, 5)), rng.normal(size=(4, 5)) * 0.5,
            rng.normal(size=(5, 5)) * 0.5, rng.normal(size=5)]


@pytest.mark.parametrize("n, t", [(2, 3), (3, 3)])
def test_an_rnn_stacking_its_outputs_under_the_name_of_the_carried_state(n, t):
    # h carries the state from step to step, then names the stacked outputs: the state's own gradient
    # starts at zero (the output's reaches each step through its slot)
    source = STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + RNN_DOC + '''
    N, T, D = x.shape
    hs = []
    caches = []
    h = h0
    for t in range(T):
        h, c = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        hs.append(h)
        caches.append(c)
    h = np.stack(hs, axis=1)
    return h, caches
'''
    got, want, text = layer_gradients(source, "rnn_forward", _rnn_args(np.random.default_rng(1), n, t))
    assert_close(got, want)
