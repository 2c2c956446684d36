"""Cases a fresh differential fuzzer found: random modules of straight NumPy with state and of control
flow (helpers returning tuples and lists, loops, branches on data), each checked against central finite
differences in float64 (``numeric``), or asserted refused with a ``BackgenError``.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, gradient, imported

RNG = np.random.default_rng(33)
X34 = RNG.standard_normal((3, 4))
W4 = RNG.standard_normal(4)


# --- module constants made by a NumPy call and one of the array's methods ------------------------


def test_module_matrix_reshaped_from_linspace_is_a_constant():
    assert_generated_right('''
        import numpy as np
        C42 = np.linspace(-1.0, 1.0, 8).reshape(4, 2) * 0.7 + 0.1
        def f(x):
            p = x @ C42
            return np.sum(p * p)
    ''', [X34])


def test_module_matrix_of_arange_transposed_and_cast():
    assert_generated_right('''
        import numpy as np
        E = np.arange(16.0).reshape(4, 4).T.astype(float) / 10.0
        def f(x, w):
            return np.sum(np.tanh(x @ E) * w)
    ''', [X34, W4])


def test_module_array_computed_from_a_computed_array():
    assert_generated_right('''
        import numpy as np
        G = np.linspace(0.0, 1.0, 4)
        H = G * 2.0 + 1.0
        C = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
        D = C.T.T * 2.0
        def f(x):
            return np.sum(x * H) + np.sum(np.sin(x @ D))
    ''', [X34])


def test_module_constant_of_a_method_with_the_decorator():
    ns = imported('''
import numpy as np
C42 = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
def f(x):
    p = x @ C42
    return np.sum(p * p)
''', "fz3const")
    g = backgen.backward(ns["f"])
    np.testing.assert_allclose(g.backward(X34.copy()), gradient(lambda x: ns["f"](x.copy()), [X34], 0),
                               rtol=1e-5, atol=1e-7)


# --- `_` read as a value ------------------------------------------------------------------------

_PAIR = '''
    import numpy as np
    def _pair(a, scale=1.0):
        h = np.tanh(a) * scale
        return h, h.sum()
'''


def test_underscore_of_a_helper_tuple_read_in_a_test():
    # the staged forward lost the value bound to `_`, and sampling stopped on a None
    assert_generated_right(_PAIR + '''
    def f(c):
        h, _ = _pair(0.0, scale=2.0)
        tot = 0.0
        for i in range(3):
            if c[i, 0] > 0.3:
                tot += c[i, 0]
        if _ > 5.0:
            return tot * 0.5
        return tot
    ''', [np.array([[0.9], [-0.4], [1.3]])])


def test_underscore_read_as_a_differentiated_value():
    assert_generated_right(_PAIR + '''
    def f(c, x):
        h, _ = _pair(c, scale=2.0)
        g, _ = _pair(x * _)
        return np.sum(h * _) + np.sum(g)
    ''', [X34[:, :1].copy(), X34])


# --- a helper's tuple spread into a call ---------------------------------------------------------

_GATE = _PAIR + '''
    def _gate(a, b, flip=False):
        if flip:
            return a * (1.0 - 0.5 * np.tanh(b)), b
        return a * np.tanh(b), a + b
'''


def test_helper_tuple_spread_into_another_helper():
    assert_generated_right(_GATE + '''
    def f(x):
        g, s = _gate(*_pair(x))
        return np.sum(g * s)
    ''', [X34])


def test_helper_tuple_named_then_spread_and_indexed():
    assert_generated_right(_GATE + '''
    def f(x, w):
        t = _pair(x * w, scale=0.5)
        g, s = _gate(*t, flip=True)
        return np.sum(g * s) + np.sum(t[0]) * t[1]
    ''', [X34, W4])


def test_helper_tuple_spread_into_numpy_in_a_loop():
    assert_generated_right(_GATE + '''
    def f(x):
        h = x
        for i in range(2):
            h = np.add(*_gate(*_pair(h)))
        return np.sum(h * h)
    ''', [X34 * 0.5])


def test_helper_tuple_spread_with_the_decorator():
    ns = imported('''
import numpy as np
def _pair(a, scale=1.0):
    h = np.tanh(a) * scale
    return h, h.sum()
def _gate(a, b):
    return a * np.tanh(b), a + b
def f(x):
    g, s = _gate(*_pair(x))
    return np.sum(g * s)
''', "fz3spread")
    g = backgen.backward(ns["f"])
    np.testing.assert_allclose(g.backward(X34.copy()), gradient(lambda x: ns["f"](x.copy()), [X34], 0),
                               rtol=1e-5, atol=1e-7)


def test_helper_of_returns_of_several_lengths_spread_is_refused():
    assert_generated_refused(_PAIR + '''
    def _odd(a):
        if np.sum(a) > 0:
            return a, a
        return a, a, a
    def f(x):
        return np.sum(np.add(*_odd(x)))
    ''', [X34], "starred")


# --- rows gathered by indices the data sorts are a copy -----------------------------------------

X34_APART = np.array([[0.5, -1.2, 0.3, 0.9], [1.1, 0.25, -0.7, 0.4], [-0.3, 0.8, 1.4, -0.6]])


def test_rows_gathered_by_argsort_then_written_leave_x_alone():
    # x[order] copies: the write into y does not reach x, which was refused as a possible view
    assert_generated_right('''
        import numpy as np
        def f(x):
            order = np.argsort(x[:, 1])
            y = x[order]
            y[0] = y[0] * 3.0
            return np.sum(y * x)
    ''', [X34_APART])


def test_gathered_by_nonzero_and_argsort_method_then_in_place():
    assert_generated_right('''
        import numpy as np
        def f(x, w):
            cols = np.nonzero(w > 0.0)[0]
            y = x[:, cols]
            y *= 2.0
            z = x[x[:, 0].argsort()]
            z[1:] += y[1:, :1] ** 2 * w[0]
            return np.sum(z * x) + np.sum(y)
    ''', [X34_APART, np.array([0.7, -0.2, 1.3, 0.45])])


def test_argsort_indices_with_the_decorator():
    ns = imported('''
import numpy as np
def f(x):
    order = np.argsort(x[:, 1])
    y = x[order]
    y[0] = y[0] * 3.0
    return np.sum(y * x)
''', "fz3argsort")
    g = backgen.backward(ns["f"])
    np.testing.assert_allclose(g.backward(X34_APART.copy()), gradient(lambda x: ns["f"](x.copy()), [X34_APART], 0),
                               rtol=1e-5, atol=1e-7)


def test_rows_of_nonzero_unpacked_gathered_then_written():
    assert_generated_right('''
        import numpy as np
        def f(x):
            rows, cols = np.nonzero(x > 0.35)
            y = x[rows]
            y *= 2.0
            y[:, 0] += x[rows, cols]
            return np.sum(y * y) + np.sum(x * x)
    ''', [X34_APART])


# --- a helper returning a list beside a number, unpacked nested ---------------------------------


def test_helper_list_of_arrays_beside_a_number_unpacked_nested():
    # the gradient of the helper's tuple began as [0.0 * item for item in parts], which fails on the list
    assert_generated_right('''
        import numpy as np
        def _split(a):
            return [a[:, :2], a[:, 2:]], a.sum()
        def f(x):
            (left, right), s = _split(x)
            both = np.concatenate([right, left * s], axis=1)
            return np.sum(both * x)
    ''', [X34])


def test_helper_list_of_arrays_beside_a_number_with_shapes_and_decorator():
    text = '''
import numpy as np
def _split(a):
    return [a[:, :2] * 2.0, np.tanh(a[:, 2:])], a.sum()
def f(x):
    (left, right), s = _split(x)
    return np.sum(right * s) + np.sum(left ** 2)
'''
    module = backgen.generate(text, name="f", shapes={"x": "3, 4"})
    ns = {}
    exec(module, ns)
    want = gradient(lambda x: imported(text, "fz3split")["f"](x.copy()), [X34], 0)
    np.testing.assert_allclose(ns["f_backward"](X34.copy()), want, rtol=1e-5, atol=1e-7)
    g = backgen.backward(imported(text, "fz3split")["f"])
    np.testing.assert_allclose(g.backward(X34.copy()), want, rtol=1e-5, atol=1e-7)


def test_helper_tuple_spread_before_an_early_return():
    # the name given the spread tuple had no line of its own, which the early return's rewriting reads
    assert_generated_right(_GATE + '''
    def f(x, w):
        q = x * w
        g, s = _gate(*_pair(np.std(q, axis=1, keepdims=True)))
        g = g * s
        if np.sum(q) > 5.0:
            return s * 0.5, g * 0.5
        return s, g
    ''', [X34, W4], douts=(np.array([[1.3], [-0.4], [0.8]]), np.linspace(-1.0, 1.0, 3)[:, None]))


def test_helper_tuple_spread_after_a_write_through_an_alias_in_a_branch():
    # the name given the spread tuple had no line of its own, which following the write read (with shapes)
    text = textwrap.dedent(_GATE) + textwrap.dedent('''
    def f(w):
        a = w * 2.0
        al = a
        if np.max(w) > 0.0:
            al += np.tanh(w)
        g, s = _gate(*_pair(a))
        return np.sum(g * s)
    ''')
    ns = {}
    exec(backgen.generate(text, name="f", shapes={"w": "4"}), ns)
    forward = {}
    exec(text, forward)
    np.testing.assert_allclose(ns["f_backward"](W4.copy()), gradient(lambda w: forward["f"](w.copy()), [W4], 0),
                               rtol=1e-5, atol=1e-7)


def test_helper_tuple_spread_of_an_unknown_name_is_refused_at_the_line():
    # the name given the spread tuple had no line of its own: an internal error where a message pointed there
    text = textwrap.dedent(_GATE) + textwrap.dedent('''
    def f(w):
        a = w * 2.0
        al = a
        if np.max(w) > 0.0:
            al += np.tanh(w)
        g, s = _gate(*_pair(r6))
        return s, g
    ''')
    with pytest.raises(backgen.BackgenError, match="'r6' is not a parameter") as info:
        backgen.generate(text, name="f", shapes={"w": "4"})
    assert "internal error" not in str(info.value)
