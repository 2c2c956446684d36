"""A layer's loop over the steps written inline, read as the step layer it holds.

Contract: ``rewrite(forward) -> bool`` (whether it rewrote ``forward``, in place; for the function
differentiated, read, before it is fenced); ``told(forward, message)``: the words saying what the step
is, for a message naming it.  A forward in CS231n's convention (``return h, cache``) whose one ``for t in range(T)`` loop computes a step inline and
collects what the step's backward needs as a tuple written out (``cache.append((x_t, prev_h,
next_h))``, ``cache[t] = (...)``) is the same forward calling a step layer of its own::

    for t in range(T):                          for t in range(T):
        x_t = x[:, t, :]                            next_h, step_cache = rnn_step_forward(
        next_h = np.tanh(prev_h @ Wh + ...)  ->         x[:, t, :], prev_h, Wh, Wx, b)
        cache.append((x_t, prev_h, Wx, ...))        cache.append(step_cache)
        h[:, t, :] = next_h                         h[:, t, :] = next_h
        prev_h = next_h                             prev_h = next_h

``loop_layers`` then writes the backward a person writes for it: a loop over the steps in reverse
calling the step's backward, which reads the step's values from ``cache[t]``.  The step is made of
the loop's statements other than the collection of the caches, writes of a name into an output's
slots (``h[:, t, :] = next_h``), appends of a name to a list (``hs.append(next_h)``), renamings
(``prev_h = next_h``, ``prev_h, prev_c = next_h, next_c``) and slices of parameters by the step
(``x_t = x[:, t, :]``, which the call passes; one read in place, ``x[:, t, :] @ Wx``, is made one,
``x_t``), and choices of a value by the step (``prev_h = h0 if t == 0 else h[:, t - 1, :]``, or as an
``if``).  A value computed straight into an output's slot (``h[:, t, :] = np.tanh(a)``) is named first
(``h_t``), the slot's reads after it read by that name.  Its parameters are the names it reads that the
function holds before it (the step ``t`` too, where read); its outputs the names it sets that
anything after it reads, or that it reads before setting (carried from step to step).  The new
function keeps the user's line numbers and becomes a helper of ``forward``; the code means what it
meant, so every later step reads it as it reads a step layer the user wrote.  Nothing is rewritten
where the loop is not so written: the statements the step is made of must be
movable to the place of its first (no statement left out of it between them writes what they
read, or reads what they write); none may leave the loop (``break``, ``continue``) or write into an array
the step did not make other than as above (``Wh[0] += ...``); the tuple must read no value a statement left out
of the step sets before it (``prev_h = next_h`` before the append); the step may read no output the
loop writes into (``h[:, t - 1, :] @ Wh``), and no size read before the loop (``H = h0.shape[1]``),
whose value its backward, given only the cache, could not know.
"""

import ast

from .nested import Nested
from .source import fresh_names, name_ids, walk, tree_copy


def rewrite(forward):
    func = forward.func
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    loops = [s for s in body[:-1] if isinstance(s, ast.For)]
    if not body or not isinstance(body[-1], ast.Return) or not isinstance(body[-1].value, ast.Tuple) or \
            len(body[-1].value.elts) < 2 or len(loops) != 1 or loops[0].orelse:
        return False
    last = body[-1].value.elts[-1]
    if not (isinstance(last, ast.Name) and "cache" in last.id.lower()):  # (cache.output_roles's rule)
        return False
    made = _step_layer(forward, body, loops[0])
    if made is None:
        return False
    loop_body, step = made
    lines = (loops[0].body[0].lineno, loops[0].body[-1].end_lineno)
    loops[0].body = loop_body
    call = next(s for s in loop_body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call)
                and isinstance(s.value.func, ast.Name) and s.value.func.id == step.name)
    origin = f"the loop's body, lines {lines[0]}-{lines[1]}, read as a step layer: {ast.unparse(call)}"
    forward.helpers[step.name] = Nested(step, forward.filename, forward.lines, dict(forward.env),
                                        dict(forward.helpers), dict(forward.constants), (), dict(forward.literals),
                                        origin)
    return True


