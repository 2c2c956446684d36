"""Dicts of values the function fills itself (``hs = {}``; ``hs[t] = h``; ``hs[t - 1]``), as Karpathy's
min-char-rnn keeps its steps: followed as a list of values is (each write a new version, its gradient
a dict of the same keys, a key written that was not there before dropped from the gradient of the
dict before the write).  Every gradient is checked against central finite differences in float64, by
``generate`` without shapes, with shapes given and by the decorator; what stays refused says why at
the user's line."""

import copy
import inspect
import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, float_positions, module_in, same_again

HEAD = "import numpy as np\n\nvocab_size = 5\n\n"

MIN_CHAR_RNN = '''
def lossFun(inputs, targets, hprev, Wxh, Whh, Why, bh, by):
    """
    inputs,targets are both list of integers.
    hprev is Hx1 array of initial hidden state
    returns the loss
    """
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0
    # forward pass
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab_size, 1))  # encode in 1-of-k representation
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t - 1]) + bh)  # hidden state
        ys[t] = np.dot(Why, hs[t]) + by  # unnormalized log probabilities for next chars
        ps[t] = np.exp(ys[t]) / np.sum(np.exp(ys[t]))  # probabilities for next chars
        loss += -np.log(ps[t][targets[t], 0])  # softmax (cross-entropy loss)
    return loss
'''


def _rnn_args():
    rng = np.random.RandomState(1)
    return [[1, 3, 0, 4], [3, 0, 4, 2], rng.randn(3, 1) * 0.5, rng.randn(3, 5) * 0.5, rng.randn(3, 3) * 0.5,
            rng.randn(5, 3) * 0.5, rng.randn(3, 1) * 0.5, rng.randn(5, 1) * 0.5]


def _small_args():
    rng = np.random.RandomState(2)
    return [rng.randn(3, 4), rng.randn(3, 1), rng.randn(3, 3) * 0.5, rng.randn(3, 3) * 0.5]


_TEXTS = {}


def _generated(source, name, shapes):
    """``generate``'s text, twice the same (deterministic), made once per source (code written without
    shapes for min-char-rnn takes seconds: its shapes are searched for)."""
    key = (source, name, repr(shapes))
    if key not in _TEXTS:
        _TEXTS[key] = backgen.generate(source, name=name, shapes=shapes)
        if shapes is not None or "lossFun" not in source:
            same_again(_TEXTS[key], lambda: backgen.generate(source, name=name, shapes=shapes))
    return _TEXTS[key]


def _gradients(source, name, args, way, tmp_path):
    """The backward's gradients of ``name`` at ``args`` (``way``: generate without shapes, with the
    arrays' shapes, or the decorator), central differences of the forward, and the generated text."""
    namespace = {}
    exec(source, namespace)
    func = namespace[name]
    out = func(*copy.deepcopy(args))
    outs = out if isinstance(out, tuple) else (out,)
    douts = tuple(np.random.RandomState(5).randn(*np.shape(o)) if np.shape(o) else 1.3 for o in outs)
    wrt = float_positions(args)
    want = finite_differences(lambda *values: func(*copy.deepcopy(list(values))), list(args), wrt, douts)
    given = copy.deepcopy(args)
    text = None
    if way == "decorator":
        module = module_in(tmp_path, source, f"dict_values_{name}_{abs(hash(source))}")
        got = backgen.backward(getattr(module, name)).backward(*given, dout=douts if len(douts) > 1 else douts[0])
    else:
        shapes = None
        if way == "shapes":
            params = inspect.signature(func).parameters
            shapes = {p: np.shape(a) if a.dtype.kind == "f" else "int " + ", ".join(map(str, a.shape))
                      for p, a in zip(params, args) if isinstance(a, np.ndarray)}
            shapes.update({p: f"int {len(a)}" for p, a in zip(params, args) if isinstance(a, list)})  # (inputs)
        text = _generated(source, name, shapes)
        generated = {}
        exec(compile(text, "<generated>", "exec"), generated)
        got = generated[f"{name}_backward"](*given, *douts)
    for before, after in zip(args, given):  # (the backward leaves its arguments alone)
        assert_close(after, before, rtol=0, atol=0) if isinstance(before, np.ndarray) else None
        assert before == after if isinstance(before, list) else True
    got = got if isinstance(got, tuple) else (got,)
    return got, want, text


