"""Dynamical systems, control, estimation and time-series code written as people write it: Kalman filter
likelihoods, LQR and policy rollouts, SIR and Lotka-Volterra integrations, GARCH and ARMA recursions,
exponential smoothing, hidden states carried by while loops with counters, discounting.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` (with no shapes, and with
shapes given where it reads arrays) and by the decorator.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_at, assert_generated_right, finite_differences, fresh_args, imported

RNG = np.random.default_rng(20261206)


def _floats(args):
    return [k for k, a in enumerate(args)
            if isinstance(a, float) or isinstance(a, (list, tuple)) and a and all(isinstance(v, float) for v in a)
            or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _compare(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_decorated_right(source, args, name="f"):
    """The decorator's gradients (of the float parameters) match central differences."""
    func = imported("import math\nimport numpy as np\n" + textwrap.dedent(source), "dynamics_hunt")[name]
    wrt = _floats(args)
    got = backgen.backward(func).backward(*fresh_args(args))
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (1.0,))
    _compare(got if len(wrt) > 1 else (got,), want)


def assert_shaped_right(source, args, shapes, name="f"):
    """The backward ``generate`` writes for the ``shapes`` given matches central differences."""
    source = textwrap.dedent(source)
    namespace = {"np": np}
    exec(source, namespace)
    text = backgen.generate(source, name=name, shapes=shapes)
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    got = generated[f"{name}_backward"](*fresh_args(args))
    wrt = _floats(args)
    want = finite_differences(lambda *values: namespace[name](*fresh_args(values)), list(args), wrt, (1.0,))
    _compare(got if len(wrt) > 1 else (got,), want)


def assert_right(source, args, shapes=None):
    """Right by ``generate`` (with ``shapes`` too, where given) and by the decorator."""
    assert_generated_right(source, args, wrt=_floats(args))
    if shapes is not None:
        assert_shaped_right(source, args, shapes)
    assert_decorated_right(source, args)


# --- a name a comprehension binds, in a function that inserts into a list at its front ---------------
# (GAE's advantages built by advs.insert(0, gae), then read by sum(a * a for a in advs): an AttributeError
# from backgen's reading of the lists, 'comprehension' object has no attribute 'end_lineno')

def test_advantages_inserted_at_the_front_then_summed_by_a_generator():
    assert_right('''
        def f(values, rewards, gamma, lam):
            advs = []
            gae = 0.0
            for t in range(len(rewards) - 1, -1, -1):
                delta = rewards[t] + gamma * values[t + 1] - values[t]
                gae = delta + gamma * lam * gae
                advs.insert(0, gae)
            return sum(a * a for a in advs)
    ''', [[0.1, 0.4, -0.2, 0.3, 0.5], [1.0, 0.5, -0.5, 0.2], 0.99, 0.95])


def test_a_list_comprehension_beside_a_list_reversed():
    assert_right('''
        def f(w, xs):
            hs = []
            h = 0.0
            for x in xs:
                h = math.tanh(w * h + x)
                hs.append(h)
            hs.reverse()
            return sum([v * v for v in hs])
    ''', [0.7, [0.2, -0.4, 0.6, 0.1]])


# --- a while loop counting its steps, appending each state, the list then stacked ---------------------
# (refused for given shapes and by the decorator, as though the loop might stop early: it runs as many
# times as the sizes say, as a for loop over a range does)

WHILE_RNN = '''
def f(W, U, x_seq):
    n_steps = len(x_seq)
    step = 0
    state = np.zeros(W.shape[0])
    states = []
    while step < n_steps:
        state = np.tanh(W @ state + U * x_seq[step])
        states.append(state)
        step = step + 1
    return np.sum(np.stack(states) ** 2)
'''


def test_while_loop_with_a_counter_stacking_its_states():
    args = [RNG.standard_normal((3, 3)) * 0.4, RNG.standard_normal(3), RNG.standard_normal(7)]
    assert_right(WHILE_RNN, args, shapes={"W": "3, 3", "U": "3", "x_seq": "7"})


def test_while_loop_counting_down_collecting_discounted_returns():
    assert_right('''
        def f(w, xs):
            t = len(xs) - 1
            vals = []
            g = 0.0
            while t >= 0:
                g = xs[t] + w * g
                vals.append(g)
                t -= 1
            return np.sum(np.array(vals) ** 2)
    ''', [0.9, RNG.standard_normal(6)], shapes={"xs": "6"})


def test_while_loop_counting_by_two_and_to_a_bound_included():
    assert_right('''
        def f(w, xs):
            k = 1
            out = []
            h = np.zeros(2)
            while k <= len(xs) - 1:
                h = np.tanh(w * h + xs[k] - xs[k - 1])
                out.append(h)
                k += 2
            H = np.vstack(out)
            return np.sum(H[:, 0] * H[:, 1]) + H.shape[0]
    ''', [RNG.standard_normal(2), RNG.standard_normal((7, 2))], shapes={"w": "2", "xs": "7, 2"})


