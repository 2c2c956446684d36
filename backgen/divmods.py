"""``divmod(a, b)`` and ``np.divmod(a, b)``, written as the pair they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
of the builtin ``divmod`` (a name the module and the function leave unbound) or of
``np.divmod`` (``divmod`` imported from NumPy by name too), of two positional
arguments and no keywords, by the tuple ``(a // b, a % b)``: Python's float
``//`` is the quotient ``divmod`` gives (both round the same exact quotient),
and NumPy's ``np.divmod`` is ``(np.floor_divide, np.remainder)`` elementwise,
which ``//`` and ``%`` of arrays are (``divmod(a, b)[1]`` is the item itself).  The rules of ``//`` (no gradient) and
``%`` (``a - b * (a // b)``) then differentiate it.  Arguments that call a
function of the module, a method that writes (``xs.pop()``) or an unknown
function are left as they are (each would run twice), and so refused as before.
"""

import ast

from .math_calls import PairItems
from .source import module_calls, tree_copy, walk

SPELLED = frozenset({"divmod"})  # (parse runs this rewriter only where the function spells one)
_BUILTINS = frozenset({"abs", "float", "int", "min", "max", "round", "pow", "len", "sum"})
_CHANGING = frozenset({"pop", "append", "extend", "insert", "remove", "sort", "reverse", "clear", "update",
                       "setdefault", "popitem", "fill", "resize", "put", "itemset", "partition"})  # (writes)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("divmod",))
    which = calls[0] if calls is not None else (lambda func: None)
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}
    builtin = "divmod" not in bound and "divmod" not in forward.env and "divmod" not in forward.helpers and \
        "divmod" not in forward.constants

    def pure(node):  # (computed twice, as the same number: no write, no user function)
        for n in walk(node):
            if isinstance(n, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda)):
                return False
            if isinstance(n, ast.Call):
                func = n.func
                if isinstance(func, ast.Name) and not (func.id in _BUILTINS and func.id not in bound and
                                                       func.id not in forward.env and func.id not in forward.helpers):
                    return False
                if isinstance(func, ast.Attribute) and func.attr in _CHANGING:
                    return False
                root = func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id in forward.helpers:
                    return False
        return True

    class Calls(PairItems):  # (divmod(a, b)[1]: the item itself)
        def visit_Call(self, node):
            self.generic_visit(node)
            spelled = which(node.func) == "divmod" or \
                builtin and isinstance(node.func, ast.Name) and node.func.id == "divmod"
            if not spelled or node.keywords or len(node.args) != 2 or \
                    any(isinstance(a, ast.Starred) or not pure(a) for a in node.args):
                return node
            a, b = node.args
            new = ast.Tuple([ast.BinOp(a, ast.FloorDiv(), b),
                             ast.BinOp(tree_copy(a), ast.Mod(), tree_copy(b))], ast.Load())
            new.pair = True
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
