"""Staging statements: assignments, tuples, ``if``, loops, early returns.

Contract: ``StatementStager`` is mixed into the stager (``stage``), which
provides ``expr``, ``namer``, ``versions`` and ``ops``.  It turns the user's
statements into ``ir`` items:

* ``a, b = b, a + b`` and ``N, D = x.shape`` assign each name in turn.
* ``if``/``elif``/``else`` become ``ir.If``; a name assigned in both branches
  gets one merged name (the user's own where possible).  A name assigned in
  one branch only is read outside that branch's test where Python's name is
  unbound on the other paths (bound by nothing before the if, no loop around
  it): the forward raises there, so wherever it returns, the branch ran.  A
  loop that starts from such a value and may end with it is refused.  A
  ``return`` inside a branch is rewritten so that every path ends in the same
  final return.
* ``for v in range(...)``, ``for v in xs`` and ``while`` become ``ir.Loop``.
  Names the body reads before assigning, or that are read after the loop,
  are carried from one iteration to the next.  ``if c: ...; continue`` and
  ``if c: ...; break`` become branches (the rest of the body is the ``else``).
  An iterable the body writes into (``for row in X[1:]: row += row``) is
  carried too, each item read from it as its iteration starts, as Python
  reads it; two names of one array (``a = X``, ``a = X[0]``, ``a = X.T``) that
  the body writes into and reads, never binding them anew, are carried as that
  array (the view taken again of it after each write).
"""

import ast
import dataclasses
import re

from . import ir, source
from .errors import BackgenError
from .memory import basic_index, c_constant, constant_may_hold, constants_may_share, in_place_at, \
    may_be_array_constant, new_array, index_text, VIEW_METHODS, _has_slice, _symbol
from .parse import is_append, is_pop, popped_first, read_helper
from .rules import FRESH_CALLS, RULES, operand_view
from .stage_calls import helper_roles
from .structured import keys_needed
from .view_targets import view_root
from .source import tree_copy, names_of, walk

RETURN = " return {}"  # versions key of the i-th returned value (not a Python name)


