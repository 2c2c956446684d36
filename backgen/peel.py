"""Loop peeling: a loop's first iteration written out before the loop.

Contract: ``peeled(func, lineno, col, inside=False) -> ast.FunctionDef | None``.
``func`` with the loop at ``lineno``/``col`` (0-based column, as the AST has
it; with ``inside``, the innermost loop holding that place) replaced by its
first iteration followed by the loop over the rest; None where that is not
the same program or is not known to be.  A ``for`` over a ``range``
of integer literals (or ``reversed`` of one) or a tuple or list display with
at least one item binds its target to the first item, then the body runs
once, then the loop goes over the other items; one over a ``range`` of other
bounds, or over a name's rows (``for row in X``, ``enumerate(X)``,
``zip(A, B)``), is written so under the test that it runs.  A ``while`` must have a test
that is true on entry as the code before it in its block says (``k = 0``
then ``while k < 2``): the body runs once, then the loop as it was.  A
``continue`` in an ``if`` of the body ends that path of the iteration written
out (what follows that ``if`` written into each path that goes on).  A body
holding a ``break`` of its own (in an ``if`` only) is written out as well
(under the test that the loop runs where it may not): the loop over the other
items (or its ``else`` clause) follows on each path that does not break.

A value the loop carries may change shape in its first iteration only
(``h = x[0]``, then ``h = h * 0.5 + W`` grows it to ``W``'s shape): written
out, that iteration gives it a shape of its own and the loop keeps one.  The
copied statements keep their line numbers, so the code staged from them still
points at the user's lines.

``unrolled(func, lineno, col, inside=False, known=None) -> ast.FunctionDef | None``:
``func`` with that loop written out whole, every iteration its own straight-line
block, for a value whose shape changes in every iteration (``values =
values[1:] + values[:-1]``).  Only a ``for`` whose items are known as the code is
written, at most ``MAX_UNROLLED`` of them: a ``range`` (or ``reversed`` of one)
whose bounds are integer literals or names ``known`` binds (the integers the
function is called with, which it never rebinds), sizes of the arrays it is called with (``shapes``:
``x.shape[0]``, ``len(x)``, ``x.size``, ``int(np.log2(n))`` of a name bound once to one before the loop,
``N, D = x.shape``; read as the loop starts, before the function rebinds the array) or ``len`` of a list
written out that the function
binds once and never changes (``layer_sizes = [1, 4, 1]``), or a tuple or list display; such a list
itself, a slice of it with literal bounds, and ``zip`` and ``enumerate`` of all those (``for m, n in
zip(layer_sizes[:-1], layer_sizes[1:])``), each item read by its index (``m, n = layer_sizes[0],
layer_sizes[1]``); a list the function fills by appends alone (``layers = []``, then ``layers.append((W,
b))`` in a loop over such items, no ``if`` on the way) before that loop, of as many items as those appends
run (``_appended_lists``);
its body holding no ``break`` of its own (a ``continue`` ends its iteration's
path, as above).  None otherwise: the loop is left for the caller to refuse.
"""

import ast
import warnings

import numpy as np

from .source import bind_counts, fresh_names, name_ids, own_jumps, statements, tree_copy, walk
from .tails import _WRITING_METHODS as TAILS_WRITING_METHODS

_BLOCKS = ("body", "orelse", "finalbody")
_COMPARE = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.cmpop, ast.boolop,
            ast.Not, ast.USub)


def peeled(func, lineno, col, inside=False):
    """``func`` with the loop at ``lineno``/``col`` (``inside``: the innermost loop holding that
    place) peeled once, or None (see the module)."""
    if inside:
        loops = [node for node in statements(func)[1:] if isinstance(node, (ast.For, ast.While))
                 and (node.lineno, node.col_offset) < (lineno, col) <= (node.end_lineno, node.end_col_offset)]
        if not loops:
            return None
        loop = max(loops, key=lambda node: (node.lineno, node.col_offset))
        lineno, col = loop.lineno, loop.col_offset
    func = tree_copy(func)
    return ast.fix_missing_locations(func) if _peel_in(func, (lineno, col), name_ids(func), sizes(func)) \
        else None


MAX_UNROLLED = 16  # iterations a loop may be written out as
_BOUND_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
              ast.FloorDiv: lambda a, b: a // b if b else None}


def loop_place(func, lineno, col, inside=False):
    """``(lineno, col)`` of the loop at that place (``inside``: the innermost loop holding it), or None."""
    loops = [node for node in statements(func)[1:] if isinstance(node, (ast.For, ast.While))
             and ((node.lineno, node.col_offset) < (lineno, col) <= (node.end_lineno, node.end_col_offset)
                  if inside else (node.lineno, node.col_offset) == (lineno, col))]
    if not loops:
        return None
    loop = max(loops, key=lambda node: (node.lineno, node.col_offset))
    return loop.lineno, loop.col_offset


def unrolled(func, lineno, col, inside=False, known=None, lists=None, shapes=None):
    """``func`` with the loop at ``lineno``/``col`` (``inside``: the innermost loop holding that place)
    written out whole, or None (see the module).  ``known``: names bound to integers throughout;
    ``lists``: ``{parameter: length}`` of lists of integers it is called with; ``shapes``: ``{parameter:
    shape}`` of the arrays it is called with (code for those sizes)."""
    place = loop_place(func, lineno, col, inside)
    if place is None:
        return None
    func = tree_copy(func)
    used = name_ids(func)
    assigned = _assigned(func)
    known = {name: value for name, value in (known or {}).items() if name not in assigned}  # (a name the
    # function rebinds: not known)
    top = next((stmt for stmt in func.body if (stmt.lineno, stmt.col_offset) == place), None)
    before = _assigned(*func.body[:func.body.index(top)]) if top is not None else assigned  # (a loop of the
    shapes = {name: shape for name, shape in (shapes or {}).items() if name not in before}  # body reads its
    if shapes:  # range as it starts: the arrays as given where nothing before it rebinds them, v = v[1:] after)
        known.update(_sized_names(func, place, known, shapes, bind_counts(func)))
    given = lists
    lists = _fixed_lists(func, given)
    lists.update(_appended_lists(func, known, lists, place))
    found = []

    def visit(node):
        for field in _BLOCKS:
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            out = []
            for stmt in block:
                if isinstance(stmt, ast.For) and (stmt.lineno, stmt.col_offset) == place:
                    written = _all_written_out(stmt, known, used, lists, shapes)
                    found.append(written is not None)
                    out += [stmt] if written is None else written
                    continue
                if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(stmt)
                out.append(stmt)
            block[:] = out
        for handler in getattr(node, "handlers", []):
            visit(handler)

    visit(func)
    if not found or not all(found):
        return None
    return ast.fix_missing_locations(func)


