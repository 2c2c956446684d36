"""Data holding nan that the code leaves out (a nan function, np.nan_to_num, an np.where or a selection
testing for nan), reached through products that sum over an axis, reductions along axes, elementwise
operations read by a reduction, helpers and loops: every gradient central differences give, by the three
ways in (generate without shapes, with shapes, the decorator).  The nan entries' own gradient is 0 (moving
a missing entry changes nothing) and every other entry's is finite: the chain rule's ``0 * nan`` is kept
out (``backgen/nan_data.py``)."""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, generated_backward, imported, shapes_of


def _with_nans(shape, seed):
    """Values in [0.5, 1.5], about a quarter of them missing (nan)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random(shape) < 0.75, rng.uniform(0.5, 1.5, shape), np.nan)


_RNG = np.random.default_rng(0)
X = _with_nans((5, 3), 0)
W, w, b = _RNG.standard_normal((3, 2)), _RNG.standard_normal(3), _RNG.standard_normal(2)
a, v = _RNG.standard_normal(4), _with_nans((3,), 4)
R = _with_nans((5, 4), 7)
U, V = _RNG.standard_normal((5, 2)), _RNG.standard_normal((4, 2))


def assert_right(source, args, wrt):
    source = "import numpy as np\n\n" + textwrap.dedent(source)
    func = imported(source, "nan_data")["f"]
    params = list(inspect.signature(func).parameters)
    with np.errstate(all="ignore"):
        out = func(*fresh_args(args))
        assert np.all(np.isfinite(out)), "the case needs a finite output"
        dout = np.random.default_rng(3).standard_normal(np.shape(out)) if np.ndim(out) else 1.3
        want = finite_differences(lambda *values: func(*fresh_args(values)), list(args),
                                  [params.index(n) for n in wrt], (dout,))
    assert all(np.all(np.isfinite(g)) for g in want)
    for shapes in (None, shapes_of(func, args)):
        got = generated_backward(source, args, "f", shapes, tuple(wrt), dout)
        for g, want_g in zip(got if len(wrt) > 1 else (got,), want):
            assert_close(np.asarray(g, dtype=float), want_g, rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=tuple(wrt)).backward(*fresh_args(args), dout=dout)
    for g, want_g in zip(got if len(wrt) > 1 else (got,), want):
        assert_close(np.asarray(g, dtype=float), want_g, rtol=1e-5, atol=1e-6)


CASES = {
    "a matrix product squared": ("def f(X, W):\n    return np.nansum((X @ W) ** 2)\n", (X, W), "XW"),
    "a layer's mean": ("def f(X, W, b):\n    return np.nanmean(np.tanh(X @ W + b))\n", (X, W, b), "XWb"),
    "np.dot with a vector": ("def f(X, w):\n    return np.nanmean(np.dot(X, w) ** 2)\n", (X, w), "Xw"),
    "np.einsum": ("def f(X, w):\n    return np.nansum(np.einsum('ij,j->i', X, w) ** 2)\n", (X, w), "Xw"),
    "np.outer": ("def f(a, v):\n    return np.nansum(np.outer(a, v) ** 2)\n", (a, v), "av"),
    "row norms": ("def f(X, w):\n    return np.nansum(np.linalg.norm(X * w, axis=1))\n", (X, w), "Xw"),
    "row sums of a product": ("def f(X, w):\n    return np.nanmean(np.sum(X * w, axis=1) ** 2)\n", (X, w), "Xw"),
    "row means": ("def f(X, w):\n    return np.nansum(np.mean(X * w, axis=1) ** 2)\n", (X, w), "Xw"),
    "row maxima": ("def f(X, w):\n    return np.nansum(np.max(X * w, axis=1))\n", (X, w), "Xw"),
    "row products": ("def f(X, w):\n    return np.nansum(np.prod(X * w, axis=1))\n", (X, w), "Xw"),
    "row variances": ("def f(X, w):\n    return np.nansum(np.var(X * w, axis=1))\n", (X, w), "Xw"),
    "cumulative sums": ("def f(X, w):\n    return np.nansum(np.cumsum(X * w, axis=1) ** 2)\n", (X, w), "Xw"),
    "a log-sum-exp written out": (
        "def f(X, w):\n    return np.nansum(np.log(np.sum(np.exp(X * w), axis=1)))\n", (X, w), "Xw"),
    "a softmax's rows": (
        "def f(X, w):\n    z = X * w\n    e = np.exp(z - np.nanmax(z, axis=1, keepdims=True))\n"
        "    return np.nansum(e / np.sum(e, axis=1, keepdims=True))\n", (X, w), "w"),
    "np.where of the data, then a product": (
        "def f(X, W):\n    return np.nansum(np.where(X > 1.0, X, 0.1 * X) @ W)\n", (X, W), "XW"),
    "np.nanmax of a product": ("def f(X, W):\n    return np.nanmax(X @ W)\n", (X, W), "XW"),
    "np.nanmean along an axis": ("def f(X, W):\n    return np.sum(np.nanmean(X @ W, axis=0) ** 2)\n", (X, W), "XW"),
    "np.nan_to_num of a product": ("def f(X, W):\n    return np.sum(np.nan_to_num(X @ W) ** 2)\n", (X, W), "XW"),
    "np.where testing for nan": (
        "def f(X, W):\n    Z = X @ W\n    return np.sum(np.where(np.isnan(Z), 0.0, Z) ** 2)\n", (X, W), "XW"),
    "a mask of the observed ratings in np.where": (
        "def f(R, U, V):\n    mask = ~np.isnan(R)\n    return np.sum(np.where(mask, (R - U @ V.T) ** 2, 0.0))\n",
        (R, U, V), "UV"),
    "the observed entries selected": (
        "def f(R, U, V):\n    D = R - U @ V.T\n    return np.mean(D[~np.isnan(D)] ** 2)\n", (R, U, V), "UV"),
    "a two-layer network": (
        "def f(X, W, b):\n    h = np.maximum(X @ W + b, 0.0)\n    return np.nanmean((h @ b) ** 2)\n",
        (X, W, b), "XWb"),
    "a helper's product": (
        "def lin(X, W):\n    return X @ W\n\n\ndef f(X, W):\n    return np.nansum(lin(X, W) ** 2)\n", (X, W), "XW"),
    "rows in a loop": (
        "def f(X, W):\n    total = 0.0\n    for i in range(X.shape[0]):\n"
        "        total = total + np.nansum((X[i] @ W) ** 2)\n    return total\n", (X, W), "XW"),
    "a recurrence over rows": (
        "def f(X, W):\n    h = np.zeros(2)\n    for t in range(X.shape[0]):\n"
        "        h = np.tanh(X[t] @ W + 0.5 * h)\n    return np.nansum(h * h)\n", (X, W), "W"),
    "a moving average over rows": (
        "def f(X, w):\n    m = np.zeros(3)\n    for t in range(X.shape[0]):\n"
        "        m = 0.9 * m + 0.1 * np.tanh(X[t] * w)\n    return np.nansum(m ** 2)\n", (X, w), "Xw"),
    "a while loop over rows": (
        "def f(X, W):\n    i = 0\n    acc = 0.0\n    while i < X.shape[0]:\n"
        "        acc += np.nansum(np.sin(X[i] @ W))\n        i += 1\n    return acc\n", (X, W), "XW"),
    "products on two paths of an if": (
        "def f(X, W, k):\n    if k > 0:\n        z = X @ W\n    else:\n        z = X @ (2.0 * W)\n"
        "    return np.nansum(np.tanh(z) ** 2)\n", (X, W, 1.0), "XW"),
    "elementwise values on two paths of an if": (
        "def f(X, w, k):\n    if k > 0:\n        z = np.tanh(X * w)\n    else:\n        z = np.sin(X * w)\n"
        "    return np.nansum(np.sum(z, axis=1) ** 2)\n", (X, w, -1.0), "Xw"),
    "np.nanvar of a product": ("def f(X, W):\n    return np.nanvar(X @ W)\n", (X, W), "XW"),
    "a helper leaving out its parameter's nans": (
        "def col_means(a):\n    return np.nanmean(a, axis=0)\n\n\ndef f(X, W):\n"
        "    return np.sum(col_means(np.tanh(X @ W)) ** 2)\n", (X, W), "XW"),
    "a value a loop over rows carries": (
        "def f(X, w):\n    h = w * 1.0\n    for row in X.T:\n        h = np.tanh(h * row)\n"
        "    return np.nansum(h)\n", (X, _RNG.standard_normal(5)), "Xw"),
    "a column's maximum subtracted": (
        "def f(X, w):\n    Z = X * w\n    return np.nansum(Z - np.max(Z, axis=0, keepdims=True))\n", (X, w), "Xw"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_nan_entries_left_out_give_the_gradient_of_the_other_entries(name):
    source, args, wrt = CASES[name]
    assert_right(source, args, list(wrt))


def test_a_product_of_parameters_without_nan_functions_is_written_as_before():
    """Nothing tests for nan: no operand read with its nans as 0, no guard."""
    text = backgen.generate("import numpy as np\n\ndef f(X, W):\n    return np.sum((X @ W) ** 2)\n",
                            shapes={"X": "5, 3", "W": "3, 2"})
    assert "nan_to_num" not in text and "isfinite" not in text
    assert "dW = X.T @ dXdot" in text


def test_the_matrix_product_reads_its_operands_with_nan_as_zero():
    text = backgen.generate("import numpy as np\n\ndef f(X, W):\n    return np.nansum((X @ W) ** 2)\n",
                            shapes={"X": "5, 3", "W": "3, 2"})
    assert "dW = np.nan_to_num(X).T @ dXdot" in text
