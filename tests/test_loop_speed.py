"""Loops written as a careful person writes them: no quadratic copies, a cache instead of a replay.

Structural checks on the generated code (no whole-array copy inside a loop, no
matrix product or transcendental function computed again in the backward
loop, nested loops not run again per level, names as the user wrote them,
comments naming the lines the forward prints), each with the gradient checked
against central finite differences in float64.
"""

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen
from conftest import function_source, student_source
from numeric import finite_differences

# the loss workloads of the loop benchmark (one copy, there)
BENCH_LOOPS = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_loops.py"
RNN = "\n" + function_source(BENCH_LOOPS, "rnn_loss")
LSTM = "\n" + function_source(BENCH_LOOPS, "lstm_loss")

MAX_POOL = student_source("max_pool_forward_naive")

SVM = student_source("svm_loss_naive")

SCALAR = '''
def scalar_loop(x, w):
    for i in range(50):
        x = math.tanh(w * x + 0.5)
    return x
'''


def generated(source, name, args, wrt=None, dout=None):
    """The generated source, its backward's gradients for ``args``, and finite differences."""
    source = "import math\nimport numpy as np\n" + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    func = namespace[name]
    function, text, _ = backgen.api.compile_backward(source, name=name, wrt=wrt, args=args)
    wrt = wrt or [p for p, a in zip(func.__code__.co_varnames, args) if isinstance(a, (float, np.ndarray))]
    positions = [func.__code__.co_varnames.index(w) for w in wrt]
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    got = function(*copies) if dout is None else function(*copies, dout)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward changed its arguments")
    got = got if isinstance(got, tuple) else (got,)
    def fresh(*values):  # the forward may write into its arguments: each evaluation gets its own
        return func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])
    want = finite_differences(fresh, list(args), positions, (1.0 if dout is None else dout,))
    return text, got, want


def assert_close(got, want):
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def code(text):
    """``text`` without its comments (``# (12) next_h = np.tanh(s)`` is no computation)."""
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines()
                     if line.split("#", 1)[0].strip())


def loop_bodies(text):
    """The code lines inside the loops of the backward pass."""
    backward = code(text.split("# backward pass", 1)[1])
    return [line for line in backward.splitlines() if line.startswith("        ")]


def forward_part(text):
    return text.split("# forward pass", 1)[1].split("# backward pass", 1)[0]


def comments_name_printed_lines(text):
    """Every ``# (n) line`` comment of the backward shows line n as the forward prints it."""
    printed = {}
    for line in forward_part(text).splitlines():
        found = re.match(r"\s*(.*?)\s+# \((\d+)\)$", line)
        if found:
            printed[found.group(2)] = found.group(1)
    for line in text.split("# backward pass", 1)[1].splitlines():
        found = re.match(r"\s*# \((\d+)\) (.*)$", line)
        if found and found.group(1) in printed:
            assert printed[found.group(1)] == found.group(2), line


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_rnn_writes_in_place_and_reads_its_cache(rng):
    args = (rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5)), rng.standard_normal((3, 5)) * 0.5,
            rng.standard_normal((5, 5)) * 0.5, rng.standard_normal(5))
    text, got, want = generated(RNN, "rnn_loss", args)
    assert_close(got, want)
    assert ".copy()" not in text  # neither h in the forward nor dh in the backward
    backward = "\n".join(loop_bodies(text))
    assert "np.tanh(" not in backward and "@ Wx" not in backward.replace("Wx.T", "") \
        and "prev_h @ Wh" not in backward
    assert "h[:, t, :] = next_h" in forward_part(text)
    # each step's slice of dh is read once and never again: read, not copied, not zeroed (as by hand)
    assert "dnext_h += dh[:, t, :]" in text and "dh[:, t, :] = 0" not in text
    assert "next_h = np.tanh(s)" in forward_part(text) and "prev_h = next_h" in forward_part(text)
    assert "# (13) h[:, t, :] = next_h" in text  # the name the forward shows
    comments_name_printed_lines(text)


def test_lstm_keeps_each_step_once_and_not_its_preactivation(rng):
    N, T, D, H = 2, 3, 3, 2
    args = (rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((D, 4 * H)) * 0.5,
            rng.standard_normal((H, 4 * H)) * 0.5, rng.standard_normal(4 * H))
    text, got, want = generated(LSTM, "lstm_loss", args)
    assert_close(got, want)
    backward = "\n".join(loop_bodies(text))
    assert "np.exp(" not in backward and "np.tanh(" not in backward and "@ Wh\n" not in backward
    assert "as_.append(a)" not in text and "a_shapes.append(a.shape)" in text  # only its shape is read
    assert ".copy()" not in text
    comments_name_printed_lines(text)


