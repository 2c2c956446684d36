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
``np.maximum(.., v)`` or ``np.minimum(.., v)``.  ``np.var(a, axis, where=m, ddof=d,
keepdims=k)`` (and ``np.std``, its square root; the methods too) is the sum of
``np.where(m, (a - mu) ** 2, 0.0)`` over the count less ``d``, ``mu`` the mean of
the kept elements (kept dimensions); with other arguments it is left as it is.
``a``, ``m`` and ``v``, written
twice, are expressions without side effects, as arguments are.  With ``out=`` the
call is left as it is.
"""

import ast

from .source import module_calls, tree_copy, walk
from .scipy_calls import numpy_alias

REDUCTIONS = ("sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std")
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
            np_ = np_name or numpy_alias(forward)
            if name in ("var", "std"):
                spread = _spread(np_, name, array, rest, node.keywords) if initial is None else None
                if spread is None:
                    return node
                for sub in walk(spread):
                    ast.copy_location(sub, node)
                return spread
            if initial is not None and name not in _STARTED or \
                    initial is None and name not in _IDENTITY:  # (np.max(a, where=m) needs initial=: NumPy raises)
                return node
            others = [k for k in node.keywords if k.arg not in ("where", "initial")]
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
                    ast.BinOp(new, joined(), tree_copy(initial))
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _call(np_, function, args, keywords=()):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), [tree_copy(a) for a in args],
                    [tree_copy(k) for k in keywords])


def _spread(np_, name, array, rest, keywords):
    """``np.var(a, axis, where=m, ddof=d, keepdims=k)`` (or np.std, its square root) as NumPy computes it:
    the mean of the squares of the kept elements less their mean, over the count less ``d``.  None where
    other arguments are given (a dtype, mean=, correction=, or any by position but the axis)."""
    given = {k.arg: k.value for k in keywords}
    if len(rest) > 1 or set(given) - {"axis", "where", "ddof", "keepdims"} or rest and "axis" in given:
        return None
    axis = rest[0] if rest else given.get("axis", ast.Constant(None))
    mask, ddof = given["where"], given.get("ddof", ast.Constant(0))
    keepdims = given.get("keepdims", ast.Constant(False))

    def total(values, keep):
        return _call(np_, "sum", [values], [ast.keyword("axis", axis), ast.keyword("keepdims", keep)])
    count = ast.BinOp(_call(np_, "where", [mask, ast.Constant(1.0), ast.Constant(0.0)]), ast.Mult(),
                      _call(np_, "ones_like", [array]))
    mean = ast.BinOp(total(_call(np_, "where", [mask, array, ast.Constant(0.0)]), ast.Constant(True)), ast.Div(),
                     total(count, ast.Constant(True)))
    squares = ast.BinOp(ast.BinOp(array, ast.Sub(), mean), ast.Pow(), ast.Constant(2))
    variance = ast.BinOp(total(_call(np_, "where", [mask, squares, ast.Constant(0.0)]), keepdims), ast.Div(),
                         ast.BinOp(total(count, keepdims), ast.Sub(), ddof))
    return variance if name == "var" else _call(np_, "sqrt", [variance])
