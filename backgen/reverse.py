"""Reverse a staged forward function into hand-style adjoint statements.

Contract: ``reverse(staged) -> ir.Backward``.

* Only values that depend on a ``wrt`` input *and* lead to the output get an
  adjoint; contributions known to be zero are never emitted.
* Adjoints are named ``d`` + the variable (``d_x`` if the user already has a
  ``dx``).  The first contribution to an adjoint is an assignment, later ones
  are ``+=``.  The output's adjoint is the upstream-gradient parameter.
* NumPy adjoints have exactly their variable's shape: contributions NumPy
  broadcast are summed back (``db = dout.sum(axis=0)``; for a value whose length
  the data decides, a boolean mask's selection, as the code runs:
  ``dXc = _unbroadcast(Xc * dprod, Xc)``, unless the other operands lack its
  axes of that length or have one element there: ``dXc = dXcmmu`` of
  ``Xc - mu``), and an adjoint that
  would alias another array (``dx = dq``) is copied before anything is added
  to it, so neither inputs nor forward values are ever modified.
* Each group of adjoint lines records the forward line it undoes; the forward
  lines kept are exactly those whose values the adjoint lines read.
* Local gradients come from the rule tables, filled in and simplified.
* A dict the function fills (``hs = {}``; ``hs[t] = h``: ``dict_names``) is reversed as a list of
  values is, its adjoint a dict of the same keys, added key by key; undoing ``hs[t] = h`` keeps
  the keys the dict had before the write, that of ``t`` zeroed (a key new there dropped).
* Shape-generic code: the gradient of a parameter that may be a list of arrays of
  several shapes (``staged.item_lists``) starts as ``_zeros_like_items`` (a list of
  zeros for such a list, else an array) and its items are rebound, never added to
  in place (``_items_rebound``: ``dparams[k] = _plus(dparams[k], dparts)``).
"""

import ast
import contextlib
import contextvars
import functools
import keyword
import operator
import re
from dataclasses import replace

from . import complexes, ir, source
from .cache import without_cached
from .context import GradContext, index_tuple, reads_as_array, refuse_varied_static, unbroadcast
from .errors import BackgenError
from .floats import floats
from .fuse import fusions, refined
from .guarded import clamp_guarded, guarded, root_guarded, zero_guarded
from .handover import handed_over
from .inplace import name_renamed, propagated, renamed_once, tidied, without_copies
from .nan_data import nan_left_out
from .parts import assigned_parts
from .zeroed import unzeroed
from .reverse_flow import FlowReverser, _copied_unset, _flatten, _names, keep_unset, live_reads, synthetic
from .rules import FRESH_CALLS, RULES, VALUE_ARGUMENTS, Scatter, call_view
from .selections import axes_elementwise, const_shape, data_sized, index_origins, one_mask, shape_of
from .shapes import Items, dict_names
from .stage import atom_ast, module_bindings
from .source import walk


RECOMPUTE = contextvars.ContextVar("backgen_recompute", default=False)


@contextlib.contextmanager
def recomputing(flag=True):
    """Within it, loops' backwards compute each iteration's values again from the values carried
    along (``recompute=True``) instead of reading the values the forward kept."""
    token = RECOMPUTE.set(bool(flag))
    try:
        yield
    finally:
        RECOMPUTE.reset(token)


_INTEGER_ARITHMETIC = frozenset({"add", "sub", "mul", "neg", "pos", "abs", "np.abs", "floordiv", "mod"})  # (of
# integers, where their operands are: the dtype of the array they are given)
# Reductions whose contributions may be guarded by their upstream (a log-sum-exp of a value holding -inf):
# the guard reads the upstream with the reduced axes restored
_REDUCING_GUARDED = frozenset({"np.logsumexp"})
_SAME_DTYPE = re.compile(r"dtype=(\w+)\s*[,)]")
_LIKE = re.compile(r"^\w+\.(zeros_like|ones_like|empty_like|full_like)\(\s*\w+\s*[,)]")  # (of the dtype
# of the array they are given, where no dtype= is)

def reverse(staged, cached=frozenset()):
    """The backward of ``staged``.  A loop whose forward would run only to keep values for its
    backward (``peaks.append(peak)``, nothing else read after it) is not run: its backward computes
    those values again (as it computes views and numbers again), at no more cost and without the
    lists.  Found on a first pass; a loop whose backward then needs its forward after all (to
    restore a carried value) keeps its lists."""
    recompute = RECOMPUTE.get()
    reverser = _Reverser(staged, cached=cached)
    reverser.recompute = recompute
    backward = reverser.run()
    unkept = reverser.runs_to_keep
    while unkept:
        again = _Reverser(staged, unkept, cached)
        again.recompute = recompute
        result = again.run()
        still = unkept & again.runs_for_values
        if not still:
            return result
        unkept -= still
    return backward


@functools.lru_cache(maxsize=256)
def _reads_as_sequence(lines, function, param):
    """Whether the module's (``lines``) one function ``function`` reads its parameter ``param`` as a
    sequence: indexes it, iterates it or gives it to ``len``, ``zip``, ``enumerate``, ``sum``... (a
    function nested in another, or of no source found: False, ``+=`` as before)."""
    module = source.module_tree(lines)
    if module is None:
        return False
    defined = [f for f in module.body if isinstance(f, ast.FunctionDef) and f.name == function]
    if len(defined) != 1:
        return False
    for node in walk(defined[0]):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == param:
            return True
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name) and \
                node.iter.id == param:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("len", "zip", "enumerate", "sum", "reversed", "max", "min", "list", "tuple") \
                and any(isinstance(a, ast.Name) and a.id == param for a in node.args):
            return True
    return False


