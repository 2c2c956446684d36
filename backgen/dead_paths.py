"""Paths of a branch that NumPy raises on at the shapes the code is written for: left out.

Contract: ``find(staged, walker, args)`` looks at the operations (and the tests of
``if`` and ``while``) the shape walk (``shapes._Walker``) could evaluate on no walk
of them and returns the place of one branch of an ``if`` that cannot run at these
shapes, or None.  The branch is dead where an operation or a test it reaches
whenever it runs (one of its own items, or one in the body of a ``for`` loop it
holds that runs at these shapes) raised an error about shapes (broadcasting,
``dot``'s inner sizes, an index past an axis' end, a conversion of an array of
several elements to a number), and every value it reads has a shape and, where it
is an integer or a boolean, a value that the inputs' shapes decide (not the data:
no mask, no ``int(x[0])``, no value a branch, a ``while`` or a loop that breaks
decides, no helper's result, no list, tuple or dict whose length or items a path decides, no number a loop
may make an array, as ``total = 0.0`` then ``total = total + x``).  Such a branch
raises whenever it runs, for every input of these shapes: the forward never
returns through it, and the backward, as for a branch ending in ``raise``, has no
gradient to give there; ``drop(items, place)`` replaces the ``if`` by its other
branch.

An ``if`` whose test reads ranks alone (``np.ndim(a) == 2``, ``a.ndim``, ``len(a.shape)``;
``reads_ranks_only``) of values whose ranks the inputs' ranks decide (no value ``_known`` finds
the data may shape), and which had one truth on every walk of it, takes one branch for every input
of these ranks: ``rank_decided(staged, walker, args)`` returns the place of the other, which
``drop`` leaves out as it does one raising (the parameters' own rank tests are decided before
staging, ``program._rank_tests_decided``; this decides those of values the function computes).

The caller asks only where the walk's sizes are those of every input the code is
for (sizes written in the declared shapes, or the decorator's own arguments, whose
code is kept for other sizes only where it is written alike for them): never for
named dimensions (other sizes would make the branch run), a helper (its code serves
calls of other sizes) or code written for every shape.
"""

import ast
import collections
import dataclasses
import re

import numpy as np

from . import ir, source
from .rules import RULES

# NumPy's (and Python's) complaints about shapes alone: broadcasting, inner sizes, an axis or an index past
# its end, an array of several elements where one number is wanted, joined arrays of other ranks
_SHAPE_ERROR = re.compile(
    r"could not be broadcast|could not broadcast|mismatch in its core dimension|not aligned|"
    r"out of bounds for axis|out of bounds for array of dimension|too many indices|cannot reshape array|"
    r"only (?:length-1|0-dimensional|integer scalar) arrays|can only convert an array of size 1|"
    r"truth value of an array with more than one element|same number of dimensions|"
    r"input array dimensions|does not have enough dimensions|axes don't match array|zero-size array|"
    r"tuple index out of range|setting an array element with a sequence|inhomogeneous|"
    r"object is not subscriptable|does not support item assignment|invalid index to scalar variable")

# calls whose result's shape the values of their (float) operands decide (and a if c else b)
_VALUE_SHAPED = frozenset({"unique", "nonzero", "argwhere", "flatnonzero", "extract", "compress", "trim_zeros",
                           "bincount", "arange", "linspace", "where", "filter", "fromiter"})


def _value_shaped(name):
    return name in _VALUE_SHAPED or name.startswith("histogram")


def shape_error(exc):
    """Whether ``exc`` is one of NumPy's complaints about shapes (not about values: a singular matrix,
    the logarithm of a negative number)."""
    return isinstance(exc, (ValueError, IndexError, TypeError)) and \
        not isinstance(exc, np.linalg.LinAlgError) and _SHAPE_ERROR.search(str(exc)) is not None


def _chooses(text):
    """Whether the expression ``text`` evaluates some of its parts as values say (``a if c else b``,
    ``c and a``, a comprehension's ``if``): which part raises, and whether any does, is the data's."""
    tree = source.expression(text)
    return tree is None or any(isinstance(node, (ast.IfExp, ast.BoolOp, ast.comprehension))
                               for node in ast.walk(tree))


