"""``list(xs)`` (and ``tuple(xs)``) of a sequence, written as the comprehension making that list.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of the builtin
``list`` (a name the module does not bind otherwise) with one positional argument that is neither
a comprehension (``list(... for ...)``, which ``desugar`` reads as the list its loop builds) nor
a call of a function named alone (``list(zip(a, b))``, ``list(range(n))``: iterators, left to
``iterables`` and the stager) by ``[item for item in xs]``, ``item`` a name the function does not
use: the new list of the items iterating ``xs`` gives, as ``list`` makes it.  Of an array that is
the list of its rows (``rows = list(Y)``), of a list a copy of it (a new list, the same items);
iterating either is followed as a comprehension's loop is (and refused where that is not
followed).  Loops' iterables wrapped in ``list`` were unwrapped before (``iterables``).  ``tuple(xs)``
is read alike: the tuple holds the same items, read as the list's are (a write into it, or ``+`` of
it and a list, raises in Python, and has no gradient to give).  NumPy's ``np.unstack(x, axis=k)``
(2.1), the arrays along an axis, is the list of the rows of ``np.moveaxis(x, k, 0)`` likewise.
"""

import ast

from .source import OwnTransformer, fresh_names, name_ids, walk

SPELLED = frozenset({"list", "tuple", "unstack"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    builtins = {name for name in ("list", "tuple") if forward.env.get(name, name) == name and
                name not in forward.helpers}
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not builtins and not numpy_names:
        return  # (list and tuple bound to something else: left as they are)
    func = forward.func
    item = fresh_names(name_ids(func) | {a.arg for a in walk(func) if isinstance(a, ast.arg)}, bare=True)("item")

    class Lists(OwnTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            rows = _unstacked(node, numpy_names)
            if rows is not None:  # np.unstack(x, axis): the rows of np.moveaxis(x, axis, 0)
                node = ast.copy_location(ast.Call(ast.Name("list", ast.Load()), [rows], []), node)
                if "list" not in builtins:
                    return node
            if not (isinstance(node.func, ast.Name) and node.func.id in builtins and len(node.args) == 1 and
                    not node.keywords and not isinstance(node.args[0], (ast.Starred, ast.ListComp, ast.GeneratorExp))):
                return node
            if isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name):
                return node  # (list(zip(a, b)), list(range(n)): iterators, left to what reads them)
            made = ast.ListComp(ast.Name(item, ast.Load()),
                                [ast.comprehension(ast.Name(item, ast.Store()), node.args[0], [], 0)])
            for sub in (made, made.elt, made.generators[0], made.generators[0].target):
                ast.copy_location(sub, node)
            return made

    Lists(func).visit(func)  # (a nested function's own names: left to its own reading)


def _unstacked(node, numpy_names):
    """``np.moveaxis(x, axis, 0)`` of a call ``np.unstack(x, axis=...)`` (``x`` by name too), else None."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "unstack" and isinstance(func.value, ast.Name) and
            func.value.id in numpy_names) or len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    bound = dict(zip(("x", "axis"), node.args))
    for keyword in node.keywords:
        if keyword.arg not in ("x", "axis") or keyword.arg in bound:
            return None
        bound[keyword.arg] = keyword.value
    if "x" not in bound:
        return None
    moved = ast.Call(ast.Attribute(ast.Name(func.value.id, ast.Load()), "moveaxis", ast.Load()),
                     [bound["x"], bound.get("axis", ast.Constant(0)), ast.Constant(0)], [])
    for part in walk(moved):
        if not hasattr(part, "lineno"):
            ast.copy_location(part, node)
    return moved
