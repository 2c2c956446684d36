"""NumPy backwards written with no shapes given: one module, run at several shapes and ranks.

Each forward is generated once without annotations, ``shapes=`` or ``--shape``; the module is
then run on inputs of several shapes (ranks, broadcasting, numbers among arrays), and each
gradient is compared with central differences (``numeric``) and with the backward backgen writes
for those very shapes.
"""

import ast
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen
from backgen import BackgenError
from backgen.api import compile_backward
from backgen.cli import main
from numeric import assert_close, finite_differences, gradient, weighted


def _run(text, name):
    namespace = {"__builtins__": __builtins__}
    exec(compile(text, f"<{name}>", "exec"), namespace)
    return namespace[name]


def check(source, name, *cases, wrt=None):
    """Generate ``name``'s backward with no shapes, then check it on each case (a tuple of inputs)."""
    text = backgen.generate(source, name=name, wrt=wrt)
    assert "Shape-generic" in text
    backward = _run(text, f"{name}_backward")
    forward = _run("import numpy as np\n" + source, name)
    rng = np.random.default_rng(0)
    checked = []
    for args in cases:
        out = forward(*args)
        dout = 1.0 if np.ndim(out) == 0 else rng.normal(size=np.shape(out))
        grads = _separate(backward, args, dout, len(wrt or _params(source, name)))
        params = wrt or [p for p in _params(source, name)]
        positions = [_params(source, name).index(p) for p in params]
        try:
            special, _, _ = compile_backward(source, name=name, wrt=wrt, args=args)
        except BackgenError:  # beyond what the code written for shapes takes (np.dot of 3-D arrays)
            special = None
        else:
            expected = special(*args, dout)
            expected = expected if isinstance(expected, tuple) else (expected,)
        for j, (k, got) in enumerate(zip(positions, grads)):
            assert np.shape(got) == np.shape(args[k]), (name, k, [np.shape(a) for a in args])
            want = gradient(weighted(forward, [dout]), list(args), k)
            assert_close(np.asarray(got, dtype=float), want)
            if special is not None:
                assert_close(np.asarray(got, dtype=float), np.asarray(expected[j], dtype=float),
                             rtol=1e-10, atol=1e-12)
        checked.append(special is not None)
    assert sum(checked) >= 2  # compared with the code written for the shapes at least twice
    return text


def _separate(backward, args, dout, count):
    """The gradients, checked to leave the inputs and dout alone and to be arrays of their own."""
    before, dout_before = [np.copy(a) for a in args], np.copy(dout)
    grads = backward(*args, dout)
    grads = grads if count > 1 else (grads,)
    for a, b in zip(args, before):
        assert np.array_equal(a, b)
    assert np.array_equal(dout, dout_before)
    for i, g in enumerate(grads):
        if isinstance(g, np.ndarray) and g.ndim:
            assert g.flags.writeable
            others = [h for j, h in enumerate(grads) if j != i] + [a for a in args] + [dout]
            assert not any(isinstance(h, np.ndarray) and np.shares_memory(g, h) for h in others)
    return grads


def _params(source, name):
    func = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return [a.arg for a in func.args.args]


def r(*shape, seed=[0]):
    seed[0] += 1
    return np.random.default_rng(seed[0]).normal(size=shape)


WX_NORM = """
def wx_norm(W, x):
    q = W.dot(x)
    f = np.sum(np.square(q), axis=0)
    return f
"""

TWO_LAYER = """
def two_layer_net(x, y, w1, w2):
    h = 1 / (1 + np.exp(-x.dot(w1)))
    y_pred = h.dot(w2)
    loss = np.square(y_pred - y).sum()
    return loss
"""


def test_seed_wx_norm_without_shapes():
    text = check(WX_NORM, "wx_norm", (r(2, 2), r(2, 1)), (r(3, 4), r(4, 2)), (r(3, 4), r(4)),
                 (r(2, 3, 4), r(4, 2)), (r(3), r(3, 2)))
    assert "dq = (2 * q) * _unreduced(dout, q, 0)" in text and "dW = _dot_grad_a(dq, W, x)" in text


def test_seed_two_layer_net_without_shapes():
    check(TWO_LAYER, "two_layer_net", (r(5, 4), r(5, 3), r(4, 6), r(6, 3)),
          (r(2, 7), r(2, 2), r(7, 3), r(3, 2)),
          (r(5, 4), r(3), r(4, 6), r(6, 3)),  # targets broadcast along the batch
          (r(4), r(2), r(4, 3), r(3, 2)))  # one example, as vectors


