"""Reversing control flow: the backward of ``if`` blocks and loops.

Contract: ``FlowReverser`` is mixed into the reverse pass (``reverse``), which
provides the adjoint bookkeeping (``adjoint``, ``adjoint_name``, ``fresh``,
``zeros_like``) and ``reverse_items``.

* An ``if`` is undone by the same ``if``: each branch's adjoints, in reverse.
  An adjoint of a value from outside the block that the block starts and
  both branches add to is assigned in each (``dx = w * dout`` in one, ``dx =
  dout`` in the other); other adjoints of outside values are set to zero
  before the block (where they do not exist yet) and added to, so both paths
  leave every adjoint defined.
* A loop is undone by a loop over the same iterations in reverse.  The
  forward loop saves each carried value as the iteration starts
  (``hs.append(h)``); the backward loop restores it (``h = hs.pop()``),
  recomputes what that iteration computed, and applies its adjoints.  The
  adjoint of a carried value flows from one backward iteration to the next;
  adjoints of values from outside the loop are accumulated over iterations.
  In shape-generic code a loop over the items of a list of arrays of several
  shapes (``layered``: ``for W, b in params``) may change its carried values'
  shapes from one iteration to the next: the zero adjoint of a value an
  iteration does not read is made from the value that iteration started with
  (kept for it), not from the value it ends with.
* ``render_forward`` writes the forward code the backward function needs: a
  loop runs only if the code after it reads something it computes or keeps.
  A loop that would run only to keep values (``runs_to_keep``) keeps none on
  the reverse pass's second try (``uncached``): its backward computes them.
"""

import ast
import keyword
import re
from dataclasses import replace

from . import ir, shape_terms, source
from .row_products import row_products


_METHODS = {"np.max": "max", "np.min": "min", "np.sum": "sum"}  # reductions an array has as methods


