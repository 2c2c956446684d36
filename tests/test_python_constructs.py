"""Python constructs as people write them in forward functions: try statements, dicts of named
values, starred targets.  Each is tried as a user would, through ``generate`` and the decorator,
and its gradient checked against central finite differences; what cannot be known without the
values is refused at the user's line.
"""

import ast
import importlib.util
import textwrap

import numpy as np
import pytest

import backgen
from backgen.literals import literal_lists
from numeric import gradient


def _module(tmp_path, source, name="user_code"):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(tmp_path, source, function, args, wrt=None, decorator=True):
    """The gradients of ``function`` at ``args`` by generate and by the decorator, against central
    differences (for each position in ``wrt``, by default every argument)."""
    source = textwrap.dedent(source)
    module = _module(tmp_path, source)
    user = getattr(module, function)
    wrt = list(range(len(args))) if wrt is None else wrt
    names = list(user.__code__.co_varnames[:user.__code__.co_argcount])
    namespace = {}
    exec(backgen.generate(source, name=function, wrt=tuple(names[k] for k in wrt)), namespace)
    results = [namespace[f"{function}_backward"](*args, dout=1.0)]  # (scalar outputs)
    if decorator:
        results.append(backgen.backward(user, wrt=tuple(names[k] for k in wrt)).backward(*args))
    for got in results:
        got = got if isinstance(got, tuple) else (got,)
        assert len(got) == len(wrt)
        for g, k in zip(got, wrt):
            np.testing.assert_allclose(g, gradient(user, args, k), rtol=1e-5, atol=1e-7)


def _refused(source, pattern):
    with pytest.raises(backgen.BackgenError, match=pattern) as info:
        backgen.generate(textwrap.dedent(source))
    return info.value


# --- try statements -------------------------------------------------------------------------------

def test_try_finally_and_an_except_that_only_raises(tmp_path):
    # `try statements are not supported` refused both, though neither changes what is computed
    _check(tmp_path, '''
        import numpy as np

        def f(x, w):
            try:
                h = np.tanh(x @ w)
            finally:
                print("forward done")
            try:
                y = h * 2.0
            except ValueError as e:
                raise RuntimeError("bad shapes") from e
            else:
                y = y + 1.0
            return np.sum(y ** 2)
    ''', "f", [np.linspace(-1.0, 1.0, 6).reshape(2, 3), np.linspace(0.5, -0.5, 12).reshape(3, 4)])


def test_try_finally_in_a_loop_runs_before_continue(tmp_path):
    _check(tmp_path, '''
        def f(x, n):
            total = 0.0
            for k in range(n):
                try:
                    if k == 1:
                        continue
                    total += x ** k
                finally:
                    total = total * 1.5
            return total
    ''', "f", [0.7, 4], wrt=[0])


def test_try_import_with_a_fallback_is_setup(tmp_path):
    _check(tmp_path, '''
        import numpy as np

        def f(x):
            try:
                import numpy as xp
            except ImportError:
                import math as xp
            try:
                import a_module_nobody_has as xp2
            except ModuleNotFoundError:
                import numpy as xp2
            return np.sum(xp.exp(x) * xp2.sin(x))
    ''', "f", [np.array([0.3, -0.2, 1.1])])


def test_an_except_catching_what_the_code_raises_is_refused_at_its_line():
    error = _refused('''
        import numpy as np

        def f(A, x):
            try:
                L = np.linalg.cholesky(A)
            except ValueError:
                L = np.linalg.cholesky(A + 1e-6 * np.eye(A.shape[0]))
            z = np.linalg.solve(L, x)
            return z @ z
    ''', r"this except catches ValueError, which the code in the try \(lines 5-6\)")
    assert error.lineno == 7


# --- dicts of named values --------------------------------------------------------------------------

