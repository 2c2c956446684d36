"""Transformer code written in NumPy as tutorials write it: attention with masks, heads split by
reshapes, layer and RMS norms, GELU, softmax and cross-entropy, embeddings and positional encodings.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_refused, assert_generated_right, finite_differences, module_in

RNG = np.random.default_rng(31)


def normal(*shape, scale=1.0):
    return RNG.standard_normal(shape) * scale


def _module(tmp_path, text, name):
    return module_in(tmp_path, "import numpy as np\n\n\n" + textwrap.dedent(text), name)


# --- heads split from the last axis by a reshape with -1: sizes the number of heads divides ----------


@pytest.mark.parametrize("split", [
    "(x @ W).reshape(B, T, 2, -1)",
    "np.reshape(x @ W, (B, T, 2, -1))",
    "(x @ W).reshape(*x.shape[:-1], 2, -1)",
    "(x @ W).reshape(B, T, nh, -1)",
], ids=["method", "function", "spread_shape", "local_count"])
def test_heads_split_by_a_reshape_with_minus_one_take_the_declared_shapes(split):
    # the declared C was sampled at a prime, which no number of heads divides: refused as running at no size
    assert_generated_right(f'''
        def f(x: "B, T, C", W: "C, C"):
            B, T, C = x.shape
            nh = 2
            q = {split}.transpose(0, 2, 1, 3)
            s = q @ q.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s = s / s.sum(axis=-1, keepdims=True)
            return np.sum((s @ q) ** 2)
    ''', [normal(2, 3, 4), normal(4, 4, scale=0.5)])


# --- *lead, d = x.shape, then x.reshape(*lead, heads, d // heads) ----------------------------------


SPLIT_MERGE = '''
    def split_heads(x, n_head):
        *lead, d = x.shape
        return x.reshape(*lead, n_head, d // n_head).swapaxes(-2, -3)

    def merge_heads(x):
        x = x.swapaxes(-2, -3)
        return x.reshape(*x.shape[:-2], -1)

    def f(x, W):
        q = split_heads(x @ W, 2)
        s = q @ q.swapaxes(-1, -2) / np.sqrt(q.shape[-1])
        s = np.exp(s - s.max(-1, keepdims=True))
        s = s / s.sum(-1, keepdims=True)
        return merge_heads(s @ q)
'''


@pytest.mark.parametrize("x_shape", [(3, 4), (2, 3, 4)], ids=["2d", "3d"])
def test_a_starred_target_of_a_shape_spread_into_a_reshape(x_shape):
    # refused: starred arguments are not supported
    assert_generated_right(SPLIT_MERGE, [normal(*x_shape), normal(4, 4, scale=0.5)], (normal(*x_shape),))


def test_a_starred_target_of_a_shape_in_a_shape_written_out_given_shapes():
    assert_generated_right('''
        def f(x: "B, T, C", W: "C, C"):
            *lead, d = x.shape
            h = np.zeros((*lead, 2 * d))
            h[..., :d] = np.tanh(x @ W)
            h[..., d:] = x
            return np.sum(h.reshape((*lead, 4, -1)) ** 2 * np.arange(4)[:, None]) + len(lead)
    ''', [normal(2, 3, 4), normal(4, 4, scale=0.5)])


def test_a_starred_target_of_a_shape_read_as_a_list_is_left_a_list():
    # lead + [2] adds to the list Python gives (a tuple would raise): left as it was, refused as before
    assert_generated_refused('''
        def f(x, W):
            *lead, d = x.shape
            q = (x @ W).reshape(lead + [2, d // 2])
            return np.sum(q ** 2 * np.arange(2)[:, None])
    ''', [normal(2, 3, 4), normal(4, 4, scale=0.5)], "adding lists joins them")


# --- masks filled with the least float -------------------------------------------------------------


CAUSAL_FILL = '''
    def f(q, k, v):
        T = q.shape[0]
        scores = q @ k.T / np.sqrt(k.shape[1])
        causal = np.tril(np.ones((T, T))) == 0
        scores[causal] = {fill}
        w = np.exp(scores - np.max(scores, axis=-1)[:, None])
        w = w / w.sum(-1)[:, None]
        return w @ v
'''


@pytest.mark.parametrize("fill", ["np.finfo(np.float64).min", "np.finfo(float).min", "-1e9", "-np.inf"])
def test_a_causal_mask_filled_with_a_number_written_out(fill):
    q, k, v = normal(3, 4), normal(3, 4), normal(3, 4)
    assert_generated_right(CAUSAL_FILL.format(fill=fill), [q, k, v], (normal(3, 4),))


def test_a_mask_filled_with_the_least_float_of_the_arrays_type_is_refused_saying_what_to_write():
    # it said only: the attribute .min is not supported as a value
    q, k, v = normal(3, 4), normal(3, 4), normal(3, 4)
    assert_generated_refused(CAUSAL_FILL.format(fill="np.finfo(scores.dtype).min"), [q, k, v],
                             r"np\.finfo\(\.\.\.\) of a type not written out.*np\.finfo\(np\.float64\)\.min")


# --- a padding mask made of integer lengths: no gradient, as labels ---------------------------------


def test_the_decorator_leaves_out_integer_lengths_a_padding_mask_compares_a_part_of(tmp_path):
    # lengths[:, None] in a comparison was taken for arithmetic: refused, 'lengths' is integer, leave it out of wrt
    module = _module(tmp_path, """
        def f(q, k, lengths):
            B, H, T, E = q.shape
            valid = np.arange(T)[None, :] < lengths[:, None]
            s = q @ k.swapaxes(-1, -2) / np.sqrt(E)
            s = np.where(valid[:, None, None, :], s, -1e9)
            p = np.exp(s - s.max(-1, keepdims=True))
            p = p / p.sum(-1, keepdims=True)
            return np.sum(p * s)
        """, "padded")
    q, k, lengths = normal(2, 2, 3, 2), normal(2, 2, 3, 2), np.array([2, 3])
    got = backgen.backward(module.f).backward(q, k, lengths)
    want = finite_differences(module.f, [q, k, lengths], [0, 1], [1.0])
    assert len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


def test_an_integer_array_written_into_then_compared_carries_no_gradient(tmp_path):
    # no output depends on lengths through an operation with a gradient (its write, then a comparison):
    # left out of the decorator's wrt, as a label is
    module = _module(tmp_path, """
        def f(x, lengths):
            lengths[0] = 1
            return np.sum(x * (np.arange(3)[None, :] < lengths[:, None]) * x)
        """, "written_lengths")
    x = normal(2, 3)
    got = backgen.backward(module.f).backward(x, np.array([2, 3]))
    want = finite_differences(lambda x: module.f(x, np.array([2, 3])), [x], [0], [1.0])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("split", ["np.split(x @ W, 2, axis=-1)", "np.split(x @ W, heads, axis=1)"],
                         ids=["written", "local"])
def test_heads_split_by_np_split_take_the_declared_shapes(split):
    # the declared D was sampled at a prime, which np.split cannot divide into equal parts: refused
    assert_generated_right(f'''
        def f(x: "T, D", W: "D, D"):
            heads = 2
            outs = []
            for h in {split}:
                a = h @ h.T
                a = np.exp(a - a.max(axis=-1, keepdims=True))
                a /= a.sum(axis=-1, keepdims=True)
                outs.append(a @ h)
            return np.sum(np.stack(outs, axis=0) ** 2)
    ''', [normal(3, 4), normal(4, 4, scale=0.5)])


# --- token ids iterated by a loop, each an index ------------------------------------------------------


ITERATED_IDS = {
    "for": """
        def f(E, ids):
            total = 0.0
            for i in ids:
                total = total + np.sum(np.tanh(E[i]) ** 2)
            return total
        """,
    "enumerate": """
        def f(E, ids):
            h = np.zeros(E.shape[1])
            for t, i in enumerate(ids):
                h = np.tanh(h + E[i] * (t + 1))
            return np.sum(h ** 2)
        """,
    "zip": """
        def f(E, ids, weights):
            return sum(w * np.sum(E[i] ** 2) for i, w in zip(ids, weights))
        """,
}


@pytest.mark.parametrize("case", sorted(ITERATED_IDS))
def test_ids_a_loop_iterates_and_indexes_with_are_labels(case, tmp_path):
    # without shapes the ids were sampled as floats (IndexError); the decorator refused them as integers
    source = ITERATED_IDS[case]
    E, ids, weights = normal(5, 4), np.array([1, 3, 1]), np.array([0.5, -1.0, 2.0])
    args = [E, ids] + [weights] * ("weights" in source)
    assert_generated_right(source, args)
    module = _module(tmp_path, source, f"ids_{case}")
    got = backgen.backward(module.f).backward(*args)
    got = got if isinstance(got, tuple) else (got,)
    floats = [0] + [2] * ("weights" in source)
    want = finite_differences(module.f, args, floats, [1.0])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


# --- picoGPT's heads: np.split by a number of heads held in a name ----------------------------------


PICO_MHA = """
    def softmax(x):
        exp_x = np.exp(x - np.max(x, axis=-1, keepdims=True))
        return exp_x / np.sum(exp_x, axis=-1, keepdims=True)

    def linear(x, w, b):  # [m, in], [in, out], [out] -> [m, out]
        return x @ w + b

    def attention(q, k, v, mask):  # [n_q, d_k], [n_k, d_k], [n_k, d_v], [n_q, n_k] -> [n_q, d_v]
        return softmax(q @ k.T / np.sqrt(q.shape[-1]) + mask) @ v

    def mha(x{x}, w_attn{w_attn}, b_attn{b_attn}, w_proj{w_proj}, b_proj{b_proj}, n_head{n_head}):
        x = linear(x, w_attn, b_attn)
        qkv = np.split(x, 3, axis=-1)
        qkv_heads = list(map(lambda x: np.split(x, n_head, axis=-1), qkv))
        causal_mask = (1 - np.tri(x.shape[0], dtype=x.dtype)) * -1e10
        out_heads = [attention(q, k, v, causal_mask) for q, k, v in zip(*qkv_heads)]
        x = np.hstack(out_heads)
        return linear(x, w_proj, b_proj)
