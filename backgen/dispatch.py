"""Calls through a module's table of functions: ``ACTIVATIONS[name](x)``, ``REDUCE[reduction](loss)``.

Contract: ``source_tables(module, defs)`` are the tables of a module's source (an ``ast.Module``) and
``live_tables(globals_, module)`` those of a live function's module, each ``{table: [(key, function), ...]}``
with the functions as expressions the function may read (``_relu``, ``np.mean``); ``rewrite(func,
tables)`` is ``func`` (a copy, where it changes) with each call of a table's entry written as the call
of that function:
by a key written out, the entry's function (``REDUCE["sum"](x)``: ``np.sum(x)``); by any other key,
where the call is a ``return``'s or an assignment's whole value, an ``if`` testing the key against each
table key in the table's order, each path calling that key's function (the last path that of the last
key), and elsewhere the conditional expression doing so.  A table is a dict display at the module's top
level, assigned once and never written into (no item assigned, no method called), of string keys and,
as values, names of the module's functions or of NumPy's (``np.tanh``, by the name the module imports it
under), or lambdas (``"sigmoid": lambda z: 1 / (1 + np.exp(-z))``), whose call is their body with each
parameter read as the argument given it (``_inlinable`` says where it may be: else the call is left), an
argument it reads more than once named first where the call's statement always runs it (``_arguments_named``).
Any other call of a subscript is left as it is (refused as before).
"""

import ast
import types

import numpy as np
from .source import fresh_names, tree_copy, walk


def source_tables(module, defs):
    """The tables of ``module`` (its top-level statements), whose values name one of ``defs`` (the
    names of the module's functions) or an attribute of a name (``np.mean``)."""
    bound = {}
    for stmt in module.body:
        for target in getattr(stmt, "targets", []) + [getattr(stmt, "target", None)]:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
    tables = {}
    for stmt in module.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Dict) and stmt.value.keys):
            continue
        name = stmt.targets[0].id
        entries = list(zip(stmt.value.keys, stmt.value.values))
        if bound.get(name) != 1 or name in defs or not all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) and
                (isinstance(v, ast.Name) and v.id in defs or _library_attribute(v) or isinstance(v, ast.Lambda))
                for k, v in entries):
            continue
        tables[name] = [(k.value, v) for k, v in entries]
    return {name: table for name, table in tables.items() if not _changed(module, name)}


def live_tables(globals_, module):
    """The tables of a live function's module: dicts of string keys whose values are functions of the
    module (by the name it binds them to) or NumPy's (by the name it imports NumPy under), which the
    module's source (``module``, an ``ast.Module``; None: none is read) assigns once, as a display, and
    never writes into."""
    if module is None:
        return {}
    written = source_tables(module, {n for n, v in globals_.items() if isinstance(v, types.FunctionType)})
    numpy_names = sorted(n for n, v in globals_.items() if v is np)
    tables = {}
    for name, value in globals_.items():
        if name not in written or not (type(value) is dict and value and all(type(k) is str for k in value)):
            continue
        entries = []
        for key, function in value.items():
            named = spelled(function, globals_, numpy_names)
            if named is None and getattr(function, "__name__", None) == "<lambda>":  # (its source, as written)
                named = next((v for k, v in written[name] if k == key and isinstance(v, ast.Lambda)), None)
            if named is None:
                break
            entries.append((key, named))
        else:
            tables[name] = entries
    return tables


def spelled(function, globals_, numpy_names):
    """An expression naming ``function`` as the module of ``globals_`` does: a def of it by the name it binds
    it to (its own), a NumPy function by the module's NumPy name (``numpy_names``, sorted); else None."""
    if isinstance(function, types.FunctionType):
        names = sorted(n for n, v in globals_.items() if v is function)
        return ast.Name(names[0], ast.Load()) if function.__name__ in names else None
    name = getattr(function, "__name__", None)
    if numpy_names and name and getattr(np, name, None) is function:
        return ast.Attribute(ast.Name(numpy_names[0], ast.Load()), name, ast.Load())
    return None


def _library_attribute(node):
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)


def _changed(module, name):
    """Whether anything in ``module`` writes into the dict ``name`` (an item assigned or deleted, a
    method called on it) or binds the name in a function."""
    for node in walk(module):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name:
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
    return False


def rewrite(func, tables):
    """``func`` with each call of a table's entry written as the call of the entry's function (see the
    module's contract): a new tree where there is one, ``func`` itself otherwise."""
    local = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in func.args.args + func.args.kwonlyargs}
    tables = {name: table for name, table in tables.items() if name not in local}
    if not tables or not any(_table_call(n, tables, local) for n in walk(func)):
        return func
    func = tree_copy(func)
    fresh = fresh_names({n.id for n in walk(func) if isinstance(n, ast.Name)} | local | {  # (nor a name a
        n.id for table in tables.values() for _, f in table if isinstance(f, ast.Lambda)  # lambda reads of
        for n in walk(f.body) if isinstance(n, ast.Name) and n.id not in {a.arg for a in f.args.args}},  # the
        bare=True)  # module's)
    _arguments_named(func, tables, local, fresh)  # (z = x @ W, read by a lambda twice: computed once)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            table = _table_call(node, tables, local)
            return node if table is None else _chosen(node, table)

        def visit_Return(self, node):
            return self._statement(node)

        def visit_Assign(self, node):
            return self._statement(node)

        def _statement(self, stmt):
            table = _table_call(stmt.value, tables, local) if stmt.value is not None else None
            key = stmt.value.func.slice if table is not None else None
            if table is None or isinstance(key, ast.Constant):
                self.generic_visit(stmt)
                return stmt
            stmt.value.args = [self.visit(arg) for arg in stmt.value.args]
            for keyword in stmt.value.keywords:
                keyword.value = self.visit(keyword.value)
            chain = None
            for k, function in reversed(table):
                branch = tree_copy(stmt)
                branch.value = _called(stmt.value, function)
                chain = [branch] if chain is None else [ast.If(_test(key, k), [branch], chain)]
            return [ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in chain]

    Calls().visit(func)
    for node in walk(func):  # (the nodes written at the call's place: errors point at the user's line)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.expr, ast.stmt)) and not hasattr(child, "lineno"):
                ast.copy_location(child, node)
    return ast.fix_missing_locations(func)


