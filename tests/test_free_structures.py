"""Dicts, tuples and lists of arrays and objects holding arrays that a decorated function reads from its module
(``DATA["X"]``, ``Xt, yt = train``, ``for W in LAYERS``, ``data.X``, ``model.W`` of a dataclass of the
module): read as inputs it is not given, as its module's arrays are, never differentiated, each call reading
them as they are then; an object's settings constants the code is keyed on (``backgen.free_arrays``).
Gradients against central differences."""

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, module_in, scratch_folder

MODULE = '''
import types
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

rng = np.random.default_rng(3)
X, y = rng.normal(size=(5, 3)), rng.normal(size=5)
DATA = {"X": X, "y": y}
train = (X, y)
LAYERS = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
data = types.SimpleNamespace(X=X, y=y)


class Pair(NamedTuple):
    X: np.ndarray
    y: np.ndarray


PAIR = Pair(X, y)


@dataclass
class Model:
    W: np.ndarray
    b: np.ndarray
    reg: float
    act: str


model = Model(rng.normal(size=(3, 2)), rng.normal(size=2), 0.01, "tanh")


def from_dict(w):
    return np.mean((DATA["X"] @ w - DATA["y"]) ** 2)


def from_tuple(w):
    Xt, yt = train
    return np.mean((Xt @ w - yt) ** 2)


def through_layers(x):
    h = x
    for W in LAYERS:
        h = np.tanh(h @ W)
    return np.sum(h * h)


def from_namespace(w):
    r = data.X @ w - data.y
    return np.mean(r ** 2) + 0.1 * w @ w


def from_named_tuple(w):
    return np.sum(np.sin(PAIR.X @ w) * PAIR.y)


def mse(w, d):
    return np.mean((d.X @ w - d.y) ** 2)


def handed_to_a_helper(w):
    return mse(w, data)


def through_the_model(x):
    h = x @ model.W + model.b
    if model.act == "tanh":
        h = np.tanh(h)
    return np.sum(h ** 2) + model.reg * np.sum(x * x)
'''

W0 = np.array([0.3, -0.2, 0.5])


@pytest.fixture(scope="module")
def module():
    return module_in(scratch_folder("free_structures"), MODULE, "free_structures_data")


def _check(decorated, func, args):
    assert_backward_at(lambda *given: decorated.backward(*given[:-1], dout=given[-1]), func, args, (1.0,), [0])


@pytest.mark.parametrize("name", ["from_dict", "from_tuple", "from_namespace", "from_named_tuple",
                                  "handed_to_a_helper"])
def test_data_held_by_a_structure_of_the_module(module, name):
    func = getattr(module, name)
    decorated = backgen.backward(func)
    _check(decorated, func, [W0])
    assert decorated.wrt[0] == "w" and not set(decorated.wrt) & {"DATA", "train", "data", "PAIR"}


def test_a_list_of_weights_of_the_module(module):
    x = np.array([[0.1, 0.2, -0.3], [0.4, -0.1, 0.2]])
    _check(backgen.backward(module.through_layers), module.through_layers, [x])


def test_the_generated_code_reads_the_objects_attributes(module):
    decorated = backgen.backward(module.from_namespace)
    decorated.backward(W0)
    text = str(decorated.backward_source)
    assert "X = data.X" in text and "y = data.y" in text and "def from_namespace_backward(w, data" in text


def test_each_call_reads_the_object_as_it_is_then(module):
    decorated = backgen.backward(module.through_the_model)
    x = np.array([[0.1, 0.2, -0.3], [0.4, -0.1, 0.2]])
    saved = (module.model.W, module.model.b, module.model.act, module.model.reg)
    try:
        _check(decorated, module.through_the_model, [x])
        module.model.act = "relu"  # a setting the code branches on: code for it
        _check(decorated, module.through_the_model, [x])
        module.model.reg = 0.5  # a number the code holds as a constant: code for it
        _check(decorated, module.through_the_model, [x])
        module.model.W = np.ones((3, 4)) * 0.2  # another shape of array
        module.model.b = np.zeros(4)
        _check(decorated, module.through_the_model, [x])
    finally:
        module.model.W, module.model.b, module.model.act, module.model.reg = saved


def test_each_call_reads_the_dict_as_it_is_then(module):
    decorated = backgen.backward(module.from_dict)
    saved = dict(module.DATA)
    try:
        module.DATA["X"] = np.ones((7, 3)) * 0.5
        module.DATA["y"] = np.linspace(0.0, 1.0, 7)
        _check(decorated, module.from_dict, [W0])
    finally:
        module.DATA.update(saved)


def test_generate_reading_text_asks_for_them_as_parameters(module):
    source = "import numpy as np\n\n\ndef f(w):\n    return np.sum(DATA['X'] @ w)\n"
    with pytest.raises(backgen.BackgenError, match="pass them as parameters"):
        backgen.generate(source, name="f", shapes={"w": "3"})
