"""Reverse a staged forward function into hand-style adjoint statements.

Contract: ``reverse(staged) -> ir.Backward``.

* Only values that depend on a ``wrt`` input *and* lead to the output get an
  adjoint; contributions known to be zero are never emitted.
* Adjoints are named ``d`` + the variable (``d_x`` if the user already has a
  ``dx``).  The first contribution to an adjoint is an assignment, later ones
  are ``+=``.  The output's adjoint is the upstream-gradient parameter.
* Each group of adjoint lines records the forward line it undoes; the forward
  lines kept are exactly those whose values the adjoint lines read.
* Local gradients come from the rule table, filled in and simplified.
"""

import ast

from . import ir, source
from .rules import RULES
from .stage import bind, module_bindings, render


def reverse(staged):
    return _Reverser(staged).run()


class _Reverser:
    def __init__(self, staged):
        self.staged = staged
        self.modules = module_bindings(staged.modules)
        self.adjoint = {}  # variable -> its adjoint's name, once it has a contribution
        self.names_used = set()

    def adjoint_name(self, var):
        if var in self.adjoint:
            return self.adjoint[var]
        staged = self.staged
        candidate = "d" + var
        if candidate in staged.user_names or candidate == staged.upstream or candidate in self.names_used:
            base, k = "d_" + var, 1
            candidate = base
            while candidate in staged.taken or candidate in self.names_used:
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
                active.add(op.target)
        groups = []
        output = staged.output
        if isinstance(output, ir.Var) and output.name in active:
            if output.name in staged.params:
                name = self.adjoint_name(output.name)
                self.adjoint[output.name] = name
                groups.append(ir.Group(None, (ir.AdjointLine(name, False, staged.upstream),)))
            else:
                self.adjoint[output.name] = staged.upstream
        for number, op in reversed(list(enumerate(ops, 1))):
            if op.target not in self.adjoint:
                continue
            lines = self.undo(op, active)
            if lines:
                groups.append(ir.Group(self.forward_line(number, op), tuple(lines)))
        zeros = []
        for w in staged.wrt:
            if w not in self.adjoint:
                self.adjoint[w] = self.adjoint_name(w)
                zeros.append(ir.AdjointLine(self.adjoint[w], False, "0.0"))
        returns = tuple(self.adjoint[w] for w in staged.wrt)
        forward = self.needed_forward(groups)
        return ir.Backward(
            name=f"{staged.name}_backward", forward_name=staged.name, params=staged.params,
            defaults=staged.defaults, upstream=staged.upstream, wrt=staged.wrt, forward=forward,
            groups=tuple(groups), zeros=tuple(zeros), returns=returns, modules=staged.modules)

    def forward_line(self, number, op):
        return ir.ForwardLine(number, op.target, render(RULES[op.rule], op.args, self.staged.modules))

    def undo(self, op, active):
        """The adjoint lines for the inputs of one forward operation."""
        rule = RULES[op.rule]
        upstream = self.adjoint[op.target]
        if rule.variadic:
            names = [rule.inputs[0]] * len(op.args)
            bindings = {}
        else:
            names = rule.inputs
            bindings = {n: bind(a, self.staged.modules) for n, a in zip(names, op.args)}
        bindings.update(self.modules)
        bindings["out"] = ast.Name(op.target, ast.Load())
        bindings["g"] = ast.Name(upstream, ast.Load())
        lines = []
        for input_name, arg in zip(names, op.args):
            grad = rule.grads.get(input_name)
            if grad is None or not isinstance(arg, ir.Var) or arg.name not in active:
                continue
            expr = source.simplify(source.fill(grad, bindings))
            if source.is_zero(expr):
                continue
            if "g" in source.names_in(grad):
                text = source.to_source(expr)
            else:
                text = source.times(expr, upstream)
            accumulate = arg.name in self.adjoint
            name = self.adjoint_name(arg.name)
            self.adjoint[arg.name] = name
            lines.append(ir.AdjointLine(name, accumulate, text))
        return lines

    def needed_forward(self, groups):
        """The forward lines whose values the adjoint lines read, in order."""
        read = set()
        for group in groups:
            for line in group.lines:
                read |= {n.id for n in ast.walk(ast.parse(line.source, mode="eval")) if isinstance(n, ast.Name)}
        kept = []
        for number, op in reversed(list(enumerate(self.staged.body, 1))):
            if op.target in read:
                kept.append(self.forward_line(number, op))
                read |= {a.name for a in op.args if isinstance(a, ir.Var)}
        return tuple(reversed(kept))