def test_the_cli_writes_the_shape_free_backward(tmp_path, capsys):
    path = tmp_path / "wx.py"
    path.write_text("import numpy as np\n" + WX_NORM + TWO_LAYER)
    out = tmp_path / "wx_backward.py"
    assert main([str(path), "-o", str(out)]) == 0
    text = out.read_text()
    assert "--shape W=N,D" in text and "def wx_norm_backward(" in text and "def two_layer_net_backward(" in text
    assert text.count("def _dot_grad_a(") == 1  # each helper once, though both functions call it
    tree = ast.parse(text)
    imported = [a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names] + [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imported == ["numpy"]  # standalone: nothing of backgen
    namespace = {}
    exec(compile(text, str(out), "exec"), namespace)
    W, x = r(3, 4), r(4, 2)
    dW, dx = namespace["wx_norm_backward"](W, x, np.ones(2))
    assert_close(dW, 2 * (W @ x) @ x.T)
    assert_close(dx, 2 * W.T @ (W @ x))


def test_shapes_given_still_write_the_hand_style_code():
    text = backgen.generate(WX_NORM, shapes={"W": "2, 2", "x": "2, 1"})
    assert "Shape-generic" not in text and "_dot_grad" not in text and "dW = dq.dot(x.T)" in text


BIAS = """
def layer(x, w, b):
    return np.tanh(x.dot(w) + b)
"""


def test_bias_broadcast_along_the_batch():
    text = check(BIAS, "layer", (r(4, 3), r(3, 5), r(5)), (r(4, 3), r(3, 5), r(1, 5)),
                 (r(4, 3), r(3, 5), r(4, 1)), (r(4, 3), r(3, 5), r(4, 5)), (r(4, 3), r(3, 5), 0.3),
                 (r(2, 4, 3), r(3, 5), r(5)))
    assert "_unbroadcast(" in text


def test_column_against_row_and_numbers_against_arrays():
    source = "def f(a, b, s):\n    return np.sum(s * a * b + a / (2.0 + b * b))\n"
    check(source, "f", (r(3, 1), r(1, 4), 0.7), (r(3, 1), r(1, 4), r(3, 4)), (r(4), r(2, 4), r(2, 1)),
          (0.5, r(3, 2), r(2)))


def test_reductions_with_axes_and_keepdims():
    source = """
def f(x, w):
    centered = x - x.mean(axis=-1, keepdims=True)
    top = np.max(x * w, axis=0)
    return np.sum(centered ** 2, axis=1) * 2.0 + np.sum(top) + np.mean(x * w, axis=(0, 1)).sum()
"""
    check(source, "f", (r(3, 4), r(4)), (r(3, 4), r(3, 1)), (r(2, 3, 4), r(4)), (r(5, 2, 3), r(2, 1)))


def test_dot_and_matmul_with_vectors_and_matrices():
    source = """
def f(A, v, B):
    u = A @ v
    s = u.dot(B)
    return np.sum(s * s) + np.dot(v, v)
"""
    check(source, "f", (r(3, 4), r(4), r(3, 2)), (r(3, 4), r(4, 4), r(4, 2)), (r(2, 3, 4), r(4), r(3)),
          (r(4), r(4, 4), r(4)))


def test_reshape_transpose_and_indexing():
    source = """
def f(x, w):
    flat = x.reshape(x.shape[0], -1)
    scores = flat.T.dot(w)
    first = scores[0]
    return np.sum(first * first) + np.sum(np.transpose(x)[..., 0] * 2.0) + np.sum(x[:, 1:] ** 3)
"""
    check(source, "f", (r(3, 4), r(3, 2)), (r(3, 2, 2), r(3, 5)), (r(3, 4), r(3)))


def test_a_loop():
    source = """
def f(x, w):
    total = 0.0
    for k in range(3):
        total = total + np.sum(np.tanh(x * w + k) ** 2)
    return total
"""
    check(source, "f", (r(2, 4), r(4)), (r(4), r(4)), (r(3, 2, 4), r(2, 1)), (0.5, r(3)))


RNN = """
def rnn(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = h0
    total = 0.0
    for t in range(T):
        h = np.tanh(x[:, t, :].dot(Wx) + h.dot(Wh) + b)
        total = total + np.sum(h * h)
    return total
"""


def test_a_loop_carrying_an_array():
    """x's rank comes from N, T, D = x.shape; the others' from the sample runs that work."""
    text = check(RNN, "rnn", (r(3, 4, 5), r(3, 6), r(5, 6), r(6, 6), r(6)),
                 (r(2, 3, 4), r(2, 5), r(4, 5), r(5, 5), r(1, 5)), (r(1, 2, 3), r(1, 3), r(3, 3), r(3, 3), r(3)))
    assert "_same_shape(h, h_shape, 'h')" in text


def test_a_carried_array_that_changes_shape_stops_the_backward():
    """h + b gives h more rows at run time: the shape-generic backward, written for one shape per
    value, says so rather than return a gradient."""
    text = backgen.generate("def f(h, W, b):\n    for t in range(3):\n        h = np.tanh(h @ W + b)\n"
                            "    return np.sum(h ** 2)\n")
    backward = _run(text, "f_backward")
    with pytest.raises(ValueError, match="h changes shape in this loop, from \\(4,\\) to \\(3, 4\\)"):
        backward(r(4), r(4, 4), r(3, 4))
    forward = _run("import numpy as np\ndef f(h, W, b):\n    for t in range(3):\n        h = np.tanh(h @ W + b)\n"
                   "    return np.sum(h ** 2)\n", "f")
    args = [r(3, 4) * 0.5, r(4, 4) * 0.5, r(1, 4) * 0.5]
    for k, got in enumerate(backward(*args)):
        assert_close(got, gradient(weighted(forward, [1.0]), list(args), k))


def test_integer_labels_and_counts_without_shapes():
    """y indexes (an integer array, not differentiated); k bounds a slice (an integer)."""
    source = """
def loss(scores, y, k):
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = scores.shape[0]
    return -np.sum(log_probs[np.arange(N), y][:k]) / N
"""
    labels = np.array([2, 0, 1, 2])
    text = check(source, "loss", (r(4, 3), labels, 3), (r(4, 5), labels, 4), wrt=("scores",))
    assert "def loss_backward(scores, y, k, dout=1.0):" in text


def test_batchnorm_spreads_without_shapes():
    source = """
def bn(x, gamma, beta):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + 1e-5)
    return gamma * xhat + beta + np.std(x, axis=-1, keepdims=True)
"""
    check(source, "bn", (r(5, 3), r(3), r(3)), (r(5, 3), r(1, 3), 0.2), (r(4, 5, 3), r(3), r(5, 1)))


def test_a_rule_with_no_shape_free_form_asks_for_the_shapes():
    with pytest.raises(BackgenError, match="--shape x=N,D") as caught:
        backgen.generate("def f(x, y):\n    s = np.prod(x * y, axis=(0, 1))\n    return np.sum(s * s)\n")
    assert caught.value.lineno == 2 and '"int N"' in str(caught.value)
    assert "np.prod depends on the shapes of its operands" in str(caught.value)


def _invertible(*shape):
    return r(*shape) * 0.3 + 2 * np.eye(shape[-1])


def test_matrix_functions_of_one_matrix_or_a_stack():
    check("def f(A, B):\n    return np.sum(np.linalg.inv(A) * B) + np.linalg.det(A) * np.trace(B)\n", "f",
          (_invertible(3, 3), r(3, 3)), (_invertible(2, 2), r(4, 2, 2)))
    check("def f(A, B):\n    return np.sum(np.linalg.slogdet(A)[1] * B) + np.sum(np.linalg.matrix_power(A, 3))\n",
          "f", (_invertible(3, 3), 0.5), (_invertible(4, 2, 2), r(4)), (_invertible(2, 2), r(3)))


def test_solve_with_vectors_matrices_and_stacks():
    check("def f(a, b, w):\n    return np.sum(np.linalg.solve(a, b) * w)\n", "f",
          (_invertible(3, 3), r(3), r(3)), (_invertible(3, 3), r(3, 2), 1.0),
          (_invertible(2, 3, 3), r(3), r(2, 3)), (_invertible(2, 3, 3), r(3, 4), 1.0))


def test_products_medians_and_ranges_along_an_axis():
    check("def f(x, w):\n    return np.sum(np.prod(x, axis=1) * w) + np.sum(np.cumprod(x, axis=-1) ** 2)\n", "f",
          (r(3, 4), r(3)), (r(2, 3, 4), r(2, 4)), (r(5, 2), 1.5))
    check("def f(x, w):\n    return np.sum(np.median(x, axis=0) * w) + np.ptp(x * w) + np.median(x)\n", "f",
          (r(3, 4), r(4)), (r(4, 3, 2), r(3, 2)), (r(5), 0.5))


def test_frobenius_and_two_norms_along_an_axis():
    check("def f(W, v):\n    return np.linalg.norm(W, 'fro') ** 2 + np.sum(np.linalg.norm(v, 2, axis=-1))\n", "f",
          (r(3, 4), r(2, 5)), (r(2, 2), r(3)), (r(4, 1), r(2, 3, 4)))


def test_diag_of_a_vector_or_of_a_matrix():
    check("def f(v, W):\n    return np.sum(np.sin(np.diag(v, 1)) * W)\n", "f",
          (r(3), r(4, 4)), (r(3, 3), r(2)), (r(2, 4), 1.5))


def test_tensordot_of_operands_of_several_ranks():
    check("def f(a, b):\n    return np.sum(np.sin(np.tensordot(a, b, axes=1)))\n", "f",
          (r(3, 4), r(4, 2)), (r(3, 2), r(2, 5, 3)), (r(4), r(4, 3)))


def test_cholesky_of_one_matrix_or_a_stack():
    check("def f(B, W):\n    A = B @ np.swapaxes(B, -1, -2) + 2.0 * np.eye(B.shape[-1])\n"
          "    return np.sum(np.linalg.cholesky(A) * W)\n", "f",
          (r(3, 3), r(3, 3)), (r(2, 4, 4), r(2, 4, 4)), (r(2, 2), 1.0))


def test_a_parameter_a_math_function_takes_is_a_number():
    check("import math\ndef f(x, a, b):\n    return np.sum((a - 1) * np.log(x)) - x.size * (math.lgamma(a) + math.lgamma(b))\n",
          "f", (np.abs(r(4)) + 0.5, 2.0, 3.0), (np.abs(r(2, 3)) + 0.5, 1.5, 2.5))


def test_a_name_in_a_branch_python_may_not_evaluate_is_not_taken_for_a_number():
    # X in `X if c else 3.0` is compared only where c is false: it may be an array
    check("def f(v, X, W):\n    if (X if not v.max() > 1.0 else 3.0) > 2.9:\n        return W * 2.0\n"
          "    return W * W\n", "f", (np.array([1.5, 0.2]), r(3, 4), r(3, 4)), (np.array([2.5]), r(2), r(2)))


def test_a_parameter_given_a_new_value_is_not_taken_for_a_number_by_later_tests():
    # the test and math.fabs read the new W and v, not the arrays given
    check("import math\ndef f(X, v, W):\n    W = v[0]\n    v = np.sum(X * W)\n    if not W > 0.7:\n"
          "        v = v * 0.9\n    return math.fabs(v) + np.sum(X)\n", "f",
          (r(3, 1), np.array([0.5, 0.2, 0.1]), r(1, 4)), (r(2), np.array([1.5]), r(3)))


def test_concatenation_along_an_axis():
    check("def f(x, y):\n    s = np.concatenate([x, y * 2.0], axis=-1)\n    return np.sum(s * s)\n", "f",
          (r(3, 4), r(3, 2)), (r(4), r(5)), (r(2, 3, 4), r(2, 3, 1)))


MAX_POOL = """
def max_pool_forward_naive(x, pool_param):
    out = None
    N, C, H, W = x.shape
    ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    H_out = 1 + (H - ph) // stride
    W_out = 1 + (W - pw) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * stride:i * stride + ph, j * stride:j * stride + pw])
    cache = (x, pool_param)
    return out, cache
"""


def test_a_layer_whose_loops_write_into_its_output():
    """No shapes, the user's cache: out is only written into, so no shape check is needed, and the
    backward zeroes one element of its copy of dout per step (never copies the whole of it)."""
    text = backgen.generate(MAX_POOL, name="max_pool_forward_naive")
    assert "_same_shape" not in text and "dout_1" not in text and text.count("np.copy(dout)") == 1
    forward = _run("import numpy as np\n" + MAX_POOL, "max_pool_forward_naive")
    backward = _run(text, "max_pool_backward_naive")
    x = np.random.default_rng(5).permutation(2 * 3 * 4 * 6).reshape(2, 3, 4, 6) * 0.1  # no ties
    param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = forward(x, param)
    dout = r(*out.shape)
    dx = backward(dout, cache)
    assert_close(dx, gradient(lambda x: np.sum(forward(x, param)[0] * dout), [x], 0))


def test_padding_of_every_width_spelling():
    check("def f(a, w):\n    return np.sum(np.pad(a * w, 1) ** 2) + np.sum(np.pad(a, (2, 0), constant_values=1.5) ** 3)\n",
          "f", (r(3), r(3)), (r(2, 3), r(3)), (r(2, 2, 3), r(2, 1, 3)))
    check("def f(x, pad):\n    return np.sum(np.pad(x, ((0, 0), (pad, pad + 1))) ** 2)\n", "f",
          (r(2, 3), 1), (r(4, 2), 0), wrt=("x",))


def test_a_shape_kept_by_a_loop_for_a_number_or_an_array():
    """Only a's shape is kept per iteration (np.shape: a may be a number)."""
    check("def f(s):\n    for i in range(3):\n        a = (s - (i + 1.0)) / (1.0 + s * s)\n"
          "        b = np.arange(4.0)\n    return np.max(b) * a\n", "f", (0.88,), (r(3),), (r(2, 3),))


DRAG = """
def drag_projectile(v0, theta, c):
    vx = v0 * np.cos(theta)
    vy = v0 * np.sin(theta)
    x, y = 0.0, 0.0
    for _ in range(20):
        speed = np.sqrt(vx ** 2 + vy ** 2)
        vx += -c * speed * vx * 0.05
        vy += (-9.81 - c * speed * vy) * 0.05
        x += vx * 0.05
    return x
"""


def test_a_loop_turning_numbers_into_arrays():
    """x and y start as numbers, which the first iteration makes arrays where v0 or theta are: the
    code holds for numbers and for arrays, and checks as it runs that x keeps the shape the first
    iteration gives it."""
    text = backgen.generate(DRAG)
    assert "x_shape = _shape_kept(x, x_shape, 'x')" in text
    backward = _run(text, "drag_projectile_backward")
    forward = _run("import numpy as np\n" + DRAG, "drag_projectile")
    for args in ([12.0, 0.7, 0.05], [np.array([12.0, 10.0, 8.0]), 0.7, 0.05],
                 [np.array([[12.0], [10.0]]), np.array([0.7, 0.5, 0.3]), 0.05]):
        dout = np.linspace(0.5, 1.5, np.size(forward(*args))).reshape(np.shape(forward(*args)))
        for k, got in enumerate(backward(*args, dout)):
            assert_close(got, gradient(weighted(forward, [dout]), args, k))


def test_a_number_compared_in_a_test():
    """reg > 0 in an if: reg is a number (an array there would make the forward fail)."""
    source = """
def loss(W, X, reg):
    data = np.sum(X.dot(W) ** 2)
    if reg > 0:
        data = data + reg * np.sum(W * W)
    return data
"""
    text = check(source, "loss", (r(3, 2), r(4, 3), 0.5), (r(3), r(4, 3), 0.1), (r(3, 2), r(5, 4, 3), -0.2))
    assert "if reg > 0:" in text


def test_shapes_that_cannot_be_worked_out_are_asked_for_in_every_function(tmp_path, capsys):
    path = tmp_path / "labels.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(x * x)\n\n"
                    "def pick(x, idx):\n    return np.sum(np.delete(x[idx], 1))\n\n"
                    "def outer(x, y):\n    return np.sum(np.prod(x * y, axis=(0, 1)))\n")
    assert main([str(path)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:7:5:") and "--shape x=N,D" in lines[0] and '"int N"' in lines[0]
    assert lines[1].startswith(f"{path}:10:5:") and "--shape x=N,D" in lines[1] and '"int N"' in lines[1]


def test_every_rule_written_without_shapes_is_right_at_the_coverage_shapes():
    """Each case of the rule-coverage test, generated without its shapes (once per call text):
    refused, or right at every shape the coverage test tries it with."""
    from test_rule_coverage import CASES, draw

    generated, refused, ran = {}, [], 0
    for case in CASES:
        name, rule, text, shapes, domains = case.values
        params = list(shapes)
        body = text if "return" in text else f"return {text}"
        body = "\n".join("    " + line.strip() for line in body.split(";"))
        source = f"def f({', '.join(params)}):\n{body}\n"
        if source not in generated:
            try:
                generated[source] = _run(backgen.generate(source), "f_backward")
            except BackgenError:
                generated[source] = None
                refused.append(name)
        backward = generated[source]
        if backward is None:
            continue
        forward = _run("import numpy as np\n" + source, "f")
        rng = np.random.default_rng(ran)
        default = dict(zip(rule.inputs, rule.domain or ()))
        for _ in range(20):  # values of different operands may tie too (np.maximum(a, b)): drawn again
            args = [draw(shapes[p], domains.get(p) or default.get(p, "any"), rng) for p in params]
            magnitudes = np.sort(np.concatenate([np.abs(np.ravel(a)) for a in args]))
            if np.all(np.diff(magnitudes) > 1e-4):
                break
        if "np." not in source and any(np.ndim(a) for a in args):
            continue  # (code calling no NumPy is written for numbers, as the README says: not given arrays)
        out = forward(*args)
        if not np.issubdtype(np.asarray(out).dtype, np.floating) or not np.all(np.isfinite(out)):
            continue  # (an all-NaN slice: no finite differences to compare with)
        dout = 1.0 if np.ndim(out) == 0 else rng.normal(size=np.shape(out))
        grads = _separate(backward, args, dout, len(params))
        for k, got in enumerate(grads):
            want = gradient(weighted(forward, [dout]), list(args), k)
            assert np.shape(got) == np.shape(args[k]), (text, shapes)
            assert_close(np.asarray(got, dtype=float), want, rtol=1e-4, atol=1e-6), (text, shapes)
        ran += 1
    assert ran >= 300, (ran, sorted(set(refused)))


def test_gradients_that_are_the_same_values_are_separate_arrays():
    check("def f(x, b):\n    return np.sum(x + b) + np.sum(x - b)\n", "f", (r(3, 4), r(3, 4)), (r(3, 4), r(4)),
          (r(3, 4), 0.5), (r(2), r(2)))
    check("def f(x, b):\n    return np.add(x, b)\n", "f", (r(3, 4), r(3, 4)), (r(3, 4), r(4)), (r(2), r(2)))


def test_a_helper_called_twice():
    source = """
def affine(x, w, b):
    return x.dot(w) + b

def net(x, w1, b1, w2, b2):
    h = np.maximum(0, affine(x, w1, b1))
    return np.sum(affine(h, w2, b2) ** 2)
"""
    text = check(source, "net", (r(4, 3), r(3, 5), r(5), r(5, 2), r(2)), (r(3), r(3, 5), r(1, 5), r(5, 2), 0.3),
                 (r(2, 4, 3), r(3, 5), r(5), r(5, 2), r(4, 1)))
    assert text.count("def affine_backward(") == 1


def test_a_write_of_a_lower_rank_value_and_a_softmax():
    check("def f(x, v):\n    y = x.copy()\n    y[0] = v\n    return np.sum(y * y)\n", "f",
          (r(3, 4), r(4)), (r(3, 4), r(1)), (r(2, 3, 4), r(3, 4)), (r(3, 4), 0.5))
    source = """
def loss(x, w):
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    p = e / np.sum(e, axis=1, keepdims=True)
    return np.sum(p * w)
"""
    check(source, "loss", (r(3, 4), r(3, 4)), (r(3, 4), r(4)), (r(2, 3, 4), r(3, 1)))


def test_outer_products_of_any_ranks():
    check("def f(a, b):\n    return np.sum(np.outer(a, b) ** 2)\n", "f", (r(3), r(4)), (r(2, 3), r(4)), (0.5, r(2, 2)))


def test_labels_annotated_and_scores_free():
    source = '''
def softmax_loss(x, y: "int N"):
    shifted = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
    log_probs = shifted - np.log(Z)
    N = x.shape[0]
    return -np.sum(log_probs[np.arange(N), y]) / N
'''
    text = check(source, "softmax_loss", (r(4, 3), np.array([0, 2, 1, 2])), (r(2, 5), np.array([4, 4])),
                 (r(3, 4, 2), np.array([1, 0, 1])), wrt=["x"])
    assert "Shape-generic: the shapes of x were not given" in text


def test_random_programs_generated_without_their_shapes():
    """The fuzzer's NumPy programs (float parameters only), generated with no shapes given: each is
    refused or right (the fuzzer's oracle: finite differences, inputs and dout left alone, the
    same text twice), never wrong."""
    import random

    from fuzz_programs import Program, RandomChooser, build
    from fuzz_programs import check as oracle

    outcomes = []
    for seed in range(60):
        program = build(RandomChooser(random.Random(seed)), "numpy")
        if program.annotated or any(s is int for s in program.shapes.values()):
            continue  # (an integer parameter, without its annotation, reads as an array)
        try:
            text = backgen.generate(program.source, name="f")
        except BackgenError:
            outcomes.append("refused")
            continue
        if "Shape-generic" not in text:
            continue  # a function using no NumPy itself is written for numbers
        # annotated=True: the oracle then passes no shapes= either
        free = Program(program.kind, program.source, program.params, program.shapes, program.args, True,
                       program.dout_seed, program.none_output)
        outcome = oracle(free)
        assert outcome.kind not in ("wrong", "crashed"), outcome.message
        outcomes.append(outcome.kind)
    assert outcomes.count("ok") >= 10, outcomes


def test_cumulative_sums_and_norms():
    source = """
def f(x, w):
    c = np.cumsum(x * w)
    d = np.cumsum(x, axis=-1)
    p = np.prod(np.tanh(x) + 1.5)
    return np.sum(c * c) + np.sum(d ** 3) + np.linalg.norm(x) + np.sum(np.linalg.norm(x * w, axis=0) ** 2) + p
"""
    check(source, "f", (r(3, 4), r(4)), (r(5), r(5)), (r(2, 3, 4), r(3, 1)))


def test_tiles_and_repeats():
    source = """
def f(x, b):
    N = x.shape[0]
    t = np.tile(b, (N, 1))
    u = np.repeat(x, 2, axis=0)
    v = np.repeat(b, 3)
    return np.sum(x * t) + np.sum(u ** 3) + np.sum(v ** 2)
"""
    check(source, "f", (r(3, 4), r(4)), (r(3, 4), r(1, 4)), (r(2, 4), r(2, 1, 4)), (r(2), r(2)))


def test_stacks_of_vectors_matrices_and_numbers():
    source = """
def f(a, b):
    h = np.hstack([a, b * 2.0, a])
    v = np.vstack((b, a))
    c = np.column_stack([a, b])
    return np.sum(h ** 2) + np.sum(np.sin(v)) + np.sum(c * c * c)
"""
    check(source, "f", (r(3), r(3)), (r(2, 3), r(2, 3)), (r(1, 3), r(1, 3)))


def test_a_list_of_arrays_of_several_shapes_iterated_gets_a_list_of_gradients():
    # written without shapes, `for W in Ws` holds for Ws one array, a list of arrays of one shape (an
    # array of gradients back) and a list of arrays of several shapes (a list of gradients back, x
    # changing shape from one iteration to the next)
    source = '''
def f(Ws, x):
    for W in Ws:
        x = np.tanh(x @ W)
    return np.sum(x)
'''
    rng = np.random.default_rng(1)
    check(source, "f", (rng.normal(size=(3, 4, 4)), np.ones((2, 4)) * 0.3),
          (rng.normal(size=(2, 3, 3)), rng.normal(size=3)))
    backward = _run(backgen.generate(source, name="f"), "f_backward")
    same = [np.eye(4) * 0.5, np.ones((4, 4)) * 0.1]
    got = backward(same, np.ones((2, 4)) * 0.3)
    forward = _run("import numpy as np\n" + source, "f")
    assert_close(got[0], gradient(forward, [np.array(same), np.ones((2, 4)) * 0.3], 0))
    several = [np.eye(4) * 0.5, np.ones((4, 2)) * 0.2]
    x = np.arange(8.0).reshape(2, 4) / 10
    got = backward(several, x)
    assert isinstance(got[0], list) and [np.shape(g) for g in got[0]] == [(4, 4), (4, 2)]
    want = gradient(forward, [several, x], 0)
    for g, w in zip(got[0], want):
        assert_close(g, w)
    assert_close(got[1], gradient(forward, [several, x], 1))


def test_gradients_written_into_zeros_are_floats_where_the_inputs_are_integers():
    """A list of ints or an int array given to shape-generic code: the gradient written element by
    element into zeros like x was truncated to x's dtype (a cosine of int lists gave zeros)."""
    source = '''
import math
def cosine_similarity(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    norm_a = math.sqrt(sum(x * x for x in a))
    norm_b = math.sqrt(sum(y * y for y in b))
    return dot / (norm_a * norm_b)

def squares(xs):
    s = 0.0
    for i in range(len(xs)):
        s += 0.3 * xs[i] ** 2
    return s
'''
    namespace = {}
    exec(source, namespace)
    for name, args in (("cosine_similarity", ([1, 2, 3], [4, 5, 7])), ("squares", (np.array([1, 2, 3]),))):
        backward = _run(backgen.generate(source, name=name), f"{name}_backward")
        grads = backward(*args, 1.0)
        grads = grads if isinstance(grads, tuple) else (grads,)
        for k, got in enumerate(grads):
            want = gradient(lambda *a: namespace[name](*a), [np.asarray(a, dtype=float) for a in args], k)
            assert_close(np.asarray(got), want)


def test_a_count_given_a_name_of_its_own_is_an_integer():
    """``H = num_heads`` then ``d = E // H`` and ``reshape(N, S, H, d)``: num_heads is a count (an
    integer sample), not an array, so code for every shape is written."""
    source = '''
import numpy as np
def heads(query, Wq, Wk, num_heads):
    N, S, E = query.shape
    H = num_heads
    d = E // H
    q = (query @ Wq).reshape(N, S, H, d).transpose(0, 2, 1, 3)
    k = (query @ Wk).reshape(N, S, H, d).transpose(0, 2, 1, 3)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    return np.sum(np.tanh(scores))
'''
    backward = _run(backgen.generate(source, name="heads"), "heads_backward")
    forward = _run(source, "heads")
    rng = np.random.default_rng(1)
    for E, H in ((4, 2), (6, 3), (6, 1)):
        args = [rng.normal(size=(2, 3, E)), rng.normal(size=(E, E)), rng.normal(size=(E, E)), H]
        for k, got in enumerate(backward(*args, 1.0)):
            assert_close(got, gradient(forward, args, k))


def test_a_forward_that_runs_on_no_sample_says_why():
    # (x.reshape(5, 7) * y runs on samples of the sizes the code writes: x and y of (5, 7); rows of a constant
    # picked by np.arange(N), N = x.shape[0], tie a size to the values of an index, which they do not follow)
    source = '''
import numpy as np
def f(x, y):
    N = x.shape[0]
    return np.sum(np.ones((3, 4))[np.arange(N), y] * x)
'''
    with pytest.raises(BackgenError, match=r"IndexError: index 3 is out of bounds for axis 0 with size 3 on "
                                           r"sample arrays \(x of shape \(6, 6\), y of shape \(6,\)\): the shapes "
                                           r"of x, y are needed"):
        backgen.generate(source)


@pytest.mark.parametrize("loop", [
    "    for (x0, x1), y in zip(xs, ys):\n",
    "    for i in range(len(xs)):\n        x0, x1, y = xs[i][0], xs[i][1], ys[i]\n",
])
def test_plain_python_over_lists_of_numbers_takes_them_as_sequences_and_the_rest_as_numbers(loop):
    """Plain Python looping over lists of points: arrays given for every parameter turn the loop's
    number into an array, and numbers cannot be indexed; the code is written for the lists as
    sequences of numbers (of pairs here) and the rest as numbers, and checks both as it starts."""
    source = ("import math\n\ndef loss(w0, w1, b, xs, ys, lam=0.01):\n    total = 0.0\n" + loop +
              "        z = w0 * x0 + w1 * x1 + b\n"
              "        p = 1.0 / (1.0 + math.exp(-z))\n"
              "        total -= y * math.log(p) + (1 - y) * math.log(1 - p)\n"
              "    return total / len(xs) + lam * (w0 ** 2 + w1 ** 2)\n")
    backward = _run(backgen.generate(source, name="loss", wrt=("w0", "w1", "b", "xs")), "loss_backward")
    forward = _run(source, "loss")
    args = [0.3, -0.5, 0.1, [(0.5, 1.0), (-1.0, 0.2), (0.3, -0.7)], [1, 0, 1]]
    for k, got in enumerate(backward(*args)):
        assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))
    with pytest.raises(TypeError, match="written for numbers w0, w1, b"):
        backward(np.ones(2), -0.5, 0.1, *args[3:])
    with pytest.raises(TypeError, match="written for xs as numbers in 2 levels"):
        backward(*args[:3], np.ones((3, 2, 2)), args[4])


