"""Forward functions as their authors write them (CS231n layers, autograd's examples, physics),
each once refused or wrong, now followed: the generated backward is checked against central
finite differences in float64; the refusals kept assert their message."""

import importlib.util
import inspect
import re
import textwrap

import numpy as np
import pytest

import backgen
from numeric import gradient, same_again, weighted


def _check(source, name, args, wrt, shapes=None, dout=1.0):
    """Generate ``name``'s backward, run it, and compare each gradient in ``wrt`` (positions) with
    central differences of ``sum(out * dout)``."""
    source = textwrap.dedent(source)
    namespace = {}
    exec(compile(source, "<forward>", "exec"), namespace)
    func = namespace[name]
    params = list(inspect.signature(func).parameters)
    text = backgen.generate(source, name=name, wrt=tuple(params[k] for k in wrt), shapes=shapes)
    same_again(text, lambda: backgen.generate(source, name=name, wrt=tuple(params[k] for k in wrt), shapes=shapes))
    generated = {}
    exec(compile(text, "<backward>", "exec"), generated)
    backward = generated[f"{name}_backward"]
    given = list(inspect.signature(backward).parameters)[len(inspect.signature(func).parameters):]
    got = backward(*args, **{given[0]: dout})
    got = got if len(wrt) > 1 else (got,)
    objective = weighted(lambda *a: func(*a), (dout,))
    for g, k in zip(got, wrt):
        want = gradient(objective, list(args), k)
        assert np.shape(g) == np.shape(want)
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)
    return text


def _normal(seed, *shape):
    return np.random.default_rng(seed).normal(size=shape)


# --- a module-level list of pairs iterated through enumerate or zip -----------------------------

EDGES_SOURCE = '''
import numpy as np

EDGES = [(0, 1), (1, 2), (2, 0), (2, 3)]

def spring_energy(x, k, rest):
    e = 0.0
    for idx, (i, j) in LOOP:
        d = np.linalg.norm(x[i] - x[j])
        e = e + 0.5 * k[idx] * (d - rest[idx]) ** 2
    return e
'''


@pytest.mark.parametrize("loop", ["enumerate(EDGES)", "zip(range(4), EDGES)", "zip(range(len(EDGES)), EDGES)"])
@pytest.mark.parametrize("shapes", [None, {"x": "4, 2", "k": "4", "rest": "4"}])
def test_module_list_of_pairs_through_enumerate_or_zip(loop, shapes):
    source = EDGES_SOURCE.replace("LOOP", loop)
    args = [_normal(1, 4, 2), np.array([1.0, 2.0, 0.5, 1.5]), np.array([0.7, 1.1, 0.9, 1.3])]
    _check(source, "spring_energy", args, [0, 1, 2], shapes=shapes)


def test_local_tuple_of_pairs_through_zip():
    source = '''
    import numpy as np

    def spring_energy(x, k):
        EDGES = [(0, 1), (1, 2), (2, 3)]
        e = 0.0
        for idx, (i, j) in zip(range(len(EDGES)), EDGES):
            e = e + k[idx] * np.sum((x[i] - x[j]) ** 2)
        return e
    '''
    _check(source, "spring_energy", [_normal(2, 4, 3), np.array([1.0, 2.0, 0.5])], [0, 1])


def test_module_list_of_pairs_named_by_a_loop_and_only_read():
    # (refused before, "global values are not supported": each pair the loop names is read only by its
    # items, so the list stays as it is, a constant)
    source = '''
    import numpy as np

    EDGES = [(0, 1), (1, 2)]

    def f(x):
        e = 0.0
        for idx, pair in enumerate(EDGES):
            e = e + x[pair[0]] * x[pair[1]]
        return e
    '''
    x = np.array([0.5, -1.5, 2.0])
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), shapes={"x": "3"}), namespace)
    np.testing.assert_allclose(namespace["f_backward"](x), [x[1], x[0] + x[2], x[1]])


