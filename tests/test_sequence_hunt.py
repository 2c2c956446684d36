"""Sequential models and dynamic programs as people write them in NumPy: RNNs over time, HMM
forward passes, soft-DTW and CTC tables filled in nested loops, filters, recursions and integrators.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, or asserted refused with a ``BackgenError``
and part of its message.
"""

import textwrap

import numpy as np

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences, module_in

RNG = np.random.default_rng(31)

assert_right, assert_refused = assert_generated_right, assert_generated_refused


def _module(tmp_path, text, name):
    return module_in(tmp_path, "import numpy as np\n\n\n" + textwrap.dedent(text), name)


def _decorated_right(forward, args, dout=1.0):
    """``backgen.backward(forward)`` gives the gradients of its float arguments that central differences
    of ``forward`` give, leaving its arguments as they were."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    got = backgen.backward(forward).backward(*copies, dout=dout)
    for a, c in zip(args, copies):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, c)
    wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    want = finite_differences(lambda *v: forward(*[x.copy() if isinstance(x, np.ndarray) else x for x in v]),
                              list(args), wrt, [dout])
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


# --- soft minima over a table bordered with np.inf: exp(-inf / gamma) is 0, its gradient too --------


def test_soft_dtw_gamma_gradient_through_exp_of_an_infinite_border():
    # -(r - rmin) / gamma is -inf on the border: its derivative in gamma is infinite there, and the
    # exponential's upstream 0; the product is 0, not nan
    assert_right('''
        def f(x, y, gamma):
            n, m = len(x), len(y)
            D = (x[:, None] - y[None, :]) ** 2
            R = np.full((n + 1, m + 1), np.inf)
            R[0, 0] = 0.0
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    r = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
                    rmin = np.min(r)
                    softmin = rmin - gamma * np.log(np.sum(np.exp(-(r - rmin) / gamma)))
                    R[i, j] = D[i - 1, j - 1] + softmin
            return R[n, m]
    ''', [RNG.standard_normal(3), RNG.standard_normal(4), 0.7])


def test_soft_dtw_gamma_gradient_through_scipy_logsumexp_of_an_infinite_border():
    assert_right('''
        from scipy.special import logsumexp
        def f(D, gamma):
            n, m = D.shape
            R = np.full((n + 1, m + 1), np.inf)
            R[0, 0] = 0.0
            for i in range(1, n + 1):
                for j in range(1, m + 1):
                    prev = np.array([R[i - 1, j], R[i - 1, j - 1], R[i, j - 1]])
                    R[i, j] = D[i - 1, j - 1] - gamma * logsumexp(-prev / gamma)
            return R[n, m]
    ''', [np.abs(RNG.standard_normal((3, 4))) + 0.1, 0.7])


def test_log_space_forward_from_a_start_state_at_minus_infinity_gives_the_temperature_a_gradient():
    # la starts at -inf but for state 0: (la + trans) / temp is -inf there, its logsumexp weight 0
    assert_right('''
        from scipy.special import logsumexp
        def f(scores, trans, temp):
            T, K = scores.shape
            la = np.full(K, -np.inf)
            la[0] = 0.0
            for t in range(T):
                la = logsumexp((la[:, None] + trans) / temp, axis=0) * temp + scores[t]
            return logsumexp(la)
    ''', [RNG.standard_normal((4, 3)), RNG.standard_normal((3, 3)), 0.8])


# --- integrators taking the right-hand side as a function and its parameters as *args -----------


def test_decorated_rk4_step_taking_the_module_s_right_hand_side_and_star_args(tmp_path):
    # the copy of rk4_step written for four values past its parameters knows what lotka means in
    # its module, as generate's reading of the whole source does
    module = _module(tmp_path, """
        def lotka(z, a, b, c, d):
            x, y = z[0], z[1]
            return np.array([a * x - b * x * y, c * x * y - d * y])

        def rk4_step(fun, z, h, *args):
            k1 = fun(z, *args)
            k2 = fun(z + h / 2 * k1, *args)
            k3 = fun(z + h / 2 * k2, *args)
            k4 = fun(z + h * k3, *args)
            return z + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

        def lv(z0, a, b, c, d):
            z = z0
            traj = [z]
            for t in range(5):
                z = rk4_step(lotka, z, 0.1, a, b, c, d)
                traj.append(z)
            return np.array(traj)[:, 0].sum()
        """, "seq_rk4_lotka")
    _decorated_right(module.lv, [np.array([1.0, 0.5]), 1.1, 0.4, 0.4, 0.1])


# --- integer arrays read through their items: lengths of sequences ------------------------------


def test_decorated_attention_over_lengths_read_by_item_leaves_the_lengths_out(tmp_path):
    # L = lengths[i] bounds a slice: lengths holds integers, and the default wrt leaves it out
    module = _module(tmp_path, """
        def attn(q, k, v, lengths):
            N, T, D = k.shape
            out = np.zeros((N, D))
            for i in range(N):
                L = lengths[i]
                s = k[i, :L] @ q[i]
                p = np.exp(s - s.max())
                p = p / p.sum()
                out[i] = p @ v[i, :L]
            return out
        """, "seq_attn_lengths")
    args = [RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4, 3)), RNG.standard_normal((2, 4, 3)),
            np.array([3, 2])]
    _decorated_right(module.attn, args, dout=RNG.standard_normal((2, 3)))


def test_decorated_rnn_over_lengths_looped_over_leaves_the_lengths_out(tmp_path):
    module = _module(tmp_path, """
        def last_states(x, lengths, Wx, Wh):
            total = 0.0
            for n, L in enumerate(lengths):
                h = np.zeros(Wh.shape[0])
                for t in range(L):
                    h = np.tanh(x[n, t] @ Wx + h @ Wh)
                total = total + np.sum(h ** 2)
            return total
        """, "seq_rnn_lengths")
    args = [RNG.standard_normal((2, 3, 3)), np.array([3, 2]), RNG.standard_normal((3, 2)) * 0.5,
            RNG.standard_normal((2, 2)) * 0.5]
    _decorated_right(module.last_states, args)


# --- an item of a DP table taken, then op= on it: a number at the shapes given, rebound -------------


def test_ctc_style_alpha_item_added_to_in_place_is_a_number_rebound():
    # a = alpha[t - 1, s] is a number (a copy) at these shapes: a += ... rebinds it, alpha is not written
    assert_right('''
        def f(P: "T, S"):
            T, S = P.shape
            alpha = np.zeros((T, S))
            alpha[0] = P[0]
            for t in range(1, T):
                for s in range(S):
                    a = alpha[t - 1, s]
                    if s >= 1:
                        a += alpha[t - 1, s - 1]
                    if s >= 2:
                        a += alpha[t - 1, s - 2]
                    alpha[t, s] = a * P[t, s]
            return np.log(alpha[T - 1, S - 1] + alpha[T - 1, S - 2])
    ''', [np.abs(RNG.standard_normal((4, 3))) + 0.1])


def test_soft_dtw_softmin_helper_dividing_its_arguments_in_place():
    # Cuturi's softmin3: a /= -gamma of a = R[i - 1, j], a number, rebinds it
    assert_right('''
        def softmin3(a, b, c, gamma):
            a /= -gamma
            b /= -gamma
            c /= -gamma
            max_val = max(max(a, b), c)
            tmp = 0
            tmp += np.exp(a - max_val)
            tmp += np.exp(b - max_val)
            tmp += np.exp(c - max_val)
            return -gamma * (np.log(tmp) + max_val)

        def f(D: "M, N", gamma: float):
            m, n = D.shape
            R = np.zeros((m + 2, n + 2))
            R[:m + 1, 0] = np.inf
            R[0, :n + 1] = np.inf
            R[0, 0] = 0
            for i in range(1, m + 1):
                for j in range(1, n + 1):
                    R[i, j] = D[i - 1, j - 1] + softmin3(R[i - 1, j], R[i - 1, j - 1], R[i, j - 1], gamma)
            return R[m, n]
    ''', [np.abs(RNG.standard_normal((3, 4))) + 0.1, 0.7])


def test_a_row_item_added_to_in_place_in_a_loop_still_writes_where_it_is_a_view():
    # row = H[t] of a matrix is a view: row += ... writes into H, followed as before
    assert_right('''
        def f(x: "T, H", Wh: "H, H"):
            h = x.copy()
            for t in range(1, h.shape[0]):
                row = h[t]
                row += np.tanh(h[t - 1] @ Wh)
            return np.sum(h ** 2)
    ''', [RNG.standard_normal((4, 2)), RNG.standard_normal((2, 2)) * 0.5])


# --- a list extended by several items at once --------------------------------------------------


def test_ctc_extended_labels_built_by_adding_two_items_at_a_time():
    # ext += [label, blank] is ext with each appended in turn
    assert_right('''
        def f(logits: "T, C", labels: "int L"):
            T, C = logits.shape
            probs = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            ext = [0]
            for l in labels:
                ext += [l, 0]
            L = len(ext)
            alpha = np.zeros((T, L))
            alpha[0, 0] = probs[0, ext[0]]
            alpha[0, 1] = probs[0, ext[1]]
            for t in range(1, T):
                for s in range(L):
                    a = alpha[t - 1, s]
                    if s >= 1:
                        a = a + alpha[t - 1, s - 1]
                    if s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2]:
                        a = a + alpha[t - 1, s - 2]
                    alpha[t, s] = a * probs[t, ext[s]]
            return -np.log(alpha[T - 1, L - 1] + alpha[T - 1, L - 2])
    ''', [RNG.standard_normal((5, 4)), np.array([1, 2])])


def test_a_list_of_states_extended_by_two_arrays_at_once():
    assert_right('''
        def f(x: "T, 2", W: "2, 2"):
            h = np.zeros(2)
            states = []
            for t in range(x.shape[0]):
                h = np.tanh(W @ h + x[t])
                states = states + [h, h * 2.0]
            return np.sum(np.stack(states) ** 2)
    ''', [RNG.standard_normal((3, 2)), RNG.standard_normal((2, 2)) * 0.5])


# --- lagged columns of a series: np.column_stack of a list built in a loop -------------------------


def test_ar_lagged_design_matrix_column_stacked_from_a_comprehension():
    assert_right('''
        def f(y: "T", phi: "3", c: float):
            p = phi.size
            X = np.column_stack([y[p - k - 1:len(y) - k - 1] for k in range(p)])
            resid = y[p:] - c - X @ phi
            return resid @ resid / len(resid)
    ''', [RNG.standard_normal(8), np.array([0.5, -0.2, 0.1]), 0.05])


def test_ar_lagged_design_matrix_column_stacked_without_shapes():
    assert_right('''
        def f(y, phi):
            X = np.column_stack([y[2 - k - 1:len(y) - k - 1] for k in range(2)])
            return np.sum((y[2:] - X @ phi) ** 2)
    ''', [RNG.standard_normal(7), np.array([0.5, -0.2])])


def test_columns_and_blocks_of_columns_stacked_from_a_list_built_by_append():
    assert_right('''
        def f(x: "4, 2", v: "4"):
            cols = [x * 2.0]
            cols.append(np.tanh(v))
            cols.append(x[:, :1] * v[:, None])
            return np.sum(np.column_stack(cols) ** 2 * np.arange(4.0)[None, :])
    ''', [RNG.standard_normal((4, 2)), RNG.standard_normal(4)])


def test_decorated_seq2seq_looping_one_name_over_two_token_arrays_leaves_both_out(tmp_path):
    # tok iterates src, then tgt, and indexes the embedding in both loops: both hold labels
    module = _module(tmp_path, """
        def s2s(src, tgt, E, Wenc, Wdec, Wout):
            h = np.zeros(Wenc.shape[0])
            for tok in src:
                h = np.tanh(Wenc @ np.concatenate([E[tok], h]))
            loss = 0.0
            prev = 0
            for tok in tgt:
                h = np.tanh(Wdec @ np.concatenate([E[prev], h]))
                logits = Wout @ h
                logits = logits - logits.max()
                loss -= logits[tok] - np.log(np.exp(logits).sum())
                prev = tok
            return loss / len(tgt)
        """, "seq_s2s_tokens")
    args = [np.array([1, 2, 3]), np.array([2, 4]), RNG.standard_normal((5, 3)), RNG.standard_normal((2, 5)) * 0.5,
            RNG.standard_normal((2, 5)) * 0.5, RNG.standard_normal((5, 2))]
    _decorated_right(module.s2s, args)


def test_soft_dtw_of_lists_with_math_exp_gives_gamma_a_finite_gradient():
    # the rows start at math.inf: math.exp(-(inf - lo) / gamma) is 0, and so is the gradient through it
    source = '''
import math
def f(x, y, gamma):
    n, m = len(x), len(y)
    prev = [0.0]
    for j in range(m):
        prev.append(math.inf)
    for i in range(1, n + 1):
        cur = [math.inf]
        for j in range(1, m + 1):
            a, b, c = prev[j - 1], prev[j], cur[j - 1]
            lo = min(a, b, c)
            s = math.exp(-(a - lo) / gamma) + math.exp(-(b - lo) / gamma) + math.exp(-(c - lo) / gamma)
            cur.append((x[i - 1] - y[j - 1]) ** 2 + lo - gamma * math.log(s))
        prev = cur
    return prev[m]
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    x, y, gamma = [0.1, 0.9, -0.4], [0.3, -0.2, 0.8], 0.6
    with np.errstate(all="ignore"):
        dx, dy, dgamma = generated["f_backward"](list(x), list(y), gamma)
    f = namespace["f"]
    want = finite_differences(lambda a, b, g: f(list(a), list(b), g), [np.array(x), np.array(y), gamma],
                              [0, 1, 2], [1.0])
    for got, expected in zip((dx, dy, dgamma), want):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_plain_python_soft_minimum_started_at_infinity_gives_gamma_a_finite_gradient():
    source = '''
import math
def f(costs, gamma):
    r = math.inf
    for c in costs:
        lo = min(r, c)
        r = lo - gamma * math.log(math.exp(-(r - lo) / gamma) + math.exp(-(c - lo) / gamma))
    return r
'''
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, name="f"), generated)
    costs, gamma = [0.5, 1.2, 0.3], 0.7
    dcosts, dgamma = generated["f_backward"](list(costs), gamma)
    f = namespace["f"]
    want = finite_differences(lambda c, g: f(list(c), g), [np.array(costs), gamma], [0, 1], [1.0])
    np.testing.assert_allclose(dcosts, want[0], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, want[1], rtol=1e-5, atol=1e-7)
