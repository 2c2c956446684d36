"""Module-level lists of numbers read inside the function, as constants.

Contract: ``literal_lists(module, is_library) -> {name: ast.expr}``,
``put_literal_lists(func, literals) -> None`` and ``fold_numbers(module, meaning) -> None``.

A module-level name is a *literal list* when:

* the module binds it once, by ``NAME = <literal>``, the literal a list or
  tuple (at any depth) of numbers written with literals (``1 / 6``, ``-0.5``,
  ``[[0.0, 0.5], [1.0, 0.0]]``), or ``np.array(<literal>)`` of numbers or booleans
  (autograd's ``inputs = np.array([[0.52, 1.12], ...])``: a constant array, read
  as an index, in arithmetic, by NumPy or by a function of the module writing
  into none of its parameters); other calls, names and strings make no literal;
* no function declares it ``global`` and binds it, and nothing binds it again;
* every read of it anywhere in the module (``is_library(name)`` telling which
  names are NumPy's or math's) leaves the list as it is and lets no part of it
  escape: an index (``A[i][j]``, also ``A[i]`` read further so), comparisons,
  ``len``, ``float`` and the like, a NumPy or math function given it, and
  (where what it holds are numbers, no inner list that could be changed)
  arithmetic, a loop over it, ``sum``, ``zip``, ``enumerate``, ``min``, ``max``; a loop over a list
  of lists of numbers unpacking each into names (``for limit, rate in BRACKETS``, also through ``zip``,
  ``enumerate`` or ``reversed``: ``for k, (i, j) in enumerate(EDGES)``).
  Anything else (a method, ``A[0] = v``, a name given the list or one of its
  inner lists, a function of the user's given it, returning it, a NumPy
  function writing into it such as ``np.random.shuffle``) makes the name no
  constant.  A constant array's view (``V = X[1:]``, a row ``r = X[0]`` of a matrix, the rows ``for row in X`` gives)
  is read so where nothing writes through it: the names holding it are not written into, given ``op=``,
  given as ``out=``, named again, returned or passed to a function of the user's, and none of their
  methods but reading ones (``.sum()``, ``.dot(w)``) is called; ``out=X`` itself writes into ``X``;
* or it is bound once to a dict of numbers by strings (``PARAMS = {"g": 9.81, "rho": 1.225}``, or
  ``dict(g=9.81, rho=1.225)`` of the builtin, each key a
  string written once, each value a number written with literals), and every read of it reads one of
  its numbers by a key it holds (``PARAMS["g"]``); ``put_literal_lists`` puts it in the function as it
  puts a list; so too a dict of lists of numbers by strings (``GROUPS = {"age": [0, 1]}``), each read an
  entry by a key it holds or the ``values()`` (``items()``) a loop takes, each list read as a literal
  list's must be (``w[GROUPS["age"]]``, ``for idx in GROUPS.values(): w[idx]``);
* or it is bound once to an array the module computes from such names, or from arrays written out
  (``P = 1e-4 * np.array([[3689, 1170], ...])``), or from numbers alone, written out or bound once by the
  module (``GRID = np.linspace(0.0, 1.0, N)``, ``N = 11``, ``EYE = np.eye(4)``; each name of ``NODES, WEIGHTS =
  np.polynomial.legendre.leggauss(5)`` one of the arrays it gives; not an array made to be filled,
  ``BUF = np.zeros(n)``), with NumPy's functions,
  ``.T``, arithmetic and numbers (``SOBEL_Y = SOBEL_X.T``, ``K = np.outer(G, G) / 16.0``; the methods
  ``reshape``, ``transpose``, ``astype`` and the like of an array a call makes, ``W = np.linspace(-1.0, 1.0,
  8).reshape(4, 2)``; an array computed from another such, ``H = G * 2.0``; nothing
  random or uninitialized), read as the rest are, and read as ``np.array`` of the numbers it
  holds (its dtype given); it is a constant only where the names it is computed from are, and
  they only where it is (it may be a view of them); a dtype given as Python's ``float``, ``int``,
  ``bool`` or ``complex`` is read as that type;
* the module reaches no name unnamed (``globals()``, ``vars``, ``exec``,
  ``setattr``, ``__dict__``): where it does, it holds no literal list.

``put_literal_lists`` puts ``NAME = <literal>`` at the top of a function
(after its docstring) for each literal list the function reads and does not
bind itself: the function then holds the same values as it would read from the
module, and the rest of backgen sees a list of numbers written in the function.

``fold_numbers`` writes the numbers a module's top level computes with math's or
NumPy's functions of numbers (``LOG2PI = math.log(2 * math.pi)``, ``NODES =
[-math.sqrt(3 / 5), 0.0, math.sqrt(3 / 5)]``), and with SciPy's normal quantiles and
the like (``Z99 = norm.ppf(0.99)``), as the numbers they are, and the layers' shapes and count of
weights computed from a list of integers written out (``shapes = list(zip(layer_sizes[:-1],
layer_sizes[1:]))``, ``num_weights = sum((m + 1) * n for m, n in shapes)``) as the list of pairs and
the integer they are (``_fold_sizes``), before the module's constants and literal lists are read;
``np.finfo(T).eps`` of a float type written out (``EPS = np.finfo(float).eps``) is the number it gives.
"""

import ast
import importlib
import math
import operator

import numpy as np

from . import float_limits
from .source import bind_counts, number, walk, tree_copy, names_of

_SCALAR_BUILTINS = frozenset({"len", "float", "int", "abs", "round", "range", "any", "all", "bool"})
_ELEMENT_BUILTINS = frozenset({"zip", "enumerate", "reversed", "sorted", "list", "tuple", "min", "max", "iter",
                               "sum"})  # (sum(A, []) holds A's inner lists)

_DYNAMIC = frozenset({"globals", "vars", "locals", "exec", "eval", "setattr", "__import__"})  # (reach names unnamed)
_WRITERS = frozenset({"shuffle", "copyto", "put", "place", "putmask", "fill_diagonal"})  # (into their argument)