"""
PICO_SHAPES = {"x": ': "T, D"', "w_attn": ': "D, 3 * D"', "b_attn": ': "3 * D"', "w_proj": ': "D, D"',
               "b_proj": ': "D"', "n_head": ": int"}


def _pico_args():
    return [normal(3, 4), normal(4, 12, scale=0.5), normal(12, scale=0.1), normal(4, 4, scale=0.5),
            normal(4, scale=0.1), 2]


def test_heads_split_by_a_count_in_a_name_given_shapes():
    # the backward called _split_grad(dx, x, n_head, -1), which took n_head for a list of indices: TypeError
    assert_generated_right(PICO_MHA.format(**PICO_SHAPES), _pico_args(), (normal(3, 4),), name="mha")


def test_heads_split_by_a_count_in_a_name_with_the_decorator(tmp_path):
    module = _module(tmp_path, PICO_MHA.format(**dict.fromkeys(PICO_SHAPES, "")), "pico_mha")
    args, dout = _pico_args(), normal(3, 4)
    got = backgen.backward(module.mha).backward(*args, dout=dout)  # (n_head, a count, left out)
    want = finite_differences(module.mha, args, range(5), [dout])
    assert len(got) == 5
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


SPLIT_BY_PARAMETER = '''
    def f(x, n):
        parts = np.split(x, n, axis=-1)
        return sum((k + 1.0) * np.sum(np.tanh(p) ** 2) for k, p in enumerate(parts))
'''


def test_a_split_by_a_count_without_shapes():
    # refused (n sampled as an array); then the shape-generic backward's _split_grad took the count for indices
    assert_generated_right(SPLIT_BY_PARAMETER, [normal(3, 4), 2])


def test_a_split_by_a_count_without_shapes_checks_that_it_is_given_a_number():
    namespace = {"np": np}
    exec(backgen.generate(textwrap.dedent(SPLIT_BY_PARAMETER), name="f"), namespace)
    with pytest.raises(TypeError, match="written for numbers n"):
        namespace["f_backward"](normal(3, 4), [3, 1])


# --- picoGPT: dicts of parameters spread into helpers (linear(x, **c_fc)) -----------------------------


PICO_BLOCK = """
    def gelu(x):
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))

    def layer_norm(x, g, b, eps: float = 1e-5):
        mean = np.mean(x, axis=-1, keepdims=True)
        variance = np.var(x, axis=-1, keepdims=True)
        x = (x - mean) / np.sqrt(variance + eps)
        return g * x + b

    def linear(x, w, b):
        return x @ w + b

    def ffn(x, c_fc, c_proj):
        a = gelu(linear(x, **c_fc))
        x = linear(a, **c_proj)
        return x

    def block(x, mlp, ln_2):
        return x + ffn(layer_norm(x, **ln_2), **mlp)
