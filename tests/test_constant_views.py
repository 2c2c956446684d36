"""Writes by op= into an array made of constants (``y = np.zeros((3, 4))``) through another name of it
(``r = y[1]; r += v``, ``b = y; b *= v``), or through a view a loop takes of it each iteration (``row =
out[i]; row += v``): NumPy writes into the one array, so every name of it sees the write.  These were
refused ("'y' may share the constant array's memory"), though the same code with ``y = x * 0.0`` was
accepted; and ``g = h`` of ``h = np.zeros(())`` gave ``g`` the value before ``h += v`` wrote into the
0-d array both name (a wrong gradient).  Also a view by a slice taken before a loop that writes through
it.  Each is checked against central finite differences in float64, or refused where backgen does not
follow the write (an earlier write through another view, an element op= may rebind)."""

import numpy as np
import pytest

from test_never_wrong import assert_refused, assert_right

RNG = np.random.default_rng(11)
X = RNG.uniform(0.3, 1.2, size=(3, 4)) * np.where(RNG.random((3, 4)) < 0.5, -1.0, 1.0)
V = np.array([0.7, -0.4, 1.1])


def test_op_equals_through_a_row_of_zeros():
    assert_right('''
    def f(x: "3, 4"):
        y = np.zeros((3, 4))
        r = y[1]
        r += x[0]
        return np.sum(y * x)
    ''', [X])


def test_op_equals_through_a_reversed_view():
    assert_right('''
    def f(x: "3, 4"):
        y = np.zeros((3, 4))
        y_v = y[::-1]
        y_v += x
        return np.sum(y * x)
    ''', [X])


def test_op_equals_into_the_array_a_row_is_read_from_afterwards():
    assert_right('''
    def f(x: "3, 4"):
        A = np.zeros((3, 4))
        r = A[1]
        A += x
        return np.sum(r * x[0]) + np.sum(A ** 2)
    ''', [X])


def test_another_name_of_a_zero_dimensional_array_sees_the_write():
    assert_right('''
    def f(x: "3"):
        h = np.zeros(())
        g = h
        h += np.sum(x ** 2)
        return g * 2.0 + h
    ''', [V])


def test_another_name_of_an_array_of_ones_sees_the_write():
    assert_right('''
    def f(x: "3, 4"):
        A = np.ones((3, 4))
        B = A
        B *= x
        return np.sum(A + B)
    ''', [X])


def test_a_view_written_in_either_branch():
    assert_right('''
    def f(x: "3, 4"):
        a = np.full((3, 4), 2.0)
        b = a[0]
        if x[0, 0] > 0:
            b *= x[0]
        else:
            b += x[1]
        return np.sum(a * x)
    ''', [X])


def test_two_views_written_one_after_the_other():
    assert_right('''
    def f(x: "3, 4"):
        A = np.zeros((3, 4))
        r = A[0]
        s = A[:, 1]
        r += x[0]
        s += x[:, 2]
        return np.sum(A ** 2) + np.sum(r * s[0])
    ''', [X])


def test_rows_written_by_op_equals_in_a_loop():
    assert_right('''
    def f(x: "3, 4"):
        out = np.zeros((3, 4))
        for i in range(3):
            row = out[i]
            row += x[i] * (i + 1.0)
        return np.sum(out ** 2)
    ''', [X])


def test_columns_written_twice_in_a_loop():
    assert_right('''
    def f(x: "3, 4"):
        out = np.zeros((4, 3))
        for i in range(3):
            col = out[:, i]
            col *= 0.0
            col += x[i]
        return np.sum(np.tanh(out))
    ''', [X])


def test_elements_of_a_row_written_in_an_inner_loop():
    assert_right('''
    def f(x: "3, 4"):
        a = np.zeros((3, 4))
        for i in range(3):
            r = a[i]
            for j in range(4):
                r[j] += x[i, j] ** 2
        return np.sum(a * x)
    ''', [X])


def test_a_list_of_zeros_written_in_a_loop():
    assert_right('''
    def f(x: "3"):
        acc = [0.0] * 3
        for i in range(3):
            acc[i] += x[i] ** 2
        return acc[0] + acc[1] * acc[2]
    ''', [V])


# A view by a slice taken before a loop whose body writes through it by op= (r = out[1:], then r += v in
# the loop): the array it views is given its new value after the loop, as after any write into it (refused
# before: "'out' changes in the loop through another name that shares its memory").

def test_a_view_taken_before_a_loop_written_in_it():
    assert_right('''
    def f(x: "3, 4"):
        out = x * 0.0
        r = out[1:]
        for i in range(3):
            r += x[i] * x[0]
        return np.sum(out * x)
    ''', [X])


def test_a_column_of_zeros_taken_before_a_loop_written_twice_in_it():
    assert_right('''
    def f(x: "3, 4"):
        out = np.zeros((3, 4))
        r = out[:, 1]
        for i in range(3):
            r *= x[i, 1]
            r += x[i, 2]
        return np.sum(np.tanh(out) * x)
    ''', [X])


def test_the_loop_reads_the_part_its_view_writes():
    assert_right('''
    def f(x: "3, 4"):
        out = np.ones((3, 4))
        r = out[1:]
        for i in range(2):
            r += out[1] * x[i]
        return np.sum(out * x)
    ''', [X])