def literal_lists(module, is_library, meaning=None):
    """The literal lists of ``module`` (an ``ast.Module``), by name (see the module doc); ``meaning(name)``,
    where given, is what a name means at the module's top level (``"numpy"``, ``"numpy.outer"``), for
    the arrays the module computes from its literals."""
    found, arrays = {}, set()
    for stmt in module.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, (ast.List, ast.Tuple)) and _depth(stmt.value) is not None:
            found.setdefault(stmt.targets[0].id, []).append(stmt.value)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _array_literal(stmt.value, is_library):
            found.setdefault(stmt.targets[0].id, []).append(stmt.value)
            arrays.add(stmt.targets[0].id)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and _number_dict(_dict_display(stmt.value, module), lists=True) is not None:
            found.setdefault(stmt.targets[0].id, []).append(_dict_display(stmt.value, module))
    if not found and not (meaning and any(isinstance(stmt, ast.Assign) and any(
            _array_literal(n, is_library) or isinstance(n, ast.Call) for n in walk(stmt.value))
            for stmt in module.body)):
        return {}  # (none, nor an array computed from one written out, P = 1e-4 * np.array([...]), or from numbers)
    if any(isinstance(node, ast.Name) and node.id in _DYNAMIC or
           isinstance(node, ast.Attribute) and node.attr == "__dict__" for node in walk(module)):
        return {}  # (globals()['A'][0] = 7.0 changes a list no read names)
    derived = _derived_arrays(module, found, meaning) if meaning else {}  # SOBEL_Y = SOBEL_X.T: a literal too
    inside = {id(n) for value, _ in derived.values() for n in walk(value)}  # (reads folded there)
    for name, (_, literal) in derived.items():
        found[name] = [literal]
        arrays.add(name)
    parents = {id(child): node for node in walk(module) for child in ast.iter_child_nodes(node)}
    refused, rebound = set(), rebound_globals(module)
    for node in walk(module):
        if id(node) in inside:
            continue
        if isinstance(node, ast.Nonlocal) or isinstance(node, ast.Global) and set(node.names) & rebound:
            refused.update(node.names)
        elif isinstance(node, ast.Name) and node.id in found and isinstance(node.ctx, ast.Load):
            literal = found[node.id][0]
            if not (_array_read(node, parents, is_library, module, _rank(literal)) if node.id in arrays else
                    _dict_read(node, literal, parents, is_library) if isinstance(literal, ast.Dict) else
                    _read_only(node, _depth(literal), parents, is_library)):
                refused.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            refused.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            refused.update(a.asname or a.name.split(".")[0] for a in node.names)
    bound = [n.id for s in module.body for n in _bound_at_top(s)]  # bound once: by its assignment
    refused |= {name for name in found if bound.count(name) != 1}
    changed = True
    while changed:  # a derived array of a list that is no constant is none either (B = A.T, A written into)
        changed = False
        for name, (value, _) in derived.items():  # (and a list whose derived array is none: B may be a view
            reads = {n.id for n in walk(value) if isinstance(n, ast.Name) and n.id in found}  # of A, written)
            if name not in refused and reads & refused or name in refused and reads - refused:
                refused |= reads | {name}
                changed = True
    return {name: values[0] for name, values in found.items() if name not in refused}


_UNSTABLE = frozenset({"random", "empty", "empty_like"})  # (values that differ from one run to the next)
_BUFFERS = frozenset({"zeros", "ones", "full", "zeros_like", "ones_like", "full_like"})  # (arrays made to be filled)


def _derived_arrays(module, found, meaning):
    """``{name: (expression, literal)}`` of the module's ``NAME = expression`` computing an array from its literal
    lists and arrays, or from arrays written out in it (``SOBEL_Y = SOBEL_X.T``, ``K = np.outer(G, G) / 16.0``,
    ``P = 1e-4 * np.array([[3689, 1170], ...])``), or from numbers alone, written out or the module's (``GRID =
    np.linspace(0.0, 1.0, N)``, ``N = 11``; ``NODES, WEIGHTS = np.polynomial.legendre.leggauss(5)``, each name of
    the tuple one of the arrays it gives; not an array made to be filled, ``np.zeros(n)``), with NumPy's functions,
    ``.T``, arithmetic and numbers only, in order (one may use another found before it); the literal
    is ``np.array(...)`` of its value, computed from the literals as the module does."""
    derived, values = {}, {}
    bound = [n.id for stmt in module.body for n in _bound_at_top(stmt)]
    numbers = {}  # the module's names bound once to a number written out (N = 11)
    for stmt in module.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                bound.count(stmt.targets[0].id) == 1 and isinstance(number(stmt.value), (int, float)) and \
                type(number(stmt.value)) is not bool:
            numbers[stmt.targets[0].id] = number(stmt.value)
    for stmt in module.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target = stmt.targets[0]
        names = [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts] if isinstance(
            target, ast.Tuple) and target.elts and all(isinstance(e, ast.Name) for e in target.elts) else []
        if not names or any(name in found or name in derived for name in names) or len(set(names)) < len(names):
            continue
        known = set(found) | set(derived)
        reads = names_of(stmt.value)
        given = {name: numbers[name] for name in reads - known if name in numbers}
        space = _library_space(reads - known - set(given), meaning)
        written = any(_array_literal(n, lambda name: meaning(name) == "numpy") for n in walk(stmt.value))
        made = _made_by(stmt.value)  # (np.linspace(0.0, 1.0, 8).reshape(4, 2): made by np.linspace)
        called = space is not None and any(isinstance(n, ast.Call) for n in walk(stmt.value)) and \
            any(meaning(name) == "numpy" for name in reads - known) and not (
                isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute) and
                made.func.attr in _BUFFERS)  # (np.linspace(0.0, 1.0, 11): of numbers; np.zeros(n) a buffer)
        if not (reads & known or written or called) or space is None or \
                not all(_computable(n, known) for n in walk(stmt.value)):
            continue  # (P = 1e-4 * np.array([[3689, 1170], ...]): from an array written out, Hartmann's)
        try:
            for name in reads & known:
                if name not in values:
                    values[name] = eval(compile(ast.Expression(found[name][0]), "<literal>", "eval"),
                                        {"__builtins__": {}, **_library_space(
                                            names_of(found[name][0]),
                                            meaning)})
            value = eval(compile(ast.Expression(stmt.value), "<derived>", "eval"),
                         {"__builtins__": {}, **space, **given, **{n: values[n] for n in reads & known}})
        except Exception:  # noqa: BLE001 - NumPy raises on these values (the module would too)
            continue
        numpy_name = next((n for n in sorted(reads - known) if meaning(n) == "numpy"), None) or next(
            (n.func.value.id for dep in sorted(reads & known) for n in [found[dep][0] if dep in found else
                                                                         derived[dep][1]]
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)),
            None)  # (H = G * 2.0 of G = np.linspace(0.0, 1.0, 4): NumPy's name in G's array)
        parts = [value] if isinstance(target, ast.Name) else list(value) if isinstance(value, tuple) and \
            len(value) == len(names) else []
        if not parts or numpy_name is None or not all(
                isinstance(part, np.ndarray) and part.dtype.kind in "fib" and 0 < part.size <= 10000 for part in parts):
            continue
        for name, part in zip(names, parts):
            derived[name] = (stmt.value, _array_call(part, numpy_name, stmt.value))
            values[name] = part
    return derived


_ARRAY_METHODS = frozenset({"reshape", "transpose", "swapaxes", "squeeze", "ravel", "flatten", "astype", "copy"})
# (methods of an array a call makes that give a new array of its values, or a view of that new array)


