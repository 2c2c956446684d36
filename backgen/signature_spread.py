"""Calls spreading a value into one of the user's functions, by the number of parameters it takes.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place (before the
other passes over starred arguments); ``read_plain(forward, name)`` is a helper as its source reads,
or None.

A call ``model(t, *theta)`` of one of the user's functions ``def model(t, a, b, c)`` (curve_fit's
convention for a model and its parameters; an ODE's right-hand side given ``*p``), the starred value
a name and the last positional argument, no keyword arguments, is ``model(t, theta[0], theta[1],
theta[2])``: Python spreads exactly as many items as the parameters left take, and raises for any
other number, so the items are those.  A helper with defaults among those parameters (how many
items it takes is then the value's length, which the code does not say), or taking ``*args``,
``**kwargs`` or keyword-only parameters, is left as it was (refused as before, or written by
``varargs``).
"""

import ast

from .source import walk


def rewrite(forward, read_plain):
    """Write out each such call's starred name as its items (see the module doc)."""
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in bound and n.args
                 and isinstance(n.args[-1], ast.Starred) and isinstance(n.args[-1].value, ast.Name)]:
        if call.keywords or any(isinstance(a, ast.Starred) for a in call.args[:-1]):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        args = helper.func.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.defaults:
            continue
        count = len(args.posonlyargs) + len(args.args) - (len(call.args) - 1)
        if count < 1:
            continue
        starred = call.args[-1]
        items = [ast.copy_location(ast.Subscript(ast.Name(starred.value.id, ast.Load()), ast.Constant(k),
                                                 ast.Load()), starred) for k in range(count)]
        for item in items:
            ast.fix_missing_locations(item)
            for node in walk(item):
                ast.copy_location(node, starred)
        call.args = call.args[:-1] + items
