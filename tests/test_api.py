"""The decorator, generate() and gradcheck(), used as a new user would."""

import inspect
import math
import random
import textwrap

import numpy as np
import pytest

import backgen
from backgen import BackgenError
from numeric import gradient


@backgen.backward
def staged_f(x, y):
    return (x + 1.0 / (1 + math.exp(-y))) / (1.0 / (1 + math.exp(-x)) + (x + y) ** 2)


def test_decorator_keeps_the_forward_and_adds_backward():
    assert staged_f(3.0, -4.0) == pytest.approx(1.54564, abs=1e-5)
    dx, dy = staged_f.backward(3.0, -4.0)
    assert backgen.gradcheck(staged_f, 3.0, -4.0) < 1e-7
    assert "def staged_f_backward(x, y, dout=1.0):" in staged_f.backward_source
    assert staged_f.__name__ == "staged_f"
    assert (dx, dy) == pytest.approx((2.0596, 1.5922), abs=1e-4)


def test_dout_scales_the_gradient():
    dx, dy = staged_f.backward(3.0, -4.0)
    dx2, dy2 = staged_f.backward(3.0, -4.0, dout=-2.0)
    assert (dx2, dy2) == pytest.approx((-2 * dx, -2 * dy))


def test_wrt_selects_and_orders_gradients():
    @backgen.backward(wrt=("z", "x"))
    def circuit(x, y, z):
        return (x + y) * z

    assert circuit.backward(-2.0, 5.0, -4.0) == (3.0, -4.0)

    @backgen.backward(wrt=("y",))
    def only_y(x, y, z):
        return (x + y) * z

    assert only_y.backward(-2.0, 5.0, -4.0) == -4.0
    assert "dx =" not in only_y.backward_source


def test_plain_call_and_keyword_arguments():
    def f(x, y):
        return x * y

    g = backgen.backward(f, wrt="y")
    assert g.backward(3.0, 4.0) == 3.0
    assert g.backward(x=3.0, y=4.0, dout=2.0) == 6.0


def test_parameter_defaults_are_kept():
    @backgen.backward(wrt=("x",))
    def scaled(x, k=3.0):
        return k * x * x

    assert scaled.backward(2.0) == 12.0
    assert "def scaled_backward(x, k=3.0, dout=1.0):" in scaled.backward_source


def test_other_decorators_are_ignored():
    def noop(func):
        return func

    @noop
    @backgen.backward
    @noop
    def f(x):
        return math.sin(x)

    assert f.backward(0.5) == pytest.approx(math.cos(0.5))


def test_generate_from_a_string_ignores_the_decorator():
    source = "import backgen, math\n\n@backgen.backward(wrt=('x',))\ndef f(x):\n    return math.exp(x)\n"
    text = backgen.generate(source)
    assert "def f_backward(x, dout=1.0):" in text
    assert "dx = out * dout" in text or "dx = math.exp(x) * dout" in text


def test_generate_accepts_a_function_object():
    def g(a, b):
        return a / b

    text = backgen.generate(g)  # (this module imports NumPy: the code for every shape, a and b broadcast)
    assert "da = _unbroadcast(dout / b, a)" in text
    text = backgen.generate(g, shapes={"a": "float", "b": "float"})  # numbers: the hand style
    assert "da = dout / b" in text
    assert "db = (-a / b / b) * dout" in text


def test_functions_imported_from_math_are_understood():
    from math import exp, tanh

    def f(x):
        return tanh(exp(x))

    assert backgen.gradcheck(f, 0.3) < 1e-7


def test_names_that_look_like_adjoints_or_modules(tmp_path):
    source = """
def f(x, d, dx, dout, math, np):
    ddx = dx * d
    out = x * ddx + math * np
    return out * dout
"""
    path = tmp_path / "awkward.py"
    path.write_text(source)
    from conftest import load_module

    f = load_module(path).f
    g = backgen.backward(f)
    assert backgen.gradcheck(g, 0.5, 1.5, -2.0, 0.7, 1.1, -0.4) < 1e-6
    assert "def f_backward(x, d, dx, dout, math, np, d_out=1.0):" in g.backward_source
    # x's adjoint cannot be "dx" (a parameter), dx's cannot be "ddx" (a variable)
    assert "d_x = " in g.backward_source and "d_dx = d * dddx" in g.backward_source


def test_output_independent_of_an_input_gives_zero():
    @backgen.backward
    def f(x, y):
        return x * 2.0

    assert f.backward(1.0, 5.0) == (2.0, 0.0)
    assert "dy = 0.0  # the output does not depend on y" in f.backward_source


def test_returning_a_parameter():
    @backgen.backward
    def identity(x):
        return x

    assert identity.backward(4.0, dout=3.0) == 3.0


def test_returning_a_constant():
    @backgen.backward
    def const(x):
        return 2.0

    assert const.backward(4.0) == 0.0


def test_x_times_x_is_one_square_gate():
    @backgen.backward
    def square(x):
        return x * x

    assert square.backward(3.0) == 6.0
    assert "dx = (2 * x) * dout\n" in square.backward_source


def test_same_input_twice_accumulates():
    @backgen.backward
    def f(x, y):
        return x * y + x

    assert f.backward(3.0, 4.0) == (5.0, 3.0)
    assert "dx = y * dxy\n    dx += dxy" in f.backward_source or "dx += " in f.backward_source


def test_output_is_deterministic():
    texts = {backgen.generate(staged_f.__wrapped__) for _ in range(3)}
    assert len(texts) == 1


def test_gradcheck_reports_the_input_that_is_wrong():
    def f(x, y):
        return x * y

    wrong = backgen.backward(f)
    wrong.backward = lambda x, y, dout=1.0: (y * dout, 2 * x * dout)
    with pytest.raises(AssertionError, match="gradcheck failed for input 'y'"):
        backgen.gradcheck(wrong, 2.0, 3.0)


