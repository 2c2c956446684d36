"""The command line, called in-process as ``main(argv)``."""

import subprocess
import sys

import pytest

from backgen.cli import main

from conftest import EXAMPLES, ROOT

FORWARD = """\
import math


def circuit(x, y, z):
    q = x + y
    return q * z


def neuron(w, x):
    return 1.0 / (1 + math.exp(-(w * x)))
"""


@pytest.fixture
def forward_file(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(FORWARD)
    return path


def test_writes_every_backward_to_stdout(forward_file, capsys):
    assert main([str(forward_file)]) == 0
    out = capsys.readouterr().out
    assert "def circuit_backward(x, y, z, dout=1.0):" in out
    assert "def neuron_backward(w, x, dout=1.0):" in out
    assert out.count("import math") == 1
    compile(out, "<cli>", "exec")


def test_function_and_wrt_options(forward_file, capsys):
    assert main([str(forward_file), "--function", "circuit", "--wrt", "x,z"]) == 0
    out = capsys.readouterr().out
    assert "neuron" not in out
    assert "return dx, dz" in out
    assert "backgen model.py --function circuit --wrt x,z" in out


def test_output_file_is_importable(forward_file, tmp_path):
    target = tmp_path / "model_backward.py"
    assert main([str(forward_file), "-o", str(target)]) == 0
    namespace = {}
    exec(target.read_text(), namespace)
    assert namespace["circuit_backward"](-2.0, 5.0, -4.0) == (-4.0, -4.0, 3.0)


def test_staged_view(forward_file, capsys):
    assert main([str(forward_file), "--stage", "staged", "-f", "neuron"]) == 0
    assert capsys.readouterr().out == (
        "def neuron(w, x):\n"
        "    wx = w * x  # (1)\n"
        "    out = 1.0 / (1 + math.exp(-wx))  # (2)\n"
        "    return out\n"
    )


def test_error_is_one_line_with_location_and_no_output_file(tmp_path, capsys):
    path = tmp_path / "bad.py"
    path.write_text("def f(x):\n    return x\n\ndef g(x):\n    y = [x for x in x]\n    return y\n")
    target = tmp_path / "bad_backward.py"
    assert main([str(path), "-o", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{path}:5:9: list comprehensions are not supported\n"
    assert captured.out == ""
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_existing_output_is_untouched_on_error(tmp_path, capsys):
    path = tmp_path / "bad.py"
    path.write_text("def f(x):\n    return foo(x)\n")
    target = tmp_path / "out.py"
    target.write_text("previous")
    assert main([str(path), "-o", str(target)]) == 1
    assert target.read_text() == "previous"


def test_missing_file(tmp_path, capsys):
    assert main([str(tmp_path / "nope.py")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(str(tmp_path / "nope.py") + ": cannot read file")
    assert "Traceback" not in err


def test_unknown_function_name(forward_file, capsys):
    assert main([str(forward_file), "--function", "missing"]) == 1
    assert "no function named 'missing'" in capsys.readouterr().err


def test_syntax_error(tmp_path, capsys):
    path = tmp_path / "broken.py"
    path.write_text("def f(x):\n    return (x\n")
    assert main([str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}:2:")


def test_file_is_never_executed(tmp_path, capsys):
    marker = tmp_path / "ran"
    path = tmp_path / "effects.py"
    path.write_text(f"open({str(marker)!r}, 'w').close()\n\ndef f(x):\n    return x * x\n")
    assert main([str(path)]) == 0
    assert not marker.exists()


def test_python_dash_m_on_a_seed_example():
    result = subprocess.run([sys.executable, "-m", "backgen", str(EXAMPLES / "circuit.py")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EXAMPLES / "circuit_backward.py").read_text().replace(
        "backgen circuit.py -o circuit_backward.py", "backgen circuit.py")


def test_wrt_applies_to_each_function_where_it_can(forward_file, capsys):
    assert main([str(forward_file), "--wrt", "x,w"]) == 0
    out = capsys.readouterr().out
    assert "return dx\n" in out  # circuit(x, y, z): only x
    assert "return dx, dw\n" in out  # neuron(w, x), in the order --wrt lists them


def test_wrt_naming_no_parameter_of_a_function(forward_file, capsys):
    assert main([str(forward_file), "--wrt", "z"]) == 1
    assert "names none of the parameters of neuron()" in capsys.readouterr().err
