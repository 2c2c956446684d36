"""``np.vectorize`` of a ``math`` function, written as the NumPy function computing the same numbers.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``np.vectorize(F)(args)`` (``otypes=[float]``, ``otypes="d"`` and the like given or not), ``F``
naming a function of ``math`` (``math.erf``, or ``erf`` imported from ``math``), and each call of a
name the module binds at its top to such a function (``_erf_vec = np.vectorize(math.erf)``, which
``forward.env`` gives the meaning ``bound(F)`` says), by the NumPy function computing ``F`` element by
element: ``np.exp``, ``np.arctan2``, ``np.hypot``... and, for ``math.erf``, ``math.erfc`` and
``math.lgamma``, which NumPy has not, the generated module's own helpers ``_erf``, ``_erfc`` and
``_gammaln`` (``backgen.runtime``, as ``scipy_calls`` writes SciPy's), whose rules differentiate them.
``np.vectorize(g)(x, 2.0)``, ``g`` a function of the module given one array and numbers written out,
becomes ``np.array([g(item, 2.0) for item in np.ravel(x)]).reshape(np.shape(x))``: ``g`` of each
element in turn, in the array's shape, as NumPy computes it (``g``'s own backward then called on each).
A call with another number of arguments than ``F`` takes (``math.log(x, base)``: NumPy's second
argument is where it writes), of a function of yours given two arrays (broadcast against each other),
or with other keywords (``excluded=``, ``signature=``) is refused at the call, saying what is read.
"""

import ast

from . import source
from .source import tree_copy, names_of, walk

# math's function -> (NumPy's function computing it element by element, the number of arguments)
AS_NUMPY = {
    "exp": ("exp", 1), "expm1": ("expm1", 1), "log": ("log", 1), "log1p": ("log1p", 1), "log2": ("log2", 1),
    "log10": ("log10", 1), "sqrt": ("sqrt", 1), "cbrt": ("cbrt", 1), "exp2": ("exp2", 1),
    "sin": ("sin", 1), "cos": ("cos", 1), "tan": ("tan", 1), "asin": ("arcsin", 1), "acos": ("arccos", 1),
    "atan": ("arctan", 1), "sinh": ("sinh", 1), "cosh": ("cosh", 1), "tanh": ("tanh", 1),
    "asinh": ("arcsinh", 1), "acosh": ("arccosh", 1), "atanh": ("arctanh", 1), "fabs": ("fabs", 1),
    "atan2": ("arctan2", 2), "hypot": ("hypot", 2), "copysign": ("copysign", 2),
}
HELPERS = {"erf": "_erf", "erfc": "_erfc", "lgamma": "_gammaln"}  # (backgen.runtime's, element by element)
SPELLED = frozenset({"vectorize", *AS_NUMPY, *HELPERS})  # (parse runs this rewriter where these are spelled)
_PREFIX = "vectorized "
_READ = ("np.vectorize is read of math's functions of one or two numbers (np.vectorize(math.erf)(x), "
         "np.vectorize(math.atan2)(y, x)), called with their arguments alone, and of a function of yours given "
         "one array and numbers written out (np.vectorize(g)(x, 2.0)): write other code with NumPy's functions "
         "of whole arrays")


def bound(value, meaning):
    """The meaning a module's name bound to ``value`` has (``_erf_vec = np.vectorize(math.erf)``:
    ``"vectorized math.erf"``), ``meaning`` reading a name as the environment does; None where
    ``value`` is no such call."""
    function = _vectorized(value, meaning)
    return _PREFIX + function if function else None


