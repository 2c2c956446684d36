"""Linear algebra, joins, splits and reorderings: programs that once gave a wrong gradient, crashed
or were refused though their meaning is decidable; each is now right (against central finite
differences in float64) or refused with a clear message."""

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).parent))
from numeric import gradient  # noqa: E402
from test_never_wrong import assert_refused, assert_right  # noqa: E402

RNG = np.random.default_rng(7)


def _values(*shape):
    return RNG.uniform(0.3, 1.2, size=shape) * RNG.choice([-1.0, 1.0], size=shape)


def _right(source, args):
    """``assert_right`` with an upstream gradient of the output's shape (numbers from -1 to 2)."""
    namespace = {"np": np}
    exec(textwrap.dedent(_shape_free(source)), namespace)
    out = namespace["f"](*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    dout = np.linspace(-1.0, 2.0, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else -0.7
    assert_right(source, args, dout=dout)


def _shape_free(source):
    """``source`` with its shape annotations taken away."""
    import re
    return re.sub(r': "[0-9, ]*"', "", re.sub(r": float", "", source))


# --- np.linalg.qr of fewer rows than columns; of a stack with shapes given ------------------

QR_WIDE = '''
def f(A: "2, 3"):
    Q, R = np.linalg.qr(A)
    t = np.stack([Q.sum(), R.max(), Q.min()])
    return np.einsum('i,i', t, t) + np.sum(np.sin(R) * np.arange(6.0).reshape(2, 3))
'''


@pytest.mark.parametrize("shape_free", [False, True])
def test_qr_of_fewer_rows_than_columns(shape_free):
    # R is (2, 3), not square: the backward solved against it and raised (LinAlgError); A = [X | Y],
    # R = [U | V] with X = Q U square and V = Q.T Y
    source = _shape_free(QR_WIDE) if shape_free else QR_WIDE
    assert_right(source, [np.array([[1.08, 0.71, -0.54], [0.74, 1.17, -0.98]])])


@pytest.mark.parametrize("shape", [(2, 4), (3, 5), (1, 3)])
def test_qr_of_fewer_rows_both_factors_read(shape):
    A, W, V = _values(*shape), _values(shape[0], shape[0]), _values(*shape)
    assert_right(f'''
    def f(A: "{shape[0]}, {shape[1]}", W: "{shape[0]}, {shape[0]}", V: "{shape[0]}, {shape[1]}"):
        Q, R = np.linalg.qr(A)
        return np.sum(W * Q) + np.sum(np.triu(R) ** 3 * V)
    ''', [A, W, V])


@pytest.mark.parametrize("shape", [(2, 3, 2), (2, 2, 3), (3, 3, 3)])
def test_qr_of_a_stack_with_shapes_given(shape):
    # refused ('np.linalg.qr is differentiated for one 2-D matrix'); without shapes it was right
    dims = ", ".join(map(str, shape))
    assert_right(f'''
    def f(A: "{dims}"):
        Q, R = np.linalg.qr(A)
        return np.sum(Q[..., 0] ** 3) + np.sum(np.tanh(R))
    ''', [_values(*shape)])


# --- singular values alone; np.linalg.svd of a stack, and without shapes ----------------

@pytest.mark.parametrize("call", ["np.linalg.svd(A, compute_uv=False)", "np.linalg.svd(A, False, False)",
                                  "np.linalg.svd(A, full_matrices=True, compute_uv=False)",
                                  "np.linalg.svdvals(A)"])
@pytest.mark.parametrize("shape", [(3, 2), (2, 4), (2, 3, 2)])
@pytest.mark.parametrize("shape_free", [False, True])
def test_singular_values_alone(call, shape, shape_free):
    # refused ('np.linalg.svd is differentiated with full_matrices=False'): the nuclear norm, the
    # spectral norm, a penalty on the singular values
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(A: "{dims}"):
        s = {call}
        return np.sum(s) + np.sum(s[..., 0] ** 2) + np.sum(np.log(s))
    '''
    assert_right(_shape_free(source) if shape_free else source, [_values(*shape)])


@pytest.mark.parametrize("shape", [(2, 3, 2), (2, 2, 4), (3, 3, 3)])
@pytest.mark.parametrize("shape_free", [False, True])
def test_svd_of_a_stack_every_factor_read(shape, shape_free):
    # refused for a stack ('differentiated for one 2-D matrix'), and without shapes for one matrix too
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(A: "{dims}"):
        u, s, vt = np.linalg.svd(A, full_matrices=False)
        return np.sum(u[..., 0] ** 3 * s[..., :1]) + np.sum(np.sin(vt) * s[..., :, None])
    '''
    A = _values(*shape)
    assert_right(_shape_free(source) if shape_free else source, [A])
    if shape[0] == 2 and not shape_free:
        assert_right(_shape_free(source), [A[0]])  # one matrix, without shapes


# --- stacks of matrices with shapes given: cholesky, solve, matrix_power --------------------

def test_cholesky_of_a_stack_with_shapes_given():
    # batched Gaussian processes: refused ('np.linalg.cholesky is differentiated for one 2-D matrix')
    assert_right('''
    def f(X: "2, 3, 4", y: "3"):
        K = X @ np.swapaxes(X, -1, -2) + 3.0 * np.eye(3)
        L = np.linalg.cholesky(K)
        alpha = np.linalg.solve(L, y)
        return np.sum(alpha ** 2) + 2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)))
    ''', [_values(2, 3, 4), _values(3)])


@pytest.mark.parametrize("b_shape", [(3,), (3, 2), (2, 3, 2), (1, 3, 1)])
def test_solve_with_a_stack(b_shape):
    # refused ('np.linalg.solve is differentiated for one 2-D matrix'), and for a b of 3 axes
    dims = ", ".join(map(str, b_shape))
    assert_right(f'''
    def f(A: "2, 3, 3", b: "{dims}"):
        S = A + 3.0 * np.eye(3)
        x = np.linalg.solve(S, b)
        return np.sum(np.tanh(x)) + np.sum(x ** 2)
    ''', [_values(2, 3, 3), _values(*b_shape)])
    if len(b_shape) == 3:  # one matrix a, a stack of b
        assert_right(f'''
        def f(A: "3, 3", b: "{dims}"):
            x = np.linalg.solve(A + 3.0 * np.eye(3), b)
            return np.sum(np.tanh(x)) + np.sum(x ** 2)
        ''', [_values(3, 3), _values(*b_shape)])


@pytest.mark.parametrize("n", [-2, -1, 2, 3])
def test_matrix_power_of_a_stack_with_shapes_given(n):
    assert_right(f'''
    def f(A: "2, 3, 3"):
        P = np.linalg.matrix_power(A * 0.5 + np.eye(3), {n})
        return np.sum(P * np.arange(9.0).reshape(3, 3))
    ''', [_values(2, 3, 3)])


# --- a write into a factor of a factorization (a tuple of arrays) ----------------------------

@pytest.mark.parametrize("body", [
    # the factor's view written into: svd's (u, s, vt) written back as a list (a tuple has no .copy(); refused,
    # 'could not run the staged forward ... SVDResult object has no attribute copy')
    '''
    Uu, sv, Vt = np.linalg.svd(U, full_matrices=False)
    t = np.transpose(Vt)
    t *= 2.0
    return np.sum(np.tanh(t)) + np.sum(Vt)
    ''',
    '''
    res = np.linalg.svd(U, full_matrices=False)
    Vt = res[2]
    Vt *= 2.0
    return np.sum(res[2] ** 2 * np.arange(3.0)) + np.sum(res[1])
    ''',
    '''
    res = np.linalg.qr(U)
    R = res[1]
    R[0] += 1.0
    R *= R
    return np.sum(res[1] * np.arange(3.0)) + np.sum(res[0])
    ''',
    '''
    w, V = np.linalg.eigh(U.T @ U + 3.0 * np.eye(3))
    V[:, 0] *= w[0]
    return np.sum(V ** 3) + np.sum(w)
    ''',
])
def test_a_write_into_a_factor(body):
    assert_right('def f(U: "4, 3"):' + textwrap.indent(textwrap.dedent(body), "    "),
                 [np.array([[0.9, -0.4, 0.3], [0.2, 1.1, -0.5], [-0.7, 0.6, 0.8], [0.4, 0.3, 1.2]])])


# --- np.split at indices out of order: parts that overlap ------------------------------------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("call, read", [
    ("np.split(u, [3, 1])", "parts[0] * parts[2] + parts[1].sum()"),  # u[:3], u[3:1] (empty), u[1:]
    ("np.split(u, [-1, 2])", "parts[0] * np.sum(parts[2] ** 2)"),  # u[:-1], u[-1:2] (empty), u[2:]
    ("np.split(u, (2, 2, 1))", "parts[0].sum() * parts[3]"),
    ("np.split(u, [6, 2])", "parts[0] * parts[2].sum()"),  # u[:6] (all of u), u[6:2], u[2:]
    ("np.array_split(u, [3, 1, 2])", "parts[0][:2] * parts[2] + parts[3].sum()"),
])
def test_split_at_indices_out_of_order(call, read, shape_free):
    # the parts' gradients were joined back as though they followed one another: a gradient of 6
    # elements for u of 4 (or of the wrong values)
    source = f'''
    def f(u: "4"):
        parts = {call}
        return {read}
    '''
    _right(_shape_free(source) if shape_free else source, [np.array([0.5, -0.8, 1.1, 0.7])])


