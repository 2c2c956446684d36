"""Memory sharing as NumPy defines it, no wider: ``a if c else b`` is a or b, never both (a write
into b leaves a alone), and a loop over an array reads each item as its iteration starts, after
the writes of the iterations before (``for row in X[1:]: row += row``).  Each accepted case is
checked against central finite differences in float64 of ``sum(output * dout)``, with the shapes
given and without, or refused at the user's line where NumPy's meaning cannot be followed."""

import textwrap

import numpy as np
import pytest

import backgen
from test_aliasing_more import assert_refused, assert_right, randn
from test_layout_checked import check_lines, checked


# --- a if c else b is one of the two: a write into one leaves the other alone -----------------------

SUM_OF_A_PICK = """
def f(X, W):
    W[:, 0] -= np.sum(X if X[0, 0] < 0.5 else W)
    t = 0.0
    for i in range(X.shape[0]):
        t = t + np.sum(X[i] * W[i])
    return t
"""


@pytest.mark.parametrize("first", [0.1, 0.9])  # (the pick X, or W)
@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_write_into_one_operand_of_a_pick_leaves_the_other_alone(first, given_shapes):
    # long fuzz seed 2026120440, program 1570: X was taken to share W's memory through the pick
    X = randn(3, 4)
    X[0, 0] = first
    assert_right(SUM_OF_A_PICK, [X, randn(3, 4, seed=2)], given_shapes=given_shapes)


PICK_THEN_WRITE = """
def f(X, W):
    a = X * 2.0
    b = W * 3.0
    c = a if np.sum(X) > 0.0 else b
    b[0] += np.sum(c)
    return a * X + b
"""


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_write_into_the_other_operand_of_a_pick_is_seen_by_its_own_name_only(sign):
    assert_right(PICK_THEN_WRITE, [sign * np.abs(randn(3, 4)), randn(3, 4, seed=3)])


PICK_IN_A_BRANCH = """
def f(v):
    a = -v ** 2.0
    if np.sum(a) > -3.3:
        v = v if a.max() > -0.6 else a
    else:
        v *= np.mean(a)
    return a * 2.0 + v
"""


@pytest.mark.parametrize("scale", [0.1, 3.0])  # (the if, or the else writing into v)
def test_a_pick_on_one_path_does_not_make_its_operands_share_on_another(scale):
    # long fuzz seed 2026120440, program 283
    assert_right(PICK_IN_A_BRANCH, [scale * randn(4)])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_pick_itself_sees_a_write_into_the_operand_it_is(sign):
    # refused as sharing b's memory on some paths only; now the pick's statement is written as the if it
    # stands for, what follows into each path
    source = PICK_THEN_WRITE.replace("return a * X + b", "return c * X")
    assert_right(source, [sign * np.abs(randn(3, 4)), randn(3, 4, seed=3)])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_write_into_the_pick_changes_the_operand_it_is(sign):
    source = PICK_THEN_WRITE.replace("b[0] += np.sum(c)", "c[0] += 1.0")
    assert_right(source, [sign * np.abs(randn(3, 4)), randn(3, 4, seed=3)])


# --- a loop over an array reads each item as its iteration starts --------------------------------

ROWS_DOUBLED = """
def f(X):
    for i in range(2):
        for row in X[1:]:
            row += row
    return X.mean(axis=1), np.sum(X, keepdims=True)
"""


@pytest.mark.parametrize("shape", [(3, 1), (4, 3), (1, 2)])
def test_an_op_on_each_item_of_a_slice_writes_into_the_array_sliced(shape):
    # long fuzz seed 2026120440, program 81: the items are views of X[1:], itself a view of X
    assert_right(ROWS_DOUBLED, [randn(*shape)])


COLUMNS_OF_A_PARAMETER = """
def f(s, W):
    for row in W.T:
        row += np.cosh(row)
    return np.sum(W * s)
"""


@pytest.mark.parametrize("shape", [(3, 1), (3, 4)])
def test_an_op_on_each_column_writes_into_the_parameter_transposed(shape):
    assert_right(COLUMNS_OF_A_PARAMETER, [1.2, randn(*shape)])


RUNNING_SUMS = """
def f(X):
    y = np.exp(X)
    t = 0.0
    for row in {iterable}:
        row[0] = t
        t = t + np.sum(row)
    return y * X, t
"""


