"""Python as people write it: module constants, imports of names, flags and settings as parameters.

Every gradient is checked against central finite differences.
"""

import importlib.util
import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient, weighted

EPS_SCALE = 2.5  # read by a decorated function below


def test_module_constants_are_read_from_the_source():
    source = textwrap.dedent('''
        import math
        EPS = 1e-8
        h = 6.62607015e-34
        c = 299792458.0
        k = 1.380649e-23
        def planck(T):
            lam = 5e-7
            return 2 * h * c ** 2 / lam ** 5 / (math.exp(h * c / (lam * k * T)) - 1.0) + EPS * T
    ''')
    namespace = {}
    exec(source, namespace)
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["planck_backward"](5000.0) == pytest.approx(gradient(namespace["planck"], [5000.0], 0),
                                                                 rel=1e-5)


def test_module_numbers_computed_with_math_functions_are_constants(tmp_path):
    # constants a module computes when imported (LOG2PI, TWO_PI, Gauss-Legendre nodes) were refused as
    # "global values" by generate and the command line, and the nodes list by the decorator too
    source = textwrap.dedent('''
        import math
        import numpy as np
        from math import sqrt
        LOG2PI = math.log(2 * math.pi)
        TWO_PI = 2 * np.pi
        NODES = [-sqrt(3 / 5), 0.0, math.sqrt(3 / 5)]
        WEIGHTS = [5 / 9, 8 / 9, 5 / 9]
        def f(x, mu, s):
            ll = -0.5 * LOG2PI - math.log(s) - (x - mu) ** 2 / (2 * s * s)
            q = sum(w * math.exp(-s * (mu + t) ** 2) for w, t in zip(WEIGHTS, NODES))
            return ll * math.sin(TWO_PI * x) + q
    ''')
    path = tmp_path / "consts.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("consts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [0.3, 0.2, 1.3]
    generated = {}
    exec(backgen.generate(source), generated)
    for got in (generated["f_backward"](*args), backgen.backward(module.f).backward(*args)):
        for k, g in enumerate(got):
            assert g == pytest.approx(gradient(module.f, args, k), rel=1e-6)


def test_a_module_list_of_pairs_looped_over_with_two_names(tmp_path):
    # for limit, rate in BRACKETS (a list of pairs of numbers at module level) was refused as a global value
    source = textwrap.dedent('''
        BRACKETS = [(10000.0, 0.0), (40000.0, 0.2), (100000.0, 0.4)]
        def f(income, top_rate):
            owed = 0.0
            prev = 0.0
            for limit, rate in BRACKETS:
                if income > limit:
                    owed += (limit - prev) * rate
                    prev = limit
            return owed + (income - prev) * top_rate
    ''')
    path = tmp_path / "brackets.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("brackets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = {}
    exec(backgen.generate(source), generated)
    for args in ([120000.0, 0.45], [60000.0, 0.45]):
        for got in (generated["f_backward"](*args), backgen.backward(module.f).backward(*args)):
            for k, g in enumerate(got):
                assert g == pytest.approx(gradient(module.f, args, k, 1e-3), rel=1e-6, abs=1e-9)  # (piecewise linear)


def test_a_decorated_function_reads_module_constants():
    @backgen.backward
    def f(x):
        return np.sum(EPS_SCALE * x * x)
    assert np.allclose(f.backward(np.array([1.0, 2.0])), [5.0, 10.0])


def test_names_imported_from_math_and_numpy():
    source = textwrap.dedent('''
        from math import sin, pi
        from numpy import exp
        import numpy as onp
        def f(x: "3"):
            return onp.sum(exp(x) * sin(pi / 4))
    ''')
    generated = {}
    exec(backgen.generate(source), generated)
    x = np.array([0.1, 0.2, 0.3])
    assert np.allclose(generated["f_backward"](x), np.exp(x) * math.sin(math.pi / 4))


def test_flags_and_settings_are_constants_and_an_integer_default_given_a_float_is_differentiated():
    @backgen.backward
    def f(x, c=1, nonlin=True, mode="train"):
        y = x * c
        if nonlin:
            y = math.tanh(y)
        if mode == "train":
            y = y * 2.0
        return y

    assert f.backward(0.5) == pytest.approx(gradient(f, [0.5], 0))
    dx, dc = f.backward(0.5, 1.5)
    assert dx == pytest.approx(gradient(f, [0.5, 1.5], 0)) and dc == pytest.approx(gradient(f, [0.5, 1.5], 1))
    assert f.backward(0.5, 2, False, "test") == pytest.approx(2.0)

    @backgen.backward
    def g(x, scale=2, relu=False):
        out = x * scale
        if relu:
            out = np.maximum(out, 0)
        return np.sum(out * out)
    dx, dscale = g.backward(np.array([1.0, -2.0]), 3.0, True)
    assert np.allclose(dx, [18.0, 0.0]) and dscale == pytest.approx(6.0)


def check_source(source, args, dout=1.0):
    source = textwrap.dedent(source)
    namespace, generated = {"np": np, "math": math}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    func = namespace["f"]
    got = generated["f_backward"](*[np.copy(a) for a in args], dout)
    got = got if len(args) > 1 else (got,)
    objective = weighted(func, (dout,))
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(objective, args, k), rtol=1e-5, atol=1e-8)


V = np.array([0.5, 0.6, 0.7])
W = np.array([1.5, -0.6, 0.2])


@pytest.mark.parametrize("source, args", [
    ('''
    def f(xs: "3"):
        total = 0.0
        for i, x in enumerate(xs):
            total = total + x * (i + 1)
        return total
    ''', [V]),
    ('''
    def f(xs: "3"):
        total = 0.0
        for i, x in enumerate(xs, 1):
            total = total + x * i
        return total
    ''', [V]),
    ('''
    def f(ws: "3", xs: "3"):
        total = 0.0
        for w, x in zip(ws, xs):
            total = total + w * x
        return total
    ''', [V, W]),
    ('''
    def f(ws: "3", xs: "3"):
        return sum(w * x for w, x in zip(ws, xs))
    ''', [V, W]),
    ('''
    def f(xs: "3"):
        ys = [np.tanh(x) for x in xs]
        return ys[0] * ys[2] + sum(ys)
    ''', [V]),
    ('''
    def f(x: "3"):
        x2 = x * 2.0
        return sum(v * v for v in x2 if v > 1.1)
    ''', [V]),
    ('''
    def f(a, b):
        return sum(math.sin(t * a) for t in [a, b, a * b])
    ''', [0.3, 0.7]),
    ('''
    def f(x):
        x2 = sum([x * t for t in [1.0, 2.0]])
        t = x2 * 3.0
        return t + x
    ''', [0.3]),
    ('''
    def f(a, b):
        vals = [a, b]
        return vals[-1] * vals[0] + vals[1]
    ''', [0.3, 0.7]),
    ('''
    def f(x: "3"):
        return np.sum(np.stack([x * i for i in range(3)]) ** 2)
    ''', [V]),
    ('''
    def f(z: "3", w: "3"):
        softmax = lambda a: np.exp(a) / np.sum(np.exp(a))
        scale = lambda a, k=2.0: a * k * w
        return -np.log(softmax(scale(z))[0])
    ''', [V, W]),
    ('''
    def f(z: "3", w: "3"):
        total = 0.0
        for i in range(3):
            e = np.exp(z * w[i])
            s = np.sum(e)
            p = lambda k: e[k] / s
            total += -np.log(p(i))
            if i > 0:
                q = lambda a, b: a * b * s
                total += q(p(0), w[i])
        return total
    ''', [V, W]),
    ('''
    def f(x: "2, 3", w: "3, 2"):
        N, *rest = x.shape
        *batch, D = x.shape
        return np.sum(np.tanh(x.reshape(N, -1) @ w)) * len(rest) * len(batch) * D
    ''', [np.arange(6.0).reshape(2, 3) / 7, np.arange(6.0).reshape(3, 2) / 5]),
], ids=["enumerate", "enumerate-start", "zip", "generator", "list-comprehension", "comprehension-if",
        "scalar-generator", "comprehension-variable-is-its-own", "scalar-list", "comprehension-in-a-call",
        "named-lambdas", "lambdas-named-in-a-loop-and-a-branch", "starred-shape"])
def test_iteration_idioms_are_the_loops_they_are(source, args):
    check_source(source, args)


def test_a_comprehension_in_a_while_test_is_refused():
    source = 'def f(x):\n    while sum([x for t in [1.0]]) < 0.0:\n        x = x * 2.0\n    return x\n'
    with pytest.raises(backgen.BackgenError, match="comprehension in a while test"):
        backgen.generate(source)


@pytest.mark.parametrize("source, args", [
    ('''
    def f(a: float, b: float, c: float):
        v = np.array([a, b * b, c])
        return np.sum(v * np.arange(1.0, 4.0))
    ''', [0.3, 0.7, 1.1]),
    ('''
    def f(x: "3", y: "3"):
        v = np.array([x, y * 2.0])
        return np.sum(v * v)
    ''', [V, W]),
    ('''
    def f(x: "3"):
        s = float(np.sum(x * x))
        return s * 2.0
    ''', [V]),
    ('''
    def f(x: "3"):
        s = np.sum(x * x).item()
        return s * x[0]
    ''', [V]),
    ('''
    def f(a: float):
        return np.sum([1.0, a * a, 2.0])
    ''', [0.3]),
    ('''
    def f(x: "3"):
        y = np.asarray(x * 3.0, dtype=float).astype(np.float64)
        return np.sum(y * y)
    ''', [V]),
], ids=["np.array-of-numbers", "np.array-of-arrays", "float", "item", "list-to-numpy", "asarray-astype"])
def test_values_converted_keep_their_gradient(source, args):
    check_source(source, args)


@pytest.mark.parametrize("source, args", [
    ('''
    def f(x: "3", w: "3"):
        """A layer whose activation is written inside it, reading w from the closure."""
        def act(z):
            return np.tanh(z) * w
        h = act(x * 2.0)
        return np.sum(act(h))
    ''', [V, W]),
    ('''
    def f(x, a):
        import math as m
        def h(z):
            return a * m.sin(z)
        def k(z):
            return h(z) * z
        return h(x) + k(2 * x)
    ''', [0.3, 0.7]),
    ('''
    def f(x, a):
        def scaled(z, c=2.0):
            return c * z * a
        a = a * 3.0
        return scaled(x) + scaled(x, c=0.5) * x
    ''', [0.3, 0.7]),
    ('''
    def f(x: "3"):
        from numpy import exp
        def soft(z):
            e = exp(z - z.max())
            return e / e.sum()
        return np.sum(soft(x) * np.arange(3.0))
    ''', [V]),
    ('''
    def f(x, y):
        def g(t):
            return t * t - 0.1
        if g(x) > 0:
            return g(x) * y
        return x * y
    ''', [0.5, 1.5]),
], ids=["closure-over-a-parameter", "sibling-and-import-inside", "closure-read-when-called", "import-from-numpy",
        "called-in-a-test"])
def test_functions_and_imports_written_inside_the_function(source, args):
    check_source(source, args)


def test_a_nested_function_used_as_a_value_is_refused():
    source = textwrap.dedent('''
        def f(x):
            def g(t):
                return t * 2.0
            h = g
            return h(x)
    ''')
    with pytest.raises(backgen.BackgenError, match="used here other than by calling it") as info:
        backgen.generate(source)
    assert info.value.lineno == 5


def test_expressions_computed_and_dropped_are_skipped():
    check_source('''
    def f(x: "3"):
        x * 2
        np.sum(x)
        x[0]
        return np.sum(np.tanh(x))
    ''', [V])


