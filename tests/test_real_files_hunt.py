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
from numeric import assert_close, fresh_args, gradient, weighted

RNG = np.random.default_rng(2031)


def _module(tmp_path, text, tag):
    """The module of ``text``, written to a file and imported (the decorator reads its source)."""
    path = tmp_path / f"realfiles_{tag}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    out, cache = forward(*fresh_args(args))
    dout = RNG.standard_normal(np.shape(out))
    got = generated[name.replace("_forward", "_backward")](dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    objective = weighted(lambda *a: forward(*fresh_args(a))[0], [dout])
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


def test_a_layer_written_for_a_default_axis_reads_the_axis_its_cache_holds():
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
    x = RNG.standard_normal((3, 4))
    dout = RNG.standard_normal(4)
    np.testing.assert_allclose(generated["sq_backward"](dout, (x, 0)), 2 * x * dout)  # (summed along axis 0)


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
    objective = weighted(lambda *a: module.run(*fresh_args(a)), [dout])
    for g, k in zip(got, (0, 1)):
        assert_close(g, gradient(objective, args, k))


# --- a loop writing into an array a name kept a view of, read before the write only -----------------


def assert_right_or_refused(text, args, douts=(1.0,), name="f"):
    """``generate`` refuses ``text`` (a BackgenError) or its backward matches central differences."""
    from numeric import assert_generated_right  # noqa: PLC0415
    try:
        backgen.generate(textwrap.dedent(text), name=name)
    except backgen.BackgenError:
        return "refused"
    assert_generated_right(text, args, douts, name=name)
    return "ok"


RNN_SLOTS = '''
    import numpy as np

    def f(x, h0, Wx, Wh):
        N, T, D = x.shape
        h = np.zeros((N, T, Wh.shape[0]))
        prev = h0
        for t in range(T):
            h[:, t, :] = np.tanh(x[:, t, :] @ Wx + prev @ Wh)
            prev = h[:, t, :]
        return h
'''


def test_a_hidden_state_kept_as_a_view_of_the_slot_just_written_is_followed(tmp_path):
    # a student's rnn_forward: `h0 = h[:, t, :]` after writing that slot, read by the next iteration
    # before its write only; refused before ("whose value from the previous iteration is kept under
    # another name"), by generate and by the decorator
    from numeric import assert_generated_right  # noqa: PLC0415
    args = [RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 5)), 0.5 * RNG.standard_normal((4, 5)),
            0.5 * RNG.standard_normal((5, 5))]
    dout = RNG.standard_normal((2, 3, 5))
    assert_generated_right(RNN_SLOTS, args, (dout,))
    module = _module(tmp_path, RNN_SLOTS, "rnn_slots")
    got = backgen.backward(module.f).backward(*args, dout=dout)
    objective = weighted(lambda *a: module.f(*fresh_args(a)), [dout])
    for g, k in zip(got, range(4)):
        assert_close(g, gradient(objective, args, k))


def test_a_view_kept_and_read_after_the_write_is_still_refused_or_right():
    # prev, all of h, is read after the write into h: it sees the write
    assert_right_or_refused('''
        import numpy as np

        def f(x):
            h = np.zeros((3, 4))
            prev = h[:, :]
            s = 0.0
            for t in range(4):
                h[:, t] = np.tanh(x[:, t] + 1.0)
                s = s + np.sum(prev * x)
                prev = h[:, :]
            return s
    ''', [RNG.standard_normal((3, 4))])


# --- a helper certainly returning new values shares no memory with what it is given ----------------


VERLET_ARRAY = '''
    import numpy as np

    def pull(pos):
        n = len(pos)
        e = 0.0
        f = np.zeros((n, 2))
        for i in range(n):
            d = pos[i] - pos[(i + 1) % n]
            e += np.sum(d ** 2)
            f[i] = -2.0 * d
        return e, f

    def f(R0, dt):
        pos = np.zeros((3, 4, 2))
        pos[0] = R0
        e, F = pull(pos[0])
        total = e
        for i in range(2):
            pos[i + 1] = pos[i] + dt * F
            e, F = pull(pos[i + 1])
            total = total + e
        return total
'''


def test_positions_written_after_a_force_helper_read_them_are_followed(tmp_path):
    # the forces a helper computes from pos[i + 1] are new arrays: the next write into pos does not
    # change them (refused before: "whose value from the previous iteration is kept under another name")
    from numeric import assert_generated_right  # noqa: PLC0415
    args = [RNG.standard_normal((4, 2)), 0.1]
    assert_generated_right(VERLET_ARRAY, args)
    module = _module(tmp_path, VERLET_ARRAY, "verlet_array")
    got = backgen.backward(module.f, wrt=("R0",)).backward(*args)
    assert_close(got, gradient(lambda *a: module.f(*fresh_args(a)), args, 0))


@pytest.mark.parametrize("returned", ["pos[1:]", "pos", "pos.T", "np.asarray(pos)", "[pos][0]",
                                      "([pos] + [pos])[0]", "pos.reshape(-1)[:2]"])
