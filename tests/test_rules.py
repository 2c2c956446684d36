"""Every scalar rule in the table, checked against central finite differences."""

import math

import pytest

import backgen
from backgen.rules import SCALAR, check, Rule

# Points inside each rule's domain (away from kinks and poles), per input.
POINTS = {
    "add": [(1.5, -2.0, 0.3), (-4.0, 0.5, 7.0)],
    "sub": [(1.5, -2.0), (-0.3, 4.0)],
    "mul": [(1.5, -2.0), (-0.3, 4.0), (0.0, 2.5)],
    "square": [(1.5,), (-0.3,)],
    "div": [(1.5, -2.0), (-0.3, 4.0), (2.0, 0.7)],
    "mod": [(2.3, 0.7), (-1.9, 0.8), (1.1, -0.4)],  # (away from the jumps, where a / b is whole)
    "pow": [(1.5, 2.0), (0.3, -1.5), (2.5, 0.5)],
    "neg": [(1.5,), (-0.3,)],
    "copy": [(1.5,), (-0.3,)],
    "select": [(2.0, 1.5, -2.0), (0.0, 1.5, -2.0)],  # a if c else b: c is a truth value
    "sigmoid": [(0.0,), (-4.0,), (3.0,)],
    "abs": [(1.5,), (-0.3,)],
    "max": [(1.5, -2.0), (-0.3, 4.0)],
    "min": [(1.5, -2.0), (-0.3, 4.0)],
    "builtins.pow": [(1.5, 2.0), (0.3, -1.5)],
    "math.exp": [(0.0,), (-2.0,), (1.3,)],
    "math.log": [(0.5,), (3.0,)],
    "math.log_base": [(0.5, 2.0), (3.0, 10.0), (7.0, 0.5)],
    "math.log1p": [(0.0,), (2.0,), (-0.5,)],
    "math.expm1": [(0.0,), (-1.0,), (1.5,)],
    "math.sqrt": [(0.25,), (4.0,)],
    "math.sin": [(0.0,), (1.0,), (-2.5,)],
    "math.cos": [(0.0,), (1.0,), (-2.5,)],
    "math.tan": [(0.0,), (1.0,), (-0.5,)],
    "math.asin": [(0.0,), (0.5,), (-0.9,)],
    "math.acos": [(0.0,), (0.5,), (-0.9,)],
    "math.atan": [(0.0,), (3.0,), (-0.5,)],
    "math.atan2": [(1.0, 2.0), (-0.5, -1.5), (2.0, -0.1)],
    "math.sinh": [(0.0,), (1.5,)],
    "math.cosh": [(0.3,), (-1.5,)],
    "math.tanh": [(0.0,), (0.8,), (-2.0,)],
    "math.pow": [(1.5, 2.0), (0.3, -1.5)],
    "math.hypot": [(3.0, 4.0), (-1.0, 0.5)],
    "math.fmod": [(2.3, 0.7), (-1.9, 0.8), (1.1, -0.4)],
    "math.remainder": [(2.3, 0.7), (-1.9, 0.8), (1.1, -0.4)],
    "math.fabs": [(1.5,), (-0.3,)],
    "math.log2": [(0.5,), (3.0,)],
    "math.log10": [(0.5,), (30.0,)],
    "math.exp2": [(0.0,), (-1.5,), (2.0,)],
    "math.cbrt": [(0.5,), (-8.0,)],
    "math.asinh": [(0.0,), (-2.0,)],
    "math.acosh": [(1.5,), (4.0,)],
    "math.atanh": [(0.0,), (-0.7,)],
    "math.radians": [(30.0,), (-1.0,)],
    "math.degrees": [(0.5,), (-2.0,)],
    "math.erf": [(0.0,), (0.7,), (-1.5,)],
    "math.erfc": [(0.0,), (0.7,), (-1.5,)],
    "math.copysign": [(1.5, -2.0), (-0.3, 4.0), (2.0, 0.5)],
    # both sides of the digamma helper's reflection (x < 0.5), its recurrence and its series
    "math.lgamma": [(0.3,), (2.5,), (-1.3,), (17.0,), (1e-3,)],
    "math.gamma": [(0.3,), (2.5,), (-1.3,), (-3.7,), (12.0,)],
}


