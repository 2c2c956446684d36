"""Functions a file imports from the user's other files (CS231n's ``layer_utils.py``: ``from layers import
*``; its classifiers: ``from ..layer_utils import *``), read from those files by the command line and by
``generate`` given the file's path: each backward checked against central finite differences."""

import textwrap

import numpy as np
import pytest

import backgen
from backgen import cli
from numeric import finite_differences

LAYERS = '''
import numpy as np

__all__ = ["affine_forward", "relu_forward", "softmax_loss"]


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x
    return out, cache


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N


def hidden_helper(x):
    return x * 2.0
'''

LAYER_UTILS = '''
from {dots}layers import *


def affine_relu_forward(x, w, b):
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache
'''

LOSS = '''
import numpy as np

from {dots}layers import {names}
from {dots}layer_utils import affine_relu_forward


def two_layer_loss(X, y, W1, b1, W2, b2):
    hidden, cache_h = affine_relu_forward(X, W1, b1)
    scores, cache_s = affine_forward(hidden, W2, b2)
    loss, dscores = softmax_loss(scores, y)
    return loss + 0.05 * (np.sum(W1 * W1) + np.sum(W2 * W2))
'''


def _files(tmp_path, package):
    """layers.py and layer_utils.py beside each other, and the loss beside them or in a package below."""
    (tmp_path / "layers.py").write_text(LAYERS)
    (tmp_path / "layer_utils.py").write_text(LAYER_UTILS.format(dots="." if package else ""))
    if package:
        (tmp_path / "__init__.py").write_text("")
        (tmp_path / "classifiers").mkdir()
        (tmp_path / "classifiers" / "__init__.py").write_text("")
        loss = tmp_path / "classifiers" / "two_layer.py"
        loss.write_text(LOSS.format(dots="..", names="*"))
    else:
        loss = tmp_path / "two_layer.py"
        loss.write_text(LOSS.format(dots="", names="affine_forward, softmax_loss"))
    return loss


def _ran(tmp_path, path, *options):
    out = tmp_path / f"{path.stem}_generated.py"
    assert cli.main([str(path), *options, "-o", str(out)]) == 0
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    return namespace, out.read_text()


@pytest.mark.parametrize("package", [False, True], ids=["beside", "package"])
def test_a_layer_of_layers_imported_from_a_file_beside(tmp_path, monkeypatch, package):
    _files(tmp_path, package)
    generated, text = _ran(tmp_path, tmp_path / "layer_utils.py", "--function", "affine_relu_forward")
    assert "da = relu_backward(dout, relu_cache)" in text and "dx, dw, db = affine_backward(da, fc_cache)" in text
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "plain_utils.py").write_text(LAYER_UTILS.format(dots=""))
    import importlib
    forward = importlib.import_module("plain_utils").affine_relu_forward
    rng = np.random.default_rng(0)
    args = [rng.normal(size=(3, 2, 2)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    out, cache = forward(*args)
    dout = rng.normal(size=out.shape)
    got = generated["affine_relu_backward"](dout, cache)
    want = finite_differences(lambda *a: forward(*a)[0], args, range(3), [dout])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("package", [False, True], ids=["beside", "package"])
def test_a_loss_calling_imported_layers(tmp_path, monkeypatch, package):
    path = _files(tmp_path, package)
    generated, _ = _ran(tmp_path, path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "plain_layer_utils.py").write_text(LAYER_UTILS.format(dots=""))  # (the oracle's: no package to
    namespace = {}  # import from, layer_utils.py of the package importing .layers)
    exec(compile(textwrap.dedent(LOSS.format(dots="", names="*")).replace("from layer_utils", "from plain_layer_utils"),
                 "<loss>", "exec"), namespace)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0])
    params = [rng.normal(size=(4, 6)), rng.normal(size=6), rng.normal(size=(6, 3)), rng.normal(size=3)]
    got = generated["two_layer_loss_backward"](X, y, *params)
    want = finite_differences(lambda X, *p: namespace["two_layer_loss"](X, y, *p), [X, *params], range(5), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_a_source_given_as_text_has_no_files_beside_it(tmp_path):
    """generate() reads text, which names no folder: the imported layers are unknown, said so."""
    path = _files(tmp_path, False)
    with pytest.raises(backgen.BackgenError, match="unknown function 'affine_relu_forward'"):
        backgen.generate(path.read_text(), name="two_layer_loss")


@pytest.mark.parametrize("layer_utils, match", [
    # a function __all__ leaves out is not imported
    ("from layers import *\n\ndef f(x):\n    return hidden_helper(x)\n", "unknown function 'hidden_helper'"),
    # the file's own def after the import is the one called
    ("from layers import relu_forward\n\ndef relu_forward(x):\n    return x * 3.0, x\n\ndef f(x):\n"
     "    out, _ = relu_forward(x)\n    return out\n", None),
    # an import after the file's own def replaces it
    ("def affine_forward(x, w, b):\n    return x * 10.0, x\n\nfrom layers import *\n\ndef relu_forward(x):\n"
     "    return x * 3.0, x\n\ndef f(x):\n    a, _ = affine_forward(x, np.eye(2), 0.0)\n"
     "    out, _ = relu_forward(a)\n    return out\n", None),
])
def test_what_an_import_brings(tmp_path, layer_utils, match):
    (tmp_path / "layers.py").write_text(LAYERS)
    path = tmp_path / "utils.py"
    path.write_text("import numpy as np\n" + layer_utils)
    out = tmp_path / "utils_generated.py"
    status = cli.main([str(path), "--function", "f", "-o", str(out)])
    if match is not None:
        assert status == 1 and not out.exists()
        return
    assert status == 0
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    x = np.array([[0.5, -1.0]])
    np.testing.assert_allclose(namespace["f_backward"](x, np.ones((1, 2))), 3.0 * np.ones((1, 2)))


@pytest.mark.parametrize("spelled", ["import layers as L", "import layers"])
def test_functions_called_as_attributes_of_a_module_imported_whole(tmp_path, spelled):
    (tmp_path / "layers.py").write_text(LAYERS)
    module = "L" if " as " in spelled else "layers"
    path = tmp_path / "whole.py"
    path.write_text(f'''import numpy as np
{spelled}


def affine_relu_forward(x, w, b):
    a, fc_cache = {module}.affine_forward(x, w, b)
    out, relu_cache = {module}.relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def f(x, w, b):
    out, _ = affine_relu_forward(x, w, b)
    return np.sum(out ** 2)
''')
    generated, text = _ran(tmp_path, path)
    assert "da = relu_backward(dout, relu_cache)" in text
    namespace = {}
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile(path.read_text(), str(path), "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
    rng = np.random.default_rng(6)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got = generated["f_backward"](*args)
    want = finite_differences(namespace["f"], args, range(3), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)


def test_the_decorator_follows_calls_of_a_module_imported_whole(tmp_path, monkeypatch):
    (tmp_path / "layers_whole.py").write_text(LAYERS)
    (tmp_path / "whole_user.py").write_text('''import numpy as np
import layers_whole as L


def f(x, w, b):
    a, _ = L.affine_forward(x, w, b)
    out, _ = L.relu_forward(a)
    return np.sum(out ** 2)
''')
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    f = importlib.import_module("whole_user").f
    rng = np.random.default_rng(7)
    args = [rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)]
    got = backgen.backward(f).backward(*args)
    want = finite_differences(f, args, range(3), [1.0])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
