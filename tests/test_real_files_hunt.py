"""Whole files as students and tutorial authors publish them: CS231n layers and losses, autograd's
examples, molecular dynamics and fluid simulations, read by ``generate`` as a file and by the decorator
on the imported function.

Each program here is a small one of our own, written in the idioms where backgen failed on such a
file.  Gradients are checked against central finite differences in float64 (``numeric``); a layer's
generated ``*_backward(dout, cache)`` is given the cache of the forward as Python runs it.
"""

import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, gradient, weighted

RNG = np.random.default_rng(2031)


def _module(tmp_path, text, tag):
    """The module of ``text``, written to a file and imported (the decorator reads its source)."""
    path = tmp_path / f"realfiles_{tag}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def assert_layer_right(text, name, args, wrt):
    """The generated ``*_backward(dout, cache)`` of the layer ``name`` in ``text``, given the cache of
    the forward as Python runs it, matches central differences of sum(out * dout)."""
    text = textwrap.dedent(text)
    namespace = {}
    exec(text, namespace)
    forward = namespace[name]
    module = backgen.generate(text, name=name)
    generated = {}
    exec(module, generated)
    out, cache = forward(*_copies(args))
    dout = RNG.standard_normal(np.shape(out))
    got = generated[name.replace("_forward", "_backward")](dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    objective = weighted(lambda *a: forward(*_copies(a))[0], [dout])
    assert len(got) == len(wrt)
    for g, k in zip(got, wrt):
        assert_close(g, gradient(objective, list(args), k))
    return module


# --- a layer's backward checks its parameters once its cache is unpacked ---------------------------


def test_a_layer_looping_over_the_images_of_its_input_reads_them_from_its_cache():
    # max pooling over `for n, image in enumerate(x)`, no shapes given: the backward's check that x
    # is one array ran before `x, pool_param = cache` bound x (UnboundLocalError)
    module = assert_layer_right('''
        import numpy as np

        def pool_forward(x, pool_param):
            N, C, H, W = x.shape
            s = pool_param["stride"]
            out = np.zeros((N, C, H // s, W // s))
            for n, image in enumerate(x):
                for i in range(H // s):
                    for j in range(W // s):
                        window = image[:, i * s:i * s + s, j * s:j * s + s]
                        out[n, :, i, j] = window.max(axis=(1, 2))
            cache = (x, pool_param)
            return out, cache
    ''', "pool_forward", [RNG.standard_normal((2, 3, 4, 4)), {"stride": 2}], [0])
    body = module[module.index("def pool_backward"):]
    assert body.index("= cache") < body.index("_several_shapes(x)")


def test_a_layer_reading_its_rows_as_items_checks_the_cached_input():
    assert_layer_right('''
        import numpy as np

        def rows_forward(x, w):
            out = np.zeros((x.shape[0], w.shape[1]))
            for i, row in enumerate(x):
                out[i] = np.tanh(row @ w)
            cache = (x, w, out)
            return out, cache
    ''', "rows_forward", [RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))], [0, 1])


def test_a_layer_written_for_a_default_axis_checks_the_axis_its_cache_holds():
    text = '''
        import numpy as np

        def sq_forward(x, axis=-1):
            out = np.sum(x * x, axis=axis)
            cache = (x, axis)
            return out, cache
    '''
    module = assert_layer_right(text, "sq_forward", [RNG.standard_normal((3, 4))], [0])
    generated = {}
    exec(module, generated)
    with pytest.raises(ValueError, match="written for axis=-1"):
        generated["sq_backward"](np.ones(4), (np.ones((3, 4)), 0))


# --- the decorator: a helper written out into its caller brings the functions it calls ------------


VERLET = '''
    import numpy as np

    def pair(a, b):
        return np.sqrt(np.sum((a - b) ** 2))

    def energy(pos):
        e = 0.0
        for i in range(len(pos)):
            for j in range(i + 1, len(pos)):
                e += 1.0 / pair(pos[i], pos[j])
        return e, -pos

    def step(v, f, dt):
        return v + dt * f

    def run(R0, V0, dt, n):
        pos = np.zeros((n, 3, 2))
        U = np.zeros(n)
        pos[0] = R0
        u, f = energy(pos[0])
        for i in range(n - 1):
            U[i] = u
            v = step(V0, f, dt)
            pos[i + 1] = step(pos[i], v, dt)
            u, f = energy(pos[i + 1])
        return U
'''


def test_a_helper_written_out_in_its_caller_calls_its_own_helpers(tmp_path):
    # velocity Verlet over an energy helper calling a distance helper: the energy helper, written out
    # into the loop, called `pair`, which the decorator did not know there ("unknown function 'pair'")
    module = _module(tmp_path, VERLET, "verlet")
    args = [np.array([[0.0, 0.0], [1.1, 0.1], [0.2, 1.2]]), 0.1 * RNG.standard_normal((3, 2)), 0.01, 3]
    dout = RNG.standard_normal(3)
    got = backgen.backward(module.run, wrt=("R0", "V0")).backward(*args, dout=dout)
    objective = weighted(lambda *a: module.run(*_copies(a)), [dout])
    for g, k in zip(got, (0, 1)):
        assert_close(g, gradient(objective, args, k))
