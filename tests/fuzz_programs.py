"""Random forward programs, written as source text, and the differential oracle that checks backgen on them.

This is the generator behind ``tests/test_fuzz.py`` (Hypothesis, with shrinking) and
``benchmarks/fuzz_long.py`` (long runs driven by a plain ``random.Random``).  It is
independent of ``tests/test_random_programs.py``.

Every random decision goes through a ``Chooser``: one method, ``int(lo, hi)``, from which
``coin``, ``pick`` and ``weighted`` are built.  ``DrawChooser`` answers with Hypothesis draws
(``st.integers``), so failing programs shrink: every choice shrinks towards ``lo``, and the
options are listed simplest first (a coin shrinks to "no", a pick to its first option).
``RandomChooser`` answers with ``random.Random.randint``.

The generator writes programs over the subset backgen's README supports:

* NumPy programs on float64 parameters of shapes (3, 4), (4,), (1, 4), (3, 1), (3,) and
  scalars: broadcasting arithmetic, elementwise functions, reductions with ``axis`` and
  ``keepdims``, ``dot``/``@``/``matmul``/``outer``/``einsum``/``tensordot`` (with constant
  arrays such as ``np.ones(4)`` and ``np.arange(4.0)`` too), indexing, slicing, fancy
  indexing with repeated indices, boolean masks, shape functions, writes into arrays
  (``y[0] = ...``, ``y[:, 1:3] += ...``, ``y[[0, 0]] += ...``), in-place operators, aliases
  (``y = x``) and views (``r = X[0]``; ``r *= 3.0``) written through, lists built in loops;
* scalar programs using ``math``: arithmetic, ``math`` functions, ``abs``/``max``/``min``,
  conditional expressions, tuple assignment;
* in both: ``if``/``elif``/``else`` on data, ``for`` over ``range`` and over arrays, ``while``
  loops (counted, or on data), ``break``/``continue``, carried values that change shape,
  helper functions defined in the same source, early ``return``, several outputs.

Programs are grown statement by statement and *executed while they are written*: the
inputs are drawn first, and the values (hence shapes) every new expression can read are
found by running the program written so far up to the insertion point (``_probe``), with
the tests of the enclosing ``if``/``while`` statements forced so that branches not taken
still get written for real shapes.  A statement that raises, or makes a value non-finite
or huge, is taken back.  So nearly every program runs on its inputs, and nothing in the
generator needs to know NumPy's shape rules.

``check(program)`` is the oracle; it returns an ``Outcome`` whose ``kind`` is one of

* ``ok``: all checks passed;
* ``refused``: ``backgen.generate`` raised ``BackgenError`` (not an internal error);
* ``skipped``: not a fair test (the forward raises or is not finite at the inputs, or no
  element can be compared).  An element is left out where the finite differences disagree
  with themselves at two step sizes or bend (a kink), where the backward gives no number
  (a derivative taken where there is none, as of ``np.std`` of equal numbers), and, for a
  mismatch, where a step of the finite differences changes the path the program takes (an
  input on a branch's boundary, traced bytecode by bytecode) or where the backward gives
  another number at inputs 1e-9 away (rounding decides it: ``np.std`` of numbers equal but
  for rounding);
* ``crashed``: ``generate`` raised something else (or an "internal error" ``BackgenError``),
  or the generated module does not compile or run, or the backward raises;
* ``wrong``: a gradient differs from central finite differences of
  ``sum(output * dout)``, has the wrong shape, the backward modified an input or a
  ``dout``, or generating twice gave different text.

To look at one program of the long run: ``python benchmarks/fuzz_long.py --show N --seed S``.
"""

import ast
import copy
import math
import re
import signal
import sys
import time
import warnings

import numpy as np

LIMIT = 1e3  # largest magnitude of any value a program computes (keeps finite differences accurate)
SIZE_LIMIT = 10_000  # most elements of any array a program computes (np.outer in a loop squares the size)
H1, H2 = 1e-5, 2.5e-6  # finite-difference steps; an element where they disagree is skipped
RTOL, ATOL = 1e-4, 1e-6

ATOM, POW, UNARY, MUL, ADD, CMP, IFEXP = 10, 8, 7, 6, 5, 3, 1


# =========================================================================================
# choosers
# =========================================================================================


class Chooser:
    """Where the random decisions come from: subclasses define ``int(lo, hi)`` (inclusive)."""

    def int(self, lo, hi):
        raise NotImplementedError

    def coin(self, percent):
        """True with probability ``percent``/100 (shrinks to False)."""
        return self.int(0, 99) >= 100 - percent

    def pick(self, options):
        """One of ``options`` (shrinks to the first)."""
        options = list(options)
        return options[self.int(0, len(options) - 1)]

    def weighted(self, pairs):
        """One value of ``[(value, weight), ...]`` (weights ints; shrinks to the first with weight)."""
        pairs = [(v, w) for v, w in pairs if w > 0]
        k = self.int(0, sum(w for _, w in pairs) - 1)
        for value, weight in pairs:
            if k < weight:
                return value
            k -= weight
        raise AssertionError("unreachable")


class RandomChooser(Chooser):
    def __init__(self, rng):
        self.rng = rng

    def int(self, lo, hi):
        return self.rng.randint(lo, hi)


class DrawChooser(Chooser):
    """Hypothesis draws (inside ``@st.composite`` or from ``st.data()``)."""

    _strategies = {}

    def __init__(self, draw):
        self.draw = draw

    def int(self, lo, hi):
        strategy = self._strategies.get((lo, hi))
        if strategy is None:
            from hypothesis import strategies as st
            strategy = self._strategies[(lo, hi)] = st.integers(lo, hi)
        return self.draw(strategy)


def programs(kind="numpy"):
    """A Hypothesis strategy of ``Program`` s (``kind``: "numpy" or "math")."""
    from hypothesis import strategies as st

    @st.composite
    def strategy(draw):
        return build(DrawChooser(draw), kind)

    return strategy()


# =========================================================================================
# programs: statements as a small tree, rendered to source (plain, or with a probe)
# =========================================================================================


class Line:
    def __init__(self, text):
        self.text = text


class If:
    def __init__(self, cond, body=None, orelse=None):
        self.cond, self.body, self.orelse = cond, body if body is not None else [], orelse


class For:
    def __init__(self, target, iterable, body=None):
        self.target, self.iterable, self.body = target, iterable, body if body is not None else []


class While:
    def __init__(self, cond, body=None):
        self.cond, self.body = cond, body if body is not None else []


class _Probed(Exception):
    def __init__(self, env):
        super().__init__("probe")
        self.env = env


def _probe(env):
    raise _Probed(dict(env))


def render_block(block, level, probe=None):
    """Lines of ``block``; ``probe`` = (block, index, forced) puts ``_probe(locals())`` there."""
    pad = "    " * level
    out = []
    for k, stmt in enumerate(block):
        if probe is not None and probe[0] is block and probe[1] == k:
            out.append(pad + "_probe(locals())")
        out += render_stmt(stmt, level, probe)
    if probe is not None and probe[0] is block and probe[1] == len(block):
        out.append(pad + "_probe(locals())")
    if not out:
        out.append(pad + "pass")
    return out


def render_stmt(stmt, level, probe):
    pad = "    " * level
    forced = probe[2] if probe is not None else {}
    if isinstance(stmt, Line):
        return [pad + stmt.text]
    if isinstance(stmt, If):
        lines = []
        keyword = "if"
        while True:
            mode = forced.get(id(stmt))
            cond = {"body": "True", "orelse": "False"}.get(mode, stmt.cond)
            lines.append(f"{pad}{keyword} {cond}:")
            lines += render_block(stmt.body, level + 1, probe)
            orelse = stmt.orelse
            if orelse is not None and len(orelse) == 1 and isinstance(orelse[0], If) and \
                    not (probe is not None and probe[0] is orelse):
                stmt, keyword = orelse[0], "elif"
                continue
            if orelse is not None:
                lines.append(pad + "else:")
                lines += render_block(orelse, level + 1, probe)
            return lines
    if isinstance(stmt, For):
        return [f"{pad}for {stmt.target} in {stmt.iterable}:"] + render_block(stmt.body, level + 1, probe)
    if isinstance(stmt, While):
        if id(stmt) in forced:  # a bounded stand-in for "while True" (the probe may not be reached)
            return [f"{pad}for _forced in range(3):"] + render_block(stmt.body, level + 1, probe)
        return [f"{pad}while {stmt.cond}:"] + render_block(stmt.body, level + 1, probe)
    raise TypeError(stmt)


class Function:
    def __init__(self, name, params, annotations=None):
        self.name, self.params = name, params
        self.annotations = annotations or {}
        self.body = []

    def lines(self, probe=None):
        params = ", ".join(f"{p}: {self.annotations[p]}" if p in self.annotations else p for p in self.params)
        return [f"def {self.name}({params}):"] + render_block(self.body, 1, probe)


HEADER = "import math\n\nimport numpy as np\n"


def module_text(functions, probe_function=None, probe=None):
    parts = [HEADER]
    for fn in functions:
        lines = fn.lines(probe if fn is probe_function else None)
        parts.append("\n\n" + "\n".join(lines) + "\n")
    return "".join(parts)


