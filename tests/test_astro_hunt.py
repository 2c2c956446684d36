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
from numeric import assert_close, finite_differences, imported, same_again, shapes_of

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
        same_again(text, lambda: backgen.generate(source, name=name, shapes=shapes, wrt=names))
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        given = copy.deepcopy(args)
        _check(namespace[f"{name}_backward"](*given, dout=dout), want)
        for before, after in zip(args, given):
            if isinstance(before, np.ndarray):
                np.testing.assert_array_equal(before, after)
    _check(backgen.backward(func, wrt=names).backward(*copy.deepcopy(args), dout=dout), want)


def assert_free_right(source, args, name="f", dout=1.0):
    """generate without shapes (once: the code for every shape, tried on many samples, is the slow way)
    gives the gradients central differences give for the parameters holding floats."""
    source = HEADER + textwrap.dedent(source)
    func = imported(source, "astro_hunt")[name]
    positions = _floats(args)
    want = finite_differences(lambda *v: func(*copy.deepcopy(v)), list(args), positions, (dout,))
    namespace = {}
    exec(compile(backgen.generate(source, name=name), "<generated>", "exec"), namespace)
    _check(namespace[f"{name}_backward"](*copy.deepcopy(args), dout=dout), want)


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
    assert_free_right(source, [MEAN_ANOMALIES, 0.3], name="positions", dout=np.linspace(0.5, 1.5, 7))


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


# ---------------------------------------------------------------- bisection: refused, not differentiated as steps


def test_kepler_by_bisection_is_refused():
    """lo and hi are made of constants and chosen by tests of M and e: the gradient written was 0 for both
    ("the output does not depend on M"), where the root E(M, e) the loop returns has dE/dM = 1 / (1 - e cos E)."""
    source = '''
    def kepler_bisect(M, e, n=60):
        lo, hi = 0.0, 2 * math.pi
        for _ in range(n):
            mid = 0.5 * (lo + hi)
            if mid - e * math.sin(mid) - M > 0:
                hi = mid
            else:
                lo = mid
        return 0.5 * (lo + hi)
    '''
    assert_refused(source, [2.0, 0.3], r"hi is chosen at each step of this loop by a test of M, e, narrowing hi "
                   r"and lo \(a bisection", name="kepler_bisect")
    with pytest.raises(backgen.BackgenError, match="bisection"):
        func = imported(HEADER + textwrap.dedent(source), "astro_hunt")["kepler_bisect"]
        backgen.backward(func).backward(2.0, 0.3)


def test_vectorized_bisection_with_np_where_is_refused():
    """The same with np.where choosing the bracket's ends: the gradient in M was 0 and that in e only the
    explicit a * (cos(E) - e)'s, silently wrong."""
    source = '''
    def separation(M, e, a, n=60):
        lo = np.zeros_like(M)
        hi = np.full_like(M, 2 * np.pi)
        for _ in range(n):
            mid = 0.5 * (lo + hi)
            f = mid - e * np.sin(mid) - M
            lo = np.where(f > 0, lo, mid)
            hi = np.where(f > 0, mid, hi)
        E = 0.5 * (lo + hi)
        return a * (np.cos(E) - e)
    '''
    assert_refused(source, [MEAN_ANOMALIES, 0.3, 1.2], "lo is chosen .* by a test of M, e", name="separation")
    with pytest.raises(backgen.BackgenError, match="bisection"):
        backgen.generate(HEADER + textwrap.dedent(source), name="separation",
                         shapes={"M": "7", "e": "float", "a": "float"})


def test_while_bisection_on_the_bracket_width_is_refused():
    source = '''
    def solve(M, e, tol=1e-12):
        a, b = 0.0, 2 * math.pi
        while b - a > tol:
            c = (a + b) / 2
            if (c - e * math.sin(c) - M) * (a - e * math.sin(a) - M) < 0:
                b = c
            else:
                a = c
        return a
    '''
    assert_refused(source, [2.0, 0.3], "narrowing a and b", name="solve")


def test_bisection_of_a_bracket_moving_with_the_parameter_is_refused():
    """hi = max(1.0, x) moves with x: the gradient written was the bracket's motion (0.70 at x = 2.7),
    where the square root the loop approaches has 1 / (2 sqrt(x)) = 0.30."""
    source = '''
    def root(x, n=50):
        lo, hi = 0.0, max(1.0, x)
        for _ in range(n):
            mid = (lo + hi) / 2
            if mid * mid < x:
                lo = mid
            else:
                hi = mid
        return lo
    '''
    assert_refused(source, [2.7], "narrowing hi and lo", name="root")


