"""Array layouts as deep-learning and image code writes them in NumPy: pixel shuffles and
space-to-depth, patches, im2col and col2im (CS231n's ``np.add.at`` with ``slice(None)``), pads,
rolls, flips and turns (``np.rot90`` of a number of turns a loop counts), gathers (``np.take`` in
modes ``'wrap'`` and ``'clip'``), triangles' indices (``np.triu_indices_from``), joins and splits.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where every argument is a
number or an array) and by the decorator, or asserted refused with a ``BackgenError`` and part of
its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, float_positions, fresh_args, imported, shapes_of


def assert_right(source, args, name="f", free=True, given=True, seed=0):
    """generate without shapes (where ``free``), with shapes (where ``given``) and the decorator all give
    the gradients central differences give, for the float parameters, at an upstream gradient drawn at
    random."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "layouts_hunt")[name]
    positions = float_positions(args)
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    out = func(*fresh_args(args))
    dout = np.random.default_rng(seed).standard_normal(np.shape(out)) if np.shape(out) else 1.3
    want = finite_differences(lambda *v: func(*fresh_args(v)), list(args), positions, (dout,))
    shapes = shapes_of(func, args)
    ways = ([None] if free else []) + ([shapes] if shapes and given else [])
    for given in ways:
        text = backgen.generate(source, name=name, shapes=given, wrt=names)
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        got = namespace[f"{name}_backward"](*fresh_args(args), dout=dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)
    got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=dout)
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f", shapes=None):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name, shapes=shapes)


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# ---------------------------------------------------------------- np.add.at with slice(None)


def test_col2im_adds_columns_back_at_an_index_holding_slice_none():
    """CS231n's col2im_indices: np.add.at(x_padded, (slice(None), k, i, j), cols): the slice object in
    the index tuple was refused as a call of slice()."""
    source = '''
    def f(cols, w):
        k = np.array([[0], [1]])
        i = np.array([[0, 1, 1], [2, 0, 0]])
        out = np.zeros((2, 3, 4))
        np.add.at(out, (slice(None), k, i), cols * w)
        return np.tanh(out)
    '''
    assert_right(source, [_rand(2, 2, 3), _rand(3, seed=1)])


def test_add_at_with_a_slice_of_constant_bounds_after_the_indices():
    source = '''
    def f(v):
        out = np.zeros((3, 4))
        np.add.at(out, (np.array([0, 0, 2]), slice(1, None)), v)
        return out ** 2 + out
    '''
    assert_right(source, [_rand(3, 3)], free=False)


def test_cs231n_col2im_indices():
    source = '''
    def col2im_indices(cols, x, field_height=3, field_width=3, padding=1, stride=1):
        N, C, H, W = x.shape
        H_padded, W_padded = H + 2 * padding, W + 2 * padding
        x_padded = np.zeros((N, C, H_padded, W_padded), dtype=cols.dtype)
        out_height = (H + 2 * padding - field_height) // stride + 1
        out_width = (W + 2 * padding - field_width) // stride + 1
        i0 = np.repeat(np.arange(field_height), field_width)
        i0 = np.tile(i0, C)
        i1 = stride * np.repeat(np.arange(out_height), out_width)
        j0 = np.tile(np.arange(field_width), field_height * C)
        j1 = stride * np.tile(np.arange(out_width), out_height)
        i = i0.reshape(-1, 1) + i1.reshape(1, -1)
        j = j0.reshape(-1, 1) + j1.reshape(1, -1)
        k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
        cols_reshaped = cols.reshape(C * field_height * field_width, -1, N)
        cols_reshaped = cols_reshaped.transpose(2, 0, 1)
        np.add.at(x_padded, (slice(None), k, i, j), cols_reshaped)
        if padding == 0:
            return x_padded
        return x_padded[:, :, padding:-padding, padding:-padding] * x
    '''
    assert_right(source, [_rand(2 * 9, 16 * 2), _rand(2, 2, 4, 4, seed=1)], name="col2im_indices", free=False,
                 given=False)  # (the sizes given fit padding=1, sampled otherwise)


# ---------------------------------------------------------------- np.rot90 of turns computed


def test_rot90_of_the_turns_a_loop_counts():
    """for k in range(4): np.rot90(x, k) (test-time augmentation): a k not written as a number was
    refused; it is turned back by np.rot90(g, -k)."""
    source = '''
    def f(x):
        outs = [np.rot90(x, k) for k in range(4)]
        return sum(np.sum(o * o[::-1]) for o in outs)
    '''
    assert_right(source, [_rand(3, 3)])


