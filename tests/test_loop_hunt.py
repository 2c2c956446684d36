"""Loops found wrong, crashing or refused by a random generator of loop-heavy programs: each
program now right (checked against central finite differences in float64) or refused clearly."""

import math
import textwrap
import warnings

import numpy as np
import pytest

import backgen
from numeric import finite_differences
from test_loop_carried import assert_right


X43 = np.array([[0.3, -0.2, 0.5], [0.4, 0.6, -0.1], [-0.3, 0.2, 0.8], [0.1, 0.9, 0.2]])
W32 = np.array([[0.3, -0.2], [0.5, 0.4], [0.6, -0.1]])


@pytest.mark.parametrize("update", ["acc = acc + a", "acc += a"])
def test_early_return_in_a_loop_over_rows_whose_value_changes_shape(update):
    # acc is a number as the loop starts and a row after its first iteration: that iteration is
    # written out under the test that the loop runs, which X's annotated shape decides (the return
    # read after the loop then has its value on every path that reaches it)
    src = f"""
    def f(X: "4, 3"):
        acc = 0.0
        for a in X:
            if np.sum(acc * acc) > 0.5:
                return np.sum(acc * acc)
            {update}
        return np.sum(acc)
    """
    assert_right(src, [X43.copy()])


def test_early_return_in_a_zip_loop_whose_value_changes_shape():
    # zip(X, W.T): the sequence bound first (seq = W.T), its length then known from W's annotation
    src = """
    def f(X: "4, 3", W: "3, 2"):
        acc = 0.0
        for a, b in zip(X, W.T):
            if np.sum(acc * acc) > 0.5:
                return np.sum(acc * acc)
            acc = acc + np.maximum(a, 0.0) * b[0]
        return np.sum(np.tanh(acc))
    """
    assert_right(src, [X43.copy(), W32.copy()])


V3 = np.array([0.3, -0.7, 0.2])


@pytest.mark.parametrize("threshold", ["0.5", "-5.0", "5.0"])
def test_none_started_accumulator_in_a_loop_that_breaks(threshold):
    # acc is None in the first iteration only: a break leaves the loop, so every iteration after the
    # first (written out) starts with acc holding a value, and each `acc is None` is decided
    src = f"""
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X:
            if acc is None:
                acc = row * v
            else:
                acc = acc + row * v
            if np.sum(acc) > {threshold}:
                break
        return np.sum(acc * acc)
    """
    assert_right(src, [X43.copy(), V3.copy()])


@pytest.mark.parametrize("threshold", ["0.5", "-5.0", "5.0"])
def test_none_started_value_in_a_while_and_a_nested_break(threshold):
    src = f"""
    def f(X: "4, 3", v: "3"):
        acc = None
        k = 0
        while k < 4:
            row = X[k]
            k += 1
            acc = row * v if acc is None else np.tanh(acc) + row
            if np.sum(acc) > {threshold}:
                break
        return np.sum(acc * acc)
    """
    assert_right(src, [X43.copy(), V3.copy()])
    src = f"""
    def f(X: "4, 3", v: "3"):
        best = None
        total = 0.0
        for i in range(4):
            row = X[i]
            if best is None:
                best = row
            elif np.sum(row) > np.sum(best):
                best = row * 1.0
                if np.max(row) > {threshold}:
                    break
            total = total + np.sum(best * v)
        return total + np.sum(best * best)
    """
    assert_right(src, [X43.copy(), V3.copy()])


def test_none_started_accumulator_in_a_loop_that_continues_is_refused():
    # a continue before the test: acc may still be None in any later iteration
    src = """
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X:
            if np.sum(row) < 0.0:
                continue
            if acc is None:
                acc = row * v
            else:
                acc = acc + row * v
        return np.sum(acc * acc)
    """
    with pytest.raises(backgen.BackgenError, match="is None as this loop starts"):
        backgen.generate(textwrap.dedent(src), name="f")


def test_none_started_value_given_an_annotated_parameter():
    # acc = s, s: float: a value, never None (as an annotated array is)
    src = """
    def f(X: "4, 3", v: "3", s: float):
        acc = None
        for row in X:
            if acc is None:
                acc = s
            else:
                acc = acc + s * np.sum(row * v)
            if np.sum(row) > -0.2:
                break
        best = None
        for i in range(X.shape[0]):
            best = v if best is None else best * 0.5 + X[i]
        return acc * acc + np.sum(best * best)
    """
    assert_right(src, [X43.copy(), V3.copy(), 0.4])


