"""Constants the staged code computes, written as the whole numbers they are (``ir.folded``)."""

import pytest

from backgen import ir


@pytest.mark.parametrize("text, want", [
    ("0 + 3", "3"),
    ("0 + int(np.prod((3, 4)))", "12"),
    ("0 + int(np.prod((3, 4))) + int(np.prod((4,)))", "16"),
    ("2 * 3 - 1", "5"),
    ("-(7 // 2)", "-3"),
    ("len((1, 4, 1)) % 2", "1"),
    ("max(2, 5) ** 2", "25"),
    ("abs(-4) + min(1, 2)", "5"),
])
def test_whole_number_arithmetic_is_folded(text, want):
    assert ir.folded(text) == want


@pytest.mark.parametrize("text", [
    "1 / 3",                     # a float: left as written
    "0.5 + 1",
    "np.prod(())",               # NumPy's 1.0, a float
    "np.random.randint(5)",      # a draw: no constant
    "N + 1",                     # a name
    "2 ** 100000",               # too large to be a size
    "7 // 0",                    # raises as the code runs
    "np.sum((1, 2))",            # not one of the functions folded
    "x[1:3]",
])
def test_anything_else_is_left_as_written(text):
    assert ir.folded(text) == text


def test_folded_bounds_make_a_slice_and_a_constant_array_index_still_adds_at_its_repeats():
    """``w[a:a + 2]`` of ``a = 0 + 3``: ``dw[3:5] = ...`` (it was ``np.add.at``); ``v[idx]`` of a constant
    ``idx = np.array([0, 0, 1])``, written into the index as it is, still adds twice at 0."""
    import numpy as np

    import backgen
    from numeric import finite_differences
    source = '''
import numpy as np

def f(v, w):
    idx = np.array([0, 0, 1])
    a = 0 + 3
    return np.sum(v[idx] ** 2) + np.sum(np.sin(w[a:a + 2]))
'''
    text = backgen.generate(source, name="f")
    assert "dw[3:5] = " in text and "np.add.at(dv, np.array([0, 0, 1]), dsel)" in text
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(text, generated)
    args = [np.array([1.0, 2.0, 3.0]), np.linspace(0.1, 0.6, 6)]
    got = generated["f_backward"](*args)
    want = finite_differences(namespace["f"], args, range(2), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-7, atol=1e-9)