class FlowReverser:

    # --- if ---------------------------------------------------------------------------

    def reverse_if(self, item):
        inside = {op.target for op in ir.ops_in(item.body + item.orelse)}
        # an outside value whose adjoint this block starts and both branches add to: each branch assigns it
        # (dx = mask * dout in one, dx = dout in the other, as a hand-written backward does)
        both = set(self.outer_reads(item.body, inside)) & set(self.outer_reads(item.orelse, inside))
        own = {name: self.adjoint_name(name) for name in self.outer_reads(item.body + item.orelse, inside)
               if name in both and name not in self.adjoint and name not in getattr(self, "fixed", {})}
        pre = self.zero_outer(item.body + item.orelse, inside, exclude=tuple(own))
        saved = dict(self.adjoint)
        self.fixed = getattr(self, "fixed", {})
        outer_fixed = dict(self.fixed)
        self.fixed.update(own)
        self.depth += 1
        self.branches = getattr(self, "branches", []) + [item.test]  # the tests holding in each branch
        then = self.reverse_items(item.body) + self.owned(own)
        self.adjoint = dict(saved)
        self.branches[-1] = f"not ({item.test})"
        orelse = self.reverse_items(item.orelse) + self.owned(own)
        self.branches = self.branches[:-1]
        self.adjoint = saved
        self.adjoint.update(own)
        self.fixed = outer_fixed
        self.depth -= 1
        if not then and not orelse:
            return pre
        # each branch recomputes the values of its own that its adjoints read
        then = self.render_forward(item.body, live_reads(then), replay=True, loops=False) + then
        orelse = self.render_forward(item.orelse, live_reads(orelse), replay=True, loops=False) + orelse
        blocks = [ir.Block(f"if {item.test}:", tuple(then) or (ir.Statement("pass"),))]
        if orelse:
            blocks.append(ir.Block("else:", tuple(orelse)))
        return pre + blocks

    def outer_reads(self, items, inside, exclude=()):
        """The outside values (not of ``inside``) with a gradient that ``items`` read, in order."""
        outer = []
        read = [arg for op in ir.ops_in(items) if op.rule != "inert" for arg in op.args]
        read += [value for loop in ir.loops_in(items) for _, value in loop.exits]  # handed along by a loop
        for arg in read:
            if isinstance(arg, ir.Var) and arg.name in self.active and arg.name not in inside \
                    and arg.name not in exclude and arg.name not in outer:
                outer.append(arg.name)
        return outer

    def owned(self, own):
        """At the end of a branch: each adjoint of ``own`` ({value: adjoint}) under its own name, zeros
        where the branch gave it none, the adjoint it renames where the branch left it another's name."""
        lines = []
        for name, adjoint in own.items():
            if name not in self.adjoint:
                self.adjoint[name] = adjoint
                lines.append(ir.AdjointLine(adjoint, False, self.zeros_like(name)))
            elif self.adjoint[name] != adjoint:
                lines.append(ir.AdjointLine(adjoint, False, self.adjoint[name]))
                self.adjoint[name] = adjoint
        return lines

    def zero_outer(self, items, inside, exclude=()):
        """Start at zero the adjoints of outside values that ``items`` add to."""
        outer = self.outer_reads(items, inside, exclude)
        lines = []
        for name in outer:
            if name not in self.adjoint:
                self.adjoint[name] = self.adjoint_name(name)
                lines.append(ir.AdjointLine(self.adjoint[name], False, self.zeros_like(name)))
            else:
                lines += self.own_adjoint(name)
        return lines

    def own_adjoint(self, name):
        """Before a block adds to ``name``'s adjoint in place: if that is still the caller's upstream
        array (``dout1``), a copy of it, so the caller's array is never changed."""
        if self.adjoint.get(name) in self.staged.upstreams and self.numpy and self.staged.shapes.get(name, ()) != ():
            held = self.adjoint.pop(name)
            self.adjoint[name] = self.adjoint_name(name)
            copied = f"{self.staged.modules['np']}.copy({held})" if self.staged.shape_free else f"{held}.copy()"
            return [ir.AdjointLine(self.adjoint[name], False, copied)]
        return []

    # --- loops ------------------------------------------------------------------------

    def reverse_loop(self, loop):
        inside = {op.target for op in ir.ops_in(loop.body)} | {loop.var}
        carried = [c for c in loop.carried if c in self.active]
        here = {id(loop)} | {id(inner) for inner in ir.loops_in(loop.body)}  # (and a helper's selection
        here |= {id(op) for op in ir.ops_in(loop.body) if op.rule == "call"}  # called in it: its call's)
        for name, value in loop.exits:  # a length chosen by the data anew in each iteration
            if name in carried and name in loop.fresh and \
                    any(where in here for _, where in self.sized.get(str(value), ())):
                self.refuse_at(loop.line, f"{_user(name)!r} is selected by a boolean mask in this loop, so its "
                                          "length may change from one iteration to the next: backgen writes code "
                                          f"for one shape per value; give {_user(name)!r} a value before the loop")
        rows = tuple(r for r in row_products(loop, inside, self.staged, self.active, self.fresh)
                     if id(r.op) not in self.nan_data.zeroed)  # (each row's operands read with nan as 0)
        self.stacked = getattr(self, "stacked", {})  # id(op) -> (rows[i], operand positions summed after)
        self.stacked.update({id(r.op): (f"{r.rows}[{loop.var}]", {p for p, _, _ in r.sums}) for r in rows})
        gone = {r.op.args[p].name for r in rows for p, _, _ in r.sums}  # rows Xi: no adjoint in the loop
        elsewhere = {arg.name for op in ir.ops_in(loop.body) if op.rule != "inert" for position, arg
                     in enumerate(op.args) if isinstance(arg, ir.Var) and position not in
                     self.stacked.get(id(op), ("", ()))[1] and not (op.rule == "getitem" and op.target in gone)}
        summed = {name for r in rows for _, name, _ in r.sums} - elsewhere
        pre = self.zero_outer(loop.body, inside, exclude=loop.carried + tuple(summed))
        pre += [ir.AdjointLine(r.rows, False, r.zeros) for r in rows]
        for _, exit_value in loop.exits:  # an outside value carried along gathers over iterations
            if isinstance(exit_value, ir.Var) and exit_value.name in self.active and exit_value.name not in inside \
                    and exit_value.name not in loop.carried and exit_value.name not in self.adjoint:
                self.adjoint[exit_value.name] = self.adjoint_name(exit_value.name)
                pre.append(ir.AdjointLine(self.adjoint[exit_value.name], False, self.zeros_like(exit_value.name)))
            elif isinstance(exit_value, ir.Var) and exit_value.name not in inside:
                pre += self.own_adjoint(exit_value.name)
        for name in carried:
            if name not in self.adjoint:
                self.adjoint[name] = self.adjoint_name(name)
                pre.append(ir.AdjointLine(self.adjoint[name], False, self.zeros_like(name)))
        # a value first set in the loop is read as the iteration starts where a nested loop may leave it
        # as it was (a = a * 0.9 after a while that may not run): saved too (None before it is set)
        entry_read = set(loop.fresh) & _reads(loop.body)
        # a value a path keeps as an earlier iteration left it (a7_2 = a7 where the if sets it on one path
        # only): the replay copies it on that path, from the value saved as the iteration starts
        copied = {str(v) for c, v in loop.exits if isinstance(v, ir.Var) and _kept(loop.body, v)}
        entry_read |= {c for c, v in loop.exits if c in loop.fresh and str(v) in copied}
        layered = self.layered(loop)
        # a carried value the loop sets to one of another length than it had before (a = x[x > 0] before it,
        # a = v.T in it): the zeros of its adjoint in an iteration are of the value the iteration started with
        regrown = {c for c in carried if c in self.partly_sized} if self.numpy else set()
        if layered or regrown:  # each iteration's carried values may have shapes of their own: the zeros of the
            # adjoint of a value the iteration does not read are made from the value it started with (None before
            # the loop)
            unread = [c for c in carried if c in loop.fresh and c not in entry_read and (layered or c in regrown)]
            entry_read |= set(unread)
            self.needs_init |= set(unread)
        saves = tuple((c, self.fresh(_plural(c))) for c in loop.carried if c not in loop.fresh or c in entry_read)
        if not saves and (loop.kind == "while" or loop.breaks):  # the number of iterations, to undo as many
            saves = ((loop.var, self.fresh(_plural(loop.var))) if loop.var else ("_", self.fresh("steps")),)
        self.saves[id(loop)] = saves
        before = dict(self.adjoint)
        # the value at the end of the iteration takes the carried adjoint (dh_1 = dh);
        # the value at its start gets a new one, built by this iteration (dh = ...)
        start, fresh_entries, handed = [], [], []
        for name, exit_value in loop.exits:
            if name not in self.adjoint:
                continue
            if isinstance(exit_value, ir.Var) and exit_value.name == name:
                continue  # passes through unchanged: contributions add to the same adjoint
            if isinstance(exit_value, ir.Var) and exit_value.name in self.active:
                if exit_value.name in inside:
                    shared = exit_value.name in self.adjoint  # two carried values end as one (b = ...; x = b)
                    exit_adjoint = self.adjoint_name(exit_value.name)
                    self.adjoint[exit_value.name] = exit_adjoint
                    start.append(ir.AdjointLine(exit_adjoint, shared, before[name]))
                else:  # another carried value or an outside one, handed on (a, b = b, a + b)
                    snapshot = self.fresh(f"{before[name]}_next")
                    start.append(ir.AdjointLine(snapshot, False, before[name]))
                    handed.append((exit_value.name, snapshot))
            fresh_entries.append(name)
        for name in fresh_entries:
            del self.adjoint[name]
        self.fixed = getattr(self, "fixed", {})
        outer_fixed = dict(self.fixed)  # an enclosing loop may carry the same name
        for name in fresh_entries:
            self.fixed[name] = before[name]
        for var, snapshot in handed:
            start.append(self.accumulate(var, snapshot))
        self.depth += 1
        work = self.reverse_items(_rest_in_orelse(loop.body))
        body = start + work
        self.depth -= 1
        end = []
        exits = dict(loop.exits)
        self.fixed = outer_fixed
        for name in fresh_entries:
            if name not in self.adjoint:  # the value the iteration started with was not used
                value = exits[name]
                like = value.name if isinstance(value, ir.Var) and value.name in inside and not layered \
                    and name not in regrown else name
                if name not in loop.fresh and self.sized.get(like):  # the length may change: as it started
                    like = name
                if like in self.staged.lists and any(like in inner.carried for inner in ir.loops_in(loop.body)):
                    self.refuse_rebuilt_list(loop, name)  # (undone, the inner loop leaves it as it started)
                if self.numpy and like != name and any(like in inner.carried for inner in ir.loops_in(loop.body)):
                    # (an inner loop's value, which its backward leaves holding what it started from, b = 0.5:
                    # of the shape of the adjoint this iteration ended with)
                    zeros = f"{self.staged.modules['np']}.zeros_like({before[name]}, dtype=float)"
                else:
                    zeros = self.zeros_like(like)
                end.append(ir.AdjointLine(before[name], False, zeros))
        self.adjoint = before
        if not work and not end and not handed and \
                not any(line.accumulate for line in start if isinstance(line, ir.AdjointLine)):
            self.saves[id(loop)] = ()
            return pre  # nothing flows back through this loop
        restore = [ir.AdjointLine(c, False, f"{saved}.pop()") for c, saved in saves if c not in (loop.var, "_")]
        read = live_reads(body + end)
        shaped = _shape_only(body + end, read, self.zeros_of)
        # a value the replay may compute again from it (sel = s[-3:]) is read whole: kept whole
        shaped -= set().union(*(op.reads() for op in ir.ops_in(loop.body) if op.target in read
                                and op.rule != "setitem"))
        cached, shaped = self.cache_values(loop, read, shaped)
        self.cached[id(loop)] = cached
        for value, saved in cached:
            if value in shaped:  # only its shape is read (np.zeros_like): the shape is kept
                np_name = self.staged.modules["np"]
                shape = self.fresh(f"{value}_shape")
                number = self.staged.shapes.get(value, ()) == ()  # (a Python float has no .shape)
                self.kept_shapes[saved] = f"{np_name}.shape({value})" if self.staged.shape_free or number \
                    else f"{value}.shape"
                moved = {}
                zeros = self.zeros_of(value)  # (of floats in shape-generic code: np.zeros keeps that)
                body, end = (_replaced_text(lines, zeros, f"{np_name}.zeros({shape})", moved)
                             for lines in (body, end))
                self.loop_blocks = [(moved.get(id(b), b), inner) for b, inner in getattr(self, "loop_blocks", [])]
                restore.append(ir.AdjointLine(shape, False, f"{saved}.pop()"))
            else:
                restore.append(ir.AdjointLine(value, False, f"{saved}.pop()"))
        replay = self.render_forward(loop.body, read, breaks=False, replay=True, kept=frozenset(copied),
                                     skip=frozenset(value for value, _ in cached),
                                     without=frozenset(map(id, self.hoisted_into.get(id(loop), ()))))
        header = self.loop_header(loop, saves)
        block = ir.Block(header, tuple(restore + replay + body + end))
        self.loop_blocks = getattr(self, "loop_blocks", []) + [(block, loop)]
        return pre + [block] + self.sum_rows(rows)

    def sum_rows(self, rows):
        """After a loop: each loop-invariant operand's adjoint from the rows kept (``row_products``)."""
        groups = []
        for r in rows:
            lines = []
            for _, name, total in r.sums:
                lines += self.own_adjoint(name) + [self.accumulate(name, total)]
            if lines:
                groups.append(ir.Group(self.forward_line(None, r.op), tuple(lines)))
        return groups

    def cache_values(self, loop, read, shaped=frozenset()):
        """``(((value, list name), ...), shaped)``: the values of the iteration the backward reads (directly or
        through what it recomputes) that cost more to compute than to keep, saved by the forward
        (``next_hs.append(next_h)``) and restored by the backward (``next_h = next_hs.pop()``), as a
        hand-written backward reads its cache.  Only operations every iteration runs (at the top
        of the loop body) are kept; views, indexing and number arithmetic are recomputed (and
        everything, in a loop of ``uncached``: one the forward pass would run only to keep values; none after
        an ``if`` that may break, which the iteration leaving the loop does not run).  ``shaped``
        (values the backward reads only for their shape) comes back without those the replay
        computes something from: those are kept whole."""
        if getattr(self, "recompute", False):
            self.hoisted_into[id(loop)] = []
            return (), frozenset(shaped)
        needed, cached, inner = set(read), [], []
        first_break = next((k for k, item in enumerate(loop.body) if _may_break(item)), len(loop.body))
        for position, item in reversed(list(enumerate(loop.body))):
            if isinstance(item, ir.Op):
                if synthetic(item) or item.target not in needed:
                    continue
                if (self.costly(item) or item.target in shaped) and id(loop) not in self.uncached and \
                        position < first_break:  # (after an if that may break: not run by every iteration)
                    cached.append(item.target)
                else:
                    needed |= item.reads()
                    shaped = shaped - item.reads()  # read by what is computed again: kept whole
            elif isinstance(item, ir.Loop) and item.kind == "for" and not item.breaks \
                    and not (set(item.carried) | {item.var}) & needed:
                # a nested loop whose values the backward does not read is not run again: its lists
                # are made before this loop and hold every iteration's saves, popped in reverse
                inner.append(item)
            else:  # a nested block is recomputed from what it reads
                reads = _reads([item]) | (set(item.carried) if isinstance(item, ir.Loop) else set())
                needed |= reads
                shaped = shaped - reads
        self.hoisted_into[id(loop)] = inner
        self.hoisted |= set(map(id, inner))
        return tuple((value, self.fresh(_plural(value + "_shape" if value in shaped else value)))
                     for value in reversed(cached)), frozenset(shaped)

    def costly(self, op):
        """Whether computing ``op`` again costs more than keeping its value."""
        if op.rule in CHEAP:
            return False
        if self.numpy and self.staged.shape_free:  # the samples' shapes are not the arrays': a number
            return op.rule not in ARITHMETIC or not self.surely_number(op.target)  # whatever the ranks
        if self.numpy:
            return self.staged.shapes.get(op.target, ()) != () or op.rule not in ARITHMETIC
        return op.rule not in ARITHMETIC

    def made_by(self, name):
        """The staged operations that assign ``name`` (worked out once: the staged body is fixed)."""
        if not hasattr(self, "_made_by"):
            self._made_by = {}
            for op in ir.ops_in(self.staged.body):
                self._made_by.setdefault(op.target, []).append(op)
        return self._made_by.get(name, [])

    def surely_number(self, name):
        """Shape-generic code: whether ``name`` is a number whatever the ranks of the arrays given (a
        number given, a count, a reduction of all elements, their arithmetic; ``surely_numbers``)."""
        if name in self.staged.params:
            return name not in self.staged.shape_free and self.staged.shapes.get(name) == ()
        return name in self.surely_numbers()

    def surely_numbers(self, extremes=False):
        """The names of the staged code that are numbers whatever the ranks of the arrays given (with
        ``extremes``, the places ``np.argmax`` and ``np.argmin`` of no axis find too): the greatest set of
        names all of whose makers (the operations and the loops' values that assign each; a loop's carried
        value is a number where every value it takes is one) make numbers of numbers, found once by
        removing names until none goes, where a walk of every path through shared values would take time
        doubling with each."""
        found = getattr(self, "_numbers_found", {})
        key = (id(self.staged), extremes)
        if key in found and found[key][0] is self.staged:
            return found[key][1]
        staged = self.staged
        makers = {}
        for op in ir.ops_in(staged.body):
            makers.setdefault(op.target, []).append(op)
        for loop in ir.loops_in(staged.body):
            for carried, value in loop.exits:
                makers.setdefault(carried, []).append(value)
            if loop.kind == "for" and loop.var and loop.iterable.startswith("range("):
                makers.setdefault(loop.var, []).append(ir.Const("0"))
        numbers = {n for n in makers if n not in staged.params}

        def made(maker):
            if isinstance(maker, ir.Const):
                return source.number_text(maker.source) is not None
            if isinstance(maker, ir.Var):
                if maker.name in staged.params:
                    return maker.name not in staged.shape_free and staged.shapes.get(maker.name) == ()
                return maker.name in numbers
            if maker.rule in FULL_REDUCTIONS and maker.param("axis") is None and not maker.param("keepdims"):
                return True
            if maker.rule == "inert" and (maker.source.startswith("len(") or SIZE.search(maker.source) or
                                          extremes and ARG_EXTREME.fullmatch(maker.source)):
                return True  # (a count, a size, the place of an extreme of all elements: np.argmax(w))
            if maker.rule == "getitem" and isinstance(maker.args[0], ir.Var):  # N = parts[0], parts = x.shape
                return any(m.rule == "inert" and SHAPE.search(m.source) for m in makers.get(maker.args[0].name, ())
                           if not isinstance(m, (ir.Var, ir.Const)))
            return maker.rule in ARITHMETIC | {"copy"} and all(made(arg) for arg in maker.args)
        shrunk = True
        while shrunk:
            shrunk = False
            for name in list(numbers):
                if not all(made(m) for m in makers[name]):
                    numbers.discard(name)
                    shrunk = True
        found[key] = (staged, frozenset(numbers))
        self._numbers_found = found
        return found[key][1]

    def same_shape(self, op, position):
        """Shape-generic code: whether operand ``position`` of ``op`` has the shape of its result at every
        rank and size (``shape_terms``), so that its gradient needs no sum over broadcast axes.  Never
        where a parameter's sample is a number or of size-one axes only: an output made of it may then
        be an array of ones, whose upstream gradient defaults to the number 1.0, and the gradient a
        number where the operand is an array, which the sum broadcasts (elsewhere an output of a
        parameter's shape has an axis longer than one at the samples, and its gradient is asked for)."""
        staged = self.staged
        if not staged.shape_free:
            return False
        found = getattr(self, "_terms_found", None)
        if found is None or found[0] is not staged:
            numbers = self.surely_numbers() | {p for p in staged.params if self.surely_number(p)}
            ones = any(type(staged.shapes.get(n)) is tuple and all(d == 1 for d in staged.shapes[n])
                       for n in staged.params if n not in numbers)
            found = self._terms_found = (staged, None if ones else shape_terms.Terms(staged, numbers))
        return found[1] is not None and found[1].same_shape(op, position)

    def prune_saves(self, groups):
        """Save and restore only the carried values the backward reads (in the loop or after it)."""
        if not getattr(self, "loop_blocks", []):
            return list(groups)  # (no loop saves anything)
        order, spans = [], {}
        _spans(groups, order, spans)
        replaced, dropped, counting = {}, set(), {}
        for block, loop in getattr(self, "loop_blocks", []):
            start, end = spans[id(block)]
            saves = self.saves[id(loop)]
            count = sum(c not in (loop.var, "_") for c, _ in saves)  # the loop's own variable is not restored
            restores = {id(line) for line in block.body[:count]}
            inside = set().union(*(_reads_line(line) for line in order[start + 1:end] if id(line) not in restores))
            after = set().union(*(_reads_line(line) for line in order[end:]))
            kept = tuple((c, saved) for c, saved in saves if c in inside | after)
            if not kept and saves and (loop.kind == "while" or loop.breaks):
                # the number of iterations: a list of the loop's own variable (None for a while), which is
                # there as each iteration starts, where a carried value a replay in the backward does not
                # compute may not be
                kept = ((loop.var or "_", self.fresh(_plural(loop.var) if loop.var else "steps")),)
                counting[saves[0][1]] = (kept[0][1], loop.var or "None")
            self.saves[id(loop)] = kept
            dropped |= {saved for _, saved in saves} - {saved for _, saved in kept}
            self.needs_init |= {c for c, _ in kept if c in loop.fresh}  # saved before it is first set
            body = tuple(line for line in block.body[:count] if line.target in dict(kept)) + block.body[count:]
            replaced[id(block)] = ir.Block(self.loop_header(loop, kept), body)
        return _rebuilt(groups, replaced, dropped, counting)  # (a replay of a loop in the backward saved into
        # the lists dropped too)

    def accumulate(self, var, upstream):
        accumulate = var in self.adjoint
        self.adjoint[var] = self.adjoint_name(var)
        return ir.AdjointLine(self.adjoint[var], accumulate, upstream)

    def loop_header(self, loop, saves):
        if loop.kind == "for":
            iterable = loop.iterable
            if iterable.startswith("reversed(") and iterable.endswith(")"):  # undone in forward order
                forward_order = iterable[len("reversed("):-1]
                if loop.breaks and saves:
                    forward_order = f"{forward_order}[len({forward_order}) - len({saves[0][1]}):]"
                return f"for {loop.var} in {forward_order}:"
            if loop.breaks and saves:
                iterable = f"{iterable}[:len({saves[0][1]})]"
            return f"for {loop.var} in reversed({iterable}):"
        count = f"len({saves[0][1]})" if saves else "0"
        return f"for _ in range({count}):"

    # --- the forward code ---------------------------------------------------------------

    def render_forward(self, items, read, breaks=False, replay=False, loops=True, skip=frozenset(),
                       without=frozenset(), kept=frozenset()):
        """Forward items computing what ``read`` names (blocks are kept whole), in order.

        Without ``loops`` (a branch recomputing its values in the backward) loops are
        left out: they ran in the forward pass, which saved what their backward needs;
        the values they left (``skip``, in nested blocks too) are not computed again.
        ``kept``: the values whose ``keep_unset`` copies run (a loop hands them on under
        another name, so that the carried name does not hold them already).
        """
        runs, kept = kept, []
        read = set(read)
        kept_by_loops = set(skip)  # without loops: the values loops left in the forward pass stay
        for item in reversed(items):
            if isinstance(item, ir.Loop) and id(item) in without:  # its saves are there already
                continue
            if not loops and isinstance(item, ir.Loop):
                kept_by_loops |= set(item.carried) | {op.target for op in ir.ops_in(item.body)}
                continue
            if isinstance(item, ir.Op):
                if synthetic(item):
                    if item.target in runs and item.target in read:  # (a copy of no line of the user's)
                        kept.append(ir.AdjointLine(item.target, False, item.source))
                        read |= item.reads()
                    continue  # else the forward never runs it: the value is already there
                if item.target in read and item.target not in kept_by_loops:
                    first, *rest = item.lines()
                    kept += [ir.AdjointLine(target, False, text) for target, text in reversed(rest)]
                    method = self.method_form(item) if replay else None
                    if replay:  # a line of its own, not the forward pass's: a pass dropping the forward's
                        line = ir.ForwardLine(self.numbers[id(item)], item.target, method or item.source)
                    else:       # copy (Y_2 = Y_1.copy()) must not drop this one, which later reads may need
                        line = self.forward_line(None, item)
                    kept.append(line)
                    read |= item.reads()
            elif isinstance(item, ir.If):
                defines = {op.target for op in ir.ops_in(item.body + item.orelse)} - kept_by_loops
                left = set()  # without loops: what loops in the branches leave, kept before the if too
                if not loops:  # (a = math.log(s); if c: while ...: a = ...: the forward pass left a)
                    left = {name for inner in ir.loops_in([item])
                            for name in (*inner.carried, *(op.target for op in ir.ops_in(inner.body)))}
                if not defines & read and not (breaks and _ends_loop(item)) and \
                        not (loops and any(self.runs(inner, read, note=False) for inner in ir.loops_in([item]))):
                    kept_by_loops |= left
                    continue
                body = self.render_forward(item.body, read, breaks, replay, loops, skip=kept_by_loops, kept=runs)
                orelse = self.render_forward(item.orelse, read, breaks, replay, loops, skip=kept_by_loops, kept=runs)
                if breaks and item.breaks:
                    kept_as_is = {op.target for op in item.body if isinstance(op, ir.Op) and synthetic(op)} - runs
                    leaving = [(c, str(v)) for c, v in item.exits if v != ir.Var(c) and str(v) not in kept_as_is]
                    if leaving:  # the carried values as the loop is left
                        body.append(ir.AdjointLine(", ".join(c for c, _ in leaving), False,
                                                   ", ".join(v for _, v in leaving)))
                    body = body + [ir.Statement("break")]
                if breaks and item.always_breaks:  # (a bare break ending the loop's body: no if around it)
                    kept.extend(reversed(body))
                    read |= _reads(item.body)
                    continue
                block = [ir.Block(f"if {item.test}:", tuple(body) or (ir.Statement("pass"),))]
                if orelse:
                    block.append(ir.Block("else:", tuple(orelse)))
                kept.extend(reversed(block))
                read |= _names(item.test) | _reads(item.body + item.orelse)
                if loops:  # the values its loops start from (kept for their backward as each iteration starts)
                    read |= {c for inner in ir.loops_in([item]) for c in set(inner.carried) - set(inner.fresh)}
                kept_by_loops |= left
            else:
                if not self.runs(item, read):
                    continue  # nothing it computes or keeps is read after it
                kept.extend(reversed(self.render_loop(item)))
                read |= _reads([item]) | _names(item.iterable or "0") | _names(item.test or "0")
                read |= set(item.carried) - set(item.fresh)  # the values the loop starts from
        return list(reversed(kept))

    def method_form(self, op):
        """``window.max()`` for a reduction ``np.max(window)`` of an array (axis and keepdims as
        keywords), else None.  The backward spells what it computes again this way: the same NumPy
        reduction without the function's Python-level dispatch, which costs more than the reduction
        itself on the small arrays a loop's iteration reads (a pooling window)."""
        method = _METHODS.get(op.rule)
        if method is None or len(op.args) != 1 or not isinstance(op.args[0], ir.Var) or \
                not {key for key, _ in op.params} <= {"axis", "keepdims"}:
            return None
        name = op.args[0].name
        shape = self.staged.shapes.get(name)
        if type(shape) is not tuple or not shape or name in self.staged.lists or self.staged.shape_free:
            return None  # (a number, a list, or a rank not known: the function form takes them all)
        keywords = ", ".join(f"{key}={value}" for key, value in op.params)
        return f"{name}.{method}({keywords})"

    def runs(self, loop, read, note=True):
        """Whether the code after ``loop`` (``read``: the names it reads) needs the loop to run: it
        reads a value the loop computes, or a list the loop keeps values in for the backward.  The
        forward pass notes which loops it runs for their values (``runs_for_values``: a carried
        value's list counts as its value), and which only to keep values (``runs_to_keep``)."""
        loops = (loop, *ir.loops_in(loop.body))
        values = {op.target for op in ir.ops_in(loop.body)} | {name for inner in loops
                                                                for name in (inner.var, *inner.carried) if name}
        values |= {saved for inner in loops for _, saved in self.saves.get(id(inner), ())}
        kept = {saved for inner in loops for _, saved in self.cached.get(id(inner), ())}
        number = self.loop_numbers.get(id(loop)) if note and getattr(self, "noting", False) else None
        if number is not None and not getattr(self, "rendering", 0):
            if read & values:
                self.runs_for_values.add(number)
            elif read & kept:
                self.runs_to_keep.add(number)
        return bool(read & (values | kept)) or bool(self.guarded(loop))

    def layered(self, loop):
        """Shape-generic code: whether ``loop`` reads the items of a list that may hold arrays of several
        shapes (``for W, b in params``), so that the values it carries may change shape from one
        iteration to the next: its backward makes each adjoint from the value of that iteration."""
        lists = self.staged.item_lists
        return bool(lists) and any(op.rule == "getitem" and isinstance(op.args[0], ir.Var) and op.args[0].name
                                   in lists for op in ir.ops_in(loop.body))

    def guarded(self, loop):
        """Shape-generic code: the values ``loop`` carries whose shape its forward checks (see
        ``shape_guards``); such a loop runs in the forward pass, which checks them.  None in a loop
        over the items of a list of arrays of several shapes (``layered``)."""
        if not self.staged.shape_free or self.layered(loop):
            return []
        known = self.__dict__.setdefault("_guarded", {})  # (asked for each loop at every read set)
        if id(loop) not in known:
            known[id(loop)] = [name for name, _ in loop.exits
                               if not (name == loop.var or name in loop.fresh or name in self.staged.lists
                                       or _written_in_place(loop, name))]  # set anew in each iteration
            # (unset, or None, as the loop starts), a list, or only written into (out[i] = ...)
        return known[id(loop)]

    def render_loop(self, loop):
        saves = self.saves.get(id(loop), ())
        body_ops = [op for op in ir.ops_in(loop.body) if not synthetic(op)]
        handed_on = {e.name for _, e in loop.exits if isinstance(e, ir.Var)}
        # names the body sets itself (a nested loop carrying it): a value renamed to one would be overwritten
        set_inside = {op.target for op in body_ops} | {c for inner in ir.loops_in(loop.body) for c in inner.carried}
        parallel, renamed = [], {}
        for name, exit_value in loop.exits:
            if exit_value == ir.Var(name) or not isinstance(exit_value, ir.Var):
                continue
            # a value first set in the loop on some paths only: renamed, the other paths keep it
            where = _top_level(loop.body, exit_value.name) or (name in loop.fresh and _kept(loop.body, exit_value))
            if isinstance(exit_value, ir.Var) and any(op.target == exit_value.name for op in body_ops) \
                    and not _read_after(loop.body, name, exit_value) and where \
                    and not any(name in _names(str(v)) for _, v in loop.exits if isinstance(v, ir.Const)) \
                    and name not in handed_on and name not in set_inside and exit_value.name not in renamed \
                    and (_user(exit_value.name) == name or exit_value.name not in self.staged.user_names):
                # (a value the user named otherwise keeps its name: next_h, then prev_h = next_h)
                renamed[exit_value.name] = name
        # a value set on some paths only and handed on under another name: the other paths copy it
        runs = {str(v) for c, v in loop.exits if isinstance(v, ir.Var) and _kept(loop.body, v)} - set(renamed)
        self.needs_init |= {c for c, v in loop.exits if str(v) in runs and c in loop.fresh}  # (None until set)
        # a value first set in the loop, read as an iteration starts (a4_1 = a4 on a path that keeps the value
        # an earlier iteration may have set): None before the loop, where the first iteration has none
        self.needs_init |= {c for c in loop.fresh if c in _reads(loop.body)}
        # a copy joining two paths of a value one of them may leave unset (k1 = k1_3 after if y > 0.5, a
        # continue's path, where only the other sets k1_3): None before the loop, where Python's has none
        # (or before it: a first iteration written out that sets it on one of its paths)
        self.needs_init |= self.copied_unset & {op.args[0].name for op in body_ops if op.rule == "copy"
                                                and isinstance(op.args[0], ir.Var)}
        everything = _reads(loop.body) | {c for c, _ in loop.exits} | {op.target for op in ir.ops_in(loop.body)}
        self.rendering = getattr(self, "rendering", 0) + 1  # the loops inside it are its own
        body = self.render_forward(loop.body, everything, breaks=True, kept=frozenset(runs))
        self.rendering -= 1
        cached = self.cached.get(id(loop), ())
        body = _with_saves(body, cached, self.kept_shapes)
        body = [ir.Statement(f"{saved}.append({c if c != '_' else 'None'})") for c, saved in saves] + body
        self.needs_init |= {c for c, _ in saves if c in self.maybe_unbound}  # (kept as it may be: None unset)
        for value, name in renamed.items():
            body = _rename_lines(body, value, name)  # h = np.tanh(...) updates h itself
        tail = []
        for name, exit_value in loop.exits:
            if exit_value != ir.Var(name) and renamed.get(str(exit_value)) != name:
                text = str(exit_value)
                for value, new in ([] if isinstance(exit_value, ir.Var) else renamed.items()):
                    text = _rename_text(text, value, new)  # a constant of the iteration's values: np.eye(4)[k]
                parallel.append((name, renamed.get(text, text)))
                if isinstance(exit_value, ir.Var) and renamed.get(text) in loop.fresh and \
                        not _top_level(loop.body, exit_value.name):  # (b = a as an iteration ends, of an a the
                    self.needs_init.add(renamed[text])  # body sets on some paths only: None until set, where
                    # Python's a and b are unbound alike)
        body = _without_self_assignments(body)
        if parallel and not loop.always_leaves:
            # one simultaneous assignment: a, b = b, apb (none after a bare break ending the body)
            tail.append(ir.AdjointLine(", ".join(n for n, _ in parallel), False, ", ".join(v for _, v in parallel)))
        header = f"for {loop.var} in {loop.iterable}:" if loop.kind == "for" else f"while {loop.test}:"
        before, checks, ends = self.shape_guards(loop)
        block = [ir.Block(header, tuple(checks + body + tail + ends))] + checks
        if id(loop) in self.hoisted:  # made by the enclosing loop
            return before + block
        return [ir.Statement(f"{saved} = []") for saved in self.lists_of(loop)] + before + block

    def shape_guards(self, loop):
        """Shape-generic code: each value the loop carries keeps the shape it entered with, checked
        as each iteration starts and after the loop (its backward is written for one shape); one the
        code starts at a number (``total = 0.0``, then ``total = total + x[i]``) keeps the shape the
        first iteration gives it, checked as each iteration ends (``ends``): the number broadcast to
        an array there is undone by the adjoints' ``_unbroadcast`` of the value that iteration read."""
        if not self.staged.shape_free:
            return [], [], []
        np_name = self.staged.modules["np"]
        before, checks, ends = [], [], []
        starts = {name for name in getattr(self.staged.shapes, "numbers_first", ())  # (made an array at these
                  if self.staged.shapes.get(name, ()) != ()}  # shapes; else kept a number, as it started)
        for name in self.guarded(loop):
            shape = self.fresh(f"{_user(name)}_shape")
            if name in starts:
                before.append(ir.Statement(f"{shape} = None"))
                ends.append(ir.Statement(f"{shape} = _shape_kept({name}, {shape}, {_user(name)!r})"))
                continue
            before.append(ir.Statement(f"{shape} = {np_name}.shape({name})"))
            checks.append(ir.Statement(f"_same_shape({name}, {shape}, {_user(name)!r})"))
        return before, checks, ends

    def lists_of(self, loop):
        """The lists of a loop's saves, and of the nested loops that leave theirs to it."""
        lists = [saved for _, saved in self.saves.get(id(loop), ())]
        lists += [saved for _, saved in self.cached.get(id(loop), ())]
        for inner in self.hoisted_into.get(id(loop), ()):
            lists += self.lists_of(inner)
        return lists


