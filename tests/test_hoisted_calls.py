"""A helper writing into its parameters, called inside an expression (``g(x, g(w, a))``, an ``if``
test, a ``for`` iterable, after other operands): the call given a statement of its own first
(``backgen.hoist``), then the helper written into its caller (``backgen.inline``); gradients checked
against central finite differences."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import backgen  # noqa: E402
from test_aliasing_more import assert_right, randn  # noqa: E402

DOUBLE = """
import numpy as np


def step(p, q):
    q += q
    return q - p
"""

NESTED = DOUBLE + """

def f(X, w):
    c = step(X, step(w, X))
    return c * w
"""


@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_a_call_in_the_arguments_of_another_runs_first_and_writes_into_the_caller(shape):
    assert_right(NESTED, [randn(*shape), randn(*shape, seed=2)])


BEFORE = DOUBLE + """

def f(X, w):
    c = np.tanh(X) * w + step(w, X)
    return c, X
"""


@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_what_is_evaluated_before_the_call_reads_the_array_as_it_was(shape):
    assert_right(BEFORE, [randn(*shape), randn(*shape, seed=2)])


TEST = """
import numpy as np


def scale(p):
    p *= 2.0
    return p


def f(v, w):
    if np.sum(scale(v)) > -100.0:
        w = w * v
    return w * v
"""


def test_a_call_in_an_if_test_runs_before_the_branch():
    assert_right(TEST, [randn(4), randn(4, seed=2)])


ITERATED = """
import numpy as np


def scale(p):
    p *= 2.0
    return p * p


def f(X):
    s = np.zeros(X.shape[1])
    for row in scale(X):
        s = s + row * X[0]
    return s
"""


def test_a_call_as_a_loops_iterable_runs_once_before_it():
    assert_right(ITERATED, [randn(3, 4)])


CONDITIONAL = """
import numpy as np


def scale(p):
    p *= 2.0
    return p


def f(v):
    return v * 3.0 if v[0] > 10.0 else scale(v) * v
"""


def test_a_call_on_one_branch_of_an_expression_is_still_refused():
    with pytest.raises(backgen.BackgenError, match="parameter 'p'"):
        backgen.generate(CONDITIONAL, name="f", shapes={"v": (4,)})


VIEW_BEFORE = """
import numpy as np


def g(p):
    p *= 2.0
    return p.sum()


def f(X):
    return X[0, 1] * X[1] + g(X)
"""


def test_a_view_taken_before_the_call_sees_its_write_and_a_number_read_before_it_does_not():
    # X[1] is a row (a view: doubled by g when the sum is taken), X[0, 1] a number (a copy: as it was)
    assert_right(VIEW_BEFORE, [randn(3, 4)])


NUMBERS_ONLY = """
import numpy as np


def g(a, b=2.0):
    return np.where(np.clip(a, -0.3, 1.2) > np.arctan(a), a + 1.7, np.arctan(a)) * b


def f(W):
    h = W * 1.0
    view = W[0]
    view[-1] += np.log(1.0 + g(-1.73) ** 2)
    h[0] += h[1] * g(0.5)
    h[1, 2] -= g(-1.0, b=3.0)
    h[2] *= g(1.0) + W[0]
    return h * W
"""


@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_call_given_numbers_alone_in_an_update_of_a_part_runs_first(given_shapes):
    # x[i] += g(x) reads x[i] before the call, which is left alone; g(-1.73) cannot change x: moved
    assert_right(NUMBERS_ONLY, [randn(3, 4)], given_shapes=given_shapes)


WHILE_TEST = """
import numpy as np


def g(a):
    return np.tanh(a) * 2.0


def f(W):
    h = W * 1.0
    h[0] += h[1] * g(0.5)
    while np.sum(h) < g(30.0) * 100:
        h = h * 2.0
    return h * W
"""


def test_a_call_given_numbers_alone_where_it_cannot_be_moved_is_refused_at_its_line():
    # (the first call is written out; the while test, read at each iteration, is left alone)
    with pytest.raises(backgen.BackgenError, match=r"g\(\) is given nothing it differentiates") as caught:
        backgen.generate(WHILE_TEST, name="f")
    assert caught.value.lineno == 11
