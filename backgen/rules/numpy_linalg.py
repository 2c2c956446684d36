"""NumPy products: ``dot``, ``matmul``/``@``, ``outer``, ``tensordot``, ``einsum``.

Gradients depend on the operands' ranks, so each is a function of a
``GradContext`` writing what a person writes (``dW = x.T.dot(dout)``).
"""

import ast

from .base import Rule


def _expm_grad(c):
    """scipy.linalg.expm's: the generated module's _expm_grad (Van Loan's block), of a matrix, not of entries."""
    return f"_expm_grad({c.g}, {c.a})"


def _dot_stacked(c, position):
    """np.dot(a, b) of an operand of more than two axes, b of two or more: the sum over a's last axis
    and b's second to last, a's other axes first, then b's ((N, T, D) . (D, M) is (N, T, M)): of a
    matrix b, g.dot(b.T) and the tensordot of a and g over a's leading axes; otherwise an einsum."""
    ra, rb = c.ndim("a"), c.ndim("b")
    if rb == 2:
        if position == 0:
            return c.dot(c.g, f"{c.b}.T")
        lead = list(range(ra - 1))
        return f"{c.np}.tensordot({c.a}, {c.g}, axes=({lead}, {lead}))"
    letters = "abcdefghijklmnopqrstuvwxyz"
    sa = letters[:ra]
    sb = letters[ra:ra + rb - 2] + sa[-1] + letters[ra + rb - 2]
    spec = f"{sa},{sb}->{sa[:-1]}{sb[:-2]}{sb[-1]}"
    return c._einsum_vjp(spec, [c.a, c.b], position)


def _dot():
    """np.dot / .dot: the rule depends on which operands are vectors."""
    def dot_a(c):
        if c.shape_free:  # np.dot's rules for every rank, at run time
            return f"_dot_grad_a({c.g}, {c.a}, {c.b})"
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra >= 1 and rb >= 2 and max(ra, rb) > 2:
            return _dot_stacked(c, 0)
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.b) if rb == 0 else f"({c.g} * {c.b}).sum()"
        if rb == 1:  # (..., k) . (k,) -> (...): each row of a times b
            if ra > 2:
                return f"{c.np}.expand_dims({c.g}, -1) * {c.b}"
            return c.outer(c.g, c.b) if ra == 2 else c.mul(c.g, c.b)
        if ra == 1:
            c.at_most_2d("b")
            return c.dot(c.b, c.g)
        c.at_most_2d("a", "b")
        return c.dot(c.g, f"{c.b}.T")

    def dot_b(c):
        if c.shape_free:
            return f"_dot_grad_b({c.g}, {c.a}, {c.b})"
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra >= 1 and rb >= 2 and max(ra, rb) > 2:
            return _dot_stacked(c, 1)
        if ra == 0 or rb == 0:
            return c.mul(c.g, c.a) if ra == 0 else f"({c.g} * {c.a}).sum()"
        if ra == 1:
            c.at_most_2d("b")
            return c.outer(c.a, c.g) if rb == 2 else c.mul(c.g, c.a)
        if rb == 1:
            if ra > 2:  # (..., k) . (k,): summed over every axis but the last
                return f"{c.np}.tensordot({c.g}, {c.a}, axes={ra - 1})"
            return c.dot(f"{c.a}.T", c.g)
        c.at_most_2d("a", "b")
        return c.dot(f"{c.a}.T", c.g)

    return {"a": dot_a, "b": dot_b}


def _matmul_a(c):
    if c.shape_free:  # 1-D operands and stacks of matrices, at run time
        return f"_matmul_grad_a({c.g}, {c.a}, {c.b})"
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
    if c.shape_free:
        return f"_matmul_grad_b({c.g}, {c.a}, {c.b})"
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
    if c.shape_free:  # the operands flattened, as np.outer does, whatever their ranks
        return f"{c.np}.reshape({c.g}.dot({c.np}.ravel({c.b})), {c.np}.shape({c.a}))"
    return c.reshaped(f"{c.g}.dot({c.ravel('b')})", "a")


def _outer_b(c):
    if c.shape_free:
        return f"{c.np}.reshape({c.np}.ravel({c.a}).dot({c.g}), {c.np}.shape({c.b}))"
    return c.reshaped(f"{c.ravel('a')}.dot({c.g})", "b")


def _einsum(position):
    def grad(c):
        return c.einsum_grad(position)
    return grad


def _tensordot(position):
    def grad(c):
        return c.tensordot_grad(position)
    return grad


def _kron(position):
    """kron of two vectors or two matrices: the gradient's blocks, summed against the other factor.  Of
    other ranks (NumPy gives the operand of fewer axes leading axes of 1), the same with the blocks
    of each axis side by side: g read as (a0, b0, a1, b1, ...), an einsum against the other factor."""
    def grad(c):
        a, b, np_ = c.a, c.b, c.np
        if c.shape_free:  # the blocks from the ranks, at run time
            return f"_kron_grad({c.g}, {a}, {b}, {position})"
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra != rb or ra not in (1, 2):
            return _kron_any(c, position, ra, rb)
        if ra == 1:
            blocks = f"{c.g}.reshape({a}.shape[0], {b}.shape[0])"
            return f"{blocks} @ {b}" if position == 0 else f"{a} @ {blocks}"
        blocks = c.setup("blocks", f"{c.g}.reshape({a}.shape[0], {b}.shape[0], {a}.shape[1], {b}.shape[1])")
        if position == 0:
            return f"{np_}.einsum('ikjl,kl->ij', {blocks}, {b})"
        return f"{np_}.einsum('ikjl,ij->kl', {blocks}, {a})"
    return grad


def _kron_any(c, position, ra, rb):
    np_, r = c.np, max(c.ndim("a"), c.ndim("b"), 1)
    letters = "abcdefghijklmnopqrstuvwxyz"
    mine, other = letters[:r], letters[r:2 * r]  # (a's axes, b's axes)

    def padded(text, rank):  # (the operand with NumPy's leading axes of 1)
        if rank == r:
            return text
        dims = ["1"] * (r - rank) + [f"{np_}.shape({text})[{i}]" for i in range(rank)]
        return f"{np_}.reshape({text}, ({', '.join(dims)},))"
    a, b = padded(c.a, ra), padded(c.b, rb)
    sizes = ", ".join(f"{np_}.shape({a})[{i}], {np_}.shape({b})[{i}]" for i in range(r))
    blocks = c.setup("blocks", f"{np_}.reshape({c.g}, ({sizes}))")  # (g a number where both are numbers)
    spec = "".join(f"{m}{o}" for m, o in zip(mine, other))
    if position == 0:
        text = f"{np_}.einsum('{spec},{other}->{mine}', {blocks}, {b})"
        return text if ra == r else f"{np_}.reshape({text}, {np_}.shape({c.a}))"
    text = f"{np_}.einsum('{spec},{mine}->{other}', {blocks}, {a})"
    return text if rb == r else f"{np_}.reshape({text}, {np_}.shape({c.b}))"


