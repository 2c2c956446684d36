"""An array grown by one join per iteration of a loop, as the list of its parts joined once after it.

Contract: ``rewrite(func, env) -> None`` rewrites an ``ast.FunctionDef`` in place (before staging);
``env`` binds the names of its module (``np`` to ``numpy``).

A ``for`` loop whose body (not a branch or a loop inside it; no ``break`` or ``continue`` in it, so that
every run adds as many parts) grows an array by binding it to a join
of itself and one more part, ``xs = np.append(xs, x)`` (a trajectory kept as it is integrated),
``traj = np.vstack([traj, y])``, ``np.concatenate((ts, [t]))``, ``np.append(Y, [y], axis=0)``,
``np.hstack((xs, x))``, every such join of one spelling, and reading the name nowhere else in the
loop (not in a test, nor in the part joined), is written as the list of the parts, joined once
after the loop:

    xs_parts = [np.ravel(xs)]          # np.append without an axis flattens what it joins
    for ...:
        xs_parts.append(np.ravel(x))
    xs = np.concatenate(xs_parts)

Joining the parts one at a time gives what joining them all at once gives (the join along one axis,
each part as that join reads it), a new array either way; the loop then changes no value's shape,
which backgen writes code for.  A loop that runs no iteration leaves the array as it was, where
the list joined gives its parts as the join reads them: without an axis, ``np.append`` flattens
the array, so that form (and ``np.hstack``) is read only where every value the function binds the
name to is a vector (a list written out, ``np.array([...])`` of numbers, ``np.zeros(n)``), and
``np.vstack`` only where each is a matrix (``y0.reshape(1, -1)``, ``np.zeros((1, n))``); joins
along an axis give an array unchanged.
"""

import ast

from .source import fresh_names, module_calls, own_jumps, rewrite_statements, walk, names_of

_JOINS = {"append", "vstack", "hstack", "concatenate", "row_stack"}
_VECTORS = {"zeros", "empty", "ones", "array", "asarray", "arange", "linspace", "atleast_2d"}


