"""Time series and state-space models as people write them in NumPy and plain Python: simple, double
and triple exponential smoothing (Holt, Holt-Winters, additive and multiplicative seasons) scored on
one-step forecasts, AR and ARMA conditional sums of squares and Gaussian log-likelihoods with residual
recursions, GARCH variance recursions, Kalman filter log-likelihoods (predict/update with matrices,
innovations, log-determinants), local level and dynamic linear models, hidden Markov forward passes with
Gaussian emissions, Prophet-like trend and Fourier seasonality, Croston's method, moving averages and
EWMA features, autocorrelation losses, pinball losses, MASE and sMAPE, RNN forecasters unrolled over a
window.  Loops over t with lists grown by appends, or arrays preallocated with np.zeros and written by
index.

Each case is checked against central finite differences in float64 (``numeric``) with respect to its
float parameters, by ``backgen.generate`` (with no shapes, and with shapes where they are arrays) and
by the decorator, or asserted refused with a ``BackgenError`` and part of its message.
"""

import textwrap

import numpy as np
import pytest

import backgen
from numeric import assert_close, finite_differences, fresh_args, imported, shape_specs


def _module(source):
    return imported(textwrap.dedent(source), "tseries_hunt")


HEADER = "import math\n\nimport numpy as np\n"


def run_way(source, args, way, name="f", wrt=None, dout=1.0):
    """The gradients ``way`` gives (plain, shapes, decorator) beside central differences, as
    ``(got, want)``; None where ``shapes`` does not apply."""
    import inspect  # noqa: PLC0415

    source = HEADER + textwrap.dedent(source)
    func = _module(source)[name]
    params = list(inspect.signature(func).parameters)
    positions = wrt if wrt is not None else [
        k for k, a in enumerate(args) if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    names = tuple(params[k] for k in positions)
    with np.errstate(all="ignore"):
        want = finite_differences(lambda *values: func(*fresh_args(values)), list(args), positions, (dout,))
    if way == "decorator":
        with np.errstate(all="ignore"):
            got = backgen.backward(func, wrt=names).backward(*fresh_args(args), dout=dout)
    else:
        shapes = shape_specs(params, args) if way == "shapes" else None
        if way == "shapes" and shapes is None:
            return None
        text = backgen.generate(source, name=name, shapes=shapes, wrt=names)
        namespace = {}
        exec(compile(text, "<generated>", "exec"), namespace)
        with np.errstate(all="ignore"):
            got = namespace[f"{name}_backward"](*fresh_args(args), dout=dout)
    got = got if len(positions) > 1 else (got,)
    return got, want


def assert_right(source, args, name="f", wrt=None, dout=1.0, ways=("plain", "shapes", "decorator")):
    """The gradients of ``name`` in ``source`` for the parameters at ``wrt`` (by default the float arrays
    and numbers) agree with central differences, each way asked for."""
    for way in ways:
        result = run_way(source, args, way, name, wrt, dout)
        if result is None:
            continue
        for g, w in zip(*result):
            assert_close(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def assert_refused(source, match, name="f"):
    with pytest.raises(backgen.BackgenError, match=match):
        backgen.generate(HEADER + textwrap.dedent(source), name=name)


def _rng(seed):
    return np.random.default_rng(seed)


def series(n, seed, level=10.0):
    """A positive series with a trend, a season of 4 and noise."""
    t = np.arange(n)
    return level + 0.3 * t + 2.0 * np.sin(2 * np.pi * t / 4) + _rng(seed).standard_normal(n)


def returns(n, seed):
    return 0.01 * _rng(seed).standard_normal(n)


def normal(shape, seed, scale=1.0):
    return scale * _rng(seed).standard_normal(shape)


def demand(n, seed):
    """An intermittent demand series: zeros with positive sizes now and then."""
    rng = _rng(seed)
    y = np.where(rng.random(n) < 0.4, rng.uniform(1.0, 5.0, n), 0.0)
    y[0] = 2.0
    return y


CASES = {}  # name -> (source, args, wrt, refused match or None, dout)


def case(name, source, args, wrt=None, refused=None, dout=1.0):
    assert name not in CASES
    CASES[name] = (source, args, wrt, refused, dout)


# ---------------------------------------------------------------- simple exponential smoothing

case("ses_list_append", '''
def f(alpha, y, l0):
    level = [l0]
    for t in range(len(y)):
        level.append(alpha * y[t] + (1 - alpha) * level[-1])
    forecasts = np.array(level[:-1])
    return np.sum((y - forecasts) ** 2)
''', [0.3, series(12, 0), 10.0])

case("ses_preallocated", '''
def f(y, alpha, l0):
    n = len(y)
    l = np.zeros(n + 1)
    l[0] = l0
    for t in range(n):
        l[t + 1] = alpha * y[t] + (1 - alpha) * l[t]
    e = y - l[:-1]
    return np.mean(e ** 2)
''', [series(12, 1), 0.4, 9.0])

case("ses_scalar_running_sse", '''
def f(y, alpha):
    level = y[0]
    sse = 0.0
    for t in range(1, len(y)):
        err = y[t] - level
        sse += err * err
        level = level + alpha * err
    return sse
''', [series(15, 2), 0.5])

case("ses_plain_python_list", '''
def f(alpha, l0, ys=[3.0, 4.5, 4.1, 5.2, 6.0, 5.7, 6.3]):
    level = l0
    loss = 0.0
    for y in ys:
        loss += (y - level) ** 2
        level = alpha * y + (1 - alpha) * level
    return loss / len(ys)
''', [0.35, 3.2])

case("ses_logit_alpha", '''
def f(theta, y):
    alpha = 1.0 / (1.0 + np.exp(-theta))
    s = y[0]
    out = []
    for t in range(1, len(y)):
        out.append(s)
        s = alpha * y[t] + (1.0 - alpha) * s
    fc = np.array(out)
    return np.sqrt(np.mean((y[1:] - fc) ** 2))
''', [-0.4, series(14, 3)])

case("ses_enumerate", '''
def f(y, alpha):
    smoothed = np.empty_like(y)
    for i, v in enumerate(y):
        if i == 0:
            smoothed[i] = v
        else:
            smoothed[i] = alpha * v + (1 - alpha) * smoothed[i - 1]
    return np.sum((y[1:] - smoothed[:-1]) ** 2)
''', [series(10, 4), 0.25])

case("ses_while_loop", '''
def f(y, alpha):
    t = 1
    s = y[0]
    total = 0.0
    while t < len(y):
        total = total + (y[t] - s) ** 2
        s = s + alpha * (y[t] - s)
        t += 1
    return total
''', [series(9, 5), 0.6])

case("ses_mae_loss", '''
def f(y, alpha):
    s = y[0]
    errs = []
    for t in range(1, len(y)):
        errs.append(abs(y[t] - s))
        s = alpha * y[t] + (1 - alpha) * s
    return sum(errs) / len(errs)
''', [series(12, 6), 0.3])

case("ses_fitted_and_forecast_h", '''
def f(y, alpha, h=3):
    s = y[0]
    for t in range(1, len(y)):
        s = alpha * y[t] + (1 - alpha) * s
    fc = np.full(h, s)
    return np.sum(fc * np.arange(1, h + 1))
''', [series(10, 7), 0.45])

case("ses_weights_closed_form", '''
def f(y, alpha):
    n = len(y)
    w = alpha * (1 - alpha) ** np.arange(n)[::-1]
    return np.dot(w, y) + (1 - alpha) ** n * y[0]
''', [series(8, 8), 0.3])

case("ses_math_module", '''
def f(a, y0, data=(2.0, 2.4, 2.1, 2.8, 3.3, 3.0)):
    alpha = 1 / (1 + math.exp(-a))
    s = y0
    nll = 0.0
    for x in data:
        nll += 0.5 * (x - s) ** 2
        s += alpha * (x - s)
    return nll
''', [0.2, 2.0])

case("ses_params_array", '''
def f(params, y):
    alpha, l0 = params
    l = l0
    fitted = np.zeros_like(y)
    for t in range(len(y)):
        fitted[t] = l
        l = alpha * y[t] + (1 - alpha) * l
    return ((y - fitted) ** 2).sum()
''', [np.array([0.3, 10.0]), series(10, 9)])

case("ses_returns_forecasts_vector", '''
def f(y, alpha):
    out = np.zeros(len(y))
    out[0] = y[0]
    for t in range(1, len(y)):
        out[t] = alpha * y[t - 1] + (1 - alpha) * out[t - 1]
    return out
''', [series(8, 10), 0.5], dout=normal(8, 100))

# ---------------------------------------------------------------- Holt's linear trend

case("holt_preallocated", '''
def f(y, alpha, beta):
    n = len(y)
    level = np.zeros(n)
    trend = np.zeros(n)
    level[0] = y[0]
    trend[0] = y[1] - y[0]
    sse = 0.0
    for t in range(1, n):
        fc = level[t - 1] + trend[t - 1]
        sse += (y[t] - fc) ** 2
        level[t] = alpha * y[t] + (1 - alpha) * (level[t - 1] + trend[t - 1])
        trend[t] = beta * (level[t] - level[t - 1]) + (1 - beta) * trend[t - 1]
    return sse
''', [series(14, 11), 0.5, 0.2])

case("holt_tuple_update", '''
def f(y, alpha, beta, l0, b0):
    l, b = l0, b0
    loss = 0.0
    for t in range(len(y)):
        yhat = l + b
        loss += (y[t] - yhat) ** 2
        l, b = alpha * y[t] + (1 - alpha) * (l + b), beta * (alpha * y[t] + (1 - alpha) * (l + b) - l) + (1 - beta) * b
    return loss / len(y)
''', [series(12, 12), 0.4, 0.1, 10.0, 0.3])

case("holt_damped", '''
def f(y, alpha, beta, phi):
    l = y[0]
    b = 0.0
    preds = []
    for t in range(1, len(y)):
        preds.append(l + phi * b)
        l_new = alpha * y[t] + (1 - alpha) * (l + phi * b)
        b = beta * (l_new - l) + (1 - beta) * phi * b
        l = l_new
    preds = np.array(preds)
    return np.mean((y[1:] - preds) ** 2)
''', [series(13, 13), 0.5, 0.3, 0.9])

case("holt_error_correction_form", '''
def f(y, alpha, beta):
    l, b = y[0], y[1] - y[0]
    sse = 0
    for yt in y[1:]:
        e = yt - (l + b)
        sse += e ** 2
        l = l + b + alpha * e
        b = b + alpha * beta * e
    return sse
''', [series(12, 14), 0.6, 0.2])

case("holt_forecast_horizon", '''
def f(y, alpha, beta, h=4):
    level, trend = y[0], 0.0
    for t in range(1, len(y)):
        last = level
        level = alpha * y[t] + (1 - alpha) * (level + trend)
        trend = beta * (level - last) + (1 - beta) * trend
    steps = np.arange(1, h + 1)
    return np.sum((level + steps * trend) ** 2)
''', [series(10, 15), 0.5, 0.3])

case("holt_dict_state", '''
def f(y, alpha, beta):
    state = {"level": y[0], "trend": 0.0}
    err = 0.0
    for t in range(1, len(y)):
        fc = state["level"] + state["trend"]
        err += (y[t] - fc) ** 2
        new_level = alpha * y[t] + (1 - alpha) * fc
        state["trend"] = beta * (new_level - state["level"]) + (1 - beta) * state["trend"]
        state["level"] = new_level
    return err
''', [series(11, 16), 0.5, 0.3])

case("double_exponential_brown", '''
def f(y, alpha):
    s1 = s2 = y[0]
    loss = 0.0
    for t in range(1, len(y)):
        a = 2 * s1 - s2
        b = alpha / (1 - alpha) * (s1 - s2)
        loss += (y[t] - (a + b)) ** 2
        s1 = alpha * y[t] + (1 - alpha) * s1
        s2 = alpha * s1 + (1 - alpha) * s2
    return loss
''', [series(12, 17), 0.3])

# ---------------------------------------------------------------- Holt-Winters

case("hw_additive_lists", '''
def f(y, alpha, beta, gamma, m=4):
    level = np.mean(y[:m])
    trend = (np.mean(y[m:2 * m]) - np.mean(y[:m])) / m
    season = [y[i] - level for i in range(m)]
    sse = 0.0
    for t in range(m, len(y)):
        fc = level + trend + season[t % m]
        sse += (y[t] - fc) ** 2
        last_level = level
        level = alpha * (y[t] - season[t % m]) + (1 - alpha) * (level + trend)
        trend = beta * (level - last_level) + (1 - beta) * trend
        season[t % m] = gamma * (y[t] - level) + (1 - gamma) * season[t % m]
    return sse
''', [series(20, 18), 0.4, 0.1, 0.2])

case("hw_additive_preallocated", '''
def f(y, alpha, beta, gamma, s0, m=4):
    n = len(y)
    l = np.zeros(n)
    b = np.zeros(n)
    s = np.zeros(n + m)
    s[:m] = s0
    l[0] = y[0]
    loss = 0.0
    for t in range(1, n):
        yhat = l[t - 1] + b[t - 1] + s[t]
        loss += (y[t] - yhat) ** 2
        l[t] = alpha * (y[t] - s[t]) + (1 - alpha) * (l[t - 1] + b[t - 1])
        b[t] = beta * (l[t] - l[t - 1]) + (1 - beta) * b[t - 1]
        s[t + m] = gamma * (y[t] - l[t]) + (1 - gamma) * s[t]
    return loss / (n - 1)
''', [series(16, 19), 0.3, 0.1, 0.2, np.array([0.0, 2.0, 0.0, -2.0])])

case("hw_multiplicative", '''
def f(y, alpha, beta, gamma, m=4):
    level = y[:m].mean()
    trend = 0.0
    season = list(y[:m] / level)
    loss = 0.0
    for t in range(m, len(y)):
        i = t % m
        fc = (level + trend) * season[i]
        loss += (y[t] - fc) ** 2
        prev = level
        level = alpha * y[t] / season[i] + (1 - alpha) * (level + trend)
        trend = beta * (level - prev) + (1 - beta) * trend
        season[i] = gamma * y[t] / level + (1 - gamma) * season[i]
    return loss
''', [series(20, 20), 0.3, 0.1, 0.2])

case("hw_seasonal_array_params", '''
def f(params, season0, y):
    alpha, beta, gamma = params
    m = len(season0)
    s = season0.copy()
    l, b = y[0], 0.0
    total = 0.0
    for t in range(1, len(y)):
        k = t % m
        pred = l + b + s[k]
        total += (y[t] - pred) ** 2
        l_old = l
        l = alpha * (y[t] - s[k]) + (1 - alpha) * (l + b)
        b = beta * (l - l_old) + (1 - beta) * b
        s[k] = gamma * (y[t] - l) + (1 - gamma) * s[k]
    return total
''', [np.array([0.3, 0.1, 0.2]), np.array([0.5, 2.0, -0.5, -2.0]), series(16, 21)])

case("hw_damped_multiplicative_season", '''
def f(y, alpha, beta, gamma, phi, m=4):
    l = np.mean(y[:m])
    b = 0.1
    s = y[:m] / l
    errors = np.zeros(len(y) - m)
    for t in range(m, len(y)):
        yhat = (l + phi * b) * s[t % m]
        errors[t - m] = y[t] - yhat
        lp = l
        l = alpha * (y[t] / s[t % m]) + (1 - alpha) * (l + phi * b)
        b = beta * (l - lp) + (1 - beta) * phi * b
        s[t % m] = gamma * (y[t] / (lp + phi * b)) + (1 - gamma) * s[t % m]
    return np.mean(errors ** 2)
''', [series(16, 22), 0.3, 0.1, 0.1, 0.95])

case("seasonal_naive_plus_level", '''
def f(y, alpha, m=4):
    fc = y[:-m] + alpha * (np.mean(y) - y[:-m])
    return np.mean((y[m:] - fc) ** 2)
''', [series(12, 23), 0.2])

case("hw_percent_error", '''
def f(y, alpha, gamma, m=4):
    level = y[0]
    season = np.zeros(m)
    loss = 0.0
    for t in range(1, len(y)):
        f_t = level + season[t % m]
        loss += ((y[t] - f_t) / y[t]) ** 2
        level = alpha * (y[t] - season[t % m]) + (1 - alpha) * level
        season[t % m] = gamma * (y[t] - level) + (1 - gamma) * season[t % m]
    return 100 * loss / (len(y) - 1)
''', [series(14, 24), 0.3, 0.2])

# ---------------------------------------------------------------- AR and ARMA

case("ar1_css_vectorized", '''
def f(c, phi, y):
    e = y[1:] - c - phi * y[:-1]
    return np.sum(e ** 2)
''', [0.5, 0.6, series(20, 30)])

case("ar_p_loop_dot_reversed", '''
def f(phi, y):
    p = len(phi)
    css = 0.0
    for t in range(p, len(y)):
        pred = np.dot(phi, y[t - p:t][::-1])
        css += (y[t] - pred) ** 2
    return css
''', [np.array([0.5, -0.2, 0.1]), normal(20, 31)])

case("ar_p_lag_matrix", '''
def f(phi, y, p=3):
    X = np.column_stack([y[p - k - 1:len(y) - k - 1] for k in range(p)])
    resid = y[p:] - X @ phi
    return resid @ resid / len(resid)
''', [np.array([0.5, -0.2, 0.1]), normal(20, 32)])

case("ar_p_gaussian_loglik", '''
def f(phi, sigma2, y):
    p = phi.shape[0]
    n = len(y)
    resid = np.zeros(n - p)
    for t in range(p, n):
        resid[t - p] = y[t] - np.sum(phi * y[t - p:t][::-1])
    ll = -0.5 * (n - p) * np.log(2 * np.pi * sigma2) - 0.5 * np.sum(resid ** 2) / sigma2
    return -ll
''', [np.array([0.4, 0.2]), 0.8, normal(18, 33)])

case("ar1_exact_loglik", '''
def f(phi, sigma, y):
    n = len(y)
    v0 = sigma ** 2 / (1 - phi ** 2)
    ll = -0.5 * np.log(2 * np.pi * v0) - y[0] ** 2 / (2 * v0)
    e = y[1:] - phi * y[:-1]
    ll += -0.5 * (n - 1) * np.log(2 * np.pi * sigma ** 2) - np.sum(e ** 2) / (2 * sigma ** 2)
    return ll
''', [0.5, 1.2, normal(15, 34)])

case("ar_inner_loop_over_lags", '''
def f(phi, c, y):
    p = len(phi)
    loss = 0.0
    for t in range(p, len(y)):
        yhat = c
        for i in range(p):
            yhat += phi[i] * y[t - i - 1]
        loss += (y[t] - yhat) ** 2
    return loss / (len(y) - p)
''', [np.array([0.3, 0.2, -0.1]), 0.1, normal(16, 35)])

case("ma1_residual_recursion", '''
def f(theta, mu, y):
    e = np.zeros_like(y)
    e[0] = y[0] - mu
    for t in range(1, len(y)):
        e[t] = y[t] - mu - theta * e[t - 1]
    return np.sum(e ** 2)
''', [0.4, 0.2, normal(15, 36)])

case("arma11_css", '''
def f(params, y):
    c, phi, theta = params
    n = len(y)
    eps = np.zeros(n)
    for t in range(1, n):
        eps[t] = y[t] - c - phi * y[t - 1] - theta * eps[t - 1]
    return 0.5 * np.sum(eps[1:] ** 2)
''', [np.array([0.1, 0.5, 0.3]), normal(20, 37)])

case("arma_pq_loglik", '''
def f(ar, ma, log_sigma, y):
    p, q = len(ar), len(ma)
    n = len(y)
    e = np.zeros(n)
    start = max(p, q)
    for t in range(start, n):
        e[t] = y[t] - np.dot(ar, y[t - p:t][::-1]) - np.dot(ma, e[t - q:t][::-1])
    sigma2 = np.exp(2 * log_sigma)
    m = n - start
    return 0.5 * m * np.log(2 * np.pi * sigma2) + 0.5 * np.sum(e[start:] ** 2) / sigma2
''', [np.array([0.4, -0.1]), np.array([0.3, 0.1]), 0.1, normal(20, 38)])

case("arma_residuals_list", '''
def f(phi, theta, y):
    resid = [0.0]
    for t in range(1, len(y)):
        resid.append(y[t] - phi * y[t - 1] - theta * resid[-1])
    r = np.array(resid)
    return np.mean(r ** 2)
''', [0.5, 0.2, normal(15, 39)])

case("ar2_scalar_python", '''
def f(a1, a2, xs=(0.3, -0.1, 0.5, 0.8, 0.2, -0.4, -0.2, 0.1)):
    sse = 0.0
    for t in range(2, len(xs)):
        r = xs[t] - a1 * xs[t - 1] - a2 * xs[t - 2]
        sse += r * r
    return sse
''', [0.4, -0.2])

case("ar1_with_trend_regression", '''
def f(beta, phi, y):
    t = np.arange(len(y))
    u = y - beta[0] - beta[1] * t
    e = u[1:] - phi * u[:-1]
    return np.sum(e ** 2)
''', [np.array([10.0, 0.3]), 0.5, series(15, 40)])

case("sarima_seasonal_ar", '''
def f(phi, Phi, y, s=4):
    loss = 0.0
    for t in range(s + 1, len(y)):
        pred = phi * y[t - 1] + Phi * y[t - s] - phi * Phi * y[t - s - 1]
        loss += (y[t] - pred) ** 2
    return loss
''', [0.5, 0.3, normal(20, 41)])

case("ar_differenced_series", '''
def f(phi, y):
    dy = np.diff(y)
    e = dy[1:] - phi * dy[:-1]
    return np.sum(e ** 2) / len(e)
''', [0.3, series(15, 42)])

case("ar_student_t_nll", '''
def f(phi, scale, y, nu=5.0):
    e = (y[1:] - phi * y[:-1]) / scale
    return np.sum(np.log(scale) + 0.5 * (nu + 1) * np.log1p(e ** 2 / nu))
''', [0.4, 0.8, normal(15, 43)], wrt=[0, 1])

case("ar_yule_walker_mismatch", '''
def f(phi, y):
    y = y - y.mean()
    n = len(y)
    r1 = np.sum(y[1:] * y[:-1]) / n
    r0 = np.sum(y * y) / n
    return (r1 / r0 - phi) ** 2
''', [0.3, normal(15, 44)])

# ---------------------------------------------------------------- GARCH

case("garch11_nll_loop", '''
def f(omega, alpha, beta, r):
    n = len(r)
    sigma2 = np.zeros(n)
    sigma2[0] = np.var(r)
    for t in range(1, n):
        sigma2[t] = omega + alpha * r[t - 1] ** 2 + beta * sigma2[t - 1]
    return 0.5 * np.sum(np.log(2 * np.pi * sigma2) + r ** 2 / sigma2)
''', [0.05, 0.1, 0.8, normal(30, 50)], wrt=[0, 1, 2])

case("garch11_params_unpacked", '''
def f(params, r):
    omega, alpha, beta = params
    s2 = omega / (1 - alpha - beta)
    nll = 0.0
    for t in range(len(r)):
        nll += 0.5 * (np.log(s2) + r[t] ** 2 / s2)
        s2 = omega + alpha * r[t] ** 2 + beta * s2
    return nll
''', [np.array([0.05, 0.1, 0.85]), normal(25, 51)])

case("garch11_list_append", '''
def f(omega, alpha, beta, r):
    var = [np.mean(r ** 2)]
    for x in r[:-1]:
        var.append(omega + alpha * x ** 2 + beta * var[-1])
    v = np.array(var)
    return -np.sum(-0.5 * np.log(v) - 0.5 * r ** 2 / v)
''', [0.05, 0.1, 0.8, normal(20, 52)])

case("gjr_garch_indicator", '''
def f(omega, alpha, gamma, beta, r):
    h = np.empty_like(r)
    h[0] = r.var()
    for t in range(1, len(r)):
        neg = 1.0 if r[t - 1] < 0 else 0.0
        h[t] = omega + (alpha + gamma * neg) * r[t - 1] ** 2 + beta * h[t - 1]
    return np.sum(np.log(h) + r ** 2 / h) / 2
''', [0.05, 0.05, 0.1, 0.8, normal(20, 53)], wrt=[0, 1, 2, 3])

case("gjr_garch_where", '''
def f(theta, r):
    omega, alpha, gamma, beta = theta
    h = np.zeros(len(r))
    h[0] = np.mean(r ** 2)
    for t in range(1, len(r)):
        h[t] = omega + alpha * r[t - 1] ** 2 + gamma * np.where(r[t - 1] < 0, r[t - 1] ** 2, 0.0) + beta * h[t - 1]
    return 0.5 * np.sum(np.log(h) + r ** 2 / h)
''', [np.array([0.05, 0.05, 0.1, 0.8]), normal(20, 54)])

case("egarch_log_variance", '''
def f(omega, alpha, gamma, beta, r):
    logh = np.zeros(len(r))
    logh[0] = np.log(np.var(r))
    for t in range(1, len(r)):
        z = r[t - 1] / np.exp(0.5 * logh[t - 1])
        logh[t] = omega + alpha * (np.abs(z) - np.sqrt(2 / np.pi)) + gamma * z + beta * logh[t - 1]
    return 0.5 * np.sum(logh + r ** 2 / np.exp(logh))
''', [0.0, 0.1, -0.05, 0.9, normal(20, 55)], wrt=[0, 1, 2, 3])

case("garch_student_t", '''
def f(params, r, nu=6.0):
    omega, alpha, beta = params
    s2 = np.var(r)
    ll = 0.0
    for t in range(1, len(r)):
        s2 = omega + alpha * r[t - 1] ** 2 + beta * s2
        ll += -0.5 * np.log(s2) - (nu + 1) / 2 * np.log(1 + r[t] ** 2 / ((nu - 2) * s2))
    return -ll
''', [np.array([0.05, 0.1, 0.85]), normal(20, 56)], wrt=[0])

case("garch_softplus_reparam", '''
def f(raw, r):
    omega = np.log1p(np.exp(raw[0]))
    a = 1 / (1 + np.exp(-raw[1]))
    b = (1 - a) / (1 + np.exp(-raw[2]))
    h = np.mean(r ** 2)
    nll = 0.0
    for t in range(len(r)):
        nll = nll + np.log(h) + r[t] ** 2 / h
        h = omega + a * r[t] ** 2 + b * h
    return 0.5 * nll
''', [np.array([-2.0, -1.5, 2.0]), normal(20, 57)])

case("garch_math_scalar", '''
def f(omega, alpha, beta, rets=(1.0, -2.0, 1.5, -0.5, 3.0, -1.0, 0.2)):
    var = 4.0
    nll = 0.0
    for r in rets:
        nll += 0.5 * (math.log(2 * math.pi) + math.log(var) + r * r / var)
        var = omega + alpha * r * r + beta * var
    return nll
''', [0.1, 0.1, 0.85])

case("arch_q_vectorized_lags", '''
def f(omega, alphas, r):
    q = len(alphas)
    r2 = r ** 2
    h = omega + sum(alphas[i] * r2[q - i - 1:len(r) - i - 1] for i in range(q))
    e = r[q:]
    return np.sum(np.log(h) + e ** 2 / h)
''', [0.1, np.array([0.2, 0.1]), normal(20, 58)])

case("garch_variance_targeting", '''
def f(alpha, beta, r):
    uncond = np.mean(r ** 2)
    omega = uncond * (1 - alpha - beta)
    sig = np.full(len(r), uncond)
    for t in range(1, len(r)):
        sig[t] = omega + alpha * r[t - 1] ** 2 + beta * sig[t - 1]
    return np.mean(np.log(sig) + r ** 2 / sig)
''', [0.1, 0.8, normal(20, 59)], wrt=[0, 1])

# ---------------------------------------------------------------- Kalman filters and local level models

case("local_level_scalar_kalman", '''
def f(log_q, log_r, y):
    q, r = np.exp(log_q), np.exp(log_r)
    a, p = y[0], 1e3
    ll = 0.0
    for t in range(1, len(y)):
        p = p + q
        v = y[t] - a
        F = p + r
        ll += -0.5 * (np.log(2 * np.pi * F) + v ** 2 / F)
        k = p / F
        a = a + k * v
        p = p * (1 - k)
    return -ll
''', [-1.0, 0.0, series(15, 60)])

case("local_level_lists", '''
def f(sigma_eta, sigma_eps, y):
    a = [0.0]
    P = [10.0]
    nll = 0.0
    for t in range(len(y)):
        F = P[-1] + sigma_eps ** 2
        v = y[t] - a[-1]
        nll += 0.5 * (math.log(F) + v * v / F)
        K = P[-1] / F
        a.append(a[-1] + K * v)
        P.append(P[-1] * (1 - K) + sigma_eta ** 2)
    return nll
''', [0.5, 1.0, normal(12, 61)])

case("local_level_preallocated", '''
def f(y, q, r):
    n = len(y)
    x = np.zeros(n + 1)
    P = np.zeros(n + 1)
    P[0] = 1.0
    innov = np.zeros(n)
    S = np.zeros(n)
    for t in range(n):
        Pp = P[t] + q
        S[t] = Pp + r
        innov[t] = y[t] - x[t]
        K = Pp / S[t]
        x[t + 1] = x[t] + K * innov[t]
        P[t + 1] = (1 - K) * Pp
    return 0.5 * np.sum(np.log(S) + innov ** 2 / S)
''', [normal(12, 62), 0.3, 0.8])

case("kalman_matrix_loglik", '''
def f(q, r, ys):
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.eye(2)
    R = np.array([[r]])
    x = np.zeros((2, 1))
    P = np.eye(2) * 10.0
    ll = 0.0
    for t in range(len(ys)):
        x = F @ x
        P = F @ P @ F.T + Q
        y = ys[t] - H @ x
        S = H @ P @ H.T + R
        K = P @ H.T @ np.linalg.inv(S)
        ll += -0.5 * (np.log(np.linalg.det(2 * np.pi * S)) + y.T @ np.linalg.inv(S) @ y).item()
        x = x + K @ y
        P = (np.eye(2) - K @ H) @ P
    return -ll
''', [0.1, 0.5, series(10, 63)])

case("kalman_vector_state_slogdet_solve", '''
def f(Q, R, Y, A, C):
    n = A.shape[0]
    x = np.zeros(n)
    P = np.eye(n)
    nll = 0.0
    for y in Y:
        x = A @ x
        P = A @ P @ A.T + Q
        S = C @ P @ C.T + R
        v = y - C @ x
        sign, logdet = np.linalg.slogdet(S)
        nll += 0.5 * (logdet + v @ np.linalg.solve(S, v))
        K = P @ C.T @ np.linalg.inv(S)
        x = x + K @ v
        P = P - K @ S @ K.T
    return nll
''', [0.1 * np.eye(2), 0.5 * np.eye(2), normal((8, 2), 64), np.array([[0.9, 0.1], [0.0, 0.8]]),
      np.array([[1.0, 0.0], [0.5, 1.0]])])

case("kalman_cholesky_params", '''
def f(L, y, A):
    Q = L @ L.T
    x = np.zeros(2)
    P = np.eye(2)
    total = 0.0
    H = np.array([1.0, 0.0])
    for t in range(len(y)):
        x = A @ x
        P = A @ P @ A.T + Q
        s = H @ P @ H + 0.5
        v = y[t] - H @ x
        total += np.log(s) + v ** 2 / s
        k = P @ H / s
        x = x + k * v
        P = P - np.outer(k, H @ P)
    return 0.5 * total
''', [np.array([[0.3, 0.0], [0.1, 0.2]]), normal(10, 65), np.array([[1.0, 1.0], [0.0, 1.0]])], wrt=[0, 2])

case("kalman_joseph_form", '''
def f(params, ys):
    q, r = np.exp(params)
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    x = np.array([[ys[0]], [0.0]])
    P = np.eye(2)
    loss = 0.0
    I = np.eye(2)
    for y in ys[1:]:
        x = F.dot(x)
        P = F.dot(P).dot(F.T) + q * I
        S = H.dot(P).dot(H.T) + r
        K = P.dot(H.T) / S
        innov = y - H.dot(x)
        loss += (np.log(S) + innov ** 2 / S).item()
        x = x + K * innov
        IKH = I - K.dot(H)
        P = IKH.dot(P).dot(IKH.T) + r * K.dot(K.T)
    return loss
''', [np.array([-2.0, -0.5]), series(10, 66)])

case("kalman_missing_obs_nan", '''
def f(q, r, y):
    a, p = 0.0, 10.0
    ll = 0.0
    for t in range(len(y)):
        p = p + q
        if np.isnan(y[t]):
            continue
        F = p + r
        v = y[t] - a
        ll -= 0.5 * (np.log(F) + v * v / F)
        a += p / F * v
        p -= p * p / F
    return ll
''', [0.3, 0.6, np.where(np.arange(12) % 5 == 3, np.nan, normal(12, 67))], wrt=[0, 1])

case("kalman_smoother_free_filtered_means", '''
def f(q, r, y):
    n = len(y)
    means = []
    m, P = 0.0, 1.0
    for t in range(n):
        P = P + q
        K = P / (P + r)
        m = m + K * (y[t] - m)
        P = (1 - K) * P
        means.append(m)
    means = np.array(means)
    return np.sum((means - y) ** 2)
''', [0.2, 0.7, normal(10, 68)])

case("dlm_regression_time_varying", '''
def f(log_w, log_v, X, y):
    W = np.exp(log_w) * np.eye(X.shape[1])
    V = np.exp(log_v)
    m = np.zeros(X.shape[1])
    C = np.eye(X.shape[1])
    ll = 0.0
    for t in range(len(y)):
        R = C + W
        f_t = X[t] @ m
        Q = X[t] @ R @ X[t] + V
        e = y[t] - f_t
        A = R @ X[t] / Q
        m = m + A * e
        C = R - np.outer(A, A) * Q
        ll += -0.5 * np.log(2 * np.pi * Q) - 0.5 * e ** 2 / Q
    return -ll
''', [-1.0, 0.0, normal((10, 2), 69), normal(10, 70)], wrt=[0, 1])

case("kalman_steady_state_gain", '''
def f(q, r, y):
    p = q
    for _ in range(50):
        p = p - p ** 2 / (p + r) + q
    k = p / (p + r)
    x = y[0]
    sse = 0.0
    for t in range(1, len(y)):
        sse += (y[t] - x) ** 2
        x = x + k * (y[t] - x)
    return sse
''', [0.3, 1.0, normal(12, 71)])

case("local_linear_trend_kalman", '''
def f(s_level, s_slope, s_obs, y):
    T = np.array([[1.0, 1.0], [0.0, 1.0]])
    Z = np.array([1.0, 0.0])
    Q = np.diag([s_level ** 2, s_slope ** 2])
    a = np.array([y[0], 0.0])
    P = np.eye(2) * 100
    ll = 0.0
    for t in range(1, len(y)):
        a = T @ a
        P = T @ P @ T.T + Q
        F = Z @ P @ Z + s_obs ** 2
        v = y[t] - Z @ a
        K = P @ Z / F
        a = a + K * v
        P = P - np.outer(K, K) * F
        ll += np.log(F) + v ** 2 / F
    return 0.5 * ll
''', [0.5, 0.1, 1.0, series(12, 72)])

case("kalman_einsum_batch_filter", '''
def f(q, ys):
    x = np.zeros(ys.shape[1])
    P = np.ones(ys.shape[1])
    nll = 0.0
    for t in range(ys.shape[0]):
        P = P + q
        S = P + 1.0
        v = ys[t] - x
        nll += np.sum(np.log(S) + v * v / S)
        K = P / S
        x = x + K * v
        P = (1 - K) * P
    return nll
''', [0.4, normal((8, 3), 73)])

case("kalman_scalar_tuple_returned_helper", '''
def step(m, P, y, q, r):
    P = P + q
    S = P + r
    K = P / S
    return m + K * (y - m), (1 - K) * P, (y - m) ** 2 / S + np.log(S)

def f(q, r, ys):
    m, P = 0.0, 1.0
    total = 0.0
    for y in ys:
        m, P, l = step(m, P, y, q, r)
        total += l
    return total
''', [0.2, 0.5, normal(10, 74)])

# ---------------------------------------------------------------- hidden Markov models

case("hmm_forward_scaled_gaussian", '''
def f(mu, log_sigma, A, pi, x):
    sigma = np.exp(log_sigma)
    B = np.exp(-0.5 * ((x[:, None] - mu) / sigma) ** 2) / (np.sqrt(2 * np.pi) * sigma)
    alpha = pi * B[0]
    c = alpha.sum()
    alpha = alpha / c
    ll = np.log(c)
    for t in range(1, len(x)):
        alpha = (alpha @ A) * B[t]
        c = alpha.sum()
        alpha /= c
        ll += np.log(c)
    return -ll
''', [np.array([-1.0, 1.5]), np.array([0.0, -0.3]), np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([0.6, 0.4]),
      normal(12, 80)])

case("hmm_forward_logsumexp", '''
from scipy.special import logsumexp
def f(mu, logA, x, sigma=1.0):
    K = len(mu)
    logB = -0.5 * ((x[:, None] - mu[None, :]) / sigma) ** 2 - np.log(sigma * np.sqrt(2 * np.pi))
    log_alpha = np.log(np.ones(K) / K) + logB[0]
    for t in range(1, len(x)):
        log_alpha = logsumexp(log_alpha[:, None] + logA, axis=0) + logB[t]
    return -logsumexp(log_alpha)
''', [np.array([-1.0, 0.5, 2.0]), np.log(np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])),
      normal(10, 81)])

