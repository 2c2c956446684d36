"""SciPy's Cholesky factors, triangular solves, matrix exponential, norms, singular values and determinants,
written as the NumPy they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
use of a function the environment binds to ``scipy.linalg`` (imported from
``scipy.linalg``, ``autograd.scipy.linalg`` or ``jax.scipy.linalg``):

* ``cholesky(a, lower=False)`` becomes ``np.linalg.cholesky(a)`` where lower,
  ``np.linalg.cholesky(np.triu(a).T).T`` where upper: each reads the triangle
  SciPy reads (NumPy reads the lower) and zeroes the other, as SciPy does;
* ``solve_triangular(a, b, trans=0, lower=False)`` becomes
  ``np.linalg.solve(np.triu(a), b)`` (``np.tril`` where lower, the triangle
  transposed where ``trans`` is 1 or ``'T'``): the triangle SciPy reads, the
  other left out;
* ``c, low = cho_factor(a, lower=False)`` standing alone becomes ``c = `` what
  ``cholesky(a, lower)`` becomes, ``low`` the constant ``cho_solve`` then reads
  (nothing else may), and ``f = cho_factor(a)`` the same, ``f[0]`` then ``c``:
  SciPy leaves the other triangle of ``c`` unspecified, so ``c`` may be read
  only by ``np.diag``, ``np.diagonal``, ``c.diagonal()`` and ``cho_solve``;
  any other read is refused;
* ``cho_solve((c, lower), b)`` (or ``cho_solve(f, b)``) becomes
  ``np.linalg.solve(np.tril(c).T, np.linalg.solve(np.tril(c), b))`` (with
  ``np.triu``, the other way round, where upper), ``lower`` a constant or the
  flag a ``cho_factor`` above bound;
* ``solve(a, b, lower=False, assume_a=None, transposed=False)`` becomes ``np.linalg.solve(m, b)`` and
  ``inv(a, assume_a=None, lower=False)`` ``np.linalg.inv(m)``, ``m`` the matrix SciPy reads: ``a`` for a
  general one (``assume_a`` None, ``'gen'``), for a symmetric one (``'sym'``, ``'her'``, ``'pos'`` and
  their long names) the triangle ``lower`` names mirrored, ``np.triu(a) + np.triu(a, 1).T`` (``np.tril``
  where lower), for a triangular one that triangle; ``.T`` where ``transposed``.  Other structures
  (``'diagonal'``, ``'banded'``, ``'tridiagonal'``) are refused;
* ``norm(a, ord=None, axis=None, keepdims=False)`` becomes ``np.linalg.norm`` of the same arguments,
  ``svdvals(a)`` the singular values ``np.linalg.svd(a, full_matrices=False)[1]`` (whose rule gives
  their gradient, of a matrix of any shape) and ``det(a)`` ``np.linalg.det(a)``;
* ``expm(A)`` becomes ``np._expm(A)``: the matrix exponential of a square matrix (or of each of a stack), which the generated module
  computes with its own ``_expm`` (a Taylor series of the matrix scaled to a small norm, squared back),
  differentiated by Van Loan's block: the gradient of ``sum(g * expm(a))`` is the upper right block of the
  exponential of ``[[a.T, g], [0, a.T]]`` (``_expm_grad``).

Arguments that change nothing computed (``check_finite``, ``overwrite_a`` and
``overwrite_b`` False) are read; others, other ``scipy.linalg`` functions and a
flag not known where the code is read are refused at the call.
"""

import ast

from . import source
from .source import fresh_names, name_ids, rewrite_statements, walk, tree_copy
from .scipy_calls import function_of, numpy_alias

SCIPY_LINALG = ("scipy.linalg", "autograd.scipy.linalg", "jax.scipy.linalg")
FUNCTIONS = ("cholesky", "solve_triangular", "cho_factor", "cho_solve", "solve", "inv", "expm", "norm", "svdvals",
             "det")
_GENERAL = (None, "gen", "general")
_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")
_TRIANGULAR = ("upper triangular", "lower triangular")
HARMLESS = {"check_finite": None, "overwrite_a": False, "overwrite_b": False}  # None: any value


