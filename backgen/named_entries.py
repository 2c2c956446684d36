"""A dict the function builds for itself, read by constant keys only, as a name per key.

Contract: ``rewrite(func) -> None`` rewrites an ``ast.FunctionDef`` in place (before its nested
functions are lifted and before tidying).

A local name ``d`` is rewritten when:

* the function binds it once, at the top level of its body, to a dict display of string keys
  (``state = {'h': h0, 'c': c0}``, ``grads = {}``) or ``dict(h=h0)``; a name its top level binds to
  several displays, and nothing else binds, is first made a name per display (``cache``, ``cache1``),
  read as it is up to the next display, where each is such a dict (else it is left as written);
* every other use of it is ``d['key']`` with a string written there: read, assigned
  (``d['h'] = v``), augmented (``d['h'] += v``) or indexed further (``d['W'][0]``), no ``del``;
  or ``d.get('key')`` (``d.get('key', default)``) of a key the display gives (read as ``d['key']``), or ``d.values()`` looped
  over or given to a function, where no key is added after the display (read as the list of its
  entries, ``[d_a, d_b]``);
* no nested function or lambda uses it, and every key read is given a value somewhere.

A loop over a ``range`` of numbers written out (at most ``MAX_WRITTEN_OUT``), its body reading such a
dict by keys computed from the loop's variable alone (``params['W%d' % i]``, ``params['b' + str(i)]``,
``params[f'W{i + 1}']``), no ``break`` or ``continue`` in it, is written out first, iteration by
iteration (``i = 1``, the body with each such key the string it is then), so its keys are written.

A dict comprehension over such a dict, ``{k: f(k, v) for k, v in d.items()}`` (``for k in d``, ``d.keys()``),
its keys the loop's variable itself and no ``if`` in it, is first the display it gives, ``{'W': f('W',
d['W']), 'b': f('b', d['b'])}`` in the display's order, where nothing adds a key to ``d`` or changes it
otherwise than by writing its entries at keys written out.  So too a ``for`` loop over such a dict
(``for name, W in params.items()``, ``for k in d``, ``d.keys()``, ``d.values()``), its body neither
breaking, continuing nor returning and its variables bound nowhere else but by other loops: written
out key by key in the display's order, the key's variable the key written there (an ``if
name.startswith("W")`` so decided: the branch taken), the value's ``d['key']``.

Each entry then becomes a name of its own (``state_h``; a number is added where the function
uses that name), the display the assignments of its values in order, and ``d['key']`` that
name.  A dict's entry holds its value as a name does (the same object, arrays written into
through it alike), so the function computes the same values; what it returns is unchanged (a
dict returned, passed to a function or read whole is left as it is, for the rest of backgen).
"""

import ast
import re

from .source import decided, fresh_names, rewrite_statements, walk, tree_copy, names_of


def rewrite(func):
    """Give each entry of the function's own constant-key dicts a name (see the module doc)."""
    if not any(n.__class__ in (ast.Dict, ast.DictComp) or n.__class__ is ast.Name and n.id == "dict"
               for n in walk(func)):
        return  # (no dict the function builds itself, as most: one walk, no copy of the body)
    _computed_keys_written_out(func)
    _comprehensions_written_out(func)
    _item_loops_written_out(func)
    original = tree_copy(func.body)
    split = _split_rebound(func)
    _rewrite(func)
    if split and any(isinstance(n, ast.Name) and n.id in split for n in walk(func)):
        func.body = original  # (a dict so split read otherwise than by its keys: left as it was written)
        _rewrite(func)


def _comprehensions_written_out(func):
    """Write each dict comprehension over a dict of keys known as the display it gives (see the module doc);
    one over the display another gave too."""
    while any(isinstance(node, ast.DictComp) for node in walk(func)) and _comprehensions_written_once(func):
        pass


def _item_loops_written_out(func):
    """Write each ``for`` loop over a dict of keys known (``for k, v in d.items()``, ``for k in d``,
    ``d.keys()``, ``for v in d.values()``; see the module doc) out, key by key in the display's order:
    the body once per key, the key's variable the key written there, the value's ``d['key']``; where
    the body neither breaks, continues nor returns, binds neither variable again, and nothing after
    the loop reads them (they would hold the last key's)."""
    known = _known_displays(func)
    if not known:
        return

    def each(stmt):
        written = _loop_written_out(stmt, known, func)
        return [stmt] if written is None else written
    func.body = rewrite_statements(func.body, each)


