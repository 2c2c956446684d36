"""Differential fuzzing of backgen on "wild" NumPy programs (``tests/wild_programs.py``).

Each program is nested NumPy expressions in plain Python idioms; it must be refused with
``BackgenError`` or give a backward matching central finite differences that leaves its inputs
and ``dout`` alone.  The long run is ``python benchmarks/fuzz_wild.py --count 3000``.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wild_programs  # noqa: E402


@pytest.mark.sampled
@pytest.mark.parametrize("index", range(30))
def test_wild_programs(index):
    program = wild_programs.build("test", index)
    outcome = wild_programs.check(program, timeout=60)
    assert outcome.kind not in ("wrong", "crashed"), f"[{outcome.category}]\n{outcome.message}"


def test_the_generator_is_deterministic_and_varied():
    first = [wild_programs.build("d", i) for i in range(20)]
    again = [wild_programs.build("d", i) for i in range(20)]
    assert [p.source for p in first] == [p.source for p in again]
    assert all(np.array_equal(a, b) for p, q in zip(first, again) for a, b in zip(p.args, q.args))
    assert len({p.how for p in first}) >= 3


def test_the_oracle_catches_a_wrong_gradient(monkeypatch):
    """A wrong number, a backward writing into its input: both reported, so the oracle is not vacuous."""
    import backgen

    source = wild_programs.HEADER + "def f(x):\n    return np.sum(np.tanh(x) * 2.0, axis=0)\n"
    x = wild_programs.draw_input(wild_programs.random.Random(0), (3, 4))
    program = wild_programs.Program(source, source, ["x"], {"x": (3, 4)}, [x], "shapes=", "t", 0, 1)
    assert wild_programs.check(program).kind == "ok"
    real = backgen.generate
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace("2.0", "2.001"))
    outcome = wild_programs.check(program)
    assert outcome.kind == "wrong" and outcome.category == "gradient mismatch", outcome.message
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace("    return dx", "    x[0] = 0.0\n    return dx"))
    outcome = wild_programs.check(program)
    assert outcome.kind == "wrong" and outcome.category == "backward modifies an input", outcome.message