def described(value):
    """The meaning of a live value a function reads from its module (the decorator's reading):
    ``"vectorized math.erf"`` for ``np.vectorize(math.erf)`` (``otypes`` of floats, or none), else None."""
    import math  # noqa: PLC0415
    import numpy  # noqa: PLC0415

    if not isinstance(value, numpy.vectorize) or value.excluded or value.signature is not None:
        return None
    otypes = value.otypes
    if otypes and not (isinstance(otypes, str) and otypes == "d" or isinstance(otypes, (list, tuple)) and
                       len(otypes) == 1 and numpy.dtype(otypes[0]) == numpy.float64):
        return None
    name = getattr(value.pyfunc, "__name__", None)
    if name in {**AS_NUMPY, **HELPERS} and getattr(math, name) is value.pyfunc:
        return f"{_PREFIX}math.{name}"
    return None


def _vectorized(call, meaning):
    """``math.erf`` for ``np.vectorize(math.erf)`` (``otypes`` of floats allowed), else None."""
    if not (isinstance(call, ast.Call) and len(call.args) == 1 and
            source.meaning_of(call.func, meaning) == "numpy.vectorize"
            and all(k.arg == "otypes" and _floats(k.value) for k in call.keywords)):
        return None
    function = source.meaning_of(call.args[0], meaning)
    if function and function.startswith("math.") and function[5:] in {**AS_NUMPY, **HELPERS}:
        return function
    return None


def _helper_vectorized(call, forward, numpy_name):
    """``np.array([g(t, 2.0) for t in np.ravel(x)]).reshape(np.shape(x))`` for ``np.vectorize(g)(x, 2.0)``
    of ``g`` a function of the module (``otypes`` of floats allowed) given one array and numbers written
    out, which is what NumPy computes: ``g`` of each element in turn, in the array's shape; else None."""
    from .parse import read_helper  # noqa: PLC0415 (parse runs this rewriter)

    func, meaning = call.func, forward.env.get
    if not (isinstance(func, ast.Call) and len(func.args) == 1 and isinstance(func.args[0], ast.Name) and
            func.args[0].id in forward.helpers and numpy_name and
            source.meaning_of(func.func, meaning) == "numpy.vectorize" and
            all(k.arg == "otypes" and _floats(k.value) for k in func.keywords)):
        return None
    if not call.args or call.keywords or any(source.number(a) is None for a in call.args[1:]) or \
            isinstance(call.args[0], ast.Starred):
        return None
    floats = bool(func.keywords)  # (otypes=[float]: every value made a float, as np.array(..., dtype=float) does)
    helper = read_helper(forward, func.args[0].id) if not floats else None
    if not floats and not _float_returns(helper, _float_arguments(helper, call.args[1:])):
        raise forward.error(
            f"np.vectorize({func.args[0].id}) makes every value of the type of {func.args[0].id}'s first (an "
            f"integer there truncates the others), which backgen reads where each return of {func.args[0].id} "
            "is surely a float (a float written out, a function of math, a division): give "
            "otypes=[float]", call)
    used = names_of(call)
    item = source.fresh_names(used, bare=True)("item")

    def np_(name, *args):
        return ast.Call(ast.Attribute(ast.Name(numpy_name, ast.Load()), name, ast.Load()), list(args), [])

    each = ast.Call(ast.Name(func.args[0].id, ast.Load()), [ast.Name(item, ast.Load())] + call.args[1:], [])
    items = ast.ListComp(each, [ast.comprehension(ast.Name(item, ast.Store()), np_("ravel", call.args[0]), [], 0)])
    array = np_("array", items)
    if floats:
        array.keywords = [ast.keyword("dtype", ast.Name("float", ast.Load()))]
    made = ast.Call(ast.Attribute(array, "reshape", ast.Load()), [np_("shape", tree_copy(call.args[0]))], [])
    return ast.fix_missing_locations(ast.copy_location(made, call))


_INTEGER_MATH = frozenset({"floor", "ceil", "trunc", "factorial", "comb", "perm", "gcd", "lcm", "isqrt", "prod"})


