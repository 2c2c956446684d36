"""Reinforcement-learning and generative-model losses as people write them in NumPy: discounted
returns built in lists, policy-gradient and PPO losses, Gaussian log-densities with module-level
constants, diffusion schedules indexed by integer timesteps.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_right, assert_generated_refused, check_gradients, finite_differences

RNG = np.random.RandomState(7)
REWARDS = RNG.randn(6)


def _module(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- returns built in a list: insert(0, G), reverse() -----------------------------------------


def test_returns_inserted_at_the_front_of_a_list():
    assert_backward_right('''
        def discount(rewards, gamma):
            returns = []
            R = 0
            for r in reversed(rewards):
                R = r + gamma * R
                returns.insert(0, R)
            return np.array(returns)
    ''', [REWARDS, 0.9], np.random.RandomState(1), name="discount")


def test_returns_inserted_at_the_front_and_read_as_they_grow():
    # each read sees the list as it is then: returns[0] the latest, returns[-1] the first
    assert_backward_right('''
        def f(rewards, gamma):
            returns = []
            R = 0.0
            for r in reversed(rewards):
                R = r + gamma * R
                returns.insert(0, R)
                R = R + 0.1 * returns[0] + 0.2 * returns[-1]
            total = 0.0
            for g, r in zip(returns, rewards):
                total = total + g * r
            return np.array(returns) * len(returns) + total
    ''', [REWARDS, 0.9], np.random.RandomState(2))


def test_returns_appended_then_reversed():
    assert_backward_right('''
        def discount(rewards, gamma):
            out = []
            G = 0.0
            for r in rewards[::-1]:
                G = r + gamma * G
                out.append(G)
            out.reverse()
            return np.array(out)
    ''', [REWARDS, 0.9], np.random.RandomState(3), name="discount")


def test_rows_appended_then_reversed_and_stacked():
    assert_backward_right('''
        def f(x, gamma):
            rows = []
            for i in range(x.shape[0]):
                rows.append(x[i] * gamma ** i)
            rows.reverse()
            return np.stack(rows)
    ''', [RNG.randn(4, 3), 0.9], np.random.RandomState(4))


def test_reinforce_with_returns_inserted_given_shapes():
    source = textwrap.dedent('''
        def loss(logits: "T, A", actions: "int T", rewards: "T", gamma: float):
            returns = []
            G = 0.0
            for r in reversed(rewards):
                G = r + gamma * G
                returns.insert(0, G)
            returns = np.array(returns)
            z = logits - logits.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            return -np.sum(logp[np.arange(len(actions)), actions] * returns)
    ''')
    args = [RNG.randn(6, 3), np.array([1, 1, 0, 2, 1, 0]), REWARDS, 0.95]
    namespace = {"np": np}
    exec(source, namespace)
    env = {}
    exec(backgen.generate(source, name="loss"), env)
    got = env["loss_backward"](*args, 1.0)
    check_gradients(got, namespace["loss"], args, [0, 2, 3])


@pytest.mark.parametrize("second", ["other = returns\n    return np.array(other)",
                                    "returns.append(R)\n    return np.array(returns)"],
                         ids=["kept-by-a-second-name", "appended-too"])
def test_a_list_inserted_into_and_kept_otherwise_stays_refused(second):
    # a second name sees the list change in place, and a list filled at both ends is no list read backwards
    assert_generated_refused(f'''
def f(rewards, gamma):
    returns = []
    R = 0.0
    for r in reversed(rewards):
        R = r + gamma * R
        returns.insert(0, R)
    {second}
''', [REWARDS, 0.9], "call standing alone")


# --- module constants NumPy computes, read by the decorator ------------------------------------


@pytest.mark.parametrize("value", ["np.log(2 * np.pi)", "np.float32(1.5)", "np.int64(2)"])
def test_decorated_gaussian_log_density_reads_a_numpy_module_constant(tmp_path, value):
    module = _module(tmp_path, "gauss_const", f'''
        import numpy as np
        LOG2PI = {value}
        EPS = np.finfo(np.float64).eps

        def log_prob(x, mu, log_std):
            z = (x - mu) / (np.exp(log_std) + EPS)
            return np.sum(-0.5 * z ** 2 - log_std - 0.5 * LOG2PI * z, axis=1)
    ''')
    args = [RNG.randn(3, 2), RNG.randn(3, 2), 0.3 * RNG.randn(3, 2)]
    dout = RNG.randn(3)
    got = backgen.backward(module.log_prob).backward(*[a.copy() for a in args], dout=dout)
    check_gradients(got, lambda *a: float(np.sum(module.log_prob(*a) * dout)), args, [0, 1, 2])


def test_returns_of_each_episode_inserted_then_made_an_array():
    # the list is bound anew at the top of each episode, and named again as the array it makes
    assert_backward_right('''
        def f(W, obs, acts, rews, gamma):
            loss = 0.0
            for e in range(obs.shape[0]):
                rets = []
                G = 0.0
                for t in reversed(range(rews.shape[1])):
                    G = rews[e, t] + gamma * G
                    rets.insert(0, G)
                rets = np.array(rets)
                logits = obs[e] @ W
                logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
                loss -= np.sum(logp[np.arange(len(rets)), acts[e]] * rets) + rets[0]
            return loss
    ''', [RNG.randn(4, 3), RNG.randn(2, 3, 4), np.array([[0, 2, 1], [2, 2, 0]]), RNG.randn(2, 3), 0.9],
        np.random.RandomState(5))


def test_a_loop_reading_the_name_before_binding_the_list_stays_refused():
    # the second iteration reads xs[0] of the list the first one built: no order of the lines says so
    assert_generated_refused('''
        def f(rewards, gamma):
            xs = rewards * 1.0
            total = 0.0
            for k in range(2):
                total = total + xs[0]
                xs = []
                for r in rewards:
                    xs.insert(0, r * gamma)
            return total + xs[0]
    ''', [REWARDS, 0.9], "call standing alone")


# --- scipy.signal.lfilter: the discounted cumulative sum of returns and advantages -------------


def test_discount_cumsum_by_lfilter_along_axis_0():
    # (as written in Spinning Up's core.py)
    pytest.importorskip("scipy")
    assert_backward_right('''
        import scipy.signal
        def discount_cumsum(x, discount):
            return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]
    ''', [RNG.randn(6, 2), 0.9], np.random.RandomState(6), name="discount_cumsum")


def test_gae_and_returns_by_lfilter_imported_by_name():
    pytest.importorskip("scipy")
    assert_backward_right('''
        from scipy.signal import lfilter
        def f(rewards, values, gamma, lam):
            deltas = rewards[:-1] + gamma * values[1:] - values[:-1]
            adv = lfilter([1], [1, -gamma * lam], deltas[::-1])[::-1]
            ret = lfilter([1], [1, -gamma], rewards[::-1])[::-1][:-1]
            return np.sum(adv * ret) + np.sum(adv ** 2)
    ''', [RNG.randn(6), RNG.randn(6), 0.9, 0.8], np.random.RandomState(7))


@pytest.mark.parametrize("call, args", [
    ("signal.lfilter([b0], [a0, a1], x)", [RNG.randn(2, 5), 0.7, 1.3, -0.4]),
    ("signal.lfilter((b0,), (a0,), x, axis=-1) + 0 * a1", [RNG.randn(5), 0.7, 1.3, -0.4]),
], ids=["first-order-last-axis", "no-recursion"])
def test_lfilter_of_coefficients_differentiated(call, args):
    pytest.importorskip("scipy")
    assert_backward_right(f'''
        from scipy import signal
        def f(x, b0, a0, a1):
            return {call}
    ''', args, np.random.RandomState(8))


def test_lfilter_with_shapes_given():
    pytest.importorskip("scipy")
    source = textwrap.dedent('''
        import scipy.signal as sig
        def discount(x: "T, E", gamma: float):
            return sig.lfilter([1.0], [1.0, -gamma], x[::-1], axis=0)[::-1]
    ''')
    namespace = {"np": np}
    exec(source, namespace)
    env = {}
    exec(backgen.generate(source, name="discount"), env)
    args, dout = [RNG.randn(5, 2), 0.95], RNG.randn(5, 2)
    got = env["discount_backward"](*args, dout)
    check_gradients(got, lambda *a: float(np.sum(namespace["discount"](*a) * dout)), args, [0, 1])


def test_decorated_discount_cumsum_by_lfilter(tmp_path):
    pytest.importorskip("scipy")
    module = _module(tmp_path, "core_lfilter", '''
        import numpy as np
        from scipy import signal

        def discount_cumsum(x, discount):
            return signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]
    ''')
    x, dout = RNG.randn(6), RNG.randn(6)
    got = backgen.backward(module.discount_cumsum).backward(x.copy(), 0.97, dout=dout)
    check_gradients(got, lambda *a: float(np.sum(module.discount_cumsum(*a) * dout)), [x, 0.97], [0, 1])


@pytest.mark.parametrize("call, match", [
    ("lfilter(np.array([1.0, 0.5]), [1.0, -g], x)", "b and a lists of coefficients written out"),
    ("lfilter([1], [1, -g], x, axis=1)", "along axis 0 or -1"),
    ("sum(lfilter([1.0], [1.0, -g], row) for row in x)", "not in a comprehension"),
], ids=["coefficients-as-an-array", "middle-axis", "in-a-generator"])
def test_lfilter_beyond_a_first_order_recursion_is_refused_at_its_line(call, match):
    pytest.importorskip("scipy")
    assert_generated_refused(f'''
        from scipy.signal import lfilter
        def f(x, g):
            return {call}
    ''', [RNG.randn(3, 5), 0.5], match)


# --- a differentiated value written into an array of the dtype of integers given ---------------


RETURNS_LIKE_REWARDS = '''
def f(rewards, gamma):
    returns = np.zeros_like(rewards)
    G = 0.0
    for t in reversed(range(len(rewards))):
        G = rewards[t] + gamma * G
        returns[t] = G
    return np.sum(returns * np.arange(len(rewards))) + G
'''


def test_shape_generic_returns_like_integer_rewards_are_refused_as_the_backward_runs():
    # NumPy truncates each G written into zeros_like(integer rewards): the gradient through returns is
    # lost (the shape-generic code knew no dtype; it gave the gradient of float returns)
    env = {}
    exec(backgen.generate(RETURNS_LIKE_REWARDS, name="f"), env)
    with pytest.raises(ValueError, match=r"rewards holds integers \(or booleans\), so returns, made from it"):
        env["f_backward"](np.array([1, 0, 0, 1, 0, 1]), 0.9, 1.0)
    with pytest.raises(ValueError, match="line 7"):
        env["f_backward"]([1, 0, 1], 0.9, 1.0)


def test_shape_generic_returns_like_float_rewards_stay_right():
    args = [REWARDS, 0.9]
    namespace = {"np": np}
    exec(RETURNS_LIKE_REWARDS, namespace)
    env = {}
    exec(backgen.generate(RETURNS_LIKE_REWARDS, name="f"), env)
    check_gradients(env["f_backward"](*args, 1.0), namespace["f"], args, [0, 1])


def test_returns_like_integer_rewards_given_shapes_are_refused():
    with pytest.raises(backgen.BackgenError, match="into an integer array"):
        backgen.generate(RETURNS_LIKE_REWARDS, name="f", shapes={"rewards": "int T", "gamma": "float"})


@pytest.mark.parametrize("made", ["rewards.copy()", "np.array(rewards)", "rewards * 1", "np.full_like(rewards, 0)",
                                  "rewards[:] * 1", "np.zeros(len(rewards), dtype=rewards.dtype)"])
def test_shape_generic_arrays_of_the_dtype_of_integer_rewards_are_refused_as_the_backward_runs(made):
    source = RETURNS_LIKE_REWARDS.replace("np.zeros_like(rewards)", made)
    env = {}
    exec(backgen.generate(source, name="f"), env)
    with pytest.raises(ValueError, match="so returns, made from it, does too"):
        env["f_backward"](np.array([1, 0, 0, 1, 0, 1]), 0.9, 1.0)
    namespace = {"np": np}
    exec(source, namespace)
    check_gradients(env["f_backward"](REWARDS, 0.9, 1.0), namespace["f"], [REWARDS, 0.9], [0, 1])


# --- a replay buffer's transitions transposed: zip(*batch) ----------------------------------------


def test_decorated_dqn_loss_over_a_batch_transposed_by_zip(tmp_path):
    module = _module(tmp_path, "replay_zip", '''
        import numpy as np

        def dqn_loss(W, batch, gamma=0.9):
            states, actions, rewards, next_states = zip(*batch)
            q = np.array(states) @ W
            q_next = np.array(next_states) @ W
            target = np.array(rewards) + gamma * q_next.max(axis=1)
            q_sa = q[np.arange(len(actions)), list(actions)]
            return np.mean((q_sa - target) ** 2)
    ''')
    batch = [(RNG.randn(4), 0, 0.5, RNG.randn(4)), (RNG.randn(4), 2, -0.3, RNG.randn(4)),
             (RNG.randn(4), 0, 1.0, RNG.randn(4))]
    W = RNG.randn(4, 3)
    got = backgen.backward(module.dqn_loss, wrt=("W",)).backward(W.copy(), batch)
    check_gradients(got, lambda W: module.dqn_loss(W, batch), [W], [0])


def test_pairs_of_numbers_transposed_by_zip():
    source = textwrap.dedent('''
        def f(w, b, pairs):
            xs, ys = zip(*pairs)
            return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
    ''')
    namespace = {}
    exec(source, namespace)
    env = {}
    exec(backgen.generate(source, name="f"), env)
    args = [0.7, -0.2, [(0.5, 1.0), (1.5, 2.5), (-1.0, 0.3)]]
    got = env["f_backward"](*args)
    want = finite_differences(namespace["f"], args, [0, 1, 2], [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6, atol=1e-8)


def test_returns_appended_then_listed_reversed():
    assert_backward_right('''
        def discount(rewards, gamma):
            out = []
            G = 0.0
            for r in rewards[::-1]:
                G = r + gamma * G
                out.append(G)
            returns = list(reversed(out))
            return np.array(returns)
    ''', [REWARDS, 0.9], np.random.RandomState(9), name="discount")
