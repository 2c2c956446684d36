"""NumPy spellings real code uses that backgen refused: ``list(y)`` of an array (its rows), ``a.view()``,
``np.ix_``, ``np.dstack``, ``np.full(n, s)`` of a differentiated fill value; each backward checked
against central finite differences in float64, by ``generate`` without shapes, with them, and by the
decorator; where NumPy's meaning depends on something backgen cannot know, the refusal is checked."""

import numpy as np
import pytest

import backgen
from numeric import check_gradients, finite_differences
from every_way import every_way as _every_way, forward as _forward, generated as _generated

RNG = np.random.default_rng(20261204)


def _named(shape):
    return ", ".join("NMKL"[:len(shape)])


LIST_OF_ROWS = '''
import numpy as np

def f(y, w):
    rows = list(y)
    rows.append(w)
    total = rows[0] * rows[-1]
    for r in rows[1:]:
        total = total + np.tanh(r) * r
    return np.sum(total)
'''


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2), (4,)])
def test_list_of_an_arrays_rows(shape, tmp_path):
    """list(y) of an array is the list of its rows (numbers of a vector): refused as an unknown function."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape[1:]) if shape[1:] else 0.4]
    given = {"y": ", ".join(map(str, shape)), "w": ", ".join(map(str, shape[1:])) or "float"}
    _every_way(LIST_OF_ROWS, "f", args, given, tmp_path,
               free=False)  # (w of any rank, a row of another: refused without shapes)
    source = "import numpy as np\n\ndef g(y):\n    rows = list(y)\n    return np.sum(rows[0] * rows[1])\n"
    _every_way(source, "g", args[:1], {"y": _named(shape)}, tmp_path)


LIST_COPY = '''
import numpy as np

def f(a, b):
    xs = [a, b * 2.0]
    ys = list(xs)
    ys.append(a * b)
    return np.sum(ys[0] * ys[2]) + np.sum(xs[1] ** 2) + len(ys)
'''


def test_list_of_a_list_is_a_copy(tmp_path):
    """list(xs) of a list: a new list of the same items (the append into it leaves xs as it was)."""
    _every_way(LIST_COPY, "f", [RNG.normal(size=3), RNG.normal(size=3)], {"a": "N", "b": "N"}, tmp_path)


VIEW = '''
import numpy as np

def f(a, w):
    a = a * 1.0
    b = a.view()
    c = b * w
    b[0] = b[0] * 3.0
    return np.sum(a * c) + np.sum(b ** 2)
'''


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 2)])
def test_view_shares_the_array(shape, tmp_path):
    """a.view() is a view of all of a: the write through it changes a too (in a copy backgen makes of a)."""
    source = VIEW
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(source, "f", args, {"a": _named(shape), "w": _named(shape)}, tmp_path)


def test_view_of_a_type_is_refused():
    source = "import numpy as np\n\ndef f(a):\n    return np.sum(a.view(np.int64))\n"
    with pytest.raises(backgen.BackgenError, match=r"x.view\(\) is differentiated without arguments"):
        backgen.generate(source, name="f", shapes={"a": "N"})


IX = '''
import numpy as np

def f(a, w):
    rows = np.array([0, 2, 0])
    block = a[np.ix_(rows, [1, 0])]
    picked = a[np.ix_(w[:, 0] > 0, [2])]
    return np.sum(block * w[:3, :2]) + np.sum(picked ** 2)
'''


def test_ix_index(tmp_path):
    """a[np.ix_(rows, cols)]: the block of those rows and columns (a row twice: its gradient twice),
    also of a boolean mask."""
    a, w = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    w[:, 0] = [0.5, -0.4, 0.9]
    _every_way(IX, "f", [a, w], {"a": "N, M", "w": "N, M"}, tmp_path)


DSTACK = '''
import numpy as np

def f(a, b, c):
    stacked = np.dstack([a, b, c])
    return np.sum(np.sin(stacked) * np.arange(stacked.size).reshape(stacked.shape))
'''


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3), (2, 3)), ((4,), (4,), (4,)), ((2, 3, 2), (2, 3), (2, 3, 1)),
                                    ((), (), ()), ((3, 1), (3, 1, 2), (3, 1))])
def test_dstack(shapes, tmp_path):
    """np.dstack: along the third axis, a matrix (M, N) a block (M, N, 1), a vector (N,) one (1, N, 1)."""
    args = [RNG.normal(size=s) if s else float(RNG.normal()) for s in shapes]
    given = {n: _named(s) if s else "float" for n, s in zip("abc", shapes)}
    if len({len(s) for s in shapes}) > 1:  # named axes of one length each: sizes of their own
        given = {n: ", ".join(map(str, s)) for n, s in zip("abc", shapes)}
    _every_way(DSTACK, "f", args, given, tmp_path)


FULL = '''
import numpy as np

def f(s, x):
    base = np.full(4, s)
    grid = np.full(np.shape(x), s * 2.0) + x
    return np.sum(base * np.arange(4.0)) + np.sum(grid ** 2)
'''


@pytest.mark.parametrize("shapes", [((), (2, 3)), ((3,), (2, 3)), ((2, 1), (2, 3)), ((), ()), ((), (2, 3, 2))])
def test_full_of_a_differentiated_value(shapes, tmp_path):
    """np.full(shape, s) with s differentiated: s broadcast to the shape, its gradient summed back
    (refused as 'building a value this way')."""
    s_shape, x_shape = shapes
    source = FULL if s_shape == () else FULL.replace("np.full(4, s)", "np.full((4,) + np.shape(s), s)").replace(
        "np.arange(4.0)", "1.5")
    args = [RNG.normal(size=s_shape) if s_shape else 0.7, RNG.normal(size=x_shape) if x_shape else -0.3]
    given = {"s": _named(s_shape) or "float", "x": _named(x_shape) or "float"}
    if s_shape and x_shape:
        given = {"s": ", ".join(map(str, s_shape)), "x": ", ".join(map(str, x_shape))}
    _every_way(source, "f", args, given, tmp_path)


def test_full_of_an_integer_dtype_is_refused():
    source = "import numpy as np\n\ndef f(s):\n    return np.sum(np.full(3, s, dtype=int))\n"
    with pytest.raises(backgen.BackgenError, match=r"np.full of dtype=int rounds its fill value"):
        backgen.generate(source, name="f", shapes={"s": "float"})


def test_full_of_constants_stays_a_constant(tmp_path):
    source = '''
import numpy as np

def f(x):
    best = np.full(x.shape[1], -np.inf)
    for row in x:
        best = np.maximum(best, row)
    return np.sum(best * np.full((2, x.shape[1]), 0.5, dtype=int).sum(axis=0) + x[0])
'''
    _every_way(source, "f", [RNG.normal(size=(3, 4))], {"x": "N, M"}, tmp_path)


ADD_AT_NEW_ARRAY = '''
import numpy as np

def f(x, v):
    y = np.zeros((3, 4))
    y[[0, 0, 2]] += v
    np.add.at(y + 1.0, [1, 1], x[0])
    np.add.at(y, [2, 2], x[1] * v)
    return np.sum(y * x, axis=1)
'''


def test_add_at_into_a_new_array_changes_nothing(tmp_path):
    """np.add.at(y + 1.0, ...) adds into the new array y + 1.0, which no line reads: it changes no value
    (refused: 'np.add.at is read as np.add.at(a, indices, b)'; real-code fuzzer seed 171, program 338)."""
    args = [RNG.normal(size=(3, 4)), RNG.normal(size=4)]
    forward = _forward(ADD_AT_NEW_ARRAY, "f", tmp_path)
    dout = RNG.normal(size=3)
    for given in (None, {"x": "3, 4", "v": "4"}):
        got = _generated(ADD_AT_NEW_ARRAY, "f", given)(*args, dout)
        want = finite_differences(forward, args, [0, 1], [dout])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


SWAPPED_ELEMENTS = '''
import numpy as np

def f(X, C, r):
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
    nearest = np.min(d, axis=1)
    nearest[0], nearest[1] = (nearest[1].copy(), nearest[0].copy())
    h = np.where(np.abs(r) < 1.0, 0.5 * r ** 2, np.abs(r) - 0.5)
    return nearest.sum() + h.mean()
'''


@pytest.mark.parametrize("shapes", [((3, 2), (2, 2), (3,)), ((4, 3, 2), (2, 3, 2), (2, 2))])
def test_copied_elements_without_shapes(shapes, tmp_path):
    """nearest[1].copy() is a number where nearest is a vector, an array where it has more axes: the
    copy kept in code written for every rank (it was dropped at the ranks where it copies a number,
    so the code differed by rank and was refused; real-code fuzzer seed 171, program 224)."""
    args = [RNG.normal(size=s) for s in shapes]
    args[2] = args[2] * 0.6 + np.sign(args[2]) * 0.2  # (away from |r| = 1)
    given = {n: ", ".join(map(str, s)) for n, s in zip("XCr", shapes)}
    _every_way(SWAPPED_ELEMENTS, "f", args, given, tmp_path)


def test_a_method_of_the_loop_variable_after_the_loop(tmp_path):
    """row.copy() after the loop over rows was refused as the unknown function 'row.copy' (wild
    fuzzer seed 12, program 84); the loop's variable holds the last row after it, as in Python."""
    source = "import numpy as np\n\ndef f(W, t):\n    for row in t:\n        W = W + row\n    return W * row.copy()\n"
    args = [np.array([0.3, -0.7, 1.1]), np.arange(6.0).reshape(2, 3) / 5 - 0.4]
    dout = np.array([0.5, -1.0, 2.0])
    forward = _forward(source, "f", tmp_path)
    got = _generated(source, "f", {"W": "N", "t": "M, N"})(*args, dout)
    want = finite_differences(forward, args, [0, 1], (dout,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("body", ["ys = list(xs)\n    return sum(ys) * w",
                                  "ys = [a * w for a in list(xs)]\n    ys.append(w)\n    return sum(ys) * xs[0]"])
def test_list_of_a_list_of_numbers(body, tmp_path):
    """Plain Python: list(xs) is a new list of xs's numbers (refused as an unknown function, with the
    hint xs.copy())."""
    source = f"def f(xs, w):\n    {body}\n"
    forward = _forward(source, "f", tmp_path)
    args = [[0.3, -1.2, 0.8], 0.7]
    got = _generated(source, "f")(*args)
    check_gradients((list(got[0]), got[1]), forward, args, [0, 1])


NEW_NAMES = '''
import numpy as np

def f(a, b):
    joined = np.concat([a, b], axis=0)
    rows = np.row_stack([a, b])
    turned = np.permute_dims(a, (1, 0))
    angles = np.acos(0.5 * np.tanh(a)) + np.asin(0.5 * np.tanh(b)) + np.atan(a) + np.atan2(a, b + 3.0)
    hyper = np.asinh(a) + np.acosh(b * b + 1.5) + np.atanh(0.5 * np.tanh(a))
    return (np.sum(joined ** 2) + np.sum(rows * joined) + np.sum(turned.T * b) + np.sum(angles * hyper)
            + np.sum(np.pow(b * b + 1.0, a)) + np.sum(np.asanyarray(a) * b))
'''


@pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated")
@pytest.mark.parametrize("shape", [(2, 3), (4, 1)])
def test_numpy_2_names(shape, tmp_path):
    """NumPy 2's names of functions backgen has rules for (np.concat, np.pow, np.acos, np.atan2,
    np.permute_dims...), np.row_stack and np.asanyarray: refused as having no rule."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(NEW_NAMES, "f", args, {"a": "N, M", "b": "N, M"}, tmp_path)


UFUNC_REDUCTIONS = '''
import numpy as np

def f(a, w):
    return (np.sum(w[0] * np.add.reduce(a)) + np.sum(np.multiply.reduce(a, axis=-1) ** 2)
            + np.sum(np.maximum.reduce(a, 1, keepdims=True) * w) + np.minimum.reduce(a, axis=None))
'''


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_ufunc_reductions(shape, tmp_path):
    """np.add.reduce, np.multiply.reduce, np.maximum.reduce and np.minimum.reduce: np.sum, np.prod,
    np.max and np.min over the first axis where none is given (refused as having no rule)."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(UFUNC_REDUCTIONS, "f", args, {"a": _named(shape), "w": _named(shape)}, tmp_path)


def test_ufunc_reduction_of_another_form_is_refused():
    source = "import numpy as np\n\ndef f(a):\n    return np.add.reduce(a, 0, float)\n"
    with pytest.raises(backgen.BackgenError, match=r"np.add.reduce\(a, axis=..., keepdims=...\) is the form"):
        backgen.generate(source, name="f", shapes={"a": "N"})


SPELLED_OTHERWISE = '''
import numpy as np

def f(a, b, c):
    chain = np.linalg.multi_dot([a, b, c])
    vec = np.linalg.multi_dot([a[0], b, c[:, 0]])
    dots = np.vecdot(a, b.T) + np.linalg.vecdot(a.T, b, axis=0)
    turned = np.matrix_transpose(b) * np.linalg.matrix_transpose(b) + a
    runs = np.cumulative_sum(turned, axis=1) + np.cumulative_prod(np.tanh(turned), axis=0)
    return np.sum(chain ** 2) + np.sum(vec) + np.sum(dots * dots) + np.sum(runs * c[:1, :1])
'''


def test_functions_written_with_others(tmp_path):
    """np.linalg.multi_dot (a chain of @, 1-D ends included), np.vecdot and np.linalg.vecdot (a sum of
    products), np.matrix_transpose (np.swapaxes(a, -1, -2)); np.cumulative_sum and cumulative_prod,
    np.cumsum's and np.cumprod's other names: refused as having no rule."""
    args = [RNG.normal(size=(2, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2)) + np.eye(2)]
    _every_way(SPELLED_OTHERWISE, "f", args, {"a": "2, 3", "b": "3, 2", "c": "2, 2"}, tmp_path)


def test_multi_dot_of_a_list_not_written_out_is_the_fold_of_dot(tmp_path):
    source = "import numpy as np\n\ndef f(a, b):\n    ms = [a, b]\n    return np.sum(np.linalg.multi_dot(ms))\n"
    args = [np.random.default_rng(4).uniform(-1, 1, (3, 3)), np.random.default_rng(5).uniform(-1, 1, (3, 3))]
    _every_way(source, "f", args, {"a": "N, N", "b": "N, N"}, tmp_path)


BLOCK = '''
import numpy as np

def f(a, b, c, d):
    grid = np.block([[a, b], [c, d]])
    row = np.block([a[0], b[0], a[-1]])
    return np.sum(np.sin(grid) * grid) + np.sum(row ** 3)
'''


@pytest.mark.parametrize("shapes", [((2, 3), (2, 2), (1, 3), (1, 2)), ((2, 2, 3), (2, 2, 1), (2, 1, 3), (2, 1, 1))])
def test_block(shapes, tmp_path):
    """np.block of lists written out: each level joined along its axis, the innermost along the last
    (refused as having no rule)."""
    args = [RNG.normal(size=s) for s in shapes]
    given = {n: ", ".join(map(str, s)) for n, s in zip("abcd", shapes)}
    _every_way(BLOCK, "f", args, given, tmp_path, free=False)


def test_block_of_a_list_a_name_holds_is_refused():
    source = "import numpy as np\n\ndef f(a, b):\n    xs = [a, b]\n    return np.sum(np.block([xs, [b, a]]))\n"
    with pytest.raises(backgen.BackgenError, match="np.block is read as np.block of lists written out"):
        backgen.generate(source, name="f", shapes={"a": "N, M", "b": "N, M"})


def test_constant_functions(tmp_path):
    """np.isin, np.array_equal (booleans), np.linalg.matrix_rank (an integer), np.logspace and
    np.geomspace of constants carry no gradient; np.logspace of a differentiated bound is
    differentiated as the np.linspace it raises to a power (``grids``)."""
    source = '''
import numpy as np

def f(a, b):
    keep = np.isin(np.round(a), np.round(b)) + np.array_equal(a, b)
    scale = np.logspace(0, 1, a.shape[1]) + np.geomspace(1, 2, a.shape[1]) * np.linalg.matrix_rank(a)
    return np.sum(a * keep * scale + b * a)
'''
    _every_way(source, "f", [RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))], {"a": "N, M", "b": "N, M"}, tmp_path)
    bound = "import numpy as np\n\ndef f(a, s):\n    return np.sum(np.logspace(0, s, 3) * a)\n"
    _every_way(bound, "f", [RNG.normal(size=3), 0.7], {"a": "3", "s": "float"}, tmp_path)


