"""Staging: a snippet in, the staged forward out."""

import textwrap

import pytest

from backgen import api, cli


def staged(source, **kwargs):
    return cli.staged_source(api.staged(textwrap.dedent(source), **kwargs))


def body(source):
    return [line.strip() for line in staged(source).splitlines()[1:-1]]


@pytest.mark.parametrize("source, lines", [
    ("def f(x, y, z):\n    return (x + y) * z\n",
     ["xpy = x + y  # (1)", "out = xpy * z  # (2)"]),
    ("def f(x, y):\n    return x * y + x\n",
     ["xy = x * y  # (1)", "out = xy + x  # (2)"]),
    ("def f(a, b, c):\n    return a + b + c\n",
     ["out = a + b + c  # (1)"]),
    ("def f(x):\n    return 1.0 / (1 + math.exp(-x))\n",
     ["out = 1.0 / (1 + math.exp(-x))  # (1)"]),
    ("def f(x):\n    return 1 / (math.exp(-x) + 1)\n",
     ["out = 1 / (math.exp(-x) + 1)  # (1)"]),
    ("def f(x):\n    return (1 + math.exp(-x)) ** -1\n",
     ["out = (1 + math.exp(-x)) ** -1  # (1)"]),
    ("def f(x):\n    return 1 / (1 + math.exp(x))\n",
     ["expx = math.exp(x)  # (1)", "den = 1 + expx  # (2)", "out = 1 / den  # (3)"]),
    ("def f(x, y):\n    return (x + 1) / (y - 2)\n",
     ["num = x + 1  # (1)", "den = y - 2  # (2)", "out = num / den  # (3)"]),
    ("def f(x):\n    return (x + 1) ** 2\n",
     ["s = x + 1  # (1)", "out = s ** 2  # (2)"]),
    ("def f(x):\n    return -x * 2 * math.pi\n",
     ["negx = -x  # (1)", "prod = negx * 2  # (2)", "out = prod * math.pi  # (3)"]),
    ("def f(x):\n    return x * (2 * math.pi)\n",
     ["out = x * (2 * math.pi)  # (1)"]),
    ("def f(x):\n    return +x\n", []),
])
def test_staging(source, lines):
    assert body(source) == lines


def test_user_names_are_kept_and_return_of_a_variable_adds_no_line():
    assert body("""
        def f(x, y):
            q = x + y
            f = q * 3.0
            return f
    """) == ["q = x + y  # (1)", "f = q * 3.0  # (2)"]


def test_reassignment_gets_versions():
    assert body("""
        def f(x):
            x = x * 2
            x += 1
            x *= x
            return x
    """) == ["x_1 = x * 2  # (1)", "x_2 = x_1 + 1  # (2)", "x_3 = x_2 * x_2  # (3)"]


def test_temporaries_avoid_user_names_and_their_adjoints():
    lines = body("""
        def f(x, y, xpy, dsum):
            s = (x + y) * (xpy + dsum)
            return s
    """)
    assert lines[0] == "xpy2 = x + y  # (1)"
    assert lines[1] == "s2 = xpy + dsum  # (2)"  # "s" is the user's


def test_module_aliases_in_source_strings():
    assert body("""
        import numpy as N
        import math as m
        from math import exp as e, pi
        def f(x):
            return m.sin(x) * e(x) + pi
    """) == ["sinx = math.sin(x)  # (1)", "expx = math.exp(x)  # (2)", "prod = sinx * expx  # (3)",
             "out = prod + math.pi  # (4)"]


def test_a_string_can_rebind_math():
    with pytest.raises(SyntaxError, match="unknown function 'math.exp'"):
        staged("import cmath as math\ndef f(x):\n    return math.exp(x)\n")


def test_constants_are_folded_into_one_operand():
    assert body("def f(x):\n    return x * math.sqrt(2) / 3\n") == [
        "num = x * math.sqrt(2)  # (1)", "out = num / 3  # (2)"]


def test_a_function_staged_again_alike_is_staged_once_and_a_changed_one_again():
    # code written without shapes is staged for each of its sample runs: the staging is kept and given
    # again for the same function and arguments (of the shapes given, only array or number and kind)
    import ast

    from backgen import parse
    from backgen.shapes import Spec
    from backgen.stage import stage
    forward = parse.read("import numpy as np\n\ndef f(x, w):\n    h = np.tanh(x * w)\n    return np.sum(h)\n")
    first = stage(forward, None, {"x": Spec((3,)), "w": Spec((3,))})
    assert stage(forward, None, {"x": Spec((5,)), "w": Spec((5,))}) is first  # (sizes: the same staging)
    assert stage(forward, ["x"], {"x": Spec((3,)), "w": Spec((3,))}) is not first  # (another wrt)
    assert stage(forward, ["x"], {"x": Spec((3,)), "w": Spec((3,))}).wrt == ("x",)
    number = stage(forward, None, {"x": Spec((3,)), "w": Spec(())})  # (w a number: staged for it)
    assert number is not first and stage(forward, None, {"x": Spec((4,)), "w": Spec(())}) is number
    forward.func.body[0].value.func.attr = "sin"  # (the tree changed in place: staged again)
    changed = stage(forward, None, {"x": Spec((3,)), "w": Spec((3,))})
    assert changed is not first and "np.sin" in " ".join(op.source for op in changed.body)
    assert "np.tanh" in " ".join(op.source for op in first.body)
    forward.func.body = [ast.parse("return np.sum(x * w)").body[0]]  # (a new body: staged again)
    assert len(stage(forward, None, {"x": Spec((3,)), "w": Spec((3,))}).body) < len(changed.body)
