"""Values built out of parts: comprehensions, lists joined, dicts and lists of parameters, tuples,
helpers and lambdas, in NumPy and in plain ``math`` code.

Each case is checked against central finite differences in float64 (``numeric``), through
``generate`` (``gradients``) or through the decorator (``decorated``), or asserted refused with a
``BackgenError`` and part of its message.
"""

import copy
import importlib.util
import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences

RNG = np.random.default_rng(11)


def _floats(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f"
    if isinstance(value, (list, tuple)):
        return any(_floats(v) for v in value)
    if isinstance(value, dict):
        return any(_floats(v) for v in value.values())
    return False


def _forward(source, name):
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    return lambda *values: func(*copy.deepcopy(list(values)))


def _check(got, source, args, douts, name):
    wrt = [k for k, a in enumerate(args) if _floats(a)]
    want = finite_differences(_forward(source, name), list(args), wrt, douts)
    got = got if len(wrt) > 1 else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, douts=(1.0,), name="f"):
    """The backward ``generate`` writes (no shapes) against central differences; it leaves its
    arguments alone, and generating twice gives the same text."""
    source = textwrap.dedent(source)
    text = backgen.generate(source, name=name)
    assert text == backgen.generate(source, name=name)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    copies = copy.deepcopy(args)
    got = generated[f"{name}_backward"](*copies, *douts)
    assert_close(copies, args)
    _check(got, source, args, douts, name)


def decorated(source, tmp_path, name="f"):
    """The function ``name`` of ``source``, decorated with ``backgen.backward`` in a module file."""
    source = textwrap.dedent(source).replace(f"def {name}(", f"@backgen.backward\ndef {name}(", 1)
    path = tmp_path / f"hunt_{abs(hash(source))}.py"
    path.write_text("import math\nimport numpy as np\nimport backgen\n\n" + source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def assert_right_decorated(source, args, tmp_path, dout=1.0, name="f"):
    """``f.backward`` of the decorated function against central differences."""
    func = decorated(source, tmp_path, name)
    copies = copy.deepcopy(args)
    got = func.backward(*copies, dout=dout)
    assert_close(copies, args)
    _check(got, textwrap.dedent(source), args, dout if isinstance(dout, tuple) else (dout,), name)


# --- a dict of arrays read only through .items(), .values() or .keys() ---------------------------

DICT = {"a": RNG.normal(size=3), "b": RNG.normal(size=3)}
X3 = RNG.normal(size=3)


@pytest.mark.parametrize("loop", [
    "for k, v in params.items():\n        total = total + np.sum(v ** 2) * np.sum(x)",
    "for v in params.values():\n        total = total + np.sum(v ** 2) * np.sum(x)",
    "for k in params.keys():\n        total = total + np.sum(params[k] ** 2) * np.sum(x)",
])
def test_dict_read_only_through_its_views(loop, tmp_path):
    # the decorator waits for the call to see that params is a dict of arrays
    source = f"def f(params, x):\n    total = 0.0\n    {loop}\n    return total\n"
    assert_right_decorated(source, [DICT, X3], tmp_path)


def test_dict_values_in_a_generator(tmp_path):
    assert_right_decorated('''
        def f(params, x):
            return sum(np.sum(v * x) for v in params.values())
    ''', [DICT, X3], tmp_path)
