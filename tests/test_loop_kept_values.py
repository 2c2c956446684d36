"""Loops that write into an array whose value from an earlier iteration may still be held under another
name: right where NumPy's meaning is followed (checked against central finite differences in float64),
refused where the kept value sees the write and is read after it."""

import numpy as np
import pytest

from test_never_wrong import assert_refused, assert_right

M = np.arange(12.0).reshape(3, 4) / 7 - 0.5
N = np.arange(12.0).reshape(3, 4) / -5 + 1.1
V4 = np.array([0.3, -0.5, 0.7, 1.1])


def dout_like(shape, shift=0.0):
    return np.linspace(-1.0, 1.5, int(np.prod(shape))).reshape(shape) + shift


# --- an item of a vector is a number (a copy): row op= ... rebinds it, the vector is not written ----

@pytest.mark.parametrize("v", [V4, -V4[::-1]])
def test_an_op_on_an_item_of_a_vector_iterated_rebinds_it(v):
    # (long fuzz seed 2026120451, program 987: refused, "kept under another name (v_start_1)")
    assert_right('''
    def f(v: "4"):
        for row in v:
            v = v * 0.5 + row
            row += 0.3
            a = v.min()
        return v * a
    ''', [v], dout=dout_like((4,)))


def test_an_op_on_an_item_of_a_vector_iterated_rebinds_it_past_a_continue():
    # (long fuzz seed 2026120451, program 189 and 50:732 alike)
    assert_right('''
    def f(v: "3", X: "3, 1"):
        X = X * 0.5 + X
        for row in v:
            v = v + row
            X += np.ones((3, 1)) * 0.5
            row += 2 ** row
        return X * np.sum(v)
    ''', [V4[:3], M[:, :1]], dout=dout_like((3, 1)))


@pytest.mark.parametrize("X", [M, N])
def test_a_row_of_a_matrix_iterated_and_written_into_is_followed(X):
    # row += 0.3 writes into the matrix iterated (read again as each iteration starts); X, bound anew
    # before the write, is another array from the first iteration on
    assert_right('''
    def f(X: "3, 4"):
        Y = X * 1.0
        for row in Y:
            Y = Y * 0.5 + row
            row += 0.3
            a = Y.min()
        return Y * a
    ''', [X], dout=dout_like((3, 4)))


# --- the value an iteration ends with is the next one's carried value, not the same array within it --

@pytest.mark.parametrize("X", [M, N])
def test_two_arrays_swapped_each_iteration_and_written_into(X):
    assert_right('''
    def f(X: "3, 4"):
        Y = X * 1.0
        Z = X * 2.0
        for i in range(3):
            Z[i] *= 1.3
            Y, Z = Z, Y
        return Y * Z
    ''', [X], dout=dout_like((3, 4)))
    assert_right('''
    def f(X: "3, 4"):
        Y = X * 1.0
        Z = X * 2.0
        W = X * 3.0
        for i in range(3):
            Z[i] *= 1.3
            Y, Z, W = Z, W, Y
        return Y * Z + W
    ''', [X], dout=dout_like((3, 4)))
    assert_right('''
    def f(X: "3, 4"):
        Y = X * 1.0
        Z = X * 2.0
        for i in range(3):
            Z[i] *= 1.3
            Y, Z = Z, Y
            Y = Y[::-1]
        return Y * Z
    ''', [X], dout=dout_like((3, 4)))


def test_arrays_swapped_that_share_memory_are_refused():
    # Z = Y.T.T: the next iteration writes into Y's array through Z, and Y reads it after
    assert_refused('''
    def f(X: "3, 4"):
        Y = X * 1.0
        Z = X * 2.0
        for i in range(3):
            Z[i] *= 1.3
            Y, Z = Z, Y
            Z = Y.T.T
        return Y * Z
    ''', [M], "kept under another name")


def test_a_value_kept_and_read_after_the_write_is_refused():
    # U keeps Y's array from the second iteration on, which the next iteration's write changes (the same
    # with v keeping w's array: test_fuzz_regressions, a write into a carried name bound to a value read first)
    assert_refused('''
    def f(X: "3, 4"):
        Y = X * 1.0
        U = X * 2.0
        for i in range(3):
            Y[i] *= 1.5
            if i == 1:
                U = Y
        return U * Y
    ''', [M], "kept under another name")


