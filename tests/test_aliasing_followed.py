"""Writes through views and aliases: programs whose NumPy meaning backgen follows (checked against
central finite differences in float64 of ``sum(output * dout)``), and programs whose meaning it
cannot follow, refused at the user's line."""

import numpy as np
import pytest

from test_aliasing_more import assert_refused, assert_right, randn


# --- a loop writing in place leaves its carried name the array it entered with -------------------

KEPT_ROW_INNER_WRITE = """
def f(X):
    hs = []
    for i in range(3):
        a = X[i]
        for j in range(3):
            X += X
        hs.append(X[-2])
    return np.concatenate(hs, axis=-1)
"""


def test_an_inner_loop_writing_in_place_keeps_the_outer_loops_array():
    # the inner loop's X += X writes into the array the outer iteration started with (a view a = X[i] of
    # it made the inner loop carry it under a name of its own), whose row the previous iteration appended:
    # long fuzz seed 2026120432, program 19530 (a wrong gradient before)
    assert_refused(KEPT_ROW_INNER_WRITE, "whose value from the previous iteration is kept in a list", 7,
                   shapes={"X": (3, 4)})


FRESH_THEN_IN_PLACE = """
def f(X):
    h = X * 1.0
    for k in range(2):
        h = np.tanh(h)
        h += X
    return h * 2.0
"""

IN_PLACE_WITH_VIEW = """
def f(X):
    h = X * 1.0
    a = h[0]
    for k in range(2):
        h *= 1.5
    return h * a
"""


@pytest.mark.parametrize("program, given_shapes", [(FRESH_THEN_IN_PLACE, True), (FRESH_THEN_IN_PLACE, False),
                                                   (IN_PLACE_WITH_VIEW, True)])
def test_a_loop_writing_in_place_into_its_own_or_a_new_array(program, given_shapes):
    assert_right(program, [randn(3, 4)], given_shapes=given_shapes)


# --- a size read from a shape holds no array ------------------------------------------------------

SIZES_OF_A_CONSTANT = """
def f(x):
    N, C, H, W = np.ones((1, 2, 4, 4)).shape
    out = np.zeros((N, C, 2, 2))
    for n in range(N):
        for c in range(C):
            out[n, c] = np.min(x[n, c]) * x[n, c, :2, :2]
    return out
"""


def test_a_constant_made_of_another_constants_sizes_shares_nothing_with_them():
    # N and C are numbers read from np.ones(...).shape, no view of it: the write into out changes
    # neither (real-code fuzzer seed 171, programs 92 and 246: refused before)
    assert_right(SIZES_OF_A_CONSTANT, [randn(1, 2, 4, 4)])


# --- a reshape or ravel of an array known to be C-contiguous is a view ----------------------------

RAVEL_OF_PRODUCT = """
def f(Q, K):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    scores_v = scores.ravel()
    scores_v[:2] *= -1.0
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""

RESHAPE_OF_ZEROS = """
def f(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C, 2, 2))
    out_v = out.reshape(-1)
    out_v[1] = out_v[0] * 3.0 + 1.0
    for n in range(N):
        for c in range(C):
            out[n, c, 0, 0] += np.sum(x[n, c, :2, :2])
    return out * out
"""

RAVEL_OF_A_SLICES_FUNCTION = """
def f(x, W):
    a = x @ W
    o = np.tanh(a[:, 1:]) * 2.0 + a[:, :-1]
    o_v = o.ravel()
    o_v[1:3] *= -1.5
    r = o.reshape(-1)
    r[0] = r[1] * r[2]
    return o * a[:, 1:]
