"""SciPy's special functions, written as the NumPy they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call of a function the environment binds to ``scipy.special`` (imported from
``scipy.special``, ``autograd.scipy.special`` or ``jax.scipy.special``):

* ``expit(x)`` becomes ``1.0 / (1.0 + np.exp(-x))``, the sigmoid gate, whose
  local gradient is ``(1 - s) * s``;
* ``logsumexp(a, axis=None, keepdims=False)`` becomes
  ``np.logaddexp.reduce(a, axis=..., keepdims=...)``, which NumPy computes
  without overflow, differentiated as the log-sum-exp gate
  (``np.exp(a - out) * dout``), with weights ``b`` that plus ``np.log(np.sum(b *
  np.exp(a - shift), axis=...))``, ``shift`` the same reduction keeping a's axes;
  ``log_softmax(x, axis=None)`` becomes ``x -
  np.logaddexp.reduce(x, axis=axis, keepdims=True)``, ``softmax`` its exp;

* ``log_expit``, ``logit``, ``betaln``, ``ndtr``, ``log_ndtr``, ``ndtri``, ``i0``, ``i1``, ``entr``, ``rel_entr``,
  ``kl_div`` and ``factorial`` (not ``exact``) become their formulas in
  those, in ``np.i0``, in ``_bessel_i1(x)`` (the modified Bessel function I1, rule ``np._bessel_i1``,
  gradient ``I0 - I1 / x``, 1/2 at 0) and in ``_log_ndtr(x)`` (``FORMULAS``), a helper as below: the log of the normal's cdf,
  finite far into its lower tail, whose rule ``np._log_ndtr`` has the gradient
  ``exp(-x ** 2 / 2 - log(2 pi) / 2 - out)``, and ``_ndtri(p)``, the normal's quantile, whose rule
  ``np._ndtri`` has the gradient ``sqrt(2 pi) * exp(out ** 2 / 2)``;
* ``j0(x)`` and ``j1(x)`` (``jv`` and ``jn`` of the order 0 or 1 written as a number) become ``_j0(x)`` and
  ``_j1(x)``, Bessel's integral by the trapezoidal rule (``_besselj``), rules ``np._j0`` (gradient
  ``-_j1(x)``) and ``np._j1`` (``_j1_grad(x)``, ``(J0 - J2) / 2``);
* ``erf(x)``, ``erfc(x)`` and ``gammaln(x)`` become ``_erf(x)``, ``_erfc(x)``,
  ``_gammaln(x)``: small helpers (``backgen.runtime``) the generated module
  carries, computing ``math.erf`` (``math.lgamma``) element by element, with
  the rules ``np._erf``, ``np._erfc``, ``np._gammaln`` (whose gradient is
  ``_digammas(x)``, digamma element by element); ``digamma(x)`` (``psi``) becomes
  ``_digammas(x)``, rule ``np._digammas``, whose gradient is ``_trigammas(x)``; ``xlogy(x, y)`` and
  ``xlog1py(x, y)`` likewise ``_xlogy`` and ``_xlog1py`` (``x * log(y)``, 0 where
  ``x`` is 0), rules ``np._xlogy`` and ``np._xlog1py``;

and, for the normal distribution of ``scipy.stats`` (``norm``, imported from
``scipy.stats``, ``autograd.scipy.stats`` or ``jax.scipy.stats``, or
``import autograd.scipy.stats.norm as norm``), ``norm.logpdf``, ``pdf``,
``cdf``, ``logcdf``, ``sf`` and ``logsf`` of ``(x, loc=0, scale=1)`` become
their formulas in ``z = (x - loc) / scale`` (``-z ** 2 / 2 - log(scale) -
log(2 pi) / 2``; the cumulative ones through ``_erfc``, ``logcdf`` and ``logsf`` through
``_log_ndtr``), ``norm.ppf`` and ``isf`` of ``(q, loc=0, scale=1)`` theirs, ``loc + scale *
_ndtri(q)`` (``loc - scale * _ndtri(q)``), Student's ``t.logpdf`` and ``pdf`` of ``(x, df, loc=0,
scale=1)`` theirs in ``z`` and ``df`` (through ``_gammaln``), ``laplace``'s, ``cauchy``'s, ``logistic``'s
and ``expon``'s ``logpdf`` and ``pdf`` of ``(x, loc=0, scale=1)`` theirs in ``z`` (``expon``'s ``-inf``
and 0 below its support, a constant of no gradient there, through ``np.where``), ``gamma``'s of ``(x, a,
loc=0, scale=1)`` and ``beta``'s of ``(x, a, b, loc=0, scale=1)`` theirs in ``z`` and the shapes (through
``_xlogy``, ``_xlog1py`` and ``_gammaln``, as SciPy computes them), the discrete
``poisson``'s, ``binom``'s, ``nbinom``'s, ``geom``'s and ``bernoulli``'s ``logpmf`` and ``pmf`` of ``(k,
mu)``, ``(k, n, p)``, ``(k, p)`` (and ``loc=0``) theirs in the count (through ``_xlogy``, ``_xlog1py`` and
``_gammaln``, as SciPy computes them; for the counts of data, a count differentiated has the formula's
gradient), and
``multivariate_normal.logpdf`` and ``pdf`` of ``(x, mean=0, cov=1)`` (a point or a
row per point) theirs in ``d = x - mean``, through ``np.linalg.solve(C, d.T)`` and
``np.linalg.slogdet(C)``, ``C`` the matrix SciPy reads of ``cov``: a matrix's lower
triangle, mirrored (its gradient lies there), a vector's diagonal, a number times the
identity (the ranks told apart by ``np.ndim(cov)``); ``dirichlet``, ``halfnorm``, ``halfcauchy``, ``lognorm``
and ``invgamma`` and ``scipy.special``'s ``multigammaln``, ``i0e`` and ``i1e`` as ``scipy_densities`` writes
them; an argument
written twice there is an expression without side effects, as arguments are;

and ``scipy.stats.entropy(pk, qk=None, base=None, axis=0)`` becomes its formula: ``-sum(P log P)``
(``sum(P log(P / Q))`` given ``qk``) along ``axis``, ``P`` and ``Q`` those normalized to sum to 1,
over ``log(base)`` given a base, the logs through ``_xlogy`` (0 where ``P`` is 0);

so generated code needs NumPy only.  Other ``scipy.special`` functions (and
``logsumexp`` with ``return_sign=``), other distributions and a
frozen ``norm(loc, scale)`` are refused at the call.
"""

