"""NumPy derivative rules, checked against finite differences computed here.

Every forward function is written to a real file under ``tmp_path`` (backgen
reads source with ``inspect``) and imported.  Gradients are compared with
central finite differences in float64 of ``sum(dout * f(...))`` computed by
this file, never by backgen.  Every check also asserts that each gradient has
exactly its input's shape and a floating dtype, and that the backward leaves
its inputs and ``dout`` untouched.
"""

import copy
import importlib.util
import inspect
import itertools
import textwrap
import uuid

import numpy as np
import pytest

import backgen
from backgen import BackgenError
from numeric import gradient, weighted

H = 1e-6
RTOL = 1e-5
ATOL = 1e-7


# --- helpers -----------------------------------------------------------------

def load(tmp_path, source, name="f"):
    """Write ``import numpy as np`` + ``source`` to a fresh file and return ``name`` from it."""
    path = tmp_path / f"fwd_{uuid.uuid4().hex}.py"
    path.write_text("import numpy as np\n\n\n" + textwrap.dedent(source).lstrip())
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def forward(tmp_path, params, expr):
    """``def f(params): return expr`` loaded from a file."""
    return load(tmp_path, f"def f({params}):\n    return {expr}\n")


def numeric_grad(f, args, i, dout, h=H):
    """Central finite differences of ``sum(dout * f(*args))`` with respect to ``args[i]``."""
    def as_array(*trial):
        return np.asarray(f(*trial), dtype=float)
    return gradient(weighted(as_array, (np.asarray(dout, dtype=float),)), list(args), i, h)

def upstream(out, seed=1234):
    """A fixed upstream gradient of the output's shape (a non-unit number for scalars)."""
    if np.ndim(out) == 0:
        return 0.7
    return np.random.default_rng(seed).standard_normal(np.shape(out))


