"""Values of a shape of their own on each path of an if at some sample arrays of code whose shapes
are not given.

The shape-generic backward is written on sample arrays of several ranks; at some of them a value may
have one shape on one path of an if and another on the other (``u[:, [0]]`` and ``z[:, None]`` for
``z`` of rank 2), where at the shapes the code is for the paths agree.  The code after such a branch
is then written into each path (``tails.split``: the same program at every shape) and every sample
written again from that program, so that the code is one at every rank.  Where that program is
refused (a layer's cache built after the branch: its backward, given the cache alone, cannot tell
which path made it), the refusal is the one of the function as written: its shapes are asked for.
Each accepted case is checked against central finite differences in float64 on inputs taking each
path.
"""

import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences
from test_one_path_values import check

Z = np.array([0.44, 0.75, -0.84])
U = np.array([[-1.14, -0.45, 0.98], [-0.48, 0.87, -0.82], [0.68, -0.95, 0.91]])
X = np.linspace(-1.05, 1.15, 12).reshape(3, 4)
W = np.cos(np.arange(20.0)).reshape(4, 5)
B = np.sin(np.arange(5.0)) + 0.2


def test_conditional_expression_of_two_shapes_at_the_samples():
    # fuzz_wild seed 11 program 466: (3, 1) on both paths at z (3,), u (3, 3); (6, 1) and (6, 1, 6) at rank 2
    check("""
        def f(z, u):
            h = np.minimum(np.mean(z), u[:, [0]]) if np.sum(z) > 0.0 else np.arctan(z[:, None])
            return np.sum(h * h * (h > -0.14)) * np.sum(u)
        """, [(Z, U), (-Z, U)])


def test_if_of_two_shapes_at_the_samples_then_more_code():
    check("""
        def f(x, w, b):
            if np.mean(x) > 0.0:
                h = np.sqrt(w.sum(axis=0) ** 2 + 1.0)
            else:
                h = b * 2.0
            out = x.dot(w) + h
            return np.sum(out * out)
        """, [(U, U.T, Z), (-U, U.T, Z)])


def _layer(source):
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    generated = {"np": np}
    exec(backgen.generate(source, name="f"), generated)
    return namespace["f"], generated["f_backward"]


LAYER_BEFORE = """
    def f(x, w, b, cfg):
        mode = cfg['mode']
        h1 = np.where(x > 0, x, 0.1 * x)
        cache = (x, cfg, b, h1, w)
        if mode == 'train':
            h4 = np.sqrt(w.sum(axis=0) ** 2 + 1.0)
        else:
            h4 = b
        out = h1.dot(w) + h4
        return out, cache
    """


@pytest.mark.parametrize("mode", ["train", "test"])
def test_layer_whose_cache_is_built_before_the_branch(mode):
    # fuzz_real --layers seed 172 program 63: h4 (6,) and (6, 6) at the samples of rank 2
    forward, backward = _layer(LAYER_BEFORE)
    x = np.linspace(-1.05, 1.15, 12).reshape(4, 3)
    w = np.cos(np.arange(15.0)).reshape(3, 5)
    b = np.sin(np.arange(5.0)) + 0.2
    cfg = {"mode": mode}
    out, cache = forward(x, w, b, cfg)
    dout = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    got = backward(dout, cache)
    want = finite_differences(lambda x, w, b: forward(x, w, b, cfg)[0], [x, w, b], range(3), (dout,))
    for g, e in zip(got, want):
        assert np.shape(g) == np.shape(e)
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


REAL_5 = """
    def f(x, w, b, cfg):
        out = None
        mode = cfg.get('mode', 'train')
        h1 = (x - 0.5 * x).dot(w)
        h1[:, 1] = h1[:, 0] * 0.5
        mask2 = x < 0.5
        h1[1:] -= 0.5 * h1[:-1]
        v3 = h1[0]
        if mode == 'train':
            h4 = (w * w).sum(axis=0)
        else:
            h4 = (v3 + h1.sum(axis=0))
        out = h1 + h4
        v5 = w[1:]
        h6 = (x ** 2 + 0.5).dot(w)
        cache = [w, b, x, v3, cfg, h6]
        return out, cache
    """


@pytest.mark.parametrize("mode", ["train", "test"])
def test_layer_whose_cache_is_built_after_the_branch(mode):
    # fuzz_real --layers seed 172 program 5: h4 (6, 6) and (6, 6, 6) at the samples of rank 3; the code
    # after the if written into each path, the cache with it: one cache, the path taken by its cfg
    _layer_check(REAL_5, [X, W, B], [{"mode": mode}])