def _cross(position):
    def grad(c):
        axis = _cross_axis(c)
        if c.shape_free:  # (3-vectors, or 2-vectors, whose cross is a number: known as the code runs)
            return f"_cross_grad({c.g}, {c.a}, {c.b}, {position})"
        lengths = c.shape("a")[axis:][:1] + c.shape("b")[axis:][:1]
        if lengths == (2, 2) and axis == -1:  # a0 * b1 - a1 * b0: g times (b1, -b0) for a, (-a1, a0) for b
            other = c.b if position == 0 else c.a
            first, second = (f"{other}[..., 1]", f"-{other}[..., 0]") if position == 0 else \
                (f"-{other}[..., 1]", f"{other}[..., 0]")
            if len(c.shape("b" if position == 0 else "a")) == 1:
                first, second = first.replace("..., ", ""), second.replace("..., ", "")
                return f"{c.np}.array([{first}, {second}]) * {c.g}" if not c.shape("out") else \
                    f"{c.np}.multiply.outer({c.g}, {c.np}.array([{first}, {second}]))"
            return f"{c.np}.stack([{first}, {second}], axis=-1) * {c.np}.expand_dims({c.g}, -1)"
        if lengths != (3, 3):
            c.unsupported("np.cross is differentiated for 3-vectors, and 2-vectors both")  # (np.cross(b, g)
            # raises for others)
        along = "" if axis == -1 else f", axis={axis}"
        return f"{c.np}.cross({c.b}, {c.g}{along})" if position == 0 else f"{c.np}.cross({c.g}, {c.a}{along})"
    return grad


def _cross_axis(c):
    """The one axis np.cross takes its vectors along (``axis=0``; ``axisa``, ``axisb`` and ``axisc`` all
    the same), -1 where none is given; along another, a and b of one shape (their axes broadcast
    otherwise as the vectors' are moved to the end), in code written for their shapes."""
    given = {p: c.param(p) for p in ("axisa", "axisb", "axisc", "axis") if c.op.param(p) is not None}
    if not given:
        return -1
    axes = set(given.values()) if "axis" not in given or len(given) == 1 else set()
    if len(given) != (1 if "axis" in given else 3) or len(axes) != 1 or not isinstance(min(axes), int):
        c.unsupported("np.cross is differentiated along one axis for a, b and the result (axis=k)")
    axis = min(axes)
    if axis != -1 and (c.shape_free or c.shape("a") != c.shape("b")):
        c.unsupported("np.cross is differentiated along an axis other than the last for a and b of one "
                      "shape, written for their shapes (give them)")
    return axis


def _inner(position):
    """np.inner sums over both last axes: an einsum."""
    def grad(c):
        if c.shape_free:  # a product or a sum over the last axes, by the ranks at run time
            return f"_inner_grad({c.g}, {c.a}, {c.b}, {position})"
        ra, rb = c.ndim("a"), c.ndim("b")
        if ra == 0 or rb == 0:  # np.inner of a number is the product: summed back to the number
            mine, other = (ra, c.b) if position == 0 else (rb, c.a)
            return f"{c.np}.sum({c.g} * {other})" if mine == 0 else f"{c.g} * {other}"
        if ra == rb == 1:
            return f"{c.g} * {c.b}" if position == 0 else f"{c.g} * {c.a}"
        letters = "abcdefghijklmnopqrstuvwxyz"
        sa, sb = letters[:ra], letters[ra:ra + rb - 1] + letters[ra - 1]
        spec = f"{sa},{sb}->{sa[:-1]}{sb[:-1]}"
        return c._einsum_vjp(spec, [c.a, c.b], position)
    return grad


def _vdot(position):
    """np.vdot: the dot product of the flattened arrays."""
    def grad(c):
        mine, other = ("a", "b") if position == 0 else ("b", "a")
        text = getattr(c, other)
        if c.shape_free:  # the other's elements in this one's shape
            return f"{c.g} * {c.np}.reshape({text}, {c.np}.shape({getattr(c, mine)}))"
        if c.shape(mine) != c.shape(other):  # (a number, 0.5 or a Python float: np.reshape)
            text = f"{c.np}.reshape({text}, {c.shape_of(getattr(c, mine))})" if c.shape(other) == () else \
                f"{text}.reshape({c.shape_of(getattr(c, mine))})"
        return f"{c.g} * {text}"
    return grad


def _svd(c):
    """(u, s, vt) = svd(A, full_matrices=False), distinct nonzero singular values: the gradient of
    each factor (Townsend's formulas), the parts of u and v outside their spans included; of the
    singular values alone, u diag(ds) v.T, whatever they are.  Without shapes, or for a stack of
    matrices, the same with the last two axes swapped for the transposes and diag(x) as x times
    the identity.  With full_matrices=True (NumPy's default): the same for a square matrix (the
    factors are the same), and for the singular values alone (of the first min(m, n) columns of u
    and rows of vt); u and vt of more columns or rows than that have some no input decides: the
    same of the first k = min(m, n) of them (``U[:, :r] @ np.diag(s[:r]) @ Vt[:r]``), where the
    output depends on the others only through their span (the complement of the first k's, a null
    space's projector ``U[:, n:] @ U[:, n:].T``) or not at all: ``_thin_svd_part`` adds what they
    give as the backward runs, and raises where the output depends on which of them NumPy picked.  With
    hermitian=True NumPy reads A's lower triangle: each element below the diagonal stands for
    itself and its mirror (as for eigh)."""
    if c.param("compute_uv", True) is False:  # (eigenvalues.rewrite writes it as svd(a, full_matrices=False)[1])
        c.unsupported("np.linalg.svd is differentiated with compute_uv=True")
    stacked = c.shape_free or c.ndim("a") != 2
    parts = c.parts_read(3)
    values_only = parts is not None and not parts & {0, 2}
    full = c.param("full_matrices", True) is not False
    hermitian = c.param("hermitian", False) is True  # (of a square matrix)
    full = full and not hermitian and (c.shape_free or c.shape("a")[-1] != c.shape("a")[-2])  # (square: the same)
    grad = _svd_stacked(c, values_only, full) if stacked else _svd_matrix(c, values_only, full)
    if not hermitian:
        return grad
    full_grad = c.setup("full", grad)
    if stacked:
        both = c.setup("both", f"{full_grad} + {_swapped(c, full_grad)}")
        return f"{c.np}.tril({both}) - 0.5 * {both} * {c.np}.eye({c.np}.shape({both})[-1])"
    return _lower(c, full_grad)