def check(f, *args, wrt=None, dout=None):
    """Run backgen's backward of ``f`` on ``args`` and check it against finite differences.

    Returns ``(decorated, grads_tuple)``.
    """
    names = list(inspect.signature(f).parameters)
    wrt_names = tuple(names) if wrt is None else tuple(wrt)
    g = backgen.backward(f, wrt=wrt)
    if dout is None:
        dout = upstream(f(*args))
    kept_args = copy.deepcopy(args)
    kept_dout = copy.deepcopy(dout)
    grads = g.backward(*args, dout=dout)
    if len(wrt_names) == 1:
        grads = (grads,)
    source = g.backward_source
    assert len(grads) == len(wrt_names), source
    # the backward never writes into its inputs or the upstream gradient
    for name, before, after in zip(names, kept_args, args):
        np.testing.assert_array_equal(after, before, err_msg=f"{name} was modified\n{source}")
    np.testing.assert_array_equal(dout, kept_dout, err_msg=f"dout was modified\n{source}")
    for name, grad in zip(wrt_names, grads):
        i = names.index(name)
        assert np.shape(grad) == np.shape(args[i]), \
            f"d{name} has shape {np.shape(grad)}, {name} has {np.shape(args[i])}\n{source}"
        assert np.asarray(grad).dtype.kind == "f", f"d{name} has dtype {np.asarray(grad).dtype}\n{source}"
        expected = numeric_grad(f, args, i, dout)
        np.testing.assert_allclose(grad, expected, rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of {name}\n{source}")
    return g, grads


def positive(shape, rng):
    value = rng.uniform(0.5, 1.5, size=shape)
    return float(value) if shape == () else value


def signed(shape, rng):
    """Values with |x| in [0.3, 1.2] and random signs (away from 0)."""
    value = rng.uniform(0.3, 1.2, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return float(value) if shape == () else value


def _around_one(shape, rng):
    """Values in [0.5, 1.5]: safe for log, sqrt, division, powers and products."""
    value = rng.uniform(0.5, 1.5, size=shape)
    return float(value) if shape == () else value


def _shape_id(shape):
    return "x".join(map(str, shape)) if shape else "scalar"


def _make_args(shapes, rng, make):
    return [make(tuple(shape), rng) for shape in shapes]


SHAPES = [(), (4,), (3, 4)]


# --- elementwise unary ---------------------------------------------------------------

# (expression in x, how to draw x)
UNARY = [
    ("np.exp(x)", signed),
    ("np.log(x)", positive),
    ("np.log1p(x)", positive),
    ("np.expm1(x)", signed),
    ("np.sqrt(x)", positive),
    ("np.square(x)", signed),
    ("np.abs(x)", signed),
    ("np.sign(x)", signed),
    ("np.sin(x)", signed),
    ("np.cos(x)", signed),
    ("np.tan(x)", signed),
    ("np.tanh(x)", signed),
    ("np.arctan(x)", signed),
    ("np.sinh(x)", signed),
    ("np.cosh(x)", signed),
    ("np.reciprocal(x)", signed),
    ("np.negative(x)", signed),
    ("x ** 3", signed),
    ("-x", signed),
]


@pytest.mark.parametrize("output", ["array", "summed"])
@pytest.mark.parametrize("shape", SHAPES, ids=_shape_id)
@pytest.mark.parametrize("expr, make", UNARY, ids=[expr for expr, _ in UNARY])
def test_elementwise_unary(tmp_path, expr, make, shape, output):
    f = forward(tmp_path, "x", expr if output == "array" else f"np.sum({expr})")
    x = make(shape, np.random.default_rng(40))
    check(f, x)


def test_sign_has_zero_gradient(tmp_path):
    f = forward(tmp_path, "x", "np.sign(x)")
    _, (dx,) = check(f, signed((3, 4), np.random.default_rng(41)))
    np.testing.assert_array_equal(dx, np.zeros((3, 4)))


def test_a_value_of_no_gradient_gets_no_adjoint(tmp_path):
    """np.sign(x) * x: the product's gradient for np.sign(x) goes nowhere, so it is not written
    (``dsignx = x * dout`` was, a line computing what nothing reads)."""
    f = forward(tmp_path, "x", "np.sum(np.sign(x) * x)")
    check(f, signed((3, 4), np.random.default_rng(42)))
    text = backgen.generate(f)
    assert "dsignx" not in text and "signx * dprod" in text


# --- binary operators and functions with broadcasting ----------------------------------

BINARY = [
    "x + y", "x - y", "x * y", "x / y", "x ** y",
    "np.power(x, y)", "np.add(x, y)", "np.subtract(x, y)", "np.multiply(x, y)",
    "np.divide(x, y)", "np.maximum(x, y)", "np.minimum(x, y)",
]
BROADCAST_SHAPES = [(), (4,), (3, 4), (1, 4), (3, 1)]


@pytest.mark.parametrize("xshape, yshape", list(itertools.product(BROADCAST_SHAPES, repeat=2)),
                         ids=[f"{_shape_id(a)}-{_shape_id(b)}"
                              for a, b in itertools.product(BROADCAST_SHAPES, repeat=2)])
@pytest.mark.parametrize("expr", BINARY)
def test_binary_with_broadcasting(tmp_path, expr, xshape, yshape):
    f = forward(tmp_path, "x, y", expr)
    rng = np.random.default_rng(42)
    power = "**" in expr or "power" in expr
    x = positive(xshape, rng) if power else signed(xshape, rng)  # a positive base for powers
    y = signed(yshape, rng)  # |y| >= 0.3: safe divisor, and never within H of x for maximum/minimum
    check(f, x, y)


@pytest.mark.parametrize("expr", ["x ** 2", "x ** 0.5", "2 ** x", "x ** -1", "np.power(x, 3)"])
def test_powers_with_constants(tmp_path, expr):
    f = forward(tmp_path, "x", expr)
    check(f, positive((3, 4), np.random.default_rng(43)))


# --- ReLU and selection ----------------------------------------------------------------

def test_relu(tmp_path):
    f = forward(tmp_path, "x", "np.maximum(0, x)")
    g, _ = check(f, signed((3, 4), np.random.default_rng(44)))  # backgen.backward(f), one .backward call
    assert "dout * (x > 0)" in g.backward_source, g.backward_source


# (parameters, expression, shapes); values are drawn around 1, away from the thresholds
SELECTION = [
    ("x, y", "np.where(x > 1, x, y)", [(3, 4), (3, 4)]),
    ("x, y", "np.where(x > 1, x, y)", [(3, 4), (4,)]),
    ("x, y", "np.where(x > 1, x, y)", [(3, 4), (3, 1)]),
    ("x, y", "np.where(x > 1, x, y)", [(3, 4), ()]),
    ("x, y", "np.where(x > 1, y, x)", [(3, 4), (1, 4)]),
    ("x", "np.clip(x, 0.8, 1.2)", [(3, 4)]),
    ("x", "np.clip(x, 0.8, 1.2)", [(4,)]),
    ("x", "(x > 1) * x", [(3, 4)]),
    ("x", "x * (x > 1)", [(4,)]),
]


@pytest.mark.parametrize("params, expr, shapes", SELECTION,
                         ids=[f"{expr}-{'-'.join(map(_shape_id, shapes))}" for _, expr, shapes in SELECTION])
def test_selection(tmp_path, params, expr, shapes):
    f = forward(tmp_path, params, expr)
    check(f, *_make_args(shapes, np.random.default_rng(46), _around_one))


# --- reductions ----------------------------------------------------------------------

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std"]
AXES = [None, 0, 1, -1, (0, 1), (1, 2)]


def _reduction(name, spelling, axis, keepdims):
    kwargs = []
    if axis is not None:
        kwargs.append(f"axis={axis!r}")
    if keepdims:
        kwargs.append("keepdims=True")
    if spelling == "method":
        return f"x.{name}({', '.join(kwargs)})"
    return f"np.{name}({', '.join(['x'] + kwargs)})"


REDUCTION_EXPRS = [
    _reduction(name, spelling, axis, keepdims)
    for name in REDUCTIONS for spelling in ("method", "function")
    for axis in AXES for keepdims in (False, True)
]


@pytest.mark.parametrize("expr", REDUCTION_EXPRS)
def test_reductions(tmp_path, expr):
    f = forward(tmp_path, "x", expr)
    check(f, _around_one((2, 3, 4), np.random.default_rng(47)))


@pytest.mark.parametrize("expr", [
    "x.sum(axis=None, keepdims=False)",
    "np.mean(x, axis=None, keepdims=True)",
    "x.var(ddof=1)",
    "np.var(x, axis=0, ddof=1)",
    "x.std(axis=1, ddof=1, keepdims=True)",
    "np.std(x, axis=(0, 2), ddof=1)",
])
def test_reduction_keywords(tmp_path, expr):
    f = forward(tmp_path, "x", expr)
    check(f, _around_one((2, 3, 4), np.random.default_rng(48)))


@pytest.mark.parametrize("shape", [(4,), (3, 4)], ids=_shape_id)
def test_linalg_norm(tmp_path, shape):
    f = forward(tmp_path, "x", "np.linalg.norm(x)")
    check(f, signed(shape, np.random.default_rng(49)))


@pytest.mark.parametrize("source, shapes", [
    ("np.sum(np.linalg.norm(x - x[:, None] + 0 * x[:1], axis=-1) * w)", {"x": "N, D", "w": "N, N"}),
    ("np.sum(np.linalg.norm(x - x[:, None], axis=2) * w)", None),
    ("np.linalg.norm(x - x) * np.sum(w) + np.sum(x * w[:, :1])", {"x": "N, D", "w": "N, N"}),
    ("np.sum(np.linalg.norm(x - x[:, None], ord=3, axis=2) * w)", {"x": "N, D", "w": "N, N"}),
])
def test_linalg_norm_of_zeros_has_gradient_zero_there(source, shapes):
    """A norm of an all-zero part (a point's distance to itself, np.linalg.norm(pos[:, None] -
    pos[None], axis=2) with the diagonal masked) takes the subgradient 0 there, not 0 / 0: the
    Coulomb energy over all pairs got a gradient of nan, where finite differences are finite."""
    text = backgen.generate(f"import numpy as np\ndef f(x, w):\n    return {source}\n", shapes=shapes)
    namespace = {}
    exec(text, namespace)
    rng = np.random.default_rng(50)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(4, 4))
    f = eval(f"lambda x, w: {source}", {"np": np})
    dx, dw = namespace["f_backward"](x, w)
    assert np.all(np.isfinite(dx)) and np.all(np.isfinite(dw)), text
    for got, k in ((dx, 0), (dw, 1)):
        want = np.zeros_like(got)
        args = [x, w]
        for i in np.ndindex(got.shape):
            up = [a.copy() for a in args]
            down = [a.copy() for a in args]
            up[k][i] += 1e-6
            down[k][i] -= 1e-6
            want[i] = (f(*up) - f(*down)) / 2e-6
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=text)


