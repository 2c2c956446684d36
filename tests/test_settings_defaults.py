"""Parameters whose default is a dict of settings written out (``def f(x, W, cfg={"scale": 2.0, "act":
"tanh"})``): read as a dict of settings passed in is, its entries the values of the sample runs, and kept
as the backward's default.  A write into that dict, which Python makes once and keeps between calls, is
refused; a default holding anything but numbers, strings, booleans, None and tuples of those is refused as
before.  Gradients are checked against central differences, the default used and other dicts passed."""

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, imported, same_again

SCALED = '''
import numpy as np


def f(x, W, cfg={"scale": 2.0, "act": "tanh"}):
    s = cfg.get("scale", 1.0)
    z = x @ W
    h = np.tanh(z) if cfg["act"] == "tanh" else np.maximum(z, 0.0)
    return np.sum(h * s)
'''

TUPLES_AND_NONE = '''
import numpy as np


def f(x, W, cfg={"sizes": (2, -1), "eps": 0.1, "act": "relu", "note": None}):
    z = (x @ W).reshape(cfg["sizes"]) + cfg["eps"]
    return np.sum(np.maximum(z, 0.0) ** 2 if cfg["act"] == "relu" else z)
'''

SHAPES = {"x": "4, 3", "W": "3, 2"}
SETTINGS = [None, {"scale": 3.0, "act": "tanh"}, {"scale": -0.5, "act": "relu"}]


def _args(seed):
    rng = np.random.default_rng(seed)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    return x, W


def _generated(source, shapes):
    text = backgen.generate(source, name="f", shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=shapes))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return text, namespace["f_backward"]


@pytest.mark.parametrize("shapes", [SHAPES, None], ids=["shapes", "shape-generic"])
@pytest.mark.parametrize("settings", range(len(SETTINGS)))
def test_a_dict_of_settings_as_default_is_read_and_kept(shapes, settings):
    text, backward = _generated(SCALED, shapes)
    assert "def f_backward(x, W, cfg={'scale': 2.0, 'act': 'tanh'}, dout=" in text
    forward = imported(SCALED, "settings_default")["f"]
    x, W = _args(settings)
    cfg = SETTINGS[settings]
    if cfg is None:  # the default, as the backward's own
        assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, [x, W], [0.7])
    else:
        assert_backward_at(lambda x, W, c, d: backward(x, W, c, dout=d), forward, [x, W, dict(cfg)], [0.7],
                           wrt=[0, 1])


@pytest.mark.parametrize("settings", range(len(SETTINGS)))
def test_the_decorator_reads_the_default_and_the_dicts_passed(settings):
    forward = imported(SCALED, "settings_default_decorated")["f"]
    decorated = backgen.backward(forward)
    x, W = _args(10 + settings)
    cfg = SETTINGS[settings]
    if cfg is None:
        assert_backward_at(lambda x, W, d: decorated.backward(x, W, dout=d), forward, [x, W], [0.3])
    else:
        assert_backward_at(lambda x, W, c, d: decorated.backward(x, W, c, dout=d), forward, [x, W, dict(cfg)],
                           [0.3], wrt=[0, 1])


@pytest.mark.parametrize("shapes", [SHAPES, None], ids=["shapes", "shape-generic"])
def test_a_default_holding_tuples_none_and_strings(shapes):
    _, backward = _generated(TUPLES_AND_NONE, shapes)
    forward = imported(TUPLES_AND_NONE, "settings_default_tuples")["f"]
    x, W = _args(3)
    assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, [x, W], [np.float64(1.3)])
    other = {"sizes": (-1,), "eps": 0.25, "act": "relu", "note": None}
    assert_backward_at(lambda x, W, c, d: backward(x, W, c, dout=d), forward, [x, W, other], [1.3], wrt=[0, 1])


def test_a_write_into_the_default_dict_is_refused_and_a_copy_of_it_followed():
    written = SCALED.replace('    s = cfg.get("scale", 1.0)\n', '    cfg["scale"] *= 2.0\n    s = cfg["scale"]\n')
    for shapes in (SHAPES, None):
        with pytest.raises(backgen.BackgenError, match=r"writes into the dict the default of 'cfg' makes "
                                                       r"\(\{'scale': 2.0, 'act': 'tanh'\}\), which Python makes once"):
            backgen.generate(written, name="f", shapes=shapes)
    copied = written.replace('    cfg["scale"] *= 2.0\n', '    cfg = cfg.copy()\n    cfg["scale"] *= 2.0\n')
    _, backward = _generated(copied, SHAPES)
    forward = imported(copied, "settings_default_copied")["f"]
    x, W = _args(4)
    assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, [x, W], [0.9])


def test_a_default_dict_holding_an_array_is_refused():
    source = SCALED.replace('cfg={"scale": 2.0, "act": "tanh"}', 'cfg={"scale": np.ones(2), "act": "tanh"}')
    with pytest.raises(backgen.BackgenError, match="parameter defaults must be numbers"):
        backgen.generate(source, name="f", shapes=SHAPES)
