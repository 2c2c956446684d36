"""Control and trajectory optimization code written as people write it: LQR rollouts and Riccati
recursions, MPC costs with soft constraints, rollouts of nonlinear dynamics (pendulum, cart-pole,
quadrotor thrust mixing) through helpers, PID loops and Kalman filters.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` (with no shapes, and with
shapes given where it reads arrays) and by the decorator.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, run_backward
from test_dynamics_hunt import _compare, assert_decorated_right, assert_right

RNG = np.random.default_rng(20261206)


# --- a helper unpacking the rows of the controls a loop iterates ---------------------------------------
# (code for every shape checked the controls were a vector of numbers, np.ndim(U) != 1, though the helper
# unpacks each row: a TypeError for the very array it was written for)

def test_thrust_mixing_helper_unpacking_each_row_of_the_controls():
    assert_right('''
        import numpy as np

        def mix(u, arm=0.2, kappa=0.02):
            f1, f2, f3, f4 = u
            T = f1 + f2 + f3 + f4
            tx = arm * (f2 - f4)
            tz = kappa * (f1 - f2 + f3 - f4)
            return T, tx, tz

        def f(U, m):
            J = 0.0
            for u in U:
                T, tx, tz = mix(u)
                J += (T - 9.81 * m) ** 2 + tx ** 2 + tz ** 2
            return J
    ''', [2.4 + 0.1 * RNG.standard_normal((5, 4)), 1.0], shapes={"U": "5, 4", "m": "float"})



def test_rows_a_helper_unpacks_given_as_a_list_of_tuples_are_asked_for_as_an_array():
    source = textwrap.dedent('''
        import numpy as np

        def mix(u, arm=0.2):
            f1, f2, f3, f4 = u
            return f1 + f2 + f3 + f4, arm * (f2 - f4)

        def f(U):
            J = 0.0
            for u in U:
                T, tx = mix(u)
                J += (T - 9.81) ** 2 + tx ** 2
            return J
    ''')
    text = backgen.generate(source)
    rows = [(2.4, 2.5, 2.3, 2.6), (2.4, 2.45, 2.35, 2.5)]
    with pytest.raises(TypeError, match=r"pass np.asarray\(U\)"):  # (not 0.0 * a tuple, nor rows joined)
        run_backward(text, "f", [rows])
    got = run_backward(text, "f", [np.array(rows)])
    namespace = {}
    exec(source, namespace)
    want = finite_differences(namespace["f"], [np.array(rows)], [0], (1.0,))
    _compare((got[0] if isinstance(got, tuple) else got,), want)

def test_helper_given_rows_of_a_zip_unpacks_them():
    assert_right('''
        import numpy as np

        def step(s, u, dt=0.1):
            p, v = s
            return p + dt * v, v + dt * u

        def f(S, U):
            J = 0.0
            for s, u in zip(S, U):
                p, v = step(s, u)
                J += p * p + 0.5 * v * v
            return J
    ''', [RNG.standard_normal((4, 2)), RNG.standard_normal(4)], shapes={"S": "4, 2", "U": "4"})


# --- op= on a number a helper handed back beside an item of the list the loop iterates -------------------
# (deriv(th, w, u) returning (w, ...): th += dt * k1t was taken as a write into the array w might be, which
# shares the tuple with u, an item of us, and refused as writing into what the loop iterates; numbers rebind)

RK2_PENDULUM = '''
import math

def deriv(th, w, u):
    return w, -9.81 * math.sin(th) + u

def f(th0, w0, us):
    th, w = th0, w0
    for u in us:
        k1t, k1w = deriv(th, w, u)
        k2t, k2w = deriv(th + 0.025 * k1t, w + 0.025 * k1w, u)
        th += 0.05 * k2t
        w += 0.05 * k2w
    return (th - math.pi) ** 2 + w ** 2
'''


def test_midpoint_pendulum_with_a_helper_returning_its_own_argument():
    assert_right(RK2_PENDULUM, [0.3, -0.2, [0.4, -0.1, 0.3]], shapes={"th0": "float", "w0": "float", "us": "3"})


def test_midpoint_pendulum_given_the_controls_as_an_array():
    assert_decorated_right(RK2_PENDULUM, [0.3, -0.2, np.array([0.4, -0.1, 0.3])])


def test_an_array_a_helper_hands_back_and_op_equals_adds_into_stays_right():
    assert_right('''
        import numpy as np

        def carry(w, u):
            return w, u

        def f(w0, U):
            w = w0
            J = 0.0
            for u in U:
                a, k = carry(w, u)
                w = a
                w += k
                J += np.sum(w * w)
            return J + np.sum(U ** 3)
    ''', [np.array([0.3, 0.1]), np.array([[0.1, 0.2], [0.4, 0.3], [0.2, 0.5]])], shapes={"w0": "2", "U": "3, 2"})


# --- gains kept in a list made of None, filled backwards in time -------------------------------------------
# (K = [None] * N gave the list the items' shape of None, a number, and K[t] = np.linalg.solve(...) one of
# the gain's: refused as a list changing shape)

def test_gains_in_a_list_of_none_filled_by_the_riccati_recursion():
    A = np.array([[1.0, 0.1], [0.0, 1.0]])
    B = np.array([[0.005], [0.1]])
    assert_right('''
        import numpy as np

        def f(A, B, Q, R, x0):
            N = 4
            K = [None] * N
            P = Q
            for t in range(N - 1, -1, -1):
                K[t] = np.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)
                P = Q + A.T @ P @ (A - B @ K[t])
            x = x0
            J = 0.0
            for t in range(N):
                u = -K[t] @ x
                J += x @ Q @ x + u @ R @ u
                x = A @ x + B @ u
            return J
    ''', [A, B, np.eye(2), np.array([[0.1]]), np.array([1.0, -0.3])],
        shapes={"A": "2, 2", "B": "2, 1", "Q": "2, 2", "R": "1, 1", "x0": "2"})


def test_value_matrices_in_a_list_of_none_one_longer_than_the_horizon():
    assert_right('''
        import numpy as np

        def f(A, Q, Qf):
            T = 3
            P = [None] * (T + 1)
            P[T] = Qf
            for t in reversed(range(T)):
                P[t] = Q + A.T @ P[t + 1] @ A
            return np.trace(P[0]) + np.sum(P[1])
    ''', [np.array([[0.9, 0.2], [0.0, 0.8]]), np.eye(2), 2.0 * np.eye(2)],
        shapes={"A": "2, 2", "Q": "2, 2", "Qf": "2, 2"})