case("hmm_forward_preallocated_matrix", '''
def f(means, trans, obs):
    T = len(obs)
    K = len(means)
    alpha = np.zeros((T, K))
    emis = np.exp(-0.5 * (obs[:, None] - means) ** 2)
    alpha[0] = emis[0] / K
    scale = np.zeros(T)
    scale[0] = alpha[0].sum()
    alpha[0] /= scale[0]
    for t in range(1, T):
        alpha[t] = emis[t] * (alpha[t - 1] @ trans)
        scale[t] = alpha[t].sum()
        alpha[t] = alpha[t] / scale[t]
    return -np.sum(np.log(scale))
''', [np.array([-1.0, 1.0]), np.array([[0.7, 0.3], [0.4, 0.6]]), normal(10, 82)])

case("hmm_softmax_parameters", '''
def f(logits, mu, x):
    A = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    K = A.shape[0]
    a = np.full(K, 1.0 / K) * np.exp(-(x[0] - mu) ** 2 / 2)
    ll = 0.0
    for t in range(1, len(x)):
        s = a.sum()
        ll += np.log(s)
        a = (a / s) @ A * np.exp(-(x[t] - mu) ** 2 / 2)
    return -(ll + np.log(a.sum()))
''', [normal((2, 2), 83), np.array([-1.0, 1.0]), normal(10, 84)])