def _written_in_place(loop, name):
    """Whether the loop (its inner loops too) changes ``name`` only by writing into it
    (``out[n, c] = ...``), which keeps its shape."""
    makers = {}
    for op in ir.ops_in(loop.body):
        makers.setdefault(op.target, []).append(op)

    def kept(value):
        if value == ir.Var(name):
            return True
        ops = makers.get(getattr(value, "name", None), [])
        return bool(ops) and all(op.rule == "setitem" and kept(op.args[0]) for op in ops)
    return all(kept(value) for inner in [loop, *ir.loops_in(loop.body)] for carried, value in inner.exits
               if carried == name)


def _spans(items, order, spans):
    """List ``items`` in ``order``, groups and blocks opened (each before its lines), and note in
    ``spans`` (id -> (start, end)) where each one's lines lie in that order."""
    for item in items:
        start = len(order)
        order.append(item)
        if isinstance(item, ir.Block):
            _spans(item.body, order, spans)
        elif isinstance(item, ir.Group):
            _spans(item.lines, order, spans)
        spans[id(item)] = (start, len(order))


def _rebuilt(items, replaced, dropped, counting=None):
    """``items`` with each block of ``replaced`` (by id) replaced, and no line filling the lists
    ``dropped`` (``prune_saves``); ``counting``: lists kept to count iterations, {list: (its new
    name, what each iteration appends to it now)}."""
    out = []
    for item in items:
        if isinstance(item, ir.Block):
            item = replaced.get(id(item), item)
            out.append(ir.Block(item.header, tuple(_rebuilt(item.body, replaced, dropped, counting))))
        elif isinstance(item, ir.Group):
            out.append(ir.Group(item.undoes, tuple(_rebuilt(item.lines, replaced, dropped, counting))))
        elif counting and _fills(item, set(counting)):
            name = item.source.split(" = []")[0] if item.source.endswith(" = []") else item.source.split(".append(")[0]
            new, appended = counting[name]
            out.append(ir.Statement(f"{new} = []" if item.source.endswith(" = []") else f"{new}.append({appended})"))
        elif not _fills(item, dropped):
            out.append(item)
    return out


