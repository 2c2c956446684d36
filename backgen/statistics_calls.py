"""The ``statistics`` module's means and spreads, written as the Python arithmetic they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of one argument
(no keywords) of a function the environment binds to ``statistics`` (``import statistics [as
st]``, ``from statistics import fmean``):

* ``mean(xs)`` and ``fmean(xs)`` become ``sum(xs) / len(xs)``;
* ``pvariance(xs)`` and ``variance(xs)`` become ``sum((v - m) ** 2 for v in xs) / n``, ``m`` the
  mean above and ``n`` ``len(xs)`` (``len(xs) - 1`` for ``variance``): the two passes
  ``statistics`` makes, not a difference of sums of squares, which loses digits;
* ``pstdev(xs)`` and ``stdev(xs)`` become ``math.sqrt`` of those;

``xs`` a list, tuple or array (its rows, as ``statistics`` iterates it), written once or more:
an expression without side effects, as arguments are; a generator written there is read as the
list it yields (``[x * w for x in xs]``), which can be read twice.  Other calls of the module
(``median``, ``NormalDist``, ``variance(xs, xbar)``) are left as they are, and refused.
"""

import ast
import copy

from .source import fresh_names, module_calls, name_ids

SPELLED = frozenset({"mean", "fmean", "pvariance", "variance", "pstdev", "stdev"})  # (parse runs this rewriter
# only where the function spells one)


def rewrite(forward):
    calls = module_calls(forward.env, "statistics", tuple(SPELLED))
    if calls is None:
        return
    which, _ = calls
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in ast.walk(forward.func.args) if isinstance(a, ast.arg)},
                        bare=True)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = which(node.func)
            if name is None or len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                return node
            items = node.args[0]
            if isinstance(items, ast.GeneratorExp):  # (read twice below: the list it yields)
                items = ast.ListComp(items.elt, items.generators)
            new = _mean(items)
            if name in ("pvariance", "variance", "pstdev", "stdev"):
                new = _variance(items, new, name in ("variance", "stdev"), fresh("v"))
            if name in ("pstdev", "stdev"):
                forward.env.setdefault("math", "math")
                module = next((n for n, meaning in sorted(forward.env.items()) if meaning == "math"), "math")
                new = ast.Call(ast.Attribute(ast.Name(module, ast.Load()), "sqrt", ast.Load()), [new], [])
            for builtin in ("sum", "len"):
                forward.env.setdefault(builtin, builtin)
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _mean(items):
    """``sum(xs) / len(xs)``."""
    return ast.BinOp(_call("sum", copy.deepcopy(items)), ast.Div(), _call("len", copy.deepcopy(items)))


def _variance(items, mean, sample, name):
    """``sum((v - mean) ** 2 for v in xs) / len(xs)`` (``len(xs) - 1`` for a ``sample``'s)."""
    deviation = ast.BinOp(ast.BinOp(ast.Name(name, ast.Load()), ast.Sub(), mean), ast.Pow(), ast.Constant(2))
    squares = ast.GeneratorExp(deviation, [ast.comprehension(ast.Name(name, ast.Store()), copy.deepcopy(items), [],
                                                             0)])
    count = _call("len", copy.deepcopy(items))
    if sample:
        count = ast.BinOp(count, ast.Sub(), ast.Constant(1))
    return ast.BinOp(_call("sum", squares), ast.Div(), count)


def _call(name, arg):
    return ast.Call(ast.Name(name, ast.Load()), [arg], [])

