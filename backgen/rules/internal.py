"""Operations backgen stages itself: no NumPy function of that name is called.

Fused gates (the sigmoid, ``a if c else b`` on arrays), values that carry no
gradient (``inert``), calls of the user's helpers (``call``, undone by calling
their generated backwards in ``reverse``), Python lists of arrays, and writes
into a copy of an array (``setitem``, undone in ``reverse``).
"""

from .base import Rule


def _unstack(c):
    axis = c.param("axis", 0)
    if axis == 0:
        return f"list({c.g})"
    return f"list({c.np}.moveaxis({c.g}, {axis}, 0))"


def _item(c):
    """[a, b, c]: each element's gradient is its place in the list's gradient."""
    return f"{c.g}[{c.position}]"


def _spread(c):
    """sum(xs): each element gets the whole gradient (its own copy)."""
    return f"[{c.np}.copy({c.g}) for _ in {c.current}]"


RULES = {
    "np.sigmoid": Rule(("x",), grads={"x": "(1 - out) * out"}, hint="sig{first}",
                       examples=("1 / (1 + np.exp(-x)) | x=2x3",)),
    "np.select_if": Rule(("c", "a", "b"), grads={"a": "g if c else np.zeros_like(a)",
                                                 "b": "np.zeros_like(b) if c else g"},
                           examples=("a if b.sum() > 0 else a * b | a=2x3, b=2x3",)),
    # values that carry no gradient: comparisons, masks, shapes, constructors
    "inert": Rule(("x",), variadic=", "),
    # a call of the user's own function: its generated backward is called (see reverse)
    "call": Rule(("args",), variadic=", "),
    # Python lists of arrays: xs_1 = xs + [v] (see reverse), np.stack(xs), sum(xs)
    "list_append": Rule(("xs", "v")),
    "list_make": Rule(("items",), grads={"items": _item}, variadic=", ",
                      examples=("xs = [a, b * a]; return np.stack(xs) | a=3, b=3",)),
    "np.stack_list": Rule(("arrays",), grads={"arrays": _unstack},
                          examples=("xs = []; xs.append(a); xs.append(b); return np.stack(xs, axis=1) | a=3, b=3",)),
    "list_sum": Rule(("xs",), grads={"xs": _spread},
                     examples=("xs = [a, a * b]; return sum(xs) | a=2x3, b=2x3",)),
    # a write into a copy of an array: a_1 = a.copy(); a_1[idx] = v (see reverse)
    "setitem": Rule(("a", "v")),
}