def test_naive_max_pool_is_not_run_again_per_nesting_level(rng):
    x = rng.standard_normal((2, 2, 4, 4))
    pool = {'pool_height': 2, 'pool_width': 2, 'stride': 2}
    dout = rng.standard_normal((2, 2, 2, 2))
    text, got, want = generated(MAX_POOL, "max_pool_forward_naive", (x, pool), wrt=["x"], dout=dout)
    assert_close(got, want)
    # computed once, by the backward (as CS231n's backward does), as the window's method: np.max's
    # Python-level dispatch costs more than the maximum of 2 x 2 numbers
    assert code(text).count("window.max()") == 1 and "np.max(" not in code(text)
    # the forward would run only to keep each window's maximum: not run, nothing kept
    assert text.count("for j in range") == 0 and text.count("for j in reversed") == 1
    assert ".append(" not in text and ".pop()" not in text and "    out = " not in text
    # each element of out is written once: its gradient is read once, from dout, never zeroed in a copy
    assert "dpeak = dout[n, c, i, j]" in text and ".copy()" not in text and "= 0\n" not in text
    comments_name_printed_lines(text)


def test_naive_svm_loss(rng):
    N, D, C = 5, 4, 3
    args = (rng.standard_normal((D, C)) * 0.1, rng.standard_normal((N, D)), rng.integers(0, C, N), 0.3)
    text, got, want = generated(SVM, "svm_loss_naive", args, wrt=["W", "X", "reg"])
    assert_close(got, want)
    assert code(text).count(".dot(W)") == 1  # the scores computed once, by the backward: no forward loop
    assert ".append(" not in text and "for j in range" not in text
    assert "np.copy(0.0)" not in text
    # the loss's adjoint passes through every branch unchanged: handed on once, not per branch
    backward = code(text.split("# backward pass", 1)[1])
    assert "dloss_3" not in text and "if j != y[i]:" in backward and "else:" not in backward


@pytest.mark.parametrize("body, runs", [
    # only the total is carried, and its backward reads nothing of it: v is computed by the backward
    ("""
    total = 0.0
    for i in range(x.shape[0]):
        v = np.tanh(x[i] * w)
        total = total + np.sum(v * v)
    return total
    """, False),
    # the same in two nested loops, the inner one over a window of the row
    ("""
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1] - 1):
            v = np.exp(x[i, j:j + 2] * w[j:j + 2])
            total = total + np.max(v)
    return total
    """, False),
    # computing v again would need h as each iteration began, which the backward reads nowhere
    # else: the forward runs and keeps v
    ("""
    h = 0.5
    total = 0.0
    for i in range(3):
        v = np.tanh(x[i] * w + h)
        total = total + np.sum(v)
        h = h * 0.5 + 1.0
    return total
    """, True),
    # the loop's value h is read after it: the forward runs and keeps v
    ("""
    h = x[0] * 1.0
    for i in range(3):
        v = np.sin(x[i] * w)
        h = h + v * v
    return np.sum(h * h)
    """, True),
])
def test_a_loop_run_only_to_keep_values_is_not_run(rng, body, runs):
    source = "def f(x, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((4, 3)), rng.standard_normal(3))
    text, got, want = generated(source, "f", args)
    assert_close(got, want)
    forward = code(forward_part(text))
    assert ("for i in range" in forward) == runs and (".append(" in text) == runs
    assert ("vs.append(v)" in forward) == runs  # then v is kept, not computed again


def test_naive_conv_reads_each_gradient_once_and_computes_no_product_for_its_shape(rng):
    x, w, b = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    conv = {'stride': 1, 'pad': 1}
    dout = rng.standard_normal((2, 3, 4, 4))
    source = student_source("conv_forward_naive")
    text, got, want = generated(source, "conv_forward_naive", (x, w, b, conv), wrt=["x", "w", "b"], dout=dout)
    assert_close(got, want)
    backward = "\n".join(loop_bodies(text))
    assert "broadcast_to" not in text and " = window * wf" not in backward  # no product computed again
    assert "dwindow = wf * ds5" in backward and "ds5 = dout[n, f, i, j]" in backward and "= 0\n" not in text