def linalg_meaning(name):
    """``scipy.linalg`` for a module's dotted name that is SciPy's (autograd's, JAX's) linalg."""
    return "scipy.linalg" if name in SCIPY_LINALG else None


def rewrite(forward):
    if not any(str(meaning).startswith("scipy.linalg") or meaning in ("scipy", "autograd", "jax")
               for meaning in forward.env.values()):
        return
    if not any(_function(forward, node.func) for node in walk(forward.func) if isinstance(node, ast.Call)):
        return
    np_name = numpy_alias(forward)
    used = set(name_ids(forward.func)) | {a.arg for a in forward.func.args.args}
    factors, flags = _factors(forward, np_name, used)  # name -> (factor, lower, packed); flag -> lower
    _check_reads(forward, factors, flags)

    class Calls(ast.NodeTransformer):
        def visit_Subscript(self, node):
            self.generic_visit(node)
            packed = factors.get(node.value.id) if isinstance(node.value, ast.Name) else None
            if packed is not None and packed[2] and _index(node) == 0:  # f[0] of f = cho_factor(a)
                return ast.copy_location(ast.Name(packed[0], ast.Load()), node)
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            name = _function(forward, node.func)
            if name is None:
                return node
            new = _replaced(forward, node, name, np_name, factors, flags)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
    ast.fix_missing_locations(forward.func)


def _function(forward, func):
    """The name (``cho_solve``) of a scipy.linalg function ``func`` names, else None."""
    for module in SCIPY_LINALG:
        name = function_of(forward, func, module)
        if name is not None:
            if name not in FUNCTIONS:
                raise forward.error(f"scipy.linalg.{name} is not supported: backgen reads scipy.linalg's "
                                    f"{', '.join(FUNCTIONS)}", func)
            return name
    return None


def _arguments(forward, call, name, params):
    """``{parameter: node}`` of a call, refusing what changes the computation."""
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(params) or \
            any(k.arg is None for k in call.keywords):
        raise forward.error(f"scipy.linalg.{name} with these arguments is not supported", call)
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg in HARMLESS:
            value = HARMLESS[keyword.arg]
            if value is not None and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is value):
                raise forward.error(f"scipy.linalg.{name} with {keyword.arg}= other than {value} is not supported",
                                    call)
            continue
        if keyword.arg not in params or keyword.arg in given:
            raise forward.error(f"scipy.linalg.{name} with {keyword.arg}= is not supported: backgen reads "
                                f"{', '.join(params)}", call)
        given[keyword.arg] = keyword.value
    return given


def _constant(forward, node, what, call, allowed):
    if node is None:
        return allowed[0]
    if isinstance(node, ast.Constant) and node.value in allowed and type(node.value) in {type(a) for a in allowed}:
        return node.value
    raise forward.error(f"{what} must be written as one of {', '.join(map(repr, allowed))} where it is "
                        f"read: backgen writes the backward for one triangle", call)


def _np(np_name, text):
    return ast.parse(source.renamed(text, {"np": np_name}), mode="eval").body


def _with(template, **parts):
    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):  # (a copy where an argument is written twice)
            return tree_copy(parts[node.id]) if node.id in parts else node
    return Parts().visit(template)


def _factor(forward, call, np_name):
    """``(cholesky node, lower)`` of ``cho_factor(a, lower)`` or ``cholesky(a, lower)``."""
    name = _function(forward, call.func)
    given = _arguments(forward, call, name, ("a", "lower"))
    if "a" not in given:
        raise forward.error(f"scipy.linalg.{name} needs its matrix written out", call)
    lower = _constant(forward, given.get("lower"), "lower", call, (False, True))
    text = "np.linalg.cholesky(A)" if lower else "np.linalg.cholesky(np.triu(A).T).T"  # (the triangle read)
    return _with(_np(np_name, text), A=given["a"]), lower


