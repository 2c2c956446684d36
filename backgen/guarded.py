"""The branch np.where leaves out: its gradient kept at zero where it is not taken.

Contract: ``guarded(staged) -> {id(op): (condition, taken)}`` for each operation
of ``staged`` whose every contribution to its operands' adjoints is to be
written ``np.where(condition, text, 0)`` (``taken`` True: the branch the
condition selects, ``np.where(c, a, b)``'s ``a``) or ``np.where(condition, 0,
text)`` (``taken`` False: ``b``).

``np.where(p != 0, p * np.log(p / q), 0)``: where ``p`` is 0 the left-out
branch holds ``0 * log(0)``, nan, and so do the chain rule's products there
(``dquot = dlogquot / quot`` is ``0 / 0``), although the output does not depend
on those entries at all: their true gradient is 0.  The same with the stable
sigmoid ``np.where(z >= 0, 1 / (1 + np.exp(-z)), ...)`` (``exp(-z)`` overflows
where ``z`` is very negative).  An operation belongs to a branch's region when
it is elementwise, runs once in the block of the ``np.where`` (the function's
own lines, a branch of an if, or a loop's body: once per iteration, its adjoint
lines in that iteration), its value set nowhere else, and its value is read by
the region alone (by the ``np.where`` as that branch, or by operations of the
region); the entries of such a value where the condition leaves the branch out
reach the output nowhere, so writing 0 there for the operation's contributions
is exact.  Its contribution texts have the operation's shape, into which the
condition must broadcast (the condition is then the same along every axis the
value is broadcast along): the reverse pass checks that on the shapes where
they are known and writes ``_where_taken`` (checking it as it runs) where they
are not.  ``np.nan_to_num(t)`` leaves out the entries of ``t`` that are not
finite as ``np.where(np.isfinite(t), t, ...)`` does (its condition the text
``np.isfinite(t)``), and ``np.nansum(t)`` (``nanmean``, ``nanmax``, ``nanmin``,
``nanvar``, ``nanstd``) those that are nan (``~np.isnan(t)``): ``t``'s region is
guarded so too (``w / 0`` made 1.0, ``np.log`` of a negative number left out of
a sum).  Only branches whose region computes a value that may be infinite
or nan, or reads one (a division, a logarithm, a square root, a power, an
exponential...), are written so: elsewhere the products are finite and the
code stays as it was.  A nan function's region is guarded too where it holds a
product or another operation whose contributions read its operands (the nans
may be the data's: ``np.nanmean(np.square(R - U @ V.T))`` with ``R`` holding
nan where a rating is missing), not where it only adds and subtracts.  A value several nan functions
read (``z = X * w``, then ``np.nanmean(z ** 2) - np.nanmean(z) ** 2``), each read keeping its nans up to
one, has its operation's contributions written 0 where it is nan (``~np.isnan(z)``).

``zero_guarded(staged)`` gives the ids of the singular operations whose upstream
gradient may be 0 where their derivative is infinite, and of the products that read
a value holding an infinity the function writes (``np.fill_diagonal(dist, np.inf)``,
then ``-beta * dist``: its slope in ``beta`` infinite where its upstream is 0): their
contributions are written ``np.where(g != 0, text, 0)``, or, for numbers (plain Python, ``math``
in NumPy code: ``scalar_zero_guarded``), ``text if g else 0.0``.  Not where nothing can be
infinite: a quotient by a number positive on every run (a size of an array, a positive constant,
their roots and products: ``s / np.sqrt(D)``), a whole power (``x ** 2``), and a softmax written the
stable way (exps of ``x - np.max(x, axis=k, keepdims=True)``, at most 1, divided by their sums along
``k``, at least 1): those are written as a person writes them.

``clamp_guarded(staged)`` gives the singular operations whose operand is a value clamped by constants
(``math.acos(max(-1.0, min(1.0, c)))``, ``np.arccos(np.clip(c, -1.0, 1.0))``), with the condition under
which every clamp passes the value on: their contributions are written ``text if condition else 0.0``
(``np.where(condition, text, 0)``), the slope being infinite where a clamp holds and the gradient reaching
the value 0 there.
"""

import ast
import functools
import math
import re
import warnings

import numpy as np

from . import ir, source
from .source import names_in as source_names, number_text

# Operations whose backward leaves zeros in an operand's adjoint where the value does not reach the
# output (a part written over, left out by a selection or a triangle, clipped, not the extreme, an entry
# at -inf of an exponential or a logsumexp: a soft minimum over a table filled with np.inf, whose
# exponential underflows to 0 there).
ZEROING = frozenset({"setitem", "getitem", "np.triu", "np.tril", "np.where", "np.maximum", "np.minimum",
                     "np.clip", "np.max", "np.min", "np.fmax", "np.fmin", "np.diagonal", "np.trace",
                     "np.logsumexp", "np.exp", "math.exp"})

# Elementwise operations: each entry of the value depends on the same entry (after broadcasting) of
# each operand only.
ELEMENTWISE = frozenset({
    "add", "sub", "mul", "div", "pow", "neg", "abs", "square", "copy", "sigmoid", "np.sigmoid",
    "np.abs", "np.add", "np.arccos", "np.arccosh", "np.arcsin", "np.arcsinh", "np.arctan", "np.arctan2",
    "np.arctanh", "np.cbrt", "np.copy", "np.cos", "np.cosh", "np.divide", "np.exp", "np.exp2", "np.expm1",
    "np.fabs", "np.float_power", "np.hypot", "np.log", "np.log10", "np.log1p", "np.log2", "np.logaddexp",
    "np.logaddexp2", "np.maximum", "np.minimum", "np.multiply", "np.negative", "np.positive", "np.power",
    "np.reciprocal", "np.sin", "np.sinh", "np.sqrt", "np.square", "np.subtract", "np.tan", "np.tanh",
    "np._erf", "np._erfc", "np._j0", "np._j1", "np._bessel_i1", "np._log_ndtr", "np._ndtri", "np._gammaln", "np._digammas", "np._xlogy", "np._xlog1py", "np.deg2rad", "np.rad2deg"})

# Elementwise operations whose value, or derivative, may be infinite or nan at finite operands.
SINGULAR = frozenset({
    "div", "pow", "np.divide", "np.reciprocal", "np.power", "np.float_power", "np.log", "np.log10", "np.log1p",
    "np.log2", "np.sqrt", "np.cbrt", "np.exp", "np.exp2", "np.expm1", "np.arccos", "np.arccosh", "np.arcsin",
    "np.arctanh", "np.tan", "np.cosh", "np.sinh", "np._ndtri", "np._gammaln", "np._digammas", "np._xlogy", "np._xlog1py", "np.hypot", "np.arctan2"})


