"""Python lists of arrays and writes into arrays, checked against finite differences."""

import math

import numpy as np
import pytest

import backgen
from numeric import finite_differences, gradient


def rnn_states(x, h, Wx, Wh, b):
    hs = []
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ Wx + h @ Wh + b)
        hs.append(h)
    return np.stack(hs, axis=1)


def rnn_cs231n(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        next_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = next_h
        prev_h = next_h
    return h


def powers_sum(x, w):
    parts = []
    for i in range(3):
        parts.append(x * w ** i)
    return sum(parts) + parts[1] * 2.0


def stack_and_index(x, y):
    items = [x]
    items.append(y * x)
    items.append(np.sin(y))
    first = items[0]
    return np.stack(items) * 2.0 + first


def write_twice(x, v):
    y = x * 2.0
    y[1:3] = v * v
    y[2] = v[0]
    return y * y


def write_scalar_over_slice(x, s):
    y = x + 1.0
    y[:2] = s
    return y


def write_then_read(x, v):
    y = x.copy()
    y[0] = v
    z = y * x
    y[1] = z[0]
    return y + z


def add_at_repeats(x, v):
    y = x * 1.0
    np.add.at(y, [0, 2, 0], v)  # y[0] gets v[0] and v[2]: added once per repeat
    return y * y


def add_at_through_aliases(x, v):
    y = x * 1.0
    z = y  # the same array
    tail = y[1:]  # a view of it
    np.add.at(z, [1, 1, 3], v)
    return np.tanh(tail) + y[:3]


def scatter_messages(h, W):
    out = np.zeros_like(h)
    msg = np.tanh(h[[0, 1, 2, 3, 0]] @ W)
    np.add.at(out, [1, 1, 0, 2, 3], msg)
    return out


def op_into_a_row_view(x, w):  # row *= w writes into y: NumPy's in-place operators write through views
    y = x * 1.0
    row = y[0]
    row *= w
    return y * x + row


def op_into_a_slice_view(x, v):
    y = np.exp(x)
    r = y[:, 1:3]
    r += v
    z = y
    r /= 2.0
    return np.sum(z * x, axis=0) + r[0, 0]


def op_into_a_view_of_a_view(x, s):
    y = x * s
    a = y[1:]
    r = a[0, :]
    r -= np.sin(x[0])
    y[2, 1] = 5.0  # r is a view of y: it sees this write too
    return np.sum(y * x) + np.sum(a ** 2) + np.sum(r * r)


def op_into_a_view_on_both_paths(x, w):  # the branches' merge renames the views it marks
    y = x + 0.0
    r = y[1]
    if x.mean() < 0.2:
        r *= w
    else:
        r *= w * 2.0
    return np.sum(y * x) + np.sum(r)


def growing_concatenated(x, w):
    parts = [np.tanh(x[:1] * w)]
    parts.append(x[:2] * x[1:])  # 1, 2, then 3 rows
    parts.append(np.exp(x * w))
    return np.concatenate(parts) * np.concatenate(parts, axis=0)[::-1]


def columns_concatenated(X, w):
    cols = []
    for j in range(2):
        cols.append(X[:, j:j + 2] * w[j])
    cols.append(X * X)
    return np.concatenate(cols, axis=-1)


def rows_vstacked(x, W):
    rows = []
    h = x
    for t in range(3):
        h = np.tanh(h @ W)
        rows.append(h)
    return np.vstack(rows) * np.hstack(rows)[:4]


def blocks_stacked(X, s):
    blocks = []
    for t in range(2):
        blocks.append(X * s ** t)
    return np.vstack(blocks) @ np.hstack(blocks)[:, 1:4].T


def numbers_stacked(x, s):
    totals = []
    for t in range(3):
        totals.append(np.sum(x * s ** t))
    return np.hstack(totals) * np.vstack(totals).ravel()


def array_stacked(X, w):
    return np.stack(X, axis=1) * w[:, None]


def extended_then_stacked(X, W):
    hs = []
    for t in range(2):
        hs.extend([X[t] * W[t], X[t] + 1.0])
    return np.stack(hs) ** 2


def read_in_reverse(X, W):
    hs = []
    for t in range(3):
        hs.append(X[t] @ W)
    out = 0.0
    for t, h in enumerate(reversed(hs)):
        out = out + t * np.sum(h ** 2)
    return out


def stacked_from_the_second(X, W):
    hs = [X[0]]
    for t in range(3):
        hs.append(np.tanh(hs[-1] @ W + X[t]))
    return np.stack(hs[1:]) * 2.0 + np.sum(hs[0])


def rows_scaled_in_a_loop(x, w):  # for r in y: r *= w writes into each row of y (its items are views)
    y = np.exp(x)
    for r in y:
        r *= w
    return y * x


def rows_updated_from_the_previous(x, w):  # each row written after the one before it is read
    y = np.tanh(x)
    k = 0
    for r in y:
        r += np.sin(r) * w
        if k > 0:
            r -= 0.5 * y[k - 1]
        k += 1
    return y ** 2


def rows_enumerated(x, w):
    y = x + 0.0
    for i, r in enumerate(y):
        r -= w * (i + 1.0)
    return y * y


def interior_relaxed(u, w):  # a view taken anew in each iteration and written into: the write into u
    u = u * 1.0
    for _ in range(3):
        interior = u[1:-1]
        interior += w * (0.5 * (u[:-2] + u[2:]) - interior)
    return u ** 2


RNG = np.random.default_rng(7)
CASES = [
    (rnn_states, (RNG.standard_normal((4, 3, 5)), RNG.standard_normal((3, 6)), 0.3 * RNG.standard_normal((5, 6)),
                  0.3 * RNG.standard_normal((6, 6)), RNG.standard_normal(6))),
    (rnn_cs231n, (RNG.standard_normal((3, 4, 5)), RNG.standard_normal((3, 6)), 0.3 * RNG.standard_normal((5, 6)),
                  0.3 * RNG.standard_normal((6, 6)), RNG.standard_normal(6))),
    (powers_sum, (RNG.standard_normal(4), 0.7)),
    (stack_and_index, (RNG.standard_normal(3), RNG.standard_normal(3))),
    (write_twice, (RNG.standard_normal(5), RNG.standard_normal(2))),
    (write_scalar_over_slice, (RNG.standard_normal(4), 0.3)),
    (write_then_read, (RNG.standard_normal(3), 0.4)),
    (add_at_repeats, (RNG.standard_normal(4), RNG.standard_normal(3))),
    (add_at_through_aliases, (RNG.standard_normal(4), RNG.standard_normal(3))),
    (scatter_messages, (RNG.standard_normal((4, 3)), RNG.standard_normal((3, 3)))),
    (op_into_a_row_view, (RNG.standard_normal((3, 4)), RNG.standard_normal(4))),
    (rows_scaled_in_a_loop, (RNG.standard_normal((3, 4)), RNG.standard_normal(4))),
    (rows_scaled_in_a_loop, (RNG.standard_normal((2, 3, 4)), RNG.standard_normal((3, 1)))),
    (rows_updated_from_the_previous, (RNG.standard_normal((4, 3)), RNG.standard_normal(3))),
    (rows_enumerated, (RNG.standard_normal((3, 4)), RNG.standard_normal(4))),
    (interior_relaxed, (RNG.standard_normal(7), RNG.standard_normal(5))),
    (op_into_a_slice_view, (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 2)))),
    (op_into_a_view_of_a_view, (RNG.standard_normal((3, 4)), 1.7)),
    (op_into_a_view_on_both_paths, (RNG.standard_normal((3, 4)), RNG.standard_normal(4))),
    (op_into_a_view_on_both_paths, (RNG.standard_normal((3, 4)) + 1.0, RNG.standard_normal(4))),
    (growing_concatenated, (RNG.standard_normal((3, 2)), RNG.standard_normal(2))),
    (columns_concatenated, (RNG.standard_normal((3, 4)), RNG.standard_normal(2))),
    (rows_vstacked, (RNG.standard_normal(4), 0.5 * RNG.standard_normal((4, 4)))),
    (blocks_stacked, (RNG.standard_normal((2, 3)), 0.8)),
    (numbers_stacked, (RNG.standard_normal(4), 0.8)),
    (array_stacked, (RNG.standard_normal((3, 4)), RNG.standard_normal(4))),
    (extended_then_stacked, (RNG.standard_normal((3, 4)), RNG.standard_normal((4, 4)))),
    (read_in_reverse, (RNG.standard_normal((3, 4)), RNG.standard_normal((4, 4)))),
    (stacked_from_the_second, (RNG.standard_normal((3, 4)), 0.5 * RNG.standard_normal((4, 4)))),
]


