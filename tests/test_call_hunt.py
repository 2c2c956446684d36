"""NumPy calls with keywords, broadcasting and several outputs: each right or refused.

Each case is a forward function, its inputs and upstream gradients; the generated backward is
checked against central finite differences (float64), or the refusal's message is checked.
"""

import textwrap

import numpy as np
import pytest

import backgen

from test_never_wrong import assert_refused, assert_right

X = np.arange(12.0).reshape(3, 4) / 10 + 0.1
V = np.array([0.5, -0.4, 0.6, 0.9])

X34 = np.array([[0.3, 0.1, -0.5, 0.7], [0.2, 0.25, 0.4, -0.6], [0.9, -0.8, 0.45, 0.35]])


def _right_as_called(call, x):
    """``r = call`` of the parameter ``x`` (its shape declared), then ``r * (1.0 + r)``: right against
    central differences, the upstream gradient of ``r``'s shape."""
    source = f'''
    def f(x: "{', '.join(map(str, x.shape))}"):
        r = {call}
        return r * (1.0 + r)
    '''
    shape = np.shape(eval(call, {"np": np, "x": x}))
    assert_right(source, [x], dout=np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))



def test_kron_of_two_numbers_with_a_number_as_its_gradient():
    # np.kron of two numbers is a number: its gradient (a float, or 0.0 for a None dout) was
    # read with .reshape, which a float has not
    source = '''
    def f(X: "3, 4", s: float):
        a = np.mean(X ** 2)
        return X * s, np.kron(a, a)
    '''
    assert_right(source, [X, 0.7], dout=(np.ones((3, 4)), 0.3))
    assert_right(source, [X, 0.7], dout=(np.ones((3, 4)), None))


def test_median_over_no_axes_is_each_element():
    # axis=() reduces nothing: the backward read the empty tuple as several axes and computed with it
    source = '''
    def f(x: "3, 4"):
        return np.median(x, axis=()) * x
    '''
    assert_right(source, [X], dout=np.linspace(-1.0, 1.0, 12).reshape(3, 4))


def test_average_of_a_number_with_a_number_as_weight():
    # the weights' total was written w.sum(), which a float has not
    source = '''
    def f(x: float, y: float):
        return np.average(x, weights=y ** 2) * y
    '''
    assert_right(source, [0.7, -0.4], dout=0.6)


@pytest.mark.parametrize("bounds, y", [("x, x", "0.0, 0.5, -0.25"), ("y, y", "0.0, 0.5, -0.25"),
                                      ("y, -y", "0.0, 0.5, -0.25"), ("0.0, 0.0", "0.0, 0.5, -0.25"),
                                      ("0.0, y", "0.0, -0.5, -0.25"), ("y, 0.0", "0.0, 0.5, 0.25"),
                                      ("0.0, -0.5", "0.0, 0.5, -0.25")])
def test_clip_between_equal_bounds_gives_the_upper_bound(bounds, y):
    # where a_min >= a_max NumPy gives a_max whatever a: an a equal to both bounds got the
    # gradient, though moving it changes nothing (the bounds constants here, away from the
    # kinks of a between unequal bounds)
    source = f'''
    def f(x: "4"):
        y = np.array([{y}]).reshape(3, 1)
        return np.clip(x, {bounds}) * (1.0 + x)
    '''
    x = np.array([0.0, 0.5, -0.3, 0.2])
    shape = (3, 4) if "y" in bounds else (4,)
    assert_right(source, [x], dout=np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))


@pytest.mark.parametrize("axis", ["0", "-1", "axis=0"])
def test_squeeze_of_a_number_along_axis_zero(axis):
    # NumPy squeezes one number's axis 0 (or -1): the result shapes stated none, and refused as an
    # error in backgen
    source = f'''
    def f(x: float, v: "4"):
        return np.squeeze(x * v.sum(), {axis}) * v
    '''
    assert_right(source, [0.5, V], dout=np.array([0.3, -0.2, 0.5, 1.0]))


@pytest.mark.parametrize("call", ["np.cov(x, y ** 2)", "np.cov(x, y=y, bias=True)", "np.cov(X, y, ddof=0)",
                                  "np.corrcoef(x, y)", "np.corrcoef(X, y, rowvar=True)", "np.cov(x, y, True)"])
def test_covariance_of_two_sets_of_variables(call):
    # np.cov(x, y) and np.corrcoef(x, y) are those of np.vstack((x, y)): refused before (y taken
    # as a constant, or np.corrcoef of two operands with no rule)
    source = f'''
    def f(x: "4", y: "4", X: "2, 4"):
        return {call}
    '''
    x, y = np.array([0.1, 0.5, -0.3, 0.8]), np.array([0.2, -0.4, 0.6, 0.9])
    rows = 3 if "X" in call else 2
    assert_right(source, [x, y, X[:2]], dout=np.linspace(-1.0, 1.0, rows * rows).reshape(rows, rows))


