"""A "wild" generator of NumPy forward programs, and its oracle.

Built independently of ``tests/fuzz_programs.py`` and ``tests/real_mutants.py``, in another style:
programs are *target-shape driven expression trees* nested several levels deep, the way people
write NumPy in one line (``np.sum(np.tanh(W @ x[:, None]) * np.clip(b, -1.0, 1.0), axis=0)``),
placed into Python idioms: augmented assignments on arrays and slices, writes through aliases and
copies, loops over ``range``/rows/``zip``/``enumerate``, ``while`` loops with a counter, lists built
by ``append`` then ``np.stack``/``np.array``, comprehensions, helper functions, early returns on
data, chained conditional expressions, ``float()`` of 0-d values, ``x.shape[0]`` in arithmetic,
tuple returns, float parameters.

``gen(target, depth)`` writes an expression of exactly the shape ``target``: it picks an operation
able to produce that shape (elementwise functions, broadcasting arithmetic with operands of
sub-broadcast shapes, reductions with ``axis``/``keepdims`` from a larger shape, indexing, slicing,
fancy and boolean indexing, reshapes, transposes, ``@``/``dot``/``outer``/``einsum``, ``cumsum``,
``sort``, ``diff``, concatenations and stacks, ``tile``/``repeat``/``roll``/``pad``/``flip``/
``split``, ``np.linalg.inv/det/solve/norm``, ``trace``/``diag``/``triu``/``tril``) and fills its
operands recursively.  Every expression is evaluated as it is written (on the values the program
has at that point), so shapes are real, never predicted.  Each expression has two renderings: the
plain one (the program) and an *instrumented* one, where each kink (``abs``, ``maximum``,
``clip``, comparisons, ``sort``/``max``/``min``) and each singularity (divisions, ``log``,
``sqrt``) records its distance from the kink at every evaluation; a program is kept only when the
instrumented run at the inputs keeps all of them away (``MARGIN``) and its values moderate.

``build(seed, index)`` is program ``index`` of ``seed`` (``random.Random(f"wild:{seed}:{index}")``).
``check(program)`` is the oracle: ``backgen.generate(source, shapes=...)`` (shapes given as a
dict, as annotations, or not at all: the shape-generic backward), or the decorator
``backgen.backward(f)`` on the function imported from a file; the backward is compared with
central differences (``tests/numeric.py``) of a random weighted sum of the outputs at two steps
(elements where the two disagree are left out), and must leave its inputs and ``dout`` alone.
Outcomes: ok, refused (``BackgenError``), skipped (not a fair test), wrong, crashed (another
exception from backgen, an "internal error", or generated code raising).
"""

import importlib.util
import math
import os
import random
import signal
import warnings

import numpy as np

import numeric

MARGIN = 0.03  # least distance from a kink (and least |denominator| / argument of log, sqrt: SINGULAR)
SINGULAR = 0.2
LIMIT = 30.0  # largest magnitude of a value any expression computes
STEPS = (1e-6, 1e-5)
RTOL, ATOL = 1e-4, 1e-6

PARAM_SHAPES = [(3, 4), (4,), (1, 4), (3, 1), (), (2, 3, 4), (3, 3), (3,)]
NAMES = ["x", "y", "W", "v", "A", "b", "s", "t", "z", "u"]
HEADER = "import numpy as np\n\n"


# ---------------------------------------------------------------------------------------------
# instrumentation: the instrumented rendering calls these; the plain one does not
# ---------------------------------------------------------------------------------------------

class Margins:
    def __init__(self):
        self.worst = math.inf

    def note(self, m):
        m = float(m)
        if not m >= 0 or m < self.worst:
            self.worst = m if m == m else -1.0


def instruments(margins):
    def _nz(a):  # a denominator, the argument of log or sqrt: away from 0
        margins.note(np.min(np.abs(a)) / SINGULAR * MARGIN if np.size(a) else MARGIN)
        return a

    def _pos(a):  # the argument of log or sqrt: positive
        margins.note(np.min(a) / SINGULAR * MARGIN if np.size(a) else MARGIN)
        return a

    def _kz(a):  # abs: away from 0
        margins.note(np.min(np.abs(a)) if np.size(a) else MARGIN)
        return a

    def _gap(a, b):  # maximum, minimum, comparisons
        d = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
        margins.note(np.min(d) if np.size(d) else MARGIN)
        return a

    def _gt(a, b):
        _gap(a, b)
        return a > b

    def _lt(a, b):
        _gap(a, b)
        return a < b

    def _clip(a, lo, hi):
        _gap(a, lo)
        _gap(a, hi)
        return a

    def _distinct(a):  # sort, max, min, argmax: no ties
        flat = np.sort(np.ravel(np.asarray(a, dtype=float)))
        margins.note(np.min(np.diff(flat)) if flat.size > 1 else MARGIN)
        return a

    return {"_nz": _nz, "_pos": _pos, "_kz": _kz, "_gap": _gap, "_gt": _gt, "_lt": _lt, "_clip": _clip,
            "_distinct": _distinct}


# ---------------------------------------------------------------------------------------------
# expressions
# ---------------------------------------------------------------------------------------------

class E:
    """An expression: plain text, instrumented text, value; ``atom`` when it needs no parentheses."""

    def __init__(self, p, i, v, atom=True):
        self.p, self.i, self.v, self.atom = p, i, v, atom

    @property
    def shape(self):
        return np.shape(self.v)


class Reject(Exception):
    pass


def par(e, inst=False):
    text = e.i if inst else e.p
    return text if e.atom else f"({text})"


def _num(rng, lo=0.3, hi=1.5):
    return round(rng.uniform(lo, hi), 2)


def sub_broadcast(rng, shape):
    """A shape that broadcasts to ``shape`` (dropping leading axes, setting some to 1)."""
    shape = tuple(shape)
    if not shape or rng.random() < 0.4:
        return shape
    drop = rng.randint(0, len(shape))
    rest = list(shape[drop:])
    for k in range(len(rest)):
        if rng.random() < 0.3:
            rest[k] = 1
    return tuple(rest)


def insert_axis(rng, shape):
    p = rng.randint(0, len(shape))
    n = rng.choice([2, 3, 4])
    return shape[:p] + (n,) + shape[p:], p