@pytest.mark.parametrize("error", [KeyError, TypeError])
def test_internal_errors_become_backgen_errors(monkeypatch, error):
    from backgen import program

    def broken(staged, cached=frozenset()):
        raise error("boom")

    monkeypatch.setattr(program, "reverse", broken)
    with pytest.raises(BackgenError, match=f"internal error.*{error.__name__}"):
        backgen.generate("def f(x):\n    return x * 2\n")


# --- random programs -------------------------------------------------------

UNARY = ["math.exp({})", "math.sin({})", "math.tanh({})", "math.sqrt(1 + {0} * {0})", "1.0 / (1 + math.exp(-{}))",
         "-{}", "math.log(2 + {0} * {0})", "math.atan({})", "abs({})"]
BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / (2 + {} ** 2))", "max({}, {})", "math.hypot({}, {})"]


def random_expression(rng, names, depth):
    if depth == 0 or rng.random() < 0.2:
        return rng.choice(names + ["0.5", "2.0"])
    if rng.random() < 0.4:
        return rng.choice(UNARY).format(random_expression(rng, names, depth - 1))
    left = random_expression(rng, names, depth - 1)
    right = random_expression(rng, names, depth - 1)
    return rng.choice(BINARY).format(left, right)


def random_program(seed):
    rng = random.Random(seed)
    names = ["x", "y", "z"]
    lines = []
    for i in range(rng.randint(1, 4)):
        target = rng.choice(["a", "b", "x", "y"]) if rng.random() < 0.5 else f"t{i}"
        lines.append(f"    {target} = {random_expression(rng, names, 3)}")
        if target not in names:
            names.append(target)
    lines.append(f"    return {random_expression(rng, names, 2)} + 0.0 * x")
    return "import math\n\ndef f(x, y, z):\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(60))
def test_random_programs_match_finite_differences(seed):
    source = random_program(seed)
    namespace = {}
    exec(compile(source, "<random>", "exec"), namespace)
    text = backgen.generate(source)
    exec(compile(text, "<generated>", "exec"), namespace)
    point = (0.31, -0.73, 1.19)
    grads = namespace["f_backward"](*point)
    h = 1e-6
    for i, analytic in enumerate(grads):
        plus, minus = list(point), list(point)
        plus[i] += h
        minus[i] -= h
        numeric = (namespace["f"](*plus) - namespace["f"](*minus)) / (2 * h)
        assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-7), source


@pytest.mark.parametrize("source, point, expected", [
    ("def f(x):\n    return 2 ** x\n", 1.5, 2 ** 1.5 * math.log(2)),
    ("def f(x):\n    return x ** 0.5\n", 4.0, 0.25),
    ("def f(x, y):\n    return x ** y\n", 2.0, None),
    ("def f(x):\n    return math.pi * x + math.e\n", 3.0, math.pi),
])
def test_powers_and_constants(source, point, expected):
    namespace = {}
    exec(compile(backgen.generate(source), "<g>", "exec"), namespace)
    grads = namespace["f_backward"](point, 3.0) if "y" in source else namespace["f_backward"](point)
    if expected is None:  # d/dx x**y = y x**(y-1); d/dy = x**y log x
        assert grads == pytest.approx((3.0 * 2.0 ** 2, 2.0 ** 3 * math.log(2.0)))
    else:
        assert grads == pytest.approx(expected)


def test_conditional_expression_computes_only_the_branch_taken():
    @backgen.backward
    def f(x):
        y = math.log(x) if x > 0 else -x * 2.0
        return y * x

    for point in (1.5, -0.7):
        assert backgen.gradcheck(f, point) < 1e-6
    assert "if x > 0:" in f.backward_source


# --- NumPy outputs, defaults, names, methods, the cache ----------------------------------

def test_array_output_needs_dout_with_its_shape():
    @backgen.backward
    def shifted(x, b):
        return x + b

    x, b = np.ones((4, 3)), np.arange(3.0)
    with pytest.raises(TypeError, match=r"needs its upstream gradient: pass dout=, an array of shape \(4, 3\)"):
        shifted.backward(x, b)
    dx, db = shifted.backward(x, b, dout=np.ones((4, 3)))
    assert dx.shape == (4, 3) and list(db) == [4.0, 4.0, 4.0]

    @backgen.backward
    def total(x):
        return np.sum(x * x)

    assert list(total.backward(np.arange(3.0))) == [0.0, 2.0, 4.0]  # a number: dout defaults to 1.0


def test_an_upstream_gradient_of_another_shape_is_named_with_the_outputs_shape():
    # (ValueError: operands could not be broadcast together, from inside the generated code)
    @backgen.backward
    def layer(x, W):
        return np.tanh(x @ W)

    @backgen.backward
    def both(x, W):
        return x @ W, np.sum(x)

    x, W = np.ones((2, 3)), np.full((3, 4), 0.1)
    with pytest.raises(TypeError, match=r"dout has shape \(3, 3\), where layer returns an array of shape \(2, 4\)"):
        layer.backward(x, W, dout=np.ones((3, 3)))
    with pytest.raises(TypeError, match=r"dout\[0\] has shape \(4, 2\), where both returns an array of shape \(2, 4\)"):
        both.backward(x, W, dout=(np.ones((4, 2)), 1.0))
    dx, dW = layer.backward(x, W, dout=np.ones((2, 4)))
    assert dx.shape == (2, 3) and dW.shape == (3, 4)


