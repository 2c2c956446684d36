"""CS231n layers branching on a setting (``if mode == 'train':``, ``mode = cfg['mode']``) whose cache
leaves the setting out: the backward needs no setting where the cache's own path decides the branch
(the cache built under the same test) or where both branches are the same; where the branches differ
and nothing decides them, the refusal says to cache the setting.  A cache built twice: the later build
is the one returned where it is on every path of the first.  Each accepted backward, handed the cache
the forward built, is checked against central differences in float64."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences


def _check(source, name, arrays, setting):
    """The backward's gradients against central differences of sum(out * dout), ``setting`` the last
    argument (not differentiated); returns the generated text."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name)
    forward_env, backward_env = {}, {}
    exec(compile(source, "<forward>", "exec"), forward_env)
    exec(compile(text, "<backward>", "exec"), backward_env)
    forward = forward_env[name]
    out, cache = forward(*[np.copy(a) for a in arrays], setting)
    dout = np.random.default_rng(5).normal(size=np.shape(out))
    got = backward_env[name.replace("_forward", "") + "_backward"](dout.copy(), cache)
    want = finite_differences(lambda *a: forward(*[np.copy(v) for v in a], setting)[0], list(arrays),
                              range(len(arrays)), [dout])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    return text


def _arrays(rng):
    return [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]


CACHED_IN_TRAINING = '''
import numpy as np

def layer_forward(x: 'N, D', w: 'D, M', b: 'M', cfg):
    out, cache = None, None
    mode = cfg.get('mode', 'train')
    if mode == 'train':
        h = np.tanh(x.dot(w)) + b
    else:
        h = x.dot(w) * 0.5 + b
    out = h * h
    if mode == 'train':
        cache = (x, w, b)
    return out, cache
'''


def test_an_if_of_the_test_the_cache_is_built_under_takes_the_cache_path():
    """The cache exists on the training path only: the first if takes that path too (mode unchanged)."""
    text = _check(CACHED_IN_TRAINING, "layer_forward", _arrays(np.random.default_rng(1)), {"mode": "train"})
    assert "mode" not in text.split("def layer_backward")[1]


def test_a_setting_rebound_between_the_ifs_is_still_needed():
    source = CACHED_IN_TRAINING.replace("    out = h * h\n", "    out = h * h\n    mode = 'train'\n")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs cfg \(read by"):
        backgen.generate(textwrap.dedent(source), name="layer_forward")


CACHE_AFTER = '''
import numpy as np

def layer_forward(x: 'N, D', w: 'D, M', b: 'M', mode):
    out, cache = None, None
    if mode == 'train':
        cache = (x, w, b)
    if mode == 'train':
        h = x.dot(w) ** 2
    else:
        h = x.dot(w) + b
    out = h + b
    return out, cache
'''


def test_an_if_after_the_one_building_the_cache_takes_the_cache_path():
    text = _check(CACHE_AFTER, "layer_forward", _arrays(np.random.default_rng(2)), "train")
    assert "mode" not in text.split("def layer_backward")[1]


SAME_BRANCHES = '''
import numpy as np

def layer_forward(x: 'N, D', w: 'D, M', b: 'M', mode):
    if mode == 'train':
        h = np.tanh(w.sum(axis=0))
    else:
        h = np.tanh(w.sum(axis=0))
    out = x.dot(w) + h * b
    cache = (x, w, b)
    return out, cache
'''


@pytest.mark.parametrize("mode", ["train", "test"])
def test_an_if_whose_branches_are_the_same_needs_no_setting(mode):
    text = _check(SAME_BRANCHES, "layer_forward", _arrays(np.random.default_rng(3)), mode)
    assert "mode" not in text.split("def layer_backward")[1]


def test_branches_that_differ_still_need_the_setting_in_the_cache():
    source = SAME_BRANCHES.replace("        h = np.tanh(w.sum(axis=0))\n    out", "        h = w.sum(axis=0)\n    out")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs mode \(read by `if mode == 'train':`\), "
                                                   r"which the cache built on line 10 does not hold") as info:
        backgen.generate(textwrap.dedent(source), name="layer_forward")
    assert info.value.lineno == 10


TWICE = '''
import numpy as np

def layer_forward(x: 'N, D', w: 'D, M', b: 'M', mode='train'):
    h = np.tanh(x.dot(w))
FIRST
    out = h * b
SECOND
    return out, cache
'''


@pytest.mark.parametrize("first, second", [
    ("    cache = (x, w)", "    cache = (x, w, b)"),
    ("    if mode == 'test':\n        cache = (w,)", "    cache = (x, w, b, h)"),
    ("    cache = (x, w, b)", "    if np.sum(x) > 0 or x.max() > 0:\n        cache = (x, w, b)\n    else:\n"
                              "        cache = (x, w, b)"),
])
def test_a_cache_built_again_on_every_path_of_the_first_is_the_one_returned(first, second):
    """The first cache is never returned (it refused: "'cache' is built twice"); an if whose branches build
    the same cache, its test calling NumPy's functions and reductions only, builds it on every path."""
    source = TWICE.replace("FIRST", first).replace("SECOND", second)
    _check(source, "layer_forward", _arrays(np.random.default_rng(4)), "train")


@pytest.mark.parametrize("first, second, said", [
    ("    cache = (x, w, b)", "    if mode == 'train':\n        cache = (x, w, b, h)", "'cache' is built twice"),
    ("    cache = None", "    if np.random.rand() > 2.0:\n        cache = (x, w, b)\n    else:\n"
                         "        cache = (x, w, b)", "builds a cache on each path"),
])
def test_a_cache_built_again_on_some_paths_only_is_still_refused(first, second, said):
    source = TWICE.replace("FIRST", first).replace("SECOND", second)
    with pytest.raises(backgen.BackgenError, match=said):
        backgen.generate(textwrap.dedent(source), name="layer_forward")


def test_a_cache_built_again_after_an_if_building_it_decides_no_other_if():
    """The first if builds the cache on the test path, but the cache returned is built after, on every
    path: the if on the same test is not decided by the first (the backward would serve the test path)."""
    source = TWICE.replace("FIRST", "    if mode == 'test':\n        cache = (w,)\n    if mode == 'test':\n"
                                    "        h = h * 2.0").replace("SECOND", "    cache = (x, w, b, h)")
    with pytest.raises(backgen.BackgenError, match=r"the backward needs mode \(read by `if mode == 'test':`\)"):
        backgen.generate(textwrap.dedent(source), name="layer_forward")
