"""A differential run of backgen on random plain-Python scalar programs in a varied style
(``tests/wild_scalar.py``), each gradient checked against central finite differences.

    python benchmarks/fuzz_wild_scalar.py --count 2000 [--seed S] [--jobs J] [--report wild_report.txt]
    python benchmarks/fuzz_wild_scalar.py --seed S --show I

Program ``i`` of seed ``S`` is built from ``random.Random(f"{S}:{i}")``, so any one can be rebuilt
alone (``--show I``).  The run prints how many were ok, refused, skipped, wrong or crashed, the
failure categories and the largest groups of refusals, and writes the failing programs to the report.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz_run  # noqa: E402
import wild_scalar  # noqa: E402


def run_one(job):
    seed, index, timeout = job
    try:
        program = wild_scalar.build(seed, index)
    except Exception as exc:  # noqa: BLE001 - a bug of the generator: reported, the run goes on
        return index, "generator", f"generator: {type(exc).__name__}", f"generator raised {type(exc).__name__}: {exc}", None
    outcome = wild_scalar.check(program, timeout=timeout)
    message = f"{program.source}\n{outcome.message}" if outcome.kind == "refused" else outcome.message
    return index, outcome.kind, outcome.category, message, None


def main(argv=None):
    args = fuzz_run.arguments(__doc__.split("\n\n")[0], "wild_scalar_report.txt").parse_args(argv)
    if args.show is not None:
        program = wild_scalar.build(args.seed, args.show)
        outcome = wild_scalar.check(program, timeout=args.timeout)
        print(outcome.message if outcome.kind in ("wrong", "crashed") else program.describe())
        print(f"--- {outcome.kind} {outcome.category}")
        if outcome.kind == "refused":
            print(outcome.message)
        return 0 if outcome.kind not in ("wrong", "crashed") else 1
    return fuzz_run.run(args, run_one, "backgen plain-scalar fuzz run", "python benchmarks/fuzz_wild_scalar.py")


if __name__ == "__main__":
    sys.exit(main())
