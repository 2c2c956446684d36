"""Calls of ``math`` with no rule of their own, written as the arithmetic they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call of a function the environment binds to ``math``:

* ``math.fsum(xs)`` becomes ``sum(xs)``: the same sum (fsum's only rounds once);
* ``math.hypot(a, b, c, ...)`` of other than two arguments becomes
  ``math.sqrt(a * a + b * b + c * c ...)`` (two keep their own rule);
* ``math.dist(p, q)`` of two points written out as tuples or lists of the same
  length becomes ``math.sqrt((p0 - q0) ** 2 + (p1 - q1) ** 2 ...)``; of points
  not written out it is left as it is (and refused: their length is not known).
"""

import ast
import copy

from .source import module_calls


def rewrite(forward):
    calls = module_calls(forward.env, "math", ("fsum", "hypot", "dist"))
    if calls is None:
        return
    which, math_names = calls

    def sqrt():
        if math_names:
            return ast.Attribute(ast.Name(sorted(math_names)[0], ast.Load()), "sqrt", ast.Load())
        forward.env["math"] = "math"  # (a name for math in the generated module)
        return ast.Attribute(ast.Name("math", ast.Load()), "sqrt", ast.Load())

    def total(terms):
        out = terms[0]
        for term in terms[1:]:
            out = ast.BinOp(out, ast.Add(), term)
        return out

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = which(node.func)
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            if name == "fsum" and len(node.args) == 1:
                new = ast.Call(ast.Name("sum", ast.Load()), node.args, [])
                forward.env.setdefault("sum", "sum")
            elif name == "hypot" and len(node.args) not in (0, 2):
                new = ast.Call(sqrt(), [total([ast.BinOp(a, ast.Mult(), copy.deepcopy(a)) for a in node.args])], [])
            elif name == "dist" and len(node.args) == 2 and \
                    all(isinstance(a, (ast.Tuple, ast.List)) for a in node.args) and \
                    len(node.args[0].elts) == len(node.args[1].elts) > 0:
                terms = [ast.BinOp(ast.BinOp(p, ast.Sub(), q), ast.Pow(), ast.Constant(2))
                         for p, q in zip(node.args[0].elts, node.args[1].elts)]
                new = ast.Call(sqrt(), [total(terms)], [])
            else:
                return node
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
