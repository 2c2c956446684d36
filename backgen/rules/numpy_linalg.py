"""NumPy products: ``dot``, ``matmul``/``@``, ``outer``, ``tensordot``, ``einsum``.

Gradients depend on the operands' ranks, so each is a function of a
``GradContext`` writing what a person writes (``dW = x.T.dot(dout)``).
"""

from .base import Rule


def _dot():
    """np.dot / .dot: the rule depends on which operands are vectors."""
    def dot_a(c):
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.b) if rb == 0 else f"({c.g} * {c.b}).sum()"
        if rb == 1:
            return c.outer(c.g, c.b) if ra == 2 else c.mul(c.g, c.b)
        if ra == 1:
            return c.dot(c.b, c.g)
        c.at_most_2d("a", "b")
        return c.dot(c.g, f"{c.b}.T")

    def dot_b(c):
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.a) if ra == 0 else f"({c.g} * {c.a}).sum()"
        if ra == 1:
            return c.outer(c.a, c.g) if rb == 2 else c.mul(c.g, c.a)
        if rb == 1:
            return c.dot(f"{c.a}.T", c.g)
        c.at_most_2d("a", "b")
        return c.dot(f"{c.a}.T", c.g)

    return {"a": dot_a, "b": dot_b}


def _matmul_a(c):
    ra, rb = c.ndim("a"), c.ndim("b")
    out = c.shape("out")
    if ra == 1 and rb == 1:
        return f"{c.g} * {c.b}"
    if rb == 1:  # (..., n, k) @ (k,) -> (..., n)
        if ra == 2:
            return c.outer(c.g, c.b)
        return c.unbroadcast(f"{c.np}.expand_dims({c.g}, -1) * {c.b}", "a", out + c.shape("b"))
    if ra == 1:  # (k,) @ (..., k, m) -> (..., m)
        if rb == 2:
            return f"{c.b} @ {c.g}"
        return c.unbroadcast(f"({c.b} @ {c.np}.expand_dims({c.g}, -1))[..., 0]", "a",
                             out[:-1] + c.shape("a"))
    return c.unbroadcast(f"{c.g} @ {c.transposed(c.b, rb)}", "a")


def _matmul_b(c):
    ra, rb = c.ndim("a"), c.ndim("b")
    out = c.shape("out")
    if ra == 1 and rb == 1:
        return f"{c.g} * {c.a}"
    if ra == 1:  # (k,) @ (..., k, m) -> (..., m)
        if rb == 2:
            return c.outer(c.a, c.g)
        return f"{c.np}.expand_dims({c.a}, -1) * {c.np}.expand_dims({c.g}, -2)"
    if rb == 1:  # (..., n, k) @ (k,) -> (..., n)
        if ra == 2:
            return f"{c.g} @ {c.a}"
        return c.unbroadcast(f"({c.np}.expand_dims({c.g}, -2) @ {c.a})[..., 0, :]", "b",
                             out[:-1] + c.shape("b"))
    return c.unbroadcast(f"{c.transposed(c.a, ra)} @ {c.g}", "b")


def _outer_a(c):
    return c.reshaped(f"{c.g}.dot({c.ravel('b')})", "a")


def _outer_b(c):
    return c.reshaped(f"{c.ravel('a')}.dot({c.g})", "b")


def _einsum(position):
    def grad(c):
        return c.einsum_grad(position)
    return grad


def _tensordot(position):
    def grad(c):
        return c.tensordot_grad(position)
    return grad


RULES = {
    "np.dot": Rule(("a", "b"), grads=_dot(), signature="a, b", methods=("dot",), hint="{first}dot|prod", fresh=True),
    "np.matmul": Rule(("a", "b"), grads={"a": _matmul_a, "b": _matmul_b}, signature="a, b", hint="{first}dot|prod",
                      fresh=True),
    "np.outer": Rule(("a", "b"), grads={"a": _outer_a, "b": _outer_b}, signature="a, b", fresh=True),
    "np.tensordot": Rule(("a", "b"), grads={"a": _tensordot(0), "b": _tensordot(1)}, signature="a, b, axes=2",
                         fresh=True),
    "np.einsum": Rule(("operands",), grads={"operands": _einsum(None)}, variadic=", ",
                      signature="subscripts, *operands", fresh=True),
}
