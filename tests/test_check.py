"""backgen.check and `backgen check`: the user's backward against the generated one."""

import numpy as np
import pytest

import backgen
from backgen.cli import main

from conftest import load_module

LAYERS = '''\
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
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def affine_backward_no_batch_sum(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout
    return dx, dw, db


def affine_backward_transposed(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = dout.T.dot(x)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def affine_backward_square_transposed(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.T.dot(dout).T
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx


def sigmoid_forward(x):
    out = 1 / (1 + np.exp(-x))
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    s = cache
    dx = dout * s * (1 - s)
    return dx


def sigmoid_backward_no_local(dout, cache):
    s = cache
    dx = dout
    return dx


def layer_with_dict_cache(x, w):
    h = x.dot(w)
    out = np.maximum(0, h)
    cache = {"x": x, "w": w, "h": h}
    return out, cache


def layer_with_dict_cache_backward(dout, cache):
    x, w, h = cache["x"], cache["w"], cache["h"]
    dh = dout * (h > 0)
    return dh.dot(w.T), x.T.dot(dh)


def broken_backward(dout, cache):
    x, w, b = cache
    return dout.dot(w), None, None
'''

SCALAR = '''\
import math


def circuit(x, y, z):
    q = x + y
    f = q * z
    return f


def circuit_backward(x, y, z, dout):
    q = x + y
    dz = q * dout
    dq = z * dout
    dx = 1.0 * dq
    dy = 1.0 * dq
    return dx, dy, dz


def staged(x, y):
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    return f


def staged_backward(x, y, dout):
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    dnum = invden * dout
    dinvden = num * dout
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


def staged_backward_no_accumulation(x, y, dout):
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy**2
    den = sigx + xpysqr
    invden = 1.0 / den
    dnum = invden * dout
    dinvden = num * dout
    dden = (-1.0 / (den**2)) * dinvden
    dsigx = (1) * dden
    dxpysqr = (1) * dden
    dxpy = (2 * xpy) * dxpysqr
    dx = (1) * dxpy
    dy = (1) * dxpy
    dx += ((1 - sigx) * sigx) * dsigx
    dx = (1) * dnum
    dsigy = (1) * dnum
    dy += ((1 - sigy) * sigy) * dsigy
    return dx, dy


def neuron(w0, w1, w2, x0, x1):
    dot = w0 * x0 + w1 * x1 + w2
    f = 1.0 / (1 + math.exp(-dot))
    return f


def neuron_backward_no_local(w0, w1, w2, x0, x1, dout):
    dot = w0 * x0 + w1 * x1 + w2
    f = 1.0 / (1 + math.exp(-dot))
    ddot = dout
    return x0 * ddot, x1 * ddot, ddot, w0 * ddot, w1 * ddot
'''


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "layers.py"
    path.write_text(LAYERS)
    return load_module(path)