def _factors(forward, np_name, used):
    """Rewrite each ``c, low = cho_factor(a)`` (``f = cho_factor(a)``) standing alone; what each
    name now holds, ``{c: (c, lower, False), f: (c made, lower, True)}``, and the flags bound,
    ``{low: lower}``."""
    fresh = fresh_names(used)
    factors, flags = {}, {}

    def each(stmt):
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, ast.Assign) and isinstance(value, ast.Call) and
                _function(forward, value.func) == "cho_factor"):
            return [stmt]
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        factor, lower = _factor(forward, value, np_name)
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and \
                all(isinstance(e, ast.Name) for e in target.elts):
            c, flag = (e.id for e in target.elts)
            factors[c], flags[flag] = (c, lower, False), lower
            new = [ast.Assign([ast.Name(c, ast.Store())], factor)]  # (the flag: read by cho_solve only)
        elif isinstance(target, ast.Name):
            c = fresh(f"{target.id}_c")
            factors[target.id] = (c, lower, True)
            new = [ast.Assign([ast.Name(c, ast.Store())], factor)]
        else:
            raise forward.error("the pair cho_factor returns must be bound to one name or unpacked into "
                                "two (c, low = cho_factor(a))", stmt)
        for node in new:
            ast.copy_location(node, stmt)
            ast.fix_missing_locations(node)
        return new
    forward.func.body = rewrite_statements(forward.func.body, each)
    stored = {}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stored[node.id] = stored.get(node.id, 0) + 1
    for name, (c, _, packed) in factors.items():
        if stored.get(name, 0) > (0 if packed else 1) or stored.get(c, 0) > 1:
            raise forward.error(f"{name!r} holds what cho_factor returns and is bound again: give the "
                                f"factor a name of its own", forward.func)
    for flag in flags:
        if stored.get(flag, 0) != 0:
            raise forward.error(f"{flag!r} holds the flag cho_factor returns and is bound again: give it a "
                                f"name of its own", forward.func)
    return factors, flags


