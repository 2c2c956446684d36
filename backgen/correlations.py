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
"""

import ast
import copy

from .call_lines import rewrite_calls
SPELLED = frozenset({"corrcoef"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("corrcoef",), _scaled_covariance)


def _scaled_covariance(node, name, np_, fresh):
    """``(lines, expression)`` of ``np.corrcoef(x[, rowvar=r])``; None for other arguments."""
    if len(node.args) != 1 or isinstance(node.args[0], ast.Starred) or any(k.arg != "rowvar" for k in node.keywords):
        return None

    def np_call(function, args, keywords=()):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), args, list(keywords))
    cov, std = fresh("cov"), fresh("std")
    lines = [ast.Assign([ast.Name(cov, ast.Store())],
                        np_call("cov", [copy.deepcopy(node.args[0])], copy.deepcopy(node.keywords))),
             ast.Assign([ast.Name(std, ast.Store())], np_call("sqrt", [np_call("diag", [ast.Name(cov, ast.Load())])]))]
    return lines, ast.BinOp(ast.Name(cov, ast.Load()), ast.Div(),
                            np_call("outer", [ast.Name(std, ast.Load()), ast.Name(std, ast.Load())]))
