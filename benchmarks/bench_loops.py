"""Speed and memory of backgen's backward functions for loops, against hand-written code.

Each workload runs in this one process, side by side:

* ``rnn T=...``: a CS231n ``rnn_forward`` over time (``h[:, t, :] = next_h``) with
  the loss ``np.sum(h * h)``, (N, D, H) = (64, 128, 128) at T = 25, 50, 100 and
  (32, 64, 64) at T = 400; hand-written: CS231n's ``rnn_forward`` keeping a cache
  per step, then ``rnn_backward`` reading it.
* ``lstm T=...``: an LSTM over time with the same loss, (N, D, H) = (32, 64, 64);
  hand-written in CS231n's style, with a cache per step.
* ``max_pool_naive``, ``conv_naive``, ``svm_loss_naive``: CS231n's naive loops as a
  student writes them, read from generated_examples/cs231n_student.py (four nested
  loops over (8, 16, 32, 32) for the pool, 2 x 2 windows; over (4, 8, 32, 32) for
  the convolution of x (4, 3, 32, 32) with 8 filters 3 x 3, pad 1; N, D, C = 500,
  3073, 10 for the SVM loss, its gradient for W alone as CS231n asks): the
  generated backward against the forward alone, and against the hand-written
  naive backward (CS231n's ``max_pool_backward_naive`` and ``conv_backward_naive``
  from x and dout, or ``svm_loss_naive`` computing the loss and its gradient).
  None of these backwards runs the forward first.
* ``scalar loop``: 1,000 iterations of ``x = math.tanh(w * x + 0.5)``.

It prints the median time of each function (the repeats of one workload are
interleaved, so a busy spell slows them alike), the ratio generated/hand, and
the peak memory that ``tracemalloc`` sees during one call (NumPy reports its
arrays to it), with that ratio.  The time ratios come from ``timing.median_times``: gen/hand is
the median of the ratios within each round, gen/fwd that median over the forward's (its time
over the hand-written one's, within each round).  Every generated gradient is checked against
the hand-written one before timing.  BLAS runs single-threaded (the thread
variables default to 1 unless set), so the matrix products time alike in
every function.  This is a report, not a test: it exits 0.

Run:  python benchmarks/bench_loops.py [--quick] [--recompute] [--clock cpu]
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import importlib.util  # noqa: E402
import pathlib  # noqa: E402

import numpy as np  # noqa: E402

from backgen.api import compile_backward  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from timing import median_times, peak_memory  # noqa: E402

# CS231n's naive loops as a student writes them: the one copy, generated_examples/cs231n_student.py
_STUDENT = pathlib.Path(__file__).resolve().parent.parent / "generated_examples" / "cs231n_student.py"
_spec = importlib.util.spec_from_file_location("cs231n_student", _STUDENT)
student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student)
max_pool_forward_naive = student.max_pool_forward_naive  # returns (out, cache)
conv_forward_naive = student.conv_forward_naive  # returns (out, cache)
svm_loss_naive = student.svm_loss_naive


# --- forward functions, as a user writes them ----------------------------------

def rnn_loss(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    for t in range(T):
        next_h = np.tanh(x[:, t, :] @ Wx + prev_h @ Wh + b)
        h[:, t, :] = next_h
        prev_h = next_h
    return np.sum(h * h)


def lstm_loss(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h = h0
    prev_c = np.zeros_like(h0)
    for t in range(T):
        a = x[:, t, :] @ Wx + prev_h @ Wh + b
        i = 1 / (1 + np.exp(-a[:, :H]))
        f = 1 / (1 + np.exp(-a[:, H:2 * H]))
        o = 1 / (1 + np.exp(-a[:, 2 * H:3 * H]))
        g = np.tanh(a[:, 3 * H:])
        next_c = f * prev_c + i * g
        next_h = o * np.tanh(next_c)
        h[:, t, :] = next_h
        prev_h = next_h
        prev_c = next_c
    return np.sum(h * h)


def scalar_loop(x, w):
    for i in range(1000):
        x = math.tanh(w * x + 0.5)
    return x


# --- hand-written forward + backward -------------------------------------------

def rnn_hand(x, h0, Wx, Wh, b):
    """CS231n's rnn_forward / rnn_backward, the step functions inlined."""
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h = np.tanh(x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b)
        cache.append((x[:, t, :], prev_h, Wx, Wh, next_h))
        h[:, t, :] = next_h
        prev_h = next_h
    loss = np.sum(h * h)
    dh = 2 * h
    dx = np.zeros((N, T, D))
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        xt, prev_h, Wx, Wh, next_h = cache[t]
        da = (1 - next_h ** 2) * (dh[:, t, :] + dprev_h)
        dx[:, t, :] = da.dot(Wx.T)
        dprev_h = da.dot(Wh.T)
        dWx += xt.T.dot(da)
        dWh += prev_h.T.dot(da)
        db += da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_hand(x, h0, Wx, Wh, b):
    """CS231n's lstm_forward / lstm_backward, the step functions inlined."""
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h, prev_c = h0, np.zeros_like(h0)
    for t in range(T):
        a = x[:, t, :].dot(Wx) + prev_h.dot(Wh) + b
        i, f, o, g = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
        next_c = f * prev_c + i * g
        tanh_c = np.tanh(next_c)
        next_h = o * tanh_c
        cache.append((x[:, t, :], prev_h, prev_c, i, f, o, g, tanh_c))
        h[:, t, :] = next_h
        prev_h, prev_c = next_h, next_c
    loss = np.sum(h * h)
    dh = 2 * h
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        xt, prev_h, prev_c, i, f, o, g, tanh_c = cache[t]
        dnext_h = dh[:, t, :] + dprev_h
        dnext_c = dprev_c + o * (1 - tanh_c ** 2) * dnext_h
        da = np.hstack((i * (1 - i) * g * dnext_c, f * (1 - f) * prev_c * dnext_c,
                        o * (1 - o) * tanh_c * dnext_h, (1 - g ** 2) * i * dnext_c))
        dprev_c = f * dnext_c
        dx[:, t, :] = da.dot(Wx.T)
        dprev_h = da.dot(Wh.T)
        dWx += xt.T.dot(da)
        dWh += prev_h.T.dot(da)
        db += da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def max_pool_backward_hand(x, pool_param):
    """CS231n's max_pool_backward_naive (dout of ones), each window's maximum found again."""
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    dout = np.ones((N, C, H_out, W_out))
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw]
                    mask = window == np.max(window)
                    dx[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw] += \
                        mask * dout[n, c, i, j] / mask.sum()
    return dx