def test_a_state_dict_updated_in_a_loop(tmp_path):
    # `dict displays are not supported`: an echo state network keeping its state in a dict entry
    _check(tmp_path, '''
        import numpy as np

        def reservoir(u, W_in, W, leak=0.3):
            state = {'h': np.zeros(W.shape[0]), "steps": 0}
            outputs = []
            for t in range(len(u)):
                pre = W_in * u[t] + W @ state['h']
                state['h'] = (1 - leak) * state['h'] + leak * np.tanh(pre)
                state["steps"] += 1
                outputs.append(state['h'].sum())
            return np.sum(np.array(outputs) ** 2) / state["steps"]
    ''', "reservoir", [np.array([0.5, -0.3, 0.8]), np.array([0.2, -0.4]), np.array([[0.3, -0.1], [0.2, 0.4]])])


def test_a_dict_of_intermediates_built_up_and_written_through(tmp_path):
    _check(tmp_path, '''
        import numpy as np

        def f(x, w):
            grads = {}
            parts = dict(scale=2.0)
            grads['h'] = x * w
            grads['h'][0] = 1.0
            grads['h'] *= parts['scale']
            h = grads['h']
            return np.sum(np.tanh(h) * x)
    ''', "f", [np.array([0.3, -0.7, 1.2]), np.array([0.5, 0.9, -0.4])])


def test_a_dict_returned_or_read_whole_is_left_as_it_was():
    source = '''
        import numpy as np

        def f(x):
            d = {'a': x * 2.0}
            return np.sum(d['a']), d
    '''
    _refused(source, "dict displays are not supported")


# --- tuples as parameter defaults ---------------------------------------------------------------------

def test_tuple_defaults_of_a_helper_and_of_the_function(tmp_path):
    # `parameter defaults must be numbers`: sizes=(2, 3) (autograd's layer_sizes=(1, 4, 1)) is a setting
    _check(tmp_path, '''
        import numpy as np

        def unflatten(x, sizes=(2, 3)):
            return x.reshape(sizes)

        def f(x, w, shapes=((1, 3), (3, 1)), mode=("sin",)):
            h = unflatten(x) @ w
            for m, n in shapes:
                h = np.sin(h) * m + n
            return np.sum(h ** 2)
    ''', "f", [np.linspace(-1.0, 1.0, 6), np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.6]])], wrt=[0, 1])


# --- starred targets ----------------------------------------------------------------------------------

def test_starred_targets_of_tuples_written_out_and_unread_rests(tmp_path):
    # `only assignments to a name, a tuple of names or a part of an array`: first, *rest = ...
    _check(tmp_path, '''
        import numpy as np

        def f(x, y, K):
            first, *middle, last = x, y * 2.0, np.sin(y), x * y
            pair = (x * y, y)
            a, *_ = pair
            *_, b = pair
            *_, logdet = np.linalg.slogdet(K)
            return first * middle[0] + middle[1] + last + a * b + logdet
    ''', "f", [0.7, -1.3, np.array([[2.0, 0.3], [0.1, 1.5]])])


# --- functions made by factories ------------------------------------------------------------------------

def test_a_kernel_made_by_a_factory(tmp_path):
    # `the nested function kernel() is used here other than by calling it`: make_kernel(ls) returns it
    _check(tmp_path, '''
        import numpy as np

        def make_kernel(ls, power=2):
            """An RBF kernel of length scale ls."""
            def kernel(a, b):
                return np.exp(-0.5 * (a[:, None] - b[None, :]) ** power / ls ** 2)
            return kernel

        def f(alpha, x, ls):
            s = ls * 2.0
            k = make_kernel(s)
            s = s + 100.0
            K = k(x, x)
            return np.sum(K @ alpha) + s * alpha @ k(x, 0.5 * x) @ alpha
    ''', "f", [np.array([0.3, -0.5, 0.8]), np.array([0.1, 0.6, -0.4]), 0.9])


# --- module constants computed from module constants -------------------------------------------------