def test_numpy_backward_keeps_the_defaults():
    source = 'def f(x: "N, D", w: "D, M", k=2.0):\n    return k * x.dot(w)\n'
    text = backgen.generate(source)
    assert "def f_backward(x, w, k=2.0, dout=None):" in text
    namespace = {}
    exec(text, namespace)
    x, w, dout = np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4))
    dx, dw, dk = namespace["f_backward"](x, w, dout=dout)
    assert dx == pytest.approx(np.full((2, 3), 8.0)) and dk == pytest.approx(24.0)
    with pytest.raises(TypeError, match="f_backward\\(\\) needs dout"):
        namespace["f_backward"](x, w)

    @backgen.backward(wrt=("x", "w"))
    def scaled(x, w, k=2.0):
        return k * np.tanh(x.dot(w))

    assert backgen.gradcheck(scaled, np.ones((2, 3)) * 0.5, np.ones((3, 4))) < 1e-7
    scaled.backward(x, w, dout=dout)
    assert "def scaled_backward(x, w, k=2.0, dout=None):" in scaled.backward_source
    # the check of dout computes nothing: the backward is differentiated again
    first = scaled.backward_function
    second = backgen.backward(first, wrt=("x",))
    r = np.random.default_rng(2)
    x, w, dout, v = (r.standard_normal(s) for s in ((2, 3), (3, 4), (2, 4), (2, 3)))
    hvp = second.backward(x, w, 2.0, dout, dout=(v, np.zeros((3, 4))))
    h = 1e-6
    numeric = (first(x + h * v, w, 2.0, dout)[0] - first(x - h * v, w, 2.0, dout)[0]) / (2 * h)
    assert abs(np.sum(numeric * v)) > 0.1
    assert np.sum(hvp * v) == pytest.approx(np.sum(numeric * v), rel=1e-6)


@pytest.mark.parametrize("param", ["dout", "d", "d_out"])
def test_a_parameter_named_like_the_upstream_gradient(param, tmp_path):
    from conftest import load_module

    source = f"def f(x, {param}):\n    return x * {param}\n"
    namespace = {}
    exec(backgen.generate(source), namespace)
    backward_fn = namespace["f_backward"]
    upstream = list(inspect.signature(backward_fn).parameters)[-1]
    assert upstream not in ("x", param)
    assert backward_fn(2.0, 3.0, **{upstream: 5.0}) == (15.0, 10.0)  # by keyword

    path = tmp_path / "named.py"
    path.write_text(source)
    g = backgen.backward(load_module(path).f, shapes={"x": "N", param: "N"})
    x, other, dout = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([10.0, 100.0])
    dx, dother = g.backward(x, other, dout=dout)
    assert list(dx) == [30.0, 400.0] and list(dother) == [10.0, 200.0]
    assert g.backward(2.0, 3.0, dout=5.0) == (15.0, 10.0)


def test_forward_parameter_dout_passed_by_keyword_is_explained():
    def f(x, dout):
        return x * dout

    g = backgen.backward(f)
    assert g.backward(2.0, 3.0, dout=5.0) == (15.0, 10.0)
    with pytest.raises(TypeError, match="has a parameter named dout: pass it by position"):
        g.backward(x=2.0, dout=5.0)


class Model:
    scale = 3.0

    @backgen.backward
    def square(self, x):
        return x * x

    @backgen.backward
    def loss(self, x, w):
        return np.sum(np.tanh(x @ w))

    @backgen.layer
    def affine(self, x, w, b):
        return x @ w + b


def test_decorated_method_binds_self():
    model = Model()
    assert model.square(3.0) == 9.0
    assert model.square.backward(3.0) == 6.0
    assert model.square.backward(3.0, dout=2.0) == 12.0
    assert model.square.wrt == ("x",)
    assert Model.square.backward(model, 3.0) == 6.0
    assert backgen.gradcheck(model.square, 1.5) < 1e-7
    r = np.random.default_rng(0)
    x, w, b = r.standard_normal((3, 4)), r.standard_normal((4, 2)), r.standard_normal(2)
    dx, dw = model.loss.backward(x, w)
    assert dx.shape == (3, 4) and dw.shape == (4, 2)
    assert backgen.gradcheck(model.loss, x, w) < 1e-6
    out, cache = model.affine.forward(x, w, b)
    assert [g.shape for g in model.affine.backward(np.ones((3, 2)), cache)] == [(3, 4), (4, 2), (2,)]


class TwoLayerNet:  # a model as CS231n writes it: its method undecorated
    def __init__(self):
        r = np.random.default_rng(2)
        self.params = {"W1": 0.5 * r.standard_normal((4, 3)), "W2": 0.5 * r.standard_normal((3, 2))}
        self.reg = 0.1

    def loss(self, X, y):
        h = np.maximum(0, X.dot(self.params["W1"]))
        scores = h.dot(self.params["W2"])
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        reg = 0.5 * self.reg * (np.sum(self.params["W1"] ** 2) + np.sum(self.params["W2"] ** 2))
        return -np.mean(log_probs[np.arange(X.shape[0]), y]) + reg


def test_a_bound_method_is_decorated_as_the_method_bound_to_its_object():
    net = TwoLayerNet()
    r = np.random.default_rng(3)
    X, y = r.standard_normal((5, 4)), np.array([0, 1, 1, 0, 1])
    dparams, dX = backgen.backward(net.loss).backward(X, y)  # it was a TypeError: not a function
    assert sorted(dparams) == ["W1", "W2"] and dX.shape == (5, 4)
    assert backgen.gradcheck(net.loss, X, y) < 1e-6


def test_cache_is_keyed_on_what_the_code_depends_on(monkeypatch):
    from backgen import api

    builds = []
    real = api.program
    monkeypatch.setattr(api, "program", lambda *a, **k: builds.append(1) or real(*a, **k))

    @backgen.backward
    def affine(x, w, b):
        return x @ w + b

    r = np.random.default_rng(1)
    w, b = r.standard_normal((3, 2)), r.standard_normal(2)
    for n in range(2, 102):
        x = r.standard_normal((n, 3))
        dx, dw, db = affine.backward(x, w, b, dout=np.ones((n, 2)))
        assert dx.shape == (n, 3) and db == pytest.approx([n, n])
    # three patterns: a batch of 2 (the size of b), of 3 (the size of a row of x) and of more; each
    # generated once, and once more at other sizes of it (the same code: kept for all its sizes)
    assert len(builds) == 6 and len({id(entry[0]) for entry in affine._cache.values()}) == 1
    affine.backward(x, w, b, dout=np.ones((101, 2)))  # sizes seen: not written again
    assert len(builds) == 6
    # a batch of one is a different pattern (b is not broadcast along a dimension of size 1)
    assert backgen.gradcheck(affine, r.standard_normal((1, 3)), w, b) < 1e-6
    assert len(builds) == 8