def rewrite(func, env):
    """Write each array a loop grows by joins as the list of its parts (see the module doc)."""
    spelled = module_calls(env or {}, "numpy", _JOINS | _VECTORS | {"ravel"})
    if spelled is None or not spelled[1]:
        return
    which, aliases = spelled
    np_name = aliases[0]
    used = names_of(func) | {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    fresh = fresh_names(used, bare=True)
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    enclosed = _enclosed(func)

    def each(stmt):
        if not isinstance(stmt, ast.For) or own_jumps(stmt.body):  # (as many parts in every run)
            return [stmt]
        before, after = [], []
        for name, (kind, axis, joins) in sorted(_grown(stmt, which).items()):
            flat = kind == "append" and axis is None
            least = 1 if flat or kind == "hstack" else 2 if kind in ("vstack", "row_stack") else 0
            if name in enclosed:
                continue  # (a function defined here reads the array as it grows, which the list would not give)
            if least and not _bound_only_to(func, name, which, params, least):
                continue  # (a loop that runs no iteration leaves the array as it was, not joined)
            parts = fresh(f"{name}_parts")
            first = _call(np_name, "ravel", [_load(name)]) if flat else _load(name)
            before.append(ast.Assign([ast.Name(parts, ast.Store())], ast.List([first], ast.Load())))
            for join in joins:
                piece = join.value.args[1] if kind == "append" else _elements(join.value)[1]
                piece = _call(np_name, "ravel", [piece]) if flat else piece
                appended = ast.Expr(ast.Call(ast.Attribute(_load(parts), "append", ast.Load()), [piece], []))
                _replace(stmt, join, ast.copy_location(appended, join))
            joined = "concatenate" if kind in ("append", "concatenate") else kind
            keywords = [] if axis is None else [ast.keyword("axis", axis)]
            after.append(ast.Assign([ast.Name(name, ast.Store())], _call(np_name, joined, [_load(parts)], keywords)))
        if not before:
            return [stmt]
        for node in before + after:
            ast.copy_location(node, stmt)
            for inner in walk(node):
                ast.copy_location(inner, stmt)
        return before + [stmt] + after

    func.body = rewrite_statements(func.body, each)


def _grown(loop, which):
    """``{name: (join, axis node or None, [the statements joining])}`` for the names ``loop`` grows."""
    found, reads = {}, {}
    for stmt in _own_statements(loop.body):
        join = _join_of(stmt, which)
        if join is not None:
            name, kind, axis = join
            entry = found.setdefault(name, (kind, axis, []))
            if (entry[0], ast.dump(entry[1]) if entry[1] is not None else None) != \
                    (kind, ast.dump(axis) if axis is not None else None):
                found[name] = (None, None, [])
            else:
                entry[2].append(stmt)
    if not found:
        return {}
    joined = {id(s) for _, _, stmts in found.values() for s in stmts}
    for node in walk(loop):
        if isinstance(node, ast.Name) and node.id in found:
            reads[node.id] = reads.get(node.id, 0) + 1
    grown = {}
    for name, (kind, axis, stmts) in found.items():
        if kind is None or not stmts:
            continue
        # each join names it twice (bound, and joined): any other mention is a read the list would not give
        if reads.get(name, 0) != 2 * len(stmts) or any(_mentions(_piece(s, kind), name) for s in stmts):
            continue
        if not all(id(s) in joined for s in stmts):
            continue
        grown[name] = (kind, axis, stmts)
    return grown


def _enclosed(func):
    """The names a function or lambda defined in ``func`` mentions (``def last(): return xs[-1]``)."""
    return {n.id for inner in walk(func) if inner is not func and isinstance(inner, (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for n in walk(inner) if isinstance(n, ast.Name)}


def _own_statements(body):
    """The statements of ``body`` itself (not of branches, loops or functions inside: a join in a branch
    adds as many parts as the values decide, for which the array has no one shape)."""
    yield from body


def _join_of(stmt, which):
    """``(name, join, axis)`` where ``stmt`` is ``name = np.<join>(name, part[, axis])`` (or a display of the
    two for the stacks and ``concatenate``); None otherwise."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)):
        return None
    call, name = stmt.value, stmt.targets[0].id
    kind = which(call.func)
    if kind not in _JOINS or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or set(keywords) - {"axis"}:
        return None
    if kind == "append":
        if len(call.args) not in (2, 3) or len(call.args) == 3 and "axis" in keywords:
            return None
        axis = call.args[2] if len(call.args) == 3 else keywords.get("axis")
        first = call.args[0]
    else:
        if len(call.args) != 1 or kind != "concatenate" and keywords:
            return None
        elements = _elements(call)
        if elements is None or len(elements) != 2:
            return None
        axis, first = keywords.get("axis"), elements[0]
    if axis is not None and not (isinstance(axis, ast.Constant) and isinstance(axis.value, int)) and not (
            isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) and isinstance(axis.operand, ast.Constant)):
        return None
    if kind == "concatenate" and axis is None:
        axis = None  # (along the first axis, as written)
    if not (isinstance(first, ast.Name) and first.id == name):
        return None
    return name, kind, axis


def _elements(call):
    value = call.args[0] if call.args else None
    return value.elts if isinstance(value, (ast.Tuple, ast.List)) and not any(
        isinstance(e, ast.Starred) for e in value.elts) else None


def _piece(stmt, kind):
    return stmt.value.args[1] if kind == "append" else _elements(stmt.value)[1]


def _mentions(node, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


def _bound_only_to(func, name, which, params, least):
    """Whether every value ``func`` binds ``name`` to has at least ``least`` axes as written (1: a vector,
    see ``_vector``; 2: a matrix, see ``_matrix``), or is a join of it, the name no parameter and bound by
    nothing but plain assignments."""
    if name in params:
        return False
    for node in walk(func):
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) and \
                node.target.id == name:
            return False
        if isinstance(node, (ast.For, ast.comprehension, ast.With, ast.NamedExpr)) and any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                for n in walk(getattr(node, "target", node))):
            return False
        if isinstance(node, ast.Assign) and any(_mentions(t, name) for t in node.targets
                                                if not isinstance(t, ast.Name)):
            pairs = _paired(node)  # (xs, ys = np.array([x]), np.array([y]): each name its own value)
            if pairs is None or any(_mentions(t, name) and not (isinstance(t, ast.Name) and (
                    _vector(v, which) if least == 1 else _matrix(v, which))) for t, v in pairs):
                return False
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            join = _join_of(node, which)
            if join is None and not (_vector(node.value, which) if least == 1 else _matrix(node.value, which)):
                return False
    return True


def _vector(value, which):
    """Whether ``value`` is a vector as written: a list of numbers (no list in it), ``np.array`` or
    ``np.asarray`` of one, ``np.zeros(n)`` (``empty``, ``ones``) of a size not a tuple, ``np.arange``,
    ``np.linspace``."""
    if isinstance(value, ast.List):
        return not any(isinstance(e, (ast.List, ast.Tuple, ast.Starred)) for e in value.elts)
    if not isinstance(value, ast.Call):
        return False
    kind = which(value.func)
    if kind in ("array", "asarray"):
        return len(value.args) == 1 and _vector(value.args[0], which)
    if kind in ("zeros", "empty", "ones"):
        return len(value.args) >= 1 and not isinstance(value.args[0], (ast.Tuple, ast.List))
    return kind in ("arange", "linspace")


def _paired(node):
    """The (target, value) pairs of ``a, b = u, v`` (one tuple or list target, a display of as many values,
    none starred); None otherwise."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], (ast.Tuple, ast.List)) or \
            not isinstance(node.value, (ast.Tuple, ast.List)) or len(node.targets[0].elts) != len(node.value.elts) \
            or any(isinstance(e, ast.Starred) for e in node.targets[0].elts + node.value.elts):
        return None
    return list(zip(node.targets[0].elts, node.value.elts))


def _matrix(value, which):
    """Whether ``value`` has two axes as written: ``x.reshape(1, -1)`` (two sizes), ``np.zeros((m, n))``
    (``empty``, ``ones``), ``np.array([[...], ...])``, ``np.atleast_2d(x)``."""
    if not isinstance(value, ast.Call):
        return False
    if isinstance(value.func, ast.Attribute) and value.func.attr == "reshape" and len(value.args) == 2 and \
            not any(isinstance(a, ast.Starred) for a in value.args) and which(value.func) is None:
        return True
    kind = which(value.func)
    if kind in ("zeros", "empty", "ones"):
        return bool(value.args) and isinstance(value.args[0], (ast.Tuple, ast.List)) and \
            len(value.args[0].elts) == 2 and not any(isinstance(e, ast.Starred) for e in value.args[0].elts)
    if kind in ("array", "asarray"):
        rows = value.args[0] if value.args else None
        return isinstance(rows, ast.List) and bool(rows.elts) and all(
            isinstance(r, ast.List) and _vector(r, which) for r in rows.elts)
    return kind == "atleast_2d"


def _replace(loop, old, new):
    """Put ``new`` where the statement ``old`` is in ``loop``'s body."""
    loop.body[loop.body.index(old)] = new


def _load(name):
    return ast.Name(name, ast.Load())


def _call(np_name, attr, args, keywords=()):
    return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), attr, ast.Load()), list(args), list(keywords))
