"""Geometry, robotics, graphics and vision code as people write it: meshes given as vertex arrays and
integer edge or face arrays (unpacked into their columns, transposed, iterated pair by pair), vectors
crossed along an axis of their own, angles converted by ``map`` before spherical trigonometry.

Each case is checked against central finite differences in float64 (``numeric``, through
``every_way``: ``generate`` without shapes, with shapes, and the decorator with its default ``wrt``),
or asserted refused with a ``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

import backgen
from every_way import every_way, forward, generated
from numeric import check_gradients

RNG = np.random.default_rng(11)

# A ring of six vertices with chords: vertices 0 and 2 are ends of three edges each (indices repeat).
EDGES = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 0]])
FACES = np.array([[0, 1, 2], [0, 2, 3], [3, 4, 5], [1, 4, 2]])


def _verts(n=6, d=3):
    return RNG.normal(size=(n, d))


# --- integer edge arrays: the columns of a transpose, whose items repeat ---------------------------

TRANSPOSED_ENDS = '''
import numpy as np

def spring(verts, edges):
    ends = edges.T
    a = ends[0]
    b = ends[1]
    return np.sum((verts[a] - verts[b]) ** 2)
'''


def test_items_of_transposed_labels_scatter_with_repeats(tmp_path):
    # without shapes the edge array was sampled as a vector, whose items are numbers: the backward wrote
    # dverts[b] = ... and dverts[a] += ..., which drop all but one contribution of a vertex that ends
    # several edges (a wrong gradient); np.add.at adds every one
    backward = generated(TRANSPOSED_ENDS, "spring")
    args = [_verts(), EDGES]
    namespace = {}
    exec(TRANSPOSED_ENDS, namespace)
    check_gradients(backward(*args), namespace["spring"], args, [0])
    every_way(TRANSPOSED_ENDS, "spring", args, {"verts": "V, 3", "edges": "int E, 2"}, tmp_path, wrt=[0])


def test_unpacked_transpose_of_edges(tmp_path):
    # a, b = edges.T: refused without shapes (edges sampled as floats), and the decorator's default wrt
    # took edges for a parameter to differentiate ("'edges' is integer ... leave it out of wrt")
    every_way('''
        import numpy as np

        def edge_energy(verts, edges):
            a, b = edges.T
            return np.sum(np.linalg.norm(verts[a] - verts[b], axis=-1) ** 2)
    ''', "edge_energy", [_verts(), EDGES], {"verts": "V, 3", "edges": "int E, 2"}, tmp_path, wrt=[0])


def test_columns_unpacked_from_a_tuple(tmp_path):
    every_way('''
        import numpy as np

        def edge_energy(verts, edges):
            i, j = edges[:, 0], edges[:, 1]
            lengths = np.sqrt(((verts[i] - verts[j]) ** 2).sum(axis=1))
            return np.var(lengths)
    ''', "edge_energy", [_verts(), EDGES], {"verts": "V, 3", "edges": "int E, 2"}, tmp_path, wrt=[0])


def test_column_bound_to_a_name(tmp_path):
    every_way('''
        import numpy as np

        def laplacian(V, edges):
            i = edges[:, 0]
            j = edges[:, 1]
            n = V.shape[0]
            deg = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
            nb = np.zeros_like(V)
            np.add.at(nb, i, V[j])
            np.add.at(nb, j, V[i])
            return np.sum((V - nb / deg[:, None]) ** 2)
    ''', "laplacian", [_verts(), EDGES], {"V": "V, 3", "edges": "int E, 2"}, tmp_path, wrt=[0])


def test_edges_iterated_pair_by_pair(tmp_path):
    every_way('''
        import numpy as np

        def f(V, edges):
            e = 0.0
            for (i, j) in edges:
                d = V[i] - V[j]
                e += np.sqrt(d @ d)
            return e
    ''', "f", [_verts(), EDGES], {"V": "V, 3", "edges": "int E, 2"}, tmp_path, wrt=[0])


def test_faces_iterated_corner_by_corner(tmp_path):
    every_way('''
        import numpy as np

        def area(V, F):
            A = 0.0
            for a, b, c in F:
                A += 0.5 * np.linalg.norm(np.cross(V[b] - V[a], V[c] - V[a]))
            return A
    ''', "area", [_verts(), FACES], {"V": "V, 3", "F": "int F, 3"}, tmp_path, wrt=[0])


def test_arap_edges_unpacked(tmp_path):
    every_way('''
        import numpy as np

        def arap(V, V0, E, R):
            """As-rigid-as-possible energy, the rotations R (V, 3, 3) held fixed."""
            i, j = E[:, 0], E[:, 1]
            e = V[i] - V[j]
            e0 = V0[i] - V0[j]
            re0 = (R[i] @ e0[:, :, None])[:, :, 0]
            return np.sum((e - re0) ** 2)
    ''', "arap", [_verts(), _verts(), EDGES, np.eye(3) + 0.1 * RNG.normal(size=(6, 3, 3))],
        {"V": "V, 3", "V0": "V, 3", "E": "int E, 2", "R": "V, 3, 3"}, tmp_path, wrt=[0, 1, 3], free=False)


def test_edges_unpacked_in_a_loop(tmp_path):
    every_way('''
        import numpy as np

        def arap(V, V0, E, R, w):
            total = 0.0
            for k in range(len(E)):
                i, j = E[k]
                d = (V[i] - V[j]) - R[i] @ (V0[i] - V0[j])
                total += w[k] * np.dot(d, d)
            return total
    ''', "arap", [_verts(), _verts(), EDGES, np.eye(3) + 0.1 * RNG.normal(size=(6, 3, 3)), RNG.uniform(0.5, 1.5, 7)],
        {"V": "V, 3", "V0": "V, 3", "E": "int E, 2", "R": "V, 3, 3", "w": "E"}, tmp_path, wrt=[0, 1, 3, 4],
        free=False)


# --- faces indexed by columns beside np.cross: labels of two axes ----------------------------------

@pytest.mark.parametrize("body", [
    "v0, v1, v2 = V[F[:, 0]], V[F[:, 1]], V[F[:, 2]]\n"
    "    return 0.5 * np.linalg.norm(np.cross(v1 - v0, v2 - v0), axis=1).sum()",
    "n = np.cross(V[F[:, 1]] - V[F[:, 0]], V[F[:, 2]] - V[F[:, 0]])\n"
    "    return np.sum(n / np.linalg.norm(n, axis=1, keepdims=True) * V[F[:, 0]])",
    "a, b, c = V[F[:, 0]], V[F[:, 1]], V[F[:, 2]]\n"
    "    return np.sum(np.einsum('ij,ij->i', a, np.cross(b, c))) / 6.0",
])
def test_faces_with_cross_products_without_shapes(body, tmp_path):
    # the faces were sampled as vectors only where np.cross asks for 3-vectors: F[:, 0] raised and the
    # code was refused without shapes
    every_way(f'''
import numpy as np

def mesh(V, F):
    {body}
''', "mesh", [_verts(), FACES], {"V": "V, 3", "F": "int F, 3"}, tmp_path, wrt=[0])


# --- np.cross along another axis ------------------------------------------------------------------

CROSS_AXIS = '''
import numpy as np

def torque(r, F):
    return np.sum(np.cross(r, F, axis=0) ** 2 * np.arange(1.0, 4.0)[:, None])
'''


@pytest.mark.parametrize("call", ["np.cross(r, F, axis=0)", "np.cross(r, F, axisa=0, axisb=0, axisc=0)"])
def test_cross_along_the_first_axis(call, tmp_path):
    # the decorator raised "backgen's rule for `np.cross(a, b, axis=0)` states a result of shape no
    # shape ... this is an error in backgen"; with shapes it was refused
    source = CROSS_AXIS.replace("np.cross(r, F, axis=0)", call)
    every_way(source, "torque", [RNG.normal(size=(3, 5)), RNG.normal(size=(3, 5))],
              {"r": "3, N", "F": "3, N"}, tmp_path, free=False)


def test_cross_along_the_first_axis_needs_shapes():
    with pytest.raises(backgen.BackgenError, match="the shapes of r, F are needed"):
        backgen.generate(CROSS_AXIS)


def test_cross_along_the_first_axis_broadcast_refused():
    with pytest.raises(backgen.BackgenError, match="for a and b of one shape"):
        backgen.generate(CROSS_AXIS, shapes={"r": "3, N", "F": "3"})


# --- map unpacked at once --------------------------------------------------------------------------

def test_map_unpacked_into_names(tmp_path):
    # a, b = map(radians, [a, b]) was refused as a generator expression read later than written
    every_way('''
        from math import radians, sin, cos, asin, sqrt

        def haversine(lat1, lon1, lat2, lon2):
            lat1, lon1, lat2, lon2 = map(radians, [lat1, lon1, lat2, lon2])
            dlat = lat2 - lat1
            dlon = lon2 - lon1
            a = sin(dlat / 2) ** 2 + cos(lat1) * cos(lat2) * sin(dlon / 2) ** 2
            return 2 * 6371 * asin(sqrt(a))
    ''', "haversine", [30.0, 10.0, 40.0, 35.0],
        {"lat1": "float", "lon1": "float", "lat2": "float", "lon2": "float"}, tmp_path)


def test_generator_unpacked_into_names(tmp_path):
    every_way('''
        import math

        def f(x, y, z):
            a, b, c = (math.tanh(v) for v in (x, y, z))
            return a * b + c
    ''', "f", [0.3, -0.4, 0.8], {"x": "float", "y": "float", "z": "float"}, tmp_path)


def test_generator_kept_for_later_still_refused():
    with pytest.raises(backgen.BackgenError, match="generator expression is read as it is iterated"):
        backgen.generate('''
import math

def f(x, y):
    g = (math.tanh(v) for v in (x, y))
    a, b = g
    return a * b
''')


# --- np.cross of 2-vectors: a number each --------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors are deprecated")  # (the forward's own np.cross)
@pytest.mark.parametrize("source, args, shapes", [
    ('''
import numpy as np

def distance(P, a, b):
    """Distances of the points P (N, 2) to the line through a and b."""
    d = b - a
    return np.sum(np.abs(np.cross(d, P - a)) / np.linalg.norm(d))
''', [RNG.normal(size=(5, 2)) + np.array([0.0, 2.0]), np.array([0.0, 0.0]), np.array([1.0, 0.1])],
     {"P": "N, 2", "a": "2", "b": "2"}),
    ('''
import numpy as np

def signed_areas(V, F):
    e1 = V[F[:, 1]] - V[F[:, 0]]
    e2 = V[F[:, 2]] - V[F[:, 0]]
    return np.sum(0.5 * np.cross(e1, e2) ** 2)
''', [RNG.normal(size=(6, 2)), FACES], {"V": "V, 2", "F": "int F, 3"}),
    ('''
import numpy as np

def turn(u, v):
    return np.sum(np.arctan2(np.cross(u, v), np.dot(u, v)))
''', [np.array([1.0, 0.2]), np.array([0.3, 0.9])], {"u": "2", "v": "2"}),
    ('''
import numpy as np

def f(P, q):
    return np.sum(np.cross(P[:, None, :], q[None, :, :]) ** 2)
''', [RNG.normal(size=(4, 2)), RNG.normal(size=(3, 2))], {"P": "N, 2", "q": "M, 2"}),
])
def test_cross_of_2_vectors(source, args, shapes, tmp_path):
    # refused with shapes and by the decorator ("np.cross is differentiated for 3-vectors"); without
    # shapes the backward raised NumPy's "incompatible dimensions for cross product" as it ran
    wrt = [k for k, a in enumerate(args) if a.dtype.kind == "f"]
    name = source.split("def ")[1].split("(")[0]
    every_way(source, name, args, shapes, tmp_path, wrt=wrt)


# --- and/or of comparisons assigned to a name: a flag ---------------------------------------------

INSIDE = '''
import math

def f(u, v):
    inside = 0.0 <= u <= 1.0 and 0.0 <= v <= 1.0 - u
    if inside:
        return u * v
    return -math.hypot(u, v)
'''


@pytest.mark.parametrize("u, v", [(0.3, 0.4), (0.8, 0.6), (-0.2, 0.5)])
def test_and_of_comparisons_assigned(u, v, tmp_path):
    # refused: "boolean operators (and/or) are not supported" (in an if's test they were)
    every_way(INSIDE, "f", [u, v], {"u": "float", "v": "float"}, tmp_path)


@pytest.mark.parametrize("o", [np.array([0.1, 0.05, -5.0]), np.array([3.0, 0.05, -5.0])])
def test_or_and_not_of_comparisons_assigned(o, tmp_path):
    every_way('''
        import numpy as np

        def hit(o, d, r):
            b = np.dot(o, d)
            disc = b * b - (np.dot(o, o) - r * r)
            missed = disc < 0 or not (b < 0)
            return 0.0 * r if missed else -b - np.sqrt(disc)
    ''', "hit", [o, np.array([0.02, 0.01, 1.0]), 1.0], {"o": "3", "d": "3", "r": "float"}, tmp_path)


# --- faces given as a list of lists of integers (as read from a file) -----------------------------

FACE_LISTS = [[0, 1, 2], [0, 2, 3], [3, 4, 5], [1, 4, 2]]


@pytest.mark.parametrize("body", [
    "    total = 0.0\n    for face in faces:\n        p = V[face]\n"
    "        total += np.linalg.norm(np.cross(p[1] - p[0], p[2] - p[0]))\n    return total\n",
    "    t = 0.0\n    for i, j, k in faces:\n        t = t + np.sum((V[i] - V[j]) * (V[k] - V[j]))\n    return t\n",
    "    return np.sum(V[faces] ** 2 * np.arange(1.0, 4.0))\n",
    "    F = np.array(faces)\n    return np.sum(V[F[:, 0]] * V[F[:, 1]])\n",
])
def test_faces_as_lists_of_integers_by_the_decorator(body, tmp_path):
    # refused ("a list of arrays is used whole here", "faces is given a list of lists of numbers, used
    # whole here"): the list was read as a structure of arrays; with np.array(faces) read into an index,
    # faces was then differentiated and the backward multiplied the list by a float
    source = "import numpy as np\n\ndef mesh(V, faces):\n" + body
    func = forward(source, "mesh", tmp_path)
    args = [_verts(), FACE_LISTS]
    check_gradients(backgen.backward(func).backward(*args), func, args, [0])


# --- energies inverting each triangle's edge matrix: integer samples that pick distinct corners ----

@pytest.mark.parametrize("source, args, shapes", [
    ('''
import numpy as np

def energy(x, X, tri):
    """Neo-Hookean energy of a triangle mesh deformed from X to x."""
    mu, lam = 1.0, 1.0
    total = 0.0
    for t in tri:
        Ds = np.column_stack([x[t[1]] - x[t[0]], x[t[2]] - x[t[0]]])
        Dm = np.column_stack([X[t[1]] - X[t[0]], X[t[2]] - X[t[0]]])
        F = Ds @ np.linalg.inv(Dm)
        J = np.linalg.det(F)
        total += 0.5 * mu * (np.sum(F * F) - 2) - mu * np.log(J) + 0.5 * lam * np.log(J) ** 2
    return total
''', [np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]) + 0.05 * RNG.normal(size=(4, 2)),
      np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([[0, 1, 2], [1, 3, 2]])],
     {"x": "V, 2", "X": "V, 2", "tri": "int T, 3"}),
    ('''
import numpy as np

def energy(x, Dm_inv, T):
    """Symmetric Dirichlet energy."""
    E = 0.0
    for t in range(T.shape[0]):
        i, j, k = T[t]
        Fm = np.column_stack((x[j] - x[i], x[k] - x[i])) @ Dm_inv[t]
        E += np.sum(Fm ** 2) + np.sum(np.linalg.inv(Fm) ** 2)
    return E
''', [np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]) + 0.05 * RNG.normal(size=(4, 2)),
      np.stack([np.eye(2), 1.1 * np.eye(2)]), np.array([[0, 1, 2], [1, 3, 2]])],
     {"x": "V, 2", "Dm_inv": "T, 2, 2", "T": "int T, 3"}),
])
def test_triangle_energies_with_shapes(source, args, shapes, tmp_path):
    # refused with shapes: "could not run the staged forward ... LinAlgError: Singular matrix", the
    # sample triangles all of corner 0
    wrt = [k for k, a in enumerate(args) if a.dtype.kind == "f"]
    every_way(source, "energy", args, shapes, tmp_path, wrt=wrt, free=False)


def test_items_of_arithmetic_on_labels_scatter_with_repeats(tmp_path):
    # nxt = (edges + 1) % 4 without shapes: nxt[0], a number where edges were the samples' vectors, was
    # scattered back with dverts[nxt[0]] += ..., keeping one contribution of each vertex named twice
    source = '''
import numpy as np

def f(verts, edges):
    nxt = (edges + 1) % 4
    return np.sum(verts[nxt[0]] * verts[edges[1]])
'''
    args = [RNG.normal(size=(4, 3)), np.array([[0, 1, 0, 2], [1, 2, 2, 1]])]
    namespace = {}
    exec(source, namespace)
    check_gradients(generated(source, "f")(*args), namespace["f"], args, [0])


def test_reduction_of_labels_along_an_axis_scatters_with_repeats():
    # i = np.max(edges, axis=0) without shapes: a number at the samples' vectors of labels, a row of
    # them (which repeat) for edges of two axes, scattered back with dverts[i] += ...
    source = '''
import numpy as np

def f(verts, edges):
    i = np.max(edges, axis=0)
    return np.sum(verts[i] ** 3) + np.sum(verts[edges[0]])
'''
    args = [RNG.normal(size=(4, 3)), np.array([[0, 1, 0, 2], [1, 0, 1, 2]])]
    namespace = {}
    exec(source, namespace)
    check_gradients(generated(source, "f")(*args), namespace["f"], args, [0])


def test_place_of_an_extreme_stays_a_number():
    text = backgen.generate('''
import numpy as np

def f(x, w):
    k = np.argmax(w)
    return np.sum(x[k] ** 2)
''')
    assert "np.add.at" not in text and "dx[k] = " in text


@pytest.mark.parametrize("body", [
    "    E = np.concatenate([F[:, [0, 1]], F[:, [1, 2]], F[:, [2, 0]]], axis=0)\n"
    "    d = V[E[:, 0]] - V[E[:, 1]]\n    return np.sum(np.sqrt(np.sum(d ** 2, axis=1)))\n",
    "    E = np.concatenate([F[:, [0, 1]], F[:, [1, 2]], F[:, [2, 0]]], axis=0)\n"
    "    E = np.unique(np.sort(E, axis=1), axis=0)\n    d = V[E[:, 0]] - V[E[:, 1]]\n    return np.sum(d ** 2)\n",
    "    E = np.vstack([F[:, :2], F[:, 1:], F[:, ::2]])\n    i, j = E[:, 0], E[:, 1]\n"
    "    return np.sum((V[i] - V[j]) ** 2)\n",
    "    t = 0.0\n    for e in F:\n        i, j = int(e[0]), int(e[1])\n        t = t + np.sum((V[i] - V[j]) ** 2)\n"
    "    return t\n",
])
def test_edges_made_of_faces(body, tmp_path):
    # the decorator's default wrt took F, the faces the edges are made of, for a parameter to
    # differentiate ("'F' is integer (int64): it carries no gradient; leave it out of wrt")
    source = "import numpy as np\n\ndef mesh(V, F):\n" + body
    func = forward(source, "mesh", tmp_path)
    args = [_verts(), FACES]
    check_gradients(backgen.backward(func).backward(*args), func, args, [0])
    check_gradients(generated(source, "mesh", {"V": "V, 3", "F": "int F, 3"})(*args), func, args, [0])


def test_weights_written_at_edges_without_shapes():
    # A[E[:, 0], E[:, 1]] = w was refused without shapes: the edges were tried as vectors beside
    # parameters of mixed ranks, and of two axes only beside parameters of their own rank
    source = '''
import numpy as np

def f(w, E, x):
    n = len(x)
    W = np.zeros((n, n))
    W[E[:, 0], E[:, 1]] = w
    W[E[:, 1], E[:, 0]] = w
    L = np.diag(W.sum(axis=1)) - W
    return x @ L @ x
'''
    args = [RNG.uniform(0.5, 1.5, 5), np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 0]]), RNG.normal(size=4)]
    namespace = {}
    exec(source, namespace)
    check_gradients(generated(source, "f")(*args, 1.0), namespace["f"], args, [0, 2])


@pytest.mark.parametrize("source", ['''
import numpy as np

def d(V, i, j):
    return V[i] - V[j]

def f(V, E):
    return np.sum(d(V, E[0], E[1]) ** 2)
''', '''
import numpy as np

def gather(V, idx):
    return V[idx]

def f(V, E):
    a, b = E
    return np.sum((gather(V, a) - gather(V, b)) ** 3)
'''])
def test_helper_indexing_with_rows_of_labels(source):
    # without shapes a helper's index parameter, a number at the samples' vectors of labels, was
    # scattered back with dV[i] += ... (or dV[idx] = ...): rows of labels of two axes repeat
    args = [RNG.normal(size=(4, 3)), np.array([[0, 1, 0, 2], [1, 0, 1, 2]])]
    namespace = {}
    exec(source, namespace)
    check_gradients(generated(source, "f")(*args), namespace["f"], args, [0])


def test_edges_iterated_as_a_list_of_indices(tmp_path):
    # for i, j in E.tolist() was refused everywhere: "unknown method .tolist()"
    every_way('''
        import numpy as np

        def f(V, E):
            t = 0.0
            for i, j in E.tolist():
                t = t + np.sum((V[i] - V[j]) ** 2)
            return t
    ''', "f", [_verts(), EDGES], {"V": "V, 3", "E": "int E, 2"}, tmp_path, wrt=[0])


def test_tolist_items_read_otherwise_still_refused():
    with pytest.raises(backgen.BackgenError, match="tolist"):
        backgen.generate('''
import numpy as np

def f(V, P):
    t = 0.0
    for x, y in P.tolist():
        t = t + x * y
    return t + np.sum(V)
''', shapes={"V": "N", "P": "M, 2"})


def test_rows_of_indices_and_values_unpacked():
    # for (i, j, r) in ratings: P[i] @ Q[j] was refused without shapes (ratings sampled as floats,
    # "arrays used as indices must be of integer"), where for row in ratings: P[row[0]] was not
    source = '''
import numpy as np

def f(P, Q, ratings):
    loss = 0.0
    for (i, j, r) in ratings:
        loss += (r - P[i] @ Q[j]) ** 2
    return loss
'''
    namespace = {}
    exec(source, namespace)
    backward = generated(source, "f")
    P, Q = RNG.normal(size=(4, 2)), RNG.normal(size=(5, 2))
    for ratings in (np.array([[0, 1, 3], [2, 4, 1], [0, 1, 2], [3, 0, 5]]), [(0, 1, 3.5), (2, 4, 1.0), (0, 1, 2.2)]):
        check_gradients(backward(P, Q, ratings), namespace["f"], [P, Q, ratings], [0, 1])


def test_an_index_computed_through_many_shared_values_is_written_at_once():
    # each value read twice by the next ones (a Fibonacci-like chain of 30): walked path by path, the
    # question whether the index may hold rows of labels, or is surely a number, took time doubling with
    # each value
    lines = ["import numpy as np", "", "def f(V, E):", "    a = np.argmax(V[:, 0])", "    b = E[0]"]
    older, old = "a", "b"
    for k in range(30):
        lines.append(f"    c{k} = {old} + {older}")
        older, old = old, f"c{k}"
    lines += [f"    i = {old} % 4", "    return np.sum(V[i] ** 2) + np.sum(V[E[0]])"]
    source = "\n".join(lines) + "\n"
    args = [RNG.normal(size=(4, 3)), np.array([[0, 1, 0, 2], [1, 0, 1, 2]])]
    namespace = {}
    exec(source, namespace)
    check_gradients(generated(source, "f")(*args, 1.0), namespace["f"], args, [0])
