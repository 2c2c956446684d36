"""Ranking, rating and recommender code as people write it: Elo and Bradley-Terry likelihoods over a
season, learning-to-rank losses, matrix factorization, embeddings gathered by repeated user and item
indices, segment means over those indices, and softmax over sampled negatives with masks.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where every argument is a
number or an array) and by the decorator, or asserted refused with a ``BackgenError`` and part of its
message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import (assert_close, finite_differences, float_positions, fresh_args, generated_backward,
                     imported, shapes_of)


def assert_right(source, args, name="f", shapes=None, dout=1.0, refused_with_shapes=None):
    """generate without shapes, with shapes (``shapes``, or those of ``args``) and the decorator all give
    the gradients central differences give, for the parameters holding floats; with
    ``refused_with_shapes``, generate with shapes refuses instead, with that in its message."""
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "ranking_hunt")[name]
    positions = float_positions(args)
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (dout,))
    if refused_with_shapes:
        with pytest.raises(backgen.BackgenError, match=refused_with_shapes):
            backgen.generate(source, name=name, shapes=shapes or shapes_of(func, args), wrt=names)
    for given in (None,) if refused_with_shapes else (None, shapes or shapes_of(func, args)):
        got = generated_backward(source, args, name, given, names, dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=dout)
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def _randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


SEGMENT_MEAN = '''
def seg_mean(E, seg, target):
    counts = np.bincount(seg)
    sums = np.zeros((counts.size, E.shape[1]))
    for d in range(E.shape[1]):
        sums[:, d] = np.bincount(seg, weights=E[:, d])
    mean = sums / counts[:, None]
    return np.sum((mean - target) ** 2)
'''


FROM_VALUES = "taken from the values of an integer array"


def test_segment_mean_by_bincount_with_shapes_given():
    """np.bincount(seg) is one long on the samples' zero labels: the walk took the means for one row
    broadcast against the target's rows and summed their gradient over them (a wrong gradient).  Whether
    the labels hold one group or several changes the code, which shapes do not say: refused with them;
    the code for every shape and the decorator's are right."""
    args = [_randn(6, 3, seed=1), np.array([0, 0, 1, 1, 1, 2]), _randn(3, 3, seed=4)]
    assert_right(SEGMENT_MEAN, args, name="seg_mean", refused_with_shapes=FROM_VALUES,
                 shapes={"E": "N, D", "seg": "int N", "target": "K, D"})
    args[1] = np.zeros(6, dtype=int)  # (one group: its means broadcast against the target's rows)
    assert_right(SEGMENT_MEAN, args, name="seg_mean", refused_with_shapes=FROM_VALUES)


def test_the_decorator_keys_its_code_by_the_groups_labels_hold():
    """The decorator kept the code for labels of three groups for labels of one (the same sizes), whose
    sums broadcast against the target's rows: a wrong gradient at the second call."""
    func = imported("import numpy as np\n" + textwrap.dedent(SEGMENT_MEAN), "ranking_hunt")["seg_mean"]
    decorated = backgen.backward(func)
    E, target = _randn(6, 3, seed=1), _randn(3, 3, seed=4)
    for seg in (np.array([0, 0, 1, 1, 1, 2]), np.zeros(6, dtype=int), np.array([0, 0, 1, 1, 1, 2])):
        want = finite_differences(func, [E, seg, target], [0, 2], (1.0,))
        for got, expected in zip(decorated.backward(E, seg, target), want):
            assert_close(got, expected)


def test_a_size_from_labels_no_sample_fits_is_refused():
    """Where no spread of the labels runs (the size from the values must be 5, which no declared size is),
    shapes alone cannot say which axes broadcast: a refusal pointing at the bincount."""
    source = '''
    def f(E, seg, target):
        counts = np.bincount(seg)
        mean = np.zeros((counts.size, 3)) + E[:1] / counts[:, None]
        return np.sum((mean - target[:5]) ** 2)
    '''
    with pytest.raises(backgen.BackgenError, match=FROM_VALUES) as info:
        backgen.generate(textwrap.dedent(source), name="f", shapes={"E": "7, 3", "seg": "int 7", "target": "9, 3"})
    assert info.value.lineno == 3


