"""Loops whose iterations all have the same shapes are walked for a few iterations only, not all of
them: each is checked against central finite differences in float64, and the loops where an
iteration's shapes may differ (a list's items read at the loop's variable, a slice's bounds made of
it, a size the data decides) are walked further, as their shapes need."""

import textwrap
import zlib

import numpy as np
import pytest

import backgen
from backgen import shapes
from numeric import assert_backward_right, finite_differences

RNG = np.random.RandomState(11)


@pytest.fixture(autouse=True)
def _inputs_of_its_own(request):
    """Each test draws the same inputs whichever tests ran before it (in this process, or another)."""
    RNG.seed(zlib.crc32(request.node.name.encode()))


def assert_right(source, args, name="f"):
    return assert_backward_right(source, args, RNG, name)


@pytest.fixture
def walked(monkeypatch):
    """The number of operations the shape walks evaluate."""
    count = [0]
    op = shapes._Walker.op

    def counted(self, item, env):
        count[0] += 1
        return op(self, item, env)

    monkeypatch.setattr(shapes._Walker, "op", counted)
    return count


def test_a_long_loop_over_rows_is_walked_a_few_times(walked):
    text = assert_right("""
        import numpy as np
        def f(x: (400, 3), w: "3"):
            total = 0.0
            for n in range(x.shape[0]):
                total += np.tanh(x[n] * w).sum()
            return total
        """, [RNG.randn(400, 3) * 0.1, RNG.randn(3)])
    assert "for n in" in text
    assert walked[0] < 400  # (400 iterations of three operations each, walked at every iteration: 1,200 a walk)


def test_nested_loops_of_a_convolution_are_right(walked):
    text = assert_right('''
        import numpy as np
        def conv(x: "N, C, H, W", w: "F, C, HH, WW", b: "F"):
            N, C, H, W = x.shape
            F, _, HH, WW = w.shape
            H_out, W_out = H - HH + 1, W - WW + 1
            out = np.zeros((N, F, H_out, W_out))
            for n in range(N):
                for f in range(F):
                    for i in range(H_out):
                        for j in range(W_out):
                            out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * w[f]) + b[f]
            return out
        ''', [RNG.randn(2, 3, 5, 6), RNG.randn(4, 3, 2, 3), RNG.randn(4)], name="conv")
    assert "for n in reversed(range(N)):" in text


def test_a_slice_made_of_the_variable_is_walked_at_every_iteration():
    """x[i:i + 2] has one row at the last i: where NumPy broadcasts it otherwise, that is refused."""
    with pytest.raises(backgen.BackgenError, match="in one iteration of its loop and"):
        backgen.generate(textwrap.dedent("""
            import numpy as np
            def f(x: "T, 3", v: "2, 3"):
                total = 0.0
                for i in range(x.shape[0]):
                    total += np.sum(x[i:i + 2] * v)
                return total
            """), name="f")


def data_sized(x):
    total = 0.0
    for n in range(x.shape[0]):
        k = int(x[n, 0])
        total += np.sum(np.ones(k) * x[n, 1] + np.ones((k, 1)) * x[n, 1] ** 2)
    return total


def test_a_size_the_data_decides_is_right_at_every_iteration():
    """k is decided by each row's data: 2 in every iteration but the last, where it is 1."""
    x = np.column_stack([np.full(40, 2.5), RNG.randn(40)])
    x[-1, 0] = 1.5
    got = backgen.backward(data_sized).backward(x.copy(), dout=1.3)
    want, = finite_differences(lambda v: data_sized(v.copy()), [x], [0], (1.3,))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_the_variable_read_after_the_loop_has_its_last_value():
    """After the loop n is the last index: x[n:] has one row, which broadcasts against w's rows."""
    assert_right("""
        import numpy as np
        def f(x: "N, D", w: "M, D"):
            total = 0.0
            for n in range(x.shape[0]):
                total += np.sum(np.tanh(x[n]))
            return total + np.sum(x[n:] * w)
        """, [RNG.randn(6, 3), RNG.randn(4, 3)])


@pytest.fixture
def copies(monkeypatch):
    """The writes of the sample runs that copied the array they write into (see shapes.owned)."""
    count = [0, 0]  # (copied, written in place)
    owned = shapes.owned

    def counted(value):
        result = owned(value)
        count[result is value] += 1
        return result

    monkeypatch.setattr(shapes, "owned", counted)
    monkeypatch.setattr(shapes, "_SOLE", shapes._SOLE + 1)  # (counted's own parameter holds it too)
    return count


def test_a_preallocated_array_filled_in_a_loop_is_not_copied_at_each_write(copies):
    """im2col written with loops: each column written into cols, which nothing else holds."""
    text = assert_right('''
        import numpy as np
        def conv_im2col(x: "N, C, H, W", w: "F, C, HH, WW", b: "F"):
            N, C, H, W = x.shape
            F, _, HH, WW = w.shape
            H_out, W_out = H - HH + 1, W - WW + 1
            cols = np.zeros((C * HH * WW, N * H_out * W_out))
            col = 0
            for n in range(N):
                for i in range(H_out):
                    for j in range(W_out):
                        cols[:, col] = x[n, :, i:i + HH, j:j + WW].reshape(-1)
                        col += 1
            out = w.reshape(F, -1) @ cols + b.reshape(-1, 1)
            return np.sum(out.reshape(F, N, H_out, W_out) ** 2)
        ''', [RNG.randn(2, 2, 4, 3), RNG.randn(3, 2, 2, 2), RNG.randn(3)], name="conv_im2col")
    assert "cols[:, col] = " in text
    copied, in_place = copies
    assert in_place > 100 and copied < 20


def test_an_array_another_name_holds_is_copied_before_a_write():
    """r is a view of out taken before the loop, and y another name for x: the sample runs copy where
    NumPy's write would be seen through them, and the gradients are right."""
    assert_right("""
        import numpy as np
        def f(x: "N, D", w: "D"):
            out = np.zeros((x.shape[0], x.shape[1]))
            keep = out * 1.0
            for n in range(x.shape[0]):
                out[n] = np.tanh(x[n] * w) + keep[n]
                keep = keep + out
            return np.sum(out * keep)
        """, [RNG.randn(5, 3), RNG.randn(3)])


def written_through_a_view(y):
    view = y[:]
    view[:-1] *= 2.0
    total = 0.0
    for i in range(y.shape[0]):
        row = y[i].copy()
        row[0] = row[1] * 3.0
        total += np.sum(row ** 2)
    return total


def test_a_write_into_a_view_of_an_argument_leaves_the_callers_array_alone():
    """The decorator's sample runs are the call's arrays: a write into a view of one (which no other name
    holds) is made into a copy, not into the caller's memory; so is one into an array no view reaches."""
    y = RNG.randn(4, 3)
    kept = y.copy()
    got = backgen.backward(written_through_a_view).backward(y, dout=0.7)
    np.testing.assert_array_equal(y, kept)
    want, = finite_differences(lambda v: written_through_a_view(v.copy()), [kept], [0], (0.7,))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
