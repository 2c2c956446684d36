"""A helper returning a list (or tuple) of arrays of several shapes beside a number (``return [a[:, :1], a[:, 1:]], s``),
its caller reading the list's items by index, in a loop, or calling it in a loop: the list's gradient is a
list, made and added item by item, with shapes given, without them, and through the decorator.  Before,
the backward called ``np.zeros_like`` of the list and raised ``ValueError`` (inhomogeneous shape), and
``return (a, b), s`` was refused ("tuples are only supported as arguments of calls")."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in, scratch_folder

HELPERS = {
    "two": '''
def split(a):
    s = np.sum(a)
    return [a[:, :1], a[:, 1:]], s
''',
    "tuple": '''
def split(a):
    s = np.sum(a)
    return (a[:, :1], a[:, 1:] * 2.0), s
''',
    "three": '''
def split(a):
    s = np.sum(a * a)
    return [a[:, :1], a[0], a[:, 1:] * 2.0], s
''',
}

CALLERS = {
    "indexed": '''
def f(x{shape}):
    parts, s = split(x * 2.0)
    left = parts[0]
    right = parts[-1]
    return np.sum(left * 3.0) + np.sum(right ** 2) + s * s
''',
    "unpacked": '''
def f(x{shape}):
    (left, *_), s = split(x * 2.0)
    return np.sum(np.tanh(left)) * s
''',
    "called_in_a_loop": '''
def f(x{shape}):
    total = 0.0
    for k in range(2):
        parts, s = split(x * (k + 1.0))
        total = total + np.sum(parts[0] ** 2) * s
    return total
''',
}


def _source(helper, caller, shape):
    return "import numpy as np\n" + HELPERS[helper] + CALLERS[caller].format(shape=shape)


@pytest.mark.parametrize("shape", ["", ': "3, 4"'], ids=["shape_generic", "shapes_given"])
@pytest.mark.parametrize("caller", ["indexed", "called_in_a_loop"])
@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_generated_gradient_of_a_list_of_several_shapes(helper, caller, shape):
    x = np.random.default_rng(3).uniform(0.5, 1.5, (3, 4))
    assert_generated_right(_source(helper, caller, shape), [x])


@pytest.mark.parametrize("caller", ["indexed", "called_in_a_loop"])
@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_decorated_gradient_of_a_list_of_several_shapes(helper, caller):
    module = module_in(scratch_folder("listed_items"), _source(helper, caller, ""), f"listed_{helper}_{caller}")
    x = np.random.default_rng(4).uniform(0.5, 1.5, (3, 4))
    got = backgen.backward(module.f).backward(x.copy())
    (want,) = finite_differences(module.f, [x], [0], (1.0,))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_a_starred_target_inside_a_nested_one_is_refused_at_its_line():
    with pytest.raises(backgen.BackgenError, match=r"<string>:\d+:5: only assignments"):
        backgen.generate(_source("two", "unpacked", ': "3, 4"'), name="f")