@pytest.mark.parametrize("body", [
    # the inner loop writes the same element again: the last write wins, the others get no gradient
    """
    out = np.zeros((3, 4))
    for n in range(3):
        for c in range(4):
            for k in range(2):
                out[n, c] = x[n, c] * w[k]
    return out
    """,
    # the index names one counter twice and not the other: each element is written thrice
    """
    out = np.zeros((3, 4))
    for n in range(3):
        for c in range(3):
            out[n, n] = x[n, c] * w[0]
    return out
    """,
    # a slice per step, the array before the loop read again: the slices the loop overwrote get zero
    """
    out = x * 2.0
    for c in range(3):
        out[:, c] = x[:, c + 1] * w[0]
    return out
    """,
    # a slice counted from the end: range(-2, 3) writes columns -2 and 2, one column twice
    """
    out = np.zeros((3, 4))
    v = x[:, 0] * w[0]
    for c in range(-2, 3):
        v = np.tanh(v * w[1] + x[:, c])
        out[:, c] = v
    return out
    """,
    # the array before the loop depends on x: the gradient of what the loop overwrites is zero
    """
    out = x * 2.0
    for n in range(2):
        for c in range(4):
            out[n, c] = x[n, c] * w[0]
    return out
    """,
    # the element is read after it is written in the same iteration
    """
    out = np.zeros((3, 4))
    for n in range(3):
        for c in range(4):
            out[n, c] = x[n, c] * w[1]
            out[n, c] = out[n, c] * w[0]
    return out
    """,
])
def test_a_gradient_element_read_again_is_zeroed_after_its_read(rng, body):
    source = "def f(x, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((3, 4)), rng.standard_normal(2))
    text, got, want = generated(source, "f", args, dout=rng.standard_normal((3, 4)))
    assert_close(got, want)
    assert "] = 0\n" in text


def test_a_parameter_overwritten_element_by_element_gets_no_gradient_there(rng):
    source = "def f(x, w):\n    for i in range(2):\n        for j in range(3):\n" \
             "            x[i, j] = w[j] * i\n    return x\n"
    args = (rng.standard_normal((3, 3)), rng.standard_normal(3))
    text, got, want = generated(source, "f", args, dout=rng.standard_normal((3, 3)))
    assert_close(got, want)
    assert np.all(got[0][:2] == 0)


def test_scalar_loop_keeps_the_transcendental_values(rng):
    text, got, want = generated(SCALAR, "scalar_loop", (0.3, 0.9))
    assert_close(got, want)
    assert code(text).count("math.tanh(") == 1
    assert "dx_1" not in text  # the carried adjoint is not handed to a second name