FILLED = '''
import numpy as np

def f(a, b):
    y = a * b
    total = np.sum(y ** 2)
    y.fill(0.5)
    y[0] = a[0] * 3.0
    acc = np.zeros(b.shape)
    acc.fill(np.sum(b))
    return total + np.sum(y * b) + np.sum(acc * a) + np.sum(a.copy(order='F') * np.copy(b, order='C'))
'''


@pytest.mark.parametrize("shape", [(2, 3), (4,), (2, 2, 3)])
def test_fill_and_copies_in_an_order(shape, tmp_path):
    """y.fill(v) standing alone is the write y[...] = v (refused: a call standing alone may write into
    its arguments); a copy in an order holds the same numbers (refused: np.copy got an unexpected
    keyword argument 'order')."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(FILLED, "f", args, {"a": _named(shape), "b": _named(shape)}, tmp_path)


UFUNC_SETTINGS = '''
import numpy as np

def f(a, b):
    return (np.sum(np.maximum(a, 0.1, out=None) * b) + np.sum(np.exp(a, dtype=np.float64) * b)
            + np.sum(np.add(a, b, dtype=float, casting='same_kind') ** 2) + np.sum(np.multiply(a, b, where=True))
            + np.sum(np.log(np.abs(a) + 1, out=None, order='K') * b))
'''


@pytest.mark.parametrize("shape", [(2, 3), (3,)])
def test_ufunc_settings_that_change_nothing(shape, tmp_path):
    """A ufunc's out=None, where=True, a float dtype, casting and order (refused: an unexpected keyword)."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(UFUNC_SETTINGS, "f", args, {"a": _named(shape), "b": _named(shape)}, tmp_path)