# --- while True: left by a return only ---------------------------------------------------------

def test_while_true_left_by_return_only_projectile():
    source = '''
    import numpy as np

    def range_with_drag(v0, angle, k, dt=0.01):
        vx = v0 * np.cos(angle)
        vy = v0 * np.sin(angle)
        x, y = 0.0, 0.0
        while True:
            v = np.sqrt(vx * vx + vy * vy)
            ax = -k * v * vx
            ay = -9.81 - k * v * vy
            x_new = x + vx * dt
            y_new = y + vy * dt
            vx += ax * dt
            vy += ay * dt
            if y_new < 0:
                frac = y / (y - y_new)
                return x + frac * (x_new - x)
            x, y = x_new, y_new
    '''
    _check(source, "range_with_drag", [10.0, 0.7, 0.05], [0, 1, 2],
           shapes={"v0": "float", "angle": "float", "k": "float"})


def test_while_true_newton_returns_scalar_math():
    source = '''
    import math

    def kepler_E(M, e, tol=1e-13):
        E = M
        n = 0
        while True:
            step = (E - e * math.sin(E) - M) / (1 - e * math.cos(E))
            E = E - step
            n += 1
            if abs(step) < tol or n > 40:
                return E * (1 + e)
    '''
    _check(source, "kepler_E", [0.9, 0.3], [0, 1])


def test_while_true_with_a_break_of_its_own_keeps_the_flag():
    source = '''
    import math

    def f(a, b):
        x = a
        n = 0
        while True:
            x = 0.5 * (x + b / x)
            n += 1
            if n > 30:
                break
            if abs(x * x - b) < 1e-14:
                return x * a
        return x
    '''
    _check(source, "f", [1.3, 2.0], [0, 1])


# --- a tuple given a helper that spreads it into calls (f(t, y, *args)) ------------------------

ODE_SOURCE = '''
import numpy as np

def lotka_volterra(z, t, alpha, beta, delta, gamma):
    x, y = z[0], z[1]
    return np.array([alpha * x - beta * x * y, delta * x * y - gamma * y])

def decay(z, t):
    return -0.5 * z

def rk2(f, z0, ts, args=()):
    z = z0
    for i in range(len(ts) - 1):
        h = ts[i + 1] - ts[i]
        k1 = f(z, ts[i], *args)
        k2 = f(z + h * k1, ts[i] + h, *args)
        z = z + 0.5 * h * (k1 + k2)
    return z

def loss(z0, alpha, beta, delta, gamma):
    ts = np.linspace(0.0, 1.0, 6)
    zT = rk2(lotka_volterra, z0, ts, args=(alpha, beta, delta, gamma))
    zD = rk2(decay, z0, ts)
    return np.sum(zT ** 2) + np.sum(zD * zT)
'''


def test_tuple_spread_into_calls_by_a_helper_keyword_and_default():
    shapes = {"z0": "2", "alpha": "float", "beta": "float", "delta": "float", "gamma": "float"}
    _check(ODE_SOURCE, "loss", [np.array([1.0, 0.5]), 1.1, 0.4, 0.1, 0.4], [0, 1, 2, 3, 4], shapes=shapes)


def test_tuple_spread_into_calls_by_a_helper_by_place():
    source = '''
    import numpy as np

    def lv(z, alpha, beta):
        return np.array([alpha * z[0] - beta * z[0] * z[1], beta * z[0] * z[1] - z[1]])

    def heun(z0, params, dt, n):
        z = z0
        traj = [z]
        for _ in range(n):
            k1 = lv(z, *params)
            k2 = lv(z + dt * k1, *params)
            z = z + 0.5 * dt * (k1 + k2)
            traj.append(z)
        return np.stack(traj)

    def loss(z0, alpha, beta, obs):
        return np.sum((heun(z0, (alpha, beta), 0.1, 4) - obs) ** 2)
    '''
    _check(source, "loss", [np.array([1.0, 0.5]), 1.1, 0.4, np.ones((5, 2))], [0, 1, 2],
           shapes={"z0": "2", "alpha": "float", "beta": "float", "obs": "5, 2"})


