"""Objective functions and optimisation code as people write them: the standard test functions
(Rosenbrock, Rastrigin, Ackley, Levy, Hartmann, ...), scipy.optimize objectives with extra arguments,
least-squares residuals, penalty and barrier terms, and unrolled optimisation steps.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, gradient, imported

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


# --- a benchmark class whose method calls the object itself ------------------------------------

ACKLEY = """
import numpy as np


class Ackley:
    def __init__(self, dim=2, a=20.0, b=0.2, c=2 * np.pi):
        self.dim = dim
        self.a = a
        self.b = b
        self.c = c

    def __call__(self, x):
        d = self.dim
        s1 = np.sum(x ** 2)
        s2 = np.sum(np.cos(self.c * x))
        return -self.a * np.exp(-self.b * np.sqrt(s1 / d)) - np.exp(s2 / d) + self.a + np.e

    def evaluate(self, x):
        return 2.0 * self(x) + self(0.5 * x)
"""


def test_a_method_calling_the_object_itself_calls_its_dunder_call():
    # self(x) is self.__call__(x), read as the object's own method is
    space = imported(ACKLEY, "optim_hunt")
    function = space["Ackley"](3)
    x = np.array([0.3, -1.1, 0.7])
    got = backgen.backward(function.evaluate).backward(x.copy())
    np.testing.assert_allclose(got, gradient(function.evaluate, [x], 0), rtol=1e-6, atol=1e-8)


# --- a closure over the data, as make_objective(A, b) returns it -------------------------------

CLOSURE = """
import numpy as np


def make_objective(A, b):
    def objective(x):
        return 0.5 * x @ A @ x - b @ x
    return objective
"""


def test_a_closure_over_an_array_reads_the_arrays_as_inputs():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    objective = imported(CLOSURE, "optim_hunt")["make_objective"](A, np.ones(2))
    x = np.array([0.3, -0.2])
    got = backgen.backward(objective).backward(x.copy())
    np.testing.assert_allclose(got, gradient(objective, [x], 0), rtol=1e-6, atol=1e-8)



# --- scipy.optimize's objectives taking their extra arguments as *args ---------------------------


def test_star_args_unpacked_as_the_body_opens_are_its_parameters():
    # minimize(f, x0, args=(a, b)) calls f(x, a, b): the backward takes them by the names they are given
    assert_generated_right('''
        def f(x, *args):
            """Rosenbrock with args=(a, b)."""
            a, b = args
            return (a - x[0]) ** 2 + b * (x[1] - x[0] ** 2) ** 2
    ''', [np.array([0.7, -1.3]), 1.0, 100.0])


def test_star_args_unpacked_later_and_twice():
    assert_generated_right('''
        def f(w, *args):
            z = np.sum(w ** 2)
            X, y = args
            r = X @ w - y
            if z > 0:
                A, b = args
                r = r + 0.1 * (A @ w)
            return r @ r + z
    ''', [RNG.standard_normal(3), RNG.standard_normal((4, 3)), RNG.standard_normal(4)])


def test_star_args_given_shapes():
    source = '''
import numpy as np

def f(p, *args):
    x, y = args
    return np.sum((p[0] * np.exp(-p[1] * x) - y) ** 2)
'''
    text = backgen.generate(source, name="f", shapes={"p": "2", "x": "5", "y": "5"})
    assert "def f_backward(p, x, y, dout=1.0):" in text
    space = {}
    exec(text, space)
    p, x, y = np.array([2.4, 1.2]), np.linspace(0.1, 2.0, 5), np.linspace(1.0, 0.2, 5)
    got = space["f_backward"](p, x, y)
    namespace = {}
    exec(source, namespace)
    for g, k in zip(got, range(3)):
        np.testing.assert_allclose(g, gradient(namespace["f"], [p, x, y], k), rtol=1e-6, atol=1e-8)


STAR_ARGS = """
import numpy as np


def f(x, *args):
    A, b = args
    return 0.5 * x @ A @ x - b @ x
"""


def test_star_args_by_the_decorator():
    f = imported(STAR_ARGS, "optim_hunt")["f"]
    x, A, b = np.array([0.3, -0.5]), np.array([[3.0, 0.5], [0.5, 2.0]]), np.array([0.3, -0.7])
    got = backgen.backward(f).backward(x, A, b)
    assert len(got) == 3
    for g, k in zip(got, range(3)):
        np.testing.assert_allclose(g, gradient(f, [x, A, b], k), rtol=1e-6, atol=1e-8)


def test_star_args_read_otherwise_are_still_refused():
    with pytest.raises(backgen.BackgenError, match=r"\*args \(line 3\) is read here"):
        backgen.generate('''
import numpy as np
def f(x, *args):
    return np.sum(x ** 2) * args[0]
''', name="f")


STAR_ARGS_METHOD = """
import numpy as np


class Objective:
    def __init__(self, c):
        self.c = c

    def value(self, x, *args):
        a, b = args
        return self.c * np.sum((x - a) ** 2) * b
"""


def test_star_args_of_a_method_by_the_decorator():
    value = imported(STAR_ARGS_METHOD, "optim_hunt")["Objective"](2.0).value
    x = np.array([0.3, -0.5])
    got = backgen.backward(value).backward(x, 0.5, 1.5)
    for g, k in zip(got, range(3)):
        np.testing.assert_allclose(g, gradient(value, [x, 0.5, 1.5], k), rtol=1e-6, atol=1e-8)