@pytest.mark.parametrize("call, message", [
    ("np.maximum(a, 0.0, out=b)", r"writes its result into an array"),
    ("np.maximum(a, 0.0, b)", r"writes its result into an array"),
    ("np.exp(a, dtype=int)", r"np.exp\(..., dtype=int\)"),
    ("np.add(a, b, where=a > 0)", r"leaves the places where it is False as out held them"),
])
def test_ufunc_settings_that_change_the_result_are_refused(call, message):
    source = f"import numpy as np\n\ndef f(a, b):\n    return np.sum({call})\n"
    with pytest.raises(backgen.BackgenError, match=message):
        backgen.generate(source, name="f", shapes={"a": "N", "b": "N"})


COPIED_INTO = '''
import numpy as np

def f(a, b):
    y = np.zeros_like(a)
    np.copyto(y, a * b)
    z = a * 2.0
    np.copyto(z, b ** 2, where=b > 0)
    w = a + 1.0
    np.copyto(w, b[..., :1])
    return np.sum(y * z) + np.sum(w ** 2)
'''


@pytest.mark.parametrize("shape", [(2, 3), (5,)])
def test_copyto(shape, tmp_path):
    """np.copyto(y, v) standing alone is the write y[...] = v (v broadcast); with where=m,
    y[...] = np.where(m, v, y) (refused as a call standing alone before)."""
    args = [RNG.normal(size=shape), RNG.normal(size=shape)]
    _every_way(COPIED_INTO, "f", args, {"a": _named(shape), "b": _named(shape)}, tmp_path)


def test_block_of_tuples_is_refused():
    """np.block takes lists only (NumPy raises for tuples): refused, not read as lists."""
    source = "import numpy as np\n\ndef f(a, b):\n    return np.sum(np.block([(a, b)]))\n"
    with pytest.raises(backgen.BackgenError, match="np.block is read as np.block of lists written out"):
        backgen.generate(source, name="f", shapes={"a": "N, M", "b": "N, M"})