class _Reverser(FlowReverser):
    def __init__(self, staged, unkept=frozenset(), cached=frozenset()):
        self.staged = staged
        self.spread, self.unread, self.straight = {}, set(), False  # (run's: numbers broadcast)
        self.from_cache = frozenset(cached)  # values a layer's cache holds: the backward computes them no more
        self.unkept = frozenset(unkept)  # numbers of loops (ir.loops_in order) whose backward keeps nothing
        self.modules = module_bindings(staged.modules)
        self.numpy = staged.mode == "numpy"
        # in plain Python code, a value read at an index (xs[i], for x in xs) is a list or tuple of numbers:
        # its adjoint is a list of them, to which each element's contribution is added
        reads = [] if self.numpy else [(op.args[0].name, op.target, ":" in (op.param("index") or ""))
                                       for op in ir.ops_in(staged.body)
                                       if op.rule == "getitem" and isinstance(op.args[0], ir.Var)]
        self.sequences = frozenset(base for base, _, _ in reads)
        if self.numpy:  # a helper's one result, a list holding a selection by a mask ([p[p > 0], q]): its items'
            # lengths differ on other data, its adjoint is a list of them (as a tuple's), never one array
            self.sequences |= {op.target for op in ir.ops_in(staged.body) if op.rule == "call" and op.param("sized")
                               and isinstance(staged.shapes.get(op.target), Items)}
        nested = {base for base, item, part in reads if item in self.sequences and not part}  # (rows of a list;
        if self.numpy:  # a list of a helper's tuples of values (outs.append(both(x, w))): a list of lists,
            # each tuple read from it (p, q = outs[k]) a list whose adjoint is a list (its values of any shapes)
            nested |= {name for op in ir.ops_in(staged.body) if op.rule in ("list_append", "list_make")
                       and any(isinstance(a, ir.Var) and a.name in staged.lists for a in op.args[op.rule == "list_append":])
                       for name in (op.target, *(a.name for a in op.args[:op.rule == "list_append"]
                                                 if isinstance(a, ir.Var)))}
            self.sequences |= {op.target for op in ir.ops_in(staged.body) if op.rule == "getitem"
                               and isinstance(op.args[0], ir.Var) and op.args[0].name in nested
                               and ":" not in (op.param("index") or "")}
        while True:  # a slice, v[1:], is a list of the same items: nested where the list is)
            more = {base for base, item, part in reads if part and item in nested} - nested
            if not more:
                break
            nested |= more
        self.nested = frozenset(nested)
        self.adjoint = {}  # variable -> its adjoint's name, once it has a contribution
        self.names_used = set()
        self.forward_lines = {}  # id(op) -> (op, its line): made once (forward_line)

    def adjoint_name_free(self, var):
        """The name ``adjoint_name`` gives ``var``'s adjoint where it is not named yet (``d`` + the name
        where no other name is that), without taking it."""
        candidate = "d" + var
        return candidate if candidate not in self.staged.user_names and candidate not in self.staged.upstreams \
            else None

    def adjoint_name(self, var):
        if var in self.adjoint:
            return self.adjoint[var]
        fixed = getattr(self, "fixed", None)
        if fixed and var in fixed:  # a loop's carried value keeps its adjoint's name
            return fixed[var]
        staged = self.staged
        candidate = "d" + var
        if candidate in staged.user_names or candidate in staged.upstreams or candidate in self.names_used \
                or keyword.iskeyword(candidate) or any(candidate == name for name, _ in staged.constants) \
                or candidate in staged.callees:
            candidate = self.fresh("d_" + var)  # (del, def: d_el; a module's number or function dx read by its
            # name: d_x)
        self.names_used.add(candidate)
        owners = getattr(self, "owners", None)
        if owners is None:
            owners = self.owners = {}
        owners[candidate] = var
        return candidate

    def fresh(self, base):
        tried = self.__dict__.setdefault("tried", {})  # base -> its last fresh name's number (names are only taken)
        k = tried.get(base, 1)
        candidate = base if k == 1 else f"{base}{k}"
        while candidate in self.staged.taken or candidate in self.names_used:
            k += 1
            candidate = f"{base}{k}"
        tried[base] = k
        self.names_used.add(candidate)
        return candidate

    def run(self):
        staged = self.staged = replace(self.staged, body=tuple(keep_unset(self.staged.body, self.refuse_unset)))
        varied, useful = self.activity(), self.useful()
        active = varied & useful
        for op in ir.ops_in(staged.body):  # a static argument (np.clip's a_min) must not be differentiated
            if op.target in useful and op.rule in RULES and RULES[op.rule].signature:
                refuse_varied_static(staged, op, RULES[op.rule], varied)
        self.active = active
        if self.numpy and not staged.shape_free:  # (code for every shape: the samples of each rank decide)
            self.refuse_unshaped(active)
        self.uses = self.count_uses(active)
        self.data_axes = {}  # for each value marked, the axes of a length the data decides (None: not known)
        self.sized, self.masks, self.partly_sized, _ = data_sized(staged, axes=self.data_axes) if self.numpy \
            else ({}, {}, frozenset(), {})
        self.summed_at_run = set()  # ids of elementwise ops whose selections' gradients are summed at run time
        self.dicts = dict_names(staged) & staged.lists  # lists that are dicts ({} filled by d[k] = v): their
        # adjoints dicts of the same keys, added key by key
        self.none_items = any(op.rule in ("copy", "mul") and op.args and any(  # a list made of None
            a.__class__ is ir.Const and _holds_none(a.source) for a in op.args) for op in ir.ops_in(staged.body))
        # ([None] * T): items written over that have no gradient
        self.cleared = {}  # ids of elementwise ops whose selections meet no broadcasting along their lengths:
        # the result's shape, None along those
        self.left_out = guarded(staged)  # ops in a branch np.where leaves out: 0 written there
        self.nan_data = nan_left_out(staged)  # ops upstream of code leaving out nan entries: 0 written there
        for key, guard in self.nan_data.guarded.items():
            self.left_out.setdefault(key, guard)
        self.zero_guarded = zero_guarded(staged)  # singular ops whose upstream may be 0 where they are infinite
        self.root_guarded = root_guarded(staged)  # roots of values never negative: 0 where those are 0
        self.clamp_guarded = clamp_guarded(staged)  # singular ops of clamped numbers: 0 where a clamp holds
        self.maybe_unbound = _maybe_unbound(staged.body)
        self.needs_init = set()
        self.copied_unset = _copied_unset(staged.body)  # values copies read that paths before may leave unset
        loops = list(ir.loops_in(staged.body))
        self.loop_numbers = {id(loop): number for number, loop in enumerate(loops)}
        self.uncached = {id(inner) for number, loop in enumerate(loops) if number in self.unkept
                         for inner in (loop, *ir.loops_in(loop.body))}
        self.runs_for_values, self.runs_to_keep = set(), set()  # loops the forward pass runs, and why
        real = (op for op in ir.ops_in(staged.body) if not synthetic(op))
        self.numbers = {id(op): number for number, op in enumerate(real, 1)}
        gates = refined(fusions(staged), staged, self.uses, active) \
            if self.numpy and all(isinstance(i, ir.Op) for i in staged.body) else {}
        if self.nan_data.kept:  # (a gate's lines read each entry of a row: guarded line by line instead)
            gates = {key: gate for key, gate in gates.items() if not self.nan_data.kept & set(gate.members)}
        self.gates = gates
        self.fused = {member for gate in gates.values() for member in gate.members[:-1]}
        self.saves = {}  # id(loop) -> ((carried name, list name), ...)
        self.hoisted_into, self.hoisted = {}, set()  # nested loops whose lists an enclosing loop makes
        self.cached = {}  # id(loop) -> ((value, list name), ...): values of each iteration kept for the backward
        self.kept_shapes = {}  # list name -> what it keeps (a value's shape), where not the value
        self.depth = 0
        # adjoints that are a number broadcast (dsel = np.broadcast_to(ds, sel.shape)), in straight-line
        # code (where each is assigned once); those read as the number, whose lines are left out
        self.spread, self.unread = {}, set()
        self.straight = self.numpy and all(isinstance(i, ir.Op) for i in staged.body)
        groups = self.seed(active) + self.reverse_items(staged.body)
        if self.unread:
            groups = self.without_unread(groups)
        groups = self.prune_saves(groups)
        groups = self.copy_aliases(groups)
        zeros = []
        for w in staged.wrt:
            if w not in self.adjoint:
                self.refuse_resized(w)
                self.adjoint[w] = self.adjoint_name(w)
                zero = self.zeros_like(w)
                zeros.append(ir.AdjointLine(self.adjoint[w], False, zero))
        returns = tuple(self.adjoint[w] for w in staged.wrt)
        missing = self.missing_upstreams()
        extra = zeros + [ir.AdjointLine(n, False, z) for n, z in missing]
        live = live_reads(groups)
        outputs = tuple(str(o) for o in staged.outputs)
        forward, full_forward = self.needed_forwards(live, extra, set().union(*(_names(o) for o in outputs)))
        # values a loop may leave unset, whose adjoints' zeros read them: None until set
        unset = tuple(ir.AdjointLine(name, False, "None") for name in sorted(self.needs_init))
        forward, full_forward = unset + forward, unset + full_forward
        before = forward, groups, missing
        forward, groups, missing = self.in_place(forward, missing, groups, zeros, returns)
        layer = ()
        if tuple(forward) != tuple(before[0]):  # copies dropped (d3 = h * m; d3[:, :2] = b written in place):
            kept = returns + tuple(o for o in outputs if o.isidentifier())  # (its outputs keep their names)
            full_forward, full_groups, full_missing = self.in_place(full_forward, before[2], before[1], zeros,
                                                                    kept)  # the layer form's forward alike,
            if (full_groups, full_missing) != (groups, missing):  # and the lines reading what it caches
                full_groups = _items_rebound(full_groups, getattr(self, "item_parts", {}), staged.upstreams,
                                             staged.modules["np"])
                layer = (tuple(full_groups), full_missing)
        groups = _items_rebound(groups, getattr(self, "item_parts", {}), staged.upstreams, staged.modules["np"])
        gates = {self.numbers[id(op)] for op in staged.body if isinstance(op, ir.Op) and op.target in self.gates}
        # (a loop the forward pass does not run: its lines as the forward computing the outputs prints them)
        loops = tuple(b for b in full_forward if isinstance(b, ir.Block) and b.header.startswith(("for ", "while ")))
        groups = _as_printed(groups, tuple(forward) + loops, set(self.numbers.values()) - gates)
        if layer:
            layer = (tuple(_as_printed(list(layer[0]), tuple(full_forward), set(self.numbers.values()) - gates)),
                     layer[1])
        return ir.Backward(
            name=f"{staged.name}_backward", forward_name=staged.name, params=staged.params,
            defaults=staged.defaults, upstreams=staged.upstreams, wrt=staged.wrt, forward=forward,
            groups=tuple(groups), zeros=tuple(zeros), returns=returns, modules=staged.modules,
            mode=staged.mode, missing=missing, scalar_output=self.scalar_output(groups), outputs=outputs,
            full_forward=full_forward, layer_groups=layer, shape_free=staged.shape_free, required=staged.required,
            sized_outputs=self.sized_outputs(), filename=staged.filename, lines=staged.lines,
            constants=staged.constants, named_arrays=staged.named_arrays, numerals=staged.numerals,
            attribute_params=staged.attribute_params,
            left_out=staged.left_out, integer_writes=tuple(dict.fromkeys(getattr(self, "integer_writes", ()))),
            real_checks=complexes.read_as_complex(staged))

    def sized_outputs(self):
        """``(position, group)`` for the outputs whose length the data decides, those selected alike
        (the same masks, on every path) sharing a group."""
        groups, out = {}, []
        for k, atom in enumerate(self.staged.outputs):
            if isinstance(atom, ir.Var) and atom.name in self.sized:
                origins = self.sized[atom.name]
                key = ("partly", k) if atom.name in self.partly_sized else origins
                out.append((k, groups.setdefault(key, len(groups))))
        return tuple(out)

    def in_place(self, forward, missing, groups, zeros, returns):
        """The forward, the groups and the missing upstreams' zeros with the copies no line can observe
        dropped (``inplace``)."""
        checks = tuple(ir.Block(f"if {name} is None:", (ir.AdjointLine(name, False, zero),)) for name, zero in missing)
        parts = (ir.Group("forward", tuple(forward)), ir.Group("missing", checks), ir.Group("backward", tuple(groups)),
                 ir.Group("zeros", tuple(zeros)))
        if self.from_cache:  # taken from the cache as the forward left them: neither computed nor written
            parts = tuple(ir.Group(part.undoes, tuple(without_cached(part.lines, self.from_cache, writes=k == 0)))
                          for k, part in enumerate(parts))
        if self.numpy:
            foreign = set(self.staged.params) | set(self.staged.upstreams) | self.from_cache  # (the caller's)
            shapes = self.staged.shapes
            numbers = {name for name, shape in shapes.items() if shape == ()}
            numbers |= {name for name, var in getattr(self, "owners", {}).items() if shapes.get(var) == ()}
            if self.staged.shape_free:  # (the samples' numbers are not so at every rank: the code is one for all)
                owners = getattr(self, "owners", {})
                numbers = {name for name in numbers if self.surely_number(owners.get(name, name))}
            parts = without_copies(parts, foreign, returns, self.staged.modules.values(), numbers)
            parts = renamed_once(parts, returns)
        blocks = ir.holds_block(parts)  # (no pass makes a block: without one, those for blocks have nothing to do)
        if blocks:
            parts = handed_over(parts, returns)
            parts = propagated(parts, returns)
        parts = tidied(parts)
        if self.numpy and blocks:
            parts = unzeroed(parts, returns)
        if self.numpy:
            parts = tuple(assigned_parts(parts))
        if len(parts[1].lines) == len(missing):  # the checks as printed (a renamed value in the zero)
            missing = tuple(_missing_zero(block, entry) for block, entry in zip(parts[1].lines, missing))
        return tuple(parts[0].lines), list(parts[2].lines), missing

    def activity(self):
        """The values that depend on a ``wrt`` input (through loops, until nothing changes)."""
        casts = getattr(self.staged.shapes, "integer_casts", ())  # (x.astype(idx.dtype): whole numbers)

        def held(op, active):  # an inert op a varied value reaches: refused where it builds an opaque value
            if op.param("opaque") == "True" or fills_with(self.staged, op, active):
                self.refuse_opaque(op)
            return False
        return varied_values(self.staged, self.staged.wrt, casts, held)

    def useful(self):
        """The values an output depends on (through loops' carried values too): only they need adjoints."""
        needed = {o.name for o in self.staged.outputs if isinstance(o, ir.Var)}
        ops = [op for op in ir.ops_in(self.staged.body) if op.rule != "inert"]
        exits = [(c, v.name) for loop in ir.loops_in(self.staged.body) for c, v in loop.exits if isinstance(v, ir.Var)]
        loops = any(True for _ in ir.loops_in(self.staged.body))
        changed = True
        while changed:  # last op first: code without loops takes one pass
            size = len(needed)
            for op in reversed(ops):
                if op.target in needed:
                    needed |= {a.name for a in op.args if a.__class__ is ir.Var}
            needed |= {v for c, v in exits if c in needed}
            changed = len(needed) != size and loops
        return needed

    def reverse_items(self, items):
        """The backward of a block: its items' adjoints, last item first."""
        out = []
        for item in reversed(items):
            if item.__class__ is ir.If:
                out.extend(self.reverse_if(item))
            elif item.__class__ is ir.Loop:
                out.extend(self.reverse_loop(item))
            else:
                group = self.reverse_op(item)
                if group is not None:
                    out.append(group)
        return out

    def reverse_op(self, op):
        if op.target not in self.adjoint or op.target in self.fused:
            return None
        if synthetic(op):  # a path that leaves a loop's value as the iteration started: its adjoint goes on
            lines = self.undo(op, self.active)
            title = f"{_user(op.args[0].name)} keeps its value on this path ({op.target} = {op.args[0].name})"
            return ir.Group(title, tuple(lines)) if lines else None
        number = self.numbers[id(op)]
        gate = self.gates.get(op.target)
        if gate is not None:
            lines = self.undo_gate(gate, op, self.active)
            first = self.numbers[id(next(o for o in self.staged.body if o.target == gate.members[0]))]
            if gate.kind == "where_scaled":
                scaled = next(o for o in self.staged.body if o.target == gate.members[0])
                header = ir.ForwardLine(number, op.target, f"{op.source}, {scaled.target} = {scaled.source}, "
                                        f"lines ({first})-({number})")
            else:
                of = f"{gate.members[-2]}[{gate.gather}], {gate.members[-2]} = " if gate.gather else ""
                header = ir.ForwardLine(number, op.target, f"{of}{gate.kind.replace('_', '-')} of {gate.source} "
                                        f"along axis {gate.axis}, lines ({first})-({number})")
        elif op.rule == "call":
            lines = self.undo_call(op, self.active)
            header = self.forward_line(number, op)
        elif op.rule == "list_append":
            lines = self.undo_append(op)
            header = ir.ForwardLine(number, op.target, op.source)
        elif op.rule == "setitem":
            lines = self.undo_setitem(op)
            header = ir.ForwardLine(number, f"{op.target}[{op.param('index')}]", str(op.args[1]))
        else:
            if op.rule in ("max", "min") and self.numpy and any(
                    isinstance(a, ir.Var) and self.staged.shapes.get(a.name, ()) != () for a in op.args):
                self.refuse_at(op.line, f"Python's {op.rule}() of arrays compares them as a whole: use "
                                        f"np.{op.rule}imum for the elementwise {op.rule}imum")
            upstream = self.adjoint[op.target]
            lines = self.undo(op, self.active)
            header = self.forward_line(number, op)
            if self.straight and op.rule == "np.sum" and self.staged.shapes.get(op.target) == () and len(lines) == 1 \
                    and upstream.isidentifier() and isinstance(op.args[0], ir.Var) and not lines[0].accumulate \
                    and lines[0].source == f"{self.staged.modules['np']}.broadcast_to({upstream}, {op.args[0]}.shape)":
                self.spread[lines[0].target] = (upstream, f"{op.args[0]}.shape")
                return ir.Group(header, tuple(lines))
        for line in lines if self.spread else ():  # (an adjoint added to, or written into: not the number alone)
            if line.__class__ is not ir.AdjointLine or line.accumulate or "[" in line.target:
                for name in [n for n in self.spread if n in source.line_names(str(line))]:
                    del self.spread[name]
        return ir.Group(header, tuple(lines)) if lines else None

    def without_unread(self, groups):
        """``groups`` without the lines of the spread adjoints (``self.unread``) that no other line reads:
        one read as its number where it is copied (np.full(s.shape, dssum)) may still be read as itself
        by the other operand of the same line (s = v + logx: dx = ds / x)."""
        def dropped(line):
            return line.__class__ is ir.AdjointLine and line.target in self.unread
        read = set()
        for group in groups:
            for line in group.lines:
                if not dropped(line):
                    read |= source.line_names(str(line))
        unread = self.unread - read
        return [ir.Group(group.undoes, tuple(line for line in group.lines if not (
            line.__class__ is ir.AdjointLine and line.target in unread))) for group in groups]

    def seed(self, active):
        """The outputs' adjoints are the upstream gradients."""
        staged = self.staged
        lines = []
        for output, upstream in zip(staged.outputs, staged.upstreams):
            if not isinstance(output, ir.Var) or output.name not in active:
                continue
            var = output.name
            if self.adjoint.get(var) in staged.upstreams:  # returned twice: add into a new array, never
                earlier = self.adjoint.pop(var)              # into the caller's upstream gradient
                name = self.adjoint_name(var)
                lines.append(ir.AdjointLine(name, False, f"{earlier} + {upstream}"))
                self.adjoint[var] = name
            elif var in self.adjoint or var in staged.params or self.uses.get(var):
                name = self.adjoint_name(var)
                lines.append(ir.AdjointLine(name, var in self.adjoint, upstream))
                self.adjoint[var] = name
            else:
                self.adjoint[var] = upstream
        title = "return " + ", ".join(map(str, staged.outputs))
        return [ir.Group(title, tuple(lines))] if lines else []

    def missing_upstreams(self):
        """A function returning a tuple takes ``None`` for an output whose gradient is zero."""
        staged = self.staged
        if len(staged.outputs) == 1:
            return ()
        return tuple((upstream, self.zeros_like(str(output)) if isinstance(output, ir.Var) else "0.0")
                     for output, upstream in zip(staged.outputs, staged.upstreams))

    def scalar_output(self, groups=()):
        outputs = self.staged.outputs
        if len(outputs) == 1 and isinstance(outputs[0], ir.Var) and outputs[0].name in self.staged.lists:
            return False  # a list: its gradient is a list (no default of 1.0)
        if len(outputs) != 1 or not self.numpy or not isinstance(outputs[0], ir.Var):
            return True
        if outputs[0].name in self.staged.path_outputs:  # of a shape each path gives: dout is asked for
            return False
        if self.staged.shape_free and not source.imports_numpy(self.staged.lines):
            return True  # code for numbers in a module without NumPy (lists made it shape-generic): a number
        shape = self.staged.shapes.get(outputs[0].name, ())
        if shape and all(d == 1 for d in shape) and groups:  # one number in an array: dout=1.0 will do
            upstream = self.staged.upstreams[0]  # unless the backward reads it as the array (dout[0], .reshape)
            if any(upstream in source.read_as_arrays(str(line)) for line in _flatten(groups)):
                return False
        return all(d == 1 for d in shape)  # one number

    def lists_among_items(self, name):
        """Whether an item of the list or tuple ``name`` read at a constant place is itself a list (``parts``
        of ``(left, right), s = split(x)``, ``split`` returning ``[a, b], s``)."""
        return any(op.rule == "getitem" and isinstance(op.args[0], ir.Var) and op.args[0].name == name and
                   re.fullmatch(r"-?\d+", op.param("index") or "") and
                   isinstance(self.staged.shapes.get(op.target), Items) for op in ir.ops_in(self.staged.body))

    def zeros_like(self, name):
        np_name = self.staged.modules["np"]
        guard = self.guard(name)
        if name in self.staged.lists or name in self.sequences:  # 0.0 * v: a float stays a float (a 0-d
            # array could be changed in place)
            zeros = f"[0.0 * item for item in {name}]" if name not in self.nested else \
                f"[[0.0 * v for v in row] for row in {name}]"  # (a list of lists of numbers)
            if self.none_items and name not in self.nested:  # ([None] * 3, some items never filled: no gradient)
                zeros = f"[None if item is None else 0.0 * item for item in {name}]"
            elif self.numpy and name not in self.nested and self.lists_among_items(name):
                zeros = f"[_zeros_like_items(item) if isinstance(item, list) else 0.0 * item " \
                        f"for item in {name}]"  # (a helper's ([a, b], s): the list's gradient an array, as its
                # own, or a list of arrays where its items have several shapes)
            if name in self.dicts:
                k, v = self.dict_words()
                zeros = f"{{{k}: 0.0 * {v} for {k}, {v} in {name}.items()}}"
            if guard:  # a list only one path of an if sets: it exists, and is read, only there (None: unused)
                return f"{zeros} if {guard} else None"
            return zeros
        if not self.numpy or self.staged.shapes.get(name, ()) == () and (
                not self.staged.shape_free or self.surely_number(name)) and \
                name not in self.staged.path_outputs:  # (shape-generic: at every rank; the shape of a path)
            return "0.0"
        zeros = self.zeros_of(name)
        if guard:  # set on one path of an if: it exists, and its adjoint is read, only there
            return f"{zeros} if {guard} else None"
        if name in self.maybe_unbound or self.on_paths(name):  # first set in a loop that may leave it unset,
            # or on several paths of ifs (a return in a loop written out): the forward says None
            self.needs_init.add(name)   # (then no adjoint but this zero flows through it, and 0.0 will do)
            return f"{zeros} if {name} is not None else 0.0"
        if name in getattr(self.staged.shapes, "numbers_first", ()) or \
                name in getattr(self.staged.shapes, "zero_sums", ()):  # the number a loop starts from (or sum()
            return f"{zeros} if {np_name}.ndim({name}) else 0.0"  # of no items): a 0-d array would not take
            # arrays added
        return zeros

    def zeros_of(self, name):
        """``np.zeros_like(x)``, of floats where x may be of integers (a parameter given a list of ints
        or an int array, a value made from them alone: ``floats``; any x in shape-generic code): a
        gradient written into zeros of x's dtype would be truncated."""
        np_name = self.staged.modules["np"]
        if name in self.staged.item_lists:  # a list of arrays of several shapes ((W1, b1), (W2, b2)): a list of zeros
            return f"_zeros_like_items({name})"
        if self.staged.shape_free or name not in self.floats:
            return f"{np_name}.zeros_like({name}, dtype=float)"
        return f"{np_name}.zeros_like({name})"

    def dtype_parameter(self, name):
        """The parameter whose dtype the array ``name`` has, where it is the parameter itself, or made from
        it alone by copies, parts (``rewards[:]``), ``np.zeros_like``-like calls without ``dtype=``
        (or with ``dtype=rewards.dtype``), arithmetic with integers (``rewards * 1``) and writes into
        those (each
        binding of each name on the way of this one origin); else None."""
        made = self.__dict__.get("_bindings_of")
        if made is None or made[0] is not self.staged.body:
            bindings = {}
            for op in ir.ops_in(self.staged.body):
                bindings.setdefault(op.target, []).append(op)
            made = self.__dict__["_bindings_of"] = (self.staged.body, bindings)
        bindings, params = made[1], set(self.staged.params)
        found, todo, seen = set(), [name], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in params:
                found.add(name)
                continue
            for op in bindings.get(name, ()):
                source = op.args[0] if op.args else None
                if op.rule in _INTEGER_ARITHMETIC and op.args and all(
                        isinstance(a, ir.Var) or isinstance(a, ir.Const) and re.fullmatch(r"-?\d+", a.source)
                        for a in op.args):  # (rewards * 1, -rewards: of the dtype of rewards)
                    todo += [a.name for a in op.args if isinstance(a, ir.Var)]
                    continue
                same = _SAME_DTYPE.search(op.source or "") if op.rule == "inert" else None
                if same and any(isinstance(a, ir.Var) and a.name == same.group(1) for a in op.args):
                    read = [b.args[0].name for b in bindings.get(same.group(1), ())  # (dtype = rewards.dtype)
                            if b.rule == "inert" and b.args and isinstance(b.args[0], ir.Var) and
                            b.source == f"{b.args[0].name}.dtype"]
                    if len(read) == 1 and len(bindings[same.group(1)]) == 1:
                        todo.append(read[0])  # np.zeros(n, dtype=rewards.dtype)
                        continue
                if not isinstance(source, ir.Var) or not (
                        op.rule in ("setitem", "getitem", "np.copy", "copy", "np.array", "np.asarray") and
                        not any(key == "dtype" for key, _ in op.params) or
                        op.rule == "inert" and _LIKE.match(op.source or "") and "dtype" not in op.source):
                    return None
                todo.append(source.name)
        return found.pop() if len(found) == 1 else None

    @property
    def floats(self):
        """``floats.floats`` of the staged forward (worked out once for its body)."""
        known = self.__dict__.get("_floats")
        if known is None or known[0] is not self.staged.body:
            given = getattr(self.staged.shapes, "floats_given", ())
            known = self.__dict__["_floats"] = (self.staged.body, floats(self.staged, given))
        return known[1]

    def guard(self, name):
        """The test under which ``name`` exists, where it is set on one path of an if only (less
        the tests of the branches being undone, which hold here)."""
        if not hasattr(self, "guards"):
            self.guards = _guards(self.staged.body)
        chains = self.guards.get(name)
        if not chains:
            return None
        holding = getattr(self, "branches", [])
        if len(chains) > 1:  # (set on several paths: tested by its value, see ``on_paths``)
            return None
        return _joined([test for test in chains[0] if test not in holding])

    def on_paths(self, name):
        """Whether ``name`` is set on several paths of ifs only (no definition on every path), none
        of which holds for sure here (the branches being undone)."""
        if not hasattr(self, "guards"):
            self.guards = _guards(self.staged.body)
        chains = _covered(self.guards.get(name) or ())
        holding = getattr(self, "branches", [])
        return len(chains) > 1 and () not in chains and all(any(test not in holding for test in chain)
                                                            for chain in chains)

    def forward_line(self, number, op):
        if number is None:
            number = self.numbers[id(op)]
        made = self.forward_lines
        known = made.get(id(op))
        if known is None or known[0] is not op or known[1].number != number:
            known = made[id(op)] = (op, ir.ForwardLine(number, op.target, op.source))
        return known[1]

    def quotient_summed(self, op, input_name, target, whole, upstream):
        """The gradient of a divisor broadcast along axes (``a / b``, ``b`` of fewer elements than the
        quotient) with the sum taken before dividing, as people write it: ``-(a * g).sum(axis=0) / b / b``,
        not ``((-a / b / b) * g).sum(axis=0)``, which divides every element by ``b`` twice; ``b`` is
        the same along the axes summed (divided twice, not by ``b ** 2``, which overflows where ``b`` is
        huge).  None where that does not apply (a dividend not named, a
        division whose gradient is guarded or taken in part)."""
        if op.rule not in ("div", "np.divide") or input_name != "b" or target == whole or len(op.args) != 2 or \
                not isinstance(op.args[0], ir.Var) or id(op) in self.left_out or id(op) in self.zero_guarded:
            return None
        dividend, divisor = op.args[0].name, op.args[1].name
        summed = unbroadcast(f"{dividend} * {source.wrap(upstream)}", target, whole)
        return f"-{summed} / {divisor} / {divisor}"

    def negation_lifted(self, grad, names, args):
        """A template negating an operand first (``-a / b / b``) negates the whole (``-(a / b / b)``)
        where that operand may hold booleans (a mask ``x > 0``, a parameter that may be given one):
        NumPy refuses ``-`` of booleans, and dividing first makes floats.  The same numbers."""
        if not self.numpy or not grad.startswith("-"):  # (Python's -True is -1)
            return grad
        first = re.match(r"-([A-Za-z_]\w*) [/*]", grad)
        if first is None or first.group(1) not in names:
            return grad
        arg = args[names.index(first.group(1))]
        if arg.__class__ is not ir.Var or arg.name in self.floats:
            return grad
        return f"-({grad[1:]})"

    def of_numbers(self, op):
        """Whether ``op``, in NumPy code, computes a number its guards test as one (``text if g else
        0.0``): a ``math`` function's, or a builtin's (``pow(x, n)``) of operands known to be numbers, not
        of arrays, whose guards are ``np.where``."""
        if op.rule.startswith("math."):
            return True
        return op.rule.startswith("builtins.") and all(
            self.staged.shapes.get(a.name) == () for a in op.args if a.__class__ is ir.Var)

    def undo(self, op, active):
        """The adjoint lines for the operands of one forward operation."""
        rule = RULES[op.rule]
        staged, numpy = self.staged, self.numpy
        if op.rule == "abs" and numpy and any(shape_of(a, staged.shapes) for a in op.args):
            rule = RULES["np.abs"]  # abs(x) of an array: elementwise, as np.abs
        upstream = self.adjoint[op.target]
        names = [rule.inputs[0]] * len(op.args) if rule.variadic else list(rule.inputs)
        bindings = {} if rule.variadic else {n: atom_ast(a) for n, a in zip(names, op.args)}
        if numpy and not rule.variadic and staged.lists and reads_as_array(op):  # np.square(rows) of a list of
            for n, a in zip(names, op.args):  # arrays: its rule reads its numbers as an array (2 * rows repeats
                if isinstance(a, ir.Var) and a.name in staged.lists:  # the list)
                    bindings[n] = ast.Call(ast.Attribute(ast.Name(self.staged.modules["np"], ast.Load()), "asarray",
                                                         ast.Load()), [bindings[n]], [])
        bindings.update(self.modules)
        bindings["out"] = ast.Name(op.target, source.LOAD)
        bindings["g"] = ast.Name(upstream, source.LOAD)
        if self.sized and (rule.broadcast or op.rule in ("np.broadcast_to", "np.einsum") or  # (matmul: its
                           op.rule == "np.matmul" and any(len(shape_of(a, self.staged.shapes)) > 2 for a in op.args)):
            # stacks; einsum: a label's size 1 broadcasts)
            self.check_sized(op, list(op.args), op.target)
        lines, shared, broadcasts = [], {}, None
        stacked = getattr(self, "stacked", None)
        row, summed = stacked.get(id(op), (None, ())) if stacked else (None, ())
        if row is not None:  # each iteration's adjoint kept as a row, summed after the loop (row_products)
            lines.append(ir.AdjointLine(row, False, upstream))
        grads, shapes = rule.grads, staged.shapes
        broadcast = rule.broadcast and numpy  # (plain Python broadcasts nothing)
        shaped = broadcast and not staged.shape_free and op.rule != "np.matmul" and op.target in shapes
        for position, (input_name, arg) in enumerate(zip(names, op.args)):
            grad = grads.get(input_name)
            if grad is None or arg.__class__ is not ir.Var or arg.name not in active or position in summed:
                continue
            if broadcast and not staged.shape_free:
                self.refuse_number_first(op, arg.name)
            context = None  # (made where a rule function or broadcasting needs it)
            if grad.__class__ is str:  # a template
                grad = self.negation_lifted(grad, names, op.args)
                text = source.contribution(grad, bindings, upstream)
                if text is None:
                    continue
            else:  # a rule function
                context = GradContext(self, op, rule, position, names)
                context.shared = shared  # a setup line two operands need is written once
                context.bindings = bindings  # (for a rule function that falls back on a template)
                text = grad(context)
                lines.extend(context.setups)
                if text is None:  # (a template the function filled, zero)
                    continue
                if isinstance(text, Scatter):
                    lines.extend(self.scatter(arg.name, text, upstream, op.target))
                    continue
            if id(op) in self.nan_data.zeroed:  # (the operands' nan entries meet a zero upstream only)
                for name in self.nan_data.zeroed[id(op)]:
                    text = name_renamed(text, name, f"{self.staged.modules['np']}.nan_to_num({name})")
            elif id(op) in self.nan_data.reduced and source.signed_name(text) != upstream:
                reducing = context or GradContext(self, op, rule, position, names)
                condition = reducing.expand(self.nan_data.reduced[id(op)], input_name)
                text = f"{self.staged.modules['np']}.where({condition}, {text}, 0)"
            if id(op) in self.left_out:
                text = self.where_taken(op, text, upstream)
            elif id(op) in self.zero_guarded and source.signed_name(text) != upstream:
                if numpy and not self.of_numbers(op):  # (math.sqrt(s): a number)
                    zero = upstream if context is None or op.rule not in _REDUCING_GUARDED else \
                        context.expand(upstream, input_name)  # (a log-sum-exp's: its reduced axes restored)
                    text = f"{self.staged.modules['np']}.where({zero} != 0, {text}, 0)"  # (0 * inf there)
                else:
                    text = f"{text} if {upstream} else 0.0"  # (0.5 / t * 0: a division by zero there)
            passed, numbers = self.clamp_guarded.get(id(op), (None, None))
            if passed is not None and source.signed_name(text) != upstream:  # (acos'(1) of a clamped 1.0:
                if numbers:  # nothing reaches the input)
                    text = f"{_conditional_operand(text)} if {passed} else 0.0"
                else:
                    text = f"{self.staged.modules['np']}.where({passed}, {text}, 0)"
            zero = self.root_guarded.get(id(op))
            if zero is not None:  # (a minimum of the root where the value it takes the root of is 0)
                unguarded = text
                if numpy and not self.of_numbers(op):
                    np_name = self.staged.modules["np"]
                    # (0.5 / sqrt: sqrt read as 1 where it is 0, so that nothing divides by 0 there)
                    text = name_renamed(text, zero, f"{np_name}.where({zero} != 0, {zero}, 1)")
                    text = f"{np_name}.where({zero} != 0, {text}, 0)"
                    positive = " and ".join(f"{np_name}.all({name} > 0)" for name in getattr(zero, "assumed", ()))
                else:
                    text = f"{_conditional_operand(text)} if {zero} else 0.0"
                    positive = " and ".join(f"{name} > 0" for name in getattr(zero, "assumed", ()))
                if positive:  # (never negative where those are positive: else the root's own gradient)
                    text = f"({text} if {positive} else {_conditional_operand(unguarded)})"
            if shaped and context is None and not self.sized and arg.name in shapes:
                target, whole = tuple(shapes[arg.name]), tuple(shapes[op.target])
                text = self.quotient_summed(op, input_name, target, whole, upstream) or \
                    unbroadcast(text, target, whole)  # (GradContext's, read directly: from the result's
                # shape to the operand's)
            elif broadcast and arg.name in self.cleared.get(id(op), ()) and not staged.shape_free \
                    and arg.name in shapes:  # (summed along the axes of 1 it has, another selection's there)
                text = unbroadcast(text, tuple(shapes[arg.name]), self.cleared[id(op)][arg.name])
            elif broadcast and id(op) in self.summed_at_run and self.sized.get(arg.name) and not staged.shape_free:
                text = f"_unbroadcast({text}, {arg.name})"  # of a length the data decides: summed as it runs
            elif broadcast:
                if context is None:  # (one for the operation: undoing broadcasting reads no position)
                    context = broadcasts = broadcasts or GradContext(self, op, rule, position, names)
                    context.shared = shared
                text = context.unbroadcast(text, input_name if not rule.variadic else arg)
            if self.renames_only(arg.name, text):
                self.adjoint[arg.name] = text  # dxdot = dout says nothing: use dout itself
                continue
            accumulate = arg.name in self.adjoint
            if accumulate and arg.name not in staged.lists:
                text = _without_broadcast_to(text)  # += broadcasts by itself (a list's zip does not)
            name = self.adjoint_name(arg.name)
            self.adjoint[arg.name] = name
            if accumulate and arg.name in staged.lists:  # lists add element by element
                lines.append(ir.AdjointLine(name, False, self.items_added(arg.name, name, text)))
                continue
            lines.append(ir.AdjointLine(name, accumulate, text))
        return lines

    def undo_call(self, op, active):
        """``dx, dw, _ = affine_backward(x, w, b, da)``, accumulating where needed."""
        params = op.param("params").split(",")
        wrt = [w for w in (op.param("wrt") or "").split(",") if w]
        unread = (op.param("unread") or "").split(",")  # (parameters the helper never names: no gradient)
        dropped = [p for p, arg in zip(params, op.args) if p not in wrt and p not in unread and
                   isinstance(arg, ir.Var) and arg.name in active]
        if dropped:  # (a gradient its backward would drop: g(a, scale=z * z), def g(a, scale=3))
            self.refuse_at(op.line, f"{op.param('function')}() is given a value with a gradient for its parameter "
                                    f"{dropped[0]!r}, which its backward does not differentiate (it takes it for an "
                                    f"integer: a count, an integer default or an integer the code makes of it); "
                                    f"give {dropped[0]} a float default ({dropped[0]}=3.0), or pass it a value that "
                                    f"carries no gradient")
        targets, later = [], []
        assigned = set()
        for name in wrt:
            arg = op.args[params.index(name)]
            if not isinstance(arg, ir.Var) or arg.name not in active or arg.name in assigned:
                if isinstance(arg, ir.Var) and arg.name in assigned:
                    temp = self.fresh(f"{self.adjoint[arg.name]}_{op.param('function')}")
                    targets.append(temp)
                    later.append(self.added(arg.name, temp, _reads_as_sequence(self.staged.lines,
                                                                               op.param("function"), name)))
                else:
                    targets.append("_")
                continue
            assigned.add(arg.name)
            if arg.name in self.adjoint:
                temp = self.fresh(f"{self.adjoint[arg.name]}_{op.param('function')}")
                targets.append(temp)
                later.append(self.added(arg.name, temp, _reads_as_sequence(self.staged.lines, op.param("function"),
                                                                           name)))
            else:
                self.adjoint[arg.name] = self.adjoint_name(arg.name)
                targets.append(self.adjoint[arg.name])
        if all(t == "_" for t in targets):
            return []
        upstream = self.adjoint[op.target]
        if op.param("outputs", "1") != "1":  # a tuple: one upstream gradient per output
            upstream = "*" + upstream
        call = f"{op.param('backward')}({', '.join(map(str, op.args))}, {upstream})"
        return [ir.CallLine(tuple(targets), call)] + later

    def where_taken(self, op, text, upstream):
        """``text``, a contribution of an operation in a branch np.where leaves out (``guarded``), with 0
        where it is left out: the products there may be nan (``0 * inf``) while the true gradient is 0."""
        if source.signed_name(text) == upstream:  # the upstream gradient itself: 0 there already
            return text
        condition, taken = self.left_out[id(op)]
        np_name = self.staged.modules["np"]
        if self.staged.shape_free:
            return f"_where_taken({condition}, {text})" if taken else f"_where_taken({condition}, {text}, False)"
        shapes = self.staged.shapes
        tested = _tested_finite(condition) or condition  # (np.isfinite(t): t's shape)
        if tested not in shapes or op.target not in shapes:
            return text
        mask, shape = tuple(shapes[tested]), tuple(shapes[op.target])
        if len(mask) > len(shape) or any(m not in (1, n) for m, n in zip(mask[::-1], shape[::-1])):
            return text  # (the condition varies along an axis the value is broadcast along)
        return f"{np_name}.where({condition}, {text}, 0)" if taken else f"{np_name}.where({condition}, 0, {text})"

    def dict_words(self):
        """The names the generated comprehensions over a dict's items bind (``k``, ``v``: names the
        function does not use), the same in every one."""
        words = self.__dict__.get("_dict_words")
        if words is None:
            taken = set(self.staged.taken) | self.names_used
            words = self._dict_words = tuple(next(w for w in (base, base + "_", base + "_1", base + "_2")
                                                  if w not in taken) for base in ("k", "v"))
            self.names_used.update(words)
        return words

    def items_added(self, var, name, text):
        """``name`` (the gradient of the list ``var``) plus ``text``, item by item (of a dict: key by key)."""
        if var in self.dicts:
            k, v = self.dict_words()
            return f"{{{k}: {v} + {source.wrap(text)}[{k}] for {k}, {v} in {name}.items()}}"
        return self.items_summed(name, text)

    def items_summed(self, name, text):
        """The lists ``name`` and ``text`` added item by item; where a list made of None may hold some
        (``[None] * T``, slots never filled), an item None in one is the other's."""
        if self.none_items:
            return f"[b if a is None else a if b is None else a + b for a, b in zip({name}, {text})]"
        return f"[a + b for a, b in zip({name}, {text})]"

    def added(self, var, text, sequence=False):
        """``dx += text``, or for a list (a tuple) element by element: ``+=`` on a list joins it to
        the other list, as a helper's gradient of a list it was given is.  ``sequence``: the helper
        reads its parameter as a sequence (indexes or iterates it): in code for numbers, the value
        may be a list the function itself only passes on (``_added`` adds either)."""
        name = self.adjoint[var]
        if var in self.staged.lists or var in self.sequences:
            return ir.AdjointLine(name, False, self.items_added(var, name, text))
        if sequence and not self.numpy:
            return ir.AdjointLine(name, False, f"_added({name}, {text})")
        if var in self.staged.item_lists:  # a list of arrays of several shapes: added item by item
            return ir.AdjointLine(name, False, f"_plus({name}, {text})")
        return ir.AdjointLine(name, True, text)

    def undo_append(self, op):
        """``xs_1 = xs + [v]``: ``dv`` is the last adjoint of ``dxs_1``, ``dxs`` the others."""
        g = self.adjoint[op.target]
        items, value = op.args
        lines = []
        if isinstance(value, ir.Var) and value.name in self.active:
            accumulate = value.name in self.adjoint
            self.adjoint[value.name] = self.adjoint_name(value.name)
            lines.append(ir.AdjointLine(self.adjoint[value.name], accumulate, f"{g}[-1]"))
        if isinstance(items, ir.Var) and items.name in self.active:
            if items.name in self.adjoint:
                name = self.adjoint[items.name]
                lines.append(ir.AdjointLine(name, False, f"[a + b for a, b in zip({name}, {g}[:-1])]"))
            else:
                self.adjoint[items.name] = self.adjoint_name(items.name)
                lines.append(ir.AdjointLine(self.adjoint[items.name], False, f"{g}[:-1]"))
        return lines

    def undo_setitem(self, op):
        """``a_1 = a.copy(); a_1[idx] = v``: ``dv = da_1[idx]``, and ``da`` is ``da_1`` without it."""
        g, index = self.adjoint[op.target], op.param("index")
        base, value = op.args
        if isinstance(base, ir.Var) and base.name in self.dicts and isinstance(value, ir.Var) and \
                value.name in self.active and (value.name in self.staged.lists or
                                               isinstance(self.staged.shapes.get(value.name), Items)):
            try:
                self.refuse_at(op.line, f"this puts a tuple or list of values into the dict {_user(base.name)}: "
                                        "backgen follows a dict whose entries are arrays or numbers; give each "
                                        f"part an entry of its own ({_user(base.name)}[k, 0] = a; "
                                        f"{_user(base.name)}[k, 1] = b)")
            except BackgenError as error:
                error.shape_free = True  # (whatever the shapes)
                raise
        if self.sized and not self.fills_rows(op):
            self.check_sized(op, [value], f"{op.target}[{index}]", part=op)
        lines = []
        # a 0-d array written into (x = np.squeeze(y) of one element; x[x > 0] = 1.5): its adjoint may be a
        # number (dout=1.0, arithmetic on 0-d arrays), which cannot be written into (nor indexed, a float)
        # (shape-generic code writes for arrays of every rank alike: there, such an array is not followed)
        np_name = self.staged.modules["np"]
        number = isinstance(base, ir.Var) and self.staged.shapes.get(base.name) == () and not self.staged.shape_free
        if isinstance(value, ir.Var) and value.name in self.active:
            if op.target in getattr(self.staged.shapes, "integers", ()):
                kind = "a boolean" if op.target in self.staged.shapes.integers.bool else "an integer"
                self.refuse_at(op.line, f"this writes a differentiated value into {kind} array "
                                        f"({_user(op.target)}), which NumPy converts to its dtype, so its gradient "
                                        f"is lost: make the array one of floats (np.zeros(n), .astype(float))")
            if self.staged.shape_free and op.target not in self.floats:  # (of a dtype the arrays given decide:
                param = self.dtype_parameter(op.target)  # the backward checks it, as the code above refuses)
                if param is not None:
                    self.__dict__.setdefault("integer_writes", []).append((param, _user(op.target), op.line))
            # (in shape-generic code the gradient of a whole array written over, x[...] += v, may be a number too)
            # (or through one mask: of a 0-d array a 0-d mask, and the gradient a number, dout=1.0)
            whole = self.staged.shape_free and (index == "..." or one_mask(op, self.masks))
            text = f"{np_name}.asarray({g})[{index}]" if number or whole else f"{g}[{index}]"
            context = GradContext(self, op, RULES["setitem"], 1, ("a", "v"))
            masked = index_origins(op, self.masks)  # as many elements as the data says, each once
            if context.advanced_index() and not context.distinct_rows() and not one_mask(op, self.masks, self.staged) \
                    and op.target not in self.staged.lists:  # (a list's item: one, whatever the index)
                # an index may name an element twice: NumPy keeps the last value written there
                np_name = self.staged.modules["np"]
                order = self.fresh("order")
                last = self.fresh("last")
                lines += [ir.AdjointLine(order, False, f"{np_name}.arange({text}.size).reshape({text}.shape)"),
                          ir.AdjointLine(last, False, f"{np_name}.full({g}.shape, -1)"),
                          ir.AdjointLine(f"{last}[{index}]", False, order)]
                text = f"{np_name}.where({last}[{index}] == {order}, {text}, 0.0)"
            written = self.staged.shapes.get(f"{op.target}[{index}]")
            if self.staged.shape_free or written is None:  # a value broadcast over the part it fills, at run
                # time (also where NumPy raised on the write at the sample shapes, on a path they do not
                # take: the part's shape is unknown); a copy of the part where it may be a view of g, zeroed next
                text = f"_unbroadcast({text}, {value.name})"
                if isinstance(base, ir.Var) and base.name in self.active:
                    text = f"{self.staged.modules['np']}.copy({text})"
            elif id(op) in self.summed_at_run and self.sized.get(value.name):  # of a length the data decides,
                text = f"_unbroadcast({text}, {value.name})"  # into a part of one too: summed as the code runs
                if isinstance(base, ir.Var) and base.name in self.active:  # (a copy: g's part is zeroed next)
                    text = f"{self.staged.modules['np']}.copy({text})"
            elif written is not None:  # a value broadcast over the part it fills
                if (masked or self.sized.get(base.name if isinstance(base, ir.Var) else None) or
                        id(op) in self.summed_at_run) and not self.sized.get(value.name):  # (a value selected
                    written = (None,) * len(written)  # alike has the part's length) of sizes the data says: a
                    # value's axis of 1 may broadcast
                np_name = self.staged.modules["np"]
                like = f"{np_name}.shape({value.name})" if value.name in self.staged.lists else f"{value.name}.shape"
                text = unbroadcast(text, tuple(self.staged.shapes.get(value.name, ())), tuple(written), like)
            accumulate = value.name in self.adjoint
            self.adjoint[value.name] = self.adjoint_name(value.name)
            lines.append(ir.AdjointLine(self.adjoint[value.name], accumulate, text))
        if index == "...":  # the whole array written over (h += v on a name others share): none of the
            return lines    # value before is left, nor is its gradient
        if isinstance(base, ir.Var) and base.name in self.active and base.name in self.staged.lists:
            # a list's adjoint is a list: added element by element, its written item rebound
            old = f"{base.name}[{index}]"  # the items written over, of their own shapes
            part = f"[0.0 * item for item in {old}]" if ":" in index else f"0.0 * {old}"
            if base.name in self.dicts:  # d[k] = v: the dict's gradient before, of the keys it had then (k maybe
                k, v = self.dict_words()  # none of them), that of k zeroed, the others the dict's after
                key = f"({index})" if "," in index else index  # (d[i, j]: the tuple (i, j))
                if base.name in self.adjoint:
                    name = self.adjoint[base.name]
                    text = f"{{{k}: {v} if {k} == {key} else {v} + {g}[{k}] for {k}, {v} in {name}.items()}}"
                else:
                    name = self.adjoint[base.name] = self.adjoint_name(base.name)
                    text = f"{{{k}: 0.0 * {base.name}[{k}] if {k} == {key} else {v} for {k}, {v} in {g}.items() " \
                        f"if {k} in {base.name}}}"
                return lines + [ir.AdjointLine(name, False, text)]
            if self.none_items:  # (an item written over that was None, [None] * T filled: of no gradient)
                part = f"[None if item is None else 0.0 * item for item in {old}]" if ":" in index else \
                    f"None if {old} is None else 0.0 * {old}"
            if base.name in self.adjoint:
                name = self.adjoint[base.name]
                lines += [ir.AdjointLine(name, False, self.items_summed(name, g)),
                          ir.AdjointLine(f"{name}[{index}]", False, f"[a - b for a, b in zip({name}[{index}], {g}[{index}])]"
                                         if ":" in index else f"{name}[{index}] - {g}[{index}]")]
            else:
                name = self.adjoint[base.name] = self.adjoint_name(base.name)
                lines += [ir.AdjointLine(name, False, f"list({g})"), ir.AdjointLine(f"{name}[{index}]", False, part)]
        elif isinstance(base, ir.Var) and base.name in self.active:
            # (shape-generic: through one mask or ..., a 0-d array's, whose gradient may be a number)
            number = number or self.staged.shape_free and (index == "..." or one_mask(op, self.masks))
            if base.name in self.adjoint:
                name = self.adjoint[base.name]
                lines.append(ir.AdjointLine(name, True, g))
                if number:
                    lines.append(ir.AdjointLine(name, False, f"{np_name}.asarray({name})"))
                lines.append(ir.AdjointLine(f"{name}[{index}]", True, f"-{np_name}.asarray({g})[{index}]" if number
                                            else f"-{g}[{index}]"))
            else:
                name = self.adjoint[base.name] = self.adjoint_name(base.name)
                copy = f"{np_name}.copy({g})" if number else f"{g}.copy()"
                if g in self.spread and not number and not (isinstance(value, ir.Var) and value.name in self.active):
                    copy = f"{np_name}.full({self.spread[g][1]}, {self.spread[g][0]})"  # (a number broadcast and
                    self.unread.add(g)  # copied: filled with it at once, of the same dtype)
                lines += [ir.AdjointLine(name, False, copy), ir.AdjointLine(f"{name}[{index}]", False, "0")]
        return lines

    def undo_gate(self, gate, op, active):
        """The one adjoint line of a softmax or log-softmax gate (two for a log-softmax's pick of one
        element per row: the softmax scaled by each row's upstream, the upstream added where picked)."""
        x = gate.source.name
        if x not in active:
            return []
        g, out, axis = self.adjoint[op.target], op.target, gate.axis
        np_name = self.staged.modules["np"]
        if gate.kind == "where_scaled":
            mask, factor, scaled_first = gate.branches
            branches = (f"{factor} * {g}", g) if scaled_first else (g, f"{factor} * {g}")
            text = f"{np_name}.where({mask}, {branches[0]}, {branches[1]})"
        elif gate.gather:  # the rows' sums of the scattered upstream are the upstream itself
            out = gate.members[-2]
            rows = f"{g}[:, None]"
            if g in self.spread:  # the upstream one number broadcast to every row: the number itself
                g = rows = self.spread[g][0]
                self.unread.add(self.adjoint[op.target])
            if gate.exp_sum and self.staged.cache is None:
                exp, total = gate.exp_sum
                text = f"{exp} * (-{rows} / {total})"
            else:
                text = f"{np_name}.exp({out}) * -{rows}"
            accumulate = x in self.adjoint
            self.adjoint[x] = self.adjoint_name(x)
            name = self.adjoint[x]
            return [ir.AdjointLine(name, accumulate, text), ir.AdjointLine(f"{name}[{gate.gather}]", True, g)]
        elif gate.kind == "log_softmax" and gate.exp_sum and self.staged.cache is None:
            exp, total = gate.exp_sum  # (the softmax from the forward's own exponentials: no np.exp again;
            text = f"{g} - {exp} / {total} * {g}.sum(axis={axis}, keepdims=True)"  # not from a cache, which
        elif gate.kind == "log_softmax":  # may hold the log-probabilities alone)
            text = f"{g} - {np_name}.exp({out}) * {g}.sum(axis={axis}, keepdims=True)"
        else:
            text = f"{out} * ({g} - ({g} * {out}).sum(axis={axis}, keepdims=True))"
        accumulate = x in self.adjoint
        self.adjoint[x] = self.adjoint_name(x)
        return [ir.AdjointLine(self.adjoint[x], accumulate, text)]

    def count_uses(self, active):
        """How many operations on the way to the output read each value."""
        reaches = {o.name for o in self.staged.outputs if isinstance(o, ir.Var)}
        uses = {}
        if not all(isinstance(item, ir.Op) for item in self.staged.body):  # control flow: count every read
            for op in ir.ops_in(self.staged.body):
                for arg in op.args:
                    if isinstance(arg, ir.Var):
                        uses[arg.name] = uses.get(arg.name, 0) + 1
            for loop in ir.loops_in(self.staged.body):
                for name, exit_value in loop.exits:
                    uses[name] = uses.get(name, 0) + 2
            return uses
        for op in reversed(self.staged.body):
            if op.target not in reaches or op.target not in active:
                continue
            for arg in op.args:
                if arg.__class__ is ir.Var and arg.name in active:
                    reaches.add(arg.name)
                    uses[arg.name] = uses.get(arg.name, 0) + 1
        return uses

    def renames_only(self, var, text):
        """In NumPy code a temporary's adjoint that just renames another is not written."""
        staged = self.staged
        return (self.numpy and var not in staged.user_names and var not in self.adjoint
                and self.uses.get(var) == 1 and text.isidentifier())

    def scatter(self, var, scatter, upstream, element=None):
        """``dx[index] += g``: the adjoint of reading ``x[index]`` (into ``element``)."""
        np_name = self.staged.modules["np"]
        lines = []
        name = self.adjoint_name(var)
        if self.numpy and self.staged.shapes.get(var) == ():  # x[m] of a number: copies of it (or none)
            accumulate = var in self.adjoint
            self.adjoint[var] = name
            return [ir.AdjointLine(name, accumulate, f"{np_name}.sum({upstream})")]
        if var in self.staged.lists or var in self.sequences:  # an element of a list: rebind it, never add in place
            if var not in self.adjoint:
                self.adjoint[var] = name
                lines.append(ir.AdjointLine(name, False, self.zeros_like(var)))
            part = f"{name}[{scatter.index}]"
            if ":" in scatter.index or element in self.sequences:  # a slice of a list, a row: add element by element
                lines.append(ir.AdjointLine(part, False, f"[a + b for a, b in zip({part}, {upstream})]"))
            elif element in self.staged.item_lists:  # an item that is a list of arrays of several shapes
                lines.append(ir.AdjointLine(part, False, f"_plus({part}, {upstream})"))
            else:
                lines.append(ir.AdjointLine(part, False, f"{part} + {upstream}"))
            return lines
        if var in self.staged.item_lists:  # (rebound once written: _items_rebound)
            self.item_parts = getattr(self, "item_parts", {})
            self.item_parts[name] = self.item_parts.get(name, False) or element in self.staged.item_lists
        if var not in self.adjoint:
            self.adjoint[var] = name
            lines.append(ir.AdjointLine(name, False, self.zeros_of(var)))
            if not scatter.repeats:
                lines.append(ir.AdjointLine(f"{name}[{scatter.index}]", False, upstream))
                return lines
        if scatter.repeats and var in self.staged.item_lists:  # (an array, or a list of arrays at an integer)
            lines.append(ir.Statement(f"_scatter_items({name}, {index_tuple(scatter.index)}, {upstream})"))
        elif scatter.repeats:
            lines.append(ir.Statement(f"{np_name}.add.at({name}, {index_tuple(scatter.index)}, {upstream})"))
        else:
            lines.append(ir.AdjointLine(f"{name}[{scatter.index}]", True, upstream))
        return lines

    def scalar_aliases(self, groups):
        """A helper's scalar code: an adjoint that starts as an upstream gradient itself (``dq = dout``,
        or an adjoint that is one, or a helper's backward handing it back) is added to anew (``dq = dq
        + v``), not in place: a caller in NumPy code passes a 0-d array as ``dout`` (``np.copy``),
        which ``+=`` would change under it."""
        lines = list(_flatten(groups))
        aliases = set(self.staged.upstreams)
        for line in lines:
            if line.__class__ is ir.AdjointLine and not line.accumulate and line.source in aliases:
                aliases.add(line.target)
            elif line.__class__ is ir.CallLine and _held_names(line.source) & aliases:
                aliases.update(t for t in line.targets if t != "_")
        aliases -= set(self.staged.upstreams)
        if not any(line.__class__ is ir.AdjointLine and line.accumulate and line.target in aliases for line in lines):
            return groups
        return _added_anew(groups, aliases)

    def copy_aliases(self, groups):
        """Copy an adjoint that starts as a view of another array, where that matters.

        ``dx = dq`` followed by ``dx += ...`` would change ``dq`` too: harmless
        when ``dq`` is a temporary adjoint never read again, a bug when it is
        the caller's ``dout``, a forward value, read-only, or read later.  The
        gradients returned are separate, writeable arrays that share no memory
        with ``dout``, the inputs, or one another.
        """
        if not self.numpy:
            return self.scalar_aliases(groups) if self.staged.called else groups
        groups = self.numbers_from_calls(groups)
        lines = list(_flatten(groups))
        in_loops, in_branches = set(), set()
        if any(line.__class__ is ir.Block for line in lines):  # (else no line is in a loop: straight-line code)
            _mark_in_loops(groups, False, in_loops)
            _mark_in_loops(groups, False, in_branches, ("if ", "elif ", "else:"))
        accumulated = {line.target.split("[")[0] for line in lines
                       if line.__class__ is ir.AdjointLine and (line.accumulate or "[" in line.target)}
        accumulated |= {_statement_target(line) for line in lines
                        if line.__class__ is ir.Statement and ".add.at(" in line.source}
        upstreams = set(self.staged.upstreams)
        adjoints = set(self.adjoint.values()) - upstreams
        returned = {self.adjoint[w] for w in self.staged.wrt if w in self.adjoint}
        roots, readonly = {}, set()  # adjoint -> the arrays its memory may belong to
        ever = {}  # adjoint -> every array its memory may belong to, at any line (no copies made)
        assignments = [(position, line, _fresh(line.source)) for position, line in enumerate(lines)
                       if line.__class__ is ir.AdjointLine and not line.accumulate and "[" not in line.target]
        for _, line, fresh in assignments:
            if not fresh:
                ever.setdefault(line.target, {line.target}).update(
                    *(ever.get(n, {n}) for n in _held_names(line.source)))
        calls = {position: line for position, line in enumerate(lines) if line.__class__ is ir.CallLine}
        for line in calls.values():  # a helper's backward may hand back the dout it is given (dq = dout)
            held = _held_names(line.source)
            for target in line.targets:
                if target != "_":
                    ever.setdefault(target, {target}).update(*(ever.get(n, {n}) for n in held))
        copies, scalars, claimed = set(), set(), set()
        seen_returned = set()
        # (the zero of a value a loop may leave unset is 0.0 there: x is None; an alias of it too)
        maybe_floats = {line.target for _, line, _ in assignments if line.source.endswith(" is not None else 0.0")}
        for _, line, _ in assignments:
            if line.source in maybe_floats:
                maybe_floats.add(line.target)
        for position, line, fresh in assignments:  # every plain assignment (re)binds its target: look at each
            shared = set() if fresh else set().union(*(roots.get(n, {n}) for n in _held_names(line.source)))
            if id(line) in in_branches or id(line) in in_loops:  # dx = dout in one branch, dx = 2 * dout in
                # the other: after the if, either; a loop may run no iteration (da_1 = dout1, then a loop
                # whose iterations end with da_1 = np.zeros(...)): after it, what it held before too
                roots[line.target] = (shared or {line.target}) | roots.get(line.target, set())
            else:
                roots[line.target] = shared or {line.target}
            if not fresh and ("broadcast_to" in line.source or shared & readonly):
                readonly.add(line.target)
            if fresh:
                continue
            foreign = line.target in readonly or bool(upstreams & shared) or not shared <= adjoints
            scalar = self.shape_of_adjoint(line.target) in ((), None)  # np.copy works for a float too
            needs = False
            if line.target in accumulated:
                mutation = next((i for i in range(position + 1, len(lines)) if _mutates(lines[i], line.target)),
                                None)
                if mutation is None or id(line) in in_loops or any(id(lines[i]) in in_loops
                                                                   for i in range(position + 1, len(lines))
                                                                   if _mutates(lines[i], line.target)):
                    # a loop runs its lines again: be safe
                    needs = True
                else:
                    # a later read of an alias made before or after this line sees the change too
                    # (the return reads the gradients: a number's adjoint may be a 0-d array)
                    later = set().union(*(_reads_of(other) for other in lines[mutation + 1:])) | returned
                    needs = foreign or any((roots.get(n, {n}) | ever.get(n, set())) & shared
                                           for n in later - {line.target})
            # (a number's gradient may be a 0-d view of an upstream array: dout.reshape(()))
            if line.target in returned and (not scalar or foreign and not line.source.isidentifier()) \
                    and line.target not in seen_returned:
                seen_returned.add(line.target)
                needs = needs or foreign or bool(shared & claimed)
                claimed |= shared
            if needs and self.new_list(line):  # a list of its own already: its items are rebound, never
                needs = False                     # written into
            if needs:
                outputs = dict(zip(self.staged.upstreams, map(str, self.staged.outputs)))
                source_shape = self.staged.shapes.get(outputs[line.source]) if line.source in outputs \
                    else self.shape_of_adjoint(line.source)
                maybe_number = line.source.isidentifier() and (source_shape in ((), None) or
                                                               line.source in maybe_floats)
                (scalars if scalar or maybe_number else copies).add(id(line))
                roots[line.target] = {line.target}
                readonly.discard(line.target)
        if not copies and not scalars:
            return groups
        dicts = {self.adjoint[name] for name in self.dicts if name in self.adjoint} | \
            {adjoint for name, adjoint in (getattr(self, "fixed", None) or {}).items() if name in self.dicts}
        fixed = getattr(self, "fixed", None) or {}
        lists = {self.adjoint.get(name) or fixed.get(name) or self.adjoint_name_free(name)
                 for name in self.staged.lists - self.dicts}
        return _with_copies(groups, copies, scalars, self.staged.modules["np"],
                            bool(self.staged.shape_free), dicts, lists, frozenset(maybe_floats))

    def numbers_from_calls(self, groups):
        """A number's adjoint a helper's backward hands back is added to anew (``ds = ds + ds_h``), not
        in place: a helper written for numbers hands back the ``dout`` it is given (``du = dout``), here
        a 0-d array where it is a view (``dout.reshape(())``), as the gradient of each parameter given the
        value, which ``+=`` would change under the caller's ``dout`` and under one another (``h(s, s,
        s)``: 4 times ``dout`` for 3)."""
        lines = list(_flatten(groups))
        if not any(line.__class__ is ir.CallLine for line in lines):
            return groups
        views = set(self.staged.upstreams) | {  # adjoints that may be 0-d arrays of memory held elsewhere
            line.target for line in lines if line.__class__ is ir.AdjointLine and not line.accumulate
            and "[" not in line.target and not _fresh(line.source)}
        numbers = {target for line in lines if line.__class__ is ir.CallLine and _held_names(line.source) & views
                   for target in line.targets if target != "_" and self.shape_of_adjoint(target) in ((), None)}
        if not any(line.__class__ is ir.AdjointLine and line.accumulate and line.target in numbers for line in lines):
            return groups
        return _added_anew(groups, numbers)

    def new_list(self, line):
        """Whether ``line`` makes a list's adjoint a new list (``list(g)``, ``g[:-1]``)."""
        var = getattr(self, "owners", {}).get(line.target)
        if var is None:
            var = next((v for v, name in self.adjoint.items() if name == line.target), None)
        if var not in self.staged.lists:
            return False
        node = source.expression(line.source)
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "list" or \
            isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice)

    def shape_of_adjoint(self, adjoint):
        var = getattr(self, "owners", {}).get(adjoint)
        if var is None:
            var = next((v for v, name in self.adjoint.items() if name == adjoint), None)
        return self.staged.shapes.get(var) if var is not None else None

    def fills_rows(self, op):
        """Whether the write ``x[m] = v`` (``m`` one mask, ``x`` of a length the data does not
        choose) broadcasts ``v`` along the mask's selection only where ``v`` has one row there:
        ``v`` reaches only the axes ``x[m]`` keeps of ``x`` (a row ``w`` for ``X[m] = w``)."""
        base, value = op.args
        if not one_mask(op, self.masks) or any(isinstance(atom, ir.Var) and self.sized.get(atom.name)
                                               for atom in (base, value)):
            return False  # (a value of a length the data decides: one row here, more on other data)
        written = self.staged.shapes.get(f"{op.target}[{op.param('index')}]")
        shape = shape_of(value, self.staged.shapes)
        return written is not None and (len(shape) < len(written) or len(shape) == len(written) and
                                        (not shape or shape[0] == 1))  # (a number into a number: alike)

    def check_sized(self, op, operands, result, part=None):
        """Refuse broadcasting where a value's length depends on the data (a boolean mask's selection):
        the shapes seen say nothing about whether it has one element, and so broadcasts.

        Allowed: with numbers and arrays of one element only (``v`` of shape ``(1,)``: the gradient's
        ``unbroadcast`` sums it whatever the length), or with values of the same shape selected by the
        same masks.
        """
        shapes = self.staged.shapes
        arrays = []
        for atom in operands:
            shape = shapes.get(atom.name) if isinstance(atom, ir.Var) else const_shape(atom, shapes)
            if shape:  # rank >= 1
                arrays.append((str(atom), tuple(shape), self.sized.get(str(atom))))
        if op.rule == "np.broadcast_to":  # to a shape the code gives (np.broadcast_to(v[m], (4,))): not the data
            try:
                given = ast.literal_eval(op.param("shape") or "None")
            except (ValueError, SyntaxError):
                given = None
            if isinstance(given, int) or isinstance(given, tuple) and all(isinstance(d, int) for d in given):
                arrays.append((result, (given,) if isinstance(given, int) else given, None))
        if part is not None:  # a write: the part written takes the value
            origins = self.sized.get(part.args[0].name, frozenset()) | index_origins(part, self.masks)
            shape = shapes.get(result)
            if shape:
                arrays.append((result, tuple(shape), origins or None))
        # a write that raised at the sizes seen: the length of the part written is not known
        unknown = part is not None and shapes.get(result) is None
        arrays = [a for a in arrays if a[2] or any(d != 1 for d in a[1])]  # (all 1s: broadcast to any length)
        sized = [a for a in arrays if a[2]]
        if not sized or len(arrays) < 2 and not unknown:
            return
        if not unknown and all(a[2] == sized[0][2] and a[1] == sized[0][1] and a[0] not in self.partly_sized
                               for a in arrays) and self.aligned(arrays):
            return  # selected alike: the same length (on every path), along the same axes
        if not unknown and part is None and self.data_axes_clear(op, sized, arrays, result):
            return  # Xc - mu: mu has no axis of Xc's rows, nor any other selection: no broadcasting along them
        if not unknown and self.sized_axes_clear(sized, arrays):
            return  # X[m] @ W + b: b has no axis of the rows' the mask selects
        if not unknown and self.summable_at_run(op, operands, part):
            self.summed_at_run.add(id(op))  # Xc - mu: each selection's gradient summed to its shape as it runs
            return
        name = _user(sized[0][0])
        what = repr(name) if name in self.staged.user_names else "an operand here"
        made = [o for o in ir.ops_in(self.staged.body) if o.target == sized[0][0] and o.rule == "getitem"]
        line = self.staged.lines[op.line - 1] if 0 < op.line <= len(self.staged.lines) else ""
        if what == "an operand here" and len(made) == 1 and len(made[0].source) <= 40 and \
                made[0].source.replace(" ", "") in line.replace(" ", ""):  # b[m]: as the user's line spells it
            what = repr(made[0].source)
        calls = [o.param("function") for o in ir.ops_in(self.staged.body) if o.rule == "call" and o.target == sized[0][0]]
        if calls:
            what = f"the result of {calls[0]}()"
        seen = [shapes for origin, _ in sized[0][2] if origin.endswith("(of a length the data decides)")
                for shapes in [getattr(self.staged.shapes, "data_varying", {}).get(origin.split(" ")[0])] if shapes]
        counted = any(origin.endswith(("(made of a count)", "(a count of its own)")) for origin, _ in sized[0][2])
        cause = f"has a length the data decides ({seen[0][0]} on one input, {seen[0][1]} on another)" if seen else \
            "has a length a number of the data decides (a count, or a bound computed from the values)" if counted \
            else "is selected by a boolean mask, so its length depends on the data"
        self.refuse_at(op.line, f"{what} {cause}: whether it broadcasts against the other operands is not known "
                                "before the code runs; select the same elements of them too, or reduce it first")

    def aligned(self, arrays):
        """Whether the selections ``arrays`` (of one shape, selected by the same masks) have their lengths
        the data decides along the same axes: one value read twice, vectors, or each one's axes known and
        alike.
        A stack of selections and its transpose (``c * c.T``, of shape (4, 4) where four elements are
        selected) have them along different axes: one element selected, NumPy broadcasts (4, 1) against
        (1, 4)."""
        if len({name for name, _, _ in arrays}) == 1 or all(len(shape) == 1 for _, shape, _ in arrays):
            return True  # (vectors: each length the data decides is along their one axis)
        along = [self.data_axes.get(name) for name, _, _ in arrays]
        return along[0] is not None and all(a == along[0] for a in along)

    def summable_at_run(self, op, operands, part=None):
        """Whether the elementwise operation ``op`` may meet selections of any length: the gradient of
        each operand of a length the data decides is summed to its shape as the code runs
        (``_unbroadcast(g, Xc)``: right for a selection of 0, 1 or many elements, broadcast or not),
        and each other operand's over the axes its own shape, which the data does not decide, has 1
        (``GradContext.unbroadcast``).  The result's rank is the operands' largest whatever the lengths,
        and the result is marked as of a length the data decides (``data_sized``).  So too a write
        (``part``) of a value into a part of such a length (``v[v > 0] -= w``): the value's gradient is
        the part's, summed to the value's shape.  (Code for every shape sums every operand's gradient as
        it runs already.)  Not for operations whose axes are not all elementwise (``np.cross``,
        ``np.broadcast_to``, stacks of matrices), nor lists, nor operands whose rank is not known, nor
        values of another length on another path or items of a sequence holding a selection (whose
        gradient is not made item by item)."""
        if part is None:
            if not axes_elementwise(op):
                return False
        elif not isinstance(part.args[0], ir.Var) or part.args[0].name in self.staged.lists:
            return False
        shapes = self.staged.shapes
        items = {o.target for o in ir.ops_in(self.staged.body) if o.rule == "getitem" and o.args and
                 isinstance(o.args[0], ir.Var) and isinstance(shapes.get(o.args[0].name), Items)}
        named = [atom.name for atom in operands if isinstance(atom, ir.Var)]
        if any(self.sized.get(name) and (name in self.partly_sized or name in items) for name in named):
            return False
        if self.staged.shape_free:  # (code for every shape: every operand's gradient is summed as it runs)
            return True
        for name in named:
            shape = shapes.get(name)
            if name in self.staged.lists or not isinstance(shape, tuple) or isinstance(shape, Items):
                return False
        result = shapes.get(op.target) if part is None else shapes.get(f"{op.target}[{op.param('index')}]")
        return isinstance(result, tuple) and not isinstance(result, Items)

    def data_axes_clear(self, op, sized, arrays, result):
        """Whether each selection among ``arrays`` (operands of an elementwise operation giving
        ``result``) has along each axis of a length the data decides (``data_sized``'s axes, known) the
        result's length: every other operand lacks that axis, or has there one element and a length the
        data does not decide (``Xc - mu``, ``p[None, :] - q[:, None]``).  Its gradient is then undone
        from the shapes known along its other axes, as for any array (``dXc = dXcmmu``), where one of
        length 1 may meet another selection's length (``ds = ddiff.sum(axis=0, keepdims=True)``): the
        result's shape, of None along the selections' axes, is noted in ``cleared``."""
        shape = self.staged.shapes.get(result)
        if not axes_elementwise(op):
            return False
        if not isinstance(shape, tuple) or isinstance(shape, Items) or len({a[0] for a in arrays}) != len(arrays) \
                or any(len(own) > len(shape) for _, own, _ in arrays):
            return False
        wholes = {}  # for each selection, the result's shape, None along the axes another's length gives it
        for name, own, _ in sized:
            along = self.data_axes.get(name)
            if along is None or name in self.partly_sized:
                return False
            for other, _, _ in sized:
                whole = wholes.setdefault(other, list(shape))
                if other != name:
                    for axis in along:
                        whole[len(shape) - len(own) + axis] = None
        for name, own, _ in sized:  # (each one's axes known: checked above)
            for axis in self.data_axes[name]:
                at = len(shape) - len(own) + axis
                for other, other_shape, origins in arrays:
                    if other == name:
                        continue
                    k = at - (len(shape) - len(other_shape))
                    if k < 0:
                        continue  # (an axis it lacks: broadcast along it whatever its length)
                    other_along = self.data_axes.get(other) if origins else frozenset()
                    if other_along is None or k in other_along or other_shape[k] != 1:
                        return False
        self.cleared[id(op)] = {name: tuple(whole) for name, whole in wholes.items()}
        return True

    def sized_axes_clear(self, sized, arrays):
        """Whether the one selection among ``arrays`` meets only arrays lacking the axes its length
        changes along (``shapes.sized_axes``: seen to change on other data), which they then broadcast
        along whatever its length: ``X[m] @ W + b``, ``x[n, :L] * w``."""
        if len({a[0] for a in sized}) != 1 or sized[0][0] in self.partly_sized:  # (one selection alone: a
            return False  # value marked that no variant changed, p[:2], may still be one item at another count)
        name, shape, _ = sized[0]
        axes = getattr(self.staged.shapes, "sized_axes", None)
        changed = axes().get(name) if axes is not None else None
        if not changed:
            return False  # (no axis seen to change: not known which)
        for other, other_shape, origins in arrays:
            if other == name:
                continue
            if any(len(other_shape) >= len(shape) - axis and other_shape[axis - len(shape)] != 1
                   for axis in changed):
                return False
        return True

    def refuse_number_first(self, op, name):
        """Refuse an elementwise operation reading a value a loop carries from a number to arrays
        (``acc = 1.5``, then ``acc = acc * 0.8 + b``) whose result is smaller than the arrays: it
        read the number, in the loop's first iteration, and would read an array after it; the shapes
        known are the arrays', and undoing broadcasting by them would be wrong."""
        if name not in getattr(self.staged.shapes, "numbers_first", ()):
            return
        shape, result = self.staged.shapes.get(name), self.staged.shapes.get(op.target)
        if not isinstance(shape, tuple) or not isinstance(result, tuple) or \
                isinstance(shape, Items) or isinstance(result, Items):
            return
        if len(shape) <= len(result) and all(d in (1, r) for d, r in zip(shape[::-1], result[::-1])):
            return  # (the arrays broadcast to the result: the number did too)
        self.refuse_at(op.line, f"{_user(name)} starts as a number and this loop makes it an array of shape "
                                f"{tuple(shape)}, but the value computed from it here has shape "
                                f"{tuple(result)} in the first iteration, another after it: backgen writes "
                                f"code for one shape per value; start {_user(name)} as an array of its shape "
                                f"(np.full({tuple(shape)}, ...))")

    def refuse_at(self, number, message):
        line = self.staged.lines[number - 1] if 0 < number <= len(self.staged.lines) else None
        col = len(line) - len(line.lstrip()) + 1 if line else None
        raise BackgenError(message, self.staged.filename, number or None, col, line)

    def refuse_unshaped(self, active):
        """Refuse where a differentiated value has no shape because NumPy raised on its line (or on one it
        is computed from) at every sample the shapes were found on: its adjoint's zeros, reductions and
        broadcasts would be written blind (a number's 0.0 for an array's)."""
        raised = getattr(self.staged.shapes, "raised", None)
        if not raised:
            return
        pretended = self.staged.shapes.pretended  # (a loop no sample runs: left to the rules that read shapes)
        for op in ir.ops_in(self.staged.body):
            if op.target in active and op.target not in self.staged.shapes and op.target in raised and \
                    op.target not in pretended:
                line, exc = raised[op.target]
                self.refuse_at(line, f"NumPy raises on line {line} at the sample shapes ({type(exc).__name__}: "
                                     f"{exc}), so backgen cannot tell the shape of a value this line computes or "
                                     "reads; check the shapes given for the inputs, or write this path for them")

    def refuse_resized(self, param):
        """Refuse a zero gradient of a parameter that a loop rebinds to a selection by a boolean mask
        (``v = v[v > 0]``): after the loop it may be shorter than the input, whose shape the zero has."""
        if not self.sized.get(param):
            return
        for loop in ir.loops_in(self.staged.body):
            if param in loop.carried:
                self.refuse_at(loop.line, f"{param!r} is selected by a boolean mask in this loop, so its length "
                                          "may change, and its gradient (zero) has the length it came with: give "
                                          f"the selection a name of its own ({param}_kept = {param}[...])")

    def refuse_unset(self, loop, name):
        line = self.staged.lines[loop.line - 1] if 0 < loop.line <= len(self.staged.lines) else None
        raise BackgenError(f"{_user(name)} is first set in this loop inside a nested loop, which may not set it: "
                           f"give {_user(name)} a value before this loop", self.staged.filename, loop.line, None,
                           line)

    def refuse_rebuilt_list(self, loop, name):
        line = self.staged.lines[loop.line - 1] if 0 < loop.line <= len(self.staged.lines) else None
        raise BackgenError(f"{_user(name)} is a list this loop builds anew in a loop inside it, and the list one "
                           "iteration leaves is not read: backgen cannot tell its length when undoing the loop; "
                           f"give {_user(name)} a name of its own in each iteration, or build it once",
                           self.staged.filename, loop.line, None, line)

    def refuse_opaque(self, op):
        line = self.staged.lines[op.line - 1] if 0 < op.line <= len(self.staged.lines) else None
        column = len(line) - len(line.lstrip()) + 1 if line else None  # (the statement's)
        message = op.param("reason") or (f"{op.source}: building a value this way from differentiated inputs "
                                          "is not supported (use np.stack or arithmetic)")
        raise BackgenError(message, self.staged.filename, op.line, column, line)

    def needed_forward(self, live, zeros, also=()):
        """The forward lines whose values the adjoint lines (``live``: what their ``live_reads`` are),
        ``zeros`` and ``also`` read, in order."""
        read = set(also) | live
        for line in zeros:
            read |= _names(line.source)
        return tuple(self.render_forward(self.staged.body, read))

    def needed_forwards(self, live, zeros, outputs):
        """``(needed_forward(live, zeros), needed_forward(live, zeros, also=outputs))``: the forward the
        backward runs, and the one computing the outputs too.  Straight-line code (operations alone)
        gets both from one pass: a line is in the first where its value is read by what the first
        keeps, in the second where by what the second keeps."""
        body = self.staged.body
        if not all(item.__class__ is ir.Op and not synthetic(item) for item in body):
            self.noting = True
            forward = self.needed_forward(live, zeros)
            self.noting = False
            return forward, self.needed_forward(live, zeros, also=outputs)
        read = set(live)
        for line in zeros:
            read |= _names(line.source)
        full_read = read | set(outputs)
        kept, full = [], []
        for op in reversed(body):  # (render_forward's way with operations)
            if op.target not in full_read:
                continue
            rest = op.lines()[1:]  # (the write into a copy's part: a setitem's second line)
            lines = [ir.AdjointLine(target, False, text) for target, text in reversed(rest)] if rest else []
            lines.append(self.forward_line(None, op))
            full += lines
            full_read |= op.reads()
            if op.target in read:
                kept += lines
                read |= op.reads()
        return tuple(reversed(kept)), tuple(reversed(full))