@pytest.mark.parametrize("expr, value", [
    ("np.max(x)", [1.0, 3.0, 3.0]),
    ("x.max()", [1.0, 3.0, 3.0]),
    ("np.min(x)", [2.0, -1.0, -1.0]),
])
def test_max_min_ties_share_the_gradient(tmp_path, expr, value):
    f = forward(tmp_path, "x", expr)
    x = np.array(value)
    g = backgen.backward(f)
    first = copy.deepcopy(g.backward(x, dout=0.7))
    second = g.backward(x, dout=0.7)
    assert np.shape(first) == (3,), g.backward_source
    np.testing.assert_allclose(np.sum(first), 0.7, err_msg=g.backward_source)
    assert first[0] == 0.0, g.backward_source  # the element that is not extreme gets nothing
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(x, np.array(value))


# --- linear algebra ------------------------------------------------------------------

# (parameters, expression, shapes)
DOT_SHAPES = [[(4,), (4,)], [(4,), (4, 5)], [(3, 4), (4,)], [(3, 4), (4, 5)]]
MATMUL_SHAPES = [
    [(3, 4), (4, 5)],
    [(2, 3, 4), (4, 5)],
    [(3, 4), (2, 4, 5)],
    [(2, 3, 4), (2, 4, 5)],
    [(3, 4), (4,)],
    [(4,), (4, 5)],
    [(2, 3, 4), (4,)],
    [(4,), (2, 4, 5)],
    [(4,), (4,)],
]
LINALG = (
    [("a, b", expr, shapes) for expr in ("np.dot(a, b)", "a.dot(b)") for shapes in DOT_SHAPES]
    + [("a, b", expr, shapes) for expr in ("a @ b", "np.matmul(a, b)") for shapes in MATMUL_SHAPES]
    + [
        ("a, b", "np.outer(a, b)", [(3,), (4,)]),
        ("a, b", "np.tensordot(a, b, axes=1)", [(3, 4), (4, 5)]),
        ("a, b", "np.tensordot(a, b, axes=([1], [0]))", [(3, 4), (4, 5)]),
        ("a, b", "np.einsum('ij,jk->ik', a, b)", [(3, 4), (4, 5)]),
        ("a, b", "np.einsum('ij,ij->i', a, b)", [(3, 4), (3, 4)]),
        ("a, b", "np.einsum('i,j->ij', a, b)", [(3,), (4,)]),
        ("a", "np.einsum('ij->ji', a)", [(3, 4)]),
    ]
)


@pytest.mark.parametrize("params, expr, shapes", LINALG,
                         ids=[f"{expr}-{'-'.join(map(_shape_id, shapes))}" for _, expr, shapes in LINALG])
def test_linear_algebra(tmp_path, params, expr, shapes):
    f = forward(tmp_path, params, expr)
    check(f, *_make_args(shapes, np.random.default_rng(50), signed))


# --- shape operations ----------------------------------------------------------------

SHAPE_OPS = [
    ("x", "x.T", [(3, 4)]),
    ("x", "np.transpose(x)", [(3, 4)]),
    ("x", "np.transpose(x, (1, 2, 0))", [(2, 3, 4)]),
    ("x", "np.transpose(x, axes=(2, 0, 1))", [(2, 3, 4)]),
    ("x", "x.reshape(4, -1)", [(2, 3, 4)]),
    ("x", "x.reshape((-1, 3))", [(3, 4)]),
    ("x", "x.reshape(-1)", [(3, 4)]),
    ("x", "np.reshape(x, (6, -1))", [(2, 3, 4)]),
    ("x", "np.reshape(x, (2, 6))", [(3, 4)]),
    ("x", "x.ravel()", [(3, 4)]),
    ("x", "x.ravel()", [(2, 3, 4)]),
    ("x", "np.expand_dims(x, 0)", [(4,)]),
    ("x", "np.expand_dims(x, 1)", [(3, 4)]),
    ("x", "np.expand_dims(x, axis=-1)", [(3, 4)]),
    ("x", "np.squeeze(x)", [(3, 1, 4)]),
    ("x", "np.squeeze(x, axis=1)", [(3, 1, 4)]),
    ("x", "np.squeeze(x)", [(1, 4)]),
    ("x, y", "np.concatenate([x, y])", [(2, 4), (3, 4)]),
    ("x, y", "np.concatenate([x, y], axis=0)", [(2, 4), (3, 4)]),
    ("x, y", "np.concatenate([x, y], axis=1)", [(3, 2), (3, 4)]),
    ("x, y", "np.concatenate((x, y), axis=-1)", [(3, 2), (3, 4)]),
    ("x, y", "np.concatenate([x, y, x], axis=-1)", [(2,), (3,)]),
    ("x, y", "np.stack([x, y])", [(3, 4), (3, 4)]),
    ("x, y", "np.stack([x, y], axis=0)", [(4,), (4,)]),
    ("x, y", "np.stack([x, y], axis=1)", [(3, 4), (3, 4)]),
    ("x, y", "np.hstack([x, y])", [(3,), (4,)]),
    ("x, y", "np.hstack([x, y])", [(3, 2), (3, 4)]),
    ("x, y", "np.vstack([x, y])", [(4,), (4,)]),
    ("x, y", "np.vstack([x, y])", [(2, 4), (3, 4)]),
    ("x, y", "np.vstack([x, y])", [(4,), (3, 4)]),
    ("x", "np.broadcast_to(x, (3, 4))", [(4,)]),
    ("x", "np.broadcast_to(x, (3, 4))", [(3, 1)]),
    ("x", "np.broadcast_to(x, (2, 3, 4))", [(3, 4)]),
    ("x", "np.tile(x, 2)", [(4,)]),
    ("x", "np.tile(x, (2, 3))", [(3, 4)]),
    ("x", "np.tile(x, (2, 1, 1))", [(3, 4)]),
    ("x", "np.repeat(x, 2)", [(3, 4)]),
    ("x", "np.repeat(x, 3, axis=0)", [(3, 4)]),
    ("x", "np.repeat(x, 2, axis=1)", [(3, 4)]),
    ("x", "np.repeat(x, 2, axis=-1)", [(4,)]),
]


