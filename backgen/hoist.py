"""Calls of a helper inside an expression, given statements of their own first.

Contract: ``hoisted(func, name) -> FunctionDef``.  ``inline`` writes out a helper
only where its call is a whole statement's value (``y = g(h)``); a call inside
an expression (``c = g(x, g(w, a))``, ``if np.sum(g(v)) < 0:``,
``hs.append(g(X))``, ``for r in g(X):``) is first bound to a name of its own in
a statement just before (``g_out = g(w, a)``), and the name read in its place.
That keeps NumPy's meaning where the call is evaluated on every run of the
statement (not a branch of ``a if t else b``, a later operand of ``and``/``or``
or of a chained comparison, a comprehension or a lambda); the parts Python
evaluates before it that read more than a name, a number or an attribute of
one (``X[0]`` of ``X[0] + g(X)``, which a write by ``g`` would change) are each
bound to a name first, in that order, as Python holds them while it evaluates
the call (a starred argument, a slice or a method of such a part: the call is
left alone).  The value of an ``if`` test and a ``for`` iterable is evaluated
once, before the block: a call there is moved before the statement; a
``while`` test, read again at each iteration, is left alone, and so is
``x[i] += g(x)``, which reads ``x[i]`` first (but not ``x[i] += g(-1.7)``: a call given numbers alone
cannot change ``x``).  A call in the index of the array a statement writes
into (``u[g()] = v``, ``u`` a name) is moved too, after the value assigned (bound to a name first where
it reads more than a name, as Python evaluates it before the index).  Calls left alone keep ``inline``
refusing as before.  Each new name is recorded in the function's
``written_out`` (what it stands for).
"""

import ast

from .source import fresh_names, rewrite_statements, names_of, walk

_CONDITIONAL = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def hoisted(func, name):
    """``func`` (changed in place, and returned) with each call of ``name`` inside an expression that
    runs whenever its statement does bound to a name of its own in a statement before its statement
    (with the parts evaluated before it, each to a name)."""
    used = fresh_names(names_of(func) |
                       {a.arg for a in walk(func) if isinstance(a, ast.arg)}, bare=True)
    written_out = getattr(func, "written_out", None)
    if written_out is None:
        written_out = func.written_out = {}

    def each(stmt):  # (its blocks done first)
        out = []
        for holder, field in _evaluated_first(stmt):
            while True:
                found = _movable(getattr(holder, field), name)
                if found is None or found[0] is getattr(holder, field) and holder is stmt and \
                        not isinstance(stmt, (ast.If, ast.For)) and not _written_part(stmt):
                    break  # (none, or the statement's whole value: inline writes that out itself)
                call, before = found
                if _reads_first(stmt, call):
                    break
                for node in before + [call]:  # (in the order Python evaluates them)
                    out.append(_bound(stmt, holder, field, node, node is call, name, used, written_out))
        out.extend(_target_index_moved(stmt, name, used, written_out))
        out.append(stmt)
        return out

    func.body = rewrite_statements(func.body, each)
    return func


