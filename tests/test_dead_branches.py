"""Branches NumPy raises on at the shapes the code is for: left out, as a branch ending in ``raise``.

At sizes written in the declared shapes (or the decorator's own arguments), a branch whose line
NumPy refuses for its operands' shapes (``(3,) + (4,)``, an index past an axis' end, ``float`` of
several elements) raises whenever it runs: the forward never returns through it, and the backward
is written for the other.  Where the data, a named dimension's size, an integer parameter or a
helper could make the line run, nothing is left out: the code is right on the inputs that take
that branch, or refused.  Each program is checked against central finite differences."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen.errors import BackgenError
from numeric import finite_differences
from test_path_shapes import check

X3 = np.array([0.4, -0.3, 0.9])
W34 = np.array([[0.5, -0.2, 0.3, 0.8], [0.1, 0.7, -0.6, 0.2], [-0.4, 0.3, 0.9, -0.1]])

BROADCAST = """
import numpy as np

def f(x, W):
    a = x * 2.0
    if np.sum(x) > 0:
        y = a @ W
        z = a + y
    else:
        y = W.T @ a
        z = y * 3.0
    return np.sum(z * y)
"""


def test_a_branch_whose_operands_never_broadcast_is_left_out():
    negative = -np.abs(X3)  # (the live branch; the other raises at these shapes)
    text = check(BROADCAST, [negative, W34], {"x": (3,), "W": (3, 4)})
    tests = [line.strip() for line in text.splitlines() if line.strip().startswith("if ")]
    assert tests == ["if np.shape(x) != (3,) or np.shape(W) != (3, 4):"] and "WT @ a" in text  # (the shapes it
    # is written for checked: at others the branch left out may run)
    source = textwrap.dedent(BROADCAST)
    namespace = {}
    exec(source, namespace)
    with pytest.raises(ValueError, match="broadcast"):  # (what the left-out branch does)
        namespace["f"](np.abs(X3), W34)


def test_the_sample_path_may_be_the_one_left_out():
    source = """
    import math
    import numpy as np

    def f(v, X):
        a = X if float(np.tensordot(X, X * 0.5, axes=2)) > 1.9 else v
        return a @ np.arange(6.0).reshape(3, 2)
    """
    check(source, [X3, np.array([[1.1, 0.8, 1.2, -0.4]])], {"v": (3,), "X": (1, 4)})


def test_an_index_past_the_end_of_an_axis_the_code_writes():
    source = """
    import numpy as np

    def f(x, W):
        if x[0] > 0.0:
            r = W[3] * x[0]
        else:
            r = W[1] * 2.0
        return np.tanh(r)
    """
    check(source, [-np.abs(X3), W34], {"x": (3,), "W": (3, 4)})


def test_a_number_made_of_several_elements_in_a_loop():
    source = """
    import numpy as np

    def f(x, W):
        s = 0.0
        for i in range(3):
            if W[i, 0] > 0.2:
                s = s + float(W[i]) * x[i]
            else:
                s = s + W[i, 1] * x[i] ** 2
        return s
    """
    W = W34.copy()
    W[:, 0] = [-0.5, 0.1, -0.3]
    check(source, [X3, W], {"x": (3,), "W": (3, 4)})


def test_the_decorator_leaves_out_a_branch_at_its_arguments_sizes_only():
    @backgen.backward
    def f(x, W):
        if np.sum(x) > 0:
            z = x + W @ x  # (runs where W is square)
        else:
            z = W @ x * 2.0
        return np.sum(z * z)

    x3 = np.array([-0.5, 0.2, -0.4])
    W23 = np.array([[0.3, -0.1, 0.5], [0.2, 0.4, -0.7]])
    assert np.sum(x3) < 0
    got = f.backward(x3, W23)
    want = finite_differences(f, [x3, W23], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    x3b = np.array([0.5, 0.2, 0.4])  # (square W: the branch runs, its code is written)
    W33 = np.array([[0.3, -0.1, 0.5], [0.2, 0.4, -0.7], [0.1, 0.6, 0.2]])
    got = f.backward(x3b, W33)
    want = finite_differences(f, [x3b, W33], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def assert_right_or_refused(source, args, shapes):
    """``check`` (an AssertionError where the gradient is wrong) at ``args``, which take the branch NumPy
    raised on at the samples; a BackgenError (a refusal) is right too."""
    try:
        check(source, args, shapes)
    except BackgenError:
        pass


def test_an_index_the_data_makes_is_not_taken_for_a_shape():
    source = """
    import numpy as np

    def f(x):
        if x[1] > 0.0:
            k = int(abs(x[0]) * 10.0)
            y = x[k] * x[2]
        else:
            y = x[0] * 2.0
        return y * x
    """
    # the samples' k may be past the end; at x[0] = 0.15, k = 1: the branch runs and is differentiated
    assert_right_or_refused(source, [np.array([0.15, 0.5, 0.3])], {"x": (3,)})


def _forward(source):
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return namespace["f"]


def test_a_selection_by_a_mask_is_not_taken_for_a_shape():
    source = """
    import numpy as np

    def f(x, w):
        s = x[x > 0.0]
        if w[0] > 0.0:
            y = np.sum(s * w)
        else:
            y = np.sum(x) * 2.0
        return y
    """
    x = np.array([0.4, 0.2, 0.9, 0.3])  # (four selected: s * w runs)
    assert_right_or_refused(source, [x, np.array([0.5, 0.1, 0.2, 0.3])], {"x": (4,), "w": (4,)})


def test_named_dimensions_leave_nothing_out():
    source = """
    import numpy as np

    def f(x, W):
        if np.sum(x) > 0:
            z = x + W @ x
        else:
            z = W @ x * 2.0
        return np.sum(z * z)
    """
    x = np.array([0.5, 0.2, 0.4])  # (N = D: the first branch runs)
    W = np.array([[0.3, -0.1, 0.5], [0.2, 0.4, -0.7], [0.1, 0.6, 0.2]])
    try:
        text = backgen.generate(textwrap.dedent(source), shapes={"x": ("D",), "W": ("N", "D")})
    except BackgenError:
        return
    namespace = {}
    exec(text, namespace)
    got = namespace["f_backward"](x, W, 1.0)
    want = finite_differences(_forward(source), [x, W], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_an_integer_parameter_is_not_taken_for_a_shape():
    source = """
    import numpy as np

    def f(x, n):
        if x[0] > 0.0:
            y = x[n] * x
        else:
            y = x * 3.0
        return y
    """
    for n in (0, 2):
        x = np.array([0.4, 0.2, 0.9])
        try:
            text = backgen.generate(textwrap.dedent(source), shapes={"x": (3,), "n": int})
        except BackgenError:
            continue
        namespace = {}
        exec(text, namespace)
        got = namespace["f_backward"](x.copy(), n, np.ones(3))
        want = finite_differences(lambda x: _forward(source)(x, n), [x], [0], (np.ones(3),))[0]
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_a_helper_called_at_two_shapes_leaves_nothing_out():
    source = """
    import numpy as np

    def g(x, W):
        if np.sum(x) > 0:
            return np.sum(x + W @ x)
        return np.sum(W @ x)

    def f(x, W, V):
        return g(x, W) + g(x, V)
    """
    x = np.array([0.5, 0.2, 0.4])
    W = np.array([[0.3, -0.1, 0.5], [0.2, 0.4, -0.7]])
    V = np.array([[0.3, -0.1, 0.5], [0.2, 0.4, -0.7], [0.1, 0.6, 0.2]])
    assert_right_or_refused(source, [x, W, V], {"x": (3,), "W": (2, 3), "V": (3, 3)})


def test_a_number_a_loop_may_make_an_array_is_not_taken_for_a_shape():
    source = """
    import numpy as np

    def f(x, W):
        total = 0.0
        i = 0
        while i < 2 and x[i] > 0.0:
            total = total + W[i]
            i += 1
        if x[2] > 0.5:
            y = float(total) + x[2]
        else:
            y = np.sum(x)
        return y * x[0]
    """
    # the loop runs no iteration here: total is the number 0.0, float() of it runs, the branch is taken
    assert_right_or_refused(source, [np.array([-0.3, 0.2, 0.9]), W34], {"x": (3,), "W": (3, 4)})


def test_a_test_numpy_cannot_decide_leaves_its_branch_out():
    source = """
    import numpy as np

    def f(x, W, s):
        if np.sum(x) > 0:
            a = x @ W
            if a < 0.5:
                a = a * 2.0
            return np.sum(a) * s
        return s * np.sum(x * x)
    """
    text = check(source, [-np.abs(X3), W34, 0.7], {"x": (3,), "W": (3, 4), "s": ()})
    assert "line 7 on it raises" in text and "truth value" in text


def test_a_while_test_numpy_cannot_decide_leaves_its_branch_out():
    source = """
    import numpy as np

    def f(X, v, s):
        a = s
        if v.mean() > 0.5:
            a = v @ X
        while a < -0.1:
            a = a + 0.5 + np.min(v) ** 2
        return a * v
    """
    check(source, [W34, X3, -0.3], {"X": (3, 4), "v": (3,), "s": ()})


def test_a_loop_that_runs_at_these_shapes_reaches_its_line():
    source = """
    import numpy as np

    def f(x, W):
        if x[0] > 0.0:
            acc = x * 1.0
            for row in W:
                acc = acc + row
            return np.sum(acc)
        return np.sum(np.tanh(x * W[0, :3]))
    """
    text = check(source, [-np.abs(X3), W34], {"x": (3,), "W": (3, 4)})
    assert "line 8 on it raises" in text


def test_a_loop_whose_count_the_data_decides_may_not_reach_its_line():
    source = """
    import numpy as np

    def f(x, W):
        k = int(abs(x[1]) * 2.0)
        if x[0] > 0.0:
            acc = x * 1.0
            for i in range(k):
                acc = acc + W[i]
            return np.sum(acc * x)
        return np.sum(W[0, :3] * x)
    """
    # k = 0 here: the loop runs no iteration and the branch returns; the samples' k may be larger
    assert_right_or_refused(source, [np.array([0.5, 0.2, 0.3]), W34], {"x": (3,), "W": (3, 4)})


COUNTED = """
import numpy as np

