"""The seed's worked examples: golden files, executed and gradient-checked."""

import math
import os

import pytest

import backgen
from backgen import cli

from conftest import EXAMPLES

SOURCES = sorted(p for p in EXAMPLES.glob("*.py") if not p.stem.endswith("_backward"))


def generated_text(path):
    """What the command line writes for ``path``; a first line ``# backgen: OPTIONS`` adds options."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    options = first.split(":", 1)[1].split() if first.startswith("# backgen:") else []
    output = str(path.with_name(path.stem + "_backward.py"))
    return cli.run(cli.build_parser().parse_args([str(path), *options, "-o", output]))


_FIRST = {}  # path -> the text the golden test generated for it (generated again, it must be the same)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_golden_file_is_regenerated_byte_for_byte(path):
    golden = path.with_name(path.stem + "_backward.py")
    text = _FIRST[path] = generated_text(path)
    if os.environ.get("BACKGEN_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden.name}; run with BACKGEN_UPDATE_GOLDEN=1"
    assert golden.read_text(encoding="utf-8") == text


def test_generation_is_deterministic():
    """Generated again in one process (after other generations), each text is the same.  The
    CS231n student's file, whose naive convolution alone takes longer than all the others, is left
    to the golden test, which compares it with the text generated in another process."""
    for path in [p for p in SOURCES if p.name != "cs231n_student.py"]:
        first = _FIRST[path] if path in _FIRST else generated_text(path)
        assert generated_text(path) == first


ORDER_SENSITIVE = [  # sources whose text once came out in an order Python's string hashing decided
    ("def f(a, b):\n    return sum(x * y for x, y in zip(a, b))\n", None),
    ('import numpy as np\n\ndef f(X: "2, 4", W: "2, 4"):\n    for i in range(2):\n        d = W\n'
     '        e = W.reshape(4, 2)\n        e *= e\n    return np.sum(e) * (d @ e)\n', None),
    ('import numpy as np\n\ndef f(X: "1, 4", W: "1, 4"):\n    for i in range(2):\n        d = W\n'
     '        e = W.reshape(4, 1)\n        e *= e\n    return e * (d @ e)\n', None),  # (a view of any W)
    ('import numpy as np\n\ndef f(X: "2, 4", W: "4, 2"):\n    for i in range(2):\n        d = W\n'
     '        e = W.T.reshape(4, 2)\n        e *= e\n    return np.sum(e) * (d.T @ e)\n', None),  # (of no W: refused)
]


def test_generation_does_not_depend_on_the_processes_hash_seed():
    """Byte-identical in every process: names and messages never follow the order of a set."""
    import subprocess
    import sys

    script = ("import sys, backgen\nfor source, shapes in eval(sys.stdin.read()):\n    try:\n"
              "        print(backgen.generate(source, name='f', shapes=shapes))\n"
              "    except backgen.BackgenError as exc:\n        print(exc)\n")
    texts = []
    for seed in ("1", "2", "5"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=os.pathsep.join(sys.path))
        done = subprocess.run([sys.executable, "-c", script], input=repr(ORDER_SENSITIVE), env=env,
                              capture_output=True, text=True, check=True)
        texts.append(done.stdout)
    assert "x1 = a[k]" in texts[0] and "'W' may have been changed" in texts[0]
    assert "_c_contiguous(W, 'W', 'reshape', 6)" in texts[0]  # (code for W C-contiguous, which it checks)
    assert texts[0] == texts[1] == texts[2]


def test_circuit_matches_seed(example):
    grad = example("circuit_backward").circuit_backward
    assert grad(-2.0, 5.0, -4.0) == (-4.0, -4.0, 3.0)


def test_max_gate_routes(example):
    module = example("max_gate_backward")
    assert module.max_gate_backward(4.0, 2.0) == (1.0, 0.0)
    assert module.max_gate_backward(-1.0, 2.0, 3.0) == (0.0, 3.0)
    assert module.relu_backward(2.0, 5.0) == 5.0
    assert module.relu_backward(-2.0, 5.0) == 0.0


def test_neuron_matches_seed(example):
    dw0, dw1, dw2, dx0, dx1 = example("sigmoid_neuron_backward").neuron_backward(2.0, -3.0, -3.0, -1.0, -2.0)
    # the seed's hand-written backward
    w, x = [2, -3, -3], [-1, -2]
    dot = w[0] * x[0] + w[1] * x[1] + w[2]
    f = 1.0 / (1 + math.exp(-dot))
    ddot = (1 - f) * f
    dx = [w[0] * ddot, w[1] * ddot]
    dw = [x[0] * ddot, x[1] * ddot, 1.0 * ddot]
    assert (dw0, dw1, dw2, dx0, dx1) == pytest.approx(dw + dx)
    assert [round(v, 1) for v in (dw0, dx0, dw1, dx1, dw2)] == [-0.2, 0.4, -0.4, -0.6, 0.2]


def seed_staged_backward(x, y):
    """The seed's hand-written staged backward (example 4), verbatim."""
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    dnum = invden
    dinvden = num
    dden = (-1.0 / (den**2)) * dinvden
    dsigx = (1) * dden
    dxpysqr = (1) * dden
    dxpy = (2 * xpy) * dxpysqr
    dx = (1) * dxpy
    dy = (1) * dxpy
    dx += ((1 - sigx) * sigx) * dsigx
    dx += (1) * dnum
    dsigy = (1) * dnum
    dy += ((1 - sigy) * sigy) * dsigy
    return dx, dy