def test_the_callers_parameters_spread_into_a_function_of_as_many_parameters():
    # lv(z, *params) of def lv(z, alpha, beta): Python spreads exactly two items, params[0] and params[1]
    source = textwrap.dedent('''
    import numpy as np

    def lv(z, alpha, beta):
        return alpha * z - beta * z * z

    def step(z, params):
        return z + 0.1 * lv(z, *params)

    def loss(z0, params):
        return np.sum(step(z0, params))
    ''')
    z0, params = np.array([0.3, 0.7]), np.array([0.5, 1.2])
    for shapes in ({"z0": "2", "params": "2"}, {"z0": "2", "params": [(), ()]}):
        namespace = {}
        exec(backgen.generate(source, shapes=shapes), namespace)
        dz0, dparams = namespace["loss_backward"](z0, list(params) if shapes["params"] != "2" else params, 1.0)
        loss = lambda z, p: np.sum(z + 0.1 * (p[0] * z - p[1] * z * z))
        np.testing.assert_allclose(dz0, gradient(loss, [z0, params], 0), rtol=1e-6)
        np.testing.assert_allclose(np.array(dparams, dtype=float), gradient(loss, [z0, params], 1), rtol=1e-6)


# --- return out, None: a layer keeping no cache ------------------------------------------------

def test_layer_returning_none_for_its_cache_is_differentiated_as_a_function():
    source = '''
    import numpy as np

    def mha_forward(x, Wq, Wk, Wv):
        """
        - x: (N, S, E)
        - Wq, Wk, Wv: (E, E)
        """
        N, S, E = x.shape
        q, k, v = x @ Wq, x @ Wk, x @ Wv
        att = q @ k.swapaxes(-1, -2) / np.sqrt(E)
        att = np.exp(att - att.max(-1, keepdims=True))
        att = att / att.sum(-1, keepdims=True)
        out = att @ v
        return out, None
    '''
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    args = [_normal(3, 2, 3, 4), _normal(4, 4, 4) * .5, _normal(5, 4, 4) * .5, _normal(6, 4, 4) * .5]
    dout = _normal(7, 2, 3, 4)
    text = backgen.generate(textwrap.dedent(source))
    generated = {}
    exec(compile(text, "<backward>", "exec"), generated)
    got = generated["mha_forward_backward"](*args, dout)
    objective = weighted(lambda *a: namespace["mha_forward"](*a)[0], (dout,))
    for g, k in zip(got, range(4)):
        np.testing.assert_allclose(g, gradient(objective, args, k), rtol=1e-6, atol=1e-8)


def test_loss_returning_none_beside_it():
    source = '''
    import numpy as np

    def loss(x, w):
        return np.sum(np.tanh(x * w)), None
    '''
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    args = [_normal(8, 3, 2), _normal(9, 2)]
    text = backgen.generate(textwrap.dedent(source), shapes={"x": "3, 2", "w": "2"})
    generated = {}
    exec(compile(text, "<backward>", "exec"), generated)
    got = generated["loss_backward"](*args)
    objective = weighted(lambda *a: namespace["loss"](*a)[0], (1.0,))
    for g, k in zip(got, range(2)):
        np.testing.assert_allclose(g, gradient(objective, args, k), rtol=1e-6, atol=1e-8)


# --- a loop over layer sizes written out, the values changing shape in each iteration -----------

LAYERS_SOURCE = '''
import numpy as np

def predictions(weights, inputs):
    layer_sizes = [1, 4, 3, 1]
    start = 0
    LOOP
        W = weights[start:start + m * n].reshape(m, n)
        b = weights[start + m * n:start + m * n + n]
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
        START
    return np.sum(outputs ** 2)
'''