"""


@pytest.mark.parametrize("program, shapes", [(RAVEL_OF_PRODUCT, [(3, 4), (2, 4)]), (RESHAPE_OF_ZEROS, [(2, 2, 4, 4)]),
                                             (RAVEL_OF_A_SLICES_FUNCTION, [(3, 4), (4, 5)])])
def test_a_reshape_of_a_new_array_in_c_order_is_a_view_written_through(program, shapes):
    # NumPy's ufuncs lay a new array out as their operands: of arrays in C order (a product of matrices,
    # np.zeros, a slice of one) and numbers, C-contiguous, so that a reshape or ravel of it is a view
    # (real-code fuzzer seed 171, programs 147 and 174: refused before)
    assert_right(program, [randn(*shape, seed=k + 1) for k, shape in enumerate(shapes)])


@pytest.mark.parametrize("body, line", [
    ("h = np.tanh(x.T) * 2.0\n    h_v = h.ravel()\n    h_v[:2] *= -1.0\n    return h * x", 5),
    ("a = x @ x.T\n    v = a[:, ::2]\n    v *= 2.0\n    r = v.reshape(-1)\n    r[0] = 1.0\n    return np.sum(v) * a", 7),
    ("h = x @ x.T + x.T[:, :4]\n    h_v = h.ravel()\n    h_v[:2] *= -1.0\n    return h * 2.0", 5),
])  # (x @ x.T + x[:, :1], a column of any order added: C-contiguous, followed: test_reshape_layout)
def test_a_reshape_of_an_array_of_unknown_order_written_into_is_refused(body, line):
    # an operand in another order (x.T: NumPy's result then in F order where x is C-contiguous, its ravel
    # a copy); a slice is no C-contiguous array (its reshape may copy).  (Of x itself, the code is written
    # for x C-contiguous, which it checks: tests/test_layout_checked.py)
    assert_refused(f"def f(x):\n    {body}\n", "only where it is C-contiguous", line, shapes={"x": (4, 4)})


# --- a name a loop sets, no value before it: after the loop, its last iteration's alias or view -------

ALIAS_OUT_OF_WHILE = """
def f(x, w):
    out = np.tanh(x @ w)
    k = 0
    while k < 2:
        out_v = out
        k += 1
    out_v *= 1.5
    return out * out
"""

VIEWS_OUT_OF_WHILE = """
def f(x, w):
    h = np.tanh(x @ w)
    k = 0
    while k < 3:
        v = h[1:]
        t = h.T
        k += 1
    v *= 2.0
    t[0] = t[1] * 3.0
    return h * x.sum() + v.sum()
"""

VIEW_OF_THE_LAST_ITERATIONS = """
def f(x, w):
    h = np.tanh(x @ w)
    for i in range(3):
        h = h * 1.5
        v = h.T
    v[0] = 2.0
    return h * x.sum()
"""


@pytest.mark.parametrize("program", [ALIAS_OUT_OF_WHILE, VIEWS_OUT_OF_WHILE, VIEW_OF_THE_LAST_ITERATIONS])
def test_an_alias_or_view_a_loop_leaves_is_written_through(program):
    # read after the loop, the name is set: the loop ran, and it holds its last iteration's value, the
    # array (or a view of the array) a name holds as that iteration ends (real-code fuzzer seed 171,
    # programs 269 and 548: refused before)
    assert_right(program, [randn(3, 4), randn(4, 5, seed=2)])


def test_a_view_a_loop_leaves_through_an_index_of_its_counter_is_refused():
    source = """
    def f(x, w):
        h = np.tanh(x @ w)
        for i in range(3):
            v = h[i]
        v *= 2.0
        return h * x.sum()
    """
    assert_refused(source, "'h' may have been changed by the write into 'v'", 7, shapes={"x": (3, 4), "w": (4, 5)})


def test_a_view_of_a_parameter_a_loop_leaves_follows_a_write_into_the_parameter():
    # (refused before, as a view on some paths only: tests/test_never_wrong.py held it refused)
    source = """
    def f(v, X, W):
        for row in W[1:]:
            a = v[2:3]
        b = v
        b += np.sum(b[np.newaxis])
        return a * 1.0
    """
    assert_right(source, [randn(4), randn(2, 4, seed=2), randn(3, 4, seed=3)])


# --- two names one value on every path of an if: one array after it --------------------------------

SAME_ON_BOTH_PATHS = """
def f(x, v):
    y = x * 1.0
    z = y
    if np.sum(y) > 0:
        z[0] = v[0] * 2.0
    else:
        pass
    z[1:] *= np.tanh(v[1:])
    return np.sum(y * y) + np.sum(z)
"""

VIEWS_OF_OTHERS_ON_EACH_PATH = """
def f(x, v):
    y = x * 1.0
    w = y[1:]
    z = y
    if np.sum(y) > 0:
        z[0] = v[0] * 2.0
        w = z[:2]
    else:
        t = np.tanh(z)
        z = t
        y = t
    z[1:] *= np.tanh(v[1:])
    w *= 3.0
    return np.sum(y * y) + np.sum(z) + np.sum(w * x[1:3])