class Program:
    """One generated module; ``f`` is the function differentiated."""

    def __init__(self, kind, source, params, shapes, args, annotated, dout_seed, none_output):
        self.kind, self.source, self.params = kind, source, params
        self.shapes = shapes  # name -> tuple, or int for an integer parameter
        self.args = args
        self.annotated = annotated  # shapes given as annotations in the source, not as shapes=
        self.dout_seed, self.none_output = dout_seed, none_output

    def with_source(self, source):
        return Program(self.kind, source, self.params, self.shapes, self.args, self.annotated,
                       self.dout_seed, self.none_output)

    @property
    def wrt(self):
        return [p for p in self.params if self.shapes[p] is not int]

    def describe(self):
        lines = [self.source.rstrip(), "", "# inputs:"]
        for p, a in zip(self.params, self.args):
            lines.append(f"#   {p} = {_show(a)}")
        if not self.annotated:
            shapes = ", ".join(f"{p!r}: {'int' if s is int else s}" for p, s in self.shapes.items())
            lines.append(f"# shapes={{{shapes}}}")
        return "\n".join(lines)

    def __repr__(self):
        return "Program(\n" + self.describe() + "\n)"


def _show(value):
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    return repr(value)


# =========================================================================================
# running programs
# =========================================================================================


def _namespace():
    return {"np": np, "math": math, "_probe": _probe}


def _copy(values):
    return [v.copy() if isinstance(v, np.ndarray) else copy.deepcopy(v) if isinstance(v, (dict, list)) else v
            for v in values]


