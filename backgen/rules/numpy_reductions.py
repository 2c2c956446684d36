"""NumPy reductions: sums, means, extremes, products, spreads and norms, with ``axis``
(an int, a tuple or None) and ``keepdims`` wherever NumPy has them.

Gradients are functions of a ``GradContext``: the upstream gradient gets its
reduced axes back (``g[:, None]``) and is spread over them.
"""

from .base import Rule

REDUCE = "a, axis=None, keepdims=False"


def _sum(c):
    return c.broadcast_back(c.g, "a")


def _mean(c):
    return c.broadcast_back(c.g, "a", scale=f" / {c.count('a')}")


def _extreme(c):
    """max/min: split the gradient evenly between tied extremes (deterministic)."""
    out = c.expand(c.out, "a")
    mask = c.setup("mask", f"{c.a} == {out}")
    if c.param("axis") is None:
        return f"{mask} * ({c.g} / {mask}.sum())"
    keep = c.axis_text()
    return f"{mask} * ({c.expand(c.g, 'a')} / {mask}.sum(axis={keep}, keepdims=True))"


def _prod(c):
    """g times the product of the other elements, built from running products from
    both ends: never ``out / a``, which is nan where an element is zero."""
    np_, a, axes = c.np, c.a, c.axes("a")
    if axes == () or c.ndim("a") == 0:  # a number: the product of one factor
        return c.g
    if axes is None:
        flat = c.setup("flat", f"{a}.ravel()")
        left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[:-1])))")
        right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(([1.0], {flat}[:0:-1])))[::-1]")
        return f"{c.g} * ({left} * {right}).reshape({a}.shape)"
    last = tuple(range(-len(axes), 0))
    moved = f"{np_}.moveaxis({a}, {axes[0] if len(axes) == 1 else axes}, {last[0] if len(axes) == 1 else last})"
    if len(axes) > 1:  # the reduced axes as one last axis
        moved = f"{moved}.reshape({moved}.shape[:{-len(axes)}] + (-1,))"
    rows = c.setup("rows", moved)
    ones = f"{np_}.ones_like({rows}[..., :1])"
    left = c.setup("left", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :-1]), axis=-1), axis=-1)")
    right = c.setup("right", f"{np_}.cumprod({np_}.concatenate(({ones}, {rows}[..., :0:-1]), axis=-1), "
                             f"axis=-1)[..., ::-1]")
    others = f"{left} * {right}"
    if len(axes) > 1:
        back = f"{np_}.moveaxis({a}, {axes}, {last})"
        others = f"({others}).reshape({back}.shape)"
        others = f"{np_}.moveaxis({others}, {last}, {axes})"
    else:
        others = f"{np_}.moveaxis({others}, -1, {axes[0]})"
    return f"{c.expand(c.g, 'a')} * {others}"


def _centered(c):
    if c.param("axis") is None:
        return f"({c.a} - {c.a}.mean())"
    return f"({c.a} - {c.a}.mean(axis={c.axis_text()}, keepdims=True))"


def _dof(c):
    ddof = c.param("ddof") or 0
    return c.count("a") if not ddof else f"({c.count('a')} - {ddof})"


def _var(c):
    if c.ndim("a") == 0:  # the spread of one number: always 0
        return f"{c.np}.zeros_like({c.a})"
    return f"(2 / {_dof(c)}) * {_centered(c)} * {c.expand(c.g, 'a')}"


def _std(c):
    if c.ndim("a") == 0:
        return f"{c.np}.zeros_like({c.a})"
    axes, shape = c.axes("a"), c.shape("a")
    if all(shape[i] == 1 for i in (range(len(shape)) if axes is None else axes)):
        return f"{c.np}.zeros_like({c.a})"  # the spread of one number: always 0 (never 0 / 0)
    return f"{_centered(c)} * {c.expand(c.g, 'a')} / ({_dof(c)} * {c.expand(c.out, 'a')})"


def _norm(c):
    order = c.param("ord")
    if order not in (None, 2, "fro") or (order == 2 and c.param("axis") is None and c.ndim("x") != 1):
        c.unsupported("np.linalg.norm is differentiated for the 2-norm of vectors and the Frobenius norm")
    if c.param("axis") is None:
        return f"({c.g} / {c.out}) * {c.x}"
    return f"{c.x} * {c.expand(f'({c.g} / {c.out})', 'x')}"


def _sum_square(c):
    return f"(2 * {c.a}) * {c.expand(c.g, 'a')}"


def _logsumexp(c):
    return f"{c.np}.exp({c.a} - {c.expand(c.out, 'a')}) * {c.expand(c.g, 'a')}"


RULES = {
    "np.sum": Rule(("a",), grads={"a": _sum}, signature=REDUCE, methods=("sum",), hint="{first}sum|total", fresh=True),
    "np.mean": Rule(("a",), grads={"a": _mean}, signature=REDUCE, methods=("mean",), hint="{first}mean|avg",
                    fresh=True),
    "np.max": Rule(("a",), grads={"a": _extreme}, signature=REDUCE, methods=("max",), aliases=("np.amax",),
                   hint="{first}max|peak"),
    "np.min": Rule(("a",), grads={"a": _extreme}, signature=REDUCE, methods=("min",), aliases=("np.amin",),
                   hint="{first}min|low"),
    "np.prod": Rule(("a",), grads={"a": _prod}, signature=REDUCE, methods=("prod",), hint="{first}prod|prod"),
    "np.var": Rule(("a",), grads={"a": _var}, signature="a, axis=None, ddof=0, keepdims=False", methods=("var",),
                   hint="{first}var|var"),
    "np.std": Rule(("a",), grads={"a": _std}, signature="a, axis=None, ddof=0, keepdims=False", methods=("std",),
                   hint="{first}std|std"),
    "np.linalg.norm": Rule(("x",), grads={"x": _norm}, signature="x, ord=None, axis=None, keepdims=False",
                           hint="norm{var}"),
    # fused gates: np.sum(np.square(x)) and np.log(np.sum(np.exp(x))) (see stage_calls)
    "np.sum_square": Rule(("a",), grads={"a": _sum_square}, hint="sumsq"),
    "np.logsumexp": Rule(("a",), grads={"a": _logsumexp}),
}