def test_labels_a_helper_indexes_with_after_slicing_are_labels():
    """captions[:, :-1] handed to a helper reading W[x, :]: captions holds labels (integer samples)."""
    source = '''
import numpy as np

def embed(x, W):
    return W[x, :]

def f(captions, W):
    captions_in = captions[:, :-1]
    out = embed(captions_in, W)
    return np.sum(np.tanh(out))
'''
    backward = _run(backgen.generate(source, name="f", wrt=("W",)), "f_backward")
    forward = _run(source, "f")
    args = [np.array([[1, 3, 2, 0], [1, 2, 4, 3]]), np.random.default_rng(2).normal(size=(5, 3))]
    assert_close(backward(*args, 1.0), gradient(forward, args, 1))


def test_a_parameter_given_a_number_when_it_is_none_is_a_number():
    """``if reg is None: reg = 0.0``: reg is a number on one path, so a number on the other (an array
    sample made its shape differ between the paths)."""
    source = '''
import numpy as np
def ridge_loss(w, X, y, reg=None):
    if reg is None:
        reg = 0.0
    pred = X @ w
    return np.mean((pred - y) ** 2) + reg * np.sum(w ** 2)
'''
    backward = _run(backgen.generate(source, name="ridge_loss"), "ridge_loss_backward")
    forward = _run(source, "ridge_loss")
    rng = np.random.default_rng(4)
    args = [rng.normal(size=3), rng.normal(size=(5, 3)), rng.normal(size=5), 0.3]
    for k, got in enumerate(backward(*args, 1.0)):
        assert_close(got, gradient(forward, args, k))
    assert_close(backward(*args[:3], None, 1.0)[0], gradient(forward, args[:3] + [0.0], 0))


