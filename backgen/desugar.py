"""Iteration idioms written as the loops they are, before fencing.

Contract: ``desugar(func, error)`` rewrites a function's AST in place:

* ``for i, x in enumerate(xs)`` -> ``for i in range(len(xs)): x = xs[i]``
  (with ``start``, given by place or by name: ``i = k + start``); ``for i, (a, b) in
  enumerate(zip(xs, ys))`` -> ``for i in range(min(len(xs), len(ys))): a = xs[i]; b = ys[i]``;
* ``for a, b in zip(xs, ys)`` -> ``for k in range(min(len(xs), len(ys))): a = xs[k]; b = ys[k]``;
* ``for a, b in pairs`` (any tuple target) -> ``for k in range(len(pairs)): a, b = pairs[k]``;
* ``h[:, t, :], c = f(...)`` (a tuple target with parts of arrays) -> ``h_part, c = f(...)``
  then ``h[:, t, :] = h_part``; ``(x1, y1), (x2, y2) = pair`` (nested tuple targets, of a loop too)
  -> ``item, item2 = pair`` then ``x1, y1 = item``, ``x2, y2 = item2``;
* ``for W in [W1, W2]`` (a display of names) -> ``W = W1``, the body, ``W = W2``, the body;
  also where the display is bound to a name first (``params = [(W1, b1), (W2, b2)]``, then
  ``for W, b in params``) that nothing else reads or changes, and nothing after rebinds a name
  it lists: the loops iterate the display itself, the binding left out (a loop iterating a slice
  of it by constants, ``zip(pts, pts[1:])``, the items the slice takes, written out as a list); a display
  of names so bound may also be read by constant indices (``W, b = params[0]``, ``params[1][0]``), unpacked whole or
  given to ``len``, each read then the part of the display it reads; and where every binding of the
  name (in a branch, a loop, or several) is the same display of names the function never binds, read
  only as loops' sequences: the loops iterate the display, the bindings left out (where none ran,
  Python raises reading the name);
* ``(W1, b1), (W2, b2) = [(A, B), (C, D)]`` (a display nested as the target) -> ``W1, b1, W2, b2 = A, B,
  C, D``;
* ``return v`` inside a loop -> ``result = v; done = 1; break``, then ``if done > 0: return result``
  after the loop (in a loop inside it, ``if done > 0: break`` after that one too); after a ``while
  True:`` with no ``break`` of its own, which only a return leaves, ``return result`` (what follows
  it in its block never runs, and is left out), and so too after a loop followed by statements that
  end in a ``raise`` and hold no return (``raise RuntimeError("no convergence")``: the function
  returns the loop's value or none);
* ``for ...: body else: rest`` (or ``while``) -> the loop, then ``rest``, where the body has no
  ``break`` of its own; else ``broke = 0``, the loop with ``broke = 1`` before each of its breaks, then
  ``if broke == 0: rest``;
* ``np.exp(s, out=s)`` standing alone -> ``s[...] = np.exp(s)``; with ``where=m``, of an elementwise function,
  ``s[...] = np.where(m, np.exp(s), s)``;
* ``xs.extend([a, b])`` standing alone -> ``xs.append(a)``, ``xs.append(b)`` (no element reading ``xs``);
* ``for h in reversed(hs)`` (not of a range), but for ``hs`` a name and ``h`` one (staged as the
  index loop counting down it is, which reads a list of numbers item by item, never sliced) ->
  ``for h in hs[::-1]`` (also inside enumerate and zip, but for ``hs`` a name read from the end:
  ``for i, h in enumerate(reversed(hs))`` -> ``for i in range(len(hs)): h = hs[-1 - i]``, and alike
  in zip and with a tuple target);
* ``xs.reverse()`` standing alone -> ``xs = xs[::-1]``, and ``list(reversed(xs))`` -> ``xs[::-1]``; and
  where every item comes into ``xs`` by
  ``xs.insert(0, v)`` standing alone (``returns.insert(0, G)`` in a loop counting down): those ->
  ``xs.append(v)``, and every other read of ``xs`` -> ``xs[::-1]`` (the list appended to, read from its
  end), for ``xs`` a list the function builds (bound to ``[]``, filled only by ``append``, or only
  by ``insert(0, v)``; bound to another value after, ``returns = np.array(returns)``, not in a branch),
  read only where no second name keeps it (an argument of a NumPy function or of ``len``, ``sum``,
  ``min``, ``max``, ``zip``, ``enumerate`` or ``reversed``, indexed, iterated, returned): no other
  name sees the list change in place;
* ``states, actions, rewards = zip(*batch)`` (a replay buffer's transitions transposed) -> ``states =
  [item[0] for item in batch]``, ``actions = [item[1] for item in batch]``... (the list of the k-th
  parts, where zip gives a tuple of them: read alike but for tuple arithmetic), ``batch`` bound to a
  fresh name first where it is more than a name;
* a list comprehension or generator expression (``sum(w * x for w, x in
  zip(ws, xs))``, ``[f(x) for x in xs]``, ``tuple(s + h * k for s, k in zip(state, ks))``) -> a
  list built by a loop just before the statement using it, which then reads the list (a
  ``tuple(...)`` or ``list(...)`` of one is that new list).  A comprehension's
  variables stay its own: they are renamed where the function uses the same
  names.  One in a ``while`` test (evaluated again each time round) is refused;
* a dict comprehension bound to a name it does not read (``xs = {t: f(t) for t in range(T)}``) ->
  ``xs = {}``, then the loop putting each entry (``xs[t] = f(t)``); a dict display so bound, its keys
  not all strings written out (``hs = {-1: h0}``) -> ``hs = {}``, then ``hs[-1] = h0``: the dict of
  values the function fills (``stage``), or its error where it is read whole.

Sequences that are not plain names are bound to a name first, once, as Python
evaluates them once.  ``error(message, node)`` makes a BackgenError.
"""

import ast
import keyword

from . import source
from .source import walk, tree_copy, names_of



def desugar(func, error, maybe=True):
    """``maybe`` False: the function holds nothing ``desugar`` rewrites (known without a walk)."""
    if not maybe or not _sugared(func):
        return  # (nothing to rewrite)
    used = source.name_ids(func) | {a.arg for a in func.args.args}
    _ordered_lists(func)
    _transposed_zips(func, used)
    state = _State(used, error)
    _iterate_displays(func)
    _iterate_rebound_displays(func)
    func.body = state.lifted(state.block(func.body))
    _split_tuple_lists(func, used)


def _transposed(stmt):
    """Whether ``stmt`` is ``a, b, c = zip(*xs)``: names unpacked from a zip of one starred sequence."""
    value = getattr(stmt, "value", None)
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple) \
        and stmt.targets[0].elts and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts) \
        and isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "zip" \
        and len(value.args) == 1 and isinstance(value.args[0], ast.Starred) and not value.keywords


def _transposed_zips(func, used):
    """``a, b = zip(*xs)`` -> ``a = [item[0] for item in xs]``, ``b = [item[1] for item in xs]``."""
    fresh = source.fresh_names(used, bare=True)

    def each(stmt):
        if not _transposed(stmt):
            return [stmt]
        rows = stmt.value.args[0].value
        before = []
        if not isinstance(rows, ast.Name):
            before.append(ast.copy_location(ast.Assign([ast.Name(fresh("rows"), ast.Store())], rows), stmt))
            rows = ast.Name(before[0].targets[0].id, ast.Load())
        item = fresh("item")
        for k, target in enumerate(stmt.targets[0].elts):
            part = ast.Subscript(ast.Name(item, ast.Load()), ast.Constant(k), ast.Load())
            listed = ast.ListComp(part, [ast.comprehension(ast.Name(item, ast.Store()), tree_copy(rows), [], 0)])
            before.append(ast.copy_location(ast.Assign([ast.Name(target.id, ast.Store())], listed), stmt))
        return before
    if any(_transposed(n) for n in walk(func)):
        func.body = source.rewrite_statements(func.body, each)
        ast.fix_missing_locations(func)


_LIST_READERS = frozenset({"len", "sum", "min", "max", "zip", "enumerate", "reversed"})  # (builtins that read a
# list and keep no name for it)


def _ordered_lists(func):
    """``xs.reverse()`` and ``xs.insert(0, v)`` standing alone, rewritten as the module's contract says."""
    if not any(isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Attribute)
               and n.value.func.attr in ("insert", "reverse") or _listed_reversed(n) for n in walk(func)):
        return
    parents = {}
    for node in walk(func):
        for field, value in ast.iter_fields(node):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, ast.AST):
                    parents[id(item)] = (node, field)
    inner = {id(n) for d in walk(func) if d is not func and isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                           ast.Lambda, ast.ClassDef))
             for n in walk(d)}  # (a name a function defined inside reads: its own, or the list kept)
    params = {a.arg for a in func.args.args + func.args.posonlyargs + func.args.kwonlyargs}
    uses = {}
    for node in walk(func):
        if isinstance(node, ast.Name):
            uses.setdefault(node.id, []).append(node)
    for name, nodes in uses.items():
        plan = None if name in params else _list_plan(name, nodes, parents, inner)
        if plan is None:
            continue
        kinds = {kind for kind, _ in plan}
        if kinds & {"reverse", "listed"} and "insert" not in kinds:
            _rewrite_list_uses(func, name, plan, {"reverse", "listed"})
        elif "insert" in kinds and not kinds & {"reverse", "append"}:
            _rewrite_list_uses(func, name, plan, {"insert", "read"})


