"""A dict spread into a call of one of the user's functions, as the keyword arguments it gives.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place
(``read_plain(forward, name)``: a helper as its source reads, or None).

A call of one of the user's functions giving it one ``**d`` (picoGPT's ``linear(x, **c_fc)`` with
``def linear(x, w, b)``, ``layer_norm(x, **ln_1)``), ``d`` a name or an item of one (``**block["attn"]``),
the helper taking no ``*args`` nor ``**kwargs``, is the call giving each parameter the call leaves
unfilled the entry of ``d`` Python gives it: ``linear(x, w=c_fc["w"], b=c_fc["b"])``, a parameter with a
default written as a number, a string, a boolean or None ``d.get("eps", 1e-05)`` (its default where ``d``
holds no such key).  Python raises where ``d`` holds other keys too, or lacks one a parameter without
a default needs; the forward has no gradient there.  A helper whose unfilled parameter has another
default (``act=np.tanh``), or a call spreading two dicts, is left as it was (refused as before).
"""

import ast

from .source import defaults_of, walk, tree_copy


def rewrite(forward, read_plain):
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in bound]:
        spread = [k for k in call.keywords if k.arg is None]
        if len(spread) != 1 or not _plain(spread[0].value) or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        filled = _filled(helper.func.args, len(call.args), {k.arg for k in call.keywords if k.arg is not None},
                         spread[0].value)
        if filled is None:
            continue
        at = call.keywords.index(spread[0])
        call.keywords[at:at + 1] = [ast.copy_location(k, spread[0]) for k in filled]
        for node in call.keywords:
            for child in walk(node):
                if not hasattr(child, "lineno"):
                    ast.copy_location(child, spread[0])


def _plain(node):
    """Whether ``node`` is a name or an item of one by constants (``block["attn"]``): read again as it is."""
    while isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        node = node.value
    return isinstance(node, ast.Name)


def _filled(args, given, named, source):
    """The keywords ``**source`` gives the parameters ``args`` the call leaves unfilled (``given`` by place,
    ``named`` by keyword), or None where the helper takes ``*args`` or ``**kwargs``, by place only, or has
    an unfilled parameter whose default is not a constant."""
    if args.vararg or args.kwarg or args.posonlyargs or given > len(args.args):
        return None
    defaults = {arg.arg: node for arg, node in defaults_of(args)}
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    keywords = []
    for param in [a.arg for a in args.args[given:]] + [a.arg for a in args.kwonlyargs]:
        if param in named:
            continue
        default = defaults.get(param)
        key = ast.Constant(param)
        if default is None:
            value = ast.Subscript(tree_copy(source), key, ast.Load())
        elif _constant(default):
            value = ast.Call(ast.Attribute(tree_copy(source), "get", ast.Load()), [key, tree_copy(default)], [])
        else:
            return None
        keywords.append(ast.keyword(param, value))
    return keywords


def _constant(node):
    """Whether a default is a constant written out (``1e-5``, ``-1``, ``"train"``, ``None``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant)
