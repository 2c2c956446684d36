"""NumPy elementwise rules: ufuncs of one and two operands, selections between operands.

Every entry broadcasts as NumPy does (``reverse`` sums a contribution back to
its operand's shape); string gradients are local derivatives or, mentioning
``g``, whole vector-Jacobian products (see ``base``).
"""

import ast

from .base import Rule, constant_base, power_base


def _unary(grad, hint="", fresh=True, domain=("any",), aliases=(), floats=False):
    return Rule(("x",), grads={"x": grad}, signature="x", hint=hint, fresh=fresh, domain=domain, aliases=aliases,
                floats=floats)


def _binary(grads, domain=("any", "any"), aliases=(), hint="", fresh=True, floats=False):
    return Rule(("a", "b"), grads=grads, broadcast=True, signature="a, b", domain=domain, aliases=aliases,
                hint=hint, fresh=fresh, floats=floats)


def _exponent(c):
    """d(a ** b)/db = a ** b * log(a): 0 where a is 0 (a ** b is 0 for every b > 0 there, where
    log(a) has no value)."""
    base = constant_base(c)  # (2.0, np.e)
    if base is not None:
        return f"{c.out} * {c.np}.log({c.a}) * {c.g}" if base > 0 else f"{c.np}.zeros_like({c.out})"
    return f"{c.out} * {c.np}.log({c.np}.where({c.a} == 0, 1.0, {c.a})) * {c.g}"


def _where(position):
    def grad(c):
        if position == "x":
            return f"{c.np}.where({c.condition}, {c.g}, 0)"
        return f"{c.np}.where({c.condition}, 0, {c.g})"
    return grad


def _clip(position):
    """Inside the bounds the gradient goes to a, below to a_min, above to a_max (a bound may be
    None, or an array broadcast against a).  Where a_min >= a_max NumPy gives a_max, whatever a:
    there it all goes to a_max (a between equal bounds changes nothing)."""
    def grad(c):
        a, lo, hi = c.a, c.a_min, c.a_max
        both = lo != "None" and hi != "None"
        numbers = _number(lo), _number(hi)
        ordered = None if None in numbers else numbers[0] < numbers[1]  # (known where both are numbers)
        if position == "a":
            if both and ordered is False:  # a_max everywhere
                return f"{c.np}.zeros_like({c.g})"
            tests = [f"({a} >= {lo})" if lo != "None" else "", f"({a} <= {hi})" if hi != "None" else "",
                     f"({lo} < {hi})" if both and ordered is None else ""]
            mask = " & ".join(t for t in tests if t)
            if not mask:  # np.clip(a, None, None): a itself
                return c.g
            return f"{c.g} * ({mask})" if " & " in mask else f"{c.g} * {mask}"
        if position == "a_min":
            if not both or ordered:
                return f"{c.g} * ({a} < {lo})"
            return f"{c.g} * (({a} < {lo}) & ({lo} < {hi}))"
        if not both or ordered:
            return f"{c.g} * ({a} > {hi})"
        return f"{c.g} * (({a} > {hi}) | ({lo} >= {hi}))"
    return grad


