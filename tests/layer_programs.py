"""Random forwards in CS231n's layer convention (``def f(...): ... return out, cache``), checked
by ``real_mutants.check``: the backward ``f_backward(dout, cache)`` is handed a read-only copy
of the cache, must leave it alone and match central differences of sum(out * dout).

Where ``tests/real_mutants.py`` mutates whole idioms, this generator writes the bodies of layers
statement by statement, over the values it has made so far and their shapes:

* intermediates (``h1 = np.tanh(x.dot(w) + b)``, broadcasting, reductions, normalizations),
  copies, views (``.T``, ``reshape``, ``ravel``, basic slices) and in-place writes into
  values, views and now and then an input (``h1[0] += ...``, ``h1[h1 < 0] = 0.0``,
  ``r[1:] *= 2.0`` through a view ``r = h1[0]``, ``x[mask] = 0``), masks (``mask = h1 > 0``,
  dropout's seeded ``np.random.rand(...) < p``), one-expression helpers (``sigmoid``), helper
  layers mid-body (``a, a_cache = affine_forward(h, w, b)``), branches on the settings
  (``if mode == 'train':``, ``cfg['mode']``), loops carrying a value or writing rows;
* the cache is built once, at a random point after what it holds (so before or after later
  writes into it): a tuple, list, dict or single value of the parameters or some of them,
  intermediates, views, masks, the settings dict, helper layers' caches, copies;
* besides these dense layers: sandwiches of helper layers (``cache = (fc_cache, relu_cache)``),
  RNNs over time calling a random step layer and keeping per-step caches in a list or dict,
  RNNs written inline keeping per-step values in a list, and max-pool-like nested loops
  over windows.

Only programs whose forward runs to finite, moderate outputs are kept (``build`` redraws).
``build(seed, index)`` is program ``index`` of ``seed`` (``random.Random(f"layer:{seed}:{index}")``),
a ``real_mutants.RealProgram`` with ``layer`` set; shapes come as annotations, docstring lines,
``shapes=`` or not at all.  The long run is ``python benchmarks/fuzz_real.py --layers``.
"""

import random
import re

import real_mutants
from real_mutants import HEADER, Param, RealProgram

UNARY = ["np.tanh({e})", "np.maximum(0, {e})", "({e} * 1.5)", "np.exp(-{e} ** 2)", "({e} / (1.0 + np.abs({e})))",
         "np.sin({e})", "({e} ** 2 + 0.5)", "np.sqrt({e} ** 2 + 1.0)", "sigmoid({e})", "({e} - {e}.mean(axis=0))",
         "(({e} - {e}.mean(axis=0)) / np.sqrt({e}.var(axis=0) + 1e-5))", "np.where({e} > 0, {e}, 0.1 * {e})"]
BINARY = ["({a} + {b})", "({a} * {b})", "({a} - 0.5 * {b})"]

HELPERS = {
    "sigmoid": "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n",
    "affine_forward": "def affine_forward(x, w, b):\n    out = x.dot(w) + b\n    cache = (x, w, b)\n    return out, cache\n",
    "relu_forward": "def relu_forward(x):\n    out = np.maximum(0, x)\n    cache = x\n    return out, cache\n",
    "tanh_forward": "def tanh_forward(x):\n    out = np.tanh(x)\n    cache = out\n    return out, cache\n",
    "scale_forward": "def scale_forward(x, gamma, beta):\n    out = x * gamma + beta\n    cache = (x, gamma, beta)\n"
                     "    return out, cache\n",
}


