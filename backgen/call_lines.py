"""NumPy calls rewritten as lines written just before the statement that makes them.

Contract: ``rewrite_calls(forward, functions, build)`` finds, in ``forward.func``
(changed in place), each call of one of ``functions`` (names of NumPy's, as
``source.module_calls`` reads them from the environment) standing in a simple
statement (an assignment, a return, an expression) outside conditional
expressions, ``and``/``or``, comprehensions and lambdas, where a line written
before the statement runs exactly when the call does.  ``build(call, name, np,
fresh)`` gets the call, the function's name, the name NumPy is bound to and a
maker of fresh names, and returns ``(lines, expression)``: the statements to
write just before, and the expression standing for the call; or None to leave
the call as it is.  The new nodes take the call's location.

``lines_before(forward, replace, kept=None)`` rewrites (in place) each simple statement, and the
test of an ``if`` and the iterable of a ``for`` (each computed once, just before the statement),
whose calls ``replace(call, before)`` gives the expression standing for (appending the lines it
needs to ``before``; the call itself to leave it), where no part of it is conditional (``a if c
else b``, ``and``/``or``, ``:=``) nor ``kept(node)`` for a node of it; calls in lambdas and
comprehensions are left as they are (evaluated elsewhere, or many times).  ``located(new, node)``
gives every node of ``new`` the place of ``node``, ``assigned_at(name, value, call)`` is ``name =
value`` spanning the call's place.
"""

import ast

from .source import fresh_names, module_calls, name_ids, rewrite_statements, walk
from .scipy_calls import numpy_alias

SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
SCOPES = (ast.IfExp, ast.BoolOp, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp, ast.Lambda)


def rewrite_calls(forward, functions, build):
    calls = module_calls(forward.env, "numpy", functions)
    if calls is None:
        return
    which, _ = calls
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in forward.func.args.args} | set(forward.env))
    np_ = numpy_alias(forward)

    def each(stmt):
        if not isinstance(stmt, SIMPLE):
            return [stmt]
        guarded = {id(n) for scope in walk(stmt) if isinstance(scope, SCOPES) for n in walk(scope)}
        before = []

        class Calls(ast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                name = which(node.func)
                made = None if name is None or id(node) in guarded else build(node, name, np_, fresh)
                if made is None:
                    return node
                lines, new = made
                before.extend(lines)
                for sub in [new] + lines:
                    for part in walk(sub):
                        ast.copy_location(part, node)
                return new
        Calls().visit(stmt)
        return before + [stmt]
    forward.func.body = rewrite_statements(forward.func.body, each)


def lines_before(forward, replace, kept=None):
    """See the module's contract."""
    def each(stmt):
        if not isinstance(stmt, SIMPLE + (ast.If, ast.For)):
            return [stmt]
        parts = [stmt.test] if isinstance(stmt, ast.If) else [stmt.iter] if isinstance(stmt, ast.For) else [stmt]
        if any(isinstance(n, (ast.IfExp, ast.BoolOp, ast.NamedExpr)) or kept is not None and kept(n)
               for part in parts for n in walk(part)):
            return [stmt]
        before = []

        class Before(ast.NodeTransformer):
            def visit_Lambda(self, node):
                return node

            visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

            def visit_Call(self, node):
                self.generic_visit(node)
                return replace(node, before)
        for part in parts:
            new = Before().visit(part)
            if isinstance(stmt, ast.If):
                stmt.test = new
            elif isinstance(stmt, ast.For):
                stmt.iter = new
        return before + [stmt]
    forward.func.body = rewrite_statements(forward.func.body, each)


def located(new, node):
    """``new`` with each of its nodes at ``node``'s place."""
    for sub in walk(new):
        ast.copy_location(sub, node)
    return new


def assigned_at(name, value, node):
    """``name = value`` at the call ``node``'s place (a statement spanning it)."""
    line = located(ast.Assign([ast.Name(name, ast.Store())], value), node)
    line.end_lineno, line.end_col_offset = node.end_lineno, node.end_col_offset
    return line
