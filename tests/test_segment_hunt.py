"""Grouped, sparse and sorted operations as NumPy code writes them: segment sums and means, scatters by
ids, CSR products written with indptr and loops, keys sorted by, graphs' edge lists.

Each backward is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters; integer arrays (ids, offsets, keys) carry none.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, check_gradients, imported

RNG = np.random.default_rng(7)
X6 = np.array([0.31, -1.24, 0.77, 1.52, -0.45, 0.08])
X8 = np.array([0.5, -0.9, 1.3, 0.2, -1.7, 0.85, -0.35, 1.05])
V4 = np.array([0.6, -1.1, 0.35, 1.45])
DATA = np.array([1.2, -0.7, 0.4, 2.1, -1.3, 0.9])
INDICES = np.array([0, 2, 1, 0, 3, 2])
INDPTR = np.array([0, 2, 3, 5, 6])


def _decorated_right(text, args):
    """The decorator's backward of ``f`` in ``text`` (a module of its own) at ``args`` matches central
    differences with respect to the float arrays among them, the gradients in their order."""
    func = imported("import numpy as np\n\n\n" + textwrap.dedent(text), "segment_hunt")["f"]
    copies = [a.copy() for a in args]
    got = backgen.backward(func).backward(*copies)
    for before, after in zip(args, copies):
        np.testing.assert_array_equal(before, after)
    check_gradients(got, func, args, [k for k, a in enumerate(args) if a.dtype.kind == "f"])


# --- the decorator: integer arrays no output depends on through a gradient are labels ---------------

INERT_INTEGERS = {
    "lexsort_keys": ('''
        def f(x, a, b):
            order = np.lexsort((b, a))
            return np.sum(np.cumsum(x[order]) ** 2)
    ''', [X6, np.array([1, 0, 1, 0, 2, 2]), np.array([3, 1, 0, 2, 1, 0])]),
    "argsort_key": ('''
        def f(X, key):
            order = np.argsort(key, kind="stable")
            return np.sum(X[order][:3] ** 2)
    ''', [RNG.standard_normal((6, 3)), np.array([0, 2, 0, 3, 2, 0])]),
    "isin_of_ids": ('''
        def f(x, ids, keep):
            m = np.isin(ids, keep)
            return np.sum(x[m] ** 2)
    ''', [X6, np.array([0, 2, 0, 3, 2, 0]), np.array([0, 3])]),
    "nonzero_of_ids": ('''
        def f(x, ids):
            nz = np.nonzero(ids)[0]
            return x[nz].sum() * x[0]
    ''', [X6, np.array([0, 2, 0, 3, 2, 0])]),
    "csr_indptr_as_bounds": ('''
        def f(data, indices, indptr, x):
            n = len(indptr) - 1
            y = np.zeros(n)
            for i in range(n):
                for k in range(indptr[i], indptr[i + 1]):
                    y[i] += data[k] * x[indices[k]]
            return np.sum(y ** 2)
    ''', [DATA, INDICES, INDPTR, V4]),
    "flat_index_of_rows_and_columns": ('''
        def f(x, r, c):
            flat = r * 3 + c
            return np.sum(np.bincount(flat, weights=x, minlength=9).reshape(3, 3) ** 2)
    ''', [X6, np.array([0, 1, 2, 0, 1, 0]), np.array([1, 1, 2, 1, 0, 1])]),
    "run_lengths_to_offsets": ('''
        def f(x, runs):
            starts = np.concatenate([[0], np.cumsum(runs)[:-1]])
            return np.sum(np.add.reduceat(x, starts) ** 2)
    ''', [X8, np.array([2, 3, 3])]),
    "segment_loop_over_ids": ('''
        def f(scores, seg):
            out = np.zeros_like(scores)
            for g in range(seg.max() + 1):
                m = seg == g
                if m.any():
                    e = np.exp(scores[m] - scores[m].max())
                    out[m] = e / e.sum()
            return np.sum(out * np.arange(len(scores)))
    ''', [np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.9, -1.4]), np.array([1, 2, 0, 3, 1, 3, 0])]),
}


@pytest.mark.parametrize("case", sorted(INERT_INTEGERS))
def test_decorator_leaves_out_integer_arrays_that_carry_no_gradient(case):
    # each was refused: "'a' is integer (int64): it carries no gradient; leave it out of wrt"
    text, args = INERT_INTEGERS[case]
    _decorated_right(text, args)


def test_decorator_still_refuses_an_integer_array_used_in_arithmetic():
    # x / lengths: a float there would have a gradient; integers given it are refused, not left out
    func = imported(textwrap.dedent('''
        import numpy as np


        def f(X, lengths):
            mask = np.arange(X.shape[1])[None, :] < lengths[:, None]
            return np.sum(np.sum(X * mask, axis=1) / lengths)
    '''), "segment_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="'lengths' is integer"):
        backgen.backward(func).backward(RNG.standard_normal((3, 4)), np.array([1, 3, 2]))


def test_decorator_with_wrt_given_still_refuses_an_inert_integer_array():
    func = imported(textwrap.dedent('''
        import numpy as np


        def f(x, key):
            return np.sum(np.cumsum(x[np.argsort(key)]) ** 2)
    '''), "segment_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="'key' is integer"):
        backgen.backward(func, wrt=("x", "key")).backward(X6, np.array([3, 1, 0, 2, 5, 4]))


# --- shape-free code: an array whose elements are counts or bounds holds integers -------------------

ELEMENT_BOUNDS = {
    "csr_matvec": '''
        def f(data, indices, indptr, x):
            n = len(indptr) - 1
            y = np.zeros(n)
            for i in range(n):
                for k in range(indptr[i], indptr[i + 1]):
                    y[i] += data[k] * x[indices[k]]
            return y
    ''',
    "csr_transposed_matvec": '''
        def f(data, indices, indptr, x):
            y = np.zeros(4)
            for i in range(len(indptr) - 1):
                for k in range(indptr[i], indptr[i + 1]):
                    y[indices[k]] += data[k] * x[i]
            return y
    ''',
    "csr_row_norms_by_slices": '''
        def f(data, indices, indptr, x):
            out = np.zeros(len(indptr) - 1)
            for i in range(len(indptr) - 1):
                row = data[indptr[i]:indptr[i + 1]] * x[indices[indptr[i]:indptr[i + 1]]]
                out[i] = np.sqrt(np.sum(row ** 2))
            return out
    ''',
}


@pytest.mark.parametrize("case", sorted(ELEMENT_BOUNDS))
def test_shape_free_reads_an_array_of_bounds_as_integers(case):
    # was refused without shapes: indptr sampled as floats ("only integer scalar arrays ...")
    assert_generated_right(ELEMENT_BOUNDS[case], [DATA, INDICES, INDPTR, V4],
                           douts=(np.array([0.7, -1.2, 0.4, 1.9]),))


def test_shape_free_split_at_offsets_given_as_elements():
    assert_generated_right('''
        def f(x, offsets):
            parts = np.split(x, offsets[1:])
            return np.array([np.sum(p ** 2) for p in parts])
    ''', [X8, np.array([0, 2, 5])], douts=(np.array([0.3, -1.1, 0.8]),))


def test_shape_free_embedding_bag_by_offsets():
    assert_generated_right('''
        def f(W, idx, offsets):
            n = len(offsets)
            out = np.zeros((n, W.shape[1]))
            ends = list(offsets[1:]) + [len(idx)]
            for b in range(n):
                out[b] = W[idx[offsets[b]:ends[b]]].mean(axis=0)
            return out
    ''', [RNG.standard_normal((5, 3)), np.array([0, 3, 3, 1, 4, 2]), np.array([0, 2, 5])],
        douts=(RNG.standard_normal((3, 3)),))


# --- np.repeat by an array of counts: each copy's gradient added back to its element ----------------

REPEATED_BY_COUNTS = {
    "segment_values_spread_back": ('''
        def f(x, g, lengths):
            return np.sum((x - np.repeat(g, lengths)) ** 2 * np.arange(8))
    ''', [X8, np.array([0.3, -0.7, 1.1])]),
    "columns_repeated": ('''
        def f(X, g, lengths):
            return np.sum(np.repeat(g, lengths, axis=1) * X)
    ''', [RNG.standard_normal((2, 8)), RNG.standard_normal((2, 3))]),
    "rows_repeated": ('''
        def f(X, g, lengths):
            return np.sum(np.tanh(np.repeat(g, lengths, axis=0)) * X)
    ''', [RNG.standard_normal((8, 2)), RNG.standard_normal((3, 2))]),
}


@pytest.mark.parametrize("lengths", [[2, 3, 3], [0, 5, 3]], ids=["no_empty", "an_empty_segment"])
@pytest.mark.parametrize("case", sorted(REPEATED_BY_COUNTS))
def test_decorator_repeat_by_an_array_of_counts(case, lengths):
    # was refused: "np.repeat needs one whole number of repeats"
    text, args = REPEATED_BY_COUNTS[case]
    _decorated_right(text, args + [np.array(lengths)])


def test_repeat_by_counts_the_decorator_keeps_for_other_counts_of_the_same_shapes():
    text, args = REPEATED_BY_COUNTS["segment_values_spread_back"]
    func = imported("import numpy as np\n\n\n" + textwrap.dedent(text), "segment_hunt")["f"]
    decorated = backgen.backward(func)
    for lengths in ([2, 3, 3], [1, 1, 6], [8, 0, 0]):
        given = args + [np.array(lengths)]
        check_gradients(decorated.backward(*given), func, given, [0, 1])


def test_shape_free_segment_means_subtracted_by_reduceat_and_repeat():
    assert_generated_right('''
        def f(x, offsets):
            lengths = np.diff(np.append(offsets, x.size))
            means = np.add.reduceat(x, offsets) / lengths
            return x - np.repeat(means, lengths)
    ''', [X8, np.array([0, 2, 5])], douts=(RNG.standard_normal(8),))


# --- np.take without shapes: the places it read, for every rank --------------------------------------

TAKES = {
    "flat": ("np.sum(np.take(x, idx) ** 2)", RNG.standard_normal((3, 4)), np.array([0, 7, 7, -1])),
    "flat_of_a_vector": ("np.sum(np.take(x, idx) * np.arange(4))", X6, np.array([0, 3, 3, -2])),
    "rows": ("np.sum(np.take(x, idx, axis=0) ** 3)", RNG.standard_normal((5, 3)), np.array([0, 3, 3, -1])),
    "columns_of_three_axes": ("np.sum(np.tanh(np.take(x, idx, axis=1)))", RNG.standard_normal((2, 4, 3)),
                              np.array([1, 1, 3])),
    "last_axis_method": ("np.sum(x.take(idx, axis=-1) ** 2)", RNG.standard_normal((2, 3, 4)), np.array([2, 0, 2])),
    "a_number_along_its_axis": ("np.sum(np.take(x, idx, axis=0) ** 2)", 0.7, np.array([0, 0, -1])),
}


@pytest.mark.parametrize("case", sorted(TAKES))
def test_shape_free_take_scatters_back_to_the_places_read(case):
    # was refused without shapes: "the gradient of np.take depends on the shapes of its operands"
    expression, x, idx = TAKES[case]
    assert_generated_right(f'''
        def f(x, idx):
            return {expression}
    ''', [x, idx])


# --- np.diff with prepend or append without shapes ----------------------------------------------------

PADDED_DIFFS = {
    "prepend_a_number": ("np.diff(x, prepend=0.0) * w", [X6, X6[::-1].copy()]),
    "prepend_a_parameter_number": ("np.diff(x, prepend=w) ** 2", [X6, 0.3]),
    "append_its_last_element": ("np.diff(x, append=x[-1]) * np.arange(6)", [X6, X6[::-1].copy()]),
    "both_along_rows": ("np.diff(x, axis=0, prepend=w[:1], append=w[-1:]) ** 2",
                        [RNG.standard_normal((4, 3)), RNG.standard_normal((2, 3))]),
    "second_differences_of_three_axes": ("np.tanh(np.diff(x, n=2, axis=1, prepend=w))",
                                         [RNG.standard_normal((2, 3, 2)), RNG.standard_normal((2, 1, 2))]),
    "more_differences_than_elements": ("np.diff(x, n=3, prepend=w)", [X6[:1].copy(), X6[1:2].copy()]),
}


@pytest.mark.parametrize("case", sorted(PADDED_DIFFS))
def test_shape_free_diff_with_prepend_or_append(case):
    # was refused without shapes: "np.diff with prepend or append is differentiated where the shapes are given"
    expression, args = PADDED_DIFFS[case]
    source = f'''
        def f(x, w):
            return {expression}
    '''
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    out = namespace["f"](*args)
    assert_generated_right(source, args, douts=(RNG.standard_normal(np.shape(out)),))


# --- np.put_along_axis: the write into its array, the last value written staying ---------------------

PUT_ALONG = {
    "top_k_kept_for_a_softmax": ('''
        def f(S):
            idx = np.argsort(S, axis=1)[:, -2:]
            M = np.full_like(S, -1e9)
            np.put_along_axis(M, idx, np.take_along_axis(S, idx, axis=1), axis=1)
            e = np.exp(M - M.max(axis=1, keepdims=True))
            return np.sum(e / e.sum(axis=1, keepdims=True) * np.arange(4))
    ''', [RNG.standard_normal((5, 4))]),
    "a_number_written": ('''
        def f(X, idx):
            Y = X.copy()
            np.put_along_axis(Y, idx[:, None], 0.0, axis=1)
            return np.sum(Y ** 2)
    ''', [RNG.standard_normal((4, 3)), np.array([0, 2, 2, 1])]),
    "repeated_places_last_stays": ('''
        def f(X, idx, V):
            Y = X * 1.0
            np.put_along_axis(Y, idx, V, axis=1)
            return np.sum(Y ** 3)
    ''', [RNG.standard_normal((3, 4)), np.array([[0, 0], [1, 3], [2, 2]]), RNG.standard_normal((3, 2))]),
    "values_broadcast_along_rows": ('''
        def f(X, idx, v):
            Y = X * 1.0
            np.put_along_axis(Y, idx, v, axis=0)
            return np.sum(np.tanh(Y) * np.arange(3))
    ''', [RNG.standard_normal((4, 3)), np.array([[3, 0, 1]]), RNG.standard_normal((1, 3))]),
    "flattened_by_keywords": ('''
        def f(X, idx, v):
            Y = X * 1.0
            np.put_along_axis(Y, indices=idx, values=v, axis=None)
            return np.sum(Y ** 2 * np.arange(6).reshape(2, 3))
    ''', [RNG.standard_normal((2, 3)), np.array([4, 0, 4]), RNG.standard_normal(3)]),
    "last_axis_of_three": ('''
        def f(T, idx, V):
            U = T * 2.0
            np.put_along_axis(U, idx, V, -1)
            return np.sum(U ** 2)
    ''', [RNG.standard_normal((2, 3, 4)), np.array([[[1], [3], [3]], [[0], [0], [2]]]),
          RNG.standard_normal((2, 3, 1))]),
}


@pytest.mark.parametrize("case", sorted(PUT_ALONG))
def test_put_along_axis_every_way(case):
    # was refused: "a call standing alone may write into its arguments ... assign what it computes"
    text, args = PUT_ALONG[case]
    assert_generated_right(text, args)
    _decorated_right(text, args)


# --- np.maximum.reduceat, np.minimum.reduceat, np.multiply.reduceat: segment extremes and products -----

SEGMENT_REDUCEATS = {
    "segment_max": ("np.maximum.reduceat(x, offsets)", X8, np.array([0, 2, 5])),
    "segment_min_indices_not_increasing": ("np.minimum.reduceat(x, offsets)", X8, np.array([0, 5, 2, 6])),
    "segment_logsumexp": ("np.log(np.add.reduceat(np.exp(x - np.repeat(np.maximum.reduceat(x, offsets), "
                          "np.diff(np.append(offsets, len(x))))), offsets)) + np.maximum.reduceat(x, offsets)",
                          X8, np.array([0, 2, 5])),
    "segment_product_with_a_zero": ("np.multiply.reduceat(x, offsets)", np.append(X8[:3], [0.0, *X8[4:]]),
                                    np.array([0, 2, 5])),
    "segment_max_along_columns": ("np.maximum.reduceat(x, offsets, axis=1)", RNG.standard_normal((3, 8)),
                                  np.array([0, 2, 5])),
    "segment_product_along_rows": ("np.multiply.reduceat(x, offsets, axis=0)", RNG.standard_normal((8, 2)),
                                   np.array([0, 3])),
}


@pytest.mark.parametrize("case", sorted(SEGMENT_REDUCEATS))
def test_segment_extremes_and_products_by_reduceat(case):
    # were refused: "np.maximum.reduceat has no derivative rule in backgen"
    expression, x, offsets = SEGMENT_REDUCEATS[case]
    text = f'''
        def f(x, offsets):
            return np.sum(np.sin({expression}))
    '''
    assert_generated_right(text, [x, offsets])
    _decorated_right(text, [x, offsets])


def test_put_along_axis_of_floats_into_integers_is_refused_not_differentiated():
    # NumPy truncates the floats written into an array of integers: no gradient reaches them there
    text = '''
        def f(X, idx):
            M = np.zeros(X.shape, dtype=int)
            np.put_along_axis(M, idx, np.take_along_axis(X, idx, axis=1), axis=1)
            return np.sum(M * X)
    '''
    func = imported("import numpy as np\n\n\n" + textwrap.dedent(text), "segment_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="floats into an array of integers"):
        backgen.backward(func).backward(RNG.standard_normal((4, 3)) * 3, np.array([[0], [2], [1], [1]]))


def test_put_along_axis_of_a_boolean_mask():
    text = '''
        def f(X, idx):
            M = np.zeros(X.shape, dtype=bool)
            np.put_along_axis(M, idx, True, axis=1)
            return np.sum(np.where(M, X, 0.0) ** 2)
    '''
    args = [RNG.standard_normal((4, 3)), np.array([[0], [2], [1], [1]])]
    assert_generated_right(text, args)
    _decorated_right(text, args)
