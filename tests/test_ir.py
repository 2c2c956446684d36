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