def test_split_at_indices_computed():
    # cut points the code computes: where they are out of order, the parts overlap
    source = textwrap.dedent('''
    def f(A: "3, 4", i: int, j: int):
        a, b, c = np.split(A, [i, j], axis=1)
        return np.sum(a ** 2) + np.sum(np.tanh(c)) * 2.0
    ''')
    namespace = {"np": np}
    exec(source, namespace)
    backward = {}
    exec(backgen.generate(source), backward)
    A = _values(3, 4)
    for i, j in [(1, 3), (3, 1), (-1, 2), (0, 4)]:
        want = gradient(lambda a: namespace["f"](a, i, j), [A], 0)
        np.testing.assert_allclose(backward["f_backward"](A, i, j, 1.0), want, rtol=1e-5, atol=1e-6)


# --- np.linalg.svd with full_matrices=True (NumPy's default), hermitian=True -----------------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 4)])
def test_svd_singular_values_with_full_matrices(shape, shape_free):
    # _, s, _ = np.linalg.svd(X): refused ('differentiated with full_matrices=False')
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(X: "{dims}"):
        _, s, _ = np.linalg.svd(X)
        return np.sum(s ** 2) + np.sum(s[..., 0])
    '''
    assert_right(_shape_free(source) if shape_free else source, [_values(*shape)])


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_svd_of_a_square_matrix_with_full_matrices(shape):
    dims = ", ".join(map(str, shape))
    assert_right(f'''
    def f(X: "{dims}"):
        u, s, vt = np.linalg.svd(X)
        return np.sum(u ** 3) + np.sum(vt[..., 0] * s)
    ''', [_values(*shape)])


@pytest.mark.parametrize("shapes", [{"X": "5, 3"}, None])
def test_svd_factors_of_full_matrices_checked_as_the_backward_runs(shapes):
    # u of full_matrices=True has columns no input decides (of a matrix of more rows than columns): an
    # output that depends on which of them NumPy picked stops the backward (read through their span
    # alone, or the first min(m, n) columns, or one column beyond, they are right: test_sparse_hunt)
    text = backgen.generate(textwrap.dedent('''
    import numpy as np
    def f(X):
        u, s, vt = np.linalg.svd(X)
        return np.sum(u[:, -1] * np.arange(5.0))
    '''), name="f", shapes=shapes)
    namespace = {}
    exec(text, namespace)
    with pytest.raises(ValueError, match="no input decides"):
        namespace["f_backward"](_values(5, 3))


@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("body", [
    "return np.linalg.svd(X, hermitian=True)[1]",
    "return np.linalg.svd(X, full_matrices=False, hermitian=True)[1] ** 2",
    "return np.linalg.svd(X, compute_uv=False, hermitian=True)",
    "u, s, vt = np.linalg.svd(X, hermitian=True)\n        return np.sum(u[..., 0] ** 2 * s) + np.sum(vt[..., 1, :] ** 3)",
])
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_svd_hermitian_reads_the_lower_triangle(body, shape, shape_free):
    # with hermitian=True NumPy reads X's lower triangle: the gradient was that of every element
    # (d s / d X[0, 1] is 0, not the gradient's -0.16)
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(X: "{dims}"):
        {body}
    '''
    _right(_shape_free(source) if shape_free else source, [_values(*shape)])