def test_covariance_of_two_sets_with_rowvar_false_is_refused():
    source = '''
    def f(x: "4", y: "4"):
        return np.cov(x, y, rowvar=False)
    '''
    assert_refused(source, [np.ones(4), np.arange(4.0)], "gradient would be lost")


@pytest.mark.parametrize("call", ["np.median(x, axis=[0])", "np.median(x, axis=[1, 0], keepdims=True)",
                                  "np.average(x, axis=[0])", "np.average(x, axis=[-1], keepdims=True)",
                                  "np.flip(x, axis=[0])", "np.expand_dims(x, [0, 2])"])
def test_axes_given_as_a_list(call):
    # NumPy reads a list of axes as a tuple in these: the rules computed with the list (an internal
    # error) or wrote it into NumPy calls that take none
    source = f'''
    def f(x: "3, 4"):
        r = {call}
        return r * (1.0 + r)
    '''
    shape = np.shape(eval(call, {"np": np, "x": X}))
    assert_right(source, [X], dout=np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))


@pytest.mark.parametrize("call", ["np.var(x, where=x > 0)", "np.std(x, axis=0, where=x > 0, ddof=1)",
                                  "x.var(1, where=[True, False, True, True], keepdims=True)",
                                  "x.std(where=x < 0.5, ddof=1, keepdims=True)",
                                  "np.var(x, axis=(0, 1), where=np.array([[True], [False], [True]]))"])
def test_variance_over_the_elements_a_mask_keeps(call):
    # np.var and np.std with where= were refused (no such keyword in their rules)
    source = f'''
    def f(x: "3, 4"):
        r = {call}
        return r * (1.0 + r)
    '''
    x = np.array([[0.3, 0.1, -0.5, 0.7], [0.2, 0.25, 0.4, -0.6], [0.9, -0.8, 0.45, 0.35]])
    shape = np.shape(eval(call, {"np": np, "x": x}))
    assert_right(source, [x], dout=np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))


@pytest.mark.parametrize("order", ["1", "-1", "np.inf", "-np.inf", "2", "-2", "'nuc'"])
@pytest.mark.parametrize("x", [V, np.array([[0.3, 0.1, -0.5, 0.7], [0.2, 0.25, 0.4, -0.6], [0.9, -0.8, 0.45, 0.35]])])
def test_norm_kept_without_shapes_of_a_vector_or_a_matrix(order, x):
    # without shapes the matrix norm's lines run for a vector too: with keepdims they read the
    # norm as (1, 1), and a vector's is (1,)
    source = f'''
    def f(x):
        return np.linalg.norm(x, ord={order}, keepdims=True) * x
    '''
    if x.ndim == 1 and order == "'nuc'":
        return
    assert_right(source, [x], dout=np.linspace(-1.0, 1.0, x.size).reshape(x.shape))


@pytest.mark.parametrize("call", ["np.percentile(x, 75, axis=0)", "np.quantile(x, 0.3, axis=-1)", "np.quantile(x, 1.0, 1)",
                                  "np.percentile(x, 30, axis=1, keepdims=True)", "np.quantile(x, [0.5, 0.5], axis=0)",
                                  "np.quantile(x, [0.2, 0.25, 1.0], axis=-1)", "np.quantile(x, (0.1, 0.7), 0)",
                                  "np.percentile(x, [10, 90], axis=-2, keepdims=False)"])
def test_quantiles_along_an_axis(call):
    # np.quantile and np.percentile along an axis had no rule: the order statistics along it now
    _right_as_called(call, X34)


@pytest.mark.parametrize("pick", ["x[np.argpartition(x, 1)[:2]]", "x[np.argpartition(-x, 2)[:3]].sum()",
                                  "x[np.lexsort((x,))]", "x[np.lexsort((np.abs(x), x > 0))]"])
def test_picks_by_argpartition_and_lexsort(pick):
    # the indices np.argpartition and np.lexsort give carry no gradient, as np.argsort's: the
    # functions (the method x.argpartition() was) had no rule
    _right_as_called(pick, V)


@pytest.mark.parametrize("call", ["np.delete(x, 1)", "np.delete(x, [0, 2])", "np.delete(x, -1, axis=1)",
                                  "np.delete(x, [0, 0, 2], axis=0)", "np.delete(x, np.array([True, False, True]), axis=0)",
                                  "np.delete(x, 5)"])
def test_delete(call):
    # np.delete had no rule: the gradient goes back to the places kept
    _right_as_called(call, X34)


def test_a_static_argument_computed_in_the_call_is_refused_in_the_users_words():
    # the refusal named the temporary staging made for y ** 2 ("y=n depends on n")
    source = '''
    def f(x: "4", y: "4"):
        return np.cov(x, y ** 2, rowvar=False)
    '''
    with pytest.raises(backgen.BackgenError, match=r"the argument y depends on a value that is differentiated") as info:
        backgen.generate(textwrap.dedent(source), name="f")
    assert "=n " not in str(info.value)