def test_a_vector_with_a_number_used_only_in_arithmetic_is_written_for():
    """An explicit heat step on a vector, boundaries put back with np.concatenate(([0.0], interior,
    [0.0])): u runs at rank 1 only, and alpha, used only in arithmetic, as a number or a size-one array
    (alpha of the vector's rank broke the broadcast, so no sample ran).  A boundary written out has the
    length it is written with."""
    source = '''
import numpy as np

def heat(u0, alpha, dx=0.1, dt=0.001, n_steps=5):
    u = u0
    r = alpha * dt / dx ** 2
    for n in range(n_steps):
        interior = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = np.concatenate(([0.0], interior, [0.0]))
    return np.sum(u ** 2)
'''
    text = backgen.generate(source, wrt=("u0", "alpha"))
    assert "dinterior = du[1:1 + np.shape(interior)[0]]" in text
    backward, forward = _run(text, "heat_backward"), _run(source, "heat")
    args = [np.random.default_rng(3).normal(size=7), 0.5]
    for k, got in enumerate(backward(*args)):
        assert_close(got, gradient(forward, args, k))


def test_numpy_code_over_a_list_of_numbers_iterated_directly():
    """for z in zs in code calling NumPy on numbers (np.log(2 * np.pi * S)), as a scalar Kalman filter's
    likelihood is written: zs a sequence of numbers, q and r numbers (zs was not seen as a sequence where
    the loop reads it directly, not by index, so no sample ran)."""
    source = '''
import numpy as np

def kalman_nll(q, r, zs, F=0.9):
    x, P = 0.0, 1.0
    nll = 0.0
    for z in zs:
        x = F * x
        P = F * P * F + q
        S = P + r
        nll += 0.5 * (np.log(2 * np.pi * S) + (z - x) ** 2 / S)
        K = P / S
        x = x + K * (z - x)
        P = (1 - K) * P
    return nll
'''
    backward = _run(backgen.generate(source, wrt=("q", "r")), "kalman_nll_backward")
    forward = _run(source, "kalman_nll")
    args = [0.3, 0.5, [0.1, -0.4, 0.8, 0.3]]
    for k, got in enumerate(backward(*args)):
        assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))
    with pytest.raises(TypeError, match="written for numbers q, r"):
        backward(np.ones(2), *args[1:])


def test_the_indices_np_add_at_writes_at_are_labels():
    """np.add.at(out, groups, x): groups index out, so they are integer labels (the samples gave them
    floats, and no sample ran)."""
    source = '''
import numpy as np

def pool_by_group(x, groups, n_groups):
    out = np.zeros((n_groups, x.shape[1]))
    np.add.at(out, groups, x)
    return np.sum(np.tanh(out))
'''
    backward = _run(backgen.generate(source, wrt=("x",)), "pool_by_group_backward")
    forward = _run(source, "pool_by_group")
    args = [np.random.default_rng(4).normal(size=(6, 2)), np.array([0, 1, 0, 2, 2, 0]), 3]
    assert_close(backward(*args), gradient(forward, args, 0))


def test_plain_python_filling_a_list_of_numbers_with_math_is_written_for_numbers():
    """xs = [0.0] * (n + 1) filled from x0 and read by math.sin: arrays given for x0 and v0 meet math.sin
    (no loop carries them), so no sample ran; the code is written for numbers and checks them."""
    source = '''
import math

def trajectory_energy(x0, v0, k=1.0, dt=0.05, n=40):
    xs = [0.0] * (n + 1)
    vs = [0.0] * (n + 1)
    xs[0], vs[0] = x0, v0
    for i in range(n):
        vs[i + 1] = vs[i] - k * math.sin(xs[i]) * dt
        xs[i + 1] = xs[i] + vs[i + 1] * dt
    return sum(x * x for x in xs) * dt
'''
    backward = _run(backgen.generate(source, wrt=("x0", "v0")), "trajectory_energy_backward")
    forward = _run(source, "trajectory_energy")
    args = [0.4, 0.1]
    for k, got in enumerate(backward(*args)):
        assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))
    with pytest.raises(TypeError, match="written for numbers x0, v0"):
        backward(np.ones(2), 0.1)


