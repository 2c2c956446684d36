"""A parameter that is an object read by attribute: a dataclass of settings, a named tuple of weights, an
``argparse.Namespace``-like object (``cfg.reg``, ``layer.W``, ``getattr(cfg, "reg", 0.0)``,
``hasattr(cfg, "scale")``), followed as the dict of the attributes read (``backgen.attribute_reads``).
Every gradient is checked against central differences (an object's attributes perturbed one at a time);
the generated code reads the attributes as the user wrote them and runs on the user's object.
"""

import collections
import dataclasses
import textwrap
import types

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported


@dataclasses.dataclass
class Settings:
    reg: float = 0.1
    act: str = "tanh"
    steps: int = 2
    lr: float = 0.3


@dataclasses.dataclass
class Dense:
    W: np.ndarray
    b: np.ndarray


Weights = collections.namedtuple("Weights", "W1 b1 W2")

PROGRAMS = {
    "settings": '''
        def f(x, W, cfg):
            h = x @ W
            if cfg.act == "tanh":
                h = np.tanh(h)
            else:
                h = np.maximum(h, 0.0)
            return np.sum(h ** 2) + cfg.reg * np.sum(W * W)
        ''',
    "settings_in_a_loop": '''
        def f(x, W, cfg):
            h = x @ W
            for _ in range(cfg.steps):
                h = h - cfg.lr * np.tanh(h)
            return np.sum(h ** 2)
        ''',
    "optional_settings": '''
        def f(x, W, cfg):
            reg = getattr(cfg, "reg", 0.5)
            h = np.tanh(x @ W)
            if hasattr(cfg, "scale"):
                h = h * cfg.scale
            return np.sum(h) + reg * np.sum(W * W)
        ''',
}


def _settings(kind, **values):
    if kind == "dataclass":
        return Settings(**values)
    if kind == "namedtuple":
        return collections.namedtuple("Config", sorted(values))(**values)
    return types.SimpleNamespace(**values)


def _decorated(text, wrt=None):
    module = imported("import numpy as np\n\n" + textwrap.dedent(text), "attribute_reads")
    return module["f"], backgen.backward(module["f"], wrt=wrt)


SETTINGS = [
    ("settings", dict(act="tanh", reg=0.1)), ("settings", dict(act="relu", reg=0.3)),
    ("settings_in_a_loop", dict(steps=3, lr=0.2)), ("settings_in_a_loop", dict(steps=1, lr=0.5)),
    ("optional_settings", dict(reg=0.2)), ("optional_settings", dict(scale=2.0)),
    ("optional_settings", dict(reg=0.1, scale=-1.5)),
]


@pytest.mark.parametrize("kind, program, values", [
    (kind, program, values) for kind in ("dataclass", "namedtuple", "namespace") for program, values in SETTINGS
    if kind != "dataclass" or program != "optional_settings"])  # (a dataclass has every field)
def test_settings_read_by_attribute(kind, program, values):
    rng = np.random.default_rng(5)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    cfg = _settings(kind, **values)
    f, decorated = _decorated(PROGRAMS[program], wrt=("x", "W"))
    got = decorated.backward(x, W, cfg)
    want = finite_differences(f, [x, W, cfg], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def _object_gradient(f, args, k, make):
    """Central differences of ``f`` with respect to the attributes of the object ``args[k]``, rebuilt by
    ``make(dict of attributes)`` for each perturbation: a dict by attribute name."""
    fields = dict(vars(args[k])) if not hasattr(args[k], "_asdict") else args[k]._asdict()

    def at(*values):
        values = list(values)
        values[k] = make(values[k])
        return f(*values)
    return finite_differences(at, list(args[:k]) + [fields] + list(args[k + 1:]), [k], (1.0,))[0]


def test_a_layer_object_holding_its_weights():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(4, 3))
    layer = Dense(rng.normal(size=(3, 2)), rng.normal(size=2))
    f, decorated = _decorated('''
        def f(x, layer):
            h = x @ layer.W + layer.b
            return np.sum(np.tanh(h) ** 2)
        ''', wrt=("x", "layer"))
    dx, dlayer = decorated.backward(x, layer)
    np.testing.assert_allclose(dx, finite_differences(f, [x, layer], [0], (1.0,))[0], rtol=1e-5, atol=1e-6)
    want = _object_gradient(f, [x, layer], 1, lambda d: Dense(**d))
    assert list(dlayer) == ["W", "b"]  # (the gradient of an object: a dict by attribute)
    for key in want:
        np.testing.assert_allclose(dlayer[key], want[key], rtol=1e-5, atol=1e-6)
    text = decorated.backward_source
    assert "W = layer.W" in text and "b = layer.b" in text and "layer[" not in text
    namespace = {}  # (the generated module, run on the user's object itself)
    exec(text, namespace)
    dx2, dlayer2 = namespace["f_backward"](x, layer)
    np.testing.assert_allclose(dx2, dx)
    np.testing.assert_allclose(dlayer2["W"], dlayer["W"])


