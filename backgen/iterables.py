"""A loop's iterable wrapped in ``list(...)`` or ``tuple(...)``, as the iterator it wraps.

Contract: ``unwrap(func) -> None`` rewrites an ``ast.FunctionDef`` in place (before tidying).

``for c, p in list(zip(coeffs, powers))`` (likewise ``tuple(...)``, around ``zip``,
``enumerate``, ``range`` or ``reversed``, in a ``for`` statement or a comprehension) is
``for c, p in zip(coeffs, powers)``: Python makes the list first and then iterates it, which
gives the same items as iterating the iterator itself unless the loop changes what the iterator
reads as it goes.  So the call is unwrapped only where the loop's body neither binds again nor
writes into (``xs[i] = ...``, ``xs.append(...)``, ``xs += ...``) any name the iterator's
arguments read; elsewhere it is left as written (and staging says what it does not follow).
``list([a, b])`` there is the list written out.

A name bound once to such a list (``shapes = list(zip(sizes[:-1], sizes[1:]))``) and read only
as loops' iterables is that iterator at each loop, where nothing in the function binds again,
writes into or calls a method of any name the iterator reads (so it gives the same items
wherever it is made), and the assignment is left out.  A name the iterator reads that the function
binds once, above the list in its body, to a list or tuple of numbers written out (``sizes = [1, 4,
1]``) and writes into nowhere holds that list at each loop too.

``for i, v in reversed(list(enumerate(xs)))`` is ``for i in reversed(range(len(xs))):`` with ``v = xs[i]``
first in its body, and ``for a, b in reversed(list(zip(xs, ys)))`` is ``for k in reversed(range(min(len(xs),
len(ys)))):`` with ``a, b = xs[k], ys[k]`` (``tuple`` for ``list`` alike; ``reversed(list(xs))`` is
``reversed(xs)``): the same items, last first, where each sequence is a name and the loop binds again,
writes into or calls a method of nothing linked to them.

``for i, j in edges.tolist():`` whose body reads ``i`` and ``j`` as indices alone (``V[i] - V[j]``) and
changes nothing ``edges`` is linked to is ``for i, j in edges``: the same indices, as NumPy's integers.

``products(forward) -> None``: ``for i, j in itertools.product(A, B):`` (``product`` however imported;
``repeat=k`` repeating the iterables) is ``for i in A:`` around ``for j in B:``, the same pairs in the same
order, where the loop has no ``else`` and no ``break`` of its own (which would leave only the inner
loop), its target unpacks one name or pattern per iterable, and each iterable after the first gives the
same items every time it is made (else it is refused, saying which): a ``range`` of names the loop does not change or bind, a list or
tuple written out, or a name the loop does not change that the function binds to nothing but such a
list, a ``range``, a comprehension's list or a NumPy array, or binds nowhere (a parameter, a module's
constant); not a name bound to an iterator, which the inner loop would use up.

A tuple written out that a loop iterates, itself or as an argument of those calls
(``for w, p in zip((0.5, 0.3), (1.0, 2.0))``), is the list of the same items: iterating either
gives them in order.

``maps(func, shadowed) -> None``: each call of the builtin ``map`` (``shadowed``: the function or
its module binds the name ``map`` to something else: none rewritten) is the generator expression
it is, each item computed as it is taken: ``map(lambda t: t * s, u)`` is ``(t * s for t in u)``,
``map(math.sin, u)`` is ``(math.sin(t) for t in u)``, ``map(f, a, b)`` is ``(f(p, q) for p, q
in zip(a, b))``, so that ``sum(map(...))`` and ``list(map(...))`` are what comprehensions are.
A lambda with defaults, ``*`` or ``**`` parameters or of another number of parameters, and a call
with keywords or starred arguments, are left as written.
"""

import ast

from .source import fresh_names, meaning_of, name_ids, number, own_jumps, rewrite_statements, walk, tree_copy

_ITERATORS = frozenset({"zip", "enumerate", "range", "reversed"})
_WRAPPERS = frozenset({"list", "tuple"})


