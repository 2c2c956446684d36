"""NumPy's correlation, written as the convolution it is.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.correlate(a, v, mode='valid')`` of a function the environment binds
to NumPy with ``np.convolve(a, v[::-1], mode)``, which NumPy computes the same
for real vectors in modes 'valid' and 'full' at every pair of lengths, and mode
'same' with its slice of mode 'full' (``np.convolve(a, v[::-1], 'full')[s:][:max(len(a),
len(v))]``, ``s = min((len(v) - 1) // 2, len(a) // 2)``: NumPy centres a correlation otherwise
than a convolution where a is the shorter); the rule of ``np.convolve`` then differentiates it.
Other modes (and modes not written as constants) are refused at the call.
"""

import ast

from .source import module_calls, tree_copy, walk
from .scipy_calls import numpy_alias
_BUILTINS = frozenset({"len", "min", "max"})
SPELLED = frozenset({"correlate"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("correlate",))
    if calls is None:
        return
    which, _ = calls

    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)}

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
            if not (isinstance(mode, ast.Constant) and mode.value in ("valid", "full", "same")):
                raise forward.error("np.correlate is differentiated in modes 'full', 'same' and 'valid'", node)
            np_name = numpy_alias(forward)
            convolve = ast.Attribute(ast.Name(np_name, ast.Load()), "convolve", ast.Load())
            flipped = ast.Subscript(given["v"], ast.Slice(None, None, ast.UnaryOp(ast.USub(), ast.Constant(1))),
                                    ast.Load())
            if mode.value == "same":  # (NumPy centres it otherwise than np.convolve's 'same' where a is
                if _BUILTINS & bound:  # the shorter: a slice of 'full', its bounds by the builtins)
                    raise forward.error(f"np.correlate in mode 'same' is differentiated as a slice of mode 'full' "
                                        f"bounded by len, min and max, which this function binds to values of "
                                        f"its own ({', '.join(sorted(_BUILTINS & bound))}): rename them", node)
                new = _same(convolve, given["a"], flipped, given["v"])
            else:
                new = ast.Call(convolve, [given["a"], flipped, mode], [])
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _same(convolve, a, flipped, v):
    """``np.correlate(a, v, 'same')``: the max(len(a), len(v)) values of ``np.convolve(a, v[::-1], 'full')``
    from min((len(v) - 1) // 2, len(a) // 2) on, as NumPy centres them at every pair of lengths."""
    def length(x):
        return ast.Call(ast.Name("len", ast.Load()), [tree_copy(x)], [])
    start = ast.Call(ast.Name("min", ast.Load()), [
        ast.BinOp(ast.BinOp(length(v), ast.Sub(), ast.Constant(1)), ast.FloorDiv(), ast.Constant(2)),
        ast.BinOp(length(a), ast.FloorDiv(), ast.Constant(2))], [])
    size = ast.Call(ast.Name("max", ast.Load()), [length(a), length(v)], [])
    full = ast.Call(convolve, [a, flipped, ast.Constant("full")], [])
    return ast.Subscript(ast.Subscript(full, ast.Slice(start, None, None), ast.Load()),
                         ast.Slice(None, size, None), ast.Load())
