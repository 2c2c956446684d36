"""A quotient by a number that is positive on every run (a size of an array, a positive constant, their
square roots and products) is finite everywhere: its gradient is written as a person writes it
(``dnum = ds / den``), with no ``np.where(ds != 0, ...)`` guard, which stays where the divisor may be 0.
Gradients checked against central finite differences in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient
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


SOFTMAX_LOSS = '''
def f(x: "N, T, V", y: "int N, T", mask: "bool N, T"):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    return -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
'''


def test_a_stable_softmax_read_at_its_labels_is_written_unguarded():
    # exps of values at most 0 are at most 1, their sums along the max's axis at least 1: nothing there is
    # infinite where the selection leaves a zero
    text = backgen.generate(textwrap.dedent(SOFTMAX_LOSS), name="f")
    assert "!= 0" not in text, text
    for n, t in [(2, 3), (1, 1)]:
        x = RNG.normal(size=(n, t, 4)) * 3.0
        y = RNG.integers(0, 4, size=(n, t))
        mask = RNG.random(size=(n, t)) > 0.3
        got = _run(text, [x, y, mask])[0]
        namespace = {"np": np}
        exec(SOFTMAX_LOSS, namespace)
        want = gradient(namespace["f"], [x, y, mask], 0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("exps, guarded", [
    ("np.exp(x[i] - np.max(x[i]))", False),  # two reads of one row
    ("np.exp(x[i] - np.max(x[i - 1]))", True),  # another row's max
    ("np.exp(x[i])", True),  # not shifted: exp may overflow
])
def test_a_softmax_of_each_row_is_unguarded_only_where_shifted_by_its_own_max(exps, guarded):
    source = f'''
    def f(x: "3, 4"):
        out = np.zeros_like(x)
        for i in range(x.shape[0]):
            e = {exps}
            out[i] = e / e.sum()
        return np.sum(out * np.arange(x.shape[1]))
    '''
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert ("!= 0" in text) == guarded, text
    assert_right(source, [RNG.normal(size=(3, 4))])


@pytest.mark.parametrize("power, guarded", [("2", False), ("3.0", False), ("0.5", True), ("-1", True)])
def test_a_whole_power_has_a_finite_derivative_and_no_guard(power, guarded):
    source = f'''
    def f(x: "5"):
        p = (x - 0.1) ** {power}
        return np.maximum(p, 0.2).sum()
    '''
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert ("!= 0" in text) == guarded, text
    assert_right(source, [np.array([0.3, 0.7, 1.2, 0.5, 0.9])])


def _run(text, args):
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    got = namespace["f_backward"](*args)
    return got if isinstance(got, tuple) else (got,)