def _as_printed(groups, forward, numbers):
    """``groups`` whose comments name the lines of loops (``numbers``) as the forward prints them:
    ``h[:, t, :] = next_h`` where the staged line was ``h_1[:, t, :] = next_h``."""
    printed = {}
    flat = list(_flatten(forward))
    for position, line in enumerate(flat):
        if line.__class__ is ir.ForwardLine and line.number in numbers:
            after = flat[position + 1] if position + 1 < len(flat) else None
            if after.__class__ is ir.AdjointLine and after.target.startswith(line.target + "["):
                line = ir.ForwardLine(line.number, after.target, after.source)  # a copy, then the write
            printed.setdefault(line.number, line)

    return _with_printed(groups, printed)


def _with_printed(items, printed):
    """``_as_printed`` of a block's items: each group's comment the line of ``printed`` (number ->
    line) of its number, where there is one."""
    out = []
    for item in items:
        if item.__class__ is ir.Group:
            undoes = item.undoes
            if undoes.__class__ is ir.ForwardLine and undoes.number in printed:
                undoes = printed[undoes.number]
            plain = ir.plain_lines(item.lines)  # (most groups: lines alone, as they are)
            lines = item.lines if plain else _with_printed(item.lines, printed)
            if (undoes is item.undoes or undoes == item.undoes) and \
                    (plain or all(map(operator.is_, lines, item.lines))):
                out.append(item)  # (as it was: most groups)
            else:
                out.append(ir.Group(undoes, tuple(lines)))
        elif isinstance(item, ir.Block):
            out.append(ir.Block(item.header, tuple(_with_printed(item.body, printed))))
        else:
            out.append(item)
    return out