def _loop_written_out(loop, known, func):
    """The statements ``loop`` stands for, written out key by key (``_item_loops_written_out``), or None."""
    if not isinstance(loop, ast.For) or loop.orelse:
        return None
    it, target = loop.iter, loop.target
    kind = it.func.attr if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args and \
        not it.keywords and it.func.attr in ("items", "keys", "values") else "keys"
    if kind != "keys" or isinstance(it, ast.Call):
        it = it.func.value if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) else it
    if not (isinstance(it, ast.Name) and it.id in known):
        return None
    if kind == "items" and isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(
            isinstance(e, ast.Name) for e in target.elts) and target.elts[0].id != target.elts[1].id:
        key_name, value_name = target.elts[0].id, target.elts[1].id
    elif kind in ("keys", "values") and isinstance(target, ast.Name):
        key_name, value_name = (target.id, None) if kind == "keys" else (None, target.id)
    else:
        return None
    names = {key_name, value_name} - {None}
    inner = [n for stmt in loop.body for n in walk(stmt)]
    if any(isinstance(n, (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom, ast.Lambda,
                          ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)) or
           isinstance(n, ast.Name) and n.id in names and not isinstance(n.ctx, ast.Load) for n in inner):
        return None
    rebinding = {id(n) for other in walk(func) if isinstance(other, (ast.For, ast.comprehension))
                 and other is not loop and names & {t.id for t in walk(other.target) if isinstance(t, ast.Name)}
                 for n in walk(other)}  # (another loop binding the name first: for name in params: ...)
    mine = {id(n) for n in walk(loop)}
    if any(isinstance(n, ast.Name) and n.id in names and id(n) not in mine and id(n) not in rebinding
           for n in walk(func)):
        return None  # (read or bound outside such loops: after this one, Python gives it the last key's)
    written = []
    for key in known[it.id]:
        for stmt in tree_copy(loop.body):
            for node in walk(stmt):
                for field, child in ast.iter_fields(node):
                    if isinstance(child, ast.Name) and child.id in names:
                        setattr(node, field, _put(child, key, it.id, key_name))
                    elif isinstance(child, list):
                        child[:] = [_put(c, key, it.id, key_name) if isinstance(c, ast.Name) and c.id in names
                                    else c for c in child]
            stmt = _Decided().visit(stmt)  # (if name.startswith("W"): decided by the key written in)
            for kept in stmt if isinstance(stmt, list) else [stmt]:
                for node in walk(kept):  # (a block a decided if left empty holds pass)
                    if isinstance(getattr(node, "body", None), list) and not node.body and \
                            not isinstance(node, ast.Lambda):
                        node.body = [ast.copy_location(ast.Pass(), node)]
                written.append(ast.fix_missing_locations(kept))
    return written or [ast.copy_location(ast.Pass(), loop)]


def _known_displays(func):
    """``{name: keys}`` of the dicts the function's top level binds once to a display of string keys, no
    other key added nor any removed, the dict neither passed on nor changed by a method."""
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    stores, displays = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _entries(stmt.value) is not None:
            displays[stmt.targets[0].id] = [key for key, _ in _entries(stmt.value)]
    known = {name: keys for name, keys in displays.items()
             if stores.get(name) == 1 and name not in params and len(set(keys)) == len(keys)}
    parents = {child: node for node in walk(func) for child in ast.iter_child_nodes(node)}
    for node in walk(func):  # (a key added or removed, the dict passed on or changed by a method: left alone)
        if not (isinstance(node, ast.Name) and node.id in known):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, ast.Load) and not (
                    isinstance(parent.slice, ast.Constant) and parent.slice.value in known[node.id] and
                    isinstance(parent.ctx, ast.Store)):
                del known[node.id]
        elif isinstance(parent, ast.Attribute) and parent.attr not in ("items", "keys", "values", "get") or \
                isinstance(parent, ast.Call) and node in parent.args:
            del known[node.id]
    return known


def _comprehensions_written_once(func):
    """``_comprehensions_written_out`` over the displays the function has: whether one was written."""
    known = _known_displays(func)
    if not known:
        return False
    written = []

    class Written(ast.NodeTransformer):
        def visit_DictComp(self, comp):
            self.generic_visit(comp)
            entries = _comprehended(comp, known)
            if entries is None:
                return comp
            written.append(comp)
            return ast.fix_missing_locations(ast.copy_location(
                ast.Dict([ast.Constant(key) for key, _ in entries], [value for _, value in entries]), comp))
    func.body = [Written().visit(stmt) for stmt in func.body]
    return bool(written)