def test_decisions_that_do_not_narrow_a_bracket_are_differentiated():
    """Reflecting walls (x = L, a clamp), a counter and a step halved by tests of the parameters are set
    from one such value or none, a running mean reads the data, a sort swaps, and an adaptive integrator
    scales its step by what it computes: the derivative between the decisions is the function's own."""
    walls = '''
    def walls(x, v, L=1.0, dt=0.1, n=20):
        for _ in range(n):
            x += v * dt
            if x > L:
                x = L
                v = -v
            elif x < 0:
                x = 0.0
                v = -v
        return x * x + v
    '''
    assert_right(walls, [0.31, 0.73], name="walls", wrt=[0, 1])
    halving = '''
    def search(x, d, c):
        step = 1.0
        k = 0
        for _ in range(10):
            if (x + step * d - c) ** 2 > (x - c) ** 2:
                step *= 0.5
                k += 1
        return x + step * d + 0.01 * k
    '''
    assert_right(halving, [0.3, 0.9, 0.35], name="search")
    running = '''
    def clipped_mean(xs, k):
        m, n = xs[0], 1.0
        for x in xs[1:]:
            if abs(x - m) < k:
                m = (m * n + x) / (n + 1)
                n = n + 1
        return m
    '''
    assert_right(running, [np.array([1.0, 1.4, 5.0, 0.7, 1.1]), 1.5], name="clipped_mean", wrt=[0])
    swaps = '''
    def spread(a, b, c):
        for _ in range(2):
            if a > b:
                a, b = b, a
            if b > c:
                b, c = c, b
        return c - a + 0.5 * b
    '''
    assert_right(swaps, [0.9, 0.2, 0.5], name="spread")
    adaptive = '''
    def f_rhs(y, k):
        return -k * y ** 3

    def integrate(y0, k, T=1.0, tol=1e-4):
        t, y, h = 0.0, y0, 0.1
        while t < T:
            h = min(h, T - t)
            y1 = y + h * f_rhs(y, k)
            yh = y + 0.5 * h * f_rhs(y, k)
            y2 = yh + 0.5 * h * f_rhs(yh, k)
            err = abs(y2 - y1)
            if err < tol:
                t = t + h
                y = y2
                h = h * 0.9 * (tol / max(err, 1e-12)) ** 0.5
            else:
                h = h * 0.5
        return y
    '''
    assert_right(adaptive, [1.3, 0.7], name="integrate")


# ---------------------------------------------------------------- rotation matrices of angles, shapes not given


def test_perifocal_to_inertial_rotation_of_three_angles():
    """Q = rot_z(Omega) @ rot_x(inc) @ rot_z(omega), each np.array([[c, -s, 0.0], ...]): no sample of
    arrays ran (rows of entries of several shapes), and four parameters were tried of ranks 1 and 2 only,
    so the code for every shape was refused; the angles are numbers there, the position any array."""
    source = '''
    def rot_z(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

    def rot_x(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])

    def perifocal_to_eci(r_pf, Omega, inc, omega):
        Q = rot_z(Omega) @ rot_x(inc) @ rot_z(omega)
        return Q @ r_pf
    '''
    args, dout = [np.array([0.9, -0.3, 0.2]), 0.4, 0.3, 1.2], np.array([0.7, -1.1, 0.4])
    source = HEADER + textwrap.dedent(source)
    func = imported(source, "astro_hunt")["perifocal_to_eci"]
    want = finite_differences(func, args, [0, 1, 2, 3], (dout,))
    text = backgen.generate(source, name="perifocal_to_eci")  # (once: every sample of arrays is tried first)
    assert "is written for numbers Omega, inc, omega" in text
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    backward = namespace["perifocal_to_eci_backward"]
    _check(backward(*copy.deepcopy(args), dout), want)
    _check(backgen.backward(func).backward(*copy.deepcopy(args), dout=dout), want)
    rows = np.random.default_rng(0).normal(size=(3, 4))  # (a point in each column: the code holds for them too)
    assert np.shape(backward(rows, 0.4, 0.3, 1.2, np.ones((3, 4)))[0]) == (3, 4)
    with pytest.raises(TypeError, match="written for numbers"):
        backward(rows, np.array([0.4, 0.5]), 0.3, 1.2, np.ones((3, 4)))


def test_ray_transfer_matrix_of_a_lens_and_a_gap_in_the_function_itself():
    source = '''
    def image_height(ray, f, d):
        lens = np.array([[1.0, 0.0], [-1.0 / f, 1.0]])
        gap = np.array([[1.0, d], [0.0, 1.0]])
        out = gap @ lens @ ray
        return out[0] ** 2 + 0.1 * out[1]
    '''
    assert_free_right(source, [np.array([0.02, 0.001]), 0.2, 0.35], name="image_height")


