"""Recognize gates that span several staged lines: softmax and log-softmax.

Contract: ``fusions(staged) -> {target: Fusion}``, keyed by the last line of
each recognized gate.  A person differentiates

    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)

as one gate, ``dx = dlog_probs - np.exp(log_probs) * dlog_probs.sum(axis=1, keepdims=True)``,
because the shift by the maximum has no gradient in total.  A chain is fused
only when its intermediate values are used nowhere else; otherwise every line
is differentiated on its own, which is correct, only longer.

``refined(gates, staged, uses, active)`` adds what the reverse pass knows (the reads on the way to
the outputs, the values that carry a gradient): a log-softmax read only by a pick of one element
per row, ``log_probs[np.arange(N), y]``, is one gate with that pick, whose gradient is the softmax
scaled by each row's upstream with the upstream added at the picked places (no zeros scattered
into and summed again); and ``np.where(m, x, k * x)``, one branch a factor times the other, is one
gate of gradient ``np.where(m, g, k * g)``.
"""

import ast
from dataclasses import dataclass, replace

from . import ir


@dataclass(frozen=True)
class Fusion:
    kind: str  # "softmax" or "log_softmax"
    source: object  # the gate's input, an ir.Var
    axis: str  # source text of the axis
    members: tuple  # targets of every fused line, the last one included
    exp_sum: tuple = ()  # a log-softmax's (e, z) where it sums e = np.exp(s) into z: its softmax is e / z
    gather: str = ""  # the index of a log-softmax's pick of one element per row, the gate's last member
    branches: tuple = ()  # a scaled where's (mask, factor, whether the scaled branch is the first)


def fusions(staged):
    if not any(op.rule in ("np.sum", "np.logsumexp") and op.param("keepdims") == "True" for op in staged.body):
        return {}  # (every gate sums with keepdims=True: without such a sum, no gate)
    ops = {op.target: op for op in staged.body}
    uses = {}
    for op in staged.body:
        for arg in op.args:
            if isinstance(arg, ir.Var):
                uses[arg.name] = uses.get(arg.name, 0) + 1
    for output in staged.outputs:
        if isinstance(output, ir.Var):
            uses[output.name] = uses.get(output.name, 0) + 1
    found = {}
    for op in staged.body:
        fusion = _log_softmax(op, ops, uses) or _softmax(op, ops, uses)
        if fusion is not None:
            found[op.target] = fusion
    return found


def _producer(atom, ops, rule=None):
    if not isinstance(atom, ir.Var) or atom.name not in ops:
        return None
    op = ops[atom.name]
    return op if rule is None or op.rule == rule else None


def _reduction(op, rule):
    """``axis`` of ``np.<rule>(v, axis=..., keepdims=True)``, else None."""
    if op is None or op.rule != rule or op.param("keepdims") != "True" or op.param("axis") in (None, "None"):
        return None
    return op.param("axis")


def _shifted(atom, ops, uses, axis):
    """``(x, members)`` if ``atom`` is ``x - max(x, axis, keepdims=True)`` used twice; else ``(atom, ())``."""
    op = _producer(atom, ops, "sub")
    if op is not None:
        peak = _producer(op.args[1], ops, "np.max")
        if peak is not None and _reduction(peak, "np.max") == axis and peak.args[0] == op.args[0] \
                and uses.get(peak.target) == 1:
            return op.args[0], (peak.target, op.target)
    return atom, ()


def _log_softmax(op, ops, uses):
    # log_probs = s - np.log(np.sum(np.exp(s), axis, keepdims=True)), s possibly max-shifted
    if op.rule != "sub":
        return None
    s, lse = op.args
    members, exp_sum = [], ()
    total = _producer(lse, ops, "np.logsumexp")
    if total is not None and uses.get(total.target) == 1 and total.args[0] == s \
            and total.param("keepdims") == "True" and total.param("axis") not in (None, "None"):
        axis = total.param("axis")
        members.append(total.target)
    else:
        log = _producer(lse, ops, "np.log")
        z = _producer(log.args[0], ops, "np.sum") if log is not None else None
        axis = _reduction(z, "np.sum")
        exp = _producer(z.args[0], ops, "np.exp") if axis is not None else None
        if exp is None or exp.args[0] != s or any(uses.get(t) != 1 for t in (log.target, z.target, exp.target)):
            return None
        members += [exp.target, z.target, log.target]
        exp_sum = (exp.target, z.target)
    if not isinstance(s, ir.Var) or uses.get(s.name) != 2:
        return None
    source, shift = _shifted(s, ops, uses, axis)
    if not shift:
        return None  # without the shift, s itself is the input and the lines differentiate simply
    return Fusion("log_softmax", source, axis, tuple(shift) + tuple(members) + (op.target,), exp_sum)