class StatementStager:

    def block(self, stmts):
        """Stage statements into the current ``self.ops``."""
        for stmt in stmts:
            self.line = stmt.lineno
            if isinstance(stmt, ast.Assign):
                if isinstance(stmt.targets[0], ast.Name):  # (seq = X[1:] made of for i, r in enumerate(X[1:]):
                    self.speak(stmt.targets[0].id, self.user_text(stmt.value))  # named so in messages)
                self.assign_target(stmt.targets[0], stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                load = tree_copy(stmt.target)
                load.ctx = ast.Load()
                value = ast.copy_location(ast.BinOp(load, stmt.op, stmt.value), stmt)
                if isinstance(stmt.target, ast.Name) and in_place_at(stmt) in self.written_in_place:
                    self.writes_staged_again.add(stmt.lineno)  # (where h may be a number, which op= rebinds)
                    held = self.versions.get(stmt.target.id)
                    whole = ast.copy_location(ast.Constant(Ellipsis), stmt.target)  # h += v into a shared array:
                    self.assign_target(ast.copy_location(ast.Subscript(  # the write h[...] = h + v it is
                        ast.Name(stmt.target.id, ast.Load()), whole, ast.Store()), stmt.target), value)
                    found = self.storage.get(held.name) if isinstance(held, ir.Var) else None
                    certain = in_place_at(stmt) in self.array_in_place or found is not None and \
                        found[1] == "index" and _has_slice(found[2]) or \
                        isinstance(held, ir.Var) and self._certain_array(held.name)  # (h = A[::-1], a reshape:
                    # an array whatever the ranks)
                    if isinstance(held, ir.Var) and not certain:  # (staged so on a guess that h is an array: where
                        # the shapes make it a number, on a path the shape walk did not take too, it is refused)
                        name, op = stmt.target.id, _symbol(stmt)
                        what = (f"{name} {op}= ... writes into the array {name} shares where {name} is an array (a "
                                f"view), and gives {name} a new value alone where it is a number (a copy)")
                        advice = f"write {name} = {name} {op} ... for a number"
                        self.number_hazards.append((held.name, self.error(f"{what}, as here; backgen writes code "
                                                                          f"for one of the two: {advice}", stmt),
                                                    self.error(f"{what}, which the shapes decide: give them, "
                                                               f"or {advice}", stmt)))
                    continue
                before = self.versions.get(stmt.target.id) if isinstance(stmt.target, ast.Name) else None
                if isinstance(before, ir.Const):  # r = A[1] of a constant array A = np.zeros(...): r op= v writes
                    before = self.constant_array_staged(stmt.target.id, before, stmt.target)  # into A's array
                if before is not None and self.written_through_view(stmt.target.id, before, stmt):
                    self.writes_staged_again.add(stmt.lineno)  # (where row may be a number, which op= rebinds)
                    continue  # row = y[0]; row *= 2.0: the write y[0] = row * 2.0
                held = stmt.target.value.id if isinstance(stmt.target, ast.Subscript) and \
                    isinstance(stmt.target.value, ast.Name) else None
                before_list = self.versions.get(held) if held is not None else None
                extended = isinstance(stmt.op, ast.Add) and before is not None and self._is_list(stmt.target)
                self.assign_target(stmt.target, value)  # a += v, a[i] += v: a new version
                if extended:  # xs += [v] extends the list itself: every name of it sees that
                    self.list_changed(stmt.target.id, before, self.versions.get(stmt.target.id), stmt)
                elif before is not None:
                    self.changed_in_place(stmt.target.id, before, stmt)
                    after = self.versions.get(stmt.target.id)
                    if self.numpy and isinstance(before, ir.Const) and isinstance(after, ir.Const):
                        self.constants_in_place[after.source] = before.source  # (folded: h = np.zeros(()),
                        # h *= 2.0 is the constant np.zeros(()) * 2.0, still the 0-d array where op= wrote)
                    if self.numpy and isinstance(after, ir.Var) and isinstance(before, (ir.Var, ir.Const)):
                        # (a 0-d array stays one, np.zeros(()) too: see shapes)
                        self.in_place_values[after.name] = before.name if isinstance(before, ir.Var) else before
                if before_list is not None:  # xs[i] += v: into the array xs[i] holds
                    after = self.versions.get(held)
                    self.item_changed_in_place(held, before_list, after, self._written_item(after), stmt)
            elif isinstance(stmt, ast.Return):
                values = stmt.value.elts if isinstance(stmt.value, ast.Tuple) else [stmt.value]
                if len(values) != len(self.upstreams):
                    raise self.error(f"every return must give {len(self.upstreams)} value(s)", stmt)
                for i, value in enumerate(values):
                    self.versions[RETURN.format(i)] = self.returned(value, self.upstreams[i])
            elif isinstance(stmt, ast.If):
                self.if_stmt(stmt)
            elif isinstance(stmt, ast.For):
                self.for_stmt(stmt)
            elif isinstance(stmt, ast.While):
                self.while_stmt(stmt)
            elif isinstance(stmt, ast.Expr) and is_append(stmt):
                self.append(stmt.value.func.value, stmt.value.args[0])
            elif isinstance(stmt, ast.Expr) and is_pop(stmt.value):  # buf.pop(0): the list without that item
                self.pop(None, stmt.value.func.value, popped_first(stmt.value))
            elif isinstance(stmt, ast.Pass):
                pass

    # --- assignments ------------------------------------------------------------

    def cache_built_up(self, node):
        """The refusal of a layer's cache put together entry by entry where backgen does not follow it."""
        return self.error(f"this puts a value into {self.cache_name!r}, the cache returned, here (in a loop, a "
                          f"branch or beside other targets, a, {self.cache_name}[k] = ...): backgen reads a cache "
                          f"built in one go ({self.cache_name} = (x, w, ...)), or from empty in one block, or a "
                          f"list of a step layer's caches ({self.cache_name}.append(cache_t) of next_h, cache_t = "
                          f"step_forward(...)); build it after the loop", node)

    def set_to_none(self, target):
        """``y = None`` where ``y`` may hold a value (``tidy`` leaves out the others): ``y`` holds no
        value from here, and reading it is refused as a None.  Refused in a loop, whose next
        iteration would read the value as the loop carries it."""
        if self.loop_entries:
            raise self.error(f"{target.id} = None in a loop, where {target.id} holds a value: backgen does not "
                             f"follow a value that is None on some iterations; give {target.id} a value, or "
                             "use another name", target)
        self.versions.pop(target.id, None)
        self.forward.placeholders[target.id] = target.lineno

    def assign_target(self, target, value):
        kind = target.__class__  # (told by class: a name, for most assignments)
        if kind is ast.Name and target.id == self.cache_name:
            self.cache_assignment(value, target)  # the layer's cache: its layout, not a value
            return
        if kind is ast.Subscript and target.value.__class__ is ast.Name and target.value.id == self.cache_name:
            self.cache_put(target, value)  # cache[k] = v: refused for a backward of (dout, cache) alone
            return
        if kind is ast.Name:
            if target.id in self.config_aliases:  # bn_param2 = bn_param, bn_param = bn_params[0]: settings
                parts = [value] if isinstance(value, ast.Name) else list(value.values) if \
                    isinstance(value, ast.Dict) else [value.value, value.slice]  # (a display: settings_displays)
                display = isinstance(value, ast.Dict)
                reason = (f"{target.id} = {{...}}: a dict written out and handed on whole is read as settings, "
                          "which carry no gradient, and a differentiated value flows into its entries here: pass "
                          "that value on as an argument of its own") if display else None
                self.bind(target.id, self.inert(value, parts, lambda: target.id, "settings", opaque=True,
                                                own_line=display, reason=reason))
                return
            if value.__class__ is ast.Constant and value.value is None:  # y = None where y held a value
                self.set_to_none(target)
                return
            if is_pop(value):  # x = xs.pop(): the last item, and the list without it
                self.pop(target.id, value.func.value, popped_first(value))
                return
            held = self.not_value(value)
            empty = value.__class__ is ast.Dict and not value.keys or value.__class__ is ast.Call and \
                isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args and \
                not value.keywords and "dict" not in self.versions and self.env.get("dict", "dict") == "dict" and \
                "dict" not in self.forward.helpers  # ({} or dict(): a new dict)
            if held is None and empty:  # caches = {}: for caches
                if self.value_dict(target.id):
                    self.dict_made(target.id, value)
                    return
                held = (None, "dict", self.line)
            if held is None and value.__class__ is ast.Dict and value.keys:  # a dict written out that named_entries
                held = (None, "dict display", self.line)  # left whole (a helper's cache = {"Z1": Z1, ...} written
                # out in its caller): no value, refused where read, as a dict is
            if held is not None:  # cache = (fc_cache, relu_cache): caches of layers, still no values
                self.not_values[target.id] = held
                self.versions.pop(target.id, None)
                return
            self.assign(target.id, value)
            return
        if isinstance(target, ast.Subscript):
            self.setitem(target, value)
            return
        names = [elt.id for elt in target.elts]
        unpacked = self.cache_name in names and not self.cache_handed_on(value, names)  # the cache set as a part:
        if unpacked and names.count(self.cache_name) != 1:  # no value (refused for a backward of the cache alone)
            raise self.error(f"{self.cache_name!r} is set twice on this line: set the cache once", target)
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(names):
            if not source.name_ids(value) & set(names) and len(set(names)) == len(names) and not any(
                    isinstance(elt, ast.Starred) for elt in value.elts):
                for name, elt in zip(names, value.elts):  # no value reads a name set here: one at a time,
                    self.assign_target(ast.copy_location(ast.Name(name, ast.Store()), target), elt)  # named so
                return
            atoms = [self.cache_parts(elt) if name == self.cache_name else self.expr(elt)  # all right-hand
                     for name, elt in zip(names, value.elts)]  # sides first
            for name, atom in zip(names, atoms):
                if name != self.cache_name:
                    self.bind(name, atom)  # the names take the staged values (set here, as by an assignment)
            if unpacked:
                self.cache_unpacked(value, target)
            return
        roles = self.unpacked_roles(value, len(names))
        if roles is not None:  # out, cache = layer(x): out alone is a value; the cache is the user's own
            outs = [ast.copy_location(ast.Name(n, ast.Store()), target) for n, r in zip(names, roles) if r == "out"]
            for name, role in zip(names, roles):
                if role != "out":
                    self.not_values[name] = (value.func.id, role, self.line)
                    self.versions.pop(name, None)
            self.unpacking_roles = True
            try:
                self.assign_target(outs[0] if len(outs) == 1 else ast.copy_location(ast.Tuple(outs, ast.Store()),
                                                                                    target), value)
            finally:
                self.unpacking_roles = False
            if self.cache_name in names:  # out_flat, cache = batchnorm_forward(...): that layer's cache
                self.layer_cache(value, target)
            return
        whole = self.expr(value, role="parts")
        if isinstance(value, ast.Call) and isinstance(whole, ir.Var):
            self.unpacked_calls.add(whole.name)  # (a helper's values, np.linalg.eigh's: a tuple, maybe)
        held = str(whole)
        if held in names[:-1]:  # x, y = x: each item is read from the value before the line, not from the
            held = self.namer.fresh(held)  # x its first item rebinds (held under a name of its own)
            self.versions[held] = whole
        for i, name in enumerate(names):
            item = ast.Subscript(ast.Name(held, ast.Load()), ast.Constant(i), ast.Load())
            ast.copy_location(item, value)
            self.versions.setdefault(held, whole)
            if name != self.cache_name:
                self.assign(name, item)
        if held != str(whole):
            del self.versions[held]
        if unpacked:
            self.cache_unpacked(value, target)

    def value_dict(self, name):
        """Whether ``name = {}`` makes a dict of values: one the function fills by ``name[k] = v`` and
        reads by ``name[k]`` alone (another name may hold it, ``e = name``; ``k in name`` and
        ``len(name)`` read no value), no entry a layer's cache (a name a helper's call unpacks, ``out,
        c = layer(x)``) nor written where a call's results are unpacked (``a, name['fc'] = layer(x)``).
        Such a dict is staged as a list is (``memory``): each write a new version of it, its gradient a
        dict of the same keys.  Refused where the function iterates over it or calls its methods
        (``d.items()``, ``for k in d``, ``d.get(k)``)."""
        func = self.func
        unpacked = {t.id for node in walk(func) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    for target in node.targets if isinstance(target, (ast.Tuple, ast.List))
                    for t in walk(target) if isinstance(t, ast.Name)}
        grouped = []  # (name, the names its value is made of): cache = (fc_cache, relu_cache), c = cache, and
        for node in walk(func):  # a, c = (out, cache) item by item, as a layer written out in its caller has
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and isinstance(value, (ast.Tuple, ast.List, ast.Name)):
                grouped.append((target.id, {e.id for e in getattr(value, "elts", [value]) if isinstance(e, ast.Name)}))
            elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
                    len(target.elts) == len(value.elts):
                grouped += [(t.id, {v.id}) for t, v in zip(target.elts, value.elts)
                            if isinstance(t, ast.Name) and isinstance(v, ast.Name)]
        grown = True
        while grown:  # (cache = (fc_cache, relu_cache) of names unpacked from calls, or another name of one, as
            # a layer written out into its caller makes it: a cache too)
            grown = False
            for target, items in grouped:
                if target not in unpacked and items & unpacked:
                    unpacked.add(target)
                    grown = True
        entries, plain = set(), set()
        for node in walk(func):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name:
                entries.add(id(node.value))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == name and \
                    all(isinstance(t, ast.Name) for t in node.targets):
                plain.add(id(node.value))  # (e = d: another name of it)
            elif isinstance(node, ast.Compare) and all(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                plain.update(id(c) for c in node.comparators)  # (k in d: whether a key was written)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and \
                    len(node.args) == 1 and not node.keywords:
                plain.add(id(node.args[0]))  # (len(d): how many keys)
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    written = [t for t in walk(target) if isinstance(t, ast.Subscript) and
                               isinstance(t.value, ast.Name) and t.value.id == name]
                    if written and (not isinstance(target, ast.Subscript) or isinstance(node.value, ast.Name) and
                                    node.value.id in unpacked):
                        return False  # (a, caches['fc'] = layer(x); caches[i] = cache: a dict of caches)
        for node in walk(func):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and \
                    id(node) not in entries and id(node) not in plain:
                return self.dict_used_whole(name, node, func)
        return True

    def dict_used_whole(self, name, node, func):
        """``name``, a dict the function fills, read otherwise than by its entries at ``node``: refused
        clearly where it is iterated over or a method of it called; False (left to the rest of backgen,
        which refuses a dict read whole) for any other use."""
        for other in walk(func):
            looped = isinstance(other, (ast.For, ast.comprehension)) and other.iter is node
            called = isinstance(other, ast.Attribute) and other.value is node
            if looped or called:
                what = f"its method .{other.attr}()" if called else "a loop over it"
                raise self.error(f"{name!r} is a dict the function fills (d[k] = v), read here by {what}: backgen "
                                 f"follows such a dict through its entries alone, {name}[k] = v and {name}[k]; read "
                                 "the entries by the keys written (for t in range(T): ... "
                                 f"{name}[t])", other if looped else node)
        return False

    def dict_made(self, name, value):
        """``name = {}``, a dict of values (``value_dict``): a line of its own making the new dict,
        which writes then fill as they fill a list (``[None] * T``)."""
        made = self.namer.version(name) if name in self.defined else name
        self.namer.take(made)
        self.defined.add(made)
        self.add(ir.Op(made, "copy", (ir.Const("{}"),), self.line, (), "{}"))
        self.not_values.pop(name, None)
        self.value_dicts.add(name)
        self.bind(name, ir.Var(made))

    def not_value(self, value):
        """What a name holding a cache (or gradient) a helper returned holds, or a tuple holding one
        (``cache = (fc_cache, relu_cache)``: a cache too): the first's ``(helper, role, line)``; None
        for anything else."""
        if isinstance(value, ast.Name):  # (one a loop carries is bound too: a list of caches after it)
            return self.not_values.get(value.id)
        if isinstance(value, (ast.Tuple, ast.List)):
            found = next((found for found in map(self.not_value, value.elts) if found is not None), None)
            if found is None and any(e.__class__ is ast.Dict and e.keys for e in value.elts):  # (a_next, xt, {...})
                found = (None, "dict display", self.line)
            return found
        return None

    def unpacked_roles(self, value, count):
        """The roles of what a call of the user's helper returns, unpacked into ``count`` names, where
        some are not outputs (``out, cache = affine_forward(x, w, b)``); else None."""
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and
                value.func.id in self.forward.helpers and value.func.id not in self.versions):
            return None
        try:
            roles = helper_roles(read_helper(self.forward, value.func.id))
        except BackgenError:
            return None
        return roles if roles is not None and len(roles) == count and "out" in roles else None

    def setitem(self, target, value):
        """``a[idx] = v``: a new version of ``a``, a copy with that part replaced."""
        if isinstance(target.value, ast.Name) and target.value.id in self.not_values:  # caches[i] = cache: a
            return  # dict of caches, no value (any read of it is refused; in a loop too, which carries it)
        if not isinstance(target.value, ast.Name) or target.value.id not in self.versions:
            raise self.error("write into an array held by a variable (a[...] = v)", target)
        name = target.value.id
        self.check_fresh(name, target.value)  # writing into an array changed unseen is reading it
        base = self.versions[name]
        if isinstance(base, ir.Const):  # mask = np.ones(N); mask[0] = 0: the array is staged, then written
            base = self.constant_written(name, base, target)
        if self.linked_constant(base.name) is not None:
            raise self.error(f"{name} may be the constant array {self.linked_constant(base.name)} another name "
                             "holds (on some path of a branch or a loop, or through a list, a view or a helper's "
                             "result), which this write would change too; backgen does not follow that: write into "
                             f"a copy ({name} = {name}.copy())", target)
        if value.__class__ is ast.Tuple and not self._is_list(target.value) and \
                not any(e.__class__ is ast.Starred for e in value.elts):  # traj[:, i] = x, v: NumPy reads the
            value = ast.copy_location(ast.List(value.elts, ast.Load()), value)  # tuple as it reads the list
        written = self.expr(value)
        if name in self.value_dicts and written.__class__ is ir.Const and \
                isinstance(getattr(source.expression(written.source), "value", None), str):  # (d["mode"] = "train")
            raise self.error(f"this puts a string into the dict {name!r}, which holds values backgen differentiates "
                             "(its gradient a dict of their zeros and gradients): keep settings in a dict of their "
                             "own, or in names", target)
        index, index_vars = self.index(target, base)
        new = self.namer.version(name)
        self.defined.add(new)
        params = (("index", index), ("index_vars", repr(tuple(index_vars))))
        op = ir.Op(new, "setitem", (base, written), self.line, params, f"{base}.copy()")
        if name in self.config:  # bn_param["running_mean"] = ...: which key of the dict of settings this sets
            self.settings_keys[new] = (index, base)
        if isinstance(written, ir.Var) and self._index_kind(op) != "index" and not self.integer_fancy(index) and \
                self.sharing(written.name) & self.sharing(base.name):  # (through integer arrays NumPy copies
            # a value sharing the array's memory first, as the staged write reads it; through a mask not)
            raise self.error(f"the value written shares memory with {name!r}, and a fancy index writes "
                             "element by element, so NumPy's result depends on the order: write a copy "
                             "of the value (.copy())", target)
        self.add(op)
        if base.name in self.list_atoms:  # xs[i] = v on a list: the list object changes (every name of it
            marks = self.stale.get(name)  # sees that), not the arrays it holds, which other names may hold
            self.bind(name, ir.Var(new))
            self.list_changed(name, base, ir.Var(new), target)
            if marks:
                self.stale[name] = marks
            self.cache_written(name, base, target, same_only=True)
            return
        self.bind(name, ir.Var(new))
        self.written(name, base, ir.Var(new), target)  # names sharing its memory see the write

    def constant_written(self, name, constant, target):
        """The staged value ``name`` holds before a write into the constant array it names, which a
        line of its own now makes (``mask = np.ones(4)``); other names of the same array (``b = a``)
        hold it too.  Refused where the constant may not be a new array of its own (a number, a
        module's array), or where a view, a list or a tuple holds it."""
        if source.number_text(constant.source) is not None or not new_array(constant.source):
            copy_of = f"{name}.copy()" if constant.source.startswith("[") else f"np.array({name})"  # (a list: plain)
            raise self.error(f"{name} is a constant here, which backgen cannot tell is a new array of its own: "
                             f"write into a copy ({name} = {copy_of})", target)
        same = [other for other, atom in self.versions.items() if atom is constant]  # b = a: one array
        others = self.constant_holders(name, constant, same)
        if others and self.numpy:
            view = self.constant_view_staged(name, constant, others, same, target) or \
                self.constant_base_staged(name, constant, others, same, target) or \
                self.constant_family_staged(name, constant, others, same, target)
            if view is not None:
                return view
        if others:
            raise self.error(f"{name} shares its array with {others[0]} here, and this line writes into it: "
                             f"backgen does not follow the write to {others[0]}; give {name} a copy of its own "
                             f"({name} = {name}.copy()), or write by one name", target)
        made = self.namer.version(name) if name in self.defined else name
        self.namer.take(made)
        self.defined.add(made)
        staged = ir.Op(made, "copy", (constant,), self.line, (), str(constant))
        self.constants_staged.add(staged)  # (the line made here holds an array of its own)
        self.add(staged)
        for other in same:  # every name of the array holds the staged value: the write reaches them all
            self.bind(other, ir.Var(made))
        return ir.Var(made)

    def constant_array_staged(self, name, constant, target, alone=False):
        """Before ``name op= v``, where ``name`` holds the constant ``constant``: where other names hold
        that constant array or views of it (``A = np.zeros((3, 4))``, ``r = A[1]``), the array and its views
        staged on lines of their own, as before a write into it (``constant_written``), so that the write is
        followed as through any view; ``name``'s staged value then, or ``constant`` where nothing else holds
        it (op= then makes a new value, or writes into an array no other name sees) or backgen cannot stage
        it so (the names it changes are marked stale by ``changed_in_place``, their reads refused).  With
        ``alone`` (a loop writing into it: carried as an array), staged where no other name holds it too."""
        if not self.numpy or not may_be_array_constant(constant) or not new_array(constant.source) or \
                constant.source in self.constants_in_place:  # (v = np.zeros(()); v *= 0.5 folded into the
            return constant  # constant np.zeros(()) * 0.5: a number where it runs apart, the 0-d array here)
        same = [other for other, atom in self.versions.items() if atom is constant]
        others = self.constant_holders(name, constant, same)
        if not others:  # (b = a of a = np.zeros(()): one array, which op= writes into where it is an array)
            if len(same) < 2 and not alone or self._written_before((), same):
                return constant
            made = ir.Var(self._constant_staged(name, constant))
            for other in same:
                self.bind(other, made)
            return made
        staged = self.constant_view_staged(name, constant, others, same, target) or \
            self.constant_base_staged(name, constant, others, same, target) or \
            self.constant_family_staged(name, constant, others, same, target)
        return staged if staged is not None else constant

    def constant_view_staged(self, name, constant, others, same, target):
        """``T = A.T`` (``A[1:]``, ``A.reshape(...)``) of a constant array ``A`` holds, written into: ``A``'s
        array staged on a line of its own and ``T`` staged as that view of it, so that the write is followed
        into ``A`` as through any view; the staged ``T`` (an ir.Var), or None where other values than the
        names of that one array hold it."""
        node = source.expression(constant.source)
        inner = node.value if isinstance(node, (ast.Subscript, ast.Attribute)) else \
            node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        if inner is None or isinstance(node, ast.Attribute) and node.attr != "T" or \
                isinstance(node, ast.Call) and node.func.attr not in VIEW_METHODS or \
                isinstance(node, ast.Subscript) and not basic_index(index_text(node)):
            return None  # (an index by names: a loop's row of it, for row in A)
        if self._written_before(others, same):
            return None
        held = ast.dump(inner)
        bases = {id(atom): atom for other, atom in self.versions.items() if other in others}
        if len(bases) != 1:  # (one array: the same constant, not the same text made twice, A.copy() twice)
            return None
        base = next(iter(bases.values()))
        if not isinstance(base, ir.Const) or ast.dump(source.expression(base.source)) != held or \
                not new_array(base.source) or source.number_text(base.source) is not None or \
                any(not self._new_of_constant(op) for text, uses in self.constants_held.items()
                    if constants_may_share(text, base.source) for op, _ in uses):
            return None  # (the view of another array, or values made from it: a list, a helper's result)
        holder = sorted(others)[0]
        if self.constant_holders(holder, base, set(others) | set(same) | {name}):
            return None  # (another view of the array: V1 = A.T beside T = A[1:])
        made = self._constant_staged(holder, base)
        for other in others:
            self.bind(other, ir.Var(made))
        self.assign(name, _view_taken_of(node, holder, target))
        view = self.versions[name]
        for other in same:
            self.bind(other, view)
        return view if isinstance(view, ir.Var) else None

    def constant_base_staged(self, name, constant, others, same, target):
        """``A`` of a constant array, written into, of which the names ``others`` hold views (``r = A[0]``,
        ``T = A.T``, ``A.reshape(...)`` of a new array, C-contiguous): ``A``'s array staged on a line of its own
        and each view staged as that view of it, so that the write is followed into them as through any
        view; the staged ``A`` (an ir.Var), or None where other values than those views hold it."""
        if not new_array(constant.source) or source.number_text(constant.source) is not None or \
                self._written_before(others, same):
            return None
        ordered = c_constant(constant.source, self.modules.get("np", "np"))  # (else a reshape of it may copy)
        held = ast.dump(source.expression(constant.source))
        views = {}
        for other in others:
            atom = self.versions.get(other)
            node = source.expression(atom.source) if isinstance(atom, ir.Const) else None
            inner = node.value if isinstance(node, (ast.Subscript, ast.Attribute)) else \
                node.func.value if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
            if inner is None or ast.dump(inner) != held or isinstance(node, ast.Attribute) and node.attr != "T" or \
                    isinstance(node, ast.Call) and node.func.attr not in VIEW_METHODS or \
                    isinstance(node, ast.Subscript) and not basic_index(index_text(node)) or \
                    isinstance(node, ast.Call) and node.func.attr in ("reshape", "ravel", "view") and not ordered:
                return None  # (a view of a view, an index by names, or another value holding it)
            views[other] = node
        if any(not self._new_of_constant(op) for text, uses in self.constants_held.items()
               if constants_may_share(text, constant.source) for op, _ in uses):
            return None  # (values made from it that may hold it: a list, a helper's result)
        made = self._constant_staged(name, constant)
        for other in same:
            self.bind(other, ir.Var(made))
        for other, node in sorted(views.items()):  # each view taken again, of the array staged
            self.assign(other, _view_taken_of(node, name, target))
        return ir.Var(made)

    def constant_family_staged(self, name, constant, others, same, target):
        """The constant array ``name`` holds and every view of it the names ``others`` and ``same`` hold,
        however deep (``a = np.linspace(0, 1, 12).reshape(3, 4)``, ``v = a[0:2]``, ``w = v[:, 1]``), staged
        on lines of their own as those views of the array (its line under the name holding it, or a name of
        its own), so that a write through any of them is followed into the others as through any view;
        ``name``'s staged value (an ir.Var), or None where a holder is no name of that array as far as
        backgen can tell (a list, a merge, a helper's result, a constant of another origin, one written
        into already)."""
        family, todo = set(), [name, *same, *others]
        while todo:  # (and what may hold the array of any of them: t = np.einsum('ij->ji', A), a view of A)
            member = todo.pop()
            if member in family:
                continue
            if not isinstance(self.versions.get(member), ir.Const):
                return None  # (a list, a merge, a helper's result, a line's value)
            family.add(member)
            todo += self.constant_holders(member, self.versions[member], [member])
        if self._written_before(family, ()):
            return None
        root = _array_made(source.expression(constant.source))
        if root is None:
            return None
        held = ast.dump(root)
        groups = {}  # id of a constant -> the names holding it, in order
        for other in sorted(family):
            atom = self.versions[other]
            found = _array_made(source.expression(atom.source))
            if found is None or ast.dump(found) != held or not self.related_constants(atom, constant):
                return None
            groups.setdefault(id(atom), []).append(other)
        base = next((names[0] for names in groups.values()
                     if ast.dump(source.expression(self.versions[names[0]].source)) == held), None)
        atoms = {key: self.versions[names[0]] for key, names in groups.items()}
        made = self._constant_staged(base or self.namer.fresh("made"), ir.Const(source.to_source(root)))
        if base is None:  # (the array no name holds, read by the views staged below under the name made for it)
            self.versions[made] = ir.Var(made)
        for key, names in sorted(groups.items(), key=lambda item: (  # (the array first: the views read it)
                ast.dump(source.expression(atoms[item[0]].source)) != held, item[1][0])):
            if ast.dump(source.expression(atoms[key].source)) == held:
                value = ir.Var(made)
            else:
                self.assign(names[0], _with_base(source.expression(atoms[key].source), held, made, target))
                value = self.versions[names[0]]
            for other in names:
                self.bind(other, value)
        if base is None:
            del self.versions[made]
        return self.versions[name] if isinstance(self.versions[name], ir.Var) else None

    def _written_before(self, others, same):
        """Whether an earlier write through a view may have changed the constant array the names
        ``others`` and ``same`` hold (one of them is stale): staged again it would lose that write."""
        return any(name in self.stale for name in (*others, *same))

    def _constant_staged(self, name, constant, made=None):
        """The constant array ``constant`` staged on a line of its own under ``name`` (or a new version of
        it; ``made``: that name, taken already), known C-contiguous where it is one (``np.zeros((3, 4))``: its
        reshape a view); the name made."""
        if made is None:
            made = self.namer.version(name) if name in self.defined else name
        self.namer.take(made)
        self.defined.add(made)
        staged = ir.Op(made, "copy", (constant,), self.line, (), str(constant))
        self.constants_staged.add(staged)
        self.add(staged)
        if c_constant(constant.source, self.modules.get("np", "np")):
            self.c_order.add(made)
        return made

    def _new_of_constant(self, op):
        """Whether the staged operation ``op`` reading a constant array certainly holds none of it: a
        new array (arithmetic, a NumPy function that computes, ``np.einsum`` of two operands), an index by
        an array (a copy), or the line staging the constant itself."""
        return _makes_new_array(op) or op in self.constants_staged or \
            op.rule == "getitem" and self._index_kind(op) == "copy"

    def constant_holders(self, name, constant, same=()):
        """What else may hold the constant array ``name`` holds (a write into it would change them
        too): other names of it (but ``same``), names holding a view of it or it in a tuple, and the
        values made from it that may hold it (a list, a branch's merge, a helper's result)."""
        holders = [other for other, atom in self.versions.items() if other != name and other.isidentifier()
                   and other not in same and (atom is constant or isinstance(atom, ir.Const) and (
                       constants_may_share(atom.source, constant.source)) and
                       not self.distinct_constants(atom, constant))]  # (np.zeros(3) spelled twice: two arrays)
        for other, atom in self.versions.items():  # a loop's or a branch's value that may be that array
            linked = self.linked_constant(atom.name) if isinstance(atom, ir.Var) and other != name and \
                other.isidentifier() and other not in same and other not in holders else None
            if linked is not None and constants_may_share(linked.source, constant.source):
                holders.append(other)
        holders += [f"the value made on line {op.line}" for text, uses in self.constants_held.items()
                    if constant_may_hold(text, constant.source) for op, atom in uses
                    if (atom is constant or text != constant.source)  # (the same text again: another array)
                    and not self._new_of_constant(op)]
        return holders

    def pop(self, name, items, first=False):
        """``x = xs.pop()``: ``x = xs[-1]`` and a new version of the list, ``xs[:-1]``; with ``first``,
        ``x = xs.pop(0)``: ``x = xs[0]`` and ``xs[1:]``; ``name`` None: ``xs.pop()`` standing alone."""
        if items.id not in self.versions:
            raise self.error(f"{items.id!r} is not a list assigned in the function", items)
        if name is not None:
            end = ast.Constant(0) if first else ast.UnaryOp(ast.USub(), ast.Constant(1))
            taken = ast.copy_location(ast.Subscript(ast.Name(items.id, ast.Load()), end, ast.Load()), items)
            self.assign(name, ast.fix_missing_locations(taken))
        kept = ast.Slice(ast.Constant(1), None, None) if first else \
            ast.Slice(None, ast.UnaryOp(ast.USub(), ast.Constant(1)), None)
        rest = ast.fix_missing_locations(ast.copy_location(ast.Subscript(ast.Name(items.id, ast.Load()), kept,
                                                                         ast.Load()), items))
        before, marks = self.versions[items.id], self.stale.get(items.id)
        self.assign(items.id, rest)
        self.list_changed(items.id, before, self.versions[items.id], items)
        if marks:  # the same list, changed: what a write made stale in it still is (xs[0] was h, h *= 3.0)
            self.stale[items.id] = marks

    def append(self, target, value):
        """``xs.append(v)``: a new version of the list, ``xs_1 = xs + [v]``."""
        name = target.id
        if name not in self.versions and name != self.cache_name:
            raise self.error(f"{name!r} is not a list assigned in the function", target)
        held = self.not_value(value)
        if held is not None:  # cache.append(step_cache): a list of caches, no value (its reads refused)
            self.not_values[name] = held
            return
        if name == self.cache_name:
            self.cache_put(target, value)  # refused for a backward of (dout, cache) alone
            return
        base = self.versions[name]
        item = self.expr(value)
        new = self.namer.version(name) if name in self.defined else name
        self.namer.take(new)
        self.defined.add(new)
        self.add(ir.Op(new, "list_append", (base, item), self.line, (), f"{base} + [{item}]"))
        marks = self.stale.get(name)
        self.bind(name, ir.Var(new))
        self.list_changed(name, base, ir.Var(new), target)
        if marks:  # the same list, one item longer: what a write made stale in it still is (hs = [h];
            self.stale[name] = marks  # h *= 3.0; hs.append(x); hs[0] is 3 * h)
        self.cache_written(name, base, target, same_only=True)  # a cached list holds what is appended

    # --- if ------------------------------------------------------------------------

    def if_stmt(self, stmt):
        test = self.condition(stmt.test)
        taken = _taken(test, stmt)
        if taken is not None:  # a test of constants (a loop over a zip of a setting written out runs): one path
            self.block(taken)
            return
        before = dict(self.versions)
        edges = len(self.merge_edges)  # (those this if's paths add: merge_places)
        unset = set(self.unset)  # as the if starts: each branch may set some
        conditional = dict(self.conditional)  # names an earlier if set on one path only
        self.tests.append(set(_names(test)))
        stale = dict(self.stale)  # each path from the names as the if starts; after it, stale if on either
        try:
            self.guards.append((test, True))
            body, then_versions = self.sub_block(stmt.body, before)
            inner = {n for n, v in self.conditional.items() if conditional.get(n) != v}  # (set on one path of
            self.guards[-1] = (test, False)  # an if inside a branch: a copy of it after this if may read nothing)
            self.stale, stale = {**stale}, self.stale
            self.unset = set(unset)  # (the else starts where the if does: what the body set is unset there)
            orelse, else_versions = self.sub_block(stmt.orelse, before)
            inner |= {n for n, v in self.conditional.items() if conditional.get(n) != v}
        finally:
            self.tests.pop()
            self.guards.pop()
        for name, marks in stale.items():  # stale after the if where either path made it so
            self.stale[name] = self.stale.get(name, ()) + tuple(m for m in marks if m not in self.stale.get(name, ()))
        merged = {}
        changed = [n for n in set(then_versions) | set(else_versions)
                   if then_versions.get(n) != else_versions.get(n)]
        dead = self.dead_after(stmt, changed if self.unmerged else [n for n in changed if n in conditional or
                                                                    n in inner])
        # (a name an earlier if set on one path only, read nowhere after this one: no copy of the value it
        # may not have, t = x_1 where the earlier if did not run x_1 = ...)
        then_versions = {n: v for n, v in then_versions.items() if n not in dead}
        else_versions = {n: v for n, v in else_versions.items() if n not in dead}
        shared = {atom for versions in (then_versions, else_versions) for atom in
                  [versions.get(n) for n in changed] if [versions.get(n) for n in changed].count(atom) > 1}
        self.shared_atoms = shared  # a value two names take: copied, not renamed
        set_on_both = {n for n in unset if then_versions.get(n) != before.get(n) and
                       else_versions.get(n) != before.get(n)}
        self.unset = unset - set_on_both
        same_paths = {}  # (value on one path, on the other) -> the name merging them
        for name in sorted(set(then_versions) | set(else_versions)):
            a, b = then_versions.get(name), else_versions.get(name)
            if name in unset:  # a carried name no path has set yet: only a branch that sets it defines it
                a = None if a == before.get(name) else a
                b = None if b == before.get(name) else b
                if a is None and b is None:
                    continue  # neither branch set it: it stays as it was
                earlier = conditional.get(name)
                if (a is None or b is None) and earlier is not None and earlier[0] == before.get(name):
                    # set on one path of an earlier if too: on this if's other path it holds that if's value
                    # or, where that if did not set it, an earlier iteration's; backgen keeps one of them
                    raise self.error(f"{name!r} is set on one path of this if and on one path of the if on line "
                                     f"{earlier[2]}, in a loop that gives it no value before them: backgen cannot "
                                     f"follow which value each path leaves in it; give {name} a value before the "
                                     "loop (or on every path of the first if)", stmt)
            if a == b:
                merged[name] = a
            elif a is None or b is None:  # assigned on one path only: as in Python, bound where that path ran
                merged[name] = a if a is not None else b
                items = body if a is not None else orelse
                if name in unset and (isinstance(merged[name], ir.Const) or isinstance(merged[name], ir.Var) and
                                      merged[name].name not in {op.target for op in ir.ops_in(items)}):
                    # a loop's value bound here to one from before the if, or to a constant: a copy on this
                    # path, so that the other paths keep the one an earlier iteration bound (a = row after a
                    # break; a = 3.0 on one path, the other keeping what an inner loop set)
                    target = self.merged_name(name)
                    items.append(ir.Op(target, "copy", (merged[name],), self.line, (), str(merged[name])))
                    self.note(items[-1])
                    self.set_on_paths(target, [self.storage.get(target), None])  # the other: as it was
                    merged[name] = ir.Var(target)
                self.conditional[name] = (merged[name], (*self.guards, (test, a is not None)), stmt.lineno)
                if before.get(name) is None and name not in unset and not self.loop_entries:
                    self.maybe_unbound[name] = merged[name]  # (no value before the if: unbound on its other path)
                if name not in unset and not self.loop_entries and self.bound_only_in(name, stmt):
                    # bound by no earlier statement, nor an earlier iteration: unbound on the other paths
                    # (and by no later one, whose merge would copy a value the paths here may not have)
                    self.unbound_elsewhere[name] = merged[name]
            else:
                earlier = conditional.get(name)
                if earlier is not None and name not in unset and before.get(name) == earlier[0] and \
                        earlier[0] in (a, b) and self.maybe_unbound.get(name) == earlier[0]:
                    # one path keeps the value an earlier if set on one of its paths only, where Python's
                    # name is unbound on the others: the copy naming that value would read what is not there
                    raise self.error(f"{name!r} is set here on one path, and the other keeps the value the if "
                                     f"on line {earlier[2]} gave it on one of its paths only (unbound where that "
                                     f"if did not set it): backgen cannot copy a value that may not exist; give "
                                     f"{name} a value before line {earlier[2]}", stmt)
                self.conditional.pop(name, None)  # set on both paths
                target = self.reuse(name, a, body) or self.reuse(name, b, orelse) or self.merged_name(name)
                body, orelse = self.deliver_both(body, a, orelse, b, target, [
                    {k: v for k, v in path.items() if k != name} for path in (then_versions, else_versions)])
                merged[name] = ir.Var(target)
                if self.numpy and isinstance(a, ir.Var) and isinstance(b, ir.Var) and (a, b) in same_paths and \
                        target not in self.storage:
                    self.storage[target] = (same_paths[(a, b)], "same", None)  # (z = y; z[0] = v on one path:
                    # y and z one array after the if, on each path the same value)
                same_paths.setdefault((a, b), target)
        self.versions = {**before, **merged}
        for name in dead:  # read nowhere after the if: a read would be refused as of a name never set
            self.versions.pop(name, None)
        breaks = getattr(stmt, "breaks", False)
        exits = ()
        if breaks:  # the carried values as the loop is left
            exits = tuple((carried, self.versions.get(name, ir.Var(carried)))
                          for name, carried in self.loop_entries[-1].items())
        self.add(ir.If(test, tuple(body), tuple(orelse), stmt.lineno, breaks, exits))
        for target, _ in self.merge_edges[edges:]:  # (a value that may share one array or another: where a
            self.merge_places.setdefault(target, (stmt.lineno, stmt.col_offset))  # write into it is refused,
            # what follows the if may be written into each path, where the sharing is one: split_place)

    def bound_only_in(self, name, stmt):
        """Whether every statement of the function binding ``name`` is in the if ``stmt``."""
        start, end = (stmt.lineno, stmt.col_offset), (stmt.end_lineno, stmt.end_col_offset)
        return all(start <= (node.lineno, node.col_offset) < end for node in source.walk(self.func)
                   if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load))

    def if_expression(self, node, name, role):
        """``a if c else b`` with computed branches: an ``if`` block computing only the branch taken."""
        test = self.condition(node.test)
        saved = self.ops
        try:
            self.ops = []
            then_value = self.expr(node.body)
            body = self.ops
            self.ops = []
            else_value = self.expr(node.orelse)
            orelse = self.ops
        finally:
            self.ops = saved
        target = name() if name is not None else self.namer.fresh(role or "pick")
        self.defined.add(target)
        edges = len(self.merge_edges)
        body, orelse = self.deliver_both(body, then_value, orelse, else_value, target)
        self.add(ir.If(test, tuple(body), tuple(orelse), self.line))
        place = self._statement_place(node.lineno) if len(self.merge_edges) > edges else None
        if place is not None:  # (its statement written as an if, what follows written into each path)
            self.merge_places.setdefault(target, place)
        return ir.Var(target)

    def sub_block(self, stmts, versions):
        saved_ops, saved_versions = self.ops, self.versions
        self.ops, self.versions = [], dict(versions)
        try:
            self.block(stmts)
            return self.ops, self.versions
        finally:
            self.ops, self.versions = saved_ops, saved_versions

    def merged_name(self, name):
        if name.startswith(" return"):
            index = int(name.split()[-1])
            base = self.upstreams[index][1:] if self.upstreams[index].startswith("d") else "out"
            target = self.output_name(base)
            self.output_merges.add(target)
            return target
        if name not in self.defined:
            self.namer.take(name)
            self.defined.add(name)
            return name
        version = self.namer.version(name)
        self.defined.add(version)
        return version

    def reuse(self, name, atom, items):
        """The branch's own name for ``name`` (``z``, not ``z_2``) when that branch defined it."""
        if isinstance(atom, ir.Var) and atom.name == name and any(op.target == name for op in ir.ops_in(items)):
            return name
        return None

    def deliver_both(self, body, then_value, orelse, else_value, target, paths=None):
        """Both branches end with ``target`` holding their value; its memory is shared as on each path
        (``paths``: the names' values at the end of each, where they differ from the current ones)."""
        relations = [self.storage.get(target) if atom == ir.Var(target) else
                     (atom.name, "same", None) if isinstance(atom, ir.Var) else None
                     for atom in (then_value, else_value)]
        self.paths_merged(target, (then_value, else_value))  # (its order in memory: each path's value's)
        for atom, versions in zip((then_value, else_value), paths or (self.versions, self.versions)):
            self.link_constant(target, atom, versions)  # (another name the same constant on that path)
        body = self.deliver(body, then_value, target)
        orelse = self.deliver(orelse, else_value, target)
        self.set_on_paths(target, relations)
        return body, orelse

    def deliver(self, items, atom, target):
        """Make ``items`` end with ``target`` holding ``atom``: rename its definition, or copy."""
        if atom == ir.Var(target):
            return list(items)  # already there (a loop updated it in place): no ``d = d``
        defined_here = {op.target for op in ir.ops_in(items) if op.rule != "copy" or op.target != target}
        carried = {c for loop in ir.loops_in(items) for c in loop.carried}
        if isinstance(atom, ir.Var) and atom.name in defined_here and atom.name not in carried \
                and atom not in getattr(self, "shared_atoms", ()) and not (
                    self.split_outputs and target in self.output_merges):  # (its line keeps its own shape)
            self.merge_edges.append((target, atom.name))  # what the old name shared, the new one may share
            if atom.name in self.list_atoms:  # (a list on this path: what it holds, the new name may hold)
                self.list_atoms.add(target)
                self.list_members.setdefault(target, set())
                self._held_by(target, atom.name)
            self.value_renamed(atom.name, target)
            if atom.name in self.read_so_far:  # read under its new name: a later loop must not reuse it
                self.read_so_far.add(target)
            return rename(items, atom.name, target)
        copy = ir.Op(target, "copy", (atom,), self.line, (), str(atom))
        self.note(copy)  # the same array under the new name
        return list(items) + [copy]

    def condition(self, node):
        """A test's source, kept whole (it carries no gradient), reading the current versions."""
        replaced = {}
        for sub in source.walk(node):
            if isinstance(sub, ast.Compare) and isinstance(sub.left, ast.Name) and \
                    sub.left.id in self.forward.placeholders and len(sub.ops) == 1 and \
                    isinstance(sub.ops[0], (ast.Is, ast.IsNot)):  # (a test the code does not decide: sentinels)
                raise self.error(f"whether {sub.left.id!r} is None here depends on the path taken (it is set to "
                                 f"None on line {self.forward.placeholders[sub.left.id]}), which backgen does not "
                                 f"follow: give {sub.left.id} a value on every path, or test a flag", sub)
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in self.versions:
                self.check_fresh(sub.id, sub)  # a test reading an array changed unseen
                replaced[id(sub)] = self.versions[sub.id]
                if isinstance(replaced[id(sub)], ir.Var):  # read again by the backward, as it was here
                    self.read_so_far.add(replaced[id(sub)].name)
            elif isinstance(sub, ast.Name) and sub.id in self.user_names and self.qualify(sub) is None:
                self.name(sub)  # raises: used before assignment
            elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id in self.forward.constants:
                replaced[id(sub)] = ir.Const(self.forward.constants[sub.id])  # the module's (MODE = "train")
        return self.spell(node, replaced)

    # --- loops -----------------------------------------------------------------------

    def for_stmt(self, stmt):
        if stmt.orelse:
            raise self.error("for ... else is not supported", stmt.orelse[0])
        if not isinstance(stmt.target, ast.Name):
            it = stmt.iter
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items" and \
                    isinstance(it.func.value, ast.Name):
                name = it.func.value.id
                if name in {a.arg for a in self.func.args.args}:
                    raise self.error(keys_needed(name, "items"), it)
                raise self.error(f"a loop over {name}.items() is followed where backgen knows the keys of {name}: a dict "
                                 f"the function builds with its keys written out (a display, dict(...)) and gives "
                                 f"no other key", it)
            raise self.error("the loop variable must be a single name", stmt.target)
        body = restructure(stmt.body)
        rebound = [n for s in stmt.body for n in source.walk(s) if isinstance(n, ast.Name)
                   and isinstance(n.ctx, ast.Store) and n.id == stmt.target.id]
        if rebound and stmt.target.id in self.read_outside(stmt, body):  # it leaves the loop with the body's value
            raise self.error(f"the loop variable {stmt.target.id!r} is assigned in the loop and read after it, "
                             "where it holds the value the body gave it last, which backgen does not follow: give "
                             "that value a name of its own", rebound[0])
        call = stmt.iter
        var = stmt.target.id
        if var in self.versions and not _runs_once_at_least(call) and var in self.read_outside(stmt, body):
            raise self.error(f"the loop variable {var!r} is read after the loop, where it holds the last item, or, "
                             "where the loop runs no iteration, the value it had before it: backgen does not "
                             f"follow which; give the value read after the loop a name of its own", stmt.target)
        backwards = isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "reversed" \
            and len(call.args) == 1 and "reversed" not in self.versions
        counted = call.args[0] if backwards else call
        renew = live = False
        spelled = None
        if isinstance(counted, ast.Call) and isinstance(counted.func, ast.Name) and counted.func.id == "range" \
                and "range" not in self.versions:
            bounds = [self.static_int(arg) for arg in counted.args]
            iterable = f"range({', '.join(bounds)})"
            iterable = f"reversed({iterable})" if backwards else iterable
            prefix = []
            held = self.versions.get(var)
            renew = held is not None and not (isinstance(held, ir.Var) and held.name in self.int_names)
            self.int_names.add(var)
        else:  # for v in xs: an index loop reading xs[i]; for v in reversed(xs): counting down
            call = counted
            self.constants_written_in(stmt, body)  # (for row in out: row += v, out = np.zeros(...))
            sequence = self.expr(call, role="seq")
            if isinstance(sequence, ir.Var):  # (messages name what the user wrote: X[1:], not seq)
                self.speak(call.id if isinstance(call, ast.Name) else sequence.name, self.user_text(call))
            holders = [name for name, atom in self.versions.items() if atom is sequence or isinstance(atom, ir.Const)
                       and isinstance(sequence, ir.Const) and constants_may_share(atom.source, sequence.source)]
            if isinstance(sequence, ir.Const) and source.number_text(sequence.source) is None and (
                    any(_writes_into(body, name) for name in holders) or _writes_into(body, var) and
                    not set(holders).isdisjoint(_bound_in(body, False))):
                # a = np.arange(4.0); for r in a: a += r; or r /= 2.0 with a bound again in the body, which
                # then names a new array while the loop writes into the rows of the one it started with
                raise self.iterates_written(self.user_text(call), call, constant=True)
            if isinstance(call, ast.Name) and _resized(body, call.id):  # Python iterates what it appends too
                raise self.error(f"the loop iterates {call.id}, which its body adds items to or takes items from: "
                                 f"Python's loop runs over the list as it changes, which backgen does not follow; "
                                 f"iterate a copy (for ... in {call.id}.copy()) or count with range", call)
            call = self.iterated_name(call, sequence, stmt, body)
            renamed = isinstance(sequence, ir.Var) and self.versions.get(sequence.name, sequence) != sequence
            reading = [ast.Expr(ast.Name(call.id, ast.Load()))] if isinstance(call, ast.Name) else []
            live = isinstance(call, ast.Name) and not renamed and isinstance(sequence, ir.Var) and \
                call.id not in _bound_in(body, self.numpy) and call.id in self.carried_names(stmt, reading + body)
            if live:  # for r in y: r *= w, the body writing into y's rows in place, never binding y (y += r
                # writes into y's array too): each item a view of the array the loop carries as it is then
                # (y[i], y read by its name in the loop); where y is a list, y += [r] adds items the loop
                # iterates too, which range(len(y)) leaves out: refused once the shapes tell
                if call.id in _bound_in(body, False):
                    self.array_hazards.append((sequence.name, self.iterates_written(call.id, call)))
            elif isinstance(sequence, ir.Var) and isinstance(call, ast.Name) and (
                    renamed or {call.id, sequence.name} & set(self.carried_names(stmt, reading + body))):
                # Python iterates the value the name had as the loop started, whatever the body rebinds
                # (renamed: W, X = X, W * 0.5; d = b, then for row in d: b = b * 0.9 + row, the value
                # the loop carries under the name b_1 read as b)
                start = self.namer.fresh(call.id + "_start")
                self.add(ir.Op(start, "copy", (sequence,), stmt.lineno, (), str(sequence)))
                sequence = ir.Var(start)
            index = self.namer.fresh("i")
            self.int_names.add(index)
            iterable = f"reversed(range(len({sequence})))" if backwards else f"range(len({sequence}))"
            item = ast.Subscript(ast.Name(call.id if live else str(sequence), ast.Load()), ast.Name(index, ast.Load()),
                                 ast.Load())
            prefix = [ast.copy_location(ast.Assign([ast.Name(var, ast.Store())], item), stmt)]
            if isinstance(sequence, ir.Const) and str(sequence) not in self.versions:
                spelled = str(sequence)  # (a constant iterated by its text, a name for this loop's body alone:
                # no value after it, which an if's merge would bind, np.full(4, 0.5) = a_1)
            self.versions.setdefault(str(sequence), sequence)
            if isinstance(sequence, ir.Var):  # Python iterates the value as the loop starts
                self.read_so_far.add(sequence.name)
            var = index
        iterated = (str(sequence), self.user_text(call)) if prefix and not live else None
        stale_before = self.stale.get(iterated[0]) if iterated else None  # (stale already: refused as any read is)
        carry = ()
        if iterated and isinstance(sequence, ir.Var):  # Python reads each item as its iteration starts: where the
            # body writes into an array the iterable shares (its rows, or X of X[1:] by name), the loop carries
            # the iterable, followed by those writes, and reads the item from it as it is then
            shared = self.sharing(sequence.name, items=True)
            if any(isinstance(self.versions.get(name), ir.Var) and self.versions[name].name in shared
                   for name in _written_through_views(stmt, prefix + body)[0]):
                carry = (iterated[0],)
        carried = bool(carry) or bool(iterated) and iterated[0] in self.carried_names(stmt, prefix + body)
        self.loop(stmt, "for", var, iterable, "", prefix + body, iterated, renew=renew, carry=carry)
        if spelled is not None:
            self.versions.pop(spelled, None)
        if iterated and self.stale.get(iterated[0], stale_before) != stale_before:
            marks = self.stale[iterated[0]][len(stale_before or ()):]
            if not carried and any(only_if_array is None for only_if_array, _, _ in marks):
                raise self.iterates_written(self.user_text(call), call)  # (where each is an op= into an item
                # that is an array only where the iterable has rows, for s in starts: x = s; x += v, refused
                # once the shapes tell: an element of a vector is a number, which op= gives a new value)
            for only_if_array, _, in_place in marks:
                # a write the loop's next iteration reads the item after, not followed: refused, but where it
                # is an op= that writes into an array where the value is one (r += r of an item), as a read
                # of a name it made stale is, the error staging it again as that write (``check_fresh``)
                error = self.iterates_written(self.user_text(call), call)
                if only_if_array is None:
                    raise error
                error.written_in_place = in_place
                error.certain_array = in_place in self.array_in_place
                self.hazards.append((only_if_array, error))

    def constants_written_in(self, stmt, body):
        """Each array made of constants that the loop ``stmt``'s ``body`` writes into, by its name or through
        a view of it (``out = np.zeros(...)``, then ``row = out[i]; row += v``, or ``for row in out: row += v``)
        staged on a line of its own as the loop starts, so that the loop carries it and the writes are
        followed into it (not a constant written out as the iterable: ``for row in np.ones((3, 2))``)."""
        if self.numpy:
            for name in sorted(_written_through_views(stmt, body)[0]):
                if name.isidentifier() and isinstance(self.versions.get(name), ir.Const):
                    self.constant_array_staged(name, self.versions[name], stmt, alone=True)

    def iterated_name(self, call, sequence, stmt, body):
        """The name to iterate for ``call``: another name of the very array (``a = c``, ``a = p`` of a
        helper's parameter) where the body writes into the array by that name and binds neither, as
        Python's loop reads each item from the array as it is then (``for row in a: c[-2] += row``); else
        ``call``."""
        if not (self.numpy and isinstance(call, ast.Name) and isinstance(sequence, ir.Var)) or \
                call.id in _bound_in(body, False):
            return call
        written = {n.value.id for s in body for n in source.walk(s) if isinstance(n, ast.Subscript)
                   and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name)}
        array = self._same_array(sequence.name)
        for name in sorted(written - _bound_in(body, False) - {call.id}):
            atom = self.versions.get(name)
            if isinstance(atom, ir.Var) and self._same_array(atom.name) == array:
                return ast.copy_location(ast.Name(name, ast.Load()), call)
        return call

    def while_stmt(self, stmt):
        if stmt.orelse:
            raise self.error("while ... else is not supported", stmt.orelse[0])
        body = restructure(stmt.body)
        self.loop(stmt, "while", "", "", None, body)

    def loop(self, stmt, kind, var, iterable, test, body, iterated=None, renew=False, carry=()):
        """Stage a loop; ``var``: its counter (a name), ``renew``: a name that holds a value of another
        kind before the loop (x = ...; for x in range(2)), the counter taking a version of its own;
        ``carry``: names the loop carries too (the iterable it reads items from, which the body writes into)."""
        self.constants_written_in(stmt, body)
        aliases = self.carried_aliases(stmt, body)
        carried = sorted(self.carried_names(stmt, body) | set(carry) | aliases)
        followers = self.loop_followers(stmt, body, carried)
        followed = {name: self.versions[name] for name in followers.values()}  # (their arrays as the loop starts)
        starts_from = _read_before_written([stmt] if kind == "while" else body, set())
        for name in carried:
            if self.unguarded(name) and name in starts_from:  # (the loop drops the value: an if's, where the
                raise self.may_be_unassigned(name, stmt)  # loop starts, on one path only)
            if self.unguarded(name) and not (kind == "for" and _runs_once_at_least(stmt.iter) and
                                             name in _set_on_every_path(body)):
                atom, guards, line = self.conditional[name]  # (nor where it may leave the loop with that value)
                test, taken = guards[-1]
                raise self.error(f"{name!r} holds the value set {'when' if taken else 'unless'} {test} (line "
                                 f"{line}) as this loop starts, and keeps it where the loop does not set it: "
                                 f"backgen does not follow that value through the loop; give {name} a value "
                                 "before that if, or on every path of it", stmt)
        exits = []
        entry = {}
        for name in carried:
            before = None if self.unguarded(name) else self.versions.get(name)  # unguarded: the loop sets it
            sharing = isinstance(before, ir.Const) and not _number_arithmetic(before.source, self.modules["math"]) and \
                _writes_into(body, name) and self.constant_holders(name, before)  # (a number: += binds anew)
            if sharing:
                raise self.error(f"{name} shares its array with {sharing[0]} here, and this loop writes into it: "
                                 f"backgen does not follow the write to {sharing[0]}; give {name} a copy of its "
                                 f"own before the loop ({name} = {name}.copy()), or write by one name", stmt)
            in_use = before is not None and (before.name in self.read_so_far if isinstance(before, ir.Var) else True
                                             or any(before.name in t for t in self.tests))
            if isinstance(before, ir.Var) and before.name not in self.aliased(name) and not in_use and \
                    not any(before.name in t for t in self.tests) and not self.viewed(before.name) and \
                    name not in followed and name not in aliases and \
                    (before.name == name or before.name.startswith(name + "_")):
                entry[name] = before.name  # nothing else reads the value before the loop: update it in place
            else:
                carried_name = self.merged_name(name)
                if before is not None:
                    self.add(ir.Op(carried_name, "copy", (before,), stmt.lineno, (), str(before)))
                entry[name] = carried_name
        for name in self.integer_carried(body, entry):  # (a while loop's counter, i += 1: out[i] is a view)
            self.int_names.add(entry[name])
        for name, carried_name in entry.items():  # (its order in memory: unknown in the body, where it may be
            self.loop_entered(carried_name, None if self.unguarded(name) else self.versions.get(name))  # any
        if self.numpy:
            self.refuse_shared_rebound(stmt, body, carried, starts_from)
        related = self.relate_carried(stmt, body, carried, entry)  # iteration's)
        if var:
            if var in self.read_so_far or any(isinstance(atom, ir.Var) and atom.name == var
                                              for key, atom in self.versions.items() if key != var) or renew:
                # the value an earlier loop left in ``var`` is read (or held by another name, a = i, read
                # later): the backward, which undoes this loop before those reads, must not overwrite it.
                # So also where the name now stands for another value (an outer loop carrying it as i_1,
                # its first iteration written out before it reading i itself), and where the name holds
                # a value of another kind (x = ...; for x in range(2)): read after, it is the counter
                renamed = self.namer.version(var)
                self.int_names.add(renamed)
                self.bind(var, ir.Var(renamed))
                var = renamed
            self.namer.take(var)
            self.defined.add(var)
            self.constants_computed(var)  # (s = pow(xs[i], 2) after an earlier loop over i: its i, not this one's)
            self.bind(var, ir.Var(var))
        inner = dict(self.versions)
        inner.update({name: ir.Var(carried_name) for name, carried_name in entry.items()})
        if kind == "while":
            saved = self.versions
            self.versions = inner
            test = self.condition(stmt.test)
            self.versions = saved
        unset = self.unset  # carried names an enclosing loop has not given a value yet
        fresh_names = {name for name in carried if self.versions.get(name) is None or name in unset
                       or self.unguarded(name)}
        fresh = tuple(entry[name] for name in carried if name in fresh_names)
        if not self.loop_entries:  # a name no statement before the loop bound: unbound, as Python's, until
            self.unbound_names |= {entry[name] for name in carried if name not in self.versions  # the loop
                                   and name not in self.forward.placeholders}  # sets it (not None: y = None)
        self.loop_entries = self.loop_entries + [entry]
        self.unset = unset | fresh_names
        writes_before = len(self.writes)
        stale_before = dict(self.stale)
        again = stmt.body if isinstance(stmt, ast.For) else [stmt]  # what the next iteration reads first
        targets = names_of(stmt.target) if isinstance(stmt, ast.For) \
            else set()  # (bound as each iteration starts)
        first = _read_before_written(again, targets)  # (what an iteration reads before it writes)
        outside = self.read_outside(stmt, body) | first  # before staging renames
        for name in sorted(first & set(self.forward.placeholders)):
            # None as the loop starts (a placeholder tidy left out, given no value since): the first
            # iteration reads it
            if self.versions.get(name) is None and name not in unset and not any(
                    isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) and
                    self.forward.placeholders[name] < n.lineno < stmt.lineno for n in source.walk(self.forward.func)):
                raise self.error(f"{name!r} is None as this loop starts (set to None on line "
                                 f"{self.forward.placeholders[name]}) and the loop reads it before setting it: "
                                 "backgen follows such a None where the loop's first iteration can be written out "
                                 f"and each test of it decided ({name} is None in the first iteration only: given a "
                                 "value on every path that goes on to the next one, a break in an if only, no helper "
                                 f"given it); give {name} a value before the loop", stmt)
        written_here = _written_through_views(stmt, body)[0] if self.numpy else set()
        self.loop_written += (written_here,)
        try:
            items, after = self.sub_block(body, inner)
        finally:
            self.loop_entries = self.loop_entries[:-1]
            self.loop_written = self.loop_written[:-1]
            self.unset = unset
        changed = [name for name in after if name in inner and after[name] != inner[name] and name not in entry
                   and not name.startswith(" ") and name != var and name in outside and name not in followers]
        for name in sorted(outside):  # made stale in the body (a write through shared memory), read again
            if name in followers:  # (not read in the loop: given its value after it, below, or stale then)
                self.stale.pop(name, None)
                self.stale.update({name: stale_before[name]} if name in stale_before else {})
            elif name in self.stale and self.stale[name] != stale_before.get(name):
                self.check_fresh(name, stmt)
        if changed:  # a safety net: every value the body changes must be carried
            error = self.error(f"{changed[0]!r} changes in the loop through another name that shares its memory "
                               "(an alias or a view written into), which backgen does not follow from one iteration "
                               f"to the next: write into {changed[0]} by its own name, or copy the view (.copy())",
                               stmt)
            error.written_in_place = self.view_op_equals(body)  # (r = X[1], then r += v in the loop: staged again
            error.in_place_guess = True  # as the write r[...] = r + v, which the loop follows, where r is an array;
            raise error  # where it is a number, that write fails and this error stands: see ``program``)
        once = kind == "for" and _runs_once_at_least(stmt.iter) and not any(
            isinstance(n, (ast.Break, ast.Continue)) for s in body for n in source.walk(s))
        renewed = set()  # carried names the loop, running for sure, leaves holding a new array of its own
        for name, carried_name in entry.items():
            exits.append((carried_name, after.get(name, ir.Var(carried_name))))
            self.loop_left(carried_name, after.get(name, ir.Var(carried_name)), name, stmt)
            value = after.get(name)
            if once and isinstance(value, ir.Var) and value.name != carried_name and self.unshared(value.name):
                # (h = h1; for k in range(2): h = np.tanh(h) + x: after the loop h is the last iteration's
                # new array, and shares nothing with h1, which it was as the loop started)
                renewed.add(name)
                self.storage.pop(carried_name, None)
                self.shared_edges.append((carried_name, value.name))
                continue
            self.link_constant(carried_name, after.get(name), {k: v for k, v in after.items() if k != name})
            self.link_constant(carried_name, self.versions.get(name), {k: v for k, v in inner.items() if k != name})
            self.shared_edges += [(carried_name, a.name) for a in (after.get(name), inner.get(name))
                                  if isinstance(a, ir.Var) and a.name != carried_name]
            if name in fresh_names and name not in unset and isinstance(value, ir.Var) and \
                    carried_name not in self.storage:  # (unset before: an enclosing loop's previous iteration's)
                self.left_by_loop(carried_name, value.name, inner, after)  # (for k in ...: v = h.T; then v[0] = 1)
            elif value is not None and value != ir.Var(carried_name) and carried_name in self.storage:
                # after the loop: the value it entered with, or the last iteration's (s = v[::-1]; a constant
                # array, a = np.ones(3), shares nothing with the value it entered with)
                self.set_on_paths(carried_name, [self.storage[carried_name],
                                                 (value.name, "same", None) if isinstance(value, ir.Var) else None])
        self.lists_carried(items, exits)
        # a = np.zeros(3); b = a (or b = a[::2]) in the body: both leave with that one array (or a view of it)
        constants = [(carried_name, value) for carried_name, value in exits if isinstance(value, ir.Const)]
        self.shared_edges += [(a, b) for k, (a, one) in enumerate(constants) for b, other in constants[k + 1:]
                              if one is other or _view_of_constant(one, other.source)
                              or _view_of_constant(other, one.source)]
        if iterated and iterated[0] in carried:  # (the iterable, a value of its own the loop carries: each
            iterated = None  # item read from it as the iteration starts, Python's lazy iteration, after the writes)
        single = kind == "for" and _runs_once_at_least(stmt.iter, exactly=True) and \
            not {"range", "reversed"} & set(self.versions)  # (one iteration: none before it kept anything)
        reads_first = _read_before_written(again, set()) - targets  # (the item: bound first)
        renewed_each = frozenset(entry[name] for name in _set_on_every_path(body) - reads_first if name in entry)
        self.check_loop_writes(self.writes[writes_before:] if not single else [], exits, after, iterated, inner,
                               reads_first, frozenset(followers), related, renewed_each,
                               lambda name, node: _bound_before(body, name, node), _rebound_in_loop(stmt, body),
                               lambda name, node: _rebound_after(body, name, node))
        stale_after = dict(self.stale)
        caches_held = {name: self.not_values[name] for name in entry if name in self.not_values}
        for name, carried_name in entry.items():
            self.bind(name, ir.Var(carried_name))
            if name in caches_held:  # (caches.append(cache) in the body: a list of caches after it too, its
                self.not_values[name] = caches_held[name]  # reads refused, not the list it was before the loop)
            marks = (() if name in renewed else stale_before.get(name, ())) + tuple(
                m for m in stale_after.get(name, ()) if m not in stale_before.get(name, ()))
            if marks:  # stale as the loop starts (it may run no iteration) or as an iteration ends (a list the
                self.stale[name] = marks  # body appends to, holding an array written into before the loop)
        leaving = list(_breaking_ifs(items))
        if len(leaving) <= (MAX_SETTLED if self.numpy else MAX_SETTLED_NUMBERS) and \
                any(dict(branch.exits) != dict(exits) for branch in leaving):
            items = _exits_settled(items, exits, set(fresh), self.note) or items
            leaving = list(_breaking_ifs(items))
        for branch in leaving:
            if dict(branch.exits) != dict(exits):
                raise self.error("this break leaves the loop with values that differ from those at the end of an "
                                 "iteration; move the break to an if directly in the loop body", _at(branch.line))
        self.add(ir.Loop(kind, var, iterable, test, tuple(items), tuple(exits), stmt.lineno, bool(leaving), fresh))
        for name in sorted(set(followers.values())):  # h2 = h1 (or a = X.T) before the loop, which writes into
            # h1[i]: the loop is a write into that array, h2 (X) given its value after it as after any write
            self.line = stmt.lineno
            self.written(name, followed[name], ir.Var(entry[name]), stmt)
            for other in sorted(o for o, n in followers.items() if n == name and self.stale.get(name)):
                # (the same array, or one given its value back from the carried name's, a = X[1:] then for
                # row in a: row *= w: stale as the carried name is, as well as by the loop's write itself)
                held = self.stale.get(other, ())
                self.stale[other] = held + tuple(m for m in self.stale[name] if m not in held)

    def carried_aliases(self, stmt, body):
        """The names the loop carries for the array they share: where the body writes into the array a name
        holds as the loop starts (``a[0] = v``, ``a += v``) and reads another name holding that array or a
        basic view of it, or one it is a view of (``a = X``, ``a = X[0]``, then ``X`` read in the loop),
        neither bound anew in the loop, both are carried, their sharing followed (``relate_carried``)."""
        if not self.numpy:
            return set()
        rebound = _rebound_in_loop(stmt, body)
        mentioned = {n.id for s in body for n in source.walk(s) if isinstance(n, ast.Name)}
        found = set()
        for name in sorted(_written_through_views(stmt, body)[0] - rebound):
            atom = self.versions.get(name)
            if not isinstance(atom, ir.Var) or name.startswith(" ") or self.unguarded(name):
                continue
            for other, value in sorted(self.versions.items()):
                if other != name and not other.startswith(" ") and other not in rebound and other in mentioned \
                        and isinstance(value, ir.Var) and not self.unguarded(other) and \
                        (self._carried_relation(atom.name, value.name) or self._carried_relation(value.name, atom.name)):
                    found |= {name, other}
        return found

    def _carried_relation(self, atom, other):
        """How the array ``atom`` relates to ``other``'s, where a write into one is followed into the other:
        ("same", None), ("index", a basic index of other), ("view", None) for a view with an inverse
        (``a = X.T``: ``_certain_view``), or None."""
        if self._same_array(atom) == self._same_array(other):  # (a = X, or a copy of the name: a_start = c)
            return ("same", None)
        found = self.storage.get(atom)
        if found and found[0] == other and found[1] == "index" and basic_index(found[2], self.integral):
            return ("index", found[2])
        if found and found[0] == other and found[1] == "view" and self._certain_view(atom) and \
                self.view_ops[atom].args[0] == ir.Var(other):
            return ("view", None)
        return None

    def _same_array(self, atom):
        """The first atom of the chain of names of one array (``b = a``, ``a = X``: X) ``atom`` is on."""
        seen = {atom}
        found = self.storage.get(atom)
        while found and found[1] == "same" and found[0] not in seen:
            atom = found[0]
            seen.add(atom)
            found = self.storage.get(atom)
        return atom

    def constant_bound_in_loop(self, name, target, constant):
        """What ``name = <constant array>`` (``a = np.arange(3.0)``) binds in a loop that writes into ``name``
        (``a[0] = b``, in the next iteration): the array staged on a line of its own under ``target``, so that
        what else holds it (``hs.append(a)``) is followed as sharing it, and a write into it as reaching them;
        ``constant`` itself elsewhere."""
        if not self.numpy or not any(name in written for written in self.loop_written) or \
                not may_be_array_constant(constant) or not new_array(constant.source):
            return constant
        return ir.Var(self._constant_staged(name, constant, made=target))

    def refuse_shared_rebound(self, stmt, body, carried, starts_from):
        """Refuse a name the loop reads and then binds anew which shares its array, as the loop starts,
        with another name, where the loop writes into one of them (``a = v; b = a``, then ``b[2] = np.sum(a)``
        and ``a = a * 3.0`` in the loop): in the first iteration the write changes both, in later ones (the
        name holding a new array) one only, and the body is staged once."""
        rebound = _rebound_in_loop(stmt, body)
        for name in sorted(set(carried) & rebound & set(starts_from)):
            before = self.versions.get(name)
            if not isinstance(before, ir.Var):
                continue
            bound = next((k for k, s in enumerate(body) if name in _bound_in([s], True)), len(body))
            written = _written_through_views(stmt, body[:bound + 1])[0]  # (up to the statement binding it anew:
            shared = self.sharing(before.name)  # a write after it is into the new array, in every iteration)
            words = self.source_words()  # (names of backgen's own, a_start of a loop over a, are left to the
            for other in sorted(other for other, atom in self.versions.items() if other != name and  # checks after)
                                other in words and isinstance(atom, ir.Var) and atom.name in shared and
                                atom.name not in self.list_atoms):  # (a list holding it: its items replaced)
                if name in written or other in written:
                    one, two = (_shown(n, words) for n in (name, other))
                    error = self.error(f"{one!r} shares its array with {two!r} as this loop starts, and the loop writes "
                                     f"into {two if other in written else one} and binds {one} anew: a write in the "
                                     f"first iteration changes both, in later ones one only, which backgen does not "
                                     f"follow: write the first iteration out before the loop, or give {one} an array of its "
                                     f"own before it where that is meant ({one} = {one}.copy())",
                                     stmt)
                    if _only_op_assigned(body[:bound + 1], {name, other} & written):  # (V = E_L, then V += v and
                        self.hazards.append((before.name, error))  # V = V_reset: a number's op= binds anew, which
                        continue  # is followed; an array's writes into E_L's too, decided once shapes are known)
                    raise error

    def relate_carried(self, stmt, body, carried, entry):
        """Carried names that share an array as the loop starts (the very array, ``a = X``; a basic view,
        ``a = X[0]``) and that the body never binds anew (it only writes into them) share it in every
        iteration: their carried values are recorded so (``a_1`` the same array as ``X_1``, or ``X_1[0]``),
        and a write into one is followed into the other within an iteration.  Only names given a carried
        value of their own (a copy as the loop starts).  Returns the pairs so related."""
        if not self.numpy:
            return frozenset()
        rebound = _rebound_in_loop(stmt, body)
        before = {name: self.versions.get(name) for name in carried}
        own = [name for name in carried if name not in rebound and isinstance(before[name], ir.Var) and
               entry[name] != before[name].name and not self.unguarded(name)]
        related = set()
        written = _written_through_views(stmt, body)[0] | {
            n.value.id for s in body for n in source.walk(s) if isinstance(n, ast.Subscript) and
            isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name)}
        read = {n.id for s in body for n in source.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        for name in own:
            for other in own:
                relation = None if other == name else self._carried_relation(before[name].name, before[other].name)
                if relation is None and other != name and name in written and other in read and \
                        before[other].name in self.sharing(before[name].name) and \
                        not any(self._carried_relation(before[a].name, before[b].name) for a, b in
                                ((name, other), (other, name))):
                    one, two = (_shown(n, self.source_words()) for n in (name, other))
                    if all(n in self.source_words() for n in (one, two)):
                        raise self.error(f"{one!r} and {two!r} share memory as this loop starts (one a view of "
                                         f"the other, through views of views), and the loop writes into {one} and "
                                         f"reads {two}, which backgen does not follow from one iteration to the "
                                         f"next: write into {two} by its own name, or copy ({one} = "
                                         f"{one}.copy())", stmt)
                    # (a name of backgen's own: the sequence a loop iterates, for row in p.T, which a write
                    # into a view of its array changes)
                    made = next((n for n in (one, two) if n not in self.source_words()), one)
                    raise self.iterates_written(self.said(repr(made)).strip("'"), stmt)
                if relation is None or relation[0] == "same" and other > name:
                    continue  # (the same array: each later name recorded as the first one's)
                self.storage[entry[name]] = (entry[other],) + relation
                if relation[0] == "view":  # (a_1 = X_1.T, as a = X.T: taken again of X's new value after a write)
                    self._view_again(self.view_ops[before[name].name], ir.Var(entry[other]), entry[name], add=False)
                related |= {(entry[name], entry[other]), (entry[other], entry[name])}
                break
        while True:  # (two views of one array, seq = X[1:], seq1 = X.T, each related to X: to each other too)
            more = {(a, c) for a, b in related for b2, c in related if b == b2 and a != c} - related
            if not more:
                return frozenset(related)
            related |= more

    def lists_carried(self, items, exits):
        """A list the loop carries holds, after it, what it held as the loop started and what any iteration
        added (``hs.append(W)``); and it may hold one array twice where an iteration adds an array it did not
        make anew (W itself, added once per iteration; a view of one): then a write through one of its
        items is a write through another (``hs[0] += 1.0`` changes hs[1])."""
        made = {op.target for op in ir.ops_in(items) if isinstance(op, ir.Op)}
        carried = {name: value for name, value in exits if isinstance(value, ir.Var)}

        def new(atom, own=()):  # an array the iteration makes anew, sharing nothing (own: the loop's edges)
            return atom in made and atom not in self.storage and atom not in self.constant_links and \
                atom not in self.written_values and atom not in self.in_place_values and \
                not any(atom in edge for edge in self.shared_edges + self.merge_edges if edge not in own)

        for carried_name, value in exits:
            if not isinstance(value, ir.Var) or value.name not in self.list_atoms:
                continue
            self.list_atoms.add(carried_name)  # (a list made in the loop, hs = [W, W]: the one it leaves with)
            held = self.list_members.setdefault(carried_name, set())
            before = set(held)
            added = self.list_members.get(value.name, set()) - held
            held |= added

            def each_new(member):  # a new array each iteration: made anew, or a carried name's value as an
                if new(member):  # iteration starts, the previous one's new array (h = h * 2.0), or as the
                    return True  # loop starts, an array the list did not hold then
                last = carried.get(member)
                found = self.storage.get(member)
                first = found[0] if found and found[1] == "same" else None if found else member  # (entered
                # in place: the value before the loop itself)
                own = {(member, last.name if last else None), (member, first)}
                return last is not None and new(last.name, own) and first is not None and \
                    not self.sharing(first) & before and all(edge in own or member not in edge
                                                            for edge in self.shared_edges + self.merge_edges)
            if value.name in self.lists_sharing or not all(each_new(member) for member in added):
                self.lists_sharing.add(carried_name)

    def loop_followers(self, stmt, body, carried):
        """{other name: carried name}: a name sharing, as the loop starts, the array a carried name holds
        (the very array, ``h2 = h1``, a view of it or the array it is a view of, ``a = X.T``), which the
        body writes into (``h1[i] = v``; ``a += v`` where that is the write ``a[...] = a + v``) and never
        binds anew (nor op= on a number, which rebinds it), where the loop never reads the other name
        (a for loop's iterable is read before it): after the loop the other name is given its value as
        after any write into that array (``written``), as NumPy has it."""
        in_place = getattr(self, "written_in_place", ())
        writes = {id(n.target) for s in body for n in source.walk(s) if isinstance(n, ast.AugAssign)
                  and (in_place_at(n) in in_place or self._basic_view(n.target))}  # (h += v staged as the
        # write h[...] = h + v; r += v of r = X[1:], a view of X's, as the write X[1:] = r + v)
        rebound = {n.id for s in body for n in source.walk(s) if isinstance(n, ast.Name) and
                   isinstance(n.ctx, ast.Store) and id(n) not in writes}
        subscripted = {n.value.id for s in body for n in source.walk(s) if isinstance(n, ast.Subscript)
                       and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name)}
        subscripted |= {n.target.id for s in body for n in source.walk(s) if isinstance(n, ast.AugAssign)
                        and isinstance(n.target, ast.Name) and id(n.target) in writes}
        subscripted |= _written_through_views(stmt, body)[0] - rebound  # (and written through a view the body
        # takes of it: for r in X[1:], staged r = seq[i]; r += v, writes into seq, the view of X)
        read = list(body) + ([stmt.target] if isinstance(stmt, ast.For) else [stmt.test])
        mentioned = {n.id for s in read for n in source.walk(s) if isinstance(n, ast.Name)}
        followers = {}
        for name in carried:
            atom = self.versions.get(name)
            if name in rebound or name not in subscripted or not isinstance(atom, ir.Var) or self.unguarded(name):
                continue
            shared = self.sharing(atom.name)
            for other in sorted(key for key, value in self.versions.items() if key != name and
                                isinstance(value, ir.Var) and value.name in shared):
                if other not in mentioned and other not in carried and not other.startswith(" ") and \
                        other not in followers:
                    followers[other] = name
        return followers

    def view_op_equals(self, body):
        """The place (``in_place_at``) of the first ``r op= v`` in ``body`` not staged as a write, whose ``r``
        holds, as the loop starts, a view of another name's array by a basic index (``r = X[1]``: an array
        where ``X`` has two axes, a number where it has one, which op= rebinds); None where there is none."""
        in_place = getattr(self, "written_in_place", ())
        for node in (n for s in body for n in source.walk(s)):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and \
                    in_place_at(node) not in in_place and isinstance(self.versions.get(node.target.id), ir.Var):
                found = self.storage.get(self.versions[node.target.id].name)
                if found is not None and found[1] == "index":
                    return in_place_at(node)
        return None

    def _basic_view(self, target):
        """Whether the name ``target`` holds a view of another name's array by a basic index with a slice
        (``r = X[1:]``, ``X[:, 0]``: an array whatever the shapes, where ``X[1]`` may be a number, which op=
        rebinds), which ``r op= v`` writes into (``written_through_view``)."""
        if not isinstance(target, ast.Name) or not isinstance(self.versions.get(target.id), ir.Var):
            return False
        found = self.storage.get(self.versions[target.id].name)
        return found is not None and found[1] == "index" and _has_slice(found[2]) and any(
            other != target.id and atom == ir.Var(found[0]) for other, atom in self.versions.items())

    def aliased(self, name):
        """Names other than ``name`` whose value is the same atom (they must not see it change)."""
        atom = self.versions.get(name)
        return {other.name for key, other in self.versions.items()
                if key != name and isinstance(other, ir.Var) and other == atom}

    def module_number(self, name):
        """Whether ``name`` is a number of the module the function never binds (``G = 9.81``): a name given
        it (``v = G``, then ``v += 1``) is bound anew, nothing writes into it."""
        return name not in self.versions and name not in self.user_names and \
            source.number_text(self.forward.constants.get(name, "")) is not None

    def carried_names(self, stmt, body):
        """Names assigned in the body and read before assignment in it, or read after the loop."""
        assigned = {n.id for s in body for n in source.walk(s) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store)}
        assigned |= {n.target.value.id for s in body for n in source.walk(s) if isinstance(n, ast.AugAssign)
                     and isinstance(n.target, ast.Subscript) and isinstance(n.target.value, ast.Name)}
        assigned |= {t.value.id for s in body for n in source.walk(s) if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)}
        assigned |= {n.value.func.value.id for s in body for n in source.walk(s)
                     if isinstance(n, ast.Expr) and is_append(n)}
        assigned |= {n.func.value.id for s in body for n in source.walk(s) if is_pop(n)}
        if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and not any(
                isinstance(s, ast.Assign) and (s.lineno, s.col_offset) == (stmt.lineno, stmt.col_offset)
                for s in body[:1]):  # (an item loop's variable, r = x[i], leaves the loop with its last item)
            assigned.discard(stmt.target.id)
        written, views = _written_through_views(stmt, body)
        assigned |= {name for name in written if (name not in views or views[name] == name)
                     and not isinstance(self.versions.get(name), ir.Const)  # (a constant array written through
                     and not self.module_number(name)}  # a view of it, X = np.arange(3.0), then for row in X:
        # row[0] = 2.0: refused where the write is)
        early = _read_before_written(body, set())
        if isinstance(stmt, ast.While):
            early |= source.names_of(stmt.test)
        later = self.read_outside(stmt, body)
        enclosing = {name for entry in self.loop_entries for name in entry}
        return {name for name in assigned if name in early or name in later or name in enclosing}

    def dead_after(self, stmt, changed):
        """The names of ``changed`` (each set by the if ``stmt``) that no path from its end reads
        before writing them, nor a function defined in this one; the values and the outputs
        backgen keeps under names of its own (not identifiers) are never among them.

        In a loop, or where the if is as written, that is what follows it where the function
        as written has it (for an ``if c: break`` whose else a rewrite made of the rest of the
        loop's body, that rest too), with the next iteration.  Elsewhere a rewrite moved the rest
        of the block into the if (``if c: return a``, the rest its else): any read outside it
        that, where the function as written has the if it was made from, also follows that one
        (reads on another path of an enclosing if do not).  Where each path of the if returns (and
        no ``finally`` runs after), nothing follows it."""
        in_loop = bool(self.loop_entries)
        inside = {id(node) for node in source.walk(stmt)}
        span = ((stmt.lineno, stmt.col_offset), max([(stmt.end_lineno, stmt.end_col_offset)] + [
            (node.end_lineno, node.end_col_offset) for node in source.walk(stmt)  # (where the rewrite moved
            if getattr(node, "end_lineno", None) is not None]))  # the rest of the block into it: that rest too)

        after_loops = []

        def outside(node):  # (the if, or where it was rewritten, the statements at its place: its copy)
            if id(node) in inside:
                return False
            if not span[0] < (node.lineno, node.col_offset) < span[1]:  # (at the if's own place: a statement
                return True  # of a helper written out there beside it, all of them at the call's place)
            if not after_loops:  # (a loop starting before the if, which does not hold it: its nodes are its
                # own whatever their places, the loop over the other items after its first iteration written
                # out with the same lines; worked out once, for a node at the if's place only)
                after_loops.append({id(n) for loop in source.walk(self.func) if isinstance(loop, (ast.For, ast.While))
                                    and id(loop) not in inside and (loop.lineno, loop.col_offset) < span[0] and
                                    not any(n is stmt for n in source.walk(loop)) for n in source.walk(loop)})
            return id(node) in after_loops[0]
        augmented = {node.target.id for node in source.walk(self.func)  # (an op= in the if itself is the
                     if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)  # write merged,
                     and (in_loop or outside(node))}  # not a read after it)
        if source.ends_in([stmt]) and not any(isinstance(node, ast.Try) and node.finalbody
                                                for node in source.walk(self.func)):
            live = set()  # (every path returns in it: nothing after it runs)
        elif in_loop or any(node is stmt for node in source.walk(self.func)):
            live = self.read_outside(stmt, [], span)  # (not what a rewrite moved into it: the rest of a
            # loop's body made the else of an ``if c: break``, which reads the values before the if)
            if not _paths_to(self.forward.func.body, stmt):  # not found: every read outside it,
                live |= augmented  # and in a loop its own (the next iteration's)
                if in_loop:
                    live |= source.names_of(stmt)
        else:
            live = {n.id for n in source.walk(self.func) if isinstance(n, ast.Name) and outside(n)
                    and isinstance(n.ctx, ast.Load)} | augmented
            if _paths_to(self.forward.func.body, stmt):  # and what follows the if it was made from, but
                # what the rewrite moved into it (each of the two holds all that is live)
                live &= self.read_outside(stmt, [], span) | augmented
        for node in source.walk(self.func):
            if isinstance(node, (ast.FunctionDef, ast.Lambda)) and node is not self.func:
                live |= source.names_of(node)
        return frozenset(n for n in changed if n.isidentifier() and n not in live and n in self.stored)

    def read_outside(self, stmt, body, span=None):
        """Names some path from the end of this loop (or if) may read before writing them.

        Worked out on the function as written: the rest of each enclosing block, and the whole
        body of each enclosing loop (its next iteration).  A name the function reuses for two
        loops' temporaries (``t = ...`` then ``... t ...`` in each) is not carried by the first.
        When the loop cannot be found there (it came from a rewrite), every read outside it counts;
        where several copies of it hold its place, what any of them may read.  The statements that
        start within ``span`` (two positions: what a rewrite moved into the if), after its start, are
        left out (one at the if's own place is a helper's statement written out beside it: all of a
        helper's statements take the place of its call).
        """
        paths = _paths_to(self.forward.func.body, stmt)
        if not paths:
            inside = {id(n) for s in body for n in source.walk(s)} | {id(n) for n in source.walk(stmt)}
            return {n.id for n in source.walk(self.func) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Load) and id(n) not in inside}
        live = set()
        for block, index, owner in (place for path in paths for place in path):
            live |= _read_before_written([s for s in block[index + 1:] if span is None or
                                          not span[0] < (s.lineno, s.col_offset) < span[1]], set())
            if isinstance(owner, (ast.For, ast.While)):
                live |= _read_before_written([owner], set())
        return live

    def static_int(self, node):
        atom = self.expr(node, role="n")
        if isinstance(atom, ir.Var):  # a loop's bound, read again by the backward
            self.read_so_far.add(atom.name)
        return str(atom)


