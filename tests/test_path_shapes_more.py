"""Values whose shape differs by path or by loop iteration, more of them accepted.

A helper holding a value of two shapes after an if has what follows the if written into each path,
as the function differentiated has (its backward runs its own forward pass, and the program split is
the same program).  Each case is checked against central finite differences in float64 on inputs
taking each path.
"""

import numpy as np
import pytest

from test_one_path_values import check, refused  # noqa: F401

X = np.arange(12.0).reshape(3, 4) / 10 + 0.1
R = np.array([[0.3, -0.2, 0.5, 0.1]])
V = np.array([0.5, -0.4, 0.6, 0.2])


def test_helper_value_of_two_shapes_after_an_if():
    # fuzz seed 2026120450 program 406: p is (1, 1) on one path, (1, 4) on the other
    check("""
        def step(p):
            if np.sum(p) < 0.5:
                p = np.var(np.maximum(p, 0.1) * 3.0, axis=-1, keepdims=True)
            return p[..., -1]

        def f(x, w):
            a = step(x)
            return a * np.sum(w * w)
        """, [(R, X), (R + 1.0, X)], {"x": "1, 4", "w": "3, 4"})


def test_helper_conditional_expression_of_two_shapes():
    # fuzz seed 2026120450 program 270: q = p if ... else 3.0, then q * p
    check("""
        def step(p, q):
            q = p if q[0, 3] < 0.0 else 3.0
            a = q * p * 1.5
            return a * 2.0, p.dot(np.ones(4))

        def f(x):
            x, a = step(x, x)
            b = a.T
            return a * (b / (1.5 + a * a)), b - 0.7
        """, [(R,), (-R,)], {"x": "1, 4"})


def test_helper_returning_a_shape_each_path_gives_is_written_out():
    # fuzz seed 2026120452 program 696: its callers' code is written for one shape of what it returns, so
    # the helper is written out in its caller (``inline``), where each path is followed (refused before)
    check("""
        def step(p):
            a = np.prod(p, axis=0)
            b = np.ones(4) * a[0]
            return b if np.sum(a) < 0.0 else p, p.dot(a)

        def f(x, v):
            v, a = step(x)
            v, a = v * a, a - v
            return a
        """, [(R.T, V), (np.abs(R.T), V)], {"x": "4, 1", "v": "4"})


def test_helper_returning_early_a_shape_of_its_own_is_written_out():
    # was a wrong gradient: each call's result of the shape the sample data's path gave it; then refused;
    # now written out in its caller, each call's paths followed (inputs taking each pair of them)
    check("""
        def step(p):
            if np.sum(p) > 0.0:
                return p.sum(axis=0) * 2.0
            return p * 2.0

        def f(x):
            return np.sum(step(x) * step(x * x - 0.3))
        """, [(X,), (-X,), (X * 0.2,), (-X * 0.3,)], {"x": "3, 4"})


def test_helper_tail_of_two_shapes_is_written_out_in_its_caller():
    # refused before ("step() returns a value of shape ..."): written out in its caller, each path followed
    check("""
        def step(p):
            if np.sum(p) > 0.0:
                p = p.sum(axis=0)
            return p * 2.0

        def f(x):
            return np.sum(step(x) * step(x * x - 0.3))
        """, [(X,), (-X,), (X * 0.2,), (-X * 0.3,)], {"x": "3, 4"})


@pytest.mark.parametrize("shapes", [{"x": "1, 4"}, {"x": "3, 4"}])
def test_helper_called_twice_with_a_split_tail(shapes):
    # the tail written into each path gives the helper's result one shape on both
    check("""
        def step(p):
            if np.sum(p) > 0.0:
                p = np.sqrt(np.sum(p * p, axis=-1, keepdims=True))
            return np.sum(p * 2.0 + 1.0, axis=-1)

        def f(x):
            return np.sum(step(x) * step(x * x - 0.3))
        """, [(R,), (-R,), (R - 0.2,)] if shapes["x"] == "1, 4" else [(X,), (-X,), (X - 0.6,)], shapes)