# NumPy functions that leave out the entries of their operand that are not numbers (nan), or not finite: the
# condition, of the operand t, under which an entry is taken
_FINITE_TESTS = {"np.nan_to_num": "{np}.isfinite({t})"}
_FINITE_TESTS.update({f"np.{name}": "~{np}.isnan({t})" for name in (
    "nansum", "nanmean", "nanmax", "nanmin", "nanvar", "nanstd")})


# Elementwise operations whose contributions to their operands are the upstream gradient itself (or its
# negative): a nan in an operand enters none of them.  Any other operation of the region of an entry a nan
# function leaves out (np.square(R - U @ V.T), R holding nans) multiplies its upstream 0 there by a nan.
_PASSING = frozenset({"add", "sub", "neg", "copy", "np.add", "np.subtract", "np.negative", "np.positive",
                      "np.copy"})


def guarded(staged):
    if staged.mode != "numpy":
        return {}
    uses = _uses(staged, gradient_only=True)
    found = {}
    np_name = staged.modules.get("np", "np")
    counts = {}
    for op in ir.ops_in(staged.body):
        counts[op.target] = counts.get(op.target, 0) + 1
    for nested, block in _blocks(staged.body):  # (the function's own lines, and each branch of an if: each
        # line runs once; a branch's region is its own lines, whose adjoint lines run where it ran)
        top = [item for item in block if isinstance(item, ir.Op)]
        defined = {op.target: op for op in top if not nested or counts[op.target] == 1}
        _guard_block(top, defined, uses, np_name, found)
        _guard_shared(top, {n: op for n, op in defined.items() if counts[n] == 1}, uses, np_name, found)
    return found


def _blocks(items, nested=False):
    """``(nested, items)`` for the function's body and, within it, each branch of an ``if`` and each
    loop's body (whose lines run once per iteration, the adjoint lines of each in its iteration)."""
    yield nested, items
    for item in items:
        if isinstance(item, ir.If):
            yield from _blocks(item.body, True)
            yield from _blocks(item.orelse, True)
        elif isinstance(item, ir.Loop):
            yield from _blocks(item.body, True)


def _guard_block(top, defined, uses, np_name, found):
    """Add to ``found`` the guards of the branches left out in one block's lines ``top``."""
    for op in top:  # np.nan_to_num(t), np.nansum(t): the entries of t that are not numbers (or not finite)
        # reach the output nowhere, as the branch np.where(np.isfinite(t), t, 0) leaves out
        test = _FINITE_TESTS.get(op.rule)
        if test is None or not op.args or not isinstance(op.args[0], ir.Var) or \
                any(isinstance(a, ir.Var) for a in op.args[1:]):
            continue
        branch = op.args[0]
        condition = test.format(np=np_name, t=branch.name)
        ops = [defined[name] for name in _region(branch.name, op, defined, uses)]
        if _singular(ops, defined) or any(o.rule not in _PASSING for o in ops):
            for o in ops:
                found.setdefault(id(o), (condition, True))
        for o in _branch_regions(branch.name, op, defined, uses):
            found.setdefault(id(o), (condition, True))
    for where in top:
        if where.rule != "np.where" or len(where.args) != 3 or not isinstance(where.args[0], ir.Var):
            continue
        condition = where.args[0].name
        for taken, branch in ((True, where.args[1]), (False, where.args[2])):
            if not isinstance(branch, ir.Var) or sum(a == branch for a in where.args) != 1:
                continue
            ops = [defined[name] for name in _region(branch.name, where, defined, uses)]
            if _singular(ops, defined):
                for op in ops:
                    found.setdefault(id(op), (condition, taken))


# Elementwise operations whose value is nan wherever an operand is (not a power: 1 ** nan is 1, nan ** 0 is 1)
_KEEPS_NAN = ELEMENTWISE - {"pow", "np.power", "np.float_power", "np.hypot"}


def _guard_shared(top, defined, uses, np_name, found):
    """Add to ``found`` the guards of the values the nan functions leave out together: a value read by
    several of them, or by one and by the operations of another's region (``z = X * w``, then
    ``np.nanmean(z ** 2) - np.nanmean(z) ** 2``), each read keeping its nans up to a nan function, which
    leaves them out.  Where the value is nan its entries reach the output nowhere, so its operation's
    contributions are written 0 there (``~np.isnan(z)``); no single region holds it, read twice."""
    tests = set(_FINITE_TESTS)
    readers = {}
    for op in top:
        for arg in op.args if op.rule != "inert" else ():  # (a mask, np.isnan(z): no gradient flows)
            if isinstance(arg, ir.Var):
                readers.setdefault(arg.name, []).append(op)
    left_out = set()  # the values whose nan entries reach the output nowhere
    for op in reversed(top):
        name = op.target
        if defined.get(name) is not op or op.rule not in ELEMENTWISE or name in left_out:
            continue
        reads = readers.get(name, [])
        if not reads or uses.get(name, 0) != sum(a == ir.Var(name) for r in reads for a in r.args):
            continue
        if not all(r.rule in tests and r.args[0] == ir.Var(name) and sum(a == ir.Var(name) for a in r.args) == 1
                   or r.target in left_out and _keeps_nan(r, name) for r in reads):
            continue
        guard = found.get(id(op))
        if guard is not None and not guard[0].startswith((f"~{np_name}.isnan(", f"{np_name}.isfinite(")):
            continue  # (an np.where's guard, which keeps other entries)
        left_out.add(name)
        if guard is None and op.rule not in _PASSING:
            found[id(op)] = (f"~{np_name}.isnan({name})", True)


def _keeps_nan(op, name):
    """Whether ``op``'s value is nan wherever its operand ``name`` is (a power: of that base, to a number
    written out other than 0, or of a number written out other than 1 to that exponent)."""
    if op.rule in _KEEPS_NAN:
        return True
    if op.rule not in ("pow", "np.power", "np.float_power") or len(op.args) != 2:
        return False
    for k, never in ((0, ("0", "0.0")), (1, ("1", "1.0"))):
        other = op.args[1 - k]
        if op.args[k] == ir.Var(name) and isinstance(other, ir.Const) and other.source.strip() not in never:
            return True
    return False


_DIVISIONS = frozenset({"div", "np.divide"})

# A size of an array (``x.shape[1]``, ``len(x)``, ``x.size``; ``x.shape`` a tuple of them); a zero one is
# that of an empty array, where there is nothing to guard
_SIZE = re.compile(r"\s*(?:\w+\.shape(?:\[-?\d+\])?|len\(\w+\)|\w+\.size|np\.(?:shape|size)\(\w+\))\s*$")

