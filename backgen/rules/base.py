"""The shape of one derivative fact: ``Rule``, ``Scatter`` and the table check.

A ``Rule`` is one entry of the table (``backgen.rules``):

* ``inputs``: the placeholder names of its operands;
* ``forward``: how a staged line spells the operation, in those names (empty:
  staged lines keep the user's own spelling of the call);
* ``grads``: for each differentiable input, an expression in the inputs,
  ``out`` (the operation's result) and ``g`` (the upstream adjoint).  An
  expression that does not mention ``g`` is the *local* partial derivative and
  is multiplied by ``g``, as in ``dx = (local) * dout``; it may call a
  helper of ``backgen.runtime`` by name (``_unbroadcast(g, x)``), which the
  generated module then holds; one that mentions
  ``g`` is the whole vector-Jacobian product (routers such as ``max``).  Where
  the expression depends on ranks or static arguments (``axis``) the entry is
  a function of a ``GradContext`` (``backgen.context``) returning the source
  of the contribution, or a ``Scatter``.  An input missing from ``grads`` gets
  no gradient.
* ``variadic``: the rule takes any number of operands, all named by its single
  input and joined with ``variadic``;
* ``broadcast``: elementwise with NumPy broadcasting: each contribution is
  summed back to its input's shape;
* ``signature``: how a call binds (``"a, axis=None, keepdims=False"``):
  parameters named in ``inputs`` are operands, the others static;
* ``methods``: array methods spelling the same function, each a name or a
  ``(name, signature)`` pair where the method binds differently;
* ``aliases``: other names of the same function (``np.absolute``);
* ``hint``: names for staged temporaries, ``"{first}sum|total"``: the first
  part with the first operand's short name, the second without one;
* ``fresh``: the call certainly returns a new array (never a view);
* ``domain``: where the rule is smooth, one word per input: ``any`` (the
  default: real, away from 0 and from ties), ``positive``, ``unit``
  (|x| < 1), ``probability`` (0 < x < 1), ``above_one``, ``invertible`` (a well-conditioned square
  matrix), ``spd`` (symmetric positive definite);
* ``examples``: calls the coverage test (``tests/test_rule_coverage.py``)
  differentiates, ``"np.pad(a, 1) | a=2x3"`` (an expression or a body ending
  in ``return``, then each parameter's shape, ``()`` for a number); without
  them the test derives calls from the signature (elementwise, reductions);
* ``returns_list``: the result is a Python list of arrays (``np.split``);
* ``floats``: the result holds floats whatever its operands hold (``/``,
  ``np.exp``, ``np.mean``): integers given for the operands are no reason to
  allocate the adjoints read from it as floats explicitly (``backgen.floats``).

A rule's result shape is stated beside the table, from its operands' shapes
(``result_shapes``); ``shapes`` evaluates each staged line on values of the
propagated shapes and checks the shape NumPy gives against the statement.
"""

from dataclasses import dataclass, field

from .. import ir, runtime, source

MODULE_NAMES = {"math", "np"}


@dataclass(frozen=True)
class Rule:
    inputs: tuple
    forward: str = ""
    grads: dict = field(default_factory=dict)
    variadic: str = ""
    broadcast: bool = False
    signature: str = ""
    methods: tuple = ()
    aliases: tuple = ()
    hint: str = ""
    fresh: bool = False
    domain: tuple = ()
    examples: tuple = ()
    returns_list: bool = False
    floats: bool = False


@dataclass(frozen=True)
class Scatter:
    """The adjoint of ``x[index]``: add ``g`` into ``dx[index]``."""

    index: str
    repeats: bool  # an index may pick the same element twice: needs np.add.at


def constant_base(c):
    """The number ``a`` is in ``a ** b`` where the code writes one (2.0, np.e), else None; a negative
    one is refused: a negative number raised to a differentiated power has no real derivative."""
    atom = c.op.args[0]
    base = c._module_constant(atom.source) if isinstance(atom, ir.Const) else None
    if base is not None and base < 0:
        c.unsupported(f"{c.a} ** {c.b}: a negative number raised to a differentiated power has no real derivative")
    return base


def power_base(c):
    """d(a ** b)/da = b * a ** (b - 1), which is 0 where b is 0 (a ** 0 is 1 for every a), at a = 0 too,
    where a ** (b - 1) is infinite (NumPy's 0 * inf, nan; Python's ZeroDivisionError).  An exponent
    the code writes as a number (2, 0.5, -1) keeps the template's form (2 * x; none for 0); any
    other leaves its zeros out: a number by a conditional expression, an array by an exponent of 1
    where it is 0 (b * a ** 1 is 0 there)."""
    template = "b * a ** (b - 1)"
    atom = c.op.args[1]
    if isinstance(atom, ir.Const):
        value = source.number_text(atom.source)
        value = c._module_constant(atom.source) if value is None else value
        if value is not None:  # (0 leaves no contribution)
            return c.template(template)
    a, b, g = c.a, c.b, c.g
    if c.arrays and not c.number(atom):
        return f"{b} * {a} ** {c.np}.where({b} == 0, 1, {b} - 1) * {g}"
    return f"({b} * {a} ** ({b} - 1) if {b} != 0 else 0.0) * {g}"


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
            extra = forward_names - set(rule.inputs) - MODULE_NAMES - {"abs", "max", "min", "pow"} - set(runtime.HELPERS)
            if extra:
                raise ValueError(f"{where}: forward uses unknown names {sorted(extra)}")
        if rule.signature:
            params = [p.strip().split("=")[0].lstrip("*") for p in rule.signature.split(",")]
            if not set(rule.inputs) <= set(params):
                raise ValueError(f"{where}: the signature does not name the inputs {rule.inputs}")
        if rule.domain and len(rule.domain) != len(rule.inputs):
            raise ValueError(f"{where}: one domain per input")
        for input_name, grad in rule.grads.items():
            if input_name not in rule.inputs:
                raise ValueError(f"{where}: gradient for unknown input {input_name!r}")
            if callable(grad):
                continue
            if not isinstance(grad, str):
                raise ValueError(f"{where}: gradient of {input_name!r} must be an expression or a function")
            allowed = set(rule.inputs) | {"out", "g"} | MODULE_NAMES | set(runtime.HELPERS)
            unknown = source.names_in(grad) - allowed
            if unknown:
                raise ValueError(f"{where}: gradient of {input_name!r} uses unknown names {sorted(unknown)}")
