"""NumPy calls real code makes that had no rule: running extremes and sums (ufuncs' accumulate),
np.partition, np.insert, np.i0 and more, each backward checked against central finite differences
in float64, by ``generate`` without shapes, with them, and by the decorator; where the function has
ties (equal running maxima, repeated values), the subgradient backgen gives is stated and checked."""

import numpy as np
import pytest

import backgen
from every_way import every_way as _every_way, forward as _forward, generated as _generated
from numeric import check_gradients, gradient

RNG = np.random.default_rng(20261204)


ACCUMULATE = '''
import numpy as np

def f(a, w):
    peaks = np.maximum.accumulate(a, axis=1)
    lows = np.minimum.accumulate(a)
    return (np.sum(w * peaks) + np.sum(w * lows ** 2) + np.sum(w * np.add.accumulate(a, -1))
            + np.sum(w * np.multiply.accumulate(a)))
'''


@pytest.mark.parametrize("shape", [(6,), (2, 3, 2)])
def test_ufunc_accumulates(shape, tmp_path):
    """np.maximum/minimum/add/multiply.accumulate (axis 0 where not given) had no rule."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    if len(shape) == 1:
        source = ACCUMULATE.replace("axis=1", "axis=0")
    else:
        source = ACCUMULATE
    named = ", ".join("NMK"[:len(shape)])
    _every_way(source, "f", args, {"a": named, "w": named}, tmp_path)


DRAWDOWN = '''
import numpy as np

def max_drawdown(prices):
    """Largest drop from a running peak of a price path."""
    peak = np.maximum.accumulate(prices)
    return np.max((peak - prices) / peak)
'''


def test_running_maximum_drawdown(tmp_path):
    args = [np.array([100., 104., 101., 107., 98., 103., 99.])]
    _every_way(DRAWDOWN, "max_drawdown", args, {"prices": "N"}, tmp_path)


def test_running_maximum_ties_go_to_the_latest_equal_element(tmp_path):
    """Where elements equal the running maximum (3.0 twice, at 1 and 3) no gradient exists; each
    result's goes to the latest element equal to it, as PyTorch's cummax routes it: the results at
    1 and 2 to element 1, those at 3 and 4 to element 3."""
    source = "import numpy as np\n\ndef f(a, w):\n    return np.sum(w * np.maximum.accumulate(a))\n"
    a, w = np.array([1.0, 3.0, 2.0, 3.0, 0.5]), np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    want = np.array([1.0, 6.0, 0.0, 24.0, 0.0])
    for given in (None, {"a": "N", "w": "N"}):
        np.testing.assert_array_equal(_generated(source, "f", given)(a, w)[0], want)
    np.testing.assert_array_equal(backgen.backward(_forward(source, "f", tmp_path)).backward(a, w)[0], want)


PARTITION = '''
import numpy as np

def smallest_sum(x, w, k=3):
    """Sum of the k smallest values via np.partition, and weighted partitions along axes."""
    return (np.sum(np.partition(x, k - 1)[:k]) + np.sum(w * np.partition(x, 1, axis=0))
            + np.sum(w.ravel() * np.partition(x, (0, 3), axis=None)))
'''


@pytest.mark.parametrize("shape", [(7,), (4, 3)])
def test_partition(shape, tmp_path):
    """np.partition had no rule; its result's order apart from the k-th places is NumPy's, which the
    gradient reads back from the result."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    named = ", ".join("NM"[:len(shape)])
    _every_way(PARTITION, "smallest_sum", args, {"x": named, "w": named, "k": "int"}, tmp_path, wrt=[0, 1])


def test_partition_with_repeated_values_routes_each_result_to_one_equal_element(tmp_path):
    """Repeated values have no gradient; each result's goes to one element of its value, each
    element getting one result's (tied ones matched in order): the gradient sums as a permutation's."""
    source = "import numpy as np\n\ndef f(x, w):\n    return np.sum(w * np.partition(x, 2))\n"
    x, w = np.array([2.0, 1.0, 2.0, 0.5, 2.0, 3.0]), np.arange(1.0, 7.0)
    out = np.partition(x, 2)
    for got in (_generated(source, "f")(x, w)[0], _generated(source, "f", {"x": "N", "w": "N"})(x, w)[0],
                backgen.backward(_forward(source, "f", tmp_path)).backward(x, w)[0]):
        assert sorted(got) == sorted(w)  # each result's weight given to exactly one element
        for value in np.unique(x):  # and to an element of its own value
            assert sorted(got[x == value]) == sorted(w[out == value])


