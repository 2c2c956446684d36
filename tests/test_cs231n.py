"""CS231n code as students write it: ``(out, cache)`` layers, settings dicts, docstring shapes.

Each layer's forward is the student's own (generated_examples/cs231n_student.py); its cache goes to
the backward backgen generated from the file (the golden cs231n_student_backward.py), and the gradients are checked against central finite
differences of sum(out * dout), with random masks held fixed.
"""

import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import EXAMPLES, load_module  # noqa: E402
from numeric import gradient, weighted  # noqa: E402


@pytest.fixture(scope="module")
def student():
    return load_module(EXAMPLES / "cs231n_student.py")


@pytest.fixture(scope="module")
def generated():
    return load_module(EXAMPLES / "cs231n_student_backward.py")


def numeric(f, x, dout):
    """Central differences of ``sum(f(x) * dout)`` with respect to ``x``."""
    return gradient(weighted(f, (dout,)), (x,), 0)

def frozen(cache):
    """A deep copy of a cache (tuples, lists and dicts of arrays and settings)."""
    if isinstance(cache, np.ndarray):
        return cache.copy()
    if isinstance(cache, (tuple, list)):
        return [frozen(c) for c in cache]
    if isinstance(cache, dict):
        return {k: frozen(v) for k, v in cache.items()}
    return cache


def assert_same(before, after):
    if isinstance(before, np.ndarray):
        np.testing.assert_array_equal(before, after, err_msg="the backward changed the cache")
    elif isinstance(before, (tuple, list)):
        assert len(before) == len(after)
        for b, a in zip(before, after):
            assert_same(b, a)
    elif isinstance(before, dict):
        assert before.keys() == after.keys()
        for key in before:
            assert_same(before[key], after[key])


def check_layer(forward, backward, args, wrt):
    """The generated backward, given the forward's own cache and random upstream gradients (one per
    output), against central differences of sum(out * dout) over the outputs; the cache unchanged."""
    rng = np.random.default_rng(0)
    *outs, cache = forward(*args)
    douts = [rng.standard_normal(np.shape(out)) for out in outs]
    before = frozen(cache)
    grads = backward(*douts, cache)
    assert_same(before, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    assert len(grads) == len(wrt)
    for k, grad in zip(wrt, grads):
        def f(value, k=k):
            trial = list(args)
            trial[k] = value
            return np.concatenate([np.ravel(out) for out in forward(*trial)[:-1]])
        dout = np.concatenate([np.ravel(d) for d in douts])
        np.testing.assert_allclose(grad, numeric(f, args[k], dout), rtol=1e-5, atol=1e-7)


def test_affine_with_shapes_from_the_docstring(student, generated):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    check_layer(student.affine_forward, generated.affine_backward, (x, w, b), (0, 1, 2))


def test_relu_of_any_shape(student, generated):
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    check_layer(student.relu_forward, generated.relu_backward, (x,), (0,))
    check_layer(student.relu_forward, generated.relu_backward, (x[0],), (0,))


def test_a_sandwich_layer_calls_the_layers_backwards(student, generated):
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    check_layer(student.affine_relu_forward, generated.affine_relu_backward, (x, w, b), (0, 1, 2))
    text = Path(generated.__file__).read_text().split("def affine_relu_backward")[1]
    assert "relu_backward(dout, relu_cache)" in text and "affine_backward(da, fc_cache)" in text


def test_batchnorm_training_mode_with_its_settings(student, generated):
    rng = np.random.default_rng(3)
    x, gamma, beta = rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal(4)
    settings = {"mode": "train"}

    def forward(x, gamma, beta):
        return student.batchnorm_forward(x, gamma, beta, dict(settings))
    check_layer(forward, generated.batchnorm_backward, (x, gamma, beta), (0, 1, 2))


@pytest.mark.parametrize("settings", [{"mode": "test"}, {"mode": "train"}, {"mode": "test", "eps": 1e-3,
                                       "running_mean": np.linspace(-0.5, 0.5, 4), "running_var": np.full(4, 0.7)}],
                         ids=["test", "train", "test-running"])
def test_batchnorm_decorated_follows_the_mode_it_is_given(student, settings):
    """The decorator's backward takes the arrays, not a cache: it serves the test mode too, whose path builds
    no cache (it returned the training mode's gradient there, wrong by hundreds, before)."""
    batchnorm = backgen.backward(student.batchnorm_forward)
    rng = np.random.default_rng(31)
    x, gamma, beta = rng.standard_normal((5, 4)), rng.standard_normal(4), rng.standard_normal(4)
    out, _ = batchnorm(x, gamma, beta, copied(settings))
    dout = rng.standard_normal(out.shape)
    got = batchnorm.backward(x, gamma, beta, copied(settings), dout=dout)
    for k, value in enumerate((x, gamma, beta)):
        def f(v, k=k):
            args = [x, gamma, beta]
            args[k] = v
            return student.batchnorm_forward(*args, copied(settings))[0]
        np.testing.assert_allclose(got[k], numeric(f, value, dout), rtol=1e-5, atol=1e-6)


def test_a_function_of_arrays_calling_a_layer_follows_the_layers_every_mode(student):
    """A function returning the layer's output alone gets a backward of the arrays: the layer it calls is
    followed on every path its settings may take, not only the one that builds its cache."""
    source = Path(student.__file__).read_text() + textwrap.dedent('''

    def normed_energy(x, gamma, beta, bn_param):
        """
        - x: of shape (N, D)
        - gamma: of shape (D,)
        - beta: of shape (D,)
        """
        out, cache = batchnorm_forward(x, gamma, beta, bn_param)
        return np.sum(out * out)
    ''')
    namespace, generated = {}, {}
    exec(compile(source, "<student>", "exec"), namespace)
    exec(compile(backgen.generate(source, name="normed_energy"), "<generated>", "exec"), generated)
    rng = np.random.default_rng(32)
    x, gamma, beta = rng.standard_normal((5, 4)), rng.standard_normal(4), rng.standard_normal(4)
    for mode in ("test", "train"):
        def settings():
            return {"mode": mode, "running_mean": np.full(4, 0.1), "running_var": np.full(4, 0.8)}
        got = generated["normed_energy_backward"](x, gamma, beta, settings())
        for k, value in enumerate((x, gamma, beta)):
            def f(v, k=k):
                args = [x, gamma, beta]
                args[k] = v
                return namespace["normed_energy"](*args, settings())
            np.testing.assert_allclose(got[k], numeric(f, value, 1.0), rtol=1e-5, atol=1e-6)


def copied(settings):
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in settings.items()}


