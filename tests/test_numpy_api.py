"""NumPy code through the public entry points: shapes, specialization, errors."""

import numpy as np
import pytest

import backgen
from backgen import BackgenError
from backgen.cli import main

from conftest import load_module
from numeric import gradient


@pytest.fixture
def module(tmp_path):
    """Write a forward module to a file and import it (backgen reads source files)."""
    def make(text, name="forward"):
        path = tmp_path / f"{name}.py"
        path.write_text("import numpy as np\n\n" + text)
        return load_module(path)
    return make


def test_decorator_specializes_on_the_shapes_it_sees(module):
    f = backgen.backward(module("def f(x, b):\n    return np.tanh(x) + b\n").f)
    with pytest.raises(AttributeError, match="call f.backward"):
        f.backward_source
    x = np.ones((3, 4))
    dx, db = f.backward(x, np.ones(4), dout=np.ones((3, 4)))
    assert db.shape == (4,) and "db = dout.sum(axis=0)" in f.backward_source
    dx, db = f.backward(x, np.ones((3, 1)), dout=np.ones((3, 4)))
    assert db.shape == (3, 1) and "db = dout.sum(axis=1, keepdims=True)" in f.backward_source
    dx, db = f.backward(x, np.ones((3, 4)), dout=np.ones((3, 4)))
    assert "db = dout.copy()\n" in f.backward_source  # never the caller's own array
    assert np.array_equal(db, np.ones((3, 4)))


def test_annotations_declare_shapes_for_generate():
    text = backgen.generate(
        "def affine(x: 'N, D', w: 'D, M', b: 'M'):\n    return x.dot(w) + b\n")
    assert "dx = dout.dot(w.T)" in text
    assert "dw = x.T.dot(dout)" in text
    assert "db = dout.sum(axis=0)" in text


def test_shapes_argument_overrides_annotations():
    source = "def f(x: 'N, D', b: 'D'):\n    return x * b\n"
    assert "db = (x * dout).sum(axis=0)" in backgen.generate(source)
    assert "db = (x * dout).sum(axis=0)" not in backgen.generate(source, shapes={"b": "N, D"})


def test_missing_shapes_give_the_shape_generic_backward():
    text = backgen.generate("def f(x: 'N', b):\n    return np.sum(x * b)\n")
    assert "Shape-generic: the shapes of b were not given" in text and "_unbroadcast(" in text


def test_missing_shapes_are_named_where_the_code_needs_them():
    with pytest.raises(BackgenError, match="np.prod depends on the shapes of its operands, and the shapes of y are "
                                           "not given") as caught:
        backgen.generate("def f(x: 'N, C', y):\n    return np.sum(np.prod(x * y, axis=(0, 1)))\n")
    assert caught.value.lineno == 2 and "--shape y=N,D" in str(caught.value)


def test_integer_arrays_in_wrt_are_refused(module):
    f = backgen.backward(module("def f(x, n):\n    return (x * n).sum()\n").f)
    with pytest.raises(BackgenError, match="'n' is integer"):
        f.backward(np.ones(3), np.arange(3))
    g = backgen.backward(module("def f(x, n):\n    return (x * n).sum()\n", "g").f, wrt=("x",))
    assert np.array_equal(g.backward(np.ones(3), np.arange(3)), np.arange(3))


def test_integer_annotations_leave_the_default_wrt():
    text = backgen.generate("def f(x: 'N, C', y: 'int N'):\n    return x[np.arange(x.shape[0]), y].sum()\n")
    assert "def f_backward(x, y, dout=1.0):" in text
    assert "return dx\n" in text


def test_labels_in_wrt_by_name_are_refused():
    with pytest.raises(BackgenError, match="'y' is integer"):
        backgen.generate("def f(x: 'N, C', y: 'int N'):\n    return x[np.arange(x.shape[0]), y].sum()\n",
                         wrt=("x", "y"))


