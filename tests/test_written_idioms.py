"""Idioms as people write them: ``np.c_[...]`` joins and ``y.sort()`` in place, each checked against
central finite differences in float64, with shapes declared and without them, or refused where the
value is a list; and what a refusal of a dict read by key says to do."""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_backward_right, finite_differences

RNG = np.random.RandomState(5)
X, T = RNG.randn(3, 2), RNG.randn(2, 3, 2)
U, V, W4 = RNG.randn(3), RNG.randn(3), RNG.randn(4)


def assert_right(source, args, name="f"):
    return assert_backward_right(source, args, RNG, name)


@pytest.mark.parametrize("join", ["np.c_[np.ones(3), X]", "np.c_[u, v] * 2.0", "np.c_[u, X, 2.0 * u]",
                                  "np.c_[X, X]", "np.c_[u]", "np.c_[0:3, u]", "np.c_[T, T]", "np.c_[s, s]",
                                  "np.c_[X[:, 0], s * u]"])
@pytest.mark.parametrize("declared", [True, False])
def test_c_joins_columns_as_numpy_does(join, declared):
    params = 'u: "3", v: "3", X: "3, 2", T: "2, 3, 2", s: float' if declared else "u, v, X, T, s"
    assert_right(f"""
        import numpy as np
        def f({params}):
            return np.tanh({join}) * np.cos({join})
        """, [U, V, X, T, 0.4])


def test_a_bias_column_joined_to_a_design_matrix():
    assert_right("""
        import numpy as np
        def loss(X: "N, D", theta: "D1", y: "N"):
            Xb = np.c_[np.ones(X.shape[0]), X]
            r = Xb @ theta - y
            return 0.5 * np.mean(r ** 2)
        """, [X, RNG.randn(3), RNG.randn(3)], name="loss")


@pytest.mark.parametrize("body", [
    "y = w * 2.0\n    y.sort()\n    return y * np.arange(4.0)",
    "y = X * 2.0\n    y.sort(axis=0)\n    return y * np.arange(2.0)",
    "y = X * 2.0\n    y.sort(0)\n    return y * np.arange(2.0)",
    "y = X * 2.0\n    y.sort(kind='stable')\n    return y * np.arange(2.0)",
    "y = X * 2.0\n    row = y[1]\n    row.sort()\n    return y * np.arange(2.0)",  # a view: sorts y's row
    "y = w.copy()\n    y.sort()\n    return y[-1] - y[0] + np.sum(w * y)",
])
def test_an_array_sorted_in_place_is_the_write_of_its_sorted_values(body):
    assert_right(f"""
        import numpy as np
        def f(w: "4", X: "3, 2"):
            {body.replace(chr(10), chr(10) + " " * 8)}
        """, [W4, X])


@pytest.mark.parametrize("sort", ["xs.sort()", "xs.sort(reverse=True)"])
def test_a_list_sorted_in_place_stays_refused(sort):
    with pytest.raises(backgen.BackgenError, match="a call standing alone may write"):
        backgen.generate(textwrap.dedent(f"""
            import numpy as np
            def f(s: float):
                xs = [s, 2 * s, -s]
                {sort}
                return xs[0]
            """))


def test_a_dict_read_by_key_without_its_values_says_how_to_give_its_arrays_shapes():
    # (read at a key of settings too, 'mode': taken for settings, whose values generate does not see)
    source = textwrap.dedent("""
        import numpy as np
        def loss(params, X, y):
            W1, b1 = params['W1'], params['b1']
            h = np.maximum(0, X @ W1 + b1)
            if params['mode'] == 'train':
                h = h * 0.5
            return np.sum((h - y) ** 2)
        """)
    with pytest.raises(backgen.BackgenError, match=r"if params holds arrays, give their shapes: "
                                                   r"shapes=\{'params': \{'W1': 'N, D', \.\.\.\}\}"):
        backgen.generate(source, name="loss")


def test_sample_arrays_that_run_out_of_memory_are_a_refusal_not_an_internal_error(monkeypatch):
    # (NumPy's MemoryError at the bound sample runs of code for every shape have, at rank 4: "internal
    # error while differentiating f(): MemoryError" was the message; fuzz_wild seed 21, program 33)
    import backgen.program as program

    real = program.program

    def at_rank_four_out_of_memory(forward, wrt=None, shapes=None, *args, **kwargs):
        if shapes and any(len(getattr(spec, "dims", ())) == 4 for spec in shapes.values()):
            raise MemoryError()
        return real(forward, wrt, shapes, *args, **kwargs)
    monkeypatch.setattr(program, "program", at_rank_four_out_of_memory)
    source = "import numpy as np\ndef f(v, t):\n    return np.sum(np.tanh(v) * np.exp(t))\n"
    with pytest.raises(backgen.BackgenError, match=r"take more memory than backgen gives sample runs") as caught:
        backgen.generate(source)
    assert "internal error" not in str(caught.value)


