"""Physics, numerical methods and autograd's examples, written as people write them: np.gradient of
values at coordinates, module constants read inside the function, and the like.

Each case is checked against central finite differences in float64 (``numeric``) with respect to
its float parameters, by ``backgen.generate`` (shapes as the source declares them, or none) and by
the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import finite_differences, fresh_args, imported, same_again

RNG = np.random.default_rng(7)


def _floats(args):
    return [k for k, a in enumerate(args)
            if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _module(source):
    """The functions of ``source``, imported from a file of their own (the decorator reads the source)."""
    return imported(textwrap.dedent(source), "physics_hunt")


def gradients(source, args, douts=(1.0,), name="f", shapes=None):
    """The gradients ``generate`` writes (for the float parameters) and central differences of them (one
    output, its gradient ``douts[0]``)."""
    source = textwrap.dedent(source)
    func = _module(source)[name]
    kwargs = {"shapes": shapes} if shapes else {}
    text = backgen.generate(source, name=name, **kwargs)
    same_again(text, lambda: backgen.generate(source, name=name, **kwargs))
    generated = {}
    exec(compile(text, "<generated>", "exec"), generated)
    copies = fresh_args(args)
    got = generated[f"{name}_backward"](*copies, dout=douts[0])  # (by name: parameters with defaults)
    for before, after in zip(args, copies):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(before, after, err_msg="the backward modified its arguments")
    wrt = _floats(args)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, douts)
    return (got if len(wrt) > 1 else (got,)), want


def decorated(source, args, dout=1.0, name="f"):
    """The gradients the decorator gives (for the float parameters) and central differences of them."""
    func = _module(source)[name]
    wrt = _floats(args)
    got = backgen.backward(func).backward(*fresh_args(args), dout=dout)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (dout,))
    return (got if len(wrt) > 1 else (got,)), want


def _compare(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w), f"gradient shape {np.shape(g)}, expected {np.shape(w)}"
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, douts=(1.0,), name="f", shapes=None, decorator=True):
    _compare(*gradients(source, args, douts, name, shapes))
    if decorator:
        _compare(*decorated(source, args, douts[0], name))


def assert_refused(source, args, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        gradients(source, args, name=name)


# --- np.gradient of values at coordinates (a vector of points, np.gradient(y, x)) --------------------

STRING_ENERGY = '''
    import numpy as np

    def f(L, T, n=12):
        x = np.linspace(0.0, L, n)
        y = np.sin(np.pi * x / L) * np.exp(-x)
        dydx = np.gradient(y, x)
        return 0.5 * T * np.trapezoid(dydx ** 2, x)
'''


def test_np_gradient_at_coordinates_made_by_linspace():
    # without shapes the helper raised "spacing given as one number" as the backward ran (a crash);
    # the decorator refused it
    assert_right(STRING_ENERGY, [2.0, 3.0])


@pytest.mark.parametrize("shapes", [None, {"y": "7", "x": "7"}])
def test_np_gradient_at_coordinates_given(shapes):
    assert_right('''
        import numpy as np

        def f(y, x):
            return np.sum(np.gradient(y ** 2, x) ** 2 * x)
    ''', [RNG.normal(size=7), np.cumsum(RNG.uniform(0.5, 1.5, 7))], shapes=shapes)


@pytest.mark.parametrize("shapes", [None, {"u": "3, 6", "x": "6"}])
def test_np_gradient_at_coordinates_along_one_axis_of_a_field(shapes):
    assert_right('''
        import numpy as np

        def f(u, x):
            du = np.gradient(u, x, axis=1)
            return np.sum(np.sin(du)) + np.sum(np.gradient(u * u, 0.3, axis=0))
    ''', [RNG.normal(size=(3, 6)), np.cumsum(RNG.uniform(0.5, 1.5, 6))], shapes=shapes)


def test_np_gradient_of_two_points_at_coordinates():
    assert_right('''
        import numpy as np

        def f(y: "2", x: "2"):
            return np.sum(np.gradient(y, x) * np.array([1.0, 2.0]))
    ''', [RNG.normal(size=2), np.array([0.3, 1.1])])


def test_np_gradient_with_a_matrix_for_coordinates_is_refused():
    assert_refused('''
        import numpy as np

        def f(y: "3, 4", x: "3, 4"):
            return np.sum(np.gradient(y, x, axis=1))
    ''', [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))], "distances must be either scalars or 1d")


# --- module constants in a dict of numbers by strings (PARAMS = {"g": 9.81}), read by their keys ----------

DRAG = '''
    import math

    PARAMS = {"g": 9.81, "rho": 1.225, "Cd": 0.47}
    MASSES = (0.1, 0.2, 0.5)

    def f(v, r, which=1):
        A = math.pi * r ** 2
        return 0.5 * PARAMS["rho"] * PARAMS["Cd"] * A * v ** 2 - MASSES[which] * PARAMS["g"]
'''


def test_a_module_dict_of_numbers_read_by_its_keys():
    # was refused: "name 'PARAMS' is not a parameter ... (global values are not supported)"
    assert_right(DRAG, [12.0, 0.05])


def test_a_module_dict_of_numbers_read_in_a_helper():
    assert_right('''
        CONST = {"G": 6.674e-11, "M": 5.972e24, "R": 6.371e6}

        def g_at(h):
            return CONST["G"] * CONST["M"] / (CONST["R"] + h) ** 2

        def f(m, h):
            return m * g_at(h) * CONST["R"] / 1e6
    ''', [70.0, 1000.0])


@pytest.mark.parametrize("body", [
    "for k in PARAMS:\n        total += PARAMS[k] * x ** 2",  # (iterated: read by keys made as it runs)
    "total += PARAMS.get('a') * x",
    "PARAMS['a'] = x\n    total += PARAMS['a'] * x",  # (written: no constant)
])
def test_a_module_dict_read_otherwise_is_still_refused(body):
    source = "PARAMS = {'a': 1.0, 'b': 2.0}\n\ndef f(x):\n    total = 0.0\n    " + body + "\n    return total\n"
    assert_refused(source, [1.3], "PARAMS|write into")


def test_the_decorator_follows_a_module_dict_changed_between_calls():
    # its code holds the dict's numbers, read from the source: the dict changed in the module since is
    # code read again, which refuses what the source no longer says (the code kept gave rho's old gradient)
    namespace = _module(DRAG)
    decorated = backgen.backward(namespace["f"])
    _compare(decorated.backward(12.0, 0.05), finite_differences(namespace["f"], [12.0, 0.05], [0, 1], (1.0,)))
    namespace["PARAMS"]["rho"] = 2.0
    with pytest.raises(backgen.BackgenError, match="PARAMS"):
        decorated.backward(12.0, 0.05)


# --- a trajectory preallocated with its shape spread: np.zeros((T, *x0.shape)) ------------------------


def test_a_trajectory_preallocated_by_a_starred_shape():
    # was refused: "starred expressions (*args) are not supported"
    assert_right('''
        import numpy as np

        def f(x0, k, T=6):
            dt = 0.1
            xs = np.zeros((T, *x0.shape))
            x = x0
            for t in range(T):
                x = x - k * x * dt
                xs[t] = x
            return np.sum(xs ** 2)
    ''', [RNG.normal(size=(3, 2)), 0.8])


def test_shapes_spread_among_sizes_and_slices_of_shapes():
    assert_right('''
        import numpy as np

        def f(x0, k, T=4):
            dt = 0.1
            xs = np.zeros((T, *x0.shape[:-1], 2, *np.shape(x0)[-1:]))
            x = x0
            for t in range(T):
                x = x - k * x * dt
                xs[t, ..., 0, :] = x
                xs[t, ..., 1, :] = x ** 2
            return np.sum(xs.reshape(T, *x0.shape, 2) ** 2 * np.arange(2))
    ''', [RNG.normal(size=(3, 2)), 0.8])


# --- a tuple written into an array, traj[:, i] = x, v (NumPy reads it as the list [x, v]) ----------------


@pytest.mark.parametrize("shapes", [None, {"x0": "float", "v0": "float", "omega": "float"}])
def test_a_tuple_of_numbers_written_into_a_column(shapes):
    # was refused: "(x_1, v_1): building a value this way from differentiated inputs is not supported"
    assert_right('''
        import numpy as np

        def f(x0, v0, omega, n=8):
            dt = 0.05
            traj = np.zeros((2, n))
            x, v = x0, v0
            for i in range(n):
                v = v - omega ** 2 * x * dt
                x = x + v * dt
                traj[:, i] = x, v
            return np.sum(traj[0] ** 2) + np.sum(traj[1] * np.arange(n))
    ''', [1.0, 0.3, 1.4], shapes=shapes)


def test_a_tuple_of_vectors_written_into_a_row():
    assert_right('''
        import numpy as np

        def f(x0: "3", v0: "3", k: float, n: int = 4):
            traj = np.zeros((n, 2, 3))
            x, v = x0, v0
            for i in range(n):
                v = v - k * x * 0.1
                x = x + v * 0.1
                traj[i] = (x, v)
            return np.sum(traj ** 2 * np.arange(2)[:, None])
    ''', [RNG.normal(size=3), RNG.normal(size=3), 0.7])


# --- a list of dicts of numbers (particles as records): its keys read by p["m"] ---------------------------

PARTICLES = '''
    def f(particles, g):
        E = 0.0
        for p in particles:
            E += 0.5 * p["m"] * (p["vx"] ** 2 + p["vy"] ** 2) + p["m"] * g * p["y"]
        return E
'''


def _particles():
    return [{"m": 1.0, "vx": 0.5, "vy": -1.0, "y": 2.0}, {"m": 2.0, "vx": -0.3, "vy": 0.1, "y": 1.0}]


def test_a_list_of_dicts_differentiated_is_refused():
    # the backward began dparticles = [0.0 * item for item in particles] (a TypeError on a dict) and summed
    # each key's gradient into one number: refused where its gradient is asked for
    decorated = backgen.backward(_module(PARTICLES)["f"], wrt=("particles", "g"))
    with pytest.raises(backgen.BackgenError, match="a dict's value read by key carries a gradient where"):
        decorated.backward(_particles(), 9.81)


def test_a_list_of_dicts_not_differentiated_is_read():
    func = _module(PARTICLES)["f"]
    got = backgen.backward(func).backward(_particles(), 9.81)
    assert np.isclose(got, (func(_particles(), 9.81 + 1e-6) - func(_particles(), 9.81 - 1e-6)) / 2e-6)


# --- np.linalg's functions imported by name (from numpy.linalg import solve), as autograd's GP imports them -----

GP_IMPORTS = '''
    import numpy as np
    from numpy.linalg import solve, slogdet
    from numpy.linalg import cholesky as chol
    import numpy.linalg as la

    def f(log_ell, x, y):
        K = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / np.exp(2 * log_ell)) + 0.1 * np.eye(len(x))
        sign, logdet = slogdet(K)
        L = chol(K)
        return 0.5 * y @ solve(K, y) + 0.5 * logdet + np.sum(np.log(np.diag(L))) + la.norm(solve(L, y))
'''


@pytest.mark.parametrize("shapes", [None, {"log_ell": "float", "x": "5", "y": "5"}])
def test_np_linalg_functions_imported_by_name(shapes):
    # was refused: "unknown function 'slogdet'", by generate and by the decorator
    assert_right(GP_IMPORTS, [0.2, RNG.normal(size=5), RNG.normal(size=5)], shapes=shapes)


def test_np_linalg_imported_by_name_in_a_closure_made_by_a_factory():
    # autograd's gaussian_process.py: make_gp_funs returns functions reading solve and the kernel it is given
    namespace = _module('''
        import numpy as np
        from numpy.linalg import solve

        def make_gp_funs(cov_func):
            def predict(params, x, y, xstar):
                mean, noise = params[0], np.exp(params[1]) + 0.0001
                cov_y_f = cov_func(params[2:], x, xstar)
                cov_y_y = cov_func(params[2:], x, x) + noise * np.eye(len(y))
                pred_mean = mean + np.dot(solve(cov_y_y, cov_y_f).T, y - mean)
                pred_cov = cov_func(params[2:], xstar, xstar) - np.dot(solve(cov_y_y, cov_y_f).T, cov_y_f)
                return np.sum(pred_mean) + np.trace(pred_cov)
            return predict

        def rbf_covariance(kernel_params, x, xp):
            diffs = np.expand_dims(x / np.exp(kernel_params[1:]), 1) - np.expand_dims(xp / np.exp(kernel_params[1:]), 0)
            return np.exp(kernel_params[0]) * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))

        predict = make_gp_funs(rbf_covariance)
    ''')
    args = [0.1 * RNG.normal(size=4), RNG.normal(size=(6, 1)), RNG.normal(size=6), RNG.normal(size=(3, 1))]
    got = backgen.backward(namespace["predict"], wrt=("params",)).backward(*fresh_args(args))
    want = finite_differences(namespace["predict"], args, [0], (1.0,))
    _compare((got,), want)


# --- scipy.integrate's trapezoid, NumPy's of the same signature ------------------------------------------

DEBYE = '''
    import numpy as np
    from scipy.integrate import trapezoid

    def f(T, n=60):
        theta_D = 300.0
        x = np.linspace(1e-3, theta_D / T, n)
        integrand = x ** 4 * np.exp(x) / np.expm1(x) ** 2
        return 9 * (T / theta_D) ** 3 * trapezoid(integrand, x) + trapezoid(integrand, dx=0.1)
'''


def test_scipy_integrate_trapezoid():
    # was refused: "unknown function 'trapezoid'"
    assert_right(DEBYE, [150.0])


def test_scipy_integrate_simpson_is_still_refused_at_its_call():
    assert_refused(DEBYE.replace("trapezoid", "simpson"), [150.0], "unknown function 'simpson'")


# --- a generator of layers reading the module's constants, by the decorator (autograd's unpack_layers) ------

UNPACK_LAYERS = '''
    import numpy as np

    SHAPES = [(1, 4), (4, 1)]
    SCALE = 0.5

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in SHAPES:
            yield SCALE * weights[:, :m * n].reshape((num_weight_sets, m, n)), \\
                weights[:, m * n:m * n + n].reshape((num_weight_sets, 1, n))
            weights = weights[:, (m + 1) * n:]

    def f(weights, inputs, targets):
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = np.tanh(outputs)
        return -np.sum((outputs - targets) ** 2)
'''


def test_a_generator_reading_module_constants_by_the_decorator():
    # generate wrote the generator's loop into f; the decorator refused "generators (yield) are not
    # supported": f itself reads neither SHAPES nor SCALE, so its live reading held neither
    args = [RNG.normal(size=(2, 13)), RNG.normal(size=(5, 1)), RNG.normal(size=(5, 1))]
    func = _module(UNPACK_LAYERS)["f"]
    got = backgen.backward(func, wrt=("weights",)).backward(*fresh_args(args))
    _compare((got,), finite_differences(func, args, [0], (1.0,)))
    got, want = gradients(UNPACK_LAYERS, args, shapes={"weights": "2, 13", "inputs": "5, 1", "targets": "5, 1"})
    _compare(got, want)


# --- an integrator updating in place beside a force helper, without shapes -----------------------------------

ACCEL_IN_PLACE = '''
    import numpy as np

    def accel(x, v, k):
        return -k * np.sin(x) - 0.1 * v

    def f(x0, v0, k, dt):
        x = x0.copy()
        v = v0.copy()
        for i in range(12):
            a = accel(x, v, k)
            x += v * dt
            v += a * dt
        return 0.5 * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2)
'''


def test_an_in_place_update_beside_a_helper_s_result_without_shapes():
    # was refused without shapes ("'v' may have been changed by the write into 'x'": a helper's result may be
    # any of its arguments); with shapes given the helper was written where it is called, as now without
    assert_right(ACCEL_IN_PLACE, [RNG.normal(size=3), RNG.normal(size=3), 1.3, 0.05])


# --- without shapes: a time step added into the time a loop carries (t += dt) is a number, the state arrays -----

TIME_STEPPED = '''
    import numpy as np

    def accel(x, v, k):
        return -k * np.sin(x)

    def f(x0, v0, k, dt):
        x = x0
        v = v0
        t = 0.0
        i = 0
        while i < 12:
            a1 = accel(x, v, k)
            xm = x + 0.5 * dt * v
            vm = v + 0.5 * dt * a1
            x = x + dt * vm
            v = v + dt * accel(xm, vm, k)
            t += dt
            i += 1
        return 0.5 * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2) + t
'''


def test_a_time_step_carried_by_a_loop_is_a_number_and_the_state_an_array_without_shapes():
    # the code was written for numbers x0, v0, k, dt (given arrays, it raised "is written for numbers"):
    # arrays for dt make t an array, so dt alone is a number, checked as the code starts
    assert_right(TIME_STEPPED, [RNG.normal(size=3), RNG.normal(size=3), 1.3, 0.05], decorator=False)
    assert_right(TIME_STEPPED, [RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)), 1.3, 0.05], decorator=False)
    assert_right(TIME_STEPPED, [RNG.normal(size=3), RNG.normal(size=3), RNG.uniform(0.5, 1.5, size=3), 0.05],
                 douts=(np.linspace(0.5, 1.5, 3),), decorator=False)  # (k of each component: an output each)
    generated = {}
    exec(backgen.generate(textwrap.dedent(TIME_STEPPED), name="f"), generated)
    with pytest.raises(TypeError, match="written for numbers dt"):
        generated["f_backward"](RNG.normal(size=3), RNG.normal(size=3), 1.3, np.full(3, 0.05), 1.0)


# --- the decorator given a number for the upstream gradient of an array output ---------------------------------


def test_a_number_for_an_array_output_s_upstream_gradient_is_explained():
    # f.backward(x, k, dout=1.0) of an output of shape (3,) raised AttributeError ('float' object has no
    # attribute 'sum') from inside the generated code
    func = _module('''
        import numpy as np

        def f(x, k):
            return 0.5 * np.sum(x ** 2) + k
    ''')["f"]
    decorated = backgen.backward(func)
    x, k = RNG.normal(size=3), RNG.normal(size=3)
    with pytest.raises(TypeError, match=r"an array of shape \(3,\), not the number 1.0"):
        decorated.backward(x, k, dout=1.0)
    got = decorated.backward(x, k, dout=np.ones(3))
    _compare(got, finite_differences(func, [x, k], [0, 1], (np.ones(3),)))
