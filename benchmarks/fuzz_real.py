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

import argparse
import collections
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import layer_programs  # noqa: E402
import real_mutants  # noqa: E402

KINDS = ("ok", "refused", "skipped", "wrong", "crashed")


def run_one(job):
    seed, index, timeout, layers = job
    try:
        program = _builder(layers)(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "?", "generator", f"generator: {type(exc).__name__}", f"generator raised {type(exc).__name__}: {exc}"
    outcome = real_mutants.check(program, timeout=timeout)
    return index, program.idiom, outcome.kind, outcome.category, outcome.message


def _builder(layers):
    return layer_programs.build if layers else real_mutants.build


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="programs to check (default 1000)")
    parser.add_argument("--seed", default="0", help="seed of the run (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per program (default 60)")
    parser.add_argument("--report", default="fuzz_real_report.txt", help="file for the failing programs")
    parser.add_argument("--show", type=int, metavar="I", help="only build program I, check it and print everything")
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

    counts, categories, idioms = collections.Counter(), collections.Counter(), collections.Counter()
    failures = []
    start = time.time()
    jobs = [(args.seed, i, args.timeout, args.layers) for i in range(args.count)]
    pool = multiprocessing.Pool(args.jobs) if args.jobs > 1 else None
    results = pool.imap(run_one, jobs, chunksize=4) if pool else map(run_one, jobs)
    for done, (index, idiom, kind, category, message) in enumerate(results, 1):
        counts[kind] += 1
        if kind in ("wrong", "crashed", "generator"):
            categories[f"{kind}: {category}"] += 1
            idioms[idiom] += 1
            failures.append((index, idiom, kind, category, message))
        if done % 250 == 0:
            print(f"{done} programs, {time.time() - start:.0f} s: " +
                  ", ".join(f"{k} {counts[k]}" for k in KINDS), flush=True)
    if pool is not None:
        pool.close()

    with open(args.report, "w") as report:
        layers = " --layers" if args.layers else ""
        report.write(f"# backgen real-code fuzz run{layers}: seed {args.seed}, {args.count} programs\n")
        report.write(f"# rebuild one: python benchmarks/fuzz_real.py{layers} --seed {args.seed} --show INDEX\n\n")
        for index, idiom, kind, category, message in failures:
            report.write(f"{'=' * 100}\n# program {index} ({idiom}): {kind}: {category}\n")
            report.write(message.rstrip() + "\n\n")

    print(f"\n{sum(counts.values())} programs in {time.time() - start:.0f} s (seed {args.seed})")
    for k in KINDS + ("generator",):
        if counts[k] or k != "generator":
            print(f"  {k:9} {counts[k]:6}")
    if categories:
        print("failure categories:")
        for category, n in categories.most_common():
            print(f"  {n:6}  {category}")
        print("failing idioms: " + ", ".join(f"{i} {n}" for i, n in idioms.most_common()))
        print(f"failing programs written to {args.report}")
    return 1 if counts["wrong"] or counts["crashed"] or counts["generator"] else 0


if __name__ == "__main__":
    sys.exit(main())