# Operations whose value is positive where their operands are
_KEEPS_POSITIVE = frozenset({"add", "mul", "div", "np.add", "np.multiply", "np.divide", "np.sqrt", "math.sqrt",
                             "np.copy", "np.exp", "math.exp"})


def _set_once(ops):
    """``{name: op}`` of the names one of ``ops`` sets and no other."""
    defined = {}
    for op in ops:
        defined.setdefault(op.target, []).append(op)
    return {name: found[0] for name, found in defined.items() if len(found) == 1}


def _positive_numbers(staged, once):
    """The names of ``staged`` that hold a positive number on every run: set once (``once``, of
    ``_set_once``), from sizes of arrays and positive constants by operations that keep them positive
    (``np.sqrt(x.shape[1])``, ``N * 2.0``, ``float(D)``, ``len(x) ** 0.5``)."""
    positive, changed = set(), True
    while changed:
        changed = False
        for name, op in once.items():
            if name in positive:
                continue
            if op.rule == "inert" and _SIZE.match(op.source) or \
                    op.rule == "getitem" and _positive(op.args[0], positive, staged) and \
                    re.fullmatch(r"-?\d+", dict(op.params).get("index", "")) or \
                    op.rule in _KEEPS_POSITIVE and all(_positive(a, positive, staged) for a in op.args) or \
                    op.rule in ("pow", "np.power") and _positive(op.args[0], positive, staged) and \
                    number_text(str(op.args[1])) is not None:
                positive.add(name)
                changed = True
    return positive


def _whole_power(atom):
    """Whether ``atom`` is an exponent written as a number that is 0 or a positive whole number (2, 3.0):
    ``x ** n`` is then a polynomial in x, its derivative finite wherever x is."""
    value = number_text(atom.source) if isinstance(atom, ir.Const) else None
    return value is not None and not isinstance(value, bool) and value >= 0 and float(value).is_integer()


def _softmax_parts(ops, once):
    """The values of a softmax written the stable way, each set once (``once``): ``shifted``, values at most 0
    (``d = x - np.max(x, axis=k, keepdims=True)``, or ``x - x.max()``); ``units``, values in [0, 1]
    (``p = np.exp(d)``, and ``p / s``); ``sums``, at least 1 (``s = np.sum(p, axis=k, keepdims=True)``,
    along the axis of the max: one of the exps summed is exp(0)).  As atoms (``ir.Var``)."""

    def axis_of(op):  # the reduction's axis and keepdims, None where it is not a max or sum of all or kept
        params = dict(op.params)
        axis, keep = params.get("axis", "None"), params.get("keepdims", "False")
        return axis if axis == "None" or keep == "True" else None

    def same(a, b):  # one value: one name, or two reads of it (x[i] - np.max(x[i]))
        if a == b:
            return True
        first, second = (once.get(v.name) if isinstance(v, ir.Var) else None for v in (a, b))
        return first is not None and second is not None and first.rule in ("getitem", "np.copy") and \
            (first.rule, first.args, first.params) == (second.rule, second.args, second.params)

    shifted, units, sums, axes = set(), set(), set(), {}
    for op in ops:
        if op.target not in once:
            continue
        args = op.args
        if op.rule == "sub" and isinstance(args[1], ir.Var) and args[1].name in once:
            peak = once[args[1].name]
            if peak.rule == "np.max" and len(peak.args) == 1 and same(peak.args[0], args[0]) and axis_of(peak):
                shifted.add(ir.Var(op.target))
                axes[op.target] = axis_of(peak)
        elif op.rule == "np.exp" and args[0] in shifted:
            units.add(ir.Var(op.target))
            axes[op.target] = axes[args[0].name]
        elif op.rule == "np.sum" and len(args) == 1 and args[0] in units and args[0].name in axes and \
                axis_of(op) == axes[args[0].name]:
            sums.add(ir.Var(op.target))
        elif op.rule in _DIVISIONS and args[0] in units and args[1] in sums:
            units.add(ir.Var(op.target))
        elif op.rule == "setitem" and dict(op.params).get("index") == "..." and args[1] in units and \
                args[1].name in axes:  # (np.exp(s, out=s): s written whole with its exps)
            units.add(ir.Var(op.target))
            axes[op.target] = axes[args[1].name]
    return shifted, units, sums


def _positive(atom, positive, staged):
    """Whether ``atom`` is a positive number on every run: one of ``positive`` or a constant (``2.0``,
    ``math.sqrt(3)``, ``np.pi``)."""
    if isinstance(atom, ir.Var):
        return atom.name in positive
    value = number_text(atom.source)
    if value is None:
        namespace = {staged.modules.get("np", "np"): np, staged.modules.get("math", "math"): math}
        if not source_names(atom.source) <= set(namespace):
            return False
        try:
            value = eval(atom.source, {"__builtins__": {}}, namespace)
        except Exception:
            return False
    return isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool) and value > 0


# Operations that rearrange a value's entries without computing (a transpose, a reshape): a zero left
# in the rearranged value's gradient is a zero in the value's.
_ARRANGING = frozenset({"np.transpose", "np.reshape", "np.ravel", "np.squeeze", "np.expand_dims", "np.swapaxes",
                        "np.moveaxis", "np.astype", "np.broadcast_to", "np.atleast_2d"})


def zero_guarded(staged):
    """The ids of the operations of ``staged`` (NumPy code) whose contributions are to be written
    ``np.where(g != 0, text, 0)``: singular ones (``SINGULAR``: a square root, a division, a
    logarithm) whose value reaches, through elementwise operations, one that leaves zeros in its
    operand's gradient (``ZEROING``).  There the zero meets the infinite derivative of the value
    where it was not taken (the distance of a point to itself, a diagonal then written over or left
    out by ``np.triu``; the inf of a soft-DTW table's border divided by gamma, then exponentiated:
    ``np.exp(-inf)`` is 0), ``0 * inf`` is nan, and the true gradient is 0 (the output does not depend
    on that entry); a contribution whose upstream is not 0 is the same text.  So too the products that
    read an infinity the function writes (``_infinite_products``).  In plain Python
    (``scalar_zero_guarded``) the contributions are written ``text if g else 0.0``."""
    if staged.mode != "numpy":
        return scalar_zero_guarded(staged)
    numbers = scalar_zero_guarded(staged, numbers_only=True)  # math.sqrt(s) of a number in NumPy code
    ops = list(ir.ops_in(staged.body))
    written = _infinite_products(staged)
    if not any(op.rule in SINGULAR for op in ops):
        return numbers | written  # (most functions: nothing to guard, no readers to list)
    readers = {}
    for op in ops:
        for arg in op.args:
            if isinstance(arg, ir.Var):
                readers.setdefault(arg.name, []).append(op)
    found = set(written)
    once = _set_once(ops)
    positive = _positive_numbers(staged, once)
    shifted, units, sums = _softmax_parts(ops, once)
    for op in ops:
        if op.rule not in SINGULAR or op.rule in _DIVISIONS and _positive(op.args[1], positive, staged):
            continue  # (x / D, x / 2.0, x / np.sqrt(d): a quotient by such a number is finite everywhere)
        if op.rule in ("pow", "np.power") and _whole_power(op.args[1]):
            continue  # (x ** 2: its derivative, 2 * x, is finite wherever x is)
        if op.rule == "np.exp" and op.args[0] in shifted or \
                op.rule in _DIVISIONS and op.args[0] in units and op.args[1] in sums:
            continue  # (a stable softmax: exps of at most 1, divided by their sums, at least 1)
        seen, todo = set(), [op.target]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for reader in readers.get(name, ()):
                if reader.rule in ZEROING:
                    found.add(id(op))
                    todo = []
                    break
                if reader.rule in ELEMENTWISE or reader.rule in _ARRANGING:
                    todo.append(reader.target)
    return frozenset(found) | numbers