def expected_gradients(f, args, dout):
    return [np.asarray(g) for g in finite_differences(f, args, range(len(args)), (dout,))]

@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_matches_finite_differences(f, args):
    g = backgen.backward(f)
    copies = [np.copy(a) for a in args]
    dout = np.random.default_rng(1).standard_normal(np.shape(f(*args)))
    dout_copy = dout.copy()
    grads = g.backward(*args, dout=dout)
    for got, want, value in zip(grads, expected_gradients(f, args, dout), args):
        assert np.shape(got) == np.shape(value)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    for before, after in zip(copies, args):
        np.testing.assert_array_equal(before, after)  # the backward never changes its inputs
    np.testing.assert_array_equal(dout, dout_copy)


def test_lists_read_naturally():
    g = backgen.backward(rnn_states)
    g.backward(*CASES[0][1], dout=np.ones((3, 4, 6)))
    text = g.backward_source
    assert "hs = hs + [h]" in text  # the forward appends
    assert "dhs = list(np.moveaxis(dout, 1, 0))" in text  # np.stack(hs, axis=1) undone
    assert "dh += dhs[-1]" in text and "dhs = dhs[:-1]" in text  # append undone, last first


def test_a_write_into_an_array_made_here_is_in_place_and_zeroes_the_adjoint():
    g = backgen.backward(write_twice)
    g.backward(*CASES[4][1], dout=np.ones(5))
    text = g.backward_source
    assert "y[1:3] = vsqr  # (3)" in text and "y[2] = sel     # (5)" in text and "y.copy()" not in text
    assert "# (3) y[1:3] = vsqr" in text  # the comment names the line as the forward shows it
    # the adjoint's part is read as a view, which must keep its values: that one copy stays
    assert "dvsqr = dy_2[1:3]" in text and "dy = dy_2.copy()" in text


