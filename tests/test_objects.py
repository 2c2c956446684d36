"""Objects the differentiated function makes of its module's own classes: a layer built and called
(``Dense(W1, b1)(x)``, ``layer.forward(x)``), a model whose method calls another, a ``@dataclass`` with a
``__post_init__``, a ``namedtuple`` and a ``typing.NamedTuple``, a particle of numbers; objects made in
both branches of an ``if`` and in a loop, attributes the function sets, arguments rebound or written
into after the object holds them.  Each backward is checked against central differences, written by
``generate`` with the shapes given and without, and by the decorator; objects used in ways backgen
does not follow are refused at the user's line, saying what it follows.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported, same_again, shape_specs

RNG = np.random.default_rng(20261207)
HEADER = "import math\nimport numpy as np\nfrom collections import namedtuple\nfrom dataclasses import dataclass\n" \
         "from typing import NamedTuple\n"


def _values(*shape):
    return np.round(RNG.uniform(-1, 1, shape), 3)


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"
            or isinstance(a, list)]


def _wanted(func, args):
    return finite_differences(lambda *values: func(*fresh_args(values)), list(args), _floats(args), (1.0,))


def _generated(source, args, shapes):
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    backward = namespace["f_backward"]
    got = backward(*fresh_args(args), **({"dout": 1.0} if "dout" in inspect.signature(backward).parameters else {}))
    got = got if isinstance(got, tuple) else (got,)
    if len(got) == len(args) > len(_floats(args)):  # (code for any value: every parameter's gradient)
        got = tuple(got[k] for k in _floats(args))
    return got, text


def assert_right(source, args, shapes=True, free=True):
    """Right by ``generate`` with the shapes given (where ``shapes``) and without (where ``free``), and by
    the decorator; the text generated for the shapes."""
    source = HEADER + textwrap.dedent(source)
    namespace = {}
    exec(source, namespace)
    want = _wanted(namespace["f"], args)
    text = None
    given = shape_specs(list(inspect.signature(namespace["f"]).parameters), args) if shapes else None
    for spec in ([given] if given else []) + ([None] if free else []):
        got, made = _generated(source, args, spec)
        text = text or made
        assert_close(list(got), want, rtol=1e-5, atol=1e-7)
    func = imported(source, "objects")["f"]
    got = backgen.backward(func).backward(*fresh_args(args))
    assert_close(list(got) if len(_floats(args)) > 1 else [got], want, rtol=1e-5, atol=1e-7)
    return text


def assert_refused(source, match):
    """``generate`` and the decorator refuse, with a message matching ``match`` at the user's line."""
    source = HEADER + textwrap.dedent(source)
    with pytest.raises(backgen.BackgenError, match=match) as raised:
        backgen.generate(source, name="f")
    assert raised.value.lineno is not None
    func = imported(source, "objects")["f"]
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.backward(func).backward(*[_values(3, 2), _values(2), _values(4, 3)])


DENSE = '''
class Dense:
    """A layer: relu(x W + b)."""

    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return np.maximum(0, x @ self.W + self.b)

    def forward(self, x):
        return np.tanh(x @ self.W + self.b)
'''

LAYER = '''
class Layer:
    EPS = 1e-3

    def __init__(self, W, b=None, scale=1.0):
        if b is None:
            b = np.zeros(W.shape[1])
        self.W = W
        self.b = b
        self.scale = scale
        self.Wt = W.T
        self.norm = np.sqrt(np.sum(W ** 2) + self.EPS)

    def pre(self, x):
        return (x @ self.W + self.b) / self.norm

    def __call__(self, x):
        return np.tanh(self.pre(x)) * self.scale

    def back_project(self, y):
        return y @ self.Wt
'''


# --- layers made and called --------------------------------------------------------------------------


def test_layers_made_then_called_read_as_calls_of_a_helper_made_of_the_method():
    text = assert_right(DENSE + textwrap.dedent('''
        def f(W1, b1, W2, b2, x):
            l1 = Dense(W1, b1)
            l2 = Dense(W2, b2)
            return np.sum(l2(l1(x)) ** 2)
    '''), [_values(3, 4), _values(4), _values(4, 2), _values(2), _values(5, 3)])
    assert "Dense_call(W1, b1, x)" in text  # (the attributes the method reads, then its arguments)
    assert "def Dense_call_backward(W, b, x, dout):" in text


