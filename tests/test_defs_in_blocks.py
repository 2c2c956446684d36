"""Functions defined inside a loop or a branch (a Runge-Kutta step's derivative defined in the time
loop): Python reads a closure's variables when the function is called, so such a ``def``, its name
defined once and nothing else assigning it, its defaults constants, means what the same ``def`` at the
top of the body means, and is lifted there.  A name defined on several paths, only ever called, holds the
function its path defined (``function_aliases``).  A ``def`` whose name is assigned a value too, or whose
defaults read variables (evaluated as the ``def`` runs), is refused.  Checked against central finite
differences in float64."""

import numpy as np
import pytest

from test_never_wrong import assert_refused, assert_right


def test_a_derivative_defined_in_the_time_loop_of_a_runge_kutta_step():
    assert_right('''
    def f(theta0: float, omega0: float, g: float = 9.81, L: float = 1.0):
        th, om = theta0, omega0
        dt = 0.05
        for _ in range(6):
            def deriv(th, om):
                return om, -g / L * math.sin(th)
            k1 = deriv(th, om)
            k2 = deriv(th + 0.5 * dt * k1[0], om + 0.5 * dt * k1[1])
            k3 = deriv(th + 0.5 * dt * k2[0], om + 0.5 * dt * k2[1])
            k4 = deriv(th + dt * k3[0], om + dt * k3[1])
            th = th + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
            om = om + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        return th * om
    ''', [0.7, -0.3, 9.81, 1.2])


def test_a_closure_over_a_value_the_loop_changes_reads_it_when_called():
    # c changes each iteration: g reads the current one, as Python's closure does
    assert_right('''
    def f(x: "4", s: float):
        total = 0.0
        for k in range(3):
            c = s * (k + 1)
            def g(z):
                return np.sin(z * c)
            total = total + np.sum(g(x))
        return total
    ''', [np.array([0.3, -0.5, 0.8, 1.1]), 0.7])


@pytest.mark.parametrize("s", [0.6, -0.6])
def test_a_function_defined_on_one_path_and_called_there(s):
    assert_right('''
    def f(x: "4", s: float):
        if s > 0:
            def act(z):
                return np.tanh(z * s)
            y = act(x)
        else:
            def other(z, scale=2.0):
                return z * scale * s
            y = other(x)
        return np.sum(y * y)
    ''', [np.array([0.3, -0.5, 0.8, 1.1]), s])


def test_a_function_defined_in_a_loop_called_after_it():
    assert_right('''
    def f(x: "3"):
        for i in range(2):
            def inner(t):
                return t * x
        return np.sum(inner(x))
    ''', [np.array([0.3, -0.5, 0.8])])


TWO_PATHS = '''
    def f(x: "4", s: float):
        total = 0.0
        for k in range(2):
            if k == 0:
                def g(z):
                    return z * s
            else:
                def g(z):
                    return z * z
            total = total + np.sum(g(x))
        {after}
        return total * g
    '''


def test_a_name_defined_on_two_paths_calls_the_function_its_path_defined():
    # each def a function of its own (g_1, g_2), the name holding which one its path defined
    assert_right(TWO_PATHS.replace("{after}", "pass").replace("total * g", "total"),
                 [np.array([0.3, -0.5, 0.8, 1.1]), 0.5])


def test_a_name_defined_on_two_paths_and_assigned_a_value_is_refused():
    assert_refused(TWO_PATHS.replace("{after}", "g = 2.0"), [np.ones(4), 0.5],
                   r"g\(\) is defined inside a branch or a loop, and its name is defined or assigned")


def test_defaults_reading_a_variable_are_refused():
    # the default is the value of s * k as the def runs, each iteration another
    assert_refused('''
    def f(x: "4", s: float):
        total = 0.0
        for k in range(3):
            def g(z, c=s * k):
                return np.sin(z * c)
            total = total + np.sum(g(x))
        return total
    ''', [np.ones(4), 0.5], "its defaults read variables")