def test_dihedral_augmentation_turned_back():
    source = '''
    def f(img, w):
        preds = []
        for k in range(4):
            r = np.rot90(img, k, axes=(0, 1))
            preds.append(np.rot90(np.tanh(r * w), -k, axes=(0, 1)))
        return np.mean(preds, axis=0)
    '''
    assert_right(source, [_rand(3, 3), 0.7])


def test_rot90_of_turns_a_parameter_gives():
    source = '''
    def f(x, k=1):
        return np.rot90(x, k) * np.arange(6).reshape(3, 2)
    '''
    assert_right(source, [_rand(2, 3)])


def test_rot90_of_a_non_square_turned_a_loop_counted_number_of_times():
    source = '''
    def f(x, w):
        outs = []
        for k in range(4):
            outs.append(np.sum(np.rot90(x, k)[0] ** 2) * w[k])
        return outs[0] + outs[1] * outs[2] - outs[3]
    '''
    assert_right(source, [_rand(2, 3), _rand(4, seed=1)])


# ---------------------------------------------------------------- np.take's modes and triangles' indices


def test_take_in_mode_wrap_along_an_axis():
    source = '''
    def f(x):
        return np.take(x, [[1, 4], [-1, -5]], axis=1, mode='wrap') * np.arange(4).reshape(2, 2)
    '''
    assert_right(source, [_rand(2, 3)])


def test_take_in_mode_clip_of_the_flattened_array():
    source = '''
    def f(x):
        return np.take(x, [7, -2, 1], mode="clip") ** 2
    '''
    assert_right(source, [_rand(2, 3)])


def test_take_in_mode_wrap_of_labels_given():
    source = '''
    def f(x, idx):
        return np.take(x, idx, axis=0, mode='wrap') ** 2
    '''
    assert_right(source, [_rand(3, 2), np.array([4, -1, 0, 5])])


def test_triu_and_tril_indices_from_are_indices():
    source = '''
    def f(A):
        il = np.tril_indices_from(A, k=-1)
        return np.sum(np.exp(A[il])) + np.sum(A[np.triu_indices_from(A)] ** 2)
    '''
    assert_right(source, [_rand(3, 3)])


def test_write_at_triu_indices_from():
    source = '''
    def f(A, v):
        B = A.copy()
        B[np.triu_indices_from(B, 1)] = v
        return B @ B.T
    '''
    assert_right(source, [_rand(3, 3), _rand(3, seed=1)], free=False)


# ---------------------------------------------------------------- a join of np.meshgrid's list


def test_swin_relative_position_index_stacks_meshgrid_whole():
    """Swin's relative position bias: np.stack(np.meshgrid(...)) of a grid not written as a list
    display was refused ("needs a list of arrays written out"); it is a join of the list np.meshgrid
    gives, as np.stack(np.split(...)) is."""
    source = '''
    def rel_bias(table, ws=2):
        coords = np.stack(np.meshgrid(np.arange(ws), np.arange(ws), indexing='ij'))
        flat = coords.reshape(2, -1)
        rel = flat[:, :, None] - flat[:, None, :]
        rel = rel.transpose(1, 2, 0)
        rel[:, :, 0] += ws - 1
        rel[:, :, 1] += ws - 1
        rel[:, :, 0] *= 2 * ws - 1
        index = rel.sum(-1)
        bias = table[index.reshape(-1)].reshape(ws * ws, ws * ws, -1)
        return bias.transpose(2, 0, 1)
    '''
    assert_right(source, [_rand(9, 2)], name="rel_bias", given=False)


def test_stack_of_a_meshgrid_of_parameters():
    source = '''
    def f(a, b):
        g = np.stack(np.meshgrid(a, b), axis=-1)
        return np.sum(g ** 2 * np.arange(2))
    '''
    assert_right(source, [_rand(3), _rand(2, seed=1)], free=False)


def test_concatenate_of_a_meshgrid_along_ij():
    source = '''
    def f(s, img):
        H, W = img.shape
        grid = np.concatenate(np.meshgrid(np.linspace(-s, s, W), np.linspace(-1, 1, H), indexing='ij'))
        return np.sum(np.sin(grid) * np.tile(img.T, (2, 1)))
    '''
    assert_right(source, [0.8, _rand(3, 4)], free=False)


