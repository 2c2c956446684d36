"""The command line, called in-process as ``main(argv)``."""

import errno
import io
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

import backgen
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
    path.write_text("def f(x):\n    return x\n\ndef g(x):\n    y = {t for t in [x]}\n    return y\n")
    target = tmp_path / "bad_backward.py"
    assert main([str(path), "-o", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"{path}:5:9: set comprehensions are not supported\n"
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


# --- bad input and output paths ------------------------------------------------------------

def assert_one_line_error(captured, start):
    """One line on stderr, beginning ``start``; nothing on stdout, no traceback."""
    assert captured.out == ""
    assert captured.err.startswith(start), captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_output_into_a_missing_directory(forward_file, tmp_path, capsys):
    target = tmp_path / "nowhere" / "model_backward.py"
    assert main([str(forward_file), "-o", str(target)]) == 1
    assert_one_line_error(capsys.readouterr(), f"{target}: cannot write the output: the directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]


def test_output_naming_a_directory(forward_file, tmp_path, capsys):
    assert main([str(forward_file), "-o", str(tmp_path)]) == 1
    assert_one_line_error(capsys.readouterr(), f"{tmp_path}: cannot write the output: it is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]


@pytest.mark.parametrize("spelling", ["same", "dotted", "link"])
def test_output_naming_the_input_is_refused(forward_file, tmp_path, capsys, spelling):
    target = {"same": str(forward_file), "dotted": str(tmp_path / "." / "model.py"),
              "link": str(tmp_path / "link.py")}[spelling]
    if spelling == "link":
        (tmp_path / "link.py").symlink_to(forward_file)
    assert main([str(forward_file), "-o", target]) == 1
    assert_one_line_error(capsys.readouterr(), f"{forward_file}: refusing to overwrite the input file")
    assert forward_file.read_text() == FORWARD


def test_dash_writes_to_stdout(forward_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([str(forward_file), "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert "def circuit_backward(x, y, z, dout=1.0):" in out
    assert "-o" not in out.splitlines()[2]  # the header's command writes to stdout too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py"]


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"backgen {backgen.__version__}\n"


def test_unknown_function_lists_the_functions_there_are(forward_file, capsys):
    assert main([str(forward_file), "--function", "circuit", "--function", "nosuch"]) == 1
    assert_one_line_error(capsys.readouterr(),
                          f"{forward_file}:1:1: no function named 'nosuch' in model.py; it defines circuit, neuron")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_output_file_gets_the_umask(forward_file, tmp_path, umask, mode):
    target = tmp_path / "out.py"
    old = os.umask(umask)
    try:
        assert main([str(forward_file), "-o", str(target)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_replaced_output_file_keeps_its_permissions(forward_file, tmp_path):
    target = tmp_path / "out.py"
    target.write_text("previous")
    target.chmod(0o640)
    assert main([str(forward_file), "-o", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "def circuit_backward" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.py", "out.py"]


DEEP = {
    "3,000 nested negations": "def f(x):\n    return " + "-" * 3000 + "x\n",
    "5,000-term sum": "def f(x):\n    return " + " + ".join(["x"] * 5000) + "\n",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=list(DEEP))
def test_deeply_nested_expressions(tmp_path, capsys, source):
    path = tmp_path / "deep.py"
    path.write_text(source)
    target = tmp_path / "deep_backward.py"
    assert main([str(path), "-o", str(target)]) == 0
    namespace = {}
    exec(target.read_text(), namespace)
    assert namespace["f_backward"](0.5) == (5000.0 if "+" in source else 1.0)


def test_too_deep_for_python_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "deep.py"
    path.write_text("def f(x):\n    return " + " ** ".join(["x"] * 3000) + "\n")
    result = subprocess.run([sys.executable, "-m", "backgen", str(path)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}: the function is nested too deeply")
    assert result.stderr.count("\n") == 1


def test_deep_file_in_a_fresh_process(tmp_path):
    path = tmp_path / "deep.py"
    path.write_text(DEEP["5,000-term sum"])
    result = subprocess.run([sys.executable, "-m", "backgen", str(path)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "def f_backward(x, dout=1.0):" in result.stdout


def test_byte_order_mark_is_accepted(tmp_path, capsys):
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfdef f(x):\n    return x * 3.0\n")
    assert main([str(path)]) == 0
    assert "def f_backward(x, dout=1.0):" in capsys.readouterr().out


def test_declared_encoding_is_accepted(tmp_path, capsys):
    path = tmp_path / "latin.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\ndef f(x):\n    return x * 3.0  # \xe9\n")
    assert main([str(path)]) == 0
    assert "def f_backward(x, dout=1.0):" in capsys.readouterr().out


@pytest.mark.parametrize("data, where, message", [
    (b"def f(x):\n    return x * 2  # caf\xe9\n", "2:24", "the source is not valid utf-8: byte 0xe9"),
    (b"def f(x):\n    return x *\x00 2\n", "2:15", "the source contains a null byte"),
    (b"\xff\xfed\x00e\x00f\x00", "1:1", "the source is not valid utf-8: byte 0xff"),
], ids=["latin-1 byte", "null byte", "UTF-16"])
def test_undecodable_files(tmp_path, capsys, data, where, message):
    path = tmp_path / "bad.py"
    path.write_bytes(data)
    target = tmp_path / "out.py"
    assert main([str(path), "-o", str(target)]) == 1
    assert_one_line_error(capsys.readouterr(), f"{path}:{where}: {message}")
    assert not target.exists()


def test_recursion_points_at_the_call(tmp_path, capsys):
    path = tmp_path / "rec.py"
    path.write_text("def f(x):\n    return g(x) * 2.0\n\n\ndef g(x):\n    return 1.0 + f(x)\n")
    assert main([str(path), "-f", "f"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{path}:6:18: g() calls f() back: recursion is not supported")


def test_internal_error_is_one_line(forward_file, capsys, monkeypatch):
    from backgen import cli

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(cli.emit, "module_source", broken)
    assert main([str(forward_file)]) == 1
    assert_one_line_error(capsys.readouterr(), f"{forward_file}: internal error in backgen: KeyError")


def test_every_function_s_problem_is_reported(tmp_path, capsys):
    path = tmp_path / "two.py"
    path.write_text("import numpy as np\ndef f(x, i):\n    return np.sum(np.delete(x[i], 1))\n\n"
                    "def g(x, y):\n    return np.sum(np.ones((3, 4))[np.arange(x.shape[0]), y] * x)\n")
    assert main([str(path)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:3:5:") and "--shape x=N,D" in lines[0]
    assert lines[1].startswith(f"{path}:5:1:") and '"int N" for integer labels' in lines[1]


STUDENT_LAYERS = '''\
import numpy as np


def affine_forward(x, w, b):
    """
    Inputs:
    - x: A numpy array containing input data, of shape (N, D)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    out = None
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx, dw, db = None, None, None
    # TODO: Implement the affine backward pass.
    return dx, dw, db


def relu_forward(x):
    """
    Input:
    - x: Inputs, of shape (N, D)
    """
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    dx, x = None, cache
    dx = dout * (x > 0)
    return dx
'''


def test_a_file_s_own_backward_functions_are_left_out(tmp_path, capsys):
    """The student's layers.py holds forward functions and their backward stubs (or answers): the
    backward of each forward is written, under the name the course uses, and the file's own backward
    functions are left out, not differentiated (a stub's None is not a number)."""
    path = tmp_path / "layers.py"
    path.write_text(STUDENT_LAYERS)
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "Left out: affine_backward() (of affine_forward()), relu_backward() (of relu_forward())" in out
    assert "def affine_backward(dout, cache):" in out and "def relu_backward(dout, cache):" in out
    assert "backward_backward" not in out and "affine_backward2" not in out
    namespace = {}
    exec(out, namespace)
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((4, 2))
    dx, dw, db = namespace["affine_backward"](dout, (x, w, b))
    np.testing.assert_allclose(dx, dout @ w.T)
    np.testing.assert_allclose(dw, x.T @ dout)
    np.testing.assert_allclose(db, dout.sum(axis=0))
    np.testing.assert_allclose(namespace["relu_backward"](dout, x[:, :2]), dout * (x[:, :2] > 0))
    # named with --function, a backward of the file is differentiated as any function is
    assert main([str(path), "--function", "relu_backward"]) == 0
    assert "def relu_backward_backward(" in capsys.readouterr().out


FC_NET = '''import numpy as np


def affine_relu(x, w, b):
    """x: (N, D), w: (D, M), b: (M,)"""
    return np.maximum(0, x.dot(w) + b)


class TwoLayerNet(object):
    def __init__(self, hidden_dim=100):
        self.params = {}

    def loss(self, X, y=None):
        return np.sum(affine_relu(X, self.params["W1"], self.params["b1"]))
'''


def test_a_file_s_methods_are_named_with_the_way_to_differentiate_them(tmp_path, capsys):
    path = tmp_path / "fc_net.py"
    path.write_text(FC_NET)
    assert main([str(path), "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert "Methods not written: TwoLayerNet.loss(); decorate one with @backgen.backward" in out
    assert "def affine_relu_backward(x, w, b, dout):" in out
    only = tmp_path / "net.py"  # no function but the methods: said so, at the file
    only.write_text(FC_NET.replace("def affine_relu", "def _affine_relu").split("def _affine_relu")[0] +
                    "class Net:\n    def loss(self, X):\n        return np.sum(X * X)\n")
    assert main([str(only)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{only}:1:1: no top-level function to differentiate, only methods (Net.loss)")


NUMPY_FORWARD = "import numpy as np\n\n\ndef f(x):\n    return np.sum(x)\n"


@pytest.fixture
def numpy_file(tmp_path):
    path = tmp_path / "np1.py"
    path.write_text(NUMPY_FORWARD)
    return path


@pytest.mark.parametrize("shape, message", [
    ("x=-1,2", "--shape 'x=-1,2': cannot read a shape from '-1,2': the dimension -1 is negative"),
    ("x=2**3", "--shape 'x=2**3': cannot read a shape from '2**3': the dimension '2**3' is not a size"),
    ("y=N", "--shape names 'y', which is not a parameter of f() (parameters: x)"),
])
def test_a_shape_that_cannot_be_used_is_one_line(numpy_file, capsys, shape, message):
    # (a negative size was an 'internal error'; a name of no parameter was ignored)
    assert main([str(numpy_file), "--shape", shape]) == 1
    assert_one_line_error(capsys.readouterr(), f"{numpy_file}: {message}")


def test_shapes_go_to_the_functions_with_those_parameters(forward_file, capsys):
    assert main([str(forward_file), "--shape", "z=float"]) == 0  # circuit(x, y, z) only
    assert "def neuron_backward(w, x, dout=1.0):" in capsys.readouterr().out
    assert main([str(forward_file), "--shape", "q=3"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{forward_file}: --shape names 'q', which is not a parameter of any "
                                               "function differentiated (circuit(): x, y, z; neuron(): w, x)")


@pytest.mark.parametrize("command", ["explain", "html", "graph"])
def test_a_bad_at_value_names_the_file(forward_file, capsys, command):
    # (named '<string>')
    assert main([command, str(forward_file), "-f", "circuit", "--at", "x=abc"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{forward_file}: --at 'x=abc': 'abc' is not a number")
    assert main([command, str(forward_file), "-f", "circuit", "--at", "x=1,y=2,z=3", "--shape", "q=N"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{forward_file}: --shape names 'q', which is not a parameter of "
                                               "circuit() (parameters: x, y, z)")


def test_sizes_too_large_for_memory_are_not_called_nesting(numpy_file, capsys):
    # (the MemoryError of making the sample arrays was reported as the function nested too deeply)
    assert main([str(numpy_file), "--shape", "x=1000000000,1000000000"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{numpy_file}:4:1: the sample array of x, of shape (1000000000, "
                                               "1000000000) (7.45e+09 GiB), does not fit in memory: backgen runs the "
                                               "forward on arrays of the sizes given; give smaller sizes")


def test_output_inside_a_file_is_not_a_missing_directory(forward_file, capsys):
    # (said "the directory model.py does not exist")
    target = f"{forward_file}/out.py"
    assert main([str(forward_file), "-o", target]) == 1
    assert_one_line_error(capsys.readouterr(), f"{target}: cannot write the output: {forward_file} is not a directory")


def test_output_through_a_symbolic_link_writes_the_file_it_names(forward_file, tmp_path):
    # (the link was replaced by a regular file, the file it named left as it was)
    (tmp_path / "target.py").write_text("previous")
    (tmp_path / "target.py").chmod(0o640)
    (tmp_path / "link.py").symlink_to("target.py")
    assert main([str(forward_file), "-o", str(tmp_path / "link.py")]) == 0
    assert os.readlink(tmp_path / "link.py") == "target.py"
    assert "def circuit_backward" in (tmp_path / "target.py").read_text()
    assert stat.S_IMODE((tmp_path / "target.py").stat().st_mode) == 0o640
    (tmp_path / "dangling.py").symlink_to("new.py")
    assert main([str(forward_file), "-o", str(tmp_path / "dangling.py")]) == 0
    assert (tmp_path / "dangling.py").is_symlink() and "def circuit_backward" in (tmp_path / "new.py").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.py", "link.py", "model.py", "new.py", "target.py"]


def test_output_into_a_fifo_is_written_through_it(forward_file, tmp_path):
    # (the FIFO was replaced by a regular file)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # (a reader there: the write does not wait for one)
    try:
        assert main([str(forward_file), "-o", str(fifo)]) == 0
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert "def circuit_backward" in received


def test_output_into_a_device_is_written_through_it_and_its_errors_reported(forward_file, tmp_path, capsys):
    # devices made here (copies of /dev/null and /dev/full), which the old code replaced by regular files
    null, full = tmp_path / "null", tmp_path / "full"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except (PermissionError, OSError):
        pytest.skip("making device nodes needs privileges")
    assert main([str(forward_file), "-o", str(null)]) == 0
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    capsys.readouterr()
    assert main([str(forward_file), "-o", str(full)]) == 1
    assert_one_line_error(capsys.readouterr(), f"{full}: cannot write the output: No space left on device")
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_standard_output_that_cannot_be_written_is_one_line(forward_file, capsys, monkeypatch):
    # (a closed standard output was an "internal error ... 'NoneType' object has no attribute 'write'")
    result = subprocess.run([sys.executable, "-m", "backgen", str(forward_file)], capture_output=False,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == f"{forward_file}: cannot write the output: standard output is closed\n"

    class Full(io.StringIO):
        def write(self, text):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sys, "stdout", Full())
    assert main([str(forward_file)]) == 1
    assert main(["explain", str(forward_file), "-f", "circuit", "--at", "x=1,y=2,z=3"]) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err == f"{forward_file}: cannot write the output: No space left on device\n" * 2


LAYER = """\
import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    return dx, dw, db
"""


def test_check_uses_the_inputs_given_and_draws_the_others_to_fit(tmp_path, capsys):
    # (--at was ignored where some inputs were not given: every input was random)
    path = tmp_path / "layers.py"
    path.write_text(LAYER)
    command = ["check", str(path), "--forward", "affine_forward", "--backward", "affine_backward",
               "--shape", "x=N,D", "--shape", "w=D,M", "--shape", "b=M"]
    assert main(command + ["--at", "x=[[1,2],[3,4],[5,6]]"]) == 0
    out = capsys.readouterr().out
    assert "  inputs (w, b random, seed 0): x = (3, 2) [1, 2, 3, …], w = (2, 4) " in out
    assert main(command + ["--at", "x=1"]) == 1
    assert_one_line_error(capsys.readouterr(), f"{path}: --at: affine_forward() fails on the inputs given (and w, b "
                                               "drawn at random): AttributeError: 'float' object has no attribute")


def test_a_function_without_parameters_is_left_out_and_named_in_the_header(tmp_path, capsys):
    path = tmp_path / "layers.py"
    path.write_text("import numpy as np\n\ndef affine(x: 'N, D', w: 'D, M'):\n    return x @ w\n\n"
                    "def main():\n    x = np.ones((2, 3))\n    print(affine(x, x.T))\n\n"
                    "if __name__ == '__main__':\n    main()\n")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "def affine_backward(x, w, dout):" in out and "def main_backward" not in out
    assert "Left out: main(), which takes no parameters: nothing to differentiate." in out
    only = tmp_path / "main_only.py"
    only.write_text("def main():\n    print(1.0)\n")
    assert main([str(only)]) == 1
    assert capsys.readouterr().err == f"{only}:1:1: no function with parameters to differentiate (name one with " \
                                      "--function)\n"
