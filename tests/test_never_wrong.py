"""Programs that once gave a wrong gradient or crashed: each is now right or refused.

Each case is a forward function, its inputs and upstream gradients.  The
generated backward must match central finite differences (float64), leave
its inputs and upstream gradients untouched, or backgen must refuse the
function with a ``BackgenError`` naming the line.
"""

import functools
import inspect
import math
import sys
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, finite_differences, same_again


def _forward(source, name="f"):
    """The function ``name`` of the module ``source``, as Python runs it."""
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


def run_case(source, args, dout=1.0, name="f", settings=None):
    """The generated gradients and finite differences, or the BackgenError raised.  ``settings``: keyword
    arguments passed to both functions and not differentiated (``k=1``, ``flag=True``)."""
    settings = settings or {}
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = functools.partial(namespace[name], **settings)
    text = backgen.generate(source, name=name)
    same_again(text, lambda: backgen.generate(source, name=name))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    douts = dout if isinstance(dout, tuple) else (dout,)
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    dcopies = [d.copy() if isinstance(d, np.ndarray) else d for d in douts]
    backward = generated[f"{name}_backward"]
    if settings:  # (the upstream gradients by name, after the settings' parameters)
        upstreams = list(inspect.signature(backward).parameters)[-len(dcopies):]
        got = backward(*copies, **settings, **dict(zip(upstreams, dcopies)))
    else:
        got = backward(*copies, *dcopies)
    for before, after in zip(list(args) + list(douts), copies + dcopies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    func_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    want = finite_differences(fresh, func_args, range(len(args)), douts)  # (a forward writing into its inputs)
    got = got if len(args) > 1 else (got,)
    return got, want


def assert_right(source, args, dout=1.0, name="f", settings=None):
    got, want = run_case(source, args, dout, name, settings)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_refused(source, args, match, name="f", settings=None):
    with pytest.raises(backgen.BackgenError, match=match):
        run_case(source, args, name=name, settings=settings)


X = np.arange(12.0).reshape(3, 4) / 10 + 0.1
V3 = np.array([0.5, -0.4, 0.6])


# --- shapes: one shape per value, on every path --------------------------------------

@pytest.mark.parametrize("v", [np.array([0.3, -0.4, 0.9]), np.array([0.3, -0.4, 0.2]),
                               np.array([1.3, -0.4, 0.2]), np.array([0.1, 0.2, 0.7])])
def test_two_conditional_expressions_of_two_shapes_each_are_split_in_turn(v):
    # after the first is written as an if, the second has a copy on each path: each copy is split,
    # where the search for the place found the first copy again and again, and refused
    def dout_for(output):  # (the output's shape is the path's)
        return np.linspace(-1.0, 2.0, np.size(output)).reshape(np.shape(output)) if np.ndim(output) else -0.7

    first = '''
    def f(s: float, v: "3"):
        c = 0.25 if not v[-1] > 0.5 else v
        b = v.max(axis=-1) if np.square(v).mean() > s else v
        return b * c
    '''
    namespace = {"np": np}
    exec(textwrap.dedent(first).replace('"3"', "None"), namespace)
    assert_right(first, [0.2, v], dout=dout_for(namespace["f"](0.2, v)))
    second = '''
    def f(s: float, v: "3"):
        v = v * 1.0
        v[-1] += np.sum(0.25 if not v[-1] > 0.5 else v)
        a, b = np.power(v, 3), v.max(axis=-1) if np.square(v).mean() > s else v
        return a, b - a
    '''
    exec(textwrap.dedent(second).replace('"3"', "None"), namespace)
    assert_right(second, [0.2, v], dout=tuple(map(dout_for, namespace["f"](0.2, v))))


@pytest.mark.parametrize("scale", [1.0, -1.0])
def test_an_op_equals_in_an_if_making_a_value_of_two_shapes_read_nowhere_after_it(scale):
    # s += W in the if makes s (3, 4) on one path and a number on the other; nothing after the if reads
    # s, but an op= anywhere counted as a read after every if, so the merge of s was refused
    assert_right('''
    def f(X: "3, 1", W: "3, 4", s: float):
        X = W[0]
        if np.sum(W) > 1.0:
            W = W * 0.5 + 1.0
            s -= W[-2, -4]
            s += W
        return X, W
    ''', [np.ones((3, 1)), X * scale, 0.3], dout=(np.array([1.0, -2.0, 0.5, 0.2]), X[::-1].copy()))
    assert_right('''
    def f(W: "3, 4", s: float):
        if np.sum(W) > 1.0:
            s += W
            t = s * 2.0
        else:
            t = s
        t += 1.0
        return t * W, W
    ''', [X * scale, 0.3], dout=(X[::-1].copy(), X))


def test_a_loop_value_that_changes_shape_in_its_first_iteration_has_it_written_out():
    # h is (4,) as the loop starts and (3, 4) after its first iteration: that iteration is written out
    # before the loop, which then keeps h's shape
    assert_right('''
    def f(X: "3, 4"):
        h = X[0]
        for i in range(2):
            h = h * 0.5 + X * i + np.sin(h)
        return np.sum(h ** 2)
    ''', [X])
    assert_right('''
    def f(X: "3, 4", v: "4"):
        h = 2.0
        for i in range(4, 0, -2):
            h = h * v          # () to (4,), then (4,) to (3, 4): two iterations written out
            h = h * 0.5 + X[:i - 1]
        return np.sum(h ** 2)
    ''', [X, V3[[0, 1, 2, 0]]], dout=1.5)
    assert_right('''
    def f(X: "3, 4"):
        h = X[0]
        for w in (0.5, 2.0):  # a display: its first item first
            h = h * w + X
        return np.sum(h ** 2)
    ''', [X])


@pytest.mark.parametrize("n", [3, 1, 0])
def test_a_loop_value_that_changes_shape_in_a_loop_that_may_not_run_has_its_first_iteration_guarded(n):
    # range(n): how many iterations, if any, the call decides; where the loop runs (0 < n) its first
    # iteration is written out before it, and what follows is written for each path's shapes
    source = textwrap.dedent('''
    def f(X: "3, 4", n: int):
        h = X[0]
        for i in range(n):
            h = h * 0.5 + X
        return np.sum(h)
    ''')
    text = backgen.generate(source, name="f")
    assert "if 0 < n:" in text
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(text, generated)
    got = generated["f_backward"](X.copy(), n, 1.5)
    want = finite_differences(lambda x: namespace["f"](x, n), [X.copy()], [0], (1.5,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("stop", [0, 1, 2])
def test_a_loop_value_that_changes_shape_in_a_loop_that_breaks_has_its_first_iteration_written_out(stop):
    # the iteration written out goes on to the loop on its path that does not break (refused before:
    # a break was not written out)
    assert_right(f'''
    def f(X: "3, 4"):
        h = X[0]
        for i in range(3):
            if i > {stop}:
                break
            h = h * 0.5 + X
        return np.sum(h)
    ''', [X])


def test_a_while_value_that_changes_shape_in_its_first_iteration_has_it_written_out():
    # n = 0 before it: the loop runs at least once, and that iteration is written out before it (the
    # issue's case gave a (3, 4) gradient for W (3, 1), then was refused)
    assert_right('''
    def f(W: "3, 1", X: "3, 4"):
        h = W
        n = 0
        while n < 2:
            h = h * 0.5 + X * np.sin(h)
            n = n + 1
        return np.sum(h)
    ''', [np.full((3, 1), 0.3), X])


def test_a_loop_bound_written_out_takes_a_name_the_function_does_not_use():
    # range(len(X) - 1) written out under 0 < stop bound its stop to a name free in the loop only: the
    # function's own stop was overwritten (dX[0, 0] = 1.2 for 0.84)
    # (a bound the body changes, m, is read once, as the loop starts)
    source = textwrap.dedent('''
    def f(X: "3, 4", s: float):
        stop = s * 2.0
        h = X[0]
        m = len(X) - 1
        for i in range(m):
            h = h * 0.5 + X * i
            m = 0
        return np.sum(h ** 2) * stop * (m + 1)
    ''')
    assert_right(source, [X, 0.7])
    lines = backgen.generate(source, name="f").splitlines()
    assert len([line for line in lines if line.strip().startswith("stop = ")]) == 1  # (the user's own)
    assert_right(source.replace("m = len(X) - 1", "m = 2").replace("range(m)", "range(len(X) - 1)"), [X, 0.7])


@pytest.mark.parametrize("m", [2, 1, 0])
def test_a_while_not_known_to_run_whose_value_changes_shape_has_its_first_iteration_guarded(m):
    # if n < m: <the body>; while n < m: <the body> -- what follows written for each path's shapes
    source = textwrap.dedent('''
    def f(W: "3, 1", X: "3, 4", m: int):
        h = W
        n = 0
        while n < m:
            h = h * 0.5 + X
            n = n + 1
        return np.sum(h)
    ''')
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    W = np.full((3, 1), 0.3)
    got = generated["f_backward"](W.copy(), X.copy(), m, 1.5)
    want = finite_differences(lambda w, x: namespace["f"](w, x, m), [W.copy(), X.copy()], [0, 1], (1.5,))
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x", [[0.2, -0.2, 0.3], [0.7, -0.2, 0.3]])
def test_a_value_whose_shape_depends_on_the_branch_is_right_on_each_path(x):
    # y is () on one path and (3,) on the other: the return is written into each path, and so the
    # backward takes the path the forward took (at x = [0.2, -0.2, 0.3] it gave [0.5, 0.2, 1.8] for
    # [1, 1.3, 1.6], then was refused)
    source = '''
    def f(x: "3"):
        if x[0] < 0.5:
            y = np.sum(x)
        else:
            y = x * 1.0
        return y * x
    '''
    dout = np.array([1.0, 2.0, 3.0])
    assert_right(source, [np.array(x)], dout=dout)
    if x[0] < 0.5:
        np.testing.assert_allclose(run_case(source, [np.array(x)], dout)[0][0], [1.0, 1.3, 1.6])


def test_branches_with_one_shape_are_right_whichever_is_taken():
    source = '''
    def f(x: "3"):
        if x[0] < 0.5:
            y = x * np.sum(x)
        else:
            y = x * 2.0
        return y * x
    '''
    for x in (np.array([0.2, -0.2, 0.3]), np.array([0.7, -0.2, 0.3])):
        assert_right(source, [x], dout=np.array([1.0, 2.0, 3.0]))


def test_a_while_that_never_ends_does_not_hang_generation():
    text = backgen.generate(textwrap.dedent('''
    def f(x: "3"):
        while np.sum(x) > -1.0:
            x = x * 0.5
        return np.sum(x)
    '''))
    assert "def f_backward" in text


def test_a_local_named_out():
    assert_right('''
    def f(a: float, W: "3, 4"):
        out = np.tanh(a) * 2.0
        return np.sum(out + W)
    ''', [0.3, X])


@pytest.mark.parametrize("expr", ["np.dot(s, np.arange(4.0))", "s @ np.ones(4)", "np.ones(3) @ s",
                                  "s * np.arange(4.0)", "np.outer(np.ones(2), s[0])"])
def test_products_with_constant_arrays(expr):
    assert_right(f'''
    def f(s: "3, 4"):
        return np.sum(np.tanh({expr}))
    ''', [X])


# --- loops and their iterables --------------------------------------------------------

def test_a_loop_iterates_the_value_its_body_rebinds_as_it_started():
    assert_right('''
    def f(s: "3"):
        for r in s:
            s = s + r
        return np.sum(s * s)
    ''', [V3.copy()])
    assert_right('''
    def f(s: "3, 2"):
        s = s * 2.0
        for r in s:
            s = s * r
        return np.sum(s)
    ''', [np.array([[0.5, -0.4], [0.6, 0.7], [1.1, 0.9]])])


# --- writes into arrays --------------------------------------------------------------

def test_repeated_fancy_indices_keep_the_last_write():
    v = np.array([0.7, 0.9])
    for line in ("y[[0, 0]] += v", "y[[0, 0]] = v", "y[[2, 0, 2]] = v[[0, 1, 1]] * 3.0"):
        assert_right(f'''
        def f(x: "3", v: "2"):
            y = x * 1.0
            {line}
            return y
        ''', [V3.copy(), v], dout=np.array([1.0, 2.0, 3.0]))


def test_a_value_broadcast_over_the_part_it_writes():
    assert_right('''
    def f(s: "3, 4"):
        v = s * 1.0
        v[:, 1:3] = np.sum(s, axis=1, keepdims=True)
        return np.sum(v * v)
    ''', [X])
    assert_right('''
    def f(y0: "4, 4", c: "4"):
        y = y0 * 1.0
        y[::2] = c
        return np.sum(y * y)
    ''', [np.full((4, 4), 0.3), np.array([0.1, 0.2, 0.3, 0.4])])
    assert_right('''
    def f(y0: "4, 4", c: float):
        y = y0 * 1.0
        y[1] = c
        return np.sum(y * y)
    ''', [np.full((4, 4), 0.3), 0.7])


# --- aliasing: writes are seen by every name sharing the memory ---------------------

@pytest.mark.parametrize("body", [
    "y = x\n        y[0] = c\n        return np.sum(x * x)",
    "y = x\n        z = y\n        z[0] = c\n        return np.sum(x * y * z)",
    "y = x.copy()\n        y[0] = c\n        return np.sum(x * y)",
    "y = x * 1.0\n        r = y[1:]\n        y[2] = c\n        return np.sum(r * r)",
    # an in-place operator on an alias writes into the array both names hold, as the write h[...] = h + c
    "a = x * 1.0\n        h = a\n        h += c\n        return np.sum(a * h)",
    "a = x * 1.0\n        b = a\n        s = np.sum(a * c)\n        b *= x\n        return s + np.sum(a * b)",
    "a = x * 2.0\n        r = a[1:]\n        b = a\n        b -= c * x\n        return np.sum(r * a[:2]) + np.sum(b)",
])
def test_writes_through_aliases(body):
    assert_right(f'''
    def f(x: "3", c: float):
        {body}
    ''', [V3.copy(), 0.7])


def test_writes_through_basic_views():
    assert_right('''
    def f(X: "3, 4"):
        r = X[0]
        r[1] = 5.0
        return np.sum(X * X)
    ''', [X.copy()])
    assert_right('''
    def f(X: "3, 4", c: float):
        r = X[1:, ::2]
        r[0, 1] = c * 2.0
        return np.sum(X * X) + np.sum(r * X[1:, 1::2])
    ''', [X.copy(), 0.7])


@pytest.mark.parametrize("view", ["X.T", "np.transpose(X)", "X.transpose(1, 0)", "np.swapaxes(X, 1, 0)",
                                  "X[None]", "np.expand_dims(X, 0)"])
def test_writes_through_views_backgen_undoes(view):
    # the write into the view is the array's, given back by the inverse view (X_1 = Y_1.T)
    index = "0, 1, 2" if "None" in view or "expand" in view else "1, 2"
    assert_right(f'''
    def f(X: "3, 4", c: float):
        Y = {view}
        Y[{index}] = c * 2.0
        return np.sum(X * X) + np.sum(Y ** 3)
    ''', [X.copy(), 0.7])
    assert_right(f'''
    def f(X: "3, 4", c: float):
        B = X.copy()
        Y = {view}
        Y *= c
        return np.sum(B * X) + np.sum(np.sin(Y))
    ''', [X.copy(), 0.7])


@pytest.mark.parametrize("body, match", [
    # np.copy keeps the order (K): of X.T it is no C-contiguous array, and its reshape a copy
    ("Y = np.copy(X.T)\n        R = Y.reshape(-1)\n        R[1] = c\n        return np.sum(Y * Y)",
     "the reshape on line 4 gives a view of 'Y' only where it is C-contiguous"),
    # a view of a number (a NumPy number, a float) is a new array: the write leaves the number as it was
    ("y = np.sum(X).copy()\n        r = y.reshape(1)\n        r[0] = r[0] * c\n        return np.sum(y * X)",
     "a new array where it is a number"),
    ("y = np.dot(X[0], X[1])\n        r = np.atleast_1d(y)\n        r[0] = r[0] * c\n        return np.sum(y * X)",
     "a new array where it is a number"),
    ("y = X.max()\n        r = np.expand_dims(y, 0)\n        r[0] = c\n        return np.sum(y * X)",
     "a new array where it is a number"),
    ("r = np.transpose(c)\n        r[...] = 2.0\n        return np.sum(c * X)", "a new array where it is a number"),
])
def test_writes_through_views_that_may_be_copies_are_refused(body, match):
    # each was followed as a view before: y got r's new value back (a gradient of 0 for c in the last)
    assert_refused(f'''
    def f(X: "3, 4", c: float):
        {body}
    ''', [X.copy(), 0.7], match)


@pytest.mark.parametrize("body, match", [
    # (a reshape of X, a view where X is C-contiguous, a copy where not: the backward is written for X
    # C-contiguous and checks it: tests/test_layout_checked.py)
    # (a list made from a display, hs = [h], is made again of h's new value: tests/test_view_hunt.py)
    ("h = X * 1.0\n        hs = []\n        hs.append(h)\n        h[0] = 3.0\n        return np.sum(hs[0] * h)",
     "'hs' shares its memory"),
])
def test_in_place_changes_backgen_cannot_follow_are_refused(body, match):
    x = V3.copy() if body.startswith("h = x") else X.copy()
    name = "x" if body.startswith("h = x") else "X"
    shape = '"3"' if name == "x" else '"3, 4"'
    assert_refused(f'''
    def f({name}: {shape}):
        {body}
    ''', [x], match)


def test_in_place_operators_on_numbers_and_fresh_arrays_are_rebinding():
    assert_right('''
    def f(a: float):
        s = a
        s += 1.0
        return s * a
    ''', [0.3])
    assert_right('''
    def f(x: "3", b: "3"):
        h = x * 2.0
        h += b
        return np.sum(h * h)
    ''', [V3.copy(), V3 * 2])
    assert_right('''
    def f(y: "3"):
        s = y[0]
        s *= s
        return s * np.sum(y)
    ''', [V3.copy()])


# --- edge values and upstream gradients ------------------------------------------------

@pytest.mark.parametrize("axis", ["None", "0", "1", "-1", "(0, 1)"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod_is_right_where_an_element_is_zero(axis, keepdims):
    x = np.array([[0.0, 1.5, 2.0, 0.7], [0.3, 0.0, 0.0, 1.1], [0.5, 0.6, 0.8, 0.9]])
    assert_right(f'''
    def f(x: "3, 4"):
        return np.sum(np.prod(x, axis={axis}, keepdims={keepdims}) * 1.5)
    ''', [x])


def test_prod_of_a_vector_with_a_zero():
    assert_right('''
    def f(x: "3"):
        return np.prod(x)
    ''', [np.array([0.0, 1.5, 2.0])])


def test_a_zeroth_power_at_zero():
    assert_right('''
    def f(y: float):
        return y ** 0 + y
    ''', [0.0])
    assert_right('''
    def f(y: "3"):
        return np.sum(y ** 0 + y)
    ''', [np.array([0.0, 1.0, 2.0])])


def test_a_power_whose_exponent_may_be_zero_at_zero():
    # d(x ** k)/dx is 0 where k is 0, at x = 0 too: k * x ** (k - 1) was nan there (0 * inf) in NumPy
    # code and raised ZeroDivisionError in Python
    assert_right('''
    def f(x: "2"):
        s = 0.0
        for k in range(3):
            s = s + np.sum(x ** k)
        return s
    ''', [np.array([0.0, 1.0])])
    assert_right('''
    def f(x: "2"):
        return np.sum(x[:, None] ** np.arange(3)) + np.sum(np.power(x, np.array([0.0, 2.5])))
    ''', [np.array([0.0, 1.0])])
    assert_right('''
    def f(x):
        return sum(x ** k for k in range(3)) + sum(pow(x, k) + math.pow(x, k) for k in range(2))
    ''', [0.0])
    namespace = {}
    exec(backgen.generate("def f(x, n: int):\n    return x ** n\n"), namespace)
    assert [namespace["f_backward"](0.0, n) for n in (0, 1, 2)] == [0.0, 1.0, 0.0]
    assert_right('''
    def f(x, p):
        return x ** p
    ''', [1.5, 0.0])
    assert "(2 * x) * dout" in backgen.generate("def f(x):\n    return x ** 2\n")


@pytest.mark.parametrize("point", [(0.0, 0.0, 0.0), (1.0, 2.0, 0.0), (0.3, -0.4, 1.2)])
def test_hypot_of_other_than_two_numbers_and_dist_at_zero_length(point):
    # the gradient at a length of 0 is 0, as for math.hypot of two: the square root they were read as
    # (math.sqrt(x * x + y * y + z * z)) raised ZeroDivisionError there
    assert_right('''
    def f(x, y, z):
        return math.hypot(x, y, z) + math.dist((x, y), (1.0, 2.0)) + math.hypot(z) + math.dist([x, y, z], [0.0, 0.0, 0.0])
    ''', list(point))


@pytest.mark.parametrize("singular", ["math.cbrt(y)", "y ** (1 / 3)", "math.sqrt(y * y + 0.0) ** 0.5 * 0.0 + math.cbrt(y)",
                                      "math.asin(y * y - 1.0)", "math.acos(1.0 - y * y)", "math.atan2(y, y)"])
def test_a_singular_value_read_on_another_path_only_gives_zero_where_it_is_infinite(singular):
    # t read in one branch only: on the other the gradient of t is 0, and its rule divided by zero at
    # y = 0 (math.cbrt's 1 / (3 * t ** 2), ZeroDivisionError) where the true gradient is 0
    for args in ([-1.0, 0.0], [0.7, 0.3]):
        assert_right(f'''
        def f(x, y):
            t = {singular}
            if x > 0:
                return x + t
            return x * 2.0
        ''', args)
    assert_right('''
    def f(x, y):
        return max(x, math.cbrt(y)) + (0.5 if x > 0.0 else math.cbrt(y) * x)
    ''', [1.0, 0.0])


@pytest.mark.parametrize("signature", ['x: "3", s: float', "x, s"])
def test_a_singular_number_of_math_in_numpy_code_read_in_one_branch(signature):
    # t = math.cbrt(s) read in the branch not taken: dt / (3 * t ** 2) raised ZeroDivisionError at s = 0
    for s in (0.0, 4.0):
        assert_right(f'''
        def f({signature}):
            t = math.cbrt(s)
            if s > 1:
                return np.sum(x) * t
            return np.sum(x * 2.0)
        ''', [V3.copy(), s])


def test_a_singular_value_carried_by_a_loop_and_read_in_a_branch():
    # the loop carries t out under its own name; the branch reading it is not taken: 0, not a division
    # by zero at y = 0
    for args in ([-1.0, 0.0], [0.5, 0.4]):
        assert_right('''
        def f(x, y):
            t = 0.5
            for i in range(2):
                t = t + math.cbrt(y)
            if x > 0:
                return t * x
            return x
        ''', args)
    # a loop writing over it without reading it: its gradient is 0 where the loop runs
    assert_right('''
    def f(x, y):
        t = math.cbrt(y) + math.atan2(y, y)
        k = 0
        while k < 2:
            t = x * 2.0
            k += 1
        return t + x
    ''', [0.5, 0.0])


@pytest.mark.parametrize("call", ['np.reshape(x, -1, "F")', 'np.reshape(x, (3, 2), order="F")', 'x.reshape(6, order="F")',
                                  'np.ravel(x, "F")', 'x.ravel("F")', 'x.flatten("F")'])
def test_a_reshape_in_fortran_order_is_read_in_that_order(call):
    # np.reshape(x, -1, "F") took "F" for a dimension of the new shape: the gradient came back in C order
    # (then refused; now read as the reshape in C order of x.T it is)
    assert_right(f'''
    def f(x: "2, 3"):
        return np.sum(np.ravel({call}) * np.arange(6.0))
    ''', [X[:2, :3].copy()])


@pytest.mark.parametrize("call", ['x.flatten(order="A")', 'np.reshape(x, s, order="F")'])
def test_a_reshape_in_order_a_or_of_a_shape_not_written_out_in_order_f_is_refused(call):
    assert_refused(f'''
    def f(x: "2, 3"):
        s = (3, 2)
        return np.sum({call} * np.arange(6.0))
    ''', [X[:2, :3].copy()], "in order 'F'|in order 'A'")


@pytest.mark.parametrize("call", ['np.reshape(x, (6, 2), "C")', 'np.ravel(x, "C")', 'np.sum(x, 1, None, None, True)',
                                  'np.sum(x, 1, "f8")', 'x.sum(1, float, None, True)', 'np.mean(x, 0, None, None, True)',
                                  'np.max(x, 1, None, True)', 'x.min(0, None, True)', 'np.std(x, 1, None, None, 1)',
                                  'x.var(1, None, None, 1, True)', 'np.prod(x, 1, None, None, True)',
                                  'np.cumsum(x, 1, None)', 'np.log(np.sum(np.exp(x), 1, None, None, True))'])
def test_settings_written_by_position_bind_as_numpy_binds_them(call):
    # NumPy's third parameter of np.sum is dtype (of np.max out): it was read as keepdims (np.std's as
    # ddof), so that np.sum(x, 1, "f8") kept the dims in its gradient and np.sum(x, 1, None, None, True)
    # was refused
    assert_right(f'''
    def f(x: "3, 4"):
        return np.sum(np.sin({call}) * np.arange(1.0, 1.0 + np.size({call})).reshape(np.shape({call})))
    ''', [X.copy()])


@pytest.mark.parametrize("call, match", [("np.sum(x, dtype=int)", "dtype=int"), ("np.cumsum(x, 0, np.int64)", "dtype"),
                                         ("np.mean(x, 0, None, out)", "out=out")])
def test_an_integer_dtype_or_an_out_array_is_refused(call, match):
    assert_refused(f'''
    def f(x: "3, 4"):
        out = np.zeros(4)
        return np.sum({call} * x)
    ''', [X.copy()], match)


@pytest.mark.parametrize("call", ["np.einsum(x, [0, 1], [1])", "np.einsum(x, [0, 1])", "np.einsum(x, (1, 0), (0,))",
                                  "np.einsum(x, [0, 1], x, [1, 2], [0, 2])", "np.einsum(x, [0, 1], x * 2.0, [2, 1])",
                                  "np.einsum(x, [..., 1], [...])", "np.einsum(x, [30, 2])"])
def test_einsum_with_lists_of_axes(call):
    # np.einsum(x, [0, 1], [1]) took x for its subscripts: the result was a constant, its gradient zero
    assert_right(f'''
    def f(x: "2, 2"):
        return np.sum({call} ** 2)
    ''', [np.array([[1.0, 2.0], [3.0, 4.0]])])


def test_einsum_with_lists_of_axes_not_written_out_is_refused():
    assert_refused('''
    def f(x: "2, 2"):
        axes = [0, 1]
        return np.sum(np.einsum(x, axes, [1]) ** 2)
    ''', [np.array([[1.0, 2.0], [3.0, 4.0]])], "np.einsum with lists of axes")


@pytest.mark.parametrize("source, matrix", [
    ("return np.linalg.eigh(x)[0][-1]", np.diag([1.0, 1.0, 3.0])),
    ("w, v = np.linalg.eigh(x)\n        return np.sum(w ** 3)", np.diag([2.0, 2.0, 2.0])),
    ("return np.sum(np.linalg.svd(x, full_matrices=False)[1])", np.eye(3)),
    ("u, s, vt = np.linalg.svd(x, full_matrices=False)\n        return np.sum(s ** 2) + np.sum(s)",
     np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]])),
])
def test_eigenvalues_or_singular_values_alone_where_they_repeat(source, matrix):
    # the gradient of the values alone needs no 1 / (w[j] - w[i]): it was nan wherever two were equal
    assert_right(f'''
    def f(x: "3, 3"):
        {source}
    ''', [matrix])


@pytest.mark.parametrize("shape, matrix", [
    ("2, 2", np.array([[1.0, 2.0], [2.0, 4.0]])), ("3, 3", np.arange(1.0, 10.0).reshape(3, 3)), ("3, 3", np.zeros((3, 3))),
    ("2, 3, 3", np.stack([np.eye(3), np.ones((3, 3))])), ("3, 3", np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])),
])
def test_the_determinant_of_a_singular_matrix_has_its_cofactors_for_gradient(shape, matrix):
    # the gradient was det(a) inv(a).T, and np.linalg.inv raised LinAlgError where a is singular
    assert_right(f'''
    def f(x: "{shape}"):
        return np.sum(np.linalg.det(x) * np.arange(1.0, 1.0 + np.size(np.linalg.det(x))).reshape(np.shape(np.linalg.det(x))))
    ''', [matrix])
    namespace = {}
    exec(backgen.generate("import numpy as np\n\ndef f(x):\n    return np.linalg.det(x)\n"), namespace)
    np.testing.assert_allclose(namespace["f_backward"](np.array([[1.0, 2.0], [2.0, 4.0]]), 1.0), [[4.0, -2.0], [-2.0, 1.0]])