# Operations through which an infinity written into a value (np.fill_diagonal(dist, np.inf)) may reach
# the value they compute (joins too: np.stack([alpha, shifted]) of a table filled with -np.inf)
_CARRY_INFINITY = ELEMENTWISE | _ARRANGING | {"setitem", "getitem", "np.where", "np.select_if", "np.stack",
                                              "np.concatenate", "np.hstack", "np.vstack", "np.column_stack",
                                              "np.dstack", "np.flip", "np.roll", "np.tile", "np.repeat",
                                              "list_make", "list_append"}

# Sums in log space, whose slope in an operand, np.exp(a - out), is nan where every term is -inf (a cell of
# a CTC or forward-algorithm table no path reaches): the upstream gradient is 0 there
_LOG_SUMS = frozenset({"np.logaddexp", "np.logaddexp2", "np.logsumexp"})

# Products whose contribution to one operand is the other operand (or a multiple of the base) times the
# upstream gradient
_PRODUCTS = frozenset({"mul", "np.multiply", "pow", "np.power", "square", "np.square"})


def _holding_infinity(staged):
    """The names the operations of ``staged`` set to a value which may hold an infinity the code writes
    (``np.fill_diagonal(dist, np.inf)``, ``np.where(eye, np.inf, r)``, a constant it computes holding one,
    ``np.log(np.array([0.5, 0.5, 0.0]))``, a helper's result holding one: its call marked ``infinite`` by
    ``program``, ``outputs_may_hold_infinity``), carried through elementwise operations, selections, writes
    and the values loops carry (``for i in range(n): r[i, i] = np.inf``); the module's numbers the code reads
    by name count (``INF = np.inf``, whose text is ``1e999``), and a helper's parameters its callers may pass
    such a value (``Staged.infinite_params``) are among the names."""
    named = {name for name, text in staged.constants if number_text(text) in (math.inf, -math.inf)}
    modules = tuple(sorted(staged.modules.items()))
    ops = list(ir.ops_in(staged.body))
    exits = [pair for loop in ir.loops_in(staged.body) for pair in loop.exits]
    infinite, size = set(staged.infinite_params), -1
    while len(infinite) != size:  # (a loop's carried name reads what its body made of it)
        size = len(infinite)
        for op in ops:
            args = [a for k, a in enumerate(op.args) if not _finite_there(op, k)]
            if any(_infinite_constant(arg, named, modules) for arg in args) or \
                    op.rule == "call" and op.param("infinite") == "1" or \
                    op.rule in _CARRY_INFINITY and any(isinstance(a, ir.Var) and a.name in infinite for a in args):
                infinite.add(op.target)
        infinite.update(name for name, atom in exits if isinstance(atom, ir.Var) and atom.name in infinite)
    return infinite


def _infinite_constant(atom, named, modules):
    """Whether ``atom`` is a constant that may hold an infinity (``np.inf``, ``INF`` of ``named``, the module's
    numbers by name that are infinite, ``np.log(np.array([0.5, 0.0]))``)."""
    return atom.__class__ is ir.Const and bool(
        _INFINITE.search(atom.source) or atom.source in named or named and _reads_named(atom.source, named) or
        "e" in atom.source and number_text(atom.source) in (math.inf, -math.inf) or
        "(" in atom.source and _computes_infinity(atom.source, modules))


@functools.lru_cache(maxsize=4096)
def _computes_infinity(text, modules):
    """Whether the constant expression ``text`` (of the modules ``modules``, ``(kind, name)`` pairs: ``np``
    for NumPy, ``math``) computes a value holding an infinity (``np.log(np.array([0.5, 0.0]))``); False
    where it reads anything else or cannot be computed here."""
    namespace = {name: {"np": np, "math": math}.get(kind) for kind, name in modules}
    if None in namespace.values() or not source_names(text) <= set(namespace):
        return False
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = eval(compile(text, "<constant>", "eval"), {"__builtins__": {}}, namespace)  # noqa: S307
        value = np.asarray(value)
        return value.dtype.kind in "fc" and bool(np.isinf(value).any())
    except Exception:  # noqa: BLE001  (a constant NumPy refuses here: nothing to guard by it)
        return False


def _reads_named(text, named):
    """Whether the constant expression ``text`` reads one of the names ``named`` (np.full(n, LOG_ZERO))."""
    return any(re.search(rf"\b{re.escape(name)}\b", text) for name in named)


def _finite_there(op, position):
    """Whether an infinity in ``op``'s operand at ``position`` gives a finite value of ``op``: a divisor
    (``1.0 / r``: 0), or the base of a power to a negative number (``r ** -6``: 0)."""
    if len(op.args) != 2:
        return False
    if op.rule in _DIVISIONS:
        return position == 1 and op.args[0] != op.args[1]
    if op.rule in ("pow", "np.power") and position == 0:
        exponent = number_text(op.args[1].source) if isinstance(op.args[1], ir.Const) else None
        return exponent is not None and not isinstance(exponent, bool) and exponent < 0
    return False


def outputs_may_hold_infinity(staged):
    """Whether a result of ``staged`` (a helper's) may hold an infinity it writes (``_holding_infinity``)."""
    infinite = _holding_infinity(staged)
    return any(isinstance(out, ir.Var) and out.name in infinite for out in staged.outputs)


def names_holding_infinity(staged):
    """The names of ``staged`` that may hold an infinity its code writes or its callers pass it
    (``_holding_infinity``): ``program`` marks the parameters of a helper called with one of them."""
    return _holding_infinity(staged)


