"""Loss functions and activations as public NumPy code writes them: layers in CS231n's form
(``return out, cache``), losses returning ``(loss, dx)``, stable idioms.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, module_in
from test_layer_acceptance import assert_close, layer_gradients

RNG = np.random.default_rng(31)


def _away(*shape):
    """Normal values kept at least 0.1 from 0 (the kink of a ReLU-like activation)."""
    v = RNG.standard_normal(shape)
    return np.where(np.abs(v) < 0.1, v + 0.3 * np.sign(v + 1e-9), v)


# --- a layer calling no NumPy, in a module importing it, is a layer of arrays ---------------------

PRELU_LAYERS = {
    "masked": '''
        import numpy as np

        def prelu_forward(x, alpha):
            mask = x > 0
            out = x * mask + alpha * x * (~mask)
            cache = (x, alpha, mask)
            return out, cache
    ''',
    "scaled": '''
        import numpy as np

        def prelu_forward(x, alpha):
            out = None
            out = alpha * x
            cache = (x, alpha)
            return out, cache
    ''',
    "added": '''
        import numpy as np

        def prelu_forward(x, alpha):
            out = x + alpha * x
            cache = (x, alpha)
            return out, cache
    ''',
}


@pytest.mark.parametrize("case", sorted(PRELU_LAYERS))
def test_a_layer_without_numpy_calls_unbroadcasts_a_learned_alpha_of_its_own_shape(case):
    # written for numbers, the backward gave dalpha = x * dout, of x's shape (4, 3), for alpha of shape (3,)
    x, alpha = _away(4, 3), RNG.uniform(0.1, 0.3, 3)
    got, want, _ = layer_gradients(PRELU_LAYERS[case], "prelu_forward", [x, alpha])
    assert_close(got, want)


def test_a_layer_without_numpy_calls_still_takes_numbers():
    got, want, _ = layer_gradients(PRELU_LAYERS["scaled"], "prelu_forward", [0.7, 0.25])
    assert_close(got, want)


# --- helpers given a setting or an optional array of their caller --------------------------------


def _generated(source, name, shapes=None):
    namespace = {}
    exec(backgen.generate(textwrap.dedent(source), name=name, shapes=shapes), namespace)
    return namespace[f"{name}_backward"]


def _forward(source, name):
    namespace = {}
    exec(textwrap.dedent(source), namespace)
    return namespace[name]


def _assert_right_by_keyword(source, name, args, kwargs=None, shapes=None):
    """The generated backward, called with ``dout`` by keyword (the forward's defaults left as they are,
    or given in ``kwargs``), matches central differences with respect to each array of ``args``."""
    kwargs = kwargs or {}
    forward = _forward(source, name)
    backward = _generated(source, name, shapes)
    out = forward(*[a.copy() for a in args], **kwargs)
    dout = RNG.standard_normal(np.shape(out)) if np.shape(out) else 1.3
    got = backward(*[a.copy() for a in args], **kwargs, dout=dout)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(lambda *a: forward(*[v.copy() for v in a], **kwargs), list(args),
                              range(len(args)), [dout])
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)


NONE_TESTED_HELPER = '''
    import numpy as np

    def _reduce(loss, weight):
        if weight is None:
            out = loss.sum()
        else:
            out = (loss * weight).mean()
        return out

    def f(x, weight=None):
        return _reduce(x ** 2, weight)
'''


@pytest.mark.parametrize("shapes", [None, {"x": "N"}], ids=["shape-generic", "shapes"])
def test_a_helper_testing_an_optional_array_its_caller_passes_follows_the_default(shapes):
    # staged as a helper, its code was for a weight given: f(x) got the mean's gradient 2x/3, not 2x
    x = RNG.standard_normal(4)
    _assert_right_by_keyword(NONE_TESTED_HELPER, "f", [x], shapes=shapes)
    _assert_right_by_keyword(NONE_TESTED_HELPER, "f", [x, RNG.uniform(0.5, 2.0, 4)], shapes=shapes)


WEIGHT_REDUCE_LOSS = '''
    import numpy as np

    def weight_reduce_loss(loss, weight=None, reduction="mean", avg_factor=None):
        if weight is not None:
            loss = loss * weight
        if avg_factor is None:
            if reduction == "mean":
                return loss.mean()
            if reduction == "sum":
                return loss.sum()
            return loss
        if reduction == "mean":
            return loss.sum() / avg_factor
        if reduction == "none":
            return loss
        raise ValueError('avg_factor can not be used with reduction="sum"')

    def smooth_l1_loss(pred, target, weight=None, beta=1.0, reduction="mean", avg_factor=None):
        diff = np.abs(pred - target)
        loss = np.where(diff < beta, 0.5 * diff * diff / beta, diff - 0.5 * beta)
        return weight_reduce_loss(loss, weight, reduction, avg_factor)
'''


@pytest.mark.parametrize("kwargs", [{}, {"avg_factor": 3.0}, {"reduction": "sum"}, {"reduction": "none"}],
                         ids=["defaults", "avg_factor", "sum", "none"])
def test_mmdetection_s_weight_reduce_loss_follows_its_settings_and_optional_arrays(kwargs):
    # a TypeError (float / None) in the helper's backward for the defaults, a refusal with shapes
    pred, target = RNG.standard_normal(6) * 2, RNG.standard_normal(6)
    for shapes in (None, {"pred": "N", "target": "N", "weight": "N"}) if not kwargs else (None,):
        _assert_right_by_keyword(WEIGHT_REDUCE_LOSS, "smooth_l1_loss", [pred, target], kwargs, shapes)
        _assert_right_by_keyword(WEIGHT_REDUCE_LOSS, "smooth_l1_loss", [pred, target, RNG.uniform(0.5, 2, 6)],
                                 kwargs, shapes)


def test_a_none_tested_helper_that_cannot_be_written_out_is_refused_at_the_call():
    source = '''
        import numpy as np

        def _reduce(loss, weight):
            if weight is None:
                return loss.sum()
            for _ in range(2):
                if loss.shape[0] > 100:
                    return loss.mean()
            return (loss * weight).mean()

        def f(x, weight=None):
            return _reduce(x ** 2, weight)
    '''
    with pytest.raises(backgen.BackgenError, match=r"_reduce\(\) tests whether weight is None, and is given weight"):
        backgen.generate(textwrap.dedent(source), name="f")


REDUCE_HELPER = '''
    import numpy as np

    def _reduce(loss, reduction):
        if reduction == "mean":
            return np.mean(loss)
        if reduction == "sum":
            return np.sum(loss)
        if reduction == "none":
            return loss
        raise ValueError(f"unknown reduction {reduction!r}")

    def mse_loss(a, b, reduction="mean"):
        return _reduce((a - b) ** 2, reduction)
'''


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shapes", [None, {"a": "N, C", "b": "N, C"}], ids=["shape-generic", "shapes"])
def test_a_reduction_helper_returning_early_is_written_out_in_its_caller(reduction, shapes):
    # refused: "an operand here has shape (6, 6) at reduction = 'none', but the code is written for ()"
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    _assert_right_by_keyword(REDUCE_HELPER, "mse_loss", [a, b], {"reduction": reduction}, shapes)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_a_reduction_helper_returning_early_under_the_decorator(reduction, tmp_path):
    module = module_in(tmp_path, textwrap.dedent(REDUCE_HELPER), f"reduce_helper_{reduction}")
    decorated = backgen.backward(module.mse_loss)
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    out = module.mse_loss(a, b, reduction)
    dout = RNG.standard_normal(np.shape(out)) if np.shape(out) else 1.3
    got = decorated.backward(a, b, reduction, dout=dout)
    want = finite_differences(lambda x, y: module.mse_loss(x, y, reduction), [a, b], [0, 1], [dout])
    assert_close(got, tuple(want))


def test_a_reduction_helper_returning_early_inside_an_expression_given_shapes():
    source = '''
        import numpy as np

        def _reduce(loss, reduction):
            if reduction == "mean":
                return loss.mean()
            elif reduction == "sum":
                return loss.sum()
            return loss

        def loss(a, b, reduction="none"):
            return _reduce(np.abs(a - b), reduction) * 2.0 + 0.1 * np.sum(a ** 2)
    '''
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    _assert_right_by_keyword(source, "loss", [a, b], shapes={"a": "N, C", "b": "N, C"})


@pytest.mark.parametrize("scale", [1.0, -1.0], ids=["early-return", "write"])
def test_a_helper_writing_into_its_argument_and_returning_early_is_written_out(scale):
    # refused before ("writes into the array passed as the parameter 'h'"): its early return kept the
    # inliner from writing it out; each path now followed, z[0, 0] > 0.5 at scale 1 and not at -1
    assert_generated_right('''
        def relu_(h):
            if h[0, 0] > 0.5:
                return h
            h[h < 0] = 0.0
            return h

        def f(x: "4, 3", W: "3, 5"):
            z = x @ W
            a = relu_(z)
            return np.sum(a * z)
    ''', [scale * np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.9, -0.8, 15).reshape(3, 5)])


MASK_TWO_LEVELS = '''
    import numpy as np

    def _masked_mean(v, mask):
        if mask is None:
            return v.mean()
        return (v * mask).sum() / mask.sum()

    def _loss(x, t, mask):
        return _masked_mean((x - t) ** 2, mask)

    def f(x, t, mask=None):
        return _loss(x, t, mask)
'''


def test_an_optional_array_passed_through_a_helper_to_one_testing_it_follows_the_default():
    # _loss passes mask on to _masked_mean, which tests it: staged as helpers, f(x, t) crashed (float * None)
    x, t = RNG.standard_normal(5), RNG.standard_normal(5)
    _assert_right_by_keyword(MASK_TWO_LEVELS, "f", [x, t])
    _assert_right_by_keyword(MASK_TWO_LEVELS, "f", [x, t, np.array([1.0, 0.0, 1.0, 1.0, 0.0])])


def test_an_optional_array_passed_through_a_helper_under_the_decorator(tmp_path):
    # the decorator knew _masked_mean only once _loss was written out in f: "unknown function '_masked_mean'"
    module = module_in(tmp_path, textwrap.dedent(MASK_TWO_LEVELS), "mask_two_levels")
    decorated = backgen.backward(module.f)
    x, t = RNG.standard_normal(5), RNG.standard_normal(5)
    got = decorated.backward(x, t)  # (and 0.0 for mask, left None)
    want = finite_differences(module.f, [x, t], [0, 1], [1.0])
    assert_close(got[:2], tuple(want))


# --- calls through a module's table of functions ----------------------------------------------------

DISPATCHED = '''
    import numpy as np

    def relu(z):
        return np.maximum(z, 0)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def _none(x):
        return x

    ACTIVATIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}
    REDUCTIONS = {"mean": np.mean, "sum": np.sum, "none": _none}

    def layer(x, W, act="sigmoid"):
        return np.sum(ACTIVATIONS[act](x @ W) * 2.0 + ACTIVATIONS["tanh"](x @ W))

    def l1_loss(a, b, reduction="mean"):
        return REDUCTIONS[reduction](np.abs(a - b))
'''


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh"])
def test_an_activation_chosen_from_a_table_of_functions_by_a_setting(act):
    # refused: "only calls of named functions are supported"
    x, W = _away(4, 3), RNG.standard_normal((3, 2))
    for shapes in (None, {"x": "N, D", "W": "D, H"}):
        _assert_right_by_keyword(DISPATCHED, "layer", [x, W], {"act": act}, shapes)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_a_reduction_chosen_from_a_table_of_functions(reduction, tmp_path):
    a, b = _away(4, 3), RNG.standard_normal((4, 3))
    _assert_right_by_keyword(DISPATCHED, "l1_loss", [a, b], {"reduction": reduction})
    module = module_in(tmp_path, textwrap.dedent(DISPATCHED), f"dispatched_{reduction}")
    decorated = backgen.backward(module.l1_loss)
    out = module.l1_loss(a, b, reduction)
    dout = RNG.standard_normal(np.shape(out)) if np.shape(out) else 1.3
    want = finite_differences(lambda u, v: module.l1_loss(u, v, reduction), [a, b], [0, 1], [dout])
    assert_close(decorated.backward(a, b, reduction, dout=dout), tuple(want))


LAMBDA_TABLE = '''
    import numpy as np

    def relu(z):
        return np.maximum(z, 0.0)

    ACTIVATIONS = {"relu": relu, "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
                   "leaky": lambda z: np.where(z > 0, z, 0.01 * z)}
    LOSSES = {"mse": lambda p, t: np.mean((p - t) ** 2), "mae": lambda p, t: np.mean(np.abs(p - t))}

    def layer(x, W, act="sigmoid"):
        h = ACTIVATIONS[act](x @ W)
        return np.sum(h * h) + np.sum(ACTIVATIONS["leaky"](x))

    def loss(p, t, kind="mse"):
        return LOSSES[kind](p, t)
'''


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "leaky"])
def test_a_table_of_lambdas_chosen_by_a_setting(act, tmp_path):
    # "sigmoid": lambda z: ... refused the whole table ("only calls of named functions are supported"); a lambda
    # reading its parameter three times is given x @ W named once (z = x @ W), as its parameter is named
    x, W = _away(4, 3), RNG.standard_normal((3, 2))
    for shapes in (None, {"x": "N, D", "W": "D, H"}):
        _assert_right_by_keyword(LAMBDA_TABLE, "layer", [x, W], {"act": act}, shapes)
    text = backgen.generate(textwrap.dedent(LAMBDA_TABLE), name="layer", shapes={"x": "N, D", "W": "D, H"})
    assert "z = x @ W" in text and "h = 1 / (1 + np.exp(-z))" in text
    module = module_in(tmp_path, textwrap.dedent(LAMBDA_TABLE), f"lambda_table_{act}")
    want = finite_differences(lambda u, v: module.layer(u, v, act), [x, W], [0, 1], [1.0])
    assert_close(backgen.backward(module.layer).backward(x, W, act), tuple(want))


def test_the_decorator_follows_a_table_changed_between_calls(tmp_path):
    # the table's entry bound again between calls (to NumPy's, a def of the module): the code written for the
    # entry before was used again, a wrong gradient; the decorator keys its code on the table's entries
    module = module_in(tmp_path, textwrap.dedent(LAMBDA_TABLE), "lambda_table_changed")
    decorated = backgen.backward(module.layer)
    x, W = _away(4, 3), RNG.standard_normal((3, 2))
    for entry in (np.tanh, np.sin, module.relu, np.arctan, np.tanh):
        module.ACTIVATIONS["tanh"] = entry
        want = finite_differences(lambda u, v: module.layer(u, v, "tanh"), [x, W], [0, 1], [1.0])
        assert_close(decorated.backward(x, W, "tanh"), tuple(want))


@pytest.mark.parametrize("kind", ["mse", "mae"])
def test_a_table_of_lambdas_of_two_parameters(kind):
    p, t = _away(4, 3), RNG.standard_normal((4, 3))
    _assert_right_by_keyword(LAMBDA_TABLE, "loss", [p, t], {"kind": kind})


def test_an_argument_a_lambda_reads_twice_is_computed_once_inside_an_expression_too():
    source = '''
        import numpy as np

        ACT = {"leaky": lambda z: np.where(z > 0, z, 0.01 * z), "tanh": np.tanh}

        def f(x, W, k="leaky"):
            return np.sum(ACT[k](x @ W)) + np.sum(ACT["leaky"](x @ W - 0.5) * 2.0)
    '''
    x, W = _away(4, 3), RNG.standard_normal((3, 2))
    for k in ("leaky", "tanh"):
        _assert_right_by_keyword(source, "f", [x, W], {"k": k}, {"x": "N, D", "W": "D, H"})
    text = backgen.generate(textwrap.dedent(source), name="f", shapes={"x": "N, D", "W": "D, H"})
    assert "z = x @ W" in text and "mask = z > 0" in text and "mask2 = z1 > 0" in text and "prod2 = 0.01 * z1" in text


def test_a_lambda_reading_a_name_the_function_binds_is_not_written_in():
    # its body reads the module's scale, which the function's own parameter would hide there
    source = '''
        import numpy as np

        scale = 3.0
        ACT = {"s": lambda z: scale * z}

        def f(x, scale=2.0, kind="s"):
            return np.sum(ACT[kind](x)) * scale
    '''
    with pytest.raises(backgen.BackgenError, match="only calls of named functions are supported"):
        backgen.generate(textwrap.dedent(source), name="f")


def test_a_table_written_into_is_not_read_as_one():
    source = '''
        import numpy as np

        ACT = {"tanh": np.tanh}
        ACT["tanh"] = np.exp

        def f(x, kind="tanh"):
            return np.sum(ACT[kind](x))
    '''
    with pytest.raises(backgen.BackgenError, match="only calls of named functions are supported"):
        backgen.generate(textwrap.dedent(source), name="f")


REDUCE_ASSIGNED = '''
    import numpy as np

    def _reduce(loss, reduction):
        if reduction == "mean":
            out = loss.mean()
        elif reduction == "sum":
            out = loss.sum()
        else:
            out = loss
        return out

    def l1_loss(a, b, reduction="sum"):
        return _reduce(np.abs(a - b), reduction)
'''


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_a_reduction_helper_assigning_on_each_path_is_written_out_for_arrays_of_every_shape(reduction):
    # written out with one name of two shapes, the shape-generic code was for numbers (TypeError for arrays)
    a, b = _away(4, 3), RNG.standard_normal((4, 3))
    _assert_right_by_keyword(REDUCE_ASSIGNED, "l1_loss", [a, b], {"reduction": reduction})