def test_warnings_and_logging_are_side_effects_left_out():
    # were refused: a call standing alone may write into its arguments
    check_source('''
    import logging
    import warnings
    def f(x: "3"):
        if np.sum(x) < -100.0:
            warnings.warn("very negative")
        logging.info("f of %s", x)
        return np.sum(np.tanh(x))
    ''', [V])


def idiom_enumerate(a, b):
    total = 0.0
    for i, t in enumerate([a, b, a * b]):
        total = total + math.sin(t) * (i + 1)
    return total


def idiom_zip_generator(a, b):
    ws = [a, b]
    xs = [b, 2.0]
    return sum(w * math.exp(x) for w, x in zip(ws, xs))


def idiom_nested(a, b):
    def g(t):
        return a * math.tanh(t)
    return g(b) * g(a * b)


def idiom_flag(a, b, squared=True):
    if squared:
        return a * a * b
    return a * b


@pytest.mark.parametrize("forward", [idiom_enumerate, idiom_zip_generator, idiom_nested, idiom_flag])
def test_second_derivatives_of_idioms(forward):
    """The generated backward stays in the subset: differentiating it again gives Hessian-vector
    products, checked against finite differences of the first backward."""
    first = backgen.backward(forward)
    second = backgen.backward(first.backward_function)
    args, v = [0.4, 0.7], (0.3, -1.1)
    got = second.backward(*args, 1.0, dout=v)

    def directional(a, b):
        da, db = first.backward(a, b)
        return v[0] * da + v[1] * db
    for k in range(2):
        assert got[k] == pytest.approx(gradient(directional, args, k), rel=1e-5, abs=1e-8)


def test_defaults_written_as_arithmetic_on_numbers():
    source = textwrap.dedent('''
        import numpy as np
        def lorenz_step(state, sigma=10.0, rho=28.0, beta=8.0 / 3.0, dt=-(-1 / 100)):
            x, y, z = state
            dx = sigma * (y - x)
            dy = x * (rho - z) - y
            dz = x * y - beta * z
            return np.array([x + dt * dx, y + dt * dy, z + dt * dz])
    ''')
    namespace = {}
    exec(source, namespace)
    text = backgen.generate(source, shapes={"state": "3"})
    assert "beta=8.0 / 3.0, dt=-(-1 / 100)" in text  # the user's defaults, as written
    generated = {}
    exec(text, generated)
    state, dout = np.array([1.0, 2.0, 3.0]), np.array([0.3, -0.5, 0.7])
    got = generated["lorenz_step_backward"](state, dout=dout)
    np.testing.assert_allclose(got[0], gradient(weighted(namespace["lorenz_step"], (dout,)), [state], 0),
                               rtol=1e-6, atol=1e-9)
    with pytest.raises(backgen.BackgenError, match="defaults must be numbers"):
        backgen.generate("def f(x, k=len('ab')):\n    return x * k\n")


def polynomial(coeffs, x):
    y = 0.0
    for c in coeffs:
        y = y * x + c
    return y


def test_a_list_of_numbers_given_for_a_parameter_the_code_iterates_gets_a_list_back():
    g = backgen.backward(polynomial)
    for coeffs in ([0.5, -1.0, 2.0], (0.5, -1.0, 2.0, 3.0), np.array([0.5, -1.0])):
        dcoeffs, dx = g.backward(coeffs, 0.7)
        assert type(dcoeffs) is type(coeffs)
        want = gradient(lambda c: polynomial(c, 0.7), [np.asarray(coeffs, dtype=float)], 0)
        np.testing.assert_allclose(np.asarray(dcoeffs), want, rtol=1e-6, atol=1e-9)
        assert dx == pytest.approx(gradient(lambda x: polynomial(coeffs, x), [0.7], 0), rel=1e-6)


def scaled_tanh_sum(x, a=1):
    def act(z):
        return np.tanh(z) * a
    return np.sum(act(x))


def test_a_nested_helper_closing_over_an_integer_default_given_a_float():
    g = backgen.backward(scaled_tanh_sum)
    x = np.array([0.3, -0.7, 1.1])
    dx, da = g.backward(x, 0.9)  # the float given for a is differentiated, also inside act()
    np.testing.assert_allclose(dx, gradient(scaled_tanh_sum, [x, 0.9], 0), rtol=1e-6)
    assert da == pytest.approx(gradient(scaled_tanh_sum, [x, 0.9], 1), rel=1e-6)
    np.testing.assert_allclose(g.backward(x), gradient(scaled_tanh_sum, [x, 1], 0), rtol=1e-6)
    assert backgen.gradcheck(g, x, 0.9) < 1e-6 and backgen.gradcheck(scaled_tanh_sum, x) < 1e-6


def test_max_and_min_of_several_numbers_route_to_the_first_extreme():
    source = "def f(x, y, z, w):\n    return max(x, y, z) * min(y, z, w, x) + max(x * y, z, w)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    for args in [(0.3, 0.9, 0.5, -0.2), (0.9, -0.2, 0.3, 0.5), (-0.2, 0.5, 0.9, 0.3), (0.5, 0.3, -0.2, 0.9)]:
        got = generated["f_backward"](*args)
        for k in range(4):
            assert got[k] == pytest.approx(gradient(namespace["f"], list(args), k), abs=1e-7)


def test_annotated_assignments_are_assignments():
    source = textwrap.dedent('''
        import numpy as np

        def f(x, w):
            out: np.ndarray = None
            h: np.ndarray = np.tanh(x @ w)
            n: int
            scale: float = 2.0
            out = h * scale
            return np.sum(out ** 2)
    ''')
    namespace, forward = {}, {}
    exec(backgen.generate(source, shapes={"x": "3, 4", "w": "4, 2"}), namespace)
    exec(source, forward)
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    for k, got in enumerate(namespace["f_backward"](x, w)):
        np.testing.assert_allclose(got, gradient(forward["f"], (x, w), k), rtol=1e-5, atol=1e-7)


def test_keyword_only_parameters():
    @backgen.backward
    def f(x, *, shift, scale=2.0):
        return np.sum(np.tanh(x * scale + shift))

    x = np.array([0.1, -0.4, 0.3])
    dx, dshift, dscale = f.backward(x, shift=0.2)
    want = [gradient(lambda x, shift, scale: f(x, scale=scale, shift=shift), (x, 0.2, 2.0), k) for k in range(3)]
    for got, expected in zip((dx, dshift, dscale), want):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    text = backgen.generate("import numpy as np\n\ndef g(x, *, s=2.0):\n    return np.sum(x * s)\n",
                            shapes={"x": "3", "s": float})
    assert "def g_backward(x, s=2.0, dout=1.0):" in text  # taken by name or by place
    with pytest.raises(backgen.BackgenError, match="keyword-only parameter without a default"):
        backgen.generate("import numpy as np\n\ndef g(x, s=1.0, *, t):\n    return np.sum(x * s * t)\n")


@pytest.mark.parametrize("body, args", [
    ("losses = [(a - 1.0) ** 2, (b + 0.5) ** 2, (a * b) ** 2]\n    return max(losses) + 0.1 * sum(losses)", [0.2, 0.7]),
    ("return min([a * b, b, a]) + max(x * x for x in (a, b))", [0.7, -1.3]),
    ("xs = []\n    for i in range(3):\n        xs.append(a * i - b)\n    return max(xs) ** 2", [0.7, -1.3]),
    ("xs = [a, b]\n    xs = xs + [a * b]\n    return max(xs) * min(xs)", [0.7, -1.3]),
    ("xs = [a, a, b]\n    return max(xs) * 3.0", [0.9, 0.2]),  # a tie: the first (the builtin's) takes it all
])
def test_builtin_max_and_min_of_a_list_the_function_builds(body, args):
    source = "def f(a, b):\n    " + body + "\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["f_backward"](*args)
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(namespace["f"], args, k) if "a, a, b" not in body else [3.0, 0.0][k],
                                   rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("body", [
    "    m = max(logits)\n    s = 0.0\n    for z in logits:\n        s += math.exp(z - m)\n"
    "    return m + math.log(s) - logits[target]\n",
    "    return max(logits) * min(logits) + sum(logits) * logits[target]\n",
])
def test_builtin_max_and_min_of_a_list_parameter_in_plain_python(tmp_path, body):
    # max(xs) of a list of numbers given as a parameter was refused as max() of an array where the code
    # also indexes xs (or does not iterate it)
    source = "import math\n\ndef f(logits, target=1):\n" + body
    path = tmp_path / "extremes.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("extremes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [[0.5, 2.0, -1.0, 0.3]]
    want = gradient(module.f, args, 0)
    generated = {}
    exec(backgen.generate(source), generated)
    for got in (generated["f_backward"](*args), backgen.backward(module.f).backward(*args)):
        np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("source, args", [
    ("from math import prod\n\ndef f(v0, rates):\n    return v0 * prod(1 + r for r in rates) ** (1 / len(rates))\n",
     [100.0, [0.05, -0.02, 0.07, 0.01]]),
    ("import math\n\ndef f(ps, scale):\n    s = math.prod((1 - p) for p in ps)\n"
     "    if math.prod(ps, start=scale) > 0.001:\n        s += math.prod(ps, start=scale)\n    return s\n",
     [[0.5, 0.0, 0.2], 1.5]),
    ("import math\n\ndef f(ps, scale):\n    total = 0.0\n    for k in range(2):\n"
     "        total += math.prod([total, scale, ps[k]]) + math.prod(ps)\n    return total\n", [[0.5, 0.2], 1.5]),
])
def test_math_prod_is_the_loop_multiplying_the_items(tmp_path, source, args):
    # math.prod was refused as a function with no derivative rule
    path = tmp_path / "products.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("products", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generated = {}
    exec(backgen.generate(source), generated)
    for got in (generated["f_backward"](*args), backgen.backward(module.f).backward(*args)):
        for k, g in enumerate(got):
            np.testing.assert_allclose(np.asarray(g, dtype=float), gradient(module.f, args, k), rtol=1e-6, atol=1e-9)


def test_builtin_max_of_an_array_is_refused_naming_np_max():
    with pytest.raises(backgen.BackgenError, match=r"max\(\) of one argument .* use np.max\(x\)"):
        backgen.generate("import numpy as np\n\ndef f(x):\n    return max(x) * np.sum(x)\n", shapes={"x": "5"})


@pytest.mark.parametrize("source, args", [
    ("import numpy as np\n\ndef f(pred, target):\n    total = 0.0\n"
     "    for p, t in ((pred, target), (pred[::2], target[::2]), (pred[1::2], target[1::2])):\n"
     "        total += np.mean((p - t) ** 2)\n    return total\n", [np.linspace(-1, 1, 6), np.cos(np.arange(6.0))]),
    ("def f(x, y):\n    s = 0.0\n    for v in (x, 2 * x, x * y):\n        s = s + v * v\n    return s\n", [0.3, -0.8]),
    # the display is computed as the loop starts: x rebound in the body does not change what it holds
    ("def f(x, y):\n    s = 0.0\n    for v in (x * y, x + 1.0):\n        s = s + v * x\n        x = x * 2.0\n    return s\n",
     [0.3, -0.8]),
])
def test_a_loop_over_a_display_of_values_computed_as_it_starts(source, args):
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["f_backward"](*args)
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shapes", [{"logits": "N", "y": "int N"}, None])
def test_np_where_of_a_condition_alone_gives_indices(shapes):
    """np.where(y == 1)[0] is np.nonzero's index (it was refused as np.where missing x and y)."""
    source = ("import numpy as np\n\ndef f(logits, y):\n    p = 1.0 / (1.0 + np.exp(-logits))\n"
              "    pos = np.where(y == 1)[0]\n    neg = np.where(y == 0)[0]\n"
              "    return -np.mean(np.log(p[pos])) - np.mean(np.log(1 - p[neg]))\n")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes=shapes, wrt=("logits",)), generated)
    args = [np.linspace(-1.5, 2.0, 8), np.array([1, 0, 0, 1, 1, 0, 1, 0])]
    np.testing.assert_allclose(generated["f_backward"](*args), gradient(namespace["f"], args, 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source, args", [
    ("import numpy as np\n\ndef f(x, w):\n    a = b = np.zeros(x.shape[1])\n    for i in range(x.shape[0]):\n"
     "        a = a + x[i] * w\n        b = b + x[i] ** 2\n    return np.sum(a * b)\n",
     [np.arange(6.0).reshape(2, 3) / 5, np.array([0.5, -1.0, 2.0])]),
    ("import numpy as np\n\ndef f(x, w):\n    dx = dw = None\n    s = t = np.tanh(x * w)\n"
     "    for k in range(2):\n        u = v = s * t\n        s = u + v * 0.5\n    return np.sum(s)\n",
     [np.array([0.3, -0.2, 0.9]), np.array([0.5, -1.0, 2.0])]),
])
def test_a_chained_assignment_binds_each_name_to_the_one_value(source, args):
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"x": "N, D" if args[0].ndim == 2 else "D", "w": "D"}), generated)
    got = generated["f_backward"](*[np.copy(a) for a in args])
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