def forward_source(name, rule, arity):
    params = [f"x{i}" for i in range(arity)] if rule.variadic else list(rule.inputs)
    body = rule.variadic.join(params) if rule.variadic else rule.forward
    return f"import math\n\ndef f({', '.join(params)}):\n    return {body}\n", params


def cases():
    for name, points in POINTS.items():
        for point in points:
            yield pytest.param(name, point, id=f"{name}{point}")


def test_every_rule_has_test_points():
    assert set(POINTS) == set(SCALAR)


@pytest.mark.parametrize("name, point", list(cases()))
def test_rule_matches_finite_differences(name, point):
    rule = SCALAR[name]
    text, params = forward_source(name, rule, len(point))
    namespace = {}
    exec(compile(text, "<rule>", "exec"), namespace)
    grad_source = backgen.generate(text)
    grad_namespace = {}
    exec(compile(grad_source, "<grad>", "exec"), grad_namespace)
    grads = grad_namespace["f_backward"](*point)
    grads = grads if isinstance(grads, tuple) else (grads,)
    h = 1e-6
    for i, analytic in enumerate(grads):
        plus = list(point)
        minus = list(point)
        plus[i] += h
        minus[i] -= h
        numeric = (namespace["f"](*plus) - namespace["f"](*minus)) / (2 * h)
        assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8), (name, params[i])


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_upstream_gradient_scales_every_rule(name):
    rule = SCALAR[name]
    point = POINTS[name][0]
    text, _ = forward_source(name, rule, len(point))
    namespace = {}
    exec(compile(backgen.generate(text), "<grad>", "exec"), namespace)
    one = namespace["f_backward"](*point, 1.0)
    three = namespace["f_backward"](*point, 3.0)
    one = one if isinstance(one, tuple) else (one,)
    three = three if isinstance(three, tuple) else (three,)
    assert three == pytest.approx(tuple(3 * g for g in one))


@pytest.mark.parametrize("rule, message", [
    (Rule(("a", "a"), "a + a", {}), "distinct"),
    (Rule(("a", "b"), "a + 1", {}), "does not use"),
    (Rule(("a",), "a + q", {}), "unknown names"),
    (Rule(("a",), "a * 2", {"b": "1"}), "unknown input"),
    (Rule(("a",), "a * 2", {"a": "2 * z"}), "unknown names"),
])
def test_table_check_rejects_malformed_rules(rule, message):
    with pytest.raises(ValueError, match=message):
        check({"bad": rule})


@pytest.mark.parametrize("function", ["math.factorial", "math.gcd", "math.isclose"])
def test_functions_without_a_derivative_are_refused_with_the_reason(function):
    text = f"import math\n\ndef f(x):\n    return {function}(x) * x\n"
    with pytest.raises(backgen.BackgenError, match=f"{function} is not differentiable: it"):
        backgen.generate(text)


def test_functions_without_a_derivative_of_a_count_are_constants():
    # math.factorial(k) of a loop's counter carries no gradient: no refusal
    text = "import math\n\ndef f(x):\n    return sum(x ** k / math.factorial(k) for k in range(6))\n"
    namespace = {}
    exec(backgen.generate(text), namespace)
    assert abs(namespace["f_backward"](0.5) - sum(k * 0.5 ** (k - 1) / math.factorial(k) for k in range(1, 6))) < 1e-12


def test_sigmoid_rule_is_the_fused_gate():
    assert SCALAR["sigmoid"].grads["x"] == "(1 - out) * out"


