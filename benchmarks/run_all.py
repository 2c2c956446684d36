"""Every speed benchmark of backgen in one process: generated backward against hand-written code and peers.

Each workload is differentiated by

* hand-written NumPy (or plain Python) code in the style of the seed document
  and Stanford CS231n: the forward pass, then the backward pass reading what
  the forward kept;
* the function backgen generates (``backgen.api.compile_backward``), called
  raw as ``fn(*args[, dout])``; it runs the forward values its backward needs;
* peers, each only when installed (``pip install -e ".[bench]"`` brings
  autograd; JAX and PyTorch are left to you): ``autograd.grad``, ``jax.grad``
  eager and under ``jax.jit`` (float64 on the CPU, waited for with
  ``block_until_ready``), and PyTorch eager autograd on float64 CPU tensors.
  For an array output every method computes the same vector-Jacobian product
  with one fixed upstream gradient.

The workloads: the seed's scalar examples (circuit, neuron, staged f, max
gate); ||Wx||^2 at n = 2 and n = 512; the seed's two-layer sigmoid net
(N, D_in, H, D_out = 64, 1000, 100, 10); a CIFAR-10-shaped two-layer ReLU net
with a softmax loss (N, D, H, C = 256, 3072, 100, 10) against CS231n's
``affine``/``relu``/``softmax_loss`` backward; batch normalization in training
mode (256 x 1024) against CS231n's staged ``batchnorm_backward``; and, when
``benchmarks/bench_loops.py`` is present, its loop workloads (RNN and LSTM over
time, naive max pooling, ``svm_loss_naive``, a scalar loop of 1,000 steps).
Those forwards write into arrays in place, which autograd and JAX cannot
differentiate, so the peers run the RNN, LSTM and SVM loss written with the
steps collected in a list and stacked (max pooling has no peer form).  Last, when
``benchmarks/bench_layers.py`` is present, its table of CS231n-style layers (the
generated ``*_backward(dout, cache)`` against a hand-written one reading the same cache).

Every gradient is checked against the hand-written one before anything is
timed (a disagreement stops the run with exit status 1).  Times are medians
over interleaved rounds (each round calls every method of one workload in
turn, so a busy spell of the machine slows them alike); each ratio is the
median of the per-round ratios to the hand-written time; ``--clock cpu``
measures the process's CPU time instead of the wall clock, which a busy
machine disturbs less.  ``fwd`` is the
forward alone, ``mem`` the peak memory ``tracemalloc`` sees during one call of
the generated backward over that of the hand-written one (NumPy reports its
arrays to tracemalloc; peers' memory is not measured).

BLAS runs single-threaded unless ``--threads N`` says otherwise: the thread
variables (OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, OMP_NUM_THREADS, and
XLA's intra-op flag for JAX) are set before NumPy is imported, unless already
set in the environment; PyTorch gets ``torch.set_num_threads``.

Run:  python benchmarks/run_all.py [--quick] [--seconds S] [--threads N] [--clock cpu] [--only TEXT] [--no-loops]
      [--no-layers]
"""

import os
import sys

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def _threads_option(argv):
    """The value of ``--threads`` in ``argv``, read before argparse so that it acts before NumPy loads."""
    for k, arg in enumerate(argv):
        if arg == "--threads" and k + 1 < len(argv):
            return argv[k + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return None


def _pin_threads(argv):
    threads = _threads_option(argv)
    for variable in THREAD_VARIABLES:
        if threads is not None:
            os.environ[variable] = threads
        else:
            os.environ.setdefault(variable, "1")
    if (threads or os.environ["OPENBLAS_NUM_THREADS"]) == "1":
        os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")


_pin_threads(sys.argv[1:])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402

import numpy as np  # noqa: E402

from backgen.api import compile_backward  # noqa: E402

import bench_numpy  # noqa: E402
import bench_scalar  # noqa: E402
from timing import duration, median_times, peak_memory  # noqa: E402

try:
    import bench_loops
except ImportError:
    bench_loops = None

try:
    import bench_layers
except ImportError:
    bench_layers = None

try:
    import autograd
    import autograd.numpy as anp
except ImportError:
    autograd = anp = None

try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)  # float64, like the NumPy code
    jax.config.update("jax_platforms", "cpu")  # the same processor as the NumPy code
