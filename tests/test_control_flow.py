"""Control flow: reassignment, if/elif/else, loops, tuples, helpers, names, defaults, errors.

Every forward function below is defined at module level (backgen reads its
source), run through ``backgen.backward`` and checked against central finite
differences computed here in float64; ``backgen.gradcheck`` is run as well.
Parameters left out of ``wrt`` (loop counts, flags) are constants.
"""

import copy
import inspect
import math
import textwrap

import numpy as np
import pytest

import backgen
from backgen import BackgenError

from conftest import load_module
import numeric

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-8


def rng(seed=0):
    return np.random.default_rng(seed)


def case(forward, args, wrt, marks=()):
    """One table row: ``forward(*args)``, differentiated with respect to ``wrt``."""
    return pytest.param(forward, args, wrt, id=f"{forward.__name__}{args}", marks=marks)


# --- the checking machinery ---------------------------------------------------------------


def finite_differences(forward, args, kwargs, wrt, dout, h=EPS):
    """Central differences, in float64, of ``sum(forward(...) * dout)`` for each name in ``wrt``."""
    bound = inspect.signature(forward).bind(*args, **kwargs)
    bound.apply_defaults()
    names = list(bound.arguments)

    def by_position(*values):
        return forward(**dict(zip(names, values)))
    douts = dout if isinstance(dout, tuple) else (dout,)
    values = [bound.arguments[n] for n in names]
    return numeric.finite_differences(by_position, values, [names.index(n) for n in wrt], douts, h)

def default_dout(forward, args, kwargs):
    """1.0 for a scalar output, a fixed random array for an array output (one per tuple item)."""
    out = forward(*args, **kwargs)
    outs = out if isinstance(out, tuple) else (out,)
    douts = tuple(1.0 if np.ndim(o) == 0 else rng(99).standard_normal(np.shape(o)) for o in outs)
    return douts if isinstance(out, tuple) else douts[0]