import ast

from . import scipy_densities, source
from .source import tree_copy, names_of, walk

SCIPY_SPECIAL = ("scipy.special", "autograd.scipy.special", "jax.scipy.special")
SCIPY_STATS = ("scipy.stats", "autograd.scipy.stats", "jax.scipy.stats")
SCIPY_PACKAGES = ("scipy", "autograd", "jax")  # bound by ``import scipy.special`` (no ``as``)

# scipy.stats.norm's functions as NumPy, in Z = (x - loc) / scale (SCALE where the scale is written)
NORM = {
    "logpdf": "-0.5 * Z ** 2 - np.log(SCALE) - 0.9189385332046727",  # (log(2 pi) / 2)
    "pdf": "np.exp(-0.5 * Z ** 2) / (SCALE * 2.5066282746310002)",  # (sqrt(2 pi))
    "cdf": "0.5 * _erfc(-Z / 1.4142135623730951)",
    "logcdf": "_log_ndtr(Z)",
    "sf": "0.5 * _erfc(Z / 1.4142135623730951)",
    "logsf": "_log_ndtr(-Z)",
    "ppf": "LOC + SCALE * _ndtri(X)",  # (of a probability, X: the quantile, no Z)
    "isf": "LOC - SCALE * _ndtri(X)",
}

QUANTILES = ("ppf", "isf")  # (norm's functions of a probability q, not of a point x)

# scipy.stats.t's, in Z = (x - loc) / scale and its degrees of freedom DF (log(pi) / 2 written out)
_T_LOGPDF = "(_gammaln((DF + 1) / 2) - _gammaln(DF / 2) - 0.5 * np.log(DF) - 0.5723649429247001 - " \
            "np.log(SCALE) - (DF + 1) / 2 * np.log1p(Z ** 2 / DF))"
STUDENT_T = {"logpdf": _T_LOGPDF, "pdf": f"np.exp{_T_LOGPDF}"}

