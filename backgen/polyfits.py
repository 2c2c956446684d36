"""NumPy's least-squares polynomial fit, written as the least squares it solves.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``np.polyfit(x, y, deg)`` of a function the environment binds to NumPy (``deg`` an
integer written out, by position or as ``deg=``; no other argument), standing in a
simple statement outside conditional expressions, ``and``/``or`` and comprehensions,
by ``np.linalg.lstsq(np.vander(x, deg + 1), y, rcond=None)[0]``: the coefficients,
the highest power first, of the polynomial of least squared error at the points
``x`` (NumPy scales the columns of the same matrix before it solves, which moves
the result by rounding only, where the points tell the powers apart), differentiated by
the rules of np.linalg.lstsq and np.vander.  Other calls (weights ``w``, ``full``,
``cov``, ``rcond``) are left as they are, and refused as functions with no rule.

``np.polyder(p, m=1)`` (``m`` an integer written out) becomes what NumPy computes, ``m`` times ``p[:-1] *
np.arange(len(p) - 1, 0, -1)`` of ``p`` (put in a name of its own first); and a polynomial NumPy's
``poly1d`` makes, called at once (``np.poly1d(p)(x)``) or named where every read of the name calls it
(``poly = np.poly1d(p)``, then ``poly(x)``; ``p`` a name the function never binds again nor writes into), is
``np.polyval(p, x)``, which is what its call computes.
"""

import ast

from .call_lines import rewrite_calls
from .scipy_calls import numpy_alias
from .source import module_calls, walk, tree_copy

SPELLED = frozenset({"polyfit", "polyder", "poly1d"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("polyfit", "polyder"), _rewritten)
    calls = module_calls(forward.env, "numpy", ("poly1d",))
    if calls is not None:
        _poly1d(forward, calls[0], numpy_alias(forward))


def _poly1d(forward, which, np_):
    """``np.poly1d(p)(x)`` and ``poly = np.poly1d(p)`` read only as ``poly(x)``: ``np.polyval(p, x)``."""
    def polyval(p, x):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "polyval", ast.Load()), [tree_copy(p), x], [])

    def made(node):  # the p of np.poly1d(p), or None
        return node.args[0] if isinstance(node, ast.Call) and which(node.func) == "poly1d" and \
            len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred) else None
    stored = {}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stored[node.id] = stored.get(node.id, 0) + 1
    written = {n.value.id for n in walk(forward.func) if isinstance(n, (ast.Subscript, ast.Attribute)) and
               not isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name)} | {
        n.target.id for n in walk(forward.func) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    named = {}  # poly -> p, of poly = np.poly1d(p) at the function's top level
    for stmt in forward.func.body:
        p = made(stmt.value) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name) else None
        if p is not None and stored.get(stmt.targets[0].id) == 1 and isinstance(p, ast.Name) and \
                p.id in {a.arg for a in forward.func.args.args} and not stored.get(p.id) and p.id not in written:
            named[stmt.targets[0].id] = (stmt, p)
    parents = {id(child): node for node in walk(forward.func) for child in ast.iter_child_nodes(node)}
    for name in list(named):  # (every read of poly calls it with one value)
        if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and not (
                isinstance(parents.get(id(n)), ast.Call) and parents[id(n)].func is n and
                len(parents[id(n)].args) == 1 and not parents[id(n)].keywords) for n in walk(forward.func)):
            del named[name]

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            p = made(node.func)
            if p is not None and len(node.args) == 1 and not node.keywords:
                return ast.copy_location(polyval(p, node.args[0]), node)
            if isinstance(node.func, ast.Name) and node.func.id in named:
                return ast.copy_location(polyval(named[node.func.id][1], node.args[0]), node)
            return node
    Calls().visit(forward.func)
    dropped = {id(stmt) for stmt, _ in named.values()}
    forward.func.body = [stmt for stmt in forward.func.body if id(stmt) not in dropped]
    for node in walk(forward.func):
        for sub in walk(node):
            if not hasattr(sub, "lineno") and isinstance(sub, (ast.expr, ast.stmt)):
                ast.copy_location(sub, node)


def _rewritten(node, name, np_, fresh):
    if name == "polyder":
        return _polyder(node, np_, fresh)
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg != "deg" for k in node.keywords):
        return None
    given = dict(zip(("x", "y", "deg"), node.args))
    for keyword in node.keywords:
        if keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    deg = given.get("deg")
    if len(node.args) > 3 or set(given) != {"x", "y", "deg"} or not (
            isinstance(deg, ast.Constant) and type(deg.value) is int and deg.value >= 0):
        return None

    def np_attr(*names):
        node = ast.Name(np_, ast.Load())
        for part in names:
            node = ast.Attribute(node, part, ast.Load())
        return node
    vander = ast.Call(np_attr("vander"), [tree_copy(given["x"]), ast.Constant(deg.value + 1)], [])
    solved = ast.Call(np_attr("linalg", "lstsq"), [vander, tree_copy(given["y"])],
                      [ast.keyword("rcond", ast.Constant(None))])
    return [], ast.Subscript(solved, ast.Constant(0), ast.Load())


def _polyder(node, np_, fresh):
    """``np.polyder(p, m)``: the lines computing NumPy's derivative's coefficients, and their name."""
    if any(isinstance(a, ast.Starred) for a in node.args) or len(node.args) > 2 or \
            any(k.arg not in ("p", "m") for k in node.keywords):
        return None
    given = dict(zip(("p", "m"), node.args))
    for keyword in node.keywords:
        if keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    m = given.get("m", ast.Constant(1))
    if "p" not in given or not (isinstance(m, ast.Constant) and type(m.value) is int and m.value >= 0):
        return None
    name = fresh("dpoly")

    def np_attr(attr):
        return ast.Attribute(ast.Name(np_, ast.Load()), attr, ast.Load())

    def load():
        return ast.Name(name, ast.Load())
    lines = [ast.Assign([ast.Name(name, ast.Store())], ast.Call(np_attr("asarray"), [tree_copy(given["p"])], []))]
    for _ in range(m.value):  # p[:-1] * np.arange(len(p) - 1, 0, -1)
        count = ast.BinOp(ast.Call(ast.Name("len", ast.Load()), [load()], []), ast.Sub(), ast.Constant(1))
        lines.append(ast.Assign([ast.Name(name, ast.Store())], ast.BinOp(
            ast.Subscript(load(), ast.Slice(None, ast.UnaryOp(ast.USub(), ast.Constant(1)), None), ast.Load()),
            ast.Mult(), ast.Call(np_attr("arange"), [count, ast.Constant(0), ast.UnaryOp(ast.USub(), ast.Constant(1))],
                                 []))))
    return lines, load()