def test_items_of_a_list_of_pairs_read_as_several_arguments_of_a_call():
    """``layers[0][0]`` and ``layers[1][0]`` both arguments of one call: each the item it names."""
    assert_right("""
        import numpy as np
        def f(a: "3", b: "3"):
            layers = [(a, b), (b, a)]
            return np.sum(np.multiply(layers[0][0], layers[1][0]) + np.dot(layers[0][1], layers[1][1]))
        """, [U, V])


LOSS_WITH_GRADS = """
import numpy as np
def loss(params, X, y):
    W, b = params["W"], params["b"]
    scores = X @ W + b
    loss = np.mean((scores - y) ** 2)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W"] = 2.0 * X.T @ (scores - y) / scores.size
    return loss, grads
"""


@pytest.mark.parametrize("shapes", [{"params": {"W": "D, M", "b": "M"}, "X": "N, D", "y": "N, M"}, None])
def test_a_dict_of_gradients_made_by_a_comprehension_beside_the_loss_is_left_out(shapes):
    """The dict a loss returns beside it, made by a comprehension and filled by key, is not differentiated:
    the backward is the loss's, as where it is made {} (it was refused as a dict comprehension)."""
    text = backgen.generate(LOSS_WITH_GRADS, name="loss", shapes=shapes)
    namespace, generated = {}, {}
    exec(LOSS_WITH_GRADS, namespace)
    exec(text, generated)
    params = {"W": RNG.randn(3, 2), "b": RNG.randn(2)}
    X, y = RNG.randn(4, 3), RNG.randn(4, 2)
    got = generated["loss_backward"](params, X, y, dout=1.3)
    for key in params:
        def objective(value, key=key):
            return 1.3 * namespace["loss"]({**params, key: value}, X, y)[0]
        want, = finite_differences(objective, [params[key]], [0], (1.0,))
        np.testing.assert_allclose(got[0][key], want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("declared", [True, False])
def test_bincount_sums_weights_per_integer(declared):
    # a segment sum (a graph's messages summed per node): the gradient of each weight is its sum's
    params = 'x: "5", idx: "int 5"' if declared else "x, idx"
    module = assert_right(f"""
        import numpy as np
        def f({params}):
            sums = np.bincount(idx, weights=np.tanh(x), minlength=6)
            return sums * np.arange(6.0) + np.bincount(idx, minlength=6)
    """, [RNG.randn(5), np.array([3, 3, 1, 0, 3])])
    assert "dsums[idx]" in module


@pytest.mark.parametrize("declared", [True, False])
def test_bool_of_a_test_is_a_constant(declared):
    params = 'w: "3"' if declared else "w"
    assert_right(f"""
        import numpy as np
        def f({params}):
            if bool(np.sum(w) > 0):
                return np.sum(w ** 2) * bool(np.all(w > 0))
            return np.sum(w)
    """, [np.array([0.3, 0.5, 0.2])])
    assert_right("""
        import math
        def f(x, y):
            if bool(x > y):
                return x * y
            return math.sin(x) + float(bool(y))
    """, [0.3, 0.7])


LAMBDAS = """
    import numpy as np
    relu = lambda t: np.maximum(0.0, t)
    power = lambda a, b=2.0: a ** b
    def f(x{x}, W{W}):
        return np.sum(relu(x @ W) ** 2) + np.sum(power(x, 3.0) + power(x))
"""


@pytest.mark.parametrize("x, W", [(': "4"', ': "4, 3"'), ("", "")])
def test_functions_the_module_binds_to_lambdas_are_helpers(x, W):
    module = assert_right(LAMBDAS.format(x=x, W=W), [RNG.randn(4), RNG.randn(4, 3)])
    assert "relu_backward(" in module


def test_the_decorator_reads_a_function_bound_to_a_lambda(tmp_path):
    import importlib.util
    path = tmp_path / "lambdas_module.py"
    path.write_text("import backgen\n" + textwrap.dedent(LAMBDAS.format(x="", W="")).replace(
        "def f", "@backgen.backward\ndef f"))
    spec = importlib.util.spec_from_file_location("lambdas_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, W = RNG.randn(4), RNG.randn(4, 3)
    got = module.f.backward(x, W)
    for g, want in zip(got, finite_differences(module.f, [x, W], [0, 1], [1.0])):
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)


def test_a_lambda_as_a_key_chooses_by_its_values():
    # (was refused: the lambda is the comprehension of the keys, key_calls)
    for a, b in ((0.7, -0.4), (0.3, -0.9)):
        assert_right("""
            import numpy as np
            def f(a, b):
                return max([a, b], key=lambda t: t * t) * a
        """, [a, b])


def test_a_lambda_as_an_argument_is_refused_at_its_line():
    with pytest.raises(backgen.BackgenError, match="lambda expressions are not supported"):
        backgen.generate(textwrap.dedent("""
            def f(a, b):
                return np.sum(np.apply_along_axis(lambda t: t * t, 0, np.array([a, b]))) * a
        """))


def test_a_float_every_call_writes_is_not_differentiated_in_the_helper():
    # leaky(z, 0.1): no gradient of 0.1 is read, so the helper's backward computes none (a ** b's
    # gradient in b would be log(a), nan for a < 0 and a warning in the backward)
    module = assert_right("""
        import numpy as np
        def leaky(z, alpha=0.01):
            return np.where(z > 0, z, alpha * z)
        def power(a, b=2.0):
            return a ** b
        def f(x: "4", W: "4, 3"):
            return np.sum(leaky(x @ W, 0.1) ** 2) + np.sum(power(x, 3.0) * power(x))
    """, [RNG.randn(4), RNG.randn(4, 3)])
    assert "dxdot = leaky_backward(xdot, 0.1, " in module and "def power_backward(a, b=2.0, dout=None)" in module
    assert "db" not in module


def test_a_float_one_call_passes_as_a_variable_is_differentiated_at_every_call():
    module = assert_right("""
        import numpy as np
        def leaky(z, alpha=0.01):
            return np.where(z > 0, z, alpha * z)
        def f(x: "4", a: float):
            return np.sum(leaky(x, 0.1) * leaky(x * 2.0, a))
    """, [RNG.randn(4), 0.3])
    assert "dalpha" in module


def test_labels_a_docstring_declares_integers_iterated_by_a_loop():
    # for t in targets: logits[t]: t is a label of targets, which the docstring already says are integers
    # (a KeyError inside backgen: the loop's items made targets a label to declare again)
    assert_right('''
        import numpy as np
        def f(W, s, targets):
            """W: (3, 4); s: (3,); targets: int (2,)"""
            total = 0.0
            for t in targets:
                logits = np.tanh(s @ W)
                total -= logits[t] - np.log(np.sum(np.exp(logits)))
                s = s * 0.5
            return total
    ''', [RNG.randn(3, 4), RNG.randn(3), np.array([1, 3])])


DICT_CALL_CACHE = '''
import numpy as np

def affine_relu_forward(x, w, b):
    """x: (N, D), w: (D, M), b: (M,)"""
    a = x.dot(w) + b
    out = np.maximum(0, a)
    cache = dict(x=x, w=w, b=b, a=a)
    return out, cache
'''


@pytest.mark.parametrize("shapes", [None, {"x": "N, D", "w": "D, M", "b": "M"}])
def test_a_cache_made_by_dict_with_keywords_is_read_as_the_display(shapes):
    from test_layer_acceptance import assert_close, layer_gradients
    args = [RNG.randn(4, 3), RNG.randn(3, 5), RNG.randn(5)]
    got, want, text = layer_gradients(DICT_CALL_CACHE, "affine_relu_forward", args, shapes)
    assert "x = cache['x']" in text
    assert_close(got, want)


def test_a_dict_made_by_dict_with_keywords_is_read_by_its_keys():
    assert_right("""
        import numpy as np
        def f(x, w):
            state = dict(h=np.tanh(x @ w), scale=2.0)
            return np.sum(state['h'] ** 2) * state['scale']
        """, [X, RNG.randn(2, 4)])



def test_the_decorator_says_a_dict_of_settings_leaves_nothing_to_differentiate(tmp_path):
    import importlib.util  # noqa: PLC0415
    path = tmp_path / "saxpy_of_a_dict.py"
    path.write_text("def saxpy(val):\n    return val['a'] * val['b'] + val['c']\n")
    spec = importlib.util.spec_from_file_location("saxpy_of_a_dict", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(backgen.BackgenError, match="nothing to differentiate: 'val' is read by key as settings"):
        backgen.backward(module.saxpy)
    # generate reads each entry as a number of its own
    text = backgen.generate(path.read_text())
    namespace = {}
    exec(text, namespace)
    val = {"a": 0.5, "b": 1.2, "c": 0.7}
    got = namespace["saxpy_backward"](dict(val))
    want = finite_differences(module.saxpy, [val], [0], [1.0])[0]
    assert set(got) == set(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-6)