def _infinite_products(staged):
    """The ids of the products of ``staged`` (NumPy code) that read a value which may hold an infinity the
    code writes (``_holding_infinity``), and of the singular operations that do (``np.exp`` of it: infinite,
    its slope too): ``-beta * dist`` has the slope ``dist``, infinite on the diagonal, in ``beta``, where
    ``np.exp`` of it is 0 and so is its upstream gradient; ``inf * 0`` is nan there, and the true gradient
    is 0 (the output does not depend on beta through that entry).  So too the sums in log space that read
    one (``np.logaddexp(alpha[s], alpha[s - 1])`` of a table filled with -np.inf: 0 * nan where both are)."""
    infinite = _holding_infinity(staged)
    modules = tuple(sorted(staged.modules.items()))
    return frozenset(id(op) for op in ir.ops_in(staged.body) if (op.rule in _PRODUCTS or op.rule in SINGULAR or
                                                                 op.rule in _LOG_SUMS) and
                     any(isinstance(a, ir.Var) and a.name in infinite or
                         a.__class__ is ir.Const and "(" in a.source and _computes_infinity(a.source, modules)
                         for a in op.args))


def _branch_regions(name, reader, defined, uses):
    """The operations of the branches of an ``np.where`` whose value ``name`` only ``reader`` (a nan
    function) reads, to be guarded by the nan function's condition: a branch's entries where the value is
    nan reach the output nowhere (``np.nanmean(np.where(a <= d, 0.5 * e ** 2, d * (a - 0.5 * d)))``, ``e``
    holding the data's nans).  Not a branch whose region the ``np.where`` guards itself (one computing a
    value that may be infinite): that guard keeps the entries the condition leaves out."""
    where = defined.get(name)
    if where is None or where.rule != "np.where" or len(where.args) != 3 or uses.get(name, 0) != 1:
        return []
    ops = []
    for branch in where.args[1:]:
        if not isinstance(branch, ir.Var) or sum(a == branch for a in where.args) != 1:
            continue
        region = [defined[n] for n in _region(branch.name, where, defined, uses)]
        if _singular(region, defined):
            continue
        if any(o.rule not in _PASSING for o in region):
            ops.extend(region)
    return ops


def _singular(ops, defined):
    """Whether the operations ``ops`` compute, or read, a value that may be infinite or nan (``SINGULAR``:
    a division, a logarithm, a square root...)."""
    return any(o.rule in SINGULAR for o in ops) or any(
        isinstance(a, ir.Var) and defined.get(a.name) is not None and defined[a.name].rule in SINGULAR
        for o in ops for a in o.args)


def _region(branch, where, defined, uses):
    """The values only the branch ``branch`` of ``where`` reads, computed by elementwise operations
    that run once, from the branch back."""
    region, todo = [], [branch]
    readers = {branch: [where]}
    while todo:
        name = todo.pop()
        op = defined.get(name)
        if op is None or op.rule not in ELEMENTWISE or name in region:
            continue
        if uses.get(name, 0) != len(readers.get(name, ())):  # read elsewhere too
            continue
        region.append(name)
        for arg in op.args:
            if isinstance(arg, ir.Var) and arg.name != name:
                readers.setdefault(arg.name, []).append(op)
                todo.append(arg.name)
    return region


def _uses(staged, gradient_only=False):
    """How many times each value is read: by operations (anywhere), as an output, as a loop's exit,
    in a test (an if's, a while's, a loop's iterable: counted as many uses, never matched).  With
    ``gradient_only``, reads by operations no gradient flows through (``np.isnan(t)``, ``t > 0``: masks,
    shapes) are not counted: the entries of ``t`` reach the output through them nowhere as a gradient
    does (``np.where(np.isnan(t), 0.0, t)`` leaves out ``t``'s nan entries all the same)."""
    uses = {}

    def add(name, n=1):
        uses[name] = uses.get(name, 0) + n
    for op in ir.ops_in(staged.body):
        if gradient_only and op.rule == "inert":
            continue
        for arg in op.args:
            if isinstance(arg, ir.Var):
                add(arg.name)
    for atom in staged.outputs:
        if isinstance(atom, ir.Var):
            add(atom.name)
    texts = []
    for item in _items(staged.body):
        if isinstance(item, ir.Loop):
            texts += [item.iterable, item.test]
            for _, value in item.exits:
                if isinstance(value, ir.Var):
                    add(value.name)
        elif isinstance(item, ir.If):
            texts.append(item.test)
            for _, value in item.exits:
                if isinstance(value, ir.Var):
                    add(value.name)
    for text in texts:
        for name in source.line_names(text) if text else ():
            add(name, 1000)
    return uses


def _items(items):
    for item in items:
        yield item
        if isinstance(item, ir.Loop):
            yield from _items(item.body)
        elif isinstance(item, ir.If):
            yield from _items(item.body)
            yield from _items(item.orelse)


# Plain Python's operations whose derivative's formula fails (a division by zero, 0 raised to a
# negative power, a nan) at operands where the value itself is finite: a root at 0, asin and acos
# at 1 or -1, acosh at 1, atan2 at (0, 0), a power at a base of 0 (its exponent below 1) or of a
# negative base (the exponent's slope).
SCALAR_SINGULAR = frozenset({"math.sqrt", "math.cbrt", "math.asin", "math.acos", "math.acosh", "math.atan2",
                             "pow", "math.pow", "builtins.pow"})

# Plain Python's operations giving an operand a gradient of 0 where it does not reach the output; where
# the function writes an infinity (``math.inf``), a division too is singular (of that infinity: its
# slope in the divisor is infinite) and ``math.exp`` zeroing (its value at -inf is 0).
SCALAR_ZEROING = frozenset({"max", "min", "select", "setitem", "getitem"})
_INFINITE = re.compile(r"\binf\b|'inf'|\"inf\"|\binfinity\b", re.IGNORECASE)