def test_a_write_through_one_name_of_a_chained_assignment_reaches_the_other():
    # a = b = np.zeros(3) is one array under two names, as b = a is: a += ... writes into b too (refused
    # once; the array is now staged on a line of its own, both names holding it, and the write followed)
    source = "import numpy as np\n\ndef f(x, w):\n    a = b = np.zeros(3)\n    a += x * w\n    return np.sum(b * x)\n"
    user, generated = {}, {}
    exec(source, user)
    exec(backgen.generate(source, shapes={"x": "3", "w": "3"}), generated)
    x, w = np.array([0.3, -1.2, 0.7]), np.array([1.1, 0.4, -0.6])
    dx, dw = generated["f_backward"](x, w)
    np.testing.assert_allclose(dx, gradient(weighted(user["f"], [1.0]), [x, w], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, gradient(weighted(user["f"], [1.0]), [x, w], 1), rtol=1e-6, atol=1e-8)


def test_slices_made_with_slice_and_a_list_of_heads_concatenated():
    """Multi-head attention as written with s = slice(h * hd, (h + 1) * hd) and np.concatenate(heads,
    axis=1) of a list built in the loop: both were refused (unknown function 'slice'; np.concatenate
    needing a list written out)."""
    source = '''
import numpy as np

def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)

def f(x, Wq, Wk, Wv, Wo, n_heads=2):
    T, D = x.shape
    hd = D // n_heads
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    heads = []
    for h in range(n_heads):
        s = slice(h * hd, (h + 1) * hd)
        a = softmax(q[:, s] @ k[:, s].T / np.sqrt(hd))
        heads.append(a @ v[:, s])
    return np.sum(np.tanh(np.concatenate(heads, axis=1) @ Wo))
'''
    rng = np.random.default_rng(11)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=(4, 4)), rng.normal(size=(4, 4)),
            rng.normal(size=(4, 2))]
    namespace = {}
    exec(source, namespace)
    for shapes in (None, {"x": "T, D", "Wq": "D, D", "Wk": "D, D", "Wv": "D, D", "Wo": "D, M"}):
        text = backgen.generate(source, name="f", shapes=shapes)
        assert "s_start = h * hd" in text and "concatenated = np.concatenate(heads, axis=1)" in text
        generated = {}
        exec(text, generated)
        got = generated["f_backward"](*args)
        for k, g in enumerate(got):
            np.testing.assert_allclose(g, gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("body, want", [
    ("s = slice(2)\n    return np.sum(x[s] ** 2)", [0.0, 2.0, 0.0, 0.0, 0.0]),
    ("s = slice(1, None, 2)\n    t = x[s]\n    return np.sum(t * x[s])", [0.0, 2.0, 0.0, 6.0, 0.0]),
    # the bounds as the slice is made: lo bound again after it does not move it
    ("lo = 1\n    s = slice(lo, lo + 2)\n    lo = 3\n    return np.sum(x[s] ** 2) + lo", [0.0, 2.0, 4.0, 0.0, 0.0]),
])
def test_a_slice_object_bound_once_is_the_slice_it_makes(body, want):
    text = backgen.generate("import numpy as np\n\ndef f(x):\n    " + body + "\n", shapes={"x": "5"})
    namespace = {}
    exec(text, namespace)
    np.testing.assert_allclose(namespace["f_backward"](np.arange(5.0)), want)


def test_a_slice_object_bound_twice_is_refused_saying_how_to_write_it():
    with pytest.raises(backgen.BackgenError, match=r"slice\(\.\.\.\) is followed where it is bound to a name once"):
        backgen.generate("import numpy as np\n\ndef f(x):\n    s = slice(0, 2)\n    s = slice(1, 3)\n"
                         "    return np.sum(x[s])\n", shapes={"x": "5"})


def test_a_slice_a_helper_returns_is_the_slice_it_makes():
    """autograd's neural-network example takes its batch as train_images[idx] of idx = batch_indices(iter), a
    helper returning slice(...): refused (a slice not bound in the function); the helper is written out in
    its caller, where the slice is a name bound once, read as an index."""
    source = '''
import numpy as np

batch_size = 2


def batch_indices(iter):
    idx = iter % 3
    return slice(idx * batch_size, (idx + 1) * batch_size)


def window(i, width=2):
    return slice(i * width, (i + 1) * width)


def f(x, w, iter=4):
    idx = batch_indices(iter)
    total = np.sum(np.tanh(x[idx] * w) ** 2)
    for i in range(3):
        total = total + np.sum(x[window(i)] * (i + 1)) * w
    return total
'''
    rng = np.random.default_rng(12)
    args = [rng.normal(size=6), 0.7]
    namespace = {}
    exec(source, namespace)
    for shapes in (None, {"x": "6", "w": float}):
        text = backgen.generate(source, name="f", shapes=shapes)
        generated = {}
        exec(text, generated)
        got = generated["f_backward"](*args)
        for k, g in enumerate(got):
            np.testing.assert_allclose(g, gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


def test_autograds_mixture_of_gaussians_as_written():
    """autograd's Gaussian mixture: for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)),
    then np.vstack(cluster_lls) of the list built in the loop (both were refused: a starred argument, and
    np.vstack needing a list written out)."""
    source = '''
import numpy as np
from scipy.special import logsumexp

def unpack_gmm_params(params):
    normalized_log_proportions = params['log proportions'] - logsumexp(params['log proportions'])
    return normalized_log_proportions, params['means'], params['lower triangles']

def gmm_log_likelihood(params, data):
    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        diff = data - mean
        sol = np.linalg.solve(cov, diff.T).T
        ll = -0.5 * np.sum(diff * sol, axis=1) - 0.5 * np.linalg.slogdet(2 * np.pi * cov)[1]
        cluster_lls.append(log_proportion + ll)
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))
'''
    pytest.importorskip("scipy")
    rng = np.random.default_rng(12)
    params = {"log proportions": rng.normal(size=2), "means": rng.normal(size=(2, 2)),
              "lower triangles": np.eye(2) + 0.1 * rng.normal(size=(2, 2, 2))}
    data = rng.normal(size=(5, 2))
    text = backgen.generate(source, name="gmm_log_likelihood", wrt=("params",), shapes={
        "params": {"log proportions": "K", "means": "K, D", "lower triangles": "K, D, D"}, "data": "N, D"})
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(text, generated)
    got = generated["gmm_log_likelihood_backward"](params, data)
    for key in params:
        def f(value, key=key):
            return namespace["gmm_log_likelihood"](dict(params, **{key: value}), data)
        np.testing.assert_allclose(got[key], gradient(f, [params[key]], 0), rtol=1e-5, atol=1e-7)


def test_a_loop_naming_each_tuple_of_a_display_of_values_whole_is_refused():
    # for pair in ((a, b), (a * 2.0, b)): a tuple under one name, as before (the display's values are bound
    # only where the loop unpacks them)
    source = "def f(a, b):\n    s = 0.0\n    for pair in ((a, b), (a * 2.0, b)):\n        s = s + pair[0] * pair[1]\n" \
             "    return s\n"
    with pytest.raises(backgen.BackgenError, match="tuples are only supported as arguments of calls and in indexing"):
        backgen.generate(source)


@pytest.mark.parametrize("source, args", [
    # the minimum image of a separation in a periodic box: round() is a step, of slope 0
    ('''
    def f(x1, x2, L):
        dx = x2 - x1
        dx = dx - L * round(dx / L)
        return 4.0 * ((1.0 / dx) ** 12 - (1.0 / dx) ** 6)
    ''', [0.37, 1.91, 1.3]),
    # a phase's fractional part, remainders of numbers (% and math.fmod), int() of a value
    ('''
    def f(a, b):
        t = a * 3.7
        frac = t - math.floor(t) + math.ceil(b) * a - math.trunc(a * 2.0)
        return frac * b + math.fmod(a * 5.0, b) + (a * b) % 0.7 + int(a * 10) * b + round(b, 2) * a
    ''', [1.23, 0.61]),
    ('''
    def f(a, b):
        s = 0.0
        for i in range(6):
            if i % 2 == 0:
                s += a * i
            s += (b * i) % 1.3 + math.fmod(-a * i, 0.9)
        return s
    ''', [0.37, 1.91]),
])
def test_steps_and_remainders_of_numbers(source, args):
    # the steps (floor, ceil, trunc, round, int) have the slope 0 and the remainders the slopes of
    # a - b * floor(a / b) (a - b * trunc(a / b) for math.fmod), away from their jumps
    source = textwrap.dedent(source)
    namespace, generated = {"math": math}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["f_backward"](*args)
    for k, g in enumerate(got):
        assert g == pytest.approx(gradient(namespace["f"], args, k), rel=1e-6, abs=1e-8)


def test_a_loop_over_a_list_of_layers_bound_to_a_name_first():
    # params = [(W1, b1), (W2, b2)], then for W, b in params: the layers' sizes differ, so the loop's
    # value changes shape: refused ('tuples are only supported ...'); the loop over the display
    # itself is written out, as for W, b in [(W1, b1), (W2, b2)] is
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)), rng.normal(size=2),
            rng.normal(size=(2, 3))]
    check_source('''
    def f(W1: "3, 4", b1: "4", W2: "4, 2", b2: "2", inputs: "2, 3"):
        params = [(W1, b1), (W2, b2)]
        for W, b in params:
            outputs = np.dot(inputs, W) + b
            inputs = np.tanh(outputs)
        return np.sum(inputs ** 2) + np.sum(outputs)
    ''', args)


def test_a_list_bound_first_whose_names_change_after_is_not_written_out():
    # the display read W1 once, as it was bound: a loop reading W1 again after W1 = ... would not
    source = textwrap.dedent('''
    def f(W1: "3, 3", W2: "3, 3", x: "3"):
        Ws = [W1, W2]
        W1 = W1 * 2.0
        for W in Ws:
            x = np.tanh(W @ x)
        return np.sum(x) + np.sum(W1)
    ''')
    text = backgen.generate(source)  # (a loop over the list: Ws[i])
    assert "for i in range(len(Ws)):" in text
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    exec(text, generated)
    rng = np.random.default_rng(6)
    args = [rng.normal(size=(3, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)]
    got = generated["f_backward"](*[a.copy() for a in args])
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, gradient(namespace["f"], args, k), rtol=1e-5, atol=1e-8)