case("hmm_forward_double_loop", '''
def f(mu, A, x):
    K = len(mu)
    alpha = [math.exp(-0.5 * (x[0] - mu[k]) ** 2) / K for k in range(K)]
    for t in range(1, len(x)):
        new = []
        for j in range(K):
            s = 0.0
            for i in range(K):
                s += alpha[i] * A[i, j]
            new.append(s * math.exp(-0.5 * (x[t] - mu[j]) ** 2))
        alpha = new
    return -math.log(sum(alpha))
''', [np.array([-1.0, 1.0]), np.array([[0.8, 0.2], [0.3, 0.7]]), normal(6, 85)])

case("hmm_scipy_norm_pdf", '''
from scipy.stats import norm
def f(mu, sd, A, x):
    B = norm.pdf(x[:, None], loc=mu, scale=sd)
    alpha = B[0] * 0.5
    loglik = 0.0
    for t in range(1, len(x)):
        n = alpha.sum()
        loglik += np.log(n)
        alpha = (alpha / n) @ A * B[t]
    return loglik + np.log(alpha.sum())
''', [np.array([0.0, 2.0]), np.array([1.0, 0.7]), np.array([[0.9, 0.1], [0.3, 0.7]]), normal(10, 86)])

case("hmm_gaussian_mixture_emission_logpdf", '''
from scipy.stats import norm
def f(mu, x, A):
    logB = norm.logpdf(x[:, None], mu, 1.0)
    m = logB.max(axis=1, keepdims=True)
    B = np.exp(logB - m)
    alpha = np.full(len(mu), 1 / len(mu)) * B[0]
    ll = m[0, 0] + np.log(alpha.sum())
    alpha /= alpha.sum()
    for t in range(1, x.shape[0]):
        alpha = alpha @ A * B[t]
        ll += m[t, 0] + np.log(alpha.sum())
        alpha /= alpha.sum()
    return ll
''', [np.array([-1.0, 0.5, 2.0]), normal(10, 87), np.full((3, 3), 1 / 3)], wrt=[0])