def _assigned(*trees):
    """The names ``trees`` assign (stored or deleted anywhere in them)."""
    return {node.id for tree in trees for node in walk(tree)
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}


def _all_written_out(loop, known, used, lists=None, shapes=None):
    """The statements of the ``for`` ``loop`` written out, each iteration after the other, or None."""
    items = _known_items(loop.iter, known, lists or {}, shapes)
    if not items or len(items) > MAX_UNROLLED or loop.orelse and own_jumps(loop.body):
        return None
    binds = []
    if isinstance(loop.iter, (ast.Tuple, ast.List)):  # (Python reads them all as the loop starts)
        changed = _written(loop.body + [loop.target])
        fresh = fresh_names(set(used), bare=True)
        for k, item in enumerate(items):
            if name_ids(item) & changed:
                name = fresh("item")
                used.add(name)
                binds.append(ast.copy_location(ast.Assign(targets=[ast.Name(name, ast.Store())], value=item), item))
                items[k] = ast.copy_location(ast.Name(name, ast.Load()), item)
    out = list(binds)
    for item in items:
        body = tree_copy(loop.body)
        if own_jumps(body):
            body = _without_continue(body)
            if body is None:
                return None
        bind = ast.copy_location(ast.Assign(targets=[tree_copy(loop.target)], value=tree_copy(item)), loop)
        bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
        out += [bind, *body]
    return out + tree_copy(loop.orelse)


def _known_items(iterable, known, lists=None, shapes=None):
    """The items' expressions of a display, or the numbers (as literals) of a ``range`` whose bounds
    ``_bound`` knows (or ``reversed`` of one); of a list ``lists`` holds (``for s in SIZES``), or a slice of
    one with literal bounds (``SIZES[1:]``), each item read by its index (``SIZES[1]``); of ``zip`` and
    ``enumerate`` of those, the tuples they make; None otherwise."""
    lists = lists or {}
    if isinstance(iterable, (ast.Tuple, ast.List)):
        if any(isinstance(e, ast.Starred) for e in iterable.elts):
            return None
        return list(iterable.elts)
    listed = _list_items(iterable, lists)
    if listed is not None:
        return listed if len(listed) <= MAX_UNROLLED else None
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and not iterable.keywords and \
            iterable.func.id in ("zip", "enumerate") and iterable.args and \
            not any(isinstance(a, ast.Starred) for a in iterable.args):
        if iterable.func.id == "enumerate":
            start = _bound(iterable.args[1], known, lists, shapes) if len(iterable.args) == 2 else 0
            items = _known_items(iterable.args[0], known, lists, shapes) if len(iterable.args) <= 2 else None
            if start is None or items is None:
                return None
            return [ast.copy_location(ast.Tuple([ast.copy_location(ast.Constant(start + k), item), item], ast.Load()),
                                      item) for k, item in enumerate(items)]
        columns = [_known_items(arg, known, lists, shapes) for arg in iterable.args]
        if any(column is None for column in columns):
            return None
        return [ast.copy_location(ast.Tuple(list(row), ast.Load()), iterable) for row in zip(*columns)]
    backwards = _call_of(iterable, "reversed", 1)
    call = iterable.args[0] if backwards else iterable
    if not any(_call_of(call, "range", count) for count in (1, 2, 3)):
        return None
    bounds = [_bound(arg, known, lists, shapes) for arg in call.args]
    if None in bounds or len(bounds) == 3 and bounds[2] == 0:
        return None
    numbers = range(*bounds)
    if len(numbers) > MAX_UNROLLED:
        return None
    return [ast.copy_location(ast.Constant(n), iterable) for n in (reversed(numbers) if backwards else numbers)]


def _list_items(node, lists):
    """``NAME[k]`` for each item of a list ``lists`` holds (``NAME``), or of a slice of it whose bounds are
    integer literals (``NAME[:-1]``, ``NAME[1:]``); None for anything else."""
    if isinstance(node, ast.Name) and node.id in lists:
        indices = range(lists[node.id])
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in lists and \
            isinstance(node.slice, ast.Slice) and isinstance(node.ctx, ast.Load):
        given = (node.slice.lower, node.slice.upper, node.slice.step)
        parts = [None if part is None else _bound(part, {}) for part in given]
        if any(value is None and part is not None for value, part in zip(parts, given)) or parts[2] == 0:
            return None
        indices = range(lists[node.value.id])[slice(*parts)]
        node = node.value
    else:
        return None
    return [ast.copy_location(ast.Subscript(ast.Name(node.id, ast.Load()), ast.Constant(k), ast.Load()), node)
            for k in indices]


