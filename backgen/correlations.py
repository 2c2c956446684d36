"""NumPy's correlation coefficients, written as the covariance scaled by its diagonal.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.corrcoef(x)`` or ``np.corrcoef(x, rowvar=r)`` of a function the
environment binds to NumPy, standing in a simple statement (an assignment, a
return, an expression) outside conditional expressions, ``and``/``or`` and
comprehensions, with the lines NumPy computes it by, written just before that
statement::

    cov = np.cov(x, rowvar=r)
    std = np.sqrt(np.diag(cov))

and the call by ``cov / np.outer(std, std)``, differentiated by the rules of
np.cov and its parts (NumPy then clips the values to [-1, 1], which moves them
by rounding at most).  ``x``, read there, is an expression without side
effects, as arguments are.  Other calls are left as they are (and refused as
functions with no rule).

A second set of variables, ``np.cov(x, y)`` and ``np.corrcoef(x, y)`` (``y``
positional or ``y=``, ``rowvar`` not given or True), is the one array NumPy
makes of them, each as rows: ``np.cov(np.vstack((x, y)))`` (the covariance's
other keywords kept), wherever the call stands; ``np.corrcoef`` of it then
as above.  With ``rowvar=False`` NumPy turns each operand by its own shape:
those calls are left as they are.
"""

import ast

from .call_lines import rewrite_calls
from .source import tree_copy
SPELLED = frozenset({"corrcoef", "cov"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("corrcoef", "cov"), _rewritten)


def _rewritten(node, name, np_, fresh):
    joined = _joined(node, np_)
    if name == "cov":
        return None if joined is None else ([], joined)
    return _scaled_covariance(joined or node, name, np_, fresh)


def _joined(node, np_):
    """``np.cov(x, y, ...)`` (or corrcoef) as ``np.cov(np.vstack((x, y)), ...)``; None where there is no
    second operand, or where ``rowvar`` may be False."""
    args, keywords = list(node.args), [k for k in node.keywords if k.arg != "y"]
    given = [k.value for k in node.keywords if k.arg == "y"]
    if any(isinstance(a, ast.Starred) for a in args) or any(k.arg is None for k in node.keywords):
        return None
    if len(args) == 1 and given:
        args.append(given[0])
    if len(args) < 2 or _none(args[1]):
        return None
    rowvar = [k.value for k in keywords if k.arg == "rowvar"]
    if len(args) > 2 and not (len(args) == 3 and not rowvar and _true(args[2])):
        return None  # (rowvar, bias, ddof given by position: left as they are)
    if any(not _true(v) for v in rowvar):
        return None
    rows = ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "vstack", ast.Load()),
                    [ast.Tuple([tree_copy(args[0]), tree_copy(args[1])], ast.Load())], [])
    return ast.Call(tree_copy(node.func), [rows], [tree_copy(k) for k in keywords if k.arg != "rowvar"])


def _none(node):
    return isinstance(node, ast.Constant) and node.value is None


def _true(node):
    return isinstance(node, ast.Constant) and node.value is True


def _scaled_covariance(node, name, np_, fresh):
    """``(lines, expression)`` of ``np.corrcoef(x[, rowvar=r])``; None for other arguments."""
    if len(node.args) != 1 or isinstance(node.args[0], ast.Starred) or any(k.arg != "rowvar" for k in node.keywords):
        return None

    def np_call(function, args, keywords=()):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), args, list(keywords))
    cov, std = fresh("cov"), fresh("std")
    lines = [ast.Assign([ast.Name(cov, ast.Store())],
                        np_call("cov", [tree_copy(node.args[0])], tree_copy(node.keywords))),
             ast.Assign([ast.Name(std, ast.Store())], np_call("sqrt", [np_call("diag", [ast.Name(cov, ast.Load())])]))]
    return lines, ast.BinOp(ast.Name(cov, ast.Load()), ast.Div(),
                            np_call("outer", [ast.Name(std, ast.Load()), ast.Name(std, ast.Load())]))