def test_writing_into_a_parameter_leaves_the_callers_array_alone():
    def f(x, v):
        x[0] = v * 2.0
        return x * x

    import inspect
    namespace = {}
    source = "import numpy as np\n\n" + "\n".join(line[4:] for line in inspect.getsource(f).splitlines()) + "\n"
    exec(compile(source, "<f>", "exec"), namespace)
    text = backgen.generate(source, shapes={"x": "N", "v": float})
    assert "x_1 = x.copy()" in text


def lstm_like_step(x, h, c, W):
    a = x @ W + h
    c2 = c * 0.5 + np.tanh(a)
    h2 = np.tanh(c2) * 0.5
    return h2, c2


def unrolled(x, h, c, W):
    for t in range(x.shape[0]):
        h, c = lstm_like_step(x[t], h, c, W)
    return np.sum(h * h) + np.sum(c)


def test_a_helper_returning_a_tuple_is_unpacked():
    rng = np.random.default_rng(3)
    args = rng.standard_normal((3, 2, 4)), rng.standard_normal((2, 5)), rng.standard_normal((2, 5)), \
        0.4 * rng.standard_normal((4, 5))
    g = backgen.backward(unrolled)
    assert backgen.gradcheck(g, *args) < 1e-5
    assert "step_backward(xt, h, c, W, *dparts)" in g.backward_source