def _items_rebound(items, parts, upstreams, np_name):
    """``items`` with each ``dparams[k] += v`` into the gradient of a list of arrays of several
    shapes (``parts``: its name, and whether its items are such lists too) written ``dparams[k] =
    _plus(dparams[k], v)`` (``dparts[0] = dparts[0] + v`` for an array): ``+=`` would join two
    lists, or write into an array the list only holds (the very ``dW`` handed to it).  The
    caller's ``dout`` (or a name that may hold it) put into such a list is a copy (an array would
    copy it into its part; ``_copy_items`` where the item may be such a list too)."""
    if not parts:
        return items
    held = set(upstreams)  # the names that may hold the caller's array (dq = dout, db = _unbroadcast(dq, b))
    for _ in range(2):  # (twice: a loop may hand a name to lines before it)
        for line in _flatten(items):
            if isinstance(line, ir.AdjointLine) and not line.accumulate and line.target.isidentifier() and \
                    not _fresh(line.source) and _held_names(line.source) & held:
                held.add(line.target)

    def rebound(line):
        if not (isinstance(line, ir.AdjointLine) and "[" in line.target):
            return line
        base = line.target.split("[", 1)[0]
        if base not in parts:
            return line
        if not line.accumulate:  # (an item that may be such a list itself: copied item by item)
            copy = "_copy_items" if parts[base] else f"{np_name}.copy"
            return ir.AdjointLine(line.target, False, f"{copy}({line.source})") \
                if not _fresh(line.source) and _held_names(line.source) & held else line
        if parts[base]:
            return ir.AdjointLine(line.target, False, f"_plus({line.target}, {line.source})")
        return ir.AdjointLine(line.target, False, f"{line.target} + {source.wrap(line.source)}")
    return ir.map_lines(items, rebound)


