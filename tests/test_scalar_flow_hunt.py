"""Plain-Python scalar code (math, floats, loops with break/continue/return, helpers) found wrong,
crashing, refused or written as NumPy code by a generator of such programs: each backward checked
against central finite differences in float64 on inputs taking each path."""

import textwrap

import pytest

import backgen
from test_flow_hunt import check as flow_check


def check(source, inputs, name="f"):
    """The backward of ``source`` against finite differences on each of ``inputs`` (numbers): plain
    code, no NumPy in it, generated the same twice."""
    return flow_check(source, inputs, name=name, plain=True)


def test_a_name_holding_a_helpers_tuple_is_plain_code():
    # s = step(a, b), then s[0]: read as NumPy code (np.copy, _unbroadcast, shape checks) for numbers
    check("""
        def step(x, v):
            return x + 0.1 * v, v - 0.1 * x

        def f(a, b):
            for i in range(3):
                s = step(a, b)
                a = s[0]
                b = s[1]
            return a * b
        """, [(0.4, 0.7), (-1.2, 0.3)])


def test_a_part_of_divmod_in_a_test_is_plain_code():
    # divmod(a, 0.3)[1] in an if's test (not differentiated): read as NumPy code
    check("""
        import math

        def f(a, b):
            if divmod(a, 0.3)[1] > 0.05:
                return b * math.sin(a)
            return b
        """, [(0.4, 0.7), (0.31, 0.7)])


def test_a_flag_set_true_where_a_loop_breaks():
    # found = False, found = True before a break, then if found: refused ("the constant False is not
    # a number")
    check("""
        import math

        def f(a, b):
            found = False
            for i in range(5):
                x = a + 0.4 * i
                if math.sin(x) > b:
                    val = x * b
                    found = True
                    break
            if found:
                return val * a
            return a
        """, [(0.1, 0.6), (0.1, 1.6), (0.9, 0.95)])


def test_flags_in_a_while_loop_and_toggled():
    check("""
        import math

        def f(a, b):
            done = False
            x = a
            k = 0
            while not done:
                x = 0.5 * (x + b / x)
                k += 1
                if abs(x * x - b) < 1e-10 or k > 50:
                    done = True
            neg = False
            if a < 1.0:
                neg = True
            first = True
            s = 0.0
            for i in range(4):
                if first:
                    s = x
                    first = False
                else:
                    s = s * a + (x if neg else b)
            if neg == True:
                return s, -x
            return s, x
        """, [(1.1, 2.0), (0.7, 2.0)])


def test_booleans_in_numpy_code():
    import numpy as np
    from numeric import gradient
    source = textwrap.dedent("""
        import numpy as np

        def f(x: "3, 4"):
            keep = True
            m = np.sum(x, axis=1, keepdims=keep)
            flag = False
            for i in range(3):
                if np.sum(x[i]) > 0:
                    flag = True
            if flag:
                return np.sum(x * m * x)
            return np.sum(x * m)
        """)
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    rng = np.random.default_rng(3)
    for x in (rng.standard_normal((3, 4)), -np.abs(rng.standard_normal((3, 4)))):
        np.testing.assert_allclose(generated["f_backward"](x.copy()), gradient(namespace["f"], (x.copy(),), 0),
                                   rtol=1e-5, atol=1e-6)