def test_a_parameter_bound_in_the_loop_to_an_array_written_later_is_not_kept():
    # (long fuzz seed 2026120451, program 643: X = step(W) is W's array, which the next iteration writes
    # into; X is bound again before anything reads it, and the caller's X is another array)
    assert_right('''
    def step(p):
        p[[0, 0, 0], [2, 1, 3]] = np.sum(p)
        return p

    def f(X: "1, 4", W: "3, 4"):
        W = W * 1.0
        k = 0
        while k < 2:
            k = k + 1
            X = step(W)
        return W.dot(np.arange(4.0))
    ''', [M[:1], M], dout=dout_like((3,)))


# --- a view with an inverse (a transpose, a flip, a dimension added) of a carried array: followed -----

@pytest.mark.parametrize("W", [np.array([[0.3, 0.5, -0.2, 0.9]]), np.array([[0.9, 1.5, 0.2, 0.9]])])
def test_a_transpose_read_in_a_loop_that_writes_into_its_array(W):
    # (long fuzz seed 2026120450, program 31: "'a' changes in the loop through another name")
    assert_right('''
    def f(W: "1, 4"):
        W = W * 1.0
        a = W.T
        a[1] += 0.25
        b = W
        k = 0
        while k < 3:
            if a.mean() > 1.8:
                break
            k = k + 1
            b += b
        return b, np.multiply(b, a)
    ''', [W], dout=(dout_like((1, 4)), dout_like((4, 4))))


@pytest.mark.parametrize("X", [M, N])
@pytest.mark.parametrize("source, shape", [('''
    def f(W: "3, 4"):
        W = W * 1.0
        a = W.T
        t = 0.0
        for i in range(3):
            t = t + np.sum(a * a)
            W[i] *= 1.5
            a[0] += W[i, 0]
        return t + np.sum(W * W)
    ''', ()), ('''
    def f(W: "3, 4"):
        W = W * 1.0
        a = np.expand_dims(W, 0)
        t = 0.0
        for i in range(3):
            t = t + np.sum(a * np.cos(a))
            W *= 1.5
            a[0, i] *= 0.5
        return t + np.sum(W * np.sin(W)) + np.sum(a)
    ''', ()), ('''
    def f(W: "3, 4"):
        W = W * 1.0
        a = np.flip(W, 1)
        t = 0.0
        for i in range(3):
            t = t + np.sum(a[i] * np.cos(W[i]))
            W[i] += t
            a[i, 0] = t * 2.0
        return t + np.sum(W * np.sin(W)) + np.sum(a)
    ''', ()), ('''
    def f(W: "3, 4"):
        W = W * 1.0
        a = W.T
        t = 0.0
        k = 0
        while np.sum(W) < 8.0:
            a[k % 4] += 0.5
            t = t + np.sum(np.tanh(W))
            k = k + 1
        return t * W
    ''', (3, 4)), ('''
    def f(W: "3, 4"):
        W = W * 1.0
        a = W.T
        t = 0.0
        for i in range(3):
            if np.sum(a[:, i]) > 0.2:
                continue
            W[i] = np.tanh(a[:, i]) * 2.0
            t = t + np.sum(a * W.T)
        return t * W
    ''', (3, 4))])
def test_a_view_with_an_inverse_of_a_carried_array_is_followed(source, shape, X):
    assert_right(source, [X], dout=dout_like(shape) if shape else 0.7)


def test_two_views_of_a_carried_array_iterated_together():
    # zip(X[1:], X.T): both views read again from X after each write into it
    assert_right('''
    def f(X: "3, 4", w: "4"):
        a = X[0:2]
        s = 0.0
        for r, q in zip(X[1:], X.T):
            X += 1.0
            s = s + np.sum(r * w)
        return s + np.sum(X) + np.sum(a)
    ''', [M, V4])


# --- a name bound anew before the write on every path: its value kept is read no more ----------------