def _floaty(value):
    if isinstance(value, bool) or isinstance(value, np.bool_):
        return False
    if isinstance(value, (float, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _sane(value):
    """A float value or array that is finite and not huge."""
    if not _floaty(value):
        return False
    a = np.asarray(value)
    if a.size > SIZE_LIMIT:
        return False
    return a.size == 0 or (bool(np.all(np.isfinite(a))) and float(np.max(np.abs(a))) <= LIMIT)


class Runner:
    """Compiles a module and runs one of its functions on fresh copies of the inputs."""

    def __init__(self, functions):
        self.functions = functions

    def probe(self, fn, args, block, index, forced):
        """The locals at (block, index) of ``fn`` the first time it gets there, or None."""
        text = module_text(self.functions, fn, (block, index, forced))
        ns = _namespace()
        try:
            exec(compile(text, "<fuzz probe>", "exec"), ns)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ns[fn.name](*_copy(args))
        except _Probed as p:
            return p.env
        except Exception:  # noqa: BLE001 - any failure of the program written so far
            return None
        return None

    def call(self, fn, args):
        """``(True, result)`` or ``(False, exception)``."""
        text = module_text(self.functions)
        ns = _namespace()
        try:
            exec(compile(text, "<fuzz>", "exec"), ns)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return True, ns[fn.name](*_copy(args))
        except _Probed:
            return False, RuntimeError("probe left in")
        except Exception as exc:  # noqa: BLE001
            return False, exc


# =========================================================================================
# expressions
# =========================================================================================


class E:
    """A generated expression: its text, its value on the current inputs, its precedence."""

    def __init__(self, text, value, prec=ATOM):
        self.text, self.value, self.prec = text, value, prec

    def w(self, prec):
        return self.text if self.prec >= prec else f"({self.text})"


CONSTS = ["0.5", "2.0", "1.5", "0.3", "3.0", "0.25", "-0.5", "1.0", "-1.5", "0.7"]

NP_UNARY = [  # (template, precedence of the result); {0} is the operand (wrapped for ATOM or UNARY)
    ("np.tanh({0})", ATOM), ("np.sin({0})", ATOM), ("np.cos({0})", ATOM), ("np.exp({0})", ATOM),
    ("np.square({0})", ATOM), ("np.abs({0})", ATOM), ("np.log({u} * {u} + 1.0)", ATOM),
    ("np.sqrt({u} * {u} + 0.5)", ATOM), ("np.log1p({u} * {u})", ATOM), ("np.arctan({0})", ATOM),
    ("np.sinh({0})", ATOM), ("np.cosh({0})", ATOM), ("np.expm1({0})", ATOM),
    ("np.reciprocal(1.0 + {u} * {u})", ATOM), ("np.negative({0})", ATOM), ("np.power({0}, 2)", ATOM),
    ("np.power({0}, 3)", ATOM), ("np.sign({0}) * {u}", MUL), ("np.clip({0}, -0.5, 0.8)", ATOM),
    ("np.maximum({0}, 0.1)", ATOM), ("np.minimum({0}, -0.2)", ATOM), ("np.maximum(0, {0})", ATOM),
    ("1.0 / (1.0 + np.exp(-{u}))", MUL), ("np.exp(-{u})", ATOM), ("{a}.clip(-0.6, 0.9)", ATOM),
    ("{a} ** 2", POW), ("np.tan(0.5 * np.sin({0}))", ATOM), ("np.square({0}).sum()", ATOM),
]

MATH_UNARY = [
    ("math.tanh({0})", ATOM), ("math.sin({0})", ATOM), ("math.cos({0})", ATOM), ("math.exp({0})", ATOM),
    ("math.log({u} * {u} + 1.0)", ATOM), ("math.sqrt({u} * {u} + 0.5)", ATOM), ("math.log1p({u} * {u})", ATOM),
    ("math.atan({0})", ATOM), ("math.sinh({0})", ATOM), ("math.cosh({0})", ATOM), ("math.expm1({0})", ATOM),
    ("abs({0})", ATOM), ("math.fabs({0})", ATOM), ("math.tan(0.5 * math.sin({0}))", ATOM),
    ("math.asin(0.5 * math.sin({0}))", ATOM), ("math.acos(0.5 * math.tanh({0}))", ATOM),
    ("1.0 / (1.0 + math.exp(-{u}))", MUL), ("math.exp(-{u})", ATOM), ("{a} ** 2", POW), ("{a} ** 3", POW),
    ("({u} * {u} + 1.0) ** 0.5", POW), ("2 ** {a}", POW), ("pow({0}, 2)", ATOM), ("math.pow({0}, 2)", ATOM),
    ("math.log({u} * {u} + 1.0, 2.0)", ATOM), ("-{u}", UNARY), ("+{u}", UNARY),
]

MATH_BINARY = [
    ("max({0}, {1})", ATOM), ("min({0}, {1})", ATOM), ("math.atan2({0}, 1.5 + {v} * {v})", ATOM),
    ("math.hypot({0}, 0.5 + {v} * {v})", ATOM), ("{u} / (1.5 + {v} * {v})", MUL), ("math.pow({u} * {u} + 0.5, {1})", ATOM),
    ("({u} * {u} + 0.5) ** {b}", POW),
]

NP_BINARY = [
    ("np.maximum({0}, {1})", ATOM), ("np.minimum({0}, {1})", ATOM), ("np.add({0}, {1})", ATOM),
    ("np.subtract({0}, {1})", ATOM), ("np.multiply({0}, {1})", ATOM), ("np.divide({0}, 1.0 + {v} * {v})", ATOM),
    ("np.where({u} > {v}, {0}, {1})", ATOM), ("np.where({u} > 0.5, {0}, {1})", ATOM),
    ("np.power({u} * {u} + 0.5, {1})", ATOM), ("max({0}, {1})", ATOM), ("({u} % 1.7 + {1})", ATOM),
]

REDUCTIONS = ["sum", "mean", "max", "min", "prod", "var", "std"]


def _is_array(value):
    return isinstance(value, np.ndarray) and value.ndim >= 1


class Gen:
    """Grows one program (helpers, then ``f``) from a ``Chooser``."""

    def __init__(self, ch, kind):
        self.ch, self.kind = ch, kind
        self.functions = []
        self.runner = Runner(self.functions)
        self.ns = _namespace()
        self.helpers = []  # (name, nparams, nreturns)
        self.hidden = set()  # names that may be unset where read (set in one branch only)
        self.protected = set()  # names not to be reassigned (the variable of a data-dependent while)
        self.counter = 0
        self.budget = 0
        self.fn = None
        self.args = None
        self.params_int = []

    # ----------------------------------------------------------------- names and values

    def fresh(self):
        pool = "abcdeghmpqryz"
        taken = set(self.fn.params)
        while True:
            name = pool[self.counter] if self.counter < len(pool) else f"t{self.counter - len(pool)}"
            self.counter += 1
            if name not in taken:
                return name

    def usable(self, env):
        """Names of float values (scalars and arrays) that expressions may read."""
        return [n for n, v in env.items()
                if not n.startswith("_") and n not in self.hidden and _floaty(v) and _sane(v) and np.size(v)]

    def ints(self, env):
        return [n for n, v in env.items() if isinstance(v, int) and not isinstance(v, bool)
                and not n.startswith("_") and n not in self.hidden]

    def ev(self, text, env):
        """The value of ``text`` in ``env``, or None if it raises or is not a sane float value."""
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = eval(text, self.ns, dict(env))
        except Exception:  # noqa: BLE001
            return None
        return value if _sane(value) else None

    def reads(self, text, env):
        """Whether ``text`` reads one of the float values around."""
        names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text))
        return any(n in names for n in self.usable(env))

    def make(self, text, env, prec=ATOM):
        value = self.ev(text, env)
        return None if value is None else E(text, value, prec)

    def name_pick(self, names):
        weights = [1 + k for k in range(len(names))]  # later values more often
        return self.ch.weighted(list(zip(names, weights)))

    # ----------------------------------------------------------------- expressions

    def leaf(self, env):
        names = self.usable(env)
        ints = self.ints(env)
        if names and not self.ch.coin(15):
            name = self.name_pick(names)
            return E(name, env[name])
        if ints and self.ch.coin(20):
            i = self.ch.pick(ints)
            return self.make(f"({i} + 1.0)", env) or E("0.5", 0.5)
        c = self.ch.pick(CONSTS)
        return E(c, float(c), UNARY if c.startswith("-") else ATOM)

    def expr(self, env, depth):
        if depth <= 0:
            return self.leaf(env)
        numpy = self.kind == "numpy"
        options = [("leaf", 3), ("arith", 10), ("unary", 7), ("binary", 3), ("ifexp", 1),
                   ("call", 3 if self.helpers else 0)]
        if numpy:
            options += [("reduce", 6), ("index", 6), ("linalg", 5), ("shape", 3), ("const", 2), ("mathfn", 1)]
        for _ in range(3):
            kind = self.ch.weighted(options)
            e = self.leaf(env) if kind == "leaf" else getattr(self, "x_" + kind)(env, depth)
            if e is not None:
                return e
        return self.leaf(env)

    def array_expr(self, env, depth, min_rank=1):
        """An expression whose value is an array of at least ``min_rank`` dimensions, or None."""
        arrays = [n for n in self.usable(env) if np.ndim(env[n]) >= min_rank and isinstance(env[n], np.ndarray)]
        for _ in range(3):
            if arrays and (depth <= 0 or self.ch.coin(60)):
                name = self.name_pick(arrays)
                return E(name, env[name])
            e = self.expr(env, depth)
            if isinstance(e.value, np.ndarray) and e.value.ndim >= min_rank:
                return e
        return None

    def x_arith(self, env, depth):
        ch = self.ch
        a = self.expr(env, depth - 1)
        op = ch.weighted([("+", 5), ("*", 5), ("-", 3), ("/", 2), ("/c", 1), ("**", 2), ("neg", 1)])
        if op == "neg":
            return self.make(f"-{a.w(UNARY)}", env, UNARY)
        if op == "/c":
            return self.make(f"{a.w(MUL)} / {ch.pick(['2.0', '0.5', '3.0'])}", env, MUL)
        if op == "**":
            return self.make(f"{a.w(ATOM)} ** {ch.pick(['2', '3', '2.0'])}", env, POW)
        for _ in range(3):
            b = self.expr(env, depth - 1)
            if b.text == a.text and op in "-/":
                continue
            if op == "+":
                e = self.make(f"{a.w(ADD)} + {b.w(MUL)}", env, ADD)
            elif op == "-":
                e = self.make(f"{a.w(ADD)} - {b.w(MUL)}", env, ADD)
            elif op == "*":
                e = self.make(f"{a.w(MUL)} * {b.w(UNARY)}", env, MUL)
            else:
                e = self.make(f"{a.w(MUL)} / ({ch.pick(['1.0', '1.5'])} + {b.w(MUL)} * {b.w(UNARY)})", env, MUL)
            if e is not None:
                return e
        return None

    def x_unary(self, env, depth):
        a = self.expr(env, depth - 1)
        numpy = self.kind == "numpy"
        table = NP_UNARY if numpy and (isinstance(a.value, np.ndarray) or self.ch.coin(30)) else MATH_UNARY
        template, prec = self.ch.pick(table)
        text = template.format(a.text, u=a.w(UNARY), a=a.w(ATOM))
        return self.make(text, env, prec)

    def x_binary(self, env, depth):
        table = NP_BINARY if self.kind == "numpy" else MATH_BINARY
        template, prec = self.ch.pick(table)
        a = self.expr(env, depth - 1)
        for _ in range(2):
            b = self.expr(env, depth - 1)
            text = template.format(a.text, b.text, u=a.w(UNARY), v=b.w(UNARY), b=b.w(ATOM))
            e = self.make(text, env, prec)
            if e is not None:
                return e
        return None

    def x_mathfn(self, env, depth):
        """A ``math`` function of a scalar computed from arrays (``math.exp(np.sum(x))``)."""
        a = self.scalar_of(env, depth - 1)
        if a is None:
            return None
        template, prec = self.ch.pick(MATH_UNARY)
        return self.make(template.format(a.text, u=a.w(UNARY), a=a.w(ATOM)), env, prec)

    def x_ifexp(self, env, depth):
        cond = self.cond(env)
        if cond is None:
            return None
        a = self.expr(env, depth - 1)
        b = self.expr(env, depth - 1)
        if a.text == b.text:
            b = self.expr(env, depth - 1)
        return self.make(f"{a.w(CMP)} if {cond} else {b.w(CMP)}", env, IFEXP)

    def x_call(self, env, depth):
        singles = [h for h in self.helpers if h[2] == 1]
        if not singles:
            return None
        name, nparams, _ = self.ch.pick(singles)
        for _ in range(2):
            args = [self.expr(env, depth - 1).text for _ in range(nparams)]
            e = self.make(f"{name}({', '.join(args)})", env)
            if e is not None:
                return e
        return None

    def x_const(self, env, depth):
        """A constant array of the shape of some value around."""
        shapes = sorted({env[n].shape for n in self.usable(env) if _is_array(env[n])}) or [(4,)]
        shape = self.ch.pick(shapes)
        size = int(np.prod(shape))
        dims = shape[0] if len(shape) == 1 else shape
        options = [f"np.ones({dims})", f"np.arange({float(size)})" if len(shape) == 1 else
                   f"np.arange({float(size)}).reshape{shape}", f"np.full({dims}, 0.5)",
                   f"np.linspace(0.5, 1.5, {size})" if len(shape) == 1 else f"np.ones({dims}) * 0.5"]
        if len(shape) == 2 and shape[0] == shape[1]:
            options.append(f"np.eye({shape[0]})")
        text = self.ch.pick(options)
        return self.make(text, env, MUL if " * " in text else ATOM)

    def x_reduce(self, env, depth):
        ch = self.ch
        a = self.array_expr(env, depth - 1)
        if a is None:
            return None
        fn = ch.pick(REDUCTIONS + ["norm"])
        rank = a.value.ndim
        if fn == "norm":
            e = self.make(f"np.linalg.norm({a.text})", env)
            return e if e is not None and e.value > 1e-3 else None
        axes = [None] + list(range(rank)) + [-1] + ([(0, 1)] if rank == 2 else [])
        axis = ch.pick(axes)
        keep = ch.coin(30)
        extra = ""
        if fn in ("var", "std") and ch.coin(20):
            extra = ", ddof=1"
        kwargs = ("" if axis is None else f"axis={axis}") + (", keepdims=True" if keep else "") + extra
        kwargs = kwargs.lstrip(", ")
        if ch.coin(40):
            text = f"{a.w(ATOM)}.{fn}({kwargs})"
        else:
            text = f"np.{fn}({a.text}{', ' + kwargs if kwargs else ''})"
        e = self.make(text, env)
        if e is not None and fn == "std" and np.min(np.abs(e.value)) < 1e-3:
            return None  # no gradient where the deviation is zero
        return e

    def index_text(self, shape, env, base=None, write=False):
        """An index (with its brackets) into an array of ``shape``."""
        ch = self.ch
        n = shape[0]
        ints = [i for i in self.ints(env) if 0 <= env[i] < n]

        def k(size):
            return ch.int(-size, size - 1)

        def sl(size):
            a = ch.int(0, size - 1)
            b = ch.int(a + 1, size)
            return ch.pick([f"{a}:{b}", f"{a}:", f":{b}", "::2", "::-1", "1::2", ":-1", f"-{size - a}:"])

        def fancy(size):
            m = ch.int(1, 4)
            return "[" + ", ".join(str(ch.int(0, size - 1)) for _ in range(m)) + "]"

        options = [("int", 5), ("slice", 4), ("fancy", 3), ("loop", 3 if ints else 0),
                   ("mask", 2 if base else 0), ("none", 0 if write else 1)]
        if len(shape) == 2:
            options += [("col", 3), ("elem", 2), ("cslice", 3), ("block", 2), ("cfancy", 2), ("pairs", 2),
                        ("ellipsis", 1)]
        kind = ch.weighted(options)
        m = shape[1] if len(shape) == 2 else None
        if kind == "int":
            return f"[{k(n)}]"
        if kind == "slice":
            return f"[{sl(n)}]"
        if kind == "fancy":
            return f"[{fancy(n)}]"
        if kind == "loop":
            return f"[{ch.pick(ints)}]"
        if kind == "mask":
            return f"[{base} > {ch.pick(['0.5', '0.0', '-0.3'])}]"
        if kind == "none":
            return ch.pick(["[None]", "[:, None]" if len(shape) == 1 else "[:, :, None]", "[np.newaxis]"])
        if kind == "col":
            return f"[:, {k(m)}]"
        if kind == "elem":
            return f"[{k(n)}, {k(m)}]"
        if kind == "cslice":
            return f"[:, {sl(m)}]"
        if kind == "block":
            return f"[{sl(n)}, {sl(m)}]"
        if kind == "cfancy":
            return f"[:, {fancy(m)}]"
        if kind == "pairs":
            size = ch.int(1, 3)
            rows = ", ".join(str(ch.int(0, n - 1)) for _ in range(size))
            cols = ", ".join(str(ch.int(0, m - 1)) for _ in range(size))
            return f"[[{rows}], [{cols}]]"
        return f"[..., {k(m)}]"

    def x_index(self, env, depth):
        a = self.array_expr(env, depth - 1)
        if a is None or a.value.size == 0:
            return None
        idx = self.index_text(a.value.shape, env, base=a.text if a.prec == ATOM and "(" not in a.text else None)
        e = self.make(f"{a.w(ATOM)}{idx}", env)
        if e is not None and isinstance(e.value, np.ndarray) and e.value.size == 0:
            return None
        return e

    def partners(self, env, shape):
        """Texts of constant arrays (and values around) whose first dimension is ``shape[-1]``."""
        n = shape[-1]
        out = [f"np.ones({n})", f"np.arange({float(n)})", f"np.ones(({n}, 3))",
               f"np.arange({float(n * 2)}).reshape({n}, 2)"]
        if n > 1:
            out.append(f"np.eye({n})")
        for name in self.usable(env):
            v = env[name]
            if _is_array(v) and v.shape[0] == n:
                out.append(name)
            if _is_array(v) and v.ndim == 2 and v.shape[1] == n:
                out.append(f"{name}.T")
        return out

    def x_linalg(self, env, depth):
        ch = self.ch
        a = self.array_expr(env, depth - 1)
        if a is None or a.value.ndim > 2:
            return None
        form = ch.weighted([("@", 4), (".dot", 3), ("np.dot", 3), ("matmul", 1), ("outer", 1), ("einsum", 1),
                            ("tensordot", 1), ("left", 2)])
        if form == "outer":
            b = self.array_expr(env, depth - 1)
            return None if b is None else self.make(f"np.outer({a.text}, {b.text})", env)
        if form == "tensordot":
            return self.make(f"np.tensordot({a.text}, {a.w(ATOM)} * 0.5, axes={a.value.ndim})", env)
        if form == "left":  # a constant or a value on the left: np.ones(3) @ X
            n = a.value.shape[0]
            left = ch.pick([f"np.ones({n})", f"np.arange({float(n)})", f"np.ones((2, {n}))"] +
                           [name for name in self.usable(env) if _is_array(env[name]) and env[name].shape[-1] == n])
            return self.make(f"{left} @ {a.w(UNARY)}", env, MUL)
        partners = self.partners(env, a.value.shape)
        b = ch.pick(partners)
        if form == "einsum":
            spec = {1: "i", 2: "ij"}[a.value.ndim]
            bv = self.ev(b, env)
            if bv is None or np.ndim(bv) not in (1, 2):
                return None
            bspec = "j" if np.ndim(bv) == 1 else "jk"
            if spec == "i":
                bspec = "i" if np.ndim(bv) == 1 else "ik"
            out = "".join(c for c in spec + bspec if (spec + bspec).count(c) == 1)
            return self.make(f"np.einsum('{spec},{bspec}->{out}', {a.text}, {b})", env)
        if form == "@":
            return self.make(f"{a.w(MUL)} @ {b}", env, MUL)
        if form == ".dot":
            return self.make(f"{a.w(ATOM)}.dot({b})", env)
        if form == "np.dot":
            return self.make(f"np.dot({a.text}, {b})", env)
        return self.make(f"np.matmul({a.text}, {b})", env)

    def x_shape(self, env, depth):
        ch = self.ch
        a = self.array_expr(env, depth - 1)
        if a is None:
            return None
        shape = a.value.shape
        ops = [f"{a.w(ATOM)}.T", f"np.transpose({a.text})", f"{a.w(ATOM)}.reshape(-1)", f"{a.w(ATOM)}.reshape(1, -1)",
               f"{a.w(ATOM)}.reshape(-1, 1)", f"{a.w(ATOM)}.ravel()", f"{a.w(ATOM)}.flatten()",
               f"np.expand_dims({a.text}, 0)", f"np.tile({a.text}, 2)", f"np.repeat({a.text}, 2, axis=0)",
               f"np.concatenate([{a.text}, {a.w(MUL)} * 2.0], axis=0)", f"np.stack([{a.text}, {a.w(UNARY)} ** 2])",
               f"np.hstack([{a.text}, {a.text}])", f"np.vstack([{a.text}, {a.w(MUL)} * 0.5])", f"{a.w(ATOM)}[::-1]"]
        if 1 in shape:
            ops.append(f"np.squeeze({a.text})")
        if len(shape) == 2:
            ops += [f"np.swapaxes({a.text}, 0, 1)", f"{a.w(ATOM)}.transpose()", f"np.tile({a.text}, (2, 1))"]
        targets = sorted({env[n].shape for n in self.usable(env) if _is_array(env[n])})
        targets = [t for t in targets if t != shape and _broadcasts(shape, t)]
        if targets:
            ops.append(f"np.broadcast_to({a.text}, {ch.pick(targets)})")
        return self.make(ch.pick(ops), env)

    def scalar_of(self, env, depth):
        """A scalar expression (an array reduced or indexed down to one number)."""
        a = self.expr(env, depth)
        if not isinstance(a.value, np.ndarray):
            return a
        if a.value.ndim == 0:
            return self.make(f"float({a.text})", env)
        ch = self.ch
        form = ch.weighted([("sum", 3), ("index", 3), ("mean", 1), ("max", 1)])
        if 0 in a.value.shape:  # an empty array (an empty selection): no element to index, none to take the max of
            form = "sum"
        if form == "index":
            idx = ", ".join(str(ch.int(0, d - 1)) for d in a.value.shape)
            return self.make(f"{a.w(ATOM)}[{idx}]", env)
        if form == "sum":
            return self.make(f"np.sum({a.text})", env)
        return self.make(f"{a.w(ATOM)}.{form}()", env)

    def cond(self, env, depth=None):
        """A test on data: ``x[0] < 0.5``, ``np.sum(h) > d[1]``; None if none could be made."""
        ch = self.ch
        depth = ch.int(0, 1) if depth is None else depth
        for _ in range(3):
            a = self.scalar_of(env, depth)
            if a is not None and self.reads(a.text, env):
                break
        else:
            return None
        value = float(a.value)
        op = ch.pick(["<", ">"])
        if ch.coin(20):
            b = self.scalar_of(env, 0)
            if b is not None and b.text != a.text and abs(float(b.value) - value) > 0.05:
                text = f"{a.w(ADD)} {op} {b.w(ADD)}"
                return f"not {text}" if ch.coin(15) else text
        offset = ch.pick([0.2, -0.2, 0.5, -0.5, 1.0, -1.0, 0.1, -0.1])
        threshold = round(value + offset, 1)
        if abs(threshold - value) < 0.05:
            threshold = round(threshold + 0.1, 1)
        text = f"{a.w(ADD)} {op} {threshold}"
        return f"not {text}" if ch.coin(10) else text

    def fit(self, e, shape, env):
        """``e`` made to broadcast into ``shape`` (reduced if it does not), or None."""
        if _broadcasts(np.shape(e.value), shape):
            return e
        ch = self.ch
        v = e.value
        options = [f"np.sum({e.text})", f"{e.w(ATOM)}.mean()", f"np.max({e.text})"]
        if np.ndim(v) == 2 and len(shape) >= 1 and v.shape[1] == shape[-1]:
            options.insert(0, f"{e.w(ATOM)}.sum(axis=0)")
        if np.ndim(v) == 2 and len(shape) >= 1 and v.shape[0] == shape[-1]:
            options.insert(0, f"{e.w(ATOM)}.mean(axis=1)")
        if np.ndim(v) == 1 and len(shape) == 2 and v.shape[0] == shape[0]:
            options.insert(0, f"{e.w(ATOM)}[:, None]")
        for _ in range(2):
            f = self.make(ch.pick(options), env)
            if f is not None and _broadcasts(np.shape(f.value), shape):
                return f
        return self.make(f"np.sum({e.text})", env)

    # ----------------------------------------------------------------- statements

    def env_at(self, block, index, chain):
        forced = {id(node): branch for node, branch in chain if isinstance(node, (If, While))}
        env = self.runner.probe(self.fn, self.args, block, index, forced)
        if env is None or not all(_sane(v) for n, v in env.items() if _floaty(v)):
            return None
        return env

    def valid(self, block, index, chain):
        """The program runs on its inputs with sane values, and the probe after (block, index) is reached."""
        top = self.fn.body
        if top and isinstance(top[-1], Line) and top[-1].text.startswith("return "):
            ok, result = self.runner.call(self.fn, self.args)
            if not ok or not _outputs_sane(result):
                return None
        else:
            end = self.runner.probe(self.fn, self.args, top, len(top), {})
            if end is None or not all(_sane(v) for v in end.values() if _floaty(v)):
                return None
        return self.env_at(block, index + 1, chain)

    def add(self, block, stmts, chain):
        """Insert ``stmts`` at the end of ``block``; keep them if the program stays valid."""
        start = len(block)
        block.extend(stmts)
        if self.valid(block, len(block) - 1, chain) is None:
            del block[start:]
            return False
        return True

    def gen_block(self, block, chain, count, loop=None):
        for _ in range(count):
            if self.budget <= 0:
                return
            for _attempt in range(3):
                env = self.env_at(block, len(block), chain)
                if env is None:
                    return
                self.budget -= 1
                if self.statement(block, chain, env, loop):
                    break

    def statement(self, block, chain, env, loop):
        ch = self.ch
        numpy = self.kind == "numpy"
        nest = sum(1 for node, _ in chain if isinstance(node, (For, While)))
        depth = len(chain)
        arrays = [n for n in self.usable(env) if _is_array(env[n])]
        options = [("assign", 20), ("reassign", 12), ("aug", 10), ("tuple", 3),
                   ("if", 8 if depth < 3 and self.budget >= 1 else 0),
                   ("for", 8 if nest < 2 and self.budget >= 1 else 0),
                   ("while", 3 if nest < 2 and self.budget >= 1 else 0),
                   ("call", 5 if self.helpers else 0)]
        if numpy:
            options += [("alias", 6), ("write", 10 if arrays else 0), ("listloop", 2 if nest < 2 else 0),
                        ("pack", 3)]
        kind = ch.weighted(options)
        return getattr(self, "s_" + kind)(block, chain, env, loop)

    def expr_depth(self):
        return self.ch.weighted([(1, 4), (2, 5), (0, 1), (3, 2)])

    def targets(self, env):
        return [n for n in self.usable(env) if n not in self.protected]

    def s_assign(self, block, chain, env, loop):
        e = self.expr(env, self.expr_depth())
        return self.add(block, [Line(f"{self.fresh()} = {e.text}")], chain)

    def s_reassign(self, block, chain, env, loop):
        ch = self.ch
        names = self.targets(env)
        if not names:
            return self.s_assign(block, chain, env, loop)
        target = self.name_pick(names)
        if loop and loop[1] == target and ch.coin(50):
            # for r in s: s = s + r
            e = self.make(f"{target} {ch.pick(['+', '*'])} {loop[0]}", env, ADD)
        elif ch.coin(50):  # h = h * 0.5 + X: reads itself, often changes shape
            other = self.expr(env, self.expr_depth() - 1)
            e = self.make(f"{target} * {ch.pick(['0.5', '2.0', '0.9'])} + {other.w(MUL)}", env, ADD)
        else:
            e = self.expr(env, self.expr_depth())
        if e is None or e.text == target:
            return False
        return self.add(block, [Line(f"{target} = {e.text}")], chain)

    def s_aug(self, block, chain, env, loop):
        ch = self.ch
        names = self.targets(env)
        if not names:
            return False
        target = self.name_pick(names)
        e = self.expr(env, self.expr_depth() - 1)
        if isinstance(env[target], np.ndarray) and ch.coin(85):
            e = self.fit(e, env[target].shape, env)  # in place: must broadcast into the target
            if e is None:
                return False
        op = ch.weighted([("+=", 5), ("*=", 3), ("-=", 2), ("/=", 1)])
        value = e.text if op != "/=" else f"1.0 + {e.w(MUL)} * {e.w(UNARY)}"
        return self.add(block, [Line(f"{target} {op} {value}")], chain)

    def s_tuple(self, block, chain, env, loop):
        ch = self.ch
        names = self.targets(env)
        if len(names) >= 2 and ch.coin(50):
            a, b = ch.pick(names), ch.pick(names)
            if a == b:
                return False
            form = ch.pick([f"{b}, {a} * 0.5 + {b}", f"{b}, {a}", f"{a} * {b}, {b} - {a}"])
            return self.add(block, [Line(f"{a}, {b} = {form}")], chain)
        e1 = self.expr(env, self.expr_depth())
        e2 = self.expr(env, self.expr_depth())
        t1 = self.fresh() if not names or ch.coin(50) else ch.pick(names)
        t2 = self.fresh()
        return self.add(block, [Line(f"{t1}, {t2} = {e1.text}, {e2.text}")], chain)

    def s_pack(self, block, chain, env, loop):
        """A tuple of values as a value of its own, read by index or unpacked (pair = (h, c))."""
        ch = self.ch
        e1, e2 = self.expr(env, self.expr_depth()), self.expr(env, self.expr_depth())
        pair, a = self.fresh(), self.fresh()
        read = ch.pick([f"{a} = {pair}[{ch.pick([0, 1, -1])}]", f"{a}, {self.fresh()} = {pair}",
                        f"{a} = {pair}[0] * 2.0"])
        return self.add(block, [Line(f"{pair} = ({e1.text}, {e2.text})"), Line(read)], chain)

    def s_call(self, block, chain, env, loop):
        ch = self.ch
        name, nparams, nreturns = ch.pick(self.helpers)
        args = []
        for _ in range(nparams):
            args.append(self.expr(env, ch.int(0, 1)).text)
        names = self.targets(env)
        outs = [self.fresh() if not names or ch.coin(60) else ch.pick(names) for _ in range(nreturns)]
        if len(set(outs)) < len(outs):
            return False
        return self.add(block, [Line(f"{', '.join(outs)} = {name}({', '.join(args)})")], chain)

    def s_alias(self, block, chain, env, loop):
        """A copy, an alias or a view, often written through at once."""
        ch = self.ch
        arrays = [n for n in self.usable(env) if _is_array(env[n])]
        if not arrays:
            shapes = [(4,), (3, 4), (3,)]
            shape = ch.pick(shapes)
            src = f"np.zeros({shape[0] if len(shape) == 1 else shape})"
        else:
            x = self.name_pick(arrays)
            shape = env[x].shape
            forms = [f"{x}", f"{x}.copy()", f"{x} * 1.0", f"np.zeros_like({x})", f"{x}[0]", f"{x}[1:]",
                     f"np.zeros({shape[0] if len(shape) == 1 else shape})", f"np.ones_like({x})", f"{x}[::-1]"]
            if len(shape) == 2:
                forms += [f"{x}[:, 1:3]", f"{x}.T", f"{x}.reshape(-1)", f"{x}[:, 0]"]
            src = ch.pick(forms)
        target = self.fresh() if ch.coin(75) or not self.targets(env) else ch.pick(self.targets(env))
        stmts = [Line(f"{target} = {src}")]
        if not self.add(block, stmts, chain):
            return False
        if ch.coin(65):
            env2 = self.env_at(block, len(block), chain)
            if env2 is not None and _is_array(env2.get(target)):
                if ch.coin(50):
                    self.write_into(block, chain, env2, target)
                else:
                    e = self.fit(self.expr(env2, ch.int(0, 2)), env2[target].shape, env2)
                    if e is not None:
                        op = ch.pick(["*=", "+=", "-="])
                        self.add(block, [Line(f"{target} {op} {e.text}")], chain)
        return True

    def write_into(self, block, chain, env, target):
        ch = self.ch
        value = env[target]
        if value.size == 0:
            return False
        idx = self.index_text(value.shape, env, base=target, write=True)
        region = self.ev(f"{target}{idx}", env)
        if region is None:
            return False
        e = self.fit(self.expr(env, self.expr_depth() - 1), np.shape(region), env)
        if e is None:
            return False
        op = ch.weighted([("=", 5), ("+=", 4), ("*=", 1), ("-=", 1)])
        return self.add(block, [Line(f"{target}{idx} {op} {e.text}")], chain)

    def s_write(self, block, chain, env, loop):
        arrays = [n for n in self.targets(env) if _is_array(env[n])]
        if not arrays:
            return False
        return self.write_into(block, chain, env, self.name_pick(arrays))

    def s_if(self, block, chain, env, loop):
        ch = self.ch
        cond = self.cond(env)
        if cond is None:
            return False
        node = If(cond)
        block.append(node)
        before = set(env)
        self.gen_block(node.body, chain + [(node, "body")], ch.int(1, 3), loop)
        if loop is not None and loop[2] and ch.coin(25):
            node.body.append(Line(ch.pick(["break", "continue"] if loop[2] == "for" else ["break"])))
        if ch.coin(60):
            node.orelse = []
            if ch.coin(25) and self.budget > 1:
                inner = If(self.cond(env) or "False")
                node.orelse.append(inner)
                self.gen_block(inner.body, chain + [(node, "orelse"), (inner, "body")], ch.int(1, 2), loop)
                if ch.coin(50):
                    inner.orelse = []
                    self.gen_block(inner.orelse, chain + [(node, "orelse"), (inner, "orelse")], ch.int(1, 2), loop)
            else:
                self.gen_block(node.orelse, chain + [(node, "orelse")], ch.int(1, 3), loop)
            if loop is not None and loop[2] and node.orelse and ch.coin(20):  # (both branches may jump)
                node.orelse.append(Line(ch.pick(["break", "continue"] if loop[2] == "for" else ["break"])))
        if not node.body:
            block.pop()
            return False
        if node.orelse and isinstance(node.orelse[0], If):
            inner = node.orelse[0]
            if inner.orelse == []:
                inner.orelse = None
            if not inner.body:
                node.orelse = inner.orelse
        if node.orelse == []:
            node.orelse = None
        if self.valid(block, len(block) - 1, chain) is None:
            block.pop()
            return False
        # a name first set in one branch only may be unset after the if: not read later
        self.hidden |= (_assigned(node.body) ^ _assigned(node.orelse or [])) - before
        return True

    def s_for(self, block, chain, env, loop):
        ch = self.ch
        arrays = [n for n in self.usable(env) if _is_array(env[n])]
        ints = [n for n in self.params_int if n in env]
        forms = [("range", 5), ("rows", 4 if arrays else 0), ("len", 2 if arrays else 0),
                 ("nparam", 2 if ints else 0),
                 ("reversed", 1)]
        form = ch.weighted(forms)
        var = "i" if not any(isinstance(n, For) and n.target == "i" for n, _ in chain) else "j"
        over = None
        if form == "range":
            iterable = f"range({ch.int(1, 3)})"
        elif form == "reversed":
            iterable = f"reversed(range({ch.int(1, 3)}))"
        elif form == "nparam":
            iterable = f"range({ch.pick(ints)})"
        elif form == "len":
            x = self.name_pick(arrays)
            iterable = ch.pick([f"range(len({x}))", f"range({x}.shape[0])"])
        else:
            over = self.name_pick(arrays)
            var = "row" if not any(isinstance(n, For) and n.target == "row" for n, _ in chain) else "el"
            iterable = ch.pick([over, over, f"{over}.T", f"{over}[1:]"]) if env[over].ndim == 2 else over
            if iterable != over:
                over = None
        node = For(var, iterable)
        return self.loop_with_body(block, chain, node, (var, over, "for"))

    def s_while(self, block, chain, env, loop):
        ch = self.ch
        scalars = [n for n in self.targets(env) if not isinstance(env[n], np.ndarray)]
        if scalars and ch.coin(35):  # on data: increments of at least 0.5 up to a bound
            v = ch.pick(scalars)
            bound = round(float(env[v]) + ch.pick([0.7, 1.3, 2.1]), 1)
            step = self.expr(env, 1)
            if not isinstance(step.value, (float, np.floating)):
                step = self.scalar_of(env, 0)
                if step is None:
                    return False
            node = While(f"{v} < {bound}", [Line(f"{v} = {v} + 0.5 + {step.w(UNARY)} * {step.w(UNARY)}")])
            self.protected.add(v)
            try:
                return self.loop_with_body(block, chain, node, (None, None, "while"))
            finally:
                self.protected.discard(v)
        counter = "k" if "k" not in env else "k2"
        if counter in env:
            return False
        node = While(f"{counter} < {ch.int(1, 3)}", [Line(f"{counter} = {counter} + 1")])
        start = len(block)
        block.append(Line(f"{counter} = 0"))
        if not self.loop_with_body(block, chain, node, (None, None, "while")):
            del block[start:]
            return False
        return True

    def s_listloop(self, block, chain, env, loop):
        """``hs = []``, a loop appending to it, then ``np.stack(hs)``/``sum(hs)``/``hs[-1]``."""
        ch = self.ch
        lst = "hs" if "hs" not in env else "gs"
        if lst in env:
            return False
        start = len(block)
        block.append(Line(f"{lst} = []"))
        node = For("i" if not any(isinstance(n, For) and n.target == "i" for n, _ in chain) else "j",
                   f"range({ch.int(1, 3)})")
        block.append(node)
        self.gen_block(node.body, chain + [(node, "body")], ch.int(0, 2), (node.target, None, "for"))
        env2 = self.env_at(node.body, len(node.body), chain + [(node, "body")])
        if env2 is None:
            del block[start:]
            return False
        e = self.expr(env2, ch.int(0, 2))
        node.body.append(Line(f"{lst}.append({e.text})" if ch.coin(80) else f"{lst}.extend([{e.text}, {e.text} * 0.5])"))
        if ch.coin(25):  # one more after the loop, of the same shape (NumPy stacks only those)
            after = self.env_at(block, len(block), chain)
            same = [name for name, value in (after or {}).items() if name != lst and _floaty(value)
                    and not isinstance(value, (list, tuple)) and np.shape(value) == np.shape(e.value)]
            if same:
                block.append(Line(f"{lst}.append({ch.pick(same)} * 1.5)"))
        combine = ch.pick([f"np.stack({lst})", f"sum({lst})", f"np.stack({lst}, axis=1)" if np.ndim(e.value) else
                           f"sum({lst})", f"{lst}[-1]", f"{lst}[0] * {lst}[-1]", f"np.concatenate({lst})",
                           f"np.vstack({lst})", f"np.hstack({lst})", f"np.concatenate({lst}, axis=-1)",
                           f"np.stack({lst}[1:])", f"sum(h * (k + 1.0) for k, h in enumerate(reversed({lst})))"])
        block.append(Line(f"{self.fresh()} = {combine}"))
        if self.valid(block, len(block) - 1, chain) is None:
            del block[start:]
            return False
        return True

    def loop_with_body(self, block, chain, node, loopinfo):
        ch = self.ch
        block.append(node)
        inner = chain + [(node, "body")]
        var, over, _ = loopinfo
        if over is not None and ch.coin(35):  # for r in s: s = s + r
            env = self.env_at(node.body, len(node.body), inner)
            if env is not None:
                self.budget -= 1
                form = ch.pick([f"{over} = {over} + {var}", f"{over} = {over} * 0.5 + {var}", f"{over} += {var}"])
                self.add(node.body, [Line(form)], inner)
        self.gen_block(node.body, inner, ch.int(1, 3), loopinfo)
        real = [s for s in node.body if not (isinstance(s, Line) and s.text.startswith(("k = k + 1", "k2 = k2 + 1")))]
        if not real:
            block.pop()
            return False
        if ch.coin(30):  # if ...: break / continue, somewhere in the body
            pos = ch.int(0, len(node.body))
            env = self.env_at(node.body, pos, inner)
            cond = self.cond(env) if env is not None else None
            if cond is not None:
                word = ch.pick(["break", "continue"]) if isinstance(node, For) else "break"
                node.body.insert(pos, If(cond, [Line(word)]))
                if self.valid(block, len(block) - 1, chain) is None:
                    del node.body[pos]
        if self.valid(block, len(block) - 1, chain) is None:
            block.pop()
            return False
        if isinstance(node, For):
            self.hidden.add(node.target)  # unset after a loop that runs no iteration
        return True

    # ----------------------------------------------------------------- functions

    def function(self, name, params, args, annotations, budget, nreturns, top=True):
        fn = Function(name, params, annotations)
        self.fn, self.args = fn, args
        self.functions.append(fn)
        self.counter = 0
        self.hidden, self.protected = set(), set()
        self.budget = budget
        self.gen_block(fn.body, [], budget)
        env = self.env_at(fn.body, len(fn.body), [])
        if env is None:
            return None
        outs = []
        computed = [n for n in self.usable(env) if n in _assigned(fn.body) and n not in params]
        for k in range(nreturns):
            for _attempt in range(4):
                if k == 0 and computed and self.ch.coin(70):  # the first output reads what the body computed
                    name = self.name_pick(computed)
                    e = E(name, env[name]) if self.ch.coin(50) else \
                        self.make(f"{name} * {self.expr(env, self.ch.int(0, 1)).w(UNARY)}", env, MUL)
                else:
                    e = self.expr(env, self.ch.weighted([(0, 2), (1, 3), (2, 2)]))
                if e is not None and _floaty(e.value) and self.reads(e.text, env):
                    break
            else:
                e = E(self.usable(env)[-1] if self.usable(env) else "0.0", None)
            outs.append(e.text)
        fn.body.append(Line("return " + ", ".join(outs)))
        ok, result = self.runner.call(fn, args)
        if not ok or not _outputs_sane(result):
            fn.body.pop()
            fn.body.append(Line("return " + ", ".join(self.usable(env)[-1:] * nreturns or ["0.0"] * nreturns)))
        if top and len(fn.body) > 1 and self.ch.coin(15):  # an early return
            pos = self.ch.int(0, len(fn.body) - 1)
            env = self.env_at(fn.body, pos, [])
            cond = self.cond(env) if env is not None else None
            if cond is not None:
                outs = [self.expr(env, self.ch.int(0, 2)).text for _ in range(nreturns)]
                fn.body.insert(pos, If(cond, [Line("return " + ", ".join(outs))]))
                ok, result = self.runner.call(fn, args)
                if not ok or not _outputs_sane(result):
                    del fn.body[pos]
        return fn

    def draw_value(self, shape, index):
        """An input: magnitudes in [0.3, 1.2], all distinct, signs random, sometimes one exact zero."""
        ch = self.ch
        size = int(np.prod(shape)) if shape else 1
        values = []
        for k in range(size):
            magnitude = 0.3 + 0.01 * ch.int(0, 90) + 0.000731 * (index + k)
            values.append(-magnitude if ch.coin(30) else magnitude)
        if ch.coin(6):
            values[ch.int(0, size - 1)] = 0.0
        if shape == ():
            return float(values[0])
        return np.array(values, dtype=np.float64).reshape(shape)