@pytest.mark.parametrize("iterable, given_shapes", [
    ("y[::-1]", True), ("y[::-1]", False), ("y[:, ::2].T", True), ("y[:, ::2].T", False), ("y.T[1:]", True),
    ("y.T[1:]", False), ("np.flip(y, 0)", True)])  # (np.flip of a number: a new array, which the shapes rule out)
def test_each_item_is_read_after_the_writes_of_the_iterations_before(iterable, given_shapes):
    # the item written in one iteration is not read again, but the running sum t reads each item as
    # it is when its iteration starts: after the writes into the earlier ones
    assert_right(RUNNING_SUMS.format(iterable=iterable), [randn(3, 4)], given_shapes=given_shapes)


def test_the_items_of_a_reshape_of_a_parameter_are_followed_for_it_c_contiguous():
    # (a view of X where X is C-contiguous, a copy otherwise: the code is written for the one, and checks it)
    source = RUNNING_SUMS.format(iterable="X.reshape(-1, 2)").replace("y = np.exp(X)", "y = X")
    text = checked(source, [randn(3, 4)])
    assert check_lines(text) == ["_c_contiguous(X, 'X', 'reshape', 5)"]


def test_the_items_of_a_reshape_of_a_transposed_parameter_stay_refused():
    source = RUNNING_SUMS.format(iterable="X.T.reshape(-1, 2)").replace("y = np.exp(X)", "y = X")
    assert_refused(source, "the reshape on line 5 gives a view of its array only where it is C-contiguous", 8,
                   shapes={"X": (3, 4)})


def test_an_op_on_an_item_that_may_be_a_number_still_needs_the_shapes():
    # X[1:] of a vector gives numbers (copies, which += rebinds), of a matrix rows (views, written into)
    with pytest.raises(backgen.BackgenError, match="the shapes of X are needed"):
        backgen.generate(textwrap.dedent(ROWS_DOUBLED), name="f")


# --- what a loop keeps from one iteration to the next, and only that -------------------------------

NUMBERS_KEPT = """
def f(X):
    hs = []
    for i in range(2):
        X -= 0.5 * X
        hs.extend([X[:, 0][-1], X[:, 0][-1] * 0.5])
    b = np.stack(hs)
    X *= 2.0
    return b, X
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 2)])
def test_numbers_read_from_an_array_and_kept_in_a_list_do_not_see_its_writes(shape):
    # long fuzz seed 2026120440, program 205: X[:, 0][-1] of a matrix is a number, a copy
    assert_right(NUMBERS_KEPT, [randn(*shape)])


def test_rows_kept_in_a_list_still_see_the_writes_of_the_next_iteration():
    source = NUMBERS_KEPT.replace("X[:, 0][-1]", "X[:, 0]")
    assert_refused(source, "whose value from the previous iteration is kept in a list", 5, shapes={"X": (3, 4)})


A_TUPLE_OF_ONE_ITERATION = """
def f(v):
    k = 0
    while k < 2:
        k = k + 1
        a = (v[1::2], v + 0.7)
        b, c = a
        d = np.sin(np.sum(c[::-1]))
        v[:-1] = np.tanh(d)
    return v * d, c * c
"""


@pytest.mark.parametrize("length", [4, 5])
def test_a_tuple_an_iteration_makes_and_drops_is_not_kept_by_the_next(length):
    # long fuzz seed 2026120440, program 214: a holds a view of v, made anew in each iteration before
    # the write; no later iteration reads the tuple of an earlier one
    assert_right(A_TUPLE_OF_ONE_ITERATION, [randn(length)])


A_TUPLE_NEVER_READ = """
def step(p):
    a = p ** 3 / (1.5 + p * p)
    return a * p


def f(X):
    a = (X, X + X)
    b = a[-1]
    d = step(X)
    k = 0
    while k < 2:
        k = k + 1
        d[[1]] = np.sum(d, keepdims=True)
    return d
"""


def test_a_list_made_before_the_loop_and_never_read_again_does_not_refuse_its_writes():
    # long fuzz seed 2026120440, program 1690: d = step(X) might be X, held by the tuple a, which
    # nothing reads after the loop starts
    assert_right(A_TUPLE_NEVER_READ, [randn(3, 4)])


ONE_ARRAY_APPENDED_TWICE = """
import numpy as np

