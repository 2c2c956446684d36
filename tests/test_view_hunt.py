"""Writes through aliases, views and lists found by random programs stressing them: each program is
right against central finite differences in float64 of ``sum(output * dout)``, or refused with a
``BackgenError`` at the user's line."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again


def _fresh(values):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in values]


def run_case(source, args, seed=0):
    """The generated gradients (shapes given) and finite differences, the backward checked to leave its
    arguments alone."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    shapes = {name: np.shape(a) for name, a in zip(func.__code__.co_varnames, args)}
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    outs = func(*_fresh(args))
    outs = outs if isinstance(outs, tuple) else (outs,)
    rng = np.random.default_rng(seed)
    douts = tuple(rng.uniform(-1.0, 1.0, size=np.shape(o)) for o in outs)
    given, given_douts = _fresh(args), _fresh(douts)
    got = generated["f_backward"](*given, *given_douts)
    for before, after in zip(list(args) + list(douts), given + given_douts):
        np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    want = finite_differences(lambda *values: func(*_fresh(values)), _fresh(args), range(len(args)), douts)
    return (got if len(args) > 1 else (got,)), want


def assert_right(source, args):
    got, want = run_case(source, args)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def assert_refused(source, args, match):
    with pytest.raises(backgen.BackgenError, match=match):
        run_case(source, args)


def randn(*shape, seed=0):
    return np.random.default_rng(seed).uniform(0.2, 1.2, size=shape) * np.where(
        np.random.default_rng(seed + 1).random(shape) < 0.5, -1.0, 1.0)


X = randn(3, 4)
M = randn(4, 4, seed=2)


# --- op= on an item of a list writes into the array the item is ------------------------------------

def test_op_assign_on_a_list_item_reaches_the_array_it_holds():
    assert_refused("""
    def f(x):
        w = x * 1.0
        L = [w]
        L[0] *= 2.0
        return w
    """, [X], r"'w' may have been changed by the write into 'L' on line 5")


def test_op_assign_on_a_list_item_reaches_a_view_it_holds():
    assert_refused("""
    def f(M):
        w = M[:, 1]
        L = [w]
        L[0] *= 2.0
        return w, M
    """, [M], r"may have been changed by the write into 'L' on line 5")


def test_op_assign_on_a_list_item_at_an_index_not_known():
    assert_refused("""
    def f(x):
        w = x * 1.0
        L = [w, x * 2.0]
        for i in range(2):
            L[i] += 1.0
        return w
    """, [X], r"'w' may have been changed by the write into 'L'")


def test_op_assign_on_a_list_item_read_through_the_list():
    assert_right("""
    def f(x):
        w = x * 1.0
        L = [w, x]
        L[0] *= 2.0
        return L[0], L[1]
    """, [X])


def test_op_assign_on_a_list_item_other_items_kept():
    assert_right("""
    def f(x):
        w = x * 1.0
        v = np.tanh(x)
        L = [w, v]
        L[1] *= 2.0
        return w, L[1]
    """, [X])


def test_op_assign_on_a_list_of_numbers_rebinds():
    assert_right("""
    def f(x):
        s = np.sum(x)
        L = [s, 2.0]
        L[0] *= 3.0
        return s * L[0]
    """, [X])


# --- a helper's values unpacked: an item of a tuple is no index into an array ---------------------

PAIR_WRITTEN = """
def pair(a):
    return a, a.T

def f(M):
    N = M * 1.0
    p, q = pair(N)
    q += 3.0
    return q
"""


def test_op_assign_on_a_view_a_helper_returned_in_a_tuple():
    try:
        assert_right(PAIR_WRITTEN, [M])
    except backgen.BackgenError as error:  # (refused at the user's line, never a staged run that fails)
        assert "could not run" not in str(error)
        assert "line 8" in str(error)


# --- a write into an unnamed view whose value calls a function: the value's name has a place ------

def test_write_into_an_item_of_a_list_in_a_branch_its_value_a_call():
    source = """
    def f(u):
        L = [u * 1.0, u]
        if np.mean(u) < 0.5:
            L[0][...] = float(np.max(u))
        return L[0], L[1]
    """
    try:
        assert_right(source, [randn(3)])
    except backgen.BackgenError as error:  # (a refusal at the user's line, never an internal error)
        assert "internal error" not in str(error)
        assert "on line 5" in str(error)


# --- a view taken in a branch of an array the branch writes into, written into after it ----------

def test_reshape_taken_in_a_branch_of_an_array_written_there_and_after():
    assert_right("""
    def f(x):
        if x.max() > 0.5:
            w = x.reshape(4, 3)
            x += 0.5 * x
        x += x
        return w
    """, [X])  # (w was the reshape of x as the branch left it: x += x after it not followed)


def test_slice_taken_in_a_branch_of_an_array_written_there_and_after():
    assert_right("""
    def f(x):
        y = x * 1.0
        if x.max() > 0.5:
            w = y[1:]
            y *= 2.0
        y += 1.0
        return w, y
    """, [X])


# --- a list or tuple made from a display holds the arrays themselves: made again after a write ---