# the location-scale families of the whole line and of a half line, and those of shape parameters A (and
# B), in Z = (x - loc) / scale, as SciPy computes them (log(2), log(pi) written out): each logpdf, and its
# exp; outside the support (Z < 0 of expon and gamma, outside [0, 1] of beta) SciPy's logpdf is -inf and
# its pdf 0, as here (through np.where: a constant there, of no gradient; gamma's and beta's formulas read
# the log of a negative number there, the branch left out)
LAPLACE = {"logpdf": "(-np.abs(Z) - 0.6931471805599453 - np.log(SCALE))",
           "pdf": "(np.exp(-np.abs(Z)) / (2.0 * SCALE))"}
CAUCHY = {"logpdf": "(-1.1447298858494002 - np.log1p(Z ** 2) - np.log(SCALE))",
          "pdf": "(1.0 / (3.141592653589793 * (1.0 + Z ** 2) * SCALE))"}
LOGISTIC = {"logpdf": "(-Z - 2.0 * np.logaddexp(0.0, -Z) - np.log(SCALE))",
            "pdf": "(np.exp(-Z - 2.0 * np.logaddexp(0.0, -Z)) / SCALE)"}
EXPON = {"logpdf": "(np.where(Z >= 0, -Z, -np.inf) - np.log(SCALE))",
         "pdf": "(np.where(Z >= 0, np.exp(-Z), 0.0) / SCALE)"}
_GAMMA_LOGPDF = "(_xlogy(A - 1.0, Z) - Z - _gammaln(A) - np.log(SCALE))"
GAMMA = {"logpdf": f"np.where(Z >= 0, {_GAMMA_LOGPDF}, -np.inf)",
         "pdf": f"np.where(Z >= 0, np.exp{_GAMMA_LOGPDF}, 0.0)"}
_BETA_LOGPDF = "(_xlogy(A - 1.0, Z) + _xlog1py(B - 1.0, -Z) - _gammaln(A) - _gammaln(B) + _gammaln(A + B) - " \
               "np.log(SCALE))"
BETA = {"logpdf": f"np.where((Z >= 0) & (Z <= 1), {_BETA_LOGPDF}, -np.inf)",
        "pdf": f"np.where((Z >= 0) & (Z <= 1), np.exp{_BETA_LOGPDF}, 0.0)"}

# scipy.stats.multivariate_normal's, in D = x - mean, a point or a row per point (log(2 pi) written out),
# and the covariance matrix SciPy reads of cov: a matrix's lower triangle (mirrored: SciPy's eigh reads no
# more), the diagonal of a vector, a number times the identity
COV_MATRIX = "((np.tril(COV) + np.swapaxes(np.tril(COV, -1), -1, -2)) if np.ndim(COV) == 2 else " \
             "np.eye(np.shape(D)[-1]) * COV)"
MVN_LOGPDF = "(-0.5 * np.sum(D * np.linalg.solve(MATRIX, D.T).T, axis=-1) - " \
             "0.5 * (np.shape(D)[-1] * 1.8378770664093453 + np.linalg.slogdet(MATRIX)[1]))"
MVN = {"logpdf": MVN_LOGPDF, "pdf": f"np.exp{MVN_LOGPDF}"}

# scipy.special's functions that are formulas in those above, in their parameters (X, Y, A, B): each
# argument an expression without side effects, as arguments are, where it is written twice
FORMULAS = {
    "log_expit": (("X",), "-np.logaddexp(0.0, -X)"),
    "logit": (("X",), "np.log(X) - np.log1p(-X)"),
    "betaln": (("A", "B"), "_gammaln(A) + _gammaln(B) - _gammaln(A + B)"),
    "ndtr": (("X",), "0.5 * _erfc(-X / 1.4142135623730951)"),
    "log_ndtr": (("X",), "_log_ndtr(X)"),
    "i0": (("X",), "np.i0(X)"),  # (the modified Bessel functions of a von Mises density's normalizer)
    "i1": (("X",), "_bessel_i1(X)"),
    "ndtri": (("X",), "_ndtri(X)"),
    "entr": (("X",), "-_xlogy(X, X)"),  # (-x log x, 0 at 0)
    "rel_entr": (("X", "Y"), "_xlogy(X, X) - _xlogy(X, Y)"),  # (x log(x / y), 0 where x is 0)
    "kl_div": (("X", "Y"), "_xlogy(X, X) - _xlogy(X, Y) - X + Y"),
    "factorial": (("X",), "np.where(X >= 0, np.exp(_gammaln(np.maximum(X, 0) + 1)), 0.0)"),  # (exact=False:
    # gamma(n + 1), 0 below 0, as SciPy computes it; a Poisson likelihood's factorial(y) of its counts)
}