def test_sizes_read_as_they_are_keep_the_code_for_every_size(monkeypatch):
    """np.arange(N) and x.reshape(N, -1), N = x.shape[0], make no size of their own, nor does loss / N:
    a softmax loss and an affine layer of CS231n's generate once per pattern (and again at other sizes
    to check: all moved up, then, the affine layer's sizes being tied to w's rows, each alone)."""
    from backgen import api

    builds = []
    real = api.program
    monkeypatch.setattr(api, "program", lambda *a, **k: builds.append(1) or real(*a, **k))

    @backgen.backward
    def softmax_loss(x, y):
        shifted = x - np.max(x, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        N = x.shape[0]
        return -np.sum(log_probs[np.arange(N), y]) / N

    @backgen.backward
    def affine(x, w, b):
        N = x.shape[0]
        return np.tanh(x.reshape(N, -1).dot(w) + b)

    r = np.random.default_rng(3)
    w, b = r.standard_normal((6, 5)), r.standard_normal(5)
    for n in range(11, 41):
        x, y = r.standard_normal((n, 10)), r.integers(0, 10, n)
        assert softmax_loss.backward(x, y).shape == (n, 10)
        affine.backward(r.standard_normal((n, 2, 3)), w, b, dout=np.ones((n, 5)))
        if n == 11:
            first = len(builds)
    assert len(builds) == first
    x = r.standard_normal((23, 10))
    assert backgen.gradcheck(softmax_loss, x, r.integers(0, 10, 23)) < 1e-6
    assert backgen.gradcheck(affine, r.standard_normal((17, 2, 3)), w, b) < 1e-6
    assert len(builds) == first
    # w of other rows ties x's other sizes: generated for them
    assert backgen.gradcheck(affine, r.standard_normal((17, 2, 4)), r.standard_normal((8, 5)), b) < 1e-6
    assert len(builds) > first


def test_code_that_differs_between_sizes_of_one_pattern_is_kept_per_size(monkeypatch):
    from backgen import api

    builds = []
    real = api.program
    monkeypatch.setattr(api, "program", lambda *a, **k: builds.append(1) or real(*a, **k))

    @backgen.backward
    def f(x):
        return np.sum(np.tanh(x[1:] * x[:1]))

    r = np.random.default_rng(2)
    # x[1:] of 2 rows has 1, as x[:1] has: no sum over the rows of x[:1]'s gradient, which other
    # sizes (x of 2 to 6 rows of 7, one pattern) need; nor is the code of 5 rows kept for 2
    for n in (2, 5, 3, 6, 2, 4):
        assert backgen.gradcheck(f, r.standard_normal((n, 7))) < 1e-6
    assert "keepdims" not in f._cache[(("x",), ("array", (2, 2), "f"), (0, 1), (None,), (None,), (None,), None, ((2, 7),))][1]
    texts = {entry[1] for entry in f._cache.values()}
    assert len(texts) == 2 and len(f._cache) == 5


def test_cache_is_bounded(monkeypatch):
    from backgen import api

    monkeypatch.setattr(api, "CACHE_SIZE", 3)
    builds = []
    real = api.program
    monkeypatch.setattr(api, "program", lambda *a, **k: builds.append(1) or real(*a, **k))

    @backgen.backward(wrt=("x",))
    def power(x, n):
        y = x
        for i in range(n):
            y = y * x
        return np.sum(y)

    x = np.array([1.0, 2.0])
    for n in range(6):
        assert list(power.backward(x, n)) == pytest.approx(list((n + 1) * x ** n))
    # each n generated, and again for x of other sizes, to learn that its code holds for them all
    assert len(builds) == 12 and len(power._cache) == 3 and len(power._general) == 3
    power.backward(x, 5)  # among the latest: kept
    assert len(builds) == 12
    power.backward(x, 0)  # the oldest: dropped, generated again
    assert len(builds) == 14


def test_a_library_function_the_forward_calls_is_not_read_as_a_helper(tmp_path):
    """A library function backgen does not read (scipy.optimize.rosen_der; rosen itself is now read as its
    formula) is refused at the user's line as an
    unknown function; the decorator read scipy's own source as the user's helper and refused a line of it
    (so it did with scipy.linalg.cho_factor, recursion in scipy's cholesky, which backgen now reads as
    NumPy's: right)."""
    pytest.importorskip("scipy")
    path = tmp_path / "rosen_user.py"
    path.write_text("import numpy as np\nfrom scipy.optimize import rosen_der\n\n"
                    "def f(x, y):\n    r = np.sum(rosen_der(x))\n    return r * np.sum(y)\n")
    from conftest import load_module

    with pytest.raises(backgen.BackgenError, match="unknown function 'rosen_der'") as info:
        backgen.backward(load_module(path).f).backward(np.ones(3) * 2.0, np.ones(3))
    assert (info.value.filename, info.value.lineno) == (str(path), 5)
    path = tmp_path / "gp.py"
    path.write_text("import numpy as np\nfrom scipy.linalg import cho_factor, cho_solve\n\n"
                    "def nll(K, y):\n    c, low = cho_factor(K)\n    return 0.5 * y @ cho_solve((c, low), y)\n")
    nll = load_module(path).nll
    K, y = np.eye(3) * 2.0 + 0.1, np.array([1.0, -0.5, 0.3])
    dK, dy = backgen.backward(nll).backward(K, y)
    np.testing.assert_allclose(dK, gradient(nll, [K, y], 0), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dy, gradient(nll, [K, y], 1), rtol=1e-6, atol=1e-9)


def test_a_layers_cache_copies_and_serves_its_backward_twice():
    # the RNN layer's backward took its per-step values back with hs2.pop() from the lists the cache
    # holds: a second backward(dout, cache) raised IndexError (pop from empty list); and the cache,
    # a tuple knowing its backward, could not be copied (copy.deepcopy: TypeError in __new__)
    import copy

    def rnn(x, h0, Wx, Wh, b):
        N, T, D = x.shape
        h = h0
        hs = np.zeros((N, T, h0.shape[1]))
        for t in range(T):
            h = np.tanh(x[:, t, :] @ Wx + h @ Wh + b)
            hs[:, t, :] = h
        return hs
    layer = backgen.layer(rnn)
    rng = np.random.default_rng(4)
    args = [rng.uniform(-1, 1, s) for s in ((2, 3, 4), (2, 5), (4, 5), (5, 5), (5,))]
    out, cache = layer.forward(*args)
    dout = rng.uniform(-1, 1, out.shape)
    copied = copy.deepcopy(cache)
    first = layer.backward(dout, cache)
    for again in (layer.backward(dout, cache), layer.backward(dout, copied), layer.backward(dout, copy.copy(cache))):
        for g, want in zip(again, first):
            np.testing.assert_array_equal(g, want)
    for k in range(len(args)):
        def loss(*values):
            return np.sum(rnn(*values) * dout)
        step = np.zeros_like(args[k])
        step.flat[0] = 1e-6
        plus, minus = list(args), list(args)
        plus[k], minus[k] = args[k] + step, args[k] - step
        assert abs((loss(*plus) - loss(*minus)) / 2e-6 - first[k].flat[0]) < 1e-6


def bn_of_modes(x, gamma, bn_param):
    if bn_param["mode"] == "train":
        var = x.var(axis=0)
        xhat = x / np.sqrt(var + 1e-5)
    else:
        xhat = x * 2.0
    return gamma * xhat


def rnn_of_modes(x, gamma, bn_param):
    h = x
    if bn_param["mode"] == "train":
        for t in range(3):
            h = np.tanh(h * gamma)
    else:
        h = x * 2.0
    return h * gamma


@pytest.mark.parametrize("bn", [bn_of_modes, rnn_of_modes])
def test_a_layers_cache_holds_no_value_of_a_branch_not_taken(bn):
    # batch normalization's layer cached var, s and den, set in the train branch only, though its
    # backward computes them again there: the forward in test mode raised UnboundLocalError ('var');
    # a loop in that branch keeps its per-step values in lists the cache must hold (hs, h_1s, t): they
    # are now [] or None where the branch is not taken
    layer = backgen.layer(bn)
    rng = np.random.default_rng(6)
    x, gamma, dout = rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, (4, 3))
    for mode in ("train", "test", "train"):
        out, cache = layer.forward(x, gamma, {"mode": mode})
        dx, dgamma = layer.backward(dout, cache)
        for value, grad, k in ((x, dx, 0), (gamma, dgamma, 1)):
            for index in np.ndindex(value.shape):
                step = np.zeros_like(value)
                step[index] = 1e-6
                plus, minus = [x, gamma], [x, gamma]
                plus[k], minus[k] = value + step, value - step
                want = (np.sum(bn(*plus, {"mode": mode}) * dout) - np.sum(bn(*minus, {"mode": mode}) * dout)) / 2e-6
                assert abs(grad[index] - want) < 1e-6


