"""Data holding nan that the code leaves out: the chain rule's ``0 * nan`` kept out of the gradients.

Contract: ``nan_left_out(staged) -> NanLeftOut(guarded, reduced, zeroed)``, three maps from ``id(op)``
for the operations whose value may hold nan entries (or infinite ones) that the function leaves out
further on, by a nan function (``np.nansum``, ``np.nanmean``...), ``np.nan_to_num``, or an ``np.where``
or a selection whose condition tests for nan (``np.where(np.isnan(z), 0.0, z)``):

* ``guarded``: elementwise operations, each contribution written ``np.where(condition, text, 0)`` with
  ``condition`` ``np.isfinite(target)`` (in the operation's shape, before any sum over broadcast axes);
* ``reduced``: reductions along axes whose contributions read their operand or result (``np.prod``,
  ``np.var``, ``np.linalg.norm``...): the same condition, with the reduced axes restored;
* ``zeroed``: products that sum over an axis (``X @ W``, ``np.dot``, ``np.einsum``, ``np.outer``...),
  whose contributions read the operands named with their nan entries as 0 (``np.nan_to_num(X).T @
  dZ``).

Each is exact where the output is finite: an entry that is nan (or infinite) and still leaves a finite
output reaches it nowhere, so its adjoint is 0, and every contribution through it is 0.  Without these,
the contributions are ``0 * nan``: ``np.nansum((X @ W) ** 2)`` of data ``X`` missing some entries gives
``dW = X.T @ dZ``, nan in every column a missing entry's row reaches, while the true gradient leaves
those rows out.  Only the operations upstream of code that tests for nan are written so (elsewhere a nan
of the data reaches the output), and guards only where the value is set once (read as the one value it
is).
Operations of the existing guards (``guarded.guarded``) keep theirs; a gate of several lines (a softmax)
is not fused over such values, each line guarded instead.  Not a value set several times (by two
paths of an if): which of its values a guard would read is not known here, so there the nans stay (a
value a loop carries is set once, each iteration's end left in the carried name).
A helper whose caller leaves out its results' nan entries is told so (``Staged.outputs_nan_left_out``);
a call of a helper leaving out nan entries of its parameters names them (``nan_params``, marked by
``program``): the values given there are followed back in the caller as well.
"""

from dataclasses import dataclass, field

from . import ir
from .guarded import _FINITE_TESTS, _PASSING, ELEMENTWISE

# Products summing over an axis: each contribution to one operand is linear in the others, whose nan
# entries meet only a zero upstream (every entry of the value they reach is nan)
CONTRACTING = frozenset({"np.matmul", "np.dot", "np.einsum", "np.tensordot", "np.inner", "np.outer",
                         "np.vdot", "np.kron", "np.cross", "np.convolve"})

# Reductions along axes whose contributions read their operand or value: an entry of the operand reaches
# one entry of the value, nan where the entry is
REDUCING = frozenset({"np.prod", "np.var", "np.std", "np.linalg.norm", "np.logsumexp", "np.max", "np.min",
                      "np.average", "np.ptp", "np.median"})

# Calls whose text tests for nan: the entries they select or replace reach the output nowhere
_NAN_TESTS = ("isnan(", "isfinite(", "nan_to_num(")


@dataclass
class NanLeftOut:
    guarded: dict = field(default_factory=dict)
    reduced: dict = field(default_factory=dict)
    zeroed: dict = field(default_factory=dict)
    kept: frozenset = frozenset()  # the names of the values that may hold the nans left out


def nan_left_out(staged):
    found = NanLeftOut()
    if staged.mode != "numpy":
        return found
    ops = list(ir.ops_in(staged.body))
    testing = {op.target for op in ops if op.rule == "inert" and _tests_nan(op.source)}
    kept = set()
    for op in ops:
        if op.rule in _FINITE_TESTS and op.args and isinstance(op.args[0], ir.Var):
            kept.add(op.args[0].name)
        elif op.rule == "np.where" and len(op.args) == 3 and op.args[0] in map(ir.Var, testing):
            kept.update(a.name for a in op.args[1:] if isinstance(a, ir.Var))
        elif op.rule in ("getitem", "setitem") and _tests_nan(op.param("index") or ""):
            kept.update(a.name for a in op.args[:1] if isinstance(a, ir.Var))
        elif op.rule == "call" and op.param("nan_params"):  # (a helper leaving out its parameter's nans)
            left_out = op.param("nan_params").split(",")
            kept.update(a.name for p, a in zip(op.param("params").split(","), op.args)
                        if p in left_out and isinstance(a, ir.Var))
    if staged.outputs_nan_left_out:  # (a helper's: its caller leaves out its results' nan entries)
        kept.update(a.name for a in staged.outputs if isinstance(a, ir.Var))
    if not kept:
        return found
    counts = {}
    for op in ops:
        counts[op.target] = counts.get(op.target, 0) + 1
    exits = [(name, value.name) for name, value in _exits(staged.body) if isinstance(value, ir.Var)]
    changed = True
    while changed:  # (upstream of them: every value their values are computed from, a loop's carried
        changed = False  # value's among them that of each iteration's end)
        for op in ops:
            if op.target in kept and op.rule != "inert":
                for arg in op.args:
                    if isinstance(arg, ir.Var) and arg.name not in kept:
                        kept.add(arg.name)
                        changed = True
        for name, value in exits:
            if name in kept and value not in kept:
                kept.add(value)
                changed = True
    found.kept = frozenset(kept)
    np_name = staged.modules.get("np", "np")
    for op in ops:
        if op.target not in kept:
            continue
        variables = [a.name for a in op.args if isinstance(a, ir.Var)]
        if op.rule in CONTRACTING and variables:  # (reading its operands, as its contributions do)
            found.zeroed[id(op)] = tuple(dict.fromkeys(variables))
        elif counts[op.target] != 1:  # (a guard reads the value: one the name holds throughout)
            continue
        elif op.rule in ELEMENTWISE and op.rule not in _PASSING and not _scaled(op):
            found.guarded[id(op)] = (f"{np_name}.isfinite({op.target})", True)
        elif op.rule in REDUCING:
            found.reduced[id(op)] = f"{np_name}.isfinite({op.target})"
    return found


def _exits(items):
    """``(name, value)``: the value each loop (and each if ending one) leaves in a name it carries."""
    for item in items:
        if isinstance(item, ir.Loop):
            yield from item.exits
            yield from _exits(item.body)
        elif isinstance(item, ir.If):
            yield from item.exits
            yield from _exits(item.body)
            yield from _exits(item.orelse)


def _tests_nan(text):
    return any(test in text for test in _NAN_TESTS)


def _scaled(op):
    """``c * x``, ``x * c``, ``x / c``: one operand a variable, the other a number written out, its
    contribution the upstream scaled (nothing of the data read)."""
    if op.rule not in ("mul", "np.multiply", "div", "np.divide"):
        return False
    variables = [k for k, a in enumerate(op.args) if isinstance(a, ir.Var)]
    return len(variables) == 1 and (op.rule in ("mul", "np.multiply") or variables == [0])
