"""Real code backgen used to refuse, now accepted with gradients checked against central differences.

* A helper returning a constant array (``def zeros3(N, T, H): return np.zeros((N, T, H))``, the
  buffer an RNN's forward fills): it has no backward of its own, so its body is written where it is
  called, and the caller's name stands for the array from the start.
* A loop iterating an array its body adds to in place (``for row in v: v += row``): ``+=`` writes
  into ``v``'s array, so each row is read from ``v`` as the loop has changed it.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences


def _check(source, args, shapes=None, douts=None, wrt=None):
    """Generate ``f_backward`` (with ``shapes``, or without: shape-generic), run it on copies of
    ``args`` and compare with central differences of ``f`` in float64."""
    source = "import math\nimport numpy as np\n\n" + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    f = namespace["f"]
    out = f(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    dout = douts if douts is not None else np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out))
    text = backgen.generate(source, name="f", shapes=shapes)
    generated = {}
    exec(text, generated)
    copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    got = generated["f_backward"](*copies, np.copy(dout))
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: f(*[np.copy(v) if isinstance(v, np.ndarray) else v for v in a]),
                              [np.copy(a) if isinstance(a, np.ndarray) else a for a in args],
                              range(len(args)) if wrt is None else wrt, [dout])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    for a, c in zip(args, copies):  # (the backward leaves its inputs alone)
        np.testing.assert_array_equal(a, c)
    return text


X3 = np.array([[[0.3, -0.5, 0.8, 0.1], [0.9, -0.2, 0.4, -0.7], [0.2, 0.6, -0.3, 0.5]],
               [[-0.4, 0.7, 0.1, 0.3], [0.5, -0.8, 0.2, 0.6], [-0.1, 0.3, 0.9, -0.6]]])
WX = np.array([[0.2, -0.3, 0.5], [0.7, 0.1, -0.4], [-0.6, 0.8, 0.3], [0.4, -0.2, 0.9]])

RNN_WITH_A_BUFFER = """
    def zeros3(N, T, H):
        return np.zeros((N, T, H))

    def f(x, Wx):
        N, T, D = x.shape
        H = Wx.shape[1]
        h = zeros3(N, T, H)
        for t in range(T):
            h[:, t, :] = np.tanh(x[:, t, :].dot(Wx))
        return h
"""

MAX_POOL_WITH_A_BUFFER = """
    def alloc(N, C):
        N = np.zeros((N, C, 2, 2))
        return N

    def f(x):
        N, C, H, W = x.shape
        out = alloc(N, C)
        for n in range(N):
            for c in range(C):
                for i in range(2):
                    for j in range(2):
                        out[n, c, i, j] = np.max(x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2])
        return out
"""


@pytest.mark.parametrize("shaped", [True, False])
def test_a_helper_returning_a_constant_buffer_is_written_out_in_its_caller(shaped):
    text = _check(RNN_WITH_A_BUFFER, [X3, WX], {"x": "2, 3, 4", "Wx": "4, 3"} if shaped else None)
    assert "zeros3_backward" not in text


def test_a_helper_rebinding_its_parameter_to_the_buffer_it_returns():
    x = np.arange(32.0).reshape(1, 2, 4, 4) % 7 * 0.3 - 0.9  # (distinct maxima in each window)
    x[0, 1] = x[0, 1][::-1] * 1.3
    _check(MAX_POOL_WITH_A_BUFFER, [x], {"x": "1, 2, 4, 4"})


def test_a_helper_returning_a_constant_used_in_arithmetic_too():
    _check("""
        def ones_like_rows(x):
            n = x.shape[0]
            return np.ones((n, 1))

        def f(x, w):
            b = ones_like_rows(x)
            return np.tanh(x * w + b) * b
    """, [np.array([[0.3, -0.2], [0.5, 0.9], [-0.4, 0.1]]), np.array([0.7, -1.1])], {"x": "3, 2", "w": "2"})


V = np.array([[0.3, -0.5, 0.8, 0.1], [0.9, -0.2, 0.4, -0.7], [0.2, 0.6, -0.3, 0.5]])


@pytest.mark.parametrize("shaped", [True, False])
@pytest.mark.parametrize("body", [
    "for row in v:\n        v += np.tanh(row)\n    return v",
    "for row in v:\n        v *= 1.0 + 0.1 * row\n    return np.sum(v ** 2)",
    "total = 0.0\n    for row in v:\n        total = total + np.sum(row * row)\n        v -= 0.5 * row\n"
    "    return total + np.sum(v)",
])
def test_a_loop_over_an_array_its_body_adds_to_in_place_reads_each_row_as_changed(body, shaped):
    _check(f"def f(v):\n    {body}\n", [V], {"v": "3, 4"} if shaped else None)


def test_a_list_the_loop_over_it_extends_stays_refused():
    source = textwrap.dedent("""
        import numpy as np

        def f(x: "3"):
            Ws = [x, x * 2.0]
            k = 0
            for W in Ws:
                if k < 3:
                    Ws += [W * 3.0]
                k += 1
            return np.sum(Ws[-1])
    """)
    with pytest.raises(backgen.BackgenError, match="the loop iterates Ws"):
        backgen.generate(source)


GROWING_LIST = """
    def f(x):
        xs = [x, x * 2.0]
        k = 0
        for W in {iterated}:
            if k < 3:
                xs.append(W * 3.0)
            k += 1
        return xs[-1]
