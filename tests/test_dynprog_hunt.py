"""Dynamic-programming losses and recursions as people write them: CTC's alpha recursion over labels
with blanks in log space (tables filled with -np.inf, np.logaddexp, logsumexp of shifted copies),
CRF and HMM forward algorithms, soft-DTW and soft alignment tables, Viterbi scores, semi-Markov and
inside recursions, value iteration, and cumulative scans (np.logaddexp.accumulate).

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are arrays) and
by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, gradient, imported, shapes_of


def assert_right(source, args, wrt, name="f"):
    """generate without shapes, with shapes (where every argument is a number or an array) and the
    decorator all give the gradients central differences give, for the parameters at ``wrt``."""
    source = "import math\n\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "dynprog_hunt")[name]
    names = tuple(list(inspect.signature(func).parameters)[k] for k in wrt)
    with np.errstate(all="ignore"):
        want = finite_differences(lambda *v: func(*fresh_args(v)), list(args), wrt, (1.0,))
    shapes = shapes_of(func, args)
    for given in [None] + ([shapes] if shapes else []):
        text = backgen.generate(source, name=name, shapes=given, wrt=names)
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        with np.errstate(all="ignore"):
            got = namespace[f"{name}_backward"](*fresh_args(args))
        got = got if len(wrt) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*fresh_args(args))
    got = got if len(wrt) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate("import numpy as np\n" + textwrap.dedent(source), name=name)


def _log_probs(T=5, V=4, seed=0):
    logits = np.random.default_rng(seed).standard_normal((T, V))
    return logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))


# ---------------------------------------------------------------- -inf in log-space tables


def test_ctc_alpha_table_filled_with_minus_inf_summed_by_logaddexp():
    """Cells no path reaches stay -inf: np.logaddexp of two of them has the slope np.exp(-inf - -inf),
    nan, times an upstream gradient of 0: the gradient in log_probs was nan there (now 0)."""
    source = '''
    def ctc_loss(log_probs, labels, blank=0):
        T, V = log_probs.shape
        S = 2 * len(labels) + 1
        ext = np.zeros(S, dtype=int)
        ext[1::2] = labels
        alpha = np.full((T, S), -np.inf)
        alpha[0, 0] = log_probs[0, ext[0]]
        alpha[0, 1] = log_probs[0, ext[1]]
        for t in range(1, T):
            for s in range(S):
                a = alpha[t - 1, s]
                if s >= 1:
                    a = np.logaddexp(a, alpha[t - 1, s - 1])
                if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                    a = np.logaddexp(a, alpha[t - 1, s - 2])
                alpha[t, s] = a + log_probs[t, ext[s]]
        return -np.logaddexp(alpha[-1, -1], alpha[-1, -2])
    '''
    assert_right(source, [_log_probs(), np.array([1, 2, 2])], [0], name="ctc_loss")


def test_ctc_vectorized_over_states_with_shiftedfresh_args():
    source = '''
    def ctc_loss(log_probs, targets, blank=0):
        T = log_probs.shape[0]
        ext = np.full(2 * len(targets) + 1, blank)
        ext[1::2] = targets
        S = len(ext)
        skip = np.zeros(S, dtype=bool)
        skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
        alpha = np.full(S, -np.inf)
        alpha[:2] = log_probs[0, ext[:2]]
        for t in range(1, T):
            prev1 = np.concatenate([[-np.inf], alpha[:-1]])
            prev2 = np.concatenate([[-np.inf, -np.inf], alpha[:-2]])
            prev2 = np.where(skip, prev2, -np.inf)
            alpha = np.logaddexp(np.logaddexp(alpha, prev1), prev2) + log_probs[t, ext]
        return -np.logaddexp(alpha[-1], alpha[-2])
    '''
    assert_right(source, [_log_probs(6), np.array([1, 2, 2, 3])], [0], name="ctc_loss")


def test_ctc_logsumexp_of_stacked_shifts():
    """scipy's logsumexp over np.stack([alpha, a1, a2]): the -inf cells reach the sum through the join."""
    source = '''
    from scipy.special import logsumexp

    def ctc_loss(log_probs, targets, blank=0):
        T = log_probs.shape[0]
        ext = np.full(2 * len(targets) + 1, blank)
        ext[1::2] = targets
        S = len(ext)
        allow = np.zeros(S, dtype=bool)
        allow[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
        alpha = np.full(S, -np.inf)
        alpha[0] = log_probs[0, ext[0]]
        alpha[1] = log_probs[0, ext[1]]
        for t in range(1, T):
            a1 = np.full(S, -np.inf)
            a1[1:] = alpha[:-1]
            a2 = np.full(S, -np.inf)
            a2[2:] = alpha[:-2]
            a2[~allow] = -np.inf
            alpha = logsumexp(np.stack([alpha, a1, a2]), axis=0) + log_probs[t, ext]
        return -logsumexp(alpha[-2:])
    '''
    assert_right(source, [_log_probs(6), np.array([1, 2, 2])], [0], name="ctc_loss")