def _names(text):
    return set(source.code_names(text))


def _array_made(node):
    """The call or arithmetic making the array of which the constant expression ``node`` is a view
    taken by basic indices, ``.T`` and view methods (``np.zeros((3, 4))`` of ``np.zeros((3, 4))[1:].T``),
    or None where it is no such view (an index by a list, a call that computes)."""
    while isinstance(node, ast.Subscript) or isinstance(node, ast.Attribute) and node.attr == "T" or \
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in VIEW_METHODS:
        if isinstance(node, ast.Subscript) and not basic_index(index_text(node)):
            return None
        node = node.value if not isinstance(node, ast.Call) else node.func.value
    return node if new_array(source.to_source(node)) and not isinstance(node, ast.Subscript) else None


def _with_base(node, held, name, target):
    """The view ``node`` of the array ``held`` (its tree's dump) taken of the name ``name`` instead,
    at ``target``'s place."""
    class Based(ast.NodeTransformer):
        def visit(self, child):
            if ast.dump(child) == held:
                return ast.Name(name, ast.Load())
            return super().visit(child)
    return ast.fix_missing_locations(ast.copy_location(Based().visit(tree_copy(node)), target))


def _view_taken_of(node, holder, target):
    """The view ``node`` (``A[0]``, ``A.T``, ``A.reshape(...)``) taken of the name ``holder`` instead, at
    ``target``'s place."""
    taken = tree_copy(node)
    if isinstance(taken, ast.Call):
        taken.func.value = ast.Name(holder, ast.Load())
    else:
        taken.value = ast.Name(holder, ast.Load())
    return ast.fix_missing_locations(ast.copy_location(taken, target))


