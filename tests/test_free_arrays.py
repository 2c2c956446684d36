"""Arrays a decorated function reads from its module or closure (data loaded at module level, a
``make_loss(X, y)`` closure, a lambda objective passing them on): read as inputs it is not given,
never differentiated, their values those of each call (``backgen.free_arrays``).  Gradients against
central differences."""

import numpy as np
import pytest

import backgen
from numeric import finite_differences, module_in, scratch_folder

MODULE = '''
import numpy as np
import backgen

rng = np.random.default_rng(0)
inputs = rng.normal(size=(5, 3))
targets = rng.normal(size=5)
mask = np.array([True, False, True, True, False])
labels = np.array([0, 2, 1, 1, 0])


def loss(w):
    return np.sum((inputs @ w - targets) ** 2)


def loss_of(w, X, t):
    return np.sum((X @ w - t) ** 2)


objective = lambda w: loss_of(w, inputs, targets) + 0.1 * np.sum(w ** 2)


def regularised(w, reg=0.1):
    """A default after the module's arrays are read: (w, reg) differentiated."""
    return loss_of(w, inputs, targets) + reg * np.sum(w ** 2)


def masked(w):
    r = np.tanh(inputs @ w) - targets
    return np.sum(r[mask] ** 2)


def picked(W):
    scores = inputs @ W
    return np.sum(scores[np.arange(5), labels])


def make_loss(X, y):
    def loss(w):
        return np.mean(np.log1p(np.exp(-y * (X @ w))))
    return loss


@backgen.backward
def decorated_above_its_data(w):
    return np.sum(np.sin(below @ w))


below = np.linspace(0.1, 1.2, 6).reshape(2, 3)
'''


@pytest.fixture(scope="module")
def module():
    return module_in(scratch_folder("free_arrays"), MODULE, "free_arrays_data")


def _check(func, args, wrt=(0,)):
    decorated = func if hasattr(func, "backward") else backgen.backward(func)
    got = decorated.backward(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(func, list(args), list(wrt), (1.0,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    return decorated


W0 = np.array([0.3, -0.2, 0.5])


@pytest.mark.parametrize("name", ["loss", "objective", "masked", "decorated_above_its_data"])
def test_module_arrays_read_as_inputs(module, name):
    decorated = _check(getattr(module, name), [W0])
    assert decorated.wrt == ("w",)


def test_a_default_after_them_is_differentiated_too(module):
    decorated = _check(module.regularised, [W0, 0.3], wrt=(0, 1))
    assert decorated.wrt == ("w", "reg")


def test_integer_labels_of_the_module_index(module):
    W = np.random.default_rng(1).normal(size=(3, 3))
    _check(module.picked, [W])


def test_a_closure_over_data(module):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(6, 3)), np.sign(rng.normal(size=6))
    _check(module.make_loss(X, y), [W0])


def test_each_call_reads_the_arrays_as_they_are_then(module):
    decorated = backgen.backward(module.loss)
    before = module.inputs
    try:
        module.inputs = before * 2.0  # new values, same shape
        _check(decorated, [W0])
        module.inputs = before[:, :2].copy()  # another shape: code for it
        _check(decorated, [W0[:2].copy()])
        module.inputs = "not an array"
        with pytest.raises(backgen.BackgenError, match="inputs held an array of numbers .* it is a str now"):
            decorated.backward(W0)
    finally:
        module.inputs = before


def test_the_arrays_are_left_unchanged(module):
    before = module.inputs.copy()
    backgen.backward(module.objective).backward(W0)
    np.testing.assert_array_equal(module.inputs, before)