def _target_index_moved(stmt, name, used, written_out):
    """The statements binding a call of ``name`` in the index of the array ``stmt`` writes into
    (``u[g()] = v``, ``u[g(k)] += v``, ``u`` a name) to a name of its own (the index then reads it), after
    what Python evaluates before that call: the value assigned (``u[g()] = x @ W`` evaluates ``x @ W``
    first: bound to a name first where it reads more than a name) and the parts of the index before
    it; none where the call is not there or runs only on some evaluations of the index."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt
    elif isinstance(stmt, ast.AugAssign):
        target, value = stmt.target, None  # (x[i] += v: the index is evaluated before v)
    else:
        return []
    if not isinstance(target, ast.Subscript) or not _inert(target.value):
        return []
    found = _movable(target.slice, name)
    if found is None or any(isinstance(part, (ast.Starred, ast.Slice)) for part in found[1]):
        return []
    call, before = found
    holders = ([(value, "value", value.value)] if value is not None and not _inert(value.value) else []) + \
        [(target, "slice", part) for part in before] + [(target, "slice", call)]
    return [_bound(stmt, holder, field, node, node is call, name, used, written_out) for holder, field, node in holders]


def _bound(stmt, holder, field, node, is_call, name, used, written_out):
    """The statement binding ``node`` (under ``getattr(holder, field)``, in ``stmt``) to a new name,
    which ``stmt`` reads in its place from then on."""
    new = used(f"{name}_out" if is_call else f"{name}_arg")
    written_out[new] = f"value of {name}() on line {stmt.lineno}" if is_call else \
        f"value computed before the call of {name}() on line {stmt.lineno}"
    moved = ast.Assign([ast.Name(new, ast.Store())], node)
    for part in (moved, moved.targets[0]):
        ast.copy_location(part, stmt)
        part.end_lineno, part.end_col_offset = stmt.end_lineno, stmt.end_col_offset
    _replace(holder, field, node, ast.copy_location(ast.Name(new, ast.Load()), node))
    return moved


def _evaluated_first(stmt):
    """``(node, field)`` of the expression ``stmt`` evaluates before any other part of it, where a
    call in it may be moved before ``stmt``."""
    if isinstance(stmt, (ast.Assign, ast.Expr, ast.Return)) and stmt.value is not None:
        return [(stmt, "value")]
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
        return [(stmt, "value")]
    if isinstance(stmt, ast.AugAssign):  # (x[i] += g(x) reads x[i] first: there only a call given numbers
        return [(stmt, "value")]  # alone is moved, _reads_first)
    if isinstance(stmt, ast.If):
        return [(stmt, "test")]
    if isinstance(stmt, ast.For):
        return [(stmt, "iter")]
    return []


def _written_part(stmt):
    """Whether ``stmt`` updates a part of an array in place (``x[i] += v``), which ``inline`` does not
    write out with a call as its whole value."""
    return isinstance(stmt, ast.AugAssign) and not isinstance(stmt.target, ast.Name)


def _reads_first(stmt, call):
    """Whether moving ``call`` (and the parts evaluated before it) ahead of ``stmt`` would run it before a
    read ``stmt`` makes first that it could change: ``x[i] += g(x)`` reads ``x[i]`` before the call; a
    call given numbers alone (``g(-1.73)``) cannot change ``x``."""
    if not _written_part(stmt):
        return False
    return not all(_number(a) for a in call.args + [k.value for k in call.keywords])  # (what is evaluated
    # before it, bound to names first, reads what it would read: such a call writes into nothing given)


def _number(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _movable(expr, name):
    """``(call, before)``: the first call of ``name`` in ``expr`` (in Python's order of evaluation: an
    inner one first) where it runs whenever ``expr`` is evaluated, and the parts of ``expr`` Python
    evaluates before it that read more than names (each whole, in that order: ``X[0]`` of ``X[0] +
    g(X)``), which a statement each before the call's keeps as they were; else None."""
    order = []  # (node, unconditional) as each completes
    _post_order(expr, True, order)
    parents = {id(child): node for node in walk(expr) for child in _children(node)}
    for k, (node, unconditional) in enumerate(order):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            if not unconditional:
                return None
            path, up = set(), node
            while id(up) in parents:
                up = parents[id(up)]
                path.add(id(up))
            before = [other for other, _ in order[:k] if id(parents.get(id(other))) in path and not _inert(other)]
            for other in before:
                parent = parents[id(other)]
                if isinstance(other, (ast.Starred, ast.Slice)) or isinstance(parent, ast.Call) and \
                        parent.func is other:
                    return None  # (no value of its own to bind: *xs, 1:n, a method of X[0])
            return node, before
    return None


def _children(node):
    """The expressions directly under ``node`` (a keyword's value for the keyword)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.keyword):
            yield child.value
        elif isinstance(child, ast.expr):
            yield child


def _post_order(node, unconditional, order):
    if isinstance(node, _CONDITIONAL):
        for child in walk(node):
            if isinstance(child, ast.expr):
                order.append((child, False))
        return
    if isinstance(node, ast.IfExp):
        _post_order(node.test, unconditional, order)
        _post_order(node.body, False, order)
        _post_order(node.orelse, False, order)
    elif isinstance(node, ast.BoolOp):
        for k, value in enumerate(node.values):
            _post_order(value, unconditional and k == 0, order)
    elif isinstance(node, ast.Compare):
        _post_order(node.left, unconditional, order)
        for k, value in enumerate(node.comparators):
            _post_order(value, unconditional and k == 0, order)
    else:
        for child in _children(node):
            _post_order(child, unconditional, order)
    order.append((node, unconditional))


def _inert(node):
    """A node whose evaluation reads no array's contents: a name, a number, an attribute of one."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Starred):
        return _inert(node.value)
    return isinstance(node, ast.Attribute) and _inert(node.value)


def _replace(holder, field, old, new):
    """``old`` (a node under ``getattr(holder, field)``, or that itself) replaced by ``new``."""
    if getattr(holder, field) is old:
        setattr(holder, field, new)
        return
    for parent in walk(getattr(holder, field)):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[[id(item) for item in value].index(id(old))] = new
                return
