"""A part of an adjoint no earlier line added to is assigned (``da[:, H:2 * H] = dsel3``), not added to.

Contract: ``assigned_parts(items) -> items`` takes the lines of one generated
function (``ir`` lines, blocks and groups) and turns ``dA[idx] += v`` into
``dA[idx] = v`` where that part of ``dA`` is certainly still zero:

* within one block: ``dA = np.zeros...`` (or ``_zeros_like_items(...)``, a list of
  arrays of several shapes' zeros) and, after it, only writes into parts
  of ``dA`` (no other line reads or assigns it), each part an index of slices
  and integers whose bounds are sums of nonnegative multiples of sizes
  (``.shape[k]``, ``len``), constants and ``range`` loop variables, provably
  apart from every part written before (``a[:, :H]`` and ``a[:, H:2 * H]``);
* across the iterations of ``for t in [reversed(]range(n)[)]``: ``dA = np.zeros...``
  just before the loop, and the loop's one line touching ``dA`` is
  ``dA[..., t, ...] += v`` at the top of its body, ``t`` a whole index, so each
  iteration adds to a part no other iteration touches (``dx[:, t, :] = dsel``).

NumPy adds into a strided part in place several times slower than it assigns
it; the values are the same.  Any doubt keeps the ``+=``.
"""

import ast
import re

from . import ir, source
from .source import names_of

INFINITY = None  # an open upper bound


def assigned_parts(items):
    definitions = None  # (worked out where an adjoint starts as zeros: most functions have none)
    convert = set()
    for container in _containers(items):
        for position, line in enumerate(container):
            name = _zeros(line)
            if name is None:
                continue
            if definitions is None:
                definitions = _definitions(list(_walk_all(items)))
            convert |= _within(container[position + 1:], name, definitions)
            convert |= _across(container[position + 1:], name)
    return _rebuild(items, convert) if convert else items


def _zeros(line):
    """``dA`` for a line ``dA = np.zeros(...)``, ``np.zeros_like(...)`` or ``_zeros_like_items(...)`` (a
    list of zeros, for a list of arrays of several shapes)."""
    if line.__class__ is ir.AdjointLine and not line.accumulate and "zeros" in line.source \
            and line.target.isidentifier():
        call = source.expression(line.source)
        func = call.func if call.__class__ is ast.Call else None
        if func.__class__ is ast.Attribute and func.value.__class__ is ast.Name and func.attr in ("zeros", "zeros_like") \
                or func.__class__ is ast.Name and func.id == "_zeros_like_items":
            return line.target
    return None


def _within(rest, name, definitions):
    """The lines after ``dA = np.zeros...`` in its block adding to parts no earlier line wrote."""
    written, used, found = [], set(), set()
    for line in rest:
        if _assigned(line) & used:  # a name the parts so far were read with changes
            return found
        if not _mentions(line, name):
            continue
        part = _part(line, name)
        if part is None:
            return found
        index, accumulate = part
        reads = set()
        bounds = _bounds(index, definitions, reads)
        if bounds is None:
            return found
        if accumulate and all(_apart(bounds, earlier) for earlier in written):
            found.add(id(line))
        written.append(bounds)
        used |= reads
    return found


def _across(rest, name):
    """The one ``dA[..., t, ...] += v`` of a ``range`` loop just after ``dA = np.zeros...``."""
    for line in rest:
        if not _mentions(line, name):
            continue
        if isinstance(line, ir.Block):
            loop = source.range_loop(line.header)
            if loop is None:
                return set()
            var = loop[0]
            body = list(ir.group_lines(line.body))
            touching = [inner for inner in _walk_all(line.body) if _mentions(inner, name)]
            if len(touching) != 1 or not any(inner is touching[0] for inner in body):
                return set()
            part = _part(touching[0], name)
            if part is None or not part[1] or var not in _whole_indices(part[0]):
                return set()
            if any(var in _assigned(inner) for inner in _walk_all(line.body)):
                return set()
            return {id(touching[0])}
        return set()
    return set()


def _part(line, name):
    """``(index, accumulate)`` for ``dA[index] = v`` / ``+= v`` with ``v`` not reading ``dA``."""
    if not isinstance(line, ir.AdjointLine) or not line.target.startswith(name + "[") \
            or not line.target.endswith("]") or name in _names(line.source):
        return None
    return line.target[len(name) + 1:-1], line.accumulate


def _whole_indices(index):
    """The names standing alone as one component of ``index``."""
    node = _parse(f"_[{index}]")
    if node is None:
        return set()
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return {p.id for p in parts if isinstance(p, ast.Name)}


def _bounds(index, definitions, reads):
    """Per axis ``(low, high)`` as linear forms (dicts name -> coefficient, 1 -> constant), for an index
    of plain slices and integers; None for anything else."""
    node = _parse(f"_[{index}]")
    if node is None:
        return None
    parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    out = []
    for part in parts:
        if isinstance(part, ast.Slice):
            if part.step is not None:
                return None
            low = _linear(part.lower, definitions, reads) if part.lower is not None else {1: 0}
            high = _linear(part.upper, definitions, reads) if part.upper is not None else INFINITY
            if low is None or (part.upper is not None and high is None):
                return None
            out.append((low, high))
        else:
            value = _linear(part, definitions, reads)
            if value is None:
                return None
            out.append((value, _plus(value, {1: 1})))
    return out


def _apart(first, second):
    """Whether two parts certainly share no element: on some axis one ends where the other starts."""
    if len(first) != len(second):
        return False
    return any(_at_most(a[1], b[0]) or _at_most(b[1], a[0]) for a, b in zip(first, second))