def _shown(name, words):
    """The user's name for a name a rewrite versioned (``X_1`` of ``X``), where the user wrote it."""
    base = re.sub(r"_\d+$", "", name)
    return base if name not in words and base in words else name





def _number_arithmetic(text, math_name):
    """Whether the constant expression ``text`` is numbers, operators and calls of ``math`` (named
    ``math_name``) and of ``float``, ``int``, ``abs``, ``round``, ``min``, ``max`` and ``pow`` on them
    alone (``2.0``, ``1.0 % 0.3 * math.sin(float(2.0))``), and items of lists of numbers written out
    (``([1, 4, 1][0] + 1) * [1, 4, 1][1]``, a loop over layer sizes written out): a number, never an
    array (``+=`` binds a name holding it anew)."""
    calls = {"float", "int", "abs", "round", "min", "max", "pow"}
    tree = _items_as_numbers(source.expression(text), math_name)
    for node in walk(tree):
        if isinstance(node, ast.Constant):
            if node.value.__class__ not in (int, float):
                return False
        elif isinstance(node, ast.Call):
            func = node.func
            if node.keywords or not (isinstance(func, ast.Name) and func.id in calls or isinstance(func, ast.Attribute)
                                     and isinstance(func.value, ast.Name) and func.value.id == math_name):
                return False
        elif isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == math_name):
                return False
        elif not isinstance(node, (ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop, ast.Name, ast.Load)):
            return False
        elif isinstance(node, ast.Name) and node.id != math_name and node.id not in calls:
            return False
    return True


