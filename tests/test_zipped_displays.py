"""Loops over ``zip`` and ``enumerate`` of displays of parameters (``zip([W1, W2], [b1, b2])``,
``enumerate([W1, W2])``, ``enumerate(params)`` for ``params = [(W1, b1), (W2, b2)]``), as autograd's
and CS231n's networks loop over their layers: the items are known from the text, so the loop is
written out layer by layer, each layer's values of their own shapes.  Checked against central
finite differences in float64."""

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right

RNG = np.random.default_rng(5)
W1, W2 = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))
B1, B2 = RNG.normal(size=4), RNG.normal(size=2)
X = RNG.normal(size=(5, 3))


def test_zip_of_two_displays():
    assert_right('''
    def f(W1: "3, 4", W2: "4, 2", b1: "4", b2: "2", x: "5, 3"):
        h = x
        for W, b in zip([W1, W2], [b1, b2]):
            h = np.tanh(h @ W + b)
        return np.sum(h ** 2)
    ''', [W1, W2, B1, B2, X])


def test_enumerate_of_a_display_its_count_read_in_a_branch():
    assert_right('''
    def f(W1: "3, 4", W2: "4, 2", x: "5, 3"):
        h = x
        for i, W in enumerate([W1, W2]):
            h = h @ W
            if i < 1:
                h = np.maximum(h, 0.0)
        return np.sum(h ** 2)
    ''', [W1, W2, X])


@pytest.mark.parametrize("start", ["", ", 1", ", start=1"])
def test_enumerate_of_a_named_list_of_layers(start):
    first = 1 if start else 0
    assert_right(f'''
    def f(W1: "3, 4", W2: "4, 2", b1: "4", b2: "2", x: "5, 3"):
        h = x
        params = [(W1, b1), (W2, b2)]
        for i, (W, b) in enumerate(params{start}):
            h = h @ W + b
            if i < len(params) - 1 + {first}:
                h = np.maximum(h, 0.0)
        return np.sum(h ** 2)
    ''', [W1, W2, B1, B2, X])


def test_enumerate_of_zip_of_displays_with_numbers():
    assert_right('''
    def f(W1: "3, 4", W2: "4, 2", x: "5, 3"):
        h = x
        for k, (W, rate) in enumerate(zip([W1, W2], [0.5, 2.0])):
            h = np.tanh(rate * (h @ W)) + k
        return np.sum(h ** 2)
    ''', [W1, W2, X])


def test_zip_of_a_named_list_with_a_display():
    assert_right('''
    def f(W1: "3, 4", W2: "4, 2", x: "5, 3"):
        h = x
        weights = [W1, W2]
        for W, scale in zip(weights, (1.5, 0.5)):
            h = np.sin(h @ W) * scale
        return np.sum(h)
    ''', [W1, W2, X])


def test_the_layers_written_out_read_as_a_person_writes_them():
    text = backgen.generate('''
def f(W1: "3, 4", W2: "4, 2", b1: "4", b2: "2", x: "5, 3"):
    h = x
    for W, b in zip([W1, W2], [b1, b2]):
        h = np.tanh(h @ W + b)
    return np.sum(h)
''')
    assert "dW1" in text and "dW2" in text and "db1" in text and "db2" in text
    assert "for " not in text.split("def f_backward")[1]  # (two layers, each written out)


def test_a_loop_counting_over_two_lists_of_layers():
    # for i in range(len(Ws)), reading Ws[i] and bs[i], and len(Ws) in a test
    assert_right('''
    def f(W1: "3, 4", W2: "4, 2", b1: "4", b2: "2", x: "5, 3"):
        Ws = [W1, W2]
        bs = [b1, b2]
        h = x
        for i in range(len(Ws)):
            h = h @ Ws[i] + bs[i]
            if i < len(Ws) - 1:
                h = np.tanh(h)
        return np.sum(h ** 2)
    ''', [W1, W2, B1, B2, X])


@pytest.mark.parametrize("read", ["W, b = layers[i]\n            h = np.tanh(h @ W + b)",
                                  "h = np.tanh(h @ layers[i][0] + layers[i][1])"])
def test_a_loop_counting_over_a_list_of_pairs(read):
    assert_right(f'''
    def f(W1: "3, 4", W2: "4, 2", b1: "4", b2: "2", x: "5, 3"):
        layers = [(W1, b1), (W2, b2)]
        h = x
        for i in range(len(layers)):
            {read}
        return np.sum(h ** 2)
    ''', [W1, W2, B1, B2, X])


def test_a_list_read_at_another_index_keeps_its_loop():
    # Ws[i + 1] is no item of the iteration's own: the loop stays a loop (one shape throughout)
    A, B = RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))
    assert_right('''
    def f(W1: "3, 3", W2: "3, 3", x: "5, 3"):
        Ws = [W1, W2, W1]
        h = x
        for i in range(len(Ws) - 1):
            h = np.tanh(h @ Ws[i] @ Ws[i + 1])
        return np.sum(h)
    ''', [A, B, X])