def test_a_path_numpy_raises_on_at_some_sample_is_left_to_the_samples_it_runs_at():
    # fuzz_wild seed 11 program 38: written into each path, the code after the if raises on one at the
    # samples of rank 2 (v.reshape(-1, 2, 2) of 36 items against tmp2 (1, 6, 6)); samples of even sizes
    # run it, and the code is right on each path (refused before, asking for shapes)
    rng = np.random.RandomState(38)
    check("""
        def helper1(a, b):
            out = np.roll(b if a > -0.0 else b if a < 0.2 else b, -1, axis=0)
            return out

        def f(v, b):
            tmp2 = np.array([v * v]) if np.log(np.exp(b)) > -0.31 else helper1(b, v.reshape(1, -1))
            if ((b if b > -0.04 else b) * ((b if b > -0.04 else b) > 0.1)) > 0.33:
                return np.diff(np.stack([v, v]), axis=1)
            return tmp2 + np.min(v.reshape(-1, 2, 2), axis=1).dot(np.concatenate([tmp2, tmp2]) + v)
        """, [(rng.randn(4), 0.2), (rng.randn(8), -0.5), (rng.randn(4), 0.5)])


def _layer_check(source, args, settings):
    """The generated f_backward(dout, cache) against central differences at ``args`` (differentiated)
    followed by ``settings`` (not differentiated)."""
    forward, backward = _layer(source)
    out, cache = forward(*args, *settings)
    dout = np.linspace(0.5, 1.5, out.size).reshape(out.shape)
    got = backward(dout, cache)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: forward(*a, *settings)[0], list(args), range(len(args)), (dout,))
    assert len(got) == len(want)
    for g, e in zip(got, want):
        assert np.shape(g) == np.shape(e)
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)



@pytest.mark.parametrize("mode", ["train", "test"])
def test_cache_built_after_a_split_branch_holds_a_value_of_each_path(mode):
    # fuzz_real --layers seed 172 program 288: h3 (N, M) and (3, 5); the cache built after the if holds
    # h3.T, another value on each path: left unread, the backward computes it again
    _layer_check("""
        def f(x: 'N, D', w: 'D, M', b: 'M', gamma: 'M', cfg):
            mode = cfg.get('mode', 'train')
            c2 = gamma.copy()
            if mode == 'train':
                h3 = x.dot(w) ** 2 + 0.5
            else:
                h3 = np.sin(np.full((3, 5), 0.5)) * b
            out = np.tanh(h3 + h3) * c2
            cache = (c2, w, x, cfg, b, gamma, h3.T, out)
            return out, cache
        """, [X, W, B, B + 1.0], [{"mode": mode}])


def test_cache_built_after_a_split_branch_without_its_test_is_refused():
    with pytest.raises(backgen.BackgenError, match=r"the backward needs mode \(read by `if mode == 'train':`\)"):
        backgen.generate(textwrap.dedent("""
            def f(x: 'N, D', w: 'D, M', mode):
                if mode == 'train':
                    h = x.dot(w)
                else:
                    h = np.full((3, 5), 0.5)
                out = h * 2.0
                cache = (x, w)
                return out, cache
            """), name="f")


def test_outputs_of_a_shape_of_each_path_beside_a_loop_run_no_time():
    # fuzz_long seed 7 program 264: the second output is X (3, 1) on one path and (3,) on the others; the
    # walk of the other branches (the loops run no time) notes each path's output copy at the shape of
    # the path it meets first, which is no shape of the code's
    source = """
        def step(p, q):
            b = np.mean(q, axis=0)
            k = 0
            while k < 3:
                k = k + 1
                d = math.sin((p + b).mean())
            return d * d

        def f(v, w, X):
            w = X.var(axis=0) @ np.arange(2.0).reshape(1, 2)
            a = step(w, w * X)
            b = np.max(X, axis=-1)
            if np.sum(v) < 2.7:
                return np.dot(X, np.arange(2.0).reshape(1, 2)), X if X[2, 0] > 0.5 else a / (1.5 + b * b)
            k = 0
            while k < 1:
                k = k + 1
                c = (a + w).mean(axis=-1)
            return b, np.exp(b) / (1.0 + a * b * (a * b))
        """
    X3 = np.array([[-0.44], [1.02], [0.91]])
    V4 = np.array([-0.72, 1.08, 0.73, 0.61])
    check(source, [(V4, V4, X3), (V4 + 1.0, V4, X3), (V4, V4, X3 - 0.6)],
          {"v": (4,), "w": (4,), "X": (3, 1)})