except (ImportError, AttributeError):
    jax = jnp = None

try:
    import torch
except ImportError:
    torch = None


# --- workloads of this file: forwards as a user writes them, and hand-written backward -----------

def two_layer_softmax(X, y, W1, b1, W2, b2):
    h = np.maximum(0, X.dot(W1) + b1)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = X.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    return loss


def two_layer_softmax_hand(X, y, W1, b1, W2, b2):
    """CS231n's affine_relu_forward, affine_forward and softmax_loss, then their backward."""
    a = X.dot(W1) + b1
    h = np.maximum(0, a)
    scores = h.dot(W2) + b2
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    probs = np.exp(log_probs)
    N = X.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dscores /= N
    dW2 = h.T.dot(dscores)
    db2 = np.sum(dscores, axis=0)
    dh = dscores.dot(W2.T)
    da = dh * (a > 0)
    dW1 = X.T.dot(da)
    db1 = np.sum(da, axis=0)
    return dW1, db1, dW2, db2


def batchnorm(x, gamma, beta):
    eps = 1e-5
    mu = np.mean(x, axis=0)
    xmu = x - mu
    var = np.mean(xmu ** 2, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    return out


def batchnorm_hand(x, gamma, beta, dout):
    """CS231n's batchnorm_forward (train mode) and its staged batchnorm_backward."""
    eps = 1e-5
    N, D = x.shape
    mu = 1. / N * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu ** 2
    var = 1. / N * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1. / sqrtvar
    xhat = xmu * ivar
    gammax = gamma * xhat
    out = gammax + beta
    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma
    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1. / (sqrtvar ** 2) * divar
    dvar = 0.5 * 1. / np.sqrt(var + eps) * dsqrtvar
    dsq = 1. / N * np.ones((N, D)) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1. / N * np.ones((N, D)) * dmu
    dx = dx1 + dx2
    return dx, dgamma, dbeta


# --- the same forwards for the peers ---------------------------------------------------------------
# ``xp`` is autograd.numpy or jax.numpy; autograd's boxes have no .dot method, so ``@``.

def wx_norm_xp(xp, W, x):
    return xp.sum(xp.square(W @ x), axis=0)


def two_layer_xp(xp, x, y, w1, w2):
    h = 1 / (1 + xp.exp(-(x @ w1)))
    return xp.square(h @ w2 - y).sum()


def two_layer_softmax_xp(xp, X, y, W1, b1, W2, b2):
    h = xp.maximum(0, X @ W1 + b1)
    scores = h @ W2 + b2
    shifted = scores - xp.max(scores, axis=1, keepdims=True)
    log_probs = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))
    N = X.shape[0]
    return -xp.sum(log_probs[xp.arange(N), y]) / N


def batchnorm_xp(xp, x, gamma, beta):
    mu = xp.mean(x, axis=0)
    xmu = x - mu
    var = xp.mean(xmu ** 2, axis=0)
    return gamma * (xmu / xp.sqrt(var + 1e-5)) + beta


def wx_norm_torch(W, x):
    return torch.sum(torch.square(W @ x), dim=0)


def two_layer_torch(x, y, w1, w2):
    h = torch.sigmoid(x @ w1)
    return torch.square(h @ w2 - y).sum()


def two_layer_softmax_torch(X, y, W1, b1, W2, b2):
    h = torch.clamp(X @ W1 + b1, min=0)
    log_probs = torch.log_softmax(h @ W2 + b2, dim=1)
    return -log_probs[torch.arange(X.shape[0]), y].sum() / X.shape[0]


def batchnorm_torch(x, gamma, beta):
    mu = x.mean(dim=0)
    var = ((x - mu) ** 2).mean(dim=0)
    return gamma * ((x - mu) / torch.sqrt(var + 1e-5)) + beta


