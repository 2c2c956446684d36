"""The derivative rules of backgen: one table, one entry per operation.

Contract: every derivative fact lives here, as data.  A ``Rule`` (``base``)
holds an operation's gradients, its call signature, its array-method
spellings, its other names and the name hint for its temporaries; adding a
rule touches one module of this package:

* ``scalar``: operators, builtins and ``math`` (``SCALAR``, ``CALLS``);
* ``numpy_elementwise``, ``numpy_reductions``, ``numpy_linalg``,
  ``numpy_shapes``: NumPy functions (``NUMPY``);
* ``internal``: operations backgen stages itself (fused gates, lists, writes);
* ``no_gradient``: what carries no gradient, each with its reason;
* ``result_shapes``: each rule's result shape, stated from its operands' shapes.

The lookups the stager and the reverse pass use are derived here from the
entries (``SIGNATURES``, ``METHODS``, ``ALIASES``, ``FRESH_CALLS``...), and
the whole table is checked when this package is imported.
"""

import ast

from .. import runtime
from . import internal, numpy_elementwise, numpy_linalg, numpy_reductions, numpy_shapes, result_shapes
from .base import MODULE_NAMES, Rule, Scatter, check
from .no_gradient import (FRESH, INERT, INERT_ATTRIBUTES, INERT_METHODS, NO_GRADIENT, NOT_DIFFERENTIABLE, OPAQUE,
                          OPAQUE_REASONS,
                          VALUE_ARGUMENTS)
from .scalar import CALLS, CONSTANTS, SCALAR

PUBLIC_NUMPY = {}  # NumPy functions a user calls, by canonical name
for _module in (numpy_elementwise, numpy_reductions, numpy_linalg, numpy_shapes):
    for _name, _rule in _module.RULES.items():
        if _name in PUBLIC_NUMPY:
            raise ValueError(f"rule {_name!r} is defined twice")
        PUBLIC_NUMPY[_name] = _rule

NUMPY = {**PUBLIC_NUMPY, **internal.RULES}
RULES = {**SCALAR, **NUMPY}

# How calls bind: function (or alias) -> signature; parameters named in the
# rule's inputs are operands, the others static.
SIGNATURES = {}
ALIASES = {}
METHODS = {}  # array method -> the function it spells (the receiver is the first operand)
METHOD_SIGNATURES = {}  # where a method binds differently from its function (varargs shapes and axes)
for _name, _rule in NUMPY.items():
    if not _rule.signature:
        continue
    SIGNATURES[_name] = _rule.signature
    for _alias in _rule.aliases:
        SIGNATURES[_alias] = _rule.signature
        ALIASES[_alias] = _name
    for _method in _rule.methods:
        _method, _signature = _method if isinstance(_method, tuple) else (_method, None)
        if _method in METHODS:
            raise ValueError(f"method .{_method}() spells both {METHODS[_method]} and {_name}")
        METHODS[_method] = _name
        if _signature:
            METHOD_SIGNATURES[_method] = _signature

def einsum_view(subscripts, operands):
    """Whether ``np.einsum(subscripts, ...)`` of ``operands`` operands returns a view of its one
    operand (as NumPy does where it sums over no index: a transpose ``'ij->ji'``, a diagonal
    ``'ii->i'``), not a new array; ``subscripts``: the string, or its source."""
    if isinstance(subscripts, str) and subscripts[:1] in "'\"":
        try:
            subscripts = ast.literal_eval(subscripts)
        except (ValueError, SyntaxError):
            return False
    if operands != 1 or not isinstance(subscripts, str):
        return operands == 1  # (subscripts not known: it may be one)
    spec = subscripts.replace(" ", "").replace("...", "")
    inputs, arrow, output = spec.partition("->")
    if not arrow:  # implicit: the indices seen once, in order
        output = "".join(c for c in inputs if inputs.count(c) == 1)
    return set(output) == set(inputs)


def operand_view(op):
    """Whether the staged operation ``op`` of a rule marked fresh returns its operand or a view of it
    for these arguments: ``np.einsum`` summing over no index, ``np.diff`` with ``n=0`` (the array
    itself)."""
    if op.rule == "np.einsum":
        return einsum_view(op.param("subscripts"), len(op.args))
    if op.rule == "np.diff":
        n = op.param("n")
        return n is not None and n.strip() in ("0", "False")
    return False


def call_view(node):
    """Whether the call ``node`` (an ``ast.Call``) of a function that computes may return its operand
    or a view of it: ``np.einsum`` summing over no index, ``np.diff`` with ``n=0``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "diff":
        n = next((k.value for k in node.keywords if k.arg == "n"), node.args[1] if len(node.args) > 1 else None)
        return isinstance(n, ast.Constant) and n.value == 0
    if name != "einsum":
        return False
    operands = [a for a in node.args[1:]]
    if any(isinstance(a, ast.Starred) for a in operands):
        return True
    first = node.args[0] if node.args else None
    subscripts = first.value if isinstance(first, ast.Constant) else None
    return einsum_view(subscripts, len(operands))


# Calls certainly returning a new array (never a view of another), by their last name.
FRESH_CALLS = FRESH | runtime.FRESH | {name.split(".")[-1] for name, rule in NUMPY.items() if rule.fresh} | {
    m if isinstance(m, str) else m[0] for rule in NUMPY.values() if rule.fresh for m in rule.methods}


def _check_all():
    check(SCALAR)
    check(NUMPY)
    result_shapes.check(RULES)
    overlap = (set(SIGNATURES) | set(SCALAR)) & set(NO_GRADIENT)
    if overlap:
        raise ValueError(f"{sorted(overlap)} both have a rule and carry no gradient")
    clash = set(METHODS) & INERT_METHODS
    if clash:
        raise ValueError(f"methods {sorted(clash)} both have a rule and carry no gradient")


_check_all()

__all__ = ["ALIASES", "CALLS", "CONSTANTS", "FRESH_CALLS", "INERT", "INERT_ATTRIBUTES", "INERT_METHODS",
           "METHODS", "METHOD_SIGNATURES", "MODULE_NAMES", "NOT_DIFFERENTIABLE", "NO_GRADIENT", "NUMPY",
           "OPAQUE", "OPAQUE_REASONS", "PUBLIC_NUMPY", "RULES", "Rule", "SCALAR", "SIGNATURES", "Scatter", "VALUE_ARGUMENTS", "check"]
