"""Copies nothing can tell from the original: written in place instead.

Contract: ``without_copies(items, foreign, returns, modules) -> items`` takes the
lines of one generated function (forward and backward, blocks and groups as
``ir`` builds them) and drops each ``x = y.copy()`` whose copy no line could
observe: the old array is not caller memory or read-only (no name of
``foreign``, a parameter or upstream gradient, and no ``broadcast_to`` or ``np.diag`` view
can reach it), and no name other than ``x`` that may hold it (an alias, a
view, a list it was appended to) is read again on any path, through loops'
next iterations and breaks included, before being assigned anew.  Then
``h = h.copy(); h[:, t, :] = v`` in a loop is the write ``h[:, t, :] = v``,
and ``dh = dh_1.copy(); dh[:, t, :] = 0`` zeroes the slice of the adjoint in
place.  ``renamed_once`` then drops a hand-over ``a = b`` ... ``b = a`` that
leaves both names on one array, reading ``b`` in between.

Which names may share memory is worked out over the whole function, in every
direction (an over-approximation: a doubt keeps the copy).  The forward of a
loop can then no longer grow with the whole array at each iteration.
"""

import ast
import bisect
import math
import operator
import re
from dataclasses import replace

from . import ir, source
from .rules import call_view

# calls that certainly return a new array (or a new number)
FRESH = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "copy",
         "dot", "outer", "einsum", "matmul", "tensordot", "sum", "mean", "exp", "log", "tanh", "sin", "cos", "sqrt",
         "square", "where", "maximum", "minimum", "abs", "sign", "log1p", "expm1", "clip", "stack", "concatenate",
         "hstack", "vstack", "tile", "repeat", "max", "min", "prod", "var", "std", "power", "cumsum", "array"}


def without_copies(items, foreign, returns, modules, numbers=frozenset()):
    """``items`` without the copies nothing observes; ``numbers`` names values known to be numbers
    (an element read from an array is a copy of it)."""
    items = list(items)
    if not _mention(items, "copy"):
        return items  # (no line copies: nothing to drop)
    modules = set(modules)
    while True:
        graph = _Graph(items, returns, modules, numbers)
        for line in graph.candidates():
            if graph.droppable(line, foreign):
                items = _replace(items, line, graph.renamable(line))
                break
            loop = graph.hoistable(line, foreign)
            if loop is not None:
                items = _replace(_hoisted(items, loop, line.target), line)
                break
            views = graph.views_kept(line)
            if views:  # a part read before the copy: copied itself, the whole array is not
                tried = _with_copied_views(items, views)
                graph_tried = _Graph(tried, returns, modules, numbers)
                copy = next((other for other in graph_tried.candidates() if other == line), None)
                if copy is not None and graph_tried.droppable(copy, foreign):
                    items = _replace(tried, copy, graph_tried.renamable(copy))
                    break
        else:
            return items


def renamed_once(items, returns):
    """Drop ``a = b`` ... ``b = a`` (one block, neither reassigned in between, ``a`` not read after):
    the lines between read ``b`` for ``a``."""
    items = list(items)
    changed = True
    while changed:
        changed = False
        graph = None  # (the flow graph, built where a hand-over back is found: most functions have none)
        for flat in _containers(items):
            aliases = [_alias(line) for line in flat]
            pairs = set(aliases)
            if not any(pair is not None and pair[::-1] in pairs for pair in pairs):
                continue  # (no a = b handed back by a b = a: most blocks)
            at = _positions(aliases, flat)
            for i, pair in enumerate(aliases):
                if pair is None:
                    continue
                a, b = pair
                back = _next_after(at.get((b, a), ()), i)  # the line handing b back, if it is the first
                stop = min(_next_after(at.get(a, ()), i), _next_after(at.get(b, ()), i))  # to assign a or b
                if back != stop or back == math.inf:
                    continue
                graph = graph or _Graph(items, returns, set())
                line = flat[back]
                if not graph.live_after(line, {a}) and not any(_breaks(x) for x in flat[i + 1:back]):
                    items = _rename_between(items, flat[i], line, a, b)
                    changed = True
                    break
            if changed:
                break
    return items