# A loop over the rows of a name its body binds again (by =): what is iterated given a name of its own
# before its first iteration is written out, which the loop then iterates as Python does the object it
# read as the loop started.

def test_loop_over_a_name_it_reshapes():
    # fuzz seed 2026120451 program 400
    check("""
        def f(x):
            for row in x:
                x = x.reshape(-1) * 1.5
            return x
        """, [(X,)], {"x": "3, 4"})


def test_loop_over_a_name_it_rebinds_writing_into_its_rows():
    # fuzz seed 2026120450 program 150: the rows are the array passed in, x is another array after
    check("""
        def f(x, w):
            x = x * 1.0
            for row in x:
                x = np.zeros((1, 3, 4)) + w
                row /= 1.0 + x.mean() * x.mean()
            return x, w * 1.0
        """, [(X, V)], {"x": "3, 4", "w": "4"})


@pytest.mark.parametrize("columns", [1, 3])
def test_loop_over_a_transpose_of_a_name_it_rebinds(columns):
    # fuzz seed 2026120452 program 648
    check("""
        def f(x):
            x[:, [0, 0, 0]] += x
            for row in x.T:
                x = row[1:]
                row = row * 0.5 + row
            x = x[1:]
            x[-1] += np.sum(x.clip(-0.6, 0.9))
            return x[[0, 0, 0]]
        """, [(X[:, :columns],)], {"x": f"3, {columns}"})


def test_loop_over_a_list_it_rebinds():
    check("""
        def f(x):
            hs = [x[0], x[1], x[2]]
            for h in hs:
                hs = hs[1:] + [h * 2.0]
                x = np.sum(x * h)
            return x + sum(hs)
        """, [(X,)], {"x": "3, 4"})


def test_loop_over_a_name_appended_to_is_not_written_out():
    # the list grows as it is iterated: no copy of it is what Python iterates
    refused("""
        def f(x):
            hs = [x[0], x[1]]
            s = 0.0
            for h in hs:
                s = s + h
                if len(hs) < 4:
                    hs.append(h * 2.0)
                hs = hs
            return s
        """, "which its body adds items to", {"x": "3, 4"})


# A conditional expression that is a statement's whole value, bound to names or returned, is written as an
# if whatever its test does: nothing is evaluated before the test, in the one form or the other.

def test_conditional_value_whose_test_calls_a_helper():
    # fuzz seed 2026120450 program 57
    check("""
        def layer(p):
            p, a = p, np.dot(p, np.arange(4.0))
            return a

        def f(v, x):
            a = np.reciprocal(1.0 + v * v) if np.sum(layer(x)) < 5.0 else np.tile(x, (2, 1))
            return v - -1.5, a
        """, [(V[:3], X), (V[:3], X * 3.0)], {"v": "3", "x": "3, 4"})


def test_conditional_value_whose_test_writes_into_an_argument():
    check("""
        def clamp(u):
            u[0] = 0.0
            return np.sum(u)

        def f(x):
            y = x * 1.0
            a = y * 2.0 if clamp(y) > 1.0 else np.sum(y * y)
            return a * x
        """, [(X,), (X * 0.1,)], {"x": "3, 4"})


def test_conditional_after_a_read_of_what_its_test_writes_into():
    # y[0, 0] is read before the test writes into y: the test cannot go first
    check("""
        def clamp(u):
            u[0] = 0.0
            return np.sum(u)

        def f(x):
            y = x * 1.0
            a = y[0, 0] + (y * 2.0 if clamp(y) > 1.0 else 3.0)
            return a * x
        """, [(X,), (X * 0.1,)], {"x": "3, 4"})


def test_enumerate_over_a_name_it_rebinds():
    check("""
        def f(x, w):
            for t, row in enumerate(x):
                x = np.sum(x * w, axis=0, keepdims=True) + t
                w = w * row
            return x, w
        """, [(X, V)], {"x": "3, 4", "w": "4"})


def test_zip_of_a_name_it_rebinds():
    check("""
        def f(x, y):
            for a, b in zip(x, y[1:]):
                y = np.outer(a, b).sum(axis=1) * 0.5
            return y
        """, [(X, X.T[:, :3] * 1.0)], {"x": "3, 4", "y": "4, 3"})


