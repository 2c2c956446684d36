"""``np.vectorize`` of a ``math`` function (``np.vectorize(math.erf)(x)``, or a name the module binds
to one, ``_erf_vec = np.vectorize(math.erf, otypes=[float])``), read as NumPy's function computing the
same numbers element by element: checked against central differences under ``generate`` (shapes given
or not) and the decorator; other uses of ``np.vectorize`` are refused at the call."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, imported
from backgen.vectorized import AS_NUMPY, HELPERS


def _inputs(name, count):
    low, high = (1.1, 1.9) if name == "acosh" else (0.1, 0.9)  # (each function's domain)
    rng = np.random.default_rng(len(name))
    return [rng.uniform(low, high, (2, 3)) for _ in range(count)]


@pytest.mark.parametrize("name, shapes", [(name, True) for name in sorted({**AS_NUMPY, **HELPERS})] +
                         [(name, False) for name in ("erf", "lgamma", "atan2", "exp")])
def test_each_math_function_vectorized(name, shapes):
    count = AS_NUMPY.get(name, (None, 1))[1]
    params = ["x", "y"][:count]
    annotated = ", ".join(f'{p}: "2, 3"' if shapes else p for p in params)
    source = f"""
    import math
    import numpy as np

    def f({annotated}):
        return np.sum(np.vectorize(math.{name}, otypes=[float])({", ".join(params)}) * np.cos(x))
    """
    assert_generated_right(source, _inputs(name, count))


MODULE = '''
import math

import numpy as np

_erf_vec = np.vectorize(math.erf, otypes=[float])
cos_vec = np.vectorize(math.cos)


def gelu(x):
    """GELU, exactly, without SciPy."""
    return 0.5 * x * (1.0 + _erf_vec(x / math.sqrt(2.0)))


def norm_cdf_loss(x, mu, sigma):
    z = (x - mu) / sigma
    cdf = 0.5 * (1.0 + np.vectorize(math.erf)(z / np.sqrt(2.0)))
    return np.sum(cdf * cos_vec(z))
'''


def _gelu_gradient(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))) + x * math.exp(-x * x / 2.0) / math.sqrt(2.0 * math.pi)


def test_a_name_the_module_binds_under_generate():
    text = backgen.generate(MODULE, name="gelu", shapes={"x": (4,)})
    assert "_erf(" in text and "vectorize" not in text.split("def gelu_backward")[1]
    x = np.array([0.3, -1.2, 0.7, 2.0])
    assert_generated_right(textwrap.dedent(MODULE.replace("def gelu(x):", 'def gelu(x: "4"):')), [x],
                           (np.full(4, 0.7),), name="gelu")
    args = [np.array([0.3, -1.2, 0.7]), 0.2, 1.3]
    assert_generated_right(MODULE, args, name="norm_cdf_loss")


def test_the_decorator_reads_the_module_s_vectorized_functions():
    space = imported(MODULE, "vectorized")
    gelu = backgen.backward(space["gelu"])
    x = np.array([0.3, -1.2, 0.7, 2.0])
    np.testing.assert_allclose(gelu.backward(x, dout=np.ones(4)), [_gelu_gradient(t) for t in x], rtol=1e-10)
    assert math.isclose(gelu.backward(0.5, dout=1.0), _gelu_gradient(0.5), rel_tol=1e-10)
    loss = backgen.backward(space["norm_cdf_loss"])
    args = [np.array([0.3, -1.2, 0.7]), 0.2, 1.3]
    got = loss.backward(*args)
    want = finite_differences(space["norm_cdf_loss"], args, [0, 1, 2], (1.0,))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("call, said", [
    ("np.vectorize(math.log)(x, 10.0)", "math.log takes 1 argument.s. where backgen reads it vectorized, given 2"),
    ("v(x, 10.0)", "math.log takes 1 argument.s. where backgen reads it vectorized, given 2"),
    ("np.vectorize(g)(x, x)", "np.vectorize is read of math's functions"),
    ("np.vectorize(math.erf, excluded={1})(x)", "np.vectorize is read of math's functions"),
    ("np.vectorize(math.erf, otypes=[int])(x)", "np.vectorize is read of math's functions"),
])
def test_other_vectorized_calls_are_refused_at_the_call(call, said):
    source = ("import math\nimport numpy as np\n\nv = np.vectorize(math.log)\n\n\ndef g(t):\n    return t * 2.0\n\n\n"
              f"def f(x):\n    return np.sum({call})\n")
    with pytest.raises(backgen.BackgenError, match=said) as info:
        backgen.generate(source, name="f", shapes={"x": (3,)})
    assert info.value.lineno == 12


PIECEWISE = '''
import math

import numpy as np


def g(t, k=1.0):
    """A piecewise function of a number."""
    if t > 0.2:
        return math.sin(t) * t * k
    return 0.5 * t ** 2


def f(x):
    y = np.vectorize(g)(x)
    return np.sum(y * x) + np.sum(np.vectorize(g, otypes=[float])(x * 2.0, -3.0))
'''


@pytest.mark.parametrize("shapes", [None, {"x": (2, 3)}, {"x": "N"}], ids=["generic", "numbers", "named"])
def test_a_function_of_yours_vectorized_is_called_on_each_element(shapes):
    text = backgen.generate(PIECEWISE, name="f", shapes=shapes)
    assert "g_backward(item" in text
    namespace, generated = {}, {}
    exec(PIECEWISE, namespace)
    exec(text, generated)
    x = np.array([[0.13, 0.5, -0.3], [0.9, 0.25, -1.0]]) if shapes != {"x": "N"} else np.array([0.13, 0.5, -0.3])
    got = generated["f_backward"](x.copy(), 0.7)
    want = finite_differences(namespace["f"], [x], [0], (0.7,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_the_decorator_calls_a_vectorized_function_of_yours_on_each_element():
    space = imported(PIECEWISE, "vectorized_helper")
    f = backgen.backward(space["f"])
    x = np.array([0.13, 0.5, -0.3, 0.9])
    np.testing.assert_allclose(f.backward(x), finite_differences(space["f"], [x], [0], (1.0,))[0],
                               rtol=1e-6, atol=1e-9)


def test_a_function_of_yours_vectorized_given_two_arrays_is_refused():
    source = PIECEWISE.replace("np.vectorize(g)(x)", "np.vectorize(g)(x, x)")
    with pytest.raises(backgen.BackgenError, match="np.vectorize is read of math's functions") as info:
        backgen.generate(source, name="f", shapes={"x": (2, 3)})
    assert info.value.lineno == 15


RELU_LIKE = '''
import numpy as np


def g(t):
    if t < 0:
        return 0
    return t * 1.5


def f(x):
    return np.sum(np.vectorize(g{otypes})(x) * x)
'''


def test_a_function_of_yours_that_may_give_an_integer_first_needs_otypes():
    # np.vectorize makes every value of the type of the first: 0 first truncates the floats after it
    with pytest.raises(backgen.BackgenError, match=r"give otypes=\[float\]") as info:
        backgen.generate(RELU_LIKE.format(otypes=""), name="f", shapes={"x": (3,)})
    assert info.value.lineno == 12
    source = RELU_LIKE.format(otypes=", otypes=[float]")
    x = np.array([-0.4, 0.7, 1.3])
    assert_generated_right(source.replace("def f(x):", 'def f(x: "3"):'), [x], (0.6,))
