"""``dict(a=x, b=y)``, the builtin called with keywords alone, written as the display ``{"a": x, "b": y}``.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of the builtin
``dict`` (a name the module and the function do not bind otherwise) whose arguments are keywords
alone, one at least and no ``**``, by the dict display of the same keys (as strings) and values,
in the order written: the same new dict, which the stager reads as it reads a display written
there (a helper given it, ``val["a"]``).  Any other call of ``dict`` is left as it is.
"""

import ast
from .source import walk

SPELLED = frozenset({"dict"})  # (parse runs this rewriter only where the function spells it)


def rewrite(forward):
    func = forward.func
    if forward.env.get("dict", "dict") != "dict" or "dict" in forward.helpers or any(
            isinstance(n, ast.Name) and n.id == "dict" and not isinstance(n.ctx, ast.Load) for n in walk(func)):
        return  # (dict bound to something else: left as it is)

    class Displays(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if not (isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args and node.keywords
                    and all(k.arg is not None for k in node.keywords)):
                return node
            keys = [ast.copy_location(ast.Constant(k.arg), k.value) for k in node.keywords]
            return ast.copy_location(ast.Dict(keys, [k.value for k in node.keywords]), node)

    func.body = [Displays().visit(stmt) for stmt in func.body]