def test_dropout_takes_its_mask_from_the_cache(student, generated):
    x = np.random.default_rng(4).standard_normal((5, 6))

    def forward(x, mode="train"):
        return student.dropout_forward(x, {"p": 0.5, "mode": mode, "seed": 7})  # the same mask each call
    check_layer(forward, generated.dropout_backward, (x,), (0,))
    check_layer(lambda x: forward(x, "test"), generated.dropout_backward, (x,), (0,))
    assert "np.random" not in Path(generated.__file__).read_text().split("def dropout_backward")[1]


def test_a_loss_returning_its_own_gradient_gets_the_gradient_of_the_loss(student, generated):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    dx = generated.softmax_loss_backward(x, y)
    np.testing.assert_allclose(dx, numeric(lambda v: student.softmax_loss(v, y)[0], x, 1.0), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(dx, student.softmax_loss(x, y)[1], rtol=1e-6)  # the student's own


def test_svm_loss_layernorm_rnn_step_embedding_and_temporal_affine(student, generated):
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    dx = generated.svm_loss_backward(x, y)
    np.testing.assert_allclose(dx, numeric(lambda v: student.svm_loss(v, y)[0], x, 1.0), rtol=1e-5, atol=1e-8)
    x, gamma, beta = rng.standard_normal((4, 6)), rng.standard_normal(6), rng.standard_normal(6)
    check_layer(lambda *a: student.layernorm_forward(*a, {}), generated.layernorm_backward, (x, gamma, beta),
                (0, 1, 2))
    args = (rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5)),
            rng.standard_normal((5, 5)), rng.standard_normal(5))
    check_layer(student.rnn_step_forward, generated.rnn_step_backward, args, (0, 1, 2, 3, 4))
    words, W = rng.integers(0, 3, (2, 4)), rng.standard_normal((3, 5))  # repeated words add up
    check_layer(lambda W: student.word_embedding_forward(words, W), generated.word_embedding_backward, (W,), (0,))
    args = (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5))
    check_layer(student.temporal_affine_forward, generated.temporal_affine_backward, args, (0, 1, 2))


def test_spatial_batchnorm_reshapes_around_the_generated_batchnorm_backward(student, generated):
    rng = np.random.default_rng(12)
    x, gamma, beta = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal(3), rng.standard_normal(3)

    def forward(x, gamma, beta):
        return student.spatial_batchnorm_forward(x, gamma, beta, {"mode": "train"})
    check_layer(forward, generated.spatial_batchnorm_backward, (x, gamma, beta), (0, 1, 2))
    text = Path(generated.__file__).read_text().split("def spatial_batchnorm_backward")[1].split("\ndef ")[0]
    assert "N, C, H, W = dout.shape" in text and "batchnorm_backward(dout_flat, cache)" in text


