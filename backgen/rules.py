"""The derivative rules: data, one entry per staged operation.

Each ``Rule`` gives

* ``inputs``: the placeholder names of its operands;
* ``forward``: how a staged line spells the operation, in those names;
* ``grads``: for each differentiable input, an expression in the inputs,
  ``out`` (the operation's result) and ``g`` (the upstream adjoint).  An
  expression that does not mention ``g`` is the *local* partial derivative and
  is multiplied by ``g``, as in ``dx = (local) * dout``; one that mentions
  ``g`` is the whole vector-Jacobian product (routers such as ``max``).
  An input missing from ``grads`` gets no gradient.

``variadic`` rules (``add``) take any number of operands, all named by their
single input and joined with ``variadic``.  ``broadcast`` rules are
elementwise: each contribution is summed back to its input's shape when NumPy
broadcast it.  Module names are ``math`` and ``np``.  ``check`` validates the
table when this module is imported.  ``NOT_DIFFERENTIABLE`` lists functions
that are refused with a reason.

NumPy rules (``rules_numpy``) use the same ``Rule``; where a gradient depends
on shapes or static arguments (``axis``), the entry is a function of a
``GradContext`` (see ``reverse``) instead of a string.
"""

from dataclasses import dataclass, field

from . import source


@dataclass(frozen=True)
class Rule:
    inputs: tuple
    forward: str = ""  # empty: staged lines keep the user's own spelling of the call
    grads: dict = field(default_factory=dict)
    variadic: str = ""
    broadcast: bool = False


def _unary(forward, grad):
    return Rule(("x",), forward, {"x": grad})