def f(W):
    hs = []
    for i in range(2):
        hs.append(W)
    hs[0] += 1.0
    return hs[1] * hs[0]
"""
ONE_LIST_OF_ONE_ARRAY_TWICE = ONE_ARRAY_APPENDED_TWICE.replace(
    "hs = []\n    for i in range(2):\n        hs.append(W)", "for i in range(2):\n        hs = [W, W]")


@pytest.mark.parametrize("source, shapes, line", [
    (ONE_ARRAY_APPENDED_TWICE, {"W": (3,)}, 9), (ONE_LIST_OF_ONE_ARRAY_TWICE, {"W": (2, 2)}, 8)])
def test_a_list_holding_one_array_twice_after_a_loop_is_refused_where_an_item_is_written(source, shapes, line):
    # hs[0] += 1.0 writes into W, which hs[1] is too: the gradient was wrong (hs[1] read as W unchanged)
    assert_refused(source, "'hs' may have been changed by the write into 'hs'", line, shapes=shapes)


@pytest.mark.parametrize("source", [ONE_ARRAY_APPENDED_TWICE, ONE_LIST_OF_ONE_ARRAY_TWICE])
def test_a_list_holding_one_array_twice_without_shapes_is_written_for_numbers(source):
    # refused at arrays of every rank, the code for numbers (hs[0] += 1.0 a new number) checks it is given one
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    assert generated["f_backward"](0.7, 1.3) == pytest.approx(1.3 * (2 * 0.7 + 1.0))
    with pytest.raises(TypeError, match="written for numbers W"):
        generated["f_backward"](np.ones(3), np.ones(3))


NEW_ARRAYS_APPENDED = """
import numpy as np

def f(W):
    hs = []
    h = W * 1.0
    for i in range(2):
        hs.append(h)
        h = h * 2.0
    hs[0] += 1.0
    return hs[1] * hs[0]
"""


@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_list_holding_a_new_array_of_each_iteration_is_written_through_one_item(given_shapes):
    assert_right(NEW_ARRAYS_APPENDED, [randn(3)], given_shapes=given_shapes)


# --- two names of one array (or of an array and a view of it) carried through a loop ----------------

ALIAS_WRITTEN_IN_A_LOOP = """
def f(v, X, W):
    a = X
    W -= np.ones((1, 4))[:, :3]
    for i in range(2):
        a[:, ::2] = np.matmul(W, a[:, ::2])
        X -= 0.5 * a
        b = a + X
    return a / (1.5 + b * b)
"""


def test_an_alias_and_its_array_both_written_in_a_loop_see_each_others_writes():
    # long fuzz seed 2026120440, program 2235: a is X in every iteration
    assert_right(ALIAS_WRITTEN_IN_A_LOOP, [randn(2, 4), randn(3, 4), 0.3 * randn(3, 3)])


ROW_WRITTEN_IN_A_LOOP = """
def f(X):
    a = X[0]
    a += np.square(a).sum()
    for i in range(len(a)):
        a[-3] = a.mean()
        a += np.sum(X)
    return X * X
"""


@pytest.mark.parametrize("shape", [(4, 5), (3, 3)])
def test_a_row_written_in_a_loop_that_reads_its_matrix(shape):
    # long fuzz seed 2026120440, program 2292: a is X[0] in every iteration, X read in it
    assert_right(ROW_WRITTEN_IN_A_LOOP, [randn(*shape)])


VIEW_AND_BASE = """
def f(X):
    a = X[1:]
    t = 0.0
    k = 0
    while k < 3:
        k = k + 1
        X[1] += 0.5
        if np.sum(a) > 0.0:
            a[0] *= 0.7
        else:
            t = t + np.sum(X * {item})
    return X, t
"""


@pytest.mark.parametrize("item", ["a[0]", "a[-1]"])
@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_view_and_its_base_written_by_turns_in_a_loop(item, given_shapes):
    assert_right(VIEW_AND_BASE.format(item=item), [randn(4, 5)], given_shapes=given_shapes)
    assert_right(VIEW_AND_BASE.format(item=item), [-np.abs(randn(3, 6))], given_shapes=given_shapes)


def test_an_alias_bound_anew_in_the_loop_is_not_taken_for_its_old_array():
    # a = a * 2.0 gives a a new array: from the second iteration on, a[i] *= 0.5 leaves X alone, which
    # backgen does not follow (the two are not carried as one array)
    assert_refused("""
