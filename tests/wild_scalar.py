"""Random plain-Python scalar programs in a deliberately varied style, and their oracle.

An independent generator (it shares nothing with ``fuzz_programs``/``real_mutants`` but
``numeric``): ``build(seed, index)`` writes one program from ``random.Random(f"{seed}:{index}")``,
a function ``f`` of float parameters (and sometimes an integer one with a default) written the
ways people write scalar code: ``math`` calls spelled ``math.sin``, ``m.sin`` (``import math as
m``) or ``sin`` (``from math import sin``), builtins (``abs``, ``min``, ``max``, ``pow``,
``round``, ``sum`` over generators, ``float``, ``int``), ``**`` with integer, negative and float
powers, ``//`` and ``%``, chained comparisons, conditional expressions, nested ``if``/``elif``,
early returns, ``while`` loops with a counter and a data-dependent ``break``, ``for`` loops over
``range``, tuples, lists of constants, ``zip`` and ``enumerate``, helpers (module-level with
defaults and keyword arguments, and nested), tuple unpacking and swaps, augmented assignments,
several return values, module constants and docstrings.  Arguments of functions with a domain
are written to stay in it (``math.log(x * x + 0.5)``, ``math.asin(0.9 * math.tanh(x))``); a
program whose forward raises or is not finite at its inputs is drawn again.

``check(program)`` is the oracle, an ``Outcome(kind, category, message)``, ``kind`` one of
``ok``, ``refused`` (a ``BackgenError`` that is not an internal error), ``skipped`` (no element
could be compared: a kink or a branch within a step of the inputs), ``wrong`` (a gradient differs
from central differences taken at three steps that agree with one another, the gradient count is
off, generating twice differs, or the plain output reads NumPy) and ``crashed`` (another
exception, an internal error, or generated code that does not compile or raises).
"""

import dataclasses
import inspect
import math
import random
import signal
import warnings

import numeric

MATH = ("exp log log1p expm1 log10 log2 sqrt sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh "
        "hypot pow fabs erf erfc gamma lgamma copysign degrees radians floor ceil trunc fmod pi e tau inf").split()
STEPS = (1e-4, 1e-5, 2.5e-6)
RTOL, ATOL = 1e-5, 1e-7
LIMIT = 1e6


@dataclasses.dataclass
class Program:
    source: str
    params: list  # names, in order
    args: list  # values, in order
    wrt: list  # the float parameters
    outputs: int

    def describe(self):
        return f"{self.source}\n# args: {dict(zip(self.params, self.args))}\n# wrt: {self.wrt}"


@dataclasses.dataclass
class Outcome:
    kind: str
    category: str = ""
    message: str = ""


