"""Reverse a staged forward function into hand-style adjoint statements.

Contract: ``reverse(staged) -> ir.Backward``.

* Only values that depend on a ``wrt`` input *and* lead to the output get an
  adjoint; contributions known to be zero are never emitted.
* Adjoints are named ``d`` + the variable (``d_x`` if the user already has a
  ``dx``).  The first contribution to an adjoint is an assignment, later ones
  are ``+=``.  The output's adjoint is the upstream-gradient parameter.
* NumPy adjoints have exactly their variable's shape: contributions NumPy
  broadcast are summed back (``db = dout.sum(axis=0)``), and an adjoint that
  would alias another array (``dx = dq``) is copied before anything is added
  to it, so neither inputs nor forward values are ever modified.
* Each group of adjoint lines records the forward line it undoes; the forward
  lines kept are exactly those whose values the adjoint lines read.
* Local gradients come from the rule tables, filled in and simplified.
"""

import ast

from . import ir, source
from .context import GradContext, index_tuple
from .errors import BackgenError
from .fuse import fusions
from .rules_numpy import Scatter
from .stage import RULES, atom_ast, module_bindings

FRESH_CALLS = {"dot", "outer", "einsum", "sum", "where", "zeros_like", "tensordot", "matmul", "exp",
               "sign", "mean"}


def reverse(staged):
    return _Reverser(staged).run()


