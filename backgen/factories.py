"""A function made by a factory of the user's (a closure returned), called as the helper it is.

Contract: ``rewrite(forward, read_plain)`` rewrites ``forward.func`` in place and adds to
``forward.helpers`` the helpers it writes (``read_plain(forward, name)``: a helper as its source
reads, or None).

A statement of the body (not of a block) ``k = make_kernel(ls)`` is rewritten where:

* ``make_kernel`` is one of the user's functions whose body (its docstring aside) is a ``def``
  and ``return`` of that function's name, neither taking ``*args``, ``**kwargs`` or keyword-only
  parameters, the inner one's parameters not named as the factory's;
* ``k`` is bound there only, and read only by calling it (``k(x, x)``).

The inner function becomes a helper of its own (``make_kernel_kernel``), taking the factory's
parameters first, as ``nested`` makes a closure's, and each call ``k(a, b)`` calls it with the
values the factory was given: ``make_kernel_kernel(ls, a, b)``.  A closure reads the values its
factory was called with, so where an argument is not a constant or a name the function never
binds again, it is given a name first at the factory's call (``k_ls = 2.0 * s``), the same
object, read by each call.  Anything else is left as it was (and refused as before).
"""

import ast

from .nested import Nested
from .source import bound_arguments, fresh_names, parents as node_parents, walk, tree_copy, names_of


def rewrite(forward, read_plain):
    func = forward.func
    if not forward.helpers:
        return
    stores = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    params = {a.arg for a in func.args.args + func.args.posonlyargs + func.args.kwonlyargs}
    calls = {}  # the name bound to a factory's function -> the ast.Call nodes calling it
    parents = node_parents(func)
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            parent = parents.get(node)
            calls.setdefault(node.id, []).append(parent if isinstance(parent, ast.Call) and parent.func is node
                                                 else None)
    used = names_of(func) | params | set(forward.helpers)
    body = []
    for stmt in func.body:
        made = _made(forward, stmt, stores, params, calls, read_plain)
        if made is None:
            body.append(stmt)
            continue
        name, helper, inner, bound = made
        new = tree_copy(inner)
        new.name = fresh_names(used)(f"{stmt.value.func.id}_{inner.name}")
        new.args.args = [ast.copy_location(ast.arg(p), inner) for p in bound] + new.args.args
        forward.helpers[new.name] = Nested(new, helper.filename, helper.lines, dict(helper.env),
                                           dict(helper.helpers), dict(helper.constants),
                                           literals=dict(getattr(helper, "literals", {})))
        values = []
        for param, value in bound.items():
            if isinstance(value, ast.Constant) or isinstance(value, ast.Name) and \
                    stores.get(value.id, 0) == 0 and value.id not in forward.helpers:
                values.append(value)  # (a parameter never bound again, or a constant: the value itself)
                continue
            fresh = fresh_names(used)(f"{name}_{param}")
            body.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(fresh, ast.Store()), stmt)],
                                                     value), stmt))
            values.append(ast.copy_location(ast.Name(fresh, ast.Load()), value))
        for call in calls[name]:
            call.func = ast.copy_location(ast.Name(new.name, ast.Load()), call.func)
            call.args = [tree_copy(v) for v in values] + call.args
    if len(body) != len(func.body) or any(a is not b for a, b in zip(body, func.body)):
        func.body = body or [ast.copy_location(ast.Pass(), func)]


def _made(forward, stmt, stores, params, calls, read_plain):
    """``(name, factory, inner def, {factory parameter: value})`` where ``stmt`` binds a name to a
    factory's function as the module doc says, else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)):
        return None
    name, call = stmt.targets[0].id, stmt.value
    if call.func.id not in forward.helpers or call.func.id in params or stores.get(call.func.id) or \
            stores.get(name) != 1 or name in params or not calls.get(name) or None in calls[name]:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    helper = read_plain(forward, call.func.id)
    if helper is None or not isinstance(helper.func, ast.FunctionDef) or _special(helper.func.args):
        return None
    own = [s for s in helper.func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(own) != 2 or not isinstance(own[0], ast.FunctionDef) or not isinstance(own[1], ast.Return) or \
            not isinstance(own[1].value, ast.Name) or own[1].value.id != own[0].name:
        return None
    inner, names = own[0], [a.arg for a in helper.func.args.args]
    if _special(inner.args) or inner.decorator_list or {a.arg for a in inner.args.args} & set(names) or \
            any(isinstance(n, (ast.Nonlocal, ast.Global)) for n in walk(inner)):
        return None
    bound = bound_arguments(call, helper.func, lambda default: isinstance(default, ast.Constant))
    if bound is None:
        return None
    defaults = {id(default) for default in helper.func.args.defaults}  # (copied: the helper keeps its own)
    return name, helper, inner, {p: tree_copy(a) if id(a) in defaults else a for p, a in bound.items()}


def _special(args):
    return bool(args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs)
