"""An adjoint given a second name only to be given back, read by its own name, before it is laid out.

Contract: ``uncopied(backward) -> backward`` (an ``ir.Backward``), the same code without the
pairs a loop's carried adjoint leaves in its body::

    dE_1 = dE          # the adjoint as the iteration starts, under a name of its own
    dE = dE_1          # the group of E = E + quot: the adjoint before it is the one after
    dnum = dE_1 / den

which read ``dnum = dE / den``.  A line ``A = B`` of adjoints (names both) is left out, with the
line ``B = A`` after it, and ``A`` read as ``B`` in the lines after it (an adjoint handed on alone,
``dsigx = dden``, is the seed's own style and stays), only where all of this holds, so that every line reads the same object it read before: the function mentions
``A`` nowhere but in those lines of the same block (no comment, no other block, no line before);
they hold no block; and between ``A = B`` and the last line mentioning ``A`` no line sets ``A``
or ``B`` (``+=`` included) but ``B = A``, which sets ``B`` to what it holds.  Writes into the
object (``dE[k] = ...``, ``np.add.at(dE, ...)``) are no setting: both names hold that object.
Each line changed is changed as a tree and printed again (``source.grouped``).
"""

import ast
import dataclasses

from . import ir, source
from .source import walk


def uncopied(backward):
    while True:  # (one pair at a time, the names counted again after each)
        mentions = ir.mentions(backward)
        groups = _once(backward.groups, mentions)
        if groups is None:
            return backward
        backward = dataclasses.replace(backward, groups=groups)


def _once(items, mentions):
    """``items`` (a block's) with one pair left out, in a nested block or in them; None where none is."""
    for k, item in enumerate(items):
        if item.__class__ is ir.Block:
            body = _once(item.body, mentions)
            if body is not None:
                return items[:k] + (ir.Block(item.header, body),) + items[k + 1:]
    lines = [line for item in items for line in (item.lines if item.__class__ is ir.Group else (item,))]
    copies = [(k, line) for k, line in enumerate(lines) if line.__class__ is ir.AdjointLine and not line.accumulate
              and line.target.isidentifier() and line.source.isidentifier() and line.target != line.source]
    given_back = {(line.source, line.target) for _, line in copies}  # (name = copy, for copy = name)
    for k, line in copies:
        if (line.target, line.source) not in given_back:  # (no line gives it back: dsigx = dden stays)
            continue
        kept = _renamed(lines[k + 1:], line.target, line.source, mentions)
        if kept is not None:
            swaps = dict(zip(map(id, lines[k + 1:]), kept))
            swaps[id(line)] = None
            return tuple(_swapped(items, swaps))
    return None


def _renamed(after, copy, name, mentions):
    """The lines ``after`` the line ``copy = name`` with ``copy`` read as ``name`` (None for a line
    left out: ``name = copy``), or None where the module's conditions do not hold."""
    seen, last = 0, -1
    for k, line in enumerate(after):
        count = sum(1 for found in ir.MENTION.findall(str(line)) if found == copy)
        if count:
            seen, last = seen + count, k
    if last < 0 or seen != mentions.get(copy, 0) - 1 or any(line.__class__ is ir.Block for line in after[:last + 1]):
        return None
    kept = []
    for line in after[:last + 1]:
        kind = line.__class__
        if kind is ir.AdjointLine and not line.accumulate and line.target == name and line.source == copy \
                and None not in kept:
            kept.append(None)  # (name = copy: name holds it already)
            continue
        if _sets(line, (copy, name)):
            return None
        kept.append(_line_renamed(line, copy, name))
        if kept[-1] is False:
            return None
    return kept + list(after[last + 1:]) if None in kept else None  # (dsigx = dden alone is the seed's own)


def _sets(line, names):
    """Whether ``line`` sets one of ``names`` (a write into one's object is no setting)."""
    kind = line.__class__
    if kind is ir.ForwardLine or kind is ir.AdjointLine:
        return line.target in names
    if kind is ir.CallLine:
        return any(target in names for target in line.targets)
    try:
        tree = ast.parse(str(line))
    except SyntaxError:
        return True
    return any(node.__class__ is ast.Name and node.ctx.__class__ is not ast.Load and node.id in names
               for node in walk(tree))


def _line_renamed(line, copy, name):
    """``line`` reading ``copy`` as ``name`` (False where it cannot be changed as a tree)."""
    if copy not in ir.MENTION.findall(str(line)):
        return line
    kind = line.__class__
    if kind is ir.ForwardLine or kind is ir.AdjointLine:
        target, text = _renamed_text(line.target, copy, name), _renamed_text(line.source, copy, name)
        return False if target is None or text is None else dataclasses.replace(line, target=target, source=text)
    if kind is ir.CallLine and copy not in line.targets:
        text = _renamed_text(line.source, copy, name)
        return False if text is None else dataclasses.replace(line, source=text)
    if kind is ir.Statement:
        text = _renamed_text(line.source, copy, name)
        return False if text is None else ir.Statement(text)
    return False


def _renamed_text(text, copy, name):
    """The expression ``text`` reading ``copy`` as ``name`` (None where it is no expression)."""
    if copy not in ir.MENTION.findall(text):
        return text
    if source.expression(text) is None:
        return None
    return source.renamed(text, {copy: name})


def _swapped(items, swaps):
    """``items`` with each line ``swaps`` names (by id) put in its place (None: left out), and a group
    of a forward line left with no line left out."""
    out = []
    for item in items:
        if item.__class__ is ir.Group:
            lines = tuple(swaps.get(id(line), line) for line in item.lines)
            lines = tuple(line for line in lines if line is not None)
            if lines or not isinstance(item.undoes, ir.ForwardLine):
                out.append(item if lines == item.lines else ir.Group(item.undoes, lines))
        elif id(item) in swaps:
            if swaps[id(item)] is not None:
                out.append(swaps[id(item)])
        else:
            out.append(item)
    return out
