"""A dict the function builds of its parameters, read in a loop over a range of numbers by keys computed
from the loop's variable (``params['W%d' % i]``, ``params['b' + str(i)]``, ``params[f'W{i + 1}']``): the
loop is written out, each key the string it is at that iteration, and each entry then a name of its
own, so each layer's values may have shapes of their own.  Checked against central finite differences
in float64."""

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right

RNG = np.random.default_rng(11)
X = RNG.normal(size=(5, 3))
W1, B1, W2, B2 = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 2)), RNG.normal(size=2)


@pytest.mark.parametrize("loop, w_key, b_key", [
    ("range(1, 3)", "'W%d' % i", "'b' + str(i)"),
    ("range(2)", "f'W{i + 1}'", "'b%d' % (i + 1)"),
    ("range(1, 3)", "'W' + str(i)", "f'b{i}'"),
])
def test_a_network_read_from_a_dict_by_keys_computed_in_its_loop(loop, w_key, b_key):
    assert_right(f'''
    def f(x: "5, 3", W1: "3, 4", b1: "4", W2: "4, 2", b2: "2"):
        params = {{'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}}
        h = x
        for i in {loop}:
            h = h @ params[{w_key}] + params[{b_key}]
            if h.shape[1] > 2:
                h = np.maximum(h, 0)
        return np.sum(h ** 2)
    ''', [X, W1, B1, W2, B2])


def test_the_loop_variable_keeps_its_last_value_after_the_loop():
    assert_right('''
    def f(x: "5, 3", W1: "3, 4", W2: "4, 2"):
        params = {'W1': W1, 'W2': W2}
        h = x
        for i in range(1, 3):
            h = np.tanh(h @ params['W%d' % i])
        return np.sum(h) * i
    ''', [X, W1, W2])


def test_a_key_of_two_loops_variables_keeps_the_loops():
    # params['W%d%d' % (i, j)]: not a key of one loop's variable; the loops stay (and are refused
    # as they were, the dict read by keys computed as the code runs)
    with pytest.raises(backgen.BackgenError):
        backgen.generate('''
def f(x: "3", W11: "3", W12: "3"):
    params = {'W11': W11, 'W12': W12}
    h = x
    for i in range(1, 2):
        for j in range(1, 3):
            h = h * params['W%d%d' % (i, j)]
    return np.sum(h)
''')
