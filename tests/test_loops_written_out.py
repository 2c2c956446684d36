"""Loops whose carried values change shape in every iteration, written out whole.

Where the number of iterations is known as the code is written (a literal
``range``, a tuple or list display, an integer the decorator is called with) and
small, each iteration is written out with shapes of its own; elsewhere the loop
is refused as before.  Gradients are checked against central finite
differences, by ``generate`` and by the decorator.
"""

import math
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import backgen  # noqa: E402
from every_way import forward  # noqa: E402
from numeric import gradient, same_again  # noqa: E402


def _function(source, name):
    namespace = {"np": np, "math": math}
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


def _check(got, func, args, wrt):
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(wrt)
    for g, k in zip(got, wrt):
        want = gradient(lambda *a: float(func(*a)), list(args), k)
        assert np.shape(g) == np.shape(want)
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


def generated(source, name, args, wrt, shapes=None):
    """The backward ``generate`` writes, checked at ``args`` against finite differences; its text."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name, shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name=name, shapes=shapes))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    _check(namespace[f"{name}_backward"](*args), _function(source, name), args, wrt)
    return text


def decorated(source, name, args, wrt, tmp_path):
    """The decorator's backward at ``args``, checked against finite differences; its text."""
    func = forward(source, name, tmp_path)
    wrapped = backgen.backward(func, wrt=[func.__code__.co_varnames[k] for k in wrt])
    _check(wrapped.backward(*args), func, args, wrt)
    return wrapped.backward_source


SHRINKING = """
import numpy as np

def f(values, w):
    for i in range(6):
        values = w * values[1:] + (1 - w) * values[:-1]
    return np.sum(values ** 2)
"""


def test_literal_range_every_iteration_written_out(tmp_path):
    values = np.linspace(0.3, 1.7, 9)
    text = generated(SHRINKING, "f", [values, 0.4], [0, 1], shapes={"values": (9,), "w": ()})
    assert "for " not in text.split("# backward pass")[0]
    assert "values_6 = " in text
    decorated(SHRINKING, "f", [values, 0.4], [0, 1], tmp_path)


CRR = """
import numpy as np

def crr_call(S, K, T, r, sigma, n=6):
    dt = T / n
    u = np.exp(sigma * np.sqrt(dt))
    d = 1.0 / u
    p = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    j = np.arange(n + 1)
    values = np.maximum(S * u ** j * d ** (n - j) - K, 0.0)
    for i in range(n):
        values = disc * (p * values[1:] + (1 - p) * values[:-1])
    return values[0]
"""


@pytest.mark.parametrize("n", [6, 3, 1])
def test_decorator_integer_bound(n, tmp_path):
    # the decorator writes code for the integers it is called with: range(n) has n iterations there
    decorated(CRR, "crr_call", [100.0, 101.3, 1.0, 0.02, 0.2, n], [0, 1, 2, 3, 4], tmp_path)


def test_decorator_other_integer_other_code(tmp_path):
    func = backgen.backward(forward(CRR, "crr_call", tmp_path), wrt=["S", "K", "T", "r", "sigma"])
    for n in (4, 2, 4):
        args = [100.0, 101.3, 1.0, 0.02, 0.2, n]
        _check(func.backward(*args), func, args, range(5))


DISPLAY = """
import numpy as np

def g(h, W):
    for k in (4, 3, 1):
        h = np.tanh(h[:, :k] * W[:k])
    return np.sum(h)
"""


def test_display_items_written_out(tmp_path):
    h, W = np.linspace(-1, 1, 15).reshape(3, 5), np.linspace(0.5, 1.5, 5)
    generated(DISPLAY, "g", [h, W], [0, 1], shapes={"h": (3, 5), "W": (5,)})
    decorated(DISPLAY, "g", [h, W], [0, 1], tmp_path)


CONTINUE = """
import numpy as np

def f(values, w):
    for i in range(5):
        if i == 2:
            continue
        values = w * values[1:] + values[:-1]
    return np.sum(values ** 2)
"""


