"""Forward programs shaped like real code, recombined and mutated, and the oracle that checks backgen on them.

A second generator, built differently from ``tests/fuzz_programs.py``: that one grows programs
statement by statement from a grammar; this one starts from idioms of real NumPy and math
code and mutates them.  The idioms (``IDIOMS``) are whole functions as people write them:

* CS231n layers and losses: affine, ReLU, affine-ReLU through helpers, softmax and SVM losses
  with labels (``x[np.arange(N), y]``), naive loss loops, batch normalization with a
  train/test branch, dropout with a mask parameter, naive convolution and max pooling,
  RNN and LSTM steps, an RNN over time writing ``h[:, t, :] = ...``, layers written
  ``out = None`` ... ``return out, cache`` with docstrings, word embeddings, temporal affine
  and softmax loss with a mask, spatial batch normalization, attention;
* Horner's rule, Newton's iterations, running averages, k-means distances, a Huber loss;
* autograd's examples: logsumexp, a tanh net over a list of ``(W, b)`` pairs, a Gaussian
  process log-likelihood, Lennard-Jones energy, springs, a projectile in a ``while`` loop
  with ``break``;
* NumPy's tricky corners: aliases and views written through (``y = x; y[...] = ...``,
  slices, ``reshape``, ``.T``, ``ravel``), fancy indices with repeats (``y[[0, 0]] += v``,
  ``np.add.at``), broadcasting among (3, 4), (4,), (1, 4), (3, 1) and (), reductions with
  ``axis``/``keepdims``, masks, ``np.where``, ``np.maximum``, ``np.clip``, ``@`` with
  vectors and constant arrays, early returns, data-dependent branches, loops whose carried
  values change shape.

``mutate`` then edits the function's syntax tree a few times (``MUTATIONS``): an operator or
a function swapped for another of the same shapes, a read wrapped in a function of the same
shape, an axis or ``keepdims`` changed, an alias or a view inserted and written through, an
in-place operator, a block wrapped in a loop or a branch on data, a name reused, a parameter
turned into a constant array, an early return, a value moved into a helper function, an
intermediate value returned as one more output.
Each mutation is kept only where the program still runs on its inputs to finite, moderate
outputs.  Shapes come as annotations, docstring lines, ``shapes=`` or not at all (the
shape-generic backward of ``backgen.generate(source)``).  Inputs are distinct numbers of
magnitude 0.3 to 1.2, away from the kinks of ``relu``, ``abs`` and ties of maxima.

``build(seed, index)`` is program ``index`` of ``seed`` (``random.Random(f"{seed}:{index}")``).
``check(program)`` is ``fuzz_programs.check`` (finite differences at two step sizes, inputs
and ``dout`` left alone, the same text twice), and for layers returning ``(out, cache)`` the
same checks on ``<name>_backward(dout, cache)``, the cache left alone too.  A shape-generic
backward stopping with the ``ValueError`` of its loop guards (a carried value changing shape
at ranks the code was not written for), or with the ``TypeError`` of its rank checks (written for numbers
or ranks the samples allowed, given others), counts as refused: that is its documented refusal.
"""

import ast
import copy
import math
import random
import warnings

import numpy as np

import fuzz_programs
from fuzz_programs import Outcome

# =========================================================================================
# idioms: (name, params, source); params are "name:kind" with kind a shape "3,4", "()",
# "labels3of4" (3 labels below 4), "int2" (the integer 2)
# =========================================================================================