def test_yolo_grid_of_a_stacked_meshgrid():
    source = '''
    def f(p):
        H, W = p.shape[:2]
        grid = np.stack(np.meshgrid(np.arange(W), np.arange(H)), -1)
        return np.sum((1 / (1 + np.exp(-p)) + grid) ** 2)
    '''
    assert_right(source, [_rand(2, 3, 2)])


# ---------------------------------------------------------------- the flat iterator, strides


def test_flat_iterator_read_at_an_index():
    """x.flat[::2] of a parameter was refused as an attribute of an object; it reads the elements of
    x.ravel(), a new array (a write into it leaves x alone)."""
    source = '''
    def f(x):
        y = x.flat[::2]
        y[0] = 0.0
        return np.sum(y ** 2) + np.sum(x ** 3) + x.flat[4] * x.flat[0] + np.sum(x.flat[[1, 1, 5]] ** 2)
    '''
    assert_right(source, [_rand(2, 3)])


def test_flat_iterator_of_a_transposed_product():
    source = '''
    def f(x):
        z = x.T * 2
        return z.flat[1:4] ** 2
    '''
    assert_right(source, [_rand(2, 3)])


def test_flat_iterator_not_indexed_is_refused_clearly():
    assert_refused('''
    def f(x):
        return np.sum(x.flat)
    ''', r"x\.flat, the flat iterator, is read where it is indexed")


def test_strides_and_as_strided_are_refused_pointing_to_sliding_windows():
    assert_refused('''
    def f(x, w):
        s0, s1 = x.strides
        win = np.lib.stride_tricks.as_strided(x, shape=(3, 3, 2, 2), strides=(s0, s1, s0, s1))
        return np.tensordot(win, w, axes=((2, 3), (0, 1)))
    ''', r"x\.strides reads how an array is laid out in memory.*sliding_window_view")
    assert_refused('''
    from numpy.lib.stride_tricks import as_strided
    def f(x):
        return as_strided(x, shape=(3, 2), strides=(8, 8)) ** 2
    ''', r"as_strided makes a view of any strides.*sliding_window_view")


# ---------------------------------------------------------------- np.pad's widths held by names


def test_pad_of_a_pair_held_by_a_parameter():
    """np.pad(x, [(0, 0), pad]) with pad=(1, 1): where the shapes were given, the pair held by a name
    was refused ("needs pad_width as numbers or names"); its middle is cut by the runtime helper."""
    source = '''
    def f(x, pad=(1, 1)):
        return np.pad(x, [(0, 0), pad], mode='constant').sum(axis=1) ** 2
    '''
    assert_right(source, [_rand(3, 4)])


def test_pad_edge_of_a_pair_held_by_a_parameter():
    source = '''
    def f(x, pad=(2, 1)):
        return np.pad(x, (pad, (0, 0)), mode='edge') ** 2
    '''
    assert_right(source, [_rand(3, 2)])


# ---------------------------------------------------------------- a string default read as a static argument


def test_pad_mode_of_a_string_default_written_for_the_default():
    """np.pad(x, 1, mode=mode) with mode='reflect' a default: refused by generate ("must be a
    constant"); the code is written for the default, as for an integer default, and checks it."""
    source = '''
    def conv_same(x, w, pad_mode="edge"):
        k = len(w)
        xp = np.pad(x, (k // 2, k // 2), pad_mode)
        return np.convolve(xp, w, mode="valid")
    '''
    assert_right(source, [_rand(6), _rand(3, seed=1)], name="conv_same")
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="conv_same")
    namespace = {}
    exec(text, namespace)
    with pytest.raises(ValueError, match=r"written for pad_mode='edge', the default"):
        namespace["conv_same_backward"](_rand(6), _rand(3), pad_mode="wrap", dout=_rand(6))


def test_take_mode_and_pad_mode_of_defaults():
    source = '''
    def f(x, mode='reflect', how='wrap'):
        y = np.pad(x, 2, mode=mode)
        return np.take(y, [9, -1, 3], mode=how) ** 2 + y[:3]
    '''
    assert_right(source, [_rand(4)])


def test_einsum_of_subscripts_a_parameter_gives_is_refused_clearly():
    assert_refused('''
    def f(a, b, spec='ij,jk->ik'):
        return np.einsum(spec, a, b) ** 2
    ''', r"np\.einsum's subscripts 'spec' are not a string written in the function")


