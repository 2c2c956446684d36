"""Refusals about memory sharing name what the user wrote: a loop over an expression (``for r in
X.reshape(4, 3)``, ``list(X)``) is spoken of as that expression, never as a name backgen made for
it (``seq``, ``seq_1``, ``items``).  Accepted neighbours are checked against central finite
differences in float64 of ``sum(output * dout)``."""

import re
import textwrap

import pytest

import backgen
from test_aliasing_more import assert_right, randn


def refusal(source, shapes):
    with pytest.raises(backgen.BackgenError) as info:
        backgen.generate(textwrap.dedent(source), name="f", shapes=shapes)
    return info.value


def assert_no_made_names(message):
    assert not re.search(r"\b(seq\d*|items\d*)(_\d+)?\b", message), message


@pytest.mark.parametrize("body, shapes, line, words", [
    ("X += 1.0\n        s = s + np.sum(r * w)", True, 6, "the loop iterates X.reshape(4, 3), which its body writes into"),
    # (of X.reshape(4, 3), r += w is followed in code for X C-contiguous, which it checks: the reshape a view)
    ("r += w\n        s = s + np.sum(r)", True, 9, "the write into 'X.T.reshape(4, 3)' on line 6"),
    # (a = X[0:2] a view by a slice, an array whatever the shapes: a += 1.0 is a write, refused at the loop)
    ("a += 1.0\n        s = s + np.sum(r * w)", False, 6, "the loop iterates X.reshape(4, 3), which its body writes into"),
    # (the loop's own line: the write into a, a view of X, changes the rows of X.reshape(4, 3) it iterates)
    ("a[0] = w\n        s = s + np.sum(r)", False, 6, "the loop iterates X.reshape(4, 3), which its body writes into"),
])
def test_loop_over_a_reshape_named_as_written(body, shapes, line, words):  # (the message of each, before: seq, seq_1)
    source = textwrap.dedent("""
    import numpy as np
    def f(X, w):
        a = X[0:2]
        s = 0.0
        for r in ITERABLE:
            BODY
        return s + np.sum(X)
    """).replace("BODY", body).replace("ITERABLE", "X.T.reshape(4, 3)" if "X.T" in words else "X.reshape(4, 3)")
    error = refusal(source, ({"X": (4, 3)} if "X.T" in words else {"X": (3, 4)}) | {"w": (3,)} if shapes else None)
    assert_no_made_names(str(error))
    assert words in str(error)
    assert error.lineno == line


def test_loop_over_a_list_call_named_as_written():
    error = refusal("""
    import numpy as np
    def f(X, w):
        s = 0.0
        for r in list(X):
            X *= 2.0
            s = s + np.sum(r * w)
        return s
    """, {"X": (3, 4), "w": (4,)})
    assert_no_made_names(str(error))
    assert "the loop iterates list(X)" in str(error)
    assert error.lineno == 6


@pytest.mark.parametrize("iterable", ["X[1:]", "X[::-1]", "X.T", "np.flip(X)"])
def test_loops_over_views_refused_in_the_users_words(iterable):
    for body in ("X += 1.0\n        s = s + np.sum(r * w)", "X[0] = w\n        s = s + np.sum(r)"):
        source = textwrap.dedent("""
        import numpy as np
        def f(X, w):
            s = 0.0
            for r in ITERABLE:
                BODY
            return s + np.sum(X)
        """).replace("ITERABLE", iterable).replace("BODY", body)
        try:
            backgen.generate(textwrap.dedent(source), name="f", shapes={"X": (4, 4), "w": (4,)})
        except backgen.BackgenError as error:
            assert_no_made_names(str(error))


def test_a_loop_over_a_slice_written_through_its_rows_stays_right():
    assert_right("""
    import numpy as np
    def f(X, w):
        s = 0.0
        for r in X[1:]:
            r *= w
            s = s + np.sum(X)
        return s
    """, (randn(3, 4), randn(4)))


def test_a_name_bound_past_a_continue_written_into_is_refused_as_such():
    # (long fuzz seed 2026120440, program 27: e = c on the path that does not continue; the message
    # named e as "another name" keeping e's value)
    source = """
    import numpy as np
    def f(X):
        c = X * 2.0
        for row in c[1:]:
            if np.max(X) < 0.3:
                continue
            e = c
            e[:, [1]] -= np.max(c)
        return e * 1.5
    """
    error = refusal(source, {"X": (3, 4)})
    assert "'e', whose array from the previous iteration e still holds on a path" in str(error)
    assert "another name (e)" not in str(error)
    assert error.lineno == 9


def test_a_name_an_inner_loop_binds_written_into_is_refused_as_such():
    # (long fuzz seed 2026120440, program 1657: a nested while that may not run)
    source = """
    import numpy as np
    def f(X):
        for i in range(len(X)):
            k = 0
            while k < 2:
                k = k + 1
                a = X
                a -= X
        return a * 2.0, a - X
    """
    error = refusal(source, {"X": (3, 4)})
    assert "'a', whose array from the previous iteration a still holds on a path" in str(error)
    assert error.lineno == 9


def test_a_write_into_a_value_set_on_some_paths_says_so():
    # (long fuzz seed 2026120440, program 1944: s is X.T where the loop ran, the number passed in where
    # it did not; the message listed transposes, reshapes and lists as the way X shares s)
    source = """
    import numpy as np
    def f(s, X):
        for row in X:
            s = X.T
        s[:, 2] += np.linalg.norm(X)
        return X
    """
    error = refusal(source, {"s": (), "X": (3, 4)})
    assert "'X' shares the memory of 's' on some paths of the code only" in str(error)
    assert "transpose" not in str(error)
    assert error.lineno == 7


def test_a_loop_over_a_constant_array_it_writes_into_says_so():
    # (long fuzz seed 2026120440, program 138)
    source = """
    import numpy as np
    def f(s, t):
        if not t > -0.2:
            a = t * s
        else:
            t = np.zeros((3, 4))
            t *= t
            for row in t:
                t += row
        return t
    """
    error = refusal(source, {"s": (), "t": ()})
    assert "the loop iterates t, which its body writes into (t holds an array made of constants" in str(error)
    assert error.lineno == 9


@pytest.mark.parametrize("head, body, words", [
    ("for i, r in enumerate(X[1:]):", "r += w\n        s = s + np.sum(X)", "'X[1:]'"),
    ("for r, q in zip(X[1:], X.reshape(4, 3)):", "X += 1.0\n        s = s + np.sum(r * w)", "'X.reshape(4, 3)'"),
])  # (zip(X[1:], X.T), both views followed, is right: test_loop_kept_values)
def test_loops_over_enumerate_and_zip_name_the_iterables_as_written(head, body, words):
    # (the message named seq and seq1, the names of the loop over range(len(seq)) these are written as)
    source = textwrap.dedent("""
    import numpy as np
    def f(X, w):
        a = X[0:2]
        s = 0.0
        HEAD
            BODY
        return s + np.sum(X) + np.sum(a)
    """).replace("HEAD", head).replace("BODY", body)
    error = refusal(source, {"X": (3, 4), "w": (4,)})
    assert_no_made_names(str(error))
    assert words in str(error)
