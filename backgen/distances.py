"""SciPy's distances (``scipy.spatial.distance``), written as the NumPy they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of a function the
environment binds to ``scipy.spatial.distance`` (``from scipy.spatial.distance import cdist``,
``from scipy.spatial import distance`` then ``distance.cdist``, ``import scipy.spatial.distance as
ssd``, ``scipy.spatial.distance.cdist`` after ``import scipy.spatial.distance``):

* ``cdist(XA, XB, metric="euclidean")`` becomes the distances of every row of ``XA`` to every row of
  ``XB`` (both matrices, as SciPy requires): ``D = XA[:, None, :] - XB[None, :, :]``, then
  ``np.sqrt(np.sum(D ** 2, axis=-1))`` for ``"euclidean"``, ``np.sum(D ** 2, axis=-1)`` for
  ``"sqeuclidean"``, ``np.sum(np.abs(D), axis=-1)`` for ``"cityblock"``, ``np.max(np.abs(D), axis=-1)`` for
  ``"chebyshev"``, and one minus the rows' dot products over the products of their norms for ``"cosine"``;
* ``pdist(X, metric="euclidean")`` becomes ``cdist(X, X, metric)`` of those rows above the diagonal, in
  SciPy's order, ``[np.triu_indices(X.shape[0], 1)]``; ``squareform(pdist(X, metric))`` (its vector
  written there) ``cdist(X, X, metric)``; ``K = squareform(v)`` of another vector, a statement of its own
  (scikit-learn's kernels: ``K = np.exp(-0.5 * pdist(X / ls, "sqeuclidean"))``, then ``K = squareform(K)``),
  the symmetric matrix of zero diagonal it makes, written as statements: ``K = v``, its size
  ``n = int(np.ceil(np.sqrt(2 * len(K))))`` (``len(v)`` is ``n * (n - 1) / 2``), ``full = np.zeros((n, n))``,
  ``full[np.triu_indices(n, 1)] = K`` and ``K = full + full.T``;
* ``euclidean(u, v)``, ``sqeuclidean(u, v)`` and ``cityblock(u, v)`` of two vectors become
  ``np.sqrt(np.sum((u - v) ** 2))``, ``np.sum((u - v) ** 2)`` and ``np.sum(np.abs(u - v))``, and
  ``cosine(u, v)`` ``1.0 - np.dot(u, v) / (np.sqrt(np.dot(u, u)) * np.sqrt(np.dot(v, v)))``.

The metric is a string written at the call.  Other metrics, other arguments (``w=``, ``p=``,
``out=``, ``V=`` and ``VI=`` but of their metrics), ``squareform`` of anything but ``pdist`` written there elsewhere than alone on the right of an
assignment to a name, its ``force=`` and ``checks=``, and the module's other functions
are refused at the call.  Arguments written twice are expressions without side effects, as
arguments are.
"""

import ast

from .scipy_calls import function_of, numpy_alias, reads_module
from .source import fresh_names, name_ids, walk, tree_copy

SPELLED = frozenset({"cdist", "pdist", "squareform", "euclidean", "sqeuclidean", "cityblock", "cosine",
                     "distance"})  # (parse runs this rewriter only where the function spells one)
MODULE = "scipy.spatial.distance"
METRICS = ("euclidean", "sqeuclidean", "cityblock", "cosine", "chebyshev", "seuclidean", "mahalanobis")
WEIGHTS = {"seuclidean": "V", "mahalanobis": "VI"}  # (the metric's own keyword, and what it is, by default, of
# the rows: their variances, the inverse of their covariance matrix; cdist's of XA's and XB's rows together)
DEFAULT_WEIGHTS = {"V": "np.var(X, axis=0, ddof=1)", "VI": "np.linalg.inv(np.cov(X.T))"}
PAIRS = {"euclidean": "np.sqrt(np.sum((U - V) ** 2))", "sqeuclidean": "np.sum((U - V) ** 2)",
         "cityblock": "np.sum(np.abs(U - V))",
         "cosine": "(1.0 - np.dot(U, V) / (np.sqrt(np.dot(U, U)) * np.sqrt(np.dot(V, V))))"}
