"""Assignments to a starred target, as the plain assignments they make.

Contract: ``rewrite(func) -> None`` rewrites an ``ast.FunctionDef`` in place (before tidying),
in every block; other statements, and starred targets it cannot write out so, are left as they
are (the fence refuses those).

* ``first, *rest, last = a, b, c, d`` (a tuple or list written out, no starred item in it) is
  ``first, rest, last = a, [b, c], d``: Python gives the starred name a list of the items left.
* ``x, *_ = value`` where the starred name is ``_`` or nothing reads it: the items named are
  taken by position, ``x = value[0]`` (and ``last = value[-1]`` for a name after the star); a
  value not a name (``np.linalg.lstsq(A, b)``) is computed once, so only with one name beside the
  star (``*_, logdet = np.linalg.slogdet(K)``).  A starred name read after, of a value that is a
  name none of the targets rebinds (``x, y, *rest = p``), is given the list of the items left,
  ``rest = list(p[2:])`` (``*hidden, last = layers``: ``hidden = list(layers[:-1])``); a value not a name,
  with such names or several beside the star (``head, *tail = np.split(x, 4)``), but for a shape, is bound
  to a fresh name first (``unpacked = np.split(x, 4)``), computed once as Python does, and unpacked from it.  (Python also checks there are enough items; where there are not, it
  raises, and there is no gradient to take.)
* ``*lead, d = x.shape`` (or ``np.shape(x)``), where the function reads ``lead`` only spread
  (``x.reshape(*lead, 2, d // 2)``, ``(*lead, 3)``) or by ``len``, and no target is a name the shape
  is read from: ``lead = x.shape[:-1]``, a tuple of the sizes Python's list holds, read alike, and
  ``d = x.shape[-1]``; ``spread`` and ``joined_shapes`` then read ``*lead`` as a shape.

``spread(func) -> None`` writes out the starred arguments of calls whose number of items is known
(before tidying; calls of ``np.random`` are left to staging, which reads ``*x.shape`` there):

* ``math.hypot(*[a, b, c])`` (a tuple or list written out) is ``math.hypot(a, b, c)``;
* ``math.hypot(*v)``, where ``v`` is a local bound once, to a tuple or list written out with n
  items, and read only as such an argument, by a constant index, by ``len`` or as a loop's
  iterable (so nothing changes its length), is ``math.hypot(v[0], ..., v[n - 1])``: the items as
  the call reads them, whatever happened to the names they were made of;
* ``a.reshape(*shape)`` and ``a.transpose(*axes)``, the starred value the only argument, are
  ``a.reshape(shape)`` and ``a.transpose(axes)``, which NumPy reads alike; ``a.reshape(T, *x.shape, 2)``,
  spreading shapes among sizes, is ``a.reshape((T,) + x.shape + (2,))`` (as ``joined_shapes`` below);
* ``math.hypot(*items)`` of any other starred value alone is ``math.sqrt(sum(item * item for item
  in items))``, the number it computes.

``joined_lists(func) -> None`` writes each list display read that spreads a value beside items
(``[pos, *negs]``) as the lists it joins: ``[pos] + list(negs)``, the same list.

``joined_shapes(func) -> None`` writes each tuple display spreading shapes (``(T, *x.shape)``,
``(*x.shape[:-1], 3)``, ``(n, *np.shape(x))``), each starred item an array's shape or a slice of
one (or a local bound once to one, ``lead = x.shape[:-1]``), as the tuples it joins: ``(T,) + x.shape``, the same tuple, which shapes are read in.
"""

import ast

from .source import fresh_names, module_calls, rewrite_statements, walk, tree_copy, names_of


def rewrite(func):
    """Write out the starred assignments of ``func`` (see the module doc)."""
    if not any(isinstance(n, ast.Starred) and isinstance(n.ctx, ast.Store) for n in walk(func)):
        return
    read = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    spread_only = _spread_only(func)
    fresh = fresh_names(names_of(func) |
                        {a.arg for a in walk(func) if isinstance(a, ast.arg)})
    func.body = rewrite_statements(func.body, lambda stmt: _written(stmt, read, spread_only, fresh) or [stmt])