def _containers(items):
    """Each block's lines (groups flattened), in the order ``_Graph.containers`` lists them."""
    flat = list(ir.group_lines(items))
    yield flat
    for line in reversed(flat):
        if line.__class__ is ir.Block:
            yield from _containers(line.body)


def _positions(aliases, flat):
    """``{(a, b): positions of the lines a = b, name: positions of the lines assigning it}``, ascending."""
    at = {}
    for position, (pair, line) in enumerate(zip(aliases, flat)):
        if pair is not None:
            at.setdefault(pair, []).append(position)
        for name in _assigns(line):
            at.setdefault(name, []).append(position)
    return at


def _next_after(positions, i):
    """The first of the ascending ``positions`` after ``i``, else infinity."""
    k = bisect.bisect_right(positions, i)
    return positions[k] if k < len(positions) else math.inf


def propagated(items, returns):
    """In loops: drop ``dx_1 = dx`` (a version of a name handed the name's value), the lines after
    it reading ``dx`` for ``dx_1`` until ``dx`` is assigned again, where nothing else reads ``dx_1``."""
    items = list(items)
    if not _holds_block(items, ("for ", "while ")):  # (no loop: nothing to do)
        return items
    changed = True
    while changed:
        changed = False
        graph = _Graph(items, returns, set())
        for flat in graph.loop_bodies:
            for i, line in enumerate(flat):
                pair = _alias(line)
                if pair is None or not _version_of(*pair):
                    continue
                a, b = pair
                if sum(a in kills for _, _, kills in graph.nodes) != 1:
                    continue
                end = next((j for j in range(i + 1, len(flat)) if b in _assigns(flat[j]) or _adds_to(flat[j], b)),
                           None)
                span = flat[i + 1:] if end is None else flat[i + 1:end + 1]
                if end is not None and isinstance(flat[end], ir.Block):
                    span = span[:-1]
                inside = {id(inner) for other in span for inner in _walk(other)}
                readers = [node_line for node_line, reads, _ in graph.nodes if a in reads]
                if any(id(reader) not in inside for reader in readers) or any(_breaks(x) for x in span):
                    continue
                if _changed_then_read(span, a, b, graph):  # dx_1 += ... then dx read: they must stay two
                    continue
                items = _rename_span(items, line, span, a, b)
                changed = True
                break
            if changed:
                break
    return items


def tidied(items):
    """``items`` without groups left empty, every block holding a statement (``pass``)."""
    out, blocks = [], False
    for item in items:
        kind = item.__class__
        if kind is ir.Group:
            if ir.plain_lines(item.lines):  # (most groups: nothing in them to tidy)
                if item.lines or not isinstance(item.undoes, ir.ForwardLine):
                    out.append(item)
                continue
            lines = tidied(item.lines)
            if lines or not isinstance(item.undoes, ir.ForwardLine):
                same = len(lines) == len(item.lines) and all(map(operator.is_, lines, item.lines))
                out.append(item if same else ir.Group(item.undoes, tuple(lines)))
        elif kind is ir.Block:
            blocks = True
            body = tidied(item.body)
            if not list(ir.group_lines(body)):
                body.append(ir.Statement("pass"))
            out.append(ir.Block(item.header, tuple(body)))
        else:
            out.append(item)
    return _without_empty_branches(out) if blocks else out  # (branches are blocks)


