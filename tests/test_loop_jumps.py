"""Loops whose bodies jump from anywhere: ``break`` and ``continue`` nested in branches at any
depth, in a branch of an if that itself breaks or continues, in both branches of an if, and
bare at the end of a body; loops inside loops with jumps of their own.

Random bodies of such loops, over a number (``math``) and over an array of three (NumPy, shapes
given): each backward matches central finite differences at several inputs, or the program
is refused with a ``BackgenError``.  An input within reach of a test's threshold (where the
differences step across it) is left out: the differences at two step sizes disagree there.
"""

import functools
import random

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again

UPDATES = {"math": ["v = v * {c} + math.sin(v) * 0.1", "v *= {c}", "w = w + v * {c}"],
           "numpy": ["v = v * {c} + np.sin(v) * 0.1", "v *= {c}", "v = v + np.roll(v, 1) * 0.1",
                     "w = w + v * {c}"]}
TESTS = {"math": ["math.sin(v * {k}) > 0.0", "v > {t}", "w > {t}"],
         "numpy": ["np.sin(v.sum() * {k}) > 0.0", "v.mean() > {t}", "v[0] > {t}"]}


def _block(rng, kind, depth, indent, loops):
    """Lines of a block: updates, ifs (an else half the time), inner loops, and (inside a loop)
    a jump ending the block."""
    lines, pad = [], "    " * indent
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.4 or depth == 0:
            lines.append(pad + rng.choice(UPDATES[kind]).format(c=rng.choice(["1.1", "0.9", "1.3", "0.7"])))
        elif r < 0.75:
            test = rng.choice(TESTS[kind]).format(k=rng.randint(1, 9), t=round(rng.uniform(0.3, 3.0), 1))
            lines.append(f"{pad}if {test}:")
            lines += _block(rng, kind, depth - 1, indent + 1, loops)
            if rng.random() < 0.5:
                lines.append(f"{pad}else:")
                lines += _block(rng, kind, depth - 1, indent + 1, loops)
        elif r < 0.85 and loops < 2:
            if rng.random() < 0.5:
                lines.append(f"{pad}for j{loops} in range({rng.randint(0, 3)}):")
            else:
                lines += [f"{pad}k{loops} = 0", f"{pad}while k{loops} < {rng.randint(1, 3)}:", f"{pad}    k{loops} += 1"]
            lines += _block(rng, kind, depth - 1, indent + 1, loops + 1)
        else:
            lines.append(pad + rng.choice(["break", "continue"]))
            break
    return lines


def program(seed, kind):
    rng = random.Random(f"{kind}:{seed}")
    module = "import math" if kind == "math" else "import numpy as np"
    return "\n".join([module, "", "def f(v):", "    w = v * 0.5", "    for i in range(4):",
                      *_block(rng, kind, 3, 2, 1), "        v = v + 0.05 * i * w", "    return v * w", ""])


def _agrees(forward, args, douts, got):
    """Whether ``got`` matches central differences, or None where differences at two step sizes
    disagree (a threshold within a step)."""
    want = finite_differences(forward, args, [0], douts)[0]
    if np.allclose(got, want, rtol=1e-4, atol=1e-4):
        return True
    closer = finite_differences(forward, args, [0], douts, eps=1e-8)[0]
    return None if not np.allclose(closer, want, rtol=1e-3, atol=1e-3) else False


CASES = [("math", s) for s in range(200)] + [("numpy", s) for s in range(60)]


@functools.lru_cache(maxsize=None)
def backward_text(kind, seed):
    """The backward's text for the program, or None where it is refused."""
    source, shapes = program(seed, kind), {"v": (3,)} if kind == "numpy" else None
    try:
        text = backgen.generate(source, name="f", shapes=shapes)
    except backgen.BackgenError:
        return None
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    return text


@pytest.mark.sampled
@pytest.mark.parametrize("kind,seed", CASES)
def test_a_loop_jumping_from_anywhere(kind, seed):
    source = program(seed, kind)
    namespace = {}
    exec(source, namespace)
    text = backward_text(kind, seed)
    if text is None:
        return  # (refused: a clear error is allowed, never a wrong gradient; how many, below)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    inputs = np.random.default_rng(seed)
    checked = 0
    for _ in range(5):
        v = inputs.uniform(-0.5, 2.5, 3) if kind == "numpy" else float(inputs.uniform(-0.5, 2.5))
        dout = inputs.uniform(-1.0, 1.0, 3) if kind == "numpy" else 1.0
        got = generated["f_backward"](np.copy(v) if kind == "numpy" else v, dout)
        agrees = _agrees(namespace["f"], [v], (dout,), got)
        assert agrees is not False, f"wrong gradient at v = {v!r} for\n{source}\n{text}"
        checked += agrees is True
    assert checked >= 3, f"too few inputs away from the thresholds for\n{source}"


def test_the_programs_hold_every_kind_of_jump():
    """The generator reaches what the tests are for: a jump in a branch of an if that jumps, in both
    branches of an if, and bare at the end of a loop's body."""
    sources = [program(seed, kind) for kind in ("math", "numpy") for seed in range(60)]
    nested = both = bare = 0
    for source in sources:
        lines = source.splitlines()
        depth = [len(line) - len(line.lstrip()) for line in lines]
        for k, line in enumerate(lines):
            if line.strip() in ("break", "continue"):
                bare += depth[k] == 8
                nested += depth[k] >= 16
        both += "else:" in source and any(
            lines[k].strip() in ("break", "continue") and lines[k + 1].strip() == "else:" for k in range(len(lines) - 1))
    assert nested >= 10 and both >= 3 and bare >= 10, (nested, both, bare)


def test_few_of_the_programs_are_refused():
    """Jumps are accepted wherever Python allows them in these loops (each path a branch), not
    refused: of the programs above, at most 1 in 50."""
    refused = [case for case in CASES if backward_text(*case) is None]
    assert len(refused) <= len(CASES) // 50, refused