def _swapped(func, name, module):
    """``func`` with the global ``name`` (``math`` or ``np``) meaning ``module``."""
    return types.FunctionType(func.__code__, {**func.__globals__, name: module}, func.__name__)


class Workload:
    """One thing to differentiate, with everything that differentiates it.

    ``hand(*args[, dout])`` returns the gradients in ``wrt`` order; ``xp_forward(xp, *args)`` and
    ``torch_forward(*args)`` are the forward for the peers (None: none given, the peers are skipped);
    ``dout`` is the upstream gradient of an array output (None: the output is a number).
    """

    def __init__(self, name, forward, hand, args, wrt=None, dout=None, xp_forward=None, torch_forward=None,
                 scalar=False, backward=None):
        self.name, self.forward, self.hand, self.args = name, forward, hand, args
        self.wrt = wrt or tuple(forward.__code__.co_varnames[:forward.__code__.co_argcount])
        self.dout, self.scalar, self.backward = dout, scalar, backward
        if scalar:  # plain Python with math: the peers run the same function with math swapped
            self.xp_forward = lambda xp, *a: _swapped(forward, "math", xp)(*a)
            self.torch_forward = _swapped(forward, "math", torch) if torch is not None else None
        else:
            self.xp_forward, self.torch_forward = xp_forward, torch_forward

    def extra(self):
        return () if self.dout is None else (self.dout,)

    def generated(self):
        """The generated backward as a function of ``args``."""
        if self.backward is not None:
            return self.backward
        if self.scalar:
            function = compile_backward(self.forward)[0]
        else:
            function = compile_backward(self.forward, wrt=self.wrt, args=self.args)[0]
        extra = self.extra()
        return (lambda *a: function(*a, *extra)) if extra else function

    def hand_call(self):
        extra = self.extra()
        return (lambda *a: self.hand(*a, *extra)) if extra else self.hand

    def positions(self):
        names = self.forward.__code__.co_varnames
        return tuple(names.index(name) for name in self.wrt)


def own_workloads(quick):
    """The seed's scalar examples and the NumPy workloads, smaller with ``quick``."""
    found = [Workload(f"scalar {func.__name__}", func, hand, args, scalar=True)
             for func, hand, args in bench_scalar.EXAMPLES]
    rng = np.random.default_rng(0)
    wx, net, _ = bench_numpy.seed_arrays()
    for n in (2, 64 if quick else 512):
        args = wx if n == 2 else (rng.standard_normal((n, n)), rng.standard_normal((n, 1)))
        found.append(Workload(f"wx_norm n={n}", bench_numpy.wx_norm, bench_numpy.wx_norm_hand, args,
                              xp_forward=wx_norm_xp, torch_forward=wx_norm_torch))
    if quick:
        net = tuple(a[:8] if k < 2 else a for k, a in enumerate(net))
    found.append(Workload(f"seed two_layer N={net[0].shape[0]}", bench_numpy.two_layer,
                          bench_numpy.two_layer_hand, net, wrt=("w1", "w2"),
                          xp_forward=two_layer_xp, torch_forward=two_layer_torch))
    N, D, H, C = (16, 96, 20, 10) if quick else (256, 3072, 100, 10)
    cifar = (rng.standard_normal((N, D)), rng.integers(0, C, N), rng.standard_normal((D, H)) * 1e-2,
             rng.standard_normal(H) * 1e-2, rng.standard_normal((H, C)) * 1e-2, rng.standard_normal(C) * 1e-2)
    found.append(Workload(f"softmax_net {N}x{D},H={H},C={C}", two_layer_softmax, two_layer_softmax_hand,
                          cifar, wrt=("W1", "b1", "W2", "b2"),
                          xp_forward=two_layer_softmax_xp, torch_forward=two_layer_softmax_torch))
    N, D = (16, 32) if quick else (256, 1024)
    bn = (rng.standard_normal((N, D)) * 2 + 1, rng.standard_normal(D), rng.standard_normal(D))
    found.append(Workload(f"batchnorm {N}x{D}", batchnorm, batchnorm_hand, bn,
                          dout=rng.standard_normal((N, D)),
                          xp_forward=batchnorm_xp, torch_forward=batchnorm_torch))
    return found


