"""An adjoint's element set to zero after its one read, where nothing reads it again: not set.

Contract: ``unzeroed(items) -> items`` takes the lines of one generated function
(``ir`` lines, blocks and groups, as ``reverse`` has them once its copies are
dropped) and leaves out each ``dA[n, c, i, j] = 0`` that no line can observe:

* every line naming ``dA`` is its one assignment before any block (a copy of a
  name nothing writes, ``dA = g.copy()``, or a new array, ``dA = (2 * h) *
  dout``), or a read of that very element (``v = dA[n, c, i, j]``) before the
  zero, in the same block;
* the index is the counters of the enclosing loops, one each, and whole axes
  (``dh[:, t, :]``), every loop a ``for`` over a ``range`` whose counter no line
  assigns: each iteration of the nest reads and zeroes a part no other
  iteration reads (the counters take distinct values, each in its own axis).

A forward that writes each element of its output once (``out[n, c, i, j] =
...`` in four nested loops) gets a backward that reads each element of the
output's gradient once, as a person writes it.  When no zero is left, the copy
is dropped too and the element is read from ``g`` itself.
"""

import ast

from . import ir, source
from .inplace import fresh


def unzeroed(items, returns):
    """``items`` without the zeros nothing observes (``returns``: the names the function returns)."""
    items = list(items)
    flat = list(_walk(items, ()))
    dropped, renamed = set(), {}
    for line, blocks in flat:
        if not blocks:  # (only a zero in a loop is dropped: most lines are in none)
            continue
        found = _zeroed(line)
        if found is None or found[0] in returns:
            continue
        name, index = found
        counters = _counters(blocks)
        if counters is None or sorted(counters) != sorted(index) or len(set(index)) != len(index):
            continue
        outer = blocks[0]
        if any(_assigns(other, counters) for other, chain in flat if chain[:1] == (outer,)):
            continue
        found = _observed_only_here(flat, line, blocks, name)
        if found is None:
            continue
        dropped.add(id(line))
        if found[0] is not None:
            renamed[name] = found[0]
    if not dropped:
        return items
    # a copy nothing writes any more is the array it copies (one no line assigns), read in its place
    renamed = {name: original for name, original in renamed.items()
               if not any(_writes_into(line, {original}) for line, _ in flat)}
    return _rebuild(items, dropped, renamed)


def _walk(items, blocks):
    for item in items:
        kind = item.__class__
        if kind is ir.Group:
            yield from _walk(item.lines, blocks)
        elif kind is ir.Block:
            yield item, blocks
            yield from _walk(item.body, blocks + (item,))
        else:
            yield item, blocks


def _zeroed(line):
    """``(name, index names)`` of ``name[i, j] = 0`` (or ``name[:, t] = 0``: the whole axes left out of
    the names), else None."""
    if not isinstance(line, ir.AdjointLine) or line.accumulate or line.source.strip() != "0":
        return None
    node = _parse(line.target)
    if not isinstance(node, ast.Subscript) or not isinstance(node.value, ast.Name):
        return None
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if not all(isinstance(p, ast.Name) or _whole(p) for p in parts):
        return None
    return node.value.id, [p.id for p in parts if isinstance(p, ast.Name)]


def _whole(part):
    """Whether an index part is ``:``, a whole axis."""
    return isinstance(part, ast.Slice) and part.lower is None and part.upper is None and part.step is None


def _counters(blocks):
    """The counters of the enclosing ``for c in range(...)`` loops (ifs allowed between), else None."""
    counters = []
    for block in blocks:
        header = block.header
        if header.startswith(("if ", "else:", "elif ")):
            continue
        if not header.startswith("for ") or " in " not in header:
            return None
        target, iterable = header[4:-1].split(" in ", 1)
        iterable = iterable.strip()
        if iterable.startswith("reversed(") and iterable.endswith(")"):
            iterable = iterable[len("reversed("):-1]
        if not target.strip().isidentifier() or not _counts_up(iterable):
            return None
        counters.append(target.strip())
    return counters