def _at_most(high, low):
    """Whether ``high <= low`` for every value of the (nonnegative) names."""
    if high is INFINITY:
        return False
    difference = _plus(low, {k: -v for k, v in high.items()})
    return all(v >= 0 for v in difference.values())


def _plus(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return {k: v for k, v in out.items() if v != 0 or k == 1}


def _linear(node, definitions, reads, depth=0):
    """``node`` as a linear form with nonnegative coefficients in nonnegative names, or None; ``reads``
    gathers the names it is read through."""
    if depth > 20:
        return None
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0:
        return {1: node.value}
    if isinstance(node, ast.Name):
        reads.add(node.id)
        if definitions.get(node.id) == "size":
            return {node.id: 1, 1: 0}
        text = definitions.get(node.id)
        if not isinstance(text, str):
            return None
        value = _parse(text)
        if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.FloorDiv, ast.Mod)) \
                and isinstance(value.right, ast.Constant) and type(value.right.value) is int \
                and value.right.value > 0 and _linear(value.left, definitions, reads, depth + 1) is not None:
            return {node.id: 1, 1: 0}  # n // 4 of a nonnegative n: a nonnegative number of its own
        return _linear(value, definitions, reads, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _linear(node.left, definitions, reads, depth + 1), \
            _linear(node.right, definitions, reads, depth + 1)
        return _plus(left, right) if left is not None and right is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left, right = _linear(node.left, definitions, reads, depth + 1), \
            _linear(node.right, definitions, reads, depth + 1)
        if left is None or right is None:
            return None
        for scale, form in ((left, right), (right, left)):
            if set(scale) == {1}:
                return {k: v * scale[1] for k, v in form.items()}
        return None
    return None


def _definitions(lines):
    """name -> its one definition's text, or ``"size"`` for a nonnegative integer that is not a
    sum (a size, a ``range(n)`` loop variable); names assigned more than one way are left out."""
    seen = {}
    texts = {}  # name -> the texts assigned to it
    for line in lines:
        if isinstance(line, (ir.AdjointLine, ir.ForwardLine)) and not getattr(line, "accumulate", False):
            texts.setdefault(line.target, set()).add(line.source)
    for line in lines:
        if isinstance(line, ir.Block):
            loop = source.range_loop(line.header)
            targets = _for_targets(line.header)
            for target in targets:
                seen.setdefault(target, set()).add("size" if loop and targets == {loop[0]} else "?")
            continue
        if isinstance(line, (ir.AdjointLine, ir.ForwardLine)) and not getattr(line, "accumulate", False):
            if line.target.isidentifier():
                seen.setdefault(line.target, set()).add(_kind(line.source, line.target, texts))
            elif "[" not in line.target:
                for target in line.target.split(","):
                    seen.setdefault(target.strip(), set()).add("?")
        elif isinstance(line, ir.CallLine):
            for target in line.targets:
                seen.setdefault(target, set()).add("?")
    return {name: next(iter(kinds)) for name, kinds in seen.items() if len(kinds) == 1 and "?" not in kinds}


def _kind(text, target, texts):
    node = _parse(text)
    if node is None:
        return "?"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return "size"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return "size"
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and _is_shape(node.value.id, texts):
        return "size"  # parts[0], parts = x.shape
    if isinstance(node, (ast.BinOp, ast.Constant, ast.Name)):
        return text
    return "?"


def _is_shape(name, texts):
    """Whether ``name`` is assigned one text, ``x.shape`` (``texts``: name -> the texts assigned to it)."""
    texts = texts.get(name, ())
    if len(texts) != 1:
        return False
    node = source.expression(next(iter(texts)))
    return node.__class__ is ast.Attribute and node.attr == "shape" and node.value.__class__ is ast.Name


def _for_targets(header):
    found = source.for_header(header)
    return set(found[0]) if found else set()


def _mentions(line, name):
    return any(name in _line_names(inner) for inner in _walk_all([line]))


def _line_names(line):
    if isinstance(line, ir.Block):
        return _names(line.header)
    if isinstance(line, ir.CallLine):
        return _names(line.source) | set(line.targets)
    if isinstance(line, (ir.AdjointLine, ir.ForwardLine)):
        return _names(line.source) | _names(line.target)
    return _names(str(line))


def _assigned(line):
    out = set()
    for inner in _walk_all([line]):
        if isinstance(inner, ir.Block):
            out |= _for_targets(inner.header)
        elif isinstance(inner, ir.CallLine):
            out |= set(inner.targets)
        elif isinstance(inner, (ir.AdjointLine, ir.ForwardLine)) and "[" not in inner.target:
            out |= {t.strip() for t in inner.target.split(",")}
    return out


def _names(text):
    if source.expression(text) is not None:  # (an expression: its names as worked out once)
        return set(source.line_names(text))
    try:
        return names_of(ast.parse(text))
    except SyntaxError:
        return set(re.findall(r"[A-Za-z_]\w*", text))


def _parse(text):
    """The expression ``text`` as a tree (shared: read, never changed), else None."""
    return source.expression(text) if isinstance(text, str) else None



def _walk_all(items):
    for item in ir.group_lines(items):
        yield item
        if isinstance(item, ir.Block):
            yield from _walk_all(item.body)


def _containers(items):
    flat = list(ir.group_lines(items))
    yield flat
    for item in flat:
        if item.__class__ is ir.Block:
            yield from _containers(item.body)


def _rebuild(items, convert):
    return ir.map_lines(items, lambda item: ir.AdjointLine(item.target, False, item.source)
                        if id(item) in convert else item)