def test_a_return_in_a_loop_written_out_sets_its_value_on_several_paths():
    # c changes shape in the loop, which is written out: the value returned from within is set on
    # several paths of ifs, and its gradient's zeros read it unset where none ran (UnboundLocalError)
    import numpy as np
    from numeric import finite_differences
    source = textwrap.dedent("""
        import numpy as np

        def f(u: "3", v: "4"):
            c = 1.0
            for i in range(3):
                t = u[i]
                if t < 0.35:
                    c = 2.0 * v
                if t < -0.05:
                    return v * t
                c = c * t
            return 1.5
        """)
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source)
    exec(text, generated)
    v = np.array([0.5, -0.3, 0.8, 0.2])
    for u in ([0.1, 0.2, 0.3], [0.2, -0.7, 0.4], [0.5, 0.6, -0.2], [-0.8, 0.5, 0.1]):
        u = np.array(u)
        out = namespace["f"](u.copy(), v.copy())
        dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 0.7
        got = generated["f_backward"](u.copy(), v.copy(), dout)
        want = finite_differences(namespace["f"], [u, v], [0, 1], [dout])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_a_return_then_a_break_in_one_loop():
    # refused: "this break leaves the loop with values that differ from those at the end of an iteration"
    # (the value returned from within, unset where the loop breaks)
    check("""
        def f(a, b):
            for i in range(10):
                if b > 0.5:
                    return a * b
                if a > 1:
                    break
                b += 0.1
                a *= 1.2
            return 1.5 * a
        """, [(0.3, 0.13), (0.9, 0.13), (0.3, 0.7)])
    check("""
        import math

        def f(v0, k):
            x, v = 0.0, v0
            t = 0
            while True:
                t += 1
                v -= (9.81 + k * v * abs(v)) * 0.01
                x += v * 0.01
                if x < 0.0:
                    return x * v
                if t > 50:
                    break
            return x
        """, [(5.0, 0.05), (0.1, 0.5)])


def test_a_return_then_a_break_in_one_loop_over_an_array():
    import numpy as np
    from numeric import finite_differences
    source = textwrap.dedent("""
        def f(u: "3", v: "4"):
            c = 1.0
            for t in u:
                if t < -0.5:
                    return v * t * c
                if t > 0.9:
                    break
                c = c * (1.0 + t)
            return v * c
        """)
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    v = np.array([0.5, -0.3, 0.8, 0.2])
    for u in ([0.2, -0.7, 0.4], [0.3, 0.95, -0.6], [0.1, 0.2, 0.3], [-0.8, 0.5, 0.1], [0.5, 0.6, 1.2]):
        u = np.array(u)
        dout = np.linspace(0.5, 1.5, 4)
        got = generated["f_backward"](u.copy(), v.copy(), dout)
        want = finite_differences(namespace["f"], [u, v], [0, 1], [dout])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_returns_of_two_shapes_in_a_while_loop_are_refused_for_their_shapes():
    # refused as "variable 'done' is used before it is assigned", a name of backgen's own: the read of the
    # flag after the loop, placed at the loop's own line, was taken for a read inside the loop written out
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate(textwrap.dedent("""
            import numpy as np

            def f(u: "3", v: "4"):
                i = 0
                while i < 3:
                    t = u[i]
                    i += 1
                    if t < -0.3:
                        return v * t
                    if t > 0.8:
                        return 0.5 * t
                return np.sum(t * v)
            """))
    assert "has shape (4,) on one path" in str(info.value)
    assert "'done'" not in str(info.value)


def test_a_return_from_a_loop_inside_then_a_break_keeps_the_inner_loop_s_value():
    # the return in the while sets result under the loop's own name: the path that breaks after it
    # holds that value, and was taken for one leaving result unset; the loop left with the other
    # return's constant (gradient 0.0, finite differences -1.49): refused, then followed once a
    # constant set on one path is a copy there, the other path keeping what the inner loop set
    check("""
        def f(a):
            for i in range(3):
                if a <= -0.86:
                    return -1.37
                k = 0
                while k < 1:
                    k += 1
                    if a > -5.0:
                        return -1.49 * a
            return a
        """, [(-2.0,), (-0.5,), (0.3,), (-6.0,)])
    check("""
        def f(a, b):
            for i in range(3):
                if a <= -0.86:
                    return 2.0 * b
                for j in range(2):
                    if b > 0.5:
                        return a * b
                    b = b * 1.5
            return a
        """, [(0.436, 0.4), (-0.9, 0.4), (0.436, 0.1)])


def test_a_return_in_an_if_then_a_test_that_breaks():
    # three ifs leave the loop once the rest of the body is written into each path of the first: refused
    # ("this break leaves the loop with values that differ"), two at most were settled in any code
    check("""
        def f(x, v, k):
            n = 0
            while True:
                n += 1
                v -= k * x * 0.1
                if x > 0.0:
                    x += v * 0.1
                    if x > 2.0:
                        return x * v
                if n >= 20 or abs(v) < 0.01:
                    break
            return x + v
        """, [(0.5, 1.0, 0.3), (0.5, 3.0, 0.01), (-0.5, 0.2, 0.5)])
