"""Loops found wrong, crashing or refused by a random generator of loop-heavy programs: each
program now right (checked against central finite differences in float64) or refused clearly."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences


def assert_right(source, args, shapes=None):
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace["f"]
    text = backgen.generate(source, name="f", shapes=shapes)
    assert text == backgen.generate(source, name="f", shapes=shapes)  # deterministic
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    out = func(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 1.0
    got = generated["f_backward"](*[a.copy() if isinstance(a, np.ndarray) else a for a in args], dout)
    got = got if len(args) > 1 else (got,)
    fresh = lambda *values: func(*[v.copy() if isinstance(v, np.ndarray) else v for v in values])  # noqa: E731
    want = finite_differences(fresh, list(args), range(len(args)), (dout,))
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    return text


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
