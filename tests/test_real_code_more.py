"""More functions as public code writes them (statistics, signal processing, SciPy's special
functions), each backward checked against central finite differences in float64, by
``generate`` (without shapes, and with them where that is another path) and by the decorator."""

import textwrap

import numpy as np
import pytest

import backgen
import real_sweep
from numeric import check_gradients

RNG = np.random.default_rng(20261203)


def _generated(source, function, shapes=None, wrt=None):
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), name=function, shapes=shapes, wrt=wrt), namespace)
    return namespace[f"{function}_backward"]


VON_MISES = '''
import math
import numpy as np

def bessel_i0(kappa, terms=12):
    """I0 by its power series: math.factorial of the loop's count is a constant."""
    total = 0.0
    for k in range(terms):
        total += (kappa / 2) ** (2 * k) / math.factorial(k) ** 2
    return total

def von_mises_nll(mu, kappa, theta):
    return -np.sum(kappa * np.cos(theta - mu)) + len(theta) * np.log(2 * np.pi * bessel_i0(kappa))
'''


@pytest.mark.parametrize("shapes", [None, {"mu": "", "kappa": "", "theta": "N"}])
def test_factorial_of_a_count_in_numpy_code(shapes, tmp_path):
    """math.factorial(k) of a loop's count, in a module importing NumPy, is a constant (it was
    refused, "no derivative rule"); without shapes, theta read by len() is the array and mu and kappa
    numbers (kappa, an array, made the series' number an array and the output one)."""
    forward = real_sweep._module(VON_MISES, "von_mises", tmp_path)[0].von_mises_nll
    args = [0.4, 2.0, RNG.normal(size=7)]
    check_gradients(_generated(VON_MISES, "von_mises_nll", shapes)(*args), forward, args, [0, 1, 2])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


def test_factorial_of_a_differentiated_number_in_numpy_code_is_refused():
    source = "import math\nimport numpy as np\n\ndef f(x, w):\n    return np.sum(w) * math.factorial(x)\n"
    with pytest.raises(backgen.BackgenError):
        backgen.generate(source, shapes={"x": "", "w": "3"})


SPECIAL = '''
import numpy as np
from scipy.special import log_expit, logit, xlogy, betaln, ndtr, log_ndtr

def f(x, p, a, b, y):
    return (np.sum(log_expit(x) * 1.3) + np.sum(logit(p) ** 2) + np.sum(xlogy(y, p)) + np.sum(xlogy(p, y + 1.0))
            + np.sum(betaln(a, b)) + np.sum(ndtr(x) * x) + np.sum(log_ndtr(x)))
'''


@pytest.mark.parametrize("shapes", [None, {"x": "3", "p": "3", "a": "3", "b": "3", "y": "3"}])
def test_scipy_special_formulas(shapes, tmp_path):
    """log_expit, logit, xlogy (whose first operand is 0 at one element: there its slope in x is
    log(y), in y none), betaln, ndtr and log_ndtr were refused as not supported."""
    forward = real_sweep._module(SPECIAL, "special", tmp_path)[0].f
    args = [np.array([-1.5, 0.2, 2.0]), np.array([0.2, 0.5, 0.9]), np.array([1.5, 2.5, 0.7]),
            np.array([0.8, 3.0, 1.1]), np.array([0.0, 1.0, 2.0])]
    wrt = ("x", "p", "a", "b", "y")
    check_gradients(_generated(SPECIAL, "f", shapes, wrt)(*args), forward, args, range(5))
    check_gradients(backgen.backward(forward, wrt=wrt).backward(*args), forward, args, range(5))


def test_xlogy_of_zeros_is_zero_as_scipy_has_it(tmp_path):
    source = "from scipy.special import xlogy\nimport numpy as np\n\ndef f(x, y):\n    return np.sum(xlogy(x, y) + y)\n"
    backward = _generated(source, "f", wrt=("y",))
    x, y = np.array([0.0, 1.0, 0.0]), np.array([0.0, 2.0, 3.0])
    got = backward(x, y)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, [1.0, 1.5, 1.0])


NAN_TO_NUM = '''
import numpy as np

def ratio_loss(a, b, c):
    with np.errstate(divide='ignore', invalid='ignore'):
        r = np.nan_to_num(a / b) + np.nan_to_num(c * np.array([1.0, np.inf, 2.0, -np.inf]), posinf=3.0, neginf=-2.0)
    return np.sum(r ** 2)
'''


