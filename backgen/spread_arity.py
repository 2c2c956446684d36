"""A value spread into the last parameters of one of the user's functions, written out item by item.

Contract: ``rewrite(forward, read_plain)`` rewrites ``forward.func`` in place: a call of one of the
user's helpers (``read_plain(forward, name)``: the helper as its source reads, or None) whose last
positional argument spreads a value (``mlp(x, *params)``), with no keyword arguments, where the helper
takes only plain parameters and none of them has a default, passes the items that value must hold
to fill the parameters left: ``mlp(x, params[0], params[1], params[2], params[3])`` for ``def mlp(x,
W1, b1, W2, b2)``.  Python spreads exactly those items (a value of another length raises there, and
has no gradient to take).  The value spread is a name, or a name's item or attribute, which reading
again reads alike; other calls are left as they were (refused at the call, as before).
"""

import ast

from .source import walk


def _plain(value):
    """Whether reading ``value`` again reads the same thing: a name, or a name's constant item or attribute."""
    while isinstance(value, (ast.Subscript, ast.Attribute)):
        if isinstance(value, ast.Subscript) and not isinstance(value.slice, (ast.Constant, ast.Name)):
            return False
        value = value.value
    return isinstance(value, ast.Name)


def rewrite(forward, read_plain):
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in bound]:
        if not call.args or call.keywords or not isinstance(call.args[-1], ast.Starred) or \
                any(isinstance(a, ast.Starred) for a in call.args[:-1]) or not _plain(call.args[-1].value):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        args = helper.func.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults:
            continue
        left = len(args.args) - (len(call.args) - 1)
        if left < 1:
            continue
        spread = call.args[-1]
        items = [ast.copy_location(ast.Subscript(_copied(spread.value), ast.Constant(k), ast.Load()), spread)
                 for k in range(left)]
        for item in items:
            for node in ast.walk(item):
                ast.copy_location(node, spread)
        call.args = call.args[:-1] + items


def _copied(value):
    import copy  # noqa: PLC0415

    return copy.deepcopy(value)
