"""A write through a reshape or ravel of a parameter (or of an array made from one in its order): the
code generated without arrays is written for the parameter C-contiguous, where NumPy's reshape is a
view, and the backward checks that as it starts (``_c_contiguous``), raising a ValueError naming the
parameter and the line of the reshape for another layout, never giving a wrong gradient.

Each backward is checked against central finite differences in float64 for its arguments in C order,
and, argument by argument, in Fortran order and as strided views: right for those or refused by the
check (the forward's meaning may differ by layout: its differences are taken at the same layout).
"""

import importlib.util
import math
import re
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, fresh_args, same_again


def _strided(value):
    strided = np.zeros(tuple(2 * n for n in value.shape))[tuple(slice(None, None, 2) for _ in value.shape)]
    strided[...] = value
    return strided


LAYOUTS = {"C": np.array, "F": lambda v: np.array(v, order="F"), "strided": _strided}


def checked(source, args, shapes=True, name="f"):
    """The generated module for ``f`` (with the arguments' shapes given where ``shapes``), after checking
    its backward at every layout of each argument: right, or a ValueError naming the argument and a
    line (the arguments the code checks, from ``_c_contiguous`` lines, raise it exactly where NumPy's
    flags say they are not C-contiguous)."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    forward = namespace[name]
    params = forward.__code__.co_varnames[:forward.__code__.co_argcount]
    given = {p: np.shape(a) for p, a in zip(params, args)} if shapes else None
    text = backgen.generate(source, name=name, shapes=given)
    same_again(text, lambda: backgen.generate(source, name=name, shapes=given))
    checks = dict(re.findall(r"_c_contiguous\((\w+), '\w+', '(?:reshape|ravel)', (\d+)\)", text))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    output = forward(*fresh_args(args))
    douts = tuple(np.random.default_rng(7).standard_normal(np.shape(o)) for o in
                  (output if isinstance(output, tuple) else (output,)))
    for k, param in enumerate(params):
        for layout, make in LAYOUTS.items() if isinstance(args[k], np.ndarray) and args[k].ndim else ():
            def laid(*values, k=k, make=make):
                values = fresh_args(values)
                values[k] = make(values[k])
                return forward(*values)
            trial = fresh_args(args)
            trial[k] = make(trial[k])
            if param in checks and not trial[k].flags.c_contiguous:
                with pytest.raises(ValueError, match=rf"\b{param}\b.* line {checks[param]}\b"):
                    generated[f"{name}_backward"](*trial, *douts)
                continue
            got = generated[f"{name}_backward"](*trial, *douts)
            wrt = [j for j, a in enumerate(args) if not isinstance(a, int)]  # (an integer: a size, no gradient)
            got = got if len(wrt) > 1 else (got,)
            want = finite_differences(laid, fresh_args(args), wrt, douts)
            for g, w in zip(got, want):
                assert np.shape(g) == np.shape(w)
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"{param} in {layout} order")
    return text


def randn(*shape, seed=0):
    return np.random.default_rng(seed + 10 * len(shape) + sum(shape)).standard_normal(shape)


def check_lines(text):
    return re.findall(r"_c_contiguous\(\w+, '.*\)", text)


def test_reshape_of_a_parameter_written_through():  # (fuzz_wild seed 11, program 355)
    text = checked("""
        def f(A, s, b):
            view1 = b.reshape(-1)
            view1 += 1.09
            return b + view1.reshape(-1, 3, 4)
        """, [randn(4), randn(1, 4), randn(2, 3, 4)])
    assert check_lines(text) == ["_c_contiguous(b, 'b', 'reshape', 3)"]


def test_reshape_written_through_by_index_and_read_again():  # (fuzz_wild seed 11, program 539)
    text = checked("""
        def f(s, v):
            acc1 = -(np.diag(s[:, [2, 1, 1]]) / (np.einsum('ij,ij->i', s, s) ** 2))
            view2 = s.reshape(-1)
            view2[1:] -= np.exp(np.mean(s))
            view2 /= np.cumsum(view2, axis=0)
            a3 = np.sum(acc1, 0)
            return np.cos(np.sum(s, axis=-2, keepdims=True)) + a3 * v
        """, [randn(3, 4) + 3.0, 0.7])
    assert check_lines(text) == ["_c_contiguous(s, 's', 'reshape', 4)"]


def test_ravel_of_a_row_checked_only_where_strided():  # (fuzz_wild seed 11, program 630: (1, 4) in Fortran
    text = checked("""                                  # order is C-contiguous too)
        def f(W, t):
            view1 = W.ravel()
            view1 *= W.flatten().clip(-0.27, 0.58).mean(axis=-1)
            return np.sum(np.diff(view1)) * t + np.mean(W) * W
        """, [randn(1, 4), 0.8])
    assert check_lines(text) == ["_c_contiguous(W, 'W', 'ravel', 3)"]


def test_array_made_from_a_parameter_in_its_order():  # (fuzz_wild seed 11, program 425: np.array(s))
    text = checked("""
        def f(s):
            w1 = np.array(s)
            view2 = w1.ravel()
            view2 -= 0.58 * np.cumsum(w1) ** 3
            return w1 * s
        """, [randn(3, 4)])
    assert check_lines(text) == ["_c_contiguous(s, 's', 'ravel', 4)"]


def test_elementwise_result_of_a_parameter():
    text = checked("""
        def f(x, y):
            h = np.tanh(x) * 2.0 + y
            v = h.reshape(-1)
            v[1:3] = v[0] * 3.0
            return h * x
        """, [randn(3, 4), randn(3, 4, seed=1)])
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 4)", "_c_contiguous(y, 'y', 'reshape', 4)"]


def test_only_the_parameter_written_through_is_checked():
    text = checked("""
        def f(x, w):
            v = w.reshape(-1)
            v[0] = 0.0
            return x.reshape(-1) * 2.0 + np.sum(w * w) + x.T.reshape(-1)
        """, [randn(3, 4), randn(2, 3)])
    assert check_lines(text) == ["_c_contiguous(w, 'w', 'reshape', 3)"]


def test_no_check_where_the_write_does_not_reach_back():
    text = checked("""
        def f(x):
            v = x.reshape(-1)
            return v * 2.0 + x.reshape(-1)
        """, [randn(3, 4)])
    assert "_c_contiguous" not in text


def test_shape_free_ravel_written_through():
    text = checked("""
        def f(w):
            v = w.ravel()
            v[-1] = 0.25
            return w * w
        """, [randn(3, 4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(w, 'w', 'ravel', 3)"]


def test_a_list_passed_is_refused_by_the_check():
    text = backgen.generate(textwrap.dedent("""
        def f(w):
            v = w.reshape(-1)
            v[0] = 0.0
            return w * 3.0
        """), name="f", shapes={"w": (2, 2)})
    generated = {}
    exec(text, generated)
    with pytest.raises(ValueError, match=r"\bw\b.*reshape on line 3"):
        generated["f_backward"]([[1.0, 2.0], [3.0, 4.0]], np.ones((2, 2)))
    np.testing.assert_allclose(generated["f_backward"](np.ones((2, 2)), np.ones((2, 2))), [[0, 3], [3, 3]])


def test_copy_in_fortran_order_is_no_c_contiguous_array():  # (was a wrong gradient: x.copy(order='F') was
    with pytest.raises(backgen.BackgenError, match="C-contiguous"):  # taken for C-contiguous, its reshape a view)
        backgen.generate(textwrap.dedent("""
            def f(x):
                y = x.copy(order='F')
                v = y.reshape(-1)
                v[1] = 5.0
                return y * x
            """), name="f", shapes={"x": (2, 3)})


def test_copy_in_c_order_written_through():
    text = checked("""
        def f(x):
            y = np.copy(x, order='C')
            v = y.reshape(-1)
            v[1] = 5.0
            return y * x
        """, [randn(2, 3)])
    assert "_c_contiguous" not in text


@pytest.mark.parametrize("made", [
    "np.sum(x, axis=0, keepdims=True) * x",
    "np.tile(np.exp(x[:, 1:]), (2, 1))",
    "np.concatenate([x[::2], np.cumsum(x, axis=1)])",
    "np.diff(np.tanh(x), axis=1)",
    "np.max(x[:, None] * x, axis=1)",
    "np.clip(np.sort(x, axis=0), -0.5, 0.5) + np.roll(x, 1, axis=0)",
    "np.stack([x, x * 2.0])",
    "np.pad(x, 1) * 3.0",
])
def test_new_arrays_laid_out_as_their_operands(made):
    # reductions, joins, repeats lay their result out as their operands (order 'K'): of arrays in C order a
    # C-contiguous array, its reshape a view (x checked), of one in another order not (never followed then)
    text = checked(f"""
        def f(x):
            h = {made}
            v = h.reshape(-1)
            v[1:3] = v[0] * 3.0
            return h * 2.0 + np.sum(h)
        """, [randn(3, 4)])
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 4)"]


@pytest.mark.parametrize("made, line", [
    ("np.sum(x.T, axis=0, keepdims=True) * x.T", 4),
    ("np.tile(np.exp(x.T[:, 1:]), (1, 1))", 4),
    ("np.concatenate([x.T, x.T])", 4),
    ("np.diff(np.tanh(x.T), axis=1)", 4),
    ("np.cumsum(x.T, axis=1)", 4),
])
def test_new_arrays_of_operands_in_another_order_are_refused(made, line):
    with pytest.raises(backgen.BackgenError, match=f"the reshape on line {line} gives a view of 'h' only where"):
        backgen.generate(textwrap.dedent(f"""
            def f(x):
                h = {made}
                v = h.reshape(-1)
                v[1:3] = v[0] * 3.0
                return h * 2.0 + np.sum(h)
            """), name="f", shapes={"x": (3, 4)})


def test_one_of_two_arrays_picked_in_c_order():
    text = checked("""
        def f(x, c):
            h = x * 2.0 if c > 0 else np.exp(x)
            v = h.reshape(-1)
            v[0] = 1.0
            return h * x
        """, [randn(3, 4), 0.5])
    assert check_lines(text) == ["_c_contiguous(x, 'x', 'reshape', 4)"]


def test_one_of_two_arrays_picked_one_in_another_order_is_refused():
    with pytest.raises(backgen.BackgenError, match="the reshape on line 7 gives a view of 'h' only where"):
        backgen.generate(textwrap.dedent("""
            def f(x, c):
                if c > 0:
                    h = x * 2.0
                else:
                    h = np.exp(x.T)
                v = h.reshape(-1)
                v[0] = 1.0
                return h * x
            """), name="f", shapes={"x": (3, 3), "c": ()})


def test_an_if_giving_its_value_one_name_on_each_path_is_of_both_orders():
    # (was a wrong gradient: h, named so on both paths, was taken for C-contiguous as the first path's
    # x * 2.0 is, its reshape a view; exp(x.T) of the other is in Fortran order, its reshape a copy)
    with pytest.raises(backgen.BackgenError, match="the reshape on line 8 gives a view of 'h' only where"):
        backgen.generate(textwrap.dedent("""
            def f(x0, c):
                x = x0.copy()
                if c > 0:
                    h = x * 2.0
                else:
                    h = np.exp(x.T)
                v = h.reshape(-1)
                v[0] = 1.0
                return h * x
            """), name="f", shapes={"x0": (3, 3), "c": ()})


def test_rows_of_a_reshape_of_a_parameter_written_in_a_loop():
    text = checked("""
        def f(s: float, W: "3, 2"):
            for row in W.reshape(2, 3):
                row += np.cosh(row)
            return np.sum(W * s)
        """, [1.2, np.array([[1.13, 0.2], [0.47, -0.3], [-0.45, 0.8]])], shapes=False)
    assert check_lines(text) == ["_c_contiguous(W, 'W', 'reshape', 3)"]


LAYER = """
def f(x: "2, 3", w: "3, 4"):
    v = w.reshape(4, 3)
    v[1:] -= 0.5 * v[:-1]
    out = np.tanh(x.dot(w))
    cache = (x, w, v, out)
    return out, cache