def _fills(line, lists):
    """Whether a line makes or appends to one of ``lists`` (``hs = []``, ``hs.append(h)``)."""
    if not isinstance(line, ir.Statement) or not lists:
        return False
    name = line.source.split(" = []")[0] if line.source.endswith(" = []") else line.source.split(".append(")[0]
    return name in lists and (line.source == f"{name} = []" or line.source.startswith(f"{name}.append("))


def _may_break(item):
    """Whether the loop body's ``item`` may leave the loop (an ``if`` breaking, or holding one that does; a
    loop inside it breaks out of itself alone)."""
    if not isinstance(item, ir.If):
        return False
    return item.breaks or any(_may_break(inner) for inner in item.body + item.orelse)


def _with_saves(body, cached, shapes):
    """``body`` with ``saved.append(value)`` after the line computing each cached value (and the
    write completing it, for a write into an array); ``shapes``: lists keeping a shape only."""
    lists = dict(cached)
    out = []
    pending = None

    def save(value):
        out.append(ir.Statement(f"{lists[value]}.append({shapes.get(lists[value], value)})"))
    for line in body:
        if pending is not None and not (isinstance(line, ir.AdjointLine) and line.target.startswith(pending + "[")):
            save(pending)
            pending = None
        out.append(line)
        if isinstance(line, ir.ForwardLine) and line.target in lists:
            pending = line.target
    if pending is not None:
        save(pending)
    return out