def _svd_matrix(c, values_only, full):
    np_, out, g, a = c.np, c.out, c.g, c.a
    if values_only:  # the singular values alone: u diag(ds) v.T, right where they repeat (no 1 / (s[j]² - s[i]²))
        u, vt = c.setup("u", f"{out}[0]"), c.setup("vt", f"{out}[2]")
        k = min(c.shape("a"))
        if full and c.shape("a")[0] != k:
            u = f"{u}[:, :{k}]"
        if full and c.shape("a")[1] != k:
            vt = f"{vt}[:{k}]"
        return f"{u} @ {np_}.diag({g}[1]) @ {vt}"
    # (not square, of full_matrices=True: the first k columns of u, rows of vt; those beyond as _thin_svd_part says)
    k = min(c.shape("a"))
    rows, columns = full and c.shape("a")[0] != k, full and c.shape("a")[1] != k
    u = c.setup("u", f"{out}[0][:, :{k}]" if rows else f"{out}[0]")
    s = c.setup("s", f"{out}[1]")
    vt = c.setup("vt", f"{out}[2][:{k}]" if columns else f"{out}[2]")
    du = c.setup("du", f"_thin_svd_part({out}[0], {g}[0], {k}, -1)") if rows else f"{g}[0]"
    dvt = c.setup("dvt", f"_thin_svd_part({out}[2], {g}[2], {k}, -2)") if columns else f"{g}[2]"
    eye = f"{np_}.eye(len({s}))"
    gaps = c.setup("gaps", f"{s}[None, :] ** 2 - {s}[:, None] ** 2")
    inverse = c.setup("inverse", f"{np_}.where({eye} == 1, 0.0, 1.0 / ({gaps} + {eye}))")
    ut_du = c.setup("ut_du", f"{u}.T @ {du}")
    vt_dv = c.setup("vt_dv", f"{vt} @ {dvt}.T")
    core = c.setup("core", f"({inverse} * ({ut_du} - {ut_du}.T)) * {s} + {np_}.diag({g}[1]) "
                           f"+ {s}[:, None] * ({inverse} * ({vt_dv} - {vt_dv}.T))")
    outside_u = f"({np_}.eye({a}.shape[0]) - {u} @ {u}.T) @ {du} / {s} @ {vt}"
    outside_v = f"({u} / {s}) @ {dvt} @ ({np_}.eye({a}.shape[1]) - {vt}.T @ {vt})"
    return f"{u} @ {core} @ {vt} + {outside_u} + {outside_v}"


def _svd_stacked(c, values_only, full):
    """``_svd`` for a stack of matrices, or one matrix where the shapes are not given."""
    np_, out, g, a = c.np, c.out, c.g, c.a
    u, vt = c.setup("u", f"{out}[0]"), c.setup("vt", f"{out}[2]")
    if values_only:  # the singular values alone (right where they repeat)
        if full:  # (the first min(m, n) columns of u and rows of vt)
            k = c.setup("k", f"{np_}.shape({out}[1])[-1]")
            u, vt = f"{u}[..., :{k}]", f"{vt}[..., :{k}, :]"
        return f"({u} * {g}[1][..., None, :]) @ {vt}"
    s = c.setup("s", f"{out}[1]")
    du, dvt = f"{g}[0]", f"{g}[2]"
    if full:  # (the first k = min(m, n) columns of u and rows of vt; those beyond as _thin_svd_part says)
        k = c.setup("k", f"{np_}.shape({s})[-1]")
        du = c.setup("du", f"_thin_svd_part({u}, {du}, {k}, -1)")
        dvt = c.setup("dvt", f"_thin_svd_part({vt}, {dvt}, {k}, -2)")
        u, vt = c.setup("u", f"{u}[..., :{k}]"), c.setup("vt", f"{vt}[..., :{k}, :]")
    eye = c.setup("eye", f"{np_}.eye({np_}.shape({s})[-1])")
    gaps = c.setup("gaps", f"{s}[..., None, :] ** 2 - {s}[..., :, None] ** 2")
    inverse = c.setup("inverse", f"{np_}.where({eye} == 1, 0.0, 1.0 / ({gaps} + {eye}))")
    ut_du = c.setup("ut_du", f"{_swapped(c, u)} @ {du}")
    vt_dv = c.setup("vt_dv", f"{vt} @ {_swapped(c, dvt)}")
    core = c.setup("core", f"({inverse} * ({ut_du} - {_swapped(c, ut_du)})) * {s}[..., None, :] "
                           f"+ {g}[1][..., None, :] * {eye} "
                           f"+ {s}[..., :, None] * ({inverse} * ({vt_dv} - {_swapped(c, vt_dv)}))")
    outside_u = f"({np_}.eye({np_}.shape({a})[-2]) - {u} @ {_swapped(c, u)}) @ {du} / {s}[..., None, :] @ {vt}"
    outside_v = f"({u} / {s}[..., None, :]) @ {dvt} @ ({np_}.eye({np_}.shape({a})[-1]) - {_swapped(c, vt)} @ {vt})"
    return f"{u} @ {core} @ {vt} + {outside_u} + {outside_v}"


