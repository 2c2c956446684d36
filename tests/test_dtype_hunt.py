"""Kinds of numbers and dtypes: integer parameters, integer and boolean arrays, casts,
rounding, nan-aware reductions, complex numbers.

Each case is checked against central finite differences in float64 (``numeric``) with
respect to its float parameters only (integers and integer arrays have no gradient), or
asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right

W5 = np.array([-0.943157, 0.852553, 0.382897, -1.528329, 0.457783])
X5 = np.array([1.057981, 0.785293, -1.171457, 0.969101, -0.351962])


assert_right, assert_refused = assert_generated_right, assert_generated_refused


# --- np.where(m, x, k * x) fused into one gate: only where the where is read on ------------------


def test_scaled_where_no_output_reads_keeps_the_product():
    # the np.where is read by nothing: its product v1, read by the output, has its own gradient
    assert_right('''
        def f(w: "5"):
            v1 = w * 2
            v2 = np.where(w > 9, w, v1)
            return v1 * 3
    ''', [W5], (np.linspace(-1, 1, 5),))


def test_scaled_where_unread_beside_masks_and_sums():
    assert_right('''
        def f(x: "5", w: "5", y: float, n: int, idx: "int 3"):
            v1 = w * (1 - (w > 0))
            v2 = np.where(np.arange(5) == idx[0], w, v1)
            m3 = v1 > 0
            v3 = w * m3.sum()
            return (np.sum(v3) + v1) * y + x.sum()
    ''', [X5, W5, 1.160934, 3, np.array([0, 1, 2])], (np.array([-0.19, -0.61, 0.82, 0.53, 0.08]),))


def test_scaled_where_read_on_still_one_gate():
    assert_right('''
        def f(w: "5"):
            v1 = w * 0.1
            return np.where(w > 0, w, v1)
    ''', [W5], (np.linspace(-1, 1, 5),))


# --- the builtin pow of an array: its guard is np.where, not `if g` ----------------------------


def test_builtin_pow_of_array_read_in_part():
    # dv0 is zero in part (a slice read): the guard against 0 * inf is elementwise
    assert_right('''
        def f(x: "5", n: int, y: float):
            v0 = pow(x, n)
            v1 = pow(y, n)
            return v0[1:].sum() * v1
    ''', [X5, 1, 0.7])


def test_builtin_pow_of_array_gathered():
    assert_right('''
        def f(x: "5", w: "5", y: float, n: int, idx: "int 3"):
            v0 = pow(x, n)
            j2 = idx * 2 % 5
            v2 = v0[j2].sum() + x
            return np.sum(v2) * y + x.sum()
    ''', [X5, W5, 1.547529, 2, np.array([0, 1, 0])])


# --- float32 inputs to a generated backward ---------------------------------------------------


def test_math_modf_backward_takes_float32():
    # math.modf was written with math.trunc, which takes no NumPy float32: the backward raised
    source = textwrap.dedent('''
        import math
        def f(a: float, b: float):
            f0, i0 = math.modf(b * 3)
            return f0 * a + i0 * b
    ''')
    assert_right(source, [0.7, 0.4137])
    generated = {}
    exec(backgen.generate(source, name="f"), generated)
    got = generated["f_backward"](np.float32(0.7), np.float32(-0.4137))
    want = generated["f_backward"](0.7, -0.4137)
    np.testing.assert_allclose(np.array(got, dtype=float), want, rtol=1e-5)


# --- math's tests of numbers in a conditional expression ----------------------------------------


@pytest.mark.parametrize("test", ["math.isfinite(a)", "not math.isnan(a)", "not math.isinf(a * b)",
                                  "math.isclose(a, b, rel_tol=1e-3)"])
def test_math_tests_in_a_conditional_expression(test):
    # they were refused as values a gradient would flow through ("returns a boolean")
    assert_right(f'''
        import math
        def f(a: float, b: float):
            v0 = a if {test} else b
            return v0 * b
    ''', [0.7, -0.4137])


def test_math_test_as_a_number_still_refused():
    assert_refused('''
        import math
        def f(a: float):
            return math.isnan(a) * a
    ''', [0.7], "math.isnan is not differentiable")


# --- an array made by np.array of numbers, then written into ------------------------------------


@pytest.mark.parametrize("made", ["np.array([1.0, 2, 3, 4, 5])", "np.array([1, 2, 3, 4, 5], dtype=float)",
                                  "np.array([1, 2, 3, 4, 5], float)", "np.asarray([1.0, 2, 3, 4, 5])"])
def test_array_of_numbers_written_into(made):
    # refused: "v is a constant here, which backgen cannot tell is a new array of its own"
    assert_right(f'''
        def f(x: "5", y: float):
            v = {made}
            v[0] = y
            v[2:4] += x[2:4] * y
            return v * x
    ''', [X5, 0.737], (np.linspace(-1, 1, 5),))


def test_array_of_numbers_written_into_seen_by_its_other_names():
    assert_right('''
        def f(x: "5", y: float):
            v = np.array([1.0, 2, 3, 4, 5])
            w = v[1:]
            u = v
            v[1] = y
            return w.sum() * x + u
    ''', [X5, 0.737], (np.linspace(-1, 1, 5),))


@pytest.mark.parametrize("made, kind", [("np.array([1, 2, 3, 4, 5])", "an integer array"),
                                        ("np.array([1.0, 2, 3, 4, 5], dtype=np.int64)", "an integer array"),
                                        ("np.array([True, False, True, True, False])", "a boolean array")])
def test_array_of_integers_written_into_refused(made, kind):
    # NumPy converts the float written to the array's dtype: its gradient is lost
    assert_refused(f'''
        def f(x: "5", y: float):
            v = {made}
            v[0] = y * 3
            return v * x
    ''', [X5, 0.737], f"writes a differentiated value into {kind}")



# --- divmod and np.divmod: the pair (a // b, a % b) ---------------------------------------------


def test_builtin_divmod_of_numbers():
    # refused: unknown function 'divmod'
    assert_right('''
        def f(a: float, b: float):
            q, r = divmod(a, b)
            s, t = divmod(a * b, -0.7)
            return q * b + r * a + s * t
    ''', [2.37, 0.83])


def test_numpy_divmod_of_arrays():
    # refused: np.divmod has no derivative rule in backgen
    assert_right('''
        def f(x: "5", w: "5", y: float):
            q, r = np.divmod(x, np.abs(w) + 0.2)
            return q * r * y + np.divmod(x, y)[1]
    ''', [X5, W5, 0.61], (np.linspace(-1, 1, 5),))


def test_divmod_of_a_call_left_refused():
    assert_refused('''
        def g(a):
            return a * 2
        def f(a: float, b: float):
            q, r = divmod(g(a), b)
            return q * b + r
    ''', [2.37, 0.83], "divmod")


def test_divmod_rebound_is_the_users():
    assert_right('''
        def f(a: float, b: float):
            divmod = 3.0
            return a * divmod + b
    ''', [2.37, 0.83])


# --- np.array and np.asarray with a dtype: given by position, or of integers ---------------------


def test_array_conversion_dtype_by_position():
    # refused: np.asarray(x, float): building a value this way from differentiated inputs is not supported
    assert_right('''
        def f(x: "5", w: "5"):
            return np.asarray(x, float) * w + np.array(w, np.float64) * x + np.array([x[0], w[1], 2.5, 1, 0], float)
    ''', [X5, W5], (np.linspace(-1, 1, 5),))


def test_array_conversion_to_integers_has_no_gradient():
    # refused as np.array(x * 3, int) built from differentiated inputs; x.astype(int) was accepted
    assert_right('''
        def f(x: "5", w: "5"):
            v = np.asarray(x * 3, dtype=int) * w + np.array(w * 4, int) * x
            return v + np.array([x[0] * 3, w[1], 2.5, 1, 0], int) * x + np.asarray(w > 0, int) * x
    ''', [X5, W5], (np.linspace(-1, 1, 5),))


def test_array_conversion_to_integers_written_into_refused():
    assert_refused('''
        def f(x: "5", w: "5"):
            v = np.array(x * 3, dtype=int)
            v[0] = w[0] * 4
            return v * w
    ''', [X5, W5], "writes a differentiated value into an integer array")


# --- a conversion to the dtype of an integer array: whole numbers, no gradient ------------------


def test_astype_to_an_integer_arrays_dtype():
    # x.astype(idx.dtype) was read as a float conversion (as x.astype(x.dtype)): a gradient of 3
    # where there is none
    assert_right('''
        def f(x: "5", idx: "int 5"):
            return (x * 3).astype(idx.dtype) * x
    ''', [X5, np.array([0, 1, 2, 3, 4])], (np.linspace(-1, 1, 5),))


def test_array_conversion_to_an_integer_arrays_dtype():
    assert_right('''
        def f(x: "5", w: "5", idx: "int 5"):
            m = (x > 0)
            return np.asarray(w * 3, dtype=idx.dtype) * x + np.array(x * 2, dtype=m.dtype) * w
    ''', [X5, W5, np.array([0, 1, 2, 3, 4])], (np.linspace(-1, 1, 5),))


def test_astype_to_a_float_arrays_dtype_keeps_its_gradient():
    assert_right('''
        def f(x: "5", w: "5"):
            return (w * 3).astype(x.dtype) * x + np.asarray(x * w, dtype=w.dtype)
    ''', [X5, W5], (np.linspace(-1, 1, 5),))


# --- math.remainder, and math.fmod's gradient for a NumPy float32 ------------------------------


@pytest.mark.parametrize("a, b", [(2.37, 0.83), (-2.37, 0.83), (5.1, -0.7), (0.3, 1.9)])
def test_math_remainder_and_fmod(a, b):
    # math.remainder had no derivative rule
    assert_right('''
        import math
        def f(a: float, b: float):
            return math.remainder(a, b) * b + math.fmod(a * 3, b) + math.remainder(a * 7, -b)
    ''', [a, b])


def test_math_fmod_backward_takes_float32():
    # the gradient of b was -math.trunc(a / b), which takes no NumPy float32
    source = "import math\n\ndef f(a: float, b: float):\n    return math.fmod(a * 3, b) * a\n"
    generated = {}
    exec(backgen.generate(source, name="f"), generated)
    got = generated["f_backward"](np.float32(2.37), np.float32(0.83))
    want = generated["f_backward"](2.37, 0.83)
    np.testing.assert_allclose(np.array(got, dtype=float), want, rtol=1e-5)


def test_numpy_floor_divide_has_no_gradient():
    # np.floor_divide had no derivative rule (a // b of arrays was followed)
    assert_right('''
        def f(x: "5", w: "5"):
            return np.floor_divide(x, 0.5) * w + np.true_divide(x, 2) + np.floor_divide(w, x) * x
    ''', [X5, W5], (np.linspace(-1, 1, 5),))


def test_exclusive_or_of_masks():
    # the operator ^ was refused (& and | were read as masks already)
    assert_right('''
        def f(x: "5", w: "5"):
            m = (x > 0) ^ (w > 0)
            k = (x > 0.5) ^ (w < 0)
            return x * m + w[m].sum() + k * w + np.logical_xor(x > 0, w > 0) * x
    ''', [X5, W5], (np.linspace(-1, 1, 5),))
    assert_right('''
        def f(a: float, b: float, n: int):
            return ((a > 0) ^ (b > 0)) * a * b + (n ^ 1) * a
    ''', [0.7, -0.4, 2])


def test_exclusive_or_of_a_differentiated_value_refused():
    assert_refused('''
        def f(x: "5", idx: "int 5"):
            return (idx ^ (x * 3).astype(int)) * x + (x ^ 1)
    ''', [X5, np.array([0, 1, 2, 3, 4])], "bitwise_xor")


# --- np.bincount of integer labels ------------------------------------------------------------

M34 = np.array([[0.3, -0.8, 0.5, 0.1], [1.2, 0.4, -0.6, 0.9], [0.7, -0.2, 0.35, -1.1]])


def test_bincount_of_labels_is_a_constant():
    # refused: np.bincount has no derivative rule (though no gradient flows into it)
    assert_right('''
        def f(X: "3, 4", lab: "int 3"):
            counts = np.bincount(lab, minlength=4)
            return X * counts / np.maximum(np.bincount(lab).max(), 1)
    ''', [M34, np.array([1, 3, 1])], (np.ones((3, 4)),))


def test_bincount_with_differentiated_weights():
    # each weight summed into its integer's count: its gradient that count's gradient
    assert_right('''
        def f(X: "3, 4", lab: "int 3"):
            return np.bincount(lab, weights=X[:, 0], minlength=4)
    ''', [M34, np.array([1, 3, 1])], (np.array([0.5, -1.0, 2.0, 0.25]),))


def test_bincount_with_differentiated_weights_by_keyword():
    # weights= given by keyword was no operand of the call: its gradient was dropped; now it is the weights'
    assert_right('''
        def f(x: "5", idx: "int 3"):
            return np.bincount(idx, weights=x[:3] * 2, minlength=5) + x
    ''', [X5, np.array([3, 3, 1])], (np.array([0.5, -1.0, 2.0, 0.25, 1.5]),))


def test_math_isclose_refused():
    assert_refused('''
        import math
        def f(a: float, b: float):
            return a * math.isclose(a, 0.5, rel_tol=b)
    ''', [0.7, 0.1], "math.isclose is not differentiable")


def test_unique_of_labels_is_a_constant():
    # refused: np.unique has no derivative rule (though no gradient flows into it)
    assert_right('''
        def f(x: "5", idx: "int 3"):
            return x[np.unique(idx)].sum() * x + len(np.unique(idx)) * x
    ''', [X5, np.array([4, 1, 4])], (np.linspace(-1, 1, 5),))
    assert_refused('''
        def f(x: "5", idx: "int 3"):
            return np.unique(x * 2).sum()
    ''', [X5, np.array([4, 1, 4])], "np.unique is not differentiable")


# --- complex numbers: refused, saying so ------------------------------------------------------


@pytest.mark.parametrize("body, match", [
    ("return (x * 1j).imag * x", "the constant 1j is a complex number"),
    ("return np.abs(x + 0j) * x", "the constant 0j is a complex number"),
    ("return np.fft.fft(x) * 2.0", "np.fft.fft returns complex numbers"),  # (np.abs of it reads real values)
    ("return x.astype(complex).real * x", "backgen differentiates real arithmetic only"),
    ("return np.sqrt(x.astype(np.complex128)).real", "backgen differentiates real arithmetic only"),
    ("return np.sqrt(x.astype(np.complex128)).sum()", "np.complex128 makes complex numbers"),
])
def test_complex_numbers_refused(body, match):
    assert_refused(f'''
        def f(x: "5"):
            {body}
    ''', [X5], match)


# --- np.nan_to_num and the nan-aware reductions: entries left out have no gradient --------------

XZ = np.array([0.5, -0.3, 0.8, 1.1, -0.7])
WZ = np.array([0.2, 0.4, -0.6, 0.9, 1.3])


@pytest.mark.parametrize("body", [
    "return np.nan_to_num(w / (x * np.arange(5)), nan=0.0, posinf=1.0, neginf=-1.0)",
    "return np.nan_to_num(np.log(x * w))",
    "return np.nan_to_num(np.sqrt(x) * w)",
    "return np.nansum(np.log(x) * w)",
    "return np.nanmean(np.sqrt(x * w)) * x",
    "return np.nanmax(np.log(x) + w)",
    "return np.nanstd(np.sqrt(w) * x) + np.nanvar(np.log(x) * w)",
])
def test_entries_left_out_as_not_numbers_have_no_gradient(body):
    # the chain rule's products there were nan (0 * inf, nan * 0) where the gradient is 0
    source = f'''
        def f(x: "5", w: "5"):
            {body}
    '''
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    with np.errstate(all="ignore"):
        out = namespace["f"](XZ, WZ)
        douts = (np.linspace(-1, 1, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 1.0,)
        assert_right(source, [XZ, WZ], douts)


@pytest.mark.parametrize("body", [
    "t = np.sqrt(x + w) * x\n            return np.sum(np.where(np.isnan(t), 0.0, t)) + x",
    "t = np.log(x) * w\n            return np.where(np.isfinite(t), t, 0.0) + t.shape[0] * x",
    "t = w / (x * np.arange(5))\n            m = np.isfinite(t)\n            return np.where(m, t, 0.0) * (m.sum() + 1)",
])
def test_a_branch_its_own_test_reads_is_left_out(body):
    # np.where(np.isnan(t), 0.0, t): the test read t too, so t's region was not guarded and the
    # products there were nan (sqrt(-1) * 0) where the gradient is 0
    source = f'''
        def f(x: "5", w: "5"):
            {body}
    '''
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    with np.errstate(all="ignore"):
        out = namespace["f"](XZ, WZ)
        douts = (np.linspace(-1, 1, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 1.0,)
        assert_right(source, [XZ, WZ], douts)


def test_a_branch_left_out_inside_an_if_block():
    # guarded only the function's own lines: in an if block the products were nan where the
    # gradient is 0
    source = '''
        def f(x: "5", w: "5", y: float):
            if y > 0:
                t2 = np.sqrt(w) * x
                v2 = np.where(np.isnan(t2), 0.0, t2)
                v3 = np.nan_to_num(np.log(x) * w)
            else:
                v2 = w * 2.0
                v3 = x
            return v2 + v3
    '''
    with np.errstate(all="ignore"):
        for y in (0.7, -0.7):
            assert_right(source, [XZ, WZ, y], (np.linspace(-1, 1, 5),))


@pytest.mark.parametrize("body", [
    "v0 = x * 1.0\n            for it in range(2):\n                v0 = v0 * 0.5 + np.nanmean(np.sqrt(x * w)) * x\n"
    "            return v0",
    "v1 = w * 1.0\n            for it in range(3):\n                t = np.sqrt(x + it * 0.1) * v1\n"
    "                v1 = v1 * 0.5 + np.where(np.isnan(t), 0.0, t)\n            return v1",
    "v1 = w * 1.0\n            for it in range(2):\n                v1 = v1 * 0.5 + np.nan_to_num(np.arcsin(x * 1.5) * w)\n"
    "            return v1",
])
def test_a_branch_left_out_inside_a_loop(body):
    # guarded only the function's own lines: in a loop's body the products were nan where the
    # gradient is 0
    source = f'''
        def f(x: "5", w: "5"):
            {body}
    '''
    with np.errstate(all="ignore"):
        assert_right(source, [XZ, WZ], (np.linspace(-1, 1, 5),))
