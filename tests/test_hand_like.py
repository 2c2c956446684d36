"""The generated backward computes what a careful hand-written one does, no more, and is right.

Each case names the work the generated code once did over the hand-written code's, checks that it
is gone from the text, and checks the gradient against central differences at several shapes.
"""

import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import backgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numeric import finite_differences  # noqa: E402


def check(source, name, args, wrt, dout, only=False, annotated=False):
    """The backward generated for ``args``' shapes (``annotated``: for the shapes the source declares),
    against central differences of sum(out * dout) (``only``: the gradients of ``wrt`` alone asked for)."""
    namespace, generated = {}, {}
    exec(source, namespace)
    shapes = None if annotated else \
        {p: ", ".join(map(str, np.shape(a))) for p, a in zip(wrt, [args[k] for k in range(len(wrt))])}
    text = backgen.generate(source, name=name, shapes=shapes, wrt=wrt if only else None)
    exec(text, generated)
    got = generated[f"{name}_backward"](*args, dout)
    got = got if isinstance(got, tuple) else (got,)
    want = finite_differences(namespace[name], list(args), range(len(wrt)), [dout])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
    return text


def code_lines(text):
    return [line.split("#")[0].strip() for line in text.splitlines()]


NORMALIZE = textwrap.dedent('''
import numpy as np

def f(x, gamma):
    mu = np.mean(x, axis=AXIS)
    xmu = x - mu
    var = x.var(axis=AXIS)
    return gamma * xmu / np.sqrt(var + 1e-5)
''')


@pytest.mark.parametrize("axis, keep", [("0", ""), ("1", ", keepdims=True"), ("(0, 1)", "")])
def test_a_divisor_broadcast_is_summed_before_dividing_and_the_spread_reuses_the_centered_value(axis, keep):
    # the gradient of den in num / den was ((-num / den ** 2) * dnum).sum(axis=0): every element divided by
    # den ** 2 before summing, where den is the same along the axis; and np.var's gradient computed
    # x - x.mean(axis=0, keepdims=True) again beside the forward's own xmu = x - mu
    source = NORMALIZE.replace("AXIS)", f"AXIS{keep})").replace("AXIS", axis)
    rng = np.random.default_rng(3)
    for shape in ((5, 3), (2, 7)):
        x = rng.standard_normal(shape) * 2 + 1
        text = check(source, "f", (x, rng.standard_normal(shape[1])), ("x", "gamma"), rng.standard_normal(shape))
        code = code_lines(text)
        assert not any(".mean(" in line for line in code if not line.startswith("mu =")), text
        assert not any("/ den / den) *" in line for line in code), text
        assert any(line.startswith("dden = -(num * ") and line.endswith("/ den / den") for line in code), text


def test_the_spread_of_a_value_centered_along_other_axes_is_centered_again():
    # xmu is centered along axis 0; the spread is along axis 1: its gradient centers x itself
    source = textwrap.dedent('''
    import numpy as np

    def f(x):
        xmu = x - np.mean(x, axis=0)
        return xmu * x.var(axis=1, keepdims=True)
    ''')
    rng = np.random.default_rng(4)
    text = check(source, "f", (rng.standard_normal((4, 3)),), ("x",), rng.standard_normal((4, 3)))
    assert "x.mean(axis=1, keepdims=True)" in text, text


def test_a_divisor_of_the_quotient_s_shape_keeps_its_elementwise_gradient():
    source = textwrap.dedent('''
    import numpy as np

    def f(a, b):
        return a / b
    ''')
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) + 3
    text = check(source, "f", (a, b), ("a", "b"), rng.standard_normal((3, 4)))
    assert ".sum(" not in text, text


def test_a_log_softmax_reads_its_softmax_from_the_forward_s_own_exponentials():
    # its gradient computed np.exp(log_probs) again beside exp = np.exp(shifted) and its sum Z, of which
    # the softmax is exp / Z: a second exponential of every score
    source = textwrap.dedent('''
    import numpy as np

    def f(x, w):
        shifted = x - np.max(x, axis=1, keepdims=True)
        exp = np.exp(shifted)
        Z = np.sum(exp, axis=1, keepdims=True)
        log_probs = shifted - np.log(Z)
        return log_probs * w
    ''')
    rng = np.random.default_rng(6)
    for shape in ((4, 3), (2, 5)):
        text = check(source, "f", (rng.standard_normal(shape) * 3, rng.standard_normal(shape)), ("x", "w"),
                     rng.standard_normal(shape))
        assert "np.exp(log_probs)" not in text and "exp / Z *" in text, text