def affine_tanh(x, w, b=None):
    return np.sum(np.tanh(x @ w + b))


def test_gradcheck_passes_keyword_arguments_to_the_function():
    r = np.random.default_rng(4)
    x, w, b = r.standard_normal((3, 4)), r.standard_normal((4, 2)), r.standard_normal(2)
    assert backgen.gradcheck(affine_tanh, x, w, b=b) < 1e-6  # it was a TypeError (no keyword b)


def test_code_making_sizes_of_its_own_is_not_kept_for_every_size():
    # x[::8] has 1 row for x of 5 to 8 rows (x[:2] broadcasts against it: the code sums its
    # gradient over the rows) and 2 of 9: the code of 5 rows, the same at 8 and at the least
    # sizes, was kept for 9 and wrote one summed row into both (dx[0, 0] -0.92, finite
    # differences -1.26); x[5:] * w[3:] at (8, 3) and (6, 3), kept for (6, 3) and (5, 3), where
    # x[5:] has 1 row, raised ValueError (could not broadcast (2,3) into (1,3))
    @backgen.backward
    def f(x):
        return np.sum(np.sin(x[::8] * x[:2]))

    @backgen.backward
    def g(x, w):
        return np.sum(np.sin(x[5:] * w[3:]))

    r = np.random.default_rng(5)
    for n in (5, 9):
        assert backgen.gradcheck(f, r.standard_normal((n, 3))) < 1e-6
    for n, m in ((8, 6), (6, 5)):
        assert backgen.gradcheck(g, r.standard_normal((n, 3)), r.standard_normal((m, 3))) < 1e-6


def test_code_is_kept_per_count_of_what_a_mask_selects():
    # x[m] has a row per true of m: with one it broadcasts against w's 2 rows and the code sums its
    # gradient; the code of a mask of two trues, reused for one, raised ValueError (array is not
    # broadcastable), and that of one, reused for two, gave dx[0, 0] -1.98 (finite differences -0.72)
    def f(x, w, m):
        return np.sum(np.sin(x[m] * w))

    r = np.random.default_rng(6)
    two, one = np.array([True, False, True, False]), np.array([True, False, False, False])
    for masks in ((two, one), (one, two)):
        decorated = backgen.backward(f)
        for m in masks:
            assert backgen.gradcheck(decorated, r.standard_normal((4, 3)), r.standard_normal((2, 3)), m) < 1e-6