def test_conditional_expression_of_two_shapes_at_most_samples_is_written_for_those_it_runs_at():
    # fuzz_wild seed 11 program 694: s[[0, 0]] and s[::2] agree at a length of 3 or 4 only (where the
    # forward runs); refused before, the code is right on each path at both
    rng = np.random.RandomState(694)
    check("""
        def f(y, s):
            q1 = np.sin((s[[0, 0]] if np.mean(s) > -0.11 else s[::2]) @ np.array([s, s]))
            q1[1] -= 1.0 / (1.0 + np.exp(-0.45))
            h2 = y.copy()
            for i in range(1, 3):
                h2[i] = h2[i - 1] + np.clip(np.abs(y[::2].sum(axis=0)), -0.41, 0.26)
            return h2 + (np.linalg.norm(np.outer(q1, q1), axis=1, keepdims=True) * h2)
        """, [(rng.randn(3, 2), rng.randn(3) + 1.0), (rng.randn(4, 3), rng.randn(4) + 1.0),
              (rng.randn(3, 1), rng.randn(3) - 2.0)])


def test_conditional_expression_of_two_shapes_at_some_samples_is_written_for_every_shape():
    # the same without the loop: written without shapes, each path its own code
    S3 = np.array([-0.92, 0.53, 0.99])
    check("""
        def f(y, s):
            q1 = np.sin((s[[0, 0]] if np.mean(s) > -0.11 else s[::2]) @ np.array([s, s]))
            q1[1] -= 1.0 / (1.0 + np.exp(-0.45))
            return y + np.linalg.norm(np.outer(q1, q1), axis=1, keepdims=True) * y
        """, [(U, S3), (U, S3 - 1.0)])


def test_conditional_expressions_of_two_shapes_at_the_samples_in_both_branches():
    # fuzz_wild seed 11 program 402: sel4 (3,) and (6,) at y of rank 3; the tail written into each path
    # of the if and of its conditional expressions, the names they set merged only where read
    source = """
        def helper3(a, b):
            return (0.97 - b) if np.sin(b) > 0.25 else np.minimum(-1.63, a) if np.sin(b) < 0.14 else (b * 1.87)

        def f(y):
            h1 = np.pad(np.minimum(np.sum(np.prod(np.arctan(np.sum(y, -1, keepdims=True)), 1, keepdims=True), axis=0), np.tile(np.linalg.norm(np.sum(y, axis=0)[:, [2]], axis=0), (1, 1))), ((1, 1), (0, 0)))
            w2 = np.copy(h1)
            if helper3(-1.88, h1.mean()) > 0.26:
                sel4 = np.roll(w2.flatten(), 1) if np.sum(w2.reshape(-1)[w2.reshape(-1) > 0.4]) > -0.04 else np.concatenate([np.sum(np.concatenate([w2, h1], axis=1), axis=0), h1[1].reshape(1, 1)[:, 0]])
            else:
                sel4 = (np.arctan(h1.reshape(-1)) + w2.flatten()) if np.cos(1.1) > 0.19 else np.prod(np.cumsum(np.prod(y, 2), axis=1), axis=0) if np.cos(1.1) < -0.43 else h1.reshape(3)
            return sel4 - (sel4 if w2.mean() > 0.07 else sel4)
        """
    y = np.array([[[0.501, -1.177, -0.298, 0.44], [0.424, -0.928, -0.54, -0.664], [-0.281, 1.08, 1.268, -0.183]],
                  [[0.549, 0.896, 0.557, 0.618], [-0.173, 0.722, 0.755, 1.254], [-0.843, -0.285, -0.416, -0.021]]])
    check(source, [(y,), (-y,), (y * 0.1,), (y + 0.5,)])


@pytest.mark.parametrize("x", [np.array([0.3, -1.2, 0.8, 2.1]), np.array([[0.3, -1.2, 0.8, 2.1], [-0.5, 0.4, 1.6, -2.2]]),
                               np.arange(24.0).reshape(2, 3, 4) / 7 - 1.6])
def test_a_branch_on_the_rank_without_shapes(x):
    # real_sweep ndim_branch: if x.ndim == 1: x = x[None, :] gives x a rank of its own on each path; the
    # code after it written into each, each path's code holds at every rank
    check("""
        def f(x):
            if x.ndim == 1:
                x = x[None, :]
            return np.sum(np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0), axis=1).mean()
        """, [(x,)])


def test_one_example_or_a_batch_without_shapes():
    # real_sweep rank_promote_then_loss
    W = np.array([[0.3, -0.2], [0.5, 0.1], [-0.7, 0.4]])
    b = np.array([0.1, -0.3])
    check("""
        def f(x, W, b):
            if x.ndim == 1:
                x = x[np.newaxis, :]
            scores = x @ W + b
            return np.sum(np.log1p(np.exp(scores)))
        """, [(np.array([0.2, -0.4, 0.9]), W, b), (np.array([[0.2, -0.4, 0.9], [1.1, 0.3, -0.6]]), W, b)])
