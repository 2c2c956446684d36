"""Parameters that are lists of tuples of arrays, as autograd's examples pass them:
``for W, b in params`` is differentiated, and the gradient comes back with the same
structure.  Every gradient is checked against central finite differences."""

import inspect
import math
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, gradient, weighted

RNG = np.random.default_rng(7)


def layers(*sizes):
    return [(RNG.normal(size=(m, n)) * 0.5, RNG.normal(size=n) * 0.1) for m, n in zip(sizes, sizes[1:])]


def check(source, args, dout=None, shapes=None, name="f"):
    """The generated backward (from source, with ``shapes``) against finite differences, for every
    argument; the arguments are left as they were."""
    source = textwrap.dedent(source)
    namespace = {"np": np, "math": math}
    exec(source, namespace)
    text = backgen.generate(source, name=name, shapes=shapes)
    generated = {}
    exec(text, generated)
    dout = 1.0 if dout is None else dout
    copies = [[tuple(a.copy() for a in t) for t in v] if isinstance(v, list) else np.copy(v) for v in args]
    got = generated[f"{name}_backward"](*copies, dout)
    got = got if isinstance(got, tuple) and len(args) > 1 else (got,)
    objective = weighted(namespace[name], (dout,))
    for k, value in enumerate(args):
        assert_close(got[k], gradient(objective, args, k))
    assert_close(copies, args)  # untouched
    return text


def net_loss(params, inputs, targets):
    """A multilayer perceptron with a softmax cross-entropy loss, as autograd's example writes it."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    log_probs = outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))
    return -np.sum(log_probs * targets)


NET = inspect.getsource(net_loss).replace("def net_loss(", "def f(")


def test_a_network_over_a_list_of_layers_from_source():
    params = layers(3, 4, 2)
    inputs, targets = RNG.normal(size=(5, 3)), np.eye(2)[[0, 1, 1, 0, 1]]
    text = check(NET, [params, inputs, targets],
                 shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "inputs": "5, 3", "targets": "5, 2"})
    assert "(W1, b1), (W2, b2) = params" in text
    assert "return [(dW1, db1), (dW2, db2)], dinputs, dtargets" in text


def test_the_decorator_learns_the_structure_from_the_call():
    f = backgen.backward(net_loss)
    for sizes in [(3, 4, 2), (3, 5, 4, 2)]:  # another depth: another backward
        params = layers(*sizes)
        inputs, targets = RNG.normal(size=(6, 3)), np.eye(2)[[0, 1, 1, 0, 1, 0]]
        got = f.backward(params, inputs, targets)
        for k, value in enumerate([params, inputs, targets]):
            assert_close(got[k], gradient(net_loss, [params, inputs, targets], k))
        assert len(got[0]) == len(sizes) - 1
    assert "(W1, b1), (W2, b2), (W3, b3) = params" in f.backward_source


@pytest.mark.parametrize("source", [
    '''
    def f(params, x):
        for i, (W, b) in enumerate(params):
            x = np.tanh(x @ W + b) * (i + 1)
        return np.sum(x * x)
    ''',
    '''
    def f(params, x):
        for k in range(len(params)):
            W, b = params[k]
            x = np.tanh(x @ W + b)
        return np.sum(x * x)
    ''',
    '''
    def f(params, x):
        W1, b1 = params[0]
        W, b = params[-1]
        h = np.maximum(x @ W1 + b1, 0.0)
        return np.sum((h @ W + b) ** 2) / len(params)
    ''',
    '''
    def f(params, x):
        h = x
        for (W, b), scale in zip(params, [1.0, 0.5]):
            h = np.tanh(h @ W + b) * scale
        return np.sum(h)
    ''',
    '''
    def f(params, x):
        for W, b in params[:-1]:
            x = np.maximum(0, x @ W + b)
        W, b = params[-1]
        return np.sum((x @ W + b) ** 2) * len(params[1:])
    ''',
], ids=["enumerate", "range-len", "indexing", "zip", "slices"])
def test_ways_of_reading_a_list_of_layers(source):
    params = layers(3, 4, 2)
    x = RNG.normal(size=(5, 3))
    check(source, [params, x], shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"})


@pytest.mark.parametrize("source, match, line", [
    ('''
    def f(params, x):
        return np.sum(x) * np.sum(params)
    ''', "a list of arrays is used whole here", 3),
    ('''
    def f(params, x):
        for W, b in params:
            if np.sum(W) > 100.0:
                break
            x = x @ W + b
        return np.sum(x)
    ''', "cannot break, continue or have an else", 3),
    ('''
    def f(params, x, n: int):
        W, b = params[n]
        return np.sum(x @ W + b)
    ''', "at an index backgen cannot work out", 3),
    ('''
    def f(params, x, n: int):
        for W, b in params[:n]:
            x = x @ W + b
        return np.sum(x)
    ''', "sliced here with bounds backgen cannot work out", 3),
])
def test_uses_of_a_list_of_arrays_backgen_does_not_follow_are_refused(source, match, line):
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(textwrap.dedent("import numpy as np\n" + textwrap.dedent(source).lstrip("\n")),
                         name="f", shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"})
    assert info.value.lineno == line


AUTOGRAD_STYLE = '''
import autograd.numpy as np

def neural_net_predict(params, inputs):
    """A deep network for classification: class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - np.log(np.sum(np.exp(outputs), axis=1, keepdims=True))

