"""NumPy's meaning of op= on names that are numbers or arrays depending on ranks (items of iterated
arrays, items by index, views, aliases), found by random programs: each program's backward, written
without shapes, is right against central finite differences in float64 for the arrays it is given, or
refuses them (as it is generated, or as it runs) with a clear error."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again

HEADER = "import numpy as np\n\n\n"


def _fresh(values):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in values]


def shape_free_backward(source, args, douts, shapes=None):
    """The gradients of the backward ``generate`` writes for ``source`` without shapes (or with
    ``shapes``), run on copies of ``args`` and ``douts`` (checked left as they were), beside central
    differences."""
    source = HEADER + textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    given, given_douts = _fresh(args), _fresh(douts)
    got = generated["f_backward"](*given, *given_douts)
    for before, after in zip(list(args) + list(douts), given + given_douts):
        np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    want = finite_differences(lambda *values: func(*_fresh(values)), _fresh(args), range(len(args)), douts)
    return got, want


def assert_right_or_refused(source, args, douts, shapes=None):
    """Right against central differences, or refused: as generated (a BackgenError at the user's
    line), or as the backward runs on arrays it is not written for (a TypeError saying so)."""
    try:
        got, want = shape_free_backward(source, args, douts, shapes)
    except backgen.BackgenError as refusal:
        assert refusal.lineno is not None
        return "refused"
    except TypeError as refusal:
        assert "generate it with their shapes given" in str(refusal)
        return "refused"
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    return "right"


def randn(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.2, 1.2, size=shape) * np.where(rng.random(shape) < 0.5, -1.0, 1.0)


ROWS_ADDED = """
    def f(X, w):
        A = X
        for row in A:
            row += w
        return A * 1.0
"""


def test_rows_of_a_matrix_added_to_in_place_by_code_using_no_numpy_are_refused_as_it_runs():
    # Code using no NumPy is written for numbers: row += w gives the number row a new value.  Given a
    # matrix, whose rows op= writes into, the backward must not say the output is X alone.
    with pytest.raises(TypeError, match="written for X as a list or vector of numbers"):
        shape_free_backward(ROWS_ADDED, [randn(3, 4), 0.7], (randn(3, 4, seed=5),))


def test_rows_added_to_in_place_are_right_for_a_vector():
    # (a vector's items are numbers: op= gives row a new value, X is returned as it was)
    got, want = shape_free_backward(ROWS_ADDED, [randn(4), 0.7], (randn(4, seed=5),))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


VIEW_AFTER_MASKED_WRITE = """
    def f(X, w):
        A = X.copy()
        A[A > 0] *= w
        v = A[0]
        A[0] = 2.0 * A[1]
        v -= X.mean()
        return A * 1.0, np.tanh(v)
"""


def test_a_row_written_through_after_a_masked_write_scaled_by_a_number_is_not_written_for_vectors_only():
    # The samples of equal ranks fail (A[A > 0] *= w of a matrix w), and of the mixed ranks only X and w
    # both vectors ran, where v = A[0] is a number and v -= ... leaves A alone.  With w a number and X a
    # matrix, v is a view of A's first row: the code for vectors was given for every rank, wrong there.
    assert_right_or_refused(VIEW_AFTER_MASKED_WRITE, [randn(2, 3, 4), 0.7],
                            (randn(2, 3, 4, seed=5), randn(3, 4, seed=6)))


ZERO_D_VIEW_IN_A_LIST = """
    def f(X, w):
        A = X * 1.0
        pair = [A[-1], A[..., 0]]
        pair[1] += w
        return A * 1.0, pair[1]
"""


@pytest.mark.parametrize("shapes", [None, {"X": (4,), "w": ()}])
def test_a_zero_d_view_held_by_a_list_is_written_into_by_op_on_the_item(shapes):
    # A[..., 0] of a vector is a 0-d array, a view of A[0]: pair[1] += w writes into A, though the sum
    # it makes (0-d plus a number) is a number.  The output A * 1.0 depends on w through that write.
    assert_right_or_refused(ZERO_D_VIEW_IN_A_LIST, [randn(4), 0.7], (randn(4, seed=5), 1.3), shapes)


ROW_KEPT_THEN_LOOP_WRITE = """
    def f(X, w):
        A = X
        first = A[0]
        corner = A[0, 0]
        corner -= w
        for i in range(len(A)):
            A[i] *= 2.0
        return first * 1.0, corner
"""


@pytest.mark.parametrize("shapes", [{"X": (2, 3), "w": ()}, {"X": (3, 3), "w": ()}])
def test_a_row_kept_before_a_loop_writing_into_its_array_sees_the_write_after_an_op_on_a_number(shapes):
    # corner -= w on the number A[0, 0] leaves A alone (marked as changed only if corner were an array);
    # the loop's writes into A then change the row first, a view: the mark the loop gave first was lost
    # under the one A carried, and first was read as it was before the loop.
    args = [randn(*shapes["X"]), 0.7]
    douts = (randn(shapes["X"][1], seed=5), 1.3)
    assert assert_right_or_refused(ROW_KEPT_THEN_LOOP_WRITE, args, douts, shapes) == "right"


ROWS_OF_A_LIST_MADE_OF_IT = """
    def f(X, w):
        A = X
        rows = list(A)
        for a in rows:
            a /= (1.0 + w * w)
        return A * 1.0
"""


def test_rows_of_a_list_made_of_a_matrix_divided_in_place_by_code_using_no_numpy_are_refused_as_it_runs():
    with pytest.raises(TypeError, match="written for X as a list or vector of numbers"):
        shape_free_backward(ROWS_OF_A_LIST_MADE_OF_IT, [randn(3, 4), 0.7], (randn(3, 4, seed=5),))


NUMBER_OF_A_VECTOR_IN_A_LOOP_THAT_BREAKS = """
    def f(X, w):
        A = X * 1.0
        last = A[-1]
        for k in range(2):
            if X[0] > 0:
                break
            last -= w
        return (A * A).sum() + np.tanh(last)
"""


@pytest.mark.parametrize("first", [-0.8, 0.8])
def test_an_op_on_a_vectors_number_in_a_loop_staged_as_a_write_on_a_guess_is_refused_where_it_is_a_number(first):
    # last = A[-1] of a vector is a number, which last -= w gives a new value: staged again as the write
    # last[...] = last - w on a guess that it is an array, the guess stood where the shape walk took the
    # break (the write unwalked), and the backward wrote into A and failed on a number as it ran.
    X = randn(4)
    X[0] = first
    assert_right_or_refused(NUMBER_OF_A_VECTOR_IN_A_LOOP_THAT_BREAKS, [X, 0.7], (1.3,), {"X": (4,), "w": ()})


ZERO_D_VIEW_WRITTEN_ON_ONE_PATH = """
    def f(X, w):
        A = X * 1.0
        first = A[..., 0]
        if len(A) == 4:
            first += w
        else:
            first = first * 2.0
        again = A[..., 0]
        again -= w
        return np.tanh(first)
"""


def test_a_zero_d_view_written_through_on_one_path_stays_an_array_for_the_writes_after_it():
    # first = A[..., 0] of a vector is a 0-d array, a view of A[0]: first += w writes into A and first is
    # that array still (staged as first + w, a NumPy number), so again -= w changes first back.
    assert_right_or_refused(ZERO_D_VIEW_WRITTEN_ON_ONE_PATH, [randn(4), 0.7], (1.3,), {"X": (4,), "w": ()})
