"""Small functions the generated code may call, written into the generated module itself.

Contract: ``HELPERS`` maps each helper's name to its source: one short,
readable function with a docstring, written with the canonical module names
``np`` and ``math``.  A rule's gradient text uses a helper simply by calling it
by name (``_unbroadcast(g, x)``); ``emit`` then copies exactly the helpers the
module calls (``needed``: with the helpers those call, in the order of
``HELPERS``), once, after the imports, so the generated module stays
standalone.  ``modules(name)`` says which canonical modules a helper needs.
"""

import ast
import functools
import math

import numpy as np
from .source import names_of, walk

HELPERS = {
    "_coefficients": '''
def _coefficients(p):
    """p, np.polyval's coefficients, where they are a vector (or of more axes, one coefficient in each
    row); rows of several coefficients raise, saying so."""
    if np.ndim(p) > 1 and np.size(p) != len(p):
        raise ValueError(f"np.polyval is differentiated for a vector of coefficients, not rows of them "
                         f"(p of shape {np.shape(p)})")
    return p
''',
    "_several_shapes": '''
def _several_shapes(values):
    """Whether values is a list or tuple of arrays of several shapes (pairs (W, b) of two among them)."""
    if not isinstance(values, (list, tuple)):
        return False
    try:
        return len({np.shape(v) for v in values}) > 1
    except ValueError:  # an item itself holds arrays of several shapes
        return True
''',
    "_with_keys_of": '''
def _with_keys_of(d, grads):
    """The gradient of the dict d: grads at the keys the code reads, zeros at its others (in d's order)."""
    return {k: grads[k] if k in grads else np.zeros_like(v, dtype=float) for k, v in d.items()}
''',
    "_zeros_like_items": '''
def _zeros_like_items(values):
    """np.zeros_like(values) in floats; for a list or tuple of arrays of several shapes (pairs (W, b)
    among them), a list of the zeros of each."""
    if _several_shapes(values):
        return [_zeros_like_items(v) for v in values]
    return np.zeros_like(values, dtype=float)
''',
    "_copy_items": '''
def _copy_items(values):
    """np.copy(values); for a list (the gradient of a list of arrays of several shapes), a list of
    the copies of its items."""
    if isinstance(values, list):
        return [_copy_items(v) for v in values]
    return np.copy(values)
''',
    "_plus": '''
def _plus(a, b):
    """a + b; for lists (the gradients of lists of arrays of several shapes), item by item; of two empty
    gradients of other shapes (an empty slice of a list of rows, whose zeros lose the rows' length), the
    one of more axes."""
    if isinstance(a, list) or isinstance(b, list):
        if len(a) != len(b):
            raise ValueError(f"gradients of {len(a)} and {len(b)} items added")
        return [_plus(x, y) for x, y in zip(a, b)]
    if np.size(a) == 0 and np.size(b) == 0 and np.shape(a) != np.shape(b):
        return a if np.ndim(a) >= np.ndim(b) else b
    return a + b
''',
    "_cross_grad": '''
def _cross_grad(grad, a, b, position):
    """The gradient of np.cross(a, b) for a (position 0) or b (1): of 3-vectors np.cross(b, grad) or
    np.cross(grad, a); of 2-vectors, whose cross is the number a0 * b1 - a1 * b0, grad times (b1, -b0) or
    (-a1, a0).  Broadcast: summed back to the operand's shape by the caller."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] == b.shape[-1] == 2:
        other = b if position == 0 else a
        sign = 1.0 if position == 0 else -1.0
        return np.stack([sign * other[..., 1], -sign * other[..., 0]], axis=-1) * np.expand_dims(grad, -1)
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise ValueError("the gradient of np.cross is written for 3-vectors, and 2-vectors both")
    return np.cross(b, grad) if position == 0 else np.cross(grad, a)
''',
    "_running_extreme_grad": '''
def _running_extreme_grad(grad, a, out, axis):
    """The gradient of out = np.maximum.accumulate(a, axis) (or np.minimum's): each result's grad goes
    to the element of a it equals, the latest of them where several do."""
    a, out, grad = (np.moveaxis(np.asarray(v, dtype=float), axis, -1) for v in (a, out, grad))
    n = a.shape[-1]
    source = np.maximum.accumulate(np.where(a == out, np.arange(n), 0), axis=-1)
    rows = np.arange(a.size // max(n, 1)).reshape(a.shape[:-1] + (1,))
    total = np.bincount((source + n * rows).ravel(), weights=grad.ravel(), minlength=a.size)
    return np.moveaxis(total.reshape(a.shape), -1, axis)
''',
    "_logcumsumexp_grad": '''
def _logcumsumexp_grad(grad, a, out, axis):
    """The gradient of out = np.logaddexp.accumulate(a, axis): a[j] reaches each out[i] from i = j on
    with the slope exp(a[j] - out[i]); those sums are taken from the end in log space, the positive
    and negative parts of grad apart, so that nothing overflows; an element at -inf gets 0."""
    a, out, grad = (np.moveaxis(np.asarray(v, dtype=float), axis, -1) for v in (a, out, grad))
    total = np.zeros(a.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for sign in (1.0, -1.0):
            part = np.where(sign * grad > 0, sign * grad, 0.0)
            logs = np.where(part > 0, np.log(part) - out, -np.inf)
            later = np.logaddexp.accumulate(logs[..., ::-1], axis=-1)[..., ::-1]
            total += sign * np.where(np.isneginf(a) | np.isneginf(later), 0.0, np.exp(a + later))
    return np.moveaxis(total, -1, axis)
''',
    "_reduceat_grad": '''
def _reduceat_grad(grad, a, indices, axis):
    """The gradient of np.add.reduceat(a, indices, axis): the i-th result sums a from indices[i] to
    indices[i + 1] (to the end for the last; the one element at indices[i] where the next is not
    larger), so each element's gradient sums those of the results whose slices hold it."""
    a = np.asarray(a)
    axis = axis % a.ndim
    n = a.shape[axis]
    starts = np.asarray(indices, dtype=int).ravel()
    ends = np.append(starts[1:], n)
    ends = np.where(ends > starts, ends, starts + 1)
    grad = np.moveaxis(np.asarray(grad, dtype=float), axis, 0)
    marks = np.zeros((n + 1,) + grad.shape[1:])
    np.add.at(marks, starts, grad)
    np.add.at(marks, ends, -grad)
    return np.moveaxis(np.cumsum(marks[:-1], axis=0), 0, axis)
''',
    "_segment_reduceat_grad": '''
def _segment_reduceat_grad(grad, a, indices, axis, out, how):
    """The gradient of np.maximum.reduceat or np.minimum.reduceat(a, indices, axis) (``how`` "extreme":
    each result's to the elements of its slice equal to it, split evenly among those tied) or of
    np.multiply.reduceat ("product": to each element of its slice, times the product of the others),
    the slices as np.add.reduceat's (the one element at indices[i] where the next index is not larger)."""
    a = np.moveaxis(np.asarray(a, dtype=float), axis % np.ndim(a), 0)
    grad = np.moveaxis(np.asarray(grad, dtype=float), axis % np.ndim(a), 0)
    out = np.moveaxis(np.asarray(out, dtype=float), axis % np.ndim(a), 0)
    starts = np.asarray(indices, dtype=int).ravel()
    ends = np.append(starts[1:], a.shape[0])
    ends = np.where(ends > starts, ends, starts + 1)
    result = np.zeros(a.shape)
    for i, (start, end) in enumerate(zip(starts, ends)):
        part = a[start:end]
        if how == "extreme":
            hit = part == out[i]
            result[start:end] += hit * (grad[i] / np.maximum(hit.sum(axis=0), 1))
        else:  # (the products before and after each element: exact where one is 0)
            ones = np.ones((1,) + part.shape[1:])
            before = np.cumprod(np.concatenate([ones, part[:-1]]), axis=0)
            after = np.cumprod(np.concatenate([ones, part[::-1][:-1]]), axis=0)[::-1]
            result[start:end] += grad[i] * before * after
    return np.moveaxis(result, 0, axis % np.ndim(a))
''',
    "_bessel_i1": '''
def _bessel_i1(x):
    """The modified Bessel function I1, the derivative of np.i0: its power series, the sum of
    (x / 2) ** (2k + 1) / (k! (k + 1)!), each term made from the one before, until they add nothing."""
    x = np.asarray(x, dtype=float)
    term = x / 2
    total = term
    k = 0
    while np.any(np.abs(term) > 1e-17 * np.abs(total)):
        k += 1
        term = term * (x / 2) ** 2 / (k * (k + 1))
        total = total + term
    return total[()]
''',
    "_matrix_power_grad": '''
def _matrix_power_grad(grad, a, n):
    """The gradient of np.linalg.matrix_power(a, n), n any integer: the sum over k < n of
    (a.T)^k grad (a.T)^(n-1-k); for n < 0, that of inv(a)^-n, taken back through the inverse."""
    if n < 0:
        inverse_t = np.swapaxes(np.linalg.inv(a), -1, -2)
        return -inverse_t @ _matrix_power_grad(grad, np.linalg.inv(a), -n) @ inverse_t
    powers = [np.linalg.matrix_power(np.swapaxes(a, -1, -2), k) for k in range(n)]
    return sum((powers[k] @ grad @ powers[n - 1 - k] for k in range(n)), np.zeros(np.shape(a)))
''',
    "_thin_svd_part": '''
def _thin_svd_part(factor, grad, k, axis):
    """The gradient of the first k columns (axis -1) of np.linalg.svd's u, or rows (axis -2) of its vt, of
    full_matrices=True, given grad, the whole factor's: the others (u2) are any orthonormal completion, and
    an output that does not depend on which (u2.T @ g2 symmetric: through u2 @ u2.T alone, not at all, or
    one column, decided up to its sign) moves with u1 as u2 @ u2.T = I - u1 @ u1.T does, adding
    -u2 @ g2.T @ u1; a ValueError where it does."""
    if np.ndim(grad) == 0:
        return grad
    if axis == -2:  # (vt's rows: the columns of v)
        return np.swapaxes(_thin_svd_part(np.swapaxes(factor, -1, -2), np.swapaxes(grad, -1, -2), k, -1), -1, -2)
    u1, u2, g1, g2 = factor[..., :k], factor[..., k:], grad[..., :k], grad[..., k:]
    inner = np.swapaxes(u2, -1, -2) @ g2
    if not np.allclose(inner, np.swapaxes(inner, -1, -2), rtol=1e-7, atol=1e-9 * (1 + np.abs(inner).max(initial=0))):
        raise ValueError("the output depends on which columns of u (rows of vt) beyond the first "
                         f"{k} np.linalg.svd with full_matrices=True picks, which no input decides")
    return g1 - u2 @ np.swapaxes(g2, -1, -2) @ u1
''',
    "_one_spacing": '''
def _one_spacing(h):
    """h, the spacing np.gradient was given, where it is one number (of f of several axes, none given:
    NumPy takes one number for them all, or one spacing per axis, which are calls of their own)."""
    if np.ndim(h) != 0:
        raise ValueError("np.gradient of several axes is differentiated with its spacing given as one number")
    return h
''',
    "_gradient_steps": '''
def _gradient_steps(h, n):
    """The n - 1 steps between the n points np.gradient differentiates along: h each, h one number, or
    the differences of the coordinates h (a vector of n points) of the points."""
    if np.ndim(h) == 0:
        return np.full(n - 1, float(h))
    h = np.asarray(h, dtype=float)
    if h.shape != (n,):
        raise ValueError(f"np.gradient's coordinates have shape {h.shape}, not that of its {n} points")
    return np.diff(h)
''',
    "_gradient_grad": '''
def _gradient_grad(grad, f, h, axis):
    """The gradient in f of np.gradient(f, h) (edge_order=1), given grad, its result's gradient: along
    axis (0 where None: f a vector), h one number or the coordinates of the points (steps d1 before a
    point and d2 after it); of f of several axes, none given, np.gradient gave one part per axis:
    each part's along its own axis, summed.  Inside, the result is a f[i - 1] + b f[i] + c f[i + 1]
    (a = -d2 / (d1 (d1 + d2)), b = (d2 - d1) / (d1 d2), c = d1 / (d2 (d1 + d2)); -1/2h, 0, 1/2h where the
    steps are equal): each point gets its weight times g; at each end, g over the end's step to the
    end and minus it to its neighbour."""
    if axis is None and np.ndim(f) > 1:
        h = _one_spacing(h)
        if len(grad) != np.ndim(f):
            raise ValueError(f"np.gradient of {np.ndim(f)} axes gave as many parts, not {len(grad)}")
        return sum(_gradient_grad(part, f, h, k) for k, part in enumerate(grad))
    grad = np.asarray(grad, dtype=float)
    if grad.shape != np.shape(f):
        raise ValueError(f"np.gradient's result has f's shape {np.shape(f)}, its gradient {grad.shape}")
    rows = np.moveaxis(grad, 0 if axis is None else axis, -1)
    steps = _gradient_steps(h, rows.shape[-1])
    d1, d2 = steps[:-1], steps[1:]
    inner = rows[..., 1:-1]
    back = np.zeros(rows.shape)
    back[..., :-2] += -d2 / (d1 * (d1 + d2)) * inner
    back[..., 1:-1] += (d2 - d1) / (d1 * d2) * inner
    back[..., 2:] += d1 / (d2 * (d1 + d2)) * inner
    back[..., 0] -= rows[..., 0] / steps[0]
    back[..., 1] += rows[..., 0] / steps[0]
    back[..., -1] += rows[..., -1] / steps[-1]
    back[..., -2] -= rows[..., -1] / steps[-1]
    return np.moveaxis(back, -1, 0 if axis is None else axis)
''',
    "_gradient_spacing_grad": '''
def _gradient_spacing_grad(grad, f, h, axis):
    """The gradient in h of np.gradient(f, h) (edge_order=1), given grad, its result's gradient (a list
    of parts, one per axis, of f of several axes, none given).  h one number: the result is a sum of
    differences over h, so minus grad times the result, summed, over h.  h the coordinates of the
    points: inside, the result is (-d2^2 f[i - 1] + (d2^2 - d1^2) f[i] + d1^2 f[i + 1]) / (d1 d2 (d1 + d2))
    of the steps d1 before and d2 after each point, differentiated in each; at each end, the
    difference over the end's step; the steps' gradients taken back to the coordinates they join."""
    if np.ndim(h) == 0:
        return -np.sum(np.multiply(grad, np.gradient(f, h, axis=axis))) / h
    grad = np.moveaxis(np.asarray(grad, dtype=float), 0 if axis is None else axis, -1)
    rows = np.moveaxis(np.asarray(f, dtype=float), 0 if axis is None else axis, -1)
    steps = _gradient_steps(h, rows.shape[-1])
    d1, d2 = steps[:-1], steps[1:]
    before, here, after = rows[..., :-2], rows[..., 1:-1], rows[..., 2:]
    den = d1 * d2 * (d1 + d2)
    out = (-d2 ** 2 * before + (d2 ** 2 - d1 ** 2) * here + d1 ** 2 * after) / den
    inner = grad[..., 1:-1]
    dsteps = np.zeros(steps.shape)
    dsteps[:-1] += np.sum(inner * (2 * d1 * (after - here) - out * d2 * (2 * d1 + d2)) / den,
                          axis=tuple(range(inner.ndim - 1)))
    dsteps[1:] += np.sum(inner * (2 * d2 * (here - before) - out * d1 * (d1 + 2 * d2)) / den,
                         axis=tuple(range(inner.ndim - 1)))
    dsteps[0] -= np.sum(grad[..., 0] * (rows[..., 1] - rows[..., 0])) / steps[0] ** 2
    dsteps[-1] -= np.sum(grad[..., -1] * (rows[..., -1] - rows[..., -2])) / steps[-1] ** 2
    return -np.diff(dsteps, prepend=0, append=0)
''',
    "_unbroadcast": '''
def _unbroadcast(grad, x):
    """grad summed over the axes NumPy broadcast x along, so that it has x's shape."""
    if type(grad) is float and type(x) is float:  # (numbers: nothing to sum)
        return grad
    shape = np.shape(x)
    grad = np.asarray(grad)
    if grad.shape == shape:
        return grad
    if grad.ndim > len(shape):  # the leading axes NumPy added (an array still where x is a number)
        grad = np.asarray(grad.sum(axis=tuple(range(grad.ndim - len(shape)))))
    grad = grad.reshape((1,) * (len(shape) - grad.ndim) + grad.shape)  # (a gradient smaller than x)
    ones = tuple(i for i, (n, m) in enumerate(zip(shape, grad.shape)) if n == 1 and m != 1)
    grad = grad.sum(axis=ones, keepdims=True) if ones else grad
    return grad if grad.shape == shape else np.broadcast_to(grad, shape).copy()
''',
    "_dot_grad_a": '''
def _dot_grad_a(grad, a, b):
    """The gradient of a in a.dot(b) (NumPy's np.dot, for operands of every rank)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return _unbroadcast(grad * b, a)
    nb = np.ndim(b)
    b_axes = [i for i in range(nb) if i != max(nb - 2, 0)]  # all but the one summed with a's last
    grad_axes = list(range(np.ndim(grad) - len(b_axes), np.ndim(grad)))
    return np.tensordot(grad, b, axes=(grad_axes, b_axes))
''',
    "_dot_grad_b": '''
def _dot_grad_b(grad, a, b):
    """The gradient of b in a.dot(b) (NumPy's np.dot, for operands of every rank)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return _unbroadcast(grad * a, b)
    lead = list(range(np.ndim(a) - 1))  # a's axes but its last, which the product sums over
    summed = np.tensordot(a, grad, axes=(lead, lead))  # (k, the rest of b's axes)
    return np.moveaxis(summed, 0, max(np.ndim(b) - 2, 0))
''',
    "_matmul_grad_a": '''
def _matmul_grad_a(grad, a, b):
    """The gradient of a in a @ b (1-D operands promoted as NumPy does, stacks broadcast)."""
    a2 = a if np.ndim(a) > 1 else np.reshape(a, (1, -1))
    b2 = b if np.ndim(b) > 1 else np.reshape(b, (-1, 1))
    grad = grad if np.ndim(b) > 1 else np.expand_dims(grad, -1)
    grad = grad if np.ndim(a) > 1 else np.expand_dims(grad, -2)
    return np.reshape(_unbroadcast(grad @ np.swapaxes(b2, -1, -2), a2), np.shape(a))
''',
    "_matmul_grad_b": '''
def _matmul_grad_b(grad, a, b):
    """The gradient of b in a @ b (1-D operands promoted as NumPy does, stacks broadcast)."""
    a2 = a if np.ndim(a) > 1 else np.reshape(a, (1, -1))
    b2 = b if np.ndim(b) > 1 else np.reshape(b, (-1, 1))
    grad = grad if np.ndim(b) > 1 else np.expand_dims(grad, -1)
    grad = grad if np.ndim(a) > 1 else np.expand_dims(grad, -2)
    return np.reshape(_unbroadcast(np.swapaxes(a2, -1, -2) @ grad, b2), np.shape(b))
''',
    "_linalg_fails": '''
def _linalg_fails(name, *args, **kwargs):
    """Whether np.linalg's function name raises LinAlgError on these arguments (a matrix that is not
    positive definite for cholesky, a singular one for inv and solve): which path a try takes."""
    try:
        getattr(np.linalg, name)(*args, **kwargs)
    except np.linalg.LinAlgError:
        return True
    return False
''',
    "_erf": '''
def _erf(x):
    """scipy.special.erf of a number or an array, computed element by element with math.erf."""
    return np.vectorize(math.erf, otypes=[float])(x)[()]
''',
    "_erfc": '''
def _erfc(x):
    """scipy.special.erfc of a number or an array, computed element by element with math.erfc."""
    return np.vectorize(math.erfc, otypes=[float])(x)[()]
''',
    "_besselj": '''
def _besselj(n, x):
    """The Bessel function of the first kind J_n (n an integer) of a number or an array: Bessel's integral,
    the mean of cos(n t - x sin(t)) over a period, by the trapezoidal rule, exact to rounding for a
    periodic analytic integrand once the points outnumber |x| + n comfortably."""
    x = np.asarray(x, dtype=float)
    count = 64 + 2 * int(np.ceil(np.max(np.abs(x), initial=0.0))) + 2 * abs(n)
    t = np.arange(count) * (2 * np.pi / count)
    return np.mean(np.cos(n * t - x[..., None] * np.sin(t)), axis=-1)[()]
''',
    "_j0": '''
def _j0(x):
    """scipy.special.j0: the Bessel function J0 of a number or an array."""
    return _besselj(0, x)
''',
    "_j1": '''
def _j1(x):
    """scipy.special.j1: the Bessel function J1 of a number or an array."""
    return _besselj(1, x)
''',
    "_j1_grad": '''
def _j1_grad(x):
    """The derivative of J1, (J0 - J2) / 2, finite at 0 (where it is 1/2)."""
    return 0.5 * (_besselj(0, x) - _besselj(2, x))
''',
    "_log_ndtr": '''
def _log_ndtr(x):
    """scipy.special.log_ndtr: the log of the standard normal's cdf, element by element, finite far
    into its lower tail (where the cdf itself is 0 in floats: the asymptotic series of its log)."""
    def one(v):
        if v > 0:
            return math.log1p(-0.5 * math.erfc(v / math.sqrt(2.0)))
        if v > -20:
            return math.log(0.5 * math.erfc(-v / math.sqrt(2.0)))
        inv2, term, series = 1.0 / (v * v), 1.0, 1.0  # 1 - 1/v^2 + 3/v^4 - 15/v^6 ...
        for k in range(1, 12):
            term *= -(2 * k - 1) * inv2
            series += term
        return -0.5 * v * v - math.log(-v) - 0.5 * math.log(2 * math.pi) + math.log(series)
    return np.vectorize(one, otypes=[float])(x)[()]
''',
    "_ndtri": '''
def _ndtri(p):
    """scipy.special.ndtri (norm.ppf): the standard normal's quantile of p, element by element: Acklam's
    rational approximation in the lower half (p > 1/2 by symmetry, 1 - p exact there), refined by two
    Halley steps on math.erfc; -inf at 0, inf at 1, nan outside [0, 1]."""
    def lower(q):  # (0 < q <= 1/2)
        if q < 0.02425:
            t = math.sqrt(-2.0 * math.log(q))
            x = (((((-7.784894002430293e-03 * t - 3.223964580411365e-01) * t - 2.400758277161838) * t
                   - 2.549732539343734) * t + 4.374664141464968) * t + 2.938163982698783) / \\
                ((((7.784695709041462e-03 * t + 3.224671290700398e-01) * t + 2.445134137142996) * t
                  + 3.754408661907416) * t + 1.0)
        else:
            s = q - 0.5
            r = s * s
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                   + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239) * s / \\
                (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                   + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1.0)
        for _ in range(2):
            u = (0.5 * math.erfc(-x / math.sqrt(2.0)) - q) * math.sqrt(2.0 * math.pi) * math.exp(0.5 * x * x)
            x = x - u / (1.0 + 0.5 * x * u)
        return x

    def one(q):
        if not 0.0 < q < 1.0:
            return -math.inf if q == 0.0 else math.inf if q == 1.0 else math.nan
        return lower(q) if q <= 0.5 else -lower(1.0 - q)
    return np.vectorize(one, otypes=[float])(p)[()]
''',
    "_xlogy": '''
def _xlogy(x, y):
    """scipy.special.xlogy: x * log(y), and 0 where x is 0 (whatever y is there)."""
    return np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y)))[()]
''',
    "_xlog1py": '''
def _xlog1py(x, y):
    """scipy.special.xlog1py: x * log1p(y), and 0 where x is 0 (whatever y is there)."""
    return np.where(x == 0, 0.0, x * np.log1p(np.where(x == 0, 0.0, y)))[()]
''',
    "_digamma": '''
def _digamma(x):
    """The digamma function, the derivative of math.lgamma (about 1e-15 relative away from its poles)."""
    if x <= 0 and x == math.floor(x):
        raise ValueError("digamma is undefined at zero and the negative integers")
    result = 0.0
    if x < 0.5:  # reflection: digamma(1 - x) - digamma(x) = pi / tan(pi x)
        result -= math.pi / math.tan(math.pi * x)
        x = 1.0 - x
    while x < 10.0:  # recurrence: digamma(x) = digamma(x + 1) - 1 / x
        result -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)  # the asymptotic series, whose next term is below 1e-16 from x = 10
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    return result + math.log(x) - 0.5 / x - series
''',
    "_binom": '''
def _binom(n, k):
    """scipy.special.binom (comb, exact or not) of numbers or arrays, element by element: math.comb of
    integers (0 where k < 0 or k > n), Gamma's ratio of other numbers (0 at a pole of the denominator)."""
    def one(a, b):
        if a == math.floor(a) and b == math.floor(b) and a >= 0:
            return float(math.comb(int(a), int(b))) if 0 <= b <= a else 0.0
        try:
            return math.gamma(a + 1) / (math.gamma(b + 1) * math.gamma(a - b + 1))
        except (ValueError, OverflowError, ZeroDivisionError):
            return 0.0
    return np.vectorize(one, otypes=[float])(n, k)[()]
''',
    "_expm": '''
def _expm(a):
    """scipy.linalg.expm of a square matrix (or of each of a stack of them): the Taylor series of a / 2 ** s,
    of 1-norm at most 1/2, squared back s times (about 1e-15 relative)."""
    a = np.asarray(a, dtype=float)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"expm is computed for square matrices, not an array of shape {a.shape}")
    if a.ndim > 2:
        return np.array([_expm(m) for m in a.reshape((-1,) + a.shape[-2:])]).reshape(a.shape)
    norm = np.abs(a).sum(axis=0).max(initial=0.0)
    s = max(0, int(np.ceil(np.log2(norm))) + 1) if norm > 0 else 0
    scaled = a / 2.0 ** s
    term = np.eye(len(a))
    out = term
    for k in range(1, 20):
        term = term @ scaled / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out
''',
    "_expm_grad": '''
def _expm_grad(g, a):
    """The gradient of sum(g * expm(a)) in a: the upper right block of the exponential of
    [[a.T, g], [0, a.T]] (of each matrix of a stack)."""
    if np.ndim(a) > 2:
        square = (-1,) + np.shape(a)[-2:]
        g = np.broadcast_to(g, np.shape(a)).reshape(square)
        return np.array([_expm_grad(gm, m) for gm, m in zip(g, np.reshape(a, square))]).reshape(np.shape(a))
    n = np.shape(a)[0]
    block = np.block([[np.transpose(a), g], [np.zeros((n, n)), np.transpose(a)]])
    return _expm(block)[:n, n:]
''',
    "_gammaln": '''
def _gammaln(x):
    """scipy.special.gammaln of a number or an array, computed element by element with math.lgamma."""
    return np.vectorize(math.lgamma, otypes=[float])(x)[()]
''',
    "_digammas": '''
def _digammas(x):
    """The digamma function of a number or an array, element by element: the derivative of _gammaln."""
    return np.vectorize(_digamma, otypes=[float])(x)[()]
''',
    "_trigamma": '''
def _trigamma(x):
    """The trigamma function, the derivative of _digamma (about 1e-15 relative away from its poles)."""
    if x <= 0 and x == math.floor(x):
        raise ValueError("trigamma is undefined at zero and the negative integers")
    result = 0.0
    if x < 0.5:  # reflection: trigamma(1 - x) + trigamma(x) = pi^2 / sin(pi x)^2
        result += (math.pi / math.sin(math.pi * x)) ** 2
        result -= _trigamma(1.0 - x)
        return result
    while x < 10.0:  # recurrence: trigamma(x) = trigamma(x + 1) + 1 / x^2
        result += 1.0 / (x * x)
        x += 1.0
    inv2 = 1.0 / (x * x)  # the asymptotic series, whose next term is below 1e-16 from x = 10
    series = inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (
        5 / 66 - inv2 * (691 / 2730 - inv2 * 7 / 6))))))
    return result + 1.0 / x + 0.5 * inv2 + series / x
''',
    "_trigammas": '''
def _trigammas(x):
    """The trigamma function of a number or an array, element by element: the derivative of _digammas."""
    return np.vectorize(_trigamma, otypes=[float])(x)[()]
''',
    "_added_at": '''
def _added_at(a, indices, b):
    """A copy of a with b added at the indices, once for each time an index repeats (np.add.at)."""
    out = np.array(a, dtype=np.result_type(a, b, float))
    if isinstance(indices, tuple) and any(isinstance(i, slice) or i is Ellipsis for i in indices):
        b = np.broadcast_to(b, out[indices].shape)  # (NumPy's at may crash on values of another shape there)
    np.add.at(out, indices, b)
    return out
''',
    "_maximum_at": '''
def _maximum_at(a, indices, b):
    """A copy of a with the larger of each element and b's at the indices, once for each time an index
    repeats (np.maximum.at)."""
    out = np.array(a, dtype=np.result_type(a, b, float))
    if isinstance(indices, tuple) and any(isinstance(i, slice) or i is Ellipsis for i in indices):
        b = np.broadcast_to(b, out[indices].shape)  # (NumPy's at may crash on values of another shape there)
    np.maximum.at(out, indices, b)
    return out
''',
    "_minimum_at": '''
def _minimum_at(a, indices, b):
    """A copy of a with the smaller of each element and b's at the indices, once for each time an index
    repeats (np.minimum.at)."""
    out = np.array(a, dtype=np.result_type(a, b, float))
    if isinstance(indices, tuple) and any(isinstance(i, slice) or i is Ellipsis for i in indices):
        b = np.broadcast_to(b, out[indices].shape)  # (NumPy's at may crash on values of another shape there)
    np.minimum.at(out, indices, b)
    return out
''',
    "_extreme_at_grad": '''
def _extreme_at_grad(grad, a, indices, b, out):
    """The gradients of a and of b (in the shape b broadcasts to at the indices) in out =
    _maximum_at(a, indices, b) or _minimum_at: each element's gradient split evenly among the values
    that reached it equal to it (a's element, and b's elements at the indices)."""
    grad = np.asarray(grad, dtype=float)
    from_a = np.asarray(a) == out
    from_b = np.broadcast_to(b, np.shape(out[indices])) == out[indices]
    count = from_a.astype(float)
    np.add.at(count, indices, from_b)
    share = grad / np.maximum(count, 1.0)
    return share * from_a, share[indices] * from_b
''',
    "_scatter_items": '''
def _scatter_items(grad, index, g):
    """grad[index] += g in place: for an array by np.add.at (an index that repeats adds each time), for a
    list of arrays (of several shapes) into its item."""
    if isinstance(grad, list):
        grad[index] = _plus(grad[index], g)
    else:
        np.add.at(grad, index, g)
''',
    "_unreduced": '''
def _unreduced(grad, x, axis):
    """The gradient of a reduction of x along axis, the reduced axes back (of size one); a number,
    which NumPy reduces along 0 or -1 to itself, keeps it as it is."""
    return np.expand_dims(grad, axis) if np.ndim(x) else grad
''',
    "_untile": '''
def _untile(grad, x, reps):
    """The gradient of x in np.tile(x, reps): the copies of each element summed (any rank)."""
    shape = np.shape(x)
    reps = tuple(np.atleast_1d(reps))
    n = max(len(reps), len(shape))
    reps, full = (1,) * (n - len(reps)) + reps, (1,) * (n - len(shape)) + shape
    split = [d for pair in zip(reps, full) for d in pair]  # each axis as (copies, size)
    return np.reshape(np.reshape(grad, split).sum(axis=tuple(range(0, 2 * n, 2))), shape)
''',
    "_unwindowed": '''
def _unwindowed(grad, x, window_shape, axis=None):
    """The gradient of x in sliding_window_view(x, window_shape, axis): each window's gradient added
    back where the window reads x, one offset within the windows at a time."""
    shape = np.shape(x)
    windows = tuple(np.atleast_1d(window_shape))
    axes = tuple(range(len(shape))) if axis is None else tuple(int(a) % len(shape) for a in np.atleast_1d(axis))
    if len(set(axes)) != len(axes):
        raise ValueError("the gradient of sliding_window_view over one axis twice is not written")
    total = np.zeros(shape, dtype=np.result_type(grad, float))
    for offset in np.ndindex(*windows):
        place = [slice(None)] * len(shape)
        for a, k, w in zip(axes, offset, windows):
            place[a] = slice(k, k + shape[a] - w + 1)
        total[tuple(place)] += grad[(Ellipsis,) + offset]
    return total
''',
    "_unrepeat": '''
def _unrepeat(grad, x, repeats, axis):
    """The gradient of x in np.repeat(x, repeats, axis) for a whole number of repeats."""
    shape = np.shape(x)
    if axis is None or not shape:  # the flattened elements, each repeated (a number: as a vector)
        return np.reshape(np.reshape(grad, (np.size(x), repeats)).sum(axis=1), shape)  # (repeats may be 0)
    axis %= len(shape)
    return np.reshape(grad, shape[:axis + 1] + (repeats,) + shape[axis + 1:]).sum(axis=axis + 1)
''',
    "_take_grad": '''
def _take_grad(grad, a, indices, axis):
    """The gradient of a in np.take(a, indices, axis): grad added back at the places read (once each time
    an index repeats), of the flattened a where axis is None, a number as an array of one element."""
    shape = np.shape(a)
    out = np.zeros(shape or (1,))
    if axis is None:
        np.add.at(out.reshape(-1), indices, grad)  # (a view of out: written into)
    else:
        np.add.at(out, (slice(None),) * (axis % out.ndim) + (indices,), grad)
    return out.reshape(shape)
''',
    "_put_along": '''
def _put_along(arr, indices, values, axis):
    """A copy of arr with values written at the indices along the axis (np.put_along_axis; where an index
    repeats, the last value written stays), of arr's dtype; floats into integers (which NumPy truncates)
    are refused."""
    out = np.array(arr)
    if out.dtype.kind in "biu" and np.asarray(values).dtype.kind in "fc":
        raise TypeError("np.put_along_axis writes floats into an array of integers here, which NumPy truncates: "
                        "make that array one of floats (dtype=float) for its values to carry a gradient")
    np.put_along_axis(out, indices, values, axis)
    return out
''',
    "_put_along_grad": '''
def _put_along_grad(grad, arr, indices, values, axis):
    """The gradients of arr and of values in _put_along(arr, indices, values, axis): arr's is grad but at
    the places written, values' is grad at the places each value was written to, where no later value
    was written over it (summed where values was broadcast)."""
    grad = np.asarray(grad, dtype=float)
    if axis is None:  # (the flattened array's places)
        d_arr, d_values = _put_along_grad(grad.reshape(-1), np.reshape(arr, -1), indices, values, 0)
        return d_arr.reshape(np.shape(grad)), d_values
    axis %= grad.ndim
    places = [np.arange(n).reshape([-1 if d == k else 1 for d in range(grad.ndim)]) for k, n in enumerate(grad.shape)]
    places[axis] = np.asarray(indices)
    places = tuple(places)
    order = np.arange(np.prod(np.broadcast_shapes(*(np.shape(p) for p in places)), dtype=int))
    order = order.reshape(np.broadcast_shapes(*(np.shape(p) for p in places)))
    written = np.full(grad.shape, -1)
    written[places] = order  # (the number of the write that stays at each place)
    d_values = np.where(written[places] == order, grad[places], 0.0)
    d_arr = grad.copy()
    d_arr[places] = 0.0
    shape = np.shape(values)  # (values broadcast to the places: summed back)
    d_values = d_values.sum(axis=tuple(range(d_values.ndim - len(shape)))) if d_values.ndim > len(shape) else d_values
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and d_values.shape[i] != 1)
    return d_arr, (d_values.sum(axis=ones, keepdims=True) if ones else d_values).reshape(shape)
''',
    "_diff_padded_grad": '''
def _diff_padded_grad(grad, a, prepend, append, n, axis, which):
    """The gradient of a, prepend or append (``which``) in np.diff(a, n, axis, prepend=prepend,
    append=append): the differences of the three joined along the axis (a number spread to a's shape,
    one along it) undone, each given its part (a number the sum of its)."""
    value = {"prepend": prepend, "a": a, "append": append}[which]
    if n == 0:  # (a itself: prepend and append left out)
        return np.asarray(grad, dtype=float) if which == "a" else np.zeros(np.shape(value))
    shape = np.shape(a)
    axis %= len(shape)
    lengths = [0 if v is None else 1 if np.ndim(v) == 0 else np.shape(v)[axis] for v in (prepend, a, append)]
    if sum(lengths) < n:  # n differences of fewer than n elements leave none: no gradient
        return np.zeros(np.shape(value))
    joined = np.asarray(grad, dtype=float)
    for _ in range(n):  # each difference undone: the differences of grad padded with zeros, negated
        joined = -np.diff(joined, axis=axis, prepend=0, append=0)
    start = sum(lengths[:["prepend", "a", "append"].index(which)])
    part = np.take(joined, np.arange(start, start + lengths[["prepend", "a", "append"].index(which)]), axis=axis)
    return part.sum() if np.ndim(value) == 0 else part
''',
    "_unrepeat_counts": '''
def _unrepeat_counts(grad, x, repeats, axis):
    """The gradient of x in np.repeat(x, repeats, axis) for repeats that are an array (a count for each
    element along the axis, or one for all): each copy's gradient added back to its element."""
    shape = np.shape(x)
    grad = np.asarray(grad, dtype=float)
    if axis is None or not shape:  # the flattened elements, each repeated (a number: as a vector)
        owner = np.repeat(np.arange(np.size(x)), repeats)
        return np.reshape(np.bincount(owner, weights=grad.reshape(-1), minlength=np.size(x)), shape)
    axis %= len(shape)
    owner = np.repeat(np.arange(shape[axis]), repeats)
    out = np.zeros(shape)
    np.add.at(np.moveaxis(out, axis, 0), owner, np.moveaxis(grad, axis, 0))  # (a view of out: written into)
    return out
''',
    "_stacked_part": '''
def _stacked_part(grad, arrays, k, how):
    """The part of grad that arrays[k] filled in np.hstack, np.vstack, np.dstack or np.column_stack(arrays)."""
    if how == "dstack":  # along the third axis: a matrix (M, N) is (M, N, 1), a vector (N,) is (1, N, 1)
        blocks, axis = [np.atleast_3d(a) for a in arrays], 2
    elif how == "vstack":  # rows: a vector (or a number) is one
        blocks, axis = [np.atleast_2d(a) for a in arrays], 0
    elif how == "column_stack":  # columns: a vector (or a number) is one
        blocks, axis = [np.reshape(a, (-1, 1)) if np.ndim(a) < 2 else a for a in arrays], 1
    else:  # hstack: along the first axis of vectors, the second of anything else
        blocks = [np.atleast_1d(a) for a in arrays]
        axis = 0 if blocks[0].ndim == 1 else 1
    start = sum(np.shape(b)[axis] for b in blocks[:k])
    part = grad[(slice(None),) * axis + (slice(start, start + np.shape(blocks[k])[axis]),)]
    return np.reshape(part, np.shape(arrays[k]))
''',
    "_unpad": '''
def _unpad(grad, pad_width):
    """The part of grad that np.pad(x, pad_width) filled with x: its middle along every axis."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(grad), 2))
    return grad[tuple(slice(before, n - after) for (before, after), n in zip(widths, np.shape(grad)))]
''',
    "_unpad_copies": '''
def _unpad_copies(grad, pad_width, mode):
    """The gradient of x in np.pad(x, pad_width, mode) for the modes padding with copies of x's
    cells ('edge': the nearest edge cell; 'wrap': the cell a period away; 'reflect' and 'symmetric':
    the cell mirrored about the edge cell, or about the edge itself): each cell's gradient added
    to the cell of x it copies, axis by axis."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(grad), 2))
    for axis, (before, after) in enumerate(widths):
        n = np.shape(grad)[axis] - before - after
        source = np.arange(np.shape(grad)[axis]) - before
        if mode == "edge":
            source = np.clip(source, 0, n - 1)
        elif mode == "wrap":
            source = source % n
        elif mode == "reflect":  # ... c b | a b c | b a ...: a period of 2 (n - 1)
            period = max(2 * (n - 1), 1)
            source = source % period
            source = np.where(source < n, source, period - source) if n > 1 else np.zeros_like(source)
        else:  # 'symmetric': ... b a | a b c | c b ...: a period of 2 n
            source = source % (2 * n)
            source = np.where(source < n, source, 2 * n - 1 - source)
        moved = np.moveaxis(grad, axis, 0)
        out = np.zeros((n,) + moved.shape[1:])
        np.add.at(out, source, moved)
        grad = np.moveaxis(out, 0, axis)
    return grad
''',
    "_diag_grad": '''
def _diag_grad(grad, v, k=0):
    """The gradient of v in np.diag(v, k): grad's k-th diagonal where v is a vector (np.diag made
    a matrix of it), else an array of v's shape holding grad on that diagonal (np.diag read it)."""
    if np.ndim(v) == 1:
        return np.diagonal(grad, offset=k).copy()
    out = np.zeros(np.shape(v))
    steps = np.arange(np.size(grad))
    out[steps + max(-k, 0), steps + max(k, 0)] = grad
    return out
''',
    "_diagonal_grad": '''
def _diagonal_grad(grad, a, k=0):
    """The gradient of a in np.diagonal(a, k) over a's first two axes: grad, whose last axis runs along
    that diagonal, written there into zeros of a's shape."""
    out = np.zeros(np.shape(a))
    steps = np.arange(np.shape(grad)[-1])
    out[steps + max(-k, 0), steps + max(k, 0)] = np.moveaxis(grad, -1, 0)
    return out
''',
    "_tensordot_grad": '''
def _tensordot_grad(grad, a, b, axes, position):
    """The gradient of a (position 0) or b (1) in np.tensordot(a, b, axes): an einsum of grad and
    the other operand, its subscripts worked out from the ranks."""
    ra, rb = np.ndim(a), np.ndim(b)
    if isinstance(axes, int):
        axes = (list(range(ra - axes, ra)), list(range(axes)))
    axes_a, axes_b = [[i % rank for i in np.atleast_1d(ax)] for ax, rank in zip(axes, (ra, rb))]
    letters = "abcdefghijklmnopqrstuvwxyz"
    sub_a, sub_b = letters[:ra], [None] * rb
    for i, j in zip(axes_a, axes_b):
        sub_b[j] = sub_a[i]
    spare = iter(letters[ra:])
    sub_b = "".join(s or next(spare) for s in sub_b)
    sub_out = "".join(s for i, s in enumerate(sub_a) if i not in axes_a) + \
        "".join(s for j, s in enumerate(sub_b) if j not in axes_b)
    if position == 0:
        return np.einsum(f"{sub_out},{sub_b}->{sub_a}", grad, b)
    return np.einsum(f"{sub_out},{sub_a}->{sub_b}", grad, a)
''',
    "_einsum_grad": '''
def _einsum_grad(grad, subscripts, position, *operands):
    """The gradient of operand ``position`` in np.einsum(subscripts, *operands), ``...`` written out in
    letters of their own from the ranks (aligned at the right, as NumPy broadcasts them): an einsum of
    grad, the other operands and ones of this one's shape (its axes summed in it alone, or broadcast),
    summed along the axes NumPy broadcast it along; an index repeated in it joined by an identity."""
    inputs, arrow, output = subscripts.replace(" ", "").partition("->")
    subs = inputs.split(",")
    free = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subscripts]
    ranks = [np.ndim(op) - len(sub.replace("...", "")) for sub, op in zip(subs, operands)]
    width = max([r for sub, r in zip(subs, ranks) if "..." in sub], default=0)
    fill = "".join(free[:width])
    subs = [sub.replace("...", fill[width - r:]) for sub, r in zip(subs, ranks)]
    if not arrow:  # the ellipsis first, then the letters seen once, sorted
        plain = "".join(c for sub in subs for c in sub if c not in fill)
        output = fill + "".join(sorted(c for c in set(plain) if plain.count(c) == 1))
    output = output.replace("...", fill)
    mine, eyes, joins = "", [], []
    for axis, letter in enumerate(subs[position]):
        if letter in mine:  # a diagonal: its own letter, joined to the first by np.eye
            new = free[width + len(joins)]
            joins.append(letter + new)
            eyes.append(np.eye(np.shape(operands[position])[axis]))
            letter = new
        mine += letter
    others = [sub for k, sub in enumerate(subs) if k != position] + joins + [mine]
    values = [op for k, op in enumerate(operands) if k != position] + eyes
    part = np.einsum(",".join([output] + others) + "->" + mine, grad, *values, np.ones_like(operands[position]))
    return _unbroadcast(part, operands[position])
''',
    "_inner_grad": '''
def _inner_grad(grad, a, b, position):
    """The gradient of a (position 0) or b (1) in np.inner(a, b): of a product where one is a number,
    else of np.tensordot over both last axes."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return _unbroadcast(grad * (b if position == 0 else a), a if position == 0 else b)
    return _tensordot_grad(grad, a, b, ([-1], [-1]), position)
''',
    "_kron_grad": '''
def _kron_grad(grad, a, b, position):
    """The gradient of a (position 0) or b (1) in np.kron(a, b): grad read as the blocks (a0, b0, a1,
    b1, ...), the operand of fewer axes given leading axes of 1 as NumPy gives it, summed against the
    other operand."""
    r = max(np.ndim(a), np.ndim(b), 1)
    sa = (1,) * (r - np.ndim(a)) + np.shape(a)
    sb = (1,) * (r - np.ndim(b)) + np.shape(b)
    blocks = np.reshape(grad, [n for pair in zip(sa, sb) for n in pair])
    mine, other = "abcdefghijklmnopqrstuvwxyz"[:r], "abcdefghijklmnopqrstuvwxyz"[r:2 * r]
    spec = "".join(m + o for m, o in zip(mine, other))
    if position == 0:
        return np.reshape(np.einsum(f"{spec},{other}->{mine}", blocks, np.reshape(b, sb)), np.shape(a))
    return np.reshape(np.einsum(f"{spec},{mine}->{other}", blocks, np.reshape(a, sa)), np.shape(b))
''',
    "_solve_grad_b": '''
def _solve_grad_b(grad, a, b):
    """The gradient of b in np.linalg.solve(a, b): solve(a.T, grad), b one vector (against one
    matrix or a stack of them) or matrices."""
    a_t = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:  # the vectors as columns, as NumPy solves them
        return _unbroadcast(np.linalg.solve(a_t, grad[..., None])[..., 0], b)
    return _unbroadcast(np.linalg.solve(a_t, grad), b)
''',
    "_solve_grad_a": '''
def _solve_grad_a(grad, a, x, b):
    """The gradient of a in x = np.linalg.solve(a, b): minus b's gradient times x transposed."""
    a_t = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:  # x holds vectors: outer products with b's gradient
        db = np.linalg.solve(a_t, grad[..., None])[..., 0]
        return _unbroadcast(-db[..., :, None] * x[..., None, :], a)
    return _unbroadcast(-np.linalg.solve(a_t, grad) @ np.swapaxes(x, -1, -2), a)
''',
    "_split_grad": '''
def _split_grad(grads, ary, indices, axis):
    """The gradient of ary in np.split(ary, indices, axis) where the parts may not follow one another
    (indices out of order: parts that overlap, or leave elements out): each part's gradient added
    at its place, ary[:i0], ary[i0:i1], ..., ary[ik:] along axis; for a number of sections, the parts'
    gradients joined."""
    if np.ndim(indices) == 0:  # (a number of sections: equal pieces that follow one another)
        return np.concatenate([np.asarray(part, dtype=float) for part in grads], axis=axis)
    grad = np.zeros(np.shape(ary))
    along = np.moveaxis(grad, axis, 0)  # (a view of grad)
    bounds = [None] + list(indices) + [None]
    for part, start, stop in zip(grads, bounds[:-1], bounds[1:]):
        along[start:stop] += np.moveaxis(np.asarray(part, dtype=float), axis, 0)
    return grad
''',
    "_cofactors": '''
def _cofactors(a):
    """The cofactors of the matrix a (of each matrix of a stack), the gradient of np.linalg.det(a):
    det(a) inv(a).T where a is invertible, and right where it is singular too.  From the SVD
    a = u diag(s) vt they are det(u) det(vt) u diag(p) vt, p[i] the product of the s[j] but s[i]."""
    u, s, vt = np.linalg.svd(a)
    others = np.prod(np.where(np.eye(s.shape[-1], dtype=bool), 1.0, s[..., None, :]), axis=-1)
    sign = np.linalg.det(u) * np.linalg.det(vt)
    return np.asarray(sign)[..., None, None] * (u * others[..., None, :]) @ vt
''',
    "_where_taken": '''
def _where_taken(condition, grad, taken=True):
    """grad with 0 where np.where(condition, a, b) leaves the branch out (a where condition is
    False, b where it is True), its entries there reaching the output nowhere; grad as it is where
    condition does not broadcast into grad's shape (then it is not the same along grad's axes)."""
    grad = np.asarray(grad)
    if np.broadcast_shapes(np.shape(condition), grad.shape) != grad.shape:
        return grad[()]
    return (np.where(condition, grad, 0) if taken else np.where(condition, 0, grad))[()]
''',
    "_added": '''
def _added(grad, more):
    """grad + more, item by item where they are lists or tuples (two functions' gradients of one list
    given to both): + would join the lists."""
    if isinstance(grad, (list, tuple)):
        return [a + b for a, b in zip(grad, more)]
    return grad + more
''',
    "_c_contiguous": '''
def _c_contiguous(value, name, what, line):
    """Stops a backward written for value as a C-contiguous array given another: the forward's reshape
    (or ravel) on that line is a view of a C-contiguous array, which a write through it changes, and a
    copy of any other array (Fortran order, a strided view) or of a list or number, which it leaves as is."""
    if not (isinstance(value, np.ndarray) and value.flags.c_contiguous):
        raise ValueError(f"this backward is written for {name} as a C-contiguous array, of which the {what} "
                         f"on line {line} is a view; {name} given here is not, and NumPy's {what} copies it: "
                         f"pass np.ascontiguousarray({name}) to the forward and to the backward")
''',
    "_same_shape": '''
def _same_shape(value, shape, name):
    """Stops a loop whose carried value changes shape: the backward is written for one shape."""
    if np.shape(value) != shape:
        raise ValueError(f"{name} changes shape in this loop, from {shape} to {np.shape(value)}: "
                         "this shape-generic backward holds for one shape per value; regenerate "
                         "it with the shapes given")
''',
    "_shape_kept": '''
def _shape_kept(value, shape, name):
    """The shape a loop's carried value has at the end of its first iteration (shape None: that one),
    which it keeps at the end of each later one: the number it starts from (total = 0.0) may become
    an array in the first iteration only."""
    if shape is None:
        return np.shape(value)
    _same_shape(value, shape, name)
    return shape
''',
}

