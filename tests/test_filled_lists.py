"""A list made to its length first (``hs = [None] * T``), then filled slot by slot by a loop over
``range(T)`` (``hs[t] = h``): read as the list the loop appends to, with named sizes, without shapes
and under the decorator; loops that may skip a slot or read another are left as they were (refused, or
followed as written).  Every gradient is checked against central finite differences."""

import ast

import numpy as np
import pytest

import backgen
from backgen import filled_lists
from numeric import assert_generated_right, finite_differences, module_in

RNN = '''
import numpy as np

def f(x, Wxh, Whh, h0):{doc}
    T = x.shape[0]
    hs = {made}
    h = h0
    for t in range(T):
        h = np.tanh(x[t] @ Wxh + h @ Whh)
        hs[t] = h{after}
    H = np.stack(hs)
    return np.sum(H ** 2)
'''

DOC = '''
    """
    - x: (T, D)
    - Wxh: (D, H)
    - Whh: (H, H)
    - h0: (H,)
    """'''


def _args(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(4, 3)), rng.normal(size=(3, 5)) * .5, rng.normal(size=(5, 5)) * .4,
            rng.normal(size=5)]


@pytest.mark.parametrize("doc", [DOC, ""], ids=["named sizes", "no shapes"])
@pytest.mark.parametrize("made", ["[None] * T", "[0.0] * T", "T * [None]", "[None for _ in range(T)]"])
def test_a_list_filled_slot_by_slot(doc, made):
    # refused: with named sizes the walk of the loop that does not run read the None items
    # (np.stack of them); without shapes, no sample ran
    assert_generated_right(RNN.format(doc=doc, made=made, after=""), _args())


def test_the_slot_read_after_its_write():
    source = RNN.format(doc=DOC, made="[None] * T", after="\n        h = hs[t] * 0.5")
    assert_generated_right(source, _args(2))


def test_the_decorator(tmp_path):
    f = module_in(tmp_path, RNN.format(doc="", made="[None] * T", after=""), "filled_lists_rnn").f
    args = _args(3)
    got = backgen.backward(f).backward(*[a.copy() for a in args])
    want = finite_differences(f, args, range(4), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_the_rewrite_reads_as_an_append():
    text = backgen.generate(RNN.format(doc=DOC, made="[None] * T", after=""), name="f")
    assert "hs = []" in text and "[None]" not in text


@pytest.mark.parametrize("loop", [
    # a slot skipped on some path: the list is not the one appended to
    "for t in range(T):\n        if x[t, 0] > 0:\n            continue\n        hs[t] = x[t] * 2.0",
    # a slot written under an if
    "for t in range(T):\n        if t > 0:\n            hs[t] = x[t] * 2.0\n        else:\n            hs[t] = x[t] * 3.0",
    # a loop over another length
    "for t in range(T - 1):\n        hs[t] = x[t] * 2.0\n    hs[T - 1] = x[0]",
    # another slot read in the loop
    "for t in range(T):\n        hs[t] = x[t] * 2.0 if t == 0 else hs[t - 1] + x[t]",
])
def test_loops_that_fill_otherwise_are_left_as_written(loop):
    source = f'''
import numpy as np

def f(x):
    """
    - x: (T, D)
    """
    T = x.shape[0]
    hs = [None] * T
    {loop}
    return np.sum(np.stack(hs) ** 2)
'''
    func = ast.parse(source).body[1]
    assert not filled_lists.rewrite(func)
    x = np.random.default_rng(4).normal(size=(4, 3))
    x[:, 0] = -np.abs(x[:, 0]) - 0.1  # (no slot skipped where the code runs)
    try:
        assert_generated_right(source, [x])
    except backgen.BackgenError:
        pass  # refused is right; an accepted one is checked


@pytest.mark.parametrize("body", [
    "xs = [None] * 3\n    xs[0] = x[0]\n    return xs[0] * 2.0",
    "xs = [None] * 3\n    xs[0] = x[0]\n    xs[1] = x[1] * xs[0]\n    return xs[0] * xs[1]",
    "xs = [None] * 3\n    ps = xs\n    xs[0] = x[0]\n    ps[0] = x[1] * 2.0\n    return xs[0] * ps[0]",
    "xs = [None] * 3\n    ps = [None] * 3\n    xs[0] = x[0]\n    ps[0] = x[1] * 2.0\n    return xs[0] * ps[0]",
    "xs = [None] * 3\n    for t in range(2):\n        xs[t] = x[t] * 2.0\n    return xs[0] * xs[1] + x[2]",
], ids=["one slot", "two slots", "an alias", "two lists", "a loop short of the length"])
def test_a_list_of_none_some_slots_never_filled(body):
    # the list's gradient started as 0.0 * each item, which raised TypeError on the None left; two lists
    # made alike ([None] * 3 twice) were taken for one ("xs shares its array with ps")
    assert_generated_right(f"import numpy as np\n\ndef f(x):\n    {body}\n", [np.array([0.3, -0.7, 1.1])])
