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


def test_a_number_written_in_place_of_its_name_leaves_strings_and_attributes_alone():
    # a module number two files give different values is written as its number in each: the name
    # ij inside the einsum's string 'ij,ij->' was replaced too ('0.5,0.5->': a ValueError), and
    # T stays the attribute x.T
    one = textwrap.dedent('''
        import numpy as np
        T = 2.0
        ij = 0.5
        def f(x: "3, 3"):
            return np.einsum('ij,ij->', x, x.T) * T * ij + np.sum(x.T * ij)
    ''')
    two = "T = 3.0\nij = 0.25\ndef g(x):\n    return x * x * T * ij\n"
    text, (first, second) = two_files(one, two)
    code = text.split('"""', 2)[-1]
    assert "'ij,ij->'" in code and "x.T" in code and "0.5,0.5" not in code, text
    assert "\nT = " not in code and "\nij = " not in code, text
    x = np.arange(9.0).reshape(3, 3) / 7.0
    np.testing.assert_allclose(run(text, "f", [x]), gradient(first["f"], [x], 0), rtol=1e-6, atol=1e-8)
    assert run(text, "g", [2.0]) == pytest.approx(gradient(second["g"], [2.0], 0), rel=1e-6)


def test_a_negative_number_written_in_place_of_its_name_binds_as_the_name_did():
    # NEG ** 2 is (-3.0) ** 2, -NEG is -(-3.0), x ** NEG is x ** -3.0; EPS is no part of EPS2
    one = textwrap.dedent('''
        NEG = -3.0
        EPS = 1e-8
        EPS2 = 0.5
        def f(x):
            return NEG ** 2 * x - NEG * x + x ** NEG + -NEG * x * x + EPS * x + EPS2 * x * x
    ''')
    two = "NEG = -2.0\nEPS = 1e-5\ndef g(x):\n    return x * x * x + NEG * x + EPS\n"
    text, (first, second) = two_files(one, two)
    code = text.split('"""', 2)[-1]
    assert "(-3.0) ** 2" in code and "-(-3.0)" in code and "x ** -3.0" in code, text
    assert "\nEPS2 = 0.5\n" in text and "NEG" not in code and "EPS " not in code, text
    for x in (1.3, -0.7):
        assert run(text, "f", [x]) == pytest.approx(gradient(first["f"], [x], 0), rel=1e-6)
        assert run(text, "g", [x]) == pytest.approx(gradient(second["g"], [x], 0), rel=1e-6)


def test_a_number_named_as_a_function_of_the_module_is_written_as_its_number():
    # g_backward = 2.0 in one file, g_backward() the function written for the other file's g()
    one = "g_backward = 2.0\ndef f(x):\n    return g_backward * x * x\n"
    two = "def g(x):\n    return x * x * x\n"
    text, (first, second) = two_files(one, two)
    assert "2.0 * x" in text and "\ng_backward = " not in text, text
    assert run(text, "f", [1.5]) == pytest.approx(gradient(first["f"], [1.5], 0), rel=1e-6)
    assert run(text, "g", [1.5]) == pytest.approx(gradient(second["g"], [1.5], 0), rel=1e-6)


def test_a_module_number_keeps_the_users_spelling():
    # EPS = 1e-8 was written EPS = 1e-08, M = 5.97e24 as M = 5.97e+24; a number computed (R *= 1000.0)
    # is written as Python spells it
    source_text = textwrap.dedent('''
        EPS = 1e-8
        M = 5.97e24
        R = 6371.0
        R *= 1000.0
        def f(x):
            return EPS * x * x + M * x / R
    ''')
    text = backgen.generate(source_text)
    assert "\nEPS = 1e-8\n" in text and "\nM = 5.97e24\n" in text and "\nR = 6371000.0\n" in text, text
    namespace = {}
    exec(source_text, namespace)
    assert run(text, "f", [2.0]) == pytest.approx(gradient(namespace["f"], [2.0], 0), rel=1e-6)


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