def _fixed_lists(func, given=None):
    """``{name: length}`` of the lists and tuples written out (no starred item) that ``func`` binds once, by
    ``name = [...]``, and reads only by index, ``len``, as a loop's sequence or an argument of ``zip``,
    ``enumerate`` and ``reversed``: their length, and what each item is, never change; and of the names
    bound once to one of them (``sizes = layer_sizes``, a generator's parameter bound to its argument), to
    a slice of one with literal bounds (``seq = layer_sizes[:-1]``, as ``zip`` over slices is desugared)
    or to ``list`` (``tuple``) of ``zip`` or ``enumerate`` of those (``shapes = list(zip(layer_sizes[:-1],
    layer_sizes[1:]))``), read so too.  ``given``: ``{parameter: length}`` of the lists of integers the
    function is called with (the decorator's code is for their values), which it never binds."""
    sizes, stores, derived, made = {}, bind_counts(func), {}, {}
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}
    sizes.update({name: n for name, n in (given or {}).items() if name in params and stores.get(name) == 2})
    for node in walk(func):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        if isinstance(node.value, (ast.List, ast.Tuple)) and \
                not any(isinstance(e, ast.Starred) for e in node.value.elts):
            sizes[node.targets[0].id] = len(node.value.elts)
        elif isinstance(node.value, ast.Name) or isinstance(node.value, ast.Subscript) and \
                isinstance(node.value.slice, ast.Slice) and isinstance(node.value.value, ast.Name):
            derived[node.targets[0].id] = node.value
        elif any(_call_of(node.value, kind, 1) for kind in ("list", "tuple")) and \
                any(_call_of(node.value.args[0], kind, count) for kind in ("zip", "enumerate") for count in (1, 2, 3)):
            made[node.targets[0].id] = node.value.args[0]  # (a list of the tuples zip makes, once)
    sizes = {name: n for name, n in sizes.items() if stores.get(name) == 1 or name in (given or {})}
    derived = {name: value for name, value in derived.items() if stores.get(name) == 1 and name not in sizes}
    made = {name: value for name, value in made.items() if stores.get(name) == 1 and name not in sizes}
    changed = True
    while changed:  # (in order of dependence: a slice of an alias of a list)
        changed = False
        for name, value in made.items():
            items = _known_items(value, {}, sizes) if name not in sizes else None
            if items is not None:
                sizes[name], changed = len(items), True
        for name, value in derived.items():
            if name not in sizes:
                items = _list_items(value, sizes) if isinstance(value, ast.Subscript) or value.id in sizes else None
                if items is not None:
                    sizes[name], changed = len(items), True
    if not sizes:
        return sizes
    base = {name: (value.id if isinstance(value, ast.Name) else value.value.id) for name, value in derived.items()
            if name in sizes}
    aliases = {name for name, value in derived.items() if name in sizes and isinstance(value, ast.Name)}
    parents = {id(child): parent for parent in walk(func) for child in ast.iter_child_nodes(parent)}
    refused = set()
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id in sizes and isinstance(node.ctx, ast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load) and \
                not isinstance(parents.get(id(parent)), (ast.Attribute, ast.AugAssign)):
            continue  # (SIZES[0], SIZES[1:]: read; SIZES[0].append(...), SIZES[0] += ...: not)
        if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
            continue
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name) and \
                parent.func.id in ("len", "zip", "enumerate", "reversed"):
            continue
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 and \
                isinstance(parent.targets[0], ast.Name) and parent.targets[0].id in aliases:
            continue  # (another name of it, read so in turn)
        refused.add(node.id)
    changed = True
    while changed:  # an alias read otherwise: its list is none either; a list that is none: nor what is made of it
        changed = False
        for name, value in made.items():
            if name in sizes and name not in refused and name_ids(value) & refused:
                refused.add(name)
                changed = True
        for name, of in base.items():
            if (name in refused) != (of in refused) and (name in aliases or of in refused):
                refused |= {name, of}
                changed = True
    return {name: n for name, n in sizes.items() if name not in refused}


def _appended_lists(func, known, lists, place):
    """``{name: length}`` of the lists ``func`` binds once, to ``[]`` by a statement of its body, and fills
    by ``name.append(v)`` statements alone, each in that body or in ``for`` loops whose items are known
    (``_known_items``: ``for m, n in [(2, 4), (4, 1)]``, no ``break``, ``continue`` or ``else``; nothing else
    on the way, no ``if``), all in statements of the body before the one holding the loop at ``place``
    whose sequence reads it: read otherwise only by index, ``len`` and as a loop's sequence, its length is the
    number of appends those loops run (``layers.append((W, b))`` once per layer), each item ``name[k]``."""
    stores = bind_counts(func)
    empty = {stmt.targets[0].id for stmt in func.body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
             and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.List) and not stmt.value.elts
             and stores.get(stmt.targets[0].id) == 1 and stmt.targets[0].id not in lists}
    at = next((k for k, stmt in enumerate(func.body) if any(  # (the loop reading one: a helper's loop written
        isinstance(n, ast.For) and (n.lineno, n.col_offset) == place and name_ids(n.iter) & empty  # out at the
        for n in walk(stmt))), None)  # call may stand at the same place)
    if not empty or at is None:
        return {}
    parents = {id(child): parent for parent in walk(func) for child in ast.iter_child_nodes(parent)}
    appends, refused = {}, set()
    for node in walk(func):  # each read: an append standing alone, an index, len, a loop's sequence
        if not (isinstance(node, ast.Name) and node.id in empty and isinstance(node.ctx, ast.Load)):
            continue
        parent = parents.get(id(node))
        call = parents.get(id(parent))
        if isinstance(parent, ast.Attribute) and parent.attr == "append" and isinstance(call, ast.Call) and \
                call.func is parent and len(call.args) == 1 and not call.keywords and \
                isinstance(parents.get(id(call)), ast.Expr):
            appends[id(parents[id(call)])] = node.id
        elif not (isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load)
                  and not isinstance(parent.slice, ast.Slice) or
                  isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node or
                  _call_of(parent, "len", 1)):
            refused.add(node.id)
    counts = dict.fromkeys(empty, 0)

    def visit(stmts, times):
        for stmt in stmts:
            if id(stmt) in appends:
                counts[appends[id(stmt)]] += times
                continue
            items = _known_items(stmt.iter, known, lists) if isinstance(stmt, ast.For) else None
            if items is not None and not stmt.orelse and not own_jumps(stmt.body):
                visit(stmt.body, times * len(items))
            else:  # (an if, a while, a loop of items not known: how often it appends is not known)
                refused.update(appends[id(n)] for n in walk(stmt) if id(n) in appends)
    visit(func.body[:at], 1)
    for stmt in func.body[at:]:  # (an append at or after the loop reading the list)
        refused.update(appends[id(n)] for n in walk(stmt) if id(n) in appends)
    return {name: n for name, n in counts.items() if name not in refused and 0 < n <= MAX_UNROLLED}