def _spread_only(func):
    """The names ``func`` reads only spread (``*lead`` in a call or a tuple or list written out) or by
    ``len``: where a tuple of the same items reads as the list Python gives a starred target."""
    allowed = set()
    for node in walk(func):
        if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name):
            allowed.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and \
                len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            allowed.add(id(node.args[0]))
    names = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return names - {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                    and id(n) not in allowed}


def _written(stmt, read, spread_only=frozenset(), fresh=None):
    """The assignments ``stmt`` makes (see the module doc), or None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], (ast.Tuple, ast.List))):
        return None
    targets = stmt.targets[0].elts
    stars = [k for k, t in enumerate(targets) if isinstance(t, ast.Starred)]
    if len(stars) != 1 or not isinstance(targets[stars[0]].value, ast.Name):
        return None
    k, after = stars[0], len(targets) - stars[0] - 1
    starred = targets[k].value
    value = stmt.value
    if isinstance(value, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        if len(value.elts) < len(targets) - 1:
            return None  # (Python raises: left to the fence)
        rest = value.elts[k:len(value.elts) - after]
        items = value.elts[:k] + [ast.copy_location(ast.List(rest, ast.Load()), value)] + \
            value.elts[len(value.elts) - after:]
        plain = [ast.copy_location(ast.Name(starred.id, ast.Store()), starred) if t is targets[k] else t
                 for t in targets]
        assign = ast.Assign([ast.copy_location(ast.Tuple(plain, ast.Store()), stmt.targets[0])],
                            ast.copy_location(ast.Tuple(items, ast.Load()), value))
        return [_located(assign, stmt)]
    kept = starred.id != "_" and starred.id in read
    if kept and starred.id in spread_only and _a_shape(value) and not isinstance(value, ast.Subscript) and \
            not {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)} & \
            names_of(value):
        # *lead, d = x.shape, lead read only spread (x.reshape(*lead, 2, d // 2)): lead = x.shape[:-1], a
        # tuple of the sizes the list holds, read alike; the other names by their places, d = x.shape[-1]
        part = ast.Slice(ast.Constant(k) if k else None, ast.Constant(-after) if after else None, None)
        out = [_located(ast.Assign([ast.Name(starred.id, ast.Store())],
                                   ast.Subscript(tree_copy(value), part, ast.Load())), stmt)]
        for position, target in enumerate(targets):
            if position != k:
                index = position if position < k else position - len(targets)
                item = ast.Subscript(tree_copy(value), ast.Constant(index), ast.Load())
                out.append(_located(ast.Assign([target], item), stmt))
        return out
    if fresh is not None and not isinstance(value, ast.Name) and (kept or k + after != 1) and not _a_shape(value) \
            and all(isinstance(t, ast.Name) for t in [starred] + targets[:k] + targets[k + 1:]):
        # (head, *tail = np.split(x, 4): the value computed once, bound to a name, then unpacked from it)
        held = fresh("unpacked")
        bound = _located(ast.Assign([ast.Name(held, ast.Store())], value), stmt)
        unpack = _located(ast.Assign(stmt.targets, ast.Name(held, ast.Load())), stmt)
        return [bound] + (_written(unpack, read, spread_only) or [unpack])
    if kept and not (isinstance(value, ast.Name) and all(isinstance(t, ast.Name) and t.id != value.id for t in
                                                         [starred] + targets[:k] + targets[k + 1:])):
        return None
    if not isinstance(value, ast.Name) and k + after != 1:
        return None
    out = []
    for position, target in enumerate(targets):
        if position == k:
            if kept:  # rest = list(value[k:-after]): the items left, a list as Python gives the starred name
                part = ast.Slice(ast.Constant(k) if k else None, ast.Constant(-after) if after else None, None)
                rest = ast.Call(ast.Name("list", ast.Load()), [ast.Subscript(tree_copy(value), part, ast.Load())], [])
                out.append(_located(ast.Assign([ast.Name(starred.id, ast.Store())], rest), stmt))
            continue
        index = position if position < k else position - len(targets)
        item = ast.Subscript(tree_copy(value), ast.Constant(index), ast.Load())
        out.append(_located(ast.Assign([target], item), stmt))
    return out


def _located(node, stmt):
    for child in walk(node):
        if not hasattr(child, "lineno"):
            ast.copy_location(child, stmt)
    return node


_SPREAD_METHODS = frozenset({"reshape", "transpose"})  # (a.reshape(*s) is a.reshape(s))
_SIZE_KEEPING = frozenset({"len"})


def spread(func, env=None):
    """Write out the starred arguments of ``func``'s calls (see the module doc); ``env`` binds the
    names of its module (``math``, ``from math import hypot``)."""
    calls = [n for n in walk(func) if isinstance(n, ast.Call) and any(isinstance(a, ast.Starred) for a in n.args)]
    if not calls:
        return
    sizes = fixed_sizes(func)
    shapes = _shape_names(func)
    spelled = module_calls(env or {"math": "math"}, "math", {"hypot"})
    hypot = spelled[0] if spelled else (lambda f: None)
    for call in calls:
        if _random(call.func):
            continue
        if isinstance(call.func, ast.Attribute) and call.func.attr in _SPREAD_METHODS and len(call.args) == 1 \
                and not call.keywords:
            call.args = [call.args[0].value]
            continue
        if isinstance(call.func, ast.Attribute) and call.func.attr == "reshape" and len(call.args) > 1 and \
                _spreads_shapes(ast.Tuple(call.args, ast.Load()), shapes):  # x.reshape(T, *x0.shape, 2): one shape
            call.args = [_located(_joined(ast.copy_location(ast.Tuple(call.args, ast.Load()), call)), call)]
            continue
        args = []
        for arg in call.args:
            if isinstance(arg, ast.Starred) and isinstance(arg.value, (ast.Tuple, ast.List)) and \
                    not any(isinstance(e, ast.Starred) for e in arg.value.elts):
                args.extend(arg.value.elts)
            elif isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name) and arg.value.id in sizes:
                args.extend(ast.copy_location(ast.Subscript(ast.Name(arg.value.id, ast.Load()), ast.Constant(k),
                                                            ast.Load()), arg)
                            for k in range(sizes[arg.value.id]))
            else:
                args.append(arg)
        call.args = [_located(a, call) for a in args]
        if len(call.args) == 1 and isinstance(call.args[0], ast.Starred) and not call.keywords and \
                hypot(call.func):  # math.hypot(*[a - b for a, b in zip(p, q)]): of any number of items
            items = call.args[0].value
            square = ast.BinOp(ast.Name("item", ast.Load()), ast.Mult(), ast.Name("item", ast.Load()))
            summed = ast.Call(ast.Name("sum", ast.Load()), [ast.GeneratorExp(square, [ast.comprehension(
                ast.Name("item", ast.Store()), items, [], 0)])], [])
            call.func = ast.Attribute(call.func.value, "sqrt", ast.Load()) if isinstance(call.func, ast.Attribute) \
                else ast.Attribute(ast.Name(_math_alias(env), ast.Load()), "sqrt", ast.Load())
            call.args = [_located(summed, call)]
            _located(call.func, call)


def spread_returns(func, length):
    """Calls spreading the tuple one of the user's functions returns (``length(name)``: the number of items
    each of its returns writes out, or None), in place: ``g(*pair(x))`` in a simple statement is ``parts =
    pair(x)`` before it, then ``g(*parts)``; and ``g(*t)`` of a local ``t`` bound once to such a call, whose
    length nothing changes, is ``g(t[0], ..., t[n - 1])``, the items Python spreads."""
    if not any(isinstance(n, ast.Starred) and isinstance(n.ctx, ast.Load) for n in walk(func)):
        return
    used = names_of(func) | {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    fresh = fresh_names(used)

    def named(stmt):
        if not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
            return None
        guarded = {id(n) for node in walk(stmt) if isinstance(node, (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp,
                                                                     ast.SetComp, ast.DictComp, ast.GeneratorExp))
                   for n in walk(node)}  # (a call there may not run: not computed before the statement)
        before = []
        for node in [n for n in walk(stmt) if isinstance(n, ast.Starred)]:  # (outer ones first)
            if isinstance(node.ctx, ast.Load) and id(node) not in guarded and isinstance(node.value, ast.Call) and \
                    isinstance(node.value.func, ast.Name) and length(node.value.func.id) is not None:
                name = fresh("parts")
                before.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), stmt)],
                                                           node.value), stmt))
                node.value = ast.copy_location(ast.Name(name, ast.Load()), node.value)
        return before[::-1] + [stmt] if before else None  # (g(*h(*k(x))): k's tuple, then h's, then g)

    func.body = rewrite_statements(func.body, lambda stmt: named(stmt) or [stmt])
    returned = {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            n = length(node.value.func.id)
            if n is not None:
                returned[node.targets[0].id] = n
    if not returned:
        return
    sizes = fixed_sizes(func, returns=returned)
    for call in [n for n in walk(func) if isinstance(n, ast.Call) and not _random(n.func)]:
        args = []
        for arg in call.args:
            if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name) and arg.value.id in sizes and \
                    arg.value.id in returned:
                args.extend(ast.copy_location(ast.Subscript(ast.Name(arg.value.id, ast.Load()), ast.Constant(k),
                                                            ast.Load()), arg) for k in range(sizes[arg.value.id]))
            else:
                args.append(arg)
        call.args = [_located(a, call) for a in args]


def _math_alias(env):
    """A name ``env`` binds to the ``math`` module (``math``, bound so in ``env``, where none is)."""
    alias = next((name for name, meaning in sorted((env or {}).items()) if meaning == "math"), None)
    if alias is None and env is not None:
        env.setdefault("math", "math")  # (from math import hypot alone)
    return alias or "math"


def _random(func):
    """Whether ``func`` is spelled as a function of ``np.random`` (``np.random.rand``)."""
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "random"


def fixed_sizes(func, kept=frozenset(), returns=None):
    """Locals bound once to a tuple or list written out, whose length nothing changes -> that length;
    ``kept``: the ids of other reads of such a name that leave its length alone; ``returns``: other
    locals bound once (to the tuple a function returns) -> their lengths, taken as those written out."""
    bound, sizes = {}, {}
    params = {a.arg for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs}
    for node in walk(func):
        targets = ()
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension, ast.NamedExpr)):
            targets = [node.target]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(dict.fromkeys(node.names, 2))
        for target in targets:
            for name in walk(target):
                if isinstance(name, ast.Name):
                    bound[name.id] = bound.get(name.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, (ast.Tuple, ast.List)) and \
                not any(isinstance(e, ast.Starred) for e in node.value.elts):
            sizes[node.targets[0].id] = len(node.value.elts)
    sizes.update(returns or {})
    sizes = {name: n for name, n in sizes.items() if bound.get(name) == 1 and name not in params}
    if not sizes:
        return sizes
    allowed = set(kept)  # the ids of the reads of a name that leave its length alone
    for node in walk(func):
        if isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
                    allowed.add(id(arg.value))
            if isinstance(node.func, ast.Name) and node.func.id in _SIZE_KEEPING and len(node.args) == 1:
                allowed.add(id(node.args[0]))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
            allowed.add(id(node.value))
        elif isinstance(node, (ast.For, ast.comprehension)):
            allowed.add(id(node.iter))
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id in sizes and isinstance(node.ctx, ast.Load) and \
                id(node) not in allowed:
            del sizes[node.id]
    return sizes


def joined_lists(func):
    """Write out the list displays of ``func`` spreading a value beside items (``[pos, *negs]``) as the
    lists they join: ``[pos] + list(negs)``, the same list, items in the same order."""
    for node in walk(func):
        for field, value in ast.iter_fields(node):
            if _spreads_beside(value):
                setattr(node, field, _listed(value))
            elif isinstance(value, list):
                value[:] = [_listed(v) if _spreads_beside(v) else v for v in value]


def _spreads_beside(node):
    """A list display read (not a target) holding a starred item and an item not starred."""
    return isinstance(node, ast.List) and isinstance(node.ctx, ast.Load) and \
        any(isinstance(e, ast.Starred) for e in node.elts) and not all(isinstance(e, ast.Starred) for e in node.elts)


def _listed(node):
    """``[a, *b, c]`` -> ``[a] + list(b) + [c]``."""
    parts, items = [], []
    for elt in node.elts:
        if isinstance(elt, ast.Starred):
            if items:
                parts.append(ast.List(items, ast.Load()))
                items = []
            parts.append(ast.Call(ast.Name("list", ast.Load()), [elt.value], []))
        else:
            items.append(elt)
    if items:
        parts.append(ast.List(items, ast.Load()))
    joined = parts[0]
    for part in parts[1:]:
        joined = ast.BinOp(joined, ast.Add(), part)
    return ast.copy_location(ast.fix_missing_locations(ast.copy_location(joined, node)), node)


def joined_shapes(func):
    """Write out the tuple displays of ``func`` spreading shapes (see the module doc)."""
    shapes = _shape_names(func)
    for node in walk(func):
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.Tuple) and _spreads_shapes(value, shapes):
                setattr(node, field, _joined(value))
            elif isinstance(value, list):
                value[:] = [_joined(v) if isinstance(v, ast.Tuple) and _spreads_shapes(v, shapes) else v
                            for v in value]


def _shape_names(func):
    """The locals bound once, to an array's shape or a slice of one (``lead = x.shape[:-1]``, as a starred
    target of a shape is written out), which no other statement binds."""
    bound, shapes = {}, set()
    params = {a.arg for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs}
    for node in walk(func):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension, ast.NamedExpr)) else []
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(dict.fromkeys(node.names, 2))
        for target in targets:
            for name in walk(target):
                if isinstance(name, ast.Name):
                    bound[name.id] = bound.get(name.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                _a_shape(node.value):
            shapes.add(node.targets[0].id)
    return {name for name in shapes if bound.get(name) == 1 and name not in params}


def _spreads_shapes(node, names=frozenset()):
    """Whether the tuple display ``node`` (read) has starred items, each an array's shape (``*x.shape``,
    ``*np.shape(x)``) or a slice of one (``*x.shape[1:]``), or a local of ``names`` holding one."""
    starred = [e for e in node.elts if isinstance(e, ast.Starred)]
    return isinstance(node.ctx, ast.Load) and bool(starred) and all(_a_shape(e.value, names) for e in starred)


def _a_shape(node, names=frozenset()):
    """Whether ``node`` is an array's shape, ``x.shape`` or ``np.shape(x)`` (of the module ``np`` or
    ``numpy``), or a slice of one; or a local of ``names`` holding one."""
    if isinstance(node, ast.Name) and node.id in names:
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr == "shape" or \
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "shape" and \
        isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy") and \
        len(node.args) == 1 and not node.keywords


def _joined(node):
    """The tuple display ``node`` as the sum of its runs of items (tuples) and the shapes it spreads."""
    parts, run = [], []
    for item in node.elts:
        if isinstance(item, ast.Starred):
            if run:
                parts.append(ast.copy_location(ast.Tuple(run, ast.Load()), node))
                run = []
            parts.append(item.value)
        else:
            run.append(item)
    if run:
        parts.append(ast.copy_location(ast.Tuple(run, ast.Load()), node))
    joined = parts[0]
    for part in parts[1:]:
        joined = ast.copy_location(ast.BinOp(joined, ast.Add(), part), node)
    return joined
