"""Names that share memory in ways NumPy defines and backgen follows: the items of a tuple written
out (``b, c = (X[1:], w)``: ``b`` is that view itself), a view of a view taken in one expression
(``X.T[0]``, ``A[1:][0]``), an alias of an array written in a loop.  Each is checked against central
finite differences in float64 of ``sum(output * dout)``, with shapes given (at several of them) and
without, or refused at the user's line where NumPy's meaning cannot be followed."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import fresh_args, gradient, same_again, weighted


def assert_right(source, args, given_shapes=True, seed=0):
    """The backward of ``f`` in ``source`` matches finite differences at ``args`` (a random output
    gradient for each output), generated with the arguments' shapes given or (``given_shapes`` False)
    shape-free, twice alike, and leaves its arguments alone; the generated text."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    forward = namespace["f"]
    shapes = {name: np.shape(a) for name, a in zip(forward.__code__.co_varnames, args)} if given_shapes else None
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    outputs = forward(*fresh_args(args))
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    rng = np.random.default_rng(seed)
    douts = tuple(rng.standard_normal(np.shape(o)) if np.ndim(o) else float(rng.standard_normal())
                  for o in outputs)
    copies, dcopies = fresh_args(args), fresh_args(douts)
    got = generated["f_backward"](*copies, *dcopies)
    for before, after in zip(list(args) + list(douts), copies + dcopies):
        np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    got = got if len(args) > 1 else (got,)
    objective = weighted(lambda *trial: forward(*fresh_args(trial)), douts)
    for k, g in enumerate(got):
        want = gradient(objective, fresh_args(args), k)
        assert np.shape(g) == np.shape(want), f"gradient shape {np.shape(g)}, expected {np.shape(want)}"
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)
    return text


def assert_refused(source, match, line, shapes=None):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(textwrap.dedent(source), name="f", shapes=shapes)
    assert info.value.lineno == line


def randn(*shape, seed=1):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape)


# --- the items of a tuple written out are its values themselves -------------------------------

TUPLE_VIEW = """
def f(X):
    a = (X[-2:], X * 2.0)
    b, c = a
    b -= c.mean()
    return c[-2:] * c[:2] + b, X * X
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 1), (5, 3)])
def test_an_item_of_a_tuple_is_the_view_it_holds_and_its_other_item_is_not(shape):
    assert_right(TUPLE_VIEW, [randn(*shape)])


TUPLE_SAME = """
def f(X, w):
    pair = (X, w)
    b, c = pair
    b *= np.sum(c)
    return X * w, c * 2.0
"""


@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((1, 2), (2,)), ((2, 3), (1,))])
def test_an_item_of_a_tuple_written_in_place_is_the_array_it_holds(shapes):
    assert_right(TUPLE_SAME, [randn(*shapes[0]), randn(*shapes[1], seed=2)])


TUPLE_TWICE = """
def f(v, w):
    w = w * v
    a = (w, w)
    b, c = a
    b[::2] = np.max(w)
    c[-1] = np.mean(v)
    return b, c / (1.0 + w * w)
"""


@pytest.mark.parametrize("length", [3, 4, 1])
def test_two_items_of_a_tuple_holding_one_array_twice_see_each_others_writes(length):
    assert_right(TUPLE_TWICE, [randn(length), randn(length, seed=7)])


@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((1, 2), (2,)), ((2, 3), (1,))])
def test_the_tuple_itself_read_after_its_item_is_written_holds_the_array_written(shapes):
    source = TUPLE_SAME.replace("c * 2.0", "pair[-1] * 2.0 + pair[0].sum()")  # (made again of the new values)
    assert_right(source, [randn(*shapes[0]), randn(*shapes[1], seed=2)])


# --- a view of a view, taken in one expression, is a view of the base ---------------------------

COLUMN_CENTERED = """
def f(X):
    c = X.T[0]
    c -= c.mean()
    return X * X, c
"""

ROW_OF_SLICE = """
def f(A):
    r = A[1:][0]
    r *= A[0] + 2.0
    return A * np.sin(A), r * 3.0
"""

SLICE_OF_TRANSPOSED_SLICE = """
def f(A, v):
    C = A[:, 1:].T[::2]
    C[0] = v * v
    C *= 1.5
    return np.cos(A), C
"""

READ_AGAIN = """
def f(A, v):
    r = A[1:][:, ::-1]
    A[2] = np.tanh(v)
    return r * A[-1:], A
"""


@pytest.mark.parametrize("shape", [(3, 4), (1, 2), (5, 1)])
def test_a_column_of_the_transpose_written_in_place_writes_into_the_base(shape):
    assert_right(COLUMN_CENTERED, [randn(*shape)])


@pytest.mark.parametrize("shape", [(3, 4), (2, 1), (4, 2)])
def test_a_row_of_a_slice_written_in_place_writes_into_the_base(shape):
    assert_right(ROW_OF_SLICE, [randn(*shape)])


@pytest.mark.parametrize("rows, columns", [(3, 4), (2, 3), (4, 6)])
def test_a_slice_of_a_transposed_slice_written_into_writes_into_the_base(rows, columns):
    assert_right(SLICE_OF_TRANSPOSED_SLICE, [randn(rows, columns), randn(rows, seed=3)])


@pytest.mark.parametrize("rows, columns", [(3, 4), (4, 2), (3, 1)])
def test_a_view_of_a_view_is_read_again_after_its_base_is_written(rows, columns):
    assert_right(READ_AGAIN, [randn(rows, columns), randn(columns, seed=3)])


# --- an alias of an array a loop writes into, never named in the loop --------------------------

ALIAS_OF_LOOP_WRITTEN = """
def f(h1, w):
    h2 = h1
    for i in range(h1.shape[0]):
        h1[i] = h1[i] * w + 0.5
    mask = h2 > 0
    return h2 * mask + h1 ** 2
