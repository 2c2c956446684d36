"""Expressions as AST: parse templates, fill them in, simplify, print.

Contract:

* ``to_source(node)`` is the one place an AST becomes text.  It uses astor
  and falls back to ``ast.unparse`` where astor fails or prints something that
  does not parse back to the same tree.
* ``template(text)`` parses an expression once (cached); ``fill`` returns a
  copy with placeholder names replaced by expressions.
* ``simplify`` removes what a person would not write: ``1 * g``, ``g / 1``,
  ``x ** 1``, ``--x``, constant arithmetic.  It never changes a value.
"""

import ast
import copy
import functools
import operator

try:
    import astor
except ImportError:  # pragma: no cover - astor is a declared dependency
    astor = None


def to_source(node):
    """Source text of an expression or statement AST."""
    text = None
    if astor is not None:
        try:
            text = astor.to_source(node, pretty_source=_one_line).strip()
        except Exception:  # astor 0.8.1 predates some AST nodes
            text = None
        if text is not None and not isinstance(node, ast.Tuple):
            text = _strip_outer_parens(text)
            if not _same_tree(text, node):
                text = None
    return text if text is not None else ast.unparse(node)


def _one_line(pieces):
    """astor's printer without its line wrapping: one expression, one line (layout is emit's)."""
    return "".join(pieces)


def _strip_outer_parens(text):
    if text.startswith("(") and text.endswith(")"):
        inner = text[1:-1]
        try:
            if ast.dump(ast.parse(inner, mode="eval")) == ast.dump(ast.parse(text, mode="eval")):
                return inner
        except SyntaxError:
            pass
    return text


def _same_tree(text, node):
    mode = "eval" if isinstance(node, ast.expr) else "exec"
    try:
        return ast.dump(ast.parse(text, mode=mode)) == ast.dump(ast.parse(ast.unparse(node), mode=mode))
    except SyntaxError:
        return False


@functools.lru_cache(maxsize=None)
def _parsed(text):
    return ast.parse(text, mode="eval").body


def template(text):
    """A fresh AST of the expression ``text``."""
    return copy.deepcopy(_parsed(text))


@functools.lru_cache(maxsize=1 << 16)
def code_names(text):
    """The names a statement of code mentions (parsed once per distinct text)."""
    return frozenset(n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name))


def names_in(text):
    return {n.id for n in ast.walk(_parsed(text)) if isinstance(n, ast.Name)}


class _Fill(ast.NodeTransformer):
    def __init__(self, bindings):
        self.bindings = bindings

    def visit_Name(self, node):
        if node.id in self.bindings:
            return copy.deepcopy(self.bindings[node.id])
        return node


def fill(text, bindings):
    """The expression ``text`` with each name in ``bindings`` replaced by its AST."""
    return _Fill(bindings).visit(template(text))


# --- simplification ------------------------------------------------------

_FOLD = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}


def number(node):
    """The numeric value of a literal (``2``, ``-1.0``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = number(node.operand)
        return None if inner is None else -inner
    return None


def is_number(node, value):
    got = number(node)
    return got is not None and got == value


def literal(value):
    """The AST a person would write for ``value``: ``-2.0`` as a negation."""
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def negate(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return node.operand
    value = number(node)
    if value is not None:
        return literal(-value)
    return ast.UnaryOp(ast.USub(), node)


class _Simplify(ast.NodeTransformer):
    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.UAdd):
            return node.operand
        if isinstance(node.op, ast.USub):
            return negate(node.operand)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right, op = node.left, node.right, type(node.op)
        a, b = number(left), number(right)
        if a is not None and b is not None and op in _FOLD:
            try:
                value = _FOLD[op](a, b)
            except (ArithmeticError, ValueError):
                return node
            if type(value) in (int, float) and abs(value) < 1e15 and (type(value) is int or value == value):
                if type(value) is float and value.is_integer() and op is ast.Pow:
                    value = float(value)
                return literal(value)
            return node
        if op is ast.Mult:
            if a == 0 or b == 0:  # a zero factor: b * a ** (b - 1) at b = 0 is 0, even at a = 0
                return literal(0)
            if a == 1:
                return right
            if b == 1:
                return left
            if a == -1:
                return negate(right)
            if b == -1:
                return negate(left)
            if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Div) and is_number(left.left, 1):
                return ast.BinOp(right, ast.Div(), left.right)  # (1 / b) * g  ->  g / b
        elif op is ast.Div:
            if b == 1:
                return left
        elif op is ast.Add:
            if a == 0:
                return right
            if b == 0:
                return left
        elif op is ast.Sub:
            if b == 0:
                return left
            if a == 0:
                return negate(right)
        elif op is ast.Pow:
            if b == 1:
                return left
        return node


def simplify(node):
    return ast.fix_missing_locations(_Simplify().visit(node))


def is_zero(node):
    return is_number(node, 0)


ATOMIC = (ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Subscript)


def wrap(text):
    """``text`` in parentheses unless it is atomic (a name, a call, an index...)."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return f"({text})"
    return text if isinstance(node, ATOMIC) else f"({text})"


def times(local, upstream):
    """Source of ``local * upstream`` as a person writes it.

    The local gradient is parenthesized when it is compound, as in
    ``(2 * xpy) * dxpysqr``, so the chain rule stays visible.
    """
    local = simplify(local)
    if is_number(local, 1):
        return upstream
    if is_number(local, -1):
        return f"-{upstream}"
    if isinstance(local, ast.BinOp) and isinstance(local.op, ast.Div) and is_number(local.left, 1):
        right = to_source(local.right)
        if not isinstance(local.right, ATOMIC):
            right = f"({right})"
        return f"{upstream} / {right}"
    text = to_source(local)
    if not isinstance(local, ATOMIC) or number(local) is not None and number(local) < 0:
        text = f"({text})"
    return f"{text} * {upstream}"
