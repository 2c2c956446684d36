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
from numeric import assert_close, finite_differences, imported

PARAMS = ("X", "w", "r", "c", "s")
SHAPES = {"X": "3, 4", "w": "4", "r": "1, 4", "c": "3, 1", "s": "float"}


def _copies(values):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in values]


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
        out = func(*_copies(args))
    several = isinstance(out, tuple)
    douts = _douts(out if several else (out,), seed)
    positions = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray)]
    with np.errstate(all="ignore"):
        want = finite_differences(lambda *v: func(*_copies(v)), list(args), positions, douts)
    for way in ways:
        given, dgiven = _copies(args), _copies(douts)
        with np.errstate(all="ignore"):
            if way == "decorator":
                got = backgen.backward(func).backward(*given, dout=tuple(dgiven) if several else dgiven[0])
            else:
                asked = (shapes or {p: SHAPES[p] for p in params}) if way == "shapes" else None
                written = backgen.generate(text, name=name, shapes=asked)
                assert written == backgen.generate(text, name=name, shapes=asked)  # deterministic
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