def _float_arguments(helper, given):
    """The parameters of the helper (its ``Forward``) after the element that hold a float on every call
    ``np.vectorize`` makes: a float given (``given``, the numbers after the array), or the default, a float
    written out, of one not given; none the helper binds again."""
    params = helper.func.args.args
    defaults = dict(zip([a.arg for a in params][len(params) - len(helper.func.args.defaults):],
                        helper.func.args.defaults))
    floats = set()
    for k, param in enumerate(params[1:]):
        value = given[k] if k < len(given) else defaults.get(param.arg)
        if isinstance(value, ast.Constant) and type(value.value) is float:
            floats.add(param.arg)
    return {name for name in floats if not any(isinstance(n, ast.Name) and n.id == name and
                                               not isinstance(n.ctx, ast.Load) for n in walk(helper.func))}


def _float_returns(helper, floats=frozenset()):
    """Whether every ``return`` of the helper (its ``Forward``) gives a float whatever its arguments: a
    float written out, a parameter of ``floats`` (one every call gives a float), a function of math
    giving floats, ``float()``, a division, arithmetic with one of those, ``abs`` of one, and ``max`` or
    ``min`` of such alone."""
    def surely(node):
        if isinstance(node, ast.Name):
            return node.id in floats
        if isinstance(node, ast.Constant):
            return type(node.value) is float
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, ast.Div) or surely(node.left) or surely(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and surely(node.operand)
        if isinstance(node, ast.IfExp):
            return surely(node.body) and surely(node.orelse)
        if isinstance(node, ast.Call):
            name = source.meaning_of(node.func, lambda n: helper.env.get(n, n))
            if name in ("abs", "max", "min") and node.args and not node.keywords and \
                    not any(isinstance(a, ast.Starred) for a in node.args):
                return len(node.args) == 1 and name == "abs" and surely(node.args[0]) or \
                    len(node.args) > 1 and name != "abs" and all(surely(a) for a in node.args)
            return name == "float" or bool(name) and name.startswith("math.") and name[5:] not in _INTEGER_MATH
        return False
    returns = [n for n in walk(helper.func) if isinstance(n, ast.Return)]
    return bool(returns) and all(r.value is not None and surely(r.value) for r in returns)


def _floats(node):
    """Whether ``otypes`` is given floats: ``[float]``, ``"d"``, ``[np.float64]``."""
    if isinstance(node, ast.Constant):
        return node.value in ("d", "f8")
    if isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) == 1:
        item = node.elts[0]
        return isinstance(item, ast.Name) and item.id == "float" or \
            isinstance(item, ast.Attribute) and item.attr == "float64" or \
            isinstance(item, ast.Constant) and item.value in ("d", "f8")
    return False


def rewrite(forward):
    env = forward.env
    numpy_name = next((name for name, meaning in sorted(env.items()) if meaning == "numpy"), None)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            helper = _helper_vectorized(node, forward, numpy_name)
            if helper is not None:
                return helper
            function = _vectorized(node.func, env.get)
            if function is None and isinstance(node.func, ast.Name) and \
                    str(env.get(node.func.id)).startswith(_PREFIX):
                function = env[node.func.id][len(_PREFIX):]
            if function is None:
                if isinstance(node.func, ast.Call) and source.meaning_of(node.func.func, env.get) == "numpy.vectorize":
                    raise forward.error(_READ, node)
                return node
            name = function[5:]
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise forward.error(_READ, node)
            if name in HELPERS and len(node.args) == 1:
                env[HELPERS[name]] = f"numpy.{HELPERS[name]}"
                func = ast.Name(HELPERS[name], ast.Load())
            elif name in AS_NUMPY and len(node.args) == AS_NUMPY[name][1] and numpy_name:
                func = ast.Attribute(ast.Name(numpy_name, ast.Load()), AS_NUMPY[name][0], ast.Load())
            else:
                raise forward.error(f"{function} takes {AS_NUMPY.get(name, (None, 1))[1]} argument(s) where backgen "
                                    f"reads it vectorized, given {len(node.args)} here; {_READ}", node)
            return ast.copy_location(ast.Call(ast.copy_location(func, node.func), node.args, []), node)

    Calls().visit(forward.func)