# ---------------------------------------------------------------- np.repeat of counts made an array


def test_repeat_of_counts_written_as_an_array():
    """np.repeat(x, np.array([2, 0, 1]), axis=-1): counts written out as a list were followed, the same
    made an array refused ("needs one whole number of repeats ... or an array of them")."""
    source = '''
    def f(x):
        return np.repeat(x, np.array([2, 0, 1]), axis=-1) * np.arange(6).reshape(2, 3)
    '''
    assert_right(source, [_rand(2, 3)], free=False)


def test_repeat_of_counts_asarray_flattened():
    source = '''
    def f(x):
        return np.repeat(x, np.asarray([1, 0, 2, 1])) * np.arange(4)
    '''
    assert_right(source, [_rand(2, 2)], free=False)


def test_pad_in_mode_linear_ramp_is_refused_naming_the_mode():
    """np.pad(x, 2, mode='linear_ramp', end_values=0.0) was refused as a call of an unexpected keyword
    argument; it is refused naming the modes np.pad is differentiated in."""
    assert_refused('''
    def f(x):
        return np.pad(x, 2, mode='linear_ramp', end_values=0.0) * 2
    ''', r"np\.pad is differentiated in modes .*\(not 'linear_ramp'\)")


# ---------------------------------------------------------------- NumPy 2's np.unstack and np.astype


def test_unstack_along_an_axis_then_stacked_back():
    """np.unstack (NumPy 2.1) had no rule: it is the list of the rows of np.moveaxis(x, axis, 0)."""
    source = '''
    def f(x):
        a, b, c = np.unstack(x, axis=1)
        parts = np.unstack(x, axis=-1)
        return a * b + c ** 2 + np.stack(parts[::-1], axis=0).sum(axis=0)
    '''
    assert_right(source, [_rand(2, 3)])


def test_unstack_iterated():
    source = '''
    def f(x, W):
        out = 0.0
        for r in np.unstack(x):
            out = out + np.sum(np.tanh(r @ W))
        return out
    '''
    assert_right(source, [_rand(3, 2), _rand(2, 2, seed=1)])


def test_astype_function_of_float_and_integer_types():
    source = '''
    def f(x):
        return np.astype(x, np.float64) ** 2 * np.astype(x > 0, float) + np.astype(np.floor(x), np.int64)
    '''
    assert_right(source, [_rand(4)])


# ---------------------------------------------------------------- a helper returning sizes beside its array


def test_im2col_helper_returning_its_output_sizes():
    """col, oh, ow = im2col(x, k), then a reshape to (N, oh, ow, F): the sizes a helper returns beside
    its array were taken as values a gradient reaches, and the reshape refused ("the argument shape
    depends on a value that is differentiated"); they carry none."""
    source = '''
    def im2col(x, k):
        N, C, H, W = x.shape
        oh, ow = H - k + 1, W - k + 1
        col = np.zeros((N, C, k, k, oh, ow))
        for i in range(k):
            for j in range(k):
                col[:, :, i, j] = x[:, :, i:i + oh, j:j + ow]
        return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * oh * ow, -1), oh, ow

    def loss(x, y, W1, b1, W2, b2):
        N = x.shape[0]
        F, C, k, _ = W1.shape
        col, oh, ow = im2col(x, k)
        h = (col @ W1.reshape(F, -1).T + b1).reshape(N, oh, ow, F).transpose(0, 3, 1, 2)
        h = np.maximum(h, 0)
        h = h.reshape(N, F, oh // 2, 2, ow // 2, 2).max(axis=(3, 5))
        scores = h.reshape(N, -1) @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)
        logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        return -logp[np.arange(N), y].mean()
    '''
    args = [_rand(2, 1, 5, 5), np.array([0, 2]), _rand(2, 1, 2, 2, seed=1), _rand(2, seed=2), _rand(8, 3, seed=3),
            _rand(3, seed=4)]
    assert_right(source, args, name="loss", free=False)


def test_helper_returning_a_number_a_gradient_reaches_beside_its_array():
    source = '''
    def scaled(x):
        s = np.sqrt(np.sum(x ** 2))
        n = x.shape[1]
        return x / s, s, n

    def f(x, w):
        y, s, n = scaled(x)
        return np.sum(y.reshape(-1, n) @ w) * s
    '''
    assert_right(source, [_rand(2, 3), _rand(3, seed=1)])