def test_gamma_and_lgamma_carry_their_own_digamma():
    source = ("import math\n\n"
              "def log_beta(a, b):\n    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)\n\n"
              "def ratio(x):\n    return math.gamma(x + 0.5) / math.gamma(x)\n")
    namespace = {}
    for name in ("log_beta", "ratio"):
        text = backgen.generate(source, name=name)
        assert text.count("def _digamma(") == 1 and "backgen" not in text.split('"""', 2)[2]
        exec(compile(text, "<generated>", "exec"), namespace)
    h = 1e-6
    for a, b in [(0.7, 2.5), (-2.5, 1.3), (30.0, 0.2)]:
        da, db = namespace["log_beta_backward"](a, b)
        def log_beta(a, b):
            return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        assert da == pytest.approx((log_beta(a + h, b) - log_beta(a - h, b)) / (2 * h), rel=1e-6)
        assert db == pytest.approx((log_beta(a, b + h) - log_beta(a, b - h)) / (2 * h), rel=1e-6)
    x = 3.2
    expected = ((math.gamma(x + h + 0.5) / math.gamma(x + h)) - (math.gamma(x - h + 0.5) / math.gamma(x - h))) / (2 * h)
    assert namespace["ratio_backward"](x) == pytest.approx(expected, rel=1e-6)


# --- which rules give floats whatever they are given (backgen.floats) ----------

def _numpy_function(name):
    import numpy as np
    target = np
    for part in name.split(".")[1:]:
        target = getattr(target, part, None)
    return target


def _elementwise_numpy_rules():
    from backgen.rules import NUMPY
    for name, rule in sorted(NUMPY.items()):
        function = _numpy_function(name)
        if rule.signature in ("x", "a, b", "y, x") and isinstance(function, __import__("numpy").ufunc):
            yield name, rule, function


@pytest.mark.parametrize("name", [name for name, _, _ in _elementwise_numpy_rules()])
def test_an_elementwise_rule_says_whether_it_gives_floats_of_integers(name):
    """Both ways: a ufunc marked ``floats`` gives floats of integer operands, and one that gives
    floats of them is marked (the table is the one place this is known)."""
    import numpy as np
    rule, function = next((r, f) for n, r, f in _elementwise_numpy_rules() if n == name)
    operands = [np.array([[2, 1], [1, 3]])] * len(rule.inputs)
    with np.errstate(all="ignore"):
        result = function(*operands)
    assert (result.dtype.kind == "f") == rule.floats, (name, result.dtype, rule.floats)


@pytest.mark.parametrize("name", sorted(n for n, r in __import__("backgen.rules").rules.NUMPY.items()
                                        if r.floats and n.startswith("np.") and not n.startswith("np._")
                                        and n != "np.sigmoid"))
def test_a_numpy_rule_marked_floats_gives_floats_of_integers(name):
    import numpy as np
    from backgen.rules import NUMPY
    function, rule = _numpy_function(name), NUMPY[name]
    if name == "np.logsumexp":  # (staged from np.log(np.sum(np.exp(a))))
        function = lambda a: np.log(np.sum(np.exp(a)))  # noqa: E731
    operands = [np.array([[2, 1], [1, 3]])] * (len(rule.inputs) if name != "np.interp" else 1)
    if name == "np.interp":
        operands = [np.array([1, 2]), np.array([0, 3]), np.array([0, 6])]
    elif name in ("np.average", "np.gradient"):  # (the weights, the spacing: not of the array's shape)
        operands = operands[:1]
    with np.errstate(all="ignore"):
        result = function(*operands)
    results = result if isinstance(result, tuple) else (result,)
    assert all(np.asarray(r).dtype.kind == "f" for r in results), (name, [np.asarray(r).dtype for r in results])


def test_every_math_rule_is_marked_as_giving_floats():
    """The math module's functions with a derivative return floats of integers (those returning
    integers, math.floor and the like, have none: ``no_gradient``)."""
    unmarked = sorted(name for name, rule in SCALAR.items() if name.startswith("math.") and not rule.floats)
    assert unmarked == []