# ---------------------------------------------------------------- Prophet-like trend and Fourier seasonality

case("prophet_fourier_design", '''
def fourier(t, period, order):
    x = 2 * np.pi * np.arange(1, order + 1) * t[:, None] / period
    return np.concatenate([np.cos(x), np.sin(x)], axis=1)

def f(k, m, beta, y):
    t = np.arange(len(y)) / len(y)
    X = fourier(np.arange(len(y)), 4.0, 2)
    yhat = k * t + m + X @ beta
    return np.mean((y - yhat) ** 2)
''', [2.0, 10.0, normal(4, 90), series(16, 91)])

case("prophet_changepoints", '''
def f(k, m, delta, y, n_cp=3):
    T = len(y)
    t = np.linspace(0, 1, T)
    s = np.linspace(0, 1, n_cp + 2)[1:-1]
    A = (t[:, None] > s[None, :]).astype(float)
    gamma = -s * delta
    trend = (k + A @ delta) * t + (m + A @ gamma)
    return np.sum((y - trend) ** 2)
''', [3.0, 10.0, normal(3, 92), series(16, 93)])

case("prophet_fourier_column_stack", '''
def f(beta, y, P=4.0, K=2):
    t = np.arange(len(y))
    cols = []
    for k in range(1, K + 1):
        cols.append(np.sin(2 * np.pi * k * t / P))
        cols.append(np.cos(2 * np.pi * k * t / P))
    X = np.column_stack(cols)
    season = X.dot(beta)
    resid = y - y.mean() - season
    return 0.5 * resid.dot(resid)
''', [normal(4, 94), series(12, 95)])

