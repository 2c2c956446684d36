"""Parameters whose values math's functions of integers alone are given: data, not differentiated.

Contract: ``integral_params(func, names) -> frozenset`` of those of ``names`` (parameters of the def
``func``, which never binds them) whose values, or items, reach an argument of ``math.factorial``,
``math.comb``, ``math.perm`` or ``math.gcd``: directly (``math.factorial(n)``), by an item
(``math.factorial(counts[i])``), or through a name a loop binds to their items (``for k in counts:``,
``for i, k in enumerate(counts)``, ``for x, k in zip(xs, counts)``) or an assignment binds to one
(``k = counts[i]``).  Those functions raise for a float, so such a parameter holds integers wherever
the function returns: a Poisson likelihood's counts, as ``math.factorial(k)`` reads them.
"""

import ast
from .source import walk

INTEGER_FUNCTIONS = frozenset({"factorial", "comb", "perm", "gcd"})


def integral_params(func, names):
    names = set(names)
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    reached = set()
    for node in walk(func):
        if isinstance(node, ast.Call) and _integer_function(node.func):
            for arg in node.args:
                reached |= {_base(part) for part in walk(arg)} - {None}
    sources = _item_sources(func)
    changed = True
    while changed:  # (k from counts, then counts)
        changed = False
        for name in list(reached):
            for source in sources.get(name, ()):
                if source not in reached:
                    reached.add(source)
                    changed = True
    return frozenset(n for n in reached if n in names and n not in stored)


def _integer_function(func):
    if isinstance(func, ast.Attribute):
        return func.attr in INTEGER_FUNCTIONS and isinstance(func.value, ast.Name) and func.value.id == "math"
    return isinstance(func, ast.Name) and func.id in INTEGER_FUNCTIONS


def _base(node):
    """The name an item or a name itself reads (``counts`` of ``counts[i]``), else None."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else None


def _item_sources(func):
    """``{name: {parameter or name whose items it is bound to}}`` of loops and assignments."""
    sources = {}
    for node in walk(func):
        if isinstance(node, (ast.For, ast.comprehension)):
            pairs = _loop_pairs(node.target, node.iter)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Subscript):
            pairs = [(node.targets[0].id, _base(node.value))]
        else:
            continue
        for name, source in pairs:
            if name and source:
                sources.setdefault(name, set()).add(source)
    return sources


def _loop_pairs(target, iterable):
    """(bound name, the name whose items it gets) of a loop's target over ``iterable``."""
    if isinstance(target, ast.Name):
        return [(target.id, _base(iterable))]
    if not (isinstance(target, ast.Tuple) and isinstance(iterable, ast.Call) and
            isinstance(iterable.func, ast.Name) and not iterable.keywords):
        return []
    elts, args = target.elts, iterable.args
    if iterable.func.id == "enumerate" and len(elts) == 2 and args:
        return _loop_pairs(elts[1], args[0])
    if iterable.func.id == "zip" and len(elts) == len(args):
        return [pair for elt, arg in zip(elts, args) for pair in _loop_pairs(elt, arg)]
    return []
