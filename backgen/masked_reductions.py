"""NumPy's reductions over the elements a mask keeps (``where=``) or from a start (``initial=``), written
as what they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.sum(a, ..., where=m)`` and ``np.mean(a, ..., where=m)`` of a function
the environment binds to NumPy (and the methods ``a.sum(..., where=m)``,
``a.mean(..., where=m)``) with ``np.sum(np.where(m, a, 0.0), ...)`` and, for
the mean, that sum over ``np.sum(np.where(m, 1.0, 0.0) * np.ones_like(a), ...)``,
the count of the elements kept (``m`` broadcast to ``a``'s shape, as NumPy
broadcasts it); the other arguments (``axis``, ``keepdims``, ``dtype``) stay as
given.  ``initial=v`` (with ``where=m`` or without) of ``sum``, ``prod``, ``max``
and ``min`` (``amax``, ``amin`` too) is the reduction of ``np.where(m, a, e)``
(``e`` the identity: 0.0, 1.0, or ``v`` for max and min) then ``+ v``, ``* v``,
``np.maximum(.., v)`` or ``np.minimum(.., v)``.  ``a``, ``m`` and ``v``, written
twice, are expressions without side effects, as arguments are.  With ``out=`` the
call is left as it is.
"""

import ast
import copy

from .source import module_calls
from .scipy_calls import numpy_alias

REDUCTIONS = ("sum", "mean", "prod", "max", "min", "amax", "amin")
SPELLED = frozenset({"where", "initial"})  # (parse runs this rewriter only where the function spells one)
_STARTED = {"sum": ast.Add, "prod": ast.Mult, "max": "maximum", "min": "minimum"}  # (how initial= joins in)
_IDENTITY = {"sum": 0.0, "mean": 0.0, "prod": 1.0}


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
            if not keywords & {"where", "initial"} or keywords & {"out", None} or \
                    any(isinstance(a, ast.Starred) for a in node.args):
                return node
            name = which(node.func)
            if name is not None and node.args:
                array, rest = node.args[0], node.args[1:]
            elif name is None and isinstance(node.func, ast.Attribute) and node.func.attr in REDUCTIONS and \
                    not node.func.attr.startswith("a") and \
                    not (isinstance(node.func.value, ast.Name) and node.func.value.id in numpy_names):
                name, array, rest = node.func.attr, node.func.value, node.args  # a.sum(axis, where=m)
            else:
                return node
            name = {"amax": "max", "amin": "min"}.get(name, name)
            mask = next((k.value for k in node.keywords if k.arg == "where"), None)
            initial = next((k.value for k in node.keywords if k.arg == "initial"), None)
            if initial is not None and name not in _STARTED or \
                    initial is None and name not in _IDENTITY:  # (np.max(a, where=m) needs initial=: NumPy raises)
                return node
            others = [k for k in node.keywords if k.arg not in ("where", "initial")]
            np_ = np_name or numpy_alias(forward)
            kept = array if mask is None else \
                _call(np_, "where", [mask, array, ast.Constant(_IDENTITY[name]) if name in _IDENTITY else initial])
            new = _call(np_, "sum" if name == "mean" else name, [kept] + list(rest), others)
            if name == "mean":
                ones = _call(np_, "where", [mask, ast.Constant(1.0), ast.Constant(0.0)])
                count = ast.BinOp(ones, ast.Mult(), _call(np_, "ones_like", [array]))
                new = ast.BinOp(new, ast.Div(), _call(np_, "sum", [count] + list(rest), others))
            elif initial is not None:
                joined = _STARTED[name]
                new = _call(np_, joined, [new, initial]) if isinstance(joined, str) else \
                    ast.BinOp(new, joined(), copy.deepcopy(initial))
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _call(np_, function, args, keywords=()):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), [copy.deepcopy(a) for a in args],
                    [copy.deepcopy(k) for k in keywords])
