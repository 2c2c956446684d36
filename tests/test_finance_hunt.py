"""Finance, economics and engineering formulas written as people write them: option payoffs raised to a
power, prospect-theory values, utilities of floored consumption, masks written as products.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as
Python runs it, with respect to its float parameters, by ``backgen.generate`` (shapes as the source
declares them, given, or none) and by the decorator.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_generated_right, finite_differences, fresh_args, imported

RNG = np.random.default_rng(11)
Z = RNG.standard_normal(12)  # (normal draws of a Monte Carlo price: about half the paths end out of the money)



def _module(source):
    """The functions of ``source``, imported from a file of their own (the decorator reads the source)."""
    return imported("import math\nimport numpy as np\n" + textwrap.dedent(source), "finance_hunt")


def assert_decorated_right(source, args, name="f"):
    """The decorator's gradients (of its default ``wrt``, the float parameters here) match central differences."""
    func = _module(source)[name]
    wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    got = backgen.backward(func).backward(*fresh_args(args))
    got = got if len(wrt) > 1 else (got,)
    want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), wrt, (1.0,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def assert_right(source, args, shapes=None):
    """Right by ``generate`` (with ``shapes`` too, where given) and by the decorator."""
    assert_generated_right(source, args)
    if shapes is not None:
        namespace = {}
        exec("import math\nimport numpy as np\n" + textwrap.dedent(source), namespace)
        text = backgen.generate(textwrap.dedent(source), name="f", shapes=shapes)
        generated = {}
        exec(compile(text, "<generated>", "exec"), generated)
        got = generated["f_backward"](*fresh_args(args))
        wrt = [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray)]
        got = got if isinstance(got, tuple) else (got,)
        want = finite_differences(lambda *values: namespace["f"](*fresh_args(values)), list(args), wrt, (1.0,))
        for g, w in zip(got, want):  # (the float parameters come first in these cases)
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert_decorated_right(source, args)


# --- a value never negative raised to a power the code does not write as a number ------------------
# (0 where the clamp is 0: its inputs are at a minimum of it there; b * a ** (b - 1) was nan, or a
# ZeroDivisionError for numbers, where a is 0 and b < 1)

POWER_OPTION = '''
def f(S0, sigma, z, power, K=100.0):
    ST = S0 * np.exp(-0.5 * sigma ** 2 + sigma * z)
    payoff = np.maximum(ST - K, 0.0) ** power
    return np.mean(payoff)
'''


def test_power_option_payoff_of_a_clamped_value_to_a_parameter():
    assert Z.min() < -0.5 and Z.max() > 0.5  # (paths out of the money: their payoff 0, raised to 0.5)
    assert_right(POWER_OPTION, [101.3, 0.2, Z, 0.5, 100.0], shapes={"z": "12"})


def test_power_of_a_clamped_value_to_a_default_read_as_a_parameter():
    assert_generated_right('''
        def f(S0, sigma, z, K=100.0, power=0.5, T=1.0, r=0.02):
            ST = S0 * np.exp((r - 0.5 * sigma ** 2) * T + sigma * np.sqrt(T) * z)
            payoff = np.maximum(ST - K, 0.0) ** power
            return np.exp(-r * T) * payoff.mean()
    ''', [101.3, 0.2, Z, 100.0, 0.5, 1.0, 0.02])


def test_clip_to_a_parameter_power():
    assert_right('''
        def f(x, a):
            return np.sum(np.clip(x, 0, None) ** a)
    ''', [np.array([0.5, -0.3, 1.2, -0.8]), 0.6], shapes={"x": "4"})


def test_hinge_margins_to_a_parameter_power():
    X = RNG.standard_normal((6, 2))
    y = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    w = np.array([2.0, -1.5])
    assert np.any(1 - y * (X @ w) < 0)
    assert_generated_right('''
        def f(w, X, y, p):
            margins = np.maximum(0, 1 - y * (X @ w))
            return np.sum(margins ** p)
    ''', [w, X, y, 0.8])


@pytest.mark.parametrize("x", [-0.3, 0.4], ids=["loss", "gain"])
def test_prospect_theory_value_of_numbers(x):
    # max(-x, 0.0) ** alpha raised ZeroDivisionError as the backward ran, for a gain and for a loss
    assert_right('''
        def f(x, alpha, lam):
            gain = max(x, 0.0)
            loss = max(-x, 0.0)
            return gain ** alpha - lam * loss ** alpha
    ''', [x, 0.88, 2.25])