@pytest.mark.parametrize("source, fragment", [
    ("def f(x: 'N'):\n    return np.fft.fft(x).sum()\n", "np.fft.fft returns complex numbers"),
    ("def f(x: 'N'):\n    return x.searchsorted(0.5) * x\n", "unknown method .searchsorted()"),
    ("def f(a: '3, N', b: '3, 1'):\n    return np.cross(a, b, axis=0).sum()\n", "for a and b of one shape"),
    ("def f(a: 'M, N'):\n    return np.linalg.qr(a, mode='complete')[0].sum()\n", "mode 'reduced'"),
    ("def f(x):\n    return np.median(x, axis=(0, 1)).sum()\n", "np.median depends on the shapes"),
    ("def f(x: 'N', k: int):\n    return x.sum(axis=k - 3)\n", "must be a constant"),
])
def test_numpy_errors_point_at_the_line(source, fragment):
    with pytest.raises(BackgenError) as info:
        backgen.generate(source)
    assert fragment in info.value.msg
    assert info.value.lineno == 2


def test_cli_shape_option(tmp_path, capsys):
    path = tmp_path / "layer.py"
    path.write_text("import numpy as np\n\ndef layer(x, w, b):\n    return np.maximum(0, x.dot(w) + b)\n")
    assert main([str(path), "--shape", "x=N,D", "--shape", "w=D,M", "--shape", "b=M"]) == 0
    out = capsys.readouterr().out
    assert "dxdot = dout * (xdot > 0)" in out or "dout * (" in out
    assert "db = " in out and ".sum(axis=0)" in out
    assert "--shape x=N,D --shape w=D,M --shape b=M" in out
    assert main([str(path)]) == 0
    assert "Shape-generic: the shapes of x, w, b were not given" in capsys.readouterr().out


def test_generated_numpy_backward_matches_finite_differences(module):
    f = backgen.backward(module(
        "def f(x, w, b):\n    h = np.tanh(x @ w + b)\n    return (h * h).mean(axis=0)\n").f)
    rng = np.random.default_rng(0)
    assert backgen.gradcheck(f, rng.standard_normal((5, 3)), rng.standard_normal((3, 4)),
                             rng.standard_normal(4)) < 1e-6


def test_norm_along_an_axis(module):
    f = backgen.backward(module("def f(x):\n    return np.linalg.norm(x, axis=1) * np.arange(3.0)\n").f)
    x = np.random.default_rng(4).standard_normal((3, 4))
    assert backgen.gradcheck(f, x) < 1e-6


def test_a_constant_among_several_outputs_adds_nothing(module):
    f = backgen.backward(module("def f(x, W):\n    return np.sum(np.tanh(x) * 2.0), np.zeros_like(W), W * x[0]\n").f)
    rng = np.random.default_rng(3)
    x, W = rng.standard_normal(3), rng.standard_normal((2, 2))
    dout = (1.5, rng.standard_normal((2, 2)), rng.standard_normal((2, 2)))
    dx, dW = f.backward(x, W, dout=dout)
    np.testing.assert_allclose(dx[1:], 3.0 * (1 - np.tanh(x[1:]) ** 2), rtol=1e-12)
    assert dx[0] == pytest.approx(3.0 * (1 - np.tanh(x[0]) ** 2) + np.sum(dout[2] * W))
    np.testing.assert_allclose(dW, dout[2] * x[0], rtol=1e-12)  # dout[1] meets a constant: no effect
    assert backgen.gradcheck(f, x, W) < 1e-6


def test_a_single_constant_output_is_refused(module):
    with pytest.raises(BackgenError, match="carries no gradient"):
        backgen.generate(module("def f(W):\n    return np.zeros_like(W)\n").f, shapes={"W": (2, 2)})