def test_code_for_a_dict_of_arrays_is_kept_per_rank_of_each():
    # {"a": (3, 4), "b": (4,)} and {"a": (3,), "b": (4, 4)} have the same sizes in the same order:
    # the pattern held no rank of a dict's arrays, and the code of the first, kept for every size
    # of it, raised ValueError on the second (more dimensions than allowed by the axis remapping)
    @backgen.backward(wrt=("p",))
    def f(p):
        return np.sum(np.sin(np.sum(p["a"], axis=0) * p["b"]))

    r = np.random.default_rng(7)
    for a, b in (((3, 4), (4,)), ((3,), (4, 4))):
        assert backgen.gradcheck(f, {"a": r.standard_normal(a), "b": r.standard_normal(b)}) < 1e-6


def test_code_is_kept_per_value_of_a_shape_given_as_integers():
    # shape (3, 2) and (6, 1) are both two integers: x.reshape(shape) * w's code for (3, 2), kept
    # for (6, 1) (where w broadcasts along the rows), raised ValueError (cannot reshape array of
    # size 12 into shape (6,))
    @backgen.backward(wrt=("x", "w"))
    def f(x, w, shape):
        return np.sum(np.sin(x.reshape(shape) * w))

    r = np.random.default_rng(8)
    for shape in ((3, 2), (6, 1), [3, 2]):
        assert backgen.gradcheck(f, r.standard_normal(6), r.standard_normal(2), shape) < 1e-6


def _rows_found(x, w):
    return np.sum(np.sin(x[np.flatnonzero(x[:, 0] > 0)] * w))


def _rows_nonzero(x, w):
    idx = np.nonzero(x[:, 0] > 0)[0]
    return np.sum(np.sin(x[idx] * w))


def _rows_ordered(x, w):
    return np.sum(np.sin(x[np.argsort(x[:, 0])[np.sort(x[:, 0]) > 0]] * w))


@pytest.mark.parametrize("f", [_rows_found, _rows_nonzero, _rows_ordered])
def test_indices_found_in_the_data_broadcasting_are_summed_as_the_code_runs(f):
    # rows picked by indices np.nonzero finds are as many as the data says: the code written where
    # two rows of x are positive (x[...] * w, w of 2 rows, no broadcast) was reused where one is,
    # and raised ValueError (array is not broadcastable), or, the other way, gave dx[0, 0] 0.23 where
    # finite differences give 0.12; refused after, now the rows' gradient is summed as the code runs
    _right_at_each_count(backgen.backward(f), f, [])


def _right_at_each_count(decorated, f, extra):
    w = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.3]])
    two = np.array([[1.0, 0.2, 0.3], [-1.0, 0.5, 0.1], [0.5, 0.3, 0.2], [-0.3, 0.1, 0.4]])
    one = two * np.array([[1.0], [1.0], [-1.0], [1.0]])
    for x in (two, one, two):
        got = decorated.backward(x, w, *extra)
        for k, g in enumerate(got):
            want = gradient(lambda *a: f(*a, *extra), [x, w], k)
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)


def _rows_counted(x, w):
    n = int(np.sum(x[:, 0] > 0))
    return np.sum(np.sin(x[:n] * w))


def _rows_of_s(x, w, s):
    return np.sum(np.sin(x[:int(s)] * w))


@pytest.mark.parametrize("f, extra", [(_rows_counted, ()), (_rows_of_s, (2.5,))])
def test_a_bound_the_data_decides_broadcasting_is_summed_as_the_code_runs(f, extra):
    # x[:n] has as many rows as n says, which the data (a count of a mask, a float argument) decides:
    # the code written for 2 rows, against w's 2, was reused for 1 (s = 1.5, or one row positive)
    # and raised ValueError (could not broadcast (2,3) into (1,3)); refused after, now summed as it runs
    decorated = backgen.backward(f, wrt=("x", "w"))
    if extra:
        for s in (2.5, 1.5, 2.5):
            _right_at_each_count(decorated, f, [s])
    else:
        _right_at_each_count(decorated, f, [])


def test_code_is_kept_per_value_of_a_number_made_an_integer():
    # x.reshape(int(s), -1) is (2, 3) at s = 2.5 and (1, 6) at 1.5, where w of (2, 1) broadcasts it:
    # a float was keyed by its type alone, and the code for 2.5, reused for 1.5, raised ValueError
    # (cannot reshape array of size 12 into shape (6,))
    @backgen.backward(wrt=("x", "w"))
    def f(x, w, s):
        return np.sum(np.sin(x.reshape(int(s), -1) * w))

    r = np.random.default_rng(9)
    for s in (2.5, 1.5, 2.5):
        assert backgen.gradcheck(f, r.standard_normal(6), r.standard_normal((2, 1)), s) < 1e-6


@pytest.mark.parametrize("body", ["out = x * 2.0\n    return np.sum(out * out)", "out = x * 2.0\n    return out * out"])
def test_a_variable_named_out_leaves_the_upstream_gradient_named_dout(body):
    # was d_out: f_backward(x, dout=...) raised TypeError
    source = f"import numpy as np\ndef f(x: 'N'):\n    {body}\n"
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.array([1.0, -2.0])
    dout = 3.0 if "np.sum" in body else np.array([3.0, 5.0])
    np.testing.assert_allclose(namespace["f_backward"](x, dout=dout), 8.0 * x * dout)