def test_a_module_number_named_with_an_underscore_keeps_its_name():
    # _SCALE = 2.5 was written 2.5 in the function; _ and the helpers' names (_unbroadcast) are
    # the generated code's own, written as their numbers
    source_text = "_SCALE = 2.5\n_ = 3.0\n_unbroadcast = 4.0\ndef f(x):\n    return _SCALE * x * x + _ * x + _unbroadcast * x\n"
    text = backgen.generate(source_text)
    assert "\n_SCALE = 2.5\n" in text and "_SCALE * " in text, text
    assert "\n_ = " not in text and "\n_unbroadcast = " not in text, text
    namespace = {}
    exec(source_text, namespace)
    assert run(text, "f", [1.5]) == pytest.approx(gradient(namespace["f"], [1.5], 0), rel=1e-6)


OVERLAPPING = textwrap.dedent('''
    import math
    import numpy as np

    def f(x: "3"):
        a = math.atan(-0.5)
        b = np.full(3, 0.5) * math.log1p(a * a)
        w = np.array([0.2, 0.3, 0.5])
        w2 = np.array([0.2, 0.3, 0.5, 0.7])[:3]
        c = (2.0 * w) * x + (w2 - x) ** 2
        return np.sum(b * x) + a * np.sum(x) + np.sum((x * w) ** 2) + np.sum(c * b)
''')


def test_constant_arrays_read_by_their_names_inside_one_another():
    # b's text holds a's twice and is an operand in parentheses of its own: c * (b) was left with
    # the parentheses of the text it replaced; b's own line now reads a by its name
    text = backgen.generate(OVERLAPPING)
    code = [line.split("#")[0].strip() for line in text.splitlines()]
    assert "b = np.full(3, 0.5) * math.log1p(a * a)" in code, text
    assert "prod5 = c * b" in code and not any("(b)" in line for line in code), text
    assert "dx += (2.0 * w) * dc" in code, text  # (the parentheses a line had are kept where it is printed again)
    assert sum("np.array([0.2, 0.3, 0.5])" in line for line in code) == 1, text
    namespace = {}
    exec(OVERLAPPING, namespace)
    x = np.array([0.4, -1.2, 2.0])
    np.testing.assert_allclose(run(text, "f", [x]), gradient(namespace["f"], [x], 0), rtol=1e-6)


@pytest.mark.parametrize("text", [
    "(2 * xpy) * dxpysqr", "f(a * b) + (c)", "a if (b) else (c)", "np.sum((x - y) ** 2, axis=(0, 1))",
    "dout.reshape((N, M))", "-(x ** 2) * g", "(α + 1) * β", "np.pad(x, n2, mode='constant') * (a + b)",
])
def test_a_line_printed_again_from_its_tree_is_the_line(text):
    tree = source.grouped(text)
    assert source.to_source(tree) == text
    plain = ast.parse(text, mode="eval").body
    assert ast.dump(ast.parse(source.to_source(tree), mode="eval").body) == ast.dump(plain)


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


def test_a_default_keeps_the_users_spelling():
    # def f(x, eps=1e-5) gave f_backward(x, eps=1e-05, ...), as Python prints the number
    source_text = "import math\n\ndef f(x, eps=1e-5, scale=-2.50, n=0x10):\n    return math.sqrt(x * x + eps) * scale * n\n"
    text = backgen.generate(source_text)
    assert "def f_backward(x, eps=1e-5, scale=-2.50, n=0x10, dout=1.0):" in text, text
    namespace = {}
    exec(source_text, namespace)
    args = [0.7, 1e-5, -2.5]
    assert run(text, "f", args) == pytest.approx(tuple(gradient(namespace["f"], args, k) for k in range(3)), rel=1e-6)


SKIPS = '''
def f(x, n: int, m: int):
    total = 0.0
    for j in range(4):
        if j == n:
            continue
        if j < m:
            continue
        total = total + x * x * j
    return total
'''


