"""The decorator on one function called with arrays of many shapes, orders in memory and kinds: each
backward against central differences of the module as Python runs it, the inputs left as they were."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient, module_in


def _module(tmp_path, text, name):
    return module_in(tmp_path, "import numpy as np\n\n\n" + textwrap.dedent(text), name)


def _check(forward, decorated, x):
    given = x.copy(order="K")
    got = decorated.backward(x)
    assert np.array_equal(x, given) and x.strides == given.strides  # (the input as it was)
    want = gradient(lambda v: float(forward(v.copy(order="K"))), [x], 0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


# a new array a ufunc makes of C-contiguous arrays is C-contiguous (order 'K'): a write through its reshape
# is one into it, in the code for the C-contiguous arrays passed (the decorator keys its code on that)
ELEMENTWISE_THEN_WRITE = {
    "abs": "abs(x)",
    "sigmoid": "1.0 / (1.0 + np.exp(-x))",
    "where_of_a_test": "np.where(x > 0, x, 0.1 * x)",
    "where_of_tests": "np.where((x > 0) & ~(x > 1.0), x, 0.0)",
    "where_of_isnan": "np.where(np.isnan(x), 0.0, x * x)",
    "where_of_slices": "np.where(x[::2] > 0, x[::2], 0.0)",
}


@pytest.mark.parametrize("case", sorted(ELEMENTWISE_THEN_WRITE))
def test_a_write_through_a_reshape_of_a_ufunc_s_result_is_followed_for_c_contiguous_inputs(case, tmp_path):
    module = _module(tmp_path, f"""
        def f(x):
            h = {ELEMENTWISE_THEN_WRITE[case]}
            v = h.reshape(-1)
            v[::2] = v[::2] * 0.5
            return np.sum(h ** 2) + np.sum(h * x[:h.shape[0]])
        """, f"deco_{case}")
    decorated = backgen.backward(module.f)
    x = np.random.default_rng(0).standard_normal((4, 3))
    _check(module.f, decorated, x)
    _check(module.f, decorated, x[::-1].copy())
    # of an array in another order NumPy's reshape is a copy: refused, as before, naming the write
    with pytest.raises(backgen.BackgenError, match="may have been changed by the write into 'v'"):
        decorated.backward(np.asfortranarray(x))


# code that makes no size of its own is generated once for every batch size: a reversal (x[::-1], the
# backward of np.cumsum) keeps the size it slices, np.arange(g.size) reads one as it is, and the helpers
# backgen writes into the module (_unbroadcast, the backward of np.add.at) are written for every shape
SIZE_FREE = {
    "cumsum": ("""
        def f(x, idx):
            return np.sum(np.cumsum(x, axis=1) ** 2)
        """, False),
    "flip_write": ("""
        def f(x, idx):
            h = x * 1.0
            r = h[::-1]
            r[0] = r[0] * 4.0
            return np.sum(h * x)
        """, False),
    "fancy_write": ("""
        def f(x, idx):
            h = x.copy()
            h[idx] = h[idx] * 3.0
            return np.sum(h * h)
        """, True),
    "add_at": ("""
        def f(x, idx):
            h = np.zeros(x.shape)
            np.add.at(h, idx, x[idx])
            return np.sum(h ** 2)
        """, True),
}


@pytest.mark.parametrize("case", sorted(SIZE_FREE))
def test_code_making_no_size_of_its_own_is_generated_once_for_every_batch_size(case, tmp_path):
    text, indexed = SIZE_FREE[case]
    module = _module(tmp_path, text, f"deco_sizes_{case}")
    decorated = backgen.backward(module.f)
    built = []
    build = decorated._build
    decorated._build = lambda *args, **kwargs: built.append(1) or build(*args, **kwargs)
    rng = np.random.default_rng(1)
    for n in (5, 6, 7, 9, 12, 8):
        x = rng.standard_normal((n, 4))
        idx = np.array([n - 1, 0, n - 1]) if indexed else np.array([0, 1, 2])
        got = decorated.backward(x, idx)
        want = gradient(lambda v: float(module.f(v, idx)), [x], 0)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert len(built) == 1


def test_a_loss_indexing_its_rows_by_np_arange_is_generated_once_for_every_regularization(tmp_path):
    # np.arange(N) of a size makes no integers of the numbers given: reg's value is not keyed
    module = _module(tmp_path, """
        def softmax_loss(W, X, y, reg):
            N = X.shape[0]
            s = X @ W
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            return -np.log(p[np.arange(N), y]).sum() / N + reg * np.sum(W * W)

        def first(x, s):
            k = int(s)
            n = x.shape[0]
            return np.sum(x[:k] ** 2) * s + np.sum(x[np.arange(n)])
        """, "deco_reg_sweep")
    decorated = backgen.backward(module.softmax_loss)
    built = []
    build = decorated._build
    decorated._build = lambda *args, **kwargs: built.append(1) or build(*args, **kwargs)
    rng = np.random.default_rng(2)
    W, X, y = rng.standard_normal((5, 3)), rng.standard_normal((4, 5)), np.array([0, 2, 2, 1])
    for reg in (1e-3, 0.1, 0.5, 2.0):
        dW, dX, dreg = decorated.backward(W, X, y, reg)
        np.testing.assert_allclose(dW, gradient(lambda w: module.softmax_loss(w, X, y, reg), [W], 0),
                                   rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(dX, gradient(lambda v: module.softmax_loss(W, v, y, reg), [X], 0),
                                   rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(dreg, np.sum(W * W))
    assert len(built) == 1
    # int(s) makes integers of s: its values are keyed, each generating its own code
    rounded = backgen.backward(module.first)
    x = np.arange(1.0, 6.0)
    for s in (1.5, 3.5, 2.5):
        dx, ds = rounded.backward(x, s)
        np.testing.assert_allclose(dx, gradient(lambda v: module.first(v, s), [x], 0), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(ds, gradient(lambda v: module.first(x, v), [s], 0), rtol=1e-6, atol=1e-7)


def test_a_forward_writing_into_no_array_is_generated_once_for_arrays_of_every_order(tmp_path):
    # the order of an array in memory tells only which reshapes are views, which matters where a write
    # goes through one: a forward writing into nothing gets the same code for x, x.T's transpose, x[::-1]
    module = _module(tmp_path, """
        def affine(x, w, b):
            out = x.reshape(x.shape[0], -1) @ w + b
            return np.sum(sig(out) ** 2)

        def sig(z):
            return 1.0 / (1.0 + np.exp(-z))

        def softmax(x, y):
            p = np.exp(x - x.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            return -np.sum(np.log(p[np.arange(x.shape[0]), y]))

        def written(x):
            h = x + 0.0
            v = h.reshape(-1)
            v[0] = 5.0
            return np.sum(h * x)
        """, "deco_orders")
    decorated = backgen.backward(module.affine)
    built = []
    build = decorated._build
    decorated._build = lambda *args, **kwargs: built.append(1) or build(*args, **kwargs)
    rng = np.random.default_rng(3)
    w, b = rng.standard_normal((6, 4)), rng.standard_normal(4)
    base = rng.standard_normal((5, 2, 3))
    for x in (base, np.asfortranarray(base), base[::-1].copy()[::-1], base.transpose(2, 1, 0).copy().T,
              np.broadcast_to(base[:1], base.shape)):
        given = x.copy(order="K")
        dx, dw, db = decorated.backward(x, w, b)
        assert np.array_equal(x, given)
        plain = np.array(x)
        for got, k in ((dx, 0), (dw, 1), (db, 2)):
            want = gradient(lambda *a: float(module.affine(*a)), [plain, w, b], k)
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert len(built) == 1
    # p /= ...: a write, but through no view an order makes (a reshape): one code for every order too
    loss = backgen.backward(module.softmax)
    built.clear()
    loss._build = lambda *args, **kwargs: built.append(1) or build.__func__(loss, *args, **kwargs)
    y = np.array([0, 2, 1, 1])
    for x in (rng.standard_normal((4, 3)), np.asfortranarray(rng.standard_normal((4, 3)))):
        got = loss.backward(x, y)
        np.testing.assert_allclose(got, gradient(lambda v: module.softmax(v, y), [x], 0), rtol=1e-6, atol=1e-7)
    assert len(built) == 1
    # a write through a reshape: a view of a C-contiguous array, a copy of another (keyed on the order)
    writing = backgen.backward(module.written)
    x = rng.standard_normal((3, 4))
    _check(module.written, writing, x)
    with pytest.raises(backgen.BackgenError, match="may have been changed by the write into 'v'"):
        writing.backward(np.asfortranarray(x))
    _check(module.written, writing, x[::-1].copy())


def test_a_helper_made_by_exec_is_refused_at_its_call_not_as_an_internal_error(tmp_path):
    module = _module(tmp_path, """
        def act(z):
            return np.tanh(z)

        def f(x, w):
            return np.sum(act(x @ w) ** 2)
        """, "deco_exec_helper")
    exec("def act(z):\n    return np.sin(z)\n", module.__dict__)  # (no source backgen can read)
    with pytest.raises(backgen.BackgenError, match=r"cannot read the source of act\(\)") as caught:
        backgen.backward(module.f).backward(np.ones((2, 3)), np.ones((3, 2)))
    assert "internal error" not in str(caught.value)
    assert "act(x @ w)" in caught.value.text  # (the line calling it)


def test_a_list_of_lists_of_numbers_used_whole_is_read_as_its_array(tmp_path):
    # (it was refused, saying to pass np.array(x); a matrix written as its rows is now read as its array, its
    # gradient given back as rows)
    module = _module(tmp_path, """
        def f(x, w):
            return np.sum((np.asarray(x) @ w) ** 2)
        """, "deco_nested_list")
    decorated = backgen.backward(module.f)
    x, w = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5, -1.0], [2.0, 0.25]])
    rows, _ = decorated.backward([[1.0, 2.0], [3.0, 4.0]], w)
    assert isinstance(rows, list) and isinstance(rows[0], list)
    np.testing.assert_allclose(np.array(rows), gradient(module.f, [x, w], 0), rtol=1e-6, atol=1e-7)
    dx, dw = decorated.backward(x, w)  # (as an array: NumPy's meaning)
    np.testing.assert_allclose(dx, gradient(module.f, [x, w], 0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(dw, gradient(module.f, [x, w], 1), rtol=1e-6, atol=1e-7)


def test_a_tuple_of_integers_indexing_is_the_index_python_reads_and_carries_no_gradient(tmp_path):
    # W[(0, 1)] is W[0, 1], one entry, not rows 0 and 1 (as np.asarray((0, 1)) would index); a tuple or list
    # of integers the forward indexes or sizes with is no input to differentiate, as integer arrays are not
    module = _module(tmp_path, """
        def gather(W, idx):
            return np.sum(W[idx] ** 2)

        def shaped(x, shape):
            return np.sum(x.reshape(shape)[0] ** 2)
        """, "deco_int_tuples")
    W = np.arange(10.0).reshape(5, 2) / 10
    named = backgen.backward(module.gather, wrt=["W"])
    np.testing.assert_allclose(named.backward(W, (0, 1)), gradient(lambda w: module.gather(w, (0, 1)), [W], 0),
                               rtol=1e-6, atol=1e-7)
    gather = backgen.backward(module.gather)
    for idx in ((0, 1), (4, -1), [0, 1], [3, 3, 0], (2,)):
        got = gather.backward(W, idx)
        np.testing.assert_allclose(got, gradient(lambda w: module.gather(w, idx), [W], 0), rtol=1e-6, atol=1e-7)
    x = np.arange(24.0).reshape(2, 3, 4) / 10
    shaped = backgen.backward(module.shaped)
    for shape in ((4, 6), [6, 4], (3, -1)):
        got = shaped.backward(x, shape)
        np.testing.assert_allclose(got, gradient(lambda v: module.shaped(v, shape), [x], 0), rtol=1e-6, atol=1e-7)


def test_np_take_s_indices_are_labels_and_a_tuple_an_array_would_index_otherwise_is_refused(tmp_path):
    module = _module(tmp_path, """
        def take(W, idx):
            return np.sum(np.take(W, idx) ** 3)

        def take_rows(W, idx):
            return np.sum(W.take(idx, axis=0) ** 3)

        def rows(W, idx):
            return np.sum(np.tanh(W[idx, :] * 2.0))
        """, "deco_take")
    W = np.arange(12.0).reshape(4, 3) / 10
    for name in ("take", "take_rows", "rows"):
        forward = getattr(module, name)
        decorated = backgen.backward(forward)
        for idx in ([3, 1, 1], np.array([3, 1, -1]), np.array([[0, 1], [1, 1]])):
            got = decorated.backward(W, idx)  # (idx: labels, not differentiated)
            np.testing.assert_allclose(got, gradient(lambda w: forward(w, idx), [W], 0), rtol=1e-6, atol=1e-7)
        with pytest.raises(backgen.BackgenError, match="idx is given a tuple of integers"):
            decorated.backward(W, (3, 1))


def test_an_upstream_gradient_of_more_axes_than_the_output_is_refused_not_broadcast_into_the_gradient(tmp_path):
    module = _module(tmp_path, """
        def act(x):
            return np.tanh(x) * 2.0
        """, "deco_dout_axes")
    decorated = backgen.backward(module.act)
    x = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    dout = np.linspace(0.5, 1.5, 12).reshape(4, 3)
    got = decorated.backward(x, dout=dout)
    np.testing.assert_allclose(got, gradient(lambda v: float(np.sum(module.act(v) * dout)), [x], 0),
                               rtol=1e-6, atol=1e-7)
    with pytest.raises(TypeError, match=r"the gradient of x came out of shape \(2, 4, 3\), not x's \(4, 3\)"):
        decorated.backward(x, dout=np.ones((2, 4, 3)))
