"""How long backgen takes to write a backward function, as the forward grows.

It times ``backgen.generate`` on

* straight-line functions of 10, 100, 1,000 and 10,000 statements (up to
  ``--max-statements``), one operation each: plain Python with ``math``, and
  NumPy on arrays of declared shapes (``x: "N, D"``);
* a loop nest of depth 5 (``--depth``), plain Python and NumPy (the NumPy one
  writes one element of an array per innermost iteration, as CS231n's naive
  layers do);
* gradient descent written as a loop of up to 20,000 steps that breaks once
  converged, with shapes given and for every shape (the shape walk stops once
  three steps alike in shapes have run);
* each function of the CS231n student's file (``generated_examples/cs231n_student.py``:
  docstrings, ``out = None``, ``return out, cache``, the naive convolution's and pooling's
  four nested loops over sample arrays of the sizes its docstrings name), the slowest listed
  and the file in all (left out with ``--quick``);
* the decorator's first ``.backward(...)`` call on the seed's two-layer net
  (N, D_in, H, D_out = 64, 1000, 100, 10), which learns the shapes from the
  arrays, generates and compiles: first as the first thing this process does
  (the templates and modules not yet loaded), then for a freshly decorated
  copy, and the second call, which only looks the function up.

For each kind it prints the seconds per function, per statement, and the
growth from one size to the next (10x the statements: about 10 means linear
time).  ``--profile`` runs the largest straight-line size of each kind under
cProfile and prints the functions where the time goes.  Each generated module
is compiled, so a result that is not valid Python stops the run.

Times are CPU seconds of this process (``time.process_time``), single runs
(generation of a large function is long): on a busy machine the wall-clock
time is longer, the CPU time much less so.  BLAS runs single-threaded, so
the CPU time of the decorator's calls is the time of their work.  This is a report, not a test: it exits 0.

Run:  python benchmarks/bench_generation.py [--max-statements N] [--depth D] [--profile] [--quick]
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one thread: CPU time is then the time of the work itself

import argparse  # noqa: E402
import ast  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

FIRST = time.process_time()  # before backgen is imported: the cold first call includes its loading

import numpy as np  # noqa: E402

import backgen  # noqa: E402

SIZES = (10, 100, 1000, 10000)
TARGET = (10000, 2.0)  # the stated target: 10,000 statements of either kind in under 2 CPU seconds


def two_layer(x, y, w1, w2):
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    return loss


def two_layer_args():
    rng = np.random.default_rng(0)
    N, D_in, H, D_out = 64, 1000, 100, 10
    return (rng.standard_normal((N, D_in)), rng.standard_normal((N, D_out)),
            rng.standard_normal((D_in, H)), rng.standard_normal((H, D_out)))


def decorator_times():
    """Seconds of: the process's first .backward call, a new decorated copy's first call, a second call."""
    args = two_layer_args()
    start = time.process_time()
    cold = backgen.backward(two_layer, wrt=("w1", "w2"))
    cold.backward(*args)
    first = time.process_time() - start
    import_seconds = start - FIRST
    warm = backgen.backward(two_layer, wrt=("w1", "w2"))
    start = time.process_time()
    warm.backward(*args)
    fresh = time.process_time() - start
    again = []
    for _ in range(5):
        start = time.process_time()
        warm.backward(*args)
        again.append(time.process_time() - start)
    return import_seconds, first, fresh, sorted(again)[2]


def scalar_source(n):
    """A plain Python function of ``n`` one-operation statements."""
    lines = ["import math", "", "def f(x, y):", "    a0 = x * y"]
    for i in range(1, n):
        op = (f"math.sin(a{i - 1})", f"a{i - 1} * y", f"a{i - 1} + x")[i % 3]
        lines.append(f"    a{i} = {op}")
    lines.append(f"    return a{n - 1}")
    return "\n".join(lines) + "\n"


def numpy_source(n):
    """A NumPy function of ``n`` one-operation statements (the last a sum)."""
    lines = ["import numpy as np", "", 'def f(x: "N, D", w: "D", b: "D"):', "    a0 = x * w"]
    for i in range(1, n - 1):
        op = (f"np.tanh(a{i - 1})", f"a{i - 1} * w", f"a{i - 1} + b")[i % 3]
        lines.append(f"    a{i} = {op}")
    lines.append(f"    a{n - 1} = np.sum(a{n - 2})")
    lines.append(f"    return a{n - 1}")
    return "\n".join(lines) + "\n"


def scalar_nest(depth):
    """Plain Python: ``depth`` nested loops around one update of a carried number."""
    lines = ["import math", "", "def f(x, w):", "    s = x"]
    for level in range(depth):
        lines.append("    " * (level + 1) + f"for i{level} in range(3):")
    lines.append("    " * (depth + 1) + "s = math.tanh(w * s + 0.1)")
    lines.append("    return s")
    return "\n".join(lines) + "\n"


def numpy_nest(depth):
    """NumPy: ``depth`` nested loops writing one element of an array each innermost iteration."""
    shape = ", ".join(["2"] * depth)
    index = ", ".join(f"i{level}" for level in range(depth))
    lines = ["import numpy as np", "", f'def f(x: "{shape}", w: "float"):', f"    out = np.zeros(({shape},))"]
    for level in range(depth):
        lines.append("    " * (level + 1) + f"for i{level} in range(2):")
    lines.append("    " * (depth + 1) + f"out[{index}] = np.tanh(w * x[{index}])")
    lines.append("    return np.sum(out * out)")
    return "\n".join(lines) + "\n"


def student_seconds():
    """CPU seconds of generating each function of the CS231n student's file, by name."""
    path = Path(__file__).resolve().parent.parent / "generated_examples" / "cs231n_student.py"
    text = path.read_text(encoding="utf-8")
    seconds = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            start = time.process_time()
            try:
                backgen.generate(text, name=node.name)
            except backgen.BackgenError:  # a helper of the file's layers, not differentiated alone
                continue
            seconds[node.name] = time.process_time() - start
    return seconds