def f(X):
    a = X
    t = 0.0
    for i in range(2):
        a[i] *= 0.5
        t = t + np.sum(X * X)
        a = a * 2.0
    return X, t, a
""", "'X' changes in the loop through another name that shares its memory|'a' shares its array with 'X' as this "
       "loop starts", 5, shapes={"X": (4, 5)})


ITEMS_AND_THEIR_ARRAY = """
def f(X):
    X = X * 1.0
    for row in X[1:]:
        b = X.prod(axis=0)
        row[row > -0.3] = b.mean()
    return b * b
"""


@pytest.mark.parametrize("X", [randn(3, 2), np.array([[0.1, -0.5], [0.3, 0.4], [-0.6, 0.9]]), randn(4, 3)])
@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_loop_writing_into_its_items_and_reading_their_array(X, given_shapes):
    # the iterable X[1:] and X carried as the view and its base (once refused: test_fuzz_regressions)
    assert_right(ITEMS_AND_THEIR_ARRAY, [X], given_shapes=given_shapes)


def test_a_loop_writing_into_the_array_whose_rows_it_iterates():
    assert_right("""
def f(X):
    c = X * 2.0
    t = 0.0
    for row in c[1:]:
        c[0] += row
        t = t + np.sum(row * row)
    return c * X, t
""", [randn(4, 3)])


ONE_ITERATION_KEEPING_ITS_ARRAY = """
def f(v, W):
    hs = []
    for i in range({count}):
        W *= v.mean()
        hs.extend([W, W * 0.5])
    hs.append(W * 1.5)
    a = np.concatenate(hs, axis=-1)
    return a * a
"""


@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_loop_of_one_iteration_keeps_nothing_from_an_iteration_before(given_shapes):
    # long fuzz seed 2026120440, program 1575: range(1) has no second iteration to write into the W kept
    assert_right(ONE_ITERATION_KEEPING_ITS_ARRAY.format(count=1), [randn(3), randn(2, 4)],
                 given_shapes=given_shapes)


def test_a_second_iteration_writing_into_the_array_the_first_kept_is_still_refused():
    assert_refused(ONE_ITERATION_KEEPING_ITS_ARRAY.format(count=2),
                   "whose value from the previous iteration is kept in a list", 5, shapes={"v": (3,), "W": (2, 4)})


A_VIEW_BOUND_ANEW_IN_EACH_ITERATION = """
def f(X, W):
    for i in range(len(W)):
        X += np.ones_like(X)
        a = X.T
        a -= W.sum(axis=-1)
    return a * 1.0, X * 2.0
"""


@pytest.mark.parametrize("shape", [(3, 1), (3, 4)])
def test_a_view_each_iteration_binds_anew_before_reading_it_keeps_nothing_of_the_one_before(shape):
    # long fuzz seed 2026120440, program 2493: the a of the iteration before saw X += 1, but nothing reads it
    assert_right(A_VIEW_BOUND_ANEW_IN_EACH_ITERATION, [randn(*shape), randn(*shape, seed=5)])


def test_a_reversed_view_written_with_a_row_of_its_array_in_each_iteration():
    # (once refused in test_never_wrong: a = X[::-1] bound anew before each read)
    assert_right("""
def f(X):
    X = X * 2.0 + X
    for i in range(len(X)):
        a = X[::-1]
        a += X[i]
    return a * a
""", [np.arange(12.0).reshape(3, 4) / 10])


@pytest.mark.parametrize("body", [
    "t = t + np.sum(a * a)\n        a = X.T",  # (a of the iteration before read after the write)
    "if np.sum(X) > 0.0:\n            a = X.T",  # (bound anew on one path only)
])
def test_a_view_kept_from_the_iteration_before_is_still_refused(body):
    source = f"""
def f(X, W):
    a = X.T * 1.0
    t = 0.0
    for i in range(3):
        X += 0.5
        {body}
        a -= W.sum(axis=-1)
    return a * 1.0, X * 2.0, t
"""
    with pytest.raises(backgen.BackgenError, match="may have been changed|previous iteration is kept"):
        backgen.generate(textwrap.dedent(source), name="f", shapes={"X": (3, 4), "W": (3, 4)})
