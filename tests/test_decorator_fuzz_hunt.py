"""The decorator's cache of generated code, called many times in a row with inputs of other sizes, kinds,
orders and settings: each call's gradient against central differences (in float64) of the module as Python
runs it, for that call's own inputs, which the backward leaves as they were."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient, module_in


def _module(tmp_path, text, name):
    return module_in(tmp_path, "import numpy as np\n\n\n" + textwrap.dedent(text), name)


def _check(forward, decorated, args, dout=None):
    """``decorated.backward(*args)`` matches central differences of ``forward`` for every float array."""
    given = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    kw = {} if dout is None else {"dout": dout}
    got = decorated.backward(*args, **kw)
    for a, b in zip(args, given):
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b)
    floats = [k for k, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(floats)
    weights = 1.0 if dout is None else dout

    def objective(*values):
        return float(np.sum(np.asarray(forward(*[v.astype(float) if isinstance(v, np.ndarray) else v
                                                  for v in values]), dtype=float) * weights))
    for g, k in zip(got, floats):
        want = gradient(objective, [a.astype(float) if isinstance(a, np.ndarray) else a for a in args], k)
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-7)


# a loop the sizes of the first call make run no iteration is left out of its code; that code is not for
# larger sizes where the loop runs, though the probes (sizes moved up by 3, the least sizes) run none too
UNRUN_LOOPS = {
    "range_of_a_size_minus_9": """
        def f(x):
            N = x.shape[0]
            out = np.sum(x)
            for i in range(N - 9):
                out = out + np.sum(x[i] ** 2)
            return out
        """,
    "while_below_a_size": """
        def f(x):
            out = np.sum(x)
            i = 0
            while i < len(x) - 9:
                out = out + np.sum(x[i] ** 2)
                i += 1
            return out
        """,
    "range_from_10": """
        def f(x):
            out = 0.0
            for i in range(10, len(x)):
                out = out + np.sum(np.tanh(x[i]))
            return out + np.sum(x)
        """,
    "columns_past_10": """
        def f(x, w):
            N, D = x.shape
            out = np.sum(x * w)
            for j in range(D - 10):
                out = out + np.sum(x[:, j] ** 3)
            return out
        """,
}


@pytest.mark.parametrize("case", sorted(UNRUN_LOOPS))
def test_code_leaving_out_a_loop_unrun_at_small_sizes_is_not_reused_where_it_runs(case, tmp_path):
    module = _module(tmp_path, UNRUN_LOOPS[case], f"unrun_{case}")
    decorated = backgen.backward(module.f)
    for n in (3, 4, 12, 13, 5):
        rng = np.random.default_rng(n)
        x = rng.standard_normal((n, n + 1))
        args = [x, rng.standard_normal(n + 1)] if case == "columns_past_10" else [x]
        _check(module.f, decorated, args)


# a flag with no default, given True or False, is a setting (the branch it takes), left out of wrt as a
# boolean mask is: it was taken for a number and refused as boolean
FLAGS = {
    "if_flag": """
        def f(x, flag):
            if flag:
                h = np.exp(-x * x)
            else:
                h = x + 1.0
            return np.sum(h)
        """,
    "flag_and_threshold": """
        def f(x, c, flag):
            h = x.copy()
            h[x > c] = 0.0
            if flag:
                g = np.exp(-h * h)
            else:
                g = h + 1.0
            return np.sum(h) + np.sum(g)
        """,
    "not_flag_in_a_helper": """
        def scaled(z, flag):
            return z * 2.0 if not flag else np.tanh(z)

        def f(x, flag):
            return np.sum(scaled(x, flag) ** 2)
        """,
}


@pytest.mark.parametrize("case", sorted(FLAGS))
def test_a_flag_without_a_default_is_a_setting_of_the_decorator(case, tmp_path):
    module = _module(tmp_path, FLAGS[case], f"flag_{case}")
    decorated = backgen.backward(module.f)
    rng = np.random.default_rng(1)
    for n, flag in ((3, True), (4, False), (3, False), (5, True)):
        x = rng.standard_normal((n, 2))
        args = [x, 0.3, flag] if case == "flag_and_threshold" else [x, flag]
        got = decorated.backward(*args)
        got = got[0] if isinstance(got, tuple) else got  # (c, of comparisons only, has a gradient of 0)
        want = gradient(lambda v: float(module.f(v, *args[1:])), [x], 0)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


# a branch NumPy raises on at the first call's sizes (x[10] of 5 rows) is left out of its code; the probes'
# sizes (8 rows, 2) leave it out too, but where it runs (12 rows, 9 columns) it adds to the gradient
DEAD_AT_SMALL_SIZES = {
    "row_10_past_10_rows": """
        def f(x):
            out = np.sum(x)
            if x.shape[0] > 10:
                out = out + np.sum(x[10] ** 2)
            return out
        """,
    "row_11_of_len_12": """
        def f(x):
            out = np.sum(x ** 2)
            if len(x) >= 12:
                out = out + np.sum(np.tanh(x[11]))
            return out
        """,
    "column_8_of_9_columns": """
        def f(x, w):
            out = np.sum(x * w)
            if x.shape[1] == 9:
                out = out + np.sum(x[:, 8] * w[8])
            return out
        """,
}


@pytest.mark.parametrize("case", sorted(DEAD_AT_SMALL_SIZES))
def test_code_leaving_out_a_branch_raising_at_small_sizes_is_not_reused_where_it_runs(case, tmp_path):
    module = _module(tmp_path, DEAD_AT_SMALL_SIZES[case], f"dead_{case}")
    decorated = backgen.backward(module.f)
    for n in (3, 4, 12, 9, 5):
        rng = np.random.default_rng(n)
        x = rng.standard_normal((n, n))
        _check(module.f, decorated, [x, rng.standard_normal(n)] if case == "column_8_of_9_columns" else [x])