def test_payoff_of_numbers_to_a_power():
    assert_right('''
        def f(S, K, p):
            return max(S - K, 0.0) ** p
    ''', [95.0, 100.0, 0.5])


def test_prospect_theory_value_of_arrays():
    assert_right('''
        def f(x, alpha=0.88, lam=2.25):
            gains = np.maximum(x, 0)
            losses = np.maximum(-x, 0)
            return np.sum(gains ** alpha - lam * losses ** alpha)
    ''', [np.array([0.5, -0.3, 1.2, -0.8]), 0.88, 2.25], shapes={"x": "4"})


# --- a value times a mask of it above a number never negative: never negative ----------------------


@pytest.mark.parametrize("relu", ["x * (x > 0)", "(0 < x) * x", "x * (x >= 0.0).astype(float)"])
def test_root_of_a_value_times_its_positive_mask(relu):
    assert_right(f'''
        def f(x):
            return np.sum(np.sqrt({relu}))
    ''', [np.array([0.5, -0.3, 1.2, -0.8])], shapes={"x": "4"})


@pytest.mark.parametrize("payoff", ["x if x > 0 else 0.0", "0.0 if x <= 0.1 else x", "0.0 if 0.2 > x else x",
                                    "x if 0 <= x else 0.0"])
@pytest.mark.parametrize("x", [-0.3, 0.4], ids=["zero", "value"])
def test_a_conditional_expression_of_a_value_above_a_number_never_negative_to_a_power(payoff, x):
    # (x if x > 0 else 0.0) ** a raised ZeroDivisionError as the backward ran where x was below
    assert_right(f'''
        def f(x, a):
            return ({payoff}) ** a
    ''', [x, 0.6])


@pytest.mark.parametrize("base", ["x if x > -1.0 else 2.0", "2.0 if x < -1.0 else x", "x * (x > -1.0)"])
def test_a_value_that_may_be_negative_is_not_guarded_where_it_is_0(base):
    # x exactly 0 is no minimum of these: the gradient of x ** 1 is 1 there, not the 0 of a guard
    assert_right(f'''
        def f(x, a):
            return ({base}) ** a
    ''', [0.0, 1.0])

# --- the normal's quantile: scipy.stats.norm.ppf and isf, scipy.special.ndtri (refused before) -----


def test_gaussian_value_at_risk_of_a_confidence_given():
    assert_right('''
        from scipy.stats import norm

        def f(mu, sigma, alpha=0.99):
            """Parametric (Gaussian) VaR."""
            return -(mu + sigma * norm.ppf(1 - alpha))
    ''', [0.001, 0.02, 0.99])


def test_value_at_risk_and_expected_shortfall_of_a_portfolio():
    cov = np.array([[0.04, 0.006, 0.002], [0.006, 0.09, 0.01], [0.002, 0.01, 0.0625]])
    assert_right('''
        from scipy.stats import norm

        def f(w, mu, cov, alpha):
            m = w @ mu
            s = np.sqrt(w @ cov @ w)
            z = norm.ppf(alpha)
            var = -m + z * s
            es = -m + s * norm.pdf(z) / (1 - alpha)
            return var + es
    ''', [np.array([0.5, 0.3, 0.2]), np.array([0.08, 0.12, 0.1]), cov, 0.975],
        shapes={"w": "3", "mu": "3", "cov": "3, 3"})


@pytest.mark.parametrize("call", ["st.norm.ppf(p, loc=mu, scale=sigma)", "st.norm.ppf(q=p, loc=mu, scale=sigma)",
                                  "st.norm.isf(p, mu, sigma) ** 2", "mu + sigma * special.ndtri(p)",
                                  "st.norm.ppf(p) * sigma + st.norm.isf(p) * mu"])
def test_quantiles_of_probabilities_in_the_tails_and_the_middle(call):
    assert_right(f'''
        import scipy.special as special
        import scipy.stats as st

        def f(p, mu, sigma):
            return np.sum({call})
    ''', [np.array([0.002, 0.1, 0.5, 0.8, 0.998]), 0.3, 1.7], shapes={"p": "5"})


def test_vasicek_conditional_default_probability_of_numbers():
    assert_right('''
        from scipy.stats import norm

        def f(pd, rho, q=0.999):
            return norm.cdf((norm.ppf(pd) + np.sqrt(rho) * norm.ppf(q)) / np.sqrt(1 - rho))
    ''', [0.02, 0.12, 0.999])