@pytest.mark.parametrize("shapes", [None, {"a": "4", "b": "4", "c": ""}])
def test_nan_to_num_passes_the_finite_elements(shapes, tmp_path):
    """np.nan_to_num had no rule: the finite elements get the gradient, the replaced ones none (c
    times an infinity is replaced by a constant: c's slope there is 0)."""
    forward = real_sweep._module(NAN_TO_NUM, "nan_to_num", tmp_path)[0].ratio_loss
    args = [RNG.normal(size=4), np.array([1.0, 0.5, 2.0, -1.5]), 0.7]
    with np.errstate(invalid="ignore"):
        check_gradients(_generated(NAN_TO_NUM, "ratio_loss", shapes)(*args)[:2], forward, args, [0, 1])
        check_gradients(backgen.backward(forward).backward(*args)[:2], forward, args, [0, 1])


def test_nan_to_num_without_a_copy_is_refused():
    source = "import numpy as np\n\ndef f(x):\n    y = x * 2.0\n    return np.sum(np.nan_to_num(y, copy=False))\n"
    with pytest.raises(backgen.BackgenError, match="copy=False"):
        backgen.generate(source, shapes={"x": "3"})


APPEND = '''
import numpy as np

def f(a, b, c):
    u = np.append(a, b * 2.0)
    v = np.append(c, c[..., :1] * 3.0, axis=-1)
    w = np.append(c, c * 0.5, axis=0)
    return np.sum(u ** 2) + np.sum(np.sin(v)) + np.sum(w ** 3)
'''


@pytest.mark.parametrize("shapes", [((3,), (), (2, 3)), ((2, 2), (3,), (3, 2)), ((), (2, 2), (4,))])
def test_append_without_shapes(shapes, tmp_path):
    """np.append's gradient was refused without shapes ("depends on the shapes of its operands"):
    flattened, each part is its operand's size, reshaped to its shape (a number's is ())."""
    forward = real_sweep._module(APPEND, "append", tmp_path)[0].f
    args = [RNG.normal(size=s) if s else 0.7 for s in shapes]
    check_gradients(_generated(APPEND, "f")(*args), forward, args, [0, 1, 2])


def test_preemphasis_without_shapes(tmp_path):
    source = real_sweep.CASES["sig_preemphasis_np_append"][0]
    forward = real_sweep._module(source, "preemphasis", tmp_path)[0].preemphasis
    args = [RNG.normal(size=7), 0.97]
    dout = np.linspace(0.5, 1.5, 7)
    got = _generated(source, "preemphasis")(*args, dout=dout)
    check_gradients(got, lambda *a: float(np.sum(forward(*a) * dout)), args, [0, 1])


SELECT = '''
import numpy as np

def soft_well(r, depth, width):
    conds = [r < 1.0, r < width]
    choices = [10 * (1.0 - r) ** 2 - depth, -depth * np.ones_like(r)]
    inner = np.select(conds, choices, default=-depth * np.exp(-(r - width)))
    return np.sum(inner) + np.sum(np.select([r > 2.0], [r ** 2]))
'''


@pytest.mark.parametrize("shapes", [None, {"r": "N", "depth": "", "width": ""}])
def test_select_is_a_nested_where(shapes, tmp_path):
    """np.select had no rule: the first condition that holds picks its choice, the default where none
    does; its lists written out, or bound to names just before the call."""
    forward = real_sweep._module(SELECT, "select", tmp_path)[0].soft_well
    args = [np.array([0.8, 1.2, 1.4, 1.9, 2.5]), 1.3, 1.5]
    check_gradients(_generated(SELECT, "soft_well", shapes)(*args), forward, args, [0, 1, 2])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


def test_select_of_lists_bound_before_a_write_is_refused():
    """A display bound to a name, then a write into what it reads, then np.select: the display is
    not read again at the call (its conditions would see the write), so it is refused."""
    source = ("import numpy as np\n\ndef f(r):\n    r = r * 1.0\n    conds = [r < 1.0]\n    r[0] = 5.0\n"
              "    return np.sum(np.select(conds, [r ** 2]))\n")
    with pytest.raises(backgen.BackgenError, match="np.select"):
        backgen.generate(source, shapes={"r": "3"})


ARRAY_COPY = '''
import numpy as np

def clamp_energy(q, lo=-0.5, hi=0.5):
    c = np.array(q, copy=True)
    c[c < lo] = lo
    c[c > hi] = hi
    d = np.asarray(q * 2.0, copy=True)
    d[0] = 0.0
    return np.sum(c * q) + np.sum(d ** 2)
'''


@pytest.mark.parametrize("shapes", [None, {"q": "5"}])
def test_array_with_copy_true_is_a_copy(shapes, tmp_path):
    """np.array(q, copy=True) was refused ("building a value this way from differentiated inputs"), as
    np.array(q) is not: a copy, written into without changing q (np.asarray(..., copy=True) too)."""
    forward = real_sweep._module(ARRAY_COPY, "array_copy", tmp_path)[0].clamp_energy
    args = [np.array([-0.9, -0.2, 0.1, 0.7, 0.3])]
    check_gradients(_generated(ARRAY_COPY, "clamp_energy", shapes, wrt=("q",))(*args), forward, args, [0])
    check_gradients(backgen.backward(forward, wrt=("q",)).backward(*args), forward, args, [0])
    assert np.array_equal(args[0], [-0.9, -0.2, 0.1, 0.7, 0.3])


