"""Rules for plain scalar Python: operators, builtins and the ``math`` module.

``SCALAR`` maps a rule's name to its ``Rule`` (``base``); ``CALLS`` maps a
call as written, ``(function, number of arguments)``, to its rule;
``CONSTANTS`` lists the module attributes that are numbers.
"""

from .base import Rule, constant_base, power_base


def _unary(forward, grad, floats=False):
    return Rule(("x",), forward, {"x": grad}, floats=floats)


def _exponent(c):
    """d(a ** b)/db = a ** b * log(a): 0 where a is 0 (a ** b is 0 for every b > 0 there, where
    log(a) has no value); nan where a is negative (a ** b is real at whole b alone: no slope in b)."""
    base = constant_base(c)  # (2.0, math.e)
    if base is not None:
        return f"{c.out} * math.log({c.a}) * {c.g}" if base > 0 else "0.0"
    return f"({c.out} * math.log({c.a}) if {c.a} > 0 else 0.0 if {c.a} == 0 else math.nan) * {c.g}"


SCALAR = {
    # operators
    "add": Rule(("x",), "x", {"x": "1"}, variadic=" + ", broadcast=True, hint="s"),
    "sub": Rule(("a", "b"), "a - b", {"a": "1", "b": "-1"}, broadcast=True, hint="diff"),
    "mul": Rule(("a", "b"), "a * b", {"a": "b", "b": "a"}, broadcast=True, hint="prod"),
    "square": Rule(("x",), "x * x", {"x": "2 * x"}, hint="{first}sqr|t"),  # x * x: one gate, not two branches
    # -a / b / b, not -a / b ** 2: b ** 2 overflows (an OverflowError for a float, inf for an array) or
    # underflows to 0 where the quotient a / b, and so the gradient, is an ordinary number (a and b both huge)
    "div": Rule(("a", "b"), "a / b", {"a": "1 / b", "b": "-a / b / b"}, broadcast=True, hint="quot", floats=True),
    # Python's remainder of numbers (floored, as np.mod): the same slopes
    "mod": Rule(("a", "b"), "a % b", {"a": "1", "b": "-(a // b)"}, hint="rem"),
    "pow": Rule(("a", "b"), "a ** b", {"a": power_base, "b": _exponent}, broadcast=True,
                hint="pw"),
    "neg": Rule(("x",), "-x", {"x": "-1"}, hint="neg{first}"),
    # a value passed along unchanged (a branch's result, a loop's initial value)
    "copy": Rule(("x",), "x", {"x": "1"}),
    # a conditional expression routes the gradient to the branch taken
    "select": Rule(("c", "a", "b"), "a if c else b", {"a": "g if c else 0.0", "b": "0.0 if c else g"}),
    # the seed's fused gate
    "sigmoid": Rule(("x",), "1.0 / (1 + math.exp(-x))", {"x": "(1 - out) * out"}, hint="sig{first}", floats=True),
    # builtins
    "abs": _unary("abs(x)", "g if x >= 0 else -g"),
    "max": Rule(("a", "b"), "max(a, b)", {"a": "g if a >= b else 0.0", "b": "g if b > a else 0.0"}),
    "min": Rule(("a", "b"), "min(a, b)", {"a": "g if a <= b else 0.0", "b": "g if b < a else 0.0"}),
    "builtins.pow": Rule(("a", "b"), "pow(a, b)", {"a": power_base, "b": _exponent}),
    # the math module
    "math.exp": _unary("math.exp(x)", "out", floats=True),
    "math.log": _unary("math.log(x)", "1 / x", floats=True),
    "math.log_base": Rule(("x", "base"), "math.log(x, base)", {
        "x": "1 / (x * math.log(base))",
        "base": "-out / (base * math.log(base))",
    }, floats=True),
    "math.log1p": _unary("math.log1p(x)", "1 / (1 + x)", floats=True),
    "math.expm1": _unary("math.expm1(x)", "out + 1", floats=True),
    "math.sqrt": _unary("math.sqrt(x)", "0.5 / out", floats=True),
    "math.sin": _unary("math.sin(x)", "math.cos(x)", floats=True),
    "math.cos": _unary("math.cos(x)", "-math.sin(x)", floats=True),
    "math.tan": _unary("math.tan(x)", "1 + out ** 2", floats=True),
    "math.asin": _unary("math.asin(x)", "1 / math.sqrt(1 - x ** 2)", floats=True),
    "math.acos": _unary("math.acos(x)", "-1 / math.sqrt(1 - x ** 2)", floats=True),
    "math.atan": _unary("math.atan(x)", "1 / (1 + x * x)", floats=True),
    # at y = x = 0 (where no gradient flows into y and x: math.atan2(0.0 * a, 0.0)) 0, never a division by 0
    "math.atan2": Rule(("y", "x"), "math.atan2(y, x)", {
        "y": "math.cos(out) * g / math.hypot(y, x) if y or x else 0.0",
        "x": "-math.sin(out) * g / math.hypot(y, x) if y or x else 0.0",
    }, floats=True),
    "math.sinh": _unary("math.sinh(x)", "math.cosh(x)", floats=True),
    "math.cosh": _unary("math.cosh(x)", "math.sinh(x)", floats=True),
    "math.tanh": _unary("math.tanh(x)", "1 - out * out", floats=True),
    "math.pow": Rule(("a", "b"), "math.pow(a, b)", {"a": power_base, "b": _exponent}, floats=True),
    # at a = b = 0 the subgradient 0, as central differences give it, never a division by 0
    # a remainder: slope 1 in a, and -(how many times b fits) in b, away from its jumps (as np.mod): the
    # whole number (a - out) / b is, to rounding (math.remainder's the nearest to a / b, fmod's a / b
    # truncated; not math.trunc(a / b), which takes no NumPy float32)
    "math.fmod": Rule(("a", "b"), "math.fmod(a, b)", {"a": "1", "b": "(out - a) / b"}, floats=True),
    "math.remainder": Rule(("a", "b"), "math.remainder(a, b)", {"a": "1", "b": "(out - a) / b"}, floats=True),
    "math.hypot": Rule(("a", "b"), "math.hypot(a, b)", {"a": "a * g / out if out else 0.0", "b": "b * g / out if out else 0.0"},
                       floats=True),
    "math.fabs": _unary("math.fabs(x)", "g if x >= 0 else -g", floats=True),
    "math.log2": _unary("math.log2(x)", "1 / (x * math.log(2))", floats=True),
    "math.log10": _unary("math.log10(x)", "1 / (x * math.log(10))", floats=True),
    "math.exp2": _unary("math.exp2(x)", "out * math.log(2)", floats=True),
    "math.cbrt": _unary("math.cbrt(x)", "1 / (3 * out ** 2)", floats=True),
    "math.asinh": _unary("math.asinh(x)", "1 / math.hypot(x, 1)", floats=True),
    "math.acosh": _unary("math.acosh(x)", "1 / (math.sqrt(x - 1) * math.sqrt(x + 1))", floats=True),
    "math.atanh": _unary("math.atanh(x)", "1 / (1 - x ** 2)", floats=True),
    "math.radians": _unary("math.radians(x)", "math.pi / 180", floats=True),
    "math.degrees": _unary("math.degrees(x)", "180 / math.pi", floats=True),
    "math.erf": _unary("math.erf(x)", "2 / math.sqrt(math.pi) * math.exp(-x * x)", floats=True),
    "math.erfc": _unary("math.erfc(x)", "-2 / math.sqrt(math.pi) * math.exp(-x * x)", floats=True),
    # digamma is not in math: the generated module carries its own (backgen.runtime)
    "math.lgamma": _unary("math.lgamma(x)", "_digamma(x)", floats=True),
    "math.gamma": _unary("math.gamma(x)", "out * _digamma(x)", floats=True),
    # |a| with the sign of b: the sign of a times the sign of b (b's own gradient is zero)
    "math.copysign": Rule(("a", "b"), "math.copysign(a, b)", {"a": "math.copysign(1.0, a) * math.copysign(1.0, b)"},
                          floats=True),
}

# How a call in user code maps to a rule: (function, number of arguments).
CALLS = {
    ("abs", 1): "abs", ("max", 2): "max", ("min", 2): "min", ("pow", 2): "builtins.pow",
    ("math.log", 2): "math.log_base",
}
for _key in SCALAR:
    if _key.startswith("math.") and _key != "math.log_base":
        CALLS[(_key, len(SCALAR[_key].inputs))] = _key

# Constants that module attributes may name.
CONSTANTS = {"math.pi", "math.e", "math.tau", "math.inf", "math.nan", "np.pi", "np.e", "np.inf", "np.nan", "np.newaxis"}