@pytest.mark.parametrize("optimize", ["True", "'greedy'", "'optimal'", "False"])
def test_einsum_with_optimize(optimize):
    # refused ('np.einsum: got an unexpected keyword argument optimize'): the same sums
    assert_right(f'''
    def f(A: "3, 4", T: "2, 4, 5"):
        x = np.einsum('ij,bjk,kl->bil', A, T, T[0].T, optimize={optimize})
        return np.einsum('bij,bij->', x, x, optimize={optimize})
    ''', [_values(3, 4), _values(2, 4, 5)])


# --- np.dot of an operand of more than two axes ------------------------------------------------

@pytest.mark.parametrize("a, b", [((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 5)),
                                  ((2, 3, 4), (2, 4, 5)), ((2, 1, 4), (1, 4, 3))])
def test_dot_of_more_than_two_axes(a, b):
    # refused ('np.dot of arrays with more than 2 dimensions: use np.matmul or np.einsum'): a temporal
    # affine layer np.dot(x, W) of x (N, T, D)
    da, db = ", ".join(map(str, a)), ", ".join(map(str, b))
    assert_right(f'''
    def f(X: "{da}", W: "{db}"):
        h = np.tanh(np.dot(X, W) + 0.1)
        return np.sum(h ** 2 * np.arange(h.size).reshape(h.shape)) + X.dot(W).sum()
    ''', [_values(*a), _values(*b)])