def test_a_helper_returning_what_it_is_given_stays_refused_or_right(returned):
    # the write into pos reaches what such a helper returned: followed, or refused
    assert_right_or_refused(f'''
        import numpy as np

        def part(pos):
            return {returned}

        def f(R0, dt):
            pos = np.zeros((3, 4))
            pos[0] = R0
            p = part(pos)
            total = 0.0
            for i in range(2):
                pos[i + 1] = pos[i] * dt + 1.0
                total = total + np.sum(p * p)
                p = part(pos)
            return total
    ''', [RNG.standard_normal(4), 0.7])


@pytest.mark.parametrize("body", [
    "new[0] = u[1]\n            s = s + np.sum(u)\n            u = new",
    "new[0] = u[1]\n            if s > 10.0:\n                u = new\n            s = s + 1.0",
    "new[0] = u[1]\n            u, s = new, s + u[2]",
    "new[0] = u[1]\n            if s > 10.0:\n                continue\n            u = new",
])
def test_a_name_holding_the_array_written_read_after_the_write_is_refused(body):
    # u, the array new holds from the iteration before, read after the write (or kept past it on a
    # path): it sees the write, which backgen does not follow
    from numeric import assert_generated_refused  # noqa: PLC0415
    assert_generated_refused(f'''
    def f(u: "3"):
        new = np.zeros(3)
        s = 0.0
        for t in range(2):
            {body}
        return np.sum(u ** 2) + s
    ''', [np.array([0.3, -0.5, 0.8])], "writes into 'new'")



@pytest.mark.parametrize("helper", [
    "def part(pos):\n            return pos * K",
    "def part(pos):\n            q = np.zeros(4)\n            q += pos\n            return q",
    "def part(pos):\n            return pos - np.sum(pos, axis=0)",
    "def part(pos):\n            return (pos * 1.0).copy()",
    "def part(pos):\n            return np.tanh(pos), pos.sum()",
])
def test_a_helper_returning_new_values_is_followed_across_the_writes_after_it(helper):
    # what the helper returns shares nothing with pos: the writes into pos after it leave it as it was
    from numeric import assert_generated_right  # noqa: PLC0415
    assert_generated_right(f'''
        import numpy as np

        K = 1.5

        {helper}

        def f(R0: "4", dt: float):
            pos = np.zeros((3, 4))
            pos[0] = R0
            p = part(pos[0])
            total = 0.0
            for i in range(2):
                total = total + np.sum(p[0] * p[0])
                pos[i + 1] = pos[i] * dt + p[0]
                p = part(pos[i + 1])
            return total
    ''', [RNG.standard_normal(4), 0.7])


# --- generate without shapes: a parameter read by string keys is a dict of arrays -----------------


def test_a_dict_of_arrays_without_shapes_read_through_a_helper_by_its_keys():
    # autograd's rnn.py: params passed to a helper reading params["change"]; the refusal named only the
    # form of one array ("params: 'N, D'"), which such a dict cannot take.  The keys the helper reads now
    # make it a dict of arrays of every shape, written without shapes; with shapes, for those shapes
    text = textwrap.dedent('''
        import numpy as np

        def predict(params, xs):
            h = np.repeat(params["h0"], xs.shape[1], axis=0)
            outs = []
            for x in xs:
                h = np.tanh(h @ params["hid"] + x @ params["inp"])
                outs.append(h @ params["out"])
            return outs

        def loss(params, xs, ys):
            outs = predict(params, xs)
            total = 0.0
            for t in range(xs.shape[0]):
                total += np.sum(outs[t] * ys[t])
            return total
    ''')
    params = {"h0": RNG.standard_normal((1, 3)), "hid": 0.5 * RNG.standard_normal((3, 3)),
              "inp": RNG.standard_normal((2, 3)), "out": RNG.standard_normal((3, 2))}
    xs, ys = RNG.standard_normal((4, 5, 2)), RNG.standard_normal((4, 5, 2))
    namespace = {}
    exec(text, namespace)
    want = gradient(namespace["loss"], [params, xs, ys], 0)
    for shapes in (None, {"params": {"h0": "1, H", "hid": "H, H", "inp": "D, H", "out": "H, O"}, "xs": "T, N, D",
                          "ys": "T, N, O"}):
        generated = {}
        exec(backgen.generate(text, name="loss", shapes=shapes), generated)
        got = generated["loss_backward"]({k: v.copy() for k, v in params.items()}, xs.copy(), ys.copy())
        assert_close(got[0], want)


# --- labels indexing through a list or an array made of them -----------------------------------------