def f(x, W):
    COUNT
    if x[2] > 0.5:
        y = W[k] * x[2]
    else:
        y = W[0] * x[1]
    return np.sum(y * y)
"""

COUNTS = {  # ways the data makes a count: the samples' may be past W's rows, here it is 1 or 2 and the branch runs
    "while": "k = 1\n    while k < 3 and x[k - 1] < 0.0:\n        k += 1",
    "loop that breaks": "k = 0\n    for j in range(3):\n        if x[j] > 0.0:\n            break\n        k = k + 2",
    "branch": "k = 5 if x[0] > 0.0 else 1",
    "value a loop carries": "k = 0\n    for v in x:\n        k = k + int(v > 0.0)",
    "size the data picks": "k = 0\n    for i in range(W.shape[int(x[0] > 0.0)]):\n        k = i",
}


@pytest.mark.parametrize("made_by", sorted(COUNTS))
def test_a_count_the_data_makes_is_not_taken_for_a_shape(made_by):
    source = COUNTED.replace("COUNT", COUNTS[made_by])
    assert_right_or_refused(source, [np.array([-0.3, 0.2, 0.9]), W34], {"x": (3,), "W": (3, 4)})


def test_the_decorator_keeps_code_with_a_branch_left_out_for_the_sizes_it_holds_at():
    @backgen.backward
    def f(x, W):
        if np.sum(x) > 0:
            z = x + W @ x  # (runs where x has 2 elements, or 1)
        else:
            z = W @ x * 2.0
        return np.sum(z * z)

    rng = np.random.default_rng(0)
    for n, sign in ((3, -1), (5, -1), (2, 1), (2, -1), (7, -1), (1, 1)):
        x, W = sign * np.abs(rng.normal(size=n)), rng.normal(size=(2, n))
        got = f.backward(x, W)
        want = finite_differences(f, [x, W], [0, 1], (1.0,))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_the_layer_forward_says_which_branch_it_leaves_out(tmp_path):
    from backgen.cli import main
    source = tmp_path / "model.py"
    source.write_text(textwrap.dedent(BROADCAST).replace("def f(x, W):", 'def f(x: "3", W: "3, 4"):'))
    target = tmp_path / "model_layers.py"
    assert main([str(source), "--layer", "-o", str(target)]) == 0
    namespace = {}
    exec(target.read_text(), namespace)
    assert "on it raises at the shapes this code is for" in " ".join(namespace["f_forward"].__doc__.split())
    x = -np.abs(X3)
    out, cache = namespace["f_forward"](x, W34)
    grads = namespace["f_backward"](1.0, cache)
    want = finite_differences(_forward(BROADCAST), [x, W34], [0, 1], (1.0,))
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


LIST_ITEMS = """
import numpy as np