def test_gaussian_copula_of_uniforms():
    assert_right('''
        from scipy.stats import norm

        def f(u, corr):
            z = norm.ppf(u)
            x = z @ np.linalg.cholesky(corr).T
            return np.sum(norm.cdf(x) ** 2)
    ''', [np.array([[0.2, 0.7], [0.55, 0.35]]), np.array([[1.0, 0.4], [0.4, 1.0]])],
        shapes={"u": "2, 2", "corr": "2, 2"})


def test_the_quantile_helper_matches_scipy_far_into_both_tails():
    from scipy.special import ndtri

    from backgen import runtime

    namespace = {"np": np, "math": __import__("math")}
    exec(runtime.HELPERS["_ndtri"], namespace)
    p = np.concatenate([np.linspace(1e-9, 1 - 1e-9, 2001), [1e-300, 1e-30, 0.02425, 0.5, 1 - 1e-16]])
    np.testing.assert_allclose(namespace["_ndtri"](p), ndtri(p), rtol=1e-14, atol=1e-14)
    assert namespace["_ndtri"](0.0) == -np.inf and namespace["_ndtri"](1.0) == np.inf
    assert np.isnan(namespace["_ndtri"](1.5))


# --- a module's numbers computed with NumPy or SciPy: constants (refused before) ------------------


def test_the_decorator_reads_a_module_number_numpy_computed():
    # np.log gives a NumPy float64, which the decorator did not take for a number of the module
    assert_right('''
        LOG2PI = np.log(2 * np.pi)

        def f(x, mu, sigma):
            return np.sum(-0.5 * LOG2PI - np.log(sigma) - 0.5 * ((x - mu) / sigma) ** 2)
    ''', [np.array([0.3, -1.2, 0.8]), 0.1, 1.3], shapes={"x": "3"})


@pytest.mark.parametrize("constant", ["norm.ppf(0.99)", "st.norm.ppf(1 - 0.05 / 2)", "special.ndtri(0.975)",
                                      "-st.norm.isf(0.99)"])
def test_a_module_quantile_is_a_constant(constant):
    assert_right(f'''
        import scipy.special as special
        import scipy.stats as st
        from scipy.stats import norm

        Z = {constant}

        def f(mu, sigma):
            return -mu + Z * sigma
    ''', [0.001, 0.02])


def test_the_decorator_follows_a_module_number_numpy_computed_as_it_changes():
    namespace = _module('''
        SCALE = np.sqrt(2.0)

        def f(x):
            return SCALE * x * x
    ''')
    decorated = backgen.backward(namespace["f"])
    assert decorated.backward(1.5) == pytest.approx(2 * np.sqrt(2.0) * 1.5)
    namespace["SCALE"] = np.float64(3.0)
    assert decorated.backward(1.5) == pytest.approx(2 * 3.0 * 1.5)


# --- backward induction over a shrinking array: written out for a few steps, refused with a way out ---

CRR_CALL = '''
def f(S0, K, T, r, sigma, N=20):
    dt = T / N
    u = np.exp(sigma * np.sqrt(dt))
    d = 1 / u
    p = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    j = np.arange(N + 1)
    v = np.maximum(S0 * u ** j * d ** (N - j) - K, 0.0)
    for i in range(N):
        v = disc * (p * v[1:] + (1 - p) * v[:-1])
    return v[0]
'''


def test_a_binomial_tree_of_a_few_steps_by_the_decorator():
    func = _module(CRR_CALL)["f"]
    args = [100.0, 97.3, 0.5, 0.03, 0.2]
    got = backgen.backward(func).backward(*args, N=12)
    want = finite_differences(lambda *values: func(*values, N=12), args, range(5), (1.0,))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_binomial_tree_of_many_steps_is_refused_saying_how_many_are_written_out():
    func = _module(CRR_CALL)["f"]
    with pytest.raises(backgen.BackgenError, match=r"'v' changes shape in this loop.*written out whole only where "
                                                   r"it runs at most 16 iterations.*write each step into a part of it"):
        backgen.backward(func).backward(100.0, 97.3, 0.5, 0.03, 0.2)


# --- logging as people write it: calls that change nothing, left out (refused before) -----------------


@pytest.mark.parametrize("line", ['logger.info("variance %s", w @ S @ w)', 'LOG.warning("n=%d", len(w))',
                                  'log.debug(f"{w.sum():.2f}")', 'logging.error(f"sd {w.std()}")',
                                  'warnings.warn(f"large weights {w.max()}")'])
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_log_line_is_left_out(line):
    assert_right(f'''
        import logging
        import warnings

        logger = logging.getLogger("risk")
        LOG = log = logger

        def f(w, S):
            {line}
            return w @ S @ w
    ''', [np.array([0.5, 0.3, 0.2]), np.diag([0.04, 0.09, 0.0625])], shapes={"w": "3", "S": "3, 3"})