def _items_as_numbers(tree, math_name):
    """``tree`` with each item of a list of numbers written out (``[1, 4, 1][0]``, ``[1, 4, 1][:-1][0]``,
    indexed by number arithmetic) the number 0: a number, as ``_number_arithmetic`` reads it."""
    class Items(ast.NodeTransformer):
        def visit_Subscript(self, node):
            if not isinstance(node.slice, ast.Slice) and _numbers_listed(node.value, math_name) and \
                    _number_arithmetic(ast.unparse(node.slice), math_name):
                return ast.copy_location(ast.Constant(0), node)
            return self.generic_visit(node)
    return Items().visit(tree)


def _numbers_listed(node, math_name, rows=False):
    """Whether ``node`` is a list (or tuple) of numbers written out, or a slice of one by number arithmetic,
    or an item, by number arithmetic, of a list of such lists (``[[3, 5], [5, 2]][0]``, a layer's sizes);
    with ``rows``, whether it is a list of such lists (or a slice of one)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        if rows:
            return bool(node.elts) and all(_numbers_listed(e, math_name) for e in node.elts)
        return all(isinstance(e, ast.Constant) and e.value.__class__ in (int, float) or
                   isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub) and isinstance(e.operand, ast.Constant)
                   and e.operand.value.__class__ in (int, float) for e in node.elts)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        return _numbers_listed(node.value, math_name, rows) and all(
            part is None or _number_arithmetic(ast.unparse(part), math_name)
            for part in (node.slice.lower, node.slice.upper, node.slice.step))
    if isinstance(node, ast.Subscript) and not rows:  # an item of a list of lists of numbers: a list of numbers
        return _numbers_listed(node.value, math_name, rows=True) and \
            _number_arithmetic(ast.unparse(node.slice), math_name)
    return False


_NEW_FROM_OPERANDS = {"add", "sub", "mul", "div", "neg", "pow", "builtins.pow", "square", "abs", "sigmoid"}


def _makes_new_array(op):
    """Whether the staged operation ``op`` certainly returns a new array, holding none of its operands
    (arithmetic, a NumPy function that computes): not a list, a view, an alias or a helper's result."""
    if op.rule in _NEW_FROM_OPERANDS:
        return True
    if not op.rule.startswith(("np.", "math.")) or op.rule not in RULES:
        return False
    if operand_view(op):  # np.einsum('ij->ji', a): a view of a
        return False
    rule = RULES[op.rule]
    return rule.broadcast or rule.fresh or op.rule.rsplit(".", 1)[-1] in FRESH_CALLS


