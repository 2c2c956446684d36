"""Grids spaced by ratios, ``np.logspace`` and ``np.geomspace``, written as the ``np.linspace`` they scale.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of NumPy's
``logspace`` and ``geomspace`` whose arguments are ``start, stop, num`` and ``endpoint`` (and, for
``logspace``, ``base``), by position or keyword, with the formula NumPy computes:

* ``np.logspace(start, stop, num, endpoint, base=10.0)`` is ``base ** np.linspace(start, stop, num,
  endpoint=endpoint)``;
* ``np.geomspace(start, stop, num, endpoint)`` is ``np.sign(start) * np.exp(np.linspace(np.log(np.abs(
  start)), np.log(np.abs(stop)), num, endpoint=endpoint))`` (NumPy's grid of two ends of one sign; its
  ends written in exactly, where the formula's may differ in the last digit).

A grid whose ends are computed from differentiated values (an initial mass function from ``m_min``,
``np.logspace(np.log10(m_min), 2, 200)``; a wavelength grid between ``lam_min`` and ``lam_max``) is then
differentiated through ``np.linspace`` and the arithmetic around it.  Other arguments (``dtype``,
``axis``) leave the call as written (refused where its ends are differentiated).  The ends, written
twice in ``geomspace``'s formula, are expressions without side effects, as arguments are.
"""

import ast

from .source import numpy_attribute, tree_copy, walk

SPELLED = frozenset({"logspace", "geomspace"})  # (parse runs this rewriter only where the function spells one)
_PARAMS = {"logspace": ("start", "stop", "num", "endpoint", "base"), "geomspace": ("start", "stop", "num", "endpoint")}


def _which(forward, func, numpy_names):
    found = numpy_attribute(func, numpy_names) if isinstance(func, ast.Attribute) else None
    if found is not None:
        return found[1] if found[1] in SPELLED else None
    if isinstance(func, ast.Name):
        meaning = forward.env.get(func.id) or ""
        return meaning[len("numpy."):] if meaning in ("numpy.logspace", "numpy.geomspace") else None
    return None


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    np_name = sorted(numpy_names)[0] if numpy_names else None

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = _which(forward, node.func, numpy_names)
            if name is None or np_name is None or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            params = _PARAMS[name]
            if len(node.args) > len(params) or any(k.arg not in params for k in node.keywords):
                return node
            given = dict(zip(params, node.args))
            if any(k.arg in given for k in node.keywords):
                return node
            given.update({k.arg: k.value for k in node.keywords})
            if "start" not in given or "stop" not in given:
                return node
            new = _formula(name, given, np_name)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
    ast.fix_missing_locations(forward.func)


def _np(np_name, attr, *args):
    return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), attr, ast.Load()), list(args), [])


def _formula(name, given, np_name):
    start, stop = given["start"], given["stop"]
    if name == "geomspace":
        start, stop = _np(np_name, "log", _np(np_name, "abs", start)), \
            _np(np_name, "log", _np(np_name, "abs", stop))
    grid = _np(np_name, "linspace", start, stop)
    if "num" in given:
        grid.args.append(given["num"])
    if "endpoint" in given:
        grid.keywords.append(ast.keyword("endpoint", given["endpoint"]))
    if name == "logspace":
        return ast.BinOp(given.get("base", ast.Constant(10.0)), ast.Pow(), grid)
    return ast.BinOp(_np(np_name, "sign", tree_copy(given["start"])), ast.Mult(), _np(np_name, "exp", grid))