def _shape_only(lines, read, zeros_of):
    """The names of ``read`` that ``lines`` read only as ``np.zeros_like(name)`` (``zeros_of(name)``), in
    lines whose text ``_replaced_text`` rewrites (an adjoint's line, a statement): a forward line
    replayed (an inner loop's ``a = np.zeros_like(s)``) keeps its text, and reads the name whole."""
    found = set()
    texts = [(_text(line), isinstance(line, (ir.AdjointLine, ir.Statement))) for line in _flatten(lines)]
    for name in read:
        call = zeros_of(name)
        if any(call in text for text, _ in texts) and not any(
                name in _names(source.replaced(text, call, "0") if rewritten else text) for text, rewritten in texts):
            found.add(name)
    return found


def _text(line):
    if isinstance(line, ir.AdjointLine) and not line.accumulate and "[" not in line.target:
        return line.source
    return str(line)


def _replaced_text(lines, old, new, moved):
    """``lines`` with the expression ``old`` written ``new`` in each line's right-hand side (found by the
    line's tree: ``source.replaced``; unchanged lines kept as they are; ``moved`` maps each block changed
    to its new version)."""
    out = []
    for line in lines:
        if isinstance(line, ir.Group):
            inner = tuple(_replaced_text(line.lines, old, new, moved))
            line = line if inner == line.lines else ir.Group(line.undoes, inner)
        elif isinstance(line, ir.Block):
            inner = tuple(_replaced_text(line.body, old, new, moved))
            if any(a is not b for a, b in zip(inner, line.body)):
                moved[id(line)] = line = ir.Block(line.header, inner)
        elif isinstance(line, ir.AdjointLine) and old in line.source:
            line = ir.AdjointLine(line.target, line.accumulate, source.replaced(line.source, old, new))
        elif isinstance(line, ir.Statement) and old in line.source:
            line = ir.Statement(source.replaced(line.source, old, new))
        out.append(line)
    return out