ROWS = {"euclidean": "np.sqrt(np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=-1))",
        "sqeuclidean": "np.sum((A[:, None, :] - B[None, :, :]) ** 2, axis=-1)",
        "cityblock": "np.sum(np.abs(A[:, None, :] - B[None, :, :]), axis=-1)",
        "cosine": "(1.0 - np.dot(A, B.T) / (np.sqrt(np.sum(A ** 2, axis=1))[:, None] * "
                  "np.sqrt(np.sum(B ** 2, axis=1))[None, :]))",
        "chebyshev": "np.max(np.abs(A[:, None, :] - B[None, :, :]), axis=-1)",
        "seuclidean": "np.sqrt(np.sum(((A[:, None, :] - B[None, :, :]) / np.sqrt(V)) ** 2, axis=-1))",
        "mahalanobis": "np.sqrt(np.sum(((A[:, None, :] - B[None, :, :]) @ np.linalg.cholesky((VI + VI.T) / 2)) ** 2, "
                       "axis=-1))"}
FUNCTIONS = ("cdist", "pdist", "squareform") + tuple(PAIRS)


def rewrite(forward):
    if not reads_module(forward, MODULE):
        return
    if not any(_function(forward, node.func) for node in walk(forward.func) if isinstance(node, ast.Call)):
        return
    np_name = numpy_alias(forward)
    _squareform_statements(forward, forward.func.body, np_name, fresh_names(name_ids(forward.func)))

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            name = _function(forward, node.func)
            if name == "squareform":
                new = _squareform(forward, node, np_name, self.visit)
            else:
                self.generic_visit(node)
                if name is None:
                    return node
                new = _replaced(forward, node, name, np_name)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
    ast.fix_missing_locations(forward.func)


def _function(forward, func):
    """The name (``cdist``) of a function of scipy.spatial.distance ``func`` names, else None; another of
    the module's is refused."""
    name = function_of(forward, func, MODULE)
    if name is not None and name not in FUNCTIONS:
        raise forward.error(f"scipy.spatial.distance.{name} is not supported: backgen reads scipy.spatial.distance's "
                            f"{', '.join(FUNCTIONS)}", func)
    return name