def test_a_branch_taken_when_a_test_fails_reads_the_test_turned_around():
    # if j == n: continue gave `if not (j == n):` around the rest of the loop, text pasted around the
    # test; a person writes `if j != n:`; `not (j < m)` stays (j >= m is not its negation for a NaN)
    text = backgen.generate(SKIPS)
    code = [line.strip() for line in text.splitlines()]
    assert "if j != n:" in code and "if not (j < m):" in code, text
    namespace = {}
    exec(SKIPS, namespace)
    for n, m in ((1, 0), (2, 2), (5, 3)):
        assert run(text, "f", [0.7, n, m]) == pytest.approx(
            gradient(lambda x: namespace["f"](x, n, m), [0.7], 0), rel=1e-6)


@pytest.mark.parametrize("test, negation", [
    ("a == b", "a != b"), ("a is not None", "a is None"), ("k in keys", "k not in keys"), ("not flag", "flag"),
    ("a < b", "not (a < b)"), ("flag", "not flag"), ("f(x)", "not f(x)"), ("a and b", "not (a and b)"),
    ("a == b == c", "not (a == b == c)"),
])
def test_a_test_turned_around(test, negation):
    assert source.to_source(source.negated(ast.parse(test, mode="eval").body)) == negation


@pytest.mark.parametrize("part, printed", [("-3.0", "f(x, mode='c') * -3.0"), ("a + b", "f(x, mode='c') * (a + b)")])
def test_a_part_in_a_tree_printed_by_astor_is_printed_as_its_value(part, printed):
    # a string sends the whole tree to astor, which knows no Part; ast.unparse then printed the tree
    # f(x, mode='c') * Part(-3.0) as '-3.0', the rest of it dropped without a word
    tree = ast.parse("f(x, mode='c') * y", mode="eval").body
    tree.right = source.Part(ast.parse(part, mode="eval").body, True)
    assert source.to_source(tree) == printed


def test_a_gradient_divided_by_a_power_reads_without_parentheses():
    # dnum = dr_s / (C ** 2): the parentheses were a Part's, where / needs none; C * C keeps its own
    source_text = "C = 2.998e8\n\ndef f(M, r):\n    r_s = 2.0 * M / C ** 2\n    return r_s / r + M * r / (C * C)\n"
    text = backgen.generate(source_text)
    code = [line.split("#")[0].strip() for line in text.splitlines()]
    assert any(line.endswith("/ C ** 2") for line in code) and not any("(C ** 2)" in line for line in code), text
    assert any(line.endswith("/ (C * C)") for line in code), text
    namespace = {}
    exec(source_text, namespace)
    args = [1.5, 0.8]
    got = run(text, "f", args)
    assert got == pytest.approx(tuple(gradient(namespace["f"], args, k) for k in range(2)), rel=1e-6)


ACCUMULATED = '''
import numpy as np

def energy(x: "5", w: "4"):
    E = 0.0
    for i in range(4):
        E += w[i] * x[i] * x[i + 1]
    return E * 2.0
'''


def test_an_adjoint_carried_through_a_loop_is_read_by_its_own_name():
    # dE_1 = dE, then dE = dE_1 (the group of E += ...), then dprod = dE_1 ...: the copy and the
    # copy back are left out and dE read where dE_1 was
    text = backgen.generate(ACCUMULATED)
    code = [line.split("#")[0].strip() for line in text.splitlines()]
    assert not any("dE_1" in line for line in code) and not any(line == "dE = dE" for line in code), text
    namespace = {}
    exec(ACCUMULATED, namespace)
    x, w = np.array([0.3, -1.2, 0.8, 2.0, -0.5]), np.array([1.5, -0.7, 0.2, 0.9])
    got = run(text, "energy", [x, w])
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["energy"], [x, w], k), rtol=1e-6)