def test_a_log_softmax_whose_cache_holds_the_log_probabilities_alone_computes_its_softmax_from_them():
    source = textwrap.dedent('''
    import numpy as np

    def log_softmax_forward(x):
        """
        - x: scores of shape (N, C)
        """
        shifted = x - np.max(x, axis=1, keepdims=True)
        Z = np.sum(np.exp(shifted), axis=1, keepdims=True)
        log_probs = shifted - np.log(Z)
        cache = log_probs
        return log_probs, cache
    ''')
    namespace, generated = {}, {}
    exec(source, namespace)
    text = backgen.generate(source, name="log_softmax_forward")
    exec(text, generated)
    assert "np.exp(log_probs)" in text, text
    rng = np.random.default_rng(7)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    got = generated["log_softmax_backward"](dout, namespace["log_softmax_forward"](x)[1])
    want = finite_differences(lambda x: namespace["log_softmax_forward"](x)[0], [x], [0], [dout])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


LEAKY = textwrap.dedent('''
import numpy as np

def leaky(x, alpha: float):
    return np.where(x > 0, x, alpha * x)

def leaky_const(x):
    return np.where(x > 0, 0.01 * x, x) * 3.0

def leaky_both(x, alpha):
    return np.where(x > 0, x, x * alpha)

def leaky_wide(x, alpha: "4, 3"):
    return np.where(x > 0, x, alpha * x)
''')


def test_a_where_of_one_branch_times_the_other_is_one_where_in_the_backward():
    # np.where(x > 0, x, alpha * x) took two np.where (the branches' gradients) and an add where a
    # person writes np.where(x > 0, dout, alpha * dout)
    rng = np.random.default_rng(11)
    for shape in ((4, 3), (5,)):
        x = rng.standard_normal(shape)
        text = check(LEAKY, "leaky", (x, 0.1), ("x",), rng.standard_normal(shape), only=True)
        lines = [line for line in code_lines(text) if line.startswith("d") and not line.startswith("def ")]
        assert lines == ["dx = np.where(mask, dout, alpha * dout)"], text
        text = check(LEAKY, "leaky_const", (x,), ("x",), rng.standard_normal(shape))
        assert sum(line.count("np.where(") for line in code_lines(text)) == 1 and "+=" not in text, text


def test_a_where_of_one_branch_times_the_other_is_right_where_the_factor_is_differentiated_or_broadcasts():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 3))
    check(LEAKY, "leaky_both", (x, rng.standard_normal((4, 3))), ("x", "alpha"), rng.standard_normal((4, 3)))
    check(LEAKY, "leaky_both", (x, 0.2), ("x", "alpha"), rng.standard_normal((4, 3)))
    text = check(LEAKY, "leaky_both", (x, rng.standard_normal((4, 3))), ("x", "alpha"), rng.standard_normal((4, 3)))
    assert "dalpha" in text, text
    # alpha of (4, 3) broadcasts x of (4, 1) to more elements: x's gradient sums over them
    text = check(LEAKY, "leaky_wide", (rng.standard_normal((4, 1)), rng.standard_normal((4, 3))), ("x",),
                 rng.standard_normal((4, 3)), only=True)
    assert "sum(axis=1" in text, text


LOSSES = textwrap.dedent('''
import numpy as np

def softmax_loss(x: "N, C", y: "int N"):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    N = x.shape[0]
    return -np.sum(log_probs[np.arange(N), y]) / N

def weighted_loss(x: "N, C", y: "int N", w: "N"):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(w * log_probs[np.arange(x.shape[0]), y])

def some_rows(x: "N, C", y: "int N"):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(log_probs[np.arange(x.shape[0] - 1), y[:-1]])

def read_twice(x: "N, C", y: "int N"):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(log_probs[np.arange(x.shape[0]), y]) + 0.3 * np.sum(log_probs ** 2)
''')


def test_a_log_softmax_picked_once_per_row_starts_from_the_softmax_without_scattering_into_zeros():
    # the loss's backward scattered its upstream into zeros, summed every row of them again and
    # computed the log-probabilities (and, of a log-sum-exp in one line, np.exp of them again) where a
    # person starts from the probabilities: dx = probs; dx[np.arange(N), y] -= 1
    rng = np.random.default_rng(13)
    for n, c in ((5, 4), (3, 7)):
        x, y = rng.standard_normal((n, c)) * 3, rng.integers(0, c, n)
        for name, args in (("softmax_loss", (x, y)), ("weighted_loss", (x, y, rng.standard_normal(n)))):
            text = check(LOSSES, name, args, ("x",), 1.7, only=True, annotated=True)
            code = "\n".join(code_lines(text))
            for waste in ("zeros", "np.log(", "log_probs", "broadcast_to", ".sum(axis"):
                assert waste not in code, (waste, text)
            assert code.count("np.exp(") == 1, text


