"""Which staged values share memory, so that writes keep NumPy's meaning.

Contract: ``MemoryModel`` is a mixin of the stager.  ``note(op)`` records, for
each staged operation, whether its value shares memory with its operand: the
same array (``y = x``), a view through a basic index (``r = X[0]``,
``X[1:, ::2]``), or another view (``.T``, ``reshape``, ``ravel``,
``squeeze``...).  When the user writes into an array (``y[0] = v``, staged as
a new version of ``y``), ``written`` gives every other name that sees that
memory its new value, as NumPy does: the same array takes the new version, a
view is read again from it (``r_1 = X_1[0]``), the array a view was taken
from gets the view's new part written back (``X_1 = X.copy(); X_1[0] = r_1``).
A view with an inverse is followed alike (``_FOLLOWED_VIEWS``): a transpose, a
dimension added or removed, a flip (``np.flip``, ``fliplr``, ``flipud``: its own inverse), a turn
(``np.rot90``, undone by the turn back), an axis moved (``np.moveaxis``, moved back), a diagonal (read-only:
taken again, never undone), and a reshape or
ravel of an array known to be C-contiguous (``c_order``: NumPy copies one of another order), taken again of
the new array (``Bt_1 = B_1.T``) or undone into it (``B_1 = Bt_1.T``).  A list or tuple made from a
display (``L = [w, v]``) holding an array written is made again of its items' new values (``L_1 = [w_1, v]``).  A
reshape or ravel of an array of unknown order is followed alike where the shapes
make it a view whatever the order, in code for those shapes (``_view_by_shapes``:
its condition kept in ``layouts``, checked by ``program`` on the shapes, the
function staged again without it where it fails).  A parameter ``program`` takes to be C-contiguous
(``("layout", "assumed", p)``: code generated without arrays, where a reshape of it is otherwise
refused) is in ``c_order``; the parameters the code relies on so (``layout_consulted``, through
``order_deps``) the backward checks as it starts.  The order of a value an if sets is each path's
(``path_values``), of a value a loop carries the order it enters with, which the loop's end checks
(``loop_values``).  Where
backgen cannot follow the sharing (another view, a reshape of an array of
unknown order, an index that may be an array, an array held in a list appended to, or twice) a name
that would change is marked stale (a value that is one of several, ``a if c else b``, a
branch's: a write into a reaches it, not b): reading it later is a ``BackgenError``
naming the write (with the helpers whose results share it, which ``program``
then writes into the caller; and, where the name shares that memory on some paths of an ``if`` only, the
place of that ``if``, ``split_place``, where ``program`` writes what follows it into each path).  A helper's result shares its arguments' memory unless the
helper, given no list, certainly returns new values (``returns_fresh``: arithmetic, NumPy's
computing functions, locals only ever bound so).
``changed_in_place`` does the same for ``h += v`` in NumPy code, which writes
into ``h`` when it is an array and rebinds it when it is a number: names that
share ``h`` become stale.
Messages name what the user wrote: a name backgen made for an expression (``seq`` of
``for r in X.reshape(4, 3)``, and its versions) is spoken of as that expression (``speak``, ``said``).
"""

import ast
import functools
import re

from dataclasses import replace

import numpy as np

from . import ir, source
from .rules import FRESH_CALLS, NUMPY, call_view, operand_view
from .rules.no_gradient import FRESH as _CONSTRUCTORS
from .rules.numpy_elementwise import RULES as NUMPY_ELEMENTWISE
from .source import walk

VIEWS = {"np.transpose", "np.swapaxes", "np.reshape", "np.ravel", "np.expand_dims", "np.squeeze",
         "np.atleast_1d", "np.atleast_2d", "np.atleast_3d", "np.broadcast_to", "np.moveaxis", "np.diagonal",
         "np.diag",  # (of a matrix, its diagonal as np.diagonal gives it: a view; of a vector a new matrix)
         "np.flip", "np.fliplr", "np.flipud", "np.rot90", "np.linalg.matrix_power",  # (its power 1)
         "np.split", "np.array_split", "np.hsplit", "np.vsplit", "np.dsplit",  # lists of views
         "np.real", "np.conjugate",  # of real numbers: the array itself (x.conj(), not np.conj(x), but alike)
         "np.astype",  # astype(copy=False) and np.asarray may give the array itself
         "np.lib.stride_tricks.sliding_window_view"}  # (read-only windows of x)


# the methods of an array that give a view of it (reshape and ravel where NumPy can take one)
VIEW_METHODS = frozenset({"reshape", "ravel", "transpose", "swapaxes", "squeeze", "view", "T"})

# the views a write through which (or into whose base) backgen follows: each has an inverse (``_undone``)
_FOLLOWED_VIEWS = frozenset({"np.transpose", "np.swapaxes", "np.reshape", "np.ravel", "np.expand_dims",
                             "np.squeeze", "np.atleast_1d", "np.atleast_2d", "np.atleast_3d",
                             "np.flip", "np.fliplr", "np.flipud",  # (a flip undoes itself)
                             "np.rot90",  # (undone by the turn back: k negated)
                             "np.moveaxis",  # (undone by the move back: source and destination swapped)
                             "np.diagonal"})  # (read-only: taken again of the array written, never undone)

# the operations laying their result out as their operands (NumPy's ufuncs, order 'K'): C-contiguous where
# each operand is a number or an array in C order
ELEMENTWISE = frozenset({"add", "sub", "mul", "div", "pow", "neg", "square", "mod",
                         "abs",  # (abs(x) of an array: np.absolute)
                         "np.sigmoid"} |  # (1 / (1 + np.exp(-x)): ufuncs of x)
                        {name for name in NUMPY_ELEMENTWISE if name.startswith("np.") and
                         name != "np.conjugate" and isinstance(getattr(np, name[3:], None), np.ufunc)})

# the other operations laying their new result out as their operands (order 'K', verified of NumPy's: of
# operands whose axes lie in C order, gaps maybe, a C-contiguous array): reductions, joins, repeats
_ORDER_KEPT = frozenset({"np.sum", "np.prod", "np.mean", "np.max", "np.min", "np.var", "np.std", "np.cumsum",
                         "np.cumprod", "np.diff", "np.tile", "np.repeat", "np.concatenate", "np.stack", "np.vstack",
                         "np.hstack", "np.where", "np.clip", "np.sort", "np.pad", "np.roll", "np.copy"})

# the operations whose result is a new array laid out densely (its elements one block of memory, its axes in
# some order): with at most one axis of more than one element it is C-contiguous (``layout_holds``)
_DENSE = ELEMENTWISE | {name for name, rule in NUMPY.items() if rule.fresh} | \
    {"np.max", "np.min", "np.var", "np.std", "np.prod", "np.linalg.norm"}

_NOTED = frozenset({"list_make", "list_append", "copy", "setitem", "getitem", "call", "select", "np.select_if",
                    "np.einsum", "np.diff", *VIEWS})  # the rules whose values note records anything of (np.einsum
                    # and np.diff: where ``operand_view`` says they return their operand or a view of it)