def _view_of_constant(atom, text):
    """Whether the constant ``atom`` is a view of the constant array ``text`` spells: that text
    under reshapes, transposes and indexing (``np.ones(4).reshape(2, 2)``, ``np.ones(4)[1:]``)."""
    if not isinstance(atom, ir.Const) or atom.source == text:
        return False
    try:
        node = ast.parse(atom.source, mode="eval").body
        base = ast.dump(ast.parse(text, mode="eval").body)
    except SyntaxError:
        return False
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in VIEW_METHODS:
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr == "T" or isinstance(node, ast.Subscript):
            node = node.value
        else:
            return False
        if ast.dump(node) == base:
            return True


def _written_through_views(stmt, body):
    """The names the loop ``stmt``'s statements ``body`` write into (``y[i] = v``, ``y += v``), and those
    written through a view the body takes of them (for r in y: r *= w, staged r = y[i]; r *= w; t = y.T;
    t[0] = v), with the views: ({name}, {view name: name it is a view of})."""
    views = {n.targets[0].id: n.value.value.id if isinstance(n.value, ast.Subscript) and isinstance(
                 n.value.value, ast.Name) else view_root(n.value)  # (or a view of a view: t = y.T)
             for s in body for n in source.walk(s) if isinstance(n, ast.Assign) and len(n.targets) == 1
             and isinstance(n.targets[0], ast.Name) and (isinstance(n.value, ast.Subscript) and isinstance(
                 n.value.value, ast.Name) or view_root(n.value) is not None)}
    if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) and isinstance(stmt.iter, ast.Name):
        views.setdefault(stmt.target.id, stmt.iter.id)  # (its rows: for r in y)
    for node in (n for s in body for n in source.walk(s)):  # (a loop within: for r in X[1:], its rows views of X)
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and view_root(node.iter) is not None:
            views.setdefault(node.target.id, view_root(node.iter))
    written = {n.target.id for s in body for n in source.walk(s) if isinstance(n, ast.AugAssign)
               and isinstance(n.target, ast.Name)} | {n.value.id for s in body for n in source.walk(s)
                                                      if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)
                                                      and isinstance(n.value, ast.Name)}
    while True:
        more = {views[name] for name in written if name in views} - written
        if not more:
            break
        written |= more
    return written, views