def _list_plan(name, nodes, parents, inner):
    """``[(kind, node)]`` for each use of the list ``name`` while it holds the list bound by ``xs = []``
    (kinds ``empty``: that binding; ``append``, ``insert``, ``reverse``: the statement; ``read``: the
    name read), else None where one is none of these.  The name may be bound to another value
    (``returns = np.array(returns)``), not in a branch: the uses after that binding, in the order the
    lines read, are of that value, and left as they are; a loop holding uses of both values binds
    the list before any other use in its body (each iteration then runs in that order)."""
    def ancestors(node):
        while id(node) in parents:
            node = parents[id(node)][0]
            yield node

    def position(node):  # (a binding comes after the value it binds is read)
        if isinstance(node.ctx, ast.Load):
            return node.lineno, node.col_offset, 0
        stmt = parents[id(node)][0]
        while not hasattr(stmt, "end_lineno"):  # (a comprehension's target: the expression holding it)
            stmt = parents[id(stmt)][0]
        return stmt.end_lineno, stmt.end_col_offset, 1

    plan, records, state = [], [], None
    for node in sorted(nodes, key=position):
        if id(node) in inner:
            return None
        parent, field = parents[id(node)]
        loops = tuple(id(a) for a in ancestors(node) if isinstance(a, (ast.For, ast.While)))
        if not isinstance(node.ctx, ast.Load):
            if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.targets[0] is node) or \
                    any(isinstance(a, (ast.If, ast.Try, ast.With, ast.Match)) for a in ancestors(parent)):
                return None
            empty = isinstance(parent.value, ast.List) and not parent.value.elts
            state = "list" if empty else None
            records.append((loops, state, empty))
            if empty:
                plan.append(("empty", parent))
            continue
        records.append((loops, state, False))
        if state is None:
            continue  # (a use of the other value)
        if isinstance(parent, ast.Attribute) and parent.attr in ("append", "insert", "reverse"):
            call, call_field = parents[id(parent)]
            stmt = parents.get(id(call), (None,))[0]
            if not (isinstance(call, ast.Call) and call_field == "func" and isinstance(stmt, ast.Expr)
                    and not call.keywords and not any(isinstance(n, ast.Name) and n.id == name or
                                                      isinstance(n, ast.Starred) for a in call.args for n in walk(a))):
                return None
            arity = {"append": 1, "insert": 2, "reverse": 0}[parent.attr]
            if len(call.args) != arity or parent.attr == "insert" and not (
                    isinstance(call.args[0], ast.Constant) and type(call.args[0].value) is int and call.args[0].value == 0):
                return None
            plan.append((parent.attr, stmt))
        elif isinstance(parent, ast.Call) and _listed_reversed(parents.get(id(parent), (None,))[0]):
            plan.append(("listed", parents[id(parent)][0]))  # list(reversed(xs))
        elif isinstance(parent, ast.Call) and field == "args" and (
                isinstance(parent.func, ast.Name) and parent.func.id in _LIST_READERS or
                isinstance(parent.func, ast.Attribute) and isinstance(parent.func.value, ast.Name) and
                parent.func.value.id in ("np", "numpy")) or \
                isinstance(parent, ast.Subscript) and field == "value" and isinstance(parent.ctx, ast.Load) or \
                isinstance(parent, (ast.For, ast.comprehension)) and field == "iter" or \
                isinstance(parent, ast.Return) and field == "value":
            plan.append(("read", node))
        else:
            return None
    for loop in {loop for loops, _, _ in records for loop in loops}:
        inside = [(state, empty) for loops, state, empty in records if loop in loops]
        if len({state for state, _ in inside}) > 1 and not inside[0][1]:
            return None  # (an iteration would begin with the value the last one left)
    return plan if any(kind == "empty" for kind, _ in plan) else None


def _listed_reversed(node):
    """Whether ``node`` is ``list(reversed(xs))``, of a name."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "list" and \
        len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Call) and \
        isinstance(node.args[0].func, ast.Name) and node.args[0].func.id == "reversed" and \
        len(node.args[0].args) == 1 and not node.args[0].keywords and isinstance(node.args[0].args[0], ast.Name)


def _rewrite_list_uses(func, name, plan, kinds):
    """``xs.reverse()`` -> ``xs = xs[::-1]``; ``xs.insert(0, v)`` -> ``xs.append(v)``; a read ``xs`` -> ``xs[::-1]``."""
    def backwards(like):
        return ast.copy_location(ast.Subscript(ast.Name(name, ast.Load()), ast.Slice(None, None, ast.copy_location(
            ast.UnaryOp(ast.USub(), ast.Constant(1)), like)), ast.Load()), like)

    for kind, node in plan:
        if kind == "insert":
            call = node.value
            call.func.attr = "append"
            call.args = call.args[1:]
    statements = {id(node): [ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], backwards(node)), node)]
                  for kind, node in plan if kind == "reverse" and kind in kinds}
    func.body = source.rewrite_statements(func.body, lambda stmt: statements.get(id(stmt), [stmt]))
    reads = {id(node) for kind, node in plan if kind == "read" and kind in kinds or kind == "listed" and kind in kinds}
    if reads:
        for node in list(walk(func)):
            for field, value in ast.iter_fields(node):
                items = value if isinstance(value, list) else [value]
                for k, item in enumerate(items):
                    if id(item) in reads:
                        new = backwards(item)
                        if isinstance(value, list):
                            value[k] = new
                        else:
                            setattr(node, field, new)
    ast.fix_missing_locations(func)


def _iterate_displays(func):
    """``params = [(W1, b1), (W2, b2)]``, then ``for W, b in params``: each loop iterates the display
    itself (which ``unrolled`` then writes out), the binding left out.  Only for a binding at the top
    of the body, of the only value the name ever has, read nowhere but as the sequence of those
    loops (nothing appends to it, indexes it or hands it on), where nothing after it rebinds a name
    the display lists (the display reads them once, where it is bound)."""
    loads, stores = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).setdefault(node.id, []).append(node)
    displays = {stmt.targets[0].id for stmt in func.body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, (ast.List, ast.Tuple))
                and stmt.value.elts and len(stores.get(stmt.targets[0].id, ())) == 1}
    if displays:
        _counted_loops_enumerated(func, displays)
    for position, stmt in enumerate(func.body):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, (ast.List, ast.Tuple)) and stmt.value.elts):
            continue
        name, display = stmt.targets[0].id, stmt.value
        if len(stores.get(name, ())) != 1 or _comprehensions(display) or \
                any(isinstance(n, (ast.Starred, ast.NamedExpr)) for n in walk(display)):
            continue
        after = func.body[position + 1:]
        iterated_only = any(isinstance(e, (ast.List, ast.Tuple)) for e in display.elts) or all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in display.elts)  # (a list of tuples
        # or of strings, keys = ['W1', 'W2']: read only so; one of numbers or arrays a comprehension reads
        # by its name, NODES[k] as written)
        places = [place for s in after for n in walk(s) for place in _sequence_names(
            _iterating(n) if iterated_only else n if isinstance(n, ast.For) else None, name)]
        reads = _item_reads(after, name, display, {id(getattr(_at_place(place), "value", _at_place(place)))
                                                   for place in places})  # (pts[1:]: its name, pts)
        if reads is None or not reads and not places or reads and not _of_names(display):
            continue  # (an item read where the display of values, computed once, would be computed again)
        listed = names_of(display)
        if any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in listed
               for s in after for n in walk(s)):
            continue
        for place in places:
            _set_at_place(place, _sequence_value(_at_place(place), display))
        for parent, field, index, item in reads:  # layers[0] -> (W1, b1); layers[1][0] -> W2
            new = ast.copy_location(tree_copy(item), getattr(parent, field) if index is None
                                    else getattr(parent, field)[index])
            if index is None:
                setattr(parent, field, new)
            else:
                getattr(parent, field)[index] = new
        func.body = func.body[:position] + after
        _iterate_displays(func)  # (the next one, in the body as it is now)
        return


def _counted_loops_enumerated(func, displays):
    """``for i in range(len(Ws)): h = h @ Ws[i] + bs[i]``, for ``Ws`` and ``bs`` of ``displays``
    (names bound once, to a display), as ``for i, (W, b) in enumerate(zip(Ws, bs)): h = h @ W + b``,
    where the body reads those names only at ``i`` (``Ws[i]``, ``layers[i][0]``) and binds neither
    ``i`` nor them: each iteration reads the same items (``zip`` stops at the shortest, where
    Python's ``bs[i]`` raises).  Loops so written then iterate the displays, written out."""
    fresh = source.fresh_names(source.name_ids(func) | set(keyword.kwlist), bare=True)
    for loop in [n for n in walk(func) if isinstance(n, ast.For)]:
        it = loop.iter
        if not (isinstance(loop.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and it.func.id == "range" and len(it.args) == 1 and not it.keywords
                and isinstance(it.args[0], ast.Call) and isinstance(it.args[0].func, ast.Name)
                and it.args[0].func.id == "len" and len(it.args[0].args) == 1 and not it.args[0].keywords
                and isinstance(it.args[0].args[0], ast.Name) and it.args[0].args[0].id in displays) or loop.orelse:
            continue
        counter = loop.target.id
        body = [n for s in loop.body for n in walk(s)]
        if any(isinstance(n, ast.Name) and n.id == counter and not isinstance(n.ctx, ast.Load) for n in body):
            continue
        at = [n for n in body if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
              and n.value.id in displays and isinstance(n.slice, ast.Name) and n.slice.id == counter
              and isinstance(n.ctx, ast.Load)]
        read = {n.value.id for n in at}
        sized = sum(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and
                    len(n.args) == 1 and isinstance(n.args[0], ast.Name) and n.args[0].id in read for n in body)
        if not read or sum(isinstance(n, ast.Name) and n.id in read for n in body) != len(at) + sized:
            continue  # (a list read otherwise too: Ws[i + 1], Ws handed on; len(Ws) is its display's)
        names = sorted(read, key=lambda name: min((n.lineno, n.col_offset) for n in at if n.value.id == name))
        lengths = it.args[0].args[0].id
        if lengths not in read:
            names.insert(0, lengths)  # (its length bounds the loop: zipped, though no item is read)
        items = {name: fresh(name[:-1] if len(name) > 1 and name.endswith("s") else f"{name}_i") for name in names}
        reads = {id(n): items[n.value.id] for n in at}

        class Items(ast.NodeTransformer):
            def visit_Subscript(self, node):
                if id(node) in reads:
                    return ast.copy_location(ast.Name(reads[id(node)], ast.Load()), node)
                return self.generic_visit(node)
        loop.body = [Items().visit(stmt) for stmt in loop.body]
        loop.target = ast.Tuple([ast.Name(counter, ast.Store()), ast.Tuple([ast.Name(items[name], ast.Store())
                                 for name in names], ast.Store()) if len(names) > 1
                                 else ast.Name(items[names[0]], ast.Store())], ast.Store())
        sequences = [ast.Name(name, ast.Load()) for name in names]
        loop.iter = ast.Call(ast.Name("enumerate", ast.Load()), [ast.Call(ast.Name("zip", ast.Load()), sequences, [])
                             if len(names) > 1 else sequences[0]], [])
        ast.fix_missing_locations(ast.copy_location(loop.iter, it))
        for node in walk(loop.target):
            ast.copy_location(node, loop)


def _at_place(place):
    parent, field, index = place
    return getattr(parent, field) if index is None else getattr(parent, field)[index]


def _set_at_place(place, node):
    parent, field, index = place
    if index is None:
        setattr(parent, field, node)
    else:
        getattr(parent, field)[index] = node


def _iterate_rebound_displays(func):
    """``params = [(W1, b1), (W2, b2)]`` bound in a branch or a loop, or more than once, each time
    the same display of names, then read only as the sequence of loops (``for W, b in params``): each
    loop iterates the display itself, the bindings left out.  Only where the function binds none of
    the names the display lists: every binding then makes a list of the same arrays, so wherever a
    loop reads the name it holds those (where no binding ran, Python raises reading it, and there is
    no gradient to give)."""
    if any(isinstance(n, (ast.Global, ast.Nonlocal, ast.Delete)) for n in walk(func)):
        return
    stores, bindings = set(), {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores.add(node.id)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.List, ast.Tuple)) and node.value.elts:
            bindings.setdefault(node.targets[0].id, []).append(node)
    for name, binds in bindings.items():
        display = binds[0].value
        text = ast.dump(display)
        if not _of_names(display) or any(ast.dump(b.value) != text for b in binds) or \
                names_of(display) & stores:
            continue
        bound = {id(b.targets[0]) for b in binds}
        loops = [n for n in walk(func) if isinstance(n, ast.For) and isinstance(n.iter, ast.Name) and
                 n.iter.id == name]
        others = {id(n) for n in walk(func) if isinstance(n, ast.Name) and n.id == name} - bound
        if not loops or others != {id(loop.iter) for loop in loops}:
            continue  # (a read other than a loop's, or a binding of another kind: for params in ...)
        for loop in loops:
            loop.iter = ast.copy_location(tree_copy(display), loop.iter)
        ids = {id(b) for b in binds}
        func.body = source.rewrite_statements(func.body, lambda stmt: [
            ast.copy_location(ast.Pass(), stmt)] if id(stmt) in ids else [stmt])


def _split_tuple_lists(func, used):
    """``caches = []``, ``caches.append((x_t, prev_h, next_h))`` (tuples of one length ``k``), read back
    only as ``x_t, prev_h, next_h = caches[t]`` (``k`` names, none of them read by the index),
    ``caches[t][1]`` (a constant place), ``len(caches)``, as the item of a loop read at constant
    places alone (``for p in pairs``, then ``p[0]``, as ``zip(*pairs)`` is written out; the loop is then
    over ``range(len(pairs0))``), or made an array (``np.array(pairs)``, the rows of the tuples:
    ``np.stack([np.array(pairs0), np.array(pairs1)], axis=1)``): ``k`` lists, one per place in the tuples
    (``x_ts = []``... ``x_ts.append(x_t)``... ``x_t = x_ts[t]``..., ``prev_hs[t]``, ``len(x_ts)``, each
    named after the first names read back, or ``caches0``, ``caches1``... where none are), which hold
    the same values at the same places.  The index, read once per name,
    is made of names, numbers and arithmetic; the tuples appended do not read the list.  A list read
    any other way (returned, handed on, iterated by value, sliced) is left as it is."""
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Global,
                          ast.Nonlocal, ast.Delete)) for n in walk(func) if n is not func):
        return
    parents, occurrences = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name):
            occurrences.setdefault(node.id, []).append(node)
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        parents[id(item)] = (node, field, index)
            elif isinstance(value, ast.AST):
                parents[id(value)] = (node, field, None)
    params = {a.arg for a in func.args.args + func.args.posonlyargs + func.args.kwonlyargs}
    for name in sorted(occurrences):
        plan = None if name in params else _tuple_list_plan(name, occurrences[name], parents, occurrences)
        if plan is not None:
            _split(name, plan, parents, func, source.fresh_names(used, bare=True))


