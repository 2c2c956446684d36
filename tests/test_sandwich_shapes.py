"""A layer built of layers (CS231n's ``out, cache = batchnorm_forward(...)`` inside ``layernorm_forward``)
whose layers are called with arrays of other shapes than they declare, through reshapes and transposes
of its arguments, with settings it reads or writes out itself: each backward, handed the cache the
user's forward built, checked against central finite differences of sum(out * dout); a layer's backward
written for the shapes a caller gives it (declaring none, or others) is named apart from the layer's own,
and a layer called with other shapes than it declares, and with others again at another call, is refused
at its line."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen import cli
from numeric import finite_differences

BATCHNORM = '''
import numpy as np

def batchnorm_forward(x, gamma, beta, bn_param):
    {doc}mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_norm = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_norm + beta
        cache = (x, x_norm, mu, var, gamma, beta, eps)
    else:
        raise ValueError(mode)
    return out, cache
'''

DECLARED = '''"""
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    """
    '''

LAYERNORMS = {
    # CS231n's layer norm through batch norm: settings read and written out, arguments transposed inline
    "inline": '''
def layernorm_forward(x, gamma, beta, ln_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    bn_param = {"mode": "train", "eps": eps}
    out, cache = batchnorm_forward(x.T, gamma.reshape(-1, 1), beta.reshape(-1, 1), bn_param)
    out = out.T
    return out, cache
''',
    "named": '''
def layernorm_forward(x, gamma, beta, ln_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    """
    xT = x.T
    g = gamma.reshape(-1, 1)
    b = beta.reshape(-1, 1)
    out, cache = batchnorm_forward(xT, g, b, {"mode": "train"})
    out = out.T
    return out, cache
''',
}
LAYERNORMS["parameter"] = LAYERNORMS["named"].replace(  # (the settings the caller's own)
    "def layernorm_forward(x, gamma, beta, ln_param):", "def layernorm_forward(x, gamma, beta, bn_param):").replace(
    'batchnorm_forward(xT, g, b, {"mode": "train"})', "batchnorm_forward(xT, g, b, bn_param)")


def _layer_check(source, name, args, settings):
    namespace = {}
    exec(compile(source, "<forward>", "exec"), namespace)
    forward = namespace[name]
    generated = {}
    exec(compile(backgen.generate(source, name=name), "<backward>", "exec"), generated)
    out, cache = forward(*[a.copy() for a in args], dict(settings))
    dout = np.random.default_rng(3).normal(size=out.shape)
    got = generated[name.replace("_forward", "_backward")](dout.copy(), cache)
    want = finite_differences(lambda *a: forward(*[v.copy() for v in a], dict(settings))[0], list(args),
                              range(len(args)), [dout])
    _assert_each_close(got, want)


def _assert_each_close(got, want):
    """Each gradient of ``got`` of the shape and, to 1e-5, the values of ``want``'s."""
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def _through_the_command_line(folder, source):
    """The namespaces of ``source``, written as a file into ``folder``, and of the module the command line
    writes from it (its text under ``__text__``)."""
    path = folder / "layers.py"
    path.write_text(source)
    out = folder / "layers_backward.py"
    assert cli.main([str(path), "-o", str(out)]) == 0
    forward, backward = {}, {"__text__": out.read_text()}
    exec(compile(path.read_text(), str(path), "exec"), forward)
    exec(compile(out.read_text(), str(out), "exec"), backward)
    return forward, backward


@pytest.mark.parametrize("size", [(4, 5), (5, 5)])
@pytest.mark.parametrize("how", sorted(LAYERNORMS))
def test_layer_norm_through_a_batch_norm_declaring_no_shapes(how, size):
    source = BATCHNORM.format(doc="") + LAYERNORMS[how]
    rng = np.random.default_rng(1)
    args = [rng.normal(size=size), rng.normal(size=size[1]), rng.normal(size=size[1])]
    _layer_check(source, "layernorm_forward", args, {"eps": 1e-5, "mode": "train"})
    text = backgen.generate(source, name="layernorm_forward")
    assert "dx = dxT.T" in text and "_unbroadcast" not in text


@pytest.mark.parametrize("size", [(4, 5), (5, 5)])
@pytest.mark.parametrize("how", sorted(LAYERNORMS))
def test_a_layer_called_with_shapes_it_does_not_declare_gets_a_backward_for_them(how, size):
    """batchnorm_forward declares gamma (D,) and is handed (D, 1): its own backward sums dbeta over rows that
    are not there (a wrong gradient where N == D, a crash elsewhere); the layer norm calls one written for
    the shapes it hands it, named for it."""
    source = BATCHNORM.format(doc=DECLARED) + LAYERNORMS[how]
    rng = np.random.default_rng(4)
    args = [rng.normal(size=size), rng.normal(size=size[1]), rng.normal(size=size[1])]
    _layer_check(source, "layernorm_forward", args, {"eps": 1e-5, "mode": "train"})
    text = backgen.generate(source, name="layernorm_forward")
    assert "batchnorm_backward_for_layernorm(dout, cache)" in text


TWO_CALLS = BATCHNORM.format(doc=DECLARED) + '''
def two_norms_forward(x, gamma, beta, bn_param):
    """
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    """
    a, cache_a = batchnorm_forward(x, gamma, beta, bn_param)
    b, cache_b = batchnorm_forward(a.T, gamma.reshape(-1, 1), beta.reshape(-1, 1), bn_param)
    cache = (cache_a, cache_b)
    return b, cache
