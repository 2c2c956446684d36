"""SciPy's special functions, written as the NumPy they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call of a function the environment binds to ``scipy.special`` (imported from
``scipy.special``, ``autograd.scipy.special`` or ``jax.scipy.special``):

* ``expit(x)`` becomes ``1.0 / (1.0 + np.exp(-x))``, the sigmoid gate, whose
  local gradient is ``(1 - s) * s``;
* ``logsumexp(a, axis=None, keepdims=False)`` becomes
  ``np.logaddexp.reduce(a, axis=..., keepdims=...)``, which NumPy computes
  without overflow, differentiated as the log-sum-exp gate
  (``np.exp(a - out) * dout``);

* ``erf(x)``, ``erfc(x)`` and ``gammaln(x)`` become ``_erf(x)``, ``_erfc(x)``,
  ``_gammaln(x)``: small helpers (``backgen.runtime``) the generated module
  carries, computing ``math.erf`` (``math.lgamma``) element by element, with
  the rules ``np._erf``, ``np._erfc``, ``np._gammaln`` (whose gradient is
  ``_digammas(x)``, digamma element by element);

so generated code needs NumPy only.  Other ``scipy.special`` functions (and
``logsumexp`` with ``b=`` or ``return_sign=``) are refused at the call.
"""

import ast

SCIPY_SPECIAL = ("scipy.special", "autograd.scipy.special", "jax.scipy.special")
SCIPY_PACKAGES = ("scipy", "autograd", "jax")  # bound by ``import scipy.special`` (no ``as``)


def rewrite(forward):
    if not any(str(meaning).startswith("scipy.special") or meaning in SCIPY_PACKAGES
               for meaning in forward.env.values()):
        return
    numpy_name = _numpy_name(forward)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)  # the arguments first: expit(logsumexp(x))
            return _replace(forward, node, numpy_name)

    Calls().visit(forward.func)


def _meaning(forward, func):
    """``scipy.special.expit`` for a call's function that names one, else None."""
    if isinstance(func, ast.Name):
        meaning = forward.env.get(func.id) or ""
        return meaning if meaning.startswith("scipy.special.") else None
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
            return None
    return None


def _replace(forward, call, numpy_name):
    meaning = _meaning(forward, call.func)
    if meaning is None:
        return call
    name = meaning.rpartition(".")[2]
    np_ = ast.Name(numpy_name, ast.Load())
    if name == "expit" and len(call.args) == 1 and not call.keywords:
        exp = ast.Call(ast.Attribute(np_, "exp", ast.Load()), [ast.UnaryOp(ast.USub(), call.args[0])], [])
        new = ast.BinOp(ast.Constant(1.0), ast.Div(), ast.BinOp(ast.Constant(1.0), ast.Add(), exp))
    elif name == "logsumexp" and 1 <= len(call.args) <= 3 and all(k.arg in ("axis", "keepdims") for k in call.keywords):
        given = dict(zip(["a", "axis", "b"], call.args))
        if "b" in given:
            raise forward.error("logsumexp with weights b is not supported", call)
        given.update({k.arg: k.value for k in call.keywords})
        keywords = [ast.keyword("axis", given.get("axis", ast.Constant(None))),
                    ast.keyword("keepdims", given.get("keepdims", ast.Constant(False)))]
        reduce = ast.Attribute(ast.Attribute(np_, "logaddexp", ast.Load()), "reduce", ast.Load())
        new = ast.Call(reduce, [given["a"]], keywords)
    elif name in ("erf", "erfc", "gammaln") and len(call.args) == 1 and not call.keywords:
        helper = f"_{name}"  # backgen.runtime: math.erf element by element, written into the generated module
        forward.env[helper] = f"numpy.{helper}"
        new = ast.Call(ast.Name(helper, ast.Load()), call.args, [])
    else:
        raise forward.error(f"{meaning} is not supported: backgen reads scipy.special's expit, logsumexp, "
                            "erf, erfc and gammaln", call)
    for sub in ast.walk(new):
        ast.copy_location(sub, call)
    return new


def _numpy_name(forward):
    """A name bound to NumPy in the function's environment (one is added if none is)."""
    for name, meaning in sorted(forward.env.items()):
        if meaning == "numpy":
            return name
    user = {n.id for n in ast.walk(forward.func) if isinstance(n, ast.Name)}
    name = "np" if "np" not in user and "np" not in forward.env else "numpy_"
    forward.env[name] = "numpy"
    return name
