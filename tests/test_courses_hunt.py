"""Code from popular from-scratch courses and books, written as their students write it:
deeplearning.ai's NumPy assignments, "Neural Networks from Scratch" (NNFS), d2l's "from scratch"
functions, Karpathy's min-char-rnn, Andrew Ng's ML course in Python and CS231n's naive losses.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import numpy as np
import pytest

import backgen
from numeric import assert_close, assert_generated_right, generated_gradients, imported, finite_differences

RNG = np.random.default_rng(41)
X45 = RNG.standard_normal((4, 5))
Y15 = np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
PARAMS3 = {"W1": RNG.standard_normal((3, 4)) * 0.5, "b1": RNG.standard_normal((3, 1)) * 0.1,
           "W2": RNG.standard_normal((2, 3)) * 0.5, "b2": RNG.standard_normal((2, 1)) * 0.1,
           "W3": RNG.standard_normal((1, 2)) * 0.5, "b3": RNG.standard_normal((1, 1)) * 0.1}


def assert_gradients(source, args, douts=(1.0,), name="f", wrt=None):
    """The generated backward's gradients (for the positions ``wrt``, by default those holding floats or
    dicts) match central differences in structure and every number."""
    wrt = [k for k, a in enumerate(args) if isinstance(a, (float, dict)) or isinstance(a, np.ndarray)
           and a.dtype.kind == "f"] if wrt is None else wrt
    got, want = generated_gradients(source, args, douts, name, wrt)
    assert_close(list(got)[:len(want)], list(want), rtol=1e-5, atol=1e-6)  # (then the numbers' if wrt leaves them)


# --- a dict of parameters read at some of its keys, no shapes given: the gradient has all its keys ---------


def test_l2_cost_reading_the_weights_of_parameters_gives_zeros_for_the_biases():
    # deeplearning.ai's compute_cost_with_regularization reads W1, W2, W3 alone; the gradient of
    # parameters is a dict of all its keys (b1, b2, b3 zeros), as with shapes or the decorator
    assert_gradients('''
        def f(A3, Y, parameters, lambd):
            m = Y.shape[1]
            W1 = parameters["W1"]
            W2 = parameters["W2"]
            W3 = parameters["W3"]
            logprobs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
            cross_entropy_cost = 1. / m * np.nansum(logprobs)
            L2_regularization_cost = (1 / m) * (lambd / 2) * (np.sum(np.square(W1)) + np.sum(np.square(W2))
                                                              + np.sum(np.square(W3)))
            return cross_entropy_cost + L2_regularization_cost
    ''', [RNG.uniform(0.1, 0.9, (1, 5)), Y15, PARAMS3, 0.7])


def test_a_two_layer_forward_of_a_dict_holding_more_keys_than_it_reads():
    params = dict(PARAMS3, W2=RNG.standard_normal((1, 3)), b2=RNG.standard_normal((1, 1)))
    assert_gradients('''
        def f(X, parameters):
            W1 = parameters["W1"]
            b1 = parameters["b1"]
            W2 = parameters["W2"]
            b2 = parameters["b2"]
            A1 = np.tanh(np.dot(W1, X) + b1)
            A2 = 1 / (1 + np.exp(-(np.dot(W2, A1) + b2)))
            return np.sum(A2)
    ''', [X45, params])


# --- a list made of None to a length the code computes, filled slot by slot (min-char-rnn's hs) -------------


def _decorated_gradients(text, args, name="f"):
    """The decorator's gradients of ``name`` in the module ``text`` beside central differences, for
    every parameter it differentiates (by default those holding floats)."""
    func = imported("import numpy as np\n" + text, "courses")[name]
    decorated = backgen.backward(func)
    got = decorated.backward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    wrt = [k for k, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    want = finite_differences(func, list(args), wrt, (1.0,))
    return (got if len(wrt) > 1 else (got,)), want


def test_hidden_states_in_a_list_of_none_one_longer_than_the_inputs():
    # hs = [None] * (len(xs) + 1), hs[-1] the initial state, hs[t] read back as hs[t - 1]
    got, want = _decorated_gradients('''
def f(xs, h0, W):
    hs = [None] * (len(xs) + 1)
    hs[-1] = np.copy(h0)
    loss = 0.0
    for t in range(len(xs)):
        hs[t] = np.tanh(W * hs[t - 1] + xs[t])
        loss += np.sum(hs[t] ** 2)
    return loss
''', [RNG.standard_normal((3, 2)), RNG.standard_normal(2), RNG.standard_normal(2)])
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-6)


def test_min_char_rnn_loss_with_hidden_states_in_a_list_of_none():
    vocab, hidden = 5, 4
    weights = [RNG.standard_normal((hidden, vocab)) * 0.3, RNG.standard_normal((hidden, hidden)) * 0.3,
               RNG.standard_normal((vocab, hidden)) * 0.3, RNG.standard_normal((hidden, 1)) * 0.1,
               RNG.standard_normal((vocab, 1)) * 0.1]
    got, want = _decorated_gradients('''
def f(inputs, targets, hprev, Wxh, Whh, Why, bh, by):
    vocab_size = Wxh.shape[1]
    hs = [None] * (len(inputs) + 1)
    hs[-1] = np.copy(hprev)
    loss = 0.0
    for t in range(len(inputs)):
        x = np.zeros((vocab_size, 1))
        x[inputs[t]] = 1
        hs[t] = np.tanh(np.dot(Wxh, x) + np.dot(Whh, hs[t-1]) + bh)
        y = np.dot(Why, hs[t]) + by
        p = np.exp(y) / np.sum(np.exp(y))
        loss += -np.log(p[targets[t], 0])
    return loss
''', [[0, 3, 1], [3, 1, 4], RNG.standard_normal((hidden, 1)) * 0.5] + weights)
    assert_close(list(got), list(want), rtol=1e-5, atol=1e-6)


# --- deeplearning.ai's propagate: the dict of its own gradients returned before the cost ------------------


PROPAGATE = '''
def sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s

def f(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw,
             "db": db}
    return grads, cost
'''


def test_propagate_returning_grads_before_the_cost_differentiates_the_cost():
    w, X = RNG.standard_normal((4, 1)), RNG.standard_normal((4, 5))
    func = imported("import numpy as np\n" + PROPAGATE, "courses")["f"]
    want = finite_differences(func, [w, 0.3, X, Y15], [0, 1, 2], (None, 1.3))
    generated = {}
    exec(backgen.generate(PROPAGATE, name="f"), generated)
    got = generated["f_backward"](w, 0.3, X, Y15, 1.3)
    assert_close(list(got)[:3], list(want), rtol=1e-5, atol=1e-6)
    want = finite_differences(func, [w, 0.3, X, Y15], [0, 1, 2], (None, 1.0))
    dw, db, dX = backgen.backward(func, wrt=("w", "b", "X")).backward(w, 0.3, X, Y15)
    assert_close([dw, db, dX], list(want), rtol=1e-5, atol=1e-6)


# --- a path returning a constant beside others: its gradient is zeros (d2l's dropout_layer) ---------------


DROPOUT_LAYER = '''
def dropout_layer(X, dropout, mask):
    assert 0 <= dropout <= 1
    # In this case, all elements are dropped out
    if dropout == 1:
        return np.zeros_like(X)
    # In this case, all elements are kept
    if dropout == 0:
        return X
    return mask.astype(np.float32) * X / (1.0 - dropout)

def f(X: "4, 3", W: "3, 5", dropout: float, mask: "bool 4, 5"):
    H = dropout_layer(np.tanh(X @ W), dropout, mask)
    return np.sum(H ** 2)
'''


def test_d2l_dropout_layer_returning_zeros_when_everything_is_dropped():
    X, W = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 5))
    mask = RNG.uniform(size=(4, 5)) > 0.5
    for dropout in (0.5, 1.0, 0.0):
        assert_gradients(DROPOUT_LAYER, [X, W, dropout, mask], wrt=[0, 1])


def test_d2l_dropout_layer_itself_at_each_rate():
    X, mask = RNG.standard_normal((4, 5)), RNG.uniform(size=(4, 5)) > 0.5
    for dropout in (0.5, 1.0, 0.0):
        dout = RNG.standard_normal((4, 5))
        (got,), (want,) = generated_gradients(DROPOUT_LAYER, [X, dropout, mask], (dout,), "dropout_layer", wrt=[0])
        assert_close(got[0], want)  # (X's: the rate's meets a branch and the assert at 0 and 1)


# --- deeplearning.ai's L-layer model: caches appended in a loop, then once more after it -----------------


L_MODEL = '''
def sigmoid(Z):
    A = 1/(1+np.exp(-Z))
    cache = Z
    return A, cache

def relu(Z):
    A = np.maximum(0,Z)
    assert(A.shape == Z.shape)
    cache = Z
    return A, cache

def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache

def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache

def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2                  # number of layers in the neural network
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], activation = "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], activation = "sigmoid")
    caches.append(cache)
    return AL, caches

def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (1./m) * (-np.dot(Y,np.log(AL).T) - np.dot(1-Y, np.log(1-AL).T))
    cost = np.squeeze(cost)
    return cost

def f(X, Y, parameters):
    AL, caches = L_model_forward(X, parameters)
    return compute_cost(AL, Y)
'''


def test_l_layer_model_cost_with_its_caches_appended_after_the_loop():
    func = imported("import numpy as np\n" + L_MODEL, "courses")["f"]
    dX, _, dparameters = backgen.backward(func).backward(X45, Y15, PARAMS3)
    want = finite_differences(func, [X45, Y15, PARAMS3], [0, 2], (1.0,))
    assert_close([dX, dparameters], want, rtol=1e-5, atol=1e-6)
    shapes = {"X": "4, 5", "Y": "1, 5", "parameters": {k: ", ".join(map(str, v.shape)) for k, v in PARAMS3.items()}}
    generated = {}
    exec(backgen.generate(L_MODEL, name="f", shapes=shapes), generated)
    assert_close(list(generated["f_backward"](X45, Y15, PARAMS3))[::2], want, rtol=1e-5, atol=1e-6)


def test_a_list_of_layer_caches_a_loop_carries_and_appends_to_after_it():
    source = '''
def act(Z):
    A = np.tanh(Z)
    cache = Z
    return A, cache

def lin(x, W):
    z = x @ W
    cache = (x, W)
    return z, cache

def layer(x, W):
    z, lin_cache = lin(x, W)
    a, act_cache = act(z)
    cache = (lin_cache, act_cache)
    return a, cache

def model(X, params):
    caches = []
    A = X
    for l in range(1, 2):
        A, cache = layer(A, params["W" + str(l)])
        caches.append(cache)
    AL, cache = layer(A, params["W" + str(2)])
    caches.append(cache)
    return AL, caches

def f(X, params):
    A, caches = model(X, params)
    return np.sum(A ** 2)
'''
    X, params = RNG.standard_normal((3, 4)), {"W1": RNG.standard_normal((4, 4)), "W2": RNG.standard_normal((4, 4))}
    generated = {}
    exec(backgen.generate(source, name="f", shapes={"X": "3, 4", "params": {"W1": "4, 4", "W2": "4, 4"}}), generated)
    func = imported("import numpy as np\n" + source, "courses")["f"]
    assert_close(list(generated["f_backward"](X, params)), finite_differences(func, [X, params], [0, 1], (1.0,)),
                 rtol=1e-5, atol=1e-6)


# --- deeplearning.ai's forward_propagation building its cache as a dict, written out in its caller --------


PLANAR = '''
def sigmoid(x):
    s = 1/(1+np.exp(-x))
    return s

def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    Z1 = np.dot(W1,X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2,A1) + b2
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1,
             "A1": A1,
             "Z2": Z2,
             "A2": A2}
    return A2, cache

def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2),Y) + np.multiply((1-Y), np.log(1-A2))
    cost = - np.sum(logprobs) / m
    cost = float(np.squeeze(cost))
    return cost

def f(X, Y, parameters):
    A2, cache = forward_propagation(X, parameters)
    return compute_cost(A2, Y)
'''
PARAMS2 = {"W1": PARAMS3["W1"], "b1": PARAMS3["b1"], "W2": RNG.standard_normal((1, 3)), "b2": np.array([[0.1]])}


def test_a_cache_dict_built_by_a_helper_given_the_parameters_dict():
    func = imported("import numpy as np\n" + PLANAR, "courses")["f"]
    want = finite_differences(func, [X45, Y15, PARAMS2], [0, 2], (1.0,))
    dX, _, dparameters = backgen.backward(func).backward(X45, Y15, PARAMS2)
    assert_close([dX, dparameters], want, rtol=1e-5, atol=1e-6)
    shapes = {"X": "4, 5", "Y": "1, 5", "parameters": {k: ", ".join(map(str, v.shape)) for k, v in PARAMS2.items()}}
    generated = {}
    exec(backgen.generate(PLANAR, name="f", shapes=shapes), generated)
    assert_close(list(generated["f_backward"](X45, Y15, PARAMS2))[::2], want, rtol=1e-5, atol=1e-6)


def test_a_dict_written_out_and_then_read_whole_is_refused_at_the_read():
    source = PLANAR.replace("    A2, cache = forward_propagation(X, parameters)\n",
                            "    A2, cache = forward_propagation(X, parameters)\n    A2 = A2 + len(cache)\n")
    shapes = {"X": "4, 5", "Y": "1, 5", "parameters": {k: ", ".join(map(str, v.shape)) for k, v in PARAMS2.items()}}
    with pytest.raises(backgen.BackgenError, match=r"Dict expressions are not supported here: 'cache\d*' is the dict "
                                                   r"written out on line \d+"):
        backgen.generate(source, name="f", shapes=shapes)


# --- NNFS's classes keep what they compute in attributes of self (self.inputs, self.output) ----------------


NNFS = '''
class Layer_Dense:
    def __init__(self, weights, biases):
        self.weights = weights
        self.biases = biases

    # Forward pass
    def forward(self, inputs):
        # Remember input values
        self.inputs = inputs
        # Calculate output values from inputs, weights and biases
        self.output = np.dot(inputs, self.weights) + self.biases
        return self.output


class Activation_Softmax:
    def forward(self, inputs):
        self.inputs = inputs
        exp_values = np.exp(inputs - np.max(inputs, axis=1,
                                            keepdims=True))
        probabilities = exp_values / np.sum(exp_values, axis=1,
                                            keepdims=True)
        self.output = probabilities
        return self.output


class Layer_Scaled:
    def __init__(self, weights):
        self.weights = weights
        self.output = weights * 0.0

    def forward(self, inputs):
        self.output = self.output + inputs @ self.weights
        return self.output
'''


def test_nnfs_dense_layer_keeping_its_inputs_and_output_in_self():
    module = imported("import numpy as np\n" + NNFS, "courses")
    layer = module["Layer_Dense"](RNG.standard_normal((3, 4)), RNG.standard_normal((1, 4)))
    X, dout = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 4))
    decorated = backgen.backward(layer.forward)
    dweights, dbiases, dX = decorated.backward(X, dout=dout)

    def loss(weights, biases, inputs):
        return np.sum(module["Layer_Dense"](weights, biases).forward(inputs) * dout)
    want = finite_differences(loss, [layer.weights, layer.biases, X], [0, 1, 2], (1.0,))
    assert_close([dweights, dbiases, dX], want, rtol=1e-5, atol=1e-6)


def test_nnfs_softmax_activation_keeping_its_output_in_self():
    module = imported("import numpy as np\n" + NNFS, "courses")
    X, dout = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    dX = backgen.backward(module["Activation_Softmax"]().forward).backward(X, dout=dout)
    want = finite_differences(lambda x: np.sum(module["Activation_Softmax"]().forward(x) * dout), [X], [0], (1.0,))
    assert_close(dX, want[0], rtol=1e-5, atol=1e-6)


def test_an_attribute_read_before_the_method_sets_it_stays_an_input():
    # self.output is read in the line setting it: its value before is an input, not a local name
    module = imported("import numpy as np\n" + NNFS, "courses")
    layer = module["Layer_Scaled"](RNG.standard_normal((3, 4)))
    with pytest.raises(backgen.BackgenError, match="only assignments to a name"):
        backgen.backward(layer.forward).backward(RNG.standard_normal((5, 3)), dout=np.ones((5, 4)))


# --- deeplearning.ai's RNN cell caching the parameters dict whole, written out in its caller --------------


RNN = '''
def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)

def rnn_cell_forward(xt, a_prev, parameters):
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    yt_pred = softmax(np.dot(Wya, a_next) + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache

def f(x, a0, parameters, y):
    n_x, m, T_x = x.shape
    a_next = a0
    loss = 0.0
    caches = []
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        caches.append(cache)
        loss -= np.sum(y[:, :, t] * np.log(yt_pred))
    return loss
'''


def test_rnn_cells_caching_the_parameters_dict_in_a_loss():
    parameters = {"Waa": RNG.standard_normal((4, 4)) * 0.5, "Wax": RNG.standard_normal((4, 3)) * 0.5,
                  "Wya": RNG.standard_normal((2, 4)), "ba": RNG.standard_normal((4, 1)), "by": RNG.standard_normal((2, 1))}
    x, a0, y = RNG.standard_normal((3, 5, 3)), RNG.standard_normal((4, 5)), RNG.uniform(size=(2, 5, 3))
    func = imported("import numpy as np\n" + RNN, "courses")["f"]
    want = finite_differences(func, [x, a0, parameters, y], [0, 1, 2], (1.0,))
    got = backgen.backward(func, wrt=("x", "a0", "parameters")).backward(x, a0, parameters, y)
    assert_close(list(got), want, rtol=1e-5, atol=1e-6)


def test_a_cost_handing_its_parameters_dict_to_the_forward_without_shapes():
    # generate without shapes: the keys forward_propagation reads of the dict model_cost passes it
    params = dict(PARAMS2, extra=np.ones(2))
    got, want = generated_gradients(PLANAR, [X45, Y15, params], wrt=[0, 1, 2])
    assert_close(list(got), want, rtol=1e-5, atol=1e-6)


# --- d2l's LSTM unpacking its parameters into a list display ----------------------------------------------


def test_d2l_lstm_unpacking_params_into_a_list_target():
    source = '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def f(inputs, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    H, C = np.zeros((inputs.shape[1], W_hi.shape[0])), np.zeros((inputs.shape[1], W_hi.shape[0]))
    outputs = []
    for X in inputs:
        I = sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F = sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilda = np.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F * C + I * C_tilda
        H = O * np.tanh(C)
        outputs.append((H @ W_hq) + b_q)
    return np.concatenate(outputs, axis=0).sum()
'''
    params = [RNG.standard_normal((3, 4)) * 0.5, RNG.standard_normal((4, 4)) * 0.5, RNG.standard_normal(4)] * 4 + \
        [RNG.standard_normal((4, 2)), RNG.standard_normal(2)]
    inputs = RNG.standard_normal((3, 2, 3))
    func = imported("import numpy as np\n" + source, "courses")["f"]
    want = finite_differences(func, [inputs, params], [0, 1], (1.0,))
    assert_close(list(backgen.backward(func).backward(inputs, params)), want, rtol=1e-5, atol=1e-6)


# --- d2l's pool2d given its window as a tuple it unpacks ------------------------------------------------------


def test_d2l_pool2d_given_the_window_as_a_tuple():
    source = '''
def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = np.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y
'''
    func = imported("import numpy as np\n" + source, "courses")["pool2d"]
    X = RNG.standard_normal((3, 4))
    for mode in ("max", "avg"):
        dout = RNG.standard_normal((2, 2))
        want = finite_differences(func, [X, (2, 3), mode], [0], (dout,))
        assert_close(backgen.backward(func).backward(X, (2, 3), mode, dout=dout), want[0], rtol=1e-5, atol=1e-6)