def _where_case(source, name, args, wrt, **options):
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name=name, wrt=tuple(wrt), **options), generated)
    params = list(namespace[name].__code__.co_varnames[:len(args)])
    with np.errstate(all="ignore"):
        got = generated[f"{name}_backward"](*args)
        got = got if isinstance(got, tuple) else (got,)
        for g, w in zip(got, wrt):
            want = gradient(namespace[name], args, params.index(w))
            assert np.all(np.isfinite(g))
            np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shapes", [None, {"p": "N", "q": "N"}])
def test_the_branch_np_where_leaves_out_gives_no_nan(shapes):
    # where p is 0 the left-out branch is 0 * log(0), nan, and so were the chain rule's products there
    # (dlogquot / quot, 0 / 0): the output does not depend on those entries, their gradient is 0
    source = textwrap.dedent('''
        import numpy as np
        def kl(p, q):
            return np.sum(np.where(p != 0, p * np.log(p / q), 0))
    ''')
    p, q = np.array([0.2, 0.0, 0.5, 0.3, 0.0]), np.array([0.25, 0.25, 0.2, 0.2, 0.1])
    _where_case(source, "kl", [p, q], ["q"], **({"shapes": shapes} if shapes else {}))


def test_the_stable_sigmoid_where_exp_overflows_in_the_other_branch():
    source = textwrap.dedent('''
        import numpy as np
        def loss(z: "N", y: "N"):
            p = np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
            return np.sum(y * p)
    ''')
    _where_case(source, "loss", [np.array([-800.0, -3.0, 0.5, 2.0, 800.0]), np.linspace(0.5, 1.5, 5)], ["z"])


@pytest.mark.parametrize("shapes", [None, {"m": "N, D", "x": "D"}])
def test_a_where_broadcasting_its_branch_along_the_condition_is_left_as_it_was(shapes):
    # x has one row, the condition several: x's gradient sums rows the condition treats differently, so
    # the condition says nothing about where x's gradient is 0
    source = textwrap.dedent('''
        import numpy as np
        def f(m, x):
            return np.sum(np.where(m, np.log(x) * 2.0, x))
    ''')
    m = np.array([[True, False, True], [False, False, True]])
    _where_case(source, "f", [m, np.array([0.5, 1.5, 2.5])], ["x"], **({"shapes": shapes} if shapes else {}))


def test_a_value_of_the_left_out_branch_read_elsewhere_keeps_its_gradient():
    source = textwrap.dedent('''
        import numpy as np
        def f(x: "N", y: "N"):
            r = np.log(x)
            return np.sum(np.where(y > 0, r / y, 0.0)) + np.sum(r ** 2)
    ''')
    _where_case(source, "f", [np.array([0.5, 1.5, 2.5, 0.7]), np.array([1.0, -1.0, -2.0, 0.5])], ["x", "y"])


def test_from_math_import_star_binds_maths_names():
    source = textwrap.dedent('''
        from math import *
        def reach(v0, theta, g=9.81):
            return v0 ** 2 * sin(2 * theta) / g + sqrt(v0) * exp(-theta) + pi
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["reach_backward"](12.0, 0.7)
    for k in range(2):
        assert got[k] == pytest.approx(gradient(namespace["reach"], [12.0, 0.7], k), rel=1e-6)


def test_from_numpy_import_star_makes_sum_and_max_numpys():
    source = textwrap.dedent('''
        from numpy import *
        def f(x: "N", w: "N"):
            return sum(exp(x) * w) + max(x * w) + abs(x).sum()
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    x, w = np.array([0.3, -1.2, 0.8]), np.array([1.0, 2.0, -0.5])
    got = generated["f_backward"](x, w)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], [x, w], k), rtol=1e-6)


@pytest.mark.parametrize("imports, call", [
    ("from scipy.stats import norm", "norm.logpdf(y, loc=mu, scale=s)"),
    ("from scipy.stats import norm", "np.log(norm.pdf(y, mu, s))"),
    ("import scipy.stats as st", "st.norm.logpdf(y, mu, s) + st.norm.logcdf(mu)"),
    ("from scipy import stats", "np.log(stats.norm.cdf(y - mu, scale=s)) + stats.norm.logsf(y)"),
    ("import scipy.stats", "scipy.stats.norm.logpdf((y - mu) / s) - np.log(s) + np.log(scipy.stats.norm.sf(mu))"),
    ("import autograd.scipy.stats.norm as norm", "norm.logpdf(y, mu, s)"),
    ("from autograd.scipy.stats import norm", "norm.logpdf(x=y, loc=mu, scale=s)"),
])
def test_scipy_stats_norm_is_read_as_its_formulas(imports, call, tmp_path):
    pytest.importorskip("scipy")
    if "autograd" in imports:
        pytest.importorskip("autograd")
    source = f"import numpy as np\n{imports}\n\ndef f(mu, log_s, y):\n    s = np.exp(log_s)\n" \
             f"    return np.sum({call})\n"
    generated = {}
    path = tmp_path / "norm_user.py"  # (the decorator reads the function's file)
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("norm_user", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = vars(module)
    args = [np.array([0.3, -0.4, 1.1]), np.array([0.2, -0.3, 0.1]), np.array([0.5, 0.1, -0.7])]
    for text in (backgen.generate(source, name="f", wrt=("mu", "log_s")),
                 backgen.generate(source, name="f", wrt=("mu", "log_s"), shapes={"mu": "N", "log_s": "N", "y": "N"})):
        exec(text, generated)
        got = generated["f_backward"](*args)
        for k in range(2):
            np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)
    decorated = backgen.backward(namespace["f"], wrt=("mu", "log_s"))
    got = decorated.backward(*args, dout=1.0)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("call, message", [
    ("st.t.cdf(x, 3.0)", "scipy.stats.t.cdf is not supported"),
    ("st.poisson.cdf(x, 3.0)", "scipy.stats.poisson.cdf is not supported"),
    ("st.norm(0.0, 2.0).logpdf(x)", "not supported"),
    ("st.norm.logpdf(x, 0.0, 1.0, 2.0)", "not supported"),
])
def test_scipy_stats_beyond_norms_functions_is_refused(call, message):
    source = f"import numpy as np\nimport scipy.stats as st\n\ndef f(x: 'N'):\n    return np.sum({call})\n"
    with pytest.raises(backgen.BackgenError, match=message):
        backgen.generate(source, name="f")


@pytest.mark.parametrize("imports, loop", [
    ("import itertools", "for i, j in itertools.combinations(range(len(q)), 2):"),
    ("from itertools import combinations", "for i, j in combinations(range(len(q)), 2):"),
    ("import itertools as it", "for i, j in it.combinations(range(1, len(q)), r=2):"),
])
def test_pairs_of_itertools_combinations_are_the_two_loops_they_are(imports, loop):
    source = f"import numpy as np\n{imports}\n\ndef coulomb(q, pos):\n    e = 0.0\n    {loop}\n" \
             f"        e += q[i] * q[j] / np.linalg.norm(pos[i] - pos[j])\n    return e\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="coulomb", shapes={"q": "N", "pos": "N, 3"}), generated)
    args = [np.array([1.0, -1.0, 0.5, 2.0]), np.random.default_rng(3).normal(size=(4, 3))]
    got = generated["coulomb_backward"](*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["coulomb"], args, k), rtol=1e-6, atol=1e-8)


