"""A dict of constant keys handed to one of the user's functions that reads it by those keys alone.

Contract: ``rewrite(forward, read_plain) -> None`` rewrites ``forward.func`` in place and adds to
``forward.helpers`` the helpers it writes (``read_plain(forward, name)``: a helper as its source reads,
or None); ``named(forward, read_plain) -> None``, run after it, names the displays it left.  Both run
before the function's own dicts are named by key (``named_entries``).

A call of one of the user's functions giving it, by place, a dict display of string keys
(``saxpy({"a": a, "x": x})``, ``dict(a=a, x=x)``) or a name the function binds once, at the top level
of its body, to one and otherwise only reads by string keys or hands on so (``d = {...}; saxpy(d)``),
where the helper reads that parameter only by string keys the dict holds (``d["a"] * d["x"]``), by
``d.get("eps", 1e-5)`` (a string key, held or not) or tests ``"eps" in d``, calls a copy written for
those keys (``saxpy_d(a, x)``): the parameter becomes one per key read (named by the key where the
helper leaves that name free, else ``d_a``), each ``d["a"]`` and ``d.get("a", ...)`` of a key held
that name, a ``d.get`` of a key not held its default (None where it gives none), each ``"a" in d``
the constant it is, a ``d["b"]`` of a key not held ``{}["b"]`` (raising as Python does), and the
call passes the entries (the display's values, or ``d["a"]``).  Python
gives the helper the same objects either way (a default is evaluated where the call runs, as
Python evaluates it).  A display whose entries the helper leaves unread must
hold names or numbers there (nothing left uncomputed that could raise); anything else is left as it
was (refused as before: dicts are not values backgen follows).

A layer in CS231n's convention (``return out, cache``) given settings alone (constants), or called by
such a layer, keeps its dict, named as below.  A display the
helper reads otherwise (CS231n's ``batchnorm_forward(a, gamma, beta, {"mode": "train"})``,
whose helper writes ``bn_param["running_mean"]`` back, or hands the dict on in its cache), given in a
statement of the function's body (not in a loop or branch), its values names and numbers, is named
before that statement by the helper's parameter (``bn_param = {"mode": "train"}``; ``named``), the
dict the function builds for itself then.  Evaluating it there gives the same dict: its values are
read as the statement would read them (nothing in it rebinds a name first).
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
    caller_layer = _layer(func)  # (a layer of layers: its layers' settings read by their backwards alone)
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
            if keys is not None and _layer(helper.func) and (caller_layer or all(
                    isinstance(v, ast.Constant) for v in _values(display))):
                continue  # (a layer's settings: named, below)
            reads = _keys_read(helper.func, param) if keys is not None else None
            if reads is None:
                continue
            read = [key for key in keys if key in reads[0] or key in reads[1]]  # (in the dict's order)
            values = dict(zip(keys, _values(display)))
            if isinstance(arg, ast.Name):
                given = [ast.Subscript(ast.Name(arg.id, ast.Load()), ast.Constant(key), ast.Load()) for key in read]
            elif all(isinstance(values[key], (ast.Name, ast.Constant)) for key in keys if key not in read):
                given = [values[key] for key in read]
            else:
                continue
            key = (call.func.id, k, tuple(read), frozenset(keys))
            if key not in written:
                taken = set(forward.helpers) | names_of(func)
                copy_ = _written_for(helper.func, param, read, keys)
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


def named(forward, read_plain):
    func = forward.func
    bound = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in func.args.args + func.args.kwonlyargs}
    taken = names_of(func) | {a.arg for a in func.args.args + func.args.kwonlyargs}
    fresh = fresh_names(taken, bare=True)
    body = []
    for stmt in func.body:
        hoisted = []
        if not isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try,
                                 ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and not any(isinstance(n, (ast.NamedExpr, ast.Lambda, ast.comprehension)) for n in walk(stmt)):
            for call in [n for n in walk(stmt) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                         and n.func.id in forward.helpers and n.func.id not in bound]:
                helper = read_plain(forward, call.func.id)
                if helper is None or not isinstance(helper.func, ast.FunctionDef):
                    continue
                params = [a.arg for a in helper.func.args.posonlyargs + helper.func.args.args]
                places = [(call.args, k, params[k] if k < len(params) else "settings")
                          for k in range(len(call.args))]
                places += [(call.keywords, k, given.arg) for k, given in enumerate(call.keywords) if given.arg]
                for holder, k, param in places:
                    arg = holder[k] if holder is call.args else holder[k].value
                    if isinstance(arg, ast.Starred):
                        break
                    if _keys(arg) is not None and all(_plain(v) and not isinstance(v, ast.Call)
                                                      for v in _values(arg)):
                        name = ast.copy_location(ast.Name(fresh(param), ast.Load()), arg)
                        hoisted.append(ast.copy_location(ast.Assign([ast.Name(name.id, ast.Store())], arg), stmt))
                        if holder is call.args:
                            holder[k] = name
                        else:
                            holder[k].value = name
        body += [ast.fix_missing_locations(h) for h in hoisted] + [stmt]
    func.body = body


def _layer(func):
    """Whether ``func`` is a layer in CS231n's convention (``return out, cache``), whose settings dict
    (``bn_param``) is named instead (``named``): its backward, of ``(dout, cache)``, is the layer's own."""
    from .cache import output_roles
    last = func.body[-1] if func.body else None
    return isinstance(last, ast.Return) and isinstance(last.value, ast.Tuple) and len(last.value.elts) >= 2 \
        and output_roles(func, last.value.elts)[-1] == "cache"