case("prophet_logistic_growth", '''
def f(k, m, cap, y):
    t = np.arange(len(y)) / len(y)
    g = cap / (1 + np.exp(-k * (t - m)))
    return np.mean((np.log(y) - np.log(g)) ** 2)
''', [4.0, 0.5, 30.0, series(12, 96)])

case("prophet_laplace_prior_on_deltas", '''
def f(k, delta, y, tau=0.05):
    t = np.arange(len(y), dtype=float)
    cps = np.array([3.0, 6.0, 9.0])
    slope = k + np.sum(delta * (t[:, None] >= cps), axis=1)
    offset = -np.sum(delta * cps * (t[:, None] >= cps), axis=1)
    trend = slope * t + offset
    return np.sum((y - trend) ** 2) + np.sum(np.abs(delta)) / tau
''', [0.3, np.array([0.1, -0.2, 0.3]), series(12, 97)])

case("prophet_hinge_trend", '''
def f(w, b, y):
    t = np.arange(len(y), dtype=float)
    knots = np.array([4.0, 8.0])
    hinge = np.maximum(t[:, None] - knots, 0)
    trend = b + w[0] * t + hinge @ w[1:]
    return np.mean(np.abs(y - trend))
''', [np.array([0.3, 0.1, -0.1]), 9.5, series(12, 98)])

case("prophet_holiday_and_regressor", '''
def f(beta, hol, y, x):
    holidays = np.zeros(len(y))
    holidays[[2, 7]] = 1.0
    yhat = beta[0] + beta[1] * x + hol * holidays
    return ((y - yhat) ** 2).mean()
''', [np.array([10.0, 0.5]), 1.0, series(10, 99), normal(10, 100)])

case("fourier_features_list_comprehension", '''
def f(a, b, y, period=4.0):
    t = np.arange(len(y))
    s = sum(a[k] * np.sin(2 * np.pi * (k + 1) * t / period) + b[k] * np.cos(2 * np.pi * (k + 1) * t / period)
            for k in range(len(a)))
    return np.sum((y - np.mean(y) - s) ** 2)
''', [normal(2, 101), normal(2, 102), series(12, 103)])

case("multiplicative_seasonality_prophet", '''
def f(k, m, beta, y):
    t = np.arange(len(y)) / 10
    X = np.stack([np.sin(2 * np.pi * t * 10 / 4), np.cos(2 * np.pi * t * 10 / 4)], axis=1)
    trend = k * t + m
    yhat = trend * (1 + X @ beta)
    return np.mean((y - yhat) ** 2)
''', [3.0, 10.0, np.array([0.1, 0.05]), series(12, 104)])

# ---------------------------------------------------------------- Croston's method

case("croston_branch_on_demand", '''
def f(alpha, y):
    z = y[0]
    p = 1.0
    q = 1
    sse = 0.0
    for t in range(1, len(y)):
        sse += (y[t] - z / p) ** 2
        if y[t] > 0:
            z = alpha * y[t] + (1 - alpha) * z
            p = alpha * q + (1 - alpha) * p
            q = 1
        else:
            q += 1
    return sse
''', [0.2, demand(20, 110)], wrt=[0])

case("croston_preallocated", '''
def f(y, alpha):
    n = len(y)
    a = np.zeros(n + 1)
    p = np.zeros(n + 1)
    f_ = np.zeros(n + 1)
    first = np.argmax(y > 0)
    a[0] = y[first]
    p[0] = 1 + first
    f_[0] = a[0] / p[0]
    q = 1
    for t in range(n):
        if y[t] > 0:
            a[t + 1] = alpha * y[t] + (1 - alpha) * a[t]
            p[t + 1] = alpha * q + (1 - alpha) * p[t]
            q = 1
        else:
            a[t + 1] = a[t]
            p[t + 1] = p[t]
            q += 1
        f_[t + 1] = a[t + 1] / p[t + 1]
    return np.mean((y - f_[:-1]) ** 2)
''', [demand(20, 111), 0.3], wrt=[1])

case("croston_sba_nonzero_indices", '''
def f(alpha, y):
    idx = np.flatnonzero(y)
    sizes = y[idx]
    gaps = np.diff(np.concatenate([[-1], idx]))
    z, p = sizes[0], float(gaps[0])
    for k in range(1, len(idx)):
        z = alpha * sizes[k] + (1 - alpha) * z
        p = alpha * gaps[k] + (1 - alpha) * p
    return (1 - alpha / 2) * z / p
''', [0.25, demand(20, 112)], wrt=[0])

case("tsb_probability_update", '''
def f(alpha, beta, y):
    prob = 0.5
    size = np.mean(y[y > 0])
    loss = 0.0
    for t in range(len(y)):
        loss += (y[t] - prob * size) ** 2
        if y[t] > 0:
            prob = prob + beta * (1 - prob)
            size = size + alpha * (y[t] - size)
        else:
            prob = (1 - beta) * prob
    return loss
''', [0.2, 0.1, demand(20, 113)], wrt=[0, 1])

