"""Scientific models integrated in explicit loops, written as people write them: SIR and SEIR epidemics,
Lotka-Volterra, mass-action kinetics and Arrhenius rates, Michaelis-Menten and curve_fit-style fits,
pharmacokinetic compartments, leaky integrate-and-fire and Hodgkin-Huxley neurons with spikes as
thresholds, energy-balance climate models, heat and diffusion equations stepped in time, RK2/RK4 steps
written as helpers taking the derivative function, clipped populations and logistic growth.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, by ``backgen.generate`` (with no shapes, and with shapes given) and by the decorator, or
is refused clearly where it must be.
"""

import numpy as np
import pytest

import backgen
from test_dynamics_hunt import assert_decorated_right, assert_right, assert_shaped_right

RNG = np.random.default_rng(20261207)


# --- a membrane potential started from a number parameter, op= in the loop, reset in a branch -------------
# (V = E_L, then V += dt * (...) and if V >= V_th: V = V_reset, with the trace stored into a preallocated
# array: refused for every shape, as though V shared an array with E_L that op= wrote into; for a number
# op= binds V anew, which backgen follows)

LIF = '''
    def f(I_ext, g_L, C_m, E_L=-65.0, V_th=-50.0, V_reset=-70.0, dt=0.1, n=200):
        V = E_L
        spikes = 0
        Vs = np.empty(n)
        for i in range(n):
            V += dt * (-g_L * (V - E_L) + I_ext) / C_m
            if V >= V_th:
                V = V_reset
                spikes += 1
            Vs[i] = V
        return Vs.mean()
'''


def test_membrane_from_a_number_default_with_op_assign_and_a_reset():
    args = [1.73, 0.1, 1.0, -65.0, -50.0, -70.0, 0.1]
    shapes = dict.fromkeys(["I_ext", "g_L", "C_m", "E_L", "V_th", "V_reset", "dt"], "float")
    assert_shaped_right(LIF, args, shapes)
    assert_decorated_right(LIF, args)


def test_membrane_from_a_number_parameter_in_a_plain_loop():
    assert_right('''
        def f(I, tau, v0, v_th=1.0, dt=0.1):
            v = v0
            trace = np.zeros(60)
            for t in range(60):
                v += dt * (I - v) / tau
                if v > v_th:
                    v = 0.0
                trace[t] = v
            return np.sum(trace ** 2)
    ''', [1.35, 8.0, 0.2, 1.0, 0.1], dict.fromkeys(["I", "tau", "v0", "v_th", "dt"], "float"))


def test_an_array_start_written_by_op_assign_then_bound_anew_is_still_refused():
    source = '''
        import numpy as np

        def f(x, w, n=3):
            V = x
            out = np.zeros(n)
            for i in range(n):
                V += w * x
                out[i] = np.sum(V * V)
                V = V * 0.5
            return np.sum(out) + np.sum(x)
    '''
    import textwrap
    with pytest.raises(backgen.BackgenError, match="shares its array with 'x'"):
        backgen.generate(textwrap.dedent(source), name="f", shapes={"x": "3", "w": "float"})


# --- a model's parameters spread from one vector: model(t, *params) -------------------------------------
# (curve_fit's convention, an ODE's right-hand side given *p: "starred arguments (*args) are supported in
# calls of np.random only"; the helper's parameters say how many items Python spreads)

def test_curve_fit_model_spread_from_the_parameter_vector():
    t = np.linspace(0, 5, 12)
    y = 2.0 * np.exp(-0.6 * t) + 0.3 + RNG.normal(0, 0.02, 12)
    source = '''
        def model(t, a, b, c):
            return a * np.exp(-b * t) + c

        def f(params, t, y):
            return np.sum((model(t, *params) - y) ** 2)
    '''
    assert_right(source, [np.array([1.8, 0.5, 0.2]), t, y], {"params": "3", "t": "12", "y": "12"})


def test_ode_right_hand_side_given_the_parameters_spread_in_a_loop():
    assert_right('''
        def sir_rhs(S, I, beta, gamma):
            return -beta * S * I, beta * S * I - gamma * I

        def f(params):
            S, I = 0.99, 0.01
            for t in range(20):
                dS, dI = sir_rhs(S, I, *params)
                S, I = S + 0.2 * dS, I + 0.2 * dI
            return I
    ''', [np.array([0.6, 0.2])], {"params": "2"})


