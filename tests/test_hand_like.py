"""The generated backward computes what a careful hand-written one does, no more, and is right.

Each case names the work the generated code once did over the hand-written code's, checks that it
is gone from the text, and checks the gradient against central differences at several shapes.
"""

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import finite_differences  # noqa: E402


def check(source, name, args, wrt, dout):
    """The backward generated for ``args``' shapes, against central differences of sum(out * dout)."""
    namespace, generated = {}, {}
    exec(source, namespace)
    shapes = {p: ", ".join(map(str, np.shape(a))) for p, a in zip(wrt, [args[k] for k in range(len(wrt))])}
    text = backgen.generate(source, name=name, shapes=shapes)
    exec(text, generated)
    got = generated[f"{name}_backward"](*args, dout)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(namespace[name], list(args), range(len(wrt)), [dout])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    return text


def code_lines(text):
    return [line.split("#")[0].strip() for line in text.splitlines()]


NORMALIZE = textwrap.dedent('''
import numpy as np

def f(x, gamma):
    mu = np.mean(x, axis=AXIS)
    xmu = x - mu
    var = x.var(axis=AXIS)
    return gamma * xmu / np.sqrt(var + 1e-5)
''')


@pytest.mark.parametrize("axis, keep", [("0", ""), ("1", ", keepdims=True"), ("(0, 1)", "")])
def test_a_divisor_broadcast_is_summed_before_dividing_and_the_spread_reuses_the_centered_value(axis, keep):
    # the gradient of den in num / den was ((-num / den ** 2) * dnum).sum(axis=0): every element divided by
    # den ** 2 before summing, where den is the same along the axis; and np.var's gradient computed
    # x - x.mean(axis=0, keepdims=True) again beside the forward's own xmu = x - mu
    source = NORMALIZE.replace("AXIS)", f"AXIS{keep})").replace("AXIS", axis)
    rng = np.random.default_rng(3)
    for shape in ((5, 3), (2, 7)):
        x = rng.standard_normal(shape) * 2 + 1
        text = check(source, "f", (x, rng.standard_normal(shape[1])), ("x", "gamma"), rng.standard_normal(shape))
        code = code_lines(text)
        assert not any(".mean(" in line for line in code if not line.startswith("mu =")), text
        assert not any("/ den ** 2) *" in line for line in code), text
        assert any(line.startswith("dden = -(num * ") and line.endswith("/ den ** 2") for line in code), text


def test_the_spread_of_a_value_centered_along_other_axes_is_centered_again():
    # xmu is centered along axis 0; the spread is along axis 1: its gradient centers x itself
    source = textwrap.dedent('''
    import numpy as np

    def f(x):
        xmu = x - np.mean(x, axis=0)
        return xmu * x.var(axis=1, keepdims=True)
    ''')
    rng = np.random.default_rng(4)
    text = check(source, "f", (rng.standard_normal((4, 3)),), ("x",), rng.standard_normal((4, 3)))
    assert "x.mean(axis=1, keepdims=True)" in text, text


def test_a_divisor_of_the_quotient_s_shape_keeps_its_elementwise_gradient():
    source = textwrap.dedent('''
    import numpy as np

    def f(a, b):
        return a / b
    ''')
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) + 3
    text = check(source, "f", (a, b), ("a", "b"), rng.standard_normal((3, 4)))
    assert ".sum(" not in text, text


def test_a_log_softmax_reads_its_softmax_from_the_forward_s_own_exponentials():
    # its gradient computed np.exp(log_probs) again beside exp = np.exp(shifted) and its sum Z, of which
    # the softmax is exp / Z: a second exponential of every score
    source = textwrap.dedent('''
    import numpy as np

    def f(x, w):
        shifted = x - np.max(x, axis=1, keepdims=True)
        exp = np.exp(shifted)
        Z = np.sum(exp, axis=1, keepdims=True)
        log_probs = shifted - np.log(Z)
        return log_probs * w
    ''')
    rng = np.random.default_rng(6)
    for shape in ((4, 3), (2, 5)):
        text = check(source, "f", (rng.standard_normal(shape) * 3, rng.standard_normal(shape)), ("x", "w"),
                     rng.standard_normal(shape))
        assert "np.exp(log_probs)" not in text and "exp / Z *" in text, text


def test_a_log_softmax_whose_cache_holds_the_log_probabilities_alone_computes_its_softmax_from_them():
    source = textwrap.dedent('''
    import numpy as np

    def log_softmax_forward(x):
        """
        - x: scores of shape (N, C)
        """
        shifted = x - np.max(x, axis=1, keepdims=True)
        Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
        log_probs = shifted - np.log(Z)
        cache = log_probs
        return log_probs, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source, name="log_softmax_forward")
    exec(text, generated)
    assert "np.exp(log_probs)" in text, text
    rng = np.random.default_rng(7)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    got = generated["log_softmax_backward"](dout, namespace["log_softmax_forward"](x)[1])
    want = finite_differences(lambda x: namespace["log_softmax_forward"](x)[0], [x], [0], [dout])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
