"""Values of two shapes on two paths, written into each path: a conditional expression or an ``if``
in a loop's body (what follows it in the same iteration written into each path, ``tails``), and a
loop whose body breaks, its first iteration written out (``peel``).  Each program is checked
against central finite differences in float64, on inputs taking each path; where NumPy's shapes
truly differ per path and no rewrite applies, the refusal names the line."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again


def check(source, args, shapes):
    """The generated backward of ``f`` (with ``shapes``) at ``args`` matches finite differences,
    leaves its inputs alone and is generated the same twice."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    outs = fresh(*args)
    douts = tuple(np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 0.7
                  for out in (outs if isinstance(outs, tuple) else (outs,)))
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    got = generated["f_backward"](*copies, *douts)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after)
    got = got if len(args) > 1 else (got,)
    want = finite_differences(fresh, list(args), range(len(args)), douts)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return text


X14 = np.array([[0.43, 1.18, 0.41, 0.60]])
W31 = np.array([[1.16], [-0.83], [-0.99]])

IFEXP_IN_LOOP = """
import numpy as np

def f(X, W):
    for i in range(3):
        if W[0, 0] > 0.0:
            X -= 0.1 * np.max(W * X if np.sum(X) < LIMIT else W[:, [0, 0]])
        else:
            X += X
        X = X * 0.9
    return X * np.sum(W)
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0", "2.0"])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_conditional_expression_of_two_shapes_in_a_loop(limit, sign):
    """(long fuzz seed 2026120440, program 12) ``np.max(W * X if c else W[:, [0, 0]])`` in an ``if``
    of a loop's body: the statement written as an ``if``, one per shape, with what follows it in
    the iteration."""
    check(IFEXP_IN_LOOP.replace("LIMIT", limit), [X14, W31 * sign], {"X": (1, 4), "W": (3, 1)})


IF_IN_LOOP = """
import numpy as np

def f(X, s):
    for i in range(3):
        if X[0, 0] > LIMIT:
            a = X * s
        else:
            a = np.sum(X) * s
        X = X + 0.1 * np.sum(a * a)
        if s > 5.0:
            continue
        X = X * 0.9
    return X
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0", "0.45"])
def test_if_of_two_shapes_in_a_loop(limit):
    """An ``if`` in a loop's body giving ``a`` two shapes: what follows it in the iteration (up to a
    ``continue``) written into each path, the loop left as it was."""
    check(IF_IN_LOOP.replace("LIMIT", limit), [X14, 0.8], {"X": (1, 4), "s": ()})


BREAK_FOR = """
import numpy as np

def f(s, t):
    for i in range(3):
        t = t * np.ones(3) + s
        if np.sum(t) > LIMIT:
            break
        t = t * 0.5
    return np.sin(t)
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0", "2.5"])
def test_loop_breaking_after_a_value_grows(limit):
    """(program 70) ``t`` a number before the loop, an array after its first iteration, in a loop
    whose body breaks: the first iteration written out, the loop after it on the path not breaking."""
    check(BREAK_FOR.replace("LIMIT", limit), [0.65, 0.52], {"s": (), "t": ()})


BREAK_WHILE = """
import numpy as np

def f(X, s):
    k = 0
    while k < 4:
        k = k + 1
        X = X * s + np.ones((3, 1))
        if np.sum(X) > LIMIT:
            break
    return X
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0", "8.0"])
def test_while_true_on_entry_breaking(limit):
    check(BREAK_WHILE.replace("LIMIT", limit), [X14, 0.9], {"X": (1, 4), "s": ()})


MAY_NOT_RUN = """
import numpy as np

def f(X, s):
    while s < 2.0:
        s = s + 0.5 + s * s
        X = np.sum(X * X) * s
        if X > LIMIT:
            break
    return X * 2.0
"""


@pytest.mark.parametrize("start,limit", [(0.3, "100.0"), (0.3, "-100.0"), (3.0, "1.0")])
def test_while_that_may_not_run_breaking(start, limit):
    """(program 115) ``X`` an array if the loop runs no iteration, a number after one: the first
    iteration written out under the loop's test, what follows written into each path."""
    check(MAY_NOT_RUN.replace("LIMIT", limit), [X14, start], {"X": (1, 4), "s": ()})


def test_growing_in_every_iteration_is_refused():
    """A value that changes shape in every iteration of a loop of unknown length: refused."""
    source = """
    import numpy as np

    def f(X):
        while np.sum(X) < 10.0:
            X = np.concatenate([X, X], axis=1)
            if X[0, 0] > 5.0:
                break
        return X
    """
    with pytest.raises(backgen.BackgenError, match="shape"):
        check(source, [X14], {"X": (1, 4)})


SAME_TEST = """
import numpy as np

def f(X, W, Y):
    Y = Y + np.sum(0.25 if np.linalg.norm(Y) < 0.5 else Y + W)
    W = W + X.sum(keepdims=True)
    a = (W + Y) / (1.0 + (Y if X.max(axis=1).mean() < LIMIT else W) * (Y if X.max(axis=1).mean() < LIMIT else W))
    return a * Y
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0"])
def test_conditional_expressions_of_one_test_written_together(limit):
    """(long fuzz seed 2026120441, program 91) two conditional expressions of the same test in a
    statement that has no effect, after another statement written as an ``if``: one ``if`` on each
    path, with both values (not two, one per expression, past the number of splits allowed)."""
    X = np.linspace(-0.5, 0.9, 12).reshape(3, 4)
    check(SAME_TEST.replace("LIMIT", limit), [X, W31, X14], {"X": (3, 4), "W": (3, 1), "Y": (1, 4)})


HELPER_AFTER = """
import numpy as np