"""


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_names_holding_one_value_on_each_path_are_one_array_after_the_if(sign):
    # y and z are one array on either path (real-code fuzzer seed 171, program 115: refused before)
    assert_right(SAME_ON_BOTH_PATHS, [sign * np.abs(randn(3, 4)), randn(3, 4, seed=2)])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_view_of_different_arrays_on_the_paths_has_what_follows_written_into_each(sign):
    # refused as w sharing z's memory on some paths only; now what follows the if is written into each
    assert_right(VIEWS_OF_OTHERS_ON_EACH_PATH, [sign * np.abs(randn(3, 4)), randn(3, 4, seed=2)])


# --- np.rot90 is a view undone by the turn back ----------------------------------------------------

TURNS_WRITTEN = """
def f(x, w):
    h = np.tanh(x @ w)
    r = np.rot90(h, 3)
    r[0] += r[1] * 2.0
    q = np.rot90(h, k=2, axes=(1, 0))
    q[:, 1] = q[:, 0] * h[0, 0]
    return h * h + r.T
"""

TURN_OF_A_STACK_AND_ITS_BASE_WRITTEN = """
def f(x):
    h = x * 2.0
    r = np.rot90(h, 1, axes=(1, 2))
    h[0] = np.tanh(h[1])
    r[1, :, 0] *= 3.0
    return np.sum(r * r) + np.sum(h[:, 0] ** 3)
"""


@pytest.mark.parametrize("given_shapes", [True, False])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 4)), ((2, 5), (5, 3))])
def test_a_write_through_a_turn_is_followed(shapes, given_shapes):
    # np.rot90(m, k, axes) was refused as a view backgen does not write back through
    assert_right(TURNS_WRITTEN, [randn(*shapes[0]), randn(*shapes[1], seed=2)], given_shapes=given_shapes)


def test_a_write_into_the_base_of_a_turn_is_seen_through_it():
    assert_right(TURN_OF_A_STACK_AND_ITS_BASE_WRITTEN, [randn(2, 3, 4)])


# --- a view of a constant array written into: the array staged, the write followed ----------------

def view_of_a_constant(view):
    return f"""
def f(X, w):
    A = np.arange(12.0).reshape((3, 4)) * 0.1 + 1.0
    B = A
    T = {view}
    U = T
    T[0] -= X[0, 0] * 1.5
    U[1] = U[1] * w[0]
    return np.sum(A * X) + np.sum(T * T) + np.sum(B)
"""


@pytest.mark.parametrize("view", ["A.T", "A[1:]", "A[:, ::2]", "A.transpose()", "A.reshape(-1)", "A.reshape(4, 3)"])
def test_a_write_through_a_view_of_a_constant_array_reaches_the_array(view):
    # T shares A's constant array: refused before (real-code fuzzer seed 171, program 542 writes so, and
    # into A through r = A[1] too, which stays refused)
    assert_right(view_of_a_constant(view), [randn(3, 4), randn(4, seed=2)])


def test_a_write_through_a_slice_of_a_constant_vector_reaches_it():
    # (tests/test_lists_and_writes.py held it refused: v shares its array with a)
    source = """
    def f(x):
        a = np.ones(3)
        v = a[1:]
        v[0] = 5.0 * x[0]
        return np.sum(x * a)
    """
    assert_right(source, [randn(3)])


def test_a_write_through_one_view_of_a_constant_array_reaches_its_other_views():
    # V1 = V0.T and V2 = V0[1:] view one constant array, neither text holding the other: V2 += w[0]
    # changed V1 unseen, a wrong gradient before (independent aliasing fuzzer); then refused; now the
    # array and both views are staged on lines of their own, and the write followed into V1
    source = """
    def f(x, w):
        V0 = np.zeros((3, 4)) + 1.0
        V1 = V0.T
        V2 = V0[1:]
        V2 += w[0]
        return np.sum(V1 * V1) + np.sum(x * w[0])
    """
    assert_right(source, [randn(3, 4), randn(4)])


@pytest.mark.parametrize("program", [
    # V0 = A.copy() and V2 = A.copy() are two arrays of one text: the write through V1 = V0[1:] reaches V0 only
    """
def f(x, w):
    A = np.arange(12.0).reshape((3, 4)) * 0.1 + 1.0
    V0 = A.copy()
    V1 = V0[1:]
    V2 = A.copy()
    V1[...] = np.tanh(V1) + x[2, 2]
    V0 *= x[1, 1]
    for i in range(2):
        V2[-1] += x[i, 0]
    return np.sum(A * A) + np.sum(V1 * V1) + np.sum(V0 * V0) + np.sum(V2) + np.sum(x * w[0])