class Gen:
    def __init__(self, rng, env, margins):
        self.rng, self.env, self.margins = rng, env, margins
        self.helpers = []  # (plain, inst) module-level helper functions
        self.counter = 0
        self.plain = False  # arithmetic only, no NumPy call: code backgen writes for numbers
        self.ops = [(op, w) for op, w in OPS]

    # evaluation ------------------------------------------------------------------------------
    def value(self, inst_text):
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                v = eval(inst_text, self.env)
            except Exception as exc:  # noqa: BLE001 - an expression that does not run is taken back
                raise Reject(str(exc)) from None
        arr = np.asarray(v)
        if arr.dtype.kind not in "f" or not np.all(np.isfinite(arr)) or (arr.size and np.max(np.abs(arr)) > LIMIT):
            raise Reject("not a moderate float")
        if arr.size > 48 or arr.ndim > 3 or arr.size == 0:
            raise Reject("too big")
        if self.margins.worst < MARGIN:
            raise Reject("near a kink")
        return v

    def mk(self, plain, inst, atom=True):
        return E(plain, inst, self.value(inst), atom)

    def fresh(self, base):
        self.counter += 1
        return f"{base}{self.counter}"

    # leaves ----------------------------------------------------------------------------------
    def variables(self, shape):
        names = [k for k, v in self.env.items() if not k.startswith("_") and isinstance(v, (np.ndarray, float))
                 and np.shape(v) == tuple(shape) and np.asarray(v).dtype.kind == "f"]
        return sorted(names)

    def leaf(self, shape):
        names = self.variables(shape)
        if names and (shape != () or self.rng.random() < 0.6):
            params = getattr(self, "params", ())
            n = self.rng.choices(names, [1 if k in params else 3 for k in names])[0]
            return E(n, n, self.env[n])
        arrays = [k for k, v in self.env.items() if not k.startswith("_") and isinstance(v, np.ndarray)
                  and v.dtype.kind == "f" and v.size and v.ndim <= 3]
        if shape == () and arrays and self.rng.random() < 0.7:
            n = self.rng.choice(sorted(arrays))
            item = "{}[" + ", ".join(str(self.rng.randint(0, k - 1)) for k in self.env[n].shape) + "]"
            form = item if self.plain else self.rng.choice(["np.sum({})", "{}.mean()", item, "np.mean({})"])
            text = form.format(n)
            return E(text, text, self.value(text))
        if shape == ():
            c = repr(_num(self.rng, 0.2, 2.0) * self.rng.choice([1, -1]))
            return E(c, c, float(c), atom=not c.startswith("-"))
        return None

    # the generator -----------------------------------------------------------------------------
    def gen(self, shape, depth):
        shape = tuple(shape)
        if depth <= 0 or self.rng.random() < 0.12:
            e = self.leaf(shape)
            if e is not None:
                return e
            if depth < -1:
                raise Reject(f"no leaf of shape {shape}")
        ops, weights = zip(*[(op, w) for op, w in self.ops if not self.plain or op in PLAIN_OPS])
        saved = self.margins.worst
        for _ in range(8):
            op = self.rng.choices(ops, weights)[0]
            try:
                e = op(self, shape, depth - 1)
            except Reject:
                self.margins.worst = saved
                continue
            if e is not None and np.shape(e.v) == shape:
                return e
            self.margins.worst = saved
        e = self.leaf(shape)
        if e is None:
            raise Reject(f"nothing of shape {shape}")
        return e


# ---------------------------------------------------------------------------------------------
# operations: op(g, shape, depth) -> E of that shape, or raises Reject
# ---------------------------------------------------------------------------------------------

def op_unary(g, shape, d):
    a = g.gen(shape, d)
    r = g.rng
    kind = r.choice(["exp", "tanh", "sin", "cos", "arctan", "abs", "neg", "sq", "cube", "sig", "log", "sqrt",
                     "logsq", "sqrtsq", "square", "scale"] if not g.plain else ["neg", "sq", "cube", "scale"])
    A, Ai = par(a), par(a, True)
    if kind == "exp":
        return g.mk(f"np.exp({a.p})", f"np.exp({a.i})")
    if kind in ("tanh", "sin", "cos", "arctan", "square"):
        return g.mk(f"np.{kind}({a.p})", f"np.{kind}({a.i})")
    if kind == "abs":
        return g.mk(f"np.abs({a.p})", f"np.abs(_kz({a.i}))")
    if kind == "neg":
        return g.mk(f"-{A}", f"-{Ai}", atom=False)
    if kind == "sq":
        return g.mk(f"{A} ** 2", f"{Ai} ** 2", atom=False)
    if kind == "cube":
        return g.mk(f"{A} ** 3", f"{Ai} ** 3", atom=False)
    if kind == "sig":
        return g.mk(f"1.0 / (1.0 + np.exp(-{A}))", f"1.0 / (1.0 + np.exp(-{Ai}))", atom=False)
    if kind == "log":
        return g.mk(f"np.log({a.p})", f"np.log(_pos({a.i}))")
    if kind == "sqrt":
        return g.mk(f"np.sqrt({a.p})", f"np.sqrt(_pos({a.i}))")
    if kind == "logsq":
        return g.mk(f"np.log(1.0 + {A} ** 2)", f"np.log(1.0 + {Ai} ** 2)")
    if kind == "sqrtsq":
        return g.mk(f"np.sqrt({A} * {A} + 1.0)", f"np.sqrt({Ai} * {Ai} + 1.0)")
    c = _num(r)
    return g.mk(f"{c} * {A}", f"{c} * {Ai}", atom=False)


def op_binary(g, shape, d):
    r = g.rng
    a = g.gen(shape, d)
    b = g.gen(sub_broadcast(r, shape), d)
    if r.random() < 0.5:
        a, b = b, a
    opr = r.choice(["+", "-", "*", "*", "/", "max", "min", "where", "mask"] if not g.plain else
                   ["+", "-", "*", "*", "/", "mask"])
    if opr in "+-*":
        return g.mk(f"{par(a)} {opr} {par(b)}", f"{par(a, True)} {opr} {par(b, True)}", atom=False)
    if opr == "/":
        return g.mk(f"{par(a)} / {par(b)}", f"{par(a, True)} / _nz({b.i})", atom=False)
    if opr in ("max", "min"):
        f = "maximum" if opr == "max" else "minimum"
        return g.mk(f"np.{f}({a.p}, {b.p})", f"np.{f}(_gap({a.i}, {b.i}), {b.i})")
    if opr == "where":
        c = g.gen(sub_broadcast(r, shape), d)
        k = r.choice([">", "<"])
        fn = "_gt" if k == ">" else "_lt"
        if r.random() < 0.5:
            t = repr(round(r.uniform(-0.5, 0.5), 2))
            return g.mk(f"np.where({par(c)} {k} {t}, {a.p}, {b.p})", f"np.where({fn}({c.i}, {t}), {a.i}, {b.i})")
        return g.mk(f"np.where({par(c)} {k} {par(b)}, {a.p}, {b.p})", f"np.where({fn}({c.i}, {b.i}), {a.i}, {b.i})")
    t = repr(round(r.uniform(-0.3, 0.3), 2))
    return g.mk(f"{par(a)} * ({par(a)} > {t})", f"{par(a, True)} * _gt({a.i}, {t})", atom=False)


def op_clip(g, shape, d):
    a = g.gen(shape, d)
    lo = round(g.rng.uniform(-1.0, 0.0), 2)
    hi = round(g.rng.uniform(0.2, 1.2), 2)
    if g.rng.random() < 0.3:
        return g.mk(f"{par(a)}.clip({lo}, {hi})", f"(_clip({a.i}, {lo}, {hi})).clip({lo}, {hi})")
    return g.mk(f"np.clip({a.p}, {lo}, {hi})", f"np.clip(_clip({a.i}, {lo}, {hi}), {lo}, {hi})")


def _axis_text(axis, ndim, r):
    if axis is None:
        return ""
    if r.random() < 0.4:
        axis = axis - ndim
    return f"axis={axis}" if r.random() < 0.7 else f"{axis}"


def op_reduce(g, shape, d):
    r = g.rng
    if shape == () and r.random() < 0.4:
        src, axis, keep = r.choice([(3, 4), (4,), (3,), (2, 3, 4), (1, 4), (3, 1)]), None, False
    elif shape and 1 in shape and r.random() < 0.5:
        p = shape.index(1)
        src, axis, keep = shape[:p] + (r.choice([2, 3, 4]),) + shape[p + 1:], p, True
    else:
        src, axis = insert_axis(r, shape)
        keep = False
    a = g.gen(src, d)
    fn = r.choice(["sum", "sum", "mean", "max", "min", "prod", "norm", "method", "methodmax"])
    args = _axis_text(axis, len(src), r)
    if keep:
        args = (args + ", " if args else f"axis={axis}, ") + "keepdims=True"
    if args and not args.startswith("axis") and fn in ("norm",):
        args = "axis=" + args
    tail = f", {args}" if args else ""
    if fn in ("sum", "mean", "prod"):
        return g.mk(f"np.{fn}({a.p}{tail})", f"np.{fn}({a.i}{tail})")
    if fn in ("max", "min"):
        return g.mk(f"np.{fn}({a.p}{tail})", f"np.{fn}(_distinct({a.i}){tail})")
    if fn == "norm":
        return g.mk(f"np.linalg.norm({a.p}{tail})", f"np.linalg.norm(_nz({a.i}){tail})")
    m = r.choice(["sum", "mean"]) if fn == "method" else r.choice(["max", "min"])
    inner = a.i if fn == "method" else f"_distinct({a.i})"
    return g.mk(f"{par(a)}.{m}({args})", f"({inner}).{m}({args})")