def _keys(value):
    """The string keys of ``{"a": a, "x": x}`` (``{}``: none) or ``dict(a=a, x=x)``, in order; None for
    anything else."""
    if isinstance(value, ast.Dict) and all(
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
    """The keys the helper reads ``param`` by, where it reads it so alone (never binds it, no nested
    function): ``(subscripted, got)``, each in order (``d["a"]``; ``d.get("a", ...)``, ``"a" in d``);
    None otherwise."""
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and n is not func for n in walk(func)):
        return None
    subscripted, got = [], []
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id == param:
            if not isinstance(node.ctx, ast.Load) or not (_read_by_key(func, node) or _entry_read(func, node)):
                return None
    for node in walk(func):
        key, kind = _read_of(node, param)
        found = subscripted if kind == "subscript" else got if kind else None
        if found is not None and key not in found:
            found.append(key)
    return (subscripted, got) if subscripted or got else None


def _read_of(node, param):
    """``(key, kind)`` where ``node`` reads ``param`` by a string key: ``"subscript"`` for ``d["a"]``,
    ``"get"`` for ``d.get("a")`` / ``d.get("a", default)``, ``"in"`` for ``"a" in d`` / ``not in``;
    ``(None, None)`` otherwise."""
    def named(value):
        return isinstance(value, ast.Name) and value.id == param
    if isinstance(node, ast.Subscript) and named(node.value) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, str):
        return node.slice.value, "subscript"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and named(node.func.value) and not node.keywords and 1 <= len(node.args) <= 2 \
            and not any(isinstance(a, ast.Starred) for a in node.args) \
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        if len(node.args) == 1 or _plain(node.args[1]):
            return node.args[0].value, "get"  # (a default that may do more: Python evaluates it always)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
            and named(node.comparators[0]) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return node.left.value, "in"
    return None, None


def _plain(node):
    """Evaluating ``node`` does nothing but make a value: names, constants, operators, attributes and
    NumPy's array constructors (``np.zeros(D, dtype=x.dtype)``, CS231n's default running mean)."""
    for sub in walk(node):
        if isinstance(sub, ast.Call):
            if not (isinstance(sub.func, ast.Attribute) and sub.func.attr in _CONSTRUCTORS
                    and isinstance(sub.func.value, ast.Name) and sub.func.value.id in ("np", "numpy")):
                return False
        elif isinstance(sub, (ast.NamedExpr, ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.Subscript)):
            return False
    return True


_CONSTRUCTORS = frozenset({"zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like", "full",
                           "full_like", "array", "asarray", "eye"})


def _entry_read(func, name):
    """Whether the name ``name`` is read as ``d.get("key"...)`` or tested by ``"key" in d``."""
    return any(_read_of(node, name.id)[1] in ("get", "in")
               and (node.func.value is name if isinstance(node, ast.Call) else node.comparators[0] is name)
               for node in walk(func))


def _written_for(func, param, keys, held):
    """A copy of ``func`` taking one parameter per key of ``param`` read, for a dict holding the keys
    ``held`` (see the module)."""
    func = tree_copy(func)
    used = names_of(func) | {a.arg for a in func.args.args}
    fresh = fresh_names(used, bare=True)
    names = {key: fresh(key if key.isidentifier() and not keyword.iskeyword(key) and key not in used
                        else f"{param}_{key}" if f"{param}_{key}".isidentifier() else f"{param}_entry")
             for key in keys}  # (each entry named by its key where the helper leaves that name free)
    at = [a.arg for a in func.args.args].index(param)
    func.args.args[at:at + 1] = [ast.copy_location(ast.arg(names[key]), func.args.args[at]) for key in keys]

    class Entries(ast.NodeTransformer):
        def visit(self, node):
            key, kind = _read_of(node, param)
            if kind == "in":
                return ast.copy_location(ast.Constant((key in held) == isinstance(node.ops[0], ast.In)), node)
            if kind == "get" and key not in held:
                default = node.args[1] if len(node.args) == 2 else ast.Constant(None)
                return ast.copy_location(self.visit(default), node)
            if kind == "subscript" and key not in held:  # (raising KeyError where Python does)
                return ast.copy_location(ast.Subscript(ast.Dict([], []), ast.Constant(key), ast.Load()), node)
            if kind:
                return ast.copy_location(ast.Name(names[key], ast.Load()), node)
            node = self.generic_visit(node)
            if isinstance(node, (ast.If, ast.IfExp)) and isinstance(node.test, ast.Constant):
                taken = node.body if node.test.value else node.orelse  # (an entry tested: the branch run)
                return taken if isinstance(node, ast.IfExp) else taken or ast.copy_location(ast.Pass(), node)
            return node
    return ast.fix_missing_locations(Entries().visit(func))