"""


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_layer_checks_the_entry_of_its_cache_holding_the_parameter(layout):
    # (fuzz_real --layers seed 172, program 101) the backward of (dout, cache) reads w from the cache: the
    # array the forward was given, written into through its reshape where it is C-contiguous
    text = backgen.generate(textwrap.dedent(LAYER), name="f")
    assert check_lines(text) == ["_c_contiguous(w_1, 'w', 'reshape', 3)"]
    assert text.index("= cache") < text.index("_c_contiguous(w_1")
    namespace, generated = {"np": np}, {}
    exec(textwrap.dedent(LAYER), namespace)
    exec(text, generated)
    x, w = randn(2, 3), randn(3, 4, seed=1)
    laid = LAYOUTS[layout]
    out, cache = namespace["f"](x.copy(), laid(w))
    dout = randn(2, 4, seed=2)
    if not cache[1].flags.c_contiguous:
        with pytest.raises(ValueError, match=r"\bw\b.*reshape on line 3"):
            generated["f_backward"](dout, cache)
        return
    got = generated["f_backward"](dout, cache)
    want = finite_differences(lambda *v: namespace["f"](v[0], laid(v[1]))[0], [x, w], [0, 1], (dout,))
    for g, w_ in zip(got, want):
        np.testing.assert_allclose(g, w_, rtol=1e-5, atol=1e-6)


def test_a_layer_whose_cache_holds_no_entry_of_the_parameter_is_refused():
    # (fuzz_real --layers seed 172, program 39) the cache holds a view of w only (v, C-contiguous
    # whatever w's layout): the backward cannot tell whether the forward wrote into w
    with pytest.raises(backgen.BackgenError, match="the reshape on line 3 gives a view of 'w' only where"):
        backgen.generate(textwrap.dedent(LAYER.replace("cache = (x, w, v, out)", "cache = (x, v, out)")), name="f")


def test_a_write_through_a_row_of_an_array_of_zeros_read_before():
    # (fuzz_wild seed 11, program 23) np.einsum of two operands and an index by a list make new arrays of
    # acc's, and j = 0 is a number: nothing but view holds acc's array, and the write is followed into acc
    text = checked("""
        def f(A):
            acc = np.zeros((3, 4))
            j = 0
            t = np.einsum('ij,ij->i', acc, acc) + acc[:, [3, 0, 0]].sum(axis=1)
            view = acc[0]
            view[:-1] += np.sum(A) + j
            return acc * np.dot(acc, view)[:, np.newaxis] + t[:, None] * A
        """, [randn(3, 4)])
    assert "_c_contiguous" not in text


ROW_WRITTEN = """
    def f(A):
        acc = np.zeros((3, 4))
        t = {made}
        view = acc[0]
        view[:-1] += np.sum(A)
        return acc * A + np.sum(t)
    """


@pytest.mark.parametrize("made", ["acc[:, 1:3]", "acc.T"])
def test_a_write_through_a_row_of_an_array_of_zeros_another_view_holds(made):
    # (refused once: the array and both views are now staged on lines of their own, the write followed)
    checked(ROW_WRITTEN.format(made=made), [randn(3, 4)])


def test_a_write_through_a_row_of_an_array_of_zeros_einsum_may_view_is_refused():
    # np.einsum('ij->ji', acc) is a view of acc: backgen does not stage it as one, and refuses
    with pytest.raises(backgen.BackgenError, match="view shares its array with"):
        backgen.generate(textwrap.dedent(ROW_WRITTEN.format(made="np.einsum('ij->ji', acc)")), name="f",
                         shapes={"A": (3, 4)})


@pytest.mark.parametrize("view, write", [
    ("h[0]", "h[h < 0.8] = 0.0"),  # (fuzz_real --layers seed 172, program 20)
    ("h[:, 1:3]", "h[1:] *= 2.0"),  # (program 222)
    ("h.T", "h[0, 1] = 3.0"),
    ("h.reshape(-1)", "h[1] -= 1.0"),
])
def test_a_write_into_an_array_of_constants_a_view_of_which_another_name_holds(view, write):
    # the array staged on a line of its own, the view taken of it again: the write followed into the view
    text = checked(f"""
        def f(x):
            h = np.full((3, 5), 0.5) ** 2 + np.arange(15.0).reshape(3, 5) * 0.1
            v = {view}
            out = x.dot(h)
            {write}
            return out * np.sum(v) + x.dot(h)
        """, [randn(2, 3)])
    assert "_c_contiguous" not in text


def test_a_write_into_a_sum_of_constants_in_a_loop():
    # (fuzz_wild seed 11, program 771) np.sum of an array of zeros is a new array: writing into it leaves
    # the zeros alone
    checked("""
        def f(z):
            h = np.zeros((2, 3, 4))
            acc = np.sum(h, -1)
            for row in z:
                acc -= 0.5 * (np.square(acc[1:2]) + np.sum(row))[:, -1] ** 3
            return acc * np.sum(h[:, :, 0] + z[:, :, 1])
        """, [randn(2, 3, 4)])


@pytest.mark.parametrize("made", ["np.tanh(h) if x[0, 0] > 0 else h", "[h, h][0]"])
def test_a_write_into_an_array_of_constants_another_value_may_hold_is_refused(made):
    with pytest.raises(backgen.BackgenError, match="shares its array with|may be the constant array"):
        backgen.generate(textwrap.dedent(f"""
            def f(x):
                h = np.full((3, 5), 0.5)
                v = h[0]
                u = {made}
                h[1:] *= 2.0
                return x.dot(h) * np.sum(v) + np.sum(u)
            """), name="f", shapes={"x": (2, 3)})


def test_a_reshape_of_a_parameter_added_to_itself_then_read_on_a_branch():
    text = checked("""
        def f(X: "3, 4"):
            a = X.reshape(-1)
            a += a
            if np.sum(np.var(X, axis=0)) < 3.3:
                return a[[11, 5]].var(axis=-1)
            return np.sum(a)
        """, [randn(3, 4)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(X, 'X', 'reshape', 3)"]


def test_a_write_into_ones_a_reshape_of_which_is_read_after():
    text = checked("""
        def f(x):
            a = np.ones(3)
            b = a.reshape(3, 1)
            a[0] = 5.0
            return np.sum(x * b.T)
        """, [randn(4, 3)])
    assert "a[0] = 5.0" in text and "_c_contiguous" not in text


@pytest.mark.parametrize("body, line", [
    # (each was a wrong gradient: h, carried by the loop, was taken for C-contiguous as it entered the loop;
    # h.T * 1.0 of the iterations is in Fortran order, its reshape a copy)
    ("for i in range(3):\n        h = h.T * 1.0\n    v = h.reshape(-1)\n    v[1] = 0.5", 6),
    ("for i in range(3):\n        v = h.reshape(-1)\n        v[1] = v[1] * 0.5\n        h = h.T * 1.0", 5),
])
def test_a_value_a_loop_carries_is_of_the_order_of_any_iteration(body, line):
    source = f"def f(x0):\n    x = x0.copy()\n    h = x * 1.0\n    {body}\n    return h * x\n"
    with pytest.raises(backgen.BackgenError, match=f"the reshape on line {line} (gives a view of 'h' only where|in "
                                                   "this loop takes 'h' for C-contiguous)"):
        backgen.generate(source, name="f", shapes={"x0": (3, 3)})


@pytest.mark.parametrize("source", [
    # (fuzz_wild seed 11, programs 156, 682 and 813: each iteration keeps the array C-contiguous)
    """
    def f(y):
        acc = np.zeros(4)
        for i in range(3):
            acc -= 0.5 * np.mean(np.tile(np.sum(y, 0), (2, 1)) * acc[1], 0)
        view = acc.ravel()
        view[1:] -= np.sum(y)
        return acc * 2.0 + np.sum(view)
    """,
    """
    def f(A):
        h = np.zeros((3, 4))
        for i in range(1, 3):
            h[i] = 0.5 * h[i - 1] + np.sin(A[i])
        view = h.ravel()
        view *= np.tanh(np.sum(A))
        return h - np.flip(h, axis=1)
    """,
    """
    def f(W):
        acc = np.flip(W, axis=1) - np.sin(W)
        for row in W:
            acc = acc + np.tanh(np.cumsum(row, axis=0))
        view = acc.reshape(-1)
        view[1:] *= 1.5
        return acc * W
    """,
])
def test_a_value_a_loop_carries_in_c_order(source):
    text = checked(source, [randn(3, 4)])
    assert len(check_lines(text)) <= 1  # (W of the last: checked)


def test_a_reshape_of_what_a_loop_carries_taken_as_it_enters():
    # W C-contiguous as the loop starts, and each iteration leaves it so (a reshape of a C-contiguous e):
    # each iteration's reshape is a view of it, written through
    text = checked("""
        def f(X: "2, 4", W: "2, 4"):
            for i in range(2):
                d = W
                e = W.reshape(4, 2)
                e *= e
            return np.sum(e) * (d @ e) + np.sum(X)
        """, [randn(2, 4), randn(2, 4, seed=3)], shapes=False)
    assert check_lines(text) == ["_c_contiguous(W, 'W', 'reshape', 5)"]


def test_arithmetic_of_a_reshape_of_a_slice_of_a_parameter():
    # (as fuzz_wild seed 11, program 120) s[:, ::2].reshape(2, 3) is a view of s in its order or a copy in C
    # order: arithmetic of it, of s C-contiguous, is C-contiguous
    text = checked("""
        def f(s):
            q = np.tile(np.maximum(s[:, ::2].reshape(2, 3), np.cos(np.mean(s) * s[1, :3])), (2, 1)) * 2.0
            v = q.reshape(-1)
            v[-1] -= np.sum(s)
            return q * 2.0
        """, [randn(3, 4)])
    assert check_lines(text) == ["_c_contiguous(s, 's', 'reshape', 4)"]


def test_arithmetic_of_a_reshape_of_a_transposed_parameter_is_refused():
    with pytest.raises(backgen.BackgenError, match="the reshape on line 4 gives a view of 'q' only where"):
        backgen.generate(textwrap.dedent("""
            def f(s):
                q = np.exp(np.expand_dims(s.T, 0)) * 2.0
                v = q.reshape(-1)
                v[-1] -= np.sum(s)
                return q * 2.0
            """), name="f", shapes={"s": (3, 4)})


def test_a_loop_entering_an_inner_one_takes_no_order_for_its_value_no_reshape_reads(tmp_path):
    # (the random-program test numpy-155, by the decorator: the inner loop, as it started, asked for the
    # order of the value the outer one carries, which the outer loop then checked of its last iteration's,
    # a helper's result: refused for a reshape on the line of the inner loop, where the code holds none)
    from numeric import finite_differences
    path = tmp_path / "nested.py"
    path.write_text(textwrap.dedent('''
        import numpy as np

        def layer(p, q):
            a = np.sin(np.exp(np.tanh(p + 3.0)))
            p = a
            return p, p + (a + p)

        def f(x, X, b):
            b = b + b
            for i in range(2):
                if np.sum(np.cos(X[1])) > 1.0:
                    continue
                for j in range(len(b)):
                    b, d = layer(np.mean(X.T, axis=-1), X)
                    d = d - np.tanh(b @ X[i])
                e = b
                X = X + X
            return X - 2.0 * X * b
        '''))
    spec = importlib.util.spec_from_file_location("nested", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [np.array([0.601, 0.922, -0.144]), np.array([[0.31, -0.283, 0.381], [1.026, 0.113, -0.907]]),
            np.array([-0.402, 1.148, -0.178])]
    dout = np.array([[1.0, -0.5, 0.3], [0.2, 0.7, -1.1]])
    got = backgen.backward(module.f, wrt=["X", "b"]).backward(*[a.copy() for a in args], dout=dout)
    want = finite_differences(module.f, args, [1, 2], (dout,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_a_number_the_array_reshaped_is_made_of_is_not_checked():
    # (long fuzz seed 2026120463, program 817: s, given as a number, was checked for C-contiguous as an
    # operand of the array reshaped, and the backward raised ValueError for the float it is)
    source = """
        def f(s, X):
            a = (s * X - np.linalg.norm(X)) * s
            a += np.max(X)
            b = a.reshape(-1)
            b -= np.max((s + X) * X[0])
            return s, np.stack([a, a ** 2])
        """
    text = checked(source, [0.49, np.array([[0.77, -0.72, 0.61, -0.65], [-1.19, 1.19, -1.1, 0.35],
                                             [1.0, 0.1, -1.02, -0.85]])])
    assert check_lines(text) == ["_c_contiguous(X, 'X', 'reshape', 5)"]
