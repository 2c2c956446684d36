"""Passes that rename a value or put another expression in place of a part of a line (a size computed
twice read as the first, a shape read as the tuple of its sizes, a carried value's last version) find
the parts by the line's tree, and keep the rest of the line as written.  A renaming by matching text
took the keyword ``repeats=`` of ``np.repeat`` for the value named ``repeats`` and wrote ``a=a``: the
backward raised.  Each is checked against central finite differences in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen import source as trees
from test_never_wrong import assert_right


X = np.linspace(-0.9, 1.3, 12).reshape(3, 4)


def test_a_size_computed_twice_is_read_as_the_first_but_a_keyword_spelt_alike_stays():
    source = '''
    import numpy as np
    def f(x: "3, 4", k: int = 1):
        a = k * 2
        repeats = k * 2
        y = np.repeat(x, repeats=repeats, axis=0) * a
        return np.sin(y)
    '''
    assert_right(source, [X], dout=np.linspace(-1.0, 1.5, 24).reshape(6, 4), settings={"k": 1})
    text = backgen.generate(textwrap.dedent(source))
    assert "repeats=a" in text and "repeats = " not in text  # (the second size left out, read as the first)


def test_a_size_computed_twice_in_a_string_and_an_attribute_stays():
    assert_right('''
    import numpy as np
    def f(x: "3, 4", k: int = 2):
        T = k + 1
        n = k + 1
        y = np.einsum('ij->ji', x) * T
        return np.tanh(y.T * n)
    ''', [X], dout=np.linspace(-1.0, 1.5, 12).reshape(3, 4), settings={"k": 2})


@pytest.mark.parametrize("text, name", [("dout", "dout"), ("-dout", "dout"), ("-(dout)", "dout"), ("- -dh2", "dh2"),
                                        ("dh - 2", None), ("(d)(h2)", None), ("dout[0]", None), ("d-out", None)])
def test_the_name_an_expression_is_negated_or_not_is_read_from_its_tree(text, name):
    # (spaces, minus signs and parentheses taken out of the text made "dh - 2" the name dh2)
    assert trees.signed_name(text) == name


@pytest.mark.parametrize("text, names", [("dx = dout[0] * w", {"dout"}), ("dx = dout.T @ w", {"dout"}),
                                         ("dx = w * dout", set()), ("dx = x.dout", {"x"}),
                                         ("for t in reversed(range(dout.shape[0])):", {"dout"})])
def test_names_read_as_arrays_are_those_indexed_or_given_an_attribute(text, names):
    assert trees.read_as_arrays(text) == names


@pytest.mark.parametrize("header, targets, ranged", [
    ("for t in range(T):", ("t",), ("t", "T")), ("for t in reversed(range(x.shape[0])):", ("t",), ("t", "x.shape[0]")),
    ("for i, (a, b) in enumerate(pairs):", ("i", "a", "b"), None), ("for t in range(1, T):", ("t",), None),
    ("for t in range(min(a, b)):", ("t",), ("t", "min(a, b)")), ("if x > 0:", None, None), ("else:", None, None)])
def test_loop_headers_are_read_by_their_trees(header, targets, ranged):
    # (a regular expression read `for i, (a, b) in` as the names i, (a and b)
    found = trees.for_header(header)
    assert (found[0] if found else None) == targets
    assert trees.range_loop(header) == ranged


@pytest.mark.parametrize("text, names", [("range(len(W))", {"range"}), ("range(x.shape[i])", {"range", "i"}),
                                         ("W[0] * np.shape(x)[1]", {"W"}), ("zip(xs, ys)", {"zip", "xs", "ys"})])
def test_the_names_read_past_their_sizes_are_read_by_the_tree(text, names):
    # (a regular expression put 0 in place of the sizes in the text, then read the names left)
    assert trees.names_past_sizes(text) == names