# --- np.linalg.lstsq ------------------------------------------------------------------------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("a, b", [((5, 3), (5,)), ((5, 3), (5, 2)), ((2, 4), (2,)), ((3, 3), (3, 2))])
def test_lstsq_solution(a, b, shape_free):
    # np.linalg.lstsq had no rule: the solution pinv(a) b of a of full rank (least squares, or the
    # solution of least norm of fewer rows)
    da, db = ", ".join(map(str, a)), ", ".join(map(str, b))
    source = f'''
    def f(A: "{da}", y: "{db}"):
        x, *_ = np.linalg.lstsq(A, y, rcond=None)
        r = A @ x - y
        return np.sum(r * r) + np.sum(np.sin(x))
    '''
    A = _values(*a) + (np.eye(*a) if a[0] == a[1] else 0.0)
    assert_right(_shape_free(source) if shape_free else source, [A, _values(*b)])


@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("b", [(5,), (5, 2)])
def test_lstsq_residuals_and_singular_values(b, shape_free):
    db = ", ".join(map(str, b))
    source = f'''
    def f(A: "5, 3", y: "{db}"):
        x, res, rank, s = np.linalg.lstsq(A, y, rcond=None)
        return np.sum(res * np.arange(1.0, res.size + 1)) * s[0] + np.sum(x ** 2) * rank
    '''
    assert_right(_shape_free(source) if shape_free else source, [_values(5, 3), _values(*b)])


def test_lstsq_refusals():
    assert_refused('''
    def f(A: "3, 4", y: "3"):
        return np.linalg.lstsq(A, y, rcond=None)[1]
    ''', [_values(3, 4), _values(3)], "more rows than columns")
    assert_refused('''
    def f(A: "5, 3", y: "5"):
        return np.linalg.lstsq(A, y, rcond=0.1)[0]
    ''', [_values(5, 3), _values(5)], "rcond=None")


# --- NumPy 2's array API names; a diagonal and a trace over the last two axes without shapes ----------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("expression, shapes", [
    ("T.mT @ T", {"T": (2, 3, 4)}),
    ("np.linalg.matmul(T, U)", {"T": (2, 3, 4), "U": (2, 4, 5)}),
    ("np.linalg.outer(u, v)", {"u": (3,), "v": (4,)}),
    ("np.linalg.cross(A, B, axis=-1)", {"A": (4, 3), "B": (4, 3)}),
    ("np.linalg.tensordot(A, B, axes=([1], [0]))", {"A": (3, 4), "B": (4, 2)}),
    ("np.linalg.diagonal(T, offset=1)", {"T": (2, 3, 4)}),
    ("np.linalg.trace(T)", {"T": (2, 3, 4)}),
    ("np.linalg.trace(A, offset=-1)", {"A": (3, 4)}),
    ("np.linalg.vector_norm(A)", {"A": (3, 4)}),
    ("np.linalg.vector_norm(A, ord=3)", {"A": (3, 4)}),
    ("np.linalg.vector_norm(A, axis=1, ord=3)", {"A": (3, 4)}),
    ("np.linalg.vector_norm(T, axis=(0, 2), keepdims=True)", {"T": (2, 3, 4)}),
    ("np.linalg.matrix_norm(T, keepdims=True)", {"T": (2, 3, 4)}),
    ("np.linalg.matrix_norm(A, ord='nuc')", {"A": (3, 4)}),
    ("np.matvec(T, u)", {"T": (2, 3, 4), "u": (4,)}),
    ("np.vecmat(u, T)", {"u": (3,), "T": (2, 3, 4)}),
    ("np.diagonal(T, axis1=-1, axis2=-2)", {"T": (2, 3, 4)}),
    ("np.trace(T, 1, -1, -2)", {"T": (2, 3, 4)}),
])
def test_array_api_names(expression, shapes, shape_free):
    # each was refused ('has no derivative rule', 'the attribute .mT is not supported as a value'), and
    # without shapes the diagonal and the trace over the last two axes asked for them
    if shape_free and "matrix_norm(A, ord='nuc')" in expression:
        pytest.skip("a matrix norm of the SVD needs the shapes")
    params = ", ".join(f'{name}: "{", ".join(map(str, shape))}"' for name, shape in shapes.items())
    source = f'''
    def f({params}):
        y = {expression}
        return np.sum(np.sin(y) * y)
    '''
    args = [_values(*shape) for shape in shapes.values()]
    assert_right(_shape_free(source) if shape_free else source, args)