def _only_op_assigned(stmts, names):
    """Whether ``stmts`` write into ``names`` only by ``op=`` on the bare name (``v += dv``), no item or
    slice of them assigned and no view of them taken by the loop (which writes into an array only where
    the name holds one; a number it binds anew)."""
    for node in (n for s in stmts for n in source.walk(s)):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and \
                isinstance(node.value, ast.Name) and node.value.id in names:
            return False
        if isinstance(node, ast.Assign) and view_root(node.value) in names:  # (w = V, r = V[0]: a name of it)
            return False
        if isinstance(node, ast.For) and view_root(node.iter) in names:
            return False
    return True


def _writes_into(stmts, name):
    """Whether ``stmts`` write into the array ``name`` holds (``name[i] = v``, ``name += v``)."""
    for node in (n for s in stmts for n in source.walk(s)):
        target = node.target if isinstance(node, ast.AugAssign) else None
        if isinstance(node, ast.Assign):
            target = next((t for t in node.targets if isinstance(t, ast.Subscript)), None)
        if isinstance(target, ast.Subscript):
            target = target.value
        if isinstance(target, ast.Name) and target.id == name:
            return True
    return False


MAX_SETTLED = 2  # ifs that break in one loop whose values ``_exits_settled`` settles (each more, the rest of the
# body written into more paths: with several, and values changing shape, staging ran for minutes)
MAX_SETTLED_NUMBERS = 4  # the same in code for numbers, where no value changes shape


def _exits_settled(items, exits, fresh, note):
    """``items`` (a loop's body) with each ``if`` that breaks inside another's branch (``if c: r = v; break``,
    then ``if d: break``: the second is in the first's ``else``) ending its path with copies of the values the
    loop leaves with (``exits``) where its own differ: what follows it in the iteration are the merges of the
    enclosing ``if`` s alone, which on that path give those values (``r_2 = r``), but which the backward runs
    only on the paths that go on.  None where anything else follows such an ``if`` in its block, or a value
    differs that no copy can give (a constant the loop leaves with).  A carried name of ``fresh`` (no value
    before the loop) the path leaves as it entered gets no copy (``if c: return v`` lifted into the loop as
    ``result = v``, then ``if d: break``: result unset on that path, as Python's name is): as where an ``if``
    merges a value one path only sets, the loop leaves with the other path's, and the gradient's zeros of
    such a value test it against None (``reverse``); not where a loop inside sets that name (a return in
    it: the path may hold its value) or the loop leaves with a constant."""
    wanted = dict(exits)
    inner = {name for loop in ir.loops_in(items) for name in loop.carried}  # (set under the same name in a
    # loop inside: return v in a loop in the body, then if done > 0: break)

    def settled(block):
        out = []
        for k, item in enumerate(block):
            if isinstance(item, ir.If):
                body, orelse = settled(item.body), settled(item.orelse)
                if body is None or orelse is None:
                    return None
                leaves = (item.breaks or _breaks_inside(item)) and \
                    not all(isinstance(o, ir.Op) and o.rule == "copy" for o in block[k + 1:])
                if leaves and item.breaks and dict(item.exits) != wanted:
                    return None  # (something not a merge follows it on its path: left for the check to refuse)
                if leaves and not item.breaks:
                    return None
                if item.breaks and dict(item.exits) != wanted:
                    own = dict(item.exits)
                    copies = []
                    for carried, value in exits:
                        here = own.get(carried)
                        if here == value:
                            continue
                        if here == ir.Var(carried) and carried in fresh and carried not in inner and \
                                isinstance(value, ir.Var) and value.name != carried:
                            continue
                        if here is None or not isinstance(value, ir.Var) or value.name == carried:
                            return None
                        copies.append(ir.Op(value.name, "copy", (here,), item.line, (), str(here)))
                        note(copies[-1])
                    body = tuple(body) + tuple(copies)
                    item = dataclasses.replace(item, exits=tuple(exits))
                item = dataclasses.replace(item, body=tuple(body), orelse=tuple(orelse))
            out.append(item)
        return out

    return settled(list(items))


def _breaks_inside(item):
    """Whether an ``if`` holds an ``if`` that breaks in its branches (not in a loop of them)."""
    return any(isinstance(inner, ir.If) and (inner.breaks or _breaks_inside(inner)) for inner in item.body + item.orelse)


def _breaking_ifs(items):
    """The ``if`` blocks in a loop body that end the loop (nested loops excluded)."""
    for item in items:
        if isinstance(item, ir.If):
            if item.breaks:
                yield item
            yield from _breaking_ifs(item.body)
            yield from _breaking_ifs(item.orelse)


class _at:
    """A node-like position for errors about staged items."""

    def __init__(self, line):
        self.lineno, self.col_offset = line, 0