@pytest.mark.parametrize("use", ["Dense(W1, b1)(x)", "Dense(W1, b1).forward(x)", "Dense(b=b1, W=W1).forward(x)"])
def test_an_object_made_and_used_at_once(use):
    assert_right(DENSE + textwrap.dedent(f'''
        def f(W1, b1, x):
            return np.sum({use} ** 2) + np.sum({use})
    '''), [_values(3, 4), _values(4), _values(5, 3)])


def test_a_method_calling_another_a_class_constant_and_a_constructor_computing_attributes():
    assert_right(LAYER + textwrap.dedent('''
        def f(W, b, x):
            layer = Layer(W, b, scale=0.5)
            return np.sum(layer(x) ** 2) + np.sum(layer.back_project(x @ W)) + layer.norm
    '''), [_values(3, 2), _values(2), _values(4, 3)])


def test_a_default_left_to_the_constructor_decided_where_it_is_made():
    text = assert_right(LAYER + textwrap.dedent('''
        def f(W, x):
            layer = Layer(W)
            return np.sum(layer(x) ** 2)
    '''), [_values(3, 2), _values(4, 3)])
    assert "is None" not in text  # (the default None given: b = np.zeros(...) alone)


@pytest.mark.parametrize("c", [-0.5, 0.5])
def test_objects_made_in_both_branches_of_an_if(c):
    assert_right(LAYER + textwrap.dedent('''
        def f(W1, W2, b, x, c):
            if c > 0:
                layer = Layer(W1, b)
            else:
                layer = Layer(W2, b, scale=2.0)
            return np.sum(layer(x) ** 2) + np.sum(layer.W)
    '''), [_values(3, 2), _values(3, 2), _values(2), _values(4, 3), c])


def test_attributes_the_function_sets_and_changes_in_place():
    assert_right(LAYER + textwrap.dedent('''
        def f(W, b, x):
            layer = Layer(W, b)
            layer.W = layer.W * 2.0
            layer.scale += 1.0
            return np.sum(layer(x)) + np.sum(layer.back_project(x @ W))
    '''), [_values(3, 2), _values(2), _values(4, 3)])


def test_an_object_made_at_each_iteration_of_a_loop():
    assert_right(LAYER + textwrap.dedent('''
        def f(Ws, bs, x):
            h = x
            for i in range(len(Ws)):
                layer = Layer(Ws[i], bs[i])
                h = layer(h)
            return np.sum(h ** 2)
    '''), [[_values(3, 3), _values(3, 2)], [_values(3), _values(2)], _values(4, 3)], shapes=False)


def test_an_argument_rebound_after_the_object_holds_it_keeps_the_value_it_gave():
    assert_right(LAYER + textwrap.dedent('''
        def f(W, b, x):
            V = W
            layer = Layer(V, b)
            V = V * 3.0
            return np.sum(layer(x)) + np.sum(V)
    '''), [_values(3, 2), _values(2), _values(4, 3)])


def test_an_argument_written_into_after_the_object_holds_it_is_seen_by_the_object():
    assert_right(LAYER + textwrap.dedent('''
        def f(W, b, x):
            V = W.copy()
            layer = Layer(V, b)
            V[0] = 0.0
            return np.sum(layer(x) ** 2)
    '''), [_values(3, 2), _values(2), _values(4, 3)])


def test_an_attribute_changed_in_place_changes_the_array_it_shares():
    assert_right(DENSE + textwrap.dedent('''
        def f(W, b, x):
            V = W * 1.0
            layer = Dense(V, b)
            layer.W += 1.0
            return np.sum(layer.forward(x) ** 2) + np.sum(V ** 2)
    '''), [_values(3, 2), _values(2), _values(4, 3)], free=False)  # (for any value: V may be a number)