def _broadcasts(shape, into):
    """Whether an array of ``shape`` broadcasts into ``into`` (in place: the result keeps ``into``)."""
    try:
        return np.broadcast_shapes(tuple(shape), tuple(into)) == tuple(into)
    except ValueError:
        return False


def _outputs_sane(result):
    values = result if isinstance(result, tuple) else (result,)
    return all(_sane(v) for v in values)


def _assigned(block):
    names = set()
    for stmt in block:
        if isinstance(stmt, Line):
            head = stmt.text.split(" = ")[0] if " = " in stmt.text else None
            if head is not None and "[" not in head and "(" not in head:
                names |= {n.strip() for n in head.split(",")}
        elif isinstance(stmt, If):
            names |= _assigned(stmt.body) | _assigned(stmt.orelse or [])
        elif isinstance(stmt, (For, While)):
            names |= _assigned(stmt.body)
            if isinstance(stmt, For):
                names.add(stmt.target)
    return names


NUMPY_SHAPES = [(4,), (3, 4), (), (1, 4), (3, 1), (3,)]
NUMPY_NAMES = {2: ["X", "W", "Y"], 1: ["v", "w", "u"], 0: ["s", "t", "c"]}


def build(ch, kind="numpy"):
    """One random ``Program`` of ``kind`` ("numpy" or "math")."""
    gen = Gen(ch, kind)
    index = 0
    # parameters and inputs
    if kind == "numpy":
        count = ch.int(1, 3)
        params, shapes, used = [], {}, {0: 0, 1: 0, 2: 0}
        for _ in range(count):
            shape = ch.pick(NUMPY_SHAPES)
            name = NUMPY_NAMES[len(shape)][used[len(shape)]]
            used[len(shape)] += 1
            params.append(name)
            shapes[name] = shape
    else:
        count = ch.int(1, 3)
        params = ["x", "y", "z"][:count]
        shapes = {p: () for p in params}
    if ch.coin(15):
        params.append("n")
        shapes["n"] = int
    gen.params_int = [p for p in params if shapes[p] is int]
    args = []
    for p in params:
        if shapes[p] is int:
            args.append(ch.int(0, 3))
        else:
            args.append(gen.draw_value(shapes[p], index))
            index += int(np.prod(shapes[p])) if shapes[p] else 1
    # helpers
    helper_shapes = NUMPY_SHAPES if kind == "numpy" else [()]
    for h in range(ch.weighted([(0, 6), (1, 3), (2, 1)])):
        name = ["step", "layer"][h]
        nparams = ch.int(1, 2)
        hparams = ["p", "q"][:nparams]
        hargs = [gen.draw_value(ch.pick(helper_shapes), 40 + 7 * k) for k in range(nparams)]
        saved = gen.params_int
        gen.params_int = []
        fn = gen.function(name, hparams, hargs, {}, ch.int(1, 3), ch.weighted([(1, 3), (2, 1)]), top=False)
        gen.params_int = saved
        if fn is None:
            gen.functions.remove(gen.functions[-1])
            continue
        gen.helpers.append((name, nparams, _return_count(fn)))
        exec(compile(module_text(gen.functions), "<fuzz helpers>", "exec"), gen.ns)
    # f
    annotated = ch.coin(30)
    annotations = {}
    if annotated:
        for p in params:
            s = shapes[p]
            annotations[p] = "int" if s is int else "float" if s == () else '"' + ", ".join(map(str, s)) + '"'
    nreturns = ch.weighted([(1, 6), (2, 3), (3, 1)])
    fn = gen.function("f", params, args, annotations, ch.int(1, 7), nreturns)
    if fn is None:
        fn = gen.functions[-1]
        fn.body = [Line("return " + ", ".join([params[0]] * nreturns))]
    source = module_text(gen.functions)
    none_output = ch.int(0, nreturns - 1) if nreturns > 1 and ch.coin(15) else None
    return Program(kind, source, params, shapes, args, annotated, ch.int(0, 2 ** 16), none_output)