def scalar_zero_guarded(staged, numbers_only=False):
    """The ids of the operations of ``staged`` (plain Python; with ``numbers_only``, NumPy code's
    operations of ``math``, on numbers) whose contributions are to be written ``text if g else
    0.0``: singular ones (``SCALAR_SINGULAR``) whose value reaches, through any
    operations and the values loops carry, one that may leave its gradient 0 (``SCALAR_ZEROING``:
    ``max``, a conditional expression; a loop writing over it) or one in an ``if`` or a loop that the
    singular one is not in
    (``t = math.sqrt(y)``, then ``if x > 0: return x + t``: where the other branch is taken the
    gradient of ``t`` is 0).  There, at ``y = 0``, the formula ``0.5 / t * 0`` divides by zero while
    the true gradient is 0.  In plain Python that writes an infinity, a division is singular too and
    ``math.exp`` zeroing (``math.exp(-(r - lo) / gamma)`` of ``r = math.inf``: 0, and ``inf * 0`` its
    gradient in gamma)."""
    ops = list(ir.ops_in(staged.body))
    singular = SCALAR_SINGULAR - {"pow"} if numbers_only else SCALAR_SINGULAR  # (x ** 0.5 of an array: np.where)
    zeroing = SCALAR_ZEROING | ZEROING | {"np.select_if"} if numbers_only else SCALAR_ZEROING
    named = {name for name, text in staged.constants if number_text(text) in (math.inf, -math.inf)}
    if not numbers_only and (staged.infinite_params or any(
            atom.__class__ is ir.Const and (_INFINITE.search(atom.source) or atom.source in named
                                            or number_text(atom.source) in (math.inf, -math.inf))
            for op in ops for atom in op.args)):  # (r = math.inf, then -(r - lo) / gamma, or r a parameter its
        # callers may pass an infinity, a table's border filled with np.inf read by softmin(r0, r1, r2, gamma):
        singular, zeroing = singular | {"div"}, zeroing | {"math.exp"}  # its quotient's slope in gamma infinite
        # where math.exp of it is 0, and so the gradient through it: a soft minimum started at infinity)
    if not any(op.rule in singular and _may_be_singular(op) for op in ops):
        return frozenset()
    placed, readers = {}, {}  # readers: name -> [(the name read into, where, whether it may zero)]
    carried = {}  # id(loop) -> the names it carries

    def walk(items, context):
        for item in items:
            kind = item.__class__
            if kind is ir.Op:
                placed[id(item)] = context
                for arg in item.args:
                    if isinstance(arg, ir.Var):
                        readers.setdefault(arg.name, []).append((item.target, context, item.rule in zeroing))
            elif kind is ir.If:
                walk(item.body, context + ((id(item), True),))
                walk(item.orelse, context + ((id(item), False),))
            elif kind is ir.Loop:
                carried[id(item)] = set(item.carried)
                walk(item.body, context + ((id(item), None),))
                read = {arg.name for op in ir.ops_in(item.body) for arg in op.args if isinstance(arg, ir.Var)}
                for name in item.carried:  # a value the loop writes over without reading it: the value it
                    if name not in read:  # had before gets no gradient where the loop runs
                        readers.setdefault(name, []).append((name, context, True))
            for name, value in getattr(item, "exits", ()):  # (a value carried out as ``name``)
                if isinstance(value, ir.Var):
                    readers.setdefault(value.name, []).append((name, context, False))
    walk(staged.body, ())
    found = set()
    for op in ops:
        if op.rule not in singular or not _may_be_singular(op):
            continue
        seen, todo = set(), [(op.target, placed[id(op)])]
        while todo:
            name, context = todo.pop()
            if (name, context) in seen:
                continue
            seen.add((name, context))
            for target, where, zeroing in readers.get(name, ()):
                if zeroing or _skipped(name, context, where, carried):
                    found.add(id(op))
                    todo = []
                    break
                todo.append((target, where))
    return frozenset(found)


def _skipped(name, context, where, carried):
    """Whether a reader of ``name`` at ``where`` (``walk``'s context: the ifs' branches and loops it is
    in) may not run where its writer at ``context`` did: a branch the writer is not in, or a loop the
    writer is not in that does not carry ``name`` (a loop carrying it, run no times, passes it on)."""
    if where[:len(context)] != context:
        return where != context[:len(where)]  # (read in a loop it is carried by, or after the if)
    return any(taken is not None or name not in carried[block] for block, taken in where[len(context):])


def _may_be_singular(op):
    """A power whose exponent is a whole number from 0, or one at least 1, written in the code, and
    one of a positive base written in the code, have derivatives finite everywhere."""
    if op.rule not in ("pow", "math.pow", "builtins.pow"):
        return True
    base, exponent = op.args
    for atom, finite in ((exponent, lambda v: v >= 1 or (v >= 0 and v == int(v))), (base, lambda v: v > 0)):
        value = _number_of(atom)
        if value is not None and finite(value):
            return False
    return True


# Roots: operations whose derivative is infinite where their operand is 0 and whose value rises with it
# there (u ** p for 0 < p < 1).  The exponent of a power is read from the code (``x ** 0.5``).
ROOTS = frozenset({"np.sqrt", "np.cbrt", "math.sqrt", "math.cbrt"})
_POWERS = frozenset({"pow", "np.power", "np.float_power", "math.pow", "builtins.pow"})

# Operations whose value is never negative, whatever their operands hold (a square, a norm, an absolute
# value), and those that keep a value never negative (a sum of such values, a selection, a rearrangement).
_NONNEGATIVE = frozenset({"square", "np.square", "np.sum_square", "abs", "np.abs", "np.fabs", "math.fabs",
                          "np.sqrt", "math.sqrt", "np.linalg.norm", "np.hypot", "math.hypot",
                          "np.exp", "math.exp", "np.exp2", "np.cosh", "math.cosh"})  # (exponentials: a squared
# distance over a lengthscale kept in log space, np.sum(d ** 2 / np.exp(log_ls), -1), is a sum of such values)
_KEEPING = frozenset({"add", "np.add", "mul", "np.multiply", "div", "np.divide"})  # (all operands)
_KEEPING_FIRST = frozenset({"np.sum", "np.mean", "np.nansum", "np.nanmean", "list_sum", "np.max", "np.min", "copy",
                            "getitem", "np.cumsum", "np.trace", "np.diagonal"}) | _ARRANGING  # (the first)


_CLAMPS = {("max", 0): "{u} >= {c}", ("max", 1): "{u} > {c}", ("min", 0): "{u} <= {c}", ("min", 1): "{u} < {c}",
           ("np.maximum", 0): "({u} >= {c})", ("np.maximum", 1): "({u} > {c})",
           ("np.minimum", 0): "({u} <= {c})", ("np.minimum", 1): "({u} < {c})"}