def unwrap(func):
    """Unwrap the loops' iterables of ``func`` (see the module doc)."""
    linked = _aliases(func)
    _named_lists(func, linked)
    fresh = None
    for node in walk(func):
        if isinstance(node, ast.For) and _backwards_listed(node, linked):
            fresh = fresh or fresh_names(name_ids(func))
            _reversed_indexed(node, fresh)
    for node in walk(func):
        if isinstance(node, ast.For):
            body = node.body + node.orelse
        elif isinstance(node, ast.comprehension):
            body = []  # (a comprehension's target and conditions bind or write nothing the iterator reads)
        else:
            continue
        if isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) and \
                node.iter.func.id in _ITERATORS | _WRAPPERS:
            node.iter.args = [_listed(arg) for arg in node.iter.args]
        if _indices_listed(node, body, linked):  # for i, j in edges.tolist(): V[i] - V[j]
            node.iter = node.iter.func.value
            continue
        inner = _wrapped(node.iter)
        if inner is not None and (isinstance(inner, ast.List) or
                                  not (_linked(name_ids(inner), linked) & _changed(body))):
            node.iter = inner
            if isinstance(inner, ast.Call):
                inner.args = [_listed(arg) for arg in inner.args]
        node.iter = _listed(node.iter)


def products(forward):
    """Write the loops of ``forward.func`` over ``itertools.product`` as nested loops (see the module doc)."""
    func = forward.func
    loops = [node for node in walk(func) if isinstance(node, ast.For) and isinstance(node.iter, ast.Call)
             and meaning_of(node.iter.func, forward.env.get) == "itertools.product"]
    if not loops:
        return
    bindings = {}  # name -> the values the function binds it to (None: bound otherwise, a loop's target)
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bindings.setdefault(node.id, [])
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for target in getattr(node, "targets", None) or [node.target]:
                if isinstance(target, ast.Name):
                    bindings.setdefault(target.id, []).append(node.value)
    counts = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1

    def remade_alike(node, changed):  # (an iterable the inner loop makes again: the same items each time)
        if name_ids(node) & changed:
            return False
        if isinstance(node, (ast.List, ast.Tuple)):
            return True
        if isinstance(node, ast.Call):
            return isinstance(node.func, ast.Name) and node.func.id == "range" and "range" not in bindings and \
                not node.keywords and all(not isinstance(a, ast.Starred) for a in node.args)
        if isinstance(node, ast.Name):
            values = bindings.get(node.id)
            if values is None:  # (a parameter, a module's constant)
                return True
            return bool(values) and len(values) == counts.get(node.id) and all(
                isinstance(v, (ast.List, ast.Tuple, ast.ListComp)) or isinstance(v, ast.Call) and (
                    isinstance(v.func, ast.Name) and v.func.id == "range" or
                    (meaning_of(v.func, forward.env.get) or "").startswith("numpy.")) for v in values)
        return False
    for loop in loops:
        call = loop.iter
        repeat = [k for k in call.keywords if k.arg == "repeat"]
        times = number(repeat[0].value) if repeat else 1
        iterables = call.args * times if isinstance(times, int) and times >= 1 else []
        target = loop.target
        if loop.orelse or own_jumps(loop.body, (ast.Break,)):
            why = "it has a break or an else, which would leave the inner loop alone"
        elif any(k.arg != "repeat" for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args) \
                or not iterables:
            why = "it is given starred arguments, keywords but repeat=, or a repeat that is not a number written out"
        elif not isinstance(target, (ast.Tuple, ast.List)) or len(target.elts) != len(iterables) or \
                any(isinstance(e, ast.Starred) for e in target.elts):
            why = "its target does not unpack one name or pattern per iterable"
        elif not all(remade_alike(it, _changed(loop.body) | name_ids(target)) for it in iterables[1:]):
            why = ("an inner iterable may give other items when made again (an iterator, or a name the loop "
                   "changes)")
        else:
            why = None
        if why is not None:
            raise forward.error(f"a loop over itertools.product is read as the nested loops it stands for, and "
                                f"this one cannot be: {why}; write the nested loops", call)
        body = loop.body
        for part, iterable in reversed(list(zip(target.elts[1:], iterables[1:]))):
            body = [ast.copy_location(ast.For(part, tree_copy(iterable), body, []), loop)]
        loop.target, loop.iter, loop.body = target.elts[0], iterables[0], body
        ast.fix_missing_locations(loop)


