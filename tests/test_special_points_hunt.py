"""Forward functions evaluated exactly at special points: a product with zeros, a power at 0 or of a
negative number, a guarded root, a where whose untaken branch is nan or infinite there, -inf in a
softmax, a log-sum-exp of large numbers, and kinks (np.maximum, np.abs, np.clip, ties in max and sort).

Where the function is differentiable the generated backward must match central finite differences
(``numeric``) in float64, never nan.  At a kink the gradient must be the documented subgradient, and
lie between the one-sided differences seen from the left and from the right.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, generated_gradients

A = np.array
assert_right = assert_generated_right


# --- products with zeros: no division by the product ---------------------------------------


@pytest.mark.parametrize("x", [A([2.0, 0.0, 3.0, -1.5]), A([2.0, 0.0, 3.0, 0.0]), np.zeros(3)],
                         ids=["one zero", "two zeros", "all zeros"])
@pytest.mark.parametrize("body", ["np.prod(x)", "x.prod()", "np.cumprod(x)"])
def test_product_with_zeros(x, body):
    assert_right(f"def f(x):\n    return {body}\n", [x], (np.linspace(0.5, 1.5, x.size) if "cum" in body else 1.3,))


def test_product_in_a_loop_with_a_zero():
    assert_right('''
        def f(x):
            p = 1.0
            for i in range(len(x)):
                p *= x[i]
            return p
    ''', [A([2.0, 0.0, 3.0, -1.5])])


def test_noisy_or_with_a_certain_cause():
    assert_right('''
        def f(p):
            """Noisy-or of independent causes."""
            return 1.0 - np.prod(1.0 - p)
    ''', [A([0.2, 1.0, 0.5])])


# --- powers at 0 and of negative numbers ----------------------------------------------------


@pytest.mark.parametrize("k", ["0", "1", "2", "3", "0.0", "1.0", "2.0", "3.0"])
def test_integer_power_at_zero_and_at_a_negative_number(k):
    assert_right(f"def f(x):\n    return np.sum(x ** {k}) + np.sum(np.power(x, {k}))\n", [A([-2.0, 0.0, 1.5])])


@pytest.mark.parametrize("body", ["math.pow(x, 3)", "math.pow(x, 3.0)", "pow(x, 3)", "x ** 3.0", "(-x) ** 3.0"])
def test_integer_float_power_of_a_negative_number(body):
    assert_right(f"import math\ndef f(x):\n    return {body}\n", [-2.0])


def test_polynomial_loop_at_zero():
    assert_right('''
        def f(x, c):
            """Polynomial sum_k c_k x^k."""
            out = 0.0
            for k in range(len(c)):
                out = out + c[k] * x ** k
            return np.sum(out)
    ''', [A([-2.0, 0.0, 1.5]), A([0.5, -1.0, 2.0, 0.3])])


@pytest.mark.parametrize("body", ["(x ** 2) ** 0.75", "np.sqrt(x ** 4)", "np.abs(x) ** 1.5", "0.5 * x * np.abs(x)"])
def test_smooth_power_of_a_square_or_absolute_value_at_zero(body):
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([-2.0, 0.0, 1.5])])


# --- guarded roots and norms ----------------------------------------------------------------


@pytest.mark.parametrize("body", ["np.sqrt(x ** 2 + 1e-8)", "(x * x + 1e-6) ** 0.5"])
def test_guarded_square_root_at_zero(body):
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([-2.0, 0.0, 1.5])])


def test_normalizing_a_zero_vector_with_an_epsilon():
    # x / (|x| + eps) is differentiable at 0, of Jacobian I / eps: the norm's kink is multiplied by x = 0
    got, want = generated_gradients('''
        def f(x):
            eps = 0.5
            norm = np.linalg.norm(x)
            return x / (norm + eps)
    ''', [np.zeros(3)], (A([0.3, -1.2, 0.7]),))
    np.testing.assert_allclose(got[0], A([0.3, -1.2, 0.7]) / 0.5, rtol=1e-12)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4)


# --- np.where whose untaken branch is nan or infinite ---------------------------------------


@pytest.mark.parametrize("body", [
    "np.where(x != 0, np.sin(x) / x, 1.0)",
    "np.where(x == 0, 1.0, np.sin(x) / x)",
    "np.where(x > 0, np.exp(-1.0 / x ** 2), 0.0)",
    "np.where(np.abs(x) < 1, np.exp(-1.0 / (1.0 - x ** 2)), 0.0)",
], ids=["sinc", "sinc reversed", "exp(-1/x^2)", "bump"])
def test_where_whose_untaken_branch_is_nan_at_the_point(body):
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([0.0, 1.0, -1.0, 0.8, 2.0])])


@pytest.mark.parametrize("body", [
    "np.where(x > 0, x * np.log(x), 0.0)",
    "np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)",
    "np.where(x > 0, np.sqrt(x), 0.0)",
], ids=["x log x", "double where", "sqrt"])
def test_where_guarding_a_log_or_root_of_negative_numbers(body):
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([-1.5, -0.2, 0.7, 2.0])])


# --- -inf in a softmax, large numbers in a log-sum-exp ---------------------------------------


def test_causal_attention_masked_with_minus_infinity():
    rng = np.random.default_rng(5)
    assert_right('''
        def f(Q, K, V):
            T = Q.shape[0]
            scores = Q @ K.T
            causal = np.tril(np.ones((T, T))) > 0
            scores = np.where(causal, scores, -np.inf)
            scores -= np.max(scores, axis=-1, keepdims=True)
            p = np.exp(scores)
            p = p / np.sum(p, axis=-1, keepdims=True)
            return p @ V
    ''', [rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), rng.standard_normal((3, 2))],
        (rng.standard_normal((3, 2)),))


def test_log_sum_exp_with_a_minus_infinity_entry():
    got, want = generated_gradients('''
        def f(x):
            m = np.max(x)
            return m + np.log(np.sum(np.exp(x - m)))
    ''', [A([0.5, -np.inf, 1.0])])
    assert np.all(np.isfinite(got[0])) and got[0][1] == 0.0
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)


@pytest.mark.parametrize("a", [800.0, -800.0, 0.0])
def test_logaddexp_of_large_numbers(a):
    assert_right("def f(a, b):\n    return np.logaddexp(a, b) + np.logaddexp(0, a)\n", [a, 1.0])


# --- kinks: the subgradient backgen gives ----------------------------------------------------


def _one_sided(source, x, dout):
    namespace = {"np": np}
    exec(textwrap.dedent(source), namespace)
    f = lambda v: float(np.sum(namespace["f"](v) * dout))  # noqa: E731
    h = 1e-6
    left, right = np.zeros(x.shape), np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[i] = h
        left[i], right[i] = (f(x) - f(x - e)) / h, (f(x + e) - f(x)) / h
    return np.minimum(left, right), np.maximum(left, right)


@pytest.mark.parametrize("body, x, convention", [
    ("np.maximum(x, 0)", A([-1.0, 0.0, 2.0]), A([0.0, 1.0, 1.0])),  # a tie goes to the first operand
    ("np.maximum(0, x)", A([-1.0, 0.0, 2.0]), A([0.0, 0.0, 1.0])),
    ("np.minimum(x, 1.0)", A([-1.0, 1.0, 2.0]), A([1.0, 1.0, 0.0])),
    ("np.abs(x)", A([-1.0, 0.0, 2.0]), A([-1.0, 0.0, 1.0])),  # np.sign: 0 at 0
    ("np.clip(x, 0.0, 1.0)", A([0.0, 0.5, 1.0, 2.0]), A([1.0, 1.0, 1.0, 0.0])),  # the bounds pass it
    ("np.max(x)", A([1.0, 2.0, 2.0, 0.5]), A([0.0, 0.5, 0.5, 0.0])),  # ties share it evenly
    ("np.min(x)", A([1.0, 0.5, 0.5]), A([0.0, 0.5, 0.5])),
])
def test_subgradient_at_a_kink(body, x, convention):
    source = f"def f(x):\n    return {body}\n"
    dout = 1.0 if "max(x)" in body or "min(x)" in body else np.ones(x.shape)
    got, _ = generated_gradients(source, [x], (dout,))
    np.testing.assert_array_equal(got[0], convention)
    low, high = _one_sided(source, x, dout)
    assert np.all(low - 1e-4 <= got[0]) and np.all(got[0] <= high + 1e-4)


def test_sort_with_ties_gives_each_sorted_position_one_element():
    x, dout = A([1.0, 2.0, 1.0, 0.0]), A([0.1, 0.2, 0.3, 0.4])
    got, _ = generated_gradients("def f(x):\n    return np.sort(x)\n", [x], (dout,))
    assert sorted(got[0]) == sorted(dout)  # a permutation of the upstream: a valid subgradient
    np.testing.assert_array_equal(got[0][[1, 3]], [0.4, 0.1])


# --- the stable softplus: two kinks at 0 that cancel --------------------------------------------


@pytest.mark.parametrize("body", [
    "np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))",
    "np.log1p(np.exp(-np.abs(x))) + np.maximum(0, x)",
    "np.clip(x, 0, None) + np.log(1 + np.exp(-np.abs(x)))",
    "np.log(1.0 + np.exp(-np.abs(x))) + np.maximum(-x, 0)",
    "2.0 - (np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))))",
], ids=["maximum first", "log first", "clip", "of -x", "negated"])
def test_stable_softplus_at_zero(body):
    # smooth of derivative 1/2 at 0, where np.maximum's tie (1 or 0) and np.abs's 0 do not cancel:
    # read as np.logaddexp(0, x)
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([0.0, 1.0, -2.0, 800.0, -800.0])])


def test_binary_cross_entropy_with_logits_of_zero_initialized_weights():
    # TensorFlow's sigmoid_cross_entropy_with_logits formula; w = 0 makes every logit exactly 0
    source = '''
        def f(w, X, y):
            """Logistic regression loss, numerically stable."""
            z = X @ w
            loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
            return np.mean(loss)
    '''
    X, y = A([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), A([1.0, 0.0, 1.0])
    assert_right(source, [np.zeros(2), X, y])
    got, _ = generated_gradients(source, [np.zeros(2), X, y])
    np.testing.assert_allclose(got[0], X.T @ (0.5 - y) / 3, rtol=1e-12)


def test_stable_softplus_by_the_decorator(tmp_path):
    from numeric import module_in

    module = module_in(tmp_path, textwrap.dedent('''
        import numpy as np

        def bce(logits, targets):
            ce = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
            return ce.mean()
    '''), "stable_bce")
    decorated = backgen.backward(module.bce, wrt=["logits"])
    logits, targets = A([[0.0, 0.0], [1.5, 0.0]]), A([[1.0, 0.0], [0.0, 1.0]])
    got = decorated.backward(logits, targets)
    np.testing.assert_allclose(got, (1 / (1 + np.exp(-logits)) - targets) / 4, rtol=1e-12)


def test_softplus_terms_of_two_values_are_left_as_written():
    # np.maximum(x, 0) beside the log term of y: no softplus, each differentiated on its own
    text = backgen.generate("def f(x, y):\n    return np.sum(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(y))))\n")
    assert "logaddexp" not in text
    assert_right("def f(x, y):\n    return np.sum(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(y))))\n",
                 [A([0.5, 1.0]), A([0.3, -2.0])])


@pytest.mark.parametrize("body", [
    "    pos = np.maximum(x, 0)\n    neg = np.log1p(np.exp(-np.abs(x)))\n    return np.mean(pos - x * y + neg)\n",
    "    loss = np.maximum(x, 0)\n    loss += np.log1p(np.exp(-abs(x)))\n    return np.mean(loss - x * y)\n",
    "    loss = np.log1p(np.exp(-np.abs(x)))\n    loss += np.maximum(0, x)\n    return np.mean(loss - x * y)\n",
], ids=["named terms", "accumulated", "accumulated, log first"])
def test_stable_softplus_over_two_statements(body):
    assert_right("def f(x, y):\n" + body, [A([0.0, 1.0, -2.0, 0.0]), A([1.0, 0.0, 1.0, 0.0])])
    assert "logaddexp" in backgen.generate("def f(x, y):\n" + body)


@pytest.mark.parametrize("source", [
    "def f(x):\n    pos = np.maximum(x, 0)\n    x = x * 2.0\n    neg = np.log1p(np.exp(-np.abs(x)))\n"
    "    return np.sum(pos + neg)\n",
    "def f(x):\n    z = x * 1.0\n    pos = np.maximum(z, 0)\n    z[0] = 3.0\n    neg = np.log1p(np.exp(-np.abs(z)))\n"
    "    return np.sum(pos + neg)\n",
    "def f(x):\n    z = x * 1.0\n    pos = np.maximum(z, 0)\n    v = z\n    v[0] = 3.0\n"
    "    neg = np.log1p(np.exp(-np.abs(z)))\n    return np.sum(pos + neg)\n",
], ids=["rebound", "written into", "written through another name"])
def test_softplus_terms_of_a_value_changed_between_are_left_as_written(source):
    # the log term reads another value than the maximum: no softplus (the gradient stays right elsewhere)
    assert "logaddexp" not in backgen.generate(source)
    assert_right(source, [A([0.5, 1.0, -2.0])])


# --- an odd function written as the sign times a function of |x| that is 0 at 0 -------------------


@pytest.mark.parametrize("body", [
    "np.sign(x) * np.log1p(np.abs(x))",  # the symmetric log (DreamerV3's symlog)
    "np.sign(x) * np.log(np.abs(x) + 1.0)",
    "np.log(1 + np.abs(x)) * np.sign(x)",
    "np.sign(x) * (np.sqrt(np.abs(x) + 1) - 1) + 0.001 * x",  # MuZero's value transform
    "np.sign(x) * np.expm1(np.abs(x))",  # symexp
    "np.sign(x) * np.abs(x)",
    "np.sign(x) * np.tanh(2.0 * np.abs(x))",
])
def test_sign_times_a_function_of_the_absolute_value_at_zero(body):
    # derivative h'(0) at 0, where the chain rule alone gives np.sign(0) ** 2 * h'(0) = 0
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([0.0, 1.0, -2.0, 0.5])])


def test_mu_law_companding_at_zero():
    source = '''
        def f(x, mu=255.0):
            """mu-law companding of a signal."""
            return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    '''
    x, dout = A([0.0, 0.25, -0.5]), A([1.0, -0.5, 2.0])
    got, want = generated_gradients(source, [x, 255.0], (dout,))
    np.testing.assert_allclose(got[0][0], 255.0 / np.log1p(255.0), rtol=1e-12)  # exactly the derivative at 0
    np.testing.assert_allclose(got[0], want[0], rtol=1e-3)  # (central differences straddle the kink of f'')
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5)


def test_sign_times_a_function_not_zero_at_zero_is_left_as_written():
    # np.sign(x) * (|x| + 1) jumps at 0: no derivative there to keep; the code stays as written
    text = backgen.generate("def f(x):\n    return np.sum(np.sign(x) * (np.abs(x) + 1.0))\n")
    assert "np.where" not in text
    assert_right("def f(x):\n    return np.sum(np.sign(x) * (np.abs(x) + 1.0))\n", [A([0.5, 1.0, -2.0])])


@pytest.mark.parametrize("body", [
    "np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))",
    "np.where(x > 0, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(-np.abs(x))))",
    "np.where(0 < x, x + np.log1p(np.exp(-np.abs(x))), np.log1p(np.exp(-np.abs(x))))",
    "np.where(x < 0, np.log1p(np.exp(-np.abs(x))), x + np.log1p(np.exp(-np.abs(x))))",
    "np.where(x <= 0, np.log1p(np.exp(-np.abs(x))), x + np.log1p(np.exp(-np.abs(x))))",
], ids=["stable sigmoid", "softplus >", "softplus 0 <", "softplus <", "softplus <="])
def test_where_on_the_sign_whose_branch_taken_at_zero_reads_the_absolute_value(body):
    # the branch taken at 0 reads |x| with the derivative from its own side: sigmoid'(0), sigmoid(0)
    assert_right(f"def f(x):\n    return np.sum({body})\n", [A([0.0, 1.0, -2.0, 30.0, -30.0])])


@pytest.mark.parametrize("body", ["np.sign(x) * np.sqrt(np.abs(x))", "np.sign(x) * np.abs(x) ** 0.5",
                                  "np.where(x >= 0, np.sqrt(np.abs(x)), -np.sqrt(np.abs(x)))"])
def test_signed_square_root_keeps_the_gradient_of_a_root_at_its_minimum(body):
    # an infinite derivative at 0 (power normalization of features that ReLU made 0): the rule of roots
    # at their minimum gives 0 there, not inf or nan; elsewhere the derivative 0.5 / sqrt(|x|)
    got, _ = generated_gradients(f"def f(x):\n    return np.sum({body})\n", [A([0.0, 1.0, -4.0])])
    np.testing.assert_allclose(got[0], [0.0, 0.5, 0.25], rtol=1e-12)