def test_logistic_model_spread_in_a_fit_over_time():
    assert_right('''
        def model(t, y, r, K):
            return r * y * (1 - y / K)

        def f(theta, data):
            y = data[0]
            sse = 0.0
            for i in range(1, len(data)):
                y = y + 1.0 * model(i, y, *theta)
                sse += (y - data[i]) ** 2
            return sse
    ''', [np.array([0.4, 90.0]), np.array([10.0, 14.0, 19.0, 26.0, 34.0, 44.0])], {"theta": "2", "data": "6"})


def test_a_spread_into_a_helper_with_defaults_is_refused():
    import textwrap
    source = textwrap.dedent('''
        import numpy as np

        def model(t, a, b=1.0):
            return a * np.exp(-b * t)

        def f(p, t):
            return np.sum(model(t, *p))
    ''')
    with pytest.raises(backgen.BackgenError, match="starred"):
        backgen.generate(source, name="f", shapes={"p": "2", "t": "5"})


# --- a dict of rates written out in a loop's body, read by its keys -------------------------------------
# (Hodgkin-Huxley's rates = {"am": ..., "bm": ...} at each step, or a helper returning such a dict: "a dict
# written out and handed on whole is read as settings"; only a dict bound at the function's top level was
# read as a name per key)

def test_gate_rates_in_a_dict_written_out_at_each_step():
    assert_right('''
        def f(I, gNa):
            V, m = -65.0, 0.05
            for t in range(20):
                r = {"am": 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)), "bm": 4 * np.exp(-(V + 65) / 18)}
                m += 0.01 * (r["am"] * (1 - m) - r["bm"] * m)
                V += 0.01 * (I - gNa * m ** 3 * (V - 50) - 0.3 * (V + 54.4))
            return V
    ''', [10.0, 120.0], {"I": "float", "gNa": "float"})


def test_gate_rates_from_a_helper_returning_a_dict_in_a_loop():
    assert_right('''
        def rates(V):
            return {
                "am": 0.1 * (V + 40) / (1 - np.exp(-(V + 40) / 10)),
                "bm": 4 * np.exp(-(V + 65) / 18),
                "ah": 0.07 * np.exp(-(V + 65) / 20),
                "bh": 1 / (1 + np.exp(-(V + 35) / 10)),
            }

        def f(I, gNa):
            V, m, h = -65.0, 0.05, 0.6
            for t in range(20):
                r = rates(V)
                m += 0.01 * (r["am"] * (1 - m) - r["bm"] * m)
                h += 0.01 * (r["ah"] * (1 - h) - r["bh"] * h)
                V += 0.01 * (I - gNa * m ** 3 * h * (V - 50) - 0.3 * (V + 54.4))
            return V
    ''', [10.0, 120.0], {"I": "float", "gNa": "float"})


def test_a_dict_of_arrays_written_out_in_a_loop_and_written_through_its_keys():
    assert_right('''
        def f(k, c0):
            total = 0.0
            for t in range(5):
                state = {"a": c0 * (1.0 + t), "b": np.zeros(3)}
                state["b"] += k * state["a"]
                state["a"] = state["a"] - 0.1 * state["b"]
                total += np.sum(state["a"] * state["b"])
            return total
    ''', [0.7, np.array([0.5, 1.0, 1.5])], {"k": "float", "c0": "3"})


# --- a time kept in a list as a one-item list, the time advanced by op= -----------------------------------
# (ts.append([t]) then t += dt: "this writes into 't', whose value from the previous iteration is kept in a
# list, which sees the write", decided on the inner list's shape rather than on t's: a number t is bound
# anew, an array t still refused)

def test_a_number_kept_in_a_list_display_then_advanced_by_op_assign():
    assert_right('''
        def f(k, y0):
            ts = [[0.0]]
            ys = [y0]
            t = 0.0
            y = y0
            for i in range(8):
                y = y - 0.1 * k * y
                t += 0.1
                ts.append([t])
                ys.append(y)
            return np.sum(np.concatenate(ts) * np.array(ys))
    ''', [0.7, 1.3], {"k": "float", "y0": "float"})


def test_an_array_kept_in_a_list_display_then_written_by_op_assign_is_still_refused():
    import textwrap
    source = textwrap.dedent('''
        import numpy as np

        def f(k, y0):
            ts = []
            t = y0.copy()
            for i in range(3):
                t += k * t
                ts.append([t])
            return np.sum(np.array(ts) ** 2)
    ''')
    with pytest.raises(backgen.BackgenError, match="kept in a list"):
        backgen.generate(source, name="f", shapes={"k": "float", "y0": "2"})