def _tuple_list_plan(name, nodes, parents, occurrences):
    """The uses of the list ``name`` as ``_split_tuple_lists`` rewrites them, ``(k, uses)``, or None."""
    uses, lengths = [], set()
    for node in nodes:
        parent, field, _ = parents[id(node)]
        if isinstance(parent, ast.For) and field == "iter" and isinstance(node.ctx, ast.Load):
            places = _places_read(parent, occurrences, parents)
            if places is None or any(isinstance(n, ast.Name) and n.id == name for s in parent.body for n in walk(s)):
                # (a list the loop grows as it goes over it: Python's loop reaches the new items)
                return None
            uses.append(("loop", (parent, places)))
            continue
        if not isinstance(node.ctx, ast.Load):
            if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.targets[0] is node
                    and isinstance(parent.value, ast.List) and not parent.value.elts):
                return None
            uses.append(("empty", parent))
            continue
        up = parents.get(id(parent))
        if isinstance(parent, ast.Attribute) and parent.attr == "append" and up and up[1] == "func":
            call = up[0]
            stmt = parents.get(id(call))
            item = call.args[0] if len(call.args) == 1 and not call.keywords else None
            if not (isinstance(item, ast.Tuple) and item.elts and stmt and isinstance(stmt[0], ast.Expr)
                    and not any(isinstance(e, ast.Starred) for e in item.elts)
                    and not any(isinstance(n, ast.Name) and n.id == name for n in walk(item))):
                return None
            lengths.add(len(item.elts))
            uses.append(("append", stmt[0]))
        elif isinstance(parent, ast.Call) and field == "args" and isinstance(parent.func, ast.Name) and \
                parent.func.id == "len" and len(parent.args) == 1 and not parent.keywords:
            uses.append(("len", parent))
        elif isinstance(parent, ast.Call) and field == "args" and _numpy_array_call(parent):
            uses.append(("array", parent))  # (np.array(pairs): the rows of the tuples)
        elif isinstance(parent, ast.Subscript) and field == "value" and _plain_index(parent.slice, name):
            outer, outer_field, _ = parents[id(parent)]
            if isinstance(outer, ast.Subscript) and outer_field == "value" and isinstance(outer.ctx, ast.Load) and \
                    isinstance(outer.slice, ast.Constant) and type(outer.slice.value) is int:
                uses.append(("place", outer))
            elif isinstance(outer, ast.Assign) and outer_field == "value" and len(outer.targets) == 1 and \
                    isinstance(outer.targets[0], ast.Tuple) and \
                    all(isinstance(t, ast.Name) for t in outer.targets[0].elts) and \
                    not {t.id for t in outer.targets[0].elts} & \
                    names_of(parent.slice):
                uses.append(("unpack", outer))
            else:
                return None
        else:
            return None
    if len(lengths) != 1 or not any(kind == "empty" for kind, _ in uses):
        return None
    k = lengths.pop()
    for kind, node in uses:
        if kind == "unpack" and len(node.targets[0].elts) != k or \
                kind == "place" and not -k <= node.slice.value < k or \
                kind == "loop" and not all(-k <= read.slice.value < k for read in node[1]):
            return None
    return k, uses


def _places_read(loop, occurrences, parents):
    """The reads ``item[0]``, ``item[1]``... of the loop's item (``for item in pairs``), each at a
    whole number written, where the function binds ``item`` there alone and reads it no other way; None
    where it does otherwise (or the loop has an ``else``)."""
    target = loop.target
    if not isinstance(target, ast.Name) or loop.orelse:
        return None
    inside = {id(n) for stmt in loop.body for n in walk(stmt)}
    reads = []
    for node in occurrences.get(target.id, ()):
        if node is target:
            continue
        parent, field, _ = parents[id(node)]
        if id(node) not in inside or not isinstance(node.ctx, ast.Load) or not (
                isinstance(parent, ast.Subscript) and field == "value" and isinstance(parent.ctx, ast.Load)
                and isinstance(parent.slice, ast.Constant) and type(parent.slice.value) is int):
            return None
        reads.append(parent)
    return reads