class MemoryModel:
    """Mixin: needs ``versions``, ``bind``, ``add``, ``namer``, ``line``, ``numpy``, ``error``, and
    sets up ``storage`` (atom -> (atom it shares memory with, kind, index)), ``list_atoms``, ``list_members``,
    ``stale`` (name -> message) and ``int_names`` (names known to hold integers) in ``init_memory``."""

    def init_memory(self):
        self.storage = {}
        self.list_atoms = set()
        self.made_arrays = set()  # arrays NumPy made (np.zeros((3, 3)), np.array(rows) of a list): never numbers
        self.arrays_assumed = set()  # loops' values taken for arrays as an iteration starts (_certain_array)
        self.list_members = {}  # list atom -> the atoms it holds
        self.lists_sharing = set()  # list atoms that may hold one array twice (or an array and a view of it)
        self.list_sources = {}  # list atom -> the list it was made from (xs[i] = v, an append, a copy)
        self.list_items = {}  # list atom made from a display ([a, b], (a, b)) -> its items, in order
        self.shared_edges = []  # (atom, atom) that may share memory: a helper's result and its arguments
                                # (but of one returning new values: returns_fresh),
                                # a loop's carried value and its values, a branch's value renamed
        self.item_edges = []  # (item read from a list, a value appended to it): writes follow these too
        self.merge_edges = []  # (value, value it is on one of several paths): it may be that one, or another
        self.merge_places = {}  # a value an if's paths merge -> that if's place (line, column)
        self.split_places = {}  # a stale mark's message -> the place of the if whose paths share memory
        # otherwise, where writing what follows it into each path makes the sharing one (tails.split)
        self.stale = {}
        self.hazards = []  # (value, BackgenError): an error if the value is an array
        self.number_hazards = []  # (value, BackgenError, BackgenError): an error if the value is a number, and
                                  # one where shapes are not given
        self.array_hazards = []  # (value, BackgenError): an error if the value is no array (a list, a tuple)
        self.param_writes = []  # (value or None, BackgenError, parameter): writes reaching a parameter's array
        self.param_names = ()
        self.writes = []  # (name, value written into, node), in staging order
        self.write_holders = {}  # a write of ``writes`` -> the names holding, as it is staged, the array it is
                                 # into or one that array is a view of (the write followed into them)
        self.written_values = {}  # the value a write gave -> the value written into (X_1 of X[0] = v, staged
                                  # X_1 from X; h_1 of h += v, where h is an array): the same array
        self.int_names = set()  # names certainly holding integers (``integral``)
        self.bool_names = set()  # the parameters declared bool: numbers, but no basic index
        self.list_ops = {}  # a list made from a display ([w, v], (M,)) -> the staged operation making it
        self.unpacked_calls = set()  # atoms of calls unpacked by position (a, b = pair(x)): tuples, maybe
        self.view_ops = {}  # a view's atom -> the staged operation taking it (``Bt = B.T``)
        self.call_results = {}  # an atom a helper's call gave -> the helper (it may be an argument, or a view)
        self.stale_calls = {}  # a stale name -> the helpers whose results may share its memory
        self.c_order = set()  # atoms known to be C-contiguous arrays (a reshape of one is a view)
        self.order_deps = {}  # an atom of c_order -> the parameters taken to be C-contiguous it is so by
        self.layout_consulted = {}  # such a parameter -> (line, "reshape" or "ravel") of the first view
                                    # that it made certain (the code relies on it there)
        self.order_use = None  # (line, what): the reshape or ravel whose being a view is being decided
        self.path_values = {}  # a value an if sets on its paths -> the value of each (the array it is on that one)
        self.same_arrays = {}  # the new value of an array a write through a view of it gave -> its value before
        self.loop_values = {}  # a value a loop carries -> (the value it enters with, the last iteration's, or
                               # None while the body is staged; whether it enters C-contiguous: so taken there)
        self.loop_assumed = {}  # such a value taken for C-contiguous in its loop's body -> (line, what) of the use
        self.layout_whys = set()  # why a write is not followed where that is a reshape of an array of unknown
        self.layout_marks = set()  # order (``_unfollowed``), and the stale marks' messages made of them
        self.order_ops = {}  # atom -> the elementwise operation, reshape or write giving it: C-contiguous
                             # where its operands are (``c_contiguous``)
        self.sizes = set()  # atoms holding a size read from a shape (d = x.shape[-1])
        self.order_known = {}  # atom -> whether ``c_contiguous`` found it C-contiguous
        self.dense = set()  # atoms of a new array an operation laid out densely (``_DENSE``)
        self.order_conditions = {}  # atom -> the condition on shapes under which it is C-contiguous
        self.view_lines = {}  # a view taken again (``_view_again``) -> the line of the view it takes again
        self.lists_given = set()  # parameters given lists of numbers (made arrays): a reshape of one copies
        self.layouts = []  # (condition on shapes, line): a reshape or ravel of an array whose order is not
                           # known, taken as the view it is where the shapes make it one (``layout_holds``)
        self.mask_names = set()  # names known to hold booleans (x > 0, ~m, m & n): an index by one copies
        self.index_arrays = set()  # names known to hold arrays of integers (np.arange(N), labels declared
                                   # 'int N'): an index by one copies too
        self.index_tuples = set()  # names holding np.nonzero's tuple of arrays of integers: its items index so
        self.constant_links = {}  # atom -> a constant array another name holds, which it may be (a merge)
        self.constants_in_place = {}  # a constant h op= v folded to -> the constant h held before (its text)
        self.constant_origins = {}  # id of a constant a name was given -> (it, the constant whose array it is of:
        # itself for one made as it runs, np.zeros(3); A's for r = A[1]), where that is known (constant_origin)
        self.array_in_place = set()  # the places of the op= on a value certainly an array (a slice of one:
                                     # v = w[1:]; v *= 2.0), staged as the write it is in code for any shape too
        self.in_place_values = {}  # the value of h op= v -> h's value before (a name, or a constant: ir.Const):
                                   # the same array where that is one
        self.spoken = {}  # a name backgen made for what the user wrote as an expression (seq of for r in
                          # X[1:]; items of list(X)) -> that expression's text, which messages name instead

    def note(self, op):
        """Record how ``op``'s value shares memory with its first operand."""
        np_name = getattr(self, "modules", {}).get("np", "np")
        if self.numpy and (self._array_of_list(op) or op.rule in ("inert", "copy") and
                           op.source.startswith(np_name + ".") and _array_constructor(op.source, np_name)):
            self.made_arrays.add(op.target)
        if self.numpy and (_c_ordered(op, self.c_order, np_name) or op.target in self.made_arrays):
            self.c_order.add(op.target)
            if op.rule in ("np.reshape", "setitem") and op.args[0].name in self.order_deps:
                self.order_deps[op.target] = self.order_deps[op.args[0].name]  # (C-contiguous as its operand)
        elif self.numpy and (op.rule in ELEMENTWISE or op.rule in ("np.reshape", "setitem", "np.select_if") or
                             op.rule == "inert" and _ufunc_test(op.source) or
                             op.rule in _ORDER_KEPT and not (op.rule == "np.copy" and _copy_order(op.source) not in
                                                             (None, "K", "A"))):
            self.order_ops[op.target] = op  # (C-contiguous where its operands are: ``c_contiguous``; np.copy,
            # np.array(x), x.astype(float) copy in order 'K': laid out as x, densely; a if c else b is one of them)
        elif self.numpy and op.rule == "inert" and _no_array(source.expression(op.source)):
            self.sizes.add(op.target)  # (x.shape[0]: a number)
        if self.numpy and op.rule in _DENSE and not operand_view(op):
            self.dense.add(op.target)
        if op.rule == "inert" and self.numpy and _boolean(op.source, self.mask_names):
            self.mask_names.add(op.target)
        if self.numpy and _integer_array(op.source, getattr(self, "modules", {}).get("np", "np")):
            self.index_arrays.add(op.target)
        elif self.numpy and _integer_array(f"{op.source}[0]", getattr(self, "modules", {}).get("np", "np")):
            self.index_tuples.add(op.target)  # (rows, cols = np.nonzero(m): each an array of integers)
        elif self.numpy and op.rule == "getitem" and op.args and isinstance(op.args[0], ir.Var) and \
                op.args[0].name in self.index_tuples and re.fullmatch(r"-?\d+", op.param("index") or ""):
            self.index_arrays.add(op.target)
        if op.rule in _INTEGER_RULES and (op.rule == "inert" or all(  # (arithmetic of arrays: not parsed again)
                a.__class__ is ir.Const or a.name in self.int_names for a in op.args)) and \
                self.integral(source.expression(op.source)):
            self.int_names.add(op.target)  # (j = i + 1, n = x.shape[0] - 1: out[j] a basic index, a view)
        if op.rule not in _NOTED:  # (arithmetic, most operations: a new value, sharing nothing)
            return
        if self.numpy:
            self._link_held_constant(op)
        storage, lists = self.storage, self.list_atoms
        base = op.args[0] if op.args else None
        items = [a.name for a in op.args if isinstance(a, ir.Var)] if lists or op.rule in ("list_make", "copy") else ()
        if op.rule == "list_make" or (op.rule == "copy" and (op.source == "[]" or isinstance(base, ir.Const) and
                                                             source.list_display(base.source))):
            lists.add(op.target)
            self.list_members[op.target] = set()
            for item in items:
                self._hold(op.target, item)
            if op.rule == "list_make":
                self.list_items[op.target] = op.args
                self.list_ops[op.target] = op
        elif op.rule == "list_append":
            lists.add(op.target)
            xs, item = op.args
            self.list_members[op.target] = set()
            if isinstance(xs, ir.Var):
                self._held_by(op.target, xs.name)
            if isinstance(item, ir.Var):
                self._hold(op.target, item.name)
        elif op.rule == "setitem" and items and items[0] in lists:  # xs[i] = v: the list holding v there
            lists.add(op.target)  # (and, as far as backgen knows, what it held before)
            self.list_members[op.target] = set()
            self._held_by(op.target, items[0])
            if len(items) > 1 and isinstance(op.args[1], ir.Var):
                self._hold(op.target, op.args[1].name)
        elif op.rule in ("copy", "getitem") and items and items[0] in lists:
            if op.rule == "copy" or ":" in (op.param("index") or ""):  # a copy or a slice: another list
                lists.add(op.target)
                self.list_members[op.target] = set()
                self._held_by(op.target, items[0])
            elif self._item_at(op) is not None:  # b, c = (X, w): b is X itself
                item = self._item_at(op)
                if item in lists:
                    raise self.error("this reads an item of a list holding lists, which backgen does not "
                                     "differentiate: use one list, or make an array of it (np.array(...))",
                                     _Line(self.line))
                storage[op.target] = (item, "same", None)
                return
            else:  # an item: the array of any member (of any version of the list, a loop's too)
                held = set().union(*(self.list_members.get(version, set()) for version in self.sharing(items[0])
                                     if version in lists))
                if held & lists:  # grid[0] of grid = [[a, b], [c]]: its gradient would be a list of lists
                    raise self.error("this reads an item of a list holding lists, which backgen does not "
                                     "differentiate: use one list, or make an array of it (np.array(...))",
                                     _Line(self.line))
                self.item_edges += [(op.target, member) for member in sorted(held)]
        if op.rule in ("select", "np.select_if"):  # a if c else b: a or b (c too, to be safe), one of them only,
            # so a write into a does not reach b (nor one into W the X of np.sum(X if c else W))
            self.merge_edges += [(op.target, a.name) for a in op.args if isinstance(a, ir.Var)]
            place = self._statement_place(op.line)
            if place is not None:  # (its statement written as an if, what follows written into each path)
                self.merge_places.setdefault(op.target, place)
        elif op.rule == "call":  # may be an argument itself, or a view of one (unless the helper certainly
            fresh = not any(isinstance(a, ir.Var) and a.name in lists for a in op.args) and \
                self._helper_returns_fresh(op.param("function"))  # returns new values: returns_fresh)
            self.shared_edges += [] if fresh else [(op.target, a.name) for a in op.args if isinstance(a, ir.Var)]
            if op.rule == "call":
                self.call_results[op.target] = op.param("function")
                for a in () if fresh else op.args:  # or an item of a list given (pick((v, y)) returning p[0]: v),
                    if isinstance(a, ir.Var) and a.name in lists:  # or a view of one
                        held = set().union(*(self.list_members.get(version, set())
                                             for version in self.sharing(a.name) if version in lists))
                        self.shared_edges += [(op.target, member) for member in sorted(held)]
        elif not isinstance(base, ir.Var):
            return
        elif op.rule == "copy":
            storage[op.target] = (base.name, "same", None)
        elif op.rule == "getitem":
            if base.name in self.sizes:  # (H = parts[2] of parts = x.shape: an integer, no view of anything)
                return
            storage[op.target] = (base.name, self._index_kind(op), op.param("index"))
        elif op.rule == "np.ravel" and _method(op.source, getattr(self, "modules", {}).get("np", "np")) == "flatten":
            return  # (a copy, in any order)
        elif op.rule in VIEWS or operand_view(op):  # (np.einsum('ij->ji', a): a view of a; np.diff(a, n=0): a)
            storage[op.target] = (base.name, "same" if op.rule == "np.diff" else "view", None)
            self.view_ops[op.target] = op

    def _array_of_list(self, op):
        """Whether ``op`` makes an array of a Python list (``np.array(rows)``, ``np.asarray(xs, float)``),
        which NumPy lays out in C order (where no other order is asked): new, C-contiguous.
        (``rows.copy()``, the list's method, is a list.)"""
        if op.rule not in ("np.copy", "np.astype") or not op.args or not isinstance(op.args[0], ir.Var) or \
                op.args[0].name not in self.list_atoms:
            return False
        try:
            call = ast.parse(op.source, mode="eval").body
        except SyntaxError:
            return False
        np_name = getattr(self, "modules", {}).get("np", "np")
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                isinstance(call.func.value, ast.Name) and call.func.value.id == np_name and len(call.args) <= 2):
            return False  # (a method, rows.copy(), of a list: a list; np.array(xs, float, ...): an order maybe)
        orders = [k.value for k in call.keywords if k.arg == "order"]
        return not orders or isinstance(orders[0], ast.Constant) and orders[0].value in ("C", "K", "A")

    def _link_held_constant(self, op):
        """``op``'s value may hold a constant array one of its operands is or may be (a list of it, an
        item or a view of one, a helper's result, ``a if c else b``): a write into either is a write
        into both (``constant_links``)."""
        if op.rule == "copy":
            return  # (a merge's or a loop's copy of a constant: link_constant, where another name holds it)
        if op.rule == "setitem":
            held = op.args[1:2] if op.args and isinstance(op.args[0], ir.Var) and \
                op.args[0].name in self.list_atoms else ()
        elif op.rule in ("list_make", "list_append", "call", "select", "np.select_if"):
            held = op.args
        else:
            held = op.args[:1]
        for atom in held:
            constant = self._as_constant(atom)
            if may_be_array_constant(constant):
                self.constant_links[op.target] = constant
                return

    def _item_at(self, op):
        """The name of the value ``op`` (an index into a list) reads, where that list is an atom made from a
        display (``pair = (X, w)``, never changed: a change makes a new atom) and the index a whole-number
        constant within it: the value itself, an array or a name's value; else None."""
        items = self.list_items.get(op.args[0].name) if isinstance(op.args[0], ir.Var) else None
        try:
            index = int(op.param("index") or "")
        except ValueError:
            return None
        if items is None or not -len(items) <= index < len(items) or str(index) != op.param("index").strip():
            return None
        item = items[index]
        return item.name if isinstance(item, ir.Var) else None

    def _hold(self, held, item):
        """The list ``held`` holds the value ``item`` too; it may then hold one array twice where an item
        it held already shares memory with ``item`` (``[v, v]``, ``[v, v[::-1]]``)."""
        members = self.list_members[held]
        if item in members or members & self.sharing(item, items=True):
            self.lists_sharing.add(held)
        members.add(item)

    def _held_by(self, held, other):
        """The list ``held`` holds what the list ``other`` holds (it is made from it)."""
        self.list_sources[held] = other
        self.list_members[held] |= self.list_members.get(other, set())
        if other in self.lists_sharing:
            self.lists_sharing.add(held)

    def _list_lineage(self, held):
        """The list ``held`` and the lists it was made from (by xs[i] = v, append, a copy or a slice)."""
        found = {held}
        while held in self.list_sources and self.list_sources[held] not in found:
            held = self.list_sources[held]
            found.add(held)
        return found

    def item_changed_in_place(self, name, old, new, value, node):
        """``xs[i] op= v`` on the list ``xs`` (its value ``old``, now ``new``): where the item is an array
        Python changes that array in place, so every other name holding it sees the change, and so
        does ``new`` where another of its items may be that array (``xs = [v, v]``): those become stale."""
        if not self.numpy or not isinstance(old, ir.Var) or old.name not in self.list_atoms:
            return
        link = value.name if isinstance(value, ir.Var) else None
        shared = self.sharing(old.name, items=True)
        members = sorted(self._members_at(old.name, node.target))
        for member in members:  # (the arrays the list holds there: what op= writes into)
            shared |= self.sharing(member, items=True)
        kind = "dict" if name in getattr(self, "value_dicts", ()) else "list"  # (a dict the function fills)
        for other_name, atom in list(self.versions.items()):
            if other_name == name or other_name.startswith(" ") or not isinstance(atom, ir.Var):
                continue
            if atom.name in shared:
                # an item that is an array whatever its shape (x[..., 0] of a vector: 0-d, which op= writes
                # into, its result a number all the same) makes the write certain, not the result's shape
                certain = any(self._number_link(member, atom.name) is None for member in members
                              if member != atom.name and not self._same_object(member, atom.name))
                # (u1 of u1, u2 = (s, s) is s itself: a number there is rebound, as s in the list would be)
                self._stale(other_name, name, node, f"{_symbol(node)}= on an item of the {kind} {name!r} writes "
                                                    "into the array it holds, which other names may hold too",
                            only_if_array=None if certain else link)
        if old.name in self.lists_sharing and isinstance(new, ir.Var):
            self._stale(name, name, node, f"{_symbol(node)}= on an item of the {kind} {name!r} writes into the "
                                          f"array it holds, which another of its items may be too",
                        only_if_array=link)

    def _members_at(self, held, target):
        """The atoms the list ``held`` may hold where ``target`` (``xs[i]``) points: of a list made from a
        display (``[w, v]``) at a whole-number constant, that item; else any member of it (of any list it
        shares memory with)."""
        items = self.list_items.get(held)
        index = target.slice if isinstance(target, ast.Subscript) else None
        if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub) and isinstance(index.operand, ast.Constant):
            index = ast.Constant(-index.operand.value) if type(index.operand.value) is int else None
        if items is not None and isinstance(index, ast.Constant) and type(index.value) is int and \
                -len(items) <= index.value < len(items):
            item = items[index.value]
            return {item.name} if isinstance(item, ir.Var) else set()
        return set().union(*(self.list_members.get(version, set()) for version in self.sharing(held)
                             if version in self.list_atoms))

    def list_changed(self, name, old, new, node):
        """``xs.append(v)`` or ``xs.pop()`` changed the list ``name`` held (``old``, now ``new``): the list
        object itself, so every other name of it (``ys = xs``) takes the new value, and a name that may be
        it on some path (a branch's merge, a helper's result) becomes stale; a helper doing it to a
        parameter changes its caller's list (refused)."""
        if old is None:
            return
        same = set()
        if isinstance(old, ir.Var):
            edges = {}
            pairs = [(atom, base) for atom, (base, kind, _) in self.storage.items() if kind == "same"]
            for atom, base in pairs + self.shared_edges + self.merge_edges:
                edges.setdefault(atom, set()).add(base)
                edges.setdefault(base, set()).add(atom)
            todo = [old.name]
            while todo:
                atom = todo.pop()
                if atom not in same:
                    same.add(atom)
                    todo += edges.get(atom, ())
            self._note_parameter_write(same | {old.name}, name, node, None)
        for other_name, atom in list(self.versions.items()):
            if other_name == name or other_name.startswith(" "):
                continue
            if atom is old or isinstance(old, ir.Var) and atom == old:
                marks = self.stale.get(other_name)
                self.bind(other_name, new)
                if marks:  # (another name of the same list: what a write made stale in it still is)
                    self.stale[other_name] = marks
            elif isinstance(atom, ir.Var) and atom.name in same:
                self._stale(other_name, name, node, f"{other_name!r} may be the list {name!r} (on some path), "
                                                    "which this changes")

    def _written_item(self, new):
        """The value the write ``new`` (a staged setitem of the current block) put in, or None."""
        if isinstance(new, ir.Var):
            for op in reversed(self.ops):
                if isinstance(op, ir.Op) and op.target == new.name and op.rule == "setitem":
                    return op.args[1]
        return None

    def set_on_paths(self, target, relations):
        """``target`` is set on several paths, sharing memory on each as ``relations`` says (a ``storage``
        entry, or None: a new array or one backgen does not know).  Where the paths agree it is that;
        otherwise it may share with each, which backgen cannot follow (a write makes it stale)."""
        if len(set(relations)) == 1 and relations[0] is not None:
            self.storage[target] = relations[0]
            return
        self.storage.pop(target, None)
        self.merge_edges += [(target, base) for base, kind, _ in filter(None, relations) if kind != "copy"]

    def _index_kind(self, op):
        """"index" for a basic index (a view), "copy" for an advanced one, "maybe" if unknown."""
        try:
            node = ast.parse(f"_[{op.param('index')}]", mode="eval").body.slice
        except SyntaxError:
            return "maybe"
        items = node.elts if isinstance(node, ast.Tuple) else [node]
        kind = "index"
        for item in items:
            if isinstance(item, (ast.List, ast.ListComp)) or (
                    isinstance(item, ast.Constant) and isinstance(item.value, (list, bool))):
                return "copy"
            if isinstance(item, ast.Slice):  # (whatever its bounds: NumPy takes them as integers, or raises)
                continue
            if isinstance(item, ast.Constant) and (item.value is None or item.value is Ellipsis
                                                   or isinstance(item.value, int)):
                continue
            if self.integral(item):
                continue
            if isinstance(item, ast.Attribute) and item.attr == "newaxis":
                continue
            if isinstance(item, ast.Name) and item.id in self.mask_names:
                return "copy"  # booleans, even one: NumPy's advanced indexing, which copies
            if isinstance(item, ast.Name) and item.id in self.index_arrays or \
                    _arange(item, getattr(self, "modules", {}).get("np", "np")):
                return "copy"  # an array of integers (x[np.arange(N), y]): advanced indexing too
            kind = "maybe"
        return kind

    def integer_fancy(self, index):
        """Whether the index text ``index`` is an advanced index by arrays of integers alone (``[2, 0, 2]``,
        ``np.arange(N), y``, with whole numbers and slices beside them), never a boolean mask: NumPy then
        copies a value that may share the written array's memory before writing it."""
        try:
            node = ast.parse(f"_[{index}]", mode="eval").body.slice
        except SyntaxError:
            return False
        items = node.elts if isinstance(node, ast.Tuple) else [node]
        np_name = getattr(self, "modules", {}).get("np", "np")
        advanced = False
        for item in items:
            if isinstance(item, ast.List) and item.elts and all(self.integral(e) for e in item.elts) or \
                    isinstance(item, ast.Name) and item.id in self.index_arrays or _arange(item, np_name):
                advanced = True
            elif not (isinstance(item, ast.Slice) or self.integral(item) or isinstance(item, ast.Constant) and
                      item.value in (None, Ellipsis) or isinstance(item, ast.Attribute) and item.attr == "newaxis"):
                return False
        return advanced

    def integral(self, node, named=None):
        """Whether the expression ``node`` certainly gives an integer: a Python int or a NumPy integer
        scalar (a basic index), never a bool (NumPy indexes by True as by a mask) nor a 0-d array.
        Integers are whole numbers written so, the names holding them (``int_names``: a parameter
        declared ``int``, a loop's counter over a range), sizes (``len(x)``, ``x.shape[0]``, ``x.ndim``),
        ``int(v)``, ``round(v)``, and ``+ - * // %``, ``min`` and ``max`` of integers.  ``named``: whether
        a name holds an integer, where the names are the user's (``integer_carried``), not staged ones."""
        kind = node.__class__
        if kind is ast.Constant:
            return type(node.value) is int
        if kind is ast.Name:
            return named(node.id) if named is not None else node.id in self.int_names
        if kind is ast.UnaryOp:
            return isinstance(node.op, (ast.USub, ast.UAdd)) and self.integral(node.operand, named)
        if kind is ast.BinOp:
            return isinstance(node.op, _INTEGER_OPS) and self.integral(node.left, named) and \
                self.integral(node.right, named)
        if kind is ast.Attribute:
            return node.attr in ("ndim", "size")
        if kind is ast.Subscript:  # x.shape[0], np.shape(x)[-1]
            shape = node.value
            np_name = getattr(self, "modules", {}).get("np", "np")
            return (isinstance(shape, ast.Attribute) and shape.attr == "shape" or isinstance(shape, ast.Call) and
                    isinstance(shape.func, ast.Attribute) and shape.func.attr == "shape" and
                    isinstance(shape.func.value, ast.Name) and shape.func.value.id == np_name) and \
                self.integral(node.slice, named)
        if kind is ast.Call and isinstance(node.func, ast.Name) and node.func.id in ("len", "int", "round", "min",
                                                                                  "max") and \
                node.func.id not in getattr(self, "versions", {}) and not node.keywords and node.args:
            if node.func.id in ("len", "int", "round"):  # (int(v), round(v) of one argument: an integer, or it
                # raises: NumPy's float64 rounds to one from NumPy 2, to a float before, which no index takes)
                return len(node.args) == 1 and not isinstance(node.args[0], ast.Starred)
            return len(node.args) > 1 and all(self.integral(arg, named) for arg in node.args)
        return False

    def integer_carried(self, body, carried):
        """The names of ``carried`` (a loop's carried names) that hold integers in every iteration: an
        integer as the loop starts (``i = 0``), set in the loop's ``body`` (statements) only by
        assignments of integers (``i += 1``, ``i = i * 2 + j`` of such a ``j``).  A name the body
        sets otherwise (unpacked, a loop's target, ``i = x[0]``) holds no integer known."""
        sets, assigned, plain = [], set(), set()
        for node in (part for stmt in body for part in walk(stmt)):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                sets.append((node.targets[0].id, node.value))
                plain.add(node.targets[0])
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                value = ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
                sets.append((node.target.id, value))
                plain.add(node.target)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
                if node not in plain:
                    sets.append((node.id, None))  # (set by a loop, unpacked, or by :=)
        kept = {name for name in carried if name in self.versions and
                self.integral(source.expression(str(self.versions[name])))}
        while True:
            def named(name):
                if name in kept:
                    return True
                held = self.versions.get(name)
                return name not in assigned and held is not None and \
                    self.integral(source.expression(str(held)))
            dropped = {name for name, value in sets if name in kept and
                       (value is None or not self.integral(value, named))}
            if not dropped:
                return kept
            kept -= dropped

    def _copied(self, name):
        """The source copying ``name`` before a write into it: ``name.copy()``, or ``list(name)`` where a NumPy
        call made it a sequence of arrays (svd's (u, s, vt), a tuple, has no .copy()), or a helper's call whose
        values are unpacked by position (``v, probs = pair(x)``)."""
        made = next((op for op in self.ops if isinstance(op, ir.Op) and op.target == name), None)
        if made is not None and made.rule in NUMPY and NUMPY[made.rule].returns_list or \
                made is not None and made.rule == "call" and name in self.unpacked_calls:  # (a helper's values,
            return f"list({name})"  # a, b = pair(x): a tuple, which has no .copy() either)
        return f"{name}.copy()"

    def _relation(self, other, written):
        """How ``other`` relates to the written atom: ("same"|"view-of"|"base-of", kind, index) or None."""
        storage = self.storage
        if other == written:
            return ("same", "same", None)
        found = storage.get(other)
        if found and found[0] == written:
            return ("view-of",) + found[1:]
        found = storage.get(written)
        if found and found[0] == other:
            return ("base-of",) + found[1:]
        return None

    def sharing(self, atom_name, items=False, without=frozenset()):
        """Every atom that may share memory with ``atom_name``: through any chain of aliases and
        views (not copies), and the lists holding one of them and what was read from those; with
        ``items``, an item read from a list reaches each value appended to it too (what a write
        into an array changes); not through the edges ``without``.  A value set on several paths
        (``prev = h0 if t == 0 else h[t - 1]``) may be each path's: reached from one of them (h), it may
        be that one, not the others (h0)."""
        edges, merged, paths = {}, {}, {}
        pairs = [(atom, base) for atom, (base, kind, _) in self.storage.items() if kind != "copy"]
        for atom, base in pairs + self.shared_edges + (self.item_edges if items else []):
            if without and (atom, base) in without:
                continue
            edges.setdefault(atom, set()).add(base)
            edges.setdefault(base, set()).add(atom)
        for atom, base in self.merge_edges:
            if without and (atom, base) in without:
                continue
            merged.setdefault(base, set()).add(atom)  # atom may be base
            paths.setdefault(atom, set()).add(base)
        found, seen, todo = set(), set(), [(atom_name, False)]
        while todo:  # the atoms sharing memory, then the lists holding one of them, and so on
            while todo:
                atom, one_path = todo.pop()  # one_path: reached as what a value may be on one of its paths
                if (atom, one_path) in seen or (atom, False) in seen:
                    continue
                seen.add((atom, one_path))
                found.add(atom)
                todo += [(other, one_path) for other in edges.get(atom, ())]  # (a list's edges reach what was
                todo += [(value, True) for value in merged.get(atom, ())]     # read from it)
                if not one_path:
                    todo += [(base, False) for base in paths.get(atom, ())]
            todo = [(held, False) for held, members in self.list_members.items() if members & found and held not in found]
        return found

    def _statement_place(self, line):
        """``(line, column)`` of the first statement of the function starting on ``line``, or None."""
        places = self.__dict__.get("_statement_places")
        if places is None:  # (one walk of the function, at its first conditional expression)
            places = self._statement_places = {}
            for n in source.walk(self.func):
                if isinstance(n, ast.stmt) and getattr(n, "lineno", None) is not None:
                    places.setdefault(n.lineno, (n.lineno, n.col_offset))
        return places.get(line)

    def note_write(self, name, old, node):
        """Records the write through ``name`` into its value ``old`` (``writes``), and the names that hold
        that array or one it is a view of as it is staged (``write_holders``): it is followed into them."""
        write = (name, old.name, node)
        self.writes.append(write)
        bases = set(self._bases(old.name))
        self.write_holders[write] = frozenset({name} | {other for other, atom in self.versions.items()
                                                        if isinstance(atom, ir.Var) and atom.name in bases})

    def _refuse_broadcast_write(self, name, old, node):
        """Refuse a write through ``name`` into ``old`` where ``old`` is (a view of) an array broadcast by
        ``np.broadcast_to`` (``np.broadcast_arrays`` is written so): its elements along the axes broadcast
        share one place in memory, so that NumPy's write changes them all (and the array broadcast)."""
        todo, seen = [old.name] if isinstance(old, ir.Var) else [], set()
        while todo:
            atom = todo.pop()
            if atom in seen:
                continue
            seen.add(atom)
            view = self.view_ops.get(atom)
            if view is not None and view.rule == "np.broadcast_to":
                raise self.error(f"this writes into {name!r}, an array broadcast (np.broadcast_to, "
                                 "np.broadcast_arrays), whose elements along the axes broadcast share one place "
                                 "in memory, which backgen does not follow: copy it first (.copy())", node)
            if atom in self.storage:
                todo.append(self.storage[atom][0])

    def written(self, name, old, new, node):
        """``name`` was written into: its value ``old`` (an ir.Var) is now ``new``.

        Every other name sharing that memory gets its new value (aliases and basic
        views, as NumPy has them), or is marked stale where backgen cannot follow
        the sharing (reading it later is refused); a write into an array broadcast is refused."""
        self._refuse_broadcast_write(name, old, node)
        shared = self.sharing(old.name, items=True)
        self.note_write(name, old, node)
        self.written_values[new.name] = old.name
        before = dict(self.versions)
        direct = None  # (what shares that memory on every path: found where needed)
        self._follow(name, old, new, {old.name}, node)
        self._lists_remade(before, old, new, shared, node)
        self._note_parameter_write(shared, name, node, None)
        self.cache_written(name, old, node)
        for other_name, atom in before.items():
            if other_name == name or other_name.startswith(" ") or not isinstance(atom, ir.Var):
                continue
            if atom.name in shared and self.versions.get(other_name) == atom:  # not followed
                link = self._held_link(atom.name, old.name, shared, self._number_link(atom.name, old.name))
                found = self.storage.get(atom.name)
                retry = ("view", atom.name) if link == atom.name and found and found[1] == "index" and \
                    not _has_slice(found[2]) else None  # (a = W[0]: where the shapes make it a row, followed)
                unfollowed = self._unfollowed(atom.name, old.name)
                paths = not unfollowed and atom.name not in (direct := direct if direct is not None else self.sharing(
                    old.name, items=True, without=frozenset(self.merge_edges)))
                why = unfollowed or (
                    f"{other_name!r} shares the memory of {name!r} on some paths of the code only (a branch, or a "
                    f"loop that may not run, set one of them there), and backgen writes code for one meaning"
                    if paths else
                    f"{other_name!r} shares its memory through a transpose, a reshape, a list, an index that "
                    "may be an array, a helper's result, or a value a loop carries on some of its paths")
                self._stale(other_name, name, node, why, only_if_array=link, retry=retry)
                places = sorted(self.merge_places[t] for t, _ in self.merge_edges
                                if t in shared and t in self.merge_places) if paths else ()
                if places:  # (the first if whose paths share the memory otherwise: split there)
                    self.split_places[self.stale[other_name][-1][1]] = places[0]

    def _lists_remade(self, before, old, new, shared, node):
        """After the write that made ``old`` ``new`` (and followed it into the names sharing it: their
        values ``before`` it in ``before``), a list made from a display (``L = [w, v]``, ``t = (M,)``)
        holding one of the arrays it changed is made again of its items' new values (``L_1 = [w_1, v]``),
        as every name of it reads them after the write: it holds those arrays themselves.  Not where an
        item it holds sharing that memory was not followed, nor where it may hold one array twice: it is
        left to ``written``, stale.  Nor where an earlier branch set the list on one path only and nothing
        reads it after the write (``node``): its items may be unset here, and it is needed nowhere."""
        renewed, same = {old.name: new}, old.name
        while same in self.storage and self.storage[same][1] == "same" and self.storage[same][0] not in renewed:
            same = self.storage[same][0]  # (the array old is, held by no name: L = [x * 1.0]; item = L[0])
            renewed[same] = new
        for other_name, atom in before.items():
            after = self.versions.get(other_name)
            if not other_name.startswith(" ") and isinstance(atom, ir.Var) and isinstance(after, ir.Var) and \
                    after != atom and atom.name not in self.list_atoms:
                renewed.setdefault(atom.name, after)
        made = {}
        for other_name, atom in before.items():
            if other_name.startswith(" ") or not isinstance(atom, ir.Var) or self.versions.get(other_name) != atom \
                    or atom.name not in shared or atom.name in self.lists_sharing or \
                    other_name in getattr(self, "conditional", {}) and not self._read_later(other_name, node):
                continue  # (set on one path only and read nowhere after: its items may be unset here, b = (a *
                # 0.7, a) under an if, and nothing needs it made again)
            op = self.list_ops.get(atom.name)
            items = [item.name for item in op.args if isinstance(item, ir.Var)] if op is not None else ()
            if not any(item in renewed for item in items) or \
                    any(item in shared and item not in renewed for item in items):
                continue
            if atom.name not in made:
                target = self.namer.version(other_name)
                args = tuple(renewed.get(item.name, item) if isinstance(item, ir.Var) else item for item in op.args)
                text = source.to_source(source.fill(op.source, {item: ast.Name(renewed[item].name, ast.Load())
                                                                for item in items if item in renewed}))
                self.add(ir.Op(target, "list_make", args, self.line, op.params, text))
                made[atom.name] = ir.Var(target)
            marks = self.stale.get(other_name)
            self.bind(other_name, made[atom.name])
            if marks:  # (what an earlier write made stale in it, of another item, still is)
                self.stale[other_name] = marks

    def _read_later(self, name, node):
        """Whether the function reads ``name`` after the statement ``node`` (by place), or in a loop holding
        it (in a next iteration), unless a statement before the read in the read's own block binds the name
        anew (``b = (...)``, then ``c = b[-1]``: that value is read; after the write, for a read after it)."""
        if node is None or getattr(node, "lineno", None) is None:
            return True
        at = (node.lineno, node.col_offset)
        loops = [loop for loop in source.walk(self.func) if isinstance(loop, (ast.For, ast.While)) and
                 (loop.lineno, loop.col_offset) <= at <= (loop.end_lineno, loop.end_col_offset)]
        parents = {}
        for parent in source.walk(self.func):
            for child in ast.iter_child_nodes(parent):
                parents[id(child)] = parent

        def bound_before(read, since):
            stmt = read
            while stmt is not None and not isinstance(stmt, ast.stmt):
                stmt = parents.get(id(stmt))
            block = next((getattr(parents.get(id(stmt)), f) for f in ("body", "orelse", "finalbody")
                          if stmt is not None and stmt in getattr(parents.get(id(stmt)), f, ())), [])
            return any(isinstance(t, ast.Name) and t.id == name and isinstance(t.ctx, ast.Store)
                       for earlier in block[:block.index(stmt)] if isinstance(earlier, ast.Assign) and
                       (earlier.lineno, earlier.col_offset) > since
                       for target in earlier.targets for t in walk(target)) if stmt in block else False
        return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and (
            (n.lineno, n.col_offset) > at and not bound_before(n, at) or
            any(loop.lineno <= n.lineno <= loop.end_lineno for loop in loops) and not bound_before(n, (0, 0)))
            for n in source.walk(self.func))

    def _unfollowed(self, atom, written):
        """Why a write into ``written`` is not followed into ``atom`` where one of them is a view of the
        other through a reshape or ravel of an array whose order in memory backgen does not know (NumPy
        gives a view of a C-contiguous array, a copy of another), or through a view backgen does not
        undo: that view and its line; else None."""
        for view, base in ((atom, written), (written, atom)):
            chain = self._bases(view)
            if base not in chain:
                continue
            for link in chain[:chain.index(base)]:
                op = self.view_ops.get(link)
                if op is None or self._certain_view(link):
                    continue
                holders = sorted(n for n, a in self.versions.items() if not n.startswith(" ") and
                                 isinstance(op.args[0], ir.Var) and a == op.args[0])
                of = f"{holders[0]!r}" if holders else "its array"
                if op.rule in ("np.reshape", "np.ravel"):
                    self.layout_whys.add(why := (
                            f"the {'ravel' if op.rule == 'np.ravel' else 'reshape'} on line {op.line} gives a view "
                            f"of {of} only where it is C-contiguous in memory (a copy otherwise), which depends on "
                            "the arrays passed in, not known here: reshape an array known to be C-contiguous (one "
                            "made by .copy())"))
                    return why
                called = op.rule.rpartition('.')[2]
                if op.rule == "np.astype":  # (np.asarray(x) and astype(copy=False): x itself where it is an array)
                    lines = getattr(self.forward, "lines", ())
                    text = lines[op.line - 1] if 0 < op.line <= len(lines) else ""
                    spelled = next((word for word in ("ascontiguousarray", "asanyarray", "asarray", "astype") if word in text), None)
                    if spelled is not None:
                        return (f"the {'np.' if spelled != 'astype' else ''}{spelled} on line {op.line} gives {of} "
                                "itself where it is an array already, which backgen does not write back through")
                spelled = op.source.partition("(")[0].rpartition(".")[2] if "(" in op.source else ""
                return (f"the {spelled or called} on line {op.line} is a view of {of}, which backgen does not "
                        "write back through")  # (as written: np.moveaxis, np.einsum)
        return None

    def _held_link(self, atom, written, shared, link):
        """``link``, the values whose being an array makes ``atom`` see a write into ``written``, narrowed
        where ``atom`` is a list: the items it holds sharing ``written``'s memory (of ``shared``) see it
        only where they are arrays, which for each the first index on its way to ``written`` decides
        (``hs.append(X[:, 0][-1])`` of a matrix holds a number, a copy): those, as a tuple."""
        members = self.list_members.get(atom, set()) & shared if atom in self.list_atoms else ()
        links = [self._number_link(member, written) for member in sorted(members)]
        if not links or None in links:
            return link
        return tuple(dict.fromkeys(links))

    def _same_object(self, name, other):
        """Whether ``name`` holds the object ``other`` holds, by names given it alone (``u = s``, ``u1, u2 =
        (s, s)``): a number where ``other`` is one, not a 0-d view of it."""
        seen = set()
        while name != other and name in self.storage and name not in seen:
            seen.add(name)
            base, kind, _ = self.storage[name]
            if kind != "same":
                return False
            name = base
        return name == other

    def _number_link(self, name, written):
        """The value whose being a number keeps ``name`` from sharing the memory of ``written`` (a number
        read from an array is a copy): the first index on the way from ``name`` to ``written``, or
        where that way is not known, its last name.  None where every step keeps an array: a view
        (``np.squeeze``, ``.T``, ``reshape``) of an array is one, of any shape, 0-d included, and so is
        a basic index keeping an axis (``x[..., 0]`` of a vector: a 0-d array, which op= writes into)."""
        seen, start = set(), name
        while name != written and name in self.storage and name not in seen:
            seen.add(name)
            base, kind, index = self.storage[name]
            if kind not in ("view", "same") and not (kind == "index" and _has_slice(index)):
                return name
            name = base
        if name == written:
            return None
        if start in self._bases(written)[1:]:  # (written a view of it: the way taken from written up)
            return self._base_link(written, start)
        return name

    def _base_link(self, view, base):
        """The value whose being an array makes ``base`` see a write into ``view``, one of its views: the
        first index on the way up from ``view`` that may give a number (``X[0]``), else ``base`` itself:
        a view of a number is a new array (``np.transpose(0.5)``, ``np.reshape(x, -1)`` of a float)."""
        while view != base and view in self.storage:
            parent, kind, index = self.storage[view]
            if kind == "index" and not _has_slice(index):
                return view
            view = parent
        return base

    def _follow(self, name, old, new, seen, node=None, held=None):
        """Give the names that are ``old`` or a basic view of it (or that ``old`` is a basic view of)
        their values after ``old`` became ``new``; a view no name holds on the way between them
        (``X.T`` of ``c = X.T[0]``, ``A[1:]`` of ``r = A[1:][0]``: a view of a view is a view of the
        base) is followed as a name's value is, and the names beyond it in turn, once (``held``: the
        values names held as the write began, and the views no name holds followed since)."""
        if held is None:
            held = {atom.name for other_name, atom in self.versions.items()
                    if not other_name.startswith(" ") and isinstance(atom, ir.Var)}
        for other_name, atom in list(self.versions.items()):
            if other_name == name or other_name.startswith(" ") or not isinstance(atom, ir.Var):
                continue
            if self.versions.get(other_name) != atom:
                continue  # given its new value already, as the same array as a name followed before it
            if atom.name in seen:
                if atom == old:
                    self.bind(other_name, new)  # the same array: it sees the write
                continue
            self._follow_atom(other_name, atom, name, old, new, seen, node, held)
        named = held | {atom.name for other_name, atom in self.versions.items()
                 if not other_name.startswith(" ") and isinstance(atom, ir.Var)}
        between = set()  # the views no name holds that a name's value (or old) is a view of, in turn,
        for atom in named | {old.name}:  # made in this block (one made before a loop or a branch is not
            between.update(self._bases(atom)[1:])  # followed from within it: a name sharing it turns stale)
        between &= {op.target for op in self.ops if isinstance(op, ir.Op)}
        for atom in sorted(between - named - seen - self.list_atoms - {old.name}):
            if atom not in held and self._relation(atom, old.name) is not None:
                held.add(atom)
                self._follow_atom(None, ir.Var(atom), name, old, new, seen, node, held)

    def _follow_atom(self, other_name, atom, name, old, new, seen, node, held):
        """Give ``atom`` (the value of ``other_name``, or of no name where that is None) its value after
        ``old`` became ``new``, where it is ``old``'s base or a basic view of it; then what shares it."""
        relation = self._relation(atom.name, old.name)
        if relation is None or atom.name in self.list_atoms:
            return
        how, kind, index = relation
        label = other_name or atom.name

        def bind(value):
            if other_name is not None:
                self.bind(other_name, value)
        if kind == "same":  # the same array: so are the other names that are it (b, c = (w, w)), and its views
            bind(new)
            self._follow(name if other_name is None else other_name, atom, new, seen | {old.name}, node, held)
        elif kind == "index" and how == "view-of" and not _has_slice(index) and \
                ("view", atom.name) not in getattr(self, "written_in_place", ()):
            return  # x[2] may be a number (a copy) or a row (a view): written() marks it, by its shape, and
            # where the shapes make it an array it is staged again, as the view it is (below)
        elif kind == "index" and how == "view-of":  # a view of what was written: read it again
            updated = self.namer.version(label)
            self.add(ir.Op(updated, "getitem", (new,), self.line,
                           (("index", index), ("index_vars", "()")), f"{new}[{index}]"))
            if not _has_slice(index):  # (a row where the shapes make it an array: a number keeps its value)
                what = (f"{label!r} ({atom}[{index}]) is read again after the write into {name!r}, as the view of it "
                        f"that it is where it is an array; where it is a number (a copy) it keeps its value")
                self.number_hazards.append((updated, self.error(f"{what}: backgen writes code for the array; "
                                                                "copy it first (.copy()) for one", node),
                                            self.error(f"{what}, which the shapes decide: give them", node)))
            self.storage[updated] = (new.name, "index", index)
            bind(ir.Var(updated))
            self._follow(name if other_name is None else other_name, atom, ir.Var(updated), seen | {old.name}, node, held)
        elif kind == "index" and how == "base-of":  # the array a view was taken from: write the part back
            updated = self.namer.version(label)
            params = (("index", index), ("index_vars", "()"))
            self.add(ir.Op(updated, "setitem", (atom, new), self.line, params, self._copied(atom.name)))
            self.storage[new.name] = (updated, "index", index)
            self.same_arrays[updated] = atom.name
            bind(ir.Var(updated))
            self._follow(name if other_name is None else other_name, atom, ir.Var(updated), seen | {old.name}, node, held)
        elif kind == "view" and how == "view-of" and self._certain_view(atom.name):  # taken again
            updated = self.namer.version(label)
            self._view_again(self.view_ops[atom.name], new, updated)
            bind(ir.Var(updated))
            self._follow(name if other_name is None else other_name, atom, ir.Var(updated), seen | {old.name}, node, held)
        elif kind == "view" and how == "base-of" and self._certain_view(old.name):  # the base: undone
            undone = _undone(self.view_ops[old.name], new, atom)
            if undone is None:
                return  # (a view backgen cannot undo: written() marks the base stale)
            if _number_gives_array(self.view_ops[old.name], getattr(self, "modules", {}).get("np", "np")) and \
                    not self._certain_array(atom.name):
                what = (f"this writes into {name!r}, a view of {label!r} where {label!r} is an array, "
                        f"and a new array where it is a number (np.sum(x), a @ b of vectors, a float: "
                        f"{label!r} keeps its value)")
                self.number_hazards.append((atom.name, self.error(f"{what}; backgen writes code for the array: "
                                                                  "write into a copy instead", node),
                                            self.error(f"{what}, which the shapes decide: give them", node)))
            updated = self.namer.version(label)
            self.add(replace(undone, target=updated, line=self.line))
            self.same_arrays[updated] = atom.name
            self._view_again(self.view_ops[old.name], ir.Var(updated), new.name, add=False)
            if self.c_contiguous(atom.name):
                self.c_order.add(updated)
            bind(ir.Var(updated))
            self._follow(name if other_name is None else other_name, atom, ir.Var(updated), seen | {old.name}, node, held)

    def entry_holding(self, param):
        """The place in the user's cache of the entry that is the array ``param`` was given (written into
        maybe, as the same array), or None."""
        layout = getattr(self, "cache_layout", None)
        for place, name in enumerate(layout.names if layout is not None else ()):
            for _ in range(100):
                if name == param:
                    return place
                found = self.storage.get(name)
                same = self.same_arrays.get(name, self.written_values.get(name, self.in_place_values.get(name)))
                name = same if isinstance(same, str) else found[0] if found is not None and found[1] == "same" \
                    else None
                if name is None:
                    break
        return None

    def _kept_apart(self, name, label):
        """What is known of the order in memory of the value staged as ``name`` kept under a name of its own
        (``label``, which no user's is), then forgotten of ``name``, which now holds another value: that name."""
        kept = f" {name} {label} {len(self.path_values) + len(self.loop_values)}"
        for known in (self.order_ops, self.order_deps, self.storage, self.written_values,
                      self.in_place_values, self.path_values, self.loop_values, self.same_arrays):
            if name in known:
                known[kept] = known[name]
        for known in (self.c_order, self.dense, self.sizes, self.int_names, self.bool_names, self.list_atoms,
                      self.made_arrays):
            if name in known:
                known.add(kept)
        self.c_order.discard(name)
        self.dense.discard(name)
        self.order_known.pop(name, None)
        self.order_conditions.pop(name, None)
        return kept

    def loop_entered(self, carried, before):
        """A loop carries ``carried``, entering with ``before`` (an atom, or None): in its body the value is
        any iteration's, of an order in memory not known (``loop_values``); a value staged as ``carried``
        itself before the loop keeps what is known of it under a name of its own."""
        if before == ir.Var(carried):
            before = ir.Var(self._kept_apart(carried, "before"))
        else:
            self.c_order.discard(carried)
            self.dense.discard(carried)
            self.order_known.pop(carried, None)
            self.order_conditions.pop(carried, None)
        self.loop_values[carried] = (before, None, None)  # (its order as it enters: worked out where asked,
        # so that an enclosing loop's value it enters with is taken for C-contiguous only where that is used)

    def _entering(self, carried, depth):
        """Whether the value the loop carrying ``carried`` enters with is C-contiguous (worked out once)."""
        before, after, entering = self.loop_values[carried]
        if entering is None:
            entering = before is not None and (
                self.c_contiguous(before.name, depth + 1) if isinstance(before, ir.Var) else
                c_constant(before.source, getattr(self, "modules", {}).get("np", "np")))
            self.loop_values[carried] = (before, after, entering)
        return entering

    def loop_left(self, carried, after, label, node):
        """After the loop ``carried`` (``label``'s) holds the value it entered with or ``after``, the last
        iteration's: C-contiguous where both are (``c_contiguous`` works that out taking ``carried`` to be, as
        an iteration starts).  Where the body took it for C-contiguous, as it entered, the last iteration's
        must be so too (or the loop is refused): then each iteration's is, from the first on."""
        before, _, entering = self.loop_values.get(carried, (None, None, False))
        self.loop_values[carried] = (before, after, bool(entering))  # (never asked in the body: not taken for it)
        self.order_known.pop(carried, None)
        self.order_conditions.pop(carried, None)
        if carried in self.loop_assumed and not self.c_contiguous(carried):
            line, what = self.loop_assumed[carried]
            raise self.error(f"the {what} on line {line} in this loop takes {label!r} for C-contiguous in memory "
                             f"(the {what} a view of it), as it enters the loop, but an iteration may leave it in "
                             f"another order (the {what} a copy then), which backgen does not follow: copy it in C "
                             f"order as the iteration ends ({label} = {label}.copy())", node)

    def paths_merged(self, target, values):
        """``target`` holds ``values`` (atoms), one on each path of an if: it is C-contiguous where each is
        (``path_values``).  A path whose value is staged as ``target`` itself keeps what is known of its
        order under a name of its own, as the value that path gives."""
        if all(value == ir.Var(target) for value in values):
            return  # (no path sets it: as it was)
        kept = ir.Var(self._kept_apart(target, "path")) if ir.Var(target) in values else None
        if kept is None:
            self.c_order.discard(target)
            self.dense.discard(target)
            self.order_known.pop(target, None)
            self.order_conditions.pop(target, None)
        self.path_values[target] = tuple(kept if value == ir.Var(target) else value for value in values)

    def _certain_array(self, name, depth=0):
        """Whether the value ``name`` is an array whatever the shapes: one NumPy made of a list
        (``np.array(rows)``), a reshape or ravel, one of NumPy's constructors (``np.zeros((3, 3))``), or such
        an array written into (``h = np.zeros(3); h += v``) or held by another name."""
        if name in self.made_arrays or self._reshaped_array(name):
            return True
        if depth > 50:
            return False
        if name in self.loop_values:  # (a loop's, after it: the array it enters with, each iteration leaving one
            if name in self.arrays_assumed:  # where it starts with one, taken to be one as an iteration starts; in
                return True  # its body, what the iteration leaves is not known yet: not certain)
            before, after = self.loop_values[name][:2]
            if before is None or after is None:
                return False
            self.arrays_assumed.add(name)
            try:
                return all(self._certain_array(a.name, depth + 1) if isinstance(a, ir.Var) else
                           _array_constructor(a.source, getattr(self, "modules", {}).get("np", "np"))
                           for a in (before, after))
            finally:
                self.arrays_assumed.discard(name)
        same = self.written_values.get(name, self.in_place_values.get(name))
        if isinstance(same, str):
            return self._certain_array(same, depth + 1)
        if isinstance(same, ir.Const):
            return _array_constructor(same.source, getattr(self, "modules", {}).get("np", "np"))
        found = self.storage.get(name)
        return found is not None and found[1] == "same" and self._certain_array(found[0], depth + 1)

    def _reshaped_array(self, name):
        """Whether the value ``name`` is a reshape or a ravel (``np.reshape``, ``x.reshape(-1)``, ``x.ravel()``),
        which NumPy makes an array of any operand (``np.ravel(2.0)`` too; ``x.T`` of a number is the number)."""
        op = self.view_ops.get(name)
        return op is not None and op.rule in ("np.reshape", "np.ravel")

    def _certain_view(self, name):
        """Whether the value ``name`` certainly shares its base's memory, as ``view_ops`` took it: a
        transpose, a dimension added or removed, always; a reshape or ravel where the base is known to be
        C-contiguous (of another array NumPy may copy)."""
        op = self.view_ops.get(name)
        if op is None or op.rule not in _FOLLOWED_VIEWS:
            return False
        if op.rule not in ("np.reshape", "np.ravel"):
            return True
        outer, self.order_use = self.order_use, (self.view_lines.get(name, op.line), op.rule[3:])
        try:
            certain = isinstance(op.args[0], ir.Var) and self.c_contiguous(op.args[0].name) or \
                self._view_by_shapes(name, op)
            for param in [p for p, use in self.layout_consulted.items() if use is None] if certain else ():
                self.layout_consulted[param] = self.order_use  # (taken for C-contiguous before: a loop's entry)
            return certain
        finally:
            self.order_use = outer

    def _view_by_shapes(self, name, op):
        """Whether the reshape or ravel ``op`` giving ``name``, of an array whose order in memory backgen
        does not know, is taken as the view it is where the shapes (known once staged) make it one, of
        an array (``("array", base)``): a reshape that joins no two axes of more than one element
        (``("split", base, view)``: it only splits axes, adds or drops axes of one element: a view of
        any array, ``x.reshape(1, -1)`` of a vector), or a reshape or ravel of an array the shapes make
        C-contiguous (``order_condition``).
        The condition is kept in ``layouts``, which ``program`` checks on the shapes; where it does not
        hold, the function is staged again with this line's reshapes not taken so (``("layout", line)``
        of ``written_in_place``), as they were before: the names they would change are stale.  Only
        where ``program`` asks for it (``("layout", "on")``): code for these shapes, not every shape."""
        marks = getattr(self, "written_in_place", ())
        line = self.view_lines.get(name, op.line)
        if ("layout", "on") not in marks or ("layout", line) in marks or not isinstance(op.args[0], ir.Var) \
                or op.args[0].name in self.list_atoms or self.lists_given & set(self._bases(op.args[0].name)):
            return False
        base = op.args[0].name
        order = self.order_condition(base)
        condition = _all([("array", base), order if op.rule == "np.ravel" else _any([("split", base, name), order])])
        if condition is False:
            return False
        if (condition, line) not in self.layouts:
            self.layouts.append((condition, line))
        return True

    def order_condition(self, name, depth=0):
        """The condition on shapes under which the staged value ``name`` is a C-contiguous array (or a
        number): True where ``c_contiguous`` knows it is; a new array laid out densely (``dense``: an
        elementwise operation's result, a sum's, a concatenation's...) of at most one axis of more than
        one element (``("flat", name)``); an elementwise operation's result whose operands are numbers or
        arrays laid out in C order (``_c_like_condition``); the array itself where it is the same array
        as another, or that other written into; else False."""
        if self.c_contiguous(name):
            return True
        if name in self.order_conditions:
            return self.order_conditions[name]
        if name in self.list_atoms or depth > 50:
            return False
        self.order_conditions[name] = False  # (while it is worked out: a cycle is no proof)
        found = self.storage.get(name)
        same = self.written_values.get(name, self.in_place_values.get(name))
        op = self.order_ops.get(name)
        if name in self.loop_values:
            condition = False  # (a loop's, not C-contiguous for certain: c_contiguous above)
        elif name in self.path_values:
            condition = _all([self.order_condition(a.name, depth + 1) if isinstance(a, ir.Var) else
                              c_constant(a.source, getattr(self, "modules", {}).get("np", "np"))
                              for a in self.path_values[name]])
        elif found is not None:
            condition = found[1] == "same" and self.order_condition(found[0], depth + 1)
        elif same is not None:
            condition = isinstance(same, str) and self.order_condition(same, depth + 1)
        else:
            options = [("flat", name)] if name in self.dense else []
            if op is not None and (op.rule in ELEMENTWISE or op.rule in _ORDER_KEPT):
                options.append(_all([self._c_like_condition(a, depth + 1) for a in op.args]))
            elif op is not None and op.rule == "np.select_if":  # (the array a or b itself)
                options.append(_all([self.order_condition(a.name, depth + 1) if isinstance(a, ir.Var) else
                                     c_constant(a.source, getattr(self, "modules", {}).get("np", "np"))
                                     for a in op.args[1:]]))
            condition = _any(options)
        self.order_conditions[name] = condition
        return condition

    def _c_like_condition(self, atom, depth):
        """The condition on shapes under which ``atom`` is a number or an array whose axes lie in memory in
        C order, with gaps maybe (``_c_like``): C-contiguous, of at most one axis of more than one element
        (laid out as any such array), or a basic index of such an array."""
        if isinstance(atom, ir.Const):  # (None: an operand not given, np.diff's prepend, a bound of np.clip)
            return atom.source == "None" or c_constant(atom.source, getattr(self, "modules", {}).get("np", "np"))
        name, options = atom.name, []
        for _ in range(50):
            if name in self.list_atoms:
                return False
            options += [("flat", name), self.order_condition(name, depth)]
            found = self.storage.get(name)
            if found is None or found[1] not in ("same", "index") and not self._flip(name) or \
                    found[1] == "index" and not basic_index(found[2], self.integral):
                break
            name = found[0]
        return _any(options)

    def c_contiguous(self, name, depth=0):
        """Whether the staged value ``name`` is certainly a C-contiguous array (or a number): one
        ``c_order`` knows (``.copy()``, a product of matrices), a ravel; or a new array an elementwise
        operation (``+``, ``np.exp``, ...: NumPy's ufuncs lay their result out as their operands, order
        'K') made of numbers and arrays laid out in C order (``c_like``), a reshape of one or a write
        into one.  An array passed in, or a helper's result, may be of any order (``x.T``)."""
        if name in self.list_atoms:  # (a list: NumPy's reshape of it a new array)
            return False
        if name in self.c_order or name in self.int_names or name in self.bool_names or name in self.sizes:
            for param in self.order_deps.get(name, ()) if name in self.c_order else ():
                self.layout_consulted.setdefault(param, self.order_use)  # (None: the next view it makes certain)
            return True
        if name in self.order_known:
            return self.order_known[name]
        if depth > 100:  # (a long chain: not followed, as if unknown)
            return False
        if name in self.loop_values and self.loop_values[name][1] is None:  # (in its loop's body: taken to be
            if self._entering(name, depth):  # as it enters, which the loop's end checks: ``loop_left``)
                self.loop_assumed.setdefault(name, self.order_use or (self.line, "reshape"))
                for param in self.order_deps.get(name, ()):
                    self.layout_consulted.setdefault(param, self.order_use)
            return self.loop_values[name][2]
        if name in self.loop_values:  # (a loop's: what it enters with and the last iteration's, that worked out
            before, after, _ = self.loop_values[name]  # taking it to be as an iteration starts; where it is
            computed = set(self.order_known)  # not, what was worked out so is forgotten)
            self.order_known[name] = True
            known = after is not None and all(  # (before None: no value before it, the loop sets it)
                self.c_contiguous(a.name, depth + 1) if isinstance(a, ir.Var) else
                c_constant(a.source, getattr(self, "modules", {}).get("np", "np"))
                for a in (before, after) if a is not None)
            if not known:
                for key in set(self.order_known) - computed:
                    del self.order_known[key]
            self.order_known[name] = known
            return known
        same = self.written_values.get(name, self.in_place_values.get(name))
        op = self.order_ops.get(name)
        found = self.storage.get(name)
        if name in self.path_values:  # (an if's value: the array each path gives, each in C order)
            known = all(self.c_contiguous(a.name, depth + 1) if isinstance(a, ir.Var) else
                        c_constant(a.source, getattr(self, "modules", {}).get("np", "np"))
                        for a in self.path_values[name])
        elif found is not None:  # (row_1 = row * 2.0 written through the view row = y[:, ::2]: that view again)
            known = found[1] == "same" and self.c_contiguous(found[0], depth + 1)
        elif same is not None:  # h += v, X[0] = v: the array written into, of its order
            known = self.c_contiguous(same, depth + 1) if isinstance(same, str) else \
                c_constant(same.source, getattr(self, "modules", {}).get("np", "np"))
        elif op is None:
            known = False
        elif op.rule == "np.reshape":  # (of a C-contiguous array: a view, C-contiguous too)
            known = isinstance(op.args[0], ir.Var) and self.c_contiguous(op.args[0].name, depth + 1)
        elif op.rule == "np.select_if":  # (a if c else b: the array a or b itself)
            known = all(self.c_contiguous(a.name, depth + 1) if isinstance(a, ir.Var) else
                        c_constant(a.source, getattr(self, "modules", {}).get("np", "np")) for a in op.args[1:])
        else:
            known = all(self._c_like(a, depth + 1) for a in op.args)
        self.order_known[name] = known
        return known

    def _c_like(self, atom, depth):
        """Whether ``atom`` is a number, or an array whose axes lie in memory in C order, with gaps maybe:
        a C-contiguous array, or a basic index or a flip of one (a slice, an integer: ``a[:, 2:4]``, ``a[1]``,
        ``np.flip(a, 1)``)."""
        if isinstance(atom, ir.Const):  # (None: an operand not given, np.diff's prepend, a bound of np.clip)
            return atom.source == "None" or c_constant(atom.source, getattr(self, "modules", {}).get("np", "np"))
        name = atom.name
        for _ in range(50):
            if self.c_contiguous(name, depth):
                return True
            found = self.storage.get(name)
            if found is None or found[1] not in ("same", "index") and not self._flip(name) or \
                    found[1] == "index" and not basic_index(found[2], self.integral):
                return False
            name = found[0]
        return False

    def _flip(self, name):
        """Whether the value ``name`` is a flip (np.flip, fliplr, flipud) of its base: its axes lie in memory in
        its base's order, one of them backwards, which NumPy's order 'K' lays out in that order too; or a
        reshape or ravel of it (a view where NumPy can take one, its strides in the base's order, else a copy in
        C order), or the base with axes of one element added or dropped."""
        op = self.view_ops.get(name)
        return op is not None and op.rule in ("np.flip", "np.fliplr", "np.flipud", "np.reshape", "np.ravel",
                                              "np.squeeze", "np.expand_dims") and \
            self.storage.get(name, (None, None))[1] == "view"

    def _view_again(self, op, base, target, add=True):
        """The view ``op`` takes, taken of ``base`` (an ir.Var) as ``target``: staged where ``add``, and
        recorded as that view either way."""
        old = op.args[0].name
        text = source.to_source(source.fill(op.source, {old: ast.Name(base.name, ast.Load())}))
        again = ir.Op(target, op.rule, (base,) + op.args[1:], self.line if add else op.line, op.params, text)
        if add:
            self.add(again)
            if op.rule in ("np.reshape", "np.ravel") and self.c_contiguous(base.name):
                self.c_order.add(target)
        self.storage[target] = (base.name, "view", None)
        self.view_ops[target] = again
        self.view_lines[target] = self.view_lines.get(op.target, op.line)

    def link_constant(self, atom, value, others):
        """``atom`` (a branch's or a loop's merged value) may be the constant array ``value`` that a name
        of ``others`` ({name: value}) holds too: a write into it is a write into that constant. A value
        that is itself such a merge (an if's inside a loop body) stands for the constant it may be."""
        value, others = self._as_constant(value), [self._as_constant(c) for c in others.values()]
        if may_be_array_constant(value) and self.numpy and \
                any(may_be_array_constant(c) and self._constants_share(c.source, value.source) for c in others):
            self.constant_links[atom] = value

    def _as_constant(self, atom):
        """``atom``, or the constant array it may be where it is a merge linked to one."""
        if isinstance(atom, ir.Var) and self.linked_constant(atom.name) is not None:
            return self.linked_constant(atom.name)
        return atom

    def _constants_share(self, one, other):
        """Whether the constant arrays the texts ``one`` and ``other`` spell may share memory: one holds
        the other (``np.ones(4)[1:]`` and ``np.ones(4)``), either written into in place as the other
        (``constants_in_place``: ``h *= 2.0`` folded into ``np.zeros(3) * 2.0``)."""
        return any(constants_may_share(a, b) for a in self._constant_link(one) for b in self._constant_link(other))

    def constant_origin(self, atom, value, modules):
        """Note which array the constant ``atom`` a name is given by the expression ``value`` is of: the
        array of the constant a name ``value`` takes a view of holds (``r = A[1]``, ``A.T``, ``A.reshape(2,
        6)``, ``b = A``), or its own, made as it runs (``np.zeros((3, 4))``, ``A + 1.0``, ``A.copy()``),
        whatever another one's text.  Where that is not certain (a list, a call that may return its
        operand), nothing is noted: such a constant may be of any array its text may hold."""
        found = self.constant_origins.get(id(atom))
        if found is not None and found[0] is atom:  # (b = a: the constant a holds, of its origin already)
            return
        node = value
        while isinstance(node, ast.Subscript) and basic_index(index_text(node)) or \
                isinstance(node, ast.Attribute) and node.attr == "T" or isinstance(node, ast.Call) and \
                isinstance(node.func, ast.Attribute) and node.func.attr in VIEW_METHODS:
            node = node.value if not isinstance(node, ast.Call) else node.func.value
        if isinstance(node, ast.Name):
            held = self.versions.get(node.id)
            origin = self.constant_origins.get(id(held))
            if isinstance(held, ir.Const) and origin is not None and origin[0] is held:
                self.constant_origins[id(atom)] = (atom, origin[1])
            return
        made = node is value and (
            isinstance(node, ast.BinOp) and (_array_arithmetic(node) or _fresh_list(node)) or
            isinstance(node, ast.UnaryOp) or
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and (
                isinstance(node.func.value, ast.Name) and self._origin(self.versions.get(node.func.value.id)) is
                not None or not source.code_names(source.to_source(node.func.value)) - set(modules) and
                new_array(source.to_source(node.func.value))) or  # (an array's copy: a list's holds its arrays)
            isinstance(node, ast.Call) and not source.code_names(source.to_source(node)) - set(modules) and
            new_array(source.to_source(node)))  # (spelled out: np.zeros((3, 4)), np.eye(3))
        if made or node is not value and not source.code_names(source.to_source(node)) - set(modules) and \
                new_array(source.to_source(node)):  # (a view of one spelled out: np.zeros((3, 4))[1])
            self.constant_origins[id(atom)] = (atom, atom)

    def _origin(self, atom):
        """The constant whose array the constant ``atom`` is of, or None where that is not known."""
        found = self.constant_origins.get(id(atom))
        return found[1] if found is not None and found[0] is atom else None

    def related_constants(self, one, other):
        """Whether the constants ``one`` and ``other`` are certainly of one array: the same constant, or
        views of the array one constant made (``r = A[1]`` and ``A``)."""
        return one is other or self._origin(one) is not None and self._origin(one) is self._origin(other)

    def distinct_constants(self, one, other):
        """Whether the constants ``one`` and ``other`` (ir.Const) are certainly of arrays of their own,
        though their texts may spell one array (``np.zeros(3)`` twice, ``A.copy()`` twice)."""
        return self._origin(one) is not None and self._origin(other) is not None and \
            self._origin(one) is not self._origin(other)

    def linked_constant(self, name):
        """The constant array the value ``name`` (or an array it is a view of) may be, or None."""
        for base in self._bases(name):
            if base in self.constant_links:
                return self.constant_links[base]
        return None

    def changed_in_place(self, name, old, node):
        """``name op= v`` on a value ``old`` other names may share: NumPy writes into an array there,
        so names sharing it become stale (reading them later is refused); a write into an array broadcast is
        refused."""
        if not self.numpy:
            return
        self._refuse_broadcast_write(name, old, node)
        after = self.versions.get(name)
        if isinstance(after, ir.Var) and after != old and isinstance(old, (ir.Var, ir.Const)):
            self.written_values[after.name] = old.name if isinstance(old, ir.Var) else old  # (an array: the same)
        constant = old if isinstance(old, ir.Const) else None
        if isinstance(old, ir.Var) and self.linked_constant(old.name) is not None:
            constant = self.linked_constant(old.name)  # on some path the constant array itself (and on the
        if constant is not None:  # others the array old is: followed below too)
            old, named = constant, old  # a constant array (np.ones(3)[:2]) others may be views of
            for other_name, atom in list(self.versions.items()):
                if isinstance(atom, ir.Var) and self.linked_constant(atom.name) is not None:
                    atom = self.linked_constant(atom.name)  # (a merge that is the constant on some path)
                if other_name != name and not other_name.startswith(" ") and may_be_array_constant(atom) and \
                        self._constants_share(atom.source, old.source) and not self.distinct_constants(atom, old):
                    self._stale(other_name, name, node, f"{other_name!r} may share the constant array's memory",
                                only_if_array=self._constant_link(old.source))
            if not isinstance(named, ir.Var):
                return
            old = named
        if not isinstance(old, ir.Var):
            return
        shared = self.sharing(old.name, items=True)
        self.note_write(name, old, node)
        self._note_parameter_write(shared, name, node, old.name)
        self.cache_written(name, old, node, rebinds=True)
        found = self.storage.get(old.name)
        if isinstance(node, ast.AugAssign) and found and (found[1] == "index" and _sliced(found[2]) or found[1] == "view"
                                                          and self._reshaped_array(old.name)):
            self.array_in_place.add(in_place_at(node))  # (a reshape or ravel: an array, of a number too; a slice
            # of a number raises, of a list
            # or a tuple is one, which op= with an array or a float raises on or rebinds alone; s[None] of a
            # NumPy number is a new array)
        for other_name, atom in list(self.versions.items()):
            if other_name == name or other_name.startswith(" ") or not isinstance(atom, ir.Var):
                continue
            if atom.name in shared:
                self._stale(other_name, name, node,
                            f"{_symbol(node)}= writes into an array in place, and {name!r} shares its array "
                            f"with {other_name!r}; write {name} = {name} {_symbol(node)} ... for a new array",
                            only_if_array=self._held_link(atom.name, old.name, shared, self._array_link(old.name)),
                            in_place=isinstance(node, ast.AugAssign))

    def written_through_view(self, name, old, stmt):
        """``row op= v`` where ``row`` holds a basic-index view (``row = y[0]``, ``y[:, 1:3]``) of an array
        the function made, which a name holds: NumPy writes into that array.  Staged as that write,
        ``y_1 = y.copy(); y_1[0] = row_1`` with ``row_1 = row op v``, names sharing ``y`` following it
        (``written``) and ``row_1`` the view of ``y_1``; True where so staged.  Not for an input's array,
        a constant one, one in a list, an item of what a call gave unpacked (``p, q = pair(x)``: a tuple's,
        maybe), or a view of another kind (left to ``changed_in_place``).
        Without a slice in the index (``y[0]``), ``row`` is a view only where it is an array: where
        shapes make it a number (a copy, which op= rebinds), the write is refused."""
        if not self.numpy or not isinstance(old, ir.Var) or old.name not in self.storage or \
                ("number", *in_place_at(stmt)) in self.written_in_place:  # (a number at the shapes given)
            return False
        self._refuse_broadcast_write(name, old, stmt)
        base, kind, index = self.storage[old.name]
        holders = [other for other, atom in self.versions.items() if other != name and not other.startswith(" ")
                   and atom == ir.Var(base) and other not in self.stale]
        if kind != "index" or not holders or self.list_atoms & {old.name, base} or base in self.unpacked_calls or \
                self.sharing(old.name, items=True) & (set(self.param_names) | self.list_atoms) or \
                self.linked_constant(old.name) is not None:
            return False
        holder = holders[0]
        load = ast.copy_location(ast.Name(name, ast.Load()), stmt.target)
        value = ast.copy_location(ast.BinOp(load, stmt.op, stmt.value), stmt)
        new_view = self.expr(value, name=lambda: self.namer.version(name))
        if not isinstance(new_view, ir.Var):
            return False  # (not reached: row is an array variable)
        new_base = self.namer.version(holder)
        self.defined.add(new_base)
        params = (("index", index), ("index_vars", "()"))
        self.add(ir.Op(new_base, "setitem", (ir.Var(base), new_view), self.line, params, self._copied(base)))
        if not _has_slice(index):
            op = _symbol(stmt)
            what = (f"{name} {op}= ... writes into {holder!r} where {name} = {holder}[{index}] is an array (a view "
                    f"of it), and gives {name} a new value alone where it is a number (a copy)")
            advice = f"write {name} = {name} {op} ... for a number, or {holder}[{index}] {op}= ... for a write"
            here = self.error(f"{what}, as here; backgen writes code for one of the two: {advice}", stmt)
            here.number_in_place = ("number", *in_place_at(stmt))  # (staged again as a number's rebinding)
            self.number_hazards.append((old.name, here, self.error(f"{what}, which the shapes decide: give them, "
                                                                   f"or {advice}", stmt)))
        self.bind(name, new_view)
        self.storage[new_view.name] = (new_base, "index", index)
        self.in_place_values[new_view.name] = old.name  # (row = y[..., 0] of a vector, 0-d: an array still)
        self.bind(holder, ir.Var(new_base))
        self.written(holder, ir.Var(base), ir.Var(new_base), stmt)
        return True

    def _helper_returns_fresh(self, name):
        """Whether the user's function ``name``, given no list, certainly returns values holding no memory
        of what it is given (``returns_fresh``; worked out once per helper)."""
        forward = getattr(self, "forward", None)
        known = self.__dict__.setdefault("_fresh_helpers", {})
        return forward is not None and _helper_fresh(forward, name, known)

    def viewed(self, name):
        """Whether another value is ``name`` or a view of it (``a = X[::-1]``): a write through it
        writes into ``name``'s array."""
        return any(base == name and kind != "copy" for base, kind, _ in self.storage.values())

    def _constant_link(self, text):
        """The constants whose being an array makes the constant ``text`` one, as a tuple: ``text``, and
        where an op= was folded into it (h = np.zeros(()); h *= 2.0) the constant it wrote into, in turn."""
        chain = [text]
        while chain[-1] in self.constants_in_place and self.constants_in_place[chain[-1]] not in chain:
            chain.append(self.constants_in_place[chain[-1]])
        return tuple(chain)

    def _array_link(self, name):
        """The values whose being an array makes ``name`` one (op= then writes into it), as a tuple:
        ``name`` itself (``np.asarray(p)`` of a number p is a 0-d array), and for a view of another
        value (``np.squeeze(v)``, 0-d where v has one element) that value, in turn."""
        chain = [name]
        while name in self.storage and name not in chain[:-1]:
            base, kind, _ = self.storage[name]
            if kind not in ("view", "same"):
                break
            name = base
            chain.append(name)
        return tuple(dict.fromkeys(chain))

    def check_loop_writes(self, writes, exits, after, iterated=None, inner=None, reads_first=(), followers=(),
                          related=frozenset(), renewed=frozenset(), bound_first=None, rebound=frozenset(),
                          rebound_after=None):
        """A loop body that writes into the value it carried in changes what the previous iteration
        kept of it (in a list, or under another name, ``after`` being the names' values as an
        iteration ends, ``inner`` as one starts, ``reads_first`` the names an iteration may read
        before it binds them): refused, backgen does not follow that.  An array the iteration makes
        anew and writes into (``new = np.zeros(3)``, ``new[i] = ...``, then ``u = new``) is not the one
        carried in: an iteration's value becomes the next one's carried value, never within one.  Where both
        the carried name and the one keeping its value are followed by the write (the array written is
        its value or a view of it, ``b = X[::-1]; b[0] = v`` of X, or a name ``rebound`` nowhere in the
        loop holds it as the write is staged), or bound anew before it on every path of the iteration to
        it and not read before (``bound_first(name, node)``: the value kept is read no more), the write
        is what backgen stages.  So is a write after which every path of the iteration binds the name
        keeping the value anew before reading it (``rebound_after(name, node)``: ``h[:, t] = np.tanh(prev @
        W)``, then ``prev = h[:, t]``, the value kept read before the write only)."""
        # an iteration's value is the next one's carried value: not the same array within one iteration
        # (new = np.zeros(3), written into, then u = new: the next iteration writes into a new array)
        following = frozenset((carried, value.name) for carried, value in exits if isinstance(value, ir.Var))
        entries = {name: value.name for name, value in (inner or {}).items() if isinstance(value, ir.Var)}
        entries.update({carried: carried for carried, _ in exits})
        # the lists the next iteration may read: those a carried name holds as an iteration ends or starts,
        # and those they were made from (hs = hs + [h]); a list an iteration makes and no carried name holds
        # (pair = (h, x), read in that iteration only, or never) is gone when the next one writes
        kept_lists = set().union(*(self._list_lineage(atom) for carried, value in exits
                                   for atom in (carried, value.name if isinstance(value, ir.Var) else None)
                                   if atom in self.list_atoms))
        for name, written, node in writes:
            written_bases = set(self._bases(written))
            holders = self.write_holders.get((name, written, node), frozenset())

            def settled(held):  # a name (or a carried value) the write is followed into: one that as an iteration
                # starts holds what the write is into (its value or a view of it), or that holds it as the write
                # is staged and that the loop never binds anew (X, carried by an inner loop too); or one every
                # path to the write binds anew first, not read before (its value then read no more)
                start = (inner or {}).get(held) if held in after else ir.Var(held)
                if isinstance(start, ir.Var) and start.name in written_bases:
                    return True
                names = self._names_of(held, after, inner)
                return bool(names) and all(n in holders and n not in rebound or bound_first is not None and
                                           bound_first(n, node) and n not in reads_first for n in names)
            bases = set(self._bases(written)) | self.sharing(written, without=following) - self.list_atoms  # a write
            # into a view of the carried value writes into it too, and one into a value an inner loop carries,
            # into what it carries in
            for carried, value in exits:
                if carried not in bases or not isinstance(value, ir.Var) or carried in renewed:
                    continue  # (renewed: a name each iteration binds anew before reading it, a = X.T, whose value
                    # from the iteration before nothing reads; what else holds that array, the array it views
                    # or a list, is carried too and checked as such)
                if iterated and iterated[0] in self.sharing(value.name) - {value.name, carried}:  # (any iteration's)
                    error = self.iterates_written(iterated[1], node)
                    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and \
                            in_place_at(node) not in self.array_in_place:  # (w += dt * k: where w is a number,
                        self.hazards.append((self._array_link(written), error))  # it rebinds w alone; an array
                        continue  # it writes into, which may be the item iterated: decided once shapes are known)
                    raise error
                kept = self.sharing(value.name, without=following) - {value.name, carried}  # (what holds value
                # as the iteration ends; value and an iteration's carried value are not one array within it)
                mine = kept | {value.name, carried}
                lists = sorted(held for held in kept & self.list_atoms  # a list holding it, not itself a list
                               if self.list_members.get(held, set()) & mine  # (nor a version of the list
                               and not self._list_lineage(held) & {carried, value.name}  # carried)
                               and held in kept_lists)  # (one the next iteration still holds: carried)
                others = sorted(c for c, v in exits if c != carried and isinstance(v, ir.Var) and v.name in kept
                                and c not in renewed)  # (not a name each iteration binds anew before it reads it:
                # a = X.T after X += 1, whose value from the iteration before, which saw the write, nothing reads)
                loop_values = {c for c, _ in exits} | {v.name for _, v in exits if isinstance(v, ir.Var)}
                others += sorted(other for other, v in after.items() if isinstance(v, ir.Var) and v.name in kept
                                 and not other.startswith(" ") and v.name not in loop_values
                                 and other not in self.stale  # a stale name is refused where it is read
                                 and (other in reads_first or (inner or {}).get(other) == v))  # (a name each
                # iteration binds anew before it reads it, for r in y's row: the previous one's is read nowhere)
                if value.name != carried:  # w = v ends the iteration: the next one writes into v's array,
                    # which v shows where it is read again: a name the loop does not bind, or one an
                    # iteration reads before binding it
                    others += sorted(other for other, v in after.items() if isinstance(v, ir.Var)
                                     and v.name == value.name and other != name and not other.startswith(" ")
                                     and other not in self.stale
                                     and (inner or {}).get(other) != ir.Var(carried)  # (the name carrying it:
                                     # its new value followed the write, y_view = y.T; y_view[i] = v)
                                     and ((inner or {}).get(other) == v or other in reads_first))  # (a
                # parameter the loop binds to it before reading it, x = step(w), is not the caller's array)
                carrier = next((user for user, start in (inner or {}).items() if start == ir.Var(carried)
                                and not user.startswith(" ")), None)
                become_one = value.name != carried and not others and carrier not in (None, name) and \
                    name in reads_first and after.get(name) == value and name not in self.stale and \
                    (inner or {}).get(name) != ir.Var(carried)  # (v = w; v[i] = x, v read first: as the next
                # iteration starts v is w's array, which this writes into)
                others += [name] if become_one else []
                others = [other for other in others if other not in followers  # (names the loop never reads,
                          # given their values after it: ``loop_followers``)
                          and (entries.get(other), carried) not in related  # (nor one sharing the carried
                          # array in every iteration, each write followed into it: ``relate_carried``)
                          and not (settled(carried) and settled(other))  # (the write followed into both, or
                          # the value of one bound anew before it: b = X[::-1]; b[0] = v, of b and X)
                          and not (other != name and rebound_after is not None and _read_before_only(
                              self._names_of(other, after, inner), node, rebound_after))]  # (or after it)
                if lists or others:  # (h += v writes into h where it is an array; a number it rebinds)
                    if not lists and become_one:
                        message = (f"this writes into {name!r}, which holds {carrier}'s array here and ends the "
                                   f"iteration so: as the next one starts, {name} is that array, read before "
                                   "it is bound again, and sees the write; backgen does not follow names that "
                                   f"become one array in a loop: bind {name} to a copy ({name} = {carrier}.copy())")
                    elif not lists and others[0] == name:  # (e = c on one path of the body only: on the others e
                        # keeps the array of the iteration before, read after them)
                        message = (f"this writes into {name!r}, whose array from the previous iteration {name} "
                                   "still holds on a path of the loop that does not bind it again (past a continue "
                                   "or a branch, or an inner loop that may not run), and which sees the write; "
                                   f"backgen does not follow that: bind {name} on every path of the loop (or give "
                                   "the value read after it a name of its own)")
                    else:
                        message = (f"this writes into {name!r}, whose value from the previous iteration is kept "
                                   f"{'in a list' if lists else f'under another name ({others[0]})'}, which sees "
                                   f"the write; backgen does not follow that: start the iteration with {name} = "
                                   f"{name}.copy()")
                    self.hazards.append((self._kept_arrays(written, lists, mine, others, exits, after),
                                         self.error(self.said(message), node)))

    @staticmethod
    def _names_of(held, after, inner):
        """The user's names ``held`` stands for: itself, a name; or a carried value's, the names carrying it."""
        return [held] if held in after else [name for name, value in (inner or {}).items()
                                             if value == ir.Var(held) and not name.startswith(" ")]

    def _kept_arrays(self, written, lists, mine, others, exits, after):
        """The values whose being an array makes what ``check_loop_writes`` found kept (the members of
        ``lists`` sharing ``mine``, the values of the names ``others``) see a write into ``written``, as a
        tuple: for each, the first index on its way to ``written`` (``X[:, 0][-1]`` of a matrix is a number,
        a copy), or where the way is not known its last name, or ``written`` itself where every step keeps
        an array."""
        carried = dict(exits)
        held = [atom.name if isinstance(atom, ir.Var) else None for atom in
                (after.get(other, carried.get(other)) for other in others)]
        lists = list(lists) + [atom for atom in held if atom in self.list_atoms]  # (a list kept by a name: its
        values = set().union(*(self.list_members.get(one, set()) for one in lists)) & mine  # items sharing)
        values |= {atom for atom in held if atom not in self.list_atoms}
        values = _held_items(values, self.list_atoms, self.list_members, mine)  # (ts.append([t]): t)
        bases = self._bases(written)
        links = [None if value is None else self._number_link(written, value) if value in bases[1:]  # (written
                 # a view of the kept value, for row in X: row += v: an index on the way, a number, is a copy)
                 else self._number_link(value, written) for value in sorted(values, key=str)]
        return tuple(dict.fromkeys(written if link is None else link for link in links)) or written

    def left_by_loop(self, carried, value, inner, after):
        """``carried``, a name no value held as the loop started, leaves it holding ``value``, an iteration's
        (read after the loop, it is set: the loop ran): where that is the same array as, or a view without
        names in its index of, an array a name holds as the iteration ends (``v = h.T``, ``v = h[1:]``), so
        is ``carried`` (of the name's value after the loop: the loop's last of it, ``h = h * 2.0; v = h.T``),
        and a write through it is followed as through ``value``."""
        if not self.numpy or value == carried:
            return
        found = self.storage.get(value)
        if found is None and any(inner.get(name) == ir.Var(value) for name in inner if not name.startswith(" ")):
            found = (value, "same", None)  # (v = h: the array itself)
        if found is None or found[1] not in ("same", "view", "index") or \
                found[1] == "index" and not basic_index(found[2]):
            return
        base = ir.Var(found[0])
        held = [inner[name] for name in sorted(after) if not name.startswith(" ") and after[name] == base
                and isinstance(inner.get(name), ir.Var) and inner[name].name != carried]
        if not held:
            return
        now = held[0]  # (the array itself, or the name carrying the loop's last value of it: v = h.T of h_1)
        if found[1] == "view":
            op = self.view_ops.get(value)
            if op is None or op.args[:1] != (base,):
                return
            text = source.to_source(source.fill(op.source, {base.name: ast.Name(now.name, ast.Load())}))
            self.view_ops[carried] = replace(op, target=carried, args=(now,) + op.args[1:], source=text)
        self.storage[carried] = (now.name,) + found[1:]

    def _bases(self, atom):
        """``atom`` and the arrays it is the same as or a view of (``v[::-1]``, ``x.T``), in turn."""
        found = [atom]
        while atom in self.storage and self.storage[atom][1] != "copy" and self.storage[atom][0] not in found:
            atom = self.storage[atom][0]
            found.append(atom)
        return found

    def value_renamed(self, old, new):
        """The staged value ``old`` is now called ``new``: marks waiting on its shape follow it, and so
        do the views of it (``w_1 = x_1.reshape(4, 3)``, now ``x_2.reshape(4, 3)``): a write into ``new``
        is followed into them, their links to it named by the name it has."""
        self.storage = {atom: (new, kind, index) if base == old else (base, kind, index)
                        for atom, (base, kind, index) in self.storage.items()}
        for held, members in self.list_members.items():  # (and the lists holding it: L_1 = [x_1] is [x_2])
            if old in members:
                self.list_members[held] = members - {old} | {new}
                items = self.list_items.get(held)
                if items is not None:
                    self.list_items[held] = tuple(ir.Var(new) if item == ir.Var(old) else item for item in items)
                op = self.list_ops.get(held)
                if op is not None:
                    self.list_ops[held] = replace(op, args=self.list_items.get(held, op.args), source=source.to_source(
                        source.fill(op.source, {old: ast.Name(new, ast.Load())})))

        def follow(value):
            if value.__class__ is tuple:  # (the values any of which being an array makes one: _array_link)
                return tuple(map(follow, value))
            return new if value == old else value
        self.hazards = [(follow(value), error) for value, error in self.hazards]
        self.in_place_values = {follow(value): follow(before) for value, before in self.in_place_values.items()}
        self.number_hazards = [(follow(value), *errors) for value, *errors in self.number_hazards]
        self.array_hazards = [(follow(value), error) for value, error in self.array_hazards]
        self.param_writes = [(follow(value), *rest) for value, *rest in self.param_writes]
        self.stale = {name: tuple((follow(value), *rest) for value, *rest in marks)
                      for name, marks in self.stale.items()}
        self.layouts = [(_renamed_condition(condition, old, new), line) for condition, line in self.layouts]

    def iterates_written(self, iterable, node, constant=False):
        """The loop over ``iterable`` (as the user wrote it) writes into what it iterates, which backgen
        does not follow; ``constant``: an array of constants (``np.zeros((3, 4))``) it iterates."""
        what = f" ({iterable} holds an array made of constants, which backgen does not follow writes into " \
               "while a loop iterates it)" if constant else ""
        return self.error(f"the loop iterates {iterable}, which its body writes into{what}: copy it first "
                          f"(for ... in {iterable}.copy())", node)

    def user_text(self, node):
        """``node`` as the user wrote it: its text in the function's source where that is there (a name
        backgen bound to an expression it took out of a statement, ``items = list(X)``, is that
        expression), else as it reads now."""
        lines = getattr(self.forward, "lines", ())
        line, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if line and end == line and 0 < line <= len(lines) and node.end_col_offset is not None:
            text = lines[line - 1].encode()[node.col_offset:node.end_col_offset].decode(errors="replace")
            try:
                ast.parse(text, mode="eval")
            except SyntaxError:
                text = None
            if text and (not isinstance(node, ast.Name) or text == node.id or node.id not in self.source_words()):
                return text
        return ast.unparse(node)

    def source_words(self):
        """The words of the function's source: names backgen makes (``fresh``) are none of them."""
        if getattr(self, "_source_words", None) is None:
            self._source_words = set(re.findall(r"[A-Za-z_]\w*", "\n".join(getattr(self.forward, "lines", ()))))
        return self._source_words

    def speak(self, name, text):
        """Messages name ``name`` (one backgen made, and its versions) as ``text``, what the user wrote."""
        if name != text and name not in self.source_words() and \
                name not in getattr(self.forward.func, "written_out", {}):  # (a helper's, said as its)
            self.spoken[name] = text

    def said(self, message):
        """``message`` with each name backgen made for an expression (and each version of one: seq_1),
        where it names one (quoted, 'seq', or in parentheses, (seq_1)), replaced by that expression as
        the user wrote it; the message's words stay."""
        if not self.spoken:
            return message

        def shown(match):
            word = match.group(2)
            base = re.sub(r"_\d+$", "", word)
            for key in (word, base):
                if key in self.spoken and word not in self.source_words():
                    return match.group(1) + self.spoken[key] + match.group(3)
            return match.group(0)
        return re.sub(r"('|\()([A-Za-z_]\w*)('|\))", shown, message)

    def _note_parameter_write(self, shared, name, node, only_if_array):
        """A write reaching a parameter's array changes the caller's array too: fine for the function
        differentiated, refused for a helper (its caller's names would change unseen)."""
        for param in sorted(shared & set(self.param_names)):
            error = self.error(f"this writes into the array passed as the parameter {param!r}, which changes the "
                               f"caller's array too; backgen does not follow writes across calls: write {name} = "
                               "... for a new array, or copy the parameter first (.copy())", node)
            error.parameter_write = self.forward.func.name  # (a helper's: written into its callers instead)
            self.param_writes.append((only_if_array, error, param))

    def _stale(self, other_name, name, node, why, only_if_array=None, in_place=False, retry=None):
        """Mark ``other_name`` stale; with ``only_if_array``, only if that value turns out to be an array.
        The marks of several writes add up: stale if any of them holds.  With ``in_place`` (``name op= v``
        where ``name`` is a variable), the error made of the mark says where that statement is
        (``written_in_place``): staged again as the write it is where it writes into an array."""
        mark = (only_if_array, self.said(f"{other_name!r} may have been changed by the write into {name!r} on line "
                                         f"{node.lineno}, which backgen does not follow: {why}, or copy first (.copy())"),
                in_place_at(node) if in_place else retry)
        self.stale[other_name] = self.stale.get(other_name, ()) + (mark,)
        if why in self.layout_whys:  # (a reshape of an array of unknown order: ``program`` may take the
            self.layout_marks.add(mark[1])  # parameters to be C-contiguous, and the backward check that)
        atom = self.versions.get(other_name)
        if self.call_results and isinstance(atom, ir.Var):  # sharing through what a helper returned: followed
            calls = {self.call_results[a] for a in self.sharing(atom.name) if a in self.call_results}  # where
            if calls:  # the helper is written into the caller (``inline``)
                self.stale_calls[other_name] = self.stale_calls.get(other_name, set()) | calls

    def check_fresh(self, name, node):
        """Refuse reading a name a write made stale (or note it, when that depends on shapes)."""
        marks = self.stale.get(name)
        if not marks:  # (most names)
            return
        calls = tuple(sorted(self.stale_calls.get(name, ())))
        for only_if_array, message, _ in marks:
            if only_if_array is None:
                error = self._after_parameter_write(self.error(message, node))
                error.inline_helpers = calls
                error.layout_assumable = message in self.layout_marks
                error.split_place = self.split_places.get(message)
                raise error
        for only_if_array, message, in_place in marks:
            error = self._after_parameter_write(self.error(message, node))
            error.layout_assumable = message in self.layout_marks
            error.split_place = self.split_places.get(message)
            error.written_in_place = in_place
            error.certain_array = in_place in self.array_in_place
            error.inline_helpers = calls
            self.hazards.append((only_if_array, error))  # decided once shapes are known

    def written_in_place_later(self, name, node):
        """Where a name a write made stale is held without being read (a cache entry, ``cache = (x, b)``
        after ``h = b; h += v``): its ``op=`` marks are noted as ``check_fresh`` notes them, so that where
        the value is an array the ``op=`` is staged again as the write it is (``written_in_place``), which
        the entry then follows.  The marks themselves stay: the entry is left unread while they hold."""
        calls = tuple(sorted(self.stale_calls.get(name, ())))
        for only_if_array, message, in_place in self.stale.get(name, ()):
            if only_if_array is not None and in_place is not None and in_place[0] != "view" and \
                    ("kept", in_place) not in getattr(self, "written_in_place", ()):  # (not staged so: in code
                # for any shape, or a helper's, the entry is left unread, as it was)
                error = self._after_parameter_write(self.error(message, node))
                error.written_in_place = in_place
                error.cache_entry = True
                error.certain_array = in_place in self.array_in_place
                error.inline_helpers = calls
                self.hazards.append((only_if_array, error))

    def _after_parameter_write(self, error):
        """A name made stale in a helper that has written into a parameter's array (t = u[1:]; t *= 2.0,
        then u read): written into its callers, as the write itself would be, where the caller's names
        follow it."""
        if self.param_writes:
            error.parameter_write = self.forward.func.name
        return error

    def unshared(self, name):
        """Whether the staged value ``name`` is an array of its own as far as backgen knows: no view, alias
        or merge of another, no constant array, nothing sharing its memory; a value a write gave (``X[0] = v``,
        ``h += x`` on an array: ``in_place_values``) is the array written into, its own where that one is."""
        before = self.written_values.get(name, self.in_place_values.get(name))
        if before is not None and not (isinstance(before, str) and before != name and self.unshared(before)):
            return False
        return name not in self.storage and name not in self.constant_links and name not in self.list_atoms \
            and not any(name in members for members in self.list_members.values()) \
            and not any(name in edge for edge in self.shared_edges + self.merge_edges) \
            and not any(base == name for base, _, _ in filter(None, self.storage.values()))

    def forget_stale(self, name):
        self.stale.pop(name, None)