# enumerate and zip over a name the body binds again: Python iterates the object read as the loop started
# (was a wrong gradient: each item read from the name's new value).

@pytest.mark.parametrize("header", [
    "for t, row in enumerate(x):",
    "for row, b in zip(x, x):",
    "for (row, b) in zip(x, x[::-1]):",
    "for t, (row, b) in enumerate(zip(x, x)):",
    "for t, row in enumerate(reversed(x)):",
])
def test_items_of_a_sequence_its_loop_binds_again(header):
    check(f"""
        def f(x, w):
            {header}
                x = x * 2.0 + 1.0
                w = w * row
            return x, w
        """, [(X[:, :3].T * 1.0, V[:3] * 1.0)], {"x": "3, 3", "w": "3"})


def test_pairs_of_a_sequence_its_loop_binds_again():
    check("""
        def f(x, w):
            for a, b in x:
                x = x * 2.0 + 1.0
                w = w * a + b
            return x, w
        """, [(X[:, :2] * 1.0, V[:2] * 1.0)], {"x": "3, 2", "w": "2"})


@pytest.mark.parametrize("write", ["x += 1.0", "x[0] = x[0] * 0.5"])
def test_items_of_a_sequence_its_loop_writes_into(write):
    check(f"""
        def f(x, w):
            x = x * 1.0
            for t, row in enumerate(x):
                {write}
                w = w * row
            return x, w
        """, [(X[:, :3].T * 1.0, V[:3] * 1.0)], {"x": "3, 3", "w": "3"})


# A loop written out under the test that it runs (if 0 < len(x):), a value of two shapes after it: what
# follows is written into each path, and on the path where the loop does not run a name only its body
# binds is unbound: the read of it there raises, as it did after the loop, and that path ends so.

def test_name_only_a_loop_binds_read_after_a_written_out_loop():
    check("""
        def f(v, x):
            h = v.sum()
            for row in x:
                b = v * 2.0
                h = h * 0.5 + row
            return h * b
        """, [(V, X)], {"v": "4", "x": "3, 4"})


def test_name_only_a_loop_binds_read_in_an_if_after_it():
    # fuzz seed 2026120451 program 516
    check("""
        def f(x, v):
            a = np.full(3, 0.5)
            for row in a:
                b = v.flatten()
                b = b * 2.0 + b.sum()
                a, row = row, a
            if a < 0.6:
                c = b.dot(np.ones((3, 3)))
            return b[[0, 0]], b / 0.5
        """, [(X, V[:3])], {"x": "3, 4", "v": "3"})


def test_return_before_the_read_of_a_name_only_a_loop_binds():
    check("""
        def f(v, x):
            h = v.sum()
            for row in x:
                b = v * 2.0
                h = h * 0.5 + row
            if np.sum(v) < 0.0:
                return v * 3.0
            return h * b
        """, [(V, X), (-V, X)], {"v": "4", "x": "3, 4"})


def test_module_name_read_after_a_written_out_loop():
    check("""
        SCALE = 2.0

        def f(v, x):
            h = v.sum()
            for row in x:
                h = h * 0.5 + row
            return h * SCALE
        """, [(V, X)], {"v": "4", "x": "3, 4"})


def test_a_list_whose_items_have_a_shape_each_path_gives_is_refused():
    # (long fuzz seed 2026120462, program 2923: hs.append(a if a[0] < -1.8 else X) in a loop, whose first
    # iteration is written out: the walk of the code took hs[-1] for the shape of a on the path appending X,
    # and its gradient was summed to a's shape, a wrong gradient; now each path's items are walked, and the
    # shapes of hs[-1] on the two paths compared)
    refused("""
    def f(X: "1, 4", s: float, W: "3, 1"):
        a = np.min(X, axis=1)
        hs = []
        for i in range(2):
            hs.append(a if a[0] < -1.8 else X)
        b = hs[0] * hs[-1]
        return b * a
    """, r"'hs\[-1\]' has shape \(1,\) on one path through the branches and loops before it, and \(1, 4\)")
