"""NumPy's quantiles and percentiles, written as the interpolation between order statistics they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.quantile(a, q)`` and ``np.percentile(a, q)`` (``q`` a number, a list
of them or any expression; no axis, or ``axis=None``; the default method,
'linear') of a function the environment binds to NumPy, standing in a simple
statement (an assignment, a return, an expression) outside conditional
expressions, ``and``/``or`` and comprehensions, with the lines NumPy computes
it by, written just before that statement::

    srt = np.sort(np.ravel(a))
    top = np.size(a) - 1
    pos = top * np.asarray(q)      # (q / 100.0 for a percentile)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, top)

and the call by ``srt[lo] + (srt[hi] - srt[lo]) * (pos - lo)``: the gradient
goes to the two order statistics each quantile lies between, by their weights
(and to ``q``, where it is differentiated, by their difference).  ``a`` and
``q``, read again there, are expressions without side effects, as arguments
are.  Other calls are left as they are (and refused as functions with no rule).
"""

import ast
import copy

from .call_lines import rewrite_calls
SPELLED = frozenset({"quantile", "percentile"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("quantile", "percentile"), _quantile)


def _quantile(node, name, np_, fresh):
    given = _arguments(node)
    return None if given is None else _interpolation(np_, given, name == "percentile", fresh)


def _arguments(call):
    """``{"a": ..., "q": ...}`` of a call with no arguments but those (and ``axis=None``), else None."""
    if len(call.args) > 3 or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    given = dict(zip(("a", "q", "axis"), call.args))
    for keyword in call.keywords:
        if keyword.arg not in ("a", "q", "axis") or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    axis = given.pop("axis", None)
    if axis is not None and not (isinstance(axis, ast.Constant) and axis.value is None) or set(given) != {"a", "q"}:
        return None
    return given


def _interpolation(np_, given, percent, fresh):
    def np_call(function, *args):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), list(args), [])

    def load(name):
        return ast.Name(name, ast.Load())

    def assign(name, value):
        return ast.Assign([ast.Name(name, ast.Store())], value)
    a, q = given["a"], given["q"]
    srt, top, pos, lo, hi = fresh("srt"), fresh("top"), fresh("pos"), fresh("lo"), fresh("hi")
    fraction = np_call("asarray", copy.deepcopy(q))
    if percent:
        fraction = ast.BinOp(fraction, ast.Div(), ast.Constant(100.0))
    floor = np_call("floor", load(pos))
    lines = [
        assign(srt, np_call("sort", np_call("ravel", copy.deepcopy(a)))),
        assign(top, ast.BinOp(np_call("size", copy.deepcopy(a)), ast.Sub(), ast.Constant(1))),
        assign(pos, ast.BinOp(load(top), ast.Mult(), fraction)),
        assign(lo, ast.Call(ast.Attribute(floor, "astype", ast.Load()), [ast.Name("int", ast.Load())], [])),
        assign(hi, np_call("minimum", ast.BinOp(load(lo), ast.Add(), ast.Constant(1)), load(top))),
    ]
    low = ast.Subscript(load(srt), load(lo), ast.Load())
    high = ast.Subscript(load(srt), load(hi), ast.Load())
    step = ast.BinOp(ast.BinOp(high, ast.Sub(), copy.deepcopy(low)), ast.Mult(),
                     ast.BinOp(load(pos), ast.Sub(), load(lo)))
    return lines, ast.BinOp(low, ast.Add(), step)