def l2_norm(params):
    total = 0.0
    for W, b in params:
        total = total + np.sum(W * W) + np.sum(b * b)
    return total

def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik
'''


def test_helpers_given_the_list_of_layers_are_written_out_in_the_caller():
    params = layers(3, 4, 2)
    inputs, targets = RNG.normal(size=(5, 3)), np.eye(2)[[0, 1, 1, 0, 1]]
    text = check(AUTOGRAD_STYLE.replace("import autograd.numpy as np", "import numpy as np"),
                 [params, inputs, targets, 0.3], name="log_posterior",
                 shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "inputs": "5, 3", "targets": "5, 2",
                         "L2_reg": "()"})
    assert "return [(dW1, db1), (dW2, db2)], dinputs, dtargets, dL2_reg" in text
    # the same source importing autograd.numpy reads as NumPy: the same backward
    assert backgen.generate(textwrap.dedent(AUTOGRAD_STYLE), name="log_posterior",
                            shapes={"params": [("3, 4", "4"), ("4, 2", "2")], "inputs": "5, 3",
                                    "targets": "5, 2", "L2_reg": "()"}) == text


def dict_net(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    penalty = 0.0
    for name in params:
        penalty = penalty + np.sum(params[name] ** 2)
    return np.sum(h @ params["W2"]) + 0.1 * penalty


def test_a_dict_of_arrays_read_by_key_is_differentiated_and_comes_back_as_a_dict():
    f = backgen.backward(dict_net)
    params = {"W1": RNG.normal(size=(3, 4)), "b1": RNG.normal(size=4), "W2": RNG.normal(size=(4, 2))}
    x = RNG.normal(size=(5, 3))
    got = f.backward(params, x)
    assert_close(got[0], gradient(dict_net, [params, x], 0))
    assert_close(got[1], gradient(dict_net, [params, x], 1))
    assert "W1 = params['W1']" in f.backward_source
    named = backgen.backward(dict_net, wrt=("params", "x")).backward(params, x)  # named in wrt: the same
    assert_close(named[0], got[0])
    assert_close(named[1], got[1])


def test_settings_dicts_stay_settings():
    # a dict of numbers and strings is configuration, not a structure of arrays
    from backgen.structured import is_structured
    assert not is_structured({"mode": "train", "eps": 1e-5, "running_mean": np.zeros(3)})
    assert not is_structured({"stride": 1, "pad": 1})
    assert is_structured({"W": np.ones((2, 2)), "b": np.zeros(2)})


def _dict_layers(*sizes):
    params = {}
    for i, (m, n) in enumerate(zip(sizes, sizes[1:])):
        params[f"W{i + 1}"], params[f"b{i + 1}"] = RNG.normal(size=(m, n)) * 0.5, RNG.normal(size=n) * 0.1
    return params


@pytest.mark.parametrize("source", [
    '''
    def f(params, x, reg=0.1):
        num_layers = 3
        h = x
        for i in range(num_layers - 1):
            W, b = params['W%d' % (i + 1)], params['b%d' % (i + 1)]
            h = np.maximum(0, h.dot(W) + b)
        scores = h.dot(params['W%d' % num_layers]) + params['b%d' % num_layers]
        loss = np.sum(scores ** 2)
        for i in range(num_layers):
            W = params['W%d' % (i + 1)]
            loss += 0.5 * reg * np.sum(W * W)
        return loss
    ''',
    '''
    def f(params, x, reg=0.1):
        L = len(params) // 2
        for i in range(1, L + 1):
            x = np.tanh(x @ params[f'W{i}'] + params[f'b{i}'])
        return np.sum(x) + reg * sum(np.sum(params['W' + str(i)] ** 2) for i in range(1, L + 1))
    ''',
    '''
    def f(params, x, reg=0.1):
        for i in range(3, 0, -1):
            if i > 1:
                x = x + 0.0
        h = x
        for layer in range(3):
            h = h @ params["W%d" % (layer + 1)] + params["b%s" % (layer + 1)]
            if layer < 2:
                h = np.tanh(h)
        return np.sum(h ** 2) * reg
    ''',
], ids=["percent", "fstring-and-str", "test-on-the-counter"])
def test_a_dict_of_layers_read_at_keys_made_from_a_loop_counter(source, tmp_path):
    # the loop has constant bounds: it is written out, each key read as the one it makes
    from conftest import load_module
    source = "import numpy as np\n" + textwrap.dedent(source).lstrip("\n")
    (tmp_path / "keys.py").write_text(source)
    forward = load_module(tmp_path / "keys.py").f
    params, x = _dict_layers(3, 4, 4, 2), RNG.normal(size=(5, 3))
    got = backgen.backward(forward).backward(params, x, 0.1)
    for k in range(3):
        assert_close(got[k], gradient(forward, [params, x, 0.1], k))
    shapes = {"params": {k: ", ".join(map(str, v.shape)) for k, v in params.items()}, "x": "5, 3"}
    generated = {}
    exec(backgen.generate(source, name="f", shapes=shapes), generated)
    again = generated["f_backward"](params, x, 0.1)
    for k in range(3):
        assert_close(again[k], got[k])


@pytest.mark.parametrize("shapes, match", [
    ({"params": {"W0": "3, 3", "W1": "3, 3"}, "x": "5, 3"}, "no key f'W{i}' that backgen can read here"),
    (None, "reads a key made as the code runs"),
], ids=["bound-not-constant", "keys-not-known"])
def test_a_key_made_as_the_code_runs_is_refused_where_it_is_not_known(shapes, match):
    source = '''import numpy as np

