"""Numerical-methods code as people write it: quadrature, polynomials, iterative solvers, ODE
integrators, series, interpolation, assembly, least squares and numerically careful functions.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences, generated_gradients, imported

TABLE = np.array([0.3, -1.2, 0.8, 2.1, -0.4, 1.5])
POINTS = np.array([0.3, 2.6, 4.45])


# --- linear interpolation by hand: the positions truncated to an index are numbers ------------


@pytest.mark.parametrize("body", [
    # (the fraction of x read after truncating it: x holds numbers, whose gradient is asked for)
    '''
        i = x.astype(int)
        t = x - i
        return np.sum(table[i] * (1 - t) + table[i + 1] * t)
    ''',
    '''
        i = x.astype(np.int32)
        w = x - i
        return np.sum(table[i] * (1 - w) + table[i + 1] * w)
    ''',
    '''
        s = 0.0
        for k in range(len(x)):
            i = int(x[k])
            t = x[k] - i
            s += table[i] * (1 - t) + table[i + 1] * t
        return s
    ''',
], ids=["astype", "astype_int32", "int_of_item"])
def test_positions_truncated_to_an_index_get_their_gradient(body):
    assert_generated_right("def f(table, x):\n" + textwrap.indent(textwrap.dedent(body), "    "), [TABLE, POINTS])


def test_points_unpacked_by_row_and_truncated_get_their_gradient():
    # bilinear interpolation at points given as rows: int(p[0]) indexes, p[0] - i is the fraction
    assert_generated_right('''
        def f(grid, pts):
            total = 0.0
            for p in pts:
                i, j = int(p[0]), int(p[1])
                tx, ty = p[0] - i, p[1] - j
                total += ((1 - tx) * (1 - ty) * grid[i, j] + tx * (1 - ty) * grid[i + 1, j]
                          + (1 - tx) * ty * grid[i, j + 1] + tx * ty * grid[i + 1, j + 1])
            return total
    ''', [np.arange(16.0).reshape(4, 4) ** 1.5 / 10, np.array([[0.3, 1.6], [2.2, 0.4], [1.5, 2.7]])])


def test_labels_truncated_and_never_subtracted_stay_labels():
    # int(e[0]) of an edge list: labels, given no gradient (the backward returns W's alone)
    assert_generated_right('''
        def f(W, edges):
            s = 0.0
            for e in edges:
                i, j = int(e[0]), int(e[1])
                s += W[i] * W[j]
            return s
    ''', [TABLE, np.array([[0, 1], [2, 3], [1, 4]])])


# --- Gauss quadrature: NumPy's nodes and weights of a degree are constants --------------------


def test_leggauss_nodes_and_weights_in_the_function():
    assert_generated_right('''
        def f(a, b, k):
            xs, ws = np.polynomial.legendre.leggauss(6)
            x = 0.5 * (b - a) * xs + 0.5 * (b + a)
            return 0.5 * (b - a) * ws @ np.exp(-k * x ** 2)
    ''', [0.2, 1.4, 1.3])


def test_hermgauss_expectation_of_a_gaussian():
    assert_generated_right('''
        def f(mu, sigma):
            x, w = np.polynomial.hermite.hermgauss(10)
            return np.sum(w * np.tanh(mu + np.sqrt(2) * sigma * x)) / np.sqrt(np.pi)
    ''', [0.3, 0.7])


def test_leggauss_imported_from_its_module_by_generate_and_the_decorator():
    text = '''
import numpy as np
from numpy.polynomial.legendre import leggauss

def f(k):
    nodes, weights = leggauss(5)
    return np.sum(weights * np.cos(k * nodes))
'''
    assert_generated_right(text, [1.3])
    f = backgen.backward(imported(text, "numhunt")["f"])
    np.testing.assert_allclose(f.backward(1.3), finite_differences(f, [1.3], [0], (1.0,))[0], rtol=1e-6)


# --- module-level grids and nodes computed by NumPy from numbers ------------------------------


@pytest.mark.parametrize("module_code", [
    "X = np.linspace(0.0, 1.0, 21)",
    "N = 21\nX = np.linspace(0.0, 1.0, N)",
    "X = np.arange(21) / 20.0",
    "X, W = np.polynomial.legendre.leggauss(7)",
], ids=["linspace", "linspace_of_a_module_number", "arange", "leggauss_unpacked"])
def test_a_module_grid_computed_from_numbers_is_a_constant(module_code):
    text = f"import numpy as np\n{module_code}\n\ndef f(a):\n    return np.sum(np.exp(-a * X ** 2) * (X + 2.0))\n"
    assert_generated_right(text, [0.7])
    f = backgen.backward(imported(text, "numhunt")["f"])
    np.testing.assert_allclose(f.backward(0.7), finite_differences(f, [0.7], [0], (1.0,))[0], rtol=1e-6)


def test_module_gauss_legendre_nodes_read_by_a_helper():
    assert_generated_right('''
        GL_X, GL_W = np.polynomial.legendre.leggauss(6)

        def integrate(g, a, b):
            x = 0.5 * (b - a) * GL_X + 0.5 * (b + a)
            return 0.5 * (b - a) * np.sum(GL_W * g(x))

        def f(a, b, k):
            return integrate(lambda t: np.cos(k * t), a, b)
    ''', [0.1, 1.3, 0.8])


@pytest.mark.parametrize("module_code", [
    "X = np.random.rand(3)",  # random: another array at every import
    "X = np.zeros(3)",  # a buffer, made to be filled
    "X = np.linspace(0.0, 1.0, 3)\nX[0] = 5.0",  # written into by the module
    "X = np.linspace(0.0, 1.0, 3)\nX = np.linspace(0.0, 2.0, 3)",  # bound twice
])
def test_a_module_array_that_may_differ_is_no_constant(module_code):
    assert_generated_refused(f"import numpy as np\n{module_code}\n\ndef f(a):\n    return np.sum(a * X)\n",
                             [0.7], "'X' is not a parameter or a variable assigned")


def test_module_nodes_computed_by_math_with_math_imported_twice():
    # the same import written twice means one module: GL3's numbers are folded as with one import
    assert_generated_right('''
        import math
        import math
        GL3 = ((-math.sqrt(3 / 5), 5 / 9), (0.0, 8 / 9), (math.sqrt(3 / 5), 5 / 9))

        def f(a, b):
            mid, half = (a + b) / 2, (b - a) / 2
            return half * sum(w * math.cos(mid + half * x) for x, w in GL3)
    ''', [0.2, 1.1])


def test_a_name_imported_as_two_modules_is_not_folded():
    assert_generated_refused('''
        import math
        import numpy as math
        GL3 = (-math.sqrt(3 / 5), 0.0, math.sqrt(3 / 5))

        def f(a):
            return sum(a * x for x in GL3)
    ''', [0.2], "GL3")


# --- a dict of physical parameters given to the decorator ------------------------------------

PARAMS_ODE = '''
import numpy as np

def f(y0, params):
    """Logistic growth by explicit Euler, its rates in a dict."""
    y = y0
    for _ in range(10):
        y = y + 0.1 * (params["a"] * y - params["b"] * y ** 2)
    return y
'''


def test_a_dict_of_floats_read_at_its_keys_is_differentiated_by_the_decorator():
    f = backgen.backward(imported(PARAMS_ODE, "numhunt")["f"])
    args = [0.4, {"a": 1.1, "b": 0.5}]
    got = f.backward(*args)
    want = finite_differences(f, args, [0, 1], (1.0,))
    assert isinstance(got, tuple) and set(got[1]) == {"a", "b"}
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    for key in ("a", "b"):
        np.testing.assert_allclose(got[1][key], want[1][key], rtol=1e-6)


@pytest.mark.parametrize("name, body", [
    ("dropout_param", 'return np.sum(x * dropout_param["p"]) ** 2'),  # a name of settings
    ("cfg", 'return np.sum(x * cfg["scale"]) ** 2'),
])
def test_a_dict_of_floats_of_settings_stays_settings(name, body):
    # read by a name of settings: the other parameters' gradient alone
    f = backgen.backward(imported(f"import numpy as np\n\ndef f(x, {name}):\n    {body}\n", "numhunt")["f"])
    x, settings = np.array([1.0, -2.0, 0.5]), {"p": 0.5, "scale": 1.3, "shift": 0.4}
    got = f.backward(x, settings)
    np.testing.assert_allclose(got, finite_differences(f, [x, settings], [0], (1.0,))[0], rtol=1e-6)


# --- a module's constant array written through a view of it, or as out=, is no constant -------


@pytest.mark.parametrize("module_code, body", [
    ("X = np.array([0.0, 0.25, 0.5, 0.75, 1.0])\nV = X[1:]\nV[0] = 7.0", "return np.sum(a * X)"),
    ("X = np.linspace(0.0, 1.0, 5)\nV = X[1:]\nV[0] = 7.0", "return np.sum(a * X)"),
    ("X = np.array([0.0, 0.25, 0.5, 0.75, 1.0])\nnp.multiply(X, 2.0, out=X)", "return np.sum(a * X)"),
    ("X = np.array([[1.0, 2.0], [3.0, 4.0]])",
     "s = 0.0\n    for row in X:\n        row[0] = row[0] + a\n        s += np.sum(row)\n    return s"),
    ("X = np.array([[2.0, 1.0], [3.0, 4.0]])",
     "s = 0.0\n    for row in X:\n        row.sort()\n        s += row[0] * a\n    return s"),
    ("X = np.array([[1.0, 2.0], [3.0, 4.0]])", "r = X[0]\n    r += a\n    return np.sum(r)"),
    ("X = np.array([1.0, 2.0, 3.0, 4.0])\n\ndef g(v, a):\n    v[0] = a\n    return np.sum(v)",
     "return g(X[1:], a) * a"),
], ids=["view_written_by_the_module", "view_of_a_grid_written", "out_of_numpy", "rows_written_in_a_loop",
        "rows_sorted", "row_named_and_added_into", "slice_given_to_a_function_writing_into_it"])
def test_a_module_array_written_through_a_view_is_no_constant(module_code, body):
    # the function reads the array the module changed, or changes it as it runs (each call another)
    with pytest.raises(backgen.BackgenError):
        generated_gradients(f"import numpy as np\n{module_code}\n\ndef f(a):\n    {body}\n", [0.7])


def test_a_module_array_written_as_out_in_the_function_is_refused():
    with pytest.raises(backgen.BackgenError):
        generated_gradients("import numpy as np\nX = np.array([0.0, 0.5, 1.0])\n\ndef f(a):\n"
                            "    np.multiply(X, a, out=X)\n    return np.sum(X)\n", [0.7])


@pytest.mark.parametrize("module_code, body", [
    ("X = np.array([[1.0, 2.0], [3.0, 4.0]])", "r = X[0]\n    return np.sum(a * r)"),
    ("X = np.array([[1.0, 2.0], [3.0, 4.0]])",
     "s = 0.0\n    for row in X:\n        s += row.dot(row) * a + np.sum(row) * a ** 2\n    return s"),
    ("W = np.array([1.0, 2.0, 3.0])", "s = 0.0\n    for w in W[1:]:\n        s += w * a ** 2\n    return s"),
    ("X = np.linspace(0.0, 1.0, 5)", "dx = X[1:] - X[:-1]\n    return np.sum(a * dx ** 2 * X[1:])"),
    ("X = np.array([1.0, 2.0, 3.0, 4.0])\n\ndef g(v, a):\n    return np.sum(v * a)", "return g(X[1:], a) * a"),
], ids=["row_read", "rows_read_by_methods", "vector_slice_iterated", "slices_in_arithmetic",
        "slice_given_to_a_function_reading_it"])
def test_a_module_array_read_through_views_is_a_constant(module_code, body):
    assert_generated_right(f"import numpy as np\n{module_code}\n\ndef f(a):\n    {body}\n", [0.7])


# --- np.interp on a table of knots the code writes, generated without shapes ------------------


@pytest.mark.parametrize("source, args", [
    ('''
        def f(x, fp):
            xp = np.array([0.0, 0.3, 0.6, 1.0])
            return np.sum(np.interp(x, xp, fp) ** 2)
    ''', [np.array([0.13, 0.47, 0.71, 0.93]), np.array([0.2, -0.4, 1.1, 0.5])]),
    ('''
        def f(x, fp):
            return np.interp(x, [0.0, 0.5, 1.0], fp)
    ''', [0.37, np.array([0.2, -0.4, 1.1])]),
    ('''
        XP = np.linspace(0.0, 1.0, 5)

        def f(fp):
            return np.sum(np.interp(np.array([0.1, 0.55, 0.9]), XP, fp) ** 2)
    ''', [np.array([0.2, -0.4, 1.1, 0.5, 0.8])]),
], ids=["knots_in_the_function", "knots_written_out", "knots_of_the_module"])
def test_interp_of_values_at_knots_the_code_gives(source, args):
    # the samples' fp is made as long as the knots (NumPy says only that they differ)
    assert_generated_right(source, args)


# --- np.trapezoid along another axis than the last --------------------------------------------


@pytest.mark.parametrize("source, args", [
    ("def f(y):\n    return np.sum(np.trapezoid(y, dx=0.1, axis=1) ** 2)\n", [np.arange(18.0).reshape(3, 6) ** 0.5]),
    ("def f(y, h):\n    return np.sum(np.trapezoid(y ** 2, dx=h, axis=0) * np.arange(4))\n",
     [np.linspace(-1.0, 1.0, 20).reshape(5, 4), 0.3]),
    ("def f(y):\n    return np.sum(np.trapezoid(np.sin(y), axis=-2) ** 2)\n", [np.linspace(-2.0, 2.0, 30).reshape(2, 5, 3)]),
], ids=["axis_1", "axis_0_with_dx", "axis_minus_2"])
def test_trapezoid_along_another_axis(source, args):
    assert_generated_right(source, args)


def test_trapezoid_with_coordinates_along_another_axis_is_refused():
    # (along the first axis it is read: tests/test_rules_breadth_hunt.py)
    assert_generated_refused("def f(y, x):\n    return np.sum(np.trapezoid(y, x, axis=1))\n",
                             [np.ones((3, 4, 2)), np.linspace(0.0, 1.0, 4)], "last axis")


# --- np.polyder and np.poly1d: what NumPy computes ----------------------------------------------

P4 = np.array([0.7, -1.3, 0.4, 2.1, -0.6])
X6 = np.linspace(-1.2, 1.3, 6)


@pytest.mark.parametrize("source, args", [
    ("def f(p, x):\n    return np.polyval(np.polyder(p), x)\n", [P4, 0.6]),
    ("def f(p, x):\n    return np.sum(np.polyval(np.polyder(p, 2), x) ** 2)\n", [P4, X6]),
    ("def f(p, x):\n    return np.sum(np.poly1d(p)(x))\n", [P4, X6]),
    ("def f(p, x):\n    poly = np.poly1d(p)\n    return np.sum(poly(x) ** 2) + poly(0.5)\n", [P4, X6]),
    ('''
        def f(p):
            dp = np.polyder(p)
            x = 1.5
            for _ in range(12):
                x = x - np.polyval(p, x) / np.polyval(dp, x)
            return x
    ''', [np.array([1.0, 0.02, -2.0])]),
], ids=["polyder", "polyder_twice", "poly1d_called", "poly1d_named", "newton_on_a_polynomial"])
def test_polynomial_helpers(source, args):
    assert_generated_right(source, args)


def test_poly1d_of_coefficients_bound_again_is_refused():
    # poly holds p's values before p = p * 2: not np.polyval(p, x) where it is called
    assert_generated_refused("def f(p, x):\n    poly = np.poly1d(p)\n    p = p * 2\n"
                             "    return np.sum(poly(x)) + np.sum(p)\n", [P4, X6], "poly1d")


# --- SciPy's cumulative_trapezoid -------------------------------------------------------------


@pytest.mark.parametrize("body, args", [
    ("return np.sum(cumulative_trapezoid(y, dx=dx) ** 2)", [np.sin(np.arange(7.0)), 0.3]),
    ("pos = cumulative_trapezoid(y, dx, initial=0)\n    return np.sum(pos ** 2)",
     [np.cos(np.arange(7.0)), np.cumsum(np.linspace(0.5, 1.5, 7))]),
    ("return np.sum(np.sin(cumulative_trapezoid(y, dx=dx, initial=0.0)))", [np.arange(15.0).reshape(3, 5) / 7, 0.1]),
], ids=["dx", "x_and_initial", "rows"])
def test_cumulative_trapezoid(body, args):
    assert_generated_right(f"from scipy.integrate import cumulative_trapezoid\n\ndef f(y, dx):\n    {body}\n", args)


def test_cumulative_trapezoid_along_another_axis_is_refused():
    assert_generated_refused("from scipy.integrate import cumulative_trapezoid\n\ndef f(y):\n"
                             "    return np.sum(cumulative_trapezoid(y, axis=0))\n", [np.ones((4, 3))], "last axis")


# --- np.gradient with second-order ends ---------------------------------------------------------


@pytest.mark.parametrize("source", [
    'def f(y: "7", h: float):\n    return np.sum(np.gradient(y, h, edge_order=2) ** 2)\n',
    'def f(y: "5"):\n    return np.sum(np.gradient(y ** 2, edge_order=2) * np.arange(5.0))\n',
], ids=["spacing", "unit_spacing"])
def test_gradient_of_second_order_at_the_ends(source):
    y = np.sin(np.arange(7.0) * 0.7)
    assert_generated_right(source, [y, 0.3] if "h:" in source else [y[:5]])


def test_gradient_of_second_order_without_shapes_is_refused():
    assert_generated_refused("def f(y):\n    return np.sum(np.gradient(y, edge_order=2) ** 2)\n",
                             [np.arange(5.0)], "edge_order=2")


def test_polyval_of_rows_of_coefficients_without_shapes_says_so():
    # the shape-generic backward is written for a vector of coefficients: rows of them raise saying so
    # (they raised "cannot reshape array of size 3 into shape (3,2)")
    module = backgen.generate("import numpy as np\n\ndef f(p, x):\n    return np.sum(np.polyval(p, x) ** 2)\n",
                              name="f")
    namespace = {}
    exec(module, namespace)
    with pytest.raises(ValueError, match="vector of coefficients"):
        namespace["f_backward"](np.arange(6.0).reshape(3, 2) / 5, 0.7)
    got = namespace["f_backward"](P4, X6)
    want = finite_differences(lambda p, x: np.sum(np.polyval(p, x) ** 2), [P4, X6], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