def test_a_named_tuple_of_weights():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(5, 3))
    weights = Weights(rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2)))
    f, decorated = _decorated('''
        def f(x, params):
            h = np.maximum(x @ params.W1 + params.b1, 0.0)
            return np.sum(h @ params.W2)
        ''', wrt=("params",))
    got = decorated.backward(x, weights)
    want = _object_gradient(f, [x, weights], 1, lambda d: Weights(**d))
    assert list(got) == ["W1", "b1", "W2"]
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6)


def test_physical_constants_differentiated():
    @dataclasses.dataclass
    class Spring:
        k: float
        m: float
    rng = np.random.default_rng(8)
    q, v = rng.normal(size=3), rng.normal(size=3)
    spring = Spring(2.0, 3.0)
    f, decorated = _decorated('''
        def f(q, v, p):
            return 0.5 * p.m * np.sum(v ** 2) + 0.5 * p.k * np.sum(q ** 2)
        ''', wrt=("q", "v", "p"))
    dq, dv, dp = decorated.backward(q, v, spring)
    want = finite_differences(f, [q, v, spring], [0, 1], (1.0,))
    np.testing.assert_allclose(dq, want[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dv, want[1], rtol=1e-5, atol=1e-6)
    want_p = _object_gradient(f, [q, v, spring], 2, lambda d: Spring(**d))
    assert dp == pytest.approx(want_p, rel=1e-5)


def test_the_generated_code_reads_attributes_as_written():
    rng = np.random.default_rng(9)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    f, decorated = _decorated(PROGRAMS["optional_settings"], wrt=("x", "W"))
    cfg = types.SimpleNamespace(reg=0.2, scale=2.0)
    got = decorated.backward(x, W, cfg)
    text = decorated.backward_source
    assert "getattr(cfg, 'reg', 0.5)" in text and "hasattr(cfg, 'scale')" in text and "scale = cfg.scale" in text
    assert "cfg[" not in text and "cfg.get" not in text and "in cfg" not in text
    namespace = {}
    exec(text, namespace)
    for g, w in zip(namespace["f_backward"](x, W, cfg), got):
        np.testing.assert_allclose(g, w)


def test_generate_given_the_object_shapes():
    text = backgen.generate(textwrap.dedent('''
        import numpy as np

        def f(x, layer):
            return np.sum(np.tanh(x @ layer.W + layer.b) ** 2)
        '''), shapes={"x": "N, D", "layer": {"W": "D, M", "b": "M"}})
    assert "W = layer.W" in text and "layer[" not in text
    rng = np.random.default_rng(10)
    x, layer = rng.normal(size=(4, 3)), Dense(rng.normal(size=(3, 2)), rng.normal(size=2))
    namespace = {}
    exec(text, namespace)
    _, dlayer = namespace["f_backward"](x, layer)
    exec("import numpy as np\ndef f(x, layer):\n    return np.sum(np.tanh(x @ layer.W + layer.b) ** 2)\n", namespace)
    want = _object_gradient(namespace["f"], [x, layer], 1, lambda d: Dense(**d))
    for key in want:
        np.testing.assert_allclose(dlayer[key], want[key], rtol=1e-5, atol=1e-6)


def test_a_missing_attribute_raises_as_the_forward_does():
    f, decorated = _decorated(PROGRAMS["settings"], wrt=("x", "W"))
    x, W = np.ones((2, 3)), np.ones((3, 2))
    for cfg in (types.SimpleNamespace(act="tanh"), {"act": "tanh", "reg": 0.1}):
        with pytest.raises(AttributeError):
            f(x, W, cfg)
        with pytest.raises(AttributeError, match="has no attribute '(reg|act)', which the function reads"):
            decorated.backward(x, W, cfg)


@pytest.mark.parametrize("text, match", [
    ('''
        def f(x, cfg):
            return np.sum(cfg.activation(x))
        ''', "does not follow methods of objects"),  # (a method of the object: what it does is not read)
    ('''
        def helper(x, c):
            return np.sum(c.activation(x))
        def f(x, cfg):
            return helper(x, cfg) * cfg.reg
        ''', "cfg is handed to a function reading it otherwise"),  # (a helper calling its method)
    ('''
        def f(x, cfg):
            return np.sum(x) * cfg.reg + cfg[0]
        ''', r"line 5 reads cfg otherwise \(cfg\[0\]\)"),  # (an object and more: not followed)
    ('''
        def f(x, cfg):
            cfg.reg = 0.5
            return np.sum(x) * cfg.reg
        ''', "this writes into cfg.reg"),
    ('''
        def f(x, cfg):
            return np.sum(x) * cfg.inner.reg
        ''', "attribute .reg is not supported"),  # (an object within: not followed)
])
def test_other_uses_refused(text, match):
    cfg = types.SimpleNamespace(reg=0.1, activation=np.tanh, inner=types.SimpleNamespace(reg=0.2))
    with pytest.raises(backgen.BackgenError, match=match):  # (as it is decorated, or at its first call)
        _decorated(text, wrt=("x",))[1].backward(np.ones(3), cfg)


HELPERS = {
    "handed_to_a_helper": '''
        def penalty(W, c):
            return c.reg * np.sum(W * W)

        def f(x, W, cfg):
            return np.sum(np.tanh(x @ W) * cfg.scale) + penalty(W, cfg)
        ''',
    "handed_on_twice_by_keyword": '''
        def act(h, c):
            return np.tanh(h) if c.kind == "tanh" else np.maximum(h, 0.0)

        def layer(x, W, settings):
            return act(x @ W, c=settings) * settings.scale

        def f(x, W, cfg):
            return np.sum(layer(x, W, cfg) ** 2) + getattr(cfg, "reg", 0.0) * np.sum(W * W)
        ''',
}


@pytest.mark.parametrize("program, values", [
    ("handed_to_a_helper", dict(reg=0.2, scale=1.5)),
    ("handed_on_twice_by_keyword", dict(kind="tanh", scale=2.0)),
    ("handed_on_twice_by_keyword", dict(kind="relu", scale=0.5, reg=0.3)),
])
def test_an_object_handed_to_helpers(program, values):
    rng = np.random.default_rng(11)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    cfg = types.SimpleNamespace(**values)
    f, decorated = _decorated(HELPERS[program])
    got = decorated.backward(x, W, cfg)  # (cfg, settings: not differentiated)
    want = finite_differences(f, [x, W, cfg], [0, 1], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    text = decorated.backward_source
    assert "cfg[" not in text and "c[" not in text and "settings[" not in text
    assert ".reg" in text or ".scale" in text


def test_an_object_lacking_what_a_helper_reads_raises_as_the_forward_does():
    f, decorated = _decorated(HELPERS["handed_to_a_helper"])
    x, W = np.ones((2, 3)), np.ones((3, 2))
    cfg = types.SimpleNamespace(scale=1.0)
    with pytest.raises(AttributeError):
        f(x, W, cfg)
    with pytest.raises(AttributeError, match="has no attribute 'reg'"):
        decorated.backward(x, W, cfg)


def test_a_settings_dict_handed_to_a_helper_is_not_differentiated():
    f, decorated = _decorated('''
        def penalty(W, c):
            return c["reg"] * np.sum(W * W)

        def f(x, W, cfg):
            return np.sum(np.tanh(x @ W)) + penalty(W, cfg)
        ''')
    rng = np.random.default_rng(12)
    x, W, cfg = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), {"reg": 0.1}
    got = decorated.backward(x, W, cfg)
    assert len(got) == 2  # (its settings: no gradient, as where f reads cfg["reg"] itself)
    for g, w in zip(got, finite_differences(f, [x, W, cfg], [0, 1], (1.0,))):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_attributes_of_the_arrays_an_object_holds():
    @dataclasses.dataclass
    class Particles:
        pos: np.ndarray
        vel: np.ndarray
        mass: np.ndarray
    rng = np.random.default_rng(13)
    particles = Particles(rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), rng.uniform(1.0, 2.0, size=4))
    f, decorated = _decorated('''
        def f(p, G=1.0):
            kinetic = 0.5 * np.sum(p.mass[:, None] * p.vel ** 2)
            d = p.pos[:, None, :] - p.pos[None, :, :]
            r = np.sqrt(np.sum(d ** 2, axis=-1) + np.eye(p.pos.shape[0]))
            return kinetic - G * np.sum(np.triu(p.mass[:, None] * p.mass[None, :] / r, 1))
        ''', wrt=("p",))
    got = decorated.backward(particles)
    want = _object_gradient(f, [particles], 0, lambda d: Particles(**d))
    assert list(got) == ["mass", "vel", "pos"]  # (in the order first read)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6)


