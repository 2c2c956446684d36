"""Shapes of NumPy code: declared by the user, or seen on example inputs.

Contract:

* ``spec(annotation_or_value)`` reads a declared shape: ``"N, D"`` or
  ``(64, 10)`` (an array), ``""``/``float`` (a scalar), ``int``/``bool`` (an
  integer or boolean scalar), ``"int N"`` (an integer array).  It returns a
  ``Spec`` or None for "not declared"; a shape it cannot read (a negative
  size, ``2**3``, None) raises ValueError or TypeError saying why.
* ``examples(staged, specs)`` makes sample inputs of the declared shapes (a
  BackgenError where they do not fit in memory).
  Named dimensions get distinct primes, so they never look like 1 and never
  equal one another; an integer parameter named like a dimension gets its size;
  number parameters get distinct values (``lam2 - lam1`` is no zero).
* ``infer(staged, args)`` propagates shapes line by line through the staged
  forward (every branch, loops until their carried values settle; a loop whose
  iterations' shapes follow from the shapes they start with, ``_Walker._uniform``,
  until three iterations give the same, not to its end; a while loop two
  iterations, or to its end where it counts to a bound, ``_counting``) and returns
  ``{name: shape}`` for every parameter and staged value; a value whose shape
  depends on the path is refused.  Each operation is evaluated (its value
  decides what values decide: a mask's count, a branch, a loop's length) and
  the shape NumPy gives it is checked against the one its rule states from
  its operands' shapes (``rules.result_shapes``): a disagreement is refused.
* ``run_check(staged, args)`` runs the staged forward once as a safety net.
  ``infer_ran`` also says whether the walk ran it as that check would: a
  forward without blocks whose every line and output the walk evaluated (the
  check then adds nothing).

The generated code does not depend on the sizes themselves, only on ranks and
on which dimensions are 1, which is what these shapes decide.
"""

import ast
import builtins
import sys
import contextlib
import contextvars
import functools
import os
import re
import threading
import itertools
import warnings
import weakref
import keyword
import math
from dataclasses import dataclass, replace

import numpy as np

from . import dead_paths, ir, runtime, singular_samples, source
from .emit import staged_lines
from .errors import BackgenError
from .rules import RULES, result_shapes

PRIMES = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


@functools.lru_cache(maxsize=4096)
def _compiled(text, filename, mode):
    """``compile(text, filename, mode)``, kept: sample runs compile the same staged lines again and
    again (a program written at several sample shapes, the same staging of it each time)."""
    return compile(text, filename, mode)


@dataclass(frozen=True)
class Spec:
    dims: tuple  # ints and dimension names; () for a scalar
    kind: str = "float"  # "float", "int", "bool", "str" (a flag's default, or a setting's: a string, a tuple
    # of numbers such as sizes=(1, 4, 1)) or "config" (a dict of settings)
    value: object = None  # a flag's default (True, "train"), used for sample runs


