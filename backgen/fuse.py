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
"""

from dataclasses import dataclass

from . import ir


@dataclass(frozen=True)
class Fusion:
    kind: str  # "softmax" or "log_softmax"
    source: object  # the gate's input, an ir.Var
    axis: str  # source text of the axis
    members: tuple  # targets of every fused line, the last one included
    exp_sum: tuple = ()  # a log-softmax's (e, z) where it sums e = np.exp(s) into z: its softmax is e / z


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