def _bound(node, known, lists=None, shapes=None):
    """The integer ``node`` is: a literal, a name ``known`` binds, ``len`` of a list ``lists`` holds, a size of
    an array ``shapes`` gives (``x.shape[0]``, ``len(x)``, ``x.size``, ``x.ndim``), ``int`` of a number made
    of those (``int(np.log2(n))``, ``int(n / 2)``), or ``+ - * //`` of those; else None."""
    if isinstance(node, ast.Constant):
        return node.value if type(node.value) is int else None
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if _call_of(node, "len", 1) and isinstance(node.args[0], ast.Name) and node.args[0].id in (lists or {}):
        return lists[node.args[0].id]
    size = _array_size(node, shapes) if shapes else None
    if size is not None:
        return size
    if _call_of(node, "int", 1) and shapes:  # (a whole number of a computation: int(np.log2(n)))
        value = _number(node.args[0], known, lists, shapes)
        return int(value) if value is not None and np.isfinite(value) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max") and \
            len(node.args) > 1 and not node.keywords:  # (range(min(len(seq), len(seq1))): zip desugared)
        values = [_bound(arg, known, lists, shapes) for arg in node.args]
        return None if None in values else (min if node.func.id == "min" else max)(values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _bound(node.operand, known, lists, shapes)
        return None if value is None else -value
    if isinstance(node, ast.BinOp) and type(node.op) in _BOUND_OPS:
        left, right = _bound(node.left, known, lists, shapes), _bound(node.right, known, lists, shapes)
        return None if left is None or right is None else _BOUND_OPS[type(node.op)](left, right)
    return None


def _array_size(node, shapes):
    """The size ``node`` reads of an array whose shape ``shapes`` gives (``x.shape[k]``, ``len(x)``, ``x.size``,
    ``x.ndim``); else None."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and isinstance(node.value.value, ast.Name) and node.value.value.id in shapes and \
            isinstance(node.slice, ast.Constant) and type(node.slice.value) is int:
        shape, k = shapes[node.value.value.id], node.slice.value
        return shape[k] if -len(shape) <= k < len(shape) else None
    if _call_of(node, "len", 1) and isinstance(node.args[0], ast.Name) and node.args[0].id in shapes:
        shape = shapes[node.args[0].id]
        return shape[0] if shape else None
    if isinstance(node, ast.Attribute) and node.attr in ("size", "ndim") and isinstance(node.value, ast.Name) and \
            node.value.id in shapes:
        shape = shapes[node.value.id]
        return int(np.prod(shape)) if node.attr == "size" else len(shape)
    return None


_NUMBER_CALLS = {"log2": np.log2, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "ceil": np.ceil,
                 "floor": np.floor}


def _number(node, known, lists, shapes):
    """The number (a float) ``node`` computes of integers ``_bound`` knows, with ``/``, ``**`` and NumPy's or
    ``math``'s ``log2``, ``log``, ``log10``, ``sqrt``, ``ceil``, ``floor``; else None."""
    value = _bound(node, known, lists, shapes)
    if value is not None:
        return float(value)
    if isinstance(node, ast.Constant) and type(node.value) is float:
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in (ast.Div, ast.Pow, ast.Add, ast.Sub, ast.Mult):
        left, right = _number(node.left, known, lists, shapes), _number(node.right, known, lists, shapes)
        if left is None or right is None or isinstance(node.op, ast.Div) and right == 0:
            return None
        with np.errstate(all="ignore"):
            return float({ast.Div: np.divide, ast.Pow: np.power, ast.Add: np.add, ast.Sub: np.subtract,
                          ast.Mult: np.multiply}[type(node.op)](left, right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
            and node.func.value.id in ("np", "numpy", "math") and node.func.attr in _NUMBER_CALLS and \
            len(node.args) == 1 and not node.keywords:
        value = _number(node.args[0], known, lists, shapes)
        with np.errstate(all="ignore"):
            return None if value is None else float(_NUMBER_CALLS[node.func.attr](value))
    return None


def _sized_names(func, place, known, shapes, stored):
    """``{name: integer}`` for the names the body's top-level statements before the one holding the loop at
    ``place`` bind, each once in the whole function, to a size ``_bound`` knows (``n = len(x)``, ``levels =
    int(np.log2(n))``, ``N, D = x.shape``)."""
    found = dict(known)
    for stmt in func.body:
        if stmt.lineno <= place[0] <= stmt.end_lineno:
            break
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name) and stored.get(target.id) == 1:
            size = _bound(value, found, None, shapes)
            if size is not None:
                found[target.id] = size
        elif isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) and stored.get(t.id) == 1
                                                    for t in target.elts) and \
                isinstance(value, ast.Attribute) and value.attr == "shape" and isinstance(value.value, ast.Name) \
                and value.value.id in shapes and len(shapes[value.value.id]) == len(target.elts):
            found.update((t.id, n) for t, n in zip(target.elts, shapes[value.value.id]))
    return {name: size for name, size in found.items() if name not in known}


def _peel_in(node, place, used, sizes=None):
    """Peel the loops at ``place`` in the blocks of ``node`` (not in functions defined there): every
    copy of it (what follows an if written into each path copies a loop, at the same place), each
    once; ``used``: the names of the whole function, which a name written out must not be.  True
    where one was peeled and none of them refused it."""
    found = _peel_all(node, place, used, sizes)
    return bool(found) and None not in found


def _peel_all(node, place, used, sizes=None):
    """The outcomes (True, or None where one refused) of peeling each loop at ``place`` in ``node``."""
    found = []
    for field in _BLOCKS:
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        out = []
        for index, stmt in enumerate(block):
            if isinstance(stmt, (ast.For, ast.While)) and (stmt.lineno, stmt.col_offset) == place:
                written = _written_out(stmt, block[:index], used)
                if written is not None and sizes is not None:  # (none annotated: the statements before may decide)
                    written = known_to_run(written, sizes, block[:index])
                found.append(None if written is None else True)
                out += [stmt] if written is None else written  # (the statements written: not again)
                continue
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found += _peel_all(stmt, place, used, sizes)
            out.append(stmt)
        block[:] = out
    for handler in getattr(node, "handlers", []):
        found += _peel_all(handler, place, used, sizes)
    return found