def assert_right(source, name, args, tmp_path, ways=("generate", "shapes", "decorator")):
    source = HEAD + textwrap.dedent(source)
    for way in ways:
        got, want, _ = _gradients(source, name, args, way, tmp_path)
        assert len(got) == len(want), way
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w), way
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=way)


def test_min_char_rnn_gets_the_right_gradient_every_way(tmp_path):
    assert_right(MIN_CHAR_RNN, "lossFun", _rnn_args(), tmp_path)


def test_min_char_rnn_returning_its_last_hidden_state_too(tmp_path):
    source = MIN_CHAR_RNN.replace("    return loss\n", "    return loss, hs[len(inputs) - 1]\n")
    assert_right(source, "lossFun", _rnn_args(), tmp_path, ways=("shapes", "decorator"))


def test_min_char_rnn_backward_reads_as_written_by_hand():
    text = _generated(HEAD + textwrap.dedent(MIN_CHAR_RNN), "lossFun", None)
    assert "xs = {}" in text and "hs = {}" in text  # the dicts made as the user made them
    assert "xs_t = np.zeros((vocab_size, 1))" in text  # the one-hot vector written before it is put in xs
    assert "dhs_1 = {k: 0.0 * v for k, v in hs_1.items()}" in text  # a dict's gradient: a dict of its keys
    assert "dhs_2[t] = dhs_2[t] + dsel4" in text  # an entry read: its gradient added at its key
    # a write undone: the gradient of the dict before it, of its keys then, the key written zeroed
    assert "dhs_1 = {k: 0.0 * hs_1[k] if k == t else v for k, v in dhs_2.items() if k in hs_1}" in text
    assert "np.copy({" not in text and "np.copy(dhs" not in text
    shapes = {"inputs": "int T", "targets": "int T", "hprev": "H, 1", "Wxh": "H, V", "Whh": "H, H", "Why": "V, H",
              "bh": "H, 1", "by": "V, 1"}
    text = backgen.generate(HEAD + textwrap.dedent(MIN_CHAR_RNN), name="lossFun", shapes=shapes)
    assert "_unbroadcast" not in text  # (the hand style, for those shapes)
    for line in ("dhs_2[t] = dhs_2[t] + dsel4", "dWhh += ds.dot(sel3.T)", "dhs_1[diff] = dhs_1[diff] + dsel3"):
        assert line in text


def test_string_keys_made_in_a_loop(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            cache = {}
            h = h0
            for t in range(X.shape[1]):
                h = np.tanh(W @ X[:, t:t + 1] + U @ h)
                cache["h%d" % t] = h
            total = 0.0
            for t in range(X.shape[1]):
                total = total + np.sum(cache["h%d" % t] * X[:, t:t + 1])
            return total
        ''', "f", _small_args(), tmp_path)


def test_a_key_overwritten_twice_and_read_before_and_after_each_write(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            d["x"] = W @ X
            before = d["x"]
            d["x"] = np.tanh(d["x"])
            after = d["x"]
            d["x"] = d["x"] * before
            return np.sum(before * after) + np.sum(d["x"])
        ''', "f", _small_args(), tmp_path)
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            d[0] = W @ X
            a = np.sum(d[0] ** 2)
            d[0] = U @ d[0]
            b = np.sum(d[0] * X)
            d[0] = d[0] * 3.0
            return a + b + np.sum(d[0] * h0)
        ''', "f", _small_args(), tmp_path)


def test_a_key_overwritten_with_a_value_of_another_shape(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            d[0] = W @ X
            d[1] = U @ X
            a = np.sum(d[0] * d[1])
            d[0] = np.sum(d[0], axis=0)
            return a + np.sum(d[0] ** 2)
        ''', "f", _small_args(), tmp_path)


