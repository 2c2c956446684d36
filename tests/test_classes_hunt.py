"""Object-oriented NumPy code: models as classes (a callable object, a static method decorated either
way round, class constants read by the class's name), parameters bundled in named tuples, settings in
dataclasses; each backward against central differences, or a refusal saying what to write instead."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, assert_generated_refused, assert_generated_right, finite_differences, imported

RNG = np.random.default_rng(11)
HEADER = "import numpy as np\nfrom collections import namedtuple\nfrom dataclasses import dataclass\nimport backgen\n\n"


def _module(text):
    return imported(HEADER + textwrap.dedent(text), "classes")


# --- a named tuple of parameters unpacked in the forward (its class takes its fields one by one) -------


def test_a_named_tuple_of_arrays_unpacked_in_the_forward():
    names = _module('''
        Params = namedtuple("Params", "W b")

        def forward(p, x):
            W, b = p
            return np.sum(np.tanh(x @ W + b))
        ''')
    p = names["Params"](RNG.standard_normal((4, 3)), RNG.standard_normal(3))
    x = RNG.standard_normal((5, 4))
    dp, dx = backgen.backward(names["forward"]).backward(p, x)
    want = finite_differences(lambda W, b, x: names["forward"](names["Params"](W, b), x), [p.W, p.b, x], [0, 1, 2],
                              (1.0,))
    assert len(dp) == 2  # (in the fields' order, as for a tuple)
    assert_close([dp[0], dp[1], dx], want, rtol=1e-5, atol=1e-6)


# --- a model called as model(x): the decorator takes its __call__, bound to it -------------------------


CALLABLE = '''
class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return np.tanh(x @ self.W + self.b)


class Module:
    def __call__(self, x):
        return self.forward(x)


class Quadratic(Module):
    def __init__(self, A):
        self.A = A

    def forward(self, x):
        return 0.5 * x @ self.A @ x
'''


def test_a_callable_model_is_differentiated_through_its_call():
    names = _module(CALLABLE)
    W, b, x = RNG.standard_normal((4, 3)), RNG.standard_normal(3), RNG.standard_normal((5, 4))
    dout = RNG.standard_normal((5, 3))
    model = names["Linear"](W, b)
    decorated = backgen.backward(model)
    assert np.allclose(decorated(x), model(x))
    dW, db, dx = decorated.backward(x, dout=dout)

    def loss(W, b, x):
        return np.sum(names["Linear"](W, b)(x) * dout)
    assert_close([dW, db, dx], finite_differences(loss, [W, b, x], [0, 1, 2], (1.0,)), rtol=1e-5, atol=1e-6)
    assert np.array_equal(model.W, W) and np.array_equal(model.b, b)


def test_gradcheck_of_a_callable_model():
    names = _module(CALLABLE)
    model = names["Linear"](RNG.standard_normal((4, 3)), RNG.standard_normal(3))
    assert backgen.gradcheck(model, RNG.standard_normal((5, 4))) < 1e-5


def test_a_callable_model_whose_call_a_base_class_defines():
    names = _module(CALLABLE)
    A, x = RNG.standard_normal((3, 3)), RNG.standard_normal(3)
    dA, dx = backgen.backward(names["Quadratic"](A)).backward(x)
    want = finite_differences(lambda A, x: names["Quadratic"](A)(x), [A, x], [0, 1], (1.0,))
    assert_close([dA, dx], want, rtol=1e-5, atol=1e-6)


# --- @backgen.backward written above @staticmethod, as well as below it ----------------------------------


def test_the_decorator_above_staticmethod():
    names = _module('''
        class Ops:
            @backgen.backward
            @staticmethod
            def f(x, w):
                return np.sum(np.sin(x * w))
        ''')
    x, w = RNG.standard_normal(3), RNG.standard_normal(3)
    want = finite_differences(lambda x, w: np.sum(np.sin(x * w)), [x, w], [0, 1], (1.0,))
    for f in (names["Ops"].f, names["Ops"]().f):  # on the class and on an object: no self bound
        assert_close(list(f.backward(x, w)), want, rtol=1e-5, atol=1e-6)


# --- a class's constants read by its name (BatchNorm.EPS) ------------------------------------------------


CONSTANTS = '''
class Norm:
    """Layer normalization constants."""
    EPS = 1e-5
    MOMENTUM: float = 0.9
    STEPS = 2
    MODE = "tanh"


def f(x, gamma):
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    out = gamma * (x - mu) / np.sqrt(var + Norm.EPS) * Norm.MOMENTUM
    for _ in range(Norm.STEPS):
        out = np.tanh(out) if Norm.MODE == "tanh" else out
    return np.sum(out ** 2)


class Layer:
    SCALE = 2.0

    def __init__(self, W):
        self.W = W

    def forward(self, x):
        return np.sum(np.tanh(x @ self.W) * Layer.SCALE)
'''


def test_class_constants_read_by_the_class_s_name_in_generate():
    x, gamma = RNG.standard_normal((5, 3)), RNG.standard_normal(3)
    assert_generated_right(HEADER + CONSTANTS, [x, gamma])
    assert "1e-05" in backgen.generate(HEADER + CONSTANTS, name="f")


def test_class_constants_read_by_the_class_s_name_with_the_decorator_as_they_are_now():
    names = _module(CONSTANTS)
    layer = names["Layer"](RNG.standard_normal((3, 2)))
    x = RNG.standard_normal((4, 3))
    decorated = backgen.backward(layer.forward)

    def want():
        return finite_differences(lambda W, x: names["Layer"](W).forward(x), [layer.W, x], [0, 1], (1.0,))
    assert_close(list(decorated.backward(x)), want(), rtol=1e-5, atol=1e-6)
    names["Layer"].SCALE = 3.0  # the code generated for 2.0 is not for this call
    assert_close(list(decorated.backward(x)), want(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body", ["EPS = 1e-5\n    EPS = 0.25", "EPS = 1e-5\n\nNorm.EPS = 0.5",
                                  "EPS = 1e-5\n\n    @classmethod\n    def set(cls, v):\n        cls.EPS = v",
                                  "EPS = 1e-5\n\nsetattr(Norm, 'EPS', 0.5)"])
def test_a_class_constant_set_twice_is_refused_in_generate(body):
    source = HEADER + f"class Norm:\n    {body}\n\n\ndef f(x):\n    return np.sum(np.sqrt(x * x + Norm.EPS))\n"
    assert_generated_refused(source, [RNG.standard_normal(3)], r"Norm\.EPS reads an attribute of Norm")


# --- attributes of other objects: refused, saying what to write instead ---------------------------------


def test_an_attribute_of_a_settings_dataclass_parameter_is_followed():
    names = _module('''
        @dataclass
        class Config:
            reg: float = 0.1

        def loss(W, X, cfg):
            return np.sum((X @ W) ** 2) + cfg.reg * np.sum(W * W)
        ''')
    W, X, cfg = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 3)), names["Config"](0.3)
    got = backgen.backward(names["loss"]).backward(W, X, cfg)  # (cfg's settings: not differentiated)
    assert_close(got, tuple(finite_differences(names["loss"], [W, X, cfg], [0, 1], (1.0,))), rtol=1e-6, atol=1e-6)


def test_an_attribute_of_the_class_a_classmethod_is_called_on_is_refused_naming_what_to_write():
    names = _module('''
        class Model:
            SCALE = 0.5

            @classmethod
            def loss(cls, x):
                return np.sum(np.tanh(x) * cls.SCALE)
        ''')
    with pytest.raises(backgen.BackgenError, match=r"cls\.SCALE: .*ClassName\.SCALE"):
        backgen.backward(names["Model"].loss).backward(RNG.standard_normal(3))


def test_a_write_into_self_in_the_forward_is_refused_naming_the_attribute():
    names = _module('''
        class BatchNorm:
            def __init__(self, gamma):
                self.gamma = gamma
                self.running_mean = np.zeros_like(gamma)
                self.calls = 0

            def forward(self, x):
                mu = x.mean(axis=0)
                self.running_mean = 0.9 * self.running_mean + 0.1 * mu
                return self.gamma * (x - mu)

            def counted(self, x):
                self.calls += 1
                return self.gamma * x
        ''')
    layer = names["BatchNorm"](RNG.standard_normal(3))
    x, dout = RNG.standard_normal((4, 3)), np.ones((4, 3))
    with pytest.raises(backgen.BackgenError, match=r"writes into self\.running_mean, and backgen does not write "
                                                   r"into objects"):
        backgen.backward(layer.forward).backward(x, dout=dout)
    with pytest.raises(backgen.BackgenError, match=r"writes into self\.calls"):
        backgen.backward(layer.counted).backward(x, dout=dout)


def test_methods_of_layers_in_a_list_are_followed_and_of_super_refused_saying_what_to_write():
    names = _module('''
        class Dense:
            def __init__(self, W):
                self.W = W

            def forward(self, x):
                return x @ self.W

        class Tanh(Dense):
            def forward(self, x):
                return np.tanh(super().forward(x))

        class Net:
            def __init__(self, layers):
                self.layers = layers

            def forward(self, x):
                for layer in self.layers:
                    x = layer.forward(x)
                return np.sum(x)
        ''')
    x = RNG.standard_normal((4, 3))
    net = names["Net"]([names["Dense"](RNG.standard_normal((3, 3))) for _ in range(2)])
    dW0, dW1, dx = backgen.backward(net.forward).backward(x)  # (the loop written out per layer)

    def at(W0, W1, x):
        return names["Net"]([names["Dense"](W0), names["Dense"](W1)]).forward(x)
    want = finite_differences(at, [net.layers[0].W, net.layers[1].W, x], [0, 1, 2], (1.0,))
    assert_close([dW0, dW1, dx], want)
    with pytest.raises(backgen.BackgenError, match=r"super\(\)\.forward\(\): backgen does not follow"):
        backgen.backward(names["Tanh"](RNG.standard_normal((3, 3))).forward).backward(x, dout=np.ones((4, 3)))


# --- generate: a static method called by its class's name is a helper --------------------------------


STATICS = '''
class Ops:
    """Activations."""
    ALPHA = 0.2

    @staticmethod
    def leaky(z):
        return np.where(z > 0, z, Ops.ALPHA * z)

    @staticmethod
    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))


def f(x, w):
    h = Ops.leaky(x * w)
    return np.sum(Ops.sigmoid(h) * h)
'''


def test_static_methods_called_by_the_class_s_name_in_generate():
    x, w = np.array([0.5, -1.2, 0.8, 1.5]), np.array([1.1, 0.7, -0.9, 0.4])
    assert_generated_right(HEADER + STATICS, [x, w])
    names = _module(STATICS.replace("Ops.ALPHA * z", "0.2 * z"))  # the decorator, as before
    assert_close(list(backgen.backward(names["f"]).backward(x, w)),
                 finite_differences(names["f"], [x, w], [0, 1], (1.0,)), rtol=1e-5, atol=1e-6)


def test_a_static_method_the_module_sets_again_stays_unknown_in_generate():
    source = HEADER + STATICS + "\n\nOps.sigmoid = staticmethod(lambda z: z)\n"
    assert_generated_refused(source, [np.ones(3), np.ones(3)], r"unknown function 'Ops\.sigmoid'")


def test_a_class_constant_a_helper_of_the_module_reads_is_read_as_it_is_now():
    names = _module('''
        class Cfg:
            SCALE = 2.0

        def g(x):
            return np.sin(x) * Cfg.SCALE

        def f(x):
            return np.sum(g(x))
        ''')
    x = RNG.standard_normal(3)
    decorated = backgen.backward(names["f"])
    for scale in (2.0, 3.0):  # the code generated for 2.0 is not for 3.0
        names["Cfg"].SCALE = scale
        assert_close(decorated.backward(x), finite_differences(names["f"], [x], [0], (1.0,))[0], rtol=1e-5, atol=1e-6)


def test_constants_of_another_module_its_imported_helper_reads_are_read_as_they_are_now(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "classes_hunt_helpers.py").write_text(textwrap.dedent('''
        import numpy as np

        SCALE = 2.0


        class Cfg:
            SHIFT = 0.5


        def g(x):
            return np.sin(x) * SCALE + x * Cfg.SHIFT
        '''))
    (tmp_path / "classes_hunt_model.py").write_text(textwrap.dedent('''
        import numpy as np
        from classes_hunt_helpers import g


        def f(x):
            return np.sum(g(x) ** 2)
        '''))
    import classes_hunt_helpers as helpers  # noqa: PLC0415
    import classes_hunt_model as model  # noqa: PLC0415

    x = RNG.standard_normal(3)
    decorated = backgen.backward(model.f)
    for scale, shift in ((2.0, 0.5), (3.0, 0.5), (3.0, -1.0)):  # code for the values before is not for these
        helpers.SCALE, helpers.Cfg.SHIFT = scale, shift
        assert_close(decorated.backward(x), finite_differences(model.f, [x], [0], (1.0,))[0], rtol=1e-5, atol=1e-6)


def test_a_method_decorated_in_its_class_body_reads_its_class_s_constant_by_name():
    # the class is not bound yet as the decorator runs: the method is read at its first call
    names = _module('''
        class Layer:
            SCALE = 2.0

            def __init__(self, W):
                self.W = W

            @backgen.backward
            def forward(self, x):
                return np.sum(np.tanh(x @ self.W) * Layer.SCALE)
        ''')
    layer = names["Layer"](RNG.standard_normal((3, 2)))
    x = RNG.standard_normal((4, 3))
    for scale in (2.0, 0.25):
        names["Layer"].SCALE = scale
        want = finite_differences(lambda W, x: names["Layer"](W).forward(x), [layer.W, x], [0, 1], (1.0,))
        assert_close(list(layer.forward.backward(x)), want, rtol=1e-5, atol=1e-6)


def test_a_static_method_calling_another_by_the_class_s_name_in_generate():
    source = HEADER + '''
class Ops:
    @staticmethod
    def square(z):
        return z * z

    @staticmethod
    def energy(z):
        return np.sum(Ops.square(z))


def f(x):
    return Ops.energy(np.tanh(x)) + np.sum(Ops.square(x))
'''
    assert_generated_right(source, [RNG.standard_normal(4)])
