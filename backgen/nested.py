"""Functions and imports written inside the forward function, made module-level.

Contract: ``lift(forward) -> {name: Nested}`` rewrites ``forward.func`` in place
and returns the helpers it made, which the caller adds to ``forward.helpers``.

* ``import numpy as np`` / ``from math import sin`` at the top level of the
  body bind their names as the same statements at module level would; the
  statements leave the body.
* A ``def`` at the top level of the body becomes a helper of its own, and so
  does a lambda given a name there (``f = lambda z: ...``, the ``def`` it
  means), or in a loop or branch where nothing else assigns its name; so does
  a ``def`` in a loop or branch that nothing else assigns or defines, its
  defaults constants.  The names it reads from the enclosing function (its closure: parameters and
  locals of the forward) become leading parameters of the helper, and every
  call of it passes them: ``def act(z): return np.tanh(z) * w`` called as
  ``act(h)`` becomes ``act(w, z)`` called as ``act(w, h)``.  Python reads a
  closure's variables when the function is called, and so does the call, so
  the meaning is kept, and gradients flow into the closure's values (``dw``)
  as into any argument.  A helper calling a sibling takes the sibling's
  closure too.  The helper keeps the user's line numbers.
* Refused, with the line: a nested function used other than by calling it,
  one whose name the body also assigns, one calling the function it is in
  (recursion, at the call), ``nonlocal``/``global`` writes (the fence refuses
  those statements), and a nested function defined in a branch or loop under
  a name defined or assigned elsewhere too, or with defaults reading names
  (the fence refuses that ``def``).
* A closure's name the function binds once, at the top of its body, to a
  tuple of numbers written out (``coef = (0.5, 1.5)``), and never otherwise,
  is no parameter: the helper gets that assignment of its own (where the
  name is bound, it holds that tuple; where not, Python raises).
"""

import ast
import functools
from dataclasses import dataclass, field

from .source import fresh_names, module_tree, walk, tree_copy, names_of



@dataclass(frozen=True)
class Nested:
    """A helper lifted out of the forward: its ``def`` (closure parameters first) and its context."""

    func: ast.FunctionDef
    filename: str
    lines: tuple
    env: dict
    helpers: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    closure: tuple = ()
    literals: dict = field(default_factory=dict)  # the module's lists of numbers (parse.Forward's)
    origin: str = ""  # what the helper is where backgen made it, not the user (``step_bodies``)


def _as_def(stmt):
    """``f = lambda a: expr`` at the top level of the body: the ``def f(a): return expr`` it means."""
    if stmt.__class__ is not ast.Assign or stmt.value.__class__ is not ast.Lambda or len(stmt.targets) != 1 \
            or stmt.targets[0].__class__ is not ast.Name:  # (told by class, the value first: most are no lambda)
        return stmt
    body = [ast.copy_location(ast.Return(stmt.value.body), stmt.value.body)]
    func = ast.FunctionDef(stmt.targets[0].id, stmt.value.args, body, [], None, type_params=[])
    return ast.copy_location(func, stmt)


def _lambda_arguments_named(body, func, forward):
    """``body`` with each lambda given as an argument to one of the module's functions, or of the nested
    ones (``simpson(lambda x: math.exp(-x * x / s), a, b)``) made a ``def`` of a fresh name at the top,
    the call given that name: as a nested function, its closure read when it is called."""
    nested = {n.name for stmt in body for n in walk(stmt) if isinstance(n, ast.FunctionDef)}  # (or the function's
    # own: layer(h, W, act=lambda z: ...) of a def layer in the body)
    lambdas = [(call, k, a) for stmt in body if not isinstance(stmt, ast.FunctionDef) for call in walk(stmt)
               if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
               (call.func.id in forward.helpers or call.func.id in nested)
               for k, a in enumerate(call.args + call.keywords) if isinstance(getattr(a, "value", a), ast.Lambda)]
    if not lambdas:
        return list(body)
    fresh = fresh_names(names_of(func) | set(forward.env)
                        | set(forward.helpers) | set(forward.constants) | {func.name}, bare=True)
    defs = []
    for call, k, argument in lambdas:
        value = getattr(argument, "value", argument)
        name = fresh("f")
        body_ = [ast.copy_location(ast.Return(value.body), value.body)]
        defs.append(ast.copy_location(ast.FunctionDef(name, value.args, body_, [], None, type_params=[]), value))
        named = ast.copy_location(ast.Name(name, ast.Load()), value)
        if k < len(call.args):
            call.args[k] = named
        else:
            argument.value = named
    return defs + list(body)