def test_a_dict_written_through_another_name_of_it(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            d[0] = W @ X
            e = d
            a = np.sum(e[0] ** 2)
            e[0] = U @ X
            e[1] = e[0] * d[0]
            return a + np.sum(d[0] * d[1])
        ''', "f", _small_args(), tmp_path)


def test_new_keys_op_assign_tuple_keys_branches_and_a_dict_made_in_each_iteration(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = dict()
            d[0] = W @ X
            d[0] += U @ X
            d[1] = d[0] ** 2
            if X[0, 0] > 0:
                d[2] = d[1] * 2.0
            else:
                d[2] = d[0] ** 3
            grid = {}
            for i in range(2):
                for j in range(2):
                    grid[i, j] = np.tanh(W[i] * U[j])
            total = 0.0
            for i in range(3):
                step = {}
                step[0] = W @ X * (i + 1)
                step["b"] = np.tanh(step[0])
                total += np.sum(step["b"] ** 2)
            return np.sum(d[2]) + np.sum(grid[0, 1] * grid[1, 0]) + np.sum(grid[1, 1]) + total
        ''', "f", _small_args(), tmp_path)


def test_writes_into_an_entry_just_put_there(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            for t in range(2):
                d[t] = W @ X
                d[t][0] += 1.0
                d[t][1] = d[t][1] * d[t][0]
            return np.sum(d[0] * d[1])
        ''', "f", _small_args(), tmp_path)
    rng = np.random.RandomState(3)  # (a list alike: its shapes needed, the sample ones do not fit 4)
    assert_right('''
        def f(W, idx):
            xs = [None] * 3
            loss = 0.0
            for t in range(3):
                xs[t] = np.zeros((4, 1))
                xs[t][idx[t]] = 1
                loss += np.sum(np.tanh(W @ xs[t]))
            return loss
        ''', "f", [rng.randn(2, 4), np.array([1, 3, 0])], tmp_path, ways=("shapes", "decorator"))


def test_a_write_into_a_row_just_written_into_an_array_leaves_the_value_written_alone(tmp_path):
    # an array's row written is a copy of the value: the write after it is not the value's (an entry of
    # a list or dict is the value itself)
    assert_right('''
        def f(X, h0, W, U):
            B = np.zeros((3, 3))
            v = W[0] * 2.0
            for t in range(3):
                B[t] = v
                B[t][0] = 1.0
            return np.sum(B * U) + np.sum(v * W[1])
        ''', "f", _small_args(), tmp_path)


def test_keys_written_on_one_path_of_a_branch_in_a_loop_or_the_other(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            d[-1] = h0
            for t in range(4):
                if t % 2 == 0:
                    d[t] = np.tanh(U @ d[t - 1] + X[:, t:t + 1])
                else:
                    d[t] = d[t - 1] * 0.5
            return np.sum(d[3]) + np.sum(d[2] ** 2)
        ''', "f", _small_args(), tmp_path)