INSERT = '''
import numpy as np

def with_boundaries(u, left=0.0, right=1.0):
    """Interior values with boundary values inserted at both ends; the Dirichlet energy."""
    full = np.insert(u, 0, left)
    full = np.append(full, right)
    return np.sum(np.diff(full) ** 2)

def spliced(a, v, w):
    return np.sum(w * np.insert(a, [1, 3, 3], v) ** 2)

def column(a, c, w):
    return np.sum(w * np.insert(a, -1, c, axis=1) ** 3)
'''


def test_insert(tmp_path):
    """np.insert had no rule: arr's gradient is the result's at the places not inserted, values' the
    rest (summed where values is broadcast)."""
    _every_way(INSERT, "with_boundaries", [RNG.normal(size=5), 0.3, 1.2], {"u": "N", "left": "", "right": ""},
               tmp_path)
    args = [RNG.normal(size=(2, 2)), RNG.normal(size=3), RNG.normal(size=7)]
    _every_way(INSERT, "spliced", args, {"a": "2, 2", "v": "3", "w": "7"}, tmp_path, free=False)
    args = [RNG.normal(size=(2, 3)), 0.7, RNG.normal(size=(2, 4))]
    forward = _forward(INSERT, "column", tmp_path)
    check_gradients(_generated(INSERT, "column", {"a": "2, 3", "c": "", "w": "2, 4"})(*args), forward, args, [0, 1, 2])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


VON_MISES = '''
import numpy as np

def von_mises_nll(mu, kappa, theta):
    """von Mises log-density through NumPy's own Bessel function np.i0."""
    return -np.sum(kappa * np.cos(theta - mu) - np.log(2 * np.pi * np.i0(kappa)))
'''


def test_bessel_i0(tmp_path):
    """np.i0 had no rule: its derivative is I1, which the generated module computes by its series,
    at 0, on both sides of it and far out (40: terms growing before they shrink)."""
    _every_way(VON_MISES, "von_mises_nll", [0.3, 2.0, RNG.normal(size=5)], {"mu": "", "kappa": "", "theta": "N"},
               tmp_path)
    kappa = np.array([0.0, 1.5, -3.0, 40.0])
    forward = _forward(VON_MISES, "von_mises_nll", tmp_path)
    args = [0.3, kappa, RNG.normal(size=4)]
    check_gradients(_generated(VON_MISES, "von_mises_nll")(*args), forward, args, [0, 1, 2])


QR = '''
import numpy as np

def projection_residual(A, b):
    """Residual of b after projecting onto A's columns through a QR factorization."""
    Q, R = np.linalg.qr(A)
    p = Q @ (Q.T @ b)
    return np.sum((b - p) ** 2)

def both_factors(A, W):
    Q, R = np.linalg.qr(A)
    return np.sum(W * Q) + np.sum(np.triu(R) ** 3)
'''


@pytest.mark.parametrize("rows, columns", [(5, 2), (3, 3)])
def test_qr(rows, columns, tmp_path):
    """np.linalg.qr had no rule: Q and R of a matrix of full rank, as many rows as columns or more
    (without shapes, the same form swaps the last two axes: a stack of matrices too)."""
    if rows > columns:
        args = [RNG.normal(size=(rows, columns)), RNG.normal(size=rows)]
        _every_way(QR, "projection_residual", args, {"A": f"{rows}, {columns}", "b": f"{rows}"}, tmp_path)
    args = [RNG.normal(size=(rows, columns)), RNG.normal(size=(rows, columns))]
    _every_way(QR, "both_factors", args, {"A": f"{rows}, {columns}", "W": f"{rows}, {columns}"}, tmp_path)
    stacked = [RNG.normal(size=(2, rows, columns)), RNG.normal(size=(2, rows, columns))]
    check_gradients(_generated(QR, "both_factors")(*stacked), _forward(QR, "both_factors", tmp_path), stacked, [0, 1])


def test_qr_of_fewer_rows_than_columns(tmp_path):
    """Of fewer rows than columns R is not square (the backward solved against it and raised): A = [X | Y],
    R = [U | V], X = Q U the square case and V = Q.T Y (tests/test_linalg_hunt.py has more)."""
    source = "import numpy as np\n\ndef f(A):\n    return np.sum(np.linalg.qr(A)[1] ** 2)\n"
    args = [RNG.normal(size=(2, 3))]
    check_gradients(_generated(source, "f", {"A": "2, 3"})(*args), _forward(source, "f", tmp_path), args, [0])