FORMULAS.update(scipy_densities.FORMULAS)  # (multigammaln, i0e, i1e)

# the arguments each function read is read with (another call of it is refused, saying so)
READ = {"expit": "one argument", "logsumexp": "the arguments a, axis, b and keepdims",
        "softmax": "the arguments x and axis", "log_softmax": "the arguments x and axis",
        "erf": "one argument", "erfc": "one argument", "gammaln": "one argument", "digamma": "one argument",
        "psi": "one argument", "j0": "one argument", "j1": "one argument",
        "jv": "an order 0 or 1 written as a number, and x", "jn": "an order 0 or 1 written as a number, and x",
        "xlogy": "two arguments", "xlog1py": "two arguments",
        **{name: ("one argument", "two arguments")[len(params) - 1] for name, (params, _) in FORMULAS.items()}}


def _written(call):
    """The arguments of ``call`` as written, for a message: ``a, return_sign=True``."""
    return ", ".join([ast.unparse(a) for a in call.args] +
                     [f"{k.arg}={ast.unparse(k.value)}" if k.arg else f"**{ast.unparse(k.value)}"
                      for k in call.keywords])


# scipy.stats.entropy: its parameters, and its formula (given qk, given a base), P and Q the normalized pk, qk
ENTROPY_PARAMS = ("pk", "qk", "base", "axis")
_P = "(PK / np.sum(PK, axis=AXIS, keepdims=True))"
_Q = "(QK / np.sum(QK, axis=AXIS, keepdims=True))"
ENTROPY = {(False, False): f"-np.sum(_xlogy({_P}, {_P}), axis=AXIS)",
           (True, False): f"np.sum(_xlogy({_P}, {_P}) - _xlogy({_P}, {_Q}), axis=AXIS)"}
ENTROPY.update({(q, True): f"{text} / np.log(BASE)" for (q, _), text in list(ENTROPY.items())})

# the discrete distributions' log-probabilities of counts K = k - loc (K + 1.0: gammaln's argument), as
# SciPy computes them, and their exp (a count's gradient is the formula's, through gammaln: SciPy's pmf is
# 0 and its logpmf -inf between the counts, where the data of a likelihood are not)
_POISSON_LOGPMF = "(_xlogy(K, MU) - MU - _gammaln(K + 1.0))"
_BINOM_LOGPMF = "(_gammaln(N + 1.0) - _gammaln(K + 1.0) - _gammaln(N - K + 1.0) + _xlogy(K, P) + _xlog1py(N - K, -P))"
_NBINOM_LOGPMF = "(_gammaln(N + K) - _gammaln(K + 1.0) - _gammaln(N) + N * np.log(P) + _xlog1py(K, -P))"
_GEOM_LOGPMF = "(_xlog1py(K - 1.0, -P) + np.log(P))"
_BERNOULLI_LOGPMF = "(_xlogy(K, P) + _xlog1py(1.0 - K, -P))"
DISCRETE = {name: {"logpmf": text, "pmf": f"np.exp{text}"} for name, text in (
    ("poisson", _POISSON_LOGPMF), ("binom", _BINOM_LOGPMF), ("nbinom", _NBINOM_LOGPMF), ("geom", _GEOM_LOGPMF),
    ("bernoulli", _BERNOULLI_LOGPMF))}

