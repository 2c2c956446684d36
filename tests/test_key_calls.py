"""``max(xs, key=k)``, ``min(xs, key=k)`` and ``sorted(xs, key=k)`` (``backgen.key_calls``): the items the keys
choose, the first of equal keys as the builtins take it, the gradient going back to the items chosen.
Checked against central differences through ``generate`` without shapes and through the decorator; keys
that are not numbers are refused, never compared another way.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, assert_generated_right, imported

HEADER = '''
import numpy as np


def score(r):
    return np.sum(r ** 2)

'''

CASES = {
    "max_of_rows_by_a_lambda": '''
        def f(x, W):
            rows = [W[i] * x[i] for i in range(3)]
            best = max(rows, key=lambda r: r.sum())
            return np.sum(best ** 2)
        ''',
    "min_of_numbers_by_abs": '''
        def f(x, W):
            items = [x[0] * 2.0, x[1] - 1.0, x[2] ** 2 + W[0, 0]]
            return min(items, key=abs) * 3.0
        ''',
    "max_of_an_arrays_rows_by_a_function_of_the_module": '''
        def f(x, W):
            X = W * x[:, None]
            return np.sum(max(X, key=score) * np.arange(4.0))
        ''',
    "sorted_reversed_by_a_lambda": '''
        def f(x, W):
            s = sorted([x[0], x[1] * 2.0, x[2] - 1.0, W[1, 1] * x[0]], key=lambda t: abs(t), reverse=True)
            return s[0] * 3.0 + s[1] * 2.0 + s[2]
        ''',
    "sorted_rows": '''
        def f(x, W):
            rows = [W[i] * x[i] for i in range(3)]
            ordered = sorted(rows, key=score)
            return np.sum(ordered[0] * 3.0 + ordered[2])
        ''',
    "max_of_items_given_apart": '''
        def f(x, W):
            return max(W[0] * x[0], W[1] * x[1], key=lambda t: np.sum(t ** 2)).sum() * 2.0
        ''',
    "max_of_a_generator": '''
        def f(x, W):
            best = max((W[i] * x[i] for i in range(3)), key=lambda r: r[0])
            return np.sum(np.tanh(best))
        ''',
}


def _args(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=3), rng.normal(size=(3, 4))


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_generated_without_shapes(name, seed):
    assert_generated_right(HEADER + textwrap.dedent(CASES[name]), _args(seed))


@pytest.mark.parametrize("name", list(CASES))
def test_through_the_decorator(name):
    f = imported(HEADER + textwrap.dedent(CASES[name]), "keys")["f"]
    decorated = backgen.backward(f)
    for seed in (2, 3):
        assert_backward_at(lambda x, W, dout: decorated.backward(x, W, dout=dout), f, _args(seed), (1.0,))


def test_the_first_of_equal_keys_is_chosen_as_the_builtin_chooses_it():
    # rows 0 and 2 have the same key at every x (x and x reversed sum alike): max takes row 0, whose
    # gradient is np.arange(3.0), not row 2's, the same reversed
    source = HEADER + textwrap.dedent('''
        def f(x):
            rows = [x * 1.0, x * 0.5, x[::-1] * 1.0]
            return np.sum(max(rows, key=lambda r: abs(r.sum())) * np.arange(3.0))
        ''')
    x = np.array([0.5, -0.25, 0.5])
    assert_generated_right(source, (x,))


def test_keys_that_are_not_numbers_are_refused():
    source = HEADER + textwrap.dedent('''
        def f(x, W):
            rows = [W[i] * x[i] for i in range(3)]
            return np.sum(max(rows, key=lambda r: r[:2]) ** 2)
        ''')
    with pytest.raises(backgen.BackgenError):
        backgen.generate(source, name="f", shapes={"x": "3", "W": "3, 4"})
