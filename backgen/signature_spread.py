"""Calls spreading a value into one of the user's functions, by the number of parameters it takes.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place (before the
other passes over starred arguments); ``read_plain(forward, name)`` is a helper as its source reads,
or None.

A call ``model(t, *theta)`` of one of the user's functions ``def model(t, a, b, c)`` (curve_fit's
convention for a model and its parameters; an ODE's right-hand side given ``*p``; ``mlp(x, *params)``), the
starred value the last positional argument and a name, or a name's constant item or attribute (which reading
again reads alike), no keyword arguments, is ``model(t, theta[0], theta[1],
theta[2])``: Python spreads exactly as many items as the parameters left take, and raises for any
other number, so the items are those.  A helper taking ``*args`` that it only passes on, whole, to a
function given it (``def rk4(f, y0, t, *args)`` calling ``f(y, t, *args)``, called ``rk4(lv, y0, t,
*theta)``) takes as many items as that function's parameters leave (``def lv(z, t, a, b, c, d)``: 4),
written out alike (then ``varargs`` writes the helper for that many).  A helper with defaults among
those parameters (how many items it takes is then the value's length, which the code does not say),
or taking ``**kwargs`` or keyword-only parameters, is left as it was (refused as before).
"""

import ast

from .source import walk, tree_copy


def _plain(value):
    """Whether reading ``value`` again reads the same thing: a name, or a name's constant item or attribute."""
    while isinstance(value, (ast.Subscript, ast.Attribute)):
        if isinstance(value, ast.Subscript) and not isinstance(value.slice, (ast.Constant, ast.Name)):
            return False
        value = value.value
    return isinstance(value, ast.Name)


def rewrite(forward, read_plain):
    """Write out each such call's starred name as its items (see the module doc)."""
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in bound and n.args
                 and isinstance(n.args[-1], ast.Starred) and _plain(n.args[-1].value)]:
        if call.keywords or any(isinstance(a, ast.Starred) for a in call.args[:-1]):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        args = helper.func.args
        if args.vararg and not (args.kwarg or args.kwonlyargs or args.defaults or args.posonlyargs):
            count = _forwarded_count(forward, call, helper.func, read_plain)  # (rk4(lv, y0, t, *theta))
            if count is None:
                continue
        elif args.vararg or args.kwarg or args.kwonlyargs or args.defaults:
            continue
        else:
            count = len(args.posonlyargs) + len(args.args) - (len(call.args) - 1)
        if count < 1:
            continue
        starred = call.args[-1]
        items = [ast.copy_location(ast.Subscript(tree_copy(starred.value), ast.Constant(k), ast.Load()), starred)
                 for k in range(count)]
        for item in items:
            ast.fix_missing_locations(item)
            for node in walk(item):
                ast.copy_location(node, starred)
        call.args = call.args[:-1] + items


def _forwarded_count(forward, call, helper, read_plain):
    """How many items ``call`` spreads into the ``*args`` of ``helper`` where the helper passes them all on
    to a function it is given (``def rk4(f, y0, t, *args)``, calling ``f(y, t, *args)``), that function one
    of the user's taking a fixed number of parameters (``rk4(lv, y0, t, *theta)`` of ``def lv(z, t, a, b, c,
    d)``: 4, the parameters left): the number every such call of the helper leaves, or None."""
    names = [a.arg for a in helper.args.args]
    star = helper.args.vararg.arg
    given = call.args[:-1]
    if len(given) != len(names):
        return None
    uses = [n for n in walk(helper) if isinstance(n, ast.Name) and n.id == star]
    counts = set()
    for node in walk(helper):
        if not isinstance(node, ast.Call) or not any(isinstance(a, ast.Starred) and isinstance(a.value, ast.Name)
                                                     and a.value.id == star for a in node.args):
            continue
        if node.keywords or not (isinstance(node.args[-1], ast.Starred) and isinstance(node.func, ast.Name)
                                 and node.func.id in names) or \
                any(isinstance(a, ast.Starred) for a in node.args[:-1]):
            return None
        passed = given[names.index(node.func.id)]
        if not (isinstance(passed, ast.Name) and passed.id in forward.helpers):
            return None
        target = read_plain(forward, passed.id)
        if target is None or not isinstance(target.func, ast.FunctionDef):
            return None
        inner = target.func.args
        if inner.vararg or inner.kwarg or inner.kwonlyargs or inner.defaults:
            return None
        counts.add(len(inner.posonlyargs) + len(inner.args) - (len(node.args) - 1))
        uses = [u for u in uses if u is not node.args[-1].value]
    if uses or len(counts) != 1:  # (args read otherwise too: len(args), args[0], passed elsewhere)
        return None
    count = counts.pop()
    return count if count >= 1 else None
