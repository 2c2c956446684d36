"""Stage a fenced forward function into one operation per assignment.

Contract: ``stage(forward, wrt=None) -> ir.Staged`` (grammar in ``ir``).

* The user's variable names are kept.  A name assigned twice gets versions
  (``h``, ``h_1``, ``h_2``) so each staged name has exactly one value.
* Nested expressions get temporaries named from what they compute (``xpy`` for
  ``x + y``, ``sigy`` for a sigmoid of ``y``, ``num``/``den`` for the two
  sides of a division, ``out`` for the returned value).  Names are chosen
  deterministically and never collide with the user's names, the builtins, or
  the adjoint names (``d`` + name) the reverse pass will give them.
* Fused gates a person recognizes are staged as one operation: the sigmoid
  ``1 / (1 + exp(-z))``, ``np.sum(np.square(x))``, ``np.log(np.sum(np.exp(x)))``.
  Chains of ``+`` become one n-ary ``add``; operations on constants stay
  constants; values that carry no gradient (masks, shapes, constructors) are
  ``inert`` operations.
* NumPy calls keep the user's spelling (``x.sum(axis=1)`` stays a method
  call); their static arguments (``axis``...) are recorded as ``Op.params``.
* Unknown names and functions raise ``BackgenError`` at the user's line.
"""

import ast
import builtins
import functools
import inspect

from . import ir, source
from .errors import BackgenError
from .flow import RETURN, StatementStager, single_exit
from .parse import read_helper
from .shapes import spec
from .rules import CALLS, CONSTANTS, NOT_DIFFERENTIABLE, SCALAR
from .rules_numpy import (ALIASES, INERT, INERT_ATTRIBUTES, INERT_METHODS, METHOD_SIGNATURES, METHODS,
                          NUMPY, OPAQUE, SIGNATURES)

RULES = {**SCALAR, **NUMPY}
BINOP_RULES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
               ast.MatMult: "np.matmul"}
INERT_BINOPS = (ast.BitAnd, ast.BitOr, ast.BitXor, ast.FloorDiv, ast.Mod)
MODULE_SPELLING = {"math": "math", "numpy": "np"}
SHORT = 4  # operand names up to this long are combined into temporaries' names
REDUCTION_HINTS = {"np.sum": "total", "np.max": "peak", "np.min": "low", "np.mean": "avg", "np.prod": "prod",
                   "np.var": "var", "np.std": "std"}


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


def stage(forward, wrt=None, specs=None, arrays=False):
    """Stage ``forward``.  ``specs`` ({param: shapes.Spec}) are its declared
    shapes; NumPy rules are used when the code uses NumPy, when a declared shape
    is an array, or when ``arrays`` says the inputs are arrays."""
    specs = dict(specs or {})
    for arg in forward.func.args.args:
        if arg.arg not in specs and arg.annotation is not None and spec(arg.annotation) is not None:
            specs[arg.arg] = spec(arg.annotation)
    arrays = arrays or any(s.dims for s in specs.values())
    return _Stager(forward, arrays).run(wrt, specs)