def test_module_arrays_computed_from_literal_arrays(tmp_path):
    # `global values are not supported`: SOBEL_Y = SOBEL_X.T at the module's top level
    source = '''
        import numpy as np

        SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
        SOBEL_Y = SOBEL_X.T
        G = [1.0, 2.0, 1.0]
        BLUR = np.outer(G, G) / 16.0

        def edge_energy(img):
            total = 0.0
            for i in range(img.shape[0] - 2):
                patch = img[i:i + 3, 1:4]
                total += np.sum(patch * SOBEL_X) ** 2 + np.sum(patch * SOBEL_Y) ** 2 + np.sum(patch * BLUR) ** 3
            return total
    '''
    _check(tmp_path, source, "edge_energy", [np.linspace(-1.0, 1.2, 20).reshape(4, 5)])
    written = textwrap.dedent(source).replace("total = 0.0", "total = 0.0\n    SOBEL_Y[0, 0] = img[0, 0]")
    module = ast.parse(written)  # SOBEL_Y, a view of SOBEL_X, written into: neither is a constant
    found = literal_lists(module, lambda n: n == "np", lambda n: "numpy" if n == "np" else None)
    assert set(found) == {"G", "BLUR"}


# --- writes into arrays nothing holds -------------------------------------------------------------------

def test_writes_into_an_array_just_computed_change_nothing(tmp_path):
    # `only augmented assignments to a name or a part of an array`: the array written into is dropped
    _check(tmp_path, '''
        import numpy as np

        def f(x, v):
            np.ones(4)[[0, 0]] += 0.5
            ((x ** 2 + 0.5) ** 0.5)[[0, 0, 2]] += v
            (x * 2.0)[0] = v
            return np.sum(np.tanh(x) * v)
    ''', "f", [np.linspace(-1.0, 1.0, 12).reshape(3, 4), np.array([0.5, -0.3, 0.8, 1.1])])


# --- global statements ---------------------------------------------------------------------------------

def test_global_statements_of_names_only_read(tmp_path):
    # `global statements are not supported`, and the module's constants were no constants then
    _check(tmp_path, '''
        import numpy as np

        SCALE = 2.5
        WEIGHTS = np.array([0.5, -1.0, 2.0])
        calls = 0

        def helper(x):
            global SCALE
            return np.tanh(x * SCALE)

        def count():
            global calls
            calls += 1
            return calls

        def f(x):
            global WEIGHTS, SCALE
            return np.sum(helper(x) * WEIGHTS) * SCALE
    ''', "f", [np.array([0.3, -0.4, 0.9])])
    _refused('''
        SCALE = 2.5

        def f(x):
            global SCALE
            SCALE = SCALE * 2.0
            return x * SCALE
    ''', "global statements are not supported")


# --- helpers taking *args -------------------------------------------------------------------------------

def test_a_helper_taking_args_called_with_two_and_with_one(tmp_path):
    # `variable arguments (*args / **args) are not supported`: autograd's concat_and_multiply
    _check(tmp_path, '''
        import numpy as np

        def concat_and_multiply(weights, *args):
            cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
            return np.dot(cat_state, weights) * len(args)

        def f(change, predict, x, h):
            """
            - change: (5, 3)
            - predict: (4, 2)
            - x: (2, 1)
            - h: (2, 3)
            """
            h = np.tanh(concat_and_multiply(change, x, h))
            out = concat_and_multiply(predict, h)
            return np.sum(out ** 2)
    ''', "f", [np.linspace(-1.0, 1.0, 15).reshape(5, 3), np.linspace(0.5, -0.5, 8).reshape(4, 2),
               np.array([[0.3], [-0.6]]), np.linspace(-0.2, 0.4, 6).reshape(2, 3)])


def test_a_dict_read_by_get_and_its_values_looped_over(tmp_path):
    _check(tmp_path, '''
        import numpy as np

        def f(x, w):
            layers = {'first': w, 'second': w * 0.5}
            h = x
            for W in layers.values():
                h = np.tanh(h @ W)
            return np.sum(h * layers.get('second')[0])
    ''', "f", [np.array([[0.3, -0.6]]), np.array([[0.5, -0.2], [0.1, 0.7]])])