def _lambdas_lifted(body, func):
    """``body`` with each lambda given a name in a loop or branch (``p = lambda k: np.exp(f[k]) / s``
    in a loop), and each ``def`` there, whose name nothing else assigns or defines, made a ``def``
    at the top level: its closure is read when it is called, as the helper's closure parameters
    are (a ``def`` whose defaults read names keeps its place, and the fence refuses it)."""
    if not any(isinstance(stmt, (ast.For, ast.While, ast.If)) for stmt in body):
        return list(body)  # (no loop or branch: no lambda in one)
    stored = [n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)] \
        + [n.name for n in walk(func) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    lifted = []
    inner = [_pulled([stmt], stored, lifted)[0] if isinstance(stmt, (ast.For, ast.While, ast.If)) else stmt
             for stmt in body]
    return lifted + inner


def _pulled(stmts, stored, lifted):
    """``_lambdas_lifted`` of statements in a block: each lambda so named, and each ``def``, whose
    name is once in ``stored`` (every name the function assigns or defines), taken out into
    ``lifted`` as its ``def``."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and stored.count(stmt.targets[0].id) == 1:
            lifted.append(_as_def(stmt))
            continue
        if isinstance(stmt, ast.FunctionDef) and stored.count(stmt.name) == 1 and not stmt.decorator_list \
                and not any(isinstance(n, ast.Name) for d in stmt.args.defaults + stmt.args.kw_defaults
                            if d is not None for n in walk(d)):
            lifted.append(stmt)  # (defaults of constants only: the same whenever the def runs)
            continue
        for field in ("body", "orelse"):
            if isinstance(stmt, (ast.For, ast.While, ast.If)) and getattr(stmt, field):
                setattr(stmt, field, _pulled(getattr(stmt, field), stored, lifted)
                        or [ast.copy_location(ast.Pass(), stmt)])
        out.append(stmt)
    return out


def lift(forward, bind_import):
    """Take the body's imports and nested functions out of ``forward.func`` (see the module doc)."""
    func = forward.func
    body = []
    for stmt in func.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bind_import(stmt, forward.env)
            for alias in stmt.names:  # an import of something backgen does not know: the name is unknown
                local = alias.asname or alias.name.split(".")[0]
                if not forward.env.get(local):
                    forward.env.pop(local, None)
        else:
            body.append(_as_def(stmt))
    module_helpers = set(forward.helpers)
    func.body = _lambdas_lifted(_lambda_arguments_named(body, func, forward), func)
    defs = [stmt for stmt in func.body if isinstance(stmt, ast.FunctionDef)]
    if not defs:
        return {}
    outer = {a.arg for a in _all_args(func)} | stored_names(s for s in func.body if not isinstance(s, ast.FunctionDef))
    seen = set()
    for d in defs:
        if d.name in outer:
            raise forward.error(f"the nested function {d.name}() is also assigned in {func.name}(): "
                                "give it a name of its own", d)
        if d.name in seen:
            raise forward.error(f"the nested function {d.name}() is defined twice in {func.name}(), each call "
                                "meaning the one defined last before it: give each a name of its own", d)
        seen.add(d.name)
    _renamed_apart(forward, defs)
    names = {d.name for d in defs}
    for d in defs:  # one calling the function it is in recurses, as a call of itself does
        own = {a.arg for a in _all_args(d)} | stored_names(d.body) | outer | names
        for node in walk(d):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func.name \
                    and func.name not in own:
                raise forward.error(f"{d.name}() calls {func.name}() back: recursion is not supported", node)
    constants = _constant_tuples(func, outer)
    closure = {d.name: sorted((_free(d) & outer) - names - set(constants)) for d in defs}
    calls = {d.name: {n.func.id for n in walk(d) if isinstance(n, ast.Call)
                      and isinstance(n.func, ast.Name) and n.func.id in names - {d.name}} for d in defs}
    changed = True
    while changed:  # a function calling a sibling passes the sibling's closure along
        changed = False
        for name, callees in calls.items():
            wanted = sorted(set(closure[name]).union(*(closure[c] for c in callees)))
            if wanted != closure[name]:
                closure[name], changed = wanted, True
    for d in defs:
        clash = sorted(set(closure[d.name]) & {a.arg for a in _all_args(d)})
        if clash:
            raise forward.error(f"the nested function {d.name}() has a parameter {clash[0]!r}, a name of "
                                f"{func.name}() that a function it calls reads: give the parameter another name", d)
    lifted = {}
    for d in defs:
        helper = tree_copy(d)
        own = [tree_copy(constants[name]) for name in sorted(_free(d) & set(constants))]
        at = 1 if helper.body and isinstance(helper.body[0], ast.Expr) and isinstance(helper.body[0].value, ast.Constant) \
            and isinstance(helper.body[0].value.value, str) else 0  # (after its docstring)
        helper.body[at:at] = own
        helper.args.args = [ast.copy_location(ast.arg(n), d) for n in closure[d.name]] + helper.args.args
        _pass_closures(helper.body, closure, forward, skip={a.arg for a in _all_args(helper)},
                       passable=module_helpers)
        lifted[d.name] = helper
    func.body = [stmt for stmt in func.body if not isinstance(stmt, ast.FunctionDef)]
    _pass_closures(func.body, closure, forward, passable=module_helpers)
    helpers = dict(forward.helpers)
    result = {}
    for name, helper in lifted.items():
        result[name] = Nested(helper, forward.filename, forward.lines, dict(forward.env), {}, dict(forward.constants),
                              tuple(closure[name]), dict(forward.literals))
    for name, nested in result.items():  # each sees the module's helpers and its siblings
        nested.helpers.update({k: v for k, v in {**helpers, **result}.items() if k != name})
    return result


def _constant_tuples(func, outer):
    """``{name: its assignment}`` for each name of ``outer`` that ``func`` binds once, at the top level
    of its body, to a tuple of numbers written out (``coef = (0.5, 1.5)``), and never otherwise (nor
    as a parameter): a nested function reading it reads that tuple whenever the name is bound, so it
    is given the assignment of its own instead of a closure parameter (its tuple then read, as the
    function's, where it reads numbers)."""
    stores = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            stores.update((name, 2) for name in node.names)
    params = {a.arg for a in _all_args(func)}
    found = {}
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Tuple) and _numbers(stmt.value):
            name = stmt.targets[0].id
            if name in outer and name not in params and stores.get(name) == 1:
                found[name] = stmt
    return found


