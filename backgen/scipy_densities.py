"""More of scipy.stats's densities and scipy.special's functions, as the NumPy formulas they compute.

Contract: ``DISTRIBUTIONS`` adds to ``scipy_calls.DISTRIBUTIONS`` the priors of Bayesian models:
``halfnorm``'s and ``halfcauchy``'s ``logpdf`` and ``pdf`` of ``(x, loc=0, scale=1)``, ``lognorm``'s of
``(x, s, loc=0, scale=1)`` and ``invgamma``'s of ``(x, a, loc=0, scale=1)``, each in ``Z = (x - loc) / scale``
and its shape (``S``, ``A``), as SciPy computes them (a half line's ``-inf`` and 0 outside its support, a
constant of no gradient there, through ``np.where``: ``lognorm``'s and ``invgamma``'s at ``Z <= 0`` too, where
their formulas read the log of no positive number), and ``dirichlet``'s of ``(x, alpha)`` (a point, or a
column per point, as SciPy reads them).
``FORMULAS`` adds to ``scipy_calls.FORMULAS`` ``multigammaln(a, d)``, the log of the multivariate
gamma function of a Wishart's normalizer: ``d (d - 1) / 4 log(pi)`` plus the sum of ``gammaln(a - j / 2)``
for ``j`` in ``0 .. d - 1`` (``d`` an integer, ``a`` a number or an array of them); and the scaled modified Bessel
functions of a von Mises density's normalizer, ``i0e`` and ``i1e`` (``i0`` and ``i1`` times ``exp(-|x|)``, which
``scipy_calls`` writes as ``np.i0`` and ``_bessel_i1``), by the midpoint rule of their integrals over a half
period, exact to rounding, without the overflow of ``i0`` at large ``x``.
"""

# the half line's families: log(sqrt(2 / pi)) and log(2 / pi) written out
HALFNORM = {"logpdf": "(np.where(Z >= 0, -0.5 * Z ** 2, -np.inf) - 0.2257913526447274 - np.log(SCALE))",
            "pdf": "(np.where(Z >= 0, 0.7978845608028654 * np.exp(-0.5 * Z ** 2), 0.0) / SCALE)"}
HALFCAUCHY = {"logpdf": "(np.where(Z >= 0, -np.log1p(Z ** 2), -np.inf) - 0.4515827052894548 - np.log(SCALE))",
              "pdf": "(np.where(Z >= 0, 0.6366197723675814 / (1.0 + Z ** 2), 0.0) / SCALE)"}

# those of a shape parameter, S of lognorm, A of invgamma (log(2 pi) / 2 written out)
_LOGNORM_LOGPDF = "(-np.log(S) - np.log(Z) - 0.9189385332046727 - np.log(Z) ** 2 / (2.0 * S ** 2) - np.log(SCALE))"
LOGNORM = {"logpdf": f"np.where(Z > 0, {_LOGNORM_LOGPDF}, -np.inf)",
           "pdf": f"np.where(Z > 0, np.exp{_LOGNORM_LOGPDF}, 0.0)"}
_INVGAMMA_LOGPDF = "(-(A + 1.0) * np.log(Z) - 1.0 / Z - _gammaln(A) - np.log(SCALE))"
INVGAMMA = {"logpdf": f"np.where(Z > 0, {_INVGAMMA_LOGPDF}, -np.inf)",
            "pdf": f"np.where(Z > 0, np.exp{_INVGAMMA_LOGPDF}, 0.0)"}

# the Dirichlet's, of a point x on the simplex (or a column per point, as SciPy reads them) and concentrations
_DIRICHLET_LOGPDF = "(_gammaln(np.sum(ALPHA)) - np.sum(_gammaln(ALPHA)) + np.sum(_xlogy(np.reshape(ALPHA - 1.0, " \
                    "(-1,) + (1,) * (np.ndim(X) - 1)), X), axis=0))"
DIRICHLET = {"logpdf": _DIRICHLET_LOGPDF, "pdf": f"np.exp{_DIRICHLET_LOGPDF}"}

DISTRIBUTIONS = {"dirichlet": (("x", "alpha"), ("x", "alpha"), DIRICHLET),
                 "halfnorm": (("x", "loc", "scale"), ("x",), HALFNORM),
                 "halfcauchy": (("x", "loc", "scale"), ("x",), HALFCAUCHY),
                 "lognorm": (("x", "s", "loc", "scale"), ("x", "s"), LOGNORM),
                 "invgamma": (("x", "a", "loc", "scale"), ("x", "a"), INVGAMMA)}

# the cosines of the midpoints of 128 equal parts of [0, pi] (pi / 128 written out): the midpoint rule of
# (1 / pi) times the integral over [0, pi] of exp(x cos t) cos(n t), a periodic function, is the modified
# Bessel function I_n(x) to rounding (about 1e-14 relative up to x = 700)
_COSINES = "np.cos((np.arange(128) + 0.5) * 0.02454369260617026)"
_EXPONENT = f"np.expand_dims(X, -1) * {_COSINES}"
_SCALED = f"np.exp({_EXPONENT} - np.abs(np.expand_dims(X, -1)))"  # (times exp(-|x|): no overflow)

# (log(pi) / 4 written out; the sum over the last axis the argument is given, a number's one)
FORMULAS = {"multigammaln": (("A", "DIM"), "0.28618247146235004 * DIM * (DIM - 1) + "
                             "np.sum(_gammaln(np.expand_dims(A, -1) - np.arange(DIM) / 2.0), axis=-1)"),
            "i0e": (("X",), f"np.mean({_SCALED}, axis=-1)"),
            "i1e": (("X",), f"np.mean({_SCALED} * {_COSINES}, axis=-1)")}