def test_sums_by_query_gathered_back_keep_their_code_with_shapes_given():
    """A size from the labels that nothing broadcasts along (Z[qid] gathers the sums back) writes one code."""
    source = '''
    def query_softmax(s, qid, y):
        e = np.exp(s)
        Z = np.bincount(qid, weights=e)
        p = e / Z[qid]
        return -np.sum(y * np.log(p))
    '''
    assert_right(source, [_randn(7, seed=1), np.array([0, 0, 0, 1, 1, 2, 2]), np.array([1.0, 0, 0, 0, 1, 1, 0])],
                 name="query_softmax")


def test_sampled_softmax_with_masked_negatives():
    """Negatives equal to the positive set to -inf before a log-sum-exp: the guard of its gradient read
    the upstream without the reduced axis, (B,) against (B, K + 1) (the generated code raised)."""
    source = '''
    def neg_mask(h, W, pos, negs):
        s_pos = np.sum(h * W[pos], axis=1)
        s_neg = np.einsum("bd,bkd->bk", h, W[negs])
        valid = negs != pos[:, None]
        s_neg = np.where(valid, s_neg, -np.inf)
        logits = np.concatenate([s_pos[:, None], s_neg], axis=1)
        m = np.max(logits, axis=1, keepdims=True)
        lse = np.log(np.sum(np.exp(logits - m), axis=1)) + m.squeeze(1)
        return np.mean(lse - s_pos)
    '''
    args = [_randn(4, 3, seed=1), _randn(6, 3, seed=2), np.array([0, 2, 2, 5]),
            np.array([[1, 0], [2, 4], [2, 1], [5, 3]])]
    assert_right(source, args, name="neg_mask")


def test_settings_as_a_dict_call_at_module_level():
    """CONFIG = dict(temperature=0.7, l2=1e-3) was refused as a global; a dict of numbers by strings is
    read as its display is."""
    source = '''
    CONFIG = dict(temperature=0.7, l2=1e-3)

    def rec_softmax(user_emb, item_emb, pos_items):
        logits = (user_emb @ item_emb.T) / CONFIG["temperature"]
        lse = np.log(np.sum(np.exp(logits), axis=1))
        nll = lse - logits[np.arange(logits.shape[0]), pos_items]
        return nll.mean() + CONFIG["l2"] * (np.sum(user_emb ** 2) + np.sum(item_emb ** 2))
    '''
    assert_right(source, [_randn(4, 3, seed=1), _randn(6, 3, seed=2), np.array([1, 5, 5, 0])], name="rec_softmax")


def test_a_dict_call_rebound_stays_a_global():
    source = '''
    CONFIG = dict(temperature=0.7)
    CONFIG = dict(temperature=0.5)

    def f(x):
        return np.sum(x / CONFIG["temperature"])
    '''
    with pytest.raises(backgen.BackgenError, match="CONFIG"):
        backgen.generate(textwrap.dedent(source), name="f")


def test_biased_matrix_factorization_with_repeated_users_and_items():
    source = '''
    def mf_loss(P, Q, bu, bi, mu, users, items, ratings, lam=0.02):
        """Biased matrix factorization with L2 regularization."""
        pred = mu + bu[users] + bi[items] + np.sum(P[users] * Q[items], axis=1)
        err = ratings - pred
        reg = lam * (np.sum(P ** 2) + np.sum(Q ** 2) + np.sum(bu ** 2) + np.sum(bi ** 2))
        return 0.5 * np.sum(err ** 2) + 0.5 * reg
    '''
    users, items = np.array([0, 1, 2, 0, 3, 1, 0, 2]), np.array([1, 4, 2, 1, 0, 3, 4, 4])
    args = [_randn(4, 3, seed=1), _randn(5, 3, seed=2), _randn(4, seed=3), _randn(5, seed=4), 3.5, users, items,
            np.array([4.0, 3.0, 5.0, 4.5, 1.0, 2.0, 3.5, 4.0])]
    assert_right(source, args, name="mf_loss")


