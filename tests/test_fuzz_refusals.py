"""Random NumPy programs of the long fuzzer (``benchmarks/fuzz_long.py``) that backgen refused, or
failed on, though NumPy gives them a meaning backgen can follow: minimized by hand, each is now
right against central finite differences in float64 of ``sum(output * dout)``, with its shapes given
(at several of them) and, where backgen writes shape-free code for it, without."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_aliasing_more import assert_right, randn  # noqa: E402


# --- an inner loop's value made like an outer loop's (np.zeros_like(s)) -----------------------

ZEROS_LIKE_IN_INNER_LOOP = """
def f(X):
    s = X * 2.0
    for row in X:
        s = s * 0.5 + row
        for i in range(2):
            a = np.zeros_like(s)
            a *= s
            b = np.exp(X)
    return a + s
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 1), (1, 3)])
def test_an_inner_loop_reading_only_the_shape_of_an_outer_loop_value_replays_it(shape):
    # the outer loop kept only s's shape, for the zeros of its adjoint; the inner loop's replay
    # a = np.zeros_like(s) read s itself, which the backward never had (NameError)
    assert_right(ZEROS_LIKE_IN_INNER_LOOP, [randn(*shape)])


# --- a fancy write by integer arrays of a value sharing the array's memory ----------------------

FANCY_WRITE_OF_ITSELF = """
def f(X, w):
    X = X * w
    X[[2, 0, 2]] = X[::-1][:3] * 1.0 + X[:3]
    a = X[:, ::-1]
    a[np.arange(2), 0] = a[1, :2]
    return np.sin(X) * w, a
"""


@pytest.mark.parametrize("rows, columns", [(3, 4), (4, 2), (5, 3)])
def test_a_fancy_write_by_integer_arrays_reads_the_value_as_it_was(rows, columns):
    # NumPy copies a value that may share the array's memory before a write by integer arrays (not
    # one by a mask): the staged write, reading the value before it, is NumPy's meaning
    assert_right(FANCY_WRITE_OF_ITSELF, [randn(rows, columns), randn(columns, seed=5)])


def test_a_fancy_write_of_an_array_into_itself_in_place():
    assert_right("""
def f(W):
    W = W + 0.0
    W[[0, 0]] = W[:2]
    return W * W
""", [randn(2, 3)])


# --- a value set after an early return, read on that path alone ----------------------------------

EARLY_RETURN = """
def f(s, v):
    if np.prod(v) < -0.3:
        return np.expm1(v), np.add(v, v)
    s *= v * v
    return np.min(v, axis=0, keepdims=True), s
"""


@pytest.mark.parametrize("v", [[0.5, -0.4, 0.9], [0.5, 0.4, 0.9], [-1.5, 0.8, 2.0]])
def test_a_name_changing_shape_after_an_early_return_is_not_merged_with_the_returning_path(v):
    # long fuzzer seed 183, program 24: the rest of the function moved into the if's else by the
    # rewrite of the early return was taken for code after the if, so s (a number on the returning
    # path, (3,) on the other) was merged there and refused for its two shapes, though nothing reads it
    assert_right(EARLY_RETURN, [0.7, np.array(v)])


# --- a loop's first iteration written out, its body holding a continue ---------------------------

GROWS_THEN_CONTINUES = """
def f(X, W):
    h = W[0]
    for i in range(3):
        h = h * 0.5 + W
        if np.sum(h) > 0.0:
            continue
        h = h + X * X
    return h
"""


@pytest.mark.parametrize("seed, offset", [(1, -1.0), (2, 1.0), (3, 0.3), (4, -0.2)])
def test_a_loop_whose_first_iteration_grows_a_value_is_peeled_though_its_body_continues(seed, offset):
    # long fuzzer seed 183, program 88 (minimized alike): h grows from W[0]'s shape to W's in the first
    # iteration only; peeling that iteration was refused for the continue in the body (the offsets make
    # the first iteration continue, or not, and the later ones either way)
    assert_right(GROWS_THEN_CONTINUES, [randn(3, 4, seed=seed), randn(3, 4, seed=seed + 10) + offset])