MARKOV = '''
import numpy as np

def stationary_mass(logits, k=5):
    """A row-stochastic matrix from softmax logits, raised to the k-th power; mass on state 0."""
    P = np.exp(logits)
    P = P / P.sum(axis=1, keepdims=True)
    Pk = np.linalg.matrix_power(P, k)
    return Pk[:, 0].sum()

def weighted_power(A, W, n=2):
    return np.sum(W * np.linalg.matrix_power(A, n))
'''


def test_matrix_power_of_a_power_given_as_a_parameter(tmp_path):
    """np.linalg.matrix_power(P, k), k a parameter, was refused ('must be a constant'): the
    gradient reads the power as the code runs."""
    _every_way(MARKOV, "stationary_mass", [RNG.normal(size=(3, 3)), 5], {"logits": "N, N", "k": "int"}, tmp_path,
               wrt=[0])


@pytest.mark.parametrize("n", [0, 1, 3, -2])
def test_matrix_power_of_every_integer_read_as_the_code_runs(n, tmp_path):
    """Powers 0 and 1, and a negative one (the inverse's power), read from the parameter."""
    args = [2 * np.eye(3) + RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3)), n]
    forward = _forward(MARKOV, "weighted_power", tmp_path)
    check_gradients(_generated(MARKOV, "weighted_power", {"A": "3, 3", "W": "3, 3", "n": "int"})(*args), forward, args, [0, 1])


def test_fft_is_refused_for_its_complex_values():
    """NumPy's FFT returns complex numbers, which no rule of backgen (real arithmetic) follows: refused
    at the user's line, saying why and what to write instead, where they are read as complex numbers
    (read only through np.abs, .real and .imag, the transform is written with its real parts)."""
    source = "import numpy as np\n\ndef f(x):\n    X = np.fft.rfft(x)\n    return np.sum((X * np.conj(X)).real)\n"
    for shapes in (None, {"x": "N"}):
        with pytest.raises(backgen.BackgenError, match="returns complex numbers.*real and imaginary parts") as info:
            backgen.generate(source, name="f", shapes=shapes)
        assert "line 4" in str(info.value) or ":4:" in str(info.value)


STACKED_LISTS = '''
import numpy as np

def stacked(x, w, v):
    rows = []
    for i in range(3):
        rows.append(x * (i + 1.0))
    return np.sum(w * np.vstack(rows) ** 2) + np.sum(v * np.hstack(rows) ** 3)
'''


@pytest.mark.parametrize("shape", [(), (2, 3), (2, 1, 2)])
def test_stacks_of_a_built_list_without_shapes(shape, tmp_path):
    """np.vstack and np.hstack of a list built by append were refused without shapes ('depends on the
    shapes'): one form holds at every rank (rows of a number or a vector one each; np.hstack along the
    first axis of vectors, the second of others, as NumPy picks by the first element)."""
    parts = [np.zeros(shape)] * 3
    args = [RNG.normal(size=shape), RNG.normal(size=np.vstack(parts).shape), RNG.normal(size=np.hstack(parts).shape)]
    forward = _forward(STACKED_LISTS, "stacked", tmp_path)
    check_gradients(_generated(STACKED_LISTS, "stacked")(*args), forward, args, [0, 1, 2])


COVARIANCE = '''
import numpy as np

def spread(m, w, v):
    return np.sum(w * np.cov(m) ** 2) + np.sum(v * np.cov(m, rowvar=False, ddof=0) ** 3)
'''


@pytest.mark.parametrize("shape", [(5,), (1, 4), (4, 2)])
def test_cov_without_shapes(shape, tmp_path):
    """np.cov was refused without shapes ('depends on the shapes'): as NumPy computes it, the
    variables are the rows of np.atleast_2d(m) (a vector: one variable, its variance a number), with
    rowvar=False the columns of a matrix."""
    args = [RNG.normal(size=shape), RNG.normal(size=np.shape(np.cov(np.zeros(shape)))),
            RNG.normal(size=np.shape(np.cov(np.zeros(shape), rowvar=False, ddof=0)))]
    forward = _forward(COVARIANCE, "spread", tmp_path)
    check_gradients(_generated(COVARIANCE, "spread")(*args), forward, args, [0, 1, 2])


EIGH = '''
import numpy as np

def spectrum(A, w):
    S = A + np.swapaxes(A, -1, -2)
    evals, evecs = np.linalg.eigh(S)
    return np.sum(w * evals ** 2)

def vectors(A, w):
    evals, evecs = np.linalg.eigh(A)
    return np.sum(w * np.abs(evecs[..., 1])) + np.sum(evals ** 3)
'''


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh_without_shapes_and_of_stacks(shape, tmp_path):
    """np.linalg.eigh was refused without shapes ('depends on the shapes') and for a stack of
    matrices: one form holds for both (the eigenvalues alone, and with the eigenvectors; of A's lower
    triangle, which eigh reads)."""
    for function in ("spectrum", "vectors"):
        args = [RNG.normal(size=shape), RNG.normal(size=shape[:-1])]
        forward = _forward(EIGH, function, tmp_path)
        check_gradients(_generated(EIGH, function)(*args), forward, args, [0, 1])
        check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1])