CONVERGING = """
import numpy as np

def f(X{X}, y{y}, lam{lam}):
    w = np.zeros(X.shape[1])
    b = 0.0
    for it in range(20000):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        gw = X.T @ (p - y) / len(y) + lam * w
        gb = np.mean(p - y)
        w -= 0.5 * gw
        b -= 0.5 * gb
        if np.sqrt(gw @ gw + gb * gb) < 1e-7:
            break
    return w[0] + 2 * b
"""  # (gradient descent for up to 20,000 steps, leaving once converged: its shapes walked a few steps)


def generation_seconds(source):
    start = time.process_time()
    text = backgen.generate(source)
    seconds = time.process_time() - start
    compile(text, "<generated>", "exec")
    return seconds


def profile_summary(source, top):
    """Where the CPU time of generating ``source`` goes, as text: backgen's functions by cumulative
    time (what each stage costs, callees included), then every function by its own time."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    backgen.generate(source)
    profiler.disable()
    parts = []
    for order, restriction, label in (("cumulative", "backgen/", "backgen's functions by cumulative time"),
                                      ("tottime", "", "all functions by own time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(restriction, top)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next(k for k, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        parts.append(f"{label}:\n" + "\n".join(lines[start:]))
    return "\n".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-statements", type=int, default=1000,
                        help="largest straight-line size to time (default 1000; 10000 for the full run)")
    parser.add_argument("--depth", type=int, default=5, help="depth of the loop nest (default 5)")
    parser.add_argument("--profile", action="store_true",
                        help="profile the largest straight-line size of each kind and print where the time goes")
    parser.add_argument("--top", type=int, default=25, help="functions each profile table lists (default 25)")
    parser.add_argument("--quick", action="store_true", help="10 statements and a nest of depth 2, to try it")
    options = parser.parse_args(argv)
    if options.quick:
        options.max_statements, options.depth = min(options.max_statements, 10), min(options.depth, 2)

    import_seconds, first, fresh, again = decorator_times()
    print(f"decorator, seed two_layer net (64x1000, H=100), CPU ms: first call in the process {first * 1e3:.1f} "
          f"(after {import_seconds * 1e3:.0f} importing NumPy and backgen); first call of a new decorated copy "
          f"{fresh * 1e3:.1f}; later calls {again * 1e3:.2f} (median of 5); first call's generation "
          f"{(first - again) * 1e3:.1f} in the process, {(fresh - again) * 1e3:.1f} for a new copy")
    sizes = [n for n in SIZES if n <= options.max_statements]
    print(f"{'kind':<10} {'statements':>10} {'CPU s':>9} {'ms/stmt':>8} {'growth':>7}")
    at_target = {}
    for kind, source in (("scalar", scalar_source), ("numpy", numpy_source)):
        previous = None
        for n in sizes:
            seconds = generation_seconds(source(n))
            growth = f"{seconds / previous:7.1f}" if previous else f"{'':>7}"
            print(f"{kind:<10} {n:>10} {seconds:9.3f} {seconds / n * 1e3:8.2f} {growth}", flush=True)
            previous = seconds
            if n == TARGET[0]:
                at_target[kind] = seconds
    for kind, source in (("scalar", scalar_nest), ("numpy", numpy_nest)):
        seconds = generation_seconds(source(options.depth))
        print(f"{kind + ' nest':<10} {'depth ' + str(options.depth):>10} {seconds:9.3f}", flush=True)
    given = generation_seconds(CONVERGING.format(X=': "N, D"', y=': "N"', lam=": float"))
    generic = generation_seconds(CONVERGING.format(X="", y="", lam=""))
    print(f"a loop of up to 20,000 steps leaving once converged, CPU s: {given:.3f} with shapes given, "
          f"{generic:.3f} for every shape", flush=True)
    if not options.quick:
        seconds = student_seconds()
        slowest = sorted(seconds, key=seconds.get, reverse=True)[:3]
        print(f"CS231n student's file, {len(seconds)} functions, CPU s: {sum(seconds.values()):.2f} in all; "
              + ", ".join(f"{name} {seconds[name]:.2f}" for name in slowest), flush=True)
    if at_target:
        print(f"target: {TARGET[0]:,} statements in under {TARGET[1]:g} s: " + "; ".join(
            f"{kind} {seconds:.2f} s, {'met' if seconds < TARGET[1] else 'not met'}" for kind, seconds in at_target.items()))
    if options.profile and sizes:
        for kind, source in (("scalar", scalar_source), ("numpy", numpy_source)):
            print(f"\nprofile of generating the {kind} function of {sizes[-1]} statements (CPU time):")
            print(profile_summary(source(sizes[-1]), options.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