class _Reverser:
    def __init__(self, staged):
        self.staged = staged
        self.modules = module_bindings(staged.modules)
        self.numpy = staged.mode == "numpy"
        self.adjoint = {}  # variable -> its adjoint's name, once it has a contribution
        self.names_used = set()

    def adjoint_name(self, var):
        if var in self.adjoint:
            return self.adjoint[var]
        staged = self.staged
        candidate = "d" + var
        if candidate in staged.user_names or candidate in staged.upstreams or candidate in self.names_used:
            candidate = self.fresh("d_" + var)
        self.names_used.add(candidate)
        return candidate

    def fresh(self, base):
        candidate, k = base, 1
        while candidate in self.staged.taken or candidate in self.names_used:
            k += 1
            candidate = f"{base}{k}"
        self.names_used.add(candidate)
        return candidate

    def run(self):
        staged = self.staged
        ops = staged.body
        active = set(staged.wrt)
        for op in ops:
            if any(isinstance(a, ir.Var) and a.name in active for a in op.args):
                if op.rule == "inert":
                    if op.param("opaque") == "True":
                        self.refuse_opaque(op)
                    continue  # masks, shapes and indices carry no gradient
                active.add(op.target)
        self.uses = self.count_uses(active)
        groups = self.seed(active)
        gates = fusions(staged) if self.numpy else {}
        fused = {member for gate in gates.values() for member in gate.members[:-1]}
        numbers = {op.target: number for number, op in enumerate(ops, 1)}
        for number, op in reversed(list(enumerate(ops, 1))):
            if op.target not in self.adjoint or op.target in fused:
                continue
            gate = gates.get(op.target)
            if gate is not None:
                lines = self.undo_gate(gate, op, active)
                first = numbers[gate.members[0]]
                header = ir.ForwardLine(number, op.target, f"{gate.kind.replace('_', '-')} of {gate.source} "
                                        f"along axis {gate.axis}, lines ({first})-({number})")
            elif op.rule == "call":
                lines = self.undo_call(op, active)
                header = self.forward_line(number, op)
            else:
                lines = self.undo(op, active)
                header = self.forward_line(number, op)
            if lines:
                groups.append(ir.Group(header, tuple(lines)))
        groups = self.copy_aliases(groups)
        zeros = []
        for w in staged.wrt:
            if w not in self.adjoint:
                self.adjoint[w] = self.adjoint_name(w)
                zero = self.zeros_like(w)
                zeros.append(ir.AdjointLine(self.adjoint[w], False, zero))
        returns = tuple(self.adjoint[w] for w in staged.wrt)
        missing = self.missing_upstreams()
        forward = self.needed_forward(groups, zeros + [ir.AdjointLine(n, False, z) for n, z in missing])
        return ir.Backward(
            name=f"{staged.name}_backward", forward_name=staged.name, params=staged.params,
            defaults=staged.defaults, upstreams=staged.upstreams, wrt=staged.wrt, forward=forward,
            groups=tuple(groups), zeros=tuple(zeros), returns=returns, modules=staged.modules,
            mode=staged.mode, missing=missing, scalar_output=self.scalar_output())

    def seed(self, active):
        """The outputs' adjoints are the upstream gradients."""
        staged = self.staged
        lines = []
        for output, upstream in zip(staged.outputs, staged.upstreams):
            if not isinstance(output, ir.Var) or output.name not in active:
                continue
            var = output.name
            if var in self.adjoint or var in staged.params or self.uses.get(var):
                name = self.adjoint_name(var)
                lines.append(ir.AdjointLine(name, var in self.adjoint, upstream))
                self.adjoint[var] = name
            else:
                self.adjoint[var] = upstream
        title = "return " + ", ".join(map(str, staged.outputs))
        return [ir.Group(title, tuple(lines))] if lines else []

    def missing_upstreams(self):
        """A function returning a tuple takes ``None`` for an output whose gradient is zero."""
        staged = self.staged
        if len(staged.outputs) == 1:
            return ()
        return tuple((upstream, self.zeros_like(str(output)) if isinstance(output, ir.Var) else "0.0")
                     for output, upstream in zip(staged.outputs, staged.upstreams))

    def scalar_output(self):
        outputs = self.staged.outputs
        if len(outputs) != 1 or not self.numpy or not isinstance(outputs[0], ir.Var):
            return True
        return all(d == 1 for d in self.staged.shapes.get(outputs[0].name, ()))  # one number

    def zeros_like(self, name):
        if not self.numpy or self.staged.shapes.get(name, ()) == ():
            return "0.0"
        return f"{self.staged.modules['np']}.zeros_like({name})"

    def forward_line(self, number, op):
        return ir.ForwardLine(number, op.target, op.source)

    def undo(self, op, active):
        """The adjoint lines for the operands of one forward operation."""
        rule = RULES[op.rule]
        upstream = self.adjoint[op.target]
        names = [rule.inputs[0]] * len(op.args) if rule.variadic else list(rule.inputs)
        bindings = {} if rule.variadic else {n: atom_ast(a) for n, a in zip(names, op.args)}
        bindings.update(self.modules)
        bindings["out"] = ast.Name(op.target, ast.Load())
        bindings["g"] = ast.Name(upstream, ast.Load())
        lines = []
        for position, (input_name, arg) in enumerate(zip(names, op.args)):
            grad = rule.grads.get(input_name)
            if grad is None or not isinstance(arg, ir.Var) or arg.name not in active:
                continue
            context = GradContext(self, op, rule, position, names)
            if callable(grad):
                text = grad(context)
            else:
                expr = source.simplify(source.fill(grad, bindings))
                if source.is_zero(expr):
                    continue
                text = source.to_source(expr) if "g" in source.names_in(grad) else source.times(expr, upstream)
            lines.extend(context.setups)
            if isinstance(text, Scatter):
                lines.extend(self.scatter(arg.name, text, upstream))
                continue
            if rule.broadcast:
                text = context.unbroadcast(text, input_name if not rule.variadic else arg.name)
            if self.renames_only(arg.name, text):
                self.adjoint[arg.name] = text  # dxdot = dout says nothing: use dout itself
                continue
            accumulate = arg.name in self.adjoint
            if accumulate:
                text = _without_broadcast_to(text)  # += broadcasts by itself
            name = self.adjoint_name(arg.name)
            self.adjoint[arg.name] = name
            lines.append(ir.AdjointLine(name, accumulate, text))
        return lines

    def undo_call(self, op, active):
        """``dx, dw, _ = affine_backward(x, w, b, da)``, accumulating where needed."""
        params = op.param("params").split(",")
        wrt = [w for w in (op.param("wrt") or "").split(",") if w]
        targets, later = [], []
        assigned = set()
        for name in wrt:
            arg = op.args[params.index(name)]
            if not isinstance(arg, ir.Var) or arg.name not in active or arg.name in assigned:
                if isinstance(arg, ir.Var) and arg.name in assigned:
                    temp = self.fresh(f"{self.adjoint[arg.name]}_{op.param('function')}")
                    targets.append(temp)
                    later.append(ir.AdjointLine(self.adjoint[arg.name], True, temp))
                else:
                    targets.append("_")
                continue
            assigned.add(arg.name)
            if arg.name in self.adjoint:
                temp = self.fresh(f"{self.adjoint[arg.name]}_{op.param('function')}")
                targets.append(temp)
                later.append(ir.AdjointLine(self.adjoint[arg.name], True, temp))
            else:
                self.adjoint[arg.name] = self.adjoint_name(arg.name)
                targets.append(self.adjoint[arg.name])
        if all(t == "_" for t in targets):
            return []
        call = f"{op.param('backward')}({', '.join(map(str, op.args))}, {self.adjoint[op.target]})"
        return [ir.CallLine(tuple(targets), call)] + later

    def undo_gate(self, gate, op, active):
        """The one adjoint line of a softmax or log-softmax gate."""
        x = gate.source.name
        if x not in active:
            return []
        g, out, axis = self.adjoint[op.target], op.target, gate.axis
        np_name = self.staged.modules["np"]
        if gate.kind == "log_softmax":
            text = f"{g} - {np_name}.exp({out}) * {g}.sum(axis={axis}, keepdims=True)"
        else:
            text = f"{out} * ({g} - ({g} * {out}).sum(axis={axis}, keepdims=True))"
        accumulate = x in self.adjoint
        self.adjoint[x] = self.adjoint_name(x)
        return [ir.AdjointLine(self.adjoint[x], accumulate, text)]

    def count_uses(self, active):
        """How many operations on the way to the output read each value."""
        reaches = {o.name for o in self.staged.outputs if isinstance(o, ir.Var)}
        uses = {}
        for op in reversed(self.staged.body):
            if op.target not in reaches or op.target not in active:
                continue
            for arg in op.args:
                if isinstance(arg, ir.Var) and arg.name in active:
                    reaches.add(arg.name)
                    uses[arg.name] = uses.get(arg.name, 0) + 1
        return uses

    def renames_only(self, var, text):
        """In NumPy code a temporary's adjoint that just renames another is not written."""
        staged = self.staged
        return (self.numpy and var not in staged.user_names and var not in self.adjoint
                and self.uses.get(var) == 1 and text.isidentifier())

    def scatter(self, var, scatter, upstream):
        """``dx[index] += g``: the adjoint of reading ``x[index]``."""
        np_name = self.staged.modules["np"]
        lines = []
        name = self.adjoint_name(var)
        if var not in self.adjoint:
            self.adjoint[var] = name
            lines.append(ir.AdjointLine(name, False, f"{np_name}.zeros_like({var})"))
            if not scatter.repeats:
                lines.append(ir.AdjointLine(f"{name}[{scatter.index}]", False, upstream))
                return lines
        if scatter.repeats:
            lines.append(ir.Statement(f"{np_name}.add.at({name}, {index_tuple(scatter.index)}, {upstream})"))
        else:
            lines.append(ir.AdjointLine(f"{name}[{scatter.index}]", True, upstream))
        return lines

    def copy_aliases(self, groups):
        """Copy an adjoint that starts as a view of another array, where that matters.

        ``dx = dq`` followed by ``dx += ...`` would change ``dq`` too: harmless
        when ``dq`` is a temporary adjoint never read again, a bug when it is
        the caller's ``dout``, a forward value, read-only, or read later.  The
        gradients returned are separate, writeable arrays that share no memory
        with ``dout``, the inputs, or one another.
        """
        if not self.numpy:
            return groups
        lines = [line for group in groups for line in group.lines]
        accumulated = {line.target.split("[")[0] for line in lines
                       if isinstance(line, ir.AdjointLine) and (line.accumulate or "[" in line.target)}
        accumulated |= {_statement_target(line) for line in lines if isinstance(line, ir.Statement)}
        upstreams = set(self.staged.upstreams)
        adjoints = set(self.adjoint.values()) - upstreams
        returned = {self.adjoint[w] for w in self.staged.wrt if w in self.adjoint}
        roots, readonly = {}, set()  # adjoint -> the arrays its memory may belong to
        copies, scalars, claimed = set(), set(), set()
        for position, line in enumerate(lines):
            if not isinstance(line, ir.AdjointLine) or line.accumulate or line.target in roots:
                continue
            fresh = _fresh(line.source)
            shared = set() if fresh else set().union(*(roots.get(n, {n}) for n in _names(line.source)))
            roots[line.target] = shared or {line.target}
            if not fresh and ("broadcast_to" in line.source or shared & readonly):
                readonly.add(line.target)
            if fresh:
                continue
            foreign = line.target in readonly or bool(upstreams & shared) or not shared <= adjoints
            scalar = self.shape_of_adjoint(line.target) == ()
            needs = False
            if line.target in accumulated:
                mutation = next(i for i in range(position + 1, len(lines)) if _mutates(lines[i], line.target))
                later = set().union(*(_names(str(other)) for other in lines[mutation + 1:]))
                needs = foreign or any(roots.get(n, {n}) & shared for n in later - {line.target})
            if line.target in returned and not scalar:
                needs = needs or foreign or bool(shared & claimed)
                claimed |= shared
            if needs:
                (scalars if scalar else copies).add(id(line))
                roots[line.target] = {line.target}
                readonly.discard(line.target)
        fixed = []
        np_name = self.staged.modules["np"]
        for group in groups:
            new_lines = tuple(
                ir.AdjointLine(line.target, False, f"{_wrap(line.source)}.copy()") if id(line) in copies
                else ir.AdjointLine(line.target, False, f"{np_name}.copy({line.source})") if id(line) in scalars
                else line for line in group.lines)
            fixed.append(ir.Group(group.undoes, new_lines))
        return fixed

    def shape_of_adjoint(self, adjoint):
        for var, name in self.adjoint.items():
            if name == adjoint:
                return self.staged.shapes.get(var)
        return None

    def refuse_opaque(self, op):
        line = self.staged.lines[op.line - 1] if 0 < op.line <= len(self.staged.lines) else None
        raise BackgenError(f"{op.source}: building a value this way from differentiated inputs is not "
                           "supported (use np.stack or arithmetic)", self.staged.filename, op.line, None, line)

    def needed_forward(self, groups, zeros):
        """The forward lines whose values the adjoint lines read, in order."""
        read = set()
        for group in groups:
            for line in group.lines:
                read |= _names(str(line))
        for line in zeros:
            read |= _names(line.source)
        kept = []
        for number, op in reversed(list(enumerate(self.staged.body, 1))):
            if op.target in read:
                kept.append(self.forward_line(number, op))
                read |= {a.name for a in op.args if isinstance(a, ir.Var)}
                read |= _names(op.source)
        return tuple(reversed(kept))


def _names(text):
    return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}


def _without_broadcast_to(text):
    """``np.broadcast_to(e, x.shape)`` -> ``e``, for an in-place ``+=`` into an array of that shape."""
    node = ast.parse(text, mode="eval").body
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "broadcast_to":
        return source.to_source(node.args[0])
    return text


def _statement_target(statement):
    """The array ``np.add.at(dx, idx, g)`` writes into."""
    call = ast.parse(statement.source, mode="eval").body
    return source.to_source(call.args[0])


def _mutates(line, target):
    if isinstance(line, ir.Statement):
        return _statement_target(line) == target
    return line.target.split("[")[0] == target and (line.accumulate or "[" in line.target)


def _fresh(text):
    """Whether ``text`` certainly evaluates to a new array (not a view of another)."""
    node = ast.parse(text, mode="eval").body
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in FRESH_CALLS
    return False


def _wrap(text):
    node = ast.parse(text, mode="eval").body
    return text if isinstance(node, source.ATOMIC) else f"({text})"