def _comprehended(comp, known):
    """``[(key, value node)]`` of the display the dict comprehension ``comp`` gives over a dict of ``known``
    keys (``{name: keys}``), else None."""
    if len(comp.generators) != 1 or comp.generators[0].ifs or comp.generators[0].is_async:
        return None
    it, target = comp.generators[0].iter, comp.generators[0].target
    items = isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items"
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "keys") and \
            not it.args and not it.keywords:
        it = it.func.value
    if not (isinstance(it, ast.Name) and it.id in known):
        return None
    if items:
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and
                all(isinstance(e, ast.Name) for e in target.elts)):
            return None
        key_name, value_name = target.elts[0].id, target.elts[1].id
    elif isinstance(target, ast.Name):
        key_name, value_name = target.id, None
    else:
        return None
    if not (isinstance(comp.key, ast.Name) and comp.key.id == key_name) or key_name == value_name or any(
            isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr))
            for n in walk(comp.value)):
        return None
    entries = []
    for key in known[it.id]:
        value = tree_copy(comp.value)
        for node in walk(value):
            for field, child in ast.iter_fields(node):
                if isinstance(child, ast.Name) and child.id in (key_name, value_name):
                    setattr(node, field, _put(child, key, it.id, key_name))
                elif isinstance(child, list):
                    child[:] = [_put(c, key, it.id, key_name) if isinstance(c, ast.Name) and
                                c.id in (key_name, value_name) else c for c in child]
        if isinstance(value, ast.Name) and value.id in (key_name, value_name):
            value = _put(value, key, it.id, key_name)
        entries.append((key, _Decided().visit(value)))
    return entries


class _Decided(ast.NodeTransformer):
    """A conditional expression whose test is decided by the key written in (``2.0 * p if "W" == "W" else
    p``): the value it takes; an ``if`` statement so decided, the statements of the branch taken."""

    def visit_IfExp(self, node):
        self.generic_visit(node)
        truth = decided(node.test)
        return node if truth is None else node.body if truth else node.orelse

    def visit_If(self, node):  # (an if statement so decided: the statements of the branch taken)
        self.generic_visit(node)
        truth = decided(node.test)
        return node if truth is None else node.body if truth else node.orelse


def _put(name, key, dict_name, key_name):
    """The key itself for the comprehension's key variable, else ``d['key']`` for its value variable."""
    if name.id == key_name:
        return ast.copy_location(ast.Constant(key), name)
    return ast.copy_location(ast.Subscript(ast.Name(dict_name, ast.Load()), ast.Constant(key), ast.Load()), name)


def _split_rebound(func):
    """A name the function's top level binds to dict displays several times (``cache = {'a': a}``, later
    ``cache = {'a': z}``), and binds nowhere else, becomes a name per display, each read up to the next
    display (in the next display's own values too): the names it gives (empty where none)."""
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    params |= {a.arg for a in (func.args.vararg, func.args.kwarg) if a is not None}
    at = {}
    for k, stmt in enumerate(func.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _entries(stmt.value) is not None:
            at.setdefault(stmt.targets[0].id, []).append(k)
    nested = {n.id for node in walk(func) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
              and node is not func for n in walk(node) if isinstance(n, ast.Name)}
    used = names_of(func) | {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    fresh, split = fresh_names(used, bare=False), set()
    for name, places in sorted(at.items()):
        stores = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)]
        before = [n for stmt in func.body[:places[0]] + [func.body[places[0]].value] for n in walk(stmt)
                  if isinstance(n, ast.Name) and n.id == name]
        if len(places) < 2 or len(stores) != len(places) or name in params or name in nested or before:
            continue
        names = [name] + [fresh(name) for _ in places[1:]]
        for k, start in enumerate(places):
            end = places[k + 1] if k + 1 < len(places) else len(func.body)
            for j in range(start, end):
                stmt = func.body[j]
                for node in walk(stmt):
                    if isinstance(node, ast.Name) and node.id == name:
                        node.id = names[k] if j != start or node is stmt.targets[0] else names[k - 1]
        split.update(names)
    return split


