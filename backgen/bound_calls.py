"""``functools.partial`` bound to a name and only called: the calls written out.

Contract: ``rewrite(forward)`` removes, from ``forward.func`` (in place), each statement ``k =
partial(f, a, ..., name=v, ...)`` (``f`` a name or a dotted name, ``np.clip``) of the function's own body
(not in a loop or a branch) whose target ``k`` is bound nowhere else and read only as the function of
calls, and writes each call ``k(x, ..., name=w, ...)`` as the call of ``f`` it makes: ``f(a, ..., x, ...,
name=v, ..., name=w, ...)``, the call's keywords in place of the partial's of the same name (a kernel with
its hyperparameters bound, ``k = partial(rbf, ell=ell, sf=sf)``, then ``k(X, X)``).  A name the partial
is given that the function binds nowhere after the statement (a parameter it never rebinds, a name bound
before it once) is read again at each call: it holds the object the partial holds (an array written
into after the partial is made, ``V[0] = 5.0``, the partial sees written too); any other value, which
the partial computes or takes as it is made (``a=V * 2.0``; ``a=V`` where ``V`` is bound again after),
is computed there, once, under a name of its own (``a_k = V * 2.0``, ``a_k = V``: the object the
partial holds), which each call reads.  Any other ``partial`` is left as it was, for the refusal of
``functools`` calls.  ``module_partials`` and ``live_partials`` write out so the calls of the partials a
module binds at its top level, read from its text and from its values.
"""

import ast
import functools
import math

from .source import fresh_names, tree_copy, names_of, walk


def rewrite(forward):
    if not any(meaning == "functools" or meaning == "functools.partial" for meaning in forward.env.values()):
        return
    body = forward.func.body
    for place in reversed(range(len(body))):
        statement = body[place]
        bound = _bound(forward, statement)
        if bound is None:
            continue
        name, function, args, keywords = bound
        if not _only_called(forward.func, name, statement):
            continue
        taken = names_of(forward.func) | {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)}
        computed = []  # (a value the partial computes as it is made: computed there, once, under a name of its own)

        def held(value, label):
            if isinstance(value, ast.Constant) or isinstance(value, ast.Name) and _held(forward.func, body, place,
                                                                                          value):
                return value
            fresh = fresh_names(taken, bare=True)(f"{label}_{name}")
            taken.add(fresh)
            computed.append(ast.copy_location(ast.Assign([ast.Name(fresh, ast.Store())], value), statement))
            return ast.Name(fresh, ast.Load())
        args = [held(value, f"arg{k}") for k, value in enumerate(args)]
        keywords = [ast.keyword(k.arg, held(k.value, k.arg)) for k in keywords]
        _written_out(forward.func, name, function, args, keywords)
        body[place:place + 1] = [ast.fix_missing_locations(line) for line in computed]


def _bound(forward, statement):
    """``(k, f, args, keywords)`` of ``k = partial(f, *args, **keywords)``, else None."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and
            isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    func = call.func
    meaning = forward.env.get(func.id) if isinstance(func, ast.Name) else \
        f"{forward.env.get(func.value.id)}.{func.attr}" if isinstance(func, ast.Attribute) and \
        isinstance(func.value, ast.Name) else None
    if meaning != "functools.partial" or not call.args or not _dotted(call.args[0]) or \
            any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    name = statement.targets[0].id
    if name in names_of(call.args[0]):
        return None
    return name, call.args[0], list(call.args[1:]), list(call.keywords)


def _dotted(node):
    """Whether ``node`` is a name or a dotted name (``rbf``, ``np.clip``, ``np.linalg.norm``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _only_called(func, name, statement):
    """Whether ``name`` is bound by ``statement`` alone (by nothing, where it is None) and read only as the
    function of calls, with no ``*`` or ``**`` arguments."""
    called = set()
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                return False
            called.add(id(node.func))
        if isinstance(node, (ast.FunctionDef, ast.Lambda)) and name in {a.arg for a in node.args.args}:
            return False
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return False
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id == name:
            if isinstance(node.ctx, ast.Load) and id(node) not in called:
                return False
            if not isinstance(node.ctx, ast.Load) and (statement is None or node is not statement.targets[0]):
                return False
    return True


def _held(func, body, place, value):
    """Whether the name ``value`` (a partial's argument) is one ``func`` binds nowhere after the statement at
    ``place`` of its ``body`` (and once at most before it), nor adds to in place (``v += 1.0``: a number
    bound anew, which the partial does not see)."""
    names = names_of(value)
    before = {id(node) for statement in body[:place] for node in walk(statement)}
    stores = {}
    for node in walk(func):
        target = node.id if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) else \
            node.arg if isinstance(node, ast.arg) else None
        if target in names:
            if isinstance(node, ast.Name) and id(node) not in before:
                return False  # (bound after the partial, or in its own statement)
            stores[target] = stores.get(target, 0) + 1
        if isinstance(node, (ast.AugAssign, ast.Global, ast.Nonlocal, ast.Lambda)) or \
                isinstance(node, ast.FunctionDef) and node is not func:
            if names & names_of(node):
                return False
    return all(count <= 1 for count in stores.values())