def test_the_view_and_its_array_both_read_after_the_loop():
    assert_right('''
    def f(x: "3, 4"):
        out = x * 1.0
        r = out[:, ::2]
        for i in range(2):
            r *= 1.5 + np.tanh(x[0, 0])
        return np.sum(out * x) + np.sum(r ** 2)
    ''', [X])


def test_an_element_that_op_equals_rebinds_in_a_loop_is_refused_not_wrong():
    # out[1] of a vector is a number, which r *= ... rebinds: nothing is written into out
    assert_refused('''
    def f(x: "3"):
        out = x * 1.0
        r = out[1]
        for i in range(2):
            r *= 1.5 + np.tanh(x[0])
        return np.sum(out * x) + r ** 2
    ''', [V], "changes in the loop through another name")


# Two arrays spelled alike (np.zeros((3, 4)) twice) are two arrays: a write into one leaves the other.  A
# write by index into a reached a row of the other as if it were a view of a (a wrong gradient, present at
# the last stop).  A constant is now of one array with another only where it is computed from it.

def test_a_write_by_index_leaves_an_array_spelled_alike():
    assert_right('''
    def f(x: "3, 4"):
        a = np.zeros((3, 4))
        v = np.zeros((3, 4))[1]
        a[1] = x[0]
        return np.sum(a * x) + np.sum(v * x[1]) + np.sum(x)
    ''', [X])


def test_op_equals_leaves_an_array_spelled_alike():
    assert_right('''
    def f(x: "3, 4"):
        a = np.zeros((3, 4))
        b = np.zeros((3, 4))
        a += x
        return np.sum(a * x) + np.sum((b + 1.0) * x)
    ''', [X])


def test_another_name_of_a_view_sees_the_write_into_its_array():
    assert_right('''
    def f(x: "3, 4"):
        A = np.zeros((3, 4))
        r = A[1]
        r2 = r
        A += x
        return np.sum(r2 * x[1]) + np.sum(A)
    ''', [X])


def test_views_of_two_arrays_spelled_alike():
    assert_right('''
    def f(x: "3, 4"):
        A = np.zeros((3, 4))
        r = A[1]
        B = np.zeros((3, 4))
        s = B[1]
        r += x[0]
        return np.sum(A * x) + np.sum((s + 1.0) * x[1]) + np.sum((B + 2.0) * x)
    ''', [X])


@pytest.mark.parametrize("update", ["total += x[i] ** 2", "total *= 0.5\n            total += x[i]"])
def test_a_running_number_started_from_an_element_is_no_view(update):
    # total = x[0] of a vector is a number, which op= in the loop gives new values: nothing is written into x
    assert_right(f'''
    def f(x: "5"):
        total = x[0]
        for i in range(1, 5):
            {update}
        return total * 2.0
    ''', [np.array([0.5, -1.2, 0.8, 1.1, -0.3])])


# A loop iterating the rows of an array made of constants and writing into them (for row in out: row += v),
# refused before ("the loop iterates out, which its body writes into"): the array is staged as the loop
# starts, and the loop reads each row of it as it is then, as it does an array computed from the inputs.

@pytest.mark.parametrize("loop, write", [
    ("for row in out:", "row += x[0] * 2.0"),
    ("for i, row in enumerate(out):", "row *= x[i] + 1.0"),
    ("for row in out:", "row[1:] = x[0, 1:]"),
])
def test_the_rows_of_an_array_of_zeros_written_as_a_loop_iterates_them(loop, write):
    assert_right(f'''
    def f(x: "3, 4"):
        out = np.zeros((3, 4)) + 0.5
        {loop}
            {write}
        return np.sum(np.tanh(out) * x)
    ''', [X])


# A view of a constant array by a NumPy function (np.reshape(a, ...), np.transpose(v)), or an item of a list
# display ([a, a][1]), beside another view of it: a write through one was not seen by the other (wrong gradients present at the last stop, found by a
# generator of such programs).  Refused now, at the read after the write.

@pytest.mark.parametrize("setup, write, read", [
    ("a = np.arange(12.0).reshape(3, 4) / 10\n        v2 = np.reshape(a, (4, 3))\n        v4 = a.T",
     "v2 *= np.sum(x) * 0.1", "v4"),
    ("a = np.full((3, 4), 0.5)\n        v1 = [a, a][1]\n        v4 = np.transpose(v1)",
     "v1 *= np.sum(x) * 0.1", "v4"),
    ("a = np.full((3, 4), 0.5)\n        v1 = [a, a][1]\n        v4 = a.T", "v1 *= np.sum(x) * 0.1", "v4"),
    ("c = np.linspace(0.1, 1.2, 12).reshape(3, 4)\n        v0 = c.ravel()\n        v2 = [v0, v0][1]\n"
     "        v4 = np.squeeze(c)", "v2 *= np.tanh(x[1, 2])", "v4"),
    ("u = np.copy(np.arange(12.0).reshape(3, 4) / 10)\n        v0 = np.asarray(u)\n        v4 = u[..., 1]",
     "v0 -= np.tanh(x[1, 2])", "v4"),
])
def test_a_view_by_a_numpy_function_of_a_constant_written_through_another_is_refused(setup, write, read):
    assert_refused(f'''
    def f(x: "3, 4", w: float):
        {setup}
        {write}
        return np.sum(np.tanh({read}) * {read}) + np.sum(x * w)
    ''', [X, 0.7], f"'{read}' may have been changed by the write")
