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


def test_op_assign_on_an_index_without_a_slice_is_written_for_a_vector_without_shapes():
    # pos[0] is a row or a number (a copy, which += rebinds): code for any shape cannot tell
    source = """
    def f(pos):
        p = pos[0]
        p += 0.5
        return pos * 2.0
    """
    # without shapes, refused at arrays of rank 2 and more: the code for a vector checks it is given one
    generated = {}
    exec(backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f"), generated)
    np.testing.assert_allclose(generated["f_backward"](np.ones(3), np.full(3, 0.5)), np.ones(3))
    with pytest.raises(TypeError, match="written for pos as a list or vector"):
        generated["f_backward"](np.ones((2, 3)), np.ones((2, 3)))


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


def test_a_cached_name_an_alias_wrote_into_is_left_unread_in_code_for_any_shape():
    # without shapes h may be a number, which out *= 1.5 rebinds: the entry h is left unread, as the
    # backward needs it not (x and w serve)
    source = """
    def f(x, w):
        h = x.dot(w)
        out = h
        out *= 1.5
        cache = (x, w, h)
        return out, cache
    """
    assert_layer_right(source, [randn(2, 3), randn(3, 4, seed=2)], None)


@pytest.mark.parametrize("length", [4, 1])
def test_a_cached_name_of_an_array_written_in_place_through_an_alias_is_its_new_value(length):
    shapes = {"x": (length,), "b": (length,)}
    assert_layer_right(ALIAS_CACHED, [randn(length), randn(length, seed=2)], shapes)
    assert_layer_right(SLICE_ALIAS_CACHED, [randn(length), randn(length, seed=2)], shapes)


# --- a write into a view no name holds: the view named, followed as a named one is -----------------

UNNAMED_VIEWS = """
def f(b, v):
    c = b * 1.0
    c.T.T[0] = v
    c[0:2][:, 1] += np.tanh(v[:2])
    c.T[-1] *= b[0, 0]
    return c * b
"""


@pytest.mark.parametrize("given_shapes", [True, False])
@pytest.mark.parametrize("shape", [(3, 4), (2, 2), (4, 3)])
def test_writes_into_views_no_name_holds_reach_the_array(shape, given_shapes):
    assert_right(UNNAMED_VIEWS, [randn(*shape), randn(shape[1], seed=5)], given_shapes=given_shapes)


UNNAMED_IN_LOOP = """
def f(x, v):
    y = x * 1.0
    for i in range(2):
        y.T[i] += v[i] * y[0, i]
    z = x * 2.0
    for i in range(2):
        t = z[::-1]
        t[i] -= np.sin(v)
    return y * x + z
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 2)])
def test_a_view_taken_and_written_in_each_iteration_writes_into_the_array_the_loop_carries(shape):
    assert_right(UNNAMED_IN_LOOP, [randn(*shape), randn(shape[1], seed=6)])


def test_a_part_of_an_advanced_index_written_is_a_copy_nothing_sees():
    source = """
    def f(y, v):
        z = y * 2.0
        z[[0, 1]][0] = v
        return z * y
    """
    assert_right(source, [randn(3, 4), randn(4, seed=2)])


def test_the_previous_iteration_s_array_kept_under_another_name_is_still_refused():
    source = """
    def f(x, v):
        w = x * 1.0
        y = x * 2.0
        for k in range(3):
            w[0] = v * y[1]
            w = y
        return w * y
    """
    assert_refused(source, "kept under another name", 6, shapes={"x": (3, 4), "v": (4,)})


# --- a flip is its own inverse: a write through it is written back --------------------------------

FLIPS = """
def f(z, v):
    y = z * 1.0
    w = np.flip(y, axis=0)
    w[0] = v
    np.flip(y)[-1] += np.cos(v)
    u = np.fliplr(y)
    y[:, 0] *= 2.0
    return y * z, u * u
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 3), (1, 2)])
def test_writes_through_a_flip_and_into_the_array_a_flip_was_taken_from(shape):
    assert_right(FLIPS, [randn(*shape), randn(shape[1], seed=8)])


def test_a_view_no_name_holds_is_spelled_as_written_in_a_refusal():
    # without shapes y may be a number, of which np.flip makes a new array: the write is then lost
    with pytest.raises(backgen.BackgenError, match=r"y_view is np\.flip\(y\), the view line 6 writes into"):
        backgen.generate(textwrap.dedent(FLIPS), name="f")


# --- a ravel is C-contiguous: a reshape of it is a view; one of an array of unknown order is refused --

RAVEL_RESHAPED = """
def f(x):
    y = x * 2.0
    flat = y.ravel()
    v = flat.reshape(2, -1)
    v[1] *= np.tanh(flat[:v.shape[1]])
    return flat * x.ravel()
"""


@pytest.mark.parametrize("shape", [(3, 4), (2, 2), (1, 6)])
def test_a_reshape_of_a_ravel_is_a_view_and_its_write_reaches_the_ravel(shape):
    assert_right(RAVEL_RESHAPED, [randn(*shape)])


@pytest.mark.parametrize("view, why", [
    ("y.ravel()", "the ravel on line 4 gives a view of 'y' only where it is C-contiguous in memory"),
    ("y.reshape(-1)", "the reshape on line 4 gives a view of 'y' only where it is C-contiguous in memory"),
    ("np.einsum('ij->ji', y)", "the einsum on line 4 is a view of 'y', which backgen does not write back through"),
])
def test_a_write_through_a_view_backgen_cannot_follow_names_that_view_and_its_line(view, why):
    # (y of x.T: in Fortran order where x is C-contiguous; of y = x * 2.0 the code is written for x
    # C-contiguous, which it checks: tests/test_layout_checked.py)
    source = f"""
    def f(x):
        y = x.T * 2.0
        v = {view}
        v[0] = 1.0
        return y * x.T
    """
    assert_refused(source, "'y' may have been changed by the write into 'v' on line 5, which backgen does not "
                   "follow: " + why.replace("(", r"\(").replace(")", r"\)"), 6, shapes={"x": (4, 3)})


# --- a write through a flat iterator writes the array's elements in C order, whatever its order --------

FLAT_WRITES = """
def f(K, v):
    L = K * 1.0
    A = L.T
    n = L.shape[0]
    L.flat[::n + 1] += v
    for i in range(2):
        A.flat[i] = v[i] * A[0, 0]
    return L * K
"""


@pytest.mark.parametrize("given_shapes", [True, False])
@pytest.mark.parametrize("n", [3, 2])
def test_writes_through_flat_reach_the_array_and_the_names_sharing_it(n, given_shapes):
    assert_right(FLAT_WRITES, [randn(n, n), randn(n, seed=9)], given_shapes=given_shapes)