@pytest.mark.parametrize("loop", [
    "for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):",
    "for i in range(len(layer_sizes) - 1):\n        m = layer_sizes[i]\n        n = layer_sizes[i + 1]",
    "for i, m in enumerate(layer_sizes[:-1]):\n        n = layer_sizes[i + 1]",
])
@pytest.mark.parametrize("step", ["start += (m + 1) * n", "start = start + (m + 1) * n"])
def test_loop_over_layer_sizes_written_out(loop, step):
    source = LAYERS_SOURCE.replace("LOOP", loop).replace("START", step)
    weights = _normal(10, 2 * 4 + 5 * 3 + 4 * 1) * 0.5
    _check(source, "predictions", [weights, _normal(11, 5, 1)], [0, 1], shapes={"weights": "27", "inputs": "5, 1"})


def test_generator_unpacking_layers_from_a_flat_vector():
    source = '''
    import numpy as np

    def unpack_layers(weights, layer_sizes):
        start = 0
        for m, n in zip(layer_sizes[:-1], layer_sizes[1:]):
            W = weights[start:start + m * n].reshape(m, n)
            b = weights[start + m * n:start + m * n + n]
            yield W, b
            start += (m + 1) * n

    def predictions(weights, inputs):
        layer_sizes = [1, 4, 1]
        for W, b in unpack_layers(weights, layer_sizes):
            outputs = np.dot(inputs, W) + b
            inputs = np.tanh(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        preds = predictions(weights, inputs)
        return -np.sum((preds - targets) ** 2) / 0.1
    '''
    x = np.linspace(-1, 1, 5).reshape(5, 1)
    _check(source, "logprob", [_normal(12, 13) * 0.5, x, np.cos(x)], [0, 1],
           shapes={"weights": "13", "inputs": "5, 1", "targets": "5, 1"})


def test_a_list_of_sizes_changed_in_the_loop_is_not_written_out():
    source = '''
    import numpy as np

    def f(weights, inputs):
        layer_sizes = [1, 4, 1]
        start = 0
        for i in range(len(layer_sizes) - 1):
            m, n = layer_sizes[i], layer_sizes[i + 1]
            W = weights[start:start + m * n].reshape(m, n)
            inputs = np.tanh(inputs @ W)
            start = start + m * n
            layer_sizes.append(1)
        return np.sum(inputs)
    '''
    with pytest.raises(backgen.BackgenError):
        backgen.generate(textwrap.dedent(source), shapes={"weights": "8", "inputs": "5, 1"})


def test_tuple_spread_by_a_helper_given_a_function_by_the_decorator(tmp_path):
    source = '''
import numpy as np

def f(x, a, b=1.0, c=0.0):
    return a * np.sin(b * x + c)

def integrate(g, x0, h, n, params=(1.0,)):
    x = x0
    total = 0.0
    for i in range(n):
        total = total + h * g(x, *params)
        x = x + h
    return total

def loss(x0, a, b, c):
    return integrate(f, x0, 0.1, 5, [a, b, c]) + integrate(f, x0, 0.2, 3) + integrate(f, x0, 0.1, 2, params=(a, b))
'''
    path = tmp_path / "spread_module.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("spread_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [0.3, 1.2, 0.7, -0.2]
    got = backgen.backward(module.loss).backward(*args, dout=1.0)
    for k in range(4):
        np.testing.assert_allclose(got[k], gradient(module.loss, args, k), rtol=1e-6, atol=1e-8)


# --- a docstring declaring "int (N, T)": an integer array of that shape ------------------------

def test_docstring_int_then_shape_declares_an_integer_array():
    source = '''
    import numpy as np

    def embed_loss(W, captions, x):
        """
        - W: (V, D)
        - captions: int (N, T)
        - x: float (N, D)
        """
        return np.sum(np.tanh(W[captions] * x[:, None, :]))
    '''
    args = [_normal(13, 5, 3), np.array([[0, 3, 1], [4, 4, 2]]), _normal(14, 2, 3)]
    _check(source, "embed_loss", args, [0, 2])


