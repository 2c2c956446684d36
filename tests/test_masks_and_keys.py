"""Two kinds of value the generated code met otherwise than its forward does.

* A boolean numerator (dropout's ``(x > p) / p``, a mask given as a parameter): the gradient of the
  divisor, ``-a / b / b``, negated booleans, which NumPy refuses; it is written ``-(a / b / b)`` there.
* A dict of vectors read at a key the function is given (``word_to_vec_map[word]``): the decorator's
  code is for the key it is given (its code is kept per string); ``generate``'s code for every shape
  takes the parameter for an array and says so as it starts where it is given a dict."""

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in, scratch_folder

MASK_DIVIDED = {
    "mask_made_scalar_divisor": ('''
import numpy as np
def f(x: "3, 4", p=0.5):
    mask = (x > 1.0) / p
    return np.sum(mask * x)
''', "number"),
    "mask_made_array_divisor": ('''
import numpy as np
def f(x: "3, 4", p: "3, 4"):
    mask = (x > 1.0) / p
    return np.sum(mask * x * x)
''', "array"),
    "mask_made_shape_generic": ('''
import numpy as np
def f(x, p=0.5):
    mask = (x > 1.0) / p
    return np.sum(mask * x)
''', "number"),
    "mask_given_shape_generic": ('''
import numpy as np
def f(x, m, p=0.7):
    m = m / p
    return np.sum(np.tanh(x * m))
''', "mask"),
}


def _module(text, name):
    return module_in(scratch_folder("masks_and_keys"), text, name)


@pytest.mark.parametrize("case", sorted(MASK_DIVIDED))
def test_a_boolean_numerators_divisor_gradient(case):
    text, kind = MASK_DIVIDED[case]
    rng = np.random.default_rng(7)
    x = rng.uniform(0.5, 1.5, (3, 4))
    if kind != "mask":
        other = 0.6 if kind == "number" else rng.uniform(0.5, 1.5, (3, 4))
        assert_generated_right(text, [x, other])
        return
    namespace = {}
    exec(compile(backgen.generate(text, name="f"), "<generated>", "exec"), namespace)
    mask = x > 1.0
    dx, _, dp = namespace["f_backward"](x, mask, 0.6)  # the mask given as booleans
    objective = _module(text, "mask_divided").f
    want_x, want_p = finite_differences(lambda x, p: objective(x, mask, p), [x, 0.6], [0, 1], (1.0,))
    np.testing.assert_allclose(dx, want_x, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dp, want_p, rtol=1e-6, atol=1e-8)


def test_a_boolean_mask_given_to_the_decorator():
    module = _module(MASK_DIVIDED["mask_given_shape_generic"][0], "mask_given")
    x = np.random.default_rng(8).uniform(0.5, 1.5, (3, 4))
    mask = x > 1.0
    dx, dp = backgen.backward(module.f, wrt=("x", "p")).backward(x, mask, 0.6)
    want_x, want_p = finite_differences(lambda x, p: module.f(x, mask, p), [x, 0.6], [0, 1], (1.0,))
    np.testing.assert_allclose(dx, want_x, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dp, want_p, rtol=1e-6, atol=1e-8)


NEUTRALIZE = '''
import numpy as np

def neutralize(word, g, word_to_vec_map):
    e = word_to_vec_map[word]
    e_biascomponent = np.dot(e, g) / np.linalg.norm(g) ** 2 * g
    return e - e_biascomponent
'''


def test_a_dict_read_at_a_key_given_under_the_decorator():
    module = _module(NEUTRALIZE, "neutralize_words")
    rng = np.random.default_rng(9)
    vectors = {"cat": rng.normal(size=3), "dog": rng.normal(size=3)}
    g = rng.normal(size=3)
    dout = rng.normal(size=3)
    decorated = backgen.backward(module.neutralize)
    for word in ("cat", "dog"):  # (code kept per key: each its own)
        dg, dvectors = decorated.backward(word, g, vectors, dout=dout)
        (want_g,) = finite_differences(lambda g: module.neutralize(word, g, vectors), [g], [0], (dout,))
        (want_e,) = finite_differences(lambda e: module.neutralize(word, g, dict(vectors, **{word: e})),
                                       [vectors[word]], [0], (dout,))
        np.testing.assert_allclose(dg, want_g, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(dvectors[word], want_e, rtol=1e-6, atol=1e-8)
        other = "dog" if word == "cat" else "cat"
        np.testing.assert_array_equal(dvectors[other], np.zeros(3))


def test_shape_generic_code_read_at_a_key_says_a_dict_is_not_an_array():
    namespace = {}
    exec(compile(backgen.generate(NEUTRALIZE, name="neutralize"), "<generated>", "exec"), namespace)
    backward = namespace["neutralize_backward"]
    rng = np.random.default_rng(10)
    with pytest.raises(TypeError, match="word_to_vec_map as an array read at word: for a dict"):
        backward("cat", rng.normal(size=3), {"cat": rng.normal(size=3)}, rng.normal(size=3))
    table = rng.normal(size=(4, 3))  # an array read at a row: right
    g, dout = rng.normal(size=3), rng.normal(size=3)
    dg, dtable = backward(2, g, table, dout)
    want_g, want_table = finite_differences(lambda g, t: np.asarray(
        t[2] - np.dot(t[2], g) / np.linalg.norm(g) ** 2 * g), [g, table], [0, 1], (dout,))
    np.testing.assert_allclose(dg, want_g, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dtable, want_table, rtol=1e-6, atol=1e-8)
