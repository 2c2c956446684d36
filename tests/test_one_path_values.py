"""Values an if sets on one path only, read where Python reads them.

Reading a local name that nothing bound raises UnboundLocalError, so wherever the forward returns,
each name it read held a value: a value set on one path of an if, read after the if (outside its
test), was set on that path.  The backward, taking the forward's branches, is then right whenever
the forward returns.  That holds where no earlier statement, nor an earlier iteration of a loop,
may have bound the name; elsewhere such code is refused.  Each case is checked against central
finite differences on inputs taking each path the forward returns on.

Also here, by the same reasoning or near it: a display of (W, b) pairs bound on several paths, a
loop's variable read after the loop, a tuple of numbers a nested function reads, a helper of no
parameters, math.atan2 at the origin through a cut path.
"""

import math
import textwrap

import numpy as np
import pytest

import backgen
from every_way import deterministic
from numeric import finite_differences, fresh_args

X = np.arange(12.0).reshape(3, 4) / 10 + 0.1
V = np.array([0.5, -0.4, 0.6, 0.2])
SHAPES = {"x": "3, 4", "v": "4"}


def check(source, inputs, shapes=None, name="f"):
    """The backward of ``source`` against finite differences on each of ``inputs`` the forward returns
    on (at least one must); on the others the forward raises, as reading the unbound name does."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    func = namespace[name]
    backward = deterministic(source, name, shapes)
    returned = 0
    for args in inputs:
        try:
            out = func(*fresh_args(args))
        except UnboundLocalError:
            continue
        returned += 1
        outs = out if isinstance(out, tuple) else (out,)
        douts = tuple(np.linspace(0.5, 1.5, np.size(o)).reshape(np.shape(o)) if np.ndim(o) else 1.0 for o in outs)
        got = backward(*fresh_args(args), *douts)
        got = got if isinstance(got, tuple) else (got,)
        want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), range(len(args)), douts)
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert returned, "no input the forward returns on"


def refused(source, match, shapes=None, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(textwrap.dedent(source), name=name, shapes=shapes)


SIGNS = [np.array(s, float) for s in [(1, 1, 1, 1), (-1, 1, -1, 1), (1, -1, 1, -1), (-1, -1, -1, -1)]]


@pytest.mark.parametrize("shapes", [None, SHAPES])
def test_read_after_the_if(shapes):
    check("""
        def f(x, v):
            if v.mean() < 0.2:
                y = x * v
            return np.sum(y * y)
        """, [(X, V - 1.0), (X, V + 1.0)], shapes)


def test_alias_written_through():
    # fuzz_real seed 171 program 245: the value read by another name and written into
    check("""
        def f(x, v):
            if v.mean() < 0.2:
                y = x * 1.0
            else:
                pass
            z = y
            z[0] = v - 2.0
            z[1:] *= np.tanh(v)
            if np.sum(x) > 0.0:
                return (np.sum(y - y), z)
            return (np.sum(y * y), z)
        """, [(X, V - 1.0), (-X, V - 1.0), (X, V + 1.0)])


def test_read_under_another_test():
    check("""
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            if v[1] > 0:
                z = y * 3.0
            else:
                z = x * 2.0
            return np.sum(z * x)
        """, [(X, s) for s in SIGNS], SHAPES)


def test_read_in_a_conditional_expression_and_a_short_circuit():
    check("""
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            z = y * 3.0 if v[1] > 0 else x * 2.0
            if v[2] > 0 and np.sum(y) > 0:
                return np.sum(z * y)
            return np.sum(z * x)
        """, [(X, s) for s in SIGNS], SHAPES)


def test_numbers():
    check("""
        import math
        def f(x, v):
            if v > 0:
                y = math.sin(x)
            return y * x
        """, [(0.3, 1.0), (0.3, -1.0)])


def test_helper_called_twice():
    check("""
        def g(a, c):
            if c > 0:
                b = np.tanh(a)
            return b * 2.0

        def f(x, v):
            p = g(x, v[0])
            q = g(x * 3.0, v[1])
            return np.sum(p * q)
        """, [(X, s) for s in SIGNS], SHAPES)


def test_module_value_of_that_name_is_not_read():
    # the function assigns y: y is its local everywhere in it, never the module's 2.0
    check("""
        y = 2.0
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            return np.sum(y * x)
        """, [(X, V), (X, -V)], SHAPES)


def test_read_in_a_later_loop():
    check("""
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            s = 0.0
            for i in range(3):
                s = s + np.sum(y * x) * v[i]
            return s
        """, [(X, V), (X, -V)], SHAPES)


def test_set_before_a_break():
    # Python's name is unbound until the iteration that breaks sets it
    check("""
        def f(x, v):
            for i in range(4):
                if v[i] < 0:
                    y = x * v[i]
                    break
            return np.sum(y * y)
        """, [(X, V), (X, -V), (X, np.abs(V))], SHAPES)


def test_set_before_the_if_is_merged():
    check("""
        def f(x, v):
            y = x * 2.0
            if v[0] > 0:
                y = np.tanh(x)
            return np.sum(y * x)
        """, [(X, V), (X, -V)], SHAPES)


def test_bound_again_by_a_later_if_refused():
    # the later if's merge would copy, on its other path, a value the name may not have there (the
    # backward crashed where neither if ran and nothing read y)
    refused("""
        def f(x, v):
            if v[0] > 0:
                y = x * 2.0
            if v[1] > 0:
                y += x
            if v[2] > 0:
                return np.sum(y * y)
            return np.sum(x)
        """, "may be unassigned", SHAPES)


def test_set_again_by_later_ifs_refused():
    # the second if's other path copies the value the first if set on one of its paths only: where
    # neither the first nor the second ran, the copy read an unbound name and the backward raised,
    # though the third if sets y and the forward returns
    refused("""
        def f(a, b):
            if a > 1.0:
                y = a * 2.0
            if b > 1.0:
                y = b * 3.0
            if a < 0.5:
                y = a * b
            if b < 5.0:
                return math.sin(y)
            return a
        """, "may not exist")


def test_set_on_both_paths_of_elif_chain_is_merged():
    # an elif's value is set inside the else branch: no copy of a value that may be missing
    check("""
        def f(a, b):
            if a > 1.0:
                y = a * 2.0
            elif b > 1.0:
                y = b * 3.0
            else:
                y = a * b
            if b < 5.0:
                return math.sin(y)
            return a
        """, [(0.3, 0.4), (1.5, 0.4), (0.3, 2.0), (1.5, 7.0)])


def test_in_a_loop_refused():
    # an earlier iteration's value is read where this one did not set it
    refused("""
        def f(x, v):
            s = 0.0
            for i in range(3):
                if v[i] > 0:
                    y = x * v[i]
                s = s + np.sum(y)
            return s
        """, "or hold the value an earlier iteration gave it", SHAPES)


@pytest.mark.parametrize("loop", ["for i in range(3):", "for a in v[1:]:", "while np.sum(x) > 100.0:"])
def test_kept_through_a_loop_refused(loop):
    # the if's value leaves the loop where no iteration sets y: refused, not a backward that drops it
    refused(f"""
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            {loop}
                if v[1] > 0:
                    y = x * 2.0
            return np.sum(y)
        """, "keeps it where the loop does not set it", SHAPES)


def test_overwritten_by_a_loop_that_runs():
    check("""
        def f(x, v):
            if v[0] > 0:
                y = np.tanh(x)
            for i in range(3):
                y = x * v[i]
            return np.sum(y * y)
        """, [(X, V), (X, -V)], SHAPES)


# --- a display of (W, b) pairs bound in a branch or a loop, iterated after -----------------------

W1 = np.array([[-0.6, 0.47, 0.97, 0.43], [0.42, -0.7, -0.67, -0.78], [0.9, 0.95, 0.57, -0.85]])
B1 = np.array([0.3, -0.45, 0.82, 0.53])
W2 = np.array([[-0.49, 0.42], [0.7, -0.48], [-0.56, -0.78], [-0.5, -0.45]])
B2 = np.array([-0.82, 0.61])
INPUTS = np.array([[-0.53, -0.48, 0.58], [-0.82, 0.31, -0.6]])
NET = (W1, B1, W2, B2, INPUTS)
NET_SHAPES = {"W1": "3, 4", "b1": "4", "W2": "4, 2", "b2": "2", "inputs": "2, 3"}


@pytest.mark.parametrize("shapes", [None, NET_SHAPES])
def test_pairs_bound_on_both_paths(shapes):
    # fuzz_real seed 171 program 135: `tuples are only supported as arguments of calls and in indexing`
    check("""
        def f(W1, b1, W2, b2, inputs):
            if W2.mean() < 0.2:
                params = [(W1, b1), (W2, b2)]
            else:
                params = [(W1, b1), (W2, b2)]
            for W, b in params:
                outputs = np.dot(inputs, W) + b
                inputs = np.tanh(outputs)
                inputs[inputs > 0.5] *= 2.0
            return np.mean(inputs ** 2)
        """, [NET, (W1, B1, W2 + 1.0, B2, INPUTS)], shapes)


def test_pairs_bound_in_a_loop():
    # fuzz_real seed 171 program 287
    check("""
        def f(W1, b1, W2, b2, inputs):
            _k = 0
            while _k < 2:
                params = [(W1, b1), (W2, b2)]
                _k += 1
            for W, b in params:
                outputs = np.dot(inputs, W) * b
                inputs = np.tanh(outputs)
            return np.sum(inputs ** 2)
        """, [NET], NET_SHAPES)


def test_pairs_bound_on_one_path():
    check("""
        def f(W1, b1, W2, b2, inputs):
            if np.sum(b1) > 0:
                params = [(W1, b1), (W2, b2)]
            for W, b in params:
                inputs = np.tanh(np.dot(inputs, W) + b)
            return np.sum(inputs ** 2)
        """, [NET, (W1, -B1, W2, B2, INPUTS)], NET_SHAPES)


@pytest.mark.parametrize("change", [
    "W1 = W1 * 2.0",  # a name the display lists bound again: the bindings list other arrays
    "params = [(W2, b2), (W1, b1)]",  # another display
    "params = params[:1]",  # a read other than a loop's
])
def test_pairs_otherwise_stay_refused(change):
    refused(f"""
        def f(W1, b1, W2, b2, inputs):
            if np.sum(b1) > 0:
                params = [(W1, b1), (W2, b2)]
            else:
                params = [(W1, b1), (W2, b2)]
                {change}
            for W, b in params:
                inputs = np.tanh(np.dot(inputs, W) + b)
            return np.sum(inputs ** 2)
        """, "tuples are only supported", NET_SHAPES)


# --- a loop's variable read after the loop: its last item ------------------------------------------

ROWS = np.array([[0.1, 0.2], [0.3, -0.5], [0.6, 0.4]])


@pytest.mark.parametrize("loop", ["for r in x:", "for r in reversed(x):"])
def test_last_row_read_after_the_loop(loop):
    # `variable 'r' is used before it is assigned`; where x has no rows, reading r raises
    check(f"""
        def f(x, w):
            s = np.sum(w)
            for r in {loop.split(' in ')[1][:-1]}:
                s = s * 0.5 + np.sum(r * w)
            r = r * 2.0
            return s * np.sum(r)
        """, [(ROWS, np.array([0.5, -0.2])), (np.zeros((0, 2)), np.array([0.5, -0.2]))], {"x": "N, 2", "w": "2"})


def test_last_row_changed_after_the_loop_refused():
    refused("""
        def f(x):
            y = x * 1.0
            for r in y:
                pass
            y[2] = 5.0
            return np.sum(r * x)
        """, "may have been changed by the write into 'y'", {"x": "3, 2"})


# --- a tuple of numbers a nested function reads ------------------------------------------------------

def test_nested_function_reads_a_tuple_of_numbers():
    # fuzz_wild_scalar seed 12 programs 258, 299: `Tuple expressions are not supported here`
    check("""
        import math
        def f(x, y):
            coef = (2.29, -0.5, 0.2)
            def g(t, scale=0.55):
                \"\"\"A local helper.\"\"\"
                return scale * (sum(w * 0.7 for w in coef) + math.fabs(x) * t)
            y = y + g(2.48 if y > 1.9 else -0.9)
            return math.tanh(y) + g(x)
        """, [(0.4, -0.7), (0.4, 2.0)])


def test_nested_function_reads_a_tuple_bound_again():
    # (a closure parameter, as before: the call passes the tuple the name holds then)
    check("""
        import math
        def f(x, y):
            coef = (2.29, -0.5, 0.2)
            def g(t):
                return t * coef[0]
            if x > 0:
                coef = (1.0, 2.0, 3.0)
            return g(x) + y
        """, [(0.4, -0.7), (-0.4, 0.7)])


def test_helper_of_no_parameters_has_no_backward():
    # `def g_backward(dout=1.0): ... with respect to , ... return` written, and never called
    source = """
        import math
        def h(n):
            return math.sqrt(2.0) * n
        def g():
            return h(3.0) * 3
        def f(x, y):
            return x * g() + y
        """
    check(source, [(0.4, -0.7)])
    text = backgen.generate(textwrap.dedent(source), name="f")
    assert "g_backward" not in text and "h_backward" not in text and "def g():" in text


def test_atan2_at_the_origin_through_a_cut_path():
    # math.atan2(0.0 * x, 0.0 * y): its rule divided by math.hypot(0, 0) (ZeroDivisionError) where no
    # gradient flows into its arguments, the true one 0
    check("""
        import math
        def f(x, y):
            a = math.atan2(x * 0.0, y * 0.0) * x
            if x > 0:
                a = a + math.atan2(0.0, 0.0 * x)
            return a + math.atan2(y, x) * y
        """, [(0.5, 0.3), (-0.5, 0.3), (0.5, -0.3)])