def _softmax(op, ops, uses):
    # probs = e / np.sum(e, axis, keepdims=True), e = np.exp(s), s possibly max-shifted
    if op.rule != "div":
        return None
    e, z = op.args
    total = _producer(z, ops, "np.sum")
    axis = _reduction(total, "np.sum")
    exp = _producer(e, ops, "np.exp")
    if axis is None or exp is None or total.args[0] != e or uses.get(e.name) != 2 or uses.get(total.target) != 1:
        return None
    source, shift = _shifted(exp.args[0], ops, uses, axis)
    if shift and uses.get(exp.args[0].name) != 1:
        return None
    return Fusion("softmax", source, axis, tuple(shift) + (exp.target, total.target, op.target))


def refined(gates, staged, uses, active):
    """``gates`` with the log-softmax picks and the scaled ``np.where`` fused too (module docstring);
    ``uses`` counts the reads on the way to the outputs, ``active`` the values carrying a gradient."""
    shapes = staged.shapes
    if staged.shape_free or not shapes:
        return gates
    ops = {op.target: op for op in staged.body}
    returned = {o.name for o in staged.outputs if isinstance(o, ir.Var)}  # (an output's gradient is given too)
    uses = {name: count + (name in returned) for name, count in uses.items()}
    out = dict(gates)
    for op in staged.body:
        if op.rule == "getitem" and isinstance(op.args[0], ir.Var) and uses.get(op.target):  # (a pick read on)
            gate = out.get(op.args[0].name)
            if gate is not None and gate.kind == "log_softmax" and uses.get(op.args[0].name) == 1 \
                    and op.args[0].name not in returned and _one_per_row(op, gate, shapes):
                del out[op.args[0].name]
                out[op.target] = replace(gate, members=gate.members + (op.target,), gather=op.param("index"))
        elif op.rule == "np.where" and len(op.args) == 3 and (uses.get(op.target) or op.target in returned):
            # (a where read on, or returned: its product's one read counted is then this one, not another
            # line's beside a where no output reads)
            fusion = _scaled_where(op, ops, uses, active, shapes, returned)
            if fusion is not None:
                out[op.target] = fusion
    return out


def _one_per_row(op, gate, shapes):
    """Whether ``op`` picks one element of each row of the log-softmax along its last axis, every row
    once in order: ``p[np.arange(R), y]`` of ``p`` of R rows, ``y`` integers of R (or one)."""
    rows = shapes.get(op.args[0].name)
    if rows is None or len(rows) != 2 or gate.axis not in ("1", "-1") or shapes.get(op.target) != rows[:1]:
        return False
    try:
        items = ast.parse(f"_[{op.param('index')}]", mode="eval").body.slice
    except SyntaxError:
        return False
    if not isinstance(items, ast.Tuple) or len(items.elts) != 2:
        return False
    first, labels = items.elts
    if not (isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr == "arange"
            and len(first.args) == 1 and not first.keywords and not isinstance(first.args[0], ast.Constant)):
        return False  # (a length in letters: the sample's primes tell it equals R for every size)
    boolean = getattr(shapes, "boolean", frozenset())
    if isinstance(labels, ast.Name):
        return labels.id not in boolean and shapes.get(labels.id) in (rows[:1], (), (1,))
    return isinstance(labels, ast.Constant) and type(labels.value) is int


def _scaled_where(op, ops, uses, active, shapes, returned):
    """``np.where(m, x, k * x)`` (or ``np.where(m, k * x, x)``), the product read nowhere else, of
    ``x``'s shape, with ``k`` no gradient is asked of: one gate."""
    mask, first, second = op.args
    for scaled, other, scaled_first in ((second, first, False), (first, second, True)):
        product = _producer(scaled, ops, "mul")
        if product is None or uses.get(scaled.name) != 1 or scaled.name in returned or not isinstance(other, ir.Var) \
                or other.name not in active or other not in product.args:
            continue
        factor = product.args[1] if product.args[0] == other else product.args[0]
        if isinstance(factor, ir.Var) and factor.name in active:
            continue
        shape = shapes.get(other.name)
        if shape is None or shapes.get(scaled.name) != shape or shapes.get(op.target) != shape:
            continue  # (a factor or a mask broadcasting x to more elements: the gradient sums, not fused)
        return Fusion("where_scaled", other, "", (scaled.name, op.target),
                      branches=(str(mask), str(factor), scaled_first))
    return None