def test_dict_comprehensions_over_a_dict_the_function_builds(tmp_path):
    # `Dict expressions are not supported here`: a step of gradient descent written over a dict of parameters
    _check(tmp_path, '''
        import numpy as np

        def f(W, b, x):
            lr = 0.1
            params = {"W": W, "b": b}
            grads = {"W": x.T @ np.tanh(x @ W), "b": np.ones_like(b)}
            stepped = {k: params[k] - lr * grads[k] for k in params}
            scaled = {name: 2.0 * p if name.startswith("W") else p for name, p in stepped.items()}
            return np.sum((x @ scaled["W"] + scaled["b"]) ** 2)
    ''', "f", [np.random.default_rng(5).normal(size=(3, 2)), np.array([0.2, -0.4]),
                np.random.default_rng(6).normal(size=(4, 3))])


def test_a_dict_comprehension_over_a_dict_given_keys_later_is_left_as_written():
    # the keys the comprehension sees are those the dict holds then: one written in after the display
    _refused('''
        import numpy as np

        def f(W, b):
            params = {"W": W}
            params["b"] = b
            doubled = {k: 2.0 * v for k, v in params.items()}
            return np.sum(doubled["W"]) + np.sum(doubled["b"])
    ''', r"a loop over params\.items\(\) is followed where backgen knows the keys of params")


# --- tuples chosen by a condition -----------------------------------------------------------------------

def test_a_tuple_chosen_by_a_conditional_expression(tmp_path):
    # `tuples are only supported as arguments of calls and in indexing`
    source = '''
        import numpy as np

        def f(x, y):
            lo, hi = (x, y) if np.sum(x) < np.sum(y) else (y, x)
            return np.sum(lo * 2.0 + hi ** 2)
    '''
    _check(tmp_path, source, "f", [np.array([0.3, -0.2]), np.array([0.5, 0.4])])
    _check(tmp_path, source, "f", [np.array([0.9, 0.2]), np.array([-0.5, 0.4])])


# --- loops over generators -------------------------------------------------------------------------------

def test_a_loop_over_a_generator_of_layers(tmp_path):
    # `generators (yield) are not supported`: autograd's unpack_layers
    _check(tmp_path, '''
        import numpy as np

        def unpack_layers(weights, sizes):
            for m, n in sizes:
                yield weights[:m * n].reshape((m, n)), weights[m * n:m * n + n]
                weights = weights[(m + 1) * n:]

        def f(weights, inputs):
            """
            - weights: (13,)
            - inputs: (2, 2)
            """
            weights_unpack_layers = 2.0
            for W, b in unpack_layers(weights, [(2, 3), (3, 1)]):
                inputs = np.tanh(inputs @ W + b) * weights_unpack_layers
            return np.sum(inputs ** 2)
    ''', "f", [np.linspace(-1.0, 1.0, 13), np.array([[0.3, -0.5], [0.8, 0.1]])])


# --- starred arguments, unused *args and **kwargs, lists of iterators -------------------------------

def test_starred_arguments_of_known_length(tmp_path):
    # `starred arguments (*args) are supported in calls of np.random only`
    _check(tmp_path, '''
        import math
        import numpy as np

        def f(a, b, c, x):
            v = [a, b * 2.0]
            shape = (3, 2)
            r = math.hypot(*v, c) + math.hypot(*(a, c))
            return r * np.sum(np.tanh(x.reshape(*shape)) * np.arange(6.0).reshape(3, 2))
    ''', "f", [0.7, -1.2, 0.4, np.linspace(-1.0, 1.0, 6)])


def test_a_starred_list_the_code_changes_is_refused():
    # the items of v are not those written (v.append): the call's count is not known from the source
    _refused('''
        import math

        def f(a, b):
            v = [a, b]
            v.append(a * b)
            return math.atan2(*v)
    ''', "starred arguments")


