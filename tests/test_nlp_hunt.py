"""Classic NLP models as people write them in NumPy: word2vec's skip-gram with negative sampling and
CBOW, GloVe, min-char-rnn and LSTM/GRU cells over sequences, neural n-gram language models, CRF and HMM
forward algorithms, CTC, attention steps, and losses over padded batches.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where every argument is a
number or an array) and by the decorator, or asserted refused with a ``BackgenError`` and part of its
message.
"""

import copy
import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, generated_backward, imported, shapes_of

RNG = np.random.default_rng(41)


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float) or
            isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _check(got, want, many):
    got = got if many else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_right(source, args, name="f", wrt=None, ways=("free", "shapes", "deco")):
    """The ways asked for give the gradients central differences give for the parameters at ``wrt``
    (by default those holding floats); ``free`` may also stop at run time with a clear error where
    its code was written for numbers."""
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "nlp_hunt")[name]
    positions = _floats(args) if wrt is None else wrt
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    want = finite_differences(lambda *v: func(*copy.deepcopy(v)), list(args), positions, (1.0,))
    many = len(positions) > 1
    if "free" in ways:
        _check(generated_backward(source, copy.deepcopy(args), name, None, names), want, many)
    if "shapes" in ways:
        shapes = shapes_of(func, args)
        assert shapes is not None
        _check(generated_backward(source, copy.deepcopy(args), name, shapes, names), want, many)
    if "deco" in ways:
        with np.errstate(all="ignore"):
            got = backgen.backward(func, wrt=names).backward(*copy.deepcopy(args))
        _check(got, want, many)


# --- a tag carried from the last iteration, None before the first ------------------------------------


VITERBI_PATH_SCORE = '''
def f(x, W, A, y):
    s = 0.0
    prev = None
    for t, tag in %s:
        s += W[tag] @ x[t]
        if prev is not None:
            s += A[prev, tag]
        prev = tag
    return s
'''


@pytest.mark.parametrize("loop", ["enumerate(y)", "zip(range(len(y)), y)"])
def test_a_path_score_carrying_the_previous_tag_from_none(loop):
    # prev = tag binds an item of y, a value as y[t] is: the test is decided once the first iteration
    # is written out
    args = [RNG.standard_normal((4, 3)), RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3)), [0, 2, 1, 1]]
    assert_right(VITERBI_PATH_SCORE % loop, args, ways=("deco",))
    assert_right(VITERBI_PATH_SCORE % loop, args[:3] + [np.array(args[3])], ways=("shapes", "deco"))


def test_a_none_tested_loop_over_a_list_holding_none_is_still_refused():
    text = '''
        def f(x, W):
            acc = None
            for h in [None, x]:
                if acc is not None:
                    acc = acc + h
                acc = h
            return np.sum(W @ acc)
    '''
    with pytest.raises(backgen.BackgenError):
        backgen.generate("import numpy as np\n" + textwrap.dedent(text), shapes={"x": "3", "W": "2, 3"})


# --- CS224n's negative sampling: indices joined as [outsideWordIdx] + negSampleWordIndices -----------


NEG_SAMPLING = '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def f(centerWordVec, outsideWordIdx, outsideVectors, negSampleWordIndices):
    indices = [outsideWordIdx] + negSampleWordIndices
    U = outsideVectors[indices]
    labels = np.array([1.0] + [-1.0] * len(negSampleWordIndices))
    return -np.sum(np.log(sigmoid(U @ centerWordVec * labels)))
'''


def test_a_list_of_indices_given_is_joined_to_a_list_written_out():
    # the join runs as written: a list given joins, where an array would add
    args = [RNG.standard_normal(3), 2, RNG.standard_normal((6, 3)), [4, 1, 4]]
    assert_right(NEG_SAMPLING, args, ways=("deco",))


def test_a_float_array_joined_to_a_list_is_refused():
    text = '''
        def f(w, xs):
            ys = [1.0] + xs
            return np.sum(w * np.asarray(ys))
    '''
    with pytest.raises(backgen.BackgenError, match="adding lists joins them"):
        backgen.generate("import numpy as np\n" + textwrap.dedent(text), shapes={"w": "2", "xs": "2"})


# --- min-char-rnn reading its text through a vocabulary dict -------------------------------------------


def test_a_vocabulary_dict_read_at_characters_of_a_string_without_shapes():
    # char_to_ix[ch] is not differentiated: the backward reads it as the forward does, a dict at a key
    text = '''
        def f(text, char_to_ix, Wxh, bh):
            inputs = [char_to_ix[ch] for ch in text]
            h = np.zeros((Wxh.shape[0], 1))
            for t in range(len(inputs)):
                x = np.zeros((len(char_to_ix), 1))
                x[inputs[t]] = 1
                h = np.tanh(np.dot(Wxh, x) + 0.5 * h + bh)
            return np.sum(h ** 2)
    '''
    vocab = {c: i for i, c in enumerate("abcde")}
    args = ["abcae", vocab, RNG.standard_normal((4, 5)), RNG.standard_normal((4, 1))]
    assert_right(text, args, ways=("free", "deco"))


# --- word2vec from scratch: context words given as one-hot lists, their places found by .index(1) ------


def test_list_index_of_a_one_hot_context_word_is_an_integer():
    text = '''
        def f(w1, w2, w_t, w_c):
            h = np.dot(w_t, w1)
            u = np.dot(h, w2)
            return -np.sum([u[word.index(1)] for word in w_c]) + len(w_c) * np.log(np.sum(np.exp(u)))
    '''
    args = [RNG.standard_normal((5, 3)), RNG.standard_normal((3, 5)), np.eye(5)[2],
            [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0]]]
    assert_right(text, args, wrt=[0, 1], ways=("deco",))


# --- a recurrent cell returning its output and its new state, output, (h, c) ---------------------------


CELL_WITH_STATE = '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def cell(x, state, W):
    h, c = state
    z = W @ np.concatenate([x, h])
    i, f, o, g = np.split(z, 4)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return h, (h, c)

def f(xs, h0, c0, W):
    state = (h0, c0)
    total = 0.0
    for x in xs:
        y, state = cell(x, state, W)
        total = total + np.sum(y)
    return total
'''


