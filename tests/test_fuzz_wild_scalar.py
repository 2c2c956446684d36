"""Differential fuzzing of backgen on random plain-Python scalar programs in a varied style
(``tests/wild_scalar.py``): each must be refused with ``BackgenError`` or give a plain-Python
backward (no NumPy) matching central finite differences.  The long run is
``python benchmarks/fuzz_wild_scalar.py --count 3000``."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wild_scalar  # noqa: E402


@pytest.mark.sampled
@pytest.mark.parametrize("index", range(40))
def test_wild_scalar_programs(index):
    program = wild_scalar.build("test", index)
    outcome = wild_scalar.check(program, timeout=60)
    assert outcome.kind not in ("wrong", "crashed"), f"[{outcome.category}]\n{outcome.message}"


def test_the_generator_is_deterministic_and_varied():
    first = [wild_scalar.build("0", i) for i in range(40)]
    assert [p.source for p in first] == [wild_scalar.build("0", i).source for i in range(40)]
    text = "\n".join(p.source for p in first)
    for spelling in ("import math as m", "from math import", "while ", "for ", "if ", "return ", "**", " < "):
        assert spelling in text, spelling


def test_the_oracle_catches_a_wrong_gradient(monkeypatch):
    """The oracle is not vacuous: a wrong number, and NumPy in a plain backward, are reported."""
    import backgen

    program = wild_scalar.Program("import math\n\ndef f(x, y):\n    return math.sin(x) * y\n",
                                  ["x", "y"], [0.4, 1.3], ["x", "y"], 1)
    assert wild_scalar.check(program).kind == "ok"
    real = backgen.generate
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace("math.cos(x)", "1.01 * math.cos(x)"))
    outcome = wild_scalar.check(program)
    assert outcome.kind == "wrong" and outcome.category == "gradient mismatch", outcome.message
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: "import numpy as np\n" + real(*a, **k))
    assert wild_scalar.check(program).category == "plain output reads NumPy"