class Body:
    """The statements of one layer, grown over ``env`` (name -> shape) of the values made so far."""

    def __init__(self, rng, params, dots, rows, mode, config=False):
        self.rng, self.rows, self.mode, self.config = rng, rows, mode, config  # mode: the setting's name, or None
        self.lines, self.helpers, self.count = [], set(), 0
        self.env = dict(params)  # name -> shape
        self.kind = {name: "param" for name in params}  # param, value, view, mask, cache
        self.dots = dots  # [(input shape, weight name, output shape)]

    def fresh(self, stem):
        self.count += 1
        return f"{stem}{self.count}"

    def of_shape(self, shape, kinds=("param", "value", "view")):
        return [n for n, s in self.env.items() if s == shape and self.kind[n] in kinds]

    def expr(self, shape, depth=2):
        """A float expression of ``shape`` over the values there are."""
        rng = self.rng
        names = self.of_shape(shape)
        if depth <= 0 or (names and rng.random() < 0.3):
            if names:
                return rng.choice(names)
            depth = max(depth, 1)
        choice = rng.random()
        if choice < 0.35 or not names and choice < 0.5:
            dots = [d for d in self.dots if d[2] == shape]
            if dots:
                ins, weight, _ = rng.choice(dots)
                return f"{self.expr(ins, depth - 1)}.dot({weight})"
            if len(shape) == 1:
                wide = [s for s in self.env.values() if s and len(s) == 2 and s[1] == shape[0]]
                if wide:
                    reducer = rng.choice(["sum", "mean", "max"])
                    return f"{self.expr(rng.choice(wide), depth - 1)}.{reducer}(axis=0)"
            if len(shape) == 2 and shape[1] == 1:
                wide = [s for s in self.env.values() if s and len(s) == 2 and s[0] == shape[0] and s[1] != 1]
                if wide:
                    return f"{self.expr(rng.choice(wide), depth - 1)}.sum(axis=1, keepdims=True)"
        if choice < 0.7 or not names:
            template = rng.choice(UNARY)
            if "sigmoid" in template:
                self.helpers.add("sigmoid")
            if "axis=0" in template and len(shape) != 2:
                template = "np.tanh({e})"
            inner = self.expr(shape, depth - 1) if names or depth > 1 else None
            if inner is None:
                return self._any_of(shape)
            return template.format(e=inner)
        other = [s for s in set(self.env.values()) if _broadcasts(s, shape)]
        b = self.expr(rng.choice(other), depth - 1) if other else rng.choice(names)
        return rng.choice(BINARY).format(a=self.expr(shape, depth - 1), b=b)

    def _any_of(self, shape):
        names = self.of_shape(shape)
        return self.rng.choice(names) if names else f"np.full({shape!r}, 0.5)"

    def add(self, text):
        self.lines.append(text)

    def value(self):
        rng = self.rng
        shape = rng.choice([self.rows] * 4 + [s for s in self.env.values() if s] + [(self.rows[1],)])
        name = self.fresh("h")
        self.add(f"{name} = {self.expr(shape)}")
        self.env[name], self.kind[name] = shape, "value"

    def write(self):
        rng = self.rng
        targets = [n for n in self.env if self.kind[n] in ("value", "view") and self.env[n]]
        if not targets or rng.random() < 0.08:
            targets = [n for n in self.env if self.kind[n] == "param" and self.env[n]]
        if not targets:
            return
        t = rng.choice(targets)
        shape = self.env[t]
        forms = [f"{t} *= 1.5", f"{t} += {self.expr(shape, 1)}", f"{t}[{t} < 0] = 0.0",
                 f"{t}[0] += {self.expr(shape[1:], 1) if len(shape) > 1 else '1.0'}", f"{t}[1:] *= 2.0",
                 f"{t}[-1] = {self.expr(shape[1:], 1) if len(shape) > 1 else '0.25'}"]
        if len(shape) == 2:
            forms += [f"{t}[:, 1] = {t}[:, 0] * 0.5", f"{t}[1:] -= 0.5 * {t}[:-1]", f"{t}[:, :2] += 0.3"]
        masks = [m for m in self.env if self.kind[m] == "mask" and self.env[m] == shape]
        if masks:
            m = rng.choice(masks)
            forms += [f"{t}[{m}] = 0", f"{t}[{m}] *= 0.5", f"{t} *= {m}"]
        self.add(rng.choice(forms))

    def view(self):
        rng = self.rng
        bases = [n for n in self.env if self.kind[n] in ("value", "param", "view") and len(self.env[n]) == 2]
        if not bases:
            return
        b = rng.choice(bases)
        n, m = self.env[b]
        forms = [(f"{b}.T", (m, n)), (f"{b}[0]", (m,)), (f"{b}[1:]", (n - 1, m)), (f"{b}.reshape(-1)", (n * m,)),
                 (f"{b}[:, 1:3]", (n, 2)), (f"{b}[::-1]", (n, m)), (f"{b}.ravel()", (n * m,)),
                 (f"{b}.reshape({m}, {n})", (m, n))]
        text, shape = rng.choice(forms)
        name = self.fresh("v")
        self.add(f"{name} = {text}")
        self.env[name], self.kind[name] = shape, "view"

    def copy(self):
        names = [n for n in self.env if self.kind[n] in ("value", "view", "param") and self.env[n]]
        b = self.rng.choice(names)
        name = self.fresh("c")
        self.add(f"{name} = {self.rng.choice(['{}.copy()', 'np.copy({})', 'np.array({})', '{} + 0.0']).format(b)}")
        self.env[name], self.kind[name] = self.env[b], "value"

    def mask(self):
        rng = self.rng
        names = [n for n in self.env if self.kind[n] in ("value", "view", "param") and self.env[n]]
        b = rng.choice(names)
        name = self.fresh("mask")
        if self.config and rng.random() < 0.4:
            self.add(f"np.random.seed(cfg['seed'])")
            self.add(f"{name} = (np.random.rand(*{b}.shape) < cfg['p']) / cfg['p']")
            self.env[name], self.kind[name] = self.env[b], "mask_float"
            use = self.fresh("h")
            self.add(f"{use} = {b} * {name}")
            self.env[use], self.kind[use] = self.env[b], "value"
            return
        self.add(f"{name} = {rng.choice(['{} > 0', '{} < 0.5', '({} > 0)'])}".format(b))
        self.env[name], self.kind[name] = self.env[b], "mask"

    def branch(self):
        if not self.mode:
            return self.value()
        rng = self.rng
        shape = rng.choice([self.rows, self.rows, (self.rows[1],)])
        same = self.of_shape(shape, ("value",))
        name = rng.choice(same) if same and rng.random() < 0.5 else self.fresh("h")
        first, second = self.expr(shape), self.expr(shape)
        self.add(f"if {self.mode} == 'train':\n    {name} = {first}\nelse:\n    {name} = {second}")
        self.env[name], self.kind[name] = shape, "value"

    def loop(self):
        rng = self.rng
        names = [n for n in self.env if self.kind[n] == "value" and len(self.env[n]) == 2]
        if names and rng.random() < 0.5:
            t = rng.choice(names)
            n, m = self.env[t]
            self.add(f"for i in range({n}):\n    {t}[i] = np.tanh({t}[i]) + {self.expr((m,), 1)}")
            return
        shape = self.rows
        name = self.fresh("h")
        self.add(f"{name} = {self.expr(shape, 1)}")
        self.add(f"for k in range(2):\n    {name} = np.tanh({name}) * 0.9 + {self.expr(shape, 1)}")
        self.env[name], self.kind[name] = shape, "value"

    def helper_layer(self):
        rng = self.rng
        layer = rng.choice(["affine_forward", "relu_forward", "tanh_forward"])
        dots = [d for d in self.dots if d[2] == self.rows]
        name = self.fresh("a")
        cache = f"{name}_cache"
        if layer == "affine_forward" and dots:
            ins, weight, out = rng.choice(dots)
            bias = self.of_shape((out[1],), ("param",))
            if not bias:
                return self.value()
            self.add(f"{name}, {cache} = affine_forward({self.expr(ins, 1)}, {weight}, {rng.choice(bias)})")
        else:
            layer = "relu_forward" if layer == "affine_forward" else layer
            self.add(f"{name}, {cache} = {layer}({self.expr(self.rows, 1)})")
        self.helpers.add(layer)
        self.env[name], self.kind[name] = self.rows, "value"
        self.env[cache], self.kind[cache] = None, "cache"

    def statement(self):
        rng = self.rng
        pick = rng.choices([self.value, self.write, self.view, self.copy, self.mask, self.branch, self.loop,
                            self.helper_layer], [6, 5, 3, 1, 2, 2, 1, 0.3])[0]
        pick()