# The loop workloads' forwards write into arrays in place, which autograd and JAX cannot
# differentiate: the peers run these forms, which collect the steps in a list and stack them.

def rnn_loss_xp(xp, x, h0, Wx, Wh, b):
    steps, prev_h = [], h0
    for t in range(x.shape[1]):
        prev_h = xp.tanh(x[:, t, :] @ Wx + prev_h @ Wh + b)
        steps.append(prev_h)
    h = xp.stack(steps, axis=1)
    return xp.sum(h * h)


def lstm_loss_xp(xp, x, h0, Wx, Wh, b):
    H = h0.shape[1]
    steps, prev_h, prev_c = [], h0, 0.0 * h0
    for t in range(x.shape[1]):
        a = x[:, t, :] @ Wx + prev_h @ Wh + b
        i = 1 / (1 + xp.exp(-a[:, :H]))
        f = 1 / (1 + xp.exp(-a[:, H:2 * H]))
        o = 1 / (1 + xp.exp(-a[:, 2 * H:3 * H]))
        g = xp.tanh(a[:, 3 * H:])
        prev_c = f * prev_c + i * g
        prev_h = o * xp.tanh(prev_c)
        steps.append(prev_h)
    h = xp.stack(steps, axis=1)
    return xp.sum(h * h)


def svm_loss_naive_xp(xp, W, X, y, reg):
    loss = 0.0
    for i in range(X.shape[0]):
        scores = X[i] @ W
        correct_class_score = scores[y[i]]
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss = loss + margin
    return loss / X.shape[0] + reg * xp.sum(W * W)


# what each loop workload's forward differentiates, and its form for the peers (by the forward's name)
LOOP_WRT = {"svm_loss_naive": ("W",), "max_pool_forward_naive": ("x",)}
LOOP_PEER_FORMS = {"rnn_loss": rnn_loss_xp, "lstm_loss": lstm_loss_xp, "svm_loss_naive": svm_loss_naive_xp}


def torch_as_xp():
    """The few functions the peer forms use, spelled with torch."""
    return types.SimpleNamespace(tanh=torch.tanh, exp=torch.exp, sum=torch.sum,
                                 stack=lambda steps, axis: torch.stack(steps, dim=axis))


def loop_workloads(quick):
    """The workloads of ``bench_loops.py``, with its generated functions, or None without that file
    (or when it offers no ``workloads``/``generated``: then its own table follows this one)."""
    if bench_loops is None or not all(hasattr(bench_loops, name) for name in ("workloads", "generated")):
        return None
    found = []
    for name, forward, hand, args, _against in bench_loops.workloads(quick):
        backward = bench_loops.generated(forward, args, False)
        wrt = LOOP_WRT.get(forward.__name__)
        form = LOOP_PEER_FORMS.get(forward.__name__)
        if "math" in forward.__code__.co_names:  # plain Python: the peers run it with math swapped
            found.append(Workload(name, forward, hand, args, wrt=wrt, scalar=True, backward=backward))
        elif form is not None:
            torch_form = (lambda *a, form=form: form(torch_as_xp(), *a)) if torch is not None else None
            found.append(Workload(name, forward, hand, args, wrt=wrt, backward=backward,
                                  xp_forward=form, torch_forward=torch_form))
        else:
            found.append(Workload(name, forward, hand, args, wrt=wrt, backward=backward))
    return found


# --- peers -------------------------------------------------------------------------------------------

def _objective(workload, forward, total):
    """A number whose gradient is the workload's vector-Jacobian product."""
    dout = workload.dout
    if dout is None:
        return lambda *a: total(forward(*a))
    return lambda *a: total(forward(*a) * dout_as(a[0], dout))