def _added_anew(items, aliases):
    """``items`` with each ``t += v`` of a name in ``aliases`` written ``t = t + v``."""
    return ir.map_lines(items, lambda line: ir.AdjointLine(line.target, False, f"{line.target} + "
                                                                             f"{source.wrap(line.source)}")
                        if isinstance(line, ir.AdjointLine) and line.accumulate and line.target in aliases else line)


def _with_copies(items, copies, scalars, np_name, shape_free, dicts=frozenset(), lists=frozenset(),
                 maybe_floats=frozenset()):
    """``items`` with the lines of ``copies`` (ids) assigning a copy (``x.copy()``), and those of
    ``scalars`` ``np.copy(x)`` (a float too); shape-free code (``shape_free``) copies all so, but the
    gradients of lists (``lists``: their names), which ``np.copy`` would make one array of (of items of
    several shapes, or None, it cannot): ``x.copy()``.  A line of a dict's gradient (``dicts``: their
    names) copies it as a dict (``dhs.copy()``), or is left as it is where it makes a new one (a
    comprehension).  A line copying a name of ``maybe_floats`` (a gradient that is 0.0 where the forward
    left its value None) is ``x * 1.0``: a float stays one."""
    out = []
    for line in items:
        if isinstance(line, ir.Group):
            inner = _with_copies(line.lines, copies, scalars, np_name, shape_free, dicts, lists, maybe_floats)
            out.append(ir.Group(line.undoes, tuple(inner)))
        elif isinstance(line, ir.Block):
            inner = _with_copies(line.body, copies, scalars, np_name, shape_free, dicts, lists, maybe_floats)
            out.append(ir.Block(line.header, tuple(inner)))
        elif isinstance(line, ir.AdjointLine) and (line.target in dicts or line.source in dicts or
                                                   line.source.startswith("{")):  # (a dict's gradient: a dict, a name's
            out.append(line if not line.source.isidentifier() else  # copied as one, a comprehension new)
                       ir.AdjointLine(line.target, False, f"{line.source}.copy()"))
        elif (id(line) in copies or id(line) in scalars) and line.target in lists:  # (a list: no float)
            out.append(ir.AdjointLine(line.target, False, f"{source.wrap(line.source)}.copy()"))
        elif (id(line) in scalars or id(line) in copies) and line.source in maybe_floats:  # (0.0 standing
            # for an array's gradient where the forward left the value None: a float kept a float, which
            # += of an array rebinds; np.copy would make it a 0-d array, into which no array is added)
            out.append(ir.AdjointLine(line.target, False, f"{source.wrap(line.source)} * 1.0"))
        elif id(line) in copies and not shape_free:  # (shape-free: it may be a float)
            out.append(ir.AdjointLine(line.target, False, f"{source.wrap(line.source)}.copy()"))
        elif id(line) in scalars or id(line) in copies:
            out.append(ir.AdjointLine(line.target, False, f"{np_name}.copy({line.source})"))
        else:
            out.append(line)
    return out


