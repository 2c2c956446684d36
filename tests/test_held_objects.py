"""A decorated method of a model holding its layers as objects (``self.fc1 = Linear(4, 8)`` made however its
constructor likes), calling them (``self.fc1(x)``, ``self.dense1.forward(x)``) and reading their attributes
(``self.fc1.W``): each layer's method read as a helper of the arrays its object holds, given the layer's.
Every gradient is checked against central differences of the model's own method, at the layers'
current weights; what backgen does not follow is refused at the user's line, saying so.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, gradient, imported

LAYERS = textwrap.dedent('''
    import numpy as np
    import backgen


    class Module:
        def __call__(self, x):
            return self.forward(x)


    class Linear(Module):
        def __init__(self, n_in, n_out, rng):
            self.W = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
            self.b = rng.normal(size=n_out) * 0.1

        def forward(self, x):
            return x @ self.W + self.b


    class Tanh(Module):
        def forward(self, x):
            return np.tanh(x)


    class Dense:  # as NNFS writes its layers: what it computes kept on the object
        def __init__(self, n_in, n_out, rng):
            self.weights = 0.1 * rng.normal(size=(n_in, n_out))
            self.biases = rng.normal(size=(1, n_out)) * 0.1

        def forward(self, inputs):
            self.inputs = inputs
            self.output = np.dot(inputs, self.weights) + self.biases
            return self.output


    class Scale:
        def __init__(self, k):
            self.k = k

        def __call__(self, x):
            return x * self.k


    class Residual:
        def __init__(self, n, rng):
            self.inner = Linear(n, n, rng)

        def __call__(self, x):
            return x + np.tanh(self.inner(x))
''')

MODELS = LAYERS + textwrap.dedent('''

    class MLP:
        def __init__(self, rng):
            self.fc1 = Linear(4, 8, rng)
            self.act = Tanh()
            self.fc2 = Linear(8, 2, rng)

        @backgen.backward
        def loss(self, x, y):
            out = self.fc2(self.act(self.fc1(x)))
            return 0.5 * np.sum((out - y) ** 2)


    class Classifier:
        def __init__(self, rng, reg=1e-2):
            self.dense1 = Dense(4, 6, rng)
            self.dense2 = Dense(6, 3, rng)
            self.scale = Scale(2.0)
            self.reg = reg

        def loss(self, X, y):
            h = np.maximum(0, self.dense1.forward(X))
            scores = self.scale(self.dense2.forward(h))
            scores = scores - scores.max(axis=1, keepdims=True)
            p = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
            data = -np.mean(np.log(p[np.arange(X.shape[0]), y]))
            return data + self.reg * (np.sum(self.dense1.weights ** 2) + np.sum(self.dense2.weights ** 2))


    class Deep:
        def __init__(self, rng):
            self.fc = Linear(4, 4, rng)
            self.block = Residual(4, rng)

        @backgen.backward
        def loss(self, x):
            return np.sum(self.block(self.fc(x)) ** 2)


    class Stack:
        def __init__(self, rng):
            self.layers = [Linear(4, 5, rng), Tanh(), Linear(5, 5, rng), Tanh()]
            self.head = Linear(5, 4, rng)

        def loss(self, x):
            h = x
            for layer in self.layers:
                h = layer(h)
            return np.sum(self.head(h) ** 2) * len(self.layers) + np.sum(self.layers[-2].W)


    class Mirror:
        def __init__(self, rng):
            self.layers = (Linear(4, 4, rng), Tanh(), Linear(4, 4, rng))

        def loss(self, x):
            h = x
            for layer in self.layers:
                h = layer.forward(h)
            for layer in reversed(self.layers):
                h = layer(h)
            return np.sum(h * x)


    class Indexed:
        def __init__(self, rng):
            self.blocks = [Linear(4, 4, rng) for _ in range(3)]

        def loss(self, x):
            for i in range(len(self.blocks)):
                x = np.tanh(self.blocks[i].forward(x))
            total = 0.0
            for k, block in enumerate(self.blocks):
                total = total + (k + 1.0) * np.sum(block(x) ** 2)
            return total


    class Regularized:
        def __init__(self, rng):
            self.layers = [Linear(4, 4, rng), Tanh(), Linear(4, 3, rng)]

        def loss(self, x):
            reg = 0.0
            for layer in self.layers:
                x = layer(x)
                if isinstance(layer, Linear):
                    reg = reg + np.sum(layer.W ** 2)
                if not hasattr(layer, "b"):
                    x = x * 0.5
            return np.sum(x ** 2) + 0.1 * reg


    class RegularizedOnce(Regularized):
        loss = backgen.backward(Regularized.loss)  # (decorated once, for every object)


    class Softmax:
        def forward(self, inputs):
            exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
            self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
            return self.output


    class SoftmaxLoss:  # NNFS's combined layer, reading what its activation's forward returns
        def __init__(self):
            self.activation = Softmax()

        def forward(self, inputs, y_true):
            self.output = self.activation.forward(inputs)
            return -np.mean(np.log(self.output[range(len(self.output)), y_true]))


    class StaleSoftmaxLoss:  # as NNFS writes it: what the activation keeps read after the call
        def __init__(self):
            self.activation = Softmax()

        def forward(self, inputs, y_true):
            self.activation.forward(inputs)
            self.output = self.activation.output
            return -np.mean(np.log(self.output[range(len(self.output)), y_true]))
''')

RNG = np.random.default_rng(20261207)


@pytest.fixture(scope="module")
def models():
    return imported(MODELS, "held")


def _central(loss, holders, x_args):
    """Central differences of ``loss()`` with respect to each array ``holders`` names (``(object,
    attribute)``, changed in place on the object) and to the arrays ``x_args``, in that order."""
    found = []
    for obj, name in holders:
        def at(value, obj=obj, name=name):
            kept = getattr(obj, name)
            setattr(obj, name, value)
            try:
                return loss()
            finally:
                setattr(obj, name, kept)
        found.append(gradient(at, [getattr(obj, name).copy()], 0))
    for k, array in enumerate(x_args):
        def at_input(value, k=k):
            kept = x_args[k].copy()
            x_args[k][...] = value
            try:
                return loss()
            finally:
                x_args[k][...] = kept
        found.append(gradient(at_input, [array.copy()], 0))
    return found


def _assert_right(got, loss, holders, inputs):
    """``got``, a backward's gradients, are ``_central``'s for the arrays ``holders`` names and ``inputs``,
    one each, in that order."""
    want = _central(loss, holders, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w)


def test_layers_called_by_a_method_decorated_in_the_class_body(models):
    model = models["MLP"](np.random.default_rng(1))
    x, y = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 2))
    got = model.loss.backward(x, y)
    assert models["MLP"].loss.wrt == ("fc2_W", "fc2_b", "fc1_W", "fc1_b", "x", "y")
    _assert_right(got, lambda: model.loss(x, y), [(model.fc2, "W"), (model.fc2, "b"), (model.fc1, "W"),
                                                  (model.fc1, "b")], [x, y])
    source = models["MLP"].loss.backward_source
    assert "def Linear_call_backward(W, b, x, dout):" in source  # (one helper for both layers)
    assert source.count(" = Linear_call_backward(fc2_W, fc2_b, ") == 1
    assert source.count(" = Linear_call_backward(fc1_W, fc1_b, x, ") == 1


def test_the_weights_a_layer_holds_now_are_those_differentiated(models):
    model = models["MLP"](np.random.default_rng(2))
    x, y = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 2))
    first = model.loss.backward(x, y)[2]
    model.fc1.W = model.fc1.W * 3.0  # (a training step: the layer's array replaced)
    again = model.loss.backward(x, y)[2]
    want = _central(lambda: model.loss(x, y), [(model.fc1, "W")], [])[0]
    assert_close(again, want)
    assert not np.allclose(first, again)


def test_layers_keeping_what_they_compute_a_number_held_and_weights_read_directly(models):
    # NNFS's Dense (self.output = ... kept on the object), a layer holding a number (a setting), the weights
    # read by the method itself for the regularization, decorated on the object (backgen.backward(model.loss))
    model = models["Classifier"](np.random.default_rng(3))
    X, y = RNG.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0])
    decorated = backgen.backward(model.loss)
    got = decorated.backward(X, y)
    holders = [(model.dense1, "weights"), (model.dense1, "biases"), (model.dense2, "weights"),
               (model.dense2, "biases")]
    _assert_right(got, lambda: model.loss(X, y), holders, [X])  # (the four arrays, then X: the number k and
    # the labels y carry no gradient)
    assert backgen.gradcheck(model.loss, X, y) < 1e-5


def test_a_later_object_holding_a_layer_of_another_class_is_refused(models):
    model = models["MLP"](np.random.default_rng(4))
    x, y = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 2))
    model.loss.backward(x, y)
    other = models["MLP"](np.random.default_rng(5))
    other.fc1 = models["Scale"](2.0)
    with pytest.raises(backgen.BackgenError, match="calls self.fc1, which backgen read as an object of class "
                                                   "Linear; this MLP object holds Scale there"):
        other.loss.backward(x, y)


def test_a_layer_holding_a_layer(models):
    # Residual holds a Linear: its helper takes the Linear's arrays (block_inner_W), and calls the
    # Linear's helper with them
    model = models["Deep"](np.random.default_rng(6))
    x = RNG.normal(size=(2, 4))
    got = model.loss.backward(x)
    assert models["Deep"].loss.wrt == ("block_inner_W", "block_inner_b", "fc_W", "fc_b", "x")
    holders = [(model.block.inner, "W"), (model.block.inner, "b"), (model.fc, "W"), (model.fc, "b")]
    _assert_right(got, lambda: model.loss(x), holders, [x])
    assert "def Residual_call(inner_W, inner_b, x):" in models["Deep"].loss.backward_source


def test_a_list_of_layers_looped_over_is_written_out_per_layer(models):
    model = models["Stack"](np.random.default_rng(8))
    x = RNG.normal(size=(3, 4))
    decorated = backgen.backward(model.loss)
    got = decorated.backward(x)
    assert decorated.wrt == ("layers_0_W", "layers_0_b", "layers_2_W", "layers_2_b", "head_W", "head_b", "x")
    holders = [(model.layers[0], "W"), (model.layers[0], "b"), (model.layers[2], "W"), (model.layers[2], "b"),
               (model.head, "W"), (model.head, "b")]
    _assert_right(got, lambda: model.loss(x), holders, [x])
    source = decorated.backward_source
    assert "for layer in" not in source and source.count("= Linear_call_backward(") == 3
    model.layers.append(models["Tanh"]())  # (the loop written out for four layers: five now)
    with pytest.raises(backgen.BackgenError, match=r"reads self.layers, a list of 5 objects here, which backgen "
                                                   r"read as one of 4"):
        decorated.backward(x)


def _linears(model):
    return [(model.layers[k], a) for k in (0, 2) for a in "Wb"]


@pytest.mark.parametrize("name, holders, wrt", [
    ("Mirror", _linears, None),  # (a tuple of layers looped over twice, the second time reversed)
    ("Indexed", lambda model: [(block, a) for block in model.blocks for a in "Wb"],  # (by index, enumerated)
     tuple(f"blocks_{k}_{a}" for k in range(3) for a in "Wb") + ("x",)),
    # isinstance(layer, Linear) and hasattr(layer, "b"), of each layer written out, are the constants they
    # are: the Tanh's branch reading layer.W left out, as Python never runs it
    ("Regularized", _linears, ("layers_0_W", "layers_0_b", "layers_2_W", "layers_2_b", "x")),
])
def test_loops_over_layers_written_out_per_layer(models, name, holders, wrt):
    model = models[name](np.random.default_rng(len(name)))
    x = RNG.normal(size=(2, 4))
    decorated = backgen.backward(model.loss)
    got = decorated.backward(x)
    assert wrt is None or decorated.wrt == wrt
    _assert_right(got, lambda: model.loss(x), holders(model), [x])


def test_what_a_layer_holds_is_checked_on_each_object(models):
    x = RNG.normal(size=(2, 4))
    decorated_class = models["RegularizedOnce"]
    decorated_class(np.random.default_rng(14)).loss.backward(x)
    other = decorated_class(np.random.default_rng(15))
    other.layers[1].b = 0.0  # (a Tanh holding b: the branch decided on the first object is not its)
    with pytest.raises(backgen.BackgenError, match=r"reads self.layers\[1\], whose attributes \(b\) are not"):
        other.loss.backward(x)


def test_a_layer_returning_what_it_keeps_and_one_read_after_it_kept_it(models):
    # NNFS's activation keeps its output (self.output = ...; return self.output): read from the call, right;
    # read from the object after the call (the object's value before it, to backgen), refused there
    X, y = RNG.normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])
    layer = models["SoftmaxLoss"]()
    decorated = backgen.backward(layer.forward)
    dX = decorated.backward(X, y)
    assert_close(dX, _central(lambda: layer.forward(X, y), [], [X])[0])
    stale = models["StaleSoftmaxLoss"]()
    with pytest.raises(backgen.BackgenError, match=r"self.activation.output is set by self.activation.forward\(\)"
                                                   r".*assign what the call returns") as info:
        backgen.backward(stale.forward).backward(X, y)
    assert info.value.lineno == MODELS.splitlines().index("        self.output = self.activation.output") + 1


def test_what_the_layers_are_is_read_on_the_first_object():
    names = imported(LAYERS + textwrap.dedent('''

        class Net:
            def __init__(self, rng):
                self.fc = Linear(3, 2, rng)

            @backgen.backward
            def loss(self, x):
                return np.sum(np.sin(self.fc(x)))
    '''), "held_first")
    with pytest.raises(backgen.BackgenError, match="calls self.fc, which objects of the class hold, not the class"):
        names["Net"].loss.wrt  # noqa: B018 (read before any object: what fc is, unknown)
    model = names["Net"](np.random.default_rng(7))
    x = RNG.normal(size=(4, 3))
    got = model.loss.backward(x)
    _assert_right(got, lambda: model.loss(x), [(model.fc, "W"), (model.fc, "b")], [x])


def test_one_layer_held_at_two_places_is_refused(models):
    model = models["Stack"](np.random.default_rng(10))
    model.layers[2] = model.head = models["Linear"](5, 5, np.random.default_rng(11))
    with pytest.raises(backgen.BackgenError, match=r"reads self.head and self.layers\[2\], which are one object"):
        backgen.backward(model.loss).backward(RNG.normal(size=(3, 4)))


def test_a_loop_over_layers_that_breaks_is_refused_saying_why(models):
    names = imported(LAYERS + textwrap.dedent('''

        class Early:
            def __init__(self, rng):
                self.layers = [Linear(4, 4, rng), Linear(4, 4, rng)]

            def loss(self, x):
                for layer in self.layers:
                    x = layer(x)
                    if np.sum(x) > 100.0:
                        break
                return np.sum(x)
    '''), "held_early")
    model = names["Early"](np.random.default_rng(16))
    with pytest.raises(backgen.BackgenError, match=r"this loop over self.layers, the layers the object holds, breaks "
                                                   r"or continues: backgen writes such a loop out per layer"):
        backgen.backward(model.loss).backward(RNG.normal(size=(2, 4)))
