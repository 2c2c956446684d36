"""Values a loop was taken to carry where it does not: each program is now right.

Each backward is checked against central finite differences (float64).
"""

import math
import textwrap

import numpy as np

import backgen
from numeric import finite_differences, same_again


def assert_right(source, args, shapes=None):
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    out = func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 1.0
    got = generated["f_backward"](*[a.copy() if isinstance(a, np.ndarray) else a for a in args], dout)
    got = got if len(args) > 1 else (got,)
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    want = finite_differences(fresh, list(args), range(len(args)), (dout,))
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return text


X34 = np.array([[0.43, 0.80, 0.46, 0.97], [-0.57, 0.51, 0.80, 1.03], [-0.66, 0.41, 1.09, 0.93]])


def test_loop_variable_rebound_to_a_number_after_a_breaking_if():
    # row is rebound to a number after `if ...: break`, read nowhere after that rebinding but by the
    # next iteration, which binds it anew: the if's two paths need not agree on row's shape
    src = """
    def f(X):
        a = X * X
        for row in a:
            b = row + row
            if (a * a)[0, 3] < 0.1:
                break
            row = math.log(math.atan(np.std(row, axis=-1, ddof=1)) + 1.0)
        return a * 2.0
    """
    assert_right(src, [X34.copy()], {"X": (3, 4)})


def test_loop_variable_rebound_then_value_of_its_own():
    src = """
    def f(X):
        a = X * 1.5
        t = np.zeros(4)
        for row in a:
            if np.sum(row) > 10.0:
                break
            t = t + row * row
            row = np.sum(row)
        return t
    """
    assert_right(src, [X34.copy()], {"X": (3, 4)})


def test_while_left_after_its_first_iteration_runs_no_more():
    # k = 0; while k < 1: k = k + 1 runs once: s is a number before it and an array after its only
    # iteration, which is written out; the loop left after it never runs
    src = """
    def f(X, v, s):
        k = 0
        while k < 1:
            k = k + 1
            if np.square(v).sum() > X[2, 0]:
                s = s * 2.0 + np.expand_dims(X[:, ::2], 0)
        s = s - np.mean(s)
        return np.sum(s * s) * v
    """
    X = np.array([[-1.0], [0.47], [-0.61]])
    v = np.array([1.06, -0.71, -0.33])
    assert_right(src, [X, v, 0.7], {"X": (3, 1), "v": (3,), "s": ()})


def test_while_counted_by_arithmetic_runs_twice():
    src = """
    def f(x):
        k = 1
        k = k * 2 - 2
        while k < 2:
            k = k + 1
            x = x * x + 0.5
        return x
    """
    assert_right(src, [np.array([0.3, -0.2, 0.7])], {"x": (3,)})
