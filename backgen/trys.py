"""``try`` statements read as the statements they run where the function returns a value.

Contract: ``rewrite(forward) -> None`` replaces, in place, every ``try`` statement of
``forward.func`` (in any block, before imports and nested functions are lifted) by the
statements Python runs through it, or raises ``BackgenError`` at the user's line where that
depends on the values.

* ``try: A finally: F`` is ``A`` then ``F``: where ``A`` leaves early (``break``, ``continue``),
  ``F`` is put before the jump, as Python runs it; a ``return`` in ``A`` is allowed where ``F``
  binds nothing (``print`` or logging, which tidying takes out), put before the return.
* A handler whose body only raises (``except KeyError: raise ValueError(...)``) gives no value:
  the gradient is taken where the function returns, so its path is left out, as tidying leaves
  out a branch that raises.
* A handler of ``ImportError`` / ``ModuleNotFoundError`` only is setup: what runs is decided by
  whether the modules the ``try`` imports are found (``importlib.util.find_spec`` of the top-level
  package, never importing it), the ``try``'s statements and its ``else`` where they are, the
  statements before the first missing import then the handler's where one is not.
* ``try: A except np.linalg.LinAlgError: B`` (one handler, ``LinAlgError`` however spelt, an
  ``else`` run after ``A``), ``A``'s first statement calling one function of ``np.linalg`` on
  arguments calling none, and nothing after it in ``A`` (nor a function of the user's there) calling
  one: ``if _linalg_fails("cholesky", K): B else: A``, the test a helper the generated module carries
  (``backgen.runtime``), which calls that function on those arguments: the path Python takes, the
  generated code deciding it as it runs.
* Any other handler (``except Exception:``, ``except np.linalg.LinAlgError:`` where a second call or a
  function of the user's may raise it, a bare ``except:``) catches an error the code in the ``try``
  may raise, on values backgen does not know: refused, naming the handler's line.
"""

import ast
import importlib.util

from .source import meaning_of, rewrite_statements, walk, tree_copy

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def rewrite(forward):
    """Replace the ``try`` statements of ``forward.func`` (see the module doc)."""
    if not any(isinstance(node, ast.Try) for node in walk(forward.func)):
        return
    forward.func.body = rewrite_statements(forward.func.body, lambda stmt: (
        _path(stmt, forward) or [ast.copy_location(ast.Pass(), stmt)]) if isinstance(stmt, ast.Try) else [stmt])


def _path(stmt, forward):
    """The statements ``stmt`` (a ``try``, its blocks rewritten) runs where the function returns."""
    branch = _linalg_branch(stmt, forward)
    if branch is not None:
        return branch
    body = stmt.body
    setup = []
    for handler in stmt.handlers:
        if _only_raises(handler.body):
            continue  # (no value comes out of it)
        if handler.type is not None and _caught(handler.type) <= _IMPORT_ERRORS and _caught(handler.type):
            if handler.name is not None:
                raise forward.error("an except naming the ImportError it catches is not supported: "
                                    "write `except ImportError:`", handler)
            setup.append(handler)
            continue
        caught = "every error" if handler.type is None else ast.unparse(handler.type)
        raise forward.error(
            f"this except catches {caught}, which the code in the try (lines {stmt.lineno}-"
            f"{stmt.body[-1].end_lineno or stmt.body[-1].lineno}) may raise: which of the two runs depends on "
            "the values, and backgen writes the backward of one path; test for the case with an if, or "
            "leave out the try", handler)
    if setup:
        missing = next((k for k, s in enumerate(body) if isinstance(s, (ast.Import, ast.ImportFrom))
                        and not _found(s, forward)), None)
        if missing is not None:  # the import raises there: what ran before it, then the (first) handler
            body = body[:missing] + setup[0].body
        else:
            body = body + stmt.orelse
    else:
        body = body + stmt.orelse
    return _then_finally(body, stmt.finalbody, forward)


