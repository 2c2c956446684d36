"""Operations backgen stages itself: no NumPy function of that name is called.

Fused gates (the sigmoid, ``a if c else b`` on arrays), values that carry no
gradient (``inert``), calls of the user's helpers (``call``, undone by calling
their generated backwards in ``reverse``), Python lists of arrays, and writes
into a copy of an array (``setitem``, undone in ``reverse``).
"""

from .base import Rule


def _listed(c):
    """Whether the operand is a Python list (built by append), not an array whose rows NumPy reads."""
    return c.current in c._reverse.staged.lists


def _one_number(c):
    """The number's gradient given back the array's shape, as an array of that one element."""
    if c.shape_free:
        return f"{c.np}.reshape({c.g}, {c.np}.shape({c.x}))"
    return c.g if c.ndim("x") == 0 else f"{c.np}.full({c.x}.shape, {c.g})"


def _unstack(c):
    axis = c.param("axis", 0)
    if not _listed(c):  # np.stack(X) of an array: its rows, moved to ``axis``
        return c.g if axis == 0 else f"{c.np}.moveaxis({c.g}, {axis}, 0)"
    if axis == 0:
        return f"list({c.g})"
    return f"list({c.np}.moveaxis({c.g}, {axis}, 0))"


def _parts(c):
    """np.concatenate(xs, axis=k), np.vstack(xs), np.hstack(xs), np.column_stack(xs) of a list built by
    append: the list of each element's part of g, cut where the elements' sizes along the axis (read as
    the code runs: they may differ) say.  np.vstack takes numbers and vectors as rows beside blocks of
    rows, np.hstack numbers beside vectors, and np.column_stack numbers and vectors as columns beside
    blocks of columns: there each part takes its element's own shape back."""
    rule, xs, np_ = c.op.rule, c.current, c.np
    if not _listed(c):
        c.unsupported(f"{rule.removesuffix('_list')} of an array (not a list built by append): reshape the "
                      "array instead, or build a list")
    if rule == "np.column_stack_list":  # a column of each number or vector, its columns of each matrix
        cuts = f"{np_}.cumsum([1 if {np_}.ndim(part) < 2 else part.shape[1] for part in {xs}])[:-1]"
        return (f"list(piece.reshape({np_}.shape(part)) for piece, part in zip({np_}.split({c.g}, {cuts}, "
                f"axis=1), {xs}))")
    mixed = None  # the np.atleast_* that makes the elements alike, where their ranks may differ
    if rule == "np.concatenate_list":
        axis = c.param("axis", 0)
        if c.op.param("axis") == "None":
            c.unsupported("np.concatenate(..., axis=None) of a list: concatenate the arrays raveled")
    elif c.shape_free and rule == "np.vstack_list":  # rows at every rank: a number or a vector is one
        mixed, axis = "atleast_2d", 0
    elif c.shape_free:  # np.hstack: along the first axis of vectors, the second of others (by the first element)
        axis = c.setup("axis", f"0 if {np_}.ndim({xs}[0]) <= 1 else 1")
        cuts = f"{np_}.cumsum([{np_}.atleast_1d(part).shape[{axis}] for part in {xs}])[:-1]"
        return (f"list(piece.reshape({np_}.shape(part)) for piece, part in zip({np_}.split({c.g}, {cuts}, "
                f"axis={axis}), {xs}))")
    else:
        rank = c.ndim(c.op.args[0]) - 1  # the first element's (a list's shape is its length, then its elements')
        axis = 1 if rule == "np.hstack_list" and rank >= 2 else 0  # (NumPy's choice, by the first element)
        if rule == "np.vstack_list" and rank <= 2:
            mixed = "atleast_2d"
        elif rule == "np.hstack_list" and rank <= 1:
            mixed = "atleast_1d"
    if mixed is not None:  # (views of g: a new list, so that they are copied where they become an
        cuts = f"{np_}.cumsum([{np_}.{mixed}(part).shape[0] for part in {xs}])[:-1]"  # input's gradient)
        return f"list(piece.reshape({np_}.shape(part)) for piece, part in zip({np_}.split({c.g}, {cuts}), {xs}))"
    size = "len(part)" if axis == 0 else f"part.shape[{axis}]"
    where = "" if axis == 0 else f", axis={axis}"
    return f"list({np_}.split({c.g}, {np_}.cumsum([{size} for part in {xs}])[:-1]{where}))"  # (views of g: a
    # new list, as list(g) is, so that they are copied where they become an input's gradient)


def _item(c):
    """[a, b, c]: each element's gradient is its place in the list's gradient."""
    return f"{c.g}[{c.position}]"


