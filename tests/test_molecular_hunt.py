"""Molecular and particle potentials as people write them, whose gradients are forces: Lennard-Jones,
Morse, Coulomb and gravity over all pairs (distance matrices with their diagonals written over, pairs
from np.triu_indices, double loops), bonds, angles and dihedrals over index arrays, periodic boundaries,
spring networks, velocity-Verlet steps, and the same in plain Python over lists of coordinates.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are arrays) and
by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import (assert_close, finite_differences, float_positions, fresh_args, generated_backward,
                     imported, shapes_of)


def _module(source):
    """The functions of ``source``, imported from a file of their own (the decorator reads the source)."""
    return imported(textwrap.dedent(source), "molecular_hunt")


def _wanted(func, args, wrt, dout):
    return finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (dout,))


def _float_positions(args):
    return [k for k, a in enumerate(args) if k in float_positions(args)
            or isinstance(a, list) and np.asarray(a).dtype.kind == "f"]


def assert_right(source, args, name="f", wrt=None, dout=1.0):
    """generate without shapes, with shapes (where every argument is a number or an array) and the
    decorator all give the gradients central differences give, for the parameters at ``wrt`` (by
    default those holding floats)."""
    import inspect  # noqa: PLC0415

    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = _module(source)[name]
    positions = _float_positions(args) if wrt is None else wrt
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = _wanted(func, args, positions, dout)
    ways = [None, shapes_of(func, args)]
    for shapes in ways[:1] + [s for s in ways[1:] if s]:
        got = generated_backward(source, args, name, shapes, names, dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
    copies = fresh_args(args)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*copies, dout=dout)
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, args, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(textwrap.dedent(source), name=name)


def _lattice(n, d, a=1.3, seed=0):
    """n positions in d dimensions on a jittered lattice of spacing a: every pair well apart."""
    import itertools  # noqa: PLC0415

    side = int(np.ceil(n ** (1.0 / d))) + 1
    points = np.array(list(itertools.product(range(side), repeat=d))[:n], dtype=float) * a
    return points + np.random.default_rng(seed).uniform(-0.08, 0.08, points.shape)


def _rows(points):
    return [[float(v) for v in row] for row in points]


# ---------------------------------------------------------------- plain Python over lists of rows


def test_pairs_over_the_rest_of_a_list_of_rows():
    """for b in coords[i + 1:] reaches the empty slice at the last i, whose gradient's zeros lost the
    rows' length: adding it into the gradient of coords[n:] broadcast (0, 3) against (0,)."""
    source = '''
    import math
    def lj(coords, eps=1.0, sigma=1.0):
        e = 0.0
        for i, a in enumerate(coords):
            for b in coords[i + 1:]:
                r2 = sum((p - q) ** 2 for p, q in zip(a, b))
                s6 = (sigma * sigma / r2) ** 3
                e += 4 * eps * (s6 * s6 - s6)
        return e
    '''
    assert_right(source, [_rows(_lattice(4, 3))], name="lj")


def test_bodies_as_tuples_paired_with_the_rest():
    source = '''
    import math
    def pe(bodies, G=1.0, soft=0.1):
        total = 0.0
        for i, (xi, yi, mi) in enumerate(bodies):
            for xj, yj, mj in bodies[i + 1:]:
                r = math.sqrt((xi - xj) ** 2 + (yi - yj) ** 2 + soft ** 2)
                total -= G * mi * mj / r
        return total
    '''
    masses = [1.2, 0.7, 1.9, 1.1]
    bodies = [(float(p[0]), float(p[1]), m) for p, m in zip(_lattice(4, 2), masses)]
    assert_right(source, [bodies], name="pe")


# ---------------------------------------------------------------- diagonals written with np.inf