def _return_count(fn):
    text = fn.body[-1].text
    depth, count = 0, 1
    for c in text[len("return "):]:
        depth += c in "([{"
        depth -= c in ")]}"
        count += c == "," and depth == 0
    return count


# =========================================================================================
# the oracle
# =========================================================================================


class Outcome:
    def __init__(self, kind, message="", category=""):
        self.kind, self.message, self.category = kind, message, category

    def __repr__(self):
        return f"Outcome({self.kind!r}, {self.category!r})"


def _forward(program):
    ns = _namespace()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning of odd programs the shrinker tries
        code = compile(program.source, "<fuzz forward>", "exec")
    exec(code, ns)
    fn = ns["f"]

    def run(args):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*_copy(args))
        return out if isinstance(out, tuple) else (out,)

    def path(args):
        """The bytecode the program's own functions ran on ``args``: which branches, how many iterations."""
        steps = []

        def local(frame, event, arg):
            if event == "opcode":
                steps.append((frame.f_code.co_name, frame.f_lasti))
            return local

        def calls(frame, event, arg):
            if frame.f_code.co_filename != "<fuzz forward>":
                return None
            frame.f_trace_opcodes = True
            return local

        old = sys.gettrace()
        sys.settrace(calls)
        try:
            run(args)
        except Exception:  # noqa: BLE001
            steps.append("raises")
        finally:
            sys.settrace(old)
        return steps

    run.path = path
    return run


