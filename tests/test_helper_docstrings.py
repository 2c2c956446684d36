"""Shapes a function's helpers declare in their docstrings, for the parameters it passes them as they are.

Code written for every shape is tried first; where none can be written, the shapes said in the docstrings
of the functions the parameters are passed to give code for those shapes, checked here against central
differences."""

import textwrap

import numpy as np

import backgen
from backgen.docshapes import passed_shapes
from backgen.parse import read
from backgen.shapes import Spec
from numeric import assert_generated_right

PLANAR = '''
import numpy as np

def planar_flow(z, u, w, b):
    """z: (N, D); u, w: (D,); b: float"""
    a = z @ w + b
    h = np.tanh(a)
    f = z + np.outer(h, u)
    psi = np.outer(1 - h ** 2, w)
    logdet = np.log(np.abs(1 + psi @ u))
    return f, logdet

def flow_kl(z0, u1, w1, b1, u2, w2, b2):
    z1, ld1 = planar_flow(z0, u1, w1, b1)
    z2, ld2 = planar_flow(z1, u2, w2, b2)
    log_q = -0.5 * np.sum(z0 ** 2, axis=1) - ld1 - ld2
    log_p = -0.5 * np.sum((z2 - 1.0) ** 2, axis=1)
    return np.mean(log_q - log_p)
'''


def _args(seed, n=5, d=2):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, d)), 0.3 * rng.normal(size=d), 0.3 * rng.normal(size=d), 0.1,
            0.3 * rng.normal(size=d), 0.3 * rng.normal(size=d), -0.2]


def test_no_code_for_every_shape_then_the_shapes_the_helper_says():
    # np.outer of values of unknown rank: no code for every shape (the refusal before); the helper's
    # docstring says z is (N, D), u and w (D,)
    for seed, (n, d) in enumerate([(5, 2), (1, 3)]):
        assert_generated_right(PLANAR, _args(seed, n, d), name="flow_kl")


def _read(text, name):
    return read(textwrap.dedent(text), name=name)


def test_the_shapes_read_for_the_parameters_passed_as_they_are():
    forward = _read(PLANAR, "flow_kl")
    said = passed_shapes(forward, ["z0", "u1", "w1", "b1", "u2", "w2", "b2"])
    assert said == {"z0": Spec(("N", "D")), "u1": Spec(("D",)), "w1": Spec(("D",)),
                    "u2": Spec(("D",)), "w2": Spec(("D",))}  # (b: float shares a line: read for a shape only)


def test_a_parameter_bound_again_or_declared_two_ways_is_left_out():
    forward = _read('''
        import numpy as np

        def a(x):
            """x: (N, D)"""
            return x * 2.0

        def b(x):
            """x: (D,)"""
            return x + 1.0

        def f(p, q, r):
            q = q * 2.0
            return a(p) + b(p) + a(q) + b(r)
        ''', "f")
    assert passed_shapes(forward, ["p", "q", "r"]) == {"r": Spec(("D",))}


def test_where_those_shapes_do_not_fit_they_are_not_taken():
    # z: (N,), u, w: (D, N) fit no call flow_kl makes: the code is the one for every shape, right at the
    # arrays of the calls
    source = PLANAR.replace('"""z: (N, D); u, w: (D,); b: float"""', '"""z: (N,); u, w: (D, N); b: float"""')
    assert "_unbroadcast" in backgen.generate(source, name="flow_kl")
    assert_generated_right(source, _args(0), name="flow_kl")