# Helpers certainly returning a new array, never one of their arguments or a view of one.
FRESH = frozenset({"_dot_grad_a", "_dot_grad_b", "_matmul_grad_a", "_matmul_grad_b", "_untile", "_unrepeat", "_take_grad",
                   "_unrepeat_counts", "_diff_padded_grad", "_put_along", "_put_along_grad", "_unwindowed",
                   "_added_at", "_maximum_at", "_minimum_at", "_cofactors", "_zeros_like_items", "_plus", "_copy_items",
                   "_running_extreme_grad", "_logcumsumexp_grad", "_reduceat_grad", "_segment_reduceat_grad", "_bessel_i1",
                   "_besselj", "_j0", "_j1", "_j1_grad",
                   "_matrix_power_grad",
                   "_gradient_grad", "_split_grad", "_cross_grad"})


def callables():
    """Every helper as a Python function, for running staged code that calls one."""
    return dict(_compiled())


@functools.lru_cache(maxsize=None)
def _compiled():
    namespace = {"np": np, "math": math}
    for text in HELPERS.values():
        exec(compile(text, "<backgen runtime>", "exec"), namespace)
    return tuple((name, namespace[name]) for name in HELPERS)


def source(name):
    """The source of one helper, without surrounding blank lines."""
    return HELPERS[name].strip("\n") + "\n"


def calls(text):
    """The helpers ``text`` (Python source) calls, by name."""
    return {node.func.id for node in walk(ast.parse(text))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HELPERS}


def needed(names):
    """``names`` with every helper they call or name (``np.vectorize(_digamma)``), in the order of
    ``HELPERS``."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += _named_helpers(name)
    return [name for name in HELPERS if name in found]


@functools.lru_cache(maxsize=None)
def _named_helpers(name):
    """The other helpers helper ``name`` calls or names."""
    return tuple(node.id for node in walk(ast.parse(HELPERS[name]))
                 if isinstance(node, ast.Name) and node.id in HELPERS and node.id != name)


def modules(name):
    """The canonical modules (``np``, ``math``) a helper refers to."""
    return list(_modules(name))


@functools.lru_cache(maxsize=None)
def _modules(name):
    return tuple(sorted(names_of(ast.parse(HELPERS[name])) & {"np", "math"}))