def test_a_log_softmax_picked_in_some_rows_or_read_elsewhere_too_is_right():
    rng = np.random.default_rng(14)
    x, y = rng.standard_normal((5, 4)) * 3, rng.integers(0, 4, 5)
    check(LOSSES, "some_rows", (x, y), ("x",), 1.0, annotated=True)
    check(LOSSES, "read_twice", (x, y), ("x",), 0.7, annotated=True)


SVM = textwrap.dedent('''
import numpy as np

def svm_loss(x: "N, C", y: "int N"):
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    return np.sum(margins) / N

def summed_twice(x: "N, C", y: "int N"):
    margins = np.maximum(0, x - x[np.arange(x.shape[0]), y][:, None] + 1.0)
    margins[np.arange(x.shape[0]), y] = 0
    return np.sum(margins) + np.sum(margins) * 0.5
''')


def test_a_number_broadcast_then_written_into_is_an_array_filled_with_it():
    # the SVM loss's backward broadcast its number to the margins' shape, copied that and zeroed the
    # labels' places: np.broadcast_to costs more than the arithmetic at a few rows; np.full(shape, d)
    rng = np.random.default_rng(15)
    for n, c in ((5, 4), (3, 7)):
        x, y = rng.standard_normal((n, c)), rng.integers(0, c, n)
        text = check(SVM, "svm_loss", (x, y), ("x",), 1.3, only=True, annotated=True)
        code = "\n".join(code_lines(text))
        assert "broadcast_to" not in code and ".copy()" not in code and "np.full(margins.shape, dnum)" in code, text
        check(SVM, "summed_twice", (x, y), ("x",), 0.9, only=True, annotated=True)


RETURNED = textwrap.dedent('''
import numpy as np

def loss_and_log_probs(x: "N, C", y: "int N"):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(log_probs[np.arange(x.shape[0]), y]), log_probs

def leaky_and_product(x: "N, C", a: float):
    prod = a * x
    return np.where(x > 0, x, prod), prod
''')


def test_a_fused_pick_or_where_whose_inner_value_is_returned_too_adds_that_output_s_gradient():
    rng = np.random.default_rng(16)
    x, y = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)
    namespace, generated = {}, {}
    exec(RETURNED, namespace)
    exec(backgen.generate(RETURNED, name="loss_and_log_probs", wrt=("x",)), generated)
    douts = [1.3, rng.standard_normal((4, 3))]
    want = finite_differences(namespace["loss_and_log_probs"], [x, y], [0], douts)[0]
    np.testing.assert_allclose(generated["loss_and_log_probs_backward"](x, y, *douts), want, rtol=1e-5, atol=1e-7)
    exec(backgen.generate(RETURNED, name="leaky_and_product", wrt=("x",)), generated)
    douts = [rng.standard_normal((4, 3)), rng.standard_normal((4, 3))]
    want = finite_differences(namespace["leaky_and_product"], [x, 0.1], [0], douts)[0]
    np.testing.assert_allclose(generated["leaky_and_product_backward"](x, 0.1, *douts), want, rtol=1e-5, atol=1e-7)


def test_a_number_broadcast_in_code_with_branches_is_right():
    # the SVM loss returning on one path before its regularization: the adjoint of the margins is
    # given on both paths of the if, and is no number broadcast alone (an internal error, 'AdjointLine'
    # object has no attribute 'undoes', where the broadcast's line was looked for)
    source = textwrap.dedent('''
    import numpy as np

    def svm_loss(W: "D, C", X: "N, D", y: "int N", reg: float = 0.0):
        N = X.shape[0]
        scores = X.dot(W)
        correct = scores[np.arange(N), y][:, np.newaxis]
        margins = np.maximum(0, scores - correct + 1.0)
        margins[np.arange(N), y] = 0
        data_loss = margins.sum() / N
        if reg == 0:
            return data_loss
        return data_loss + reg * np.sum(W * W)
    ''')
    rng = np.random.default_rng(17)
    W, X, y = rng.standard_normal((3, 4)) * 0.5, rng.standard_normal((5, 3)), np.array([0, 3, 1, 2, 0])
    namespace, generated = {}, {}
    exec(source, namespace)
    exec(backgen.generate(source, wrt=("W", "X")), generated)
    for reg in (0.0, 0.1):
        got = generated["svm_loss_backward"](W, X, y, reg, 1.0)
        want = finite_differences(namespace["svm_loss"], [W, X, y, reg], [0, 1], [1.0])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7)