def test_pairs_ordered_by_an_outer_comparison():
    """np.greater.outer(y, y) (the pairs a ranking's labels order) had no rule; the outers of comparisons,
    np.maximum and np.power are the ufunc of both operands spread over each other's axes."""
    source = '''
    def pairwise_outer(s, y):
        S = np.subtract.outer(s, s)
        Y = np.greater.outer(y, y).astype(float)
        return np.sum(Y * np.logaddexp(0, -S)) / max(Y.sum(), 1)
    '''
    assert_right(source, [_randn(6, seed=1), np.array([3, 2, 0, 1, 0, 2])], name="pairwise_outer")
    source = '''
    def f(a, b):
        M = np.maximum.outer(a, b) + np.power.outer(np.abs(a) + 1.0, b) + np.minimum.outer(a, b) * np.less.outer(a, b)
        return np.sum(M ** 2)
    '''
    assert_right(source, [np.array([0.3, -1.2, 0.8]), np.array([[0.5, 1.1], [-0.4, 0.1]])])


def test_users_repeated_beside_their_negatives_are_labels():
    """np.repeat(u, k) indexing P made no label of u: every sample rank of u failed, and the code for
    every shape was refused; the elements of a repeat (or a tile) of a name are that name's."""
    source = '''
    def bpr_repeat(P, Q, u, pos, negs):
        k = negs.shape[1]
        uu = np.repeat(u, k)
        pp = np.repeat(pos, k)
        nn = negs.ravel()
        x = np.sum(P[uu] * (Q[pp] - Q[nn]), axis=1)
        return np.sum(np.logaddexp(0, -x))
    '''
    args = [_randn(4, 3, seed=1), _randn(6, 3, seed=2), np.array([0, 1, 3]), np.array([2, 5, 1]),
            np.array([[1, 3], [0, 4], [2, 2]])]
    assert_right(source, args, name="bpr_repeat")


ELO_GAMES = '''
def elo_teams(ratings, games):
    loss = 0.0
    for home, away, result in games:
        p = 1 / (1 + 10 ** ((ratings[away] - ratings[home]) / 400))
        loss += (result - p) ** 2
    return loss
'''


def test_ratings_read_at_the_items_of_a_list_of_games():
    assert_right(ELO_GAMES, [np.array([1500.0, 1550.0, 1480.0]), [(0, 1, 1.0), (1, 2, 0.0), (2, 0, 1.0)]],
                 name="elo_teams")


def test_ratings_given_as_a_dict_to_the_code_for_arrays_raise_a_type_error():
    """The code for every shape reads ratings as an array at the teams a game names; given a dict by team
    names it raised NumPy's IndexError deep in its backward pass: now a TypeError as it starts."""
    namespace = {}
    exec(compile(backgen.generate(textwrap.dedent(ELO_GAMES), name="elo_teams", wrt=("ratings",)), "<generated>",
                 "exec"), namespace)
    with pytest.raises(TypeError, match="ratings as an array read at away"):
        namespace["elo_teams_backward"]({"a": 1500.0, "b": 1550.0}, [("a", "b", 1.0)])


@pytest.mark.parametrize("count", ["seg.max() + 1", "int(np.max(seg)) + 1", "len(np.unique(seg))", "seg[-1] + 1"])
def test_groups_counted_from_labels_with_shapes_given(count):
    """A count of groups taken from the labels was one on the samples' zeros: the sums of E by group
    were one row broadcast against the target's rows (the generated code then raised, or summed the
    gradient over them); with shapes given, now refused (one group broadcasts, several do not)."""
    source = f'''
    def add_at_max(E, seg, target):
        n = {count}
        agg = np.zeros((n, E.shape[1]))
        np.add.at(agg, seg, E)
        return np.sum((agg - target) ** 2)
    '''
    assert_right(source, [_randn(6, 3, seed=1), np.array([0, 0, 1, 1, 1, 2]), _randn(3, 3, seed=4)],
                 name="add_at_max", shapes={"E": "N, D", "seg": "int N", "target": "K, D"},
                 refused_with_shapes=FROM_VALUES)