def _written_out(loop, before, used):
    """The statements of ``loop`` peeled once (``before``: its block up to it), or None (``loop``
    itself as it was: the statements are written from a copy)."""
    if own_jumps(loop.body, (ast.Break,)):  # (the iteration written out goes on to the loop where it does not break)
        return _breaking_written_out(loop, before, used)
    body = _without_continue(tree_copy(loop.body)) if own_jumps(loop.body) else tree_copy(loop.body)
    if body is None:
        return None
    loop = tree_copy(loop)
    if isinstance(loop, ast.While):
        if not _true_on_entry(loop.test, before):
            return _guarded(tree_copy(loop.test), [*body, loop], loop)
        if not own_jumps(loop.body) and _decided(loop.test, before + body) is False:
            return [*body, *loop.orelse]  # (k = 0; while k < 1: k = k + 1: the test false after it, no loop left)
        return [*body, loop]
    items = _items(loop.iter)
    if items is None:
        return _range_written_out(loop, body, used) or _sequence_written_out(loop, body, used)
    first, rest = items
    bind = ast.copy_location(ast.Assign(targets=[tree_copy(loop.target)], value=first), loop)
    bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
    if rest is None:  # one item: no loop left (its else clause runs, as after any loop without break)
        return [bind, *body, *loop.orelse]
    loop.iter = rest
    return _items_first(rest, body, loop, used) + [bind, *body, loop]


_SIZE_BUILTINS = {"len": len, "min": min, "max": max}
_MODULES = frozenset({"np", "numpy", "math"})


class Sizes(dict):
    """``{parameter: an array of its shape}`` (``sizes``); ``once``: the names the function binds
    once only, by a plain assignment (``seq = W.T``, which a rewrite wrote before a loop)."""
    once = frozenset()