IDIOMS = [
    ("affine", "x:3,2,2 w:4,5 b:5", '''
def f(x, w, b):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, d_2)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    out = None
    N = x.shape[0]
    x_row = x.reshape(N, -1)
    out = x_row.dot(w) + b
    cache = (x, w, b)
    return out, cache
'''),
    ("relu", "x:3,4", '''
def f(x):
    out = None
    out = np.maximum(0, x)
    cache = x
    return out, cache
'''),
    ("affine_relu", "x:3,4 w:4,5 b:5", '''
def affine(x, w, b):
    return x.dot(w) + b


def relu(a):
    return np.maximum(0, a)


def f(x, w, b):
    a = affine(x, w, b)
    out = relu(a)
    return out
'''),
    ("softmax_loss", "x:3,4 y:labels3of4", '''
def f(x, y):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    return loss
'''),
    ("svm_loss", "x:3,4 y:labels3of4", '''
def f(x, y):
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    return loss
'''),
    ("svm_loss_naive", "W:4,3 X:2,4 y:labels2of3 reg:()", '''
def f(W, X, y, reg):
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
    loss /= num_train
    loss += reg * np.sum(W * W)
    return loss
'''),
    ("softmax_loss_naive", "W:4,3 X:2,4 y:labels2of3 reg:()", '''
def f(W, X, y, reg):
    loss = 0.0
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores -= np.max(scores)
        p = np.exp(scores) / np.sum(np.exp(scores))
        loss += -np.log(p[y[i]])
    loss /= num_train
    loss += 0.5 * reg * np.sum(W * W)
    return loss
'''),
    ("batchnorm", "x:3,4 gamma:4 beta:4 mode:str", '''
def f(x, gamma, beta, mode="train"):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - mode: 'train' or 'test'
    """
    eps = 1e-5
    out = None
    if mode == "train":
        sample_mean = np.mean(x, axis=0)
        sample_var = np.var(x, axis=0)
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
        out = gamma * x_hat + beta
    elif mode == "test":
        x_hat = x / np.sqrt(1.0 + eps)
        out = gamma * x_hat + beta
    return out
'''),
    ("batchnorm_steps", "x:3,4 gamma:4 beta:4", '''
def f(x, gamma, beta):
    N, D = x.shape
    mu = 1.0 / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1.0 / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + 1e-5)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    gammax = gamma * xhat
    out = gammax + beta
    cache = (xhat, gamma, xmu, ivar, sqrtvar, var)
    return out, cache
'''),
    ("dropout", "x:3,4 mask:3,4 p:()", '''
def f(x, mask, p):
    out = None
    out = x * mask / p
    out = out.astype(x.dtype, copy=False)
    return out
'''),
    ("conv_naive", "x:1,1,4,4 w:2,1,2,2 b:2", '''
def f(x, w, b):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = H - HH + 1
    W_out = W - WW + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, :, i:i + HH, j:j + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out
'''),
    ("max_pool_naive", "x:1,2,4,4", '''
def f(x):
    N, C, H, W = x.shape
    out = np.zeros((N, C, 2, 2))
    for n in range(N):
        for c in range(C):
            for i in range(2):
                for j in range(2):
                    window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
                    out[n, c, i, j] = np.max(window)
    return out
'''),
    ("rnn_step", "x:2,3 prev_h:2,4 Wx:3,4 Wh:4,4 b:4", '''
def f(x, prev_h, Wx, Wh, b):
    next_h, cache = None, None
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''),
    ("rnn_forward", "x:2,3,3 h0:2,4 Wx:3,4 Wh:4,4 b:4", '''
def f(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        prev_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        h[:, t, :] = prev_h
    return h
'''),
    ("lstm_step", "x:2,3 prev_h:2,2 prev_c:2,2 Wx:3,8 Wh:2,8 b:8", '''
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def f(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i = sigmoid(a[:, :H])
    f_gate = sigmoid(a[:, H:2 * H])
    o = sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    next_c = f_gate * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c
'''),
    ("logsumexp", "x:4", '''
def f(x):
    max_x = np.max(x)
    return max_x + np.log(np.sum(np.exp(x - max_x)))
'''),
    ("tanh_net", "W1:3,4 b1:4 W2:4,2 b2:2 inputs:2,3", '''
def f(W1, b1, W2, b2, inputs):
    params = [(W1, b1), (W2, b2)]
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return np.sum(inputs ** 2)
'''),
    ("gp_loglik", "x:4 y:4 ls:()", '''
def f(x, y, ls):
    diffs = x[:, None] - x[None, :]
    K = np.exp(-0.5 * diffs ** 2 / (ls * ls + 0.5)) + 0.5 * np.eye(4)
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * np.dot(y, alpha) - 0.5 * logdet
'''),
    ("lennard_jones", "pos:3,2", '''
def f(pos):
    n = pos.shape[0]
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.sqrt(np.sum((pos[i] - pos[j]) ** 2) + 1.0)
            sr6 = (0.9 / r) ** 6
            energy = energy + 4.0 * (sr6 * sr6 - sr6)
    return energy
'''),
    ("springs", "p:3,2 k:()", '''
def f(p, k):
    total = 0.0
    for i in range(p.shape[0] - 1):
        d = p[i + 1] - p[i]
        length = np.linalg.norm(d)
        total += 0.5 * k * (length - 1.0) ** 2
    return total
'''),
    ("projectile", "v0:() angle:()", '''
def f(v0, angle):
    x = 0.0
    y = 0.0
    vx = v0 * math.cos(angle)
    vy = v0 * math.sin(angle) + 1.0
    t = 0
    while t < 20:
        x = x + vx * 0.1
        y = y + vy * 0.1
        vy = vy - 0.98 * 0.1
        vx = vx * 0.99
        t += 1
        if y < 0.0:
            break
    return x + y
'''),
    ("alias_write", "x:3,4 v:4", '''
def f(x, v):
    y = x * 1.0
    z = y
    z[0] = v * 2.0
    z[1:] *= np.tanh(v)
    return np.sum(y * y), z
'''),
    ("view_write", "X:3,4 w:4", '''
def f(X, w):
    A = X + 0.0
    r = A[1]
    r *= w
    T = A.T
    T[0] += 1.5
    flat = A.ravel()
    return flat[2:] * 2.0 + np.sum(A, axis=0).sum()
'''),
    ("repeat_index", "x:3,4 v:4", '''
def f(x, v):
    y = np.zeros((3, 4))
    y[[0, 0, 2]] += v
    np.add.at(y, [1, 1], x[0])
    return np.sum(y * x, axis=1)
'''),
    ("broadcast", "X:3,4 u:4 r:1,4 c:3,1 s:()", '''
def f(X, u, r, c, s):
    a = X * u + r
    b = a - c * s
    m = np.mean(b, axis=0, keepdims=True)
    d = b / (1.0 + m * m)
    return np.sum(d, axis=1) + np.max(X, axis=0).sum()
'''),
    ("masks", "x:3,4 w:4", '''
def f(x, w):
    pos = x[x > 0]
    out = np.where(x > 0, x * w, 0.1 * x)
    clipped = np.clip(out, -0.8, 0.8)
    return np.sum(pos) + (clipped.T @ np.ones(3)).sum() + (x @ np.arange(4.0)).sum() + x @ w
'''),
    ("branches", "x:3,4 w:4", '''
def helper(a, b):
    """Scale a by b; early out for a negative total."""
    if a.sum() < -3.0:
        return a * 0.5
    return a * b


def f(x, w):
    if x.sum() > 0:
        h = helper(x, w)
    else:
        h = np.tanh(x) + w
    s = h.max(axis=1)
    if s.mean() > 5.0:
        return s
    return s * s + np.linalg.norm(h)
'''),
    ("carried_shape", "x:3,4 w:4", '''
def f(x, w):
    acc = w
    for row in x:
        acc = np.outer(acc, row).sum(axis=0) * 0.3 + row
    z = x
    for k in range(2):
        z = np.tanh(z) * w
    rows = []
    for t in range(2):
        rows.append(np.sum(z[t:] ** 2, axis=0))
    return acc * rows[0] + np.stack(rows, axis=1).sum(axis=1)
'''),
    ("out_none_cache", "x:3,4 gamma:4", '''
def f(x, gamma):
    """Layer norm.

    - x: input of shape (N, D)
    - gamma: scale of shape (D,)
    """
    out, cache = None, None
    mu = x.mean(axis=1, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=1, keepdims=True)
    xn = xc / np.sqrt(var + 1e-5)
    out = xn * gamma
    cache = (xn, gamma, var)
    return out, cache
'''),
    ("tuple_returns", "x:3 y:3", '''
def polar(a, b):
    r = np.sqrt(a * a + b * b)
    th = np.arctan2(b, a)
    return r, th


def f(x, y):
    r, th = polar(x, y)
    r, th = th, r
    return r * th, (r + 1.0).prod()
'''),
    ("attention", "Q:3,4 K:3,4 V:3,2", '''
def softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def f(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    probs = softmax(scores)
    return probs @ V
'''),
    ("word_embedding", "x:labels2,3of5 W:5,4", '''
def f(x, W):
    out = W[x]
    cache = (x, W)
    return out, cache
'''),
    ("temporal_affine", "x:2,3,4 w:4,5 b:5", '''
def f(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    return out
'''),
    ("temporal_softmax_loss", "x:2,3,4 y:labels2,3of4 mask:2,3", '''
def f(x, y, mask):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    return loss
'''),
    ("spatial_batchnorm", "x:2,3,2,2 gamma:3 beta:3", '''
def f(x, gamma, beta):
    N, C, H, W = x.shape
    x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
    mu = x_flat.mean(axis=0)
    var = x_flat.var(axis=0)
    x_hat = (x_flat - mu) / np.sqrt(var + 1e-5)
    out_flat = gamma * x_hat + beta
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out
'''),
    ("huber_kmeans", "X:3,2 C:2,2 r:3", '''
def f(X, C, r):
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
    nearest = np.min(d, axis=1)
    h = np.where(np.abs(r) < 1.0, 0.5 * r ** 2, np.abs(r) - 0.5)
    return nearest.sum() + h.mean()
'''),
    ("horner_newton", "coeffs:4 x:3 s:()", '''
def f(coeffs, x, s):
    acc = np.zeros_like(x)
    for c in coeffs:
        acc = acc * x + c
    y = s * s + 1.0
    z = y
    for _ in range(4):
        z = z - (z * z - y) / (2.0 * z)
    return acc * z
'''),
    ("running_stats", "x:3,4 running_mean:4 momentum:()", '''
def f(x, running_mean, momentum):
    mean = x.mean(axis=0)
    running_mean = momentum * running_mean + (1 - momentum) * mean
    centered = x - running_mean
    norms = np.linalg.norm(centered, axis=1)
    cs = np.cumsum(norms)
    return cs[-1] * np.diff(cs).sum() + np.concatenate([cs, mean]).sum()
'''),
    ("scalar_math", "x:() y:()", '''
def f(x, y):
    a = math.exp(-x * x) + math.log(1.0 + y * y)
    b = max(a, x) * min(y, 0.5)
    c = abs(b) + math.sqrt(a + 2.0)
    for i in range(3):
        c = c * 0.5 + math.tanh(c + x)
    return c + b
'''),
]

# =========================================================================================
# parameters and inputs
# =========================================================================================

LETTERS = {1: "1", 2: "T", 3: "N", 4: "D", 5: "M", 6: "P", 8: "G"}


class Param:
    def __init__(self, text):
        self.name, _, kind = text.partition(":")
        self.labels = kind.startswith("labels")
        self.text = kind == "str"
        self.config = kind == "cfg"  # a layer's settings: {"mode": "train", "eps": 1e-5, "p": 0.6, "seed": 3}
        if self.text or self.config:
            self.shape = None
        elif self.labels:
            count, _, below = kind[len("labels"):].partition("of")
            self.shape, self.below = tuple(int(n) for n in count.split(",")), int(below)
        elif kind.startswith("int"):
            self.shape, self.value = None, int(kind[3:])
        else:
            self.shape = () if kind == "()" else tuple(int(n) for n in kind.split(","))

    @property
    def declares(self):
        return not self.text and not self.config

    @property
    def differentiated(self):
        return self.shape is not None and not self.labels

    def declared(self, letters):
        """The shape as backgen reads it: "3, 4" or "N, D"; "int 3" for labels; "int" for a count."""
        if self.shape is None:
            return "int"
        if self.labels:
            return "int " + ", ".join(LETTERS.get(n, str(n)) if letters else str(n) for n in self.shape)
        if self.shape == ():
            return "float"
        return ", ".join(LETTERS.get(n, str(n)) if letters else str(n) for n in self.shape)


def draw_inputs(rng, params):
    """Distinct values of magnitude 0.3 to 1.2 with random signs; labels and counts as declared."""
    values, used = [], set()
    for p in params:
        if p.text:
            values.append(rng.choice(["train", "train", "test"]))
        elif p.config:
            values.append({"mode": rng.choice(["train", "train", "test"]), "eps": 1e-5, "p": 0.6,
                           "seed": rng.randrange(100)})
        elif p.shape is None:
            values.append(p.value)
        elif p.labels:
            values.append(np.array([rng.randrange(p.below) for _ in range(int(np.prod(p.shape)))]).reshape(p.shape))
        else:
            size = int(np.prod(p.shape)) if p.shape else 1
            numbers = []
            while len(numbers) < size:
                m = round(0.3 + 0.9 * rng.random(), 4)
                if m not in used:
                    used.add(m)
                    numbers.append(-m if rng.random() < 0.35 else m)
            values.append(float(numbers[0]) if p.shape == () else np.array(numbers).reshape(p.shape))
    return values


class RealProgram(fuzz_programs.Program):
    """A ``fuzz_programs.Program`` whose parameters may be labels, with its way of giving shapes and its idiom."""

    def __init__(self, source, params, args, how, shapes, dout_seed, none_output, idiom, mutations, layer):
        super().__init__("numpy", source, [p.name for p in params], shapes, args, how != "shapes=",
                         dout_seed, none_output)
        self.param_specs, self.how, self.idiom, self.mutations, self.layer = params, how, idiom, mutations, layer

    @property
    def wrt(self):
        return [p.name for p in self.param_specs if p.differentiated]

    def with_source(self, source):
        return RealProgram(source, self.param_specs, self.args, self.how, self.shapes, self.dout_seed,
                           self.none_output, self.idiom, self.mutations, self.layer)

    def describe(self):
        lines = [self.source.rstrip(), "", f"# idiom {self.idiom}, shapes {self.how}, mutations: "
                 f"{', '.join(self.mutations) or 'none'}", "# inputs:"]
        for p, a in zip(self.params, self.args):
            lines.append(f"#   {p} = {fuzz_programs._show(a)}")
        if not self.annotated:
            lines.append(f"# shapes={self.shapes!r}")
        return "\n".join(lines)


# =========================================================================================
# running a candidate
# =========================================================================================


def _runs(source, args):
    """The outputs of ``f`` on copies of ``args`` (a tuple), or None where it fails or is not sane."""
    ns = {"np": np, "math": math}
    try:
        with fuzz_programs._timeout(1), np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "<real mutant>", "exec"), ns)
            out = ns["f"](*fuzz_programs._copy(args))
    except (Exception, fuzz_programs._Timeout):  # noqa: BLE001 - a mutant that does not run (or stop) is taken back
        return None
    return out if isinstance(out, tuple) else (out,)


def _sane_outputs(outs, layer):
    values = outs[:-1] if layer else outs
    return bool(values) and all(fuzz_programs._sane(v) for v in values)


def _is_layer(tree):
    """Whether ``f`` returns ``(..., cache)``: backgen writes ``f_backward(dout, cache)``."""
    fn = _function(tree)
    last = fn.body[-1]
    return isinstance(last, ast.Return) and isinstance(last.value, ast.Tuple) and \
        isinstance(last.value.elts[-1], ast.Name) and last.value.elts[-1].id == "cache"


def _function(tree):
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f"][0]


# =========================================================================================
# mutations: each takes (rng, tree) and edits the tree in place, or returns False
# =========================================================================================

SAFE_UNARY = ["tanh", "sin", "cos", "arctan", "sinh", "square", "abs", "negative", "exp"]
REDUCERS = ["sum", "mean", "max", "min"]
ARITH = [ast.Add, ast.Sub, ast.Mult]


def _blocks(node):
    """Every statement list under ``node`` (function bodies, branches, loop bodies)."""
    found = []
    for n in ast.walk(node):
        for field in ("body", "orelse"):
            block = getattr(n, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.append(block)
    return found


def _nodes(fn, kind):
    return [n for n in ast.walk(fn) if isinstance(n, kind)]


def _array_names(fn):
    """Names assigned (or parameters) in ``fn``, the candidates for aliases, views and writes."""
    names = [a.arg for a in fn.args.args]
    for n in ast.walk(fn):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    names.append(t.id)
    return list(dict.fromkeys(names))


def _stmt(text):
    return ast.parse(text).body


def m_swap_op(rng, fn):
    ops = [n for n in _nodes(fn, (ast.BinOp, ast.AugAssign)) if type(n.op) in ARITH]
    if not ops:
        return False
    node = rng.choice(ops)
    node.op = rng.choice([op for op in ARITH if op is not type(node.op)])()
    return True


def m_swap_function(rng, fn):
    calls = [n for n in _nodes(fn, ast.Call) if isinstance(n.func, ast.Attribute)
             and (n.func.attr in SAFE_UNARY + REDUCERS + ["maximum", "minimum"])]
    if not calls:
        return False
    call = rng.choice(calls)
    attr = call.func.attr
    group = SAFE_UNARY if attr in SAFE_UNARY else REDUCERS if attr in REDUCERS else ["maximum", "minimum"]
    call.func.attr = rng.choice([a for a in group if a != attr])
    return True


def m_axis(rng, fn):
    calls = [n for n in _nodes(fn, ast.Call) if isinstance(n.func, ast.Attribute) and n.func.attr in
             REDUCERS + ["prod", "var", "std"]]
    if not calls:
        return False
    call = rng.choice(calls)
    keywords = {k.arg: k for k in call.keywords}
    choice = rng.randrange(4)
    if choice == 0 and "keepdims" in keywords:
        call.keywords.remove(keywords["keepdims"])
    elif choice == 0:
        call.keywords.append(ast.keyword("keepdims", ast.Constant(True)))
    elif choice == 1 and "axis" in keywords:
        call.keywords.remove(keywords["axis"])
    else:
        axis = ast.Constant(rng.choice([0, 1, -1])) if rng.random() < 0.8 else \
            ast.Tuple([ast.Constant(0), ast.Constant(1)], ast.Load())
        if "axis" in keywords:
            keywords["axis"].value = axis
        else:
            call.keywords.insert(0, ast.keyword("axis", axis))
    return True


ALIAS_WRITES = [
    "{a} = {x}\n{a} *= 1.5",
    "{a} = {x}\n{a}[0] = 0.5",
    "{a} = {x}\n{a}[...] = np.tanh({a})",
    "{a} = {x}[0]\n{a} += 0.5",
    "{a} = {x}[1:]\n{a} *= 2.0",
    "{a} = {x}[:, 1]\n{a} -= {x}[:, 0]",
    "{a} = {x}.T\n{a}[0] += 1.0",
    "{a} = {x}.reshape(-1)\n{a}[1] = {a}[0] * 3.0",
    "{a} = {x}.ravel()\n{a}[:2] *= -1.0",
    "{a} = {x}[::-1]\n{a} += 1.0",
    "{x}[[0, 0]] += 0.5",
    "{x}[[0, 0]] += {x}[1]",
    "{x}[{x} > 0.5] *= 2.0",
    "{x}[{x} < 0] = 0.0",
    "np.add.at({x}, [0, 0], 1.0)",
    "{x} += 0.25",
    "{x} *= {x}",
    "{x}[0], {x}[1] = {x}[1].copy(), {x}[0].copy()",
    "{a} = {x}.copy()\n{a}[0] = 0.0\n{x} = {x} * {a}",
]


def _insert_point(rng, fn):
    """A (block, index) after an assignment to a name, and that name."""
    spots = []
    for block in _blocks(fn):
        for i, s in enumerate(block):
            if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name):
                spots.append((block, i + 1, s.targets[0].id))
    if fn.args.args:
        spots.append((fn.body, _after_docstring(fn), rng.choice(fn.args.args).arg))
    return rng.choice(spots) if spots else None


def _after_docstring(fn):
    first = fn.body[0]
    return 1 if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else 0


def m_alias(rng, fn):
    spot = _insert_point(rng, fn)
    if spot is None:
        return False
    block, i, name = spot
    text = rng.choice(ALIAS_WRITES).format(a=f"{name}_v", x=name)
    block[i:i] = _stmt(text)
    return True


def m_inplace(rng, fn):
    """``a = a OP e`` becomes ``a OP= e`` (or the reverse)."""
    for block in _blocks(fn):
        for i, s in enumerate(block):
            if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.BinOp) \
                    and isinstance(s.value.left, ast.Name) and s.value.left.id == s.targets[0].id \
                    and type(s.value.op) in ARITH + [ast.Div] and rng.random() < 0.6:
                block[i] = ast.AugAssign(s.targets[0], s.value.op, s.value.right)
                return True
            if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name) and rng.random() < 0.4:
                block[i] = ast.Assign([ast.Name(s.target.id, ast.Store())],
                                      ast.BinOp(ast.Name(s.target.id, ast.Load()), s.op, s.value))
                return True
    return False


def _movable(s):
    return not any(isinstance(n, (ast.Return, ast.Break, ast.Continue)) for n in ast.walk(s))


def _some_statements(rng, fn):
    blocks = [b for b in _blocks(fn) if any(_movable(s) for s in b)]
    if not blocks:
        return None
    block = rng.choice(blocks)
    starts = [i for i, s in enumerate(block) if _movable(s) and not (i == 0 and isinstance(s, ast.Expr))]
    if not starts:
        return None
    i = rng.choice(starts)
    j = i + 1
    while j < len(block) and j - i < 3 and _movable(block[j]) and rng.random() < 0.5:
        j += 1
    return block, i, j


def m_loop(rng, fn):
    found = _some_statements(rng, fn)
    if not found:
        return False
    block, i, j = found
    head = rng.choice(["for _k in range(2):", "for _k in range(1):", "_k = 0\nwhile _k < 2:"])
    body = block[i:j] + (_stmt("_k += 1") if "while" in head else [])
    loop = _stmt(head + "\n    pass")
    loop[-1].body = body
    block[i:j] = loop
    return True


def m_branch(rng, fn):
    found = _some_statements(rng, fn)
    if not found:
        return False
    block, i, j = found
    names = [n for n in _array_names(fn) if n in ast.unparse(ast.Module(block[:i], []))
             or n in [a.arg for a in fn.args.args]]
    if not names:
        return False
    name = rng.choice(names)
    test = rng.choice([f"np.sum({name}) > 0", f"{name}.mean() < 0.2", f"np.max({name}) > 1.0"])
    node = _stmt(f"if {test}:\n    pass\nelse:\n    pass")[0]
    node.body = block[i:j]
    node.orelse = copy.deepcopy(block[i:j]) if rng.random() < 0.85 else _stmt("pass")
    if node.orelse and rng.random() < 0.7:
        m_swap_op(rng, ast.Module(node.orelse, [])) or m_swap_function(rng, ast.Module(node.orelse, []))
    block[i:j] = [node]
    return True


def m_reuse_name(rng, fn):
    """A later variable takes the name of an earlier one no longer read."""
    body = fn.body
    for _ in range(6):
        i = rng.randrange(len(body))
        s = body[i]
        if not (isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)):
            continue
        new = s.targets[0].id
        earlier = [t.targets[0].id for t in body[:i] if isinstance(t, ast.Assign) and isinstance(t.targets[0], ast.Name)
                   and t.targets[0].id != new]
        earlier += [a.arg for a in fn.args.args if a.arg != new]
        dead = [e for e in earlier if not any(_reads(e, t) for t in body[i:])]
        if not dead:
            continue
        old = rng.choice(dead)
        for t in body[i:]:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and n.id == new:
                    n.id = old
        return True
    return False


def _reads(name, stmt):
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt))


def m_constant(rng, fn, shapes):
    """One read of an array parameter becomes a constant array of its shape."""
    reads = [n for n in _nodes(fn, ast.Name) if isinstance(n.ctx, ast.Load) and shapes.get(n.id)]
    if not reads:
        return False
    node = rng.choice(reads)
    shape = shapes[node.id]
    size = int(np.prod(shape))
    text = rng.choice([f"np.ones({shape!r})", f"np.arange({float(size)}).reshape({shape!r}) * 0.1",
                       f"np.full({shape!r}, 0.5)"])
    if len(shape) == 1:
        text = rng.choice([f"np.ones({size})", f"np.arange({float(size)}) * 0.1", f"np.linspace(-1.0, 1.0, {size})"])
    new = ast.parse(text, mode="eval").body
    return _replaced(fn, node, new)


def _replaced(fn, node, new):
    """Put ``new`` where ``node`` is in ``fn``'s tree; False if it is not there."""
    for parent in ast.walk(fn):
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, new)
                return True
            if isinstance(value, list) and any(v is node for v in value):
                value[[k for k, v in enumerate(value) if v is node][0]] = new
                return True
    return False


def m_matmul(rng, fn):
    """``a.dot(b)``, ``np.dot(a, b)`` and ``a @ b`` swapped for one another."""
    for n in ast.walk(fn):
        for field, value in list(ast.iter_fields(n)):
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "dot":
                if isinstance(value.func.value, ast.Name) and value.func.value.id == "np" and len(value.args) == 2:
                    a, b = value.args
                else:
                    a, b = value.func.value, value.args[0]
                setattr(n, field, ast.BinOp(a, ast.MatMult(), b))
                return True
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.MatMult):
                setattr(n, field, ast.parse(f"np.dot({ast.unparse(value.left)}, {ast.unparse(value.right)})",
                                            mode="eval").body)
                return True
    return False


def m_early_return(rng, fn):
    last = fn.body[-1]
    if not isinstance(last, ast.Return) or last.value is None:
        return False
    names = [a.arg for a in fn.args.args]
    i = rng.randrange(_after_docstring(fn), len(fn.body))
    if any(isinstance(n, ast.Return) for n in ast.walk(ast.Module(fn.body[i:-1], []))):
        return False
    name = rng.choice(names)
    early = copy.deepcopy(last)
    m_swap_op(rng, ast.Module([early], [])) or m_swap_function(rng, ast.Module([early], []))
    node = _stmt(f"if np.sum({name}) > {rng.choice(['0.0', '1.0', '-1.0'])}:\n    pass")[0]
    node.body = [early]
    # the early return reads what is set before the end: put it just before the final return
    fn.body[-1:-1] = [node]
    return True


def m_duplicate(rng, fn):
    """A statement repeated (an update applied twice, a write done again)."""
    found = _some_statements(rng, fn)
    if not found:
        return False
    block, i, j = found
    block[j:j] = copy.deepcopy(block[i:j])
    return True


WRAPS = ["np.tanh({e})", "({e} * 2.0)", "({e} + 1.0)", "np.cumsum({e}, axis=-1)", "{e}[::-1]", "np.flip({e})",
         "np.maximum({e}, 0.1)", "np.abs({e})", "{e}.clip(-0.5, 0.5)", "np.where({e} > 0, {e}, 0.1 * {e})",
         "({e} / np.linalg.norm({e}))", "({e} - {e}.mean())", "({e} * {e}.sum())", "np.sort({e}, axis=-1)",
         "np.roll({e}, 1)", "{e}.copy()", "np.exp(-{e} ** 2)", "({e} ** 2 + 0.5) ** 0.5", "np.square({e})",
         "({e} / (1.0 + np.abs({e})))", "np.log1p({e} ** 2)", "{e}.T.T", "np.reshape({e}, np.shape({e}))"]


def m_wrap(rng, fn):
    """A read of a name becomes a function of it of the same shape."""
    reads = [n for n in _nodes(fn, ast.Name) if isinstance(n.ctx, ast.Load) and n.id not in ("np", "math", "range")]
    if not reads:
        return False
    node = rng.choice(reads)
    new = ast.parse(rng.choice(WRAPS).format(e=node.id), mode="eval").body
    return _replaced(fn, node, new)


def m_extra_output(rng, fn):
    """A value computed on the way is returned too (its gradient flows back from a second output)."""
    last = fn.body[-1]
    if not isinstance(last, ast.Return) or last.value is None or \
            any(isinstance(n, ast.Return) for s in fn.body[:-1] for n in ast.walk(s)):
        return False
    names = [s.targets[0].id for s in fn.body[:-1] if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)]
    if not names:
        return False
    extra = ast.Name(rng.choice(names), ast.Load())
    values = last.value.elts if isinstance(last.value, ast.Tuple) else [last.value]
    last.value = ast.Tuple(values + [extra], ast.Load())
    return True


def m_extract(rng, fn, tree):
    """An assignment's value moves into a helper function of the names it reads."""
    spots = [(block, i) for block in _blocks(fn) for i, s in enumerate(block)
             if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name) and isinstance(s.value, (ast.BinOp, ast.Call))]
    if not spots:
        return False
    block, i = rng.choice(spots)
    stmt = block[i]
    reads = list(dict.fromkeys(n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name) and
                               isinstance(n.ctx, ast.Load) and n.id not in ("np", "math", "range", "len")))
    if not reads:
        return False
    name = f"_part{sum(isinstance(n, ast.FunctionDef) for n in tree.body)}"
    body = f"    return {ast.unparse(stmt.value)}"
    if rng.random() < 0.4:  # the helper names its result first, or rebinds a parameter
        body = f"    {reads[0]} = {ast.unparse(stmt.value)}\n    return {reads[0]}"
    helper = ast.parse(f"def {name}({', '.join(reads)}):\n{body}\n").body[0]
    tree.body.insert(tree.body.index(fn), helper)
    stmt.value = ast.parse(f"{name}({', '.join(reads)})", mode="eval").body
    return True


MUTATIONS = {
    "extra_output": (m_extra_output, 2), "extract": (m_extract, 3),
    "wrap": (m_wrap, 5),
    "swap_op": (m_swap_op, 4), "swap_function": (m_swap_function, 3), "axis": (m_axis, 3),
    "alias": (m_alias, 6), "inplace": (m_inplace, 2), "loop": (m_loop, 3), "branch": (m_branch, 3),
    "reuse_name": (m_reuse_name, 2), "constant": (m_constant, 2), "matmul": (m_matmul, 1),
    "early_return": (m_early_return, 2), "duplicate": (m_duplicate, 2),
}


def _pick_mutation(rng):
    total = sum(w for _, w in MUTATIONS.values())
    k = rng.randrange(total)
    for name, (fn, weight) in MUTATIONS.items():
        if k < weight:
            return name, fn
        k -= weight
    raise AssertionError("unreachable")


def _shapes_of(params):
    return {p.name: p.shape for p in params if p.differentiated and p.shape}


# =========================================================================================
# building a program
# =========================================================================================


def mutate(rng, source, params, args, count):
    """``source`` after up to ``count`` mutations that keep it running on ``args``; and their names."""
    tree = ast.parse(source)
    layer = _is_layer(tree)
    done = []
    shapes = _shapes_of(params)
    for _ in range(count * 4):
        if len(done) >= count:
            break
        trial = copy.deepcopy(tree)
        fn = _function(trial)
        name, mutation = _pick_mutation(rng)
        try:
            changed = mutation(rng, fn, shapes) if name == "constant" else \
                mutation(rng, fn, trial) if name == "extract" else \
                mutation(rng, fn) if name != "extra_output" or not layer else False
        except (IndexError, ValueError):
            changed = False
        if not changed:
            continue
        ast.fix_missing_locations(trial)
        try:
            text = ast.unparse(trial)
            compile(text, "<mutant>", "exec")
        except (SyntaxError, ValueError):
            continue
        outs = _runs(text, args)
        if outs is None or not _sane_outputs(outs, layer) or _is_layer(trial) != layer:
            continue
        tree = trial
        done.append(name)
    return ast.unparse(tree), done


def _with_annotations(source, params, letters):
    tree = ast.parse(source)
    fn = _function(tree)
    by_name = {p.name: p for p in params}
    for a in fn.args.args:
        p = by_name.get(a.arg)
        if p is not None and p.declares:
            declared = p.declared(letters)
            a.annotation = ast.Name(declared) if declared in ("int", "float") else ast.Constant(declared)
    return ast.unparse(tree)


def _with_docstring(source, params, letters):
    tree = ast.parse(source)
    fn = _function(tree)
    lines = ["Forward pass.", "", "Inputs:"]
    for p in params:
        if p.text:
            lines.append(f"- {p.name}: 'train' or 'test'")
        elif p.config:
            lines.append(f"- {p.name}: Dictionary with the keys mode ('train' or 'test'), eps, p and seed")
        elif p.shape is None:
            lines.append(f"- {p.name}: (int) a count")
        elif p.labels:
            comma = "," if len(p.shape) == 1 else ""
            lines.append(f"- {p.name}: Integer array of labels, of shape ({p.declared(letters)[4:]}{comma})")
        elif p.shape == ():
            lines.append(f"- {p.name}: (float) a number")
        else:
            dims = p.declared(letters)
            lines.append(f"- {p.name}: A numpy array of shape ({dims}{',' if len(p.shape) == 1 else ''})")
    doc = ast.Expr(ast.Constant("\n    ".join(lines) + "\n    "))
    if _after_docstring(fn):
        fn.body[0] = doc
    else:
        fn.body.insert(0, doc)
    return ast.unparse(tree)


HEADER = "import math\n\nimport numpy as np\n\n\n"


def build(seed, index):
    """Program ``index`` of ``seed``: an idiom, mutated, with its inputs and a way of giving shapes."""
    rng = random.Random(f"{seed}:{index}")
    name, spec, source = rng.choice(IDIOMS)
    params = [Param(t) for t in spec.split()]
    args = draw_inputs(rng, params)
    source = source.strip() + "\n"
    count = rng.choice([0, 1, 1, 2, 2, 3, 4])
    source, done = mutate(rng, source, params, args, count)
    how = rng.choice(["annotations", "annotations", "docstring", "shapes=", "none", "none"])
    letters = rng.random() < 0.3
    if how == "none" and "np." not in source:  # code of no NumPy call is scalar code: arrays need shapes given
        how = "shapes="
    if how == "annotations":
        source = _with_annotations(source, params, letters)
    elif how == "docstring":
        source = _with_docstring(source, params, letters)
    shapes = {p.name: p.declared(letters) for p in params if p.declares}
    source = HEADER + source.strip() + "\n"
    outs = _runs(source, args) or ()
    layer = _is_layer(ast.parse(source))
    nouts = len(outs) - (1 if layer else 0)
    none_output = rng.randrange(nouts) if nouts > 1 and rng.random() < 0.15 else None
    return RealProgram(source, params, args, how, shapes, rng.randrange(2 ** 16), none_output, name, done, layer)


# =========================================================================================
# the oracle
# =========================================================================================


def check(program, timeout=None):
    """``fuzz_programs.check``, or for a layer returning ``(out, cache)`` the same checks on its backward,
    then (where that is right) on the backward of a function of the arrays calling the layer (``as_arrays``),
    at the inputs and, for a layer reading a mode, in the other mode (whose path may build no cache)."""
    if not program.layer:
        return _documented(fuzz_programs.check(program, timeout=timeout))
    try:
        with fuzz_programs._timeout(timeout):
            outcome = _documented(_check_layer(program))
    except fuzz_programs._Timeout as exc:
        outcome = Outcome("crashed", f"{program.describe()}\n\ntimeout: {exc}", "timeout")
    for variant in as_arrays(program) if outcome.kind == "ok" else ():
        found = _documented(fuzz_programs.check(variant, timeout=timeout))
        if found.kind in ("wrong", "crashed"):
            return Outcome(found.kind, "# the layer called by a function of its arrays:\n" + found.message,
                           "as arrays: " + (found.category or ""))
    return outcome


def _documented(outcome):
    """``outcome``, or refused where a shape-generic backward stopped as documented: with the ``ValueError``
    of its loop guards (a carried value changing shape at other ranks) or the ``TypeError`` of its rank
    checks (written for numbers, or the ranks the samples allowed, given others)."""
    if outcome.kind == "crashed" and outcome.category == "backward raises ValueError" and \
            "changes shape in this loop" in outcome.message and "regenerate it with the shapes given" in outcome.message:
        return Outcome("refused", outcome.message)
    if outcome.kind == "crashed" and outcome.category == "backward raises TypeError" and \
            "generate it with their shapes given" in outcome.message:
        return Outcome("refused", outcome.message)
    return outcome


def as_arrays(program):
    """For a layer ``f`` returning ``(out, cache)``: the programs ``f`` of the same parameters (annotations and
    docstring too) calling the layer, renamed ``f_layer``, and returning its outputs alone, whose backward takes
    the arrays; at the layer's inputs, and where it reads a mode (a ``mode`` string, or a dict's ``"mode"``)
    at the other mode too."""
    tree = ast.parse(program.source)
    layer = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "f"), None)
    returned = [node.value for node in ast.walk(layer) if isinstance(node, ast.Return)] if layer else []
    if not returned or not all(isinstance(value, ast.Tuple) and len(value.elts) == len(returned[0].elts)
                               for value in returned) or any(arg.arg == "f_layer" for arg in layer.args.args):
        return []
    outs = [f"o{k}" for k in range(len(returned[0].elts) - 1)]
    lines = program.source.splitlines()
    head = "\n".join(lines[layer.lineno - 1:layer.body[0].lineno - 1])  # the def line(s)
    doc = ast.get_docstring(layer, clean=False)
    params = ", ".join(arg.arg for arg in layer.args.args)
    wrapper = head + "\n" + (f'    """{doc}"""\n' if doc is not None else "") + \
        f"    {', '.join(outs)}, cache = f_layer({params})\n    return {', '.join(outs)}\n"
    renamed = program.source.replace("def f(", "def f_layer(", 1).rstrip() + "\n\n\n" + wrapper
    made = [program.with_source(renamed)]

    def other(value):
        if isinstance(value, str) and value in ("train", "test"):
            return "test" if value == "train" else "train"
        if isinstance(value, dict) and value.get("mode") in ("train", "test"):
            return dict(value, mode=other(value["mode"]))
        return value
    flipped = [other(a) for a in program.args]
    if any(a is not b for a, b in zip(flipped, program.args)):
        made.append(RealProgram(renamed, program.param_specs, flipped, program.how, program.shapes,
                                program.dout_seed, program.none_output, program.idiom, program.mutations, False))
    for variant in made:
        variant.layer = False
    return made


def _frozen(value):
    """A copy of ``value``'s arrays (in tuples and lists) that a write into raises."""
    if isinstance(value, np.ndarray):
        copy = value.copy()
        copy.flags.writeable = False
        return copy
    if isinstance(value, (tuple, list)):
        return type(value)(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _same_cache(before, after):
    """Whether ``after`` holds what ``before`` does, in tuples, lists and dicts alike."""
    if isinstance(before, (tuple, list)):
        return type(after) is type(before) and len(after) == len(before) and \
            all(_same_cache(a, b) for a, b in zip(before, after))
    if isinstance(before, dict):
        return isinstance(after, dict) and after.keys() == before.keys() and \
            all(_same_cache(before[k], after[k]) for k in before)
    return fuzz_programs._same(before, after)


def _check_layer(program):
    started = fuzz_programs.generated(program, lambda outs: _sane_outputs(outs, True))
    if isinstance(started, Outcome):
        return started
    run, outs, backward, text, fail = started
    douts = fuzz_programs._douts(program, outs[:-1]) + [None]
    given = fuzz_programs._copy(douts[:-1])
    cache = run(program.args)[-1]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            held = _frozen(cache)
            grads = backward(*given, held)
    except ValueError as exc:
        if "read-only" in str(exc):
            return fail("wrong", "backward writes into the cache", f"the backward wrote into its cache: {exc}", text)
        return fail("crashed", "backward raises ValueError", f"ValueError: {exc}", text)
    except Exception as exc:  # noqa: BLE001
        return fail("crashed", f"backward raises {type(exc).__name__}", f"{type(exc).__name__}: {exc}", text)
    if not all(fuzz_programs._same(a, b) for a, b in zip(douts[:-1], given)):
        return fail("wrong", "backward modifies a dout", "the backward modified a dout", text)
    if not _same_cache(cache, held):
        return fail("wrong", "backward writes into the cache", "the backward changed what its cache holds", text)
    return fuzz_programs.compared_with_differences(program, run, grads, douts, text, fail)

