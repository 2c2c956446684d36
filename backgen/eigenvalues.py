"""NumPy's eigenvalues of a symmetric matrix, written as the first part of np.linalg.eigh.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.linalg.eigvalsh(a, UPLO='L')`` of a function the environment binds
to NumPy with ``np.linalg.eigh(a, UPLO)[0]``: the
same eigenvalues, in ascending order, whose gradient the rule of
``np.linalg.eigh`` gives (``v diag(g) v.T`` on the lower triangle it reads).
"""

import ast

from .source import numpy_attribute

SPELLED = frozenset({"eigvalsh"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not numpy_names:
        return

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            found = numpy_attribute(node.func, numpy_names)
            if found is None or found[1] != "linalg.eigvalsh":
                return node
            np_ = found[0]
            eigh = ast.Attribute(ast.Attribute(ast.Name(np_, ast.Load()), "linalg", ast.Load()), "eigh", ast.Load())
            new = ast.Subscript(ast.Call(eigh, node.args, node.keywords), ast.Constant(0), ast.Load())
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
