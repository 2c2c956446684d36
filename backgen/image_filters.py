"""SciPy's 2-D correlation and convolution, written as NumPy's windows of the image weighted by the kernel.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``correlate2d(in1, in2, mode)`` and ``convolve2d(in1, in2, mode)`` of a function the environment binds to
``scipy.signal`` (``from scipy.signal import convolve2d``, ``signal.convolve2d``) with what SciPy
computes for real 2-D arrays with zeros outside the image (``boundary='fill'``, ``fillvalue=0``, the
defaults)::

    np.einsum("ijab,ab->ij", np.lib.stride_tricks.sliding_window_view(np.pad(in1, pads), np.shape(in2)), in2)

each output the window of the image padded as the mode says weighted by the kernel (flipped,
``in2[::-1, ::-1]``, for a convolution), whose rules then differentiate it in both.  ``'valid'`` pads
nothing, ``'full'`` (SciPy's default) ``k - 1`` on each side of an axis where the kernel has ``k``,
``'same'`` ``(k - 1) // 2`` before and ``k // 2`` after (the other way round for a convolution): the
places SciPy centres its output at, for kernels of odd and even sizes (``kh, kw = np.shape(in2)`` on a
line before).  An operand other than a name is computed on
a line before.  Another boundary or fill value, a mode not written as a string, or a call where a line
before would not run exactly when it does (a conditional expression, a comprehension) is refused at
the call.  A kernel larger than the image in ``'valid'`` mode, which SciPy swaps with the image, raises
NumPy's error where the code runs.
"""

import ast

from .call_lines import assigned_at, lines_before, located
from .filters import signal_function
from .scipy_calls import numpy_alias
from .source import fresh_names, name_ids, walk

SPELLED = frozenset({"convolve2d", "correlate2d"})  # (parse runs this rewriter only where the function spells one)
_PARAMS = ("in1", "in2", "mode", "boundary", "fillvalue")


def rewrite(forward):
    def which(func):
        name = signal_function(forward.env, func)
        return name if name in SPELLED else None

    if not any(isinstance(n, ast.Call) and which(n.func) for n in walk(forward.func)):
        return
    np_name = numpy_alias(forward)
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)},
                        bare=True)

    def np_attr(*path):
        node = ast.Name(np_name, ast.Load())
        for part in path:
            node = ast.Attribute(node, part, ast.Load())
        return node

    def filtered(node, before):
        kind = which(node.func)
        given = dict(zip(_PARAMS, node.args))
        if len(node.args) > len(_PARAMS) or any(isinstance(a, ast.Starred) for a in node.args) or \
                any(k.arg not in _PARAMS or k.arg in given for k in node.keywords):
            raise forward.error(f"scipy.signal.{kind} is read with in1, in2, mode, boundary and fillvalue", node)
        given.update({k.arg: k.value for k in node.keywords})
        if "in1" not in given or "in2" not in given:
            raise forward.error(f"scipy.signal.{kind} needs in1 and in2 written out", node)
        mode = given.get("mode", ast.Constant("full"))
        boundary = given.get("boundary", ast.Constant("fill"))
        fill = given.get("fillvalue", ast.Constant(0))
        if not (isinstance(mode, ast.Constant) and mode.value in ("valid", "full", "same")) or \
                not (isinstance(boundary, ast.Constant) and boundary.value == "fill") or \
                not (isinstance(fill, ast.Constant) and not isinstance(fill.value, bool) and fill.value == 0):
            raise forward.error(f"scipy.signal.{kind} is differentiated in modes 'valid', 'full' and 'same' (a "
                                "string written there), with zeros outside the image (boundary='fill', "
                                "fillvalue=0)", node)

        def named(value, prefix):
            if isinstance(value, ast.Name):
                return value
            before.append(assigned_at(fresh(prefix), value, node))
            return ast.Name(before[-1].targets[0].id, ast.Load())

        image_name, kernel_name = named(given["in1"], "image").id, named(given["in2"], "kernel").id

        def image():
            return ast.Name(image_name, ast.Load())

        def kernel():
            return ast.Name(kernel_name, ast.Load())
        if mode.value == "valid":
            padded = image()
        else:
            sizes = [fresh("kh"), fresh("kw")]  # kh, kw = np.shape(k), on a line before
            before.append(located(ast.Assign([ast.Tuple([ast.Name(n, ast.Store()) for n in sizes], ast.Store())],
                                             ast.Call(np_attr("shape"), [kernel()], [])), node))
            pads = []
            for size in sizes:
                def less_one():
                    return ast.BinOp(ast.Name(size, ast.Load()), ast.Sub(), ast.Constant(1))

                def half(value):
                    return ast.BinOp(value, ast.FloorDiv(), ast.Constant(2))
                if mode.value == "full":
                    widths = [less_one(), less_one()]
                elif kind == "correlate2d":
                    widths = [half(less_one()), half(ast.Name(size, ast.Load()))]
                else:
                    widths = [half(ast.Name(size, ast.Load())), half(less_one())]
                pads.append(ast.Tuple(widths, ast.Load()))
            padded = ast.Call(np_attr("pad"), [image(), ast.Tuple(pads, ast.Load())], [])
        windows = ast.Call(np_attr("lib", "stride_tricks", "sliding_window_view"),
                           [padded, ast.Call(np_attr("shape"), [kernel()], [])], [])
        weights = kernel() if kind == "correlate2d" else ast.Subscript(kernel(), ast.Tuple(
            [ast.Slice(None, None, ast.UnaryOp(ast.USub(), ast.Constant(1)))] * 2, ast.Load()), ast.Load())
        return ast.Call(np_attr("einsum"), [ast.Constant("ijab,ab->ij"), windows, weights], [])

    lines_before(forward, lambda node, before: ast.copy_location(filtered(node, before), node)
                 if which(node.func) else node)
    for node in walk(forward.func):
        if isinstance(node, ast.Call) and which(node.func):
            raise forward.error(f"scipy.signal.{which(node.func)} is differentiated where a statement computes it "
                                "(an assignment, a return), not in a comprehension, a lambda, a conditional "
                                "expression or a while test: compute it on a line before", node)
    ast.fix_missing_locations(forward.func)
