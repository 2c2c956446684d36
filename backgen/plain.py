"""The forward pass of a generated backward as a person writes it, before it is laid out.

Contract: ``plainer(backward) -> backward`` (an ``ir.Backward``), the same code with, at the top
level of its forward pass:

* a shape given a name of its own only to be read by its parts (``parts = x.shape``, then
  ``N = parts[0]``, ``H = parts[2]``: staging writes ``N, C, H, W = x.shape`` so) read in place,
  ``N = x.shape[0]``, ``H = x.shape[2]``, and the name left out;
* a line of size arithmetic the forward pass computes again (``n = N * T``, then ``n2 = N * T``)
  left out, the later name read as the earlier everywhere after it, its comments too.

Each applies only where every name it involves is set once, by one line of the forward pass's top
level, and by nothing else in the function (no loop, branch, adjoint or parameter sets it), so
the code computes the same values.
"""

import ast
import dataclasses
import re

from . import ir, source
from .source import names_of

_SIZE_ARITHMETIC = re.compile(r"[\w\s*+\-/%()]+")  # names, numbers and integer operators, no call


def plainer(backward):
    stores, signature = _stores(backward)
    top = [item for item in backward.forward if isinstance(item, ir.ForwardLine)]
    once = {line.target for line in top if line.target.isidentifier() and stores.get(line.target) == 1}
    backward = _parts_in_place(backward, top, once, stores)
    given = {name for name in signature if not stores.get(name)}
    return _arithmetic_once(backward, stores, given | once)


def _parts_in_place(backward, top, once, stores):
    np_name = backward.modules.get("np", "np")
    mentions, given = None, backward  # (counted, in the code as given, where a line of a shape is met)
    for line in top:
        name = line.target
        read = source.shape_read(line.source, np_name)
        if name not in once or read is None or read[1] is not None or stores.get(read[0], 0) > 0:
            continue  # (the array read must be one no line sets: a parameter, the cache's)
        parts = [other for other in top if _item_of(other.source, name)]
        mentions = ir.mentions(given) if mentions is None and parts else mentions
        if not parts or mentions.get(name, 0) != 1 + len(parts):  # (its own line, then its parts alone)
            continue
        swaps = {id(other): dataclasses.replace(other, source=source.renamed(other.source, {name: line.source}))
                 for other in parts}  # (N[0] as x.shape[0])
        forward = tuple(swaps.get(id(item), item) for item in backward.forward if item is not line)
        backward = dataclasses.replace(backward, forward=forward)
    return backward