def test_an_output_returned_twice_leaves_the_upstream_gradients_alone():
    assert_right('''
    def f(h: "3"):
        q = np.exp(h)
        return q, q
    ''', [V3.copy()], dout=(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 1.0])))


# --- scalar control flow and printing --------------------------------------------------

def test_a_value_read_by_a_break_test_after_the_loop_updated_it():
    assert_right('''
    def f(s):
        for j in range(3):
            acc = s
            s = s * 3.0
            if acc > 1.0:
                break
        return s
    ''', [0.5])


def test_a_value_set_in_nested_branches_then_updated_in_a_loop():
    source = '''
    def f(b, c):
        if b > 5:
            return 0.5
        if c > 0:
            p = 2.0
        else:
            p = b
        for i in range(1):
            p += b
        return b * p
    '''
    assert_right(source, [1.5, -1.0])
    assert_right(source, [1.5, 1.0])


def test_a_constant_conditional_expression_keeps_its_parentheses():
    assert_right('''
    def f(b):
        r = math.e if math.pi < 2 else 2.0
        return 1.0 / (b - (1.0 + r))
    ''', [1.5])


def test_long_lines_are_printed_whole():
    names = ", ".join(f"parameter_with_a_long_name_{k}" for k in range(6))
    total = " + ".join(f"parameter_with_a_long_name_{k} * parameter_with_a_long_name_{k + 1}" for k in range(5))
    source = f'''
    def f({names}):
        if parameter_with_a_long_name_0 > 0:
            value = {total}
        else:
            value = {total} * 2.0
        return value * value
    '''
    text = backgen.generate(textwrap.dedent(source))
    compile(text, "<generated>", "exec")
    assert_right(source, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


def test_a_slice_of_a_list_of_numbers_iterated():
    # v[1:] read item by item made v a list of lists: its gradient was built as
    # [[0.0 * v for v in row] for row in v], and the backward raised "'float' object is not iterable"
    assert_right('''
    def f(x, y):
        v = [x, y, x * y]
        return sum(t * t for t in v[1:]) + v[0]
    ''', [0.7, -0.4])
    assert_right('''
    def f(xs, w):
        ys = [x * w for x in xs]
        s = 0.0
        for t in ys[1:]:
            s = s + t * t
        return s + ys[0]
    ''', [[0.5, 0.3, 1.1], 0.8])


@pytest.mark.parametrize("total", ["sum(v[1:]) * sum(v[::-2])", "sum(v, 1.5) * y", "sum([x, y], x * y)",
                                   "sum(v[:-1], start=y)", "sum((t * t for t in v), x)"])
def test_the_builtin_sum_of_a_slice_or_with_a_start(total):
    # sum(v[1:]) and sum(xs, start) were refused as "sum has no derivative rule in backgen"
    assert_right(f'''
    def f(x, y):
        v = [x, y, x * y]
        return {total}
    ''', [0.7, -0.4])


@pytest.mark.parametrize("body", ["return c if 0.5 < c < math.log(x) else x",
                                  "m = 0.5 < c < math.sqrt(x)\n    return x * 2.0 if m else c * x"])
def test_a_chained_comparison_computes_its_later_operands_only_where_the_first_pair_holds(body):
    # 0.5 < c < math.log(x) was staged computing math.log(x) first: at x = -1 (0.5 < c false, the
    # forward never takes the log) the backward raised ValueError: math domain error
    for args in ([-1.0, 0.1], [4.0, 0.9], [4.0, 0.7]):
        assert_right(f"def f(x, c):\n    {body}\n", args)


def test_a_value_named_dx_is_an_output_where_another_return_gives_an_expression_in_its_place():
    # return z, dx at the end was read as a loss and the user's own gradient of x, and the second value
    # of every return left out, the early return's dx ** 2 too: the backward had one dout, and
    # f_backward(x, z, 1.0, 1.0) raised TypeError
    source = '''
    def f(x, z):
        dx = x * 3.0
        if z > 1.0:
            return z * x, dx ** 2
        return z, dx
    '''
    assert_right(source, [0.7, 1.5], dout=(1.3, -0.6))
    assert_right(source, [0.7, 0.5], dout=(1.3, -0.6))


# --- helpers ----------------------------------------------------------------------------

def test_a_helper_called_only_in_a_test_is_in_the_module():
    source = '''
    def g(t):
        return t * 2.0

    def f(x):
        if g(x) > 0:
            return x * x
        while g(x) < -1.0:
            x = x * 0.5
        return x
    '''
    assert_right(source, [0.3])
    assert_right(source, [-0.3])


def test_a_helper_named_like_the_generated_backward_is_not_replaced():
    source = textwrap.dedent('''
    def f_backward(t):
        return t * 2.0

    def f(x):
        return f_backward(x) * x
    ''')
    namespace = {}
    exec(backgen.generate(source, name="f"), namespace)
    assert namespace["f_backward"](0.3) == 0.6  # the user's function
    assert namespace["f_backward2"](0.3) == pytest.approx(1.2)  # d/dx 2x^2


# --- sharing found by fuzzing -------------------------------------------------------------

@pytest.mark.parametrize("source, args, match", [
    ('''
    def f(s: float, W: "2, 3"):
        for row in W.T.reshape(2, 3):
            row += np.cosh(row)
        return np.sum(W * s)
    ''', [1.2, np.array([[1.13, 0.2, 0.47], [-0.3, -0.45, 0.8]])], "gives a view of its array only where it is "
         "C-contiguous"),
])  # (a = np.swapaxes(X, 0, 1) before a loop writing into X, read after it: followed, test_aliasing_more; the
# items of W.T written into, W read after the loop: followed, test_alias_precision; W of (3, 1) reshaped
# to (1, 3), a view of any array: followed, test_reshape_layout; of W.reshape(2, 3), the code is written
# for W C-contiguous, which it checks: test_layout_checked)
def test_sharing_backgen_cannot_follow_is_refused(source, args, match):
    assert_refused(source, args, match)


@pytest.mark.parametrize("call", ["relu_(x @ W)", "relu_(x @ W + 0.0)", "relu_(np.dot(x, W).copy())"])
def test_a_helper_may_write_into_a_new_array_its_caller_passes(call):
    """The caller computes the argument for the call alone: nothing but the helper sees the array."""
    assert_right(f'''
    def relu_(h):
        h[h < 0] = 0.0
        h *= 2.0
        return h

    def f(x: "4, 3", W: "3, 5"):
        a = {call}
        return np.sum(a * np.tanh(a))
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


@pytest.mark.parametrize("body", [
    "z = x @ W\n        a = relu_(z)\n        return np.sum(a * z)",  # z is read after the call
    "a = relu_(x[0:2] @ W)\n        b = relu_(x)\n        return np.sum(a) + np.sum(b * x)",  # x: the caller's
    "z = x @ W\n        a = relu_(z[1:3])\n        return np.sum(a * z[0:2])",  # a view of z, read again
    "z = x @ W\n        relu_(z)\n        return np.sum(z * z)",  # called for what it writes
    "z = x @ W\n        z2 = z\n        a = relu_(h=z2, scale=0.5)\n        return np.sum(a * z)",  # by keyword
])
def test_a_helper_writing_into_an_array_its_caller_holds_is_written_into_the_caller(body):
    # the helper's body written where it is called (h_relu = z; h_relu[h_relu < 0] = 0.0; a = h_relu): the
    # write is into the caller's array, as NumPy has it, which the caller's names then see
    assert_right(f'''
    def relu_(h, scale=1.0):
        h[h < 0] = 0.0
        h *= scale
        return h

    def f(x: "4, 3", W: "3, 5"):
        {body}
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


@pytest.mark.parametrize("bound", ["len(a) // 2", "n", "a.shape[0] - n"])
def test_a_write_into_a_slice_a_helper_returns_is_followed_into_the_caller(bound):
    # h = first_half(y) is a view of y (a slice, whatever its bounds: a basic index): h *= 3.0 writes into
    # y, read after; the helper is written where it is called
    assert_right(f'''
    def first_half(a, n=2):
        return a[:{bound}]

    def f(x: "6"):
        y = x.copy()
        h = first_half(y)
        h *= 3.0
        return np.sum(y ** 2) + np.sum(h)
    ''', [np.linspace(-1.0, 1.0, 6) + 0.1])


def test_a_helper_writing_into_both_its_parameters_given_one_array_is_written_into_the_caller():
    assert_right('''
    def step(p, q):
        p /= 1.0 + q * q
        return q.std()

    def f(W: "3, 4"):
        return step(W, W)
    ''', [np.arange(12.0).reshape(3, 4) / 10])


@pytest.mark.parametrize("body", ["u[0] = u[1] * 2.0\n        return u", "return u.sum()"])
def test_a_helper_reading_its_parameter_after_writing_into_a_view_of_it_is_written_into_its_caller(body):
    # t = u[1:]; t *= 1.5 writes into the caller's array, and u read after it was refused in the helper
    # (u may have been changed by the write into t) before its write into a parameter was seen
    assert_right(f'''
    def g(u):
        t = u[1:]
        t *= 1.5
        {body}

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        s = g(z)
        return np.sum(z ** 2) + np.sum(s)
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


@pytest.mark.parametrize("call", ["g(z)", "g(z, k=-0.5)"])
def test_a_helper_with_a_negative_default_is_written_into_its_caller(call):
    # k=-1.0 is -(1.0) to ast, not a constant: the helper was refused as one whose calls cannot be
    # written out
    assert_right(f'''
    def g(u, k=-1.0):
        u[0] *= k
        return u

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        {call}
        return np.sum(z ** 2)
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


def test_a_loop_over_an_array_its_body_writes_into_reads_each_item_as_it_then_is():
    # for row in w: w[...] = 0.5 writes into w, which the loop iterates: Python reads w[i] as iteration i
    # starts, after the writes of those before (refused before)
    assert_right('''
    def f(s: float, w: "3"):
        for row in w:
            w[[2, 0, 2]] = 0.5
            s *= row
        return s * np.sum(w)
    ''', [1.15, np.array([0.3, -0.63, -0.33])])


def test_a_helper_written_out_in_a_loop_writing_into_its_argument():
    # its parameter (u_g1, a name of each iteration) is bound anew before it is read: the previous
    # iteration's is read nowhere (refused before, as a value the next iteration's write changes)
    rng = np.random.default_rng(4)
    source = '''
    def g(u, i):
        u[i] = u[i] ** 2
        return u

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        for i in range(4):
            if i % 2 == 0:
                g(z, i)
            else:
                z = g(z * 1.0, 0)
        return np.sum(z ** 2)
    '''
    assert_right(source, [rng.normal(size=(4, 3)) * 0.5, rng.normal(size=(3, 5)) * 0.5])


def test_a_helper_written_into_its_caller_reads_its_modules_numbers(tmp_path):
    # SCALE, a number of the helper's module, is the helper's where its body is written into the
    # caller (refused before as a global the function does not know); a caller whose module gives the
    # name another number is refused
    from conftest import load_module
    from numeric import gradient

    (tmp_path / "scaling.py").write_text(
        "SCALE = 0.5\n\ndef scale_(h):\n    h[0] *= SCALE\n    return h\n")
    (tmp_path / "scaled.py").write_text(
        "import numpy as np\nfrom scaling import scale_\n\nSCALE = 4.0\n\n"
        "def f(x: '4, 3', W: '3, 5'):\n    z = x @ W\n    scale_(z)\n    return np.sum(z ** 2)\n\n"
        "def g(x: '4, 3', W: '3, 5'):\n    z = x @ W\n    scale_(z)\n    return np.sum(z ** 2) * SCALE\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = load_module(tmp_path / "scaled.py")
    finally:
        sys.path.remove(str(tmp_path))
    x, W = np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)
    namespace = {}
    exec(backgen.generate(module.f), namespace)
    dx, dW = namespace["f_backward"](x, W)
    fresh = lambda a, b: module.f(a.copy(), b.copy())  # noqa: E731
    np.testing.assert_allclose(dx, gradient(fresh, [x, W], 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dW, gradient(fresh, [x, W], 1), rtol=1e-5, atol=1e-6)
    with pytest.raises(backgen.BackgenError, match="writes into the array passed as the parameter 'h'"):
        backgen.generate(module.g)


def test_a_helper_writing_into_the_array_it_is_given_by_name_is_written_with_that_name():
    # u is z where the call gives it z and the helper never binds u again: z[0] *= 0.5 in the loop, its
    # gradient dz, where u_g = z, a second name of z's array, kept over iterations, was refused
    source = '''
    def g(u):
        u[0] *= 0.5
        return u

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        for i in range(3):
            g(z)
            z = z * 1.1 + 0.2
        return np.sum(z ** 2)
    '''
    assert_right(source, [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert "u_g" not in text and "z[0] = " in text


@pytest.mark.parametrize("test", ["np.sum(W) < 0", "np.sum(W) > 0"])
def test_helper_calls_standing_alone_in_two_ifs_not_taken_are_written_out(test):
    # each call standing alone is staged as an assignment of its own unused name: one name for both was
    # unbound after the two ifs where neither was taken, and the function was refused
    assert_right(f'''
    def g(u):
        u[0] = 0.0
        return u * 2.0

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        if {test}:
            g(z)
        if {test}:
            g(z)
        return np.sum(z ** 2)
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


def test_a_helper_writing_into_the_array_of_an_op_equals_target_reads_the_target_before_the_call():
    # z[0] += g(z) reads z[0] before g runs (a number, a copy): g's write into z[0] is then lost, where the
    # body written before z[0] += ... had it read after the write (the gradient through u[1] * 5.0 counted)
    source = '''
    def g(u):
        u[0] = u[1] * 5.0
        return u[2]

    def f(x: "4, 3", W: "3, 5"):
        z = (x @ W)[0] * 1.0
        z[0] += g(z)
        return np.sum(z ** 2)
    '''
    args = [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)]
    try:
        got, want = run_case(source, args)
    except backgen.BackgenError:
        return
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("helper, call", [
    ("def relu_(h):\n        h[h < 0] = 0.0\n        return h", "a = z * 2.0 if z[1, 1] > 0.0 else relu_(z)"),
])  # (a call on one branch of an expression; one returning before its end is written out: test_loss_zoo_hunt)
def test_a_helper_writing_into_an_array_its_caller_holds_is_refused_where_it_cannot_be_written_out(helper, call):
    assert_refused(f'''
    {helper}

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        {call}
        return np.sum(a * z)
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)],
        "writes into the array passed as the parameter 'h'")


def test_a_helper_writing_into_an_array_its_caller_holds_called_inside_an_expression_is_written_out():
    assert_right('''
    def relu_(h):
        h[h < 0] = 0.0
        return h

    def f(x: "4, 3", W: "3, 5"):
        z = x @ W
        a = 1.0 + relu_(z)
        return np.sum(a * z)
    ''', [np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


def test_a_helper_may_rebind_its_number_parameters():
    assert_right('''
    def step(p, q):
        p /= 1.0 + q * q
        return p * q

    def f(a: float, b: float):
        return step(a, b)
    ''', [0.3, 0.7])


def test_a_fancy_read_returned_twice():
    assert_right('''
    def f(X: "1, 4"):
        a = X[[0, 0, 0, 0]]
        return a, a
    ''', [np.array([[-0.74, -0.37, 0.69, 0.64]])], dout=(np.ones((4, 4)), np.full((4, 4), 2.0)))


def test_indexing_constant_arrays_keeps_their_meaning():
    assert_right('''
    def f(s: float):
        a = np.ones(4) * 2.0
        a -= a[:4]
        return s * np.sum(a[1:2][[0, 0]] + 1.0)
    ''', [1.16])
    assert_right('''
    def f(s: float):
        return s * np.sum((np.arange(4.0) - np.ones(4))[1:3])
    ''', [1.16])


def test_a_fancy_index_by_a_list_names_its_value_plainly():
    assert_right('''
    def f(X: "1, 4"):
        a = np.sin(X)
        b = a[[0]] ** 3 * np.minimum(a, -0.2).reshape(-1, 1)
        return np.max(b)
    ''', [np.array([[0.36, 0.9, 1.1, 0.62]])])


@pytest.mark.parametrize("source, args, match", [
    ('''
    def f(X: "3, 4"):
        X = X * 0.9 + X
        k = 0
        while k < 3:
            k = k + 1
            X[0] += X.mean()
            a = X
        a[:, ::-1] += a
        return a * np.where(a > 0.5, a, X)
    ''', [np.arange(12.0).reshape(3, 4) / 10], "may have been changed"),
    ('''
    def f(v: "3"):
        hs = []
        for i in range(3):
            v[i] -= np.max(v)
            hs.append(v)
        return np.stack(hs)
    ''', [np.array([0.5, 0.6, 0.9])], "kept in a list"),
])
def test_sharing_through_branches_loops_and_calls_is_refused(source, args, match):
    assert_refused(source, args, match)


def test_a_loop_that_only_swaps_values():
    assert_right('''
    def f(p):
        a = p * 3.0
        for i in range(1):
            p, a = a, p
        return a * a
    ''', [1.3])
    assert_right('''
    def f(p):
        a = p * 3.0
        for i in range(3):
            p, a = a, p
        return a * p * p
    ''', [1.3])


def test_a_value_renamed_by_a_loop_keeps_its_exact_shape():
    assert_right('''
    def f(v: "4", u: "4"):
        for i in range(3):
            v = np.repeat(u, 2, axis=0) * v[0]
        return v[1::2]
    ''', [V3[[0, 1, 2, 0]] + 1.0, V3[[2, 1, 0, 1]]], dout=np.array([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize("X", [[[0.57], [0.91], [-0.48]], [[0.57], [0.91], [0.48]]])  # either path
def test_writes_through_a_view_of_a_pick_have_what_follows_the_pick_written_into_each_path(X):
    # a is a view of X (X either way) through the pick: refused as sharing X's memory on some paths only;
    # now the statement is written as the if it stands for, what follows into each path
    # (a = X[::-1]; a += X[i] in a loop, a bound anew in each iteration: followed, test_alias_precision)
    assert_right('''
    def f(X: "3, 1"):
        a = (X if np.sum(X) > 1.2 else X)[1::2, :1]
        a += 1.0
        X += 0.5
        return a ** 2
    ''', [np.array(X)], dout=np.array([[0.7]]))


def test_a_helper_whose_loop_breaks_with_a_new_value():
    assert_right('''
    def step(p):
        k = 0
        while k < 1:
            k = k + 1
            a = math.tanh(p)
            if math.log(p * p + 1.0, 2.0) > -0.7:
                break
        return math.pow(a * a + 0.5, p)

    def f(x):
        return step(x * 3.0) * x
    ''', [0.4])


def test_a_fancy_write_of_a_value_overlapping_its_target_is_refused():
    assert_refused('''
    def f(v: "4"):
        a = v[::-1]
        a[a > -0.3] = v
        return a * a
    ''', [np.array([1.19, 1.03, 1.02, 0.95])], "shares memory with 'a', and a fancy index writes element")
    assert_right('''
    def f(v: "4"):
        v = v * 1.0
        a = v[::-1]
        a[:] = v
        return a * a
    ''', [np.array([1.19, 1.03, 1.02, 0.95])], dout=np.array([1.0, 2.0, 3.0, 4.0]))


def test_a_helper_in_a_test_that_writes_into_its_argument_is_written_out_before_the_test():
    assert_right('''
    def step(p, q):
        a = q
        a += q
        return a * p

    def f(X: "3, 1"):
        if step(X, X).mean() > 0.7:
            return X * 2.0
        return X * 3.0
    ''', [np.array([[0.5], [0.6], [0.2]])], dout=np.array([[1.0], [2.0], [3.0]]))


def test_adding_lists_joins_them():
    assert_right('''
    def f(x: "3", y: "3"):
        a = [x]
        a = a + [y * 2.0]
        return a[0] * a[1]
    ''', [V3.copy(), V3 * 3.0], dout=np.array([1.0, 2.0, 3.0]))
    assert_refused('''
    def f(x: "3", y: "3"):
        a = [x]
        b = [y]
        return (a + b)[1] * 2.0
    ''', [V3.copy(), V3 * 3.0], "adding lists joins them")


def test_a_number_read_from_an_array_is_a_copy_a_row_is_a_view():
    assert_right('''
    def f(v: "4"):
        v = v * 1.0
        a = v
        b = v[-3]
        a[-3] = np.sum(a * a)
        return np.sum(a) * b
    ''', [np.array([0.5, 0.6, 0.7, 0.9])])
    assert_right('''
    def f(X: "3, 4"):
        X = X * 1.0
        b = X[1]
        X[1, 2] = 5.0
        return np.sum(b * b)
    ''', [np.arange(12.0).reshape(3, 4) / 10])  # (b a row: it sees the write, read again as X_1[1])


def test_an_in_place_operator_on_a_view_is_the_write_it_is():
    # a += ... writes into X through the view a (refused before: now the write a[...] = a + ...)
    assert_right('''
    def f(X: "3, 4"):
        X = X * 1.0
        a = X[::-1]
        a += X + a
        X[:2] = 0.5
        return a * 2.0
    ''', [np.arange(12.0).reshape(3, 4) / 10], dout=np.arange(12.0).reshape(3, 4) - 4)


def test_a_column_of_an_array_of_constants_written_in_a_loop_is_followed():
    # (refused once: the constant array the loop writes into is now staged as the loop starts, and carried)
    assert_right('''
    def f(X: "3, 4"):
        s = np.ones((3, 4)) * 0.5
        for i in range(3):
            a = s[:, 0]
            a *= np.sum(X)
        return a
    ''', [np.arange(12.0).reshape(3, 4) / 10], dout=np.array([0.3, -0.5, 0.8]))


@pytest.mark.parametrize("body", [
    "v = np.full_like(x, s * 2.0)\n    return np.sum(v * x)",
    "v = np.arange(s, s + 3.0)\n    return np.sum(v * x)",
])
def test_a_constructor_filled_with_a_differentiated_value_is_refused(body):
    # its numbers are the value's: the gradient is not zero, and backgen writes none
    with pytest.raises(backgen.BackgenError, match="building a value this way") as info:
        backgen.generate("import numpy as np\n\ndef f(x, s):\n    " + body + "\n", shapes={"x": "3", "s": float})
    assert (info.value.lineno, info.value.offset) == (4, 5)


@pytest.mark.parametrize("body", [
    "v = np.linspace(0.0, s, 3)\n    return np.sum(v * x)",
    "v = np.linspace(start=s, stop=2.0, num=3)\n    return np.sum(v * x)",
    "v = np.linspace(s, 2.0 * s, 4, endpoint=False)\n    return np.sum(v[:3] ** 2 * x)",
    "v = np.linspace(x, s, 5)\n    return np.sum(np.sin(v) * np.arange(5.0)[:, None])",
])
def test_points_between_differentiated_end_points_carry_their_gradients(body):
    # np.linspace(a, b, n) is a + t (b - a) at n points t from 0 to 1 (of numbers, or of arrays along a first
    # axis): its numbers are the end points', refused before ("building a value this way")
    source = "import numpy as np\n\ndef f(x, s):\n    " + body + "\n"
    namespace = {}
    exec(source, namespace)
    want = finite_differences(namespace["f"], [V3.copy(), 0.7], range(2), (1.0,))
    for shapes in ({"x": "3", "s": float}, None):
        generated = {}
        exec(backgen.generate(source, shapes=shapes), generated)
        for g, w in zip(generated["f_backward"](V3.copy(), 0.7), want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
            assert np.shape(g) == np.shape(w)


def test_a_constructor_shaped_like_a_differentiated_value_carries_no_gradient():
    assert_right("""
        def f(x: "3", s: float):
            v = np.full_like(x, 0.5) + np.full(x.shape, 2.0)
            w = np.linspace(0.0, 1.0, x.shape[0])
            return np.sum(v * x * w * s)
        """, (V3, 0.7))


def test_a_remainder_of_differentiated_numbers_has_their_slope():
    # x % 1.0 was taken for integer arithmetic, its gradient silently zero
    assert_right("""
        def f(x: "3", s: float):
            k = 0
            for i in range(3):
                k = k + i % 2
            return np.sum((x * 3.0) % 1.0 + x[k] * (s % 0.5)) * s
        """, (np.array([0.31, -0.23, 0.52]), 0.77))


@pytest.mark.parametrize("v", [[0.5, 0.6, 0.9, 0.2], [0.5, 0.6, 0.1, 0.2]])
def test_a_conditional_expression_is_written_as_the_if_it_is(v):
    # pick, the value of W *= (v if ... else W), is (4,) on one path and (3, 4) on the other: the
    # statement is written as an if, W *= v on one path and W *= W on the other (it was refused)
    assert_right('''
    def f(W: "3, 4", v: "4"):
        W *= v if v.mean() > v[2] else W
        return W * 1.0
    ''', [np.arange(12.0).reshape(3, 4) / 10, np.array(v)], dout=np.linspace(0.5, 1.5, 12).reshape(3, 4))


@pytest.mark.parametrize("x", [[0.7, 0.2, -0.4, 0.1], [0.3, 0.2, -0.4, 0.1], [0.3, -0.2, -0.4, 0.1]])
def test_each_path_of_an_elif_chain_gets_what_follows_it(x):
    # h is (3,), (4,) or () by the path: what follows is written into each of the three
    assert_right('''
    def f(x: "4", W: "3, 4"):
        if x[0] > 0.5:
            h = W @ x
        elif x[1] > 0.0:
            h = x * 2.0
        else:
            h = np.sum(x)
        g = np.tanh(h) * 3.0
        return np.sum(g * h)
    ''', [np.array(x), np.linspace(-1.0, 1.0, 12).reshape(3, 4)])


@pytest.mark.parametrize("x", [[0.7, 0.2, -0.4, 0.1], [0.7, -0.2, -0.4, 0.1], [-6.0, 0.2, 0.4, 0.1]])
def test_a_branch_inside_a_branch_gets_what_follows_both(x):
    assert_right('''
    def f(x: "4", W: "3, 4"):
        h = x
        if x[0] > -5.0:
            if x[1] > 0.0:
                h = W @ x
            g = np.sum(h ** 2)
        else:
            g = 1.0
        return g + np.sum(np.sin(h))
    ''', [np.array(x), np.linspace(-1.0, 1.0, 12).reshape(3, 4)])


@pytest.mark.parametrize("shift", [0.5, -0.5])
def test_a_conditional_expression_in_a_returned_tuple_gives_each_path_its_output(shift):
    X = np.linspace(-1.0, 1.0, 12).reshape(3, 4) + shift
    dout = np.linspace(0.5, 1.5, 12).reshape(3, 4) if X.mean() < 0.0 else 1.5
    assert_right('''
    def f(X: "3, 4", s: float):
        return np.sum(X ** 2) * 2.0, X * s if X.mean() < 0.0 else s * s
    ''', [X, 0.7], dout=(1.0, dout))


def test_a_reversed_range_has_its_first_iteration_written_out():
    assert_right('''
    def f(X: "3, 4", v: "4"):
        for i in reversed(range(1, 4)):
            v = X * i + np.cos(v)
        return np.sum(v ** 2)
    ''', [X, V3[[0, 1, 2, 0]]])

@pytest.mark.parametrize("source", [
    """
    def f(s: float, a: "3, 1", u: "4"):
        parts = [np.ones((3, 4)), s]
        parts.append(a)
        parts.append(u)
        return np.sum(sum(parts) * np.arange(12.0).reshape(3, 4))
    """,
    """
    def f(s, a, u):
        parts = [s, a]
        parts.append(u)
        return np.sum(np.tanh(sum(parts)))
    """,
])
def test_a_sum_of_a_list_of_several_shapes_sums_each_gradient_back(source):
    # sum(parts) broadcasts its elements: each got the whole (3, 4) gradient, ds of shape (3, 4)
    assert_right(source, (0.3, np.array([[0.1], [0.2], [0.5]]), np.array([0.3, -0.2, 0.5, 0.7])))


def test_code_using_no_numpy_with_a_parameter_named_anew_is_right_for_arrays_too():
    # a2 = X kept X out of the check: given arrays, dX = dout; dX += -dout zeroed the caller's dout; now
    # the code for every shape, right for numbers and arrays
    source = textwrap.dedent("""
        import math
        import numpy as np

        def f(X, y):
            a = X
            b = a
            return (X - b) * y + a
        """)
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](0.5, 2.0, 1.0) == (1.0, 0.0)
    assert_backward_at(generated["f_backward"], _forward(source), [np.full((2, 3), 0.5), 2.0], [np.ones((2, 3))])


def test_code_using_no_numpy_with_a_parameter_the_output_does_not_depend_on_is_right_for_arrays_too():
    # dW = 0.0 was returned for an array W: a gradient of another shape than W's; now zeros of W's
    source = "import numpy as np\n\ndef f(x, W):\n    a = W\n    return x ** 2\n"
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](0.5, 2.0, 1.0) == (1.0, 0.0)
    assert_backward_at(generated["f_backward"], _forward(source), [0.5, np.ones((3, 1))], [1.0])


@pytest.mark.parametrize("source", [
    """
    def f(x):
        for k in range(2):
            if x > 1.5:
                if x > 1.0:
                    continue
            x = x * 2.0
        return x * x
    """,
    """
    def f(x):
        k = 0
        while k < 3:
            k += 1
            if x < 5.0:
                if x > 2.0:
                    break
                y = x
            x = x * 2.0
        return x * x
    """,
])
def test_a_jump_in_an_if_inside_an_if_skips_the_rest_of_the_loop_body(source):
    # the continue (break) only skipped the rest of the outer if: x = x * 2.0 ran on every iteration
    assert_right(source, (1.4045,))


def test_a_break_under_a_continue_is_kept_where_the_loop_runs_again_for_its_counter():
    # the backward's forward ran the loop without its ifs (nothing they compute is read), so i was 2, not 0
    assert_right("""
        def f(x, y, z):
            for i in range(3):
                x = z
                if y > i:
                    continue
                if x > 0.1:
                    break
            return pow(i + 0.5, z)
        """, (-0.019, -0.299, 0.22))


def test_a_loop_variable_held_by_another_name_is_not_overwritten_by_a_later_loop():
    # a1 = i held the first loop's last i; the second loop reused the name i, and the backward read 2, not 1
    assert_right("""
        def f(x):
            for i in range(2):
                a1 = x
            x, a1 = a1, i
            for i in range(3):
                if x > a1:
                    continue
            return a1 / (1.0 + x ** 2)
        """, (1.224,))


def test_a_loop_value_set_on_one_path_of_two_ifs_in_turn_is_refused():
    # on the second if's other path a9 holds the first if's value or an earlier iteration's; the
    # backward took it for the earlier iteration's always: dx = 0.27 where finite differences give 0
    assert_refused("""
        def f(x, y):
            for i in range(3):
                if y < 1.0:
                    a9 = x * y
                if x > 0.5:
                    a9 = x
                    x = 0.3
            return a9
        """, (1.175, -0.662), "is set on one path of this if and on one path of the if on line 4")


@pytest.mark.parametrize("source", [
    """
    def f(v: "3"):
        return np.tril(v) * np.arange(9.0).reshape(3, 3) + np.triu(v, 1)
    """,
    """
    def f(v):
        return np.tril(v * 1.0, -1) * np.tril(v) + np.triu(v)
    """,
])
def test_the_triangle_of_a_vector_sums_its_rows_back(source):
    # np.tril(v) of a vector is (3, 3), v broadcast as a row: dv had shape (3, 3)
    assert_right(source, (np.array([-1.048, 0.335, -0.472]),), dout=np.linspace(-1.0, 1.0, 9).reshape(3, 3))


def test_the_gradient_of_np_diag_of_a_matrix_is_copied_before_a_write():
    # da11 = np.diag(da21) is a read-only view of da21's diagonal: the write that zeroes a part of it
    # raised "assignment destination is read-only"
    assert_right("""
        def f(X: "3, 4", v: "3"):
            d = np.diagonal(X)
            w = v * 1.0
            w[[1, 0, 1]] -= d - d * 0.5
            m = np.diag(w)
            return m, d - m
        """, (np.arange(12.0).reshape(3, 4) / 10 - 0.5, np.array([1.143, 0.093, 0.485])),
        dout=(np.linspace(-1.0, 1.0, 9).reshape(3, 3), np.linspace(0.5, -1.0, 9).reshape(3, 3)))


def test_a_loop_keeping_a_value_an_earlier_loop_may_leave_unset_runs():
    # the second loop keeps a3 as each iteration starts (a3s.append(a3)); the first loop set it on no
    # path at x = -0.809, and the generated forward raised UnboundLocalError
    assert_right("""
        def f(x):
            for i in range(4):
                for i in range(4):
                    if i > x:
                        continue
                    a3 = math.floor(i / 2.0) + i / 3.0
            for i in range(4):
                if (i - math.pi) > i:
                    break
                a3, x = x, 0.5
            return a3 * a3
        """, (-0.809,))


def test_the_gradients_of_a_sum_of_a_list_are_arrays_of_their_own():
    # shape-generic code: each element's gradient was dout itself, and da += ... added into dout
    a, b = np.arange(12.0).reshape(3, 4) / 10 + 0.05, np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    assert_right("""
        def f(a, b):
            c = np.where(a > 0.3, a, b)
            parts = [c * 2.0, np.clip(b, -0.8, 0.9)]
            parts.append(c)
            return sum(parts)
        """, (a, b), dout=np.linspace(0.5, -0.5, 12).reshape(3, 4))


def test_code_using_no_numpy_with_a_parameter_unpacked_into_another_name_is_right_for_arrays_too():
    # a2, a3 = X, a1 kept X out of the check: given a row X and a matrix W, the backward raised
    # "non-broadcastable output operand"; now the code for every shape sums X's gradient over the rows
    source = "import numpy as np\n\ndef f(X, W):\n    a2, a3 = X, W\n    return a3, a3 + a2\n"
    generated = {}
    exec(backgen.generate(source), generated)
    assert_backward_at(generated["f_backward"], _forward(source), [np.ones((1, 4)), np.ones((3, 4))],
                       [np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.ones((3, 4))])


@pytest.mark.parametrize("x, y", [(0.707, 0.617), (0.3, 0.9)])
def test_a_value_a_loop_keeps_on_a_path_before_any_iteration_set_it_starts_as_none(x, y):
    # the path that keeps a4 (a3 > 0.1) copies the value an earlier iteration set, a4_4 = a4: in the first
    # iteration there is none, and the generated forward raised UnboundLocalError where Python's never
    # reads it
    assert_right('''
    def f(x, y):
        a1 = 0.5 + y
        for i in range(3):
            a3 = a1 / (1.0 + i)
            if 0.5 + i > a3:
                x = x * y
                a4 = a1 * a3
            else:
                if a3 > 0.1:
                    pass
                else:
                    a4 = a1 * a3
        return a4 * x
    ''', [x, y])


@pytest.mark.parametrize("x, y", [(0.5, 1.0), (2.5, 1.0)])
def test_a_value_a_path_keeps_from_an_earlier_iteration_is_saved_for_the_backward_replay(x, y):
    # the second iteration keeps the a the first set (x > i fails): the backward's replay of the
    # iteration set a_2 on the other path only, and raised UnboundLocalError reading it
    assert_right('''
    def f(x, y):
        for i in range(3):
            y = y * 1.5
            if x > i:
                a = y
            if a > y - 1.0:
                x = x * 1.5
        return x
    ''', [x, y])


@pytest.mark.parametrize("x, y", [(-1.297, 1.451), (0.3, 0.2), (0.3, 2.5)])
def test_a_copy_joining_paths_of_a_value_one_path_leaves_unset_reads_none(x, y):
    # the rest of the iteration is written into both paths of the first if (each continue's); the
    # copy joining them, k1 = k1_3, runs where y > 0.5 skipped the part setting k1_3: the generated
    # forward raised UnboundLocalError where Python's sets no k1
    assert_right('''
    def f(x, y):
        for i in range(4):
            if (y if y > 2.0 else i) > 2.0:
                if math.cos(y) > i:
                    continue
            if y > 0.5:
                continue
            k1 = 0
            while k1 < 2:
                k1 += 1
                x = x * y
        return x
    ''', [x, y])


def test_code_using_no_numpy_with_a_parameter_named_anew_only_to_be_returned_is_right_for_arrays_too():
    # v += v, then a4 = v returned: written for numbers, the backward gave dv = dout; dv += dout, which
    # given an array doubled the caller's dout in place; now the code for every shape
    source = textwrap.dedent('''
    import numpy as np

    def f(v):
        v += v
        a4 = v
        return a4
    ''')
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](0.5, 2.0) == 4.0
    assert_backward_at(generated["f_backward"], _forward(source), [np.array([-0.1, 0.5, 0.2])],
                       [np.array([1.0, 2.0, 3.0])])


@pytest.mark.parametrize("dout", [0.7, np.array(0.7)])
def test_shape_generic_code_writing_over_a_whole_0d_array_takes_a_number_as_its_gradient(dout):
    # a3 = np.array(s) of a number s, written over (a3[...] += ...) and returned: its gradient may be
    # given as a number, and the shape-generic backward raised TypeError ('float' object is not
    # subscriptable) at dout[...]
    source = textwrap.dedent('''
    import numpy as np

    def f(s):
        a3 = np.array(s)
        a3[...] += np.mean(s) * s
        return a3
    ''')
    generated = {}
    exec(backgen.generate(source, name="f"), generated)
    s = -0.865
    got = generated["f_backward"](s, dout)
    np.testing.assert_allclose(got, 0.7 * (1.0 + 2 * s))


def test_code_using_no_numpy_with_a_parameter_renamed_twice_and_returned_is_right_for_arrays_too():
    # a1 = X; a5 = a1, returned beside X ** 2: written for numbers, the backward gave dX = dout2;
    # dX += 2 * X * dout1, which given arrays changed the caller's dout2 in place
    source = textwrap.dedent('''
    import numpy as np

    def f(X):
        a1 = X
        a5 = a1
        return X ** 2, a5
    ''')
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](0.5, 1.0, 2.0) == 3.0
    assert_backward_at(generated["f_backward"], _forward(source), [np.array([[-0.226], [1.179], [-0.486]])],
                       [np.ones((3, 1)), np.array([[1.0], [2.0], [3.0]])])


def test_code_using_no_numpy_with_a_parameter_also_put_in_a_list_is_right_for_arrays_too():
    # X is read in arithmetic and put in a list as an element (neither way a sequence): written for
    # numbers, the backward given arrays did dX_1 = dout; dX_1 += dout, doubling the caller's dout
    source = textwrap.dedent('''
        import numpy as np

        def f(X):
            X = X * 0.5
            L = [X, X]
            L.append(X)
            a5 = X
            return X + a5
        ''')
    generated = {}
    exec(backgen.generate(source), generated)
    assert_backward_at(generated["f_backward"], _forward(source), [np.ones(3)], [np.ones(3)])
    assert generated["f_backward"](2.0, 1.5) == pytest.approx(1.5)


def test_np_diff_of_no_differences_leaves_prepend_and_append_out():
    # np.diff(a, n=0, ...) is a itself, its prepend and append unused: they get no gradient (before, the
    # backward raised IndexError given both, and given prepend alone gave s the joined array's first place
    # and a the rest, shifted by one)
    assert_right('''
    def f(x: "4", s: float):
        return np.sum(np.diff(x, n=0, prepend=s, append=2 * s) * np.arange(1.0, 5.0))
    ''', [np.array([0.3, -0.2, 0.5, 1.1]), 0.7])


def test_a_write_through_np_transpose_with_axes_is_followed_without_shapes():
    # np.transpose(y, axes) of a number raises (its axes do not match), so the write is the array's
    # whatever the shapes: followed in the code for every shape, where np.transpose(y) is refused
    assert_right('''
    def f(X, c):
        Y = X.copy()
        T = np.transpose(Y, (1, 2, 0))
        T[0] = c * T[1]
        return np.sum(Y * X)
    ''', [np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4), 0.7])
    assert_refused('''
    def f(X, c):
        Y = X.copy()
        T = np.transpose(Y)
        T[0] = c * T[1]
        return np.sum(Y * X)
    ''', [np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4), 0.7], "a new array where it is a number")


# --- integer parameters: code written at a sample value, for every value ---------------------

def _right_at_every_count(source, shapes_of, counts):
    """Generate ``f`` once (``k: int`` sampled at one value), then check its backward against central
    differences at each ``k`` in ``counts`` where the forward runs."""
    source = textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    generated = {}
    exec(backgen.generate(source, name="f"), generated)
    rng = np.random.default_rng(5)
    checked = 0
    for k in counts:
        floats = [rng.uniform(0.5, 1.5, size=shape) for shape in shapes_of]
        try:
            namespace["f"](*floats, k)
        except ValueError:  # (a value of k the forward itself cannot take)
            continue
        got = generated["f_backward"](*floats, k)
        got = got if isinstance(got, tuple) else (got,)
        want = finite_differences(lambda *a: namespace["f"](*a, k), floats, range(len(floats)), (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"at k = {k}")
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("body, shapes_of", [
    ("return np.sum(x[:k] * w[:k])", [(7,), (7,)]),  # sliced alike
    ("return np.sum(np.reshape(x, (k, -1)) * w)", [(12,), (1,)]),
    ("return np.sum(np.ones((k, 1)) * x)", [(5,)]),
    ("return np.sum(np.repeat(x[None, :], k, axis=0) * w)", [(5,), (5,)]),
    ("h = x\n    for i in range(k):\n        h = np.tanh(h) * x\n    return np.sum(h)", [(5,)]),
])
def test_an_integer_parameter_that_keeps_the_pattern_of_shapes_is_right_at_every_value(body, shapes_of):
    params = ", ".join(f'{name}: "{", ".join(map(str, shape))}"' for name, shape in zip("xw", shapes_of))
    _right_at_every_count(f"def f({params}, k: int):\n    {body}\n", shapes_of, range(1, 9))


@pytest.mark.parametrize("source, match", [
    # one element at the sample k = 3, broadcast against c; five at k = 7, not: the sum was wrong there
    ('def f(b: "7", c: "5", k: int):\n    return np.sum(b[:k - 2] * c)\n', "'b\\[:diff\\]' has shape \\(5,\\) against \\(5,\\) at k = \\d+ \\(sampled at k = 3\\)"),
    # a value written into one element at the sample, broadcast into several at k = 1
    ('def f(x: "7", c: "1", k: int):\n    y = x * 1.0\n    y[:k - 2] = c\n    return np.sum(y * y)\n',
     "'c' has shape .* the part written's"),
    ('def f(x: "4, 1", w: "4, 3", k: int):\n    return np.sum(np.tile(x, (1, k)) * w)\n', "written for \\(4, 3\\) against"),
    ('def f(x: "6, 7", k: int):\n    return np.sum(np.squeeze(x[:k - 2]) ** 2 * np.arange(7.0))\n',
     "written for \\(7,\\):"),
])
def test_an_integer_parameter_whose_values_change_broadcasting_is_refused(source, match):
    with pytest.raises(backgen.BackgenError, match=match) as caught:
        backgen.generate(source, name="f")
    assert caught.value.lineno >= 2 and "use the decorator" in str(caught.value)


@backgen.backward(wrt=("b", "c"))
def _first_k_minus_2(b, c, k):
    return np.sum(b[:k - 2] * c)


def test_the_decorator_writes_code_for_the_integer_it_is_given():
    b, c = np.linspace(0.5, 1.5, 7), np.linspace(-1.0, 1.0, 5)
    for k in (3, 7, 3):
        got = _first_k_minus_2.backward(b, c, k)
        want = finite_differences(lambda b, c: np.sum(b[:k - 2] * c), [b, c], range(2), (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # (NumPy's, for the mean of nothing, in the forward)
@pytest.mark.parametrize("reduction", ["np.mean(b[b > 0])", "np.var(b[b > 0])", "np.std(b[b > 0])",
                                       "np.mean(X[X[:, 0] > 0], axis=0).sum()"])
def test_a_mean_of_a_selection_is_right_and_selecting_nothing_gives_no_division_by_zero(reduction):
    source = f'''
    def f(b: "5", X: "5, 3"):
        return {reduction} + np.sum(b * b) + np.sum(X)
    '''
    b = np.array([0.7, -0.4, 1.3, 0.2, -0.9])
    X = np.linspace(-1.0, 1.0, 15).reshape(5, 3)
    assert_right(source, [b, X])
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    db, dX = generated["f_backward"](-np.abs(b), -np.abs(X) - 0.1)  # (the forward gives nan: nothing selected)
    np.testing.assert_allclose(db, -2 * np.abs(b))
    np.testing.assert_allclose(dX, np.ones((5, 3)))


# --- lengths a number decides, set otherwise on another path ----------------------------------

@pytest.mark.parametrize("source", [
    # a setting chooses the length; the walk of both branches went on with the first branch's number
    'def f(w: "N", v: "N", mode="all"):\n    if mode == "first":\n        n = 1\n    else:\n        n = len(w)\n'
    '    return np.sum(w[:n] * v)\n',
    'def f(w: "N", v: "N", flag=False):\n    n = 1 if flag else w.shape[0]\n    return np.sum(w[:n] * v)\n',
    # a test of the data that never holds at the sample, in a loop over the data
    'def f(w: "N", v: "N"):\n    n = len(w)\n    for r in v:\n        if r > 10.0:\n            n = 1\n'
    '    return np.sum(w[:n] * v)\n',
    # a loop that may run no iteration (k's default; a while loop: below, the decorator)
    'def f(w: "N", v: "N", k: int = 0):\n    n = len(w)\n    for i in range(k):\n        n = 1\n'
    '    return np.sum(w[:n] * v)\n',
    'def f(x: "N", v: "N", depth: int = 0):\n    stride = 1\n    for _ in range(depth):\n        stride *= 2\n'
    '    return np.sum(x[::stride] * v)\n',
])
def test_a_length_a_number_sets_otherwise_on_another_path_is_refused(source):
    # found by a review: each gave dw = [10, 10, 10, 10] for [1, 2, 3, 4] on the other path
    with pytest.raises(backgen.BackgenError, match="pattern of shapes") as caught:
        backgen.generate(source, name="f")
    assert caught.value.lineno == source.count("\n")  # (the return, where the slice broadcasts)


@backgen.backward
def _first_of_long(x, v):
    n = 1 if len(x) > 3 else len(x)
    return np.sum(x[:n] * v)


@backgen.backward(wrt=("w", "v"))
def _halved_below(w, v, k):
    n = 4
    while n > k:
        n = n // 2
    return np.sum(w[:n] * v)


def test_the_decorator_refuses_a_length_its_walk_set_otherwise_than_the_inputs_do():
    with pytest.raises(backgen.BackgenError, match="pattern of shapes"):
        _first_of_long.backward(np.array([0.5, -0.3]), np.array([1.0, 2.0]))
    with pytest.raises(backgen.BackgenError, match="pattern of shapes"):
        _halved_below.backward(np.array([0.5, -0.3, 0.8, 0.1]), np.array([1.0, 2.0, 3.0, 4.0]), 1)


def test_a_while_its_integers_make_run_no_iteration_is_left_out():
    # was refused as the walk's two rounds halved n, which at k = 4 the loop never does: n > k is
    # false as it starts, for the integers given, wherever the code is used
    w, v = np.array([0.5, -0.3, 0.8, 0.1]), np.array([1.0, 2.0, 3.0, 4.0])
    for k in (4, 6):
        got = _halved_below.backward(w, v, k)
        want = finite_differences(lambda w, v: _halved_below(w, v, k), [w, v], range(2), (1.0,))
        for g, expected in zip(got, want):
            np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)


def test_a_number_set_otherwise_on_another_path_that_keeps_the_pattern_is_right():
    source = '''
    def f(w: "4", v: "4", mode="all"):
        if mode == "first":
            n = 2
        else:
            n = 3
        return np.sum(w[:n] * v[1:n + 1])
    '''
    assert_right(source, [np.array([0.5, -0.3, 0.8, 0.1]), np.array([1.0, 2.0, 3.0, 4.0])])


W4 = np.array([1.0, -0.6, 1.6, 0.2])


@pytest.mark.parametrize("source, cases", [
    # a bound the values decide, the same on every sample the data net tries (1 below 5, 4 above)
    ('def f(x: "N", w: "N"):\n    n = 1 + 3 * (np.max(x) > 5.0)\n    return np.sum(w[:n] * w)\n',
     [[np.array([1.0, 2.0, 3.0, 4.0]), W4], [np.array([1.0, 2.0, 6.0, 4.0]), W4]]),
    # a bound the labels' values decide
    ('def f(scores: "N, C", y: "int N", w: "C"):\n    C = y.max() + 1\n    return np.sum(scores[0, :C] * w)\n',
     [[np.outer([1.0, 2.0], W4), np.array([0, 0]), W4], [np.outer([1.0, 2.0], W4), np.array([3, 1]), W4]]),
    ('def f(x: "N", y: "int N", w: "N"):\n    return np.sum(x[y[0]:] * w)\n',
     [[W4 + 0.5, np.array([0, 1, 2, 3]), W4], [W4 + 0.5, np.array([3, 1, 2, 3]), W4]]),
])
def test_a_slice_bound_a_value_of_the_data_decides_is_a_length_of_its_own(source, cases):
    # found by a review: dw = [1.6, 0.8, 1.9, 1.2] for [1, -0.6, 1.6, 0.2] where the bound was 4; once
    # refused, the slice's gradient is now summed to its length as the code runs: right at one item
    # (broadcast) and at four, from one backward
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    for args in cases:
        floats = [k for k, a in enumerate(args) if a.dtype.kind == "f"]
        got = generated["f_backward"](*args)
        want = finite_differences(lambda *a: namespace["f"](*[a[floats.index(k)] if k in floats else args[k]
                                                               for k in range(len(args))]),
                                  [args[k] for k in floats], range(len(floats)), (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@backgen.backward
def _labels_bound(scores, y, w):
    C = y.max() + 1
    picked = scores[np.arange(len(y)), y]
    return np.sum(picked ** 2) + np.sum(scores[0, :C] * w)


def test_the_decorator_sums_a_slice_bound_the_labels_decide_as_the_code_runs():
    # (once refused): scores[0, :C] of one item broadcasts against w, of four does not
    scores, w = np.array([[0.5, -0.3, 0.8, 0.1], [0.2, 0.4, -0.6, 0.9]]), np.array([1.0, 2.0, 3.0, 4.0])
    for y in (np.array([0, 0]), np.array([3, 1]), np.array([0, 0])):
        got = _labels_bound.backward(scores, y, w)
        want = finite_differences(lambda s, v: _labels_bound(s, y, v), [scores, w], range(2), (1.0,))
        for g, expected in zip(got, want):
            np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bound", ["len(x) // 2", "x.shape[0] - 3", "len(y)"])
def test_a_slice_bound_of_sizes_alone_is_no_length_of_the_data(bound):
    assert_right(f'''
    def f(x: "6", y: "3"):
        z = x * 1.0
        return np.sum(z[:{bound}] * y)
    ''', [np.linspace(-1.0, 1.0, 6) + 0.1, np.array([0.3, -0.2, 0.5])])


# --- a helper's code holds at each of its calls ------------------------------------------------

def test_a_helper_whose_slice_is_one_item_at_one_call_only_gets_code_for_each():
    # found by a review: one backward for both calls (alike in ranks), written for a[1:] of one item
    # at the first, broadcast: dx = [0, 12, 6, 6] for [0, 7, 2, 3]
    assert_right('''
    def h(a, b):
        return np.sum(a[1:] * b)

    def f(x: "4", w: "3"):
        return h(x[:2], w) + h(x, w)
    ''', [np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, 2.0, 3.0])])


def test_a_helper_called_in_a_loop_whose_pattern_of_shapes_changes_is_refused():
    with pytest.raises(backgen.BackgenError, match="another call of it") as caught:
        backgen.generate('''
def h(a, b, k):
    return np.sum(a[:k] * b)

def f(x: "4", w: "4"):
    s = 0.0
    for k in range(1, 5, 3):
        s = s + h(x, w, k)
    return s
''', name="f")
    assert caught.value.lineno == 3


@backgen.backward(wrt=("x",))
def _parts_of_a_selection(x, m):
    y = x[m]
    return np.sum(y[1:] * y[:2])


def test_the_decorator_refuses_parts_of_a_selection_whose_broadcasting_another_count_changes():
    # code kept per count (none, one, several): y[1:] is one item at two, two at three
    x = np.array([0.5, -0.3, 0.8, 0.1, 0.6])
    with pytest.raises(backgen.BackgenError, match="selecting 3 items"):
        _parts_of_a_selection.backward(x, np.array([True, False, True, False, False]))


@pytest.mark.parametrize("body, refused", [("np.sum(x[m] * c)", False), ("np.sum(x[m][:2] * x[m][1:3])", True),
                                           ("np.sum(x[m] * x[m]) + np.sum(c)", False)])
def test_a_mask_parameter_of_declared_shape_selects_a_length_of_the_data(body, refused):
    # the code written for a declared "bool 5" is for every count it selects: x[m] of one item broadcasts
    source = f'def f(x: "5", m: "bool 5", c: "5"):\n    return {body}\n'
    if refused:
        with pytest.raises(backgen.BackgenError, match="boolean mask|selecting \\d+ items"):
            backgen.generate(source, name="f")
        return
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    x, c = np.linspace(-1.0, 1.0, 5), np.linspace(0.5, 1.5, 5)
    for m in (np.array([True, False, False, False, False]), np.array([True, True, False, True, False]),
              np.ones(5, bool), np.zeros(5, bool)):
        try:
            namespace["f"](x, m, c)
        except ValueError:  # (x[m] * c of 3 items against 5: the forward raises too)
            continue
        got = generated["f_backward"](x, m, c)
        want = finite_differences(lambda x, c: namespace["f"](x, m, c), [x, c], range(2), (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


# --- a list appended to after a write into an array it holds ------------------------------------

@pytest.mark.parametrize("body", [
    "h = x * 1.0\n    hs = [h]\n    h *= 3.0\n    hs.append(x)\n    return hs[0]",
    "a = X * 1.0\n    rows = [a[0], a[1]]\n    a *= 2.0\n    rows.append(x)\n    return np.sum(rows[0] * rows[1])",
    "hs = [X * 1.0]\n    h = hs[0]\n    h[0] = x\n    hs.append(X)\n    return np.sum(hs[0] ** 2)",
    "h = x * 1.0\n    hs = [h, h]\n    hs[0] *= 3.0\n    hs.append(x)\n    return hs[1]",
    "h = x * 1.0\n    hs = [h]\n    h *= 3.0\n    for i in range(2):\n        hs.append(x * i)\n    return hs[0]",
    "h = x * 1.0\n    hs = [h, x]\n    h *= 3.0\n    last = hs.pop()\n    return hs[0] + last",
    "acts = []\n    h = np.tanh(X)\n    acts.append(h)\n    h -= h.mean(axis=0)\n    out = h * 2.0\n"
    "    acts.append(out)\n    return np.sum(acts[0] ** 2) + np.sum(out)",
])
def test_a_list_changed_after_a_write_into_an_array_it_holds_is_right_or_refused(body):
    # found by a review: the append made a new version of the list, which forgot that the write
    # changed what it holds: hs[0] read h before h *= 3.0 (dx = dout for 3 dout)
    source = f'def f(x: "4", X: "3, 4"):\n    {body}\n'
    args = [np.array([0.5, -1.0, 2.0, 0.3]), np.linspace(-1.0, 1.0, 12).reshape(3, 4)]
    try:
        got, want = run_case(source, args, dout=np.linspace(1.0, 2.0, 4) if "return hs" in body
                             and "**" not in body else 1.0)
    except backgen.BackgenError as error:
        assert "may have been changed by the write" in str(error)
        return
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


# --- a value set on one path, read by nothing after ---------------------------------------------

def test_a_temporary_set_on_one_path_of_two_ifs_in_a_loop_and_never_read_is_not_copied():
    # found by a review (14 random scalar programs): t = x_1 where the first if did not set x_1, an
    # UnboundLocalError in the backward where Python leaves t unset and never reads it
    assert_right('''
    def f(x, y):
        for i in range(2):
            if x < 0.0:
                x = math.exp(x)
                t = x
            if y > 0.5:
                y = math.sin(y)
            else:
                t = y
        return x * y
    ''', [0.061, 0.683])


@pytest.mark.parametrize("X0", [-np.ones((3, 4)), np.linspace(0.5, 1.5, 12).reshape(3, 4)])
def test_a_selection_set_on_one_path_in_a_loop_written_out_and_never_read_is_not_copied(X0):
    # long fuzzer seed 24242, program 4830: a = X[X > 0.0] unread, its merge copy a_2 = a read a value
    # the first iteration (written out) set on one path only (UnboundLocalError)
    assert_right('''
    def f(s: float, X: "3, 4"):
        for i in range(2):
            if np.sum(X) > 5.1:
                X[i] += X.mean()
                a = X[X > 0.0]
            s += X @ np.arange(8.0).reshape(4, 2) / (1.0 + np.mean(X) * np.mean(X))
        return s * s
    ''', [0.5, X0], dout=np.linspace(-1.0, 1.0, 6).reshape(3, 2))


def _weights_and_shift(x, p):
    a, b = p
    return np.sum(x * a) + b * np.sum(x)


@pytest.mark.parametrize("pack", [tuple, list])
def test_the_decorator_takes_a_tuple_of_an_array_and_a_number(pack):
    # found by a review: (V, 3.0) was read as one array (np.zeros_like(p): ValueError)
    x = np.array([0.5, -0.3, 0.8, 0.2])
    dx, dp = backgen.backward(_weights_and_shift).backward(x, pack([x * 2.0, 3.0]))
    np.testing.assert_allclose(dx, x * 2.0 + 3.0)
    np.testing.assert_allclose(dp[0], x)
    np.testing.assert_allclose(dp[1], np.sum(x))


def _power(x, p):
    return (x - 0.9) ** p


def test_a_negative_base_gives_no_slope_in_the_exponent_and_raises_nothing():
    # found by a review: math.log of the negative base raised ValueError in the backward of a forward
    # that runs ((-0.6) ** 2.0 = 0.36); d/dp has no real value there
    dx, dp = backgen.backward(_power).backward(0.3, 2.0)
    assert dx == pytest.approx(2.0 * (0.3 - 0.9))
    assert math.isnan(dp)
    dx, dp = backgen.backward(_power).backward(1.5, 2.0)  # (a positive base: the slope in p)
    assert dp == pytest.approx(0.6 ** 2.0 * math.log(0.6))


# --- code as people write it: found refused by a review ------------------------------------------

X43 = np.linspace(-0.9, 1.4, 12).reshape(4, 3)


@pytest.mark.parametrize("source, args", [
    ('def f(x: "4, 3"):\n    m = np.any(x > 1.0, axis=1)\n    return np.sum(x[m] ** 2) + np.all(x > -1.0) * np.sum(x)\n',
     [X43]),
    ('MODE = "one"\nSCALE = 2.0\n\ndef f(x: "4, 3"):\n    if MODE == "one":\n        return np.sum(x * SCALE)\n'
     '    return np.sum(x)\n', [X43]),
    ('def f(x: "4, 3", v: "4, 3"):\n    hs = []\n    hs.extend([x, v * 2.0])\n    return np.sum(np.stack(hs) ** 2)\n',
     [X43, X43 + 0.5]),
    ('def f(x: "4, 3"):\n    y = x.astype(float)\n    y[0] = 3.0\n    return np.sum(x * y)\n', [X43]),
])
def test_code_a_review_found_refused_is_right(source, args):
    assert_right(source, args)


def test_astype_without_a_copy_is_followed_as_the_array_itself_or_refused():
    source = 'def f(x: "4, 3"):\n    y = x.astype(float, copy=False)\n    y[0] = 3.0\n    return np.sum(x * y)\n'
    try:
        got, want = run_case(source, [X43])
    except backgen.BackgenError as error:
        assert "may have been changed" in str(error)
        return
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("module, want", [
    ("R = 6371.0\nR *= 1000.0\n", 2 * 9.81 * 6371000.0),  # (was read as 6371.0)
    ("G = 6.674e-11\nM = 5.97e24\nR = G * M / 6.674e-11 / 5.97e24 * 6371000.0\n", 2 * 9.81 * 6371000.0),
    ("R, g = 6371000.0, 9.81\n", 2 * 9.81 * 6371000.0),
    ("R: float = 6371000.0\n", 2 * 9.81 * 6371000.0),
])
def test_a_module_number_is_read_as_the_module_leaves_it(module, want):
    # found by a review: R *= 1000.0 after R = 6371.0 was not seen (dh = 19.62 * 6371.0)
    generated = {}
    exec(backgen.generate(module + "\ndef f(h):\n    return 2 * 9.81 * h * R\n", name="f"), generated)
    assert generated["f_backward"](2.0) == pytest.approx(want)


@pytest.mark.parametrize("module", ["C = 1.0\nif True:\n    C = 3.0\n", "C = 1.0\nfor _ in range(2):\n    C *= 2\n",
                                    "C = 1.0\ndef setup():\n    global C\n    C = 5.0\n",
                                    "C = 1.0\ntry:\n    C = 3.0\nexcept ValueError:\n    pass\n"])
def test_a_module_number_set_in_a_block_is_refused(module):
    with pytest.raises(backgen.BackgenError, match="'C' is not a parameter"):
        backgen.generate(module + "\ndef f(h):\n    return h * C\n", name="f")


@pytest.mark.parametrize("source, args", [
    # a constant array in a while loop, and in a loop that runs no iteration on some path (a review of the
    # paths' check took the constant for a number in the inputs' own run, and refused)
    ('def f(y0: "2"):\n    y = y0\n    it = 0\n    while it < 3:\n        y = y - 0.1 * np.array([1.0, 2.0]) * np.sin(y)\n'
     '        it += 1\n    return np.sum(y ** 2)\n', [np.array([0.4, -0.7])]),
    ('def f(pos: "4, 2"):\n    n = pos.shape[0]\n    e = 0.0\n    for i in range(n):\n        for j in range(i + 1, n):\n'
     '            d2 = np.sum(np.array([1.0, 2.0]) * (pos[i] - pos[j]) ** 2)\n            e = e + 1.0 / d2\n'
     '    return e\n', [np.array([[0.0, 0.1], [1.1, 0.0], [0.2, 1.2], [1.0, 1.1]])]),
])
def test_a_constant_array_in_a_loop_the_paths_check_runs_is_right(source, args):
    assert_right(source, args)


def test_python_lists_joined_or_repeated_in_code_for_numbers_are_refused():
    # found by a review: zs = xs + ys (lists) was differentiated as xs + ys of numbers: each gradient was
    # the joined list's
    with pytest.raises(backgen.BackgenError, match="joins or repeats them") as caught:
        backgen.generate("def f(xs, ys):\n    zs = xs + ys\n    return sum(z * z for z in zs)\n", name="f")
    assert caught.value.lineno == 2


def test_code_written_for_arrays_refuses_a_list_where_slices_and_plus_read_it_otherwise():
    # found by a review: ys = xs[:] of a list is a copy, of an array a view; the code is the array's
    generated = {}
    exec(backgen.generate("def f(xs, k):\n    ys = xs[:]\n    ys[0] = k\n    return xs[0] * 2.0\n", name="f"),
         generated)
    with pytest.raises(TypeError, match="pass np.asarray\\(xs\\)"):
        generated["f_backward"]([0.3, -0.7], 1.5, 1.0)
    dxs, dk = generated["f_backward"](np.array([0.3, -0.7]), 1.5, 1.0)  # (ys[0] = k writes into xs: f = 2 k)
    np.testing.assert_allclose(dxs, [0.0, 0.0])
    assert dk == pytest.approx(2.0)


@pytest.mark.parametrize("body", [
    "    v = xs[:]\n    v[1] = v[1] * w\n    return v[1] + xs[1]\n",
    "    v = xs[::-1]\n    v[0] = v[0] * w\n    return xs[-1] + v[0] + xs[0]\n",
    "    ys = xs[1:] + xs[:1]\n    s = 0.0\n    for a, b in zip(xs, ys):\n        s += a * b * w\n    return s\n",
    "    v = xs\n    u = v[:]\n    u[0] = w\n    return xs[0] * u[0] + v[1]\n",
])
def test_the_decorator_given_a_list_it_slices_is_right_or_refused(tmp_path, body):
    # the decorator took a list of numbers the code indexes for the array it makes, whose slices are views
    # (a write into v = xs[:] changed xs) and add elementwise (xs[1:] + xs[:1] broadcast): the gradients
    # were those of another function than the one Python runs on the list
    path = tmp_path / "listcopy.py"
    path.write_text("def f(xs, w):\n" + body)
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    func, args = namespace["f"], [[1.0, 2.0, 3.0], 0.5]
    try:
        got = backgen.backward(func).backward(*args)
    except backgen.BackgenError as exc:
        assert exc.lineno >= 2
        return
    want = finite_differences(func, args, range(2), (1.0,))
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-8)
    assert got[1] == pytest.approx(want[1], rel=1e-6)


@pytest.mark.parametrize("source", [
    'def f(w: "4", v: "3", mode="first"):\n    n = 1 if mode == "first" else 3\n    return np.sum(w[:n] * v)\n',
    'def f(w: "4", v: "3", flag=True):\n    n = 3 - 2 * int(flag)\n    return np.sum(w[:n] * v)\n',
    'def f(w: "6", v: "3", a=True, b=True):\n    n = 1\n    if a:\n        n = n + 2\n    if b:\n        n = n - 2\n'
    '    return np.sum(w[:n] * v)\n',
    'def f(w: "4", v: "3", flag=False):\n    if flag:\n        idx = [0]\n    else:\n        idx = [0, 1, 2]\n'
    '    return np.sum(w[idx] * v)\n',
    'def f(w: "3", M: "3, 5", mode="a"):\n    if mode == "a":\n        n = 3\n    elif mode == "b":\n        n = 1\n'
    '    else:\n        n = 3\n    return np.sum(w[:n, None] * M)\n',
])
def test_a_setting_whose_values_change_a_length_is_refused_for_code_written_for_every_value(source):
    # found by a review of the paths' check: a conditional expression, arithmetic of a flag, two flags, a
    # list of indices, an elif: each wrote code for one value's length (dw = [6, 6, 6, 0] for [1, 2, 3, 0])
    with pytest.raises(backgen.BackgenError, match="pattern of shapes") as caught:
        backgen.generate(source, name="f")
    assert caught.value.lineno == source.count("\n")


@backgen.backward(wrt=("w", "v"))
def _first_or_all(w, v, mode):
    n = 1 if mode == "first" else 3
    return np.sum(w[:n] * v)


def test_the_decorator_keeps_code_per_value_of_a_setting():
    w, v = np.array([0.5, -0.3, 0.8, 0.1]), np.array([1.0, 2.0, 3.0])
    for mode in ("first", "all", "first"):
        got = _first_or_all.backward(w, v, mode)
        want = finite_differences(lambda w, v: _first_or_all(w, v, mode), [w, v], range(2), (1.0,))
        for g, x in zip(got, want):
            np.testing.assert_allclose(g, x, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("source, make, wrt", [
    # lengths the labels decide, met by an array lacking that axis (a review: refused, right before)
    ('def f(x: "3, 4, 2", lengths: "int 3", w: "2"):\n    out = 0.0\n    for n in range(x.shape[0]):\n'
     '        out = out + np.sum(x[n, :lengths[n]] * w)\n    return out\n',
     lambda r, k: [r.normal(size=(3, 4, 2)), np.array([4, 1, 2]) if k else np.array([1, 1, 3]), r.normal(size=2)],
     [0, 2]),
    # the rows a declared mask selects, and a bias along the other axis
    ('def f(X: "5, 3", m: "bool 5", W: "3, 4", b: "4"):\n    return np.sum(np.tanh(X[m] @ W + b) ** 2)\n',
     lambda r, k: [r.normal(size=(5, 3)), np.array([True, False, False, False, False]) if k else
                   np.array([True, True, False, True, False]), r.normal(size=(3, 4)), r.normal(size=4)], [0, 2, 3]),
])
def test_a_selection_meeting_arrays_without_its_axis_is_right_at_every_length(source, make, wrt):
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    for k in (0, 1):
        args = make(np.random.default_rng(k), k)
        got = generated["f_backward"](*args)
        want = finite_differences(namespace["f"], args, wrt, (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_a_list_appended_to_through_another_name_holds_the_array_written():
    # found by a review: gs = hs; h *= 3.0; gs.append(x); hs[0] read h before the write (refused since; the
    # list made from a display is now made again of h's new value, which both names hold)
    assert_right('def f(x: "4"):\n    h = x * 1.0\n    hs = [h]\n    gs = hs\n    h *= 3.0\n'
                 '    gs.append(x)\n    return hs[0] * gs[1]\n', [V3[:2].repeat(2) + 0.1])


def test_a_sum_that_a_loop_of_no_iteration_leaves_a_number_is_refused_for_every_count():
    # found by a review: at n = 0 the backward read h.shape of the number 0.0 (AttributeError)
    with pytest.raises(backgen.BackgenError, match="at n = 0"):
        backgen.generate('def f(x: "4", n: int = 3):\n    h = 0.0\n    for i in range(n):\n        h = h + x * i\n'
                         '    return np.sum(h)\n', name="f")


@pytest.mark.parametrize("body, args, dout", [
    # an output array given to a ufunc, np.clip or np.dot by position (was left out as a value dropped:
    # dx = [1, 2] for [1, 0])
    ("y = x * 1.0\n    np.maximum(y, 0.0, y)\n    return y", (np.array([1.0, -1.0]),), np.array([1.0, 2.0])),
    ("y = x * 1.0\n    np.exp(y, y)\n    return y", (np.array([0.0, 1.0]),), np.array([1.0, 2.0])),
    ("y = x * 1.0\n    np.clip(y, -0.5, 0.5, y)\n    return y", (np.array([1.0, 0.2]),), np.array([1.0, 2.0])),
    ("y = x * 1.0\n    z = np.exp(y, y)\n    return z + y", (np.array([0.0, 1.0]),), np.array([1.0, 2.0])),
    ("y = np.zeros((2, 2))\n    np.dot(x.reshape(2, 1), x.reshape(1, 2), y)\n    return y",
     (np.array([0.5, 2.0]),), np.array([[1.0, 2.0], [3.0, 4.0]])),
    # np.put_along_axis alone (was left out: the write lost)
    ("y = x * 1.0\n    np.put_along_axis(y, np.array([1, 0]), 0.0, axis=0)\n    return y",
     (np.array([1.0, 2.0]),), np.array([1.0, 2.0])),
])
def test_numpy_writing_into_an_output_given_by_position_is_right_or_refused(body, args, dout):
    source = f"import numpy as np\ndef f(x):\n    {body}\n"
    try:
        assert_right(source, args, dout)
    except backgen.BackgenError:
        pass  # (refused: allowed; a wrong gradient is not)


@pytest.mark.parametrize("source, args", [
    # slices of a list joined with + (was added item by item: dx = [[11, 11], [22, 22]] for [[10, 10], [2, 2]])
    ("import numpy as np\ndef f(x):\n    ys = [x[0], x[1] * 2.0]\n    zs = ys[1:] + ys[:1]\n    return np.sum(np.stack(zs) * np.array([[1.0], [10.0]]))\n",
     (np.zeros((2, 2)),)),
    ("import math\ndef f(a, b):\n    t = [math.sin(a), b]\n    u = t[1:] + t[:1]\n    return u[0] * 10 + u[1]\n",
     (0.5, 0.7)),
    ("import math\ndef f(a, b):\n    t = (math.sin(a), b)\n    s = t[:1]\n    u = t[1:] + s\n    return u[0] * 10 + u[1]\n",
     (0.5, 0.7)),
])
def test_slices_of_lists_joined_are_refused(source, args):
    assert_refused(source, args, "adding lists joins them")


@pytest.mark.parametrize("source, args", [
    # the cost of linear regression with column vectors, as the number .item() gives (was: dout[0],
    # AttributeError: 'float' object has no attribute 'dot')
    ('''
     import numpy as np
     def f(theta: "D, 1", X: "N, D", y: "N, 1"):
         h = X.dot(theta)
         J = np.dot((h - y).T, h - y) / (2 * len(y))
         return J.item()
     ''', (np.array([[0.5], [-0.2], [0.1]]), X[:, :3], np.array([[0.3], [0.1], [-0.4]]))),
    ('''
     import numpy as np
     def f(theta, X, y):
         r = X @ theta - y
         return (r.T @ r).item()
     ''', (np.array([[0.5], [-0.2], [0.1]]), X[:, :3], np.array([[0.3], [0.1], [-0.4]]))),
    ('''
     import numpy as np
     def f(x: "3"):
         s = np.sum(x, keepdims=True)
         t = s + s
         return t.item() * x[0]
     ''', (V3,)),
    ('''
     import numpy as np
     def f(x: "1"):
         s = x.sum(axis=0, keepdims=True)
         return (s * s).sum().item() + s.item()
     ''', (np.array([0.7]),)),
])
def test_the_number_item_gives_of_an_array_of_one_element(source, args):
    assert_right(source, args)


@pytest.mark.parametrize("source", [
    "def g(v, x):\n    v.append(x * 2.0)\n    return x\ndef f(x):\n    v = []\n    g(v, x)\n    return v[0] * x\n",
    "def g(v, x):\n    v.append(x * 2.0)\n    return x\ndef f(x):\n    v = []\n    y = g(v, x)\n    return v[0] * y\n",
    "def f(x):\n    acc = []\n    def add(u):\n        acc.append(u * 2.0)\n        return u\n    y = add(x)\n    return acc[0] * y\n",
])
def test_a_helper_appending_to_its_caller_s_list_is_refused(source):
    # was IndexError in the backward: the caller's list stayed empty there
    assert_refused(source, (1.3,), r"changes the list passed as its parameter")


PAIRS = np.array([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.6, 0.9, 1.3], [0.2, 0.1, -1.5]])


@pytest.mark.parametrize("body", [
    # distances of every pair, the diagonal (a point to itself, 0) then left out: the square root's
    # derivative there is infinite and its upstream 0, whose product was nan (every entry of dpos)
    "d = np.sqrt(np.sum((pos[:, None, :] - pos[None, :, :]) ** 2, axis=-1))\n    return np.sum(np.triu(d, 1))",
    "diff = pos[:, None, :] - pos[None, :, :]\n    dist = np.sqrt(np.sum(diff ** 2, axis=-1))\n"
    "    np.fill_diagonal(dist, np.inf)\n    return -0.5 * np.sum(1.0 / dist)",
    "d = np.sqrt(np.sum((pos[:, None, :] - pos[None, :, :]) ** 2, axis=-1))\n"
    "    i, j = np.triu_indices(pos.shape[0], 1)\n    return np.sum(1.0 / d[i, j])",
    "r = np.sqrt(np.sum((pos[:, None, :] - pos[None, :, :]) ** 2, axis=-1))\n"
    "    rm = r[~np.eye(pos.shape[0], dtype=bool)]\n    return np.sum(4 * ((1 / rm) ** 12 - (1 / rm) ** 6))",
    "y = np.sqrt(pos * pos)\n    y[0] = 1.0\n    return np.sum(y * 2.0)",
    # through a transpose or a reshape first (was nan still)
    "d = np.sqrt(np.sum((pos[:, None, :] - pos[None, :, :]) ** 2, axis=-1))\n    return np.sum(np.triu(d.T, 1))",
    "d = np.sqrt(np.sum((pos[:, None, :] - pos[None, :, :]) ** 2, axis=-1))\n"
    "    return np.sum(d.reshape(-1)[1:4] * 0.5)",
])
def test_an_infinite_derivative_where_the_value_is_left_out_gives_no_nan(body):
    source = f"import numpy as np\ndef f(pos: 'N, 3'):\n    {body}\n"
    pos = PAIRS * 2.0 if "y[0]" not in body else np.vstack([np.zeros((1, 3)), PAIRS])
    with np.errstate(all="ignore"):
        assert_right(source, (pos,))


@pytest.mark.parametrize("call", ["h = layer((W, b), x)", "p = (W, b)\n        h = layer(p, x)"])
def test_a_tuple_of_arrays_of_two_shapes_given_to_a_helper(call):
    # a tuple display as the argument was refused; named first, the helper's backward raised
    # ValueError (np.zeros_like of the tuple, read as one array)
    source = f'''
    import numpy as np
    def layer(params, x):
        W, b = params
        return np.tanh(x @ W + b)
    def f(x: "N, D", W: "D, M", b: "M"):
        {call}
        return np.sum(h ** 2)
    '''
    rng = np.random.default_rng(4)
    assert_right(source, (rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)))


@pytest.mark.parametrize("source, args", [
    # a tuple or list given to a helper that joins or repeats it: was added or multiplied item by item
    # ((-0.4, 0) for (-0.2, 0.4)), or raised in the backward
    ("import math\ndef g(p):\n    q = p * 2\n    return q[3] * q[0]\ndef f(x, y):\n    return g((x, y))\n", (0.4, -0.2)),
    ("import math\ndef g(p):\n    q = p * 2\n    return q[3] * q[0]\ndef f(x, y):\n    t = (x, y)\n    return g(t)\n",
     (0.4, -0.2)),
    ("import math\ndef g(p):\n    q = p + p\n    return q[3] * q[0]\ndef f(x, y):\n    t = [x, y]\n    return g(t)\n",
     (0.4, -0.2)),
    # a helper's result may be an item of a tuple given it: a write into it writes into that item
    ("import numpy as np\ndef pick(p):\n    return p[0]\ndef f(x: '3', y: '3'):\n    v = x * 1.0\n"
     "    a = pick((v, y))\n    a[0] = 0.0\n    return np.sum(v * v)\n", (np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))),
    # a tuple holding a list given to a helper (raised in the backward)
    ("import math\ndef g(p):\n    return p[0][1] * p[1]\ndef f(x, y):\n    v = [x, y]\n    return g((v, x))\n", (0.5, 0.7)),
])
def test_tuples_and_lists_given_to_helpers_are_right_or_refused(source, args):
    try:
        assert_right(source, args)
    except backgen.BackgenError:
        pass  # (refused: allowed; a wrong gradient or a crash is not)


def test_two_functions_given_one_list_add_their_gradients_item_by_item():
    # the two gradients, lists, were joined by +=: [3.0, 3.0, 0.6, 1.0] for [3.6, 4.0]
    source = '''
    def h1(xs):
        return sum(x * x for x in xs)
    def h2(xs):
        t = 0.0
        for x in xs:
            t = t + 3.0 * x
        return t
    def f(xs):
        return h1(xs) + h2(xs)
    '''
    namespace, generated = {}, {}
    exec(textwrap.dedent(source), namespace)
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    xs = [0.3, 0.5]
    got = generated["f_backward"](list(xs))
    h = 1e-6
    want = [(namespace["f"](xs[:i] + [xs[i] + h] + xs[i + 1:]) - namespace["f"](xs[:i] + [xs[i] - h] + xs[i + 1:])) / (2 * h)
            for i in range(2)]
    assert len(got) == 2
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-6)


@pytest.mark.parametrize("step", [
    "prev = h0 if t == 0 else h[t - 1]",
    "if t == 0:\n                prev = h0\n            else:\n                prev = h[t - 1]",
])
def test_the_previous_row_read_back_or_the_first_state_then_a_write_into_the_next_row(step):
    # prev is h0 or a view of h: the write into h[t] made h0 stale, as though h0 shared h's memory, and
    # the function was refused (the if statement: prev, read by no later iteration, was checked too)
    source = f'''
    def f(x: "T, H", h0: "H", W: "H, H"):
        T, H = x.shape
        h = np.zeros((T, H))
        for t in range(T):
            {step}
            h[t] = np.tanh(x[t] + prev @ W)
        return np.sum(h ** 2)
    '''
    rng = np.random.default_rng(7)
    assert_right(source, [rng.normal(size=(3, 2)), np.array([0.3, -0.2]), rng.normal(size=(2, 2))])


@pytest.mark.parametrize("source, s", [
    # c is a on one path, b on the other: a write into a changes c there, and a write into c changes a or b
    ('''
    def f(x: "3", y: "3", s: float):
        a = x * 1.0
        b = y * 1.0
        c = a if s > 0 else b
        a[0] = 5.0
        return np.sum(c * c) + np.sum(b * x)
    ''', 0.5),
    ('''
    def f(x: "3", y: "3", s: float):
        a = x * 1.0
        b = y * 1.0
        c = a if s > 0 else b[1:]
        c[0] = 5.0
        return np.sum(a * a) + np.sum(b * x)
    ''', -0.5),
    ('''
    def f(x: "3", y: "3", s: float):
        a = x * 1.0
        b = y * 1.0
        c = a if s > 0 else b[1:]
        c[0] = 5.0
        return np.sum(a * a) + np.sum(b * x)
    ''', 0.5),
])
def test_a_value_of_one_path_or_another_still_shares_memory_with_each(source, s):
    try:
        assert_right(source, [np.array([0.3, 0.5, -0.2]), np.array([1.0, 2.0, 0.4]), s])
    except backgen.BackgenError:
        pass  # (refused: allowed; a wrong gradient or a crash is not)


# --- integer inputs: gradients are floats ----------------------------------------------------------

@pytest.mark.parametrize("source, args", [
    ('''
    def f(x: "4"):
        s = 0.0
        for i in range(4):
            s += x[i] * x[i] * 0.7
        return s
    ''', [np.arange(4)]),
    ('''
    def f(x: "4"):
        y = x[::2]
        s = 0.0
        for i in range(2):
            s = s + y[i] * 3.5
        return s
    ''', [np.arange(4)]),
    ('''
    def f(x: "2, 3"):
        out = np.zeros((2, 3))
        for i in range(2):
            for j in range(3):
                out[i, j] = x[i, j] * x[i, j] * 0.3
        return np.sum(out)
    ''', [np.arange(6).reshape(2, 3)]),
    ('''
    def f(x: "3, 4", W: "4, 2"):
        h = x @ W
        s = 0.0
        for i in range(3):
            s = s + np.sum(h[i] * h[i]) * 0.5
        return s
    ''', [np.arange(12).reshape(3, 4), np.arange(8).reshape(4, 2)]),
    ('''
    def f(x: "4"):
        y = np.sign(x)
        return np.sum(y[1:] * x[1:] * 1.5)
    ''', [np.arange(4) + 1]),
])
def test_integer_arrays_given_to_code_for_shapes_get_gradients_of_floats(source, args):
    # the adjoints written part by part were np.zeros_like(x) of x's integers: [0 0 2] for [0, 1.4, 2.8]
    assert_right(source, args)


def test_a_layer_given_integer_arrays_gets_gradients_of_floats():
    # the layer's backward made dW = np.zeros_like(W) of the cache's integers, truncating each row added
    source = textwrap.dedent('''
    import numpy as np

    def f(X: "3, 2", W: "2, 4"):
        scores = X.dot(W)
        loss = 0.0
        for i in range(3):
            loss += np.sum(scores[i] * scores[i]) * 0.25
        cache = (X, W, scores)
        return loss, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    X, W = np.array([[1, 2], [0, 3], [2, 1]]), np.array([[1, 0, 2, 1], [0, 1, 1, 3]])
    _, cache = namespace["f"](X, W)
    got = generated["f_backward"](1.0, cache)
    want = finite_differences(lambda X, W: namespace["f"](X, W)[0], [X, W], range(2), (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


# --- a fresh array each iteration, written into and carried out under another name ---------------

@pytest.mark.parametrize("source, args", [
    ('''
    def f(u: "3"):
        for t in range(2):
            new = np.zeros(3)
            for i in range(3):
                new[i] = u[i] * 0.5 + u[(i + 1) % 3] * u[i]
            u = new
        return np.sum(u ** 2)
    ''', [np.array([0.3, -0.5, 0.8])]),
    ('''
    def f(u: "5", alpha: float):
        for t in range(3):
            new = u.copy()
            for i in range(1, 4):
                new[i] = u[i] + alpha * (u[i - 1] - 2 * u[i] + u[i + 1])
            u = new
        return np.sum(u ** 2)
    ''', [np.array([0.3, -0.5, 0.8, 0.1, 0.4]), 0.2]),
    ('''
    def f(u: "3"):
        s = 0.0
        for t in range(2):
            new = np.zeros(3)
            new[1:] = u[:2] * u[1:]
            new[0] = u[2]
            s = s + np.sum(new * u)
            u = new
        return s + np.sum(u)
    ''', [np.array([0.3, -0.5, 0.8])]),
])
def test_a_buffer_made_anew_in_each_iteration_is_not_the_one_carried_in(source, args):
    # refused: "this writes into 'new', whose value from the previous iteration is kept under another
    # name (u)", though each iteration writes into the array it has just made
    assert_right(source, args)


@pytest.mark.parametrize("body", [
    "new[0] = u[1]\n            u = new",
    "new[1] = u[0] * 2.0\n            v = new\n            u = v",
])
def test_a_buffer_made_before_the_loop_and_written_in_it_is_followed(body):
    # the next iteration writes into the array u holds, u read before the write only and bound again
    # after it: followed (refused before); u read after the write is refused (test_real_files_hunt)
    assert_right(f'''
    def f(u: "3"):
        new = np.zeros(3)
        for t in range(2):
            {body}
        return np.sum(u ** 2)
    ''', [np.array([0.3, -0.5, 0.8])])


# --- reversed(xs) of a list of numbers in code for numbers ------------------------------------------

@pytest.mark.parametrize("source, args, as_list", [
    ('''
    def f(xs):
        s = 0.0
        for x in reversed(xs):
            s = s * 0.5 + math.sin(x)
        return s
    ''', [[0.1, 0.2, 0.3]], True),
    ('''
    def f(xs, w):
        acc = 0.0
        for x in reversed(xs):
            acc = acc * w + x
        return acc
    ''', [[0.1, 0.2, 0.3], 0.5], True),
    ('''
    def f(xs, w):
        ys = [x * w for x in reversed(xs)]
        return ys[0] * 2.0 + ys[1] * ys[2]
    ''', [[0.3, 0.7, 1.1], 0.5], True),  # (ys built by the comprehension itself: plain code over lists, as for
    # ys = [] then ys.append(x * w) in a loop)
    ('''
    def f(xs, w):
        acc = 0.0
        for i, x in enumerate(reversed(xs)):
            acc = acc * w + x * (i + 0.5)
        return acc
    ''', [[0.1, 0.2, 0.3], 0.5], False),  # (x = xs[-1 - i]: as for enumerate(xs))
    ('''
    def f(xs, ys):
        s = 0.0
        for x, y, z in zip(reversed(xs), ys, reversed(ys)):
            s = s * 0.5 + x * y - z
        return s
    ''', [[0.1, 0.2, 0.3], [1.0, 2.0, 3.5]], False),  # (x = xs[-1 - k], y = ys[k], z = ys[-1 - k])
    ('''
    def f(pairs):
        s = 0.0
        for a, b in reversed(pairs):
            s = s * 0.5 + a * b
        return s
    ''', [[(0.1, 1.0), (0.2, 2.0), (0.4, -1.5)]], False),  # (a, b = pairs[-1 - k]: as for pairs)
])
def test_reversed_of_a_list_of_numbers_is_read_item_by_item(source, args, as_list):
    # xs[::-1] made the code shape-generic, which raised its own TypeError for a list ("pass np.asarray(xs)")
    got, want = run_case(source, args)
    assert isinstance(got[0], list) == as_list  # (the gradient of a list of numbers: a list)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_reversed_of_an_array_or_a_list_of_arrays_counts_down():
    assert_right('''
    def f(X: "4, 3", W: "3, 3"):
        hs = []
        h = np.zeros(3)
        for row in reversed(X):
            h = np.tanh(row + h @ W)
            hs.append(h)
        s = 0.0
        for h in reversed(hs):
            s = s * 0.5 + np.sum(h * h)
        return s
    ''', [X.T[:, :3] * 1.0, np.arange(9.0).reshape(3, 3) / 10 - 0.3])


# --- a loop that runs no iteration at the sizes of the call ----------------------------------------

def _differences(x):
    N = x.shape[0]
    total = 0.0
    for i in range(N - 1):
        d = x[i + 1] - x[i]
        total = total + np.sum(d * d)
    return total + np.sum(x[0] ** 3)


def _pairs(x, k):
    n = len(x)
    s = 0.0
    for i in range(n - k):
        s = s + np.sum(x[i + k] * x[i]) * 0.5
    return s + np.sum(np.tanh(x))


def _running(x):
    N = x.shape[0]
    y = x.copy()
    i = 1
    while i < N:
        y[i] = y[i] + y[i - 1] * 0.5
        i += 1
    return np.sum(y ** 2)


@pytest.mark.parametrize("func, shapes, extra", [
    (_differences, [(1, 3), (4, 3), (1, 2), (2, 3), (5, 2)], ()),
    (_pairs, [(2, 3), (5, 3), (2, 4), (3, 3), (1, 3)], (2,)),
    (_running, [(1, 3), (4, 3), (1, 2), (2, 2)], ()),
])
def test_a_loop_the_sizes_run_no_iteration_is_left_out_of_the_code_for_them(func, shapes, extra):
    # refused at batch size 1 through the decorator: the walk of the loop's body, which the sizes never
    # run, read x[1] of one row ("NumPy raises on line ... index 1 is out of bounds")
    g = backgen.backward(func)
    rng = np.random.default_rng(8)
    for shape in shapes:  # (one decorated function: each size's code kept for the sizes it holds for)
        x = rng.standard_normal(shape)
        got = g.backward(x, *extra)
        want = finite_differences(lambda x: func(x, *extra), [x], [0], (1.0,))[0]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _counted(x):
    n = 0
    for i in range(x.shape[0]):
        n = n + int(x[i, 0] > 0)
    s = np.sum(x ** 2)
    for j in range(n - 1):
        s = s + np.sum(x[j] * x[j + 1])
    return s


def _counted_on(x, k):
    for i in range(x.shape[0]):
        k = k + int(x[i, 0] > 0)
    s = np.sum(x ** 2)
    for j in range(k - 1):
        s = s + np.sum(x[j] * x[j + 1])
    return s


@pytest.mark.parametrize("func, extra", [(_counted, ()), (_counted_on, (0,))])
def test_a_loop_a_count_of_the_data_bounds_is_kept_though_it_runs_no_iteration(func, extra):
    # a count the data decide is no size (nor an integer given that a loop adds to): the code written
    # where it is 1 (no iteration) must hold where it is 3
    g = backgen.backward(func)
    for x in (np.array([[1.0, 2.0], [-1.0, 0.5], [-2.0, 0.3]]), np.array([[1.0, 2.0], [1.0, 0.5], [2.0, 0.3]])):
        want = finite_differences(lambda x: func(x, *extra), [x], [0], (1.0,))[0]
        np.testing.assert_allclose(g.backward(x, *extra), want, rtol=1e-5, atol=1e-6)


# --- numbers given to calls made for arrays ------------------------------------------------------

@pytest.mark.parametrize("annotation", ["float", "None"])
def test_a_number_sorted_flat_gets_a_number_back(annotation):
    # np.sort(x, axis=None) of a number is one element: its gradient read a.shape of the float
    # (AttributeError at run time)
    assert_right(f'''
    def f(a: {annotation}):
        return np.sort(a, axis=None) * 2.0
    ''', [0.7], dout=np.array([1.5]))


def test_numbers_stacked_as_columns_get_one_element_each():
    # np.column_stack([x, x]) of a number x is (1, 2): the gradient of x was dout[:, :1], (1, 1),
    # added into a number (ValueError at run time)
    assert_right('''
    def f(x: float, w: "1, 2"):
        t = np.column_stack([x, w, x * w[0, 1]])
        t -= np.atleast_2d(x)
        return t
    ''', [0.7, np.array([[0.3, -1.2]])], dout=np.array([[1.5, 2.0, -0.7, 3.0]]))


@pytest.mark.parametrize("annotation", ['"3, 4"', "None"])
def test_shapes_joined_with_tuples_written_out(annotation):
    # (2,) + x.shape and x.shape[:-1] + (2, 2) were refused: "tuples are only supported as
    # arguments of calls and in indexing"; tuples of arrays joined so stay refused, as lists
    assert_right(f'''
    def f(a: {annotation}, b: {annotation}):
        h = a.reshape(a.shape[:-1] + (2, 2))
        s = h.shape + (1,)
        return np.broadcast_to(h, (2,) + h.shape) * b.reshape(s)[..., 0]
    ''', [X, np.linspace(-1.0, 1.3, 12).reshape(3, 4)], dout=np.linspace(0.5, 2.0, 24).reshape(2, 3, 2, 2))
    assert_refused('''
    def f(a: "3, 4", b: "3, 4"):
        t = (a,) + (b,)
        return t[0] * t[1]
    ''', [X, X], "joins or repeats lists")


@pytest.mark.parametrize("annotation", ['"3, 4"', "None"])
def test_np_tri_is_a_constant_as_np_eye_is(annotation):
    # np.tri(3) @ a was refused: "np.tri has no derivative rule in backgen"
    assert_right(f'''
    def f(a: {annotation}):
        return np.tri(a.shape[0]) @ a + np.tri(a.shape[0], a.shape[1], -1) * a
    ''', [X], dout=np.linspace(0.5, 2.0, 12).reshape(3, 4))


@pytest.mark.parametrize("body", ["return x[int(np.argmax(w))] * w",
                                  "i = int(np.argmax(w))\n        return x[i - 1, :] * w + x[:, i][:, None]",
                                  "return x[np.int64(1)] * w"])
def test_an_integer_made_of_a_number_indexes_one_element(body):
    # x[int(np.argmax(w))] * w was refused: "'x[i]' is selected by a boolean mask, so its length
    # depends on the data": an integer index item selects one row wherever it points
    assert_right(f'''
    def f(x: "3, 4", w: "4"):
        {body}
    ''', [X, np.array([0.3, -0.7, 1.1, 0.45])], dout=np.linspace(0.5, 2.0, 12).reshape(3, 4)[0 if "None" not in body else ...])


@pytest.mark.parametrize("shape", [(3, 4), (1, 1)])
def test_np_polyval_of_rows_of_coefficients_is_refused(shape):
    # np.polyval(p, x) of a 2-D p (each coefficient a row, broadcast against x): p's gradient was
    # the vector's, (1,) for p of (1, 1), and np.polyder raised for (3, 4) (ValueError at run time)
    p = np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape) / 10
    assert_refused(f'''
    def f(p: "{shape[0]}, {shape[1]}", x: "4"):
        return np.polyval(p, x)
    ''', [p, np.array([0.3, -0.7, 1.1, 0.45])], "np.polyval is differentiated for a vector of coefficients")
    assert_right('''
    def f(p: "3", x: "4"):
        return np.polyval(p, x) * x
    ''', [np.array([0.5, -1.0, 2.0]), np.array([0.3, -0.7, 1.1, 0.45])], dout=np.linspace(0.5, 2.0, 4))


@pytest.mark.parametrize("annotation", ['"3"', "None"])
def test_a_helper_for_numbers_handing_back_a_0d_view_of_dout_thrice(annotation):
    # h's backward, written for numbers, hands back the dout it is given for u, v and w; here a 0-d
    # view (datleast_1d.reshape(())), so ds += ds_h; ds += ds_h2 doubled it twice: dx 12.0 for 9.0,
    # and through dout.reshape(()) the caller's dout was changed
    source = '''
    def h(u, v, w):
        return u + v + w
    def f(x: {0}):
        s = np.sum(x)
        return np.atleast_1d(h(s, s, s)) * 2.0, h(s, s, s).reshape(-1)
    '''.format(annotation)
    assert_right(source, [V3.copy()], dout=(np.array([1.5]), np.array([-0.5])))


@pytest.mark.parametrize("bound", ["len(x)", "1"])
def test_a_nested_loop_running_no_iteration_leaves_nothing_unbound(bound):
    # the outer loop's backward zeroed dt with np.zeros_like(t_1), t_1 restored only in the inner
    # loop, which range(1, 1) (x of one element) runs no time: UnboundLocalError at run time
    assert_right(f'''
    def f(x: "1", w: "3"):
        for k in range(2):
            t = x * w[k]
            for i in range(1, {bound}):
                t[i] = t[i - 1] * x[i]
        return t
    ''', [np.array([0.3]), V3.copy()], dout=np.array([1.5]))


@pytest.mark.parametrize("body", ["return np.sum(x).reshape(-1)", "return np.array([np.sum(x)])",
                                  "return np.atleast_1d(np.sum(x) * x[0])"])
def test_an_output_of_one_element_read_as_an_array_needs_its_dout(body):
    # dout defaulted to 1.0 for an output of shape (1,), and the backward read dout.reshape(()) or
    # dout[0] of the float (AttributeError, TypeError at run time); now dout is asked for
    source = f'''
    def f(x: "3"):
        {body}
    '''
    assert_right(source, [V3.copy()], dout=np.array([1.5]))
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    with pytest.raises(TypeError, match="dout"):
        generated["f_backward"](V3.copy())


def test_np_polyval_without_shapes_gives_p_its_shape():
    # without shapes, p's gradient was the vector's: (1,) for a p of (1, 1) given at run time;
    # rows of coefficients raise there rather than give a gradient of another shape
    source = '''
    def f(p, x):
        return np.polyval(p, x)
    '''
    x = np.array([0.3, -0.7, 1.1, 0.45])
    assert_right(source, [np.array([[0.5]]), x], dout=np.linspace(0.5, 2.0, 4))
    assert_right(source, [np.array([0.5, -1.0, 2.0]), x], dout=np.linspace(0.5, 2.0, 4))
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    with pytest.raises(ValueError):
        generated["f_backward"](np.ones((2, 4)), x, np.ones(4))


def test_the_gradient_of_a_value_a_loop_may_leave_unset_is_copied_as_a_number_may_be():
    # b and c set only in iterations that do not `continue`: the gradient of b at an iteration's start
    # is 0.0 where b is still None, and the next iteration's copy of it, db_1 = db.copy(), raised
    # "'float' object has no attribute 'copy'" (long fuzz, seed 81818, program 14053); np.copy takes both
    source = '''
    def f(s: float, X: "1, 4", W: "1, 4"):
        for row in W.T:
            if (1.0 + row).max() < 2.1:
                continue
            a, b = np.stack([X, X ** 2]), np.power(np.minimum(W, np.divide(W, 1.0 + W * W)), 2)
            c = -np.min(b)
        if np.minimum(c, 0.5) < -0.3:
            return np.mean(b), a
        d = a.min()
        e = b[:, -4] - d * c
        return s, e
    '''
    X = np.array([[0.93, 0.91, 0.62, -0.85]])
    W = np.array([[0.64, 1.16, 1.07, -0.85]])
    assert_right(source, [0.31, X, W], dout=(0.7, np.array([1.3])))


def test_a_helper_loop_written_out_twice_carries_its_value_in_each_copy():
    # step's body, written where it is called (its result may be s itself, which the caller writes into),
    # once in the loop's first iteration written out before the loop (v changes shape there) and once
    # in the loop: both copies keep the call's place, and the loop in the second was looked up by that
    # place, found as the first copy, whose reads after it are of the first copy's names: the second's
    # a was not carried out of its loop and read as p (long fuzz, seed 91919, program 5044)
    source = '''
    def step(p):
        a = p
        for i in range(3):
            a = np.log(p * p)
        return (a * 2.0, a)

    def f(v: "4", X: "1, 4"):
        s = X / 2.0
        for k in range(2):
            w = v * 1.0
            v, a = step(s)
            s[-1] = a.mean()
        return s
    '''
    X = np.array([[-0.49, -0.62, 0.74, 0.31]])
    assert_right(source, [np.array([0.59, 1.15, 0.39, 1.14]), X], dout=np.array([[0.3, -0.2, 0.5, 0.9]]))


@pytest.mark.parametrize("W, da", [(np.array([[0.30, 1.16, -0.41, 0.31]]), 0.4),
                                   (np.array([[1.9, 1.7, 1.8, 2.2]]), np.array([[0.4], [-0.2], [0.3], [0.1]]))])
def test_a_number_a_loop_turns_into_an_array_is_still_a_number_on_a_path_around_the_loop(W, da):
    # a = 0.3, which the loop replaces by an array: the number is where the loop starts, but on the path
    # that skips the loop (the test false) a stays the number, and the code written for the array's
    # shape summed its gradient to (1, 1) and copied dout1 as an array ("'float' object has no attribute
    # 'copy'"; long fuzz, seed 20261203, program 8937); each path now has its own code
    source = '''
    def f(s: float, W: "1, 4"):
        a = 0.3
        if np.subtract(3.0, W).max() < 1.6:
            for i in range(W.shape[0]):
                a = W.reshape(-1, 1)
        return a, np.sum((a - 0.7) * (np.sign(W) * W)) * s
    '''
    assert_right(source, [0.97, W], dout=(da, 1.3))


@pytest.mark.parametrize("call", ["lin(x, W)", "lin(x, W, None)", "lin(x, W, mode='affine')"])
def test_a_write_into_a_helper_result_given_none_or_a_string_is_followed(call):
    # a helper given None (its default b=None) or a string: that argument was taken for a constant
    # array the result may hold, so the write into the result was refused as one into that "array"
    source = '''
    def lin(z, W, b=None, mode="affine"):
        out = z @ W
        if b is not None:
            out = out + b
        return out

    def f(x: "N, D", W: "D, H"):
        h = CALL
        h[h > 1.0] = 1.0
        return np.sum(h * h)
    '''.replace("CALL", call)
    x = np.array([[0.5, -1.2, 0.8], [1.5, 0.3, -0.7]])
    W = np.array([[0.9, -0.4], [0.2, 0.7], [1.1, 0.5]])
    assert_right(source, [x, W])


def test_a_loop_over_a_list_of_layers_written_out_before_an_if_written_anew():
    # the loop over params is written out one layer after another, with i = 1 after it (the loop
    # variable, read by the next loop where it may run no iteration): that line's name had no
    # place in the source, and the walk of what an if written anew leaves live read it (an internal
    # error: 'Name' object has no attribute 'lineno')
    source = textwrap.dedent('''
    def f(x: "N, 3", params):
        h = x
        for i in range(len(params)):
            W, b = params[i]
            h = h @ W + b
            if i < len(params) - 1:
                h = np.maximum(h, 0.0)
        h += 1.0
        z = np.zeros_like(h)
        for i in range(h.shape[0]):
            z[i] = np.tanh(h[i])
        return np.sum(z), z
    ''')
    shapes = {"params": [("3, 4", "4"), ("4, 3", "3")]}
    text = backgen.generate(source, shapes=shapes)
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(compile(text, "<generated>", "exec"), generated)
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3)
    params = [(rng.randn(3, 4), rng.randn(4)), (rng.randn(4, 3), rng.randn(3))]
    douts = (0.7, rng.randn(2, 3))
    dx, dparams = generated["f_backward"](x, params, *douts)
    want_x, want_params = finite_differences(namespace["f"], [x, params], [0, 1], douts)
    np.testing.assert_allclose(dx, want_x, rtol=1e-5, atol=1e-6)
    for got_layer, want_layer in zip(dparams, want_params):
        for got, want in zip(got_layer, want_layer):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


DROPOUT_LAYER = '''
def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    else:
        out = x
    cache = (dropout_param, mask)
    return out, cache
'''


@pytest.mark.parametrize("caller", [
    "def f(x{ann}, dropout_param):\n    d, cache = dropout_forward(x, dropout_param)\n    return np.sum(d * d)",
    "def f(x{ann}, dropout_param):\n    h = np.tanh(x)\n    d, _ = dropout_forward(h, dropout_param)\n    return np.sum(d)",
])
@pytest.mark.parametrize("ann", ["", ': "N, D"'])
def test_a_layer_drawing_random_numbers_called_where_its_cache_is_not_kept_is_refused(caller, ann):
    # its backward took the forward's inputs and drew the mask again (a new one: the seed call is left
    # out), and the caller's forward pass drew another: the gradient of other masks than the call's
    source = DROPOUT_LAYER + "\n\n" + caller.format(ann=ann) + "\n"
    with pytest.raises(backgen.BackgenError, match=r"draws random numbers .*np\.random\.rand"):
        backgen.generate(source, name="f")


@pytest.mark.parametrize("call", ["leaky_relu_forward(a)", "leaky_relu_forward(a, alpha=0.3)",
                                  "leaky_relu_forward(x=a)"])
def test_a_layer_built_from_layers_calling_one_without_its_defaulted_number(call):
    # leaky_relu_backward returns dx and dalpha (alpha, a float, carries a gradient); the call left alpha
    # to its default, and the composed backward took both as da (da = leaky_relu_backward(...), a tuple);
    # a call giving an argument by keyword was not read as a layer's (the cache "held nothing")
    source = textwrap.dedent('''
    def affine_forward(x, w, b):
        out = x.reshape(x.shape[0], -1) @ w + b
        return out, (x, w, b)

    def leaky_relu_forward(x, alpha=0.1):
        out = np.where(x > 0, x, alpha * x)
        cache = (x, alpha)
        return out, cache

    def affine_leaky_forward(x, w, b):
        a, fc_cache = affine_forward(x, w, b)
        out, relu_cache = CALL
        cache = (fc_cache, relu_cache)
        return out, cache
    ''').replace("CALL", call)
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(compile(backgen.generate(source, name="affine_leaky_forward"), "<generated>", "exec"), generated)
    rng = np.random.RandomState(3)
    x, w, b, dout = rng.randn(3, 2, 2), rng.randn(4, 5), rng.randn(5), rng.randn(3, 5)
    _, cache = namespace["affine_leaky_forward"](x, w, b)
    got = generated["affine_leaky_backward"](dout, cache)
    want = finite_differences(lambda *a: namespace["affine_leaky_forward"](*a)[0], [x, w, b], [0, 1, 2], (dout,))
    assert len(got) == 3
    for g, w_ in zip(got, want):
        np.testing.assert_allclose(g, w_, rtol=1e-5, atol=1e-6)


def test_a_cache_name_given_a_value_after_holding_a_layers_cache():
    # CS231n's FullyConnectedNet: out, cache = affine_relu_forward(...) then scores, cache =
    # affine_forward(...), each cache appended to caches; the layers, given entries of params, are
    # written out in the caller, so the second cache is a tuple of values, but the name was still
    # taken for the first layer's cache: 'cache' holds the cache relu_forward() returns (refused)
    source = textwrap.dedent('''
    def affine_forward(x, w, b):
        out = x.reshape(x.shape[0], -1).dot(w) + b
        cache = (x, w, b)
        return out, cache

    def relu_forward(x):
        out = np.maximum(0, x)
        cache = x
        return out, cache

    def affine_relu_forward(x, w, b):
        a, fc_cache = affine_forward(x, w, b)
        out, relu_cache = relu_forward(a)
        cache = (fc_cache, relu_cache)
        return out, cache

    def f(X, params):
        num_layers = 2
        caches = []
        out = X
        for i in range(num_layers - 1):
            W = params['W%d' % (i + 1)]
            b = params['b%d' % (i + 1)]
            out, cache = affine_relu_forward(out, W, b)
            caches.append(cache)
        W = params['W%d' % num_layers]
        b = params['b%d' % num_layers]
        scores, cache = affine_forward(out, W, b)
        caches.append(cache)
        return np.sum(scores ** 2)
    ''')
    shapes = {"X": "N, 2, 3", "params": {"W1": "6, 4", "b1": "4", "W2": "4, 3", "b2": "3"}}
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(compile(backgen.generate(source, name="f", shapes=shapes), "<generated>", "exec"), generated)
    rng = np.random.RandomState(5)
    X = rng.randn(3, 2, 3)
    params = {"W1": rng.randn(6, 4), "b1": rng.randn(4), "W2": rng.randn(4, 3), "b2": rng.randn(3)}
    dX, dparams = generated["f_backward"](X, params)
    want_X, want_params = finite_differences(namespace["f"], [X, params], [0, 1], (1.0,))
    np.testing.assert_allclose(dX, want_X, rtol=1e-5, atol=1e-6)
    for key in params:
        np.testing.assert_allclose(dparams[key], want_params[key], rtol=1e-5, atol=1e-6)


class _NormNet:
    """CS231n's FullyConnectedNet, its normalization a setting of the object (None: none)."""

    def __init__(self, normalization, reg=0.1):
        rng = np.random.RandomState(6)
        self.normalization = normalization
        self.reg = reg
        self.num_layers = 2
        self.params = {"W1": rng.randn(6, 4), "b1": rng.randn(4), "W2": rng.randn(4, 3), "b2": rng.randn(3)}
        if normalization == "layernorm":
            self.params.update(gamma1=1.0 + rng.randn(4) * 0.1, beta1=rng.randn(4) * 0.1)

    def loss(self, X, y):
        h = X.reshape(X.shape[0], -1)
        for i in range(1, self.num_layers):
            h = h.dot(self.params['W' + str(i)]) + self.params['b' + str(i)]
            if self.normalization == "layernorm":
                mu = h.mean(axis=1, keepdims=True)
                h = (h - mu) / np.sqrt(h.var(axis=1, keepdims=True) + 1e-5)
                h = h * self.params['gamma' + str(i)] + self.params['beta' + str(i)]
            h = np.maximum(h, 0.0)
        scores = h.dot(self.params['W' + str(self.num_layers)]) + self.params['b' + str(self.num_layers)]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[np.arange(X.shape[0]), y].mean()
        for i in range(1, self.num_layers + 1):
            loss += 0.5 * self.reg * np.sum(self.params['W' + str(i)] ** 2)
        return loss


@pytest.mark.parametrize("normalization", [None, "layernorm"])
def test_a_method_reading_a_setting_of_self_that_leaves_out_keys_of_its_params(normalization):
    # self.normalization, None, was a parameter, not its value: the if reading gamma1 (a key the
    # params of a model without normalization lack) was not decided, and the key refused
    model = _NormNet(normalization)
    rng = np.random.RandomState(7)
    X, y = rng.randn(5, 2, 3), rng.randint(0, 3, size=5)
    dparams, dX = backgen.backward(model.loss).backward(X, y)

    def loss(params, X):
        saved, model.params = model.params, params
        try:
            return model.loss(X, y)
        finally:
            model.params = saved
    want_params, want_X = finite_differences(loss, [dict(model.params), X], [0, 1], (1.0,))
    np.testing.assert_allclose(dX, want_X, rtol=1e-5, atol=1e-6)
    assert list(dparams) == list(want_params)
    for key in want_params:
        np.testing.assert_allclose(dparams[key], want_params[key], rtol=1e-5, atol=1e-6)


def _bn_layer(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    out = gamma * (x - mu) / np.sqrt(var + eps) + beta
    bn_param["running_mean"] = 0.9 * bn_param.get("running_mean", np.zeros_like(mu)) + 0.1 * mu
    return out, (x, gamma, mu, var, eps)


def _bn_net(x, gamma, beta, bn_params):
    out, cache = _bn_layer(x, gamma, beta, bn_params[0])
    return np.sum(np.tanh(out) ** 2)


def test_a_list_of_settings_dicts_carries_no_gradient():
    # bn_params = [{"mode": "train"}] was taken for a value: its gradient, [0.0 * v for v in bn_params],
    # raised TypeError (float times dict); once the forward had run, the dicts held running means too
    rng = np.random.RandomState(8)
    x, gamma, beta = rng.randn(4, 3), rng.randn(3), rng.randn(3)
    bn_params = [{"mode": "train"}]
    _bn_net(x, gamma, beta, bn_params)  # (the forward as a model runs it: running_mean now in the dict)
    got = backgen.backward(_bn_net).backward(x, gamma, beta, bn_params)
    want = finite_differences(lambda *a: _bn_net(*a, [{"mode": "train"}]), [x, gamma, beta], [0, 1, 2], (1.0,))
    assert len(got) == 3
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def _ln_layer(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = np.mean(x, axis=1, keepdims=True)
    x_hat = (x - mu) / np.sqrt(np.var(x, axis=1, keepdims=True) + eps)
    out = x_hat * gamma + beta
    cache = (x_hat, gamma, eps)
    return out, cache


def _ln_net(x, params, ln_param):
    out, cache = _ln_layer(x.dot(params["W1"]), params["gamma1"], params["beta1"], ln_param)
    return np.sum(np.tanh(out) ** 2)


def _ln_nets(x, params, ln_params):
    out, cache = _ln_layer(x.dot(params["W1"]), params["gamma1"], params["beta1"], ln_params[0])
    return np.sum(np.tanh(out) ** 2)


@pytest.mark.parametrize("net, settings", [(_ln_net, {"eps": 1e-5}), (_ln_nets, [{"eps": 1e-5}])])
def test_a_layer_written_out_in_its_caller_reads_its_settings_dict(net, settings):
    # given entries of params, the layer is written out in the caller, its ln_param a name of the
    # caller's (ln_param2 = ln_param, or = ln_params[0]) that was no settings dict any more:
    # ln_param2.get("eps", 1e-5) was refused as an unknown array method
    rng = np.random.RandomState(9)
    x = rng.randn(4, 3)
    params = {"W1": rng.randn(3, 3), "gamma1": rng.randn(3), "beta1": rng.randn(3)}
    dx, dparams = backgen.backward(net).backward(x, params, settings)
    want_x, want_params = finite_differences(lambda x, p: net(x, p, settings), [x, params], [0, 1], (1.0,))
    np.testing.assert_allclose(dx, want_x, rtol=1e-5, atol=1e-6)
    for key in params:
        np.testing.assert_allclose(dparams[key], want_params[key], rtol=1e-5, atol=1e-6)


def _written_then_multiplied(x, W, b2):
    d = np.tanh(x) * 2.0
    d[:, :2] = b2
    return np.sum(np.tanh(d @ W)) + np.sum(W * W)


def test_the_layer_form_caches_an_array_written_in_place_as_written():
    # the backward's forward writes d[:, :2] = b2 in place (the copy d_1 = d.copy() dropped, its adjoint
    # lines renamed to read d), but the layer form's forward kept the copy and cached d unwritten: the
    # gradient of W was taken at the array before the write
    rng = np.random.RandomState(10)
    x, W, b2 = rng.randn(3, 4), rng.randn(4, 5), rng.randn(2)
    layer = backgen.layer(_written_then_multiplied)
    out, cache = layer.forward(x, W, b2)
    assert out == pytest.approx(_written_then_multiplied(x, W, b2))
    got = layer.backward(1.0, cache)
    want = finite_differences(_written_then_multiplied, [x, W, b2], [0, 1, 2], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def _written_and_returned(x, W):
    h = np.tanh(x @ W) * 2.0
    h[:, 0] = 0.5
    return np.sum(h ** 2), h


def test_the_layer_form_returns_an_output_written_in_place():
    # with the copy dropped in the layer form's forward too, its output h_1 (h after the write) was
    # renamed h in its lines but returned as h_1: NameError
    rng = np.random.RandomState(11)
    x, W = rng.randn(3, 4), rng.randn(4, 5)
    douts = (0.7, rng.randn(3, 5))
    layer = backgen.layer(_written_and_returned)
    loss, h, cache = layer.forward(x, W)
    want_loss, want_h = _written_and_returned(x, W)
    assert loss == pytest.approx(want_loss)
    np.testing.assert_allclose(h, want_h)
    got = layer.backward(*douts, cache)
    want = finite_differences(_written_and_returned, [x, W], [0, 1], douts)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("source, args", [
    ("import numpy as np\ndef f(x):\n    return np.sum(np.sqrt(x - x) + x)\n", [X]),
    ("import numpy as np\ndef f(x):\n    d = np.subtract(x, x)\n    return np.sum(d ** 0.5 * x + x ** 2)\n", [X]),
    ("import numpy as np\ndef f(x, w):\n    h = x @ w\n    return np.sum(np.sqrt(h - h) + h)\n",
     [X, np.linspace(-0.5, 0.5, 8).reshape(4, 2)]),
    ("import math\ndef f(a, b):\n    return math.sqrt(a - a) + a * b\n", [1.5, -0.5]),
])
def test_a_value_minus_itself_carries_no_gradient(source, args):
    # x - x is 0 whatever x is: its gradient is 0, but the rule's 1 - 1 met sqrt's infinite derivative at 0
    # and gave nan (inf - inf), or raised ZeroDivisionError in plain Python (0.5 / 0.0)
    assert_right(source, args)


def test_the_variance_of_one_row_with_ddof_has_a_zero_gradient_not_a_division_by_zero():
    # np.var(x, axis=0, ddof=1) of one row is NaN whatever the row holds (NumPy warns), read here
    # only through an empty selection: the backward's 2 / (x.shape[0] - 1) raised ZeroDivisionError
    # (long fuzz seed 31337, program 5260); the spread of one number along the axes is a constant
    source = '''
    def f(x: "1, 3"):
        return np.sum(np.maximum(x[1:], np.var(x, axis=0, ddof=1))) + np.sum(x * x)
    '''
    with np.errstate(all="ignore"):
        assert_right(source, [np.array([[0.3, -0.5, 0.8]])])


# --- layers whose cache one mode builds, called by a function of arrays ------------------

LAYER_IN_A_MODE = '''
import numpy as np

def scaled_layer(x: "N, D", w: "D, M", cfg):
    out, cache = None, None
    mode = cfg.get("mode", "train")
    h1 = np.full((3, 5), 0.5)
    if mode == "train":
        cache = (w, x)
    if mode == "train":
        h = h1
    else:
        h = np.tanh(x.dot(w))
    out = h
    return out, cache

def f(x: "N, D", w: "D, M", cfg):
    o, c = scaled_layer(x, w, cfg)
    return o
'''


@pytest.mark.parametrize("mode", ["train", "test"])
def test_a_layer_written_into_its_caller_keeps_the_mode_building_no_cache(mode):
    """The layer, written into its caller, left its ``cache = None`` out: unbound in test mode, the read
    of it taken for one raising there, so the test mode's gradient (through tanh) was left out entirely.
    (The caller hands ``cfg`` on whole to the layer, which reads it as settings: settings here too.)"""
    rng = np.random.default_rng(41)
    assert_right(LAYER_IN_A_MODE, [rng.normal(size=(3, 4)), rng.normal(size=(4, 5))],
                 rng.normal(size=(3, 5)), settings={"cfg": {"mode": mode}})