@pytest.fixture(scope="module")
def scalar(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "scalar_layers.py"
    path.write_text(SCALAR)
    return load_module(path)


# the correct hand-written backwards pass


def test_correct_affine_backward_passes_at_random_inputs(layers):
    result = backgen.check(layers.affine_forward, layers.affine_backward)
    assert result.passed and bool(result)
    assert result.convention == "cache" and result.random
    assert [g.adjoint for g in result.gradients] == ["dx", "dw", "db"]
    assert all(g.error < 1e-10 for g in result.gradients)
    text = repr(result)
    assert "PASSED" in text and "affine_backward(dout, cache)" in text


def test_correct_affine_backward_passes_at_given_inputs(layers):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    result = backgen.check(layers.affine_forward, layers.affine_backward, x, w, b)
    assert result.passed and not result.random
    assert result.inputs["x"] is x


def test_correct_relu_and_sigmoid_backwards_pass(layers):
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert backgen.check(layers.relu_forward, layers.relu_backward, x).passed
    assert backgen.check(layers.sigmoid_forward, layers.sigmoid_backward, x).passed
    assert backgen.check(layers.relu_forward, layers.relu_backward, shapes={"x": "N, D"}).passed


def test_a_dict_cache_and_gradients_returned_directly(layers):
    result = backgen.check(layers.layer_with_dict_cache, layers.layer_with_dict_cache_backward,
                           shapes={"x": "N, D", "w": "D, M"})
    assert result.passed, str(result)


def test_correct_scalar_backward_in_the_args_convention(scalar):
    result = backgen.check(scalar.circuit, scalar.circuit_backward, -2.0, 5.0, -4.0)
    assert result.passed and result.convention == "args"
    assert backgen.check(scalar.staged, scalar.staged_backward).passed  # random scalars


# the classic mistakes


def test_catches_a_missing_sum_over_the_batch(layers):
    result = backgen.check(layers.affine_forward, layers.affine_backward_no_batch_sum)
    assert not result.passed
    assert result.wrong == ["db"]
    db = result["db"]
    assert "shape (4, 3)" in db.problem and "(3,)" in db.problem
    assert any("sum" in hint and "batch" in hint for hint in db.hints)
    assert "db = dout.sum(axis=0)" in db.generated
    assert [text for _, text in db.your_lines] == ["db = dout"]
    text = str(result)
    assert "WRONG" in text and "db = dout.sum(axis=0)" in text and "FAILED" in text


def test_catches_a_transposed_product(layers):
    result = backgen.check(layers.affine_forward, layers.affine_backward_transposed)
    assert result.wrong == ["dw"]
    assert any("transpose" in hint for hint in result["dw"].hints)
    assert any("dw = " in line and ".T.dot(dout)" in line for line in result["dw"].generated)


def test_catches_a_transposed_product_of_the_right_shape(layers):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    result = backgen.check(layers.affine_forward, layers.affine_backward_square_transposed, x, w, b)
    dw = result["dw"]
    assert not dw.passed and dw.rows  # a table of elements that differ
    assert dw.rows[0][0] and len(dw.rows[0]) == 3
    assert any("transpose" in hint for hint in dw.hints)
    assert "element" in str(result) and "backgen" in str(result)


def test_catches_a_missing_sigmoid_local_gradient(layers, scalar):
    result = backgen.check(layers.sigmoid_forward, layers.sigmoid_backward_no_local,
                           np.random.default_rng(0).standard_normal((3, 4)))
    dx = result["dx"]
    assert not result.passed and dx.rows
    assert any("(1 - out) * out" in hint and "missing" in hint for hint in dx.hints)
    assert "dx = ((1 - out) * out) * dout" in dx.generated
    result = backgen.check(scalar.neuron, scalar.neuron_backward_no_local, 2.0, -3.0, -3.0, -1.0, -2.0)
    assert sorted(result.wrong) == ["dw0", "dw1", "dw2", "dx0", "dx1"]
    assert "ddot = ((1 - f) * f) * dout" in str(result)


def test_catches_a_missing_accumulation_for_a_value_used_twice(scalar):
    result = backgen.check(scalar.staged, scalar.staged_backward_no_accumulation, 3.0, -4.0)
    assert result.wrong == ["dx"]
    dx = result["dx"]
    assert any("+=" in hint and "contribution" in hint for hint in dx.hints)
    generated = "\n".join(dx.generated)
    assert generated.count("dx +=") == 2  # every contribution is shown
    assert "# (3) sigx = " in generated and "# (2) num = x + sigy" in generated


def test_a_backward_that_raises_fails_with_its_message(layers):
    result = backgen.check(layers.affine_forward, layers.broken_backward)
    assert not result.passed
    assert "broken_backward raised ValueError" in result.failure
    assert "FAILED" in str(result)


def test_random_inputs_need_shapes_for_numpy_code(layers):
    with pytest.raises(backgen.BackgenError, match="--shape x=N,D"):
        backgen.check(layers.relu_forward, layers.relu_backward)


# the command line


@pytest.fixture
def layers_file(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text(LAYERS)
    return path


def test_command_line_passes_with_status_0(layers_file, capsys):
    assert main(["check", str(layers_file), "--forward", "affine_forward", "--backward", "affine_backward"]) == 0
    assert "PASSED" in capsys.readouterr().out


def test_command_line_fails_with_status_1_and_the_right_line(layers_file, capsys):
    status = main(["check", str(layers_file), "--forward", "affine_forward",
                   "--backward", "affine_backward_no_batch_sum"])
    assert status == 1
    out = capsys.readouterr().out
    assert "db = dout.sum(axis=0)" in out and "WRONG" in out


def test_command_line_at_and_shape(layers_file, tmp_path, capsys):
    assert main(["check", str(layers_file), "--forward", "relu_forward", "--backward", "relu_backward",
                 "--at", "x=[[1,-2,3],[-4,5,-6]]"]) == 0
    assert "x = (2, 3)" in capsys.readouterr().out
    assert main(["check", str(layers_file), "--forward", "relu_forward", "--backward", "relu_backward",
                 "--shape", "x=N,D"]) == 0
    capsys.readouterr()
    scalar = tmp_path / "scalar.py"
    scalar.write_text(SCALAR)
    assert main(["check", str(scalar), "--forward", "staged", "--backward", "staged_backward_no_accumulation",
                 "--at", "x=3,y=-4"]) == 1
    assert "dx +=" in capsys.readouterr().out


def test_command_line_says_what_is_missing(layers_file, capsys):
    assert main(["check", str(layers_file), "--forward", "relu_forward", "--backward", "relu_backward"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--at" in err and "--shape" in err and "layers.py" in err
    assert main(["check", str(layers_file), "--forward", "nope", "--backward", "relu_backward"]) == 1
    assert "no function named 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--at", "x=1e400"], ["--at", "x=[1.0,-1e999]"], ["--tol", "-1"], ["--tol", "nan"]])
def test_command_line_refuses_infinite_inputs_and_tolerances_below_zero(layers_file, capsys, option):
    # --at x=1e400 read as inf and reported "WRONG, relative error inf" of a right backward; --tol -1 was
    # taken, and every gradient reported wrong
    assert main(["check", str(layers_file), "--forward", "relu_forward", "--backward", "relu_backward",
                 "--shape", "x=N,D"] + option) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "layers.py" in err and ("not finite" in err or "--tol" in err)