def test_embedding_density_in_its_decay_rate_over_an_infinite_diagonal():
    """np.fill_diagonal(dist, np.inf) then np.exp(-beta * dist): the slope of -beta * dist in beta is
    dist, infinite on the diagonal, where the exponential's upstream is 0; inf * 0 made the gradient in
    beta nan, where its true value is finite (the diagonal does not depend on beta at all)."""
    source = '''
    def eam(r, A, beta):
        d = r[:, None, :] - r[None, :, :]
        dist = np.linalg.norm(d, axis=-1)
        np.fill_diagonal(dist, np.inf)
        rho = np.sum(np.exp(-beta * dist), axis=1)
        return -A * np.sum(np.sqrt(rho))
    '''
    assert_right(source, [_lattice(4, 3), 1.0, 2.0], name="eam")


def test_morse_width_over_an_infinite_diagonal():
    source = '''
    def morse(r, D, a, r0):
        d = r[:, None, :] - r[None, :, :]
        dist = np.sqrt(np.sum(d ** 2, axis=-1))
        np.fill_diagonal(dist, np.inf)
        y = np.exp(-a * (dist - r0))
        return 0.5 * D * np.sum(y * y - 2 * y)
    '''
    assert_right(source, [_lattice(4, 3), 1.0, 1.5, 1.2], name="morse")


def test_screened_coulomb_length_with_the_diagonal_masked_to_inf():
    source = '''
    def yukawa(r, q, kappa):
        n = len(q)
        d = r[:, None, :] - r[None, :, :]
        dist = np.sqrt(np.sum(d ** 2, axis=-1))
        dist[np.eye(n, dtype=bool)] = np.inf
        qq = q[:, None] * q[None, :]
        return 0.5 * np.sum(qq * np.exp(-kappa * dist) / dist)
    '''
    assert_right(source, [_lattice(4, 3), np.array([0.5, -0.3, 0.8, -1.0]), 0.5], name="yukawa")


def test_gaussian_width_with_the_diagonal_chosen_infinite():
    source = '''
    def f(r, s):
        n = r.shape[0]
        d = r[:, None, :] - r[None, :, :]
        dist = np.sqrt(np.sum(d ** 2, axis=-1))
        dist = np.where(np.eye(n, dtype=bool), np.inf, dist)
        return np.sum(np.exp(-s * dist * dist))
    '''
    assert_right(source, [_lattice(4, 2), 0.7])


def test_pair_distances_from_a_helper_that_writes_inf_on_the_diagonal():
    """The infinity is written in the helper; the product -beta * r reading its result is the caller's."""
    source = '''
    def pair_dist(x):
        d = x[:, None, :] - x[None, :, :]
        r = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(r, np.inf)
        return r

    def f(x, beta):
        r = pair_dist(x)
        return np.sum(np.exp(-beta * r))
    '''
    assert_right(source, [_lattice(5, 3), 1.5])


def test_fermi_switch_over_an_infinite_diagonal():
    """np.exp((r - rc) / w) is infinite on the diagonal, and so is its slope, where the upstream of the
    switch 1 / (1 + exp) is 0: the gradient in w and rc was inf * 0."""
    source = '''
    def f(x, rc, w):
        d = x[:, None, :] - x[None, :, :]
        r = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(r, np.inf)
        s = 1.0 / (1.0 + np.exp((r - rc) / w))
        return np.sum(s * r ** -6)
    '''
    assert_right(source, [_lattice(5, 3), 2.0, 0.3])


def test_decorated_potential_reading_a_module_constant_set_to_np_inf():
    """The decorator reads the module's numbers as literals: an infinity's was 'inf', a name Python does
    not know, so the staged forward failed; it is 1e999 now, and the products reading it are guarded."""
    source = '''
    import numpy as np

    BIG = np.inf

    def f(x, beta):
        d = x[:, None, :] - x[None, :, :]
        r = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(r, BIG)
        return np.sum(np.exp(-beta * r))
    '''
    func = _module(source)["f"]
    args = [_lattice(5, 3), 1.5]
    with np.errstate(all="ignore"):
        got = backgen.backward(func).backward(*fresh_args(args))
    for g, w in zip(got, _wanted(func, args, [0, 1], 1.0)):
        assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)
    assert_right(source, args)  # (generate reads BIG = np.inf as the module's number too)