def op_scalar_misc(g, shape, d):
    """0-d values as people write them: float(), indexing one element, a dot of vectors, a trace, a
    mean by shape arithmetic, a boolean-mask sum, a determinant."""
    if shape != ():
        raise Reject("scalars only")
    r = g.rng
    kind = r.choice(["float", "item", "dot", "trace", "shapemean", "masksum", "det", "vdot", "len"])
    if kind == "float":
        a = g.gen((), d)
        return g.mk(f"float({a.p})", f"float({a.i})")
    if kind == "item":
        src = r.choice([(3, 4), (4,), (2, 3, 4), (3, 1)])
        a = g.gen(src, d)
        idx = ", ".join(str(r.randint(-n, n - 1)) for n in src)
        return g.mk(f"{par(a)}[{idx}]", f"({a.i})[{idx}]")
    if kind in ("dot", "vdot"):
        n = r.choice([3, 4])
        a, b = g.gen((n,), d), g.gen((n,), d)
        if kind == "dot":
            return g.mk(f"np.dot({a.p}, {b.p})", f"np.dot({a.i}, {b.i})")
        return g.mk(f"{par(a)} @ {par(b)}", f"{par(a, True)} @ {par(b, True)}", atom=False)
    if kind == "trace":
        a = g.gen((3, 3), d)
        return g.mk(f"np.trace({a.p})", f"np.trace({a.i})")
    if kind == "shapemean":
        src = r.choice([(3, 4), (4,), (3, 1)])
        a = g.gen(src, d)
        names = [n for n in g.variables(src)] or None
        ax = f"{names[0]}.shape[0]" if names else str(src[0])
        return g.mk(f"np.sum({a.p}) / {ax}", f"np.sum({a.i}) / {ax}", atom=False)
    if kind == "len":
        src = r.choice([(3, 4), (4,), (3,)])
        a = g.gen(src, d)
        return g.mk(f"np.sum({a.p}) / len({a.p})", f"np.sum({a.i}) / len({a.i})", atom=False)
    if kind == "masksum":
        src = r.choice([(3, 4), (4,), (3,)])
        a = g.gen(src, d)
        t = repr(round(r.uniform(-0.4, 0.4), 2))
        fn = r.choice(["np.sum", "np.mean"])
        e = g.mk(f"{fn}({par(a)}[{par(a)} > {t}])", f"{fn}(({a.i})[_gt({a.i}, {t})])")
        return e
    m = square(g, d)
    return g.mk(f"np.linalg.det({m.p})", f"np.linalg.det({m.i})")


def square(g, d):
    """A well-conditioned 3x3 matrix: an expression plus a multiple of the identity."""
    a = g.gen((3, 3), d)
    c = g.rng.choice([3.0, 4.0])
    form = g.rng.choice(["eye", "gram"])
    if form == "eye":
        e = g.mk(f"{par(a)} + {c} * np.eye(3)", f"{par(a, True)} + {c} * np.eye(3)", atom=False)
    else:
        e = g.mk(f"{par(a)} @ {par(a)}.T + np.eye(3)", f"{par(a, True)} @ ({a.i}).T + np.eye(3)", atom=False)
    if np.linalg.cond(e.v) > 30:
        raise Reject("ill-conditioned")
    return e


def op_index(g, shape, d):
    r = g.rng
    kind = r.choice(["row", "col", "ellipsis", "slice", "step", "neg", "fancy", "fancycol", "flip"])
    if kind == "row":
        n = r.choice([2, 3, 4])
        a = g.gen((n,) + shape, d)
        i = r.randint(-n, n - 1)
        form = r.choice([f"[{i}]", f"[{i}, :]" if shape else f"[{i}]", f"[{i}, ...]"])
        return g.mk(f"{par(a)}{form}", f"({a.i}){form}")
    if kind in ("col", "ellipsis") and shape:
        n = r.choice([2, 3, 4])
        if kind == "col":
            a = g.gen(shape[:1] + (n,) + shape[1:], d)
            j = r.randint(-n, n - 1)
            form = f"[:, {j}]"
        else:
            a = g.gen(shape + (n,), d)
            j = r.randint(0, n - 1)
            form = f"[..., {j}]"
        return g.mk(f"{par(a)}{form}", f"({a.i}){form}")
    if not shape:
        raise Reject("no slice of a number")
    m = shape[0]
    if kind == "slice":
        n = m + r.randint(1, 2)
        k = r.randint(0, n - m)
        form = r.choice([f"[{k}:{k + m}]", f"[-{m}:]" if k == n - m else f"[{k}:{k + m}]", f"[:{m}]" if k == 0 else f"[{k}:{k + m}]"])
    elif kind == "step":
        n = 2 * m - r.randint(0, 1)
        form = "[::2]"
    elif kind == "neg":
        n = m
        form = "[::-1]"
    elif kind == "flip":
        a = g.gen(shape, d)
        ax = r.randint(0, len(shape) - 1)
        return g.mk(f"np.flip({a.p}, axis={ax})", f"np.flip({a.i}, axis={ax})")
    else:
        n = r.choice([2, 3, 4])
        idx = [r.randint(0, n - 1) for _ in range(m)]
        if len(set(idx)) == len(idx) and m > 1:
            idx[-1] = idx[0]
        if kind == "fancycol" and len(shape) >= 2:
            mm = shape[1]
            idx = [r.randint(0, n - 1) for _ in range(mm)]
            a = g.gen(shape[:1] + (n,) + shape[2:], d)
            return g.mk(f"{par(a)}[:, {idx}]", f"({a.i})[:, {idx}]")
        form = f"[{idx}]"
    a = g.gen((n,) + shape[1:], d)
    return g.mk(f"{par(a)}{form}", f"({a.i}){form}")


def op_reshape(g, shape, d):
    r = g.rng
    size = int(np.prod(shape))
    if len(shape) == 2 and r.random() < 0.4:
        a = g.gen(shape[::-1], d)
        form = r.choice([".T", ".transpose(1, 0)", "T"])
        if form == "T":
            return g.mk(f"np.transpose({a.p})", f"np.transpose({a.i})")
        return g.mk(f"{par(a)}{form}", f"({a.i}){form}")
    if len(shape) == 1:
        src = r.choice([s for s in [(3, 4), (2, 3), (2, 2), (1, 4), (3, 1), (2, 2, 3), (2, 3, 2)] if int(np.prod(s)) == size]
                       or [(size,)])
        a = g.gen(src, d)
        form = r.choice([".reshape(-1)", ".ravel()", ".flatten()", f".reshape({size})"])
        if src == (size,):
            form = f".reshape({size}, 1)[:, 0]"
        return g.mk(f"{par(a)}{form}", f"({a.i}){form}")
    if len(shape) == 2 and 1 in shape:
        n = shape[0] * shape[1]
        a = g.gen((n,), d)
        if shape[0] == 1:
            form = r.choice(["[None, :]", "[np.newaxis, :]", ".reshape(1, -1)", "[None]"])
        else:
            form = r.choice(["[:, None]", "[:, np.newaxis]", ".reshape(-1, 1)"])
        return g.mk(f"{par(a)}{form}", f"({a.i}){form}")
    a = g.gen((size,), d)
    dims = ", ".join(str(k) for k in shape)
    if r.random() < 0.5:
        dims = ", ".join(["-1"] + [str(k) for k in shape[1:]])
    return g.mk(f"{par(a)}.reshape({dims})", f"({a.i}).reshape({dims})")