def test_means_by_bincount_of_a_vector_with_shapes_given():
    source = '''
    def bincount_vec(x, seg, t):
        s = np.bincount(seg, weights=x)
        c = np.bincount(seg)
        return np.sum((s / c - t) ** 2)
    '''
    assert_right(source, [_randn(6, seed=1), np.array([0, 0, 1, 1, 1, 2]), _randn(3, seed=4)], name="bincount_vec",
                 refused_with_shapes=FROM_VALUES)


def test_user_means_by_unique_counts_with_shapes_given():
    source = '''
    def user_mean(E, users, target):
        uniq, counts = np.unique(users, return_counts=True)
        sums = np.zeros((len(uniq), E.shape[1]))
        np.add.at(sums, users, E)
        mean = sums / counts[:, None]
        return np.sum((mean - target) ** 2)
    '''
    assert_right(source, [_randn(6, 3, seed=1), np.array([0, 0, 1, 1, 1, 2]), _randn(3, 3, seed=4)], name="user_mean",
                 refused_with_shapes=FROM_VALUES)


def test_pairs_built_as_tuples_read_back_at_their_places():
    """[p[0] for p in pairs] of a list of (i, j) tuples (zip(*pairs) is written so too) was refused: a
    loop over the list reading its item at constant places alone reads the lists of those places."""
    source = '''
    def ranknet_pairs(s, rel):
        n = len(s)
        pairs = [(i, j) for i in range(n) for j in range(n) if rel[i] > rel[j]]
        i_idx = np.array([p[0] for p in pairs])
        j_idx = np.array([p[1] for p in pairs])
        return np.mean(np.logaddexp(0.0, s[j_idx] - s[i_idx]))
    '''
    args = [_randn(6, seed=2), np.array([3.0, 2.1, 0.0, 1.0, 0.2, 1.7])]
    source = "import numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "ranking_hunt")["ranknet_pairs"]
    want = finite_differences(func, args, [0], (1.0,))[0]
    namespace = {}
    exec(compile(backgen.generate(source, name="ranknet_pairs", wrt=("s",)), "<generated>", "exec"), namespace)
    assert_close(namespace["ranknet_pairs_backward"](*args), want)


def test_a_list_of_tuples_a_loop_grows_as_it_goes_stays_refused():
    source = '''
    def f(x):
        pairs = []
        pairs.append((0, 1))
        total = 0.0
        for p in pairs:
            total = total + x[p[0]] * x[p[1]]
            if len(pairs) < 3:
                pairs.append((p[1], p[0]))
        return total
    '''
    with pytest.raises(backgen.BackgenError, match="list of tuples"):
        backgen.generate(textwrap.dedent(source), name="f")


def test_pairs_built_as_tuples_made_an_array():
    """np.array([(i, j) for ...]) then its columns: the rows of the tuples, stacked from one list per place."""
    source = '''
    import numpy as np

    def ranknet_pairs(s, rel):
        n = len(s)
        pairs = np.array([(i, j) for i in range(n) for j in range(n) if rel[i] > rel[j]])
        a, b = pairs[:, 0], pairs[:, 1]
        return np.mean(np.logaddexp(0.0, s[b] - s[a]))
    '''
    args = [_randn(6, seed=2), np.array([3.0, 2.1, 0.0, 1.0, 0.2, 1.7])]
    source = textwrap.dedent(source)
    func = imported(source, "ranking_hunt")["ranknet_pairs"]
    want = finite_differences(func, args, [0], (1.0,))[0]
    namespace = {}
    exec(compile(backgen.generate(source, name="ranknet_pairs", wrt=("s",)), "<generated>", "exec"), namespace)
    assert_close(namespace["ranknet_pairs_backward"](*args), want)
