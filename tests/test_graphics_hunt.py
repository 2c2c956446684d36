"""Computer graphics and vision geometry as people write it in NumPy or with ``math``: soft rasterizers
building inside masks with ``&=``, signed distance unions folded by ``functools.reduce`` over a smooth
minimum, Bezier curves in the Bernstein basis with ``scipy.special.comb`` and ``binom``, HSV conversions
picking a sector's channels with ``np.choose``.

Each case is checked against central finite differences in float64 (``numeric``, through ``every_way``:
``generate`` without shapes, with shapes, and the decorator), or asserted refused with a
``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

import backgen
from every_way import every_way, forward

RNG = np.random.default_rng(23)


# --- masks narrowed in place: m &= e > 0 --------------------------------------------------------------

SOFT_INSIDE = '''
import numpy as np

def soft_inside(tri, pix):
    inside = np.ones(len(pix), dtype=bool)
    for i in range(3):
        a, b = tri[i], tri[(i + 1) % 3]
        cross = (b[0] - a[0]) * (pix[:, 1] - a[1]) - (b[1] - a[1]) * (pix[:, 0] - a[0])
        inside &= cross > 0
    d2 = np.sum((pix - tri.mean(axis=0)) ** 2, axis=1)
    sign = np.where(inside, 1.0, -1.0)
    return np.sum(1.0 / (1.0 + np.exp(-sign * d2 / 0.05)) * np.arange(1, len(pix) + 1))
'''


def test_a_mask_narrowed_by_and_assignment_in_a_loop(tmp_path):
    # inside &= cross > 0 was refused (the operator &= is not supported): a mask's and, or and xor in
    # place are the mask's new value, as x = x & y
    tri = np.array([[0.1, 0.1], [0.9, 0.2], [0.4, 0.85]])
    pix = np.array([[0.4, 0.4], [0.8, 0.8], [0.2, 0.6], [0.5, 0.3]])
    every_way(SOFT_INSIDE, "soft_inside", [tri, pix], {"tri": "3, 2", "pix": "P, 2"}, tmp_path)


MASK_OPS = '''
import numpy as np

def masked(x, y):
    m = x > 0
    m &= y > 0.5
    m |= x > 2.0
    m ^= y > 3.0
    return np.sum(np.where(m, x * y, 0.0))
'''


def test_and_or_xor_assignments_of_masks(tmp_path):
    x, y = np.array([1.0, -1.0, 2.5, 0.3, 0.8]), np.array([0.7, 0.9, 0.1, 4.0, 0.2])
    every_way(MASK_OPS, "masked", [x, y], {"x": "N", "y": "N"}, tmp_path)


# --- functools.reduce over a helper: the decorator reads the helper too --------------------------------

REDUCED = '''
import numpy as np
from functools import reduce

def smin(a, b, k=0.2):
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)

def union(dists):
    return np.sum(reduce(smin, list(dists)) ** 2)
'''

REDUCED_MODULE = '''
import functools
import numpy as np

def smooth_min(a, b):
    return -np.log(np.exp(-8.0 * a) + np.exp(-8.0 * b)) / 8.0

def scene(p, centers, radii):
    d = np.linalg.norm(p[:, None, :] - centers[None], axis=-1) - radii
    return np.sum(functools.reduce(smooth_min, [d[:, 0], d[:, 1], d[:, 2]]) ** 2)
'''


def test_reduce_of_a_helper_under_the_decorator(tmp_path):
    # generate read smin (the text holds it) where the decorator refused "unknown function 'smin'": it
    # looked for the module's functions among those called, and smin is passed to reduce, not called
    dists = np.array([[0.5, 0.2], [0.33, 0.25], [0.62, 0.22]])
    every_way(REDUCED, "union", [dists], {"dists": "K, N"}, tmp_path)


def test_functools_reduce_of_a_helper_under_the_decorator(tmp_path):
    args = [RNG.normal(size=(4, 3)), RNG.normal(size=(3, 3)), np.array([0.3, 0.5, 0.4])]
    every_way(REDUCED_MODULE, "scene", args, {"p": "N, 3", "centers": "3, 3", "radii": "3"}, tmp_path)


# --- scipy.special.comb and binom: a Bernstein basis's coefficients ------------------------------------

BERNSTEIN = '''
import numpy as np
from scipy.special import binom, comb

def bezier(P, t):
    n = P.shape[0] - 1
    k = np.arange(n + 1)
    B = binom(n, k) * t[:, None] ** k * (1 - t[:, None]) ** (n - k)
    return np.sum((B @ P) ** 2)

def bezier_loop(P, t):
    n = len(P) - 1
    curve = np.zeros((len(t), P.shape[1]))
    for i in range(n + 1):
        curve += np.outer(comb(n, i, exact=True) * t ** i * (1 - t) ** (n - i), P[i])
    return np.sum(curve ** 3)
'''


@pytest.mark.parametrize("function", ["bezier", "bezier_loop"])
def test_bernstein_basis_with_scipy_binomials(function, tmp_path):
    # binom(n, k) and comb(n, k) were refused (scipy.special.binom is not supported)
    args = [RNG.normal(size=(4, 2)), np.array([0.1, 0.35, 0.6, 0.85])]
    every_way(BERNSTEIN, function, args, {"P": "4, 2", "t": "T"}, tmp_path)


def test_binomial_values_are_scipys():
    from scipy import special  # noqa: PLC0415

    namespace = {}
    exec(backgen.generate(BERNSTEIN, name="bezier", shapes={"P": "4, 2", "t": "T"}), namespace)
    n = np.array([5.0, 5.0, 5.0, 3.0, 2.5, -1.5, 4.0, 0.0])
    k = np.array([0.0, 2.0, 6.0, -1.0, 1.0, 1.0, 4.0, 0.0])
    np.testing.assert_allclose(namespace["_binom"](n, k), special.binom(n, k), rtol=1e-12)
    assert namespace["_binom"](3, 1) == special.comb(3, 1, exact=True)


def test_a_differentiated_binomial_is_refused():
    source = '''
import numpy as np
from scipy.special import binom

def f(t, n):
    return np.sum(binom(n, 2.0) * t)
'''
    with pytest.raises(backgen.BackgenError, match="binom and comb are read of numbers no gradient flows"):
        backgen.generate(source, name="f", shapes={"t": "N", "n": "float"})


# --- sum() of lists joined by +, and of arrays' arithmetic -------------------------------------------

JOINED = '''
def total(xs, ys):
    zs = xs + ys
    return sum(zs)
'''


def test_the_sum_of_lists_joined_is_refused(tmp_path):
    # zs = xs + ys joins two lists of numbers; sum(zs) added zs's items as a list's, while + was read as
    # arithmetic: the gradient of xs was a list of len(xs) + len(ys) ones (a wrong gradient, and shape)
    func = forward(JOINED, "total", tmp_path)
    for attempt in (lambda: backgen.generate(JOINED, name="total"),
                    lambda: backgen.backward(func).backward([1.0, 2.0], [3.0, 4.0, 5.0])):
        with pytest.raises(backgen.BackgenError, match="joins or repeats them"):
            attempt()


L1 = '''
import numpy as np

def l1(a, b):
    return sum(sum(abs(a - b)))
'''


def test_builtin_sum_of_arithmetic_of_arrays(tmp_path):
    # the decorator refused "sum has no derivative rule" (code using no NumPy call, given arrays): sum of
    # arithmetic adds an array's rows, as sum of a name does
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))]
    func = forward(L1, "l1", tmp_path)
    from numeric import check_gradients  # noqa: PLC0415
    check_gradients(backgen.backward(func).backward(*args), func, args, [0, 1])
    every_way(L1, "l1", args, {"a": "H, W", "b": "H, W"}, tmp_path, free=False)


# --- np.choose: an HSV sector picks its channels ----------------------------------------------------

HSV = '''
import numpy as np

def hsv_to_rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    p = v * (1.0 - s)
    q = v * (1.0 - s * f)
    t = v * (1.0 - s * (1.0 - f))
    i = i.astype(int) % 6
    r = np.choose(i, [v, q, p, p, t, v])
    g = np.choose(i, (t, v, v, q, p, p))
    channels = [p, p, t, v, v, q]
    b = np.choose(i, choices=channels)
    return np.sum(np.stack([r, g, b], axis=-1) ** 2 * np.array([1.0, 2.0, 3.0]))
'''


def test_hsv_sectors_picked_by_np_choose(tmp_path):
    # np.choose was refused (no derivative rule): it is the nested np.where of its choices
    h = np.array([0.05, 0.3, 0.45, 0.55, 0.7, 0.95])
    args = [h, np.linspace(0.3, 0.8, 6), np.linspace(0.9, 0.4, 6)]
    every_way(HSV, "hsv_to_rgb", args, {"h": "N", "s": "N", "v": "N"}, tmp_path)


def test_np_choose_with_a_mode_is_refused():
    source = '''
import numpy as np

def f(x, i):
    return np.sum(np.choose(i, [x, 2 * x], mode="clip"))
'''
    with pytest.raises(backgen.BackgenError, match="np.choose is read with a and choices"):
        backgen.generate(source, name="f", shapes={"x": "N", "i": "int N"})


def test_sum_of_lists_joined_in_place_is_refused_saying_so():
    # refused as "sum has no derivative rule in backgen", which named no way out
    source = '''
def total(xs, ys):
    return sum(xs + ys)
'''
    with pytest.raises(backgen.BackgenError, match=r"Python's lists would join or repeat\): for arrays, write np.sum"):
        backgen.generate(source, name="total")


# --- np.piecewise of lambdas: sRGB's two pieces ------------------------------------------------------

PIECEWISE = '''
import numpy as np

def cube(v):
    return v ** 3

def srgb_encode(x):
    y = np.piecewise(x, [x <= 0.0031308, x > 0.0031308],
                     [lambda v: 12.92 * v, lambda v: 1.055 * v ** (1 / 2.4) - 0.055])
    return np.sum(y * np.arange(1.0, len(x) + 1.0))

def knee(x, k):
    return np.sum(np.piecewise(x, [x < 0.5, x > 1.5], [lambda v: v * v, lambda v: k * v, cube]))

def counted(w):
    i = np.arange(5)
    return np.sum(np.piecewise(i, [i < 2, i >= 2], [lambda v: w * v, lambda v: w * w * v])) + w
'''


@pytest.mark.parametrize("function, args, shapes, free", [
    ("srgb_encode", [np.array([0.001, 0.002, 0.3, 0.5, 0.8])], {"x": "N"}, True),
    ("knee", [np.array([0.2, 0.7, 1.2, 1.9, 2.4]), 0.8], {"x": "N", "k": "float"}, True),
    ("counted", [0.7], {"w": "float"}, False),
])
def test_np_piecewise_of_lambdas(function, args, shapes, free, tmp_path):
    # refused (lambda expressions are not supported); the pieces fill an array of x's dtype, so of the
    # integers np.arange gives the products w * v are truncated: w's gradient is 1, from its last term
    every_way(PIECEWISE, function, args, shapes, tmp_path, free=free)