def _rewrite(func):
    bindings, blocks = {}, {}
    for block in _blocks(func.body):  # (in a loop's body too: rates = {'am': ..., 'bm': ...} at each step)
        for stmt in block:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and _entries(stmt.value) is not None and (block is func.body or not any(
                        isinstance(n, ast.Name) and n.id == stmt.targets[0].id for n in walk(stmt.value))):
                bindings.setdefault(stmt.targets[0].id, []).append(stmt)  # (not d = {'a': d['a'] + 1}, the
                blocks[id(stmt)] = block  # dict of the iteration before read as the display is built)
    if not bindings:
        return
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    params |= {a.arg for a in (func.args.vararg, func.args.kwarg) if a is not None}
    candidates = {name for name, stmts in bindings.items() if len(stmts) == 1 and name not in params}
    for node in walk(func):  # a nested function or lambda using one: left alone
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not func:
            candidates -= names_of(node)
    if not candidates:
        return
    parents = {}
    for node in walk(func):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    keys = {name: ({}, set()) for name in candidates}  # name -> (key -> a node giving it, keys read)
    reads = {name: [] for name in candidates}  # name -> its method calls, d.get('h'), d.values()
    for node in walk(func):
        if not isinstance(node, ast.Name) or node.id not in candidates:
            continue
        if bindings[node.id][0].targets[0] is node:
            continue
        parent = parents.get(node)
        method = _method_read(node, parent, parents)
        if method is not None:  # d.get('h'), d.values(): reads of the entries the display gives
            reads[node.id].append(method)
            continue
        if not (isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.slice, ast.Constant)
                and isinstance(parent.slice.value, str) and not isinstance(parent.ctx, ast.Del)):
            candidates.discard(node.id)  # (read whole, rebound, deleted from, or by a key computed)
            continue
        if isinstance(parent.ctx, ast.Load) and not isinstance(parents.get(parent), ast.AugAssign):
            keys[node.id][1].add(parent.slice.value)
        else:
            keys[node.id][0][parent.slice.value] = parent
    used = names_of(func) | {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    for name in sorted(candidates):
        displayed = [key for key, _ in _entries(bindings[name][0].value)]
        given = set(displayed) | set(keys[name][0])
        if not keys[name][1] <= given:
            continue  # (a key read that nothing gives: Python's KeyError, left to the rest of backgen)
        if any(call.func.attr == "get" and call.args[0].value not in displayed or
               call.func.attr == "values" and set(keys[name][0]) - set(displayed) for call in reads[name]):
            continue  # (a key the display may not hold, or entries added as the code runs)
        names, fresh = {}, fresh_names(used, bare=True)
        for key in sorted(given | keys[name][1]):
            names[key] = fresh(f"{name}_{re.sub(r'[^0-9a-zA-Z_]', '_', key)}")
        _rename(func, name, names, bindings[name][0], list(dict.fromkeys(displayed)), blocks[id(bindings[name][0])])


MAX_WRITTEN_OUT = 16  # iterations of a loop written out for the keys it computes
_KEY_NODES = (ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Mod, ast.Call,
              ast.JoinedStr, ast.FormattedValue)


def _computed_keys_written_out(func):
    """A loop over a ``range`` of numbers written out (``for i in range(1, 3)``) whose body reads a
    dict the function binds to a display (at the top of its body) by keys computed from the loop's
    variable alone (``params['W%d' % i]``, ``params['b' + str(i)]``, ``params[f'W{i + 1}']``) is
    written out, iteration by iteration: ``i = 1``, then the body with each such key the string it
    is at that ``i``; so the keys are written out, as the rule of the module asks."""
    dicts = {stmt.targets[0].id for stmt in func.body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
             and isinstance(stmt.targets[0], ast.Name) and _entries(stmt.value) is not None}
    if not dicts:
        return

    def computed(node, var):
        return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in dicts \
            and not isinstance(node.slice, ast.Constant) and \
            names_of(node.slice) - {"str"} == {var} and \
            all(isinstance(n, _KEY_NODES) and not (isinstance(n, ast.Call) and not (
                isinstance(n.func, ast.Name) and n.func.id == "str" and len(n.args) == 1 and not n.keywords))
                for n in walk(node.slice))

    def key(node, var, value):
        try:
            text = eval(compile(ast.Expression(node.slice), "<key>", "eval"), {"__builtins__": {"str": str}},
                        {var: value})
        except Exception:  # noqa: BLE001 - (a key Python cannot make: the loop is left as it is)
            return None
        return text if isinstance(text, str) else None

    def written_out(loop):
        it = loop.iter
        if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and it.func.id == "range" and 1 <= len(it.args) <= 3 and not it.keywords and not loop.orelse
                and all(isinstance(a, ast.Constant) and type(a.value) is int for a in it.args)):
            return None
        var = loop.target.id
        values = range(*[a.value for a in it.args])
        inner = [n for s in loop.body for n in walk(s)]
        if not 0 < len(values) <= MAX_WRITTEN_OUT or any(isinstance(n, (ast.Break, ast.Continue)) for n in inner) \
                or any(isinstance(n, ast.Name) and n.id == var and not isinstance(n.ctx, ast.Load) for n in inner) \
                or not any(computed(n, var) for n in inner):
            return None
        out = []
        for value in values:
            bind = ast.Assign([ast.Name(var, ast.Store())], ast.Constant(value))
            out.append(ast.fix_missing_locations(ast.copy_location(bind, loop)))
            for stmt in loop.body:
                stmt = tree_copy(stmt)
                for node in walk(stmt):
                    if computed(node, var):
                        text = key(node, var, value)
                        if text is None:
                            return None
                        node.slice = ast.copy_location(ast.Constant(text), node.slice)
                out.append(stmt)
        return out

    def block(stmts):
        new = []
        for stmt in stmts:
            for field in ("body", "orelse"):
                if isinstance(stmt, (ast.For, ast.While, ast.If)) and getattr(stmt, field):
                    setattr(stmt, field, block(getattr(stmt, field)))
            out = written_out(stmt) if isinstance(stmt, ast.For) else None
            new.extend(out if out is not None else [stmt])
        return new
    func.body = block(func.body)