@pytest.mark.parametrize("iterated", ["X * s", "np.tanh(X)", "X[::-1] + v"])
def test_none_started_accumulator_over_an_expression(iterated):
    # the loop iterates an expression, not a name: computed once before its first iteration, written out
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        best = None
        for row in {iterated}:
            if best is None:
                best = row
            else:
                best = best * 0.5 + row * v
        for row in X:
            if np.max(row) > 0.7:
                return np.sum(row * row)
        return np.sum(best * best)
    """
    assert_right(src, [X43.copy(), V3.copy(), 0.4])


def test_loop_over_a_mask_is_not_taken_to_run():
    # X[X[:, 0] >= 0.0] may have no rows: the annotated shape of X does not say the loop runs (its first
    # iteration written out unguarded raised IndexError in the backward where no row passed)
    src = """
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X[X[:, 0] >= 0.0]:
            if acc is None:
                acc = row * v
            else:
                acc = acc + row * v
        return np.sum(v) if acc is None else np.sum(acc * acc)
    """
    with pytest.raises(backgen.BackgenError, match="is None as this loop starts"):
        backgen.generate(textwrap.dedent(src), name="f")


X43B = np.array([[0.3, -0.2, 0.45], [0.4, 0.65, -0.1], [-0.3, 0.2, 0.8], [0.1, 0.9, 0.2]])


@pytest.mark.parametrize("threshold", ["0.5", "0.85", "5.0", "-5.0"])
def test_for_else_and_while_else(threshold):
    # the else clause runs where the loop did not break: a flag set before each break, tested after
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = s
        for row in X:
            acc = acc * 0.5 + np.sum(row * v)
            if np.max(row) > {threshold}:
                break
        else:
            acc = acc * acc
        return acc * 2.0
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.4])
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        h = v * s
        k = 0
        while k < 4:
            h = np.tanh(h + X[k])
            k += 1
            if np.sum(h) > {threshold}:
                break
        else:
            h = h * v
        return np.sum(h * h)
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.4])
    # an inner loop's else that continues the outer loop, and a break of the inner loop only
    src = f"""
    def f(X: "4, 3", v: "3"):
        total = 0.0
        for row in X:
            for x in row:
                if x > {threshold}:
                    break
                total = total + x * x
            else:
                total = total * 0.5
                continue
            total = total + np.sum(row * v)
        else:
            total = total + 1.0
        return total
    """
    assert_right(src, [X43B.copy(), V3.copy()])


def test_for_else_without_a_break():
    # no break: the else clause always runs after the loop
    src = """
    def f(x, n):
        for i in range(n):
            x = x * 2.0
        else:
            x = x + 1.0
        return x * x
    """
    text = backgen.generate(textwrap.dedent(src), name="f", shapes={"x": (), "n": int})
    namespace = {"np": np, "math": math}
    exec(text, namespace)
    want = finite_differences(lambda x: (x * 2.0 ** 3 + 1.0) ** 2, [1.5], [0], (1.0,))[0]
    np.testing.assert_allclose(namespace["f_backward"](1.5, 3), want, rtol=1e-6)


@pytest.mark.parametrize("x", [0.7, 5.0])
def test_while_else_without_a_break(x):
    src = """
    def f(x):
        while x > 1:
            x = x / 2
        else:
            x = x * 3
        return x * x
    """
    text = backgen.generate(textwrap.dedent(src), name="f", shapes={"x": ()})
    namespace, forward = {"np": np, "math": math}, {"np": np, "math": math}
    exec(text, namespace)
    exec(textwrap.dedent(src), forward)
    want = finite_differences(forward["f"], [x], [0], (1.0,))[0]
    np.testing.assert_allclose(namespace["f_backward"](x), want, rtol=1e-6)


@pytest.mark.parametrize("threshold", ["0.55", "0.85", "5.0", "-5.0"])
def test_for_else_of_a_loop_written_out(threshold):
    # acc changes shape in the first iteration (0.0, then a row): that iteration is written out under
    # the test that the loop runs; the else clause's flag is read after all of it
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = 0.0
        for row in X * s:
            acc = acc * 0.5 + row * v
            if np.max(row) > {threshold} * s:
                break
        else:
            acc = acc * acc
        return np.sum(acc * 2.0)
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.8])
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = s
        for i, row in enumerate(np.tanh(X)):
            if np.max(row) > {threshold}:
                break
            acc = acc + row * v * i
        else:
            acc = acc - 1.0
        return np.sum(acc * acc)
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.8])


@pytest.mark.parametrize("threshold", ["0.55", "0.85", "5.0", "-5.0"])
def test_early_return_in_a_loop_over_an_expression_of_a_float(threshold):
    # for row in X * s (s: float): the rows' count is X's, whatever s holds, so the loop is known to run
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = 0.0
        for row in X * s:
            if np.sum(acc * acc) > {threshold}:
                return np.sum(acc * v)
            acc = acc + row
        return np.sum(acc)
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.8])


@pytest.mark.parametrize("threshold", ["0.35", "-5.0", "5.0"])
def test_none_started_accumulator_in_a_loop_that_continues_after_setting_it(threshold):
    # a continue after acc is given a value: the next iteration starts from that value too
    src = f"""
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X:
            if acc is None:
                acc = row * v
            else:
                acc = acc * 0.5 + row * v
            if np.sum(row) > {threshold}:
                continue
            acc = acc + row
        return np.sum(acc * acc)
    """
    assert_right(src, [X43B.copy(), V3.copy()])
    # a continue of a loop inside: what the inner loop leaves holds after it
    src = f"""
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X:
            acc = row * v if acc is None else acc + row
            for x in row:
                if x > {threshold}:
                    continue
                acc = acc * 0.9
        return np.sum(acc * acc)
    """
    assert_right(src, [X43B.copy(), V3.copy()])


def test_none_started_accumulator_skipped_by_an_inner_continue_is_refused():
    # the inner loop may set acc on no path: it may still be None after it
    src = """
    def f(X: "4, 3", v: "3"):
        acc = None
        for row in X:
            for x in row:
                if x > 0.35:
                    continue
                acc = v * x if acc is None else acc + v * x
            acc = row * v if acc is None else acc + row
        return np.sum(acc * acc)
    """
    with pytest.raises(backgen.BackgenError, match="is None as this loop starts"):
        backgen.generate(textwrap.dedent(src), name="f")


@pytest.mark.parametrize("threshold", ["0.55", "0.85", "5.0", "-5.0"])
def test_return_from_a_loop_inside_a_loop(threshold):
    # the inner loop's return: result and flag set, the inner loop left, then the outer one
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = s
        for row in X:
            for x in row:
                acc = acc * 0.5 + x * s
                if x > {threshold}:
                    return acc * 3.0
            acc = acc + np.sum(row * v)
        return acc * acc
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.4])
    src = f"""
    def f(X: "4, 3", v: "3"):
        h = v * 1.0
        k = 0
        while k < 4:
            for i in range(3):
                h = np.tanh(h + X[k] * X[k, i])
                if np.sum(h) > {threshold}:
                    return np.sum(h * h)
            k += 1
            if np.max(h) > 0.99:
                break
        return np.sum(h)
    """
    assert_right(src, [X43B.copy(), V3.copy()])
    # three deep, and a value that changes shape in the outer loop's first iteration
    src = f"""
    def f(X: "4, 3", v: "3"):
        total = 0.0
        for row in X:
            for x in row:
                for y in v:
                    total = total + x * y
                    if total > {threshold}:
                        return total * 2.0
        return total
    """
    assert_right(src, [X43B.copy(), V3.copy()])
    src = f"""
    def f(X: "4, 3", v: "3", s: float):
        acc = 0.0
        for row in X:
            acc = acc + row * v
            for x in row:
                if x > {threshold}:
                    return np.sum(acc * x)
        return np.sum(acc * acc)
    """
    assert_right(src, [X43B.copy(), V3.copy(), 0.4])


@pytest.mark.parametrize("x", [0.7, 3.0, 12.0])
def test_return_from_a_for_in_a_while(x):
    src = """
    def f(x):
        while x > 1.0:
            for i in range(2):
                if x > 5.0:
                    return x * x
            x = x * 0.5
        return x
    """
    text = backgen.generate(textwrap.dedent(src), name="f", shapes={"x": ()})
    namespace, forward = {"np": np, "math": math}, {"np": np, "math": math}
    exec(text, namespace)
    exec(textwrap.dedent(src), forward)
    want = finite_differences(forward["f"], [x], [0], (1.0,))[0]
    np.testing.assert_allclose(namespace["f_backward"](x), want, rtol=1e-6)


def test_unconditional_return_in_a_loop_inside_a_loop_is_refused():
    src = """
    def f(X: "4, 3", s: float):
        acc = s
        for row in X:
            for x in row:
                acc = acc + x
                return acc
        return acc * acc
    """
    with pytest.raises(backgen.BackgenError, match="return inside a loop is not supported"):
        backgen.generate(textwrap.dedent(src), name="f")


def test_loop_over_a_quotient_by_a_float_decided_without_warnings():
    # the rows' count of X / s is worked out at s = 0.0: no warning of NumPy's comes out of generating
    src = """
    def f(X: "4, 3", v: "3", s: float):
        acc = 0.0
        for row in X / s:
            if np.sum(acc * acc) > 0.5:
                return np.sum(acc * v)
            acc = acc + row
        return np.sum(acc)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        backgen.generate(textwrap.dedent(src), name="f")
    assert_right(src, [X43B.copy(), V3.copy(), 0.8])
