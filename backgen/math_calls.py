"""Calls of ``math`` with no rule of their own, written as the arithmetic they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call of a function the environment binds to ``math``:

* ``math.fsum(xs)`` becomes ``sum(xs)``: the same sum (fsum's only rounds once);
* ``math.hypot(a, b, c, ...)`` of other than two arguments becomes
  ``math.hypot(math.hypot(a, b), c) ...`` (one, ``math.hypot(a, 0.0)``): the
  rule of two, whose gradient at 0 is 0 (a square root's would divide by 0);
* ``math.dist(p, q)`` of two points written out as tuples or lists of the same
  length becomes ``math.hypot(p0 - q0, p1 - q1) ...`` so too; of points not
  written out it is left as it is (and refused: their length is not known).
"""

import ast

from .source import module_calls


def rewrite(forward):
    calls = module_calls(forward.env, "math", ("fsum", "hypot", "dist"))
    if calls is None:
        return
    which, math_names = calls

    def hypot_of(terms):
        """``math.hypot`` of two numbers at a time: ``math.hypot(math.hypot(a, b), c)``."""
        if math_names:
            module = sorted(math_names)[0]
        else:
            module = forward.env["math"] = "math"  # (a name for math in the generated module)
        terms = terms if len(terms) > 1 else terms + [ast.Constant(0.0)]
        out = terms[0]
        for term in terms[1:]:
            out = ast.Call(ast.Attribute(ast.Name(module, ast.Load()), "hypot", ast.Load()), [out, term], [])
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
                new = hypot_of(list(node.args))
            elif name == "dist" and len(node.args) == 2 and \
                    all(isinstance(a, (ast.Tuple, ast.List)) for a in node.args) and \
                    len(node.args[0].elts) == len(node.args[1].elts) > 0:
                new = hypot_of([ast.BinOp(p, ast.Sub(), q) for p, q in zip(node.args[0].elts, node.args[1].elts)])
            else:
                return node
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
