"""``sorted(xs)`` of numbers (a list of them, a vector), ``reverse=True`` too, read as the list
``np.sort`` gives, each number's gradient going back where it came from; a ``key=`` is ``key_calls``'.
Gradients against central differences, by ``generate`` (with and without shapes) and the decorator."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in, scratch_folder

PROGRAMS = {
    "a_list_written_out": ('''
import numpy as np
def f(a{number}, b{number}, c{number}):
    s = sorted([a, b * 2.0, c])
    return s[0] * 3.0 + s[1] - s[2] ** 2
''', lambda: [0.3, -0.4, 0.9]),
    "a_vector_largest_first": ('''
import numpy as np
def f(x{vector}):
    s = sorted(x, reverse=True)
    return sum(s[:2]) + s[2] * 0.5 - s[-1] ** 2
''', lambda: [np.array([0.3, -0.2, 0.5, 1.1, 0.05])]),
    "a_median_by_hand": ('''
import numpy as np
def f(x{vector}):
    s = sorted(np.tanh(x))
    n = len(s)
    return s[n // 2] * 2.0 + np.sum(x ** 2)
''', lambda: [np.array([0.3, -0.2, 0.5, 1.1, 0.05])]),
}


@pytest.mark.parametrize("shapes", [False, True], ids=["shape_generic", "shapes_given"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_sorted_generated(name, shapes):
    text, args = PROGRAMS[name]
    annotations = {"number": ": float", "vector": ': "5"'} if shapes else {"number": "", "vector": ""}
    assert_generated_right(text.format(**annotations), args())


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_sorted_decorated(name):
    text, args = PROGRAMS[name]
    module = module_in(scratch_folder("sorted_calls"), text.format(number="", vector=""), f"sorted_{name}")
    values = args()
    got = backgen.backward(module.f).backward(*values)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(module.f, values, list(range(len(values))), (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_sorted_by_a_key_is_the_order_of_its_keys():
    # (key_calls: the items in the stable order np.argsort gives the keys)
    source = "import numpy as np\ndef f(x):\n    s = sorted(x, key=lambda v: -v)\n    return s[0] * 2.0 + s[-1]\n"
    assert_generated_right(source, (np.array([0.3, -0.7, 1.1, 0.2]),))