""",
    # V0 = A.reshape(-1) written while V1 = A.T and V2 = V1.T view A too
    """
def f(x, w):
    A = np.ones((3, 4))
    V0 = A.reshape(-1)
    V1 = A.T
    V2 = V1.T
    V0[...] = np.tanh(V0) + x[2, 2]
    return np.sum(V2 * V2) + np.sum(V0 * V0) + np.sum(A * A) + np.sum(x * w[0])
"""])
def test_a_write_through_a_view_of_a_constant_with_other_holders_is_followed(program):
    # (a staging of the view alone, which did not rebind the other arrays of the same text nor the other
    # views of the array, gave wrong gradients; then refused.  Now the array and every view of it are
    # staged on lines of their own, and a constant of another array, A.copy() twice, is left alone)
    assert_right(program, [randn(3, 4), randn(4)])


ARRAY_OF_ROWS = """
import numpy as np


def f(y):
    stacked = np.array([np.sin(y[0]) * i for i in range(4)])
    view = stacked.reshape(-1)
    view[2] += np.sum(y)
    return stacked ** 2
"""

ASARRAY_OF_ROWS = """
import numpy as np


def f(y):
    rows = []
    for row in y:
        rows.append(np.tanh(row))
    M = np.asarray(rows, float)
    flat = M.ravel()
    flat[1:3] *= 2.0
    return M * y
"""


@pytest.mark.parametrize("program", [ARRAY_OF_ROWS, ASARRAY_OF_ROWS])
@pytest.mark.parametrize("given_shapes", [True, False])
def test_an_array_made_of_a_list_is_c_contiguous_and_its_reshape_a_view(program, given_shapes):
    # np.array(rows) lays a new array out in C order: its reshape and ravel are views, written through
    assert_right(program, [randn(3, 4)], given_shapes=given_shapes)


ACCUMULATED_THEN_VIEWED = """
import numpy as np


def f(t, x):
    acc = np.zeros((3, 3))
    for row in t:
        acc += np.sin(x) * row
    flat = acc.reshape(-1)
    flat -= np.sum(x)
    kept = np.copy(acc)
    return kept * x
"""

ZERO_D_THEN_VIEWED = """
import numpy as np


def f(x):
    acc = np.zeros(())
    acc += np.sum(x ** 2)
    v = acc.reshape(1)
    v *= 3.0
    return acc * x
"""

RANGE_THEN_VIEWED = """
import numpy as np


def f(x):
    h = np.arange(6.0)
    for k in range(3):
        h *= np.tanh(x[k])
    grid = h.reshape(2, 3)
    grid[0] += x[:3]
    return h ** 2
"""


@pytest.mark.parametrize("program, shapes", [(ACCUMULATED_THEN_VIEWED, [(3, 3), (3, 3)]),
                                             (ZERO_D_THEN_VIEWED, [(4,)]), (RANGE_THEN_VIEWED, [(4,)])])
@pytest.mark.parametrize("given_shapes", [True, False])
def test_an_array_numpy_makes_written_into_then_reshaped_is_written_through_the_reshape(program, shapes,
                                                                                      given_shapes):
    # np.zeros, np.arange: arrays whatever the shapes, op= keeping them so (in a loop too); their reshape a
    # view, whose op= writes into them (without shapes, refused before as maybe a number's copy)
    assert_right(program, [randn(*shape, seed=k) for k, shape in enumerate(shapes)], given_shapes=given_shapes)


SIZES_OF_A_CONSTANT = """
import numpy as np


def zeros_for(N, C):
    return np.zeros((N, C, 2, 2))


def f(x):
    N, C, H, W = np.ones((1, 2, 4, 4)).shape
    out = zeros_for(N, C)
    for n in range(N):
        for c in range(C):
            for i in range(2):
                for j in range(2):
                    out[n, c, i, j] = np.max(x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2])
    return out
"""


@pytest.mark.parametrize("given_shapes", [True, False])
def test_a_size_read_of_a_constant_array_given_to_a_helper_is_no_array_its_result_may_hold(given_shapes):
    # N = np.ones(...).shape[0] is a number: the helper's np.zeros((N, C, 2, 2)) holds no constant array
    assert_right(SIZES_OF_A_CONSTANT, [randn(1, 2, 4, 4)], given_shapes=given_shapes)