def sizes(func):
    """The ``Sizes`` of ``func``: the parameters whose annotations give a shape (``X: "4, 3"``),
    each an array of that shape holding nothing (``np.broadcast_to``), and those annotated
    ``float`` (0.0), the sizes a peeled loop's test that it runs may be decided by.  Not a
    parameter the function binds anew (``X = X[1:]``): its annotation no longer tells its shape."""
    found = Sizes()
    stores = [node.id for node in walk(func) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)]
    for arg in func.args.args:
        note = arg.annotation
        if arg.arg in stores or arg.arg in found:
            continue
        if isinstance(note, ast.Name) and note.id == "float":
            found[arg.arg] = 0.0  # (a number: its value gives no size but by a comparison, or a call of
            continue  # int, round, np.arange..., which the sizes are not worked out with)
        if isinstance(note, ast.Constant) and isinstance(note.value, str):
            try:
                dims = tuple(int(part) for part in note.value.replace(" ", "").split(",") if part)
                found[arg.arg] = np.broadcast_to(0.0, dims)  # (of the shape, holding nothing)
            except ValueError:
                continue
    single = {node.targets[0].id for node in walk(func) if isinstance(node, ast.Assign)
              and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
    found.once = frozenset(name for name in single if stores.count(name) == 1)
    return found


def known_to_run(written, known, before=()):
    """``written`` (a loop written out) with its test that the loop runs (``if 0 < len(X):``) left
    out where ``known`` (``sizes``: the shapes the function's annotations give) decide it (``X: "4,
    3"``), the bounds it binds first (``stop = X.shape[0] - 1``) computed from them too, and what the
    statements ``before`` it in its block bind once (``seq = W.T``, a name ``known.once`` holds)
    where the sizes give it (or numbers and lists written out alone give it: ``layer_sizes = [1, 4, 1]``,
    ``seq = layer_sizes[:-1]``, with no annotation); ``written`` as it is otherwise (a name the loop
    alone sets is then unset where it did not run, which the stager refuses to read)."""
    guard = written[-1] if written else None
    if known is None or not (isinstance(guard, ast.If) and getattr(guard, "peeled_loop", False)):
        return written
    if any(_data_dependent(node) for node in [*written[:-1], *ast.iter_child_nodes(guard.test)]):
        return written  # (a mask's length, X[X > 0]: not what arrays of zeros have)
    values = dict(known)
    with np.errstate(all="ignore"), warnings.catch_warnings():  # (X / s at s = 0.0: a shape all the same)
        warnings.simplefilter("ignore")
        for stmt in before:  # (a name bound once, here: its value where the loop starts, where the sizes give it)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and stmt.targets[0].id in known.once and not _data_dependent(stmt.value):
                try:
                    _run_on_sizes(stmt, values)
                except Exception:  # noqa: BLE001 (a value the sizes do not give)
                    values.pop(stmt.targets[0].id, None)
        try:
            for bind in written[:-1]:
                _run_on_sizes(bind, values)
            test = ast.fix_missing_locations(ast.Expression(tree_copy(guard.test)))
            runs = eval(compile(test, "<sizes>", "eval"), {"__builtins__": _SIZE_BUILTINS}, values)
        except Exception:  # noqa: BLE001 (a test these shapes do not decide)
            return written
    if runs is not True:
        return written
    return written[:-1] + guard.body


def _data_dependent(node):
    """Whether ``node`` holds a comparison (``X[X[:, 0] > 0]``): a size it gives may hang on the data,
    which the arrays of zeros ``sizes`` makes do not hold."""
    return any(isinstance(n, (ast.Compare, ast.BoolOp)) for n in walk(node))


def _run_on_sizes(stmt, values):
    code = ast.fix_missing_locations(ast.Module([tree_copy(stmt)], []))
    exec(compile(code, "<sizes>", "exec"), {"__builtins__": _SIZE_BUILTINS}, values)


def _breaking_written_out(loop, before, used):
    """``_written_out`` of a loop whose body holds a ``break`` of its own: the first iteration written
    out with what follows it (the loop over the other items, or the ``else`` clause where there are
    none) on each of its paths that does not break, a path that breaks ending there (``if c: break``
    then ``rest``: ``if c: pass else: rest; loop``), under the loop's test where a ``while`` is not
    known to run, as for a ``for`` of items not known (``_range_written_out``,
    ``_sequence_written_out``); None where a jump is anywhere but in an ``if``, or no way writes the
    loop out."""
    loop = tree_copy(loop)
    if isinstance(loop, ast.While):
        body = _one_iteration(tree_copy(loop.body), [loop])
        if body is None or _true_on_entry(loop.test, before):
            return body
        return _guarded(tree_copy(loop.test), body or [ast.copy_location(ast.Pass(), loop)], loop)
    items = _items(loop.iter)
    if items is None:  # (a range of other bounds, a name's rows: under the test that the loop runs)
        body = tree_copy(loop.body)

        def iteration(rest):
            return _one_iteration(tree_copy(body), [rest])
        return _range_written_out(loop, body, used, iteration) or _sequence_written_out(loop, body, used,
                                                                                          iteration)
    first, rest = items
    bind = ast.copy_location(ast.Assign(targets=[tree_copy(loop.target)], value=first), loop)
    bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
    if rest is None:  # one item: no loop left (its else clause runs where the iteration did not break)
        body = _one_iteration(tree_copy(loop.body), loop.orelse)
        return None if body is None else [bind, *body]
    loop.iter = rest
    binds = _items_first(rest, loop.body, loop, used)
    body = _one_iteration(tree_copy(loop.body), [loop])
    return None if body is None else binds + [bind, *body]


def _items_first(display, body, loop, used):
    """The items of ``display`` (the items after the first) that read a name the body or the target
    binds, bound to names of their own before the first iteration (Python reads them all as the loop
    starts): ``[x, y]`` where the body sets ``y``.  Those items are then read by those names."""
    if not isinstance(display, (ast.Tuple, ast.List)):
        return []
    changed = _written(body + [loop.target])
    fresh, binds = fresh_names(set(used), bare=True), []
    for k, item in enumerate(display.elts):
        if name_ids(item) & changed:
            name = fresh("item")
            used.add(name)
            binds.append(ast.copy_location(ast.Assign(targets=[ast.Name(name, ast.Store())], value=item), item))
            display.elts[k] = ast.copy_location(ast.Name(name, ast.Load()), item)
    return binds


def _guarded(test, statements, loop):
    """``if test: statements``, at the loop's place (a loop that may not run: its first iteration is
    written out where it does); None for a loop with an ``else`` clause, or one written out so once
    already: how many iterations the sizes run decides how often that could go on, and the loop left
    would have the shapes of the sample's last iterations only."""
    if loop.orelse or getattr(loop, "guarded_peel", False):
        return None
    loop.guarded_peel = True  # (kept by the copies made of the function)
    for node in (n for statement in statements for n in walk(statement)):
        if isinstance(node, (ast.For, ast.While)) and (node.lineno, node.col_offset) == (loop.lineno, loop.col_offset):
            node.guarded_peel = True  # (the loop's copies on the paths of an iteration that may break)
    guard = ast.copy_location(ast.If(test=test, body=statements, orelse=[]), loop)
    guard.peeled_loop = True  # (the test that the loop runs: sentinels.known_to_run may decide it)
    return [guard]


def _range_written_out(loop, body, used, iteration=None):
    """``for i in range(start, stop, step)`` (bounds of any value, ``step`` an integer literal) peeled
    where it runs: ``if start < stop: i = start; <body>; for i in range(start + step, stop, step): ...``,
    bounds the body (or the target) may change bound first to names of their own; else None.
    ``iteration(loop)``: the statements of the body and the loop left, where not ``[*body, loop]``
    (a body that breaks: ``_one_iteration``), or None."""
    if not any(_call_of(loop.iter, "range", count) for count in (1, 2, 3)):
        return None
    args = list(loop.iter.args)
    step = _integer(args[2]) if len(args) == 3 else 1
    if not step:
        return None
    start, stop = (ast.Constant(0), args[0]) if len(args) == 1 else (args[0], args[1])
    changed = _written(body + [loop.target])
    fresh = fresh_names(set(used), bare=True)
    binds = []
    bounds = []
    for role, bound in (("start", start), ("stop", stop)):
        if isinstance(bound, ast.Constant) or not name_ids(bound) & changed and all(
                not isinstance(n, (ast.Call, ast.NamedExpr)) or _call_of(n, "len", 1) for n in walk(bound)):
            bounds.append(bound)  # (the same after the first iteration as before it: n, X.shape[0], len(xs))
            continue
        name = fresh(role)
        binds.append(ast.copy_location(ast.Assign(targets=[ast.Name(name, ast.Store())], value=bound), loop))
        bounds.append(ast.Name(name, ast.Load()))
    start, stop = bounds
    test = ast.Compare(left=tree_copy(start), ops=[ast.Lt() if step > 0 else ast.Gt()],
                       comparators=[tree_copy(stop)])
    bind = ast.copy_location(ast.Assign(targets=[tree_copy(loop.target)], value=tree_copy(start)), loop)
    bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
    after = ast.Constant(start.value + step) if isinstance(start, ast.Constant) and type(start.value) is int \
        else ast.BinOp(left=tree_copy(start), op=ast.Add(), right=ast.Constant(step))
    loop.iter = ast.copy_location(ast.Call(func=ast.Name("range", ast.Load()),
                                           args=[after, tree_copy(stop)] + ([ast.Constant(step)] if step != 1 else []),
                                           keywords=[]), loop.iter)
    statements = [*body, loop] if iteration is None else iteration(loop)
    if statements is None:
        return None
    guarded = _guarded(test, [bind, *statements], loop)
    return None if guarded is None else binds + guarded


def _sequence_written_out(loop, body, used, iteration=None):
    """``for row in X``, ``for i, row in enumerate(X)`` or ``for a, b in zip(A, B[::-1])`` peeled where
    it runs: ``if 0 < len(X): row = X[0]; <body>; for row in X[1:]: ...`` (the rows after the first are
    those of ``X[1:]``, an array's or a list's alike), what is iterated a name, an attribute or an
    index of names the body and the target leave alone, calling nothing; else None.  Where the body
    (or the target) binds such a name again, by ``=`` only (``X = X.reshape(-1)``), what is iterated
    is first given a name of its own, which the loop written out iterates as Python iterates the
    object it read as the loop started: ``rows = X``, then ``rows[0]``, ``rows[1:]``; so is any
    other expression iterated (``for row in X * s``, ``np.tanh(X)``), computed once.  ``iteration``:
    as for ``_range_written_out``."""
    rebound = _rebound(body + [loop.target])
    changed = _written(body + [loop.target]) - rebound
    iterable, start, zipped = loop.iter, None, False
    if _call_of(iterable, "enumerate", 1) or _call_of(iterable, "enumerate", 2) and \
            _integer(iterable.args[1]) is not None:
        start = _integer(iterable.args[1]) if len(iterable.args) == 2 else 0
        sequences = iterable.args[:1]
    elif isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "zip" \
            and iterable.args and not iterable.keywords:
        sequences, zipped = list(iterable.args), True
    else:
        sequences = [iterable]
    if any(isinstance(n, (ast.NamedExpr, ast.Lambda, ast.Yield, ast.YieldFrom, ast.Await))
           for seq in sequences for n in walk(seq)):
        return None
    binds = []
    for k, seq in enumerate(sequences):
        plain = isinstance(seq, (ast.Name, ast.Attribute, ast.Subscript)) and \
            not any(isinstance(n, ast.Call) for n in walk(seq))  # (read three times: names, calling nothing)
        if plain and not name_ids(seq) & (changed | rebound):
            continue
        if plain and name_ids(seq) & changed:
            return None  # (a name the loop changes otherwise than by =: X.append(v), X[0] = v)
        if not plain and not name_ids(seq) - _MODULES:
            return None  # (a constant array, np.ones((3, 4)): its rows read as constants where it is not)
        # (else, or any other expression, X * s, np.tanh(X): computed once, as Python does as the loop starts)
        name = fresh_names(used, bare=True)("rows")  # (bound again: the object the loop reads, kept)
        bind = ast.copy_location(ast.Assign(targets=[ast.Name(name, ast.Store())], value=seq), seq)
        bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
        binds.append(bind)
        sequences[k] = ast.copy_location(ast.Name(name, ast.Load()), seq)
    if binds:
        loop.iter = sequences[0] if start is None and not zipped else ast.copy_location(ast.Call(
            func=iterable.func, args=sequences + iterable.args[len(sequences):], keywords=[]), iterable)
        statements = _sequence_written_out(loop, body, used, iteration)
        return None if statements is None else [*binds, *statements]
    firsts = [ast.Subscript(value=tree_copy(seq), slice=ast.Constant(0), ctx=ast.Load()) for seq in sequences]
    rests = [ast.Subscript(value=tree_copy(seq), slice=ast.Slice(lower=ast.Constant(1)), ctx=ast.Load())
             for seq in sequences]
    lengths = [ast.Call(func=ast.Name("len", ast.Load()), args=[tree_copy(seq)], keywords=[])
               for seq in sequences]
    size = lengths[0] if len(lengths) == 1 else ast.Call(func=ast.Name("min", ast.Load()), args=lengths, keywords=[])
    if start is not None:  # enumerate: the count, then the row
        first = ast.Tuple(elts=[ast.Constant(start), firsts[0]], ctx=ast.Load())
        rest = ast.Call(func=iterable.func, args=[rests[0], ast.Constant(start + 1)], keywords=[])
    elif zipped:  # (a tuple of one item too: zip(X) gives (X[0],) first)
        first = ast.Tuple(elts=firsts, ctx=ast.Load())
        rest = ast.Call(func=iterable.func, args=rests, keywords=[])
    else:
        first, rest = firsts[0], rests[0]
    bind = ast.copy_location(ast.Assign(targets=[tree_copy(loop.target)], value=first), loop)
    bind.end_lineno, bind.end_col_offset = loop.iter.end_lineno, loop.iter.end_col_offset  # (the header's place)
    loop.iter = ast.copy_location(rest, loop.iter)
    test = ast.Compare(left=ast.Constant(0), ops=[ast.Lt()], comparators=[size])
    statements = [*body, loop] if iteration is None else iteration(loop)
    return None if statements is None else _guarded(test, [bind, *statements], loop)


def _true_on_entry(test, before):
    """Whether ``test`` (comparisons of names and literals) is true where the statements ``before``
    end (``_decided``)."""
    return _decided(test, before) is True


def _decided(test, before):
    """True or False: what ``test`` (comparisons of names and literals) gives where the statements
    ``before`` end, each name it reads known there (``_literal_values``); None where that is not known."""
    values = _literal_values(before)
    for node in walk(test):
        if not isinstance(node, _COMPARE) or isinstance(node, ast.Name) and node.id not in values:
            return None
    try:
        return bool(eval(compile(ast.Expression(test), "<test>", "eval"), {"__builtins__": {}}, values))
    except Exception:  # noqa: BLE001 (a test that fails on these values: not known)
        return None


_LITERAL_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.UAdd, ast.USub, ast.Not)


