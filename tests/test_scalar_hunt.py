"""Plain-Python scalar code as textbooks, physics and engineering formulas and tutorials write it (the
``math`` module, builtins, helpers, loops run a fixed number of times, early returns, raises).

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` and by the decorator, or
asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences, imported


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float)]


def decorated(source, args, douts=(1.0,), name="f"):
    """The gradients the decorator gives (for the float parameters) and central differences of them."""
    func = imported(textwrap.dedent(source), "scalar_hunt")[name]
    wrt = _floats(args)
    got = backgen.backward(func).backward(*args, dout=douts[0] if len(douts) == 1 else tuple(douts))
    want = finite_differences(func, list(args), wrt, douts)
    return (got if len(wrt) > 1 else (got,)), want


def assert_right(source, args, douts=(1.0,), name="f"):
    assert_generated_right(source, args, douts, name)
    got, want = decorated(source, args, douts, name)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


# --- raises after early returns: the value is where the function returns ---------------------------


MODES = '''
    import math

    def f(x, mode="exp"):
        if mode == "exp":
            return math.exp(x)
        elif mode == "log":
            return math.log(x)
        raise ValueError(f"unknown mode {mode!r}")
'''


@pytest.mark.parametrize("mode", ["exp", "log"])
def test_a_raise_after_an_if_elif_chain_of_returns(mode):
    # refused before: "the function raises here on every path"
    assert_right(MODES, [1.3, mode])


def test_a_raise_after_a_return_in_a_branch_keeps_that_branch():
    # the branch ending in the raise was left out whole, its return with it: the gradient of -x was
    # given where the function returns x * x (a wrong gradient)
    source = '''
        def f(x, mode="a"):
            if x > 0:
                if mode == "a":
                    return x * x
                raise ValueError("bad mode")
            return -x
    '''
    assert_right(source, [2.0])
    assert_right(source, [-0.5])


NEWTON = '''
    import math

    def f(x, y):
        for i in range(100):
            x_new = math.cos(x) * y
            if abs(x_new - x) < 1e-13:
                return x_new
            x = x_new
        raise RuntimeError(f"no convergence after {i + 1} steps")
'''


def test_a_raise_after_a_loop_returning_from_within():
    # refused before: "the function raises here on every path"
    assert_right(NEWTON, [0.3, 0.8])


def test_a_raise_after_a_loop_returning_from_within_a_branch():
    # the branch was left out as if it only raised: the gradient of -x * y (a wrong gradient)
    source = '''
        import math

        def f(x, y):
            if y > 0:
                for i in range(100):
                    x_new = math.cos(x) * y
                    if abs(x_new - x) < 1e-13:
                        return x_new
                    x = x_new
                raise RuntimeError("no convergence")
            return -x * y
    '''
    assert_right(source, [0.3, 0.8])
    assert_right(source, [0.3, -0.8])


def test_a_raise_after_an_endless_loop_returning_from_within():
    assert_right('''
        def f(x, y):
            while True:
                if x > 5:
                    return x * y
                x = x * 2
            raise RuntimeError("unreachable")
    ''', [0.3, 1.5])


def test_a_function_raising_on_every_path_is_still_refused():
    assert_generated_refused('''
        def f(x):
            y = x * 2
            raise NotImplementedError("todo")
    ''', [1.0], "raises here on every path")


def test_a_raise_after_continues_in_a_loop_keeps_the_branch():
    # the branch ending in the raise was left out as raising on every iteration, its continues with it:
    # the gradient of x + y on each step (a wrong gradient)
    source = '''
        def f(x, y):
            for i in range(3):
                if x > 0:
                    if i >= 1:
                        x = x * y
                        continue
                    x = x + 1.0
                    if i == 0:
                        continue
                    raise ValueError(f"step {i}")
                x = x + y
            return x
    '''
    assert_right(source, [0.3, 1.4])
    assert_right(source, [-3.3, 1.4])


# --- //= and %= on names, as x = x // v and x = x % v -------------------------------------------------


def test_floor_division_in_place_halving_a_counter():
    # refused before: "the operator //= is not supported"
    assert_right('''
        def power(x, n=13):
            result = 1.0
            while n > 0:
                if n % 2 == 1:
                    result *= x
                x *= x
                n //= 2
            return result
    ''', [1.1, 13], name="power")


def test_remainder_and_floor_division_in_place_on_numbers():
    assert_right('''
        def f(x, y):
            a = x * 3
            b = a
            a //= 1.0
            a %= 0.7
            return b * y + a * x
    ''', [1.37, 2.3])


def test_remainder_in_place_on_an_array_shared_is_refused_as_plus_equal_is():
    assert_generated_refused('''
        import numpy as np

        def f(x):
            y = x * 3.0
            z = y
            y %= 1.0
            return np.sum(z * x)
    ''', [np.array([0.37, 1.21, 2.43])], "%= writes into an array in place")


def test_remainder_in_place_on_a_slice_of_an_array():
    assert_generated_right('''
        import numpy as np

        def f(x):
            y = x * 3.0
            y[1:] %= 1.0
            v = y[:2]
            v //= 0.5
            return np.sum(y * x)
    ''', [np.array([0.37, 1.21, 2.43, 0.61])])


# --- math.nan as a value, as np.nan is ---------------------------------------------------------------


@pytest.mark.parametrize("x", [0.37, -0.37])
def test_math_nan_returned_on_a_path(x):
    # refused before: "math.nan is not supported as a value"
    source = '''
        import math

        def f(x, y):
            if x < 0:
                return math.nan
            return x * y
    '''
    if x > 0:
        assert_right(source, [x, 1.9])
    else:
        namespace = {}
        exec(backgen.generate(textwrap.dedent(source)), namespace)
        assert namespace["f_backward"](x, 1.9) == (0.0, 0.0)


def test_nan_imported_from_math_in_a_guard():
    assert_right('''
        from math import isnan, nan

        def f(x):
            return nan if isnan(x) else x * x
    ''', [0.7])


# --- math.dist of points held by names ---------------------------------------------------------------


def test_math_dist_of_points_bound_to_names():
    # refused before: "math.dist has no derivative rule in backgen"
    assert_right('''
        import math

        def f(x1, y1, x2, y2):
            p1 = (x1, y1)
            p2 = (x2, y2)
            return math.dist(p1, p2)
    ''', [0.3, 1.2, -0.7, 2.2])


def test_math_dist_imported_by_name_of_a_list_and_a_display():
    assert_right('''
        from math import dist

        def f(x, y, z):
            a = [x, y, z]
            return dist(a, [1.0, 2.0, 0.5]) + dist(a, a) + dist([z], [x])
    ''', [0.3, 1.2, -0.7])


def test_math_dist_of_a_point_written_into_is_still_refused():
    assert_generated_refused('''
        import math

        def f(x1, y1, x2, y2):
            p1 = [x1, y1]
            p2 = p1
            p2[0] = 5.0
            return math.dist(p1, (x2, y2))
    ''', [0.3, 1.2, -0.7, 2.2], "math.dist has no derivative rule")


# --- a list of points iterated beside a slice of itself ------------------------------------------------


def test_polyline_length_over_points_zipped_with_their_slice():
    # refused before: "tuples are only supported as arguments of calls and in indexing"
    assert_right('''
        import math

        def f(x, y):
            pts = [(x, y), (y, 2.0), (1.0, x)]
            length = 0.0
            for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
                length += math.hypot(x1 - x0, y1 - y0)
            return length
    ''', [0.3, 1.2])


def test_numbers_zipped_with_their_slice_and_read_backwards():
    assert_right('''
        def f(x, y):
            xs = [x, y, x * y, 2.0]
            total = 0.0
            for a, b in zip(xs, xs[1:]):
                total += (b - a) ** 2
            for a in xs[::-1]:
                total = total * x + a
            for a in xs[-2:]:
                total += a
            return total
    ''', [0.3, 1.2])


def test_points_zipped_with_their_slice_after_a_name_they_list_is_rebound_are_refused():
    assert_generated_refused('''
        def f(x, y):
            pts = [(x, y), (y, 2.0), (1.0, x)]
            x = 5.0
            total = 0.0
            for p, q in zip(pts, pts[1:]):
                total += p[0] * q[1]
            return total
    ''', [0.3, 1.2], "tuples are only supported")


# --- and/or as values: the operand Python gives -------------------------------------------------------


@pytest.mark.parametrize("y", [0.5, None, 0.0])
def test_a_default_given_by_or(y):
    # refused before: "boolean operators (and/or) are not supported"; 0.0 is falsy: 2.0 is taken
    source = '''
        def f(x, y=None):
            y = y or 2.0
            return x * y
    '''
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source)), namespace)
    func = imported(textwrap.dedent(source), "scalar_hunt")["f"]
    got = namespace["f_backward"](1.3, y)
    want = finite_differences(func, [1.3, y], [0, 1] if y else [0], [1.0])  # (y = 0.0: a step, y at it)
    np.testing.assert_allclose(got[: len(want)], want, rtol=1e-5, atol=1e-6)
    if y:
        assert_right(source, [1.3, y])


def test_or_and_and_of_names_as_values():
    assert_right('''
        def f(x, y, z):
            a = x or y
            b = y and z
            c = z and x or y
            return a * 2 + b * x + c
    ''', [1.3, 0.5, -0.7])
    assert_right('''
        def f(x, y):
            return (x or y) * 2 + (y and 3.0) + (0.0 or y)
    ''', [1.2, 0.5])


# --- a module's own names for math's functions ---------------------------------------------------------


def test_module_aliases_of_math_functions():
    # generate refused them ("unknown function 'sqrt'") where the decorator, reading the module, did not
    assert_right('''
        import math

        sqrt = math.sqrt
        ln = math.log

        def f(x, y):
            return sqrt(x) * ln(y) + ln(x, 2)
    ''', [1.3, 0.5])


def test_a_module_alias_of_an_imported_function_and_one_bound_after_the_def():
    assert_right('''
        import math
        from math import exp

        e_to = exp

        def f(x, y):
            return e_to(x) * root(y)

        root = math.sqrt
    ''', [1.3, 0.5])


def test_a_module_alias_rebound_later_is_read_as_rebound():
    assert_right('''
        import math

        sqrt = math.sqrt

        def f(x, y):
            return sqrt(x) * y

        sqrt = lambda t: 2 * t
    ''', [1.3, 0.5])


# --- a singular function of a clamped number: 0 where the clamp holds ----------------------------------


ANGLE = '''
    import math

    def f(a, b, c):
        """The angle opposite a, its cosine clamped into [-1, 1] against rounding."""
        cos_a = (b ** 2 + c ** 2 - a ** 2) / (2 * b * c)
        cos_a = max(-1.0, min(1.0, cos_a))
        return math.acos(cos_a)
'''


@pytest.mark.parametrize("sides", [[3.0, 1.7, 5.5], [9.0, 1.7, 5.5], [3.0, 2.7, 2.5]], ids=["at 1", "at -1", "inside"])
def test_acos_of_a_cosine_clamped(sides):
    # where the clamp held, the backward divided by zero (acos' at 1) as it ran: the gradient is 0 there
    assert_right(ANGLE, sides)


def test_asin_of_a_value_clamped_in_a_loop_and_acos_in_a_branch():
    assert_right('''
        import math

        def f(x, y):
            total = 0.0
            for k in range(4):
                c = x * k - y
                c = min(max(c, -1.0), 1.0)
                total += math.asin(c) * k
            if y > 0:
                total += math.acos(min(1, x * y)) + y
            return total
    ''', [0.6, 0.3])
    assert_right('''
        import math

        def f(x, y):
            if y > 0:
                return math.acos(min(1, x * y)) + y
            return x
    ''', [2.6, 0.5])


def test_a_root_of_a_clamp_at_zero_read_by_a_max():
    # the root's guard (0 where its operand is 0) was written after the max's (text if g else 0.0) as
    # its else: the backward divided by zero as it ran where x < 0
    assert_right('''
        import math

        def f(x, w):
            t = math.sqrt(max(x, 0.0))
            z = max(t, -1.0)
            return z * w
    ''', [-0.5, 1.3])


@pytest.mark.parametrize("annotated", [True, False], ids=["shapes", "shape-generic"])
def test_arccos_of_an_array_clipped(annotated):
    # the entries the clip held got nan (inf * 0) where their gradient is 0 (a wrong gradient)
    source = '''
        import numpy as np

        def f(x: "3", w: "3"):
            return np.sum(np.arccos(np.clip(x * w, -1.0, 1.0)) + np.arcsin(np.minimum(1.0, x * x)))
    '''
    if not annotated:
        source = source.replace(': "3"', "")
    assert_generated_right(source, [np.array([0.3, 1.5, -2.0]), np.array([0.5, 0.9, 0.7])])


# --- a rounded value returned: refused, saying why ------------------------------------------------------


@pytest.mark.parametrize("returned", ["round(x * y, 4)", "math.floor(x * y)", "int(x * 100)"])
def test_a_rounded_return_is_refused_naming_the_rounding(returned):
    # refused before as "a comparison, a shape, a constructed constant"
    assert_generated_refused(f'''
        import math

        def f(x, y):
            return {returned}
    ''', [1.3, 0.7], r"returns (round|math\.floor|int)\(\.\.\.\), a whole number \(or one rounded\) whose gradient is 0")