@pytest.mark.parametrize("line", ["catalog.log(w)", "logger.info(w.sort())"])
def test_a_call_that_may_write_is_still_refused(line):
    with pytest.raises(backgen.BackgenError, match="a call standing alone may write into its arguments"):
        backgen.generate(textwrap.dedent(f'''
            def f(w, S):
                {line}
                return w @ S @ w
        '''), name="f")


@pytest.mark.parametrize("lines", ['msg = f"portfolio of {len(w)} assets"; logger.info(msg)',
                                   'msg = "risk of {} assets".format(len(w)); print(msg)',
                                   'text = f"var {w @ S @ w:.4f}"; log.debug(text); log.info(text)',
                                   'msg = f"weights sum to {w.sum()}"; if w.sum() > 2:; ....raise ValueError(msg)'])
def test_a_message_read_only_by_log_lines_and_raises_is_left_out(lines):
    body = "\n".join("            " + line.replace("....", "    ") for line in lines.split("; "))
    assert_right(f'''
        import logging

        logger = log = logging.getLogger("risk")

        def f(w, S):
{body}
            return w @ S @ w
    ''', [np.array([0.5, 0.3, 0.2]), np.diag([0.04, 0.09, 0.0625])])


def test_a_message_read_as_a_value_is_still_refused():
    with pytest.raises(backgen.BackgenError, match="f-strings are not supported"):
        backgen.generate(textwrap.dedent('''
            def f(w, S):
                msg = f"{w.sum()}"
                out = w @ S @ w
                if msg == "1.0":
                    out = out * 2
                return out
        '''), name="f")


# --- np.polyfit: the least squares it solves (refused before) --------------------------------------

X20 = RNG.standard_normal(20) * 0.02
Y20 = 0.5 * X20 + RNG.standard_normal(20) * 0.01


@pytest.mark.parametrize("body", ["slope, intercept = np.polyfit(x, y, 1); return slope",
                                  "c = np.polyfit(x, y, deg=2); return np.polyval(c, 0.5)",
                                  "return np.polyfit(x, np.column_stack([y, y ** 2]), 1).sum()"])
def test_a_regression_slope_by_polyfit(body):
    lines = "\n".join("            " + line for line in body.split("; "))
    assert_right(f'''
        def f(y, x):
{lines}
    ''', [Y20, X20], shapes={"y": "20", "x": "20"})


def test_a_trend_of_log_prices_by_polyfit():
    assert_right('''
        def f(prices):
            t = np.arange(len(prices))
            trend = np.polyfit(t, np.log(prices), 1)[0]
            return np.exp(252 * trend) - 1
    ''', [100 * np.exp(np.cumsum(RNG.standard_normal(15) * 0.01))], shapes={"prices": "15"})


def test_polyfit_with_weights_is_refused():
    with pytest.raises(backgen.BackgenError, match="np.polyfit"):
        backgen.generate(textwrap.dedent('''
            def f(y, x, w):
                return np.polyfit(x, y, 1, w=w)[0]
        '''), name="f", shapes={"y": "5", "x": "5", "w": "5"})


# --- an array sorted in place by the decorator, in a function naming no np (refused before) --------


def test_historical_expected_shortfall_of_losses_sorted_in_place():
    assert_right('''
        def f(w, returns):
            losses = -(returns @ w)
            losses.sort()
            k = int(0.9 * len(losses))
            return losses[k:].mean()
    ''', [np.array([0.5, 0.3, 0.2]), RNG.standard_normal((40, 3)) * 0.02], shapes={"w": "3", "returns": "40, 3"})


# --- a module's settings and numbers read through each other -----------------------------------------


@pytest.mark.parametrize("S", [105.0, 95.0], ids=["in", "out"])
def test_the_decorator_reads_a_module_string_setting(S):
    # the backward compared kind with CALL, a name its module did not define (a NameError as it ran)
    assert_right('''
        CALL, PUT = "call", "put"
        DEBUG = False

        def f(S, K, kind=CALL):
            if DEBUG:
                print(S)
            if kind == CALL:
                return max(S - K, 0.0) ** 2
            return max(K - S, 0.0) ** 2
    ''', [S, 100.0, "call"])


def test_a_module_number_computed_from_another_computed_one():
    assert_right('''
        TWO_PI = 2 * np.pi
        INV_SQRT_2PI = 1 / np.sqrt(TWO_PI)

        def f(x, mu, s):
            return np.sum(INV_SQRT_2PI / s * np.exp(-0.5 * ((x - mu) / s) ** 2))
    ''', [np.array([0.1, -0.3, 0.5]), 0.0, 1.2], shapes={"x": "3"})


