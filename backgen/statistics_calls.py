"""The ``statistics`` module's means and spreads, written as the Python arithmetic they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of one argument
(no keywords) of a function the environment binds to ``statistics`` (``import statistics [as
st]``, ``from statistics import fmean``):

* ``mean(xs)`` and ``fmean(xs)`` by ``sum(xs) / len(xs)``;
* ``pvariance(xs)`` and ``variance(xs)`` by ``sum((v - m) ** 2 for v in xs) / n``, ``m`` the
  mean above and ``n`` ``len(xs)`` (``len(xs) - 1`` for ``variance``): the two passes
  ``statistics`` makes, not a difference of sums of squares, which loses digits;
* ``pstdev(xs)`` and ``stdev(xs)`` by ``math.sqrt`` of those;

``xs`` a list, tuple or array (its rows, as ``statistics`` iterates it); a generator there is read
as the list it yields (``[x * w for x in xs]``).  In a statement the values are computed just
before it, in assignments to fresh names (``xs`` bound to one where it is more than a name, then
the mean, then the variance), and the call is the name of its value; a call in a comprehension, a
lambda, or a statement with a conditional part (``a if c else b``, ``and``, ``or``) or a call that
may change a list is replaced by the expression itself, ``xs`` written out where it is read (an
expression without side effects, as arguments are).  Other calls of the module (``median``,
``NormalDist``, ``variance(xs, xbar)``) are left as they are, and refused.
"""

import ast

from .call_lines import assigned_at, lines_before, located
from .math_calls import _CHANGING
from .source import fresh_names, module_calls, name_ids, tree_copy, walk

SPELLED = frozenset({"mean", "fmean", "pvariance", "variance", "pstdev", "stdev"})  # (parse runs this rewriter
# only where the function spells one)
_SPREADS = frozenset({"pvariance", "variance", "pstdev", "stdev"})


def rewrite(forward):
    calls = module_calls(forward.env, "statistics", tuple(SPELLED))
    if calls is None:
        return
    which, _ = calls
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)},
                        bare=True)
    for builtin in ("sum", "len"):
        forward.env.setdefault(builtin, builtin)

    def sqrt(value):
        forward.env.setdefault("math", "math")
        module = next((n for n, meaning in sorted(forward.env.items()) if meaning == "math"), "math")
        return ast.Call(ast.Attribute(ast.Name(module, ast.Load()), "sqrt", ast.Load()), [value], [])

    def statistic(node):
        """``(name, items)`` of a call read here, else None."""
        name = which(node.func)
        if name is None or len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            return None
        items = node.args[0]
        return name, ast.ListComp(items.elt, items.generators) if isinstance(items, ast.GeneratorExp) else items

    class Inline(ast.NodeTransformer):
        """Each call as the expression it computes (in a comprehension, a lambda...)."""

        def visit_Call(self, node):
            self.generic_visit(node)
            read = statistic(node)
            if read is None:
                return node
            name, items = read
            new = _mean(items)
            if name in _SPREADS:
                new = _variance(items, new, name in ("variance", "stdev"), fresh("v"))
            new = sqrt(new) if name in ("pstdev", "stdev") else new
            return located(new, node)

    def kept(n):  # (a call that may change a list, or a helper: left to Inline below)
        return isinstance(n, ast.Call) and (isinstance(n.func, ast.Attribute) and n.func.attr in _CHANGING or
                                            isinstance(n.func, ast.Name) and n.func.id in forward.helpers)

    def replaced(node, before):
        read = statistic(node)
        if read is None:
            return node
        name, items = read
        if not isinstance(items, ast.Name):
            before.append(assigned_at(fresh("items"), items, node))
            items = ast.Name(before[-1].targets[0].id, ast.Load())
        before.append(assigned_at(fresh("mean"), _mean(items), node))
        value = ast.Name(before[-1].targets[0].id, ast.Load())
        if name in _SPREADS:
            spread = _variance(items, value, name in ("variance", "stdev"), fresh("v"))
            before.append(assigned_at(fresh("var"), spread, node))
            value = ast.Name(before[-1].targets[0].id, ast.Load())
        return located(sqrt(value) if name in ("pstdev", "stdev") else value, node)
    lines_before(forward, replaced, kept)
    Inline().visit(forward.func)


def _mean(items):
    """``sum(xs) / len(xs)``."""
    return ast.BinOp(_call("sum", tree_copy(items)), ast.Div(), _call("len", tree_copy(items)))


def _variance(items, mean, sample, name):
    """``sum((v - mean) ** 2 for v in xs) / len(xs)`` (``len(xs) - 1`` for a ``sample``'s)."""
    deviation = ast.BinOp(ast.BinOp(ast.Name(name, ast.Load()), ast.Sub(), tree_copy(mean)), ast.Pow(),
                          ast.Constant(2))
    squares = ast.GeneratorExp(deviation, [ast.comprehension(ast.Name(name, ast.Store()), tree_copy(items), [],
                                                             0)])
    count = _call("len", tree_copy(items))
    if sample:
        count = ast.BinOp(count, ast.Sub(), ast.Constant(1))
    return ast.BinOp(_call("sum", squares), ast.Div(), count)


def _call(name, arg):
    return ast.Call(ast.Name(name, ast.Load()), [arg], [])