def op_matmul(g, shape, d):
    r = g.rng
    k = r.choice([2, 3, 4])
    if len(shape) == 2:
        kind = r.choice(["@", "dot", "outer", "einsum", "method"])
        if kind == "outer":
            a, b = g.gen(shape[:1], d), g.gen(shape[1:], d)
            return g.mk(f"np.outer({a.p}, {b.p})", f"np.outer({a.i}, {b.i})")
        a, b = g.gen((shape[0], k), d), g.gen((k, shape[1]), d)
        if kind == "@":
            return g.mk(f"{par(a)} @ {par(b)}", f"{par(a, True)} @ {par(b, True)}", atom=False)
        if kind == "dot":
            return g.mk(f"np.dot({a.p}, {b.p})", f"np.dot({a.i}, {b.i})")
        if kind == "method":
            return g.mk(f"{par(a)}.dot({b.p})", f"({a.i}).dot({b.i})")
        return g.mk(f"np.einsum('ij,jk->ik', {a.p}, {b.p})", f"np.einsum('ij,jk->ik', {a.i}, {b.i})")
    if len(shape) == 1:
        kind = r.choice(["@", "dot", "einsum", "vecmat", "rowdot"])
        if kind == "vecmat":
            a, b = g.gen((k,), d), g.gen((k, shape[0]), d)
        elif kind == "rowdot":
            b = g.gen(shape + (k,), d)
            a = g.gen(shape + (k,), d)
            return g.mk(f"np.einsum('ij,ij->i', {a.p}, {b.p})", f"np.einsum('ij,ij->i', {a.i}, {b.i})")
        else:
            a, b = g.gen(shape + (k,), d), g.gen((k,), d)
        if kind in ("@", "vecmat"):
            return g.mk(f"{par(a)} @ {par(b)}", f"{par(a, True)} @ {par(b, True)}", atom=False)
        if kind == "einsum" and kind != "vecmat":
            return g.mk(f"np.einsum('ij,j->i', {a.p}, {b.p})", f"np.einsum('ij,j->i', {a.i}, {b.i})")
        return g.mk(f"np.dot({a.p}, {b.p})", f"np.dot({a.i}, {b.i})")
    raise Reject("no product of that rank")


def op_linalg(g, shape, d):
    r = g.rng
    if shape == (3, 3):
        kind = r.choice(["inv", "diag", "triu", "tril"])
        if kind == "inv":
            m = square(g, d)
            return g.mk(f"np.linalg.inv({m.p})", f"np.linalg.inv({m.i})")
        if kind == "diag":
            v = g.gen((3,), d)
            return g.mk(f"np.diag({v.p})", f"np.diag({v.i})")
        a = g.gen((3, 3), d)
        k = r.choice(["", ", 1", ", -1", ", k=1"])
        return g.mk(f"np.{kind}({a.p}{k})", f"np.{kind}({a.i}{k})")
    if shape == (3,):
        if r.random() < 0.5:
            a = g.gen((3, 3), d)
            return g.mk(f"np.diag({a.p})", f"np.diag({a.i})")
        m = square(g, d)
        b = g.gen((3,), d)
        return g.mk(f"np.linalg.solve({m.p}, {b.p})", f"np.linalg.solve({m.i}, {b.i})")
    if len(shape) == 2 and shape[0] == 3:
        m = square(g, d)
        b = g.gen(shape, d)
        return g.mk(f"np.linalg.solve({m.p}, {b.p})", f"np.linalg.solve({m.i}, {b.i})")
    raise Reject("no linalg of that shape")


def op_scan(g, shape, d):
    r = g.rng
    if not shape:
        raise Reject("no scan of a number")
    kind = r.choice(["cumsum", "sort", "diff", "roll", "cumsumflat"])
    if kind == "cumsum":
        a = g.gen(shape, d)
        ax = r.randint(0, len(shape) - 1)
        tail = f", axis={ax}" if len(shape) > 1 or r.random() < 0.5 else ""
        return g.mk(f"np.cumsum({a.p}{tail})", f"np.cumsum({a.i}{tail})")
    if kind == "cumsumflat" and len(shape) == 1 and shape[0] in (4, 12, 6):
        src = {4: (2, 2), 12: (3, 4), 6: (2, 3)}[shape[0]]
        a = g.gen(src, d)
        return g.mk(f"np.cumsum({a.p})", f"np.cumsum({a.i})")
    if kind == "sort":
        a = g.gen(shape, d)
        tail = r.choice(["", ", axis=0", ", axis=-1"]) if len(shape) > 1 else ""
        return g.mk(f"np.sort({a.p}{tail})", f"np.sort(_distinct({a.i}){tail})")
    if kind == "roll":
        a = g.gen(shape, d)
        ax = r.randint(0, len(shape) - 1)
        tail = f", axis={ax}" if len(shape) > 1 else ""
        return _roll(g, a, r.choice([1, -1, 2]), tail)
    ax = r.randint(0, len(shape) - 1)
    src = list(shape)
    src[ax] += 1
    a = g.gen(tuple(src), d)
    tail = f", axis={ax}" if len(shape) > 1 else ""
    return g.mk(f"np.diff({a.p}{tail})", f"np.diff({a.i}{tail})")


def _roll(g, a, k, tail):
    return g.mk(f"np.roll({a.p}, {k}{tail})", f"np.roll({a.i}, {k}{tail})")


