"""Helpers that return nothing and only write into the arrays they are given (``def relu_(a): a[a < 0]
= 0.0``), called as a statement of their own: written into the caller, where the write is followed as
NumPy makes it.  Each backward, written for the shapes given, without shapes where the code allows, and
by the decorator, is checked against central differences in float64; a call whose value is read, or one
inside another helper, is refused with a clear error."""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, generated_gradients, same_again

HELPERS = {
    "an index write by a mask": ("""
        def relu_(a):
            a[a < 0] = 0.0

        def f(x, w):
            h = x @ w
            relu_(h)
            return np.sum(h ** 2)
        """, {"x": (3, 4), "w": (4, 2)}, True),
    "a row written, a docstring": ("""
        def zero_first(a):
            \"\"\"Zero the first row of a, in place.\"\"\"
            a[0] = 0.0

        def f(x, w):
            h = np.tanh(x @ w)
            zero_first(h)
            return np.sum(h * h)
        """, {"x": (3, 4), "w": (4, 2)}, True),
    "op= on the parameter": ("""
        def scale_rows(a, s):
            a *= s

        def f(x, w):
            y = x * 1.0
            scale_rows(y, w)
            return np.sum(y * y) + np.sum(x * y)
        """, {"x": (3, 4), "w": (4,)}, False),
    "a step in a loop": ("""
        def step(h, W):
            h += np.tanh(h @ W)

        def f(x, W):
            h = x.copy()
            for i in range(3):
                step(h, W)
            return np.sum(h ** 2)
        """, {"x": (3, 4), "W": (4, 4)}, False),
    "out= into the parameter": ("""
        def clip_(a, c):
            np.clip(a, -c, c, out=a)

        def f(x, w):
            g = x * w
            clip_(g, 1.0)
            return np.sum(g * x)
        """, {"x": (5,), "w": (5,)}, True),
    "a function of its own": ("""
        def g(a):
            def twice(t):
                return 2.0 * t
            a[0] = twice(a[0])

        def f(x):
            y = x * 1.0
            g(y)
            return np.sum(y ** 3)
        """, {"x": (3, 4)}, "not by the decorator"),
    "a helper only checking": ("""
        def check(x):
            assert x.ndim == 2, "x must be a matrix"

        def f(x):
            check(x)
            return np.sum(x ** 3)
        """, {"x": (3, 4)}, True),
}


def _args(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.2, 0.9, size) * rng.choice([-1.0, 1.0], size) for size in shapes.values()]


def _forward(source, name="f"):
    namespace = {}
    exec(textwrap.dedent("import numpy as np\n\n" + textwrap.dedent(source)), namespace)
    return namespace[name]


def _want(func, args):
    fresh = lambda *values: func(*[v.copy() for v in values])  # noqa: E731
    return finite_differences(fresh, list(args), range(len(args)), [1.0])


@pytest.mark.parametrize("case", sorted(HELPERS))
def test_the_backward_for_the_shapes_given_is_right(case):
    source, shapes, _ = HELPERS[case]
    source = "import numpy as np\n\n" + textwrap.dedent(source)
    specs = {name: ", ".join(map(str, size)) for name, size in shapes.items()}
    text = backgen.generate(source, name="f", shapes=specs)
    same_again(text, lambda: backgen.generate(source, name="f", shapes=specs))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    args = _args(shapes, 1)
    given = [a.copy() for a in args]
    got = generated["f_backward"](*given)
    for before, after in zip(args, given):
        np.testing.assert_array_equal(before, after)
    got = got if len(args) > 1 else (got,)
    for g, w in zip(got, _want(_forward(source), args)):
        assert_close(g, w)


@pytest.mark.parametrize("case", sorted(c for c in HELPERS if HELPERS[c][2]))
def test_the_backward_for_any_shape_is_right(case):
    source, shapes, _ = HELPERS[case]
    got, want = generated_gradients("import numpy as np\n\n" + textwrap.dedent(source), _args(shapes, 2))
    for g, w in zip(got, want):
        assert_close(g, w)


@pytest.mark.parametrize("case", sorted(c for c in HELPERS if HELPERS[c][2] != "not by the decorator"))
def test_the_decorator_s_backward_is_right(case, tmp_path):
    source, shapes, _ = HELPERS[case]
    path = tmp_path / "written.py"
    path.write_text("import numpy as np\n\n\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("written", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    decorated = backgen.backward(module.f)
    args = _args(shapes, 3)
    got = decorated.backward(*[a.copy() for a in args])
    got = got if len(args) > 1 else (got,)
    for g, w in zip(got, _want(module.f, args)):
        assert_close(g, w)


def test_a_live_helper_defining_a_function_is_refused_at_its_call(tmp_path):
    source, _, _ = HELPERS["a function of its own"]  # (its def is not lifted out of a live function)
    path = tmp_path / "nested.py"
    path.write_text("import numpy as np\n\n\n" + textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location("nested", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(backgen.BackgenError, match=r"nested.py:12:5: g\(\) returns nothing"):
        backgen.backward(module.f)


def test_an_op_on_an_argument_without_shapes_is_refused_naming_the_helper():
    source, shapes, _ = HELPERS["op= on the parameter"]
    with pytest.raises(backgen.BackgenError, match=r"a_scale_rows is the a of scale_rows\(\)"):
        backgen.generate("import numpy as np\n\n" + textwrap.dedent(source), name="f")


REFUSED = {  # (op= in a helper's own code, staged once for every caller: it may rebind a number)
    "called by another helper": """
        def g(a):
            a *= 2.0

        def h(a):
            b = a * 1.0
            g(b)
            return b

        def f(x):
            return np.sum(h(x) ** 3)
        """,
    "its value read": """
        def g(a):
            a *= 2.0

        def f(x):
            y = x * 1.0
            z = [g(y)]
            return np.sum(y ** 3)
        """,
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_call_that_cannot_be_written_out_is_refused_at_the_user_s_line(case):
    source = "import numpy as np\n\n" + textwrap.dedent(REFUSED[case])
    with pytest.raises(backgen.BackgenError, match=r"<string>:\d+:\d+: ('g_out' is None|'b' may have been changed by the write into 'a_g'.*a_g is the a of g\(\))"):
        backgen.generate(source, name="f", shapes={"x": "3, 4"})


def test_the_function_differentiated_still_needs_a_return():
    with pytest.raises(backgen.BackgenError, match="must end with a return statement"):
        backgen.generate("import numpy as np\n\ndef f(x):\n    x *= 2.0\n", name="f")



def test_a_call_in_a_conditional_expression_is_refused_at_its_call():
    source = textwrap.dedent("""
        import numpy as np

        def g(a):
            a[0] = 2.0 * a[0]

        def f(x, c):
            y = x * 1.0
            k = g(y) if c > 0 else 1.0
            return np.sum(y ** 3)
        """)
    with pytest.raises(backgen.BackgenError, match=r"<string>:9:9: g\(\) returns nothing: backgen follows"):
        backgen.generate(source, name="f", shapes={"x": "3, 4", "c": "float"})