def test_two_classes_of_the_module_and_a_module_function_a_method_calls():
    assert_right('''
        SCALE = 0.5

        def act(z):
            return np.tanh(z) * SCALE

        class MLP:
            def __init__(self, W1, W2):
                self.W1 = W1
                self.W2 = W2

            def forward(self, x):
                return act(x @ self.W1) @ self.W2

        class Loss:
            def __init__(self, y):
                self.y = y

            def __call__(self, pred):
                return np.mean((pred - self.y) ** 2)

        def f(W1, W2, x, y):
            model = MLP(W1, W2)
            return Loss(y)(model.forward(x))
    ''', [_values(3, 4), _values(4, 2), _values(5, 3), _values(5, 2)])


SEQUENTIAL = '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        return x @ self.W + self.b


class ReLU:
    def forward(self, x):
        return np.maximum(x, 0)


class Tanh:
    def forward(self, x):
        return np.tanh(x)
'''


def test_a_list_of_layers_looped_over_written_out_per_layer():
    text = assert_right(SEQUENTIAL + textwrap.dedent('''
        def f(W1, b1, W2, b2, x, reg=0.1):
            layers = [Affine(W1, b1), ReLU(), Affine(W2, b2), Tanh()]
            h = x
            for layer in layers:
                h = layer.forward(h)
            return np.sum(h ** 2) + reg * (np.sum(layers[0].W ** 2) + np.sum(layers[-2].W ** 2)) * len(layers)
    '''), [_values(3, 4), _values(4), _values(4, 2), _values(2), _values(5, 3), 0.1])
    assert "ReLU_forward(" in text and "Tanh_forward(" in text and "for " not in text


def test_a_tuple_of_layers_looped_over_twice_reversed_and_tested_by_class():
    assert_right(SEQUENTIAL + textwrap.dedent('''
        def f(W1, b1, W2, b2, x):
            layers = (Affine(W1, b1), Tanh(), Affine(W2, b2))
            h = x
            for layer in layers:
                h = layer.forward(h)
            g = h
            for layer in reversed(layers):
                if isinstance(layer, Affine):
                    g = g @ layer.W.T
            return np.sum(h ** 2) + np.sum(g)
    '''), [_values(3, 4), _values(4), _values(4, 3), _values(3), _values(5, 3)])


def test_a_static_method_and_a_property_read_through_self_and_through_the_object():
    assert_right('''
        class Gauss:
            def __init__(self, mu, log_s):
                self.mu = mu
                self.log_s = log_s

            @staticmethod
            def square(z):
                return z * z

            @property
            def sigma(self):
                return np.exp(self.log_s)

            def nll(self, x):
                return np.sum(0.5 * self.square((x - self.mu) / self.sigma) + self.log_s)

        def f(mu, log_s, x):
            g = Gauss(mu, log_s)
            return g.nll(x) + g.sigma + np.sum(g.square(x))
    ''', [0.2, -0.3, _values(5)])


def test_a_recurrent_cell_stepped_in_a_loop():
    assert_right('''
        class RNNCell:
            def __init__(self, Wx, Wh, b):
                self.Wx, self.Wh, self.b = Wx, Wh, b

            def step(self, x, h):
                return np.tanh(x @ self.Wx + h @ self.Wh + self.b)

        def f(Wx, Wh, b, xs, h0):
            cell = RNNCell(Wx, Wh, b)
            h = h0
            for t in range(xs.shape[0]):
                h = cell.step(xs[t], h)
            return np.sum(h ** 2)
    ''', [_values(3, 4), _values(4, 4), _values(4), _values(5, 2, 3), _values(2, 4)])


# --- records of values --------------------------------------------------------------------------------


def test_a_dataclass_with_a_default_and_a_post_init():
    assert_right('''
        @dataclass
        class Gauss:
            mu: float
            log_sigma: float
            scale: float = 1.0

            def __post_init__(self):
                self.sigma = np.exp(self.log_sigma)

            def logpdf(self, x):
                return -0.5 * ((x - self.mu) / self.sigma) ** 2 - np.log(self.sigma) - 0.5 * np.log(2 * np.pi)

        def f(mu, log_sigma, x):
            g = Gauss(mu, log_sigma=log_sigma)
            return np.sum(g.logpdf(x)) * g.scale
    ''', [0.3, -0.2, _values(5)])


def test_a_namedtuple_with_defaults_and_a_typed_named_tuple_with_a_method():
    assert_right('''
        Spring = namedtuple("Spring", "k rest damping", defaults=[0.1])

        class Params(NamedTuple):
            W: np.ndarray
            b: np.ndarray

            def apply(self, x):
                return x @ self.W + self.b

        def f(k, rest, W, b, x):
            s = Spring(k, rest)
            p = Params(W, b)
            return 0.5 * s.k * np.sum((p.apply(x) - s.rest) ** 2) + s.damping * np.sum(x)
    ''', [2.0, 0.5, _values(3, 2), _values(2), _values(4, 3)])


def test_an_object_of_numbers_in_scalar_code():
    assert_right('''
        class Particle:
            def __init__(self, m, x, v):
                self.m = m
                self.x = x
                self.v = v

            def kinetic(self):
                return 0.5 * self.m * self.v ** 2

            def potential(self, k):
                return 0.5 * k * self.x ** 2

        def f(m, x, v, k):
            p = Particle(m, x, v)
            return p.kinetic() + p.potential(k) + math.sin(p.x)
    ''', [1.5, 0.3, -0.7, 2.0])


# --- refused, saying what backgen follows -----------------------------------------------------------


@pytest.mark.parametrize("body, match", [
    ("layer = Dense(W, b)\n    return np.sum(apply(layer, x))", "layer is an object of your class Dense, used here as"),
    ("layers = [Dense(W, b)]\n    return np.sum(apply(layers[0], x))", "layers.0. is an object of your class Dense"),
    ("layers = [Dense(W, b)]\n    return np.sum(apply(layers, x))", "this makes an object of your class Dense, which"),
    ("layers = [Dense(W, b)]\n    for layer in layers:\n        x = layer(x)\n    return np.sum(layer(x))",
     "this makes an object of your class Dense, which"),
    ("layer = Dense(W, b)\n    layer.forward(x)\n    return np.sum(layer.out)", "layer.out is set by the method"),
    ("layer = Dense(W)\n    return np.sum(layer(x))", r"Dense\(\) is missing the argument 'b'"),
    ("layer = Dense(W, b)\n    return np.sum(layer(x)) + layer.gain", "sets no attribute gain"),
    ("layer = Dense(*[W, b])\n    return np.sum(layer(x))", r"with \*args or \*\*kwargs"),
])
def test_objects_used_otherwise_are_refused_at_the_users_line(body, match):
    keeping = DENSE.replace("        return np.tanh(x @ self.W + self.b)",  # (forward keeps what it computes)
                            "        self.out = np.tanh(x @ self.W + self.b)\n        return self.out")
    assert "self.out" in keeping
    assert_refused(keeping + textwrap.dedent('''
        def apply(layer, x):
            return layer(x)

        def f(W, b, x):
        ''') + "    " + body + "\n", match)


def test_a_model_holding_layers_calls_their_helpers_with_their_attributes():
    # self.fc1 = Dense(W1, b1) in the constructor: the layer's attributes are the model's (fc1_W), and
    # self.fc1(x) in its method the layer's helper given them
    text = assert_right(DENSE + '''