def _without_empty_branches(items):
    """``if c: ... else: pass`` without its ``else``; ``if c: pass else: ...`` as ``if not (c): ...``
    (``source.negated``: ``if j != y[i]:`` for ``if j == y[i]: pass else: ...``)."""
    out = []
    for item in items:
        if isinstance(item, ir.Block) and item.header == "else:" and _empty(item.body) and out \
                and isinstance(out[-1], ir.Block) and out[-1].header.startswith("if "):
            continue
        if isinstance(item, ir.Block) and item.header == "else:" and out and isinstance(out[-1], ir.Block) \
                and out[-1].header.startswith("if ") and _empty(out[-1].body):
            test = source.expression(out[-1].header[3:-1])
            test = f"not ({out[-1].header[3:-1]})" if test is None else source.to_source(source.negated(test))
            out[-1] = ir.Block(f"if {test}:", item.body)
            continue
        out.append(item)
    return out


def _empty(body):
    return all(isinstance(line, ir.Statement) and line.source == "pass" for line in ir.group_lines(body))


def _changed_then_read(span, a, b, graph):
    """Whether a line of ``span`` changes ``a`` (``a += ...``) and a later one reads ``b``: read as
    one name, ``b`` would have changed too."""
    reads = {id(node_line): node_reads for node_line, node_reads, _ in graph.nodes}
    lines = [inner for other in span for inner in _walk(other)]
    changed = next((k for k, x in enumerate(lines) if _adds_to(x, a) or a in _assigns(x)), None)
    return changed is not None and any(b in reads.get(id(x), ()) for x in lines[changed + 1:])


def _version_of(a, b):
    """Whether ``a`` is a version of ``b`` (``dx_1`` of ``dx``)."""
    return a.startswith(b + "_") and a[len(b) + 1:].isdigit()


def _adds_to(line, name):
    """Whether a line is ``name += ...`` (which rebinds a number)."""
    if isinstance(line, ir.Block):
        return any(_adds_to(inner, name) for inner in ir.group_lines(line.body))
    return isinstance(line, ir.AdjointLine) and line.accumulate and line.target == name


def _holds_block(items, headers):
    """Whether a block whose header starts with one of ``headers`` is among ``items``, at any depth."""
    todo = list(items)
    while todo:
        item = todo.pop()
        kind = item.__class__
        if kind is ir.Group:
            todo += item.lines
        elif kind is ir.Block:
            if item.header.startswith(headers):
                return True
            todo += item.body
    return False


def _mention(items, word):
    """Whether a line of ``items`` (in groups and blocks too) mentions ``word`` in its source."""
    for item in items:
        kind = item.__class__
        if kind is ir.Group:
            if _mention(item.lines, word):
                return True
        elif kind is ir.Block:
            if _mention(item.body, word):
                return True
        elif word in getattr(item, "source", ""):
            return True
    return False


def _walk(line):
    yield line
    if isinstance(line, ir.Block):
        for inner in ir.group_lines(line.body):
            yield from _walk(inner)


def _rename_span(items, first, span, old, new):
    """Drop ``first``; the lines of ``span`` read ``new`` for ``old``."""
    return _renamed_in(items, first, {id(line) for line in span}, old, new)


def _renamed_in(items, first, inside, old, new):
    """``_rename_span`` of a block's items, ``inside`` the ids of the span's lines."""
    out = []
    for item in items:
        if item is first:
            continue
        if isinstance(item, ir.Group):
            out.append(ir.Group(item.undoes, tuple(_renamed_in(item.lines, first, inside, old, new))))
        elif id(item) in inside:
            out.append(_rename_deep(item, old, new))
        elif isinstance(item, ir.Block):
            out.append(ir.Block(item.header, tuple(_renamed_in(item.body, first, inside, old, new))
                                or (ir.Statement("pass"),)))
        else:
            out.append(item)
    return out


def _rename_deep(line, old, new):
    if isinstance(line, ir.Block):
        return ir.Block(name_renamed(line.header, old, new), tuple(_rename_deep(inner, old, new) for inner in line.body))
    if isinstance(line, ir.Group):
        return ir.Group(line.undoes, tuple(_rename_deep(inner, old, new) for inner in line.lines))
    return _rename_line(line, old, new)