def op_join(g, shape, d):
    r = g.rng
    if not shape:
        raise Reject("no join of numbers")
    kind = r.choice(["concat", "stack", "hstack", "vstack", "tile", "repeat", "pad", "split"])
    if kind == "stack" and len(shape) >= 2:
        n = shape[0]
        parts = [g.gen(shape[1:], d) for _ in range(n)]
        if r.random() < 0.5:
            return g.mk(f"np.stack([{', '.join(p.p for p in parts)}])", f"np.stack([{', '.join(p.i for p in parts)}])")
        return g.mk(f"np.array([{', '.join(p.p for p in parts)}])", f"np.array([{', '.join(p.i for p in parts)}])")
    if kind == "tile":
        if len(shape) == 2 and r.random() < 0.6:
            a = g.gen(shape[1:], d)
            return g.mk(f"np.tile({a.p}, ({shape[0]}, 1))", f"np.tile({a.i}, ({shape[0]}, 1))")
        if shape[0] % 2 == 0:
            a = g.gen((shape[0] // 2,) + shape[1:], d)
            reps = "2" if len(shape) == 1 else "(2" + ", 1" * (len(shape) - 1) + ")"
            return g.mk(f"np.tile({a.p}, {reps})", f"np.tile({a.i}, {reps})")
        raise Reject("odd")
    if kind == "repeat":
        ax = r.randint(0, len(shape) - 1)
        if shape[ax] % 2:
            raise Reject("odd")
        src = list(shape)
        src[ax] //= 2
        a = g.gen(tuple(src), d)
        tail = f", axis={ax}" if len(shape) > 1 else ""
        return g.mk(f"np.repeat({a.p}, 2{tail})", f"np.repeat({a.i}, 2{tail})")
    if kind == "pad":
        ax = r.randint(0, len(shape) - 1)
        if shape[ax] < 3:
            raise Reject("small")
        src = list(shape)
        src[ax] -= 2
        a = g.gen(tuple(src), d)
        if len(shape) == 1:
            return g.mk(f"np.pad({a.p}, 1)", f"np.pad({a.i}, 1)")
        widths = ", ".join("(1, 1)" if k == ax else "(0, 0)" for k in range(len(shape)))
        return g.mk(f"np.pad({a.p}, ({widths}))", f"np.pad({a.i}, ({widths}))")
    if kind == "split":
        ax = r.randint(0, len(shape) - 1)
        src = list(shape)
        src[ax] *= 2
        a = g.gen(tuple(src), d)
        k = r.randint(0, 1)
        tail = f", axis={ax}" if ax else ""
        return g.mk(f"np.split({a.p}, 2{tail})[{k}]", f"np.split({a.i}, 2{tail})[{k}]")
    ax = r.randint(0, len(shape) - 1)
    if shape[ax] < 2:
        raise Reject("one")
    cut = r.randint(1, shape[ax] - 1)
    s1, s2 = list(shape), list(shape)
    s1[ax], s2[ax] = cut, shape[ax] - cut
    a, b = g.gen(tuple(s1), d), g.gen(tuple(s2), d)
    if kind == "hstack" and ax == len(shape) - 1 and len(shape) <= 2:
        return g.mk(f"np.hstack([{a.p}, {b.p}])", f"np.hstack([{a.i}, {b.i}])")
    if kind == "vstack" and ax == 0 and len(shape) == 2:
        return g.mk(f"np.vstack(({a.p}, {b.p}))", f"np.vstack(({a.i}, {b.i}))")
    tail = f", axis={ax}" if ax or r.random() < 0.3 else ""
    return g.mk(f"np.concatenate([{a.p}, {b.p}]{tail})", f"np.concatenate([{a.i}, {b.i}]{tail})")


def op_ternary(g, shape, d):
    r = g.rng
    a, b = g.gen(shape, d), g.gen(shape, d)
    c = g.gen((), d)
    t = repr(round(r.uniform(-0.5, 0.5), 2))
    if r.random() < 0.4:
        e = g.gen(shape, d)
        t2 = repr(round(r.uniform(-0.5, 0.5), 2))
        return g.mk(f"{par(a)} if {par(c)} > {t} else {par(b)} if {par(c)} < {t2} else {par(e)}",
                    f"{par(a, True)} if _gt({c.i}, {t}) else {par(b, True)} if _lt({c.i}, {t2}) else {par(e, True)}",
                    atom=False)
    return g.mk(f"{par(a)} if {par(c)} > {t} else {par(b)}", f"{par(a, True)} if _gt({c.i}, {t}) else {par(b, True)}",
                atom=False)


def op_helper(g, shape, d):
    """A call of a helper function defined in the module, its body an expression of its parameters."""
    r = g.rng
    if len(g.helpers) >= 2 or d < 1:
        raise Reject("enough helpers")
    nargs = r.randint(1, 2)
    args = [g.gen(r.choice([shape, sub_broadcast(r, shape), ()]), d - 1) for _ in range(nargs)]
    name = g.fresh("helper")
    params = ["a", "b"][:nargs]
    inner = Gen(r, {**{k: v for k, v in g.env.items() if k.startswith("_") or k == "np"},
                    **{p: a.v for p, a in zip(params, args)}}, g.margins)
    inner.helpers = g.helpers
    inner.counter = g.counter + 100
    body = inner.gen(shape, max(d, 1) + 1)
    if not any(p in body.p for p in params):
        raise Reject("helper ignores its parameters")
    style = r.random()
    sig = ", ".join(params)
    if style < 0.5:
        plain = f"def {name}({sig}):\n    return {body.p}\n"
        inst = f"def {name}({sig}):\n    return {body.i}\n"
    else:
        plain = f"def {name}({sig}):\n    out = {body.p}\n    return out\n"
        inst = f"def {name}({sig}):\n    out = {body.i}\n    return out\n"
    exec(inst, g.env)
    call_p = f"{name}({', '.join(a.p for a in args)})"
    call_i = f"{name}({', '.join(a.i for a in args)})"
    e = g.mk(call_p, call_i)
    g.helpers.append((plain, inst))
    return e


OPS = [(op_unary, 5), (op_binary, 7), (op_clip, 1), (op_reduce, 4), (op_scalar_misc, 2), (op_index, 3),
       (op_reshape, 2), (op_matmul, 3), (op_linalg, 1), (op_scan, 2), (op_join, 2), (op_ternary, 1),
       (op_helper, 1)]


# ---------------------------------------------------------------------------------------------
# programs: statements in Python idioms around those expressions
# ---------------------------------------------------------------------------------------------

class Program:
    def __init__(self, source, inst, params, shapes, args, how, seed, index, douts_seed):
        self.source, self.inst, self.params, self.shapes, self.args = source, inst, params, shapes, args
        self.how, self.seed, self.index, self.douts_seed = how, seed, index, douts_seed

    def describe(self):
        lines = [f"# wild program {self.index} of seed {self.seed}, shapes by {self.how}",
                 f"# shapes: {self.shapes}"]
        for p, a in zip(self.params, self.args):
            lines.append(f"# {p} = {np.array2string(np.asarray(a), precision=3, separator=', ')}".replace("\n", " "))
        return "\n".join(lines) + "\n" + self.source


def draw_input(rng, shape):
    n = int(np.prod(shape)) if shape else 1
    mags = [rng.uniform(0.3, 1.2) for _ in range(n)]
    vals = [m * rng.choice([1, -1]) for m in mags]
    # distinct values: no ties for max/sort
    vals = [v + 0.013 * k for k, v in enumerate(vals)]
    if shape == ():
        return float(round(vals[0], 3))
    return np.array(vals, dtype=float).reshape(shape)


class Body:
    """Statements of a function being written; each is run in ``g.env`` as it is written."""

    def __init__(self, g, indent="    "):
        self.g, self.plain, self.inst, self.indent = g, [], [], indent

    def run(self, inst_text):
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                exec(inst_text, self.g.env)
            except Exception as exc:  # noqa: BLE001
                raise Reject(str(exc)) from None

    def add(self, plain_lines, inst_lines):
        self.plain += [self.indent + line for line in plain_lines]
        self.inst += [self.indent + line for line in inst_lines]


def _local_arrays(g):
    return [k for k, v in g.env.items() if not k.startswith("_") and k not in g.params
            and isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.ndim >= 1 and k.islower()]


def _target(g):
    r = g.rng
    pool = [np.shape(g.env[p]) for p in g.params]
    pool += [(3, 4), (4,), (3,), (), (3, 1), (1, 4), (2, 3)] if not g.plain else []
    return tuple(r.choice(pool))


def st_assign(g, body):
    shape = _target(g)
    e = g.gen(shape, g.rng.randint(2, 4))
    name = g.fresh(g.rng.choice(["h", "a", "q", "tmp", "out", "r"]))
    _commit(g, body, [f"{name} = {e.p}"], [f"{name} = {e.i}"])
    return name


def _commit(g, body, plain, inst):
    saved = dict(g.env)
    try:
        body.run("\n".join(inst))
    except Reject:
        g.env.clear()
        g.env.update(saved)
        raise
    for k, v in list(g.env.items()):
        if k.startswith("_") or k == "np" or callable(v):
            continue
        a = np.asarray(v)
        if a.dtype.kind == "f" and (not np.all(np.isfinite(a)) or (a.size and np.max(np.abs(a)) > LIMIT)):
            g.env.clear()
            g.env.update(saved)
            raise Reject("value out of range")
    if g.margins.worst < MARGIN:
        g.env.clear()
        g.env.update(saved)
        raise Reject("near a kink")
    body.add(plain, inst)


def st_augment(g, body):
    r = g.rng
    names = _local_arrays(g)
    if not names:
        raise Reject("no local array")
    name = r.choice(names)
    shape = np.shape(g.env[name])
    opr = r.choice(["+=", "-=", "*=", "/="])
    kind = r.choice(["whole", "whole", "slice", "index", "alias", "copyalias"])
    if kind == "whole":
        e = g.gen(sub_broadcast(r, shape), r.randint(1, 3))
        rhs_i = f"_nz({e.i})" if opr == "/=" else e.i
        _commit(g, body, [f"{name} {opr} {e.p}"], [f"{name} {opr} {rhs_i}"])
        return
    if kind in ("alias", "copyalias"):
        alias = g.fresh("alias" if kind == "alias" else "c")
        rhs = f"{name}.copy()" if kind == "copyalias" else name
        idx = f"[{r.randint(-shape[0], shape[0] - 1)}]"
        sub = g.gen(shape[1:], r.randint(1, 2))
        rhs_i = f"_nz({sub.i})" if opr == "/=" else sub.i
        lines = [f"{alias} = {rhs}", f"{alias}{idx} {opr} {sub.p}"]
        inst = [f"{alias} = {rhs}", f"{alias}{idx} {opr} {rhs_i}"]
        _commit(g, body, lines, inst)
        return
    if kind == "slice":
        n = shape[0]
        if n < 2:
            raise Reject("short")
        a = r.randint(0, n - 2)
        bnd = r.randint(a + 1, n)
        form = r.choice([f"[{a}:{bnd}]", f"[{a}:{bnd}]", "[::2]", "[1:]", "[:-1]"])
        target = np.shape(g.env[name][eval(f"np.s_{form}")])
        sl = form
        if len(shape) == 2 and r.random() < 0.4:
            sl = f"[:, {form[1:-1]}]"
            target = np.shape(g.env[name][eval(f"np.s_{sl}")])
        e = g.gen(sub_broadcast(r, target), r.randint(1, 3))
    else:
        i = r.randint(-shape[0], shape[0] - 1)
        sl = f"[{i}]"
        target = shape[1:]
        e = g.gen(sub_broadcast(r, target), r.randint(1, 3))
        if r.random() < 0.3:
            opr = "="
    rhs_i = f"_nz({e.i})" if opr == "/=" else e.i
    _commit(g, body, [f"{name}{sl} {opr} {e.p}"], [f"{name}{sl} {opr} {rhs_i}"])


def st_copy(g, body):
    r = g.rng
    srcs = [p for p in g.params if isinstance(g.env[p], np.ndarray) and g.env[p].ndim >= 1] + _local_arrays(g)
    if not srcs:
        raise Reject("nothing to copy")
    src = r.choice(srcs)
    name = g.fresh("w")
    form = r.choice([f"{src}.copy()", f"np.copy({src})", f"{src} * 1.0", f"np.array({src})"])
    _commit(g, body, [f"{name} = {form}"], [f"{name} = {form}"])


def _loop_body(g, acc, loopvars, count, header_p, header_i, pre_p=(), pre_i=(), post_p=(), post_i=()):
    """Lines of a loop updating ``acc``; generated with the loop variables at their first values,
    then the whole loop run."""
    r = g.rng
    saved = dict(g.env)
    g.env.update(loopvars)
    try:
        shape = np.shape(g.env[acc])
        e = g.gen(shape if r.random() < 0.6 else sub_broadcast(r, shape), r.randint(1, 3))
        used = any(v in e.p for v in loopvars) or r.random() < 0.2
        if not used:
            raise Reject("loop variable unused")
        style = r.choice(["+=", "acc+", "*tanh", "-="])
        if style == "+=":
            lines_p, lines_i = [f"{acc} += {e.p}"], [f"{acc} += {e.i}"]
        elif style == "-=":
            lines_p, lines_i = [f"{acc} -= 0.5 * {par(e)}"], [f"{acc} -= 0.5 * {par(e, True)}"]
        elif style == "acc+":
            lines_p, lines_i = [f"{acc} = {acc} + {par(e)}"], [f"{acc} = {acc} + {par(e, True)}"]
        else:
            lines_p = [f"{acc} = np.tanh({acc}) + {par(e)}"]
            lines_i = [f"{acc} = np.tanh({acc}) + {par(e, True)}"]
    finally:
        g.env.clear()
        g.env.update(saved)
    ind = "    "
    plain = list(pre_p) + [header_p] + [ind + x for x in lines_p] + [ind + x for x in post_p]
    inst = list(pre_i) + [header_i] + [ind + x for x in lines_i] + [ind + x for x in post_i]
    _commit(g, body_of(g), plain, inst)
    _forget(g, loopvars)


def _forget(g, loopvars):
    """Loop variables are mostly not read after their loop (backgen refuses that: noted in the report)."""
    if g.rng.random() < 0.9:
        for v in loopvars:
            g.env.pop(v, None)


def body_of(g):
    return g.body


def st_loop(g, body):
    r = g.rng
    shape = _target(g)
    acc = g.fresh("acc")
    init = r.choice(["zeros", "expr", "float"])
    if shape == () and init == "zeros":
        init = "float"
    if init == "zeros":
        pre = [f"{acc} = np.zeros({shape if len(shape) > 1 else shape[0]})"]
    elif init == "float":
        if shape != ():
            raise Reject("float init of an array")
        pre = [f"{acc} = 0.0"]
    else:
        e = g.gen(shape, 2)
        pre_p, pre_i = [f"{acc} = {e.p}"], [f"{acc} = {e.i}"]
        _commit(g, body, pre_p, pre_i)
        pre = []
    if pre:
        _commit(g, body, pre, pre)
    kind = r.choice(["range", "rows", "enumerate", "zip", "while", "rangeshape"])
    mats = [p for p in g.params if isinstance(g.env[p], np.ndarray) and g.env[p].ndim >= 1]
    if kind in ("rows", "enumerate", "zip", "rangeshape") and not mats:
        kind = "range"
    if kind == "range":
        n = r.randint(2, 4)
        _loop_body(g, acc, {"i": 0}, n, f"for i in range({n}):", f"for i in range({n}):")
    elif kind == "rangeshape":
        m = r.choice(mats)
        _loop_body(g, acc, {"i": 0}, 0, f"for i in range({m}.shape[0]):", f"for i in range({m}.shape[0]):")
    elif kind == "rows":
        m = r.choice(mats)
        row = g.fresh("row")
        _loop_body(g, acc, {row: g.env[m][0]}, 0, f"for {row} in {m}:", f"for {row} in {m}:")
    elif kind == "enumerate":
        m = r.choice(mats)
        row = g.fresh("row")
        _loop_body(g, acc, {row: g.env[m][0], "k": 0}, 0, f"for k, {row} in enumerate({m}):",
                   f"for k, {row} in enumerate({m}):")
    elif kind == "zip":
        same = [(p, q) for p in mats for q in mats if p < q and len(g.env[p]) == len(g.env[q])]
        if not same:
            raise Reject("nothing to zip")
        p, q = r.choice(same)
        rp, rq = g.fresh("p"), g.fresh("q")
        _loop_body(g, acc, {rp: g.env[p][0], rq: g.env[q][0]}, 0, f"for {rp}, {rq} in zip({p}, {q}):",
                   f"for {rp}, {rq} in zip({p}, {q}):")
    else:
        n = r.randint(2, 3)
        cnt = g.fresh("j")
        _commit(g, body, [f"{cnt} = 0"], [f"{cnt} = 0"])
        _loop_body(g, acc, {cnt: 0}, n, f"while {cnt} < {n}:", f"while {cnt} < {n}:",
                   post_p=[f"{cnt} += 1"], post_i=[f"{cnt} += 1"])
    return acc


def st_list(g, body):
    """parts = []; for ...: parts.append(expr); z = np.stack(parts) / np.array / sum; or a comprehension."""
    r = g.rng
    mats = [p for p in g.params if isinstance(g.env[p], np.ndarray) and g.env[p].ndim >= 1]
    name = g.fresh("parts")
    out = g.fresh("stacked")
    shape = r.choice([(), (3,), (4,), (2,)])
    if mats and r.random() < 0.6:
        m = r.choice(mats)
        row = g.fresh("row")
        loopvars, header = {row: g.env[m][0]}, f"for {row} in {m}"
    else:
        n = r.randint(2, 4)
        loopvars, header = {"i": 0}, f"for i in range({n})"
    saved = dict(g.env)
    g.env.update(loopvars)
    try:
        e = g.gen(shape, r.randint(1, 3))
        if not any(v in e.p for v in loopvars):
            raise Reject("loop variable unused")
    finally:
        g.env.clear()
        g.env.update(saved)
    combine = r.choice(["np.stack", "np.array", "sum", "np.sum"]) if shape else r.choice(["np.array", "sum", "np.sum"])
    if r.random() < 0.4:
        plain = [f"{out} = {combine}([{e.p} {header}])"]
        inst = [f"{out} = {combine}([{e.i} {header}])"]
    else:
        plain = [f"{name} = []", f"{header}:", f"    {name}.append({e.p})", f"{out} = {combine}({name})"]
        inst = [f"{name} = []", f"{header}:", f"    {name}.append({e.i})", f"{out} = {combine}({name})"]
    _commit(g, body, plain, inst)
    _forget(g, loopvars)
    return out


def st_branch(g, body):
    """if <data test>: name = e1 else: name = e2."""
    r = g.rng
    shape = _target(g)
    c = g.gen((), 2)
    t = repr(round(r.uniform(-0.5, 0.5), 2))
    a, b = g.gen(shape, 2), g.gen(shape, 2)
    name = g.fresh("sel")
    test_p = f"float({c.p}) > {t}" if r.random() < 0.3 else f"{par(c)} > {t}"
    plain = [f"if {test_p}:", f"    {name} = {a.p}", "else:", f"    {name} = {b.p}"]
    inst = [f"if _gt({c.i}, {t}):", f"    {name} = {a.i}", "else:", f"    {name} = {b.i}"]
    _commit(g, body, plain, inst)
    return name


def st_view_write(g, body):
    """A view (a row, a column, a slice, a transpose, a reshape) of an array written through, the array
    read afterwards; or an alias of a whole array augmented in place."""
    r = g.rng
    pool = _local_arrays(g)
    if r.random() < 0.2:
        pool += [p for p in g.params if isinstance(g.env[p], np.ndarray) and g.env[p].ndim >= 1]
    if not pool:
        raise Reject("no array")
    name = r.choice(sorted(pool))
    arr = g.env[name]
    view = g.fresh("view")
    forms = ["[0]", "[-1]", "[1:]", "[::2]", ".T", ".reshape(-1)", ".ravel()", "[...]", "[:]"]
    if arr.ndim >= 2:
        forms += ["[:, 0]", "[:, 1:]", "[0, :]"]
    if arr.ndim == 1 or arr.ndim == 2 and r.random() < 0.3:
        forms += ["", ""]  # a plain alias
    form = r.choice(forms)
    if form in (".reshape(-1)", ".ravel()") and arr.ndim > 1 and not arr.flags.c_contiguous:
        raise Reject("a copy, not a view")
    try:
        vshape = np.shape(eval(f"_a{form}", {"_a": arr}))
    except Exception:  # noqa: BLE001
        raise Reject("no such view") from None
    if vshape == ():
        raise Reject("0-d view")
    kind = r.choice(["aug", "item", "slice"])
    opr = r.choice(["+=", "*=", "-=", "="]) if kind != "aug" else r.choice(["+=", "*=", "-="])
    if kind == "aug":
        e = g.gen(sub_broadcast(r, vshape), r.randint(1, 3))
        tgt = view
    elif kind == "item":
        e = g.gen(sub_broadcast(r, vshape[1:]), r.randint(1, 3))
        tgt = f"{view}[{r.randint(-vshape[0], vshape[0] - 1)}]"
    else:
        if vshape[0] < 2:
            raise Reject("short")
        tgt = f"{view}[1:]" if r.random() < 0.5 else f"{view}[:-1]"
        e = g.gen(sub_broadcast(r, (vshape[0] - 1,) + vshape[1:]), r.randint(1, 3))
    if opr == "=" and kind == "aug":
        opr = "+="
    plain = [f"{view} = {name}{form}", f"{tgt} {opr} {e.p}"]
    inst = [f"{view} = {name}{form}", f"{tgt} {opr} {e.i}"]
    _commit(g, body, plain, inst)
    return name


def st_recurrence(g, body):
    """h = np.zeros(...); for i in range(1, n): h[i] = f(h[i - 1], x[i]) -- a write reading an earlier row."""
    r = g.rng
    mats = [p for p in g.params if isinstance(g.env[p], np.ndarray) and g.env[p].ndim >= 1 and len(g.env[p]) >= 2]
    if not mats:
        raise Reject("nothing to run over")
    m = r.choice(mats)
    n = len(g.env[m])
    h = g.fresh("h")
    init = r.choice([f"np.zeros_like({m})", f"{m}.copy()", f"np.zeros({g.env[m].shape})" if g.env[m].ndim > 1
                     else f"np.zeros({n})"])
    _commit(g, body, [f"{h} = {init}"], [f"{h} = {init}"])
    saved = dict(g.env)
    g.env["i"] = 1
    try:
        prev = E(f"{h}[i - 1]", f"{h}[i - 1]", g.env[h][0])
        cur = E(f"{m}[i]", f"{m}[i]", g.env[m][1])
        g.env["_prev"], g.env["_cur"] = prev.v, cur.v
        e = g.gen(np.shape(prev.v), r.randint(1, 2))
        form = r.choice(["np.tanh({p} * 0.5 + {c})", "{p} + {e}", "0.5 * {p} + np.sin({c}) * {e}"])
    finally:
        g.env.clear()
        g.env.update(saved)
    plain = [f"for i in range(1, {n}):",
             f"    {h}[i] = " + form.format(p=prev.p, c=cur.p, e=par(e))]
    inst = [f"for i in range(1, {n}):",
            f"    {h}[i] = " + form.format(p=prev.i, c=cur.i, e=par(e, True))]
    _commit(g, body, plain, inst)
    g.env.pop("i", None)
    return h


PLAIN_OPS = (op_unary, op_binary, op_ternary)

STATEMENTS = [(st_assign, 6), (st_augment, 3), (st_copy, 1), (st_loop, 2), (st_list, 1), (st_branch, 1),
              (st_view_write, 2), (st_recurrence, 1)]


def build(seed, index):
    rng = random.Random(f"wild:{seed}:{index}")
    for attempt in range(50):
        try:
            return _build(rng, seed, index)
        except (Reject, ValueError, IndexError):  # (a draw that fits no shape: an empty range, an empty array)
            continue
    raise RuntimeError("no program")


def _build(rng, seed, index):
    nparams = rng.randint(1, 3)
    names = rng.sample(NAMES, nparams)
    shapes = {n: rng.choice(PARAM_SHAPES) for n in names}
    if all(s == () for s in shapes.values()):
        shapes[names[0]] = (3, 4)
    args = [draw_input(rng, shapes[n]) for n in names]
    margins = Margins()
    env = {"np": np, **instruments(margins), **dict(zip(names, [np.copy(a) if isinstance(a, np.ndarray) else a
                                                               for a in args]))}
    g = Gen(rng, env, margins)
    g.plain = rng.random() < 0.2
    g.params = names
    body = Body(g)
    g.body = body
    made = []
    for _ in range(rng.randint(1, 5)):
        st, = rng.choices([s for s, _ in STATEMENTS], [w for _, w in STATEMENTS])
        if g.plain and st not in (st_assign, st_augment, st_branch):
            continue
        try:
            out = st(g, body)
        except Reject:
            continue
        if out:
            made.append(out)
    # early return on data
    early = rng.random() < 0.15
    if early:
        c = g.gen((), 2)
        t = repr(round(rng.uniform(-0.5, 0.5), 2))
        early = g.gen(_target(g), 2)
        body.add([f"if {par(c)} > {t}:", f"    return {early.p}"], [f"if _gt({c.i}, {t}):", f"    return {early.i}"])
    # outputs: one or two expressions reading what was made
    nout = 1 if rng.random() < 0.6 or early else 2
    outs = []
    for k in range(nout):
        last = [m for m in made if m in g.env and np.asarray(g.env[m]).dtype.kind == "f"]
        if last and k == 0:
            v = last[-1]
            shape = np.shape(g.env[v])
            e = g.gen(sub_broadcast(rng, shape), rng.randint(1, 3))
            opr = rng.choice(["+", "*", "-"])
            outs.append(g.mk(f"{v} {opr} {par(e)}", f"{v} {opr} {par(e, True)}", atom=False))
        elif rng.random() < 0.3:  # a value returned as it is (a parameter, a local): return y, x
            pool = sorted(set(names) | set(last))
            v = rng.choice(pool)
            outs.append(E(v, v, g.env[v]))
        else:
            outs.append(g.gen(_target(g), rng.randint(1, 3)))
    ret_p = ", ".join(o.p for o in outs)
    ret_i = ", ".join(o.i for o in outs)
    body.add([f"return {ret_p}"], [f"return {ret_i}"])
    how = rng.choice(["shapes=", "shapes=", "annotations", "none", "decorator"])
    if how == "annotations":
        sig = ", ".join(f'{n}: "{_spec(shapes[n])}"' for n in names)
    else:
        sig = ", ".join(names)
    helpers_p = "".join(h[0] + "\n\n" for h in g.helpers)
    helpers_i = "".join(h[1] + "\n\n" for h in g.helpers)
    source = HEADER + helpers_p + f"def f({sig}):\n" + "\n".join(body.plain) + "\n"
    inst = helpers_i + f"def f({', '.join(names)}):\n" + "\n".join(body.inst) + "\n"
    program = Program(source, inst, names, shapes, args, how, seed, index, rng.randrange(1 << 30))
    # the whole program, instrumented, at the inputs
    m2 = Margins()
    ns = {"np": np, **instruments(m2)}
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            exec(inst, ns)
            result = ns["f"](*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
        except Exception as exc:  # noqa: BLE001
            raise Reject(str(exc)) from None
    result = result if isinstance(result, tuple) else (result,)
    for o in result:
        a = np.asarray(o)
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)) or (a.size and np.max(np.abs(a)) > LIMIT):
            raise Reject("output")
    if m2.worst < MARGIN:
        raise Reject("near a kink")
    if not any(n in source.split("def f(")[1] for n in names):
        raise Reject("reads no parameter")
    return program


def _spec(shape):
    if shape == ():
        return "float"
    return ", ".join(str(k) for k in shape)


# ---------------------------------------------------------------------------------------------
# the oracle
# ---------------------------------------------------------------------------------------------

class Outcome:
    def __init__(self, kind, category="", message=""):
        self.kind, self.category, self.message = kind, category, message

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.category!r})"