"""


def test_a_loop_over_a_list_its_body_appends_to_is_refused_not_cut_short():
    # Python's loop runs over the items appended too (xs[-1] is 9 x); a loop over range(len(xs)) as the
    # loop starts made it 6 x
    with pytest.raises(backgen.BackgenError, match="the loop iterates xs, which its body adds items"):
        backgen.generate(textwrap.dedent(GROWING_LIST.format(iterated="xs")))
    _check(GROWING_LIST.format(iterated="xs.copy()"), [0.7], douts=1.0)


X = np.array([[0.3, -0.5], [0.9, 0.2], [-0.4, 0.7]])
W1 = np.array([[0.2, -0.3, 0.5, 0.1], [0.7, 0.4, -0.6, 0.8]])
W2 = np.array([[0.3], [-0.5], [0.9], [0.2]])

LAYERS_GIVEN_THEIR_NONLINEARITY = """
    def relu(z):
        return np.maximum(z, 0.0)

    def layer(x, W, act):
        return act(x @ W)

    def f(x, W1, W2):
        h = layer(x, W1, relu)
        return layer(h, W2, np.tanh)
"""


@pytest.mark.parametrize("shaped", [True, False])
def test_a_helper_passed_a_function_calls_that_function(shaped):
    text = _check(LAYERS_GIVEN_THEIR_NONLINEARITY, [X, W1, W2],
                  {"x": "3, 2", "W1": "2, 4", "W2": "4, 1"} if shaped else None)
    assert "def layer_relu(x, W):" in text and "def layer_tanh(x, W):" in text


def test_a_helper_binding_the_function_parameter_again_to_its_value():
    _check("""
        def softmax(z):
            z = z - z.max(axis=-1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=-1, keepdims=True)

        def attend(softmax, scores):
            softmax = softmax(scores)
            return softmax

        def f(Q, K, V):
            scores = Q @ K.T / np.sqrt(Q.shape[-1])
            probs = attend(softmax, scores)
            return probs @ V
    """, [X, X[::-1] * 0.5, W1[:, :3].T], {"Q": "3, 2", "K": "3, 2", "V": "3, 2"})


def test_builtins_passed_to_a_helper_in_scalar_code():
    _check("""
        def part(max, a, x, min, y):
            return max(a, x) * min(y, 0.5)

        def f(x, y):
            a = math.exp(-x * x) + math.log(1.0 + y * y)
            return part(max, a, x, min, y) + part(min, a, y, max, x)
    """, [0.3, 0.8], douts=1.0)


def test_a_function_passed_and_kept_in_a_list_stays_refused():
    source = textwrap.dedent("""
        import numpy as np

        def apply_all(fs, x):
            gs = [fs, fs]
            return gs[0](x)

        def f(x: "3"):
            return np.sum(apply_all(np.tanh, x))
    """)
    with pytest.raises(backgen.BackgenError):
        backgen.generate(source)


@pytest.mark.parametrize("shaped", [True, False])
def test_a_helper_given_integers_alone_is_written_out_in_its_caller(shaped):
    x = np.array([[[[-1.0, 0.4, 0.5, 0.8], [1.1, 0.9, -0.5, 1.2], [0.7, 0.3, -0.8, 1.0], [1.2, -0.6, 0.6, -0.5]]]])
    w = np.array([[[[0.4, 0.7], [0.9, 0.4]]], [[[0.8, 0.6], [0.6, 1.1]]]])
    b = np.array([-1.2, 0.5])
    _check("""
        def out_size(H, HH):
            return H - HH + 1

        def f(x, w, b):
            N, C, H, W = x.shape
            F, _, HH, WW = w.shape
            H_out = out_size(H, HH)
            W_out = out_size(W, WW)
            out = np.zeros((N, F, H_out, W_out))
            for n in range(N):
                for f in range(F):
                    for i in range(H_out):
                        for j in range(W_out):
                            out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * w[f]) + b[f]
            return out
    """, [x, w, b], {"x": "1, 1, 4, 4", "w": "2, 1, 2, 2", "b": "2"} if shaped else None)


SCORES = np.array([[0.5, -0.8, 0.65, 1.0], [1.1, 0.8, -0.5, 0.9], [0.6, -0.55, 0.83, 0.59]])
LABELS = np.array([2, 2, 0])


@pytest.mark.parametrize("labels", ["y", "np.array([2, 2, 0])"])
def test_a_write_into_what_an_index_by_integer_arrays_selected_leaves_the_array_alone(labels):
    # x[np.arange(N), y] copies (advanced indexing): correct_class_scores *= ... leaves x as it was
    _check(f"""
        def f(x, y):
            N = x.shape[0]
            correct_class_scores = x[np.arange(N), {labels}]
            correct_class_scores *= correct_class_scores
            margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
            margins[np.arange(N), y] = 0
            return np.sum(margins) / N
    """, [SCORES, LABELS], {"x": "3, 4", "y": "int 3"}, douts=1.0, wrt=[0])


def _relu(z):
    return np.maximum(z, 0.0)


def _layer(x, W, act):
    return act(x @ W)


def _net(x, W1, W2):
    h = _layer(x, W1, _relu)
    return np.sum(_layer(h, W2, np.tanh))


def test_the_decorator_writes_a_helper_for_each_function_passed_to_it():
    net = backgen.backward(_net)
    got = net.backward(X.copy(), W1.copy(), W2.copy())
    want = finite_differences(_net, [X.copy(), W1.copy(), W2.copy()], [0, 1, 2], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert "def _layer_relu(x, W):" in net.backward_source