def test_pairs_of_itertools_combinations_of_a_list_of_arrays():
    source = textwrap.dedent('''
        import itertools
        import numpy as np
        def spread(a, b, c):
            total = 0.0
            for u, v in itertools.combinations([a, b * 2.0, c], 2):
                total += np.sum((u - v) ** 2)
            return total
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="spread", shapes={"a": "3", "b": "3", "c": "3"}), generated)
    args = [np.array([0.1, 0.2, 0.3]), np.array([1.0, -1.0, 0.5]), np.array([0.7, 0.0, -0.4])]
    got = generated["spread_backward"](*args)
    for k in range(3):
        np.testing.assert_allclose(got[k], gradient(namespace["spread"], args, k), rtol=1e-6, atol=1e-8)


def test_itertools_combinations_left_by_a_break_iterates_the_list_of_pairs():
    source = "import itertools\n\ndef f(xs: 'N'):\n    s = 0.0\n" \
             "    for i, j in itertools.combinations(range(len(xs)), 2):\n        if s > 3.0:\n            break\n" \
             "        s += xs[i] * xs[j]\n    return s\n"
    xs = np.array([1.2, 0.7, 1.5, 0.9, 1.1])
    namespace = {}
    exec(backgen.generate(source, name="f", shapes={"xs": "5"}), namespace)
    exec(source, namespace)
    h = 1e-6
    want = [(namespace["f"](xs + h * e) - namespace["f"](xs - h * e)) / (2 * h) for e in np.eye(5)]
    np.testing.assert_allclose(namespace["f_backward"](xs), want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("imports, call, rows", [
    ("from scipy.stats import multivariate_normal as mvn", "mvn.logpdf(y, m, S)", False),
    ("from scipy.stats import multivariate_normal as mvn", "mvn.logpdf(Y, mean=m, cov=S)", True),
    ("import scipy.stats as st", "np.log(st.multivariate_normal.pdf(Y - m, cov=S))", True),
    ("import autograd.scipy.stats.multivariate_normal as mvn", "mvn.logpdf(y, m, S)", False),
])
def test_scipy_stats_multivariate_normal_is_read_as_its_formula(imports, call, rows, tmp_path):
    pytest.importorskip("scipy")
    if "autograd" in imports:
        pytest.importorskip("autograd")
    source = f"import numpy as np\n{imports}\n\ndef f(m, A, y, Y):\n    S = A @ A.T + np.eye(3)\n" \
             f"    return np.sum({call})\n"
    path = tmp_path / "mvn_user.py"  # (the decorator reads the function's file)
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("mvn_user", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(21)
    args = [rng.normal(size=3), rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(5, 3))]
    want = [gradient(module.f, args, k) for k in range(2)]
    generated = {}
    exec(backgen.generate(source, name="f", wrt=("m", "A"), shapes={"m": "3", "A": "3, 3", "y": "3", "Y": "5, 3"}),
         generated)
    got = generated["f_backward"](*args)
    got_decorated = backgen.backward(module.f, wrt=("m", "A")).backward(*args, dout=1.0)
    for k in range(2):
        np.testing.assert_allclose(got[k], want[k], rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(got_decorated[k], want[k], rtol=1e-6, atol=1e-8)


GP_KERNEL = "    K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / np.exp(2 * log_ls)) + 0.1 * np.eye(len(x))\n"


@pytest.mark.parametrize("imports, body", [
    ("from scipy.linalg import cho_factor, cho_solve",
     "    c, low = cho_factor(K)\n    alpha = cho_solve((c, low), y)\n"
     "    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c)))\n"),
    ("from scipy.linalg import cho_factor, cho_solve",
     "    c, low = cho_factor(K, lower=True, check_finite=False)\n    alpha = cho_solve((c, low), y)\n"
     "    return 0.5 * y @ alpha + np.sum(np.log(c.diagonal()))\n"),
    ("import scipy.linalg",
     "    factor = scipy.linalg.cho_factor(K)\n    alpha = scipy.linalg.cho_solve(factor, y)\n"
     "    return 0.5 * np.dot(y, alpha) + np.log(np.diag(factor[0])).sum()\n"),
    ("from scipy.linalg import cholesky, solve_triangular",
     "    L = cholesky(K, lower=True)\n"
     "    alpha = solve_triangular(L.T, solve_triangular(L, y, lower=True), lower=False)\n"
     "    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))\n"),
    ("import scipy.linalg as sla",
     "    U = sla.cholesky(K)\n    z = sla.solve_triangular(U, y, trans='T')\n"
     "    return 0.5 * z @ z + np.sum(np.log(np.diag(U)))\n"),
])
def test_scipy_linalg_cholesky_solves_are_read_as_numpys(imports, body, tmp_path):
    pytest.importorskip("scipy")
    source = f"import numpy as np\n{imports}\n\ndef gp_nll(log_ls, x, y):\n{GP_KERNEL}{body}"
    path = tmp_path / "gp_user.py"  # (the decorator reads the function's file)
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("gp_user", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(8)
    args = [0.2, rng.normal(size=5), rng.normal(size=5)]
    want = gradient(module.gp_nll, args, 0)
    generated = {}
    exec(backgen.generate(source, name="gp_nll", wrt=("log_ls",), shapes={"log_ls": "float", "x": "N", "y": "N"}),
         generated)
    assert generated["gp_nll_backward"](*args) == pytest.approx(want, rel=1e-6)
    assert backgen.backward(module.gp_nll, wrt=("log_ls",)).backward(*args, dout=1.0) == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("body, message", [
    ("    c, low = cho_factor(K)\n    return np.sum(c) + cho_solve((c, low), y)[0]\n",
     "'c' holds the matrix cho_factor returns, whose other triangle SciPy leaves unspecified"),
    ("    c, low = cho_factor(K)\n    return np.sum(cho_solve((c, not low), y))\n", "read it only by cho_solve"),
    ("    L = cholesky(K, lower=True)\n    return np.sum(solve_triangular(L, y, lower=True, unit_diagonal=True))\n",
     "unit_diagonal must be written as one of False"),
    ("    return np.sum(sqrtm(K) @ y)\n", "scipy.linalg.sqrtm is not supported"),
])
def test_scipy_linalg_beyond_what_is_read_is_refused(body, message):
    source = "import numpy as np\n" \
             "from scipy.linalg import cho_factor, cho_solve, cholesky, solve_triangular, sqrtm\n\n" \
             f"def f(log_ls, x: 'N', y: 'N'):\n{GP_KERNEL}{body}"
    with pytest.raises(backgen.BackgenError, match=message):
        backgen.generate(source, name="f")


@pytest.mark.parametrize("header, call", [
    ("def predict(params, x, nonlinearity=np.tanh):", "predict(params, x)"),
    ("def predict(params, x, nonlinearity=relu):", "predict(params, x)"),
    ("def predict(params, x, nonlinearity=relu, final=np.exp):", "predict(params, x)"),
])
def test_a_helpers_parameter_defaulting_to_a_function_is_that_function(header, call):
    source = "import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n\n" \
             f"{header}\n    for W, b in params:\n        x = nonlinearity(np.dot(x, W) + b)\n    return x\n\n" \
             f"def loss(params, x):\n    return np.sum({call} ** 2)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    rng = np.random.default_rng(4)
    params = [(rng.normal(size=(3, 4)), rng.normal(size=4)), (rng.normal(size=(4, 2)), rng.normal(size=2))]
    x = rng.normal(size=(5, 3))
    exec(backgen.generate(source, name="loss", wrt=("params",),
                          shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"}), generated)
    got = generated["loss_backward"](params, x)
    want = gradient(namespace["loss"], [params, x], 0)
    for (gW, gb), (wW, wb) in zip(got, want):
        np.testing.assert_allclose(gW, wW, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gb, wb, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("call", ["predict(params, x, np.sin)", "predict(params, x, nonlinearity=np.sin)"])
def test_a_call_passing_a_function_in_place_of_a_helpers_default_calls_that_function(call):
    source = "import numpy as np\n\ndef predict(params, x, nonlinearity=np.tanh):\n    for W, b in params:\n" \
             "        x = nonlinearity(np.dot(x, W) + b)\n    return x\n\n" \
             f"def loss(params, x):\n    return np.sum({call} ** 2)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    rng = np.random.default_rng(4)
    params = [(rng.normal(size=(3, 4)), rng.normal(size=4)), (rng.normal(size=(4, 2)), rng.normal(size=2))]
    x = rng.normal(size=(5, 3))
    text = backgen.generate(source, name="loss", wrt=("params",),
                            shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"})
    assert "np.sin(" in text and "np.tanh(" not in text
    exec(text, generated)
    got = generated["loss_backward"](params, x)
    want = gradient(namespace["loss"], [params, x], 0)
    for (gW, gb), (wW, wb) in zip(got, want):
        np.testing.assert_allclose(gW, wW, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gb, wb, rtol=1e-6, atol=1e-8)


def test_a_call_passing_a_function_in_place_of_a_default_positionally_calls_that_function():
    source = "import numpy as np\n\ndef act(z, f=np.tanh):\n    return f(z) * 2.0\n\n" \
             "def loss(x: '3'):\n    return np.sum(act(x, np.sin))\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="loss"), generated)
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(generated["loss_backward"](x), gradient(namespace["loss"], [x], 0),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("imports, body", [
    ("from scipy.linalg import cho_factor, cho_solve",
     "    c, low = cho_factor(K)\n    return y @ cho_solve((c, low), y) + np.sum(np.log(np.diag(c)))\n"),
    ("from scipy.linalg import cho_factor, cho_solve",
     "    f = cho_factor(K, lower=True)\n    return y @ cho_solve(f, y) + np.sum(np.log(np.diag(f[0])))\n"),
    ("from scipy.linalg import cholesky, solve_triangular",
     "    U = cholesky(K)\n    z = solve_triangular(U, y, trans=1)\n    return z @ z + np.sum(np.log(np.diag(U)))\n"),
    ("from scipy.linalg import cholesky, solve_triangular",
     "    L = cholesky(K, lower=True)\n    z = solve_triangular(L, y, lower=True)\n"
     "    return z @ z + np.sum(L ** 3)\n"),
])
def test_scipy_linalg_reads_the_triangle_scipy_reads(imports, body, tmp_path):
    # SciPy's factors read one triangle of K (the upper unless lower=True): the gradient with respect to K
    # itself is in that triangle only (NumPy's cholesky reads the lower)
    pytest.importorskip("scipy")
    source = f"import numpy as np\n{imports}\n\ndef f(B, y):\n    K = B + 10.0 * np.eye(4)\n{body}"
    path = tmp_path / "tri_user.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("tri_user", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = np.random.default_rng(31)
    args = [rng.normal(size=(4, 4)), rng.normal(size=4)]  # (B not symmetric: one triangle is read)
    want = gradient(module.f, args, 0)
    generated = {}
    exec(backgen.generate(source, name="f", wrt=("B",), shapes={"B": "4, 4", "y": "4"}), generated)
    np.testing.assert_allclose(generated["f_backward"](*args), want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(backgen.backward(module.f, wrt=("B",)).backward(*args, dout=1.0), want,
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("call", ["softmax(z, axis=1)", "softmax(z, 0)", "softmax(z)",
                                  "np.exp(log_softmax(z, axis=-1))",
                                  "log_softmax(z) * 0.5"])
def test_scipy_special_softmax_and_log_softmax_are_read(call):
    pytest.importorskip("scipy")
    source = "import numpy as np\nfrom scipy.special import softmax, log_softmax\n\n" \
             f"def f(z: 'N, C', w: 'N, C'):\n    return np.sum(w * {call})\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", wrt=("z",)), generated)
    rng = np.random.default_rng(17)
    args = [rng.normal(size=(4, 3)), rng.normal(size=(4, 3))]
    np.testing.assert_allclose(generated["f_backward"](*args), gradient(namespace["f"], args, 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("axis", [1, -1, 0])
def test_take_along_axis_without_shapes_holds_at_every_rank(axis):
    # labels read by np.take_along_axis are integer labels to the code written for every shape, and its
    # gradient scatters back along the axis counted from the start (a negative one as the code runs)
    source = "import numpy as np\n\ndef f(logp, labels, w):\n" \
             f"    picked = np.take_along_axis(logp, np.expand_dims(labels, {axis}), axis={axis})\n" \
             "    return np.sum(w * np.exp(picked))\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", wrt=("logp",)), generated)
    rng = np.random.default_rng(5)
    for shape in [(4, 3), (2, 4, 3)]:
        logp = rng.normal(size=shape)
        labels = rng.integers(0, shape[axis], size=tuple(np.delete(shape, axis % len(shape))))
        w = rng.normal(size=np.take_along_axis(logp, np.expand_dims(labels, axis), axis=axis).shape)
        got = generated["f_backward"](logp, labels, w, 1.0)
        np.testing.assert_allclose(got, gradient(namespace["f"], [logp, labels, w], 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("body", [
    "    total = 0.0\n    for k, w in enumerate(ws, start=1):\n"
    "        total = total + k * np.sum(w * x)\n    return total\n",
    "    return sum(k * np.sum(w * x) for k, w in enumerate(ws, start=2))\n",
])
def test_enumerate_with_start_by_name(body):
    source = f"import numpy as np\n\ndef f(ws, x):\n{body}"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", shapes={"ws": ["3", "3"], "x": "3"}), generated)
    rng = np.random.default_rng(2)
    args = [[rng.normal(size=3), rng.normal(size=3)], rng.normal(size=3)]
    got = generated["f_backward"](*args)
    want = [gradient(namespace["f"], args, k) for k in range(2)]
    for g, w in zip(got[0], want[0]):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)


def test_del_of_names_computes_nothing():
    source = textwrap.dedent('''
        import numpy as np
        def f(x: "N, D", w: "D"):
            *_, D = x.shape
            tmp = x * 2.0
            y = tmp @ w + 1.0
            del tmp
            for i in range(2):
                h = np.tanh(y)
                y = h * y
                del h
            return np.sum(y ** 2) / D
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    rng = np.random.default_rng(3)
    args = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    got = generated["f_backward"](*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sizes", [(6, 3), (3, 6), (4, 4)])
def test_convolve_valid_with_lengths_declared_by_name_is_right_whichever_is_longer(sizes):
    # the lengths N and K say nothing of which is the longer: the samples took x for the shorter and
    # wrote dx of K - N + 1 numbers (dx of shape (2,) for x of shape (6,))
    source = "import numpy as np\n\ndef f(x: 'N', k: 'K'):\n" \
             "    return np.sum(np.convolve(x, k, mode='valid') ** 2)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    rng = np.random.default_rng(9)
    args = [rng.normal(size=sizes[0]), rng.normal(size=sizes[1])]
    got = generated["f_backward"](*args)
    for k in range(2):
        want = gradient(namespace["f"], args, k)
        assert np.shape(got[k]) == np.shape(want)
        np.testing.assert_allclose(got[k], want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("header, call, shapes", [
    ("import numpy as np", "np.trapezoid(y ** 2, x)", {"y": "N", "x": "N"}),
    ("import numpy as np", "np.trapezoid(np.sin(y), dx=0.1)", {"y": "N", "x": "N"}),
    ("import numpy as np", "np.sum(np.trapezoid(y[None, :] * x[:, None], x=y, axis=-1))", {"y": "N", "x": "N"}),
    ("from numpy import trapezoid, exp", "trapezoid(exp(-y) * x, y)", {"y": "N", "x": "N"}),
    ("import numpy as np", "np.trapezoid(y ** 2, x)", None),
])
def test_trapezoid_is_read_as_the_sum_it_computes(header, call, shapes):
    source = f"{header}\n\ndef f(y, x):\n    return {call}\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f", **({"shapes": shapes} if shapes else {})), generated)
    args = [np.sort(np.random.default_rng(6).uniform(0.0, 2.0, 6)), np.random.default_rng(7).normal(size=6)]
    got = generated["f_backward"](*args, *([] if shapes else [1.0]))
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


def test_trapezoid_with_x_along_another_axis_is_refused():
    # (without x, another axis is moved last: tests/test_numerics_hunt.py; with x, the first is read too:
    # tests/test_rules_breadth_hunt.py)
    source = "import numpy as np\n\ndef f(y: 'M, N, K', x: 'N'):\n    return np.sum(np.trapezoid(y, x, axis=1))\n"
    with pytest.raises(backgen.BackgenError, match="along its last axis"):
        backgen.generate(source, name="f")


@pytest.mark.parametrize("call", ["np.correlate(x, k, 'valid')", "np.correlate(x, k, mode='full')",
                                  "np.correlate(x, k)"])
@pytest.mark.parametrize("sizes", [(6, 3), (3, 6), (4, 4)])
def test_correlate_is_read_as_the_convolution_with_the_filter_reversed(call, sizes):
    source = f"import numpy as np\n\ndef f(x: 'N', k: 'K'):\n    c = {call}\n" \
             "    return np.sum(c ** 2) + np.sum(c)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    rng = np.random.default_rng(sum(sizes))
    args = [rng.normal(size=sizes[0]), rng.normal(size=sizes[1])]
    got = generated["f_backward"](*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


def test_correlate_in_a_mode_not_written_out_is_refused_as_written():
    source = "import numpy as np\n\ndef f(x: 'N', k: 'K'):\n    m = 'sa' + 'me'\n    return np.sum(np.correlate(x, k, m))\n"
    with pytest.raises(backgen.BackgenError, match="np.correlate is differentiated in modes 'full', 'same' and 'valid'"):
        backgen.generate(source, name="f")


@pytest.mark.parametrize("call", ["np.convolve(x, k, 'valid')", "np.convolve(x, k)", "np.correlate(x, k)"])
def test_convolve_without_shapes_holds_at_every_pair_of_lengths(call):
    source = f"import numpy as np\n\ndef f(x, k):\n    return np.sum({call} ** 2)\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    for sizes in [(6, 3), (3, 6), (4, 4), (1, 5)]:
        rng = np.random.default_rng(sum(sizes))
        args = [rng.normal(size=sizes[0]), rng.normal(size=sizes[1])]
        got = generated["f_backward"](*args, 1.0)
        for k in range(2):
            np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source", [
    "import math\n\ndef f(a, b):\n    return math.hypot(a, b, a * b) + math.hypot(a - 2.0)\n",
    "import math\n\ndef f(a, b):\n    return math.dist((a, b, 1.0), (1.0, 2.0, a * b))\n",
    "import math\n\ndef f(a, b):\n    return math.fsum(a ** k * b for k in range(3)) + math.fsum([a, b])\n",
    "from math import fsum, hypot, dist\n\ndef f(a, b):\n"
    "    return fsum([a, b * b]) + hypot(a, b, 1.0) + dist([a], [b])\n",
])
def test_maths_fsum_hypot_and_dist_are_read_as_their_arithmetic(source):
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    got = generated["f_backward"](0.7, 1.3)
    for k in range(2):
        assert got[k] == pytest.approx(gradient(namespace["f"], [0.7, 1.3], k), rel=1e-6)