def test_eigh_without_shapes_of_repeated_eigenvalues(tmp_path):
    """The eigenvalues alone need no 1 / (w[j] - w[i]): right (not nan) where two are equal."""
    args = [np.diag([0.5, 0.5, 1.5]), np.ones(3)]
    forward = _forward(EIGH, "spectrum", tmp_path)
    check_gradients(_generated(EIGH, "spectrum")(*args), forward, args, [0, 1])


NORMS = '''
import numpy as np

def penalties(x, w):
    """Norms of orders that differ for a vector and a matrix, and of orders along an axis."""
    return (np.linalg.norm(x, 1) * w + np.linalg.norm(x, np.inf) ** 2 + np.linalg.norm(x, -1) * 0.3
            + np.linalg.norm(x, 2) * 0.5 + np.linalg.norm(x, -np.inf) ** 2)

def along(x, w):
    return (np.sum(w * np.linalg.norm(x, 3, axis=-1)) + np.sum(np.linalg.norm(x, 1, axis=0) ** 2)
            + np.sum(np.linalg.norm(x, np.inf, axis=0)))

def nuclear(x, w):
    return np.linalg.norm(x, 'nuc') * w + np.linalg.norm(x, -2) ** 2
'''


@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_norms_of_an_order_without_shapes(shape, tmp_path):
    """np.linalg.norm(x, 1) and other orders were refused without shapes ('depends on the shapes'):
    without an axis NumPy takes a vector's norm or a matrix's by x's rank, which the backward reads as
    it runs; along an axis the order is a vector norm at every rank."""
    args = [RNG.normal(size=shape), 0.7]
    check_gradients(_generated(NORMS, "penalties")(*args, 1.0), _forward(NORMS, "penalties", tmp_path), args, [0, 1])
    args = [RNG.normal(size=shape + (2,)), RNG.normal(size=shape)]
    check_gradients(_generated(NORMS, "along")(*args, np.ones(())), _forward(NORMS, "along", tmp_path), args, [0, 1])
    if len(shape) == 2:
        args = [RNG.normal(size=shape), 0.7]
        check_gradients(_generated(NORMS, "nuclear")(*args, 1.0), _forward(NORMS, "nuclear", tmp_path), args, [0, 1])


AVERAGES = '''
import numpy as np

def weighted_variance(x, w):
    mu = np.average(x, weights=w)
    return np.average((x - mu) ** 2, weights=w)

def along(x, w, v):
    return np.sum(v * np.average(x, axis=1, weights=w) ** 2)
'''


@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_weighted_averages_without_shapes(shape, tmp_path):
    """np.average with weights was refused without shapes ('depends on the shapes'): without an axis
    the weights have a's shape (NumPy requires it); along one, a's shape or 1-D along it, as they come."""
    args = [RNG.normal(size=shape), RNG.uniform(0.2, 1.0, size=shape)]
    forward = _forward(AVERAGES, "weighted_variance", tmp_path)
    check_gradients(_generated(AVERAGES, "weighted_variance")(*args, 1.0), forward, args, [0, 1])
    forward = _forward(AVERAGES, "along", tmp_path)
    for weights in ((4,), (3, 4)) if len(shape) == 2 else ():
        args = [RNG.normal(size=(3, 4)), RNG.uniform(0.2, 1.0, size=weights), RNG.normal(size=3)]
        check_gradients(_generated(AVERAGES, "along")(*args, 1.0), forward, args, [0, 1, 2])


JOINED = '''
import numpy as np

def flat_penalty(params, v):
    """autograd's idiom: the weights raveled, then the biases, joined by + before np.concatenate."""
    flat = np.concatenate([np.ravel(W) for W, b in params] + [np.ravel(b) for W, b in params])
    return np.sum(v * flat ** 2)

def rows_of_a_sum(x, y, v):
    """x + y of two arrays is their sum (whose rows np.concatenate would join): no join of lists."""
    return np.sum(v * np.concatenate(x + y) ** 2)
'''


def _flat(value):
    if isinstance(value, (list, tuple)):
        return np.concatenate([_flat(item) for item in value])
    return np.ravel(value)


