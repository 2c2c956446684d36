"""A loop writing into the rows of a view of an array (``a = X[1:]`` or ``a = X.T``, then ``for row
in a: row *= row``), the array read after it: the write reaches the array through the view.  The
loop gave the array its value back from the view it carries, and so never noted that ``row *= row``
left that view unchanged (staged as a new value of ``row`` alone): the gradient was that of ``return
X`` (long fuzzer seed 2026120452, program 5623).  Each program is checked against central finite
differences at shapes (3, 4)."""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, same_again

PROGRAMS = {
    "rows of a slice": """
        def f(X):
            a = X[1:]
            for row in a:
                row *= row
            return X
    """,
    "rows of a transpose": """
        def f(X):
            a = X.T
            for row in a:
                row *= row
            return X
    """,
    "rows of a transpose, added to": """
        def f(X):
            a = X.T
            for row in a:
                row += 1.0
            return X * X
    """,
    "in a while loop": """
        def f(X):
            k = 0
            while k < 3:
                k = k + 1
                a = X.T
                for row in a:
                    row *= row
            return X
    """,
    "in a for loop, the view taken anew": """
        def f(X):
            for k in range(2):
                a = X.T
                for row in a:
                    row *= 0.5 + row
            return np.tanh(X)
    """,
    "a row taken before the loop, added to in it": """
        def f(X):
            out = X * 2.0
            r = out[1]
            for i in range(3):
                r += X[0] * i
            return out * X
    """,
    "a row taken before the loop, multiplied in it and read": """
        def f(X):
            out = X * 2.0
            r = out[-1]
            for i in range(2):
                r *= X[0]
                r += out[0]
            return np.sum(out * X) + np.sum(r)
    """,
    "the view and the array both read": """
        def f(X):
            a = X[:, 1:]
            for row in a:
                row *= 2.0
            return np.sum(X * X) + np.sum(a)
    """,
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_loop_writing_through_a_views_rows_reaches_the_array(name):
    source = "import numpy as np\n" + textwrap.dedent(PROGRAMS[name])
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    forward = namespace["f"]
    text = backgen.generate(source, shapes={"X": (3, 4)})
    same_again(text, lambda: backgen.generate(source, shapes={"X": (3, 4)}))
    generated = {}
    exec(text, generated)
    X = np.random.default_rng(3).normal(scale=0.6, size=(3, 4))
    out = forward(X.copy())
    dout = np.linspace(0.5, 1.5, np.size(out)).reshape(np.shape(out)) if np.ndim(out) else 0.7
    given = X.copy()
    got = generated["f_backward"](given, dout)
    np.testing.assert_array_equal(given, X)
    want = finite_differences(lambda X: forward(X.copy()), [X], [0], (dout,))[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("index", ["1", "1, 2"])
def test_a_number_taken_before_the_loop_and_added_to_stays_refused(index):
    # x[1] of a vector is a number (a copy), which r += v rebinds: out keeps its value.  backgen stages
    # r += v as a write where r is a row; here it is not, and the loop is refused as it was
    source = textwrap.dedent(f"""
        import numpy as np
        def f(x, w: float):
            out = x * 2.0
            r = out[{index}]
            for i in range(3):
                r += w * i
            return out * x + r
        """)
    shape = (4,) if index == "1" else (3, 4)
    with pytest.raises(backgen.BackgenError, match="'out' changes in the loop through another name"):
        backgen.generate(source, shapes={"x": shape})