def test_computation_around_a_layer_call_other_than_reshapes_is_refused_clearly():
    source = '''
import numpy as np

def bn_forward(x, gamma, beta, bn_param):
    """
    - x: (N, D)  of shape (N, D)
    - gamma: of shape (D,)
    - beta: of shape (D,)
    """
    out = gamma * x + beta
    cache = (x, gamma)
    return out, cache

def spatial_forward(x, gamma, beta, bn_param):
    """
    - x: of shape (N, C, H, W)
    - gamma: of shape (C,)
    - beta: of shape (C,)
    """
    N, C, H, W = x.shape
    out_flat, cache = bn_forward(2 * x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, bn_param)
    out = out_flat.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match="'cache' comes from a layer called here"):
        backgen.generate(source, name="spatial_forward")


def test_the_cache_must_hold_what_the_backward_reads():
    source = '''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: input of shape (N, D)
    - w: weights of shape (D, M)
    - b: biases of shape (M,)
    """
    out = x.dot(w) + b
    cache = (x,)
    return out, cache
'''
    with pytest.raises(backgen.BackgenError, match=r"needs w .*does not hold \(it holds x\): add it to the cache"):
        backgen.generate(source)


def test_a_cache_dict_may_hold_values_computed_where_it_is_built():
    source = '''
import numpy as np

def batchnorm_like_forward(x, gamma, bn_param):
    """
    - x: data of shape (N, D)
    - gamma: scale of shape (D,)
    """
    out = None
    eps = bn_param.get("eps", 1e-5)
    mu = x.mean(axis=0)
    xc = x - mu
    std = np.sqrt((xc ** 2).mean(axis=0) + eps)
    out = gamma * (xc / std)
    cache = {"x": x, "xc": xc, "std": std, "gamma": gamma, "inv_std": 1.0 / std, "xhat": xc / std}
    return out, cache
'''
    text = backgen.generate(source)
    assert "inv_std = cache['inv_std']" in text and "xhat = cache['xhat']" in text  # named by their keys
    namespace, forward = {}, {}
    exec(text, namespace)
    exec(source, forward)
    rng = np.random.default_rng(3)
    x, gamma, dout = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((5, 3))
    out, cache = forward["batchnorm_like_forward"](x, gamma, {"eps": 1e-5})
    dx, dgamma = namespace["batchnorm_like_backward"](dout, cache)
    def layer(x, gamma):
        return forward["batchnorm_like_forward"](x, gamma, {"eps": 1e-5})[0]
    want = [gradient(weighted(layer, (dout,)), (x, gamma), k) for k in range(2)]
    np.testing.assert_allclose(dx, want[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, want[1], rtol=1e-5, atol=1e-7)


def test_template_lines_are_accepted():
    source = '''
import numpy as np

def scale_forward(x: "N, D", k: float):
    """Scales x."""
    out = None
    assert x.ndim == 2, "x must be a matrix"
    if x.ndim != 2:
        raise ValueError("x must be a matrix")
    ###################################
    # TODO: implement the forward pass #
    ###################################
    print("scaling", x.shape)
    pass
    out = x * k
    """a string in the middle"""
    return out
'''
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.ones((2, 3))
    dx, dk = namespace["scale_forward_backward"](x, 3.0, np.ones((2, 3)))
    assert np.allclose(dx, 3.0) and dk == pytest.approx(6.0)


def test_a_none_that_reaches_arithmetic_is_an_error_at_its_line():
    source = 'def f(x: float):\n    out = None\n    y = out * x\n    return y\n'
    with pytest.raises(backgen.BackgenError, match="'out' is None here \\(set to None on line 2") as info:
        backgen.generate(source)
    assert info.value.lineno == 3


def test_a_value_set_to_none_is_none_where_it_is_read_next():
    with pytest.raises(backgen.BackgenError, match="'y' is None here \\(set to None on line 3") as info:
        backgen.generate("def f(x: float):\n    y = x * 2.0\n    y = None\n    return x * y\n")
    assert info.value.lineno == 4


def test_a_test_of_a_value_set_to_none_takes_the_none_path():
    # dropping y = None as a placeholder would return x * 2.0 (a gradient of 2); the test is decided
    namespace = {}
    exec(backgen.generate("def f(x: float):\n    y = x * 2.0\n    y = None\n    if y is None:\n"
                          "        y = x * 3.0\n    return y\n"), namespace)
    assert namespace["f_backward"](0.7) == pytest.approx(3.0)


def test_a_value_set_to_none_in_a_loop_is_refused_unless_given_a_value_next():
    source = ('import numpy as np\n\ndef f(x: "3"):\n    y = x * 2.0\n    for i in range(2):\n'
              '        s = np.sum(y)\n        y = None\n        y = x * s\n    return np.sum(y)\n')
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.array([0.5, -0.6, 0.9])
    s0 = np.sum(2 * x)  # y = x * s1 with s1 = sum(x * s0) = s0 * sum(x): y = x * s0 * sum(x), s0 = 2 * sum(x)
    assert np.allclose(namespace["f_backward"](x), 6 * np.sum(x) ** 2 * np.ones(3))
    with pytest.raises(backgen.BackgenError, match="y = None in a loop"):
        backgen.generate(source.replace("        y = None\n        y = x * s\n", "        y = x * s\n"
                                        "        y = None\n"))


def test_a_placeholder_in_the_branch_not_binding_the_name_is_left_out():
    """cache = (...) in one branch, cache = None in the other: no value of cache reaches the None."""
    source = ('import numpy as np\n\ndef f(x: "N, D", mode="train"):\n    out, cache = None, None\n'
              '    if mode == "train":\n        out = x * 2.0\n        cache = (x,)\n    else:\n'
              '        out = x * 3.0\n        cache = None\n    return out, cache\n')
    namespace = {}
    exec(backgen.generate(source), namespace)
    x, dout = np.array([[0.5, -0.3]]), np.array([[1.0, 2.0]])
    assert np.allclose(namespace["f_backward"](dout, (x,)), 2.0 * dout)


@pytest.mark.parametrize("statement", ["dx, x = None, cache", "x, dx = cache, None"])
def test_placeholders_beside_values_in_one_assignment(statement):
    """CS231n's relu_backward: dx, x = None, cache is the placeholder dx and x = cache."""
    source = (f'import numpy as np\n\ndef f(dout: "N, D", cache: "N, D"):\n    {statement}\n'
              '    dx = dout * (x > 0)\n    return np.sum(dx * dx)\n')
    namespace = {}
    exec(backgen.generate(source), namespace)
    dout, cache = np.array([[0.5, -0.3]]), np.array([[0.7, -0.2]])
    ddout, dcache = namespace["f_backward"](dout, cache)
    assert np.allclose(ddout, 2 * dout * (cache > 0)) and np.allclose(dcache, 0.0)


def test_random_numbers_outside_a_cache_are_refused():
    source = 'import numpy as np\ndef f(x: "N"):\n    mask = np.random.rand(*x.shape) < 0.5\n    return x * mask\n'
    with pytest.raises(backgen.BackgenError, match="draws new numbers on every call"):
        backgen.generate(source)


def test_astype_to_a_float_type_keeps_the_gradient():
    source = 'import numpy as np\ndef f(x: "N"):\n    y = (x * 2.0).astype(x.dtype)\n    return np.sum(y * y)\n'
    namespace = {}
    exec(backgen.generate(source), namespace)
    x = np.array([0.5, 0.6])
    assert np.allclose(namespace["f_backward"](x), 8 * x)


def test_naive_convolution_with_its_padding_and_stride(student, generated):
    rng = np.random.default_rng(16)
    x, w, b = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((2, 3, 3, 2)), rng.standard_normal(2)
    for settings in ({"stride": 2, "pad": 1}, {"stride": 1, "pad": 0}):  # no padding: nothing cut off
        def forward(x, w, b, settings=settings):
            return student.conv_forward_naive(x, w, b, settings)
        check_layer(forward, generated.conv_backward_naive, (x, w, b), (0, 1, 2))


def test_padding_widths_computed_at_run_time():
    def padded(x: "N, C", pad: int):
        return np.sum(np.pad(x, ((0, 0), (pad, pad + 1)), mode="constant") ** 2)
    rng = np.random.default_rng(17)
    x = rng.standard_normal((3, 4))
    for pad in (0, 2):
        assert backgen.gradcheck(padded, x, pad, wrt=("x",)) < 1e-6


def test_naive_max_pool_routes_the_gradient_to_each_window_maximum(student, generated):
    rng = np.random.default_rng(13)
    x = rng.permutation(2 * 3 * 6 * 8).reshape(2, 3, 6, 8) / 10.0  # no ties: the maximum is one element
    for pool in ({"pool_height": 2, "pool_width": 2, "stride": 2}, {"pool_height": 3, "pool_width": 2, "stride": 1}):
        check_layer(lambda x, pool=pool: student.max_pool_forward_naive(x, pool), generated.max_pool_backward_naive,
                    (x,), (0,))