def test_math_dist_of_points_not_written_out_is_refused():
    with pytest.raises(backgen.BackgenError, match="math.dist"):
        backgen.generate("import math\n\ndef f(p, q):\n    return math.dist(p, q)\n", name="f")


def _file_module(source, path):
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MODULE_LISTS = '''
import numpy as np

W = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]
C = (1 / 6, 1 / 3, 1 / 2)

def f(x, s):
    total = 0.0
    for c, xi in zip(C, x):
        total = total + c * np.tanh(s * xi)
    y = np.array(W) @ x
    return total + np.sum(y ** 2) * W[1][0] + len(C) * s + sum(C) * s ** 2
'''


def test_module_lists_of_numbers_are_constants(tmp_path):
    # lists and tuples of numbers written at module level and never changed, read inside the function:
    # the values the module holds, as if written in the function (by generate and by the decorator)
    module = _file_module(MODULE_LISTS, tmp_path / "module_lists.py")
    args = [np.array([0.3, -0.8, 1.1]), 0.7]
    generated = {}
    exec(backgen.generate(MODULE_LISTS, shapes={"x": "3", "s": "()"}), generated)
    for backward in (generated["f_backward"], backgen.backward(module.f).backward):
        got = backward(*args)
        for k in range(2):
            np.testing.assert_allclose(got[k], gradient(module.f, args, k), rtol=1e-5, atol=1e-7)


BUTCHER = '''
import numpy as np

A = [[0.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]
B = [1 / 6, 1 / 3, 1 / 3, 1 / 6]

def rk_step(y, k, h):
    ks = []
    for i in range(4):
        yi = y + h * sum(A[i][j] * ks[j] for j in range(i))
        ks.append(-k * yi + np.sin(yi))
    return np.sum((y + h * sum(b * kk for b, kk in zip(B, ks))) ** 2)
'''


