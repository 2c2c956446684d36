"""NumPy's trapezoidal rule, and np.linspace between end points the code computes, written as
what they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.trapezoid(y, x=None, dx=1.0, axis=-1)`` (and ``np.trapz``, its older
name, where the NumPy installed has it) of a function the environment binds
to NumPy with the sum NumPy computes:
``np.sum((y[..., 1:] + y[..., :-1]) * np.diff(x, axis=-1), axis=-1) / 2.0``
with ``x``, ``np.sum(y[..., 1:] + y[..., :-1], axis=-1) * dx / 2.0`` without,
whose gradients the rules of its parts give (``x``'s too).  ``y``, written
twice, is an expression without side effects, as arguments are.  Without ``x``,
another axis is moved last first (``np.moveaxis(y, axis, -1)``); with ``x``, the first
(``axis=0``: ``x`` moved alike, which leaves a vector as it is), and other axes are refused at the call.

SciPy's ``cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None)`` (imported from
``scipy.integrate``) becomes ``np.cumsum`` of the same areas along the last axis, after a 0 where
``initial=0``; another axis or ``initial`` is refused at the call.

Each ``np.linspace(start, stop, num=50, endpoint=True)`` whose end points are
not both numbers written out becomes
``start + np.tensordot(np.linspace(0.0, 1.0, num, endpoint=endpoint), stop -
start, axes=0)``: the same points (of numbers, or of arrays along a first axis,
as NumPy's), whose gradients in ``start`` and ``stop`` the rules of its parts
give; with ``axis`` (a whole number written out, not 0), that axis moved to where NumPy puts the
points (``np.moveaxis(..., 0, axis)``).  With ``retstep``, ``dtype`` or another ``axis`` it is left as it is.
"""

import ast

from . import source
from .source import module_calls, number, tree_copy, walk
from .scipy_calls import numpy_alias


NAMES = ("trapezoid", "trapz", "linspace")
TEMPLATE_CUMULATIVE_X = "np.cumsum((Y[..., 1:] + Y[..., :-1]) * np.diff(X, axis=-1), axis=-1) / 2.0"
TEMPLATE_CUMULATIVE_DX = "np.cumsum(Y[..., 1:] + Y[..., :-1], axis=-1) * DX / 2.0"
TEMPLATE_INITIAL = "np.concatenate([np.zeros_like(Y[..., :1]), CUMULATIVE], axis=-1)"
TEMPLATE_X = "np.sum((Y[..., 1:] + Y[..., :-1]) * np.diff(X, axis=-1), axis=-1) / 2.0"
TEMPLATE_DX = "np.sum(Y[..., 1:] + Y[..., :-1], axis=-1) * DX / 2.0"
TEMPLATE_LINSPACE = "A + np.tensordot(np.linspace(0.0, 1.0, NUM, endpoint=END), B - A, axes=0)"
SPELLED = frozenset(NAMES + ("cumulative_trapezoid",))  # (parse runs this rewriter only where the function
# spells one)


def rewrite(forward):
    cumulative = module_calls(forward.env, "scipy.integrate", ("cumulative_trapezoid",))
    if cumulative is not None:
        _cumulative(forward, cumulative[0])
    calls = module_calls(forward.env, "numpy", NAMES)
    if calls is None:
        return
    which, _ = calls

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = which(node.func)
            if name == "linspace":
                new = _linspace(node, forward)
                if new is node:
                    return node
            elif name is not None:
                new = _sum(forward, node)
            if name is not None:
                for sub in walk(new):
                    ast.copy_location(sub, node)
                return new
            return node
    Calls().visit(forward.func)


def _given(forward, call, params, said):
    """``{param: node}`` of a call's arguments, by place and by keyword, bound to ``params``; refused,
    saying ``said``, where one is starred, of another name or given twice."""
    if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args):
        raise forward.error(said, call)
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in given:
            raise forward.error(said, call)
        given[keyword.arg] = keyword.value
    return given


