"""Finite elements and structural mechanics as people write them: bars, trusses and beams assembled in
loops over elements (``K[np.ix_(dofs, dofs)] += ke``), the free degrees of freedom found with
``np.setdiff1d`` and ``np.union1d`` (top88's topology optimization), boundary conditions by deleting rows
or by penalty, displacements by ``np.linalg.solve``, compliance and strain energy with respect to element
areas, stiffnesses and node positions, and heat conduction on triangle meshes.

Each case is checked against central finite differences in float64 (``numeric``) by ``backgen.generate``
(with no shapes where the code can be read without them, and with shapes) and by the decorator, or
asserted refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, generated_backward, imported, shapes_of


def assert_right(source, args, name, wrt, shape_free=True):
    """The gradients with respect to the parameters at ``wrt`` match central differences: generated
    with shapes, without them (where ``shape_free``), and by the decorator."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "fem_hunt")[name]
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    want = finite_differences(lambda *v: func(*[a.copy() if isinstance(a, np.ndarray) else a for a in v]),
                              list(args), wrt, (1.0,))
    ways = ([None] if shape_free else []) + [shapes_of(func, args)]
    for shapes in ways:
        got = generated_backward(source, args, name, shapes, names)
        got = got if len(wrt) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
    got = backgen.backward(func, wrt=names).backward(*[a.copy() if isinstance(a, np.ndarray) else a
                                                       for a in args], dout=1.0)
    got = got if len(wrt) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


NODES = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.1]])
BARS = np.array([[0, 1], [1, 2], [3, 4], [4, 5], [0, 3], [1, 4], [2, 5], [0, 4], [1, 5]])
LOADS = np.zeros(12)
LOADS[[5, 10, 11]] = [-1.0, 0.3, -0.5]
AREAS = np.linspace(0.6, 1.4, 9)

TRUSS = '''
    def truss_stiffness(nodes, elems, A, E):
        ndof = 2 * nodes.shape[0]
        K = np.zeros((ndof, ndof))
        for e, (n1, n2) in enumerate(elems):
            dx = nodes[n2, 0] - nodes[n1, 0]
            dy = nodes[n2, 1] - nodes[n1, 1]
            L = np.sqrt(dx ** 2 + dy ** 2)
            c = dx / L
            s = dy / L
            k = E * A[e] / L * np.array([[c*c, c*s, -c*c, -c*s],
                                          [c*s, s*s, -c*s, -s*s],
                                          [-c*c, -c*s, c*c, c*s],
                                          [-c*s, -s*s, c*s, s*s]])
            dofs = [2*n1, 2*n1+1, 2*n2, 2*n2+1]
            K[np.ix_(dofs, dofs)] += k
        return K
'''


# ---------------------------------------------------------------- free degrees of freedom as sets


def test_top88_free_dofs_by_union_and_setdiff():
    """top88's fixed = np.union1d(...); free = np.setdiff1d(np.arange(ndof), fixed) was refused: the set
    operations had no rule, though of integers they are constants as np.unique's distinct labels are."""
    source = '''
    def compliance(x, penal=3.0):
        n = x.shape[0]
        ndof = n + 1
        E = 1e-3 + x ** penal * (1 - 1e-3)
        K = np.zeros((ndof, ndof))
        for e in range(n):
            edof = np.array([e, e + 1])
            K[np.ix_(edof, edof)] += E[e] * n * np.array([[1.0, -1.0], [-1.0, 1.0]])
        dofs = np.arange(ndof)
        fixed = np.union1d(dofs[0:1], np.array([0]))
        free = np.setdiff1d(dofs, fixed)
        f = np.zeros(ndof)
        f[-1] = 1.0
        u = np.zeros(ndof)
        u[free] = np.linalg.solve(K[free, :][:, free], f[free])
        return f @ u
    '''
    assert_right(source, [np.array([0.9, 0.5, 0.7, 0.6])], "compliance", [0])


def test_free_dofs_of_a_truss_by_setdiff():
    source = TRUSS + '''
    def compliance(nodes, elems, A, F):
        K = truss_stiffness(nodes, elems, A, 100.0)
        fixed = np.array([0, 1, 6, 7])
        free = np.setdiff1d(np.arange(K.shape[0]), fixed)
        Kff = K[free][:, free]
        uf = np.linalg.solve(Kff, F[free])
        return F[free] @ uf
    '''
    assert_right(source, [NODES, BARS, AREAS, LOADS], "compliance", [2], shape_free=False)


def test_set_operations_of_differentiated_values_refused():
    source = '''
    import numpy as np
    def f(x, y):
        return np.sum(np.intersect1d(x, y) ** 2)
    '''
    with pytest.raises(backgen.BackgenError, match="np.intersect1d is not differentiable"):
        backgen.generate(textwrap.dedent(source), shapes={"x": "5", "y": "3"})


# ---------------------------------------------------------------- connectivity given by its shape


def test_truss_compliance_with_connectivity_shapes_given():
    """With elems declared "int 9, 2", the sample connectivity leaves nodes no bar holds, its stiffness
    matrix is singular and np.linalg.solve raised on it: refused, though the code is right for every
    truss a user gives. The sample run now answers a singular system by the pseudo-inverse's shapes."""
    source = TRUSS + '''
    def compliance(nodes, elems, A, F, E=1.0):
        K = truss_stiffness(nodes, elems, A, E)
        free = np.arange(4, 12)
        u = np.zeros(12)
        u[free] = np.linalg.solve(K[np.ix_(free, free)], F[free])
        return F @ u
    '''
    assert_right(source, [NODES, BARS, AREAS, LOADS], "compliance", [0, 2], shape_free=False)