def _backwards_listed(loop, linked):
    """Whether ``loop`` iterates ``reversed(list(enumerate(xs)))``, ``reversed(list(zip(xs, ys)))`` or
    ``reversed(list(xs))`` (``tuple`` alike), each sequence a name, unpacking an enumeration into two
    targets and a zip into as many as it has sequences, or into one (see the module doc)."""
    it = loop.iter
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "reversed" and
            len(it.args) == 1 and not it.keywords):
        return False
    inner = _wrapped(it.args[0])
    if inner is None and isinstance(it.args[0], ast.Call) and isinstance(it.args[0].func, ast.Name) and \
            it.args[0].func.id in _WRAPPERS and len(it.args[0].args) == 1 and not it.args[0].keywords and \
            isinstance(it.args[0].args[0], ast.Name):
        inner = it.args[0].args[0]  # reversed(list(xs))
    if inner is None:
        return False
    if isinstance(inner, ast.Name):
        names = [inner.id]
    elif isinstance(inner, ast.Call) and inner.func.id in ("enumerate", "zip") and not inner.keywords and \
            inner.args and all(isinstance(a, ast.Name) for a in inner.args):
        names = [a.id for a in inner.args]
        target = loop.target
        if inner.func.id == "enumerate" and not (len(names) == 1 and isinstance(target, (ast.Tuple, ast.List))
                                                 and len(target.elts) == 2 and isinstance(target.elts[0], ast.Name)):
            return False
        if inner.func.id == "zip" and isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) != len(names):
            return False
    else:
        return False
    reading = _linked(names, linked)
    return not (reading & (_changed(loop.body + loop.orelse) | name_ids(loop.target)))


def _reversed_indexed(loop, fresh):
    """Rewrite ``loop`` (``_backwards_listed``) as the module doc says."""
    listed = loop.iter.args[0]
    inner = listed.args[0]
    if isinstance(inner, ast.Name):  # reversed(list(xs)): reversed(xs)
        loop.iter.args = [inner]
        return
    names = [a.id for a in inner.args]

    def item(sequence, index):
        return ast.Subscript(ast.Name(sequence, ast.Load()), ast.Name(index, ast.Load()), ast.Load())

    def length(sequence):
        return ast.Call(ast.Name("len", ast.Load()), [ast.Name(sequence, ast.Load())], [])
    if inner.func.id == "enumerate":
        index, target = loop.target.elts[0].id, loop.target.elts[1]
        count = length(names[0])
        first = ast.Assign([target], item(names[0], index))
    else:
        index = fresh("k")
        count = length(names[0]) if len(names) == 1 else \
            ast.Call(ast.Name("min", ast.Load()), [length(n) for n in names], [])
        items = [item(n, index) for n in names]
        if isinstance(loop.target, (ast.Tuple, ast.List)):
            first = ast.Assign([ast.Tuple(loop.target.elts, ast.Store())], ast.Tuple(items, ast.Load()))
        else:  # (the items as one tuple)
            first = ast.Assign([loop.target], ast.Tuple(items, ast.Load()))
    loop.target = ast.Name(index, ast.Store())
    loop.iter = ast.Call(ast.Name("reversed", ast.Load()),
                         [ast.Call(ast.Name("range", ast.Load()), [count], [])], [])
    for node in (loop.target, loop.iter, first):
        ast.copy_location(node, loop)
    loop.body.insert(0, ast.fix_missing_locations(ast.copy_location(first, loop)))
    ast.fix_missing_locations(loop)


def _indices_listed(loop, body, linked):
    """Whether ``loop`` is ``for i, j in edges.tolist():`` (a ``for`` statement over a name's ``tolist()``,
    its items unpacked into names) whose body reads those names as indices only (``V[i]``) and changes
    nothing the name is linked to: the same indices as iterating the array itself gives."""
    it, target = loop.iter, loop.target
    if not (isinstance(loop, ast.For) and isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and
            it.func.attr == "tolist" and not it.args and not it.keywords and isinstance(it.func.value, ast.Name)
            and isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts)):
        return False
    names = {e.id for e in target.elts}
    if _linked({it.func.value.id}, linked) & _changed(body):
        return False
    indices = set()
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, ast.Subscript):
                parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                indices.update(id(p) for p in parts if isinstance(p, ast.Name))
    return all(id(node) in indices for stmt in body for node in walk(stmt)
               if isinstance(node, ast.Name) and node.id in names)


