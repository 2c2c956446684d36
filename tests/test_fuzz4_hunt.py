"""Random NumPy programs over X (3, 4), w (4,), r (1, 4), c (3, 1) and a number s: nan functions
(``np.nansum``, ``np.nanmean``, ``np.nanmax``) over data holding nan, ``np.where`` with broadcast branches,
``@`` with constant arrays and vectors, reductions with ``keepdims`` among those shapes, writes into arrays
(slices, fancy indices with repeats, boolean masks) in loops and in branches on data, aliases and views
written through, helpers returning tuples, ``np.maximum``/``np.minimum``/``np.clip``/``np.abs`` away from
their kinks, lists built in loops and joined, several outputs.

Each program of ``RIGHT`` is checked by ``backgen.generate`` without shapes and with them, and by the
decorator, against central finite differences in float64 (``numeric``) for random upstream gradients: the
text generated twice the same, the backward leaving its inputs and upstream gradients as they were.  Those of
``REFUSED_WITHOUT_SHAPES`` are refused by ``generate`` without shapes with part of the message (every way,
where marked), and right with the shapes given otherwise.  The tests after the tables are the smallest
forms of failures found, and the refusals kept.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported, same_again

PARAMS = ("X", "w", "r", "c", "s")
SHAPES = {"X": "3, 4", "w": "4", "r": "1, 4", "c": "3, 1", "s": "float"}


def _args(seed, nans=()):
    """X, w, r, c, s drawn from the seed, X holding nan at ``nans``."""
    rng = np.random.default_rng(seed)
    X, w, r, c = (rng.standard_normal(shape) for shape in ((3, 4), (4,), (1, 4), (3, 1)))
    s = float(rng.standard_normal())
    for i, j in nans:
        X[i, j] = np.nan
    return [X, w, r, c, s]


def _module(source):
    return imported("import numpy as np\n" + textwrap.dedent(source), "fuzz4_hunt")


def _douts(outs, seed):
    rng = np.random.default_rng(seed + 1)
    return [float(rng.standard_normal()) if np.ndim(o) == 0 else rng.standard_normal(np.shape(o)) for o in outs]


def assert_right(source, args, name="f", ways=("plain", "shapes", "decorator"), shapes=None, seed=0):
    """The gradients of ``name`` for its float parameters agree with central differences each way, for
    random upstream gradients (one per output); the backward changes neither its inputs nor them, and
    ``generate`` writes the same text twice."""
    text = "import numpy as np\n" + textwrap.dedent(source)
    func = _module(source)[name]
    params = list(inspect.signature(func).parameters)
    with np.errstate(all="ignore"):
        out = func(*fresh_args(args))
    several = isinstance(out, tuple)
    douts = _douts(out if several else (out,), seed)
    positions = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray)]
    with np.errstate(all="ignore"):
        want = finite_differences(lambda *v: func(*fresh_args(v)), list(args), positions, douts)
    for way in ways:
        given, dgiven = fresh_args(args), fresh_args(douts)
        with np.errstate(all="ignore"):
            if way == "decorator":
                got = backgen.backward(func).backward(*given, dout=tuple(dgiven) if several else dgiven[0])
            else:
                asked = (shapes or {p: SHAPES[p] for p in params}) if way == "shapes" else None
                written = backgen.generate(text, name=name, shapes=asked)
                same_again(written, lambda: backgen.generate(text, name=name, shapes=asked))
                namespace = {}
                exec(compile(written, "<generated>", "exec"), namespace)
                got = namespace[f"{name}_backward"](*given, *dgiven)
        for before, after in zip(list(args) + douts, given + dgiven):
            np.testing.assert_array_equal(before, after, err_msg=f"{way}: the backward changed its arguments")
        got = got if isinstance(got, tuple) else (got,)
        assert len(got) == len(want), way
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, shapes=None, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name, shapes=shapes)


# ---------------------------------------------------------------- the programs

RIGHT = [
    # (once refused without shapes, for the write into t7, a view of y4: followed since, right every way)
    (603, [(1, 0), (2, 0)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    t1 = np.abs(np.tanh(s))
    t2 = ((r + r) ** 2)
    y4 = np.zeros((3, 4))
    for i in range(y4.shape[0]):
        y4[[i, i]] += (r @ (r * t1).T)
    h6 = w
    for row in y4:
        h6 = np.tanh(h6 * row + w)
    t7 = y4.reshape(4, 3)
    t7[[0, 0]] += (c ** 2).mean(axis=0)
    return np.sum(t2 * y4) + t2.max()
'''),
    (4, [(2, 3)], '''
def f(X, w, r, c, s):
    t1 = w
    parts3 = []
    for i in range(3):
        parts3.append(np.tanh(t1 * (i + 1)))
    z4 = np.concatenate(parts3)
    y6 = np.zeros_like(X)
    y6[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    return t1
'''),
    (9, [], '''
def f(X, w, r, c, s):
    t1 = r.T
    t1[t1 > 0] *= 0.5
    t2 = X - np.nanmean(X, axis=0, keepdims=True)
    t3 = np.nanmean(np.maximum(w, t1), axis=1, keepdims=True)
    s += np.sin(np.sum(t2))
    return t3, np.sum(t3)
'''),
    (15, [], '''
def f(X, w, r, c, s):
    t1 = X - np.max(X, axis=1, keepdims=True)
    h3 = w
    for row in t1:
        h3 = np.tanh(h3 * row + r[0])
    return t1, np.nansum(row)
'''),
    (22, [], '''
def f(X, w, r, c, s):
    w *= np.exp(0.3 * np.sin(w))
    y3 = r.copy()
    y3[y3 < 0] = 0.0
    y5 = w.copy()
    y5[y5 > 0.5] *= s
    return np.nansum(y3 * y3) + y3.max()
'''),
    (23, [], '''
def f(X, w, r, c, s):
    t1 = s
    parts3 = []
    for i in range(2):
        parts3.append(np.maximum(w, 0.1 * i))
    z4 = np.stack(parts3, axis=-1)
    y6 = w.copy()
    y6[np.isnan(y6)] = 0.0
    return np.sum(y6 * y6) + y6.sum()
'''),
    (26, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * w
    y4 = y2.copy()
    y4[np.abs(y4) > 1.0] = np.nan
    return np.nanmean(y2 ** 2)
'''),
    (28, [(2, 1)], '''
def f(X, w, r, c, s):
    t1 = np.nansum(np.mean(r, axis=0), axis=0, keepdims=True)
    t2 = w.copy()
    t2[t2 > 0] *= 0.5
    y4 = np.zeros_like(X)
    y4[[1, 1]] += X[[1, 1]] * 2.0
    return t1, np.nansum(y4)
'''),
    (29, [], '''
def f(X, w, r, c, s):
    y2 = c.copy()
    y2[y2 > 0.5] *= s
    parts4 = []
    for i in range(3):
        parts4.append(np.tanh(s * (i + 1)))
    z5 = np.stack(parts4)
    return z5, np.nansum(z5)
'''),
    (30, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 > 0.5] *= s
    t3 = np.tanh(np.where(np.isnan(r), c, w))
    h5 = y2
    for row in t3:
        h5 = np.tanh(h5 * row + w)
    return np.nanmean(h5 ** 2)
'''),
    (35, [], '''
def f(X, w, r, c, s):
    t1 = ((c / (1.0 + w ** 2)) ** 2)
    y3 = np.zeros((3, 4))
    for i in range(y3.shape[0]):
        y3[i, i] += s
    t4 = np.cos(np.cos(r))
    t5 = np.nanmean(s * np.nan_to_num(t4), axis=-1, keepdims=True)
    h7 = w
    for row in t1:
        h7 = np.tanh(h7 * row + r[0])
    y9 = np.zeros_like(y3)
    y9[np.array([2, 0, 2])] += y3[np.array([2, 0, 2])] * w
    return np.sum(t1 ** 2)
'''),
    (36, [(1, 0)], '''
def f(X, w, r, c, s):
    r += r
    y3 = np.zeros((3, 4))
    for i in range(y3.shape[0]):
        y3[:, i:i + 2] += np.nansum(y3[:, i:i + 2], axis=0, keepdims=True) * 0.1
    return np.nansum(y3 ** 2)
'''),
    (41, [], '''
def f(X, w, r, c, s):
    t1 = ((w + r) ** 2)
    t2 = X - np.nanmax(X, axis=0, keepdims=True)
    t3 = t2
    t3[t3 > 0] *= 0.5
    return np.nanmean(t3 ** 2)
'''),
    (42, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nanmax(X, axis=0, keepdims=True)
    t2 = (r - np.nanmean(t1, axis=0))
    y4 = t1.copy()
    y4[np.isnan(y4)] = 0.0
    return np.sum(t2 * t1) + t1.max()
'''),
    (45, [(1, 0), (1, 2)], '''
def f(X, w, r, c, s):
    t1 = ((w / (1.0 + r ** 2)) ** 2)
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    return t1
'''),
    (52, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=1, keepdims=True)
    t2 = np.nanmean(c * r)
    h4 = w
    for row in t1:
        h4 = np.tanh(h4 * row + s)
    return np.nansum(t1 * row) + row.sum()
'''),
    (54, [], '''
def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    t1, u2 = pair(np.nan_to_num(np.nan_to_num(r)), r)
    y4 = r.copy()
    y4[np.isnan(y4)] = 0.0
    u2 *= s
    return u2, np.sum(u2)
'''),
    (58, [], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=0, keepdims=True)
    t2 = r
    t3 = t1.T
    t3[t3 > 0] *= 0.5
    return t3, np.nansum(t1)
'''),
    (62, [], '''
def f(X, w, r, c, s):
    t1 = np.sum(r, axis=1).max(axis=0)
    t2 = np.nansum(w * (np.max(w, axis=0, keepdims=True) - np.nan_to_num(c)), axis=0)
    y4 = np.zeros_like(X)
    y4[[1, 1]] += X[[1, 1]] * w
    return np.nansum(t2 * t2) + y4.sum()
'''),
    (63, [], '''
def f(X, w, r, c, s):
    t1 = w.mean()
    y3 = X.copy()
    for i in range(len(y3)):
        y3[i, i] += s
    h5 = w
    for row in y3:
        h5 = np.tanh(h5 * row + r[0])
    return np.sum(row ** 2)
'''),
    (67, [(1, 3)], '''
def f(X, w, r, c, s):
    y2 = c.copy()
    y2[y2 < 0] = 0.0
    y4 = np.zeros_like(X)
    y4[[0, 2, 0]] += X[[0, 2, 0]] * w
    t5 = np.exp(0.3 * (y4 ** 2))
    y7 = y4.copy()
    y7[np.isnan(y7)] = 0.0
    return t5, np.nansum(y7)
'''),
    (69, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    y4 = c.copy()
    y4[np.abs(y4) > 1.0] = np.nan
    return np.sum(row * y4) + row.max()
'''),
    (78, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    t1 = c[0]
    t1[t1 > 0] *= 0.5
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + s)
    return np.nansum(t1 * t1) + row.max()
'''),
    (86, [], '''
def f(X, w, r, c, s):
    t1 = np.nan_to_num((c - 2.0))
    y3 = t1.copy()
    y3[np.isnan(y3)] = 0.0
    return t1
'''),
    (99, [], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[np.isnan(y2)] = 0.0
    t3 = np.nan_to_num(np.tanh(s))
    parts5 = []
    for i in range(3):
        parts5.append(t3 * i)
    z6 = np.stack(parts5, axis=-1)
    return y2, np.sum(z6)
'''),
    (105, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 > 0.5] *= s
    t3 = y2.sum().reshape(-1)
    t4 = X - np.nanmean(X, axis=1, keepdims=True)
    y6 = t4.copy()
    y6[np.isnan(y6)] = 0.0
    return y6
'''),
    (115, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    t3 = ((s ** 2) ** 2)
    t4 = np.maximum(t3, 0.1)
    return np.nansum(row * row) + row.sum()
'''),
    (119, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=1, keepdims=True)
    t2 = s
    y4 = np.zeros_like(t1)
    y4[[0, 2, 0]] += t1[[0, 2, 0]] * w
    return t1
'''),
    (120, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    y4 = np.zeros_like(y2)
    y4[[0, 2, 0]] += y2[[0, 2, 0]] * w
    return y2, np.sum(y4)
'''),
    (123, [(1, 2)], '''
def f(X, w, r, c, s):
    t1 = np.nanmean(w * np.abs(c)[[0, 0, 2]])
    y3 = X * 1.0
    for i in range(y3.shape[0]):
        m = y3[i] > 0
        y3[i][m] = y3[i][m] ** 2
    return np.nansum(y3 * t1) + t1.max()
'''),
    (124, [], '''
def f(X, w, r, c, s):
    r += np.minimum((r ** 2), s)
    w *= (s * 2.0)
    y4 = w.copy()
    y4[np.abs(y4) > 1.0] = np.nan
    t5 = r
    h7 = w
    for row in X:
        h7 = np.tanh(h7 * row + s)
    return np.nanmean(row ** 2)
'''),
    (131, [(1, 2)], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.tanh(w * (i + 1)))
    z3 = np.concatenate(parts2)
    return np.nansum(z3 * z3) + z3.sum()
'''),
    (134, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=0, keepdims=True)
    t2 = np.exp(0.3 * (t1 * 0.5))
    t3 = np.nanmax(t2 * (w.reshape(-1) ** 2), axis=0)
    r *= w
    return t1, np.sum(t1)
'''),
    (137, [(0, 3), (1, 1)], '''
def f(X, w, r, c, s):
    t1 = np.nan_to_num(np.minimum(c, w))
    t2 = t1 - np.max(t1, axis=1, keepdims=True)
    t3 = (t2[[0, 0, 2]] - w)
    t4 = t1 - np.nanmax(t1, axis=0, keepdims=True)
    t5 = t2
    return np.sum(t4 ** 2)
'''),
    (138, [(0, 2), (2, 2)], '''
def f(X, w, r, c, s):
    t1 = s
    t2 = np.sin(np.tanh(r))
    t3 = np.where(np.isnan(c), np.nan_to_num(t2), 2.0 * t2)
    t4 = np.nansum((t3 / (1.0 + r ** 2)))
    return np.sum(t3 ** 2)
'''),
    (140, [], '''
def f(X, w, r, c, s):
    t1 = np.where(r > np.nan_to_num(w), w.max(keepdims=True), 2.0 * r)
    t2 = X - np.nansum(X, axis=0, keepdims=True)
    y4 = np.zeros_like(t2)
    y4[np.array([2, 0, 2])] += t2[np.array([2, 0, 2])] * 2.0
    return t1
'''),
    (141, [], '''
def f(X, w, r, c, s):
    t1 = np.where(np.isnan((c - 2.0)), 0.0, (c - 2.0))
    t2 = np.where(np.isnan((t1 - 0.5)), 0.0, (t1 - 0.5))
    t3 = np.where(np.isnan(s), 0.0, s).max(axis=0, keepdims=True)
    return t2, np.nansum(t2)
'''),
    (146, [(0, 1), (2, 2)], '''
def f(X, w, r, c, s):
    y2 = np.ones_like(X)
    for i in range(len(y2)):
        y2[[i, i]] += np.clip(r.mean(axis=0, keepdims=True), -0.6, 0.7)
    y4 = y2.copy()
    y4[y4 < 0] = 0.0
    return y2, np.nansum(y2)
'''),
    (147, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(3):
        parts2.append(s * i)
    z3 = np.stack(parts2, axis=-1)
    t4 = np.nanmax(s * c)
    return np.sum(t4 * t4) + z3.sum()
'''),
    (148, [], '''
def clipped(a, lo=-0.5, hi=0.5):
    out = np.clip(a, lo, hi)
    return out, np.abs(a) + 0.1


def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    parts4 = []
    for i in range(2):
        parts4.append(np.nansum(c) * i + c)
    z5 = np.stack(parts4)
    t6, u7 = clipped(np.where((s * z5) > (c / (1.0 + row ** 2)), h2, np.maximum(s, h2)))
    y9 = X * 1.0
    for i in range(len(y9)):
        y9[i, i] += s
    return np.nansum(row ** 2)
'''),
    (149, [(0, 0), (1, 1)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    t3 = ((s + 0.5) ** 2)
    return np.sum(row * row) + row.max()
'''),
    (153, [], '''
def f(X, w, r, c, s):
    t1 = r[:, ::2][:, ::2]
    parts3 = []
    for i in range(2):
        parts3.append(np.tanh(t1 * (i + 1)))
    z4 = np.stack(parts3, axis=-1)
    return z4
'''),
    (154, [(1, 0), (1, 1)], '''
def f(X, w, r, c, s):
    t1 = np.where(w < 0.2, np.minimum(s, r), 2.0 * w)
    t2 = np.nansum(c * c)
    y4 = c.copy()
    y4[np.isnan(y4)] = 0.0
    t5 = s
    t6 = np.tanh((y4 - c))
    return t1, np.nansum(t5)
'''),
    (167, [(1, 3)], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(w * ((w / (1.0 + c ** 2)) - w), axis=-1, keepdims=True)
    t2 = r
    t2[0] = (s - w)
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    return row, np.sum(row)
'''),
    (171, [], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[y2 < 0] = 0.0
    t3 = np.where(np.isnan((s + r)), 0.0, (s + r))
    h5 = w
    for row in X:
        h5 = np.tanh(h5 * row + s)
    t6 = np.sum(c.mean(), axis=-1)
    t7 = y2
    return row
'''),
    (172, [], '''
def f(X, w, r, c, s):
    t1 = c[0]
    t1 *= s
    t2 = X - np.nansum(X, axis=1, keepdims=True)
    t3 = t2[1:, :2]
    t3 *= 0.5
    return t1, np.nansum(t3)
'''),
    (175, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=0, keepdims=True)
    t2 = t1[1:, :2]
    t2 *= 2.0
    return np.sum(t1 ** 2)
'''),
    (179, [], '''
def f(X, w, r, c, s):
    t1 = np.min((w ** 2))
    t2 = np.nanmax(w * (np.tanh(w) * np.sum(r, axis=0, keepdims=True)))
    y4 = np.zeros_like(X)
    y4[[0, 2, 0]] += X[[0, 2, 0]] * s
    return np.sum(y4 * y4) + y4.sum()
'''),
    (181, [], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(np.where(w < 0.2, c, 2.0 * c), axis=1)
    w -= np.exp(0.3 * np.nanmax(s, axis=0))
    t3 = X - np.nanmean(X, axis=0, keepdims=True)
    return np.nanmean(t3 ** 2)
'''),
    (182, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    t3 = X - np.nanmean(X, axis=0, keepdims=True)
    y5 = t3.copy()
    y5[y5 < 0] = 0.0
    return y5, np.nansum(t3)
'''),
    (194, [], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[np.abs(y2) > 1.0] = np.nan
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + w)
    return np.sum(row * row) + h4.max()
'''),
    (195, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * s
    t3 = np.nanmean(r * c, axis=-1, keepdims=True)
    return t3, np.sum(y2)
'''),
    (204, [], '''
def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    y2 = r.copy()
    y2[np.abs(y2) > 1.0] = np.nan
    t3, u4 = pair(y2, r)
    return t3
'''),
    (209, [], '''
def f(X, w, r, c, s):
    t1 = np.sin(np.sin(r))
    t2 = X - np.nansum(X, axis=0, keepdims=True)
    t3 = t2[0]
    t3[t3 > 0] *= 0.5
    return t3
'''),
    (212, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=0, keepdims=True)
    y3 = t1.copy()
    y3[y3 < 0] = 0.0
    return t1
'''),
    (217, [], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[y2 < 0] = 0.0
    t3 = np.nansum(c * c)
    h5 = w
    for row in X:
        h5 = np.tanh(h5 * row + s)
    return row
'''),
    (220, [], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=1, keepdims=True)
    t2 = t1 - np.mean(t1, axis=0, keepdims=True)
    parts4 = []
    for i in range(3):
        parts4.append(np.nansum(w) * i + r)
    z5 = np.concatenate(parts4)
    return t2
'''),
    (222, [], '''
def f(X, w, r, c, s):
    t1 = c
    t1[t1 > 0] *= 0.5
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    return np.sum(y3 ** 2)
'''),
    (225, [], '''
def f(X, w, r, c, s):
    t1 = np.nansum((w * c), axis=0)
    t2 = c
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + w)
    return h4
'''),
    (229, [], '''
def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu


def f(X, w, r, c, s):
    t1 = s
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    t4, u5 = nanstats(w)
    return h3, np.sum(u5)
'''),
    (230, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    t3 = np.nan_to_num(w[:, None])
    t4 = X - np.max(X, axis=1, keepdims=True)
    t5 = (w / (1.0 + (row ** 2) ** 2))
    return t5
'''),
    (231, [], '''
def f(X, w, r, c, s):
    t1 = np.nanmean(s * np.nanmax(np.concatenate([c, c])))
    t2 = np.nanmean(r * (t1 + w.max(keepdims=True)))
    y4 = np.zeros_like(X)
    y4[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    return t1
'''),
    (235, [(0, 0)], '''
def f(X, w, r, c, s):
    t1 = (s / (1.0 + c[..., 1:3] ** 2))
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + w)
    return np.sum(t1 ** 2)
'''),
    (237, [], '''
def f(X, w, r, c, s):
    s += (np.where(np.isnan(c), 0.0, c) - s)
    parts3 = []
    for i in range(2):
        parts3.append(np.nansum(w) * i + w)
    z4 = np.array(parts3)
    return z4
'''),
    (240, [], '''
def f(X, w, r, c, s):
    t1 = np.minimum((r / (1.0 + c ** 2)), c)
    w -= w
    h4 = w
    for row in t1:
        h4 = np.tanh(h4 * row + r[0])
    return t1, np.sum(h4)
'''),
    (242, [(2, 1), (2, 3)], '''
def f(X, w, r, c, s):
    t1 = np.minimum(np.where(c > 0, r, 0.0), r)
    y3 = t1.copy()
    y3[y3 < 0] = 0.0
    return y3, np.sum(t1)
'''),
    (244, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + s)
    h4 = row
    for row in X:
        h4 = np.tanh(h4 * row + s)
    t5 = np.clip((r @ C44), -0.6, 0.7)
    y7 = np.zeros((3, 4))
    for i in range(y7.shape[0]):
        y7[i, i] += s
    s -= np.nan_to_num(np.cos(w))
    y10 = np.zeros_like(y7)
    y10[[1, 1]] += y7[[1, 1]] * w
    return np.nansum(y10 * t5) + h4.sum()
'''),
    (245, [(0, 3), (1, 3)], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=1, keepdims=True)
    t2 = ((t1 / (1.0 + c ** 2)) ** 2)
    t3 = ((t1 * 0.5) / (1.0 + t2 ** 2))
    return np.nanmean(t1 ** 2)
'''),
    (252, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * s
    t3 = ((w - y2) @ np.arange(4.0))
    return t3, np.nansum(y2)
'''),
    (257, [(1, 1)], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[np.isnan(y2)] = 0.0
    t3 = np.nanmean(r * np.sum(np.sum(s), axis=-1))
    return np.nansum(t3 * y2) + y2.sum()
'''),
    (258, [], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(r)
    parts3 = []
    for i in range(2):
        parts3.append(np.nansum(c) * i + r)
    z4 = np.concatenate(parts3)
    return t1, np.nansum(t1)
'''),
    (261, [], '''
def f(X, w, r, c, s):
    t1 = np.mean(np.nan_to_num(r), axis=0)
    y3 = np.zeros_like(X)
    y3[[1, 1]] += X[[1, 1]] * w
    return np.sum(t1 ** 2)
'''),
    (270, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[np.isnan(y2)] = 0.0
    parts4 = []
    for i in range(2):
        parts4.append(np.maximum(c, 0.1 * i))
    z5 = np.stack(parts4, axis=-1)
    return y2
'''),
    (272, [], '''
def f(X, w, r, c, s):
    t1 = np.mean(c, axis=-1).T
    r -= r
    t3 = np.nanmean(w * np.exp(0.3 * t1.max(axis=0)), axis=-1, keepdims=True)
    y5 = X * 1.0
    for i in range(3):
        y5[i, i] += s
    return y5
'''),
    (273, [(1, 2)], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * 2.0
    y4 = y2.copy()
    y4[np.isnan(y4)] = 0.0
    return np.nansum(y4 * y4) + y2.sum()
'''),
    (276, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + s)
    y4 = h2.copy()
    y4[y4 > 0.5] *= s
    return np.sum(row ** 2)
'''),
    (277, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * w
    parts4 = []
    for i in range(3):
        parts4.append(np.maximum(r, 0.1 * i))
    z5 = sum(parts4)
    return np.sum(y2 ** 2)
'''),
    (287, [], '''
def f(X, w, r, c, s):
    t1 = w.T
    t1[...] += np.nan_to_num(s)
    if np.nansum(c) > -1.0:
        t2 = w
    else:
        t2 = np.exp(0.3 * t1)
    t3 = X - np.nanmax(X, axis=1, keepdims=True)
    return np.sum(t1 ** 2)
'''),
    (293, [], '''
def f(X, w, r, c, s):
    s += np.exp(0.3 * (w * 0.5))
    h3 = s
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    return np.sum(h3 * row) + h3.max()
'''),
    (300, [], '''
def f(X, w, r, c, s):
    t1 = np.sum(r[:, ::2], keepdims=True)
    y3 = t1.copy()
    y3[y3 < 0] = 0.0
    s -= np.maximum((w ** 2), 0.1)
    t5 = np.where(np.isnan(w[[0, 0, 2]]), 0.0, w[[0, 0, 2]])
    return y3
'''),
    (309, [(0, 1)], '''
def f(X, w, r, c, s):
    r += s
    parts3 = []
    for i in range(3):
        parts3.append(np.maximum(s, 0.1 * i))
    z4 = sum(parts3)
    return z4, np.sum(z4)
'''),
    (310, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * 2.0
    t3 = y2.reshape(4, 3)
    t3[t3 > 0] *= 0.5
    return t3
'''),
    (325, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[np.isnan(y2)] = 0.0
    y4 = np.ones_like(X)
    for i in range(3):
        m = y4[i] > 0
        y4[i][m] = y4[i][m] ** 2
    return np.sum(y4 * y2) + y2.max()
'''),
    (331, [], '''
def f(X, w, r, c, s):
    y2 = c.copy()
    y2[np.isnan(y2)] = 0.0
    t3 = X - np.mean(X, axis=1, keepdims=True)
    h5 = w
    for row in t3:
        h5 = np.tanh(h5 * row + w)
    return h5
'''),
    (340, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(3):
        parts2.append(np.maximum(w, 0.1 * i))
    z3 = np.stack(parts2)
    return z3
'''),
    (344, [], '''
def f(X, w, r, c, s):
    t1 = w.sum(axis=0).T
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    return np.sum(t1 ** 2)
'''),
    (345, [], '''
def f(X, w, r, c, s):
    t1 = np.nansum((c ** 2), axis=1)
    t2 = t1
    y4 = X.copy()
    for i in range(y4.shape[0]):
        y4[:, i:i + 2] += np.nansum(y4[:, i:i + 2], axis=0, keepdims=True) * 0.1
    return t1, np.sum(y4)
'''),
    (352, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nanmean(X, axis=1, keepdims=True)
    t2 = (t1 - 0.5)
    t3 = ((c / (1.0 + t2 ** 2)) ** 2)
    h5 = w
    for row in t1:
        h5 = np.tanh(h5 * row + w)
    return row
'''),
    (358, [], '''
def f(X, w, r, c, s):
    s *= (r + np.where(c > r, s, np.nan))
    t2 = (np.where(w < 0.2, w, 2.0 * w) + r)
    y4 = np.zeros_like(s)
    y4[[1, 1]] += s[[1, 1]] * 2.0
    return np.nansum(t2 ** 2)
'''),
    (360, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 > 0.5] *= s
    parts4 = []
    for i in range(3):
        parts4.append(np.nansum(s) * i + c)
    z5 = np.array(parts4)
    return np.sum(y2 ** 2)
'''),
    (370, [(2, 0), (2, 2)], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[np.abs(y2) > 1.0] = np.nan
    t3 = (w[..., 1:3] ** 2)
    parts5 = []
    for i in range(3):
        parts5.append(c[i] * 2.0)
    z6 = np.stack(parts5)
    return t3, np.sum(y2)
'''),
    (375, [(2, 3)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    y4 = np.zeros_like(X)
    y4[[0, 2, 0]] += X[[0, 2, 0]] * 2.0
    return np.nansum(row ** 2)
'''),
    (379, [(1, 2), (2, 2)], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(s * np.nan_to_num((c ** 2)), axis=-1, keepdims=True)
    t2 = c[0]
    t2[t2 > 0] *= 0.5
    t3 = np.minimum(np.tanh(s), w)
    t4 = t2
    y6 = np.ones_like(X)
    for i in range(y6.shape[0]):
        y6[i, i] += s
    y8 = y6.copy()
    y8[y8 > 0.5] *= s
    return np.sum(t1 * y6) + y8.max()
'''),
    (387, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    y4 = np.ones_like(X)
    for i in range(y4.shape[0]):
        y4[i, i] += s
    return row, np.sum(h2)
'''),
    (390, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nanmax(X, axis=0, keepdims=True)
    y3 = np.zeros_like(t1)
    y3[[1, 1]] += t1[[1, 1]] * 2.0
    return y3, np.nansum(t1)
'''),
    (393, [], '''
def f(X, w, r, c, s):
    t1 = np.where(w > r, s, 0.0).max(keepdims=True)
    t2 = X - np.max(X, axis=1, keepdims=True)
    t3 = np.nanmax(r * ((t1 * 0.5) * 2.0), axis=0)
    t4 = np.cos((t3 - c))
    return t1, np.sum(t1)
'''),
    (394, [], '''
def f(X, w, r, c, s):
    y2 = np.ones_like(X)
    for i in range(y2.shape[0]):
        y2[[i, i]] += np.nanmax(w, axis=0)
    y4 = y2.copy()
    y4[y4 > 0.5] *= s
    return np.nansum(y4 * y4) + y4.sum()
'''),
    (395, [], '''
def f(X, w, r, c, s):
    t1 = np.where(np.isnan(c), 0.0, c)
    t2 = (np.nan_to_num(c) ** 2)
    t3 = X - np.mean(X, axis=1, keepdims=True)
    return t3
'''),
    (398, [], '''
def f(X, w, r, c, s):
    s -= np.tanh(c)
    t2 = X - np.max(X, axis=0, keepdims=True)
    t3 = t2 - np.nanmax(t2, axis=1, keepdims=True)
    t4 = r
    y6 = t2.copy()
    y6[np.abs(y6) > 1.0] = np.nan
    return t4, np.sum(t4)
'''),
    (403, [(0, 1), (1, 3)], '''
def f(X, w, r, c, s):
    t1 = np.where(w < 0.2, (s * s), r)
    t2 = np.cos((s * w))
    t3 = X - np.max(X, axis=0, keepdims=True)
    y5 = t3.copy()
    y5[np.abs(y5) > 1.0] = np.nan
    return t1
'''),
    (408, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * w
    t3 = y2.copy()
    t3 *= 0.5
    y5 = np.zeros_like(t3)
    y5[np.array([2, 0, 2])] += t3[np.array([2, 0, 2])] * w
    return y5
'''),
    (412, [(0, 1)], '''
def f(X, w, r, c, s):
    t1 = np.nanmean(r * np.where(np.isnan(np.sin(c)), 0.0, np.sin(c)))
    parts3 = []
    for i in range(3):
        parts3.append(t1 * i)
    z4 = np.stack(parts3, axis=-1)
    return np.nansum(t1 * t1) + z4.max()
'''),
    (422, [], '''
def f(X, w, r, c, s):
    y2 = X * 1.0
    for i in range(3):
        y2[:, i:i + 2] += np.nansum(y2[:, i:i + 2], axis=0, keepdims=True) * 0.1
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + s)
    return np.nanmean(row ** 2)
'''),
    (425, [], '''
def f(X, w, r, c, s):
    y2 = np.ones_like(X)
    for i in range(y2.shape[0]):
        m = y2[i] > 0
        y2[i][m] = y2[i][m] ** 2
    y4 = np.zeros_like(y2)
    y4[[1, 1]] += y2[[1, 1]] * w
    return np.nansum(y2 ** 2)
'''),
    (428, [(2, 3)], '''
def f(X, w, r, c, s):
    y2 = c.copy()
    y2[y2 < 0] = 0.0
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    return y2
'''),
    (429, [], '''
def f(X, w, r, c, s):
    t1 = (np.nan_to_num(s) - w)
    t2 = np.maximum((s + 2.0), r)
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    return t2, np.sum(t2)
'''),
    (437, [], '''
def f(X, w, r, c, s):
    t1 = np.nansum(w * c, axis=0)
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    return y3
'''),
    (445, [], '''
def f(X, w, r, c, s):
    t1 = np.nan_to_num(np.minimum(s, -0.2))
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    y5 = w.copy()
    y5[np.abs(y5) > 1.0] = np.nan
    return y5
'''),
    (448, [(1, 1)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + s)
    y4 = np.zeros_like(X)
    y4[[0, 2, 0]] += X[[0, 2, 0]] * s
    return y4, np.sum(row)
'''),
    (451, [(1, 2)], '''
def f(X, w, r, c, s):
    t1 = np.where(np.nan_to_num(s) > (r * r), np.nanmean(w, axis=0, keepdims=True), 0.0)
    t2 = X - np.nanmax(X, axis=0, keepdims=True)
    t3 = np.nansum((w ** 2), axis=0)
    return np.sum(t1 ** 2)
'''),
    (452, [(1, 0)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    parts4 = []
    for i in range(3):
        parts4.append(s * i)
    z5 = np.stack(parts4, axis=-1)
    return z5, np.sum(z5)
'''),
    (460, [(1, 2), (2, 0)], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.nansum(s) * i + s)
    z3 = np.stack(parts2)
    return np.nansum(z3 ** 2)
'''),
    (462, [], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(s * np.exp(0.3 * c), axis=-1, keepdims=True)
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    return row
'''),
    (465, [(0, 0)], '''
def f(X, w, r, c, s):
    r -= r
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    t4 = np.min(np.where(w > c, r, 2.0 * w), axis=1)
    return np.nanmean(row ** 2)
'''),
    (466, [], '''
def f(X, w, r, c, s):
    r *= np.nanmean(c.mean(axis=0), axis=0, keepdims=True)
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + w)
    return np.nansum(row * h3) + h3.sum()
'''),
    (472, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * 2.0
    y4 = np.zeros_like(y2)
    y4[[0, 2, 0]] += y2[[0, 2, 0]] * w
    return y2
'''),
    (475, [], '''
def f(X, w, r, c, s):
    t1 = np.exp(0.3 * r).reshape(-1)
    y3 = X * 1.0
    for i in range(3):
        y3[:, i:i + 2] += np.nansum(y3[:, i:i + 2], axis=0, keepdims=True) * 0.1
    return t1
'''),
    (477, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=1, keepdims=True)
    t2 = np.tanh(c)
    t3 = np.exp(0.3 * (s * 2.0))
    return t2
'''),
    (481, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.nansum(r) * i + s)
    z3 = np.array(parts2)
    t4 = r.T
    h6 = w
    for row in X:
        h6 = np.tanh(h6 * row + s)
    return h6
'''),
    (482, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(w[i] * 2.0)
    z3 = sum(parts2)
    parts5 = []
    for i in range(2):
        parts5.append(np.nansum(r) * i + w)
    z6 = np.array(parts5)
    return z6
'''),
    (502, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * s
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + w)
    return np.sum(row ** 2)
'''),
    (503, [(1, 2), (2, 1)], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * 2.0
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + r[0])
    return np.nanmean(row ** 2)
'''),
    (506, [], '''
def f(X, w, r, c, s):
    t1 = c
    t1[t1 > 0] *= 0.5
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + w)
    t4 = t1[0]
    t4[[0, 0]] += np.minimum(row[..., 1:3], -0.2)
    return np.sum(h3 * h3) + h3.sum()
'''),
    (519, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros((3, 4))
    for i in range(len(y2)):
        y2[[i, i]] += np.clip(s, -0.6, 0.7)
    y4 = np.zeros_like(y2)
    y4[np.array([2, 0, 2])] += y2[np.array([2, 0, 2])] * 2.0
    return np.sum(y2 ** 2)
'''),
    (520, [], '''
def f(X, w, r, c, s):
    t1 = np.exp(0.3 * np.minimum(r, s))
    y3 = c.copy()
    y3[y3 < 0] = 0.0
    return y3
'''),
    (526, [], '''
def f(X, w, r, c, s):
    t1 = s
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + s)
    t4 = np.nanmax(t1 * h3)
    return np.sum(h3 * t1) + t4.max()
'''),
    (529, [], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=1, keepdims=True)
    t2 = t1 - np.max(t1, axis=0, keepdims=True)
    t3 = t2 - np.max(t2, axis=0, keepdims=True)
    t4 = np.min(t2[:, ::2], keepdims=True)
    return np.sum(t2 ** 2)
'''),
    (530, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nansum(X, axis=0, keepdims=True)
    h3 = w
    for row in t1:
        h3 = np.tanh(h3 * row + w)
    return np.nansum(h3 * t1) + t1.max()
'''),
    (542, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(3):
        parts2.append(np.maximum(r, 0.1 * i))
    z3 = sum(parts2)
    t4 = ((w - w) - np.nan_to_num(z3))
    return np.nanmean(z3 ** 2)
'''),
    (543, [], '''
def f(X, w, r, c, s):
    t1 = c
    t2 = (t1 - r).max(axis=0)
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    return np.nanmean(t2 ** 2)
'''),
    (545, [(0, 3)], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.tanh(c * (i + 1)))
    z3 = np.concatenate(parts2)
    return z3
'''),
    (556, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + r[0])
    return np.nanmean(h4 ** 2)
'''),
    (559, [(1, 2), (2, 1)], '''
def f(X, w, r, c, s):
    s -= (c.T ** 2)
    t2 = np.where(np.isnan(np.sum(w)), 0.0, np.sum(w))
    parts4 = []
    for i in range(2):
        parts4.append(np.nansum(c) * i + r)
    z5 = sum(parts4)
    return z5
'''),
    (560, [], '''
def scaled(a, k=2.0):
    m = np.max(a, axis=0, keepdims=True)
    return a - m, m * k


def f(X, w, r, c, s):
    t1, u2 = scaled(s)
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + r[0])
    return t1, np.sum(t1)
'''),
    (561, [], '''
def f(X, w, r, c, s):
    t1 = np.nanmax(r.max(axis=0, keepdims=True))
    t2 = np.minimum(r.sum(axis=0), w)
    t3 = (c ** 2)
    y5 = r.copy()
    y5[np.abs(y5) > 1.0] = np.nan
    return t1, np.sum(t2)
'''),
    (570, [(1, 0)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + s)
    y4 = np.ones_like(X)
    for i in range(y4.shape[0]):
        m = y4[i] > 0
        y4[i][m] = y4[i][m] ** 2
    return np.nansum(y4 ** 2)
'''),
    (578, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + w)
    return y2
'''),
    (581, [], '''
def f(X, w, r, c, s):
    t1 = c[1:, :2]
    t1 *= 2.0
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + s)
    return row
'''),
    (583, [], '''
def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    y2 = w.copy()
    y2[np.abs(y2) > 1.0] = np.nan
    t3, u4 = pair(r, r)
    return t3
'''),
    (585, [(1, 2)], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[y2 < 0] = 0.0
    t3 = (np.clip(r, -0.6, 0.7) / (1.0 + (y2 / (1.0 + s ** 2)) ** 2))
    y5 = w.copy()
    y5[np.isnan(y5)] = 0.0
    return t3
'''),
    (586, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    t3 = X - np.max(X, axis=0, keepdims=True)
    return np.nanmean(row ** 2)
'''),
    (596, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    y4 = np.zeros_like(X)
    y4[[0, 2, 0]] += X[[0, 2, 0]] * s
    return row, np.nansum(h2)
'''),
    (597, [(1, 3)], '''
def f(X, w, r, c, s):
    t1 = w
    y3 = X * 1.0
    for i in range(len(y3)):
        y3[i, i] += s
    return t1
'''),
    (598, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    t3 = s
    return t3
'''),
    (599, [], '''
def f(X, w, r, c, s):
    t1 = (c ** 2)
    t2 = w
    t3 = X - np.nanmax(X, axis=0, keepdims=True)
    y5 = t3.copy()
    y5[y5 < 0] = 0.0
    return y5, np.nansum(t1)
'''),
    (606, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros((3, 4))
    for i in range(y2.shape[0]):
        y2[[i, i]] += w
    h4 = w
    for row in y2:
        h4 = np.tanh(h4 * row + r[0])
    return np.sum(h4 * row) + row.sum()
'''),
    (616, [(1, 1), (2, 1)], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 < 0] = 0.0
    r += np.exp(0.3 * np.exp(0.3 * s))
    t4 = w
    return t4, np.nansum(t4)
'''),
    (619, [], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=1, keepdims=True)
    y3 = np.zeros_like(t1)
    y3[np.array([2, 0, 2])] += t1[np.array([2, 0, 2])] * 2.0
    return t1, np.nansum(t1)
'''),
    (626, [], '''
def f(X, w, r, c, s):
    t1 = np.max(np.tanh(c), axis=-1)
    t2 = (np.nan_to_num(r) + (r + c))
    y4 = np.zeros_like(t2)
    y4[np.array([2, 0, 2])] += t2[np.array([2, 0, 2])] * s
    return np.nansum(t1 * t1) + y4.sum()
'''),
    (628, [], '''
def f(X, w, r, c, s):
    c *= np.nansum(np.where(r > 0, s, w), axis=1, keepdims=True)
    parts3 = []
    for i in range(3):
        parts3.append(c[i] * 2.0)
    z4 = np.array(parts3)
    return np.nansum(z4 * z4) + z4.sum()
'''),
    (629, [(2, 0), (2, 2)], '''
def f(X, w, r, c, s):
    if np.nansum(c) > -1.0:
        t1 = r
    else:
        t1 = (np.nan_to_num(r) ** 2)
    t2 = c
    return np.sum(t2 * t2) + t1.sum()
'''),
    (630, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.maximum(w, 0.1 * i))
    z3 = sum(parts2)
    y5 = np.zeros_like(X)
    y5[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    return z3
'''),
    (633, [(1, 0)], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(3):
        parts2.append(np.maximum(r, 0.1 * i))
    z3 = np.concatenate(parts2)
    return np.nanmean(z3 ** 2)
'''),
    (635, [(1, 3), (2, 0)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    y2 = r.copy()
    y2[np.isnan(y2)] = 0.0
    t3 = c[1:, :2]
    t3 *= 2.0
    return np.sum(y2 * y2) + y2.sum()
'''),
    (640, [(0, 0), (1, 1)], '''
def scaled(a, k=2.0):
    m = np.max(a, axis=0, keepdims=True)
    return a - m, m * k


def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * w
    t3, u4 = scaled(np.nan_to_num(c))
    t5 = np.nanmean(s * np.where(np.isnan(np.where(y2 > 0, t3, 0.0)), 0.0, np.where(y2 > 0, t3, 0.0)), axis=0)
    parts7 = []
    for i in range(2):
        parts7.append(t3[i] * 2.0)
    z8 = np.concatenate(parts7)
    y10 = np.zeros((3, 4))
    for i in range(y10.shape[0]):
        y10[i, i] += s
    return t5
'''),
    (641, [], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 > 0.5] *= s
    t3 = X - np.nanmax(X, axis=0, keepdims=True)
    return np.nansum(y2 * t3) + y2.sum()
'''),
    (649, [], '''
def f(X, w, r, c, s):
    y2 = X.copy()
    for i in range(3):
        y2[:, i:i + 2] += np.nansum(y2[:, i:i + 2], axis=0, keepdims=True) * 0.1
    y4 = np.zeros_like(y2)
    y4[[1, 1]] += y2[[1, 1]] * w
    return y2
'''),
    (651, [(2, 0)], '''
def f(X, w, r, c, s):
    t1 = X - np.mean(X, axis=0, keepdims=True)
    y3 = t1.copy()
    y3[np.isnan(y3)] = 0.0
    return np.nansum(t1 ** 2)
'''),
    (662, [], '''
def f(X, w, r, c, s):
    c -= (w.mean(axis=0, keepdims=True) / (1.0 + np.cos(s) ** 2))
    y3 = np.zeros_like(X)
    y3[[1, 1]] += X[[1, 1]] * s
    return y3
'''),
    (665, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nanmean(X, axis=0, keepdims=True)
    parts3 = []
    for i in range(2):
        parts3.append(np.maximum(t1, 0.1 * i))
    z4 = np.stack(parts3)
    return t1
'''),
    (667, [(1, 2), (2, 3)], '''
def f(X, w, r, c, s):
    t1 = s
    y3 = np.ones_like(X)
    for i in range(3):
        m = y3[i] > 0
        y3[i][m] = y3[i][m] ** 2
    y5 = np.zeros_like(y3)
    y5[[1, 1]] += y3[[1, 1]] * 2.0
    return np.nanmean(t1 ** 2)
'''),
    (668, [], '''
def f(X, w, r, c, s):
    y2 = r.copy()
    y2[y2 > 0.5] *= s
    t3 = np.exp(0.3 * np.nanmax(y2, axis=0, keepdims=True))
    return np.nansum(t3 * t3) + t3.sum()
'''),
    (674, [], '''
def f(X, w, r, c, s):
    t1 = (np.nanmax(s, axis=0) ** 2)
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + w)
    return h3, np.nansum(row)
'''),
    (681, [], '''
def f(X, w, r, c, s):
    t1 = ((r * r) / (1.0 + (s ** 2) ** 2))
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * s
    y5 = y3.copy()
    y5[y5 < 0] = 0.0
    return np.sum(y3 ** 2)
'''),
    (683, [], '''
def f(X, w, r, c, s):
    parts2 = []
    for i in range(2):
        parts2.append(np.maximum(s, 0.1 * i))
    z3 = np.stack(parts2, axis=-1)
    return z3
'''),
    (685, [(0, 0)], '''
def f(X, w, r, c, s):
    y2 = w.copy()
    y2[np.isnan(y2)] = 0.0
    y4 = c.copy()
    y4[y4 < 0] = 0.0
    y6 = c.copy()
    y6[np.abs(y6) > 1.0] = np.nan
    return y4, np.nansum(y6)
'''),
]


REFUSED_WITHOUT_SHAPES = [  # (seed, nans, source, part of the message, refused every way)
    (14, [(1, 2)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    t1 = X - np.nanmean(X, axis=1, keepdims=True)
    t2 = t1[0]
    t2 *= 0.5
    t3 = np.nanmax(w * np.nansum(np.nanmax(c, axis=1)))
    t4 = t1
    t4[t4 > 0] *= 0.5
    return np.nanmean(t3 ** 2)
''', "t2\\ \\*=\\ \\.\\.\\.\\ writes\\ into\\ 't1'\\ where\\ t2\\ =\\ t1\\[0\\]\\ is\\ an\\ array\\ \\(a\\ v", False),
    (33, [], '''
def f(X, w, r, c, s):
    c -= w.mean(axis=0, keepdims=True)[None, :]
    t2 = w
    h4 = t2
    for row in X:
        h4 = np.tanh(h4 * row + r[0])
    w *= np.min(h4).reshape(-1)
    y7 = h4.copy()
    y7[np.abs(y7) > 1.0] = np.nan
    t8 = row.copy()
    t8 *= h4
    return np.sum(t2 * t8) + t2.sum()
''', "'h4'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 'w'\\ on\\ line\\ \\d+,", True),
    (39, [(0, 1), (0, 3)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    y2 = w.copy()
    y2[y2 > 0.5] *= s
    t3 = X - np.mean(X, axis=0, keepdims=True)
    t4 = t3.reshape(4, 3)
    t4[t4 > 0] *= 0.5
    t5 = np.sum((t3 ** 2), axis=-1)
    h7 = y2
    for row in t3:
        h7 = np.tanh(h7 * row + s)
    return np.nanmean(y2 ** 2)
''', "'t3'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't4'\\ on\\ line\\ \\d+", False),
    (48, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    return np.sum(row * h2) + h4.max()
''', "the\\ loop\\ variable\\ 'row'\\ is\\ read\\ after\\ the\\ loop,\\ where\\ it\\ hol", True),
    (61, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1


def f(X, w, r, c, s):
    t1 = X - np.nanmean(X, axis=0, keepdims=True)
    t2 = np.nanmean(s * np.nanmean(s), axis=-1, keepdims=True)
    t3 = (t1 @ C44)[1:]
    y5 = np.zeros_like(t1)
    y5[[0, 2, 0]] += t1[[0, 2, 0]] * w
    y7 = np.ones_like(y5)
    for i in range(3):
        y7[[i, i]] += (np.exp(0.3 * t2) + t3)
    return t3, np.sum(t2)
''', 'ValueError:\\ matmul:\\ Input\\ operand\\ 1\\ has\\ a\\ mismatch\\ in\\ its\\ co', False),
    (82, [(0, 1), (2, 2)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1

def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu


def f(X, w, r, c, s):
    t1 = r
    t1 *= 2.0
    y3 = np.zeros_like(X)
    y3[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * 2.0
    t4, u5 = nanstats(np.maximum(y3, w))
    y7 = np.ones_like(y3)
    for i in range(len(y7)):
        y7[i, i] += s
    t8 = y7[1:, :2]
    t8[[0, 0]] += np.where(np.isnan((u5 @ C42)), 0.0, (u5 @ C42))
    return t1, np.sum(u5)
''', 'ValueError:\\ setting\\ an\\ array\\ element\\ with\\ a\\ sequence\\.\\ on\\ sam', False),
    (90, [(1, 2)], '''
def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu


def f(X, w, r, c, s):
    t1 = r
    t1[...] += r
    t2 = s
    t2 *= s
    h4 = w
    for row in X:
        h4 = np.tanh(h4 * row + s)
    t5 = (np.mean(t1, axis=1, keepdims=True) / (1.0 + c ** 2))
    t6, u7 = nanstats((np.where(np.isnan(w), 0.0, w) + 2.0))
    return u7
''', "'s'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't2'\\ on\\ line\\ \\d+,", False),
    (118, [], '''
def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu


def f(X, w, r, c, s):
    t1 = w[0]
    t1 *= 0.5
    t2 = c
    t3, u4 = nanstats(np.exp(0.3 * np.minimum(w, w)))
    return t1, np.sum(t2)
''', "'w'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't1'\\ on\\ line\\ \\d+,", False),
    (122, [], '''
def f(X, w, r, c, s):
    t1 = np.nansum(c * np.exp(0.3 * r).max(axis=0, keepdims=True), axis=0)
    t2 = X - np.mean(X, axis=1, keepdims=True)
    t3 = t2
    t3 *= 0.5
    t4 = np.nanmean(w * np.min(np.tanh(r), axis=1, keepdims=True), axis=-1, keepdims=True)
    parts6 = []
    for i in range(2):
        parts6.append(np.nansum(t2) * i + r)
    z7 = sum(parts6)
    return np.sum(t4 ** 2)
''', "'t2'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't3'\\ on\\ line\\ \\d+,", False),
    (135, [], '''
def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[np.array([2, 0, 2])] += X[np.array([2, 0, 2])] * w
    t3, u4 = pair(np.minimum(c, -0.2).mean(keepdims=True), c)
    t5 = np.nanmean(c * c)
    t6 = y2.reshape(4, 3)
    t6[t6 > 0] *= 0.5
    y8 = np.zeros_like(y2)
    y8[np.array([2, 0, 2])] += y2[np.array([2, 0, 2])] * w
    return t5, np.nansum(t6)
''', "'y2'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't6'\\ on\\ line\\ \\d+", True),
    (142, [], '''
def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[1, 1]] += X[[1, 1]] * 2.0
    t3, u4 = pair((r / (1.0 + (w / (1.0 + y2 ** 2)) ** 2)), c)
    t5 = np.exp(0.3 * (s * r))
    h7 = w
    for row in t3:
        h7 = np.tanh(h7 * row + r[0])
    t8 = t3[0]
    t8[[0, 0]] += np.nanmax(np.where(t5 < 0.2, t3, c))
    return np.sum(row * t8) + h7.max()
''', "'row'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't8'\\ on\\ line\\ \\d+", True),
    (275, [], '''
def f(X, w, r, c, s):
    t1 = (np.maximum(c, s) ** 2)
    t2 = np.sum(np.stack([w, w], axis=0), keepdims=True)
    y4 = np.zeros_like(X)
    y4[[1, 1]] += X[[1, 1]] * 2.0
    t5 = np.cos(c).max()
    t6 = y4.reshape(4, 3)
    t6[t6 > 0] *= 0.5
    y8 = y4.copy()
    for i in range(3):
        m = y8[i] > 0
        y8[i][m] = y8[i][m] ** 2
    return t2
''', "'y4'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't6'\\ on\\ line\\ \\d+", True),
    (311, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1

def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu

def scaled(a, k=2.0):
    m = np.max(a, axis=0, keepdims=True)
    return a - m, m * k


def f(X, w, r, c, s):
    t1 = X - np.nanmean(X, axis=1, keepdims=True)
    t2, u3 = nanstats(np.concatenate([(r ** 2), np.sin(t1)], axis=0))
    t4, u5 = scaled(np.matmul((t1 + s), t2.T))
    t6 = t1.T
    t6 *= 2.0
    return np.sum(t1 ** 2)
''', "'t1'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't6'\\ on\\ line\\ \\d+", False),
    (329, [], '''
def f(X, w, r, c, s):
    t1 = np.clip((c - 0.5), -0.6, 0.7)
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + r[0])
    h5 = w
    for row in X:
        h5 = np.tanh(h5 * row + r[0])
    return np.sum(row * h3) + h3.sum()
''', "the\\ loop\\ variable\\ 'row'\\ is\\ read\\ after\\ the\\ loop,\\ where\\ it\\ hol", True),
    (347, [], '''
def f(X, w, r, c, s):
    t1 = X - np.nanmax(X, axis=1, keepdims=True)
    t2 = np.stack([(s ** 2), np.nansum(s)], axis=0)
    t3 = t1 - np.mean(t1, axis=1, keepdims=True)
    y5 = t1.copy()
    y5[np.isnan(y5)] = 0.0
    t6 = np.stack([(y5 + r), (t1 ** 2)], axis=0)
    return t2
''', 'ValueError:\\ all\\ input\\ arrays\\ must\\ have\\ the\\ same\\ shape\\ on\\ sam', False),
    (409, [], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1

def nanstats(a):
    mu = np.nanmean(a, axis=0)
    return mu, np.nanmax(a, axis=0) - mu


def f(X, w, r, c, s):
    t1, u2 = nanstats(np.exp(0.3 * np.tanh(r)))
    t3 = r.copy()
    t3 *= 0.5
    t1 += (np.where(np.isnan(s), 0.0, s) / (1.0 + np.clip(t1, -0.6, 0.7) ** 2))
    y6 = np.zeros_like(X)
    y6[[0, 2, 0]] += X[[0, 2, 0]] * 2.0
    t7 = y6
    t7 *= 0.5
    return np.nansum(t1 * t3) + y6.max()
''', "'y6'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't7'\\ on\\ line\\ \\d+", False),
    (415, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + r[0])
    h2 += h2
    t4 = np.nanmean((w * w), axis=0, keepdims=True)
    return np.sum(h2 * row) + t4.max()
''', "'w'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 'h2'\\ on\\ line\\ \\d+,\\ ", True),
    (433, [(0, 0), (1, 2)], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    h2 += (r / (1.0 + h2 ** 2))[-1]
    h5 = row
    for row in X:
        h5 = np.tanh(h5 * row + w)
    return np.nanmean(h5 ** 2)
''', "'w'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 'h2'\\ on\\ line\\ \\d+,\\ ", True),
    (467, [(0, 0), (1, 0)], '''
C42 = np.arange(8.0).reshape(4, 2) / 8.0 - 0.3
C44 = np.eye(4) * 0.5 + 0.1

def pair(a, b):
    h = np.tanh(a) * b
    return h, np.sum(h, axis=-1, keepdims=True)


def f(X, w, r, c, s):
    t1 = c[1:, :2]
    t1[...] += np.nanmean(np.mean(r, axis=1, keepdims=True))
    t2 = r[0]
    t2 *= 2.0
    t3 = s
    t4, u5 = pair(t3, c)
    r += np.nan_to_num(s).mean(keepdims=True)
    return t4, np.sum(t1)
''', "'r'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't2'\\ on\\ line\\ \\d+,", False),
    (537, [], '''
def f(X, w, r, c, s):
    y2 = np.zeros_like(X)
    y2[[0, 2, 0]] += X[[0, 2, 0]] * 2.0
    t3 = y2[0]
    t3 *= s
    return y2
''', "t3\\ \\*=\\ \\.\\.\\.\\ writes\\ into\\ 'y2'\\ where\\ t3\\ =\\ y2\\[0\\]\\ is\\ an\\ array\\ \\(a\\ v", False),
    (563, [], '''
def f(X, w, r, c, s):
    h2 = w
    for row in X:
        h2 = np.tanh(h2 * row + w)
    t3 = np.where(np.isnan(np.minimum(h2, -0.2)), 0.0, np.minimum(h2, -0.2))
    t4 = w.T
    t4 *= 2.0
    parts6 = []
    for i in range(2):
        parts6.append(np.nansum(t4) * i + t3)
    z7 = np.stack(parts6)
    t8 = X - np.nanmean(X, axis=1, keepdims=True)
    return t3, np.nansum(h2)
''', "'h2'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 't4'\\ on\\ line\\ \\d+", True),
    (612, [], '''
def f(X, w, r, c, s):
    r += np.min(s)
    h3 = w
    for row in X:
        h3 = np.tanh(h3 * row + s)
    h5 = w
    for row in X:
        h5 = np.tanh(h5 * row + r[0])
    return h5, np.nansum(row)
''', "the\\ loop\\ variable\\ 'row'\\ is\\ read\\ after\\ the\\ loop,\\ where\\ it\\ hol", True),
    (637, [], '''
def f(X, w, r, c, s):
    t1 = np.nansum(r * np.maximum((c / (1.0 + s ** 2)), 0.1))
    t2 = np.exp(0.3 * (r ** 2))
    t3 = c.copy()
    t3[t3 > 0] *= 0.5
    y5 = t3.copy()
    y5[y5 > 0.5] *= s
    return np.nansum(t3 * t3) + t3.max()
''', 'ValueError:\\ operands\\ could\\ not\\ be\\ broadcast\\ together\\ with\\ sh', False),
    (652, [(0, 0), (2, 2)], '''
def scaled(a, k=2.0):
    m = np.max(a, axis=0, keepdims=True)
    return a - m, m * k


def f(X, w, r, c, s):
    parts2 = []
    for i in range(3):
        parts2.append(c[i] * 2.0)
    z3 = np.concatenate(parts2)
    t4 = c
    t5 = np.nanmean(np.exp(0.3 * r))
    c -= ((t5 * 2.0) * 2.0)
    t7, u8 = scaled(np.nan_to_num(t4.sum(keepdims=True)))
    parts10 = []
    for i in range(3):
        parts10.append(np.nansum(w) * i + u8)
    z11 = sum(parts10)
    return t4
''', "'t4'\\ may\\ have\\ been\\ changed\\ by\\ the\\ write\\ into\\ 'c'\\ on\\ line\\ \\d+,", False),
]



@pytest.mark.parametrize("seed, nans, source", RIGHT, ids=[f"seed{case[0]}" for case in RIGHT])
def test_random_program_right_every_way(seed, nans, source):
    assert_right(source, _args(seed, nans), seed=seed)


@pytest.mark.parametrize("seed, nans, source, match, everywhere", REFUSED_WITHOUT_SHAPES,
                         ids=[f"seed{case[0]}" for case in REFUSED_WITHOUT_SHAPES])
def test_random_program_refused_without_shapes(seed, nans, source, match, everywhere):
    assert_refused(source, match)
    if everywhere:
        assert_refused(source, match, shapes=SHAPES)
    else:
        assert_right(source, _args(seed, nans), ways=("shapes", "decorator"), seed=seed)


# ---------------------------------------------------------------- a number written into one element


def test_a_number_written_into_one_element_beside_arrays_of_any_shape():
    # generated without shapes, the code was written for numbers alone and raised a TypeError given X
    assert_right('''
    def f(X, s):
        A = np.zeros((3, 4))
        A[0, 0] = s
        return np.sum(A * X)
    ''', [np.arange(12.0).reshape(3, 4) / 7.0, 0.6], shapes={"X": "3, 4", "s": "float"})


def test_a_number_added_on_a_diagonal_in_a_loop_beside_arrays():
    source = '''
    def f(X, w, r, c, s):
        y = np.zeros((3, 4))
        for i in range(3):
            y[i, i] += s
        h = w
        for row in y:
            h = np.tanh(h * row + s)
        return np.nanmean(y ** 2) + np.sum(h)
    '''
    assert_right(source, _args(164))
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    assert "written for numbers s:" in text  # (s alone: X, w, r and c arrays of every shape)


def test_a_number_computed_before_it_is_written_into_an_element():
    assert_right('''
    def f(X, w, lam):
        A = X.T @ X
        k = lam * 2.0
        A[1, 1] += k
        A[2, 3] = np.tanh(k)
        return np.sum(np.tanh(A) @ w)
    ''', [np.random.default_rng(3).standard_normal((3, 4)), np.random.default_rng(4).standard_normal(4), 0.4],
        shapes={"X": "3, 4", "w": "4", "lam": "float"})


def test_a_row_written_from_a_parameter_still_takes_arrays():
    source = '''
    def f(x, v):
        y = x * 1.0
        y[0] = v * np.ones(4)
        return np.sum(y ** 2)
    '''
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    assert "written for numbers" not in text
    assert_right(source, [np.arange(12.0).reshape(3, 4) / 5.0, np.array([0.3, -0.2, 0.5, 0.1])],
                 shapes={"x": "3, 4", "v": "4"})


def test_a_parameter_written_into_a_row_is_no_number():
    # t[0] = np.tanh(r) writes a row where t is a matrix: r stays an array beside a number in A[1, 2]
    source = '''
    def f(X, r):
        t = X * 1.0
        t[0] = np.tanh(r)
        A = np.zeros((3, 4))
        A[1, 2] = np.sum(r)
        return np.sum(t ** 2) + np.sum(A * X)
    '''
    assert "written for numbers" not in backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    assert_right(source, [np.arange(12.0).reshape(3, 4) / 9.0, np.array([0.2, -0.4, 0.6, 0.1])],
                 shapes={"X": "3, 4", "r": "4"})



def test_a_row_of_a_matrix_written_from_a_parameter_is_no_element():
    # t5[0] = ... writes a row of the matrix t5, so r is not taken for a number (which made the code raise a
    # TypeError given r); with no shapes the sample arrays fit nowhere and the shapes are asked for
    source = '''
    def clipped(a, lo=-0.5, hi=0.5):
        out = np.clip(a, lo, hi)
        return out, np.abs(a) + 0.1

    def f(X, w, r, c, s):
        y2 = np.zeros_like(X)
        y2[[0, 2, 0]] += X[[0, 2, 0]] * s
        t3 = ((s / (1.0 + w ** 2)) / (1.0 + (c - c) ** 2))
        s -= (np.nan_to_num(y2) / (1.0 + (s + r) ** 2))
        t5 = t3.copy()
        t5[0] = np.nan_to_num(np.tanh(r))
        t6, u7 = clipped(s)
        t8 = ((w / (1.0 + c ** 2)) @ np.ones(4))
        return u7, np.sum(t3)
    '''
    assert_refused(source, r"operands could not be broadcast together .* the shapes of X, w, r, c, s are needed")
    assert_right(source, _args(391), ways=("shapes", "decorator"), seed=391)