def _broadcasts(small, big):
    if small is None or len(small) > len(big):
        return False
    return all(a == b or a == 1 for a, b in zip(small[::-1], big[::-1]))


def _cache_text(rng, entries):
    if len(entries) == 1 and rng.random() < 0.4:
        return entries[0]
    form = rng.choices(["tuple", "list", "dict"], [6, 1, 2])[0]
    if form == "dict":
        return "{" + ", ".join(f"'{e}': {e}" if e.isidentifier() else f"'k{k}': {e}" for k, e in
                               enumerate(entries)) + "}"
    if form == "list":
        return "[" + ", ".join(entries) + "]"
    return "(" + ", ".join(entries) + ("," if len(entries) == 1 else "") + ")"


def dense(rng):
    """A layer of random statements over x (3, 4), w (4, 5), b (5,) and maybe gamma and settings."""
    specs = ["x:3,4", "w:4,5", "b:5"]
    if rng.random() < 0.3:
        specs.append("gamma:5")
    setting = rng.choice([None, None, "mode", "cfg"])
    if setting == "mode":
        specs.append("mode:str")
    elif setting == "cfg":
        specs.append("cfg:cfg")
    params = [Param(t) for t in specs]
    body = Body(rng, {p.name: p.shape for p in params if p.shape}, [((3, 4), "w", (3, 5))], (3, 5),
                "mode" if setting else None, setting == "cfg")
    if rng.random() < 0.5:
        body.add("out = None")
    if setting == "cfg":
        body.add(rng.choice(["mode = cfg['mode']", "mode = cfg.get('mode', 'train')"]))
    body.value()
    for _ in range(rng.randint(1, 7)):
        body.statement()
    if setting and not any(line.startswith("if mode") for line in body.lines):
        body.branch()  # the setting is read (an unread parameter is no setting to backgen)
    last = [n for n in body.env if body.kind[n] == "value"][-1]
    body.add(f"out = {body.expr((3, 5), 1)} + {last}" if body.env[last] != (3, 5) or rng.random() < 0.5
             else f"out = {last}")
    body.env["out"], body.kind["out"] = (3, 5), "value"
    for _ in range(rng.choice([0, 0, 1, 2])):
        body.write() if rng.random() < 0.6 else body.statement()
    return _finish(rng, params, body, setting)