def _listed(node):
    """A tuple written out (``(0.5, 0.3)``) as the list of its items; else ``node``."""
    if isinstance(node, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return ast.copy_location(ast.List(node.elts, ast.Load()), node)
    return node


def _wrapped(node):
    """The iterator ``node`` wraps (``list(zip(a, b))``: ``zip(a, b)``), or None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _WRAPPERS and \
            len(node.args) == 1 and not node.keywords:
        inner = node.args[0]
        if isinstance(inner, ast.List) and not any(isinstance(e, ast.Starred) for e in inner.elts):
            return inner
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in _ITERATORS:
            return inner
    return None


def _named_lists(func, linked):
    """Put each list of an iterator bound to a name in the loops that iterate the name (see the module doc)."""
    named = {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            inner = _wrapped(node.value)
            if isinstance(inner, ast.Call):
                named.setdefault(node.targets[0].id, []).append((node, inner))
    if not named:
        return
    changed = _changed(func.body)
    written = _changed(func.body, binds=False)
    bound = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound[node.id] = bound.get(node.id, 0) + 1
    loops = {}  # name -> the loops iterating it
    reads = {}
    for node in walk(func):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name):
            loops.setdefault(node.iter.id, []).append(node)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            reads[node.id] = reads.get(node.id, 0) + 1
    dropped = set()
    for name, made in named.items():
        if len(made) != 1 or bound.get(name) != 1 or name not in loops or \
                reads.get(name, 0) != len(loops[name]):  # (each read of it is a loop's iterable)
            continue
        assign, inner = made[0]
        reading = _linked(name_ids(inner), linked)
        listed = _listed_before(func, assign, reading, bound)  # (layer_sizes = [1, 4, 1] just above)
        if reading & (changed - listed) or reading & written or \
                any(bound.get(n) for n in name_ids(inner) if n not in listed) or name in reading:
            continue
        for loop in loops[name]:
            loop.iter = ast.copy_location(tree_copy(inner), loop.iter)
        dropped.add(id(assign))
    if dropped:
        func.body = rewrite_statements(func.body, lambda stmt: [] if id(stmt) in dropped else [stmt]) or \
            [ast.copy_location(ast.Pass(), func)]


def _aliases(func):
    """Name -> the names bound to it or from it (``ys = xs``): they may share a list or an array."""
    linked = {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            for target in node.targets:
                for name in walk(target):
                    if isinstance(name, ast.Name):
                        linked.setdefault(name.id, set()).add(node.value.id)
                        linked.setdefault(node.value.id, set()).add(name.id)
    return linked


def _linked(names, linked):
    """``names`` and every name an alias links them to, at any remove."""
    found, todo = set(names), list(names)
    while todo:
        for other in linked.get(todo.pop(), ()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def _listed_before(func, assign, names, bound):
    """Those of ``names`` that ``func`` binds once, by a statement of its body before ``assign`` (itself
    one of its body) giving it a list or tuple of numbers written out (``layer_sizes = [1, 4, 1]``): each
    holds that list wherever ``assign`` reads it, where nothing writes into it."""
    if assign not in func.body:
        return set()
    found = set()
    for stmt in func.body[:func.body.index(assign)]:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                stmt.targets[0].id in names and bound.get(stmt.targets[0].id) == 1 and \
                isinstance(stmt.value, (ast.List, ast.Tuple)) and \
                all(number(e) is not None for e in stmt.value.elts):
            found.add(stmt.targets[0].id)
    return found


def _changed(body, binds=True):
    """The names ``body`` binds (but not with ``binds`` false), writes into or calls a method of."""
    changed = set()
    for stmt in body:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                if binds:
                    changed.add(node.id)
            elif isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(node.ctx, ast.Load):
                changed |= name_ids(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                changed |= name_ids(node.func.value)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                changed.update(node.names)
    return changed


def maps(func, shadowed):
    """Write ``func``'s calls of the builtin ``map`` as generator expressions (see the module doc)."""
    if shadowed or any(isinstance(n, ast.Name) and n.id == "map" and not isinstance(n.ctx, ast.Load)
                       for n in walk(func)) or any(a.arg == "map" for a in func.args.args):
        return
    fresh = fresh_names(name_ids(func) | {a.arg for a in func.args.args})

    class Maps(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if not (isinstance(node.func, ast.Name) and node.func.id == "map" and len(node.args) >= 2
                    and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)):
                return node
            function, sequences = node.args[0], node.args[1:]
            if isinstance(function, ast.Lambda):
                args = function.args
                if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or args.defaults or \
                        len(args.args) != len(sequences):
                    return node
                names, item = [a.arg for a in args.args], function.body
            elif isinstance(function, (ast.Name, ast.Attribute)):
                names = [fresh("item") for _ in sequences]
                item = ast.Call(tree_copy(function), [ast.Name(n, ast.Load()) for n in names], [])
            else:
                return node
            target = ast.Name(names[0], ast.Store()) if len(names) == 1 else \
                ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())
            iterated = sequences[0] if len(sequences) == 1 else ast.Call(ast.Name("zip", ast.Load()), sequences, [])
            found = ast.GeneratorExp(item, [ast.comprehension(target, iterated, [], 0)])
            return ast.fix_missing_locations(ast.copy_location(found, node))

    Maps().visit(func)