def test_a_butcher_tableau_written_at_module_level(tmp_path):
    module = _file_module(BUTCHER, tmp_path / "butcher.py")
    args = [np.array([0.3, -0.2, 0.5]), 0.7, 0.1]
    generated = {}
    exec(backgen.generate(BUTCHER, shapes={"y": "3", "k": "()", "h": "()"}), generated)
    got = generated["rk_step_backward"](*args)
    for k in range(3):
        np.testing.assert_allclose(got[k], gradient(module.rk_step, args, k), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("module_code, body", [
    ("A = [1.0, 2.0]\nA.append(3.0)", "return np.sum(x * A[0])"),  # the module changes it
    ("A = [1.0, 2.0]\nA[0] = 5.0", "return np.sum(x * A[0])"),
    ("A = [1.0, 2.0]\nA = [3.0, 4.0]", "return np.sum(x * A[0])"),  # bound twice
    ("A = [1.0, 2.0]\ndef g():\n    global A\n    A = [0.0]", "return np.sum(x * A[0])"),
    ("A = np.array([1.0, 2.0])\nA[0] = 3.0", "return np.sum(x * A[0])"),  # an array the module writes into
    ("A = np.array([1.0, 2.0])\ndef g(v):\n    v[0] = 4.0\n    return v[1]", "return np.sum(x * g(A))"),
    ("A = np.zeros(2)", "return np.sum(x * A[0])"),  # built by a call of no literal: not a constant
    ("A = [1.0, 'a']", "return np.sum(x * A[0])"),
    ("A = [[1.0, 2.0], [3.0, 4.0]]", "row = A[0]\n    return np.sum(x * row[0])"),  # an inner list named
    ("A = [1.0, 2.0]\ndef g(v):\n    v.append(1.0)\n    return v[0]", "return np.sum(x * g(A))"),
    ("A = [1.0, 2.0]", "B = A\n    return np.sum(x * B[0])"),  # named anew: a name that could change it
    ("A = [1.0, 2.0, 3.0]\nnp.random.seed(1)\nnp.random.shuffle(A)", "return np.sum(x * A[0])"),  # reordered
    ("A = [1.0, 2.0]\nglobals()['A'][0] = 7.0", "return np.sum(x * A[0])"),  # changed through globals()
    ("A = [[1.0, 2.0], [3.0, 4.0]]", "for row in A[1:]:\n        x = x * row[0]\n    return np.sum(x)"),
    ("A = [[1.0, 2.0], [3.0, 4.0]]", "B = A * 2\n    return np.sum(x * B[0][0])"),  # B[0] is A[0]
])
def test_a_module_list_that_may_change_is_refused_where_it_is_read(module_code, body, tmp_path):
    source = f"import numpy as np\n\n{module_code}\n\ndef f(x):\n    {body}\n"
    line = source.splitlines().index("def f(x):") + 2
    refused = "'A' is not a parameter or a variable assigned|changes the list passed as its parameter"
    with pytest.raises(backgen.BackgenError, match=refused) as info:
        backgen.generate(source, name="f", shapes={"x": "2"})
    assert info.value.lineno == line
    module = _file_module(source, tmp_path / "changing_list.py")
    x = np.array([0.5, 1.5])
    if isinstance(module.A, np.ndarray):  # the decorator reads an array of the module as it is at each call
        got = backgen.backward(module.f).backward(x.copy())
        np.testing.assert_allclose(got, gradient(module.f, [x], 0), rtol=1e-6, atol=1e-8)
        return
    with pytest.raises(backgen.BackgenError, match=refused):
        backgen.backward(module.f).backward(x)


def test_a_module_list_changed_from_outside_is_refused_by_the_decorator(tmp_path):
    # the source writes A = [1.0, 2.0], but the running module holds another list: not that constant
    module = _file_module("import numpy as np\n\nA = [1.0, 2.0]\n\ndef f(x):\n    return np.sum(x * A[0])\n",
                          tmp_path / "changed_outside.py")
    module.A[0] = 3.0
    with pytest.raises(backgen.BackgenError, match="'A' is not a parameter or a variable assigned"):
        backgen.backward(module.f).backward(np.array([0.5, 1.5]))


RK_STEPS = BUTCHER.replace('''    return np.sum((y + h * sum(b * kk for b, kk in zip(B, ks))) ** 2)
''', '''    return y + h * sum(b * kk for b, kk in zip(B, ks))

def final_state(y0, k, h=0.1, n=3):
    y = y0
    for _ in range(n):
        y = rk_step(y, k, h)
    return np.sum(y ** 2)
''')


def test_a_helper_whose_loop_changes_a_shape_in_its_first_iteration_is_called_in_a_loop(tmp_path):
    # rk_step's stage sums, sum(A[i][j] * ks[j] for j in range(i)), are the number 0 at the first stage and
    # arrays after: the helper's loop is written out once before itself, as the function's own loops are
    # (refused before where the helper was called, here in a loop of the function differentiated)
    assert "def final_state" in RK_STEPS
    module = _file_module(RK_STEPS, tmp_path / "rk_steps.py")
    args = [np.array([0.3, -0.2, 0.5]), 0.7]
    generated = {}
    exec(backgen.generate(RK_STEPS, name="final_state", wrt=("y0", "k"), shapes={"y0": "3", "k": "()"}), generated)
    for backward in (generated["final_state_backward"], backgen.backward(module.final_state, wrt=("y0", "k")).backward):
        got = backward(*args)
        for k in range(2):
            np.testing.assert_allclose(got[k], gradient(module.final_state, args, k), rtol=1e-5, atol=1e-7)


def test_a_module_list_read_by_a_function_opening_with_argument_checks():
    # the list is put after the checks of optional parameters that open the function (left out, as always)
    source = '''
import numpy as np

A = [0.5, 1.5]

def f(x, w=None):
    if w is None:
        raise ValueError("w is needed")
    return np.sum(x * A[1] * w)
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"x": "3", "w": "3"}), generated)
    args = [np.array([0.3, -0.8, 1.1]), np.array([1.0, 2.0, -1.0])]
    got = generated["f_backward"](*args)
    for k in range(2):
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-5, atol=1e-7)


def test_module_values_changed_after_the_first_call_are_read_again_by_the_decorator(tmp_path):
    # the code generated at the first call holds A and LR as constants: once the module changes them,
    # that code is no longer the function's (it gave ds = 1.4 for both calls below, where 3.2 and 5.4 are)
    module = _file_module("import numpy as np\n\nA = [[0.0, 1.0], [2.0, 0.0]]\nLR = 0.5\n\n"
                          "def f(x, s):\n    return np.sum(x * A[1][0] * s) + LR * s\n",
                          tmp_path / "changed_later.py")
    differentiable = backgen.backward(module.f)
    args = [np.array([0.3, -0.2]), 0.7]
    for lr in (0.5, 3.0):
        module.LR = lr
        got = differentiable.backward(*args)
        for k in range(2):
            np.testing.assert_allclose(got[k], gradient(module.f, args, k), rtol=1e-5, atol=1e-7)
    module.A = [[0.0, 1.0], [5.0, 0.0]]  # no longer the list the source writes
    with pytest.raises(backgen.BackgenError, match="'A' is not a parameter or a variable assigned"):
        differentiable.backward(*args)
    scalar_module = _file_module("LR = 0.5\n\ndef g(s):\n    return LR * s * s\n", tmp_path / "changed_scalar.py")
    scalar = backgen.backward(scalar_module.g)
    assert scalar.backward(2.0) == 2.0
    scalar_module.LR = 3.0
    assert scalar.backward(2.0) == 12.0
    # read by a helper the function calls
    helper_module = _file_module("LR = 0.5\n\ndef g(h):\n    return h * LR\n\ndef f(s):\n    return g(s * s)\n",
                                 tmp_path / "changed_in_helper.py")
    helped = backgen.backward(helper_module.f)
    assert helped.backward(2.0) == 2.0
    helper_module.LR = 3.0
    assert helped.backward(2.0) == 12.0


# --- None as "nothing yet": acc = None, then if acc is None in a loop -----------------------------

X43 = np.array([[0.3, -0.5, 0.8], [0.1, 0.9, -0.4], [-0.7, 0.2, 0.6], [0.5, 0.5, -0.2]])
W3 = np.array([0.4, -1.2, 0.7])


@pytest.mark.parametrize("source, dout", [
    ('''
    def f(X: "4, 3", w: "3"):
        acc = None
        for i in range(X.shape[0]):
            h = np.tanh(X[i] * w)
            if acc is None:
                acc = h
            else:
                acc = acc + h
        return np.sum(acc ** 2)
    ''', 1.0),
    ('''
    def f(X: "4, 3", w: "3"):
        acc = None
        for i in range(4):
            h = np.tanh(X[i] * w)
            acc = h if acc is None else acc * h
        return acc
    ''', np.array([1.0, -2.0, 0.5])),
    ('''
    def f(X: "4, 3", w: "3"):
        total = None
        for row in [X[0], X[2], X[3]]:
            v = row * w
            if total is not None:
                total = total * 0.5 + v
            else:
                total = v
        return np.sum(total ** 2)
    ''', 1.0),
    ('''
    def f(X: "4, 3", w: "3"):
        best = None
        for i in range(len(X)):
            s = np.sum(X[i] * w)
            if best is None or s > best:
                best = s
        return best
    ''', 1.0),
    ('''
    def f(X: "4, 3", w: "3"):
        prev = None
        loss = 0.0
        for i in range(4):
            h = np.tanh(X[i] * w)
            if prev is not None:
                loss += np.sum((h - prev) ** 2)
            prev = h
        return loss
    ''', 1.0),
    ('''
    def f(X: "4, 3", w: "3"):
        acc = None
        k = 0
        while k < 3:
            t = X[k] @ w
            acc = t if acc is None else acc * t
            k += 1
        return acc
    ''', 1.0),
])
def test_a_value_that_is_none_until_a_loops_first_iteration_sets_it(source, dout):
    """The first iteration, which sees None, is written out before the loop; the others see a value."""
    check_source(source, [X43, W3], dout)


def test_a_test_of_none_the_code_does_not_decide_is_refused_at_the_test():
    with pytest.raises(backgen.BackgenError, match="whether 'acc' is None here depends on the path") as info:
        backgen.generate(textwrap.dedent('''
        def f(x: "3", s: float):
            acc = None
            if s > 0.5:
                acc = x * s
            if acc is None:
                return np.sum(x)
            return np.sum(acc)
        '''))
    assert info.value.lineno == 6


@pytest.mark.parametrize("source", [
    '''
    def f(X: "3, 3", w: "3"):
        acc = None
        for row in X:
            h = np.tanh(row * w)
            acc = h if acc is None else acc + h
        return np.sum(acc ** 2)
    ''',
    '''
    def f(X: "3, 3", w: "3"):
        acc = None
        for i, row in enumerate(X):
            h = np.tanh(row * w) * (i + 1)
            if acc is None:
                acc = h
            else:
                acc = acc * h
        return np.sum(acc)
    ''',
    '''
    def f(X: "3, 3", w: "3"):
        acc = None
        for a, b in zip(X, X[::-1]):
            h = np.tanh(a * w) * b
            acc = h if acc is None else acc + h
        return np.sum(acc)
    ''',
    '''
    def f(X: "3, 3", w: "3"):
        h = None
        for t in range(3):
            if h is None:
                h = np.tanh(X[t] * w)
            else:
                h = np.tanh(X[t] * w + h)
        return np.sum(h)
    ''',
    # a loop variable bound before the loop too (as a written-out first iteration binds it)
    '''
    def f(X: "3, 3", w: "3"):
        row = X[0]
        s = np.tanh(row * w)
        for row in X[1:]:
            s = s + np.tanh(row * w)
        return np.sum(s)
    ''',
])
def test_a_none_marker_over_the_rows_of_an_array(source):
    check_source(source, [X43[:3], W3])


@pytest.mark.parametrize("source, args", [
    # a comprehension's own acc is not the function's
    ('''
    def f(x: float, y: float):
        acc = None
        ys = [2.0 if acc is None else acc for acc in [x, y]]
        return ys[0] * ys[1] + x
    ''', [0.7, 1.3]),
    ('''
    def f(x: float, y: float):
        acc = None
        return sum(2.0 if acc is None else acc * acc for acc in [x, y])
    ''', [0.7, 1.3]),
    # the items after the first are read as the loop starts, before the first iteration sets y
    ('''
    def f(x: float, y: float):
        acc = None
        for v in [x, y]:
            if acc is None:
                acc = v * 2.0
                y = x * 3.0
            else:
                acc = acc * v
        return acc
    ''', [0.7, 1.3]),
    # the range is read before the loop binds k
    ('''
    def f(x: float):
        k = None
        s = x
        for k in range(2 if k is None else 4):
            s = s * x
        return s
    ''', [0.7]),
])
def test_a_none_marker_is_decided_as_python_reads_it(source, args):
    check_source(source, args)


@pytest.mark.parametrize("source, match, line", [
    # at n = 0 last is still None after the loop
    ('''
    def f(x: float, n: int):
        last = None
        for last in range(n):
            x = x * 1.0
        if last is None:
            return x * 2.0
        return x * 3.0
    ''', "whether 'last' is None here depends on the path taken", 6),
    # a helper given the None: not followed
    ('''
    def add(acc, h):
        if acc is None:
            return h
        return acc + h
    def f(X: "3, 3", w: "3"):
        acc = None
        for i in range(3):
            acc = add(acc, np.tanh(X[i] * w))
        return np.sum(acc)
    ''', "'acc' is None as this loop starts", 8),
])
def test_a_none_marker_backgen_does_not_follow_is_refused(source, match, line):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(textwrap.dedent(source))
    assert info.value.lineno == line


@pytest.mark.parametrize("body, args", [
    ("return np.sum(np.roll(x, k) * x ** 2)", (3,)),  # an integer parameter
    ("return np.sum(np.roll(x, k // 2 + 1) * x ** 2)", (-5,)),  # computed from one
    ("k = int(np.argmax(x))\n    return np.sum(np.sin(np.roll(x, k)) * x)", (0,)),  # read off the data
])
def test_a_shift_computed_rolls_the_gradient_back_by_its_negative(body, args):
    # was refused: np.roll needed a constant shift
    source = f"import numpy as np\ndef f(x: 'N', k: int):\n    {body}\n"
    x = np.array([0.3, -1.2, 0.7, 2.1, -0.4, 0.9])
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["f_backward"](x, *args)
    got = got[0] if isinstance(got, tuple) else got
    np.testing.assert_allclose(got, gradient(lambda v: namespace["f"](v, *args), (x,), 0), rtol=1e-6, atol=1e-8)


def test_a_shift_computed_over_several_axes_is_refused():
    source = "import numpy as np\ndef f(x: 'N, M', k: int):\n    return np.sum(np.roll(x, (k, 1), axis=(0, 1)) * x)\n"
    with pytest.raises(backgen.BackgenError, match="np.roll over several axes needs a constant shift"):
        backgen.generate(source)


@pytest.mark.parametrize("body", [
    # a mask made of booleans and written into with True / False
    "m = np.zeros(x.shape, dtype=bool)\n    m[np.arange(x.shape[0]), y] = True\n    return np.sum(x[m] ** 2)",
    "m = np.ones_like(x, dtype=bool)\n    m[np.arange(x.shape[0]), y] = False\n"
    "    return np.sum(np.where(m, x, 0.0) ** 2)",
    # types given as dtype= to constructors
    "idx = np.arange(x.shape[0], dtype=int)\n    return np.sum(np.tanh(x[idx, y]))",
    "z = np.zeros(x.shape, dtype=np.float64)\n    z[:] = x ** 2\n    return np.sum(z * x)",
    "w = np.array([1, 2, 3], dtype=np.float32)\n    return np.sum(x * w)",
    # True written into an array of floats is 1.0 there, a constant
    "z = x * 2.0\n    z[:, 0] = True\n    return np.sum(z * x)",
])
def test_types_named_as_dtypes_and_booleans_written_into_masks(body):
    # were refused: "the function 'int' cannot be used as a value", "np.float64 is not supported as a
    # value", "the constant True is not a number"
    source = f"import numpy as np\ndef f(x: 'N, 3', y: 'int N'):\n    {body}\n"
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    got = generated["f_backward"](x, y)
    got = got[0] if isinstance(got, tuple) else got
    np.testing.assert_allclose(got, gradient(lambda v: namespace["f"](v, y), (x,), 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source, x, want", [
    # a nested function named as a builtin, an imported function or a lambda so named: it is the
    # function called (was: the builtin's or the import's derivative, 1.0 and 3.669 for 2.6)
    ("def f(x):\n    def abs(u):\n        return u * u\n    return abs(x)\n", 1.3, 2.6),
    ("def f(x):\n    max = lambda u: u * u\n    return max(x)\n", 1.3, 2.6),
    ("from math import exp\ndef f(x):\n    def exp(u):\n        return u * u\n    return exp(x)\n", 1.3, 2.6),
    # named as a function of the module, which another function calls (was 5.2 for 4.6)
    ("def g(u):\n    return u * 2.0\ndef h(u):\n    return g(u)\ndef f(x):\n    def g(u):\n        return u * u\n"
     "    return g(x) + h(x)\n", 1.3, 4.6),
    # named as a function nested in another function of the module (was 6.0 for 5.6)
    ("def f1(x):\n    def g(u):\n        return u * u\n    return g(x)\ndef f(x):\n    def g(u):\n"
     "        return u * 3.0\n    return g(x) + f1(x)\n", 1.3, 5.6),
])
def test_a_nested_function_named_as_something_outside_is_the_one_called(source, x, want):
    generated = {}
    exec(backgen.generate(source, name="f"), generated)
    namespace = {}
    exec(source, namespace)
    assert generated["f_backward"](x) == pytest.approx(gradient(namespace["f"], [x], 0), rel=1e-6)
    assert generated["f_backward"](x) == pytest.approx(want)


@pytest.mark.parametrize("source", [
    "def f(x):\n    def g(u):\n        return u * 2.0\n    y = g(x)\n    def g(u):\n        return u * 5.0\n"
    "    return g(y)\n",
    "def f(x):\n    g = lambda u: u * 2.0\n    y = g(x)\n    g = lambda u: u * u\n    return g(y)\n",
])
def test_a_nested_function_defined_twice_is_called_as_each_definition_holds(source):
    # was 25 for 10: every call took the last definition (then refused); each def is a helper of its own
    generated, namespace = {}, {}
    exec(backgen.generate(source), generated)
    exec(source, namespace)
    for x in (0.7, -1.3):
        assert generated["f_backward"](x) == pytest.approx(gradient(namespace["f"], [x], 0), rel=1e-6)


def test_a_function_nested_in_a_nested_one_under_a_name_used_outside_it_is_its_own():
    # was 4 for 5: h's own g was renamed as the outer g, which h then called
    source = ("def f(x):\n    def g(u):\n        return u * 2.0\n    def h(v):\n        def g(u):\n"
              "            return u * 3.0\n        return g(v) + 1.0\n    return g(x) + h(x)\n")
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](0.7) == pytest.approx(5.0)


def test_a_nested_function_s_parameter_named_as_a_closure_its_callee_reads_is_refused():
    # was an internal error: SyntaxError: duplicate argument 'w'
    source = ("import math\ndef f(x, w):\n    def act(z):\n        return math.tanh(z) * w\n    def g(w):\n"
              "        return act(w) * 2.0\n    return g(x)\n")
    with pytest.raises(backgen.BackgenError, match=r"g\(\) has a parameter 'w'") as info:
        backgen.generate(source)
    assert info.value.lineno == 5


@pytest.mark.parametrize("source, args", [
    # a state held as a tuple of numbers, given to a helper (was refused: sampled as arrays, math.sin
    # of an array raised, "the shapes of a, b are needed")
    ('''
    import math
    def rhs(state):
        t, w = state
        return (w, -math.sin(t))
    def f(a, b):
        state = (a, b)
        k = rhs(state)
        return k[0] + k[1] * a
    ''', (0.3, 0.7)),
    ('''
    import math
    def deriv(y, k):
        return (y[1], -k * math.sin(y[0]))
    def f(theta, omega, k):
        h = 0.1
        k1 = deriv((theta, omega), k)
        k2 = deriv((theta + 0.5 * h * k1[0], omega + 0.5 * h * k1[1]), k)
        return theta + h * k2[0] + omega * h * k2[1]
    ''', (0.4, -0.2, 1.5)),
])
def test_tuples_of_numbers_in_a_module_without_numpy_are_numbers(source, args):
    source = textwrap.dedent(source)
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    got = generated["f_backward"](*args)
    for k in range(len(args)):
        assert got[k] == pytest.approx(gradient(namespace["f"], list(args), k), rel=1e-6, abs=1e-9)


def test_module_arrays_written_out_are_constants(tmp_path):
    # autograd's logistic regression as its example writes it (was refused: global values are not supported)
    source = textwrap.dedent('''
        import numpy as np

        def sigmoid(x):
            return 0.5 * (np.tanh(x / 2.) + 1)

        def logistic_predictions(weights, inputs):
            return sigmoid(np.dot(inputs, weights))

        def training_loss(weights):
            preds = logistic_predictions(weights, inputs)
            label_probabilities = preds * targets + (1 - preds) * (1 - targets)
            return -np.sum(np.log(label_probabilities))

        inputs = np.array([[0.52, 1.12,  0.77],
                           [0.88, -1.08, 0.15],
                           [0.52, 0.06, -1.30],
                           [0.74, -2.49, 1.39]])
        targets = np.array([True, True, False, True])
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="training_loss", shapes={"weights": "3"}), generated)
    w = np.array([0.1, -0.3, 0.5])
    np.testing.assert_allclose(generated["training_loss_backward"](w), gradient(namespace["training_loss"], [w], 0),
                               rtol=1e-6)
    module = _file_module(source, tmp_path / "logreg.py")
    f = backgen.backward(module.training_loss)
    np.testing.assert_allclose(f.backward(w), gradient(namespace["training_loss"], [w], 0), rtol=1e-6)
    module.inputs[0, 0] = 3.0  # changed where it is: no longer the array the source writes out
    with pytest.raises(backgen.BackgenError, match="'inputs' is not a parameter"):
        f.backward(w)