def _made_by(node):
    """The call making the array of ``node``, through the methods of ``_ARRAY_METHODS`` called on it
    (``np.linspace(-1.0, 1.0, 8)`` of ``np.linspace(-1.0, 1.0, 8).reshape(4, 2)``); ``node`` where none is."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in _ARRAY_METHODS and isinstance(node.func.value, ast.Call):
        node = node.func.value
    return node


def _computable(node, known):
    """Whether a node of a derived array's expression is one of those ``_derived_arrays`` reads."""
    if isinstance(node, ast.Name):
        return True  # (a literal, or NumPy's or math's: told by the caller)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) and node.attr in _ARRAY_METHODS:
        return True  # (np.arange(12.0).reshape(3, 4): a method of the array the call makes)
    if isinstance(node, ast.Attribute):
        return node.attr not in _UNSTABLE and (node.attr == "T" or isinstance(node.value, (ast.Name, ast.Attribute))
                                               and not _reads_known(node.value, known))
    if isinstance(node, ast.Constant):
        return type(node.value) in (int, float, bool)
    return isinstance(node, (ast.Call, ast.BinOp, ast.UnaryOp, ast.Tuple, ast.List, ast.keyword, ast.Load,
                             ast.operator, ast.unaryop))


def _reads_known(node, known):
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in known  # (A.reshape(...), A.sum(): a method of the array)


_BUILTIN_DTYPES = {"float": float, "int": int, "bool": bool, "complex": complex}


def _library_space(names, meaning):
    """NumPy's and math's modules and functions under the names given, or None where one is not."""
    space = {}
    for name in names:
        if name in _BUILTIN_DTYPES and meaning(name) in (None, name):  # (the builtin: np.array([...], dtype=float))
            space[name] = _BUILTIN_DTYPES[name]
            continue
        what = meaning(name) or ""
        root, _, path = what.partition(".")
        if root not in ("numpy", "math") or _UNSTABLE & set(path.split(".")):
            return None
        value = importlib.import_module(root)
        for part in path.split(".") if path else ():
            value = getattr(value, part, None)
        if value is None:
            return None
        space[name] = value
    return space


def _array_call(value, numpy_name, where):
    """``np.array(<the numbers>, dtype=np.<its dtype>)`` of a computed array."""
    numbers = ast.parse(repr(value.tolist()), mode="eval").body
    kind = "bool_" if value.dtype.kind == "b" else value.dtype.name
    dtype = ast.Attribute(ast.Name(numpy_name, ast.Load()), kind, ast.Load())
    call = ast.Call(ast.Attribute(ast.Name(numpy_name, ast.Load()), "array", ast.Load()), [numbers],
                    [ast.keyword("dtype", dtype)])
    for node in walk(call):
        ast.copy_location(node, where)
    return call


def rebound_globals(tree):
    """The names a function (any def in ``tree``, a module or a function) declares ``global`` and binds:
    those it changes in the module."""
    found = set()
    if not any(node.__class__ is ast.Global for node in walk(tree)):
        return found  # (one walk where, as mostly, there is no global statement)
    for node in walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            declared = {name for n in walk(node) if isinstance(n, ast.Global) for name in n.names}
            if declared:
                found |= declared & bound_names(node)
    return found


def bound_names(node):
    """The names ``node`` binds (an assignment, a loop, a def or class inside it, an import)."""
    names = set()
    for n in walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not node:
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in n.names)
    return names


def _array_literal(value, is_library):
    """Whether ``value`` is ``np.array(<literal>)`` (or ``np.asarray``, with a ``dtype=`` at most): a
    constant array, its numbers (or booleans) written out."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in
            ("array", "asarray") and isinstance(value.func.value, ast.Name) and is_library(value.func.value.id)
            and len(value.args) == 1 and all(k.arg == "dtype" for k in value.keywords)):
        return False
    return _depth(value.args[0], booleans=True) is not None


def _array_read(node, parents, is_library, module, rank=None):
    """Whether the read ``node`` of a constant array (of ``rank`` axes, None where not known) leaves it as it
    is: an index (but a view of it a name keeps, ``V = X[1:]``, which a write through the name changes),
    arithmetic, a comparison, a NumPy function (not one given it as ``out=``), a function of the module that
    writes into none of its parameters (``logistic_predictions(weights, inputs)``), a loop over it, its
    ``.shape``, ``.ndim``, ``.size`` or ``.dtype``, or its ``.T`` read so itself (``img @ RGB2YUV.T``; ``KT =
    RGB2YUV.T`` is not)."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.Subscript):
        if parent.value is node and _view(parent.slice, rank) and _written_view(
                parent, parents, None if rank is None else rank - _items(parent.slice), module):
            return False  # (V = X[1:]; V[0] = 7.0 writes into X; for row in X[1:] of a matrix, row[0] = v)
        return parent.value is not node or isinstance(parent.ctx, ast.Load) and \
            not isinstance(parents.get(id(parent)), (ast.AugAssign, ast.Attribute))  # (A[0] += 1, A[0].sort())
    if isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Compare)):
        return True
    if isinstance(parent, ast.Attribute) and parent.value is node and isinstance(parent.ctx, ast.Load):
        if parent.attr in ("shape", "ndim", "size", "dtype"):  # (numbers: nothing of the array's escapes)
            return True  # RGB2YUV.T read as the array itself is (img @ RGB2YUV.T), a view no name keeps
        return parent.attr == "T" and _array_read(parent, parents, is_library, module)
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        return not _written_view(node, parents, rank, module)  # (its rows, views of it, written: for row in X:
        # row[0] = v)
    if isinstance(parent, ast.keyword):
        if parent.arg == "out":  # (np.multiply(X, 2.0, out=X) writes into X)
            return False
        parent = parents.get(id(parent))
        return isinstance(parent, ast.Call) and _library_call(parent, is_library)
    if isinstance(parent, ast.Call) and node in parent.args:
        if isinstance(parent.func, ast.Name) and parent.func.id in _SCALAR_BUILTINS | {"sum", "len", "zip", "enumerate"}:
            return True
        if _library_call(parent, is_library):
            return True
        if isinstance(parent.func, ast.Name):  # a function of the module: one writing into none of its arguments
            defined = [d for d in module.body if isinstance(d, ast.FunctionDef) and d.name == parent.func.id]
            return len(defined) == 1 and not _writes_into_parameters(defined[0])
    return False


def _rank(literal):
    """The number of axes of a constant array's literal (``np.array(<numbers>, ...)``), or None."""
    if isinstance(literal, ast.Call) and literal.args and isinstance(literal.args[0], (ast.List, ast.Tuple)):
        return _depth(literal.args[0], booleans=True)
    return None


def _view(index, rank):
    """Whether indexing an array of ``rank`` axes (None: not known) by ``index`` may give a view of it (a slice,
    ``...``, ``None``, or fewer items than axes) rather than a number or a copy."""
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    if any(isinstance(part, ast.Slice) or isinstance(part, ast.Constant) and part.value in (None, Ellipsis)
           for part in parts):
        return True
    return rank is None or len(parts) < rank