def _literal_values(stmts):
    """{name: the number or truth it holds where the statements ``stmts`` end}, for the names the last
    statement binding them binds by a plain assignment at that level to a literal, or to arithmetic
    (``+ - * // %``) of literals and names known there (``k = 0``, then ``k = k + 1``); a name any
    other statement binds (in a nested block too) is not known after it; none at all where a function
    declares a name ``global`` or ``nonlocal`` (a call may then bind it)."""
    if any(isinstance(node, (ast.Global, ast.Nonlocal)) for stmt in stmts for node in walk(stmt)):
        return {}
    values = {}
    for stmt in stmts:
        value = _literal_value(stmt.value, values) if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name) else None
        for node in walk(stmt):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                values.pop(node.id, None)
        if value is not None:
            values[stmt.targets[0].id] = value
    return values


def _literal_value(node, values):
    """The number or truth ``node`` (a literal, a name of ``values``, arithmetic of those) gives, or None."""
    for sub in walk(node):
        if isinstance(sub, ast.Constant):
            if type(sub.value) not in (int, float, bool) or type(sub.value) is int and abs(sub.value) > 2 ** 31:
                return None
        elif isinstance(sub, ast.Name):
            if sub.id not in values or not isinstance(sub.ctx, ast.Load):
                return None
        elif not isinstance(sub, (ast.BinOp, ast.UnaryOp, ast.Load) + _LITERAL_OPS):
            return None
    try:
        value = eval(compile(ast.Expression(node), "<value>", "eval"), {"__builtins__": {}}, dict(values))
    except Exception:  # noqa: BLE001 (arithmetic that raises: not known)
        return None
    return value if type(value) in (int, float, bool) and (type(value) is not int or abs(value) <= 2 ** 31) \
        else None