# --- np.r_[...] of values -------------------------------------------------------------------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("expression", ["np.r_[u, v]", "np.r_[0.0, np.cumsum(u)]", "np.r_[s, u, 2.0 * s]",
                                        "np.r_[u, 0:3] * u[0]", "np.r_[1:4:2, u]", "np.diff(np.r_[0.0, u, 1.0])",
                                        "np.r_[u]"])
def test_r_of_values(expression, shape_free):
    # refused ('np.r_ is not supported as a value'): the items, each of at least one axis, joined
    source = f'''
    def f(u: "3", v: "4", s: float):
        y = {expression}
        return np.sum(y ** 3)
    '''
    assert_right(_shape_free(source) if shape_free else source, [_values(3), _values(4), 0.7])


def test_r_with_a_directive_refused():
    assert_refused('''
    def f(u: "3"):
        return np.sum(np.r_['0,2', u, u])
    ''', [_values(3)], "np.r_ is not supported")


# --- np.kron of operands of other ranks -----------------------------------------------------------

@pytest.mark.parametrize("a, b", [((2, 3), (2,)), ((3,), (2, 2)), ((), (2, 3)), ((2, 3), ()), ((2, 1, 2), (3, 2)),
                                  ((2, 2, 2), (2, 1, 3))])
def test_kron_of_other_ranks(a, b):
    # refused ('np.kron is differentiated for two vectors or two matrices'): NumPy gives the operand of
    # fewer axes leading axes of 1
    def annotation(shape):
        return '"' + ", ".join(map(str, shape)) + '"' if shape else "float"
    source = f'''
    def f(a: {annotation(a)}, b: {annotation(b)}):
        k = np.kron(a, b)
        return np.sum(np.sin(k) * np.arange(k.size).reshape(k.shape))
    '''
    args = [_values(*shape) if shape else 0.8 for shape in (a, b)]
    assert_right(source, args)