def _written_view(node, parents, rank, module=None):
    """Whether the view of an array ``node`` gives (of ``rank`` axes, None where not known) may be written
    into: kept where code can write into it (returned, put in a list or a tuple, given to a function of
    ``module`` that writes into its parameters or to one of NumPy's that writes, ``np.copyto``), or
    bound to a name, or iterated by rows (views themselves where they have axes), that the code writes
    into, calls a method of, gives as ``out=``, names again or passes on (``_written_through``)."""
    parent = parents.get(id(node))
    while isinstance(parent, (ast.IfExp, ast.Tuple, ast.List, ast.Starred)) and not (
            isinstance(parent, ast.IfExp) and parent.test is node):
        node, parent = parent, parents.get(id(parent))
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        if rank is not None and rank < 2:
            return False  # (the numbers of a vector)
        names = names_of(parent.target)
    elif isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if not all(isinstance(t, ast.Name) for t in targets):
            return True
        names = {t.id for t in targets}
    elif isinstance(parent, ast.Call) and node in parent.args:  # (a writer of NumPy's, or a function of the
        func = parent.func  # module writing into its parameters: g(X[1:]) writes into X)
        if isinstance(func, ast.Attribute):
            return func.attr in _WRITERS
        if isinstance(func, ast.Name) and func.id not in _SCALAR_BUILTINS | _ELEMENT_BUILTINS and module is not None:
            defined = [d for d in module.body if isinstance(d, ast.FunctionDef) and d.name == func.id]
            return len(defined) == 1 and _writes_into_parameters(defined[0])
        return False
    elif isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Subscript, ast.Attribute, ast.Call,
                             ast.keyword, ast.Expr)):
        return False  # (read where it is: arithmetic, an index, NumPy)
    else:
        return True
    scope = parent
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                                       ast.Module)):
        scope = parents.get(id(scope))
    return scope is None or _written_through(names, scope if not isinstance(scope, ast.Module) else scope)


_READ_ATTRIBUTES = frozenset({"shape", "ndim", "size", "dtype", "T", "sum", "mean", "dot", "max", "min", "prod",
                              "std", "var", "copy", "tolist", "item", "any", "all", "argmax", "argmin", "astype",
                              "cumsum", "cumprod", "trace"})  # (attributes and methods that write into no array)


def _written_through(names, scope):
    """Whether code in ``scope`` may write into the arrays ``names`` hold: a part written or ``op=`` on them,
    a method of theirs called, one given as ``out=``, named again, returned, or given to a function."""
    for node in walk(scope):
        if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load) and \
                isinstance(node.value, ast.Name) and node.value.id in names:
            return True
        if isinstance(node, ast.AugAssign):
            base = node.target.value if isinstance(node.target, ast.Subscript) else node.target
            if isinstance(base, ast.Name) and base.id in names:
                return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names and \
                node.attr not in _READ_ATTRIBUTES:
            return True
        if isinstance(node, ast.keyword) and node.arg == "out" and isinstance(node.value, ast.Name) and \
                node.value.id in names:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return, ast.Yield, ast.YieldFrom, ast.NamedExpr)) and \
                isinstance(node.value, ast.Name) and node.value.id in names:
            return True
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id in names for a in node.args) and \
                not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and
                     node.func.attr not in _WRITERS) and not (
                    isinstance(node.func, ast.Name) and node.func.id in _SCALAR_BUILTINS | {"sum", "len"}):
            return True  # (np.sum(row) reads it; a function of the user's may write into it)
    return False


def _items(index):
    """How many axes ``index`` takes away (its items that are neither slices, ``...`` nor ``None``)."""
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    return sum(not (isinstance(part, ast.Slice) or isinstance(part, ast.Constant) and part.value in (None, Ellipsis))
               for part in parts)


def _writes_into_parameters(func):
    """Whether ``func`` may write into an array a parameter holds: a part written (``a[0] = v``,
    ``a += v``), a method called on it, or the parameter given to anything but arithmetic and NumPy."""
    params = {a.arg for a in func.args.args}
    for node in walk(func):
        if isinstance(node, (ast.AugAssign,)) and isinstance(node.target, (ast.Name, ast.Subscript)):
            base = node.target.value if isinstance(node.target, ast.Subscript) else node.target
            if isinstance(base, ast.Name) and base.id in params:
                return True
        if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load) and \
                isinstance(node.value, ast.Name) and node.value.id in params:
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in params and \
                node.attr not in ("shape", "ndim", "size", "T", "dtype"):
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
    return False


def _bound_at_top(stmt):
    """The names a module-level statement binds (not inside the functions and classes it defines)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    return [n for n in walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]


def _depth(node, booleans=False):
    """How deep the literal ``node`` nests lists (0: a number), or None where it is no literal list of
    numbers (``booleans``: or of True and False)."""
    if isinstance(node, (ast.List, ast.Tuple)):
        depths = [_depth(e, booleans) for e in node.elts]
        if None in depths:
            return None
        return 1 + max(depths, default=0)
    if booleans and isinstance(node, ast.Constant) and type(node.value) is bool:
        return 0
    return 0 if number(node, arithmetic=True) is not None else None


def _number_dict(node, lists=False):
    """The keys of the dict literal ``node`` of numbers by strings (``PARAMS = {"g": 9.81, "rho": 1.225}``),
    each key once, or None where it is no such literal; with ``lists``, of lists of numbers too (a
    model's groups of features, ``GROUPS = {"age": [0, 1], "income": [2, 3, 4]}``)."""
    if not (isinstance(node, ast.Dict) and node.keys and all(
            isinstance(k, ast.Constant) and type(k.value) is str for k in node.keys)):
        return None  # (None among the keys: a ** unpacking)
    keys = [k.value for k in node.keys]
    if len(set(keys)) != len(keys) or any(number(v, arithmetic=True) is None and not (
            lists and isinstance(v, (ast.List, ast.Tuple)) and _depth(v) is not None) for v in node.values):
        return None
    return frozenset(keys)


def _dict_read(node, literal, parents, is_library):
    """Whether the read ``node`` of a module's dict of numbers or lists of numbers by strings (``literal``)
    leaves it as it is: an entry by a key it holds, read as a literal list is where it is a list
    (``w[GROUPS["age"]]``), or its ``values()`` or ``items()`` a loop takes, its values so read
    (``for idx in GROUPS.values()``, ``for name, idx in GROUPS.items()``); one of tuples of numbers alone
    (``SHAPES = {"W1": (3, 4)}``), which nothing changes, read so however its values are read then."""
    keys = _number_dict(literal, lists=True)
    depth = 0 if all(_tuples(v) for v in literal.values) else max(_depth(v) for v in literal.values)
    if _entry_read(node, keys, parents):  # (tuples of numbers: no read changes them, wherever they go)
        value = literal.values[[k.value for k in literal.keys].index(parents[id(node)].slice.value)]
        return depth == 0 or _read_only(parents[id(node)], _depth(value), parents, is_library)
    method = parents.get(id(node))
    call = parents.get(id(method))
    loop = parents.get(id(call))
    if not (isinstance(method, ast.Attribute) and method.value is node and method.attr in ("values", "items") and
            isinstance(call, ast.Call) and call.func is method and not call.args and not call.keywords and
            isinstance(loop, (ast.For, ast.comprehension)) and loop.iter is call):
        return False
    target = loop.target
    if method.attr == "items":
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and
                all(isinstance(e, ast.Name) for e in target.elts)):
            return False
        target = target.elts[1]
    return depth == 0 or _bound_read_only(target, node.id, depth, parents, is_library)