def _finish(rng, params, body, setting, extra_entries=()):
    """Put the cache in at a random point after what it holds; the function's text."""
    lines = body.lines
    names = [p.name for p in params if p.shape is not None]
    chosen = list(names) if rng.random() < 0.7 else [n for n in names if rng.random() < 0.7]
    if setting == "cfg" and rng.random() < 0.8 or setting == "mode" and rng.random() < 0.6:
        chosen.append(setting)
    others = [n for n in body.env if body.kind[n] != "param" and n != "out"]
    chosen += [n for n in others if rng.random() < 0.4]
    chosen += list(extra_entries)
    arrays = [n for n in others if body.env[n]]
    if rng.random() < 0.25 and arrays:  # a copy, a view or a shape made where the cache is built
        a = rng.choice(arrays)
        chosen.append(rng.choice([f"{a}.copy()", "x.shape", f"{a}.T", f"{a}[0]", f"{a}.reshape(-1)", f"{a} * 1.0"]))
    if not chosen:
        chosen = [names[0]]
    rng.shuffle(chosen)
    # the first line after which every entry is set (on every path: names set in branches count too)
    bases = {re.match(r"\w+", e).group() for e in chosen}
    last_set = 0
    for k, line in enumerate(lines):
        head = line.split("\n")
        for piece in head:
            target = piece.strip().split(" = ")[0] if " = " in piece else ""
            if any(target == b or target.startswith(b + ",") or target.endswith(", " + b) for b in bases):
                last_set = k + 1
    where = rng.randint(last_set, len(lines))
    built = f"cache = {_cache_text(rng, chosen)}"
    if setting and rng.random() < 0.3:  # built in training mode only, as batch normalization does
        built = f"if {body.mode} == 'train':\n    {built}"
        lines = lines[:where] + [built] + lines[where:]
        lines = ["out, cache = (None, None)"] + [line for line in lines if line != "out = None"]
    else:
        lines = lines[:where] + [built] + lines[where:]
    helpers = "".join(HELPERS[h] + "\n\n" for h in sorted(body.helpers))
    text = "def f(" + ", ".join(p.name for p in params) + "):\n"
    text += "".join("    " + line.replace("\n", "\n    ") + "\n" for line in lines)
    text += "    return out, cache\n"
    return helpers + text, params