def _table_call(node, tables, local):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Subscript) and \
            isinstance(node.func.value, ast.Name) and node.func.value.id in tables and \
            not isinstance(node.func.slice, (ast.Slice, ast.Tuple)):
        key = node.func.slice
        table = tables[node.func.value.id]
        if isinstance(key, ast.Constant) and key.value not in dict(table):
            return None  # (a KeyError as Python runs it: refused as before)
        if not all(_inlinable(function, node, local) for _, function in table):
            return None  # (a lambda this call cannot be written as: left as it is, refused as before)
        return table
    return None


_BINDING = (ast.Lambda, ast.NamedExpr, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _inlinable(function, call, local):
    """Whether ``call`` may be written as the call of the table's entry ``function``: a function's name
    always; a lambda (positional parameters alone, no defaults) where the call gives one argument per
    parameter by position, none starred, its body binds no name of its own (no lambda, comprehension or
    ``:=`` in it) nor reads a name the calling function binds (``local``, which would hide the module's it
    reads), and each argument but a name or a number is read at most once there (its body is the call)."""
    if not isinstance(function, ast.Lambda):
        return True
    params = function.args
    if params.vararg or params.kwarg or params.kwonlyargs or params.posonlyargs or params.defaults or \
            call.keywords or len(call.args) != len(params.args) or \
            any(isinstance(a, ast.Starred) for a in call.args) or \
            any(isinstance(n, _BINDING) for n in walk(function.body)):
        return False
    names = [a.arg for a in params.args]
    reads = [n.id for n in walk(function.body) if isinstance(n, ast.Name)]
    if (set(reads) - set(names)) & local:
        return False
    return all(isinstance(a, (ast.Name, ast.Constant)) or reads.count(p) <= 1 or _pure(a)
               for p, a in zip(names, call.args))


def _pure(node):
    """Whether the expression ``node`` computes the same value each time it is read, nothing else (operators,
    indexing and attributes of names and numbers: ``x @ W + b``, not a call), so that a lambda's body may read
    it once per read of its parameter."""
    return not any(isinstance(n, (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom) + _BINDING)
                   for n in walk(node))


_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
_SKIPPED = (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _arguments_named(func, tables, local, fresh):
    """Before each simple statement (an assignment, a ``return``, an expression) holding a call through a
    table that it always runs (not within a conditional expression, ``and``/``or``, a lambda or a
    comprehension): an assignment naming each argument of it (but a name or a number) that a lambda of
    the table reads more than once (``z = x @ W``, named as that lambda's parameter), the call then given
    that name, so that it is computed once.  The arguments so named compute nothing but their value
    (``_pure``): computed before the statement, they are what the call would have read."""
    def calls(node):
        if isinstance(node, ast.Call) and _table_call(node, tables, local) is not None:
            yield node
        if not isinstance(node, _SKIPPED):
            for child in ast.iter_child_nodes(node):
                yield from calls(child)

    def block(stmts):
        out = []
        for stmt in stmts:
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list) and getattr(stmt, field):
                    setattr(stmt, field, block(getattr(stmt, field)))
            for handler in getattr(stmt, "handlers", []):
                handler.body = block(handler.body)
            for call in list(calls(stmt)) if isinstance(stmt, _SIMPLE) else ():
                table = _table_call(call, tables, local)
                for k, argument in enumerate(call.args):
                    params = [f.args.args[k].arg for _, f in table if isinstance(f, ast.Lambda) and
                              sum(isinstance(n, ast.Name) and n.id == f.args.args[k].arg for n in walk(f.body)) > 1]
                    if params and not isinstance(argument, (ast.Name, ast.Constant)):
                        name = fresh(params[0])
                        out.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], argument), stmt))
                        call.args[k] = ast.copy_location(ast.Name(name, ast.Load()), argument)
            out.append(stmt)
        return out
    func.body = block(func.body)


def _called(call, function):
    if isinstance(function, ast.Lambda):  # (its body, each parameter read as the argument given it)
        given = dict(zip([a.arg for a in function.args.args], call.args))

        class Put(ast.NodeTransformer):
            def visit_Name(self, node):
                return tree_copy(given[node.id]) if node.id in given else node
        new = Put().visit(tree_copy(function.body))
    else:
        new = ast.Call(tree_copy(function), tree_copy(call.args), tree_copy(call.keywords))
    for node in walk(new):
        ast.copy_location(node, call)
    return new


def _test(key, value):
    return ast.Compare(tree_copy(key), [ast.Eq()], [ast.Constant(value)])


def _chosen(call, table):
    key = call.func.slice
    if isinstance(key, ast.Constant):
        return _called(call, dict(table)[key.value])
    chosen = None
    for k, function in reversed(table):
        value = _called(call, function)
        chosen = value if chosen is None else ast.copy_location(ast.IfExp(_test(key, k), value, chosen), call)
    return ast.fix_missing_locations(chosen)