# ---------------------------------------------------------------- cumulative scans


def test_cumulative_logsumexp_weighted():
    source = '''
    def cum_lse(x, w):
        c = np.logaddexp.accumulate(x, axis=1)
        return np.sum(c * w)
    '''
    rng = np.random.default_rng(3)
    assert_right(source, [rng.standard_normal((3, 5)), rng.standard_normal((3, 5))], [0, 1], name="cum_lse")


def test_cox_partial_likelihood_over_risk_sets():
    source = '''
    def cox_nll(risk, events):
        log_cum = np.logaddexp.accumulate(risk)
        return -np.sum((risk - log_cum) * events) / np.sum(events)
    '''
    risk = np.random.default_rng(4).standard_normal(7)
    assert_right(source, [risk, np.array([1, 0, 1, 1, 0, 1, 1], dtype=float)], [0], name="cox_nll")


def test_cumulative_logsumexp_of_large_and_infinite_entries():
    """The gradient sums exp(a[j] - out[i]) from the end in log space: no overflow at 800, and an
    entry at -inf gets 0."""
    source = '''
    def f(x, w):
        return np.sum(np.logaddexp.accumulate(x) * w)
    '''
    namespace = {}
    exec(backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f"), namespace)
    w = np.array([1.0, -2.0, 0.5, 3.0])
    dx, _ = namespace["f_backward"](np.array([-np.inf, 1.0, 800.0, 2.0]), w)
    assert_close(dx, np.array([0.0, -2.0, 3.5, 0.0]), rtol=1e-12, atol=1e-12)
    dx, _ = namespace["f_backward"](np.array([-3.0, 1.0, 800.0, 2.0]), w)
    assert_close(dx, np.array([1 - 2 * np.exp(-3 - np.logaddexp(-3, 1)), 1 - 2 * np.exp(1 - np.logaddexp(-3, 1)) - 1,
                               3.5, 0.0]), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- -inf named by the module


_CTC_LOG_ZERO = '''
LOG_ZERO = -np.inf

def ctc(lp, labels):
    T = lp.shape[0]
    ext = np.zeros(2 * len(labels) + 1, dtype=int)
    ext[1::2] = labels
    S = ext.size
    alpha = np.full((T, S), LOG_ZERO)
    alpha[0, :2] = lp[0, ext[:2]]
    for t in range(1, T):
        for s in range(S):
            terms = [alpha[t - 1, s], alpha[t - 1, s - 1] if s > 0 else LOG_ZERO,
                     alpha[t - 1, s - 2] if s > 1 and ext[s] != ext[s - 2] and ext[s] != 0 else LOG_ZERO]
            alpha[t, s] = np.logaddexp.reduce(terms) + lp[t, ext[s]]
    return -np.logaddexp(alpha[-1, -1], alpha[-1, -2])
'''


def test_ctc_with_the_modules_log_zero_in_a_list_of_terms():
    """LOG_ZERO = -np.inf read by the decorator as the module's number: the table np.full(.., LOG_ZERO)
    holds -inf, which reaches np.logaddexp.reduce through the list of terms; its gradient was nan (the
    guard looked for the text inf and for joins of arrays only)."""
    func = imported("import numpy as np\n" + _CTC_LOG_ZERO, "dynprog_hunt")["ctc"]
    args = [_log_probs(6), np.array([1, 3, 3])]
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=("lp",)).backward(*fresh_args(args))
        want, = finite_differences(lambda *v: func(*fresh_args(v)), args, [0], (1.0,))
    assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_module_numbers_spelled_by_numpy_and_math():
    """-np.inf, float('-inf'), math.pi given names at the top of the module are its numbers for generate too
    (they were refused as global values)."""
    source = '''
    import math

    NEG_INF = -np.inf
    NEG = float("-inf")
    TWO_PI = 2 * math.pi

    def f(x):
        m = np.maximum(np.maximum(x, NEG_INF), NEG)
        return np.sum(np.exp(m) * np.sin(TWO_PI * x))
    '''
    assert_right(source, [np.array([0.3, -1.2, 0.7])], [0])
    text = backgen.generate("import numpy as np\n" + _CTC_LOG_ZERO, name="ctc", shapes={"lp": "6, 4", "labels": "int 3"},
                            wrt=("lp",))
    namespace = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    func = imported("import numpy as np\n" + _CTC_LOG_ZERO, "dynprog_hunt")["ctc"]
    args = [_log_probs(6), np.array([1, 3, 3])]
    with np.errstate(all="ignore"):
        got = namespace["ctc_backward"](*fresh_args(args))
        want, = finite_differences(lambda *v: func(*fresh_args(v)), args, [0], (1.0,))
    assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_a_table_written_from_labels_without_shapes():
    """A constant's text reading a value never computed at some sample (np.full(n, ...) where n came from a
    line NumPy raised on) was refused with a KeyError of backgen's own name; the samples that run write it."""
    generated = {}
    exec(backgen.generate("import numpy as np\n" + _CTC_LOG_ZERO, name="ctc"), generated)
    namespace = {}
    exec("import numpy as np\n" + _CTC_LOG_ZERO, namespace)
    for args in ([_log_probs(6), np.array([1, 3, 3])], [_log_probs(7), np.array([2, 1])]):
        with np.errstate(all="ignore"):
            got = generated["ctc_backward"](*args)
        np.testing.assert_allclose(got, gradient(namespace["ctc"], args, 0), rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------- segment lengths and tables of -inf in plain Python


def test_semi_markov_segments_bounded_by_min_of_a_count():
    """range(1, min(max_len, t) + 1): max_len is a count, as in range(max_len) (it was sampled as an
    array without shapes, and min() of it raised)."""
    source = '''
    def semi_crf_logz(seg_scores, max_len):
        T = seg_scores.shape[0]
        alpha = np.full(T + 1, -np.inf)
        alpha[0] = 0.0
        for t in range(1, T + 1):
            terms = []
            for d in range(1, min(max_len, t) + 1):
                terms.append(alpha[t - d] + seg_scores[t - d, d - 1])
            terms = np.array(terms)
            m = terms.max()
            alpha[t] = m + np.log(np.exp(terms - m).sum())
        return alpha[T]
    '''
    seg = np.random.default_rng(6).standard_normal((5, 3))
    assert_right(source, [seg, 3], [0], name="semi_crf_logz")


def test_best_segmentation_max_over_a_generator_of_bounded_lengths():
    source = '''
    def best_segmentation(seg, L):
        T = seg.shape[0]
        best = np.zeros(T + 1)
        for t in range(1, T + 1):
            best[t] = max(best[t - d] + seg[t - d, d - 1] for d in range(1, min(L, t) + 1))
        return best[T]
    '''
    seg = np.array([[1.0, 0.3, -0.2], [0.5, 2.1, 0.0], [-0.3, 0.9, 1.7], [0.8, -0.6, 0.2], [0.1, 0.4, 1.2]])
    assert_right(source, [seg, 3], [0], name="best_segmentation")


def test_plain_python_table_of_minus_infinity_repeated_to_a_length():
    """[0.0] + [-math.inf] * T: a list of constants, as [0.0] * T is (it was refused as a repetition of
    values by a count not written out)."""
    source = '''
    def logz(scores, L):
        T = len(scores)
        alpha = [0.0] + [-math.inf] * T
        for t in range(1, T + 1):
            acc = -math.inf
            for d in range(1, min(L, t) + 1):
                v = alpha[t - d] + scores[t - d] * d
                hi = max(acc, v)
                acc = hi + math.log(math.exp(acc - hi) + math.exp(v - hi))
            alpha[t] = acc
        return alpha[T]
    '''
    func = imported("import math\n" + textwrap.dedent(source), "dynprog_hunt")["logz"]
    args = [[0.3, -0.4, 1.1, 0.2], 2]
    namespace = {}
    exec(compile(backgen.generate("import math\n" + textwrap.dedent(source), name="logz"), "<generated>", "exec"),
         namespace)
    want, = finite_differences(lambda *v: func(*fresh_args(v)), args, [0], (1.0,))
    assert_close(np.asarray(namespace["logz_backward"](*fresh_args(args)), dtype=float), np.asarray(want), rtol=1e-6,
                 atol=1e-8)
    got = backgen.backward(func, wrt=("scores",)).backward(*fresh_args(args))
    assert_close(np.asarray(got, dtype=float), np.asarray(want), rtol=1e-6, atol=1e-8)
    for spelled in ("[-math.inf] * (T + 1)", "[float('-inf')] * (T + 1)"):
        text = source.replace("[0.0] + [-math.inf] * T", spelled).replace("        for t in", "        alpha[0] = 0.0\n        for t in", 1)
        namespace = {}
        exec(compile(backgen.generate("import math\n" + textwrap.dedent(text), name="logz"), "<generated>", "exec"),
             namespace)
        assert_close(np.asarray(namespace["logz_backward"](*fresh_args(args)), dtype=float), np.asarray(want),
                     rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- labels reached through the extended label list


@pytest.mark.parametrize("fill", [
    "ext = [0]\n    for c in labels:\n        ext.extend([c, 0])",
    "ext = [0]\n    for c in labels:\n        ext += [c, 0]",
    "ext = [0]\n    for c in labels:\n        ext.append(int(c))\n        ext.append(0)",
    "ext = [0] * (2 * len(labels) + 1)\n    for i in range(len(labels)):\n        ext[2 * i + 1] = labels[i]",
])
def test_ctc_labels_read_through_the_list_with_blanks(fill):
    """labels index log_probs only through ext, the list a loop fills with them and blanks: labels hold
    labels (without shapes they were sampled as float arrays, and the index raised)."""
    source = '''
    def ctc(lp, labels):
        FILL
        T = lp.shape[0]
        S = len(ext)
        alpha = np.full(S, -1e30)
        alpha[0] = lp[0, 0]
        alpha[1] = lp[0, ext[1]]
        for t in range(1, T):
            new = np.full(S, -1e30)
            for s in range(S):
                v = alpha[s]
                if s > 0:
                    v = np.logaddexp(v, alpha[s - 1])
                if s > 1 and ext[s] != 0 and ext[s] != ext[s - 2]:
                    v = np.logaddexp(v, alpha[s - 2])
                new[s] = v + lp[t, ext[s]]
            alpha = new
        return -np.logaddexp(alpha[S - 1], alpha[S - 2])
    '''.replace("FILL", fill.replace("\n", "\n    "))
    assert_right(source, [_log_probs(5), np.array([1, 2, 2])], [0], name="ctc")


# ---------------------------------------------------------------- matrices written as lists of rows, decorated


_PLAIN_HMM = '''
def forward(pi, A, B, obs):
    n = len(pi)
    alpha = [pi[i] * B[i][obs[0]] for i in range(n)]
    for o in obs[1:]:
        alpha = [sum(alpha[i] * A[i][j] for i in range(n)) * B[j][o] for j in range(n)]
    return sum(alpha)

def rows_joined(A):
    r = A[0] + A[1]
    return sum(v * (k + 1) for k, v in enumerate(r))
'''


def test_decorated_hmm_forward_over_matrices_written_as_rows():
    """A = [[0.6, 0.3, 0.1], ...] read at computed indices (A[i][j]): a matrix, read as its array, its
    gradient given back as rows (it was taken for a list of arrays, refused at the index i)."""
    func = imported(_PLAIN_HMM, "dynprog_hunt")["forward"]
    args = [[0.5, 0.3, 0.2], [[0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0.25, 0.25, 0.5]],
            [[0.5, 0.5], [0.1, 0.9], [0.3, 0.7]], [0, 1, 1, 0]]
    got = backgen.backward(func, wrt=("pi", "A", "B")).backward(*[list(map(list, a)) if isinstance(a[0], list)
                                                                   else list(a) for a in args])
    want = finite_differences(lambda *v: func(*v), args, [0, 1, 2], (1.0,))
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-6, atol=1e-8)
    assert isinstance(got[1], list) and isinstance(got[1][0], list)


def test_decorated_rows_joined_as_lists_are_refused():
    func = imported(_PLAIN_HMM, "dynprog_hunt")["rows_joined"]
    with pytest.raises(backgen.BackgenError, match="joins or repeats lists"):
        backgen.backward(func).backward([[1.0, 2.0], [3.0, 4.0]])