@pytest.mark.parametrize("helper", [False, True], ids=["math-in-the-function", "math-in-a-helper"])
def test_arithmetic_then_math_in_a_module_importing_numpy_is_written_for_numbers(helper):
    """The seed's sigmoid neuron, w0*x0 + w1*x1 + w2 through math.exp, in a module importing NumPy: the
    arithmetic holds for arrays, but math.exp takes numbers only, so NumPy runs it on numbers alone.  It
    was written as shape-generic code (its docstring saying it holds for arrays of every rank, which
    math.exp refuses); it is written for numbers, and checks them."""
    squash = "1.0 / (1 + math.exp(-dot))" if not helper else "_squash(dot)"
    source = f'''
import math

import numpy as np


def _squash(z):
    return 1.0 / (1 + math.exp(-z))


def neuron(w0, w1, w2, x0, x1):
    dot = w0 * x0 + w1 * x1 + w2
    return {squash}
'''
    text = backgen.generate(source, name="neuron")
    assert "Shape-generic" not in text and "_unbroadcast" not in text
    backward, forward = _run(text, "neuron_backward"), _run(source, "neuron")
    args = [2.0, -3.0, -3.0, -1.0, -2.0]
    for k, got in enumerate(backward(*args)):
        assert_close(got, gradient(forward, args, k))
    with pytest.raises(TypeError, match="written for numbers w0, w1, w2, x0, x1"):
        backward(np.ones(3), -3.0, -3.0, -1.0, -2.0)


SPRINGS_TESTED = """
def springs(p, k):
    total = 0.0
    for i in range(p.shape[0] - 1):
        d = p[i + 1] - p[i]
        length = np.linalg.norm(d)
        total += 0.5 * k * (length - 1.0) ** 2
    if np.sum(k) > 0.0:
        return total
    return total * 2.0
"""


def test_an_indexed_parameter_stays_an_array_of_every_rank_beside_numbers_it_meets():
    # k, read in a test (np.sum(k) > 0), made the loop's number an array at every rank tried, so the
    # code was written for numbers with p a vector of numbers: given points in 2-D, it raised its own
    # TypeError (real-code fuzzer seed 50 programs 1035, 1617, 2129); p is indexed: arrays of every rank
    p2 = np.array([[0.86, 0.9], [1.2, 0.8], [1.2, -1.07]])
    # (k may be an array too: total, started at 0.0, is then one, checked to keep its shape after the first
    # iteration)
    text = check(SPRINGS_TESTED, "springs", (p2, 0.81), (p2[:, 0].copy(), 0.81), (p2[None].repeat(2, 0), 0.5),
                 (p2, np.array([0.81, -0.3])), (p2, np.array([[0.5], [1.2]])))
    assert "written for numbers" not in text and "list or vector of numbers" not in text


@pytest.mark.parametrize("source, args", [
    # 3-vectors given no shapes (was refused: sampled as (6, 6), np.cross raised)
    ("import numpy as np\ndef f(r, F):\n    tau = np.cross(r, F)\n    return 0.5 * np.sum(tau ** 2)\n",
     [(3,), (3,)]),
    ("import numpy as np\ndef f(r, F):\n    tau = np.cross(r, F)\n    return 0.5 * np.sum(tau ** 2)\n",
     [(4, 3), (3,)]),
    ("import numpy as np\ndef f(point, wire):\n    B = np.zeros(3)\n    for k in range(len(wire) - 1):\n"
     "        dl = wire[k + 1] - wire[k]\n        r = point - 0.5 * (wire[k + 1] + wire[k])\n"
     "        B += np.cross(dl, r) / np.linalg.norm(r) ** 3\n    return B[2]\n", [(3,), (4, 3)]),
])
def test_cross_products_of_3_vectors_without_shapes(source, args):
    backward = _run(backgen.generate(source), "f_backward")
    forward = _run(source, "f")
    values = [r(*shape) for shape in args]
    grads = backward(*values)
    for k, got in enumerate(grads):
        assert_close(got, gradient(forward, values, k), rtol=1e-5, atol=1e-7)


def test_a_sum_started_at_zero_and_added_to_under_an_if_is_written_for_numbers_beside_arrays():
    # total = 0.0, then total += 4 * eps * ... under `if r < rc`: eps sampled as an array made total an
    # array on one path only, and the function was refused; the points are indexed (arrays of every rank),
    # eps and sigma numbers, which the code checks as it starts
    source = '''
import numpy as np

def lj_total(positions, eps, sigma, rc=2.5):
    total = 0.0
    for i in range(positions.shape[0]):
        for j in range(i):
            r = np.linalg.norm(positions[i] - positions[j])
            if r < rc:
                sr6 = (sigma / r) ** 6
                total += 4 * eps * (sr6 * sr6 - sr6)
    return total
'''
    backward = _run(backgen.generate(source, wrt=("positions", "eps", "sigma")), "lj_total_backward")
    forward = _run(source, "lj_total")
    pos = np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.2], [3.5, 3.0]])
    for points in (pos, np.hstack([pos, 0.1 * pos[:, :1]])):
        args = [points, 0.9, 1.1]
        for k, got in enumerate(backward(*args)):
            assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))
    with pytest.raises(TypeError, match="written for numbers eps, sigma"):
        backward(pos, np.ones(2), 1.0)


def test_numbers_stepped_in_a_loop_and_written_into_an_array_are_written_for_numbers():
    # xs = np.zeros(n), then xs[i] = x: arrays given x0... cannot be written into one element, no sample
    # ran and the function was refused; the code is written for numbers, and checks them
    source = '''
import numpy as np

def simulate(k, c, x0, v0, dt=0.05, n=40):
    xs = np.zeros(n)
    x, v = x0, v0
    for i in range(n):
        v = v + dt * (-k * x - c * v)
        x = x + dt * v
        xs[i] = x
    return np.sum(xs ** 2)
'''
    backward = _run(backgen.generate(source, wrt=("k", "c", "x0", "v0")), "simulate_backward")
    forward = _run(source, "simulate")
    args = [2.0, 0.3, 1.0, -0.2]
    for k, got in enumerate(backward(*args)):
        assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))
    with pytest.raises(TypeError, match="written for numbers k, c, x0, v0"):
        backward(np.ones(2), 0.3, 1.0, -0.2)


# --- lists of arrays of several shapes: autograd's layers, no shapes given ----------------------

def _layers(rng, sizes):
    return [(rng.normal(size=(m, n)) * 0.5, rng.normal(size=n) * 0.5) for m, n in zip(sizes[:-1], sizes[1:])]


def _assert_like(got, want, where="d"):
    """``got`` of ``want``'s form (a list for a list or tuple) and values, item by item."""
    if isinstance(want, (list, tuple)):
        assert isinstance(got, list), (where, type(got))
        assert len(got) == len(want), where
        for k, (g, w) in enumerate(zip(got, want)):
            _assert_like(g, w, f"{where}[{k}]")
        return
    assert np.shape(got) == np.shape(want), (where, np.shape(got), np.shape(want))
    assert_close(np.asarray(got, dtype=float), want)


def _check_lists(source, name, args, dout=1.0):
    """The backward generated with no shapes, run on ``args`` (lists of arrays of several shapes among
    them), against central differences, the gradient of a list a list of the same form."""
    text = backgen.generate(source, name=name)
    backward = _run(text, f"{name}_backward")
    forward = _run("import numpy as np\n" + source, name)
    got = backward(*args, dout)
    got = got if len(args) > 1 else (got,)
    for k, g in enumerate(got):
        _assert_like(g, gradient(weighted(forward, [dout]), list(args), k), f"d{k}")
    return text


AUTOGRAD_NET = '''
def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs

def loss(params, inputs, targets):
    preds = neural_net_predict(params, inputs)
    return np.sum((preds - targets) ** 2)
'''


