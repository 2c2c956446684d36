"""Small modules of NumPy with state and of control flow, as a random program generator writes them:
module constants, broadcasting, views and writes, loops, helpers.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, without shapes, with ``shapes=`` and through
the decorator on real arrays.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, imported

RNG = np.random.default_rng(2)
X34 = RNG.uniform(-1.0, 1.0, (3, 4))
V4 = RNG.uniform(-1.0, 1.0, 4)
C31 = RNG.uniform(-1.0, 1.0, (3, 1))


def _shape(value):
    return "float" if np.ndim(value) == 0 else ", ".join(map(str, np.shape(value)))


def _right_every_way(source, args, names, douts=(1.0,)):
    """Right without shapes, with ``shapes=`` of ``args`` and through the decorator."""
    source = textwrap.dedent(source)
    assert_generated_right(source, args, douts)
    want = finite_differences(imported(source, "fz2")["f"], list(args), range(len(args)), douts)
    text = backgen.generate(source, name="f", shapes={n: _shape(a) for n, a in zip(names, args)})
    namespace = {}
    exec(text, namespace)
    got = namespace["f_backward"](*[np.copy(a) for a in args], *douts)
    got = got if len(args) > 1 else (got,)
    decorated = backgen.backward(imported(source, "fz2")["f"])
    by_decorator = decorated.backward(*[np.copy(a) for a in args], dout=douts if len(douts) > 1 else douts[0])
    by_decorator = by_decorator if len(args) > 1 else (by_decorator,)
    for g, d, w in zip(got, by_decorator, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d, w, rtol=1e-5, atol=1e-6)


def test_module_constant_arrays_made_by_numpy_functions_of_numbers():
    # EYE = np.eye(4) and GRID = np.linspace(...) at module level: constants, as np.array([...]) is
    _right_every_way('''
        import numpy as np

        EYE = np.eye(4)
        GRID = np.linspace(-1.0, 1.0, 3)
        W0 = 0.5 * np.ones((3, 4)) + np.arange(4.0)

        def f(x, c):
            y = x @ EYE
            z = c.T @ GRID
            return np.sum(np.tanh(y) * W0) + np.sum(z * z)
    ''', [X34, C31], ["x", "c"])


def test_rows_of_a_masked_selection_taken_by_a_loop_index_into_a_dict():
    # out2[i] of out2 = W[mask] is a row of W's columns: a dict entry written with it broadcasts nothing
    _right_every_way('''
        import numpy as np

        def f(W, v):
            out2 = W[W.sum(axis=-1) > -5.0]
            rows = {}
            for i in range(2):
                rows[i] = out2[i] * (i + 1.0)
            last = out2[-1] + v
            return np.sum(np.tanh(rows[0] + rows[1]) * v) + np.sum(last * last)
    ''', [X34, V4], ["W", "v"])



def test_a_cache_dict_bound_again_to_a_new_display():
    # cache = {...} twice at the top level: two dicts, each read by its keys until the next display
    _right_every_way('''
        import numpy as np

        def f(v, x):
            cache = {'a': v, 'b': x}
            cache['c'] = cache['a'] * cache['b']
            z1 = cache['c'] + cache['a']
            cache = {'a': np.tanh(z1), 'b': cache['b'] * 2.0}
            cache['c'] = cache['a'] * cache['b']
            return np.sum(cache['c'] + z1)
    ''', [V4, X34], ["v", "x"])


def test_a_helper_called_on_a_branch_numpy_refuses_at_the_sizes_given():
    # the else branch (never taken: tmp is a matrix) would call affine() on (3, 4) and (2, 1), which NumPy
    # refuses: the decorator learns no pattern from a call that raises, and writes the code for the call made
    source = textwrap.dedent('''
        import numpy as np

        def affine(a, w, b=0.0):
            out = a * w + b
            return out

        def f(c, W, M):
            tmp = c[c.sum(axis=-1) > 0.0]
            if tmp.ndim == 2:
                z = tmp.sum(axis=0)
            else:
                z = tmp * 1.0
            y = affine(W, z)
            acc = 0.0
            for row in M:
                acc = acc + np.tanh(row)
            return np.sum(acc) + np.sum(W * W)  # (y computed, not read)
    ''')
    c = np.array([[0.4], [-0.7], [0.9]])
    args = [c, X34, X34.T.copy()]
    forward = imported(source, "fz2")["f"]
    want = finite_differences(forward, args, range(3), (1.0,))
    got = backgen.backward(forward).backward(*[a.copy() for a in args])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


PAIR_ITEM_SCALED = '''
import numpy as np
import pytest

def f(b, s):
    p = (s, s)
    u1, u2 = p
    z1 = u1 * 2.0 - u2
    lst = [u1, z1]
    lst[0] *= 1.5
    t = lst[0] + lst[1]
    return np.mean(np.tanh(s)) + np.sum(np.tanh(z1) * b) + np.sum(t * b)
'''


def test_op_equals_on_a_list_item_that_is_a_number_unpacked_from_a_tuple():
    # u1 is s itself, a number: lst[0] *= 1.5 gives the list a new item and leaves s alone
    args = [V4[None, :].copy(), 0.7]
    want = finite_differences(imported(PAIR_ITEM_SCALED, "fz2")["f"], args, range(2), (1.0,))
    namespace = {}
    exec(backgen.generate(PAIR_ITEM_SCALED, name="f", shapes={"b": "1, 4", "s": "float"}), namespace)
    got = namespace["f_backward"](args[0].copy(), 0.7)
    by_decorator = backgen.backward(imported(PAIR_ITEM_SCALED, "fz2")["f"]).backward(args[0].copy(), 0.7)
    for g, d, w in zip(got, by_decorator, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(d, w, rtol=1e-5, atol=1e-6)


def test_op_equals_on_a_list_item_that_is_an_array_unpacked_from_a_tuple_is_refused():
    # s an array: lst[0] *= 1.5 writes into s, which backgen does not follow there
    with pytest.raises(backgen.BackgenError, match="may have been changed by the write into 'lst'"):
        backgen.generate(PAIR_ITEM_SCALED, name="f", shapes={"b": "1, 4", "s": "4"})


def test_items_of_a_list_of_selections_by_one_mask_added():
    # lst[0] + lst[1], both rows of M that one mask selects (np.tanh keeps their axes): alike, at any count
    source = textwrap.dedent('''
        import numpy as np

        def f(M, w):
            y = M[M.sum(axis=-1) > 0.0]
            lst = [y * 2.0, np.tanh(y)]
            t = lst[0] + lst[1]
            return np.sum(np.tanh(t) * w)
    ''')
    forward = imported(source, "fz2")["f"]
    namespace = {}
    exec(backgen.generate(source, name="f", shapes={"M": "4, 3", "w": "3"}), namespace)
    for rows in ([0.5, -0.7, -0.2, -0.9], [0.5, 0.7, -0.2, 0.9]):  # one row selected, then three
        M = RNG.uniform(-0.1, 0.1, (4, 3)) + np.array(rows)[:, None]
        args = [M, V4[:3].copy()]
        want = finite_differences(forward, args, range(2), (1.0,))
        got = namespace["f_backward"](M.copy(), V4[:3].copy())
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