SCALAR = {
    # operators
    "add": Rule(("x",), "x", {"x": "1"}, variadic=" + ", broadcast=True),
    "sub": Rule(("a", "b"), "a - b", {"a": "1", "b": "-1"}, broadcast=True),
    "mul": Rule(("a", "b"), "a * b", {"a": "b", "b": "a"}, broadcast=True),
    "square": Rule(("x",), "x * x", {"x": "2 * x"}),  # x * x: one gate, not two branches
    "div": Rule(("a", "b"), "a / b", {"a": "1 / b", "b": "-a / b ** 2"}, broadcast=True),
    "pow": Rule(("a", "b"), "a ** b", {"a": "b * a ** (b - 1)", "b": "out * math.log(a)"}, broadcast=True),
    "neg": _unary("-x", "-1"),
    # a value passed along unchanged (a branch's result, a loop's initial value)
    "copy": Rule(("x",), "x", {"x": "1"}),
    # a conditional expression routes the gradient to the branch taken
    "select": Rule(("c", "a", "b"), "a if c else b", {"a": "g if c else 0.0", "b": "0.0 if c else g"}),
    # the seed's fused gate
    "sigmoid": _unary("1.0 / (1 + math.exp(-x))", "(1 - out) * out"),
    # builtins
    "abs": _unary("abs(x)", "g if x >= 0 else -g"),
    "max": Rule(("a", "b"), "max(a, b)", {"a": "g if a >= b else 0.0", "b": "g if b > a else 0.0"}),
    "min": Rule(("a", "b"), "min(a, b)", {"a": "g if a <= b else 0.0", "b": "g if b < a else 0.0"}),
    "builtins.pow": Rule(("a", "b"), "pow(a, b)", {"a": "b * a ** (b - 1)", "b": "out * math.log(a)"}),
    # the math module
    "math.exp": _unary("math.exp(x)", "out"),
    "math.log": _unary("math.log(x)", "1 / x"),
    "math.log_base": Rule(("x", "base"), "math.log(x, base)", {
        "x": "1 / (x * math.log(base))",
        "base": "-out / (base * math.log(base))",
    }),
    "math.log1p": _unary("math.log1p(x)", "1 / (1 + x)"),
    "math.expm1": _unary("math.expm1(x)", "out + 1"),
    "math.sqrt": _unary("math.sqrt(x)", "0.5 / out"),
    "math.sin": _unary("math.sin(x)", "math.cos(x)"),
    "math.cos": _unary("math.cos(x)", "-math.sin(x)"),
    "math.tan": _unary("math.tan(x)", "1 + out ** 2"),
    "math.asin": _unary("math.asin(x)", "1 / math.sqrt(1 - x ** 2)"),
    "math.acos": _unary("math.acos(x)", "-1 / math.sqrt(1 - x ** 2)"),
    "math.atan": _unary("math.atan(x)", "1 / (1 + x ** 2)"),
    "math.atan2": Rule(("y", "x"), "math.atan2(y, x)", {
        "y": "x / (x ** 2 + y ** 2)",
        "x": "-y / (x ** 2 + y ** 2)",
    }),
    "math.sinh": _unary("math.sinh(x)", "math.cosh(x)"),
    "math.cosh": _unary("math.cosh(x)", "math.sinh(x)"),
    "math.tanh": _unary("math.tanh(x)", "1 - out ** 2"),
    "math.pow": Rule(("a", "b"), "math.pow(a, b)", {"a": "b * a ** (b - 1)", "b": "out * math.log(a)"}),
    "math.hypot": Rule(("a", "b"), "math.hypot(a, b)", {"a": "a / out", "b": "b / out"}),
    "math.fabs": _unary("math.fabs(x)", "g if x >= 0 else -g"),
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
CONSTANTS = {"math.pi", "math.e", "math.tau", "math.inf", "np.pi", "np.e", "np.inf", "np.newaxis"}

NOT_DIFFERENTIABLE = {
    "math.floor": "it is piecewise constant",
    "math.ceil": "it is piecewise constant",
    "math.trunc": "it is piecewise constant",
    "math.fmod": "it is discontinuous",
    "math.copysign": "its derivative in the sign argument is zero almost everywhere and undefined at 0",
    "math.factorial": "it is defined on integers only",
    "math.gcd": "it is defined on integers only",
    "math.comb": "it is defined on integers only",
    "math.perm": "it is defined on integers only",
    "math.isclose": "it returns a boolean",
    "math.isnan": "it returns a boolean",
    "math.isinf": "it returns a boolean",
    "math.isfinite": "it returns a boolean",
    "round": "it is piecewise constant",
    "int": "it is piecewise constant",
}

MODULE_NAMES = {"math", "np"}


def check(table):
    """Raise ValueError if a rule is malformed: the table is data, so verify it."""
    for name, rule in table.items():
        where = f"rule {name!r}"
        if not rule.inputs or len(set(rule.inputs)) != len(rule.inputs):
            raise ValueError(f"{where}: inputs must be distinct names")
        if rule.variadic and len(rule.inputs) != 1:
            raise ValueError(f"{where}: a variadic rule names exactly one input")
        if rule.forward:
            forward_names = source.names_in(rule.forward)
            missing = set(rule.inputs) - forward_names
            if missing:
                raise ValueError(f"{where}: forward does not use {sorted(missing)}")
            extra = forward_names - set(rule.inputs) - MODULE_NAMES - {"abs", "max", "min", "pow"}
            if extra:
                raise ValueError(f"{where}: forward uses unknown names {sorted(extra)}")
        for input_name, grad in rule.grads.items():
            if input_name not in rule.inputs:
                raise ValueError(f"{where}: gradient for unknown input {input_name!r}")
            if callable(grad):
                continue
            if not isinstance(grad, str):
                raise ValueError(f"{where}: gradient of {input_name!r} must be an expression or a function")
            allowed = set(rule.inputs) | {"out", "g"} | MODULE_NAMES
            unknown = source.names_in(grad) - allowed
            if unknown:
                raise ValueError(f"{where}: gradient of {input_name!r} uses unknown names {sorted(unknown)}")


check(SCALAR)
