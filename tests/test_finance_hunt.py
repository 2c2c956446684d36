"""Finance, economics and engineering formulas written as people write them: option payoffs raised to a
power, prospect-theory values, utilities of floored consumption, masks written as products.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` (shapes as the source
declares them, given, or none) and by the decorator.
"""

import hashlib
import importlib.util
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences

RNG = np.random.default_rng(11)
Z = RNG.standard_normal(12)  # (normal draws of a Monte Carlo price: about half the paths end out of the money)

FOLDER = Path(tempfile.mkdtemp(prefix="backgen_finance_hunt_"))


def _module(source):
    """The functions of ``source``, imported from a file of their own (the decorator reads the source)."""
    text = "import math\nimport numpy as np\n" + textwrap.dedent(source)
    name = "finance_hunt_" + hashlib.sha1(text.encode()).hexdigest()[:12]
    path = FOLDER / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def assert_decorated_right(source, args, name="f"):
    """The decorator's gradients (of its default ``wrt``, the float parameters here) match central differences."""
    func = _module(source)[name]
    wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    got = backgen.backward(func).backward(*_copies(args))
    got = got if len(wrt) > 1 else (got,)
    want = finite_differences(lambda *values: func(*_copies(values)), list(args), wrt, (1.0,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, shapes=None):
    """Right by ``generate`` (with ``shapes`` too, where given) and by the decorator."""
    assert_generated_right(source, args)
    if shapes is not None:
        namespace = {}
        exec("import math\nimport numpy as np\n" + textwrap.dedent(source), namespace)
        text = backgen.generate(textwrap.dedent(source), name="f", shapes=shapes)
        generated = {}
        exec(compile(text, "<generated>", "exec"), generated)
        got = generated["f_backward"](*_copies(args))
        wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray)]
        got = got if isinstance(got, tuple) else (got,)
        want = finite_differences(lambda *values: namespace["f"](*_copies(values)), list(args), wrt, (1.0,))
        for g, w in zip(got, want):  # (the float parameters come first in these cases)
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert_decorated_right(source, args)


# --- a value never negative raised to a power the code does not write as a number ------------------
# (0 where the clamp is 0: its inputs are at a minimum of it there; b * a ** (b - 1) was nan, or a
# ZeroDivisionError for numbers, where a is 0 and b < 1)

POWER_OPTION = '''
def f(S0, sigma, z, power, K=100.0):
    ST = S0 * np.exp(-0.5 * sigma ** 2 + sigma * z)
    payoff = np.maximum(ST - K, 0.0) ** power
    return np.mean(payoff)
'''


def test_power_option_payoff_of_a_clamped_value_to_a_parameter():
    assert Z.min() < -0.5 and Z.max() > 0.5  # (paths out of the money: their payoff 0, raised to 0.5)
    assert_right(POWER_OPTION, [101.3, 0.2, Z, 0.5, 100.0], shapes={"z": "12"})


def test_power_of_a_clamped_value_to_a_default_read_as_a_parameter():
    assert_generated_right('''
        def f(S0, sigma, z, K=100.0, power=0.5, T=1.0, r=0.02):
            ST = S0 * np.exp((r - 0.5 * sigma ** 2) * T + sigma * np.sqrt(T) * z)
            payoff = np.maximum(ST - K, 0.0) ** power
            return np.exp(-r * T) * payoff.mean()
    ''', [101.3, 0.2, Z, 100.0, 0.5, 1.0, 0.02])


def test_clip_to_a_parameter_power():
    assert_right('''
        def f(x, a):
            return np.sum(np.clip(x, 0, None) ** a)
    ''', [np.array([0.5, -0.3, 1.2, -0.8]), 0.6], shapes={"x": "4"})


def test_hinge_margins_to_a_parameter_power():
    X = RNG.standard_normal((6, 2))
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    w = np.array([2.0, -1.5])
    assert np.any(1 - y * (X @ w) < 0)
    assert_generated_right('''
        def f(w, X, y, p):
            margins = np.maximum(0, 1 - y * (X @ w))
            return np.sum(margins ** p)
    ''', [w, X, y, 0.8])


@pytest.mark.parametrize("x", [-0.3, 0.4], ids=["loss", "gain"])
def test_prospect_theory_value_of_numbers(x):
    # max(-x, 0.0) ** alpha raised ZeroDivisionError as the backward ran, for a gain and for a loss
    assert_right('''
        def f(x, alpha, lam):
            gain = max(x, 0.0)
            loss = max(-x, 0.0)
            return gain ** alpha - lam * loss ** alpha
    ''', [x, 0.88, 2.25])


def test_payoff_of_numbers_to_a_power():
    assert_right('''
        def f(S, K, p):
            return max(S - K, 0.0) ** p
    ''', [95.0, 100.0, 0.5])


def test_prospect_theory_value_of_arrays():
    assert_right('''
        def f(x, alpha=0.88, lam=2.25):
            gains = np.maximum(x, 0)
            losses = np.maximum(-x, 0)
            return np.sum(gains ** alpha - lam * losses ** alpha)
    ''', [np.array([0.5, -0.3, 1.2, -0.8]), 0.88, 2.25], shapes={"x": "4"})


# --- a value times a mask of it above a number never negative: never negative ----------------------


@pytest.mark.parametrize("relu", ["x * (x > 0)", "(0 < x) * x", "x * (x >= 0.0).astype(float)"])
def test_root_of_a_value_times_its_positive_mask(relu):
    assert_right(f'''
        def f(x):
            return np.sum(np.sqrt({relu}))
    ''', [np.array([0.5, -0.3, 1.2, -0.8])], shapes={"x": "4"})