# --- a trajectory grown by a join at each step: xs = np.append(xs, x), np.vstack([traj, y]) --------------
# ("'xs' changes shape in this loop ... written out whole only where it runs at most 16 iterations": the
# parts are kept in a list and joined once after the loop)

def test_logistic_map_trajectory_grown_by_np_append():
    assert_right('''
        def f(r, x0):
            xs = np.array([x0])
            x = x0
            for t in range(15):
                x = r * x * (1 - x)
                xs = np.append(xs, x)
            return np.sum(xs ** 2)
    ''', [2.5, 0.3], {"r": "float", "x0": "float"})


def test_state_trajectory_grown_by_vstack_and_times_by_concatenate():
    assert_right('''
        def f(k, y0):
            y = y0
            t = 0.0
            traj = y0.reshape(1, -1)
            ts = np.array([0.0])
            for i in range(12):
                y = y + 0.1 * (-k * y + 0.2 * y[::-1])
                t += 0.1
                traj = np.vstack([traj, y])
                ts = np.concatenate((ts, [t]))
            return np.sum(traj[:, 0] * ts) + traj[-1, 1]
    ''', [0.7, np.array([1.0, 0.5])], {"k": "float", "y0": "2"})


def test_rows_grown_by_np_append_along_an_axis():
    assert_right('''
        def f(k, y0):
            Y = np.array([y0])
            y = y0
            for i in range(25):
                y = y - 0.1 * k * y ** 2
                Y = np.append(Y, [y], axis=0)
            return np.sum(Y ** 2)
    ''', [0.7, np.array([1.0, 0.5, 0.2])], {"k": "float", "y0": "3"})


def test_a_join_in_a_branch_is_still_refused_by_its_own_names():
    import textwrap
    source = textwrap.dedent('''
        import numpy as np

        def f(I, tau):
            v = 0.0
            peaks = np.array([])
            for t in range(300):
                v += 0.1 * (I - v) / tau
                if v > 1.0:
                    peaks = np.append(peaks, v)
                    v = 0.0
            return np.sum(peaks) + v
    ''')
    with pytest.raises(backgen.BackgenError, match="'peaks' has shape"):
        backgen.generate(source, name="f", shapes={"I": "float", "tau": "float"})


def test_a_vector_stacked_into_rows_from_a_vector_start_is_left_as_it_was():
    # (np.vstack of a vector start: a loop running no iteration leaves the vector, where the joined parts
    # would give one row, so the loop is not rewritten and stays refused by its own names)
    import textwrap
    source = textwrap.dedent('''
        import numpy as np

        def f(k, y0, n):
            traj = y0
            y = y0
            for i in range(n):
                y = y - 0.1 * k * y
                traj = np.vstack([traj, y])
            return np.sum(traj ** 2)
    ''')
    with pytest.raises(backgen.BackgenError, match="'traj'"):
        backgen.generate(source, name="f", shapes={"k": "float", "y0": "3", "n": "int"})


# --- a trajectory of tuples started by a list written out: traj = [(S, I, R)] ----------------------------
# ("tuples are only supported as arguments of calls and in indexing": the list begun empty with the tuple
# appended, as the loop's later states are)

def test_sir_trajectory_of_tuples_started_by_a_list_display_then_unzipped():
    assert_right('''
        def f(beta, gamma):
            S, I, R = 0.99, 0.01, 0.0
            traj = [(S, I, R)]
            for t in range(12):
                S, I, R = S - beta * S * I, I + beta * S * I - gamma * I, R + gamma * I
                traj.append((S, I, R))
            Ss, Is, Rs = zip(*traj)
            return sum(Is) + max(Rs) + np.array(traj)[:, 0].sum()
    ''', [0.5, 0.1], {"beta": "float", "gamma": "float"})


def test_prey_and_predator_series_started_together_and_grown_by_np_append():
    assert_right('''
        def f(a, b):
            x, y = 1.0, 0.5
            xs, ys = np.array([x]), np.array([y])
            for i in range(12):
                x, y = x + 0.02 * (a * x - x * y), y + 0.02 * (x * y - b * y)
                xs = np.append(xs, x)
                ys = np.append(ys, y)
            return np.mean(xs) * np.max(ys)
    ''', [1.0, 0.7], {"a": "float", "b": "float"})


