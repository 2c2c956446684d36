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
from numeric import finite_differences


def check(source, args, shapes):
    """The generated backward of ``f`` (with ``shapes``) at ``args`` matches finite differences,
    leaves its inputs alone and is generated the same twice."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    assert text == backgen.generate(source, name="f", shapes=shapes)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    out = fresh(*args)
    dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 0.7
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    got = generated["f_backward"](*copies, dout)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(fresh, list(args), range(len(args)), (dout,))
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
