"""``functools.partial`` of a NumPy function or of one of the module's, bound to a name and only called:
at the module's top level (``clip = partial(np.clip, a_min=-0.5, a_max=0.5)``, ``act = partial(leaky,
alpha=0.1)``) or in the function (``soft = partial(np.clip, ...)``), each call is the call the partial makes
(``np.clip(z, a_min=-0.5, a_max=0.5)``; a keyword of the call in place of the partial's).  Through
``generate`` the module's text says what the partial holds, through the decorator the module's value.
A name the module binds twice, or a partial of a lambda, stays refused.  Gradients are checked against
central differences, by ``generate`` with shapes and without and by the decorator."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, backward_by, imported, normal_arrays

CASES = {
    "module-numpy": '''
import numpy as np
from functools import partial

clip = partial(np.clip, a_min=-0.5, a_max=0.5)


def f(x, W):
    return np.sum(clip(x @ W) ** 2)
''',
    "module-def": '''
import numpy as np
import functools


def leaky(z, alpha=0.01):
    return np.maximum(z, alpha * z)


act = functools.partial(leaky, alpha=0.1)


def f(x, W):
    h = act(x @ W)
    return np.sum(act(h @ W.T) * x)
''',
    "module-positional": '''
import numpy as np
from functools import partial

LOW = 0.05
relu = partial(np.maximum, LOW)


def f(x, W):
    return np.sum(relu(x @ W) ** 2)
''',
    "local-numpy": '''
import numpy as np
from functools import partial


def f(x, W, bound=0.5):
    soft = partial(np.clip, a_min=-bound, a_max=bound)
    return np.sum(soft(x @ W) * soft(x @ W, a_max=0.2))
''',
    "call-keyword": '''
import numpy as np
from functools import partial

clip = partial(np.clip, a_min=-0.5, a_max=0.5)


def f(x, W):
    return np.sum(clip(x @ W, a_max=0.25) ** 2)
''',
}

SHAPES = {"x": "4, 3", "W": "3, 2"}


def _args(seed):
    return normal_arrays(seed, (4, 3), (3, 2))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("way", ["shapes", "shape-generic", "decorator"])
def test_a_partial_called_is_the_call_it_makes(case, way):
    forward, backward = backward_by(CASES[case], f"partial_{case.replace('-', '_')}", way, SHAPES, wrt=("x", "W"))
    assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, _args(len(case)), [0.8])
    if way == "shapes":
        text = backgen.generate(CASES[case], name="f", shapes=SHAPES, wrt=("x", "W"))
        assert "partial" not in text.split("def f_backward")[1]


def test_the_call_is_written_as_the_partial_makes_it():
    text = backgen.generate(CASES["call-keyword"], name="f", shapes=SHAPES)
    assert "np.clip(xdot, a_min=-0.5, a_max=0.25)" in text


@pytest.mark.parametrize("source", [
    '''
import numpy as np
from functools import partial

clip = partial(np.clip, a_min=-0.5, a_max=0.5)
clip = partial(np.clip, a_min=-0.1, a_max=0.1)


def f(x, W):
    return np.sum(clip(x @ W) ** 2)
''', '''
import numpy as np
from functools import partial

clip = partial(lambda z, lo: np.maximum(z, lo), lo=0.1)


def f(x, W):
    return np.sum(clip(x @ W) ** 2)
'''], ids=["bound-twice", "lambda"])
def test_other_partials_stay_refused(source):
    with pytest.raises(backgen.BackgenError, match="unknown function 'clip'"):
        backgen.generate(textwrap.dedent(source), name="f", shapes=SHAPES)
    forward = imported(source, "partial_refused")["f"]
    with pytest.raises(backgen.BackgenError, match="unknown function 'clip'"):
        backgen.backward(forward).backward(*_args(0), dout=1.0)


def test_the_decorator_follows_the_partial_the_module_holds_at_each_call():
    module = imported(CASES["module-numpy"], "partial_rebound")
    decorated = backgen.backward(module["f"])
    args = _args(5)
    for bounds in ((-0.5, 0.5), (-0.1, 0.2), (-0.5, 0.5)):  # (the module's partial bound again between calls)
        module["clip"] = __import__("functools").partial(np.clip, a_min=bounds[0], a_max=bounds[1])
        assert_backward_at(lambda x, W, d: decorated.backward(x, W, dout=d), module["f"], args, [0.6])


WRITTEN_AFTER = {
    # the partial computes V * 2.0 as it is made, before the write: each call reads that value (written again
    # at each call, the calls read the array the write changed: a wrong gradient before)
    "computed": '''
import numpy as np
from functools import partial


def g(h, a):
    return np.tanh(h @ a)


def f(x, W):
    V = W * 1.0
    k = partial(g, a=V * 2.0)
    V[0] = 5.0
    return np.sum(k(x))
''',
    # the partial holds V itself: it sees the write, as the calls reading V do
    "held": '''
import numpy as np
from functools import partial


def g(h, a):
    return np.tanh(h @ a)


def f(x, W):
    V = W * 1.0
    k = partial(g, a=V)
    V[0] = 5.0
    return np.sum(k(x))
''',
    # names bound again after the partial (V) or added to in place (c, a number: bound anew): the partial
    # holds what they held (a_k = V, c_k = c), refused before
    "rebound": '''
import numpy as np
from functools import partial


def g(h, a, c=1.0):
    return np.tanh(h @ a) * c


def f(x, W):
    V = W * 1.0
    c = np.sum(W) * 0.1
    k = partial(g, a=V, c=c)
    V = V * 3.0
    c += 2.0
    return np.sum(k(x) * c) + np.sum(V)
''',
    "in-a-loop": '''
import numpy as np
from functools import partial


def layer(h, W, alpha):
    z = h @ W
    return np.maximum(z, alpha * z)


def f(x, W):
    step = partial(layer, W=W @ W.T, alpha=0.1)
    h = x
    for _ in range(3):
        h = step(h)
    return np.sum(h)
''',
}


@pytest.mark.parametrize("case", sorted(WRITTEN_AFTER))
@pytest.mark.parametrize("way", ["shapes", "decorator"])
def test_a_partial_computes_its_values_where_it_is_made(case, way):
    forward, backward = backward_by(WRITTEN_AFTER[case], f"partial_written_{case.replace('-', '_')}", way, SHAPES)
    assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, _args(3), [0.5])