@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("shape", [(3, 2), (2, 4), (2, 3, 2), (2, 2, 3)])
def test_pinv_of_a_stack_and_without_shapes(shape, shape_free):
    # refused for a stack ('differentiated for one 2-D matrix'), and without shapes (they were asked for)
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(A: "{dims}"):
        P = np.linalg.pinv(A)
        return np.sum(P ** 3) + np.sum(np.swapaxes(P, -1, -2) * A)
    '''
    # (values of their own, not the file's shared stream, whose state depends on the tests run before: a
    # matrix near a rank drop makes central differences of pinv too coarse for the tolerance)
    rng = np.random.default_rng(sum(shape) * 10 + len(shape))
    A = rng.uniform(0.3, 1.2, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    assert min(np.linalg.svd(m, compute_uv=False)[-1] for m in A.reshape((-1,) + shape[-2:])) > 0.1
    assert_right(_shape_free(source) if shape_free else source, [A])


@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("body", [
    "w, v = np.linalg.eigh(S, UPLO='U')\n        return np.sum(v[..., 0] ** 2 * w[..., -1:]) + np.sum(w ** 2)",
    "return np.linalg.eigh(S, 'U')[0] * 2.0",
    "return np.linalg.eigvalsh(S, UPLO='U') ** 2",
])
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_eigh_of_the_upper_triangle(body, shape, shape_free):
    # refused ("differentiated with UPLO='L'"): NumPy reads the upper triangle, where the gradient is
    dims = ", ".join(map(str, shape))
    source = f'''
    def f(A: "{dims}"):
        S = A + 3.0 * np.eye(3)
        {body}
    '''
    _right(_shape_free(source) if shape_free else source, [_values(*shape)])


# --- np.einsum of a letter repeated in several operands -----------------------------------------

@pytest.mark.parametrize("shape_free", [False, True])
@pytest.mark.parametrize("spec, shapes", [
    ("ii,ii->", [(3, 3), (3, 3)]), ("ii,jj->ij", [(3, 3), (2, 2)]), ("ii,ii->i", [(3, 3), (3, 3)]),
    ("ijj,ijj->j", [(2, 3, 3), (2, 3, 3)]), ("iij,iij,klj->lj", [(3, 3, 2), (3, 3, 2), (2, 4, 2)]),
    ("ii,ji,ii->j", [(3, 3), (2, 3), (3, 3)]), ("iji,iji->j", [(3, 2, 3), (3, 2, 3)]),
    ("ijkk,ljmm->kli", [(2, 3, 2, 2), (2, 3, 2, 2)]),
])
def test_einsum_letters_repeated_in_several_operands(spec, shapes, shape_free):
    # refused ('an index repeated in one operand is differentiated where no other operand repeats one'):
    # each repeat read as a letter of its own joined to the first by an identity, the other operands'
    # diagonals read as einsum reads them
    names = "ABC"[:len(shapes)]
    params = ", ".join(f'{n}: "{", ".join(map(str, s))}"' for n, s in zip(names, shapes))
    source = f'''
    def f({params}):
        y = np.einsum('{spec}', {", ".join(names)})
        return np.sum(y * np.tanh(y))
    '''
    assert_right(_shape_free(source) if shape_free else source, [_values(*s) for s in shapes])


# --- np.einsum with an ellipsis covering axes that broadcast -------------------------------------

@pytest.mark.parametrize("spec, shapes", [
    ("...ij,...jk->...ik", [(1, 3, 4), (2, 4, 5)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("...ij,...jk", [(3, 4), (2, 4, 5)]), ("...i,...i->...", [(2, 3, 4), (4,)]), ("...i,...i", [(2, 3, 4), (3, 1)]),
    ("b...ij,b...jk->b...ik", [(2, 1, 3, 4), (2, 3, 4, 2)]), ("ij...,jk...->ik...", [(3, 4, 2), (4, 5, 1)]),
    ("...ii,...ii->...", [(2, 3, 3), (3, 3)]), ("...,...->...", [(2, 3, 4), (4,)]),
])
def test_einsum_ellipsis_broadcast(spec, shapes):
    # refused ("np.einsum with '...' is differentiated where the ellipsis covers the same axes in every
    # operand"): NumPy aligns the ellipsis' axes at the right and broadcasts axes of 1
    names = "AB"[:len(shapes)]
    params = ", ".join(f'{n}: "{", ".join(map(str, s))}"' for n, s in zip(names, shapes))
    assert_right(f'''
    def f({params}):
        y = np.einsum('{spec}', {", ".join(names)})
        return np.sum(np.sin(y) * y)
    ''', [_values(*s) for s in shapes])


# --- matrix norms of a stack of matrices --------------------------------------------------------

@pytest.mark.parametrize("order", ["2", "-2", "'nuc'", "1", "-1", "np.inf", "-np.inf"])
@pytest.mark.parametrize("axis", ["(1, 2)", "(-1, -2)"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norms_of_a_stack(order, axis, keepdims):
    # refused ('matrix norms other than 'fro' are differentiated for one 2-D matrix')
    _right(f'''
    def f(X: "2, 3, 4"):
        return np.linalg.norm(X, {order}, axis={axis}, keepdims={keepdims}) * np.array([1.0, -2.0]).reshape(
            {(2, 1, 1) if keepdims else (2,)})
    ''', [_values(2, 3, 4)])


@pytest.mark.parametrize("call, shape", [("np.diagonal(T)", (3, 3, 2)), ("T.diagonal(1)", (2, 3, 3)),
                                         ("np.diagonal(T, 1, 0, 2)", (3, 2, 4)), ("np.diagonal(T, -1, 2, 0)", (3, 2, 4)),
                                         ("T.diagonal(0, 1, 3)", (2, 3, 2, 4)), ("np.trace(T)", (3, 3, 2))])
def test_diagonal_over_other_axes(call, shape):
    # refused ('a diagonal is differentiated over the first two axes of a 2-D array, or over the last two')
    dims = ", ".join(map(str, shape))
    _right(f'''
    def f(T: "{dims}"):
        d = {call}
        return np.sin(d) * d
    ''', [_values(*shape)])
