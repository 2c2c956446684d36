"""Speed and memory of backgen's backward for CS231n-style layers, against hand-written backward code.

The forwards are a student's own: generated_examples/cs231n_student.py (affine, ReLU, batch and
layer normalization, the vectorized softmax and SVM losses, naive convolution and max pooling, RNN
and LSTM steps and sequences, word embedding, temporal affine) and benchmarks/layers_more.py (leaky
ReLU, sigmoid, tanh, dropout with its mask given, the temporal softmax loss).  backgen generates
each backward from those files as the command line does, in the layer form
``*_backward(dout, cache)`` that reads the student's cache; the hand-written backward
(benchmarks/layer_hand.py) reads the same cache.  A loss (returning a number, no cache) is timed
as its generated ``*_backward(x, y, ...)`` against the hand-written gradient from the same inputs:
both compute the forward values they need.

For each layer, at a small and a medium size, it prints the median time of the hand-written and
the generated backward (interleaved rounds), gen/hand (the median of the per-round ratios), the
peak memory ``tracemalloc`` sees during one call of each (gen/hand), and, where installed,
``autograd.grad`` of ``sum(out * dout)`` over the forward run with ``autograd.numpy``: it runs the
forward too, so its ratio is to the forward plus the hand-written backward (``-`` where autograd
cannot run the forward: writes into arrays).  Every generated gradient is checked against the
hand-written one first (exit 1 if one disagrees).  BLAS runs single-threaded unless set.

Run:  python benchmarks/bench_layers.py [--quick] [--seconds S] [--clock cpu] [--only TEXT]
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import pathlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from backgen import api, emit  # noqa: E402
from backgen.cache import backward_name  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
STUDENT = HERE.parent / "generated_examples" / "cs231n_student.py"
MORE = HERE / "layers_more.py"
sys.path.insert(0, str(HERE))

import layer_hand as hand  # noqa: E402
from timing import duration, median_times, peak_memory  # noqa: E402

try:
    import autograd
except ImportError:
    autograd = None


def load(path, numpy_module="numpy"):
    """The module at ``path``; with ``numpy_module`` another NumPy (``autograd.numpy``) as its ``np``."""
    text = path.read_text(encoding="utf-8").replace("import numpy as np", f"import {numpy_module} as np")
    module = type(sys)(path.stem)
    exec(compile(text, str(path), "exec"), module.__dict__)
    return module


# (row name, file, forward, wrt (None: backgen's default), hand-written backward, arguments by size)
def _layers(rng):
    r = rng.standard_normal

    def elementwise(shape):
        return (r(shape),)

    def rnn(N, T, D, H, gates=1, step=False):
        x = r((N, D) if step else (N, T, D))
        return (x, r((N, H)) * 0.5, r((D, gates * H)) * 0.1, r((H, gates * H)) * 0.1, r(gates * H) * 0.1)

    def lstm_step(N, D, H):
        x, h, Wx, Wh, b = rnn(N, 1, D, H, 4, step=True)
        return (x, h, r((N, H)), Wx, Wh, b)

    def norm(N, D):
        return (r((N, D)) * 2 + 1, r(D), r(D))

    return [
        ("affine", STUDENT, "affine_forward", None, hand.affine_backward,
         lambda s: (r((8, 3, 4, 4)), r((48, 16)), r(16)) if s == "small"
         else (r((128, 3, 16, 16)), r((768, 100)) * 0.01, r(100))),
        ("relu", STUDENT, "relu_forward", None, hand.relu_backward,
         lambda s: elementwise((8, 32) if s == "small" else (256, 1024))),
        ("leaky_relu", MORE, "leaky_relu_forward", ("x",), hand.leaky_relu_backward,
         lambda s: (r((8, 32) if s == "small" else (256, 1024)), 0.01)),
        ("sigmoid", MORE, "sigmoid_forward", None, hand.sigmoid_backward,
         lambda s: elementwise((8, 32) if s == "small" else (256, 1024))),
        ("tanh", MORE, "tanh_forward", None, hand.tanh_backward,
         lambda s: elementwise((8, 32) if s == "small" else (256, 1024))),
        ("batchnorm train", STUDENT, "batchnorm_forward", ("x", "gamma", "beta"), hand.batchnorm_backward,
         lambda s: (*norm(*((8, 32) if s == "small" else (256, 1024))), {"mode": "train"})),
        ("layernorm", STUDENT, "layernorm_forward", ("x", "gamma", "beta"), hand.layernorm_backward,
         lambda s: (*norm(*((8, 32) if s == "small" else (256, 1024))), {})),
        ("dropout (mask given)", MORE, "dropout_mask_forward", ("x",), hand.dropout_mask_backward,
         lambda s: (lambda shape: (r(shape), (rng.random(shape) < 0.5) / 0.5))(
             (8, 32) if s == "small" else (256, 1024))),
        ("softmax loss", STUDENT, "softmax_loss", ("x",), hand.softmax_loss_grad,
         lambda s: (r((8, 10)), rng.integers(0, 10, 8)) if s == "small"
         else (r((1000, 100)), rng.integers(0, 100, 1000))),
        ("svm loss", STUDENT, "svm_loss", ("x",), hand.svm_loss_grad,
         lambda s: (r((8, 10)), rng.integers(0, 10, 8)) if s == "small"
         else (r((1000, 100)), rng.integers(0, 100, 1000))),
        ("conv naive", STUDENT, "conv_forward_naive", ("x", "w", "b"), hand.conv_backward_naive,
         lambda s: (r((2, 3, 6, 6)), r((2, 3, 3, 3)), r(2), {"stride": 1, "pad": 1}) if s == "small"
         else (r((2, 3, 16, 16)), r((8, 3, 3, 3)), r(8), {"stride": 1, "pad": 1})),
        ("max pool naive", STUDENT, "max_pool_forward_naive", ("x",), hand.max_pool_backward_naive,
         lambda s: (r((2, 3, 8, 8) if s == "small" else (4, 8, 16, 16)),
                    {"pool_height": 2, "pool_width": 2, "stride": 2})),
        ("rnn step", STUDENT, "rnn_step_forward", None, hand.rnn_step_backward,
         lambda s: rnn(4, 1, 8, 16, step=True) if s == "small" else rnn(64, 1, 128, 128, step=True)),
        ("rnn", STUDENT, "rnn_forward", None, hand.rnn_backward,
         lambda s: rnn(4, 5, 8, 16) if s == "small" else rnn(32, 25, 64, 64)),
        ("lstm step", STUDENT, "lstm_step_forward", None, hand.lstm_step_backward,
         lambda s: lstm_step(4, 8, 16) if s == "small" else lstm_step(64, 128, 128)),
        ("lstm", STUDENT, "lstm_forward", None, hand.lstm_backward,
         lambda s: rnn(4, 5, 8, 16, 4) if s == "small" else rnn(32, 25, 64, 64, 4)),
        ("word embedding", STUDENT, "word_embedding_forward", ("W",), hand.word_embedding_backward,
         lambda s: (rng.integers(0, 20, (4, 5)), r((20, 8))) if s == "small"
         else (rng.integers(0, 1000, (64, 25)), r((1000, 128)))),
        ("temporal affine", STUDENT, "temporal_affine_forward", None, hand.temporal_affine_backward,
         lambda s: (r((4, 5, 8)), r((8, 12)), r(12)) if s == "small"
         else (r((64, 25, 128)), r((128, 500)) * 0.1, r(500))),
        ("temporal softmax loss", MORE, "temporal_softmax_loss", ("x",), hand.temporal_softmax_loss_grad,
         lambda s: (r((4, 5, 12)), rng.integers(0, 12, (4, 5)), rng.random((4, 5)) < 0.7) if s == "small"
         else (r((64, 25, 500)), rng.integers(0, 500, (64, 25)), rng.random((64, 25)) < 0.7)),
    ]


def generated_module(layers):
    """The generated backward functions of every forward of ``layers``, in one module (as the command
    line writes a file's: a forward calling a step layer shares its backward)."""
    results = []
    for _row, path, forward, wrt, _hand, _args in layers:
        text = path.read_text(encoding="utf-8")
        results.append(api.backward_program(text, wrt=wrt, name=forward, filename=str(path), user_cache=True))
    source = emit.module_source(results, source_name="bench_layers")
    module = type(sys)("bench_layers_generated")
    exec(compile(source, "<bench_layers generated>", "exec"), module.__dict__)
    return module, source


class Case:
    """One layer at one size: the calls to time, with their arguments, and the autograd call."""

    def __init__(self, name, forward, generated, hand_backward, args, wrt_positions, ag_forward):
        self.name = name
        outs = forward(*args)
        self.layer = isinstance(outs, tuple) and len(outs) >= 2 and not np.isscalar(outs[-1]) \
            and not forward.__name__.endswith("loss")
        rng = np.random.default_rng(1)
        if self.layer:
            *outs, cache = outs
            douts = tuple(rng.standard_normal(np.shape(o)) for o in outs)
            self.args = (*douts, cache)
        else:
            douts = None
            self.args = tuple(args)
        self.generated, self.hand = generated, hand_backward
        self.forward, self.forward_args = forward, tuple(args)
        self.autograd = None
        if autograd is not None and ag_forward is not None:
            def objective(*a):
                out = ag_forward(*a)
                if douts is None:
                    return out[0] if isinstance(out, tuple) else out
                outs = out[:-1] if isinstance(out, tuple) else (out,)
                return sum(autograd.numpy.sum(o * d) for o, d in zip(outs, douts))
            grad = autograd.grad(objective, argnum=wrt_positions if len(wrt_positions) > 1 else wrt_positions[0])
            try:
                grad(*args)
                self.autograd = grad
            except Exception:  # a forward autograd cannot run (a write into an array): no figure
                self.autograd = None


def agree(got, want):
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    return len(got) == len(want) and all(
        np.shape(g) == np.shape(w) and np.allclose(g, w, rtol=1e-7, atol=1e-10) for g, w in zip(got, want))


def cases(quick, only=None):
    """The cases to time (small sizes only with ``quick``) and the generated module's source."""
    rng = np.random.default_rng(0)
    layers = [layer for layer in _layers(rng) if only is None or only in layer[0]]
    module, source = generated_module(layers)
    modules = {STUDENT: load(STUDENT), MORE: load(MORE)}
    ag_modules = {}
    if autograd is not None:
        ag_modules = {STUDENT: load(STUDENT, "autograd.numpy"), MORE: load(MORE, "autograd.numpy")}
    found = []
    for row, path, name, wrt, hand_backward, make in layers:
        forward = getattr(modules[path], name)
        params = forward.__code__.co_varnames[:forward.__code__.co_argcount]
        backward = getattr(module, backward_name(name))
        for size in ("small",) if quick else ("small", "medium"):
            args = make(size)
            names = wrt or tuple(p for p, a in zip(params, args) if isinstance(a, np.ndarray)
                                 and a.dtype.kind == "f")
            positions = tuple(params.index(p) for p in names)
            ag_forward = getattr(ag_modules[path], name) if ag_modules else None
            found.append(Case(f"{row} {size}", forward, backward, hand_backward, args, positions, ag_forward))
    return found, source


def report(quick=False, seconds=None, clock=time.perf_counter, only=None, out=print):
    """Time every case and print the table; returns ``{row: gen/hand}``."""
    seconds = (0.0 if quick else 1.0) if seconds is None else seconds
    found, _ = cases(quick, only)
    title = (f"{'layer':<28} {'hand':>8} {'gen':>8} {'gen/hand':>8} {'mem':>6}"
             + (f" {'autograd':>8} {'ag/(f+h)':>8}" if autograd is not None else ""))
    out(title)
    out("-" * len(title))
    ratios = {}
    for case in found:
        want, got = case.hand(*case.args), case.generated(*case.args)
        if not agree(got, want):
            raise SystemExit(f"{case.name}: the generated gradient disagrees with the hand-written one")
        calls = [(case.hand, case.args), (case.generated, case.args)]
        if case.autograd is not None:
            calls += [(case.forward, case.forward_args), (case.autograd, case.forward_args)]
        times, ratio = median_times(calls, seconds, clock=clock)
        memory = peak_memory(case.generated, case.args) / max(peak_memory(case.hand, case.args), 1)
        row = f"{case.name:<28} {duration(times[0])} {duration(times[1])} {ratio[1]:8.2f} {memory:6.2f}"
        if autograd is not None:
            row += (f" {'-':>8} {'-':>8}" if case.autograd is None else
                    f" {duration(times[3])} {times[3] / (times[0] + times[2]):8.2f}")
        out(row)
        ratios[case.name] = ratio[1]
    if ratios:
        worst = max(ratios, key=ratios.get)
        out(f"worst layer gen/hand: {ratios[worst]:.2f} ({worst})")
    return ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, short timing")
    parser.add_argument("--seconds", type=float, default=None, help="time spent on each case (default 1)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="the wall clock, or this process's CPU time (steadier on a busy machine)")
    parser.add_argument("--only", metavar="TEXT", help="only the layers whose name contains TEXT")
    parser.add_argument("--source", action="store_true", help="print the generated module and stop")
    options = parser.parse_args(argv)
    if options.source:
        print(cases(True, options.only)[1])
        return 0
    clock = time.process_time if options.clock == "cpu" else time.perf_counter
    print(f"NumPy {np.__version__}; BLAS threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; "
          f"{'CPU time of this process' if options.clock == 'cpu' else 'wall clock'}; "
          "mem = peak memory gen/hand")
    report(options.quick, options.seconds, clock, options.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