@pytest.mark.parametrize("params, expr, shapes", SHAPE_OPS,
                         ids=[f"{expr}-{'-'.join(map(_shape_id, shapes))}" for _, expr, shapes in SHAPE_OPS])
def test_shape_operations(tmp_path, params, expr, shapes):
    f = forward(tmp_path, params, expr)
    check(f, *_make_args(shapes, np.random.default_rng(51), signed))


# --- indexing reads ------------------------------------------------------------------

INDEXING = [
    ("x[1]", (3, 4)),
    ("x[-1]", (3, 4)),
    ("x[1, 2]", (3, 4)),
    ("x[2]", (4,)),
    ("x[0, -1, 2]", (2, 3, 4)),
    ("x[::2]", (5, 4)),
    ("x[1:-1]", (5, 4)),
    ("x[-4:-1:2]", (6,)),
    ("x[:, 1::2]", (3, 5)),
    ("x[:, -2:]", (3, 4)),
    ("x[::-1]", (4,)),
    ("x[..., 1]", (2, 3, 4)),
    ("x[0, ...]", (2, 3, 4)),
    ("x[..., 1:3]", (2, 3, 4)),
    ("x[None]", (3, 4)),
    ("x[:, None]", (3, 4)),
    ("x[:, np.newaxis, :]", (3, 4)),
    ("x[np.newaxis, 1]", (3, 4)),
    ("x[x > 1]", (3, 4)),
    ("x[x > 1]", (4,)),
    ("x[np.array([0, 2, 0])]", (3, 4)),
    ("x[np.array([0, 2, 0])]", (4,)),
    ("x[np.array([1, 1, 1, 3])].sum()", (4,)),
    ("x[:, np.array([0, 2, 0])]", (3, 4)),
]


@pytest.mark.parametrize("expr, shape", INDEXING, ids=[f"{e}-{_shape_id(s)}" for e, s in INDEXING])
def test_indexing_reads(tmp_path, expr, shape):
    f = forward(tmp_path, "x", expr)
    check(f, _around_one(shape, np.random.default_rng(52)))  # values around 1, away from the mask's threshold


