"""A long run of the "wild" generator (``tests/wild_programs.py``): NumPy programs nested several
levels deep in plain Python idioms, each checked against central finite differences.

    python benchmarks/fuzz_wild.py --count 2000 [--seed S] [--jobs J] [--report fuzz_wild_report.txt] [--show I]

Program ``i`` of seed ``S`` is rebuilt alone by ``--show I``.  The run prints how many programs were
ok, refused, skipped, wrong or crashed, the failure categories and the largest refusal groups, and
writes the failing programs to the report.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_run  # noqa: E402
import wild_programs  # noqa: E402


def run_one(job):
    seed, index, timeout = job
    try:
        program = wild_programs.build(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "generator", f"generator: {type(exc).__name__}", f"generator raised {type(exc).__name__}: {exc}", None
    outcome = wild_programs.check(program, timeout=timeout)
    return index, outcome.kind, outcome.category, outcome.message, None


def main(argv=None):
    args = fuzz_run.arguments(__doc__.split("\n\n")[0], "fuzz_wild_report.txt").parse_args(argv)
    if args.show is not None:
        program = wild_programs.build(args.seed, args.show)
        outcome = wild_programs.check(program, timeout=args.timeout)
        print(outcome.message if outcome.kind in ("wrong", "crashed") else program.describe())
        print(f"--- {outcome.kind} {outcome.category} {outcome.message if outcome.kind == 'refused' else ''}")
        return 0
    return fuzz_run.run(args, run_one, "backgen wild fuzz run", "python benchmarks/fuzz_wild.py")


if __name__ == "__main__":
    sys.exit(main())