class Model:
    def __init__(self, W1, b1, W2, b2):
        self.fc1 = Dense(W1, b1)
        self.fc2 = Dense(W2, b2)
        self.scale = 0.5

    def __call__(self, x):
        h = self.fc1.forward(x)
        return self.fc2(h) * self.scale + np.sum(self.fc1.W)

def f(W1, b1, W2, b2, x):
    model = Model(W1, b1, W2, b2)
    return np.sum(model(x) ** 2) + np.sum(model.fc2(x @ model.fc1.W))
''', [_values(3, 4), _values(4), _values(4, 4), _values(4), _values(2, 3)])
    assert "Dense_call_backward(fc2_W, fc2_b, h," in text and "Model_call(W1, b1, W2, b2, 0.5, x)" in text


def test_objects_held_three_deep_and_by_a_dataclass():
    assert_right('''
@dataclass
class Scale:
    s: np.ndarray

    def __call__(self, x):
        return x * self.s

class Pair:
    def __init__(self, a, b):
        self.first = Scale(a)
        self.second = Scale(s=b)

    def __call__(self, x):
        return self.second(np.sin(self.first(x)))

class Net:
    def __init__(self, a, b, c):
        self.pair = Pair(a, b)
        self.out = Scale(c)

    def __call__(self, x):
        return self.out(self.pair(x))