# ---------------------------------------------------------------- writes into distance matrices


def test_distance_matrix_mirrored_through_triu_indices():
    """D[j, i] = D[i, j] with i, j = np.triu_indices(n, 1): an index by arrays of integers copies the
    value read, so nothing shares memory with D as it is written (it was refused as if it did)."""
    source = '''
    def f(x, beta):
        n = len(x)
        i, j = np.triu_indices(n, 1)
        D = np.full((n, n), np.inf)
        D[i, j] = np.linalg.norm(x[i] - x[j], axis=1)
        D[j, i] = D[i, j]
        return 0.5 * np.sum(np.exp(-beta * D))
    '''
    assert_right(source, [_lattice(5, 3), 0.9])


def test_energies_stored_in_the_upper_triangle_and_mirrored():
    source = '''
    def f(x):
        n = len(x)
        rows, cols = np.tril_indices(n, -1)
        E = np.zeros((n, n))
        r = np.linalg.norm(x[rows] - x[cols], axis=1)
        E[rows, cols] = 4 * (r ** -12 - r ** -6)
        E[cols, rows] = E[rows, cols]
        return 0.5 * E.sum()
    '''
    assert_right(source, [_lattice(5, 3)])


def test_diagonal_set_to_inf_one_entry_at_a_time_in_a_loop():
    """for i in range(n): r[i, i] = np.inf: the infinity is in the value the loop carries out."""
    source = '''
    def f(x, beta):
        n = len(x)
        d = x[:, None, :] - x[None, :, :]
        r = np.sqrt(np.sum(d ** 2, -1))
        for i in range(n):
            r[i, i] = np.inf
        return np.sum(np.exp(-beta * r))
    '''
    assert_right(source, [_lattice(5, 3), 0.8])


@pytest.mark.parametrize("fill", ["1e999", "float('inf')", "-(-np.inf)"])
def test_diagonal_filled_with_an_infinity_however_spelled(fill):
    """A literal too large for a float (1e999) is inf, whose repr, inf, named nothing when the staged forward
    ran; float('inf') and arithmetic on np.inf hold one too, and the products reading it are guarded."""
    source = f'''
    def f(x, beta):
        d = x[:, None, :] - x[None, :, :]
        r = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(r, {fill})
        return np.sum(np.exp(-beta * r))
    '''
    assert_right(source, [_lattice(4, 3), 1.2])


def test_decorated_scalar_minimum_started_at_inf_imported_from_math():
    """best = inf (from math import inf), then min(best, r) over a loop: the decorator read inf as the text
    inf, which named nothing when the staged forward ran."""
    source = '''
    from math import exp, inf

    def f(xs, beta):
        best = inf
        for x in xs:
            best = min(best, x * x + 1.0)
        return exp(-beta * best) + best
    '''
    func = _module(source)["f"]
    args = [[0.5, -0.3, 0.9], 1.2]
    got = backgen.backward(func).backward(*fresh_args(args))
    for g, w in zip(got, _wanted(func, args, [0, 1], 1.0)):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def test_plain_python_soft_minimum_started_at_a_literal_infinity():
    """r = 1e999, then a soft minimum of the distances: -r / gamma is -inf at the first step, whose
    exponential is 0, and the quotient's slope in gamma infinite there; the guard that writes its
    contribution 0 where its upstream is 0 is taken for 1e999 as for math.inf."""
    source = '''
    import math
    def f(xs, gamma):
        r = 1e999
        for x in xs:
            r = -gamma * math.log(math.exp(-r / gamma) + math.exp(-x / gamma))
        return r
    '''
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = _module(source)["f"]
    args = [[1.3, 0.8, 1.7], 1.2]
    got = generated_backward(source, args, "f", None, ("xs", "gamma"), 1.0)
    for g, w in zip(got, _wanted(func, args, [0, 1], 1.0)):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