# ---------------------------------------------------------------- moving averages and EWMA features

case("moving_average_convolve_valid", '''
def f(x, w=3):
    ma = np.convolve(x, np.ones(w) / w, mode="valid")
    return np.sum((x[w - 1:] - ma) ** 2)
''', [series(12, 120)])

case("moving_average_cumsum_trick", '''
def f(x, n=3):
    c = np.cumsum(x)
    c[n:] = c[n:] - c[:-n]
    ma = c[n - 1:] / n
    return np.sum(ma ** 2)
''', [series(12, 121)])

case("moving_average_loop_slices", '''
def f(x, window=4):
    out = []
    for i in range(len(x) - window + 1):
        out.append(np.mean(x[i:i + window]))
    out = np.array(out)
    return np.sum(np.diff(out) ** 2)
''', [series(12, 122)])

case("moving_average_sliding_window_view", '''
from numpy.lib.stride_tricks import sliding_window_view
def f(x, w):
    windows = sliding_window_view(x, 3)
    return np.sum((windows @ w - x[3:].mean()) ** 2)
''', [series(10, 123), np.array([0.2, 0.3, 0.5])])

case("ewma_loop_feature", '''
def f(x, span=5):
    alpha = 2 / (span + 1)
    ewm = np.zeros_like(x)
    ewm[0] = x[0]
    for i in range(1, len(x)):
        ewm[i] = alpha * x[i] + (1 - alpha) * ewm[i - 1]
    return np.sum((x - ewm) ** 2)
''', [series(12, 124)])

case("ewma_adjusted_weights", '''
def f(x, alpha):
    n = len(x)
    w = (1 - alpha) ** np.arange(n - 1, -1, -1)
    return np.sum(w * x) / np.sum(w)
''', [series(10, 125), 0.3])

case("ewma_variance_riskmetrics", '''
def f(lam, r):
    v = r[0] ** 2
    nll = 0.0
    for t in range(1, len(r)):
        v = lam * v + (1 - lam) * r[t - 1] ** 2
        nll += np.log(v) + r[t] ** 2 / v
    return nll
''', [0.94, normal(20, 126)])

case("ewma_crossover_soft_signal", '''
def f(x, a_fast, a_slow):
    fast = slow = x[0]
    pnl = 0.0
    for t in range(1, len(x)):
        signal = np.tanh(fast - slow)
        pnl += signal * (x[t] - x[t - 1])
        fast = a_fast * x[t] + (1 - a_fast) * fast
        slow = a_slow * x[t] + (1 - a_slow) * slow
    return -pnl
''', [series(15, 127), 0.5, 0.1])

case("weighted_moving_average_weights_param", '''
def f(w, y):
    k = len(w)
    wn = w / w.sum()
    preds = np.array([wn @ y[t - k:t] for t in range(k, len(y))])
    return np.mean((y[k:] - preds) ** 2)
''', [np.array([1.0, 2.0, 3.0]), series(12, 128)])

case("rolling_std_zscore_feature", '''
def f(x, w=4):
    z = []
    for t in range(w, len(x)):
        win = x[t - w:t]
        z.append((x[t] - win.mean()) / win.std())
    return np.sum(np.array(z) ** 2)
''', [series(12, 129)])

case("lagged_features_regression", '''
def f(coef, y, lags=(1, 2, 4)):
    L = max(lags)
    X = np.stack([y[L - l:len(y) - l] for l in lags], axis=1)
    return np.mean((y[L:] - X @ coef) ** 2)
''', [np.array([0.5, 0.2, 0.2]), series(14, 130)])

case("ewma_scan_pandas_like_alpha_param", '''
def f(alpha, x):
    out = [x[0]]
    for v in x[1:]:
        out.append(alpha * v + (1 - alpha) * out[-1])
    return np.var(np.array(out))
''', [0.3, series(10, 131)])

case("differencing_and_seasonal_difference", '''
def f(y, m=4):
    d = y[m:] - y[:-m]
    dd = np.diff(d)
    return np.sum(dd ** 2) / np.sum(np.diff(y) ** 2)
''', [series(14, 132)])

case("box_cox_then_mse", '''
def f(lam, y):
    z = (y ** lam - 1) / lam
    return np.mean(np.diff(z) ** 2)
''', [0.5, series(12, 133)])

# ---------------------------------------------------------------- autocorrelation losses

case("acf_loop_lags", '''
def f(resid, max_lag=3):
    r = resid - resid.mean()
    denom = np.sum(r ** 2)
    loss = 0.0
    for k in range(1, max_lag + 1):
        rho = np.sum(r[k:] * r[:-k]) / denom
        loss += rho ** 2
    return loss
''', [normal(15, 140)])

case("ljung_box_statistic", '''
def f(e, h=4):
    n = len(e)
    e = e - np.mean(e)
    c0 = np.dot(e, e) / n
    q = 0.0
    for k in range(1, h + 1):
        rk = np.dot(e[:-k], e[k:]) / n / c0
        q += rk ** 2 / (n - k)
    return n * (n + 2) * q
''', [normal(16, 141)])

case("acf_np_correlate_full", '''
def f(x):
    x = x - x.mean()
    ac = np.correlate(x, x, mode="full")[len(x) - 1:]
    ac = ac / ac[0]
    return np.sum(ac[1:4] ** 2)
''', [normal(12, 142)])

case("acf_list_comprehension", '''
def f(x, nlags=3):
    xm = x - x.mean()
    var = np.mean(xm ** 2)
    acf = np.array([np.mean(xm[k:] * xm[:len(x) - k]) / var for k in range(1, nlags + 1)])
    return np.sum(acf ** 2)
''', [normal(12, 143)])

case("acf_fft", '''
def f(x):
    n = len(x)
    xm = x - x.mean()
    F = np.fft.rfft(xm, n=2 * n)
    ac = np.fft.irfft(F * np.conj(F))[:n]
    return np.sum((ac[1:4] / ac[0]) ** 2)
''', [normal(10, 144)])

case("residual_whiteness_of_ar_fit", '''
def f(phi, y):
    e = y[1:] - phi * y[:-1]
    e = e - e.mean()
    r1 = (e[1:] @ e[:-1]) / (e @ e)
    return r1 ** 2 + np.mean(e ** 2)
''', [0.4, normal(15, 145)])

case("durbin_watson", '''
def f(beta, X, y):
    e = y - X @ beta
    return np.sum(np.diff(e) ** 2) / np.sum(e ** 2)
''', [normal(2, 146), normal((12, 2), 147), normal(12, 148)])

case("cross_correlation_lagged", '''
def f(x, y, lag=2):
    a = x[lag:] - x[lag:].mean()
    b = y[:-lag] - y[:-lag].mean()
    return -np.sum(a * b) / np.sqrt(np.sum(a ** 2) * np.sum(b ** 2))
''', [normal(12, 149), normal(12, 150)])

case("partial_autocorrelation_lag2", '''
def f(x):
    x = x - x.mean()
    c = [np.dot(x[k:], x[:len(x) - k]) for k in range(3)]
    r1, r2 = c[1] / c[0], c[2] / c[0]
    return (r2 - r1 ** 2) / (1 - r1 ** 2)
''', [normal(14, 151)])

# ---------------------------------------------------------------- pinball (quantile) losses

case("pinball_maximum", '''
def f(yhat, y, q=0.9):
    e = y - yhat
    return np.mean(np.maximum(q * e, (q - 1) * e))
''', [normal(10, 160), normal(10, 161)])

case("pinball_where", '''
def f(pred, target, tau=0.25):
    diff = target - pred
    return np.where(diff >= 0, tau * diff, (tau - 1) * diff).mean()
''', [normal(10, 162), normal(10, 163)])

case("pinball_multi_quantile_broadcast", '''
def f(preds, y, qs=np.array([0.1, 0.5, 0.9])):
    e = y[:, None] - preds
    return np.mean(np.maximum(qs * e, (qs - 1) * e))
''', [normal((8, 3), 164), normal(8, 165)])

case("pinball_indicator_form", '''
def f(yhat, y, q=0.7):
    u = y - yhat
    return np.sum(u * (q - (u < 0)))
''', [normal(10, 166), normal(10, 167)])

case("pinball_loop_python", '''
def f(preds, ys=(1.0, 2.5, 0.3, 4.0), q=0.8):
    total = 0.0
    for p, y in zip(preds, ys):
        d = y - p
        total += q * d if d >= 0 else (q - 1) * d
    return total / len(ys)
''', [np.array([1.2, 2.0, 0.5, 3.1])])

case("pinball_quantile_list", '''
def f(Q, y, quantiles=[0.1, 0.5, 0.9]):
    loss = 0.0
    for i, q in enumerate(quantiles):
        e = y - Q[:, i]
        loss += np.mean(np.maximum(q * e, (q - 1) * e))
    return loss / len(quantiles)
''', [normal((8, 3), 168), normal(8, 169)])

case("crps_gaussian", '''
from scipy.stats import norm
def f(mu, sigma, y):
    z = (y - mu) / sigma
    return np.mean(sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi)))
''', [normal(8, 170), np.full(8, 1.3), normal(8, 171)])

case("huber_forecast_loss", '''
def f(yhat, y, delta=1.0):
    r = np.abs(y - yhat)
    return np.mean(np.where(r <= delta, 0.5 * r ** 2, delta * (r - 0.5 * delta)))
''', [normal(10, 172), normal(10, 173)])