def test_gather_with_repeats_accumulates(tmp_path):
    f = forward(tmp_path, "x", "x[np.array([0, 2, 0])]")
    x = _around_one((4,), np.random.default_rng(53))
    _, (dx,) = check(f, x, dout=np.array([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(dx, [5.0, 0.0, 2.0, 0.0])


@pytest.mark.parametrize("expr", [
    "scores[np.arange(N), y]",
    "scores[np.arange(N), y].sum()",
    "-np.log(scores[np.arange(N), y]).sum() / N",
])
def test_cs231n_gather(tmp_path, expr):
    f = forward(tmp_path, "scores, y, N", expr)
    scores = _around_one((6, 3), np.random.default_rng(54))
    y = np.array([0, 2, 2, 1, 0, 2])  # labels repeat across rows; each row picks one element
    _, (dscores,) = check(f, scores, y, 6, wrt=("scores",))
    assert dscores.shape == (6, 3)


# --- the backward never writes into its inputs or dout --------------------------------

# Forward functions whose adjoints could alias one another, the inputs or dout.  Each runs
# as written with an array dout ("array"), and as "summed-float" / "summed-0d"
# (the same expression summed; dout a float / a 0-d array).
ALIASING = [
    ("def f(x):\n    a = x * 1.0\n    return a + a\n", {}),
    ("def f(x):\n    return (x + x).sum()\n", {}),
    ("def f(x):\n    return x + x\n", {}),
    ("def f(x):\n    q = x * 2\n    return q + q.sum()\n", {}),
    ("def f(x):\n    q = x * 2\n    return q + q\n", {}),
    ("def f(x, y):\n    return x + y\n", {}),
    ("def f(x, y):\n    return x - y\n", {}),
    ("def f(x):\n    return x + x * 2\n", {}),
    ("def f(x):\n    return x * 2 + x\n", {}),
    ("def f(x, y):\n    s = x + y\n    return s + s * y\n", {}),
    ("def f(x, y):\n    s = x + y\n    t = s + x\n    return t + y\n", {}),
    ("def f(x):\n    a = x + 1.0\n    b = a.reshape(-1)\n    return b + b\n", {}),
    ("def f(x):\n    a = x.T\n    return a + a\n", {}),
    ("def f(x):\n    a = x[0]\n    return a + x[0]\n", {}),
    ("def f(x):\n    y = x * 1.0\n    y += x\n    y *= 2.0\n    return y\n", {}),
    ("def f(x):\n    return np.maximum(x, 0) + x\n", {}),
    ("def f(x, y):\n    return np.where(x > 1, x, y) + y\n", {}),
    ("def f(x):\n    return np.concatenate([x, x]) + 1.0\n", {}),
]


def _alias_id(source):
    return source.split(":\n", 1)[1].strip().replace("\n    ", "; ")


def _summed(source):
    head, tail = source.rsplit("return ", 1)
    return head + "return (" + tail.strip() + ").sum()\n"


ALIAS_PARAMS = [
    pytest.param(source, variant, id=f"{_alias_id(source)}-{variant}",
                 marks=[bugs[variant]] if variant in bugs else [])
    for source, bugs in ALIASING for variant in ("array", "summed-float", "summed-0d")
]


@pytest.mark.parametrize("source, variant", ALIAS_PARAMS)
def test_backward_never_mutates_inputs_or_dout(tmp_path, source, variant):
    dout = None
    if variant != "array":
        source = _summed(source)
        dout = 0.7 if variant == "summed-float" else np.array(0.7)
    f = load(tmp_path, source)
    nparams = len(inspect.signature(f).parameters)
    rng = np.random.default_rng(24)
    args = [_around_one((3, 4), rng) for _ in range(nparams)]
    check(f, *args, dout=dout)  # check() compares inputs and dout with copies taken before the call


@pytest.mark.parametrize("source, variant", [p for p in ALIAS_PARAMS if p.values[1] == "array"])
def test_repeated_calls_give_the_same_gradient(tmp_path, source, variant):
    f = load(tmp_path, source)
    nparams = len(inspect.signature(f).parameters)
    rng = np.random.default_rng(25)
    args = [_around_one((3, 4), rng) for _ in range(nparams)]
    dout = upstream(f(*args))
    g = backgen.backward(f)
    first = copy.deepcopy(g.backward(*args, dout=dout))
    second = g.backward(*args, dout=dout)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))


@pytest.mark.parametrize("expr", [
    "x + y",
    "(x + y).sum()",
    "x - y",
    "x * y",
    "(x * y).sum()",
    "np.concatenate([x, y])",
])
def test_gradients_are_separate_arrays(tmp_path, expr):
    """Two gradients never share memory with each other or with the inputs."""
    f = forward(tmp_path, "x, y", expr)
    rng = np.random.default_rng(30)
    x, y = _around_one((3, 4), rng), _around_one((3, 4), rng)
    dx, dy = backgen.backward(f).backward(x, y, dout=upstream(f(x, y)))
    assert not np.shares_memory(dx, dy)
    for grad in (dx, dy):
        assert not np.shares_memory(grad, x) and not np.shares_memory(grad, y)


@pytest.mark.parametrize("expr", ["x.reshape(4, 3)", "np.reshape(x * 2.0, (2, 6))", "(x.T @ y).reshape(-1)"])
def test_a_gradient_reshaped_to_an_input_s_shape_shares_no_memory_with_it(tmp_path, expr):
    """``dx = g.reshape(x.shape)`` reads only x's shape: x's memory is not the gradient's (no copy is
    needed for that), and the upstream gradient's is not either (a copy is, where g is dout)."""
    f = forward(tmp_path, "x, y", expr)
    rng = np.random.default_rng(31)
    x, y = _around_one((3, 4), rng), _around_one((3, 4), rng)
    dout = upstream(f(x, y))
    dx, dy = backgen.backward(f).backward(x, y, dout=dout)
    for grad in (dx, dy):
        assert not np.shares_memory(grad, dout) and not np.shares_memory(grad, x) and not np.shares_memory(grad, y)
    np.testing.assert_allclose(dx, numeric_grad(f, (x, y), 0, dout), rtol=RTOL, atol=ATOL)


def test_an_adjoint_reshaped_to_an_input_s_shape_is_not_copied():
    text = backgen.generate('import numpy as np\n\ndef f(x: "N, D, E", w: "F, M"):\n'
                            '    return np.sum(np.tanh(x.reshape(x.shape[0], -1).dot(w)))\n',
                            shapes={"x": (3, 2, 4), "w": (8, 5)})
    assert "dx = dreshapex.reshape(x.shape)\n" in text


@pytest.mark.parametrize("expr", [
    "x.sum()",
    "np.sum(x) * 3.0",
    "x.mean()",
    "x.sum(axis=0)",
    "(x * x).sum()",
    "x * 2.0",
    "x.max(axis=1)",
])
def test_gradients_are_writeable(tmp_path, expr):
    """Hand-written code adds a regularizer in place (dW += reg * W): gradients must be writeable."""
    f = forward(tmp_path, "x", expr)
    x = _around_one((3, 4), np.random.default_rng(32))
    dx = backgen.backward(f).backward(x, dout=upstream(f(x)))
    assert isinstance(dx, np.ndarray) and dx.flags.writeable
    expected = numeric_grad(f, (x,), 0, upstream(f(x))) + 1.0
    dx += 1.0
    np.testing.assert_allclose(dx, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_dtype_and_shape(tmp_path, dtype):
    f = forward(tmp_path, "x, b", "(x * b).sum(axis=0)")
    rng = np.random.default_rng(26)
    x, b = rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal(4).astype(dtype)
    dx, db = backgen.backward(f).backward(x, b, dout=np.ones(4, dtype=dtype))
    assert dx.shape == (3, 4) and db.shape == (4,)
    assert dx.dtype.kind == "f" and db.dtype.kind == "f"


@pytest.mark.parametrize("value, what", [
    (np.arange(12).reshape(3, 4), "integer"),
    (np.ones((3, 4), dtype=bool), "boolean"),
    (np.arange(4, dtype=np.int32), "integer"),
])
def test_integer_or_boolean_arrays_in_wrt_are_refused(tmp_path, value, what):
    f = forward(tmp_path, "weights, b", "(weights * b).sum()")
    g = backgen.backward(f)
    with pytest.raises(BackgenError, match="weights") as info:
        g.backward(value, np.ones(4))
    assert what in str(info.value)
    assert isinstance(info.value, SyntaxError)


def test_an_integer_number_in_arithmetic_gets_its_gradient_as_a_float(tmp_path):
    # refused before ("'n' is integer: it carries no gradient"), as code for numbers differentiates it
    f = forward(tmp_path, "x, n", "x.sum() * n")
    x = np.array([0.5, -1.5, 2.25])
    dx, dn = backgen.backward(f).backward(x, 3)
    np.testing.assert_allclose(dx, numeric_grad(f, (x, 3.0), 0, 1.0), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dn, numeric_grad(f, (x, 3.0), 1, 1.0), rtol=RTOL, atol=ATOL)
    assert isinstance(dn, (float, np.floating))


@pytest.mark.parametrize("body", [
    "s = 0.0\n    for i in range(n):\n        s = s + x[i] ** 2\n    return s",
    "return np.sum(x[:n] ** 2)",
    "return np.sum(x.reshape(n, -1) ** 2 * np.arange(4.0))",
    "return np.sum(np.tile(x, n) ** 2)",
    "return np.sum(np.roll(x, n) * np.arange(8.0))",
    "return np.sum(np.repeat(x, n) ** 3)",
    "return x[n] * 2.0",
])
def test_an_integer_number_used_as_a_count_carries_no_gradient(tmp_path, body):
    # refused before ("'n' is integer: it carries no gradient"; np.tile's reps "depends on n, which is
    # differentiated"): a count, a size, a shift or an index is left out of wrt, as labels are
    f = load(tmp_path, f"def f(x, n):\n    {body}\n")
    x = np.linspace(-1.0, 2.0, 8)
    g = backgen.backward(f)
    dx = g.backward(x, 2)
    assert isinstance(dx, np.ndarray)  # (the gradient of x alone)
    np.testing.assert_allclose(dx, numeric_grad(lambda x: f(x, 2), (x,), 0, 1.0), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("spec", ["int 3, 4", "bool 3, 4"])
def test_generate_refuses_declared_integer_arrays_in_wrt(spec):
    with pytest.raises(BackgenError, match="labels"):
        backgen.generate("def f(x, labels):\n    return (x * labels).sum()\n",
                         shapes={"x": (3, 4), "labels": spec}, wrt=("x", "labels"))


def test_generate_leaves_declared_integer_arrays_out_of_default_wrt():
    text = backgen.generate("def f(x, labels):\n    return (x * labels).sum()\n",
                            shapes={"x": (3, 4), "labels": "int 3, 4"})
    assert "dlabels" not in text


def test_integer_parameters_outside_wrt_are_fine(tmp_path):
    f = forward(tmp_path, "x, n", "x.sum() * n")
    rng = np.random.default_rng(27)
    x = rng.standard_normal((3, 4))
    _, (dx,) = check(f, x, 3, wrt=("x",))
    np.testing.assert_allclose(dx, np.full((3, 4), 0.7 * 3))


def test_integer_arrays_outside_wrt_are_fine(tmp_path):
    f = forward(tmp_path, "x, k", "(x * k).sum()")
    rng = np.random.default_rng(28)
    check(f, rng.standard_normal((3, 4)), np.arange(4), wrt=("x",))


# --- generate() with declared shapes ---------------------------------------------

@pytest.mark.parametrize("source, shapes", [
    ("def f(x, b):\n    return (x + b).sum()\n", {"x": (3, 4), "b": (4,)}),
    ("def f(x, w):\n    return np.maximum(0, x.dot(w))\n", {"x": (3, 4), "w": (4, 5)}),
    ("def f(x):\n    return x.max(axis=1, keepdims=True) - x\n", {"x": (3, 4)}),
    ("def f(x, b):\n    return np.tanh(x * b).mean(axis=0)\n", {"x": (3, 4), "b": (3, 1)}),
    ("def f(x, s):\n    return (s * x ** 2).sum()\n", {"x": (3, 4), "s": ()}),
])
def test_generate_with_declared_shapes(source, shapes):
    text = backgen.generate(source, shapes=shapes)
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    backward = namespace["f_backward"]
    forward_ns = {"np": np}
    exec(source, forward_ns)
    f = forward_ns["f"]
    rng = np.random.default_rng(29)
    args = [positive(tuple(shapes[p]), rng) for p in inspect.signature(f).parameters]
    dout = upstream(f(*args))
    kept = copy.deepcopy(args)
    grads = backward(*args, dout)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for i, (arg, grad) in enumerate(zip(args, grads)):
        np.testing.assert_array_equal(arg, kept[i])
        assert np.shape(grad) == np.shape(arg), text
        np.testing.assert_allclose(grad, numeric_grad(f, args, i, dout), rtol=RTOL, atol=ATOL, err_msg=text)


def test_generate_cs231n_gather_with_named_dimensions():
    source = "def f(scores, y, N):\n    return -np.log(scores[np.arange(N), y]).sum() / N\n"
    text = backgen.generate(source, shapes={"scores": "N, C", "y": "int N", "N": int}, wrt=("scores",))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    forward_ns = {"np": np}
    exec(source, forward_ns)
    rng = np.random.default_rng(33)
    scores, y = rng.uniform(0.5, 1.5, (6, 3)), np.array([0, 2, 2, 1, 0, 2])
    dscores = namespace["f_backward"](scores, y, 6, 0.7)
    assert np.shape(dscores) == (6, 3)
    expected = numeric_grad(forward_ns["f"], (scores, y, 6), 0, 0.7)
    np.testing.assert_allclose(dscores, expected, rtol=RTOL, atol=ATOL, err_msg=text)


def test_slice_beside_repeated_indices_scatters_into_the_slice(tmp_path):
    """x[2:, idx] with idx repeating: np.add.at gets slice(2, None), never slice(2)."""
    f = forward(tmp_path, "x", "x[2:, np.array([0, 0, 1])]")
    check(f, signed((4, 2), np.random.default_rng(7)))


def test_differentiated_static_argument_is_refused(tmp_path):
    """np.pad's constant_values is taken as a constant: a differentiated one would lose its gradient."""
    f = forward(tmp_path, "x, w", "np.pad(x, 1, constant_values=w) * x.sum()")
    with pytest.raises(BackgenError, match="constant_values=w depends on w, which is differentiated"):
        backgen.backward(f).backward(np.ones(3), 0.5, dout=np.ones(5))


def test_clip_bounds_that_are_differentiated_get_their_gradients(tmp_path):
    f = forward(tmp_path, "x, lo, hi", "np.clip(x, lo, hi)")
    rng = np.random.default_rng(8)
    check(f, signed((6,), rng), -0.4, 0.5)
    check(f, signed((6,), rng), 0.8, 0.2)  # crossed bounds: a_max everywhere


def test_meshgrid_of_integer_ranges_carries_no_gradient(tmp_path):
    f = load(tmp_path, """
        def f(x, n):
            gx, gy = np.meshgrid(np.arange(n), np.arange(n))
            X, Y = np.meshgrid(np.arange(3), np.arange(3))
            return (x * gx * gy + X * x).sum()
        """)
    g = backgen.backward(f, wrt=("x",))
    x = signed((3, 3), np.random.default_rng(9))
    np.testing.assert_allclose(g.backward(x, 3), numeric_grad(lambda v: f(v, 3), [x], 0, 1.0), rtol=RTOL, atol=ATOL)


# --- generate() for named dimensions: the code holds at every size of them -------------

def check_at_sizes(source, shapes, calls, wrt=None):
    """Generate ``source`` once for the declared ``shapes`` (named dimensions, sampled at primes),
    then check its backward on each tuple of arguments in ``calls``: arrays of other sizes of the
    same pattern, against finite differences of the forward."""
    text = backgen.generate(source, name="f", shapes=shapes, wrt=wrt)
    namespace, forward_ns = {}, {"np": np}
    exec(compile(text, "<generated>", "exec"), namespace)
    exec(source, forward_ns)
    f, backward = forward_ns["f"], namespace["f_backward"]
    names = list(inspect.signature(f).parameters)
    wrt_names = names if wrt is None else list(wrt)
    for args in calls:
        dout = upstream(f(*args))
        grads = backward(*args, dout)
        grads = grads if isinstance(grads, tuple) else (grads,)
        assert len(grads) == len(wrt_names), text
        for name, grad in zip(wrt_names, grads):
            i = names.index(name)
            where = f"d{name} at sizes {[np.shape(a) for a in args]}\n{text}"
            assert np.shape(grad) == np.shape(args[i]), where
            np.testing.assert_allclose(grad, numeric_grad(f, args, i, dout), rtol=RTOL, atol=ATOL, err_msg=where)
    return text


def _ramp(*shape):
    """Distinct values of ``shape``, curved (np.diff of them is not constant)."""
    return (np.arange(float(np.prod(shape))) ** 2 / 7.0 - 1.0).reshape(shape)


@pytest.mark.parametrize("source, shapes, wrt, calls", [
    ("def f(x, y):\n    return np.concatenate([x, y], axis=None)\n", {"x": "N", "y": "M, K"}, ["x"],
     [(_ramp(3), _ramp(2, 3)), (_ramp(5), _ramp(2, 3))]),
    ("def f(x, y):\n    return np.concatenate([y, x, [1.0, 2.0, 3.0], y], axis=None)\n", {"x": "N, D", "y": "M, K"}, None,
     [(_ramp(3, 2), _ramp(2, 3)), (_ramp(2, 4), _ramp(4, 5))]),
    ("def f(x, y):\n    return np.concatenate([x, [1.0, 2.0, 3.0], y])\n", {"x": "N", "y": "M"}, None,
     [(_ramp(3), _ramp(4)), (_ramp(5), _ramp(2))]),
    ("def f(x, y):\n    return np.hstack([x, [1.0, 2.0], y, 2.0])\n", {"x": "N", "y": "M"}, None,
     [(_ramp(3), _ramp(4)), (_ramp(5), _ramp(2))]),
    ("def f(x, y):\n    return np.vstack([x, [[1.0, 2.0, 3.0]] * 2, y])\n", {"x": "3", "y": "M, 3"}, None,
     [(_ramp(3), _ramp(4, 3)), (_ramp(3), _ramp(2, 3))]),
    ("def f(x, y):\n    return np.column_stack([x, [[1.0, 2.0], [3.0, 4.0]], y, x])\n", {"x": "2", "y": "2, M"}, None,
     [(_ramp(2), _ramp(2, 4)), (_ramp(2), _ramp(2, 3))]),
    ("def f(x, y):\n    return np.append([1.0, 2.0], y) * np.append(x, [[3.0], [4.0]], axis=1).sum(axis=1)[0]\n",
     {"x": "2, N", "y": "M"}, None, [(_ramp(2, 3), _ramp(4)), (_ramp(2, 5), _ramp(2))]),
], ids=["flat", "flat-with-a-constant", "constant-list", "hstack-constant", "vstack-constant", "column-stack-constant",
        "append-constant"])
def test_joins_hold_at_every_size_and_count_constant_lists(source, shapes, wrt, calls):
    # concatenate(axis=None) sliced at the samples' sizes (dout[:7] for x of 3); a list of numbers
    # written out was taken for one number (its shape (), one element), or read as x.shape (a list has none)
    check_at_sizes(source, shapes, calls, wrt)


@pytest.mark.parametrize("source, shapes, wrt, calls", [
    ("def f(x, y):\n    return np.diff(x, append=y)\n", {"x": "N", "y": "2"}, ["y"],
     [(_ramp(9), _ramp(2)), (_ramp(3), _ramp(2))]),
    ("def f(x):\n    return np.diff(x, append=0.0)\n", {"x": "N"}, None, [(_ramp(3),), (_ramp(5),)]),
    ("def f(x, p):\n    return np.diff(x, axis=0, prepend=p, append=0.5)\n", {"x": "N, D", "p": "M, D"}, None,
     [(_ramp(3, 2), _ramp(2, 2)), (_ramp(5, 4), _ramp(3, 4))]),
    ("def f(x, q):\n    return np.diff(x, n=2, prepend=x[:, :1], append=q)\n", {"x": "N, D", "q": "N, M"}, None,
     [(_ramp(2, 3), _ramp(2, 4)), (_ramp(4, 5), _ramp(4, 2))]),
    ("def f(x, p):\n    return np.diff(x, n=4, prepend=p)\n", {"x": "N", "p": ""}, None,
     [(_ramp(6), 0.5), (_ramp(2), 0.5)]),  # 3 elements at the second size: none left, no gradient
], ids=["append-array", "append-number", "prepend-and-append-along-0", "n2-prepend-and-append", "n4-prepend"])
def test_diff_with_prepend_or_append_holds_at_every_size(source, shapes, wrt, calls):
    # the parts of the joined gradient were sliced at the samples' sizes (djoined[7:9] for x of 9)
    check_at_sizes(source, shapes, calls, wrt)


@pytest.mark.parametrize("expr", [
    "np.take(x, [0, -1])",
    "np.take(x, np.array([[-2, 1], [-12, 0]])) * 2.0",
    "np.take_along_axis(x, np.array([2, 2, 0, -1]), axis=None)",
])
def test_take_of_the_flattened_array_wraps_negative_indices(tmp_path, expr):
    # np.unravel_index was given the negative indices: ValueError 'index -1 is out of bounds'
    check(forward(tmp_path, "x", expr), signed((3, 4), np.random.default_rng(11)))
    check_at_sizes(f"def f(x):\n    return {expr}\n", {"x": "N, D"}, [(_ramp(3, 4),), (_ramp(5, 4),)])


def test_take_of_the_flattened_array_by_computed_indices_wraps_negative_ones():
    source = "def f(x, i):\n    return np.take(x, i) * x[0, 0]\n"
    check_at_sizes(source, {"x": "N, D", "i": "int 2"}, [(_ramp(3, 4), np.array([-1, 2])),
                                                         (_ramp(5, 2), np.array([3, -10]))], wrt=["x"])


@pytest.mark.parametrize("expr, count", [
    ("np.repeat(x, 0).sum() + np.sum(x)", None),
    ("np.sum(np.repeat(x, n) ** 2) + np.sum(x)", 0),
    ("np.sum(np.repeat(x, n) ** 2) + np.sum(x)", 2),
    ("np.sum(x.repeat(n, axis=0) ** 2) + np.sum(x)", 0),
])
def test_repeat_none_times_gives_x_no_gradient_of_its_own(tmp_path, expr, count):
    # the gradient of the copies was reshaped to (-1, 0): 'cannot reshape array of size 0 into shape (0)'
    params = "x" if count is None else "x, n"
    f = forward(tmp_path, params, expr)
    rng = np.random.default_rng(12)
    for shape in [(4,), (2, 3)]:
        check(f, *([signed(shape, rng)] + ([] if count is None else [count])), wrt=("x",))
    shapes = {"x": "N"} if count is None else {"x": "N", "n": int}
    more = () if count is None else (count,)
    check_at_sizes(f"def f({params}):\n    return {expr}\n", shapes, [(_ramp(3), *more), (_ramp(5), *more)], wrt=["x"])
    if count is not None:  # shape-generic code: the count read as the code runs
        text = backgen.generate(f"import numpy as np\ndef f(x, n: int):\n    return {expr}\n")
        namespace = {}
        exec(text, namespace)
        for x in (_ramp(4), _ramp(2, 3)):
            np.testing.assert_allclose(namespace["f_backward"](x, count), numeric_grad(lambda v: f(v, count), [x], 0, 1.0),
                                       rtol=RTOL, atol=ATOL, err_msg=text)


@pytest.mark.parametrize("source, shapes, calls", [
    ("def f(x, w):\n    v = x * 1.0\n    v[0] = w\n    return v * x\n", {"x": "N, D", "w": "1, D"},
     [(_ramp(2, 3), _ramp(1, 3)), (_ramp(4, 5), _ramp(1, 5))]),
    ("def f(x, w):\n    v = x * 1.0\n    v[1] = np.tanh(w) * 2.0\n    return v * x\n", {"x": "N, D, K", "w": "1, D, 1"},
     [(_ramp(2, 3, 4), _ramp(1, 3, 1)), (_ramp(3, 5, 2), _ramp(1, 5, 1))]),
], ids=["row", "computed-block"])
def test_a_value_written_into_fewer_axes_gets_its_gradient_in_its_shape_at_every_size(source, shapes, calls):
    # the gradient was reshaped to the samples' shape of w: reshape((1, 11)) for w of (1, 3)
    check_at_sizes(source, shapes, calls)


@pytest.mark.parametrize("source, shapes, calls", [
    ("def f(x):\n    p = np.split(x, [1, 3], axis=1)\n    return p[0] * p[2].sum()\n", {"x": "N, D"},
     [(_ramp(2, 5),), (_ramp(3, 4),)]),
    ("def f(x):\n    p = np.array_split(x, 3)\n    return p[1].sum() * p[2] + p[0].sum()\n", {"x": "N"},
     [(_ramp(7),), (_ramp(5),)]),
    ("def f(x):\n    a, b = np.vsplit(x, [1])\n    return a.sum() * b\n", {"x": "N, D"}, [(_ramp(3, 2),), (_ramp(4, 5),)]),
    ("def f(x, y):\n    return np.stack([x, y], axis=-1) ** 2\n", {"x": "N, D", "y": "N, D"},
     [(_ramp(2, 3), _ramp(2, 3)), (_ramp(4, 5), _ramp(4, 5))]),
    ("def f(x):\n    return np.pad(x, ((1, 2), (0, 1))) ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x):\n    return np.pad(x, ((2, 1), (1, 3)), mode='wrap') ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x):\n    return np.tile(x, (2, 1)) ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x):\n    return np.repeat(x, 3) ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x):\n    return np.take(x, [0, -1], axis=1) ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x):\n    return np.roll(x, 2) ** 2\n", {"x": "N, D"}, [(_ramp(2, 3),), (_ramp(4, 5),)]),
    ("def f(x, y):\n    return np.append(x, y, axis=0) ** 2\n", {"x": "N, D", "y": "M, D"},
     [(_ramp(2, 3), _ramp(4, 3)), (_ramp(4, 5), _ramp(1, 5))]),
    ("def f(x, y):\n    return np.concatenate([x, y, x], axis=1) ** 2\n", {"x": "N, D", "y": "N, M"},
     [(_ramp(2, 3), _ramp(2, 4)), (_ramp(4, 5), _ramp(4, 2))]),
], ids=["split", "array-split", "vsplit", "stack", "pad", "pad-wrap", "tile", "repeat", "take", "roll", "append",
        "concatenate"])
def test_shape_operations_hold_at_every_size_of_their_dimensions(source, shapes, calls):
    check_at_sizes(source, shapes, calls)