def _tuples(value):
    """Whether ``value`` is a number, or a tuple written out of such (``(3, 4)``, a shape): immutable."""
    if isinstance(value, ast.Tuple):
        return all(_tuples(e) for e in value.elts)
    return number(value, arithmetic=True) is not None


def _dict_display(value, module):
    """``value``, or the display ``{"lr": 0.1}`` that the call ``dict(lr=0.1)`` of the builtin (no name
    ``dict`` bound by the module) builds from keywords alone."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
            and not value.args and value.keywords and all(k.arg is not None for k in value.keywords)):
        return value
    if any(isinstance(n, ast.Name) and n.id == "dict" and not isinstance(n.ctx, ast.Load) or
           isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == "dict" or
           isinstance(n, ast.alias) and (n.asname or n.name) == "dict" for n in walk(module)):
        return value
    keys = [ast.copy_location(ast.Constant(k.arg), k) for k in value.keywords]
    return ast.copy_location(ast.Dict(keys, [k.value for k in value.keywords]), value)


def _entry_read(node, keys, parents):
    """Whether the read ``node`` of a dict of numbers (its ``keys``) reads one of its numbers by a key it
    holds (``PARAMS["g"]``): nothing else leaves it as it is or reads it as a constant."""
    parent = parents.get(id(node))
    return isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load) and \
        isinstance(parent.slice, ast.Constant) and parent.slice.value in keys


def _read_only(node, depth, parents, is_library):
    """Whether the read ``node`` (of a value nesting lists ``depth`` deep) leaves the list as it is and
    lets no inner list escape."""
    if depth == 0:
        return True  # a number
    parent = parents.get(id(node))
    if isinstance(parent, ast.Subscript):
        if parent.value is node:  # A[i] holds what A does one level down; A[1:] the same inner lists
            inner = depth if isinstance(parent.slice, ast.Slice) else depth - 1
            return isinstance(parent.ctx, ast.Load) and _read_only(parent, inner, parents, is_library)
        return True  # used as an index: x[A]
    if isinstance(parent, ast.Tuple) and isinstance(parents.get(id(parent)), ast.Subscript) and \
            parents[id(parent)].slice is parent:
        return True  # an index among others: V[:, A]
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, (ast.BinOp, ast.UnaryOp)):
        return depth == 1  # (A * 2, A + B hold A's inner lists themselves)
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:  # (for lo, rate in A: numbers)
        return depth == 1 or depth == 2 and isinstance(parent.target, ast.Tuple) and \
            all(isinstance(e, ast.Name) for e in parent.target.elts) or \
            _bound_read_only(parent.target, getattr(node, "id", None), depth - 1, parents, is_library)
    if isinstance(parent, ast.keyword):
        parent = parents.get(id(parent))
        return isinstance(parent, ast.Call) and _library_call(parent, is_library)
    if isinstance(parent, ast.Call) and node in parent.args:
        if isinstance(parent.func, ast.Name) and parent.func.id in _SCALAR_BUILTINS:
            return True
        if isinstance(parent.func, ast.Name) and parent.func.id in _ELEMENT_BUILTINS:
            return depth == 1 or depth == 2 and _items_unpacked(node, parent, parents) or \
                _bound_read_only(_item_target(node, parent, parents), getattr(node, "id", None), depth - 1, parents, is_library)
        return _library_call(parent, is_library)
    return False


def _bound_read_only(target, literal, depth, parents, is_library):
    """Whether ``target``, a name a loop binds to each inner list of the literal list named ``literal``
    (``for m, alts in enumerate(NESTS)``, ``alts`` a list of indices), is bound in the function holding
    the loop by such loops alone and each read of it leaves that inner list as it is (``V[:, alts]``,
    ``len(alts)``)."""
    if not isinstance(target, ast.Name) or not isinstance(literal, str):
        return False
    scope = parents.get(id(target))
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        scope = parents.get(id(scope))
    if scope is None:
        return False
    for node in walk(scope):
        if isinstance(node, ast.Name) and node.id == target.id and node is not target and not (
                isinstance(node.ctx, ast.Load) and _read_only(node, depth, parents, is_library) or
                isinstance(node.ctx, ast.Store) and _bound_by_loop_over(node, literal, parents)):
            return False  # (bound again, deleted, or read otherwise: alts.append(3), a helper given it)
        if isinstance(node, (ast.Global, ast.Nonlocal)) and target.id in node.names or isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not scope and any(
                isinstance(a, ast.arg) and a.arg == target.id for a in walk(node.args)):
            return False
    return True


def _bound_by_loop_over(name, literal, parents):
    """Whether the bound ``name`` is (part of) the target of a loop over the literal list ``literal``
    (directly or through ``enumerate``, ``zip`` or ``reversed``), as a loop binding its items is."""
    node = name
    while isinstance(parents.get(id(node)), ast.Tuple):
        node = parents[id(node)]
    loop = parents.get(id(node))
    return isinstance(loop, (ast.For, ast.comprehension)) and loop.target is node and (
        isinstance(loop.iter, ast.Name) and loop.iter.id == literal or isinstance(loop.iter, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == literal for a in loop.iter.args) or
        isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Attribute) and
        loop.iter.func.attr in ("values", "items") and isinstance(loop.iter.func.value, ast.Name) and
        loop.iter.func.value.id == literal)  # (a module's dict of lists: GROUPS.values())


def _item_target(node, call, parents):
    """The name a loop over ``call`` (``enumerate``, ``zip`` or ``reversed`` of the list ``node``) binds to
    each of that list's items, or None."""
    loop = parents.get(id(call))
    if not (isinstance(loop, (ast.For, ast.comprehension)) and loop.iter is call) or call.keywords or \
            any(isinstance(a, ast.Starred) for a in call.args) or not isinstance(call.func, ast.Name):
        return None
    target, position = loop.target, call.args.index(node)
    if call.func.id == "enumerate" and position == 0:
        return target.elts[1] if isinstance(target, ast.Tuple) and len(target.elts) == 2 else None
    if call.func.id == "zip":
        return target.elts[position] if isinstance(target, ast.Tuple) and len(target.elts) == len(call.args) else None
    return target if call.func.id == "reversed" else None


