"""A student's whole ``layers.py`` through the command line, every layer written as students of CS231n
write them: docstrings, ``out = None``, dicts of settings, a layer norm made of the batch norm
(``bn_param = {"mode": "train", "axis": 1, **ln_param}``, ``[gamma, beta] = np.atleast_2d(gamma, beta)``,
the batch norm called on transposes), dropout keeping its settings in its cache, a group norm caching
``x``.  Each layer's generated backward, handed the cache the student's forward built, is checked
against central finite differences of sum(out * dout)."""

import numpy as np
import pytest

from backgen import cli
from numeric import finite_differences, module_in

LAYERS = '''
import numpy as np


def affine_forward(x, w, b):
    """
    Inputs:
    - x: input data, of shape (N, d_1, ..., d_k)
    - w: weights, of shape (D, M)
    - b: biases, of shape (M,)
    """
    out = None
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def relu_forward(x):
    """
    - x: Inputs, of any shape
    """
    out = None
    out = np.maximum(0, x)
    cache = x
    return out, cache


def batchnorm_forward(x, gamma, beta, bn_param):
    """
    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    - bn_param: Dictionary with mode, and optionally eps, momentum, running_mean, running_var, axis
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0) + eps
        std = np.sqrt(var)
        z = (x - mu) / std
        out = gamma * z + beta
        axis = bn_param.get("axis", 0)  # (1 where the layer norm calls it on transposes)
        cache = x, mu, var, std, gamma, z, axis
        if axis == 0:
            running_mean = momentum * running_mean + (1 - momentum) * mu
            running_var = momentum * running_var + (1 - momentum) * std ** 2
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def layernorm_forward(x, gamma, beta, ln_param):
    """
    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift parameter of shape (D,)
    - ln_param: Dictionary with eps
    """
    out, cache = None, None
    bn_param = {"mode": "train", "axis": 1, **ln_param}
    [gamma, beta] = np.atleast_2d(gamma, beta)
    out, cache = batchnorm_forward(x.T, gamma.T, beta.T, bn_param)
    out = out.T
    return out, cache


def dropout_forward(x, dropout_param):
    """
    - x: Input data, of any shape
    - dropout_param: Dictionary with p, mode and optionally seed
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    mask = None
    out = None
    if mode == "train":
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
    elif mode == "test":
        out = x
    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def spatial_batchnorm_forward(x, gamma, beta, bn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (C,)
    - beta: Shift parameter, of shape (C,)
    """
    out, cache = None, None
    N, C, H, W = x.shape
    x = np.moveaxis(x, 1, -1).reshape(-1, C)
    out, cache = batchnorm_forward(x, gamma, beta, bn_param)
    out = np.moveaxis(out.reshape(N, H, W, C), -1, 1)
    return out, cache


def spatial_groupnorm_forward(x, gamma, beta, G, gn_param):
    """
    - x: Input data of shape (N, C, H, W)
    - gamma: Scale parameter, of shape (1, C, 1, 1)
    - beta: Shift parameter, of shape (1, C, 1, 1)
    - G: Integer number of groups to split into, a divisor of C
    - gn_param: Dictionary with eps
    """
    out, cache = None, None
    eps = gn_param.get("eps", 1e-5)
    N, C, H, W = x.shape
    grouped = np.reshape(x, (N, G, C // G, H, W))
    mean = np.mean(grouped, axis=(2, 3, 4), keepdims=True)
    var = np.var(grouped, axis=(2, 3, 4), keepdims=True)
    normed = (grouped - mean) / np.sqrt(var + eps)
    x_norm = np.reshape(normed, (N, C, H, W))
    out = x_norm * gamma + beta
    cache = (G, x, x_norm, mean, var, gamma, eps)
    return out, cache
'''

RNG = np.random.default_rng(11)
CASES = [  # (layer, its arguments, the positions differentiated)
    ("affine_forward", [RNG.normal(size=(4, 2, 3)), RNG.normal(size=(6, 3)), RNG.normal(size=3)], [0, 1, 2]),
    ("relu_forward", [RNG.normal(size=(3, 5))], [0]),
    ("batchnorm_forward", [RNG.normal(size=(4, 5)), RNG.normal(size=5), RNG.normal(size=5), {"mode": "train"}],
     [0, 1, 2]),
    ("layernorm_forward", [RNG.normal(size=(4, 5)), RNG.normal(size=5), RNG.normal(size=5), {"eps": 1e-5}],
     [0, 1, 2]),
    ("layernorm_forward", [RNG.normal(size=(5, 5)), RNG.normal(size=5), RNG.normal(size=5), {}], [0, 1, 2]),
    ("dropout_forward", [RNG.normal(size=(4, 5)), {"p": 0.5, "mode": "train", "seed": 3}], [0]),
    ("dropout_forward", [RNG.normal(size=(2, 3, 4)), {"p": 0.5, "mode": "test"}], [0]),
    ("spatial_batchnorm_forward", [RNG.normal(size=(2, 3, 4, 4)), RNG.normal(size=3), RNG.normal(size=3),
                                   {"mode": "train"}], [0, 1, 2]),
    ("spatial_groupnorm_forward", [RNG.normal(size=(2, 4, 3, 3)), RNG.normal(size=(1, 4, 1, 1)),
                                   RNG.normal(size=(1, 4, 1, 1)), 2, {"eps": 1e-5}], [0, 1, 2]),
]


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    forward = module_in(folder, LAYERS, "layers")
    out = folder / "layers_backward.py"
    assert cli.main([str(folder / "layers.py"), "-o", str(out)]) == 0
    return forward, module_in(folder, out.read_text(), "layers_generated")


def _copied(args):
    return [dict(a) if isinstance(a, dict) else a.copy() if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_each_layer_of_the_file_against_central_differences(modules, case):
    forward, backward = modules
    name, args, wrt = CASES[case]
    layer = getattr(forward, name)
    out, cache = layer(*_copied(args))
    dout = np.random.default_rng(case).normal(size=out.shape)
    got = getattr(backward, name.replace("_forward", "_backward"))(dout.copy(), cache)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: layer(*_copied(a))[0], args, wrt, [dout])
    assert len(got) == len(wrt)
    for have, expected in zip(got, want):
        assert np.shape(have) == np.shape(expected)
        np.testing.assert_allclose(have, expected, rtol=1e-5, atol=1e-7)


def test_the_layer_norm_calls_a_batch_norm_backward_written_for_its_transposes(modules):
    text = open(modules[1].__file__).read()
    layer_norm = text.split("def layernorm_backward")[1].split("\ndef ")[0]
    assert "batchnorm_backward_for_layernorm(dout, cache)" in layer_norm
    assert "dx = dxT.T" in layer_norm