# each distribution read: its parameters (in order), those it needs given, its functions
DISTRIBUTIONS = {"norm": (("x", "loc", "scale"), ("x",), NORM),
                 "t": (("x", "df", "loc", "scale"), ("x", "df"), STUDENT_T),
                 "laplace": (("x", "loc", "scale"), ("x",), LAPLACE),
                 "cauchy": (("x", "loc", "scale"), ("x",), CAUCHY),
                 "logistic": (("x", "loc", "scale"), ("x",), LOGISTIC),
                 "expon": (("x", "loc", "scale"), ("x",), EXPON),
                 "gamma": (("x", "a", "loc", "scale"), ("x", "a"), GAMMA),
                 "beta": (("x", "a", "b", "loc", "scale"), ("x", "a", "b"), BETA),
                 "multivariate_normal": (("x", "mean", "cov"), ("x",), MVN),
                 "poisson": (("k", "mu", "loc"), ("k", "mu"), DISCRETE["poisson"]),
                 "binom": (("k", "n", "p", "loc"), ("k", "n", "p"), DISCRETE["binom"]),
                 "nbinom": (("k", "n", "p", "loc"), ("k", "n", "p"), DISCRETE["nbinom"]),
                 "geom": (("k", "p", "loc"), ("k", "p"), DISCRETE["geom"]),
                 "bernoulli": (("k", "p", "loc"), ("k", "p"), DISCRETE["bernoulli"])}
DISTRIBUTIONS.update(scipy_densities.DISTRIBUTIONS)  # (dirichlet, halfnorm, halfcauchy, lognorm, invgamma)


def stats_meaning(name):
    """``scipy.stats`` or ``scipy.stats.norm`` (``multivariate_normal``) for a module's dotted name
    that is one of them (as autograd's and JAX's copies), else None."""
    for module in SCIPY_STATS:
        if name == module:
            return "scipy.stats"
        for distribution in DISTRIBUTIONS:
            if name == f"{module}.{distribution}":
                return f"scipy.stats.{distribution}"
    return None


def rewrite(forward):
    if not any(str(meaning).startswith(("scipy.special", "scipy.stats")) or meaning in SCIPY_PACKAGES
               for meaning in forward.env.values()):
        return
    numpy_name = numpy_alias(forward)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)  # the arguments first: expit(logsumexp(x))
            return _replace(forward, node, numpy_name)

    Calls().visit(forward.func)


def _meaning(forward, func):
    """``scipy.special.expit`` for a call's function that names one, else None."""
    if isinstance(func, ast.Name):  # (expit(x); norm(mu, sigma), a frozen distribution)
        meaning = forward.env.get(func.id) or ""
        return meaning if meaning.startswith(("scipy.special.", "scipy.stats.")) else None
    if isinstance(func, ast.Attribute):
        parts = []
        while isinstance(func, ast.Attribute):
            parts.insert(0, func.attr)
            func = func.value
        if isinstance(func, ast.Name) and forward.env.get(func.id):
            full = ".".join([forward.env[func.id]] + parts)
            for module in SCIPY_SPECIAL:  # autograd.scipy.special.erf: scipy.special.erf
                if full.startswith(module + "."):
                    return "scipy.special." + full[len(module) + 1:]
            for module in SCIPY_STATS:  # autograd.scipy.stats.norm.logpdf: scipy.stats.norm.logpdf
                if full.startswith(module + "."):
                    return "scipy.stats." + full[len(module) + 1:]
            return None
    return None