def spec(value):
    """A Spec from an annotation AST, a string, a tuple or a type; None if not a shape."""
    if isinstance(value, Spec):
        return value
    if isinstance(value, ast.AST):
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return None if _type_named(value.value) else spec(value.value)
        if isinstance(value, ast.Name) and value.id in ("float", "int", "bool"):
            return Spec((), value.id)
        if isinstance(value, ast.Tuple):
            dims = []
            for elt in value.elts:
                if isinstance(elt, ast.Constant) and isinstance(elt.value, (int, str)):
                    dims.append(elt.value)
                elif isinstance(elt, ast.Name):
                    dims.append(elt.id)
                else:
                    return None
            return Spec(tuple(dims))
        return None
    if value is float or value is int or value is bool:  # (is: an array's == is elementwise)
        return Spec((), value.__name__)
    if hasattr(value, "shape") and hasattr(value, "dtype"):  # an array itself, for its shape
        raise TypeError(f"cannot read a shape from an array (of shape {tuple(value.shape)}): give its shape, "
                        f"like {tuple(value.shape)} or x.shape, not the array")
    if isinstance(value, str):
        text = value.strip()
        kind = "float"
        if text == "config":  # a dictionary of settings
            return Spec((), "config")
        for prefix in ("int", "bool", "float"):
            if text.startswith(prefix + " ") or text == prefix:
                kind, text = prefix, text[len(prefix):].strip()
        text = text.strip("()[] ")
        dims = tuple(int(d) if d.strip().lstrip("-").isdigit() else dim_name(d)
                     for d in text.split(",") if d.strip())
        return Spec(_checked(dims, value), kind)
    if isinstance(value, (tuple, list)):
        return Spec(_checked(tuple(value), value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Spec(_checked((value,), value))
    raise TypeError(f"cannot read a shape from {value!r}: use a string like 'N, D' or 'int N', a tuple like "
                    "(64, 10), or float, int or bool for a number")


def _type_named(text):
    """Whether an annotation's string names a type, as ``x: "np.ndarray"`` or ``"Optional[Tensor]"`` do
    (no shape: as ``x: np.ndarray`` written without quotes)."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, (ast.Attribute, ast.Subscript)) or \
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)


def _checked(dims, value):
    """``dims`` of the shape ``value``, where each is a size (0 or more), a name (``N``) or a multiple of
    a name (``4*H``); else a ValueError saying what is wrong."""
    for dim in dims:
        if isinstance(dim, str) and not (dim.isidentifier() or dim.isdigit() or dim == "..."
                                         or re.fullmatch(r"\d+\*[A-Za-z_]\w*", dim)):
            spaced = " (dimensions are separated by commas: 'N, D')" if len(dim.split()) > 1 else ""
            raise ValueError(f"cannot read a shape from {value!r}: the dimension {dim!r} is not a size, a name "
                             f"(N) or a multiple of a name (4*H){spaced}")
        if dim in ("float", "int", "bool", "str", "complex"):  # (["float", "float"] meant as two numbers)
            raise ValueError(f"cannot read a shape from {value!r}: {dim!r} names a kind of value, not a dimension "
                             "(a list or tuple of dimensions is one array's shape, ['N', 'D']; a number's is "
                             "'float', and a list of two numbers' [(), ()])")
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer, str)):
            raise ValueError(f"cannot read a shape from {value!r}: the dimension {dim!r} is not a size or a name "
                             "(use a tuple like (64, 10) or a string like 'N, D')")
        if not isinstance(dim, str) and dim < 0:
            raise ValueError(f"cannot read a shape from {value!r}: the dimension {dim} is negative (a size is 0 "
                             "or more)")
    return dims


def dim_name(text):
    """A dimension as written: ``N``; ``4H``, ``4 * H`` and ``4*H`` are all ``4*H`` (a multiple of H)."""
    text = text.strip()
    multiple = re.fullmatch(r"(\d+)\s*\*?\s*([A-Za-z_]\w*)", text)
    return f"{multiple.group(1)}*{multiple.group(2)}" if multiple else text


def dim_sizes(specs, larger_first=False):
    """A sample size for each named dimension: distinct primes, growing in the order the dimensions
    are declared (``larger_first``: the first parameter's the largest); ``4*H`` four times H's."""
    sizes, multiples = {}, []
    for s in specs.values():
        for dim in s.dims:
            if isinstance(dim, str) and re.fullmatch(r"\d+\*[A-Za-z_]\w*", dim):
                multiples.append(dim)
                dim = dim.split("*")[1]
            if isinstance(dim, str) and dim not in sizes:
                sizes[dim] = PRIMES[len(sizes) % len(PRIMES)] + 50 * (len(sizes) // len(PRIMES))
    if larger_first:  # the parameters declared first get the larger sizes
        last_first = list(dict.fromkeys(d for s in reversed(list(specs.values())) for d in s.dims
                                        if isinstance(d, str) and "*" not in d))
        sizes = dict(zip(last_first, sorted(sizes[d] for d in last_first)))
    for dim in multiples:
        factor, base = dim.split("*")
        sizes[dim] = int(factor) * sizes[base]
    return sizes


INT_SAMPLE = 3  # the sample value of an integer parameter (a count of groups, a stride)
FLOAT_SAMPLE = 0.5  # the sample value of the first number parameter; the next ones a little more each,
FLOAT_STEP = 0.0625  # so that no two are equal (lam1 / (lam2 - lam1) would divide by zero)


def examples(staged, specs, larger_first=False, fixed=None, multiple=1, spread=False, small=False, fractions=False,
             classes=None, labels_below=None, definite=False, apart=False, ones=False):
    """Sample inputs of the declared shapes, in parameter order (``fixed``: sizes given to some
    named dimensions; ``multiple``: every named size a multiple of it, for code that splits a
    dimension by an integer parameter, ``x.reshape(N, G, C // G)``).  Integer arrays are zeros (an
    index into every axis), or with ``spread`` 0, 1, 2... in turn below the least named size (a mesh's
    triangles of three corners apart, whose edge matrices invert) and below ``classes`` where it is given
    (labels of two classes in turn, 0, 1, 0, 1...: every sample has others of its class and of another).
    With ``small``, the numbers are a tenth of their usual samples (a GARCH model's
    ``math.log(omega / (1 - alpha - beta))``, whose parameters add up to less than one).  With ``fractions``, arrays of floats hold numbers below one (data
    in (0, 1) a bin index is computed from, ``np.floor(x * K).astype(int)``, in a piecewise flow).  With
    ``labels_below``, integer arrays hold 0, 1, 2... in turn below it (a size taken from their values,
    ``np.bincount(seg)``, is then that many).  With
    ``definite``, every square matrix of floats is symmetric positive definite (a Cholesky factor written
    out as loops, whose ``math.sqrt(A[i, i] - s)`` fails on other matrices).  With ``apart``, the elements of
    arrays of floats lie 2 apart in turn (points whose kernel matrix, ``np.exp(-d2 / ell)``, is far from
    singular, where points in one unit interval make it singular to working precision)."""
    sizes = {dim: size * multiple for dim, size in dim_sizes(specs, larger_first).items()}
    sizes.update(fixed or {})
    for dim in [d for d in sizes if isinstance(d, str) and "*" in d]:
        factor, base = dim.split("*")
        sizes[dim] = int(factor) * sizes[base]
    rng = np.random.default_rng(0)
    args = []
    numbers = 0
    definite = set(staged.params) if definite else _definite_params(staged)
    for name in staged.params:
        s = specs[name]
        if s.kind == "config":
            args.append(SampleSettings.holding(dict(s.value or ()), name))
        elif not s.dims and s.kind == "int":
            args.append(s.value if s.value is not None else sizes.get(name, INT_SAMPLE))
        elif not s.dims and s.kind in ("bool", "str"):
            args.append(s.value if s.value is not None else True)
        elif not s.dims:
            args.append((FLOAT_SAMPLE + FLOAT_STEP * numbers) / (10 if small else 1))
            numbers += 1
        else:
            shape = tuple(sizes[d] if isinstance(d, str) else d for d in s.dims)
            try:
                if s.kind == "int" and ones:
                    args.append(np.ones(shape, dtype=int))
                elif s.kind == "int" and labels_below:
                    labels = np.arange(math.prod(shape)) % labels_below
                    labels[-1:] = labels_below - 1  # (the largest label there, however few the elements)
                    args.append(labels.reshape(shape))
                elif s.kind == "int" and spread:
                    bound = min((v for d, v in sizes.items() if isinstance(d, str)), default=1)
                    if classes:  # (below every size, named or written as a number)
                        bound = min([classes] + [v for v in sizes.values() if isinstance(v, int) and v > 0] +
                                    [d for spec in specs.values() if isinstance(spec.dims, tuple)
                                     for d in spec.dims if isinstance(d, int) and d > 0])
                    args.append((np.arange(math.prod(shape)) % bound).reshape(shape))
                elif s.kind == "int":
                    args.append(np.zeros(shape, dtype=int))
                elif s.kind == "bool":
                    args.append(np.ones(shape, dtype=bool))
                elif name in definite and len(shape) >= 2 and shape[-1] == shape[-2]:
                    m = rng.uniform(-0.5, 0.5, size=shape)  # (a sample np.linalg.cholesky takes)
                    args.append(m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1]))
                elif fractions:
                    args.append(rng.uniform(0.05, 0.95, size=shape))
                elif apart:
                    args.append(rng.uniform(0.5, 1.5, size=shape) + 2.0 * np.arange(math.prod(shape)).reshape(shape))
                else:
                    args.append(rng.uniform(0.5, 1.5, size=shape))
            except MemoryError:
                raise _too_large(staged, name, shape, 1 if s.kind == "bool" else 8) from None
    return tuple(args)


def _definite_params(staged):
    """The parameters an operand that must be symmetric positive definite (``np.linalg.cholesky``'s,
    the rules' domain ``spd``) is computed from: their samples are such matrices, as the code's inputs
    are (a kernel matrix K, then np.linalg.cholesky(K + 1e-6 * np.eye(n)))."""
    ops = list(ir.ops_in(getattr(staged, "body", None) or ()))
    wanted = set(getattr(staged, "definite", ()))  # (passed to a helper that takes its Cholesky factor)
    for op in ops:
        rule = RULES.get(op.rule)
        for atom, domain in zip(op.args, rule.domain if rule is not None else ()):
            if domain == "spd" and atom.__class__ is ir.Var:
                wanted.add(atom.name)
    grown = True
    while grown:
        grown = False
        for op in ops:
            if op.target in wanted:
                for atom in op.args:
                    if atom.__class__ is ir.Var and atom.name not in wanted:
                        wanted.add(atom.name)
                        grown = True
    return wanted & set(staged.params)


def definite_at_calls(staged, helpers):
    """The values ``staged`` passes to its helpers (``{name: their staged forwards}``) where those need
    a symmetric positive definite matrix (``log_mvn(X, mu, Sigma)``, whose body takes
    ``np.linalg.cholesky(Sigma)``): the samples of the parameters they are computed from are such."""
    passed = set()
    for op in ir.ops_in(staged.body):
        helper = helpers.get(op.param("function")) if op.rule == "call" else None
        if helper is None:
            continue
        needed = _definite_params(helper)
        for param, atom in zip((op.param("params") or "").split(","), op.args):
            if param in needed and atom.__class__ is ir.Var:
                passed.add(atom.name)
    return frozenset(passed)


def _too_large(staged, name, shape, itemsize):
    """The error for a sample array of the sizes declared that does not fit in memory."""
    size = math.prod(shape) * itemsize / 2 ** 30
    message = (f"the sample array of {name}, of shape {shape} ({size:.3g} GiB), does not fit in memory: backgen "
               "runs the forward on arrays of the sizes given; give smaller sizes, or names (N, D), for which the "
               "code holds at every size")
    return error_at_def(staged, message) if hasattr(staged, "filename") else BackgenError(message)


_OTHER_SETTINGS = contextvars.ContextVar("backgen_other_settings", default=False)


class SampleSettings(dict):
    """A dictionary of settings for sample runs: what CS231n's layers read, training mode;
    ``.get(key, default)`` gives the default, as for a dictionary that does not set it."""

    KNOWN = {"mode": "train", "p": 0.5, "eps": 1e-5, "momentum": 0.9, "stride": 1, "pad": 1,
             "pool_height": 2, "pool_width": 2, "layernorm": 0}
    OTHER = {"stride": 2, "pad": 2, "pool_height": 3, "pool_width": 3}  # sizes of other values, checked too
    MISSING = "pass the settings (or call .backward with them)"  # (a key of none of those: a mask given)

    @staticmethod
    @contextlib.contextmanager
    def at_other_values():
        """Sample settings give the ``OTHER`` values while this lasts (in this thread or task only:
        the backward of a layer is written again for them, see ``program``)."""
        token = _OTHER_SETTINGS.set(True)
        try:
            yield
        finally:
            _OTHER_SETTINGS.reset(token)

    def __init__(self, name=None):
        super().__init__()
        self.name = name  # the parameter's (named in the message of a key it lacks)

    @classmethod
    def holding(cls, entries, name=None):
        """Sample settings holding ``entries`` (a dict made of sample settings and entries of its own,
        ``{"axis": 1, **ln_param}``), giving the ``KNOWN`` values for the keys it lacks as they do."""
        made = cls(name)
        made.update(entries)
        return made

    def __missing__(self, key):
        if _OTHER_SETTINGS.get() and key in self.OTHER:
            return self.OTHER[key]
        if key in self.KNOWN:
            return self.KNOWN[key]
        arrays = "" if self.name is None or not isinstance(key, (str, int)) else (
            f"; if {self.name} holds arrays, give their shapes: shapes={{{self.name!r}: {{{key!r}: 'N, D', ...}}}}")
        raise KeyError(f"{key!r}: {SampleSettings.MISSING} so backgen sees their values{arrays}")


def infer(staged, args, functions=None):
    """``{name: shape}`` for the parameters and staged values, propagated line by line.

    Each staged line is evaluated once per path on values of the known shapes
    (never the user's module, never by running the function as a whole): both
    branches of every ``if``, and a loop's body for its first iterations, its
    carried values fed back.  A value whose shape differs between the branches
    that set it, or from one iteration to the next, is refused: the generated
    code is written for one shape per name.  Constants that are arrays get
    their shapes under their source text.  ``functions`` are the helper
    functions the staged code calls.
    """
    return infer_ran(staged, args, functions)[0]


def _walked(staged, namespace, args, exact, ranked, droppable, skip=False):
    """``(walker, env, outputs)`` of a walk of ``staged`` on ``args`` (see ``infer_ran``); with ``skip``, of
    the branch alone each ``if`` testing ranks takes (``_Walker.rank_skip``)."""
    walker = _Walker(staged, namespace)
    walker.exact = exact
    walker.ranked = ranked
    walker.rank_skip = skip
    walker.droppable = droppable
    env = dict(zip(staged.params, args))
    for name, value in env.items():
        walker.record(name, value, staged.line)
    with sample_run():
        walker.block(staged.body, env)
        outputs = [walker.atom(atom, env) for atom in staged.outputs]
    return walker, env, outputs


class DeadBranch(Exception):
    """The walk found a branch that cannot run at the shapes the code is for (``dead_paths``)."""

    def __init__(self, place, note):
        super().__init__(place)
        self.place, self.note = place, note


class _ZeroedNumPy:
    """NumPy as the walk reads it, but ``np.empty`` and ``np.empty_like`` give zeros: a loop the walk
    leaves after a few iterations (``_Walker._uniform``: ``K = np.empty((N, N))``, then ``K[i, :] = ...``
    row by row, then ``np.linalg.cholesky(K)``) leaves the rest of such an array as zeros on every walk,
    not as whatever the memory held (a refusal, on one walk in some, that the matrix is not definite)."""

    empty = staticmethod(np.zeros)
    empty_like = staticmethod(np.zeros_like)
    linalg = singular_samples.LINALG  # (the same rows left as zeros: a singular stiffness matrix)

    def __getattr__(self, name):
        return getattr(np, name)


_ZEROED_NUMPY = _ZeroedNumPy()


def infer_ran(staged, args, functions=None, droppable=frozenset(), exact=False, ranked=False):
    """``(infer(staged, args), ran)``: ``ran`` where the walk evaluated every line and output of a
    forward without blocks, in order, on ``args``: the run ``run_check`` makes.  The loops whose ids
    are in ``droppable`` are not walked where they run no iteration on ``args``: their ids are in
    the shapes' ``unrun``.  With ``exact`` (the sizes of ``args`` are those of every input the code is
    for), a branch NumPy raises on at these shapes whenever it runs raises ``DeadBranch``; with ``ranked``
    (or ``exact``: the ranks of ``args`` are those of every input the code is for), so does the branch an
    ``if`` testing ranks alone does not take (``dead_paths.rank_decided``)."""
    namespace = {**runtime.callables(), staged.modules["np"]: _ZEROED_NUMPY, staged.modules["math"]: math,
                 **(functions or {}), **{name: ast.literal_eval(text) for name, text in staged.constants}}
    ranked = ranked or exact
    if ranked and dead_paths.rank_tested(staged.body, staged.modules.get("np", "np")):
        try:  # (a walk taking only the branch each rank test takes: the other's shapes may conflict with it)
            walker, _, _ = _walked(staged, namespace, args, exact, ranked, droppable, skip=True)
        except (BackgenError, DeadBranch):
            walker = None  # (the walk of every branch below says what is wrong)
        found = walker and walker.rank_skipped and dead_paths.rank_decided(staged, walker, args, walker.rank_skipped)
        if found:
            raise DeadBranch(found, None)
    walker, env, outputs = _walked(staged, namespace, args, exact, ranked, droppable)
    if walker.rank_tests:
        found = dead_paths.rank_decided(staged, walker, args)
        if found is not None:
            raise DeadBranch(found, None)
    if exact and (walker.failed or walker.failed_tests):  # (failed_tests: walked where exact only)
        found = dead_paths.find(staged, walker, args)
        if found is not None:
            raise DeadBranch(*found)
    walker.refuse_unevaluated()
    walker.shapes.forks = walker.forks
    walker.shapes.unrun = frozenset(walker.unrun)
    if walker.forks:  # the other branches' numbers, loops run no time: the same pattern of shapes, or refused
        other = _Walker(staged, namespace, other=True)
        again = dict(zip(staged.params, args))
        with sample_run():
            other.block(staged.body, again)
        conflict = pattern_conflict(staged, walker.shapes, other.shapes, exempt=frozenset() if walker.failed or
                                    other.failed else staged.path_outputs)  # (each path's own output, of that
        # path's shape: each walk notes the one of the path it met first; where a walk failed on a line at
        # these samples, compared too: that refusal says more of the code than NumPy's failure at a sample)
        if conflict:
            line, what, one, another = conflict
            error = _error_at(staged, line, f"{what} has shape {one} on one path through the branches and loops "
                                            f"before it, and {another} on another: backgen writes code for one "
                                            "pattern of shapes (ranks, and which sizes are 1) per value; give it "
                                            "a new name where its shape changes")
            error.varying_shape = "loop" if walker.zero_starts and staged.shape_free else "path"  # (a loop's
            raise error  # number, which it runs no iteration to make an array: as its other changes of shape)
    if walker.shapes.zero_sums:
        _refuse_zero_sums(staged, namespace, args, walker)
    for op in list(walker.failed) + list(walker.skipped):
        if op.target not in walker.shapes and walker.failed:  # (skipped with none failed: read unset)
            cause = walker.cause(op)
            walker.shapes.raised.setdefault(op.target, (cause.line, walker.failed[cause]))
            if op in walker.pretended or cause in walker.pretended:  # (a loop no sample runs, its code
                walker.shapes.pretended.add(op.target)  # and what reads it run at none of these shapes)
    ran = walker.ran and all(isinstance(item, ir.Op) for item in staged.body) and \
        all(value is not None or isinstance(atom, ir.Var) and atom.name in env
            for atom, value in zip(staged.outputs, outputs))
    return walker.shapes, ran


def _refuse_zero_sums(staged, namespace, args, walker):
    """Walk the forward again with each sum of a list the path may leave empty (``zero_sums``) the
    number 0, as ``sum`` of no items is: the code written for the first walk's shapes must hold there
    too (``x + sum(hs)`` of a vector x and a matrix sum: refused), but for the sums themselves, and the
    values that arithmetic makes of them and numbers alone (``s = a + 1.0``), where only arithmetic that
    broadcasts reads them: their gradients then flow into no item, and that arithmetic's gradients read
    no shape of theirs (the adjoint a loop starts one from is 0.0 where it is a number)."""
    zero = _Walker(staged, namespace)
    zero.droppable, zero.zero_sums = walker.droppable, frozenset(walker.shapes.zero_sums)
    with sample_run():
        zero.block(staged.body, dict(zip(staged.params, args)))
    readers = [op for op in ir.ops_in(staged.body) if op.rule != "list_sum"]
    made, size = set(zero.zero_sums), 0
    assigned = {op.target for op in readers}
    while len(made) != size:  # a value made of them and numbers alone, by arithmetic, or a loop's carrying them
        size = len(made)
        made |= {op.target for op in readers if RULES[op.rule].broadcast and
                 any(isinstance(a, ir.Var) for a in op.args) and
                 all(a.name in made for a in op.args if isinstance(a, ir.Var))}
        made |= {carried for loop in ir.loops_in(staged.body) for carried, exit in loop.exits
                 if isinstance(exit, ir.Var) and exit.name in made and carried not in assigned}
    exempt = {name for name in made if all(RULES[op.rule].broadcast for op in readers if ir.Var(name) in op.args)}
    conflict = pattern_conflict(staged, walker.shapes, zero.shapes, exempt=exempt)
    if conflict:
        line, what, one, another = conflict
        raise _error_at(staged, line, f"{what} has shape {one} where the lists summed before it hold values, "
                                      f"and {another} where the path leaves one empty (sum() of none is the "
                                      "number 0): backgen writes code for one pattern of shapes (ranks, and "
                                      "which sizes are 1) per value; give the list a fixed length (a zero "
                                      "where nothing is added)")


def _probe(staged, returned, functions, label):
    """The staged forward as a function of its parameters returning ``returned`` (its source), with
    the namespace it reads; a ``while`` that runs on and on raises ``_Unfinished``."""
    rounds = itertools.count()

    def guard():
        if next(rounds) > 10_000:
            raise _Unfinished

    lines = [f"def probe({', '.join(staged.params)}):"] + staged_lines(
        checked_loops(staged.body), 1, owned=(_OWNED, written_in_place(staged)))
    lines.append(f"    return {returned}")
    namespace = {**runtime.callables(), staged.modules["np"]: singular_samples.numpy_for_samples(),
                 staged.modules["math"]: math, "_guard": guard,
                 "_room": check_room, _OWNED: owned, **(functions or {}),
                 **{name: ast.literal_eval(text) for name, text in staged.constants}}
    with warnings.catch_warnings():  # (a SyntaxWarning of 1.0[0], which raises as it runs: the run says where)
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(_compiled("\n".join(lines) + "\n", f"<backgen {label} of {staged.name}>", "exec"), namespace)
    namespace["_probe_lines"] = lines  # (where an operation raised: _failing_line)
    return namespace


def _integers_said(staged, args):
    """`` (run with r=3, ...)``: the integer parameters the run was given where none was called with a
    value (declared ``int``, or of another default than the one run: 0 and 1 are not run), which the
    sizes the code computes may need; else ""."""
    defaults = dict(zip(staged.params[len(staged.params) - len(staged.defaults):], staged.defaults))
    ran = [f"{name}={value}" for name, value in zip(staged.params, args)
           if type(value) is int and defaults.get(name) != str(value)]
    if not ran:
        return ""
    many = len(ran) > 1
    first = ran[0].partition("=")[0]
    given = "" if first in defaults else f"give it as the default ({first}=...), or "  # (a default given already
    # is one value of many the code holds for)
    return (f" (run with the integer{'s' if many else ''} {', '.join(ran)}: the code for given shapes holds for "
            f"every value of {'them' if many else 'it'}; where the shapes need {'one' if many else 'its'} value, "
            f"{given}use the decorator backgen.backward, which runs at the values it is called with)")


def _lengths_said(namespace, exc):
    """Where np.interp raised ``exc`` saying only that its ``xp`` and ``fp`` are not of the same length, the
    two lengths as NumPy says such sizes elsewhere (`` (size 7 is different from 4)``), which the sample
    sizes follow (``sample_sizes``: a sample's size made the length the code gives the other); else ""."""
    if not (isinstance(exc, ValueError) and "xp are not of the same length" in str(exc)):
        return ""
    code = namespace.get("probe").__code__ if callable(namespace.get("probe")) else None
    tb, frame, lineno = exc.__traceback__, None, None
    while tb is not None:
        if tb.tb_frame.f_code is code:
            frame, lineno = tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next
    lines = namespace.get("_probe_lines", ())
    if frame is None or not 0 < lineno <= len(lines):
        return ""
    try:
        tree = ast.parse(lines[lineno - 1].strip())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and n.func.attr == "interp" and len(n.args) >= 3]
        if len(calls) != 1:
            return ""
        scope = {**namespace, **frame.f_locals}
        xp, fp = (eval(compile(ast.Expression(arg), "<interp>", "eval"), scope) for arg in calls[0].args[1:3])
    except Exception:  # noqa: BLE001 (a line of another form: nothing said)
        return ""
    if np.ndim(xp) != 1 or np.ndim(fp) != 1:
        return ""
    return f" (size {np.size(fp)} is different from {np.size(xp)})"


def _failing_line(staged, namespace, exc):
    """The user's line of the staged operation whose line of the probe (``_probe``) raised ``exc``, or
    None: the deepest frame of the probe in the traceback, its line's target an operation's."""
    code = namespace.get("probe").__code__ if callable(namespace.get("probe")) else None
    tb, lineno = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code is code:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    text = namespace.get("_probe_lines", ())[lineno - 1] if lineno else ""
    target = text.strip().split(" = ")[0] if " = " in text else None
    lines = {op.line for op in ir.ops_in(staged.body) if op.target == target}
    return lines.pop() if len(lines) == 1 else None


def _empty_list(value):
    return type(value) is list and not value


def _settled(value):
    """An integer, a boolean, or a list or tuple of them (indices, a shape): what may set a length."""
    if type(value) in (list, tuple):
        return len(value) < 64 and all(_integral(v) for v in value)
    return _integral(value)


def _item_shapes(value):
    """The shapes of the items of a list or tuple (of arrays and numbers), or None for another value."""
    if type(value) not in (list, tuple) or len(value) > 64:
        return None
    try:
        return tuple(np.shape(item) for item in value)
    except ValueError:  # (an item of items of several shapes)
        return None


def _integral(value):
    return type(value) in (int, bool) or isinstance(value, (np.integer, np.bool_))


def pattern_conflict(staged, shapes, other, exempt=frozenset()):
    """Where code written for the values' ``shapes`` (``{name: shape}``) would be wrong for those of
    ``other`` (of another path, or other inputs), as ``(line, what, one, another)``: the value that
    differs, and its shapes (against the result's) in the one and the other; None where the code holds
    for both.
    The code depends on no more than each value's rank and, for each operation that broadcasts (a
    write: its value into the part written), the axes each operand is broadcast along; an axis along
    which a size of 1 meets one of 1 in the other shapes changes nothing (a sum along it).  The values
    ``exempt`` (selections, whose lengths the data decides, which the backward checks itself) are not
    compared."""
    def tuple_shape(name, shapes):
        shape = shapes.get(name)
        return shape if type(shape) is tuple else None  # (a list's: its items')

    def operand(atom, shapes):
        if isinstance(atom, ir.Var):
            return tuple_shape(atom.name, shapes)
        return tuple_shape(atom.source, shapes) or ()

    made = {op.target: op.source for op in ir.ops_in(staged.body) if op.rule == "getitem"}
    for op in ir.ops_in(staged.body):
        for name in [op.target] + [a.name for a in op.args if isinstance(a, ir.Var)]:
            if name in exempt:
                continue
            first, again = tuple_shape(name, shapes), tuple_shape(name, other)
            if first is not None and again is not None and len(first) != len(again):
                return op.line, named(staged, name, made), str(first), str(again)
        result = f"{op.target}[{op.param('index')}]" if op.rule == "setitem" else op.target
        first, again = tuple_shape(result, shapes), tuple_shape(result, other)
        if first is None or again is None or not (RULES[op.rule].broadcast or op.rule == "setitem") or \
                op.target in exempt and all(a.name in exempt for a in op.args if isinstance(a, ir.Var)):
            continue  # (a value made of exempt ones and numbers alone: no gradient flows through it)
        for atom in op.args[1:] if op.rule == "setitem" else op.args:  # (a write: its value, in the part)
            if isinstance(atom, ir.Var) and atom.name in exempt:
                continue
            a = operand(atom, shapes)
            b = operand(atom, other) if isinstance(atom, ir.Var) else a  # (a constant's shape is its own)
            if a is not None and b is not None and not _broadcasts_alike(a, first, b, again):
                what = named(staged, atom.name, made) if isinstance(atom, ir.Var) else "an operand here"
                into = "the part written" if op.rule == "setitem" else "the result"
                return op.line, what, f"{a} against {into}'s {first}", f"{b} against {again}"
    return None


def named(staged, name, made=None):
    """How the user knows the staged value ``name``: their name for it, or the index spelling it
    (``made``: the source of each value an index makes)."""
    if _user(name).strip("'") in staged.user_names:
        return _user(name)
    source = (made or {}).get(name)
    return repr(source) if source and len(source) <= 40 else "an operand here"


def _broadcasts_alike(shape, result, other, other_result):
    """Whether the gradient of an operand of ``shape`` in a result of ``result``, summed along the axes
    it broadcasts along, is also right for one of ``other`` in ``other_result`` (of the same ranks): no
    axis it broadcasts along in the one and not the other, but where a size of 1 meets one of 1."""
    if len(shape) != len(other) or len(result) != len(other_result):
        return False
    lead = len(result) - len(shape)
    for d, r, o, q in zip(shape, result[lead:], other, other_result[lead:]):
        summed = d == 1 and r != 1
        if summed and o != 1 or not summed and o == 1 and q != 1:
            return False
    return True


def run_check(staged, args, functions=None):
    """Run the staged forward once on ``args`` (sample inputs), to catch staged code
    that cannot run: a refusal rather than generated code that fails.  Shapes do
    not come from this run; a ``while`` that runs on and on ends the check, passed."""
    namespace = _probe(staged, ", ".join(map(str, staged.outputs)), functions, "check")
    try:
        with sample_run():
            namespace["probe"](*args)
    except _Unfinished:
        pass
    except UnboundLocalError as exc:  # a value one path of an if sets, read where these inputs took another,
        # or one a loop sets (before a break) read after it, at the top level, where it set none: the
        if not _unbound_read(staged, exc, namespace):  # user's forward raises there too
            raise _run_failed(staged, namespace, exc, args) from None
    except Exception as exc:
        raise _run_failed(staged, namespace, exc, args) from None
    finally:
        namespace.clear()  # (the probe and the namespace it reads hold each other)


def _unbound_read(staged, exc, namespace):
    """Whether the probe's own code (``_probe``) raised the UnboundLocalError ``exc`` reading a value of
    ``staged.unbound_elsewhere``, or one of ``staged.unbound_carried`` at its top level (after the loop)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    probe = namespace.get("probe")
    if tb is None or not callable(probe) or tb.tb_frame.f_code is not probe.__code__:
        return False  # (raised in a function it calls)
    found = re.search(r"local variable '(\w+)'", str(exc))
    if found is None:
        return False
    lines = namespace.get("_probe_lines", ())
    text = lines[tb.tb_lineno - 1] if 0 < tb.tb_lineno <= len(lines) else ""
    top = text.startswith("    ") and not text.startswith("     ")
    return found.group(1) in staged.unbound_elsewhere or top and found.group(1) in staged.unbound_carried


def _run_failed(staged, namespace, exc, args=()):
    """The refusal of a staged forward that raised ``exc`` on sample inputs ``args``; where NumPy refuses
    an index that is no integer, it names the parameters of that line given as float arrays (labels
    declared ``(N,)``, not ``"int N"``)."""
    message = f"could not run the staged forward of {staged.name}() on inputs of the given shapes: " \
              f"{type(exc).__name__}: {exc}{_lengths_said(namespace, exc)}{_integers_said(staged, args)}"
    line = _failing_line(staged, namespace, exc)  # (at the line that raised, where it is known)
    text = staged.lines[line - 1] if line and 0 < line <= len(staged.lines) else ""
    floats = [name for name, value in zip(staged.params, args) if isinstance(value, np.ndarray) and
              value.dtype.kind == "f" and name not in staged.shape_free and name in _indices_in(text)] \
        if isinstance(exc, IndexError) and "integer" in str(exc) else []
    if floats:
        message += "; " + "; ".join(f"{n!r} is given as a float array: if it holds integer labels or indices, "
                                    f"give its shape as 'int {', '.join(map(str, a.shape))}'"
                                    for n, a in zip(staged.params, args) if n in floats)
    unbound = re.fullmatch(r"name '(\w+)' is not defined", str(exc)) if type(exc) is NameError else None
    if unbound is not None:  # (MODE, bound again in the module's if __name__ == "__main__": block: no constant)
        message = (f"name {unbound.group(1)!r} is not a parameter or a variable assigned in the function (global "
                   f"values are not supported: pass them as parameters)")
    error = _error_at(staged, line, message) if line else error_at_def(staged, message)
    error.sample_run = unbound is None  # the inputs' fault, not the code's (a name bound nowhere: the code's)
    return error


def _indices_in(text):
    """The names a line of source indexes with (``y`` of ``scores[np.arange(N), y]``, ``x[idx[0]]``)."""
    for attempt in (text.strip(), text.strip() + " pass"):  # (for i in idx:, if m[k]: end in a colon)
        try:
            tree = ast.parse(attempt)
        except SyntaxError:
            continue
        return {n.id for node in ast.walk(tree) if isinstance(node, ast.Subscript)
                for n in ast.walk(node.slice) if isinstance(n, ast.Name)}
    return set()


def run_shapes(staged, args, functions=None, parts=()):
    """``{name: shape}`` of the arrays the staged forward holds as it ends, run once on ``args`` (the
    values each name was given last, on the path the data took); None where the run fails.  ``parts``:
    ``(name, index)`` texts whose parts' shapes are noted too, as ``name[index]`` (what a write wrote)."""
    namespace = {}
    try:
        namespace = _probe(staged, "locals()", functions, "run")
        with np.errstate(all="ignore"), bounded_memory(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the mean of nothing selected, on these values)
            held = namespace["probe"](*args)
        for name, index in parts:
            with contextlib.suppress(Exception):  # (a part of no value here: nothing noted)
                held[f"{name}[{index}]"] = np.asarray(eval(f"{name}[{index}]", namespace, held))
    except Exception:  # noqa: BLE001 (a run that fails on these values, or does not end: nothing learnt)
        return None
    finally:
        namespace.clear()
    return {name: np.shape(value) for name, value in held.items()  # (numbers too: a sum a loop run no
            if isinstance(value, (np.ndarray, np.number)) or type(value) in (int, float)}  # time leaves 0.0)


def sample_room():
    """The bytes sample runs may take: half the machine's memory, at least 2 GiB."""
    return max(2 ** 31, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2)


@contextlib.contextmanager
def sample_run():
    """Where the staged forward runs on sample values: NumPy's floating-point errors off, memory
    bounded (``bounded_memory``), and no warning printed to the user: of the values nobody gave
    (NumPy's "mean of empty slice" where a sample selects nothing), or of a line compiled (a
    SyntaxWarning of ``1.0[0]``, which raises as it runs: the walk says where)."""
    with np.errstate(all="ignore"), warnings.catch_warnings(), bounded_memory():
        warnings.simplefilter("ignore")
        yield


_HALFWAY = contextvars.ContextVar("backgen_sample_halfway", default=None)  # (bounded_memory's, or None)


def check_room():
    """Raise MemoryError where the process has taken more than half the room ``bounded_memory`` left
    sample runs: called as each iteration of a loop starts (the probe's, a helper's, the walk's), it
    refuses values that grow from iteration to iteration before NumPy runs out of memory: the refusal
    comes with half the room still free, for the interpreter's own needs as the error unwinds, and the
    memory a refused program took stays small."""
    halfway = _HALFWAY.get()
    if halfway is not None:
        if _held() > halfway:
            raise MemoryError("the sample arrays grow in this loop until they fill half the memory backgen "
                              "gives sample runs")


_STATM = [None, None]  # (the process id, a descriptor of its /proc/self/statm): read again at each check


def _held():
    """The bytes of data the process holds (its private writable memory, which ``RLIMIT_DATA`` bounds,
    and its stack), read from ``/proc/self/statm`` (OSError where the system has none)."""
    return _statm(5)


def _statm(field):
    """Field ``field`` of ``/proc/self/statm`` in bytes: 0 the address space mapped, 5 the data."""
    pid = os.getpid()
    if _STATM[0] != pid:  # (a process forked from this one reads its own)
        _STATM[:] = [pid, os.open("/proc/self/statm", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))]
    return int(os.pread(_STATM[1], 64, 0).split()[field]) * os.sysconf("SC_PAGE_SIZE")


_STACK_MARGIN = 64 << 20  # bytes of an address-space bound left to the stack and what is mapped later


@contextlib.contextmanager
def bounded_memory(room=None):
    """Sample runs may not take more than half the machine's memory (or ``room`` bytes) more than the
    process holds: code whose arrays multiply their sizes (``h = np.outer(h, h)`` in a loop) raises
    MemoryError on sample arrays, a refusal, rather than have the system end the process.  Where the
    system does not say (no ``resource`` module, no ``/proc``), nothing is bounded; where a bound as
    tight holds already (a run within a run bounded more tightly), it is kept.  The bound is on the
    process's data (``RLIMIT_DATA``), not its address space (``RLIMIT_AS``): a stack that must grow
    where the address space is full ends the process with SIGSEGV (a deep call of staging after a
    sample array took the room left), while a bound on data leaves the stack out and makes only
    allocations fail.  Where the process is bounded in address space already (by its user, a test
    harness), the room is what that bound leaves, less a margin for the stack: the arrays then run
    out of room before the address space does."""
    try:
        import resource
        held = _held()
        room = sample_room() if room is None else room
        space = resource.getrlimit(resource.RLIMIT_AS)[0]
        if space != resource.RLIM_INFINITY:
            room = min(room, max(space - _statm(0) - _STACK_MARGIN, 0))
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    bound = None
    try:
        try:
            with _LOCK:
                _heal(resource)
                if not _REPLACED:
                    _REPLACED.append(resource.getrlimit(resource.RLIMIT_DATA))
                hard = _REPLACED[0][1]
                bound = _Bound(held + room if hard == resource.RLIM_INFINITY else min(held + room, hard))
                _BOUNDS.add(bound)  # (alive while this block runs: see _heal)
                in_force = _apply(resource)
        except (OSError, ValueError):  # (a limit the system refuses: nothing bounded)
            in_force = None
        if in_force is None:
            yield
        else:
            with _halfway(held, in_force):
                yield
    finally:
        if bound is not None:
            with _LOCK:
                _BOUNDS.discard(bound)
                try:
                    _apply(resource)
                except (OSError, ValueError):
                    pass


class _Bound:
    """A block of ``bounded_memory``, running while an instance is alive (the block's frame holds it),
    with the limit it asks for."""

    def __init__(self, limit):
        self.limit = limit


_LOCK = threading.RLock()  # (blocks of several threads: one process, one limit; a signal handler generating
# while its thread holds the lock takes it again rather than waiting for itself)
_BOUNDS = weakref.WeakSet()  # the blocks of bounded_memory running, in any thread
_REPLACED = []  # [the limit in force before the blocks running set one], or [] where none runs


def _apply(resource):
    """Set the limit the blocks running ask for: the tightest of theirs and the one they replaced; where
    none runs, the one replaced, forgotten.  Returns the soft limit in force."""
    if not _REPLACED:
        return resource.getrlimit(resource.RLIMIT_DATA)[0]
    soft, hard = _REPLACED[0]
    if not _BOUNDS:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
        _REPLACED.clear()
        return soft
    limit = min(bound.limit for bound in list(_BOUNDS))
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    return limit


def _heal(resource):
    """Where no block of ``bounded_memory`` runs but a limit one set was never put back, the limit it
    replaced set again, and no halfway bound kept.  An exception a signal handler raises (Ctrl-C, a
    caller's timeout by SIGALRM) may leave a block before its ``finally`` puts the limit back: the
    process would keep the bound of a sample run (256 MiB above what it held then) and raise
    MemoryError wherever its data next grows past it."""
    if _BOUNDS or not _REPLACED:
        return
    _apply(resource)
    _HALFWAY.set(None)


@contextlib.contextmanager
def _halfway(held, limit):
    """``check_room``'s bound, halfway from ``held`` bytes to ``limit``, while in the block (or a tighter one
    already set)."""
    halfway = held + max(limit - held, 0) // 2
    outer = _HALFWAY.get()
    token = _HALFWAY.set(halfway if outer is None else min(outer, halfway))
    try:
        yield
    finally:
        _HALFWAY.reset(token)


def checked_loops(items, rounds=True):
    """``items`` with each loop's body opening with a call of ``_room()`` (``check_room``) and, with
    ``rounds``, each ``while`` loop's with one of ``_guard()`` (``run_check``'s) too."""
    out = []
    for item in items:
        if isinstance(item, ir.Loop):
            body = (ir.Op("_", "call", (), item.line, (), "_room()"),) + checked_loops(item.body, rounds)
            if item.kind == "while" and rounds:
                body = (ir.Op("_", "call", (), item.line, (), "_guard()"),) + body
            item = replace(item, body=body)
        elif isinstance(item, ir.If):
            item = replace(item, body=checked_loops(item.body, rounds), orelse=checked_loops(item.orelse, rounds))
        out.append(item)
    return tuple(out)


_ARITHMETIC = frozenset({"add", "sub", "mul", "div", "pow", "neg"})  # (Python's operators: on lists, + and * join)


def _holds_values(value):
    """Whether ``value`` is a list or tuple holding a number of floats or an array of them (a value a
    gradient may reach; not a shape's tuple of integers)."""
    return isinstance(value, (list, tuple)) and any(
        isinstance(item, (float, np.floating)) or isinstance(item, np.ndarray) and item.dtype.kind == "f"
        or _holds_values(item) for item in value)


class _Unfinished(Exception):
    pass


def pattern(shape):
    """What generated code depends on in a shape: its rank and which dimensions are 1."""
    if isinstance(shape, Items):
        return ("list", shape.element if shape.element is None else pattern(shape.element))
    return tuple(d == 1 for d in shape)


class _Integers(set):
    """The names of arrays written into (``y[i] = v``) that held integers or booleans (``np.arange(3)``,
    ``x > 0``), in ``bool`` those of booleans: NumPy converts a value written into one to its dtype."""

    def __init__(self):
        super().__init__()
        self.bool = set()


class _Shapes(dict):
    """``{name: shape}``, and in ``arrays`` the names that held an array of no dimensions (a 0-d
    array, not a number: ``a += 1`` writes into it, where other names may hold it too); in
    ``numbers_first`` the names a loop carries from a number to arrays of their shape (see
    ``_Walker.zero_start``): a number as the first iteration starts; in ``raised``, for a value
    of no shape because NumPy raised on its line (or on one it is computed from) at the sample
    shapes, that line and the exception (in ``pretended`` those of them where it raised in a loop walked
    once though it runs no iteration at the samples: an item of an empty sequence); in ``mixed`` the names of no dimensions that held a 0-d array
    on one path (or iteration) and a number on another."""

    def __init__(self):
        super().__init__()
        self.arrays = set()
        self.numbers_first = set()
        self.raised = {}
        self.pretended = set()
        self.integers = _Integers()
        self.mixed = set()
        self.uneven = set()  # sums of lists (sum(xs)) some element of which has another shape than the sum
        self.zero_sums = set()  # sums of lists (sum(hs)) the path may leave empty: the number 0 there, not
                                # the array of the walk's shape
        self.forks = False  # whether the path the data takes may set lengths otherwise than the walk's (see
                            # _Walker.forks): a run on the inputs checks the code against it
        self.boolean = set()  # the values (and the parts of an index: a loop's variable) that held booleans:
                              # a boolean mask, selecting as many elements as the data says (whatever spells it)
        self.integer_casts = set()  # conversions of floats to another array's dtype that held integers or
                                    # booleans (x.astype(idx.dtype)): whole numbers, of no gradient


_KEY = "_backgen_key"
_UNSTATED_PARAMS = {"index_vars", "opaque", "reason", "function", "params", "outputs"}


class _Key:
    """``_Key()[i, j]`` is the key ``(i, j)``: how an index's text is read as a value."""

    def __getitem__(self, key):
        return key


class Items(tuple):
    """The shape of a Python list of arrays: ``(length, *element)``, the element's
    own shape in ``element`` (None while the list is empty)."""

    element = None
    ragged = False  # its items are arrays of several shapes, or lists (np.zeros_like of it fails)


def _ragged(values, element):
    """Whether the items of a list or tuple are not all arrays (or numbers) of the shape ``element``."""
    if element is None:
        return bool(values)
    kinds = set(map(type, values))  # (a list a loop appends to is walked at every length: the common cases
    if kinds == result_shapes.ARRAY_KIND:  # at C's speed, not item by item in Python)
        return set(map(result_shapes.SHAPE_OF, values)) != {element}
    if element == () and kinds <= result_shapes.NUMBER_KINDS:
        return False
    try:
        return any(isinstance(v, (list, tuple, dict)) or np.shape(v) != element for v in values)
    except ValueError:
        return True


def _unset_read(exc, known, env):
    """The name an operation's compiled text (``known``, ``_run``'s) read and ``env`` does not hold, where
    that is what ``exc`` says (a KeyError of it), else None."""
    if exc.__class__ is KeyError and known.__class__ is tuple and exc.args and exc.args[0] in known[2] and \
            exc.args[0] not in env:
        return exc.args[0]
    return None


class _Walker:
    """Propagates shapes through staged items; see ``infer``."""

    WHILE_ROUNDS = 2  # iterations of a while walked: the second sees the values the first carried
    MAX_ROUNDS = 100_000  # iterations of a for walked at most

    def __init__(self, staged, namespace, other=False):
        self.staged = staged
        self.namespace = namespace
        self.other = other  # the second walk: the other branch's numbers, loops that run no iteration
        self.zero_sums = frozenset()  # the walk of the sums the path may leave empty: each the number 0 here
        self.forks = False  # whether the walk met a place where the second walk goes otherwise
        self.shapes = _Shapes()
        self.lines = {}  # name -> line of the value that fixed its shape
        self.compiled = {}  # id(op) -> its compiled lines, or its expression in a common form (see _common)
        self.parts = {}  # the text of a constant or of a part written (y[i]) -> its compiled expression
        self.index_parts = {}  # id(op) -> the names and parts its index reads (op.param("index_vars"), read once)
        self.common = {}  # the text of an expression in that form -> its code
        self.origins = {}  # name -> the operation that first gave it a shape
        self.ran = True  # every operation walked was evaluated (none raised, none skipped)
        self.failed = {}  # op -> the exception NumPy raised on each walk of it (never evaluated)
        self.value_failed = set()  # those of them (and ids of tests) NumPy raised on for other than shapes on some walk
        self.failed_tests = {}  # id of an if or while -> (it, the exception its test raised on a walk)
        self.tests_ok = set()  # the ids of those whose test ran on some walk
        self.iterations = {}  # id of a for loop -> the fewest iterations a walk of it found
        self.exact = False  # the sizes walked are those of every input the code is for: tests are run too
                            # (``test``), for the branches ``dead_paths`` may leave out
        self.ranked = False  # the ranks walked are those of every input the code is for: a test reading ranks
                             # alone is run too (``rank_test``), for the branch ``dead_paths.rank_decided`` leaves out
        self.rank_tests = {}  # id of such an if -> (it, the truths its test had on the walks)
        self.rank_skip = False  # whether such an if's branch its test does not take is left unwalked
        self.rank_skipped = set()  # the ids of those so left
        self.integral = set()  # the names that held an integer or a boolean (a count, an index, a mask)
        self.containers = set()  # the names that held a list, a tuple or a dict
        self.skipped = {}  # op -> a value it reads that was not evaluated (on a walk where op was not)
        self.evaluated = set()  # the ids of the operations evaluated at least once (the staged items outlive
                                # the walk; an id is cheaper than an operation's hash)
        self.droppable = frozenset()  # the ids of loops not walked where they run no iteration (infer_ran)
        self.unrun = set()  # the ids of those that run none
        self.zero_starts = {}  # name a loop carries from a number written as such to arrays (see loop) -> the
                               # operation writing that number
        self.grown = set()  # those of them given an array's shape
        self.counted = {}  # list name -> the line (a branch, a loop that may stop early) deciding its length
                           # (and a count made of one: n = len(hs), whose loops build such lists too)
        self.emptied = set()  # the names that held an empty list (hs = []): one the path decides may be empty
        self.in_place = dict(staged.in_place)  # the value of h op= v -> h's value before
        self.zero_d = {}  # name of no dimensions -> whether it held a 0-d array (else a number) when first seen
        self.room_checked = True  # whether check_room ran since a loop's iteration started
        self.constant_shapes = {}  # the text of a constant operand -> (its shape as stated, whether it is None)
        self.stated_results = {}  # id(op) -> the shape of its result last compared with its rule's statement
        self.stated_seen = {}  # (id(op), its operands' shapes) -> the result's shape checked against its rule
        self.unstated = 0  # the operations evaluated whose shapes their rules did not state (see _uniform)
        self.data_integers = 0  # those that made integers or booleans of data (see note_data_integers)
        self.pretending = 0  # the loops walked once though they run no iteration at these samples (an item 0
        self.pretended = set()  # of an empty sequence), and the ops left unevaluated there: none runs here
        self.watching = 0  # the loops _uniform holds of being walked now: data_integers counted while any is
        self.uniform = {}  # id of a for loop -> whether _uniform holds of it
        self.body_names = {}  # id of a for loop -> the names its body sets, and those it reads
        self.owned_writes = written_in_place(staged)  # the writes a sample run may make into the array itself
        namespace.setdefault(_OWNED, owned)
        self.pending = None  # in a loop's walk: (name, shape, other shape, line) of the values an iteration gave
                             # sizes of 1 the first did not (or the other way), decided as the iteration ends

    def record(self, name, value, line, loop=False, origin=None):
        """Note ``name``'s shape.  The same operation seen again (a loop's next iteration) may
        give other sizes of the same pattern; a value from elsewhere (a branch, the end of an
        iteration) must have the very same shape: code like ``np.zeros_like(h)`` relies on it."""
        if value.__class__ is list and not value:
            self.emptied.add(name)
        kind = value.__class__  # (what dead_paths asks of the values: integers and booleans, containers)
        if kind is np.ndarray:
            if value.dtype.kind in "biu":
                self.integral.add(name)
        elif kind is list or kind is tuple or kind is dict:
            self.containers.add(name)
        elif kind is int or kind is bool or kind is np.bool_ or isinstance(value, np.integer):
            self.integral.add(name)
        shape = _shape(value)
        if shape == ():
            array = type(value) is np.ndarray
            if array:  # (np.tensordot(X, Y, axes=2)): op= writes into it
                self.shapes.arrays.add(name)
            if self.zero_d.setdefault(name, array) != array:  # an array on one path, a number on another
                self.shapes.mixed.add(name)
        known = self.shapes.get(name)
        if known == shape and known.__class__ is tuple and shape.__class__ is tuple and \
                name not in self.zero_starts:  # seen with this very shape (most values, in a loop's iterations)
            return
        if name in self.staged.path_outputs:  # each path's own output, copied: read by nothing but the return
            if known is None:
                self.shapes[name], self.lines[name], self.origins[name] = shape, line, origin
            return
        if name in self.zero_starts:  # total = 0.0, then arrays added in a loop: the array's shape is its own
            if shape == () and origin is self.zero_starts[name]:  # (a number on another path is a number)
                return
            self.grown.add(name)
            if known == ():
                known = None
        again = False  # the same operation seen again, in a later iteration of its loop
        if known is None:
            differs = False
        elif origin is not None and self.origins.get(name) is origin:
            differs = again = pattern(known) != pattern(shape)
        else:
            differs = _exact(known) != _exact(shape) and not _growing(known, shape)
        if differs:
            if isinstance(known, Items) and (known.element is None or shape.element is None):
                if known.element is None:
                    self.shapes[name] = shape
                return
            picked = False  # (the value of a conditional expression, a name of none of the user's)
            if loop:
                what = (f"{_user(name)} changes shape in this loop: {_show(known)} as an iteration starts, "
                        f"{_show(shape)} as it ends")
            elif again and not isinstance(shape, Items) and not isinstance(known, Items) and \
                    len(known) == len(shape):  # x[i + 1:] at the last i: a size of 1 changes what NumPy broadcasts
                if self.pending is not None:  # in a loop: refused at the iteration's end where it changes that
                    self.pending.append((name, known, shape, line))
                    return
                error = _error_at(self.staged, line, (
                    f"a value line {line} computes has shape {_show(known)} in one iteration of its loop and "
                    f"{_show(shape)} in another: "
                    "backgen writes code for one pattern of shapes per value, and a size that is 1 in some "
                    "iterations only (a slice such as x[i + 1:] at the last i) changes how NumPy broadcasts "
                    "it; loop over single elements (for j in range(i + 1, n)) or compute it for every "
                    "iteration at once"))
                error.varying_shape = "path"
                error.iteration = True
                raise error
            else:
                who = _user(name)
                picked = who.strip("'") == "pick" and "pick" not in self.staged.user_names
                who = "the value of a conditional expression (a if c else b)" if picked else who
                internal = not picked and who.strip("'") not in self.staged.user_names  # (a value staging named)
                if internal and again and self.lines[name] == line:  # (idx = np.nonzero(top == e)[0] in a loop)
                    what = (f"a value line {line} computes has shape {_show(known)} in one iteration of its loop "
                            f"and {_show(shape)} in another")
                else:
                    what = (f"{who} has shape {_show(known)} on one path (line {self.lines[name]}) and "
                            f"{_show(shape)} on another (line {line})")
            error = _error_at(self.staged, line, what + ": backgen writes code for one shape per value; " + (
                "give each of its values a name of its own" if picked else
                "select with a boolean mask, which keeps its shape (rows = top == e, then x[rows]), or compute "
                "it for every iteration at once" if not loop and internal and again and self.lines[name] == line
                else "give it a new name where its shape changes"))
            error.varying_shape = "loop" if loop else "path"  # (shape-generic code checks loops as it runs)
            error.items_changed = isinstance(known, Items) or isinstance(shape, Items)  # (a list's items)
            error.iteration = again  # (the same line in another iteration of its loop)
            error.number_and_array = () in (_exact(known), _exact(shape)) and not isinstance(known, Items) \
                and not isinstance(shape, Items)  # (a number on one path, an array on the other)
            if (error.number_and_array or again and self.grown) and (again or self.grown) and self.zero_starts \
                    and self.staged.shape_free:
                error.varying_shape = "loop"  # (computed from a loop's number in the first iteration, from
                # the array it became in a later one, or the array a loop made of it meeting the number another
                # path leaves: the loop changes its shape, as it did the number's; so too a value of one
                # array's shape in the first iteration, v = ys[t] - x of the row ys[t], of another in a later
                # one, x = x + K * v having made the number x an array of K's shape)
            error.varying_output = not loop and name in {a.name for a in self.staged.outputs
                                                         if isinstance(a, ir.Var)}
            if error.varying_output:  # (the shapes each path gives it, for a helper's callers to refuse)
                error.output_shapes = (_show(known), self.lines[name], _show(shape), line)
            raise error
        if known is None or isinstance(known, Items) and known.element is None:
            self.shapes[name] = shape
            self.lines[name] = line
            self.origins[name] = origin
        elif isinstance(known, Items) and isinstance(shape, Items) and shape.element is not None:
            self.shapes[name] = shape  # a list built in a loop: the length it has when the walk leaves it

    def refuse_unevaluated(self):
        """Refuse an operation NumPy raised on at every walk of it whose result's name took a shape
        from another line (the other branch of ``a if c else b``): that shape is a guess for this
        line.  One whose name has no shape at all is left to the lines that read it.  Likewise an
        operation never evaluated because a value it reads was not (NumPy raised before it, on the
        same path): refused at the line that raised."""
        if not self.failed:
            return
        evaluated = {op for op in ir.ops_in(self.staged.body) if id(op) in self.evaluated}
        for op, exc in self.failed.items():  # (row = v[i]; row += w staged as the write into v it is where row
            if op.line in self.staged.writes_staged_again:  # is an array, failing where it is a number: said so)
                hazard = next((here for _, here, _ in self.staged.number_hazards if here.lineno == op.line), None)
                if hazard is not None:
                    raise hazard
        for op, exc in self.failed.items():
            if op not in evaluated and op.target in self.shapes and op.rule != "setitem":
                raise _error_at(self.staged, op.line, f"NumPy raises on this line at the given shapes "
                                f"({type(exc).__name__}: {exc}), so backgen cannot tell the shape of its "
                                f"result; check the shapes given for the inputs, or write this path for them")
        for op in self.skipped:
            if op not in evaluated and op.target in self.shapes and op.rule != "setitem":
                failed = self.cause(op)
                exc = self.failed[failed]
                also = "" if failed.line == op.line else f", nor of what line {op.line} computes from it"
                raise _error_at(self.staged, failed.line, f"NumPy raises on this line at the given shapes "
                                f"({type(exc).__name__}: {exc}), so backgen cannot tell the shape of its result"
                                f"{also}; check the shapes given for the inputs, or write this path for them")

    def targets(self):
        """The names the function's operations set."""
        if getattr(self, "_targets", None) is None:
            self._targets = frozenset(op.target for op in ir.ops_in(self.staged.body))
        return self._targets

    def cause(self, op):
        """The operation NumPy raised on whose value the skipped ``op`` reads (through others skipped)."""
        made = {other.target: other for other in list(self.failed) + list(self.skipped)}
        seen = set()
        while op in self.skipped and op not in seen:
            seen.add(op)
            op = made.get(self.skipped[op], op)
        return op if op in self.failed else next(iter(self.failed))

    def atom(self, atom, env):
        if isinstance(atom, ir.Const):
            code = self.parts.get(atom.source)
            if code is None:
                try:
                    code = self.parts[atom.source] = _compiled(atom.source, f"<backgen shapes of {self.staged.name}>",
                                                             "eval")
                except SyntaxError:
                    return None
            try:
                value = eval(code, self.namespace, env)
            except Exception:
                return None
            if isinstance(value, np.ndarray):
                self.shapes.setdefault(atom.source, value.shape)
            return value
        return env.get(atom.name)

    def block(self, items, env):
        for item in items:
            if item.__class__ is ir.Op:
                self.op(item, env)
            elif item.__class__ is ir.If:
                self.branches(item, env)
            else:
                self.loop(item, env)

    def op(self, op, env):
        if op.rule == "list_sum" and op.target in self.zero_sums:  # (the list left empty: see zero_sums)
            env[op.target] = 0
            self.record(op.target, 0, op.line, origin=op)
            return
        missing = None  # an operand whose value is unknown here (each constant is evaluated: its shape is noted)
        for atom in op.args:
            if atom.__class__ is ir.Var:
                if missing is None and (atom.name not in env or self.other and _empty_list(env[atom.name])):
                    missing = atom.name  # (the second walk: a list its loops left empty, sum(hs) then 0, is
                                         # not walked on; the code takes that case as it comes)
            else:
                self.atom(atom, env)
        if missing is not None:
            env.pop(op.target, None)  # computed from a value of unknown shape
            self.ran = False
            self.skipped.setdefault(op, missing)
            if self.pretending:
                self.pretended.add(op)
            return
        try:
            if not self.room_checked:  # (the first operation of a loop's iteration: check_room, as the probe does)
                self.room_checked = True
                check_room()
            if id(op) in self.owned_writes:
                env.pop(op.target, None)  # (its value in the iteration before, which may hold the array too)
            self._run(op, env)
            if op.rule == "inert" and env[op.target].__class__ is dict and any(
                    a.__class__ is ir.Var and env.get(a.name).__class__ is SampleSettings for a in op.args):
                env[op.target] = SampleSettings.holding(env[op.target])  # {"axis": 1, **ln_param}: settings still
        except Exception as exc:
            env.pop(op.target, None)  # cannot happen on this path with these shapes (see refuse_unevaluated)
            self.ran = False
            unset = _unset_read(exc, self.compiled.get(id(op)), env)
            if unset is None and exc.__class__ is KeyError and exc.args and isinstance(exc.args[0], str) and \
                    exc.args[0] not in env and exc.args[0] in self.targets():  # (a name a constant's text reads,
                unset = exc.args[0]  # np.full(n, -np.inf), left unevaluated before)
            if self.pretending:
                self.pretended.add(op)
            if unset is not None:  # a value its text reads besides its operands (a mask, eta[dead]) that a
                self.skipped.setdefault(op, unset)  # failed line left unset: skipped, as for an operand
                return
            self.failed.setdefault(op, exc)
            if not dead_paths.shape_error(exc):
                self.value_failed.add(op)
            return
        self.evaluated.add(id(op))
        value = env[op.target]
        if op.rule in _ARITHMETIC and (value.__class__ is list or value.__class__ is tuple) and any(
                a.__class__ is ir.Var and _holds_values(env.get(a.name)) for a in op.args):  # (not [0.0] * n)
            raise _error_at(self.staged, op.line, f"`{op.source}` joins or repeats lists (Python's + and * on them), "
                                                  "which backgen does not differentiate: make an array of the list "
                                                  "(np.array(...)) for arithmetic, or build the list with append")
        if op.rule == "call" and any(isinstance(self.atom(a, env), (list, tuple)) and
                                     any(isinstance(item, (list, tuple)) for item in self.atom(a, env))
                                     for a in op.args):
            raise _error_at(self.staged, op.line, f"{op.param('function')}() is given a list holding lists, which "
                                                  "backgen does not differentiate: give it the lists themselves")
        self.counted_by(op, env)
        if op.rule == "list_sum" and isinstance(op.args[0], ir.Var):  # sum([s, X]): s broadcast
            items, total = env.get(op.args[0].name), np.shape(env[op.target])
            if not isinstance(items, list) or any(np.shape(item) != total for item in items):
                self.shapes.uneven.add(op.target)
        before = self.in_place.get(op.target)
        if before is not None and not isinstance(before, str):  # a constant (np.zeros(()))
            before = self.atom(before, env)
        elif before is not None:
            before = env.get(before)
        if type(before) is np.ndarray and type(env[op.target]) is not np.ndarray:
            # h op= v with h a 0-d array wrote into it: h is that array still (and so are its copies), which
            # a later op= through another name for it writes into.  The backward's replay computes h + v, a
            # NumPy number, as the line does alone: the staged forward is run as it is, to refuse a write
            # into that number (h[...] = v), which would fail there
            env[op.target] = np.asarray(env[op.target])
            self.ran = False
        self.record(op.target, env[op.target], op.line, origin=op)
        if not self.check_stated(op, env) and not (op.rule == "inert" and env[op.target].__class__ in _COUNTS):
            self.unstated += 1  # (an integer or flag, len(y): its value is among a loop's signature's)
        if self.watching:
            self.note_data_integers(op, env)
        value = env[op.target]
        if type(value) is np.bool_ or type(value) is np.ndarray and value.dtype.kind == "b":
            self.shapes.boolean.add(op.target)
        if op.rule in ("np.copy", "np.astype") and np.asarray(value).dtype.kind in "biu" and \
                isinstance(op.args[0], ir.Var) and np.asarray(env.get(op.args[0].name)).dtype.kind in "fc":
            self.shapes.integer_casts.add(op.target)  # (x.astype(idx.dtype) of an integer array idx)
        if op.rule in ("getitem", "setitem"):
            self.boolean_index(op, env)
        if op.rule in ("select", "np.select_if", "max", "min"):  # a if c else b, max(a, b): whichever is
            choices = op.args if op.rule in ("max", "min") else op.args[1:]  # the result, it has one shape
            for atom in choices:
                value = self.atom(atom, env)
                if value is not None:
                    self.record(op.target, value, op.line)
        if op.rule == "setitem":  # the part written: a value may broadcast over it
            written = env[op.target]
            if type(written) is np.ndarray and written.dtype.kind in "biu":
                self.shapes.integers.add(op.target)
                if written.dtype.kind == "b":
                    self.shapes.integers.bool.add(op.target)
            part_name = f"{op.target}[{op.param('index')}]"
            code = self.parts.get(part_name)
            if code is None:
                code = self.parts[part_name] = _compiled(part_name, f"<backgen shapes of {self.staged.name}>", "eval")
            try:
                part = eval(code, self.namespace, env)
            except Exception:
                return
            self.record(part_name, part, op.line, origin=op)

    def check_stated(self, op, env):
        """Compare the shape NumPy gave ``op``'s value with the one its rule states from its operands'
        shapes (``rules.result_shapes``): shapes propagate through the rules, the evaluation giving
        the values that decide the rest (a mask's count, a helper's result); a disagreement is
        backgen's own error, refused rather than written into code.  True where a statement was
        compared (and agreed).  An operation is compared once per shape of its result (each
        iteration of a loop gives most the shapes the first did)."""
        value = env[op.target]
        actual = value.shape if value.__class__ is np.ndarray else result_shapes.observed(value)
        if actual is None:
            return False
        if self.stated_results.get(id(op)) == actual:
            return True
        shapes, nones = [], []
        for atom in op.args:
            if atom.__class__ is ir.Var:
                value = env[atom.name]
                shape = value.shape if value.__class__ is np.ndarray else result_shapes.observed(value)
                none = value is None
            else:
                shape, none = self.constant_shapes.get(atom.source, (_MISSING, False))
                if shape is _MISSING:
                    value = self.atom(atom, env)
                    shape, none = result_shapes.observed(value), value is None
                    if source.code_names(atom.source) <= set(self.staged.modules.values()):  # (not one reading a
                        self.constant_shapes[atom.source] = (shape, none)  # loop's variable: x[i:i + 2])
            if shape is None:  # (a dict, a string: nothing stated of it)
                return False
            shapes.append(shape)
            nones.append(none)
        key = (id(op), tuple(shapes))
        if self.stated_seen.get(key) == actual:
            return True
        try:
            params = self.static_values(op, env)
        except Exception:  # noqa: BLE001 (an argument of no value here, such as an unbound name: unstated)
            return False
        call = result_shapes.Call(shapes, nones, params, op.source)
        try:
            stated = result_shapes.stated(op.rule, call)
        except result_shapes.ShapeError as exc:
            stated = f"no shape ({exc})"
        except Exception:  # noqa: BLE001 (a statement that cannot read these operands: unchecked, not refused)
            return False
        if stated != actual and stated is not result_shapes.VALUES:
            raise _error_at(self.staged, op.line, (
                f"backgen's rule for `{op.source}` states a result of shape {stated} where NumPy gives "
                f"{actual}: this is an error in backgen, which writes no code from it; please report it"))
        if stated is result_shapes.VALUES:
            return False
        self.stated_seen[key] = self.stated_results[id(op)] = actual
        return True

    def static_values(self, op, env):
        """The values of ``op``'s static arguments where it is (an index as the key it is)."""
        values = {}
        for name, text in op.params:
            if name in _UNSTATED_PARAMS:
                continue
            code = self.parts.get(("param", name, text))
            if code is None:
                wrapped = f"{_KEY}[{text}]" if name == "index" else text
                code = self.parts[("param", name, text)] = _compiled(
                    wrapped, f"<backgen shapes of {self.staged.name}>", "eval")
            values[name] = eval(code, self.namespace, {**env, _KEY: _Key()} if name == "index" else env)
        return values

    def boolean_index(self, op, env):
        """Note the parts of ``op``'s index that hold booleans (``b[m]`` with ``m = np.greater(b, 0)``,
        ``(b > 0).copy()``, a mask from a list): what the index is, not how it is spelled."""
        parts = self.index_parts.get(id(op))
        if parts is None:
            parts = self.index_parts[id(op)] = ast.literal_eval(op.param("index_vars") or "()")
        for part in parts:
            if part in self.shapes.boolean:
                continue
            value = env.get(part, _MISSING)
            if value is _MISSING:
                try:
                    code = self.parts.get(part)
                    if code is None:
                        code = self.parts[part] = _compiled(part, f"<backgen shapes of {self.staged.name}>", "eval")
                    value = eval(code, self.namespace, env)
                except Exception:  # noqa: BLE001 (a part of no value here: nothing to note)
                    continue
            if type(value) is np.bool_ or type(value) is np.ndarray and value.dtype == np.bool_:
                self.shapes.boolean.add(part)

    def counted_by(self, op, env):
        """Follow lists whose length the path decides (see ``counted``): a list made from one is one
        too; an array made from one, of other than its elements' shape, has no one shape: refused
        where the code is written for given shapes (the walk's length is one path's; an array of
        one row broadcasts where one of several does not).  Code for every rank is left alone: its
        gradients undo broadcasting by the shapes they are given at run time."""
        if not self.counted:  # (no such list: most functions)
            return
        lists = [a.name for a in op.args if isinstance(a, ir.Var) and a.name in self.counted]
        if not lists:
            return
        value = env[op.target]
        if isinstance(value, list) or _integral(value) and op.source.startswith("len("):  # (n = len(hs): a count
            self.counted[op.target] = self.counted[lists[0]]  # the path decides, as the loops over range(n))
            if lists[0] in self.emptied:  # (as empty as the list may be: a count that may be 0)
                self.emptied.add(op.target)
            return
        if self.staged.shape_free or np.ndim(value) == 0:
            return
        items = env.get(lists[0])
        element = np.shape(items[0]) if isinstance(items, list) and items else None
        if np.shape(value) == element and self._length_free(op, env, lists[0]):
            if lists[0] in self.emptied and op.rule == "list_sum":  # sum(hs) of none is the number 0: walked
                self.shapes.zero_sums.add(op.target)  # so too (_refuse_zero_sums)
            elif lists[0] in self.emptied and not self._length_free(op, env, lists[0], empty=True):
                raise _error_at(self.staged, op.line, (
                    f"the list made an array here holds as many values as the path through line "
                    f"{self.counted[lists[0]]} adds (a branch, or a loop that may stop early, decides how many), "
                    f"none on some paths, where it gives a value of another shape, and backgen writes code for "
                    f"one shape per value; give the list a fixed length (a zero where nothing is added)"))
            return  # np.sum(hs, axis=0), sum(hs): the elements' shape (np.concatenate(hs) at one item too,
                    # which another item widens)
        raise _error_at(self.staged, op.line, f"{_user(lists[0])} holds as many values as the path through line "
                        f"{self.counted[lists[0]]} adds (a branch, or a loop that may stop early, decides how "
                        f"many): the array made of it here has no one shape, and backgen writes code for one "
                        f"shape per value; give the list a fixed length (a zero where nothing is added)")

    def _length_free(self, op, env, name, empty=False):
        """Whether ``op`` gives a value of the same shape with the list ``name`` one item longer (with
        ``empty``, with no items, or raises then, as the forward does on that path: np.stack(hs))."""
        trial = dict(env)
        trial[name] = [] if empty else list(env[name]) + list(env[name][:1])
        try:
            self._run(op, trial)
        except Exception:  # noqa: BLE001 (an operation that fails on more items: not of one shape)
            return empty
        return np.shape(trial[op.target]) == np.shape(env[op.target])

    def _run(self, op, env):
        """Run ``op``'s lines in ``env`` (``exec`` of its text, in the namespace)."""
        known = self.compiled.get(id(op))  # (the staged items outlive the walk: an id is the op's)
        if known is None:
            known = self.compiled[id(op)] = self._common(op) or self._code(op)
        if known.__class__ is tuple:
            code, aliases, names, kept = known
            if not kept or not any(name in env for name in kept):  # (else a namespace name is the user's here)
                env[op.target] = eval(code, self.namespace, dict(zip(aliases, map(env.__getitem__, names))))
                return
            known = self.compiled[id(op)] = self._code(op)
        exec(known, self.namespace, env)

    def _code(self, op):
        lines = op.lines()
        if id(op) in self.owned_writes:  # (the array itself, where no other name or view holds it: see owned)
            lines = ((op.target, f"{_OWNED}({op.args[0].name})"),) + lines[1:]
        text = "\n".join(f"{target} = {source}" for target, source in lines)
        return _compiled(text, f"<backgen shapes of {self.staged.name}>", "exec")

    def _common(self, op):
        """``(code, aliases, names, kept)``: the expression of a one-line ``op`` whose tree is known,
        compiled with each name the namespace does not define (``names``) read as its alias
        (``aliases``, in the same order) from a dictionary of its own (``np.tanh(_backgen_0)``), so
        that operations alike share one compile; ``kept``: the names it reads from the namespace.
        None for other operations."""
        if op.rule == "setitem" or source.expression.known.get(op.source) is None and \
                op.source not in source.unbuilt:  # (no tree noted, built or to be built)
            return None
        renamed, kept = {}, set()
        text = _commoned_text(op.source, renamed, kept, self.namespace)
        if text is None:
            try:
                text = source.to_source(_commoned(source.expression(op.source), renamed, kept, self.namespace))
            except _Uncommon:
                return None
        code = self.common.get(text)
        if code is None:
            code = self.common[text] = _compiled(text, f"<backgen shapes of {self.staged.name}>", "eval")
        return code, tuple(renamed.values()), tuple(renamed), frozenset(kept)

    def zero_start(self, carried, value, loop):
        """Whether the loop carries ``carried`` from a number written in the code (``mu = 0.0``), which
        the first iteration's arithmetic broadcasts to an array (``mu += x[i]``): it then has the
        array's shape, the number being the value the first iteration starts from, which carries no
        gradient.  Every value the iterations compute still has one shape, the first's included (code
        written for every rank checks, as it runs, that the value keeps the shape the first iteration
        gives it)."""
        origin = self.origins.get(carried)
        if carried in self.zero_starts:
            return True
        if not (type(value) in (int, float) and origin is not None and origin.rule == "copy"
                and len(origin.args) == 1 and isinstance(origin.args[0], ir.Const)
                and source.number_text(origin.args[0].source) is not None and loop.kind == "for"):
            return False
        exit = dict(loop.exits)[carried]
        if not isinstance(exit, ir.Var) or exit.name == carried:
            return False
        self.zero_starts[carried] = origin
        self.shapes.numbers_first.add(carried)
        return True

    def branches(self, item, env):
        if self.exact and id(item) not in self.tests_ok:
            self.test(item, env)
        truth = self.rank_test(item, env) if self.ranked else None
        body, orelse = dict(env), dict(env)
        if truth is not None and self.rank_skip and dead_paths.stays(item):
            self.rank_skipped.add(id(item))
            self.block(item.body if truth else item.orelse, body if truth else orelse)
        else:
            self.block(item.body, body)
            self.block(item.orelse, orelse)
        if item.breaks:
            for carried, value in item.exits:
                found = self.atom(value, body)
                if found is not None or isinstance(value, ir.Var) and value.name in body:
                    self.record(carried, body[value.name] if isinstance(value, ir.Var) else found, item.line)
        for name in sorted(set(body) | set(orelse)):  # a name either branch set (or dropped) anew
            before = env.get(name, _MISSING)
            sides = [branch.get(name, before) for branch in (body, orelse)]
            if all(isinstance(side, list) for side in sides) and len(sides[0]) != len(sides[1]):
                self.counted.setdefault(name, item.line)  # (as long as one branch or the other makes it)
            if not self.forks and _settled(sides[0]) and _settled(sides[1]) and sides[0] != sides[1]:
                self.forks = True  # n = 1 if c else len(x): each branch's lengths made of it (x[:n]) are walked
            if not self.forks and _item_shapes(sides[0]) != _item_shapes(sides[1]) and \
                    None not in (_item_shapes(sides[0]), _item_shapes(sides[1])):
                self.forks = True  # (hs + [a] on one path, hs + [X] on the other: hs[-1] of each walked too)
            if self.other and orelse.get(name, _MISSING) is not _MISSING:  # the other path's value as it is
                env[name] = orelse[name]
                continue
            for branch in (body, orelse):
                value = branch.get(name, _MISSING)
                if value is not before and value is not _MISSING:
                    env[name] = value
                    break

    def test(self, item, env):
        """Note whether the test of the ``if`` or ``while`` ``item`` runs here (``failed_tests``, ``tests_ok``):
        one NumPy raises on as it is reached at every walk raises wherever it is (``dead_paths``)."""
        code = self.parts.get(item.test)
        try:
            if code is None:
                code = self.parts[item.test] = _compiled(item.test, f"<backgen shapes of {self.staged.name}>", "eval")
            bool(eval(code, self.namespace, env))
        except Exception as exc:  # noqa: BLE001 (a test that raises here: noted, the walk goes on)
            self.failed_tests.setdefault(id(item), (item, exc))
            if not dead_paths.shape_error(exc):
                self.value_failed.add(id(item))
        else:
            self.tests_ok.add(id(item))

    def rank_test(self, item, env):
        """Note the truth of the test of the ``if`` ``item`` where it reads ranks alone (``np.ndim(a) == 2``,
        ``a.ndim``, ``len(a.shape)``) of values this walk knows (``rank_tests``); the truth, or None."""
        if not dead_paths.reads_ranks_only(item.test, self.staged.modules.get("np", "np")):
            return None
        code = self.parts.get(item.test)
        try:
            if code is None:
                code = self.parts[item.test] = _compiled(item.test, f"<backgen shapes of {self.staged.name}>", "eval")
            truth = bool(eval(code, self.namespace, env))
        except Exception:  # noqa: BLE001 (a value not known here: no truth noted)
            return None
        self.rank_tests.setdefault(id(item), (item, set()))[1].add(truth)
        return truth

    def loop(self, loop, env):
        outer, self.pending = self.pending, []
        try:
            self._loop(loop, env)
        finally:
            self.pending = outer

    def _counted_rounds(self, loop, env):
        """The iterations of the while ``loop`` where it counts to a bound (``_counting``) and runs at least
        once, as the values in ``env`` say (at most ``MAX_ROUNDS``), else None."""
        counting = _counting(loop)
        if not counting:
            return None
        counter, by = counting
        trial = dict(env)
        try:
            for rounds in range(self.MAX_ROUNDS + 1):
                if not eval(loop.test, self.namespace, trial):
                    return rounds or None
                trial[counter] = trial[counter] + by
        except Exception:  # noqa: BLE001 (walked as any other while loop)
            return None
        return None

    def _uniform(self, loop):
        """Whether every iteration of the for ``loop`` has the shapes of the one before wherever the
        values it starts with have the shapes they had as that one started, and nothing but shapes
        decides them: its body has no branch, no ``while``, no ``break``, and reads its variable only as
        a whole item of an index (``w[f]``, ``out[n, f, i, j]``: the same shape at every index in range),
        nowhere else (a slice's bounds, arithmetic, a call).  ``_loop`` then walks such a loop until three
        iterations in a row start and end with the same shapes (``_signature``: no list, tuple or dict
        set or read, whose items may each have a shape of its own), while every operation's shape is
        stated by its rule from its operands' shapes (none of a shape the values decide, ``x[x > 0]``;
        none raised; no integer made of data, ``int(x[n, 0])``: ``unsettled``), and leaves the rest,
        whose shapes would be the same again."""
        known = self.uniform.get(id(loop))
        if known is None:
            known = self.uniform[id(loop)] = bool(loop.var) and _reads_only_as_item(loop.body, loop.var,
                                                                                    dict(loop.exits))
        return known

    def _signature(self, loop, env):
        """The shapes and kinds of the values ``loop``'s body sets, as they are in ``env``, the value of each
        integer or boolean number among them (a size the data may decide: ``k = int(x[n, 0])``), and the
        count of the operations so far whose shapes their rules did not state (or that raised, or were
        skipped); None where one of them, or of the values it reads, is a list, a tuple or a dict (whose
        items, read at the loop's variable, may each have a shape of its own)."""
        names = self.body_names.get(id(loop))
        if names is None:
            ops = list(ir.ops_in(loop.body))
            names = self.body_names[id(loop)] = (
                sorted({op.target for op in ops} | set(loop.carried)),
                sorted({atom.name for op in ops for atom in op.args if atom.__class__ is ir.Var}))
        written, read = names
        for name in read:
            kind = env.get(name).__class__
            if kind is list or kind is tuple or kind is dict:
                return None
        shapes = []
        for name in written:
            value = env.get(name, _MISSING)
            kind = value.__class__
            if kind is list or kind is tuple or kind is dict:
                return None
            if kind is np.ndarray:
                shapes.append((kind, value.shape, value.dtype, value.item() if value.ndim == 0 and
                               value.dtype.kind in "biu" else None))
            else:
                shapes.append((kind, value if kind is int or kind is bool or isinstance(value, (np.integer, np.bool_))
                               else None))
        return tuple(shapes), self.unsettled

    def note_data_integers(self, op, env):
        """Count ``op`` in ``data_integers`` where it makes integers or booleans of an array's or a float's
        values (``k = int(x[n, 0])``, ``y[n]`` of labels, ``x[n] > 0``): a size or an index the data may
        decide, whatever the shapes.  (``len(xs)`` of a list counts too: a loop reading it is walked on; of
        an array, its first size, it does not.)  Called
        while a loop ``_uniform`` holds of is walked (``watching``), the only walks that read the count."""
        value = env[op.target]
        kind = value.__class__
        if not (kind is int or kind is bool or kind is np.bool_ or isinstance(value, np.integer)
                or kind is np.ndarray and value.dtype.kind in "biu"):
            return
        if len(op.args) == 1 and op.args[0].__class__ is ir.Var and env.get(op.args[0].name).__class__ is np.ndarray \
                and op.source == f"len({op.args[0].name})":
            return  # (len of an array: its first size, the same while its shape is)
        for atom in op.args:
            if atom.__class__ is ir.Var:
                read = env.get(atom.name).__class__
                if read is np.ndarray or read is float or issubclass(read, np.generic):
                    self.data_integers += 1
                    return

    @property
    def unsettled(self):
        """The operations so far whose shapes their rules did not state, that raised or were skipped, or
        that made integers of data (``note_data_integers``): while a loop's iterations add none, each
        iteration's shapes follow from those it starts with."""
        return self.unstated + len(self.failed) + len(self.skipped) + self.data_integers

    def settle(self, loop, env):
        """Refuse the sizes of 1 an iteration gave values the first did not (or the other way:
        ``x[i:]`` at the last i) where the code written for the first iteration's would be wrong for
        them: a rank, or what an operand broadcasts along (``x[i:] * x[i]`` is alike at every i)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        other = {name: np.shape(value) for name, value in env.items()
                 if type(value) is np.ndarray or isinstance(value, (int, float, np.number))}
        for op in ir.ops_in(loop.body):
            if op.rule == "setitem" and op.target in env:
                with contextlib.suppress(Exception):  # (the part written, as the walk notes it)
                    other[f"{op.target}[{op.param('index')}]"] = np.shape(
                        eval(f"{op.target}[{op.param('index')}]", self.namespace, env))
        if pattern_conflict(self.staged, self.shapes, other) is None:
            return
        name, known, shape, line = pending[0]
        error = _error_at(self.staged, line, (
            f"a value line {line} computes has shape {_show(known)} in one iteration of its loop and "
            f"{_show(shape)} in another: backgen writes code for one pattern of shapes per value, and a size "
            "that is 1 in some iterations only (a slice such as x[i + 1:] at the last i) changes how NumPy "
            "broadcasts it; loop over single elements (for j in range(i + 1, n)) or compute it for every "
            "iteration at once"))
        error.varying_shape = "path"
        error.iteration = True
        raise error

    def _loop(self, loop, env):
        for carried in loop.carried:
            if carried in env:
                if self.zero_start(carried, env[carried], loop):
                    continue
                self.record(carried, env[carried], loop.line)
        if loop.kind == "for":  # every iteration: a list built in the loop gets its length
            empty = False  # (the iterable of no items here, rather than one NumPy raised on before)
            try:
                values = list(itertools.islice(iter(eval(loop.iterable, self.namespace, env)), self.MAX_ROUNDS))
                empty = not values
            except Exception:
                values = []
            self.iterations[id(loop)] = min(len(values), self.iterations.get(id(loop), len(values)))
            if not values and id(loop) in self.droppable and not self.other:
                self.unrun.add(id(loop))  # (left out of the code for these values: nothing to walk)
                return
            emptied = bool(self.counted) and any(n in self.counted and n in self.emptied  # (for h in hs, for k in
                                           for n in source.names_in(loop.iterable))  # range(len(hs)): none too)
            self.forks |= not values or emptied
            values = [] if self.other and emptied else values
            pretend = empty and not self.other
            values = values or ([] if self.other else [0])  # run 0 times here: the body's shapes all the same
        else:  # a while loop's test is data: walk two iterations, never until it ends (the second walk: none),
            pretend = False
            # where it counts to a bound (_counting): walk it to its end
            if self.exact and id(loop) not in self.tests_ok:
                self.test(loop, env)
            if id(loop) in self.droppable and not self.other:
                try:
                    runs = bool(eval(loop.test, self.namespace, env))
                except Exception:  # noqa: BLE001 (walked as any other)
                    runs = True
                if not runs:  # false as it starts, as the sizes say: no iteration wherever the code is used
                    self.unrun.add(id(loop))
                    return
            self.forks = True
            rounds = None if self.other else self._counted_rounds(loop, env)
            values = [] if self.other else [None] * (rounds or self.WHILE_ROUNDS)
        stops = loop.line if loop.kind == "while" and not rounds or loop.breaks else None  # the line deciding
        # the iterations (a while loop counting to a bound, walked to its end, runs as a for loop over a range)
        if stops is None and self.counted and loop.kind == "for":  # (for k in range(n), n = len(hs))
            stops = next((self.counted[n] for n in sorted(source.names_in(loop.iterable)) if n in self.counted), None)
        uniform = loop.kind == "for" and len(values) > 3 and self._uniform(loop)
        signatures, unsettled, watched = [], self.unsettled, uniform
        self.watching += watched
        self.pretending += pretend
        try:
            for value in values:
                if uniform:  # (three iterations alike in shapes, as each starts and ends: the rest give the same)
                    if self.unsettled != unsettled:  # (the last one added operations no rule stated, or that
                        unsettled, signatures = self.unsettled, []  # raised: those after it must add none; the
                        # same operations raising in each are counted once, an unstated one in each iteration)
                    signatures.append(self._signature(loop, env))
                    if len(signatures) > 3 and \
                            signatures[-1] == signatures[-2] == signatures[-3] is not None:
                        env[loop.var] = values[-1]  # (the variable as the loop leaves it: x[n:] after it has one row)
                        break
                self.room_checked = False
                if loop.var:
                    env[loop.var] = value
                    self.record(loop.var, value, loop.line)
                self.block(loop.body, env)
                self.settle(loop, env)
                ends = {}
                for carried, exit in loop.exits:
                    if isinstance(exit, ir.Var):
                        if exit.name in env:
                            ends[carried] = env[exit.name]
                    else:
                        ends[carried] = self.atom(exit, env)
                for carried, value_at_end in ends.items():
                    self.record(carried, value_at_end, loop.line, loop=True)
                    exit = dict(loop.exits)[carried]
                    if isinstance(value_at_end, list):
                        if isinstance(exit, ir.Var) and exit.name in self.counted:
                            self.counted.setdefault(carried, self.counted[exit.name])
                        elif stops is not None and \
                                not (isinstance(env.get(carried), list) and len(env[carried]) == len(value_at_end)):
                            self.counted.setdefault(carried, stops)  # as many as the iterations that ran
                    env[carried] = value_at_end
                ends = value_at_end = None  # (env alone holds the values: a write may go into an array, see owned)
        finally:
            self.watching -= watched
            self.pretending -= pretend


def _counting(loop):
    """``(counter, step)`` where the while ``loop`` counts to a bound as a for loop over a range does
    (``while t < n:`` ... ``t += 1``, ``while t >= 0:`` ... ``t -= 1``), else None: no break, its test
    ``t < n`` or ``t <= n`` (``t > n``, ``t >= n``) of a bound it does not change, and ``t`` written once
    in it, outside any branch, one more (one less) by a whole number ``step`` each iteration.  Its
    iterations are then as many as the values it starts with say (the sizes), not as the path decides."""
    try:
        test = ast.parse(loop.test, mode="eval").body
    except SyntaxError:
        return None
    if loop.breaks or not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
                           and isinstance(test.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE))):
        return None
    counter, exits = test.left.id, dict(loop.exits)
    written = {op.target for op in ir.ops_in(loop.body)}
    if (source.names_in(loop.test) - {counter}) & (written | set(exits)) or \
            not isinstance(exits.get(counter), ir.Var):
        return None
    step = next((item for item in loop.body if isinstance(item, ir.Op) and item.target == exits[counter].name), None)
    if step is None or step.rule not in ("add", "sub") or len(step.args) != 2 or not (
            isinstance(step.args[0], ir.Var) and step.args[0].name == counter and isinstance(step.args[1], ir.Const)):
        return None
    by = source.number_text(step.args[1].source)
    if type(by) is not int or by == 0:
        return None
    by = by if step.rule == "add" else -by
    return (counter, by) if (by > 0) == isinstance(test.ops[0], (ast.Lt, ast.LtE)) else None


_MISSING = object()
_COUNTS = frozenset({int, bool})  # (the kinds of number an inert line's value is kept by, in _signature)
_ALIAS = "_backgen_"
_COMMON = {ast.Name, ast.Constant, ast.Attribute, ast.Call, ast.keyword, ast.BinOp, ast.UnaryOp, ast.Subscript,
           ast.Slice, ast.Tuple, ast.List, ast.Compare, ast.BoolOp, ast.IfExp}  # (no scope of their own)


def written_in_place(staged):
    """The ids of the writes (``setitem``) into an array that nothing reads after them by the name they
    write into: ``cols_1 = cols.copy(); cols_1[:, col] = r``, where ``cols`` is read no more (a loop
    carries ``cols_1`` into it as the iteration ends).  A sample run may write such a one into the array
    itself rather than a copy, where no other name or view holds it (``owned``): the values are those of
    the copy, without copying the whole array at each write (a preallocated array filled in a loop).
    Found by reading the forward backwards, each name live where a later line (a later iteration, a
    test, an output) may read it."""
    found = staged.__dict__.get("_written_in_place")  # (worked out once: no field, replace() leaves it)
    if found is None:
        found, live = set(), set()
        for atom in staged.outputs:
            live |= {atom.name} if atom.__class__ is ir.Var else set(source.code_names(atom.source))
        _live_before(staged.body, live, found, live)
        found = staged.__dict__["_written_in_place"] = frozenset(found)
    return found


def _names_read(item):
    """Every name an item reads (an operation, or a block with what it holds)."""
    if item.__class__ is ir.Op:
        names = set(item.reads())
        for atom in item.args:
            if atom.__class__ is ir.Const:
                names |= source.code_names(atom.source)
        return names
    if item.__class__ is ir.If:
        names = set(source.code_names(item.test))
        parts = item.body + item.orelse
    else:
        names = set(source.code_names(item.iterable or item.test))
        parts = item.body
    for _, value in item.exits:
        names |= {value.name} if value.__class__ is ir.Var else set(source.code_names(value.source))
    for part in parts:
        names |= _names_read(part)
    return names


def _live_before(items, live, found, leaving):
    """The names live before ``items`` where ``live`` are live after them, noting in ``found`` the writes
    none reads after (see ``written_in_place``); ``leaving``: those live where the enclosing loop is left
    (by a ``break``)."""
    for item in reversed(items):
        kind = item.__class__
        if kind is ir.Op:
            if item.rule == "setitem" and item.args and item.args[0].__class__ is ir.Var and \
                    item.source == f"{item.args[0].name}.copy()" and item.args[0].name not in live:
                found.add(id(item))
            live = (live - {item.target}) | _names_read(item)
        elif kind is ir.If:
            out = live | _names_read(item) | leaving if item.breaks else live
            live = _live_before(item.body, set(out), found, leaving) | \
                _live_before(item.orelse, set(live), found, leaving) | set(source.code_names(item.test))
        else:
            read = _names_read(item)
            out = ((live | read) - set(item.carried)) | {
                value.name if value.__class__ is ir.Var else name for name, value in item.exits} | {
                n for _, value in item.exits if value.__class__ is ir.Const for n in source.code_names(value.source)}
            _live_before(item.body, out, found, live | read)
            live = live | read
    return live


def owned(value):
    """``value`` itself where it owns its memory (it is no view of another array, whose memory a write
    into it would change: a sample argument's) and nothing but the one name a write reads it by holds it
    (no other name, no view of it): the write changes nothing else; else its copy."""
    if type(value) is np.ndarray and value.base is None and _SOLE > 0 and sys.getrefcount(value) <= _SOLE:
        return value
    return value.copy()


def _sole():
    """The count ``sys.getrefcount`` gives in ``owned`` of an array one name holds (3 in CPython 3.11: the
    name, the parameter, the count's own argument); read as this interpreter counts (-1, no write in
    place, where it counts none)."""
    if not hasattr(sys, "getrefcount"):
        return -1
    env = {"a": np.zeros(1)}
    counted = eval(compile("count(a)", "<backgen>", "eval"), {"count": lambda value: sys.getrefcount(value)}, env)

    def local():
        a = np.zeros(1)
        return (lambda value: sys.getrefcount(value))(a)
    return min(counted, local())


_SOLE = _sole()
_OWNED = "_backgen_owned"


def _reads_only_as_item(items, var, exits=None):
    """Whether ``items`` hold no branch, ``while`` or ``break``, and read ``var`` only as a whole item of an
    operation's index (``w[var]``, ``out[n, var, :]``), nowhere else (see ``_Walker._uniform``).  With the
    loop's ``exits`` (its body's own items), an ``if`` that only leaves the loop as an iteration's end
    would is no branch (``_only_breaks``)."""
    for item in items:
        kind = item.__class__
        if kind is ir.If and exits is not None and _only_breaks(item, var, exits):
            continue  # (if converged: break -- the shapes of every iteration the same, wherever it stops)
        if kind is ir.If or kind is ir.Loop and (item.kind != "for" or item.breaks or item.var == var):
            return False
        if kind is ir.Loop:
            if var in source.code_names(item.iterable) or not _reads_only_as_item(item.body, var) or any(
                    exit.__class__ is not ir.Var and var in source.code_names(exit.source) for _, exit in item.exits):
                return False
            continue
        for atom in item.args:
            if (atom.name == var) if atom.__class__ is ir.Var else var in source.code_names(atom.source):
                return False
        for name, text in item.params:
            if name == "index_vars":
                continue
            tree = source.expression(f"_[{text}]" if name == "index" else text)
            if tree is None:
                return False
            parts = (tree.slice.elts if isinstance(tree.slice, ast.Tuple) else [tree.slice]) if name == "index" \
                else [tree]
            if any(not (name == "index" and isinstance(part, ast.Name)) and var in source.name_ids(part)
                   for part in parts):
                return False
    return True


def _only_breaks(branch, var, exits):
    """Whether the if ``branch`` does nothing but leave the loop (``if np.max(np.abs(d)) < tol: break``)
    with the values an iteration ends with (``exits``): no operation on either path, and a test not
    reading the loop's variable.  Where the loop stops then decides no shape."""
    return branch.breaks and not branch.body and not branch.orelse and var not in source.code_names(branch.test) \
        and all(exits.get(name) == value for name, value in branch.exits)


class _Uncommon(Exception):
    """An expression ``_commoned`` leaves as it is."""


def _commoned_text(text, renamed, kept, namespace):
    """``_commoned`` of the expression ``text`` (printed by backgen, its tree known), read from the
    text: its names are the identifiers after no dot and before no keyword argument's ``=``.  None
    where the text may hold other identifiers (strings, a scope of its own, non-ASCII names)."""
    if not text.isascii() or _may_not_be_plain(text) and _NOT_PLAIN.search(text):
        return None
    pieces = _IDENTIFIER.split(text)  # (the identifiers at the odd positions: the pattern captures them)
    for k in range(1, len(pieces), 2):  # (``_aliased`` of each name but keywords, inline)
        name = pieces[k]
        if name in namespace or name in _BUILTINS or name in _KEYWORDS:
            if name not in _KEYWORDS:
                kept.add(name)
            continue
        alias = renamed.get(name)
        if alias is None:
            alias = renamed[name] = f"{_ALIAS}{len(renamed)}"
        pieces[k] = alias
    return "".join(pieces)


def _aliased(name, renamed, kept, namespace):
    """``name`` where the namespace defines it (noted in ``kept``), else its alias in ``renamed``."""
    if name in namespace or name in _BUILTINS:
        kept.add(name)
        return name
    alias = renamed.get(name)
    if alias is None:
        alias = renamed[name] = f"{_ALIAS}{len(renamed)}"
    return alias


def _may_not_be_plain(text):
    """Whether ``text`` holds a piece of what ``_NOT_PLAIN`` finds (most texts hold none: told by
    looking for the pieces, many times faster than a search with the pattern)."""
    return "'" in text or '"' in text or "#" in text or "lambda" in text or "for" in text or ":=" in text \
        or _ALIAS in text


_IDENTIFIER = re.compile(r"((?<![\w.])[A-Za-z_]\w*(?!\w)(?!\s*=(?!=)))")
_NOT_PLAIN = re.compile(r"['\"#]|\blambda\b|\bfor\b|:=|" + _ALIAS)
_KEYWORDS = frozenset(keyword.kwlist)


def _commoned(node, renamed, kept, namespace):
    """A copy of the expression ``node`` whose names the namespace does not define are aliases
    (``renamed``: name -> alias); ``kept`` gathers the others."""
    kind = node.__class__
    if isinstance(node, source.SHARED):  # (an operator, a context)
        return node
    if kind is ast.Name:
        if node.id.startswith(_ALIAS):
            raise _Uncommon
        alias = _aliased(node.id, renamed, kept, namespace)
        return node if alias == node.id else ast.Name(alias, ast.Load())
    if kind not in _COMMON:
        raise _Uncommon
    new = kind.__new__(kind)
    for field in kind._fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            value = [_commoned(item, renamed, kept, namespace) if isinstance(item, ast.AST) else item
                     for item in value]
        elif isinstance(value, ast.AST):
            value = _commoned(value, renamed, kept, namespace)
        setattr(new, field, value)
    return new


_BUILTINS = frozenset(vars(builtins))


def _exact(shape):
    """A shape to compare exactly: a list's by its element (its length grows as it is built)."""
    return ("list", shape.element) if isinstance(shape, Items) else tuple(shape)


def _growing(known, shape):
    """A list that was empty and now holds arrays (or the other way): no conflict yet."""
    return isinstance(known, Items) and isinstance(shape, Items) and None in (known.element, shape.element)


def _user(name):
    """The user's name for a staged value (``h_2`` is a version of ``h``)."""
    base, _, version = name.rpartition("_")
    return repr(base if base and version.isdigit() else name)


def _show(shape):
    if isinstance(shape, Items):
        return f"list of {'arrays' if shape.element is None else _show(shape.element)}"
    return str(tuple(shape))


def _error_at(staged, line, message):
    text = staged.lines[line - 1] if 0 < line <= len(staged.lines) else None
    col = len(text) - len(text.lstrip()) + 1 if text else None
    return BackgenError(message, staged.filename, line or None, col, text)


_NUMBERS = (int, float, bool, complex, np.float64, np.int64, np.bool_)


def _shape(value):
    """A value's shape; a list of arrays gets the shape of its first element with its length first."""
    if type(value) is np.ndarray:  # (most values: np.shape's answer, without its dispatch)
        return value.shape
    if value.__class__ in _NUMBERS:
        return ()
    if isinstance(value, (list, tuple)):
        first = next((v for v in value if v is not None), None)  # ([None] * T, filled with arrays later: None
        try:  # tells nothing of the items' shape, which the items set give)
            element = np.shape(first) if first is not None else None
        except ValueError:  # a tuple of arrays of several shapes (a layer's cache): no one shape
            element = None
        shape = Items((len(value),) + (element or ()))
        shape.element = element
        shape.ragged = _ragged(value, element)
        return shape
    if isinstance(value, dict):  # (a dict the function fills, hs[t] = h: a list's shape, its items' of one)
        items = list(value.values())
        try:
            element = np.shape(items[0]) if items else None
        except ValueError:
            element = None
        shape = Items((len(items),) + (element or ()))
        shape.element = element
        return shape
    return np.shape(value)


def list_names(staged, args, functions=None, shapes=None):
    """The names holding Python lists: built by list operations, sliced, copied, written into
    (``hs[0] = h``) or carried, and the parameters given lists (``args``).  np.stack(X) of an
    array X reads its rows: X is not one."""
    ops = list(ir.ops_in(staged.body))
    lists = {op.target for op in ops if op.rule in ("list_append", "list_make") or op.param("outputs", "1") != "1"
             or RULES[op.rule].returns_list}
    arrays = {name for name, value in zip(staged.params, args or ()) if isinstance(value, np.ndarray)}
    if shapes is not None:  # (the values the walk saw as arrays, not lists: their shapes are no Items)
        arrays |= {name for name, shape in shapes.items() if type(shape) is tuple}
        lists |= {op.target for op in ops if op.rule == "call" and isinstance(shapes.get(op.target), Items)}
        # (what a helper returned the walk saw as a list: def mk(a, b): return [a, b])
    lists |= {str(op.args[0]) for op in ops if op.rule in ("list_append", "list_sum", "list_max", "list_min")
              and isinstance(op.args[0], ir.Var) and not (op.rule == "list_sum" and op.args[0].name in arrays)}
    # (sum(x) of an array, sum(x + 1.0): its rows added)
    lists |= {name for name, value in zip(staged.params, args or ()) if isinstance(value, list) or
              isinstance(value, tuple) and any(isinstance(item, np.ndarray) for item in value)}  # (W, b)
    lists |= {op.target for op in ops if op.rule in ("copy", "setitem") and op.args and (
        op.source == "[]" or op.args[0].__class__ is ir.Const and source.list_display(op.args[0].source))}
    # ([], [None] * T, [0.0, 0.0]: a list, which hs[t] = h then fills)
    lists |= {op.target for op in ops if op.rule == "mul" and any(
        a.__class__ is ir.Const and source.list_display(a.source) for a in op.args)}
    # ([None] * (T + 1), a list display repeated a number of times the code computes)
    changed = bool(lists)  # (no list made: none sliced, copied or carried either)
    while changed:  # slices and copies of lists are lists; so are loops' carried lists
        size = len(lists)
        for op in ops:
            base = op.args[0] if op.args else None
            if isinstance(base, ir.Var) and base.name in lists and (
                    op.rule in ("copy", "setitem") or (op.rule == "getitem" and ":" in (op.param("index") or ""))):
                lists.add(op.target)
        for loop in ir.loops_in(staged.body):
            for carried, value in loop.exits:
                if isinstance(value, ir.Var) and value.name in lists:
                    lists.add(carried)
        changed = len(lists) != size
    return frozenset(lists)



def dict_names(staged):
    """The names holding dicts the function fills (``hs = {}``; ``hs[t] = h``): the empty dict made, its
    versions written or copied, and the loops' carried values of them."""
    ops = list(ir.ops_in(staged.body))
    dicts = {op.target for op in ops if op.rule == "copy" and op.args and op.args[0] == ir.Const("{}")}
    changed = bool(dicts)
    while changed:
        size = len(dicts)
        dicts |= {op.target for op in ops if op.rule in ("copy", "setitem") and op.args and
                  isinstance(op.args[0], ir.Var) and op.args[0].name in dicts}
        for loop in ir.loops_in(staged.body):
            dicts |= {carried for carried, value in loop.exits if isinstance(value, ir.Var) and value.name in dicts}
        changed = len(dicts) != size
    return frozenset(dicts)


def error_at_def(staged, message):
    """A BackgenError pointing at the function's ``def`` line."""
    text = staged.lines[staged.line - 1] if 0 < staged.line <= len(staged.lines) else None
    col = len(text) - len(text.lstrip()) + 1 if text else None
    return BackgenError(message, staged.filename, staged.line or None, col, text)


def check_differentiable(staged, args):
    """Refuse integer and boolean arrays and booleans in ``wrt``: they carry no gradient; and dicts holding
    no float arrays (``{0: 1.5}``, a vocabulary), of which no gradient is written.  An integer
    number there is a number (``x * k``: its gradient is a float)."""
    for name, value in zip(staged.params, args):
        if name not in staged.wrt:
            continue
        if isinstance(value, dict):  # (a dict of arrays is a parameter per array by now: structured.flatten)
            raise error_at_def(staged, f"{staged.name}(): {name!r} is given a dict that holds no float arrays "
                                       f"({', '.join(sorted({type(v).__name__ for v in value.values()}))}): "
                                       "backgen differentiates a dict of float arrays; leave it out of wrt, or "
                                       "pass an array or a list of numbers")
        array = isinstance(value, np.ndarray)
        integral = isinstance(value, (bool, np.bool_)) or (array and value.dtype.kind in "biu")
        if integral:
            what = "boolean" if np.asarray(value).dtype.kind == "b" else "integer"
            raise error_at_def(staged, f"{staged.name}(): {name!r} is {what} ({np.asarray(value).dtype}): "
                                       "it carries no gradient; leave it out of wrt, or pass floats")