def test_concatenate_of_joined_lists(tmp_path):
    """np.concatenate(xs + ys) of two lists was refused ('needs a list of arrays written out'): it is
    the join of np.concatenate(xs) and np.concatenate(ys)."""
    params = [(RNG.normal(size=(2, 2)), RNG.normal(size=2)), (RNG.normal(size=(2, 1)), RNG.normal(size=1))]
    args = [params, RNG.normal(size=9)]
    forward = _forward(JOINED, "flat_penalty", tmp_path)
    got = backgen.backward(forward).backward(*args)
    for g, k in zip(got, (0, 1)):
        np.testing.assert_allclose(_flat(g), _flat(gradient(forward, args, k)), rtol=1e-5, atol=1e-7)
    with pytest.raises(backgen.BackgenError, match="needs a list of arrays written out"):  # (not read as a join)
        _generated(JOINED, "rows_of_a_sum", {"x": "2, 3", "y": "2, 3", "v": "6"})


def test_matrix_power_of_a_negative_constant(tmp_path):
    """A negative power written out (the inverse's power) was refused ('a constant power n >= 0')."""
    source = "import numpy as np\n\ndef f(A, W):\n    return np.sum(W * np.linalg.matrix_power(A, -2))\n"
    args = [2 * np.eye(3) + RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))]
    _every_way(source, "f", args, {"A": "3, 3", "W": "3, 3"}, tmp_path)


STACK_OF_AN_ARRAY = '''
import numpy as np

def scaled_rows(x, v):
    rows = []
    for t in range(2):
        rows.append(np.sum(x[t:] ** 2, axis=0))
    return (np.sum(v * np.stack(rows / (1.0 + np.abs(rows)), axis=1)) + np.sum(np.stack(-x) ** 3)
            + np.sum(v * np.stack(x[:2] * x[1:], axis=-1)))

def repeated(x):
    rows = [x, x * 2.0]
    return np.sum(np.stack(rows * 2))
'''


def test_stack_of_an_array(tmp_path):
    """np.stack of arithmetic making an array (a list divided by an array is one) was refused ('needs a
    list of arrays written out'): its rows stacked, the array's first axis moved to the axis."""
    args = [RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2))]
    _every_way(STACK_OF_AN_ARRAY, "scaled_rows", args, {"x": "3, 2", "v": "2, 2"}, tmp_path, free=False)
    with pytest.raises(backgen.BackgenError, match="needs a list of arrays written out"):  # a list repeated
        _generated(STACK_OF_AN_ARRAY, "repeated", {"x": "3"})


GRADIENTS = '''
import numpy as np

def strain_energy(u, w, dx):
    du = np.gradient(u, dx)
    return np.sum(w * du ** 2) * dx

def along(u, w):
    return np.sum(w * np.gradient(u, axis=-1) ** 3) + np.sum(np.gradient(u * u, 0.5, axis=0))

def field(u, w, dx):
    gx, gy = np.gradient(u, dx)
    return np.sum(w * gx ** 2 + gy ** 3)
'''


def test_np_gradient_without_shapes(tmp_path):
    """np.gradient was refused without shapes ('depends on the shapes'): of a vector a vector, along an
    axis one array at every rank, of an array of several axes (none given) a part per axis, each part's
    gradient taken back along its own axis by the helper _gradient_grad (the spacing, one number, or the
    coordinates of the points)."""
    args = [RNG.normal(size=6), RNG.normal(size=6), 0.3]
    check_gradients(_generated(GRADIENTS, "strain_energy")(*args, 1.0), _forward(GRADIENTS, "strain_energy", tmp_path),
           args, [0, 1, 2])
    for shape in ((5,), (3, 4)):
        args = [RNG.normal(size=shape), RNG.normal(size=shape)]
        check_gradients(_generated(GRADIENTS, "along")(*args, 1.0), _forward(GRADIENTS, "along", tmp_path), args, [0, 1])
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4)), 0.3]
    check_gradients(_generated(GRADIENTS, "field")(*args, 1.0), _forward(GRADIENTS, "field", tmp_path), args, [0, 1, 2])
    coordinates = np.cumsum(RNG.uniform(0.5, 1.5, 6))  # the coordinates of the points: followed too
    args, dout = [RNG.normal(size=6), RNG.normal(size=6), coordinates], np.linspace(0.5, 1.5, 6)
    energy = _forward(GRADIENTS, "strain_energy", tmp_path)
    check_gradients(_generated(GRADIENTS, "strain_energy")(*args, dout), lambda *a: np.sum(dout * energy(*a)),
                    args, [0, 1, 2])