def clamp_guarded(staged):
    """``{id(op): (condition, numbers)}`` for the singular operations (``SCALAR_SINGULAR`` of plain
    Python, ``SINGULAR`` of NumPy, of one operand) whose operand is a clamp of a value by constants,
    ``max`` or ``min`` of it and a number written in the code (``np.maximum``, ``np.minimum``, ``np.clip``
    between two numbers), or a chain of them (``math.acos(max(-1.0, min(1.0, c)))``): their contributions
    are to be written ``text if condition else 0.0`` (``numbers``; ``np.where(condition, text, 0)`` for an
    array), the condition that every clamp passes the value on, as the clamps' own rules pass its gradient
    (``c < 1.0 and min2 > -1.0``, ``(c >= -1.0) & (c <= 1.0)``).  Where one does not, the gradient
    reaching the value is 0 whatever the operation's slope, which is infinite there (``acos`` at 1: a
    division by zero, ``inf * 0`` for an array), and the output does not depend on it.  Only for an
    operation and clamps in the same block, each of their values set once, the clamps of a chain all of
    Python's or all of NumPy's; an operation of several operands where each is the clamped value
    (``_xlogy(p, p)`` of ``p = np.maximum(z - tau, 0)``, sparsemax's entropy: ``log(p)`` its slope in x)."""
    ops = list(ir.ops_in(staged.body))
    clamps = ("max", "min", "np.maximum", "np.minimum", "np.clip")
    if not any(op.rule in SCALAR_SINGULAR or op.rule in SINGULAR for op in ops) or \
            not any(op.rule in clamps for op in ops):
        return {}
    once = _set_once(ops)
    found = {}
    for _, block in _blocks(staged.body):
        top = [item for item in block if isinstance(item, ir.Op)]
        here = {op.target: op for op in top if once.get(op.target) is op}
        for op in top:
            numbers = op.rule in SCALAR_SINGULAR
            if not (numbers or op.rule in SINGULAR) or not _may_be_singular(op):
                continue
            names = {arg.name for arg in op.args if isinstance(arg, ir.Var)}
            alone = len(op.args) == 1 or all(isinstance(arg, ir.Var) for arg in op.args)  # (xlogy(p, p): every
            # contribution p's, of its shape)
            if len(names) != 1 or not numbers and not alone and op.rule not in ("pow", "np.power"):
                continue  # (atan2(y, x): two values, each its own path; np.power(c, p): its own shapes)
            conditions, name = [], next(iter(names))
            while name in here:
                clamp = here[name]
                if clamp.rule not in (("max", "min") if numbers else ("np.maximum", "np.minimum", "np.clip")):
                    break
                kinds = [isinstance(arg, ir.Var) for arg in clamp.args]
                value = clamp.args[0]
                if clamp.rule == "np.clip":
                    bounds = [_number_of(arg) for arg in clamp.args[1:]]
                    if len(clamp.args) != 3 or kinds != [True, False, False] or None in bounds or \
                            bounds[0] >= bounds[1]:
                        break
                    conditions.append(f"({value.name} >= {clamp.args[1].source}) & "
                                      f"({value.name} <= {clamp.args[2].source})")
                else:
                    if len(clamp.args) != 2 or kinds.count(True) != 1 or \
                            _number_of(clamp.args[kinds.index(False)]) is None:
                        break
                    position = kinds.index(True)
                    value = clamp.args[position]
                    conditions.append(_CLAMPS[clamp.rule, position].format(
                        u=value.name, c=clamp.args[1 - position].source))
                name = value.name
            if conditions:
                found[id(op)] = (" and " if numbers else " & ").join(reversed(conditions)), numbers
    return found


def _number_of(atom):
    """The number a constant operand writes (``-1.0``), else None."""
    value = number_text(atom.source) if isinstance(atom, ir.Const) else None
    return None if value is None or isinstance(value, bool) else float(value)


def root_guarded(staged):
    """The ids of the roots of ``staged`` (``np.sqrt``, ``math.sqrt``, a cube root, ``u ** p`` with ``p``
    written between 0 and 1, or ``p`` a value, which may be: ``np.maximum(S - K, 0) ** power``) whose
    operand ``u`` is never negative however the inputs vary: a square
    or a sum of them (``((X[:, None] - X[None]) ** 2).sum(-1)``, 0 on its diagonal, a point's distance
    to itself; ``np.einsum('ij,ij->i', d, d)``), ``np.maximum(t, 0)`` and ``max(t, 0.0)`` (0 where
    ``t < 0``), ``np.clip(t, 0, ...)``, ``t * (t > 0)`` (a mask of ``t`` above a number never negative),
    an absolute value, a helper's result that is one of those
    (``relu(t)``: its call marked ``nonnegative`` by ``program``, ``outputs_never_negative``).  Where
    such a ``u`` is 0 the inputs are at a minimum of ``u``, so of the root of
    ``u`` (of ``u ** p`` for every ``p`` at which it is finite there: increasing in ``u`` for ``p > 0``,
    1 for ``p = 0``): its gradient there is 0 wherever it has one, and 0 is a subgradient where it has none (a
    kink, ``t`` exactly 0), as the gradient of a norm at 0 is.  The chain rule's product there is
    ``inf * 0``, nan (a ZeroDivisionError for numbers): the contributions of these roots are written
    ``np.where(out != 0, text, 0)`` (``text if out else 0.0`` for numbers; the base for a power), the
    ``out`` within ``text`` itself read where it is 0 as 1, so that nothing divides by 0 there."""
    ops = list(ir.ops_in(staged.body))
    if not any(op.rule in ROOTS or op.rule in _POWERS for op in ops):
        return {}
    nonnegative = _never_negative_test(ops)
    found = {}
    for op in ops:
        if op.rule in ROOTS and op.args:
            operand, zero = op.args[0], op.target
        elif op.rule in _POWERS and len(op.args) == 2 and \
                (_constant(op.args[1], lambda v: 0 < v < 1) or isinstance(op.args[1], ir.Var)) and \
                isinstance(op.args[0], ir.Var):
            operand, zero = op.args[0], op.args[0].name
        else:
            continue
        if nonnegative(operand):
            found[id(op)] = zero
            continue
        assumed = []  # (a square over a value of either sign, np.sqrt(d2 / ell): never negative where ell > 0)
        if isinstance(operand, ir.Var) and _never_negative_test(ops, assumed)(operand) and assumed:
            found[id(op)] = Positive(zero, tuple(dict.fromkeys(assumed)))
    return found


class Positive(str):
    """A root's value (the name ``root_guarded`` gives) whose operand is never negative where each of the
    values ``assumed`` (names) is positive: the guard holds where they all are, as the code checks."""

    def __new__(cls, name, assumed):
        made = super().__new__(cls, name)
        made.assumed = assumed
        return made


def outputs_never_negative(staged):
    """Whether the one output of ``staged`` (a helper's) is never negative however its inputs vary
    (``def relu(t): return np.maximum(t, 0)``)."""
    if len(staged.outputs) != 1:
        return False
    return _never_negative_test(list(ir.ops_in(staged.body)))(staged.outputs[0])


def _constant(atom, test):
    value = number_text(atom.source) if isinstance(atom, ir.Const) else None
    return value is not None and test(value)