class _Line:
    """A position for errors about a staged line."""

    def __init__(self, line):
        self.lineno, self.col_offset = line, 0


_BOOLEAN_CALLS = frozenset({"logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isfinite",
                            "isinf", "signbit", "isclose"})


def _ufunc_test(text):
    """Whether the expression ``text`` is a test NumPy's ufuncs make of the names and numbers it reads
    (``x > 0``, ``(x > y) & m``, ``~m``, ``np.isnan(x)``): laid out as its operands, order 'K', as arithmetic
    is (``np.where(x > 0, x, 0.0)`` of a C-contiguous ``x`` is C-contiguous)."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False

    def leaf(node):
        return isinstance(node, ast.Name) or isinstance(node, ast.Constant) and \
            type(node.value) in (int, float, bool)

    def test(node):
        if isinstance(node, ast.Compare):
            return all(leaf(n) for n in [node.left, *node.comparators])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            return test(node.operand) or leaf(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
            return all(test(n) or leaf(n) for n in (node.left, node.right))
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in _BOOLEAN_CALLS - {"isclose"} and not node.keywords and \
            isinstance(node.func.value, ast.Name) and all(leaf(n) for n in node.args)
    return test(node)


def _arange(text, np_name):
    """Whether the expression ``text`` (or node) is ``np.arange(...)``: an array, of one dimension
    whatever its arguments."""
    if isinstance(text, str):
        if "arange" not in text:
            return False
        try:
            text = ast.parse(text, mode="eval").body
        except SyntaxError:
            return False
    return isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute) and text.func.attr == "arange" \
        and isinstance(text.func.value, ast.Name) and text.func.value.id == np_name


_INTEGER_ARRAYS = frozenset({"argsort", "flatnonzero", "argwhere", "lexsort"})  # (of any operands, arrays)


# NumPy functions giving a tuple of arrays of integers, one for each axis
_INDEX_TUPLES = frozenset({"nonzero", "triu_indices", "tril_indices", "diag_indices", "triu_indices_from",
                           "tril_indices_from", "diag_indices_from"})


def _integer_array(text, np_name):
    """Whether the expression ``text`` certainly gives an array of integers of one dimension or more, never
    one integer: ``np.arange(...)``, ``np.argsort(...)`` (and ``x.argsort()``), ``np.flatnonzero``,
    ``np.argwhere``, ``np.lexsort``, ``np.nonzero(...)[k]`` (and ``np.triu_indices(n, 1)[k]``, of
    ``np.tril_indices``, ``np.diag_indices``, their ``_from`` forms); an index by it is advanced, and copies."""
    if not any(word in text for word in ("arange", "argsort", "nonzero", "argwhere", "lexsort", "_indices")):
        return False
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if _arange(node, np_name):
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and type(node.slice.value) is int:
        node, nonzero = node.value, True  # (np.nonzero(m)[0]: the indices along one axis)
    else:
        nonzero = False
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    by_numpy = isinstance(node.func.value, ast.Name) and node.func.value.id == np_name
    if nonzero:
        return by_numpy and node.func.attr in _INDEX_TUPLES
    return by_numpy and node.func.attr in _INTEGER_ARRAYS or node.func.attr == "argsort" and not node.args
    # (x.argsort(): an array of x's shape, (1,) of a number)


def _boolean(text, masks):
    """Whether the expression ``text`` certainly gives booleans: a comparison, a NumPy test
    (``np.isnan``), or ``~``, ``&``, ``|``, ``^`` of those or of ``masks`` (names holding booleans)."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False

    def boolean(node):
        if isinstance(node, ast.Compare):
            return True
        if isinstance(node, ast.Name):
            return node.id in masks
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            return boolean(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
            return boolean(node.left) and boolean(node.right)
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in _BOOLEAN_CALLS
    return boolean(node)


def in_place_at(node):
    """The place an ``op=`` (``node``) is known by where it is staged again as a write (``written_in_place``):
    its line, column and the name it writes, as the statements a helper's body written into its caller gives
    (``inline``) all keep the call's line and column (``p -= a; q += q``: two places)."""
    target = node.target.id if isinstance(node.target, ast.Name) else None
    return node.lineno, node.col_offset, target


def may_be_array_constant(atom):
    """Whether ``atom`` is a constant that may spell an array (``np.ones(3)``, a module's array): not a
    number, not a literal that is no array (``None``, ``True``, a string such as a mode), nor a size read
    (``np.ones((2, 3)).shape[0]``, ``len(...)``)."""
    if not isinstance(atom, ir.Const) or len(atom.source) <= 3 or source.number_text(atom.source) is not None:
        return False
    try:
        tree = ast.parse(atom.source, mode="eval").body
    except SyntaxError:
        return True
    if isinstance(tree, ast.Subscript):  # (np.ones((1, 2, 4, 4)).shape[0]: a size)
        tree = tree.value
    if isinstance(tree, ast.Attribute) and tree.attr in ("shape", "ndim", "size") or \
            isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id in ("len", "int", "float"):
        return False  # (a size, a count, a tuple of sizes: no array)
    return not isinstance(tree, ast.Constant)


def index_text(node):
    """The index of the subscript ``node`` as written between its brackets (``:, 1``)."""
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return ", ".join(map(source.to_source, items))


def new_array(text):
    """Whether the constant expression ``text`` makes a value of its own each time it runs (arithmetic, a
    call making an array), or a view of one taken by an index, ``.T`` or an array's method
    (``np.zeros((3, 4))[1]``, ``np.arange(4.0).reshape(2, 2)``)."""
    node = source.expression(text)
    while isinstance(node, ast.Subscript) or isinstance(node, ast.Attribute) and node.attr == "T" or \
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ARRAY_METHODS:
        node = node.value if not isinstance(node, ast.Call) else node.func.value
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return True
    if isinstance(node, ast.Call) and not any(k.arg == "copy" for k in node.keywords):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "array" and len(node.args) <= 2 or name in _SAME_ARRAY_CALLS and node.args and \
                isinstance(node.args[0], (ast.List, ast.Tuple)):
            return True  # (np.array copies what it is given, unless told copy=; np.asarray of a display
            # makes the array of its numbers)
        return name in FRESH_CALLS
    return False


def constants_may_share(one, other):
    """Whether the constant expressions ``one`` and ``other`` may spell arrays sharing memory: either
    holds the other (``constant_may_hold``), or both are views of one (``A.T`` and ``A[1:]``)."""
    if constant_may_hold(one, other) or constant_may_hold(other, one):
        return True
    return bool(_constant_view_roots(one) & _constant_view_roots(other))


_SAME_ARRAY_CALLS = frozenset({"asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "array"})  # (the
# array given where it is one already: np.array(a, copy=False) too)


def _constant_view_roots(text):
    """The arrays (their trees' dumps) the constant expression ``text`` may be a view of (``A`` of
    ``A.T[1:]``, ``np.reshape(A, (4, 3))`` or ``np.asarray(A)``: a NumPy call not known to make a new array
    may give its operands'; of ``[A.ravel(), B][k]`` both, of ``[A, B][1]`` B's): empty where it is no view."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return frozenset()
    roots, todo = set(), [(node, False)]
    while todo:
        root, viewed = todo.pop()
        if isinstance(root, ast.Subscript) and isinstance(root.value, (ast.List, ast.Tuple)):
            items = root.value.elts  # (an item of a display: the item itself, any where the index is no number)
            index = root.slice.value if isinstance(root.slice, ast.Constant) else None
            chosen = [items[index]] if isinstance(index, int) and -len(items) <= index < len(items) else items
            todo += [(item, True) for item in chosen if not isinstance(item, ast.Starred)]  # (the item's array)
        elif isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute) and \
                isinstance(root.func.value, ast.Name) and root.func.value.id in ("np", "numpy"):
            if f"np.{root.func.attr}" in VIEWS or root.func.attr in _SAME_ARRAY_CALLS:
                todo += [(arg, True) for arg in root.args[:1]]  # (np.reshape(A, ...), np.asarray(A): A's array)
                continue
            if viewed:  # (an array a view is taken of: np.copy(A)[..., 1])
                roots.add(ast.dump(root))
            if not (_numpy_array_call(root) or new_array(source.to_source(root))):  # (a call not known to make
                todo += [(arg, True) for arg in root.args]  # a new array may give its operands')
        elif isinstance(root, ast.Subscript) or isinstance(root, ast.Attribute) and root.attr == "T":
            todo.append((root.value, True))
        elif isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute) and \
                root.func.attr in _ARRAY_METHODS and not (isinstance(root.func.value, ast.Name) and
                                                         root.func.value.id in ("np", "numpy")):
            todo.append((root.func.value, True))
        elif viewed and not isinstance(root, (ast.Name, ast.Constant)):
            roots.add(ast.dump(root))
    return frozenset(roots)


@functools.lru_cache(maxsize=4096)
def _words(text):
    """The names the text spells (not attributes, not a number's exponent): those of an expression
    inside it are among them, however either is printed."""
    return frozenset(re.findall(r"(?<![\w.])[A-Za-z_]\w*", text))


def constant_may_hold(text, held):
    """Whether the constant expression ``text`` may hold the array the constant expression ``held``
    spells (the same text, as far as backgen can tell, being the same array): as it is, a view of it
    (an index, ``.T``, a view method), an item of a tuple, list or conditional, or what a call
    backgen does not know returns of its arguments. Arithmetic gives a new array (``+`` and ``*``
    where no operand may be a list: a float operand), and so does ``.copy()`` of an index or of
    arithmetic (of a list, a name or a call it is a list's copy, holding the same arrays)."""
    if not _words(held) <= _words(text) or _no_array(source.expression(held)) or \
            isinstance(source.expression(held), ast.Constant):  # (the words of held: a quick test, whatever
        return False  # the parentheses; a number, j = 0, is no array another holds)
    target = ast.dump(source.expression(held))

    def holds(node):
        if ast.dump(node) == target:
            return True
        if _no_array(node):
            return False
        if isinstance(node, ast.BinOp):
            return not _array_arithmetic(node) and (holds(node.left) or holds(node.right))  # ([a] * 2,
            # split(a) + split(b): the items)
        if isinstance(node, (ast.UnaryOp, ast.Compare, ast.Constant, ast.Name)):
            return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "copy" \
                and not node.args and not node.keywords and _an_array(node.func.value):
            return False
        if _numpy_array_call(node) or _constructor_call(node):
            return False  # (np.einsum('ij,ij->i', a, a), np.exp(a), np.zeros_like(a): a new array)
        if isinstance(node, ast.Subscript) and any(isinstance(n, ast.List) for n in walk(node.slice)):
            return False  # (a[:, [3, 0]]: an index by a list, a copy)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                not isinstance(node.func.value, ast.Name):  # a method of a value (x.reshape(2, 2))
            return holds(node.func.value) or any(holds(a) for a in node.args)
        return any(holds(child) for child in ast.iter_child_nodes(node))
    return holds(source.expression(text))


_INTEGER_RULES = frozenset({"add", "sub", "mul", "neg", "mod", "inert"})  # (// is inert: integer arithmetic)
_INTEGER_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)


def _no_array(node):
    """Whether the expression ``node`` holds no array's memory: a shape, a size or a number of dimensions
    (``np.ones((2, 3)).shape[0]``), or an item of one."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr in ("shape", "ndim", "size")


_ARRAY_METHODS = {"reshape", "ravel", "transpose", "swapaxes", "squeeze", "astype", "flatten", "view"}  # (no list's)


def _an_array(node):
    """Whether the expression ``node`` certainly gives an array (not a list): arithmetic that no list
    takes, or an index or attribute of a NumPy call making a new array (``(np.arange(4.0) ** 2)[::-1]``)."""
    while isinstance(node, (ast.Subscript, ast.Attribute)) or isinstance(node, ast.Call) and \
            isinstance(node.func, ast.Attribute) and node.func.attr in _ARRAY_METHODS:
        node = node.func.value if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.BinOp):
        return _array_arithmetic(node)
    if isinstance(node, ast.UnaryOp):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FRESH_CALLS


def _array_arithmetic(node):
    """Whether the BinOp ``node`` is arithmetic no list takes (a new array): an operator lists lack, or
    ``+``/``*`` with a float (``[a] * 2`` repeats a list, ``split(a) + split(b)`` joins two)."""
    return not isinstance(node.op, (ast.Add, ast.Mult)) or any(
        isinstance(side, ast.Constant) and isinstance(side.value, (float, complex)) or _numpy_array_call(side)
        for side in (node.left, node.right))


def _fresh_list(node):
    """Whether the BinOp ``node`` repeats a list of constants (``[None] * 3``): a new list each time it
    runs, whose items no write can change (``xs[0] = v`` puts a new item in that list alone)."""
    if not isinstance(node.op, ast.Mult):
        return False
    items = node.left if isinstance(node.left, ast.List) else node.right
    count = node.right if items is node.left else node.left
    return isinstance(items, ast.List) and bool(items.elts) and \
        all(isinstance(e, ast.Constant) for e in items.elts) and not isinstance(count, (ast.List, ast.Tuple))


def _numpy_array_call(node):
    """Whether ``node`` calls a NumPy function certainly giving a new array (or a number), never a list or
    a view of its operands: ``np.maximum(0, a)``, ``np.einsum('ij,ij->i', a, b)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
            isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")):
        return False
    rule = NUMPY.get(f"np.{node.func.attr}")
    return rule is not None and (rule.fresh or rule.broadcast) and not call_view(node)


def _constructor_call(node):
    """Whether ``node`` calls a NumPy constructor (``np.zeros_like(a)``, ``np.ones(n)``, ``np.hanning(n)``):
    a new array, which takes at most the shape of its operands, never their memory."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy") and \
        node.func.attr in _CONSTRUCTORS


def _symbol(node):
    ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@",
           ast.FloorDiv: "//", ast.Mod: "%"}
    op = getattr(node, "op", None)
    return ops.get(type(op), "")


def _copy_order(text):
    """The order a copy's call spells (``x.copy(order='F')``, ``np.copy(x, 'F')``): its letter, None where it
    gives none (x.copy() copies in C order, np.copy(x) and np.array(x) in order 'K', as x is laid out), "?"
    where it is no constant."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return "?"
    if not isinstance(node, ast.Call):
        return None
    method = isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and \
        not (isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy"))
    place = 0 if method else 1  # (x.copy('F'), np.copy(x, 'F'), x.astype(t, 'F'))
    given = next((k.value for k in node.keywords if k.arg == "order"),
                 node.args[place] if len(node.args) > place and not (
                     isinstance(node.func, ast.Attribute) and node.func.attr in ("array", "asarray")) else None)
    if given is None:
        return None
    return given.value if isinstance(given, ast.Constant) and given.value in ("C", "F", "A", "K") else "?"


def _method(text, np_name="np"):
    """The method a staged call spells (``"flatten"`` of ``x.flatten()``), or None (a function of NumPy's,
    ``np.copy(x)``, named by ``np_name``, is none)."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not (
            isinstance(node.func.value, ast.Name) and node.func.value.id == np_name):
        return node.func.attr
    return None


def _number_gives_array(view, np_name):
    """Whether the view ``view`` takes is a new array where its operand is a number rather than an
    array (``np.expand_dims(s, 0)``, ``y.reshape(1)`` of ``y = np.sum(x)``, ``np.transpose(s)`` of a float),
    so that a write into it leaves the operand as it was: every followed view but a swap of axes and the
    methods ``.T``, ``.transpose()`` and ``.squeeze()``, which give a NumPy number back (a write into
    it fails)."""
    if view.rule in ("np.swapaxes", "np.rot90"):
        return False  # (of a number: an axis out of bounds)
    if view.rule not in ("np.transpose", "np.squeeze"):
        return True
    try:
        if view.rule == "np.transpose" and ast.literal_eval(view.param("axes", "None")):
            return False  # (axes of a number: they do not match)
    except (ValueError, SyntaxError, TypeError):
        pass
    try:
        node = ast.parse(view.source, mode="eval").body
    except SyntaxError:
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        isinstance(node.func.value, ast.Name) and node.func.value.id == np_name  # (np.transpose(s) of a float)


def _c_ordered(op, known, np_name="np"):
    """Whether ``op`` certainly gives a C-contiguous array: ``x.copy()`` (the method: ``np.copy`` keeps
    the order), ``x.flatten()`` or ``x.ravel()`` of any array, a product of matrices, an array NumPy makes
    (``np.zeros((N, D))``: ``c_constant``), or a reshape or a
    write of one (``known``: atoms already known to be)."""
    if op.rule == "np.copy":  # (x.copy(order='F'), np.copy(x, order='F'): in Fortran order)
        order = _copy_order(op.source)
        return order == "C" or order is None and _method(op.source, np_name) == "copy"
    if op.rule == "np.ravel":
        return True  # (a ravel gives a view of a C-contiguous array, else a C-contiguous copy: in C order, the only
        # one backgen takes)
    if op.rule in ("np.dot", "np.matmul", "np.outer"):
        return True
    if op.rule == "inert" and c_constant(op.source, np_name):  # np.zeros((N, D)), in C order
        return True
    return op.rule in ("np.reshape", "np.ravel", "setitem") and bool(op.args) and \
        isinstance(op.args[0], ir.Var) and op.args[0].name in known


def _any(options):
    """The condition that one of ``options`` holds (True and False folded away)."""
    options = [o for o in options if o is not False]
    if any(o is True for o in options):
        return True
    return False if not options else options[0] if len(options) == 1 else ("any", tuple(options))


def _all(parts):
    """The condition that each of ``parts`` holds (True and False folded away)."""
    if any(p is False for p in parts):
        return False
    parts = [p for p in parts if p is not True]
    return True if not parts else parts[0] if len(parts) == 1 else ("all", tuple(parts))


def _renamed_condition(condition, old, new):
    if condition is True or condition is False:
        return condition
    if condition[0] in ("any", "all"):
        return (condition[0], tuple(_renamed_condition(c, old, new) for c in condition[1]))
    return (condition[0],) + tuple(new if name == old else name for name in condition[1:])


def layout_holds(condition, shapes, others=frozenset()):
    """Whether ``condition`` (of ``MemoryModel.layouts``) holds on ``shapes`` ({value: shape}): a value of
    at most one axis of more than one element (``("flat", value)``: laid out densely, it is
    C-contiguous; any such array lies in C order), a reshape from ``base`` to ``view`` that joins no
    two axes of more than one element (``("split", base, view)``: NumPy's reshape gives a view of any
    array there), a value that is an array (``("array", value)``: of a number or a list NumPy makes a new
    one; ``others`` are the values known to be no arrays: lists, the parameters given lists), or any or
    all of other conditions.  A value of no known shape (a list) holds none."""
    if condition is True or condition is False:
        return condition
    kind = condition[0]
    if kind == "any":
        return any(layout_holds(c, shapes, others) for c in condition[1])
    if kind == "all":
        return all(layout_holds(c, shapes, others) for c in condition[1])
    dims = [shapes.get(name) for name in condition[1:]]
    if any(type(d) is not tuple or not all(type(n) is int and n > 0 for n in d) for d in dims):
        return False  # (a list, a tuple of arrays, an empty array: not followed)
    if kind == "array":
        return condition[1] not in getattr(shapes, "mixed", ()) and condition[1] not in others and (
            len(dims[0]) > 0 or condition[1] in getattr(shapes, "arrays", ()))
    if kind == "flat":
        return sum(n > 1 for n in dims[0]) <= 1
    return kind == "split" and splits_only(*dims)


def splits_only(old, new):
    """Whether reshaping an array of shape ``old`` to ``new`` joins no two of its axes of more than one
    element: each is split into axes in turn, axes of one element added or dropped.  NumPy's reshape
    gives a view of any array there, whatever its strides (it copies only where it must join axes
    whose elements do not lie one block after the other)."""
    old, new = [n for n in old if n > 1], [n for n in new if n > 1]
    place = 0
    for size in old:
        product = 1
        while product < size and place < len(new):
            product, place = product * new[place], place + 1
        if product != size:
            return False
    return place == len(new)


def basic_index(index, integral=None):
    """Whether the index text ``index`` is certainly a basic one, which makes a view: slices (whatever their
    bounds: NumPy takes them as integers, or raises), integers, ``None``, ``...``.  ``integral(node)``:
    whether an expression certainly gives an integer (``MemoryModel.integral``); without it, whole
    numbers written so and ``+ - * // %`` of them alone."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return False
    for item in node.elts if isinstance(node, ast.Tuple) else [node]:
        if isinstance(item, ast.Slice) or isinstance(item, ast.Constant) and item.value in (None, Ellipsis) or \
                isinstance(item, ast.Attribute) and item.attr == "newaxis":
            continue
        if not (integral or _whole)(item):
            return False
    return True


def _whole(node):
    """Whether the expression ``node`` is a whole number written so, or ``+ - * // %`` of such."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _whole(node.operand)
    return isinstance(node, ast.BinOp) and isinstance(node.op, _INTEGER_OPS) and _whole(node.left) and \
        _whole(node.right)


_C_CONSTRUCTORS = frozenset({"zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace"})


def _array_constructor(text, np_name="np"):
    """Whether the constant ``text`` is a call of one of NumPy's constructors (``np.zeros((3, 3))``): an
    array, ``np.zeros(())`` too."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        isinstance(node.func.value, ast.Name) and node.func.value.id == np_name and node.func.attr in _C_CONSTRUCTORS


def c_constant(text, np_name="np"):
    """Whether the constant ``text`` is a number or a C-contiguous array: a constructor of NumPy's
    (``np.zeros((2, 3))``, without ``order=``), a reshape of one, ``.copy()``, or arithmetic of those."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False

    def c(node):
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, ast.UnaryOp):
            return c(node.operand)
        if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.MatMult):
            return c(node.left) and c(node.right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("reshape", "copy") \
                and not any(k.arg == "order" for k in node.keywords):
            return node.func.attr == "copy" and not node.args or c(node.func.value)  # (a reshape of one: a view)
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            isinstance(node.func.value, ast.Name) and node.func.value.id == np_name and \
            node.func.attr in _C_CONSTRUCTORS and not any(k.arg == "order" for k in node.keywords)
    return c(node)


def _undone(view, new, base):
    """The staged operation giving ``base``'s array back from ``new``, a new value of the view ``view``
    took of it (``B = Bt.T`` for ``Bt = B.T``), with a placeholder target; None where backgen does not
    know the inverse (axes not written as numbers)."""
    if view.rule == "np.transpose":
        try:
            axes = ast.literal_eval(view.param("axes", "None"))
        except (ValueError, SyntaxError):
            return None
        if axes is None:
            return ir.Op("_", "np.transpose", (new,), view.line, (("axes", "None"),), f"{new}.T")
        if isinstance(axes, int):
            axes = (axes,)
        if not isinstance(axes, tuple) or sorted(axes) != list(range(len(axes))):
            return None  # (negative axes, or not numbers)
        inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return ir.Op("_", "np.transpose", (new,), view.line, (("axes", repr(inverse)),),
                     f"{new}.transpose({', '.join(map(str, inverse))})")
    if view.rule in ("np.flip", "np.fliplr", "np.flipud"):  # (the same flip again, of the new value)
        if not isinstance(view.args[0], ir.Var):
            return None
        text = source.to_source(source.fill(view.source, {view.args[0].name: ast.Name(new.name, ast.Load())}))
        return ir.Op("_", view.rule, (new,) + view.args[1:], view.line, view.params, text)
    if view.rule == "np.rot90":  # np.rot90(m, k, axes) is undone by np.rot90(n, -k, axes)
        try:
            k, axes = ast.literal_eval(view.param("k", "1")), ast.literal_eval(view.param("axes", "(0, 1)"))
        except (ValueError, SyntaxError):
            return None
        if type(k) is not int or not (isinstance(axes, tuple) and len(axes) == 2 and
                                      all(type(a) is int for a in axes)):
            return None
        np_name = view.source.partition(".rot90(")[0] or "np"
        params = ((("axes", repr(axes)),) if axes != (0, 1) else ()) + (("k", repr(-k)),)
        text = f"{np_name}.rot90({new}, {-k}" + (f", axes={axes!r})" if axes != (0, 1) else ")")
        return ir.Op("_", "np.rot90", (new,), view.line, params, text)
    if view.rule == "np.diagonal":
        return None  # (a diagonal is read-only: NumPy raises on a write through it)
    if view.rule == "np.moveaxis":  # np.moveaxis(a, s, d) is undone by np.moveaxis(b, d, s)
        first, second = view.param("source"), view.param("destination")
        if first is None or second is None:
            return None
        np_name = view.source.partition(".moveaxis(")[0] or "np"
        return ir.Op("_", "np.moveaxis", (new,), view.line, (("source", second), ("destination", first)),
                     f"{np_name}.moveaxis({new}, {second}, {first})")
    if view.rule == "np.swapaxes":
        first, second = view.param("axis1"), view.param("axis2")
        return ir.Op("_", "np.swapaxes", (new,), view.line, view.params, f"{new}.swapaxes({first}, {second})")
    return ir.Op("_", "np.reshape", (new,), view.line, (("shape", f"{base}.shape"),),
                 f"{new}.reshape({base}.shape)")  # (a reshape, a ravel, a dimension added or removed)


def _sliced(index):
    """Whether an index holds a slice (``a:b``): of an array a view, of a NumPy number an error."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return False
    return any(isinstance(i, ast.Slice) for i in (node.elts if isinstance(node, ast.Tuple) else [node]))


def _has_slice(index):
    """Whether an index keeps an axis (a slice, ``...`` or ``None``): its result is an array, a view."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return False
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(isinstance(i, ast.Slice) or isinstance(i, ast.Constant) and i.value in (None, Ellipsis) or
               isinstance(i, ast.Attribute) and i.attr == "newaxis" for i in items)


def _read_before_only(names, node, rebound_after):
    """Whether the user's ``names`` (those keeping a value a write changes) are each bound anew after the
    write ``node`` before they are read, on every path of the iteration: the value kept, read before the
    write only, is as backgen stages it."""
    return bool(names) and all(rebound_after(n, node) for n in names)


# methods of an array that compute a new one (x.sum(), x.copy()): never a view of x
_FRESH_METHODS = frozenset({"copy", "sum", "mean", "prod", "std", "var", "dot", "cumsum", "cumprod", "max", "min",
                            "clip", "round", "trace", "any", "all", "argmax", "argmin", "item", "tolist"})
# NumPy functions that may return their argument or a view of it (np.diff(x, n=0), np.einsum('ij->ji', a),
# np.nan_to_num(x, False))
_VIEWING_CALLS = frozenset({"diff", "einsum", "nan_to_num"})
# builtins returning a new number or array made from their arguments (not one of them)
_FRESH_BUILTINS = frozenset({"float", "int", "abs", "len", "sum", "round", "bool", "pow"})


def _helper_fresh(forward, name, known):
    """``returns_fresh`` of the helper ``name`` that ``forward`` calls (``known``: the helpers worked out,
    by the function they are; one being worked out, called by itself, is not known fresh)."""
    if name not in forward.helpers:
        return False
    value = forward.helpers[name]
    key = (name, id(value))
    if key not in known:
        known[key] = False
        known[("alive", id(value))] = value  # (its id names it while the helpers are worked out)
        from .parse import read_helper  # noqa: PLC0415 -- (the parser imports the stager, which imports this)
        try:
            helper = read_helper(forward, name)
            known[key] = returns_fresh(helper, lambda called: _helper_fresh(helper, called, known))
        except Exception:  # noqa: BLE001 -- (a helper not read here is refused where it is staged)
            known[key] = False
    return known[key]


def returns_fresh(forward, helper_fresh=lambda name: False):
    """Whether every value the function of ``forward`` returns (each item of a tuple returned), given
    arrays and numbers (no list), is certainly a new number or array, holding no memory of its parameters
    nor of the module's values: made by arithmetic on no list (``v + dt * F``), a comparison, a NumPy
    function that computes (``np.sum``, ``np.zeros``), a method computing from an array (``x.sum()``,
    ``x.copy()``), or held by a local name that every binding gives such a value (``energy = 0``, then
    ``energy += E``; ``forces = np.zeros(...)``, written into), or returned by a helper that is so
    (``helper_fresh``).  A name a ``for`` binds, a parameter, a view (``x[i]``, ``x.T``, ``x.reshape``),
    ``np.asarray``, a list (``[x]``, ``hs + [h]``: it holds what it is made of) and anything else are not
    known fresh (False)."""
    func = forward.func
    env = forward.env
    params = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    bindings = {}  # a local name -> the values bound to it (None: bound otherwise, never fresh)
    for node in walk(func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and node is not func:
            return False  # (a nested function: its names are not followed)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _bind_fresh(bindings, target, node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
            if isinstance(node, ast.AnnAssign) and node.value is None:
                continue
            bindings.setdefault(node.target.id, []).append(node.value if isinstance(node, ast.AnnAssign) else
                                                            ast.BinOp(node.target, node.op, node.value))
        elif isinstance(node, (ast.For, ast.comprehension, ast.With, ast.NamedExpr, ast.Global, ast.Nonlocal,
                               ast.ExceptHandler, ast.Import, ast.ImportFrom, ast.Delete)):
            names = node.names if isinstance(node, (ast.Global, ast.Nonlocal)) else \
                [n.id for n in walk(node.target if isinstance(node, (ast.For, ast.comprehension, ast.NamedExpr))
                                         else node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
            for name in names if isinstance(names, list) else []:
                bindings.setdefault(name, []).append(None)
    returns = [n for n in walk(func) if isinstance(n, ast.Return)]
    if not returns or any(r.value is None for r in returns):
        return False
    numpy = {name for name, meaning in env.items() if meaning == "numpy" or str(meaning) in NUMPY_LIKE_MODULES}
    visiting, listing = set(), set()

    def sequence(node):  # whether the value may be a list or tuple (parameters are not: no list is given)
        kind = node.__class__
        if kind in (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.Starred):
            return True
        if kind is ast.BinOp:
            return sequence(node.left) or sequence(node.right)
        if kind in (ast.IfExp, ast.BoolOp):
            return any(sequence(v) for v in ((node.body, node.orelse) if kind is ast.IfExp else node.values))
        if kind is ast.Subscript:
            return sequence(node.value)
        if kind is ast.Name:
            if node.id in params or node.id in listing or node.id in forward.constants and node.id not in bindings:
                return False  # (a number of the module, EPS = 1e-8: no list)
            if node.id not in bindings:
                return True  # (the module's: not known)
            listing.add(node.id)
            try:
                return any(v is None or sequence(v) for v in bindings[node.id])
            finally:
                listing.discard(node.id)
        if kind is ast.Call:
            return not fresh(node)
        return kind is not ast.Constant and kind is not ast.UnaryOp and kind is not ast.Compare

    def fresh(node):
        kind = node.__class__
        if kind in (ast.Constant, ast.UnaryOp, ast.Compare):
            return True  # (arithmetic makes a new array; on numbers, a number)
        if kind is ast.BinOp:  # (a list joined or repeated holds the items it is made of)
            return not (sequence(node.left) or sequence(node.right)) or fresh(node.left) and fresh(node.right)
        if kind in (ast.Tuple, ast.List):
            return all(fresh(e) for e in node.elts) and not any(isinstance(e, ast.Starred) for e in node.elts)
        if kind is ast.IfExp:
            return fresh(node.body) and fresh(node.orelse)
        if kind is ast.BoolOp:
            return all(fresh(v) for v in node.values)
        if kind is ast.Name:
            if node.id in forward.constants and node.id not in bindings and node.id not in params:
                return True  # (a number of the module)
            if node.id in params or node.id not in bindings or node.id in visiting:
                return node.id in visiting and node.id not in params  # (x += v of x bound fresh: still fresh)
            values = bindings[node.id]
            visiting.add(node.id)
            try:
                return all(v is not None and fresh(v) for v in values)
            finally:
                visiting.discard(node.id)
        if kind is ast.Call:
            if any(k.arg in (None, "out", "copy") for k in node.keywords) or \
                    any(isinstance(a, ast.Starred) for a in node.args):
                return False  # (np.abs(x, out=x), np.nan_to_num(x, copy=False): x itself)
            callee = node.func
            if isinstance(callee, ast.Name):
                if callee.id in params or callee.id in bindings:
                    return False
                if callee.id in forward.helpers:
                    return helper_fresh(callee.id)
                return callee.id in _FRESH_BUILTINS and env.get(callee.id) is None and \
                    not (callee.id == "sum" and len(node.args) > 1)  # (sum([], x) is x)
            if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
                    callee.value.id in numpy and callee.value.id not in params and callee.value.id not in bindings:
                return callee.attr in FRESH_CALLS and callee.attr not in _VIEWING_CALLS
            if isinstance(callee, ast.Attribute) and callee.attr in _FRESH_METHODS:
                return not sequence(callee.value) and not (  # (x.sum(), x.copy() of an array: never a view
                    callee.attr == "copy" and isinstance(callee.value, ast.Name) and callee.value.id in params)
                # of x; a parameter's copy may be a dict's, holding its arrays)
        return False

    return all(fresh(r.value) for r in returns)


NUMPY_LIKE_MODULES = ("numpy", "autograd.numpy", "jax.numpy")


def _bind_fresh(bindings, target, value):
    """Note ``target = value`` in ``bindings``: each name of a tuple target unpacked from a tuple the
    item at its place, from anything else (a call returning a tuple) the call itself; a subscript or
    attribute target binds no name."""
    if isinstance(target, ast.Name):
        bindings.setdefault(target.id, []).append(value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        items = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
            else [value] * len(target.elts)
        for t, v in zip(target.elts, items):
            _bind_fresh(bindings, t.value if isinstance(t, ast.Starred) else t,
                        None if isinstance(t, ast.Starred) else v)


def _held_items(values, list_atoms, list_members, mine):
    """``values`` with each list among them (a list display kept in a list, ``ts.append([t])``) replaced by
    its items sharing ``mine``, as deep as lists go: the list holds those objects, and sees a write into
    one only where it is an array (``t += dt`` rebinds a number)."""
    found, pending, seen = set(), list(values), set()
    while pending:
        value = pending.pop()
        if value in seen:
            continue
        seen.add(value)
        inner = list_members.get(value, set()) & mine if value in list_atoms else set()
        if inner:
            pending.extend(inner)
        else:
            found.add(value)
    return found
