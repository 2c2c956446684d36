"""Passes that rename a value or put another expression in place of a part of a line (a size computed
twice read as the first, a shape read as the tuple of its sizes, a carried value's last version) find
the parts by the line's tree, and keep the rest of the line as written.  A renaming by matching text
took the keyword ``repeats=`` of ``np.repeat`` for the value named ``repeats`` and wrote ``a=a``: the
backward raised.  Each is checked against central finite differences in float64."""

import textwrap

import numpy as np

import backgen
from numeric import assert_close, weighted, gradient


def _checked(source, x, **settings):
    source = textwrap.dedent(source)
    text = backgen.generate(source)
    assert text == backgen.generate(source)
    user, generated = {}, {}
    exec(source, user)
    exec(compile(text, "<generated>", "exec"), generated)
    dout = np.linspace(-1.0, 1.5, np.size(user["f"](x, **settings))).reshape(np.shape(user["f"](x, **settings)))
    got = generated["f_backward"](x.copy(), **settings, dout=dout)
    want = gradient(weighted(lambda v: user["f"](v, **settings), [dout]), [x.copy()], 0)
    assert_close(got, want)
    return text


X = np.linspace(-0.9, 1.3, 12).reshape(3, 4)


def test_a_size_computed_twice_is_read_as_the_first_but_a_keyword_spelt_alike_stays():
    text = _checked('''
    import numpy as np
    def f(x: "3, 4", k: int = 1):
        a = k * 2
        repeats = k * 2
        y = np.repeat(x, repeats=repeats, axis=0) * a
        return np.sin(y)
    ''', X, k=1)
    assert "repeats=a" in text and "repeats = " not in text  # (the second size left out, read as the first)


def test_a_size_computed_twice_in_a_string_and_an_attribute_stays():
    _checked('''
    import numpy as np
    def f(x: "3, 4", k: int = 2):
        T = k + 1
        n = k + 1
        y = np.einsum('ij->ji', x) * T
        return np.tanh(y.T * n)
    ''', X, k=2)
