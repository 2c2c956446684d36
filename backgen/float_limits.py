"""``np.finfo`` of a float type written out, read as the number it gives.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
``np.finfo(T).attr`` (or ``finfo`` imported by name) whose ``T`` is a float type
written out (``float``, ``np.float64``, ``np.float32``, ``np.float16``,
``np.double``, ``np.single``, ``np.half``, or their names as strings) and whose
``attr`` is one of ``eps``, ``tiny``, ``smallest_normal``, ``max``, ``min`` or
``resolution`` with that number (``eps = np.finfo(float).eps`` in a loss:
``2.220446049250313e-16``).  A type not written out (``np.finfo(x.dtype)``)
is left as it is (and refused: the dtype is the caller's).
"""

import ast

import numpy

from .source import module_calls, walk

TYPES = {"float": numpy.float64, "float64": numpy.float64, "double": numpy.float64, "float32": numpy.float32,
         "single": numpy.float32, "float16": numpy.float16, "half": numpy.float16}
ATTRIBUTES = ("eps", "tiny", "smallest_normal", "max", "min", "resolution")
SPELLED = frozenset({"finfo"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("finfo",))
    if calls is None:
        return
    which, aliases = calls
    assigned = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    assigned |= {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}

    def float_type(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return TYPES.get(node.value)
        if isinstance(node, ast.Name) and node.id == "float" and "float" not in assigned:
            return numpy.float64
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            return TYPES.get(node.attr)
        return None

    class Limits(ast.NodeTransformer):
        def visit_Attribute(self, node):
            self.generic_visit(node)
            call = node.value
            if node.attr in ATTRIBUTES and isinstance(node.ctx, ast.Load) and isinstance(call, ast.Call) and \
                    which(call.func) == "finfo" and len(call.args) == 1 and not call.keywords:
                kind = float_type(call.args[0])
                if kind is not None:
                    return ast.copy_location(ast.Constant(float(getattr(numpy.finfo(kind), node.attr))), node)
            return node
    Limits().visit(forward.func)