def test_unused_variable_arguments(tmp_path):
    # `variable arguments (*args / **args) are not supported`, though the body never reads them
    source = '''
        import numpy as np

        def f(x, w, reg=0.1, *args, **kwargs):
            return np.sum(np.tanh(x * w)) + reg * np.sum(w ** 2)
    '''
    args = [np.array([[0.3, -0.5], [0.8, 0.1]]), np.array([[0.2, 0.4], [-0.6, 0.9]]), 0.25]
    _check(tmp_path, source, "f", args)
    module = _module(tmp_path, textwrap.dedent(source), "extras")
    decorated = backgen.backward(module.f)
    dx, dw, dreg = decorated.backward(args[0], args[1], 0.25, "ignored", verbose=True)
    np.testing.assert_allclose(dw, gradient(module.f, args, 1), rtol=1e-6)
    np.testing.assert_allclose(dreg, gradient(module.f, args, 2), rtol=1e-6)


def test_variable_arguments_read_are_refused_at_the_read():
    error = _refused('''
        import numpy as np

        def f(x, **kwargs):
            reg = kwargs["reg"]
            return np.sum(x ** 2) * reg
    ''', r"\*\*kwargs \(line 4\) is read here")  # (kwargs.get("reg", 0.1) alone: the parameter reg=0.1)
    assert error.lineno == 5


def test_loops_over_lists_of_iterators_and_tuples_written_out(tmp_path):
    # `unknown function 'list'` (list(zip(...))) and `Tuple expressions are not supported here`
    _check(tmp_path, '''
        C = (1.0, 2.0, 0.5)

        def f(x, y):
            s = 0.0
            for c, p in list(zip(C, (3.0, 2.0, 1.0))):
                s += c * x ** p
            for k, w in list(enumerate((0.5, 0.25))):
                s += w * y ** (k + 1)
            for w in reversed((0.1, 0.2)):
                s = s * w + x * y
            for w in tuple([0.3, 0.7]):
                s += w * y
            return s
    ''', "f", [0.8, -0.6])


def test_a_list_of_an_iterator_the_loop_changes_is_not_unwrapped():
    # list(zip(xs, ...)) copies the items before the body writes into xs (through an alias): a zip
    # would see the write, so the list is left as written (and refused)
    _refused('''
        def f(a, b):
            xs = [a, b, a * b]
            ys = xs
            s = 0.0
            for k, (u, v) in enumerate(list(zip(xs, [1.0, 2.0, 3.0]))):
                if k < 2:
                    ys[k + 1] = u * 3.0
                s += u * v
            return s
    ''', "unknown function 'list'")


def test_loops_over_a_reversed_list_of_an_enumeration_or_a_zip(tmp_path):
    # `unknown function 'list'`: the items of enumerate(xs) or zip(xs, ys), last first
    _check(tmp_path, '''
        import numpy as np

        def f(xs, ys, W):
            hs = []
            h = np.zeros(3)
            for x in xs:
                h = np.tanh(W @ h + x)
                hs.append(h)
            total = 0.0
            for t, h_t in reversed(list(enumerate(hs))):
                total = 0.5 * total + (t + 1) * np.sum(h_t ** 2)
            for x, y in reversed(tuple(zip(xs, ys))):
                total = 0.9 * total + x @ y
            for pair in reversed(list(zip(hs, ys))):
                total = total + pair[0] @ pair[1]
            for y in reversed(list(ys)):
                total = 0.8 * total + np.sum(y)
            return total
    ''', "f", [np.random.default_rng(1).normal(size=(4, 3)), np.random.default_rng(2).normal(size=(3, 3)),
                0.5 * np.random.default_rng(3).normal(size=(3, 3))])