@pytest.mark.parametrize("sizes", [(3, 4, 2), (3, 5, 4, 2), (3, 2)])
def test_autograd_net_over_a_list_of_layers_of_several_shapes(sizes):
    # the list was refused as the code started ("written for params as one array"), and the loop's
    # backward made the adjoint of outputs from the last layer's (N, 2) where a layer's was (N, 4)
    rng = np.random.default_rng(3)
    params = _layers(rng, sizes)
    inputs, targets = rng.normal(size=(5, 3)), rng.normal(size=(5, sizes[-1]))
    text = _check_lists(AUTOGRAD_NET, "loss", (params, inputs, targets))
    assert "_same_shape" not in text and "_several_shapes(params)" not in text.split("def loss_backward")[1]
    _check_lists(AUTOGRAD_NET, "loss", ([list(p) for p in params], inputs, targets))  # lists of lists
    same = [(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(2)]  # pairs of one pair of shapes
    _check_lists(AUTOGRAD_NET, "loss", (same, inputs, rng.normal(size=(5, 3))))


@pytest.mark.parametrize("source", [
    '''
def loss(params, inputs, targets):
    for i in range(len(params)):
        W, b = params[i]
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return np.sum((outputs - targets) ** 2)
''', '''
def loss(params, inputs, targets):
    h = inputs
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = np.maximum(h, 0.0)
    return np.sum((h - targets) ** 2)
''', '''
def loss(params, inputs, targets):
    h = inputs
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    return np.sum((h @ W + b - targets) ** 2)
''', '''
def loss(params, inputs, targets):
    out = inputs
    h = inputs
    for W, b in params:
        out = h @ W + b
        h = np.tanh(out)
    return np.sum((out - targets) ** 2) + np.sum(h)
''', '''
def loss(params, inputs, targets):
    h = inputs
    for W, b in params:
        h = np.tanh(h @ W + b) * np.sum(b ** 2)
    return np.sum((h - targets) ** 2) + 0.1 * sum(np.sum(W ** 2) for W, b in params)
''', '''
def loss(params, inputs, targets):
    h = inputs
    i = 0
    while i < len(params):
        h = np.tanh(h @ params[i][0] + params[i][1])
        i += 1
    return np.sum((h - targets) ** 2)
''', '''
def loss(params, inputs, targets):
    h = inputs
    for W, b in params:
        h = np.tanh(h @ W[:, :] + b[None, :])
    return np.sum((h - targets) ** 2)
'''])
def test_loops_over_a_list_of_layers_of_several_shapes(source):
    rng = np.random.default_rng(4)
    params = _layers(rng, (3, 4, 5, 2))
    _check_lists(source, "loss", (params, rng.normal(size=(6, 3)), rng.normal(size=(6, 2))))


def test_zipped_lists_and_a_plain_list_of_matrices_of_several_shapes():
    zipped = '''
def loss(Ws, bs, x, y):
    h = x
    for W, b in zip(Ws, bs):
        h = np.tanh(h @ W + b)
    return np.sum((h - y) ** 2)
'''
    plain = '''
def loss(Ws, x):
    h = x
    for W in Ws:
        h = np.tanh(h @ W)
    return np.sum(h ** 2)
'''
    rng = np.random.default_rng(5)
    layers = _layers(rng, (3, 4, 2))
    x = rng.normal(size=(5, 3))
    _check_lists(zipped, "loss", ([W for W, _ in layers], [b for _, b in layers], x, rng.normal(size=(5, 2))))
    _check_lists(plain, "loss", ([W for W, _ in layers], x))


def test_autograd_log_softmax_net_with_an_l2_prior_over_layers_of_several_shapes():
    source = '''
def logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis)

def neural_net_predict(params, inputs):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)

def loss(params, inputs, targets):
    log_prior = -0.1 * sum(np.sum(W ** 2) for W, b in params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return -(log_prior + log_lik)
'''
    rng = np.random.default_rng(6)
    targets = np.eye(3)[[0, 2, 1, 1, 0]]
    _check_lists(source, "loss", (_layers(rng, (4, 5, 3)), rng.normal(size=(5, 4)), targets))


def test_the_gradient_of_a_list_item_holds_no_array_of_the_caller():
    # the caller's dout put into the list of gradients as it is: changing one changed the other
    source = '''
def f(params, x):
    W, b = params[1]
    return b + 0.0 * np.sum(x)
'''
    rng = np.random.default_rng(7)
    params, x, dout = _layers(rng, (3, 4, 2)), rng.normal(size=3), rng.normal(size=2)
    backward = _run(backgen.generate(source, name="f"), "f_backward")
    dparams, _ = backward(params, x, dout)
    assert not np.shares_memory(dparams[1][1], dout)
    _check_lists(source, "f", (params, x), dout)


@pytest.mark.parametrize("body", ["return np.sum(np.tile(x, k) ** 2)", "return np.sum(np.roll(x, k) * np.arange(4.0))",
                                  "return np.sum(np.repeat(x, k) ** 3)", "return np.sum(x.repeat(k) ** 3)"])
def test_repetitions_and_shifts_given_as_parameters_are_counts(body):
    # were refused: k was sampled as an array (6, 6), which np.tile and np.roll do not take
    source = f"import numpy as np\ndef f(x, k):\n    {body}\n"
    namespace, generated = {"np": np}, {}
    exec(source, namespace)
    text = backgen.generate(source, name="f")
    exec(text, generated)
    assert "def f_backward(x, k, dout=1.0)" in text  # (k is left out of wrt: a count)
    x = np.array([0.5, -1.0, 2.0, 0.3])
    want = finite_differences(lambda x: namespace["f"](x, 2), [x], [0], (1.0,))[0]
    np.testing.assert_allclose(generated["f_backward"](x, 2), want, rtol=1e-6, atol=1e-8)


def test_items_of_a_list_of_layers_named_by_their_places_get_a_list_of_gradients():
    # W1 = params[0]; b1 = params[1]; ...: a flat list of arrays of several shapes, read by its places, was
    # taken for one array, and the backward raised NumPy's "inhomogeneous shape" in np.zeros_like(params)
    source = '''
def loss(params, x):
    W1 = params[0]
    b1 = params[1]
    W2 = params[2]
    b2 = params[3]
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2 + b2) ** 2)
'''
    rng = np.random.default_rng(3)
    (W1, b1), (W2, b2) = _layers(rng, (3, 4, 2))
    _check_lists(source, "loss", ([W1, b1, W2, b2], rng.normal(size=(5, 3))))
    # an array of one shape read so still gets an array: a state of two rows
    check('''
def energy(p, k):
    px = p[0]
    py = p[1]
    return 0.5 * k * (px ** 2 + py ** 2) + np.sin(px)
''', "energy", (rng.normal(size=(2, 4)), 0.7), (np.array([0.3, -0.2]), 1.5))


ODE_NET = '''
import numpy as np

def nn_predict(inputs, params):
    W1, b1, W2, b2 = params
    hidden = np.tanh(np.dot(inputs, W1) + b1)
    return np.dot(hidden, W2) + b2

def ode_pred(params, y0, t_max=1.0, num_steps=10):
    dt = t_max / num_steps
    y = y0
    for i in range(num_steps):
        y = y + dt * nn_predict(y, params)
    return y

def L2_loss(params, y0, target):
    pred = ode_pred(params, y0)
    return np.mean((pred - target) ** 2)
'''


def test_samples_whose_ranks_grow_in_a_loop_take_little_memory(tmp_path):
    # np.dot(y, W1) of rank-3 samples adds axes at every step of the loop: the arrays of the sample
    # run grew until the machine's memory was spent (here, under a limit of 2 GiB more than the
    # process holds, until that limit); the run of a sample is capped, and its failure leaves it out
    import subprocess
    import sys
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "RLIMIT_AS") or not Path("/proc/self/statm").exists():
        pytest.skip("no address space limit here")
    script = tmp_path / "peak.py"
    script.write_text(textwrap.dedent(f'''
        import faulthandler, resource, tracemalloc
        faulthandler.enable()
        with open("/proc/self/statm") as handle:
            size = int(handle.read().split()[0]) * 4096
        resource.setrlimit(resource.RLIMIT_AS, (size + (2 << 30), resource.RLIM_INFINITY))
        import backgen
        tracemalloc.start()
        backgen.generate({ODE_NET!r}, name="L2_loss")
        print(tracemalloc.get_traced_memory()[1])
    '''))
    env = {**os.environ, "PYTHONPATH": str(Path(backgen.__file__).parent.parent),
           **{name: "1" for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")}}
    # the child died of SIGSEGV once the sample arrays had filled the address space it was bounded to
    # (under such a bound neither the stack nor the interpreter can grow): sample runs now take their
    # room within the bound the child's user set, less a margin, and loops check the room left
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) < 1 << 30


def test_the_ode_net_of_tuple_params_gets_right_gradients():
    rng = np.random.default_rng(3)
    params = (rng.normal(size=(2, 4)) * .5, rng.normal(size=4) * .1, rng.normal(size=(4, 2)) * .5,
              rng.normal(size=2) * .1)
    y0, target = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    backward = _run(backgen.generate(ODE_NET, name="L2_loss", wrt=("y0",)), "L2_loss_backward")
    forward = _run(ODE_NET, "L2_loss")
    assert_close(backward(params, y0, target), gradient(lambda y: forward(params, y, target), [y0], 0))


def test_a_refusal_for_shapes_names_the_function_as_written():
    # the refusal named the rule, "np.vstack_list" (np.vstack of a list built in a loop, now written for
    # every shape: tests/test_numpy_calls_more.py); np.prod over several axes, which needs the rank, is refused
    source = '''
import numpy as np

def energy(params, data):
    lls = []
    for k in range(2):
        lls.append(params[k] * data)
    return np.sum(np.prod(lls[0], axis=(0, 1)) ** 2)
'''
    with pytest.raises(BackgenError) as caught:
        backgen.generate(source)
    assert "the gradient of np.prod depends on the shapes" in str(caught.value)
    assert "_list" not in str(caught.value)


@pytest.mark.parametrize("body, name", [
    ("    N = x.shape[0]\n    mu = 0.0\n    for i in range(N):\n        mu += x[i]\n    mu /= N\n"
     "    var = 0.0\n    for i in range(N):\n        var += (x[i] - mu) ** 2\n    return np.sum(var / N) + np.sum(mu ** 2)\n",
     "mean_var"),
    ("    acc = 1.0\n    for i in range(x.shape[0]):\n        acc = acc * np.tanh(x[i] * w)\n    return np.sum(acc)\n",
     "product"),
    ("    out = 0.0\n    for j in range(2):\n        total = 0.0\n        for row in x:\n"
     "            total = total + row * (j + w)\n        out = out + np.sum(total ** 2)\n    return out\n",
     "nested"),
])
def test_a_number_a_loop_makes_an_array_in_its_first_iteration(body, name):
    # mu = 0.0, then mu += x[i]: the shape-generic backward checked that mu kept the shape it entered the
    # loop with, (), and raised "mu changes shape in this loop" for x of rank 2 (or was written for numbers,
    # raising for arrays); it keeps the shape the first iteration gives it, each later one checked
    source = f"import numpy as np\n\ndef {name}(x, w):\n" + body
    text = backgen.generate(source, name=name)
    assert "written for numbers" not in text and ("_shape_kept(" in text or name == "nested")  # (x iterated:
    rng = np.random.default_rng(3)  # it may be a list of arrays of several shapes, whose loops check nothing)
    for args in ([rng.normal(size=(4, 3)), 0.7], [rng.normal(size=(4, 3)), rng.normal(size=3)],
                 [rng.normal(size=(3, 2, 2)), rng.normal(size=(2, 1))], [rng.normal(size=4), 0.3]):
        check_values = _run(text, f"{name}_backward")(*args)
        want = finite_differences(_run(source, name), args, [0, 1], [1.0])
        for got, expected in zip(check_values, want):
            assert_close(np.asarray(got, dtype=float), np.asarray(expected, dtype=float))


def test_the_shape_a_number_a_loop_starts_from_is_given_by_its_first_iteration():
    from backgen.runtime import callables
    kept = callables()["_shape_kept"]
    assert kept(np.ones(3), None, "total") == (3,)  # the first iteration's end: the shape kept
    assert kept(np.ones(3), (3,), "total") == (3,)
    with pytest.raises(ValueError, match="total changes shape in this loop, from \\(\\) to \\(3,\\)"):
        kept(np.ones(3), (), "total")  # (a number after the first iteration, an array after a later one)


LAYER_PICKED = '''
def get(params, i):
    return params[i]

def last(params):
    return params[-1]

def pairs(params, x):
    W, b = get(params, 0)
    h = np.tanh(x @ W + b)
    W2, b2 = get(params, 1)
    return np.sum((h @ W2 + b2) ** 2)

def looped(params, x):
    h = x
    for i in range(len(params)):
        W, b = get(params, i)
        h = np.tanh(h @ W + b)
    return np.sum(h ** 2)

def indexed(params, x):
    layer = get(params, 0)
    h = np.tanh(x @ layer[0] + layer[1])
    W2, b2 = last(params)
    return np.sum(h @ W2 + b2)

def flat(Ws, x):
    h = np.tanh(x @ get(Ws, 0))
    return np.sum(h @ get(Ws, 1))
'''


@pytest.mark.parametrize("name", ["pairs", "looped", "indexed", "flat"])
def test_a_helper_returning_an_item_of_a_list_of_layers(name):
    # def get(params, i): return params[i], then W, b = get(params, 0): params and the helper's result were
    # taken for arrays, and the backward raised NumPy's "inhomogeneous shape" in np.zeros_like(parts); the
    # helper's result is an item of the list, which may be a list itself
    rng = np.random.default_rng(5)
    layers = _layers(rng, (3, 4, 2))
    params = [layers[0][0], layers[1][0]] if name == "flat" else layers
    text = _check_lists(LAYER_PICKED, name, (params, rng.normal(size=(5, 3))))
    assert "_zeros_like_items(params)" in text or name == "flat"
    # an array of one shape read so: an array's gradient
    same = np.stack([rng.normal(size=(3, 3)) for _ in range(2)]) if name == "flat" else \
        [(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(2)]
    _check_lists(LAYER_PICKED, name, (same, rng.normal(size=(5, 3))))


def test_a_number_a_loop_of_a_count_given_keeps_makes_no_array_of_it_at_other_counts():
    # m = 0.5, then m = np.tanh(... J * m + h) iters times: at iters = 0 m stays the number, and the code
    # written where arrays J, h made it an array was refused; the code for numbers J, h is written, as before
    source = '''
def mean_field(J, h, beta=1.0, z=4, iters=30):
    m = 0.5
    for _ in range(iters):
        m = np.tanh(beta * (z * J * m + h))
    return m
'''
    backward = _run(backgen.generate(source, wrt=("J", "h")), "mean_field_backward")
    forward = _run("import numpy as np\n" + source, "mean_field")
    args = [0.2, 0.1]
    for k, got in enumerate(backward(*args)):
        assert_close(got, gradient(forward, args, k))


def test_a_loops_number_made_an_array_on_one_path_of_an_if_skips_the_sample_only():
    # loss = 0.0 and its loop on one path of an if, nothing on the other: W of rank 3 made loss an array there,
    # and the number of the other path met it after the if; that refused every sample of arrays, and the code
    # was written for numbers W, raising TypeError for the matrix a softmax loss is given
    source = '''
def f(W, X, y, reg):
    loss = 0.0
    num_train = X.shape[0]
    if np.max(W) > 1.0:
        for i in range(num_train):
            scores = X[i].dot(W)
            scores -= np.max(scores)
            p = np.exp(scores) / np.sum(np.exp(scores))
            loss += -np.log(p[y[i]])
        loss /= num_train
    loss += 0.5 * reg * np.max(W * W)
    return loss
'''
    text = backgen.generate(source, wrt=("W", "X", "reg"))
    assert "written for numbers" not in text
    backward = _run(text, "f_backward")
    forward = _run("import numpy as np\n" + source, "f")
    W = np.array([[-0.8995, 0.6129, 0.8465], [-1.0404, 1.098, 1.1796], [0.4502, 1.1961, -0.5389],
                  [0.9667, -0.6286, -0.6763]])
    args = [W, np.array([[1.0282, -0.9184, -0.7017, -0.7558], [0.4231, 1.0659, 0.5868, -0.4728]]),
            np.array([1, 0]), -0.9187]
    for got, k in zip(backward(*args, 1.0), (0, 1, 3)):
        assert_close(np.asarray(got, dtype=float), np.asarray(gradient(forward, args, k), dtype=float))


@pytest.mark.parametrize("source", [
    # a test on a product of the list's items: no array sample runs, and the code for numbers was tried only
    # where the forward calls math or a loop's numbers became arrays
    "def f(ps, scale):\n    p = scale\n    for item in ps:\n        p = p * item\n"
    "    if p > 0.001:\n        p = p + scale * ps[0]\n    return p\n",
    # with math: the code for numbers alone was refused at ps[0] before the list was tried as a sequence
    "import math\n\ndef f(ps, scale):\n    p = scale\n    for item in ps:\n        p = p * math.exp(item)\n"
    "    if p > 0.001:\n        p = p + scale * ps[0]\n    return p\n",
])
def test_plain_python_over_a_list_of_numbers_is_written_for_numbers(source):
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source), generated)
    args = [[0.5, 0.2], 1.5]
    got = generated["f_backward"](*args)
    want = finite_differences(namespace["f"], args, range(2), (1.0,))
    np.testing.assert_allclose(np.asarray(got[0], dtype=float), want[0], rtol=1e-6, atol=1e-9)
    assert float(got[1]) == pytest.approx(want[1], rel=1e-6)


