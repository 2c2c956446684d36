"""Which staged values are floats whatever numbers the parameters hold.

Contract: ``floats(staged, given=()) -> frozenset`` of the names of values
that are of floats even where the parameters are given integers
(``np.arange(3)``, a list ``[1, 2, 3]``): those of operations the rule table
marks as always giving floats (``/``, ``np.exp``, ``np.mean``...), of floats made in the function
(``np.zeros(3)``, ``x * 1.0``), and of operations that promote any operand of
floats to floats (``x @ W`` with ``W`` of floats).  A parameter may be given
integers, so it is none, but for those ``given`` floats (the decorator writes
its code for the kinds of numbers a call gives); a value made from integers
alone may be integers.

The backward allocates an adjoint it then writes parts of (``dx[i] += ...``)
with ``np.zeros_like(x)`` where ``x`` is of floats, and with
``np.zeros_like(x, dtype=float)`` elsewhere: zeros of an integer array would
truncate each part written into them.  Where this cannot tell, the value is
taken as one that may be integers (``dtype=float`` is then written needlessly,
never left out wrongly).
"""

import ast
import re

from . import ir
from .rules import RULES

# operations whose result may be of integers though an operand is of floats (the value written into
# an array takes the array's dtype; Python's max returns one of its operands as it is; a helper's
# result is its own), or that make what this does not follow (lists, tests)
OPAQUE = frozenset({"call", "inert", "max", "min", "list_max", "list_min", "list_sum", "list_make",
                    "list_append", "np.item"})
# operations choosing between their operands by a test (the first): the test's dtype is not the result's
CHOOSING = frozenset({"np.where", "np.select_if", "select"})
# constants of floats made in the function (np.zeros(3)), unless a dtype is given
MADE = re.compile(r"^(np|numpy)\.(zeros|ones|empty|eye|identity|linspace|random\.\w+)\(")
DTYPE = re.compile(r"(astype\(|dtype=)\s*(float\b|(np|numpy)\.float(16|32|64)?\b|['\"]float)")
NUMBERS = frozenset({"np.pi", "np.e", "np.inf", "np.nan", "math.pi", "math.e", "math.tau", "math.inf",
                     "math.nan"})


def floats(staged, given=()):
    """The names of ``staged``'s values that are of floats whatever the parameters hold, where the
    parameters ``given`` hold floats (the decorator's code is for the kinds of numbers it is given)."""
    definitions = {name: [ir.Const("1.0")] for name in given}  # name -> what gives it a value: the
    for item in _items(staged.body):  # operations, each loop's exits, the values given
        if item.__class__ is ir.Op:
            definitions.setdefault(item.target, []).append(item)
        else:  # a loop: its carried values are also what each iteration ends with
            for carried, value in item.exits:
                definitions.setdefault(carried, []).append(value)
            if item.var:
                definitions.setdefault(item.var, []).append(None)  # (a loop variable: taken as integers)
    found = set()
    changed = True
    while changed:  # (a loop's carried value is of floats where what it starts and ends with is)
        changed = False
        for name, values in definitions.items():
            if name not in found and all(_of_floats(value, found) for value in values):
                found.add(name)
                changed = True
    return frozenset(found)


def _items(items):
    for item in items:
        kind = item.__class__
        if kind is ir.Op:
            yield item
        elif kind is ir.If:
            if item.exits:  # (the values carried out of a loop the branch ends)
                yield ir.Loop("while", "", "", "", (), item.exits)
            yield from _items(item.body)
            yield from _items(item.orelse)
        elif kind is ir.Loop:
            yield item
            yield from _items(item.body)


def _of_floats(value, found):
    if value is None:
        return False
    if value.__class__ is ir.Var:
        return value.name in found
    if value.__class__ is ir.Const:
        return _float_constant(value.source)
    op = value
    rule = RULES.get(op.rule)
    if rule is not None and rule.floats:  # (/, np.exp, np.mean: floats whatever they are given)
        return True
    if op.rule in OPAQUE:
        return False
    if "astype(" in op.source or "dtype" in op.source:  # x.astype(float), np.sum(x, dtype=np.float32):
        return bool(DTYPE.search(op.source))             # floats; of another dtype, not
    if op.rule == "setitem":  # a copy of the array written into, of its dtype
        return bool(op.args) and _of_floats(op.args[0], found)
    if op.rule in CHOOSING:
        return any(_of_floats(arg, found) for arg in op.args[1:])
    return any(_of_floats(arg, found) for arg in op.args)  # promoted: one operand of floats is enough


def _float_constant(text):
    if text in NUMBERS:
        return True
    if MADE.match(text):
        return "dtype" not in text
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return isinstance(value, float) and not isinstance(value, bool)
