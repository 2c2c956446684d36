"""A differential run of backgen on random plain-Python scalar programs in a varied style
(``tests/wild_scalar.py``), each gradient checked against central finite differences.

    python benchmarks/fuzz_wild_scalar.py --count 2000 [--seed S] [--jobs J] [--report wild_report.txt]
    python benchmarks/fuzz_wild_scalar.py --seed S --show I

Program ``i`` of seed ``S`` is built from ``random.Random(f"{S}:{i}")``, so any one can be rebuilt
alone (``--show I``).  The run prints how many were ok, refused, skipped, wrong or crashed, the
failure categories and the largest groups of refusals, and writes the failing programs to the report.
"""

import argparse
import collections
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wild_scalar  # noqa: E402

KINDS = ("ok", "refused", "skipped", "wrong", "crashed")


def run_one(job):
    seed, index, timeout = job
    try:
        program = wild_scalar.build(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "crashed", "generator", f"generator raised {type(exc).__name__}: {exc}"
    outcome = wild_scalar.check(program, timeout=timeout)
    return index, outcome.kind, outcome.category, outcome.message


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="programs to check (default 1000)")
    parser.add_argument("--seed", default="0", help="seed of the run (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per program (default 60)")
    parser.add_argument("--report", default="wild_scalar_report.txt", help="file for the failing programs")
    parser.add_argument("--show", type=int, metavar="I", help="only build program I, check it and print everything")
    parser.add_argument("--refusals", action="store_true", help="write the refused programs to the report too")
    args = parser.parse_args(argv)

    if args.show is not None:
        program = wild_scalar.build(args.seed, args.show)
        outcome = wild_scalar.check(program, timeout=args.timeout)
        print(outcome.message if outcome.kind in ("wrong", "crashed") else program.describe())
        print(f"--- {outcome.kind} {outcome.category}")
        if outcome.kind == "refused":
            print(outcome.message)
        return 0 if outcome.kind not in ("wrong", "crashed") else 1

    jobs = [(args.seed, i, args.timeout) for i in range(args.count)]
    started = time.time()
    counts = collections.Counter()
    categories = collections.Counter()
    refusals = collections.Counter()
    failures = []
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(run_one, jobs))
    else:
        results = map(run_one, jobs)
    for index, kind, category, message in results:
        counts[kind] += 1
        if kind in ("wrong", "crashed"):
            categories[f"{kind}: {category}"] += 1
            failures.append((index, kind, category, message))
        elif kind == "refused":
            refusals[category] += 1
            if args.refusals:
                failures.append((index, kind, category, f"{wild_scalar.build(args.seed, index).source}\n{message}"))
    print(f"{args.count} programs, seed {args.seed}, {time.time() - started:.0f} s")
    print("  ".join(f"{kind} {counts[kind]}" for kind in KINDS))
    for category, n in categories.most_common():
        print(f"  {n:5d}  {category}")
    if refusals:
        print("refusals:")
        for category, n in refusals.most_common(15):
            print(f"  {n:5d}  {category}")
    with open(args.report, "w") as report:
        for index, kind, category, message in sorted(failures):
            report.write(f"=== program {index} [{kind}: {category}]\n{message}\n\n")
    return 1 if any(kind in ("wrong", "crashed") for _, kind, _, _ in failures) else 0


if __name__ == "__main__":
    sys.exit(main())
