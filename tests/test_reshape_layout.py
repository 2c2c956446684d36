"""Writes through a reshape or ravel of an array whose order in memory backgen does not know.

NumPy's reshape gives a view of a C-contiguous array, and a copy of another where it must join axes
whose elements do not lie one block after the other; a ravel gives a view of a C-contiguous array
only.  Where the shapes decide it, whatever the arrays passed in (a reshape that only splits axes,
adds or drops axes of one element; a reshape or ravel of a new array of at most one axis of more
than one element), the write is followed as NumPy has it.  Elsewhere the names it would change are
refused where read again.  Each accepted backward is checked against central finite differences,
its arguments passed in C order, in Fortran order and as strided views alike.
"""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import fresh_args, gradient, same_again, weighted
from test_layout_checked import check_lines, checked


def randn(*shape, seed=1):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape)


def _strided(value):
    strided = np.zeros(tuple(2 * n for n in value.shape))[tuple(slice(None, None, 2) for _ in value.shape)]
    strided[...] = value
    return strided


def _layouts(value):
    """Makers of ``value`` anew, laid out in C order, in Fortran order, and as a strided view of a larger
    array."""
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return [lambda: value]
    return [value.copy, lambda: np.array(value, order="F"), lambda: _strided(value)]


def assert_right(source, args, shapes=True):
    """The backward of ``f`` matches finite differences at ``args``, for arguments of every layout; the
    forward gives the same for each (NumPy's meaning does not depend on the layout here)."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    forward = namespace["f"]
    given = {name: np.shape(a) for name, a in zip(forward.__code__.co_varnames, args)} if shapes else None
    text = backgen.generate(source, name="f", shapes=given)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=given))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    output = forward(*fresh_args(args))
    dout = randn(*np.shape(output), seed=7) if np.ndim(output) else 0.7
    objective = weighted(lambda *trial: forward(*fresh_args(trial)), (dout,))
    want = [gradient(objective, fresh_args(args), k) for k in range(len(args))]
    for k in range(len(args)):
        for make in _layouts(args[k]):
            trial = fresh_args(args)
            trial[k] = make()
            np.testing.assert_allclose(forward(*trial), output)  # (the same meaning, whatever the layout)
            trial = fresh_args(args)  # (the forward may have written into them)
            trial[k] = make()
            got = generated["f_backward"](*trial, dout)
            got = got if len(args) > 1 else (got,)
            np.testing.assert_array_equal(trial[k], args[k], err_msg="the backward modified its arguments")
            for g, w in zip(got, want):
                assert np.shape(g) == np.shape(w)
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return text


def assert_refused(source, match, line, shapes=None):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(textwrap.dedent(source), name="f", shapes=shapes)
    assert info.value.lineno == line


UNKNOWN = "gives a view of 'a' only where it is C-contiguous"


# --- a reshape that joins no two axes of more than one element: a view of any array -----------------

def test_a_reshape_to_the_same_shape_is_a_view_of_a_parameter():
    source = """
    def f(a: "3, 4"):
        b = a.reshape(3, 4)
        b[0] *= 2.0
        return np.sum(a * a) + np.sum(b)
    """
    assert_right(source, [randn(3, 4)])


def test_a_row_of_a_vector_is_a_view_of_it():
    source = """
    def f(a: "4", w: "4"):
        b = a.reshape(1, -1)
        b[0, 1] *= w[2]
        return np.sum(np.tanh(a) * w)
    """
    assert_right(source, [randn(4), randn(4, seed=3)])


def test_any_reshape_of_a_vector_is_a_view_of_it():
    source = """
    def f(a: "12"):
        b = a.reshape(3, 4)
        b[1] = b[1] * b[0]
        return np.sum(a ** 3)
    """
    assert_right(source, [randn(12)])


def test_axes_split_and_axes_of_one_added_or_dropped_keep_a_view():
    source = """
    def f(a: "6, 5, 1"):
        b = a.reshape(2, 3, 1, 5)
        b[1, :, 0, 2] *= 3.0
        return np.sum(np.sin(a))
    """
    assert_right(source, [randn(6, 5, 1)])


def test_a_write_into_the_array_reaches_its_reshape():
    source = """
    def f(a: "3, 4"):
        b = a.reshape(1, 3, 4)
        a[0] = a[1] * 2.0
        return np.sum(b * b * b)
    """
    assert_right(source, [randn(3, 4)])


def test_a_vector_a_loop_makes_anew_is_written_through_its_reshape():
    source = """
    def f(x: "3, 4", w: "4"):
        acc = w
        for row in x:
            acc = np.outer(acc, row).sum(axis=0) * 0.3 + row
            acc_v = acc.reshape(-1)
            acc_v[1] = acc_v[0] * 3.0
        return np.sum(acc * acc)
    """
    assert_right(source, [randn(3, 4), randn(4, seed=2)])


# --- a new array of at most one axis of more than one element: C-contiguous ------------------------

def test_a_ravel_of_a_vector_a_sum_makes_is_a_view_of_it():
    source = """
    def f(X: "3, 2", C: "2, 2"):
        d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
        nearest = np.min(d, axis=1)
        nearest_v = nearest.ravel()
        nearest_v[:2] *= -1.0
        return nearest.sum() + np.sum(nearest ** 2)
    """
    assert_right(source, [randn(3, 2), randn(2, 2, seed=4)])


def test_a_ravel_of_a_column_of_arithmetic_is_a_view_of_it():
    source = """
    def f(a: "4, 1", w: "4"):
        c = a * 2.0
        v = c.ravel()
        v[1:3] = v[1:3] * w[:2]
        return np.sum(c * c) + np.sum(v)
    """
    assert_right(source, [randn(4, 1), randn(4, seed=2)])


def test_arithmetic_of_a_matrix_product_and_a_vector_is_c_contiguous():
    source = """
    def f(x: "3, 4", w: "4, 5", b: "5"):
        out = x.dot(w) + b
        out_v = out.reshape(-1)
        out_v[1] = out_v[0] * 3.0
        return np.sum(out * out)
    """
    assert_right(source, [randn(3, 4), randn(4, 5, seed=2), randn(5, seed=3)])


# --- where the layout decides it: the code written for the parameter C-contiguous, which it checks --------

def test_a_reshape_joining_axes_of_a_parameter_is_checked():
    text = checked("""
    def f(a: "3, 4"):
        b = a.reshape(4, 3)
        b[0] += 1.0
        return np.sum(a * a)
    """, [randn(3, 4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(a, 'a', 'reshape', 3)"]


def test_a_ravel_of_a_vector_passed_in_is_checked():
    text = checked("""
    def f(a: "4"):
        b = a.ravel()
        b[0] *= 2.0
        return np.sum(a * a)
    """, [randn(4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(a, 'a', 'ravel', 3)"]


def test_a_reshape_joining_axes_of_arithmetic_of_a_parameter_is_checked():
    text = checked("""
    def f(x: "3, 4"):
        s = x - np.max(x, axis=1, keepdims=True)
        v = s.reshape(-1)
        v[1] = v[0] * 3.0
        return np.sum(np.exp(s))
    """, [randn(3, 4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 4)"]


def test_a_reshape_of_a_vector_in_code_for_every_shape_is_checked():
    text = checked("""
    def f(a):
        b = a.reshape(1, -1)
        b[0, 1] *= 2.0
        return np.sum(a * a)
    """, [randn(4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(a, 'a', 'reshape', 3)"]


def test_a_reshape_of_an_array_made_in_another_order_is_refused():
    source = """
    def f(a: "3, 4"):
        c = np.copy(a.T)
        b = c.reshape(-1)
        b[0] += 1.0
        return np.sum(c * c)
    """
    assert_refused(source, "gives a view of 'c' only where it is C-contiguous", 6)


def test_one_reshape_refused_leaves_another_followed():
    source = """
    def f(a: "3, 4", c: "5"):
        b = a.reshape(4, 3)
        b[0] += 1.0
        d = c.reshape(1, 5)
        d[0, 0] *= 2.0
        return np.sum(b * b) + np.sum(c * c)
    """
    assert_right(source, [randn(3, 4), randn(5, seed=2)])


def test_a_write_through_a_reshape_never_read_after_is_followed_or_left_alone():
    source = """
    def f(a: "3, 4"):
        b = a.reshape(4, 3)
        b[0] *= 2.0
        return np.sum(b * b)
    """
    assert_right(source, [randn(3, 4)])


# --- the decorator: code for the arrays passed, a C-contiguous one known to be -----------------------

def _decorated():
    @backgen.backward
    def f(a, w):
        b = a.reshape(-1)
        b[0] = b[1] * w[0]
        return np.sum(a * a) + np.sum(b * w[1])
    return f


def test_the_decorator_follows_a_reshape_of_a_c_contiguous_array_passed():
    f = _decorated()
    a, w = randn(3, 4), randn(2, seed=3)
    got = f.backward(a, w)
    objective = weighted(lambda *trial: f(*fresh_args(trial)), (1.0,))
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(objective, [a.copy(), w.copy()], k), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("laid", [np.asfortranarray, lambda a: np.repeat(a, 2, axis=1)[:, ::2]])
def test_the_decorator_refuses_a_reshape_of_an_array_passed_in_another_order(laid):
    f = _decorated()
    a, w = randn(3, 4), randn(2, seed=3)
    f.backward(a, w)  # (the code for a C-contiguous array: not the code for another)
    with pytest.raises(backgen.BackgenError, match=UNKNOWN):
        f.backward(laid(a), w)
    f.backward(a, w)


def test_a_ravel_of_a_number_is_a_new_array():
    # np.linalg.norm of a vector is a number: its ravel a new array, the write leaves it alone
    source = """
    def f(p: "3, 2", k: float):
        total = 0.0
        for i in range(p.shape[0] - 1):
            d = p[i + 1] - p[i]
            length = np.linalg.norm(d)
            length_v = length.ravel()
            length_v[:1] *= -1.0
            total += 0.5 * k * (length - 1.0) ** 2 + np.sum(length_v)
        return total
    """
    assert_right(source, [randn(3, 2), 0.4])


def _list_decorated():
    @backgen.backward
    def f(a, w):
        b = np.reshape(a, (1, -1))
        b[0, 0] = w[0]
        return np.sum(np.asarray(a) * w)
    return f


def test_the_decorator_refuses_a_reshape_of_a_list_given_where_it_is_read_again():
    # the forward given a list reshapes a new array (a stays), the backward given its array a view of it
    f = _list_decorated()
    w = randn(3, seed=2)
    with pytest.raises(backgen.BackgenError, match=UNKNOWN):
        f.backward([1.0, 2.0, 3.0], w)
    a = np.array([1.0, 2.0, 3.0])
    got = f.backward(a, w)
    objective = weighted(lambda *trial: f(*fresh_args(trial)), (1.0,))
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(objective, [a.copy(), w.copy()], k), rtol=1e-5, atol=1e-6)


def test_rows_of_a_column_reshaped_to_a_row_are_written_into_it():
    # (3, 1) to (1, 3): an axis of one dropped and one added, a view of any array (once refused)
    source = """
    def f(s: float, W: "3, 1"):
        for row in W.reshape(1, 3):
            row += np.cosh(row)
        return np.sum(W * s)
    """
    assert_right(source, [1.2, np.array([[1.13], [0.47], [-0.45]])])


def test_a_column_of_any_order_added_to_a_product_keeps_it_c_contiguous():
    # (refused once: x[:, :1] is a slice of an array of unknown order, but a column lies in C order)
    source = """
    def f(x: "3, 4"):
        h = x @ x.T + x[:, :1]
        h_v = h.ravel()
        h_v[:2] *= -1.0
        return np.sum(h * 2.0 * h)
    """
    assert_right(source, [randn(3, 4)])


@pytest.mark.parametrize("n", [3, 1, 2])
def test_a_reshape_an_integer_parameter_sizes_is_checked_where_other_values_join_axes(n):
    # n = 3 at the sample: (3, 4) to (3, 4), a view of any array; n = 1 joins the axes (code for every n,
    # written for x C-contiguous, where each is a view)
    text = checked("""
    def f(x: "3, 4", n: int):
        b = x.reshape(n, -1)
        b[0] *= 2.0
        return np.sum(x * x)
    """, [randn(3, 4) if n != 2 else randn(2, 6), n], shapes=False)
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 3)"]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_reshape_the_data_sizes_is_checked_where_other_data_join_axes(sign):
    x = randn(3, 4)
    x[0, 0] = sign * 0.8
    text = checked("""
    def f(x: "3, 4"):
        k = 1 + int(x[0, 0] > 0) * 2
        b = x.reshape(k, -1)
        b[0] *= 2.0
        return np.sum(x * x)
    """, [x], shapes=False)
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 4)"]
