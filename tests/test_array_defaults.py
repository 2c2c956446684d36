"""Parameters whose default is an array a NumPy constructor makes of literals
(``def normalize(img, mean=np.array([0.485, 0.456, 0.406]))``): the backward keeps the default,
spelled as the generated code binds NumPy, the parameter is an array of the default's shape where no
shape is given, and a write into that array, which Python makes once and keeps between calls, is refused.
Gradients are checked against central differences, the default used and other arrays passed."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, imported, same_again

NORMALIZE = '''
import numpy as np

def normalize(img, mean=np.array([0.485, 0.456, 0.406]), std=np.array([0.229, 0.224, 0.225])):
    """Sum of squares of an image normalised per channel."""
    z = (img - mean) / std
    return np.sum(np.tanh(z) ** 2)
'''


def backward_of(source, name, shapes=None):
    text = backgen.generate(textwrap.dedent(source), name=name, shapes=shapes)
    same_again(text, lambda: backgen.generate(textwrap.dedent(source), name=name, shapes=shapes))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    return text, namespace[f"{name}_backward"]


def forward_of(source, name):
    namespace = {"np": np, "math": math}
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


def check(forward, backward, args, dout=0.7):
    """The backward called with ``args`` (the defaults taking the rest) against central differences
    of the forward called alike, for every argument given and every parameter the defaults fill."""
    got = backward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args], dout=dout)
    got = got if isinstance(got, tuple) else (got,)
    defaults = forward.__defaults__ or ()
    count = forward.__code__.co_argcount
    full = list(args) + [d.copy() if isinstance(d, np.ndarray) else d
                         for d in defaults[len(defaults) - (count - len(args)):]]
    floats = [k for k, a in enumerate(full) if not (isinstance(a, np.ndarray) and a.dtype.kind in "iub")]
    want = finite_differences(lambda *a: forward(*[v.copy() if isinstance(v, np.ndarray) else v for v in a]),
                              full, floats, (dout,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shapes", [None, {"img": (2, 3)}, {"img": "H, 3"}], ids=["generic", "numbers", "named"])
def test_the_backward_keeps_the_defaults(shapes):
    text, backward = backward_of(NORMALIZE, "normalize", shapes)
    assert "def normalize_backward(img, mean=np.array([0.485, 0.456, 0.406]), " \
           "std=np.array([0.229, 0.224, 0.225]), dout=1.0):" in text
    forward = forward_of(NORMALIZE, "normalize")
    img = np.random.default_rng(0).uniform(-1, 1, (2, 3))
    check(forward, backward, [img])
    check(forward, backward, [img, np.array([0.1, 0.2, 0.3]), np.array([0.5, 0.6, 0.7])])


def test_given_shapes_the_default_gives_its_parameter_shape():
    text, _ = backward_of(NORMALIZE, "normalize", {"img": (2, 3)})
    assert "dmean = -" in text and ".sum(axis=0)" in text and "_unbroadcast" not in text  # (hand style)


def test_the_decorator_uses_the_defaults():
    space = imported(NORMALIZE, "array_defaults")
    f = backgen.backward(space["normalize"])
    img = np.random.default_rng(1).uniform(-1, 1, (4, 3))
    check(space["normalize"], lambda *a, dout: f.backward(*a, dout=dout), [img])
    check(space["normalize"], lambda *a, dout: f.backward(*a, dout=dout), [img, np.array([0.3, 0.2, 0.1])])


def test_numpy_under_another_name_is_spelled_as_the_generated_code_binds_it():
    source = '''
    import numpy as xp

    def f(x, w=xp.linspace(0.5, 1.5, 4), W=xp.eye(4, dtype=float)):
        return xp.sum(xp.sin(x * w) @ W)
    '''
    text, backward = backward_of(source, "f", {"x": (3, 4)})
    assert "w=np.linspace(0.5, 1.5, 4), W=np.eye(4, dtype=float)" in text
    x = np.random.default_rng(2).uniform(-1, 1, (3, 4))
    check(forward_of(source, "f"), backward, [x])


def test_integer_labels_as_a_default_carry_no_gradient():
    source = '''
    import numpy as np

    def f(scores, y=np.array([0, 2, 1])):
        shifted = scores - np.max(scores, axis=1, keepdims=True)
        p = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
        return -np.sum(np.log(p[np.arange(3), y]))
    '''
    text, backward = backward_of(source, "f", {"scores": (3, 4)})
    scores = np.random.default_rng(3).uniform(-1, 1, (3, 4))
    got = backward(scores.copy(), dout=0.7)
    want = finite_differences(forward_of(source, "f"), [scores], [0], (0.7,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("numpy", ["np", "xp"])
def test_a_helper_s_array_default(numpy):
    source = f'''
    import numpy as {numpy}

    def scale(x, w={numpy}.array([1.0, 2.0, 3.0])):
        return x * w

    def f(x, v):
        return {numpy}.sum({numpy}.sin(scale(x)) + scale(v, {numpy}.array([0.5, 0.5, 2.0])) ** 2)
    '''
    _, backward = backward_of(source, "f", {"x": (2, 3), "v": (3,)})
    rng = np.random.default_rng(4)
    check(forward_of(source, "f"), backward, [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, 3)])


@pytest.mark.parametrize("write, line", [
    ("acc += x", 5),
    ("acc[0] = x[1]", 5),
    ("b = acc\n    b *= 2.0", 6),
    ("np.add.at(acc, [0, 0], x[:2])", 5),
])
def test_a_write_into_the_array_a_default_makes_is_refused(write, line):
    source = f'''
import numpy as np

def f(x, acc=np.zeros(3)):
    {write}
    return np.sum(acc ** 2 * x)
'''
    for shapes in (None, {"x": (3,)}):
        with pytest.raises(backgen.BackgenError, match="the default of 'acc' makes .np.zeros.3.., which Python "
                                                       "makes once and keeps between calls") as info:
            backgen.generate(source, name="f", shapes=shapes)
        assert info.value.lineno == line


def test_a_copy_of_the_default_may_be_written():
    source = '''
    import numpy as np

    def f(x, acc=np.zeros(3)):
        acc = acc.copy()
        acc += x
        return np.sum(acc ** 2 * x)
    '''
    _, backward = backward_of(source, "f", {"x": (3,)})
    check(forward_of(source, "f"), backward, [np.array([0.3, -0.6, 0.9])])


@pytest.mark.parametrize("default", ["np.random.rand(3)", "np.asarray(np.ones(3))", "np.arange(10 ** 6)",
                                     "np.zeros(3) + 1"])
def test_other_array_defaults_are_refused(default):
    source = f"a = 2.0\n\ndef f(x, w={default}):\n    return np.sum(x * w)\n"
    with pytest.raises(backgen.BackgenError, match="parameter defaults must be"):
        backgen.generate("import numpy as np\n" + source, name="f")


def test_a_mask_as_a_default_selects():
    source = '''
    import numpy as np

    def f(x, m=np.array([True, False, True])):
        return np.sum(x[m] ** 2 * x[0])
    '''
    text, backward = backward_of(source, "f", {"x": (3,)})
    assert "with respect to x, times" in text  # (a mask: no gradient)
    x = np.array([0.4, -0.7, 1.1])
    got = backward(x.copy(), dout=0.7)
    want = finite_differences(forward_of(source, "f"), [x], [0], (0.7,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
