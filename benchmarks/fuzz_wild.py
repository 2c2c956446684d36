"""A long run of the "wild" generator (``tests/wild_programs.py``): NumPy programs nested several
levels deep in plain Python idioms, each checked against central finite differences.

    python benchmarks/fuzz_wild.py --count 2000 [--seed S] [--jobs J] [--report fuzz_wild_report.txt] [--show I]

Program ``i`` of seed ``S`` is rebuilt alone by ``--show I``.  The run prints how many programs were
ok, refused, skipped, wrong or crashed, the failure categories and the largest refusal groups, and
writes the failing programs to the report.
"""

import argparse
import collections
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wild_programs  # noqa: E402

KINDS = ("ok", "refused", "skipped", "wrong", "crashed")


def run_one(job):
    seed, index, timeout = job
    try:
        program = wild_programs.build(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "generator", f"generator: {type(exc).__name__}", f"generator raised {type(exc).__name__}: {exc}"
    outcome = wild_programs.check(program, timeout=timeout)
    return index, outcome.kind, outcome.category, outcome.message


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="programs to check (default 1000)")
    parser.add_argument("--seed", default="0", help="seed of the run (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per program (default 60)")
    parser.add_argument("--report", default="fuzz_wild_report.txt", help="file for the failing programs")
    parser.add_argument("--show", type=int, metavar="I", help="only build program I, check it and print everything")
    args = parser.parse_args(argv)

    if args.show is not None:
        program = wild_programs.build(args.seed, args.show)
        outcome = wild_programs.check(program, timeout=args.timeout)
        print(outcome.message if outcome.kind in ("wrong", "crashed") else program.describe())
        print(f"--- {outcome.kind} {outcome.category} {outcome.message if outcome.kind == 'refused' else ''}")
        return 0

    counts, categories, refusals = collections.Counter(), collections.Counter(), collections.Counter()
    failures = []
    start = time.time()
    jobs = [(args.seed, i, args.timeout) for i in range(args.count)]
    pool = multiprocessing.Pool(args.jobs) if args.jobs > 1 else None
    results = pool.imap(run_one, jobs, chunksize=4) if pool else map(run_one, jobs)
    for done, (index, kind, category, message) in enumerate(results, 1):
        counts[kind] += 1
        if kind in ("wrong", "crashed", "generator"):
            categories[f"{kind}: {category}"] += 1
            failures.append((index, kind, category, message))
        elif kind == "refused":
            refusals[category] += 1
        if done % 250 == 0:
            print(f"{done} programs, {time.time() - start:.0f} s: " +
                  ", ".join(f"{k} {counts[k]}" for k in KINDS), flush=True)
    if pool is not None:
        pool.close()

    with open(args.report, "w") as report:
        report.write(f"# backgen wild fuzz run: seed {args.seed}, {args.count} programs\n")
        report.write(f"# rebuild one: python benchmarks/fuzz_wild.py --seed {args.seed} --show INDEX\n\n")
        for index, kind, category, message in failures:
            report.write(f"{'=' * 100}\n# program {index}: {kind}: {category}\n")
            report.write(message.rstrip() + "\n\n")

    print(f"\n{sum(counts.values())} programs in {time.time() - start:.0f} s (seed {args.seed})")
    for k in KINDS + ("generator",):
        if counts[k] or k != "generator":
            print(f"  {k:9} {counts[k]:6}")
    if categories:
        print("failure categories:")
        for category, n in categories.most_common():
            print(f"  {n:6}  {category}")
        print(f"failing programs written to {args.report}")
    if refusals:
        print("largest refusal groups:")
        for category, n in refusals.most_common(12):
            print(f"  {n:6}  {category}")
    return 1 if counts["wrong"] or counts["crashed"] or counts["generator"] else 0


if __name__ == "__main__":
    sys.exit(main())