def _numpy_array_call(call):
    """Whether ``call`` is ``np.array(xs)`` or ``np.asarray(xs)`` of one list and nothing else."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("array", "asarray") and \
        isinstance(call.func.value, ast.Name) and call.func.value.id in ("np", "numpy") and \
        len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred)


def _plain_index(node, name):
    """An index of names, numbers and arithmetic (read again without a change), not reading ``name``."""
    return all(isinstance(n, (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop,
                              ast.expr_context)) for n in walk(node)) and \
        not any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


def _split(name, plan, parents, func, fresh):
    k, uses = plan  # (named after the first names read back, x_ts, prev_hs, next_hs; else caches0, caches1...)
    unpacked = next((node.targets[0].elts for kind, node in uses if kind == "unpack"), None)
    if unpacked and any(keyword.iskeyword(t.id + "s") for t in unpacked):  # (a, b = ...: as is Python's)
        unpacked = None
    lists = [fresh(unpacked[place].id + "s" if unpacked else f"{name}{place}") for place in range(k)]

    def at(place, index, like):
        return ast.copy_location(ast.Subscript(ast.Name(lists[place], ast.Load()), tree_copy(index),
                                               ast.Load()), like)

    statements = {}
    for kind, node in uses:
        if kind == "len":
            node.args[0] = ast.copy_location(ast.Name(lists[0], ast.Load()), node.args[0])
        elif kind == "place":  # caches[t][1] -> caches1[t]
            parent, field, index = parents[id(node)]
            new = at(node.slice.value % k, node.value.slice, node)
            if index is None:
                setattr(parent, field, new)
            else:
                getattr(parent, field)[index] = new
        elif kind == "empty":
            statements[id(node)] = [ast.copy_location(ast.Assign([ast.Name(n, ast.Store())], ast.List([], ast.Load())),
                                                      node) for n in lists]
        elif kind == "array":  # np.array(pairs) -> np.stack([np.array(pairs0), np.array(pairs1)], axis=1)
            np_name = node.func.value.id
            columns = [ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), node.func.attr, ast.Load()),
                                [ast.Name(n, ast.Load())], []) for n in lists]
            stacked = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "stack", ast.Load()),
                               [ast.List(columns, ast.Load())], [ast.keyword("axis", ast.Constant(1))])
            parent, field, index = parents[id(node)]
            new = ast.copy_location(stacked, node)
            if index is None:
                setattr(parent, field, new)
            else:
                getattr(parent, field)[index] = new
        elif kind == "loop":  # for p in pairs: ... p[1] -> for t in range(len(pairs0)): ... pairs1[t]
            loop, reads = node
            counter = ast.Name(fresh(loop.target.id + "_at"), ast.Load())
            for read in reads:
                parent, field, index = parents[id(read)]
                new = at(read.slice.value % k, counter, read)
                if index is None:
                    setattr(parent, field, new)
                else:
                    getattr(parent, field)[index] = new
            loop.target = ast.copy_location(ast.Name(counter.id, ast.Store()), loop.target)
            length = ast.Call(ast.Name("len", ast.Load()), [ast.Name(lists[0], ast.Load())], [])
            loop.iter = ast.copy_location(ast.Call(ast.Name("range", ast.Load()), [length], []), loop.iter)
        elif kind == "append":
            statements[id(node)] = [ast.copy_location(ast.Expr(ast.Call(
                ast.Attribute(ast.Name(n, ast.Load()), "append", ast.Load()), [elt], [])), node)
                for n, elt in zip(lists, node.value.args[0].elts)]
        else:  # x_t, prev_h, next_h = caches[t] -> x_t = caches0[t]; ...
            statements[id(node)] = [ast.copy_location(ast.Assign([ast.Name(t.id, ast.Store())],
                                                                 at(place, node.value.slice, node.value)), node)
                                    for place, t in enumerate(node.targets[0].elts)]
    func.body = source.rewrite_statements(func.body, lambda stmt: statements.get(id(stmt), [stmt]))
    ast.fix_missing_locations(func)  # (the new names at their statements' places)


def _item_reads(stmts, name, display, loop_reads):
    """``[(parent, field, index, item)]``: each read of ``name`` in ``stmts`` other than as a loop's
    sequence (``loop_reads``, ids of those names), with the part of ``display`` it reads, where each
    is an item read by constant indices (``layers[0]``, ``layers[1][0]``, ``layers[-1]``), the whole
    list unpacked (``(W1, b1), (W2, b2) = layers``) or its length (``len(layers)``); None where any
    other read is (a list handed on, indexed by a variable, appended to)."""
    found = []
    for stmt in stmts:
        for parent in walk(stmt):
            for field, value in ast.iter_fields(parent):
                for index, child in (enumerate(value) if isinstance(value, list) else [(None, value)]):
                    if isinstance(child, ast.Name) and child.id == name:
                        if not isinstance(child.ctx, ast.Load):
                            return None
                        if id(child) in loop_reads:
                            continue
                        if isinstance(parent, ast.Subscript) and field == "value":
                            continue  # (read from the outermost subscript below)
                        whole = isinstance(parent, ast.Assign) and field == "value" and \
                            isinstance(parent.targets[0], (ast.Tuple, ast.List)) or \
                            isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and \
                            parent.func.id == "len" and len(parent.args) == 1
                        if not whole:
                            return None
                        found.append((parent, field, index, display))
                        continue
                    if not (isinstance(child, ast.Subscript) and _subscripts_of(child, name)):
                        continue
                    if isinstance(parent, ast.Subscript) and field == "value":
                        continue  # (an inner subscript of a longer chain)
                    item = display
                    for position in _subscripts_of(child, name):
                        if not isinstance(item, (ast.List, ast.Tuple)) or not -len(item.elts) <= position < len(item.elts):
                            return None
                        item = item.elts[position]
                    if not isinstance(child.ctx, ast.Load):
                        return None
                    found.append((parent, field, index, item))
    loads = sum(isinstance(n, ast.Name) and n.id == name for stmt in stmts for n in walk(stmt))
    return found if loads == len(found) + len(loop_reads) else None  # (every read one of those)


def _paired_binds(target, value):
    """``target = value`` as assignments of names to the parts of a display as deep as the target
    (``i, (W, b) = 0, (W1, b1)`` -> ``i = 0``, ``W = W1``, ``b = b1``): one after another, as the
    display lists no name the target binds."""
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
            len(target.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in target.elts):
        return [bind for t, v in zip(target.elts, value.elts) for bind in _paired_binds(t, v)]
    return [ast.Assign([target], value)]


def _zipped_display(node):
    """The display a loop over ``node`` iterates where its items are known from the text: ``node``
    itself for a list or tuple display; for ``zip`` of displays, the display of their items'
    tuples, as long as the shortest; for ``enumerate`` of one (its ``start`` a whole number written
    out), the display of ``(count, item)`` pairs; else None."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return node
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args) or \
            any(isinstance(a, ast.Starred) for a in node.args):
        return None
    if node.func.id == "zip" and not node.keywords:
        parts = [_zipped_display(a) for a in node.args]
        if any(p is None for p in parts):
            return None
        items = [ast.Tuple(list(elts), ast.Load()) for elts in zip(*(p.elts for p in parts))]
    elif node.func.id == "enumerate":
        starts = node.args[1:] + [k.value for k in node.keywords if k.arg == "start"]
        if len(node.args) + len(node.keywords) > 2 or len(starts) != len(node.args) - 1 + len(node.keywords) or \
                not all(isinstance(v, ast.Constant) and type(v.value) is int for v in starts):
            return None
        start = starts[0].value if starts else 0
        inner = _zipped_display(node.args[0])
        if inner is None:
            return None
        items = [ast.Tuple([ast.Constant(start + k), item], ast.Load()) for k, item in enumerate(inner.elts)]
    else:
        return None
    display = ast.List(items, ast.Load())
    for item in items:
        ast.copy_location(item, node)
        for part in item.elts:
            if not hasattr(part, "lineno"):
                ast.copy_location(part, node)
    return ast.copy_location(display, node)


def _iterating(node):
    """The loop ``node`` is, or a comprehension's first ``for`` (its sequence read where the comprehension
    is, as a loop's is; a later ``for`` reads its sequence where the earlier ones bind their names, which
    the display may list); else None."""
    if isinstance(node, ast.For):
        return node
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
        return node.generators[0]
    return None


def _sequence_names(loop, name):
    """The places a ``for`` reads ``name`` as (part of) its sequence: the loop's iterable itself,
    or an argument of the ``enumerate`` or ``zip`` it iterates (``enumerate(zip(params, rates))``),
    as ``[(parent, field, index)]``; ``name`` there or a slice of it by constants (``zip(pts, pts[1:])``)."""
    places = []
    if loop is None:
        return places

    def visit(parent, field, index, node):
        if isinstance(node, ast.Name) and node.id == name or _constant_slice(node, name) is not None:
            places.append((parent, field, index))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("zip", "enumerate"):
            for k, arg in enumerate(node.args if node.func.id == "zip" else node.args[:1]):
                visit(node, "args", k, arg)
    visit(loop, "iter", None, loop.iter)
    return places


