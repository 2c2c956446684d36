"""Loop peeling: a loop's first iteration written out before the loop.

Contract: ``peeled(func, lineno, col) -> ast.FunctionDef | None``.  ``func``
with the ``for`` statement at ``lineno``/``col`` (0-based column, as the AST
has it; or, with ``inside``, the innermost one holding that place) replaced by its first iteration (the target bound to the first item,
then a copy of the body) followed by the loop over the remaining items; None
where that is not the same program or is not known to be: the loop must
iterate a ``range`` of integer literals or a tuple or list display, have at
least one item, and its body must hold no ``break`` or ``continue`` of its own.

A value the loop carries may change shape in its first iteration only
(``h = x[0]``, then ``h = h * 0.5 + W`` grows it to ``W``'s shape): written
out, that iteration gives it a shape of its own and the loop keeps one.  The
copied statements keep their line numbers, so the code staged from them still
points at the user's lines.
"""

import ast
import copy


def peeled(func, lineno, col, inside=False):
    """``func`` with the loop at ``lineno``/``col`` (``inside``: the innermost ``for`` holding that
    place) peeled once, or None (see the module)."""
    if inside:
        loops = [node for node in _statements(func) if isinstance(node, ast.For)
                 and (node.lineno, node.col_offset) < (lineno, col) <= (node.end_lineno, node.end_col_offset)]
        if not loops:
            return None
        loop = max(loops, key=lambda node: (node.lineno, node.col_offset))
        lineno, col = loop.lineno, loop.col_offset
    peeler = _Peeler(lineno, col)
    tree = peeler.generic_visit(copy.deepcopy(func))
    return ast.fix_missing_locations(tree) if peeler.done else None


class _Peeler(ast.NodeTransformer):
    def __init__(self, lineno, col):
        self.lineno, self.col, self.done = lineno, col, False

    def visit_For(self, node):
        self.generic_visit(node)
        if (node.lineno, node.col_offset) != (self.lineno, self.col) or self.done:
            return node
        items = _items(node.iter)
        if items is None or _own_jumps(node.body):
            return node
        first, rest = items
        self.done = True
        target = copy.deepcopy(node.target)
        bind = ast.copy_location(ast.Assign(targets=[target], value=first), node)
        body = copy.deepcopy(node.body)
        if rest is None:  # one item: no loop left (its else clause runs, as after any loop without break)
            return [bind, *body, *node.orelse]
        loop = ast.copy_location(ast.For(target=node.target, iter=rest, body=node.body, orelse=node.orelse,
                                         type_comment=None), node)
        return [bind, *body, loop]

    def visit_FunctionDef(self, node):
        return node  # (a nested function: not this function's statements)

    visit_Lambda = visit_ClassDef = visit_AsyncFunctionDef = visit_FunctionDef


def _statements(func):
    """The statements of ``func``, at every depth (not those of functions defined in it)."""
    pending = list(func.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            pending += [child for child in getattr(node, field, []) if isinstance(child, ast.AST)]
        pending += [case for case in getattr(node, "cases", [])]


def _items(iterable):
    """``(first, rest)``: the first item's expression and the iterable of the others (None when there
    are none), for a non-empty ``range`` of integer literals or a display; None otherwise."""
    if isinstance(iterable, (ast.Tuple, ast.List)):
        if not iterable.elts or any(isinstance(e, ast.Starred) for e in iterable.elts):
            return None
        rest = iterable.elts[1:]
        return iterable.elts[0], (ast.copy_location(type(iterable)(elts=rest, ctx=ast.Load()), iterable)
                                  if rest else None)
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
            and not iterable.keywords and 1 <= len(iterable.args) <= 3):
        return None
    bounds = [_integer(arg) for arg in iterable.args]
    if None in bounds or len(bounds) == 3 and bounds[2] == 0:
        return None
    numbers = range(*bounds)
    if not numbers:
        return None
    first = ast.copy_location(ast.Constant(numbers[0]), iterable)
    if len(numbers) == 1:
        return first, None
    rest = numbers[1:]
    args = [ast.Constant(rest.start), ast.Constant(rest.stop)] + ([ast.Constant(rest.step)] if rest.step != 1 else [])
    return first, ast.copy_location(ast.Call(func=ast.Name("range", ast.Load()), args=args, keywords=[]), iterable)


def _integer(node):
    """The value of an integer literal (``3``, ``-1``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _integer(node.operand)
        return None if value is None else -value
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _own_jumps(body):
    """Whether ``body`` holds a ``break`` or ``continue`` of its loop (not of a loop inside it)."""
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Break, ast.Continue)):
            return True
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            pending += node.orelse  # (a jump in an inner loop's body is its own)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        pending += [child for child in ast.iter_child_nodes(node)]
    return False