def _in_place_on_number(op, exc):
    """Whether ``op`` is an in-place operator staged as the write it is into an array (``a *= a``,
    ``a[...] = a * a``) that failed on a number: there Python's operator rebinds the name, which raises
    nothing (the branch making ``a`` a number runs)."""
    return op.rule == "setitem" and op.param("index") == "..." and "item assignment" in str(exc)


def find(staged, walker, args):
    """``(place, note)`` of a branch that cannot run at these shapes (see the contract), ``place`` being
    ``(path, side)`` for ``drop``, ``note`` ``(the if's line, the line NumPy raised on, its complaint)``;
    or None."""
    candidates = [(op, op.reads(), exc, _chooses(op.source)) for op, exc in walker.failed.items()
                  if id(op) not in walker.evaluated and op not in walker.value_failed and op.rule != "call"
                  and shape_error(exc) and not _in_place_on_number(op, exc)
                  and op.line not in staged.writes_staged_again]  # (a write backgen made of op=, not NumPy's)
    candidates += [(item, _code_names(item.test), exc, _chooses(item.test)) for key, (item, exc)
                   in walker.failed_tests.items()
                   if key not in walker.tests_ok and key not in walker.value_failed and shape_error(exc)]
    if not candidates:
        return None
    names = _names(staged)
    static, tainted = _known(staged, walker, args, names)

    def runs(loop):  # (a for loop of as many iterations as these shapes say, one at least on every walk: over
        iterated = _code_names(loop.iterable) & names  # arrays and lists of fixed lengths, or counts they decide)
        return walker.iterations.get(id(loop), 0) > 0 and not iterated & tainted and \
            all(name in static or name not in walker.integral for name in iterated)
    candidates = [(item, exc, chooses) for item, reads, exc, chooses in candidates if not (
        reads & names & tainted or reads & names & staged.path_outputs or any(
            name in walker.integral and name not in static or name not in walker.shapes for name in reads & names))]
    if any(_reaches(staged.body, item, runs) for item, _, _ in candidates):
        return None  # (one every input of these shapes reaches, as an if's test: no path of it runs, none is
    # left out; the staged code computes what Python does, a conditional expression's parts as if blocks)
    for item, exc, chooses in candidates:
        if chooses:  # (a part of a conditional expression: which part raises is the data's)
            continue
        found = _branch_of(staged.body, item, (), runs)
        if found is not None:
            branch, place = found
            return place, (branch.line, item.line, f"{type(exc).__name__}: {str(exc).strip()}")
    return None


def reads_ranks_only(text, np_name="np"):
    """Whether the expression ``text`` reads names only for their ranks (``a.ndim``, ``np.ndim(a)``,
    ``len(a.shape)``), one at least, with constants, comparisons and ``and``/``or``/``not``."""
    tree = source.expression(text)
    return tree is not None and _ranks_only(tree, np_name) is True


def _rank_read(node, np_name):
    """The name whose rank ``node`` reads (``a.ndim``, ``np.ndim(a)``, ``len(a.shape)``), or None."""
    if isinstance(node, ast.Attribute) and node.attr == "ndim" and isinstance(node.value, ast.Name):
        return node.value.id
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        func, arg = node.func, node.args[0]
        if isinstance(func, ast.Attribute) and func.attr == "ndim" and isinstance(func.value, ast.Name) and \
                func.value.id == np_name and isinstance(arg, ast.Name):
            return arg.id
        if isinstance(func, ast.Name) and func.id == "len" and isinstance(arg, ast.Attribute) and \
                arg.attr == "shape" and isinstance(arg.value, ast.Name):
            return arg.value.id
    return None


def _rank_reads(node, np_name):
    """The names whose ranks ``node`` (of a test ``reads_ranks_only`` accepts) reads."""
    name = _rank_read(node, np_name)
    if name is not None:
        return {name}
    return set().union(*(_rank_reads(part, np_name) for part in ast.iter_child_nodes(node)))


def _ranks_only(node, np_name):
    """True where ``node`` reads ranks and nothing else, False where it reads anything else, None where
    it reads nothing (a constant)."""
    if _rank_read(node, np_name) is not None:
        return True
    if isinstance(node, ast.Constant):
        return None
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
    elif isinstance(node, ast.BoolOp):
        parts = node.values
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        parts = [node.operand]
    else:
        return False
    found = [_ranks_only(part, np_name) for part in parts]
    return False if False in found else (True if True in found else None)