def sandwich(rng):
    """Helper layers called one after another, their caches gathered (``cache = (fc_cache, relu_cache)``)."""
    specs = ["x:3,4", "w:4,5", "b:5"]
    lines, helpers, caches, value = [], {"affine_forward"}, [], "a1"
    lines.append("a1, fc_cache = affine_forward(x, w, b)")
    caches.append("fc_cache")
    extra = rng.random() < 0.3
    if extra:
        specs += ["gamma:5", "beta:5"]
    for k in range(rng.randint(1, 3)):
        layer = rng.choice(["relu_forward", "tanh_forward", "scale_forward" if extra else "relu_forward"])
        helpers.add(layer)
        name, cache = f"a{k + 2}", f"{layer.split('_')[0]}_cache{k + 2}"
        args = f"{value}, gamma, beta" if layer == "scale_forward" else value
        lines.append(f"{name}, {cache} = {layer}({args})")
        caches.append(cache)
        value = name
    if rng.random() < 0.2:  # something other than a layer call: refused, or right
        lines.insert(rng.randint(1, len(lines)), rng.choice([f"{value} = {value} * 2.0", "x = x.reshape(3, 4)"]))
    last = rng.random()
    if last < 0.6:  # the last layer's output is out itself, as sandwiches are written
        lines[-1] = lines[-1].replace(f"{value}, ", "out, ", 1)
    elif last < 0.8:
        lines.append(f"out = {value}")
    else:
        lines.append(f"out, last_cache = relu_forward({value})")
        helpers.add("relu_forward")
        caches.append("last_cache")
    if rng.random() < 0.2:
        rng.shuffle(caches)
    lines.append("cache = (" + ", ".join(caches) + ")")
    params = [Param(t) for t in specs]
    text = "".join(HELPERS[h] + "\n\n" for h in sorted(helpers))
    text += "def f(" + ", ".join(p.name for p in params) + "):\n" + "".join(f"    {line}\n" for line in lines)
    return text + "    return out, cache\n", params


def rnn(rng):
    """An RNN over time: a random step layer called per step, or its body written in the loop."""
    specs = ["x:2,3,4", "h0:2,5", "Wx:4,5", "Wh:5,5", "b:5"]
    params = [Param(t) for t in specs]
    head = ["N, T, D = x.shape", "H = h0.shape[1]", "h = np.zeros((N, T, H))", "prev_h = h0"]
    if rng.random() < 0.6:
        step = Body(rng, {"x": (2, 4), "prev_h": (2, 5), "Wx": (4, 5), "Wh": (5, 5), "b": (5,)},
                    [((2, 4), "Wx", (2, 5)), ((2, 5), "Wh", (2, 5))], (2, 5), None)
        step.add("next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)" if rng.random() < 0.5 else
                 f"next_h = {step.expr((2, 5))}")
        step.env["next_h"], step.kind["next_h"] = (2, 5), "value"
        for _ in range(rng.randint(0, 3)):
            rng.choice([step.write, step.value, step.view, step.copy])()
        last = [n for n in step.env if step.kind[n] == "value" and step.env[n] == (2, 5)][-1]
        if last != "next_h":
            step.add(f"next_h = np.tanh({last})")
        text, _ = _finish(rng, [Param(t) for t in ["x:2,4", "prev_h:2,5", "Wx:4,5", "Wh:5,5", "b:5"]], step, None)
        text = text.replace("def f(", "def step_forward(").replace("return out, cache", "return next_h, cache")
        collect = rng.choice(["list", "dict", "slots"])
        start = {"list": "cache = []", "dict": "cache = {}", "slots": "cache = [None] * T"}[collect]
        store = {"list": "cache.append(step_cache)", "dict": "cache['step%d' % t] = step_cache",
                 "slots": "cache[t] = step_cache"}[collect]
        body = head + [start, "for t in range(T):",
                       "    next_h, step_cache = step_forward(x[:, t, :], prev_h, Wx, Wh, b)",
                       "    h[:, t, :] = next_h", f"    {store}", "    prev_h = next_h"]
        return text + "\n\ndef f(x, h0, Wx, Wh, b):\n" + "".join(f"    {line}\n" for line in body) + \
            "    return h, cache\n", params
    kept = rng.choice(["hs", "h"])
    inner = ["    a = x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b", "    next_h = np.tanh(a)",
             "    h[:, t, :] = next_h", "    prev_h = next_h"]
    if kept == "hs":
        inner.insert(2, f"    hs.append({rng.choice(['next_h', 'a', 'prev_h'])})")
        head.append("hs = []")
    if rng.random() < 0.3:
        inner.insert(2, "    next_h[0] *= 0.5")
    entries = ["x", "h0", "Wx", "Wh", "b", kept]
    if rng.random() < 0.3:
        entries.remove(rng.choice(entries[:5]))
    rng.shuffle(entries)
    body = head + ["for t in range(T):"] + inner + ["cache = (" + ", ".join(entries) + ")"]
    return "def f(x, h0, Wx, Wh, b):\n" + "".join(f"    {line}\n" for line in body) + "    return h, cache\n", params


