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