def _replace(forward, call, numpy_name):
    meaning = _meaning(forward, call.func)
    if meaning is None:
        return call
    if meaning.startswith("scipy.stats."):
        return _stats_call(forward, call, meaning, numpy_name)
    name = meaning.rpartition(".")[2]
    np_ = ast.Name(numpy_name, ast.Load())
    if name == "expit" and len(call.args) == 1 and not call.keywords:
        exp = ast.Call(ast.Attribute(np_, "exp", ast.Load()), [ast.UnaryOp(ast.USub(), call.args[0])], [])
        new = ast.BinOp(ast.Constant(1.0), ast.Div(), ast.BinOp(ast.Constant(1.0), ast.Add(), exp))
    elif name == "logsumexp" and 1 <= len(call.args) <= 4 and all(k.arg in ("axis", "keepdims", "b")
                                                                  for k in call.keywords):
        given = dict(zip(["a", "axis", "b", "keepdims"], call.args))
        given.update({k.arg: k.value for k in call.keywords})
        if isinstance(given.get("b"), ast.Constant) and given["b"].value is None:  # (b=None: no weights)
            del given["b"]
        keywords = [ast.keyword("axis", given.get("axis", ast.Constant(None))),
                    ast.keyword("keepdims", given.get("keepdims", ast.Constant(False)))]
        reduce = ast.Attribute(ast.Attribute(np_, "logaddexp", ast.Load()), "reduce", ast.Load())
        new = ast.Call(reduce, [given["a"]], keywords)
        if "b" in given:  # log(sum(b * exp(a))): the exponentials shifted by the reduction above, kept
            kept = [keywords[0], ast.keyword("keepdims", ast.Constant(True))]  # as a's axes (a - shift <= 0)
            shift = ast.Call(tree_copy(reduce), [tree_copy(given["a"])], tree_copy(kept))
            exp = ast.Call(ast.Attribute(np_, "exp", ast.Load()), [ast.BinOp(tree_copy(given["a"]), ast.Sub(),
                                                                              shift)], [])
            total = ast.Call(ast.Attribute(np_, "sum", ast.Load()), [ast.BinOp(given["b"], ast.Mult(), exp)],
                             tree_copy(keywords))
            new = ast.BinOp(new, ast.Add(), ast.Call(ast.Attribute(np_, "log", ast.Load()), [total], []))
    elif name in ("softmax", "log_softmax") and 1 <= len(call.args) <= 2 and \
            all(k.arg == "axis" for k in call.keywords):
        given = dict(zip(["x", "axis"], call.args))  # x - logsumexp(x, axis, keepdims=True), its exp
        given.update({k.arg: k.value for k in call.keywords})
        reduce = ast.Attribute(ast.Attribute(np_, "logaddexp", ast.Load()), "reduce", ast.Load())
        keywords = [ast.keyword("axis", given.get("axis", ast.Constant(None))),
                    ast.keyword("keepdims", ast.Constant(True))]
        new = ast.BinOp(given["x"], ast.Sub(), ast.Call(reduce, [tree_copy(given["x"])], keywords))
        if name == "softmax":
            new = ast.Call(ast.Attribute(np_, "exp", ast.Load()), [new], [])
    elif name in ("jv", "jn") and len(call.args) == 2 and not call.keywords and isinstance(call.args[0], ast.Constant) \
            and call.args[0].value in (0, 1) and not isinstance(call.args[0].value, bool):  # (jv(1, x): j1(x))
        helper = f"_j{int(call.args[0].value)}"
        forward.env[helper] = f"numpy.{helper}"
        new = ast.Call(ast.Name(helper, ast.Load()), call.args[1:], [])
    elif (name in ("erf", "erfc", "gammaln", "digamma", "psi", "j0", "j1") and len(call.args) == 1 or
          name in ("xlogy", "xlog1py") and len(call.args) == 2) and not call.keywords:
        helper = "_digammas" if name in ("digamma", "psi") else f"_{name}"  # backgen.runtime: math.erf element by
        # element (digamma's, gammaln's gradient, _digamma element by element), written into the generated module
        forward.env[helper] = f"numpy.{helper}"
        new = ast.Call(ast.Name(helper, ast.Load()), call.args, [])
    elif name in ("binom", "comb") and len(call.args) == 2 and all(
            k.arg == "exact" or k.arg == "repetition" and isinstance(k.value, ast.Constant) and k.value.value is False
            for k in call.keywords):  # (a Bernstein basis's coefficients: exact or not, the same numbers)
        forward.env["_binom"] = "numpy._binom"
        new = ast.Call(ast.Name("_binom", ast.Load()), call.args, [])
    elif name in FORMULAS and len(call.args) == len(FORMULAS[name][0]) and not call.keywords:
        params, text = FORMULAS[name]
        if name == "factorial":  # (of a count's data: integers given it are left out of the default wrt)
            forward.counted.update(_counted_names(call.args[0]))
        for helper in ("_erfc", "_gammaln", "_log_ndtr", "_ndtri", "_xlogy", "_bessel_i1"):
            if helper in text:
                forward.env[helper] = f"numpy.{helper}"
        new = _filled(text, dict(zip(params, call.args)), call, numpy_name)
    elif name in READ:
        raise forward.error(f"{meaning} is read with {READ[name]} only: {name}({_written(call)}) is not "
                            "supported", call)
    else:
        raise forward.error(f"{meaning} is not supported: backgen reads scipy.special's expit, logsumexp, "
                            "erf, erfc, gammaln, digamma (psi), xlogy and xlog1py, j0 and j1 (jv and jn of order 0 or 1), "
                            "softmax and log_softmax, binom and comb of integers, and "
                            f"{', '.join(FORMULAS)}", call)
    for sub in walk(new):
        ast.copy_location(sub, call)
    return new