def test_heat_conduction_on_triangles_with_mesh_shapes_given():
    source = '''
    def heat_fem(k, p, t, Q):
        n = p.shape[0]
        K = np.zeros((n, n))
        f = np.zeros(n)
        for e, tri in enumerate(t):
            x = p[tri, 0]
            y = p[tri, 1]
            area = 0.5 * abs((x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]))
            b = np.array([y[1] - y[2], y[2] - y[0], y[0] - y[1]])
            c = np.array([x[2] - x[1], x[0] - x[2], x[1] - x[0]])
            Ke = k[e] / (4 * area) * (np.outer(b, b) + np.outer(c, c))
            K[np.ix_(tri, tri)] += Ke
            f[tri] += Q * area / 3
        free = np.array([1, 2, 4, 5])
        T = np.zeros(n)
        T[free] = np.linalg.solve(K[np.ix_(free, free)], f[free])
        return np.sum(T ** 2)
    '''
    tris = np.array([[0, 1, 4], [0, 4, 3], [1, 2, 5], [1, 5, 4]])
    assert_right(source, [np.array([0.8, 1.2, 1.1, 0.7]), NODES, tris, 1.0], "heat_fem", [0, 1, 3],
                 shape_free=False)


def test_a_singular_system_of_the_inputs_themselves_still_raises():
    """The pseudo-inverse answers only sample runs: the backward of a singular system given raises."""
    source = '''
    import numpy as np
    def f(K, b):
        return np.sum(np.linalg.solve(K, b))
    '''
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), shapes={"K": "3, 3", "b": "3"}), namespace)
    with pytest.raises(np.linalg.LinAlgError):
        namespace["f_backward"](np.ones((3, 3)), np.ones(3), 1.0)
    assert np.linalg.solve.__module__.startswith("numpy")


def test_spring_chain_assembled_over_its_stiffnesses_by_the_decorator():
    """The walk for shapes leaves the assembly loop after a few springs: the rest of K stayed zeros and
    np.linalg.solve raised on it, so the decorator refused the line of the solve at the sample shapes."""
    source = '''
    def chain(ks, f):
        n = len(ks)
        K = np.zeros((n, n))
        for i, k in enumerate(ks):
            K[i, i] += k
            if i > 0:
                K[i - 1, i - 1] += k
                K[i - 1, i] -= k
                K[i, i - 1] -= k
        u = np.linalg.solve(K, f)
        return np.sum(u ** 2)
    '''
    assert_right(source, [np.array([1.2, 0.8, 1.1, 0.9, 1.3]), np.array([0.3, -0.2, 0.5, 0.1, -0.4])],
                 "chain", [0, 1])


def test_node_coordinates_written_as_a_list_of_tuples():
    """nodes = [(0.0, 0.0), (1.0, 0.0), (0.5, 0.8)] was refused ("tuples are only supported as
    arguments of calls and in indexing"), though the same table as a list of lists was read."""
    source = '''
    def compliance(A, F):
        nodes = [(0.0, 0.0), (1.0, 0.0), (0.5, 0.8)]
        elements = [(0, 1), (1, 2), (0, 2)]
        K = np.zeros((6, 6))
        for e, (i, j) in enumerate(elements):
            (x1, y1), (x2, y2) = nodes[i], nodes[j]
            L = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
            c = (x2 - x1) / L
            s = (y2 - y1) / L
            v = np.array([-c, -s, c, s])
            dofs = [2 * i, 2 * i + 1, 2 * j, 2 * j + 1]
            K[np.ix_(dofs, dofs)] += A[e] / L * np.outer(v, v)
        free = [2, 4, 5]
        u = np.linalg.solve(K[np.ix_(free, free)], F)
        return u @ F
    '''
    assert_right(source, [np.array([0.9, 1.2, 0.7]), np.array([0.3, -0.5, 0.8])], "compliance", [0, 1])


def test_a_table_of_tuples_written_into_is_refused():
    source = '''
    import numpy as np
    def f(x):
        pts = [(0.0, 1.0), (2.0, -1.0)]
        pts[0] = (x[0], 3.0)
        return sum(a * b for a, b in pts)
    '''
    with pytest.raises(backgen.BackgenError, match="pts"):
        backgen.generate(textwrap.dedent(source))


def test_newton_solve_of_a_nonlinear_spring_system_without_shapes():
    """Only a singular matrix is answered by the pseudo-inverse in sample runs: the samples of other
    ranks (J of one axis: no square matrix) still raise, and the shapes come from the samples that hold."""
    source = '''
    def solve(k, f, tol=1e-12):
        u = np.zeros_like(f)
        for it in range(50):
            r = k * u + 0.1 * u ** 3 - f
            if np.linalg.norm(r) < tol:
                break
            J = np.diag(k + 0.3 * u ** 2)
            u = u - np.linalg.solve(J, r)
        return np.sum(u * f)
    '''
    assert_right(source, [np.array([1.2, 0.8, 1.4]), np.array([0.3, -0.6, 0.5])], "solve", [0, 1])