class _Graph:
    """The lines as a flow graph: what each reads and assigns, where control goes next."""

    def __init__(self, items, returns, modules, numbers=frozenset()):
        self.modules = modules
        self.numbers = numbers
        self.nodes = []  # (line or None, reads, kills)
        self.succ = []
        self.index = {}  # id(line) -> node
        self.containers = []  # each block's lines (groups flattened)
        self.loop_bodies = []  # those of loops
        self.after = {}  # id(block) -> the node control reaches after it
        self.edges = {}
        self.assigned = set()
        self.returns = set(returns)
        end = self._node(None, set(returns), set())
        self.entry = self._lay(items, end, end)
        self.top = self.containers[0]

    def _node(self, line, reads, kills):
        self.nodes.append((line, reads, kills))
        self.succ.append(set())
        if line is not None:
            self.index[id(line)] = len(self.nodes) - 1
        return len(self.nodes) - 1

    def _lay(self, items, after, leave, loop=False):
        flat = list(ir.group_lines(items))
        self.containers.append(flat)
        if loop:
            self.loop_bodies.append(flat)
        nxt = after
        for line in reversed(flat):
            if isinstance(line, ir.Block):
                header = self._node(line, _names(line.header), set())
                if line.header.startswith(("for ", "while ")):
                    self.assigned |= _for_targets(line.header)
                    body = self._lay(line.body, header, nxt, loop=True)
                else:
                    body = self._lay(line.body, nxt, leave)
                self.succ[header] |= {body, nxt}
                self.after[id(line)] = nxt
                nxt = header
                continue
            reads, kills, shares = self._effects(line)
            node = self._node(line, reads, kills)
            self.assigned |= kills
            for target, others in shares:
                for other in others - self.modules:
                    self.edges.setdefault(target, set()).add(other)
                    self.edges.setdefault(other, set()).add(target)
            self.succ[node].add(leave if isinstance(line, ir.Statement) and line.source == "break" else nxt)
            nxt = node
        return nxt

    def _effects(self, line):
        """``(reads, kills, [(name, names it may share memory with)])`` of one line."""
        if isinstance(line, ir.CallLine):
            reads = _names(line.source)
            kills = {t for t in line.targets if t != "_"}
            return reads, kills, [(t, reads) for t in kills]
        if isinstance(line, ir.Statement):
            reads = _names(line.source)
            call = _parse(line.source)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
                    and isinstance(call.func.value, ast.Name):
                return reads, set(), [(call.func.value.id, reads)]
            return reads, set(), []
        target, text = line.target, line.source
        if getattr(line, "accumulate", False) or "[" in target:
            return _names(text) | _names(target), set(), []
        kills = {t.strip() for t in target.split(",")}
        reads = _names(text)
        if "broadcast_to" in text or _READ_ONLY.search(text):  # a read-only view: as good as foreign
            return reads, kills, [(t, reads | {" read-only"}) for t in kills]
        if kills <= self.numbers and isinstance(_parse(text), ast.Subscript) and "..." not in text:
            return reads, kills, []  # an element of an array: a number, a copy
        node = _parse(text)
        if isinstance(node, ast.Subscript):  # a part of an array shares its memory, never its index's
            reads_base = _names(source.to_source(node.value))
            return reads, kills, [(t, reads_base) for t in kills]
        return reads, kills, ([] if fresh(text) else [(t, reads) for t in kills])

    def candidates(self):
        for line, _, _ in self.nodes:
            if isinstance(line, (ir.ForwardLine, ir.AdjointLine)) and _copied(line) is not None:
                yield line

    def sharing(self, name):
        found, todo = {name}, [name]
        while todo:
            for other in self.edges.get(todo.pop(), ()):
                if other not in found:
                    found.add(other)
                    todo.append(other)
        return found

    def droppable(self, line, foreign):
        target, copied = line.target, _copied(line)
        group = self.sharing(copied) | {target}
        if " read-only" in group or group & set(foreign) or group - self.assigned - {" read-only"}:
            return False  # the caller's memory, a read-only view, or a name never assigned here
        return not self.live_after(line, group - {target})

    def hoistable(self, line, foreign):
        """The loop (at the top level) before which ``x = x.copy()``, made in it, can be made once: ``x`` holds
        the caller's array as the loop starts and nothing in the loop assigns ``x`` otherwise, so after one copy
        before it every iteration finds ``x`` its own; no other name that may hold the array is read after
        the copy.  None where that does not hold."""
        name = _copied(line)
        group = self.sharing(name) | {name}
        if line.target != name or not group & set(foreign) or " read-only" in group:
            return None
        loop = next((b for b in self.top if isinstance(b, ir.Block) and b.header.startswith(("for ", "while "))
                     and any(inner is line for inner in _walk(b))), None)
        if loop is None or self.live_after(line, group - {name}):
            return None
        inside = list(_walk(loop))
        if any(name in _for_targets(b.header) for b in inside if isinstance(b, ir.Block)):
            return None
        if any(name in kills for node_line, _, kills in self.nodes
               if node_line is not line and any(node_line is other for other in inside)):
            return None
        position = next(i for i, other in enumerate(self.top) if other is loop)
        before = [other for other in self.top[:position] if name in _assigns(other)]
        if before and (_copied(before[-1]) is None and getattr(before[-1], "source", "") == "None"):
            return None  # (unset until the loop sets it)
        if not before and name not in foreign:
            return None
        return loop

    def views_kept(self, line):
        """In a loop, the lines before the copy ``y = x.copy()`` in its block that take a part of ``x``
        (``v = x[t]``, a view) read after the copy, which may keep the copy from being dropped."""
        name = _copied(line)
        flat = next((f for f in self.loop_bodies if any(other is line for other in f)), None)
        if flat is None:
            return ()
        position = next(i for i, other in enumerate(flat) if other is line)
        views = []
        for other in flat[:position]:
            node = _parse(getattr(other, "source", "") or "")
            if isinstance(other, (ir.AdjointLine, ir.ForwardLine)) and not getattr(other, "accumulate", False) \
                    and other.target.isidentifier() and isinstance(node, ast.Subscript) \
                    and isinstance(node.value, ast.Name) and node.value.id == name \
                    and other.target not in self.numbers and other.target in self.sharing(name) \
                    and sum(other.target in kills for _, _, kills in self.nodes) == 1 \
                    and self.live_after(line, {other.target}):
                views.append(other)
        return tuple(views)

    def renamable(self, line):
        """Whether ``x = y`` (the copy dropped) can go, ``x`` read as ``y`` after it: a line outside loops,
        the only one assigning ``x``, with no line after it assigning ``y``."""
        target, copied = line.target, _copied(line)
        position = next((i for i, other in enumerate(self.top) if other is line), None)
        if target == copied or position is None or target in self.returns:
            return False
        if sum(target in kills for _, _, kills in self.nodes) != 1:
            return False
        return not any(copied in _assigns(other) for other in self.top[position + 1:])

    def live_after(self, line, names):
        """Whether some path after ``line`` reads one of ``names`` before assigning it."""
        return self.live_from(self.succ[self.index[id(line)]], names)

    def live_at(self, node, names):
        """Whether some path from ``node`` (itself included) reads one of ``names`` before assigning it."""
        return self.live_from({node}, names)

    def live_from(self, starts, names):
        for name in names:
            seen, todo = set(), list(starts)
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                _, reads, kills = self.nodes[node]
                if name in reads:
                    return True
                if name not in kills:
                    todo.extend(self.succ[node])
        return False