def _entries(value):
    """``[(key, value node)]`` of a dict display of string keys or ``dict(k=v)``, else None."""
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                           for k in value.keys):  # (``**other`` has the key None)
        return [(k.value, v) for k, v in zip(value.keys, value.values)]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
            and not value.args and all(k.arg is not None for k in value.keywords):
        return [(k.arg, k.value) for k in value.keywords]
    return None


def _method_read(node, parent, parents):
    """The call ``d.get('key')`` or ``d.values()`` reading ``node`` (the name ``d``), else None."""
    call = parents.get(parent)
    if not (isinstance(parent, ast.Attribute) and parent.value is node and isinstance(call, ast.Call)
            and call.func is parent and not call.keywords):
        return None
    if parent.attr == "get" and len(call.args) in (1, 2) and isinstance(call.args[0], ast.Constant) and \
            isinstance(call.args[0].value, str):  # (d.get('key', default) too: the default is not read there)
        return call
    user = parents.get(call)  # d.values() read there and then (a view kept under a name would see later writes)
    read_now = isinstance(user, (ast.For, ast.comprehension)) and user.iter is call or \
        isinstance(user, ast.Call) and call in user.args
    return call if parent.attr == "values" and not call.args and read_now else None


def _blocks(body):
    """``body`` and each block of statements nested in it (loops', branches', ``with``'s and ``try``'s), not
    those of functions defined in it."""
    yield body
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _blocks(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _blocks(handler.body)


def _rename(func, name, names, binding, displayed, block):
    class Entries(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == name:
                if node.func.attr == "get":  # (a key the display gives: d['key'])
                    return ast.copy_location(ast.Name(names[node.args[0].value], ast.Load()), node)
                return ast.copy_location(ast.List([ast.copy_location(ast.Name(names[key], ast.Load()), node)
                                                   for key in displayed], ast.Load()), node)  # d.values()
            return node

        def visit_Subscript(self, node):
            self.generic_visit(node)
            if isinstance(node.value, ast.Name) and node.value.id == name and isinstance(node.slice, ast.Constant) \
                    and isinstance(node.slice.value, str):
                return ast.copy_location(ast.Name(names[node.slice.value], node.ctx), node)
            return node
    Entries().visit(func)
    assignments = [ast.copy_location(ast.Assign([ast.copy_location(ast.Name(names[key], ast.Store()), value)],
                                                value), binding) for key, value in _entries(binding.value)]
    position = block.index(binding)
    block[position:position + 1] = assignments or [ast.copy_location(ast.Pass(), binding)]
