"""The loop the long fuzz runs share: check programs ``0 .. count - 1`` of a seed, in worker
processes or one after the other, count their outcomes, write the failing ones to a report and
print a summary.

Contract: ``arguments(description, report)`` is the argument parser every run takes (``--count``,
``--seed``, ``--jobs``, ``--timeout``, ``--report``, ``--show I``, ``--refusals``); ``run(args,
run_one, title, rebuild, groups="idioms")`` checks the programs, ``run_one((seed, index, timeout))`` giving
``(index, kind, category, message, group)`` for each (``kind`` one of ``KINDS`` or "generator",
a bug of the generator; ``group``, where not None, what the summary counts the failures by, such
as an idiom, ``groups`` naming them there), and returns the exit status: 1 where a program was
wrong or crashed or the generator failed.  ``title`` names the run in the report, ``rebuild`` is
the command that rebuilds one program (``--show INDEX`` is added).
"""

import argparse
import collections
import multiprocessing
import time

KINDS = ("ok", "refused", "skipped", "wrong", "crashed")
FAILING = ("wrong", "crashed", "generator")


def arguments(description, report):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--count", type=int, default=1000, help="programs to check (default 1000)")
    parser.add_argument("--seed", default="0", help="seed of the run (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per program (default 60)")
    parser.add_argument("--report", default=report, help="file for the failing programs")
    parser.add_argument("--show", type=int, metavar="I", help="only build program I, check it and print everything")
    parser.add_argument("--refusals", action="store_true", help="write the refused programs' messages to the "
                                                                "report too")
    return parser


def run(args, run_one, title, rebuild, groups="idioms"):
    counts, categories, counted, refusals = (collections.Counter() for _ in range(4))
    written = []
    start = time.time()
    jobs = [(args.seed, i, args.timeout) for i in range(args.count)]
    pool = multiprocessing.Pool(args.jobs) if args.jobs > 1 else None
    results = pool.imap(run_one, jobs, chunksize=4) if pool else map(run_one, jobs)
    for done, (index, kind, category, message, group) in enumerate(results, 1):
        counts[kind] += 1
        if kind in FAILING:
            categories[f"{kind}: {category}"] += 1
            if group is not None:
                counted[group] += 1
        elif kind == "refused" and category:  # (a run whose refusals are grouped: by their category)
            refusals[category] += 1
        if kind in FAILING or kind == "refused" and args.refusals:
            written.append((index, kind, category, message, group))
        if done % 250 == 0:
            print(f"{done} programs, {time.time() - start:.0f} s: " +
                  ", ".join(f"{k} {counts[k]}" for k in KINDS), flush=True)
    if pool is not None:
        pool.close()

    with open(args.report, "w") as report:
        report.write(f"# {title}: seed {args.seed}, {args.count} programs\n")
        report.write(f"# rebuild one: {rebuild} --seed {args.seed} --show INDEX\n\n")
        for index, kind, category, message, group in written:
            report.write(f"{'=' * 100}\n# program {index}{f' ({group})' if group else ''}: {kind}: {category}\n")
            report.write(message.rstrip() + "\n\n")

    print(f"\n{sum(counts.values())} programs in {time.time() - start:.0f} s (seed {args.seed})")
    for k in KINDS + ("generator",):
        if counts[k] or k != "generator":
            print(f"  {k:9} {counts[k]:6}")
    if categories:
        print("failure categories:")
        for category, n in categories.most_common():
            print(f"  {n:6}  {category}")
        if counted:
            print(f"failing {groups}: " + ", ".join(f"{i} {n}" for i, n in counted.most_common()))
        print(f"failing programs written to {args.report}")
    if refusals:
        print("largest refusal groups:")
        for category, n in refusals.most_common(12):
            print(f"  {n:6}  {category}")
    return 1 if any(counts[k] for k in FAILING) else 0
