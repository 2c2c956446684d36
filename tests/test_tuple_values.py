"""Tuples as values in per-step caches: ``caches.append((x_t, prev_h, next_h))`` in a loop, read back by
unpacking (``x_t, prev_h, next_h = caches[t]``, also ``for a, b in caches``), by a constant place
(``caches[t][1]``) or ``len``; each backward checked against central finite differences in float64, by
``generate`` without shapes, with them, and by the decorator, and a CS231n layer (``return out, cache``)
through its ``_backward(dout, cache)``.  A list of tuples read any other way is refused at its line."""

import textwrap

import numpy as np
import pytest

import backgen
from every_way import every_way
from test_layer_acceptance import assert_close, layer_gradients

RNG = np.random.default_rng(20261204)

UNPACKED = '''
import numpy as np

def f(x, W):
    caches = []
    h = x
    for t in range(3):
        a = h.dot(W)
        nh = np.tanh(a)
        caches.append((h, a, nh))
        h = nh
    total = 0.0
    for t in range(len(caches)):
        h_t, a_t, n_t = caches[t]
        total = total + np.sum(n_t * h_t) + np.sum(a_t ** 2)
    return total + np.sum(caches[-1][0] * caches[1][2])
'''

LOOPED = '''
import numpy as np

def f(x, W):
    steps = []
    h = x
    for t in range(3):
        nh = np.tanh(h.dot(W))
        steps.append((h, nh))
        h = nh
    total = 0.0
    for a, b in steps:
        total = total + np.sum(a * b)
    return total
'''

NO_LOOP = '''
import numpy as np

def f(x, W):
    pairs = []
    h = np.tanh(x.dot(W))
    pairs.append((x, h))
    pairs.append((h, 2.0 * h))
    a, b = pairs[1]
    return np.sum(a * b) + np.sum(pairs[0][0] * pairs[0][1])
'''

NAMED = '''
import numpy as np

def f(x, W):
    h = np.tanh(x.dot(W))
    pair = (x, h)
    a, b = pair
    return np.sum(a * b) + np.sum(pair[1])
'''

ARGS = [RNG.normal(size=(2, 3)) * 0.5, RNG.normal(size=(3, 3)) * 0.5]
SHAPES = {"x": "N, D", "W": "D, D"}


@pytest.mark.parametrize("source", [UNPACKED, LOOPED, NO_LOOP, NAMED], ids=["unpacked", "looped", "no_loop", "named"])
def test_tuples_appended_then_read_back(source, tmp_path):
    """Refused before: tuples are only supported as arguments of calls and in indexing."""
    every_way(source, "f", ARGS, SHAPES, tmp_path)


def test_one_list_per_place_named_after_what_is_read_back():
    text = backgen.generate(textwrap.dedent(UNPACKED), name="f")
    assert "h_ts" in text and "a_ts" in text and "n_ts" in text


LAYER = '''
import numpy as np

def rnn_sum_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    caches = []
    prev = h0
    for t in range(T):
        nxt = np.tanh(x[:, t].dot(Wx) + prev.dot(Wh) + b)
        caches.append((x[:, t], prev, nxt))
        prev = nxt
    out = np.zeros_like(h0)
    for t in range(T):
        x_t, prev_h, next_h = caches[t]
        out = out + next_h * prev_h + x_t.dot(Wx)
    cache = (x, h0, Wx, Wh, b)
    return out, cache
'''


def test_a_layer_returning_out_and_cache():
    args = [RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3)) * 0.4,
            RNG.normal(size=(3, 3)) * 0.4, RNG.normal(size=3) * 0.1]
    got, want, _ = layer_gradients(LAYER, "rnn_sum_forward", args)
    assert_close(got, want)


REFUSED = [
    ("""
import numpy as np

def f(x, W):
    caches = []
    h = x
    for t in range(3):
        nh = np.tanh(h.dot(W))
        caches.append((h, nh))
        h = nh
    last = caches[-1]
    return np.sum(last[0] * last[1])
""", "a list of tuples is followed only where"),  # an item read whole, as a value of its own
    ("""
import numpy as np

def f(x, W):
    caches = []
    caches.append((x, W))
    caches.append((x, W, x))
    a, b = caches[0]
    return np.sum(a.dot(b))
""", "each tuple of one length"),  # tuples of two lengths
]


@pytest.mark.parametrize("source, message", REFUSED, ids=["read_whole", "two_lengths"])
def test_other_reads_refused(source, message):
    with pytest.raises(backgen.BackgenError, match=message):
        backgen.generate(textwrap.dedent(source), name="f")


CACHED = '''
import numpy as np

def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    caches = []
    prev = h0
    for t in range(T):
        nxt = np.tanh(x[:, t].dot(Wx) + prev.dot(Wh) + b)
        caches.append((x[:, t], prev, nxt))
        h[:, t] = nxt
        prev = nxt
    cache = (caches, Wx, Wh)
    return h, cache
'''

RETURNED = '''
import numpy as np

def f(x, W):
    steps = []
    h = x
    for t in range(2):
        nh = np.tanh(h.dot(W))
        steps.append((h, nh))
        h = nh
    return np.sum(h), steps
'''


@pytest.mark.parametrize("source, name", [(CACHED, "rnn_forward"), (RETURNED, "f")], ids=["cached", "returned"])
def test_a_list_of_tuples_handed_on_refused(source, name):
    """A list of tuples held in a cache (wv_rnn_cache_list_of_tuples_per_step) or returned is not split into
    lists: refused at the append."""
    with pytest.raises(backgen.BackgenError, match="a list of tuples is followed only where the function reads it back"):
        backgen.generate(source, name=name)