def test_recompute_trades_memory_for_time(rng):
    args = (rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 4)), rng.standard_normal((3, 4)) * 0.5,
            rng.standard_normal((4, 4)) * 0.5, rng.standard_normal(4))
    source = "import numpy as np\n" + RNN
    function, text, _ = backgen.api.compile_backward(source, name="rnn_loss", args=args, recompute=True)
    assert "next_hs" not in text and code(text).count("np.tanh(") == 2  # computed again in the backward
    cached, _, _ = backgen.api.compile_backward(source, name="rnn_loss", args=args)
    for a, b in zip(function(*args), cached(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert "recompute" in backgen.generate.__doc__


@pytest.mark.parametrize("body", [
    # a list keeps the array before each write: the write must not change what it kept
    """
    h = x * 1.0
    kept = []
    for t in range(3):
        kept.append(h)
        h[t] = h[t] * w
    return np.sum(kept[0] * kept[1]) + np.sum(h)
    """,
    # a view taken before the write, read after it
    """
    h = x * 1.0
    for t in range(3):
        r = h[:2]
        h = h * 1.0
        h[t] = w * h[t]
        h = h + r[0]
    return np.sum(h * h)
    """,
    # the array written is a parameter: the caller's array stays as it was
    """
    for t in range(3):
        x[t] = x[t] * w
    return np.sum(x * x)
    """,
    # a value written in a nested loop, read by the outer loop after it
    """
    a = np.zeros(3)
    for i in range(3):
        d = x * 1.0
        for j in range(2):
            d[j] = d[j] * w
        a[i] = np.tanh(d[i]) * w
    return np.sum(a * a)
    """,
    # the same array under two names, one read after the other is written
    """
    h = x * 2.0
    for t in range(2):
        g = h
        h = h.copy()
        h[t] = w
        w = w + np.sum(g)
    return np.sum(h) * w
    """,
])
def test_writes_stay_right_where_the_old_value_is_seen(body):
    source = "def f(x, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    x = np.array([0.3, -0.2, 0.5])
    try:
        text, got, want = generated(source, "f", (x, 0.7))
    except backgen.BackgenError:
        return  # refused: fine, never wrong
    assert_close(got, want)


@pytest.mark.parametrize("body", [
    """
    s = 0.0
    for i in range(4):
        if x * i > 0.5:
            s = s + x * w
        else:
            s = s + w
    return s * s
    """,
    """
    s = 0.0
    t = 0.0
    for i in range(4):
        if x * i > 0.5:
            s = s + x * w
        else:
            s = s + w
        t = t + s * s
    return t
    """,
    """
    s = 0.0
    for i in range(4):
        if x * i > 0.5:
            if w > 0:
                s = s + x
            else:
                s = s + w
        else:
            s = s * w
    return s
    """,
])
def test_an_adjoint_handed_through_branches_stays_right(body):
    source = "def f(x, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    for x, w in ((0.4, 0.7), (0.9, -0.3)):
        text, got, want = generated(source, "f", (x, w))
        assert_close(got, want)


def test_comments_of_loops_name_the_printed_lines():
    text = backgen.generate("import numpy as np\n" + RNN, shapes={"x": "N, T, D", "h0": "N, H", "Wx": "D, H",
                                                                  "Wh": "H, H", "b": "H"})
    comments_name_printed_lines(text)
    assert "h_1" not in text and "prev_h = np.tanh" not in text


@pytest.mark.parametrize("body, summed, outer", [
    ("""
    n = X.shape[0]
    s = 0.0
    for i in range(n):
        scores = X[i].dot(W)
        s += np.sum(np.tanh(scores) * scores)
    return s
    """, "X.T.dot(dscores_rows)\n    dX = dscores_rows.dot(W.T)", 0),
    ("""
    s = 0.0
    for i in range(len(X)):
        scores = V.dot(X[i])
        s += np.sum(scores ** 2) * w[0]
    return s
    """, "dscores_rows.T.dot(X)\n    dX = dscores_rows.dot(V)", 0),
    ("""
    n = len(X)
    s = 0.0
    for i in range(n):
        z = X[i] @ w
        s = s + np.tanh(z) * z
    return s
    """, "X.T @ dz_rows\n    dX = np.outer(dz_rows, w)", 1),
    ("""
    n = len(X)
    s = 0.0
    for i in range(n):
        xi = X[i]
        z = xi @ w
        s = s + np.tanh(z) * z + np.sum(xi * xi)
    return s
    """, "dw = X.T @ dz_rows", 0),  # (xi is read twice: its adjoint is formed in the loop)
    ("""
    n = X.shape[0]
    s = 0.0
    for i in range(n):
        scores = X[i].dot(W)
        scores2 = X[i].dot(W * 2.0)
        s += np.sum(scores * scores2) + np.sum(W[:, 0] * scores[0])
    return s
    """, "X.T.dot(dscores_rows)", 1),  # (W * 2.0 is made in the loop: its outer products stay)
    ("""
    n = X.shape[0]
    s = 0.0
    for k in range(2):
        for i in range(n):
            scores = X[i].dot(W)
            s += np.sum(np.sin(scores)) * k
    return s
    """, "X.T.dot(dscores_rows)", 0),
])
def test_a_product_with_the_loops_row_is_summed_after_the_loop(rng, body, summed, outer):
    source = "def f(W, V, X, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((4, 3)), rng.standard_normal((3, 4)), rng.standard_normal((5, 4)),
            rng.standard_normal(4))
    text, got, want = generated(source, "f", args)
    assert_close(got, want)
    assert summed in text and code(text).count("np.outer(") == outer


@pytest.mark.parametrize("body", [
    # fewer iterations than rows: X.T would read rows the loop never reached
    """
    s = 0.0
    for i in range(3):
        s += np.sum(np.tanh(X[i].dot(W)))
    return s
    """,
    # W changes in the loop: each iteration's product reads another W
    """
    s = 0.0
    for i in range(len(X)):
        s += np.sum(np.tanh(X[i].dot(W)))
        W = W * 0.9
    return s
    """,
    # the product runs on some iterations only
    """
    s = 0.0
    for i in range(len(X)):
        if i % 2 == 0:
            s += np.sum(np.tanh(X[i].dot(W)))
    return s
    """,
])
def test_a_product_not_once_per_row_keeps_its_outer_products(rng, body):
    source = "def f(W, X):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((4, 3)), rng.standard_normal((5, 4)))
    text, got, want = generated(source, "f", args)
    assert_close(got, want)
    assert "_rows" not in text


def test_rows_of_a_matrix_an_outer_loop_changes_stay_right(rng):
    source = textwrap.dedent("""
    def f(W, X):
        n = X.shape[0]
        s = 0.0
        for k in range(2):
            for i in range(n):
                s += np.sum(np.tanh(X[i].dot(W)))
            X = X * 0.5 + np.sum(W)
        return s
    """)
    args = (rng.standard_normal((4, 3)), rng.standard_normal((5, 4)))
    text, got, want = generated(source, "f", args)
    assert_close(got, want)


PARAMETER_WRITTEN = '''
def f(x, h, w):
    for t in range(x.shape[0]):
        h[t] = np.tanh(x[t] * w + h[t])
    return np.sum(h * h)
'''


def test_a_parameter_written_in_a_loop_is_copied_once_before_it(rng):
    args = (rng.standard_normal((5, 4)), rng.standard_normal((5, 4)), rng.standard_normal(4))
    text, got, want = generated(PARAMETER_WRITTEN, "f", args)  # (the caller's h is checked unchanged)
    assert_close(got, want)
    assert code(forward_part(text)).count(".copy()") == 1 and "\n    h = h.copy()\n    for t in" in text
    assert all("dh.copy()" not in line and "dh_1.copy()" not in line for line in loop_bodies(text))


@pytest.mark.parametrize("body", [
    # the caller's array, under another name, read after the loop
    """
    k = h
    for t in range(3):
        h[t] = np.tanh(x[t] * w)
    return np.sum(h * h) + np.sum(k * x)
    """,
    # a view of the array as the iteration starts, read after the write
    """
    for t in range(3):
        r = h[1:]
        h[t] = np.tanh(x[t] * w)
        w = w + np.sum(r)
    return np.sum(h * h) * w
    """,
    # the array read whole by the backward: each iteration's is kept
    """
    for t in range(3):
        h[t] = np.tanh(np.sum(h) * x[t] * w)
    return np.sum(h * h)
    """,
    # a parameter written in a nested loop
    """
    for t in range(3):
        for s in range(2):
            h[t, s] = np.tanh(x[t, s] * w + h[t - 1, s])
    return np.sum(h * h)
    """,
])
def test_a_parameter_written_in_a_loop_stays_right(rng, body):
    source = "def f(x, h, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), 0.7)
    try:
        text, got, want = generated(source, "f", args)
    except backgen.BackgenError:
        return  # refused: fine, never wrong
    assert_close(got, want)


@pytest.mark.parametrize("body, assigned, added", [
    # gates cut from one array: each part of its adjoint is set once
    ("""
    H = w.shape[0] // 4
    a = x[0] * w
    return np.sum(np.tanh(a[:H]) * np.exp(a[H:2 * H]) + a[2 * H:3 * H] ** 2 * a[3 * H:])
    """, ["da[:H] = ", "da[H:prod] = ", "da[prod:prod4] = "], []),
    # parts that overlap: the second adds
    ("""
    H = w.shape[0] // 4
    a = x[0] * w
    return np.sum(np.tanh(a[:2 * H]) * np.exp(a[H:3 * H]))
    """, ["da[H:prod2] = "], ["da[:prod] += "]),
    # each iteration reads its own row: set, not added
    ("""
    s = 0.0
    for t in range(x.shape[0]):
        s = s + np.sum(np.tanh(x[t] * w))
    return s
    """, ["dx[t] = "], []),
    # two rows an iteration (t - 1 is the last row when t is 0): added
    ("""
    s = 0.0
    for t in range(x.shape[0]):
        s = s + np.sum(np.tanh(x[t] * w) * x[t - 1])
    return s
    """, [], ["dx[t] += ", "dx[diff] += "]),
    # the same row in every iteration: added
    ("""
    s = 0.0
    for t in range(x.shape[0]):
        s = s + np.sum(np.tanh(x[0] * w) * t)
    return s
    """, [], ["dx[0] += "]),
])
def test_a_part_no_earlier_line_wrote_is_assigned(rng, body, assigned, added):
    source = "def f(x, w):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    args = (rng.standard_normal((4, 8)), rng.standard_normal(8))
    text, got, want = generated(source, "f", args)
    assert_close(got, want)
    for line in assigned:
        assert line in text, line
    for line in added:
        assert line in text, line