def _items_unpacked(node, call, parents):
    """Whether the list of lists ``node``, given to ``zip``, ``enumerate`` or ``reversed`` (``call``) that a
    loop iterates, has each of its inner lists unpacked into names by the loop's target (``for k, (i, j) in
    enumerate(EDGES)``, ``for (i, j), w in zip(EDGES, ws)``): numbers only are read, no inner list escapes."""
    loop = parents.get(id(call))
    if not (isinstance(loop, (ast.For, ast.comprehension)) and loop.iter is call) or call.keywords or \
            any(isinstance(a, ast.Starred) for a in call.args):
        return False
    target, position = loop.target, call.args.index(node)
    if call.func.id == "enumerate":
        item = target.elts[1] if isinstance(target, ast.Tuple) and len(target.elts) == 2 and position == 0 else None
    elif call.func.id == "zip":
        item = target.elts[position] if isinstance(target, ast.Tuple) and len(target.elts) == len(call.args) \
            else None
    elif call.func.id == "reversed":
        item = target
    else:
        item = None
    return isinstance(item, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in item.elts)


def _library_call(call, is_library):
    """Whether ``call`` calls a NumPy or math function (``np.array(A)``, ``exp(A)`` imported so) that
    leaves its arguments as they are (``np.random.shuffle(A)`` reorders a list in place)."""
    func = call.func
    if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) in _WRITERS:
        return False
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and is_library(func.id)


def closure_lists(func, values, is_library):
    """``{name: literal}`` of the lists and tuples of numbers (at any depth up to 3, each an ``int`` or a
    ``float``, no boolean), and the dicts of such numbers by strings, that the def ``func`` reads from its closure (``values``: the closure's names
    and values, as they are now: ``shapes = list(zip(sizes[:-1], sizes[1:]))`` of a factory), written
    out as they are, where every read of the name in ``func`` leaves the list as it is as a module's
    literal list's must (the module doc), and ``func`` declares it neither ``nonlocal`` nor ``global``.
    The decorator keys its code on those values (``api._global_values``)."""
    if any(isinstance(n, (ast.Nonlocal, ast.Global)) for n in walk(func)):
        return {}
    reads = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id in values:
            reads.setdefault(node.id, []).append(node)
    found = {}
    parents = None
    for name, nodes in reads.items():
        value = values[name]
        entries = type(value) is dict and all(type(k) is str and type(v) in (int, float) for k, v in value.items())
        if not (entries or isinstance(value, (list, tuple)) and _plain_numbers(value, 0)):
            continue
        literal = ast.parse(repr(value), mode="eval").body
        depth = _depth(literal) if not entries else None
        keys = _number_dict(literal) if entries else None
        if depth is None and keys is None or any(not isinstance(n.ctx, ast.Load) for n in nodes):
            continue
        if parents is None:
            parents = {id(child): node for node in walk(func) for child in ast.iter_child_nodes(node)}
        if _tuples_only(value) or all(_entry_read(n, keys, parents) if entries else
                                      _read_only(n, depth, parents, is_library) for n in nodes):  # (a tuple of
            # numbers, v.reshape(shape), is never changed: any read leaves it as it is)
            found[name] = literal
    return found


def _tuples_only(value):
    return type(value) in (int, float) or type(value) is tuple and all(map(_tuples_only, value))


def _plain_numbers(value, depth):
    if type(value) in (int, float):
        return depth > 0
    return type(value) in (list, tuple) and depth < 3 and all(_plain_numbers(v, depth + 1) for v in value)


def put_literal_lists(func, literals):
    """``NAME = <literal>`` at the top of ``func`` for each literal list it reads and does not bind
    (see the module doc)."""
    own = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    own |= {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    reads = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in literals \
                and node.id not in own:
            first = reads.get(node.id)
            if first is None or (node.lineno, node.col_offset) < (first.lineno, first.col_offset):
                reads[node.id] = node
    if not reads:
        return
    lines = []
    for name in sorted(reads, key=lambda n: (reads[n].lineno, reads[n].col_offset)):
        value = tree_copy(literals[name])
        stmt = ast.Assign([ast.Name(name, ast.Store())], value)
        for part in walk(stmt):  # the first line reading it: where an error about it points
            part.lineno, part.col_offset = reads[name].lineno, reads[name].col_offset
            part.end_lineno, part.end_col_offset = reads[name].end_lineno, reads[name].end_col_offset
        lines.append(stmt)
    docstring = func.body and isinstance(func.body[0], ast.Expr) and isinstance(func.body[0].value, ast.Constant) \
        and isinstance(func.body[0].value.value, str)
    func.body[int(bool(docstring)):int(bool(docstring))] = lines


def tuples_as_lists(func):
    """Each tuple of numbers (or a tuple or list of tuples of numbers) that ``func`` gives a name, by the
    one statement binding it there (``NODES = (-0.77, 0.0, 0.77)``, ``data = [(-1.0, 0.2), (0.0, 0.45)]``,
    also as ``put_literal_lists`` puts a module's),
    written as the list it is read as, where every read of the name reads its numbers only: an index
    (``NODES[i]``, ``BRACKETS[i][1]``), a loop over it (``for lo, rate in BRACKETS``, also through ``zip``,
    ``enumerate`` or ``reversed`` unpacking each item into names), ``len``, ``zip``,
    ``sum`` and the like.  A tuple and a list read so give the same numbers, and backgen reads lists of
    numbers (a tuple joined, compared, returned or passed on stays a tuple, refused as before).  Returns
    whether it wrote one."""
    stores, tuples = bind_counts(func), {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.Tuple, ast.List)) and _depth(node.value) in (1, 2) and \
                any(isinstance(e, ast.Tuple) for e in walk(node.value)):  # (data = [(-1.0, 0.2), ...] too)
            tuples[node.targets[0].id] = node
    tuples = {name: stmt for name, stmt in tuples.items() if stores.get(name) == 1}
    if not tuples:
        return False
    parents = {id(child): parent for parent in walk(func) for child in ast.iter_child_nodes(parent)}
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in tuples and \
                not _numbers_read(node, _depth(tuples[node.id].value), parents):
            del tuples[node.id]
    for stmt in tuples.values():
        stmt.value = _as_list(stmt.value)
    return bool(tuples)


def _numbers_read(node, depth, parents):
    """Whether the read ``node`` of a tuple nesting ``depth`` deep reads its numbers only."""
    parent = parents.get(id(node))
    if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load) and \
            not isinstance(parent.slice, ast.Slice):
        return depth == 1 or _numbers_read(parent, depth - 1, parents)
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        return depth == 1 or isinstance(parent.target, ast.Tuple) and \
            all(isinstance(e, ast.Name) for e in parent.target.elts)
    if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name):
        return parent.func.id == "len" or depth == 1 and parent.func.id in ("zip", "enumerate", "reversed", "sorted",
                                                                            "sum", "min", "max") or \
            depth == 2 and parent.func.id in ("zip", "enumerate", "reversed") and _items_unpacked(node, parent, parents)
    return False