# ---------------------------------------------------------------- np.put


def test_put_is_the_write_through_the_flat_iterator():
    """np.put(y, ind, v) standing alone was refused as a call that may write into its arguments; it is
    y.flat[ind] = v (where an index repeats, the last value stays)."""
    source = '''
    def f(x, v):
        y = x * 2.0
        np.put(y, np.array([4, 1, 4]), v)
        return y ** 2
    '''
    assert_right(source, [_rand(2, 3), _rand(3, seed=1)], free=False)


def test_put_of_a_number():
    source = '''
    def f(x, s):
        y = x.copy()
        np.put(y, [1], s * 3.0)
        return y * x
    '''
    assert_right(source, [_rand(3), 0.4])


# ---------------------------------------------------------------- integers the sizes need, where shapes are given


def test_sample_run_failing_says_the_integers_it_ran_with():
    """pixel_shuffle(x, r) with x's shape given and r an integer of no default: the run at r=3 fails to
    reshape, which was said without r; the refusal says the integer it ran with and what to do."""
    assert_refused('''
    def pixel_shuffle(x, r):
        N, C, H, W = x.shape
        x = x.reshape(N, C // (r * r), r, r, H, W)
        return x.transpose(0, 1, 4, 2, 5, 3).reshape(N, C // (r * r), H * r, W * r)
    ''', r"cannot reshape .* \(run with the integer r=3: .*give it as the default \(r=\.\.\.\), or use the decorator",
        name="pixel_shuffle", shapes={"x": "1, 8, 2, 3", "r": "int"})


def test_sample_run_failing_at_an_integer_other_than_its_default_does_not_ask_for_a_default():
    """A season length with a default (m=4), run at m=3 where the code for every shape is written: the
    refusal says the integer it ran with, and the way that holds (the decorator), not to give the
    default it has."""
    with pytest.raises(backgen.BackgenError, match=r"run with the integer m=3: .*its value, use the decorator") as \
            refused:
        backgen.generate(textwrap.dedent('''
        import numpy as np

        def f(y, alpha, s0, m=4):
            n = len(y)
            s = np.zeros(n + m)
            s[:m] = s0
            loss = 0.0
            for t in range(1, n):
                loss += (y[t] - s[t]) ** 2
                s[t + m] = alpha * y[t] + (1 - alpha) * s[t]
            return loss
        '''))
    assert "give it as the default" not in str(refused.value)


def test_pixel_shuffle_of_a_default_factor_with_shapes_given():
    source = '''
    def pixel_shuffle(x, r=2):
        N, C, H, W = x.shape
        x = x.reshape(N, C // (r * r), r, r, H, W)
        return x.transpose(0, 1, 4, 2, 5, 3).reshape(N, C // (r * r), H * r, W * r)
    '''
    assert_right(source, [_rand(1, 8, 2, 3)], name="pixel_shuffle", free=False)


def test_maximum_at_of_an_index_holding_a_slice_without_shapes():
    """Code for every shape samples arrays of several ranks; NumPy's ufunc.at, given values of another
    rank than an index holding a slice selects, may crash the process (NumPy 2.4): the runtime helpers
    broadcast the values first, which raises a ValueError instead."""
    source = '''
    def f(v):
        out = np.full((2, 3), -5.0)
        np.maximum.at(out, (slice(None), np.array([0, 2, 0])), v)
        return out ** 2
    '''
    assert_right(source, [_rand(2, 3)])


def test_helper_result_filled_with_a_differentiated_number_is_no_constant():
    source = '''
    def g(x, s):
        return x * 2, np.full(3, s), x.shape[0]

    def f(x, s):
        y, t, n = g(x, s)
        return np.sum(y) * np.sum(t) + n
    '''
    assert_right(source, [_rand(3), 0.7])


def test_add_at_of_an_index_holding_an_ellipsis_without_shapes():
    """np.add.at(out, (..., idx), v) in code for every shape crashed the process (a segmentation fault
    in NumPy's ufunc.at, at a sample of values of another rank)."""
    source = '''
    def f(v):
        out = np.zeros((2, 3))
        np.add.at(out, (..., np.array([0, 2, 0])), v)
        return out ** 2
    '''
    assert_right(source, [_rand(2, 3)])
