"""NumPy shape operations: transposes, reshapes, joins, repeats and indexing.

Their gradients move the upstream gradient back: transposed back, reshaped
to the operand's shape, sliced out of a join, summed over repeats, or
scattered into the indexed places (``Scatter``).
"""

from .base import Rule, Scatter


def _reshape_back(c):
    if c.shape("out") == ():  # a number's gradient may be a Python float: no .reshape
        return f"{c.np}.reshape({c.g}, {c.shape_of(c.inputs[0])})"
    return f"{c.g}.reshape({c.shape_of(c.inputs[0])})"


def _transpose(c):
    if c.shape("out") == ():  # a number transposed is itself
        return c.g
    axes = c.param("axes")
    if axes is None:
        return f"{c.g}.T"
    axes = [a % len(axes) for a in axes]
    inverse = tuple(sorted(range(len(axes)), key=lambda i: axes[i]))
    return f"{c.g}.transpose({', '.join(map(str, inverse))})"


def _swapaxes(c):
    return f"{c.g}.swapaxes({c.param('axis1')}, {c.param('axis2')})"


def _concatenate(c):
    return c.concat_grad(c.param("axis", 0))


def _stack(c):
    return c.stack_grad(c.param("axis", 0))


def _hstack(c):
    return c.concat_grad(0 if c.ndim(c.current) <= 1 else 1)


def _vstack(c):
    return c.vstack_grad()


def _broadcast_to(c):
    return c.unbroadcast(c.g, "array")


def _tile(c):
    return c.tile_grad()


def _repeat(c):
    return c.repeat_grad()


def _getitem(c):
    if c.only_new_axes():  # x[:, None] is a reshape
        return f"{c.g}.reshape({c.shape_of(c.x)})"
    return Scatter(c.param_source("index"), c.advanced_index() and not c.distinct_rows())


RULES = {
    "np.transpose": Rule(("a",), grads={"a": _transpose}, signature="a, axes=None",
                         methods=(("transpose", "a, *axes"),), hint="{first}T|trans"),
    "np.swapaxes": Rule(("a",), grads={"a": _swapaxes}, signature="a, axis1, axis2", methods=("swapaxes",)),
    "np.reshape": Rule(("a",), grads={"a": _reshape_back}, signature="a, *newshape",
                       methods=(("reshape", "a, *newshape"),)),
    "np.ravel": Rule(("a",), grads={"a": _reshape_back}, signature="a", methods=("ravel", "flatten")),
    "np.expand_dims": Rule(("a",), grads={"a": _reshape_back}, signature="a, axis"),
    "np.squeeze": Rule(("a",), grads={"a": _reshape_back}, signature="a, axis=None", methods=("squeeze",)),
    "np.atleast_2d": Rule(("a",), grads={"a": _reshape_back}, signature="a"),
    "np.concatenate": Rule(("arrays",), grads={"arrays": _concatenate}, variadic=", ", signature="arrays, axis=0"),
    "np.stack": Rule(("arrays",), grads={"arrays": _stack}, variadic=", ", signature="arrays, axis=0"),
    "np.hstack": Rule(("tup",), grads={"tup": _hstack}, variadic=", ", signature="tup"),
    "np.vstack": Rule(("tup",), grads={"tup": _vstack}, variadic=", ", signature="tup"),
    "np.broadcast_to": Rule(("array",), grads={"array": _broadcast_to}, signature="array, shape"),
    "np.tile": Rule(("A",), grads={"A": _tile}, signature="A, reps"),
    "np.repeat": Rule(("a",), grads={"a": _repeat}, signature="a, repeats, axis=None", methods=("repeat",)),
    "getitem": Rule(("x",), grads={"x": _getitem}, hint="sel"),
}