def test_while_loops_rows_broadcast_against_more_rows():
    # one row stacked, broadcast against three: the walk has the one row the loop makes, not two
    source = '''
        def f(x, w):
            hs = []
            t = 0
            while t < x.shape[0]:
                hs.append(x[t] * 2.0)
                t += 1
            return np.sum(np.stack(hs) * w)
    '''
    w = np.arange(12.0).reshape(3, 4) / 10
    assert_shaped_right(source, [np.full((1, 4), 0.5), w], {"x": "1, 4", "w": "3, 4"})
    assert_shaped_right(source, [np.full((3, 4), 0.5), w], {"x": "3, 4", "w": "3, 4"})
    assert_decorated_right(source, [np.full((1, 4), 0.5), w])


# --- a filter's state a number written in the code, the observations an array read item by item --------
# (refused without shapes: at sample arrays of rank 2 the state x = 0.0 became an array in the first
# iteration, and the innovation v = ys[t] - x, of ys's row's shape then, took x's shape in the second; the
# code for numbers, ys a vector, was never tried, as it is where a number meets the array it became)

def test_scalar_kalman_filter_log_likelihood_of_an_array_of_observations():
    assert_right('''
        def f(q, r, ys):
            x = 0.0
            P = 1.0
            ll = 0.0
            for t in range(len(ys)):
                P = P + q
                S = P + r
                K = P / S
                v = ys[t] - x
                x = x + K * v
                P = (1.0 - K) * P
                ll = ll - 0.5 * (np.log(2 * np.pi * S) + v ** 2 / S)
            return ll
    ''', [0.3, 0.5, np.array([0.3, 0.5, 0.9, 1.2, 1.4, 1.9, 2.1, 2.6])])


def test_exponential_smoothing_from_a_level_of_zero():
    assert_right('''
        def f(alpha, y):
            level = 0.0
            sse = 0.0
            for t in range(len(y)):
                err = y[t] - level
                sse += err ** 2
                level = level + alpha * err
            return sse
    ''', [0.3, np.array([1.0, 1.4, 0.9, 1.6, 1.2, 1.8, 1.1])])


def test_damped_pendulum_midpoint_steps_of_a_gain():
    assert_right('''
        def f(k, th0, dt=0.05):
            th, w = th0, 0.0
            c = 0.0
            for i in range(10):
                u = -k * w
                dth1, dw1 = w, -np.sin(th) + u
                thm, wm = th + 0.5 * dt * dth1, w + 0.5 * dt * dw1
                dth2, dw2 = wm, -np.sin(thm) - k * wm
                th, w = th + dt * dth2, w + dt * dw2
                c += th ** 2
            return c
    ''', [0.7, 0.6, 0.05])


# --- a variance made of parameters that add up to less than one, its logarithm taken by math ----------
# (refused without shapes: at the sample numbers 0.5, 0.5625, 0.625, 1 - alpha - beta is negative and
# math.log raised a domain error; the samples are tried again a tenth as large)

def test_garch_likelihood_from_the_unconditional_variance_with_math():
    assert_right('''
        def f(omega, alpha, beta, r):
            s2 = omega / (1.0 - alpha - beta)
            ll = 0.0
            for t in range(len(r)):
                ll = ll - 0.5 * (math.log(2 * math.pi) + math.log(s2) + r[t] ** 2 / s2)
                s2 = omega + alpha * r[t] ** 2 + beta * s2
            return ll
    ''', [0.001, 0.1, 0.85, [0.05, -0.1, 0.02, 0.12, -0.07, 0.03, -0.01]])


def test_garch_variances_in_a_list_summed_by_a_generator():
    assert_right('''
        def f(omega, alpha, beta, rets):
            sig2 = [omega / (1 - alpha - beta)]
            for t in range(1, len(rets)):
                sig2.append(omega + alpha * rets[t - 1] ** 2 + beta * sig2[t - 1])
            return sum(math.log(s) + r ** 2 / s for s, r in zip(sig2, rets))
    ''', [0.01, 0.1, 0.85, [0.1, -0.2, 0.15, -0.05, 0.3, -0.1]])


# --- observations indexed in a helper the function passes them to, the filter's state numbers ------------
# (refused without shapes: the code for numbers kept as arrays only the parameters the function itself
# indexes, and ys, indexed in kalman_forward alone, was taken for a number)