def _mark_in_loops(items, inside, in_loops, headers=("for ", "while ")):
    """Add to ``in_loops`` the ids of the lines of ``items`` (groups and blocks opened) inside a loop
    (``inside``: the items are); with ``headers``, inside blocks opened so (``if``: in a branch)."""
    for item in items:
        kind = item.__class__
        if kind is ir.Block:
            _mark_in_loops(item.body, inside or item.header.startswith(headers), in_loops, headers)
        elif kind is ir.Group:
            if inside or any(line.__class__ is ir.Block or line.__class__ is ir.Group for line in item.lines):
                _mark_in_loops(item.lines, inside, in_loops, headers)  # (outside loops, only its blocks' lines)
        elif inside:
            in_loops.add(id(item))


def _missing_zero(block, entry):
    """``(upstream, zero)`` of an ``if dout is None: dout = zero`` check, as the copies' removal left it."""
    body = getattr(block, "body", ())
    if len(body) == 1 and isinstance(body[0], ir.AdjointLine) and body[0].target == entry[0]:
        return (body[0].target, body[0].source)
    return entry


def _user(name):
    """The user's name for a staged value (``h_2`` is a version of ``h``)."""
    base, _, version = name.rpartition("_")
    return base if base and version.isdigit() else name


def _reads_of(line):
    """The names a backward line reads (an assignment's target is written, not read)."""
    if isinstance(line, ir.AdjointLine):
        reads = _names(line.source)
        return reads | ({line.target.split("[")[0]} if line.accumulate or "[" in line.target else set())
    return _names(str(line))