def step(p, q):
    q[1] += q.sum(axis=0)
    return p.sum() * q[1]


def f(X, v, W):
    return v[np.newaxis][:, -1], W[0:1] if v[1] < LIMIT else v[0], step(np.std(v, ddof=1), 1.0 + v)
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0"])
def test_conditional_expression_before_a_call_of_a_helper(limit):
    """(program 171 of seed 2026120441) a helper writing into an argument called after the
    conditional expression: the statement written as an ``if``, the call after the test on each
    path as it was."""
    check(HELPER_AFTER.replace("LIMIT", limit), [X14, np.array([0.3, -0.2, 0.9]), X14 * 2.0],
          {"X": (1, 4), "v": (3,), "W": (1, 4)})


HELPER_AROUND = """
import numpy as np

def layer(p, q):
    q = q * 0.9 + 0.3
    return p[-1:] * np.log(np.sum(q) * np.sum(q) + 1.0)


def f(X):
    a = layer(X[-1] + X[[1, 1, 2], [0, 0, 0]], X.min(axis=1, keepdims=True) if np.sum(X) > LIMIT else np.prod(X))
    return a * a
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0"])
def test_conditional_expression_as_an_argument_of_a_helper(limit):
    """(program 168 of seed 2026120442) ``layer(x, A if c else B)``: the helper is called after the
    test in either form."""
    check(HELPER_AROUND.replace("LIMIT", limit), [np.array([[0.3], [-0.2], [0.9]])], {"X": (3, 1)})


def test_a_conditional_expression_after_and_is_not_written_as_an_if():
    """In ``c and (A if d else B)`` the test ``d`` is evaluated only where ``c`` holds: not moved
    before it (here it would index past the end of an empty selection)."""
    from backgen import tails
    import ast
    tree = ast.parse("def f(x):\n    y = x.size > 0 and (x[0] if x[0] > 0 else 1.0)\n    return y\n").body[0]
    assert tails.split(tree, 2, 4) is None


IN_PLACE_THEN_PATHS = """
import numpy as np

def f(v, t):
    v += v
    if t * t < LIMIT:
        for i in range(1):
            v = np.vstack([v, v * 0.5])
    else:
        v[-3] -= np.maximum(0, v).mean()
    return v - t
"""


@pytest.mark.parametrize("limit", ["100.0", "-100.0"])
def test_a_parameter_written_in_place_then_of_two_shapes_on_two_paths(limit):
    """(program 123 of seed 2026120442, program 192 of 2026120440) ``v += v`` writes into the
    parameter; each path then returns ``v - t`` of its own shape (what follows the if written into
    it): the if's paths all return, so nothing after it reads ``v`` and no merge of two shapes is
    made."""
    check(IN_PLACE_THEN_PATHS.replace("LIMIT", limit), [np.array([0.3, -0.2, 0.9]), 0.4], {"v": (3,), "t": ()})


BREAK_RANGE_N = """
import numpy as np

def f(X, s, n):
    X = X * 1.0
    X[:, 0] += s
    for i in range(n):
        if X.mean(axis=1).max() > LIMIT:
            break
        s = s * 2.0 + X
    return s, np.min(X, axis=0), X.prod(axis=0)
"""


@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("limit", ["100.0", "-100.0"])
def test_loop_of_unknown_length_breaking_after_a_value_grows(n, limit):
    """(long fuzz seed 2026120443, program 148) ``s`` a number, then an array, in ``range(n)``
    that breaks: the first iteration written out where the loop runs (``if 0 < n``), the loop after
    it on the path that does not break, once (not again on each path), what follows the loop
    written into each path."""
    source = BREAK_RANGE_N.replace("LIMIT", limit)
    namespace = {"np": np}
    exec(source, namespace)
    X = np.array([[0.3], [-0.2], [0.9]])
    text = backgen.generate(source, name="f", shapes={"X": (3, 1), "s": (), "n": int})
    assert text.count("for i in range(") <= 2  # (the loop once in the forward pass, once in the backward)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    douts = tuple(np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 0.7
                  for out in namespace["f"](X.copy(), 0.4, n))
    dX, ds = generated["f_backward"](X.copy(), 0.4, n, *douts)
    want = finite_differences(lambda x, s: namespace["f"](x.copy(), s, n), [X.copy(), 0.4], [0, 1], douts)
    np.testing.assert_allclose(dX, want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ds, want[1], rtol=1e-5, atol=1e-6)


def test_a_break_under_a_test_of_constants_leaves_the_loop():
    """(long fuzz seed 2026120441, program 2: a wrong gradient) ``c = -1.5; if c < -0.5: break``: the
    test decided as the code is written still leaves the loop (the if had lost its break, and the
    loop ran on while y < 1.9)."""
    source = """
    import math

    def f(x, y, z):
        while y < 1.9:
            y = y + 0.5 + (z * z) * (z * z)
            a = math.atan2(2 ** y, 1.5 + (z + 0.7) * (z + 0.7))
            c = -1.5
            if c < -0.5:
                break
        return c * a * x
    """
    check(source, [0.83, 0.590731, 0.381462], {"x": (), "y": (), "z": ()})