def test_kalman_filter_in_a_layer_helper_returning_out_and_cache():
    assert_right('''
        def kalman_forward(ys, q, r):
            """
            Inputs:
            - ys: observations, shape (T,)
            - q, r: noise variances
            Returns a tuple of:
            - out: filtered means
            - cache
            """
            out = None
            T = ys.shape[0]
            out = np.zeros(T)
            m, P = 0.0, 1.0
            for t in range(T):
                P = P + q
                K = P / (P + r)
                m = m + K * (ys[t] - m)
                P = (1 - K) * P
                out[t] = m
            cache = (ys, q, r)
            return out, cache

        def f(ys, q, r):
            out, _ = kalman_forward(ys, q, r)
            return np.sum((out - ys) ** 2)
    ''', [np.array([0.3, 0.5, 0.9, 1.2, 1.4, 1.9]), 0.3, 0.5])


# --- rollouts from each start of a vector of starts, the state op= updated ------------------------------
# (refused for given shapes and by the decorator as a loop writing into what it iterates: x = s, then
# x += 0.1 * v, writes into starts only where its items are rows; an element of a vector is a number)

MULTI_START = '''
def f(k, starts):
    total = 0.0
    for s in starts:
        x, v = s, 0.0
        for t in range(8):
            v += 0.1 * (-k * x - 0.2 * v)
            x += 0.1 * v
            total += x * x
    return total / len(starts)
'''


def test_rollouts_from_each_start_of_a_vector():
    assert_right(MULTI_START, [1.5, np.array([1.0, -0.5, 0.3])], shapes={"starts": "3"})


def test_rollouts_from_each_row_of_starts_written_through_are_refused_or_right():
    # rows: x += ... writes into starts' rows, which the forward then reads again (refused for given shapes)
    source = MULTI_START.replace("total += x * x", "total += np.sum(x * x)").replace(
        "return total / len(starts)", "return total + np.sum(starts)")
    starts = np.array([[1.0, 0.2], [-0.5, 0.4], [0.3, 0.1]])
    with pytest.raises(backgen.BackgenError, match="'starts' may have been changed by the write into 'x'"):
        assert_shaped_right(source, [1.5, starts], {"starts": "3, 2"})
    assert_shaped_right(source, [1.5, starts[:, 0].copy()], {"starts": "3"})


# --- plain Python in a module that imports NumPy, a list of numbers its loop fills ----------------------
# (refused without shapes: at sample arrays of rank 2, s.append(alpha * x + ...) gave the list items of
# another shape than its first, and the refusal came before the code for numbers and lists was tried)

def test_smoothed_values_appended_then_compared_in_a_comprehension():
    assert_right('''
        def f(alpha, xs):
            s = [xs[0]]
            for x in xs[1:]:
                s.append(alpha * x + (1 - alpha) * s[-1])
            errs = [(a - b) ** 2 for a, b in zip(xs[1:], s[:-1])]
            return sum(errs) / len(errs)
    ''', [0.3, [0.1, 0.4, 0.3, 0.7, 0.5, 0.9, 0.6, 0.8]])


# --- plain Python whose op= writes into a row of a matrix it is given, a number of a vector's ------------
# (refused without shapes, as before: tried again at numbers and vectors, the code written at vectors alone
# gave 2 * dout for a matrix, whose row 0 p *= 3.0 scales, 6 * dout there; only a shape arrays change, as
# a list's items, sends plain Python on to its code for numbers and sequences, which checks what it gets)

def test_plain_python_writing_through_an_item_of_a_row_or_a_number_is_written_for_vectors_without_shapes():
    source = '''
        def f(pos):
            p = pos[0]
            p *= 3.0
            return (pos * 2.0).sum()
    '''
    assert_generated_right(source, [np.array([1.0, 2.0])])  # (checking it is given a vector: not a matrix)
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    with pytest.raises(TypeError, match="written for pos as a list or vector"):
        generated["f_backward"](np.array([[1.0, 2.0], [0.5, 0.3]]))
    assert_shaped_right(source, [np.array([[1.0, 2.0], [0.5, 0.3]])], {"pos": "2, 2"})
    assert_shaped_right(source, [np.array([1.0, 2.0])], {"pos": "2"})


# --- a delay line: buf.pop(0) standing alone, or x = buf.pop(0), then buf.append(y) ---------------------
# (refused as a call standing alone that may write into its arguments; x = xs.pop() was followed, the
# first item's pop and a pop standing alone were not)

def test_autoregression_over_a_buffer_popped_at_its_front():
    assert_right('''
        def f(a, b, ys):
            buf = [0.0, 0.0]
            sse = 0.0
            for y in ys:
                pred = a * buf[-1] + b * buf[-2]
                sse += (y - pred) ** 2
                buf.pop(0)
                buf.append(y)
            return sse
    ''', [0.5, 0.2, [0.1, 0.4, 0.3, 0.7, 0.5, 0.9, 0.6, 0.8]])


