"""Differential fuzzing of backgen on programs shaped like real code (``tests/real_mutants.py``).

Each program is an idiom of real NumPy or math code (a CS231n layer or loss, an autograd
example, NumPy's aliasing and indexing) after a few random mutations; it must be refused with
``BackgenError`` or give a backward matching central finite differences that leaves its inputs,
``dout`` and cache alone.  The long run is ``python benchmarks/fuzz_real.py --count 3000``.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import real_mutants  # noqa: E402


@pytest.mark.sampled
@pytest.mark.parametrize("index", range(40))
def test_mutated_real_programs(index):
    program = real_mutants.build("test", index)
    outcome = real_mutants.check(program, timeout=60)
    assert outcome.kind not in ("wrong", "crashed"), f"[{outcome.category}]\n{outcome.message}"


def test_every_idiom_runs_and_the_generator_is_deterministic():
    """Each idiom runs on its inputs unmutated; a program is rebuilt the same from (seed, index)."""
    import random

    for name, spec, source in real_mutants.IDIOMS:
        params = [real_mutants.Param(t) for t in spec.split()]
        args = real_mutants.draw_inputs(random.Random(name), params)
        outs = real_mutants._runs(real_mutants.HEADER + source, args)
        assert outs is not None and real_mutants._sane_outputs(outs, real_mutants._is_layer(
            real_mutants.ast.parse(source))), name
    first = [real_mutants.build("0", i) for i in range(30)]
    again = [real_mutants.build("0", i) for i in range(30)]
    assert [p.source for p in first] == [p.source for p in again]
    assert all(np.array_equal(a, b) for p, q in zip(first, again) for a, b in zip(p.args, q.args))
    assert {p.how for p in first} == {"annotations", "docstring", "shapes=", "none"}
    assert any(p.mutations for p in first) and any(p.layer for p in first)


def test_the_layer_oracle_catches_a_wrong_gradient(monkeypatch):
    """The oracle of layers returning (out, cache) is not vacuous: a wrong number is reported."""
    import backgen

    source = real_mutants.HEADER + "def f(x):\n    out = np.tanh(x) * 2.0\n    cache = (x,)\n    return out, cache\n"
    params = [real_mutants.Param("x:3,4")]
    args = real_mutants.draw_inputs(real_mutants.random.Random(0), params)
    program = real_mutants.RealProgram(source, params, args, "shapes=", {"x": "3, 4"}, 0, None, "test", [], True)
    assert real_mutants.check(program).kind == "ok"
    real = backgen.generate
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace("2.0 * dout", "2.001 * dout"))
    outcome = real_mutants.check(program)
    assert outcome.kind == "wrong" and outcome.category == "gradient mismatch", outcome.message
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace("    return dx", "    x[0] = 0.0\n    return dx"))
    outcome = real_mutants.check(program)  # a backward writing into its cache
    assert outcome.kind == "wrong" and outcome.category == "backward writes into the cache", outcome.message