def test_a_cell_returning_its_new_state_as_a_tuple_hands_it_to_the_next_step():
    # (h, c) repeats the output h and holds no parameter: a state the caller reads, not a layer's cache
    args = [RNG.standard_normal((3, 2)), RNG.standard_normal(4), RNG.standard_normal(4),
            0.5 * RNG.standard_normal((16, 6))]
    assert_right(CELL_WITH_STATE, args, ways=("shapes", "deco"))


# --- a ragged batch of sentences given as lists of token ids, each read whole as an index --------------


RAGGED = '''
def f(E, seqs, w):
    T = max(len(s) for s in seqs)
    rows = []
    for s in seqs:
        x = E[s]
        x = np.pad(x, ((0, T - len(s)), (0, 0)))
        rows.append(x)
    return np.sum(np.tanh(np.stack(rows) @ w)) + np.sum(E[seqs[1]] ** 2)
'''


def test_sentences_of_a_ragged_batch_index_the_embeddings_whole():
    args = [RNG.standard_normal((6, 3)), [[0, 1, 2, 2], [3, 4]], RNG.standard_normal(3)]
    assert_right(RAGGED, args, ways=("free", "deco"))


def test_a_sentence_of_a_ragged_batch_changed_in_place_is_refused():
    text = '''
        def f(E, seqs, w):
            total = 0.0
            for s in seqs:
                s.append(0)
                total = total + np.sum(np.tanh(E[s] @ w))
            return total
    '''
    forward = imported("import numpy as np\n" + textwrap.dedent(text), "nlp_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="used whole here"):
        backgen.backward(forward).backward(RNG.standard_normal((6, 3)), [[0, 1, 2], [3, 4]], RNG.standard_normal(3))


# --- a loss averaged over the tokens that lengths count, with shapes given -----------------------------


def test_tokens_counted_by_lengths_with_shapes_given():
    # the lengths' samples, zeros at first, count no token (total / count divides by zero): spread
    text = '''
        def f(logits, targets, lengths):
            total, count = 0.0, 0
            for b in range(logits.shape[0]):
                for t in range(lengths[b]):
                    z = logits[b, t]
                    total += np.log(np.sum(np.exp(z))) - z[targets[b, t]]
                    count += 1
            return total / count
    '''
    args = [RNG.standard_normal((2, 4, 5)), np.array([[1, 2, 3, 0], [4, 4, 0, 0]]), np.array([3, 2])]
    assert_right(text, args, ways=("shapes", "deco"))


def test_a_crf_over_a_batch_cut_to_its_lengths_with_shapes_given():
    # em[b, :L] of lengths of zeros is empty, e[0] raises: the samples' lengths are ones instead
    text = '''
        from scipy.special import logsumexp

        def f(em, tr, tags, lengths):
            total = 0.0
            for b in range(em.shape[0]):
                L = lengths[b]
                e = em[b, :L]
                y = tags[b, :L]
                gold = e[np.arange(L), y].sum() + tr[y[:-1], y[1:]].sum()
                a = e[0]
                for t in range(1, L):
                    a = logsumexp(a[:, None] + tr, axis=0) + e[t]
                total += logsumexp(a) - gold
            return total
    '''
    args = [RNG.standard_normal((2, 4, 3)), RNG.standard_normal((3, 3)), np.array([[0, 1, 2, 2], [1, 0, 0, 0]]),
            np.array([4, 2])]
    assert_right(text, args, ways=("shapes",))


# --- tests against None decided from a list's items: a list holding None is refused -----------------


COUNTED_TRANSITIONS = '''
def f(x, A, y):
    s = 0.0
    prev = None
    for %s:
        if prev is not None:
            s += x * A[0, 0]
        prev = %s
    return s
'''


@pytest.mark.parametrize("loop, item", [("tag in y", "tag"), ("t in range(len(y))", "y[t]")])
def test_a_list_holding_none_whose_items_decided_the_tests_is_refused(loop, item):
    text = "import numpy as np\n" + COUNTED_TRANSITIONS % (loop, item)
    forward = imported(text, "nlp_hunt")["f"]
    args = [1.5, np.ones((3, 3)), [0, None, 2, 1]]
    with pytest.raises(backgen.BackgenError, match="holding None"):
        backgen.backward(forward, wrt=("x", "A")).backward(*args)
    namespace = {}
    exec(backgen.generate(text, wrt=("x", "A")), namespace)
    with pytest.raises(TypeError, match="holding None"):
        namespace["f_backward"](*args)
    assert_right(COUNTED_TRANSITIONS % (loop, item), [1.5, np.ones((3, 3)), [0, 1, 2, 1]], wrt=[0, 1],
                 ways=("free", "deco"))


def test_a_layer_caching_its_output_in_a_tuple_keeps_its_cache():
    # return out, (out,): no state parameter unpacked, so the tuple is the layer's cache, as before
    text = '''
        def tanh_forward(x):
            out = np.tanh(x)
            return out, (out,)
    '''
    module = backgen.generate("import numpy as np\n" + textwrap.dedent(text), shapes={"x": "2, 3"})
    assert "def tanh_backward(dout, cache):" in module