def conv_backward_hand(x, w, b, conv_param):
    """CS231n's conv_backward_naive (dout of ones)."""
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out, W_out = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    dout = np.ones((N, F, H_out, W_out))
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    db[f] += dout[n, f, i, j]
                    dw[f] += window * dout[n, f, i, j]
                    dx_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += w[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
    return dx, dw, db


def svm_hand(W, X, y, reg):
    """CS231n's svm_loss_naive with its gradient."""
    dW = np.zeros(W.shape)
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
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return dW


def scalar_hand(x, w):
    xs = []
    for i in range(1000):
        xs.append(x)
        x = math.tanh(w * x + 0.5)
        xs.append(x)
    dx, dw = 1.0, 0.0
    for i in reversed(range(1000)):
        t = xs.pop()
        prev = xs.pop()
        da = (1 - t * t) * dx
        dw += prev * da
        dx = w * da
    return dx, dw


# --- timing ------------------------------------------------------------------

def generated(forward, args, recompute):
    kwargs = {"recompute": True} if recompute else {}
    wrt = ("W",) if forward is svm_loss_naive else None  # as CS231n: dW
    function, _, _ = compile_backward(forward, wrt=wrt, args=args, **kwargs)
    out = forward(*args)
    out = out[0] if isinstance(out, tuple) else out  # a layer's (out, cache): the gradient of out
    if isinstance(out, np.ndarray) and out.size > 1:  # the gradient of every output element: ones
        dout = np.ones_like(out)
        return lambda *values: function(*values, dout)
    return function


def agree(ours, theirs):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    return all(np.allclose(a, b, rtol=1e-7, atol=1e-9) for a, b in zip(ours, theirs))


# --- workloads -----------------------------------------------------------------

def workloads(quick):
    rng = np.random.default_rng(0)

    def rnn_args(N, T, D, H, gates=1):
        return (rng.standard_normal((N, T, D)) * 0.5, rng.standard_normal((N, H)) * 0.5,
                rng.standard_normal((D, gates * H)) * 0.1, rng.standard_normal((H, gates * H)) * 0.1,
                rng.standard_normal(gates * H) * 0.1)

    found = []
    sizes = [(64, 25, 128, 128), (64, 50, 128, 128), (64, 100, 128, 128), (32, 400, 64, 64)]
    if quick:
        sizes = sizes[:1]
    for N, T, D, H in sizes:
        found.append((f"rnn T={T} N,D,H={N},{D},{H}", rnn_loss, rnn_hand, rnn_args(N, T, D, H), "hand"))
    for T in ((25,) if quick else (25, 100)):
        found.append((f"lstm T={T} N,D,H=32,64,64", lstm_loss, lstm_hand, rnn_args(32, T, 64, 64, 4), "hand"))
    pool = (rng.standard_normal((2, 4, 16, 16) if quick else (8, 16, 32, 32)),
            {'pool_height': 2, 'pool_width': 2, 'stride': 2})
    found.append(("max_pool_naive", max_pool_forward_naive, max_pool_backward_hand, pool, "forward"))
    conv = (rng.standard_normal((2, 3, 8, 8) if quick else (4, 3, 32, 32)),
            rng.standard_normal((4 if quick else 8, 3, 3, 3)), rng.standard_normal(4 if quick else 8),
            {'stride': 1, 'pad': 1})
    found.append(("conv_naive", conv_forward_naive, conv_backward_hand, conv, "forward"))
    N, D, C = (50, 300, 10) if quick else (500, 3073, 10)
    svm = (rng.standard_normal((D, C)) * 1e-3, rng.standard_normal((N, D)), rng.integers(0, C, N), 0.5)
    found.append(("svm_loss_naive", svm_loss_naive, svm_hand, svm, "forward"))
    found.append(("scalar loop 1000", scalar_loop, scalar_hand, (0.3, 0.9), "hand"))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to try it")
    parser.add_argument("--recompute", action="store_true", help="generate with recompute=True")
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each workload")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time the calls by the wall clock, or by this process's CPU time (steadier "
                             "on a busy machine)")
    options = parser.parse_args()
    clock = time.process_time if options.clock == "cpu" else time.perf_counter
    print(f"BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
          f"MKL_NUM_THREADS={os.environ['MKL_NUM_THREADS']}; NumPy {np.__version__}; "
          f"{'CPU time of this process' if options.clock == 'cpu' else 'wall clock'}")
    print(f"{'workload':32} {'generated':>11} {'hand':>11} {'forward':>11} {'gen/hand':>9} {'gen/fwd':>8}"
          f" {'mem gen/hand':>13}")
    for name, forward, hand, args, against in workloads(options.quick):
        ours = generated(forward, args, options.recompute)
        result, reference = ours(*args), hand(*args)
        if not agree(result, reference):
            raise SystemExit(f"{name}: the generated gradient disagrees with the hand-written one")
        # timed as hand, generated, forward: the ratios are each one's time over the hand-written's
        (hand_time, time_ours, forward_time), ratios = median_times(
            [(hand, args), (ours, args), (forward, args)], options.seconds, sample_seconds=0.05, clock=clock,
            min_rounds=5)
        memory = [peak_memory(ours, args), peak_memory(hand, args)]
        gen_hand, gen_fwd = ratios[1], ratios[1] / ratios[2]
        print(f"{name:32} {time_ours * 1e3:9.3f}ms {hand_time * 1e3:9.3f}ms {forward_time * 1e3:9.3f}ms "
              f"{gen_hand:9.2f} {gen_fwd:8.2f} {memory[0] / max(memory[1], 1):13.2f}")


if __name__ == "__main__":
    main()