def _qr(c):
    """(q, r) = qr(A), mode 'reduced', A of full rank: of at least as many rows as columns (r square
    and invertible) A's gradient is (dq + q sym(M)) r^-T, M = r dr.T - dq.T q, sym(M) the symmetric
    matrix M's lower triangle makes (Walter and Lehmann's formula, as autograd and PyTorch use).  Of
    fewer rows, k, than columns, A = [X | Y] and r = [U | V] with X = q U the square case and
    V = q.T Y: Y's gradient is q dV, and X's the square case's with dq + Y dV.T for dq (as PyTorch
    does).  Without shapes, the second form, right for both (Y then has no columns); for a stack of
    matrices, the last two axes swapped for the transposes."""
    if c.param("mode", "reduced") != "reduced":
        c.unsupported("np.linalg.qr is differentiated in mode 'reduced'")
    np_, out, g, a = c.np, c.out, c.g, c.a
    if c.shape_free or c.ndim("a") != 2:
        def t(text):
            return _swapped(c, text)
    else:
        def t(text):
            atom = isinstance(ast.parse(text, mode="eval").body, (ast.Name, ast.Call, ast.Subscript, ast.Attribute))
            return f"{text}.T" if atom else f"({text}).T"
    q, r = c.setup("q", f"{out}[0]"), c.setup("r", f"{out}[1]")
    dq, dr = c.setup("dq", f"{g}[0]"), c.setup("dr", f"{g}[1]")
    if not c.shape_free and c.shape("a")[-2] >= c.shape("a")[-1]:
        m = c.setup("m", f"{r} @ {t(dr)} - {t(dq)} @ {q}")
        sym = f"{np_}.tril({m}) + {t(f'{np_}.tril({m}, -1)')}"
        return t(f"{np_}.linalg.solve({r}, {t(f'{dq} + {q} @ ({sym})')})")
    k = f"{q}.shape[-1]" if c.shape_free else str(c.shape("a")[-2])
    cut = "..., " if c.shape_free or c.ndim("a") != 2 else ":, "
    u = c.setup("u", f"{r}[{cut}:{k}]")
    du, dv = c.setup("du", f"{dr}[{cut}:{k}]"), c.setup("dv", f"{dr}[{cut}{k}:]")
    dqx = c.setup("dqx", f"{dq} + {a}[{cut}{k}:] @ {t(dv)}")
    m = c.setup("m", f"{u} @ {t(du)} - {t(dqx)} @ {q}")
    sym = f"{np_}.tril({m}) + {t(f'{np_}.tril({m}, -1)')}"
    dx = t(f"{np_}.linalg.solve({u}, {t(f'{dqx} + {q} @ ({sym})')})")
    return f"{np_}.concatenate([{dx}, {q} @ {dv}], axis=-1)"


def _lstsq(position):
    """(x, residuals, rank, s) = lstsq(a, b) for a of full rank (x = pinv(a) b, NumPy's solution): with
    p = pinv(a), e = b - a x and db = p.T g (x's gradient g), b's gradient is db and a's
    -db x.T + e (p db).T + (p.T x) (g - p a g).T (the pinv rule's terms, the last nothing where a has
    full column rank, the middle nothing where a x = b).  The residuals' squared norms, of a of more
    rows than columns (shapes given), add 2 e gr to b's and -2 e gr x.T to a's (x is where their
    gradient in x vanishes); the singular values add u diag(gs) vt to a's; rank is an integer."""
    def grad(c):
        np_, a, b, out, g = c.np, c.a, c.b, c.out, c.g
        rcond = c.param("rcond", None)
        if rcond is not None and not (isinstance(rcond, (int, float)) and rcond <= 1e-10):
            c.unsupported("np.linalg.lstsq is differentiated with rcond=None (singular values cut off by a "
                          "larger rcond change the solution's derivative)")
        parts = c.parts_read(4)
        parts = {0, 1, 3} if parts is None else parts
        if not c.shape_free and (c.ndim("a") != 2 or c.ndim("b") not in (1, 2)):
            c.unsupported("np.linalg.lstsq is differentiated for a matrix a and a vector or matrix b")
        vector = None if c.shape_free else c.ndim("b") == 1

        def outer(u, v):  # (u v.T of columns; without shapes, vectors made columns as the code runs)
            if vector is None:
                return f"{np_}.reshape({u}, ({np_}.shape({u})[0], -1)) @ {np_}.reshape({v}, ({np_}.shape({v})[0], -1)).T"
            return f"{np_}.outer({u}, {v})" if vector else f"{u} @ ({v}).T"
        terms = []
        x = c.setup("x", f"{out}[0]")
        if parts & {0, 1}:
            e = c.setup("e", f"{b} - {a} @ {x}")
        if 0 in parts:
            p = c.setup("p", f"{np_}.linalg.pinv({a})")
            dbx = c.setup("dbx", f"{p}.T @ {g}[0]")
            if position == 1:
                terms.append(dbx)
            else:
                terms += [f"-{outer(dbx, x)}", outer(e, f"{p} @ {dbx}"),
                          outer(f"{p}.T @ {x}", f"{g}[0] - {p} @ ({a} @ {g}[0])")]
        if 1 in parts:
            if not c.shape_free and c.shape("a")[0] <= c.shape("a")[1]:
                c.unsupported("the residuals of np.linalg.lstsq are differentiated where a has more rows than "
                              "columns (of others NumPy gives none)")
            weighted = f"{e} * {g}[1]"  # (none where NumPy gives no residuals: fewer rows, or a lower rank)
            weighted = c.setup("er", f"({weighted} if {np_}.size({g}[1]) else 0 * {e})" if c.shape_free else weighted)
            terms.append(f"2 * {weighted}" if position == 1 else f"-2 * {outer(weighted, x)}")
        if 3 in parts and position == 0:
            svd = c.setup("svd", f"{np_}.linalg.svd({a}, full_matrices=False)")
            terms.append(f"{svd}[0] @ {np_}.diag({g}[3]) @ {svd}[2]")
        if not terms:
            return f"{np_}.zeros_like({a if position == 0 else b}, dtype=float)"
        return " + ".join(terms)
    return grad


