"""A long differential run of backgen on programs shaped like real code: idioms of CS231n, autograd's
examples and NumPy's aliasing and indexing, recombined and mutated, each checked against finite differences.

    python benchmarks/fuzz_real.py --count 3000 [--seed S] [--jobs J] [--report fuzz_real_report.txt] [--layers]

Programs come from ``tests/real_mutants.py``: program ``i`` of seed ``S`` is built from
``random.Random(f"{S}:{i}")``, so any program can be rebuilt alone
(``--show I``).  With ``--layers`` they come from ``tests/layer_programs.py`` instead: random
forwards in CS231n's layer form (``return out, cache``), their backward handed a read-only cache.  Each is checked by ``real_mutants.check`` (``fuzz_programs.check``, or
the same checks on ``f_backward(dout, cache)`` for a layer returning ``(out, cache)``), and
the run prints how many were ok, refused, skipped, wrong or crashed, the failure categories,
how often each idiom failed, and writes the failing programs to the report.
"""

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_run  # noqa: E402
import layer_programs  # noqa: E402
import real_mutants  # noqa: E402


def run_one(job, layers=False):
    seed, index, timeout = job
    try:
        program = _builder(layers)(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "generator", f"generator: {type(exc).__name__}", f"generator raised {type(exc).__name__}: {exc}", "?"
    outcome = real_mutants.check(program, timeout=timeout)
    return index, outcome.kind, outcome.category, outcome.message, program.idiom


def _builder(layers):
    return layer_programs.build if layers else real_mutants.build


def main(argv=None):
    parser = fuzz_run.arguments(__doc__.split("\n\n")[0], "fuzz_real_report.txt")
    parser.add_argument("--layers", action="store_true", help="random layers returning (out, cache) instead")
    args = parser.parse_args(argv)

    if args.show is not None:
        program = _builder(args.layers)(args.seed, args.show)
        outcome = real_mutants.check(program, timeout=args.timeout)
        print(outcome.message if outcome.kind in ("wrong", "crashed") else program.describe())
        print(f"--- {outcome.kind} {outcome.category} {outcome.message if outcome.kind == 'refused' else ''}")
        if outcome.kind == "ok":
            import backgen
            print(backgen.generate(program.source, name="f", shapes=None if program.annotated else program.shapes))
        return 0
    layers = " --layers" if args.layers else ""
    return fuzz_run.run(args, functools.partial(run_one, layers=args.layers), f"backgen real-code fuzz run{layers}",
                        f"python benchmarks/fuzz_real.py{layers}")


if __name__ == "__main__":
    sys.exit(main())
