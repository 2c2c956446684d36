"""Modern layers written in NumPy: mixture-of-experts routers (top-k by ``np.argsort`` and ``np.sort``,
thresholds counted from the end, masks of the experts available), masked softmaxes with boolean masks
given as parameters, RMSNorm computing in another precision and casting back to the dtype it kept, and
group norm reshaping its parameters to a shape joined from tuples under a name of its own.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes) and by the decorator.
"""

import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, generated_backward, imported

R = np.random.default_rng(3)
MASK = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True],
                 [True, False, False, True], [False, True, True, True]])


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _shapes(args, names):
    """The shapes of ``args`` as ``generate`` takes them ("float", "int", "3, 4", "bool 5, 4")."""
    kinds = {"f": "", "i": "int ", "b": "bool "}
    return {n: "float" if isinstance(a, float) else "int" if isinstance(a, int) else
            kinds[a.dtype.kind] + ", ".join(map(str, a.shape)) for n, a in zip(names, args)}


def assert_right(source, args, name="f"):
    """generate without shapes, with shapes, and the decorator give central differences' gradients for the
    float parameters."""
    source = "import numpy as np\n" + textwrap.dedent(source)
    func = imported(source, "moe_hunt")[name]
    positions = _floats(args)
    names = tuple(list(inspect.signature(func).parameters)[k] for k in positions)
    dout = R.uniform(-1, 1, np.shape(func(*[np.copy(a) for a in args])))
    want = finite_differences(lambda *v: func(*[np.copy(a) for a in v]), list(args), positions, (dout,))
    for shapes in (None, _shapes(args, inspect.signature(func).parameters)):
        got = generated_backward(source, args, name, shapes, names, dout)
        got = got if len(positions) > 1 else (got,)
        for g, w in zip(got, want):
            assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)
    with np.errstate(all="ignore"):
        got = backgen.backward(func, wrt=names).backward(*[np.copy(a) for a in args], dout=dout)
    got = got if len(positions) > 1 else (got,)
    for g, w in zip(got, want):
        assert_close(np.asarray(g, dtype=float), w, rtol=1e-5, atol=1e-6)


def test_an_rmsnorm_casting_back_to_the_dtype_it_kept_under_a_name():
    assert_right('''
        def f(hidden_states, weight, eps=1e-6):
            input_dtype = hidden_states.dtype
            hidden_states = hidden_states.astype(np.float64)
            variance = np.mean(hidden_states ** 2, axis=-1, keepdims=True)
            hidden_states = hidden_states / np.sqrt(variance + eps)
            return weight * hidden_states.astype(input_dtype)
    ''', [R.uniform(-1, 1, (2, 3, 6)), R.uniform(0.5, 1.5, 6)])


def test_a_dtype_name_in_a_helper():
    assert_right('''
        def rms(x, g):
            dtype = x.dtype
            y = x.astype(np.float64)
            return (g * y / np.sqrt((y * y).mean(-1, keepdims=True) + 1e-5)).astype(dtype)

        def f(x, g, w):
            return rms(x, g) @ w
    ''', [R.uniform(-1, 1, (3, 4)), R.uniform(0.5, 1.5, 4), R.uniform(-1, 1, (4, 2))])


def test_a_threshold_counted_from_the_end_by_a_negated_parameter():
    logits = np.array([[0.1, 0.9, 0.5, -0.3], [0.7, -0.2, 0.3, 1.1], [0.0, 0.4, 0.8, -0.6]])
    assert_right('''
        def f(logits, k):
            out = logits.copy()
            thresh = np.sort(logits, axis=-1)[..., -k, None]
            out[out < thresh] = -np.inf
            e = np.exp(out - out.max(-1, keepdims=True))
            return e / e.sum(-1, keepdims=True)
    ''', [logits, 2])


def test_a_boolean_mask_parameter_inverted_to_fill_a_softmax():
    assert_right('''
        def f(x, mask):
            x = x.copy()
            x[~mask] = -np.inf
            x -= x.max(axis=-1, keepdims=True)
            e = np.exp(x)
            return e / e.sum(axis=-1, keepdims=True)
    ''', [R.uniform(-1, 1, (5, 4)), MASK])


def test_the_experts_available_as_a_boolean_mask_of_columns():
    assert_right('''
        def f(logits, available):
            logits = logits.copy()
            logits[:, ~available] = -1e9
            p = np.exp(logits - logits.max(1, keepdims=True))
            return p / p.sum(1, keepdims=True)
    ''', [R.uniform(-1, 1, (5, 4)), np.array([True, False, True, True])])


def test_a_mask_parameter_combined_with_a_causal_mask_under_its_own_name():
    assert_right('''
        def f(x, mask, causal=True):
            T = x.shape[-1]
            if causal:
                mask = mask & (np.tril(np.ones((T, T))) > 0)
            x = np.where(mask, x, -np.inf)
            x = x - x.max(-1, keepdims=True)
            return np.exp(x) / np.exp(x).sum(-1, keepdims=True)
    ''', [R.uniform(-1, 1, (4, 4)), np.array([[True, True, False, True]] * 4)])


def test_indices_found_by_np_nonzero_in_a_loop_over_experts_are_refused_at_the_line_with_a_way_out():
    source = '''
        import numpy as np

        def f(x, logits, W):
            top = np.argmax(logits, axis=1)
            y = np.zeros((x.shape[0], W.shape[-1]))
            for e in range(logits.shape[1]):
                idx = np.nonzero(top == e)[0]
                y[idx] = (x[idx] @ W[e]) * logits[idx, e][:, None]
            return y
    '''
    with pytest.raises(backgen.BackgenError, match=r"line 8 computes has shape .* in one iteration of its loop "
                       r"and .* in another: .*select with a boolean mask") as caught:
        backgen.generate(textwrap.dedent(source), name="f", shapes={"x": "N, D", "logits": "N, E", "W": "E, D, H"})
    assert ":8:" in str(caught.value)


def test_a_group_norm_reshaping_its_affine_parameters_to_a_shape_joined_under_a_name():
    assert_right('''
        def f(x, weight, bias, num_groups=2, eps=1e-5):
            N, C = x.shape[:2]
            xg = x.reshape(N, num_groups, -1)
            mean = xg.mean(axis=2, keepdims=True)
            var = ((xg - mean) ** 2).mean(axis=2, keepdims=True)
            x = ((xg - mean) / np.sqrt(var + eps)).reshape(x.shape)
            shape = (1, C) + (1,) * (x.ndim - 2)
            return x * weight.reshape(shape) + bias.reshape(shape)
    ''', [R.uniform(-1, 1, (2, 4, 3)), R.uniform(0.5, 1.5, 4), R.uniform(-1, 1, 4)])


def test_a_joined_shape_also_read_as_a_value_is_left_a_tuple_and_refused():
    with pytest.raises(backgen.BackgenError, match="tuples are only supported"):
        backgen.generate(textwrap.dedent('''
            import numpy as np

            def f(x, w):
                shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
                return x * w.reshape(shape) + len(shape)
        '''), name="f")