def _linalg_branch(stmt, forward):
    """``[if _linalg_fails("cholesky", K): B else: A]`` for ``try: A except np.linalg.LinAlgError: B``
    (an ``else`` of the try run after ``A``) where ``A``'s first statement calls one function of
    ``np.linalg`` (of arguments calling none) and nothing after it in ``A`` calls one, or a function of
    yours, which may raise it too: the path Python takes, decided by whether that call raises, as the
    generated code decides it too; else None."""
    if len(stmt.handlers) != 1 or stmt.finalbody or not stmt.body:
        return None
    handler = stmt.handlers[0]
    if handler.type is None or meaning_of(handler.type, forward.env.get) != "numpy.linalg.LinAlgError" or \
            handler.name is not None and any(isinstance(n, ast.Name) and n.id == handler.name
                                             for s in handler.body for n in walk(s)):
        return None
    first = stmt.body[0]
    if not isinstance(first, (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)) or first.value is None:
        return None
    calls = _linalg_calls(first.value, forward.env)
    rest = stmt.body[1:] + stmt.orelse
    if len(calls) != 1 or not isinstance(calls[0], ast.Call) or \
            not meaning_of(calls[0].func, forward.env.get).startswith("numpy.linalg.") or \
            any(_linalg_calls(arg, forward.env) for arg in calls[0].args) or \
            any(_linalg_calls(k.value, forward.env) for k in calls[0].keywords) or \
            any(_linalg_calls(s, forward.env) for s in rest) or any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in forward.helpers
                for s in stmt.body + stmt.orelse for n in walk(s)):
        return None
    call = calls[0]
    forward.env["_linalg_fails"] = "numpy._linalg_fails"  # (backgen.runtime's, carried by the generated module)
    test = ast.Call(ast.Name("_linalg_fails", ast.Load()),
                    [ast.Constant(meaning_of(call.func, forward.env.get).rpartition(".")[2]),
                     *tree_copy(call.args)],
                    tree_copy(call.keywords))
    branch = ast.If(ast.copy_location(test, call), handler.body, stmt.body + stmt.orelse)
    return [ast.fix_missing_locations(ast.copy_location(branch, stmt))]


def _linalg_calls(node, env):
    """The calls in ``node`` that may raise LinAlgError: of np.linalg's functions, SciPy's linear algebra
    (``scipy.linalg.solve_triangular``), ``np.polyfit``; and ``raise`` statements."""
    return [n for n in walk(node) if isinstance(n, ast.Raise) or isinstance(n, ast.Call) and
            (meaning_of(n.func, env.get) or "").startswith(("numpy.linalg.", "scipy.linalg", "numpy.polyfit"))]


def _caught(node):
    """The names of the exceptions an except clause's type names (``ImportError``,
    ``(ImportError, ModuleNotFoundError)``); a name of anything else is kept as written."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    return {p.id if isinstance(p, ast.Name) else ast.unparse(p) for p in parts}


def _only_raises(stmts):
    """A handler's body that raises on every path (``raise``, ``raise ValueError(...) from e``, after
    statements that bind nothing the function goes on to read, as it stops there)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Raise):
        return True
    return isinstance(last, ast.If) and _only_raises(last.body) and _only_raises(last.orelse)


def _found(stmt, forward):
    """Whether the modules of an import statement can be found (their top-level packages)."""
    if isinstance(stmt, ast.ImportFrom) and stmt.level:
        raise forward.error("a relative import in a try is not supported", stmt)
    names = [stmt.module] if isinstance(stmt, ast.ImportFrom) else [a.name for a in stmt.names]
    return all(importlib.util.find_spec(name.split(".")[0]) is not None for name in names)


def _then_finally(body, final, forward):
    """``body`` then ``final``, ``final`` put before each jump out of ``body`` (see the module doc)."""
    if not final:
        return body
    return _before_jumps(body, final, forward, in_loop=False) + tree_copy(final)


def _before_jumps(stmts, final, forward, in_loop):
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return):
            if any(isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load) for s in final for n in walk(s)) \
                    or not all(isinstance(s, (ast.Expr, ast.Pass)) for s in final):
                raise forward.error("a return inside a try whose finally computes something is not supported: "
                                    "assign the value, and return it after the try", stmt)
            out.extend(tree_copy(final))
        elif isinstance(stmt, (ast.Break, ast.Continue)) and not in_loop:
            out.extend(tree_copy(final))
        elif isinstance(stmt, (ast.For, ast.While)):
            stmt.body = _before_jumps(stmt.body, final, forward, in_loop=True)
        elif isinstance(stmt, ast.If):
            stmt.body = _before_jumps(stmt.body, final, forward, in_loop)
            stmt.orelse = _before_jumps(stmt.orelse, final, forward, in_loop)
        out.append(stmt)
    return out
