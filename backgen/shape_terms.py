"""Shapes of shape-generic code propagated through the rules: where an operand has its result's shape
whatever the shapes the arrays are given.

Contract: ``Terms(staged, numbers)`` reads a staged forward written for arrays of every shape
(``Staged.shape_free``) and the names ``numbers`` that are numbers at every rank
(``reverse_flow.surely_numbers``).  ``same_shape(op, position)`` is True only where, at every
execution of ``op`` and for every shape of the arrays passed, the operand at ``position`` has the
shape of ``op``'s result: its gradient then needs no sum over broadcast axes (``_unbroadcast``).
``False`` claims nothing.

A term describes a shape as a frozenset of atoms whose shapes, broadcast together, give it (the
empty set: a number).  Atoms:

* ``("param", name)``: a parameter the code never binds again, its shape for the whole call;
* ``("read", id(op), k)``: what operand ``k`` of ``op`` holds as ``op`` reads it, where that name is
  bound by no operation here, or by more than one (a loop's carried value, a loop's variable, a
  name both branches of an ``if`` bind, a parameter bound again): its shape may change, so each
  read is an atom of its own, equal to no other;
* ``("within", term, id(op))``: a reduction that keeps its operand's axes (``keepdims=True``, of
  ``np.linalg.norm`` too) or sums along the first (``axis=0``: the trailing axes stay), of an
  operand of ``term``: of its own
  shape, which broadcasts into the operand's, so that a broadcast of both is the operand's (the
  atom is left out of a union holding ``term``);
* ``("made", id(op))``: the result of an operation whose rule neither keeps nor broadcasts its
  operands' shapes (another reduction, an index, a product of matrices).

A name bound once has the term of its one operation, in the atoms that operation read at its
latest run, which is the value the name holds.  The rules' statements of their results' shapes
(``rules.result_shapes``) give the terms: ``same`` the operand's, ``elementwise`` and Python's
operators the union of the operands' (broadcasting is associative, commutative and idempotent),
copies the operand's, a comparison of operands and numbers (``x > 0``) the union of the operands',
``number`` the empty set, ``a if c else b`` (``max``, ``min`` of two) the
two's where they are one; every other rule makes an atom.  A list's value (``staged.lists``)
is never an operand here: NumPy reads it as an array of another shape.
"""

from . import ir, source
from .rules import result_shapes

_KEEPS = {result_shapes.same}
_BROADCASTS = {result_shapes.elementwise, result_shapes.SHAPES["add"]}  # (``add`` and ``mul``: Python's)
_COPIES = {result_shapes.SHAPES["copy"], result_shapes.SHAPES["np.copy"]}
_EITHER = result_shapes.SHAPES["select"]
_NUMBER = result_shapes.number
_INERT = result_shapes.SHAPES["inert"]
_REDUCTION = result_shapes.reduction
_NORM = result_shapes.SHAPES["np.linalg.norm"]


def _joined(terms):
    """The term of the broadcast of ``terms``: their atoms together, less each ``within`` atom whose
    operand's term the others hold (a reduction keeping its operand's axes broadcasts into it)."""
    joined = frozenset().union(*terms)
    inside = [atom for atom in joined if atom[0] == "within"]
    for atom in inside:
        if atom[1] <= joined - {atom}:
            joined -= {atom}
    return joined


class Terms:
    """The terms of a staged forward's values (see the module's contract)."""

    def __init__(self, staged, numbers):
        self.staged, self.numbers = staged, numbers
        makers = {}
        for op in ir.ops_in(staged.body):
            makers[op.target] = makers.get(op.target, 0) + 1
        changing = {name for name, count in makers.items() if count > 1} | {
            name for name in staged.params if name in makers}
        for loop in ir.loops_in(staged.body):
            changing.update(loop.carried)
            changing.update(name.strip() for name in loop.var.split(",") if name.strip())
        self.changing = changing
        self.terms = {}
        for op in ir.ops_in(staged.body):  # (in the order written: a name bound once is read after it)
            if op.target not in changing:
                self.terms[op.target] = self.result(op)

    def read(self, op, position):
        """The term of operand ``position`` of ``op`` as ``op`` reads it."""
        atom = op.args[position]
        if atom.__class__ is ir.Const:
            return frozenset() if source.number_text(atom.source) is not None else \
                frozenset({("read", id(op), position)})
        name = atom.name
        if name in self.numbers:
            return frozenset()
        if name in self.changing or name in self.staged.lists:
            return frozenset({("read", id(op), position)})
        if name in self.staged.params:
            return frozenset({("param", name)})
        if name in self.terms:
            return self.terms[name]
        return frozenset({("read", id(op), position)})  # (bound later, or by nothing here)

    def result(self, op):
        """The term of ``op``'s result as it runs."""
        statement = result_shapes.SHAPES.get(op.rule)
        if statement is _NUMBER:
            return frozenset()
        made = frozenset({("made", id(op))})
        if not op.args or any(a.__class__ is ir.Var and a.name in self.staged.lists for a in op.args):
            return made
        if statement in _KEEPS or statement in _COPIES and len(op.args) == 1:
            return self.read(op, 0)
        if statement in _BROADCASTS:
            given = [k for k, a in enumerate(op.args) if not (a.__class__ is ir.Const and a.source == "None")]
            return _joined([self.read(op, k) for k in given])
        if statement is _INERT and result_shapes.compares_operands(source.expression(op.source), len(op.args)):
            return _joined([self.read(op, k) for k in range(len(op.args))])
        if len(op.args) == 1 and (statement is _REDUCTION and (
                op.param("keepdims") == "True" or op.param("axis") == "0" and op.param("keepdims") is None)
                or statement is _NORM and op.param("keepdims") == "True"):
            return frozenset({("within", self.read(op, 0), id(op))})
        if statement is _EITHER and len(op.args) >= 2:
            first, second = self.read(op, len(op.args) - 2), self.read(op, len(op.args) - 1)
            if first == second:
                return first
        return made

    def same_shape(self, op, position):
        """Whether operand ``position`` of ``op`` has the shape of ``op``'s result at every run and rank."""
        return self.read(op, position) == self.result(op)