def _objective(run, args, douts):
    outs = run(args)
    total = 0.0
    for o, d in zip(outs, douts):
        if d is not None:
            total += float(np.sum(np.asarray(o, dtype=np.float64) * d))
    return total


def _douts(program, outs):
    rng = np.random.default_rng(program.dout_seed)
    douts = []
    for k, o in enumerate(outs):
        shape = np.shape(o)
        d = float(rng.uniform(-1.0, 1.0)) if shape == () else rng.uniform(-1.0, 1.0, size=shape)
        douts.append(None if k == program.none_output else d)
    return douts


class _Timeout(BaseException):
    """Raised by the timer; a BaseException, so that no ``except Exception`` (backgen's own) takes it."""


def _timeout(seconds):
    class Timer:
        def __enter__(self):
            if seconds:
                def handler(signum, frame):
                    raise _Timeout(f"took more than {seconds} s")
                self.old = signal.signal(signal.SIGALRM, handler)
                signal.setitimer(signal.ITIMER_REAL, seconds)

        def __exit__(self, *exc):
            if seconds:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self.old)
            return False
    return Timer()


def check(program, timeout=None):
    """Run the oracle on ``program``; an ``Outcome``."""
    try:
        with _timeout(timeout):
            return _check(program)
    except _Timeout as exc:
        return Outcome("crashed", f"{program.describe()}\n\ntimeout: {exc}", "timeout")