def _written_out(func, name, function, args, keywords):
    """Each call ``name(...)`` in ``func`` written as the call of ``function`` (the expression naming it) the
    partial makes."""
    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if not (isinstance(node.func, ast.Name) and node.func.id == name):
                return node
            given = {k.arg for k in node.keywords}
            made = ast.Call(tree_copy(function),
                            [tree_copy(a) for a in args] + node.args,
                            [tree_copy(k) for k in keywords if k.arg not in given] + node.keywords)
            ast.copy_location(made, node)
            ast.copy_location(made.func, node.func)
            for sub in walk(made):
                if not hasattr(sub, "lineno") and isinstance(sub, (ast.expr, ast.keyword)):
                    ast.copy_location(sub, node)
            return made
    Calls().visit(func)


def module_partials(func, module, env, counts):
    """``func`` (in place) with each call ``k(x, ...)`` of a name its module binds once, at its top level, to
    ``partial(f, a, ..., name=v, ...)`` written as the call of ``f`` the partial makes (``clip =
    partial(np.clip, a_min=-1.0, a_max=1.0)``, then ``clip(z)``: ``np.clip(z, a_min=-1.0, a_max=1.0)``), where
    ``f`` is a name or a dotted name (``np.clip``, ``rbf``) the module binds once, the partial's arguments are
    numbers, strings, tuples of those and names the module binds once, and ``func`` binds none of those
    names and reads ``k`` only as the function of calls without ``*`` or ``**`` arguments: each call then
    reads what the partial holds.  ``env`` is the module's imports (``{"partial": "functools.partial"}``),
    ``counts`` how many times the module binds each name."""
    bound = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)} | {
        n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    for statement in module.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and
                isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call)):
            continue
        call, name = statement.value, statement.targets[0].id
        spelled = call.func
        meaning = env.get(spelled.id) if isinstance(spelled, ast.Name) else \
            f"{env.get(spelled.value.id)}.{spelled.attr}" if isinstance(spelled, ast.Attribute) and \
            isinstance(spelled.value, ast.Name) else None
        if meaning != "functools.partial" or counts.get(name) != 1 or name in bound or not call.args or \
                not _dotted(call.args[0]) or any(isinstance(a, ast.Starred) for a in call.args) or \
                any(k.arg is None for k in call.keywords):
            continue
        values = call.args[1:] + [k.value for k in call.keywords]
        read = names_of(call.args[0]) | {n for value in values for n in names_of(value)}
        if name in read or read & bound or any(counts.get(n, 0) > 1 for n in read) or \
                not all(isinstance(node, _WRITTEN) for value in values for node in walk(value)):
            continue
        if not _only_called(func, name, None):
            continue
        _written_out(func, name, call.args[0], list(call.args[1:]), list(call.keywords))


_WRITTEN = (ast.Name, ast.Constant, ast.Tuple, ast.UnaryOp, ast.USub, ast.UAdd, ast.Load)


def live_partials(func, globals_, counts, spell):
    """``module_partials`` for a live function: each name of its module's ``globals_`` that the module's
    source binds once (``counts``) and that holds a ``functools.partial`` of a function ``spell`` names
    (an expression, or None) with values that are numbers, strings, booleans, None and tuples of those,
    read as that partial's calls where ``func`` reads it only as the function of calls."""
    bound = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)} | {
        n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    read = names_of(func)
    for name, value in sorted(globals_.items()):
        if not isinstance(value, functools.partial) or name not in read or name in bound or \
                counts.get(name) != 1 or not _only_called(func, name, None):
            continue
        function = spell(value.func)
        args = [_written_value(v) for v in value.args]
        keywords = [ast.keyword(k, _written_value(v)) for k, v in value.keywords.items()]
        if function is None or names_of(function) & bound or None in args or \
                any(k.value is None for k in keywords):
            continue
        _written_out(func, name, function, args, keywords)


def _written_value(value):
    """``value`` written out (a number, string, boolean, None or tuple of those), or None."""
    if type(value) is tuple:
        items = [_written_value(v) for v in value]
        return None if None in items else ast.Tuple(items, ast.Load())
    if value is None or type(value) in (int, bool, str) or type(value) is float and math.isfinite(value):
        return ast.Constant(value)
    return None
