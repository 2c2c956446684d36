"""Embeddings, NLP and recommender code as people write it in NumPy: lookups ``W[x]`` with repeated
indices, bags of words, word2vec with negative sampling, GloVe, matrix factorisation, BPR,
factorisation machines, losses indexed by labels, and loops over the items of a batch.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
(or, for a generated backward given what it is not written for, the error it raises) and part of its
message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, imported

RNG = np.random.default_rng(31)
P = RNG.standard_normal((4, 3))
Q = RNG.standard_normal((5, 3))


# --- a dict a loop iterates: Python takes its keys, backgen read it by position ----------------

RATED_PAIRS = '''
import numpy as np

def f(P, Q, pairs):
    """pairs: {user: item}"""
    loss = 0.0
    for u in pairs:
        loss += np.sum(P[u] * Q[pairs[u]])
    return loss
'''

USERS_LOOPED = '''
import numpy as np

def f(P, Q, counts):
    return sum(counts[u] * np.sum(P[u] ** 2) for u in counts) + np.sum(Q[0])
'''


@pytest.mark.parametrize("text", [RATED_PAIRS, USERS_LOOPED], ids=["for_u_in_pairs", "comprehension"])
def test_the_decorator_refuses_a_dict_a_loop_iterates(text):
    # {1: 1, 0: 1}: the loop takes the keys 1, 0; read by position it took the values 1, 1
    # (a wrong gradient, without an error)
    f = imported(text, "embed_dict")["f"]
    with pytest.raises(backgen.BackgenError, match=r"pairs is given a dict|counts is given a dict") as info:
        backgen.backward(f, wrt=("P", "Q")).backward(P, Q, {1: 1, 0: 1})
    assert info.value.lineno in (7, 5)  # the loop's line


def test_the_decorator_still_takes_a_list_a_loop_iterates():
    f = imported(RATED_PAIRS, "embed_dict")["f"]
    pairs = [1, 1, 0]  # (u = 1, 1, 0: pairs[u] = 1, 1, 1)
    got = backgen.backward(f, wrt=("P", "Q")).backward(P, Q, pairs)
    want = finite_differences(f, [P, Q, pairs], [0, 1], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shapes", [None, {"P": "U, D", "Q": "I, D"}], ids=["no_shapes", "shapes"])
def test_a_generated_backward_stops_at_a_dict_its_loop_reads_by_position(shapes):
    module = backgen.generate(textwrap.dedent(RATED_PAIRS), name="f", wrt=("P", "Q"), shapes=shapes)
    namespace = {}
    exec(module, namespace)
    with pytest.raises(TypeError, match="reads pairs by position"):
        namespace["f_backward"](P, Q, {1: 1, 0: 1})
    assert_generated_right(RATED_PAIRS, [P, Q, [1, 1, 0]], wrt=[0, 1])


# --- lists of indices joined: CS224n's negSamplingLoss ------------------------------------------

V, D = 5, 3
CENTER = RNG.standard_normal(D)
OUTSIDE = RNG.standard_normal((V, D))
NEGATIVES = np.array([0, 4, 4])  # (a negative drawn twice: its row's gradient adds up)
NEG_SHAPES = {"centerWordVec": "D", "outsideWordIdx": "int", "outsideVectors": "V, D",
              "negSampleWordIndices": "int K"}

NEG_SAMPLING = '''
import numpy as np

def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    return s

def negSamplingLoss(centerWordVec, outsideWordIdx, outsideVectors, negSampleWordIndices):
    indices = %s
    U = outsideVectors[indices, :]
    labels = np.array([1] + [-1 for k in range(len(negSampleWordIndices))])
    z = sigmoid(U.dot(centerWordVec) * labels)
    loss = -np.sum(np.log(z))
    return loss
'''


def _neg_sampling_checked(joined):
    text = NEG_SAMPLING % joined
    args = [CENTER, 2, OUTSIDE, NEGATIVES]
    forward = imported(text, "embed_neg")["negSamplingLoss"]
    want = finite_differences(forward, args, [0, 2], [1.0])
    module = backgen.generate(textwrap.dedent(text), name="negSamplingLoss", shapes=NEG_SHAPES)
    namespace = {}
    exec(module, namespace)
    from_shapes = namespace["negSamplingLoss_backward"](*args)
    from_decorator = backgen.backward(forward).backward(*args)  # (wrt: the two float arrays)
    for got in (from_shapes, from_decorator):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("joined", ["[outsideWordIdx] + list(negSampleWordIndices)",
                                    "[outsideWordIdx] + negSampleWordIndices.tolist()",
                                    "[outsideWordIdx, *negSampleWordIndices]"],
                         ids=["plus_list", "plus_tolist", "starred"])
def test_cs224n_neg_sampling_joins_lists_of_indices(joined):
    # lists of integers (and a sample's labels) joined carry no gradient: read as written
    _neg_sampling_checked(joined)


def test_np_append_of_indices_leaves_them_out_of_the_decorators_wrt():
    # np.append(c, negs) joins labels, as np.concatenate does: not differentiated
    _neg_sampling_checked("np.append(outsideWordIdx, negSampleWordIndices)")


def test_lists_joined_holding_a_differentiated_value_are_refused():
    text = '''
        def f(a, bs):
            xs = [a, *bs]
            return np.sum(np.stack(xs) ** 2)
    '''
    with pytest.raises(backgen.BackgenError, match="hold a differentiated value"):
        backgen.generate(textwrap.dedent(text), name="f", shapes={"a": "float", "bs": "K"})


# --- the decorator's default wrt: integer arrays used as indices are labels -------------------------


def _decorator_right(text, name, args, wrt):
    """The decorator, ``wrt`` left to its default, gives the gradients of the float parameters at
    ``wrt`` (positions), matching central differences."""
    forward = imported(text, "embed_labels")[name]
    got = backgen.backward(forward).backward(*args)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(forward, args, wrt, [1.0])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_captions_indexing_as_a_ravel_written_in_the_index_are_labels():
    # CS231n's captioning loss: captions sliced, compared, and raveled inside the index
    text = '''
import numpy as np
NULL = 0

def loss(x, captions):
    captions_out = captions[:, 1:]
    mask = captions_out != NULL
    N, T, V = x.shape
    xf = x.reshape(N * T, V)
    lp = xf - np.log(np.exp(xf).sum(1, keepdims=True))
    return -np.sum(mask.ravel() * lp[np.arange(N * T), captions_out.ravel()]) / N
'''
    captions = np.array([[1, 2, 0, 0], [1, 3, 4, 0], [1, 1, 2, 3]])
    _decorator_right(text, "loss", [RNG.standard_normal((3, 3, 5)), captions], [0])


def test_rows_and_columns_of_an_open_mesh_are_labels():
    text = '''
import numpy as np

def f(W, rows, cols):
    return np.sum(np.sin(W[np.ix_(rows, cols)]))
'''
    _decorator_right(text, "f", [Q, np.array([0, 1, 1, 4]), np.array([2, 0])], [0])


def test_negatives_looped_by_rows_are_labels():
    text = '''
import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def train_loss(W_in, W_out, pairs, neg):
    total = 0.0
    for i in range(pairs.shape[0]):
        c, o = pairs[i]
        u = W_in[c]
        total -= np.log(sigmoid(W_out[o].dot(u)))
        for k in neg[i]:
            total -= np.log(sigmoid(-W_out[k].dot(u)))
    return total
'''
    pairs = np.array([[0, 1], [1, 2], [0, 1]])
    neg = np.array([[3, 4], [3, 3], [2, 0]])
    _decorator_right(text, "train_loss", [Q, RNG.standard_normal((V, D)), pairs, neg], [0, 1])


def test_a_tuple_of_token_ids_a_loop_iterates_is_taken():
    # the tuple is iterated, never an index itself: its items index E
    text = '''
import numpy as np

def f(E, tokens=(0, 2, 2, 4)):
    return sum(np.sum(np.exp(E[t])) for t in tokens)
'''
    _decorator_right(text, "f", [Q], [0])


# --- vocabularies and words given to the decorator ----------------------------------------------


def test_a_vocabulary_dict_and_a_list_of_words_are_left_out_of_the_decorators_wrt():
    # (the words' zero gradient was written as 0.0 * word: a TypeError from the backward)
    text = '''
import numpy as np

def f(E, vocab, words):
    idx = [vocab[w] for w in words]
    return np.sum(E[idx] ** 2)
'''
    forward = imported(text, "embed_vocab")["f"]
    args = [Q, {"the": 0, "cat": 3, "sat": 1}, ["the", "cat", "the"]]
    got = backgen.backward(forward).backward(*args)
    want = finite_differences(forward, args, [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_a_dict_of_numbers_asked_for_a_gradient_is_refused():
    # the backward read p as an array (np.zeros_like(p), dp[1] = ...): an IndexError from it
    text = '''
import numpy as np

def f(x, p):
    return np.sum(x * p[0]) + p[1] ** 2
'''
    forward = imported(text, "embed_numbers")["f"]
    with pytest.raises(backgen.BackgenError, match="'p' is given a dict that holds no float arrays"):
        backgen.backward(forward, wrt=("x", "p")).backward(P[0], {0: 1.5, 1: 2.0})


# --- a layer caching W's shape alone -----------------------------------------------------------


def test_an_embedding_layer_caching_the_shape_of_W_alone_without_shapes():
    # cache = (x, W.shape): the shape-generic backward makes dW of the shape cached (it asked for W)
    text = '''
        def word_embedding_forward(x, W):
            out = W[x]
            cache = (x, W.shape)
            return out, cache
    '''
    module = backgen.generate(textwrap.dedent(text), name="word_embedding_forward")
    namespace = {}
    exec(module, namespace)
    x = np.array([[0, 3, 3], [1, 0, 4]])
    out, cache = Q[x], (x, Q.shape)  # (what the forward returns)
    dout = RNG.standard_normal(out.shape)
    got = namespace["word_embedding_backward"](dout, cache)
    want = finite_differences(lambda W: W[x], [Q], [0], [dout])[0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_labels_with_an_ignore_index_made_valid_by_np_where_are_labels():
    # PyTorch's ignore_index=-100: the labels compared, then np.where(valid, y, 0) indexes
    text = '''
import numpy as np

def f(logits, y, ignore_index=-100):
    valid = y != ignore_index
    yv = np.where(valid, y, 0)
    lp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    nll = -lp[np.arange(len(y)), yv]
    return np.sum(nll * valid) / np.sum(valid)
'''
    _decorator_right(text, "f", [RNG.standard_normal((4, V)), np.array([0, -100, 2, 2])], [0])
    assert_generated_right(text, [RNG.standard_normal((4, V)), np.array([0, -100, 2, 2]), -100])


def test_a_batch_of_id_pairs_transposed_by_zip_is_labels():
    # (its zero gradient was written as 0.0 * (0, 1): a TypeError from the backward)
    text = '''
import numpy as np

def f(W_in, W_out, batch):
    centers, contexts = zip(*batch)
    u = W_in[list(centers)]
    v = W_out[list(contexts)]
    return -np.sum(np.log(1 / (1 + np.exp(-np.sum(u * v, axis=1)))))
'''
    _decorator_right(text, "f", [Q, RNG.standard_normal((V, D)), [(0, 1), (2, 1), (0, 4)]], [0, 1])


@pytest.mark.parametrize("index", ["x % W.shape[0]", "np.maximum(x, 0)", "np.clip(x, 0, W.shape[0] - 1)"],
                         ids=["modulo", "padding_made_valid", "clipped"])
def test_ids_taken_a_remainder_of_or_bounded_in_the_index_are_labels(index):
    text = f'''
import numpy as np

def f(W, x):
    return np.sum(W[{index}] ** 2 * (x >= 0)[:, None])
'''
    x = np.array([0, 4, 2, -1, 3, 3])  # (-1: a padding id)
    _decorator_right(text, "f", [Q, x], [0])
    assert_generated_right(text, [Q, x])