def test_tuple_and_list_displays_read_after_a_write_into_an_array_they_hold():
    assert_right("""
    def f(M):
        N = M * 1.0
        t = (N,)
        L = [N, M]
        N[1:, :] -= N[:1]
        e = t[0]
        return e, L[0], L[1]
    """, [M])


def test_list_display_holding_a_view_read_after_a_write_into_its_base():
    assert_right("""
    def f(x):
        y = x * 2.0
        r = y[0, 1:]
        L = [r, x]
        y *= 3.0
        a, b = L
        return a * b[1, 1:], y
    """, [X])


def test_list_display_holding_one_array_twice_written_through_an_item():
    assert_refused("""
    def f(x):
        y = x * 2.0
        L = [y, y]
        L[0][1] = 0.5
        return L[1], y
    """, [X], r"'L' may have been changed by the write into 'L\[0\]' on line 5")  # (not followed: still refused)


def test_list_display_read_after_a_write_in_a_branch():
    assert_right("""
    def f(x):
        y = x * 2.0
        L = [y]
        if np.sum(x) > 0.0:
            y[0] += x[1]
        else:
            y *= 0.5
        return L[0] * x
    """, [X])


# --- a list a branch made of a value the merge renames, written into after the if ------------------

@pytest.mark.parametrize("body", [
    "y = x * 1.0\n    if np.sum(x) > 0.5:\n        y[0] = 2.0\n        L = [y]\n    y[1] = 1.0\n    return L[0]",
    "y = x * 1.0\n    if np.sum(x) > 0.5:\n        y[0] = 2.0\n        L = [y]\n        t = (y, x)\n"
    "    y[1] = 1.0\n    return L[0] + t[0]",
    "if np.sum(x) > 0.5:\n        L = [x]\n        x += 0.5 * x\n    x -= -1.5\n    L[0][...] = x * 3.0\n"
    "    return x",
])
def test_list_made_in_a_branch_of_a_value_written_after_it(body):
    # (the list held the branch's value by its name before the merge renamed it: the write after the if
    # was not followed into it, and the link to it, by a name no longer staged, was dropped: wrong)
    assert_right(f"def f(x):\n    {body}\n", [np.abs(X)])


def test_list_made_again_keeps_what_an_earlier_write_made_stale_in_it():
    # (b1 **= 2 wrote into x, which L holds; the write into r made L again, of x as before, its mark
    # dropped: L[0] read x before b1 **= 2, a wrong gradient)
    assert_right("""
    def f(x):
        b = x
        r = np.sum(x, axis=0)
        L = [b, r]
        b **= 2
        np.multiply(r, 1.5, out=r)
        g, h = L
        return r, g, h, b
    """, [X])


def test_list_display_of_a_new_array_no_name_holds_written_through_an_item_read():
    assert_right("""
    def f(x):
        L = [x * 1.0, x]
        t = L[0]
        t *= 2.0
        return L[0] * L[1]
    """, [X])


# --- a helper returning a list: its result is a list in the caller's backward too -----------------

@pytest.mark.parametrize("loop", [False, True])
def test_a_list_of_arrays_of_two_shapes_a_helper_returns(loop):
    # (its adjoint was np.zeros_like of the list: a ValueError, in a loop an AttributeError of .shape)
    call = "for i in range(2):\n        L = mk(u, T)" if loop else "L = mk(u, T)"
    assert_right(f"def mk(a, b):\n    return [a, b]\n\n\ndef f(u, T):\n    {call}\n    return L[0] * 2.0, L[1]\n",
                 [randn(3), randn(2, 3, 4, seed=5)])


# --- np.moveaxis is a view with an inverse: writes through it are followed both ways ---------------

@pytest.mark.parametrize("body", [
    "m = np.moveaxis(y, 0, -1)\n    m[0] *= 2.0\n    return y",
    "m = np.moveaxis(y, 2, 0)\n    y[1] += 1.0\n    return m * 2.0",
    "m = np.moveaxis(y, [0, 1], [2, 0])\n    m[1:] = 0.5 * m[:1]\n    return y, m",
    "m = np.moveaxis(y, source=1, destination=2)\n    m[..., 0] -= y[:, 0]\n    return y",
])
def test_writes_through_np_moveaxis(body):
    # (refused before: the moveaxis is a view of 'y', which backgen does not write back through)
    assert_right(f"def f(T):\n    y = T * 1.0\n    {body}\n", [randn(2, 3, 4)])


# --- np.diagonal is a read-only view: taken again of the array written ------------------------------

@pytest.mark.parametrize("body", [
    "d = np.diagonal(y)\n    y[0, 0] = 5.0\n    return d * 2.0",
    "d = np.diagonal(y)\n    y *= y\n    return d, y",
    "d = np.diagonal(y, 1)\n    y[:, 1] += 1.0\n    return d",
    "d = y.diagonal()\n    y[1:] = 0.5 * y[:-1]\n    return d",
    "d = np.diagonal(y)\n    e = d[1:]\n    y[1, 1] = 2.0\n    return e",
])
def test_a_diagonal_read_after_a_write_into_its_array(body):
    # (refused before: the diagonal is a view of its array, which backgen does not write back through)
    assert_right(f"def f(x):\n    y = x * 1.0\n    {body}\n", [X])
