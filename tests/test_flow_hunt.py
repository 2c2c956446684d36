"""Control flow and helpers found wrong, crashing or refused by a generator of loops, branches, early
returns and helpers: each backward checked against central finite differences in float64 on inputs
taking each path (the integer parameters are not differentiated)."""

import math
import textwrap

import numpy as np

import backgen
from numeric import finite_differences, fresh_args, same_again


def check(source, inputs, name="f", shapes=None, plain=False):
    """The backward of ``source`` against finite differences on each of ``inputs``; the gradients are
    of the float parameters, in order.  With ``plain``, the code for numbers: no NumPy in it, and
    gradients that are numbers.  Its text."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name, shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name=name, shapes=shapes))
    assert not plain or "np." not in text and "numpy" not in text, text
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    backward = generated[f"{name}_backward"]
    for args in inputs:
        wrt = [k for k, a in enumerate(args) if not isinstance(a, int)]
        outs = func(*fresh_args(args))
        outs = outs if isinstance(outs, tuple) else (outs,)
        douts = tuple(np.linspace(0.5, 1.5, np.size(o)).reshape(np.shape(o)) if np.ndim(o) else 0.7 for o in outs)
        given = fresh_args(args)
        got = backward(*given, *douts)
        got = got if isinstance(got, tuple) else (got,)
        for before, after in zip(args, given):
            np.testing.assert_array_equal(before, after)
        want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, douts)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w)
            assert not plain or isinstance(g, (int, float)), text
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return text


def test_a_loop_returning_two_values_from_within():
    # a return in a loop was written result = (a, b), then return result: refused as one value of two
    check("""
        def f(v: "4"):
            for t in v:
                if t > 0.5:
                    return v * t, v[2]
            return v * 3.0, v[1]
        """, [(np.array([0.1, 0.7, -0.3, 0.9]),), (np.array([0.1, 0.2, -0.3, 0.4]),)])


def test_a_loop_returning_two_values_from_within_a_helper():
    check("""
        def split(p):
            for k in range(3):
                if p[k] > 0.5:
                    return p * p[k], p[k] ** 2
            return p, 1.0

        def f(u: "3"):
            a, b = split(u * 2.0)
            return np.sum(a) * b
        """, [(np.array([0.1, 0.4, -0.3]),), (np.array([0.1, 0.2, -0.3]),)])


def test_a_loop_after_an_early_return_in_a_nested_if():
    # the loop's variable, set on one path of the inner if, was copied after the outer one where
    # that path had not set it: the staged forward raised UnboundLocalError (refused)
    inputs = [(np.array([0.5, 0.7, 0.1]), np.arange(12.0).reshape(3, 4) / 10),
              (np.array([0.5, 0.2, 0.1]), np.arange(12.0).reshape(3, 4) / 10),
              (np.array([-0.5, 0.2, 0.1]), np.arange(12.0).reshape(3, 4) / 10)]
    check("""
        def f(u: "3", x: "3, 4"):
            if u[0] > 0.0:
                if u[1] > 0.5:
                    return u * 2.0
            total = 0.0
            for i in range(3):
                total = total + x[i] * u[i]
            return u * np.sum(total)
        """, inputs)


X34 = np.array([[0.3, -0.2, 0.5, 0.1], [-0.4, 0.6, 0.2, -0.3], [0.7, 0.1, -0.5, 0.4]])


def test_a_helper_carrying_a_number_that_becomes_an_array_in_a_loop():
    # c is 0.0 at the first call and an array after it: refused ("'c' has shape (4,) at another call")
    check("""
        def step(m, c, t):
            m2 = m * 0.9 + 0.1 * t
            c2 = c + m2 * m2
            return m2, c2

        def f(x: "3, 4"):
            m, c = np.zeros(4), 0.0
            for row in x:
                m, c = step(m, c, row)
            return np.sum(c * m)
        """, [(X34,)])


def test_a_helper_called_so_from_a_helper():
    check("""
        def step(m, c, t):
            if np.sum(t) > 0.2:
                return m * 0.5 + t, c + np.tanh(m)
            return m + t, c + m * m

        def run(x, w):
            m, c = w * 1.0, 0.0
            for k in range(3):
                m, c = step(m, c, x[k] * w)
            return c

        def f(x: "3, 4", w: "4"):
            return run(x, w) * 2.0
        """, [(X34, np.array([0.5, -0.3, 0.8, 0.2])), (X34 * -1.0, np.array([0.5, 0.3, 0.8, 0.2]))])


def test_a_helper_inlined_rebinding_a_number_parameter_beside_writing_an_array_one():
    # written into f() (it writes into x[0]), both op= kept the call's place: p -= ... was staged as a
    # write into the NumPy number x.mean(), and the staged forward raised TypeError (refused)
    check("""
        def hp(p, q):
            p -= q[3]
            q += q
            return p * q

        def f(x: "3, 4"):
            y = hp(x.mean(), x[0])
            return x @ y
        """, [(X34,)])


U_PATHS = [np.array(u) for u in ([0.2, -0.7, 0.4], [0.3, 0.95, -0.6], [0.1, 0.2, 0.3], [-0.8, 0.5, 0.1],
                                 [0.5, 0.6, 1.2])]
V4 = np.array([0.5, -0.3, 0.8, 0.2])


def test_two_breaks_the_first_setting_a_value():
    # the second break sits in the first's else (the rest of the body): its values were those before the
    # first if's merge, refused ("this break leaves the loop with values that differ ...")
    check("""
        def f(u: "3", v: "4"):
            c = 0.0
            r = v
            for t in u:
                if t < -0.5:
                    r = v * t
                    break
                if t > 0.9:
                    break
                c = c + t * t
            return r * c + r
        """, [(u, V4) for u in U_PATHS])


def test_two_breaks_and_a_value_set_after_them():
    check("""
        def f(u: "3", v: "4"):
            r = v
            d = 1.0
            for t in u:
                if t < -0.5:
                    r = v * t
                    break
                if t > 0.9:
                    d = d * t
                    break
                d = d + t * t
                r = r + d * v
            return r * d
        """, [(u, V4) for u in U_PATHS])


def test_two_breaks_in_a_while_loop():
    check("""
        def f(u: "3", v: "4"):
            k = 0
            s = np.sum(v)
            h = v * 1.0
            while k < 3:
                if u[k] < -0.5:
                    h = h * u[k]
                    break
                if s > 4.0:
                    s = s * 0.5
                    break
                s = s + np.sum(h * h)
                h = np.tanh(h + u[k])
                k += 1
            return h * s
        """, [(u, V4) for u in U_PATHS])


def test_two_returns_in_one_loop():
    # the first return's value set what the loop carries as it staged the second's else: that path copied
    # the value no iteration had set, and the staged forward raised UnboundLocalError (refused)
    check("""
        def f(s: float, w: float):
            m = abs(s) + 1.0
            for k in range(2):
                if s < 0.13:
                    return np.tanh(s)
                if s < 0.48:
                    return w * s
            return m * w
        """, [(0.8, -0.6), (0.1, 0.5), (0.3, 0.7), (-0.4, -0.2)])


def test_two_returns_in_one_loop_of_arrays():
    check("""
        def f(u: "3", v: "4"):
            m = v * 1.0
            for t in u:
                if t < -0.5:
                    return m * t, t
                if t > 0.9:
                    m = m * 2.0
                    return np.tanh(m), t * t
                m = m + t * v
            return m, 1.0
        """, [(u, V4) for u in U_PATHS])


S = 0.37
V4B = np.array([0.5, -0.3, 0.7, 0.2])  # (x @ v away from 0, where leaky has its kink)


def test_a_nested_function_given_to_a_nested_helper():
    # refused: "the nested function leaky() is used here other than by calling it"
    check("""
        def f(x: "3, 4", v: "4", s: float):
            def leaky(z):
                return np.maximum(z, s * z)
            def layer(h, s, act):
                return act(x @ h) * s
            return layer(v, 0.5 * s, leaky)
        """, [(X34, V4B, S)])


def test_a_nested_function_passed_on_by_a_nested_helper():
    check("""
        def f(x: "3, 4", v: "4", s: float):
            def leaky(z):
                return np.maximum(z, s * z)
            def layer(h, W, act):
                return act(W @ h)
            def net(h, act):
                y = layer(h, x, act)
                return layer(y, x.T, act)
            return net(v, leaky) + net(v * s, np.tanh)
        """, [(X34, V4B, S)])


def test_a_lambda_given_to_a_nested_helper():
    # refused: "lambda expressions are not supported"
    check("""
        def f(x: "3, 4", v: "4", s: float):
            def layer(h, W, act=np.tanh):
                return act(W @ h)
            return layer(layer(v, x, act=lambda z: z * s), x.T, act=lambda z: np.sin(z) + s)
        """, [(X34, V4, S)])


U3 = np.array([0.25, -0.45, 0.65])


def test_map_of_a_lambda_summed():
    # refused: "lambda expressions are not supported"
    check("""
        def f(u: "3", v: "3", s: float):
            return sum(map(lambda t: math.exp(t * s), u)) + sum(map(lambda a, b: a * b, u, v))
        """, [(U3, U3[::-1] * 2.0, S)])


def test_map_of_a_function_listed():
    # refused: "unknown function 'list'"
    check("""
        def f(x: "3, 4", s: float):
            rows = list(map(np.tanh, x))
            return np.stack(rows) * s + sum(list(map(math.sin, x[0])))
        """, [(X34, S)])


def test_a_generator_summed_and_listed():
    # refused: "generators (yield) are not supported" (only a for loop over one was written out)
    check("""
        def gen(z, s):
            for t in z:
                if t > 0:
                    yield t * s
                else:
                    yield t * t

        def f(v: "4", s: float):
            a = list(gen(v, s))
            return np.array(a) * np.sum(v) + sum(gen(v[1:], s))
        """, [(V4, S)])


def test_a_nested_generator_of_rows_stacked():
    check("""
        def f(x: "3, 4", s: float):
            def rows(m):
                for r in m:
                    yield np.tanh(r * s)
            return np.stack(list(rows(x))) * s
        """, [(X34, S)])