def test_an_object_holding_data_and_labels():
    rng = np.random.default_rng(14)
    data = types.SimpleNamespace(X=rng.normal(size=(5, 4)), y=np.array([0, 2, 1, 1, 0]))
    W = rng.normal(size=(4, 3))
    f, decorated = _decorated('''
        def f(W, data):
            scores = data.X @ W
            N = data.X.shape[0]
            shifted = scores - scores.max(axis=1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return -np.mean(logp[np.arange(N), data.y])
        ''', wrt=("W",))
    np.testing.assert_allclose(decorated.backward(W, data), finite_differences(f, [W, data], [0], (1.0,))[0],
                               rtol=1e-5, atol=1e-6)


MODULE_SETTINGS = '''
import argparse
import dataclasses
import types

import numpy as np


@dataclasses.dataclass
class Config:
    reg: float = 0.1
    act: str = "tanh"


CFG = Config()
NS = types.SimpleNamespace(scale=2.0)
ARGS = argparse.Namespace(power=2)


def f(x, W):
    h = x @ W
    if CFG.act == "tanh":
        h = np.tanh(h)
    else:
        h = np.maximum(h, 0.0)
    return np.sum(h ** ARGS.power) * NS.scale + CFG.reg * np.sum(W * W)
'''


def test_settings_objects_of_the_module_read_as_they_are_at_each_call():
    # a dataclass (not frozen), a namespace, argparse's: their numbers and strings constants of the code,
    # which the decorator writes again where the module changes them
    names = imported(MODULE_SETTINGS, "module_settings")
    decorated = backgen.backward(names["f"])
    rng = np.random.default_rng(15)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    for reg, act, scale, power in ((0.1, "tanh", 2.0, 2), (0.5, "relu", -1.0, 2), (0.1, "tanh", 2.0, 3)):
        names["CFG"].reg, names["CFG"].act, names["NS"].scale, names["ARGS"].power = reg, act, scale, power
        got = decorated.backward(x, W)
        for g, w in zip(got, finite_differences(names["f"], [x, W], [0, 1], (1.0,))):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
