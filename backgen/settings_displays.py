"""Dicts of settings a function writes itself and hands to its helpers, and what helpers write into them.

Contract: ``names(func, helpers, written=None) -> frozenset`` of the names ``func`` binds exactly once,
by an assignment of a dict display of string keys to that name alone (the entries of a parameter read
as settings or of another such dict spread into it too: ``{"mode": "train", **ln_param}``), not a parameter,
and uses otherwise only as settings: read at a string key (``d["stride"]``), by ``d.get(...)``,
tested by ``in``, given whole as an argument to a call of one of ``helpers`` (the user's functions),
kept in a layer's cache (``cache = (x, w, b, conv_param)``) or bound to another name used so alone
(the helper's parameter where a helper is written into its caller), one use at least.  With
``written(helper, position, keyword)`` (whether that helper writes into that parameter), not one the
function reads at a key and hands to a helper writing into it: CS231n's batchnorm writes its running
mean into ``bn_param``, a value computed from what may be differentiated, which settings are not.
CS231n's network writes such dicts so::

    conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}
    out, cache = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)

Such a dict is staged as a value that carries no gradient (the stager refuses it where a
differentiated value flows into one of its entries), on a line of its own, and its helpers read it
as settings, as they read one given as a parameter (``stage.config_params``).

A set given as ``read_back`` gets the names left out so.
``keys_written(func, position, keyword, read)`` is the set of string keys a function writes into one of
its parameters (through the functions it hands it to as well), None where it cannot tell;
``param_written`` whether that is any.
"""

import ast
import functools

from .source import walk


def names(func, helpers, written=None, read_back=None):
    """See the module's contract."""
    stores, displays, aliases = {}, {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if _display(node.value):
                displays.setdefault(node.targets[0].id, []).append(node)
            elif isinstance(node.value, ast.Name):
                aliases.setdefault(node.targets[0].id, []).append(node.value.id)
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}

    @functools.cache
    def settings():  # (the parameters read as settings, which a display may spread)
        from .stage import config_params
        return config_params(func)
    found = {name for name, assigns in displays.items()
             if len(assigns) == 1 and stores.get(name) == 1 and name not in params}
    while True:  # (a name bound once to another of them: a helper written into its caller, conv_param2 = conv_param)
        more = {name for name, values in aliases.items() if name not in found and stores.get(name) == 1 and
                name not in params and values[0] in found}
        if not more:
            break
        found |= more
    while found:
        allowed, used = _allowed_uses(func, helpers, found)
        kept = {name for name in found if name in used and all(
            id(node) in allowed for node in walk(func)
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load))}
        kept = {name for name in kept if name in displays or aliases[name][0] in kept}
        kept = {name for name in kept if name not in displays or all(
            spread in kept or spread in settings() for spread in _spread(displays[name][0].value))}
        if kept == found:
            break
        found = kept
    found = {name for name in found if name in displays}
    if written is not None:  # (a key a helper writes, read here after: a value it computed, maybe differentiated)
        back = {name for name in found if _read_by_key(func, name) and _handed_and_written(func, name, written)}
        found -= back
        if read_back is not None:
            read_back |= back
    return frozenset(found)


def _allowed_uses(func, helpers, found):
    """The ids of the reads of ``found`` as settings (see the module's contract; also as the value a
    name of ``found`` is bound to, or an item of a tuple a layer keeps as its cache), and the names read so."""
    allowed = set()
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load) \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            allowed.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                isinstance(node.func.value, ast.Name):
            allowed.add(id(node.func.value))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            allowed.add(id(node.comparators[0]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            allowed.update(id(a) for a in node.args + [k.value for k in node.keywords if k.arg is not None])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in found and isinstance(node.value, ast.Name):
                allowed.add(id(node.value))
            elif isinstance(node.value, ast.Tuple):  # cache = (x, w, b, conv_param)
                allowed.update(id(e) for e in node.value.elts)
            elif node.targets[0].id in found and _display(node.value):  # bn_param = {"axis": 1, **ln_param}
                allowed.update(id(v) for k, v in zip(node.value.keys, node.value.values) if k is None)
    used = {node.id for node in walk(func) if isinstance(node, ast.Name) and id(node) in allowed}
    return allowed, used & found


def _read_by_key(func, name):
    """Whether ``func`` reads (or writes) ``name`` at a key or an attribute."""
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name or \
                isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            return True
    return False


def _handed_and_written(func, name, written):
    """Whether ``func`` hands ``name`` to a helper that writes into that parameter (``written(helper,
    position, keyword)``)."""
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for k, arg in enumerate(node.args):
                if isinstance(arg, ast.Name) and arg.id == name and written(node.func.id, k, None):
                    return True
            for keyword in node.keywords:
                if isinstance(keyword.value, ast.Name) and keyword.value.id == name and \
                        written(node.func.id, None, keyword.arg):
                    return True
    return False


def param_written(func, position, keyword, read):
    """Whether the function ``func`` (an ``ast.FunctionDef``) writes into its parameter at ``position`` (or
    named ``keyword``): ``keys_written`` says some key, or it cannot tell."""
    return keys_written(func, position, keyword, read) != set()


def keys_written(func, position, keyword, read, depth=0):
    """The string keys the function ``func`` writes into its parameter at ``position`` (or named
    ``keyword``) by subscript stores, or through a function ``read(name)`` gives it to (as deep as three
    calls; ``read`` gives False for a name that is none of the user's functions, which writes nothing into
    it); None where it cannot tell (a key computed, an attribute stored, ``update``, a function unread)."""
    params = [a.arg for a in func.args.args]
    param = params[position] if position is not None and position < len(params) else keyword
    if param not in params:
        return None
    keys = set()
    for node in walk(func):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.value, ast.Name) and \
                node.value.id == param and not isinstance(node.ctx, ast.Load):
            if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and
                    isinstance(node.slice.value, str)):
                return None
            keys.add(node.slice.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == param and \
                node.func.attr in ("update", "setdefault", "pop", "popitem", "clear"):
            return None
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            places = [(k, None) for k, a in enumerate(node.args) if isinstance(a, ast.Name) and a.id == param]
            places += [(None, k.arg) for k in node.keywords if isinstance(k.value, ast.Name) and k.value.id == param]
            if not places:
                continue
            inner = read(node.func.id)
            if inner is False:  # (not one of the user's functions: a builtin, len(d), which writes nothing)
                continue
            if inner is None or depth >= 3:
                return None
            for k, kw in places:
                more = keys_written(inner, k, kw, read, depth + 1)
                if more is None:
                    return None
                keys |= more
    return keys


def _display(value):
    """A dict display of string keys, a name spread into it too (``{"mode": "train", **ln_param}``: the
    name's entries, settings themselves, as ``names`` requires)."""
    return isinstance(value, ast.Dict) and bool(value.keys) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) or k is None and isinstance(v, ast.Name)
        for k, v in zip(value.keys, value.values))


def _spread(value):
    """The names spread into the display ``value`` (``**ln_param``)."""
    return [v.id for k, v in zip(value.keys, value.values) if k is None]
