"""Stage a fenced forward function into one operation per assignment.

Contract: ``stage(forward, wrt=None) -> ir.Staged`` (grammar in ``ir``).

* The user's variable names are kept.  A name assigned twice gets versions
  (``h``, ``h_1``, ``h_2``) so each staged name has exactly one value.
* Nested expressions get temporaries named from what they compute (``xpy`` for
  ``x + y``, ``sigy`` for a sigmoid of ``y``, ``num``/``den`` for the two
  sides of a division, ``out`` for the returned value).  Names are chosen
  deterministically and never collide with the user's names or with the
  adjoint names (``d`` + name) the reverse pass will give them.
* ``1 / (1 + exp(-z))`` is staged as one ``sigmoid`` operation; chains of
  ``+`` become one n-ary ``add``; operations on constants stay constants.
* Unknown names and functions raise ``BackgenError`` at the user's line.
"""

import ast
import builtins

from . import ir, source
from .rules import CALLS, CONSTANTS, NOT_DIFFERENTIABLE, RULES

BINOP_RULES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
MODULE_SPELLING = {"math": "math", "numpy": "np"}
SHORT = 4  # operand names up to this long are combined into temporaries' names


class Namer:
    """Deterministic fresh names that avoid every taken name and its adjoint."""

    def __init__(self, taken):
        self.taken = set(taken)

    def fresh(self, base):
        candidate, k = base, 1
        while candidate in self.taken or "d" + candidate in self.taken:
            k += 1
            candidate = f"{base}{k}"
        self.take(candidate)
        return candidate

    def version(self, base):
        k = 1
        while f"{base}_{k}" in self.taken or f"d{base}_{k}" in self.taken:
            k += 1
        self.take(f"{base}_{k}")
        return f"{base}_{k}"

    def take(self, name):
        self.taken.add(name)
        self.taken.add("d" + name)


def stage(forward, wrt=None):
    return _Stager(forward).run(wrt)