def _numbers(node):
    """Whether ``node`` is a tuple (of tuples) of numbers written out, ``-1.5`` too."""
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_numbers(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _renamed_apart(forward, defs):
    """Nested functions whose names mean something else outside ``forward.func`` (a builtin or
    an imported function, ``def abs(u)``; a function of the module; one nested in another of the
    module's functions), renamed ``outer_name`` with the calls of them: each becomes a helper of
    the generated module, where one name holds one function."""
    func = forward.func
    elsewhere = _nested_in_module(forward.lines, func.name)
    clashing = {d.name for d in defs if d.name in forward.env or d.name in forward.helpers or d.name == func.name
                or d.name in forward.constants or d.name in elsewhere}
    if not clashing:
        return
    fresh = fresh_names(names_of(func) | set(forward.env)
                        | set(forward.helpers) | set(forward.constants) | elsewhere | {d.name for d in defs}, bare=True)
    new = {name: fresh(f"{func.name}_{name}") for name in sorted(clashing)}
    for d in defs:
        d.name = new.get(d.name, d.name)
    for stmt in func.body:
        _rename(stmt, new)


def _rename(node, new):
    """Each read of a name of ``new`` in ``node`` renamed, but in functions binding the name anew
    (a parameter of theirs, a function nested in them, a name they assign): there it means theirs."""
    if isinstance(node, ast.Name):
        node.id = new.get(node.id, node.id)
        return
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        own = {a.arg for a in _all_args(node)}
        if isinstance(node, ast.FunctionDef):
            own |= stored_names(node.body) | {n.name for s in node.body for n in walk(s)
                                             if isinstance(n, ast.FunctionDef)}
        new = {k: v for k, v in new.items() if k not in own}
        if not new:
            return
    for child in ast.iter_child_nodes(node):
        _rename(child, new)


@functools.lru_cache(maxsize=64)
def _nested_in_module(lines, name):
    """The names of functions defined inside the module's functions other than ``name`` (``lines``:
    the module's source); empty where the lines are not a module that parses."""
    module = module_tree(lines)
    if module is None:
        return frozenset()
    found = set()
    for top in walk(module):
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) and top.name != name:
            for node in walk(top):
                if node is not top and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found.add(node.name)
                elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
                    found.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(found)


def _all_args(func):
    args = func.args
    return args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]


def stored_names(stmts):
    """The names ``stmts`` assign anywhere in them."""
    return {n.id for s in stmts for n in walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _free(func):
    """Names ``func`` reads that are not its own (parameters and names it assigns)."""
    own = {a.arg for a in _all_args(func)} | stored_names(func.body)
    return {n.id for s in func.body for n in walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - own


def _pass_closures(stmts, closure, forward, skip=(), passable=()):
    """Calls of the nested functions get their closure's values as leading arguments; a nested
    function given to one of the module's functions ``passable`` (``simpson(f, a, b)``) is left to
    ``higher_order``, which writes that function for it, its closure passed along (and refuses
    it, as here, where it cannot); any other use of a nested function's name is refused."""
    called = set()
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in closure \
                    and node.func.id not in skip:
                node.args = [ast.copy_location(ast.Name(n, ast.Load()), node) for n in closure[node.func.id]] \
                    + node.args
                called.add(id(node.func))
                called.update(id(a) for a in node.args + [k.value for k in node.keywords]  # (a nested function
                              if isinstance(a, ast.Name) and a.id in closure)  # given to one: ``higher_order``)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in passable \
                    and node.func.id not in closure and node.func.id not in skip:
                called.update(id(a) for a in node.args + [k.value for k in node.keywords]
                              if isinstance(a, ast.Name) and a.id in closure)
    for stmt in stmts:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and node.id in closure and node.id not in skip and id(node) not in called:
                raise forward.error(f"the nested function {node.id}() is used here other than by calling it, "
                                    "which backgen does not follow: call it, or define it at module level", node)