def _spread(c):
    """sum(xs): each element gets the whole gradient (its own copy), summed back over the axes it was
    broadcast along where the elements' shapes differ (``sum([np.ones((3, 4)), s])``)."""
    staged = c._reverse.staged
    if not _listed(c):  # sum(x) of an array: its rows added (x.sum(axis=0)), each row the whole gradient
        return f"{c.np}.broadcast_to({c.g}, {c.np}.shape({c.current}))" if c.shape_free else \
            f"{c.np}.broadcast_to({c.g}, {c.current}.shape)"
    if not c._reverse.numpy:  # plain code: the elements are numbers, which nothing writes into
        return f"[{c.g} for _ in {c.current}]"
    if c.shape_free or c.op.target in getattr(staged.shapes, "uneven", ()):
        return f"[_unbroadcast({c.np}.copy({c.g}), part) for part in {c.current}]"  # (each its own array)
    return f"[{c.np}.copy({c.g}) for _ in {c.current}]"


def _first_extreme(c):
    """max(xs), min(xs) of a list of numbers: the whole gradient to the first element equal to the
    result (the one the builtin returns), none to the others."""
    first = c.setup("first", f"{c.current}.index({c.out})")
    return f"[{c.g} if i == {first} else 0.0 * v for i, v in enumerate({c.current})]"


RULES = {
    "np.sigmoid": Rule(("x",), grads={"x": "(1 - out) * out"}, hint="sig{first}",
                       examples=("1 / (1 + np.exp(-x)) | x=2x3",), floats=True),
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
    "np.stack_list": Rule(("arrays",), grads={"arrays": _unstack}, hint="stacked",
                          examples=("xs = []; xs.append(a); xs.append(b); return np.stack(xs, axis=1) | a=3, b=3",
                                    "return np.stack(a, axis=-1) | a=2x3")),
    # np.concatenate(xs), np.vstack(xs), np.hstack(xs) of a list built by append: its gradient a list
    "np.concatenate_list": Rule(("arrays",), grads={"arrays": _parts}, hint="concatenated",
                                examples=("xs = []; xs.append(a); xs.append(b * a); return np.concatenate(xs) "
                                          "| a=2x3, b=2x3",
                                          "xs = [a]; xs.append(b[:, :1]); return np.concatenate(xs, axis=-1) "
                                          "| a=2x3, b=2x3",
                                          "xs = []; xs.append(a); xs.append(b); return np.concatenate(xs, axis=1) "
                                          "| a=2x3, b=2x1")),
    "np.vstack_list": Rule(("tup",), grads={"tup": _parts}, hint="stacked",
                           examples=("xs = []; xs.append(a); xs.append(b); return np.vstack(xs) | a=3, b=3",
                                     "xs = []; xs.append(a); xs.append(b[:1]); return np.vstack(xs) | a=2x3, b=2x3",
                                     "xs = []; xs.append(a); xs.append(b); return np.vstack(xs) | a=(), b=()",
                                     "xs = [a]; xs.append(b); return np.vstack(xs) | a=2x3, b=1x3")),
    "np.hstack_list": Rule(("tup",), grads={"tup": _parts}, hint="stacked",
                           examples=("xs = []; xs.append(a); xs.append(b[1:]); return np.hstack(xs) | a=3, b=3",
                                     "xs = []; xs.append(a); xs.append(b); return np.hstack(xs) | a=2x3, b=2x1",
                                     "xs = []; xs.append(a); xs.append(b); return np.hstack(xs) | a=(), b=()")),
    "np.column_stack_list": Rule(("tup",), grads={"tup": _parts}, hint="stacked",
                                 examples=("xs = []; xs.append(a); xs.append(b[1:]); return np.column_stack(xs) "
                                           "| a=2, b=3",
                                           "xs = [a]; xs.append(b); return np.column_stack(xs) | a=3x2, b=3")),
    "list_max": Rule(("xs",), grads={"xs": _first_extreme}, hint="peak",
                     examples=("xs = [a, a * b, b]; return max(xs) | a=(), b=()",)),
    "list_min": Rule(("xs",), grads={"xs": _first_extreme}, hint="low",
                     examples=("xs = [a, a * b, b]; return min(xs) | a=(), b=()",)),
    "list_sum": Rule(("xs",), grads={"xs": _spread},
                     examples=("xs = [a, a * b]; return sum(xs) | a=2x3, b=2x3", "np.sum(sum(a * b) * b[0]) | a=2x3, b=2x3",
                               "sum(a ** 2) * np.tanh(b) | a=4, b=()")),
    # a write into a copy of an array: a_1 = a.copy(); a_1[idx] = v (see reverse)
    "setitem": Rule(("a", "v")),
    # x.item(): the one number an array of one element holds (J = (r.T @ r).item() of a (1, 1) array)
    "np.item": Rule(("x",), grads={"x": _one_number}, fresh=True,
                    examples=("x.item() * x | x=1x1", "np.sum(x) + x.item() | x=1", "np.sum(x * x).item() * 2.0 | x=3")),
}