def pool(rng):
    """Max-pool-like nested loops over 2x2 windows of x (1, 2, 4, 4), maybe with settings."""
    params = [Param("x:1,2,4,4")]
    pre = rng.choice(["", "x2 = np.tanh(x)\n", "x2 = x * 2.0\n", "x2 = x.copy()\nx2[0, 0] += 1.0\n"])
    source = "x2" if pre else "x"
    reduce = rng.choice(["np.max(window)", "window.max()", "np.sum(window ** 2)", "np.mean(window)",
                         "np.max(window) + np.min(window)"])
    body = ("N, C, H, W = x.shape\n" + pre + "out = np.zeros((N, C, H // 2, W // 2))\n"
            "for n in range(N):\n    for c in range(C):\n        for i in range(H // 2):\n"
            "            for j in range(W // 2):\n"
            f"                window = {source}[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]\n"
            f"                out[n, c, i, j] = {reduce}\n")
    if rng.random() < 0.3:
        body += rng.choice(["out *= 2.0\n", "out = np.tanh(out)\n", "out[out < 0] = 0.0\n"])
    entries = ["x"] + ([source] if pre and rng.random() < 0.6 else []) + (["out"] if rng.random() < 0.3 else [])
    if rng.random() < 0.3:
        params.append(Param("pool_param:cfg"))
        entries.append("pool_param")
    rng.shuffle(entries)
    body += f"cache = {_cache_text(rng, entries)}\n"
    text = "def f(" + ", ".join(p.name for p in params) + "):\n"
    text += "".join(f"    {line}\n" for line in body.rstrip().split("\n"))
    return text + "    return out, cache\n", params


KINDS = [(dense, 8), (sandwich, 2), (rnn, 2), (pool, 1)]


def build(seed, index):
    """Program ``index`` of ``seed``: a random layer whose forward runs, with its way of giving shapes."""
    rng = random.Random(f"layer:{seed}:{index}")
    for _ in range(50):
        kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
        source, params = kind(rng)
        args = real_mutants.draw_inputs(rng, params)
        if "== 'train':\n        cache = " in source:  # the cache is built in training mode only
            args = [dict(a, mode="train") if isinstance(a, dict) else "train" if isinstance(a, str) else a
                    for a in args]
        source = HEADER + source
        outs = real_mutants._runs(source, args)
        if outs is not None and real_mutants._sane_outputs(outs, True):
            break
    how = rng.choice(["annotations", "annotations", "docstring", "shapes=", "none", "none"])
    letters = rng.random() < 0.3
    body = source[len(HEADER):]
    if how == "annotations":
        body = real_mutants._with_annotations(body, params, letters)
    elif how == "docstring":
        body = real_mutants._with_docstring(body, params, letters)
    shapes = {p.name: p.declared(letters) for p in params if p.declares}
    return RealProgram(HEADER + body.strip() + "\n", params, args, how, shapes, rng.randrange(2 ** 16), None,
                       kind.__name__, [], True)