# --- zip of three lists, one of numbers (per-layer slopes), by the decorator --------------------

def test_zip_of_three_lists_by_the_decorator(tmp_path):
    source = '''
import numpy as np

def net(x, Ws, bs, alphas):
    h = x
    for W, b, a in zip(Ws, bs, alphas):
        z = h @ W + b
        h = np.where(z > 0, z, a * z)
    return np.sum(h ** 2)
'''
    path = tmp_path / "zip_three.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("zip_three", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [_normal(15, 4, 3), [_normal(16, 3, 5), _normal(17, 5, 2)], [_normal(18, 5), _normal(19, 2)], [0.1, 0.2]]
    got = backgen.backward(module.net, wrt=("x", "Ws", "bs")).backward(*args, dout=1.0)
    for k in range(3):
        want = gradient(module.net, args, k)
        for g, w in zip(got[k] if k else [got[k]], want if k else [want]):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_a_spread_list_the_helper_changes_is_not_written_for_its_length():
    source = '''
    import numpy as np

    def f(x, a, b, c=0.0):
        return a * np.sin(b * x) * (1 + c)

    def g(x, params):
        params.append(0.5)  # (spread as two items, the gradient would miss the factor 1.5)
        return f(x, *params)

    def loss(x, a, b):
        return np.sum(g(x, [a, b]))
    '''
    with pytest.raises(backgen.BackgenError):
        backgen.generate(textwrap.dedent(source), shapes={"x": "3", "a": "float", "b": "float"})


def test_a_cache_entry_among_a_calls_targets_is_refused_saying_so():
    source = '''
    import numpy as np

    def affine_forward(x, w, b):
        return x @ w + b, (x, w, b)

    def block_forward(x, w, b):
        """
        - x: (N, D); w: (D, H); b: (H,)
        """
        caches = {}
        a, caches['fc'] = affine_forward(x, w, b)
        out = np.maximum(0, a)
        return out, caches
    '''
    with pytest.raises(backgen.BackgenError, match=re.escape("beside other targets, a, caches[k] = ...")):
        backgen.generate(textwrap.dedent(source))


# --- np.gradient of a field, its parts unpacked, and along one axis given ---------------------

FIELD_SOURCE = '''
import numpy as np

def field_energy(phi, dx):
    gy, gx = np.gradient(phi, dx)
    return 0.5 * np.sum(gx ** 2 + 2 * gy ** 2) * dx * dx
'''


@pytest.mark.parametrize("shapes", [None, {"phi": "4, 5", "dx": "float"}])
def test_np_gradient_of_a_field_unpacked_by_axis(shapes):
    _check(FIELD_SOURCE, "field_energy", [_normal(20, 4, 5), 0.3], [0, 1], shapes=shapes)


def test_np_gradient_along_one_axis_and_with_a_spacing_per_axis():
    source = '''
    import numpy as np

    def f(u, hz, hy, hx):
        gz, gy, gx = np.gradient(u, hz, hy, hx)
        lap = np.gradient(gx, hx, axis=2) + np.gradient(gy, hy, axis=1)
        return np.sum(lap * u) + np.sum(gz ** 2)
    '''
    args = [_normal(21, 3, 4, 5), 0.5, 0.3, 0.2]
    _check(source, "f", args, [0, 1, 2, 3], shapes={"u": "3, 4, 5", "hz": "float", "hy": "float", "hx": "float"})


def test_np_gradient_unpacked_into_its_own_array_is_left_as_written():
    source = '''
    import numpy as np

    def f(phi):
        phi, gx = np.gradient(phi)
        return np.sum(phi * gx)
    '''
    with pytest.raises(backgen.BackgenError, match="np.gradient is differentiated"):
        backgen.generate(textwrap.dedent(source), shapes={"phi": "4, 5"})
