"""A list made of constants repeated (``hs = [None] * T``) holds the arrays put into it, as Python's
list does: ``hs[t] = h`` makes ``hs[t]`` the array ``h`` is, so an in-place write into ``h`` (``h += w``)
or into an item another item is (``hs[2] = hs[0]; hs[2] += w``) changes both.  backgen took such a list
for an array, into which ``hs[t] = h`` copies, and gave the gradient of the copies: wrong.  Such writes
are refused now; a list filled and read without them is differentiated, checked against central
finite differences in float64.  Without shapes, a list of numbers that a loop fills with arrays, whose
items op= then writes into, is refused: the shapes decide whether op= writes or rebinds."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences

RNG = np.random.RandomState(4)
X, W = RNG.randn(4), RNG.randn(4)
SHAPES = {"x": "4", "w": "4"}

REFUSED = {
    "op= on a name the list holds": """
        def f(x, w):
            hs = [None] * 3
            h = x * 1.0
            for t in range(3):
                hs[t] = h
                h += w
            return np.sum(np.stack(hs) ** 2)
        """,
    "op= after the loop": """
        def f(x, w):
            hs = [None] * 3
            h = x
            for t in range(3):
                h = np.tanh(h * w)
                hs[t] = h
            h += w
            return np.sum(np.stack(hs) ** 2)
        """,
    "items swapped, one added to": """
        def f(x, w):
            hs = [None] * 3
            for t in range(3):
                hs[t] = x * (t + 1.0) + w
            hs[0], hs[2] = hs[2], hs[0]
            hs[0] += w
            return np.sum(np.stack(hs) * np.arange(3.0)[:, None])
        """,
    "an item made another, added to": """
        def f(x, w):
            hs = [None] * 3
            for t in range(3):
                hs[t] = x * (t + 1.0)
            hs[2] = hs[0]
            hs[2] += w
            return np.sum(np.stack(hs) * np.arange(1.0, 4.0)[:, None])
        """,
}

RIGHT = {
    "steps stored": """
        def f(x, w):
            hs = [None] * 3
            h = x
            for t in range(3):
                h = np.tanh(h * w)
                hs[t] = h
            return np.sum(np.stack(hs) ** 2)
        """,
    "a new array each step": """
        def f(x, w):
            hs = [None] * 3
            h = x * 1.0
            for t in range(3):
                hs[t] = h
                h = h * w
                h += 1.0
            return np.sum(np.stack(hs) ** 2)
        """,
    "summed": """
        def f(x, w):
            hs = [None] * 3
            for i in range(3):
                hs[i] = x * (i + 1.0) + w
            return np.sum(sum(hs) ** 2)
        """,
    "an item replaced, then summed": """
        def f(x, w):
            hs = [None] * 3
            for i in range(3):
                hs[i] = x * (i + 1.0) + w
            hs[1] = hs[1] * w
            return np.sum(sum(hs) ** 2)
        """,
    "an item added to": """
        def f(x, w):
            hs = [None] * 3
            for t in range(3):
                hs[t] = x * (t + 1.0)
            hs[1] += w
            hs[1] *= w
            return np.sum(np.stack(hs) ** 2)
        """,
}


def _source(body):
    return "import numpy as np\n" + textwrap.dedent(body)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_write_into_an_array_a_list_of_constants_holds_is_refused(name):
    with pytest.raises(backgen.BackgenError, match="may have been changed by the write into"):
        backgen.generate(_source(REFUSED[name]), shapes=SHAPES)


@pytest.mark.parametrize("name, shapes", [(name, SHAPES) for name in sorted(RIGHT)] + [
    ("summed", None), ("an item replaced, then summed", None)])  # (the others without shapes: code for numbers)
def test_a_list_of_constants_filled_with_arrays_is_differentiated(name, shapes):
    # (summed: the gradient of an item written over, None before, was 0.0 * None; its first write, the
    # loop's first iteration written out, was undone as a write into an array, reading the list's .shape)
    source = _source(RIGHT[name])
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes=shapes), generated)
    got = generated["f_backward"](X.copy(), W.copy(), 1.0)
    want = finite_differences(lambda a, b: namespace["f"](a.copy(), b.copy()), [X, W], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_without_shapes_a_list_of_numbers_a_loop_fills_with_arrays_written_into_by_op_is_refused():
    # (the items op= writes into are arrays where x and w are: the code, written at numbers, where op=
    # rebinds them, said it was for arrays too, and left the writes out)
    source = _source("""
        def f(x, w):
            hs = [0.0, 0.0, 0.0]
            for t in range(3):
                hs[t] = x * (t + 1.0) + w
            for h in hs:
                h *= 2.0
            return np.sum(np.stack(hs) ** 2)
        """)
    with pytest.raises(backgen.BackgenError, match="a loop puts arrays into a list of numbers"):
        backgen.generate(source)
