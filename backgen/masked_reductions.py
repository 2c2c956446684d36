"""NumPy's sums and means over the elements a mask keeps (``where=``), written as what they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.sum(a, ..., where=m)`` and ``np.mean(a, ..., where=m)`` of a function
the environment binds to NumPy (and the methods ``a.sum(..., where=m)``,
``a.mean(..., where=m)``) with ``np.sum(np.where(m, a, 0.0), ...)`` and, for
the mean, that sum over ``np.sum(np.where(m, 1.0, 0.0) * np.ones_like(a), ...)``,
the count of the elements kept (``m`` broadcast to ``a``'s shape, as NumPy
broadcasts it); the other arguments (``axis``, ``keepdims``, ``dtype``) stay as
given.  ``a`` and ``m``, written twice, are expressions without side effects, as
arguments are.  With ``out=`` or ``initial=`` the call is left as it is.
"""

import ast
import copy

from .source import module_calls
from .scipy_calls import numpy_alias

REDUCTIONS = ("sum", "mean")
SPELLED = frozenset({"where"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", REDUCTIONS)
    if calls is None:
        return
    which, numpy_names = calls
    np_name = sorted(numpy_names)[0] if numpy_names else None

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            keywords = {k.arg for k in node.keywords}
            if "where" not in keywords or keywords & {"out", "initial", None} or \
                    any(isinstance(a, ast.Starred) for a in node.args):
                return node
            name = which(node.func)
            if name is not None and node.args:
                array, rest = node.args[0], node.args[1:]
            elif name is None and isinstance(node.func, ast.Attribute) and node.func.attr in REDUCTIONS and \
                    not (isinstance(node.func.value, ast.Name) and node.func.value.id in numpy_names):
                name, array, rest = node.func.attr, node.func.value, node.args  # a.sum(axis, where=m)
            else:
                return node
            mask = next(k.value for k in node.keywords if k.arg == "where")
            others = [k for k in node.keywords if k.arg != "where"]
            np_ = np_name or numpy_alias(forward)
            kept = _call(np_, "where", [mask, array, ast.Constant(0.0)])
            new = _call(np_, "sum", [kept] + list(rest), others)
            if name == "mean":
                ones = _call(np_, "where", [mask, ast.Constant(1.0), ast.Constant(0.0)])
                count = ast.BinOp(ones, ast.Mult(), _call(np_, "ones_like", [array]))
                new = ast.BinOp(new, ast.Div(), _call(np_, "sum", [count] + list(rest), others))
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _call(np_, function, args, keywords=()):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), [copy.deepcopy(a) for a in args],
                    [copy.deepcopy(k) for k in keywords])