def _number(text):
    """The number a bound's text writes (``-0.5``), or None."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _interp(position):
    """np.interp(x, xp, fp): on the segment of the knots xp holding x (the one to its right at a knot,
    the first or last outside them, where the value is fp's end, constant), the value is fp[k] + t *
    (fp[k + 1] - fp[k]), t = (x - xp[k]) / (xp[k + 1] - xp[k]).  fp[k] and fp[k + 1] get (1 - t) and t
    of the gradient, x the slope, xp[k] and xp[k + 1] minus the slope times (1 - t) and t."""
    def grad(c):
        if any(c.param(p) is not None for p in ("left", "right", "period")):
            c.unsupported("np.interp with left, right or period is not differentiated")
        np_, x, xp, fp = c.np, c.x, c.xp, c.fp
        seg = c.setup("seg", f"{np_}.clip({np_}.searchsorted({xp}, {x}, side='right') - 1, 0, len({xp}) - 2)")
        width = c.setup("width", f"{xp}[{seg} + 1] - {xp}[{seg}]")
        if position in ("x", "xp"):  # the segment's slope inside the knots, 0 outside
            slope = c.setup("slope", f"{np_}.where(({x} > {xp}[0]) & ({x} < {xp}[-1]), "
                                     f"({fp}[{seg} + 1] - {fp}[{seg}]) / {width}, 0.0)")
            if position == "x":
                return f"{c.g} * {slope}"
        t = c.setup("frac", f"{np_}.clip(({x} - {xp}[{seg}]) / {width}, 0.0, 1.0)")
        segs = c.setup("segs", f"{np_}.ravel({seg})")
        g, n = (c.g if position == "fp" else f"-{c.g} * {slope}"), f"len({fp})"
        return (f"{np_}.bincount({segs}, {np_}.ravel({g} * (1 - {t})), minlength={n}) + "
                f"{np_}.bincount({segs} + 1, {np_}.ravel({g} * {t}), minlength={n})")
    return grad


def _nan_to_num(c):
    """The finite elements pass through; NaN and the infinities are replaced by constants."""
    if c.param("copy", True) is not True:
        c.unsupported("np.nan_to_num with copy=False writes into its argument, which backgen does not follow")
    return f"{c.g} * {c.np}.isfinite({c.x})"


RULES = {
    "np.exp": _unary("out", floats=True),
    "np.log": _unary("1 / x", domain=("positive",), floats=True),
    "np.log1p": _unary("1 / (1 + x)", domain=("positive",), floats=True),
    "np.expm1": _unary("out + 1", floats=True),
    "np.sqrt": _unary("0.5 / out", domain=("positive",), floats=True),
    "np.square": _unary("2 * x", hint="sq{var}"),
    "np.abs": _unary("np.sign(x)", aliases=("np.absolute",)),
    "np.sign": Rule(("x",), signature="x", fresh=True),  # zero gradient almost everywhere
    # scipy.special.erf, erfc and gammaln (backgen.scipy_calls), computed by the generated module's own helpers
    "np._erf": Rule(("x",), "_erf(x)", {"x": "2 / np.sqrt(np.pi) * np.exp(-x ** 2)"}, signature="x",
                    hint="erf{var}", fresh=True, floats=True),
    "np._erfc": Rule(("x",), "_erfc(x)", {"x": "-2 / np.sqrt(np.pi) * np.exp(-x ** 2)"}, signature="x",
                     hint="erfc{var}", fresh=True, floats=True),
    # scipy.special.j0 and j1 (Bessel functions of the first kind: an Airy disk's 2 J1(x) / x), computed by the
    # generated module's own helpers: J0' = -J1, J1' = (J0 - J2) / 2
    "np._j0": Rule(("x",), "_j0(x)", {"x": "-_j1(x)"}, signature="x", hint="j0{var}", fresh=True, floats=True),
    "np._j1": Rule(("x",), "_j1(x)", {"x": "_j1_grad(x)"}, signature="x", hint="j1{var}", fresh=True, floats=True),
    # scipy.special.log_ndtr (and norm.logcdf, logsf): its gradient, the normal's density over its cdf, in
    # logs (both vanish far in the lower tail, where their ratio is about -x)
    "np._log_ndtr": Rule(("x",), "_log_ndtr(x)", {"x": "np.exp(-0.5 * x ** 2 - 0.9189385332046727 - out)"},
                         signature="x", hint="logndtr{var}", fresh=True, floats=True),
    # scipy.special.ndtri (and norm.ppf, isf): the normal's quantile, whose gradient is one over the density
    # at it (infinite at 0 and 1, where the quantile is)
    "np._ndtri": Rule(("x",), "_ndtri(x)", {"x": "2.5066282746310002 * np.exp(0.5 * out ** 2)"}, signature="x",
                      hint="ndtri{var}", fresh=True, domain=("probability",), floats=True),
    # scipy.special.digamma (psi): computed by the helper gammaln's gradient uses, its own by _trigammas
    "np._digammas": Rule(("x",), "_digammas(x)", {"x": "_trigammas(x)"}, signature="x", hint="digamma{var}",
                         fresh=True, domain=("positive",), floats=True),
    "np._gammaln": Rule(("x",), "_gammaln(x)", {"x": "_digammas(x)"}, signature="x", hint="gammaln{var}",
                        fresh=True, domain=("positive",), floats=True),
    # scipy.special.xlogy and xlog1py (backgen.scipy_calls): x log(y), 0 where x is 0, so that y's
    # gradient x / y is 0 there too (y read as 1, log1p's as 0, where x is 0: no division by 0)
    "np._xlogy": Rule(("x", "y"), "_xlogy(x, y)", {"x": "np.log(y)", "y": "x / np.where(x == 0, 1.0, y)"},
                      broadcast=True, signature="x, y", hint="xlogy", fresh=True, domain=("any", "positive"),
                      floats=True),
    "np._xlog1py": Rule(("x", "y"), "_xlog1py(x, y)", {"x": "np.log1p(y)", "y": "x / (1 + np.where(x == 0, 0.0, y))"},
                        broadcast=True, signature="x, y", hint="xlog1py", fresh=True, domain=("any", "positive"),
                        floats=True),
    "np.sin": _unary("np.cos(x)", floats=True),
    "np.cos": _unary("-np.sin(x)", floats=True),
    "np.tan": _unary("1 + out ** 2", floats=True),
    "np.tanh": _unary("1 - out ** 2", floats=True),
    "np.arctan": _unary("1 / (1 + x ** 2)", floats=True, aliases=("np.atan",)),
    "np.sinh": _unary("np.cosh(x)", floats=True),
    "np.cosh": _unary("np.sinh(x)", floats=True),
    "np.reciprocal": _unary("-out ** 2", domain=("nonzero",)),
    "np.negative": _unary("-1"),
    "np.exp2": _unary("out * np.log(2)", floats=True),
    "np.log2": _unary("1 / (x * np.log(2))", domain=("positive",), floats=True),
    "np.log10": _unary("1 / (x * np.log(10))", domain=("positive",), floats=True),
    "np.arcsin": _unary("1 / np.sqrt(1 - x ** 2)", domain=("unit",), floats=True, aliases=("np.asin",)),
    "np.arccos": _unary("-1 / np.sqrt(1 - x ** 2)", domain=("unit",), floats=True,
                        aliases=("np.acos",)),
    "np.arcsinh": _unary("1 / np.hypot(x, 1)", floats=True, aliases=("np.asinh",)),
    "np.arccosh": _unary("1 / (np.sqrt(x - 1) * np.sqrt(x + 1))", domain=("above_one",), floats=True,
                          aliases=("np.acosh",)),
    "np.arctanh": _unary("1 / (1 - x ** 2)", domain=("unit",), floats=True, aliases=("np.atanh",)),
    "np.deg2rad": _unary("np.pi / 180", aliases=("np.radians",), floats=True),
    "np.rad2deg": _unary("180 / np.pi", aliases=("np.degrees",), floats=True),
    "np.cbrt": _unary("1 / (3 * out ** 2)", floats=True),
    "np.fabs": _unary("np.sign(x)", floats=True),
    # d/dx sin(pi x) / (pi x), which is 0 at x = 0 (where the quotient's numerator is 0 too)
    "np.i0": _unary("_bessel_i1(x)", floats=True),  # I0' = I1, the modified Bessel function of order 1
    # scipy.special.i1 (backgen.scipy_calls), by the helper np.i0's gradient uses: I1' = I0 - I1 / x, 1/2 at 0
    "np._bessel_i1": Rule(("x",), "_bessel_i1(x)", {"x": "np.where(x == 0, 0.5, np.i0(x) - out / np.where(x == 0, 1.0, x))"},
                          signature="x", hint="i1{var}", fresh=True, floats=True),
    "np.sinc": _unary("(np.cos(np.pi * x) - out) / np.where(x == 0, 1.0, x)", floats=True),
    "np.real": _unary("1", fresh=False, aliases=("np.real_if_close",)),  # real numbers: themselves
    "np.conjugate": Rule(("x",), grads={"x": "1"}, signature="x", aliases=("np.conj",), methods=("conj", "conjugate"),
                         fresh=True),
    "np.positive": _unary("1"),
    # np.unwrap adds whole periods where neighbours jump by more than half of one: constant between the jumps
    "np.unwrap": Rule(("p",), grads={"p": "1"}, signature="p, discont=None, axis=-1, period=6.283185307179586",
                      fresh=True, floats=True, examples=("np.unwrap(p) | p=5", "np.unwrap(p, axis=0) | p=4x3",
                                                         "np.unwrap(p, period=np.pi) | p=2x4")),
    "np.nan_to_num": Rule(("x",), grads={"x": _nan_to_num}, signature="x, copy=True, nan=0.0, posinf=None, neginf=None",
                          fresh=True, examples=("np.nan_to_num(x) | x=2x3", "np.nan_to_num(x / a, posinf=1.0) | x=4, a=()")),
    "np.copy": Rule(("x",), grads={"x": "1"}, signature="x, order='K'", methods=("copy",), fresh=True,  # (an order:
                    examples=("np.copy(x) * x | x=2x3", "x.copy(order='F') * 2.0 | x=2x3",  # the same numbers)
                              "np.copy(x, order='C') | x=3", "np.copy(x) | x=()")),
    # x.astype(float): the same numbers (an integer dtype carries no gradient; see stage_calls)
    "np.astype": Rule(("x",), grads={"x": "1"}, examples=("x.astype(float) * x | x=2x3", "x.astype(x.dtype) | x=4")),
    "np.power": _binary({"a": power_base, "b": _exponent}, domain=("positive", "any"), aliases=("np.pow",)),
    "np.add": _binary({"a": "1", "b": "1"}),
    "np.subtract": _binary({"a": "1", "b": "-1"}),
    "np.multiply": _binary({"a": "b", "b": "a"}),
    "np.divide": _binary({"a": "1 / b", "b": "-a / b / b"}, domain=("any", "nonzero"), aliases=("np.true_divide",),
                         floats=True),
    "np.float_power": _binary({"a": power_base, "b": _exponent}, domain=("positive", "any"), floats=True),
    # at y = x = 0 the gradient 0 (math.atan2's too), never 0 / 0: a zero gradient from above stays 0
    "np.arctan2": Rule(("y", "x"), grads={"y": "np.cos(out) / np.where((y == 0) & (x == 0), np.inf, np.hypot(y, x))",
                                          "x": "-np.sin(out) / np.where((y == 0) & (x == 0), np.inf, np.hypot(y, x))"},
                       broadcast=True, signature="y, x", fresh=True, floats=True, aliases=("np.atan2",)),
    # at a = b = 0 the subgradient 0 (np.linalg.norm's too; central differences give it), never 0 / 0
    "np.hypot": _binary({"a": "a / np.where(out == 0, 1.0, out)", "b": "b / np.where(out == 0, 1.0, out)"},
                        floats=True),
    "np.logaddexp": _binary({"a": "np.exp(a - out)", "b": "np.exp(b - out)"}, floats=True),
    "np.logaddexp2": _binary({"a": "2 ** (a - out)", "b": "2 ** (b - out)"}, floats=True),
    # piecewise: a jump where a / b is a whole number, away from it
    "np.mod": _binary({"a": "1", "b": "-np.floor(a / b)"}, aliases=("np.remainder",)),
    "np.fmod": _binary({"a": "1", "b": "-np.trunc(a / b)"}),
    "np.copysign": _binary({"a": "np.sign(a) * np.copysign(1.0, b)"}, floats=True),  # the sign of b: no gradient
    # selection
    "np.maximum": _binary({"a": "g * (a >= b)", "b": "g * (b > a)"}, hint="max{var}"),
    "np.minimum": _binary({"a": "g * (a <= b)", "b": "g * (b < a)"}, hint="min{var}"),
    # fmax and fmin take the other operand where one is NaN
    "np.fmax": _binary({"a": "g * ((a >= b) | np.isnan(b))", "b": "g * ((b > a) | np.isnan(a))"}, hint="max{var}"),
    "np.fmin": _binary({"a": "g * ((a <= b) | np.isnan(b))", "b": "g * ((b < a) | np.isnan(a))"}, hint="min{var}"),
    "np.where": Rule(("condition", "x", "y"), grads={"x": _where("x"), "y": _where("y")}, broadcast=True,
                     signature="condition, x, y", fresh=True,
                     examples=("np.where(a > 0, a, b) | a=2x3, b=3", "np.where(b > 0, a * a, 2.0) | a=(), b=4")),
    "np.interp": Rule(("x", "xp", "fp"), grads={"x": _interp("x"), "xp": _interp("xp"), "fp": _interp("fp")},
                      signature="x, xp, fp, left=None, right=None, period=None", fresh=True,
                      examples=("np.interp(x * 2.0 + 2.0, np.arange(5.0), fp) | x=3, fp=5",
                                "np.interp(x * 2.0 + 2.0, np.arange(5.0), fp) | x=2x3, fp=5",
                                "np.interp(x * 2.0 + 2.0, np.arange(5.0), fp) | x=(), fp=5",
                                "np.interp(x * 2.0 + 2.0, np.cumsum(np.abs(xp)) - 0.5, fp) | x=4, xp=5, fp=5"),
                                floats=True),
    "np.clip": Rule(("a", "a_min", "a_max"), grads={"a": _clip("a"), "a_min": _clip("a_min"), "a_max": _clip("a_max")},
                    broadcast=True, signature="a, a_min=None, a_max=None", methods=("clip",),
                    examples=("np.clip(a, -0.5, 0.6) | a=2x3", "a.clip(-0.5, 0.6) | a=5", "np.clip(a, None, 0.6) | a=4",
                              "np.clip(a, -0.5, 0.6) | a=()", "np.clip(a, a_min, 0.9) | a=2x3, a_min=3",
                              "np.clip(a, a_min, a_max) | a=5, a_min=(), a_max=():positive",
                              "a.clip(a_min * 0.5, None) | a=2x3, a_min=2x1",
                              "np.clip(a, a_min + 1.0, a_max) | a=4, a_min=4:positive, a_max=4:positive",
                              "a.clip(min=0.1) | a=2x3", "np.clip(a, max=a_max) | a=3, a_max=3")),
}