CHEAP = {"inert", "copy", "getitem", "np.transpose", "np.swapaxes", "np.reshape", "np.ravel", "np.expand_dims",
         "np.squeeze", "np.atleast_2d", "np.broadcast_to", "np.positive", "list_make"}  # views, names, shapes
ARITHMETIC = {"add", "sub", "mul", "div", "neg", "abs", "max", "min", "square", "np.add", "np.subtract",
              "np.multiply", "np.divide", "np.negative", "np.abs", "np.maximum", "np.minimum", "np.square"}


# Sources of a size (x.shape[0], x.ndim, np.size(x)) and of a shape (x.shape, np.shape(x)).
SIZE = re.compile(r"(\.shape\[[^\]]*\]|\.ndim|\.size|np\.(ndim|size)\(.*\))$")
SHAPE = re.compile(r"(\.shape|np\.shape\(.*\))$")
ARG_EXTREME = re.compile(r"(np\.arg(max|min)\([\w.]+\)|[\w.]+\.arg(max|min)\(\))")  # (no axis: one place)

# Reductions of every element to one number (with no axis given), whatever the operand's rank.
FULL_REDUCTIONS = {"np.sum", "np.mean", "np.max", "np.min", "np.prod", "np.sum_square", "np.std", "np.var",
                   "np.linalg.norm"}


