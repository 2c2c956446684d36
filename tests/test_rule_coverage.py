"""Every NumPy entry of the rule table, checked against central finite differences.

The cases come from the table itself, so the two cannot drift apart: an
entry's ``examples`` when it has them, otherwise calls derived from its
signature: elementwise functions at scalar, vector, matrix and broadcast
shapes, reductions at each shape with each ``axis`` and ``keepdims``, and
every method spelling.  Each case goes through backgen's public path
(``backgen.backward``) and is compared with finite differences computed here
(``test_numpy_rules.check``), never with backgen.  Scalar rules are covered
the same way by ``test_rules``.
"""

import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

import backgen
from backgen.rules import NUMPY, PUBLIC_NUMPY

sys.path.insert(0, str(Path(__file__).parent))
from test_numpy_rules import check, load  # noqa: E402

# Entries undone by dedicated code in the reverse pass, each tested where that code is.
MACHINERY = {
    "inert": "carries no gradient (test_numpy_api)",
    "call": "a helper's generated backward is called (test_control_flow)",
    "list_append": "xs + [v] (test_lists_and_writes)",
    "setitem": "a write into a copy (test_lists_and_writes)",
}

UNARY_SHAPES = [(), (4,), (2, 3)]
BINARY_SHAPES = [((), ()), ((4,), (4,)), ((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]
REDUCTION_SHAPES = [(), (4,), (2, 3), (2, 3, 2)]


def draw(shape, domain, rng):
    """A value of ``shape`` inside ``domain`` (see ``rules.base``), away from kinks and ties."""
    size = tuple(shape)
    if domain == "positive":
        value = rng.uniform(0.5, 1.5, size=size)
    elif domain == "unit":
        value = rng.uniform(0.1, 0.8, size=size) * rng.choice([-1.0, 1.0], size=size)
    elif domain == "probability":
        value = rng.uniform(0.1, 0.9, size=size)
    elif domain == "above_one":
        value = rng.uniform(1.2, 2.0, size=size)
    elif domain == "invertible":
        value = rng.uniform(-0.5, 0.5, size=size) + 2 * np.eye(size[-1])
    elif domain == "spd":
        m = rng.uniform(-0.5, 0.5, size=size)
        value = m @ np.swapaxes(m, -1, -2) + size[-1] * np.eye(size[-1])
    else:
        value = rng.uniform(0.3, 1.2, size=size) * rng.choice([-1.0, 1.0], size=size)
    return float(value) if size == () else value


def _parse(example):
    text, _, params = example.partition(" | ")
    shapes, domains = {}, {}
    for item in params.split(", "):
        name, _, spec = item.partition("=")
        spec, _, domain = spec.partition(":")
        shapes[name] = () if spec == "()" else tuple(int(d) for d in spec.split("x"))
        domains[name] = domain or None
    return text, shapes, domains


def _derived(name, rule):
    """Calls derived from an entry's signature: elementwise or reduction."""
    params = [p.strip() for p in rule.signature.split(",")]
    domains = dict(zip(rule.inputs, rule.domain or ("any",) * len(rule.inputs)))
    if rule.broadcast and len(rule.inputs) == 2 and len(params) == 2:
        a, b = rule.inputs
        for sa, sb in BINARY_SHAPES:
            yield f"{name}({a}, {b})", {a: sa, b: sb}, domains
        return
    elementwise = not rule.variadic and all(isinstance(g, str) for g in rule.grads.values())
    if params == [rule.inputs[0]] and elementwise:
        (x,) = rule.inputs
        for shape in UNARY_SHAPES:
            yield f"{name}({x})", {x: shape}, domains
        for method in rule.methods:
            yield f"{x}.{method}()", {x: (2, 3)}, domains
        return
    if "axis=None" in params and "keepdims=False" in params and len(rule.inputs) == 1:
        (x,) = rule.inputs
        for shape in REDUCTION_SHAPES:
            axes = [None] + ([0, -1] if shape else []) + ([(0, 1)] if len(shape) >= 2 else [])
            for axis in axes:
                for keep in (False, True):
                    yield f"{name}({x}, axis={axis!r}, keepdims={keep})", {x: shape}, domains
        for method in rule.methods:
            yield f"{x}.{method}(axis=1)", {x: (2, 3)}, domains
        return


# Entries computed by a helper the generated module carries, as users spell them (SciPy: optional)
SPELLED = {"np._erf": "scipy.special.erf", "np._erfc": "scipy.special.erfc", "np._gammaln": "scipy.special.gammaln",
           "np._log_ndtr": "scipy.special.log_ndtr", "np._ndtri": "scipy.special.ndtri",
           "np._digammas": "scipy.special.digamma", "np._j0": "scipy.special.j0", "np._j1": "scipy.special.j1",
           "np._bessel_i1": "scipy.special.i1",
           "np._xlogy": "scipy.special.xlogy", "np._xlog1py": "scipy.special.xlog1py",
           "np._expm": "scipy.linalg.expm"}


def cases():
    for name, rule in sorted(NUMPY.items()):
        if name in MACHINERY:
            continue
        derived = list(_derived(SPELLED.get(name, name), rule)) if rule.signature else []
        found = derived + [_parse(e) for e in rule.examples]
        for i, (text, shapes, domains) in enumerate(found):
            kind = "derived" if i < len(derived) else "example"
            yield pytest.param(name, rule, text, shapes, domains, id=f"{name}-{kind}{i}")


CASES = list(cases())


def test_every_entry_is_covered():
    covered = {case.values[0] for case in CASES}
    missing = sorted(set(NUMPY) - set(MACHINERY) - covered)
    assert not missing, f"entries with no test case (give them examples): {missing}"
    assert len(PUBLIC_NUMPY) >= 100


def case_function(tmp_path, text, shapes):
    """``def f(...)`` of a case's call ``text`` (an expression, or statements ending in ``return``)."""
    body = text if "return" in text else f"return {text}"
    for module in ("scipy.special", "scipy.linalg"):
        if module in body:
            pytest.importorskip(module)
            body = f"import {module}; " + body
    body = "\n".join("    " + line.strip() for line in body.split(";"))
    return load(tmp_path, f"def f({', '.join(shapes)}):\n{body}\n")


def case_arguments(rule, text, shapes, domains):
    """Arguments for a case, each drawn inside its domain (the case's, else the rule's)."""
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    default = dict(zip(rule.inputs, rule.domain or ()))
    return [draw(shapes[p], domains.get(p) or default.get(p, "any"), rng) for p in shapes]


@pytest.mark.parametrize("name, rule, text, shapes, domains", CASES)
def test_entry_against_finite_differences(tmp_path, name, rule, text, shapes, domains):
    check(case_function(tmp_path, text, shapes), *case_arguments(rule, text, shapes, domains))


# two derived cases per entry (a vector, and a broadcast pair or a second shape): second derivatives are slow
SECOND = [case for case in CASES if case.id.endswith(("-derived1", "-derived3"))]


def _second_difference(f, args, i, j, di, dj, dout, h=1e-4):
    """d/dt d/ds of sum(dout * f(args + s di e_i + t dj e_j)) at 0, by central differences of f alone."""
    def at(s, t):
        trial = [np.array(a, dtype=float) if np.ndim(a) else float(a) for a in args]
        trial[i] = trial[i] + s * di
        trial[j] = trial[j] + t * dj
        return float(np.sum(dout * np.asarray(f(*trial), dtype=float)))
    return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)


@pytest.mark.parametrize("name, rule, text, shapes, domains", SECOND)
def test_second_derivative_of_entry(tmp_path, name, rule, text, shapes, domains):
    """The generated backward differentiated again: <V, H U> for random directions, against second
    central differences of the forward itself.  A backward outside the subset is refused, never wrong."""
    params = list(shapes)
    imports = ""
    if "scipy.special" in text:
        pytest.importorskip("scipy.special")
        imports = "    import scipy.special\n"
    f = load(tmp_path, f"def f({', '.join(params)}):\n{imports}    return {text}\n")
    rng = np.random.default_rng(zlib.crc32(text.encode()) + 1)
    default = dict(zip(rule.inputs, rule.domain or ()))
    args = [draw(shapes[p], domains.get(p) or default.get(p, "any"), rng) for p in params]
    out = f(*args)
    dout = 0.7 if np.ndim(out) == 0 else rng.standard_normal(np.shape(out))
    first = backgen.backward(f)
    first.backward(*args, dout=dout)  # generated for these shapes
    try:
        second = backgen.backward(first.backward_function, wrt=tuple(params))
        directions = [0.6 if np.ndim(a) == 0 else rng.standard_normal(np.shape(a)) for a in args]
        hvp = second.backward(*args, dout, dout=tuple(directions) if len(args) > 1 else directions[0])
    except backgen.BackgenError as exc:
        pytest.skip(f"the backward is outside the subset: {exc}")
    hvp = hvp if len(args) > 1 else (hvp,)
    for j, (p, u) in enumerate(zip(params, directions)):
        w = 0.9 if np.ndim(args[j]) == 0 else rng.standard_normal(np.shape(args[j]))
        got = float(np.sum(w * np.asarray(hvp[j])))
        want = sum(_second_difference(f, args, i, j, directions[i], w, dout) for i in range(len(args)))
        assert got == pytest.approx(want, rel=1e-4, abs=1e-5), (p, first.backward_source)


def test_every_value_without_a_gradient_has_a_reason():
    from backgen.rules import NO_GRADIENT
    for name, (kinds, reason) in NO_GRADIENT.items():
        assert set(kinds.split()) <= {"refused", "constant", "built", "fresh"} and kinds.split()[0] != "fresh", name
        assert reason.startswith(("it", "a ", "an ")), (name, reason)


@pytest.mark.parametrize("expr", ["np.floor(x) * x", "np.round(x * 3) * x", "np.sign(x) * x",
                                  "np.where(np.isclose(x, 0.5), 0.0, x)", "x[np.argsort(x[:, 0])] * x.argmax()",
                                  "np.heaviside(x, 0.5) * x", "x * np.trunc(x * 2)"])
def test_values_without_a_gradient_are_constants_for_it(tmp_path, expr):
    """Piecewise-constant functions, masks and indices: their values enter, their gradient is zero."""
    f = load(tmp_path, f"def f(x):\n    return {expr}\n")
    check(f, draw((2, 3), "any", np.random.default_rng(5)))


@pytest.mark.parametrize("expr", ["np.sinc(x * (x > 0))", "np.fmax(x, np.where(x > 0.5, np.nan, -x))",
                                  "np.fmin(np.where(x > 0.5, np.nan, x), 0.1 * x)",
                                  "np.linalg.norm(x * (x > 0), 3)", "np.linalg.norm(x * (x > 0), 1.5)"])
def test_points_where_a_formula_would_divide_by_zero(tmp_path, expr):
    """sinc at 0, fmax/fmin beside NaN, p-norms of vectors holding zeros: the derivative exists there."""
    f = load(tmp_path, f"def f(x):\n    return {expr}\n")
    check(f, draw((6,), "any", np.random.default_rng(11)))