def test_a_view_bound_anew_before_each_write_past_a_continue():
    # (long fuzz seed 2026120450, program 859: "b still holds on a path of the loop that does not bind it
    # again"; b = X[::-1] before each write, X written through it, followed)
    assert_right('''
    def f(X: "1, 4", v: "3"):
        v = v * 1.0
        for i in range(3):
            a = np.arctan(v) * v
            if a[i] > 0.3:
                continue
            for j in range(2):
                b = X[::-1]
                b[:-1] += np.max(v)
                a[::-1] -= np.max(np.sin(b))
        c = b
        v[[2]] *= c[:, [3, 0]].mean()
        return np.log1p(v * v)
    ''', [np.array([[0.98, 0.86, 1.14, 0.75]]), np.array([-0.76, 0.52, 0.30])], dout=dout_like((3,)))


@pytest.mark.parametrize("X", [M, N])
def test_a_view_bound_anew_in_an_inner_loop_before_each_write(X):
    assert_right('''
    def f(X: "3, 4"):
        X = X * 1.0
        t = 0.0
        for i in range(3):
            if np.sum(X) > 5.0 + i:
                continue
            for j in range(2):
                b = X[::-1]
                b[:-1] += 0.5
                t = t + np.sum(np.sin(b))
        c = b
        return t * c
    ''', [X], dout=dout_like((3, 4)))


def test_a_value_kept_by_a_name_bound_anew_or_read_before_the_write_is_refused():
    # c = b keeps the view of X the previous iteration bound b to; the write into X through the new b
    # reaches it
    assert_refused('''
    def f(X: "3, 4"):
        X = X * 1.0
        t = 0.0
        b = X * 2.0
        for i in range(3):
            c = b
            b = X[::-1]
            b[i] += 0.5
            t = t + np.sum(np.sin(c))
        return t * b
    ''', [M], "b still holds on a path")
    # d = X ends the iteration: the next one writes into X's array through d's view, X reads it
    assert_refused('''
    def f(X: "3, 4"):
        X = X * 1.0
        t = 0.0
        d = X * 2.0
        for i in range(3):
            for j in range(2):
                b = d[::-1]
                b[:-1] += 0.5
            t = t + np.sum(np.sin(X))
            d = X
        return t * X
    ''', [M], "kept under another name")
    # d = X read as the next iteration continues, after the write into X
    assert_refused('''
    def f(X: "3, 4"):
        X = X * 1.0
        t = 0.0
        d = X * 2.0
        for i in range(3):
            if np.sum(X) > 5.0 + i:
                continue
            for j in range(2):
                b = X[::-1]
                b[:-1] += 0.5
            t = t + np.sum(np.sin(d))
            d = X
        return t * X
    ''', [M], "kept under another name")


# --- a list made on the paths of a branch is a list after it: its items kept, not the list as an array --

@pytest.mark.parametrize("v", [np.array([0.3, -0.2, 0.5]), np.array([-0.4, 0.9, 0.1])])
def test_numbers_read_from_an_array_kept_in_a_list_do_not_see_later_writes(v):
    # (long fuzz seed 2026120453, program 856: a *= (v if ... else 0.5) is staged as an if, the list
    # appended to after it a branch's value; a[-3] of a vector is a number, a copy)
    assert_right('''
    def f(v: "3"):
        v += v
        a = np.where(v > v, v, v)
        hs = []
        for i in range(2):
            a *= v if (-a).mean() > np.sum(v) else 0.5
            hs.append(a[-3])
        b = sum(h * (k + 1.0) for k, h in enumerate(reversed(hs)))
        c = 1.0 / (1.0 + math.exp(-b))
        return b, b, +c
    ''', [v], dout=(0.3, -0.7, 1.1))


def test_rows_of_an_array_kept_in_a_list_and_written_later_are_refused():
    assert_refused('''
    def f(v: "3, 2"):
        v += v
        a = np.where(v > v, v, v)
        hs = []
        for i in range(2):
            a *= v if (-a).mean() > np.sum(v) else 0.5
            hs.append(a[-3])
        b = sum(h * (k + 1.0) for k, h in enumerate(reversed(hs)))
        return b
    ''', [np.array([[0.3, -0.2], [0.5, 0.1], [0.7, -0.4]])], "kept in a list")
    assert_refused('''
    def f(X: "3, 4"):
        a = X * 1.0
        hs = []
        for i in range(3):
            if np.sum(a) > 0.5:
                a *= 0.5
                hs.append(a[0])
            else:
                a += 1.0
                hs.append(a[1] * 1.0)
        return hs[0] * hs[-1]
    ''', [M], "kept in a list")
