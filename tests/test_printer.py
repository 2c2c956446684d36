"""The expression printer (``source.to_source``): what it prints parses back to the tree it was
given, with the parentheses a person writes and no others, as the checked astor path prints it."""

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backgen import source

EXPRESSIONS = [
    "a - (b - c)", "a - b - c", "(a + b).T", "(a + b)(c)", "(a + b)[0]", "x[:, None]", "x[1:2, ::2]", "x[::-1]",
    "-x ** 2", "(-x) ** 2", "x ** -y", "(x ** y) ** z", "x ** y ** z", "2 ** x", "(1).real", "f((a, b))",
    "(a, b)", "(a,)", "()", "f(a, (b, c))", "a if b else c", "(a if b else c) + 1", "f(a if b else c)",
    "not a == b", "a and (b or c)", "(a and b) or c", "not (a and b)", "a < b < c", "(a < b) < c",
    "x is not None", "a not in b", "~a & b", "a | b ^ c & d", "(a | b) & c", "a << 1 >> 2",
    "np.sum(a, axis=0, keepdims=True)", "[a, b + c]", "a @ b @ c", "a @ (b @ c)", "a / (b * c)",
    "a * b / c", "a / b * c", "-(a + b)", "-a * b", "+a", "1.0 / (1 + math.exp(-x))", "x[a + 1:b - 1]",
    "f(*args)", "f(**kw)", "'text' + a", "lambda v: v + 1", "[v for v in a]", "{a: b}", "-1.5 * x", "x[...]",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_prints_as_the_checked_astor_path(text):
    node = ast.parse(text, mode="eval").body
    printed = source.to_source(node)
    assert printed == source._astor_source(ast.parse(text, mode="eval").body)
    assert ast.dump(ast.parse(printed, mode="eval")) == ast.dump(ast.parse(text, mode="eval"))


NAMES = st.sampled_from(["a", "b", "x", "np"])
NUMBERS = st.one_of(st.integers(0, 20), st.sampled_from([0.5, 1.0, 2.0, 1e-08]))
BINARY = st.sampled_from([ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult, ast.FloorDiv, ast.Mod,
                          ast.BitAnd, ast.BitOr, ast.LShift])
UNARY = st.sampled_from([ast.USub, ast.UAdd, ast.Invert, ast.Not])
COMPARE = st.sampled_from([ast.Lt, ast.Eq, ast.Is, ast.NotIn])


def _trees(children):
    return st.one_of(
        st.builds(lambda l, o, r: ast.BinOp(l, o(), r), children, BINARY, children),
        st.builds(lambda o, v: ast.UnaryOp(o(), v), UNARY, children),
        st.builds(lambda l, o, r: ast.Compare(l, [o()], [r]), children, COMPARE, children),
        st.builds(lambda a, b: ast.BoolOp(ast.And(), [a, b]), children, children),
        st.builds(lambda a, b, c: ast.IfExp(a, b, c), children, children, children),
        st.builds(lambda v, attr: ast.Attribute(v, attr, ast.Load()), children, st.sampled_from(["T", "shape"])),
        st.builds(lambda v, i: ast.Subscript(v, i, ast.Load()), children, children),
        st.builds(lambda f, args: ast.Call(f, args, []), children, st.lists(children, max_size=2)),
        st.builds(lambda elts: ast.Tuple(elts, ast.Load()), st.lists(children, max_size=2)),
    )


TREES = st.recursive(st.one_of(st.builds(lambda n: ast.Name(n, ast.Load()), NAMES),
                               st.builds(ast.Constant, NUMBERS)), _trees, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_printed_trees_parse_back_to_themselves(tree):
    printed = source.to_source(tree)
    assert ast.dump(ast.parse(printed, mode="eval").body) == ast.dump(tree)
    assert printed == source._astor_source(tree)


def test_module_check_compiles_what_is_not_known_to_parse():
    """``emit.module_source`` leaves out of its compile the assignments whose trees are known (printed
    from them), and still refuses a line that is not Python."""
    from dataclasses import replace

    from backgen import emit, ir
    from backgen.program import backward_program

    program = backward_program("import math\n\ndef f(x, y):\n    return math.sin(x * y) + x\n")
    main = program.main
    assert len(emit._frame(main.groups)) < len(emit._backward_lines(main.groups))
    compile(emit.module_source([program]), "<test>", "exec")
    broken = ir.Group("broken", (ir.AdjointLine("dx", True, "x +"),))
    with pytest.raises(SyntaxError):
        emit.module_source([replace(program, main=replace(main, groups=main.groups + (broken,)))])
    with pytest.raises(SyntaxError):  # (a target that is not one)
        emit.module_source([replace(program, main=replace(main, groups=(ir.Group("bad", (ir.AdjointLine(
            "f(x)", False, "x"),)),) + main.groups))])


@pytest.mark.parametrize("value", ["train", 'it\'s "quoted"', b"raw", ""])
def test_a_string_alone_prints_as_a_string_not_a_docstring(value):
    printed = source.to_source(ast.Constant(value))
    assert printed == repr(value) and not printed.startswith('"""')


def test_a_string_default_of_the_forward_is_the_backward_s_default():
    import backgen
    text = backgen.generate('import numpy as np\n\ndef f(x: "3", mode="train"):\n'
                            '    if mode == "train":\n        return np.sum(x * x)\n    return np.sum(x)\n')
    assert "def f_backward(x, mode='train', dout=1.0):" in text


@pytest.mark.parametrize("text, printed", [
    ("(0.1 + 0.2) * g", "(0.1 + 0.2) * g"),  # 0.30000000000000004: the numbers as written read better
    ("(0.3 - 0.7) * g", "(0.3 - 0.7) * g"),
    ("2 / 3 * g", "2 / 3 * g"),
    ("1 / 3 * g", "g / 3"),
    ("2 * 3 * g", "6 * g"),  # what prints as short as the numbers themselves is folded
    ("0.5 * 2 * g", "g"),
    ("(1 - 1) * g", "0"),
])
def test_numbers_fold_where_the_result_reads_as_plainly(text, printed):
    assert source.to_source(source.simplify(ast.parse(text, mode="eval").body)) == printed


# --- names and parts respelled where the tree of a line shows them (source.renamed, source.respelled) ---

@pytest.mark.parametrize("text, renamed", [
    ("np.sum(n * x.n, axis=n) + 'n' + n", "np.sum(N * x.n, axis=N) + 'n' + N"),  # attribute, keyword, string kept
    ("f'{n} n' + n", "f'{N} n' + N"),
    ("for n in range(n):", "for N in range(N):"),
    ("for i, x in enumerate(n):", "for i, x in enumerate(N):"),
    ("elif n > 0:", "elif N > 0:"),
    ("while n < 2 and nn:", "while N < 2 and nn:"),
    ("except n:", "except N:"),
    ("else:", "else:"),
    ("dx[n] += é * n ** 2", "dx[N] += é * N ** 2"),  # (places count bytes: a character of two before them)
    ("a = (n +\n     n)", "a = (N +\n     N)"),  # the text as written, over two lines
    ("dn = n", "dn = N"),
])
def test_a_name_is_renamed_where_the_code_reads_or_sets_it(text, renamed):
    assert source.renamed(text, {"n": "N"}) == renamed


def test_a_name_bound_in_the_line_itself_or_a_line_that_is_no_code_is_not_renamed_silently():
    with pytest.raises(ValueError):
        source.renamed("lambda n: n + 1", {"n": "N"})
    with pytest.raises(ValueError):
        source.renamed("n = = 2", {"n": "N"})


def test_parts_of_a_line_are_respelled_by_the_tree_not_by_matching_text():
    def shape(node):  # x.shape as the tuple of its sizes, but not y.x.shape, nor the text 'x.shape'
        if isinstance(node, ast.Attribute) and node.attr == "shape" and isinstance(node.value, ast.Name) \
                and node.value.id == "x":
            return "(N, D)"
        return None
    text = "np.zeros(x.shape) + y.x.shape[0] * len('x.shape') + x.shape[1]"
    assert source.respelled(text, shape) == "np.zeros((N, D)) + y.x.shape[0] * len('x.shape') + (N, D)[1]"


def test_an_expression_is_replaced_where_the_tree_has_it_not_where_its_text_is_part_of_another():
    text = "np.zeros_like(h) + onp.zeros_like(h) * np.zeros_like(h_1) - np.zeros_like( h )"
    assert source.replaced(text, "np.zeros_like(h)", "np.zeros(h_shape)") == \
        "np.zeros(h_shape) + onp.zeros_like(h) * np.zeros_like(h_1) - np.zeros(h_shape)"
