"""Neural networks written from scratch in plain NumPy, as tutorials, books and students write them:
class-based networks whose methods keep what they compute on the object (``self.output``), private
helper methods (``self.__sigmoid``), softmax classifiers, logistic regression, XOR nets and
min-char-rnn's loss over a sequence.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` naming the line.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, generated_gradients, imported


def _method_gradients(text, cls, method, make, args):
    """The decorator's gradients of ``obj.method`` (the object's array attributes first, then its
    parameters) beside central differences of the method as Python runs it."""
    module = imported("import numpy as np\n" + text, "tutorials")
    obj = make(module[cls])
    got = backgen.backward(getattr(obj, method)).backward(*args)
    return got, module


TDS_NET = '''
def sigmoid(x):
    return 1.0 / (1 + np.exp(-x))

class NeuralNetwork:
    def __init__(self, x, y):
        self.input = x
        self.weights1 = np.random.rand(self.input.shape[1], 4)
        self.weights2 = np.random.rand(4, 1)
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))
        self.output = sigmoid(np.dot(self.layer1, self.weights2))
        return self.output

    def loss(self):
        self.feedforward()
        return np.sum((self.y - self.output) ** 2)

    def loss_of_returned(self):
        output = self.feedforward()
        return np.sum((self.y - output) ** 2)

    def report(self):
        return np.sum(self.output ** 2)

    def loss_through_report(self):
        self.feedforward()
        return self.report()

    def loss_read_before(self):
        before = np.sum(self.output)
        self.feedforward()
        return np.sum(self.output ** 2) + before
'''


def _tds_net(cls):
    np.random.seed(3)
    return cls(np.array([[0., 0., 1.], [0., 1., 1.], [1., 0., 1.], [1., 1., 1.]]), np.array([[0.], [1.], [1.], [0.]]))


def _attribute_gradients(module, method, names, got):
    """``got`` beside central differences of ``method`` of a new network in each attribute of ``names``."""
    net = _tds_net(module["NeuralNetwork"])

    def loss(**values):
        other = _tds_net(module["NeuralNetwork"])
        for k, v in values.items():
            setattr(other, k, v)
        return getattr(other, method)()
    assert len(got) == len(names)
    for g, name in zip(got, names):
        want = finite_differences(lambda v, name=name: loss(**{name: v}), [getattr(net, name)], [0], (1.0,))[0]
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


def test_a_method_reading_what_an_own_method_it_called_left_on_the_object():
    # loss() calls self.feedforward() for what it sets, self.output, then reads it: read as the object's
    # attribute before the call, the gradient of the weights was zero; the call hands it back now
    module = imported("import numpy as np\n" + TDS_NET, "tutorials")
    net = _tds_net(module["NeuralNetwork"])
    _attribute_gradients(module, "loss", ("input", "weights1", "weights2", "y"), backgen.backward(net.loss).backward())


def test_what_an_own_method_left_on_the_object_read_by_another_method_is_refused():
    module = imported("import numpy as np\n" + TDS_NET, "tutorials")
    net = _tds_net(module["NeuralNetwork"])
    with pytest.raises(backgen.BackgenError, match=r"self\.report\(\) reads self\.output, which self\.feedforward"):
        backgen.backward(net.loss_through_report).backward()
    with pytest.raises(backgen.BackgenError, match=r"self\.output is set by self\.feedforward\(\)"):
        backgen.backward(net.loss_read_before).backward()


def test_a_method_reading_what_an_own_method_returns_is_differentiated():
    module = imported("import numpy as np\n" + TDS_NET, "tutorials")
    net = _tds_net(module["NeuralNetwork"])
    _attribute_gradients(module, "loss_of_returned", ("input", "weights1", "weights2", "y"),
                         backgen.backward(net.loss_of_returned).backward())


LOGREG = '''
class LogisticRegression:
    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept
        self.theta = np.array([0.3, -0.2, 0.5, 0.1])

    def __add_intercept(self, X):
        intercept = np.ones((X.shape[0], 1))
        return np.concatenate((intercept, X), axis=1)

    def __sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def __loss(self, h, y):
        return (-y * np.log(h) - (1 - y) * np.log(1 - h)).mean()

    def loss(self, X, y):
        if self.fit_intercept:
            X = self.__add_intercept(X)
        z = np.dot(X, self.theta)
        h = self.__sigmoid(z)
        return self.__loss(h, y)
'''


def test_private_helper_methods_are_found_under_their_mangled_names():
    # self.__sigmoid(z) in LogisticRegression is its _LogisticRegression__sigmoid: refused before as a
    # method the class did not hold
    module = imported("import numpy as np\n" + LOGREG, "tutorials")
    model = module["LogisticRegression"]()
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((5, 3)), np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    dtheta, dX, _ = backgen.backward(model.loss).backward(X, y)

    def loss(theta, X):
        other = module["LogisticRegression"]()
        other.theta = theta
        return other.loss(X, y)
    want = finite_differences(loss, [model.theta, X], [0, 1], (1.0,))
    np.testing.assert_allclose(dtheta, want[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dX, want[1], rtol=1e-5, atol=1e-7)


MIN_CHAR_RNN = '''
def lossFun(inputs, targets, hprev, Wxh, Whh, Why, bh, by):
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0
    vocab_size = Wxh.shape[1]
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab_size,1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t-1]) + bh)
        ys[t] = np.dot(Why, hs[t]) + by
        ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))
        loss += -np.log(ps[t][targets[t],0])
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs)-1]
'''


def test_min_char_rnn_returning_its_gradients_between_the_loss_and_the_last_state():
    # the decorator took dout[1] for the gradient of dWxh, the second value returned, and refused the
    # last hidden state's upstream gradient for its shape
    func = imported("import numpy as np\n" + MIN_CHAR_RNN, "tutorials")["lossFun"]
    rng = np.random.default_rng(30)
    H, V = 4, 5
    args = [[0, 1, 2, 3], [1, 2, 3, 4], rng.standard_normal((H, 1)) * 0.5, rng.standard_normal((H, V)) * 0.3,
            rng.standard_normal((H, H)) * 0.3, rng.standard_normal((V, H)) * 0.3, np.full((H, 1), 0.05),
            np.full((V, 1), -0.02)]
    dh = rng.standard_normal((H, 1))
    got = backgen.backward(func).backward(*args, dout=(1.3, dh))
    want = finite_differences(func, args, range(2, 8), (1.3, None, None, None, None, None, dh))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_biases_read_beside_weights_by_the_index_of_a_loop_over_the_weights():
    # biases[i] in `for i in range(len(weights))` was taken for a row of one array: its gradient made by
    # np.zeros_like(biases), which raised on a list of biases of two sizes
    source = '''
        def forward(X, weights, biases):
            a = X
            for i in range(len(weights)):
                z = np.dot(a, weights[i]) + biases[i]
                if i < len(weights) - 1:
                    a = np.tanh(z)
                else:
                    a = z
            return a
    '''
    rng = np.random.default_rng(2)
    args = [rng.standard_normal((5, 4)), [rng.standard_normal((4, 6)), rng.standard_normal((6, 3))],
            [rng.standard_normal(6), rng.standard_normal(3)]]
    dout = rng.standard_normal((5, 3))
    got, want = generated_gradients(source, args, (dout,), "forward", [0, 1, 2])
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loop", ["for k in params:", "for k in params.keys():"])
def test_weight_decay_over_the_keys_of_a_dict_of_parameters_tested_by_a_string_method(loop):
    # k.startswith('W') was taken for a call that may change k, which then was no key backgen knew
    source = f'''
        def regularized_loss(params, X, y, reg=0.5):
            h = np.tanh(X.dot(params['W1']) + params['b1'])
            out = h.dot(params['W2']) + params['b2']
            data_loss = np.mean((out - y) ** 2)
            reg_loss = 0
            {loop}
                if k.startswith('W'):
                    reg_loss += 0.5 * reg * np.sum(params[k] ** 2)
            return data_loss + reg_loss
    '''
    rng = np.random.default_rng(5)
    params = {"W1": rng.standard_normal((4, 6)), "b1": rng.standard_normal(6),
              "W2": rng.standard_normal((6, 3)), "b2": rng.standard_normal(3)}
    args = [params, rng.standard_normal((5, 4)), rng.standard_normal((5, 3)), 0.5]
    func = imported("import numpy as np\n" + __import__("textwrap").dedent(source), "tutorials")["regularized_loss"]
    got = backgen.backward(func).backward(*args)
    want = finite_differences(func, args, [0, 1, 2, 3], (1.0,))
    assert_close(list(got), want, rtol=1e-5, atol=1e-7)


def test_hidden_states_in_a_list_of_none_written_one_ahead_without_shapes():
    # the shape-generic backward copied the list's gradient with np.copy, which made one array of it
    # and raised on its None and its arrays
    source = '''
        def rnn_loss(X, targets, h0, Wx, Wh, Wy):
            T = X.shape[0]
            hs = [None] * (T + 1)
            hs[0] = h0
            loss = 0.0
            for t in range(T):
                hs[t + 1] = np.tanh(X[t] @ Wx + hs[t] @ Wh)
                logits = hs[t + 1] @ Wy
                logits = logits - logits.max()
                loss -= logits[targets[t]] - np.log(np.exp(logits).sum())
            return loss
    '''
    rng = np.random.default_rng(3)
    args = [rng.standard_normal((3, 4)), np.array([0, 2, 1]), rng.standard_normal(4), rng.standard_normal((4, 4)),
            rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((4, 3))]
    got, want = generated_gradients(source, args, (1.0,), "rnn_loss", [0, 2, 3, 4, 5])
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-7)


NNFS_PARTS = '''
class Layer_Dense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

class Activation_Softmax:
    def forward(self, inputs):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        return self.output

class Activation_Softmax_Loss_CategoricalCrossentropy:
    def __init__(self):
        self.activation = Activation_Softmax()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return -np.mean(np.log(self.output[range(len(self.output)), y_true]))
'''


def test_nnfs_parts_that_keep_their_output_are_refused_naming_what_to_write():
    module = imported("import numpy as np\n" + NNFS_PARTS, "tutorials")
    rng = np.random.default_rng(1)
    dense = module["Layer_Dense"](3, 4)
    with pytest.raises(backgen.BackgenError, match=r"end it with return self\.output"):
        backgen.backward(dense.forward).backward(rng.standard_normal((5, 3)), dout=np.ones((5, 4)))
    combined = module["Activation_Softmax_Loss_CategoricalCrossentropy"]()
    with pytest.raises(backgen.BackgenError, match=r"self\.activation\.output is set by self\.activation\.forward\(\), "
                                                   r"which backgen reads as a function of the attributes it reads"):
        backgen.backward(combined.forward).backward(rng.standard_normal((5, 3)), np.array([0, 1, 2, 1, 0]))


MODEL = '''
class Model:
    def __init__(self):
        self.W1 = np.random.RandomState(0).randn(4, 6) * 0.5
        self.W2 = np.random.RandomState(1).randn(6, 3) * 0.5

    def forward(self, X):
        self.z1 = X @ self.W1
        self.h1 = np.maximum(self.z1, 0)
        self.out = self.h1 @ self.W2
        return self.out

    def loss(self, X, y):
        out = self.forward(X)
        return np.mean((out - y) ** 2) + 0.01 * np.sum(self.h1 ** 2)
'''


def test_the_value_an_own_method_returns_and_a_hidden_layer_it_keeps_are_both_read():
    module = imported("import numpy as np\n" + MODEL, "tutorials")
    model = module["Model"]()
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    dW1, dW2, dX, dy = backgen.backward(model.loss).backward(X, y)

    def loss(W1, W2, X, y):
        other = module["Model"]()
        other.W1, other.W2 = W1, W2
        return other.loss(X, y)
    want = finite_differences(loss, [model.W1, model.W2, X, y], [0, 1, 2, 3], (1.0,))
    assert_close([dW1, dW2, dX, dy], want, rtol=1e-5, atol=1e-7)


TWICE = '''
class Net:
    def __init__(self):
        rng = np.random.RandomState(5)
        self.W1 = rng.randn(4, 6) * 0.5
        self.W2 = rng.randn(6, 3) * 0.5

    def forward(self, X):
        self.a1 = np.tanh(X @ self.W1)
        z2 = self.a1 @ self.W2
        exp = np.exp(z2 - z2.max(axis=1, keepdims=True))
        self.probs = exp / exp.sum(axis=1, keepdims=True)
        return self.probs

    @staticmethod
    def nll(probs, y):
        return -np.mean(np.log(probs[np.arange(len(y)), y]))

    def loss(self, X, X2, y):
        self.forward(X)
        self.cache = (self.a1, self.probs)
        first = self.nll(self.probs, y) + np.sum(self.cache[0])
        self.forward(X2)
        return first + self.nll(self.probs, y)

    def loss_in_branch(self, X, y):
        if X.shape[0] > 1:
            self.forward(X)
        return self.nll(self.probs, y)
'''


def test_an_own_method_called_twice_hands_back_each_call_s_values():
    module = imported("import numpy as np\n" + TWICE, "tutorials")
    net = module["Net"]()
    rng = np.random.default_rng(6)
    X, X2, y = rng.standard_normal((5, 4)), rng.standard_normal((5, 4)), np.array([0, 2, 1, 2, 0])
    got = backgen.backward(net.loss).backward(X, X2, y)

    def loss(W1, W2, X, X2):
        other = module["Net"]()
        other.W1, other.W2 = W1, W2
        return other.loss(X, X2, y)
    want = finite_differences(loss, [net.W1, net.W2, X, X2], [0, 1, 2, 3], (1.0,))
    assert_close(list(got), want, rtol=1e-5, atol=1e-7)
    with pytest.raises(backgen.BackgenError,
                       match=r"self\.probs is set by self\.forward\(\).*not in a loop or a branch"):
        backgen.backward(net.loss_in_branch).backward(X, y)


def test_a_write_through_an_item_of_the_values_a_helper_returns():
    # copying the helper's tuple before the write was written parts.copy(), which a tuple has not; the
    # method handing back what forward keeps (return self.probs, then self.probs written into) makes it
    source = '''
        def helper(X, W):
            z = X @ W
            e = np.exp(z)
            p = e / e.sum(axis=1, keepdims=True)
            return p, p

        def f(X, W, y):
            v, probs = helper(X, W)
            p = probs
            p[np.arange(len(y)), y] -= 1
            return np.sum(p ** 2)
    '''
    rng = np.random.default_rng(7)
    args = [rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), np.array([0, 1, 2, 1, 0])]
    got, want = generated_gradients(source, args, (1.0,), "f", [0, 1])
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-7)


XOR_NET = '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

class XORNet:
    def __init__(self):
        rng = np.random.RandomState(42)
        self.W1 = rng.uniform(-1, 1, (2, 2))
        self.W2 = rng.uniform(-1, 1, (2, 1))

    def __call__(self, X):
        self.hidden = sigmoid(X @ self.W1)
        self.output = sigmoid(self.hidden @ self.W2)
        return self.output

    def mse(self, X, y):
        self(X)
        return np.mean((y - self.output) ** 2)
'''


def test_the_object_called_for_what_it_keeps_then_read():
    # self(X) is its __call__, which keeps self.output: read as the attribute before the call, the
    # weights' gradients were those of a constant output
    module = imported("import numpy as np\n" + XOR_NET, "tutorials")
    net = module["XORNet"]()
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    dW1, dW2, dX, dy = backgen.backward(net.mse).backward(X, y)

    def loss(W1, W2, X, y):
        other = module["XORNet"]()
        other.W1, other.W2 = W1, W2
        return other.mse(X, y)
    want = finite_differences(loss, [net.W1, net.W2, X, y], [0, 1, 2, 3], (1.0,))
    assert_close([dW1, dW2, dX, dy], want, rtol=1e-5, atol=1e-7)


@pytest.mark.filterwarnings("ignore:Passing more than 2 positional arguments:DeprecationWarning")
def test_relu_written_into_the_hidden_layer_by_a_positional_out():
    # np.maximum(H, 0, H) was refused as a call that may write into its arguments where the function held
    # no keyword argument before its output was named out=H
    source = '''
        def forward(X, W1, W2, mask, p=0.5):
            H = X.dot(W1)
            np.maximum(H, 0, H)
            H *= mask
            H /= p
            return np.sum(H.dot(W2))
    '''
    rng = np.random.default_rng(8)
    args = [rng.standard_normal((5, 4)), rng.standard_normal((4, 6)), rng.standard_normal((6, 3)),
            (rng.random((5, 6)) < 0.5).astype(float), 0.5]
    got, want = generated_gradients(source, args, (1.0,), "forward", [0, 1, 2, 3, 4])
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-7)