class _Stager:
    def __init__(self, forward):
        self.forward = forward
        self.func = forward.func
        self.env = forward.env
        self.ops = []
        self.line = self.func.lineno
        user = {n.id for n in ast.walk(self.func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        user |= {a.arg for a in self.func.args.args} | {self.func.name}
        self.user_names = user
        free = set(self.env) | set(dir(builtins))
        self.namer = Namer(set(user) | {"d" + n for n in user} | free)
        self.assigned = set()
        self.versions = {}

    def error(self, message, node):
        return self.forward.error(message, node)

    def run(self, wrt):
        params = tuple(a.arg for a in self.func.args.args)
        wrt = self.check_wrt(params, wrt)
        upstream = next(c for c in ("dout", "d_out", "dout_", "grad_out", "upstream")
                        if c not in self.user_names and c[1:] not in self.user_names)
        self.namer.taken.add(upstream)
        for name in params:
            self.versions[name] = ir.Var(name)
        defaults = tuple(source.to_source(d) for d in self.func.args.defaults)
        output = None
        for stmt in self.func.body:
            self.line = stmt.lineno
            if isinstance(stmt, ast.Assign):
                self.assign(stmt.targets[0].id, stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                value = ast.BinOp(ast.Name(stmt.target.id, ast.Load()), stmt.op, stmt.value)
                ast.copy_location(value, stmt)
                self.assign(stmt.target.id, value)
            elif isinstance(stmt, ast.Return):
                output = self.expr(stmt.value, name=lambda: self.output_name(upstream))
        modules = {}
        for canonical in ("math", "np"):
            alias, k = canonical, 1
            while alias in self.user_names:
                alias = f"{canonical}{'_' * k}"
                k += 1
            modules[canonical] = alias
        taken = frozenset(self.namer.taken | set(modules.values()))
        return ir.Staged(self.func.name, params, defaults, tuple(self.ops), output, wrt, upstream,
                         frozenset(self.user_names), taken, modules, self.forward.filename)

    def check_wrt(self, params, wrt):
        if wrt is None:
            return params
        if isinstance(wrt, str):
            wrt = tuple(w.strip() for w in wrt.split(",") if w.strip())
        wrt = tuple(wrt)
        for name in wrt:
            if name not in params:
                raise self.error(f"wrt names {name!r}, which is not a parameter of {self.func.name}()"
                                 f" (parameters: {', '.join(params) or 'none'})", self.func)
        if len(set(wrt)) != len(wrt) or not wrt:
            raise self.error("wrt must name each parameter at most once, and at least one", self.func)
        return wrt

    def output_name(self, upstream):
        """The returned value is ``out``, whose adjoint is the upstream gradient."""
        if upstream == "dout" and "out" not in self.namer.taken:
            self.namer.taken.add("out")
            return "out"
        return self.namer.fresh("out")

    def assign(self, name, value):
        if name in self.versions:
            target = self.namer.version(name)
        else:
            target = name
            self.namer.take(name)
        atom = self.expr(value, name=lambda: target)
        self.versions[name] = atom

    # --- expressions ------------------------------------------------------

    def expr(self, node, name=None, role=None):
        """Stage ``node``; return the Var or Const holding its value.

        ``name`` (a callable, so a name is only taken when an operation is
        made) names the operation computing ``node``; otherwise a temporary
        is named from ``role`` or from the operation itself.
        """
        if isinstance(node, ast.Constant):
            return ir.Const(repr(node.value))
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            qualified = self.qualify(node)
            if qualified in CONSTANTS:
                return ir.Const(qualified)
            raise self.error(f"{qualified or source.to_source(node)} is not supported as a value", node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand, name, role)
            return self.op("neg", [node.operand], node, name, role)
        if isinstance(node, ast.BinOp):
            operand = self.match_sigmoid(node)
            if operand is not None:
                return self.op("sigmoid", [operand], node, name, role)
            rule = BINOP_RULES[type(node.op)]
            if rule == "add":
                return self.op("add", self.flatten_add(node), node, name, role)
            if rule == "div":
                return self.op(rule, [node.left, node.right], node, name, role, roles=("num", "den"))
            return self.op(rule, [node.left, node.right], node, name, role)
        if isinstance(node, ast.Call):
            return self.call(node, name, role)
        raise self.error(f"{type(node).__name__} expressions are not supported", node)

    def name(self, node):
        if node.id in self.versions:
            return self.versions[node.id]
        meaning = self.env.get(node.id)
        if meaning in ("math", "numpy"):
            raise self.error(f"the module {node.id!r} cannot be used as a value", node)
        if meaning:
            qualified = _spell(meaning)
            if qualified in CONSTANTS:
                return ir.Const(qualified)
            raise self.error(f"the function {node.id!r} cannot be used as a value", node)
        if node.id in self.user_names:
            raise self.error(f"variable {node.id!r} is used before it is assigned", node)
        raise self.error(
            f"name {node.id!r} is not a parameter or a variable assigned in the function "
            "(global values are not supported: pass them as parameters)", node)

    def qualify(self, node):
        """``math.exp`` for an attribute or name that refers into a known module."""
        if isinstance(node, ast.Name):
            if node.id in self.versions or node.id in self.assigned:
                return None
            meaning = self.env.get(node.id)
            return _spell(meaning) if meaning else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            if base in ("math", "np"):
                return f"{base}.{node.attr}"
        return None

    def call(self, node, name, role):
        func = node.func
        qualified = self.qualify(func)
        if isinstance(func, ast.Name) and func.id in self.versions:
            raise self.error(f"{func.id!r} is a variable, not a function", func)
        label = qualified or source.to_source(func)
        if qualified is None:
            raise self.error(
                f"unknown function {label!r}: backgen differentiates math functions and the "
                "builtins abs, max, min and pow", func)
        if qualified in NOT_DIFFERENTIABLE:
            raise self.error(f"{label} is not differentiable: {NOT_DIFFERENTIABLE[qualified]}", func)
        rule = CALLS.get((qualified, len(node.args)))
        if rule is None:
            arities = sorted(n for (f, n) in CALLS if f == qualified)
            if arities:
                expected = " or ".join(map(str, arities))
                raise self.error(f"{label} takes {expected} argument(s) here, got {len(node.args)}", node)
            raise self.error(f"{label} has no derivative rule in backgen", func)
        return self.op(rule, list(node.args), node, name, role)

    def op(self, rule_name, operands, node, name, role, roles=None):
        roles = roles or (None,) * len(operands)
        args = tuple(self.expr(child, role=r) for child, r in zip(operands, roles))
        rule = RULES[rule_name]
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(render(rule, args))
        if name is not None:
            target = name()
        else:
            target = self.namer.fresh(role or _hint(rule_name, args))
        self.ops.append(ir.Op(target, rule_name, args, self.line))
        return ir.Var(target)

    def flatten_add(self, node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and self.match_sigmoid(node) is None:
            return self.flatten_add(node.left) + [node.right]
        return [node]

    def match_sigmoid(self, node):
        """The ``z`` of ``1 / (1 + exp(-z))`` or ``(1 + exp(-z)) ** -1``, else None."""
        if isinstance(node.op, ast.Div) and source.number(node.left) == 1:
            denominator = node.right
        elif isinstance(node.op, ast.Pow) and source.number(node.right) == -1:
            denominator = node.left
        else:
            return None
        if not (isinstance(denominator, ast.BinOp) and isinstance(denominator.op, ast.Add)):
            return None
        one, other = denominator.left, denominator.right
        if source.number(one) != 1:
            one, other = other, one
        if source.number(one) != 1 or not isinstance(other, ast.Call) or len(other.args) != 1:
            return None
        if other.keywords or self.qualify(other.func) != "math.exp":
            return None
        arg = other.args[0]
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub):
            return arg.operand
        return None


def _spell(meaning):
    """Canonical spelling: 'numpy.exp' -> 'np.exp'."""
    module, _, attr = meaning.partition(".")
    module = MODULE_SPELLING.get(module, module)
    return f"{module}.{attr}" if attr else module


def render(rule, args, modules=None):
    """Source of ``rule`` applied to ``args`` (Var or Const), as staged code spells it.

    ``modules`` maps ``math``/``np`` to the names the generated code uses.
    """
    modules = modules or {}
    nodes = [bind(arg, modules) for arg in args]
    if rule.variadic:
        texts = [source.to_source(n) for n in nodes]
        texts = [texts[0]] + [f"({t})" if isinstance(n, ast.BinOp) else t for t, n in zip(texts[1:], nodes[1:])]
        return rule.variadic.join(texts)
    bindings = dict(zip(rule.inputs, nodes))
    bindings.update(module_bindings(modules))
    return source.to_source(source.fill(rule.forward, bindings))


def module_bindings(modules):
    return {canonical: ast.Name(alias, ast.Load()) for canonical, alias in modules.items() if alias != canonical}


def bind(atom, modules):
    """The AST of an atom, with module names spelled as in the generated code."""
    if isinstance(atom, ir.Var):
        return ast.Name(atom.name, ast.Load())
    return source.fill(atom.source, module_bindings(modules))


def _hint(rule_name, args):
    names = [a.name if isinstance(a, ir.Var) else None for a in args]
    short = [n for n in names if n and len(n) <= SHORT]
    first = names[0] if names[0] and len(names[0]) <= SHORT else ""
    if rule_name in ("add", "sub", "mul") and len(args) == 2 and len(short) == 2:
        combined = {"add": "p", "sub": "m", "mul": ""}[rule_name].join(names)
        if len(combined) <= SHORT + 2:
            return combined
    if rule_name == "pow" and isinstance(args[1], ir.Const) and first:
        return first + {"2": "sqr", "3": "cube", "0.5": "sqrt"}.get(str(args[1]), "pow")
    if rule_name == "sigmoid":
        return "sig" + first
    if rule_name == "neg":
        return "neg" + first
    if "." in rule_name or rule_name in ("abs", "max", "min"):
        base = rule_name.split(".")[-1].replace("_base", "")
        return base + (first if len(args) == 1 else "v")
    return {"add": "s", "sub": "diff", "mul": "prod", "div": "quot", "pow": "pw"}.get(rule_name, "t")
