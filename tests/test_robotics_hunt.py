"""Robotics and control code as people write it: exponential maps and Euler angles with small-angle or
singular-branch guards, a differential drive's straight-line branch, SE(2) logarithms and Newton IK steps
falling back to the pseudo-inverse; chains of link transforms (``T @= A``, ``np.linalg.multi_dot`` of the
list a loop fills); headings unwrapped (``np.unwrap``); discretized systems and twists through
``scipy.linalg.expm``; rotations through ``scipy.spatial.transform.Rotation``; orthogonality penalties
against ``np.eye(3)``; cumulative joint angles summed from slices of a list.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its float
parameters, by ``backgen.generate`` without shapes and with shapes and by the decorator, or asserted refused
with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, float_positions, fresh_args, imported


def _module(source):
    return imported(source, "robotics_hunt")


def _run(text, name, args, douts):
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    with np.errstate(all="ignore"):
        keywords = {"dout": douts[0]} if len(douts) == 1 else {f"dout{i + 1}": d for i, d in enumerate(douts)}
        return namespace[f"{name}_backward"](*fresh_args(args), **keywords)


def _shapes(names, args):
    return {n: "float" if isinstance(a, float) else ", ".join(map(str, a.shape)) for n, a in zip(names, args)
            if isinstance(a, (float, np.ndarray))}


def assert_right(source, args, name=None, wrt=None):
    """generate without shapes, with shapes, and the decorator give the gradients central differences give
    for the parameters at ``wrt`` (by default those holding floats)."""
    import inspect  # noqa: PLC0415

    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    namespace = _module(source)
    name = name or [n for n, v in namespace.items() if inspect.isfunction(v)][-1]
    func = namespace[name]
    params = list(inspect.signature(func).parameters)
    positions = float_positions(args) if wrt is None else wrt
    names = tuple(params[k] for k in positions)
    out = func(*fresh_args(args))
    rng = np.random.default_rng(0)
    douts = tuple(1.3 if np.ndim(o) == 0 else rng.uniform(-1, 1, np.shape(o))
                  for o in (out if isinstance(out, tuple) else (out,)))
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, douts)
    for shapes in (None, _shapes(params, args)):
        text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
        got = _run(text, name, args, douts)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=douts if len(douts) > 1 else douts[0])
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name=None, shapes=None):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name, shapes=shapes)


A = np.array


# ---------------------------------------------------------------- guards beside the main path


def test_exponential_map_with_a_small_angle_guard():
    """np.array of the rows of k raises at a matrix omega on the path past the guard: those ranks are the
    samples' failure, not the code's, and a vector omega writes the code."""
    assert_right('''
    def exp_so3(omega):
        theta = np.linalg.norm(omega)
        if theta < 1e-8:
            return np.eye(3)
        k = omega / theta
        K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
        R = np.eye(3) + math.sin(theta) * K + (1 - math.cos(theta)) * np.dot(K, K)
        return R
    ''', [A([0.3, -0.5, 0.4])])


def test_euler_angles_of_a_matrix_with_a_singular_branch():
    assert_right('''
    def rotationMatrixToEulerAngles(R):
        sy = math.sqrt(R[0, 0] * R[0, 0] + R[1, 0] * R[1, 0])
        singular = sy < 1e-6
        if not singular:
            x = math.atan2(R[2, 1], R[2, 2])
            y = math.atan2(-R[2, 0], sy)
            z = math.atan2(R[1, 0], R[0, 0])
        else:
            x = math.atan2(-R[1, 2], R[1, 1])
            y = math.atan2(-R[2, 0], sy)
            z = 0
        return np.array([x, y, z])
    ''', [A([[0.9, -0.3, 0.2], [0.35, 0.92, -0.1], [-0.25, 0.15, 0.95]])])


def test_differential_drive_with_a_straight_line_branch():
    assert_right('''
    def diff_drive(pose, wl, wr, r=0.05, L=0.3, dt=0.1):
        v = r * (wl + wr) / 2
        w = r * (wr - wl) / L
        x, y, th = pose
        if abs(w) < 1e-6:
            return np.array([x + v * dt * np.cos(th), y + v * dt * np.sin(th), th])
        R = v / w
        return np.array([x + R * (np.sin(th + w * dt) - np.sin(th)),
                         y - R * (np.cos(th + w * dt) - np.cos(th)),
                         th + w * dt])
    ''', [A([0.1, -0.2, 0.3]), 3.0, 5.0])


def test_quaternion_exponential_and_se2_logarithm():
    assert_right('''
    def quat_exp(v):
        theta = np.linalg.norm(v)
        if theta < 1e-12:
            return np.array([1.0, 0.0, 0.0, 0.0])
        return np.concatenate([[np.cos(theta)], np.sin(theta) * v / theta])
    ''', [A([0.3, -0.5, 0.4])])
    assert_right('''
    def se2_log(x, y, theta):
        if abs(theta) < 1e-9:
            return np.array([x, y, theta])
        A = np.sin(theta) / theta
        B = (1 - np.cos(theta)) / theta
        V_inv = np.array([[A, B], [-B, A]]) / (A * A + B * B)
        rho = V_inv @ np.array([x, y])
        return np.array([rho[0], rho[1], theta])
    ''', [0.4, -0.3, 0.6])


def test_newton_step_falling_back_to_the_pseudo_inverse():
    assert_right('''
    def ik_newton(q, target, L):
        a = np.cumsum(q)
        J = np.array([[-L[0] * np.sin(a[0]) - L[1] * np.sin(a[1]), -L[1] * np.sin(a[1])],
                      [L[0] * np.cos(a[0]) + L[1] * np.cos(a[1]), L[1] * np.cos(a[1])]])
        p = np.array([L[0] * np.cos(a[0]) + L[1] * np.cos(a[1]), L[0] * np.sin(a[0]) + L[1] * np.sin(a[1])])
        try:
            dq = np.linalg.solve(J, target - p)
        except np.linalg.LinAlgError:
            dq = np.linalg.pinv(J) @ (target - p)
        return q + dq
    ''', [A([0.3, 1.1]), A([0.4, -0.2]), A([0.9, 1.2])])


# ---------------------------------------------------------------- @= in a chain of transforms


def test_matmul_assigned_in_place_along_a_chain():
    """T @= R writes into T in place, as *= does: followed where T is its own array."""
    assert_right('''
    def rotz(t):
        return np.array([[np.cos(t), -np.sin(t), 0.0], [np.sin(t), np.cos(t), 0.0], [0.0, 0.0, 1.0]])

    def chain(q, Rs):
        T = np.eye(3)
        for i in range(len(q)):
            T @= rotz(q[i])
            T @= Rs[i]
        return np.trace(T)
    ''', [A([0.3, -0.4, 0.8]), np.random.default_rng(1).uniform(-1, 1, (3, 3, 3))], name="chain")


def test_matmul_assigned_in_place_into_a_parameter_alias_refused():
    assert_refused('''
    def f(A, B):
        T = A
        T @= B
        return A * 2.0
    ''', "@= writes into an array in place")


def test_unwrapped_headings():
    """np.unwrap adds whole periods, constant between the jumps: its gradient passes through."""
    assert_right('''
    def heading_changes(angles):
        return np.sum(np.diff(np.unwrap(angles)) ** 2)
    ''', [A([0.1, 1.5, 3.0, -2.8, -1.5])])


# ---------------------------------------------------------------- scipy.linalg.expm


def test_matrix_exponential_of_a_discretized_system():
    assert_right('''
    from scipy.linalg import expm

    def rollout_cost(A, B, x0, u, dt=0.1):
        Ad = expm(A * dt)
        x = x0
        J = 0.0
        for k in range(len(u)):
            x = Ad @ x + dt * B * u[k]
            J += x @ x
        return J
    ''', [A([[0.2, 1.0], [-1.5, -0.3]]), A([0.0, 1.0]), A([0.4, -0.2]), A([0.5, -0.1, 0.3])])


def test_matrix_exponential_of_twists_of_a_large_norm_and_of_a_stack():
    """A twist's exponential squared back from a scaled series; a stack's exponentials one by one."""
    assert_right('''
    import scipy.linalg

    def se3_exp(xi):
        w, v = xi[:3], xi[3:]
        M = np.zeros((4, 4))
        M[:3, :3] = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
        M[:3, 3] = v
        return scipy.linalg.expm(M) @ np.array([0.3, 0.2, -0.1, 1.0])
    ''', [A([0.4, -2.1, 1.3, 0.5, 1.0, -0.7])])
    assert_right('''
    from scipy.linalg import expm

    def f(As):
        return np.sum(expm(As) ** 2)
    ''', [np.random.default_rng(2).uniform(-1, 1, (2, 3, 3))])


# ---------------------------------------------------------------- np.linalg.multi_dot of a list filled in a loop


def test_multi_dot_of_the_links_transforms():
    """multi_dot of a list a loop fills is the fold of np.dot over it (a list written out was read before)."""
    assert_right('''
    def chain(q):
        Ts = []
        for t in q:
            c, s = np.cos(t), np.sin(t)
            Ts.append(np.array([[c, -s, 1.0], [s, c, 0.0], [0.0, 0.0, 1.0]]))
        T = np.linalg.multi_dot(Ts)
        return T[:2, 2]
    ''', [A([0.3, -0.7, 1.1])])


# ---------------------------------------------------------------- sample sizes made square for np.linalg


def test_orthogonality_penalty_against_a_written_identity():
    """R.T @ R - np.eye(3) fits the samples' last axis to 3; np.linalg.det then asks for a square matrix,
    which makes the other axis 3 too."""
    assert_right('''
    def ortho_loss(R):
        E = R.T @ R - np.eye(3)
        return np.sum(E ** 2) + (np.linalg.det(R) - 1.0) ** 2
    ''', [np.eye(3) + 0.1 * np.random.default_rng(3).uniform(-1, 1, (3, 3))])


# ---------------------------------------------------------------- a list of joint angles summed by slices


def test_cumulative_angles_summed_from_slices_of_a_list():
    """sum(q[:i + 1]) reads a list's slice as an array's: the backward takes q as the list it is given."""
    source = '''
    import math

    def fk(q, L):
        cum = [sum(q[:i + 1]) for i in range(len(q))]
        x = sum(l * math.cos(a) for l, a in zip(L, cum))
        y = sum(l * math.sin(a) for l, a in zip(L, cum))
        return x, y
    '''
    q, L = [0.2, 0.4, -0.3], [1.0, 0.7, 0.5]
    func = _module("import numpy as np\n" + textwrap.dedent(source))["fk"]
    douts = (1.3, -0.4)
    want = finite_differences(lambda *v: func(*v), [A(q), A(L)], [0, 1], douts)
    for shapes in (None, {"L": "3"}):
        got = _run(backgen.generate("import numpy as np\n" + textwrap.dedent(source), shapes=shapes), "fk",
                   [list(q), list(L)], douts)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- scipy's Rotation read as its matrices


def test_scipy_rotations_applied_composed_and_inverted():
    """from_rotvec (at the zero vector too), from_quat and from_euler (intrinsic, in degrees) read as their
    matrices: apply, inv, as_matrix and r1 * r2."""
    rng = np.random.default_rng(7)
    assert_right('''
    from scipy.spatial.transform import Rotation

    def cost(rotvec, t, X):
        rot = Rotation.from_rotvec(rotvec)
        return np.sum((rot.apply(X) + t) ** 2)
    ''', [A([0.1, -0.2, 0.05]), A([0.1, 0.2, 5.0]), rng.uniform(-1, 1, (4, 3))])
    assert_right('''
    import scipy.spatial.transform as sst

    def rel(q1, q2, angles):
        r1 = sst.Rotation.from_quat(q1)
        r2 = sst.Rotation.from_quat(q2)
        r3 = sst.Rotation.from_euler("ZYX", angles, degrees=True)
        return (r1.inv() * r2 * r3).as_matrix()
    ''', [A([0.2, -0.4, 0.5, 0.7]), A([-0.3, 0.1, 0.6, 0.6]), A([40.0, -25.0, 60.0])])
    assert_right('''
    from scipy.spatial.transform import Rotation as R

    def f(rotvecs, pts):
        return R.from_rotvec(rotvecs).apply(pts)
    ''', [np.vstack([np.zeros(3), rng.uniform(-1, 1, (2, 3))]), rng.uniform(-1, 1, (3, 3))])


@pytest.mark.parametrize("body, match", [
    ("r = R.from_rotvec(v)\n    return r", "read here as the object it is"),
    ("return R.from_rotvec(v).as_quat()", r"Rotation.as_quat\(\) is not supported"),
    ("return R.from_matrix(v).as_matrix()", "Rotation.from_matrix is not supported"),
    ("return R.from_euler('zYx', v).as_matrix()", "all lowercase"),
    ("return sum(R.from_euler('z', t).as_matrix() for t in v)", "in its own statement"),
])
def test_scipy_rotations_read_otherwise_refused(body, match):
    assert_refused(f"from scipy.spatial.transform import Rotation as R\n\ndef f(v):\n    {body}\n", match)


def test_scipy_extrinsic_euler_angles_against_scipy():
    """The extrinsic sequence's matrix is the product right to left, SciPy's own."""
    from scipy.spatial.transform import Rotation  # noqa: PLC0415

    text = backgen.generate("from scipy.spatial.transform import Rotation as R\n\ndef f(a):\n"
                            "    return R.from_euler('xyz', a).as_matrix()\n", shapes={"a": "3"})
    angles = A([0.3, -0.5, 1.1])
    forward = {}
    exec(compile(textwrap.dedent('''
        import numpy as np
        from scipy.spatial.transform import Rotation as R
        def f(a):
            return R.from_euler('xyz', a).as_matrix()
    '''), "<f>", "exec"), forward)
    np.testing.assert_allclose(forward["f"](angles), Rotation.from_euler("xyz", angles).as_matrix())
    got = _run(text, "f", [angles], (np.ones((3, 3)),))
    want = finite_differences(forward["f"], [angles], [0], (np.ones((3, 3)),))[0]
    assert_close(got, want, rtol=1e-5, atol=1e-6)
