"""NumPy's outer of a ufunc, written as the outer products it is.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.multiply.outer(a, b)``, ``np.add.outer(a, b)``,
``np.subtract.outer(a, b)`` and those of ``SPREAD`` of a function the environment binds to NumPy
(``a`` and ``b`` given by position) with the outer product that computes it
for operands of every rank: ``np.tensordot(a, b, axes=0)`` (``a[..., None, ...]
* b``, every axis of ``a`` then every axis of ``b``), and ``np.tensordot(a,
np.ones_like(b), axes=0) + np.tensordot(np.ones_like(a), b, axes=0)`` for the
sum (``-`` for the difference), whose gradients the rules of its parts give; the outer of another
binary ufunc (``SPREAD``: comparisons, ``np.maximum``, ``np.power``...) is that ufunc of the two
operands so spread, ``np.greater(np.tensordot(a, np.ones_like(b), axes=0), np.tensordot(np.ones_like(a),
b, axes=0))``.
``a`` and ``b``, written twice there, are expressions without side effects, as
arguments are.  Other ufuncs' outers, and these with keywords, are left as they
are (and refused as functions with no rule).
"""

import ast

from .source import numpy_attribute, tree_copy, walk

SPELLED = frozenset({"outer"})  # (parse runs this rewriter only where the function spells one)
OPERATORS = {"add": ast.Add, "subtract": ast.Sub}
# Binary ufuncs whose outer is the ufunc of both operands spread over the axes of the other
# (np.greater.outer(y, y): the pairs' order of a ranking's labels)
SPREAD = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "maximum", "minimum",
                    "divide", "true_divide", "power", "logaddexp", "hypot", "arctan2"})


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    if not numpy_names:
        return

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            found = numpy_attribute(node.func, numpy_names)
            ufuncs = ("multiply", "add", "subtract") + tuple(SPREAD)
            if found is None or not found[1].endswith(".outer") or found[1][:-len(".outer")] not in ufuncs or \
                    len(node.args) != 2 or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            np_, ufunc = found[0], found[1].split(".")[0]
            a, b = node.args
            if ufunc == "multiply":
                new = _outer(np_, a, b)
            elif ufunc in SPREAD:
                new = ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), ufunc, ast.Load()),
                               [_outer(np_, a, _ones_like(np_, b)), _outer(np_, _ones_like(np_, a), b)], [])
            else:
                new = ast.BinOp(_outer(np_, a, _ones_like(np_, b)), OPERATORS[ufunc](), _outer(np_, _ones_like(np_, a), b))
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _outer(np_, a, b):
    tensordot = ast.Attribute(ast.Name(np_, ast.Load()), "tensordot", ast.Load())
    return ast.Call(tensordot, [tree_copy(a), tree_copy(b)], [ast.keyword("axes", ast.Constant(0))])


def _ones_like(np_, a):
    return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "ones_like", ast.Load()), [tree_copy(a)], [])
