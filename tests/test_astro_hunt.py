"""Astronomy, orbital mechanics and optics as people write them: Kepler's equation solved by Newton
iterations (fixed counts, tolerances, one element at a time in helpers), orbital elements to positions,
radial velocities, n-body energies and accelerations with softening, transits with limb darkening,
Planck functions, magnitudes, lensing, Fresnel and thin-film formulas, ray-transfer matrices and
diffraction patterns (Airy's disk through scipy.special's Bessel functions).

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are numbers or
arrays) and by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import copy
import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, imported, shapes_of

HEADER = "import math\n\nimport numpy as np\n"


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float) and not isinstance(a, bool)
            or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _check(got, want):
    got = got if isinstance(got, tuple) else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_right(source, args, name="f", wrt=None, dout=1.0):
    """generate without shapes, with shapes (where every argument is a number or an array) and the
    decorator give the gradients central differences give, for the parameters at ``wrt`` (by default
    those holding floats)."""
    source = HEADER + textwrap.dedent(source)
    func = imported(source, "astro_hunt")[name]
    positions = _floats(args) if wrt is None else wrt
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = finite_differences(lambda *v: func(*copy.deepcopy(v)), list(args), positions, (dout,))
    for shapes in [None] + [s for s in [shapes_of(func, args)] if s]:
        text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
        assert text == backgen.generate(source, name=name, shapes=shapes, wrt=names)
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        given = copy.deepcopy(args)
        _check(namespace[f"{name}_backward"](*given, dout=dout), want)
        for before, after in zip(args, given):
            if isinstance(before, np.ndarray):
                np.testing.assert_array_equal(before, after)
    _check(backgen.backward(func, wrt=names).backward(*copy.deepcopy(args), dout=dout), want)


def assert_refused(source, args, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(HEADER + textwrap.dedent(source), name=name)


MEAN_ANOMALIES = np.linspace(0.3, 5.9, 7)


# ---------------------------------------------------------------- Kepler's equation in a helper of numbers


def test_kepler_solved_element_by_element_by_a_helper_of_math():
    """np.array([kepler(m, e) for m in M]), the helper a Newton loop over math.sin: its math calls were not
    seen (only the function's own were), so no sample of arrays ran (math.sin of an array) and the code
    for M a vector of numbers and e a number was not tried: refused, asking for the shapes."""
    source = '''
    def _kepler_scalar(M, e):
        E = M
        for _ in range(10):
            E = E - (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
        return E

    def positions(M, e):
        E = np.array([_kepler_scalar(m, e) for m in M])
        return np.cos(E) - e
    '''
    assert_right(source, [MEAN_ANOMALIES, 0.3], name="positions", dout=np.linspace(0.5, 1.5, 7))


def test_kepler_helper_two_calls_deep():
    source = '''
    def _newton(M, e, E):
        for _ in range(8):
            E = E - (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
        return E

    def _eccentric(M, e):
        return _newton(M, e, M + e * math.sin(M))

    def radius(M, a, e):
        r = 0.0
        for m in M:
            r += a * (1 - e * math.cos(_eccentric(m, e)))
        return r
    '''
    assert_right(source, [MEAN_ANOMALIES, 1.3, 0.25], name="radius")


# ---------------------------------------------------------------- Bessel functions (Airy's disk)


def test_airy_disk_through_scipy_j1():
    """scipy.special.j1 was refused as not supported."""
    source = '''
    from scipy.special import j1

    def airy(theta, D, lam):
        x = np.pi * D * np.sin(theta) / lam
        return (2 * j1(x) / x) ** 2
    '''
    assert_right(source, [np.linspace(0.013, 0.3, 6), 3.0, 0.55], name="airy", dout=np.linspace(0.5, 1.5, 6))


def test_bessel_j0_and_jv_of_order_one():
    source = '''
    import scipy.special as sp

    def ring(r, k, a):
        return sp.j0(k * r) ** 2 + a * sp.jv(1, k * r) + sp.jn(0, a * r)
    '''
    assert_right(source, [np.array([0.0, 0.4, 1.7, 6.2]), 2.3, 0.8], name="ring", dout=np.linspace(0.5, 1.5, 4))


def test_bessel_of_a_number_in_plain_code():
    source = '''
    from scipy import special

    def strehl_like(x, w):
        return w * special.j1(x) / x + special.j0(2 * x)
    '''
    assert_right(source, [1.7, 0.4], name="strehl_like")


def test_bessel_of_another_order_refused():
    source = '''
    from scipy.special import jv

    def f(x, n):
        return jv(n, x)
    '''
    assert_refused(source, [1.0, 2], "scipy.special.jv is read with an order 0 or 1", name="f")