def _check_reads(forward, factors, flags):
    """Refuse a read of a factor beyond its diagonal (SciPy leaves its other triangle unspecified), and
    of a flag but by cho_solve."""
    allowed = set()
    for node in walk(forward.func):
        if not isinstance(node, ast.Call):
            continue
        name = _function(forward, node.func)
        if name == "cho_solve" and node.args:
            first = node.args[0]
            allowed.update(id(e) for e in (first.elts if isinstance(first, ast.Tuple) else [first]))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("diag", "diagonal") and node.args and \
                isinstance(node.func.value, ast.Name) and forward.env.get(node.func.value.id) == "numpy":
            allowed.add(id(node.args[0]))
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "diagonal" and not node.args:
            allowed.add(id(node.func.value))
    for node in walk(forward.func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                factors.get(node.value.id, (0, 0, False))[2] and _index(node) == 0 and id(node) in allowed:
            allowed.add(id(node.value))
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in flags and \
                id(node) not in allowed:
            raise forward.error(f"{node.id!r} holds the flag cho_factor returns: read it only by cho_solve", node)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in factors and \
                id(node) not in allowed:
            raise forward.error(f"{node.id!r} holds the matrix cho_factor returns, whose other triangle SciPy "
                                f"leaves unspecified: read it only by np.diag or cho_solve", node)


# SciPy's functions that compute what NumPy's of the same arguments do: (parameters, NumPy's form)
_AS_NUMPY = {"norm": (("a", "ord", "axis", "keepdims"), None),
             "svdvals": (("a",), "np.linalg.svd(A, full_matrices=False)[1]"),
             "det": (("a",), "np.linalg.det(A)")}


def _index(node):
    return node.slice.value if isinstance(node.slice, ast.Constant) else None


def _read_matrix(forward, call, name, given):
    """The text of the matrix ``solve`` or ``inv`` reads of its ``A`` (see the module's contract)."""
    assume = _constant(forward, given.get("assume_a"), "assume_a", call, _GENERAL + _SYMMETRIC + _TRIANGULAR)
    lower = _constant(forward, given.get("lower"), "lower", call, (False, True))
    transposed = _constant(forward, given.get("transposed"), "transposed", call, (False, True))
    if assume in _SYMMETRIC:
        text = "(np.tril(A) + np.tril(A, -1).T)" if lower else "(np.triu(A) + np.triu(A, 1).T)"
    elif assume in _TRIANGULAR:
        text = "np.triu(A)" if assume == "upper triangular" else "np.tril(A)"
    else:
        text = "A"
    return f"{text}.T" if transposed and assume not in _SYMMETRIC else text


def _replaced(forward, call, name, np_name, factors, flags):
    if name in _AS_NUMPY:  # (norm, svdvals, det: NumPy's of the same arguments)
        params, text = _AS_NUMPY[name]
        given = _arguments(forward, call, name, params)
        if "a" not in given:
            raise forward.error(f"scipy.linalg.{name} needs its matrix written out", call)
        if name == "norm":  # (np.linalg.norm reads ord, axis and keepdims as SciPy does)
            keywords = [ast.keyword(k, given[k]) for k in params[1:] if k in given]
            func = _np(np_name, "np.linalg.norm")
            return ast.Call(func, [given["a"]], keywords)
        return _with(_np(np_name, text), A=given["a"])
    if name == "expm":  # (the generated module's own _expm computes it, of a square matrix)
        given = _arguments(forward, call, name, ("A",))
        if "A" not in given:
            raise forward.error("scipy.linalg.expm needs its matrix written out", call)
        return _with(_np(np_name, "np._expm(A)"), A=given["A"])
    if name in ("solve", "inv"):
        params = ("a", "b", "lower") if name == "solve" else ("a",)
        if len(call.args) > len(params):  # (overwrite_a, overwrite_b, check_finite: by keyword)
            raise forward.error(f"scipy.linalg.{name} with these arguments is not supported: give those after "
                                f"{params[-1]} by keyword", call)
        keywords = ("assume_a", "transposed") if name == "solve" else ("assume_a", "lower")
        given = _arguments(forward, call, name, params + keywords)
        if any(p not in given for p in params[:2]):
            raise forward.error(f"scipy.linalg.{name} needs {' and '.join(params[:2])} written out", call)
        matrix = _read_matrix(forward, call, name, given)
        text = f"np.linalg.solve({matrix}, B)" if name == "solve" else f"np.linalg.inv({matrix})"
        return _with(_np(np_name, text), A=given["a"], B=given.get("b"))
    if name in ("cholesky", "cho_factor"):
        if name == "cho_factor":
            raise forward.error("cho_factor is read where its pair is bound standing alone: "
                                "c, low = cho_factor(a)", call)
        return _factor(forward, call, np_name)[0]
    if name == "solve_triangular":
        given = _arguments(forward, call, name, ("a", "b", "trans", "lower", "unit_diagonal"))
        if "a" not in given or "b" not in given:
            raise forward.error("scipy.linalg.solve_triangular needs a and b written out", call)
        lower = _constant(forward, given.get("lower"), "lower", call, (False, True))
        trans = _constant(forward, given.get("trans"), "trans", call, (0, 1, "N", "T"))
        _constant(forward, given.get("unit_diagonal"), "unit_diagonal", call, (False,))
        part = "np.tril(A)" if lower else "np.triu(A)"
        part = f"{part}.T" if trans in (1, "T") else part
        return _with(_np(np_name, f"np.linalg.solve({part}, B)"), A=given["a"], B=given["b"])
    given = _arguments(forward, call, name, ("c_and_lower", "b"))
    if "c_and_lower" not in given or "b" not in given:
        raise forward.error("scipy.linalg.cho_solve needs (c, lower) and b written out", call)
    pair = given["c_and_lower"]
    if isinstance(pair, ast.Name) and pair.id in factors and factors[pair.id][2]:
        c, lower = ast.Name(factors[pair.id][0], ast.Load()), factors[pair.id][1]
    elif isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
        c, flag = pair.elts
        if isinstance(flag, ast.Name) and flag.id in flags:
            lower = flags[flag.id]
        else:
            lower = _constant(forward, flag, "cho_solve's lower", call, (False, True))
    else:
        raise forward.error("scipy.linalg.cho_solve reads (c, lower) written out or as cho_factor bound it", call)
    text = "np.linalg.solve(np.tril(C).T, np.linalg.solve(np.tril(C), B))" if lower else \
        "np.linalg.solve(np.triu(C), np.linalg.solve(np.triu(C).T, B))"
    return _with(_np(np_name, text), C=c, B=given["b"])