def f(params, x, n: int):
    for i in range(n):
        x = np.tanh(x @ params[f'W{i}'])
    return np.sum(x)
'''
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(source, name="f", shapes=shapes)
    assert info.value.lineno == 5


LIST_OF_DICTS = '''
import numpy as np

def forward(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(h @ layer["W"] + layer["b"])
    return np.sum(h ** 2)
'''


def _layer_dicts(*sizes):
    return [{"W": RNG.normal(size=(m, n)) * 0.5, "b": RNG.normal(size=n) * 0.1} for m, n in zip(sizes, sizes[1:])]


def _copied(value):
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copied(v) for v in value)
    return np.copy(value) if isinstance(value, np.ndarray) else value  # (a number stays a number)


def test_a_list_of_dicts_of_arrays_is_a_list_of_layers(tmp_path):
    # for layer in layers: h @ layer["W"] + layer["b"], the dicts' arrays of several shapes: written out one
    # layer after another as a list of tuples is, by generate (shapes a list of dicts of shape strings) and
    # by the decorator (learnt from the call, another depth another backward); the gradient a list of dicts
    path = tmp_path / "list_of_dicts.py"
    path.write_text(LIST_OF_DICTS)
    namespace = {}
    exec(LIST_OF_DICTS, namespace)
    forward = namespace["forward"]
    text = backgen.generate(LIST_OF_DICTS, shapes={"layers": [{"W": "3, 4", "b": "4"}, {"W": "4, 2", "b": "2"}],
                                                   "x": "5, 3"})
    assert "W1 = layers[0]['W']" in text and "b2 = layers[1]['b']" in text
    assert "return [{'W': dW1, 'b': db1}, {'W': dW2, 'b': db2}], dx" in text
    generated = {}
    exec(text, generated)
    import importlib.util
    spec = importlib.util.spec_from_file_location("list_of_dicts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    decorated = backgen.backward(module.forward)
    for sizes, backward in [((3, 4, 2), generated["forward_backward"]), ((3, 4, 2), decorated.backward),
                            ((3, 5, 4, 2), decorated.backward)]:
        args = [_layer_dicts(*sizes), RNG.normal(size=(5, 3))]
        kept = _copied(args)
        got = backward(*args)
        assert_close(args, kept)  # untouched
        for k in range(2):
            assert_close(got[k], gradient(forward, args, k))


@pytest.mark.parametrize("source", [
    '''
    def f(layers, x):
        h = np.maximum(x @ layers[0]["W"] + layers[0]["b"], 0.0)
        return np.sum((h @ layers[-1]["W"] + layers[-1]["b"]) ** 2)
    ''',
    '''
    def f(layers, x):
        for k in range(len(layers)):
            x = np.tanh(x @ layers[k]["W"] + layers[k]["b"]) * (k + 1)
        return np.sum(x * x)
    ''',
    '''
    def f(layers, x):
        for i, layer in enumerate(layers):
            W, b = layer["W"], layer["b"]
            x = np.tanh(x @ W + b)
        return np.sum(x * x) + 0.1 * sum(np.sum(layer["W"] ** 2) for layer in layers)
    ''',
], ids=["indexing", "range-len", "enumerate"])
def test_ways_of_reading_a_list_of_dicts_of_arrays(source):
    source = "import numpy as np\n" + textwrap.dedent(source).lstrip("\n")
    namespace = {}
    exec(source, namespace)
    generated = {}
    exec(backgen.generate(source, name="f", shapes={"layers": [{"W": "3, 4", "b": "4"}, {"W": "4, 2", "b": "2"}],
                                                    "x": "5, 3"}), generated)
    args = [_layer_dicts(3, 4, 2), RNG.normal(size=(5, 3))]
    got = generated["f_backward"](*args)
    for k in range(2):
        assert_close(got[k], gradient(namespace["f"], args, k))


def test_a_list_of_dicts_whose_keys_differ_is_refused_where_the_missing_key_is_read(tmp_path):
    path = tmp_path / "uneven_dicts.py"
    path.write_text(LIST_OF_DICTS)
    import importlib.util
    spec = importlib.util.spec_from_file_location("uneven_dicts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    layers = [{"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=4)}, {"W": RNG.normal(size=(4, 2))}]
    with pytest.raises(backgen.BackgenError, match="has no key 'b'") as info:
        backgen.backward(module.forward).backward(layers, RNG.normal(size=(5, 3)))
    assert info.value.lineno == 7
    with pytest.raises(backgen.BackgenError, match="has no key 'b'") as info:
        backgen.generate(LIST_OF_DICTS, shapes={"layers": [{"W": "3, 4", "b": "4"}, {"W": "4, 2"}], "x": "5, 3"})
    assert info.value.lineno == 7


def _unchanged_objective(forward, douts):
    """``sum(output * dout)`` of ``forward`` run on copies of its arguments (a forward that writes
    into its arrays leaves the oracle's alone)."""
    return weighted(lambda *args: forward(*_copied(list(args))), douts)


def _generated_and_decorated(source, shapes, args, tmp_path, dout=None, name="f", flags=()):
    """The gradients of ``source``'s ``name`` at ``args`` (then the ``flags``, not differentiated) from
    generate (with ``shapes``) and from the decorator, each checked against finite differences, the
    arguments left as they were."""
    from conftest import load_module
    source = "import numpy as np\n" + textwrap.dedent(source).lstrip("\n")
    path = tmp_path / f"{name}_{abs(hash(source))}.py"
    path.write_text(source)
    forward = getattr(load_module(path), name)
    generated = {}
    exec(backgen.generate(source, name=name, shapes=shapes), generated)
    objective = _unchanged_objective(lambda *a: forward(*a, *flags), (1.0 if dout is None else dout,))
    expected = [gradient(objective, args, k) for k in range(len(args))]
    kept = _copied(args)
    upstream = {} if dout is None else {"dout": dout}
    by_source = generated[f"{name}_backward"](*args, *flags, **upstream)
    by_decorator = backgen.backward(forward).backward(*args, *flags, **upstream)
    assert_close(args, kept)  # untouched
    for got in (by_source, by_decorator):
        for k in range(len(args)):
            assert_close(got[k], expected[k])


@pytest.mark.parametrize("source", [
    '''
    def f(p, x):
        W = p['W']
        W = W * 2.0
        return x @ W + x @ p['W']
    ''',
    '''
    def f(p, x, c=True):
        W = p['W']
        if c:
            W = W * 2.0
        return x @ W + x @ p['W']
    ''',
    '''
    def f(p, x):
        W = p['W']
        for i in range(2):
            W = W * 2.0
        return x @ W + x @ p['W']
    ''',
    '''
    def f(p, x):
        W = p['W']
        W, c = W * 2.0, 3.0
        return (x @ W + x @ p['W']) * c
    ''',
    '''
    def f(p, x):
        W = p['W']
        del W
        W = x * 2.0
        return W @ p['W']
    ''',
    '''
    def f(p, x):
        y = x
        x = p['W']
        return y @ (x * p['W'])
    ''',
], ids=["rebound", "rebound-in-if", "rebound-in-loop", "rebound-by-unpacking", "deleted", "a-parameter's-name"])
def test_a_name_given_an_entry_of_a_dict_then_something_else_leaves_the_entry_alone(source, tmp_path):
    # W = p['W'] then W = W * 2.0: p['W'] is still the entry (was: the doubled W, dW = 4 for 3)
    one = np.array([[1.0]])
    _generated_and_decorated(source, {"p": {"W": "1, 1"}, "x": "1, 1"}, [{"W": one.copy()}, one.copy()],
                             tmp_path, dout=one)
    shapes = {"p": {"W": "3, 3"}, "x": "4, 3"}
    _generated_and_decorated(source, shapes, [{"W": RNG.normal(size=(3, 3))}, RNG.normal(size=(4, 3))],
                             tmp_path, dout=RNG.normal(size=(4, 3)))


@pytest.mark.parametrize("source", [
    '''
    def f(params, x):
        W, b = params[0]
        W = W * 2.0
        return np.sum(x @ W + b) + np.sum(x @ params[0][0])
    ''',
    '''
    def f(params, x):
        for W, b in params:
            W = W * 2.0
            x = np.tanh(x @ W + b)
        return np.sum(x) + np.sum(params[0][0] ** 2) + np.sum(params[1][0] ** 2)
    ''',
], ids=["unpacked", "in-a-loop"])
def test_a_name_given_an_array_of_a_list_of_layers_then_something_else_leaves_the_array_alone(source, tmp_path):
    params = layers(3, 4, 2)
    _generated_and_decorated(source, {"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"},
                             [params, RNG.normal(size=(5, 3))], tmp_path)


@pytest.mark.parametrize("source", [
    '''
    def f(p, x):
        W = p['W']
        W *= 2.0
        return np.sum(x @ W + x @ p['W'])
    ''',
    '''
    def f(p, x):
        W = p['W']
        W[0] = W[0] * 3.0
        return np.sum(x @ W + x @ p['W'])
    ''',
    '''
    def f(p, x):
        W = p['W']
        s = np.sum(W.T)
        return np.sum(x @ W) * s + np.sum(x @ p['W'])
    ''',
], ids=["in-place", "written-into", "read-by-attribute"])
def test_a_write_into_an_entry_by_the_name_it_was_given_changes_the_entry(source, tmp_path):
    # as NumPy does: W *= 2 and W[0] = ... write into the array p['W'] holds
    _generated_and_decorated(source, {"p": {"W": "3, 3"}, "x": "4, 3"},
                             [{"W": RNG.normal(size=(3, 3))}, RNG.normal(size=(4, 3))], tmp_path)


@pytest.mark.parametrize("source", [
    '''
    def f(params, x):
        for W, b in params:
            W *= 2.0
            x = np.tanh(x @ W + b)
        return np.sum(x) + np.sum(params[0][0])
    ''',
    '''
    def f(params, x):
        for W, b in params:
            s = np.sum(W.T)
            x = np.tanh(x @ W + b) * s
        return np.sum(x)
    ''',
], ids=["in-place", "read-by-attribute"])
def test_a_write_into_a_layer_by_a_loop_name_changes_that_layer(source, tmp_path):
    # for W, b in params: W *= 2.0 writes into each layer's W (was refused: 'W' used before it is assigned)
    _generated_and_decorated(source, {"params": [("3, 4", "4"), ("4, 2", "2")], "x": "5, 3"},
                             [layers(3, 4, 2), RNG.normal(size=(5, 3))], tmp_path)


class _Rebinding:
    def __init__(self):
        self.params = {"W": RNG.normal(size=(3, 2))}

    def loss(self, X):
        W = self.params["W"]
        W = W * 2.0
        return np.sum(X @ W + X @ self.params["W"])


def test_a_method_rebinding_the_name_of_an_attribute_entry_leaves_the_entry_alone():
    model, X = _Rebinding(), RNG.normal(size=(4, 3))
    dparams, dX = backgen.backward(model.loss).backward(X)
    assert_close(dparams, {"W": 3.0 * X.T @ np.ones((4, 2))})  # was 4 X^T 1
    assert_close(dX, gradient(model.loss, [X], 0))
    assert backgen.gradcheck(model.loss, X) < 1e-6


@pytest.mark.parametrize("source", [
    '''
    def f(p, x, c=True):
        if c:
            W = p['W']
        else:
            W = p['V']
        return np.sum(x @ W)
    ''',
    '''
    def f(p, x, c=True):
        W = p['V']
        if c:
            W = p['W']
        return np.sum(x @ W)
    ''',
    '''
    def f(p, x, c=True):
        W = p['W']
        for i in range(3):
            x = x @ W
            if c:
                W = p['V']
        return np.sum(x)
    ''',
], ids=["if-else", "if", "in-a-loop"])
@pytest.mark.parametrize("c", [True, False])
def test_a_name_given_an_entry_on_some_paths_holds_it_on_those_only(source, c, tmp_path):
    # if c: W = p['W'] else: W = p['V'] (was: W read as p['V'] after the if on both paths)
    _generated_and_decorated(source, {"p": {"W": "3, 3", "V": "3, 3"}, "x": "4, 3"},
                             [{"W": RNG.normal(size=(3, 3)), "V": RNG.normal(size=(3, 3))}, RNG.normal(size=(4, 3))],
                             tmp_path, flags=(c,))


@pytest.mark.parametrize("source", [
    '''
    def f(p, x):
        return np.sum(x @ p[0])
    ''',
    '''
    def f(p, x):
        s = 0.0
        for k in p:
            s = s + np.sum(np.tanh(x @ p[k])) * (k + 1)
        return s
    ''',
], ids=["read-at-0", "iterated"])
def test_a_dict_of_arrays_at_integer_keys_is_differentiated_and_comes_back_as_a_dict(source, tmp_path):
    # p = {0: W} (was: dp a number, 24.0, the arrays' gradient lost)
    p = {0: RNG.normal(size=(3, 2)), 1: RNG.normal(size=(3, 2))}
    _generated_and_decorated(source, {"p": {0: "3, 2", 1: "3, 2"}, "x": "4, 3"}, [p, RNG.normal(size=(4, 3))],
                             tmp_path)
    from conftest import load_module
    path = tmp_path / "integer_keys.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source).lstrip("\n"))
    forward = load_module(path).f
    got, _ = backgen.backward(forward).backward({np.int64(0): np.ones((3, 2))}, np.ones((4, 3)))
    assert list(got) == [0] and got[0].shape == (3, 2)


def test_a_dict_of_arrays_at_other_keys_is_refused(tmp_path):
    from conftest import load_module
    path = tmp_path / "tuple_keys.py"
    path.write_text("import numpy as np\n\ndef f(p, x):\n    return np.sum(x @ p[(0, 1)])\n")
    forward = load_module(path).f
    with pytest.raises(backgen.BackgenError, match=r"dict of arrays with the key \(0, 1\)") as info:
        backgen.backward(forward).backward({(0, 1): np.ones((3, 2))}, np.ones((4, 3)))
    assert info.value.lineno == 3


class _ArrayAttributes:
    def __init__(self):
        self.W = RNG.normal(size=(3, 2))
        self.w = np.array([2.0])
        self.mask = np.array([True, False, True])

    def loss(self, X):
        return np.sum(np.tanh(X @ self.W))

    def scaled(self, X):
        return np.sum(X * self.w)

    def masked(self, X):
        return np.sum(X[:, self.mask] @ self.W[self.mask])


@pytest.mark.parametrize("method, arrays", [("loss", ["W"]), ("scaled", ["w"]), ("masked", ["W"])])
def test_a_method_reading_arrays_as_attributes_is_differentiated_with_respect_to_them(method, arrays):
    # self.W, self.w = np.array([2.]), a mask self.mask (was: ValueError, the truth value of an array; TypeError)
    model, X = _ArrayAttributes(), RNG.normal(size=(4, 3))
    bound = getattr(model, method)
    *dattributes, dX = backgen.backward(bound).backward(X)
    assert len(dattributes) == len(arrays)  # the mask has no gradient
    for name, got in zip(arrays, dattributes):
        def at(value, name=name):
            clone = _ArrayAttributes()
            vars(clone).update(vars(model))
            setattr(clone, name, value)
            return getattr(clone, method)(X)
        assert_close(got, gradient(at, [getattr(model, name)], 0))
    assert_close(dX, gradient(bound, [X], 0))
    assert backgen.gradcheck(bound, X) < 1e-6


@pytest.mark.parametrize("source, args", [
    ('''
    def f(p, x):
        return x @ p['W'] + p['b']
    ''', lambda: [{"W": RNG.normal(size=(3, 2)), "b": RNG.normal(size=2)}, RNG.normal(size=(4, 3))]),
    ('''
    def f(params, x):
        for W, b in params:
            x = np.tanh(x @ W + b)
        return x
    ''', lambda: [layers(3, 4, 2), RNG.normal(size=(4, 3))]),
    ('''
    def f(p, x):
        W = p['W']
        W = W * 2.0
        return x @ W + x @ p['W']
    ''', lambda: [{"W": RNG.normal(size=(3, 2))}, RNG.normal(size=(4, 3))]),
], ids=["dict", "list-of-layers", "rebound"])
def test_a_layer_of_a_dict_or_list_of_arrays(source, args, tmp_path):
    # backgen.layer(f).forward({'W': W}, x) (was: NameError, name 'W' is not defined, in the forward)
    from conftest import load_module
    path = tmp_path / "layer_of_arrays.py"
    path.write_text("import numpy as np\n" + textwrap.dedent(source).lstrip("\n"))
    forward = load_module(path).f
    args = args()
    layer = backgen.layer(forward)
    out, cache = layer.forward(*args)
    assert_close(out, forward(*args))
    dout = RNG.normal(size=out.shape)
    got = layer.backward(dout, cache)
    for k in range(len(args)):
        assert_close(got[k], gradient(weighted(forward, (dout,)), args, k))


def test_keys_that_read_as_the_same_name_give_arrays_of_names_of_their_own(tmp_path):
    # 'W_1' and 'W-1' (was: an internal SyntaxError, the second array named p_W-1)
    source = '''
    def f(p, x):
        return np.sum(p['W_1'] * x) + np.sum(p['W-1'] ** 2) + np.sum(p['W 1'] * p['class'] * p['1'] * x)
    '''
    keys = ["W_1", "W-1", "W 1", "class", "1"]
    p = {k: RNG.normal(size=2) for k in keys}
    _generated_and_decorated(source, {"p": {k: "2" for k in keys}, "x": "2"}, [p, RNG.normal(size=2)], tmp_path)


@pytest.mark.parametrize("source", [
    '''
    def f(p, x):
        s = p['s']
        p['s'] *= 2.0
        return np.sum(x @ p['W']) * s + np.sum(x) * p['s']
    ''',
    '''
    def f(p, x):
        s = p['s']
        p['s'], t = p['s'] * 3.0, 2.0
        return np.sum(x @ p['W']) * s + np.sum(x) * p['s'] * t
    ''',
    '''
    def f(p, x):
        W = p['W']
        p['W'] *= 2.0
        return np.sum(x @ W) + np.sum(x @ p['W']) * p['s']
    ''',
], ids=["number-in-place", "number-by-unpacking", "array-in-place"])
def test_a_key_given_another_value_through_the_dict_leaves_a_name_of_the_old_one_alone(source, tmp_path):
    # s = p['s'] then p['s'] *= 2.0: s is still the old number (was: the doubled one), where the array
    # W = p['W'] then p['W'] *= 2.0 is the same array, written into
    _generated_and_decorated(source, {"p": {"W": "3, 2", "s": "()"}, "x": "4, 3"},
                             [{"W": RNG.normal(size=(3, 2)), "s": 1.5}, RNG.normal(size=(4, 3))], tmp_path)


@pytest.mark.parametrize("source", [
    '''
    def f(p, x, c=True):
        A = p['W']
        if c:
            A = A * 2.0
        A, B = p['V'], A
        return np.sum(np.tanh(A * x) + B * p['W'])
    ''',
    '''
    def f(p, x, c=True):
        A = p['W'] * 2.0
        B = p['V']
        A, B = B, A
        return np.sum(np.tanh(A * x) + B * p['W'])
    ''',
    '''
    def f(p, x, c=True):
        A, B, C = x * 2.0, x * 3.0, p['W']
        A, B, C = B, A, p['V']
        return np.sum(np.tanh(A * x) + B * C + C * p['W'])
    ''',
], ids=["after-an-if", "swapped", "rotated"])
@pytest.mark.parametrize("c", [True, False])
def test_names_given_entries_and_other_values_at_once_get_the_values_as_they_were(source, c, tmp_path):
    # A, B = p['V'], A: B is the A of before the line (was: the entry p['V'], the name being read again
    # after it was given the entry)
    _generated_and_decorated(source, {"p": {"W": "3", "V": "3"}, "x": "3"},
                             [{"W": RNG.normal(size=3), "V": RNG.normal(size=3)}, RNG.normal(size=3)], tmp_path,
                             flags=(c,))


class _ListOfWeights:
    def __init__(self):
        self.Ws = [RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=(3, 3)) * 0.5]  # of one shape
        self.scales = [0.5, 2.0]  # numbers: settings

    def loss(self, X):
        for W, a in zip(self.Ws, self.scales):
            X = np.tanh(X @ W) * a
        return np.sum(X)


def test_a_method_reading_a_list_of_arrays_of_one_shape_as_an_attribute_is_differentiated_with_respect_to_it():
    # self.Ws = [W1, W2] (was: left out as a setting, only dX given back)
    model, X = _ListOfWeights(), RNG.normal(size=(4, 3))
    dWs, dX = backgen.backward(model.loss).backward(X)

    def at(Ws):
        clone = _ListOfWeights()
        clone.Ws, clone.scales = Ws, model.scales
        return clone.loss(X)
    assert_close(dWs, gradient(at, [model.Ws], 0))
    assert_close(dX, gradient(model.loss, [X], 0))
    assert backgen.gradcheck(model.loss, X) < 1e-6


def test_a_refusal_naming_an_array_of_a_dict_by_the_name_backgen_gave_it_says_which_it_is():
    source = '''import numpy as np

def f(p, x):
    W = p['W'].reshape(-1)
    W[0] = 5.0
    return np.sum(x @ p['W'])
'''
    with pytest.raises(backgen.BackgenError, match=r"'p_W' may have been changed .*\(p_W is p\['W'\]\)") as info:
        backgen.generate(source, name="f", shapes={"p": {"W": "2, 2"}, "x": "3, 2"})
    assert info.value.lineno == 6


@pytest.mark.parametrize("body", [
    "q = p\n    q['W'] = q['W'] * 2.0\n    return np.sum(x * p['W'])",
    "q = p\n    p['W'] = p['W'] * 2.0\n    return np.sum(x * q['W'])",
])
def test_an_entry_written_through_another_name_of_the_dict(body):
    # the write was left out as a write of configuration: dW = x, dx = W for 2x, 2W
    source = f"import numpy as np\ndef f(p, x):\n    {body}\n"
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, shapes={"p": {"W": "3"}, "x": "3"}), generated)
    W, x = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0])
    dp, dx = generated["f_backward"]({"W": W.copy()}, x)
    np.testing.assert_allclose(dp["W"], gradient(lambda w: namespace["f"]({"W": w}, x), [W.copy()], 0), rtol=1e-6)
    np.testing.assert_allclose(dx, gradient(lambda v: namespace["f"]({"W": W.copy()}, v), [x], 0), rtol=1e-6)