def _convolve(position):
    """np.convolve in mode 'full': each factor's gradient is g convolved with the other, reversed.
    In mode 'valid' (the longer factor slid along the shorter, NumPy's order whichever comes
    first): the longer's is g convolved fully with the shorter reversed, the shorter's the
    longer correlated with g, reversed (``np.convolve(prices, np.ones(k) / k, 'valid')``); which is
    the longer is decided as the code runs (the lengths declared, T and k, say nothing of it).  In mode
    'same' (the full convolution's max(n, m) middle values, from (min(n, m) - 1) // 2 on), g is placed
    there in zeros of the full length, whose gradient the full mode's is."""
    def grad(c):
        mode = c.param("mode", "full")
        if mode not in ("full", "valid", "same"):
            c.unsupported("np.convolve is differentiated in modes 'full', 'valid' and 'same'")
        if not c.shape_free and (c.ndim("a") != 1 or c.ndim("v") != 1):  # (without shapes: NumPy raises
            c.unsupported("np.convolve is differentiated for two vectors")  # for others as the code runs)
        mine, other = (c.a, c.v) if position == 0 else (c.v, c.a)
        if c.shape_free:  # (NumPy takes a number as a vector of one element: its gradient summed back to one)
            return f"_unbroadcast({grad_of_vectors(c, mode, other, f'{c.np}.size', f'{c.np}.flip({other})')}, {mine})"
        return grad_of_vectors(c, mode, other, "len", f"{other}[::-1]")

    def grad_of_vectors(c, mode, other, length, reversed_other):
        if mode == "full":
            return f"{c.np}.convolve({c.g}, {reversed_other}, 'valid')"
        if mode == "same":
            a, v = c.a, c.v
            start = c.setup("start", f"(min({length}({a}), {length}({v})) - 1) // 2")
            full = c.setup("gfull", f"{c.np}.pad({c.g}, ({start}, min({length}({a}), {length}({v})) - 1 - {start}))")
            return f"{c.np}.convolve({full}, {reversed_other}, 'valid')"
        longer = f"{length}({c.a}) >= {length}({c.v})" if position == 0 else f"{length}({c.v}) > {length}({c.a})"
        correlated = f"{c.np}.convolve({reversed_other}, {c.g}, 'valid')" if c.shape_free else \
            f"{c.np}.correlate({other}, {c.g}, 'valid')[::-1]"  # (the same: np.correlate takes no number)
        return f"({c.np}.convolve({c.g}, {reversed_other}, 'full') if {longer} else {correlated})"
    return grad


def _polyval(position):
    """np.polyval(p, x), p's coefficients highest power first: x's gradient is the derivative's
    value, p[i]'s the sum of g times x to the power len(p) - 1 - i."""
    def grad(c):
        np_, p, x = c.np, c.p, c.x
        if not c.shape_free and c.ndim("p") != 1:  # (rows of coefficients: each power's a row)
            c.unsupported("np.polyval is differentiated for a vector of coefficients")
        if c.shape_free:  # (rows of several coefficients raise, saying so: _coefficients)
            p = f"_coefficients({p})"
        if position == 1:
            return f"{c.g} * {np_}.polyval({np_}.polyder({p}), {x})"
        powers = f"{np_}.asarray({x})[..., None] ** {np_}.arange(len({p}) - 1, -1, -1)"
        grad = f"({np_}.asarray({c.g})[..., None] * {powers}).reshape(-1, len({p})).sum(axis=0)"
        if c.shape_free:  # p's shape: one coefficient of any rank too
            return f"{np_}.reshape({grad}, {np_}.shape({p}))"
        return grad
    return grad


def _vander(c):
    """V = np.vander(x, N): V[:, j] = x ** p[j], p = N-1, ..., 0 (0, ..., N-1 increasing); x's
    gradient is the sum over j of g[:, j] times p[j] x ** (p[j] - 1), a power V already holds."""
    increasing = c.param("increasing", False)
    if not isinstance(increasing, bool):
        c.unsupported("np.vander is differentiated with increasing=True or False")
    np_, g, out = c.np, c.g, c.out
    if increasing:
        return f"({g}[:, 1:] * {np_}.arange(1, {out}.shape[1]) * {out}[:, :-1]).sum(axis=1)"
    return f"({g}[:, :-1] * {np_}.arange({out}.shape[1] - 1, 0, -1) * {out}[:, 1:]).sum(axis=1)"


def _matrix_power(c):
    """A^n: the sum over k of (A.T)^k g (A.T)^(n-1-k); a power read as the code runs (a parameter)
    by the helper _matrix_power_grad, for every integer (of a negative one, through the inverse)."""
    try:
        ast.literal_eval(c.param_source("n"))
    except (ValueError, SyntaxError):
        return f"_matrix_power_grad({c.g}, {c.a}, {c.param_source('n')})"
    n = c.param("n")
    if not isinstance(n, int) or isinstance(n, bool):
        c.unsupported("np.linalg.matrix_power is differentiated for an integer power")
    if n < 0:  # the inverse's power
        return f"_matrix_power_grad({c.g}, {c.a}, {n})"
    np_, a, g = c.np, c.a, c.g
    if n == 0:
        return f"{np_}.zeros_like({a})"
    if n == 1:
        return g
    power, a_t = f"{np_}.linalg.matrix_power", _swapped(c, a) if c.shape_free or c.ndim("a") != 2 else f"{a}.T"
    return f"sum({power}({a_t}, k) @ {g} @ {power}({a_t}, {n - 1} - k) for k in range({n}))"


def _pinv(c):
    """P = pinv(A) where A keeps its rank: -P.T g P.T + (I - A P) g.T P P.T + P.T P g.T (I - P A).
    Without shapes, or for a stack of matrices, the last two axes swapped for the transposes."""
    if c.op.param("rcond") is not None or c.op.param("hermitian") is not None:
        c.unsupported("np.linalg.pinv is differentiated without rcond and hermitian")
    np_, a, p, g = c.np, c.a, c.out, c.g
    if c.shape_free or c.ndim("a") != 2:
        pt, gt = c.setup("pt", _swapped(c, p)), _swapped(c, g)
        return (f"-{pt} @ {g} @ {pt} + ({np_}.eye({np_}.shape({a})[-2]) - {a} @ {p}) @ {gt} @ {p} @ {pt} "
                f"+ {pt} @ {p} @ {gt} @ ({np_}.eye({np_}.shape({a})[-1]) - {p} @ {a})")
    return (f"-{p}.T @ {g} @ {p}.T + ({np_}.eye({a}.shape[0]) - {a} @ {p}) @ {g}.T @ {p} @ {p}.T "
            f"+ {p}.T @ {p} @ {g}.T @ ({np_}.eye({a}.shape[1]) - {p} @ {a})")


def _swapped(c, text):
    """``text`` with its last two axes swapped, as every rank needs (shape-free code)."""
    return f"{c.np}.swapaxes({text}, -1, -2)"


def _det(c):
    """d det(A) = the cofactors of A, det(A) inv(A).T where A is invertible; a singular A has no
    inverse (NumPy raises), so they come from its SVD (the helper _cofactors)."""
    if c.shape_free:  # one matrix or a stack of them
        return f"{c.np}.expand_dims({c.g}, (-2, -1)) * _cofactors({c.a})"
    if c.ndim("a") == 2:
        return f"{c.g} * _cofactors({c.a})"
    return f"{c.g}[..., None, None] * _cofactors({c.a})"