def _replace(items, line, rename=False):
    """``items`` with the copy ``line`` dropped: ``x = y`` where the names differ, or, with ``rename``,
    nothing, and ``y`` for ``x`` in every line after it.  A forward line's number moves to the write
    that follows it."""
    state = {"target": line.target, "copied": _copied(line), "carry": None, "after": False}
    return _replaced(items, line, rename, state)


def _replaced(items, line, rename, state):
    """``_replace`` of a block's items; ``state``: the copy's target and what it copies, the number
    of a forward line dropped waiting for its write, and whether the copy is behind."""
    target, copied = state["target"], state["copied"]
    out = []
    for item in items:
        if isinstance(item, ir.Group):
            undoes = item.undoes
            if rename and (state["after"] or any(inner is line for inner in ir.group_lines(item.lines))):
                undoes = _header_renamed(undoes, target, copied)  # (the comment too)
            out.append(ir.Group(undoes, tuple(_replaced(item.lines, line, rename, state))))
            continue
        if isinstance(item, ir.Block):
            header = name_renamed(item.header, target, copied) if state["after"] else item.header
            out.append(ir.Block(header, tuple(_replaced(item.body, line, rename, state)) or (ir.Statement("pass"),)))
            continue
        if item is line:
            state["after"] = rename
            if target != copied and not rename:
                out.append(type(line)(line.number, target, copied) if isinstance(line, ir.ForwardLine)
                           else ir.AdjointLine(target, False, copied))
            elif isinstance(line, ir.ForwardLine):
                state["carry"] = line.number
            continue
        if state["after"]:
            item = _rename_line(item, target, copied)
        if state["carry"] is not None:
            written = copied if rename else target
            if isinstance(item, ir.AdjointLine) and not item.accumulate and item.target.startswith(written + "["):
                item = ir.ForwardLine(state["carry"], item.target, item.source)
            state["carry"] = None
        out.append(item)
    return out


