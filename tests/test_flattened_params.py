"""A structure of arrays flattened into one vector (autograd's ``flatten(params)``, JAX's
``ravel_pytree(params)``), as autograd's examples write an L2 penalty: the vector of the leaves in
their order (a dict's by its sorted keys), each leaf's elements in C order
(``structured._Rewriter.flattened``).  Gradients against central differences; the generated code is read
from source, so neither autograd nor JAX is needed (a stand-in flattening as they do runs the forward),
and, where autograd is installed, through the decorator with its own ``flatten``.
"""


import numpy as np
import pytest

import backgen
import real_sweep
from numeric import finite_differences, imported


def _flat(value):
    """What autograd's flatten and JAX's ravel_pytree give: the leaves in order (a dict's by sorted key)."""
    if isinstance(value, dict):
        return np.concatenate([_flat(value[k]) for k in sorted(value)])
    if isinstance(value, (list, tuple)):
        return np.concatenate([_flat(v) for v in value])
    return np.ravel(value)


def _stand_in(value):
    return _flat(value), None


def _run(text, shapes, args, name="f"):
    """The generated backward of ``text`` at ``args`` and central differences of its forward, run with
    the stand-in flattening."""
    module = backgen.generate(text, shapes=shapes)
    namespace = {}
    exec(module, namespace)
    got = namespace[f"{name}_backward"](*args)
    forward = {"flatten": _stand_in, "ravel_pytree": _stand_in, "np": np}
    exec("\n".join(line for line in text.splitlines() if not line.startswith(("import", "from"))), forward)
    return got, forward[name]


SOURCE = '''
import numpy as np
from autograd.misc import flatten


def f(params, x):
    v, _ = flatten(params)
    return np.sum(np.sin(v) * np.arange(1.0, v.size + 1)) + v[0] * x
'''


def test_a_dict_flattened_by_its_sorted_keys():
    rng = np.random.default_rng(1)
    params = {"b": rng.normal(size=3), "W": rng.normal(size=(2, 3)), "a": rng.normal(size=2)}
    got, forward = _run(SOURCE, {"params": {"b": "3", "W": "2, 3", "a": "2"}, "x": float}, [params, 0.7])
    want = finite_differences(forward, [params, 0.7], [0, 1], (1.0,))
    assert list(got[0]) == ["b", "W", "a"]  # (the gradient keyed as the dict is)
    for key in params:
        np.testing.assert_allclose(got[0][key], want[0][key], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-6)


def test_jax_ravel_pytree_of_a_list_of_layers():
    text = SOURCE.replace("from autograd.misc import flatten", "from jax.flatten_util import ravel_pytree") \
        .replace("flatten(params)", "ravel_pytree(params)")
    rng = np.random.default_rng(2)
    params = [(rng.normal(size=(2, 2)), rng.normal(size=2)), (rng.normal(size=(2, 1)), rng.normal(size=1))]
    got, forward = _run(text, {"params": [("2, 2", "2"), ("2, 1", "1")], "x": float}, [params, -0.4])
    want = finite_differences(forward, [params, -0.4], [0, 1], (1.0,))
    for (gW, gb), (wW, wb) in zip(got[0], want[0]):
        np.testing.assert_allclose(gW, wW, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gb, wb, rtol=1e-5, atol=1e-6)


def test_the_function_putting_a_vector_back_is_refused():
    text = SOURCE.replace("v, _ = flatten(params)", "v, unflatten = flatten(params)\n    p = unflatten(v)")
    with pytest.raises(backgen.BackgenError, match="unflatten"):
        backgen.generate(text, shapes={"params": {"W": "2, 3"}, "x": float})


def test_autograds_neural_net_example_with_its_own_flatten():
    pytest.importorskip("autograd")
    names = imported(real_sweep.CASES["autograd_neural_net_flatten"][0], "flattened")  # (the example as written)
    rng = np.random.default_rng(3)
    params = [(rng.normal(size=(4, 5)) * 0.5, rng.normal(size=5)), (rng.normal(size=(5, 3)) * 0.5, rng.normal(size=3))]
    inputs, targets = rng.normal(size=(6, 4)), np.eye(3)[[0, 1, 2, 1, 0, 2]]
    got = backgen.backward(names["log_posterior"], wrt=("params",)).backward(params, inputs, targets, 0.1)
    want = finite_differences(names["log_posterior"], [params, inputs, targets, 0.1], [0], (1.0,))[0]
    for (gW, gb), (wW, wb) in zip(got, want):
        np.testing.assert_allclose(gW, wW, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gb, wb, rtol=1e-5, atol=1e-6)


def test_a_dict_of_integer_keys_flattened_in_their_order():
    # (sorted as numbers, 2 before 10, as autograd sorts them)
    rng = np.random.default_rng(4)
    params = {10: rng.normal(size=2), 2: rng.normal(size=3)}
    got, forward = _run(SOURCE, {"params": {10: "2", 2: "3"}, "x": float}, [params, 0.3])
    want = finite_differences(forward, [params, 0.3], [0, 1], (1.0,))
    for key in params:
        np.testing.assert_allclose(got[0][key], want[0][key], rtol=1e-5, atol=1e-6)