@pytest.mark.parametrize("body", [
    "v = [x, y]\n    warnings.warn(str(v.pop()))\n    return sum(v)",
    "v = [x, y]\n    print(v.pop())\n    return sum(v)",
])
def test_a_message_whose_arguments_change_something_is_refused(body):
    # were left out with the change their arguments make: (1, 1) for (1, 0)
    source = f"import warnings\ndef f(x, y):\n    {body}\n"
    with pytest.raises(backgen.BackgenError, match="a call standing alone may write into its arguments"):
        backgen.generate(source)


@pytest.mark.parametrize("eps", ["np.finfo(float).eps", "np.finfo(np.float64).eps", "finfo('float32').tiny",
                                 "np.finfo(np.float32).resolution"])
def test_finfo_of_a_float_type_written_out_is_its_number(eps):
    # np.finfo(float).eps in a loss (numpy-ml's cross entropy) was refused: "the attribute .eps is not
    # supported as a value"; of a type written out it is a number
    source = textwrap.dedent(f'''
        import numpy as np
        from numpy import finfo
        def cross_entropy(y, y_pred):
            eps = {eps}
            return -np.sum(y * np.log(y_pred + eps)) + {eps} * np.sum(y_pred)
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, wrt=("y_pred",)), generated)
    y, y_pred = np.eye(3)[[1, 0, 2]], np.random.default_rng(4).uniform(0.1, 0.9, size=(3, 3))
    want = gradient(lambda p: namespace["cross_entropy"](y, p), [y_pred], 0)
    assert np.allclose(generated["cross_entropy_backward"](y, y_pred), want, rtol=1e-6)


def test_finfo_of_an_arrays_dtype_is_refused_at_its_line():
    source = "import numpy as np\ndef f(x):\n    return np.sum(np.log(x + np.finfo(x.dtype).eps))\n"
    with pytest.raises(backgen.BackgenError, match=r":3:.*\.eps is not supported"):
        backgen.generate(source)


@pytest.mark.parametrize("source", [
    "import math\n\ndef f(springs, k):\n    E = 0.0\n    for (x1, y1), (x2, y2) in springs:\n"
    "        E += 0.5 * k * (math.hypot(x2 - x1, y2 - y1) - 1.0) ** 2\n    return E\n",
    "def f(springs, k):\n    (a, b), (c, d) = springs[0]\n    for i, ((x1, y1), q) in enumerate(springs):\n"
    "        a = a + k * x1 * q[1] + y1 * i\n    return a * b + c * d\n",
])
def test_nested_tuple_targets_are_unpacked_item_by_item(source):
    # for (x1, y1), (x2, y2) in springs (and such an assignment) was refused: only assignments to a name,
    # a tuple of names or a part of an array
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    args = [[((0.0, 0.2), (1.2, 0.3)), ((1.2, 0.3), (1.5, 1.4))], 2.0]
    got = generated["f_backward"](*args)
    np.testing.assert_allclose(np.asarray(got[0], dtype=float), np.asarray(gradient(namespace["f"], args, 0)),
                               rtol=1e-6, atol=1e-9)
    assert float(got[1]) == pytest.approx(gradient(namespace["f"], args, 1), rel=1e-6)


@pytest.mark.parametrize("x", [2.7, -1.3])
def test_math_ldexp_and_modf_are_the_arithmetic_they_compute(x):
    # math.ldexp and math.modf were refused as functions with no derivative rule
    source = ("import math\n\ndef f(x, w):\n    frac, whole = math.modf(x * w)\n"
              "    return math.ldexp(frac * x, 3) + whole * w + math.modf(x)[0] ** 2\n")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    args = [x, 1.1]
    assert generated["f_backward"](*args) == pytest.approx(
        tuple(gradient(namespace["f"], args, k) for k in range(2)), rel=1e-6)


GRAVITY = textwrap.dedent('''
    import numpy as np
    G = 6.674e-11
    M = 5.97e24

    def potential(m, r):
        return -G * M * m / r

    def weighted(x: "3"):
        w = np.array([0.2, 0.3, 0.5])
        return np.sum(w * x) + np.sum(w * x * x)
''')


def test_a_module_number_keeps_its_name_and_is_put_in_the_generated_module():
    # G = 6.674e-11 at module level, then -G * M * m in the function, came out as -6.674e-11 * 5.97e+24 * m
    namespace, generated = {}, {}
    exec(GRAVITY, namespace)
    text = backgen.generate(GRAVITY, name="potential")
    assert "\nG = 6.674e-11\n" in text and "\nM = 5.97e24\n" in text and "6.674e-11 *" not in text, text
    assert "G * M" in text, text
    exec(text, generated)
    got = generated["potential_backward"](70.0, 6.4e6)
    want = [gradient(namespace["potential"], [70.0, 6.4e6], k) for k in (0, 1)]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_a_module_number_named_alike_in_two_files_is_written_as_its_number_in_each():
    from backgen import api, emit
    one = api.backward_program("EPS = 1e-8\ndef f(x):\n    return x * x + EPS * x\n", name="f")
    two = api.backward_program("EPS = 1e-5\ndef g(x):\n    return x * x * x + EPS * x\n", name="g")
    text = emit.module_source([one, two], source_name="two files")
    assert "EPS" not in text.split('"""')[-1] and "1e-08" in text and "1e-05" in text, text
    generated = {}
    exec(text, generated)
    assert generated["f_backward"](2.0) == pytest.approx(4.0 + 1e-8)
    assert generated["g_backward"](2.0) == pytest.approx(12.0 + 1e-5)


def test_a_constant_array_the_function_names_is_read_by_its_name():
    # w = np.array([0.2, 0.3, 0.5]) was written out at each use: np.array([0.2, 0.3, 0.5]) * x, twice
    namespace, generated = {}, {}
    exec(GRAVITY, namespace)
    text = backgen.generate(GRAVITY, name="weighted")
    code = [line.split("#")[0].strip() for line in text.splitlines()]
    assert code.count("w = np.array([0.2, 0.3, 0.5])") == 1 and sum("np.array(" in line for line in code) == 1, text
    exec(text, generated)
    x = np.array([0.4, -1.2, 2.0])
    np.testing.assert_allclose(generated["weighted_backward"](x), gradient(namespace["weighted"], [x], 0),
                               rtol=1e-6)


def test_a_constant_array_named_on_two_paths_or_named_again_is_right():
    source = textwrap.dedent('''
        import numpy as np

        def f(x: "3", flag: bool = True):
            w = np.array([0.2, 0.3, 0.5])
            w = w + 0.1
            v = np.array([1.0, 2.0, 3.0])
            if flag:
                u = np.array([3.0, 4.0, 5.0])
            else:
                u = np.array([-1.0, 0.5, 2.0])
            y = np.sum(w * x) + np.sum(v * x * u)
            v = v * x
            return y + np.sum(v * u)
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    x = np.array([0.4, -1.2, 2.0])
    for flag in (True, False):
        np.testing.assert_allclose(generated["f_backward"](x, flag),
                                   gradient(lambda x: namespace["f"](x, flag), [x], 0), rtol=1e-6)


def test_a_module_number_named_as_a_gradient_would_be_is_not_shadowed_by_it():
    # dout, d and dx, numbers of the module kept by their names, would be hidden by the upstream
    # gradient dout and the adjoint dx of the backward
    source = "dout = 3.0\nd = 2.0\ndx = 5.0\n\ndef f(x):\n    return dout * x * x + d * x + dx\n"
    generated = {}
    exec(backgen.generate(source), generated)
    assert generated["f_backward"](1.5) == pytest.approx(3.0 * 2 * 1.5 + 2.0)
    assert generated["f_backward"](1.5, 2.0) == pytest.approx(2 * (3.0 * 2 * 1.5 + 2.0))