def test_an_op_into_a_view_is_the_write_into_its_array_at_the_shapes_given():
    source = """import numpy as np

def f(x: "N, D", w: "D"):
    y = x * 1.0
    row = y[0]
    row *= w
    return np.sum(y * x) + np.sum(row)
"""
    namespace = {}
    exec(backgen.generate(source), namespace)
    x, w = RNG.standard_normal((3, 4)), RNG.standard_normal(4)

    def f(x, w):
        y = x * 1.0
        row = y[0]
        row *= w
        return np.sum(y * x) + np.sum(row)
    for got, want in zip(namespace["f_backward"](x, w), finite_differences(f, [x, w], range(2), (1.0,))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("source", [
    "y = x * 1.0\n    row = y[0]\n    row *= 2.0\n    return np.sum(y * x) + row",
    "y = x * 1.0\n    for r in y:\n        r *= 2.0\n    return np.sum(y * x)",
])
def test_an_op_into_an_item_of_a_vector_rebinds_the_number_at_the_shapes_given(source):
    # y[0] of a vector is a number, a copy: *= gives row a new value and leaves y alone (staged first
    # as the write into y it is where row is a view, then again as the number's rebinding)
    text = "import numpy as np\n\ndef f(x):\n    " + source + "\n"
    namespace, generated = {}, {}
    exec(text, namespace)
    exec(backgen.generate(text, shapes={"x": "4"}), generated)
    x = np.array([0.3, -1.2, 0.7, 2.0])
    want = gradient(lambda v: float(namespace["f"](v.copy())), [x], 0)
    np.testing.assert_allclose(generated["f_backward"](x.copy(), 1.0), want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source, shapes, match, line", [
    # without shapes, which of the two it is depends on the rank of x: refused at the op=
    ("y = x * 1.0\n    row = y[0]\n    row *= 2.0\n    return np.sum(y * x)", None,
     "which the shapes decide: give them", 6),
    # the rows a loop gives (for r in y: r *= 2.0): views of a matrix's, numbers of a vector's
    ("y = x * 1.0\n    for r in y:\n        r *= 2.0\n    return np.sum(y * x)", None,
     "which the shapes decide: give them", 6),
    # (the view of a parameter, row = x[0]; row *= 2.0, is the write into the caller's array it is:
    # test_fuzz_regressions.py's in-place operators through aliases and views)
])
def test_an_op_into_a_view_backgen_cannot_follow_is_refused(source, shapes, match, line):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate("import numpy as np\n\ndef f(x):\n    " + source + "\n", shapes=shapes)
    assert info.value.lineno == line


@pytest.mark.parametrize("source, args", [
    ('''
import math
def rastrigin(xs, A=10):
    total = A * len(xs)
    for x in xs:
        total += x * x - A * math.cos(2 * math.pi * x)
    return total
''', ([0.3, -1.2, 2.1],)),
    ('''
def horner(coeffs, x):
    result = 0.0
    for c in coeffs:
        result = result * x + c
    return result
''', ((1.0, -2.0, 0.5, 3.0), 0.7)),
    ('''
def f(M):
    s = 0.0
    for row in M:
        for v in row:
            s += v * v * 0.5 + v
    return s
''', ([[1.0, 2.0], [3.0, -1.0]],)),
])
def test_a_list_of_numbers_plain_python_code_iterates_gets_a_list_of_gradients(source, args):
    """Plain Python (math, no NumPy) iterating a parameter, generated without shapes: the gradient
    started as 0.0 and was added into with np.add.at (TypeError); it is a list, a row's gradient
    added to its row element by element (not joined to it)."""
    namespace = {}
    exec(source, namespace)
    name = next(n for n in namespace if not n.startswith("__") and n != "math")
    text = backgen.generate(source, name=name)
    exec(text, namespace)
    grads = namespace[f"{name}_backward"](*args)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for k, got in enumerate(grads):
        want = gradient(namespace[name], list(args), k)
        assert isinstance(got, list) == isinstance(args[k], (list, tuple))
        assert np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float))


# --- writes into a constant array the function makes ------------------------------------------------

CONSTANT_WRITES = {
    "mask": """
    mask = np.ones(4)
    mask[0] = 0.0
    return np.sum(x * mask[:, None] * x)
""",
    "weights_by_a_view_write": """
    w = np.linspace(0.0, 1.0, 3)
    w[1:] -= 0.5 * w[:-1]
    return np.sum(np.tanh(x * w))
""",
    "rows_and_columns": """
    a = np.ones((3, 3))
    a[0] = 5.0
    a[1, :] *= 2.0
    a[:, 2] += np.arange(3.0)
    return np.sum(np.sin(x @ a))
""",
    "written_on_one_path": """
    a = np.ones(3)
    if x[0, 0] > 0:
        a[0] = 5.0
    return np.sum(x * a * x)
""",
    "written_in_a_loop": """
    a = np.ones(3)
    for i in range(2):
        a[i] = 3.0
        x = x * a
    return np.sum(x * a)
""",
    "written_with_the_input": """
    a = np.zeros(3)
    a[0] = x[0, 0]
    a[1:] = 2.0
    return np.sum(x * a * a)
""",
    "two_names_of_one_array": """
    a = np.ones(3)
    b = a
    b[0] = 5.0
    a[1] += 2.0
    return np.sum(x * a * x) + np.sum(np.cos(x * b))
""",
    "read_before_the_write": """
    a = np.ones(3)
    s = np.sum(x * a)
    a[0] = 5.0
    return s * np.sum(x * a)
""",
}