def f(a, b, c, x):
    net = Net(a, b, c)
    return np.sum(net(x) ** 2)
''', [_values(3), _values(3), _values(3), _values(2, 3)])


def test_an_rnn_cell_holding_its_linear_maps_stepped_in_a_loop():
    assert_right('''
class Linear:
    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return x @ self.W

class Cell:
    def __init__(self, Wx, Wh, b):
        self.inp = Linear(Wx)
        self.hid = Linear(Wh)
        self.b = b

    def step(self, x, h):
        return np.tanh(self.inp(x) + self.hid(h) + self.b)

def f(Wx, Wh, b, xs, h0):
    cell = Cell(Wx, Wh, b)
    h = h0
    for t in range(xs.shape[0]):
        h = cell.step(xs[t], h)
    return np.sum(h ** 2)
''', [_values(3, 4), _values(4, 4), _values(4), _values(3, 2, 3), _values(2, 4)])


@pytest.mark.parametrize("use, match", [
    ("return apply(self.layer, x)", "Model.__call__ uses self.layer, an object of your class Dense, otherwise"),
    ("self.layer.W = self.layer.W * 2.0\n        return self.layer(x)", "uses self.layer, an object of your class Dense"),
])
def test_a_held_object_passed_on_or_changed_by_a_method_is_refused(use, match):
    assert_refused(DENSE + f'''
def apply(layer, x):
    return layer(x)

class Model:
    def __init__(self, W, b):
        self.layer = Dense(W, b)

    def __call__(self, x):
        {use}

def f(W, b, x):
    model = Model(W, b)
    return np.sum(model(x))
''', match)


def test_a_held_object_used_as_a_value_by_the_function_is_refused():
    assert_refused(DENSE + '''
def apply(layer, x):
    return layer(x)

class Model:
    def __init__(self, W, b):
        self.layer = Dense(W, b)

def f(W, b, x):
    model = Model(W, b)
    return np.sum(apply(model.layer, x))
''', "model.layer is an object of your class Dense that model holds, used here as a value")


def test_a_constructor_reading_a_module_name_the_function_binds_too_is_refused():
    assert_refused('''
        SCALE = 2.0

        class Scaled:
            def __init__(self, W):
                self.W = W * SCALE

            def __call__(self, x):
                return x @ self.W

        def f(W, b, x):
            SCALE = 5.0
            layer = Scaled(W)
            return np.sum(layer(x)) * SCALE
    ''', "Scaled's constructor reads SCALE of the module, a name this function binds too")


def test_a_method_writing_into_the_object_is_refused():
    assert_refused('''
        class Counter:
            def __init__(self, w):
                self.w = w
                self.calls = 0

            def __call__(self, x):
                self.calls += 1
                return np.tanh(x * self.w)

        def f(W, b, x):
            c = Counter(W)
            return np.sum(c(x @ W))
    ''', "Counter.__call__ uses self otherwise than reading its attributes")


def test_a_model_holding_a_list_of_layers_loops_over_them_written_out_per_layer():
    # self.layers = [Dense(W1, b1), Dense(W2, b2)], then for layer in self.layers: x = layer(x) (and the
    # last layer's weights read by an index, the count by len)
    assert_right(DENSE + '''
