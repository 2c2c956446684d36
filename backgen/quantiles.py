"""NumPy's quantiles and percentiles, written as the interpolation between order statistics they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.quantile(a, q)`` and ``np.percentile(a, q)`` (``q`` a number, a list
of them or any expression; no axis, or ``axis=None``; or one whole number as the
axis where ``q`` is a number or a list of them, with ``keepdims`` where it is a
number; the default method, 'linear', also written out, or ``method=`` 'lower', 'higher', 'midpoint' or 'nearest')
of a function the environment binds to NumPy, standing in a simple
statement (an assignment, a return, an expression) outside conditional
expressions, ``and``/``or`` and comprehensions, with the lines NumPy computes
it by, written just before that statement::

    srt = np.sort(np.ravel(a))
    top = np.size(a) - 1
    pos = top * np.asarray(q)      # (q / 100.0 for a percentile)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, top)

and the call by ``srt[lo] + (srt[hi] - srt[lo]) * (pos - lo)`` (method 'lower' by ``srt[lo]``, 'higher' by
``srt[hi]`` and 'midpoint' by ``(srt[lo] + srt[hi]) / 2`` with ``hi = np.ceil(pos).astype(int)``, 'nearest' by
``srt[lo]`` with ``lo = np.around(pos).astype(int)``, NumPy's rounding half to even).  Along an axis ``k``,
``srt = np.moveaxis(np.sort(a, axis=k), k, -1)``, ``top = np.shape(a)[k] - 1`` and
the order statistics ``srt[..., lo]`` (the value's last axis, q's, moved first
where ``q`` is a list; ``np.expand_dims(..., k)`` of it with ``keepdims=True``): the gradient
goes to the two order statistics each quantile lies between, by their weights
(and to ``q``, where it is differentiated, by their difference).  ``a`` and
``q``, read again there, are expressions without side effects, as arguments
are.  Other calls are left as they are (and refused as functions with no rule).
"""

import ast

from . import source
from .call_lines import rewrite_calls
from .source import tree_copy

SPELLED = frozenset({"quantile", "percentile"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("quantile", "percentile"), _quantile)


def _quantile(node, name, np_, fresh):
    given = _arguments(node)
    return None if given is None else _interpolation(np_, given, name == "percentile", fresh)


def _arguments(call):
    """``{"a": ..., "q": ...}`` of a call with no arguments but those (``axis=None``; or a whole number
    as ``"axis"`` where ``q`` is a number or a list of them, with ``"keepdims"`` where it is a number),
    else None."""
    if len(call.args) > 3 or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    given = dict(zip(("a", "q", "axis"), call.args))
    for keyword in call.keywords:
        if keyword.arg not in ("a", "q", "axis", "keepdims", "method") or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    method = given.pop("method", None)
    if method is not None:
        if not (isinstance(method, ast.Constant) and method.value in _METHODS):
            return None
        given["method"] = method.value
    axis, keepdims = given.pop("axis", None), given.pop("keepdims", None)
    if set(given) - {"method"} != {"a", "q"}:
        return None
    if axis is not None and not (isinstance(axis, ast.Constant) and axis.value is None):
        if _whole(axis) is None or _numbers(given["q"]) is None:
            return None  # (along an axis: q a number, or a list of them)
        given["axis"] = _whole(axis)
    if keepdims is not None:
        if not isinstance(keepdims, ast.Constant) or not isinstance(keepdims.value, bool):
            return None
        if keepdims.value and ("axis" not in given or _number(given["q"]) is None):
            return None  # (the axes kept where q is an array, or of the whole array: left as they are)
        given["keepdims"] = keepdims.value
    return given


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")  # (NumPy's methods read here)


def _whole(node):
    """The whole number a node writes (``1``, ``-1``), or None."""
    value = source.number(node)
    return value if value.__class__ is int else None


def _numbers(node):
    """0 where a node writes a number, 1 a list or tuple of numbers, None otherwise."""
    if _number(node) is not None:
        return 0
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(_number(e) is not None for e in node.elts):
        return 1
    return None


def _number(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _number(node.operand)
    return node.value if isinstance(node, ast.Constant) and type(node.value) in (int, float) else None


def _interpolation(np_, given, percent, fresh):
    def np_call(function, *args, **keywords):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), function, ast.Load()), list(args),
                        [ast.keyword(k, v) for k, v in keywords.items()])

    def load(name):
        return ast.Name(name, ast.Load())

    def assign(name, value):
        return ast.Assign([ast.Name(name, ast.Store())], value)
    a, q, axis = given["a"], given["q"], given.get("axis")
    srt, top, pos, lo, hi = fresh("srt"), fresh("top"), fresh("pos"), fresh("lo"), fresh("hi")
    fraction = np_call("asarray", tree_copy(q))
    if percent:
        fraction = ast.BinOp(fraction, ast.Div(), ast.Constant(100.0))
    floor = np_call("floor", load(pos))
    if axis is None:
        ordered = np_call("sort", np_call("ravel", tree_copy(a)))
        count = np_call("size", tree_copy(a))
    else:  # the order statistics along the axis, moved last: srt[..., lo] has a's other axes, then q's
        ordered = np_call("moveaxis", np_call("sort", tree_copy(a), axis=ast.Constant(axis)),
                          ast.Constant(axis), ast.Constant(-1))
        count = ast.Subscript(np_call("shape", tree_copy(a)), ast.Constant(axis), ast.Load())
    lines = [
        assign(srt, ordered),
        assign(top, ast.BinOp(count, ast.Sub(), ast.Constant(1))),
        assign(pos, ast.BinOp(load(top), ast.Mult(), fraction)),
        assign(lo, ast.Call(ast.Attribute(floor, "astype", ast.Load()), [ast.Name("int", ast.Load())], [])),
        assign(hi, np_call("minimum", ast.BinOp(load(lo), ast.Add(), ast.Constant(1)), load(top))),
    ]
    method = given.get("method", "linear")
    if method in ("higher", "midpoint"):  # (the order statistic at or above: pos itself where it is whole)
        lines[-1] = assign(hi, ast.Call(ast.Attribute(np_call("ceil", load(pos)), "astype", ast.Load()),
                                        [ast.Name("int", ast.Load())], []))
    elif method == "nearest":  # (NumPy rounds half to even)
        lines[-2] = assign(lo, ast.Call(ast.Attribute(np_call("around", load(pos)), "astype", ast.Load()),
                                        [ast.Name("int", ast.Load())], []))

    def at(index):
        key = load(index) if axis is None else ast.Tuple([ast.Constant(Ellipsis), load(index)], ast.Load())
        return ast.Subscript(load(srt), key, ast.Load())
    low, high = at(lo), at(hi)
    step = ast.BinOp(ast.BinOp(high, ast.Sub(), tree_copy(low)), ast.Mult(),
                     ast.BinOp(load(pos), ast.Sub(), load(lo)))
    value = ast.BinOp(low, ast.Add(), step)
    if method in ("lower", "nearest"):
        value = at(lo)
    elif method == "higher":
        value = at(hi)
    elif method == "midpoint":
        value = ast.BinOp(ast.BinOp(at(lo), ast.Add(), at(hi)), ast.Div(), ast.Constant(2.0))
    if axis is not None and _numbers(q) == 1:  # NumPy puts q's axis first
        value = np_call("moveaxis", value, ast.Constant(-1), ast.Constant(0))
    if given.get("keepdims"):
        value = np_call("expand_dims", value, ast.Constant(axis))
    return lines, value