def _constant_slice(node, name):
    """The ``slice`` of ``name[a:b:c]`` (``node``), its bounds constant integers or left out, else None."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name
            and isinstance(node.slice, ast.Slice) and isinstance(node.ctx, ast.Load)):
        return None
    parts = (node.slice.lower, node.slice.upper, node.slice.step)
    bounds = [None if part is None else source.number(part) for part in parts]
    if any(part is not None and type(value) is not int for part, value in zip(parts, bounds)) or bounds[2] == 0:
        return None
    return slice(*bounds)


def _sequence_value(node, display):
    """What a loop's sequence ``node`` (a name of ``display``, or a slice of it by constants) reads: a
    copy of the display, or of the items the slice takes (a list, as a list's slice is)."""
    if isinstance(node, ast.Subscript):
        part = _constant_slice(node, node.value.id)
        return ast.copy_location(ast.List([tree_copy(e) for e in display.elts[part]], ast.Load()), node)
    return ast.copy_location(tree_copy(display), node)


def _of_names(display):
    """Whether a display holds names and displays of names only (``[(W1, b1), (W2, b2)]``)."""
    return all(_of_names(e) if isinstance(e, (ast.List, ast.Tuple)) else isinstance(e, ast.Name)
               for e in display.elts)


def _subscripts_of(node, name):
    """The constant indices of ``name[i][j]...`` (outermost last), or () where ``node`` is not such a read."""
    indices = []
    while isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub) and isinstance(index.operand, ast.Constant):
            value = index.operand.value
            value = -value if type(value) is int else None
        else:
            value = index.value if isinstance(index, ast.Constant) and type(index.value) is int else None
        if value is None:
            return ()
        indices.append(value)
        node = node.value
    return tuple(reversed(indices)) if isinstance(node, ast.Name) and node.id == name else ()


_LAZY = ("a generator expression is read as it is iterated, once, and not before: backgen reads it here; pass it "
         "to the call that consumes it, or make it a list ([...])")


