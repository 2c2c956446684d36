"""A quotient by a number that is positive on every run (a size of an array, a positive constant, their
square roots and products) is finite everywhere: its gradient is written as a person writes it
(``dnum = ds / den``), with no ``np.where(ds != 0, ...)`` guard, which stays where the divisor may be 0.
Gradients checked against central finite differences in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from test_never_wrong import assert_right

RNG = np.random.default_rng(4)

ATTENTION = '''
def f(Q: "{n}, {d}", K: "5, {d}", V: "5, 2"):
    s = Q @ K.T / np.sqrt(Q.shape[1])
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    w /= w.sum(axis=-1, keepdims=True)
    return w @ V
'''


@pytest.mark.parametrize("n, d", [(4, 3), (1, 2), (3, 1)])
def test_scaled_attention_divides_by_the_root_of_a_size_unguarded(n, d):
    source = ATTENTION.format(n=n, d=d)
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert "dnum = ds / den" in text and "!= 0" not in text
    assert_right(source, [RNG.normal(size=(n, d)), RNG.normal(size=(5, d)), RNG.normal(size=(5, 2))],
                 dout=RNG.normal(size=(n, 2)))


@pytest.mark.parametrize("divisor, written", [
    ("2.0", "dnum = 0.5 * ds"),
    ("math.sqrt(3)", "dnum = ds / math.sqrt(3)"),
    ("np.pi", "dnum = ds / np.pi"),
    ("D", "dnum = ds / D"),
    ("float(D) ** 0.5", "dnum = ds / den"),
    ("len(x) * x.size", "dnum = ds / den"),
])
def test_a_division_by_a_positive_number_before_a_max_is_unguarded(divisor, written):
    source = f'''
    def f(x: "N, D"):
        N, D = x.shape
        num = x * x
        s = num / ({divisor})
        return np.maximum(s, 0.3).sum() / N
    '''
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert written in text and "!= 0" not in text, text
    for shape in [(3, 4), (2, 1), (1, 5)]:
        assert_right(source, [RNG.normal(size=shape) * 2.0])


@pytest.mark.parametrize("divisor", ["D - 1", "t", "np.sum(x)", "x.ndim"])
def test_a_division_by_what_may_be_zero_keeps_its_guard(divisor):
    source = f'''
    def f(x: "N, D", t: float):
        N, D = x.shape
        s = x / ({divisor})
        return np.maximum(s, 0.3).sum()
    '''
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert "np.where(ds != 0" in text
    assert_right(source, [RNG.normal(size=(3, 4)) + 2.0, 1.7])
