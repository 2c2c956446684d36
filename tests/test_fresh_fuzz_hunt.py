"""Cases found by a differential fuzzer written apart from backgen's own: random NumPy programs
(broadcasting, reductions, views and writes through them, loops, branches on data and on ranks,
helpers, several outputs) checked against central differences.

Each case is checked against central finite differences in float64 (``numeric``), or asserted
refused with a ``BackgenError`` and part of its message.
"""

import numpy as np

from numeric import assert_generated_refused, assert_generated_right

X34 = np.array([[0.61, -1.12, 0.35, 1.41], [-0.52, 0.93, -1.27, 0.44], [1.08, -0.37, 0.72, -0.95]])
X31 = np.array([[0.83], [-1.21], [0.47]])


assert_right, assert_refused = assert_generated_right, assert_generated_refused


DOUT34 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)


# --- an if testing the rank of a value the function computes takes one branch at the ranks given ---


def test_rank_test_of_a_value_leaves_out_a_view_written_as_a_number_on_the_other_branch():
    # at (3, 4), t9 is (3, 4) and t15 = t9[0] a row (a view) that += writes into; on the branch never
    # taken (t6 of rank 3) it would be a number, which += rebinds: that branch no longer refuses the code
    assert_right('''
        def f(x: "3, 4"):
            t6 = x * 1.0
            if np.ndim(t6) == 3:
                t9 = t6.sum(axis=0)
            else:
                t9 = t6 * 2.0
            t15 = t9[0]
            t15 += 1.0
            return t9 * x
    ''', [X34], (DOUT34,))


def test_rank_test_by_attribute_before_a_loop():
    assert_right('''
        def f(x: (3, 1)):
            t6 = x[None] * 1.0
            if t6.ndim == 2:
                t9 = t6.sum(axis=1)
            else:
                t9 = t6 * 2.0
            t15 = t9[0]
            t15 += np.tanh(x)
            for k in range(3):
                t6 = t6 * 0.9
            return np.sum(t9 * t6)
    ''', [X31])


def test_rank_test_with_named_dimensions():
    assert_right('''
        def f(x: "N, D"):
            h = np.tanh(x)
            if len(h.shape) == 1 or h.ndim > 2:
                r = h.sum(axis=0)
            else:
                r = h * 2.0
            row = r[1]
            row *= 3.0
            return r
    ''', [X34], (DOUT34,))


def test_rank_test_taken_branch_is_the_body():
    assert_right('''
        def f(x: "3, 4", w: "4"):
            a = x * w
            if np.ndim(a) == 2:
                t = a * 2.0
            else:
                t = a.sum(axis=0)
            v = t[0]
            v *= 2.0
            return t * w
    ''', [X34, np.array([0.3, -0.7, 1.1, 0.5])], (DOUT34,))


def test_rank_test_of_a_value_made_in_a_loop_from_a_number_still_walks_both():
    # s starts as a number that the loop makes an array: its rank is not the inputs' to decide
    assert_refused('''
        def f(x: "4"):
            s = 0.0
            for i in range(2):
                s = s + x
            if np.ndim(s) == 0:
                t = s * 2.0
            else:
                t = s.sum(axis=1)
            return t
    ''', [np.array([0.3, -0.7, 1.1, 0.5])], "axis 1 is out of bounds")


def test_data_test_still_walks_both_branches():
    # a test on values (not ranks) decides nothing: both branches are written
    assert_right('''
        def f(x: "3, 4"):
            t6 = x * 1.0
            if np.sum(t6) > 100.0:
                t9 = t6.sum(axis=0)
            else:
                t9 = t6 * 2.0
            return np.sum(t9 ** 2)
    ''', [X34])


def test_rank_test_in_a_helper_called_at_one_rank_per_call():
    # g is written once per rank of its argument: in each, the branch its rank test does not take is left
    # out (walked, it gave g's result two shapes, refused as a helper returning several)
    assert_right('''
        def g(u):
            a = u * 1.0
            if np.ndim(a) == 2:
                a = a.sum(axis=0)
            return a * 2.0

        def f(x: "3, 4", w: "4"):
            return g(x) * g(w)
    ''', [X34, np.array([0.3, -0.7, 1.1, 0.5])], (np.array([0.2, -0.4, 0.9, 1.3]),))


def test_rank_test_whose_branches_give_a_value_two_ranks():
    assert_right('''
        def f(x: "3, 4", w: "4"):
            z = np.tanh(x) * w
            if z.ndim == 3:
                z = z.sum(axis=0)
            else:
                z = z[:, 1:]
            return z
    ''', [X34, np.array([0.3, -0.7, 1.1, 0.5])], (np.linspace(-1.0, 1.0, 9).reshape(3, 3),))


# --- a helper called only on a branch left out has no backward to write -------------------------------


def test_helper_called_on_a_branch_raising_at_the_shapes_given():
    # x + w raises at (3, 4) and (3,): that branch is left out, and g's call on it, never walked, no
    # longer asks for g's shapes
    assert_right('''
        def g(u):
            return np.tanh(u) * 2.0

        def f(x: "3, 4", w: "3"):
            if x.sum() > 100.0:
                t = g(x + w)
            else:
                t = g(x)
            return t
    ''', [X34, np.array([0.3, -0.7, 1.1])], (DOUT34,))


def test_helper_called_on_a_branch_a_rank_test_leaves_out():
    assert_right('''
        def g(u, v):
            return np.tanh(u) * v

        def f(x: "3, 4", w: "4"):
            a = x * 1.0
            if np.ndim(a) == 3:
                t = g(a, w)
            else:
                t = g(w, w)
            return t * x
    ''', [X34, np.array([0.3, -0.7, 1.1, 0.5])], (DOUT34,))