case("interval_score", '''
def f(lo, hi, y, alpha=0.2):
    width = hi - lo
    below = (2 / alpha) * (lo - y) * (y < lo)
    above = (2 / alpha) * (y - hi) * (y > hi)
    return np.mean(width + below + above)
''', [normal(10, 174) - 1.0, normal(10, 175) + 1.0, normal(10, 176)])

# ---------------------------------------------------------------- MASE, sMAPE and friends

case("mase_seasonal", '''
def f(yhat, y_true, y_train, m=4):
    scale = np.mean(np.abs(y_train[m:] - y_train[:-m]))
    return np.mean(np.abs(y_true - yhat)) / scale
''', [series(6, 180) + 0.5, series(6, 181), series(16, 182)])

case("mase_nonseasonal_diff", '''
def f(forecast, actual, insample):
    naive = np.abs(np.diff(insample)).mean()
    return np.abs(actual - forecast).mean() / naive
''', [series(6, 183) + 0.5, series(6, 184), series(16, 185)])

case("smape_percent", '''
def f(F, A):
    return 100 / len(A) * np.sum(2 * np.abs(F - A) / (np.abs(A) + np.abs(F)))
''', [series(8, 186) + 0.5, series(8, 187)])

case("smape_loop", '''
def f(pred, actual):
    s = 0.0
    for p, a in zip(pred, actual):
        s += abs(p - a) / ((abs(a) + abs(p)) / 2)
    return s / len(actual) * 100
''', [series(8, 188) + 0.5, series(8, 189)])

case("mape", '''
def f(yhat, y):
    return np.mean(np.abs((y - yhat) / y)) * 100
''', [series(8, 190) + 0.5, series(8, 191)])

case("rmsse", '''
def f(yhat, y, history):
    num = np.mean((y - yhat) ** 2)
    den = np.mean(np.diff(history) ** 2)
    return np.sqrt(num / den)
''', [series(6, 192) + 0.5, series(6, 193), series(16, 194)])

case("wape_and_bias", '''
def f(yhat, y):
    wape = np.sum(np.abs(y - yhat)) / np.sum(np.abs(y))
    bias = np.sum(yhat - y) / np.sum(y)
    return wape + bias ** 2
''', [series(8, 195) + 0.5, series(8, 196)])

case("owa_m4", '''
def f(yhat, y, train, smape_naive=10.0, mase_naive=1.5):
    smape = 200 * np.mean(np.abs(y - yhat) / (np.abs(y) + np.abs(yhat)))
    mase = np.mean(np.abs(y - yhat)) / np.mean(np.abs(np.diff(train)))
    return 0.5 * (smape / smape_naive + mase / mase_naive)
''', [series(6, 197) + 0.5, series(6, 198), series(16, 199)], wrt=[0])

case("msis_interval", '''
def f(lo, hi, y, insample, a=0.05, m=4):
    scale = np.mean(np.abs(insample[m:] - insample[:-m]))
    pen = (hi - lo) + 2 / a * (lo - y) * (lo > y) + 2 / a * (y - hi) * (y > hi)
    return np.mean(pen) / scale
''', [series(6, 200) - 1.3, series(6, 201) + 1.7, series(6, 202), series(16, 203)], wrt=[0, 1, 3])

case("theils_u", '''
def f(yhat, y):
    num = np.sqrt(np.mean((yhat[1:] - y[1:]) ** 2))
    den = np.sqrt(np.mean((y[1:] - y[:-1]) ** 2))
    return num / den
''', [series(8, 204) + 0.5, series(8, 205)])

# ---------------------------------------------------------------- RNN forecasters unrolled over a window

case("rnn_scalar_input_window", '''
def f(Wx, Wh, b, Wy, x, y):
    h = np.zeros(Wh.shape[0])
    for t in range(len(x)):
        h = np.tanh(Wx * x[t] + Wh @ h + b)
    pred = Wy @ h
    return (pred - y) ** 2
''', [normal(3, 210, 0.5), normal((3, 3), 211, 0.4), normal(3, 212, 0.1), normal(3, 213), normal(6, 214), 0.3])

case("rnn_hidden_list_then_stack", '''
def f(Wxh, Whh, Why, xs, ys):
    H = Whh.shape[0]
    hs = [np.zeros(H)]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(Wxh @ xs[t] + Whh @ hs[-1]))
    Hs = np.stack(hs[1:])
    preds = Hs @ Why
    return np.mean((preds - ys) ** 2)
''', [normal((4, 2), 215, 0.5), normal((4, 4), 216, 0.3), normal(4, 217), normal((6, 2), 218), normal(6, 219)])

case("rnn_sliding_windows_batch", '''
def f(W, U, v, series_, window=4):
    loss = 0.0
    n = 0
    for s in range(len(series_) - window):
        h = np.zeros(U.shape[0])
        for t in range(window):
            h = np.tanh(W * series_[s + t] + U @ h)
        loss += (v @ h - series_[s + window]) ** 2
        n += 1
    return loss / n
''', [normal(3, 220, 0.5), normal((3, 3), 221, 0.3), normal(3, 222), normal(9, 223)])

case("rnn_batch_first_matrix_form", '''
def f(Wx, Wh, b, Wo, X, Y):
    N, T, D = X.shape
    h = np.zeros((N, Wh.shape[0]))
    for t in range(T):
        h = np.tanh(X[:, t, :] @ Wx + h @ Wh + b)
    out = h @ Wo
    return 0.5 * np.sum((out - Y) ** 2) / N
''', [normal((2, 3), 224, 0.5), normal((3, 3), 225, 0.3), normal(3, 226, 0.1), normal((3, 1), 227),
      normal((4, 5, 2), 228), normal((4, 1), 229)])

case("rnn_relu_elman_preallocated_states", '''
def f(a, w, u, x):
    T = len(x)
    h = np.zeros(T + 1)
    for t in range(T):
        h[t + 1] = np.tanh(w * h[t] + u * x[t] + a)
    preds = h[1:-1]
    return np.sum((preds - x[1:]) ** 2)
''', [0.1, 0.5, 0.8, normal(8, 230)])

case("gru_cell_forecaster", '''
def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def f(Wz, Wr, Wh, x, target):
    H = Wz.shape[0]
    h = np.zeros(H)
    for t in range(len(x)):
        v = np.concatenate([h, [x[t]]])
        z = sigmoid(Wz @ v)
        r = sigmoid(Wr @ v)
        hh = np.tanh(Wh @ np.concatenate([r * h, [x[t]]]))
        h = (1 - z) * h + z * hh
    return (h.sum() - target) ** 2
''', [normal((3, 4), 231, 0.5), normal((3, 4), 232, 0.5), normal((3, 4), 233, 0.5), normal(6, 234), 0.5])

case("lstm_cell_forecaster", '''
def sig(x):
    return 1.0 / (1.0 + np.exp(-x))

def f(W, b, w_out, xs, y):
    H = W.shape[0] // 4
    h = np.zeros(H)
    c = np.zeros(H)
    for x in xs:
        a = W @ np.append(h, x) + b
        i, fg, o, g = sig(a[:H]), sig(a[H:2 * H]), sig(a[2 * H:3 * H]), np.tanh(a[3 * H:])
        c = fg * c + i * g
        h = o * np.tanh(c)
    return (w_out @ h - y) ** 2
''', [normal((8, 3), 235, 0.5), normal(8, 236, 0.1), normal(2, 237), normal(5, 238), 0.7])

case("rnn_teacher_forcing_multi_step", '''
def f(w_in, w_rec, w_out, y):
    h = np.zeros_like(w_rec[0])
    loss = 0.0
    for t in range(len(y) - 1):
        h = np.tanh(w_in * y[t] + w_rec @ h)
        loss += (w_out.dot(h) - y[t + 1]) ** 2
    return loss
''', [normal(3, 239, 0.5), normal((3, 3), 240, 0.3), normal(3, 241), normal(8, 242)])

case("rnn_autoregressive_rollout", '''
def f(w, u, v, y0, horizon=4):
    h = np.zeros(len(u))
    x = y0
    outs = []
    for _ in range(horizon):
        h = np.tanh(w * x + u * h)
        x = v @ h
        outs.append(x)
    return np.sum(np.array(outs) ** 2)
''', [normal(3, 243, 0.7), normal(3, 244, 0.5), normal(3, 245), 0.8])

case("seq2one_mlp_on_window", '''
def f(W1, b1, W2, y, lookback=4):
    X = np.array([y[i:i + lookback] for i in range(len(y) - lookback)])
    target = y[lookback:]
    h = np.maximum(0, X @ W1 + b1)
    out = h @ W2
    return np.mean((out[:, 0] - target) ** 2)
''', [normal((4, 5), 246, 0.5), normal(5, 247, 0.1) + 0.3, normal((5, 1), 248), normal(12, 249)], wrt=[0, 1, 2])

case("tcn_causal_conv", '''
def f(k, x):
    K = len(k)
    xp = np.concatenate([np.zeros(K - 1), x])
    y = np.array([np.dot(k, xp[t:t + K][::-1]) for t in range(len(x))])
    return np.mean((y[:-1] - x[1:]) ** 2)
''', [np.array([0.5, 0.3, 0.1]), normal(10, 250)])

# ---------------------------------------------------------------- filters and growing arrays, as written in scripts

case("lfilter_ewma", '''
from scipy.signal import lfilter
def f(x, alpha):
    s = lfilter([alpha], [1, alpha - 1], x)
    return np.sum((x[1:] - s[:-1]) ** 2)
''', [series(10, 260), 0.3])