class MLP:
    def __init__(self, W1, b1, W2, b2):
        self.layers = [Dense(W1, b1), Dense(W2, b2)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x * len(self.layers) + np.sum(self.layers[-1].W)

    def backwards(self, x):
        for layer in reversed(self.layers):
            x = layer(x)
        return x

def f(W1, b1, W2, b2, x):
    model = MLP(W1, b1, W2, b2)
    return np.sum(model(x) ** 2) + np.sum(model.backwards(x @ W1))
''', [_values(4, 4), _values(4), _values(4, 4), _values(4), _values(2, 4)])


def test_a_list_of_layers_a_method_reads_otherwise_is_refused():
    assert_refused(DENSE + '''
class MLP:
    def __init__(self, W, b):
        self.layers = [Dense(W, b)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return layer(x)

def f(W, b, x):
    model = MLP(W, b)
    return np.sum(model(x))
''', "reads the variable of a loop over self.layers")


def test_layers_deriving_from_a_base_class_of_the_module():
    # class Linear(Layer): the base's __call__ calling the derived forward; super().__init__(...) and
    # Base.__init__(self, ...) the base's constructor written where they stand; isinstance of the base true
    assert_right('''
class Module:
    def __init__(self, scale):
        self.scale = scale

    def __call__(self, x):
        return self.forward(x) * self.scale

class Affine(Module):
    def __init__(self, W, b, scale=1.0):
        super().__init__(scale)
        self.W = W
        self.b = b

    def forward(self, x):
        return np.tanh(x @ self.W + self.b)

class Shift(Module):
    def __init__(self, c):
        Module.__init__(self, 2.0)
        self.c = c

    def forward(self, x):
        return x - self.c

def f(W, b, c, x):
    layers = [Affine(W, b, scale=0.5), Shift(c)]
    for layer in layers:
        if isinstance(layer, Module):
            x = layer(x)
    return np.sum(x ** 2)
''', [_values(3, 4), _values(4), _values(4), _values(2, 3)])


def test_a_class_calling_its_base_through_super_in_a_method_is_refused():
    assert_refused(DENSE + '''
class Scaled(Dense):
    def forward(self, x):
        return super().forward(x) * 2.0

def f(W, b, x):
    layer = Scaled(W, b)
    return np.sum(layer.forward(x))
''', "calls Dense's methods through super")


@pytest.mark.parametrize("use", ["net.fc_W = W * 3.0", "net.fc = Dense(W, W[0])"])
def test_the_function_naming_or_setting_what_a_model_holds_otherwise_is_refused(use):
    # net.fc.W is followed as net's fc_W: the function's own net.fc_W (a new attribute to Python) would
    # be taken for it, a wrong gradient; so is a held object replaced
    assert_refused(DENSE + f'''
class Net:
    def __init__(self, W, b):
        self.fc = Dense(W, b)

    def __call__(self, x):
        return np.tanh(self.fc(x))

def f(W, b, x):
    net = Net(W, b)
    y = net(x)
    {use}
    return np.sum(y + net(x))
''', "backgen follows the objects net holds as the attributes of net itself")


def test_a_held_objects_constructor_reading_a_module_name_its_holders_constructor_binds_is_not_written_there():
    # Scale's constructor reads the module's GAIN; Net's constructor has a parameter GAIN: written into
    # Net's, Scale's would read Net's GAIN.  The model is then not followed (refused), never wrong
    assert_refused('''
GAIN = 2.0

class Scale:
    def __init__(self, s):
        self.s = s * GAIN

    def __call__(self, x):
        return x * self.s

class Net:
    def __init__(self, s, GAIN):
        self.inner = Scale(s)
        self.g = GAIN

    def __call__(self, x):
        return self.inner(x) * self.g

def f(W, b, x):
    net = Net(b, 3.0)
    return np.sum(net(x @ W))
''', "Net.__call__ uses self otherwise than reading its attributes")


@pytest.mark.parametrize("use", ["D(W, 3.0)(x)", "layer(x)"])
def test_a_call_of_a_class_whose_objects_are_not_followed_says_why(use):
    assert_refused('''
@dataclass
class Base:
    W: np.ndarray

    def __call__(self, x):
        return x @ self.W * self.k

@dataclass
class D(Base):
    k: float = 2.0

def f(W, b, x):
    layer = D(W, 3.0)
    return np.sum(''' + use + ''' + b)
''', "D is a class of your module whose objects backgen does not follow: it is a dataclass deriving")
