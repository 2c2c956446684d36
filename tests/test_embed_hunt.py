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