def test_continue_ends_its_iteration():
    values = np.linspace(0.3, 1.7, 8)
    generated(CONTINUE, "f", [values, 0.4], [0, 1], shapes={"values": (8,), "w": ()})


def test_unknown_count_refused():
    # generate: n is any integer, the code is not for every n: it is written for the default (n=6), which
    # the backward checks as it starts, refusing another n
    text = backgen.generate(textwrap.dedent(CRR), name="crr_call", shapes={p: () for p in ("S", "K", "T", "r", "sigma")})
    namespace = {}
    exec(text, namespace)
    with pytest.raises(ValueError, match="written for n=6, the default"):
        namespace["crr_call_backward"](100.0, 101.3, 1.0, 0.02, 0.2, n=5)
    func = _function(CRR, "crr_call")
    _check(namespace["crr_call_backward"](100.0, 101.3, 1.0, 0.02, 0.2), func, [100.0, 101.3, 1.0, 0.02, 0.2],
           [0, 1, 2, 3, 4])


def test_long_loop_refused():
    source = SHRINKING.replace("range(6)", "range(20)")
    with pytest.raises(backgen.BackgenError, match="'values' changes shape in this loop"):
        backgen.generate(textwrap.dedent(source), name="f", shapes={"values": (30,), "w": ()})


def test_break_refused():
    source = SHRINKING.replace("        values = w", "        if i == 4:\n            break\n        values = w")
    # (refused after the first iterations are written out, the loop breaking in one)
    with pytest.raises(backgen.BackgenError, match="'values' has shape \\(\\d+,\\) on one path"):
        backgen.generate(textwrap.dedent(source), name="f", shapes={"values": (9,), "w": ()})


def test_rebound_integer_not_known(tmp_path):
    source = CRR.replace("    dt = T / n\n", "    n = n + 0\n    dt = T / n\n")
    func = backgen.backward(forward(source, "crr_call", tmp_path), wrt=["S", "K", "T", "r", "sigma"])
    with pytest.raises(backgen.BackgenError, match="changes shape in this loop"):
        func.backward(100.0, 101.3, 1.0, 0.02, 0.2, 6)


BY_SIZE = {
    "haar": ("""
        def f(x):
            out = x
            total = 0.0
            for level in range(int(np.log2(x.shape[0]))):
                a = (out[0::2] + out[1::2]) / np.sqrt(2)
                d = (out[0::2] - out[1::2]) / np.sqrt(2)
                total = total + np.sum(np.abs(d) * np.arange(1, d.size + 1))
                out = a
            return total + out[0] ** 2
        """, (8, 16, 4, 8, 2)),
    "differences": ("""
        def f(v):
            for i in range(len(v) - 1):
                v = v[1:] * v[:-1] - 0.5 * v[1:]
            return v[0]
        """, (5, 3, 7, 5)),
    "columns": ("""
        def f(X):
            N, D = X.shape
            h = X[0]
            for j in range(D - 1):
                h = h[1:] + h[:-1] * X[1, j]
            return np.sum(h ** 2)
        """, ((3, 5), (2, 3), (3, 5))),
}


@pytest.mark.parametrize("name", sorted(BY_SIZE))
def test_a_count_the_arrays_sizes_give_by_the_decorator(name, tmp_path):
    # the sizes the decorator is called with give the count (x.shape[0], len(v), names bound once to them):
    # one decorated function called at several sizes, its code for each (generated again where it differs)
    source, sizes = BY_SIZE[name]
    func = forward("import numpy as np\n" + textwrap.dedent(source), "f", tmp_path)
    wrapped = backgen.backward(func)
    rng = np.random.default_rng(len(name))
    for size in sizes:
        x = rng.uniform(0.2, 1.0, size=size)
        _check(wrapped.backward(x), func, [x], [0])


def test_a_count_the_sizes_give_is_refused_by_generate():
    # code read from text is for every size: a count its arrays' sizes give is not known as it is written
    source, _ = BY_SIZE["differences"]
    with pytest.raises(backgen.BackgenError, match="'v' changes shape in this loop.*the sizes of the arrays"):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f", shapes={"v": "N"})
