"""Differential fuzzing of backgen on random forwards in CS231n's layer form (``tests/layer_programs.py``).

Each program returns ``(out, cache)``; it must be refused with ``BackgenError`` or get a
``f_backward(dout, cache)`` that, handed a read-only copy of the cache, matches central finite
differences and leaves the cache and ``dout`` alone.  The long run is
``python benchmarks/fuzz_real.py --layers --count 3000``.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import layer_programs  # noqa: E402
import real_mutants  # noqa: E402


@pytest.mark.sampled
@pytest.mark.parametrize("index", range(32))
def test_random_layers(index):
    program = layer_programs.build("test", index)
    outcome = real_mutants.check(program, timeout=60)
    assert outcome.kind not in ("wrong", "crashed"), f"[{outcome.category}]\n{outcome.message}"


def test_the_layer_generator_is_deterministic_and_covers_its_forms():
    """A program is rebuilt the same from (seed, index); the forms the generator promises appear."""
    first = [layer_programs.build("0", i) for i in range(40)]
    again = [layer_programs.build("0", i) for i in range(40)]
    assert [p.source for p in first] == [p.source for p in again]
    assert all(p.layer for p in first)
    assert {p.idiom for p in first} == {"dense", "sandwich", "rnn", "pool"}
    assert {p.how for p in first} == {"annotations", "docstring", "shapes=", "none"}
    text = "".join(p.source for p in first)
    for form in ("cache = (", "_cache = ", "cache.append(", "if mode == 'train'", "] += ", ".T", "for k in range(2)"):
        assert form in text, form


def test_the_layer_oracle_catches_a_write_into_a_dict_in_the_cache(monkeypatch):
    """The cache may hold a dict of settings: a backward changing it is reported."""
    import backgen

    source = real_mutants.HEADER + ("def f(x, cfg):\n    mode = cfg['mode']\n    out = np.tanh(x) * 2.0\n"
                                    "    cache = (x, cfg)\n    return out, cache\n")
    params = [real_mutants.Param("x:3,4"), real_mutants.Param("cfg:cfg")]
    args = real_mutants.draw_inputs(real_mutants.random.Random(0), params)
    program = real_mutants.RealProgram(source, params, args, "shapes=", {"x": "3, 4"}, 0, None, "test", [], True)
    assert real_mutants.check(program).kind == "ok"
    real = backgen.generate
    monkeypatch.setattr(backgen, "generate", lambda *a, **k: real(*a, **k).replace(
        "    return dx", "    cfg['mode'] = 'test'\n    return dx"))
    outcome = real_mutants.check(program)
    assert outcome.kind == "wrong" and outcome.category == "backward writes into the cache", outcome.message


def test_a_layer_reading_a_mode_is_checked_as_a_function_of_its_arrays_in_both_modes():
    """``real_mutants.as_arrays``: the layer renamed, called by a function of the same parameters returning
    its output alone (whose backward takes the arrays), at the inputs' mode and the other one."""
    source = real_mutants.HEADER + ("def f(x, cfg):\n    mode = cfg['mode']\n    cache = None\n"
                                    "    if mode == 'train':\n        cache = (x, cfg)\n"
                                    "    out = np.tanh(x) if mode == 'train' else x * 3.0\n    return out, cache\n")
    params = [real_mutants.Param("x:3,4"), real_mutants.Param("cfg:cfg")]
    args = real_mutants.draw_inputs(real_mutants.random.Random(0), params)
    args[1] = dict(args[1], mode="train")
    program = real_mutants.RealProgram(source, params, args, "shapes=", {"x": "3, 4"}, 0, None, "test", [], True)
    variants = real_mutants.as_arrays(program)
    assert [v.args[1]["mode"] for v in variants] == ["train", "test"]
    assert all("def f_layer(x, cfg):" in v.source and "o0, cache = f_layer(x, cfg)" in v.source and not v.layer
               for v in variants)
    assert all(real_mutants.fuzz_programs.check(v).kind == "ok" for v in variants)
    assert real_mutants.check(program).kind == "ok"