OUTERS = '''
import numpy as np

def f(x, y, z):
    d = np.subtract.outer(x, x)
    s = np.add.outer(y, z)
    p = np.multiply.outer(z, y)
    return np.sum(np.exp(-d ** 2)) + np.sum(np.sin(s)) + np.sum(p ** 2)
'''


@pytest.mark.parametrize("shapes", [((4,), (3,), (2, 2)), ((2, 3), (), (3,))])
def test_outer_of_add_subtract_multiply(shapes, tmp_path):
    """Pairwise differences np.subtract.outer(x, x) were refused ("np.subtract.outer has no derivative
    rule"): the outers of add, subtract and multiply are outer products (np.tensordot(a, b, axes=0))."""
    forward = real_sweep._module(OUTERS, "outers", tmp_path)[0].f
    args = [RNG.normal(size=s) if s else 0.3 for s in shapes]
    check_gradients(_generated(OUTERS, "f")(*args), forward, args, [0, 1, 2])
    check_gradients(_generated(OUTERS, "f", {n: s for n, s in zip("xyz", shapes)})(*args), forward, args, [0, 1, 2])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


MASKED = '''
import numpy as np

def f(x, y, m):
    a = np.mean((x - y) ** 2, where=m)
    b = np.sum(x * 2.0, axis=0, where=m)
    c = (x * y).mean(axis=-1, keepdims=True, where=m[0])
    d = np.mean(x, 1, where=m)
    return a + np.sum(b ** 2) + np.sum(np.sin(c)) + np.sum(d)
'''


@pytest.mark.parametrize("shapes", [None, {"x": "3, 4", "y": "3, 4", "m": "bool 3, 4"}])
def test_sum_and_mean_where_a_mask_keeps(shapes, tmp_path):
    """np.mean(..., where=mask) was refused ("got an unexpected keyword argument 'where'"): the sum of
    np.where(mask, a, 0.0), over the count of the elements kept for the mean (the mask broadcast)."""
    forward = real_sweep._module(MASKED, "masked", tmp_path)[0].f
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4)) > -0.3]
    check_gradients(_generated(MASKED, "f", shapes, wrt=("x", "y"))(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward, wrt=("x", "y")).backward(*args), forward, args, [0, 1])


SAME = '''
import numpy as np

def smoothed_fit(x, kernel, target):
    y = np.convolve(x, kernel, mode='same')
    return np.sum((y - target) ** 2) + np.sum(np.convolve(kernel, x * 2.0, 'same') ** 3)
'''


@pytest.mark.parametrize("lengths", [(5, 3), (2, 5), (4, 4), (3, 6), (6, 1)])
def test_convolve_in_mode_same(lengths, tmp_path):
    """np.convolve(x, kernel, mode='same') was refused ("differentiated in modes 'full' and 'valid'"):
    the full convolution's max(n, m) middle values, g placed there in zeros of the full length."""
    forward = real_sweep._module(SAME, "same", tmp_path)[0].smoothed_fit
    n, m = lengths
    args = [RNG.normal(size=n), RNG.normal(size=m), RNG.normal(size=max(n, m))]
    check_gradients(_generated(SAME, "smoothed_fit", wrt=("x", "kernel"))(*args), forward, args, [0, 1])
    shapes = {"x": str(n), "kernel": str(m), "target": str(max(n, m))}
    check_gradients(_generated(SAME, "smoothed_fit", shapes, wrt=("x", "kernel"))(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward, wrt=("x", "kernel")).backward(*args), forward, args, [0, 1])


QUANTILES = '''
import numpy as np

def robust(x, tau):
    q75, q25 = np.percentile(x, [75, 25])
    spread = q75 - q25
    lo = np.quantile(x, tau) * 2.0
    return np.sum(((x - np.median(x)) / spread) ** 2) + lo + np.quantile(x * x, 0.5, axis=None)
'''


@pytest.mark.parametrize("shape", [(9,), (3, 4)])
def test_quantiles_and_percentiles(shape, tmp_path):
    """np.percentile and np.quantile were refused ("no derivative rule"): NumPy's linear interpolation
    between the two order statistics each quantile lies between, whose weights the gradient takes (and
    tau, differentiated, their difference)."""
    forward = real_sweep._module(QUANTILES, "quantiles", tmp_path)[0].robust
    args = [RNG.normal(size=shape), 0.3]
    check_gradients(_generated(QUANTILES, "robust", {"tau": ""})(*args), forward, args, [0, 1])  # (x of every shape)
    check_gradients(_generated(QUANTILES, "robust", {"x": ", ".join(map(str, shape)), "tau": ""})(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1])