def f(x, W):
    if np.sum(W) > 3.8:
        return np.sum(W * W)
    hs = []
    for i in range(2):
        hs.append(W[:, 0] if x[i] > 0.0 else np.expand_dims(W, 0))
    b = np.concatenate(hs)
    return np.sum(b * b) * x[2]
"""


@pytest.mark.parametrize("x", [[-0.4, -0.2, 0.9], [0.4, 0.2, 0.9]])
def test_items_a_path_chooses_are_not_taken_for_a_shape(x):
    # each iteration appends an item of its path's shape: NumPy joins them where both paths agree (the
    # long fuzzer's seed 2026120435, program 4642, left out the branch holding the loop: a wrong gradient)
    W = np.array([[0.7], [1.0], [1.1]])
    assert_right_or_refused(LIST_ITEMS, [np.array(x), W], {"x": (3,), "W": (3, 1)})


def test_an_in_place_operator_on_what_a_branch_makes_a_number_does_not_leave_the_branch_out():
    # (long fuzz seed 2026120462, program 11836: a *= a, staged as the write into an array it is there, raised
    # on the number the other branch makes, np.linalg.norm(v), where Python's *= rebinds a: that branch was
    # left out although it runs, and the gradient was wrong)
    source = """
    import math

    import numpy as np

    def f(v):
        a = np.linalg.norm(v) if v[2] > -0.7 else v
        v[:4] = a
        a *= a
        c = math.log((np.linalg.norm(v) if np.sum(v) > 2.0 else 0.25 + 1.0) * (np.linalg.norm(v) if np.sum(v) >
                     2.0 else 0.25 + 1.0) + 1.0, 2.0)
        return c * v
    """
    assert_right_or_refused(source, [np.array([0.75, -0.990731, -0.591462, -0.812193])], {"v": (4,)})


def test_the_shapes_a_branch_is_left_out_at_are_checked_as_the_backward_starts():
    # x.T @ w cannot run at x (3, 4), and is left out; at (4, 4) it runs: the backward, written for (3, 4),
    # refuses those shapes rather than give the other branch's gradient
    text = backgen.generate(textwrap.dedent("""
        import numpy as np
        def f(x: (3, 4), w: "4"):
            if x.shape[0] == x.shape[1]:
                y = x.T @ w
            else:
                y = x @ w
            return np.sum(y ** 2)
    """))
    namespace = {}
    exec(text, namespace)
    x, w = np.arange(12.0).reshape(3, 4) / 10.0, np.array([0.5, -0.2, 0.3, 0.1])
    want = finite_differences(lambda x, w: np.sum((x @ w) ** 2), [x, w], [0, 1], [1.0])
    for got, expected in zip(namespace["f_backward"](x, w), want):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    with pytest.raises(ValueError, match=r"written for the shapes x \(3, 4\), w \(4,\)"):
        namespace["f_backward"](np.ones((4, 4)), w)


def _shape_free_gradients(source, args):
    """The backward ``generate`` writes for ``source`` without shapes, run at ``args``, beside central
    differences (raises BackgenError where it is refused)."""
    source = textwrap.dedent(source)
    text = backgen.generate(source)
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(text, generated)
    got = generated["f_backward"](*[a.copy() if isinstance(a, np.ndarray) else a for a in args],
                                  np.ones(np.shape(namespace["f"](*args))))
    got = got if len(args) > 1 else (got,)
    wrt = [k for k, a in enumerate(args) if isinstance(a, (float, np.ndarray))]
    want = finite_differences(namespace["f"], list(args), wrt, [np.ones(np.shape(namespace["f"](*args)))])
    return got, want


def test_a_test_raising_at_these_shapes_leaves_neither_branch_out():
    # without shapes, A a number: q2[3] of the if's test raises, as the else branch's q2[1] does; the
    # else branch was left out, and the backward was written for numbers A, at which the forward cannot
    # run (for arrays it raised as it started)
    source = """
    import numpy as np

    def f(A):
        q2 = 1.31 * (A * (A > -0.14))
        if ((1.24 * q2[3]) ** 2) > 0.28:
            return -(q2 * A)
        return q2 * (q2[1] + q2[0])
    """
    for A in (np.array([-0.934, -0.37, -0.383, 0.823]), np.array([0.9, 0.4, 0.3, 0.1])):
        try:
            got, want = _shape_free_gradients(source, [A])
        except BackgenError as refusal:
            assert "raises on this line" in str(refusal)
            continue
        np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-8)


def test_a_test_of_a_conditional_expression_raising_at_these_shapes_leaves_neither_branch_out():
    # t[2, 0] of the inner conditional's test raises where t is a number: t a (3, 1) array runs it
    source = """
    import numpy as np

    def f(A, t):
        h1 = (t[2, 0] * A if (1.35 if t[2, 0] > -0.44 else A) > -0.15 else A ** 3) * -0.22 - 0.83 * (A * A)
        if h1 ** 3 > -0.06:
            return (h1 * (h1 > -0.22)) * (h1 * 1.7)
        return h1 - A ** 2
    """
    got, want = _shape_free_gradients(source, [-0.352, np.array([[0.617], [0.464], [0.717]])])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