def _without_broadcast_to(text):
    """``np.broadcast_to(e, x.shape)`` -> ``e``, for an in-place ``+=`` into an array of that shape."""
    if "broadcast_to" not in text:
        return text
    node = source.expression(text)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "broadcast_to":
        return source.to_source(node.args[0])
    return text


def _statement_target(statement):
    """The array ``np.add.at(dx, idx, g)`` writes into."""
    call = source.expression(statement.source)
    return source.to_source(call.args[0])


def _mutates(line, target):
    if isinstance(line, ir.Statement):
        return line.source.startswith(("np.add.at(", "np_.add.at(")) and _statement_target(line) == target
    if not isinstance(line, ir.AdjointLine):
        return False
    return line.target.split("[")[0] == target and (line.accumulate or "[" in line.target)


def _unbroadcast_operand(node):
    """The gradient in ``_unbroadcast(grad, x)``, which returns it, or a new array (else None)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_unbroadcast" \
            and len(node.args) == 2:
        return node.args[0]
    return None


def _held_names(text):
    """The names whose memory ``text``'s value may share: not those read only for their shape
    (``g.reshape(x.shape)``, ``np.zeros(np.shape(x))``)."""
    node = source.expression(text)
    inner = _unbroadcast_operand(node)
    if inner is not None:
        return _held_names(source.to_source(inner))
    names = _names(text)
    if node is None or text.isascii() and not _SIZE_WORDS.search(text):  # (most lines: an ASCII text spells
        return names  # every name its tree holds, and none here is a size)
    nodes = list(source.walk(node))
    sized = {id(n.value) for n in nodes if n.__class__ is ast.Attribute and n.attr in _SIZES}
    sized |= {id(n.args[0]) for n in nodes
              if n.__class__ is ast.Call and len(n.args) == 1 and _called(n.func) in _SIZES}
    if not sized:  # (most lines)
        return names
    read = [n for n in nodes if n.__class__ is ast.Name]
    return names - ({n.id for n in read} - {n.id for n in read if id(n) not in sized})


def varied_values(staged, start, casts=(), held=None):
    """The values of ``staged`` that depend on the values named ``start`` through operations with a
    gradient (through loops' carried values too, until nothing changes): masks, shapes, indices and
    rules of no gradient (np.sign) carry none.  ``held(op, varied)`` says of an inert ``op`` a varied
    value reaches whether its result varies too (it may refuse it); ``casts``: the values made whole
    numbers (``x.astype(idx.dtype)``), which carry none."""
    active = set(start)
    loops = any(True for _ in ir.loops_in(staged.body))  # (without, one pass in order reaches all)
    constant = _constant_places(staged)  # (a helper's results no gradient reaches: sizes)
    changed = True
    while changed:
        changed = False
        for op in ir.ops_in(staged.body):
            if op.target in active or not any(isinstance(a, ir.Var) and a.name in active for a in op.args):
                continue
            if constant and op.rule == "getitem" and isinstance(op.args[0], ir.Var) and \
                    (op.args[0].name, op.param("index")) in constant:
                continue  # (out_h of col, out_h, out_w = im2col(x, ...): a number of shapes)
            if constant and op.rule == "call" and op.param("outputs", "1") == "1" and (op.target, "0") in constant:
                continue  # (idx = searchsorted(edges, x): a helper's one result counted by comparisons)
            if op.rule == "inert":
                if held is not None and held(op, active):
                    active.add(op.target)
                    changed = True
                continue  # masks, shapes and indices carry no gradient
            if op.rule not in _ROUTED and not RULES[op.rule].grads or op.target in casts:
                continue  # a rule of no gradient for any operand (np.sign): a constant to the backward
            if op.rule in ("sub", "np.subtract") and len(op.args) == 2 and op.args[0] == op.args[1]:
                continue  # x - x: zero whatever x is, its gradient 0 (not 1 - 1 of an infinite one: sqrt(x - x))
            active.add(op.target)
            changed = True
        for loop in ir.loops_in(staged.body):
            for carried, exit_value in loop.exits:
                if isinstance(exit_value, ir.Var) and exit_value.name in active and carried not in active:
                    active.add(carried)
                    changed = True
        changed = changed and loops
    return active


def _constant_places(staged):
    """``{(name, place)}``: the places of the results of the helpers' calls no differentiated value reaches
    (their ``constant`` marks), of a name every operation setting it marks so: ``y = layer(x)`` in one
    branch of an if, a constant, and ``y = step(x)`` in the other give ``y`` no constant place."""
    marks = {}
    for op in ir.ops_in(staged.body):
        marked = set(op.param("constant").split(",")) if op.rule == "call" and op.param("constant") else set()
        marks[op.target] = marked if op.target not in marks else marks[op.target] & marked
    return {(name, place) for name, marked in marks.items() for place in marked}


def without_gradient(staged, names):
    """Those of ``names`` (parameters of ``staged``) no output depends on through an operation with a
    gradient (``order = np.argsort(key)``, ``range(indptr[i], indptr[i + 1])``, ``np.isin(ids, keep)``):
    whatever they hold, their gradient is zero.  An inert operation building a value of numbers a
    parameter gives (``np.full(n, s)``, an opaque one) counts as one with a gradient."""
    outputs = {o.name for o in staged.outputs if isinstance(o, ir.Var)}

    def held(op, active):
        return op.param("opaque") == "True" or fills_with(staged, op, active)
    return [name for name in names if not varied_values(staged, [name], (), held) & outputs]


def fills_with(staged, op, active):
    """Whether ``op`` is a constructor whose numbers an ``active`` value gives (np.full(n, s))."""
    node = source.expression(op.source)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    func, path = node.func, []  # (np.kaiser, np.fft.rfftfreq)
    while isinstance(func, ast.Attribute):
        path.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id != staged.modules["np"]:
        return False
    values = [node.args[k] if k < len(node.args) else next((kw.value for kw in node.keywords if kw.arg == word), None)
              for k, word in VALUE_ARGUMENTS.get(".".join(["np"] + path), ())]
    return any(value is not None and source.name_ids(value) & active for value in values)


_ROUTED = frozenset({"inert", "call", "list_append", "setitem"})  # rules of no grads that the reverse pass
# undoes itself (a helper's call, a list's append, a write into an array)
_SIZES = {"shape", "ndim", "size", "dtype", "len"}  # what they give shares no array's memory
_SIZE_WORDS = re.compile("|".join(sorted(_SIZES)))  # in a text whose tree may read a size


def _called(func):
    """``shape`` of ``np.shape``, ``len`` of ``len``: the name of the function called."""
    return func.attr if func.__class__ is ast.Attribute else getattr(func, "id", None)


def _fresh(text):
    """Whether ``text`` certainly evaluates to a new array (not a view of another)."""
    kind = source.tree_kind(text)
    if kind is ast.BinOp or kind is ast.UnaryOp:  # (most lines, told without building their trees)
        return True
    node = source.expression(text)
    if _unbroadcast_operand(node) is not None:
        return _fresh(source.to_source(_unbroadcast_operand(node)))
    if isinstance(node, ast.IfExp):  # z if c else None: fresh when each side is (a constant is)
        return all(isinstance(side, ast.Constant) or _fresh(source.to_source(side))
                   for side in (node.body, node.orelse))
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.ListComp, ast.List)):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):  # a number: += rebinds it
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if call_view(node):  # np.einsum('ij->ji', g): a view of g
            return False
        return name in FRESH_CALLS
    return False


def _maybe_unbound(body):
    """The values first set in a loop that may end with them unset: it may run no iteration, not
    set them on some path, or be inside a block that may not run."""
    names = set()
    _unbound_in(body, True, names)
    return names


def _unbound_in(items, top, names):
    """``_maybe_unbound`` of the items of a block (``top``: the function's own), added to ``names``."""
    for item in items:
        if item.__class__ is ir.If:
            _unbound_in(item.body, False, names)
            _unbound_in(item.orelse, False, names)
        elif item.__class__ is ir.Loop:
            exits = dict(item.exits)
            for name in item.fresh:
                value = exits.get(name)
                kept = any(synthetic(op) and isinstance(value, ir.Var) and op.target == value.name
                           for op in ir.ops_in(item.body))
                if not (top and _runs(item) and not kept):
                    names.add(name)
            _unbound_in(item.body, False, names)


def _runs(loop):
    """Whether a loop surely runs at least once: ``for`` over ``range`` of constant, nonempty bounds."""
    if loop.kind != "for":
        return False
    text = loop.iterable[len("reversed("):-1] if loop.iterable.startswith("reversed(") else loop.iterable
    try:
        node = ast.parse(text, mode="eval").body
        bounds = [ast.literal_eval(a) for a in node.args]
    except (SyntaxError, ValueError, AttributeError):
        return False
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "range" and bounds
            and all(isinstance(b, int) for b in bounds)):
        return False
    return len(range(*bounds)) > 0


def _guards(items, chain=()):
    """``{name: chains}`` for the names every definition of which is inside an if.

    Each chain is the tests (``a > 0``, ``not (b)``) of one path that sets the name, in the order
    of the code; names set outside any if are left out.
    """
    found = {}
    _chains(items, chain, found)
    return {name: chains for name, chains in found.items() if () not in chains}


def _covered(chains):
    """``chains`` with each pair of paths that differ only in the branch of their last if (``(a, b)``
    and ``(a, not (b))``) as the one path of that if, ``(a,)``, until none is left."""
    chains = list(chains)
    joined = True
    while joined:
        joined = False
        for k, chain in enumerate(chains):
            if not chain:
                continue
            other = chain[:-1] + (f"not ({chain[-1]})",)
            if other in chains:
                chains = [c for c in chains if c != other and c != chain]
                chains.insert(min(k, len(chains)), chain[:-1])
                chains = list(dict.fromkeys(chains))
                joined = True
                break
    return chains


def _chains(items, chain, found):
    """Add to ``found`` (name -> chains, in the order of the code) the chain of tests under which
    each item sets its name."""
    for item in items:
        if isinstance(item, ir.Op):
            chains = found.setdefault(item.target, [])
            if chain not in chains:
                chains.append(chain)
        elif isinstance(item, ir.If):
            _chains(item.body, chain + (item.test,), found)
            _chains(item.orelse, chain + (f"not ({item.test})",), found)
        elif isinstance(item, ir.Loop):
            _chains(item.body, chain, found)


def _joined(tests):
    """``a > 0 and not (b)``: all of ``tests``, or None for none."""
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    return " and ".join(f"({t})" if " " in t and not t.startswith("not (") else t for t in tests)


def _tested_finite(condition):
    """``t`` of a condition ``np.isfinite(t)``, ``np.isnan(t)`` or its negation ``~np.isnan(t)``, else None."""
    node = source.expression(condition)
    if node.__class__ is ast.UnaryOp and node.op.__class__ is ast.Invert:
        node = node.operand
    if node.__class__ is ast.Call and node.func.__class__ is ast.Attribute and node.func.attr in ("isfinite", "isnan") \
            and len(node.args) == 1 and not node.keywords and node.args[0].__class__ is ast.Name:
        return node.args[0].id
    return None


def _holds_none(text):
    """Whether the expression ``text`` holds the constant None (``[None] * T``)."""
    node = source.expression(text) if "None" in text else None
    return node is not None and any(n.__class__ is ast.Constant and n.value is None for n in walk(node))


def _conditional_operand(text):
    """``text`` as the first operand of a conditional expression written around it: parenthesized where it
    is one itself (``a if g else 0.0``), which would otherwise take the new one as its ``else``."""
    try:
        body = ast.parse(text, mode="eval").body
    except SyntaxError:
        return f"({text})"
    return f"({text})" if isinstance(body, (ast.IfExp, ast.Lambda, ast.NamedExpr)) else text