def rnn_args(rng, gates=1, N=3, T=4, D=5, H=3):
    return (rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((D, gates * H)),
            rng.standard_normal((H, gates * H)), rng.standard_normal(gates * H))


def test_rnn_loops_over_the_generated_step_backward(student, generated):
    check_layer(student.rnn_forward, generated.rnn_backward, rnn_args(np.random.default_rng(8)), range(5))
    text = Path(generated.__file__).read_text().split("def rnn_backward")[1].split("\ndef ")[0]
    assert "for t in reversed(range(T)):" in text
    assert "rnn_step_backward(dout[:, t, :] + dprev_h, cache[t])" in text
    code = [line for line in text.splitlines() if not line.strip().startswith("#")]
    assert not any("rnn_step_forward(" in line for line in code)  # the step caches, never the forward again


def test_lstm_step_takes_two_upstream_gradients_and_uses_the_cached_gates(student, generated):
    rng = np.random.default_rng(9)
    N, D, H = 3, 4, 5
    args = (rng.standard_normal((N, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H)),
            rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H))
    check_layer(student.lstm_step_forward, generated.lstm_step_backward, args, range(6))
    text = Path(generated.__file__).read_text().split("def lstm_step_backward(dnext_h, dnext_c, cache)")[1]
    assert "((1 - i) * i)" in text.split("\ndef ")[0]  # the sigmoid's output from the cache


def test_lstm_over_time_with_tuple_targets_into_slots_and_a_dict_of_caches(student, generated):
    check_layer(student.lstm_forward, generated.lstm_backward, rnn_args(np.random.default_rng(10), gates=4),
                range(5))


RNN_STEP = '''
import numpy as np

def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """
    - x: of shape (N, D)
    - prev_h: of shape (N, H)
    - Wx: of shape (D, H)
    - Wh: of shape (H, H)
    - b: of shape (H,)
    """
    next_h = np.tanh(prev_h.dot(Wh) + x.dot(Wx) + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache
'''

DOC = '''
    """
    - x: of shape (N, T, D)
    - h0: of shape (N, H)
    - Wx: of shape (D, H)
    - Wh: of shape (H, H)
    - b: of shape (H,)
    """
'''

RNN_VARIANTS = {
    "a dict of caches, if idx is 0 and the previous slot": '''
def rnn_forward(x, h0, Wx, Wh, b):''' + DOC + '''    N, T, D = x.shape
    _, H = h0.shape
    h = np.zeros((N, T, H))
    cache = {}
    for idx in range(T):
        if idx is 0:
            h[:, idx, :], cache_idx = rnn_step_forward(x[:, idx, :], h0, Wx, Wh, b)
        else:
            h[:, idx, :], cache_idx = rnn_step_forward(x[:, idx, :], h[:, idx - 1, :], Wx, Wh, b)
        cache["cache%d" % idx] = cache_idx
    return h, cache
''',
    "a list made first, the cache written by the call": '''
def rnn_forward(x, h0, Wx, Wh, b):''' + DOC + '''    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = [None] * T
    prev_h = h0
    for t in range(T):
        prev_h, cache[t] = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
    return h, cache
''',
    "two layers stacked in each step": '''
def rnn_forward(x, h0, Wx, Wh, b):''' + DOC + '''    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    caches = []
    prev_h = h0
    for t in range(T):
        mid, c1 = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        top, c2 = rnn_step_forward(x[:, t, :], mid, Wx, Wh, b)
        caches.append(c1)
        h[:, t, :] = top
        caches.append(c2)
        prev_h = top
    return h, caches
''',
}