@pytest.mark.parametrize("function", ["staged_backward", "oneliner_backward"])
def test_staged_matches_seed(example, function):
    grad = getattr(example("staged_backward"), function)
    assert grad(3.0, -4.0) == pytest.approx(seed_staged_backward(3.0, -4.0), rel=1e-12)


def test_staged_reads_like_the_seed():
    text = (EXAMPLES / "staged_backward.py").read_text()
    for line in [
        "dnum = invden * dout",
        "dden = (-1.0 / den / den) * dinvden",
        "dsigx = dden",
        "dxpy = (2 * xpy) * dxpysqr",
        "dx += ((1 - sigx) * sigx) * dsigx",
        "dy += ((1 - sigy) * sigy) * dsigy",
        "# (6) den = sigx + xpysqr",
    ]:
        assert line in text


def test_oneliner_is_staged_into_the_seeds_lines():
    staged = backgen.api.staged((EXAMPLES / "staged.py").read_text(), name="oneliner")
    assert [str(op.target) for op in staged.body] == ["sigy", "num", "sigx", "xpy", "xpysqr", "den", "out"]


def test_gates_are_the_seeds_gate_classes(example):
    module = example("gates_backward")
    assert module.multiply_backward(3.0, -2.0, 5.0) == (-10.0, 15.0)
    assert module.add_backward(3.0, -2.0, 5.0) == (5.0, 5.0)


POINTS = {
    "circuit": [(-2.0, 5.0, -4.0), (0.5, 1.5, 2.0)],
    "max_gate": [(3.0, -1.0), (-1.0, 3.0)],
    "relu": [(2.0,), (-2.0,)],
    "neuron": [(2.0, -3.0, -3.0, -1.0, -2.0), (0.1, 0.2, 0.3, 0.4, 0.5)],
    "staged": [(3.0, -4.0), (0.5, 1.0)],
    "oneliner": [(3.0, -4.0), (0.5, 1.0)],
    "multiply": [(3.0, -2.0)],
    "add": [(3.0, -2.0)],
}


SCALAR_SOURCES = [EXAMPLES / f"{name}.py" for name in ("circuit", "max_gate", "sigmoid_neuron", "staged", "gates")]


@pytest.mark.parametrize("path", SCALAR_SOURCES, ids=lambda p: p.name)
def test_scalar_examples_pass_gradcheck(path, example):
    module = example(path.stem)
    functions = [name for name in vars(module) if name in POINTS]
    assert functions, f"no gradcheck points for {path.name}"
    for name in functions:
        for point in POINTS[name]:
            assert backgen.gradcheck(getattr(module, name), *point) < 1e-6