def live_reads(lines):
    """Names the lines read before assigning them (in order; both branches of a block counted).  A
    ``for`` loop's variable is assigned by its header for the lines of its body only."""
    needed = set()
    _live(lines, set(), needed)
    return needed


def _live(lines, assigned, needed):
    names = source.line_names
    branch = None  # what the if just walked assigns: after its else, what both assign is assigned
    for line in lines:
        kind = line.__class__
        if isinstance(line, ir.Block) and (line.header.startswith(("if ", "elif ")) or line.header == "else:"):
            before = set(assigned)
            needed |= _reads_line(line) - assigned
            _live(line.body, before, needed)  # (a name one path assigns is not assigned on the other)
            if line.header == "else:" and branch is not None:
                assigned |= branch & before
                branch = None
            elif line.header.startswith("elif ") and branch is not None:
                branch &= before  # (if, elif, ..., else: what every path assigns)
            else:
                branch = before
            continue
        branch = None
        if kind is ir.AdjointLine or kind is ir.ForwardLine:  # (most lines)
            if kind is ir.ForwardLine or not line.accumulate and "[" not in line.target:  # (_reads_line's
                needed |= names(line.source) - assigned  # most common case, inline)
            else:
                needed |= _reads_line(line) - assigned
            target = line.target
            if "[" not in target:
                if "," in target:
                    assigned |= {name.strip() for name in target.split(",")}
                else:
                    assigned.add(target.strip())
        elif kind is ir.Group:
            _live(line.lines, assigned, needed)
        elif isinstance(line, ir.Block) and line.header.startswith("for ") and " in " in line.header:
            target, iterable = line.header[4:-1].split(" in ", 1)
            targets = _names(target) - assigned
            needed |= _names(iterable) - assigned
            _live(line.body, assigned | targets, needed)  # (a copy: a loop may run no iteration, and leave
        elif isinstance(line, ir.Block):                   # unset what its body sets)
            needed |= _reads_line(line) - assigned
            _live(line.body, set(assigned) if line.header.startswith(("for ", "while ")) else assigned, needed)
        else:
            needed |= _reads_line(line) - assigned
            if isinstance(line, ir.CallLine):
                assigned |= set(line.targets)


def _reads_line(line):
    """The names a backward line reads (an assignment's own target is written, not read), as a
    frozenset."""
    names = source.line_names
    if isinstance(line, ir.ForwardLine):
        return names(line.source)
    if isinstance(line, ir.AdjointLine) and not line.accumulate and "[" not in line.target:
        return names(line.source)
    if isinstance(line, ir.Group):
        return frozenset()
    if isinstance(line, ir.AdjointLine):  # dx += g, dx[i] = g: the names of each side (parsed once each)
        return names(line.target) | names(line.source)
    return names(str(line))



def _reads(items):
    names = set()
    for item in items:
        if isinstance(item, ir.Op):
            if not synthetic(item):
                names |= item.reads()
        elif isinstance(item, ir.If):
            names |= _names(item.test) | _reads(item.body) | _reads(item.orelse)
        else:
            names |= _reads(item.body) | _names(item.iterable or "0") | _names(item.test or "0")
            names |= {e.name for _, e in item.exits if isinstance(e, ir.Var)}
            for _, e in item.exits:  # a constant the loop leaves, reading names (np.ones(24).reshape(n, V))
                if isinstance(e, ir.Const):
                    names |= _names(e.source)
    return names


def _read_after(items, name, exit_value):
    """Whether anything after the operation defining ``exit_value`` reads ``name`` (the entry):
    an operation, an if's test, a loop's bounds or test, in the order they run."""
    if not isinstance(exit_value, ir.Var):
        return False
    return _reads_after(items, name, exit_value.name, [False])


def _reads_after(items, name, target, seen):
    """``_read_after`` in ``items``: ``seen[0]`` once the operation defining ``target`` has run."""
    for item in items:
        if isinstance(item, ir.Op):
            if synthetic(item):
                continue
            if seen[0] and name in item.reads():
                return True
            if item.target == target:
                seen[0] = True
        elif isinstance(item, ir.If):
            if seen[0] and name in _names(item.test):
                return True
            if _reads_after(item.body, name, target, seen) or _reads_after(item.orelse, name, target, seen):
                return True
            if seen[0] and _exits_read(item, name):  # the values an if that breaks hands on
                return True
        else:
            if seen[0] and name in _names(item.iterable or "0") | _names(item.test or "0"):
                return True
            if _reads_after(item.body, name, target, seen):
                return True
            if seen[0] and _exits_read(item, name):  # what the loop hands on at each iteration's end
                return True  # (c = a in an inner loop is its exit c <- a, no operation of its body)
    return False


def _exits_read(item, name):
    return any(name in _names(str(value)) for _, value in item.exits)


def _top_level(items, name):
    return any(isinstance(item, ir.Op) and item.target == name for item in items)


def _copied_unset(items, sure=frozenset(), maybe=frozenset()):
    """The values a copy (``k1 = k1_3``) reads after an if or loop of ``items`` (or of the blocks
    around them: ``maybe``) that sets them on some paths only, where nothing before set them on every
    path (``sure``: those set before)."""
    found, sure, maybe = set(), set(sure), set(maybe)
    for item in items:
        if isinstance(item, ir.Op):
            if item.rule == "copy" and not synthetic(item) and isinstance(item.args[0], ir.Var) \
                    and item.args[0].name in maybe - sure:
                found.add(item.args[0].name)
            sure.add(item.target)
        elif isinstance(item, ir.If):
            found |= _copied_unset(item.body, sure, maybe) | _copied_unset(item.orelse, sure, maybe)
            maybe |= {op.target for op in ir.ops_in(item.body + item.orelse)}
            sure |= _surely_set(item.body) & _surely_set(item.orelse)
        elif isinstance(item, ir.Loop):
            found |= _copied_unset(item.body, sure, maybe)
            maybe |= {op.target for op in ir.ops_in(item.body)} - set(item.carried) | set(item.fresh)  # (not
            # those it carries from before it)
    return found


def _surely_set(items):
    """The values every path through ``items`` sets (a loop's body may not run)."""
    sure = set()
    for item in items:
        if isinstance(item, ir.Op):
            sure.add(item.target)
        elif isinstance(item, ir.If):
            sure |= _surely_set(item.body) & _surely_set(item.orelse)
    return sure


def _kept(items, value):
    """Whether some path through ``items`` keeps ``value`` as it was (``keep_unset`` gave it a copy)."""
    return any(synthetic(op) and op.target == value.name for op in ir.ops_in(items))


def _without_self_assignments(lines):
    """``lines`` without ``c = c`` (a renamed value handed to itself as the loop is left),
    also as part of a simultaneous assignment (``a, c = b, c`` is ``a = b``)."""
    out = []
    for line in lines:
        if isinstance(line, ir.AdjointLine) and not line.accumulate and "," in line.target and "[" not in line.target:
            targets = [t.strip() for t in line.target.split(",")]
            node = ast.parse(line.source, mode="eval").body
            values = [source.to_source(v) for v in node.elts] if isinstance(node, ast.Tuple) else []
            if len(values) == len(targets):
                pairs = [(t, v) for t, v in zip(targets, values) if t != v]
                if not pairs:
                    continue
                line = ir.AdjointLine(", ".join(t for t, _ in pairs), False, ", ".join(v for _, v in pairs))
        if isinstance(line, ir.AdjointLine) and not line.accumulate and line.target == line.source:
            continue
        if isinstance(line, ir.Block):
            line = ir.Block(line.header, tuple(_without_self_assignments(line.body)) or (ir.Statement("pass"),))
        out.append(line)
    return out