class _Writer:
    """One program being written: the lines, the names each block can read, the spelling chosen."""

    def __init__(self, rng):
        self.r = rng
        self.style = rng.choice(["math", "math", "m", "from"])
        self.bare = set(rng.sample(["sqrt", "exp", "log", "sin", "cos", "tanh", "pi"], 3)) if self.style == "from" else set()
        self.module = []  # module-level lines after the imports
        self.consts = []  # module constant names
        self.lists = []  # module or local lists of constants (name, length)
        self.helpers = []  # (name, positional count, keyword names, outputs)
        self.fresh = 0
        self.int_param = None
        self.depth_budget = 0

    # ---------------------------------------------------------------- spelling
    def m(self, name):
        if name in self.bare:
            return name
        return ("m." if self.style == "m" else "math.") + name

    def name(self, stem):
        self.fresh += 1
        return f"{stem}{self.fresh}"

    def number(self, lo=-2.5, hi=2.5, nonzero=False):
        value = round(self.r.uniform(lo, hi), self.r.choice([1, 2, 3]))
        if nonzero and abs(value) < 0.2:
            value = 0.5
        spelled = self.r.choice(["plain", "plain", "plain", "exp", "int"])
        if spelled == "int" and value == int(value):
            return str(int(value)) if value >= 0 else f"({int(value)})"
        if spelled == "exp" and value:
            text = f"{value * 10:.4g}e-1"
        else:
            text = repr(value)
        return text if value >= 0 else f"({text})"

    def small(self):
        return self.r.choice(["1e-3", "0.001", "1e-2", "2.5e-1", ".5", "0.25", "1.5", "2.", "3", "1e0"])

    # ---------------------------------------------------------------- expressions
    def leaf(self, scope):
        r = self.r
        roll = r.random()
        if scope and roll < 0.75:
            return r.choice(scope)
        if self.consts and roll < 0.8:
            return r.choice(self.consts)
        if roll < 0.83:
            return r.choice([self.m("pi"), self.m("e") if self.style != "from" else "math.e", "math.tau"
                             if self.style != "m" else "m.tau"])
        if self.int_param and roll < 0.88:
            return r.choice([f"float({self.int_param})", self.int_param])
        return self.number()

    def expr(self, scope, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            return self.leaf(scope)
        kind = r.choices(["bin", "unary", "pos", "bounded", "binary", "ifexp", "power", "builtin", "sum",
                          "helper", "step"],
                         weights=[6, 5, 4, 2, 3, 1, 3, 2, 1, 1, 1])[0]
        a = lambda: self.expr(scope, depth - 1)  # noqa: E731
        if kind == "bin":
            op = r.choice(["+", "-", "*", "*", "/"])
            if op == "/":
                return f"{a()} / ({self.pos(scope, depth - 1)})"
            return f"({a()} {op} {a()})"
        if kind == "unary":
            f = r.choice(["sin", "cos", "atan", "tanh", "asinh", "erf", "erfc", "fabs", "degrees", "radians",
                          "exp", "expm1", "sinh", "cosh", "neg", "abs"])
            if f in ("exp", "expm1", "sinh", "cosh"):
                return f"{self.m(f)}({self.number(0.1, 0.6)} * {self.squash(a())})"
            if f == "neg":
                return f"-{a()}"
            if f == "abs":
                return f"abs({a()})"
            if f in ("degrees",):
                return f"{self.m(f)}({a()}) / 90.0"
            return f"{self.m(f)}({a()})"
        if kind == "pos":
            f = r.choice(["log", "log10", "log2", "sqrt", "log1p", "lgamma", "gamma", "acosh"])
            if f == "gamma":
                return f"{self.m('gamma')}(1.5 + {self.m('tanh')}({a()}))"
            if f == "acosh":
                return f"{self.m('acosh')}(1.0 + {self.pos(scope, depth - 1)})"
            return f"{self.m(f)}({self.pos(scope, depth - 1)})"
        if kind == "bounded":
            f = r.choice(["asin", "acos", "atanh", "tan"])
            inner = r.choice([f"0.9 * {self.m('tanh')}({a()})", f"{self.m('sin')}({a()}) / 2",
                              f"{a()} / (1.0 + abs({a()}))" if f != "tan" else f"0.5 * {self.m('cos')}({a()})"])
            return f"{self.m(f)}({inner})"
        if kind == "binary":
            f = r.choice(["atan2", "hypot", "copysign", "fmod", "min", "max", "pow"])
            if f == "fmod":
                return f"{self.m('fmod')}({a()}, {self.number(0.7, 3.0)})"
            if f == "copysign":
                return f"{self.m('copysign')}({a()}, {self.number(nonzero=True)})"
            if f == "pow":
                return f"{self.m('pow')}({self.pos(scope, depth - 1)}, {self.number(-1.5, 2.5)})"
            if f in ("min", "max"):
                items = [a() for _ in range(r.choice([2, 2, 3]))]
                return f"{f}({', '.join(items)})"
            return f"{self.m(f)}({a()}, {a()})"
        if kind == "ifexp":
            return f"({a()} if {self.test(scope, depth - 1)} else {a()})"
        if kind == "power":
            how = r.choice(["int", "neg", "float", "builtin", "var"])
            if how == "int":
                return f"{self.atom(a())} ** {r.choice([2, 2, 3, 4])}"
            if how == "neg":
                return f"({self.pos(scope, depth - 1)}) ** {r.choice(['-1', '-2', '(-1)', '-0.5'])}"
            if how == "float":
                return f"({self.pos(scope, depth - 1)}) ** {r.choice(['0.5', '1.5', '2.5', '1/3', '0.25'])}"
            if how == "builtin":
                return f"pow({a()}, {r.choice([2, 3])})"
            if self.int_param:
                return f"{self.atom(self.squash(a()))} ** {self.int_param}"
            return f"({self.pos(scope, depth - 1)}) ** {self.squash(a())}"
        if kind == "builtin":
            f = r.choice(["round", "float", "int", "floordiv", "mod"])
            if f == "round":
                return r.choice([f"round({a()}, 2)", f"round({a()})"]) + f" * 0.0 + {a()}"
            if f == "float":
                return f"float({a()})"
            if f == "int":
                return f"(int({a()}) + {a()})"
            if f == "floordiv":
                x = a()
                return f"({x} - ({x}) // {self.number(0.5, 2.0)})"
            return f"(({a()}) % {self.number(0.7, 3.0)})"
        if kind == "sum":
            if self.lists and r.random() < 0.6:
                name, _ = r.choice(self.lists)
                w = self.name("w")
                return f"sum({w} * {self.expr(scope + [w], depth - 1)} for {w} in {name})"
            k = self.name("k")
            return f"sum({self.atom(self.squash(a()))} ** {k} for {k} in range({r.choice([2, 3, 4])}))"
        if kind == "helper" and self.helpers:
            name, npos, kws, outs = r.choice([h for h in self.helpers if h[3] == 1] or self.helpers)
            if outs != 1:
                return f"{name}({', '.join(a() for _ in range(npos))})[{r.randrange(outs)}]"
            text = ", ".join(a() for _ in range(npos))
            for kw in kws:
                if r.random() < 0.5:
                    text += f", {kw}={a() if r.random() < 0.5 else self.number()}"
            return f"{name}({text})"
        if kind == "step":
            x = a()
            return r.choice([f"({x} - {self.m('floor')}({x}))", f"{self.m('ceil')}({x}) * 0.5 + {x}",
                             f"({self.m('trunc')}({x}) + {x})"])
        return self.leaf(scope)

    def atom(self, text):
        return text if text.replace("_", "").replace(".", "").isalnum() and not text[0] == "(" and "-" not in text \
            else f"({text})"

    def squash(self, text):
        """``text`` kept in [-1, 1] (the argument of exp, of a power), in one of several spellings."""
        return self.r.choice([f"{self.m('tanh')}({text})", f"{self.m('sin')}({text})",
                              f"{text} / (1 + abs({text}))"])

    def pos(self, scope, depth):
        """An expression positive everywhere."""
        x = self.expr(scope, depth)
        r = self.r
        return r.choice([f"{x} * {x} + {self.number(0.3, 2.0)}", f"1.0 + ({x}) ** 2", f"{self.m('exp')}({self.squash(x)})",
                         f"abs({x}) + 0.5", f"{self.m('hypot')}({x}, 1.0)", f"{self.m('cosh')}({self.squash(x)})",
                         f"{x} ** 2 + {self.small()}"])

    def test(self, scope, depth):
        r = self.r
        x = self.expr(scope, depth)
        how = r.choice(["cmp", "cmp", "chain", "and", "not"])
        if how == "chain":
            lo = r.uniform(-2, 0.5)
            return f"{lo:.2f} < {x} < {lo + r.uniform(0.5, 3):.2f}"
        if how == "and":
            return f"{x} > {self.number()} and {self.expr(scope, depth)} < {self.number()}"
        if how == "not":
            return f"not {x} >= {self.number()}"
        return f"{x} {r.choice(['<', '>', '<=', '>='])} {self.number()}"

    # ---------------------------------------------------------------- statements
    def block(self, scope, depth, count, returns, lines, indent, loop=False):
        """Append ``count`` statements to ``lines``; the names they may write are ``scope``'s."""
        r = self.r
        pad = "    " * indent
        for _ in range(count):
            kinds = ["assign", "aug", "new", "swap", "if", "for", "forlist", "while", "unpack", "early", "nested"]
            weights = [5, 4, 3, 1, 2, 2, 2, 1, 1, 1, 1]
            if depth >= 2:
                weights[4:] = [0] * len(weights[4:])
            kind = r.choices(kinds, weights)[0]
            targets = [v for v in scope if not v.startswith(("w", "k", "i", "c"))] or scope
            if kind == "assign" or (kind in ("new", "unpack", "nested") and depth):
                v = r.choice(targets)
                lines.append(f"{pad}{v} = {self.expr(scope, 3)}")
            elif kind == "aug":
                v = r.choice(targets)
                op = r.choice(["+=", "-=", "*=", "/="])
                value = self.pos(scope, 2) if op == "/=" else self.squash(self.expr(scope, 2)) if op == "*=" \
                    else self.expr(scope, 3)
                lines.append(f"{pad}{v} {op} {value}")
            elif kind == "new":
                v = self.name(r.choice(["t", "u", "z", "s", "acc", "val"]))
                lines.append(f"{pad}{v} = {self.expr(scope, 3)}")
                scope.append(v)
            elif kind == "swap" and len(targets) >= 2:
                a, b = r.sample(targets, 2)
                lines.append(f"{pad}{a}, {b} = {b}, {self.expr([a, b] + scope, 2)}")
            elif kind == "if":
                self.if_block(scope, depth, returns, lines, indent)
            elif kind == "for":
                i = self.name("i")
                bound = self.int_param if self.int_param and r.random() < 0.5 else str(r.choice([2, 3, 4]))
                start = r.choice(["", "1, "])
                lines.append(f"{pad}for {i} in range({start}{bound}):")
                inner = []
                v = r.choice(targets)
                inner.append(f"{pad}    {v} {r.choice(['+=', '-='])} {self.expr(scope + [i], 2)} / ({i} + 1)")
                self.block(scope + [i], depth + 1, r.choice([0, 1]), returns, inner, indent + 1, loop=True)
                lines += inner
            elif kind == "forlist":
                self.for_constants(scope, depth, returns, lines, indent)
            elif kind == "while":
                k = self.name("k")
                v = r.choice(targets)
                lines.append(f"{pad}{k} = 0")
                lines.append(f"{pad}while {k} < {r.choice([3, 5, 8])}:")
                lines.append(f"{pad}    {v} = {self.number(0.3, 0.9)} * {v} + {self.squash(self.expr(scope, 2))}")
                lines.append(f"{pad}    {k} += 1")
                lines.append(f"{pad}    if {r.choice(['abs(' + v + ')', v])} > {self.number(0.5, 3.0)}:")
                lines.append(f"{pad}        break")
            elif kind == "unpack":
                multi = [h for h in self.helpers if h[3] > 1]
                a, b = self.name("p"), self.name("q")
                if multi and r.random() < 0.6:
                    name, npos, _, outs = r.choice(multi)
                    names = [self.name("o") for _ in range(outs)]
                    lines.append(f"{pad}{', '.join(names)} = {name}({', '.join(self.expr(scope, 2) for _ in range(npos))})")
                    scope.extend(names)
                else:
                    lines.append(f"{pad}{a}, {b} = {self.expr(scope, 2)}, {self.expr(scope, 2)}")
                    scope += [a, b]
            elif kind == "early" and not loop:
                lines.append(f"{pad}if {self.test(scope, 2)}:")
                lines.append(f"{pad}    return {self.returned(scope, returns)}")
            elif kind == "nested" and not loop:
                g = self.name("g")
                t = self.name("t")
                outer = r.choice(scope)
                lines.append(f"{pad}def {g}({t}, scale={self.number(0.5, 2.0)}):")
                if r.random() < 0.3:
                    lines.append(f"{pad}    \"\"\"A local helper.\"\"\"")
                lines.append(f"{pad}    return scale * {self.expr([t, outer], 2)}")
                v = r.choice(targets)
                call = f"{g}({self.expr(scope, 1)})" if r.random() < 0.5 else \
                    f"{g}({self.expr(scope, 1)}, scale={self.number(0.5, 2.0)})"
                lines.append(f"{pad}{v} = {v} + {call}")
            else:
                v = r.choice(targets)
                lines.append(f"{pad}{v} = {self.expr(scope, 2)}")

    def if_block(self, scope, depth, returns, lines, indent):
        r = self.r
        pad = "    " * indent
        lines.append(f"{pad}if {self.test(scope, 2)}:")
        self.block(list(scope), depth + 1, r.choice([1, 1, 2]), returns, lines, indent + 1, loop=True)
        for _ in range(r.choice([0, 0, 1, 2])):
            lines.append(f"{pad}elif {self.test(scope, 2)}:")
            self.block(list(scope), depth + 1, 1, returns, lines, indent + 1, loop=True)
        if r.random() < 0.6:
            lines.append(f"{pad}else:")
            self.block(list(scope), depth + 1, r.choice([1, 2]), returns, lines, indent + 1, loop=True)

    def for_constants(self, scope, depth, returns, lines, indent):
        r = self.r
        pad = "    " * indent
        targets = [v for v in scope if not v.startswith(("w", "k", "i", "c"))] or scope
        v = r.choice(targets)
        how = r.choice(["tuple", "list", "zip", "enumerate", "extreme"])
        if how == "extreme":  # a running minimum or maximum from math.inf
            best, c = self.name("best"), self.name("c")
            pick, start = r.choice([("min", self.m("inf") if self.style != "from" else "math.inf"),
                                    ("max", "-math.inf"), ("min", "float('inf')")])
            items = ", ".join(self.number() for _ in range(r.choice([2, 3])))
            lines.append(f"{pad}{best} = {start}")
            lines.append(f"{pad}for {c} in ({items}):")
            lines.append(f"{pad}    {best} = {pick}({best}, {c} * {self.expr(scope, 2)})")
            lines.append(f"{pad}{v} = {v} + {best}")
            return
        if how == "tuple" or not self.lists:
            c = self.name("c")
            items = ", ".join(self.number() for _ in range(r.choice([2, 3])))
            lines.append(f"{pad}for {c} in ({items}):")
            lines.append(f"{pad}    {v} = {v} + {c} * {self.squash(self.expr(scope + [c], 2))}")
        elif how == "list":
            c = self.name("c")
            name, _ = r.choice(self.lists)
            lines.append(f"{pad}for {c} in {name}:")
            lines.append(f"{pad}    {v} += {c} * {self.expr(scope, 2)}")
        elif how == "zip":
            a, b = self.name("c"), self.name("c")
            (l1, _), (l2, _) = r.choice(self.lists), r.choice(self.lists)
            lines.append(f"{pad}for {a}, {b} in zip({l1}, {l2}):")
            lines.append(f"{pad}    {v} += {a} * {self.m('sin')}({b} * {self.expr(scope, 1)})")
        else:
            k, c = self.name("i"), self.name("c")
            name, _ = r.choice(self.lists)
            lines.append(f"{pad}for {k}, {c} in enumerate({name}):")
            lines.append(f"{pad}    {v} += {c} * {self.atom(self.squash(self.expr(scope, 1)))} ** {k}")

    def returned(self, scope, returns):
        return ", ".join(self.expr(scope, 2) for _ in range(returns))

    # ---------------------------------------------------------------- the program
    def program(self):
        r = self.r
        for _ in range(r.choice([0, 1, 2])):
            name = r.choice(["SCALE", "K", "ALPHA", "BETA", "G", "RHO"]) + str(len(self.consts))
            self.consts.append(name)
            self.module.append(f"{name} = {self.r.choice([self.number(), self.small()])}")
        if r.random() < 0.4:
            name = f"WEIGHTS{len(self.lists)}"
            n = r.choice([2, 3, 4])
            self.lists.append((name, n))
            self.module.append(f"{name} = [{', '.join(self.number() for _ in range(n))}]")
        for _ in range(r.choice([0, 0, 1, 2])):
            self.helper()
        nparams = r.choice([1, 2, 2, 3, 3, 4])
        params = [r.choice(["x", "y", "z", "a", "b", "r", "v", "theta", "mu", "sigma", "rate"]) for _ in range(nparams)]
        params = list(dict.fromkeys(params))
        signature = list(params)
        defaults = r.random() < 0.3
        if defaults:
            extra = self.name("scale")
            params.append(extra)
            signature.append(f"{extra}={round(r.uniform(0.5, 2.0), 2)!r}")  # (a float: an int default is a count)
        if r.random() < 0.3:
            self.int_param = "n"
            signature.append(f"n={r.choice([2, 3, 4])}")
        returns = r.choice([1, 1, 1, 2, 3])
        lines = [f"def f({', '.join(signature)}):"]
        if r.random() < 0.4:
            lines.append(r.choice(['    """The quantity of interest."""', '    """Compute it.\n\n    Returns a float.\n    """']))
        if r.random() < 0.3:
            name = self.name("coef")
            n = r.choice([2, 3])
            self.lists.append((name, n))
            items = ", ".join(self.number() for _ in range(n))
            lines.append(f"    {name} = " + (f"[{items}]" if r.random() < 0.5 else f"({items})"))
        scope = list(params)
        self.block(scope, 0, r.choice([2, 3, 4, 5, 6]), returns, lines, 1)
        lines.append(f"    return {self.returned(scope, returns)}")
        header = {"math": ["import math"], "m": ["import math as m", "import math"],
                  "from": [f"from math import {', '.join(sorted(self.bare))}", "import math"]}[self.style]
        source = "\n".join(header + [""] + self.module + [""] + lines) + "\n"
        return source, params, returns

    def helper(self):
        r = self.r
        name = self.name(r.choice(["energy", "smooth", "phi", "helper", "rate"]))
        npos = r.choice([1, 2])
        args = [f"a{i}" for i in range(npos)]
        kws = [] if r.random() < 0.4 else [r.choice(["scale", "eps", "k"])]
        outs = r.choice([1, 1, 2])
        signature = args + [f"{kw}={r.choice([self.small(), self.number(0.5, 2.0)])}" for kw in kws]
        lines = [f"def {name}({', '.join(signature)}):"]
        if r.random() < 0.4:
            lines.append(f"    \"\"\"Helper {name}.\"\"\"")
        scope = args + kws
        if r.random() < 0.5:
            v = self.name("h")
            lines.append(f"    {v} = {self.expr(scope, 2)}")
            scope.append(v)
        if r.random() < 0.3:
            lines.append(f"    if {self.test(scope, 1)}:")
            lines.append(f"        return {', '.join(self.expr(scope, 2) for _ in range(outs))}")
        lines.append(f"    return {', '.join(self.expr(scope, 2) for _ in range(outs))}")
        self.module += [""] + lines + [""]
        self.helpers.append((name, npos, kws, outs))


def build(seed, index):
    """Program ``index`` of run ``seed``: drawn again until its forward runs and is finite at its inputs."""
    rng = random.Random(f"{seed}:{index}")
    for _ in range(50):
        writer = _Writer(rng)
        source, params, outputs = writer.program()
        args = [rng.choice([1, -1]) * rng.uniform(0.3, 1.8) for _ in params]
        signature = source.split("def f(", 1)[1].split(")", 1)[0]
        if "n=" in signature:
            pass  # the integer parameter keeps its default
        program = Program(source, params, args, list(params), outputs)
        try:
            outs = _outputs(_forward(source), args)
        except Exception:  # noqa: BLE001 - drawn again
            continue
        if all(isinstance(o, (int, float)) and math.isfinite(o) and abs(o) < LIMIT for o in outs):
            return program
    raise RuntimeError(f"no program of {seed}:{index} runs")


def _forward(source):
    namespace = {"__name__": "wild"}
    exec(compile(source, "<wild>", "exec"), namespace)
    return namespace["f"]


def _outputs(f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = f(*args)
    return out if isinstance(out, tuple) else (out,)


class _Timeout(Exception):
    pass


def check(program, timeout=60):
    def alarm(signum, frame):
        raise _Timeout(f"more than {timeout} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(timeout)
    try:
        return _check(program)
    except _Timeout as exc:
        return Outcome("crashed", "timeout", f"{program.describe()}\n\ntimeout: {exc}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check(program):
    import backgen

    def fail(kind, category, detail, text=None):
        parts = [program.describe(), ""]
        if text is not None:
            parts += ["# generated:", text.rstrip(), ""]
        parts.append(f"{kind}: {detail}")
        return Outcome(kind, category, "\n".join(parts))

    forward = _forward(program.source)
    outs = _outputs(forward, program.args)
    try:
        text = backgen.generate(program.source, name="f")
    except backgen.BackgenError as exc:
        if "internal error" in str(exc):
            return fail("crashed", "generate: internal error", str(exc))
        return Outcome("refused", _refusal_group(str(exc)), str(exc))
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"generate: {type(exc).__name__}", f"{type(exc).__name__}: {exc}")
    try:
        again = backgen.generate(program.source, name="f")
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", "generate: second call raises", f"{type(exc).__name__}: {exc}", text)
    if again != text:
        return fail("wrong", "nondeterministic text", "generating twice gave different text", text)
    if "numpy" in text or "np." in text:
        return fail("wrong", "plain output reads NumPy", "the backward of plain code reads NumPy", text)
    namespace = {}
    try:
        exec(compile(text, "<generated>", "exec"), namespace)
        backward = namespace["f_backward"]
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"generated module: {type(exc).__name__}", f"{type(exc).__name__}: {exc}", text)
    names = [p for p in inspect.signature(backward).parameters if p.startswith("dout")]
    if len(names) != len(outs):
        return fail("wrong", "dout count", f"{len(outs)} outputs, the backward takes {names}", text)
    rng = random.Random(program.source)
    douts = [round(rng.uniform(-1.5, 1.5), 3) or 0.5 for _ in outs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grads = backward(*program.args, **dict(zip(names, douts)))
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"backward raises {type(exc).__name__}", f"{type(exc).__name__}: {exc}", text)
    if len(program.wrt) == 1:
        grads = (grads,)
    if not isinstance(grads, tuple) or len(grads) != len(program.wrt):
        return fail("wrong", "gradient count", f"expected {len(program.wrt)} gradients, got {grads!r}", text)
    objective = numeric.weighted(forward, douts)
    compared, worst = 0, None
    for k, (name, got) in enumerate(zip(program.wrt, grads)):
        try:
            estimates = [numeric.gradient(objective, program.args, k, h) for h in STEPS]
        except Exception:  # noqa: BLE001 - a step leaves a domain: no comparison
            continue
        if not all(math.isfinite(e) for e in estimates):
            continue
        want = estimates[1]
        if any(abs(e - want) > 10 * (ATOL + RTOL * abs(want)) for e in estimates):
            continue  # a kink or a branch within a step: finite differences cannot tell
        if not isinstance(got, (int, float)):
            return fail("wrong", "gradient type", f"d{name} is {got!r}", text)
        compared += 1
        if not abs(got - want) <= 10 * (ATOL + RTOL * abs(want)):
            worst = worst or f"d{name}: backward gives {got!r}, finite differences {want!r}"
    if worst:
        return fail("wrong", "gradient mismatch", worst + f"\n# douts: {douts}", text)
    if not compared:
        return Outcome("skipped", "kink", "finite differences unstable everywhere")
    return Outcome("ok")


def _refusal_group(message):
    """The message of a refusal without its location and the names it quotes, to count alike ones together."""
    import re
    text = message.split(": ", 1)[1] if message.startswith("<") else message
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", "Q", text)
    return re.sub(r"\d+", "N", text)[:110]