# --- Student's t: scipy.stats.t.logpdf and pdf (refused before) --------------------------------------


def test_a_garch_likelihood_of_student_t_innovations():
    assert_right('''
        from scipy.stats import t

        def f(omega, alpha, beta, nu, r):
            h = np.zeros_like(r)
            h[0] = np.var(r)
            for i in range(1, len(r)):
                h[i] = omega + alpha * r[i - 1] ** 2 + beta * h[i - 1]
            scale = np.sqrt(h * (nu - 2) / nu)
            return -np.sum(t.logpdf(r, nu, loc=0.0, scale=scale))
    ''', [0.1, 0.1, 0.85, 6.0, RNG.standard_normal(12)])


@pytest.mark.parametrize("call", ["st.t.logpdf(x, df, mu, s)", "st.t.pdf(x, df=df) * s + mu",
                                  "st.t.logpdf(x, df, scale=s) + st.norm.logpdf(x, loc=mu)"])
def test_student_t_densities(call):
    assert_right(f'''
        import scipy.stats as st

        def f(x, df, mu, s):
            return np.sum({call})
    ''', [RNG.standard_normal(6), 5.0, 0.2, 1.3], shapes={"x": "6"})


def test_a_binomial_tree_of_a_few_steps_by_its_default_written_out_by_generate():
    # generate refused it ('v' changes shape in this loop): the loop is written out for the default N,
    # which the backward checks as it starts
    source = "def f(S0: float, K: float, T: float, r: float, sigma: float, N=8):" + CRR_CALL.split("N=20):")[1]
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    args = [100.0, 97.3, 0.5, 0.03, 0.2]
    want = finite_differences(_module(source)["f"], args, range(5), (1.0,))
    np.testing.assert_allclose(generated["f_backward"](*args, dout=1.0), want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="written for N=8, the default"):
        generated["f_backward"](100.0, 97.3, 0.5, 0.03, 0.2, N=5)


def test_a_binomial_tree_of_many_steps_written_into_a_part_of_one_array():
    # the way the refusal above points to: v keeps its shape, each step written into v[:-1]
    source = CRR_CALL.replace("N=20", "N=30").replace("        v = disc", "        v[:-1] = disc")
    assert "v[:-1] = disc" in source
    func = _module(source)["f"]
    args = [100.0, 97.3, 0.5, 0.03, 0.2]
    want = finite_differences(func, args, range(5), (1.0,))
    np.testing.assert_allclose(backgen.backward(func).backward(*args), want, rtol=1e-5, atol=1e-6)
    generated = {}
    exec(backgen.generate(textwrap.dedent(source), name="f"), generated)
    np.testing.assert_allclose(generated["f_backward"](*args, dout=1.0), want, rtol=1e-5, atol=1e-6)


# --- an elementwise function given a new array and a mask: the safe division (refused before) ------

A4 = np.array([1.0, 2.0, 3.0, 4.0])
B4 = np.array([0.5, -0.7, 2.0, -1.5])  # (away from the masks' edges: |b| = 0.6, b = 0)


@pytest.mark.parametrize("body", [
    "r = np.divide(a, b, out=np.zeros_like(a), where=np.abs(b) > 0.6); return np.sum(r ** 2)",
    "r = np.log(b, out=np.zeros_like(b), where=b > 0); return np.sum(r * a)",
    "r = np.sqrt(b, out=np.zeros(b.shape), where=b > 0); return np.sum(r * a)",
    "r = np.divide(a, b, out=np.full_like(a, np.nan), where=np.abs(b) > 0.6); return np.nanmean(r)",
    "r = np.true_divide(a - 1, b, where=np.abs(b) > 0.6, out=np.ones_like(a)); return r @ a",
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_an_elementwise_function_into_a_new_array_under_a_mask(body):
    lines = "\n".join("            " + line for line in body.split("; "))
    assert_right(f'''
        def f(a, b):
{lines}
    ''', [A4, B4], shapes={"a": "4", "b": "4"})


@pytest.mark.parametrize("out", ["np.empty_like(a)", "a"])
def test_an_array_of_values_left_as_they_are_is_still_refused(out):
    with pytest.raises(backgen.BackgenError, match="writes its result into an array"):
        backgen.generate(textwrap.dedent(f'''
            def f(a, b):
                return np.sum(np.divide(a, b, out={out}, where=b != 0))
        '''), name="f", shapes={"a": "4", "b": "4"})
