"""``sorted(xs)`` of numbers, written as the list ``np.sort`` gives.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of the builtin
``sorted`` (a name the module does not bind otherwise) with one positional argument and no keyword
but ``reverse=True`` or ``reverse=False``, in a module that imports NumPy, by ``list(np.sort(xs))``
(``list(np.sort(xs)[::-1])`` for ``reverse=True``): the list of the same numbers in order, as
``sorted`` makes it (``list`` is then read as ``list_calls`` reads it), the gradient of each number
going back to the place it came from (``np.sort``'s rule).  Python's ``sorted`` of a sequence of
numbers or of a vector: a matrix's rows compared raise in Python, as ``np.sort`` of it sorts each row
(never a program Python runs).  Ties hold equal numbers, whichever goes first.  A ``key=`` is left as
it is, for ``key_calls``.
"""

import ast

from .source import OwnTransformer, module_calls

SPELLED = frozenset({"sorted"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    if forward.env.get("sorted", "sorted") != "sorted" or "sorted" in forward.helpers:
        return  # (sorted bound to something else: left as it is)
    calls = module_calls(forward.env, "numpy", ("sort",))
    if calls is None or not calls[1]:
        return  # (no NumPy in the module: left as it is, and refused)
    np_name = calls[1][0]
    func = forward.func

    class Sorted(OwnTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if not (isinstance(node.func, ast.Name) and node.func.id == "sorted" and len(node.args) == 1 and
                    not isinstance(node.args[0], ast.Starred)):
                return node
            reverse = False
            for keyword in node.keywords:
                if keyword.arg != "reverse" or not isinstance(keyword.value, ast.Constant) or \
                        type(keyword.value.value) is not bool:
                    return node
                reverse = keyword.value.value
            ordered = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "sort", ast.Load()), [node.args[0]], [])
            if reverse:
                ordered = ast.Subscript(ordered, ast.Slice(None, None, ast.Constant(-1)), ast.Load())
            made = ast.Call(ast.Name("list", ast.Load()), [ordered], [])
            return ast.fix_missing_locations(ast.copy_location(made, node))

    Sorted(func).visit(func)  # (a nested function's own names: left to its own reading)