def _flatten(lines):
    """Every line of ``lines`` in order, as a list: groups opened, each block before its lines."""
    out = []
    _flatten_into(lines, out)
    return out


def _flatten_into(lines, out):
    for line in lines:
        kind = line.__class__
        if kind is ir.Block:
            out.append(line)
            _flatten_into(line.body, out)
        elif kind is ir.Group:
            if ir.plain_lines(line.lines):  # (most groups: their lines as they are)
                out += line.lines
            else:
                _flatten_into(line.lines, out)
        else:
            out.append(line)


def _names(text):
    """The names a line of generated code reads or writes (a block header too)."""
    return set(source.line_names(text))


def _user(name):
    """The user's name for a staged value (``h_2`` is a version of ``h``)."""
    base, _, version = name.rpartition("_")
    return base if base and version.isdigit() else name


def _plural(name):
    plural = name + ("es" if name.endswith("s") else "s")
    return plural + "_" if keyword.iskeyword(plural) else plural


def _rename_lines(lines, old, new):
    """Forward lines with the name ``old`` written as ``new`` (a carried value's last version)."""
    out = []
    for line in lines:
        if isinstance(line, ir.ForwardLine):
            target = new if line.target == old else line.target
            out.append(ir.ForwardLine(line.number, target, _rename_text(line.source, old, new)))
        elif isinstance(line, ir.Block):
            out.append(ir.Block(_rename_text(line.header, old, new), tuple(_rename_lines(line.body, old, new))))
        elif isinstance(line, ir.AdjointLine):
            out.append(ir.AdjointLine(_rename_text(line.target, old, new), line.accumulate,
                                      _rename_text(line.source, old, new)))
        elif isinstance(line, ir.Statement):
            target, sep, value = line.source.partition(" = ")
            if sep and target.isidentifier():  # an inner loop's shape guard: h_shape = np.shape(h)
                out.append(ir.Statement(f"{_rename_text(target, old, new)} = {_rename_text(value, old, new)}"))
            else:
                out.append(ir.Statement(_rename_text(line.source, old, new)))
        else:
            out.append(line)
    return out


def _rename_text(text, old, new):
    return source.renamed(text, {old: new})


KEEPS = ("keeps", "True")  # the param of a copy the reverse pass adds: ``v = c`` where a path leaves c as it was


def keep_unset(items, refuse):
    """``items`` with each loop's carried values made explicit on every path.

    A value first set in the loop (a ``fresh`` carried name) may be set on some paths
    only: after a ``continue``, before a ``break``, in one branch of an ``if``.  On the
    other paths it keeps the value it had as the iteration started, the one an earlier
    iteration set.  The loop's exit names the value set on the paths that set it; the
    paths that do not get a copy ``v = c`` (marked ``KEEPS``), so that the adjoint flows
    through them to the iteration that set it.  The forward never runs these copies:
    there ``v`` still holds ``c`` (the loop renames ``v`` to ``c``, or ``c`` is ``v``
    as the last iteration left it).  ``refuse(loop, name)`` is called for a value some
    path may or may not set (in a nested loop): no copy can say that.
    """
    out = []
    for item in items:
        if item.__class__ is ir.If:
            item = replace(item, body=tuple(keep_unset(item.body, refuse)),
                           orelse=tuple(keep_unset(item.orelse, refuse)))
        elif item.__class__ is ir.Loop:
            body = tuple(keep_unset(item.body, refuse))
            for carried, value in item.exits:
                if carried not in item.fresh or value.__class__ is not ir.Var or value.name == carried:
                    continue
                if value.name not in {op.target for op in ir.ops_in(body)}:
                    continue  # a value from before the loop
                copy = ir.Op(value.name, "copy", (ir.Var(carried),), item.line, (KEEPS,), carried)
                body, state = _cover(body, value.name, carried, copy)
                if state == "maybe":
                    refuse(item, carried)
                if state == "none":  # the iteration ends without setting it
                    body = tuple(body) + (copy,)
            item = replace(item, body=body)
        out.append(item)
    return out


def _cover(items, value, carried, copy):
    """``(items, state)``: ``items`` with ``copy`` at the end of each path that breaks out of the
    loop without setting ``value``, and at the end of each branch that does not set it where
    the other does; state is "all" (every path through ``items`` sets it), "none" (no path
    does: the caller adds the copy), "maybe" (a nested loop may)."""
    out, state = [], "none"
    for item in items:
        if state == "all":
            out.append(item)
            continue
        if isinstance(item, ir.Op):
            if item.target == value:
                state = "all"
        elif isinstance(item, ir.Loop):
            if value in {op.target for op in ir.ops_in(item.body)} | set(item.carried):
                return list(items), "maybe"
        elif isinstance(item, ir.If):
            body, then = _cover(item.body, value, carried, copy)
            orelse, other = _cover(item.orelse, value, carried, copy)
            if "maybe" in (then, other):
                return list(items), "maybe"
            leaves = item.breaks and any(c == carried for c, _ in item.exits)
            if leaves and then != "all":  # the loop is left with the value as the iteration started
                body, then = list(body) + [copy], "all"
            if item.breaks:
                then = other  # after the if: only the path that goes on
            if then != other:  # set on one path: the other keeps it
                if then == "none":
                    body = list(body) + [copy]
                else:
                    orelse = list(orelse) + [copy]
                then = "all"
            item = replace(item, body=tuple(body), orelse=tuple(orelse))
            state = then
        out.append(item)
    return out, state


def _rest_in_orelse(items):
    """A loop body with the items after an ``if`` that breaks (merges of the path that goes on) moved
    into its ``else``, in the branches of other ifs too (``if c: continue`` holds the rest of the body
    in its ``else``): they run only where it does not break, and are undone only there."""
    out = []
    for k, item in enumerate(items):
        rest = tuple(items[k + 1:])
        if isinstance(item, ir.If) and item.breaks:
            out.append(replace(item, orelse=_rest_in_orelse(tuple(item.orelse) + rest)))
            return tuple(out)
        if isinstance(item, ir.If) and rest and _breaks_within(item):  # on each path of it that goes on
            out.append(replace(item, body=_rest_in_orelse(tuple(item.body) + rest),
                               orelse=_rest_in_orelse(tuple(item.orelse) + rest)))
            return tuple(out)
        if isinstance(item, ir.If):
            item = replace(item, body=_rest_in_orelse(item.body), orelse=_rest_in_orelse(item.orelse))
        out.append(item)
    return tuple(out)


def _breaks_within(item):
    """Whether an ``if`` holds, in its branches (not in a loop of them), an ``if`` that breaks."""
    return isinstance(item, ir.If) and (item.breaks or any(_breaks_within(inner)
                                                           for inner in item.body + item.orelse))


def synthetic(op):
    return KEEPS in op.params


def _ends_loop(item):
    """Whether the ``if`` ``item``, or one inside it (not in a loop of its own), ends the loop (a
    break in its else: ``if c: continue`` then ``if d: break``, the rest of the body its else)."""
    return item.breaks or any(isinstance(inner, ir.If) and _ends_loop(inner) for inner in item.body + item.orelse)
