"""Image processing and convolutional code as people write it by hand in NumPy: naive convolutions,
im2col with fancy indices, transposed convolutions, filters and color-space matrices kept in
module-level arrays.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters: generated with shapes given, without, and by
the decorator on the arrays.
"""

import textwrap

import numpy as np

import backgen
from numeric import assert_close, finite_differences, float_positions, imported

RNG = np.random.default_rng(31)


def assert_right_every_way(src, args, shapes, name):
    """The backward of ``name`` generated with ``shapes``, without shapes, and the decorator's, match
    central differences for an upstream gradient drawn at random, leaving their arguments as they were."""
    src = textwrap.dedent(src)
    namespace = imported(src, "vision")
    func = namespace[name]
    out = func(*[a.copy() for a in args])
    dout = RNG.standard_normal(np.shape(out)) if np.shape(out) else 1.3
    wrt = float_positions(args)
    want = finite_differences(lambda *a: func(*[v.copy() for v in a]), list(args), wrt, [dout])
    for given in (shapes, None):
        generated = {}
        exec(backgen.generate(src, name=name, shapes=given), generated)
        copies = [a.copy() for a in args]
        got = generated[f"{name}_backward"](*copies, dout=np.copy(dout))
        for before, after in zip(args, copies):
            np.testing.assert_array_equal(before, after)
        assert_close(got if len(wrt) > 1 else (got,), tuple(want), rtol=1e-6, atol=1e-8)
    got = backgen.backward(func).backward(*[a.copy() for a in args], dout=dout)
    assert_close(got if len(wrt) > 1 else (got,), tuple(want), rtol=1e-6, atol=1e-8)


# --- np.pad by a width computed from a size: the backward's slice subtracts the width whole ------


def test_transposed_convolution_by_zero_insertion_pads_by_the_kernel_size_less_one():
    # p = k.shape[0] - 1: the gradient is dup[p:shape - p], where dup[n - 1:shape - n - 1] was written
    assert_right_every_way('''
        import numpy as np

        def deconv(x, k, stride=2):
            H, W = x.shape
            up = np.zeros(((H - 1) * stride + 1, (W - 1) * stride + 1))
            up[::stride, ::stride] = x
            p = k.shape[0] - 1
            up = np.pad(up, p)
            kf = k[::-1, ::-1]
            Ho, Wo = up.shape[0] - k.shape[0] + 1, up.shape[1] - k.shape[1] + 1
            out = np.zeros((Ho, Wo))
            for i in range(Ho):
                for j in range(Wo):
                    out[i, j] = np.sum(up[i:i + k.shape[0], j:j + k.shape[1]] * kf)
            return out
    ''', [RNG.standard_normal((3, 3)), RNG.standard_normal((2, 2))], {"x": "3, 3", "k": "2, 2"}, "deconv")


def test_an_image_padded_on_every_side_by_a_kernel_size_less_one():
    assert_right_every_way('''
        import numpy as np

        def f(x, w):
            q = w.shape[0] - 1
            xp = np.pad(x, q)
            return np.sum(xp[1:, :-1] ** 2 * 0.5) + np.sum(xp[:3, :3] * w)
    ''', [RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))], {"x": "H, W", "w": "3, 3"}, "f")


# --- a helper given a shape (a tuple of integers): written out, with no gradient of its own --------


IM2COL = '''
    import numpy as np

    def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
        N, C, H, W = x_shape
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
        return (k, i, j)

    def im2col_indices(x, field_height, field_width, padding=1, stride=1):
        p = padding
        x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode='constant')
        k, i, j = get_im2col_indices(x.shape, field_height, field_width, padding, stride)
        cols = x_padded[:, k, i, j]
        C = x.shape[1]
        cols = cols.transpose(1, 2, 0).reshape(field_height * field_width * C, -1)
        return cols

    def conv_im2col(x, w, b):
        N, C, H, W = x.shape
        F = w.shape[0]
        cols = im2col_indices(x, 3, 3, padding=1, stride=1)
        res = w.reshape(F, -1) @ cols + b.reshape(-1, 1)
        return res.reshape(F, H, W, N).transpose(3, 0, 1, 2)
'''


def test_cs231n_im2col_indices_of_a_helper_given_x_shape_inside_a_helper():
    # get_im2col_indices(x.shape, ...) differentiates nothing: where im2col_indices, itself a helper,
    # calls it, its body is written out there (np.arange(C) was refused as built from x)
    assert_right_every_way(IM2COL, [RNG.standard_normal((2, 2, 4, 4)), RNG.standard_normal((2, 2, 3, 3)),
                                    RNG.standard_normal(2)], {"x": "N, C, H, W", "w": "F, C, 3, 3", "b": "F"},
                           "conv_im2col")