@pytest.mark.parametrize("name", sorted(CONSTANT_WRITES))
def test_a_write_into_a_constant_array_made_here(name):
    source = "import numpy as np\n\ndef f(x):" + CONSTANT_WRITES[name]
    text = backgen.generate(source, shapes={"x": "4, 3"})
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    for seed in range(3):  # both paths of the branch
        x = np.random.default_rng(seed).standard_normal((4, 3))
        kept = x.copy()
        got = namespace["f_backward"](x)
        np.testing.assert_array_equal(x, kept)
        want, = finite_differences(forward["f"], [x], [0], (1.0,))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    if name == "mask":  # staged under the user's name, written in place
        assert "mask = np.ones(4)" in text and "mask[0] = 0.0" in text and ".copy()" not in text


@pytest.mark.parametrize("body, match", [
    # a list and a tuple holding it: they see the write (a view of it, b = a.reshape(3, 1), is taken again of
    # the array staged and sees it too: test_layout_checked)
    ("a = np.ones(3)\n    held = [a, a * 2]\n    a[0] = 5.0\n    return np.sum(x * held[0])", "a shares its array"),
    ("a = np.ones(3)\n    held = (a, 2.0)\n    a[0] = 5.0\n    return np.sum(x * held[0])", "a shares its array"),
    # the rows a loop over it keeps, and a branch that may hand on the array itself
    ("a = np.ones((2, 3))\n    rows = []\n    for row in a:\n        rows.append(row)\n    a[0, 1] = 5.0\n"
     "    return np.sum(x * rows[0])", "a shares its array with rows here"),
    ("a = np.ones((2, 3))\n    b = a if x[0, 0] > 0 else a * 2.0\n    a[0, 1] = 5.0\n    return np.sum(x * b[0])",
     "a shares its array with b here"),
])
def test_a_write_into_a_constant_array_other_values_hold_is_refused(body, match):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate("import numpy as np\n\ndef f(x):\n    " + body + "\n", shapes={"x": "4, 3"})
    assert info.value.lineno == 3 + body[:body.index("] = 5.0")].count("\n") + 1  # the write's line