def dout_as(like, dout):
    if torch is not None and isinstance(like, torch.Tensor):
        return torch.as_tensor(dout)
    if jnp is not None and type(like).__module__.startswith("jax"):
        return jnp.asarray(dout)
    return dout


def autograd_method(workload):
    forward = lambda *a: workload.xp_forward(anp, *a)  # noqa: E731
    grad = autograd.grad(_objective(workload, forward, anp.sum), argnum=workload.positions())
    return grad, workload.args


def _jax_args(workload):
    if workload.scalar:
        return workload.args
    return tuple(jnp.asarray(a) for a in workload.args)


def _jax_grad(workload):
    forward = lambda *a: workload.xp_forward(jnp, *a)  # noqa: E731
    return jax.grad(_objective(workload, forward, jnp.sum), argnums=workload.positions())


def _waited(grad):
    return lambda *a: tuple(g.block_until_ready() for g in grad(*a))


def jax_method(workload):
    return _waited(_jax_grad(workload)), _jax_args(workload)


def jax_jit_method(workload):
    return _waited(jax.jit(_jax_grad(workload))), _jax_args(workload)


def torch_method(workload):
    positions = workload.positions()
    tensors = []
    for k, a in enumerate(workload.args):
        if isinstance(a, np.ndarray) and a.dtype.kind in "iub":
            tensors.append(torch.as_tensor(a))
        else:
            tensors.append(torch.tensor(a, dtype=torch.float64, requires_grad=k in positions))
    objective = _objective(workload, workload.torch_forward, torch.sum)

    def grad(*a):
        wanted = [a[k] for k in positions]
        found = torch.autograd.grad(objective(*a), wanted, allow_unused=True)  # max() uses one argument
        return tuple(torch.zeros_like(w) if g is None else g for w, g in zip(wanted, found))

    return grad, tuple(tensors)


PEERS = [  # column label, module (None: not installed), maker of (gradient function, its arguments)
    ("autograd", autograd, autograd_method),
    ("jax", jax, jax_method),
    ("jax.jit", jax, jax_jit_method),
    ("torch", torch, torch_method),
]


def as_numpy(value):
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().numpy()
    return np.asarray(value, dtype=float)


def agree(got, want):
    got = got if isinstance(got, (tuple, list)) else (got,)
    want = want if isinstance(want, (tuple, list)) else (want,)
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        g, w = as_numpy(g), as_numpy(w)
        if g.shape != w.shape or not np.allclose(g, w, rtol=1e-7, atol=1e-10):
            return False
    return True


# --- measurement -------------------------------------------------------------------------------------

def measure(workload, peers, options, notes):
    """The table row of one workload, or exit 1 when the generated gradient is wrong."""
    generated, hand = workload.generated(), workload.hand_call()
    want, got = hand(*workload.args), generated(*workload.args)
    if not agree(got, want):
        raise SystemExit(f"{workload.name}: the generated gradient disagrees with the hand-written one")
    calls = [(hand, workload.args), (generated, workload.args), (workload.forward, workload.args)]
    columns = []
    for label, make in peers:
        if workload.xp_forward is None and workload.torch_forward is None:
            columns.append(None)
            continue
        if label == "torch" and workload.torch_forward is None:
            columns.append(None)
            continue
        try:
            grad, args = make(workload)
            if not agree(grad(*args), want):  # also compiles jax.jit's function
                notes.append(f"{label} disagrees with the hand-written gradient on {workload.name}")
                columns.append(None)
                continue
        except Exception as exc:  # peers are reference points: report, don't stop
            notes.append(f"{label} failed on {workload.name}: {type(exc).__name__}: {str(exc)[:120]}")
            columns.append(None)
            continue
        columns.append(len(calls))
        calls.append((grad, args))
    times, ratios = median_times(calls, options.seconds, options.sample, options.clock)
    memory = peak_memory(generated, workload.args) / max(peak_memory(hand, workload.args), 1)
    row = (f"{workload.name:<34} {duration(times[0])} {duration(times[1])} {ratios[1]:8.2f} "
           f"{duration(times[2])} {times[1] / times[2]:8.2f} {memory:6.2f}")
    for column in columns:
        row += f" {'-':>8} {'':>8}" if column is None else f" {duration(times[column])} {ratios[column]:8.2f}"
    return row, ratios[1]