def rank_decided(staged, walker, args, every=None):
    """``(path, side)`` (for ``drop``) of the branch an ``if`` testing ranks alone never takes at the ranks
    walked (see the contract), or None; with ``every`` (ids of such ifs), of the first of them, where
    each of them is so decided (else None)."""
    np_name = staged.modules.get("np", "np")
    names = _names(staged)
    tainted = None
    found = None
    for key, (item, truths) in walker.rank_tests.items():
        if every is not None and key not in every:
            continue
        decided = len(truths) == 1 and stays(item)
        if decided:
            reads = _rank_reads(source.expression(item.test), np_name)
            if tainted is None:
                tainted = _known(staged, walker, args, names)[1]
            decided = reads <= names and not reads & tainted and all(
                name in walker.shapes and name not in walker.shapes.mixed for name in reads)
        path = _path_to(staged.body, item, ()) if decided else None
        if path is None and every is not None:
            return None
        if path is not None and found is None:
            found = path, "orelse" if truths == {True} else "body"
            if every is None:
                return found
    return found


def rank_tested(items, np_name="np"):
    """Whether ``items`` hold an ``if`` testing ranks alone (``reads_ranks_only``) that ``stays``."""
    for item in items:
        kind = item.__class__
        if kind is ir.If and (stays(item) and reads_ranks_only(item.test, np_name) or
                              rank_tested(item.body, np_name) or rank_tested(item.orelse, np_name)):
            return True
        if kind is ir.Loop and rank_tested(item.body, np_name):
            return True
    return False


def stays(item):
    """Whether neither branch of the ``if`` ``item`` may leave the loop holding it (a ``break``)."""
    return not item.breaks and not any(map(_may_leave, item.body + item.orelse))


def _path_to(items, target, path):
    """The path (``drop``'s) of the item ``target`` in ``items``, or None."""
    for k, item in enumerate(items):
        if item is target:
            return path + (k,)
        kind = item.__class__
        sides = ("body", "orelse") if kind is ir.If else ("body",) if kind is ir.Loop else ()
        for side in sides:
            found = _path_to(getattr(item, side), target, path + (k, side))
            if found is not None:
                return found
    return None


def drop(items, place):
    """``items`` with the ``if`` at ``place`` (``(path, side)`` as ``find`` gives it) replaced by the
    items of its branch other than ``side``."""
    path, side = place
    items = list(items)
    k, rest = path[0], path[1:]
    if not rest:
        branch = items[k]
        keep = branch.orelse if side == "body" else branch.body
        return tuple(items[:k]) + tuple(keep) + tuple(items[k + 1:])
    item, (field, *deeper) = items[k], rest
    inner = drop(getattr(item, field), (tuple(deeper), side))
    items[k] = dataclasses.replace(item, **{field: inner})
    return tuple(items)


def _branch_of(items, op, path, runs):
    """``(if, place)`` of the innermost branch of an ``if`` in ``items`` that reaches ``op`` (an item)
    whenever it runs, or None.  A branch reaches what it holds among its own items where no earlier
    item may leave its loop, and what a ``for`` loop it so holds reaches in its body, where ``runs``
    says the loop runs an iteration at every input of these shapes and it has no ``break``."""
    for k, item in enumerate(items):
        kind = item.__class__
        if kind is ir.If:
            for side in ("body", "orelse"):
                branch = getattr(item, side)
                found = _branch_of(branch, op, path + (k, side), runs)
                if found is not None:
                    return found
                if not item.breaks and _reaches(branch, op, runs):
                    return item, (path + (k,), side)
        elif kind is ir.Loop:
            found = _branch_of(item.body, op, path + (k, "body"), runs)
            if found is not None:
                return found
    return None


def _reaches(items, op, runs):
    """Whether running ``items`` reaches ``op`` (see ``_branch_of``)."""
    for item in items:
        if item is op:
            return True
        if item.__class__ is ir.Loop and item.kind == "for" and not item.breaks and runs(item) and \
                _reaches(item.body, op, runs):
            return True
        if _may_leave(item):
            return False
    return False


def _may_leave(item):
    """Whether ``item`` may leave the loop holding it (a ``break`` in an if, outside loops of its own)."""
    return item.__class__ is ir.If and (item.breaks or any(map(_may_leave, item.body + item.orelse)))