# ---------------------------------------------------------------- a helper returning a dict display


def test_helper_returning_a_dict_of_coordinates():
    """xy() returns {"x": ..., "y": ...}: the helper was staged on its own and refused ("dict displays are
    not supported"); written out in its caller, its entries are names read by their keys."""
    source = '''
    def xy(t, a, e, P):
        M = 2 * np.pi * t / P
        E = M
        for _ in range(10):
            E = E - (E - e * np.sin(E) - M) / (1 - e * np.cos(E))
        return {"x": a * (np.cos(E) - e), "y": a * np.sqrt(1 - e * e) * np.sin(E)}

    def total(t, a, e, P):
        d = xy(t, a, e, P)
        return np.sum(d["x"] ** 2 + 2 * d["y"])
    '''
    assert_right(source, [np.linspace(0.13, 9.71, 5), 1.2, 0.3, 5.0], name="total")


def test_state_dicts_of_two_calls():
    source = '''
    def state(r, v, mu):
        rn = np.sqrt(r @ r)
        return {"energy": 0.5 * v @ v - mu / rn, "h": np.cross(r, v)}

    def f(r, v, mu):
        s1 = state(r, v, mu)
        s2 = state(2 * r, v, mu)
        return s1["energy"] * s2["energy"] + np.sum(s1["h"] ** 2)
    '''
    assert_right(source, [np.array([1.0, 0.2, 0.1]), np.array([-0.1, 0.9, 0.2]), 1.3])


# ---------------------------------------------------------------- SciPy's solvers: refused, saying what to write


def test_scipy_root_finders_are_refused_with_what_to_write():
    """brentq with a function of the module was refused as an unknown function (by the decorator) or for its
    keyword arguments (by generate), saying nothing of what to do."""
    source = '''
    from scipy.optimize import brentq

    def _kepler_residual(E, M, e):
        return E - e * np.sin(E) - M

    def true_anomaly(M, e):
        E = brentq(_kepler_residual, 0.0, 2 * np.pi, args=(M, e), xtol=1e-14)
        return 2 * np.arctan(np.sqrt((1 + e) / (1 - e)) * np.tan(E / 2))
    '''
    assert_refused(source, [1.3, 0.3], "scipy.optimize.brentq is not supported: .* write the iterations",
                   name="true_anomaly")
    func = imported(HEADER + textwrap.dedent(source), "astro_hunt")["true_anomaly"]
    with pytest.raises(backgen.BackgenError, match="scipy.optimize.brentq is not supported"):
        backgen.backward(func).backward(1.3, 0.3)


# ---------------------------------------------------------------- grids spaced by ratios


def test_initial_mass_function_on_a_logspace_grid_from_m_min():
    """np.logspace(np.log10(m_min), ...) was refused ("building a value this way from differentiated inputs
    is not supported"); it is base ** np.linspace(...), differentiated through np.linspace."""
    source = '''
    def imf_mass_fraction(alpha, m_min, m_max=100.0, n=60):
        m = np.logspace(np.log10(m_min), np.log10(m_max), n)
        xi = m ** (-alpha)
        total = np.trapezoid(xi * m, m)
        above = np.trapezoid(np.where(m > 8.0, xi * m, 0.0), m)
        return above / total
    '''
    assert_right(source, [2.35, 0.1], name="imf_mass_fraction")


def test_band_flux_on_a_geomspace_grid_between_its_ends():
    source = '''
    def band_flux(T, lam_min, lam_max, n=40):
        lam = np.geomspace(lam_min, lam_max, n, endpoint=True)
        B = 1.0 / lam ** 5 / (np.exp(1.4388 / (lam * T)) - 1)
        return np.trapezoid(B, lam) + np.sum(np.logspace(lam_min, lam_max, num=3, base=2.0))
    '''
    assert_right(source, [0.6, 0.3, 3.0], name="band_flux")


def test_rotations_of_negated_angles_in_a_helper():
    """R3(-Omega): the angle passed as an expression, not a name, was not seen as an entry of the matrix."""
    source = '''
    def R3(t):
        return np.array([[np.cos(t), np.sin(t), 0.0], [-np.sin(t), np.cos(t), 0.0], [0.0, 0.0, 1.0]])

    def orbit_to_sky(x_orb, Omega, w):
        return R3(-Omega) @ R3(-w) @ x_orb
    '''
    assert_free_right(source, [np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.9]]), 0.4, 1.2], name="orbit_to_sky",
                 dout=np.array([[1.0, -0.5], [0.3, 0.7], [0.2, -1.1]]))
