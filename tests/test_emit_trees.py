"""emit changes lines of generated code as trees, never as text, and prints them as a person writes.

The module's numbers (``G = 6.674e-11``) and the constant arrays a function names
(``w = np.array([0.2, 0.3])``) are put into lines by changing each line's tree and printing it
again; the text of a string, an attribute, a keyword or a longer name stays as it is.  Each case
checks the text and the gradient against central differences.
"""

import ast
import textwrap

import numpy as np
import pytest

import backgen
from backgen import api, emit, source
from numeric import gradient


def run(text, name, args):
    generated = {}
    exec(text, generated)
    return generated[f"{name}_backward"](*args)


def two_files(one, two):
    """The module written for f() of the source ``one`` and g() of ``two``, and their namespaces."""
    programs = [api.backward_program(one, name="f"), api.backward_program(two, name="g")]
    namespaces = [{}, {}]
    exec(one, namespaces[0])
    exec(two, namespaces[1])
    return emit.module_source(programs, source_name="two files"), namespaces


def test_a_negated_name_or_number_times_the_gradient_reads_without_parentheses():
    # dprod = (-G) * dnum and dm1 += (-2.0) * dprod2: a person writes -G * dnum; -(x ** 2) keeps its own
    source_text = textwrap.dedent('''
        G = 6.674e-11
        def f(m1, m2, r):
            prod = m1 * m2
            return -G * prod / r + (-2.0) * m1 + -(r ** 2) * m2
    ''')
    text = backgen.generate(source_text)
    code = [line.split("#")[0] for line in text.splitlines()]
    assert any("= -G * d" in line for line in code) and any("= -2.0 * d" in line for line in code), text
    assert not any("(-G)" in line or "(-2.0)" in line for line in code), text
    namespace = {}
    exec(source_text, namespace)
    args = [1.5, -0.5, 2.0]
    got = run(text, "f", args)
    assert got == pytest.approx(tuple(gradient(namespace["f"], args, k) for k in range(3)), rel=1e-6)


@pytest.mark.parametrize("text, value", [
    ("2", 2), ("-1.5", -1.5), ("+3", 3), ("- -2", 2), ("1e-8", 1e-8), ("True", None), ("'a'", None),
    ("x", None), ("-x", None), ("1.0 / 4", None), ("~2", None),
])
def test_one_reader_of_a_number_from_a_tree(text, value):
    node = ast.parse(text, mode="eval").body
    assert source.number(node) == value and type(source.number(node)) is type(value)


@pytest.mark.parametrize("text, value", [
    ("1.0 / 4", 0.25), ("-2 * 3 + 1", -5), ("2 ** 0.5", 2 ** 0.5), ("1 / 0", None), ("2 ** 10 ** 9", None),
    ("x + 1", None), ("True + 1", None),
])
def test_one_reader_of_a_number_from_a_tree_with_arithmetic(text, value):
    got = source.number(ast.parse(text, mode="eval").body, arithmetic=True)
    assert got == (pytest.approx(value) if value is not None else None)