def _with_copied_views(items, views):
    """``items`` with each line of ``views`` (``v = x[t]``) taking a copy (``v = x[t].copy()``)."""
    return ir.map_lines(items, lambda line: replace(line, source=f"{line.source}.copy()")
                        if any(line is view for view in views) else line)


def _hoisted(items, loop, name):
    """``items`` with ``name = name.copy()`` before ``loop``."""
    out = []
    for item in items:
        if item is loop:
            out.append(ir.AdjointLine(name, False, f"{name}.copy()"))
        if isinstance(item, ir.Group):
            item = ir.Group(item.undoes, tuple(_hoisted(item.lines, loop, name)))
        out.append(item)
    return out


def _header_renamed(undoes, old, new):
    """A group's header (the forward line it undoes, or a title) with the name ``old`` read as ``new``:
    its text may be words around code (a fused gate's ``softmax of z along axis 1, lines (2)-(5)``)."""
    renames = {old: new}
    if isinstance(undoes, ir.ForwardLine):
        return ir.ForwardLine(undoes.number, source.title_renamed(undoes.target, renames),
                              source.title_renamed(undoes.source, renames))
    return source.title_renamed(undoes, renames)


def _rename_line(line, old, new):
    if isinstance(line, ir.CallLine):
        return ir.CallLine(tuple(new if t == old else t for t in line.targets), name_renamed(line.source, old, new))
    if isinstance(line, ir.ForwardLine):
        return ir.ForwardLine(line.number, name_renamed(line.target, old, new), name_renamed(line.source, old, new))
    if isinstance(line, ir.AdjointLine):
        return ir.AdjointLine(name_renamed(line.target, old, new), line.accumulate, name_renamed(line.source, old, new))
    if isinstance(line, ir.Statement):
        return ir.Statement(name_renamed(line.source, old, new))
    return line


def name_renamed(text, old, new):
    """``text`` with the name ``old`` read as ``new``, as written otherwise (attributes, keywords kept)."""
    return source.renamed(text, {old: new})