def _module(source):
    namespace = {}
    with warnings.catch_warnings():  # `if idx is 0:` as students write it
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(compile(source, "<student>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("variant", sorted(RNN_VARIANTS))
def test_rnn_as_students_write_it(variant):
    source = RNN_STEP + RNN_VARIANTS[variant]
    text = backgen.generate(source, name="rnn_forward")
    assert "import backgen" not in text
    user, generated = _module(source), _module(text)
    check_layer(user["rnn_forward"], generated["rnn_backward"], rnn_args(np.random.default_rng(11)), range(5))


@pytest.mark.parametrize("line, message", [
    ("        h[:, t, :] = 2 * next_h\n", "write a step's output into the output by its name"),
    ("        h[:, t, :] = next_h[0]\n", "write a step's output into the output by its name"),
    ("        h[:, t, :] = next_h\n        prev_h = next_h * 2\n", "a step layer takes parameters"),
    ("        h[:, t, :] = next_h\n        h[:, t, :] = next_h\n        prev_h = next_h\n", "write 'h' once"),
    ("        h[:, 0, :] = next_h\n        prev_h = next_h\n", "write 'h' once"),
])
def test_a_loop_over_a_step_layer_outside_what_is_supported_is_refused_at_its_line(line, message):
    source = RNN_STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + DOC + '''    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
''' + line + '''        cache.append(step_cache)
    return h, cache
'''
    with pytest.raises(backgen.BackgenError, match=message):
        backgen.generate(source, name="rnn_forward")


def test_a_write_that_broadcasts_into_its_slot_is_refused():
    source = RNN_STEP + '''
def rnn_forward(x, h0, Wx, Wh, b):''' + DOC + '''    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((2, N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, :, t, :] = next_h
        cache.append(step_cache)
        prev_h = next_h
    return h, cache
'''
    with pytest.raises(backgen.BackgenError, match="into a slot of shape"):
        backgen.generate(source, name="rnn_forward")


def test_layer_names_keep_their_suffix():
    from backgen.cache import backward_name
    assert backward_name("conv_forward_naive") == "conv_backward_naive"
    assert backward_name("affine_forward") == "affine_backward"
    assert backward_name("softmax_loss") == "softmax_loss_backward"
    assert backward_name("forwarder") == "forwarder_backward"


def test_the_layer_form_of_a_forward_named_like_a_layer_keeps_its_name():
    def affine_forward(x: "N, D", w: "D, M", b: "M"):
        return x.dot(w) + b
    layer = backgen.layer(affine_forward)
    assert "def affine_forward(x, w, b):" in layer.source and "def affine_backward(dout, cache):" in layer.source
    rng = np.random.default_rng(14)
    args = (rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2))
    check_layer(layer.forward, layer.backward, args, (0, 1, 2))


def test_the_layer_form_caches_every_value_its_backward_reads():
    def softmax_loss(x: "N, C", y: "int N"):
        shifted = x - np.max(x, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        N = x.shape[0]
        return -np.sum(log_probs[np.arange(N), y]) / N
    layer = backgen.layer(softmax_loss, wrt=("x",))
    rng = np.random.default_rng(15)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    loss, cache = layer.forward(x, y)
    dx = layer.backward(1.0, cache)
    np.testing.assert_allclose(dx, numeric(lambda v: layer.forward(v, y)[0], x, 1.0), rtol=1e-5, atol=1e-8)


def test_a_loop_counter_compared_with_is_is_compared_by_value():
    source = '''
import numpy as np

def first_step_squared(x: "N, D"):
    total = 0.0
    for t in range(3):
        if t is 0:
            total = total + np.sum(x * x)
        else:
            total = total + np.sum(x)
    return total
'''
    text = backgen.generate(source)
    assert " is 0" not in text and "if t == 0:" in text
    user, generated = _module(source), _module(text)
    x = np.random.default_rng(18).standard_normal((3, 4))
    np.testing.assert_allclose(generated["first_step_squared_backward"](x),
                               numeric(lambda v: np.asarray(user["first_step_squared"](v)), x, 1.0), rtol=1e-6)


def test_a_step_layer_in_a_file_with_decorators_and_constants():
    source = '''
import numpy as onp
import backgen

EPS = 1e-8

@backgen.backward
def unrelated(x: "N"):
    return onp.sum(x)
''' + RNN_STEP.replace("import numpy as np\n", "").replace("np.", "onp.").replace(
        "x.dot(Wx) + b)", "x.dot(Wx) + b + EPS)") \
        + RNN_VARIANTS["a list made first, the cache written by the call"].replace("np.", "onp.")
    text = backgen.generate(source, name="rnn_forward")
    generated = _module(text)
    user = _module(source.replace("@backgen.backward\n", ""))
    check_layer(user["rnn_forward"], generated["rnn_backward"], rnn_args(np.random.default_rng(19)), range(5))


GROUPNORM = '''
import numpy as np


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    Inputs:
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer mumber of groups to split into, should be a divisor of C
    - gn_param: Dictionary with the following keys:
      - eps: Constant for numeric stability

    Returns a tuple of:
    - out: Output data, of shape (N, C, H, W)
    - cache: Values needed for the backward pass
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    x_group = np.reshape(x, (N, G, C // G, H, W))
    mean = np.mean(x_group, axis=(2, 3, 4), keepdims=True)
    var = np.var(x_group, axis=(2, 3, 4), keepdims=True)
    x_groupnorm = (x_group - mean) / np.sqrt(var + eps)
    x_norm = np.reshape(x_groupnorm, (N, C, H, W))
    out = x_norm * gamma + beta
    cache = (G, x, x_norm, mean, var, beta, gamma, eps)
    return out, cache
'''


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
def test_spatial_groupnorm_splits_channels_by_an_integer_read_from_the_docstring(groups):
    text = backgen.generate(GROUPNORM)
    user, generated = _module(GROUPNORM), _module(text)
    rng = np.random.default_rng(groups)
    x = rng.standard_normal((2, 6, 3, 4))
    gamma, beta = rng.standard_normal((1, 6, 1, 1)), rng.standard_normal((1, 6, 1, 1))

    def forward(x, gamma, beta):
        return user["spatial_groupnorm_forward"](x, gamma, beta, groups, {"eps": 1e-5})
    check_layer(forward, generated["spatial_groupnorm_backward"], (x, gamma, beta), range(3))


LAYERS_AS_WRITTEN = {
    # a helper returning its cache as a tuple display, its caller discarding it
    "tuple_returned_inside": ('''
import numpy as np

def affine_forward(x, w, b):
    out = x.dot(w) + b
    return out, (x, w, b)

def relu_forward(x):
    return np.maximum(0, x), (x,)

def affine_relu_forward(x, w, b):
    """
    - x: (N, D), w: (D, M), b: (M,)
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    return out, (fc_cache, relu_cache)
''', "affine_relu_forward", lambda rng: [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]),
    # a cache holding the input's shape only
    "cache_of_a_shape": ('''
import numpy as np

def avg_pool_forward(x):
    """Global average pooling of x of shape (N, C, H, W)."""
    N, C, H, W = x.shape
    out = x.sum(axis=(2, 3)) / (H * W)
    cache = x.shape
    return out, cache
''', "avg_pool_forward", lambda rng: [rng.normal(size=(2, 3, 2, 4))]),
    # the batch size read from a cached value of x's shape, x itself not cached
    "shape_of_a_cached_value": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    eps = 1e-5
    mu = x.mean(axis=0)
    xc = x - mu
    var = np.mean(xc ** 2, axis=0)
    std = np.sqrt(var + eps)
    xn = xc / std
    out = gamma * xn + beta
    cache = {'xn': xn, 'std': std, 'gamma': gamma, 'xc': xc}
    return out, cache
''', "batchnorm_forward", lambda rng: [rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)]),
    # pooling windows that tile the image: the sample sizes must be even
    "pool_by_reshaping": ('''
import numpy as np

def max_pool_forward_reshape(x, pool_param):
    """
    - x: Input data, of shape (N, C, H, W)
    """
    N, C, H, W = x.shape
    pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
    stride = pool_param['stride']
    assert pool_height == pool_width == stride, 'Invalid pool params'
    assert H % pool_height == 0
    assert W % pool_height == 0
    x_reshaped = x.reshape(N, C, H // pool_height, pool_height, W // pool_width, pool_width)
    out = x_reshaped.max(axis=3).max(axis=4)
    cache = (x, x_reshaped, out)
    return out, cache
''', "max_pool_forward_reshape", lambda rng: [rng.normal(size=(2, 3, 4, 6)),
                                             {"pool_height": 2, "pool_width": 2, "stride": 2}]),
    # a cache built up from an empty dict, in the training branch: an entry an expression, a name
    # rebound after its entry went in, a key set twice
    "cache_built_up_as_a_dict": ('''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    """
    mode = bn_param['mode']
    eps = bn_param.get('eps', 1e-5)
    out, cache = None, None
    if mode == 'train':
        cache = {}
        mu = x.mean(axis=0)
        cache['gamma'] = gamma
        cache['eps'] = eps
        xc = x - mu
        cache['xc'] = xc
        var = np.mean(xc ** 2, axis=0)
        cache['std'] = np.sqrt(var + eps)
        xn = xc / np.sqrt(var + eps)
        cache['xn'] = xn
        xc = xc * 2.0
        cache['gamma'] = gamma
        out = gamma * xn + beta + xc
    else:
        out = gamma * (x - bn_param['running_mean']) / np.sqrt(bn_param['running_var'] + eps) + beta
    return out, cache
''', "batchnorm_forward", lambda rng: [rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3),
                                      {"mode": "train"}]),
    # a cache list appended to, a value written into after its entry went in
    "cache_built_up_as_a_list": ('''
import numpy as np

def layer_forward(x, w):
    """
    - x: (N, D)
    - w: (D, M)
    """
    cache = []
    h = x @ w
    cache.append(w)
    cache.append(h)
    h[:, 0] = 0.0
    cache.append(x)
    out = np.tanh(h)
    cache.append(out)
    return out, cache
''', "layer_forward", lambda rng: [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]),
}


@pytest.mark.parametrize("case", sorted(LAYERS_AS_WRITTEN))
def test_layers_as_written(case):
    """A tuple returned inside the returned tuple (``return out, (x, w, b)``) is the cache it names;
    a cache of ``x.shape``, or of a value of x's shape, serves the backward's reads of x's shape; a
    reshape into windows that must tile the image runs on even sample sizes."""
    source, name, make = LAYERS_AS_WRITTEN[case]
    text = backgen.generate(source, name=name)
    user, generated = _module(source), _module(text)
    args = make(np.random.default_rng(3))
    wrt = [k for k, a in enumerate(args) if isinstance(a, np.ndarray)]
    check_layer(user[name], generated[name.replace("_forward", "_backward")], args, wrt)


LAYERS = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    cache = (x, w, b)
    return out, cache

def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache

def tanh_forward(x):
    out = np.tanh(x)
    cache = out
    return out, cache
'''


@pytest.mark.parametrize("body", [
    # the student's sandwich, out reused for each layer's result
    "out, fc_cache = affine_forward(x, w, b)\n    out, relu_cache = relu_forward(out)\n"
    "    cache = (fc_cache, relu_cache)\n    return out, cache",
    "h, c1 = affine_forward(x, w, b)\n    h, c2 = relu_forward(h)\n    h, c3 = tanh_forward(h)\n"
    "    cache = (c1, c2, c3)\n    return h, cache",
    # the input's own name reused
    "x, c1 = affine_forward(x, w, b)\n    x, c2 = relu_forward(x)\n    cache = (c1, c2)\n    return x, cache",
    "out, c1 = affine_forward(x, w, b)\n    out, c2 = tanh_forward(out)\n    out, c3 = relu_forward(out)\n"
    "    cache = (c1, c2, c3)\n    return out, cache",
])
def test_a_sandwich_reusing_a_name_for_each_layer_s_result_is_right(body):
    # found by a review: the first out's gradient was taken as more of the output's, dout = dout +
    # relu_backward(dout, relu_cache) (db = [7, 5, 6, 7, 8] for [3, 1, 2, 3, 4]); x reused raised
    # UnboundLocalError
    source = LAYERS + '\ndef sandwich_forward(x, w, b):\n    """\n    - x: (N, D)\n    - w: (D, M)\n' \
        '    - b: (M,)\n    """\n    ' + body + "\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="sandwich_forward"), generated)
    rng = np.random.default_rng(11)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    check_layer(namespace["sandwich_forward"], generated["sandwich_backward"], (x, w, b), (0, 1, 2))


@pytest.mark.parametrize("line", ["cache.append(h)", "cache[t] = h"])
def test_a_cache_of_values_put_in_by_a_loop_is_refused_at_its_line(line):
    # was "could not run the staged forward ... UnboundLocalError: cannot access local variable 'cache'"
    start = "[]" if "append" in line else "{}"
    source = ("import numpy as np\n\ndef f(x: 'N', w: 'N'):\n    cache = " + start + "\n    h = x\n"
              "    for t in range(3):\n        h = np.tanh(h * w)\n        " + line + "\n    return h, cache\n")
    with pytest.raises(backgen.BackgenError, match="this puts a value into 'cache', the cache returned") as info:
        backgen.generate(source)
    assert info.value.lineno == 8


RANKED = {
    # the reduction's axis counted from the end: at rank 3 the code written for rank 2 took the
    # wrong axis (transposed), at rank 4 it raised
    "a_reduction_over_the_last_axis": '''
import numpy as np

def f(x):
    """
    - x: Input data, of shape (N, d_1, ..., d_k)
    """
    return np.sum(x.mean(axis=-1) ** 2)
''',
    # a branch on the rank, decided for rank 2
    "a_branch_on_the_rank": '''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    if x.ndim > 2:
        xr = x.reshape(x.shape[0], -1)
    else:
        xr = x
    out = np.maximum(xr @ w + b, 0)
    cache = (x, w, b)
    return out, cache
''',
    # a cache of the flattened input: dx came back (N, D) for x of (N, 2, 3)
    "a_cache_without_the_input": '''
import numpy as np

def affine_forward(x, w, b):
    """
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)
    """
    xr = x.reshape(x.shape[0], -1)
    out = xr.dot(w) + b
    cache = (xr, w)
    return out, cache
''',
}


@pytest.mark.parametrize("case", sorted(RANKED))
def test_an_input_of_any_rank_from_two_whose_backward_depends_on_it_is_refused(case):
    with pytest.raises(backgen.BackgenError, match=r"may be of any rank from two up \(\(N, d_1, \.\.\., d_k\)\)"):
        backgen.generate(RANKED[case])


def test_an_input_of_any_rank_from_two_flattened_is_right_at_ranks_two_to_four(student, generated):
    rng = np.random.default_rng(12)
    for shape in [(4, 6), (4, 2, 3), (4, 1, 2, 3)]:
        x, w, b = rng.standard_normal(shape), rng.standard_normal((6, 5)), rng.standard_normal(5)
        check_layer(student.affine_forward, generated.affine_backward, (x, w, b), (0, 1, 2))


def test_a_layer_looping_over_a_step_layer_renames_its_state_as_a_tuple():
    # was refused: "only calls of step layers ... renamings are supported" (prev_h, prev_c = next_h, next_c)
    source = textwrap.dedent('''
        import numpy as np

        def step_forward(x, prev_h, prev_c, W):
            a = x @ W
            next_c = prev_c * 0.5 + np.tanh(a + prev_h)
            next_h = np.tanh(next_c)
            cache = (x, prev_h, prev_c, W, a, next_c, next_h)
            return next_h, next_c, cache

        def seq_forward(x, h0, W):
            """
            - x: (N, T, D)
            - h0: (N, D)
            - W: (D, D)
            """
            N, T, D = x.shape
            h = np.zeros((N, T, D))
            prev_h, prev_c = h0, np.zeros_like(h0)
            cache = []
            for t in range(T):
                next_h, next_c, c = step_forward(x[:, t, :], prev_h, prev_c, W)
                h[:, t, :] = next_h
                cache.append(c)
                prev_h, prev_c = next_h, next_c
            return h, cache
    ''')
    user, generated = _module(source), _module(backgen.generate(source, name="seq_forward"))
    rng = np.random.default_rng(13)
    args = (rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4)), rng.standard_normal((4, 4)))
    check_layer(user["seq_forward"], generated["seq_backward"], args, (0, 1, 2))


def test_a_value_the_backward_computes_is_zeros_like_itself_not_a_value_its_samples_shaped_alike():
    # the padded input (pad read by conv_param.get('pad', 0): 0 at the samples) got zeros like x, and
    # a window of (N, C, HH, WW) zeros of (N, C, Hp, WW), Hp and HH equal at the samples: at pad 1 the
    # backward raised "operands could not be broadcast together with shapes (2,4,4,3) (2,2,3,3)"
    source = textwrap.dedent('''
    import numpy as np

    def conv_forward_naive(x, w, b, conv_param):
        """
        - x: Input data of shape (N, C, H, W)
        - w: Filter weights of shape (F, C, HH, WW)
        - b: Biases, of shape (F,)
        """
        stride = conv_param.get('stride', 1)
        pad = conv_param.get('pad', 0)
        N, C, H, W = x.shape
        F, C, HH, WW = w.shape
        Hp = 1 + (H + 2 * pad - HH) // stride
        Wp = 1 + (W + 2 * pad - WW) // stride
        xp = np.pad(x, ((0,), (0,), (pad,), (pad,)), 'constant')
        out = np.zeros((N, F, Hp, Wp))
        for i in range(Hp):
            for j in range(Wp):
                window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                for f in range(F):
                    out[:, f, i, j] = np.sum(window * w[f, :, :, :], axis=(1, 2, 3)) + b[f]
        cache = (x, w, b, conv_param)
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="conv_forward_naive"), generated)
    rng = np.random.default_rng(6)
    for setting in ({'stride': 1, 'pad': 1}, {'stride': 2, 'pad': 0}):
        def forward(x, w, b):
            return namespace["conv_forward_naive"](x, w, b, setting)
        check_layer(forward, generated["conv_backward_naive"],
                    [rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(2, 2, 3, 3)), rng.normal(size=2)], (0, 1, 2))


@pytest.mark.parametrize("held, V", [("W.shape", None), ("W.shape[0]", None), ("W.shape[0]", 4)])
def test_an_embedding_s_cache_of_the_weight_s_shape_or_its_rows_gives_the_zeros_of_its_gradient(held, V):
    # cache = (x, W.shape) or (x, W.shape[0]): the backward read W for np.zeros_like(W), which the cache does
    # not hold, and was refused; now np.zeros(shape), np.zeros((n, dout.shape[2]))
    source = textwrap.dedent(f'''
    import numpy as np

    def word_embedding_forward(x, W):
        """
        - x: Integer array of shape (N, T) giving indices of words.
        - W: Weight matrix of shape ({V or "V"}, D) giving word vectors for all words.
        """
        out = W[x]
        cache = (x, {held})
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="word_embedding_forward"), generated)
    rng = np.random.default_rng(2)
    check_layer(lambda W: namespace["word_embedding_forward"](np.array([[0, 3, 1], [2, 2, 0]]), W),
                generated["word_embedding_backward"], [rng.normal(size=(4, 3))], (0,))


def test_a_layer_of_layers_calling_a_helper_that_returns_no_cache_of_its_own_is_right_or_refused():
    # relu_forward returning (out, x), not (out, cache): its backward, relu_forward_backward(x, dout1, dout2),
    # was called as a layer's, relu_forward_backward(dout, relu_cache), and dx was wrong
    source = textwrap.dedent('''
    import numpy as np

    def affine_forward(x, w, b):
        out = x.dot(w) + b
        cache = (x, w, b)
        return out, cache

    def relu_forward(x):
        out = np.maximum(0, x)
        return out, x

    def affine_relu_forward(x, w, b):
        """
        - x: Input of shape (N, D)
        - w: Weights of shape (D, M)
        - b: Biases of shape (M,)
        """
        a, fc_cache = affine_forward(x, w, b)
        out, relu_cache = relu_forward(a)
        cache = (fc_cache, relu_cache)
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    try:
        exec(backgen.generate(source, name="affine_relu_forward"), generated)
    except backgen.BackgenError:
        return  # (refused: allowed; a wrong gradient is not)
    rng = np.random.default_rng(5)
    check_layer(namespace["affine_relu_forward"], generated["affine_relu_backward"],
                [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)], (0, 1, 2))


def test_sizes_that_agree_at_one_value_of_a_setting_only_are_not_taken_for_one_another():
    # x[:, :, ::s, ::s] with s = pool_param['stride'], 1 at the samples: dx was zeros like dout (x's shape
    # there), and at stride 2 the backward raised "could not broadcast input array from shape (2,2,2,2)"
    source = textwrap.dedent('''
    import numpy as np

    def subsample_forward(x, pool_param):
        """
        - x: Input of shape (N, C, H, W)
        """
        s = pool_param['stride']
        out = x[:, :, ::s, ::s] * 2.0
        cache = (pool_param,)
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    try:
        exec(backgen.generate(source, name="subsample_forward"), generated)
    except backgen.BackgenError as error:
        assert "depends on the values of the settings (stride)" in str(error)
        return
    x = np.random.default_rng(3).normal(size=(2, 2, 4, 4))
    check_layer(lambda x: namespace["subsample_forward"](x, {"stride": 2}), generated["subsample_backward"], [x], (0,))


def test_a_product_the_backward_reads_for_its_shape_only_is_not_computed_again():
    # the gradient of out = x_flat.dot(w).reshape(N, T, M) read the product's shape alone
    # (dprod = dout.reshape(prod.shape)), and the forward pass computed the product again for it:
    # a whole matrix product more than the hand-written backward, and its memory
    source = textwrap.dedent('''
    import numpy as np

    def temporal_affine_forward(x, w, b):
        """
        - x: Input data of shape (N, T, D)
        - w: Weights of shape (D, M)
        - b: Biases of shape (M,)
        """
        N, T, D = x.shape
        M = b.shape[0]
        out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
        cache = x, w, b, out
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source, name="temporal_affine_forward")
    exec(text, generated)
    body = [line for line in text.split("def temporal_affine_backward", 1)[1].splitlines()
            if not line.strip().startswith("#")]
    assert sum(".dot(" in line for line in body) == 2, text  # dx's and dw's products, none of the forward
    rng = np.random.default_rng(7)
    check_layer(namespace["temporal_affine_forward"], generated["temporal_affine_backward"],
                [rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)], (0, 1, 2))


def test_sizes_read_in_place_and_size_arithmetic_computed_once():
    # N, T, V = x.shape was read as parts = x.shape, N = parts[0], ...; N * T, written three times,
    # was computed three times (n = N * T, n2 = N * T, n3 = N * T), as was i * stride in the loop of
    # a naive convolution's backward, once for each bound of its window
    source = textwrap.dedent('''
    import numpy as np

    def temporal_softmax_loss(x, y, mask):
        """
        - x: Input scores, of shape (N, T, V)
        - y: Ground-truth indices, of shape (N, T)
        - mask: Boolean array of shape (N, T)
        """
        N, T, V = x.shape
        x_flat = x.reshape(N * T, V)
        y_flat = y.reshape(N * T)
        mask_flat = mask.reshape(N * T)
        shifted = x_flat - np.max(x_flat, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.sum(mask_flat * log_probs[np.arange(N * T), y_flat]) / N
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source, name="temporal_softmax_loss", wrt=["x"])
    exec(text, generated)
    code = [line.split("#")[0].strip() for line in text.splitlines()]
    assert "N = x.shape[0]" in code and not any(line.startswith("parts") for line in code), text
    assert sum(line.endswith("= N * T") for line in code) == 1, text
    rng = np.random.default_rng(8)
    x, y, mask = rng.normal(size=(2, 3, 5)), rng.integers(0, 5, (2, 3)), rng.random((2, 3)) < 0.7
    want = gradient(lambda x: namespace["temporal_softmax_loss"](x, y, mask), (x,), 0)
    np.testing.assert_allclose(generated["temporal_softmax_loss_backward"](x, y, mask), want, rtol=1e-5, atol=1e-7)


def test_a_window_bound_of_a_naive_convolution_is_computed_once_an_iteration(student, generated):
    text = (EXAMPLES / "cs231n_student_backward.py").read_text(encoding="utf-8")
    body = text.split("def conv_backward_naive", 1)[1].split("\ndef ", 1)[0]
    code = [line.split("#")[0].strip() for line in body.splitlines()]
    assert sum(line.endswith("= i * stride") for line in code) == 1, body
    assert sum(line.endswith("= 2 * pad") for line in code) == 1, body
    rng = np.random.default_rng(9)
    check_layer(lambda x, w, b: student.conv_forward_naive(x, w, b, {"stride": 2, "pad": 1}),
                generated.conv_backward_naive,
                [rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)], (0, 1, 2))


def test_the_zeros_of_an_upstream_given_as_none_take_their_shape_from_the_cache(student, generated):
    # dnext_h = np.zeros_like(next_h) made the backward compute next_h = o * tanh(next_c) again, for its
    # shape alone, in every call
    text = Path(generated.__file__).read_text().split("def lstm_step_backward(dnext_h, dnext_c, cache)")[1]
    code = [line.split("#")[0].strip() for line in text.split("\ndef ")[0].splitlines()]
    assert not any(line.startswith("next_h =") for line in code), text
    rng = np.random.default_rng(11)
    N, D, H = 3, 4, 5
    args = [rng.standard_normal((N, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H)),
            rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), rng.standard_normal(4 * H)]
    next_h, next_c, cache = student.lstm_step_forward(*args)
    for dnext_h, dnext_c in ((rng.standard_normal((N, H)), None), (None, rng.standard_normal((N, H)))):
        grads = generated.lstm_step_backward(dnext_h, dnext_c, cache)
        douts = [np.zeros((N, H)) if d is None else d for d in (dnext_h, dnext_c)]
        for k, grad in enumerate(grads):
            def f(value, k=k):
                trial = list(args)
                trial[k] = value
                return np.concatenate([np.ravel(out) for out in student.lstm_step_forward(*trial)[:2]])
            np.testing.assert_allclose(grad, numeric(f, args[k], np.concatenate([np.ravel(d) for d in douts])),
                                       rtol=1e-5, atol=1e-7)