def generated(program, sane):
    """What every check starts with: the forward at the inputs (``sane(outs)`` says whether its
    outputs make a fair test), the backward generated, twice alike, and compiled.  Returns
    ``(run, outs, backward, text, fail)``, ``fail(kind, category, detail, text=None)`` making the
    Outcome of a failure, or the Outcome ending the check (skipped, refused, wrong, crashed)."""
    import backgen

    # the forward, at the inputs
    try:
        run = _forward(program)
        outs = run(program.args)
    except Exception as exc:  # noqa: BLE001
        return Outcome("skipped", f"forward raises {type(exc).__name__}: {exc}")
    if not sane(outs):
        return Outcome("skipped", "forward output not finite, not float, or huge")

    def fail(kind, category, detail, text=None):
        parts = [program.describe(), ""]
        if text is not None:
            parts += ["# generated:", text.rstrip(), ""]
        parts.append(f"{kind}: {detail}")
        return Outcome(kind, "\n".join(parts), category)

    shapes = None if program.annotated else program.shapes

    # 1. generate, or refuse
    try:
        text = backgen.generate(program.source, name="f", shapes=shapes)
    except backgen.BackgenError as exc:
        if "internal error" in str(exc):
            return fail("crashed", "generate: internal error", f"{type(exc).__name__}: {exc}")
        return Outcome("refused", str(exc))
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"generate: {type(exc).__name__}", f"{type(exc).__name__}: {exc}")

    # 5. the same text again
    try:
        again = backgen.generate(program.source, name="f", shapes=shapes)
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", "generate: second call raises", f"{type(exc).__name__}: {exc}", text)
    if again != text:
        return fail("wrong", "nondeterministic text", "generating twice gave different text", text)

    # 2. compile the backward
    ns = {}
    try:
        exec(compile(text, "<generated>", "exec"), ns)
        backward = ns["f_backward"]
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"generated module: {type(exc).__name__}", f"{type(exc).__name__}: {exc}", text)
    return run, outs, backward, text, fail


def _check(program):
    started = generated(program, lambda outs: all(_sane(o) for o in outs))
    if isinstance(started, Outcome):
        return started
    run, outs, backward, text, fail = started
    douts = _douts(program, outs)
    args = _copy(program.args)
    saved_args = _copy(program.args)
    given_douts = _copy(douts)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grads = backward(*args, *given_douts)
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"backward raises {type(exc).__name__}", f"{type(exc).__name__}: {exc}", text)

    # 4. inputs and douts untouched
    for name, before, after in zip(program.params, saved_args, args):
        if not _same(before, after):
            return fail("wrong", "backward modifies an input", f"the backward modified input {name}", text)
    for k, (before, after) in enumerate(zip(douts, given_douts)):
        if not _same(before, after):
            return fail("wrong", "backward modifies a dout", f"the backward modified dout number {k + 1}", text)

    # 3. gradients against finite differences
    return compared_with_differences(program, run, grads, douts, text, fail,
                                     lambda k, j, got: _rounding_decides(backward, program, douts, k, j, got))


def compared_with_differences(program, run, grads, douts, text, fail, rounding=None):
    """The Outcome of ``grads`` (the backward's result, for ``program.wrt``) against central
    differences of ``run`` at the inputs, each element at two steps; elements where finite
    differences cannot tell (a kink, a branch near the inputs, a value that is not a number, or
    where ``rounding(k, j, got)`` says rounding decides) are left out."""
    wrt = program.wrt
    if len(wrt) == 1:
        grads = (grads,)
    if not isinstance(grads, tuple) or len(grads) != len(wrt):
        return fail("wrong", "gradient count", f"expected {len(wrt)} gradients, got {grads!r}", text)
    position = {p: k for k, p in enumerate(program.params)}
    try:
        base = _objective(run, program.args, douts)
    except Exception as exc:  # noqa: BLE001
        return Outcome("skipped", f"forward raises {type(exc).__name__}: {exc}")
    compared = 0
    worst = None
    for name, g in zip(wrt, grads):
        x = program.args[position[name]]
        if g is None or np.shape(g) != np.shape(x):
            return fail("wrong", "gradient shape", f"d{name} has shape {np.shape(g)}, {name} has {np.shape(x)}", text)
        g = np.asarray(g, dtype=np.float64)
        for j in range(max(1, np.size(x))):
            estimates = [_difference(run, program.args, position[name], j, h, douts, base) for h in (H1, H2)]
            if any(e is None for e in estimates):
                continue
            (fa, bend_a), (fb, bend_b) = estimates
            if not abs(fa - fb) <= 0.5 * (ATOL + RTOL * abs(fa)):
                continue  # a kink or a branch near the inputs: finite differences cannot tell
            if abs(bend_b) > 1e-6 and abs(bend_b) > 0.5 * abs(bend_a):
                continue  # a kink at the inputs (an exact zero under abs, a tie): no one derivative
            got = float(g.reshape(-1)[j]) if np.size(x) else float(g)
            if not math.isfinite(got):
                continue  # a derivative taken where there is none (np.std of equal numbers): not a number
            if not abs(got - fa) <= ATOL + RTOL * abs(fa) and _branches_near(run, program.args, position[name], j):
                continue  # a test decided otherwise a step away (an input on the boundary): no one derivative
            if not abs(got - fa) <= ATOL + RTOL * abs(fa) and rounding is not None and \
                    rounding(wrt.index(name), j, got):
                continue  # taken where rounding decides (np.std of numbers equal but for rounding): no number
            compared += 1
            if not abs(got - fa) <= ATOL + RTOL * abs(fa):
                where = f"d{name}" + (f"[{np.unravel_index(j, np.shape(x))}]" if np.shape(x) else "")
                if worst is None:
                    worst = f"{where}: backward gives {got!r}, finite differences {fa!r}"
    if worst is not None:
        detail = worst + "\n# gradients: " + "; ".join(f"d{n} = {_show(np.asarray(g))}" for n, g in zip(wrt, grads))
        detail += "\n# douts: " + "; ".join(_show(d) for d in douts if d is not None)
        return fail("wrong", "gradient mismatch", detail, text)
    if wrt and not compared:
        return Outcome("skipped", "finite differences unstable everywhere")
    return Outcome("ok")


