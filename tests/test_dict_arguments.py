"""A dict of string keys handed to one of the user's functions that reads it by those keys: the helper
written for the keys it reads (``saxpy_d(a, x, y)``), each accepted gradient checked against central
finite differences; a helper reading it otherwise is refused as before."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in

HELPER = '''
import numpy as np

def saxpy(d):
    return d["a"] * d["x"] + d["y"]
'''


@pytest.mark.parametrize("body", [
    'return np.sum(saxpy({"a": a, "x": x, "y": y}) ** 2)',
    'return np.sum(saxpy(dict(a=a, x=x, y=y)) ** 2)',
    'd = {"a": a, "x": x, "y": y}\n    return np.sum(saxpy(d) ** 2) + np.sum(d["x"])',
    'd = dict(y=y, x=x, a=a, unused=x)\n    s = saxpy(d)\n    return np.sum(s * saxpy(d))',
    'return np.sum(np.tanh(saxpy({"a": a * 2.0, "x": np.sin(x), "y": y, "z": y})))',
], ids=["display", "dict call", "named", "named twice, an entry unread", "computed entries"])
def test_a_dict_handed_to_a_helper_reading_it_by_keys(body):
    rng = np.random.default_rng(1)
    source = HELPER + f"\ndef f(a, x, y):\n    {body}\n"
    assert_generated_right(source, [0.7, rng.normal(size=4), rng.normal(size=4)])
    assert "def saxpy_d_backward(" in backgen.generate(source, name="f")


def test_the_decorator(tmp_path):
    source = HELPER + '\ndef f(a, x, y):\n    return np.sum(saxpy({"a": a, "x": x, "y": y}) ** 2)\n'
    f = module_in(tmp_path, source, "dict_arguments_saxpy").f
    rng = np.random.default_rng(2)
    args = [0.7, rng.normal(size=4), rng.normal(size=4)]
    got = backgen.backward(f).backward(*args)
    want = finite_differences(f, args, range(3), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("helper, body", [
    # the helper reads the dict whole
    ("def saxpy(d):\n    return sum(d.values())", 'return np.sum(saxpy({"a": a, "x": x}))'),
    # by a key it computes
    ("def saxpy(d, k):\n    return d[k] * 2.0", 'return np.sum(saxpy({"a": a, "x": x}, "x"))'),
    # a key the dict does not hold
    ("def saxpy(d):\n    return d['b'] * 2.0", 'return np.sum(saxpy({"a": a, "x": x}))'),
    # an entry left unread whose value is computed (it would not be)
    ("def saxpy(d):\n    return d['a'] * 2.0", 'return np.sum(saxpy({"a": a, "x": np.log(x)}))'),
], ids=["whole", "computed key", "missing key", "unread computed entry"])
def test_dicts_read_otherwise_are_refused(helper, body):
    source = f"import numpy as np\n\n{helper}\n\ndef f(a, x):\n    {body}\n"
    with pytest.raises(backgen.BackgenError, match="[Dd]ict"):
        backgen.generate(source, name="f")