def _taken(test, stmt):
    """The branch of ``stmt`` its test ``test`` (staged text) takes where it reads constants alone,
    neither branch holding a ``break`` or ``continue``, nor the if leaving its loop (an ``if c: break``
    whose break ``restructure`` took out), nor a ``return`` where the if does not end every path
    (``single_exit`` wrote each path's return into it: the flag of a return lifted out of a loop,
    ``if done > 0: return result``, on a path where the loop set no result, done = 0); else None."""
    if getattr(stmt, "breaks", False) or \
            any(isinstance(n, (ast.Break, ast.Continue)) for n in source.walk(stmt)) or \
            any(isinstance(n, ast.Return) for n in source.walk(stmt)) and not source.ends_in([stmt]):
        return None
    try:
        truth = source.decided(ast.parse(test, mode="eval").body)
    except SyntaxError:
        return None
    return None if truth is None else stmt.body if truth else stmt.orelse


def _runs_once_at_least(iterable, exactly=False):
    """Whether a for loop over ``iterable`` runs an iteration for sure: a ``range`` of integer literals
    (or ``reversed`` of one) that is not empty, or a display with an item; with ``exactly``, whether it
    runs one iteration and no other (``range(1)``)."""
    if isinstance(iterable, (ast.Tuple, ast.List)):
        return len(iterable.elts) == 1 if exactly else bool(iterable.elts) and \
            not any(isinstance(e, ast.Starred) for e in iterable.elts)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "reversed" \
            and len(iterable.args) == 1:
        iterable = iterable.args[0]
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
            and 1 <= len(iterable.args) <= 3 and not iterable.keywords):
        return False
    bounds = [source.number(arg) for arg in iterable.args]
    if any(type(b) is not int for b in bounds) or len(bounds) == 3 and bounds[2] == 0:
        return False
    return len(range(*bounds)) == 1 if exactly else len(range(*bounds)) > 0


def _bound_before(stmts, name, node):
    """Whether every path through ``stmts`` to ``node`` (a node inside one of them) gives ``name`` a value
    first: its value before them is not read at ``node`` or after it on that way (False where unsure)."""
    for stmt in stmts:
        if not any(n is node for n in walk(stmt)):
            if name in _set_on_every_path([stmt]):
                return True
            continue
        if isinstance(stmt, ast.If) and not any(n is node for n in walk(stmt.test)):
            inside = stmt.body if any(n is node for s in stmt.body for n in walk(s)) else stmt.orelse
            return _bound_before(inside, name, node)
        if isinstance(stmt, (ast.For, ast.While)) and not stmt.orelse and \
                any(n is node for s in stmt.body for n in walk(s)):
            if isinstance(stmt, ast.For) and name in names_of(stmt.target):
                return True  # (bound as each iteration starts)
            return _bound_before(stmt.body, name, node)  # (each iteration, before the write)
        return False
    return False


def _rebound_after(stmts, name, node):
    """Whether every path through ``stmts`` from ``node`` (a node inside a statement of them, whose own
    reads come before what it stores) to their end gives ``name`` a value before reading it: its value
    before ``node`` is read neither after it nor by the next iteration (False where unsure)."""
    return _after(stmts, name, node) == "bound"


def _after(stmts, name, node):
    """``_rebound_after``'s walk: "bound", "read", or "open" (the end reached with the value kept)."""
    for k, stmt in enumerate(stmts):
        if not any(n is node for n in walk(stmt)):
            continue
        if isinstance(stmt, ast.If) and not any(n is node for n in walk(stmt.test)):
            inside = stmt.body if any(n is node for s in stmt.body for n in walk(s)) else stmt.orelse
            state = _after(inside, name, node)
        elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
            state = "open"
        else:
            return "read"  # (a write inside an inner loop, which may run again, or a with: unsure)
        return state if state != "open" else _first_use(stmts[k + 1:], name)
    return "read"


def _first_use(stmts, name):
    """What ``stmts`` do first with ``name`` on every path: "bound", "read" (on some path), or "open"."""
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            if _reads_name(stmt.test, name):
                return "read"
            states = {_first_use(stmt.body, name), _first_use(stmt.orelse, name)}
            if "read" in states:
                return "read"
            if states == {"bound"}:
                return "bound"
            continue
        if isinstance(stmt, (ast.Break, ast.Continue)) or isinstance(stmt, (ast.For, ast.While, ast.With, ast.Try)) \
                and _reads_name(stmt, name) or not isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign,
                                                                     ast.Expr, ast.Pass, ast.Return, ast.For,
                                                                     ast.While, ast.With, ast.Try)):
            return "read"  # (the value kept as the loop goes on or is left, or a statement not followed)
        if isinstance(stmt, (ast.For, ast.While, ast.With, ast.Try)):
            continue  # (reading no name: may run no time)
        if _reads_name(stmt, name):
            return "read"
        if isinstance(stmt, ast.Return) or name in _set_on_every_path([stmt]):
            return "bound"
    return "open"


def _reads_name(node, name):
    """Whether ``node`` reads ``name`` (or, an augmented assignment to it, reads it there)."""
    if node is None:
        return False
    if isinstance(node, ast.AugAssign) and any(isinstance(n, ast.Name) and n.id == name for n in walk(node.target)):
        return True
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Store) for n in walk(node))


def _set_on_every_path(stmts):
    """The names every path through ``stmts`` gives a value of its own (``x = ...``; an if's, both
    branches'; not a loop's, which may run no time)."""
    names = set()
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            names |= _set_on_every_path(stmt.body) & _set_on_every_path(stmt.orelse)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names |= {n.id for t in targets if isinstance(t, (ast.Name, ast.Tuple, ast.List))
                      for n in walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _read_before_written(stmts, written):
    """Names some path through ``stmts`` reads before writing."""
    early = set()
    written = set(written)
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            early |= {n.id for n in source.walk(stmt.test) if isinstance(n, ast.Name) and n.id not in written}
            early |= _read_before_written(stmt.body, written) | _read_before_written(stmt.orelse, written)
            written |= _set_on_every_path(stmt.body) & _set_on_every_path(stmt.orelse)
            continue
        if isinstance(stmt, (ast.For, ast.While)):  # each iteration starts from the values before the loop
            head = stmt.test if isinstance(stmt, ast.While) else stmt.iter
            early |= {n.id for n in source.walk(head) if isinstance(n, ast.Name) and n.id not in written}
            inner = set(written)
            if isinstance(stmt, ast.For):
                inner |= source.names_of(stmt.target)
            early |= _read_before_written(stmt.body, inner)
            if isinstance(stmt, ast.While):  # the test runs again after each iteration (a name written
                # before the loop holds a value then, the body's or the one it entered with)
                early |= {n.id for n in source.walk(stmt.test) if isinstance(n, ast.Name) and n.id not in written}
            continue
        value = getattr(stmt, "value", None)
        reads = source.names_of(value) if value is not None else set()
        if isinstance(stmt, ast.AugAssign):
            reads |= source.names_of(stmt.target)
        for target in getattr(stmt, "targets", []):
            if isinstance(target, ast.Subscript):  # a[i] = v reads a (and its index) too
                reads |= source.names_of(target)
        if isinstance(stmt, (ast.Assign, ast.Expr)) and is_pop(stmt.value):  # x = xs.pop() reads xs
            early |= {stmt.value.func.value.id} - written
            written.add(stmt.value.func.value.id)
        early |= reads - written
        if isinstance(stmt, ast.Expr) and is_append(stmt):  # xs.append(v) reads xs, then writes it
            early |= source.names_of(stmt.value) - written
            written.add(stmt.value.func.value.id)
        for target in getattr(stmt, "targets", [getattr(stmt, "target", None)]):
            if isinstance(target, ast.Subscript):
                target = target.value  # a[i] = v writes a
            if target is not None:
                written |= source.names_of(target)
    return early


def _paths_to(stmts, loop):
    """Each ``[(block, index, owner), ...]``, innermost first: where ``loop`` sits in ``stmts``, the
    block of ``owner``, and in each enclosing block; none where it is not there.  Found as that
    very statement, else by its position: statements written out more than once keep one place (a
    helper's body written where it is called, a loop's first iteration written out before it, what
    follows an if written into each of its paths), and every copy there is then one it may be."""
    found = _paths_matching(stmts, lambda stmt: stmt is loop)
    if found:
        return found
    key = (type(loop), getattr(loop, "lineno", None), getattr(loop, "col_offset", None),
           getattr(loop, "end_lineno", None))
    if key[1] is None:
        return []
    return _paths_matching(stmts, lambda stmt: (type(stmt), stmt.lineno, stmt.col_offset, stmt.end_lineno) == key)


def _paths_matching(stmts, match, owner=None):
    """The ``_paths_to`` each statement of ``stmts`` that ``match`` accepts."""
    found = []
    for index, stmt in enumerate(stmts):
        if match(stmt):
            found.append([(stmts, index, owner)])
        for block in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
            if isinstance(block, list):
                found += [inner + [(stmts, index, owner)] for inner in _paths_matching(block, match, stmt)]
    return found


def restructure(stmts):
    """A loop's body with its jumps as branches: ``if c: ...; break`` is an if whose body leaves the
    loop (``breaks``), the rest of the iteration its ``else``; ``if c: ...; continue`` an if whose
    ``else`` is the rest (an iteration ends where a branch ends).  An if holding a jump takes what
    follows it into each of its branches that goes on; where every path breaks, the body ends in a
    branch always taken (test ``True``, printed as a bare ``break``)."""
    body, breaks = _jumps_as_branches(stmts)
    if breaks:
        always = ast.If(ast.Constant(True), [ast.Pass()], [])
        always.breaks = True
        body.append(_placed(always, stmts[-1]))
    return body


def _placed(node, at):
    """``node`` (made here) and its children at ``at``'s position."""
    for inner in ast.walk(node):
        ast.copy_location(inner, at)
    return node


def _jumps_as_branches(stmts):
    """``(statements, breaks)``: ``stmts`` (a path through a loop's body, to its end) with its jumps as
    branches (see ``restructure``), and whether every path through them ends in a ``break`` (taken out:
    the caller's branch breaks).  A ``continue`` ends its path as the end of the list does: what follows
    a jump never runs, and an if holding one is the last statement of its list."""
    out = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, _JUMPS):
            return out, isinstance(stmt, ast.Break)
        if not (isinstance(stmt, ast.If) and _jumps(stmt)):
            out.append(stmt)
            continue
        rest = stmts[i + 1:]
        body, body_breaks = _jumps_as_branches(_then(stmt.body, tree_copy(rest)))
        orelse, orelse_breaks = _jumps_as_branches(_then(stmt.orelse, rest))
        test = stmt.test
        if orelse_breaks and not body_breaks:  # the branch that breaks first: if not c
            test, body, orelse = ast.copy_location(ast.UnaryOp(ast.Not(), test), test), orelse, body
        new = ast.If(test, body or [ast.copy_location(ast.Pass(), stmt)], orelse)
        new.breaks = body_breaks != orelse_breaks  # (both break: so does the list; neither: a plain if)
        out.append(ast.copy_location(new, stmt))
        return out, body_breaks and orelse_breaks
    return out, False


_JUMPS = (ast.Break, ast.Continue)


def _then(stmts, rest):
    """``stmts`` followed by ``rest``, which runs only where a path of ``stmts`` does not jump."""
    return stmts if source.ends_in(stmts, _JUMPS) else stmts + rest


def _jumps(stmt):
    """Whether a ``break`` or ``continue`` of the enclosing loop is inside ``stmt`` (an ``if``)."""
    for block in (stmt.body, stmt.orelse):
        for inner in block:
            if isinstance(inner, (ast.Break, ast.Continue)) or isinstance(inner, ast.If) and _jumps(inner):
                return True
    return False


def single_exit(stmts):
    """Rewrite early returns so that every path through ``stmts`` ends in a return."""
    out = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.If) and _contains_return(stmt):
            rest = stmts[i + 1:]
            body = stmt.body if source.ends_in(stmt.body) else stmt.body + rest
            orelse = stmt.orelse if source.ends_in(stmt.orelse) else stmt.orelse + rest
            new = ast.copy_location(ast.If(stmt.test, single_exit(body), single_exit(orelse)), stmt)
            out.append(new)
            return out
        out.append(stmt)
    return out


def _contains_return(stmt):
    return any(isinstance(n, ast.Return) for n in source.walk(stmt))


def rename(items, old, new):
    """``items`` with the name ``old`` replaced by ``new`` everywhere (in an index as written between
    brackets, ``:, :H``, and in the names an index reads, ``index_vars``, too)."""
    def text(value):
        if not value or old not in value:
            return value
        if source.expression(value) is not None:
            return source.renamed(value, {old: new})
        return source.renamed(f"_[{value}]", {old: new})[2:-1]  # an index: read between brackets

    def param(key, value):
        if key == "function":
            return value
        if key == "index_vars" and value and old in value:
            return repr(tuple(new if n == old else n for n in ast.literal_eval(value)))
        return text(value)

    def atom(a):
        return ir.Var(new) if isinstance(a, ir.Var) and a.name == old else a

    result = []
    for item in items:
        if isinstance(item, ir.Op):
            params = tuple((k, param(k, v)) for k, v in item.params)
            result.append(ir.Op(new if item.target == old else item.target, item.rule,
                                tuple(atom(a) for a in item.args), item.line, params, text(item.source)))
        elif isinstance(item, ir.If):
            result.append(ir.If(text(item.test), tuple(rename(item.body, old, new)),
                                tuple(rename(item.orelse, old, new)), item.line, item.breaks,
                                tuple((new if c == old else c, atom(e)) for c, e in item.exits)))
        else:
            result.append(ir.Loop(item.kind, item.var, text(item.iterable), text(item.test),
                                  tuple(rename(item.body, old, new)),
                                  tuple((new if c == old else c, atom(e)) for c, e in item.exits),
                                  item.line, item.breaks, tuple(new if c == old else c for c in item.fresh)))
    return result


def _rebound_in_loop(stmt, body):
    """The names the loop ``stmt`` binds anew, its body ``body`` (NumPy code: not by an op= alone) or
    its target."""
    target = names_of(stmt.target) if isinstance(stmt, ast.For) else set()
    return _bound_in(body, True) | target


def _bound_in(body, numpy):
    """The names the statements ``body`` bind; in NumPy code not those only an op= is applied to
    (``y += r``, which writes into the array ``y`` names, and never gives ``y`` another one)."""
    in_place = {id(n.target) for stmt in body for n in source.walk(stmt) if numpy and isinstance(n, ast.AugAssign)}
    return {n.id for stmt in body for n in source.walk(stmt) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Store) and id(n) not in in_place}


_RESIZING = frozenset({"append", "extend", "insert", "pop", "remove", "clear"})


def _resized(body, name):
    """Whether the statements ``body`` call a method changing the length of the list ``name``
    (``name.append(v)``), or delete its items (``del name[0]``)."""
    for stmt in body:
        for node in source.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RESIZING \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
                return True
            if isinstance(node, ast.Delete) and any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                                                    and t.value.id == name for t in node.targets):
                return True
    return False