def _never_negative_test(ops, assumed=None):
    """A test of an atom: whether the value it names, computed once by ``ops``, is never negative.  With
    ``assumed`` (a list), a quotient or product of a value never negative by a name bound once at most (a
    parameter, ``d2 / ell``) is taken for one where that name is positive: the names so taken are added to
    ``assumed``."""
    count = {}
    for op in ops:
        count[op.target] = count.get(op.target, 0) + 1
    defined = {op.target: op for op in ops if count[op.target] == 1 and op.rule != "setitem"}
    known = {}

    def nonnegative(atom, depth=0):
        if isinstance(atom, ir.Const):
            return _constant(atom, lambda v: v >= 0)
        if not isinstance(atom, ir.Var) or depth > 200:
            return False
        name = atom.name
        if name not in known:
            known[name] = False  # (a cycle proves nothing)
            op = defined.get(name)
            known[name] = op is not None and (_never_negative(op, lambda a: nonnegative(a, depth + 1), _constant)
                                              or _masked_to_positive(op, defined, count,
                                                                     lambda a: nonnegative(a, depth + 1))
                                              or assumed is not None and _scaled(op, lambda a: nonnegative(
                                                  a, depth + 1), count, assumed))
        return known[name]
    return nonnegative


def _scaled(op, nonnegative, count, assumed):
    """Whether ``op`` divides a value never negative by a name, or multiplies one by a name (bound once at
    most, so that the backward reads the value the operation read), adding that name to ``assumed``."""
    if op.rule not in ("div", "np.divide", "mul", "np.multiply") or len(op.args) != 2:
        return False
    first, second = op.args
    order = ((first, second),) if op.rule in ("div", "np.divide") else ((first, second), (second, first))
    for value, scale in order:
        if scale.__class__ is ir.Var and count.get(scale.name, 0) <= 1 and nonnegative(value):
            assumed.append(scale.name)
            return True
    return False


def _masked_to_positive(op, defined, count, nonnegative):
    """Whether ``op`` is ``t * m`` (or ``m * t``) with ``m`` a mask of ``t`` at or above a number never
    negative (``t > 0``, ``0 < t``, ``t >= 0.5``; as floats, ``(t > 0).astype(float)``): ``t`` where it is
    at least that number, 0 elsewhere, never negative (relu written ``x * (x > 0)``); or a conditional
    expression picking ``t`` under such a mask and a value never negative otherwise (``x if x > 0 else
    0.0``, ``0.0 if x < 0.5 else x``).  ``t`` is a name bound once at most (``count``), so that the mask
    read the value the product reads."""
    if op.rule == "select" and len(op.args) == 3 and op.args[0].__class__ is ir.Var:
        mask, when, otherwise = op.args
        mask = defined.get(mask.name)
        return when.__class__ is ir.Var and count.get(when.name, 0) <= 1 and nonnegative(otherwise) and \
            _positive_mask(mask, when.name, defined) or \
            otherwise.__class__ is ir.Var and count.get(otherwise.name, 0) <= 1 and nonnegative(when) and \
            _positive_mask(mask, otherwise.name, defined, taken=False)
    if op.rule not in ("mul", "np.multiply") or len(op.args) != 2 or \
            not all(a.__class__ is ir.Var for a in op.args) or any(count.get(a.name, 0) > 1 for a in op.args):
        return False
    first, second = (a.name for a in op.args)
    return _positive_mask(defined.get(second), first, defined) or _positive_mask(defined.get(first), second, defined)


def _positive_mask(op, name, defined, depth=0, taken=True):
    """Whether ``op`` computes a mask true (``taken``; else false) only where the value ``name`` is at least
    a number never negative: ``name > c`` or ``name >= c`` (``name < c`` or ``name <= c``), ``c >= 0``."""
    if op is None or depth > 8:
        return False
    if op.rule in ("np.copy", "copy") and len(op.args) == 1 and op.args[0].__class__ is ir.Var:  # (m.astype(float))
        return _positive_mask(defined.get(op.args[0].name), name, defined, depth + 1, taken)
    if op.rule != "inert":
        return False
    try:
        tree = ast.parse(op.source, mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1 or \
            not isinstance(tree.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE)):
        return False
    right = tree.comparators[0]
    if isinstance(tree.left, ast.Name) and tree.left.id == name:
        number, value_left = right, True
    elif isinstance(right, ast.Name) and right.id == name:
        number, value_left = tree.left, False
    else:
        return False
    true_above = isinstance(tree.ops[0], (ast.Gt, ast.GtE)) == value_left  # (t > c, c < t: true where t is above c)
    if true_above != taken:
        return False
    bound = number_text(ast.unparse(number))
    return bound is not None and bound >= 0


def _never_negative(op, nonnegative, constant):
    rule, args = op.rule, op.args
    if rule in _NONNEGATIVE:
        return True
    if rule in _POWERS and len(args) == 2:  # an even whole exponent, or a base never negative
        return constant(args[1], lambda v: v == int(v) and int(v) % 2 == 0) or \
            (nonnegative(args[0]) and isinstance(args[1], ir.Const))
    if rule == "mul" and len(args) == 2 and args[0] == args[1] and isinstance(args[0], ir.Var):
        return True  # (x * x)
    if rule == "np.einsum" and len(args) == 2 and args[0] == args[1] and isinstance(args[0], ir.Var):
        return _sums_squares(op.param("subscripts"))  # (np.einsum('ij,ij->i', d, d))
    if rule == "call":  # a helper whose result is never negative (relu(t))
        return op.param("nonnegative") == "1"
    if rule in ("np.maximum", "np.fmax", "max"):
        return any(nonnegative(a) for a in args)
    if rule == "np.clip":
        return bool(args) and (nonnegative(args[0]) or len(args) > 1 and nonnegative(args[1]))
    if rule == "np.where":
        return len(args) == 3 and nonnegative(args[1]) and nonnegative(args[2])
    if rule in _KEEPING:
        return bool(args) and all(nonnegative(a) for a in args)
    if rule in _KEEPING_FIRST:
        return bool(args) and nonnegative(args[0])
    return False


def _sums_squares(subscripts):
    """Whether ``np.einsum(subscripts, d, d)`` sums squares of ``d``'s entries: both operands
    subscripted alike (``'ij,ij->i'``, ``'ij,ij'``), so that each product is an entry times itself."""
    try:
        spec = ast.literal_eval(subscripts or "")
    except (ValueError, SyntaxError):
        return False
    if not isinstance(spec, str):
        return False
    inputs = spec.replace(" ", "").partition("->")[0].split(",")
    return len(inputs) == 2 and inputs[0] == inputs[1]