def _rounding_decides(backward, program, douts, k, j, got):
    """Whether element ``j`` of the ``k``-th gradient changes beyond the tolerance when the float
    inputs move by about 1e-9 (or 1e-7): a derivative where a value is zero but for rounding (the
    deviations of a column a write made constant, over its standard deviation of 1e-17)
    is rounding divided by rounding, another number at each input."""
    rng = np.random.default_rng(j)
    for scale in (1e-9, 1e-9, 1e-7):
        moved = _copy(program.args)
        for i, (name, x) in enumerate(zip(program.params, moved)):
            if program.shapes.get(name) is int or not isinstance(x, (float, np.ndarray)) or \
                    isinstance(x, np.ndarray) and x.dtype.kind != "f":
                continue  # (integers, labels, masks, settings: not moved)
            if isinstance(x, np.ndarray):
                x += scale * (1.0 + np.abs(x)) * rng.standard_normal(x.shape)
            else:
                moved[i] = x + scale * (1.0 + abs(x)) * rng.standard_normal()
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grads = backward(*moved, *_copy(douts))
        except Exception:  # noqa: BLE001 - (raising there is the run's own failure, not this one's)
            return False
        grads = grads if len(program.wrt) > 1 else (grads,)
        other = float(np.asarray(grads[k], dtype=np.float64).reshape(-1)[j])
        if not math.isfinite(other) or abs(other - got) > ATOL + RTOL * abs(got):
            return True
    return False


def _difference(run, args, index, j, h, douts, base):
    """Central difference of the objective along element ``j`` of argument ``index``, and its bend
    ``(f(x + h) + f(x - h) - 2 f(x)) / h``: about ``h f''`` where f is smooth, the jump of the slope at a kink."""
    def at(delta):
        try:
            return _objective(run, _moved(args, index, j, delta), douts)
        except Exception:  # noqa: BLE001
            return None

    up, down = at(h), at(-h)
    if up is None or down is None or not (math.isfinite(up) and math.isfinite(down)):
        return None
    return (up - down) / (2 * h), (up + down - 2 * base) / h


def _branches_near(run, args, index, j):
    """Whether moving element ``j`` of argument ``index`` by a finite-difference step changes the path
    the program takes (a branch, an iteration count): finite differences then straddle two programs."""
    here = run.path(args)
    return any(run.path(_moved(args, index, j, delta)) != here for h in (H1, H2) for delta in (h, -h))


def _moved(args, index, j, delta):
    """A copy of ``args`` with element ``j`` of argument ``index`` moved by ``delta``."""
    moved = _copy(args)
    x = moved[index]
    if isinstance(x, np.ndarray):
        x.reshape(-1)[j] += delta
    else:
        moved[index] = x + delta
    return moved


def _same(before, after):
    if before is None or after is None:
        return before is after
    if isinstance(before, np.ndarray) or isinstance(after, np.ndarray):
        return np.shape(before) == np.shape(after) and np.array_equal(before, after, equal_nan=True)
    return before == after or (before != before and after != after)


# =========================================================================================
# shrinking a failing program by hand rules (for programs not drawn by Hypothesis)
# =========================================================================================


def _block_end(lines, i):
    """Index after line ``i`` and the lines indented under it."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
        j += 1
    return j


def _edits(lines, i):
    """Smaller versions of ``lines`` around line ``i``."""
    line = lines[i]
    stripped = line.strip()
    if not stripped or stripped.startswith(("import ", "#")) or stripped.startswith("def f("):
        return
    end = _block_end(lines, i)
    yield lines[:i] + lines[end:]  # the line, with its block
    if stripped.endswith(":") and not stripped.startswith("def "):
        body = [b[4:] if b.startswith("    ") else b for b in lines[i + 1:end]]
        rest = lines[end:]
        if stripped.startswith(("if ", "elif ")) and rest and rest[0].strip().startswith(("else:", "elif ")):
            other = _block_end(lines, end)
            yield lines[:i] + body + lines[other:]  # keep only the first branch
            if stripped.startswith("if "):
                # keep only the other branches
                tail = lines[end:other]
                if tail[0].strip().startswith("elif "):
                    yield lines[:i] + [tail[0].replace("elif ", "if ", 1)] + tail[1:] + lines[other:]
                else:
                    yield lines[:i] + [b[4:] if b.startswith("    ") else b for b in tail[1:]] + lines[other:]
        elif stripped.startswith(("else:", "elif ")):
            pass
        else:
            yield lines[:i] + body + rest  # the statement's body, run once, in its place


def _expression_sites(tree):
    """``(parent, field, index)`` of every expression a smaller one may replace, in a fixed order."""
    sites = []

    def visit(node):
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "ctx") or isinstance(node, ast.Call) and field == "func" or \
                    isinstance(node, ast.FunctionDef) and field == "args":
                continue
            items = value if isinstance(value, list) else [value]
            for k, item in enumerate(items):
                if not isinstance(item, ast.AST):
                    continue
                if isinstance(item, ast.expr) and not isinstance(getattr(item, "ctx", None), (ast.Store, ast.Del)) \
                        and not isinstance(item, (ast.Name, ast.Constant)):
                    sites.append((node, field, k if isinstance(value, list) else None))
                visit(item)

    visit(tree)
    return sites


def _smaller_expressions(node):
    """What may stand for ``node``: each of its operands, then a constant."""
    out = []
    if isinstance(node, ast.BinOp):
        out += [node.left, node.right]
    elif isinstance(node, ast.UnaryOp):
        out.append(node.operand)
    elif isinstance(node, ast.IfExp):
        out += [node.body, node.orelse]
    elif isinstance(node, ast.Call):
        out += [a for a in node.args if not isinstance(a, ast.Starred)]
    elif isinstance(node, (ast.Subscript, ast.Attribute)):
        out.append(node.value)
    elif isinstance(node, ast.Compare):
        out.append(ast.Compare(left=node.left, ops=node.ops[:1], comparators=[ast.Constant(0.5)]))
    elif isinstance(node, ast.BoolOp):
        out += node.values
    out.append(ast.Constant(0.5))
    return out


def _expression_edits(source):
    """Versions of ``source`` with one expression replaced by one of its operands (or 0.5)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    count = len(_expression_sites(tree))
    for k in range(count):
        parent, field, index = _expression_sites(tree)[k]
        node = getattr(parent, field) if index is None else getattr(parent, field)[index]
        for choice in range(len(_smaller_expressions(node))):
            copy_tree = ast.parse(source)
            parent2, field2, index2 = _expression_sites(copy_tree)[k]
            node2 = getattr(parent2, field2) if index2 is None else getattr(parent2, field2)[index2]
            replacement = _smaller_expressions(node2)[choice]
            if index2 is None:
                setattr(parent2, field2, replacement)
            else:
                getattr(parent2, field2)[index2] = replacement
            try:
                yield ast.unparse(ast.fix_missing_locations(copy_tree)) + "\n"
            except Exception:  # noqa: BLE001 - a replacement that cannot be printed
                continue


def shrink(program, same=None, max_checks=1500, timeout=None, max_seconds=180):
    """A smaller program (deleting lines, unwrapping blocks, replacing expressions by their operands)
    whose outcome ``same`` still accepts.

    ``same(outcome)`` defaults to: the same kind and category as ``program`` has now.  Each smaller
    program gets ``timeout`` seconds (at most 2: an edit can make a loop endless), the whole
    shrinking ``max_seconds``.
    """
    timeout = min(timeout or 2, 2)
    deadline = time.monotonic() + max_seconds
    if same is None:
        first = check(program, timeout=timeout)

        def same(outcome):
            return outcome.kind == first.kind and outcome.category == first.category

    checks = 0

    def accepts(source):
        nonlocal checks
        checks += 1
        if time.monotonic() > deadline:
            checks = max_checks
            return False
        return same(check(program.with_source(source), timeout=timeout))

    source = program.source
    changed = True
    while changed and checks < max_checks:
        changed = False
        lines = source.rstrip("\n").splitlines()
        for i in range(len(lines)):
            for candidate in _edits(lines, i):
                if checks >= max_checks:
                    break
                text = "\n".join(candidate) + "\n"
                if accepts(text):
                    source, changed = text, True
                    break
            if changed or checks >= max_checks:
                break
        if changed:
            continue
        for text in _expression_edits(source):
            if checks >= max_checks:
                break
            if accepts(text):
                source, changed = text, True
                break
    return program.with_source(source)