def _rename_between(items, first, last, old, new):
    """Drop ``first`` and ``last``; lines between them (in their block) read ``new`` for ``old``."""
    inside = [False]

    def walk(items):
        result = []
        for item in items:
            if item is first:
                inside[0] = True
                continue
            if item is last:
                inside[0] = False
                continue
            if isinstance(item, ir.Group):
                result.append(ir.Group(item.undoes, tuple(walk(item.lines))))
            elif inside[0]:
                result.append(_rename_deep(item, old, new))
            elif isinstance(item, ir.Block):
                result.append(ir.Block(item.header, tuple(walk(item.body)) or (ir.Statement("pass"),)))
            else:
                result.append(item)
        return result
    return walk(items)


def _copied(line):
    """``y`` for a line ``x = y.copy()``, else None (for a block too: an if assigning ``x``)."""
    target = getattr(line, "target", None)
    if target is None or getattr(line, "accumulate", False) or "[" in target or "," in target:
        return None
    node = _parse(line.source)
    if isinstance(node, ast.Call) and not node.args and not node.keywords and \
            isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and isinstance(node.func.value, ast.Name):
        return node.func.value.id
    return None


def _alias(line):
    """``(a, b)`` for an adjoint line ``a = b`` between two names."""
    if line.__class__ is ir.AdjointLine and not line.accumulate and line.target.isidentifier() \
            and line.source.isidentifier() and line.target != line.source:
        return line.target, line.source
    return None


def _breaks(line):
    """Whether a line is, or a block holds, a ``break`` of an enclosing loop."""
    if isinstance(line, ir.Statement):
        return line.source == "break"
    if isinstance(line, ir.Block) and not line.header.startswith(("for ", "while ")):
        return any(_breaks(inner) for inner in ir.group_lines(line.body))
    return False


def _assigns(line):
    """Every name a line (a block: any line in it) assigns."""
    if isinstance(line, ir.Block):
        found = _for_targets(line.header)
        for inner in ir.group_lines(line.body):
            found |= _assigns(inner)
        return found
    if isinstance(line, ir.CallLine):
        return set(line.targets)
    if isinstance(line, (ir.AdjointLine, ir.ForwardLine)) and not getattr(line, "accumulate", False) \
            and "[" not in line.target:
        return {t.strip() for t in line.target.split(",")}
    return set()


def _for_targets(header):
    if not header.startswith("for "):
        return set()
    return _names(header[4:].split(" in ", 1)[0])


# calls that may return a read-only view (np.diag and np.diagonal of a matrix, its diagonal)
_READ_ONLY = re.compile(r"\b(diag|diagonal)\(")


def fresh(text):
    """Whether the expression ``text`` certainly makes a new array (or number): arithmetic, a
    comparison, a constant, or a call of ``FRESH``."""
    node = _parse(text)
    if node is None:
        return False
    if isinstance(node, ast.BinOp) and (isinstance(node.left, (ast.List, ast.Tuple)) or
                                        isinstance(node.right, (ast.List, ast.Tuple))):
        return False  # hs + [h]: a new list, holding the very arrays it is made of
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Compare)):  # (a list holds its items)
        return True
    if isinstance(node, ast.IfExp):
        return all(fresh(source.to_source(side)) for side in (node.body, node.orelse))
    if isinstance(node, ast.Call):
        func = node.func
        if any(k.arg == "copy" for k in node.keywords):  # np.array(x, copy=False) may be x itself
            return False
        if isinstance(func, ast.Name) and func.id in ("max", "min"):  # max(a, b) is one of them
            return False
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if call_view(node):  # np.einsum('ij->ji', a): a view of a
            return False
        return name in FRESH
    return False


def _parse(text):
    """The expression ``text`` as a tree (one per text: read, never changed), else None."""
    return source.expression(text)


def _names(text):
    """The names a line of generated code reads or writes (a block header too)."""
    return set(source.line_names(text))