@pytest.mark.parametrize("labels", ["list(y)", "np.asarray(y)", "np.array(y)"])
def test_labels_made_a_list_or_an_array_to_index_with_are_labels(tmp_path, labels):
    # a two-layer net's softmax_output[range(N), list(y)]: y was taken for a value to differentiate (the
    # decorator refused "'y' is integer (int64): it carries no gradient"; generate sampled it as floats)
    from numeric import assert_generated_right  # noqa: PLC0415
    text = f'''
        import numpy as np

        def loss(X, W, y):
            N = X.shape[0]
            s = np.dot(X, W)
            p = np.exp(s) / np.sum(np.exp(s), axis=1).reshape(-1, 1)
            return -np.sum(np.log(p[range(N), {labels}])) / N
    '''
    args = [RNG.standard_normal((5, 3)), RNG.standard_normal((3, 4)), np.array([0, 1, 3, 3, 2])]
    assert_generated_right(text, args, name="loss")
    module = _module(tmp_path, text, "labels_" + labels.split("(")[0].replace(".", "_"))
    got = backgen.backward(module.loss).backward(*args)
    for g, k in zip(got, (0, 1)):
        assert_close(g, gradient(module.loss, args, k))


# --- a loss with the user's own backward: its gradients' regularization added in place -------------


NET_LOSS = '''
    import numpy as np

    def affine_forward(x, w, b):
        out = x @ w + b
        cache = (x, w, b)
        return out, cache

    def affine_backward(dout, cache):
        x, w, b = cache
        return dout @ w.T, x.T @ dout, dout.sum(axis=0)

    def softmax_loss(x, y):
        shifted = x - np.max(x, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        N = x.shape[0]
        dx = np.exp(log_probs)
        dx[np.arange(N), y] -= 1
        return -np.sum(log_probs[np.arange(N), y]) / N, dx / N

    def net_loss(X, W1, b1, W2, b2, y, reg=0.1):
        h, cache1 = affine_forward(X, W1, b1)
        a = np.tanh(h)
        scores, cache2 = affine_forward(a, W2, b2)
        loss, grads = 0, {}
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        da, dW2, db2 = affine_backward(dscores, cache2)
        dh = da * (1 - a ** 2)
        dX, dW1, db1 = affine_backward(dh, cache1)
        dW2 += reg * W2
        dW1 += reg * W1
        grads['W1'], grads['b1'] = dW1, db1
        grads['W2'] = dW2
        grads['b2'] = db2
        return loss, grads
'''


def test_a_loss_adding_regularization_to_its_own_gradients_in_place(tmp_path):
    # fc_net.py's `dW2 += self.reg * W2` after `dh1, dW2, db2 = affine_backward(dscores, cache2)`: the
    # user's backward was kept, and reading dscores refused ("holds the gradient softmax_loss() returns")
    from numeric import assert_generated_right  # noqa: PLC0415
    args = [RNG.standard_normal((5, 3)), RNG.standard_normal((3, 4)), RNG.standard_normal(4),
            RNG.standard_normal((4, 3)), RNG.standard_normal(3), np.array([0, 2, 1, 1, 0]), 0.1]
    assert_generated_right(NET_LOSS, args, name="net_loss")
    module = _module(tmp_path, NET_LOSS, "net_loss")
    got = backgen.backward(module.net_loss).backward(*args)
    objective = lambda *a: module.net_loss(*fresh_args(a))[0]  # noqa: E731
    for g, k in zip(got, (0, 1, 2, 3, 4, 6)):
        assert_close(g, gradient(objective, args, k))


# --- an integrator given the derivative as a parameter ---------------------------------------------


INTEGRATOR = '''
    import numpy as np

    def pend(y, t, b):
        return np.array([y[1], -b * y[1] - np.sin(y[0])])

    def euler(f, y0, t, b):
        y = np.zeros((len(t), len(y0)))
        y[0] = y0
        for i in range(len(t) - 1):
            y[i + 1] = y[i] + (t[i + 1] - t[i]) * f(y[i], t[i], b)
        return y

    def run(y0, t, b):
        return euler(pend, y0, t, b)
'''


def test_an_integrator_calling_the_function_it_is_given_says_how_to_differentiate_it(tmp_path):
    # rungekutta4(f, y0, t, args=()): "'f' is a variable, not a function" said nothing of what to do;
    # a function passing pend by its name is differentiated, and so is the integrator given pend through the
    # decorator (given_functions); given a lambda, refused saying what is followed
    module = _module(tmp_path, INTEGRATOR, "integrator")
    args = [np.array([0.4, -0.3]), np.linspace(0.0, 0.3, 4), 0.25]
    with pytest.raises(backgen.BackgenError, match=r"'f' is a variable, not a function: a parameter called as a "
                                                   r"function .*euler\(your_function, \.\.\.\).*not a lambda"):
        backgen.backward(module.euler, wrt=("y0",)).backward(lambda y, t, b: -y, *args, dout=np.ones((4, 2)))
    dout = RNG.standard_normal((4, 2))
    got = backgen.backward(module.euler, wrt=("y0", "b")).backward(module.pend, *args, dout=dout)
    objective = weighted(lambda *a: module.euler(module.pend, *fresh_args(a)), [dout])
    for g, k in zip(got, (0, 2)):
        assert_close(g, gradient(objective, args, k))
    got = backgen.backward(module.run, wrt=("y0", "b")).backward(*args, dout=dout)
    objective = weighted(lambda *a: module.run(*fresh_args(a)), [dout])
    for g, k in zip(got, (0, 2)):
        assert_close(g, gradient(objective, args, k))
