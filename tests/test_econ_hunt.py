"""Econometrics and choice models as people write them: multinomial, conditional, nested and mixed logit
log-likelihoods, probit and Tobit through ``scipy.stats.norm``, Poisson and negative binomial regressions of
count data, GMM objectives, closed-form regressions inside losses, Kalman filters, ARMA and GARCH recursions,
production and utility functions, and discounting written with loops.

Each case is checked against central finite differences in float64 (``numeric``) of the forward as Python
runs it, by ``backgen.generate`` (without shapes and with them) and by the decorator with its default
``wrt``, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported

RNG = np.random.default_rng(7)
X = np.column_stack([np.ones(6), RNG.standard_normal(6)])
COUNTS = np.array([0, 2, 1, 4, 0, 3])  # (counts as np.random.poisson draws them: integers)


def _floats(args):
    return [k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def assert_every_way(source, args, shapes, name="f"):
    """The backwards of ``generate`` without shapes and with ``shapes``, and of the decorator (its default
    ``wrt``), match central differences with respect to the float parameters."""
    text = "import math\nimport numpy as np\n" + textwrap.dedent(source)
    func = imported(text, "econ_hunt")[name]
    wrt = _floats(args)
    names = [list(func.__code__.co_varnames)[k] for k in wrt]
    want = finite_differences(lambda *v: func(*fresh_args(v)), list(args), wrt, (1.0,))
    for given in (None, shapes):
        namespace = {}
        exec(backgen.generate(text, name=name, shapes=given, wrt=tuple(names)), namespace)
        got = namespace[f"{name}_backward"](*fresh_args(args), dout=1.0)
        assert_close(got if len(wrt) > 1 else (got,), tuple(want), rtol=1e-5, atol=1e-7)
    got = backgen.backward(func).backward(*fresh_args(args))
    assert_close(got if len(wrt) > 1 else (got,), tuple(want), rtol=1e-5, atol=1e-7)


# --- counts of data given to a discrete distribution: integers, left out of the default wrt -----------
# (the decorator took the counts for a parameter to differentiate and refused them: "'y' is integer
# (int64): it carries no gradient; leave it out of wrt")

@pytest.mark.parametrize("spelled", [
    "from scipy import stats\n\ndef f(beta, X, y):\n    return -stats.poisson.logpmf(y, np.exp(X @ beta)).sum()\n",
    "from scipy.stats import poisson\n\ndef f(beta, X, y):\n    mu = np.exp(X.dot(beta))\n"
    "    return -np.sum(poisson.logpmf(k=y, mu=mu))\n",
    "import scipy.stats\n\ndef f(beta, log_alpha, X, y):\n    mu = np.exp(X @ beta)\n    size = 1.0 / np.exp(log_alpha)\n"
    "    return -np.sum(scipy.stats.nbinom.logpmf(y, size, size / (size + mu)))\n",
], ids=["poisson", "poisson keywords", "negative binomial"])
def test_count_regression_on_integer_counts(spelled):
    args = [np.array([0.2, -0.3]), X, COUNTS] if "log_alpha" not in spelled else \
        [np.array([0.2, -0.3]), -0.5, X, COUNTS]
    shapes = {"beta": "2", "log_alpha": "float", "X": "6, 2", "y": "int 6"}
    assert_every_way(spelled, args, {k: v for k, v in shapes.items() if k in spelled})


def test_binomial_trials_and_successes_are_counts():
    source = '''
        from scipy.stats import binom
        def f(theta, X, successes, trials):
            p = 1.0 / (1.0 + np.exp(-X @ theta))
            return -binom.logpmf(successes, trials, p).sum()
    '''
    assert_every_way(source, [np.array([0.1, 0.4]), X, COUNTS, COUNTS + 3],
                     {"theta": "2", "X": "6, 2", "successes": "int 6", "trials": "int 6"})


def test_integer_counts_in_arithmetic_are_still_refused():
    # (y * xb: a float there would have a gradient; integers given it are refused, not left out)
    func = imported("import numpy as np\n\ndef f(beta, X, y):\n    xb = X @ beta\n"
                    "    return np.sum(np.exp(xb) - y * xb)\n", "econ_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="'y' is integer"):
        backgen.backward(func).backward(np.array([0.2, -0.3]), X, COUNTS)


# --- a module's nests, a list of lists of alternatives, looped over with each inner list named ---------
# (refused: "name 'NESTS' is not a parameter or a variable assigned in the function": the loop bound its
# inner lists to a name, which might have changed them; read only as indices, they are constants)

NESTED_LOGIT = '''
NESTS = [[0], [1, 2]]

def f(beta, lambdas, X, y):
    V = X @ beta
    n = V.shape[0]
    P = np.zeros_like(V)
    iv = np.zeros((n, len(NESTS)))
    for m, alts in enumerate(NESTS):
        iv[:, m] = np.log(np.sum(np.exp(V[:, alts] / lambdas[m]), axis=1))
    top = np.exp(lambdas * iv)
    p_nest = top / top.sum(axis=1, keepdims=True)
    for m, alts in enumerate(NESTS):
        within = np.exp(V[:, alts] / lambdas[m]) / np.exp(iv[:, m])[:, None]
        P[:, alts] = p_nest[:, [m]] * within
    return -np.log(P[np.arange(n), y]).sum()
'''
X3 = RNG.standard_normal((5, 3, 2))


def test_nested_logit_over_a_module_list_of_nests():
    args = [np.array([0.3, -0.2]), np.array([1.0, 0.7]), X3, np.array([0, 1, 2, 1, 2])]
    text = "import numpy as np\n" + NESTED_LOGIT
    func = imported(text, "econ_hunt")["f"]
    want = finite_differences(lambda *v: func(*fresh_args(v)), args, [0, 1], (1.0,))
    namespace = {}
    exec(backgen.generate(text, name="f", shapes={"beta": "2", "lambdas": "2", "X": "5, 3, 2", "y": "int 5"},
                          wrt=("beta", "lambdas")),
         namespace)
    assert_close(namespace["f_backward"](*fresh_args(args)), tuple(want))
    assert_close(backgen.backward(func, wrt=("beta", "lambdas")).backward(*fresh_args(args)), tuple(want))


@pytest.mark.parametrize("loop", ["for alts in NESTS:", "for alts, w in zip(NESTS, [1.0, 2.0]):",
                                  "for m, alts in enumerate(NESTS):"])
def test_an_inner_list_named_by_a_loop_and_read_as_an_index_is_constant(loop):
    source = f'''
NESTS = [[0, 2], [1]]

def f(x):
    total = 0.0
    {loop}
        total = total + np.sum(x[alts] ** 2) * len(alts)
    return total
'''
    x = np.array([0.5, -1.2, 2.0])
    text = "import numpy as np\n" + source
    func = imported(text, "econ_hunt")["f"]
    want = finite_differences(func, [x], [0], (1.0,))
    assert_close(backgen.backward(func).backward(x), want[0])


def test_an_inner_list_named_by_a_loop_and_changed_is_no_constant():
    source = "import numpy as np\nNESTS = [[0, 2], [1]]\n\ndef f(x):\n    total = 0.0\n    for alts in NESTS:\n" \
             "        alts.append(1)\n        total = total + np.sum(x[alts])\n    return total\n"
    func = imported(source, "econ_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="NESTS"):
        backgen.backward(func).backward(np.array([0.5, -1.2, 2.0]))


# --- a data set passed as a dict of features and integer choices ---------------------------------------
# (the decorator took the dict for parameters and refused its labels: "'y' is integer (int64): it carries
# no gradient ... (y is data['y'])")

def test_conditional_logit_reading_a_dict_of_data():
    source = '''
        def f(beta, data):
            V = data["X"] @ beta
            V = V - V.max(axis=1, keepdims=True)
            return -np.sum(V[np.arange(len(data["y"])), data["y"]] - np.log(np.exp(V).sum(axis=1)))
    '''
    func = imported("import numpy as np\n" + textwrap.dedent(source), "econ_hunt")["f"]
    data = {"X": RNG.standard_normal((5, 3, 2)), "y": np.array([0, 2, 1, 1, 0])}
    beta = np.array([0.4, -0.3])
    want = finite_differences(func, [beta, data], [0], (1.0,))
    assert_close(backgen.backward(func).backward(beta, data), want[0])


def test_a_dict_holding_an_integer_array_beside_no_other_parameter_is_refused():
    # (refused, as before, where nothing else is left to differentiate)
    func = imported("import numpy as np\n\ndef f(p):\n    return np.sum(p['w'] * p['k'])\n", "econ_hunt")["f"]
    with pytest.raises(backgen.BackgenError, match="integer|nothing to differentiate"):
        backgen.backward(func).backward({"w": np.ones(3), "k": np.arange(3)})


# --- simulation draws made inside the objective from a seed --------------------------------------------
# (refused, saying the generator "draws new numbers on every call", which a seeded one does not)

@pytest.mark.parametrize("draws", ["rng = np.random.default_rng(seed)\n    draws = rng.standard_normal((R, 2))",
                                   "rs = np.random.RandomState(seed)\n    draws = rs.randn(R, 2)"])
def test_mixed_logit_drawing_from_a_seed_inside_is_refused_clearly(draws):
    source = f'''
def f(mu, X, y, R=20, seed=123):
    {draws}
    b = mu + draws
    V = np.einsum("njk,rk->nrj", X, b)
    P = np.exp(V) / np.exp(V).sum(-1, keepdims=True)
    return -np.log(P[np.arange(len(y)), :, y].mean(1)).sum()
'''
    with pytest.raises(backgen.BackgenError, match="of a seed fixes the draws that follow.*pass them in"):
        backgen.generate("import numpy as np\n" + source, name="f")


# --- counts given to math.factorial: integers, not differentiated ---------------------------------------
# (refused: "math.factorial is not differentiable: it is defined on integers only", the counts taken for a
# parameter to differentiate, which math.factorial, raising for a float, shows they are not)

@pytest.mark.parametrize("loop, item", [("for k in counts:", "k"), ("for i in range(len(counts)):", "counts[i]")])
def test_poisson_likelihood_over_counts_given_to_math_factorial(loop, item):
    source = f'''
def f(lam, counts):
    ll = 0.0
    {loop}
        ll += {item} * math.log(lam) - lam - math.log(math.factorial({item}))
    return -ll
'''
    text = "import math\n" + source
    func = imported(text, "econ_hunt")["f"]
    counts = [0, 2, 1, 4, 3]
    want = finite_differences(func, [1.7, counts], [0], (1.0,))[0]
    namespace = {}
    exec(backgen.generate(text, name="f"), namespace)
    assert namespace["f_backward"](1.7, counts) == pytest.approx(want, rel=1e-6)
    assert backgen.backward(func).backward(1.7, counts) == pytest.approx(want, rel=1e-6)


def test_a_value_given_to_math_factorial_and_differentiated_is_still_refused():
    source = "import math\n\ndef f(x, n):\n    return x * n / math.factorial(n)\n"
    with pytest.raises(backgen.BackgenError, match="math.factorial is not differentiable"):
        backgen.generate(source, name="f", wrt=("x", "n"))


def test_binomial_likelihood_over_trials_and_successes_given_to_math_comb():
    source = '''
def f(p, trials, successes):
    ll = 0.0
    for n, k in zip(trials, successes):
        ll += math.log(math.comb(n, k)) + k * math.log(p) + (n - k) * math.log(1 - p)
    return -ll
'''
    text = "import math\n" + source
    func = imported(text, "econ_hunt")["f"]
    args = [0.35, [10, 8, 12], [3, 2, 5]]
    want = finite_differences(func, args, [0], (1.0,))[0]
    namespace = {}
    exec(backgen.generate(text, name="f"), namespace)
    assert namespace["f_backward"](*args) == pytest.approx(want, rel=1e-6)
    assert backgen.backward(func).backward(*args) == pytest.approx(want, rel=1e-6)


def test_poisson_regression_with_scipy_factorial_of_integer_counts():
    # (refused: "scipy.special.factorial is not supported")
    source = '''
        from scipy.special import factorial
        def f(beta, X, y):
            mu = np.exp(X @ beta)
            return -np.sum(y * np.log(mu) - mu - np.log(factorial(y)))
    '''
    assert_every_way(source, [np.array([0.2, -0.3]), X, COUNTS], {"beta": "2", "X": "6, 2", "y": "int 6"})