def uses_numpy(forward, seen=()):
    """Whether the function (or a helper it calls) is NumPy code, rather than scalar code."""
    func = forward.func
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers \
                and node.func.id not in seen:
            try:
                helper = read_helper(forward, node.func.id)
            except (BackgenError, TypeError):
                continue  # reported where the call is staged
            if uses_numpy(helper, seen + (func.name,)):
                return True
    local = {a.arg for a in func.args.args}
    local |= {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id not in local and \
                (forward.env.get(node.id) or "").startswith("numpy"):
            return True
        if isinstance(node, ast.Subscript) or isinstance(getattr(node, "op", None), ast.MatMult):
            return True
        if isinstance(node, ast.Attribute):
            base = getattr(node.value, "id", None)
            if base is None or base in local or not forward.env.get(base):
                return True
    return False


class _Stager(StatementStager):
    def __init__(self, forward, arrays=False):
        self.forward = forward
        self.func = forward.func
        self.env = forward.env
        self.numpy = arrays or uses_numpy(forward)
        self.ops = []
        self.line = self.func.lineno
        user = {n.id for n in ast.walk(self.func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        user |= {a.arg for a in self.func.args.args} | {self.func.name}
        self.user_names = user
        free = set(self.env) | set(dir(builtins)) | set(forward.helpers)
        self.namer = Namer(set(user) | {"d" + n for n in user} | free)
        self.versions = {}
        self.defined = set()  # every name a parameter, an operation or a merge defines
        self.read_so_far = set()  # every name an operation staged so far reads
        self.tests = []  # the names the enclosing if tests read
        self.modules = {}
        for canonical in ("math", "np"):
            alias, k = canonical, 1
            while alias in user:
                alias = f"{canonical}{'_' * k}"
                k += 1
            self.modules[canonical] = alias

    def error(self, message, node):
        return self.forward.error(message, node)

    def run(self, wrt, specs):
        params = tuple(a.arg for a in self.func.args.args)
        wrt = self.check_wrt(params, wrt, specs)
        body = single_exit([s for s in self.func.body if not _is_docstring(s)])
        returns = next(n for n in ast.walk(ast.Module(body, [])) if isinstance(n, ast.Return)).value
        values = returns.elts if isinstance(returns, ast.Tuple) else [returns]
        upstreams = self.upstream_names(values)
        self.upstreams = upstreams
        for name in params:
            self.versions[name] = ir.Var(name)
            self.defined.add(name)
        defaults = tuple(source.to_source(d) for d in self.func.args.defaults)
        self.block(body)
        outputs = tuple(self.versions[RETURN.format(i)] for i in range(len(upstreams)))
        modules = self.modules
        taken = frozenset(self.namer.taken | set(modules.values()))
        return ir.Staged(self.func.name, params, defaults, tuple(self.ops), outputs, wrt, upstreams,
                         frozenset(self.user_names), taken, modules, self.forward.filename,
                         "numpy" if self.numpy else "scalar", self.forward.lines, self.func.lineno)

    def check_wrt(self, params, wrt, specs):
        if wrt is None:  # every parameter, except those declared integer or boolean
            return tuple(p for p in params if p not in specs or specs[p].kind == "float")
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

    def upstream_names(self, values):
        """``dout``, or ``dout1, dout2, ...`` for a function returning a tuple.

        ``dout`` may be the adjoint of a variable ``out`` only when that is what is returned.
        """
        names = []
        count = len(values)
        for i, value in enumerate(values, 1):
            suffix = "" if count == 1 else str(i)
            returned = value.id if isinstance(value, ast.Name) and list(self.func_stores(value.id)) else None
            name = next(c + suffix for c in ("dout", "d_out", "dout_", "grad_out", "upstream")
                        if c + suffix not in self.user_names
                        and ((c + suffix)[1:] not in self.user_names or (c + suffix)[1:] == returned))
            self.namer.taken.add(name)
            names.append(name)
        return tuple(names)

    def func_stores(self, name):
        """The assignments to ``name`` in the function (it is returned as assigned last)."""
        return [n for n in ast.walk(self.func) if isinstance(n, ast.Name) and n.id == name
                and isinstance(n.ctx, ast.Store)]

    def returned(self, value, upstream):
        """Stage one returned value; a computed one is named ``out`` (adjoint ``dout``)."""
        base = upstream[1:] if upstream.startswith("d") else "out"
        output = self.expr(value, name=lambda: self.output_name(base))
        if self.ops and isinstance(output, ir.Var) and isinstance(self.ops[-1], ir.Op) \
                and self.ops[-1].target == output.name \
                and self.ops[-1].rule == "inert":
            raise self.error("the function returns a value that carries no gradient "
                             "(a comparison, a shape, a constructed constant)", value)
        return output

    def output_name(self, base):
        if base not in self.namer.taken:
            self.namer.taken.add(base)
            return base
        return self.namer.fresh(base)

    def add(self, item):
        """Append a staged item to the current block."""
        self.ops.append(item)
        if isinstance(item, ir.Op):
            self.defined.add(item.target)
            self.read_so_far |= item.reads()

    def assign(self, name, value):
        if name in self.versions or name in self.defined:
            target = self.namer.version(name)
        else:
            target = name
            self.namer.take(name)
        self.versions[name] = self.expr(value, name=lambda: target)

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
            return self.attribute(node, name, role)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand, name, role)
            if isinstance(node.op, (ast.Invert, ast.Not)):
                return self.inert(node, [node.operand], name, role or "mask")
            return self.op("neg", [node.operand], node, name, role)
        if isinstance(node, ast.BinOp):
            return self.binop(node, name, role)
        if isinstance(node, ast.Compare):
            return self.inert(node, [node.left] + node.comparators, name, role or "mask")
        if isinstance(node, ast.IfExp):
            simple = all(isinstance(b, (ast.Name, ast.Constant, ast.Attribute)) or source.number(b) is not None
                         for b in (node.body, node.orelse))
            if not simple:  # Python computes only the branch taken: an if block does the same
                return self.if_expression(node, name, role)
            operands = [node.test, node.body, node.orelse]
            if self.numpy:
                return self.numpy_op("np.select_if", operands, node, name, role or "pick")
            return self.op("select", operands, node, name, role or "pick")
        if isinstance(node, ast.Call):
            return self.call(node, name, role)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, name, role)
        if isinstance(node, ast.List) and not node.elts:
            return ir.Const("[]")
        if isinstance(node, ast.List) and self.numpy and all(not isinstance(e, ast.Starred) for e in node.elts):
            return self.numpy_op("list_make", list(node.elts), node, name, role or "items")
        if isinstance(node, (ast.Tuple, ast.List)) and self.numpy:
            return self.inert(node, node.elts, name, role or "seq")
        raise self.error(f"{type(node).__name__} expressions are not supported here", node)

    def name(self, node):
        if node.id in self.versions:
            return self.versions[node.id]
        meaning = self.env.get(node.id)
        if meaning in ("math", "numpy"):
            raise self.error(f"the module {node.id!r} cannot be used as a value", node)
        if meaning:
            qualified = _spell(meaning)
            if qualified in CONSTANTS:
                return ir.Const(self.alias(qualified))
            raise self.error(f"the function {node.id!r} cannot be used as a value", node)
        if node.id in self.user_names:
            raise self.error(f"variable {node.id!r} is used before it is assigned", node)
        raise self.error(
            f"name {node.id!r} is not a parameter or a variable assigned in the function "
            "(global values are not supported: pass them as parameters)", node)

    def alias(self, qualified):
        """``np.exp`` spelled with the module names of the generated code."""
        module, dot, rest = qualified.partition(".")
        return self.modules.get(module, module) + dot + rest

    def qualify(self, node):
        """``math.exp`` for an attribute or name that refers into a known module."""
        if isinstance(node, ast.Name):
            if node.id in self.versions or node.id in self.user_names:
                return None
            meaning = self.env.get(node.id)
            return _spell(meaning) if meaning else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            if base and base.split(".")[0] in ("math", "np"):
                return f"{base}.{node.attr}"
        return None

    def attribute(self, node, name, role):
        qualified = self.qualify(node)
        if qualified in CONSTANTS:
            return ir.Const(self.alias(qualified))
        if qualified is not None:
            raise self.error(f"{qualified} is not supported as a value", node)
        if node.attr == "T":
            return self.numpy_op("np.transpose", [node.value], node, name, role, {"axes": "None"})
        if node.attr in INERT_ATTRIBUTES:
            return self.inert(node, [node.value], name, role or node.attr)
        raise self.error(f"the attribute .{node.attr} is not supported as a value", node)

    def binop(self, node, name, role):
        operand = self.match_sigmoid(node)
        if operand is not None:
            return self.numpy_op(self.sigmoid_rule, [operand], node, name, role)
        if isinstance(node.op, INERT_BINOPS):  # masks and integer arithmetic carry no gradient
            return self.inert(node, [node.left, node.right], name, role or "mask")
        rule = BINOP_RULES[type(node.op)]
        if rule == "mul" and _same_name(node.left, node.right):
            return self.op("square", [node.left], node, name, role)
        if rule == "np.matmul":
            return self.numpy_op(rule, [node.left, node.right], node, name, role)
        if rule == "add":
            return self.op("add", self.flatten_add(node), node, name, role)
        if rule == "div":
            return self.op(rule, [node.left, node.right], node, name, role, roles=("num", "den"))
        if rule == "pow" and self.numpy:
            return self.numpy_op("np.power", [node.left, node.right], node, name, role)
        return self.op(rule, [node.left, node.right], node, name, role)

    def call(self, node, name, role):
        func = node.func
        qualified = self.qualify(func)
        if isinstance(func, ast.Name) and func.id in self.versions:
            raise self.error(f"{func.id!r} is a variable, not a function", func)
        receiver_is_name = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        if qualified is None and isinstance(func, ast.Attribute) and not (
                receiver_is_name and func.value.id not in self.versions):
            return self.method(node, name, role)
        label = qualified or source.to_source(func)
        if qualified is None and isinstance(func, ast.Name) and func.id == self.func.name:
            raise self.error(f"{func.id}() calls itself: recursion is not supported", node)
        if qualified is None and isinstance(func, ast.Name) and func.id in self.forward.helpers:
            return self.helper_call(node, name, role)
        if qualified is None:
            raise self.error(
                f"unknown function {label!r}: backgen differentiates math and NumPy functions and the "
                "builtins abs, max, min and pow", func)
        if qualified in NOT_DIFFERENTIABLE and not self.numpy:
            raise self.error(f"{label} is not differentiable: {NOT_DIFFERENTIABLE[qualified]}", func)
        if qualified.startswith("np."):
            return self.numpy_call(qualified, node, name, role)
        if qualified == "sum" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            return self.numpy_op("list_sum", [node.args[0]], node, name, role)  # the sum of a list
        if qualified in INERT or qualified in OPAQUE:
            return self.inert(node, node.args, name, role, opaque=qualified in OPAQUE)
        if node.keywords:
            raise self.error("keyword arguments are not supported in this call", node.keywords[0])
        rule = CALLS.get((qualified, len(node.args)))
        if rule is None:
            arities = sorted(n for (f, n) in CALLS if f == qualified)
            if arities:
                expected = " or ".join(map(str, arities))
                raise self.error(f"{label} takes {expected} argument(s) here, got {len(node.args)}", node)
            raise self.error(f"{label} has no derivative rule in backgen", func)
        return self.op(rule, list(node.args), node, name, role)

    def helper_call(self, node, name, role):
        """A call of the user's own function: its backward is generated and called."""
        function = node.func.id
        try:
            helper = read_helper(self.forward, function)
        except BackgenError:
            raise
        returned = next(n.value for n in ast.walk(helper.func) if isinstance(n, ast.Return))
        outputs = len(returned.elts) if isinstance(returned, ast.Tuple) else 1
        args = helper.func.args
        names = [a.arg for a in args.args]
        defaults = dict(zip(names[len(names) - len(args.defaults):], args.defaults))
        signature = ", ".join(f"{n}={source.to_source(defaults[n])}" if n in defaults else n for n in names)
        try:
            bound = _signature(signature).bind(*node.args, **{k.arg: k.value for k in node.keywords})
        except TypeError as exc:
            raise self.error(f"{function}(): {exc}", node) from None
        atoms = []
        for param in names:
            value = bound.arguments.get(param)
            atoms.append(self.expr(value) if value is not None else ir.Const(source.to_source(defaults[param])))
        text = f"{function}({', '.join(map(str, atoms))})"
        target = name() if name is not None else self.namer.fresh(role or f"{function}_out")
        params = (("function", function), ("params", ",".join(names)), ("outputs", str(outputs)))
        self.add(ir.Op(target, "call", tuple(atoms), self.line, params, text))
        return ir.Var(target)

    def method(self, node, name, role):
        method = node.func.attr
        if method in INERT_METHODS:
            return self.inert(node, [node.func.value] + node.args, name, role or method)
        function = METHODS.get(method)
        if function is None:
            raise self.error(f"unknown method .{method}(): backgen differentiates the NumPy array "
                             f"methods {', '.join(sorted(METHODS))}", node.func)
        signature = METHOD_SIGNATURES.get(method, SIGNATURES[function])
        inner = _square_operand(self, node.func.value) if method == "sum" else None
        if inner is not None:
            params = _bind_params(signature, [node.func.value] + node.args, node.keywords, "a")
            if params is not None:
                return self.numpy_op("np.sum_square", [inner], node, name, role, params)
        return self.bound_call(function, signature, [node.func.value] + node.args, node.keywords,
                               node, name, role)

    def numpy_call(self, qualified, node, name, role):
        if qualified in INERT or qualified in OPAQUE:
            return self.inert(node, node.args + [k.value for k in node.keywords], name, role,
                              opaque=qualified in OPAQUE)
        if qualified not in SIGNATURES:
            raise self.error(f"{qualified} has no derivative rule in backgen", node.func)
        fused = self.match_fused(qualified, node)
        if fused is not None:
            rule, operand, params = fused
            return self.numpy_op(rule, [operand], node, name, role, params)
        return self.bound_call(qualified, SIGNATURES[qualified], node.args, node.keywords, node, name, role)

    def bound_call(self, function, signature, args, keywords, node, name, role):
        """Bind a call to its signature: operands become args, the rest static params."""
        rule_name = ALIASES.get(function, function)
        rule = NUMPY[rule_name]
        for arg in args:
            if isinstance(arg, ast.Starred):
                raise self.error("starred arguments are not supported", arg)
        try:
            bound = _signature(signature).bind(*args, **{k.arg: k.value for k in keywords})
        except TypeError as exc:
            raise self.error(f"{function}: {exc}", node) from None
        operands, params = [], {}
        for param, value in bound.arguments.items():
            if param in rule.inputs:
                if rule.variadic and isinstance(value, (ast.List, ast.Tuple)):
                    operands.extend(value.elts)
                elif rule.variadic and isinstance(value, tuple):
                    operands.extend(value)
                elif rule_name == "np.stack" and isinstance(value, ast.Name):  # a list built by append
                    rule_name = "np.stack_list"
                    operands.append(value)
                elif rule.variadic:
                    raise self.error(f"{function} needs a list of arrays written out, like [a, b]", value)
                else:
                    operands.append(value)
            else:
                params[param] = value
        return self.numpy_op(rule_name, operands, node, name, role, params)

    def numpy_op(self, rule_name, operands, node, name, role, params=None):
        """An operation whose staged line keeps the user's spelling of ``node``."""
        replaced = {}
        args = []
        for child in operands:
            atom = self.expr(child)
            replaced[id(child)] = atom
            args.append(atom)
        texts = {}
        for key, value in (params or {}).items():
            if isinstance(value, str):  # already source text
                texts[key] = value
                continue
            items = value if isinstance(value, tuple) else (value,)
            atoms = [self.static(item) for item in items]
            replaced.update((id(item), atom) for item, atom in zip(items, atoms))
            if isinstance(value, tuple) and len(atoms) != 1:
                texts[key] = "(" + ", ".join(map(str, atoms)) + ")"
            else:
                texts[key] = str(atoms[0])
        text = self.spell(node, replaced)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(text)
        target = name() if name is not None else self.namer.fresh(role or _hint(rule_name, args))
        self.add(ir.Op(target, rule_name, tuple(args), self.line, tuple(sorted(texts.items())), text))
        return ir.Var(target)

    def static(self, node):
        """A static argument (axis, shape): a constant, or a value carrying no gradient."""
        if isinstance(node, (ast.Tuple, ast.List)) and all(_literal(e) for e in node.elts):
            return ir.Const(source.to_source(node))
        if _literal(node):
            return ir.Const(source.to_source(node))
        return self.expr(node, role="n")

    def inert(self, node, children, name, role, opaque=False, inline=False):
        """A value that carries no gradient: a mask, a shape, a constructor's result.

        ``inline`` keeps it as an expression (a constant atom) instead of a line.
        """
        replaced = {}
        args = []
        children = list(children)
        while any(isinstance(c, (ast.List, ast.Tuple)) for c in children):
            children = [e for c in children for e in (c.elts if isinstance(c, (ast.List, ast.Tuple)) else [c])]
        for child in children:
            if isinstance(child, ast.Slice):
                continue
            atom = self.expr(child) if not _literal(child) else ir.Const(source.to_source(child))
            replaced[id(child)] = atom
            if isinstance(atom, ir.Var):
                args.append(atom)
        text = self.spell(node, replaced)
        if not args or inline:
            return ir.Const(text)
        target = name() if name is not None else self.namer.fresh(role or "t")
        params = (("opaque", repr(bool(opaque))),)
        self.add(ir.Op(target, "inert", tuple(args), self.line, params, text))
        return ir.Var(target)

    def subscript(self, node, name, role):
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr in INERT_ATTRIBUTES:
            return self.inert(node, [value.value] + _index_parts(node.slice), name, role or "n")
        base = self.expr(value)
        index, index_vars = self.index(node, base)
        text = f"{base}[{index}]"
        pieces = _index_parts(node.slice)
        if isinstance(base, ir.Const):
            return ir.Const(text)
        hint = _hint("getitem", [base])
        if len(pieces) == 1 and len(index_vars) == 1 and index == index_vars[0] and len(str(base)) <= 3 \
                and len(index_vars[0]) <= 3:
            hint = f"{base}{index_vars[0]}"  # x[t] -> xt
        target = name() if name is not None else self.namer.fresh(role or hint)
        params = (("index", index), ("index_vars", repr(tuple(index_vars))))
        self.add(ir.Op(target, "getitem", (base,), self.line, params, text))
        return ir.Var(target)

    def index(self, node, base):
        """The staged index of ``node`` (a Subscript) as text, and its parts that may be arrays."""
        value = node.value
        replaced = {id(value): base}
        pieces = _index_parts(node.slice)
        index_vars = []
        for piece in pieces:
            if _literal(piece):
                atom = ir.Const(source.to_source(piece))
            elif isinstance(piece, ast.Call) and self.qualify(piece.func) in INERT:
                atom = self.inert(piece, piece.args, None, None, inline=True)  # np.arange(N) reads best inline
            else:
                atom = self.expr(piece)
            replaced[id(piece)] = atom
            basic = _literal(piece) and isinstance(ast.literal_eval(piece), (int, type(None), type(...)))
            if not basic:
                index_vars.append(str(atom))  # an array index, unless its shape says otherwise
        text = self.spell(ast.Subscript(value, node.slice, ast.Load()), replaced)
        return text[len(str(base)) + 1:-1], index_vars

    def op(self, rule_name, operands, node, name, role, roles=None):
        """An operator or math call, spelled by its rule's template."""
        roles = roles or (None,) * len(operands)
        args = tuple(self.expr(child, role=r) for child, r in zip(operands, roles))
        rule = RULES[rule_name]
        text = render_template(rule, args, self.modules)
        if all(isinstance(a, ir.Const) for a in args):
            return ir.Const(text)
        target = name() if name is not None else self.namer.fresh(role or _hint(rule_name, args))
        self.add(ir.Op(target, rule_name, args, self.line, (), text))
        return ir.Var(target)

    def spell(self, node, replaced):
        """Source of ``node`` with staged children replaced and modules spelled canonically."""
        stager = self

        class Replace(ast.NodeTransformer):
            def visit(self, child):
                if id(child) in replaced:
                    return atom_ast(replaced[id(child)])
                if isinstance(child, ast.Name) and child.id in stager.versions \
                        and stager.versions[child.id] is not None:
                    return atom_ast(stager.versions[child.id])  # a name read again (x * x)
                qualified = stager.qualify(child) if isinstance(child, (ast.Name, ast.Attribute)) else None
                if qualified and isinstance(child, (ast.Name, ast.Attribute)):
                    return source.template(stager.alias(qualified))
                return super().visit(child)

        return source.to_source(Replace().visit(node))

    def flatten_add(self, node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and self.match_sigmoid(node) is None:
            return self.flatten_add(node.left) + [node.right]
        return [node]

    @property
    def sigmoid_rule(self):
        return "np.sigmoid" if self.numpy else "sigmoid"

    def match_sigmoid(self, node):
        """The ``z`` of ``1 / (1 + exp(-z))`` or ``(1 + exp(-z)) ** -1``, else None."""
        if not isinstance(node, ast.BinOp):
            return None
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
        if other.keywords or self.qualify(other.func) not in ("math.exp", "np.exp"):
            return None
        arg = other.args[0]
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub):
            return arg.operand
        return None

    def match_fused(self, qualified, node):
        """``np.sum(np.square(x))`` and ``np.log(np.sum(np.exp(x)))`` as one gate."""
        if qualified == "np.sum" and node.args:
            inner = _square_operand(self, node.args[0])
            if inner is not None:
                params = _bind_params(SIGNATURES["np.sum"], node.args, node.keywords, "a")
                return ("np.sum_square", inner, params) if params is not None else None
        if qualified == "np.log" and len(node.args) == 1 and not node.keywords:
            total = node.args[0]
            if isinstance(total, ast.Call) and self.qualify(total.func) == "np.sum" and total.args:
                exp = total.args[0]
                if isinstance(exp, ast.Call) and self.qualify(exp.func) == "np.exp" and len(exp.args) == 1:
                    params = _bind_params(SIGNATURES["np.sum"], total.args, total.keywords, "a")
                    if params is not None:
                        return "np.logsumexp", exp.args[0], params
        return None


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _same_name(a, b):
    return isinstance(a, ast.Name) and isinstance(b, ast.Name) and a.id == b.id


def _square_operand(stager, node):
    if isinstance(node, ast.Call) and stager.qualify(node.func) == "np.square" and len(node.args) == 1:
        return node.args[0]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _same_name(node.left, node.right):
        return node.left
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and source.number(node.right) == 2:
        return node.left
    return None


def _bind_params(signature, args, keywords, operand):
    try:
        bound = _signature(signature).bind(*args, **{k.arg: k.value for k in keywords})
    except TypeError:
        return None
    return {k: v for k, v in bound.arguments.items() if k != operand}


@functools.lru_cache(maxsize=None)
def _signature(text):
    namespace = {}
    exec(f"def f({text}): pass", namespace)
    return inspect.signature(namespace["f"])


def _literal(node):
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return not isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)) or all(_literal(e) for e in node.elts)


