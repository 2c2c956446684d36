"""NumPy's correlation, written as the convolution it is.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.correlate(a, v, mode='valid')`` of a function the environment binds
to NumPy with ``np.convolve(a, v[::-1], mode)``, which NumPy computes the same
for real vectors in every mode and at every pair of lengths; the rule of
``np.convolve`` then differentiates it.  Modes other than 'valid' and 'full'
(written as constants) are refused at the call.
"""

import ast

from .source import module_calls
from .scipy_calls import numpy_alias
SPELLED = frozenset({"correlate"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("correlate",))
    if calls is None:
        return
    which, _ = calls

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if which(node.func) is None:
                return node
            given = dict(zip(("a", "v", "mode"), node.args))
            if len(node.args) > 3 or any(isinstance(a, ast.Starred) for a in node.args) or \
                    any(k.arg not in ("a", "v", "mode") or k.arg in given for k in node.keywords):
                raise forward.error("np.correlate is read with a, v and mode", node)
            given.update({k.arg: k.value for k in node.keywords})
            if "a" not in given or "v" not in given:
                raise forward.error("np.correlate needs a and v written out", node)
            mode = given.get("mode", ast.Constant("valid"))
            if not (isinstance(mode, ast.Constant) and mode.value in ("valid", "full")):
                raise forward.error("np.correlate is differentiated in modes 'full' and 'valid'", node)
            np_name = numpy_alias(forward)
            convolve = ast.Attribute(ast.Name(np_name, ast.Load()), "convolve", ast.Load())
            flipped = ast.Subscript(given["v"], ast.Slice(None, None, ast.UnaryOp(ast.USub(), ast.Constant(1))),
                                    ast.Load())
            new = ast.Call(convolve, [given["a"], flipped, mode], [])
            for sub in ast.walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
