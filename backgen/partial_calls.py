"""``functools.partial`` of one of the user's functions, as the lambda it stands for.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place (before nested
functions and lambdas are lifted, which makes the lambda a function of its own where it is passed to a
helper or named); ``read_plain(forward, name)`` is a helper as its source reads, or None.

``partial(rhs, a=a, b=b)`` of ``def rhs(y, t, a, b)`` (an ODE's right-hand side given its parameters,
handed to an integrator, or named and handed on) is ``lambda y, t: rhs(y, t, a=a, b=b)``; one bound to
a name in the function's own body and only called is left to ``bound_calls``, which writes its calls; ``partial(g, x)`` of ``def g(x, y)`` is
``lambda y: g(x, y)``: the parameters the partial leaves, in order (under fresh names where the function
uses theirs, so that none hides a value passed on), each passed on by position (a parameter after one
given by keyword, by keyword, as the partial's call would be written).  A partial
reads the values it binds as it is made, a lambda as it is called: so only values that are numbers
written out, or names the function binds once, by a statement of its own body (not in a loop, which
may bind it again before the lambda is called), or parameters it never binds, which are the same then; and only of a helper without ``*args``, ``**kwargs``, keyword-only parameters or defaults among
those left, no starred or ``**`` argument given.  Others are left as they are (refused).
"""

import ast

from .source import fresh_names, module_calls, names_of, put_in, walk


def rewrite(forward, read_plain):
    """Write each such partial as its lambda (see the module doc)."""
    spelled = module_calls(forward.env, "functools", {"partial"})
    if spelled is None:
        return
    which, _ = spelled
    calls = [n for n in walk(forward.func) if isinstance(n, ast.Call) and which(n.func) == "partial"]
    if not calls:
        return
    bindings = {}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bindings[node.id] = bindings.get(node.id, 0) + 1
    params = {a.arg for a in forward.func.args.posonlyargs + forward.func.args.args + forward.func.args.kwonlyargs}
    once = {n.id for stmt in forward.func.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))  # (bound by a
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])  # statement that
            for n in walk(target) if isinstance(n, ast.Name)}  # runs once: not in a loop)
    bindings = {name: count if name in once or name in params else count + 1 for name, count in bindings.items()}
    called_only = _called_only(forward.func)
    for call in calls:
        if id(call) in called_only:  # (k = partial(rbf, ell=ell), then only k(X, X): ``bound_calls``'s)
            continue
        lam = _as_lambda(forward, call, read_plain, bindings, params)
        if lam is not None:
            _replace(forward.func, call, lam)


def _as_lambda(forward, call, read_plain, bindings, params):
    if not call.args or not isinstance(call.args[0], ast.Name) or call.args[0].id not in forward.helpers or \
            bindings.get(call.args[0].id) or any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return None
    helper = read_plain(forward, call.args[0].id)
    if helper is None or not isinstance(helper.func, ast.FunctionDef):
        return None
    args = helper.func.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    names = [a.arg for a in args.args]
    given, keywords = call.args[1:], {k.arg: k.value for k in call.keywords}
    if len(given) > len(names) or set(keywords) - set(names[len(given):]):
        return None
    for value in list(given) + list(keywords.values()):
        if not _fixed(value, bindings, params):
            return None
    left = [n for n in names[len(given):] if n not in keywords]
    defaults = dict(zip(names[len(names) - len(args.defaults):], args.defaults)) if args.defaults else {}
    if any(n in defaults for n in left):
        return None
    taken = names_of(forward.func) | set(forward.helpers) | set(params)
    fresh = fresh_names(taken, bare=True)  # (partial(rhs, a=y) of def rhs(y, a): the lambda's own names, which
    own = {name: fresh(name) for name in left}  # hide no value passed on)
    positional, by_keyword = list(given), []
    keyword_now = False
    for name in names[len(given):]:
        if name in keywords:
            keyword_now = True
            by_keyword.append(ast.keyword(name, keywords[name]))
        elif keyword_now:
            by_keyword.append(ast.keyword(name, ast.Name(own[name], ast.Load())))
        else:
            positional.append(ast.Name(own[name], ast.Load()))
    body = ast.Call(ast.Name(call.args[0].id, ast.Load()), positional, by_keyword)
    lam = ast.Lambda(ast.arguments(posonlyargs=[], args=[ast.arg(own[n]) for n in left], vararg=None,
                                   kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]), body)
    for node in walk(lam):
        if getattr(node, "lineno", None) is None:
            ast.copy_location(node, call)
    return lam


def _called_only(func):
    """The ids of the calls bound by a statement of the function's own body to a name read only by calling
    it (``k = partial(f, a=a)``, then ``k(x)``), which ``bound_calls`` writes out."""
    found = set()
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                isinstance(stmt.value, ast.Call):
            name = stmt.targets[0].id
            calls = {id(n.func) for n in walk(func) if isinstance(n, ast.Call)}
            reads = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
            if all(id(n) in calls for n in reads):
                found.add(id(stmt.value))
    return found


def _fixed(value, bindings, params):
    """Whether ``value`` is the same as a partial makes it and as its lambda is called: a number or string
    written out, or a name the function binds at most once (a parameter it never binds)."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return True
    if isinstance(value, ast.Name):
        return bindings.get(value.id, 0) == 0 if value.id in params else bindings.get(value.id, 0) <= 1
    return False


def _replace(func, old, new):
    for node in walk(func):
        if put_in(node, old, new):
            return