class _Timeout(BaseException):
    pass


def _copy(args):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


def _forward(source):
    ns = {}
    exec(compile(source, "<wild forward>", "exec"), ns)
    fn = ns["f"]

    def run(*args):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*_copy(args))
    return run


def _douts(program, outs):
    rng = np.random.default_rng(program.douts_seed)
    return [float(rng.uniform(-1, 1)) if np.shape(o) == () else rng.uniform(-1, 1, size=np.shape(o)) for o in outs]


_FOLDER = []


def _import(source):
    """The forward as a function imported from a file (the decorator reads its source)."""
    if not _FOLDER:
        _FOLDER.append(str(numeric.scratch_folder("wild_")))
    path = os.path.join(_FOLDER[0], f"wild_forward_{abs(hash(source))}.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"wild_forward_{abs(hash(source))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def check(program, timeout=60):
    def handler(signum, frame):
        raise _Timeout()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _check(program)
    except _Timeout:
        return Outcome("crashed", "timeout", program.describe() + f"\n\ntimeout after {timeout} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _check(program):
    import backgen

    run = _forward(program.source)
    try:
        outs = run(*program.args)
    except Exception as exc:  # noqa: BLE001 - the plain program differs from the instrumented one
        return Outcome("skipped", "forward raises", f"{program.describe()}\nforward raises {type(exc).__name__}: {exc}")
    outs = outs if isinstance(outs, tuple) else (outs,)
    douts = _douts(program, outs)
    text = None

    def fail(kind, category, detail):
        parts = [program.describe()]
        if text is not None:
            parts += ["# generated:", text.rstrip()]
        parts.append(f"{kind}: {detail}")
        return Outcome(kind, category, "\n".join(parts))

    args = _copy(program.args)
    saved = _copy(program.args)
    given = _copy(douts)
    try:
        if program.how == "decorator":
            fn = _import(program.source)
            wrapped = backgen.backward(fn)
            dout = given[0] if len(given) == 1 else tuple(given)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grads = wrapped.backward(*args, dout=dout)
            text = getattr(wrapped, "backward_source", None)
        else:
            shapes = {n: program.shapes[n] for n in program.params} if program.how == "shapes=" else None
            text = backgen.generate(program.source, name="f", shapes=shapes)
            ns = {}
            try:
                exec(compile(text, "<generated>", "exec"), ns)
            except Exception as exc:  # noqa: BLE001
                return fail("crashed", f"generated module: {type(exc).__name__}", f"{type(exc).__name__}: {exc}")
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grads = ns["f_backward"](*args, *given)
    except TypeError as exc:
        if "is written for numbers" in str(exc):  # the shape-generic guard of code with no NumPy call
            return Outcome("refused", "the backward is written for numbers (run-time guard)", str(exc))
        return fail("crashed", "backward raises TypeError", f"TypeError: {exc}")
    except backgen.BackgenError as exc:
        if "internal error" in str(exc):
            return fail("crashed", "internal error", str(exc))
        return Outcome("refused", _refusal_key(str(exc)), str(exc))
    except _Timeout:
        raise
    except Exception as exc:  # noqa: BLE001
        where = "backward" if text is not None or program.how == "decorator" else "generate"
        return fail("crashed", f"{where} raises {type(exc).__name__}", f"{type(exc).__name__}: {exc}")

    for n, b, a in zip(program.params, saved, args):
        if not _same(b, a):
            return fail("wrong", "backward modifies an input", f"input {n} modified")
    for k, (b, a) in enumerate(zip(douts, given)):
        if not _same(b, a):
            return fail("wrong", "backward modifies dout", f"dout {k + 1} modified")

    wrt = list(program.params)
    if len(wrt) == 1:
        grads = (grads,)
    if not isinstance(grads, tuple) or len(grads) != len(wrt):
        return fail("wrong", "gradient count", f"{len(wrt)} gradients expected, got {grads!r}")
    objective = numeric.weighted(run, douts)
    compared = 0
    for k, (name, g) in enumerate(zip(wrt, grads)):
        x = program.args[k]
        if np.shape(g) != np.shape(x):
            return fail("wrong", "gradient shape", f"d{name} has shape {np.shape(g)}, {name} has {np.shape(x)}")
        estimates = [np.asarray(numeric.gradient(objective, program.args, k, eps=h), dtype=float) for h in STEPS]
        g = np.asarray(g, dtype=float)
        for j in range(max(1, np.size(x))):
            fa, fb = (float(e.reshape(-1)[j]) for e in estimates)
            got = float(g.reshape(-1)[j])
            if not (math.isfinite(fa) and math.isfinite(fb)) or abs(fa - fb) > 0.5 * (ATOL + RTOL * abs(fa)):
                continue  # finite differences cannot tell here
            compared += 1
            if not abs(got - fa) <= ATOL + RTOL * abs(fa):
                where = f"d{name}" + (f"[{np.unravel_index(j, np.shape(x))}]" if np.shape(x) else "")
                return fail("wrong", "gradient mismatch", f"{where}: backward {got!r}, finite differences {fa!r}\n"
                            f"# d{name} = {np.array2string(g, precision=5)}\n"
                            f"# fd = {np.array2string(estimates[0], precision=5)}")
    if not compared:
        return Outcome("skipped", "no element comparable")
    return Outcome("ok")


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b)
    return a == b


def _refusal_key(message):
    """The message of a refusal without the user's line, for grouping."""
    first = message.split("\n")[0]
    if ": " in first and first.split(": ")[0].count(" line ") and first.startswith(("<", "/", "\"")):
        first = first.split(": ", 1)[1]
    import re
    first = re.sub(r"^\S+:\d+:\d+: ", "", first)
    first = re.sub(r"line \d+", "line N", first)
    first = re.sub(r"'[^']*'|`[^`]*`", "'…'", first)
    return first[:140]
