"""A dictionary of settings given its defaults by ``setdefault``, read with them.

Contract: ``rewrite(func)`` rewrites the function's AST in place.  A statement of its
body (not of a block) ``config.setdefault('learning_rate', 1e-2)``, ``config`` a name
and the key a string, becomes ``learning_rate = config.get('learning_rate', 1e-2)``
(the key, where it is a name the function does not use, else a fresh one), and each
read ``config['learning_rate']`` after it reads that name, up to the first statement
that uses ``config`` otherwise (writes into it, passes it on, binds it again), after
which reads stay as written.  A read gives the same value either way: the setting
where the dict holds it, else the default, evaluated once, as ``setdefault`` does;
what is left out is the key put into the caller's dict, which no gradient depends on.

Where ``if config is None: config = {}`` comes first (``config`` a parameter), it is
left out too, where after it ``config`` is read only so (or with ``config.get(key,
default)``, or written into by the last statements that mention it), and each read
takes the default where ``config`` is None: ``if config is None: learning_rate = 1e-2``,
``else: learning_rate = config.get('learning_rate', 1e-2)`` (a ``config.get(key, default)``
written so, ``default if config is None else config.get(key, default)``).
"""

import ast

from .source import fresh_names, name_ids, tree_copy, walk


def rewrite(func):
    if not any(isinstance(n, ast.Attribute) and n.attr == "setdefault" for n in walk(func)):
        return
    names = set(name_ids(func)) | {a.arg for a in func.args.args}
    fresh = fresh_names(names)
    params = {a.arg for a in func.args.args}
    for name in sorted({found[0] for stmt in func.body if isinstance(stmt, ast.Expr)
                        for found in [_setdefault(stmt.value)] if found is not None}):
        func.body = _rewritten(func.body, name, name in params, names, fresh) or func.body
    if not func.body:
        func.body = [ast.Pass()]


def _rewritten(body, name, param, names, fresh):
    """``body`` with the defaults of the dict ``name`` read by names, or None where nothing changes."""
    sentinel = next((k for k, stmt in enumerate(body) if param and _emptied(stmt) == name), None)
    first = next(k for k, stmt in enumerate(body) if isinstance(stmt, ast.Expr) and _setdefault(stmt.value)
                 and _setdefault(stmt.value)[0] == name)
    if sentinel is not None and (sentinel > first or not _read_only_after(body[sentinel + 1:], name)):
        sentinel = None  # (config = {} read otherwise: left as it is, and refused as a dict display)
    out, locals_, open_ = [], {}, True
    for k, stmt in enumerate(body):
        if k == sentinel:
            continue
        found = _setdefault(stmt.value) if isinstance(stmt, ast.Expr) else None
        if found is not None and found[0] == name and open_:
            key, default = found[1], found[2]
            local = key if key.isidentifier() and key not in names else fresh(key if key.isidentifier() else "setting")
            names.add(local)
            made = ast.Assign([ast.Name(local, ast.Store())], _get(name, key, default, stmt))
            if sentinel is not None:  # (an if the decorator decides where it is given None, or a dict)
                test = ast.Compare(ast.Name(name, ast.Load()), [ast.Is()], [ast.Constant(None)])
                made = ast.If(test, [ast.Assign([ast.Name(local, ast.Store())], tree_copy(default))], [made])
            out.append(ast.fix_missing_locations(_located(made, stmt)))
            locals_[key] = local
            continue
        if sentinel is not None and k > sentinel and _got(stmt, name):  # v = config.get('velocity', v0)
            test = ast.Compare(ast.Name(name, ast.Load()), [ast.Is()], [ast.Constant(None)])
            stmt = _located(ast.If(test, [ast.Assign(tree_copy(stmt.targets), tree_copy(stmt.value.args[1]))],
                                   [stmt]), stmt)
            out.append(ast.fix_missing_locations(stmt))
            continue
        if open_ and locals_:
            otherwise = _used_otherwise(stmt, name)  # (as written: a read made an if of config is None is one)
            if not otherwise or _written_from_reads(stmt, name):  # (a loop writing into config: its reads
                stmt = _Reads(name, locals_, sentinel is not None).visit(stmt)  # after the write see it)
            open_ = not otherwise
        elif sentinel is not None and k > sentinel:
            stmt = _Reads(name, {}, True).visit(stmt)
        out.append(stmt)
    return out


