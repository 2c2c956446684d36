"""A dict of constant keys handed to one of the user's functions that reads it by those keys alone.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place and adds to
``forward.helpers`` the helpers it writes (``read_plain(forward, name)``: a helper as its source reads,
or None).  Run before the function's own dicts are named by key (``named_entries``).

A call of one of the user's functions giving it, by place, a dict display of string keys
(``saxpy({"a": a, "x": x})``, ``dict(a=a, x=x)``) or a name the function binds once, at the top level
of its body, to one and otherwise only reads by string keys or hands on so (``d = {...}; saxpy(d)``),
where the helper reads that parameter only by string keys the dict holds (``d["a"] * d["x"]``), calls
a copy written for those keys (``saxpy_d(a, x)``): the parameter becomes one per key read (named by
the key where the helper leaves that name free, else ``d_a``), each ``d["a"]`` that name, and the call passes the entries (the display's values, or ``d["a"]``).  Python
gives the helper the same objects either way.  A display whose entries the helper leaves unread must
hold names or numbers there (nothing left uncomputed that could raise); anything else is left as it
was (refused as before: dicts are not values backgen follows).
"""

import ast
import keyword

from .nested import Nested
from .source import fresh_names, walk, tree_copy, names_of
from .varargs import module_functions


def rewrite(forward, read_plain):
    func = forward.func
    stored = [n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
    bound = set(stored) | {a.arg for a in func.args.args + func.args.kwonlyargs}
    named = {}  # name -> its display, bound once at the top level
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _keys(stmt.value) is not None and stored.count(stmt.targets[0].id) == 1:
            named[stmt.targets[0].id] = stmt.value
    calls = [n for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in forward.helpers and n.func.id not in bound
             and not any(isinstance(a, ast.Starred) for a in n.args)]
    handed = {id(a) for c in calls for a in c.args if isinstance(a, ast.Name) and a.id in named}
    for name in list(named):  # (every other use a read by a string key)
        for node in walk(func):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and \
                    id(node) not in handed and not _read_by_key(func, node):
                named.pop(name)
                break
    written = {}
    for call in calls:
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef) or helper.func.args.vararg or \
                helper.func.args.kwarg or helper.func.args.posonlyargs or len(call.args) > len(helper.func.args.args):
            continue
        for k, arg in enumerate(call.args):
            display = named.get(arg.id) if isinstance(arg, ast.Name) else arg
            keys = _keys(display) if display is not None else None
            if k >= len(helper.func.args.args) - len(helper.func.args.defaults):
                break  # (a parameter with a default: the defaults' places would move)
            param = helper.func.args.args[k].arg
            read = _keys_read(helper.func, param) if keys is not None else None
            if read is None or not set(read) <= set(keys):
                continue
            read = [key for key in keys if key in read]  # (in the dict's order)
            values = dict(zip(keys, _values(display)))
            if isinstance(arg, ast.Name):
                given = [ast.Subscript(ast.Name(arg.id, ast.Load()), ast.Constant(key), ast.Load()) for key in read]
            elif all(isinstance(values[key], (ast.Name, ast.Constant)) for key in keys if key not in read):
                given = [values[key] for key in read]
            else:
                continue
            key = (call.func.id, k, tuple(read))
            if key not in written:
                taken = set(forward.helpers) | names_of(func)
                copy_ = _written_for(helper.func, param, read)
                copy_.name = fresh_names(taken)(f"{call.func.id}_{param}")
                forward.helpers[copy_.name] = Nested(copy_, helper.filename, helper.lines, dict(helper.env),
                                                     module_functions(forward, call.func.id, helper),
                                                     dict(helper.constants),
                                                     literals=dict(getattr(helper, "literals", {})))
                written[key] = copy_.name
            call.func = ast.copy_location(ast.Name(written[key], ast.Load()), call.func)
            call.args[k:k + 1] = [ast.copy_location(g, arg) for g in given]
            for node in given:
                ast.fix_missing_locations(ast.copy_location(node, arg))
            break  # (one dict a call: the places of the others have moved)


def _keys(value):
    """The string keys of ``{"a": a, "x": x}`` or ``dict(a=a, x=x)``, in order; None for anything else."""
    if isinstance(value, ast.Dict) and value.keys and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
        keys = [k.value for k in value.keys]
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and \
            not value.args and value.keywords and all(k.arg is not None for k in value.keywords):
        keys = [k.arg for k in value.keywords]
    else:
        return None
    return keys if len(set(keys)) == len(keys) else None


def _values(display):
    return list(display.values) if isinstance(display, ast.Dict) else [k.value for k in display.keywords]


def _read_by_key(func, node):
    """Whether the name ``node`` is read as ``d["key"]`` (a string key, not written)."""
    return any(isinstance(sub, ast.Subscript) and sub.value is node and isinstance(sub.ctx, ast.Load)
               and isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str) for sub in walk(func))


def _keys_read(func, param):
    """The keys the helper reads ``param`` by, in order, where it reads it so alone (never binds it, no
    nested function); None otherwise."""
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and n is not func for n in walk(func)):
        return None
    read = []
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id == param:
            if not isinstance(node.ctx, ast.Load) or not _read_by_key(func, node):
                return None
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == param:
            if node.slice.value not in read:
                read.append(node.slice.value)
    return read or None


def _written_for(func, param, keys):
    """A copy of ``func`` taking one parameter per key of ``param`` read (see the module)."""
    func = tree_copy(func)
    used = names_of(func) | {a.arg for a in func.args.args}
    fresh = fresh_names(used, bare=True)
    names = {key: fresh(key if key.isidentifier() and not keyword.iskeyword(key) and key not in used
                        else f"{param}_{key}" if f"{param}_{key}".isidentifier() else f"{param}_entry")
             for key in keys}  # (each entry named by its key where the helper leaves that name free)
    at = [a.arg for a in func.args.args].index(param)
    func.args.args[at:at + 1] = [ast.copy_location(ast.arg(names[key]), func.args.args[at]) for key in keys]

    class Entries(ast.NodeTransformer):
        def visit_Subscript(self, node):
            if isinstance(node.value, ast.Name) and node.value.id == param:
                return ast.copy_location(ast.Name(names[node.slice.value], ast.Load()), node)
            return self.generic_visit(node)
    return ast.fix_missing_locations(Entries().visit(func))
