"""``getattr(np, "tanh")`` and ``getattr(np, ACT)`` of a setting the module binds once (``ACT = "tanh"``):
the function of NumPy (or math) it names, called or bound to a name first.  A name given to the function,
or a setting the module binds twice, stays refused.  Gradients are checked against central differences,
by ``generate`` with shapes and without and by the decorator, which reads the setting as it is at each
call."""

import pytest

import backgen
from numeric import assert_backward_at, backward_by, imported, normal_arrays

CASES = {
    "literal": '''
import numpy as np


def f(x, W):
    return np.sum(getattr(np, "tanh")(x @ W) ** 2)
''',
    "setting": '''
import numpy as np

ACT = "tanh"


def f(x, W):
    return np.sum(getattr(np, ACT)(x @ W) * x[:, :2])
''',
    "bound": '''
import numpy as np

ACT = "sin"


def f(x, W):
    act = getattr(np, ACT, None)
    h = act(x @ W)
    return np.sum(act(h @ W.T))
''',
}

SHAPES = {"x": "4, 3", "W": "3, 2"}


def _args(seed):
    return normal_arrays(seed, (4, 3), (3, 2))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("way", ["shapes", "shape-generic", "decorator"])
def test_getattr_of_numpy_is_the_function_it_names(case, way):
    forward, backward = backward_by(CASES[case], f"getattr_{case}", way, SHAPES)
    assert_backward_at(lambda x, W, d: backward(x, W, dout=d), forward, _args(len(case)), [0.4])
    if way == "shapes":
        assert "getattr" not in backgen.generate(CASES[case], name="f", shapes=SHAPES)


def test_math_functions_in_scalar_code():
    source = '''
import math

KIND = "exp"


def f(a, b):
    g = getattr(math, KIND)
    return g(a * b) + getattr(math, "log")(b)
'''
    text = backgen.generate(source, name="f")
    assert "math.exp(" in text and "math.log(b)" in text
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    forward = imported(source, "getattr_math")["f"]
    assert_backward_at(lambda a, b, d: namespace["f_backward"](a, b, dout=d), forward, [0.3, 1.7], [1.0])


def test_the_decorator_reads_the_setting_at_each_call():
    module = imported(CASES["setting"], "getattr_changed")
    decorated = backgen.backward(module["f"])
    for kind in ("tanh", "sin", "arctan", "tanh"):
        module["ACT"] = kind
        assert_backward_at(lambda x, W, d: decorated.backward(x, W, dout=d), module["f"], _args(7), [0.4])


@pytest.mark.parametrize("source", [
    '''
import numpy as np


def f(x, W, act="tanh"):
    return np.sum(getattr(np, act)(x @ W))
''', '''
import numpy as np

ACT = "tanh"
ACT = "sin"


def f(x, W):
    return np.sum(getattr(np, ACT)(x @ W))
'''], ids=["parameter", "bound-twice"])
def test_other_names_stay_refused(source):
    with pytest.raises(backgen.BackgenError, match="only calls of named functions"):
        backgen.generate(source, name="f", shapes=SHAPES)