def _sum(forward, call):
    given = _given(forward, call, ("y", "x", "dx", "axis"), "np.trapezoid is read with y, x, dx and axis")
    axis = given.get("axis")
    last = axis is None or isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) and \
        isinstance(axis.operand, ast.Constant) and axis.operand.value == 1
    if "y" not in given:
        raise forward.error("np.trapezoid needs its y written out", call)
    x = given.get("x")
    if isinstance(x, ast.Constant) and x.value is None:
        x = None
    first = axis is not None and number(axis) == 0  # (x a vector, or of y's shape: moved alike, np.moveaxis(x,
    if not last and x is not None and not first:     # 0, -1) of a vector being the vector)
        raise forward.error("np.trapezoid with x is read along its last axis (axis=-1) or its first (axis=0): "
                            "move the axis there first", call)
    np_name = numpy_alias(forward)
    text = TEMPLATE_X if x is not None else TEMPLATE_DX
    y = given["y"]
    if not last:  # (np.trapezoid(y, dx=h, axis=0): along the axis moved last)
        y = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "moveaxis", ast.Load()),
                     [y, axis, ast.UnaryOp(ast.USub(), ast.Constant(1))], [])
        if x is not None:
            x = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "moveaxis", ast.Load()),
                         [x, ast.Constant(0), ast.UnaryOp(ast.USub(), ast.Constant(1))], [])
    parts = {"Y": y, "X": x, "DX": given.get("dx", ast.Constant(1.0))}

    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):  # (a copy where an argument is written twice)
            return tree_copy(parts[node.id]) if node.id in parts else node
    return Parts().visit(ast.parse(source.renamed(text, {"np": np_name}), mode="eval").body)


def _linspace(call, forward):
    params = ("start", "stop", "num", "endpoint", "retstep", "dtype", "axis")
    if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args):
        return call
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in given:
            return call
        given[keyword.arg] = keyword.value
    if any(k in given for k in ("retstep", "dtype")):
        return call  # (NumPy's own)
    axis = given.pop("axis", None)
    if axis is not None and not isinstance(number(axis), int):
        return call
    if "start" not in given or "stop" not in given or all(number(given[k]) is not None for k in ("start", "stop")):
        return call
    np_name = numpy_alias(forward)
    parts = {"A": given["start"], "B": given["stop"], "NUM": given.get("num", ast.Constant(50)),
             "END": given.get("endpoint", ast.Constant(True))}

    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):  # (a copy where an argument is written twice)
            return tree_copy(parts[node.id]) if node.id in parts else node
    points = Parts().visit(ast.parse(TEMPLATE_LINSPACE.replace("np.", f"{np_name}."), mode="eval").body)
    if axis is None or number(axis) == 0:
        return points
    return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "moveaxis", ast.Load()),
                    [points, ast.Constant(0), ast.Constant(number(axis))], [])


def _cumulative(forward, which):
    """SciPy's ``cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None)`` along the last axis, ``initial``
    None or 0: the running sums of the trapezoids' areas (after a 0 with ``initial=0``), as SciPy computes them."""
    np_name = numpy_alias(forward)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if which(node.func) != "cumulative_trapezoid":
                return node
            given = _given(forward, node, ("y", "x", "dx", "axis", "initial"),
                           "cumulative_trapezoid is read with y, x, dx, axis and initial")
            axis, initial = given.get("axis"), given.get("initial")
            if axis is not None and not (isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) and
                                         isinstance(axis.operand, ast.Constant) and axis.operand.value == 1):
                raise forward.error("cumulative_trapezoid is read along its last axis (axis=-1): move the axis "
                                    "there first", node)
            if initial is not None and not (isinstance(initial, ast.Constant) and (
                    initial.value is None or type(initial.value) in (int, float) and initial.value == 0)):
                raise forward.error("cumulative_trapezoid is read with initial=None or initial=0", node)
            if "y" not in given:
                raise forward.error("cumulative_trapezoid needs its y written out", node)
            x = given.get("x")
            if isinstance(x, ast.Constant) and x.value is None:
                x = None
            text = TEMPLATE_CUMULATIVE_X if x is not None else TEMPLATE_CUMULATIVE_DX
            if initial is not None and initial.value is not None:
                text = TEMPLATE_INITIAL.replace("CUMULATIVE", text)
            parts = {"Y": given["y"], "X": x, "DX": given.get("dx", ast.Constant(1.0))}

            class Parts(ast.NodeTransformer):
                def visit_Name(self, name):  # (a copy where an argument is written twice)
                    return tree_copy(parts[name.id]) if name.id in parts else name
            new = Parts().visit(ast.parse(source.renamed(text, {"np": np_name}), mode="eval").body)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