def test_a_dict_comprehension_and_a_display_of_keys_not_strings(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            xs = {t: X[:, t:t + 1] * 2.0 for t in range(X.shape[1])}
            hs = {-1: h0}
            for t in range(X.shape[1]):
                hs[t] = np.tanh(W @ xs[t] + U @ hs[t - 1])
            sq = {t: np.sum(hs[t] ** 2) for t in range(X.shape[1]) if t % 2 == 0}
            return sq[0] + sq[2] + np.sum(hs[3])
        ''', "f", _small_args(), tmp_path)


def test_membership_and_length_of_a_dict_read_no_value(tmp_path):
    assert_right('''
        def f(X, h0, W, U):
            d = {}
            for t in range(4):
                if t - 2 in d:
                    d[t] = U @ d[t - 2] * 0.5
                elif t - 1 not in d:
                    d[t] = np.tanh(W @ X)
                else:
                    d[t] = d[t - 1] ** 2
            return np.sum(d[3] * d[2]) * len(d) + np.sum(d[1])
        ''', "f", _small_args(), tmp_path)


def test_a_helper_stepping_a_dict_keyed_by_tuples_of_a_string_and_a_step(tmp_path):
    assert_right('''
        def step(h, W, x):
            return np.tanh(W @ h + x)

        def f(X, h0, W, U):
            cache = {}
            cache["h", -1] = h0
            for t in range(X.shape[1]):
                cache["h", t] = step(cache["h", t - 1], U, X[:, t:t + 1])
            return np.sum(cache["h", X.shape[1] - 1] ** 2)
        ''', "f", _small_args(), tmp_path)


@pytest.mark.parametrize("body, match, line", [
    ("total = 0.0\n    for k, v in d.items():\n        total = total + np.sum(v)\n    return total",
     r"'d' is a dict the function fills \(d\[k\] = v\), read here by its method \.items\(\)",
     "for k, v in d.items():"),
    ("total = 0.0\n    for k in d:\n        total = total + np.sum(d[k])\n    return total",
     r"'d' is a dict the function fills \(d\[k\] = v\), read here by a loop over it", "for k in d:"),
    ("return np.sum(d.get(0, W))", r"read here by its method \.get\(\)", "return np.sum(d.get(0, W))"),
    ("return np.sum(d[0]), d", r"'d' is the empty dict of line 4: dicts are not supported as values read whole",
     "return np.sum(d[0]), d"),
])
def test_a_dict_read_whole_is_refused_at_the_users_line(body, match, line):
    source = f"import numpy as np\n\ndef f(X, W):\n    d = {{}}\n    d[0] = W @ X\n    {body}\n"
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(source, name="f")
    assert info.value.text.strip() == line


@pytest.mark.parametrize("lines, match", [
    ("h = W @ X\n    d[0] = h\n    h[0] = 5.0", "'d' may have been changed by the write into 'h'"),
    ("d[0] = W @ X\n    d[1] = d[0]\n    d[1] += W @ X", r"\+= on an item of the dict 'd' writes into the array"),
    ("d[0] = W @ X\n    v = d[0][:, :2]\n    v[0] = 1.0", "'d' may have been changed by the write into 'v'"),
])
def test_a_write_into_an_array_a_dict_holds_is_followed_or_refused(lines, match):
    # (NumPy's meaning: the dict holds the array itself, which the write changes)
    source = f"import numpy as np\n\ndef f(X, W):\n    d = {{}}\n    {lines}\n    return np.sum(d[0] * X)\n"
    shapes = {"X": (3, 4), "W": (3, 3)}
    with pytest.raises(backgen.BackgenError, match=match) as info:
        backgen.generate(source, name="f", shapes=shapes)
    assert info.value.text.strip() == "return np.sum(d[0] * X)"


def test_a_string_put_into_a_dict_of_values_is_refused_at_the_write():
    # (its gradient's zero, 0.0 * 'train', would raise in the backward)
    source = """import numpy as np

def f(X, W):
    d = {}
    for t in range(2):
        mode = "train"
        d["mode"] = mode
        d[t] = W @ X
    if d["mode"] == "train":
        return np.sum(d[0] * d[1])
    return np.sum(d[0])
"""
    with pytest.raises(backgen.BackgenError, match="this puts a string into the dict 'd'") as info:
        backgen.generate(source, name="f")
    assert info.value.text.strip() == 'd["mode"] = mode'


def test_a_dict_of_tuples_is_refused_at_the_write():
    source = '''import numpy as np

def both(v, w):
    return v * w, v + w

def f(x, w):
    res = {}
    res[0] = both(x, w)
    return np.sum(res[0][0] * res[0][1])
'''
    for shapes in (None, {"x": (2, 3), "w": (3,)}):
        with pytest.raises(backgen.BackgenError, match="puts a tuple or list of values into the dict res") as info:
            backgen.generate(source, name="f", shapes=shapes)
        assert info.value.text.strip() == "res[0] = both(x, w)"