def test_a_tuple_of_values_carries_their_gradients():
    source = """import numpy as np

def f(x, c):
    a = x * 2.0
    a[1] += c * 3.0
    pair = (a, np.tanh(x))
    h, s = pair
    return np.sum(x * pair[0]) + np.sum(h * s) * c
"""
    text = backgen.generate(source, shapes={"x": "3", "c": float})
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    x, c = np.array([0.3, -0.2, 0.5]), 0.7
    got = namespace["f_backward"](x, c)
    want = finite_differences(forward["f"], [x, c], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_a_loop_writing_into_a_constant_array_a_tuple_holds_is_refused():
    source = """import numpy as np

def f(x):
    a = np.arange(3.0) + 1.0
    held = (a, 1.0)
    for i in range(2):
        a[1:] = x[:2]
    return np.sum(x * held[0])
"""
    with pytest.raises(backgen.BackgenError, match="a shares its array with held here, and this loop writes") as info:
        backgen.generate(source, shapes={"x": "3"})
    assert info.value.lineno == 6


TUPLES = {  # each was a silent wrong gradient while a tuple of values carried none
    "unpacked_later": "t = (x * 2.0, np.sin(x))\n    a, b = t\n    return np.sum(a * b)",
    "carried_by_a_loop": "acc = (x, x * 0.0)\n    for i in range(2):\n        acc = (acc[0] * 2.0, acc[1] + acc[0])\n"
                         "    return np.sum(acc[1])",
    "stacked": "t = (x, x * 2.0)\n    return np.sum(np.stack(t) ** 2)",
    "indexed_by_its_length": "t = (x, x * 2.0)\n    return np.sum(t[len(t) - 1] * x)",
    "sliced": "t = (x, x * 2.0, x * 3.0)\n    u = t[1:]\n    return np.sum(u[0] * u[1])",
    "summed": "t = (x, x * 2.0)\n    return np.sum(sum(t) * x)",
    "of_numbers": "t = (x[0], 2.0)\n    return x[0] * t[0] * t[1]",
    "iterated": "t = (x, x * 2.0)\n    tot = 0.0\n    for u in t:\n        tot = tot + np.sum(u ** 2)\n    return tot",
}


@pytest.mark.parametrize("name", sorted(TUPLES))
def test_a_tuple_passes_its_items_gradients_on(name):
    source = "import numpy as np\n\ndef f(x):\n    " + TUPLES[name] + "\n"
    namespace, forward = {}, {}
    exec(backgen.generate(source, shapes={"x": "3"}), namespace)
    exec(source, forward)
    x = np.array([0.3, -0.2, 0.5])
    want, = finite_differences(forward["f"], [x], [0], (1.0,))
    np.testing.assert_allclose(namespace["f_backward"](x), want, rtol=1e-5, atol=1e-7)


def test_a_tuple_holding_a_tuple_of_differentiated_values_is_refused():
    source = "import numpy as np\n\ndef f(x):\n    t = ((x, 2.0), x * 3.0)\n    return np.sum(t[0][0] * t[1])\n"
    with pytest.raises(backgen.BackgenError, match="building a value this way") as info:
        backgen.generate(source, shapes={"x": "3"})
    assert (info.value.lineno, info.value.offset) == (4, 5)


@pytest.mark.parametrize("body", [
    "t = (x * 2.0, math.sin(x))\n    a, b = t\n    return a * b * y",
    "acc = (x, 0.0)\n    for i in range(3):\n        acc = (acc[0] * 2.0, acc[1] + acc[0] * y)\n    return acc[1]",
    "t = (x * y, math.exp(x))\n    return t[0] * t[-1] + t[1]",
])
def test_a_tuple_of_numbers_in_plain_python(body):
    source = "import math\n\ndef f(x, y):\n    " + body + "\n"
    text = backgen.generate(source)
    assert "import numpy" not in text  # plain Python, as the function is
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    got = namespace["f_backward"](0.7, -0.4)
    want = finite_differences(forward["f"], [0.7, -0.4], [0, 1], (1.0,))
    np.testing.assert_allclose(got, [float(w) for w in want], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("body", [
    # a view of the parameter held in a list or tuple, written through an item in a loop: v changes from one
    # iteration to the next (a later write into the number c once hid the first write's mark)
    "for i in range(3):\n        a = [v.T, s * 1.0]\n        b = a[0]\n        c = a[1]\n        b[0] += np.sum(v)\n"
    "        c += b * 0.7\n    return c",
    "for i in range(3):\n        a = (v.T, s * 1.0)\n        b, c = a\n        b[0] += np.sum(v)\n        c += b * 0.7\n"
    "    return c",
])
def test_a_write_through_an_item_of_a_list_holding_a_view_in_a_loop_is_refused(body):
    # (b is v.T itself, the write into it followed into v: v then changes from one iteration to the next)
    with pytest.raises(backgen.BackgenError, match="'v' may have been changed by the write into 'b'|"
                                                   "'v' changes in the loop through another name") as info:
        backgen.generate("import numpy as np\n\ndef f(v, s):\n    " + body + "\n", shapes={"v": "3", "s": float})
    assert info.value.lineno == 4


def test_lists_concatenated_are_cut_where_their_elements_end():
    g = backgen.backward(growing_concatenated)
    grads = g.backward(RNG.standard_normal((3, 2)), 0.5 * np.ones(2), dout=np.ones((6, 2)))
    assert all(isinstance(grad, np.ndarray) for grad in grads)
    assert "dparts_2 = list(np.split(dconcatenated2, np.cumsum([len(part) for part in parts_2])[:-1]))" in \
        g.backward_source


def test_the_rows_of_an_array_stacked_get_an_array_gradient():
    g = backgen.backward(array_stacked)
    dX, dw = g.backward(RNG.standard_normal((3, 4)), RNG.standard_normal(4), dout=np.ones((4, 3)))
    assert isinstance(dX, np.ndarray) and dX.shape == (3, 4)  # it was a list of the rows' gradients
@pytest.mark.parametrize("source, args", [
    # the tuple is read by the helper and again after it: dstate came back as a list, and ds += dstate
    # joined the two lists (ds[0] lost the helper's part: dx0 = 0.5 where it is 2.5)
    ("def energy(state, k=2.0):\n    x, v = state\n    return 0.5 * k * x * x + 0.5 * v * v\n\n"
     "def f(x0, v0, k=2.0):\n    s = (x0, v0)\n    return energy(s, k) + s[0] * s[1]\n", [1.0, 0.5]),
    # an RK step as written with tuples (tuple(... for ...) is the list the loop builds)
    ("def lorenz(state, sigma, rho, beta):\n    x, y, z = state\n"
     "    return (sigma * (y - x), x * (rho - z) - y, x * y - beta * z)\n\n"
     "def f(x0, y0, z0, sigma=10.0, rho=28.0, beta=8.0 / 3.0, h=0.005):\n    s = (x0, y0, z0)\n"
     "    for _ in range(2):\n        k1 = lorenz(s, sigma, rho, beta)\n"
     "        k2 = lorenz(tuple(si + 0.5 * h * ki for si, ki in zip(s, k1)), sigma, rho, beta)\n"
     "        s = tuple(si + h * (a + b) / 2 for si, a, b in zip(s, k1, k2))\n"
     "    return s[0] + s[1] + s[2]\n", [1.0, 1.2, 0.9]),
])
def test_a_tuple_given_to_a_helper_and_read_again_adds_its_gradients_element_by_element(source, args):
    text = backgen.generate(source, name="f")
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    got = namespace["f_backward"](*args, dout=1.0)[:len(args)]
    want = finite_differences(forward["f"], args, list(range(len(args))), (1.0,))
    np.testing.assert_allclose([float(g) for g in got], [float(w) for w in want], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source", [
    "def f(v, k):\n    ys = [0.0]\n    for i in range(5):\n        ys.append(ys[-1] + v * k ** i)\n    return max(ys)\n",
    "def f(v, k):\n    ys = [0.0]\n    y = 0.0\n    while y < 3.0:\n        y = y + v\n        ys.append(y * k)\n"
    "    return max(ys) + min(ys)\n",
    "def f(v, k):\n    ys = [v, k]\n    return max(ys) * v\n",
])
def test_max_of_a_list_written_out_with_numbers_then_appended_to(source):
    # ys = [0.0] then ys.append(...) (a trajectory's heights), then max(ys): the list written with numbers
    # was not known for a list, and max() of it was refused as of an array
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    args = [0.7, 1.3]
    got = generated["f_backward"](*args)
    for k in range(2):
        assert float(got[k]) == pytest.approx(gradient(namespace["f"], args, k), rel=1e-6)


@pytest.mark.parametrize("cashflows", ["[coupon] * (n - 1) + [100.0 + coupon]", "(n - 1) * [coupon] + [100.0 + coupon]"])
def test_a_list_of_one_value_repeated_a_counted_number_of_times(cashflows):
    # [coupon] * (n - 1) with n a parameter was refused: repetition was followed for a constant count only
    source = (f"def f(ytm, coupon, n=10):\n    cfs = {cashflows}\n    pv = 0.0\n    weighted = 0.0\n"
              "    for t, cf in enumerate(cfs, start=1):\n        disc = cf / (1 + ytm) ** t\n        pv += disc\n"
              "        weighted += t * disc\n    return weighted / pv\n")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    for args in ([0.04, 5.0], [0.04, 5.0, 4]):
        got = generated["f_backward"](*args)
        for k in range(2):
            assert float(got[k]) == pytest.approx(gradient(namespace["f"], args, k), rel=1e-6)


def test_rows_of_a_constant_array_written_in_a_loop_are_followed():
    # X = np.arange(...) is a constant the function makes; the loop writing into its rows through the
    # item (row[0] = 2.0) carried X as it carries an array written through a view, and the constant's
    # text was staged as the name assigned ('cannot assign to function call': an internal error; long
    # fuzz seed 31337, program 579); then refused at the write; now the array is staged as the loop
    # starts, and the writes followed
    source = '''
import numpy as np

def f(v: "3", X: "3, 1"):
    X = np.arange(3.0).reshape(3, 1)
    for row in X:
        row[0] = 2.0
    return X * v[0]
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    v, X = np.array([0.3, -1.2, 0.7]), np.array([[0.5], [1.5], [-0.2]])
    dv, dX = generated["f_backward"](v, X, np.ones((3, 1)))
    np.testing.assert_allclose(dv, gradient(lambda *a: float(np.sum(namespace["f"](*a))), [v, X], 0), atol=1e-7)
    np.testing.assert_allclose(dX, gradient(lambda *a: float(np.sum(namespace["f"](*a))), [v, X], 1), atol=1e-7)