def check(forward, *args, wrt, dout=None, kwargs=None, g=None, gradcheck=True):
    """Gradients of ``forward`` for ``wrt`` match finite differences; inputs and dout are left alone.

    Returns the decorated function (for looking at its ``backward_source``).
    """
    kwargs = kwargs or {}
    g = g or backgen.backward(forward, wrt=wrt)
    if dout is None:
        dout = default_dout(forward, args, kwargs)
    saved_args, saved_kwargs, saved_dout = copy.deepcopy((args, kwargs, dout))
    got = g.backward(*args, dout=dout, **kwargs)
    got = got if len(wrt) > 1 else (got,)
    assert isinstance(got, tuple) and len(got) == len(wrt)
    expected = finite_differences(forward, args, kwargs, wrt, dout)
    bound = inspect.signature(forward).bind(*args, **kwargs)
    bound.apply_defaults()
    for name, a, n in zip(wrt, got, expected):
        assert np.shape(a) == np.shape(bound.arguments[name]), f"gradient of {name} has shape {np.shape(a)}"
        np.testing.assert_allclose(np.asarray(a, dtype=float), n, rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of {name} for {forward.__name__}{args}")
    # nothing the caller passed was modified: neither the inputs nor dout
    for before, after in zip(saved_args + tuple(saved_kwargs.values()), args + tuple(kwargs.values())):
        np.testing.assert_array_equal(np.asarray(after), np.asarray(before))
    for before, after in zip(saved_dout if isinstance(dout, tuple) else (saved_dout,),
                             dout if isinstance(dout, tuple) else (dout,)):
        if before is not None:
            np.testing.assert_array_equal(np.asarray(after), np.asarray(before))
    if gradcheck and not kwargs:
        assert backgen.gradcheck(g, *args, dout=dout) < RTOL
    return g


# =========================================================================================
# 1. reassignment and augmented assignment in straight-line code
# =========================================================================================


def reassign_scalar(x, b):
    x = x * 2
    h = x + b
    h += b
    s = h * h
    s -= math.sin(x)
    s *= b
    s /= x + 3.0
    x = x * s
    return x


def reassign_numpy(x, W, b):
    x = x * 2.0
    h = x @ W
    h += b
    s = np.tanh(h)
    s -= 0.5 * h
    s *= h
    s /= 1.0 + h * h
    x = x * 3.0
    x += 1.0
    return np.sum(s) + np.sum(x * x)


def reassign_power(x, y):
    z = x
    z **= 2
    z += y
    z *= z
    y = y - z
    return y


@pytest.mark.parametrize("x, b", [(0.7, 1.3), (-1.1, 0.4), (2.5, -0.6)])
def test_reassignment_and_augmented_assignment_scalar(x, b):
    g = check(reassign_scalar, x, b, wrt=("x", "b"))
    assert "x_1 = x * 2" in g.backward_source  # versioned names for each reassignment


@pytest.mark.parametrize("x, y", [(0.7, 1.3), (-1.2, 0.2)])
def test_reassignment_power_and_reuse_of_a_parameter_name(x, y):
    check(reassign_power, x, y, wrt=("x", "y"))


def test_reassignment_and_augmented_assignment_numpy():
    r = rng(1)
    x, W, b = r.standard_normal((3, 4)), r.standard_normal((4, 5)), r.standard_normal(5)
    check(reassign_numpy, x, W, b, wrt=("x", "W", "b"))


# =========================================================================================
# 2. if / elif / else
# =========================================================================================


def if_sign(x, y):
    if x > 0:
        z = x * y
    elif x > -1:
        z = x + y
    else:
        z = math.exp(x) * y
    return z * z


def if_flag(x, y, flag):
    if flag:
        z = math.sin(x) * y
    else:
        z = math.cos(y) + x
    return z * x


def if_elif_chain(x, mode):
    if mode == 0:
        y = x * x
    elif mode == 1:
        y = math.sin(x)
    elif mode == 2:
        y = math.exp(x)
    elif mode == 3:
        y = x
    else:
        y = 1.0 / x
    return y * x + y


def if_without_else(x, y):
    z = x * y
    if x > y:
        z = z * z
        w = z + x  # noqa: F841 (assigned on one path only, never read)
    z = z + y
    return z * x


def if_assigns_for_later(x, y):
    if x * y > 0.5:
        t = math.tanh(x) * y
    else:
        t = y - x * x
    u = t * t + x
    return u * t


def if_nested(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y
        z = z * 2.0
    else:
        if y > x:
            z = math.exp(y) * x
        elif y < -2:
            z = y * y
        else:
            z = x * x
    return z + x


def if_early_return(x, y):
    z = x * y
    if z > 1.0:
        return z * x
    w = z + math.sin(y)
    if w < 0:
        w = w * w
        if x < -1:
            return w - x
    w = w * y
    return w + z


def if_early_return_else(x, y):
    if x > 0:
        a = x * y
        return a * a
    else:
        b = y - x
    c = b * math.exp(x)
    return c + y


def if_conditional_expression(x, y):
    a = x * y
    b = math.sin(x) + y
    z = a if x > y else b
    w = b if z > 0 else a
    return z * w + a


def if_on_reassigned_values(x, y):
    s = x
    s = s * y
    if s > 0:
        s = s + 1.0
    s = s * x
    if s < 1:
        s = s * s
    return s


def if_swap(u, v):
    if u > v:
        u, v = v, u
    return u * v * v + u


def helper_square(t):
    return t * t


def if_calls_helper(x, y):
    if x > y:
        z = helper_square(x) * y
    else:
        z = helper_square(y - x)
    return z + helper_square(z)


def if_sets_for_the_same_test_later(x, y):
    if y > 0.5:
        t = x * y
    z = x * x
    if y > 0.5:
        z = z + t * t
    return z



IF_CASES = [
    case(if_sign, (0.8, 1.3), ("x", "y")),
    case(if_sign, (-0.4, 1.3), ("x", "y")),
    case(if_sign, (-2.1, 1.3), ("x", "y")),
    case(if_flag, (0.8, 1.3, 1), ("x", "y")),
    case(if_flag, (0.8, 1.3, 0), ("x", "y")),
    case(if_flag, (0.8, -1.3, True), ("y",)),
    *[case(if_elif_chain, (0.7, mode), ("x",)) for mode in range(5)],
    case(if_without_else, (1.5, 0.3), ("x", "y")),
    case(if_without_else, (0.3, 1.5), ("x", "y")),
    case(if_assigns_for_later, (1.2, 0.9), ("x", "y")),
    case(if_assigns_for_later, (0.2, 0.9), ("x", "y")),
    case(if_nested, (0.5, 0.7), ("x", "y")),
    case(if_nested, (0.5, -0.7), ("x", "y")),
    case(if_nested, (-0.5, 0.7), ("x", "y")),
    case(if_nested, (-0.5, -2.7), ("x", "y")),
    case(if_nested, (-0.5, -1.7), ("x", "y")),
    case(if_early_return, (1.5, 1.2), ("x", "y")),    # the first return
    case(if_early_return, (0.3, 0.4), ("x", "y")),    # past both ifs
    case(if_early_return, (-1.5, -0.5), ("x", "y")),  # the return inside the nested if
    case(if_early_return, (-0.5, -1.5), ("x", "y")),  # into the second if, not its return
    case(if_early_return_else, (0.5, 1.5), ("x", "y")),
    case(if_early_return_else, (-0.5, 1.5), ("x", "y")),
    case(if_conditional_expression, (0.9, 0.4), ("x", "y")),
    case(if_conditional_expression, (0.4, 0.9), ("x", "y")),
    case(if_conditional_expression, (-2.0, -2.5), ("x", "y")),
    case(if_on_reassigned_values, (0.6, 0.8), ("x", "y")),
    case(if_on_reassigned_values, (0.6, -0.8), ("x", "y")),
    case(if_on_reassigned_values, (-2.0, 0.3), ("x", "y")),
    case(if_swap, (1.3, 0.2), ("u", "v")),
    case(if_swap, (0.3, 1.2), ("u", "v")),
    case(if_calls_helper, (0.7, 0.2), ("x", "y")),
    case(if_calls_helper, (0.2, 0.7), ("x", "y")),
    case(if_sets_for_the_same_test_later, (0.7, 1.3), ("x", "y")),
    case(if_sets_for_the_same_test_later, (0.7, 0.2), ("x", "y")),
]


@pytest.mark.parametrize("forward, args, wrt", IF_CASES)
def test_if_scalar(forward, args, wrt):
    check(forward, *args, wrt=wrt)


def test_branches_are_chosen_when_the_backward_runs():
    """One generated function serves inputs on both sides of each test."""
    g = backgen.backward(if_sign, wrt=("x", "y"))
    for x in (0.8, -0.4, -2.1, 3.0, -0.9):
        check(if_sign, x, 1.3, wrt=("x", "y"), g=g)
    assert g.backward_source.count("def if_sign_backward(") == 1
    assert "if x > 0:" in g.backward_source


def if_numpy(x, W, b, flag):
    h = x @ W
    if flag:
        h = h + b
    else:
        h = h * b
    if np.sum(h) > 0:
        out = np.tanh(h)
    else:
        out = h * h
    return np.sum(out * out)


def if_numpy_conditional_expression(x, w, flag):
    a = x @ w
    b = np.tanh(x) @ w
    z = a if flag else b
    return np.sum(z * a)


def if_numpy_two_step_branches(x, w):
    s = x @ w
    if np.sum(s) > 0:
        t = np.tanh(s)
        u = t * t + s
    else:
        t = np.exp(s)
        u = t * s
    return np.sum(u)


def if_numpy_early_return(x, w):
    s = x @ w
    if np.max(s) > 1.0:
        return np.sum(np.exp(s))
    t = np.maximum(s, 0.0)
    return np.sum(t * s)


def numpy_if_inputs(sign, seed=2):
    """x, W, b with every entry of x @ W positive (sign 1) or negative (sign -1)."""
    r = rng(seed)
    x, W, b = np.abs(r.standard_normal((3, 4))), np.abs(r.standard_normal((4, 5))), np.abs(r.standard_normal(5))
    return x, sign * W, b + 0.5


@pytest.mark.parametrize("flag", [0, 1])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_if_numpy(flag, sign):
    x, W, b = numpy_if_inputs(sign)
    h = x @ W + b if flag else (x @ W) * b
    assert (np.sum(h) > 0) == (sign > 0)  # both sides of the value test are taken
    check(if_numpy, x, W, b, flag, wrt=("x", "W", "b"))
    check(if_numpy_conditional_expression, x, W, flag, wrt=("x", "w"))


@pytest.mark.parametrize("sign", [
    1.0,                                     # the else branch never ran: its values are all merged
    pytest.param(-1.0),  # the if branch never ran: t * t has no shape
])
def test_if_numpy_branch_not_taken_on_the_first_call(sign):
    x, W, _ = numpy_if_inputs(sign)
    check(if_numpy_two_step_branches, x, W, wrt=("x", "w"))


@pytest.mark.parametrize("scale", [2.0, 0.1])
def test_if_numpy_early_return(scale):
    r = rng(3)
    x, w = r.standard_normal((4, 3)), scale * r.standard_normal(3)
    assert (np.max(x @ w) > 1.0) == (scale > 1)
    check(if_numpy_early_return, x, w, wrt=("x", "w"))


def test_if_numpy_both_sides_with_one_decorated_function():
    """Code generated on the first call's shapes serves later calls taking the other branch."""
    g = backgen.backward(if_numpy_two_step_branches, wrt=("x", "w"))
    for sign, seed in ((1.0, 2), (-1.0, 2), (-1.0, 5), (1.0, 5)):
        x, W, _ = numpy_if_inputs(sign, seed)
        check(if_numpy_two_step_branches, x, W, wrt=("x", "w"), g=g)
    assert g.backward_source.count("def if_numpy_two_step_branches_backward(") == 1


def if_train_or_test(x, w, train):
    if train:
        out = x * w
    else:
        out = x
    return np.sum(out * out)


def if_scalar_one_side(x, y):
    z = x * 0.5
    if x > 0.5:
        z = x * y
    else:
        w = math.sin(y)
        z = z * w
    return z * x


@pytest.mark.parametrize("train", [True, False])
def test_an_adjoint_both_branches_start_is_assigned_in_each_branch(train):
    """As written by hand: dx = w * d_out in one branch, dx = d_out in the other (no zeros before the if
    and += in each); dw, which one branch only adds to, starts at zero before the if.  (The variable
    out, not returned, has the adjoint d_out: dout is the upstream gradient's name.)"""
    r = rng(4)
    g = check(if_train_or_test, r.standard_normal((3, 4)), r.standard_normal(4), train, wrt=("x", "w"))
    before, if_block = g.backward_source.split("# backward pass")[1].split("if train:")
    then, orelse = if_block.split("return")[0].split("else:")
    assert "dx = w * d_out" in then and "dw += (x * d_out).sum(axis=0)" in then
    assert "dx = d_out" in orelse and "dw" not in orelse
    assert "dw = np.zeros_like(w)" in before and "dx" not in before


@pytest.mark.parametrize("x", [0.9, 0.2])
def test_a_scalar_adjoint_a_branch_starts_is_assigned_in_each_branch(x):
    g = check(if_scalar_one_side, x, 1.3, wrt=("x", "y"))
    body = g.backward_source.split("# backward pass")[1]
    assert "dy = 0.0" not in body and body.count("dy = ") == 2


def test_and_or_not_in_tests_keep_python_s_short_circuit():
    # the test of a while reads x[i] only while i is in range; and/or/not decide the way
    for forward, args, wrt in [(scan_while_in_range, (np.array([0.5, 1.2, -0.3, 0.9]),), ("x",)),
                               (scan_while_in_range, (np.array([0.5, -2.5, 0.9]),), ("x",)),
                               (branch_on_and_or, (0.8, 1.7), ("x", "y")),
                               (branch_on_and_or, (-0.8, 2.7), ("x", "y")),
                               (break_on_either, (0.4, 1.3), ("x", "r")),
                               (break_on_either, (0.4, -1.1), ("x", "r")),
                               (numpy_branch_on_and_or, (rng(1).standard_normal((4, 3)),), ("X",)),
                               (numpy_branch_on_and_or, (-rng(2).uniform(0.5, 1.0, (2, 3)),), ("X",))]:
        check(forward, *args, wrt=wrt)


def scan_while_in_range(x):
    i = 0
    acc = 0.0
    while i < x.shape[0] and x[i] > -2.0:
        acc = acc + x[i] * x[i]
        i += 1
    return acc


def branch_on_and_or(x, y):
    s = 0.0
    for t in range(4):
        if (t % 2 == 0 and x > 0) or (t == 3 and not y > 2):
            s = s + x * y
        elif not (x < 0 or y < 0):
            s = s - y
    return s


def break_on_either(x, r):
    y = x
    for k in range(30):
        y = y * r + 0.1
        if y > 3.0 or y < -3.0 or (k > 10 and abs(y) < 1e-3):
            break
    return y


def numpy_branch_on_and_or(X):
    h = np.tanh(X)
    if np.sum(h) > 0 and h.shape[0] > 2:
        h = h * 2.0
    elif np.max(h) < 0.0 or np.sum(h * h) > 100.0:
        h = h - 1.0
    return np.sum(h * h)


# =========================================================================================
# 3. loops
# =========================================================================================


def loop_power(x, n):
    y = 1.0
    for i in range(n):
        y = y * x
    return y


def loop_range_a_b(x, a, b):
    s = x
    for i in range(a, b):
        s = s * x + i
    return s


def loop_range_step(x, n):
    s = 0.0
    for i in range(0, n, 2):
        s = s + math.sin(x * i) + x
    return s


def loop_accumulate(x, w, n):
    s = 0.0
    for i in range(n):
        s = s + x * w + i
    return s


def loop_fibonacci(x, y, n):
    p, q = x, y
    for k in range(n):
        p, q = q, p + q * 0.5
    return p * q + q


def loop_rotate_through_temporary(u, v, n):
    for k in range(n):
        t = u
        u = v
        v = t + v
    return u * v + v


def loop_carried_named_a(a, n):
    for k in range(n):
        a = a * 1.5 + math.sin(a)
    return a


def loop_carried_named_i(x, n):
    i = x
    for k in range(n):
        i = i * x + 0.25
    return i


def loop_carried_two(x, w, n):
    h = x
    c = 0.0
    for t in range(n):
        c = c + h * w
        h = math.tanh(h * w + c)
    return h + c


def loop_updates_parameter(x, n):
    for k in range(n):
        x = x * 0.5 + math.sin(x)
    return x


def loop_augmented(x, y, n):
    s = x
    for k in range(n):
        s += y * s
        s *= x
        s -= 0.1
        s /= 1.5 + y
    return s


def loop_reads_its_input_after(x, n):
    y = x
    for k in range(n):
        y = y * x
    return y + x


def loop_nested(x, y, n, m):
    s = 0.0
    for i in range(n):
        t = x
        for j in range(m):
            t = t * y + math.sin(t)
        s = s + t * i + x
    return s


def loop_variable_after(x, n):
    y = x
    for i in range(n):
        y = y * x + i
    return y * i


def loop_body_value_after(x, n):
    y = x
    for i in range(n):
        t = y * 0.5
        y = y * x + t
    return y + t


def loop_halving(x, thresh):
    y = x
    while y > thresh:
        y = y * 0.5
    return y * y + x


def loop_while_counter(x, n):
    y = x
    k = 0
    while k < n:
        y = math.sin(y) + x
        k = k + 1
    return y


def loop_newton_sqrt(a, n):
    x = a
    for k in range(n):
        x = 0.5 * (x + a / x)
    return x


def loop_newton_while(c, tol):
    x = c
    r = x * x - c
    while abs(r) > tol:
        x = 0.5 * (x + c / x)
        r = x * x - c
    return x


def loop_if_inside(x, y, n):
    s = x
    for k in range(n):
        if s > 1.0:
            s = s * 0.5
        elif k > 1:
            s = s + y
        else:
            s = s * y + x
    return s


def loop_inside_if(x, y, n):
    if x > 0:
        for k in range(n):
            x = x * y
        z = x
    else:
        z = y * y
    return z + x


def loop_break(x, limit, n):
    y = x
    for k in range(n):
        y = y * x + 0.1
        if y > limit:
            break
    return y * y


def loop_break_with_work(x, limit, n):
    y = x
    s = 0.0
    for k in range(n):
        y = y * x
        if y > limit:
            s = s + y * 2.0
            break
        s = s + y
    return s + y


def loop_continue(x, n):
    s = 0.0
    for k in range(n):
        t = x * k - 1.0
        if t < 0:
            continue
        s = s + t * t
    return s


def loop_continue_with_work(x, y, n):
    s = y
    for k in range(n):
        t = math.sin(x * k)
        if t < 0:
            s = s * 0.5 + t
            continue
        s = s * y + t
    return s


def loop_while_break(x, n):
    y = x
    k = 0
    while k < n:
        y = math.sin(y) + x
        k = k + 1
        if y > 1.5:
            break
    return y


def loop_while_break_with_work(x, limit):
    y = x
    while y < 100.0:
        y = y * 1.5 + x
        if y > limit:
            y = y - x
            break
    return y


def loop_break_after_update_in_if(x, n):
    s = x
    for k in range(n):
        s = s * x
        if s > 2.0:
            s = s * 0.5
            break
    return s * s


def loop_continue_then_break(x, n):
    s = x
    for k in range(n):
        if s < 0.5:
            s = s + 1.0
            continue
        s = s * x
        if s > 2.0:
            break
    return s * s


LOOP_CASES = [
    *[case(loop_power, (1.3, n), ("x",)) for n in (0, 1, 2, 5)],
    *[case(loop_range_a_b, (0.9, a, b), ("x",)) for a, b in ((0, 0), (2, 3), (1, 4), (3, 1), (-2, 2))],
    *[case(loop_range_step, (0.7, n), ("x",)) for n in (0, 1, 2, 5, 6)],
    *[case(loop_accumulate, (0.7, -1.2, n), ("x", "w")) for n in (0, 1, 4)],
    *[case(loop_fibonacci, (0.3, 1.7, n), ("x", "y")) for n in (0, 1, 2, 6)],
    *[case(loop_rotate_through_temporary, (0.3, 1.2, n), ("u", "v")) for n in (0, 1, 3)],
    *[case(loop_carried_named_a, (0.3, n), ("a",)) for n in (0, 2)],
    *[case(loop_carried_named_i, (0.3, n), ("x",)) for n in (0, 2)],
    *[case(loop_carried_two, (0.3, 0.8, n), ("x", "w")) for n in (0, 1, 3)],
    *[case(loop_updates_parameter, (0.7, n), ("x",)) for n in (0, 1, 3)],
    *[case(loop_augmented, (0.7, 0.4, n), ("x", "y")) for n in (0, 1, 3)],
    *[case(loop_reads_its_input_after, (0.7, n), ("x",)) for n in (0, 1, 3)],
    *[case(loop_nested, (0.4, 0.9, n, m), ("x", "y")) for n, m in ((0, 3), (1, 0), (1, 1), (3, 2), (2, 4))],
    *[case(loop_variable_after, (0.8, n), ("x",)) for n in (1, 2, 4)],
    *[case(loop_body_value_after, (0.8, n), ("x",)) for n in (1, 3)],
    case(loop_halving, (10.0, 1.0), ("x", "thresh")),
    case(loop_halving, (0.5, 1.0), ("x", "thresh")),  # no iteration
    case(loop_halving, (3.0, 0.2), ("x", "thresh")),
    *[case(loop_while_counter, (0.7, n), ("x",)) for n in (0, 1, 3)],
    *[case(loop_newton_sqrt, (2.0, n), ("a",)) for n in (0, 1, 3, 6)],
    case(loop_newton_while, (2.0, 1e-10), ("c",)),
    case(loop_newton_while, (9.0, 1e-3), ("c",)),
    case(loop_newton_while, (1.0, 1e-3), ("c",)),  # no iteration
    *[case(loop_if_inside, (x, 1.1, n), ("x", "y")) for x in (0.6, 1.7) for n in (0, 1, 2, 5)],
    case(loop_inside_if, (-0.7, 1.3, 3), ("x", "y")),
    case(loop_inside_if, (0.7, 1.3, 3), ("x", "y")),
    case(loop_break_with_work, (1.3, 2.0, 10), ("x",)),  # breaks
    case(loop_break_with_work, (0.9, 2.0, 5), ("x",)),   # never breaks
    case(loop_break_with_work, (1.3, 2.0, 0), ("x",)),
    case(loop_continue_with_work, (0.9, 0.8, 7), ("x", "y")),
    case(loop_continue_with_work, (0.9, 0.8, 1), ("x", "y")),
    case(loop_continue_with_work, (0.9, 0.8, 0), ("x", "y")),
    case(loop_while_break_with_work, (0.5, 3.0), ("x",)),
    case(loop_while_break_with_work, (0.5, 1000.0), ("x",)),  # leaves by the test, not the break
    case(loop_break, (1.2, 2.0, 10), ("x",)),   # breaks
    case(loop_break, (0.5, 2.0, 4), ("x",)),    # never breaks
    case(loop_break, (1.2, 2.0, 0), ("x",)),
    case(loop_continue, (0.7, 5), ("x",)),
    case(loop_continue, (0.1, 3), ("x",)),      # always continues
    case(loop_continue, (0.7, 0), ("x",)),
    case(loop_while_break, (0.9, 6), ("x",)),
    case(loop_while_break, (0.2, 3), ("x",)),
    case(loop_while_break, (0.2, 0), ("x",)),
    case(loop_break_after_update_in_if, (1.1, 3), ("x",)),  # never breaks
    case(loop_break_after_update_in_if, (1.1, 10), ("x",)),
    case(loop_break_after_update_in_if, (2.5, 4), ("x",)),
    case(loop_continue_then_break, (1.1, 3), ("x",)),       # never breaks
    case(loop_continue_then_break, (0.3, 4), ("x",)),       # continues, never breaks
    case(loop_continue_then_break, (1.1, 10), ("x",)),
]


@pytest.mark.parametrize("forward, args, wrt", LOOP_CASES)
def test_loops_scalar(forward, args, wrt):
    check(forward, *args, wrt=wrt)


def test_loop_power_values():
    """The exact derivative of x ** n, through the loop."""
    g = backgen.backward(loop_power, wrt=("x",))
    for n in range(6):
        assert g.backward(1.3, n) == pytest.approx(n * 1.3 ** (n - 1) if n else 0.0, rel=1e-12, abs=1e-15)


def test_one_generated_function_serves_every_loop_count():
    g = backgen.backward(loop_carried_two, wrt=("x", "w"))
    for n in (0, 1, 2, 6, 3):
        check(loop_carried_two, 0.3, 0.8, n, wrt=("x", "w"), g=g)
    assert g.backward_source.count("def loop_carried_two_backward(") == 1
    assert "reversed(range(n))" in g.backward_source


def test_newton_sqrt_gradient_converges_to_the_true_derivative():
    g = backgen.backward(loop_newton_sqrt, wrt=("a",))
    for a in (0.5, 2.0, 7.0):
        assert g.backward(a, 8) == pytest.approx(0.5 / math.sqrt(a), rel=1e-9)
    g = backgen.backward(loop_newton_while, wrt=("c",))
    assert g.backward(2.0, 1e-12) == pytest.approx(0.5 / math.sqrt(2.0), rel=1e-9)


def loop_accumulate_rows(x, w, n):
    s = np.zeros(3)
    for i in range(n):
        s = s + x[i] * w
    return np.sum(s * s)


def loop_accumulate_float(x, w, n):
    s = 0.0
    for i in range(n):
        s = s + x[i] * w
    return s


def loop_scale_by_float(x, c, n):
    h = x
    for i in range(n):
        h = np.tanh(h) * c
    return np.sum(h)


def loop_over_rows(X, w):
    total = 0.0
    for row in X:
        total = total + np.tanh(row @ w)
    return total


def loop_over_rows_carry(X, w, h0):
    h = h0
    for row in X:
        h = np.tanh(row * w + h)
    return np.sum(h * h)


def loop_over_computed_rows(X, W):
    total = np.zeros(3)
    for row in np.tanh(X @ W):
        total = total + row * row
    return np.sum(total)


def loop_numpy_augmented(x, b, W, n):
    h = np.tanh(x)
    for i in range(n):
        h += b
        h = np.tanh(h @ W)
        h *= 1.5
    return np.sum(h * x)


def loop_numpy_nested(X, W, n):
    H = X
    for i in range(n):
        for j in range(2):
            H = np.tanh(H @ W) + H
    return np.sum(H)


def loop_numpy_while(x, thresh):
    y = x
    while np.max(np.abs(y)) > thresh:
        y = y * 0.5
    return np.sum(y * x)


def loop_numpy_break_continue_with_work(X, w, n):
    s = np.zeros(2)
    for i in range(n):
        v = X[i] * w
        if np.sum(v) < 0:
            s = s - v * 0.5
            continue
        s = s + v * v
        if np.sum(s) > 4.0:
            s = s * 0.5
            break
    return np.sum(s * w)


def loop_numpy_bare_break_continue(X, w, n):
    s = np.zeros(2)
    for i in range(n):
        v = X[i] * w
        if np.sum(v) < 0:
            continue
        s = s + v * v
        if np.sum(s) > 4.0:
            break
    return np.sum(s * w)


@pytest.mark.parametrize("n", [pytest.param(0), 1, 2, 4])
def test_loop_accumulating_numpy(n):
    r = rng(4)
    check(loop_accumulate_rows, r.standard_normal((4, 3)), r.standard_normal(3), n, wrt=("x", "w"))


@pytest.mark.parametrize("n", [1, 3])
def test_loop_accumulating_numpy_with_a_float(n):
    r = rng(4)
    check(loop_accumulate_float, r.standard_normal(4), 0.7, n, wrt=("x",))  # w a constant: fine
    check(loop_scale_by_float, r.standard_normal(4), 0.7, n, wrt=("x",))


@pytest.mark.parametrize("n", [1, 3])
def test_loop_numpy_float_parameter_in_wrt(n):
    r = rng(4)
    check(loop_scale_by_float, r.standard_normal(4), 0.7, n, wrt=("x", "c"))


@pytest.mark.parametrize("n", [1, 3])
def test_loop_numpy_float_accumulator(n):
    r = rng(4)
    check(loop_accumulate_float, r.standard_normal(4), 0.7, n, wrt=("x", "w"))


@pytest.mark.parametrize("rows", [1, 2, 5])
def test_loop_over_array_rows(rows):
    r = rng(5)
    X, w = r.standard_normal((rows, 3)), r.standard_normal(3)
    check(loop_over_rows, X, w, wrt=("X", "w"))
    check(loop_over_rows_carry, X, w, r.standard_normal(3), wrt=("X", "w", "h0"))
    check(loop_over_computed_rows, X, r.standard_normal((3, 3)), wrt=("X", "W"))


@pytest.mark.parametrize("n", [pytest.param(0), 1, 3])
def test_loop_numpy_augmented_and_nested(n):
    r = rng(6)
    X, W, b = r.standard_normal((4, 3)), 0.5 * r.standard_normal((3, 3)), r.standard_normal(3)
    check(loop_numpy_augmented, X, b, W, n, wrt=("x", "b", "W"))
    check(loop_numpy_nested, X, W, n, wrt=("X", "W"))


def test_loop_numpy_zero_iterations_after_other_counts():
    """Each integer value gets its own generated code, so n=0 fails even after n=3 worked."""
    r = rng(6)
    X, W = r.standard_normal((4, 3)), 0.5 * r.standard_normal((3, 3))
    g = backgen.backward(loop_numpy_nested, wrt=("X", "W"))
    check(loop_numpy_nested, X, W, 3, wrt=("X", "W"), g=g)
    check(loop_numpy_nested, X, W, 0, wrt=("X", "W"), g=g)


@pytest.mark.parametrize("thresh", [0.3, 5.0])
def test_loop_numpy_while(thresh):
    x = rng(6).standard_normal((2, 3)) * 2
    check(loop_numpy_while, x, thresh, wrt=("x", "thresh"))


@pytest.mark.parametrize("n", [
    2,                                                         # continues, never breaks
    pytest.param(0),
    pytest.param(1),                       # only the continue branch ran
    pytest.param(3),  # breaks in the third iteration
    pytest.param(6),
])
def test_loop_numpy_break_and_continue(n):
    r = rng(7)
    X, w = r.standard_normal((6, 2)), r.standard_normal(2) * 2
    check(loop_numpy_break_continue_with_work, X, w, n, wrt=("X", "w"))


@pytest.mark.parametrize("n", [
    2,                                       # continues, never breaks
    pytest.param(0),
    pytest.param(1),     # only the continue branch ran
    pytest.param(6),                         # breaks in the third iteration
])
def test_loop_numpy_bare_break_and_continue(n):
    r = rng(7)
    X, w = r.standard_normal((6, 2)), r.standard_normal(2) * 2
    check(loop_numpy_bare_break_continue, X, w, n, wrt=("X", "w"))


# =========================================================================================
# 4. a vanilla RNN unrolled over time
# =========================================================================================


def rnn_final(x, h0, Wx, Wh, b):
    T, N, D = x.shape
    h = h0
    for t in range(T):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
    return h


def rnn_final_over_steps(x, h0, Wx, Wh, b):
    h = h0
    for xt in x:
        h = np.tanh(xt @ Wx + h @ Wh + b)
    return h


def rnn_sum_squares(x, h0, Wx, Wh, b):
    T = x.shape[0]
    h = h0
    total = 0.0
    for t in range(T):
        a = x[t] @ Wx + h @ Wh + b
        h = np.tanh(a)
        total = total + np.sum(h * h)
    return total


def rnn_inputs(T, N=2, D=3, H=4, seed=8):
    r = rng(seed)
    return (r.standard_normal((T, N, D)), r.standard_normal((N, H)), 0.5 * r.standard_normal((D, H)),
            0.5 * r.standard_normal((H, H)), r.standard_normal(H))


RNN_WRT = ("x", "h0", "Wx", "Wh", "b")


@pytest.mark.parametrize("forward", [rnn_final, rnn_final_over_steps])
@pytest.mark.parametrize("T", [1, 2, 4])
def test_rnn_final_hidden_state(forward, T):
    args = rnn_inputs(T)
    check(forward, *args, wrt=RNN_WRT, dout=rng(9).standard_normal((2, 4)))  # also: nothing mutated


@pytest.mark.parametrize("T", [1, 3, 5])
def test_rnn_sum_of_squares_of_all_hidden_states(T):
    args = rnn_inputs(T)
    check(rnn_sum_squares, *args, wrt=RNN_WRT, dout=1.0)
    check(rnn_sum_squares, *args, wrt=RNN_WRT, dout=-0.7)


def test_rnn_does_not_mutate_inputs_or_dout():
    args = rnn_inputs(3)
    copies = [a.copy() for a in args]
    dout = rng(10).standard_normal((2, 4))
    dout_copy = dout.copy()
    g = backgen.backward(rnn_final, wrt=RNN_WRT)
    grads = g.backward(*args, dout=dout)
    grads_again = g.backward(*args, dout=dout)
    for a, c in zip(args, copies):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(dout, dout_copy)
    for one, two in zip(grads, grads_again):
        np.testing.assert_array_equal(one, two)
        assert not any(np.shares_memory(one, a) for a in args + (dout,))
    # the same generated code runs for another T (only ranks matter)
    check(rnn_final, *rnn_inputs(6), wrt=RNN_WRT, dout=dout, g=g)


# =========================================================================================
# 5. tuple packing and unpacking, tuple returns
# =========================================================================================


def tuple_swap(u, v):
    u, v = v, u
    w = u * 2.0 + math.sin(v)
    u, v = v, w
    return u * v * v


def tuple_swap_in_loop(u, v, n):
    for k in range(n):
        u, v = v, u * v + 0.25
    return u - v * 0.5


def tuple_shape(x, w):
    N, D = x.shape
    y = x @ w
    return np.sum(y * y) / (N * D)


def tuple_return_scalar(x, y):
    h = x * y
    c = math.sin(x) + h
    return h, c


def tuple_return_numpy(x, Wx, Wh, h0, n):
    h = h0
    c = np.zeros_like(h0)
    for t in range(n):
        c = c + np.tanh(x @ Wx + h @ Wh)
        h = np.tanh(c) * 0.5
    return h, c


@pytest.mark.parametrize("u, v", [(0.3, 1.2), (-1.5, 0.4)])
def test_tuple_swap(u, v):
    check(tuple_swap, u, v, wrt=("u", "v"))
    check(tuple_swap_in_loop, u, v, 0, wrt=("u", "v"))


@pytest.mark.parametrize("n", [1, 2, 5])
def test_tuple_swap_in_a_loop(n):
    check(tuple_swap_in_loop, 0.3, 1.2, n, wrt=("u", "v"))


def test_tuple_unpacking_of_a_shape():
    r = rng(11)
    check(tuple_shape, r.standard_normal((3, 4)), r.standard_normal((4, 2)), wrt=("x", "w"))


@pytest.mark.parametrize("dout", [(1.0, 1.0), (2.0, -0.5), (None, 1.0), (1.5, None)])
def test_tuple_return_scalar(dout):
    check(tuple_return_scalar, 0.7, -1.3, wrt=("x", "y"), dout=dout)


@pytest.mark.parametrize("which", ["both", "h only", "c only"])
@pytest.mark.parametrize("n", [pytest.param(0), 1, 3])
def test_tuple_return_numpy(which, n):
    r = rng(12)
    x, Wx, Wh, h0 = (r.standard_normal((2, 3)), r.standard_normal((3, 4)), 0.5 * r.standard_normal((4, 4)),
                     r.standard_normal((2, 4)))
    dh, dc = r.standard_normal((2, 4)), r.standard_normal((2, 4))
    dout = {"both": (dh, dc), "h only": (dh, None), "c only": (None, dc)}[which]
    check(tuple_return_numpy, x, Wx, Wh, h0, n, wrt=("x", "Wx", "Wh", "h0"), dout=dout)


def test_tuple_return_needs_a_tuple_dout():
    g = backgen.backward(tuple_return_scalar, wrt=("x", "y"))
    with pytest.raises(TypeError, match="dout as a tuple"):
        g.backward(0.7, -1.3, dout=1.0)


# =========================================================================================
# 6. calls to helper functions of the same module
# =========================================================================================


def affine(x, w, b):
    return x @ w + b


def relu_affine(x, w, b):
    a = affine(x, w, b)
    return np.maximum(a, 0.0)


def two_layer(x, w1, b1, w2, b2):
    h = relu_affine(x, w1, b1)
    s = affine(h, w2, b2)
    return np.sum(s * s)


def affine_in_loop(x, w, b, n):
    h = x
    for i in range(n):
        h = np.tanh(affine(h, w, b))
    return np.sum(h * h)


def poly(t, u):
    v = helper_square(t) + u
    return helper_square(v) * t


def scalar_helpers(x, y, n):
    s = helper_square(x) + poly(x, y)
    for i in range(n):
        s = s + poly(s * 0.1, y) * 0.1
    return s + helper_square(y)


def test_helpers_used_several_times_and_calling_helpers():
    r = rng(13)
    x, w1, b1 = r.standard_normal((3, 4)), r.standard_normal((4, 5)), r.standard_normal(5)
    w2, b2 = r.standard_normal((5, 2)), r.standard_normal(2)
    g = check(two_layer, x, w1, b1, w2, b2, wrt=("x", "w1", "b1", "w2", "b2"))
    text = g.backward_source
    assert text.count("def affine_backward(") == 1
    assert text.count("def relu_affine_backward(") == 1
    assert text.count("def two_layer_backward(") == 1


@pytest.mark.parametrize("n", [pytest.param(0), 1, 3])
def test_helper_inside_a_loop(n):
    r = rng(14)
    x, w, b = r.standard_normal((2, 3)), 0.7 * r.standard_normal((3, 3)), r.standard_normal(3)
    g = check(affine_in_loop, x, w, b, n, wrt=("x", "w", "b"))
    assert g.backward_source.count("def affine_backward(") == 1


@pytest.mark.parametrize("n", [0, 1, 3])
def test_scalar_helpers_calling_helpers_in_a_loop(n):
    g = check(scalar_helpers, 0.6, -0.8, n, wrt=("x", "y"))
    text = g.backward_source
    assert text.count("def helper_square_backward(") == 1
    assert text.count("def poly_backward(") == 1
    assert text.count("def scalar_helpers_backward(") == 1


def test_helper_in_a_branch_is_defined_once():
    g = check(if_calls_helper, 0.7, 0.2, wrt=("x", "y"))
    assert g.backward_source.count("def helper_square_backward(") == 1


# =========================================================================================
# 7. user variables named like adjoints and saved lists
# =========================================================================================


def names_like_adjoints(x, dx, n):
    d = 0.0
    dh = x * dx
    for dout in range(n):
        d = d * dx + dh * x + dout
        dh = math.sin(d) + dh
    return d + dh * x


def names_like_saved_lists(x, h, dh, n):
    hs = 0.0
    for i in range(n):
        h = math.tanh(x * h + dh)
        hs = hs + h * h
    return hs + h


def names_loop_variable_d(x, n):
    s = x
    for d in range(n):
        s = s * x + d
    return s * d


def names_loop_variable_dx(x, n):
    s = x
    for dx in range(n):
        ds = s * x
        s = ds + dx * x
    return s


def names_parameter_dout(x, dout):
    y = x * dout
    for i in range(2):
        y = y * dout + x
    return y


def names_numpy(x, dx, hs):
    dh = x * dx
    h = x
    for i in range(3):
        h = np.tanh(h * dh + hs)
        dh = dh + h
    return np.sum(h * dh)


NAME_CASES = [
    *[case(names_like_adjoints, (0.6, 0.9, n), ("x", "dx")) for n in (0, 1, 3)],
    *[case(names_like_saved_lists, (0.6, 0.3, -0.4, n), ("x", "h", "dh")) for n in (0, 1, 3)],
    *[case(names_loop_variable_d, (0.7, n), ("x",)) for n in (1, 3)],
    *[case(names_loop_variable_dx, (0.7, n), ("x",)) for n in (0, 1, 3)],
    case(names_parameter_dout, (0.6, 1.3), ("x", "dout")),
    case(names_parameter_dout, (0.6, 1.3), ("dout",)),
]


@pytest.mark.parametrize("forward, args, wrt", NAME_CASES)
def test_user_names_like_adjoints_and_saved_lists(forward, args, wrt):
    check(forward, *args, wrt=wrt)


def test_numpy_names_like_adjoints():
    r = rng(15)
    check(names_numpy, r.standard_normal(3), r.standard_normal(3), r.standard_normal(3),
          wrt=("x", "dx", "hs"))


# =========================================================================================
# 8. keyword arguments and default values
# =========================================================================================


def with_defaults(x, scale=2.0, n=3):
    y = x
    for i in range(n):
        y = math.sin(y) * scale
    return y + x


def with_defaults_numpy(x, w, scale=0.5, n=2):
    h = x
    for i in range(n):
        h = np.tanh(h @ w) * scale
    return np.sum(h)


@pytest.mark.parametrize("args, kwargs", [
    ((0.4,), {}),
    ((0.4, 1.5), {}),
    ((0.4, 1.5, 5), {}),
    ((0.4,), {"n": 0}),
    ((0.4,), {"n": 1}),
    ((0.4,), {"scale": -0.7}),
    ((), {"x": 0.4, "scale": 1.1, "n": 4}),
    ((), {"n": 2, "x": -0.3}),
])
def test_defaults_and_keywords(args, kwargs):
    g = backgen.backward(with_defaults, wrt=("x", "scale"))
    for _ in range(2):  # the same decorated function, called again
        check(with_defaults, *args, kwargs=kwargs, wrt=("x", "scale"), g=g)
    check(with_defaults, *args, kwargs=kwargs, wrt=("scale",))
    check(with_defaults, *args, kwargs=kwargs, wrt=("x",))


def test_defaults_numpy():
    r = rng(16)
    x, w = r.standard_normal((2, 3)), r.standard_normal((3, 3))
    g = backgen.backward(with_defaults_numpy, wrt=("x", "w"))
    check(with_defaults_numpy, x, w, wrt=("x", "w"), g=g)
    check(with_defaults_numpy, x, w, kwargs={"n": 4}, wrt=("x", "w"), g=g)
    check(with_defaults_numpy, x, w, kwargs={"scale": 1.5}, wrt=("x", "w"), g=g)
    check(with_defaults_numpy, x, w, 0.9, 1, wrt=("w",))


def test_defaults_numpy_zero_iterations():
    r = rng(16)
    x, w = r.standard_normal((2, 3)), r.standard_normal((3, 3))
    check(with_defaults_numpy, x, w, kwargs={"n": 0}, wrt=("x", "w"))


def test_defaults_numpy_float_default_in_wrt():
    r = rng(16)
    x, w = r.standard_normal((2, 3)), r.standard_normal((3, 3))
    check(with_defaults_numpy, x, w, kwargs={"scale": 1.5}, wrt=("x", "w", "scale"))


# =========================================================================================
# 9. constructs still unsupported
# =========================================================================================

# (name, source, line in the dedented source (or the lines allowed), fragment of the message)
UNSUPPORTED = [
    ("recursion", """
        def f(x, n):
            if n > 0:
                return f(x, n - 1) * x
            return x
        """, 3, "recursion"),
    ("recursion through a helper", """
        def f(x):
            return g(x) * 2.0

        def g(x):
            return f(x) + 1.0
        """, (2, 5), "recursion"),  # either call
    ("return in a for loop", """
        def f(x, n):
            for i in range(n):
                x = x * 2.0
                return x
            return x
        """, 4, "return inside a loop"),
    ("generator", """
        def f(x):
            y = x * 2.0
            z = yield y
            return y
        """, 3, "generators"),
    ("bare yield", """
        def f(x):
            y = x * 2.0
            yield y
            return y
        """, 3, None),
    ("def in a loop", """
        def f(x):
            for i in range(2):
                def inner(t, c=x):
                    return t * c
            return inner(x)
        """, 3, "inner() is defined inside a branch or a loop"),
]


UNSUPPORTED_PARAMS = [
    pytest.param(*row, id=row[0])
    for row in UNSUPPORTED
]


@pytest.mark.parametrize("name, text, line, fragment", UNSUPPORTED_PARAMS)
def test_unsupported_constructs_point_at_the_users_line(tmp_path, name, text, line, fragment):
    path = tmp_path / "forward.py"
    path.write_text("import math\n" + textwrap.dedent(text).lstrip("\n"))  # one line above the text
    module = load_module(path)
    lines = path.read_text().splitlines()
    with pytest.raises(BackgenError) as info:
        g = backgen.backward(module.f, wrt=("x",))
        g.backward(1.5, *[2] * (len(inspect.signature(module.f).parameters) - 1))
    error = info.value
    assert isinstance(error, SyntaxError)
    if fragment is not None:
        assert fragment in error.msg
    assert error.filename == str(path)
    allowed = line if isinstance(line, tuple) else (line,)
    assert error.lineno - 1 in allowed, f"{error} points at line {error.lineno}"
    assert error.text.strip() == lines[error.lineno - 1].strip()
    assert f"forward.py:{error.lineno}:" in str(error)


@pytest.mark.parametrize("name, text, line, fragment", UNSUPPORTED_PARAMS)
def test_unsupported_constructs_from_source_text(name, text, line, fragment):
    text = textwrap.dedent(text).lstrip("\n")
    with pytest.raises(BackgenError) as info:
        backgen.generate(text, name="f")
    assert isinstance(info.value, SyntaxError)
    assert info.value.lineno in (line if isinstance(line, tuple) else (line,))
    assert info.value.text.strip() == text.splitlines()[info.value.lineno - 1].strip()


@pytest.mark.parametrize("name, text, fragment", [
    pytest.param(name, text, fragment, id=name)
    for name, text, _, fragment in UNSUPPORTED if name == "recursion"
] + [
    pytest.param("bare yield", next(row[1] for row in UNSUPPORTED if row[0] == "bare yield"), "generator",
                 id="bare yield"),
])
def test_unsupported_constructs_are_named(name, text, fragment):
    text = textwrap.dedent(text).lstrip("\n")
    with pytest.raises(BackgenError) as info:
        backgen.generate(text, name="f")
    assert fragment in info.value.msg


def accumulate_under_a_test(x, y):
    d = 0.0
    if y > 0:
        for i in range(2):
            d = d + x * y
    return d * d


@pytest.mark.parametrize("args", [(0.7, 1.3), (0.7, -1.3), (-0.4, 2.0)])
def test_a_loop_under_a_test_updating_a_constant_start(args):
    # the merged value is the loop's own: no `d = d` line, whose backward would double dd
    check(accumulate_under_a_test, *args, wrt=("x", "y"))
    assert "d = d\n" not in backgen.generate(accumulate_under_a_test)


def negated_tests(x, y):
    if not (x > 0.5):
        y = y * x
    z = math.exp(x) if not (y > 1.0) else y
    return z * y


@pytest.mark.parametrize("args", [(0.2, 0.7), (0.9, 0.7), (0.2, 3.0), (0.9, 3.0)])
def test_not_in_a_test(args):
    check(negated_tests, *args, wrt=("x", "y"))


def loop_variable_reused_after_a_loop_under_a_test(x, c):
    if c > 0:
        for i in range(2):
            x = x * 1.5
    y = x
    for i in range(3):
        y = y + x * i
    return y * i


@pytest.mark.parametrize("args", [(0.7, 1.0), (0.7, -1.0)])
def test_a_loop_variable_set_under_a_test_and_set_again(args):
    check(loop_variable_reused_after_a_loop_under_a_test, *args, wrt=("x", "c"))


# --- a loop adding arrays to a number written as such: total = 0.0; for ...: total += x[i] ---------

def acc_mean_var(x):
    N = x.shape[0]
    mu = 0.0
    for i in range(N):
        mu += x[i]
    mu /= N
    var = 0.0
    for i in range(N):
        var += (x[i] - mu) ** 2
    return np.sum(var / N) + np.sum(mu ** 2)


def acc_product(x, w):
    p = 1.0
    for i in range(x.shape[0]):
        p = p * x[i] + w * np.tanh(x[i])
    return np.sum(p)


def acc_nested(A, v):
    total = 0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            total = total + A[i, j] * v
    return np.sum(np.sin(total))


def acc_read_in_the_loop(x, w):
    s = 0.0
    out = 0.0
    for row in x:
        s = s + row
        out = out + np.sum(s * w)
    return out


@pytest.mark.parametrize("f, args", [
    (acc_mean_var, (np.random.default_rng(1).normal(size=(4, 3)),)),
    (acc_product, (np.random.default_rng(2).normal(size=(3, 4)), 0.6)),
    (acc_nested, (np.random.default_rng(3).normal(size=(2, 3)), np.random.default_rng(4).normal(size=4))),
    (acc_read_in_the_loop, (np.random.default_rng(5).normal(size=(3, 4)), np.random.default_rng(6).normal(size=4))),
], ids=lambda v: getattr(v, "__name__", ""))
def test_arrays_added_in_a_loop_to_a_number_written_as_such(f, args):
    # the number is where the first iteration starts: the loop's value has the arrays' shape
    got = backgen.backward(f).backward(*args)
    got = got if isinstance(got, tuple) else (got,)
    for k, value in enumerate(got):
        np.testing.assert_allclose(value, numeric.gradient(f, list(args), k), rtol=RTOL, atol=ATOL)


def acc_times_a_number(x, w):
    s = 0.0
    for i in range(x.shape[0]):
        s = s * w + x[i]  # s * w is a number in the first iteration, an array in the next
    return np.sum(s ** 2)


@pytest.mark.parametrize("rows", [4, 2])
def test_a_value_the_first_iteration_computes_of_another_shape_has_that_iteration_written_out(rows):
    # s * w is a number in the first iteration and an array after: where the loop runs (0 < stop), its
    # first iteration is written out before it, and what follows is written for each path's shapes
    f = backgen.backward(acc_times_a_number)
    x = np.linspace(-1.0, 1.0, rows * 3).reshape(rows, 3)
    got = f.backward(x, 0.5)
    for k, value in enumerate(got):
        np.testing.assert_allclose(value, numeric.gradient(acc_times_a_number, [x, 0.5], k), rtol=RTOL, atol=ATOL)
    assert "if 0 < x.shape[0]:" in backgen.generate(acc_times_a_number, shapes={"x": "N, 3", "w": ""})


def test_a_loop_header_renamed_keeps_its_target_and_iterable_apart():
    # the header read as one expression made a tuple of the target and a comparison:
    # for (i, x in enumerate(xs)): is no Python
    from backgen.reverse_flow import _rename_text
    assert _rename_text("for i, x in enumerate(xs_1):", "xs_1", "xs") == "for i, x in enumerate(xs):"
    assert _rename_text("for k in range(n_1):", "n_1", "n") == "for k in range(n):"
    assert _rename_text("while a_1 > 0:", "a_1", "a") == "while a > 0:"


@pytest.mark.parametrize("source", [
    "def f(x):\n    for x in range(2):\n        pass\n    return x * 1.0 + 0.5\n",
    "def f(x):\n    i = x * 2.0\n    for i in range(3):\n        pass\n    return i * x\n",
    "def f(x):\n    i = x * 2.0\n    for i in reversed(range(3)):\n        pass\n    return i * x\n",
    "def g(u):\n    for u in range(2):\n        pass\n    return u * 1.0\ndef f(x):\n    return g(x) + x\n",
])
def test_a_counter_over_a_name_holding_a_value_is_the_counter_after_the_loop(source):
    # was the value's gradient: 1.0 for 0, 4.3 for 2 (the counter staged under the value's name)
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    assert generated["f_backward"](1.15) == pytest.approx(numeric.gradient(namespace["f"], [1.15], 0), abs=1e-6)


@pytest.mark.parametrize("jump", ["break", "return s * 2.0", "continue"])
def test_a_jump_ending_the_else_of_an_if_in_a_loop(jump):
    # if c: ... else: ...; break (a return there too, written as a break) was refused: a break was accepted
    # only as the last statement of the if's own body
    source = ("def f(xs, t):\n    s = 0.0\n    for x in xs:\n        if x < t:\n            s += x * t\n"
              f"        else:\n            s -= x\n            {jump}\n        s = s * 1.5\n    return s\n")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    args = [[0.5, 0.2, 3.0, 0.1], 1.5]
    got = generated["f_backward"](*args)
    want = numeric.finite_differences(namespace["f"], args, range(2), (1.0,))
    np.testing.assert_allclose(np.asarray(got[0], dtype=float), want[0], rtol=1e-6, atol=1e-9)
    assert float(got[1]) == pytest.approx(want[1], rel=1e-6)