def _slogdet(c):
    """(sign, log|det|): the sign carries no gradient; d log|det(A)| = inv(A).T."""
    if c.shape_free:
        return f"{c.np}.expand_dims({c.g}[1], (-2, -1)) * {_swapped(c, f'{c.np}.linalg.inv({c.a})')}"
    inv_t = f"{c.np}.linalg.inv({c.a}).T" if c.ndim("a") == 2 else f"{c.np}.linalg.inv({c.a}).swapaxes(-1, -2)"
    return f"{c.g}[1] * {inv_t}" if c.ndim("a") == 2 else f"{c.g}[1][..., None, None] * {inv_t}"


def _inv(c):
    if c.shape_free:
        return f"-{_swapped(c, c.out)} @ {c.g} @ {_swapped(c, c.out)}"
    t = ".T" if c.ndim("a") == 2 else ".swapaxes(-1, -2)"
    return f"-{c.out}{t} @ {c.g} @ {c.out}{t}"


def _solve(position):
    """x = solve(a, b): db = solve(a.T, g), da = -db x.T."""
    def grad(c):
        if c.shape_free or c.ndim("a") != 2 or c.ndim("b") not in (1, 2):  # b one vector or matrices, a one
            # matrix or a stack (the helpers read which as the code runs)
            return f"_solve_grad_b({c.g}, {c.a}, {c.b})" if position == 1 else \
                f"_solve_grad_a({c.g}, {c.a}, {c.out}, {c.b})"
        back = f"{c.np}.linalg.solve({c.a}.T, {c.g})"
        if position == 1:
            return back
        return f"-{c.np}.outer({back}, {c.out})" if c.ndim("b") == 1 else f"-{back} @ {c.out}.T"
    return grad


def _cholesky(c):
    """L = cholesky(A) reads A's lower triangle: the gradient lives there (Murray's formula, with
    each element below the diagonal standing for itself and its mirror)."""
    np_, low = c.np, c.out
    if c.shape_free or c.ndim("a") != 2:  # a stack, or one matrix without shapes: transposes of the last
        # two axes, the diagonal by np.eye
        def t(x):
            return f"{np_}.swapaxes({x}, -1, -2)"
        inner = c.setup("inner", f"{t(low)} @ {c.g}")
        eye = c.setup("eye", f"{np_}.eye({inner}.shape[-1])")
        phi = c.setup("phi", f"{np_}.tril({inner}) - 0.5 * {inner} * {eye}")
        half = c.setup("half", f"{np_}.linalg.solve({t(low)}, {t(f'{np_}.linalg.solve({t(low)}, {t(phi)})')})")
        both = c.setup("both", f"{half} + {t(half)}")
        return f"{np_}.tril({both}) - 0.5 * {both} * {eye}"
    inner = c.setup("inner", f"{low}.T @ {c.g}")
    phi = c.setup("phi", f"{np_}.tril({inner}) - 0.5 * {np_}.diag({np_}.diag({inner}))")
    half = c.setup("half", f"{np_}.linalg.solve({low}.T, {np_}.linalg.solve({low}.T, {phi}.T).T)")
    return _lower(c, half)


def _lower(c, full, triangle="tril"):
    """A gradient for a function reading only A's lower triangle (NumPy's cholesky and eigh):
    each element below the diagonal stands for itself and its mirror (above it, where ``triangle`` is
    "triu": eigh with UPLO='U')."""
    np_ = c.np
    both = c.setup("both", f"{full} + {full}.T")
    return f"{np_}.{triangle}({both}) - 0.5 * {np_}.diag({np_}.diag({both}))"


def _eigh(c):
    """(w, v) = eigh(A), distinct eigenvalues: A's gradient is v (diag(dw) + F * (v.T dv)) v.T
    with F[i, j] = 1 / (w[j] - w[i]) off the diagonal; of the eigenvalues alone, v diag(dw) v.T,
    whatever they are.  NumPy reads A's lower triangle (its upper one with UPLO='U'), where the
    gradient is."""
    uplo = c.param("UPLO", "L")
    if uplo not in ("L", "U"):
        c.unsupported("np.linalg.eigh is differentiated with UPLO='L' or 'U'")
    triangle = "tril" if uplo == "L" else "triu"
    if c.shape_free or c.ndim("a") != 2:
        return _eigh_stacked(c, triangle)
    np_, out, g = c.np, c.out, c.g
    w, v = f"{out}[0]", f"{out}[1]"
    parts = c.parts_read(2)
    if parts is not None and 1 not in parts:  # the eigenvalues alone: v diag(dw) v.T, right where they repeat
        return _lower(c, c.setup("full", f"{v} @ {np_}.diag({g}[0]) @ {v}.T"), triangle)  # (no 1 / (w[j] - w[i]))
    gaps = c.setup("gaps", f"{w}[None, :] - {w}[:, None]")
    eye = f"{np_}.eye(len({w}))"
    inverse = c.setup("inverse", f"{np_}.where({eye} == 1, 0.0, 1.0 / ({gaps} + {eye}))")
    middle = c.setup("middle", f"{np_}.diag({g}[0]) + {inverse} * ({v}.T @ {g}[1])")
    return _lower(c, c.setup("full", f"{v} @ {middle} @ {v}.T"), triangle)


def _eigh_stacked(c, triangle):
    """``_eigh`` for a stack of matrices, or one where the shapes are not given: the transposes swap the
    last two axes, diagonals are products with the identity."""
    np_, out, g = c.np, c.out, c.g
    w, v = f"{out}[0]", f"{out}[1]"
    vt = c.setup("vt", _swapped(c, v))
    eye = c.setup("eye", f"{np_}.eye({np_}.shape({w})[-1])")
    if (c.parts_read(2) or {1}) == {0}:  # the eigenvalues alone (right where they repeat)
        middle = f"{g}[0][..., None] * {eye}"
    else:
        gaps = c.setup("gaps", f"{w}[..., None, :] - {w}[..., :, None]")
        inverse = c.setup("inverse", f"{np_}.where({eye} == 1, 0.0, 1.0 / ({gaps} + {eye}))")
        middle = f"{g}[0][..., None] * {eye} + {inverse} * ({vt} @ {g}[1])"
    full = c.setup("full", f"{v} @ ({middle}) @ {vt}")
    both = c.setup("both", f"{full} + {_swapped(c, full)}")  # (the triangle eigh reads)
    return f"{np_}.{triangle}({both}) - 0.5 * {both} * {eye}"