def header(peers):
    line = (f"{'workload':<34} {'hand':>8} {'gen':>8} {'gen/hand':>8} {'fwd':>8} {'gen/fwd':>8} "
            f"{'mem':>6}")
    for label, _ in peers:
        line += f" {label:>8} {label[:3] + '/hand':>8}"
    return line


def blas_line():
    pinned = ", ".join(f"{name}={os.environ[name]}" for name in THREAD_VARIABLES)
    line = f"NumPy {np.__version__}; BLAS threads: {pinned}"
    try:
        import threadpoolctl
    except ImportError:
        return line
    found = [f"{pool['internal_api']} {pool['num_threads']}"
             for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    return f"{line} ({', '.join(found)})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and short timing, to try the command")
    parser.add_argument("--seconds", type=float, default=None, help="time spent on each workload (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default 1)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time by the wall clock (default) or by this process's CPU time, "
                             "steadier on a busy machine")
    parser.add_argument("--only", metavar="TEXT", help="only the workloads whose name contains TEXT")
    parser.add_argument("--no-loops", action="store_true", help="leave out the loop workloads of bench_loops.py")
    parser.add_argument("--no-layers", action="store_true", help="leave out the layers of bench_layers.py")
    options = parser.parse_args(argv)
    if options.seconds is None:
        options.seconds = 0.0 if options.quick else 2.0
    options.sample = 0.002 if options.quick else 0.05  # seconds of one timed sample
    options.clock = time.process_time if options.clock == "cpu" else time.perf_counter
    if torch is not None:
        torch.set_num_threads(options.threads or int(os.environ["OMP_NUM_THREADS"]))

    peers = [(label, make) for label, module, make in PEERS if module is not None]
    print(blas_line())
    clock = "CPU time of this process" if options.clock is time.process_time else "wall clock"
    print(f"times ({clock}) are medians; ratios are medians of per-round ratios to hand; "
          "gen/fwd = gen over the forward alone; mem = peak memory gen/hand")
    workloads = own_workloads(options.quick)
    loops = None if options.no_loops else loop_workloads(options.quick)
    if loops is not None:
        workloads += loops
    if options.only:
        workloads = [w for w in workloads if options.only in w.name]
    title = header(peers)
    print(title)
    print("-" * len(title))
    notes, ratios = [], {}
    for workload in workloads:
        row, ratios[workload.name] = measure(workload, peers, options, notes)
        print(row, flush=True)
    for note in notes:
        print("note:", note)
    if loops is not None and peers:
        print("note: the peers run the RNN, LSTM and SVM loss with the steps collected in a list "
              "(autograd and JAX cannot differentiate a write into an array); max pooling has no peer form")
    if loops is None and not options.no_loops:
        if bench_loops is None:
            print("note: benchmarks/bench_loops.py not found: no loop workloads")
        else:  # its workloads in a form this file does not know: its own table, in this process
            print("\nloop workloads (bench_loops.py):", flush=True)
            saved = sys.argv
            sys.argv = ["bench_loops.py"] + (["--quick"] if options.quick else [])
            try:
                bench_loops.main()
            finally:
                sys.argv = saved
    if bench_layers is not None and not options.no_layers:
        print("\nCS231n-style layers (bench_layers.py): the generated backward(dout, cache) against a "
              "hand-written one reading the same cache; a loss from its inputs", flush=True)
        ratios.update(bench_layers.report(options.quick, options.seconds / 2, options.clock, options.only,
                                          out=lambda line: print(line, flush=True)))
    missing = [label for label, module, _ in PEERS if module is None]
    if missing:
        print(f"not installed: {', '.join(missing)}")
    if ratios:
        worst = max(ratios, key=ratios.get)
        print(f"worst gen/hand: {ratios[worst]:.2f} ({worst})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
