"""NumPy's elementwise functions given a new array to write into and a mask (``out=``, ``where=``),
written as what they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``np.f(x1, ..., out=o, where=m)`` of an elementwise NumPy function ``f`` (those of
``guarded.ELEMENTWISE``: ``divide``, ``log``, ``sqrt``...) the environment binds to NumPy, standing
in a simple statement outside conditional expressions, ``and``/``or`` and comprehensions, ``o`` an
array made there of a value it is filled with (``np.zeros_like(a)``, ``np.ones_like(a)``,
``np.full_like(a, v)``, ``np.zeros(s)``, ``np.ones(s)``, ``np.full(s, v)``), by
``np.where(m, np.f(x1, ...), o)``: what ``f`` computes where ``m`` holds, ``o``'s value elsewhere
(the safe division ``np.divide(a, b, out=np.zeros_like(a), where=b != 0)``).  The value ``f``
computes where ``m`` does not hold (``a / 0``) is left out by ``np.where``, its gradient there 0
(``guarded``).  Other calls with ``out=`` or ``where=`` (an array of the function's own written into,
``np.empty_like``'s, whose values are left as they happen to be) are left as they are, and refused.
"""

import ast

from .call_lines import rewrite_calls
from .guarded import ELEMENTWISE
from .rules import RULES
from .source import tree_copy

SPELLED = frozenset({"out"})  # (parse runs this rewriter only where the function spells one)
FUNCTIONS = tuple(sorted({name[3:] for name in ELEMENTWISE if name.startswith("np.") and not name.startswith("np._")} |
                         {alias[3:] for name in ELEMENTWISE if name in RULES for alias in RULES[name].aliases
                          if alias.startswith("np.")}))  # (np.true_divide, np.absolute too)
_FILLED = {"zeros_like": 1, "ones_like": 1, "full_like": 2, "zeros": 1, "ones": 1, "full": 2}  # (its arguments
# before dtype: the array or shape, and the value)


def rewrite(forward):
    rewrite_calls(forward, FUNCTIONS, _rewritten)


def _rewritten(node, name, np_, fresh):
    keywords = {k.arg: k.value for k in node.keywords}
    if set(keywords) != {"out", "where"} or len(node.keywords) != 2 or not node.args or \
            any(isinstance(a, ast.Starred) for a in node.args) or not _filled(keywords["out"], np_):
        return None
    value = ast.Call(tree_copy(node.func), [tree_copy(a) for a in node.args], [])
    where = ast.Attribute(ast.Name(np_, ast.Load()), "where", ast.Load())
    return [], ast.Call(where, [tree_copy(keywords["where"]), value, tree_copy(keywords["out"])], [])


def _filled(node, np_):
    """Whether ``node`` makes a new array filled with one value (``np.zeros_like(a)``, ``np.full(s, v)``)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
            isinstance(node.func.value, ast.Name) and node.func.value.id == np_ and node.func.attr in _FILLED):
        return False
    return len(node.args) == _FILLED[node.func.attr] and not any(isinstance(a, ast.Starred) for a in node.args) and \
        all(k.arg in ("dtype", "shape") for k in node.keywords)