RULES = {
    "np.dot": Rule(("a", "b"), grads=_dot(), signature="a, b", methods=("dot",), hint="{first}dot|prod", fresh=True,
                   examples=("np.dot(a, b) | a=2x3, b=3x4", "a.dot(b) | a=3, b=3x2", "np.dot(a, b) | a=2x3, b=3",
                             "np.dot(a, b) | a=4, b=4", "np.dot(a, b) | a=(), b=2x3", "np.dot(a, b) | a=2x3x4, b=4x2",
                             "a.dot(b) | a=3x4, b=2x4x2", "np.dot(a, b) | a=4, b=2x4x3", "np.dot(a, b) | a=2x1x3, b=2x3x2")),
    "np.matmul": Rule(("a", "b"), grads={"a": _matmul_a, "b": _matmul_b}, signature="a, b", hint="{first}dot|prod",
                      fresh=True, examples=("a @ b | a=2x3, b=3x4", "np.matmul(a, b) | a=2x2x3, b=3x4", "a @ b | a=3, b=3x2",
                                            "a @ b | a=2x3, b=3", "a @ b | a=2x2x3, b=3", "a @ b | a=3, b=2x3x2")),
    "np.outer": Rule(("a", "b"), grads={"a": _outer_a, "b": _outer_b}, signature="a, b", fresh=True,
                     examples=("np.outer(a, b) | a=3, b=4", "np.outer(a, b) | a=2x2, b=3")),
    "np.tensordot": Rule(("a", "b"), grads={"a": _tensordot(0), "b": _tensordot(1)}, signature="a, b, axes=2",
                         fresh=True, examples=("np.tensordot(a, b, axes=1) | a=2x3, b=3x2",
                                               "np.tensordot(a, b, axes=([0], [1])) | a=3x2, b=4x3")),
    "np.inner": Rule(("a", "b"), grads={"a": _inner(0), "b": _inner(1)}, signature="a, b", fresh=True,
                     examples=("np.inner(a, b) | a=3, b=3", "np.inner(a, b) | a=2x3, b=3",
                               "np.inner(a, b) | a=2x3, b=4x3", "np.inner(a, b) | a=(), b=2x3",
                               "np.inner(a, b) | a=3, b=()")),
    "np.vdot": Rule(("a", "b"), grads={"a": _vdot(0), "b": _vdot(1)}, signature="a, b",
                    examples=("np.vdot(a, b) | a=3, b=3", "np.vdot(a, b) | a=2x3, b=6", "np.vdot(a, b) | a=1, b=()",
                              "np.vdot(a, b) | a=2x2, b=2x2")),
    "np.kron": Rule(("a", "b"), grads={"a": _kron(0), "b": _kron(1)}, signature="a, b", fresh=True,
                    examples=("np.kron(a, b) | a=2, b=3", "np.kron(a, b) | a=2x3, b=2x2", "np.kron(a, b) | a=2x3, b=2",
                              "np.kron(a, b) | a=3, b=2x2", "np.kron(a, b) | a=(), b=2x3", "np.kron(a, b) | a=2x1x2, b=3x2",
                              "np.kron(a, b) | a=2x2x2, b=2x1x3")),
    "np.cross": Rule(("a", "b"), grads={"a": _cross(0), "b": _cross(1)}, broadcast=True,
                     signature="a, b, axisa=None, axisb=None, axisc=None, axis=None", fresh=True,
                     examples=("np.cross(a, b) | a=3, b=3", "np.cross(a, b) | a=2x3, b=3",
                               "np.cross(a, b) | a=2x3, b=2x3", "np.cross(a, b, axis=0) | a=3x2, b=3x2",
                               "np.cross(a, b, axisa=1, axisb=1, axisc=1) | a=2x3x2, b=2x3x2",
                               "np.cross(a, b) | a=2, b=2", "np.cross(a, b) | a=4x2, b=2", "np.cross(a, b) | a=2, b=4x2",
                               "np.cross(a, b) | a=4x2, b=4x2", "np.cross(a, b) | a=3x1x2, b=4x2")),
    "np.linalg.det": Rule(("a",), grads={"a": _det}, signature="a",
                          examples=("np.linalg.det(a) | a=3x3", "np.linalg.det(a) | a=2x2x2"), floats=True),
    "np.linalg.slogdet": Rule(("a",), grads={"a": _slogdet}, signature="a", domain=("invertible",), returns_list=True,
                              examples=("sign, logdet = np.linalg.slogdet(a); return logdet | a=3x3",
                                        "return np.linalg.slogdet(a)[1] * 2.0 | a=3x3"), floats=True),
    "np.linalg.matrix_power": Rule(("a",), grads={"a": _matrix_power}, signature="a, n", fresh=True,
                                   examples=("np.linalg.matrix_power(a, 3) | a=3x3", "np.linalg.matrix_power(a, 1) | a=2x2",
                                             "np.linalg.matrix_power(a, 0) * a | a=2x2")),
    "np.linalg.pinv": Rule(("a",), grads={"a": _pinv}, signature="a, rcond=None, hermitian=None", fresh=True,
                           examples=("np.linalg.pinv(a) | a=3x2", "np.linalg.pinv(a) | a=2x4",
                                     "np.linalg.pinv(a) | a=3x3:invertible", "np.linalg.pinv(a) | a=2x3x2",
                                     "np.linalg.pinv(a) | a=2x2x3"), floats=True),
    # scipy.linalg.expm (backgen.scipy_linalg), computed by the generated module's own _expm; the gradient is a
    # block of the exponential of a matrix twice as large (Van Loan's)
    "np._expm": Rule(("a",), "_expm(a)", {"a": _expm_grad}, signature="a", hint="expm{var}", fresh=True,
                     examples=("scipy.linalg.expm(a) | a=3x3", "scipy.linalg.expm(a * 3.0) | a=2x2",
                               "scipy.linalg.expm(a) | a=2x3x3"), floats=True),
    "np.linalg.inv": Rule(("a",), grads={"a": _inv}, signature="a", domain=("invertible",), fresh=True,
                          examples=("np.linalg.inv(a) | a=3x3", "np.linalg.inv(a) | a=2x2x2"), floats=True),
    "np.linalg.lstsq": Rule(("a", "b"), grads={"a": _lstsq(0), "b": _lstsq(1)}, signature="a, b, rcond=None",
                            returns_list=True,
                            examples=("x, res, rank, s = np.linalg.lstsq(a, b, rcond=None); return x | a=4x2, b=4",
                                      "x, res, rank, s = np.linalg.lstsq(a, b); return x * res | a=4x2, b=4x3",
                                      "x, res, rank, s = np.linalg.lstsq(a, b); return res * s.sum() | a=3x2, b=3",
                                      "return np.linalg.lstsq(a, b, rcond=None)[0] | a=2x3, b=2",
                                      "return np.linalg.lstsq(a, b)[0] ** 2 | a=3x3:invertible, b=3x2")),
    "np.linalg.solve": Rule(("a", "b"), grads={"a": _solve(0), "b": _solve(1)}, signature="a, b",
                            domain=("invertible", "any"), fresh=True,
                            examples=("np.linalg.solve(a, b) | a=3x3, b=3", "np.linalg.solve(a, b) | a=3x3, b=3x2"),
                            floats=True),
    "np.linalg.cholesky": Rule(("a",), grads={"a": _cholesky}, signature="a", domain=("spd",), fresh=True,
                               examples=("np.linalg.cholesky(a) | a=3x3", "np.linalg.cholesky(a).sum() | a=4x4"),
                               floats=True),
    "np.linalg.eigh": Rule(("a",), grads={"a": _eigh}, signature="a, UPLO='L'", domain=("spd",), returns_list=True,
                           examples=("w, v = np.linalg.eigh(a); return w * w.sum() | a=3x3",
                                     "w, v = np.linalg.eigh(a); return v[:, -1] ** 2 * w[0] | a=3x3",
                                     "return np.linalg.eigh(a)[1][:, 0] ** 2 | a=4x4",
                                     "w, v = np.linalg.eigh(a, UPLO='U'); return v[:, -1] ** 2 * w[0] | a=3x3",
                                     "return np.linalg.eigh(a, 'U')[0] | a=2x3x3"), floats=True),
    "np.linalg.qr": Rule(("a",), grads={"a": _qr}, signature="a, mode='reduced'", returns_list=True, fresh=True,
                         examples=("q, r = np.linalg.qr(a); return q * (r ** 2).sum() | a=4x3",
                                   "q, r = np.linalg.qr(a); return r | a=3x3",
                                   "return np.linalg.qr(a)[0] ** 3 | a=3x2",
                                   "q, r = np.linalg.qr(a); return (q ** 3).sum() * (r ** 2).sum(axis=0) | a=2x4",
                                   "q, r = np.linalg.qr(a); return q[..., 0, :] * r[..., -1] | a=2x3x2"), floats=True),
    "np.linalg.svd": Rule(("a",), grads={"a": _svd},
                          signature="a, full_matrices=True, compute_uv=True, hermitian=False",
                          returns_list=True,
                          examples=("u, s, vt = np.linalg.svd(a, full_matrices=False); "
                                    "return s | a=3x2",
                                    "u, s, vt = np.linalg.svd(a, full_matrices=False); "
                                    "return u[:, 0] ** 2 * s[1] | a=4x3",
                                    "u, s, vt = np.linalg.svd(a, full_matrices=False); "
                                    "return (u * vt[0]).sum() | a=3x3",
                                    "u, s, vt = np.linalg.svd(a, full_matrices=False); "
                                    "return vt[:, 1] ** 2 | a=2x4",
                                    "u, s, vt = np.linalg.svd(a); return s * s[0] | a=2x4",
                                    "u, s, vt = np.linalg.svd(a); return u * vt[0] * s | a=3x3",
                                    "return np.linalg.svd(a, hermitian=True)[1] | a=3x3",
                                    "u, s, vt = np.linalg.svd(a, hermitian=True); return u[:, 0] ** 2 * s | a=3x3"),
                          floats=True),
    "np.convolve": Rule(("a", "v"), grads={"a": _convolve(0), "v": _convolve(1)}, signature="a, v, mode='full'",
                        fresh=True, examples=("np.convolve(a, v) | a=5, v=3", "np.convolve(a, v) | a=2, v=4",
                                              "np.convolve(a, v, 'valid') | a=5, v=3",
                                              "np.convolve(a, v, mode='valid') | a=2, v=4",
                                              "np.convolve(a, v, 'valid') | a=3, v=3",
                                              "np.convolve(a, v, 'same') | a=5, v=3",
                                              "np.convolve(a, v, mode='same') | a=2, v=5")),
    "np.polyval": Rule(("p", "x"), grads={"p": _polyval(0), "x": _polyval(1)}, signature="p, x", fresh=True,
                       examples=("np.polyval(p, x) | p=3, x=4", "np.polyval(p, x) | p=4, x=2x3",
                                 "np.polyval(p, x) | p=2, x=()", "np.polyval(p, x * 2.0) * x | p=1, x=3")),
    "np.vander": Rule(("x",), grads={"x": _vander}, signature="x, N=None, increasing=False", fresh=True,
                      examples=("np.vander(x, 4) | x=3", "np.vander(x, 3, increasing=True) | x=4",
                                "np.vander(x) * x[:, None] | x=3", "np.vander(x, 1) | x=2")),
    "np.einsum": Rule(("operands",), grads={"operands": _einsum(None)}, variadic=", ",
                      signature="subscripts, *operands, optimize=False", fresh=True,
                      examples=("np.einsum('ij,jk->ik', a, b) | a=2x3, b=3x2", "np.einsum('ij,j->i', a, b) | a=2x3, b=3",
                                "np.einsum('ij,jk,kl->il', a, b, a, optimize=True) | a=2x3, b=3x2",
                                "np.einsum('i,i', a, b) | a=3, b=3",
                                "np.einsum('i,ij,j->', a, b, c) | a=3, b=3x4, c=4",
                                "np.einsum('ij,jk,kl->il', a, b, c) | a=2x3, b=3x4, c=4x2",
                                "np.einsum('ij,j,k->ik', a, b, c) | a=2x3, b=3, c=2",
                                "np.einsum('ij->j', a) | a=2x3", "np.einsum('ijk,k->j', a, b) | a=2x3x2, b=2",
                                "np.einsum('...ij,...jk->...ik', a, b) | a=2x2x3, b=2x3x2",
                                "np.einsum('...i,i', a, b) | a=2x3, b=3", "np.einsum('i...->...', a) | a=2x3")),
}