case("lfilter_ar_residuals", '''
from scipy.signal import lfilter
def f(phi, y):
    e = lfilter(np.r_[1, -phi], [1.0], y)
    return np.sum(e[len(phi):] ** 2)
''', [np.array([0.5, -0.2]), normal(12, 261)])

case("np_append_growing", '''
def f(alpha, y):
    s = np.array([y[0]])
    for t in range(1, len(y)):
        s = np.append(s, alpha * y[t] + (1 - alpha) * s[-1])
    return np.sum((y[1:] - s[:-1]) ** 2)
''', [0.4, series(10, 262)])

case("concatenate_growing", '''
def f(phi, y):
    e = np.zeros(1)
    for t in range(1, len(y)):
        e = np.concatenate([e, [y[t] - phi * y[t - 1]]])
    return e @ e
''', [0.3, normal(10, 263)])

case("np_roll_lag", '''
def f(phi, y):
    lag = np.roll(y, 1)
    e = (y - phi * lag)[1:]
    return np.mean(e ** 2)
''', [0.5, normal(10, 264)])

case("cumprod_returns_drawdown_smooth", '''
def f(w, R):
    port = R @ w
    wealth = np.cumprod(1 + port)
    return -np.log(wealth[-1]) + 0.5 * np.var(port)
''', [np.array([0.3, 0.7]), normal((12, 2), 265, 0.02)])

case("vstack_of_rows_list", '''
def f(A, x0, T=5):
    xs = [x0]
    for _ in range(T):
        xs.append(A @ xs[-1])
    X = np.vstack(xs)
    return np.sum(X ** 2)
''', [np.array([[0.9, 0.1], [-0.2, 0.8]]), np.array([1.0, -0.5])])

case("var1_multivariate_css", '''
def f(A, c, Y):
    E = Y[1:] - c - Y[:-1] @ A.T
    return np.sum(E ** 2) / len(E)
''', [normal((3, 3), 266, 0.3), normal(3, 267), normal((12, 3), 268)])

case("var1_gaussian_loglik_cov", '''
def f(A, Sigma, Y):
    E = Y[1:] - Y[:-1] @ A.T
    n = E.shape[0]
    Si = np.linalg.inv(Sigma)
    return 0.5 * n * np.log(np.linalg.det(Sigma)) + 0.5 * np.trace(E @ Si @ E.T)
''', [normal((2, 2), 269, 0.3), np.array([[1.0, 0.3], [0.3, 0.8]]), normal((12, 2), 270)])

case("var_p_loop", '''
def f(A1, A2, Y):
    loss = 0.0
    for t in range(2, Y.shape[0]):
        e = Y[t] - A1 @ Y[t - 1] - A2 @ Y[t - 2]
        loss += e @ e
    return loss
''', [normal((2, 2), 271, 0.3), normal((2, 2), 272, 0.2), normal((10, 2), 273)])

case("state_space_simulation_loss", '''
def f(a, b, u, y):
    x = 0.0
    xs = np.empty(len(u))
    for t in range(len(u)):
        x = a * x + b * u[t]
        xs[t] = x
    return np.mean((xs - y) ** 2)
''', [0.8, 0.5, normal(10, 274), normal(10, 275)])

case("ornstein_uhlenbeck_exact_nll", '''
def f(theta, mu, sigma, x, dt=0.1):
    m = mu + (x[:-1] - mu) * np.exp(-theta * dt)
    v = sigma ** 2 / (2 * theta) * (1 - np.exp(-2 * theta * dt))
    return 0.5 * np.sum(np.log(2 * np.pi * v) + (x[1:] - m) ** 2 / v)
''', [1.5, 0.2, 0.5, normal(12, 276, 0.3)], wrt=[0, 1, 2])

case("stochastic_volatility_quasi_ll", '''
def f(params, r):
    mu, phi, s = params
    h = mu
    nll = 0.0
    for t in range(len(r)):
        nll += 0.5 * (h + r[t] ** 2 * np.exp(-h))
        h = mu + phi * (h - mu) + s * r[t] * np.exp(-h / 2)
    return nll
''', [np.array([0.0, 0.9, 0.2]), normal(15, 277)])

case("poisson_autoregression_counts", '''
def f(omega, a, b, y):
    lam = np.mean(y)
    nll = 0.0
    for t in range(1, len(y)):
        lam = omega + a * y[t - 1] + b * lam
        nll += lam - y[t] * np.log(lam)
    return nll
''', [0.5, 0.3, 0.4, np.array([2.0, 1.0, 3.0, 0.0, 2.0, 4.0, 1.0, 2.0, 3.0, 1.0])], wrt=[0, 1, 2])

case("exp_smoothing_state_space_ets_ann_loglik", '''
def f(alpha, l0, y):
    l = l0
    e = np.zeros(len(y))
    for t in range(len(y)):
        e[t] = y[t] - l
        l = l + alpha * e[t]
    n = len(y)
    return n * np.log(np.sum(e ** 2))
''', [0.3, 10.0, series(12, 278)])

case("ets_mnn_multiplicative_error", '''
def f(alpha, l0, y):
    l = l0
    lik = 0.0
    for t in range(len(y)):
        e = (y[t] - l) / l
        lik += np.log(abs(l))
        l = l * (1 + alpha * e)
        lik += 0.0 * e
    errs = np.array([(y[t] - y[t - 1]) / y[t - 1] for t in range(1, len(y))])
    return len(y) * np.log(np.sum(errs ** 2) + 1.0) + 2 * lik
''', [0.3, 10.0, series(12, 279)])

case("theta_method", '''
def f(alpha, y, h=3):
    n = len(y)
    t = np.arange(n)
    b = np.polyfit(t, y, 1)[0]
    l = y[0]
    for v in y[1:]:
        l = alpha * v + (1 - alpha) * l
    fc = l + b / 2 * (np.arange(1, h + 1) - 1 + 1 / alpha - (1 - alpha) ** n / alpha)
    return np.sum(fc)
''', [0.4, series(12, 280)])

case("linear_trend_lstsq_residual_acf", '''
def f(y):
    t = np.arange(len(y), dtype=float)
    X = np.column_stack([np.ones_like(t), t])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    return np.sum(e[1:] * e[:-1]) / np.sum(e ** 2)
''', [series(12, 281)])


# ---------------------------------------------------------------- refused, each way, with part of the message

NEEDED = "are needed to write NumPy gradients"  # (no shapes given: the samples did not settle them)
REFUSED = {
    # scalar parameters read as arrays of every shape, where the code builds small matrices of them
    "kalman_matrix_loglik": {"plain": NEEDED},
    "dlm_regression_time_varying": {"plain": NEEDED},
    "lstm_cell_forecaster": {"plain": NEEDED},
    "kalman_smoother_free_filtered_means": {"plain": NEEDED},
    "kalman_scalar_tuple_returned_helper": {"plain": NEEDED},
    "rnn_hidden_list_then_stack": {"plain": NEEDED},
    # an integer default the code is written for every value of, whose shapes change with it
    "hw_additive_preallocated": {"plain": NEEDED},
    "rolling_std_zscore_feature": {"plain": NEEDED},
    "rnn_autoregressive_rollout": {"plain": NEEDED},
    # an array grown by np.append whose last element the loop reads
    "np_append_growing": {"plain": NEEDED, "shapes": "changes shape in this loop"},  # (the decorator writes the
    # loop out, its count, len(y) - 1, given by the sizes it is called with)
    # max() of a tuple of lags given as a default
    "lagged_features_regression": {"plain": r"max\(\) of one argument", "shapes": r"max\(\) of one argument",
                                   "decorator": "is given a tuple of integers"},
    # complex numbers, and lfilter's coefficients computed
    "acf_fft": dict.fromkeys(("plain", "shapes", "decorator"), "returns complex numbers"),
    "lfilter_ar_residuals": dict.fromkeys(("plain", "shapes", "decorator"), "lists of coefficients written out"),
}

WAYS = ("plain", "shapes", "decorator")


@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    """Each way is right against central differences, or refused with the message in ``REFUSED``."""
    source, args, wrt, _, dout = CASES[name]
    refused = REFUSED.get(name, {})
    for way in WAYS:
        if way in refused:
            with pytest.raises(backgen.BackgenError, match=refused[way]):
                run_way(source, args, way, wrt=wrt, dout=dout)
        else:
            assert_right(source, args, wrt=wrt, dout=dout, ways=(way,))


def test_refusals_name_cases():
    assert set(REFUSED) <= set(CASES)


# ---------------------------------------------------------------- sample sizes that tell counts apart


def test_lags_fewer_than_the_series_with_no_shapes_given():
    """loss / (len(y) - p), p = len(phi): samples of one size made it a division by zero, which was
    refused as shapes needed; samples of sizes of their own run it."""
    source = '''
    def f(phi, y):
        p = len(phi)
        loss = 0.0
        for t in range(p, len(y)):
            loss += (y[t] - np.dot(phi, y[t - p:t][::-1])) ** 2
        return loss / (len(y) - p)
    '''
    assert_right(source, [np.array([0.5, -0.2]), normal(9, 300)], ways=("plain",))
    assert_right(source, [np.array([0.5, -0.2, 0.1]), normal(14, 301)], ways=("plain",))


def test_appended_array_reading_its_last_element_is_refused_without_shapes():
    """s = np.append(s, a * y[t] + (1 - a) * s[-1]): arrays for a made s grow by as many elements as a has,
    and the samples chased sizes that grew each time (minutes); now the shapes are asked for."""
    import time  # noqa: PLC0415

    start = time.perf_counter()
    assert_refused(CASES["np_append_growing"][0], NEEDED)
    assert time.perf_counter() - start < 120