def test_a_quantile_under_a_condition_is_left_as_it_is():
    source = ("import numpy as np\n\ndef f(x, flag=True):\n"
              "    return np.sum(x) + (np.quantile(x, 0.5) if flag else 0.0)\n")
    with pytest.raises(backgen.BackgenError, match="np.quantile"):
        backgen.generate(source, shapes={"x": "4"})


EIGVALSH = '''
import numpy as np

def spectral(A, B):
    S = 0.5 * (A + A.T)
    return np.linalg.eigvalsh(S)[-1] + np.sum(np.linalg.eigvalsh(B @ B.T + np.eye(3), UPLO='L') ** 2)
'''


def test_eigvalsh_is_the_first_part_of_eigh(tmp_path):
    """np.linalg.eigvalsh had no rule: the eigenvalues of np.linalg.eigh, differentiated by its rule."""
    forward = real_sweep._module(EIGVALSH, "eigvalsh", tmp_path)[0].spectral
    args = [RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))]
    check_gradients(_generated(EIGVALSH, "spectral", {"A": "3, 3", "B": "3, 3"})(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1])


GRADIENT = '''
import numpy as np

def energy(u, dx, w):
    du = np.gradient(u, dx)
    return 0.5 * np.sum(du ** 2 * w) + np.sum(np.gradient(u * u) * w) + np.sum(np.gradient(w, axis=0) ** 3)
'''


@pytest.mark.parametrize("n", [2, 3, 7])
def test_np_gradient_of_a_vector(n, tmp_path):
    """np.gradient had no rule: central differences inside, one-sided ones at the ends; the spacing's
    gradient too."""
    forward = real_sweep._module(GRADIENT, "gradient", tmp_path)[0].energy
    args = [RNG.normal(size=n), 0.3, RNG.normal(size=n)]
    check_gradients(_generated(GRADIENT, "energy", {"u": str(n), "dx": "", "w": str(n)})(*args), forward, args, [0, 1, 2])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1, 2])


def test_np_gradient_of_a_matrix_unpacked_is_one_call_per_axis():
    # (once refused: np.gradient of a matrix gives a list; its parts unpacked are the calls along each axis)
    source = "import numpy as np\n\ndef f(u):\n    gy, gx = np.gradient(u)\n    return np.sum(gx * gy)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"u": "3, 4"}), generated)
    u = np.random.default_rng(3).normal(size=(3, 4))
    check_gradients(generated["f_backward"](u), namespace["f"], [u], [0])


CORRCOEF = '''
import numpy as np

def decorrelation(X, Y):
    C = np.corrcoef(X, rowvar=False)
    return np.sum(C ** 2) - np.trace(C ** 2) + np.sum(np.corrcoef(Y) * np.arange(3.0))
'''


def test_corrcoef_is_the_covariance_scaled_by_its_diagonal(tmp_path):
    """np.corrcoef had no rule: np.cov over the outer product of its diagonal's square roots."""
    forward = real_sweep._module(CORRCOEF, "corrcoef", tmp_path)[0].decorrelation
    args = [RNG.normal(size=(6, 3)), RNG.normal(size=(3, 5))]
    check_gradients(_generated(CORRCOEF, "decorrelation", {"X": "6, 3", "Y": "3, 5"})(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1])


PAD = '''
import numpy as np

def blurred(img, v):
    p = np.pad(img, 1, mode='reflect')
    H, W = img.shape
    out = np.zeros_like(img)
    for di in range(3):
        for dj in range(3):
            out += p[di:di + H, dj:dj + W] / 9.0
    q = np.pad(v * 1.5, (4, 2), 'symmetric') * np.arange(len(v) + 6.0)
    r = np.pad(v, (5, 3), mode='reflect') ** 2
    return np.sum(out ** 2) + np.sum(q ** 2) + np.sum(r * np.arange(len(v) + 8.0))
'''


@pytest.mark.parametrize("shapes", [None, {"img": "4, 5", "v": "3"}])
def test_pad_by_reflection(shapes, tmp_path):
    """np.pad in modes 'reflect' and 'symmetric' was refused: each padded cell's gradient goes back to
    the cell of x it mirrors (widths past the array's length mirrored again, as NumPy pads)."""
    forward = real_sweep._module(PAD, "pad", tmp_path)[0].blurred
    args = [RNG.normal(size=(4, 5)), RNG.normal(size=3)]
    check_gradients(_generated(PAD, "blurred", shapes)(*args), forward, args, [0, 1])
    check_gradients(backgen.backward(forward).backward(*args), forward, args, [0, 1])