def test_the_helpers_staged_forward_calls_the_helper_written_out_in_its_backward():
    text = backgen.generate(textwrap.dedent(IM2COL), name="conv_im2col")
    assert "def get_im2col_indices(" in text and "def im2col_indices(" in text
    assert "def get_im2col_indices_backward" not in text


def test_a_helper_given_a_shape_at_the_top_level_too():
    assert_right_every_way('''
        import numpy as np

        def channel_index(shape, reps):
            n, c, h, w = shape
            return np.repeat(np.arange(c), reps)

        def f(x):
            k = channel_index(x.shape, 2)
            return np.sum(x[:, k, 0, 1] ** 2) + np.sum(x[:, :, 1, 1])
    ''', [RNG.standard_normal((2, 3, 2, 2))], {"x": "N, C, H, W"}, "f")


# --- kernels and matrices kept in module-level arrays ---------------------------------------


def test_sobel_kernels_of_the_module_one_the_transpose_of_the_other_given_a_dtype():
    assert_right_every_way('''
        import numpy as np

        SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
        SOBEL_Y = SOBEL_X.T

        def sobel(img):
            H, W = img.shape
            gx = np.zeros((H - 2, W - 2))
            gy = np.zeros((H - 2, W - 2))
            for i in range(H - 2):
                for j in range(W - 2):
                    patch = img[i:i+3, j:j+3]
                    gx[i, j] = np.sum(patch * SOBEL_X)
                    gy[i, j] = np.sum(patch * SOBEL_Y)
            return np.sqrt(gx ** 2 + gy ** 2)
    ''', [RNG.standard_normal((5, 5))], {"img": "H, W"}, "sobel")


def test_a_color_matrix_of_the_module_read_transposed():
    assert_right_every_way('''
        import numpy as np

        RGB2YUV = np.array([[0.299, 0.587, 0.114],
                            [-0.14713, -0.28886, 0.436],
                            [0.615, -0.51499, -0.10001]])

        def rgb2yuv(img):
            return img @ RGB2YUV.T + RGB2YUV.shape[0] * RGB2YUV.T[0]
    ''', [RNG.uniform(0.1, 0.9, (3, 4, 3))], {"img": "H, W, 3"}, "rgb2yuv")


def test_a_module_array_whose_transpose_a_function_names_is_no_constant():
    # KT = K.T in the function could be written into: K stays a global value, refused as one
    src = textwrap.dedent('''
        import numpy as np

        K = np.array([[1.0, 2.0], [3.0, 4.0]])

        def f(x):
            KT = K.T
            return np.sum(x * KT)
    ''')
    try:
        backgen.generate(src, name="f", shapes={"x": "2, 2"})
    except backgen.BackgenError as error:
        assert "global values are not supported" in str(error)
    else:
        raise AssertionError("K, read into a name by a view, was taken for a constant")


# --- sizes fitted to the code where a slice of one element broadcasts: refused, not written for it --


GRADIENT_PENALTY = '''
    import numpy as np

    def f(img, w):
        gx = img[:, 1:] - img[:, :-1]
        gy = img[1:, :] - img[:-1, :]
        norm = np.sqrt(gx[:-1, :] ** 2 + gy[:, :-1] ** 2 + 1e-8)
        return np.sum((norm - 1.0) ** 2 * w)
'''


def test_image_differences_weighted_by_a_fixed_window_run_at_two_patterns_of_sizes():
    # (H - 1, W - 1) against w's (3, 3): the forward runs at H = 2 (a row that broadcasts) and at
    # H = 4; code written for the first summed the rows' gradients into one, wrong at H = 4
    src = textwrap.dedent(GRADIENT_PENALTY)
    try:
        backgen.generate(src, name="f", shapes={"img": "H, W", "w": "3, 3"})
    except backgen.BackgenError as error:
        assert "would hold at some sizes only" in str(error)
    else:
        raise AssertionError("code written for sizes where a row broadcasts was accepted")


def test_image_differences_weighted_by_a_fixed_window_at_sizes_given_as_numbers():
    assert_right_every_way(GRADIENT_PENALTY, [RNG.standard_normal((4, 4)), RNG.standard_normal((3, 3))],
                           {"img": "4, 4", "w": "3, 3"}, "f")


def test_a_slice_of_a_vector_against_a_fixed_length_is_refused_where_its_length_may_be_one():
    src = textwrap.dedent('''
        import numpy as np

        def f(x, w):
            return np.sum(x[1:] * w)
    ''')
    try:
        backgen.generate(src, name="f", shapes={"x": "H", "w": "3"})
    except backgen.BackgenError as error:
        assert "would hold at some sizes only" in str(error)
    else:
        raise AssertionError("code written for x[1:] of one element was accepted")