def _as_list(node):
    if isinstance(node, (ast.Tuple, ast.List)):
        return ast.copy_location(ast.List([_as_list(e) for e in node.elts], ast.Load()), node)
    return node


# functions of numbers that give a number, as a module's top level computes its constants with them
_NUMBER_FUNCTIONS = frozenset({
    "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos",
    "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "arcsinh", "arccosh", "arctanh", "radians", "degrees", "deg2rad", "rad2deg", "hypot", "pow", "power", "erf",
    "erfc", "gamma", "lgamma", "fabs", "copysign", "square", "float64"})  # (np.float64(0.5): that number)
_NUMBER_CONSTANTS = frozenset({"pi", "e", "tau", "inf"})


def fold_numbers(module, meaning):
    """Each number the top level of ``module`` computes with math's or NumPy's functions and constants
    from numbers written out (``LOG2PI = math.log(2 * math.pi)``, ``TWO_PI = 2 * np.pi``, ``NODES =
    [-math.sqrt(3 / 5), 0.0, math.sqrt(3 / 5)]``, ``HALF = np.float64(0.5)``) written as that number, in place, as Python computes
    it when the module is imported, a name bound once to such a number above read as it
    (``INV_SQRT_2PI = 1 / np.sqrt(TWO_PI)``); a module imported twice under one name (``import math``, written
    twice) means that module still.  ``meaning(name)`` is what a name means at the module's top level
    (``"math"``, ``"numpy"``, ``"math.sqrt"``), or None.  Other expressions are left as they are."""
    if not any(isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and
               any(isinstance(n, (ast.Attribute, ast.Name)) for n in walk(stmt.value)) for stmt in module.body):
        return  # (no top-level value reads a name: nothing of math's or NumPy's to fold)
    bindings = {}  # (a name the module binds twice may have meant another thing where it was read)
    imported = {}  # name -> what the imports binding it bind (import math twice: one meaning)
    for node in walk(module):
        names = [a.asname or a.name.split(".")[0] for a in node.names] if isinstance(
            node, (ast.Import, ast.ImportFrom)) else [node.name] if isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else [node.id] if isinstance(
            node, ast.Name) and not isinstance(node.ctx, ast.Load) else []
        for name in names:
            bindings[name] = bindings.get(name, 0) + 1
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                what = (alias.name if alias.asname else alias.name.split(".")[0]) if isinstance(node, ast.Import) \
                    else (node.module, node.level, alias.name)
                imported.setdefault(alias.asname or alias.name.split(".")[0], set()).add(what)
    for name, meanings in imported.items():
        if len(meanings) == 1 and _module_imports(module, name) == bindings.get(name):  # bound by the same
            bindings[name] = 1  # import alone, written twice

    def library(node):
        """The math or NumPy object ``node`` names (``math.sqrt``, ``np.pi``, ``sqrt`` imported), or SciPy's
        function of numbers (``norm.ppf``, ``scipy.special.ndtri``), or None."""
        scipy_function = _scipy_number_function(node, meaning, bindings)
        if scipy_function is not None:
            return scipy_function
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module_name, attr, name = meaning(node.value.id), node.attr, node.value.id
        elif isinstance(node, ast.Name):
            (module_name, _, attr), name = (meaning(node.id) or "").rpartition("."), node.id
        else:
            return None
        if bindings.get(name, 0) > 1:
            return None
        if module_name not in ("math", "numpy") or attr not in _NUMBER_FUNCTIONS | _NUMBER_CONSTANTS:
            return None
        return getattr(importlib.import_module(module_name), attr, None)

    def limit(node):
        """The number ``np.finfo(T).attr`` gives, ``T`` a float type written out (``np.finfo(float).eps``),
        or None (read as ``float_limits`` reads it in a function)."""
        if not (isinstance(node, ast.Attribute) and node.attr in float_limits.ATTRIBUTES and
                isinstance(node.value, ast.Call) and len(node.value.args) == 1 and not node.value.keywords):
            return None
        func, given = node.value.func, node.value.args[0]
        if not (isinstance(func, ast.Attribute) and func.attr == "finfo" and isinstance(func.value, ast.Name) and
                meaning(func.value.id) == "numpy" and bindings.get(func.value.id, 0) <= 1 or
                isinstance(func, ast.Name) and meaning(func.id) == "numpy.finfo" and bindings.get(func.id, 0) <= 1):
            return None
        if isinstance(given, ast.Constant) and isinstance(given.value, str):
            kind = float_limits.TYPES.get(given.value)
        elif isinstance(given, ast.Name) and given.id == "float" and "float" not in bindings:
            kind = np.float64
        elif isinstance(given, ast.Attribute) and isinstance(given.value, ast.Name) and \
                meaning(given.value.id) == "numpy" and bindings.get(given.value.id, 0) <= 1:
            kind = float_limits.TYPES.get(given.attr)
        else:
            kind = None
        return None if kind is None else _computed(lambda: getattr(np.finfo(kind), node.attr))

    known = {}  # the numbers names the module binds once were given above (TWO_PI = 2 * np.pi)

    def value(node):
        """The number ``node`` computes, or None where it is not such a number."""
        if isinstance(node, ast.Constant):
            return node.value if type(node.value) in (int, float) else None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in known:
            return known[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = value(node.operand)
            return None if operand is None else -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = value(node.left), value(node.right)
            if left is None or right is None:
                return None
            return _computed(lambda: _OPERATORS[type(node.op)](left, right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):  # (of floats: no huge integers)
            left, right = value(node.left), value(node.right)
            if left is None or right is None or type(left) is int and type(right) is int:
                return None
            return _computed(lambda: left ** right)
        if limit(node) is not None:
            return limit(node)
        constant = library(node)
        if constant is not None and not callable(constant):
            return _computed(lambda: constant)
        if isinstance(node, ast.Call) and not node.keywords and node.args and callable(library(node.func)):
            args = [value(a) for a in node.args]
            if None in args:
                return None
            return _computed(lambda: library(node.func)(*args))
        return None

    class Fold(ast.NodeTransformer):
        def generic_visit(self, node):
            if isinstance(node, ast.expr) and any(library(n) is not None or limit(n) is not None
                                                  for n in walk(node)):
                number = value(node)
                if number is not None:
                    return ast.copy_location(ast.Constant(number), node)
            return super().generic_visit(node)
    for stmt in module.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            stmt.value = Fold().visit(stmt.value)
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else \
                getattr(stmt, "target", None)
            if isinstance(target, ast.Name) and bindings.get(target.id, 0) == 1:  # (INV = 1 / np.sqrt(TWO_PI)
                number = value(stmt.value)  # reads it)
                if number is not None:
                    known[target.id] = number
    _fold_sizes(module, bindings)


def _module_imports(module, name):
    """How many imports anywhere in ``module`` bind ``name``."""
    return sum((alias.asname or alias.name.split(".")[0]) == name for node in walk(module)
               if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names)


def _fold_sizes(module, bindings):
    """The layers' shapes and the count of weights the top level of ``module`` computes from a list of
    integers written out, as autograd's examples do: ``shapes = list(zip(sizes[:-1], sizes[1:]))`` (also
    ``tuple(...)``, of two such lists or slices of them by integers written out) written as the list of
    pairs it is, and ``num_weights = sum((m + 1) * n for m, n in shapes)`` (integer arithmetic of the
    names the loop unpacks each item into, or binds each integer to) as the integer: lists the functions
    then read as any written out.  Each name read is bound once in the module, above, to such a list;
    anything else is left as it is."""
    known = {}
    for stmt in module.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and bindings.get(stmt.targets[0].id, 0) == 1):
            continue
        name, node = stmt.targets[0].id, stmt.value
        if _int_literal(node):
            known[name] = ast.literal_eval(node)
            continue
        folded = _zipped_sizes(node, known, bindings)
        if folded is None:
            folded = _summed_sizes(node, known, bindings)
        if folded is not None:
            stmt.value = ast.copy_location(_sizes_written(folded), node)
            for sub in walk(stmt.value):
                ast.copy_location(sub, node)
            known[name] = folded


def _builtin_call(node, names, bindings):
    """Whether ``node`` calls one of the builtins ``names`` (the module binding none of them otherwise)
    with positional arguments alone."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and \
        bindings.get(node.func.id, 0) == 0 and not node.keywords and \
        not any(isinstance(a, ast.Starred) for a in node.args)


def _known_ints(node, known):
    """The list of integers ``node`` is: a name ``known`` binds to one, or a slice of it by integers."""
    if isinstance(node, ast.Name) and isinstance(known.get(node.id), (list, tuple)) and \
            all(type(v) is int for v in known[node.id]):
        return list(known[node.id])
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        base = _known_ints(node.value, known)
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        if base is None or not all(p is None or _int_literal(p) for p in parts):
            return None
        bounds = [None if p is None else ast.literal_eval(p) for p in parts]
        return None if bounds[2] == 0 else base[slice(*bounds)]
    return None


def _zipped_sizes(node, known, bindings):
    """``list(zip(a, b))`` (or ``tuple``) of lists of integers ``_known_ints`` reads: the list of pairs."""
    if not (_builtin_call(node, ("list", "tuple"), bindings) and len(node.args) == 1 and
            _builtin_call(node.args[0], ("zip",), bindings) and node.args[0].args):
        return None
    columns = [_known_ints(a, known) for a in node.args[0].args]
    if None in columns:
        return None
    pairs = list(zip(*columns))
    return pairs if node.func.id == "list" else tuple(pairs)


def _summed_sizes(node, known, bindings):
    """``sum(e for m, n in pairs)`` (or ``for n in sizes``) of a list ``known`` holds, ``e`` integer
    arithmetic (``+ - * //``) of the names the loop binds and integers: that integer."""
    if not (_builtin_call(node, ("sum",), bindings) and len(node.args) == 1 and
            isinstance(node.args[0], (ast.GeneratorExp, ast.ListComp)) and len(node.args[0].generators) == 1):
        return None
    loop = node.args[0].generators[0]
    items = known.get(loop.iter.id) if isinstance(loop.iter, ast.Name) else None
    if not isinstance(items, (list, tuple)) or loop.ifs or loop.is_async:
        return None
    if isinstance(loop.target, ast.Name) and all(type(v) is int for v in items):
        names = [loop.target.id]
        rows = [(v,) for v in items]
    elif isinstance(loop.target, ast.Tuple) and all(isinstance(e, ast.Name) for e in loop.target.elts) and all(
            isinstance(v, (list, tuple)) and len(v) == len(loop.target.elts) and all(type(x) is int for x in v)
            for v in items):
        names = [e.id for e in loop.target.elts]
        rows = [tuple(v) for v in items]
    else:
        return None
    element = node.args[0].elt
    for n in walk(element):  # (integers only: no list repeated, no call, no other name)
        if not (isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.USub,
                               ast.Load)) or isinstance(n, ast.Constant) and type(n.value) is int or
                isinstance(n, ast.Name) and n.id in names):
            return None
    code = compile(ast.Expression(element), "<sizes>", "eval")
    try:
        return sum(eval(code, {"__builtins__": {}}, dict(zip(names, row))) for row in rows)
    except ArithmeticError:
        return None