def _index_parts(index):
    """The sub-expressions of an index that must be staged (slice bounds included)."""
    items = index.elts if isinstance(index, ast.Tuple) else [index]
    parts = []
    for item in items:
        if isinstance(item, ast.Slice):
            parts.extend(p for p in (item.lower, item.upper, item.step) if p is not None)
        else:
            parts.append(item)
    return parts


def _spell(meaning):
    """Canonical spelling: 'numpy.exp' -> 'np.exp'."""
    module, _, attr = meaning.partition(".")
    module = MODULE_SPELLING.get(module, module)
    return f"{module}.{attr}" if attr else module


def render_template(rule, args, modules):
    """Source of a template rule applied to ``args``, with the generated code's module names."""
    nodes = [atom_ast(arg) for arg in args]
    if rule.variadic:
        texts = [source.to_source(n) for n in nodes]
        texts = [texts[0]] + [f"({t})" if isinstance(n, ast.BinOp) else t for t, n in zip(texts[1:], nodes[1:])]
        return rule.variadic.join(texts)
    bindings = dict(zip(rule.inputs, nodes))
    bindings.update(module_bindings(modules))
    return source.to_source(source.fill(rule.forward, bindings))


def module_bindings(modules):
    """Rule templates say ``math``/``np``: the names the generated code binds them to."""
    return {canonical: ast.Name(alias, ast.Load()) for canonical, alias in modules.items() if alias != canonical}