# --- an ODE's right-hand side given its parameters by functools.partial ---------------------------------
# ("functools.partial is not supported: backgen reads functools.reduce only": the lambda it stands for)

PARTIAL = '''
    from functools import partial

    def rhs(y, t, a, b):
        return a * y - b * y ** 2

    def euler(fun, y0, ts):
        y = y0
        for i in range(len(ts) - 1):
            y = y + (ts[i + 1] - ts[i]) * fun(y, ts[i])
        return y
'''


def _shaped_and_decorated_right(source, args, shapes):
    """Right with shapes given and by the decorator (without shapes, the sample ranks of an integrator
    handed a function are slow to try)."""
    assert_shaped_right(source, args, shapes)
    assert_decorated_right(source, args)


def test_right_hand_side_bound_by_partial_keywords_and_passed_to_an_integrator():
    _shaped_and_decorated_right(PARTIAL + '''
    def f(a, b):
        ts = np.linspace(0, 2, 6)
        return euler(partial(rhs, a=a, b=b), 0.1, ts)
    ''', [1.2, 0.5], {"a": "float", "b": "float"})


def test_partial_named_first_with_a_value_named_as_a_parameter_it_leaves():
    _shaped_and_decorated_right(PARTIAL + '''
    def f(y, b):
        fun = partial(rhs, a=y, b=b)
        ts = np.linspace(0, 1, 5)
        return euler(fun, 0.2, ts)
    ''', [1.1, 0.4], {"y": "float", "b": "float"})


def test_partial_of_a_value_the_loop_changes_is_still_refused():
    import textwrap
    source = textwrap.dedent("import numpy as np\n" + textwrap.dedent(PARTIAL) + textwrap.dedent('''
    def f(a, b):
        ts = np.linspace(0, 1, 5)
        total = 0.0
        for k in range(3):
            a = a * 0.5
            total += euler(partial(rhs, a=a, b=b), 0.1, ts)
        return total
    '''))
    with pytest.raises(backgen.BackgenError, match="partial"):
        backgen.generate(source, name="f", shapes={"a": "float", "b": "float"})


def test_parameters_spread_into_a_generic_rk4_passing_its_args_on_to_the_right_hand_side():
    # (with shapes and by the decorator: without shapes, lv's unpacking of z makes the sample ranks slow to try)
    source = '''
        def rk4(f, y0, t, *args):
            n = len(t)
            y = np.zeros((n, len(y0)))
            y[0] = y0
            for i in range(n - 1):
                h = t[i + 1] - t[i]
                k1 = f(y[i], t[i], *args)
                k2 = f(y[i] + k1 * h / 2.0, t[i] + h / 2.0, *args)
                k3 = f(y[i] + k2 * h / 2.0, t[i] + h / 2.0, *args)
                k4 = f(y[i] + k3 * h, t[i] + h, *args)
                y[i + 1] = y[i] + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
            return y

        def lv(z, t, a, b, c, d):
            x, y = z
            return np.array([a * x - b * x * y, d * x * y - c * y])

        def f(theta, data):
            t = np.linspace(0, 5, data.shape[0])
            sol = rk4(lv, data[0], t, *theta)
            return np.mean((sol - data) ** 2)
    '''
    args = [np.array([1.0, 0.5, 0.6, 0.3]), RNG.uniform(0.5, 1.5, (6, 2))]
    assert_shaped_right(source, args, {"theta": "4", "data": "6, 2"})
    assert_decorated_right(source, args)


def test_partial_of_a_value_bound_once_in_a_loop_and_called_later_is_still_refused():
    # (c bound on one line, but at each iteration: the partials kept read c as each was made, a lambda
    # would read its last value)
    import textwrap
    source = textwrap.dedent("import numpy as np\n" + textwrap.dedent(PARTIAL) + textwrap.dedent('''
    def f(a, b):
        ts = np.linspace(0, 1, 5)
        funs = []
        for k in range(3):
            c = a * (k + 1)
            funs.append(partial(rhs, a=c, b=b))
        return euler(funs[0], 0.1, ts) + euler(funs[2], 0.1, ts)
    '''))
    with pytest.raises(backgen.BackgenError, match="partial"):
        backgen.generate(source, name="f", shapes={"a": "float", "b": "float"})