def _int_literal(node):
    """Whether ``node`` is an integer, or a list or tuple (at any depth) of integers, written out."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_int_literal(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _int_literal(node.operand)
    return isinstance(node, ast.Constant) and type(node.value) is int


def _sizes_written(value):
    """The literal of an integer, or of a list or tuple of them (or of such tuples)."""
    if type(value) is int:
        return ast.Constant(value) if value >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return (ast.List if type(value) is list else ast.Tuple)([_sizes_written(v) for v in value], ast.Load())


# SciPy's functions of a number a module's top level computes its constants with (Z99 = norm.ppf(0.99))
_SCIPY_NUMBER_FUNCTIONS = frozenset(
    [f"scipy.special.{name}" for name in ("ndtr", "ndtri", "log_ndtr", "erf", "erfc", "erfinv", "erfcinv", "expit",
                                          "logit", "gammaln")] +
    [f"scipy.stats.norm.{name}" for name in ("ppf", "isf", "cdf", "sf", "pdf", "logpdf", "logcdf", "logsf")])


def _scipy_number_function(node, meaning, bindings):
    """SciPy's function of numbers ``node`` names (``norm.ppf``, ``st.norm.ppf``, ``ndtri`` imported from
    ``scipy.special``), found by the meaning of the name it starts with, or None."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or bindings.get(node.id, 0) > 1 or \
            not str(meaning(node.id) or "").startswith("scipy."):
        return None
    dotted = ".".join([meaning(node.id)] + attributes)
    if dotted not in _SCIPY_NUMBER_FUNCTIONS:
        return None
    owner, _, name = dotted.rpartition(".")
    try:
        if owner == "scipy.stats.norm":
            return getattr(importlib.import_module("scipy.stats").norm, name)
        return getattr(importlib.import_module(owner), name)
    except (ImportError, AttributeError):
        return None


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _computed(compute):
    """``compute()`` as a float, or None where it fails (a domain error, a division by zero) or is not
    a finite real number."""
    try:
        number = float(compute())
    except (ArithmeticError, ValueError, TypeError):
        return None
    return number if math.isfinite(number) else None
