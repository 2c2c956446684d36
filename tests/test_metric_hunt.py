"""Metric-learning and self-supervised losses as people write them in NumPy: triplet losses (batch-all,
batch-hard, semi-hard mining from label masks), contrastive and N-pair losses, InfoNCE and NT-Xent
(cosine similarities, temperatures, diagonals masked), MoCo with a given queue, BYOL and SimSiam,
Barlow Twins and VICReg, ArcFace/CosFace margins, center and proxy losses, supervised contrastive
losses and distillation with temperatures.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are arrays) and
by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported, shape_specs


def _module(source):
    return imported(textwrap.dedent(source), "metric_hunt")


def assert_right(source, args, name="f", wrt=None, dout=1.0, ways=("plain", "shapes", "decorator")):
    """The gradients of ``name`` in ``source`` for the parameters at ``wrt`` (by default the float arrays
    and numbers) agree with central differences, each way asked for."""
    import inspect  # noqa: PLC0415

    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = _module(source)[name]
    params = list(inspect.signature(func).parameters)
    positions = wrt if wrt is not None else [
        k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    names = tuple(params[k] for k in positions)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (dout,))
    for way in ways:
        if way == "decorator":
            with np.errstate(all="ignore"):
                got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=dout)
        else:
            shapes = shape_specs(params, args) if way == "shapes" else None
            if way == "shapes" and shapes is None:
                continue
            text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
            namespace = {}
            exec(compile(text, "<generated>", "exec"), namespace)
            with np.errstate(all="ignore"):
                got = namespace[f"{name}_backward"](*fresh_args(args), dout=dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name)


def _embeddings(n, d, seed):
    return np.random.default_rng(seed).standard_normal((n, d))


# ---------------------------------------------------------------- scipy's cdist with the cosine metric


def test_similarities_as_one_minus_cdist_cosine():
    source = '''
    from scipy.spatial.distance import cdist
    def f(a, b, t=0.5):
        sim = 1 - cdist(a, b, metric='cosine')
        return np.sum(np.exp(sim / t))
    '''
    assert_right(source, [_embeddings(5, 3, 0), _embeddings(4, 3, 1)])


def test_hardest_negative_under_cdist_cosine_and_chebyshev():
    source = '''
    from scipy.spatial import distance
    def f(x, y, margin=0.2):
        d = distance.cdist(x, x, 'cosine') + 0.1 * distance.cdist(x, x, 'chebyshev')
        same = y[:, None] == y[None, :]
        dp = np.max(np.where(same, d, 0.0), axis=1)
        dn = np.min(np.where(same, np.inf, d), axis=1)
        return np.mean(np.maximum(dp - dn + margin, 0.0))
    '''
    assert_right(source, [_embeddings(6, 3, 2), np.array([0, 1, 0, 2, 1, 2])])


def test_uniformity_over_pdist_cosine():
    source = '''
    from scipy.spatial.distance import pdist, squareform
    def f(x):
        return np.log(np.mean(np.exp(-2 * pdist(x, 'cosine')))) + np.sum(squareform(pdist(x, 'cosine')) ** 2)
    '''
    assert_right(source, [_embeddings(5, 3, 3)])


# ---------------------------------------------------------------- pairs from itertools.combinations


def test_pairs_listed_from_combinations_of_a_range():
    source = '''
    import itertools
    def f(x, y, m=1.0):
        total = 0.0
        pairs = list(itertools.combinations(range(len(y)), 2))
        for i, j in pairs:
            d = np.linalg.norm(x[i] - x[j])
            if y[i] == y[j]:
                total += d ** 2
            else:
                total += max(m - d, 0) ** 2
        return total / len(pairs)
    '''
    assert_right(source, [_embeddings(5, 3, 4), np.array([0, 1, 0, 1, 1])], wrt=[0])


def test_pairs_of_rows_from_combinations_in_comprehensions():
    source = '''
    from itertools import combinations
    def f(x):
        n = x.shape[0]
        near = sum(np.exp(-np.sum((x[i] - x[j]) ** 2)) for i, j in combinations(range(n), 2))
        far = [np.sum(np.abs(a - b)) for a, b in combinations(x, r=2)]
        return near + np.mean(far) + len(tuple(combinations(range(1, n), 2)))
    '''
    assert_right(source, [_embeddings(5, 3, 5)])


# ---------------------------------------------------------------- an elementwise call writing out= where=


def test_rows_normalized_by_divide_into_zeros_where_their_norm_is_positive():
    """np.divide(x, n, out=xn, where=n > 0) standing alone: xn keeps its zeros where the norm is 0, x / n
    elsewhere; it was refused as a call that may write into its arguments."""
    source = '''
    def f(x):
        n = np.linalg.norm(x, axis=1, keepdims=True)
        xn = np.zeros_like(x)
        np.divide(x, n, out=xn, where=n > 0)
        return np.sum((xn @ xn.T) ** 2)
    '''
    assert_right(source, [_embeddings(5, 3, 6)])


def test_log_written_into_ones_where_a_mask_holds():
    source = '''
    def f(p, q):
        logp = np.ones_like(p)
        np.log(p, out=logp, where=p > 0.5)
        return np.sum(logp * q)
    '''
    rng = np.random.default_rng(7)
    assert_right(source, [np.abs(rng.standard_normal((4, 5))) + 0.1, rng.standard_normal((4, 5))])


# ---------------------------------------------------------------- labels given as shapes, masks selecting per anchor


BATCH_HARD_LOOP = '''
def f(emb, labels, margin=0.5):
    n = emb.shape[0]
    total = 0.0
    for i in range(n):
        d = np.linalg.norm(emb - emb[i], axis=1)
        pos = d[(labels == labels[i]) & (np.arange(n) != i)]
        neg = d[labels != labels[i]]
        total += max(pos.max() - neg.min() + margin, 0.0)
    return total / n
'''


def test_batch_hard_written_per_anchor_with_labels_given_as_a_shape():
    """The sample labels (all zeros, then all apart) left an anchor no negatives or no positives, whose
    max and min NumPy refuses: two classes in turn are tried too."""
    assert_right(BATCH_HARD_LOOP, [_embeddings(6, 3, 8), np.array([0, 1, 0, 2, 1, 2])])
    text = backgen.generate("import numpy as np\n" + BATCH_HARD_LOOP, shapes={"emb": "6, 3", "labels": "int 6"},
                              wrt=("emb",))
    namespace = {}
    exec(text, namespace)
    forward = _module("import numpy as np\n" + BATCH_HARD_LOOP)["f"]
    for labels in (np.array([1, 1, 0, 0, 2, 2]), np.array([3, 0, 3, 0, 3, 0])):
        x = _embeddings(6, 3, 9)
        want = finite_differences(lambda e: forward(e, labels), [x], [0], (1.0,))[0]
        assert_close(namespace["f_backward"](x, labels), want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- diagonals at an offset the code computes


def test_positives_on_diagonals_at_the_batch_size():
    """np.diagonal(sim, offset=n) with n = len(a), NT-Xent's positive pairs: refused where the offset was
    not a constant (np.diag(sim, n) was read)."""
    source = '''
    def f(a, b, t=0.5):
        z = np.concatenate([a, b])
        z = z / np.linalg.norm(z, axis=1, keepdims=True)
        s = z @ z.T / t
        n = len(a)
        pos = np.concatenate([np.diagonal(s, offset=n), s.diagonal(-n)])
        return np.mean(np.log(np.exp(s).sum(axis=1)) - pos)
    '''
    assert_right(source, [_embeddings(4, 3, 10), _embeddings(4, 3, 11)])


def test_diagonal_at_a_computed_offset_of_a_stack():
    source = '''
    def f(x):
        k = x.shape[0] // 2
        return np.sum(np.diagonal(x, k) ** 2) + np.sum(np.diagonal(x, -k) ** 3)
    '''
    assert_right(source, [np.random.default_rng(12).standard_normal((4, 5, 3))])


def test_hardest_pair_found_by_argmax_over_indices_with_labels_given_as_a_shape():
    source = '''
    def f(x, y, margin=0.5):
        n = len(y)
        d = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1) + 1e-12)
        loss = 0.0
        for i in range(n):
            pos_idx = np.where((y == y[i]) & (np.arange(n) != i))[0]
            neg_idx = np.where(y != y[i])[0]
            p = pos_idx[np.argmax(d[i, pos_idx])]
            q = neg_idx[np.argmin(d[i, neg_idx])]
            loss += max(0.0, d[i, p] - d[i, q] + margin)
        return loss / n
    '''
    assert_right(source, [_embeddings(6, 3, 13), np.array([0, 1, 0, 2, 1, 2])])


# ---------------------------------------------------------------- NumPy float scalars as defaults


def test_margin_and_eps_defaults_written_as_numpy_float_scalars():
    """margin=np.float32(0.1) was refused as a default that is no number: it is the number it holds."""
    source = '''
    def f(a, p, n, margin=np.float32(0.1), eps=np.float64(1e-8)):
        dp = np.sqrt(((a - p) ** 2).sum(1) + eps)
        dn = np.sqrt(((a - n) ** 2).sum(1) + eps)
        return float(np.maximum(dp - dn + margin, 0).mean())
    '''
    assert_right(source, [_embeddings(5, 3, 14), _embeddings(5, 3, 15), _embeddings(5, 3, 16)])
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    assert f"margin={float(np.float32(0.1))!r}" in text
