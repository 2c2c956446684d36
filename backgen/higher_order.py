"""Helpers passed a function as an argument, each written for the function it is passed.

Contract: ``specialize(forward)`` rewrites ``forward.func`` in place and adds to
``forward.helpers`` the helpers it writes.  A call of one of the user's
functions passing a function by its name (another of the user's functions, or
a NumPy, math or builtin one: ``apply(np.tanh, x)``, ``layer(x, W, relu)``) calls,
instead, a copy of the helper written for that function (``apply_tanh(x)``):
the parameter leaves its signature, and where the helper calls it (``g(z)``)
it calls the function itself (``np.tanh(z)``).  A helper that binds the
parameter again (``softmax = softmax(scores)``) reads it as the function up to
and in the value of the first top-level assignment binding it; the name is then
renamed apart (``softmax_1``), an array like any other.  The copy keeps the
helper's lines, so errors point at the user's code, and is read as any helper
is (a function it passes on is written in turn).

Left as it was (the call then refused as before, the function named as a
value): a parameter the helper reads otherwise than by calling it or passing
it to another of the user's functions, one it binds first in a branch or a
loop, a function a name of the helper's would hide, and a helper taking
``*args``, ``**kwargs`` or keyword-only parameters.
"""

import ast
import dataclasses
import types

from .nested import Nested
from .source import fresh_names, walk, tree_copy, names_of


_BUILTINS = frozenset({"abs", "max", "min", "pow", "sum", "round"})  # (those backgen differentiates)


def specialize(forward, read_plain):
    """Rewrite the calls of ``forward`` passing functions (``read_plain(forward, name)``: a helper as
    its source reads, or None)."""
    locals_ = _bound(forward.func) | {a.arg for a in forward.func.args.args}
    written = {}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in locals_]:
        passed = [(k, a) for k, a in enumerate(call.args) if _function(forward, a, locals_)]
        passed += [(k.arg, k.value) for k in call.keywords if k.arg and _function(forward, k.value, locals_)]
        if not passed:
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        params = [a.arg for a in helper.func.args.args]
        args = helper.func.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            continue
        given = {(params[k] if isinstance(k, int) and k < len(params) else k): ast.unparse(a) for k, a in passed}
        called = forward.helpers[call.func.id]
        if not set(given) <= set(params) or any(not _same(forward, helper, called, t) for t in given.values()):
            continue
        key = (call.func.id, tuple(sorted(given.items())))
        closure = [n for t in dict.fromkeys(given.values()) for n in _closure(forward, t)]
        if key not in written:
            func = _written_for(helper.func, given)
            if func is None:
                continue
            inner = _closure_passed(func, given, forward, closure)
            taken = set(forward.helpers) | locals_ | names_of(forward.func)
            func.name = fresh_names(taken)("_".join([call.func.id] + [t.rsplit(".", 1)[-1].strip("_") or "f"
                                                                      for t in given.values()]))
            helpers = dict(helper.helpers)  # (a live helper's: those it calls, the function now too)
            helpers.update({t: forward.helpers[t] for t in given.values() if t in forward.helpers})
            helpers.update({t: dataclasses.replace(helpers[t], closure=tuple(inner[n] for n in helpers[t].closure))
                            for t in given.values() if _closure(forward, t)})  # (as func names them)
            env = {**{t.split(".")[0]: forward.env[t.split(".")[0]] for t in given.values() if "." in t},
                   **helper.env}  # (a live helper's: the names it reads, the function's module now too)
            forward.helpers[func.name] = Nested(func, helper.filename, helper.lines, env, helpers,
                                                dict(helper.constants), literals=dict(getattr(helper, "literals", {})))
            written[key] = func.name
        call.func = ast.copy_location(ast.Name(written[key], ast.Load()), call.func)
        call.args = [ast.copy_location(ast.Name(n, ast.Load()), call) for n in closure] + \
            [a for k, a in enumerate(call.args) if k >= len(params) or params[k] not in given]
        call.keywords = [k for k in call.keywords if k.arg not in given]
    nested = {name for name, value in forward.helpers.items() if isinstance(value, Nested)} - locals_
    if nested:  # a nested function given to a function not written for it (nested.lift leaves those given)
        called = {id(n.func) for n in walk(forward.func) if isinstance(n, ast.Call)}
        for node in walk(forward.func):
            if isinstance(node, ast.Name) and node.id in nested and id(node) not in called:
                raise forward.error(f"the nested function {node.id}() is used here other than by calling it, "
                                    "which backgen does not follow: call it, or define it at module level", node)


def _closure(forward, text):
    """The closure parameters of the function ``text`` names, where it is nested in the caller."""
    nested = forward.helpers.get(text)
    return list(nested.closure) if isinstance(nested, Nested) else []