"""

ALIAS_OF_LOOP_WRITTEN_WITH_BREAK = """
def f(h1, w):
    h2 = h1 * 1.0
    h3 = h2
    for i in range(4):
        h2[i % h2.shape[0]] += np.tanh(h2[0] * w)
        if np.sum(h2) > 3.0:
            break
    return np.sin(h3), h2
"""


@pytest.mark.parametrize("rows, columns", [(3, 4), (1, 2), (4, 1)])
def test_an_alias_of_an_array_a_loop_writes_into_sees_every_write(rows, columns):
    assert_right(ALIAS_OF_LOOP_WRITTEN, [randn(rows, columns), randn(columns, seed=2)])


@pytest.mark.parametrize("rows, columns", [(3, 2), (2, 3), (5, 1)])
def test_an_alias_of_an_array_a_loop_writes_into_and_may_leave_early(rows, columns):
    assert_right(ALIAS_OF_LOOP_WRITTEN_WITH_BREAK, [randn(rows, columns), randn(columns, seed=4)])


def test_an_alias_of_an_array_a_loop_writes_into_without_shapes():
    assert_right(ALIAS_OF_LOOP_WRITTEN, [randn(3, 4), randn(4, seed=2)], given_shapes=False)


@pytest.mark.parametrize("given_shapes", [True, False])
def test_an_alias_read_in_the_loop_that_writes_into_its_array_is_carried_with_it(given_shapes):
    # h2 is h1 in every iteration (neither bound anew): both carried, each write followed into the other
    source = ALIAS_OF_LOOP_WRITTEN.replace("h1[i] * w + 0.5", "h2[i] * w + 0.5")
    assert_right(source, [randn(3, 4), randn(4, seed=2)], given_shapes=given_shapes)



# --- an item read by whole-number indices: a view where the shapes make it an array -------------

ROW_READ_AGAIN = """
def f(W, v):
    a = W[0]
    W[0] = np.tanh(W[-1]) * np.mean(v)
    W += a
    return a * v, W
"""


@pytest.mark.parametrize("rows, columns", [(3, 4), (2, 1), (1, 3)])
def test_a_row_read_by_a_whole_number_index_sees_the_writes_into_its_array(rows, columns):
    assert_right(ROW_READ_AGAIN, [randn(rows, columns), randn(columns, seed=2)])


def test_an_element_read_by_a_whole_number_index_keeps_its_value():
    # W a vector: a = W[0] is a number, a copy, which neither write changes
    assert_right(ROW_READ_AGAIN, [randn(4), randn(3, seed=2)])



VIEW_WRITTEN_IN_A_LOOP = """
def f(X, w):
    X = X * 1.0
    a = X.T
    r = X[1:]
    for i in range(len(w)):
        a[:, i % a.shape[1]] *= w[i]
        a[...] += 0.1 * np.tanh(a)
    return X * X, a, r
"""


@pytest.mark.parametrize("rows, columns", [(3, 4), (2, 3), (4, 1)])
def test_the_base_and_views_of_an_array_a_loop_writes_into_through_a_view(rows, columns):
    # X and r, never named in the loop, are given their values after it: X_1 = a_1.T, r_1 = X_1[1:]
    assert_right(VIEW_WRITTEN_IN_A_LOOP, [randn(rows, columns), randn(3, seed=6)])


TRANSPOSE_ADDED_TO_IN_A_LOOP = """
def f(X):
    a = X.T
    for i in range(len(X)):
        if (a + a).max() > 4.0:
            break
        a += 0.5 * np.tanh(a)
    return np.sin(X), a
"""


@pytest.mark.parametrize("rows, columns", [(3, 4), (2, 2), (4, 1)])
def test_the_base_of_a_view_a_loop_adds_to_in_place(rows, columns):
    assert_right(TRANSPOSE_ADDED_TO_IN_A_LOOP, [randn(rows, columns)])


VIEW_BEFORE_A_LOOP = """
def f(X, s):
    a = np.swapaxes(X, 0, 1)
    for i in range(2):
        X[:-1, ::2] -= s
    return np.sum(np.power(a, 3))
"""

HELPERS_VIEW_BEFORE_A_LOOP = """
def step(p):
    return p[None]

def f(X):
    a = step(X)
    for i in range(3):
        X += X
    return a
"""


@pytest.mark.parametrize("shape", [(3, 1), (3, 4), (2, 2)])
def test_a_view_taken_before_a_loop_writing_into_its_base_is_read_again_after_it(shape):
    # (refused before, as 'a may have been changed by the write into X')
    assert_right(VIEW_BEFORE_A_LOOP, [randn(*shape), 1.005])
    assert_right(HELPERS_VIEW_BEFORE_A_LOOP, [randn(*shape)])