def _counts_up(iterable):
    """Whether ``iterable`` is ``range(stop)`` or ``range(start, stop[, step])`` from a whole number
    0 or more, by a positive step: counters that never repeat and never index from the end."""
    node = _parse(iterable)
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and 1 <= len(node.args) <= 3 and not node.keywords):
        return False
    if len(node.args) == 1:
        return True
    start, *step = node.args[0], *node.args[2:]
    return all(isinstance(n, ast.Constant) and type(n.value) is int for n in (start, *step)) \
        and start.value >= 0 and all(n.value > 0 for n in step)


def _assigns(line, names):
    """Whether ``line`` assigns one of ``names`` (a loop's counter changed inside the loop)."""
    if isinstance(line, (ir.AdjointLine, ir.ForwardLine)):
        return "[" not in line.target and any(t.strip() in names for t in line.target.split(","))
    if isinstance(line, ir.CallLine):
        return bool(set(line.targets) & set(names))
    if isinstance(line, ir.Statement):
        return bool(source.line_names(line.source) & set(names)) and "=" in line.source
    return False


def _observed_only_here(flat, zero, blocks, name):
    """``(the name dA copies, or None)`` where every other line naming ``name`` is its one assignment
    before any block (``dA = g.copy()``, or a new array), or a read of the element zeroed before it in
    its block; else None."""
    element = zero.target
    position = {id(line): k for k, (line, _) in enumerate(flat)}
    copied, made = None, False
    for line, chain in flat:
        if line is zero or name not in _line_names(line):
            continue
        if isinstance(line, ir.AdjointLine) and not line.accumulate and line.target == name and not chain:
            if made:
                return None
            made, copied = True, _copy_of(line.source)
            if copied is None and not fresh(line.source):
                return None
            continue
        if isinstance(line, (ir.AdjointLine, ir.ForwardLine)) and chain == blocks and name not in \
                _line_names_of(line.target) and _same(line.source, element) and position[id(line)] < position[id(zero)]:
            continue
        return None
    return (copied,) if made else None


def _copy_of(text):
    """``g`` of ``g.copy()`` or ``np.copy(g)``, else None."""
    node = _parse(text)
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "copy" and not node.args and isinstance(func.value, ast.Name):
        return func.value.id
    if isinstance(func, ast.Attribute) and func.attr == "copy" and isinstance(func.value, ast.Name) \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    return None


def _writes_into(line, names):
    """Whether ``line`` may assign or write into one of ``names``."""
    if isinstance(line, ir.CallLine):
        return bool(set(line.targets) & set(names))
    if isinstance(line, (ir.AdjointLine, ir.ForwardLine)):
        targets = [line.target] if "[" in line.target else line.target.split(",")
        return any(t.split("[", 1)[0].strip() in names for t in targets)
    if isinstance(line, ir.Block):
        return line.header.startswith("for ") and bool(source.line_names(line.header.split(" in ", 1)[0]) & set(names))
    return isinstance(line, ir.Statement) and bool(source.line_names(line.source) & set(names))


def _rebuild(items, dropped, renamed):
    out = []
    for item in items:
        if id(item) in dropped:
            continue
        if isinstance(item, ir.Group):
            out.append(ir.Group(item.undoes, tuple(_rebuild(item.lines, dropped, renamed))))
        elif isinstance(item, ir.Block):
            out.append(ir.Block(item.header, tuple(_rebuild(item.body, dropped, renamed))))
        elif isinstance(item, ir.AdjointLine) and not item.accumulate and item.target in renamed \
                and _copy_of(item.source) == renamed[item.target]:
            continue  # the copy: its reads take the original
        elif isinstance(item, (ir.AdjointLine, ir.ForwardLine)) and _line_names(item) & set(renamed):
            text = item.source
            for old, new in renamed.items():
                text = _renamed(text, old, new)
            out.append(ir.AdjointLine(item.target, item.accumulate, text) if isinstance(item, ir.AdjointLine)
                       else ir.ForwardLine(item.number, item.target, text))
        else:
            out.append(item)
    return out


def _renamed(text, old, new):
    return source.renamed(text, {old: new})


def _same(text, element):
    a, b = _parse(text), _parse(element)
    return a is not None and b is not None and ast.dump(a) == ast.dump(b)


def _line_names(line):
    return set(source.line_names(str(line)))


def _line_names_of(text):
    return set(source.line_names(text))


def _parse(text):
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
