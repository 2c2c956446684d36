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
"""

import ast
import copy

from .call_lines import rewrite_calls

SPELLED = frozenset({"polyfit"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    rewrite_calls(forward, ("polyfit",), _rewritten)


def _rewritten(node, name, np_, fresh):
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
    vander = ast.Call(np_attr("vander"), [copy.deepcopy(given["x"]), ast.Constant(deg.value + 1)], [])
    solved = ast.Call(np_attr("linalg", "lstsq"), [vander, copy.deepcopy(given["y"])],
                      [ast.keyword("rcond", ast.Constant(None))])
    return [], ast.Subscript(solved, ast.Constant(0), ast.Load())
