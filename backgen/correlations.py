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

from .source import fresh_names, module_calls, name_ids, rewrite_statements, walk

SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
SCOPES = (ast.IfExp, ast.BoolOp, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp, ast.Lambda)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("corrcoef",))
    if calls is None:
        return
    which, numpy_names = calls
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in forward.func.args.args} | set(forward.env))
    np_ = sorted(numpy_names)[0] if numpy_names else _numpy_name(forward)

    def np_call(function, args, keywords=()):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), args, list(keywords))

    def each(stmt):
        if not isinstance(stmt, SIMPLE):
            return [stmt]
        guarded = {id(n) for scope in walk(stmt) if isinstance(scope, SCOPES) for n in walk(scope)}
        before = []

        class Calls(ast.NodeTransformer):
            def visit_Call(self, node):
                self.generic_visit(node)
                if which(node.func) is None or id(node) in guarded or len(node.args) != 1 or \
                        isinstance(node.args[0], ast.Starred) or any(k.arg != "rowvar" for k in node.keywords):
                    return node
                cov, std = fresh("cov"), fresh("std")
                lines = [ast.Assign([ast.Name(cov, ast.Store())],
                                    np_call("cov", [copy.deepcopy(node.args[0])], copy.deepcopy(node.keywords))),
                         ast.Assign([ast.Name(std, ast.Store())],
                                    np_call("sqrt", [np_call("diag", [ast.Name(cov, ast.Load())])]))]
                new = ast.BinOp(ast.Name(cov, ast.Load()), ast.Div(),
                                np_call("outer", [ast.Name(std, ast.Load()), ast.Name(std, ast.Load())]))
                before.extend(lines)
                for sub in [new] + lines:
                    for part in ast.walk(sub):
                        ast.copy_location(part, node)
                return new
        Calls().visit(stmt)
        return before + [stmt]
    forward.func.body = rewrite_statements(forward.func.body, each)


def _numpy_name(forward):
    from .scipy_calls import _numpy_name as numpy_name
    return numpy_name(forward)