def _counted_names(*parts):
    """The names a discrete distribution's counts are read from (``y``, ``y[1:]``, ``counts + 1``):
    SciPy's ``pmf`` is 0 between them, so integers given such a name are the data's counts."""
    return {node.id for part in parts if part is not None for node in walk(part)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _stats_call(forward, call, meaning, numpy_name):
    """``norm.logpdf(x, loc, scale)`` (and pdf, cdf...; ``multivariate_normal.logpdf(x, mean, cov)``)
    as the NumPy of ``NORM`` (``MVN``); ``entropy(pk, qk, base, axis)`` as ``ENTROPY``'s."""
    if meaning == "scipy.stats.entropy":
        return _entropy(forward, call, numpy_name)
    owner, _, name = meaning.rpartition(".")
    distribution = owner.rpartition(".")[2]
    read = "; ".join(f"{d}'s {', '.join(fs)} (of {', '.join(ps)})" for d, (ps, _, fs) in DISTRIBUTIONS.items()) + \
        f"; entropy (of {', '.join(ENTROPY_PARAMS)})"
    if owner == "scipy.stats" and name in DISTRIBUTIONS:  # norm(mu, sigma).logpdf(x)
        params, _, functions = DISTRIBUTIONS[name]
        first, *others = functions
        raise forward.error(f"a frozen distribution, {ast.unparse(call)}, is not supported: give the parameters "
                            f"in each call, {name}.{first}({', '.join(params)}) (or {', '.join(others)})", call)
    if not owner.startswith("scipy.stats.") or distribution not in DISTRIBUTIONS or \
            name not in DISTRIBUTIONS[distribution][2]:
        raise forward.error(f"{meaning} is not supported: backgen reads scipy.stats's {read}", call)
    params, needed, templates = DISTRIBUTIONS[distribution]
    if distribution == "norm" and name in QUANTILES:  # (SciPy names their first parameter q)
        params, needed = ("q",) + params[1:], ("q",)
    given = dict(zip(params, call.args))
    for keyword in call.keywords if len(call.args) <= len(params) else [ast.keyword(None, call.args[-1])]:
        if distribution == "multivariate_normal" and keyword.arg == "allow_singular" and \
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
            continue  # (SciPy's default: a singular cov raises, as np.linalg.solve does)
        if keyword.arg not in params or keyword.arg in given:
            raise forward.error(f"{meaning} with these arguments is not supported: give it "
                                f"{', '.join(params)}", call)
        given[keyword.arg] = keyword.value
    if any(p not in given for p in needed) or any(isinstance(a, ast.Starred) for a in call.args):
        raise forward.error(f"{meaning} needs its arguments {', '.join(needed)} written out", call)
    if distribution == "norm" and name in QUANTILES:
        text = templates[name]
        text = text if "scale" in given else text.replace("SCALE * ", "")
        text = text if "loc" in given else text.replace("LOC + ", "").replace("LOC - ", "-")
        parts = {"X": given["q"], "LOC": given.get("loc"), "SCALE": given.get("scale")}
    elif distribution in DISCRETE:
        forward.counted.update(_counted_names(given["k"], given.get("n") if distribution == "binom" else None))
        text = source.renamed(templates[name], {"K": "(X - LOC)" if "loc" in given else "X"})
        parts = {"X": given["k"], "LOC": given.get("loc"), "MU": given.get("mu"), "N": given.get("n"),
                 "P": given.get("p")}
    elif distribution != "multivariate_normal":
        z = "(X - LOC)" if "loc" in given else "X"
        z = f"({z} / SCALE)" if "scale" in given else z
        text = source.renamed(templates[name], {"Z": z})
        if "scale" not in given:
            text = text.replace(" - np.log(SCALE)", "").replace("(SCALE * 2.5066282746310002)",
                                                                 "2.5066282746310002")
            text = text.replace(" * SCALE)", ")").replace(" / SCALE)", ")").replace(" / (2.0 * SCALE))", " / 2.0)")
        parts = {"X": given["x"], "LOC": given.get("loc"), "SCALE": given.get("scale"), "DF": given.get("df"),
                 "A": given.get("a"), "B": given.get("b"), "S": given.get("s"), "ALPHA": given.get("alpha")}
    else:
        matrix = COV_MATRIX if "cov" in given else "np.eye(np.shape(D)[-1])"  # (cov=1, SciPy's default)
        text = source.renamed(source.renamed(templates[name], {"MATRIX": matrix}),
                              {"D": "(X - MEAN)" if "mean" in given else "X"})
        parts = {"X": given["x"], "MEAN": given.get("mean"), "COV": given.get("cov")}
    for helper in ("_erfc", "_log_ndtr", "_ndtri", "_gammaln", "_xlogy", "_xlog1py"):
        if helper in text:
            forward.env[helper] = f"numpy.{helper}"
    return _filled(text, parts, call, numpy_name)


def _entropy(forward, call, numpy_name):
    """``scipy.stats.entropy(pk, qk=None, base=None, axis=0)``: the entropy of ``pk`` normalized along
    ``axis`` (``-sum(P log P)``), or, given ``qk``, the relative entropy ``sum(P log(P / Q))``, over
    ``log(base)`` where a base is given."""
    given = dict(zip(ENTROPY_PARAMS, call.args))
    for keyword in call.keywords:
        if keyword.arg not in ENTROPY_PARAMS or keyword.arg in given:
            raise forward.error(f"scipy.stats.entropy with these arguments is not supported: give it "
                                f"{', '.join(ENTROPY_PARAMS)}", call)
        given[keyword.arg] = keyword.value
    if "pk" not in given or len(call.args) > len(ENTROPY_PARAMS) or any(isinstance(a, ast.Starred) for a in call.args):
        raise forward.error("scipy.stats.entropy needs its argument pk written out", call)
    given = {k: v for k, v in given.items() if not (isinstance(v, ast.Constant) and v.value is None)}
    text = ENTROPY[("qk" in given, "base" in given)]
    forward.env["_xlogy"] = "numpy._xlogy"
    parts = {"PK": given["pk"], "QK": given.get("qk"), "BASE": given.get("base"), "AXIS": given.get("axis", ast.Constant(0))}
    return _filled(text, parts, call, numpy_name)


def _filled(text, parts, call, numpy_name):
    """The expression ``text`` (NumPy named ``np`` in it) with each name of ``parts`` the tree given for it
    (a copy of it where it is written twice), located where ``call`` is."""
    new = ast.parse(source.renamed(text, {"np": numpy_name}), mode="eval").body

    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):  # (a copy where an argument is written twice)
            return tree_copy(parts[node.id]) if node.id in parts else node
    new = Parts().visit(new)
    for sub in walk(new):
        ast.copy_location(sub, call)
    return new


def reads_module(forward, module):
    """Whether the function's environment binds a name to ``module`` (``scipy.optimize``), a function
    of it, or the scipy package, through which it may be read."""
    return any(str(meaning) in (module, "scipy") or str(meaning).startswith(module + ".")
               for meaning in forward.env.values())


def function_of(forward, func, module):
    """The name (``cdist``) the called ``func`` has in ``module`` (``scipy.spatial.distance``) as the
    environment reads it (``scipy.spatial.distance.cdist``, ``distance.cdist``, ``ssd.cdist``), else None."""
    parts, node = [], func
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not forward.env.get(node.id):
        return None
    meaning = ".".join([forward.env[node.id]] + parts)
    return meaning[len(module) + 1:] if meaning.startswith(module + ".") else None


def numpy_alias(forward):
    """A name bound to NumPy in the function's environment (one is added if none is)."""
    for name, meaning in sorted(forward.env.items()):
        if meaning == "numpy":
            return name
    user = names_of(forward.func)
    name = "np" if "np" not in user and "np" not in forward.env else "numpy_"
    forward.env[name] = "numpy"
    return name