def _arguments(forward, call, name, params, keywords=()):
    """``{parameter: node}`` of a call by position and keyword (``keywords``: read by keyword only),
    refusing others."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords) or \
            len(call.args) > len(params):
        raise forward.error(f"scipy.spatial.distance.{name} with these arguments is not supported: backgen reads "
                            f"{', '.join(params)}", call)
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params + tuple(keywords) or keyword.arg in given:
            raise forward.error(f"scipy.spatial.distance.{name} with {keyword.arg}= is not supported: backgen "
                                f"reads {', '.join(params)}", call)
        given[keyword.arg] = keyword.value
    missing = [p for p in params if p not in given and p != "metric"]
    if missing:
        raise forward.error(f"scipy.spatial.distance.{name} needs {' and '.join(missing)} written out", call)
    return given


def _metric(forward, call, name, given):
    node = given.get("metric")
    if node is None:
        return "euclidean"
    if isinstance(node, ast.Constant) and node.value in METRICS:
        return node.value
    raise forward.error(f"scipy.spatial.distance.{name}'s metric must be written at the call as one of "
                        f"{', '.join(map(repr, METRICS))}: backgen reads those", call)


def _filled(text, np_name, **parts):
    tree = ast.parse(text.replace("np.", f"{np_name}."), mode="eval").body

    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):  # (a copy where an argument is written twice)
            return tree_copy(parts[node.id]) if node.id in parts else node
    return Parts().visit(tree)


def _rows(forward, call, name, np_name, first, second, given, stacked=None):
    """The metric's distances of every row of ``first`` to every row of ``second``; ``stacked``: the rows a
    weight not given (seuclidean's ``V``, mahalanobis's ``VI``) is computed of."""
    metric = _metric(forward, call, name, given)
    weight = WEIGHTS.get(metric)
    for keyword in ("V", "VI"):
        if keyword in given and keyword != weight:
            raise forward.error(f"scipy.spatial.distance.{name} with {keyword}= is read for the metric "
                                f"{'seuclidean' if keyword == 'V' else 'mahalanobis'} only", call)
    parts = {}
    if weight is not None:
        parts[weight] = given.get(weight) or _filled(DEFAULT_WEIGHTS[weight], np_name, X=stacked)
    return _filled(ROWS[metric], np_name, A=first, B=second, **parts)


def _replaced(forward, call, name, np_name):
    if name in PAIRS:
        given = _arguments(forward, call, name, ("u", "v"))
        return _filled(PAIRS[name], np_name, U=given["u"], V=given["v"])
    if name == "cdist":
        given = _arguments(forward, call, name, ("XA", "XB", "metric"), ("V", "VI"))
        both = _filled("np.vstack([A, B])", np_name, A=given["XA"], B=given["XB"])
        return _rows(forward, call, name, np_name, given["XA"], given["XB"], given, both)
    given = _arguments(forward, call, name, ("X", "metric"), ("V", "VI"))  # pdist: the rows above the diagonal
    matrix = _rows(forward, call, name, np_name, given["X"], given["X"], given, given["X"])
    upper = _filled("np.triu_indices(X.shape[0], 1)", np_name, X=given["X"])
    return ast.Subscript(matrix, upper, ast.Load())


def _squareform(forward, call, np_name, visit):
    """``squareform(pdist(X, metric))``: ``cdist(X, X, metric)`` (``X`` rewritten by ``visit``); any other
    squareform (not one ``_squareform_statements`` wrote out) is refused."""
    given = _arguments(forward, call, "squareform", ("X",))
    inner = given["X"]
    if not (isinstance(inner, ast.Call) and _function(forward, inner.func) == "pdist"):
        raise forward.error("scipy.spatial.distance.squareform is read only of pdist written in it, "
                            "squareform(pdist(X, metric)): the distances of every row to every row, or alone on "
                            "the right of an assignment to a name, K = squareform(v)", call)
    pair = _arguments(forward, inner, "pdist", ("X", "metric"), ("V", "VI"))
    pair["X"] = visit(pair["X"])
    for keyword in ("V", "VI"):
        if keyword in pair:
            pair[keyword] = visit(pair[keyword])
    return _rows(forward, inner, "pdist", np_name, pair["X"], pair["X"], pair, pair["X"])


def _squareform_statements(forward, body, np_name, fresh):
    """``K = squareform(v)`` of a vector ``v`` not ``pdist`` written there, in ``body`` (a list of statements,
    changed in place) and the blocks in it: the statements that build the square matrix (see the module's
    docstring), ``n`` and ``full`` fresh names."""
    for place in reversed(range(len(body))):
        statement = body[place]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                _squareform_statements(forward, block, np_name, fresh)
        for handler in getattr(statement, "handlers", ()):
            _squareform_statements(forward, handler.body, np_name, fresh)
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and
                isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Call) and
                _function(forward, statement.value.func) == "squareform"):
            continue
        given = _arguments(forward, statement.value, "squareform", ("X",))
        inner = given["X"]
        if isinstance(inner, ast.Call) and _function(forward, inner.func) == "pdist":
            continue  # (cdist(X, X, metric), below)
        target, size, full = statement.targets[0].id, fresh("n"), fresh("full")
        lines = [f"{target} = VECTOR",
                 f"{size} = int(np.ceil(np.sqrt(2 * len({target}))))",
                 f"{full} = np.zeros(({size}, {size}))",
                 f"{full}[np.triu_indices({size}, 1)] = {target}",
                 f"{target} = {full} + {full}.T"]
        made = ast.parse("\n".join(lines).replace("np.", f"{np_name}.")).body
        theirs = {id(sub) for sub in walk(inner)}  # (the user's nodes keep their places)
        made[0].value = inner
        for new in made:
            for sub in walk(new):
                if id(sub) not in theirs:
                    ast.copy_location(sub, statement)
        body[place:place + 1] = made