def told(forward, message):
    """What a message naming a step ``rewrite`` made needs said of it (`` (rnn_step_forward() is the
    loop's body, lines 19-23, ...)``), or ""."""
    for name, helper in forward.helpers.items():
        if isinstance(helper, Nested) and helper.origin and f"{name}(" in message:
            return f" ({name}() is {helper.origin})"
    return ""


def _step_layer(forward, body, loop):
    """The loop's new body and the step's def, or None."""
    func = forward.func
    returned = body[-1].value.elts
    cache = returned[-1].id if isinstance(returned[-1], ast.Name) else None
    before = body[:body.index(loop)]
    after = body[body.index(loop) + 1:-1]
    collections = {_target(s) for s in before if _collection(s)} - {None}
    for stmt in after:  # cache = caches
        if _target(stmt) == cache and isinstance(stmt.value, ast.Name):
            cache = stmt.value.id
    if cache not in collections or not isinstance(loop.target, ast.Name):
        return None
    t = loop.target.id
    params = {a.arg for a in func.args.args}
    local = params | {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    buffers = {_target(s) for s in before} - collections - {None}

    taken = set(local) | set(forward.env) | set(forward.helpers) | set(forward.constants) | {t}
    fresh = fresh_names(taken, bare=True)
    stmts = _writes_named(loop.body, buffers, t, fresh)
    if stmts is None:
        return None
    kinds = [_kind(stmt, cache, collections, buffers, params, t) for stmt in stmts]
    collects = [k for k, kind in enumerate(kinds) if kind == "collect"]
    steps = [k for k, kind in enumerate(kinds) if kind == "step"]
    if len(collects) != 1 or not steps:
        return None
    collect = stmts[collects[0]]
    slices = {stmts[k].targets[0].id: stmts[k].value for k, kind in enumerate(kinds) if kind == "slice"}
    if any(n in _stored(s) for n in slices for k, s in enumerate(stmts) if kinds[k] != "slice"):
        return None  # (a slice's name set again: no argument of the step)
    own = {n for k in steps for n in _stored(stmts[k])}
    if any(isinstance(n, _LEAVING) for k in steps for n in walk(stmts[k])) or \
            any(_bases(stmts[k]) - own for k in steps):
        return None  # (a break, or a write into an array of the function's: no step of its own)
    first = steps[0]
    if any(kinds[k] == "slice" for k in range(first + 1, len(stmts))):
        return None
    between = [stmts[k] for k in range(first, steps[-1]) if kinds[k] not in ("step", "collect")]
    moved = [stmts[k] for k in steps[1:]]
    for stmt in between:  # (the step's statements brought together at its first)
        if any(_stored(stmt) & (_loaded(m) | _stored(m)) or _loaded(stmt) & _stored(m) for m in moved):
            return None
    items = _items(collect)
    read = {n for item in items for n in name_ids(item)}
    if any((_stored(stmts[k]) | _bases(stmts[k])) & read for k in range(first, collects[0])
           if kinds[k] != "step"):
        return None  # (the tuple reads what a statement left out of the step sets before it)
    outside = [stmts[k] for k, kind in enumerate(kinds) if kind not in ("step", "slice", "collect")]
    if any(n in slices for stmt in outside for n in _loaded(stmt)):
        return None

    step_stmts, items = tree_copy([stmts[k] for k in steps]), tree_copy(items)
    written = {n.value.id for n in walk(func) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
               and not isinstance(n.ctx, ast.Load)}
    fixed = params - (local - params) - written - {n for stmt in body for n in _stored(stmt)}
    hoisted = _Slices(fixed, t, slices, fresh)
    step_stmts = [hoisted.visit(stmt) for stmt in step_stmts]
    items = [hoisted.visit(item) for item in items]
    at = sum(k < collects[0] for k in steps)  # (the tuple made where the loop makes it: its values as they are
    inputs, set_so_far = [], set()               # there)
    held = params | {n for stmt in before for n in _stored(stmt)} | \
        {n for k, stmt in enumerate(stmts) if kinds[k] != "step" for n in _stored(stmt)}  # (a value before
    # the step, which a branch of the step may leave as it is: an input too)
    for stmt in step_stmts[:at] + [ast.Expr(ast.Tuple(items, ast.Load()))] + step_stmts[at:]:
        for name in _ordered_loads(stmt):
            if name not in set_so_far and name not in inputs and (name in local or name in slices):
                inputs.append(name)
        set_so_far |= _stored(stmt) if _plain_assign(stmt) else set()
        inputs += [n for n in _stored(stmt) - set_so_far if n in held and n not in inputs and n != t]
    sizes = {n for stmt in before if _shape_read(stmt.value if isinstance(stmt, ast.Assign) else None)
             for n in _stored(stmt)}
    if sizes & set(inputs):
        return None  # (N, H = h0.shape read in the step: its backward would need them, which no cache holds)
    if set(inputs) & ({n for stmt in stmts for n in _bases(stmt)} | collections):
        return None  # (h[:, t - 1, :] read in the step from the output the loop writes: no input of a step)
    assigned = []
    for stmt in step_stmts:
        assigned += [n for n in _ordered_stores(stmt) if n not in assigned]
    read_later = {n for stmt in outside + after + [body[-1]] for n in _loaded(stmt)} | \
        {n for n in _loaded(loop.iter)}
    outputs = [n for n in assigned if n in read_later or n in inputs]
    if not outputs:
        return None

    name = _step_name(func.name, taken)
    step_cache = fresh("step_cache")
    own_cache = fresh_names(set(assigned) | set(inputs), bare=True)("cache")
    where = step_stmts[0]
    cache_line = ast.copy_location(ast.Assign([ast.Name(own_cache, ast.Store())],
                                              ast.Tuple(items, ast.Load())), collect)
    ret = ast.copy_location(ast.Return(ast.Tuple([ast.Name(n, ast.Load()) for n in outputs] +
                                                 [ast.Name(own_cache, ast.Load())], ast.Load())), collect)
    step = ast.FunctionDef(name, ast.arguments([], [ast.arg(n) for n in inputs], None, [], [], None, []),
                           step_stmts[:at] + [cache_line] + step_stmts[at:] + [ret], [], None, None)
    if "type_params" in ast.FunctionDef._fields:
        step.type_params = []
    step = ast.fix_missing_locations(ast.copy_location(step, where))

    call = ast.Call(ast.Name(name, ast.Load()), [tree_copy(slices[n]) if n in slices else ast.Name(n, ast.Load())
                                                 for n in inputs], [])
    targets = ast.Tuple([ast.Name(n, ast.Store()) for n in outputs] + [ast.Name(step_cache, ast.Store())],
                        ast.Store())
    new_collect = tree_copy(collect)
    if isinstance(new_collect, ast.Expr):
        new_collect.value.args = [ast.copy_location(ast.Name(step_cache, ast.Load()), collect)]
    else:
        new_collect.value = ast.copy_location(ast.Name(step_cache, ast.Load()), collect)
    new_body = []
    for k, stmt in enumerate(stmts):
        if k == first:
            new_body.append(ast.copy_location(ast.Assign([targets], call), where))
            new_body += [new_collect] if collects[0] < first else []  # (collected once the step is called)
        elif kinds[k] == "collect":
            new_body += [new_collect] if collects[0] > first else []
        elif kinds[k] == "rebinds":
            new_body += _split(stmt)
        elif kinds[k] not in ("step", "slice"):
            new_body.append(tree_copy(stmt))
    return [ast.fix_missing_locations(s) for s in new_body], step


_LEAVING = (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)


class _Slices(ast.NodeTransformer):
    """A parameter's slice by the step read in the step (``x[:, t, :]``) made a parameter of the step
    (``x_t``), which the call passes: ``slices`` maps each such name to its slice."""

    def __init__(self, params, t, slices, fresh):
        self.params, self.t, self.slices, self.fresh = params, t, slices, fresh
        self.named = {ast.dump(value): name for name, value in slices.items()}

    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) and node.value.id in self.params \
                and _by_step(node.slice, self.t) and any(isinstance(n, ast.Name) and n.id == self.t
                                                         for n in walk(node.slice)):
            key = ast.dump(node)
            if key not in self.named:
                self.named[key] = self.fresh(f"{node.value.id}_{self.t}")
                self.slices[self.named[key]] = node
            return ast.copy_location(ast.Name(self.named[key], ast.Load()), node)
        return self.generic_visit(node)