def test_a_reversed_list_of_an_enumeration_the_loop_writes_into_is_not_rewritten():
    # the list holds the items as they were: indexing xs in the loop would see the write
    _refused('''
        def f(a, b):
            xs = [a, b, a * b]
            s = 0.0
            for k, u in reversed(list(enumerate(xs))):
                if k > 0:
                    xs[k - 1] = u * 3.0
                s += u * s + u
            return s
    ''', "unknown function 'list'")


def test_loops_over_itertools_product_are_nested_loops(tmp_path):
    # `unknown function 'itertools.product'`
    _check(tmp_path, '''
        import itertools
        from itertools import product

        import numpy as np

        def f(x, W, ws):
            s = 0.0
            for i, j in itertools.product(range(3), range(len(x))):
                if i == j:
                    continue
                s += W[i, j] * x[i] * x[j] / (j + 2)
            for i, j, k in product(range(2), repeat=3):
                s += x[i] * x[j] * x[k] * W[i, k]
            n = 2
            grid = np.linspace(0.0, 1.0, 3)
            for w, t in product(ws, grid):
                s += np.tanh(w * t + x[n])
            return s
    ''', "f", [np.array([0.3, -0.7, 1.1]), np.random.default_rng(4).normal(size=(3, 3)), np.array([0.5, -1.5])])


def test_a_product_whose_inner_iterable_is_an_iterator_is_not_nested():
    # nested, the inner loop would use the iterator up in the first outer iteration
    _refused('''
        from itertools import product

        def f(x, y):
            s = 0.0
            inner = iter([x, y])
            for a, b in product([1.0, 2.0], inner):
                s += a * b
            return s
    ''', "a loop over itertools.product is read as the nested loops it stands for, and this one cannot be: "
        "an inner iterable may give other items when made again")
    error = _refused('''
        import itertools

        def f(x):
            s = 0.0
            for i, j in itertools.product(range(3), range(3)):
                if x * i > 1.0:
                    break
                s += x * i * j
            return s
    ''', "it has a break or an else, which would leave the inner loop alone")
    assert error.lineno == 6


def test_a_named_list_of_an_iterator_read_by_loops(tmp_path):
    # `unknown function 'list'`: pairs = list(zip(...)) bound once, then iterated
    _check(tmp_path, '''
        import numpy as np

        RATES = (0.5, 0.25, 0.125)

        def f(x, w):
            pairs = list(zip(RATES[:-1], RATES[1:]))
            for a, b in pairs:
                x = np.tanh(x * a + w * b)
            for a, b in pairs:
                x = x * (a - b)
            return np.sum(x ** 2)
    ''', "f", [np.array([0.3, -0.4, 0.9]), np.array([0.2, 0.7, -0.1])])


def test_a_test_of_constants_alone_is_decided(tmp_path):
    # `variable 'y' may be unassigned here: it is set only when len((2.0, 3.0, 4.0)[1:]) > 1 ...`
    _check(tmp_path, '''
        import numpy as np

        SIZES = (2.0, 3.0, 4.0)

        def f(x):
            if len(SIZES[1:]) > 1 and max(SIZES) == 4.0:
                y = np.tanh(x) * SIZES[0]
            return np.sum(y ** 2)
    ''', "f", [np.array([0.1, 0.2, -0.3])])
    _check(tmp_path, '''
        import numpy as np

        def f(x, scale=(1.0, 2.0)):
            if max(scale) == 2.0:
                y = np.tanh(x)
            return np.sum(y ** 2)
    ''', "f", [np.array([0.1, 0.2, -0.3])])  # (a setting: where a caller passes others, reading y raises)


def test_hypot_of_a_starred_comprehension(tmp_path):
    # `starred arguments (*args) are supported in calls of np.random only`: any number of items
    _check(tmp_path, '''
        from math import hypot

        def f(p, q, k):
            d = hypot(*[a - b for a, b in zip(p, q)])
            return 0.5 * k * (d - 1.0) ** 2
    ''', "f", [[0.3, 1.2, -0.5], [1.0, 0.1, 0.4], 2.0])
