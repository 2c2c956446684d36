"""Writes through views and aliases that NumPy defines and backgen follows: ``op=`` on a slice of
an array in code written for any shape (the slice is an array, or NumPy raises), and ``op=`` on an
alias whose other name a layer's cache holds without reading it again.  Each accepted program is
checked against central finite differences in float64 of ``sum(output * dout)``; a program whose
meaning depends on what backgen cannot know is refused at the user's line."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient, weighted
from test_aliasing_more import assert_refused, assert_right, randn


# --- op= on a slice writes into the array, in code for any shape too --------------------------------

SLICE_OF_PARAMETER = """
def f(x, w):
    v = w[1:]
    v *= 1.5
    return x @ w
"""


@pytest.mark.parametrize("given_shapes", [True, False])
@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((3,), (3, 2)), ((1, 2), (2, 1))])
def test_op_assign_on_a_slice_of_a_parameter_writes_into_it(shapes, given_shapes):
    assert_right(SLICE_OF_PARAMETER, [randn(*shapes[0]), randn(*shapes[1], seed=3)], given_shapes=given_shapes)


SLICE_OF_COLUMNS = """
def f(x, w):
    y = w * 2.0
    v = y[:, 1:]
    v += x.sum()
    t = w[::2]
    t -= np.tanh(x[0])
    return x * w + y
"""


@pytest.mark.parametrize("given_shapes", [True, False])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (1, 2)])
def test_op_assign_on_slices_of_an_array_and_of_a_parameter(shape, given_shapes):
    assert_right(SLICE_OF_COLUMNS, [randn(*shape), randn(*shape, seed=4)], given_shapes=given_shapes)


def test_op_assign_on_an_index_without_a_slice_still_needs_the_shapes():
    # pos[0] is a row or a number (a copy, which += rebinds): code for any shape cannot tell
    source = """
    def f(pos):
        p = pos[0]
        p += 0.5
        return pos * 2.0
    """
    assert_refused(source, "'pos' may have been changed by the write into 'p'", 2)


# --- an alias written in place, its other name held by a layer's cache ------------------------------

def assert_layer_right(source, args, shapes):
    """The backward of the layer ``f`` (returning ``out, cache``) matches finite differences of
    ``sum(out * dout)`` at ``args``, and leaves the cache and dout alone."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    forward = namespace["f"]
    generated = {}
    exec(compile(backgen.generate(source, name="f", shapes=shapes), "<generated>", "exec"), generated)
    out, cache = forward(*[a.copy() for a in args])
    dout = np.random.default_rng(5).standard_normal(np.shape(out))
    got = generated["f_backward"](dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    objective = weighted(lambda *trial: forward(*[t.copy() for t in trial])[0], (dout,))
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(objective, [a.copy() for a in args], k), rtol=1e-5, atol=1e-6)


ALIAS_CACHED = """
def f(x, b):
    h = b
    h *= 2.0
    out = x * h
    cache = (x, b)
    return (out, cache)
"""

SLICE_ALIAS_CACHED = """
def f(x, b):
    y = b + 0.0
    h = y
    h -= np.tanh(x)
    out = x * h
    cache = (x, y)
    return (out, cache)
"""


@pytest.mark.parametrize("length", [4, 1])
def test_a_cached_name_of_an_array_written_in_place_through_an_alias_is_its_new_value(length):
    shapes = {"x": (length,), "b": (length,)}
    assert_layer_right(ALIAS_CACHED, [randn(length), randn(length, seed=2)], shapes)
    assert_layer_right(SLICE_ALIAS_CACHED, [randn(length), randn(length, seed=2)], shapes)