def made(items):
    """The names the operations and loops of ``items`` give values (targets, loop variables, carried names)."""
    names = set()
    for op in ir.ops_in(items):
        names.add(op.target)
    for loop in ir.loops_in(items):
        if loop.var:
            names.add(loop.var)
        names.update(carried for carried, _ in loop.exits)
    return names


def _names(staged):
    names = set(staged.params)
    for op in ir.ops_in(staged.body):
        names.add(op.target)
    for loop in ir.loops_in(staged.body):
        if loop.var:
            names.add(loop.var)
        names.update(carried for carried, _ in loop.exits)  # (a loop's values, read after it by their names)
    return names


def _known(staged, walker, args, names):
    """``(static, tainted)``: the names (of ``names``) whose values the inputs' shapes decide (a shape,
    a count, a number the code writes, what those make), and those whose shapes the data may decide."""
    params = dict(zip(staged.params, args))
    tainted = {name for name, value in params.items() if isinstance(value, (list, tuple, dict))}
    tainted |= set(walker.counted) | set(walker.zero_starts) | walker.grown | set(walker.shapes.mixed)  # (a
    # list a path makes as long as it says, a number a loop may make an array, a 0-d array or a number)
    unsettled = _unsettled(staged)
    tainted |= unsettled & walker.containers  # (a list, a tuple or a dict each path fills: its items may have
    # a shape of their own on each, hs.append(a if c else b))
    static = names - set(staged.params) - unsettled - tainted
    assigned = {}
    for op in ir.ops_in(staged.body):
        assigned.setdefault(op.target, []).append(op)
    every_loop = list(ir.loops_in(staged.body))
    loops = [loop for loop in every_loop if loop.var]
    carries = [(carried, end.name) for loop in every_loop for carried, end in loop.exits  # (a carried name: its
               if end.__class__ is ir.Var]  # value before the loop, then the one each iteration ends with)
    iterated = {id(loop): _code_names(loop.iterable) & names for loop in loops}
    counted = {id(loop): source.names_past_sizes(loop.iterable) & names for loop in loops}  # (range(len(W)):
    # the names whose values, not shapes, give the items)
    changed = True
    while changed:  # (static shrinks and tainted grows, each reading the other, until neither changes)
        changed = False
        for name in sorted(static):
            if name in tainted or any(not source.is_size_read(op.source) and not (op.reads() & names) <= static
                                      for op in assigned.get(name, ())):
                static.discard(name)
                changed = True
        for loop in loops:
            if loop.var in static and not counted[id(loop)] <= static:
                static.discard(loop.var)
                changed = True
        for carried, end in carries:
            if carried in static and end not in static:
                static.discard(carried)
                changed = True
        for op in ir.ops_in(staged.body):
            if op.target in tainted:
                continue
            reads = op.reads() & names
            elementwise = _elementwise(op)
            if reads & tainted or op.rule == "call" or not elementwise and (
                    source.calls_any(op.source, _value_shaped) or
                    any(r in walker.integral and r not in static for r in reads)):
                tainted.add(op.target)
                changed = True
        for loop in loops:
            if loop.var not in tainted and iterated[id(loop)] & tainted:
                tainted.add(loop.var)
                changed = True
        for carried, end in carries:
            if carried not in tainted and end in tainted:
                tainted.add(carried)
                changed = True
    return static, tainted


def _unsettled(staged):
    """The names whose values the data's path decides: one given a value on several paths (an if's
    merge), or set in a ``while`` or a loop that breaks (as many iterations as the data says)."""
    defined = collections.Counter(op.target for op in ir.ops_in(staged.body))
    found = {name for name, count in defined.items() if count > 1}

    def walk(items, deciding):
        for item in items:
            kind = item.__class__
            if kind is ir.Op:
                if deciding:
                    found.add(item.target)
            elif kind is ir.If:
                walk(item.body, deciding)
                walk(item.orelse, deciding)
                if item.breaks:
                    found.update(carried for carried, _ in item.exits)
            else:
                deciding_here = deciding or item.kind == "while" or item.breaks
                walk(item.body, deciding_here)
                if deciding_here:
                    found.update(item.carried)
                    if item.var:
                        found.add(item.var)
    walk(staged.body, False)
    return found


def _elementwise(op):
    """Whether ``op``'s result has the broadcast shape of its operands whatever their values."""
    rule = RULES.get(op.rule)
    return rule is not None and (rule.broadcast or rule.signature == "x")


def _code_names(text):
    return set(source.code_names(text))