def _arithmetic_once(backward, stores, given):
    """Size arithmetic computed again in one block (or at the top) from the same values: the later
    name renamed the earlier.  ``given``: the names set before the function's lines run, or once at
    the top of its forward pass."""
    renames = {}
    undone = set()  # the lines a group undoes: values with gradients, each its own line in the comments

    def groups(items):
        for item in items:
            if isinstance(item, ir.Group):
                undone.add(getattr(item.undoes, "target", None))
                groups(item.lines)
            elif isinstance(item, ir.Block):
                groups(item.body)
    groups(backward.groups)

    def scan(items, available):
        """Note the renames in ``items``, ``available`` the names set before them (added to as the
        lines set names; the names it adds are returned, for a caller to take out again)."""
        first = {}  # source -> the name of the first line of these items computing it
        added = []
        for item in items:
            if isinstance(item, ir.Block):
                header = source.for_header(item.header)
                loop = set(header[0]) if header and len(header[0]) == 1 and stores.get(header[0][0]) == 1 else set()
                scan(item.body, available | loop)
            elif isinstance(item, ir.Group):  # (its lines' names are its own: taken out after it)
                available.difference_update(scan(item.lines, available))
            elif isinstance(item, ir.ForwardLine) and item.target.isidentifier() and \
                    stores.get(item.target) == 1:
                if item.target not in undone and _SIZE_ARITHMETIC.fullmatch(item.source) and _names(item.source) <= available:
                    earlier = first.setdefault(item.source, item.target)
                    if earlier != item.target:
                        renames[item.target] = earlier
                if item.target not in available:
                    available.add(item.target)
                    added.append(item.target)
        return added
    scan(backward.forward, set(given))
    scan(backward.groups, set(given))
    if not renames:
        return backward

    def renamed(text):
        return source.renamed(text, renames)

    def fix(items):
        out = []
        for item in items:
            if isinstance(item, ir.ForwardLine) and item.target in renames:
                continue
            if isinstance(item, ir.Group):
                undoes = item.undoes
                undoes = source.title_renamed(undoes, renames) if isinstance(undoes, str) else \
                    dataclasses.replace(undoes, source=source.title_renamed(undoes.source, renames))
                item = ir.Group(undoes, tuple(fix(item.lines)))
            elif isinstance(item, ir.Block):
                item = ir.Block(renamed(item.header), tuple(fix(item.body)))
            elif isinstance(item, (ir.ForwardLine, ir.AdjointLine)):
                item = dataclasses.replace(item, target=renamed(item.target), source=renamed(item.source))
            elif isinstance(item, ir.Statement):
                item = dataclasses.replace(item, source=renamed(item.source))
            elif isinstance(item, ir.CallLine):
                item = dataclasses.replace(item, targets=tuple(map(renamed, item.targets)),
                                           source=renamed(item.source))
            out.append(item)
        return out
    return dataclasses.replace(backward, forward=tuple(fix(backward.forward)), groups=tuple(fix(backward.groups)),
                               zeros=tuple(fix(backward.zeros)),
                               missing=tuple((u, renamed(z)) for u, z in backward.missing))


def _names(text):
    return names_of(ast.parse(text, mode="eval"))


def _stores(backward):
    """``(counts, signature)``: how many lines set each name (forward and adjoint lines, a helper
    backward's call, a loop's header; any other block's header counts twice), and the names set
    before the lines run (parameters, upstreams, the cache's names, the unpacking lines')."""
    counts = {}
    signature = set(backward.params) | set(backward.upstreams)
    if backward.cache is not None:
        signature |= {name for name in backward.cache.names if name}
    for text in backward.unpack:
        signature |= source.assigned(text)

    def add(name, times=1):
        counts[name] = counts.get(name, 0) + times

    def walk(items):
        for item in items:
            if isinstance(item, ir.Group):
                walk(item.lines)
            elif isinstance(item, ir.Block):
                header = source.for_header(item.header)
                for name in header[0] if header else source.line_names(item.header):
                    add(name, 1 if header else 2)
                walk(item.body)
            elif isinstance(item, (ir.ForwardLine, ir.AdjointLine)):
                if item.target.isidentifier():
                    add(item.target)
                else:  # (dW[i] = ...; X_1, v_1 = X_3, v_3, a loop's values carried on: each name it sets)
                    for name in _set_names(item.target):
                        add(name, 2)
            elif isinstance(item, ir.CallLine):
                for target in item.targets:
                    for name in source.line_names(target):
                        add(name, 2)
    walk(backward.forward + backward.groups + backward.zeros)
    return counts, signature


def _set_names(target):
    """The names the target of a line sets, or writes into: ``dW`` of ``dW[i]``, ``X_1`` and ``v_1`` of
    ``X_1, v_1``."""
    node = source.expression(target)
    if node is None:
        return {target.split("[", 1)[0].strip()}
    names = set()
    for part in node.elts if node.__class__ in (ast.Tuple, ast.List) else [node]:
        while part.__class__ in (ast.Subscript, ast.Attribute, ast.Starred):
            part = part.value
        if part.__class__ is ast.Name:
            names.add(part.id)
    return names


def _item_of(text, name):
    """Whether the expression ``text`` is ``name[k]`` of an integer ``k`` of none or more."""
    node = source.expression(text)
    return node.__class__ is ast.Subscript and node.value.__class__ is ast.Name and node.value.id == name and \
        node.slice.__class__ is ast.Constant and type(node.slice.value) is int and node.slice.value >= 0