def _closure_passed(func, given, forward, closure):
    """The closures of the nested functions ``given`` to ``func`` (``closure``: their parameters in
    order) made its leading parameters, renamed apart from ``func``'s names (``a`` of ``trap(f, a,
    b)``: ``a1``), and each call of such a function passing them first: ``{closure name: its name in
    func}``.  A function ``func`` passes on takes them where that is written in turn (its closure
    named as in ``func``)."""
    used = names_of(func) | {a.arg for a in func.args.args}
    fresh = fresh_names(set(used) | set(closure), bare=True)
    inner = {n: n if n not in used else fresh(n) for n in closure}
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in given.values():
            node.args = [ast.copy_location(ast.Name(inner[n], ast.Load()), node)
                         for n in _closure(forward, node.func.id)] + node.args
    func.args.args = [ast.copy_location(ast.arg(inner[n]), func) for n in closure] + func.args.args
    return inner


def _function(forward, node, locals_):
    """Whether ``node`` names a function: one of the user's, of NumPy or math (``np.tanh``), or a builtin."""
    if isinstance(node, ast.Name):
        return node.id not in locals_ and (node.id in forward.helpers or node.id in _BUILTINS and
                                           forward.env.get(node.id) in (None, node.id))
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return bool(parts) and isinstance(node, ast.Name) and node.id not in locals_ and \
        forward.env.get(node.id) in ("numpy", "math")


def _same(forward, helper, called, text):
    """Whether the function ``text`` names means in the helper's module (``called``: the helper as the
    caller holds it) what it means in the caller's."""
    root = text.split(".", 1)[0]
    if "." not in text and isinstance(forward.helpers.get(root), Nested):  # nested in the caller: a name the
        if getattr(helper.helpers.get(root), "func", None) is forward.helpers[root].func and root not in helper.env:
            return True  # (a helper nested in the caller too: its sibling, the very function)
        return root not in helper.helpers and root not in helper.env and not (  # helper's module gives nothing
            isinstance(called, types.FunctionType) and root in called.__globals__)
    if "." in text:
        theirs = helper.env.get(root)
        if theirs is None and isinstance(called, types.FunctionType):  # (a live helper not reading it)
            theirs = getattr(called.__globals__.get(root), "__name__", None)
        return theirs is not None and theirs == forward.env.get(root)
    mine, theirs = forward.helpers.get(root), helper.helpers.get(root)
    if theirs is None and isinstance(called, types.FunctionType) and root not in helper.env:
        theirs = called.__globals__.get(root)  # (a live helper: the names of its module)
    if mine is None and theirs is None:  # (a builtin: neither module binds its name)
        return root in _BUILTINS and helper.env.get(root) in (None, root) and forward.env.get(root) in (None, root)
    if isinstance(mine, tuple) and isinstance(theirs, tuple):
        return mine == theirs
    return mine is not None and mine is theirs


def _written_for(func, given):
    """A copy of ``func`` with each parameter of ``given`` ({param: function's text}) replaced by its
    function (all at once: ``part(min, ..., max)`` of ``def part(max, ..., min)``), or None where one
    is read otherwise than called or passed on."""
    func = tree_copy(func)
    hiding = (_bound(func) | {a.arg for a in func.args.args}) - set(given)
    used = names_of(func) | {t.split(".", 1)[0] for t in given.values()}
    functions, renamed = {}, {}
    for param, text in given.items():
        if text.split(".", 1)[0] in hiding:
            return None  # (a name of the helper's hides the function)
        body = func.body
        first = next((k for k, stmt in enumerate(body) if param in _bound(stmt)), None)
        if first is not None and not (isinstance(body[first], ast.Assign) and
                                      all(isinstance(t, ast.Name) for t in body[first].targets)):
            return None  # (bound first in a block, or by op=, unpacking, a loop)
        as_function = [n for stmt in body[:first] for n in walk(stmt)]
        if first is not None:
            as_function += list(walk(body[first].value))
        reads = [n for n in as_function if isinstance(n, ast.Name) and n.id == param]
        calls = {id(n.func) for n in as_function if isinstance(n, ast.Call)}
        passed = {id(a) for n in as_function if isinstance(n, ast.Call) for a in n.args}
        if any(id(n) not in calls and id(n) not in passed for n in reads):
            return None
        function = ast.parse(text, mode="eval").body
        functions.update({id(n): function for n in reads})
        renamed[param] = fresh_names(used)(param)

    class Replace(ast.NodeTransformer):
        def visit_Name(self, node):
            if id(node) in functions:
                return ast.copy_location(tree_copy(functions[id(node)]), node)
            if node.id in renamed:
                node.id = renamed[node.id]
            return node
    func.body = [Replace().visit(stmt) for stmt in func.body]
    ast.fix_missing_locations(func)
    for param in given:
        index = [a.arg for a in func.args.args].index(param)
        defaults = len(func.args.args) - len(func.args.defaults)
        if index >= defaults:
            del func.args.defaults[index - defaults]
        del func.args.args[index]
    return func


def _bound(node):
    """The names a statement (or function) binds."""
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
