"""A layer's backward writes the zeros of a gradient, or a shape, from a value the cache holds of the same
sample shape (``np.zeros_like(dout)``).  Where a named dimension was fitted to the code (``x.reshape(4, 3)``
of ``x`` of ``(N, D)``) its sample size may be one the code writes too (``D = 3``, an output of
``np.full((3, 5), ...)``): ``w`` of ``(D, M)`` then had the output's sample shape, and its zero
gradient was written ``np.zeros_like(dout)``, of the wrong shape at any other D (real-code mutants,
``--layers`` seed 0, program 110).  Shapes alike only at sizes the code shares are never taken for
alike: the layer is refused, naming what the cache lacks; with it, the gradient is right at other sizes."""

import numpy as np
import pytest

import backgen
from numeric import assert_close, gradient, weighted

SHAPES = {"x": "N, D", "w": "D, M", "b": "M"}
LAYER = '''
import numpy as np

def f(x, w, b):
    cache = {cache}
    out = None
    h1 = (np.full((3, 5), 0.5) - np.full((3, 5), 0.5).mean(axis=0))
    h1[:, :2] += 0.3
    h4 = ((h1 + b) * b)
    v5 = x.reshape(4, 3)
    out = h4
    return out, cache
'''


def test_a_zero_gradient_is_not_written_like_a_value_of_a_shape_alike_only_at_sizes_fitted_to_the_code():
    with pytest.raises(backgen.BackgenError, match="the backward needs w"):
        backgen.generate(LAYER.format(cache="(x, b)"), shapes=SHAPES)


def test_with_the_value_in_the_cache_the_gradient_has_its_shape_at_other_sizes():
    text = backgen.generate(LAYER.format(cache="(x, w, b)"), shapes=SHAPES)
    user, generated = {}, {}
    exec(LAYER.format(cache="(x, w, b)"), user)
    exec(text, generated)
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    out, cache = user["f"](x, w, b)
    dout = rng.normal(size=out.shape)
    got = generated["f_backward"](dout, cache)
    for k, value in enumerate((x, w, b)):
        want = gradient(weighted(lambda *a: user["f"](*a)[0], [dout]), [x, w, b], k)
        assert np.shape(got[k]) == np.shape(value)
        assert_close(got[k], want)


JACOBI = '''
import numpy as np

def f(src, tgt, iters=3):
    H, W = src.shape
    lap = 4 * src[1:-1, 1:-1] - src[:-2, 1:-1] - src[2:, 1:-1] - src[1:-1, :-2] - src[1:-1, 2:]
    out = tgt.copy()
    for it in range(iters):
        nb = out[:-2, 1:-1] + out[2:, 1:-1] + out[1:-1, :-2] + out[1:-1, 2:]
        out[1:-1, 1:-1] = (nb + lap) / 4
    return out
'''


def test_sizes_fitted_to_one_row_against_two_are_refused_where_equal_sizes_run_too():
    """src and tgt declared of sizes named apart, which the code ties: the first sizes it runs at (src of
    3 rows, tgt of 4) make lap one row, broadcast against nb's two, and the backward written for that
    summed lap's gradient over the rows, wrong where src and tgt have the same sizes (which run too)."""
    with pytest.raises(backgen.BackgenError, match="other sizes it runs at"):
        backgen.generate(JACOBI, name="f", shapes={"src": "A, B", "tgt": "C, D"})


def test_sizes_named_alike_give_the_right_gradient():
    text = backgen.generate(JACOBI, name="f", shapes={"src": "H, W", "tgt": "H, W"})
    namespace, generated = {}, {}
    exec(JACOBI, namespace)
    exec(text, generated)
    rng = np.random.default_rng(3)
    for size in [(4, 5), (6, 7)]:
        src, tgt, dout = rng.normal(size=size), rng.normal(size=size), rng.normal(size=size)
        got = generated["f_backward"](src.copy(), tgt.copy(), dout=dout)
        objective = weighted(lambda a, b: namespace["f"](a.copy(), b.copy()), (dout,))
        for k in range(2):
            assert_close(got[k], gradient(objective, [src, tgt], k))


def test_a_helper_is_written_for_the_calls_at_the_sizes_fitted():
    """VH1 fitted to V + H + 1: the checks at other sizes (where the forward does not run) ran the
    forward again, and the helper was then written for the calls of the last run, none: refused as
    needing its shapes."""
    source = '''
import numpy as np

def sig(x):
    return 0.5 * (np.tanh(x) + 1.0)

def f(W: "VH1, H", x: "N, V", h: "N, H"):
    cat = np.hstack((x, h, np.ones((x.shape[0], 1))))
    return np.sum(sig(cat @ W) ** 2)
'''
    text = backgen.generate(source, name="f")
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(text, generated)
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(6, 2)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))]
    got = generated["f_backward"](*[a.copy() for a in args], dout=0.8)
    objective = weighted(lambda *v: namespace["f"](*[a.copy() for a in v]), (0.8,))
    for k in range(3):
        assert_close(got[k], gradient(objective, args, k))
