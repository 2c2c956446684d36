"""Objective functions and optimisation code as people write them: the standard test functions
(Rosenbrock, Rastrigin, Ackley, Levy, Hartmann, ...), scipy.optimize objectives with extra arguments,
least-squares residuals, penalty and barrier terms, and unrolled optimisation steps.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np

from numeric import assert_generated_right

RNG = np.random.default_rng(31)


# --- unpacking a parameter into names, one of them the parameter's own -------------------------


def test_levy13_unpacks_its_parameter_into_the_same_name():
    # x, y = x: y is the second item of the x passed in, not of its first item
    assert_generated_right('''
        def f(x):
            x, y = x
            return np.sin(3*np.pi*x)**2 + (x-1)**2*(1+np.sin(3*np.pi*y)**2) + (y-1)**2*(1+np.sin(2*np.pi*y)**2)
    ''', [np.array([0.7, -1.3])])


def test_unpacking_the_rows_of_a_matrix_into_its_own_name():
    assert_generated_right('''
        def f(x):
            x, y = x
            return np.sum(x * y ** 2)
    ''', [np.array([[0.5, 1.2, -0.7], [1.1, -0.4, 0.9]])])