@pytest.mark.parametrize("body", [
    "dout = np.tanh(x * 2.0)\n    return np.sum(dout * dout)",
    "dout = np.tanh(x * 2.0)\n    return dout * x",
    "dout, s = np.tanh(x), 2.0\n    for i in range(2):\n        dout = dout * s + x\n    return np.sum(dout ** 2)",
    "out = x * 2.0\n    dout = out * out\n    dout += x\n    return np.sum(dout * out)",
])
def test_a_local_named_dout_leaves_the_upstream_gradient_named_dout(body):
    # was d_out (the local kept dout): f_backward(x, dout=...) raised TypeError
    source = f"import numpy as np\ndef f(x: 'N'):\n    {body}\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source)
    exec(text, generated)
    assert "def f_backward(x, dout" in text and "dout_1" in text
    x = np.array([0.3, -0.7])
    dout = 3.0 if np.ndim(namespace["f"](x)) == 0 else np.array([3.0, 5.0])
    h = 1e-6
    want = [(np.sum(namespace["f"](x + h * e) * dout) - np.sum(namespace["f"](x - h * e) * dout)) / (2 * h)
            for e in np.eye(2)]
    np.testing.assert_allclose(generated["f_backward"](x, dout=dout), want, rtol=1e-6)


def test_code_for_numbers_made_shape_generic_by_a_list_keeps_dout_1_in_a_module_without_numpy():
    # was f_backward(x, dout): f_backward(1.5) raised TypeError
    namespace = {}
    exec(backgen.generate("def f(x):\n    v = [x * i for i in range(3)]\n    return v[1] * x\n"), namespace)
    assert namespace["f_backward"](1.5) == pytest.approx(3.0)


def test_a_conditional_expression_on_a_rank_takes_the_branch_of_the_rank_given(tmp_path):
    # was refused: both branches walked, the first's shape kept (z @ z of a matrix)
    from conftest import load_module

    path = tmp_path / "ranked.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    z = x if x.ndim == 1 else x.ravel()\n    return z @ z\n")
    f = backgen.backward(load_module(path).f)
    for shape in [(3, 2), (4,)]:
        x = np.random.default_rng(0).standard_normal(shape)
        np.testing.assert_allclose(f.backward(x), 2 * x)
    namespace = {}
    exec(backgen.generate(path.read_text(), shapes={"x": "N, D"}), namespace)
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(namespace["f_backward"](x), 2 * x)


def _summed(x):
    return np.sum(x * 2.0)


SUMMED = "import numpy as np\n\ndef f(x):\n    return np.sum(x * 2.0)\n"


@pytest.mark.parametrize("shapes, message", [
    ({"x": None}, r"shapes=\{'x': None\}: cannot read a shape from None: use a string like 'N, D'"),
    (["N"], r"shapes= must be a dict from parameter names to shapes, like \{'x': 'N, D'\}, not list \['N'\]"),
    ("x=N", r"shapes= must be a dict from parameter names to shapes, like \{'x': 'N, D'\}, not str 'x=N'"),
    ({"x": "-1, 2"}, r"the dimension -1 is negative"),
    ({"x": (-1, 2)}, r"the dimension -1 is negative"),
    ({"x": "2**3"}, r"the dimension '2\*\*3' is not a size, a name \(N\) or a multiple of a name \(4\*H\)"),
    ({"x": (2.5,)}, r"the dimension 2.5 is not a size or a name"),
    ({"x": ["float", "float"]}, r"'float' names a kind of value, not a dimension .*a list of two numbers' \[\(\), \(\)\]"),
    ({"x": "N, int"}, r"'int' names a kind of value, not a dimension"),
])
def test_shapes_that_are_not_shapes_are_backgen_errors(shapes, message):
    # (were a TypeError, an AttributeError, or an 'internal error' from the sample arrays)
    with pytest.raises(BackgenError, match=message) as info:
        backgen.generate(SUMMED, shapes=shapes)
    assert info.value.lineno == 3 and "internal error" not in str(info.value)
    for decorate in (lambda: backgen.backward(_summed, shapes=shapes), lambda: backgen.backward(shapes=shapes)(_summed),
                     lambda: backgen.layer(_summed, shapes=shapes)):
        with pytest.raises(BackgenError, match=message):
            decorate()


def test_shapes_naming_no_parameter_is_an_error_listing_the_parameters():
    # (was ignored, while wrt naming no parameter is an error)
    with pytest.raises(BackgenError, match=r"shapes names 'zz', which is not a parameter of f\(\) \(parameters: x\)"):
        backgen.generate(SUMMED, shapes={"zz": "N"})
    with pytest.raises(BackgenError, match=r"shapes names 'zz', which is not a parameter of _summed\(\) "
                                           r"\(parameters: x\)"):
        backgen.backward(_summed, shapes={"zz": "N"})
    assert "def f_backward(x" in backgen.generate(SUMMED, shapes={"x": "N, D"})
    # one dict for the functions of a source text: each takes its own parameters' shapes
    both = SUMMED + "\n\ndef g(y):\n    return np.sum(y * y)\n"
    assert "def f_backward(x" in backgen.generate(both, name="f", shapes={"x": "N, D", "y": "N"})
    with pytest.raises(BackgenError, match=r"shapes names 'zz', which is not a parameter of g\(\) \(parameters: y\)"):
        backgen.generate(both, name="g", shapes={"x": "N, D", "zz": "N"})


@pytest.mark.parametrize("wrt", [3, 2.5, b"x"])
def test_wrt_that_is_not_names_is_a_backgen_error(wrt):
    # (an int was an 'internal error': 'int' object is not iterable)
    message = rf"wrt must be a parameter's name or a list of them, like wrt=\('x', 'w'\), not {type(wrt).__name__}"
    with pytest.raises(BackgenError, match=message):
        backgen.generate(SUMMED, wrt=wrt)
    with pytest.raises(BackgenError, match=message):
        backgen.backward(_summed, wrt=wrt)
    with pytest.raises(BackgenError, match=message):  # (known at the first call: was a TypeError)
        backgen.backward(_of_settings, wrt=wrt)


def _of_settings(params, x):
    return np.sum(params["W"] @ x)