def test_a_parameter_whose_name_is_given_the_labels_is_differentiated():
    # x = y.reshape(N * T) gives the name x the labels; the index reading it then was taken for a use of
    # the parameter x, which was left out of the gradients as labels (fuzz_real seed 161, program 569)
    source = '''
import numpy as np

def f(x, y, mask):
    """
    - x: A numpy array of shape (N, T, V)
    - y: Integer array of labels, of shape (N, T)
    - mask: A numpy array of shape (N, T)
    """
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    x = y.reshape(N * T)
    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    return -np.sum(mask.reshape(N * T) * np.log(probs[np.arange(N * T), x])) / N
'''
    rng = np.random.default_rng(5)
    x, y, mask = rng.normal(size=(2, 3, 4)), rng.integers(0, 4, size=(2, 3)), rng.normal(size=(2, 3))
    backward = _run(backgen.generate(source), "f_backward")
    forward = _run(source, "f")
    dx, dmask = backward(x, y, mask)
    assert_close(dx, gradient(lambda a: forward(a, y, mask), [x], 0))
    assert_close(dmask, gradient(lambda m: forward(x, y, m), [mask], 0))


# Code fixing sizes of its own, or tying a parameter's sizes to another's: the samples the shape-generic
# backward is written on were of one size for every axis, on which the forward failed, and the shapes were
# asked for (fuzz_real seed 171, programs 61, 81, 56); they now take the sizes the failing operations ask for.
CONSTANT_CORE = """
def f(x, w):
    return np.sum(np.tanh(x * w).T @ np.ones(3)) + np.sum(x @ np.arange(4.0))
"""

CONSTANT_ROWS = """
def f(x, v):
    y = np.zeros((3, 4))
    y[[0, 0, 2]] += v
    return np.sum(y * x, axis=1)
"""

RESHAPED = """
def f(x, w):
    h = x.reshape(4, 3) @ w
    return np.sum(h ** 2)
"""

CARRIED = """
def f(x, w):
    acc = w
    for row in np.ones((3, 4)):
        acc = np.outer(acc, row).sum(axis=0) * 0.3 + row
    return np.sum(acc * np.tanh(x))
"""


def test_sizes_a_constant_array_fixes():
    check(CONSTANT_CORE, "f", (r(3, 4), r(4)), (r(3, 4), r(3, 4)), (r(3, 4), r(1, 4)), (r(3, 4), r(1, 1)),
          (r(3, 3, 4), r(4)), (r(3, 4), r(3, 1)))
    check(CONSTANT_ROWS, "f", (r(3, 4), r(4)), (r(2, 3, 4), r(3, 4)), (r(3, 1), r(1)), (r(4), r(1, 4)),
          (r(1, 1), r(3, 1)))


def test_sizes_of_the_code_are_no_sample_s_own():
    # the samples' own sizes were primes from 7, x's first axis 7, whose product with the second a reshape
    # to (5, 7) took for 7 times what the 7 it writes leaves: x then of (7, 35), which no reshape to (5, 7) takes
    check("def f(x, y):\n    return np.sum(x.reshape(5, 7) * y)\n", "f", (r(5, 7), r(7)), (r(35), r(5, 7)),
          (r(7, 5), r(1, 7)), (r(1, 35), r(1)))


def test_sizes_a_reshape_to_written_sizes_fixes():
    check(RESHAPED, "f", (r(12), r(3, 5)), (r(3, 4), r(3)), (r(2, 6), r(3, 1)), (r(1, 12), r(3, 2)),
          (r(12, 1), r(3)))


def test_sizes_a_loop_carries():
    check(CARRIED, "f", (r(4), r(4)), (r(3, 4), r(4)), (r(5, 1), r(4)), (r(1), r(4)))


def test_sample_sizes_follow_the_failing_operation():
    from backgen.sample_sizes import Sizes
    sizes = Sizes({"x": (6, 6), "w": (6, 6)})
    (x0, x1), (w0, w1) = sizes.shapes().values()
    assert len({x0, x1, w0, w1}) == 4 and min(x0, x1, w0, w1) >= 7
    assert sizes.refit(f"operands could not be broadcast together with shapes ({x0},{x1}) (3,4) ")
    assert sizes.shapes()["x"] == (3, 4)
    assert sizes.refit(f"shapes (3,4) and ({w0},{w1}) not aligned: 4 (dim 1) != {w0} (dim 0)")
    assert sizes.shapes()["w"] == (4, w1)
    assert not sizes.refit("operands could not be broadcast together with shapes (3,4) (5,) ")  # the code's own
    assert not sizes.refit("all input arrays must have the same shape")
    reshaped = Sizes({"x": (6, 6)})
    assert reshaped.refit(f"cannot reshape array of size {np.prod(reshaped.shapes()['x'])} into shape (4,3)")
    assert reshaped.shapes()["x"] == (4, 3)
    indexed = Sizes({"x": (6,)})
    assert indexed.refit(f"index 12 is out of bounds for axis 0 with size {indexed.shapes()['x'][0]}")
    assert indexed.shapes()["x"][0] > 12
    tied = Sizes({"y": (6, 6), "x": (6, 6, 6)})  # y.reshape(N * T) of N, T, V = x.shape
    (y0, y1), (x0, x1, x2) = tied.shapes().values()
    assert tied.refit(f"cannot reshape array of size {y0 * y1} into shape ({x0 * x1},)")
    assert tied.shapes()["y"] == (x0, x1)
    made = Sizes({"x": (6, 6, 6)})  # np.ones((2, 3, 4)).reshape(N * T, V) of N, T, V = x.shape
    (x0, x1, x2), = made.shapes().values()
    assert made.refit(f"cannot reshape array of size 24 into shape ({x0 * x1},{x2})")
    assert np.prod(made.shapes()["x"]) == 24 and min(made.shapes()["x"]) > 1
    carried = Sizes({"w": (6,)})
    message = f"'acc' changes shape in this loop: ({carried.shapes()['w'][0]},) as an iteration starts, (4,) as it ends"
    assert not carried.refit(message) and carried.refit(message, loop=True) and carried.shapes()["w"] == (4,)


