"""NumPy's arrays broadcast against each other, written as each array broadcast to their shape.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``np.broadcast_arrays(a, b, ...)`` of a function the environment binds to NumPy (its arrays
given by position, no keywords) with the tuple NumPy 2 returns,
``(np.broadcast_to(a, s), np.broadcast_to(b, s), ...)``, ``s`` being
``np.broadcast_shapes(np.shape(a), np.shape(b), ...)``: the same values, each gradient summed
back over the axes its array was broadcast along (the rule of ``np.broadcast_to``).  The
arrays, written more than once there, are expressions without side effects, as arguments are; an
item taken by a constant index (``np.broadcast_arrays(a, b)[1]``) is that item's ``np.broadcast_to``.
(NumPy's own results are views of the arrays, writable with a warning; those of
``np.broadcast_to`` are read-only, as backgen follows them.)
Likewise ``np.atleast_2d(a, b, ...)`` (``atleast_1d``, ``atleast_3d``) of two arrays or more, which
returns each array so raised: ``(np.atleast_2d(a), np.atleast_2d(b), ...)`` (``[gamma, beta] =
np.atleast_2d(gamma, beta)``, a CS231n layer norm).
"""

import ast

from .source import number, numpy_attribute, tree_copy, walk

RAISED = frozenset({"atleast_1d", "atleast_2d", "atleast_3d"})
SPELLED = frozenset({"broadcast_arrays"}) | RAISED  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not numpy_names:
        return

    class Calls(ast.NodeTransformer):
        def visit_Subscript(self, node):
            self.generic_visit(node)
            made, at = node.value, number(node.slice)
            if not (getattr(made, "broadcast_arrays", False) and isinstance(node.ctx, ast.Load) and type(at) is int
                    and -len(made.elts) <= at < len(made.elts)):
                return node
            return made.elts[at]

        def visit_Call(self, node):
            self.generic_visit(node)
            found = numpy_attribute(node.func, numpy_names)
            if found is None or found[1] not in SPELLED or not node.args or node.keywords or \
                    any(isinstance(a, ast.Starred) for a in node.args):
                return node
            np_ = found[0]
            if found[1] in RAISED:
                if len(node.args) == 1:  # (one array: the array itself)
                    return node
                new = ast.Tuple([_call(np_, found[1], [a]) for a in node.args], ast.Load())
            else:
                shape = _call(np_, "broadcast_shapes", [_call(np_, "shape", [tree_copy(a)]) for a in node.args])
                new = ast.Tuple([_call(np_, "broadcast_to", [tree_copy(a), tree_copy(shape)])
                                 for a in node.args], ast.Load())
            for sub in walk(new):
                ast.copy_location(sub, node)
            new.broadcast_arrays = True  # (made here: an item indexed is that item)
            return new
    Calls().visit(forward.func)


def _call(np_, name, args):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), name, ast.Load()), args, [])