def test_an_adjoint_two_sums_share_is_copied_before_it_grows(module):
    # dy = dz; dv = dz; du = dy; dv += dy: adding into dv in place would change du too
    f = backgen.backward(module(
        "def f(W):\n"
        "    x = np.sum(W, axis=0)\n"
        "    u = x * 2.0\n"
        "    v = x * 3.0\n"
        "    y = u + v\n"
        "    z = y + v\n"
        "    return np.sum(z * z)\n").f)
    W = np.arange(6.0).reshape(2, 3) / 7
    x = W.sum(axis=0)
    expected = np.broadcast_to(2 * (8 * x) * 8, W.shape)  # z = 8x, so d/dW sum(z^2) = 2 z * 8 per column
    np.testing.assert_allclose(f.backward(W), expected, rtol=1e-12)
    assert backgen.gradcheck(f, W) < 1e-6


def test_a_helper_called_with_a_float_and_a_numpy_float_is_differentiated_once(module):
    f = backgen.backward(module(
        "def scale(p, q):\n"
        "    return p * q\n\n"
        "def f(W, s, c):\n"
        "    x = scale(np.sum(W, axis=0), s)\n"
        "    x = scale(np.tanh(x), c.dot(c))\n"
        "    return np.sum(x * x)\n").f)
    rng = np.random.default_rng(4)
    W, c = rng.standard_normal((3, 3)), rng.standard_normal(2)
    assert backgen.gradcheck(f, W, 1.39, c) < 1e-6  # s a Python float, c.dot(c) a NumPy float
    text = f.backward_source
    assert text.count("def scale_backward") == 1 and "scale_backward2" not in text


def test_the_decorator_leaves_labels_and_masks_out_of_the_default_wrt(module):
    f = backgen.backward(module(
        "def loss(scores, y, keep):\n"
        "    shifted = np.where(keep, scores, 0.0)\n"
        "    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)\n"
        "    return -np.mean(np.log(probs[np.arange(scores.shape[0]), y]))\n").loss)
    rng = np.random.default_rng(5)
    scores, y, keep = rng.standard_normal((4, 3)), rng.integers(0, 3, 4), rng.standard_normal((4, 3)) > -0.5
    dscores = f.backward(scores, y, keep)  # y (integers) and keep (booleans) carry no gradient
    assert dscores.shape == scores.shape
    np.testing.assert_allclose(dscores, gradient(f, [scores, y, keep], 0), rtol=1e-6, atol=1e-8)
    with pytest.raises(BackgenError, match="carries no gradient"):  # named in wrt: still an error
        backgen.backward(f.__wrapped__, wrt=("scores", "y")).backward(scores, y, keep)