"""


def _linear(n_in, n_out):
    return {"w": normal(n_in, n_out, scale=0.5), "b": normal(n_out, scale=0.1)}


def _pico_block_args():
    return [normal(3, 4), {"c_fc": _linear(4, 8), "c_proj": _linear(8, 4)},
            {"g": 1.0 + normal(4, scale=0.1), "b": normal(4, scale=0.1)}]


PICO_BLOCK_SHAPES = {"x": "T, D", "mlp": {"c_fc": {"w": "D, F", "b": "F"}, "c_proj": {"w": "F, D", "b": "D"}},
                     "ln_2": {"g": "D", "b": "D"}}


def _spread_gradients(args, shapes):
    namespace, generated = {"np": np}, {"np": np}
    exec(textwrap.dedent(PICO_BLOCK), namespace)
    exec(backgen.generate(textwrap.dedent(PICO_BLOCK), name="block", shapes=shapes), generated)
    dout = normal(3, 4)
    got = generated["block_backward"](*args, dout)
    return got, finite_differences(namespace["block"], args, [0, 1, 2], [dout])


def test_dicts_spread_into_helpers_give_their_keywords():
    # refused: **keyword arguments are not supported
    from numeric import assert_close
    got, want = _spread_gradients(_pico_block_args(), PICO_BLOCK_SHAPES)
    assert_close(tuple(got), tuple(want))


def test_a_dict_spread_with_a_key_for_a_parameter_with_a_default_gives_it(tmp_path):
    # layer_norm's eps, given by the dict: its value, not the default
    module = _module(tmp_path, PICO_BLOCK, "pico_block_eps")
    args = _pico_block_args()
    args[2]["eps"] = 0.5
    dout = normal(3, 4)
    got = backgen.backward(module.block, wrt=("x", "mlp")).backward(*args, dout=dout)
    want = finite_differences(module.block, args, [0, 1], [dout])
    from numeric import assert_close
    assert_close(tuple(got), tuple(want))


def test_picogpt_with_the_decorator(tmp_path):
    # the helpers read np, which the function the decorator was given does not: written out in it, given a
    # dict, their np.split was an unknown function
    module = _module(tmp_path, PICO_BLOCK + PICO_MHA.format(**dict.fromkeys(PICO_SHAPES, "")) + """
    def mha_of(x, c_attn, c_proj, n_head):
        return mha(x, c_attn["w"], c_attn["b"], c_proj["w"], c_proj["b"], n_head)

    def transformer_block(x, mlp, attn, ln_1, ln_2, n_head):
        x = x + mha_of(layer_norm(x, **ln_1), **attn, n_head=n_head)
        x = x + ffn(layer_norm(x, **ln_2), **mlp)
        return x

    def gpt2(inputs, wte, wpe, blocks, ln_f, n_head):
        x = wte[inputs] + wpe[range(len(inputs))]
        for block in blocks:
            x = transformer_block(x, **block, n_head=n_head)
        return layer_norm(x, **ln_f) @ wte.T

    def loss(inputs, wte, wpe, blocks, ln_f):
        return np.sum(np.tanh(gpt2(inputs, wte, wpe, blocks, ln_f, 2)))
    """, "pico_gpt")
    blocks = [{"mlp": {"c_fc": _linear(4, 8), "c_proj": _linear(8, 4)},
               "attn": {"c_attn": _linear(4, 12), "c_proj": _linear(4, 4)},
               "ln_1": {"g": 1.0 + normal(4, scale=0.1), "b": normal(4, scale=0.1)},
               "ln_2": {"g": 1.0 + normal(4, scale=0.1), "b": normal(4, scale=0.1)}}]
    args = [np.array([1, 3, 1]), normal(5, 4), normal(6, 4), blocks,
            {"g": 1.0 + normal(4, scale=0.1), "b": normal(4, scale=0.1)}]
    got = backgen.backward(module.loss).backward(*args)
    want = finite_differences(module.loss, args, [1, 2, 3, 4], [1.0])
    from numeric import assert_close
    assert_close(tuple(got), tuple(want))


def test_heads_split_in_a_helper_by_a_number_it_is_given_take_the_declared_shapes():
    # the declared D was sampled at a prime, which the helper could not split: refused as running at no size
    assert_generated_right('''
        def heads_of(x, n):
            return np.split(x, n, axis=-1)

        def f(x: "T, D", W: "D, D"):
            out = 0.0
            for h in heads_of(x @ W, 2):
                a = h @ h.T
                a = np.exp(a - a.max(axis=-1, keepdims=True))
                out = out + np.sum((a / a.sum(axis=-1, keepdims=True) @ h) ** 2)
            return out
    ''', [normal(3, 4), normal(4, 4, scale=0.5)])


# --- an item of labels used as an index, in shape-generic code: a row of labels where they have axes ---


ITEM_OF_LABELS = {
    "item": """
        def f(x, idx):
            return np.sum(np.tanh(x[idx[0]]) ** 2)
        """,
    "loop": """
        def f(x, rows):
            out = 0.0
            for r in rows:
                out = out + np.sum(np.tanh(x[r]) ** 2)
            return out
        """,
    "named_item": """
        def f(x, idx):
            last = idx[-1]
            return np.sum(np.tanh(x[last]) ** 2)
        """,
}


@pytest.mark.parametrize("labels", [np.array([2, 0]), np.array([[2, 2], [0, 2]])], ids=["vector", "matrix"])
@pytest.mark.parametrize("case", sorted(ITEM_OF_LABELS))
def test_an_item_of_labels_indexing_without_shapes_adds_its_repeats(case, labels):
    # written for labels as vectors, idx[0] a number: dx[sel] = dxsel, which keeps one of a row's repeats
    # (a wrong gradient for labels of two axes); the loop over rows was refused before labels were read there
    assert_generated_right(ITEM_OF_LABELS[case], [normal(4, 3), labels])


@pytest.mark.parametrize("labels", [np.array([[1, 2], [0, 0]]), np.array([[[2, 2], [1, 3]], [[0, 0], [3, 1]]])],
                         ids=["matrix", "three_axes"])
def test_an_item_of_an_item_of_labels_indexing_without_shapes(labels):
    # refused (y sampled as floats); j of three axes is a row, which may repeat
    assert_generated_right('''
        def f(x, y):
            s = 0.0
            for row in y:
                for j in row:
                    s = s + np.sum(np.tanh(x[j]) ** 2)
            return s
    ''', [normal(4, 3), labels])


def test_a_name_bound_again_to_an_index_does_not_make_the_items_it_held_labels():
    # h holds a row of X, then an index: X is data, differentiated
    assert_generated_right('''
        def f(X, E):
            h = X[0]
            s = np.sum(h ** 2)
            h = np.argmax(X[1])
            return s + np.sum(E[h] ** 2)
    ''', [normal(3, 4), normal(4, 2)])


# --- layers built from layers, with a residual connection between them ----------------------------------


RESIDUAL_LAYERS = '''
import numpy as np

def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache

def gelu_forward(x):
    out = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    cache = x
    return out, cache

def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + eps)
    out = gamma * xhat + beta
    cache = {"x": x, "mu": mu, "var": var, "xhat": xhat, "gamma": gamma, "eps": eps}
    return out, cache

def block_forward(x, w1, b1, w2, b2, gamma, beta, ln_param):
    h, c1 = affine_forward(x, w1, b1)
    a, c2 = gelu_forward(h)
    f, c3 = affine_forward(a, w2, b2)
    s = RESIDUAL
    out, c4 = layernorm_forward(s, gamma, beta, ln_param)
    cache = (c1, c2, c3, c4)
    return out, cache
'''
RESIDUAL_SHAPES = {"x": "N, D", "w1": "D, F", "b1": "F", "w2": "F, D", "b2": "D", "gamma": "D", "beta": "D"}


@pytest.mark.parametrize("residual", ["x + f", "f - x"])
def test_a_residual_connection_between_layers_hands_its_gradient_to_both(residual):
    # the sum of two layers' values was no part of a sandwich: staged as a function, whose backward
    # needed the parameters the cache of layers' caches does not hold (refused)
    from test_layer_acceptance import assert_close, layer_gradients
    args = [normal(3, 4), normal(4, 6), normal(6), normal(6, 4), normal(4), 1.0 + normal(4, scale=0.1),
            normal(4, scale=0.1)]
    source = RESIDUAL_LAYERS.replace("RESIDUAL", residual)
    got, want, text = _layer_gradients_with_settings(layer_gradients, source, args, {"eps": 1e-5})
    assert_close(got, want)
    assert "affine_backward(dh, c1)" in text  # (the layers' own backwards, given their caches)


def _layer_gradients_with_settings(layer_gradients, source, args, ln_param):
    """``layer_gradients`` of block_forward, the settings ln_param given after the arrays."""
    import backgen as bg
    source = textwrap.dedent(source)
    text = bg.generate(source, name="block_forward", shapes=RESIDUAL_SHAPES)
    forward_env, backward_env = {}, {}
    exec(compile(source, "<forward>", "exec"), forward_env)
    exec(compile(text, "<backward>", "exec"), backward_env)

    def forward(*arrays):
        return forward_env["block_forward"](*[np.copy(a) for a in arrays], ln_param)
    out, cache = forward(*args)
    dout = np.random.default_rng(7).normal(size=np.shape(out))
    got = backward_env["block_backward"](dout.copy(), cache)
    want = finite_differences(lambda *a: forward(*a)[0], list(args), range(len(args)), [dout])
    return got, want, text


def test_a_sum_with_a_value_broadcast_between_layers_is_no_residual_of_the_sandwich():
    # f + b2: b2's gradient is summed over the rows it was broadcast along, which handing ds on as it is
    # would not do: left to the general staging (refused there, as the cache lacks what it needs)
    source = RESIDUAL_LAYERS.replace("RESIDUAL", "f + b2")
    with pytest.raises(backgen.BackgenError, match="the backward needs"):
        backgen.generate(textwrap.dedent(source), name="block_forward", shapes=RESIDUAL_SHAPES)
