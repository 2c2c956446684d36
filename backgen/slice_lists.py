"""Lists of slices a loop takes one by one, written as the pairs of bounds they hold.

Contract: ``rewrite(forward)`` rewrites, in ``forward.func`` (in place), each name the function binds
once to a list or tuple display of ``slice(stop)`` or ``slice(start, stop)`` calls of the builtin
(group lasso's ``groups = [slice(0, 2), slice(2, 5), slice(5, 6)]``), where every read of the name
is the sequence of a ``for`` or of a comprehension's first ``for`` whose variable, a name bound
by such loops alone and read in them alone, is read only as an index or an item of an index tuple
(``w[g]``, ``X[:, g]``, ``out[g] = v``).  The
display becomes one of pairs ``(start, stop)`` (``start`` 0 where it is left out or None, as a
slice of a step of 1 reads it), the loop's variable the pair of fresh names ``g_start, g_stop``,
and each index ``g`` the slice ``g_start:g_stop`` written in place, which backgen follows as any
slice.  A stop of None, a step, keywords, and any other read leave the code as it is (the call of
``slice`` then refused where it is staged).
"""

import ast

from .source import fresh_names, name_ids, walk

SPELLED = frozenset({"slice"})  # (parse runs this rewriter only where the function spells one)


def rewrite(forward):
    func = forward.func
    if "slice" in forward.env or "slice" in forward.helpers or \
            any(isinstance(n, ast.Name) and n.id == "slice" and not isinstance(n.ctx, ast.Load) for n in walk(func)):
        return  # (slice bound to something else)
    stores, parents = {}, {}
    for node in walk(func):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}
    used = set(name_ids(func)) | params
    fresh = fresh_names(used)
    for stmt in list(walk(func)):
        bounds = _slice_display(stmt)
        if bounds is None:
            continue
        name = stmt.targets[0].id
        if name in params or stores.get(name) != 1:
            continue
        loops = _loops_reading(func, name, parents, stores)
        if loops is None:
            continue
        stmt.value.elts = [ast.copy_location(ast.Tuple([start, stop], ast.Load()), call)
                           for (start, stop), call in zip(bounds, stmt.value.elts)]
        for loop, body in loops:
            variable = loop.target.id
            start, stop = fresh(f"{variable}_start"), fresh(f"{variable}_stop")
            loop.target = ast.copy_location(ast.Tuple([ast.Name(start, ast.Store()), ast.Name(stop, ast.Store())],
                                                      ast.Store()), loop.target)
            for part in body:
                _slices_written(part, variable, start, stop)
    ast.fix_missing_locations(func)


def _slice_display(stmt):
    """``[(start, stop)]`` of ``name = [slice(a, b), ...]`` (a list or tuple display of calls of slice by
    position, a stop not None), else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.List, ast.Tuple)) and stmt.value.elts):
        return None
    bounds = []
    for item in stmt.value.elts:
        if not (isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id == "slice"
                and not item.keywords and 1 <= len(item.args) <= 2
                and not any(isinstance(a, ast.Starred) for a in item.args)):
            return None
        start, stop = item.args if len(item.args) == 2 else (None, item.args[0])
        if isinstance(stop, ast.Constant) and stop.value is None:
            return None
        if start is None or isinstance(start, ast.Constant) and start.value is None:
            start = ast.copy_location(ast.Constant(0), item)
        bounds.append((start, stop))
    return bounds


def _loops_reading(func, name, parents, stores):
    """``[(loop, the nodes its variable is read in)]`` for every read of ``name``, each the sequence of a
    ``for`` (or of a comprehension's first ``for``) whose variable, bound by such loops alone and read in
    them alone, is read only as an index; None where a read is anything else."""
    loops = []
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        loop = parents.get(id(node))
        if isinstance(loop, ast.For) and loop.iter is node and not loop.orelse:
            body = loop.body
        elif isinstance(loop, ast.comprehension) and loop.iter is node:
            comp = parents.get(id(loop))
            if not isinstance(comp, (ast.ListComp, ast.GeneratorExp, ast.SetComp)) or comp.generators[0] is not loop:
                return None
            body = [comp.elt, *loop.ifs, *comp.generators[1:]]
        else:
            return None
        if not isinstance(loop.target, ast.Name):
            return None
        variable = loop.target.id
        for part in body:
            for read in walk(part):
                if isinstance(read, ast.Name) and read.id == variable and not _index(read, parents):
                    return None
        loops.append((loop, body))
    for variable in {loop.target.id for loop, _ in loops}:  # (bound by these loops alone, read in them alone)
        mine = [(loop, body) for loop, body in loops if loop.target.id == variable]
        inside = {id(n) for _, body in mine for part in body for n in walk(part)}
        if stores.get(variable) != len(mine) or any(
                isinstance(n, ast.Name) and n.id == variable and isinstance(n.ctx, ast.Load) and id(n) not in inside
                for n in walk(func)):
            return None
    return loops or None


def _index(node, parents):
    """Whether the read ``node`` is an index, or an item of an index tuple (``x[g]``, ``x[:, g]``)."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.Tuple):
        holder = parents.get(id(parent))
        return isinstance(holder, ast.Subscript) and holder.slice is parent
    return isinstance(parent, ast.Subscript) and parent.slice is node


def _slices_written(node, variable, start, stop):
    """Each index ``variable`` under ``node`` written as the slice ``start:stop``."""
    for sub in walk(node):
        if not isinstance(sub, ast.Subscript):
            continue
        index = sub.slice
        if isinstance(index, ast.Name) and index.id == variable:
            sub.slice = _slice(index, start, stop)
        elif isinstance(index, ast.Tuple):
            index.elts = [_slice(e, start, stop) if isinstance(e, ast.Name) and e.id == variable else e
                          for e in index.elts]


def _slice(node, start, stop):
    return ast.copy_location(ast.Slice(ast.Name(start, ast.Load()), ast.Name(stop, ast.Load()), None), node)
