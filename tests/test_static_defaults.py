"""Integer parameters read as static arguments of operations (``np.sum(x, axis=axis)``,
``np.diff(x, n)``): ``generate`` writes the code for their defaults and the backward checks it is
given those; the decorator writes the code for the integers each call gives.  Gradients are checked
against central finite differences in float64."""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_right, finite_differences

RNG = np.random.RandomState(5)

SOFTMAX_LOSS = """
    import numpy as np
    def f(x, axis=-1):
        z = x - np.max(x, axis=axis, keepdims=True)
        return -np.sum(z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True)) * np.arange(4.0))
"""


@pytest.mark.parametrize("annotated", [True, False])
def test_generate_writes_the_code_for_an_axis_default_and_checks_it(annotated):
    source = SOFTMAX_LOSS.replace("def f(x,", 'def f(x: "3, 4",') if annotated else SOFTMAX_LOSS
    x = RNG.randn(3, 4)
    module = assert_backward_right(source, [x, -1], RNG)
    assert "if axis != -1:" in module
    namespace = {}
    exec(module, namespace)
    with pytest.raises(ValueError, match="written for axis=-1, the default"):
        namespace["f_backward"](x, 0)


def test_defaults_of_several_calls_each_in_its_place():
    assert_backward_right("""
        import numpy as np
        def f(x: "5, 3", n=2, axis=0, k=1):
            d = np.diff(x, n, axis=axis)
            return np.sum(np.cumsum(np.rot90(d, k), axis=axis) ** 2)
    """, [RNG.randn(5, 3), 2, 0, 1], RNG)


def test_a_default_read_as_a_count_is_not_fixed():
    module = assert_backward_right("""
        import numpy as np
        def f(x: "3", steps=4):
            for _ in range(steps):
                x = np.tanh(x) * 1.1
            return np.sum(x)
    """, [RNG.randn(3), 4], RNG)
    assert "steps != 4" not in module


def test_a_default_the_code_needs_no_value_of_is_not_fixed():
    module = backgen.generate(textwrap.dedent("""
        import numpy as np
        def f(x: "3, 4", axis=1):
            return np.sum(x * 2.0)
    """))
    assert "axis != 1" not in module


def test_a_refusal_at_the_default_says_the_code_was_written_for_it():
    with pytest.raises(backgen.BackgenError, match="the code written for axis=5, the default"):
        backgen.generate(textwrap.dedent("""
            import numpy as np
            def f(x: "3, 4", axis=5):
                return np.sum(np.cumsum(x, axis=axis) ** 2)
        """))


def _decorated(tmp_path, source):
    path = tmp_path / "forward_module.py"
    path.write_text("import backgen\n" + textwrap.dedent(source).replace("def f", "@backgen.backward\ndef f"))
    spec = importlib.util.spec_from_file_location("forward_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


@pytest.mark.parametrize("source, x, values", [
    ("""
     import numpy as np
     def f(x, axis=0):
         m = x.mean(axis=axis, keepdims=True)
         return np.sum(np.cumsum((x - m) ** 2, axis=axis) * np.arange(12.0).reshape(3, 4))
     """, (3, 4), [0, 1, -1, -2]),
    ("""
     import numpy as np
     def f(x, n=1):
         return np.sum(np.diff(x, n) ** 2)
     """, (7,), [1, 2, 3]),
    ("""
     import numpy as np
     def f(x, k=1):
         return np.sum(np.rot90(x, k) * np.arange(9.0).reshape(3, 3))
     """, (3, 3), [0, 1, 2, 3]),
])
def test_the_decorator_writes_the_code_for_the_integers_each_call_gives(tmp_path, source, x, values):
    f = _decorated(tmp_path, source)
    x = RNG.randn(*x)
    for value in values:
        got = f.backward(x, value)
        got = got[0] if isinstance(got, tuple) else got
        want, = finite_differences(lambda v: f(v.copy(), value), [x], [0], [1.0])
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_an_axis_passed_on_to_a_helper_is_written_for_its_default():
    module = assert_backward_right("""
        import numpy as np
        def softmax(z, axis):
            e = np.exp(z - np.max(z, axis=axis, keepdims=True))
            return e / np.sum(e, axis=axis, keepdims=True)
        def f(x, w, axis=-1):
            return np.sum(softmax(x * w, axis) * np.arange(12.0).reshape(3, 4))
    """, [RNG.randn(3, 4), RNG.randn(4), -1], RNG)
    assert "if axis != -1:" in module and "softmax_backward(" in module


@pytest.mark.parametrize("source, values", [
    ("""
     import numpy as np
     def f(x, w, axis=0, keepdims=False):
         m = np.max(x * w, axis=axis, keepdims=keepdims)
         return np.sum(m ** 2)
     """, [(0, False), (1, True), (-1, False), (0, True)]),
    ("""
     import numpy as np
     def f(x, w, order="fro"):
         return np.linalg.norm(x * w, ord=order) ** 2
     """, [("fro",), ("nuc",), (1,), (2,)]),
])
def test_the_decorator_writes_the_code_for_the_flags_and_strings_each_call_gives(tmp_path, source, values):
    f = _decorated(tmp_path, source)
    x, w = RNG.randn(3, 4), RNG.randn(4)
    for value in values:
        got = f.backward(x, w, *value)
        want = finite_differences(lambda a, b: f(a.copy(), b.copy(), *value), [x, w], [0, 1], [1.0])
        for g, v in zip(got, want):
            np.testing.assert_allclose(g, v, rtol=1e-6, atol=1e-7)