def atom_ast(atom):
    """The AST of an atom (its source already uses the generated code's module names)."""
    return ast.Name(atom.name, ast.Load()) if isinstance(atom, ir.Var) else source.template(atom.source)


def _op_symbol(op):
    return {ast.FloorDiv: "//", ast.Mod: "%", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}.get(
        type(op), type(op).__name__)


def _hint(rule_name, args):
    names = [a.name if isinstance(a, ir.Var) else None for a in args]
    short = [n for n in names if n and len(n) <= SHORT]
    first = names[0] if names and names[0] and len(names[0]) <= SHORT else ""
    if rule_name in ("add", "sub", "mul") and len(args) == 2 and all(n and len(n) <= 3 for n in names):
        combined = {"add": "p", "sub": "m", "mul": ""}[rule_name].join(names)
        if len(combined) <= SHORT + 2:
            return combined
    if rule_name == "square" and first:
        return first + "sqr"
    if rule_name in ("pow", "np.power") and isinstance(args[1], ir.Const) and first:
        return first + {"2": "sqr", "3": "cube", "0.5": "sqrt"}.get(str(args[1]), "pow")
    if rule_name in ("sigmoid", "np.sigmoid"):
        return "sig" + first
    if rule_name == "neg":
        return "neg" + first
    if rule_name == "np.transpose":
        return first + "T" if first else "trans"
    if rule_name == "np.matmul" or rule_name == "np.dot":
        return first + "dot" if first else "prod"
    if rule_name == "getitem":
        return "sel"
    if rule_name == "np.sum_square":
        return "sumsq"
    if rule_name in REDUCTION_HINTS:
        return first + rule_name[3:] if first else REDUCTION_HINTS[rule_name]
    if "." in rule_name or rule_name in ("abs", "max", "min"):
        base = rule_name.split(".")[-1].replace("_base", "")
        base = {"maximum": "max", "minimum": "min", "square": "sq", "linalg.norm": "norm"}.get(base, base)
        var = first or next((n for n in short), "")
        return base + var
    return {"add": "s", "sub": "diff", "mul": "prod", "div": "quot", "pow": "pw"}.get(rule_name, "t")