def test_the_decorator_leaves_an_integer_array_the_forward_never_reads_out_of_the_default_wrt(module):
    """A loss kept to a common signature (W, X, y, reg) that does not read its labels."""
    f = backgen.backward(module(
        "def loss(W, X, y, reg):\n"
        "    s = X @ W\n"
        "    return np.sum(s * s) + reg * np.sum(W * W)\n").loss)
    rng = np.random.default_rng(6)
    W, X, y = rng.standard_normal((4, 3)), rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    dW, dX, dreg = f.backward(W, X, y, 0.1)
    np.testing.assert_allclose(dW, gradient(f, [W, X, y, 0.1], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dX, gradient(f, [W, X, y, 0.1], 1), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dreg, np.sum(W * W), rtol=1e-10)


def test_a_branch_on_a_parameters_rank_is_decided_by_the_ranks_of_the_call(module):
    """``if x.ndim == 1: x = x[None, :]``: each path gives x its own rank; the backward is written
    for the rank of the arguments (the decorator keeps one per pattern of ranks)."""
    f = backgen.backward(module(
        "def loss(x, W):\n"
        "    if x.ndim == 1:\n"
        "        x = x[None, :]\n"
        "    elif np.ndim(x) == 3 and len(W.shape) == 2:\n"
        "        x = x.reshape(x.shape[0], -1)\n"
        "    return np.sum(np.tanh(x @ W) ** 2)\n").loss)
    rng = np.random.default_rng(7)
    W = rng.standard_normal((6, 4))
    for x in (rng.standard_normal(6), rng.standard_normal((5, 6)), rng.standard_normal((5, 2, 3))):
        dx, dW = f.backward(x, W)
        np.testing.assert_allclose(dx, gradient(f, [x, W], 0), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(dW, gradient(f, [x, W], 1), rtol=1e-6, atol=1e-8)
    text = backgen.generate("import numpy as np\n\ndef f(x: '6', W: '6, 4'):\n    if x.ndim == 1:\n"
                            "        x = x[None, :]\n    return np.sum(np.tanh(x @ W))\n")
    assert "x_1 = x[None, :]" in text and "if " not in text


def test_a_branch_decided_by_the_call_that_returns_ends_the_function_there(module):
    """``if x.ndim == 1: return np.sum(x)`` taken: what follows the if never runs (it was kept, and its
    return differentiated: 2 * x for a vector, silently wrong); ``if y is None: return scores``
    likewise, decided by whether the call gives y."""
    f = backgen.backward(module(
        "def f(x):\n"
        "    if x.ndim == 1:\n"
        "        return np.sum(x)\n"
        "    return np.sum(x ** 2)\n").f)
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f.backward(x), np.ones(3))
    np.testing.assert_allclose(f.backward(np.ones((2, 3))), 2 * np.ones((2, 3)))
    g = backgen.backward(module(
        "def g(X, W, y=None):\n"
        "    scores = X.dot(W)\n"
        "    if y is None:\n"
        "        return scores\n"
        "    return np.sum(scores[np.arange(len(y)), y])\n").g, wrt=("X", "W"))
    rng = np.random.default_rng(8)
    X, W, dout = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    np.testing.assert_allclose(g.backward(X, W, dout=dout)[1], X.T @ dout)
    y = np.array([0, 4, 2, 2])
    np.testing.assert_allclose(g.backward(X, W, y)[1], gradient(lambda W: g(X, W, y), [W], 0), rtol=1e-6, atol=1e-8)


def test_a_rank_tested_after_the_name_is_rebound_is_not_decided_by_the_parameters_rank(module):
    """x.sum(axis=0) has rank 1 where x has rank 2: the test reads the new x, not the parameter (each
    path, with x of its own shape, has the return written into it)."""
    f = backgen.backward(module(
        "def loss(x):\n"
        "    x = x.sum(axis=0)\n"
        "    if x.ndim == 1:\n"
        "        x = x[None, :]\n"
        "    return np.sum(x ** 2)\n").loss)
    x = np.arange(6.0).reshape(2, 3) / 5
    np.testing.assert_allclose(f.backward(x), np.tile(2 * x.sum(axis=0), (2, 1)))
    assert backgen.gradcheck(f, x) < 1e-6


def test_the_decorator_differentiates_a_dict_of_parameters_and_leaves_labels_out(module):
    """FullyConnectedNet's style: params read at keys made from the layer's number, y the labels
    (read for its length and as an index); y was taken into wrt with the dict and refused."""
    f = backgen.backward(module(
        "def loss(params, X, y):\n"
        "    h = X\n"
        "    for i in range(1, 3):\n"
        "        h = np.maximum(0, h @ params['W%d' % i] + params['b%d' % i])\n"
        "    scores = h @ params['W3'] + params['b3']\n"
        "    scores = scores - scores.max(axis=1, keepdims=True)\n"
        "    p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)\n"
        "    return -np.mean(np.log(p[np.arange(len(y)), y]))\n").loss)
    rng = np.random.default_rng(8)
    dims = [5, 4, 4, 3]
    params = {}
    for i in range(3):
        params[f"W{i + 1}"] = rng.standard_normal((dims[i], dims[i + 1]))
        params[f"b{i + 1}"] = rng.standard_normal(dims[i + 1])
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    dparams, dX = f.backward(params, X, y)
    for key, value in params.items():
        def at(v, key=key):
            return f({**params, key: v}, X, y)
        np.testing.assert_allclose(dparams[key], gradient(at, [value], 0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dX, gradient(lambda x: f(params, x, y), [X], 0), rtol=1e-6, atol=1e-8)


NET = '''
import backgen


class TwoLayerNet:
    def __init__(self, params, reg):
        self.params = params
        self.reg = reg

    @backgen.backward
    def loss(self, X, y):
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        h = np.maximum(0, X.dot(W1) + b1)
        scores = h.dot(W2) + b2
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        data = -np.mean(np.log(probs[np.arange(X.shape[0]), y]))
        return data + 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
'''


def test_a_method_reading_its_objects_weights_is_differentiated_with_respect_to_them(module):
    """CS231n's model classes: loss(self, X, y) reads self.params (a dict of arrays, differentiated)
    and self.reg (a setting, left out of wrt), each at the call's current values."""
    net_class = module(NET, "net").TwoLayerNet
    rng = np.random.default_rng(9)
    params = {"W1": rng.standard_normal((4, 5)), "b1": rng.standard_normal(5),
              "W2": rng.standard_normal((5, 3)), "b2": rng.standard_normal(3)}
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    net = net_class(params, 0.1)
    for _ in range(2):  # the second time at other weights, with the backward generated once
        dparams, dX = net.loss.backward(X, y)
        for key, value in params.items():
            def at(v, key=key):
                return net_class({**params, key: v}, 0.1).loss(X, y)
            np.testing.assert_allclose(dparams[key], gradient(at, [value], 0), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(dX, gradient(lambda x: net.loss(x, y), [X], 0), rtol=1e-6, atol=1e-8)
        params["W1"] = params["W1"] * 1.5
    assert "def loss_backward(params, reg, X, y, dout=1.0):" in net.loss.backward_source
    assert backgen.gradcheck(net.loss, X, y) < 1e-5  # every entry of self.params and X moved alone
    calling = NET.replace("return data + ", "return self.penalty(W1) + data + ") + \
        "\n    def penalty(self, W):\n        return self.reg * np.sum(W * W)\n"
    caller = module(calling, "calling").TwoLayerNet(params, 0.1)  # a method calling another of the object's
    assert backgen.gradcheck(caller.loss, X, y) < 1e-5  # methods: that one as the function of self.reg it is
    writing = NET.replace("return data + ", "return self.penalty(W1) + data + ") + \
        "\n    def penalty(self, W):\n        self.calls = getattr(self, 'calls', 0) + 1\n        return np.sum(W * W)\n"
    with pytest.raises(BackgenError, match=r"self.penalty\(\): backgen does not follow calls of the object"):
        module(writing, "writing").TwoLayerNet(params, 0.1).loss.backward(X, y)  # (one writing into self)


def test_gradcheck_moves_each_array_of_a_dict_and_names_the_entry_it_finds_wrong(module):
    f = backgen.backward(module(
        "def loss(params, x):\n"
        "    return np.sum(np.tanh(x @ params['W']) * params['b'])\n").loss)
    rng = np.random.default_rng(10)
    params, x = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}, rng.standard_normal((4, 3))
    assert backgen.gradcheck(f, params, x) < 1e-5
    real = f.backward
    f.backward = lambda *a, **k: ({**real(*a, **k)[0], "b": real(*a, **k)[0]["b"] * 1.01}, real(*a, **k)[1])
    with pytest.raises(AssertionError, match=r"gradcheck failed for input params\['b'\] element"):
        backgen.gradcheck(f, params, x)


LAYERS = '''
def affine_forward(x, w, b):
    out = None
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    da = dout * (relu_cache > 0)
    return affine_backward(da, fc_cache)


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
'''


def test_a_function_calling_layers_differentiates_their_outputs_and_leaves_their_caches(module):
    """out, cache = affine_forward(...) in a loss (CS231n's FullyConnectedNet): the call's value was
    taken for the pair, out[0] read as out (a wrong gradient where shapes allowed it)."""
    forward = module(LAYERS + '''

def loss(params, X, y):
    h, cache1 = affine_relu_forward(X, params['W1'], params['b1'])
    scores, cache2 = affine_forward(h, params['W2'], params['b2'])
    loss, dscores = softmax_loss(scores, y)
    return loss


def tanh_sum(x):
    h, c = relu_forward(np.tanh(x))
    return np.sum(h * h)


def reads_cache(x):
    h, c = relu_forward(x)
    return np.sum(h * c)


def unpacked_later(x):
    pair = relu_forward(x)
    return np.sum(pair[0])
''', "layered")
    rng = np.random.default_rng(11)
    params = {"W1": rng.standard_normal((6, 5)), "b1": rng.standard_normal(5),
              "W2": rng.standard_normal((5, 3)), "b2": rng.standard_normal(3)}
    X, y = rng.standard_normal((4, 6)), np.array([0, 1, 2, 1])
    assert backgen.gradcheck(backgen.backward(forward.loss), params, X, y) < 1e-5
    x = rng.uniform(-1.0, 1.0, (3, 3))
    f = backgen.backward(forward.tanh_sum)
    np.testing.assert_allclose(f.backward(x), gradient(forward.tanh_sum, [x], 0), rtol=1e-6, atol=1e-8)
    with pytest.raises(BackgenError, match="'c' holds the cache relu_forward\\(\\) returns"):
        backgen.backward(forward.reads_cache).backward(x)
    with pytest.raises(BackgenError, match=r"relu_forward\(\) returns out, cache: unpack its result"):
        backgen.backward(forward.unpacked_later).backward(x)


def test_cs231n_two_layer_net_as_the_student_writes_its_forward(module):
    """The model class with loss(self, X, y=None): out = None, a return of scores without labels,
    loss, grads = 0, {}, layers called, self.params and self.reg read, and the student's own
    backward filling grads (left out: backgen's gradients agree with it)."""
    net_module = module(LAYERS + '''
import backgen


class TwoLayerNet(object):
    def __init__(self, params, reg=0.0):
        self.params = params
        self.reg = reg

    @backgen.backward
    def loss(self, X, y=None):
        """
        Compute loss and gradient for a minibatch of data.
        """
        scores = None
        h, cache1 = affine_relu_forward(X, self.params['W1'], self.params['b1'])
        scores, cache2 = affine_forward(h, self.params['W2'], self.params['b2'])
        if y is None:
            return scores

        loss, grads = 0, {}
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(self.params['W1'] ** 2) + np.sum(self.params['W2'] ** 2))
        dh, grads['W2'], grads['b2'] = affine_backward(dscores, cache2)
        dx, grads['W1'], grads['b1'] = affine_relu_backward(dh, cache1)
        grads['W2'] += self.reg * self.params['W2']
        grads['W1'] += self.reg * self.params['W1']
        return loss, grads
''', "fc_net")
    rng = np.random.default_rng(12)
    params = {"W1": rng.standard_normal((6, 5)), "b1": rng.standard_normal(5) + 0.1,
              "W2": rng.standard_normal((5, 3)), "b2": rng.standard_normal(3)}
    net = net_module.TwoLayerNet(params, reg=0.1)
    X, y = rng.standard_normal((4, 6)), np.array([0, 1, 2, 1])
    dparams, dX = net.loss.backward(X, y)
    assert sorted(dparams) == ["W1", "W2", "b1", "b2"] and dX.shape == X.shape
    assert backgen.gradcheck(net.loss, X, y) < 1e-5
    _, students = net.loss(X, y)
    for key, value in students.items():
        np.testing.assert_allclose(dparams[key], value, rtol=1e-10, atol=1e-12)


def test_cs231n_fully_connected_net_as_the_student_writes_it(module):
    """FullyConnectedNet.loss: layers in a loop over self.num_layers reading params['W%d' % (i + 1)],
    mode = 'test' if y is None else 'train', a dict of caches, X.astype(self.dtype), and the
    student's backward looping in reverse: backgen's gradients agree with it and with gradcheck."""
    net_module = module(LAYERS + '''
import backgen


class FullyConnectedNet(object):
    def __init__(self, params, num_layers, reg=0.0, dtype=np.float64):
        self.params, self.num_layers, self.reg, self.dtype = params, num_layers, reg, dtype

    @backgen.backward
    def loss(self, X, y=None):
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'
        scores = None
        caches = {}
        out = X
        for i in range(self.num_layers - 1):
            W, b = self.params['W%d' % (i + 1)], self.params['b%d' % (i + 1)]
            out, caches[i] = affine_relu_forward(out, W, b)
        W, b = self.params['W%d' % self.num_layers], self.params['b%d' % self.num_layers]
        scores, caches[self.num_layers - 1] = affine_forward(out, W, b)
        if mode == 'test':
            return scores
        loss, grads = 0.0, {}
        loss, dscores = softmax_loss(scores, y)
        for i in range(self.num_layers):
            W = self.params['W%d' % (i + 1)]
            loss += 0.5 * self.reg * np.sum(W * W)
        dout, grads['W%d' % self.num_layers], grads['b%d' % self.num_layers] = affine_backward(
            dscores, caches[self.num_layers - 1])
        grads['W%d' % self.num_layers] += self.reg * self.params['W%d' % self.num_layers]
        for i in reversed(range(self.num_layers - 1)):
            dout, dw, db = affine_relu_backward(dout, caches[i])
            grads['W%d' % (i + 1)] = dw + self.reg * self.params['W%d' % (i + 1)]
            grads['b%d' % (i + 1)] = db
        return loss, grads
''', "fcn")
    rng = np.random.default_rng(13)
    dims = [6, 5, 4, 3]
    params = {}
    for i in range(3):
        params[f"W{i + 1}"] = rng.standard_normal((dims[i], dims[i + 1]))
        params[f"b{i + 1}"] = rng.standard_normal(dims[i + 1]) + 0.1
    net = net_module.FullyConnectedNet(params, 3, reg=0.1)
    X, y = rng.standard_normal((4, 6)), np.array([0, 1, 2, 1])
    dparams, dX = net.loss.backward(X, y)
    _, students = net.loss(X, y)
    assert sorted(students) == sorted(dparams)
    for key, value in students.items():
        np.testing.assert_allclose(dparams[key], value, rtol=1e-10, atol=1e-12)
    assert backgen.gradcheck(net.loss, X, y) < 1e-5


@pytest.mark.parametrize("body, shapes", [
    ("return sum((x - y) ** 2) / len(x)", ((5,), (5,))),
    # two sums of expressions: each gradient an array, added (was a list each, joined by +=)
    ("return sum(x + 1.0) + sum(y * 2.0) + sum(x * y)", ((3,), (3,))),
    ("return np.sum(sum(x * 2.0) ** 2) + np.sum(sum(-y) ** 2) + np.sum(sum(x.T) ** 2)", ((3, 2), (3, 2))),
    ("return np.sum(sum(x * y) * np.arange(3.0))", ((4, 3), (4, 3))),
    ("s = sum(x)\n    return np.sum(s * y[0])", ((4, 3), (4, 3))),
])
def test_the_builtin_sum_of_an_array_adds_its_rows(body, shapes):
    # was refused ("sum has no derivative rule") for an expression; for a name the gradient came back
    # a list of rows
    source = f"import numpy as np\ndef f(x, y):\n    {body}\n"
    rng = np.random.default_rng(8)
    args = [rng.standard_normal(shape) for shape in shapes]
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"x": shapes[0], "y": shapes[1]}), generated)
    got = generated["f_backward"](*args)
    for k in range(2):
        assert isinstance(got[k], np.ndarray) and got[k].shape == shapes[k]
        np.testing.assert_allclose(got[k], gradient(namespace["f"], args, k), rtol=1e-6, atol=1e-8)
