"""An adjoint every branch hands on unchanged is handed on once, before the branches.

Contract: ``handed_over(items) -> items`` rewrites, in the lines of one
generated function, a number adjoint started at zero before an ``if``/``else``
to which every path adds the same other adjoint exactly once

    dloss_3 = dloss
    dloss = 0.0
    if j == y[i]:
        dloss += dloss_3
    else:
        ...
        if margin > 0:
            dloss += dloss_3
            dmargin += dloss_3
        else:
            dloss += dloss_3

as that adjoint itself (``dloss = dloss_3``, which after ``dloss_3 = dloss`` is
nothing at all), the additions dropped.  Only numbers (``= 0.0``): an array
adjoint named twice would be changed through both names.  Nothing else in the
branches may read or assign either name.
"""

from . import ir
from .inplace import _Graph, _holds_block, _names


def handed_over(items, returns):
    """``items`` (the whole function) with each such hand-over written once."""
    items = list(items)
    if not _holds_block(items, ("else:",)):  # (no if with an else: nothing to do)
        return items
    while True:
        graph = _Graph(items, returns, set())
        site = _site(graph)
        if site is None:
            return items
        zero, branches, upstream, handed = site
        edits = {id(zero): [] if handed else [ir.AdjointLine(zero.target, False, upstream)]}
        for block in branches:
            edits[id(block)] = [ir.Block(block.header, tuple(_without_adds(block.body, zero.target, upstream))
                                         or (ir.Statement("pass"),))]
        items = _edited(items, edits)


def _site(graph):
    """``(zero line, (if block, else block), upstream, handed)`` of the first hand-over, or None."""
    for flat in graph.containers:
        for position, line in enumerate(flat[:-2]):
            if not (isinstance(line, ir.AdjointLine) and not line.accumulate and line.target.isidentifier()
                    and line.source in ("0.0", "0")):
                continue
            branches = flat[position + 1:position + 3]
            if not (isinstance(branches[0], ir.Block) and branches[0].header.startswith("if ")
                    and isinstance(branches[1], ir.Block) and branches[1].header == "else:"):
                continue
            name = line.target
            upstream = _every_path_adds(branches[0].body, name)
            if upstream is None or upstream == name or _every_path_adds(branches[1].body, name) != upstream \
                    or name in _names(branches[0].header):
                continue
            if any(upstream in _assigned(inner) for block in branches for inner in _leaves_deep(block.body)):
                continue
            if graph.live_at(graph.after[id(branches[1])], {upstream}):
                continue  # read after the branches: the two names must stay two numbers
            before = flat[position - 1] if position else None
            handed = isinstance(before, ir.AdjointLine) and not before.accumulate and before.target == upstream \
                and before.source == name  # dloss_3 = dloss: dloss holds it already
            return line, tuple(branches), upstream, handed
    return None


def _edited(items, edits):
    """``items`` with each line or block whose id is in ``edits`` replaced by its list of items."""
    out = []
    for item in items:
        if id(item) in edits:
            out += edits[id(item)]
        elif isinstance(item, ir.Group):
            lines = _edited(item.lines, edits)
            if lines or not isinstance(item.undoes, ir.ForwardLine):
                out.append(ir.Group(item.undoes, tuple(lines)))
        elif isinstance(item, ir.Block):
            out.append(ir.Block(item.header, tuple(_edited(item.body, edits)) or (ir.Statement("pass"),)))
        else:
            out.append(item)
    return out


def _every_path_adds(items, name):
    """The adjoint ``a`` if every path through ``items`` runs ``name += a`` once and reads or assigns
    ``name`` nowhere else; else None."""
    adds = []
    rest = []
    for item in _flat(items):
        if isinstance(item, ir.AdjointLine) and item.accumulate and item.target == name and item.source.isidentifier():
            adds.append(item.source)
        else:
            rest.append(item)
    if len(adds) == 1:
        return adds[0] if not any(_mentions(item, name) for item in rest) else None
    if adds:
        return None
    for position, item in enumerate(rest):  # none here: an if/else below must add on both sides
        if isinstance(item, ir.Block) and item.header.startswith("if ") and position + 1 < len(rest) \
                and isinstance(rest[position + 1], ir.Block) and rest[position + 1].header == "else:":
            first = _every_path_adds(item.body, name)
            if first is not None and _every_path_adds(rest[position + 1].body, name) == first:
                others = rest[:position] + rest[position + 2:]
                if not any(_mentions(other, name) for other in others) and name not in _text(item.header):
                    return first
            return None
    return None


def _without_adds(items, name, upstream):
    out = []
    for item in items:
        if isinstance(item, ir.Group):
            lines = _without_adds(item.lines, name, upstream)
            if lines:
                out.append(ir.Group(item.undoes, tuple(lines)))
        elif isinstance(item, ir.Block):
            body = _without_adds(item.body, name, upstream)
            out.append(ir.Block(item.header, tuple(body) or (ir.Statement("pass"),)))
        elif isinstance(item, ir.AdjointLine) and item.accumulate and item.target == name and item.source == upstream:
            continue
        else:
            out.append(item)
    return out


def _leaves(item):
    if isinstance(item, ir.Group):
        for inner in item.lines:
            yield from _leaves(inner)
    else:
        yield item


def _flat(items):
    for item in items:
        yield from _leaves(item)


def _leaves_deep(items):
    for item in _flat(items):
        yield item
        if isinstance(item, ir.Block):
            yield from _leaves_deep(item.body)


def _mentions(item, name):
    return any(name in _names(_text(leaf)) for leaf in ([item] + list(_leaves_deep(item.body))
                                                         if isinstance(item, ir.Block) else [item]))


def _assigned(line):
    if isinstance(line, ir.AdjointLine):
        return {line.target.split("[")[0]} if not line.accumulate and "[" not in line.target else \
            {line.target} if line.accumulate else set()
    if isinstance(line, ir.ForwardLine):
        return {t.strip() for t in line.target.split(",")}
    if isinstance(line, ir.CallLine):
        return set(line.targets)
    return set()


def _text(line):
    return line.header if isinstance(line, ir.Block) else str(line)