def test_delay_line_of_array_items_and_of_states():
    assert_right('''
        def f(w, u):
            delay = [0.0, 0.0, 0.0]
            out = 0.0
            for t in range(len(u)):
                delay.append(u[t])
                x = delay.pop(0)
                out += (w * x - u[t]) ** 2
            return out
    ''', [0.7, RNG.standard_normal(8)], shapes={"u": "8"})
    assert_right('''
        def f(W, x0):
            hist = [x0, x0]
            for t in range(5):
                x = np.tanh(W @ hist[-1] + 0.5 * hist[-2])
                hist.pop(0)
                hist.append(x)
            return np.sum(hist[-1] ** 2) + np.sum(hist[0])
    ''', [RNG.standard_normal((2, 2)) * 0.5, np.array([0.3, -0.2])], shapes={"W": "2, 2", "x0": "2"})


def test_a_pop_through_one_name_of_a_list_held_by_two():
    assert_right('''
        def f(a, b):
            buf = [a, b, a * b]
            other = buf
            buf.pop(0)
            if len(buf) > 1:
                buf.pop()
            return sum(other) + other[0] * 2.0
    ''', [0.5, 1.5])


def test_a_loop_popping_the_list_it_iterates_is_refused():
    with pytest.raises(backgen.BackgenError, match="the loop iterates buf, which its body adds items to or takes"):
        assert_generated_right('''
            def f(a):
                buf = [a, 2.0 * a, 3.0 * a]
                s = 0.0
                for v in buf:
                    s += v
                    buf.pop(0)
                return s
        ''', [0.5])


# --- a state taken by np.asarray of a parameter, written into in place, the parameter read after ---------
# (refused, rightly: the message named "the astype on line 5", a call the code does not make)

def test_a_write_through_np_asarray_of_a_parameter_is_refused_naming_asarray():
    source = '''
        def f(x0, A):
            x = np.asarray(x0)
            x += 0.1 * (A @ x)
            return np.sum(x ** 2) + np.sum(x0)
    '''
    args = [np.array([0.5, -0.3]), np.array([[0.9, 0.2], [-0.1, 0.8]])]
    with pytest.raises(backgen.BackgenError, match=r"the np\.asarray on line 3 gives 'x0' itself where it is an "
                                                   r"array already"):
        assert_shaped_right(source, args, {"x0": "2", "A": "2, 2"})
    assert_right(source.replace("np.asarray(x0)", "np.array(x0)"), args, shapes={"x0": "2", "A": "2, 2"})


# --- plain Python iterating a sequence of numbers, in a module that imports NumPy ------------------------
# (the code for numbers checked that gamma, S0 and I0 are numbers, not that betas is a list or vector of
# numbers: a matrix's rows made S and I arrays, and dgamma, dS0 and dI0 came back arrays of a row's shape
# where the forward's gradients are numbers, a wrong gradient; it now raises TypeError for a matrix)

def test_plain_python_over_a_schedule_of_numbers_checks_it_is_given_a_vector():
    source = '''
        def f(betas, gamma, S0, I0):
            S, I = S0, I0
            total = 0.0
            for b in betas:
                new = b * S * I
                S, I = S - new, I + new - gamma * I
                total += new
            return total + I
    '''
    betas = np.array([0.5, 0.6, 0.4, 0.3, 0.5, 0.45])
    assert_right(source, [betas, 0.2, 0.9, 0.1])
    assert_right(source, [list(betas), 0.2, 0.9, 0.1])
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    with pytest.raises(TypeError, match="written for betas as a list or vector of numbers"):
        generated["f_backward"](np.stack([betas, betas * 1.1], axis=1), 0.2, 0.9, 0.1, np.ones(2))


# --- plain Python putting a parameter into a list it extends, in a module that imports NumPy -------------
# (hist = [y0, y0] read y0 neither as a number nor as a sequence, so y0 went unchecked: a vector y0 made
# the list's items arrays, and the gradients of the numbers a and b came back arrays, a wrong gradient;
# then the code for numbers checked it was given numbers; now, in a module importing NumPy, the code for
# every shape, right for a vector y0 too)

def test_plain_python_list_started_from_a_parameter_is_right_for_a_vector_too():
    source = '''
        def f(a, b, y0):
            hist = [y0, y0]
            for t in range(8):
                hist.append(a * hist[-1] + b * hist[-2] + 0.1)
            return sum(h * h for h in hist[2:])
    '''
    assert_right(source, [0.6, 0.3, 1.0])
    text = backgen.generate("import numpy as np\n" + textwrap.dedent(source), name="f")
    generated, namespace = {}, {}
    exec(compile(text, "<generated>", "exec"), generated)
    exec("import numpy as np\n" + textwrap.dedent(source), namespace)
    assert_backward_at(generated["f_backward"], namespace["f"], [0.6, 0.3, np.array([1.0, 1.1])],
                       [np.array([1.0, -0.5])])