# --- without shapes: a parameter np.einsum reads by subscripts written out is of their rank -------


def test_a_1x1_convolution_by_einsum_without_shapes():
    assert_right_every_way('''
        import numpy as np

        def conv1x1(x, w, b):
            """1x1 convolution: a matrix on the channel axis."""
            out = np.einsum("nchw,fc->nfhw", x, w)
            out += b[:, None, None]
            return out
    ''', [RNG.standard_normal((2, 3, 2, 2)), RNG.standard_normal((2, 3)), RNG.standard_normal(2)],
        {"x": "N, C, H, W", "w": "F, C", "b": "F"}, "conv1x1")


def test_einsum_ranks_of_a_name_rebound_or_of_two_ranks_are_not_taken():
    from backgen.shape_free import einsum_ranks
    import ast
    func = ast.parse(textwrap.dedent('''
        def f(x, w, v, u):
            a = np.einsum("ij,jk->ik", x, w)
            x = x.T
            b = np.einsum("i,ij", v, u) + np.einsum("ij", v) + np.einsum("...i,i", u, v)
            return a, b
    ''')).body[0]
    # x rebound, v read at ranks 1 and 2; a call with ... says nothing of u
    assert einsum_ranks(func, ("x", "w", "v", "u")) == {"w": 2, "u": 2}


# --- without shapes: a parameter rounded to an index, int(np.floor(x)), is a number ----------------


def test_bilinear_sample_at_a_point_given_as_two_numbers_without_shapes():
    args = [RNG.standard_normal((5, 5)), 1.3, 2.6]
    src = textwrap.dedent('''
        import numpy as np

        def bilinear(img, x, y):
            x0 = int(np.floor(x))
            y0 = int(np.floor(y))
            x1 = x0 + 1
            y1 = y0 + 1
            wa = (x1 - x) * (y1 - y)
            wb = (x1 - x) * (y - y0)
            wc = (x - x0) * (y1 - y)
            wd = (x - x0) * (y - y0)
            return wa * img[y0, x0] + wb * img[y1, x0] + wc * img[y0, x1] + wd * img[y1, x1]
    ''')
    namespace = imported(src, "vision")
    want = finite_differences(namespace["bilinear"], args, [0, 1, 2], [1.0])
    generated = {}
    exec(backgen.generate(src, name="bilinear"), generated)
    assert_close(generated["bilinear_backward"](args[0].copy(), 1.3, 2.6, 1.0), tuple(want), rtol=1e-6, atol=1e-8)
    assert_right_every_way(src, args[:1] + [np.float64(1.3), np.float64(2.6)], {"img": "H, W", "x": "float",
                                                                                 "y": "float"}, "bilinear")


def test_every_other_element_against_a_fixed_length_is_refused_where_it_may_be_one_element():
    # x[::2] * w of w (3,): the forward runs at H = 2 (one element, broadcast) and at H = 5 or 6
    for body in ("np.sum(x[::2] * w)", "np.sum((x[::2] + x[1::2]) * w)"):
        src = f"import numpy as np\n\ndef f(x, w):\n    return {body}\n"
        try:
            backgen.generate(src, name="f", shapes={"x": "H", "w": "3"})
        except backgen.BackgenError as error:
            assert "would hold at some sizes only" in str(error)
        else:
            raise AssertionError(f"{body}: code written for x[::2] of one element was accepted")


# --- a size unpacked from x.shape and grown in place is a number, not a view of the shape --------


def test_a_padded_size_grown_in_place_in_an_im2col_convolution():
    assert_right_every_way('''
        import numpy as np

        def conv(x, w, b, pad=1, stride=1):
            N, C, H, W = x.shape
            F, _, HH, WW = w.shape
            x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
            H += 2 * pad
            W += 2 * pad
            out_h = (H - HH) // stride + 1
            out_w = (W - WW) // stride + 1
            cols = np.zeros((C * HH * WW, N * out_h * out_w))
            idx = 0
            for n in range(N):
                for i in range(out_h):
                    for j in range(out_w):
                        cols[:, idx] = x_padded[n, :, i*stride:i*stride+HH, j*stride:j*stride+WW].reshape(-1)
                        idx += 1
            res = w.reshape(F, -1).dot(cols) + b.reshape(-1, 1)
            return res.reshape(F, N, out_h, out_w).transpose(1, 0, 2, 3)
    ''', [RNG.standard_normal((2, 2, 3, 3)), RNG.standard_normal((2, 2, 3, 3)), RNG.standard_normal(2)],
        {"x": "N, C, H, W", "w": "F, C, 3, 3", "b": "F"}, "conv")
