"""Dynamical systems, control, estimation and time-series code written as people write it: Kalman filter
likelihoods, LQR and policy rollouts, SIR and Lotka-Volterra integrations, GARCH and ARMA recursions,
exponential smoothing, hidden states carried by while loops with counters, discounting.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` (with no shapes, and with
shapes given where it reads arrays) and by the decorator.
"""

import textwrap

import numpy as np

import backgen
from numeric import assert_generated_right, finite_differences, imported

RNG = np.random.default_rng(20261206)


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _floats(args):
    return [k for k, a in enumerate(args)
            if isinstance(a, float) or isinstance(a, (list, tuple)) and a and all(isinstance(v, float) for v in a)
            or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _compare(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_decorated_right(source, args, name="f"):
    """The decorator's gradients (of the float parameters) match central differences."""
    func = imported("import math\nimport numpy as np\n" + textwrap.dedent(source), "dynamics_hunt")[name]
    wrt = _floats(args)
    got = backgen.backward(func).backward(*_copies(args))
    want = finite_differences(lambda *values: func(*_copies(values)), list(args), wrt, (1.0,))
    _compare(got if len(wrt) > 1 else (got,), want)


def assert_shaped_right(source, args, shapes, name="f"):
    """The backward ``generate`` writes for the ``shapes`` given matches central differences."""
    source = textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    text = backgen.generate(source, name=name, shapes=shapes)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    got = generated[f"{name}_backward"](*_copies(args))
    wrt = _floats(args)
    want = finite_differences(lambda *values: namespace[name](*_copies(values)), list(args), wrt, (1.0,))
    _compare(got if len(wrt) > 1 else (got,), want)


def assert_right(source, args, shapes=None):
    """Right by ``generate`` (with ``shapes`` too, where given) and by the decorator."""
    assert_generated_right(source, args, wrt=_floats(args))
    if shapes is not None:
        assert_shaped_right(source, args, shapes)
    assert_decorated_right(source, args)


# --- a name a comprehension binds, in a function that inserts into a list at its front ---------------
# (GAE's advantages built by advs.insert(0, gae), then read by sum(a * a for a in advs): an AttributeError
# from backgen's reading of the lists, 'comprehension' object has no attribute 'end_lineno')

def test_advantages_inserted_at_the_front_then_summed_by_a_generator():
    assert_right('''
        def f(values, rewards, gamma, lam):
            advs = []
            gae = 0.0
            for t in range(len(rewards) - 1, -1, -1):
                delta = rewards[t] + gamma * values[t + 1] - values[t]
                gae = delta + gamma * lam * gae
                advs.insert(0, gae)
            return sum(a * a for a in advs)
    ''', [[0.1, 0.4, -0.2, 0.3, 0.5], [1.0, 0.5, -0.5, 0.2], 0.99, 0.95])


def test_a_list_comprehension_beside_a_list_reversed():
    assert_right('''
        def f(w, xs):
            hs = []
            h = 0.0
            for x in xs:
                h = math.tanh(w * h + x)
                hs.append(h)
            hs.reverse()
            return sum([v * v for v in hs])
    ''', [0.7, [0.2, -0.4, 0.6, 0.1]])