def _items(iterable):
    """``(first, rest)``: the first item's expression and the iterable of the others (None when there
    are none), for a non-empty ``range`` of integer literals (or ``reversed`` of one) or a display;
    None otherwise."""
    if isinstance(iterable, (ast.Tuple, ast.List)):
        if not iterable.elts or any(isinstance(e, ast.Starred) for e in iterable.elts):
            return None
        rest = iterable.elts[1:]
        return iterable.elts[0], (ast.copy_location(type(iterable)(elts=rest, ctx=ast.Load()), iterable)
                                  if rest else None)
    backwards = _call_of(iterable, "reversed", 1)
    numbers = _range(iterable.args[0] if backwards else iterable)
    if numbers is None:
        return None
    if not numbers:
        return None
    first = ast.copy_location(ast.Constant(numbers[-1] if backwards else numbers[0]), iterable)
    if len(numbers) == 1:
        return first, None
    rest = numbers[:-1] if backwards else numbers[1:]
    stop = rest.stop if backwards else numbers.stop  # (range(1, 4, 2) goes on as range(3, 4, 2), as written)
    args = [ast.Constant(rest.start), ast.Constant(stop)] + ([ast.Constant(rest.step)] if rest.step != 1 else [])
    rest = ast.Call(func=ast.Name("range", ast.Load()), args=args, keywords=[])
    if backwards:
        rest = ast.Call(func=ast.Name("reversed", ast.Load()), args=[rest], keywords=[])
    return first, ast.copy_location(rest, iterable)


def _call_of(node, name, count):
    """Whether ``node`` calls the builtin ``name`` with ``count`` positional arguments only."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name \
        and not node.keywords and len(node.args) == count


def _range(node):
    """The ``range`` a call ``range(...)`` of integer literals makes, else None."""
    if not any(_call_of(node, "range", count) for count in (1, 2, 3)):
        return None
    bounds = [_integer(arg) for arg in node.args]
    if None in bounds or len(bounds) == 3 and bounds[2] == 0:
        return None
    return range(*bounds)


def _integer(node):
    """The value of an integer literal (``3``, ``-1``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _integer(node.operand)
        return None if value is None else -value
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


_WRITING_METHODS = TAILS_WRITING_METHODS | {"reverse", "discard"}  # (an array's, a list's, a dict's, a set's)
_READING = {"len", "range", "float", "int", "abs", "min", "max", "sum", "enumerate", "zip", "reversed", "list",
            "tuple", "round", "pow", "print", "isinstance"}  # builtins that change nothing they are given


def _rebound(nodes):
    """The names ``nodes`` bind by ``=`` (or as a loop's target) and change in no other way: not by
    ``op=``, nor written into, nor given to a method that writes (``L.append(v)``, ``x.sort()``) or to a
    call of another kind (``_written``)."""
    bound = {n.id for tree in nodes for node in walk(tree) if isinstance(node, (ast.Assign, ast.For))
             for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
             for n in walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return bound - _written([_without_rebinding(tree) for tree in nodes], _WRITING_METHODS)


def _without_rebinding(tree):
    """A copy of ``tree`` with the plain names bound by ``=`` and a loop's target made reads (what else
    it writes left as it is)."""
    tree = tree_copy(tree)
    for node in walk(tree):
        if isinstance(node, (ast.Assign, ast.For)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for n in walk(target):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                        n.ctx = ast.Load()
    return tree


def _written(nodes, methods=None):
    """The names ``nodes`` may bind or change: stored or deleted, written into (``z[1] = v``, ``z += v``,
    ``z.a = v``), or given to a method (``L.append(v)``, ``x.sort()``; with ``methods``, to one of those
    only) or to a call of another kind."""
    names = set()
    for node in (n for tree in nodes for n in walk(tree)):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(node.ctx, ast.Load) or \
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    methods is None or node.func.attr in methods or node.func.attr.startswith("__")):
            base = node.func.value if isinstance(node, ast.Call) else node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Attribute) and isinstance(
                node.func.value, ast.Name) and node.func.value.id in ("np", "numpy", "math")) and not (
                isinstance(node.func, ast.Name) and node.func.id in _READING):
            names |= {arg.id for arg in node.args if isinstance(arg, ast.Name)}  # (a helper may write into it)
    return names


def _without_continue(block):
    """``block`` (a loop's body, its statements copies) as one iteration of it runs, its loop's own
    ``continue`` written out: what follows an ``if`` holding one written into each of its paths, where
    that path does not continue first (``if c: continue`` then ``rest``: ``if c: pass else: rest``); a
    ``continue`` ends its path.  None where a ``break``, or a jump anywhere but in an ``if``, is the loop's."""
    out = []
    for k, stmt in enumerate(block):
        if isinstance(stmt, ast.Continue):
            return out  # (what follows it in this block never runs)
        if not own_jumps([stmt]):
            out.append(stmt)
            continue
        if not isinstance(stmt, ast.If):
            return None  # (a break, or a continue in a with or a try)
        rest = block[k + 1:]
        body = _without_continue(stmt.body + tree_copy(rest))
        orelse = _without_continue(stmt.orelse + tree_copy(rest))
        if body is None or orelse is None:
            return None
        stmt.body = body or [ast.copy_location(ast.Pass(), stmt)]
        stmt.orelse = orelse
        return out + [stmt]
    return out


def _one_iteration(block, after):
    """``block`` (a loop's body, its statements copies) as one iteration of it runs, followed by
    ``after`` (copied onto each path that goes on): a ``continue`` of its loop ends its path with
    ``after``, a ``break`` ends it without; what follows an ``if`` holding one written into each of
    its paths.  None where a jump of the loop is anywhere but in an ``if``."""
    out = []
    for k, stmt in enumerate(block):
        if isinstance(stmt, ast.Continue):
            return out + tree_copy(after)  # (what follows it in this block never runs)
        if isinstance(stmt, ast.Break):
            return out
        if not own_jumps([stmt]):
            out.append(stmt)
            continue
        if not isinstance(stmt, ast.If):
            return None  # (a jump in a with or a try)
        rest = block[k + 1:]
        body = _one_iteration(stmt.body + tree_copy(rest), after)
        orelse = _one_iteration(stmt.orelse + tree_copy(rest), after)
        if body is None or orelse is None:
            return None
        stmt.body = body or [ast.copy_location(ast.Pass(), stmt)]
        stmt.orelse = orelse
        return out + [stmt]
    return out + tree_copy(after)