def test_a_method_s_attribute_gradients_come_in_the_order_it_reads_them(tmp_path):
    # were in the order of a breadth-first walk: (dW2, dW1, dx), swapped silently where shapes agree
    from conftest import load_module

    path = tmp_path / "attr_order.py"
    path.write_text("import numpy as np\n\nclass Net:\n    def __init__(self):\n"
                    "        rng = np.random.RandomState(0)\n        self.W1 = rng.randn(3, 3)\n"
                    "        self.W2 = rng.randn(3, 3)\n\n    def forward(self, x):\n"
                    "        h = np.tanh(x @ self.W1)\n        return h @ self.W2\n")
    net = load_module(path).Net()
    x, dout = np.random.default_rng(1).standard_normal((2, 3)), np.random.default_rng(2).standard_normal((2, 3))
    dW1, dW2, dx = backgen.backward(net.forward).backward(x, dout=dout)
    def objective(W1, W2, x):
        return np.sum((np.tanh(x @ W1) @ W2) * dout)
    for k, got in enumerate((dW1, dW2, dx)):
        np.testing.assert_allclose(got, gradient(objective, [net.W1, net.W2, x], k), rtol=1e-6, atol=1e-8)


def test_a_tuple_of_upstream_gradients_for_a_value_returned_beside_its_own_gradient_is_refused():
    # return z, dx: dx is taken for the function's own gradient of x (a loss's loss, dx) and not
    # differentiated; dout=(1.0, 1.0) went into the backward as it was: (0.0, (1.0, 1.0)) for (0.5, 1.0)
    @backgen.backward
    def f(x, z):
        dx = x / 2.0
        return z, dx

    with pytest.raises(TypeError, match="takes dx for f's own gradient .* differentiates z alone"):
        f.backward(1.0, 2.0, dout=(1.0, 1.0))
    assert f.backward(1.0, 2.0, dout=2.0) == (0.0, 2.0)


def test_a_function_returning_a_list_of_numbers_needs_a_list_of_upstream_gradients():
    # the backward of return [x, x * 2] read dout[0] and dout[1] with dout defaulting to 1.0: called
    # without dout it raised "'float' object is not subscriptable" from the generated code
    text = backgen.generate("def f(x):\n    return [x, x * 2]\n")
    assert "def f_backward(x, dout):" in text

    @backgen.backward
    def g(x):
        return [x, x * 2]

    with pytest.raises(TypeError, match="g returns a list, .* a list of 2 upstream gradients"):
        g.backward(0.7)
    assert g.backward(0.7, dout=[1.0, 0.5]) == pytest.approx(2.0)


def test_an_array_given_for_its_shape_says_to_give_the_shape():
    # shapes={"x": np.zeros((3, 2))} said "The truth value of an array with more than one element is
    # ambiguous", after the array's repr over several lines
    source = "import numpy as np\ndef f(x, w):\n    return np.sum(np.tanh(x @ w))\n"
    with pytest.raises(BackgenError, match=r"shapes=\{'x': \.\.\.\}: .*give its shape, like \(3, 2\)") as info:
        backgen.generate(source, shapes={"x": np.zeros((3, 2)), "w": "2, 1"})
    assert "\n" not in str(info.value)


def test_an_upstream_gradient_that_is_no_number_is_refused_for_a_number():
    # dout=[1.0, 2.0] for a function returning a number: 2 * dout repeated the list, and
    # f.backward(1.0, dout=[1.0, 2.0]) returned [1.0, 2.0, 1.0, 2.0]; dout=None raised from inside
    @backgen.backward
    def f(x):
        return 2 * x

    for dout in ([1.0, 2.0], (1.0,), None, "1"):
        with pytest.raises(TypeError, match="f returns a number: dout is its upstream gradient, a number"):
            f.backward(1.0, dout=dout)
    assert f.backward(1.0, dout=0.5) == 1.0


def test_a_partial_or_a_classmethod_given_to_the_decorator():
    # functools.partial raised AttributeError ('__qualname__'); a classmethod, bound to its class, was
    # differentiated in cls too: (0.0, 4.0) for 4.0
    import functools

    def h(x, y):
        return x * y

    made = backgen.backward(functools.partial(h, 2.0))  # (h decorated, given x = 2.0: the gradient in y)
    assert made(3.0) == 6.0 and made.backward(3.0) == 2.0

    class M:
        @classmethod
        def c(cls, x):
            return x * 4.0

    assert backgen.backward(M.c).backward(1.5) == 4.0


def test_upstream_gradients_of_several_outputs_one_a_list():
    # the gradient of a list returned beside a number is a list; of a number, a number
    @backgen.backward
    def g(x, y):
        return x * y, [x * 2, y]

    assert g.backward(1.0, 2.0, dout=(1.0, [1.0, 1.0])) == (4.0, 2.0)
    with pytest.raises(TypeError, match=r"dout\[0\] is its upstream gradient, a number, not list"):
        g.backward(1.0, 2.0, dout=([1.0, 2.0], [1.0, 1.0]))

    @backgen.backward
    def f(x, y):
        return x * y, (x, y)

    with pytest.raises(TypeError, match="returns a tuple of which backgen differentiates the first value alone"):
        f.backward(1.0, 2.0, dout=(1.0, 1.0))
    assert f.backward(1.0, 2.0, dout=2.0) == (4.0, 2.0)


def test_sample_runs_print_no_warnings_of_their_values():
    """The samples backgen runs the forward on may select nothing (y == 1 of labels all 0): NumPy's
    "mean of empty slice" is of values nobody gave, and is not shown."""
    import warnings
    source = textwrap.dedent('''
        import numpy as np
        def f(X: "N, D", y: "int N"):
            m = X[y == 1].mean(axis=0)
            return np.sum(m ** 2)
        ''')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = backgen.generate(source, name="f")
    assert "def f_backward" in text
    assert [str(w.message) for w in caught] == []
