"""backgen.explain and `backgen explain`: the numbers on every line, as the seed works them out."""

import numpy as np
import pytest

import backgen
from backgen.cli import main
from backgen.explain import fmt, gate_of, split_local

from conftest import EXAMPLES


def _lines_with(text, *parts):
    return [line for line in text.splitlines() if all(p in line for p in parts)]


def test_circuit_numbers_read_straight_off(example):
    circuit = example("circuit").circuit
    result = backgen.explain(circuit, -2, 5, -4)
    assert result["q"] == 3 and result["f"] == -12
    assert result["dz"] == 3 and result["dq"] == -4 and result["dx"] == -4 and result["dy"] == -4
    assert result.gradients == {"x": -4, "y": -4, "z": 3}
    text = str(result)
    assert _lines_with(text, "(1) q = x + y", "q = 3")
    assert _lines_with(text, "(2) f = q * z", "f = -12")
    assert _lines_with(text, "dq = z * dout", "local z = -4", "upstream dout = 1", "dq = -4")
    assert _lines_with(text, "dz = q * dout", "local q = 3", "dz = 3")
    assert _lines_with(text, "dx = dq", "local 1", "upstream dq = -4", "dx = -4")
    assert _lines_with(text, "dy = dq", "dy = -4")
    assert _lines_with(text, "(2) f = q * z", "multiply gate", "swaps")
    assert _lines_with(text, "(1) q = x + y", "add gate", "distributes")
    assert "gradients: dx = -4, dy = -4, dz = 3" in text


def test_sigmoid_neuron_numbers(example):
    neuron = example("sigmoid_neuron").neuron
    result = backgen.explain(neuron, w0=2.0, w1=-3.0, w2=-3.0, x0=-1.0, x1=-2.0)
    rounded = {k: round(float(v), 2) for k, v in result.gradients.items()}
    assert rounded == {"w0": -0.2, "w1": -0.39, "w2": 0.2, "x0": 0.39, "x1": -0.59}
    text = str(result)
    assert _lines_with(text, "ddot = ((1 - f) * f) * dout", "local (1 - f) * f = 0.1966", "ddot = 0.1966")
    assert _lines_with(text, "sigmoid gate", "(1 - s) s")
    assert _lines_with(text, "dw0 = x0 * dw0x0", "dw0 = -0.1966")
    assert _lines_with(text, "dx1 = w1 * dw1x1", "dx1 = -0.5898")
    assert _lines_with(text, "f = 1.0 / (1 + math.exp(-dot))", "f = 0.7311")


def test_staged_example_shows_accumulation(example):
    staged = example("staged").staged
    result = backgen.explain(staged, 3.0, -4.0)
    text = str(result)
    assert _lines_with(text, "dx += dnum", "now dx = 2.06")
    assert _lines_with(text, "(7) invden = 1.0 / den", "1/x gate")
    assert abs(result.gradients["x"] - 2.0595697) < 1e-6
    assert abs(result.gradients["y"] - 1.5922327) < 1e-6


def test_max_gate_routes(example):
    module = example("max_gate")
    text = str(backgen.explain(module.max_gate, 3.0, 1.0))
    assert _lines_with(text, "max gate: routes")
    assert "gradients: dx = 1, dy = 0" in text
    assert "ReLU" in str(backgen.explain(module.relu, -2.0))


def test_arrays_show_shapes_and_a_few_values():
    source = '''
import numpy as np

def affine_relu(x: "N, D", w: "D, M", b: "M"):
    h = x.dot(w) + b
    return np.maximum(0, h)
'''
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    result = backgen.explain(source, x, w, b, dout=np.ones((4, 5)))
    text = str(result)
    assert "(4, 5) [" in text and "…]" in text
    assert _lines_with(text, "db = ", "(5,) [")
    assert "ReLU" in text
    np.testing.assert_allclose(result.gradients["b"], (x.dot(w) + b > 0).sum(axis=0))


def test_loops_and_branches_show_their_last_run():
    source = '''
import numpy as np

def f(x: "T, D", h0: "D", T: int):
    h = h0
    for t in range(T):
        h = np.tanh(x[t] * h)
    if h.sum() > 0:
        y = h * 2
    else:
        y = h * 3
    return y.sum()
'''
    rng = np.random.default_rng(0)
    result = backgen.explain(source, rng.standard_normal((3, 2)), rng.standard_normal(2), 3)
    text = str(result)
    assert "(last of 3 runs)" in text and "for t in range(T):" in text and "(not run)" in text