def _step_name(layer, taken):
    """``rnn_step_forward`` for ``rnn_forward`` (its backward ``rnn_step_backward``), where free."""
    base = layer[:-len("_forward")] if layer.endswith("_forward") else layer
    for name in (f"{base}_step_forward", f"{layer}_step"):
        if name not in taken:
            return name
    name = f"{layer}_step"
    while name in taken:
        name += "_"
    return name


def _target(stmt):
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _collection(stmt):
    """``cache = []``, ``cache = {}``, ``cache = [None] * T``."""
    value = getattr(stmt, "value", None)
    if isinstance(value, (ast.List, ast.Dict)) and not getattr(value, "elts", None) and not getattr(value, "keys", None):
        return True
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult) and isinstance(value.left, ast.List) \
        and len(value.left.elts) == 1 and isinstance(value.left.elts[0], ast.Constant)


def _kind(stmt, cache, collections, buffers, params, t):
    """What a statement of the loop is: "collect", "write", "append", "rebind(s)", "choice" (of a value by
    the step), "slice" or "step"."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
            isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append" and \
            isinstance(stmt.value.func.value, ast.Name) and len(stmt.value.args) == 1 and not stmt.value.keywords:
        owner, value = stmt.value.func.value.id, stmt.value.args[0]
        if owner == cache and isinstance(value, (ast.Tuple, ast.List)):
            return "collect"
        if owner in collections and owner != cache and isinstance(value, ast.Name):
            return "append"
    if isinstance(stmt, ast.If) and _by_step(stmt.test, t) and stmt.orelse and all(
            _chosen(s, buffers, params, t) for s in stmt.body + stmt.orelse):
        return "choice"  # if t == 0: prev = h0 / else: prev = h[:, t - 1, :]
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return "step"
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name) and isinstance(value, ast.IfExp) and _by_step(value.test, t) and \
            _read_arg(value.body, buffers, params, t) and _read_arg(value.orelse, buffers, params, t):
        return "choice"  # prev = h0 if t == 0 else h[:, t - 1, :]
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        if target.value.id == cache and isinstance(value, (ast.Tuple, ast.List)) and _by_step(target.slice, t):
            return "collect"
        if target.value.id in buffers and isinstance(value, ast.Name) and _by_step(target.slice, t):
            return "write"
        return "step"
    if isinstance(target, ast.Name) and isinstance(value, ast.Name):
        return "rebind"
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts) and \
            all(isinstance(e, ast.Name) for e in target.elts + value.elts) and \
            not {e.id for e in target.elts} & {e.id for e in value.elts}:
        return "rebinds"
    if isinstance(target, ast.Name) and isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and \
            value.value.id in params and _by_step(value.slice, t) and any(
                isinstance(n, ast.Name) and n.id == t for n in walk(value.slice)):
        return "slice"
    return "step"


def _shape_read(value):
    """Whether a value reads a shape (``x.shape``, ``x.shape[1]``, ``len(x)``, ``x.ndim``): a size."""
    return value is not None and any(isinstance(n, ast.Attribute) and n.attr in ("shape", "ndim", "size") or
                                     isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len"
                                     for n in walk(value))


def _writes_named(stmts, buffers, t, fresh):
    """The loop's statements with each write of a value computed in place into an output's slot by the
    step (``h[:, t, :] = np.tanh(a)``) made two, the value named first (``h_t = np.tanh(a)``, then
    ``h[:, t, :] = h_t``), and the slot read after it read by that name (``prev_h = h[:, t, :]``: ``prev_h =
    h_t``); None where the output is written twice in the loop, or the slot is read at another place."""
    stmts, k = list(stmts), -1
    while k + 1 < len(stmts):
        k += 1
        stmt = stmts[k]
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript)
                and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id in buffers
                and not isinstance(stmt.value, ast.Name) and _by_step(stmt.targets[0].slice, t)):
            continue
        target = stmt.targets[0]
        buffer, slot = target.value.id, ast.dump(target.slice)
        if sum(buffer in _bases(other) for other in stmts) != 1:
            return None
        name = fresh(f"{buffer}_{t}")
        named = ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], stmt.value), stmt)
        write = ast.copy_location(ast.Assign([tree_copy(target)], ast.Name(name, ast.Load())), stmt)

        class Slot(ast.NodeTransformer):
            def visit_Subscript(self, node):
                if isinstance(node.value, ast.Name) and node.value.id == buffer and isinstance(node.ctx, ast.Load):
                    if ast.dump(node.slice) != slot:
                        raise LookupError  # (another slot of the output read after the write)
                    return ast.copy_location(ast.Name(name, ast.Load()), node)
                return self.generic_visit(node)
        try:
            later = [Slot().visit(tree_copy(other)) for other in stmts[k + 1:]]
        except LookupError:
            return None
        stmts[k:] = [named, write] + later
    return [ast.fix_missing_locations(stmt) for stmt in stmts]


def _chosen(stmt, buffers, params, t):
    """``prev = h0``, ``prev = h[:, t - 1, :]``: a name given what a step layer may be passed."""
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
        _read_arg(stmt.value, buffers, params, t)


def _read_arg(value, buffers, params, t):
    """A name, or a slot of an output or a slice of a parameter by the step (``h[:, t - 1, :]``)."""
    return isinstance(value, ast.Name) or isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) \
        and (value.value.id in buffers or value.value.id in params) and _by_step(value.slice, t)


def _by_step(index, t):
    """Whether an index reads only the step ``t`` and numbers (``:, t, :``, ``t - 1``)."""
    return all(not isinstance(n, ast.Name) or n.id == t for n in walk(index)) and \
        not any(isinstance(n, (ast.Call, ast.Attribute, ast.Subscript)) for n in walk(index))


def _split(stmt):
    """``prev_h, prev_c = next_h, next_c``: one renaming a line (no name on both sides)."""
    return [ast.copy_location(ast.Assign([ast.Name(a.id, ast.Store())], ast.Name(b.id, ast.Load())), stmt)
            for a, b in zip(stmt.targets[0].elts, stmt.value.elts)]


def _items(collect):
    value = collect.value.args[0] if isinstance(collect, ast.Expr) else collect.value
    return list(value.elts)



def _loaded(node):
    loads = {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loads | {n.target.id for n in walk(node) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}


def _stored(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}


def _bases(node):
    """The names whose items a statement writes (``h`` of ``h[:, t] = next_h``)."""
    return {n.value.id for n in walk(node) if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
            and not isinstance(n.ctx, ast.Load)}


def _plain_assign(stmt):
    """A statement whose names stored are set whenever it runs (no branch or loop of its own)."""
    return isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr))


def _ordered_loads(stmt):
    """The names a statement reads, in the order they are written (an augmented target first)."""
    found = [stmt.target.id] if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) else []
    nodes = sorted((n for n in walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)),
                   key=lambda n: (n.lineno, n.col_offset) if hasattr(n, "lineno") else (0, 0))
    return list(dict.fromkeys(found + [n.id for n in nodes]))


def _ordered_stores(stmt):
    nodes = sorted((n for n in walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)),
                   key=lambda n: (n.lineno, n.col_offset) if hasattr(n, "lineno") else (0, 0))
    return list(dict.fromkeys(n.id for n in nodes))