class _State:
    def __init__(self, used, error):
        self.used = set(used)
        self.error = error
        self.fresh = source.fresh_names(self.used, bare=True)

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, (ast.For, ast.While)) and stmt.orelse:
                out.extend(self.block(self.without_else(stmt)))
                continue
            out.extend(self.statement(stmt))
        return out

    def without_else(self, loop):
        """``for ...: body else: rest`` (or ``while``) as the loop, then ``rest`` where it did not break:
        ``rest`` after it where the body has no ``break`` of its own; else ``broke = 0`` before it,
        ``broke = 1`` before each of its breaks, and ``if broke == 0: rest`` after it."""
        rest, loop.orelse = loop.orelse, []
        loop.end_lineno, loop.end_col_offset = loop.body[-1].end_lineno, loop.body[-1].end_col_offset  # (what
        # follows it, the else clause now, after it: not taken for a part of it)
        if not source.own_jumps(loop.body, (ast.Break,)):
            return [loop, *rest]
        flag = self.fresh("broke")
        loop.body = _flagged_breaks(loop.body, flag)
        start = ast.fix_missing_locations(ast.copy_location(
            ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(0)), loop))  # (a number: no booleans)
        test = ast.Compare(ast.Name(flag, ast.Load()), [ast.Eq()], [ast.Constant(0)])
        after = ast.If(test, rest, [])
        for node in [after, *walk(test)]:  # (where the else clause is: after the loop)
            ast.copy_location(node, rest[0])
        return [start, loop, after]

    def statement(self, stmt):
        before = []
        if isinstance(stmt, ast.While):
            if _comprehensions(stmt.test):
                raise self.error("a comprehension in a while test is evaluated again each time round: "
                                 "compute it in the loop body", stmt.test)
        elif isinstance(stmt, (ast.For, ast.If)):
            field = "iter" if isinstance(stmt, ast.For) else "test"
            setattr(stmt, field, self.hoist(getattr(stmt, field), before, consumed=True))
        elif _built_into_name(stmt):  # pairs = [(a, b) for ...]: the loop appends to pairs itself
            self.comprehension(_listed(stmt.value), before, into=stmt.targets[0].id)
            return before
        elif _keyed_display(stmt):  # hs = {-1: h0}: hs = {}, then hs[-1] = h0
            name, display = stmt.targets[0].id, stmt.value
            made = [ast.Assign([ast.Name(name, ast.Store())], ast.Dict([], []))]
            made += [ast.Assign([ast.Subscript(ast.Name(name, ast.Load()), key, ast.Store())], value)
                     for key, value in zip(display.keys, display.values)]
            return self.block([ast.fix_missing_locations(ast.copy_location(line, stmt)) for line in made])
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            unpacked = isinstance(stmt, ast.Assign) and all(isinstance(t, (ast.Tuple, ast.List)) for t in stmt.targets)
            for name, value in ast.iter_fields(stmt):  # (a, b = map(radians, [a, b]): unpacking reads it at once)
                if isinstance(value, ast.expr):
                    setattr(stmt, name, self.hoist(value, before, consumed=unpacked and name == "value"))
        for name in ("body", "orelse"):
            if isinstance(getattr(stmt, name, None), list) and not isinstance(stmt, ast.FunctionDef):
                setattr(stmt, name, self.block(getattr(stmt, name)))
        if isinstance(stmt, ast.For):
            return before + self.loop(stmt)
        if _extended(stmt):  # xs.extend([a, b]) -> xs.append(a); xs.append(b)
            call = stmt.value
            appends = [ast.Expr(ast.Call(ast.Attribute(ast.Name(call.func.value.id, ast.Load()), "append", ast.Load()),
                                         [element], [])) for element in call.args[0].elts]
            return before + [ast.fix_missing_locations(ast.copy_location(new, stmt)) for new in appends]
        if _extended(stmt, displayed=False):  # xs.extend(ys) -> for item in ys: xs.append(item)
            call, item = stmt.value, self.fresh("item")
            append = ast.Expr(ast.Call(ast.Attribute(ast.Name(call.func.value.id, ast.Load()), "append", ast.Load()),
                                       [ast.Name(item, ast.Load())], []))
            loop = ast.For(ast.Name(item, ast.Store()), call.args[0], [append], [])
            for node in walk(loop):
                if "lineno" in node._attributes and not hasattr(node, "lineno"):
                    ast.copy_location(node, stmt)
            return before + self.block([loop])
        if _written_out(stmt):  # np.exp(scores, out=scores) -> scores[...] = np.exp(scores)
            call = stmt.value
            out = next(k.value for k in call.keywords if k.arg == "out")
            value = ast.Call(call.func, call.args, [k for k in call.keywords if k.arg not in ("out", "where")])
            mask = next((k.value for k in call.keywords if k.arg == "where"), None)
            if mask is not None:  # np.divide(x, n, out=xn, where=n > 0) -> xn[...] = np.where(n > 0, x / n, xn)
                value = ast.Call(ast.Attribute(ast.Name(call.func.value.id, ast.Load()), "where", ast.Load()),
                                 [mask, value, ast.Name(out.id, ast.Load())], [])
            target = ast.Subscript(ast.Name(out.id, ast.Load()), ast.Constant(Ellipsis), ast.Store())
            return before + [ast.fix_missing_locations(ast.copy_location(ast.Assign([target], value), stmt))]
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _nested_target(stmt.targets[0]) and \
                _matching(stmt.targets[0], stmt.value):  # (W1, b1), (W2, b2) = [(A, B), (C, D)]
            targets, values = _flat_pairs(stmt.targets[0], stmt.value)  # -> W1, b1, W2, b2 = A, B, C, D
            stmt.targets = [ast.copy_location(ast.Tuple(targets, ast.Store()), stmt.targets[0])]
            stmt.value = ast.copy_location(ast.Tuple(values, ast.Load()), stmt.value)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple) \
                and (any(isinstance(e, ast.Subscript) for e in stmt.targets[0].elts) or _nested_target(stmt.targets[0])):
            return before + self.parts(stmt)
        return before + [stmt]

    def lifted(self, stmts):
        """``stmts`` with each loop (outside other loops) that returns from within (``for ...: if v >
        threshold: return v * i``) setting the value, a flag and breaking instead, then returning the
        value after the loop where the flag is set: ``result = v * i; done = 1; break``, then
        ``if done > 0: return result``.  Only returns in a branch (a loop returning unconditionally
        runs once), and not where a loop inside it returns (a break leaves that loop only)."""
        out = []
        for position, stmt in enumerate(stmts):
            if isinstance(stmt, ast.If):
                stmt.body, stmt.orelse = self.lifted(stmt.body), self.lifted(stmt.orelse)
            if isinstance(stmt, (ast.For, ast.While)) and not stmt.orelse and _returns_in(stmt.body) and \
                    not any(isinstance(s, ast.Return) for n in [stmt, *(n for s in stmt.body for n in walk(s))]
                            if isinstance(n, (ast.For, ast.While)) for s in n.body) and \
                    not any(n.orelse and _returns_in(n.body) for s in stmt.body for n in walk(s)
                            if isinstance(n, (ast.For, ast.While))) and \
                    all(n.value is not None for s in stmt.body for n in walk(s) if isinstance(n, ast.Return)):
                rest = stmts[position + 1:]
                endless = _endless(stmt) or (  # (while True: left by a return only, known before the rewrite;
                    rest and isinstance(rest[-1], ast.Raise) and not _returns_in(rest))  # or a loop after which
                # the function raises, for ... return v, then raise ...: it returns the loop's value or none)
                count = _tuple_length(stmt.body)  # return a, b: each value a name of its own (result, result2)
                result = [self.fresh("result") for _ in range(count)] if count else self.fresh("result")
                done = self.fresh("done")
                stmt.body = _breaking(stmt.body, result, done)
                flag = ast.Assign([ast.Name(done, ast.Store())], ast.Constant(0))  # (a number: no booleans)
                exit_ = ast.If(ast.Compare(ast.Name(done, ast.Load()), [ast.Gt()], [ast.Constant(0)]),
                               [ast.Return(_result_names(result, ast.Load))], [])
                if endless:  # the flag is always set after the loop: return the value
                    exit_ = exit_.body[0]
                out += [ast.fix_missing_locations(ast.copy_location(flag, stmt)), stmt,
                        _after(ast.fix_missing_locations(ast.copy_location(exit_, stmt)), stmt)]  # (after
                # the loop: what reads its flag follows it, where the loop is written out too)
                if endless:
                    return out  # (what follows a loop left by returns only never runs, or raises)
                continue
            out.append(stmt)
        return out

    def parts(self, stmt):
        """``h[:, t, :], c = f(...)`` -> ``h_part, c = f(...)`` then ``h[:, t, :] = h_part``; ``(x1, y1), p =
        pair`` -> ``item, p = pair`` then ``x1, y1 = item``."""
        elts, writes = [], []
        for elt in stmt.targets[0].elts:
            if isinstance(elt, ast.Subscript) and isinstance(elt.value, ast.Name):
                name = self.fresh(f"{elt.value.id}_part")
                elts.append(ast.copy_location(ast.Name(name, ast.Store()), elt))
                write = ast.Assign([elt], ast.copy_location(ast.Name(name, ast.Load()), elt))
                writes.append(ast.copy_location(write, stmt))
            elif isinstance(elt, (ast.Tuple, ast.List)) and _nested_target(stmt.targets[0]):  # (x1, y1), p2 = pair:
                # item, p2 = pair, then x1, y1 = item
                name = self.fresh("item")
                elts.append(ast.copy_location(ast.Name(name, ast.Store()), elt))
                inner = ast.Assign([ast.copy_location(ast.Tuple(elt.elts, ast.Store()), elt)],
                                   ast.copy_location(ast.Name(name, ast.Load()), elt))
                inner = ast.copy_location(inner, stmt)
                nested = any(isinstance(e, (ast.Subscript, ast.Tuple, ast.List)) for e in elt.elts)
                writes.extend(self.parts(inner) if nested else [inner])
            else:
                elts.append(elt)
        stmt.targets = [ast.copy_location(ast.Tuple(elts, ast.Store()), stmt.targets[0])]
        return [stmt] + writes

    def hoist(self, expr, before, consumed=False, raw=False):
        """``expr`` with each comprehension replaced by a name, its loop appended to ``before``
        (``consumed``: ``expr`` is read at once, a loop's iterable: a generator there is a list; ``raw``: the
        loops are left for the caller's ``block`` to rewrite, an enclosing comprehension's loop holding them).  A
        generator expression read later than where it is written (``g = (... for r in X)``) is refused."""
        if not _comprehensions(expr):
            return expr
        for parent in walk(expr) if isinstance(expr, ast.AST) else ():
            for child in ast.iter_child_nodes(parent):
                if isinstance(child, ast.GeneratorExp) and not (isinstance(parent, ast.Call) and child in parent.args
                                                                or isinstance(parent, ast.comprehension)):
                    raise self.error(_LAZY, child)
        if isinstance(expr, ast.GeneratorExp) and not consumed:
            raise self.error(_LAZY, expr)

        class Replace(ast.NodeTransformer):
            def visit_ListComp(inner, node):
                return self.comprehension(node, before, raw)

            def visit_GeneratorExp(inner, node):
                return self.comprehension(node, before, raw)

            def visit_Call(inner, node):  # tuple(... for ...), list(...): the new list the loop builds
                if isinstance(node.func, ast.Name) and node.func.id in ("tuple", "list") and not node.keywords \
                        and len(node.args) == 1 and isinstance(node.args[0], (ast.ListComp, ast.GeneratorExp)):
                    return self.comprehension(node.args[0], before, raw)
                return inner.generic_visit(node)

            def visit_Lambda(inner, node):
                return node
        return Replace().visit(expr)

    def comprehension(self, node, before, raw=False, into=None):
        """The name of the list the loop of ``node`` builds, that loop appended to ``before``: a fresh
        name, or ``into`` (a name the comprehension does not read, the list assigned to it)."""
        target = into or self.fresh("items")
        names = dict.fromkeys(n.id for g in node.generators for n in walk(g.target) if isinstance(n, ast.Name))
        renamed = {name: self.fresh(name) for name in names}  # its variables are its own (in the order written)
        node = tree_copy(node)
        rename = _Rename(renamed)
        for k, generator in enumerate(node.generators):  # the first iterable is read outside it
            generator.target = rename.visit(generator.target)
            generator.ifs = [rename.visit(c) for c in generator.ifs]
            if k:
                generator.iter = rename.visit(generator.iter)
        keyed = isinstance(node, ast.DictComp)  # ({t: f(t) for t in ...}: each entry put at its key)
        if keyed:
            node.key = rename.visit(node.key)
        node.elt = rename.visit(node.value if keyed else node.elt)
        computed = []  # a comprehension in the element (sum(w * sum(... w ...) for w in ws)): its loop runs
        key = self.hoist(node.key, computed, raw=True) if keyed else None  # (the key first, as Python has it)
        element = self.hoist(node.elt, computed, raw=True)  # in this one's, where its variables are bound
        if keyed:
            inner = computed + [ast.Assign([ast.Subscript(ast.Name(target, ast.Load()), key, ast.Store())], element)]
        else:
            inner = computed + [ast.Expr(ast.Call(ast.Attribute(ast.Name(target, ast.Load()), "append", ast.Load()),
                                                  [element], []))]
        for generator in reversed(node.generators):
            if generator.is_async:
                raise self.error("async comprehensions are not supported", node)
            for condition in reversed(generator.ifs):
                inner = [ast.If(condition, inner, [])]
            inner = [ast.For(generator.target, generator.iter, inner, [])]
        made = ast.Dict([], []) if keyed else ast.List([], ast.Load())
        loop = [ast.Assign([ast.Name(target, ast.Store())], made)] + inner
        for stmt in loop:
            ast.copy_location(stmt, node)
            ast.fix_missing_locations(stmt)
            for child in walk(stmt):
                if hasattr(child, "lineno"):
                    child.lineno, child.col_offset = node.lineno, node.col_offset
        before.extend(loop if raw else self.block(loop))  # (raw: the enclosing loop's block rewrites it)
        return ast.copy_location(ast.Name(target, ast.Load()), node)

    def loop(self, stmt):
        """``for`` over enumerate/zip, or with a tuple target, as an index loop; over a display of
        names, written out (``unrolled``)."""
        unrolled = self.unrolled(stmt)
        if unrolled is not None:
            return unrolled
        # reversed(xs) of a name read item by item from the end (xs[-1 - k]), the list never sliced: iterated
        # itself (for x in reversed(xs): staged as it is), with a tuple target, in enumerate and in zip
        flips = []  # per sequence iterated: whether it is read from the end
        if _flipped(stmt.iter) and isinstance(stmt.target, (ast.Tuple, ast.List)):
            stmt.iter, flips = stmt.iter.args[0], [True]
        elif not (isinstance(stmt.target, ast.Name) and _flipped(stmt.iter)):
            stmt.iter = _backwards(stmt.iter)
        if isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Name) and stmt.iter.func.id == "enumerate" \
                and len(stmt.iter.args) == 1 and [k.arg for k in stmt.iter.keywords] == ["start"]:
            stmt.iter.args, stmt.iter.keywords = stmt.iter.args + [stmt.iter.keywords[0].value], []  # start=1: 1
        if isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Name) and \
                stmt.iter.func.id in ("enumerate", "zip"):
            read = stmt.iter.args if stmt.iter.func.id == "zip" else stmt.iter.args[:1]  # (not enumerate's start)
            items = isinstance(stmt.target, ast.Tuple) and not stmt.iter.keywords and (
                len(stmt.target.elts) == 2 and len(stmt.iter.args) in (1, 2) if stmt.iter.func.id == "enumerate"
                else len(stmt.target.elts) == len(stmt.iter.args))  # (each item read below: else sliced)
            flips = [items and _flipped(arg) for arg in read]
            stmt.iter.args = [arg.args[0] if k < len(read) and flips[k] else _backwards(arg)
                              for k, arg in enumerate(stmt.iter.args)]
        call, target = stmt.iter, stmt.target
        is_call = isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.keywords
        augmented = {id(node.target) for part in stmt.body for node in walk(part) if isinstance(node, ast.AugAssign)}
        rebound = {node.id for part in stmt.body + [target] for node in walk(part) if isinstance(node, ast.Name)
                   and isinstance(node.ctx, (ast.Store, ast.Del)) and id(node) not in augmented}  # (x = ...: the
        # loop still reads the sequence it started with; x op= v writes into it, or makes the same items)
        prefix, body = [], []
        if is_call and call.func.id == "zip" and len(call.args) == 1 and isinstance(call.args[0], ast.Starred) \
                and isinstance(target, ast.Tuple) and not any(isinstance(t, ast.Starred) for t in target.elts):
            # for a, b in zip(*parts): parts holds as many sequences as the target names (else Python
            # raises), each bound to a name of its own before the loop: seq, seq1 = parts
            names = [self.fresh("seq") for _ in target.elts]
            unpack = ast.Assign([ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())], call.args[0].value)
            prefix.append(ast.fix_missing_locations(ast.copy_location(unpack, call)))
            call = ast.copy_location(ast.Call(call.func, [ast.Name(n, ast.Load()) for n in names], []), call)
        if is_call and call.func.id == "enumerate" and len(call.args) in (1, 2) and \
                isinstance(target, ast.Tuple) and len(target.elts) == 2:
            counter, item = target.elts
            zipped = call.args[0]
            if isinstance(zipped, ast.Call) and isinstance(zipped.func, ast.Name) and zipped.func.id == "zip" and \
                    zipped.args and not zipped.keywords and not any(isinstance(a, ast.Starred) for a in zipped.args) \
                    and isinstance(item, ast.Tuple) and len(item.elts) == len(zipped.args):
                # for k, (W, a) in enumerate(zip(Ws, alphas)): the counter, and each sequence read at it
                seqs = [self.named(_backwards(arg), prefix, "seq", rebound) for arg in zipped.args]
                seq, item = seqs[0], None
            else:
                seq = self.named(call.args[0], prefix, "seq", rebound)
            if len(call.args) == 1 and isinstance(counter, ast.Name):
                index = counter.id
            else:
                index = self.fresh("k")
                body.append(ast.Assign([counter], ast.BinOp(ast.Name(index, ast.Load()), ast.Add(), call.args[1])
                                       if len(call.args) == 2 else ast.Name(index, ast.Load())))
            bounds = _len(seq)
            if item is not None:
                body.append(ast.Assign([item], _at(seq, index, flips[:1] == [True])))
            else:
                for other in seqs[1:]:  # zip stops at the shortest
                    bounds = ast.Call(ast.Name("min", ast.Load()), [bounds, _len(other)], [])
                body += [ast.Assign([element], _at(other, index)) for element, other in zip(target.elts[1].elts, seqs)]
        elif is_call and call.func.id == "zip" and call.args and isinstance(target, ast.Tuple) \
                and len(target.elts) == len(call.args):
            seqs = [self.named(arg, prefix, "seq", rebound) for arg in call.args]
            index = self.fresh("k")
            bounds = _len(seqs[0])
            for seq in seqs[1:]:  # zip stops at the shortest
                bounds = ast.Call(ast.Name("min", ast.Load()), [bounds, _len(seq)], [])
            flips = flips if len(flips) == len(seqs) else [False] * len(seqs)  # (zip(*parts): none reversed)
            for element, seq, flip in zip(target.elts, seqs, flips):
                body.append(ast.Assign([element], _at(seq, index, flip)))
        elif isinstance(target, (ast.Tuple, ast.List)) and not _items(call):
            seq = self.named(call, prefix, "seq", rebound)
            index = self.fresh("k")
            bounds = _len(seq)
            body.append(ast.Assign([target], _at(seq, index, flips == [True])))
        else:
            return [stmt]
        for new in body:
            ast.copy_location(new, stmt)
            ast.fix_missing_locations(new)
        body = [part for new in body for part in (  # for (x1, y1), (x2, y2) in pairs: each pair unpacked
            self.parts(new) if _nested_target(new.targets[0]) else [new])]
        stmt.target = ast.copy_location(ast.Name(index, ast.Store()), target)
        stmt.iter = ast.copy_location(ast.Call(ast.Name("range", ast.Load()), [bounds], []), call)
        ast.fix_missing_locations(stmt)
        stmt.body = body + stmt.body
        return prefix + [stmt]

    def unrolled(self, stmt):
        """``for W in [W1, W2]: body`` (also ``(W1, W2)``, ``[(W1, b1), (W2, b2)]``, and ``enumerate`` or
        ``zip`` of displays, ``zip([W1, W2], [b1, b2])``) as ``W = W1``, body, ``W = W2``, body: the names
        may hold arrays of different shapes, as a list of parameters does.
        Only where the body rebinds none of the names listed (the display reads them once, before
        the loop), and neither breaks, continues nor has an else."""
        def names_only(node):  # (or numbers: enumerate's counts)
            if isinstance(node, (ast.Tuple, ast.List)):
                return bool(node.elts) and all(names_only(e) for e in node.elts)
            return isinstance(node, ast.Name) or isinstance(node, ast.Constant) and \
                isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
        def shaped_as_target(node, target):  # a display of tuples as deep as the target's
            if isinstance(target, (ast.Tuple, ast.List)):
                return isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == len(target.elts) and \
                    all(shaped_as_target(e, t) for e, t in zip(node.elts, target.elts))
            return not isinstance(node, (ast.Starred, ast.Tuple, ast.List))  # (a tuple under one name: refused)
        display = _zipped_display(stmt.iter)
        if display is None or not display.elts or stmt.orelse:
            return None
        if any(isinstance(n, (ast.Break, ast.Continue, ast.FunctionDef, ast.Lambda, ast.Global, ast.Nonlocal))
               for s in stmt.body for n in walk(s)):
            return None
        out = []
        if not all(names_only(e) for e in display.elts):
            # ((pred, target), (pred[::2], target[::2])): the values Python computes as the loop starts,
            # each bound to a name of its own there, in order; the loop is then over a display of names
            if not all(shaped_as_target(e, stmt.target) for e in display.elts) or \
                    _comprehensions(display) or any(isinstance(n, ast.Starred) for n in walk(display)):
                return None
            display = tree_copy(display)

            def bound(node, target):
                if isinstance(node, (ast.Tuple, ast.List)):
                    node.elts = [bound(e, t) for e, t in zip(node.elts, target.elts)]
                    return node
                if isinstance(node, ast.Name):
                    return node
                name = self.fresh(target.id if isinstance(target, ast.Name) else "item")
                out.append(ast.fix_missing_locations(ast.copy_location(
                    ast.Assign([ast.Name(name, ast.Store())], node), stmt)))
                return ast.copy_location(ast.Name(name, ast.Load()), node)
            display.elts = [bound(e, stmt.target) for e in display.elts]
        listed = names_of(display)
        stored = names_of(stmt.target) | {
            n.id for s in stmt.body for n in walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if listed & stored:
            return None
        for element in display.elts:
            for bind in _paired_binds(tree_copy(stmt.target), tree_copy(element)):
                out.append(ast.fix_missing_locations(ast.copy_location(bind, stmt)))
            out.extend(tree_copy(stmt.body))
        return out

    def named(self, expr, prefix, base, rebound=frozenset()):
        """A name holding ``expr``: itself if it is one the loop does not bind again (``rebound``), else a
        new name bound once before the loop (Python iterates the object read as the loop starts)."""
        if isinstance(expr, ast.Name) and expr.id not in rebound:
            return expr.id
        name = self.fresh(base)
        prefix.append(ast.fix_missing_locations(ast.copy_location(
            ast.Assign([ast.Name(name, ast.Store())], expr), expr)))
        return name


class _Rename(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        if node.id in self.names:
            return ast.copy_location(ast.Name(self.names[node.id], node.ctx), node)
        return node


def _backwards(node):
    """``reversed(xs)`` iterated, of a list or an array: ``xs[::-1]`` (``reversed(range(n))`` stays,
    a loop counting down)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "reversed" and \
            len(node.args) == 1 and not node.keywords and not (
                isinstance(node.args[0], ast.Call) and isinstance(node.args[0].func, ast.Name)
                and node.args[0].func.id == "range"):
        flipped = ast.Subscript(node.args[0], ast.Slice(None, None, ast.Constant(-1)), ast.Load())
        return ast.fix_missing_locations(ast.copy_location(flipped, node))
    return node


def _len(name):
    return ast.Call(ast.Name("len", ast.Load()), [ast.Name(name, ast.Load())], [])


def _at(name, index, from_end=False):
    """``name[index]``, or ``name[-1 - index]`` read ``from_end``."""
    at = ast.Name(index, ast.Load())
    if from_end:
        at = ast.BinOp(ast.UnaryOp(ast.USub(), ast.Constant(1)), ast.Sub(), at)
    return ast.Subscript(ast.Name(name, ast.Load()), at, ast.Load())


def _flipped(node):
    """Whether ``node`` is ``reversed(xs)`` of a name (not of a range)."""
    return _backwards(node) is not node and isinstance(node.args[0], ast.Name)


def _matching(target, value):
    """Whether the display ``value`` has the nesting of the tuple ``target`` (as many items at every
    level the target unpacks; no starred item), so that unpacking it item by item is what Python does."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return True
    return isinstance(value, (ast.Tuple, ast.List)) and len(target.elts) == len(value.elts) and \
        not any(isinstance(e, ast.Starred) for e in target.elts + value.elts) and \
        all(_matching(t, v) for t, v in zip(target.elts, value.elts))


def _flat_pairs(target, value):
    """The names of a nested ``target`` and the parts of the display ``value`` they are given, in order
    (all of ``value`` is computed before any name is bound, as Python does, in one tuple assignment)."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return [target], [value]
    targets, values = [], []
    for t, v in zip(target.elts, value.elts):
        more_targets, more_values = _flat_pairs(t, v)
        targets += more_targets
        values += more_values
    return targets, values


def _nested_target(target):
    """Whether ``target`` is a tuple holding tuples of names (``(x1, y1), (x2, y2)``), each name once
    (unpacked item by item, a name written twice could end holding another item than Python leaves)."""
    if not (isinstance(target, ast.Tuple) and any(isinstance(e, (ast.Tuple, ast.List)) for e in target.elts)):
        return False
    names = [n for n in walk(target) if not isinstance(n, (ast.Tuple, ast.List, ast.expr_context))]
    return all(isinstance(n, ast.Name) for n in names) and len({n.id for n in names}) == len(names)


def _sugared(func):
    """Whether ``func`` holds what ``desugar`` rewrites: a comprehension, a ``for`` loop, ``xs.extend``,
    a dict display of keys not all strings bound to a name (``hs = {-1: h0}``), or an assignment to a
    tuple with a part of an array in it (``h[:, t], c = ...``)."""
    todo = list(func.body)
    while todo:
        node = todo.pop()
        kind = node.__class__
        if kind in (ast.ListComp, ast.DictComp, ast.GeneratorExp, ast.For) or \
                kind is ast.Call and _listed_reversed(node) or kind is ast.Assign and _keyed_display(node) or \
                kind is ast.Expr and (
                _written_out(node) or _extended(node) or _extended(node, displayed=False)) or \
                kind is ast.While and (_returns_in(node.body) or node.orelse):
            return True
        if kind is ast.Assign and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) \
                and (any(isinstance(e, ast.Subscript) for e in node.targets[0].elts) or _nested_target(node.targets[0])
                     or _transposed(node)):
            return True
        if kind is ast.Assign and isinstance(node.value, (ast.List, ast.Tuple)) and \
                any(isinstance(e, (ast.List, ast.Tuple)) for e in node.value.elts):  # layers = [(W1, b1), ...]
            return True
        if kind is ast.Expr and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr in ("insert", "reverse"):  # returns.insert(0, G); xs.reverse()
            return True
        if kind is ast.Expr and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr == "append" and node.value.args and \
                isinstance(node.value.args[0], ast.Tuple):  # caches.append((x, h)): a list of tuples
            return True
        source.push_parts(todo, node)
    return False


def _extended(stmt, displayed=True):
    """``xs.extend([a, b])`` standing alone, with a display none of whose elements reads ``xs``; with
    ``displayed`` False, of any other sequence not reading ``xs`` (``xs.extend(ys)``, a comprehension's
    list), whose items a loop appends one after another."""
    call = getattr(stmt, "value", None)
    if not (isinstance(stmt, ast.Expr) and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "extend" and isinstance(call.func.value, ast.Name) and len(call.args) == 1
            and not call.keywords and isinstance(call.args[0], (ast.List, ast.Tuple)) == displayed
            and not isinstance(call.args[0], ast.Starred)):
        return False
    name = call.func.value.id
    return not any(isinstance(n, ast.Name) and n.id == name for n in walk(call.args[0]))


def _returns_in(stmts):
    """Whether ``stmts`` return from within (a nested function's returns are its own)."""
    return any(isinstance(n, ast.Return) for s in stmts for n in walk(s))


def _endless(loop):
    """Whether ``loop`` is ``while True:`` (a constant true test) with no ``break`` of its own: only a
    return leaves it."""
    return isinstance(loop, ast.While) and isinstance(loop.test, ast.Constant) and bool(loop.test.value) and \
        not _own_breaks(loop.body)


def _own_breaks(stmts):
    """Whether ``stmts`` (a loop's body) break that loop (a loop inside breaks itself, but in its ``else``)."""
    for stmt in stmts:
        if isinstance(stmt, ast.Break):
            return True
        if isinstance(stmt, (ast.For, ast.While)):
            if _own_breaks(stmt.orelse):
                return True
        elif isinstance(stmt, (ast.If, ast.With, ast.Try)):
            parts = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
            parts += [h.body for h in getattr(stmt, "handlers", [])]
            if any(_own_breaks(part) for part in parts):
                return True
    return False


def _flagged_breaks(stmts, flag):
    """``stmts`` (a loop's body) with ``flag = 1`` before each ``break`` of that loop (not of a loop
    inside it, but in such a loop's ``else`` clause, which breaks the outer one)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Break):
            mark = ast.Assign([ast.Name(flag, ast.Store())], ast.Constant(1))
            out += [ast.fix_missing_locations(ast.copy_location(mark, stmt)), stmt]
            continue
        if isinstance(stmt, (ast.For, ast.While)):
            stmt.orelse = _flagged_breaks(stmt.orelse, flag)
        elif isinstance(stmt, (ast.If, ast.With, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, _flagged_breaks(getattr(stmt, field), flag))
            for handler in getattr(stmt, "handlers", []):
                handler.body = _flagged_breaks(handler.body, flag)
        out.append(stmt)
    return out


def _tuple_length(body):
    """The number of values every ``return`` in ``body`` gives as a tuple display of two or more
    (``return a, b``), the same at each; 0 where any returns something else."""
    lengths = {len(n.value.elts) if isinstance(n.value, ast.Tuple) and not any(
        isinstance(e, ast.Starred) for e in n.value.elts) else 0
        for s in body for n in walk(s) if isinstance(n, ast.Return)}
    return lengths.pop() if len(lengths) == 1 and min(lengths) > 1 else 0


def _result_names(result, ctx):
    """The name ``result``, or for a list of names their tuple."""
    if isinstance(result, str):
        return ast.Name(result, ctx())
    return ast.Tuple([ast.Name(name, ctx()) for name in result], ctx())


def _breaking(stmts, result, done):
    """``stmts`` (a loop's body) with each ``return v`` as ``result = v; done = 1; break`` (``result`` a
    list of names: ``return a, b`` as ``result, result2 = a, b``)."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, ast.Return):
            lines = [ast.Assign([_result_names(result, ast.Store)], stmt.value),
                     ast.Assign([ast.Name(done, ast.Store())], ast.Constant(1)), ast.Break()]
            out += [ast.fix_missing_locations(ast.copy_location(line, stmt)) for line in lines]
            continue
        if isinstance(stmt, ast.If):
            stmt.body, stmt.orelse = _breaking(stmt.body, result, done), _breaking(stmt.orelse, result, done)
        if isinstance(stmt, (ast.For, ast.While)) and _returns_in(stmt.body):  # a loop inside that returns: its
            stmt.body = _breaking(stmt.body, result, done)  # break, then this loop's (if done > 0: break)
            leave = ast.If(ast.Compare(ast.Name(done, ast.Load()), [ast.Gt()], [ast.Constant(0)]), [ast.Break()], [])
            out += [stmt, _after(leave, stmt)]
            continue
        out.append(stmt)
    return out


def _after(stmt, loop):
    """``stmt`` (made by a rewrite) placed where ``loop`` ends, as what follows it."""
    for node in walk(stmt):
        if "lineno" in node._attributes:
            node.lineno = node.end_lineno = loop.end_lineno
            node.col_offset = node.end_col_offset = loop.end_col_offset
    return stmt


def _listed(value):
    """The comprehension of a list display of one (``[... for ...]``, ``list(... for ...)``), or of a dict
    (``{k: v for ...}``), else None."""
    if isinstance(value, (ast.ListComp, ast.DictComp)):
        return value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "list" and \
            not value.keywords and len(value.args) == 1 and isinstance(value.args[0], (ast.ListComp, ast.GeneratorExp)):
        return value.args[0]
    return None


def _built_into_name(stmt):
    """Whether ``stmt`` assigns a list comprehension to a name it does not read (``pairs = [(x[i],
    x[i + 1]) for i in range(3)]``): the loop may append to that name, as one written so would
    (``pairs = []``, then ``pairs.append(...)``), with no second name for the list; or a dict
    comprehension (``hs = {t: f(t) for t in range(T)}``: ``hs = {}``, then ``hs[t] = f(t)``)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    node = _listed(stmt.value)
    name = stmt.targets[0].id
    return node is not None and not any(
        isinstance(n, ast.Name) and n.id == name or isinstance(n, (ast.Lambda, ast.NamedExpr)) for n in walk(node))


def _keyed_display(stmt):
    """Whether ``stmt`` assigns a dict display to a name it does not read, its keys not all strings written
    out (``hs = {-1: h0}``: those are a layer's cache or entries named, ``named_entries``), no ``**``."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Dict) and stmt.value.keys):
        return False
    keys, name = stmt.value.keys, stmt.targets[0].id
    return all(k is not None for k in keys) and not all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                        for k in keys) and \
        not any(isinstance(n, ast.Name) and n.id == name or isinstance(n, (ast.Lambda, ast.NamedExpr))
                for n in walk(stmt.value))


def _items(call):
    """Whether ``call`` is ``d.items()``: a loop over a dict of arrays' items is written out where its
    keys are known (``structured``), not indexed (a dict's items are not a sequence)."""
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "items" \
        and not call.args and not call.keywords


def _written_out(stmt):
    """Whether ``stmt`` is a NumPy call standing alone that writes its result into a named array
    (``np.exp(scores, out=scores)``): the same as ``scores[...] = np.exp(scores)``; with ``where=``, of an
    elementwise function (``np.divide(x, n, out=xn, where=n > 0)``), which leaves the rest of the array as
    it was, ``xn[...] = np.where(n > 0, np.divide(x, n), xn)``."""
    from .masked_ufuncs import FUNCTIONS  # noqa: PLC0415  (the elementwise functions)

    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
        isinstance(call.func.value, ast.Name) and call.func.value.id in ("np", "numpy") and \
        any(k.arg == "out" and isinstance(k.value, ast.Name) for k in call.keywords) and \
        not any(k.arg is None for k in call.keywords) and \
        (not any(k.arg == "where" for k in call.keywords) or call.func.attr in FUNCTIONS and
         not any(isinstance(a, ast.Starred) for a in call.args))


def _comprehensions(node):
    return source.holds(node, (ast.ListComp, ast.GeneratorExp))