def test_cs231n_forward_is_explained_without_its_cache():
    source = '''
import numpy as np

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache
'''
    result = backgen.explain(source, np.array([[1.0, -2.0]]))
    assert result.gradients["x"].tolist() == [[1.0, 0.0]]


def test_markdown_and_html_for_notebooks(example):
    result = backgen.explain(example("circuit").circuit, -2.0, 5.0, -4.0)
    markdown = result._repr_markdown_()
    assert "| line | staged forward | value |" in markdown and "dq = -4" in markdown
    page = result._repr_html_()
    assert page.count("<table") == 2 and "dz = 3" in page


def test_gates_and_local_gradients():
    assert gate_of("x + y").kind == "add" and gate_of("q * z").label == "×"
    assert gate_of("1.0 / (1 + math.exp(-dot))").kind == "sigmoid"
    assert gate_of("max(x, y)").kind == "max" and gate_of("np.maximum(0, x)").kind == "relu"
    assert gate_of("xpy ** 2").kind == "square" and gate_of("1.0 / den").kind == "reciprocal"
    assert split_local("z * dout", {"dout"}) == ("z", ["dout"])
    assert split_local("dq", {"dq"}) == ("1", ["dq"])
    assert split_local("dout / den", {"dout"}) == ("1 / den", ["dout"])
    assert split_local("dout if a >= b else 0.0", {"dout"})[0] == "1.0 if a >= b else 0.0"
    assert split_local("dout.dot(w.T)", {"dout"}, "numpy") == ("", ["dout"])
    assert fmt(3.0) == "3" and fmt(-0.19661193) == "-0.1966" and fmt(np.zeros((2, 3))) == "(2, 3) [0, 0, 0, …]"


def test_needs_inputs():
    with pytest.raises(TypeError, match="give the inputs"):
        backgen.explain(lambda x: x)


# the command line


def test_command_line_explain(capsys):
    path = EXAMPLES / "circuit.py"
    assert main(["explain", str(path), "--function", "circuit", "--at", "x=-2,y=5,z=-4"]) == 0
    out = capsys.readouterr().out
    assert _lines_with(out, "q = 3") and _lines_with(out, "dz = 3") and _lines_with(out, "dx = -4")
    assert main(["explain", str(EXAMPLES / "sigmoid_neuron.py"), "--at", "w0=2,w1=-3,w2=-3",
                 "--at", "x0=-1,x1=-2"]) == 0
    assert "dx1 = -0.5898" in capsys.readouterr().out


def test_command_line_random_inputs_and_errors(tmp_path, capsys):
    assert main(["explain", str(EXAMPLES / "wx_norm.py")]) == 0
    out = capsys.readouterr().out
    assert "random inputs" in out and "(2, 2) [" in out
    assert main(["explain", str(EXAMPLES / "staged.py")]) == 1
    assert "--function" in capsys.readouterr().err
    assert main(["explain", str(EXAMPLES / "circuit.py"), "--at", "x=-2,w=1"]) == 1
    assert "does not take" in capsys.readouterr().err
    untyped = tmp_path / "untyped.py"
    untyped.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(x * x)\n")
    assert main(["explain", str(untyped)]) == 1
    err = capsys.readouterr().err
    assert "--at" in err and "--shape" in err
    assert main(["explain", str(untyped), "--shape", "x=3"]) == 0
    assert "(3,) [" in capsys.readouterr().out


def test_show_staged_is_the_new_spelling_of_stage_staged(capsys):
    path = str(EXAMPLES / "circuit.py")
    assert main([path, "--show", "staged"]) == 0
    shown = capsys.readouterr().out
    assert main([path, "--stage", "staged"]) == 0
    assert capsys.readouterr().out == shown
    assert "q = x + y  # (1)" in shown and "f = q * z  # (2)" in shown


def test_command_line_says_where_the_forward_or_the_backward_fails_at_the_inputs_given(tmp_path, capsys):
    # explain at x = 0 of math.sqrt(x) said "FILE: ZeroDivisionError: float division by zero", at
    # x = -1 "FILE: ValueError: math domain error", naming neither the function nor the line
    path = tmp_path / "root.py"
    path.write_text("import math\n\ndef g(x):\n    return math.sqrt(x)\n")
    assert main(["explain", str(path), "--at", "x=0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "root.py: the backward of g() fails at x=0 on dx = (0.5 / out) * dout" in err
    assert main(["explain", str(path), "--at", "x=-1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "root.py: g() fails at x=-1: ValueError: math domain error" in err
    assert main(["explain", str(path), "--at", "x=4"]) == 0