'''


def test_a_layer_called_with_other_shapes_at_each_of_two_calls_is_refused():
    """One backward of a layer serves one set of shapes: a layer called with its own and with others is
    refused at its call, naming it."""
    with pytest.raises(backgen.BackgenError, match=r"batchnorm_forward\(\) is called here with arrays of other "
                                                   r"shapes than it declares, and of other shapes at another call"):
        backgen.generate(TWO_CALLS, name="two_norms_forward")


def test_the_file_holds_the_layers_own_backward_and_the_one_written_for_its_caller(tmp_path):
    """The command line writes batchnorm_backward (for the shapes batchnorm_forward declares) and
    batchnorm_backward_for_layernorm (for those the layer norm hands it): each right for its own."""
    forward, backward = _through_the_command_line(tmp_path, BATCHNORM.format(doc=DECLARED) + LAYERNORMS["inline"])
    rng = np.random.default_rng(6)
    x, gamma, beta = rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5)
    for name, settings in [("batchnorm", {"mode": "train"}), ("layernorm", {"eps": 1e-5})]:
        result, cache = forward[f"{name}_forward"](x.copy(), gamma.copy(), beta.copy(), dict(settings))
        dout = rng.normal(size=result.shape)
        got = backward[f"{name}_backward"](dout.copy(), cache)
        want = finite_differences(lambda *a: forward[f"{name}_forward"](*[v.copy() for v in a], dict(settings))[0],
                                  [x, gamma, beta], range(3), [dout])
        _assert_each_close(got, want)


CLASHING = '''
import numpy as np

def scale_forward(x, g):
    out = x * g
    cache = (x, g)
    return out, cache

def col_scale_forward(x, g):
    """
    - x: of shape (N, D)
    - g: of shape (N,)
    """
    out, cache = scale_forward(x, g.reshape(-1, 1))
    return out, cache
'''


def test_a_layer_written_for_its_callers_shapes_beside_its_own(tmp_path):
    """The file's scale_backward (for every shape) and the one col_scale_backward calls (for g of shape
    (N, 1)) were one name: the module kept one, and scale_backward returned dg of shape (N, 1) for a g of
    shape (D,)."""
    forward, backward = _through_the_command_line(tmp_path, textwrap.dedent(CLASHING))
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3))
    for name, g in [("scale", rng.normal(size=3)), ("col_scale", rng.normal(size=4))]:
        result, cache = forward[f"{name}_forward"](x.copy(), g.copy())
        dout = rng.normal(size=result.shape)
        got = backward[f"{name}_backward"](dout.copy(), cache)
        want = finite_differences(lambda a, b: forward[f"{name}_forward"](a.copy(), b.copy())[0], [x, g],
                                  range(2), [dout])
        _assert_each_close(got, want)
    assert "scale_backward_for_col_scale(dout, cache)" in backward["__text__"]


def test_layers_declaring_any_rank_serve_a_sandwich_declaring_its_shapes():
    """relu_forward's x "of any shape" and affine_forward's "(N, d_1, ..., d_k)" hold for the arrays a
    sandwich declaring (N, D) gives them: no refusal for those."""
    source = textwrap.dedent('''
    import numpy as np

    def affine_forward(x, w, b):
        """
        - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
        - w: A numpy array of weights, of shape (D, M)
        - b: A numpy array of biases, of shape (M,)
        """
        out = x.reshape(x.shape[0], -1).dot(w) + b
        cache = (x, w, b)
        return out, cache

    def relu_forward(x):
        """
        - x: Inputs, of any shape
        """
        out = np.maximum(0, x)
        cache = x
        return out, cache

    def affine_relu_forward(x, w, b):
        """
        - x: Input of shape (N, D)
        - w: weights of shape (D, M)
        - b: biases of shape (M,)
        """
        a, fc_cache = affine_forward(x, w, b)
        out, relu_cache = relu_forward(a)
        cache = (fc_cache, relu_cache)
        return out, cache
    ''')
    namespace, generated = {}, {}
    exec(compile(source, "<forward>", "exec"), namespace)
    text = backgen.generate(source, name="affine_relu_forward")
    exec(compile(text, "<backward>", "exec"), generated)
    rng = np.random.default_rng(5)
    args = [rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)]
    out, cache = namespace["affine_relu_forward"](*args)
    dout = rng.normal(size=out.shape)
    got = generated["affine_relu_backward"](dout, cache)
    want = finite_differences(lambda *a: namespace["affine_relu_forward"](*a)[0], args, range(3), [dout])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    assert "da = relu_backward(dout, relu_cache)" in text
