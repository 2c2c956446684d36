"""An integer parameter whose default the code's shapes need (a group norm's ``G=2`` splitting four
channels): where the sample value backgen gives integers does not fit the declared shapes, the
default is tried, as the function is called by default.  Checked against central finite differences
in float64."""

import math
import textwrap

import numpy as np

import backgen
from numeric import gradient
from test_never_wrong import assert_refused


def assert_right(source, args):
    """The backward generated for the declared shapes matches central differences in every float
    argument (the integer, last, is a setting)."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    f = namespace["f"]
    generated = {}
    exec(compile(backgen.generate(source), "<generated>", "exec"), generated)
    floats = args[:-1]
    got = generated["f_backward"](*args)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(floats)
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(f, list(args), k), rtol=1e-5, atol=1e-6)

X = np.linspace(-1.0, 1.3, 24).reshape(2, 4, 3)


def test_group_norm_splitting_channels_by_a_default_group_count():
    assert_right('''
    def f(x: "2, 4, 3", gamma: "4", beta: "4", G: int = 2):
        N, C, D = x.shape
        xg = x.reshape(N, G, C // G, D)
        mean = xg.mean(axis=(2, 3), keepdims=True)
        var = xg.var(axis=(2, 3), keepdims=True)
        xn = ((xg - mean) / np.sqrt(var + 1e-5)).reshape(N, C, D)
        out = gamma[None, :, None] * xn + beta[None, :, None]
        return np.sum(out ** 3)
    ''', [X, np.array([0.5, 1.2, -0.7, 0.9]), np.array([0.1, -0.2, 0.3, 0.05]), 2])


def test_a_count_of_rows_given_by_default():
    assert_right('''
    def f(x: "8", k: int = 2):
        return np.sum(np.tanh(x.reshape(k, -1)) @ np.ones(8 // k))
    ''', [np.linspace(-0.8, 0.9, 8), 2])


def test_a_default_that_does_not_fit_either_is_refused_at_the_line():
    assert_refused('''
    def f(x: "2, 4, 3", G: int = 5):
        N, C, D = x.shape
        return np.sum(x.reshape(N, G, C // G, D) ** 2)
    ''', [X, 5], "cannot reshape")