SLOT_WRITE = """
def f(x, v):
    y = x * 1.0
    y[0] = v * np.ones(4)
    return np.sum(y ** 2)
"""

LAYER_CONSTANT = """
def f(x, w, b):
    h1 = np.full((3, 5), 0.5) - 0.5 * (b * b)
    h4 = x.dot(w)
    out = x.dot(w) + h4 + np.sum(h1)
    cache = (x, w, b)
    return out, cache
"""


def test_sizes_a_write_into_a_slot_fixes():
    check(SLOT_WRITE, "f", (r(3, 4), r(4)), (r(2, 4), r(1)), (r(5, 4), r(1, 4)), (r(2, 3, 4), r(3, 4)),
          (r(1, 4), r(1, 1)))


def test_a_layer_of_sizes_a_constant_fixes():
    # (fuzz_real --layers seed 172, program 271: of rank 4, arrays of sizes of their own for every axis do not
    # fit in memory where x.dot(w) has six axes; the sizes fitted then all the samples' size)
    text = backgen.generate(LAYER_CONSTANT, name="f")
    assert "Shape-generic" in text
    backward = _run(text, "f_backward")
    forward = _run("import numpy as np\n" + LAYER_CONSTANT, "f")
    rng = np.random.default_rng(3)
    for args in [(r(2, 3), r(3, 4), r(5)), (r(2, 3), r(3, 4), r(3, 5)), (r(3), r(3, 2), r(1, 5)),
                 (r(2, 2, 3), r(3, 4), r(1)), (r(2, 3), r(2, 3, 4), r(5)), (r(1, 1), r(1, 1), r(1, 1))]:
        out, cache = forward(*args)
        dout = rng.normal(size=np.shape(out))
        grads = backward(dout, cache)
        for k, got in enumerate(grads):
            want = gradient(weighted(lambda *a: forward(*a)[0], [dout]), list(args), k)
            assert np.shape(got) == np.shape(args[k])
            assert_close(got, want)


ARITHMETIC_ON_A_SEQUENCE = '''
import numpy as np

def f(X):
    for i in range(len(X)):
        k = 0
        while k < 2:
            k = k + 1
            a = X
            a -= 0.5 * X
    return a * 2.0, a - X
'''


def test_a_parameter_read_as_a_sequence_and_whole_in_arithmetic_is_an_array():
    # no NumPy call in the body: the backward was written for numbers, where a -= v rebinds a; X is
    # read by len() and in 0.5 * X, which no list of numbers takes, so it is an array, into which
    # a -= ... writes: the gradient was wrong for arrays (with no guard); now NumPy's meaning is followed
    with pytest.raises(BackgenError, match="'X' may have been changed by the write into 'a'"):
        backgen.generate(ARITHMETIC_ON_A_SEQUENCE, name="f")
    source = ARITHMETIC_ON_A_SEQUENCE.replace("a = X\n", "a = X * 1.0\n")
    X = np.random.default_rng(4).normal(size=(3, 4))
    douts = [np.random.default_rng(5).normal(size=(3, 4)), np.random.default_rng(6).normal(size=(3, 4))]
    backward = _run(backgen.generate(source, name="f"), "f_backward")
    forward = _run(source, "f")
    assert_close(backward(X, *douts), finite_differences(forward, [X], [0], douts)[0])


def test_a_generation_reads_each_helper_once(monkeypatch):
    """The search for sample shapes stages the forward many times: each helper is read from the module
    once per generation, each staging given a copy of its own (which the staging may change)."""
    from backgen import parse
    reads = []
    read = parse.read

    def counted(func_or_source, name=None, filename=None, helper=False):
        reads.append(name if helper else None)
        return read(func_or_source, name=name, filename=filename, helper=helper)
    monkeypatch.setattr(parse, "read", counted)
    source = textwrap.dedent("""
        import numpy as np
        def dense(x, W, b):
            return np.tanh(x @ W + b)
        def loss(x, W1, b1, W2, b2):
            h = dense(x, W1, b1)
            return np.sum(dense(h, W2, b2) ** 2)
    """)
    text = backgen.generate(source, name="loss")
    assert reads.count("dense") == 1 and "def dense_backward" in text
    reads.clear()
    assert backgen.generate(source, name="loss") == text
    assert reads.count("dense") == 1  # (nothing kept from one generation to the next)


@pytest.mark.parametrize("a", [3.7, -0.25, 0.05])
def test_a_test_no_array_of_several_elements_passes_is_written_for_numbers(a):
    # while np.abs(a) > 0.1 asks one truth: arrays of several elements raise there, numbers run it
    text = backgen.generate(textwrap.dedent("""
        import numpy as np

        def halve(a):
            while np.abs(a) > 0.1:
                a = a * 0.5
            return a * a
        """))
    namespace = _run(text, "halve_backward")
    forward = lambda a: halve_forward(a)  # noqa: E731
    want = gradient(lambda v: forward(v), [a], 0)
    assert_close(namespace(a), want)
    with pytest.raises(TypeError, match="written for numbers a"):
        namespace(np.array([0.5, 0.2]))


def halve_forward(a):
    while np.abs(a) > 0.1:
        a = a * 0.5
    return a * a


SIR = '''
import numpy as np


def f(params, N=1.0):
    beta, gamma = params
    S, I = 0.99 * N, 0.01 * N
    infected = []
    for day in range(6):
        dS = -beta * S * I / N
        dI = beta * S * I / N - gamma * I
        S += dS
        I += dI
        infected.append(I)
    return np.sum(np.log(np.array(infected)))
'''


def test_a_parameter_taken_for_a_number_by_its_default_is_checked_to_be_one():
    # code for every shape of params, N a number by its default: given a vector N, S = 0.99 * N is an
    # array, which S += dS writes into (and infected holds), where the code read a number bound anew
    namespace, generated = {}, {}
    exec(SIR, namespace)
    exec(backgen.generate(SIR, name="f"), generated)
    params = np.array([0.5, 0.15])
    dparams, dN = generated["f_backward"](params.copy(), 1.3, 0.7)
    want = finite_differences(namespace["f"], [params, 1.3], [0, 1], (0.7,))
    np.testing.assert_allclose(dparams, want[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dN, want[1], rtol=1e-6, atol=1e-9)
    with pytest.raises(TypeError, match="is written for numbers N"):
        generated["f_backward"](params.copy(), np.array([1.0, 2.0]), 0.7)


DIVERGING = """
import numpy as np


def f(b):
    tmp1 = np.diff(np.minimum(np.diff(b, axis=0) + np.cos(b[::2]), np.prod(b.T, -1)), axis=0)
    return np.exp(-np.vstack((tmp1, tmp1))[:, [3, 1, 3]])
"""


def test_sizes_fitted_to_a_failure_that_recurs_at_every_size_stop_growing(monkeypatch):
    # np.diff(b, axis=0) + b[::2]: the rows, made to agree, 13 and 7, then 25 and 13, 49 and 25...: no
    # size fits, and the samples tried once grew to 24,578 rows (each walk longer, minutes in all)
    from backgen import shape_free

    tried = []
    fitted = shape_free._Samples.fitted

    def counted(self, probe, shapes):
        tried.append(max(max(dims) for dims in shapes.values()))
        return fitted(self, probe, shapes)

    monkeypatch.setattr(shape_free._Samples, "fitted", counted)
    with pytest.raises(BackgenError, match="could not be broadcast together"):
        backgen.generate(DIVERGING, name="f")
    assert tried and max(tried) < 1000


def test_a_name_holding_a_slice_of_a_parameter_then_a_count_leaves_the_parameter_differentiated():
    """``X_v = X[::-1]`` then ``X_v = W.shape[1]``, read by ``range(X_v)``: X is no integer parameter
    (it was left out of the gradients, read as labels, where a name bound to its slice became a count)."""
    source = textwrap.dedent('''
        import numpy as np

        def f(W, X, y, reg):
            X_v = X[::-1]
            X_v += 1.0
            X_v = W.shape[1]
            num_train = X.shape[0]
            loss = 0.0
            for i in range(num_train):
                scores = X[i] @ W
                correct_class_score = scores[y[i]]
                for j in range(X_v):
                    if j == y[i]:
                        continue
                    margin = scores[j] - correct_class_score + 1
                    if margin > 0:
                        loss += margin
            loss /= num_train
            loss += reg * np.sum(W * W)
            return loss
        ''')
    text = backgen.generate(source, name="f")
    assert "with respect to W, X, reg" in text
    backward, forward = _run(text, "f_backward"), _run(source, "f")
    rng = np.random.default_rng(4)
    args = [np.array([[0.79, 1.18, 0.76], [0.79, 0.69, -1.16], [-0.73, 0.81, -0.69], [-0.85, 0.86, 0.6]]),
            np.array([[0.36, 0.39, 0.61, 0.88], [0.49, 0.99, 1.05, -0.89]]), np.array([1, 2]), 0.31]
    got = backward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args], 1.0)
    want = finite_differences(lambda *a: forward(*[v.copy() if isinstance(v, np.ndarray) else v for v in a]),
                              args, [0, 1, 3], [1.0])
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