def _setdefault(node):
    """``(dict name, key, default)`` of ``name.setdefault('key', default)``, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault" and \
            isinstance(node.func.value, ast.Name) and len(node.args) == 2 and not node.keywords and \
            isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.func.value.id, node.args[0].value, node.args[1]
    return None


def _emptied(stmt):
    """``config`` for ``if config is None: config = {}``, else None."""
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and \
            isinstance(stmt.test, ast.Compare) and isinstance(stmt.test.left, ast.Name) and \
            len(stmt.test.ops) == 1 and isinstance(stmt.test.ops[0], ast.Is) and \
            isinstance(stmt.test.comparators[0], ast.Constant) and stmt.test.comparators[0].value is None:
        assign, name = stmt.body[0], stmt.test.left.id
        if isinstance(assign, ast.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0], ast.Name) \
                and assign.targets[0].id == name and isinstance(assign.value, ast.Dict) and not assign.value.keys:
            return name
    return None


def _got(stmt, name):
    """Whether ``stmt`` is ``target = name.get('key', default)``."""
    value = stmt.value if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" and \
        isinstance(value.func.value, ast.Name) and value.func.value.id == name and len(value.args) == 2 and \
        not value.keywords and not _mentions(stmt.targets[0], name) and not _mentions(value.args[1], name)


def _mentions(node, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


def _reads(node, name):
    """The nodes of ``node`` that read the dict ``name`` as settings: ``name['key']`` loaded,
    ``name.get('key', default)``, ``name.setdefault('key', default)`` standing alone."""
    found = []
    for n in walk(node):
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name) and \
                n.value.id == name and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
            found.append(n.value)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("get", "setdefault") \
                and isinstance(n.func.value, ast.Name) and n.func.value.id == name and len(n.args) == 2 \
                and not n.keywords and isinstance(n.args[0], ast.Constant):
            found.append(n.func.value)
    return found


def _used_otherwise(stmt, name):
    """Whether ``stmt`` uses the dict ``name`` other than by reading a setting."""
    read = {id(n) for n in _reads(stmt, name)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in read for n in walk(stmt))


def _read_only_after(stmts, name):
    """Whether the statements read the dict ``name`` as settings only, but for writes into it by the
    last of them that mention it (``config['cache'] = cache`` before the return)."""
    mentioning = [stmt for stmt in stmts if _mentions(stmt, name)]
    while mentioning and _writes_only(mentioning[-1], name):
        mentioning.pop()
    return not any(_used_otherwise(stmt, name) and not (isinstance(stmt, ast.Expr) and _setdefault(stmt.value))
                   for stmt in mentioning)


def _writes_only(stmt, name):
    """``name['key'] = value``, the value not reading ``name``."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
        and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == name \
        and not _mentions(stmt.value, name) and not _mentions(stmt.targets[0].slice, name)


def _written_from_reads(stmt, name):
    """``name['key'] = value``, the value reading ``name`` as settings only (read before the write)."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
        and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == name \
        and not _mentions(stmt.targets[0].slice, name) and not _used_otherwise(stmt.value, name)


def _get(name, key, default, like):
    call = ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "get", ast.Load()),
                    [ast.Constant(key), tree_copy(default)], [])
    for node in walk(call):
        ast.copy_location(node, like)
    return call


def _located(tree, like):
    for node in walk(tree):
        if not hasattr(node, "lineno") or node.lineno is None:
            ast.copy_location(node, like)
    return tree


def _unless_none(name, default, read):
    """``default if name is None else read``."""
    test = ast.Compare(ast.Name(name, ast.Load()), [ast.Is()], [ast.Constant(None)])
    made = ast.IfExp(test, tree_copy(default), read)
    for node in walk(made):
        if not hasattr(node, "lineno"):
            ast.copy_location(node, read)
    return made


class _Reads(ast.NodeTransformer):
    """``config['key']`` read, with a default known: the name holding the setting; with
    ``optional``, ``config.get('key', default)``: ``default if config is None else ...``."""

    def __init__(self, name, locals_, optional):
        self.name, self.locals, self.optional = name, locals_, optional

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) and node.value.id == self.name and \
                isinstance(node.slice, ast.Constant) and node.slice.value in self.locals:
            return ast.copy_location(ast.Name(self.locals[node.slice.value], ast.Load()), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.optional and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == self.name and \
                len(node.args) == 2 and not node.keywords:
            return _unless_none(self.name, node.args[1], node)
        return node

    def visit_FunctionDef(self, node):  # (a function defined inside: its own names)
        return node

    def visit_Lambda(self, node):
        return node
