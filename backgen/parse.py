"""Read a forward function's source and fence off what backgen cannot handle.

Contract: ``read(func_or_source, name=None) -> Forward``.

* A function object is read with ``inspect``; a string must hold at least one
  ``def`` (``name`` picks one when there are several).  User code is never
  executed.
* ``Forward.func`` is the ``ast.FunctionDef`` with decorators removed and line
  and column numbers moved to the user's file, so every later error can point
  at the user's line.
* ``Forward.env`` maps each free name the function may use to what it means:
  ``"math"`` or ``"numpy"`` for a module, ``"math.exp"`` for a function taken
  from one, ``"abs"``/``"max"``/``"min"``/``"pow"`` for the builtins.
* Imports and ``def``s at the top of the body are lifted to module level
  (``nested``): a nested function becomes a helper taking its closure.
* The fence raises ``BackgenError`` at the first construct outside the
  supported subset, naming it.
"""

import __future__
import ast
import itertools
import operator
import statistics
import builtins
import codecs
import contextlib
import copy
import contextvars
import dis
import enum
import functools
import inspect
import io
import linecache
import math
import os
import sys
import sysconfig
import textwrap
import tokenize
import types
import typing
from dataclasses import dataclass, field, replace as dataclasses_replace

import numpy

from . import complexes, held_objects, kept_reads, objects, siblings
from .methods import attribute_stores
from . import getattr_calls, grown_arrays, partial_calls, signature_spread, tuple_lists
from .errors import BackgenError, NoSourceError
from .desugar import desugar
from .literals import closure_lists, fold_numbers, literal_lists, put_literal_lists, rebound_globals, tuples_as_lists
from .nested import Nested, lift
from . import (attribute_reads, bound_calls, broadcasts, combinations, correlations, defaults, dict_arguments,
               dict_calls, dict_spread, dispatch, distances, divmods, eigenvalues, entry_writes, factories,
               filled_lists, filters, float_limits, folds, function_aliases, generators, grids, higher_order,
               image_filters, index_tricks, integrals, iterables, key_calls, keyword_reads, list_calls,
               masked_reductions, masked_ufuncs, math_calls, modern_syntax, named_entries, number_tables, orders,
               outers, partials, physical_constants, polyfits, quantiles, rotations, scipy_calls, scipy_linalg,
               scipy_optimize, selects, settings_displays, shape_tuples, signals, signed, softplus, sorted_calls,
               spectra, starred, statistics_calls, step_bodies, trys, varargs, vectorized, view_targets)
from . import slice_lists
from .cache import dict_made, output_roles, returned_dicts
from .scipy_calls import DISTRIBUTIONS, SCIPY_PACKAGES, SCIPY_SPECIAL, SCIPY_STATS, stats_meaning
from .scipy_linalg import SCIPY_LINALG, linalg_meaning
from .kept_state import hand_back
from .source import bind_counts, bound_arguments, census, defaults_of, ends_in, fresh_names, name_ids as source_names, \
    number, numerals, parts_list, rewrite_statements, spelled, spelling, text_cache, walk
from .sentinels import decide_none_tests
from .tidy import tidy
from .source import tree_copy, names_of

MODULES = {"math": math, "numpy": numpy}
NUMPY_LIKE = ("autograd.numpy", "jax.numpy")  # NumPy's functions under other modules' names: read as NumPy
LINALG_LIKE = ("numpy.linalg", "autograd.numpy.linalg", "jax.numpy.linalg")  # (np.linalg's functions so too)
SCIPY_INTEGRATE = ("scipy.integrate", "jax.scipy.integrate")
SCIPY_INTEGRATE_AS_NUMPY = {"trapezoid": "numpy.trapezoid",  # (scipy's trapezoid(y, x=None, dx=1.0, axis=-1): NumPy's)
                            "cumulative_trapezoid": "scipy.integrate.cumulative_trapezoid"}  # (integrals writes it)
NUMPY_POLYNOMIALS = tuple(f"numpy.polynomial.{kind}" for kind in (
    "polynomial", "chebyshev", "legendre", "laguerre", "hermite", "hermite_e"))
BUILTINS = ("abs", "max", "min", "pow", "sum", "len", "int", "float", "range", "round", "bool")
DEFAULT_ENV = {"math": "math", "np": "numpy"}


@dataclass(frozen=True)
class Forward:
    """A fenced forward function, ready for staging."""

    func: ast.FunctionDef
    filename: str
    lines: tuple
    env: dict
    helpers: dict = field(default_factory=dict)  # name -> the user's function it may call
    placeholders: dict = field(default_factory=dict)  # name -> line of the `name = None` left out
    constants: dict = field(default_factory=dict)  # module-level number -> its source (EPS = 1e-8)
    spellings: dict = field(default_factory=dict)  # module-level number -> the literal the user wrote (1e-8)
    literals: dict = field(default_factory=dict)  # module-level list of numbers -> its literal (an AST)
    inlined: dict = field(default_factory=dict)  # a helper's parameter read as the function it defaults to
    numerals: dict = field(default_factory=dict)  # Python's text of a number the function writes -> the user's
    aliases: dict = field(default_factory=dict)  # a name of the module bound to one of its functions -> its def's name
    wrapped: dict = field(default_factory=dict)  # a function of the module another decorator wraps -> that decorator
    fixed_defaults: tuple = ()  # (parameter, integer): parameters read as a static argument (np.sum(x, axis=axis)),
    # the code written for their defaults (def f(x, axis=-1)), which the backward checks it is given
    own_methods: dict = field(default_factory=dict)  # a method's calls of the object's methods -> what its class holds
    closure: frozenset = frozenset()  # the names a live function reads from the function it is defined in
    unfollowed: dict = field(default_factory=dict)  # a class of the module the function calls, whose objects
    # backgen does not follow -> why (said where such a call is refused)
    held_objects: dict = field(default_factory=dict)  # attribute -> class: objects a live method's object holds,
    # whose methods it calls (self.fc1(x)), read as calls of helpers (held_objects)
    held_callables: set = field(default_factory=set)  # what a live method calls on self that its class lacks
    # (self.fc1(x), an object the instance holds): said so where refused
    function_defaults: dict = field(default_factory=dict)  # parameter -> (default's text, function's name):
    # parameters defaulting to a function (act=np.tanh), read as it; the backward checks it is given that one;
    # with "given" after them, a function the decorated function is called with (given_functions)
    counted: set = field(default_factory=set)  # names given as the counts of SciPy's discrete distributions
    # (poisson.logpmf(y, mu), binom's n): integers given them are data, as labels are
    attribute_params: dict = field(default_factory=dict)  # parameter -> (the attributes read of it, those read
    # without hasattr or a default): objects read by attribute (cfg.reg), read as dicts by key (attribute_reads)

    @functools.cached_property
    def settings(self):
        """The parameters used as dictionaries of settings (``stage.config_params`` of the function
        as read, which nothing changes after: worked out once), and those it only hands on whole to its
        helpers' settings (``out, cache = layer(x, w, cfg)``, a ``cfg`` the layer reads by key)."""
        from .stage import config_params  # the stager's own rule
        own = config_params(self.func, self.nodes)
        return own | _handed_settings(self, own)

    @functools.cached_property
    def nodes(self):
        """Every node of the function as read but contexts and operators (``source.parts_list``, in
        its order), listed once: read, never changed (``read`` sets it where its census walked the
        function as read)."""
        return tuple(parts_list(self.func))

    def __deepcopy__(self, memo):
        """``copy.deepcopy``'s copy (each field, and what is remembered of them, copied deeply), its trees
        copied by ``source.tree_copy``."""
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(tree_copy(self.__dict__, memo))
        return new

    def error(self, message, node=None):
        """A BackgenError pointing at ``node`` (or at the ``def`` line)."""
        node = node if node is not None else self.func
        return error_at(message, self.filename, self.lines, node)


def error_at(message, filename, lines, node):
    lineno = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    text = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else None
    return BackgenError(message, filename, lineno, None if col is None else col + 1, text)


_TRIES = frozenset({ast.Try, getattr(ast, "TryStar", ast.Try)})
_CALL_REWRITERS = (softplus, signed, orders, grids, vectorized, distances, rotations, scipy_optimize, integrals, signals,
                   spectra, filters, image_filters, selects, outers, broadcasts, masked_reductions, quantiles,
                   eigenvalues, correlations, polyfits, masked_ufuncs, statistics_calls, math_calls, divmods,
                   float_limits, key_calls, sorted_calls, list_calls, dict_calls, index_tricks,
                   partials, slice_lists)  # (in this order: a later one may rewrite what an earlier wrote)


def read(func_or_source, name=None, filename=None, helper=False):
    """Parse and fence a forward function given as a function or as source text.

    Source may be ``str`` or ``bytes`` (decoded as Python decodes a file: a
    UTF-8 byte-order mark or a coding declaration, UTF-8 otherwise).  A helper
    (``helper``: a function the one differentiated calls) has its last
    parameters defaulting to functions (``nonlinearity=np.tanh``) made those
    functions (``_inline_function_defaults``).  Within a generation, a function
    read again is a copy of the first read (``kept_reads``).
    """
    kept = kept_reads.key(func_or_source, name, filename, helper, (SELF_CLASS.get(), SELF_HELD.get()))
    forward = kept_reads.found(kept, func_or_source)
    if forward is None:
        forward = _read(func_or_source, name, filename, helper)
        kept_reads.remember(kept, func_or_source, forward)
    return forward


def _read(func_or_source, name, filename, helper):
    """``read``, reading the function anew."""
    forward, key = _as_read(func_or_source, name, filename)
    if helper and isinstance(func_or_source, types.FunctionType) and module_arrays_read(func_or_source):
        forward.func.args.args[:0] = [ast.copy_location(ast.arg(n), forward.func)  # (passed by each call:
                                      for n in module_arrays_read(func_or_source)]  # _module_arrays_passed)
    forward.numerals.update(numerals(forward.func, forward.lines))  # (as read: 1e-8, before any rewriting)
    modern_syntax.rewrite(forward.func, forward.error)  # (match on a setting: the if chain; n := v: n = v before)
    if any(meaning == "typing.cast" or meaning == "typing" for meaning in forward.env.values()):
        modern_syntax.casts(forward.func, forward.env.get)  # (typing.cast(np.ndarray, v): v)
    from . import methods  # (a method's self.output = ..., then read: a name of its own; imported where needed)
    methods.kept_as_names(forward.func)
    _list_targets_as_tuples(forward.func)  # ([W_xi, W_hi, b_i] = params, as d2l unpacks: the tuple target)
    _underscore_named(forward.func)  # (h, _ = pair(x), then _ read: a name of its own)
    found = attribute_reads.rewrite(forward.func, lambda name: _helper_objects(forward, name))  # (cfg.reg of
    forward.attribute_params.update((name, (attributes, required))  # a dataclass given as cfg: read as
                                    for name, attributes, required in found)  # cfg['reg'], the dict of those read)
    if not isinstance(forward.func, ast.AsyncFunctionDef):
        kinds = census(forward.func)[0]  # (the classes as read: a pass for nodes none of the passes makes skips)
        if not kinds.isdisjoint(_TRIES):
            trys.rewrite(forward)
        if ast.Global in kinds:
            _read_only_globals(forward.func)
        if any(isinstance(value, ast.Dict) for value in forward.literals.values()):  # (PARAMS = {"g": 9.81} at
            put_literal_lists(forward.func, {name: value for name, value in forward.literals.items()  # module
                                             if isinstance(value, ast.Dict)})  # level: its entries named next)
        if forward.helpers and (ast.Dict in kinds or ast.Call in kinds):  # (saxpy({"a": a, "x": x}): a copy
            dict_arguments.rewrite(forward, read_plain)                     # of the helper taking the entries)
            dict_arguments.named(forward, read_plain)  # (bn_forward(a, g, b, {"mode": "train"}): the dict named)
        named_entries.rewrite(forward.func)
        if ast.ListComp in kinds:  # (R = [[math.inf] * (m + 1) for _ in range(n + 1)], R[i][j]: the array)
            number_tables.rewrite(forward.func, next((n for n, v in forward.env.items() if v == "numpy"), None))
        if ast.For in kinds or ast.While in kinds:  # (xs = np.append(xs, x) at each step: a list of the parts)
            grown_arrays.rewrite(forward.func, forward.env)
        if ast.Tuple in kinds and ast.List in kinds:  # (traj = [(S, I, R)]: then an append of each tuple)
            tuple_lists.rewrite(forward.func)
        if ast.BoolOp in kinds:
            _boolean_flags(forward.func)
            _boolean_values(forward.func)
        if ast.Call in kinds and any(isinstance(n, ast.Name) and n.id == "map" for n in walk(forward.func)):
            iterables.maps(forward.func, "map" in forward.env or "map" in forward.helpers or
                           "map" in forward.constants)  # (map(f, xs): the generator expression it is)
            kinds = census(forward.func)[0]
        if ast.For in kinds or ast.comprehension in kinds:
            iterables.unwrap(forward.func)
            iterables.products(forward)
        if ast.Starred in kinds:
            starred.rewrite(forward.func)
            if forward.helpers:  # (g(*pair(x)), t = pair(x) then g(*t): the items of the tuple pair returns)
                starred.spread_returns(forward.func, lambda name: _tuple_length(forward, name))
            if forward.helpers:  # (model(t, *theta) of def model(t, a, b), mlp(x, *params): the items its
                signature_spread.rewrite(forward, read_plain)  # parameters take)
            starred.spread(forward.func, forward.env)
            starred.joined_shapes(forward.func)
            starred.joined_lists(forward.func)
        if forward.helpers:  # (partial(rhs, a=a) of def rhs(y, t, a): lambda y, t: rhs(y, t, a=a), lifted next)
            partial_calls.rewrite(forward, read_plain)
        forward.helpers.update(lift(forward, _bind_import))
        if forward.helpers:  # (relu_(h), a helper writing into h and returning nothing: none without helpers)
            _nothing_returned_inlined(forward)
        factories.rewrite(forward, read_plain)
        if forward.helpers:  # (helpers taking *args, or spreading a tuple given them: none without helpers)
            dict_spread.rewrite(forward, read_plain)  # (linear(x, **c_fc): the keywords the dict gives)
            varargs.specialize(forward, read_plain)
            varargs.spread_tuples(forward, read_plain)
        generators.inline(forward, read_plain)
        if forward.helpers:  # (functions passed to helpers: none without helpers)
            higher_order.specialize(forward, read_plain)
        scipy_calls.rewrite(forward)
        physical_constants.rewrite(forward)
        combinations.rewrite(forward)
        bound_calls.rewrite(forward)
        folds.rewrite(forward)
        words = spelled(forward.func)  # (one walk: each pass below runs where a name it rewrites is)
        if "setdefault" in words:
            defaults.rewrite(forward.func)
            words = spelled(forward.func)
        if any(str(meaning).startswith(("scipy", "autograd", "jax")) for meaning in forward.env.values()):
            scipy_linalg.rewrite(forward)
            words = spelled(forward.func)
        for rewriter in _CALL_REWRITERS:
            if not rewriter.SPELLED.isdisjoint(words) or any(
                    str(meaning).rpartition(".")[2] in rewriter.SPELLED for meaning in forward.env.values()):
                rewriter.rewrite(forward)  # (from numpy import select as pick: spelled pick)
                words = spelled(forward.func)
        _write_add_at(forward)
        entry_writes.rewrite(forward.func)  # (xs[t] = np.zeros(V); xs[t][i] = 1: written before it is put)
        view_targets.rewrite(forward.func)  # (y.T[0] = v: the view named, its write followed as a name's)
        if forward.helpers:  # (calls of the user's functions: none without them)
            _helper_calls_assigned(forward)
            _structured_returns_inlined(forward)
            _structured_arguments_inlined(forward)
            _none_tested_helpers_inlined(forward)
            _slice_helpers_inlined(forward)
            _function_factories_inlined(forward)
        if "max" in words or "min" in words:
            _extremes_of_parameters(forward)
        if ast.For in kinds and (ast.List in kinds or ast.ListComp in kinds):
            filled_lists.rewrite(forward.func)  # (hs = [None] * T filled by hs[t] = h: the list appended to)
        if ast.List in kinds or forward.helpers:  # ([c] * n: a list the user wrote, or a helper written out)
            _repeated_lists(forward)
    _drop_argument_checks(forward.func)
    names = nodes = None
    if not isinstance(forward.func, ast.AsyncFunctionDef):
        if forward.literals:  # B = [1 / 6, 1 / 3] at module level, read here
            put_literal_lists(forward.func, forward.literals)
        kinds, names, nodes = census(forward.func)  # (one walk: what tidying and desugaring adds nothing to)
        if not helper and ast.DictComp in kinds and _reported_comprehensions_emptied(forward.func):
            kinds, names, nodes = census(forward.func)  # (grads = {k: ... for k in params} beside the loss: {},
            # before desugaring would write it as the loop filling it)
        if (ast.Tuple in kinds or ast.Starred in kinds) and ast.BinOp in kinds and shape_tuples.rewrite(forward.func):
            kinds, names, nodes = census(forward.func)  # (out.reshape(b, *((1,) * k)): a list of the sizes)
        if ast.Tuple in kinds and tuples_as_lists(forward.func):
            kinds, names, nodes = census(forward.func)
        body, sugar = list(forward.func.body), not kinds.isdisjoint(_SUGAR)
        if ast.Compare in kinds and decide_none_tests(forward.func):  # (acc = None, then if acc is None: in a
            kinds, names, nodes = census(forward.func)                 # loop: decided, the tree walked again)
        forward.placeholders.update(tidy(forward.func, forward.error, loops=ast.For in kinds, names=names,
                                         nodes=nodes))
        if not sugar and any(n.__class__ is ast.Call and n.keywords for n in nodes):  # (np.maximum(h, 0, h): its
            sugar = True  # output given by position, made out=h by tidying, which desugaring writes as h[...] = ...)
        desugar(forward.func, forward.error, maybe=sugar)
        if ast.NamedExpr in kinds:  # ([y for v in xs if (y := v * v) > 0]: its condition an if test now)
            modern_syntax.named_expressions(forward.func, forward.error)
        if sugar or forward.func.args.kwonlyargs or not _same_statements(forward.func.body, body):
            nodes = None  # (the tree walked has changed, or fencing changes its parameters)
    if helper:
        _inline_function_defaults(forward)
    elif _main_function_defaults(forward) or _reported_comprehensions_emptied(forward.func):
        nodes = None
    _constant_defaults(forward)
    if not helper and step_bodies.rewrite(forward):  # (a layer's step written inline: the step layer it is)
        nodes = None
    fence(forward, main=not helper)
    _refuse_recursion(forward, key, names)
    if nodes is not None:  # the nodes of the function as read: those the census walked
        forward.__dict__["nodes"] = tuple(nodes)
    return forward


def _read_only_globals(func):
    """``global NAME`` statements of ``func`` naming only names it never binds left out: it reads the
    module's ``NAME`` with or without them (one binding a name is left, and refused)."""
    bound = rebound_globals(func)
    if not any(isinstance(n, ast.Global) for n in walk(func)):
        return

    def block(stmts):
        out = [s for s in stmts if not (isinstance(s, ast.Global) and not set(s.names) & bound)]
        for stmt in out:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt) and \
                        not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    setattr(stmt, field, block(inner) or [ast.copy_location(ast.Pass(), stmt)])
        return out or [ast.copy_location(ast.Pass(), stmts[0])]
    func.body = block(func.body)


def _as_read(func_or_source, name=None, filename=None):
    """``(forward, key)``: the function as its source reads, nothing rewritten or fenced yet."""
    if isinstance(func_or_source, (bytes, bytearray)):
        func_or_source = decode_source(bytes(func_or_source), filename or "<string>")
    if isinstance(func_or_source, str):
        source = _checked_text(func_or_source, filename or "<string>")
        try:
            forward = _read_source(source, name, filename or "<string>")
        except BackgenError:
            if filename is None and _file_name(source):
                raise BackgenError(f"{source.strip()!r} is a file name: backgen.generate takes the source text "
                                   f"(backgen.generate(open({source.strip()!r}).read())), or run backgen "
                                   f"{source.strip()} on the command line", "<string>", 1, 1, source.strip()) from None
            raise
        key = _source_key(source, forward.func.name)
    elif isinstance(func_or_source, (types.FunctionType, types.MethodType)):
        func = getattr(func_or_source, "__func__", func_or_source)  # a bound method: its function (self first)
        forward = _read_function(func)
        key = id(func)
    elif isinstance(func_or_source, Nested):  # a function defined inside another, made a helper
        nested = func_or_source
        forward = Forward(tree_copy(nested.func), nested.filename, nested.lines, dict(nested.env),
                          dict(nested.helpers), constants=dict(nested.constants), literals=dict(nested.literals))
        key = id(nested)
    else:
        hint = f" (a path: pass its text, {func_or_source!r}.read_text())" if isinstance(func_or_source, os.PathLike) \
            else ""
        raise TypeError(
            "backgen needs a Python function or a string of source code, "
            f"not {type(func_or_source).__name__}{hint}"
        )
    return forward, key


def _file_name(text):
    """Whether source text that holds no function is a file's name (``"model.py"``, passed for its text)."""
    text = text.strip()
    return bool(text) and "\n" not in text and (text.endswith((".py", ".pyw")) or os.path.isfile(text))


def _tuple_length(forward, name):
    """The number of items of the tuple each ``return`` of the helper ``name`` writes out (``return h,
    h.sum()``: 2), none of them starred; None where a return is otherwise, or the helper is none."""
    if name not in forward.helpers:
        return None
    helper = read_plain(forward, name)
    if helper is None or not isinstance(helper.func, ast.FunctionDef):
        return None
    returns = [node for node in walk(helper.func) if isinstance(node, ast.Return)]
    nested = [node for node in walk(helper.func) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                           ast.Lambda)) and node is not helper.func]
    sizes = {len(r.value.elts) if isinstance(r.value, ast.Tuple) and not any(
        isinstance(e, ast.Starred) for e in r.value.elts) else None for r in returns}
    return sizes.pop() if len(sizes) == 1 and not nested and None not in sizes else None


def _helper_objects(forward, name, depth=0):
    """``(parameters, {parameter: (attributes, required)})`` of the module's function ``name`` that ``forward``
    calls: its parameters read by attribute alone (``attribute_reads.objects``, three calls deep at most);
    None where it is none of the module's functions or cannot be read."""
    plain = read_plain(forward, name) if name in forward.helpers and depth < 3 else None
    if plain is None:
        return None
    arguments = plain.func.args
    return ([a.arg for a in arguments.posonlyargs + arguments.args],
            attribute_reads.objects(plain.func, lambda inner: _helper_objects(plain, inner, depth + 1)))


def read_plain(forward, name):
    """The helper ``name`` of ``forward`` as its source reads, nothing rewritten or fenced (None where it
    cannot be read so)."""
    value, filename = forward.helpers[name], None
    if isinstance(value, tuple):
        value, filename = value
    try:
        return _as_read(getattr(value, "__wrapped__", value), name=name, filename=filename)[0]
    except (BackgenError, TypeError, OSError):
        return None


def _same_statements(body, before):
    """Whether ``body`` is the list of statements ``before`` (the same objects), each a simple one:
    tidying (which rewrites statements by replacing them, and blocks only within them) left the
    tree as it was."""
    return len(body) == len(before) and all(map(operator.is_, body, before)) and \
        _SIMPLE_STATEMENTS.issuperset(map(type, body))


_SIMPLE_STATEMENTS = frozenset({ast.Assign, ast.AugAssign, ast.Return, ast.Expr, ast.Pass})


def _extremes_of_parameters(forward):
    """In code calling no NumPy, ``max(xs)`` and ``min(xs)`` of a parameter (a list of numbers) written
    ``max([v for v in xs])``: the same builtin over the same items, the first largest (smallest) one
    returned, of a list the function builds, whose gradient backgen follows."""
    params = {a.arg for a in forward.func.args.args}
    if any((forward.env.get(name) or "").startswith("numpy") for name in source_names(forward.func)):
        return  # (NumPy code: of an array, np.max(x) is meant, and the error says so)

    class Extremes(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id in ("max", "min") and \
                    forward.env.get(node.func.id) == node.func.id and len(node.args) == 1 and not node.keywords \
                    and isinstance(node.args[0], ast.Name) and node.args[0].id in params:
                item = _fresh_item(forward.func)
                items = ast.ListComp(ast.Name(item, ast.Load()), [ast.comprehension(
                    ast.Name(item, ast.Store()), node.args[0], [], 0)])
                node.args = [ast.copy_location(items, node.args[0])]
                for sub in walk(items):
                    ast.copy_location(sub, node.args[0])
            return node
    Extremes().visit(forward.func)


def _repeated_lists(forward):
    """``[c] * n`` (or ``n * [c]``) of a count not written as a number (``[coupon] * (n - 1)``) written
    ``[c for _ in range(n)]``, where ``c`` is a name: the same object n times, as Python's repetition
    holds it (a value computed there, ``[x * 2.0] * n``, would be n objects, arrays of their own)."""
    def plain(node):
        return all(isinstance(n, (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop,
                                  ast.Load)) for n in walk(node))

    class Repeated(ast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if not isinstance(node.op, ast.Mult):
                return node
            items, count = (node.left, node.right) if isinstance(node.left, ast.List) else (node.right, node.left)
            if not (isinstance(items, ast.List) and len(items.elts) == 1 and isinstance(items.elts[0], ast.Name)) \
                    or isinstance(count, (ast.List, ast.Constant)) or not plain(count):
                return node
            item = _fresh_item(forward.func)
            counter = ast.Call(ast.Name("range", ast.Load()), [count], [])
            made = ast.ListComp(items.elts[0], [ast.comprehension(ast.Name(item, ast.Store()), counter, [], 0)])
            for sub in walk(made):
                ast.copy_location(sub, node)
            return made
    Repeated().visit(forward.func)


def _fresh_name(func, base):
    """A name the function does not use: ``base``, else ``base`` numbered."""
    used = source_names(func) | {a.arg for a in func.args.args}
    name, k = base, 0
    while name in used:
        k += 1
        name = f"{base}{k}"
    return name


def _fresh_item(func):
    """A name the function does not use, for the item of a comprehension written in it."""
    return _fresh_name(func, "item")


# The ufuncs whose unbuffered ``at`` a forward may call, and the helper of ``backgen.runtime`` each is written as.
_UFUNCS_AT = {"add": "_added_at", "subtract": "_added_at", "maximum": "_maximum_at", "minimum": "_minimum_at"}


def _write_add_at(forward):
    """``np.add.at(a, indices, b)``, which adds b into a at the indices (each time one repeats), as
    the write into ``a`` it is: ``a[...] = _added_at(a, indices, b)``, ``_added_at`` a helper of
    ``backgen.runtime`` (the rule ``np._added_at``), so that names sharing a's memory see the write;
    ``np.subtract.at(a, indices, b)`` likewise adds ``np.negative(b)``, and ``np.maximum.at`` and
    ``np.minimum.at`` (a segment's largest or smallest element, as a graph's attention takes it over
    the edges into each node) are ``a[...] = _maximum_at(a, indices, b)`` and ``_minimum_at``.
    One into an array that arithmetic makes there (``np.add.at(y + 1.0, i, b)``), its operands
    calling nothing, changes nothing any line reads: it is left out.  ``y.fill(v)`` and
    ``np.copyto(y, v)`` standing alone are the write ``y[...] = v`` (``np.copyto(y, v, where=m)``:
    ``y[...] = np.where(m, v, y)``), and ``y.sort(axis)`` the write ``y[...] = np.sort(y, axis=axis)``
    (in a module importing NumPy: a list sorted so stays refused, as the write fails on it);
    ``np.put_along_axis(a, indices, values, axis)`` is ``a[...] = _put_along(a, indices, values, axis)``,
    and ``np.put(a, ind, v)`` the write ``a.flat[ind] = v``."""
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}
    _rewrite_add_at(forward.func.body, forward, numpy_names)


def _a_list(func, name):
    """Whether ``func`` makes ``name`` a list somewhere (a list display or comprehension, ``list(...)``
    assigned to it, or a list's method called on it)."""
    for node in walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
            if isinstance(value, (ast.List, ast.ListComp)) or isinstance(value, ast.Call) and \
                    isinstance(value.func, ast.Name) and value.func.id in ("list", "sorted"):
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == name and \
                node.func.attr in ("append", "extend", "insert", "pop", "remove", "reverse"):
            return True
    return False


def _rewrite_add_at(stmts, forward, numpy_names):
    """``_write_add_at`` in the statements ``stmts`` (a list, changed in place) and their blocks; and
    ``np.fill_diagonal(a, v)`` made the write into ``a`` it is (``_fill_diagonal_write``)."""
    inserts = []  # (place, statement) to put before the statement at place: a view named
    _rewrite_at_calls(stmts, forward, numpy_names, inserts)
    for i, named in reversed(inserts):
        stmts.insert(i, named)


def _rewrite_at_calls(stmts, forward, numpy_names, inserts):
    """``_rewrite_add_at`` of the statements ``stmts`` themselves, ``inserts`` given the statements to put
    before them (``part = buf[:, :D]`` for ``np.add.at(buf[:, :D], i, b)``)."""
    for i, stmt in enumerate(stmts):
        if stmt.__class__ is ast.Assign:  # (most statements: neither a block nor a call standing alone)
            continue
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, ast.FunctionDef):
                _rewrite_add_at(getattr(stmt, field), forward, numpy_names)
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "fill" and \
                isinstance(call.func.value, ast.Name) and len(call.args) == 1 and not call.keywords and \
                not isinstance(call.args[0], ast.Starred):  # y.fill(v): the write y[...] = v (an array's method)
            target = ast.Subscript(ast.Name(call.func.value.id, ast.Load()), ast.Constant(Ellipsis), ast.Store())
            stmts[i] = ast.Assign([target], call.args[0])
            for node in (stmts[i], target, target.value, target.slice):
                ast.copy_location(node, stmt)
            continue
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "sort" and \
                isinstance(call.func.value, ast.Name) and numpy_names and len(call.args) <= 1 and \
                all(k.arg in ("axis", "kind") for k in call.keywords) and \
                not any(isinstance(a, ast.Starred) for a in call.args) and \
                not _a_list(forward.func, call.func.value.id):  # y.sort(axis): y[...] = np.sort(y, axis)
            np_, dst = min(numpy_names), call.func.value.id  # (an array's method, which sorts in place; a list's
            axis = [ast.keyword("axis", a) for a in call.args] + [k for k in call.keywords if k.arg == "axis"]
            value = ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), "sort", ast.Load()),  # takes key= or
                             [ast.Name(dst, ast.Load())], axis)  # reverse=, and has no y[...] to write)
            stmts[i] = ast.Assign([ast.Subscript(ast.Name(dst, ast.Load()), ast.Constant(Ellipsis), ast.Store())],
                                  value)
            for node in walk(stmts[i]):
                ast.copy_location(node, stmt)
            continue
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "copyto" and \
                isinstance(call.func.value, ast.Name) and call.func.value.id in numpy_names and len(call.args) == 2 \
                and isinstance(call.args[0], ast.Name) and not isinstance(call.args[1], ast.Starred) and \
                all(k.arg == "where" for k in call.keywords):  # np.copyto(y, v): the write y[...] = v (where=m:
            dst, value = call.args[0].id, call.args[1]  # y[...] = np.where(m, v, y))
            if call.keywords:
                value = ast.Call(ast.Attribute(ast.Name(call.func.value.id, ast.Load()), "where", ast.Load()),
                                 [call.keywords[0].value, value, ast.Name(dst, ast.Load())], [])
            target = ast.Subscript(ast.Name(dst, ast.Load()), ast.Constant(Ellipsis), ast.Store())
            stmts[i] = ast.Assign([target], value)
            for node in walk(stmts[i]):
                if not hasattr(node, "lineno"):
                    ast.copy_location(node, stmt)
            ast.copy_location(stmts[i], stmt)
            continue
        write = _fill_diagonal_write(call, forward, numpy_names) or _put_along_write(call, forward, numpy_names) \
            or _put_write(call, numpy_names)
        if write is not None:
            stmts[i] = write
            for node in walk(write):
                ast.copy_location(node, stmt)
            continue
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "at"
                and isinstance(call.func.value, ast.Attribute) and call.func.value.attr in _UFUNCS_AT
                and isinstance(call.func.value.value, ast.Name) and call.func.value.value.id in numpy_names):
            continue
        ufunc = call.func.value.attr
        if len(call.args) == 3 and not call.keywords and isinstance(call.args[0], (ast.Subscript, ast.Attribute)) \
                and not any(isinstance(arg, ast.Starred) for arg in call.args):  # np.add.at(buf[:, :D], i, b):
            part = _fresh_name(forward.func, "part")  # the write into the array buf[:, :D] is, named first
            named = ast.Assign([ast.Name(part, ast.Store())], call.args[0])  # (part = buf[:, :D], a view of buf
            for node in walk(named):  # or a copy, as NumPy makes it), as Python evaluates it first
                ast.copy_location(node, stmt)
            inserts.append((i, named))
            call.args[0] = ast.copy_location(ast.Name(part, ast.Load()), call.args[0])
        if len(call.args) == 3 and not call.keywords and isinstance(call.args[0], (ast.BinOp, ast.UnaryOp)) and \
                not any(isinstance(n, (ast.Call, ast.NamedExpr)) for arg in call.args for n in walk(arg)):
            stmts[i] = ast.copy_location(ast.Pass(), stmt)  # np.add.at(y + 1.0, i, b): into a new array no name
            continue  # holds, read by nothing after (its operands' arithmetic changes nothing either)
        if len(call.args) != 3 or call.keywords or not isinstance(call.args[0], ast.Name) or \
                any(isinstance(arg, ast.Starred) for arg in call.args):
            raise forward.error(f"np.{ufunc}.at is read as np.{ufunc}.at(a, indices, b), a an array variable", call)
        helper = _UFUNCS_AT[ufunc]
        forward.env[helper] = f"numpy.{helper}"
        args = list(call.args)
        _mark_index_slices(args[1])
        if ufunc == "subtract":  # np.subtract.at(a, i, b): b's negative added (np.negative of a list too)
            args[2] = ast.Call(ast.Attribute(ast.Name(call.func.value.value.id, ast.Load()), "negative", ast.Load()),
                               [args[2]], [])
        target = ast.Subscript(ast.Name(call.args[0].id, ast.Load()), ast.Constant(Ellipsis), ast.Store())
        value = ast.Call(ast.Name(helper, ast.Load()), args, [])
        stmts[i] = ast.Assign([target], value)
        for node in walk(stmts[i]):
            ast.copy_location(node, stmt)


def _mark_index_slices(index):
    """The ``slice(...)`` calls of constant bounds among the items of the index tuple ``index`` of
    ``np.add.at(a, (slice(None), k, i, j), b)`` (CS231n's col2im), marked ``index_slice``: each is a
    slice object the index holds, a constant staged as it is written (``np.add.at`` and the gradient's
    ``g[(slice(None), k, i, j)]`` read it as ``:``)."""
    for item in index.elts if isinstance(index, ast.Tuple) else ():
        if isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id == "slice" and \
                1 <= len(item.args) <= 3 and not item.keywords and all(
                    isinstance(a, ast.Constant) and (a.value is None or type(a.value) is int) or
                    isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub) and isinstance(a.operand, ast.Constant)
                    and type(a.operand.value) is int for a in item.args):
            item.index_slice = True


def _fill_diagonal_write(call, forward, numpy_names):
    """``np.fill_diagonal(a, v)`` standing alone, ``a`` an array variable, as the write it is:
    ``a[np.diag_indices_from(a[:n, :n])] = v``, n = min(a.shape[0], a.shape[1]): a matrix's first n
    places (a matrix not square too, as NumPy has it), and an error as NumPy's for other arrays of
    unequal dimensions (the same values where both run: v a number, or v's values one per place of the
    diagonal; where v's values do not fit the diagonal, the write raises where np.fill_diagonal would
    repeat or drop them); else None."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "fill_diagonal" and isinstance(func.value, ast.Name) \
            and func.value.id in numpy_names:
        module = func.value.id
    elif isinstance(func, ast.Name) and forward.env.get(func.id) == "numpy.fill_diagonal" and numpy_names:
        module = min(numpy_names)
    else:
        return None
    wrap = [k for k in call.keywords if k.arg == "wrap"]
    if len(call.args) != 2 or len(call.keywords) != len(wrap) or not isinstance(call.args[0], ast.Name) \
            or isinstance(call.args[1], ast.Starred) \
            or any(not (isinstance(k.value, ast.Constant) and k.value.value is False) for k in wrap):
        return None  # (wrap=True, a value by keyword: left as the call it is, refused as one)
    array = call.args[0].id
    size = f"min({array}.shape[0], {array}.shape[1])"  # (a matrix not square: its first min(N, M) places)
    index = ast.parse(f"{module}.diag_indices_from({array}[:{size}, :{size}])", mode="eval").body
    return ast.Assign([ast.Subscript(ast.Name(array, ast.Load()), index, ast.Store())], call.args[1])


def _put_along_write(call, forward, numpy_names):
    """``np.put_along_axis(a, indices, values, axis)`` standing alone, ``a`` an array variable, as the write
    into ``a`` it is: ``a[...] = _put_along(a, indices, values, axis)``, ``_put_along`` a helper of
    ``backgen.runtime`` (the rule ``np._put_along``: where an index repeats, the last value written stays,
    as NumPy's); else None."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
            call.func.attr == "put_along_axis" and isinstance(call.func.value, ast.Name) and
            call.func.value.id in numpy_names):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    args = list(call.args)
    for word in ("arr", "indices", "values", "axis")[len(args):]:
        if word in keywords:
            args.append(keywords.pop(word))
    if len(args) != 4 or keywords or not isinstance(args[0], ast.Name) or \
            any(isinstance(arg, ast.Starred) for arg in args):
        return None  # (left as the call it is, refused as one)
    forward.env["_put_along"] = "numpy._put_along"
    target = ast.Subscript(ast.Name(args[0].id, ast.Load()), ast.Constant(Ellipsis), ast.Store())
    return ast.Assign([target], ast.Call(ast.Name("_put_along", ast.Load()), args, []))


def _put_write(call, numpy_names):
    """``np.put(a, ind, v)`` standing alone, ``a`` an array variable, in its default mode, as the write
    ``a.flat[ind] = v`` it is (a's elements in C order; written as ``view_targets`` writes them); else None."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "put" and
            isinstance(call.func.value, ast.Name) and call.func.value.id in numpy_names):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    args = list(call.args)
    for word in ("a", "ind", "v")[len(args):]:
        if word in keywords:
            args.append(keywords.pop(word))
    mode = keywords.pop("mode", None)
    if len(args) != 3 or keywords or not isinstance(args[0], ast.Name) or \
            any(isinstance(arg, ast.Starred) for arg in args) or \
            mode is not None and not (isinstance(mode, ast.Constant) and mode.value == "raise"):
        return None  # (left as the call it is, refused as one)
    flat = ast.Attribute(ast.Name(args[0].id, ast.Load()), "flat", ast.Load())
    return ast.Assign([ast.Subscript(flat, args[1], ast.Store())], args[2])


def _drop_argument_checks(func):
    """Leave out the checks that open a function, ``if p is None: raise ...`` for a parameter ``p``
    defaulting to None (a generated backward refuses a missing ``dout`` so): they compute nothing."""
    if isinstance(func, ast.AsyncFunctionDef):
        return
    optional = {a.arg for a, d in defaults_of(func.args) if isinstance(d, ast.Constant) and d.value is None}
    start = 1 if func.body and is_docstring(func.body[0]) else 0
    end = start
    while end < len(func.body) - 1 and _is_argument_check(func.body[end], optional):
        end += 1
    func.body[start:end] = []


def _dict_items_loop(stmt):
    """``for key, value in params.items()``: written out where params is a dict of arrays (``structured``);
    ``self.params.items()`` too (a method's attribute, read as a parameter of its own, ``methods``)."""
    call, target = stmt.iter, stmt.target
    held = call.func.value if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) else None
    return isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts) \
        and held is not None and call.func.attr == "items" and not call.args and not call.keywords and (
            isinstance(held, ast.Name) or isinstance(held, ast.Attribute) and isinstance(held.value, ast.Name))


def _is_argument_check(stmt, optional):
    test = getattr(stmt, "test", None)
    return (isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1
            and isinstance(stmt.body[0], ast.Raise) and isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name) and test.left.id in optional
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None)


def decode_source(data, filename="<string>"):
    """The text of Python source bytes, decoded as Python decodes a file.

    A UTF-8 byte-order mark or a ``# coding:`` declaration picks the encoding
    (UTF-8 otherwise).  Bytes that do not decode, and null bytes, are a
    BackgenError at their line and column.
    """
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError as exc:  # an unknown encoding, or undecodable bytes in the first two lines
        encoding = "utf-8"
        reason = exc.msg
    else:
        reason = None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[start:exc.start].decode(encoding, "replace")) + 1
        name = codecs.lookup(encoding).name
        raise BackgenError(f"the source is not valid {name}: byte 0x{data[exc.start]:02x} cannot be decoded "
                           "(save the file as UTF-8, or declare its encoding: # -*- coding: latin-1 -*-)",
                           filename, line, col) from None
    if reason is not None:
        raise BackgenError(f"{reason} (save the file as UTF-8)", filename, 1, 1,
                           text.splitlines()[0] if text else None)
    return _checked_text(text, filename)


def _checked_text(text, filename):
    """Source text without a leading byte-order mark; a null byte or a lone surrogate is a BackgenError
    where it is."""
    text = text[1:] if text.startswith("\ufeff") else text
    index = text.find("\0")
    if index >= 0:
        start = text.rfind("\n", 0, index) + 1
        line = text.count("\n", 0, index) + 1
        end = text.find("\n", index)
        shown = text[start:end if end >= 0 else len(text)].replace("\0", "\\0")
        raise BackgenError("the source contains a null byte (is this a binary file?)", filename, line,
                           index - start + 1, shown)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ('\udcff', from bytes decoded with surrogateescape)
        start = text.rfind("\n", 0, exc.start) + 1
        end = text.find("\n", exc.start)
        shown = text[start:end if end >= 0 else len(text)].encode("utf-8", "backslashreplace").decode("utf-8")
        raise BackgenError(f"the source holds {text[exc.start]!r}, a lone surrogate, which is no character: "
                           "decode the file's bytes as its encoding says", filename,
                           text.count("\n", 0, exc.start) + 1, exc.start - start + 1, shown) from None
    return text


_SUGAR = frozenset({ast.ListComp, ast.DictComp, ast.Dict, ast.GeneratorExp, ast.For, ast.While, ast.Tuple, ast.List,
                    ast.keyword})  # (what desugar may rewrite holds one)


def _source_key(source, name):
    return ("source", id(source), name)


def _refuse_recursion(forward, key, names=None):
    """Refuse recursion (a call leading back to a function on the way to it) at that call.
    ``names``: every name the function mentions, or more, where known."""
    units = {"done": {key}}
    _refuse_recursion_from((forward.func.name, forward.func, forward.filename, forward.lines, forward.helpers),
                           {key}, units, names)


def _refuse_recursion_from(unit, path, units, present=None):
    """``_refuse_recursion`` for the calls of one function (``unit``), reached by the functions of
    ``path`` (keys); ``units``: the helpers' units read so far, and the keys of those visited."""
    name, func, filename, lines, helpers = unit
    for call in _helper_calls(func, set(helpers) | {name}, present):
        callee = call.func.id
        if callee == name:
            raise error_at(f"{name}() calls itself: recursion is not supported", filename, lines, call)
        callee_key, callee_unit = _helper_unit(helpers[callee], callee, units)
        if callee_unit is None:
            continue
        if callee_key in path:
            raise error_at(f"{name}() calls {callee}() back: recursion is not supported",
                           filename, lines, call)
        if callee_key not in units["done"]:
            units["done"].add(callee_key)
            _refuse_recursion_from(callee_unit, path | {callee_key}, units)


def _helper_calls(func, names, present=None):
    """Calls of the user's functions ``names`` in a function's body, in the order of the source
    (``present``: the names the body mentions, or more, where known)."""
    if present is not None and names.isdisjoint(present) or names.isdisjoint(source_names(func)):
        return []  # (a call names its function)
    local = {a.arg for a in func.args.args}
    nodes = [n for stmt in func.body for n in walk(stmt)]
    local |= {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    calls = [n for n in nodes
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names
             and n.func.id not in local]
    return sorted(calls, key=lambda n: (n.lineno, n.col_offset))


def _helper_unit(value, name, units):
    """``(key, (name, FunctionDef, filename, lines, helpers))`` of a helper, without fencing it
    (``(key, None)`` where its source cannot be read: staging reports that)."""
    if isinstance(value, Nested):
        key = id(value)
        units[key] = (name, value.func, value.filename, value.lines, value.helpers)
        return key, units[key]
    if isinstance(value, tuple):
        source, filename = value
        key = _source_key(source, name)
        if key not in units:
            if id(source) not in units:
                try:
                    units[id(source)] = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    units[id(source)] = []
            defs = units[id(source)]
            matches = [d for d in defs if d.name == name]
            helpers = {d.name: value for d in defs if d.name != name}
            units[key] = (name, matches[-1], filename, tuple(source.splitlines()), helpers) if matches else None
        return key, units[key]
    value = getattr(value, "__wrapped__", value)
    key = id(value)
    if key not in units:
        try:
            func, filename, lines = _function_node(value)
            units[key] = (value.__name__, func, filename, lines, _function_helpers(value, func))
        except Exception:  # no source, or source backgen reads later and reports then
            units[key] = None
    return key, units[key]


def function_names(source, filename="<string>"):
    """Names of the top-level functions a source text defines."""
    module = parse_module(source, filename)
    return [n.name for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def method_names(source, filename="<string>"):
    """``Class.method`` for the public methods of the top-level classes a source text defines."""
    module = parse_module(source, filename)
    return [f"{c.name}.{n.name}" for c in module.body if isinstance(c, ast.ClassDef) for n in c.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and not n.name.startswith("_")]


def parse_module(source, filename):
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise BackgenError(
            f"invalid Python syntax: {exc.msg}", filename, exc.lineno, exc.offset,
            exc.text.rstrip("\n") if exc.text else None,
        ) from None


def lambdas_as_defs(module):
    """The module's functions bound to a name by a lambda (``relu = lambda t: np.maximum(0.0, t)``)
    as the defs they are (``def relu(t): return np.maximum(0.0, t)``), in place: helpers as any."""
    for k, node in enumerate(module.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Lambda):
            lam = node.value
            func = ast.FunctionDef(node.targets[0].id, lam.args, [ast.copy_location(ast.Return(lam.body), lam.body)],
                                   [], None, None)
            if "type_params" in ast.FunctionDef._fields:
                func.type_params = []
            func.from_lambda = True  # (a helper: never the function a module of several is read for)
            module.body[k] = ast.copy_location(func, node)
    return module


def _lambda_module(source, filename):
    """The module of the line binding a lambda to a name (``relu = lambda t: np.maximum(0.0, t)``), the
    def it is (``lambdas_as_defs``); None where the line is not that alone."""
    try:
        module = ast.parse(source, filename=filename)
    except SyntaxError:
        return None
    return lambdas_as_defs(module) if len(module.body) == 1 else None


def _lambda_name(func):
    """The name the line of a lambda binds it to (``relu = lambda t: ...``), or None."""
    try:
        raw_lines, _ = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return None
    module = _lambda_module(textwrap.dedent("".join(raw_lines)), "<lambda>")
    return module.body[0].name if module is not None and getattr(module.body[0], "from_lambda", False) else None


def _lambda_within(func, source, first, indent, filename):
    """The module of the def a lambda written inside a statement is (a default, ``nonlinearity=lambda x:
    np.maximum(x, 0.0)``, or an argument, ``make_nn_funs(sizes, nonlinearity=lambda z: np.tanh(z))``): the
    lambda whose body starts where the code Python runs for it does, found in the statement's source; None
    where there is no such one lambda."""
    try:
        module = ast.parse(source, filename=filename)
    except SyntaxError:
        return None
    start = next(((line, col) for line, _, col, _ in func.__code__.co_positions()
                  if line is not None and col is not None and (line, col) != (func.__code__.co_firstlineno, 0)), None)
    if start is None:
        return None
    found = [node for node in walk(module) if isinstance(node, ast.Lambda)
             and (node.body.lineno + first - 1, node.body.col_offset + indent) == start]
    if len(found) != 1 or len(found[0].args.args) != func.__code__.co_argcount:
        return None
    lam = found[0]
    made = ast.FunctionDef("anonymous", lam.args, [ast.copy_location(ast.Return(lam.body), lam.body)], [], None, None)
    if "type_params" in ast.FunctionDef._fields:
        made.type_params = []
    made.from_lambda = True
    return ast.Module([ast.copy_location(made, lam)], [])


def _read_source(source, name, filename):
    """The function ``name`` of the module ``source`` as its source reads (a copy of its own: the module,
    its bindings and constants worked out once per generation, for every function read of it)."""
    return copy.deepcopy(_source_read((source, name, filename)))


@text_cache
def _source_read(key):
    source, name, filename = key
    lines = tuple(source.splitlines())
    module = lambdas_as_defs(parse_module(source, filename))
    defs = [n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    methods = [(c, n) for c in module.body if isinstance(c, ast.ClassDef) for n in c.body
               if isinstance(n, ast.FunctionDef) and (n.name == name or name is None and not n.name.startswith("_"))]
    if methods and (not defs or name is not None and name not in {d.name for d in defs}):
        owner, method = methods[0]  # generate reads functions: a method's self is known only as it is called
        found = "no function definition (def) found in the source at its top level" if not defs else \
            f"no function named {name!r} at the source's top level"
        raise BackgenError(f"{found}: {owner.name}.{method.name} is a method, whose attributes of self (self.params) "
                           f"backgen knows only from a call: decorate it with @backgen.backward, or write it "
                           f"as a function taking them as parameters", filename, method.lineno,
                           method.col_offset + 1, lines[method.lineno - 1])
    if not defs:
        raise BackgenError("no function definition (def) found in the source", filename, 1, 1,
                           lines[0] if lines else None)
    if name is None and len(defs) > 1:  # the one function no other calls, the others its helpers
        called = {n.id for d in defs for n in walk(d) if isinstance(n, ast.Name) and n.id != d.name}
        roots = [d.name for d in defs if d.name not in called and not getattr(d, "from_lambda", False)]
        name = roots[0] if len(roots) == 1 else None
    if name is None:
        if len(defs) > 1:
            names = ", ".join(d.name for d in defs)
            raise BackgenError(f"the source defines several functions ({names}); choose one by name",
                               filename, defs[1].lineno, defs[1].col_offset + 1, lines[defs[1].lineno - 1])
        func = defs[0]
    else:
        matches = [d for d in defs if d.name == name]
        if not matches:
            raise BackgenError(f"no function named {name!r} in the source; it defines "
                               f"{', '.join(dict.fromkeys(d.name for d in defs))}", filename, 1, 1,
                               lines[0] if lines else None)
        func = matches[-1]
    env, last = _module_env(module)
    counts = _binding_counts(module)
    bound_calls.module_partials(func, module, env, counts)  # (clip = partial(np.clip, ...))
    if "getattr" not in counts:  # (getattr(np, ACT)(x) of ACT = "tanh": np.tanh(x))
        strings = {node.targets[0].id: node.value.value for node in module.body if isinstance(node, ast.Assign)
                   and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and
                   isinstance(node.value, ast.Constant) and type(node.value.value) is str}
        getattr_calls.rewrite(func, lambda name: _MODULES_READ.get(env.get(name)),
                              lambda name: strings.get(name) if counts.get(name) == 1 else None)
    func = function_aliases.rewrite(func, functools.partial(_names_function, env, last))
    func = dispatch.rewrite(func, dispatch.source_tables(module, {d.name for d in defs}))
    _put_class_constants(func, _class_constants(module, last), lambda message, node: error_at(
        message, filename, lines, node), defaults=True)
    _defaults_as_defined(module, func, filename, lines)
    helpers = {d.name: (source, filename) for d in defs
               if d is not func and d.name != func.name and last.get(d.name) == "def"}
    helpers.update({name: value for name, value in siblings.imported(module, filename).items()
                    if name != func.name})  # (from layers import *: the last binding of each name it gives)
    helpers.update(siblings.module_calls(module, filename, func, counts, set(counts) | set(helpers) | set(BUILTINS)))
    # (import layers as L; L.affine_forward(x, w, b))
    env = {k: v for k, v in env.items() if v and k not in helpers}
    wrapped = {d.name: ast.unparse(dec) for d in {d.name: d for d in defs}.values() if d.name in helpers
               for dec in d.decorator_list if _decorated_name(dec) not in TRANSPARENT_DECORATORS}
    helpers = {name: value for name, value in helpers.items() if name not in wrapped}
    aliases = {node.targets[0].id: node.value.id for node in module.body
               if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
               and isinstance(node.value, ast.Name) and node.value.id in {d.name for d in defs}}
    fold_numbers(module, env.get)  # (LOG2PI = math.log(2 * math.pi): a number)
    spellings = {}
    constants = _module_constants(module, lines, spellings)
    scientific = physical_constants.numbers(env)  # (from scipy.constants import h, c: their numbers)
    constants.update(scientific)
    env = {k: v for k, v in env.items() if k not in scientific}
    forward = Forward(_strip_decorators(func), filename, lines, env, helpers, aliases=aliases, wrapped=wrapped)
    forward.constants.update(constants)
    forward.spellings.update(spellings)
    forward.literals.update(literal_lists(module, lambda n: _library_meaning(env.get(n)), env.get))
    _source_static_calls(forward, module, last)
    _source_objects(forward, module, last)
    return forward


def _bound_once(module, last):
    """Whether the module binds a name once, by a plain statement of its top level (``P =
    namedtuple(...)``), and nowhere else."""
    counts = _binding_counts(module)
    return lambda name: counts.get(name) == 1 and last.get(name) == "other"


def _binding_counts(module):
    """``{name: how many times the module binds it}``: assignments, defs and classes, imports, and a
    function's ``global`` declaration of it (``rebound_globals``), anywhere in the module."""
    counts = {}
    for node in walk(module):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[node.name] = counts.get(node.name, 0) + 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                counts[bound] = counts.get(bound, 0) + 1
    for bound in rebound_globals(module):
        counts[bound] = counts.get(bound, 0) + 1
    return counts


def _source_objects(forward, module, last):
    """Objects the function makes of the source's own classes read as names and calls of helpers made
    of their methods (``objects``), those helpers calling the module's functions and each other."""
    used = names_of(forward.func)
    if not used & objects.class_names(module):
        return
    classes, _ = _plain_classes(module, last)
    constants = _class_constants(module, last)
    chosen = _with_held({n: c for n, c in classes.items() if n in used}, classes)
    found = objects.blueprints(module, chosen, constants, _bound_once(module, last))
    forward.unfollowed.update({name: objects.why_not(node, classes) for name, node in chosen.items()
                               if name not in found and name in used})
    if not found:
        return

    def helper(owner, method, node, called):
        _put_class_constants(node, constants)
        forward.helpers[node.name] = Nested(node, forward.filename, tuple(forward.lines), dict(forward.env),
                                            forward.helpers, dict(forward.constants), literals=dict(forward.literals))
        return node.name
    taken = names_of(module) | set(forward.helpers) | set(BUILTINS) | {
        n.name for n in walk(module) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    objects.written_out(forward.func, found, helper, lambda message, node: error_at(
        message, forward.filename, forward.lines, node), taken)


def _with_held(chosen, classes):
    """``chosen`` (``{name: ClassDef}``) with the classes of ``classes`` whose objects theirs make and hold
    (``self.fc1 = Dense(W1, b1)``) and those they derive from, as deep as they go."""
    chosen = dict(chosen)
    while True:
        more = {n: classes[n] for n in objects.held_classes(chosen) | objects.base_classes(classes, chosen)
                if n in classes and n not in chosen}
        if not more:
            return chosen
        chosen.update(more)


_FUNCTION_BUILTINS = frozenset({"abs", "max", "min", "pow", "sum", "round"})


def _names_function(env, last, node):
    """Whether ``node`` (a name or an attribute) names a function where the module's functions run (``env``
    and ``last``, as ``_module_env`` gives them): one the module defines, one it imports (``from
    scipy.special import expit``), a builtin, or an attribute of a module it imports that is one
    (``np.tanh``, ``math.exp``)."""
    root, attrs = _attribute_path(node)
    meaning = env.get(root) if root is not None else None
    if not isinstance(meaning, str):
        return not attrs and root is not None and last.get(root) == "def"
    if not attrs and (last.get(root) == "def" or root in _FUNCTION_BUILTINS and meaning == root):
        return True
    if not attrs and "." not in meaning:
        return False
    value = _library_value(meaning.split(".") + attrs)
    return callable(value) and not (attrs and isinstance(value, type))  # (np.float64 no function; imported, as
                                                                        # its name, any callable)


def _attribute_path(node):
    """``(root, attrs)`` of ``np.linalg.norm`` (``("np", ["linalg", "norm"])``) or a name (``("relu", [])``);
    ``(None, [])`` for any other expression."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return (node.id, attrs[::-1]) if isinstance(node, ast.Name) else (None, [])


def _library_value(path):
    """The value a dotted path names in a module already imported (``numpy``, ``scipy.special``), or None."""
    for k in range(len(path), 0, -1):
        value = sys.modules.get(".".join(path[:k]))
        if value is not None:
            for attr in path[k:]:
                value = getattr(value, attr, None)
            return value
    return None


def _holds_function(globals_, node):
    """Whether ``node`` (a name or an attribute) names a function in a live function's module
    (``globals_``): one of its own or a library's (``np.tanh``), not a class."""
    root, attrs = _attribute_path(node)
    if root is None:
        return False
    value = globals_.get(root, getattr(builtins, root, None) if root in _FUNCTION_BUILTINS else None)
    if attrs and not isinstance(value, types.ModuleType):
        return False
    for attr in attrs:
        value = getattr(value, attr, None)
    return callable(value) and not isinstance(value, type)


def _module_env(module):
    """``(env, last)``: what each name of the module means where its functions run, after the whole
    module has, as ``Forward.env`` says, and ``last``, the kind of the binding that comes last of each
    name it binds (``"def"``, ``"import"`` or ``"other"``): a function defined, then imported over (``def
    sin``, then ``from math import *``), is the import's, and one defined after an import is the
    user's.  A name bound otherwise too in a block of the module (``if``, ``try``, a loop), or by a
    function declaring it ``global``, to anything but what it means already (``try: import
    autograd.numpy as np`` of np, NumPy), means nothing backgen knows: which binding holds depends on
    how the module runs."""
    env = dict(DEFAULT_ENV, **{name: name for name in BUILTINS})
    last = {}
    for node in module.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            before = dict(env)
            _bind_import(node, env)
            last.update((name, "import") for name, meaning in env.items()
                        if name not in before or before[name] != meaning)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            _unbind({node.name}, env)
            last[node.name] = "def" if isinstance(node, ast.FunctionDef) else "other"
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
            alias = _function_alias(node, env)
            _unbind(names, env)
            last.update((name, "other") for name in names)
            meaning = vectorized.bound(node.value, env.get) if isinstance(node, ast.Assign) and \
                len(targets) == 1 and isinstance(targets[0], ast.Name) else None
            if meaning:  # _erf_vec = np.vectorize(math.erf): math's function element by element
                env[targets[0].id] = meaning
            if alias is not None:  # sqrt = math.sqrt: the function, as from math import sqrt binds it
                env[node.targets[0].id] = alias
                last[node.targets[0].id] = "import"
        else:
            for name in _block_bindings(node, env):
                _unbind({name}, env)
                last[name] = "other"
    for name in rebound_globals(module):
        _unbind({name}, env)
        last[name] = "other"
    return env, last


def _function_alias(node, env):
    """What a module's ``sqrt = math.sqrt`` (``exp = np.exp``, ``root = sqrt``) binds its one name to, a
    function of math or NumPy (``"math.sqrt"``), as ``env`` says before it; else None."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
        return None
    value = node.value
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        module, attr = env.get(value.value.id), value.attr
    elif isinstance(value, ast.Name) and isinstance(env.get(value.id), str):
        module, _, attr = env[value.id].rpartition(".")
    else:
        return None
    found = MODULES.get(module)
    return f"{module}.{attr}" if found is not None and callable(getattr(found, attr, None)) and \
        not isinstance(getattr(found, attr), type) else None


def _defaults_as_defined(module, func, filename, lines):
    """Python reads a default as the ``def`` runs: a name of the module it reads that the module binds
    again below the def (``K = 3.0``, ``def h(z, k=K)``, then ``K = 5.0``) is put in as the number it
    is there (3.0), and refused where it is no number there (a function, ``g=act``, defined again)."""
    index = next((k for k, node in enumerate(module.body) if node is func), None)
    if index is None:
        return
    args = func.args
    read = {n.id for d in args.defaults + args.kw_defaults if d is not None
            for n in walk(d) if isinstance(n, ast.Name)}
    if not read:
        return
    above = ast.Module(body=module.body[:index], type_ignores=[])
    meant = _module_env(above)[0]  # (an import below of what a name means here, import numpy as np again: none)
    below = set()
    for node in module.body[index + 1:]:
        below |= _block_bindings(node, meant)
    below = (below | rebound_globals(module)) & read
    if not below:
        return
    there = _module_constants(above)

    class Put(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id not in below:
                return node
            if node.id not in there:
                raise error_at(f"the default reads {node.id}, which the module binds again below this def: Python "
                               f"reads it as the def runs, and backgen reads the module's names as they are "
                               f"after it has run; write the value, or name the two apart", filename, lines, node)
            return ast.copy_location(ast.parse(there[node.id], mode="eval").body, node)
    for written in (args.defaults, args.kw_defaults):
        for k, default in enumerate(written):
            if default is not None:
                written[k] = ast.fix_missing_locations(Put().visit(default))


def _block_bindings(node, env):
    """The names a statement of the module (an ``if``, a ``try``, a loop, ``with``, or any other) binds to
    something other than what ``env`` says they mean (an import of the same meaning is not counted); a
    function's or class's own body is its own."""
    found, stack = set(), [node]
    while stack:
        sub = stack.pop()
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            scratch = dict(env)
            _bind_import(sub, scratch)
            found.update(name for name, meaning in scratch.items() if env.get(name) != meaning)
            continue
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(sub.name)
            stack += sub.decorator_list
            continue
        if isinstance(sub, ast.Lambda):
            continue
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            found.add(sub.id)
        elif isinstance(sub, (ast.alias, ast.MatchAs, ast.MatchStar)) and getattr(sub, "name", None):
            found.add(sub.name)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            found.add(sub.name)
        stack += list(ast.iter_child_nodes(sub))
    return found


def _library_meaning(meaning):
    """Whether a name's meaning (``Forward.env``) is NumPy, math, or one of their functions."""
    return isinstance(meaning, str) and meaning.split(".")[0] in MODULES


def _number_value(node, known=None):
    """The value of a number written with literals (``1e-8``, ``-2``, ``1.0 / 3``) and the module's
    numbers ``known`` already (``mu = G * M``), or of a string or a boolean (a setting: ``MODE =
    "train"``, ``DEBUG = False``), else None."""
    known = known or {}
    try:
        if not all(isinstance(n, (ast.Constant, ast.UnaryOp, ast.BinOp, ast.operator, ast.unaryop, ast.Load))
                   or isinstance(n, ast.Name) and n.id in known for n in walk(node)):
            return None
        value = eval(compile(ast.Expression(node), "<constant>", "eval"), {"__builtins__": {}}, dict(known))
    except Exception:
        return None
    return value if type(value) in (int, float, str, bool) else None


def _module_constants(module, lines=(), spellings=None):
    """``{name: text}`` of the numbers, strings and booleans the module's top level gives names, read in
    order and never run: ``EPS = 1e-8``, ``R = 6371.0`` then ``R *= 1000.0``, ``mu = G * M``,
    ``R, g0 = 6371e3, 9.81``, ``SCALE: float = 3.0``.  A name set otherwise (to anything else, in a
    block, a loop, a ``try``, an import or a definition) is none.  The text is Python's (``1e-08``);
    ``spellings``, where given, gets the literal the user wrote of each number set to one (``1e-8``,
    read from ``lines``)."""
    values, spelt = {}, {}
    modules = _top_modules(module)
    for node in module.body:
        pairs = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name):
                pairs = [(target.id, value)]
            elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and \
                    len(target.elts) == len(value.elts) and all(isinstance(e, ast.Name) for e in target.elts):
                pairs = [(e.id, v) for e, v in zip(target.elts, value.elts)]  # (each read before any is bound)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            pairs = [(node.target.id, node.value)]
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in values:
            pairs = [(node.target.id, ast.copy_location(ast.BinOp(ast.copy_location(  # R *= 1000.0
                ast.Name(node.target.id, ast.Load()), node), node.op, node.value), node))]
        if pairs is not None:
            found = [(name, _number_value(_spelled_numbers(value, modules), values)) for name, value in pairs]
            for (name, value), (_, node_value) in zip(found, pairs):
                spelt.pop(name, None)
                if value is None:
                    values.pop(name, None)
                else:
                    values[name] = value
                    if not isinstance(node, ast.AugAssign):
                        spelt[name] = spelling(node_value, lines)
            continue
        for sub in walk(node):  # anything else the module binds: not a constant
            names = []
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                names = [sub.id]
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names = [sub.name]
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names = [(a.asname or a.name).split(".")[0] for a in sub.names]
            elif isinstance(sub, ast.Global):
                names = list(sub.names)
            for name in names:
                values.pop(name, None)
                spelt.pop(name, None)
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                break  # (a function's own names are its own; a global statement in it: below)
        for name in rebound_globals(node):  # a function of the module rebinding one (global R): not a constant
            values.pop(name, None)
    if spellings is not None:
        spellings.update((name, spelt[name]) for name in values if spelt.get(name))
    return {name: _number_literal(value) if type(value) is float and math.isinf(value) else repr(value)
            for name, value in values.items()}


_SPELLED_NUMBERS = {"inf": math.inf, "pi": math.pi, "e": math.e, "tau": math.tau}


def _top_modules(module):
    """``{alias: module}`` of the imports of NumPy and ``math`` at the module's top level."""
    found = {}
    for node in module.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("numpy", "math"):
                    found[alias.asname or alias.name] = alias.name
    return found


def _spelled_numbers(node, modules):
    """``node`` with the numbers NumPy and ``math`` spell by name (``-np.inf``, ``math.pi``) and
    ``float("inf")`` written as the numbers they are (``LOG_ZERO = -np.inf``: a module's number)."""
    def number(sub):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in modules and \
                sub.attr in _SPELLED_NUMBERS and not (modules[sub.value.id] == "numpy" and sub.attr == "tau"):
            return _SPELLED_NUMBERS[sub.attr]
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "float" and \
                len(sub.args) == 1 and not sub.keywords and isinstance(sub.args[0], ast.Constant) and \
                isinstance(sub.args[0].value, str) and sub.args[0].value.strip().lower() in ("inf", "-inf", "+inf"):
            return float(sub.args[0].value)
        return None
    if not any(number(sub) is not None for sub in walk(node)):
        return node

    class Numbers(ast.NodeTransformer):
        def visit_Attribute(self, sub):
            value = number(sub)
            return ast.copy_location(ast.Constant(value), sub) if value is not None else self.generic_visit(sub)

        def visit_Call(self, sub):
            value = number(sub)
            return ast.copy_location(ast.Constant(value), sub) if value is not None else self.generic_visit(sub)
    return Numbers().visit(tree_copy(node))


def _class_constants(module, last):
    """``{(class, name): value}`` of the numbers, strings and booleans a class of the module's top level
    sets once in its own body (``class BatchNorm: EPS = 1e-5``), read as ``BatchNorm.EPS``: none of a
    class the module binds otherwise too, nor of a name the module ever sets through the class
    (``BatchNorm.EPS = 1e-3``)."""
    classes, written = _plain_classes(module, last)
    if not classes:  # (nor settings objects of a class of its own)
        return {}
    found = {}
    enums = _enum_bases(module)
    for name, node in classes.items():
        if any(_base_name(base) in enums or _base_name(base) in classes and classes[_base_name(base)] is not None
               and _enum_class(classes[_base_name(base)], enums) for base in node.bases):
            members = _enum_members(node, enums)  # (class Mode(Enum): TRAIN = "train": members, not values)
            found.update(((name, attr), value) for attr, value in (members or {}).items()
                         if (name, attr.partition(".")[0]) not in written)
            continue
        values, seen = {}, set()
        for stmt in node.body:
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else \
                stmt.target if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else None
            if isinstance(target, ast.Name) and target.id not in seen:
                value = _number_value(stmt.value, {})
                if value is not None:
                    values[target.id] = value
                    seen.add(target.id)
                    continue
            for sub in walk(stmt):  # anything else the class's body binds: not a constant
                if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                    seen.add(sub.id)
                    values.pop(sub.id, None)
                elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    seen.add(sub.name)
                    values.pop(sub.name, None)
                    break
        found.update(((name, attr), value) for attr, value in values.items() if (name, attr) not in written)
    found.update(_config_constants(module, classes, written))
    return found


def _config_constants(module, classes, written):
    """``{(name, field): value}`` of the settings objects the module's top level binds once, and nowhere
    else, to a call of a class of its own that holds its fields unchanged (a ``typing.NamedTuple``, or a
    ``@dataclass(frozen=True)``; ``CFG = Config(alpha=0.3)``), each field a number, string or boolean
    written out in the call (by position or by name) or as the class's default (``alpha: float = 0.1``):
    ``CFG.alpha`` read as that value.  None of a class with a body holding more than fields, a docstring and
    defs, nor of an object whose fields the module may set."""
    counts = _binding_counts(module)
    found = {}
    for stmt in module.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else \
            stmt.target if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else None
        if not (isinstance(target, ast.Name) and counts.get(target.id) == 1 and isinstance(stmt.value, ast.Call) and
                isinstance(stmt.value.func, ast.Name) and classes.get(stmt.value.func.id) is not None):
            continue
        fields = _config_fields(classes[stmt.value.func.id])
        call = stmt.value
        if fields is None or len(call.args) > len(fields) or any(isinstance(a, ast.Starred) for a in call.args) or \
                any(k.arg is None or k.arg not in fields for k in call.keywords):
            continue
        values = dict(fields)
        given = [(name, arg) for name, arg in zip(fields, call.args)] + [(k.arg, k.value) for k in call.keywords]
        for name, arg in given:
            values[name] = _number_value(arg, {})
        found.update(((target.id, name), value) for name, value in values.items()
                     if value is not None and (target.id, name) not in written)
    return found


def _config_fields(node):
    """``{field: default or None}`` of a class holding settings unchanged (``class Config(NamedTuple)``, or
    one under ``@dataclass(frozen=True)``, its fields annotated names), in order; None for any other."""
    named = any(_base_name(base) == "NamedTuple" for base in node.bases)
    frozen = any(isinstance(d, ast.Call) and _base_name(d.func) == "dataclass" and any(
        k.arg == "frozen" and isinstance(k.value, ast.Constant) and k.value.value is True for k in d.keywords)
        for d in node.decorator_list)
    if named == frozen or named and (node.decorator_list or len(node.bases) != 1) or frozen and node.bases:
        return None
    fields = {}
    body = node.body[1:] if node.body and is_docstring(node.body[0]) else node.body
    for stmt in body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.simple:
            fields[stmt.target.id] = None if stmt.value is None else _number_value(stmt.value, {})
            if stmt.value is not None and fields[stmt.target.id] is None:
                return None  # (field(default_factory=...), a default backgen does not read)
        elif not isinstance(stmt, (ast.FunctionDef, ast.Pass)):
            return None
    if any(isinstance(stmt, ast.FunctionDef) and (stmt.name.startswith("__") or stmt.name in fields) for stmt in body):
        return None  # (__post_init__, __new__, a property over a field: what it holds may not be what was given)
    return fields


_ENUM_KINDS = {"Enum": "member", "Flag": "member", "IntEnum": "value", "StrEnum": "value", "IntFlag": "value",
               "ReprEnum": "member"}  # (how the members of the enum module's base classes compare: as members, or
# as their values, which they equal)


def _base_name(base):
    return base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None


def _enum_bases(module):
    """``{name: kind}`` of the names under which ``module`` reads the enum module's base classes (``Enum``
    imported from it, or ``enum.Enum``: the attribute's name), of ``_ENUM_KINDS``."""
    found = {}
    for node in walk(module):
        if isinstance(node, ast.ImportFrom) and node.module == "enum" and not node.level:
            found.update({alias.asname or alias.name: _ENUM_KINDS[alias.name] for alias in node.names
                          if alias.name in _ENUM_KINDS})
        elif isinstance(node, ast.Import) and any(alias.name == "enum" for alias in node.names):
            found.update({kind: how for kind, how in _ENUM_KINDS.items()})
    return found


def _enum_class(node, enums):
    return any(_base_name(base) in enums for base in node.bases)


def _enum_members(node, enums):
    """``{attribute: constant}`` of the members of the enum class ``node`` (``class Axis(IntEnum): ROWS =
    0``): for members that equal their values (``IntEnum``, ``StrEnum``, a ``str`` or ``int`` base beside
    ``Enum``) the value; and ``"ROWS.value"``, ``"ROWS.name"`` each member's value and name (an alias, a
    member of the same value, is the first's).  A plain ``Enum``'s member itself is none: it equals no
    setting, and a call may pass the member, which the generated code could not tell apart.  None where a
    member's value is not a literal (or ``auto()`` beside literals, whose values backgen does not
    compute), or the body holds anything but members and a docstring."""
    kinds = {enums.get(_base_name(base)) for base in node.bases} | {
        "value" for base in node.bases if isinstance(base, ast.Name) and base.id in ("int", "str")}
    by_value = "value" in kinds
    values, autos = {}, 0
    body = node.body[1:] if node.body and is_docstring(node.body[0]) else node.body
    for stmt in body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        attr = stmt.targets[0].id
        if attr in values or attr.startswith("_"):
            return None
        if isinstance(stmt.value, ast.Call) and not stmt.value.args and not stmt.value.keywords and \
                _base_name(stmt.value.func) == "auto":
            autos += 1
            values[attr] = autos  # (auto() counts from 1 in a plain Enum)
            continue
        value = _number_value(stmt.value, {})
        if value is None:
            return None
        values[attr] = value
    if autos and (autos != len(values) or by_value):
        return None
    found, first = {}, {}
    for attr, value in values.items():
        canonical = first.setdefault((type(value).__name__, value) if not isinstance(value, bool) else ("bool", value),
                                     attr)
        if by_value:
            found[attr] = value
        found[f"{attr}.value"] = values[canonical]
        found[f"{attr}.name"] = canonical
    return found


def _plain_classes(module, last):
    """``(classes, written)``: ``{name: ClassDef}`` of the classes of the module's top level it binds once
    (as classes, at the top level, and nowhere else), and the ``(name, attribute)`` pairs the module
    may set (``BatchNorm.EPS = 1e-3``; for every class, an attribute it sets through anything but ``self``,
    ``cls.EPS = 1e-3``, or by ``setattr``)."""
    classes = {}
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = node if node.name not in classes else None
    if not classes:  # (a module of functions alone: no class to read, one walk of its statements)
        return classes, set()
    bound = set(rebound_globals(module))
    for node in module.body:  # (the class's name bound otherwise at the top level or in a block)
        if not isinstance(node, ast.ClassDef):
            bound |= _block_bindings(node, {}) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else {node.name}
    written = {(n.value.id, n.attr) for n in walk(module) if isinstance(n, ast.Attribute)
               and not isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name)}
    others = {n.attr for n in walk(module) if isinstance(n, ast.Attribute) and not isinstance(n.ctx, ast.Load)
              and not (isinstance(n.value, ast.Name) and n.value.id == "self")}  # (cls.EPS = ..., type(self).EPS)
    others |= {n.args[1].value for n in walk(module) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and n.func.id == "setattr" and len(n.args) > 1 and isinstance(n.args[1], ast.Constant)}
    written |= {(name, attr) for name in classes for attr in others}
    return {name: node for name, node in classes.items()
            if node is not None and name not in bound and last.get(name) == "other"}, written


def _source_static_calls(forward, module, last):
    """A source's calls of a static method by its class's name (``Ops.sigmoid(z)``, a class of the
    module's top level that ``_plain_classes`` gives, the method defined once in its body under
    ``@staticmethod`` alone), in the function or in such a method, made calls of a helper, that method
    as a function of the module."""
    classes, written = _plain_classes(module, last)
    if not classes:
        return

    def static_calls(func):
        bound = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
            {a.arg for a in walk(func) if isinstance(a, ast.arg)}
        for call in walk(func):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)):
                continue
            owner, name = call.func.value.id, call.func.attr
            if owner in bound or owner not in classes or (owner, name) in written:
                continue
            defs = [n for n in classes[owner].body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                     ast.Assign, ast.AnnAssign, ast.ClassDef))
                    and name in ({n.name} if hasattr(n, "name") else
                                 names_of(n))]
            if len(defs) == 1 and isinstance(defs[0], ast.FunctionDef) and \
                    [ast.unparse(d) for d in defs[0].decorator_list] == ["staticmethod"]:
                yield (owner, name), defs[0]

    statics, pending = {}, [forward.func]
    while pending:  # (a static method calling another by its class's name: that one too)
        for key, node in static_calls(pending.pop()):
            if key not in statics:
                statics[key] = node
                pending.append(node)
    if not statics:
        return
    taken = names_of(module) | {
        n.name for n in walk(module) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))} | \
        set(forward.helpers) | set(BUILTINS)
    made, nodes = {}, {}
    for (owner, name), node in sorted(statics.items()):
        stem = f"{owner}_{name.strip('_')}"
        helper = next(f"{stem}{k or ''}" for k in itertools.count() if f"{stem}{k or ''}" not in taken)
        taken.add(helper)
        node = tree_copy(node)
        node.decorator_list = []
        node.name = helper
        _put_class_constants(node, _class_constants(module, last))
        made[owner, name], nodes[helper] = helper, node
    shared = dict(forward.helpers)  # (each helper may call the others)
    for helper, node in nodes.items():
        for stmt in node.body:
            _owner_calls_named(stmt, made)
        shared[helper] = Nested(node, forward.filename, tuple(forward.lines), dict(forward.env), shared,
                                dict(forward.constants), literals=dict(forward.literals))
    forward.helpers.update((helper, shared[helper]) for helper in nodes)
    for stmt in forward.func.body:
        _owner_calls_named(stmt, made)


def _owner_calls_named(tree, made):
    """Each call ``Owner.name(...)`` in ``tree`` (in place) of a method ``made`` a helper (``{(owner,
    name): helper}``) as the call of that helper, ``helper(...)``."""
    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            callee = node.func
            if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
                    (callee.value.id, callee.attr) in made:
                node.func = ast.copy_location(ast.Name(made[callee.value.id, callee.attr], ast.Load()), callee)
            return node
    Calls().visit(tree)


def _put_class_constants(func, constants, refuse=None, defaults=False):
    """Each ``BatchNorm.EPS`` the function reads of ``_class_constants`` as the number it is (a name the
    function binds itself is its own), in its parameters' defaults too with ``defaults`` (``p=Norm.L2``,
    Python's value as the def runs: the source's, where the module sets it nowhere else).  A member of a
    plain enum (``Mode.TRAIN`` of ``class Mode(Enum)``, whose ``.value`` and ``.name`` are constants, the
    member itself none) is refused by ``refuse(message, node)`` where given."""
    if not constants:
        return
    own = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}

    class Put(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load) and \
                    (node.value.id, node.attr) in constants and node.value.id not in own:
                return ast.copy_location(ast.Constant(constants[node.value.id, node.attr]), node)
            if isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name) and \
                    isinstance(node.ctx, ast.Load) and node.value.value.id not in own and \
                    (node.value.value.id, f"{node.value.attr}.{node.attr}") in constants:  # Mode.TRAIN.value
                return ast.copy_location(ast.Constant(constants[node.value.value.id, f"{node.value.attr}.{node.attr}"]),
                                         node)
            if refuse is not None and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load) and \
                    (node.value.id, f"{node.attr}.name") in constants and node.value.id not in own:
                value = constants[node.value.id, f"{node.attr}.value"]
                raise refuse(f"{node.value.id}.{node.attr} is a member of the enum {node.value.id}, which equals no "
                             f"number or string: backgen reads the members of an IntEnum or a StrEnum (equal to "
                             f"their values) and {node.value.id}.{node.attr}.value; compare settings as the "
                             f"values ({value!r})", node)
            return self.generic_visit(node)

        def visit_Compare(self, node):
            if not any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                return self.generic_visit(node)

            def member(n):  # (Axis.ROWS: an enum's member read as its value, which it is not)
                return isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and \
                    (n.value.id, f"{n.attr}.name") in constants and (n.value.id, n.attr) in constants
            found = next((n for n in [node.left] + node.comparators if member(n)), None)
            if found is not None and refuse is not None:
                raise refuse(f"a test by is of {found.value.id}.{found.attr}, a member of the enum {found.value.id}: "
                             f"backgen reads the member as its value, and is tells the two apart; test with == "
                             f"instead", found)
            node.left = node.left if member(node.left) else self.visit(node.left)  # (mode is Axis.ROWS: left
            node.comparators = [n if member(n) else self.visit(n) for n in node.comparators]  # as read)
            return node
    for stmt in func.body:
        Put().visit(stmt)
    if defaults:
        func.args.defaults = [Put().visit(d) for d in func.args.defaults]
        func.args.kw_defaults = [None if d is None else Put().visit(d) for d in func.args.kw_defaults]


def _object_write(target):
    """What to write instead of a write into an attribute of an object (``self.running_mean = ...``,
    ``self.calls += 1``, ``self.W[0] = 0``): none for any other target."""
    for node in walk(target):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            written = f"{node.value.id}.{node.attr}"
            return (f": this writes into {written}, and backgen does not write into objects (a running average, "
                    f"a counter or a cache kept on {node.value.id}); differentiate a function free of such "
                    f"writes (update {written} outside it, from what it returns), and compute values under "
                    f"names of their own")
    return ""


def _unbind(names, env):
    """Names the module rebinds no longer mean a module."""
    for name in names:
        if name in env:
            env[name] = None


def _bind_import(node, env):
    constants = physical_constants.MODULE
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == constants:
        for alias in node.names:  # from scipy.constants import h, c, k (numbers: physical_constants)
            env[alias.asname or alias.name] = f"{constants}.{alias.name}" if alias.name != "*" else None
        return
    if isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].name == constants:
        alias = node.names[0]  # import scipy.constants as const; import scipy.constants (scipy.constants.h)
        env[alias.asname or "scipy"] = constants if alias.asname else "scipy"
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "scipy" and \
            [alias.name for alias in node.names] == ["constants"]:
        env[node.names[0].asname or "constants"] = constants  # from scipy import constants
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == rotations.MODULE:
        for alias in node.names:  # from scipy.spatial.transform import Rotation as R (its matrices: rotations)
            env[alias.asname or alias.name] = f"{rotations.MODULE}.Rotation" if alias.name == "Rotation" else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in ("scipy.spatial.distance",
                                                                              "scipy.spatial", "scipy.optimize"):
        for alias in node.names:  # from scipy.spatial.distance import cdist; from scipy.spatial import distance;
            meaning = f"{node.module}.{alias.name}"  # from scipy.optimize import rosen
            env[alias.asname or alias.name] = meaning if meaning.startswith(
                (distances.MODULE, scipy_optimize.MODULE, rotations.MODULE)) else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "scipy" and \
            any(alias.name == "optimize" for alias in node.names):
        for alias in node.names:  # from scipy import optimize
            if alias.name == "optimize":
                env[alias.asname or alias.name] = scipy_optimize.MODULE
            else:
                _bind_import(ast.ImportFrom(module="scipy", names=[alias], level=0), env)
        return
    packages = (distances.MODULE, "scipy.spatial", "scipy", scipy_optimize.MODULE, rotations.MODULE)
    if isinstance(node, ast.Import) and any(a.name in packages for a in node.names):
        for alias in node.names:  # import scipy.spatial.distance as ssd; import scipy.spatial.distance
            if alias.name == "scipy" or alias.name in packages and not alias.asname:
                env[alias.asname or "scipy"] = "scipy"  # (scipy.spatial.distance.cdist, sp.special.expit read
                # through the package, as SciPy loads its modules when they are first read)
            elif alias.name in packages:  # (import scipy.optimize as opt)
                env[alias.asname] = alias.name if alias.name in (distances.MODULE, scipy_optimize.MODULE,
                                                                 rotations.MODULE) else None
        rest = [alias for alias in node.names if alias.name not in packages]
        if rest:  # (import scipy, math: the others as any import binds them)
            _bind_import(ast.Import(names=rest), env)
        return
    if isinstance(node, ast.Import) and any(a.name in SCIPY_SPECIAL or stats_meaning(a.name) or linalg_meaning(a.name)
                                            for a in node.names):
        for alias in node.names:  # import scipy.special as sp; import scipy.special (scipy.special.erf)
            package = alias.name.split(".")[0]
            if alias.name in SCIPY_SPECIAL:
                env[alias.asname or package] = "scipy.special" if alias.asname else package
            elif stats_meaning(alias.name):  # import autograd.scipy.stats.norm as norm; import scipy.stats
                env[alias.asname or package] = stats_meaning(alias.name) if alias.asname else package
            elif linalg_meaning(alias.name):  # import scipy.linalg as sla; import scipy.linalg
                env[alias.asname or package] = "scipy.linalg" if alias.asname else package
            else:  # (import math, scipy.special: math as any import binds it)
                _bind_import(ast.Import(names=[alias]), env)
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in SCIPY_SPECIAL:
        for alias in node.names:  # from scipy.special import expit, logsumexp
            env[alias.asname or alias.name] = f"scipy.special.{alias.name}"
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in SCIPY_LINALG:
        for alias in node.names:  # from scipy.linalg import cho_factor, cho_solve
            env[alias.asname or alias.name] = f"scipy.linalg.{alias.name}"
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in SCIPY_INTEGRATE:
        for alias in node.names:  # from scipy.integrate import trapezoid: NumPy's, of the same signature
            env[alias.asname or alias.name] = SCIPY_INTEGRATE_AS_NUMPY.get(alias.name)
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in SCIPY_STATS:
        for alias in node.names:  # from scipy.stats import norm
            env[alias.asname or alias.name] = f"scipy.stats.{alias.name}"
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in ("scipy", "autograd.scipy", "jax.scipy"):
        for alias in node.names:  # from scipy import special
            env[alias.asname or alias.name] = {"special": "scipy.special", "stats": "scipy.stats",
                                               "linalg": "scipy.linalg", "signal": filters.MODULE}.get(alias.name)
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == filters.MODULE:
        for alias in node.names:  # from scipy.signal import lfilter
            env[alias.asname or alias.name] = f"{filters.MODULE}.{alias.name}" if alias.name in filters.FUNCTIONS \
                else None
        return
    if isinstance(node, ast.Import) and any(a.name == filters.MODULE for a in node.names):
        for alias in node.names:  # import scipy.signal (read through scipy, as scipy.special is), or as signal
            if alias.name != filters.MODULE:
                _bind_import(ast.Import(names=[alias]), env)
            elif alias.asname:
                env[alias.asname] = filters.MODULE
            elif env.get("scipy") != "scipy":
                env["scipy"] = "scipy"
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in ("autograd.misc", "autograd.misc.flatten",
                                                                              "jax.flatten_util"):
        for alias in node.names:  # from autograd.misc import flatten (of a structure of arrays: structured)
            env[alias.asname or alias.name] = {"flatten": "autograd.misc.flatten",
                                               "ravel_pytree": "jax.flatten_util.ravel_pytree"}.get(alias.name)
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "typing":
        for alias in node.names:  # from typing import cast (cast(T, v): v, ``modern_syntax.casts``), Optional...
            env[alias.asname or alias.name] = "typing.cast" if alias.name == "cast" else None
        return
    if isinstance(node, ast.ImportFrom) and node.module in ("itertools", "functools", "operator", "statistics"):
        for alias in node.names:  # from itertools import combinations (pairs, written as two loops); from
            # functools import reduce, from operator import mul (folds, written as the assignments they make)
            env[alias.asname or alias.name] = f"{node.module}.{alias.name}" if not node.level else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "numpy.lib.stride_tricks":
        for alias in node.names:  # from numpy.lib.stride_tricks import sliding_window_view
            env[alias.asname or alias.name] = f"numpy.lib.stride_tricks.{alias.name}" if alias.name != "*" else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "numpy.fft":
        for alias in node.names:  # from numpy.fft import rfft (its real parts read as sums: spectra)
            env[alias.asname or alias.name] = f"numpy.fft.{alias.name}" if alias.name != "*" else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in NUMPY_POLYNOMIALS:
        for alias in node.names:  # from numpy.polynomial.legendre import leggauss (a quadrature's nodes, weights)
            env[alias.asname or alias.name] = f"{node.module}.{alias.name}" if alias.name != "*" else None
        return
    if isinstance(node, ast.ImportFrom) and not node.level and node.module == "numpy.lib" and \
            any(alias.name == "stride_tricks" for alias in node.names):
        for alias in node.names:  # from numpy.lib import stride_tricks
            env[alias.asname or alias.name] = "numpy.lib.stride_tricks" if alias.name == "stride_tricks" else None
        return
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            if alias.name in ("itertools", "functools", "operator", "statistics", "typing"):
                env[local] = alias.name
                continue
            if alias.name == "numpy.lib.stride_tricks" and alias.asname:  # import numpy.lib.stride_tricks as st
                env[local] = alias.name
                continue
            module = "numpy" if alias.name in NUMPY_LIKE and alias.asname else alias.name
            if alias.name in LINALG_LIKE and alias.asname:  # import numpy.linalg as la
                env[local] = "numpy.linalg"
                continue
            env[local] = module if module in MODULES and (alias.asname or "." not in module) else None
    elif node.module in LINALG_LIKE and not node.level:  # from numpy.linalg import solve (autograd's spelling too)
        for alias in node.names:
            env[alias.asname or alias.name] = f"numpy.linalg.{alias.name}" if alias.name != "*" else None
    elif (node.module in MODULES or node.module in NUMPY_LIKE) and not node.level:
        module = "numpy" if node.module in NUMPY_LIKE else node.module
        for alias in node.names:
            if alias.name == "*":  # from math import *: every public name of the module, as Python binds them
                env.update({name: f"{module}.{name}" for name in _public(MODULES[module])})
            else:
                env[alias.asname or alias.name] = f"{module}.{alias.name}"
    else:
        for alias in node.names:
            env[alias.asname or alias.name] = None


def _public(module):
    """The names ``from module import *`` binds: its ``__all__``, else those not starting with ``_``."""
    return getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]


_DEFAULT_MODULE_NUMBERS = {"math": ("pi", "e", "tau"), "numpy": ("pi", "e", "euler_gamma")}


def _module_number(forward, node):
    """The number ``node`` names of math's or NumPy's constants (``np.pi``, ``math.tau``, ``pi``
    imported from math), else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module, attr = forward.env.get(node.value.id), node.attr
    elif isinstance(node, ast.Name) and node.id not in forward.constants:
        module, _, attr = (forward.env.get(node.id) or "").rpartition(".")
    else:
        return None
    if attr not in _DEFAULT_MODULE_NUMBERS.get(module, ()):
        return None
    return float(getattr(math if module == "math" else numpy, attr))


def _constant_defaults(forward):
    """Defaults written with the module's numbers (``Cv=1.5 * R``, ``R = 8.314`` above) or with math's
    and NumPy's constants (``c=2 * np.pi``, Ackley's): those numbers put in, so that the default is
    arithmetic on numbers."""
    constants, args = forward.constants, forward.func.args

    class Put(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in constants:
                return ast.copy_location(ast.parse(constants[node.id], mode="eval").body, node)
            value = _module_number(forward, node)
            return node if value is None else ast.copy_location(ast.Constant(value), node)

        def visit_Attribute(self, node):
            value = _module_number(forward, node)
            return self.generic_visit(node) if value is None else ast.copy_location(ast.Constant(value), node)
    for defaults in (args.defaults, args.kw_defaults):
        for k, default in enumerate(defaults):
            if default is not None and any(isinstance(n, ast.Name) and n.id in constants or
                                           _module_number(forward, n) is not None for n in walk(default)):
                defaults[k] = Put().visit(tree_copy(default))


_MODULES_READ = {"numpy": numpy, "math": math}  # (the modules whose functions getattr(np, "tanh") names)


def _read_function(func):
    func_node, filename, lines = _function_node(func)
    scope = func.__globals__
    module = functools.cache(lambda: _module_tree(filename))  # (the module's source, read once where asked)
    counts = functools.cache(lambda: _binding_counts(module()) if module() is not None else {})
    if "getattr" not in scope and any(isinstance(n, ast.Name) and n.id == "getattr" for n in walk(func_node)):
        getattr_calls.rewrite(func_node, lambda name: next((m for m in _MODULES_READ.values() if scope.get(name) is m),
                                                           None),  # (getattr(np, ACT)(x) of ACT = "tanh" the
                              lambda name: scope.get(name) if type(scope.get(name)) is str and  # module binds once)
                              counts().get(name) == 1 else None)
    if any(isinstance(value, functools.partial) for value in scope.values()) and module() is not None:
        numpy_names = sorted(n for n, v in scope.items() if v is numpy)  # (clip = partial(np.clip, a_min=-1.0, ...))
        bound_calls.live_partials(func_node, scope, counts(), lambda value: dispatch.spelled(value, scope, numpy_names))
    func_node = function_aliases.rewrite(func_node, functools.partial(_holds_function, func.__globals__))
    if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Subscript) for n in walk(func_node)):
        func_node = dispatch.rewrite(func_node, dispatch.live_tables(func.__globals__, module()))
    aliases, wrapped = {}, {}
    _put_class_constants(func_node, live_class_constants(func, func_node), lambda message, node: error_at(
        message, filename, lines, node))
    forward = Forward(_strip_decorators(func_node), filename, lines, _function_env(func, func_node),
                      _function_helpers(func, func_node, aliases, wrapped), aliases=aliases, wrapped=wrapped,
                      closure=frozenset(inspect.getclosurevars(func).nonlocals))
    _own_methods(func, forward)
    _static_calls(func, forward)
    _live_objects(func, forward)
    for default in func_node.args.defaults + [d for d in func_node.args.kw_defaults if d is not None]:
        value = func.__globals__.get(default.id) if isinstance(default, ast.Name) else None  # (act=relu: the
        if isinstance(value, types.FunctionType) and _describe(value) is None and not _library(value) and \
                getattr(value, "__wrapped__", None) is None and value.__name__ == default.id:  # user's function
            forward.helpers.setdefault(default.id, value)  # the parameter is read as)
    _live_defaults(func, forward.func)
    names = names_of(func_node)
    outer = dict(func.__globals__, **inspect.getclosurevars(func).nonlocals)
    forward.constants.update({n: _number_literal(outer[n]) for n in names if n in outer and _number_literal(outer[n])})
    own = names - set(inspect.getclosurevars(func).nonlocals)  # (a closure's name is not the module's)
    forward.literals.update(_live_literal_lists(func, filename, own))
    forward.literals.update(closure_lists(forward.func, inspect.getclosurevars(func).nonlocals,  # (a factory's
                                          lambda n: _library_meaning(_describe(outer.get(n)))))  # shapes)
    _module_arrays_passed(func, forward)
    return forward


def module_arrays_read(func, seen=None):
    """The names (sorted) of the arrays of numbers of ``func``'s module that it reads as globals, written
    out nowhere in its file (``X = np.load(...)``, ``data = rng.normal(size=(6, 2))``), and that the
    functions of that module it calls read in turn: what a helper of the user's reading data its module
    holds is given as leading parameters of its own (``_module_arrays_passed``), the function decorated
    reading them as inputs it is not given (``free_arrays``)."""
    seen = set() if seen is None else seen
    code = getattr(func, "__code__", None)
    if code is None or id(func) in seen:
        return ()
    seen.add(id(func))
    names, stack = set(), [code]
    while stack:  # (the names it reads as globals: not an attribute, x.T, beside a module's array T)
        c = stack.pop()
        names.update(i.argval for i in dis.get_instructions(c) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME"))
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    scope = func.__globals__
    arrays = {n for n in names if isinstance(scope.get(n), numpy.ndarray) and scope[n].dtype.kind in "biuf"}
    if arrays:
        try:
            arrays -= set(_live_literal_lists(func, inspect.getsourcefile(func) or "", arrays))
        except (OSError, TypeError):
            return ()
    for name in names:
        value = scope.get(name)
        if isinstance(value, types.FunctionType) and value.__globals__ is scope and not _library(value) and \
                getattr(value, "__wrapped__", None) is None:
            arrays.update(module_arrays_read(value, seen))
    return tuple(sorted(arrays))


def _module_arrays_passed(func, forward):
    """Each call in ``forward`` of a helper of the user's of the same module that reads arrays of that module
    (``module_arrays_read``) passes them first, by their names, where the function neither binds nor takes
    those names nor reads them from a closure (the helper, read, takes them first: ``read``)."""
    helpers = {name: value for name, value in forward.helpers.items() if isinstance(value, types.FunctionType)
               and value.__globals__ is func.__globals__}
    if not helpers:
        return
    own = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(forward.func) if isinstance(a, ast.arg)} | set(func.__code__.co_freevars)
    for node in walk(forward.func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            needs = module_arrays_read(helpers[node.func.id])
            if set(needs) & own:
                name = sorted(set(needs) & own)[0]
                raise forward.error(f"{node.func.id}() reads the array {name} of its module, a name "
                                    f"{forward.func.name}() gives a value of its own: pass {name} to "
                                    f"{node.func.id}() as a parameter", node)
            if needs:
                made = [ast.copy_location(ast.Name(n, ast.Load()), node) for n in needs]
                for name in made:
                    name.module_array_of = node.func.id  # (what a refusal of it says: stage)
                node.args = made + node.args


def live_class_constants(func, node):
    """``{(class, name): value}`` of the numbers, strings and booleans the live function ``func`` (its def
    ``node``) reads as attributes of a class it names (``BatchNorm.EPS``, a class of the user's, not
    Python's or a library's), as they are now (the decorator keys its code on them: ``api._global_values``)."""
    outer = dict(func.__globals__, **inspect.getclosurevars(func).nonlocals)
    found = {}
    for name, attr in _attributes_of_names(node):
        cls = outer.get(name)
        if settings_object(cls):  # (CFG = Config(alpha=0.3): its fields as they are now)
            value = getattr(cls, attr, None)
            if type(value) in (int, float, str, bool):
                found[name, attr] = value
            continue
        if isinstance(cls, type) and users_class(cls):
            value = getattr(cls, attr, None)
            if type(value) in (int, float, str, bool):
                found[name, attr] = value
            elif isinstance(value, enum.Enum) and type(value) is cls and type(value.value) in (int, float, str, bool):
                if isinstance(value, (int, str)):  # (a member equal to its value, IntEnum's: that value; a plain
                    found[name, attr] = value.value  # Enum's member itself none: ``_enum_members``)
                found[name, f"{attr}.value"], found[name, f"{attr}.name"] = value.value, value.name
    return found


def _attributes_of_names(node):
    """The ``(name, attribute)`` pairs the def ``node`` reads as ``name.attribute``."""
    return tuple(dict.fromkeys((sub.value.id, sub.attr) for sub in walk(node) if isinstance(sub, ast.Attribute)
                               and isinstance(sub.ctx, ast.Load) and isinstance(sub.value, ast.Name)))


def settings_object(value):
    """Whether ``value``, bound to a name of a live function's module, is an object holding settings: a
    ``typing.NamedTuple``'s or a dataclass's of the user's, a ``types.SimpleNamespace`` or an
    ``argparse.Namespace`` (whose numbers, strings and booleans ``live_class_constants`` reads as constants,
    as they are at each call: the decorator keys its code on them, ``api._global_values``)."""
    cls = type(value)
    if cls is types.SimpleNamespace or cls.__name__ == "Namespace" and cls.__module__ == "argparse":
        return True
    if not users_class(cls):
        return False
    if isinstance(value, tuple) and hasattr(cls, "_fields"):
        return True
    return getattr(cls, "__dataclass_params__", None) is not None and not isinstance(value, type)


def users_class(cls):
    """Whether ``cls`` is a class of the user's code, not Python's, NumPy's or another library's."""
    name = getattr(cls, "__module__", None) or "builtins"
    if name == "builtins":
        return False
    filename = getattr(sys.modules.get(name), "__file__", None)
    return filename is None or not _library_file(filename)


def _number_literal(value):
    """The literal of a number a live function reads from its module (``EPS = 1e-8``; a NumPy number as
    Python's, ``LOG2PI = np.log(2 * np.pi)``, ``Z99 = norm.ppf(0.99)``, ``EPS = np.finfo(float).eps``), or of
    a string or a boolean (a setting: ``CALL = "call"``, ``DEBUG = False``), as a module's source gives them;
    None for any other value.  An infinity (``INF = np.inf``) is the literal that reads as one, ``1e999``."""
    if (type(value) is float or isinstance(value, numpy.floating)) and value in (math.inf, -math.inf):
        return "1e999" if value > 0 else "-1e999"
    if type(value) in (int, float, str, bool):
        return repr(value)
    if isinstance(value, numpy.floating) and math.isfinite(value):
        return repr(float(value))
    if isinstance(value, numpy.integer):
        return repr(int(value))
    return None


def self_calls(node):
    """The names of the object's own methods a method's def ``node`` calls (``self._sigmoid(z)``); a call of
    the object itself, ``self(x)``, is made the call of its ``__call__`` it is (``self.__call__(x)``)."""
    if not node.args.args or node.args.args[0].arg != "self":
        return set()
    for call in walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "self":
            call.func = ast.copy_location(ast.Attribute(call.func, "__call__", ast.Load()), call.func)
    return {call.func.attr for call in walk(node) if isinstance(call, ast.Call) and
            isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and
            call.func.value.id == "self"}


SELF_CLASS = contextvars.ContextVar("backgen_self_class", default=None)  # (reading_for's class)
SELF_HELD = contextvars.ContextVar("backgen_self_held", default=())  # (reading_for's held objects)


@contextlib.contextmanager
def reading_for(cls, held=()):
    """Methods read in this block find the object's own methods they call on ``cls`` (the class of the object
    a decorated method is called on: a subclass of the one defining it), where it holds them, and the
    objects it holds (``held``: ``held_objects.described`` of it)."""
    token, held_token = SELF_CLASS.set(cls), SELF_HELD.set(tuple(held))
    try:
        yield
    finally:
        SELF_CLASS.reset(token)
        SELF_HELD.reset(held_token)


def owner_class(func):
    """The class whose methods a live method's ``self`` finds: that of ``reading_for`` where the method is
    one of its own or its bases' (``Sphere`` for ``TestFunction.value``, called on a ``Sphere``), else the
    class it is defined in, as its module binds it now (``Model`` of ``Model.loss``), else None (a class
    defined in a function, or one its module has not bound yet: its body is still running)."""
    given = SELF_CLASS.get()
    if given is not None and any(getattr(v, "_func", v) is func or getattr(v, "__func__", None) is func
                                 for v in (vars(k).get(func.__name__) for k in given.__mro__)):
        return given
    owner, _, _ = func.__qualname__.rpartition(".")
    if not owner or "<locals>" in owner:
        return None
    parts = owner.split(".")
    value = func.__globals__.get(parts[0])
    for part in parts[1:]:
        value = getattr(value, part, None)
    return value if isinstance(value, type) else None


def _own_methods(func, forward):
    """A live method's calls of the object's own methods (``self._sigmoid(z)``, ``self.kernel(X, X, ell)``)
    made calls of helpers, each the method it calls (found on the class as Python finds it) as a function:
    a static method as it is, a method reading no ``self`` without it, one reading attributes of ``self``
    only (``self.gamma``) as the function of them ``backgen.methods`` makes it, called with them
    (``kernel(self.gamma, X, X, ell)``, whose reads of ``self`` the caller's attributes then count); a
    method calling the object's methods in turn has those read so first.  Others (one writing into
    ``self`` or passing it on, a property, a method calling itself) stay calls of methods, refused where
    they are staged.  ``forward.own_methods`` gets what the class holds under each name read so: an
    object whose class (or itself) holds another there is refused by the decorator."""
    _held_calls(func, forward)
    called = self_calls(forward.func)
    cls = owner_class(func) if called else None
    if cls is None:
        return
    forward.held_callables.update(name for name in called if inspect.getattr_static(cls, mangled(func, name), None)
                                  is None)  # (self.fc1(x): an object, or a function, the instance holds)
    taken = names_of(forward.func) | set(func.__globals__) | \
        set(forward.helpers) | set(BUILTINS) | {a.arg for a in forward.func.args.args}
    made = {}  # method name -> (helper name, the attributes of self it is given), or None: not read so

    def make(name, stack):
        if name not in made:
            made[name] = None if name in stack else _own_method(cls, func, name, stack, made, make, taken, forward)
        return made[name]
    for name in sorted(called):
        make(name, frozenset())
    hand_back(forward, forward.helpers, made, {name: (_stored_by(cls, name, frozenset()), _stored_by(
        cls, name, frozenset(), direct=True)) for name in called if made.get(name) is not None})
    _state_read_after(forward.func, forward.filename, forward.lines, cls, made, self_calls(forward.func))
    _calls_of_helpers(forward.func, made)


def _held_calls(func, forward):
    """A live method's calls of the objects its object holds (``self.fc1(x)``, ``layer(x)`` in ``for layer in
    self.layers:``; ``SELF_HELD``) made calls of helpers, each method called (``Linear.__call__``) as the
    function of what it reads of its object, as ``_own_methods`` reads the object's own (those it calls of
    its own object, and of the objects that one holds, read so in turn); see ``held_objects``.
    ``forward.held_objects`` gets the paths of the objects read so, by their classes."""
    held = {path: cls for path, cls, _ in SELF_HELD.get()}
    own = {path: names for path, _, names in SELF_HELD.get()}  # (the attributes each holds of its own)
    tops = {path.split(".")[0] for path in held}
    if not any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self" and
               n.attr in tops for n in walk(forward.func)):
        return  # (none of them read)
    taken = names_of(forward.func) | set(func.__globals__) | \
        set(forward.helpers) | set(BUILTINS) | {a.arg for a in forward.func.args.args}
    made = {}  # (class, what its object holds) -> {method name: (helper name, attributes) or None}

    class Reader:
        def __init__(self):
            self.names = set()  # the helpers made

        def helper(self, cls, name, inner):
            table = made.setdefault((cls, tuple(sorted(inner.items(), key=lambda item: item[0]))), {})
            member = inspect.getattr_static(cls, name, None)
            if not isinstance(member, types.FunctionType) or _library(member):
                return None  # (a library's class, a static method or a property: not read so)

            def make(called, stack):
                if called not in table:
                    table[called] = None if called in stack else _own_method(
                        cls, member, called, stack, table, make, taken, forward, held=(inner, self))
                    if table[called] is not None:
                        self.names.add(table[called][0])
                return table[called]
            return make(name, frozenset())

        def stored(self, cls, name):
            return _stored_by(cls, name, frozenset())

        def known(self, test, cls, path, argument):
            if test == "hasattr":
                if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
                    return None
                return argument.value in own[path] or hasattr(cls, argument.value)
            classes = argument.elts if isinstance(argument, ast.Tuple) else [argument]
            found = [_live_value(c, func) for c in classes]
            return issubclass(cls, tuple(found)) if all(isinstance(c, type) for c in found) else None

        def refuse(self, node, message):
            raise error_at(message, forward.filename, forward.lines, node)
    used = held_objects.rewrite(forward.func, held, Reader())
    forward.held_objects.update({path: held[path] for path in used})


def _live_value(node, func):
    """What the name or dotted name ``node`` (``Linear``, ``layers.Linear``) is where the live function
    ``func`` reads it (its closure, its module, the builtins), or None."""
    if isinstance(node, ast.Attribute):
        inner = _live_value(node.value, func)
        return getattr(inner, node.attr, None) if inner is not None else None
    if not isinstance(node, ast.Name):
        return None
    scopes = (inspect.getclosurevars(func).nonlocals, func.__globals__, vars(builtins))
    return next((scope[node.id] for scope in scopes if node.id in scope), None)


def mangled(func, name):
    """The name Python looks up for ``self.name`` written in the method ``func``: a private name
    (``self.__sigmoid``, not ending in two underscores) of the class the method is defined in
    (``_LogisticRegression__sigmoid``), others as they are."""
    owner = func.__qualname__.split(".")[-2] if func.__qualname__.count(".") else ""
    if name.startswith("__") and not name.endswith("__") and owner and owner != "<locals>" and owner.strip("_"):
        return f"_{owner.lstrip('_')}{name}"
    return name


def _stored_by(cls, name, seen, direct=False):
    """The attributes of ``self`` the method ``name`` of ``cls`` sets, itself or through the object's own
    methods it calls (``direct``: itself)."""
    member = inspect.getattr_static(cls, name, None) or inspect.getattr_static(cls, f"_{cls.__name__.lstrip('_')}{name}", None)
    if not isinstance(member, types.FunctionType) or name in seen:
        return set()
    try:
        node = _function_node(member)[0]
    except (BackgenError, NoSourceError):
        return set()
    stored = attribute_stores(node)
    for call in walk(node) if not direct else ():
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                isinstance(call.func.value, ast.Name) and call.func.value.id == "self":
            stored |= _stored_by(cls, call.func.attr, seen | {name})
    return stored


def _state_read_after(func, filename, lines, cls, made, called):
    """Refuse a method reading an attribute of ``self`` that an own method it calls sets (``self.feedforward()``
    setting ``self.output``, then ``self.y - self.output``): that method is read as the function of the
    attributes it reads, so what it leaves on the object is no value the caller would see; the caller
    reading it (or another method it calls reading it) would take the attribute's value before the call.
    ``called``: the names of the methods ``func`` calls, ``made`` what each was made."""
    sets = {name: _stored_by(cls, name, frozenset()) for name in called if made.get(name) is not None}
    if not any(sets.values()):
        return
    read_by = {name: set(made[name][1]) for name in made if made[name] is not None}
    for node in walk(func):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and \
                isinstance(node.value, ast.Name) and node.value.id == "self":
            setter = next((m for m in sorted(sets) if node.attr in sets[m]), None)
            if setter is not None:
                raise error_at(
                    f"self.{node.attr} is set by self.{setter}(), which backgen reads as a function of the "
                    f"attributes it reads, not as a change of the object: it hands what {setter} keeps back to "
                    f"reads after a call of it standing alone at the top level of this method (not in a loop "
                    f"or a branch, read after it, {setter} ending in its one return); else have {setter} "
                    f"return self.{node.attr} and read what the call returns",
                    filename, lines, node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "self" and \
                node.func.attr in read_by:
            for other in sorted(sets):
                shared = sorted(read_by[node.func.attr] & sets[other]) if other != node.func.attr else []
                if shared:
                    raise error_at(
                        f"self.{node.func.attr}() reads self.{shared[0]}, which self.{other}() sets: backgen "
                        f"reads each as a function of the attributes it reads, not as a change of the object: "
                        f"return the value from {other} and pass it to {node.func.attr}",
                        filename, lines, node.func)


def _own_method(cls, func, name, stack, made, make, taken, forward, held=None):
    """``(helper, attributes)`` of the method ``name`` of ``cls`` made a helper of ``forward`` (see
    ``_own_methods``), or None; ``held``: of an object the object holds (``_held_calls``), ``(what that object
    holds, the reader of those)``, its helper named for its class (``Linear_call``, ``Dense_forward``)."""
    from . import methods  # (the method's own reading of self: imported where needed)
    name_held = mangled(func, name)
    member = inspect.getattr_static(cls, name_held, None)
    target = member.__func__ if isinstance(member, staticmethod) else member
    if not isinstance(target, types.FunctionType) or target is func and held is None or \
            getattr(target, "__wrapped__", None) is not None:
        return None
    try:
        node, filename, lines = _function_node(target)
    except (BackgenError, NoSourceError):
        return None
    node, attrs = _strip_decorators(node), ()
    inner = set()
    if not isinstance(member, staticmethod):
        if not node.args.args or node.args.args[0].arg != "self":
            return None
        held_here = held_objects.rewrite(node, *held) if held is not None else ()  # (self.inner(x): the
        inner = self_calls(node)  # objects it holds, read as their helpers)
        if any(make(n, stack | {name}) is None for n in sorted(inner)):
            return None
        _state_read_after(node, filename, lines, cls, made, inner)
        _calls_of_helpers(node, made)
        attrs = methods.attributes(node, held_here) if _reads_self(node) else ()  # (what it sets and then
        if attrs:  # reads, self.output, local names now)
            node = methods.as_function(Forward(node, filename, lines, {}), attrs).func
        elif _reads_self(node):  # (self passed on, written into: a method it stays)
            return None
        else:
            node.args.args = node.args.args[1:]
    called = [made[n][0] for n in inner]  # (the helpers it calls: of its own methods, and of the objects it
    called += _helpers_named(node, held[1].names) if held is not None else []  # holds)
    helper = _method_helper(forward, target, node, filename, lines,
                            f"{cls.__name__}_{name.strip('_')}" if held is not None else name, cls, taken,
                            {h: forward.helpers[h] for h in called})
    if held is None:  # (what the object's class holds there: checked on each object the method is called on)
        forward.own_methods[name_held] = member
    return helper, attrs


def _reads_self(node):
    """Whether the method's def ``node`` names ``self`` in its body."""
    return any(isinstance(n, ast.Name) and n.id == "self" for n in walk(node))


def _helpers_named(node, names):
    """Those of ``names`` the def ``node`` calls."""
    return sorted({n.func.id for n in walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                   and n.func.id in names})


def _method_helper(forward, target, node, filename, lines, name, cls, taken, called=None):
    """The name of a helper of ``forward`` made of the def ``node`` of the function ``target`` (a method of
    ``cls``, as a function): ``name`` where that is free, else ``Class_name``; ``called``: the helpers it
    calls, beside the module's functions it calls."""
    stem = f"{cls.__name__}_{name.strip('_')}"
    helper = name if name not in taken and not name.startswith("__") else next(f"{stem}{k or ''}" for k in itertools.count()
                                                 if f"{stem}{k or ''}" not in taken)
    taken.add(helper)
    node.name = helper
    _live_helper(forward, target, node, filename, lines, called)
    return helper


def _live_helper(forward, target, node, filename, lines, called=None):
    """The def ``node`` (of the live function ``target``, as a function) made the helper of ``forward``
    named ``node.name``; ``called``: the helpers it calls, beside the module's functions it calls."""
    names = names_of(node)
    outer = dict(target.__globals__, **inspect.getclosurevars(target).nonlocals)
    helpers = _function_helpers(target, node)
    helpers.update(called or {})
    own = names - set(inspect.getclosurevars(target).nonlocals)  # (the module's lists of numbers it reads)
    forward.helpers[node.name] = Nested(node, filename, tuple(lines), _function_env(target, node), helpers,
                                        {n: repr(outer[n]) for n in names if type(outer.get(n)) in (int, float)},
                                        literals=_live_literal_lists(target, filename, own))


def _static_calls(func, forward):
    """A live function's calls of a static method by its class's name (``Benchmarks.sphere(x)``, the class
    bound by its module, or its closure, and by no name of the function) made calls of a helper, that
    method as it is."""
    calls = [c for c in walk(forward.func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
             and isinstance(c.func.value, ast.Name)]
    if not calls:
        return
    closure = inspect.getclosurevars(func).nonlocals
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(forward.func) if isinstance(a, ast.arg)}
    statics = {}
    for call in calls:
        owner_name, name = call.func.value.id, call.func.attr
        owner = closure.get(owner_name, func.__globals__.get(owner_name))
        if owner_name in bound or not isinstance(owner, type) or forward.env.get(owner_name):
            continue  # (a library's class the environment reads, scipy's Rotation: not the user's)
        member = inspect.getattr_static(owner, name, None)
        if isinstance(member, staticmethod) and isinstance(member.__func__, types.FunctionType) and \
                getattr(member.__func__, "__wrapped__", None) is None and member.__func__ is not func:
            statics[(owner_name, name)] = (owner, member.__func__)
    if not statics:
        return
    taken = names_of(forward.func) | set(func.__globals__) | \
        set(forward.helpers) | set(BUILTINS) | {a.arg for a in forward.func.args.args}
    made = {}
    for (owner_name, name), (owner, target) in sorted(statics.items()):
        try:
            node, filename, lines = _function_node(target)
        except (BackgenError, NoSourceError):
            continue
        made[(owner_name, name)] = _method_helper(forward, target, _strip_decorators(node), filename, lines,
                                                  name, owner, taken)
    _owner_calls_named(forward.func, made)
    ast.fix_missing_locations(forward.func)


def _live_objects(func, forward):
    """Objects a live function makes of its module's own classes (each the class its module's source
    defines at its top level, and its globals hold) read as names and calls of helpers made of their
    methods, as ``_source_objects`` reads them."""
    def live_classes(names):
        return {name: value for name in names for value in [func.__globals__.get(name)]
                if isinstance(value, type) and value.__module__ == func.__module__ and value.__qualname__ == name}
    used = names_of(forward.func)
    candidates = live_classes(used)
    if not candidates:
        return
    module = _module_tree(forward.filename)
    if module is None:
        return
    _, last = _module_env(module)
    classes, _ = _plain_classes(module, last)
    chosen = _with_held({name: node for name, node in classes.items() if name in candidates}, classes)
    candidates.update(live_classes(set(chosen) - set(candidates)))
    classes = {name: node for name, node in chosen.items() if name in candidates}
    found = objects.blueprints(module, classes, _class_constants(module, last), _bound_once(module, last))
    found = {name: bp for name, bp in found.items() if name in candidates and (
        not isinstance(bp.node, ast.Call) or getattr(candidates[name], "_fields", None) == tuple(p for p, _ in bp.params))}
    forward.unfollowed.update({name: objects.why_not(node, chosen) for name, node in classes.items()
                               if name not in found and name in used})
    if not found:
        return
    taken = used | set(func.__globals__) | set(forward.helpers) | set(BUILTINS)

    def helper(owner, method, node, called):
        target = next((k.__dict__[method] for k in candidates[owner].__mro__ if method in k.__dict__), None)
        target = target.__func__ if isinstance(target, staticmethod) else \
            target.fget if isinstance(target, property) else target
        if not isinstance(target, types.FunctionType):
            raise error_at(f"{owner}.{method} is not the function the source defines", forward.filename,
                           forward.lines, node)
        _live_helper(forward, target, node, forward.filename, forward.lines,
                     {name: forward.helpers[name] for name in called})
        return node.name
    objects.written_out(forward.func, found, helper, lambda message, node: error_at(
        message, forward.filename, forward.lines, node), taken)


def _calls_of_helpers(func, made):
    """Each ``self.m(a)`` in ``func`` of a method ``made`` a helper: ``helper(self.attr, ..., a)``."""
    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            callee = node.func
            if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
                    callee.value.id == "self" and made.get(callee.attr) is not None:
                helper, attrs = made[callee.attr]
                reads = [ast.copy_location(ast.Attribute(ast.Name("self", ast.Load()), a, ast.Load()), callee)
                         for a in attrs]
                node.func = ast.copy_location(ast.Name(helper, ast.Load()), callee)
                node.args = reads + node.args
            return node
    Calls().visit(func)
    ast.fix_missing_locations(func)


def _live_defaults(func, node):
    """A default of a live function that reads names (``k=K``) is the value Python gave it as the def
    ran (``func.__defaults__``), not what those names hold now: put in where it is a number, a string,
    a boolean, None or a tuple of those."""
    args = node.args
    live = [(args.defaults, list(func.__defaults__ or ()))]
    kwdefaults = func.__kwdefaults__ or {}
    live.append((args.kw_defaults, [kwdefaults.get(a.arg) for a in args.kwonlyargs]))
    for written, values in live:
        if len(written) != len(values):  # (__defaults__ changed since: left as written)
            continue
        for k, (default, value) in enumerate(zip(written, values)):
            if isinstance(value, enum.Enum) and isinstance(value, (int, str)) and type(value.value) in (int, str):
                value = value.value  # (an IntEnum's or StrEnum's member: the value it equals)
            if default is not None and any(isinstance(n, ast.Name) for n in walk(default)) and _written_out(value):
                written[k] = ast.copy_location(ast.parse(repr(value), mode="eval").body, default)
                ast.fix_missing_locations(written[k])


def _written_out(value):
    """Whether ``repr(value)`` is the literal of a number (a finite one), string, boolean, None or a tuple of
    those."""
    if type(value) is tuple:
        return all(map(_written_out, value))
    return value is None or type(value) in (int, bool, str) or type(value) is float and math.isfinite(value)


def _module_tree(filename):
    """The tree of the module in the file ``filename``; None where it cannot be read."""
    try:
        with tokenize.open(filename) as handle:
            return ast.parse(handle.read(), filename)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _live_literal_lists(func, filename, names):
    """The literal lists (``literals.literal_lists``) of a live function's file that it reads, each
    holding in the running module the values its source writes."""
    if not names & {n for n, v in func.__globals__.items() if isinstance(v, (list, tuple, dict, numpy.ndarray))}:
        return {}
    try:
        with tokenize.open(filename) as handle:
            module = ast.parse(handle.read(), filename)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    fold_numbers(module, lambda n: _describe(func.__globals__.get(n)))
    found = literal_lists(module, lambda n: _library_meaning(_describe(func.__globals__.get(n))),
                          lambda n: _describe(func.__globals__.get(n)))
    return {n: node for n, node in found.items() if n in names and _same_literal(func.__globals__.get(n), node)}


def _same_literal(value, node):
    """Whether ``value`` is what the literal ``node`` (lists and tuples of numbers, or ``np.array`` of
    one) computes, kind for kind and number for number."""
    array = isinstance(node, ast.Call)
    try:
        literal = eval(compile(ast.Expression(node.args[0] if array else node), "<literal>", "eval"),
                       {"__builtins__": {}})
    except Exception:  # noqa: BLE001 - 1 / 0 written in the module: no constant
        return False
    if array:  # (the same numbers, and the same dtype where the call gives none)
        expected = numpy.array(literal)
        return isinstance(value, numpy.ndarray) and value.shape == expected.shape and \
            numpy.array_equal(value, expected) and (bool(node.keywords) or value.dtype == expected.dtype)
    return _same_value(value, literal)


def _same_value(value, literal):
    if isinstance(literal, dict):  # (a dict of numbers by strings)
        return type(value) is dict and list(value) == list(literal) and \
            all(_same_value(value[k], literal[k]) for k in literal)
    if isinstance(literal, (list, tuple)):
        return type(value) is type(literal) and len(value) == len(literal) and \
            all(_same_value(v, w) for v, w in zip(value, literal))
    return type(value) in (int, float) and value == literal


def _list_targets_as_tuples(func):
    """Each list display a statement assigns to (``[a, b] = pair``, ``for [x, y] in pairs``), in place, the
    tuple of the same names, which Python unpacks alike."""
    for node in walk(func):
        for target in node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.For, ast.comprehension)) else []:
            for part in walk(target):
                if isinstance(part, ast.List) and isinstance(part.ctx, ast.Store):
                    part.__class__ = ast.Tuple


def _underscore_named(func):
    """``_`` bound by ``func`` and read as a value there (``h, _ = pair(x)``, then ``if _ > 5.0``), in place, a
    name of its own throughout the function (``unnamed``, or ``unnamed1``... where that is taken): the later passes
    take ``_`` for a value bound and thrown away."""
    found = [node for node in walk(func) if isinstance(node, ast.Name) and node.id == "_"]
    if not any(isinstance(node.ctx, ast.Load) for node in found) or \
            not any(isinstance(node.ctx, ast.Store) for node in found) or \
            any(isinstance(node, ast.arg) and node.arg == "_" for node in walk(func)):
        return  # (a parameter named _, its own or a lambda's, or the module's _ = 3.0, kept as it is)
    used = names_of(func) | \
        {node.arg for node in walk(func) if isinstance(node, ast.arg)} | {func.name}
    name = fresh_names(used)("unnamed")
    for node in found:
        node.id = name


def _function_node(func):
    """``(FunctionDef, filename, lines)`` of a live function, with line and column numbers of its file.
    A function another decorator wrapped (``functools.wraps``) is refused: its source is the wrapper's,
    and what the wrapper does to the def's value, backgen cannot tell."""
    inner = inspect.unwrap(func) if getattr(func, "__wrapped__", None) is not None else func
    if inner is not func and isinstance(inner, types.FunctionType):
        try:
            lines, line = inspect.getsourcelines(inner)
            where = inspect.getsourcefile(inner) or "<string>"
        except (OSError, TypeError):
            lines, line, where = [""], None, getattr(inner.__code__, "co_filename", "<string>")
        code = func.__code__
        wrapper = f"{getattr(code, 'co_qualname', code.co_name)}() of {os.path.basename(code.co_filename)}"
        raise BackgenError(f"{inner.__qualname__}() is wrapped by another decorator ({wrapper}), whose code "
                           f"backgen does not read: put @backgen.backward right above the def, below the other "
                           f"decorators (or differentiate {inner.__name__}.__wrapped__)", where, line, 1,
                           lines[0].rstrip("\n"))
    try:
        raw_lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or "<string>"
    except (OSError, TypeError):
        raise NoSourceError(
            f"cannot read the source of {func.__qualname__}(): backgen reads source code, and a function "
            "typed at the interactive prompt or made by exec() has none it can find; define it in a file, "
            "or pass its source text to backgen.generate(source)"
        ) from None
    raw = "".join(raw_lines)
    source = textwrap.dedent(raw)
    indent = len(raw_lines[0]) - len(raw_lines[0].lstrip())
    module = parse_module(source, filename) if func.__name__ != "<lambda>" else _lambda_module(source, filename)
    if func.__name__ == "<lambda>" and not (module is not None and getattr(module.body[0], "from_lambda", False)):
        module = _lambda_within(func, source, first, indent, filename)
    if module is None or not isinstance(module.body[0], ast.FunctionDef):  # (a lambda that is not a whole
        raise BackgenError("lambda expressions are not supported: write a def", filename, first, 1,  # line's
                           raw_lines[0].rstrip("\n"))  # value: sorted(xs, key=lambda t: -t))
    func_node = module.body[0]
    if _runs_other_code(func, filename):
        raise BackgenError(f"the source of {func.__qualname__}() in this file is not the code Python runs: the "
                           f"file has changed since its module was imported (reload the module, "
                           f"importlib.reload, or restart), or a tool rewrote the function's code",
                           filename, first, 1, raw_lines[0].rstrip("\n"))
    for node in walk(module):
        if hasattr(node, "lineno"):
            node.lineno += first - 1
            node.col_offset += indent
            if getattr(node, "end_lineno", None):
                node.end_lineno += first - 1
                node.end_col_offset += indent
    try:
        with tokenize.open(filename) as handle:  # as Python reads it: a byte-order mark, a coding line
            lines = tuple(handle.read().splitlines())
    except (OSError, SyntaxError, UnicodeDecodeError):
        lines = ("",) * (first - 1) + tuple(raw.splitlines())
    return func_node, filename, lines


_FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, name).compiler_flag
                                                for name in __future__.all_feature_names), 0)


def _runs_other_code(func, filename):
    """Whether the file of a live function, as it reads now, compiles to other code for the function than
    the function runs: the file was changed after its module was imported (a notebook's module edited,
    not reloaded), and the gradient of its text would not be the function's.  The whole file is compiled
    (what the compiler makes of a line depends on the rest of its module), and the function's code is
    found by its name and line.  A module pytest rewrote the assertions of is not checked; nor is one
    whose text does not compile."""
    code = getattr(func, "__code__", None)
    if code is None or "@py_builtins" in func.__globals__ or "@pytest_ar" in func.__globals__:
        return False
    text = "".join(linecache.getlines(filename, func.__globals__))
    flags = code.co_flags & _FUTURE_FLAGS
    compiled = _compiled_files.get((filename, flags))
    if compiled is None or compiled[0] != text:
        try:
            compiled = (text, compile(text, filename, "exec", flags=flags, dont_inherit=True))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        _compiled_files[filename, flags] = compiled
    qualname = getattr(code, "co_qualname", None)
    stack = [compiled[1]]
    while stack:
        c = stack.pop()
        if c.co_name == code.co_name and c.co_firstlineno == code.co_firstlineno and \
                getattr(c, "co_qualname", None) == qualname and _code_signature(c) == _code_signature(code):
            return False
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    return True


_compiled_files = {}  # (filename, future flags) -> (its text, its code): the latest compiled of each


@functools.lru_cache(maxsize=1024)
def _code_signature(code):
    """What a code object does, its positions apart: its instructions by name and argument (a method's
    load, LOAD_METHOD, read as the attribute's load it is, LOAD_ATTR, which Python 3.11 writes for a
    module imported in the same compilation: a notebook compiles a cell's statements one by one;
    jumps by the instruction they reach), its names and constants.  (A code object never changes, and
    one equal to it is the same code: remembered.)"""
    instructions = list(dis.get_instructions(code))
    index = {i.offset: k for k, i in enumerate(instructions)}
    ops = tuple(("LOAD_ATTR" if i.opname == "LOAD_METHOD" else i.opname,
                 index.get(i.argval, i.argval) if i.opcode in _JUMPS else
                 None if isinstance(i.argval, types.CodeType) else i.argval)
                for i in instructions if i.opname != "EXTENDED_ARG")
    consts = tuple(_code_signature(k) if isinstance(k, types.CodeType) else (type(k).__name__, repr(k))
                   for k in code.co_consts)
    return (ops, code.co_varnames, code.co_freevars, code.co_cellvars, code.co_argcount, code.co_kwonlyargcount,
            consts)


_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


TRANSPARENT_DECORATORS = frozenset({"backward", "layer", "lru_cache", "cache", "jit", "njit", "staticmethod",
                                    "profile"})  # (decorators that leave a helper's values as its def computes them)


def _decorated_name(node):
    """The name a decorator is spelled by: ``scaled``, ``functools.lru_cache(maxsize=8)``: lru_cache."""
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


# the builtins calling a function they are given (max(rows, key=score): key_calls): it is a helper
_CALLING_BUILTINS = {"map": map, "max": max, "min": min, "sorted": sorted}


def _function_helpers(func, func_node, aliases=None, wrapped=None):
    """The user's own functions a live function calls, or passes to one of its own functions it calls
    (``layer(x, W, relu)``: ``higher_order``) or to the builtin ``map`` (``map(pair, xs)``, read as the
    comprehension calling it), ``max``, ``min`` or ``sorted`` (``key=score``, read as the comprehension of
    the keys: ``key_calls``), read from their source when used.  One it names otherwise
    than its def does (``act``, a closure's, holding ``relu``; ``square = sq``) is called by its def's
    name instead (``func_node`` rewritten), the generated code defining that name, where the function
    reads that name as nothing else; else it is none, and ``aliases`` gets it (the name -> the def's),
    for the refusal to say so."""
    helpers, renamed = {}, {}
    closure = inspect.getclosurevars(func).nonlocals
    bound = {n.id for n in walk(func_node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(func_node) if isinstance(a, ast.arg)}
    _module_calls_named(func, func_node, closure, bound)  # (import layers as L; L.affine_forward(x, w, b))
    for node in walk(func_node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "vectorize" \
                and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Name) and \
                _describe(closure.get(node.func.value.id, func.__globals__.get(node.func.value.id))) == "numpy":
            value = closure.get(node.args[0].id, func.__globals__.get(node.args[0].id))  # np.vectorize(g): g
            if isinstance(value, types.FunctionType) and _describe(value) is None and not _library(value) and \
                    getattr(value, "__name__", None) == node.args[0].id:  # called on each element (``vectorized``)
                helpers[node.args[0].id] = value
        for passed in _functions_passed(node, closure, func.__globals__):  # reduce(smin, dists), np.piecewise(x,
            value = _uncached(closure.get(passed.id, func.__globals__.get(passed.id)))  # conds, [f, g]): called
            if isinstance(value, types.FunctionType) and _describe(value) is None and not _library(value) and \
                    getattr(value, "__wrapped__", None) is None and value.__name__ == passed.id:  # as written out
                helpers[passed.id] = value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            passed = [a.id for a in node.args + [k.value for k in node.keywords] if isinstance(a, ast.Name)]
            callee = renamed.get(node.func.id, node.func.id)
            for name in [node.func.id] + passed:
                value = _uncached(closure.get(name, func.__globals__.get(name)))
                if isinstance(value, types.FunctionType) and _describe(value) is None and not _library(value) \
                        and (name == node.func.id or callee in helpers or callee in _CALLING_BUILTINS and
                             callee not in bound and closure.get(callee, func.__globals__.get(
                                 callee, _CALLING_BUILTINS[callee])) is _CALLING_BUILTINS[callee]):  # map(pair, xs)
                    if getattr(value, "__wrapped__", None) is not None:  # (what the wrapper does: not read)
                        if wrapped is not None:
                            code = value.__code__
                            wrapped[name] = f"{getattr(code, 'co_qualname', code.co_name)}()"
                        continue
                    own = getattr(value, "__name__", name)
                    if own == "<lambda>":  # (log_posterior = lambda weights, t: ..., given a factory as logprob:
                        own = _lambda_name(value) or name  # called by the name its line binds)
                    if own != name and own.isidentifier():
                        if name in bound or own in bound or \
                                closure.get(own, func.__globals__.get(own, value)) is not value:
                            if aliases is not None:
                                aliases[name] = own
                            continue
                        renamed[name] = own
                        name = own
                    helpers[name] = value
    if renamed:
        for node in walk(func_node):
            if isinstance(node, ast.Name) and node.id in renamed:
                node.id = renamed[node.id]
    return helpers


def _functions_passed(node, closure, scope):
    """The names ``node`` passes as functions that the rewriting of folds and selections calls by name: the
    first argument of ``functools.reduce``, the names in ``np.piecewise``'s list of functions."""
    if not isinstance(node, ast.Call):
        return []
    if node.args and isinstance(node.args[0], ast.Name) and (_live_reduce(node.func, closure, scope) or
                                                             _live_reduce(node.func, closure, scope, "partial")):
        return [node.args[0]]  # (and of functools.partial, whose calls are written as its function's)
    if isinstance(node.func, ast.Attribute) and node.func.attr == "piecewise" and \
            isinstance(node.func.value, ast.Name) and \
            getattr(closure.get(node.func.value.id, scope.get(node.func.value.id)), "__name__", None) == "numpy":
        functions = node.args[2] if len(node.args) > 2 else next(
            (k.value for k in node.keywords if k.arg == "funclist"), None)
        if isinstance(functions, (ast.List, ast.Tuple)):
            return [e for e in functions.elts if isinstance(e, ast.Name)]
    return []


def _live_reduce(node, closure, scope, name="reduce"):
    """Whether the called expression ``node`` is ``functools.reduce`` (or the function of functools ``name``
    names) as the live function's names bind it (``reduce``, ``functools.reduce``, ``ft.reduce``): its first
    argument is a function the fold calls."""
    if isinstance(node, ast.Name):
        return closure.get(node.id, scope.get(node.id)) is getattr(functools, name)
    return isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name) and \
        closure.get(node.value.id, scope.get(node.value.id)) is functools


def _module_calls_named(func, func_node, closure, bound):
    """Each call in ``func_node`` (in place) of a function of a module of the user's that the live
    function ``func`` reads by name (``import layers as L``, then ``L.affine_forward(x, w, b)``: a module
    bound in its globals or closure, the function defined in that module's file, not a library's) made a
    call of that function by its own name, where ``func`` binds that name to nothing else (its globals
    neither, or to the same function), ``closure`` (the caller's dict of the names it reads) given it: the
    function then read from its source as any of the user's."""
    for node in walk(func_node):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                isinstance(node.func.value, ast.Name) and node.func.value.id not in bound):
            continue
        owner = closure.get(node.func.value.id, func.__globals__.get(node.func.value.id))
        if not isinstance(owner, types.ModuleType) or _library_file(getattr(owner, "__file__", None) or os.sep):
            continue
        name = node.func.attr
        value = getattr(owner, name, None)
        if isinstance(value, types.FunctionType) and value.__name__ == name and not _library(value) and \
                value.__module__ == owner.__name__ and name not in bound and \
                closure.get(name, func.__globals__.get(name, value)) is value:
            closure[name] = value  # (the caller's view of the names: the function by its name now)
            node.func = ast.copy_location(ast.Name(name, ast.Load()), node.func)


def _uncached(value):
    """The function a ``functools.lru_cache`` (or ``cache``) wrapper of the user's keeps the results of
    (``@lru_cache`` on ``def coeff(n)``): the same values, computed again; any other value as it is."""
    if isinstance(value, functools._lru_cache_wrapper) and isinstance(getattr(value, "__wrapped__", None),
                                                                       types.FunctionType):
        return value.__wrapped__
    return value


@functools.lru_cache(maxsize=None)
def _library_folders():
    paths = sysconfig.get_paths()
    return tuple(os.path.realpath(paths[k]) + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")
                 if paths.get(k))


def _library(func):
    """Whether ``func`` comes from an installed library or Python's own (scipy.linalg.cho_factor): not the
    user's helper, whose source backgen would read; calling it is refused as an unknown function."""
    code = getattr(func, "__code__", None)
    return code is not None and _library_file(code.co_filename)


library_function = _library  # (the decorator's: which functions of a module are the user's)


@functools.lru_cache(maxsize=1024)
def _library_file(filename):
    return os.path.realpath(filename).startswith(_library_folders())


def source_node(func):
    """The ``def`` of a live function, as its file reads (NoSourceError, BackgenError where it cannot be
    read, or is not the code the function runs)."""
    return _function_node(func)[0]


def _helper_calls_assigned(forward):
    """A call of one of the user's functions standing alone (``clamp(h)``, for what it writes into its
    arguments) is staged as ``_ = clamp(h)``: a helper that writes into an array its caller passed is
    then written into the caller (``inline``), as where its value is assigned."""
    used = set(source_names(forward.func))
    unused = fresh_names(used, bare=True)

    def each(stmt):  # (a name for each call: two in ifs not taken would leave one name unbound after them)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in forward.helpers:
            assign = ast.copy_location(ast.Assign([ast.copy_location(ast.Name(unused("_"), ast.Store()),
                                                                       stmt.value)], stmt.value), stmt)
            assign.standing_alone = True  # (its value unused: inline leaves out _ = h)
            return [assign]
        return [stmt]
    forward.func.body = rewrite_statements(forward.func.body, each)


def _structured_returns_inlined(forward):
    """A helper returning a list or tuple of tuples of values (``return [(W1, b1), (W2, b2)]``, as
    autograd's examples unpack their layers), which is no value backgen differentiates, is written
    out in its caller (``inline``), as is one returning a list it fills with such tuples (``layers =
    []``, then ``layers.append((W, b))`` in a loop over the layers' shapes, whose iterable is then read as
    the caller's are, ``iterables``): its statements, renamed apart, then the display (or the list)
    itself where the call's value went, which the caller reads as it reads a display written there: unpacked
    (``(W1, b1), (W2, b2) = ...``), looped over (``for W, b in init(v)``, the call bound to a name
    first, once, as Python evaluates it), or read by constant indices.  So too a helper returning a dict
    display of string keys (``return {"x": x, "y": y}``), read by its keys as a dict written in the caller
    is.  Where a call cannot be written out, the helper is read as before (and refused)."""
    from .inline import inlined
    called = {n.func.id for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
              and n.func.id in forward.helpers}
    for name in sorted(called):
        helper = read_plain(forward, name)
        body = helper.func.body if helper is not None and isinstance(helper.func, ast.FunctionDef) else []
        last = body[-1] if body else None
        if not (isinstance(last, ast.Return) and isinstance(last.value, (ast.List, ast.Tuple)) and last.value.elts
                and all(isinstance(e, (ast.List, ast.Tuple)) for e in last.value.elts) or
                isinstance(last, ast.Return) and _tuples_appended(helper.func, last.value) or
                isinstance(last, ast.Return) and _keyed_display(last.value) or
                isinstance(last, ast.Return) and _dict_filled(helper.func, last.value)):
            continue  # (pairs only: not a layer's out, (x, w, b))
        unused = fresh_names(set(source_names(forward.func)), bare=True)
        func = tree_copy(forward.func)

        def hoisted(stmt):  # for W, b in init(v): -> layers = init(v); for W, b in layers:
            if isinstance(stmt, ast.For) and isinstance(stmt.iter, ast.Call) and \
                    isinstance(stmt.iter.func, ast.Name) and stmt.iter.func.id == name:
                target = unused("layers")
                assign = ast.copy_location(ast.Assign([ast.copy_location(ast.Name(target, ast.Store()), stmt.iter)],
                                                      stmt.iter), stmt)
                stmt.iter = ast.copy_location(ast.Name(target, ast.Load()), stmt.iter)
                return [ast.fix_missing_locations(assign), stmt]
            return [stmt]
        func.body = rewrite_statements(func.body, hoisted)
        written = inlined(dataclasses_replace(forward, func=func), name, helper=helper)
        _take_written(forward, written)
        if written is not None and _tuples_appended(helper.func, last.value):  # (its loops' iterables as
            iterables.unwrap(forward.func)  # the caller's were: shapes = list(zip(sizes[:-1], sizes[1:])))
        if written is not None and (_keyed_display(last.value) or _dict_filled(helper.func, last.value)):
            put_literal_lists(forward.func, {n: v for n, v in forward.literals.items()  # (SHAPES = {...} its
                                             if isinstance(v, ast.Dict)})  # loop reads, as the caller's own)
            named_entries.rewrite(forward.func)  # (its entries a name each, as the caller's)


def _structured_arguments_inlined(forward):
    """A helper given a list or tuple of tuples written out in its caller (``params = [(W1, b1), (W2, b2)]``,
    then ``neural_net_predict(params, x)`` looping ``for W, b in params``, as autograd's examples pass
    their layers), which is no value a helper of backgen's takes, is written out in its caller
    (``inline``), where the display is read as the caller's own (its loops written out per item, its
    items unpacked).  Where a call cannot be written out, the helper is read as before (and refused)."""
    from .inline import inlined
    func = forward.func
    structured = {t.id for stmt in walk(func) if isinstance(stmt, ast.Assign) and _pairs(stmt.value)
                  for t in stmt.targets if isinstance(t, ast.Name)}
    called = sorted({n.func.id for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                     and n.func.id in forward.helpers and any(
                         _pairs(a) or isinstance(a, ast.Name) and a.id in structured
                         for a in n.args + [k.value for k in n.keywords])})
    for name in called:
        helper = read_plain(forward, name)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        written = inlined(forward, name, helper=helper)
        _take_written(forward, written)
        if written is not None:
            for callee, function in written.helpers.items():  # (the functions it calls, called here now)
                forward.helpers.setdefault(callee, function)
            iterables.unwrap(forward.func)


def _pairs(value):
    """Whether ``value`` is a list or tuple display of lists or tuples written out (``[(W1, b1), (W2, b2)]``)."""
    return isinstance(value, (ast.List, ast.Tuple)) and bool(value.elts) and all(
        isinstance(e, (ast.List, ast.Tuple)) for e in value.elts)


def _dict_filled(func, value):
    """Whether ``value`` (what ``func`` returns) is a name ``func`` binds once, to ``{}`` by a statement of
    its body, and otherwise only writes entries of (``out[name] = ...``, in a loop over a dict of shapes
    too) or reads them: a dict of values its caller reads by keys once it is written out there."""
    if not (isinstance(value, ast.Name) and bind_counts(func).get(value.id) == 1 and any(
            isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and
            stmt.targets[0].id == value.id and isinstance(stmt.value, ast.Dict) and not stmt.value.keys
            for stmt in func.body)):
        return False
    parents = {id(child): node for node in walk(func) for child in ast.iter_child_nodes(node)}
    uses = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == value.id and isinstance(n.ctx, ast.Load)]
    return any(isinstance(parents.get(id(n)), ast.Subscript) and isinstance(parents[id(n)].ctx, ast.Store)
               for n in uses) and all(
        n is value or isinstance(parents.get(id(n)), ast.Subscript) and parents[id(n)].value is n for n in uses)


def _keyed_display(value):
    """Whether ``value`` is a dict display of string keys written out (``{"x": x, "y": y}``), read where it is
    written as a dict of values by their keys."""
    return isinstance(value, ast.Dict) and value.keys and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys)


def _none_tested_helpers_inlined(forward):
    """A helper testing a parameter against None (``if weight is None``), or passing it on to a function
    of the user's (which may), that is given a parameter of its caller defaulting to None
    (``weight_reduce_loss(loss, weight, reduction)``, ``weight=None`` in the caller) is written out in its
    caller (``inline``), where the test is the caller's own, kept in its backward for either value; staged
    as a helper, its code would be for one of them alone (a gradient of the other path's, or a TypeError,
    for the default).  Where a call cannot be written out, it is refused."""
    args = forward.func.args
    optional = {a.arg for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults)
                if isinstance(d, ast.Constant) and d.value is None}
    if not optional:
        return

    def given(call, helper):  # (the parameters the call gives one of those, which the helper tests)
        bound = bound_arguments(call, helper.func)
        passed = {p for p, a in (bound or {}).items() if isinstance(a, ast.Name) and a.id in optional}
        tested = {node.left.id for node in walk(helper.func) if isinstance(node, ast.Compare)
                  and isinstance(node.left, ast.Name) and len(node.ops) == 1
                  and isinstance(node.ops[0], (ast.Is, ast.IsNot)) and isinstance(node.comparators[0], ast.Constant)
                  and node.comparators[0].value is None}
        tested |= {a.id for node in walk(helper.func) if isinstance(node, ast.Call)  # (passed on to a function
                   and isinstance(node.func, ast.Name) and node.func.id in helper.helpers  # of the user's, which
                   for a in node.args + [k.value for k in node.keywords] if isinstance(a, ast.Name)}  # may test it)
        return sorted(passed & tested), bound

    def refuse(call, helper):
        passed, bound = given(call, helper)
        param = passed[0]
        raise forward.error(
            f"{call.func.id}() tests whether {param} is None, and is given {bound[param].id}, which may be None "
            f"(its default): backgen writes a helper's code for one of those only; test it in "
            f"{forward.func.name}() and pass {call.func.id}() what each case needs", call)
    _helpers_written_out(forward, lambda call, helper: bool(given(call, helper)[0]), refuse)


def _slice_helpers_inlined(forward):
    """A helper returning ``slice(...)`` (autograd's ``batch_indices(iter)``, then ``train_images[idx]``) is
    written out in its caller (``inline``), where the slice is a name bound once, read as an index, as the
    function's own are (``tidy``).  Where a call cannot be written out, it is left (refused where staged)."""
    if "slice" in forward.env or "slice" in forward.helpers:
        return
    indexed = _helpers_read_as_indices(forward)
    if not indexed:  # (most functions: no helper's value is an index, no helper read)
        return

    def returns_slices(call, helper):
        returns = [n.value for n in walk(helper.func) if isinstance(n, ast.Return)]
        return call.func.id in indexed and bool(returns) and "slice" not in helper.helpers and all(
            isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "slice" for v in returns)
    _helpers_written_out(forward, returns_slices)


def _function_factories_inlined(forward):
    """A helper returning a function its arguments choose (``def get_activation(name): if name == "relu":
    return relu ... return np.tanh``), its value bound to a name (``g = get_activation(act)``, then ``g(h)``),
    is written out in its caller (``inline``), each path binding that name to its function, which
    ``function_aliases`` then reads as a name the function binds to a function on each path.  Each of its
    ``return``s names a function of the module or of NumPy or math, or chooses among such by a conditional
    expression (a lambda returned is left: refused where called, as before)."""
    bound = {id(stmt.value) for stmt in walk(forward.func) if isinstance(stmt, ast.Assign) and
             len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)}
    if not bound:
        return
    returned = {}  # (a def of a live helper's module it returns by name: a helper of the function's now)

    def returns_functions(call, helper):
        returns = [n.value for n in walk(helper.func) if isinstance(n, ast.Return)]
        scope = getattr(forward.helpers.get(call.func.id), "__globals__", {})
        named = {v.id: scope[v.id] for r in returns if r is not None for v in walk(r) if isinstance(v, ast.Name)
                 and isinstance(scope.get(v.id), types.FunctionType) and not _library(scope[v.id])}

        def function(v):  # (np.tanh if name == "tanh" else relu: each a function)
            return isinstance(v, ast.IfExp) and function(v.body) and function(v.orelse) or \
                _names_a_function(helper, v) or \
                isinstance(v, ast.Name) and v.id in named
        if not (id(call) in bound and returns and all(v is not None and function(v) for v in returns)):
            return False
        returned.update(named)
        return True
    before = forward.func.body
    _helpers_written_out(forward, returns_functions)
    if forward.func.body is before:
        return
    for name, function in returned.items():
        forward.helpers.setdefault(name, function)
    func = function_aliases.rewrite(forward.func, functools.partial(_names_a_function, forward))
    forward.func.body = func.body


def _helpers_read_as_indices(forward):
    """The helpers of ``forward`` whose value it reads as an index (or an item of an index tuple): called
    there (``x[window(i)]``) or bound to a name read there (``idx = batch_indices(iter)``, ``x[idx]``)."""
    bound, indices = {}, []
    for node in walk(forward.func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name) and \
                node.value.func.id in forward.helpers:
            bound.setdefault(node.targets[0].id, set()).add(node.value.func.id)
        elif isinstance(node, ast.Subscript):
            indices += node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    found = set()
    for index in indices:
        if isinstance(index, ast.Call) and isinstance(index.func, ast.Name) and index.func.id in forward.helpers:
            found.add(index.func.id)
        elif isinstance(index, ast.Name):
            found |= bound.get(index.id, set())
    return found


def _helpers_written_out(forward, wanted, refuse=None, depth=0):
    """Each call of a helper of ``forward`` that ``wanted(call, helper)`` (the helper as its source reads)
    picks written out in the function (``inline``), one at a time, the function changed in place; where one
    cannot be, ``refuse(call, helper)`` raises, or it is left as it is."""
    from .inline import inlined
    if depth > 20:  # (a helper calling itself: refused where it is staged)
        return
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers]:
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef) or not wanted(call, helper):
            continue
        written = inlined(forward, call.func.id, helper=helper)
        if written is None:
            if refuse is not None:
                refuse(call, helper)
            continue
        _take_written(forward, written)
        for called, function in written.helpers.items():  # (the functions it calls, called here now)
            forward.helpers.setdefault(called, function)
        _helpers_written_out(forward, wanted, refuse, depth + 1)  # (the rest of the calls, in the function as
        return                                                     # written out now)


def _tuples_appended(func, value):
    """Whether ``value`` (what ``func`` returns) is a name ``func`` binds once, to ``[]`` by a statement of
    its body, and fills only with tuples written out (``layers.append((W, b))``): a list of pairs."""
    if not (isinstance(value, ast.Name) and bind_counts(func).get(value.id) == 1 and any(
            isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and
            stmt.targets[0].id == value.id and isinstance(stmt.value, ast.List) and not stmt.value.elts
            for stmt in func.body)):
        return False
    appended = [n for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
                isinstance(n.func.value, ast.Name) and n.func.value.id == value.id]
    return bool(appended) and all(n.func.attr == "append" and len(n.args) == 1 and not n.keywords and
                                  isinstance(n.args[0], ast.Tuple) for n in appended)


def _nothing_returned_inlined(forward):
    """A helper without a ``return``, which only writes into what it is given (``def relu_(a): a[a < 0]
    = 0.0``), called as a statement of its own: written out in its caller (``inline``), before the
    caller's rewrites, which its statements then go through as the caller's do.  Where a call cannot be
    written out (its value read), it is refused where it is staged."""
    from .inline import inlined
    called = {n.func.id for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
              and n.func.id in forward.helpers}
    for name in sorted(called):
        helper = read_plain(forward, name)
        body = helper.func.body if helper is not None and isinstance(helper.func, ast.FunctionDef) else []
        if not body or any(isinstance(n, ast.Return) for n in walk(helper.func)):
            continue
        helper = tree_copy(helper)
        helper.func.body.append(ast.copy_location(ast.Return(ast.Constant(None)), body[-1]))
        _take_written(forward, inlined(forward, name, helper=helper))


def _take_written(forward, written):
    """``forward`` given the function ``inline.inlined`` wrote (None: left as it is)."""
    if written is not None:
        forward.func.body = written.func.body
        forward.func.written_out = written.func.written_out
        forward.env.update(written.env)
        forward.constants.update(written.constants)
        forward.literals.update(written.literals)


_SETTINGS_ASKED = contextvars.ContextVar("settings_asked", default=frozenset())


def _handed_settings(forward, own):
    """The parameters of ``forward`` not in ``own`` whose every read is an argument, by place or keyword, of
    a call of one of its helpers whose parameter there is settings itself, and plainly so
    (``_plainly_settings``: not a dict read by keys alone, which may hold arrays), as deep as helpers hand
    them on; at least one such read.  (A helper being asked already, a recursion, tells nothing.)"""
    func = forward.func
    params = {a.arg for a in func.args.args} - set(own)
    if not params or func in _SETTINGS_ASKED.get():
        return frozenset()
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    handed, loads = {}, {}  # id of an argument naming a parameter -> (it, helper, place); parameter -> ids of its reads
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id in params and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(id(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers \
                and node.func.id not in stored:
            places = list(enumerate(node.args)) + [(k.arg, k.value) for k in node.keywords if k.arg is not None]
            for at, arg in places:
                if isinstance(arg, ast.Name) and arg.id in params:
                    handed.setdefault(id(arg), (arg.id, node.func.id, at))
    if not handed:
        return frozenset()
    token = _SETTINGS_ASKED.set(_SETTINGS_ASKED.get() | {func})
    try:
        found = set()
        for param in sorted(params - stored):
            places = [handed.get(n) for n in loads.get(param, ())]
            if places and None not in places and all(_helper_setting(forward, name, at) for _, name, at in places):
                found.add(param)
        return frozenset(found)
    finally:
        _SETTINGS_ASKED.reset(token)


def _helper_setting(forward, name, at):
    """Whether the parameter of the helper ``name`` of ``forward`` at ``at`` (a position or a keyword) is
    read as settings there."""
    try:
        helper = read_helper(forward, name)
    except BackgenError:
        return False
    args = helper.func.args
    if args.vararg is not None or args.kwarg is not None:
        return False
    names = [a.arg for a in args.args]
    param = names[at] if isinstance(at, int) and at < len(names) else at if at in names else None
    return param is not None and param in helper.settings and _plainly_settings(helper.func, param)


def _plainly_settings(func, param):
    """Whether ``func`` reads its parameter ``param`` as settings by more than its items' keys (which a dict
    of arrays has too, ``params["W1"]``): named so (``bn_param``), read by ``.get``, tested by ``in``, or
    compared with a string, itself (``mode == "train"``) or an item of it (or a name given one,
    ``cfg["mode"] == "train"``)."""
    if param.endswith("_param"):
        return True
    items, strings = set(), set()  # (the names given items of it; the names compared with a string)
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == param:
            return True
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            sides = (node.left, node.comparators[0])
            if isinstance(node.ops[0], (ast.In, ast.NotIn)) and isinstance(sides[1], ast.Name) and \
                    sides[1].id == param:
                return True
            if isinstance(node.ops[0], (ast.Eq, ast.NotEq)) and any(
                    isinstance(side, ast.Constant) and isinstance(side.value, str) for side in sides):
                for side in sides:
                    if isinstance(side, ast.Subscript) and isinstance(side.value, ast.Name) and side.value.id == param:
                        return True
                    if isinstance(side, ast.Name) and side.id == param:  # (a mode given as a string)
                        return True
                    if isinstance(side, ast.Name):
                        strings.add(side.id)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Subscript) and isinstance(node.value.value, ast.Name) and \
                node.value.value.id == param:
            items.add(node.targets[0].id)
    return bool(items & strings)


def read_helper(forward, name):
    """The ``Forward`` of a helper function that ``forward`` calls."""
    value = forward.helpers[name]
    if isinstance(value, Nested):
        return read(value, helper=True)
    if isinstance(value, tuple):  # (read once per generation, each caller given a copy of its own to change)
        return tree_copy(_helper_read((value[0], name, value[1])))
    forward = tree_copy(_helper_read((getattr(value, "__wrapped__", value), None, None)))
    if getattr(value, "__name__", None) == "<lambda>" and forward.func.name != name:  # (cov = lambda p, x, xp: ...
        forward.func.name = name  # given a factory as cov_func, called so: the def it is, named as it is called)
    return forward


@text_cache
def _helper_read(key):
    """The ``Forward`` of a helper, read once per generation (the search for shapes stages a forward
    many times): ``key`` is (the module's source, the helper's name, the file name), or (the helper
    function, None, None)."""
    func_or_source, name, filename = key
    return read(func_or_source, name=name, filename=filename, helper=True)


def _inline_function_defaults(forward):
    """``def nn_predict(params, inputs, nonlinearity=np.tanh)``, a helper: the last parameters that
    default to a function (a NumPy or math function, or another of the user's, named), read nowhere
    but as that function, are that function: their uses become it and they leave the signature, so
    that a call passing one is refused (it names a parameter the helper no longer has) rather than
    taken for the default."""
    args = forward.func.args
    stored = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    inlined = {}
    for arg, default in reversed(defaults_of(args)):
        if not _function_default(forward, default) or arg.arg in stored:
            break
        inlined[arg.arg] = default
    if not inlined:
        return
    _read_as_defaults(forward.func, inlined)
    forward.inlined.update({name: ast.unparse(default) for name, default in inlined.items()})
    args.args = args.args[:len(args.args) - len(inlined)]
    args.defaults = args.defaults[:len(args.defaults) - len(inlined)]


def _read_as_defaults(func, defaults):
    """Each read of a parameter of ``defaults`` (``{parameter: default}``) in ``func``'s body, in place, a copy of
    its default."""
    class Uses(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in defaults and isinstance(node.ctx, ast.Load):
                read = ast.copy_location(tree_copy(defaults[node.id]), node)
                read.default_of = node.id  # (given_functions: where the decorator is given another function;
                # func.default_reads counts them, below)
                return read
            return node
    func.body = [Uses().visit(stmt) for stmt in func.body]
    ast.fix_missing_locations(func)
    func.default_reads = {name: sum(getattr(n, "default_of", None) == name for n in walk(func)) for name in defaults}


def _main_function_defaults(forward):
    """``def f(x, W, act=np.tanh)``, the function differentiated: each parameter defaulting to a function
    (``_function_default``) that the function never rebinds is read as that function, and stays in the
    signature with its default (``forward.function_defaults``: the backward checks it is given it).  Whether
    it found one."""
    stored = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    found = {arg.arg: default for arg, default in defaults_of(forward.func.args)
             if arg.arg not in stored and _names_a_function(forward, default)}
    if not found:
        return False
    _read_as_defaults(forward.func, found)
    forward.function_defaults.update((name, (ast.unparse(default), ast.unparse(default).rpartition(".")[2]))
                                     for name, default in found.items())
    return True


def inlined_note(helper):
    """What a refused call of ``helper`` should know of its parameters read as their defaults."""
    if not helper.inlined:
        return ""
    given = ", ".join(f"{name}={text}" for name, text in reversed(helper.inlined.items()))
    return f" ({given}: read as the function it defaults to; backgen does not follow a function passed in its place)"


def _function_default(forward, node):
    """Whether a default names a function: one of the user's (a helper), or of NumPy or math."""
    if isinstance(node, ast.Name):
        return node.id in forward.helpers or str(forward.env.get(node.id)).startswith(("numpy.", "math."))
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return bool(parts) and isinstance(node, ast.Name) and forward.env.get(node.id) in ("numpy", "math")


def _names_a_function(forward, node):
    """Whether ``node`` names a function (``_function_default``) that is one indeed (``_callable_default``)."""
    return _function_default(forward, node) and _callable_default(forward, node)


def _callable_default(forward, node):
    """Whether a default ``_function_default`` accepts is a function indeed: one of the user's, or NumPy's or
    math's (``np.tanh``, not the number ``math.e`` nor a type such as ``np.float64``)."""
    if isinstance(node, ast.Name) and node.id in forward.helpers:
        return True
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return False
    meaning = forward.env.get(node.id) or ""
    module, *rest = meaning.split(".") + parts
    value = {"numpy": numpy, "math": math}.get(module)
    for part in rest:
        value = getattr(value, part, None)
    return callable(value) and not isinstance(value, type)


def _function_env(func, func_node):
    """What the free names of a live function refer to, from its globals."""
    env = {}
    names = names_of(func_node)
    closure = inspect.getclosurevars(func).nonlocals
    for name in names:
        if name in closure:
            env_value = _describe(closure[name])
        elif name in func.__globals__:
            env_value = _describe(func.__globals__[name])
        elif name in BUILTINS or name in DEFAULT_ENV:
            env_value = name if name in BUILTINS else None
        else:
            env_value = None
        if env_value:
            env[name] = env_value
    for name in BUILTINS:  # rewrites (enumerate -> range(len(...))) may use builtins the code does not name
        if name not in env and name not in closure and _describe(func.__globals__.get(name, getattr(builtins, name))):
            env[name] = name
    if "numpy" not in env.values():  # the module's NumPy, as a module's source binds it: rewrites may call it
        bound = sorted(name for name, value in func.__globals__.items()  # (losses.sort(), in a function naming
                       if isinstance(value, types.ModuleType) and value.__name__ == "numpy" and  # no np:
                       name not in names and name not in closure)  # losses[...] = np.sort(losses))
        if bound:
            env[min(bound, key=lambda name: (name != "np", name))] = "numpy"
    return env


def _describe(value):
    for modname, module in MODULES.items():
        if value is module:
            return modname
    if isinstance(value, numpy.vectorize):  # _erf_vec = np.vectorize(math.erf)
        return vectorized.described(value)
    if isinstance(value, types.ModuleType) and value.__name__ in NUMPY_LIKE:
        return "numpy"
    if isinstance(value, types.ModuleType) and value.__name__ in SCIPY_SPECIAL:
        return "scipy.special"
    if isinstance(value, types.ModuleType) and stats_meaning(value.__name__):
        return stats_meaning(value.__name__)  # scipy.stats, autograd.scipy.stats.norm
    if value is itertools or value is itertools.combinations or value is itertools.product:
        return "itertools" if value is itertools else f"itertools.{value.__name__}"
    if value is functools or value is operator or value is typing:
        return value.__name__
    if value is typing.cast:
        return "typing.cast"
    if isinstance(value, types.ModuleType) and value.__name__ == physical_constants.MODULE:
        return physical_constants.MODULE
    if value is functools.reduce or value is functools.partial:
        return f"functools.{value.__name__}"
    if value is statistics or getattr(value, "__module__", None) == "statistics" and \
            getattr(statistics, getattr(value, "__name__", ""), None) is value:
        return "statistics" if value is statistics else f"statistics.{value.__name__}"  # (statistics_calls)
    if any(value is getattr(operator, meaning.partition(".")[2]) for meaning in folds.OPERATORS):
        return f"operator.{value.__name__}"
    if isinstance(value, types.ModuleType) and linalg_meaning(value.__name__):
        return "scipy.linalg"
    optimize = sys.modules.get(scipy_optimize.MODULE)
    read = {"rosen", *scipy_optimize.SOLVERS}  # (the solvers: refused, saying so)
    if optimize is not None and (value is optimize or getattr(value, "__name__", None) in read and
                                 getattr(optimize, value.__name__, None) is value):
        return scipy_optimize.MODULE if value is optimize else f"{scipy_optimize.MODULE}.{value.__name__}"
    spatial = sys.modules.get(distances.MODULE)
    if spatial is not None and (value is spatial or getattr(value, "__name__", None) in distances.FUNCTIONS and
                                getattr(spatial, value.__name__, None) is value):
        return distances.MODULE if value is spatial else f"{distances.MODULE}.{value.__name__}"
    transform = sys.modules.get(rotations.MODULE)
    if transform is not None and (value is transform or value is getattr(transform, "Rotation", None)):
        return rotations.MODULE if value is transform else f"{rotations.MODULE}.Rotation"  # (rotations)
    linalg = sys.modules.get("scipy.linalg")
    name = getattr(value, "__name__", None)
    if linalg is not None and name and getattr(linalg, name, None) is value:
        return f"scipy.linalg.{name}"  # cho_factor: read (or refused) as scipy.linalg's
    stats = sys.modules.get("scipy.stats") if value is not None else None  # (None: no attribute's value, which
    for distribution in DISTRIBUTIONS if stats is not None else ():         # a missing one would seem)
        if value is getattr(stats, distribution, None):
            return f"scipy.stats.{distribution}"
    for name in (getattr(value, "__name__", None), getattr(value, "name", None),  # (dirichlet: dirichlet_gen's)
                 type(value).__name__.removesuffix("_gen")) if stats is not None else ():
        if isinstance(name, str) and name.isidentifier() and getattr(stats, name, None) is value:
            return f"scipy.stats.{name}"  # entropy; poisson, t: read (or refused) as scipy.stats's
    if isinstance(value, types.ModuleType) and value.__name__ in SCIPY_PACKAGES:
        return value.__name__  # import scipy.special: scipy.special.erf(x) reads through the package
    special = [sys.modules.get(m) for m in SCIPY_SPECIAL]  # expit, logsumexp from any of them
    name = getattr(value, "__name__", None)
    if name and any(m is not None and getattr(m, name, None) is value for m in special):
        return f"scipy.special.{name}"
    owner = getattr(value, "__module__", None) or ""
    name = getattr(value, "__name__", None)
    if name == "flatten" and owner.startswith("autograd.misc") or name == "ravel_pytree" and owner.startswith("jax"):
        return "autograd.misc.flatten" if name == "flatten" else "jax.flatten_util.ravel_pytree"  # (structured)
    if name and any(owner == m or owner.startswith(m + ".") for m in NUMPY_LIKE) and hasattr(numpy, name):
        return f"numpy.{name}"  # autograd.numpy.tanh: NumPy's tanh
    integrate = sys.modules.get("scipy.integrate")
    if integrate is not None and name in SCIPY_INTEGRATE_AS_NUMPY and getattr(integrate, name, None) is value:
        return SCIPY_INTEGRATE_AS_NUMPY[name]  # scipy.integrate.trapezoid: NumPy's
    if value is numpy.linalg or isinstance(value, types.ModuleType) and value.__name__ in LINALG_LIKE:
        return "numpy.linalg"  # import numpy.linalg as la
    if value is numpy.lib.stride_tricks:
        return "numpy.lib.stride_tricks"
    if value is numpy.fft or name and getattr(numpy.fft, name, None) is value:
        return "numpy.fft" if value is numpy.fft else f"numpy.fft.{name}"  # (from numpy import fft; rfft: spectra)
    for kind in NUMPY_POLYNOMIALS:  # from numpy.polynomial.legendre import leggauss
        module = sys.modules.get(kind)
        if module is not None and name and getattr(module, name, None) is value and not isinstance(value, type) \
                and getattr(numpy, name, None) is not value:  # (NumPy's own, as below)
            return f"{kind}.{name}"
    signal = sys.modules.get(filters.MODULE)
    if signal is not None and (value is signal or name in filters.FUNCTIONS and getattr(signal, name, None) is value):
        return filters.MODULE if value is signal else f"{filters.MODULE}.{name}"  # (filters)
    if name and getattr(numpy.lib.stride_tricks, name, None) is value:
        return f"numpy.lib.stride_tricks.{name}"  # from numpy.lib.stride_tricks import sliding_window_view
    if name and (getattr(numpy.linalg, name, None) is value or owner in LINALG_LIKE[1:] and
                 hasattr(numpy.linalg, name)):
        return f"numpy.linalg.{name}"  # from numpy.linalg import solve (autograd.numpy.linalg's too)
    for modname, module in MODULES.items():
        attr = getattr(value, "__name__", None)
        if attr and getattr(module, attr, None) is value:
            return f"{modname}.{attr}"
    for name in BUILTINS:
        if value is getattr(builtins, name):
            return name
    return None


def _strip_decorators(func):
    if isinstance(func, ast.AsyncFunctionDef):
        return func  # the fence rejects it with a message
    func.decorator_list = []
    return func


# --- the fence -----------------------------------------------------------

UNSUPPORTED = {
    ast.AsyncFunctionDef: "async functions",
    ast.Lambda: "lambda expressions",
    ast.ClassDef: "class definitions",
    ast.FunctionDef: "function definitions inside a branch or a loop",
    ast.Try: "try statements",
    ast.With: "with statements",
    ast.AsyncWith: "async with statements",
    ast.Yield: "generators (yield)",
    ast.YieldFrom: "generators (yield from)",
    ast.Await: "await expressions",
    ast.Global: "global statements",
    ast.Nonlocal: "nonlocal statements",
    ast.ListComp: "list comprehensions",
    ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.AsyncFor: "async for loops",
    ast.Import: "import statements inside a branch or a loop",
    ast.ImportFrom: "import statements inside a branch or a loop",
    ast.Delete: "del statements",
    ast.Raise: "raise statements",
    ast.Assert: "assert statements",
    ast.AnnAssign: "annotated assignments",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.Starred: "starred expressions (*args)",
    ast.BoolOp: "boolean operators (and/or)",
    ast.JoinedStr: "f-strings",
    ast.Dict: "dict displays",
    ast.Set: "set displays",
}

BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
ARRAY_BINOPS = (ast.MatMult, ast.BitAnd, ast.BitOr, ast.BitXor, ast.FloorDiv, ast.Mod)
UNARYOPS = (ast.USub, ast.UAdd)
_FENCED_BINOPS = BINOPS + ARRAY_BINOPS  # (the operators a value may use)
_FENCED_UNARYOPS = UNARYOPS + (ast.Invert, ast.Not)  # ~ and not: masks, no gradient


def _parameter_entry(forward, node):
    """Whether ``node`` is an entry of a parameter at a string (``cfg["act"]``): a function the decorator may be
    given in a dict (``given_functions``), called there; refused where it is staged otherwise."""
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
        isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) and \
        node.value.id in {a.arg for a in forward.func.args.args}


def fence(forward, main=True):
    """Raise BackgenError at the first construct outside the supported subset.  Of the ``main``
    function (not a helper), the dicts a loss returns beside it (``return loss, {"acc": acc}``,
    ``stats = {...}``, then ``return loss, stats``: ``cache.output_roles``), which are not
    differentiated, are not checked: the backward leaves them out."""
    func = forward.func
    if isinstance(func, ast.AsyncFunctionDef):
        raise forward.error("async functions are not supported", func)
    args = func.args
    written = varargs.spelled_out(func) if args.vararg is not None else None
    if written is not None:  # def f(x, *args): a, b = args -> def f(x, args_0, args_1): a, b = (args_0, args_1)
        func.args, func.body = written.args, written.body
        args = func.args
    if args.kwarg is not None and keyword_reads.spelled_out(func):  # kwargs.get("beta", 1.0) -> *, beta=1.0
        args = func.args
    for node, stars in ((args.vararg, "*"), (args.kwarg, "**")):
        if node is None:
            continue
        read = next((n for n in walk(func) if isinstance(n, ast.Name) and n.id == node.arg), None)
        if read is None:  # def f(x, W, **kwargs) reading none: the values a caller adds carry no gradient
            continue
        raise forward.error(f"{stars}{node.arg} (line {node.lineno}) is read here: variable arguments are not "
                            f"supported; name the parameters it holds (def {func.name}(x, reg=0.0))", read)
    args.vararg = args.kwarg = None
    if args.kwonlyargs and not args.posonlyargs and (all(d is not None for d in args.kw_defaults) or
                                                     not args.defaults and None not in args.kw_defaults[
                                                         next((k for k, d in enumerate(args.kw_defaults)
                                                               if d is not None), len(args.kw_defaults)):]):
        # def f(x, *, s=2.0): s is a parameter like the others (the backward takes it by name or place)
        args.defaults = args.defaults + [d for d in args.kw_defaults if d is not None]
        args.args, args.kwonlyargs, args.kw_defaults = args.args + args.kwonlyargs, [], []
    if args.posonlyargs:
        raise forward.error("positional-only parameters are not supported", args.posonlyargs[0])
    if args.kwonlyargs:
        node = next(a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None)
        raise forward.error("a keyword-only parameter without a default after parameters with defaults is not "
                            "supported: give it a default, or put it before them", node)
    args.defaults = [_scalar_default(forward, d) for d in args.defaults]
    named = args.args[len(args.args) - len(args.defaults):]
    args.defaults = [_listed_numbers(func, a.arg, d) for a, d in zip(named, args.defaults)]
    functions = forward.function_defaults
    for arg, default in zip(named, args.defaults):  # None: an optional output gradient; True, "train": flags
        if arg.arg in functions:  # and settings; act=np.tanh, read as that function
            continue
        if not (number(default) is not None or isinstance(default, ast.Constant) and (
                default.value is None or isinstance(default.value, (bool, str)))):
            try:
                value = default_value(default)  # arithmetic on numbers: beta=8.0 / 3.0
            except ValueError:
                value = None
            if type(value) not in (int, float) and not (type(value) is tuple and _plain_tuple(value)) and \
                    array_default(default, forward.env) is None and not _settings_default(default):
                raise forward.error("parameter defaults must be numbers (or arithmetic on numbers), True/False, "
                                    "strings, None or tuples of those", default)
    if main:
        _users_caches_left_out(func)
    body = list(func.body)
    if body and is_docstring(body[0]):
        body = body[1:]
    if not main:
        _nested_tuples_listed(func)
    written = settings_written(forward)
    back = set()  # (those a helper given them writes into, read here at a key too: refused below, saying so)
    settings = settings_displays.names(func, forward.helpers, written, back)
    for node in walk(func):  # conv_param = {'stride': 1, 'pad': 1}, handed to helpers: settings, not a value
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in settings:
            node.value.settings_display = True
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in back:
            raise forward.error(f"{node.targets[0].id} is a dict of settings written out here, handed to a function "
                                "of yours that writes into it, and read at a key here too: what that function computes "
                                "and writes may depend on differentiated values, and settings carry no gradient; "
                                "return that value from the function instead", node.value)
    _fence_block(forward, body, in_loop=False, last=True, reported=_reported_dicts(func) if main else frozenset())
    if not main and body and not any(isinstance(n, ast.Return) for n in walk(func)):
        # a helper that only writes into what it is given (def relu_(a): a[a < 0] = 0.0): it returns None,
        # written out; a call standing alone is then written into its caller (``inline``), any other refused
        func.body.append(ast.copy_location(ast.Return(ast.Constant(None)), body[-1]))
        func.returns_nothing = True
    elif not body or not ends_in(body):
        hint = " (a method keeping what it computes on the object, self.output = ..., returns nothing to " \
               "differentiate: end it with return self.output)" \
            if func.args.args and func.args.args[0].arg == "self" and isinstance(body[-1], ast.Assign) else ""
        raise forward.error(f"function {func.name!r} must end with a return statement{hint}",
                            body[-1] if body else func)


def settings_written(forward):
    """``written(helper, position, keyword)`` for ``settings_displays.names``: whether the helper of ``forward``
    so named writes into that parameter (True where it cannot be read); ``written.keys(...)`` the keys it
    writes (``settings_displays.keys_written``)."""
    def read(name):
        if name not in forward.helpers:
            return False
        helper = read_plain(forward, name)
        return helper.func if helper is not None and isinstance(helper.func, ast.FunctionDef) else None

    def written(name, position, keyword):
        func = read(name)
        return not func or settings_displays.param_written(func, position, keyword, read)

    def keys(name, position, keyword):
        func = read(name)
        return settings_displays.keys_written(func, position, keyword, read) if func else None
    written.keys = keys
    return written


def _nested_tuples_listed(func):
    """A helper's ``return (a, b), s``: the pair returned inside the tuple is the list ``[a, b]``, which
    its callers read alike (unpacked, indexed, iterated), as a list of arrays (in place)."""
    for node in walk(func):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            node.value.elts = [ast.copy_location(ast.List(v.elts, ast.Load()), v)
                               if isinstance(v, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in v.elts)
                               else v for v in node.value.elts]


def _users_caches_left_out(func):
    """A list of tuples (of layers' caches: ``caches.append((fc_cache, bn_cache, relu_cache))``) that
    nothing reads, or only the user's own backward in a loss returning the user's gradients beside it
    (``return loss, grads``, CS231n's ``FullyConnectedNet.loss``, reading ``fc_cache, bn_cache,
    relu_cache = caches.pop()``), which the stager leaves out (``stage._without_users_backward``): the
    appends to that list left out (in place) before the function's statements are checked, as the list
    serves nothing the backward computes.  A list any other statement reads is left as it is, as is a
    layer's (``return out, cache``)."""
    from .cache import output_roles
    from .stage import _fills_dict, _without_users_backward  # (the stager's own reading of the user's backward)
    appended = {n.value.func.value.id for n in walk(func) if isinstance(n, ast.Expr) and is_append(n)
                and isinstance(n.value.args[0], ast.Tuple)}
    if not appended:
        return
    returns = [n for n in walk(func) if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple)]
    values = returns[-1].value.elts if returns else []
    roles = output_roles(func, values) if values else ["out"]
    if "cache" in roles or "out" not in roles:
        return
    kept = func.body
    if "gradient" in roles:  # (the user's backward, which the stager leaves out, left out of a copy)
        gradients = {v.id for v, role in zip(values, roles) if role == "gradient" and isinstance(v, ast.Name)}
        probe = [tree_copy(stmt) for stmt in func.body]
        for node in walk(ast.Module(probe, [])):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and \
                    len(node.value.elts) == len(roles):
                out = [v for v, role in zip(node.value.elts, roles) if role == "out"]
                node.value = out[0] if len(out) == 1 else ast.Tuple(out, ast.Load())
        probe = [stmt for stmt in probe if not _fills_dict(stmt, gradients)]
        kept = _without_users_backward(probe, gradients)

    def appends_to(stmt, name):
        return isinstance(stmt, ast.Expr) and is_append(stmt) and stmt.value.func.value.id == name
    for name in sorted(appended):
        kept_nodes = [n for stmt in kept for n in walk(stmt)]
        unread = {id(n.value.func.value) for n in kept_nodes if appends_to(n, name)} | {
            id(t) for n in kept_nodes if isinstance(n, ast.Assign) for t in n.targets}  # (caches = [])
        if any(isinstance(n, ast.Name) and n.id == name and id(n) not in unread for n in kept_nodes):
            continue  # (read by what the backward computes)
        func.body = rewrite_statements(func.body, lambda stmt: [] if appends_to(stmt, name) else [stmt])


def _reported_dicts(func):
    """The dicts returned beside a loss, which are not differentiated (``output_roles``'s
    "gradient"), written out in the returns or assigned to the names returned: their nodes."""
    returns = [n.value.elts for n in walk(func) if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple)]
    if not any(isinstance(v, ast.Name) or dict_made(v) for values in returns for v in values[1:]):
        return frozenset()
    beside = [v for values in returns for v, role in zip(values, output_roles(func, values)) if role == "gradient"]
    names = {v.id for v in beside if isinstance(v, ast.Name)} & returned_dicts(func)  # (read nowhere else)
    assigned = [n.value for n in walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name) and n.targets[0].id in names]
    return frozenset(v for v in beside + assigned if dict_made(v))


def _reported_comprehensions_emptied(func):
    """Each dict returned beside a loss (``_reported_dicts``, never differentiated, read nowhere but where it
    is filled by key) that a comprehension makes (``grads = {k: np.zeros_like(v) for k, v in
    params.items()}``) made ``{}`` instead, as the backward leaves it out whatever it holds: whether any was."""
    reported = {id(v) for v in _reported_dicts(func) if isinstance(v, ast.DictComp)}
    if not reported:
        return False
    for node in walk(func):
        if isinstance(node, ast.Assign) and id(node.value) in reported:
            node.value = ast.copy_location(ast.Dict([], []), node.value)
        elif isinstance(node, ast.Tuple):
            node.elts = [ast.copy_location(ast.Dict([], []), e) if id(e) in reported else e for e in node.elts]
    return True


def _listed_numbers(func, name, node):
    """A default that is a list of numbers written out (``bandwidths=[0.5, 1.0, 2.0]``), which ``func`` reads
    only as a tuple reads alike (iterated, indexed, its length, ``np.array`` of it), as that tuple; else
    ``node`` itself (refused below where it is not a default backgen reads)."""
    if not (isinstance(node, ast.List) and node.elts and all(number(e) is not None for e in node.elts)):
        return node
    safe = set()
    for sub in walk(func):
        if isinstance(sub, (ast.For, ast.comprehension)) and isinstance(sub.iter, ast.Name):
            safe.add(id(sub.iter))
        elif isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and isinstance(sub.ctx, ast.Load):
            safe.add(id(sub.value))
        elif isinstance(sub, ast.Call) and len(sub.args) == 1 and not sub.keywords and isinstance(sub.args[0], ast.Name) \
                and (isinstance(sub.func, ast.Name) and sub.func.id in ("len", "enumerate", "zip", "sum", "max", "min")
                     or isinstance(sub.func, ast.Attribute) and sub.func.attr in ("array", "asarray")):
            safe.add(id(sub.args[0]))
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "zip":
            safe.update(id(a) for a in sub.args if isinstance(a, ast.Name))
    reads = [sub for sub in walk(func) if isinstance(sub, ast.Name) and sub.id == name]
    if not reads or any(id(sub) not in safe or not isinstance(sub.ctx, ast.Load) for sub in reads):
        return node
    return ast.copy_location(ast.Tuple(node.elts, ast.Load()), node)


def _settings_default(node):
    """Whether a default is a dict display of settings (``cfg={"scale": 2.0, "act": "relu"}``): string keys,
    values numbers, strings, booleans, None and tuples of those, written out."""
    if not isinstance(node, ast.Dict) or None in node.keys:
        return False
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, RecursionError):
        return False
    return all(type(k) is str for k in value) and _plain_tuple(tuple(value.values()))


def _plain_tuple(value):
    """Whether a default is a tuple of numbers, strings, booleans, None and such tuples (``sizes=(1, 4,
    1)``, ``shapes=((1, 3), (3, 1))``): a value written out that no call can change."""
    return all(v is None or type(v) in (int, float, bool, str) or type(v) is tuple and _plain_tuple(v)
               for v in value)


def _fence_block(forward, stmts, in_loop, last, reported=frozenset()):
    """Check a block; ``last`` says whether it ends the function (a return may end it); the nodes of
    ``reported`` (``_reported_dicts``) are left unchecked."""
    for i, stmt in enumerate(stmts):
        final = last and i == len(stmts) - 1
        kind = stmt.__class__  # (told by class: one test for most statements, an assignment)
        if kind is ast.Assign:
            _fence_stmt(forward, stmt, final, reported)
        elif kind is ast.If:
            _fence_expr(forward, stmt.test, "test")
            _fence_block(forward, stmt.body, in_loop, last, reported)
            _fence_block(forward, stmt.orelse, in_loop, last, reported)
        elif isinstance(stmt, (ast.For, ast.While)):
            if stmt.orelse:
                raise forward.error(f"{'for' if isinstance(stmt, ast.For) else 'while'} ... else is not supported",
                                    stmt.orelse[0])
            if isinstance(stmt, ast.For):
                if not isinstance(stmt.target, ast.Name) and not _dict_items_loop(stmt):
                    raise forward.error("the loop variable must be a single name", stmt.target)
                _fence_expr(forward, stmt.iter)
            else:
                _fence_expr(forward, stmt.test, "test")
            _fence_block(forward, stmt.body, in_loop=True, last=False, reported=reported)
        elif isinstance(stmt, (ast.Break, ast.Continue)):
            word = "break" if isinstance(stmt, ast.Break) else "continue"
            if not in_loop:
                raise forward.error(f"{word} outside a loop", stmt)
        elif isinstance(stmt, ast.Return):
            if in_loop:
                raise forward.error("return inside a loop is not supported: assign the result and break", stmt)
            if i != len(stmts) - 1:
                raise forward.error("return must be the last statement of its block", stmt)
            _fence_stmt(forward, stmt, True, reported)
        else:
            _fence_stmt(forward, stmt, final, reported)


def is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
               ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}


_ARRAY_MAKERS = frozenset({"array", "asarray", "zeros", "ones", "full", "eye", "identity", "arange", "linspace"})


def array_default(node, env):
    """The array a parameter's default makes where it is a NumPy constructor of literals
    (``mean=np.array([0.485, 0.456, 0.406])``, ``W=np.eye(3)``, ``dtype=float`` allowed): evaluated
    once, as Python evaluates a default; else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
            isinstance(node.func.value, ast.Name) and env.get(node.func.value.id) == "numpy" and
            node.func.attr in _ARRAY_MAKERS):
        return None
    try:
        args = [default_value(a) for a in node.args]
        kwargs = {}
        for k in node.keywords:
            if k.arg == "dtype" and isinstance(k.value, ast.Name) and k.value.id in ("float", "int"):
                kwargs["dtype"] = {"float": float, "int": int}[k.value.id]
            elif k.arg == "dtype" and isinstance(k.value, ast.Attribute) and isinstance(k.value.value, ast.Name) \
                    and env.get(k.value.value.id) == "numpy" and k.value.attr in ("float64", "float32", "int64"):
                kwargs["dtype"] = getattr(numpy, k.value.attr)
            elif k.arg is not None:
                kwargs[k.arg] = default_value(k.value)
            else:
                return None
        value = getattr(numpy, node.func.attr)(*args, **kwargs)
    except (ValueError, TypeError, SyntaxError, MemoryError):
        return None
    return value if isinstance(value, numpy.ndarray) and value.dtype.kind in "fiub" and value.size <= 4096 else None


_FLOAT_SCALARS = {"numpy.float64": numpy.float64, "numpy.float32": numpy.float32, "numpy.float16": numpy.float16,
                  "numpy.double": numpy.float64, "numpy.single": numpy.float32}


def _scalar_default(forward, node):
    """A default that is a NumPy float scalar of a number (``margin=np.float32(0.2)``) as the number it
    holds (``0.20000000298023224``): an array of any float kind gives the same values with either; else
    ``node`` itself."""
    if not (isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords):
        return node
    from .source import meaning_of  # noqa: PLC0415

    kind = _FLOAT_SCALARS.get(meaning_of(node.func, forward.env.get) or "")
    if kind is None:
        return node
    try:
        value = default_value(node.args[0])
    except (ValueError, SyntaxError, TypeError):
        return node
    if type(value) not in (int, float):
        return node
    return ast.copy_location(ast.Constant(float(kind(value))), node)


def default_value(node):
    """The value of a parameter's default: a literal, or arithmetic on numbers (``beta=8.0 / 3.0``);
    ValueError for anything else."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = default_value(node.left), default_value(node.right)
        if all(type(v) in (int, float) for v in (left, right)):
            try:
                return _ARITHMETIC[type(node.op)](left, right)
            except (ArithmeticError, ValueError):
                pass
        raise ValueError("not a number")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = default_value(node.operand)
        if type(value) in (int, float):
            return -value if isinstance(node.op, ast.USub) else value
        raise ValueError("not a number")
    if isinstance(node, ast.Attribute) and node.attr == "inf" and isinstance(node.value, ast.Name) or \
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float" and \
            len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant) and \
            str(node.args[0].value).strip().lower() in ("inf", "infinity", "+inf", "-inf", "-infinity"):
        return float(node.args[0].value) if isinstance(node, ast.Call) else math.inf  # (np.inf, float('-inf'))
    return ast.literal_eval(node)


def _fence_stmt(forward, stmt, last, reported=frozenset()):
    kind = type(stmt)
    if kind is ast.Assign and len(stmt.targets) == 1 and stmt.targets[0].__class__ is ast.Name:
        value = stmt.value  # (the most common statement, a name = a call or arithmetic: its value is fenced
        if value.__class__ is ast.Call or value.__class__ is ast.BinOp and value.left.__class__ is not ast.List:
            _fence_expr(forward, value)  # alone, as below where it builds no cache, [None] * T)
            return
    if kind is ast.FunctionDef:  # (nested.lift makes the others helpers)
        raise forward.error(f"{stmt.name}() is defined inside a branch or a loop, and its name is defined or "
                            "assigned elsewhere too, or its defaults read variables: this is not supported; give "
                            "it a name of its own, defined once, with defaults of constants", stmt)
    if kind in UNSUPPORTED:
        raise forward.error(f"{UNSUPPORTED[kind]} are not supported", stmt)
    if isinstance(stmt, ast.Return):
        if not last:
            raise forward.error("return must be the last statement of the function", stmt)
        if stmt.value is None:
            raise forward.error("return needs a value to differentiate", stmt)
        values = stmt.value.elts if isinstance(stmt.value, ast.Tuple) else [stmt.value]
        if not values:
            raise forward.error("return needs a value to differentiate", stmt)
        for value in values:
            if not _flag(value) and value not in reported:  # (return True: a helper's answer to a test)
                _fence_expr(forward, value)
    elif isinstance(stmt, ast.Assign):
        if stmt.value in reported:  # stats = {"acc": ...}, returned beside the loss: left out
            return
        if getattr(stmt.value, "settings_display", False):  # (``settings_displays``)
            for value in stmt.value.values:
                _fence_expr(forward, value, "arg")
            return
        if builds_collection(stmt):  # cache = {}, cache["cache%d" % t] = c: the layer's cache
            for value in stmt.value.values if isinstance(stmt.value, ast.Dict) else ():
                _fence_expr(forward, value)  # cache = {"x": x, "xhat": xhat.copy()}: values computed here
            return
        target = stmt.targets[0]
        names = target.elts if isinstance(target, ast.Tuple) else [target]
        if len(stmt.targets) != 1:  # (a = b = v of a constant, or a name or an item of one first: written out
            # one by one before)
            raise forward.error("an assignment to several targets is followed where the first is a name or "
                                "an item of one (a = b[0] = v, b[0] = b[1] = v): write the value to a name first "
                                "(t = v; b[0] = t; b[1] = t)", stmt.targets[1])
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            _fence_expr(forward, target.slice, "index")
        elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and \
                isinstance(target.slice.value, str):  # (one nothing reads after is left out as a side effect)
            raise forward.error(f"this writes into {ast.unparse(target.value)}[{target.slice.value!r}], which "
                                "the function reads again after: backgen follows writes into dicts only "
                                "for a dict passed as a parameter; compute the value under a name of its own",
                                target)
        elif len(stmt.targets) != 1 or not (target.__class__ is ast.Name or all(isinstance(n, ast.Name) for n in names)):
            raise forward.error("only assignments to a name, a tuple of names or a part of an array "
                                "(a[i] = v) are supported" + _object_write(target), target)
        if isinstance(target, ast.Tuple) and isinstance(stmt.value, ast.Tuple) and \
                len(target.elts) == len(stmt.value.elts):  # loss, grads = 0, {}: each pair as its own
            for name, value in zip(target.elts, stmt.value.elts):
                _fence_stmt(forward, ast.copy_location(ast.Assign([name], value), stmt), last, reported)
        elif isinstance(stmt.value, ast.IfExp) and all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                                                       for v in (stmt.value.body, stmt.value.orelse)):
            _fence_expr(forward, stmt.value.test, "test")  # mode = "test" if y is None else "train"
        elif isinstance(target, ast.Name) and isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
            pass  # y = None where y held a value (tidy leaves out the others): the stager takes it away
        elif isinstance(target, ast.Name) and _flag(stmt.value):
            if isinstance(stmt.value, ast.IfExp):  # found = True, then if found: a flag, the number 1 or 0
                _fence_expr(forward, stmt.value.test, "test")  # (big = True if a > b else False)
        elif isinstance(target, ast.Subscript) and isinstance(stmt.value, ast.Constant) and \
                isinstance(stmt.value.value, bool):
            pass  # m[i, y] = True: a mask written into (a constant, as 1.0 written into an array of floats)
        elif not (isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):  # mode = "train"
            _fence_expr(forward, stmt.value, "arg" if isinstance(stmt.value, ast.Tuple) else "value")
    elif isinstance(stmt, ast.AugAssign):
        target = stmt.target
        if not isinstance(target, ast.Name) and not (isinstance(target, ast.Subscript)
                                                     and isinstance(target.value, ast.Name)):
            raise forward.error("only augmented assignments to a name or a part of an array are supported" +
                                _object_write(target), target)
        if not isinstance(stmt.op, BINOPS + (ast.FloorDiv, ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor, ast.MatMult)):
            # (x //= 2, x %= p: x = x // 2, as a value's //; m &= e > 0: a mask's and, as m = m & (e > 0); T @= A
            # of arrays: an in-place write, as *= is)
            raise forward.error(f"the operator {_op_symbol(stmt.op)}= is not supported", stmt)
        _fence_expr(forward, stmt.value)
    elif isinstance(stmt, ast.Pass):
        pass
    elif isinstance(stmt, ast.Expr):
        if isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            raise forward.error("generators (yield) are not supported", stmt)
        if is_append(stmt) and isinstance(stmt.value.args[0], ast.Tuple):  # (desugar splits the rest)
            raise forward.error("a list of tuples is followed only where the function reads it back by unpacking "
                                "(a, b = xs[t]; for a, b in xs), at constant places (xs[t][1]) or with len(), "
                                "each tuple of one length: this one is read another way (returned, held in a "
                                "cache, handed on, read whole); keep a list for each value (xs_a.append(a); "
                                "xs_b.append(b))", stmt.value.args[0])
        if is_append(stmt):
            _fence_expr(forward, stmt.value.args[0])
            return
        if is_pop(stmt.value):  # buf.pop(0): the list without its first item
            return
        call = stmt.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                isinstance(call.func.value, ast.Attribute) and isinstance(call.func.value.value, ast.Name) and \
                call.func.value.value.id == "self":  # self.activation.forward(inputs), as NNFS's layers chain
            part = f"self.{call.func.value.attr}"
            raise forward.error(f"{part}.{call.func.attr}(): backgen does not follow methods of other objects (a "
                                f"model's parts), nor what they keep on themselves ({part}.output): write the "
                                "computation as one function of the arrays, or decorate the parts' "
                                f"{call.func.attr} and chain their backwards, last first", call.func)
        raise forward.error("a call standing alone may write into its arguments (a method, out=, a "
                            "function of yours), which backgen does not follow: assign what it computes to a name",
                            stmt)
    else:
        raise forward.error(f"{type(stmt).__name__} statements are not supported", stmt)


def _boolean_flags(func):
    """``inside = 0 <= u <= 1 and v >= 0``: ``and``/``or`` of comparisons (and ``not``, True, False) assigned
    to a name, written ``True if ... else False``, the flag it is (the test kept whole, as an if's)."""
    def boolean(node):
        if isinstance(node, ast.BoolOp):
            return all(boolean(v) for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        return isinstance(node, ast.Compare) or isinstance(node, ast.Constant) and isinstance(node.value, bool)
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.BoolOp) and boolean(node.value):
            flag = ast.IfExp(node.value, ast.Constant(True), ast.Constant(False))
            node.value = ast.fix_missing_locations(ast.copy_location(flag, node.value))


def _boolean_values(func):
    """``y = y or 2.0`` and ``x and y``, ``and``/``or`` as a value (not an if's, a while's, an assert's or a
    conditional expression's test, nor a comprehension's condition) whose operands but the last are names
    or constants: the operand Python gives, ``y if y else 2.0`` (``y if not x else ...``: ``x and y`` is ``y if
    x else x``), each name read as before, once more in the test."""
    tests = set()
    for node in walk(func):
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            tests.add(id(node.test))
        elif isinstance(node, ast.comprehension):
            tests.update(id(test) for test in node.ifs)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            tests.add(id(node.operand))

    def chosen(node):
        first, rest = node.values[0], node.values[1:]
        later = rest[0] if len(rest) == 1 else ast.copy_location(ast.BoolOp(node.op, rest), node)
        later = chosen(later) if isinstance(later, ast.BoolOp) else later
        if isinstance(node.op, ast.Or):
            value = ast.IfExp(first, tree_copy(first), later)
        else:
            value = ast.IfExp(first, later, tree_copy(first))
        value.of_names = True  # (z and x or y: the inner one is read twice, as its names are)
        return ast.fix_missing_locations(ast.copy_location(value, node))

    class Values(ast.NodeTransformer):
        def visit_BoolOp(self, node):
            self.generic_visit(node)
            if id(node) in tests or not all(isinstance(v, (ast.Name, ast.Constant)) or getattr(v, "of_names", False)
                                            for v in node.values[:-1]):
                return node
            return chosen(node)

        def visit_Lambda(self, node):
            return node  # (its own body, read where it is called)
    for stmt in func.body:
        Values().visit(stmt)


def _flag(value):
    """Whether ``value`` is ``True`` or ``False``, or a conditional expression choosing between them
    (``True if a > b else False``): a flag's value, a number (1 or 0) with no gradient, as an int is."""
    if isinstance(value, ast.IfExp):
        return _flag(value.body) and _flag(value.orelse)
    return isinstance(value, ast.Constant) and isinstance(value.value, bool)


def builds_collection(stmt):
    """A statement building a layer's cache: ``c = {}``, ``c = {"x": x}``, ``c = [None] * T``,
    ``c["cache%d" % t] = step_cache`` (keys are strings, values are names; a name like a cache's may
    hold expressions, ``cache = {"x_flat": x.reshape(N, -1)}``)."""
    if len(stmt.targets) != 1:
        return False
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name):
        if isinstance(value, ast.Dict):
            return all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys) \
                and all(isinstance(v, ast.Name) or "cache" in target.id.lower() for v in value.values)
        return isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult) and isinstance(value.left, ast.List) \
            and len(value.left.elts) == 1 and isinstance(value.left.elts[0], ast.Constant) \
            and value.left.elts[0].value is None
    key = target.slice if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) else None
    if isinstance(key, ast.BinOp) and isinstance(key.op, ast.Mod):
        key = key.left
    return isinstance(value, ast.Name) and (isinstance(key, ast.JoinedStr) or isinstance(key, ast.Constant)
                                            and isinstance(key.value, str))


def is_pop(value):
    """``xs.pop()``, ``xs.pop(-1)`` or ``xs.pop(0)``: the last (first) item of a list, taken out of it
    (assigned to a name, or a statement of its own: a delay line's ``buf.pop(0)``, then ``buf.append(y)``)."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "pop"
            and isinstance(value.func.value, ast.Name) and not value.keywords and
            (not value.args or len(value.args) == 1 and number(value.args[0]) in (0, -1) and
             type(number(value.args[0])) is int))


def popped_first(value):
    """Whether the pop ``value`` (``is_pop``) takes the list's first item (``xs.pop(0)``)."""
    return bool(value.args) and number(value.args[0]) == 0


def is_append(stmt):
    """``xs.append(v)``: the one expression statement that changes something (a list)."""
    call = stmt.value
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name) and len(call.args) == 1 and not call.keywords)


def _fence_expr(forward, node, where="value"):
    """Check an expression; ``where`` is "value", "arg" (a call argument), "index" or "test" (an
    ``if``'s or ``while``'s, where ``and``/``or`` decide the way and carry no value)."""
    kind = type(node)
    if kind is ast.Name:  # (the most common node: nothing to check)
        return
    if where == "index" and kind in (ast.JoinedStr, ast.BinOp, ast.Call) and key_parts(node) is not None:
        for part in key_parts(node):  # params["W%d" % (i + 1)]: a key, resolved where the dict is
            _fence_expr(forward, part, "index")
        return
    if kind is ast.BoolOp and where == "test":
        for value in node.values:
            _fence_expr(forward, value, "test")
        return
    if kind is ast.UnaryOp and isinstance(node.op, ast.Not) and where == "test":
        _fence_expr(forward, node.operand, "test")
        return
    if kind in UNSUPPORTED:
        raise forward.error(f"{UNSUPPORTED[kind]} are not supported", node)
    if kind is ast.BinOp:  # (told by class: the common kinds first)
        if not isinstance(node.op, _FENCED_BINOPS):
            raise forward.error(f"the operator {_op_symbol(node.op)} is not supported", node)
        for child in (node.left, node.right):
            if child.__class__ is ast.Tuple and isinstance(node.op, ast.Add):  # shapes: (2,) + x.shape
                for elt in child.elts:
                    _fence_expr(forward, elt, "arg")
            elif child.__class__ is not ast.Name:  # (a name: nothing to check, as below)
                _fence_expr(forward, child)
    elif kind is ast.UnaryOp:
        if not isinstance(node.op, _FENCED_UNARYOPS):
            raise forward.error(f"the operator {_op_symbol(node.op)} is not supported", node)
        _fence_expr(forward, node.operand)
    elif kind is ast.IfExp:  # its test is a test, as an if's (x if a < b and b > 0 else y)
        _fence_expr(forward, node.test, "test")
        for child in (node.body, node.orelse):
            _fence_expr(forward, child)
    elif kind is ast.Compare:
        for op, child in zip(node.ops, node.comparators):  # x is None: an optional output gradient
            if isinstance(child, ast.Constant) and child.value is None and not isinstance(op, (ast.Is, ast.IsNot)):
                raise forward.error("None can only be tested with `is None` or `is not None`", child)
        for child in [node.left] + node.comparators:  # mode == "train": settings may be strings
            if not (isinstance(child, ast.Constant) and (child.value is None or isinstance(child.value, (str, bool)))):
                _fence_expr(forward, child)
    elif kind is ast.Call:
        if not isinstance(node.func, (ast.Name, ast.Attribute)) and not _parameter_entry(forward, node.func):
            made = node.func.func if isinstance(node.func, ast.Call) else None
            if isinstance(made, ast.Name) and made.id in forward.unfollowed:  # (D(W)(x) of a class not followed)
                raise forward.error(objects.unfollowed_message(made.id, forward.unfollowed[made.id]), made)
            raise forward.error("only calls of named functions are supported", node.func)
        made = complexes.complex_made(node)
        if made is not None:  # np.zeros(n, dtype=complex), x.astype(np.complex64), complex(a, b)
            raise forward.error(complexes.message(made), made)
        if isinstance(node.func, ast.Attribute) and node.func.value.__class__ is not ast.Name:  # (np.tanh: a name)
            _fence_expr(forward, node.func.value)
        for arg in node.args:  # np.random.rand(*x.shape): a starred argument (staging says where)
            if arg.__class__ is not ast.Name:  # (a name: nothing to check, as below)
                _fence_expr(forward, arg.value if isinstance(arg, ast.Starred) else arg, "arg")
        for keyword in node.keywords:
            if keyword.arg is None:
                raise forward.error("**keyword arguments are not supported", keyword)
            _fence_expr(forward, keyword.value, "arg")
    elif kind is ast.Subscript:
        _fence_expr(forward, node.value)
        _fence_expr(forward, node.slice, "index")
    elif kind is ast.Slice:
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                _fence_expr(forward, part, "index")
    elif kind is ast.Tuple or kind is ast.List:
        if where == "value" and isinstance(node, ast.List) and _numbers_written(node):
            return  # (a table of numbers written out, nodes = [(0.0, 0.0), (1.0, 0.0)]: a constant)
        if where == "value" and isinstance(node, ast.List):  # a list of arrays: xs = [a, b]
            for elt in node.elts:
                _fence_expr(forward, elt)
            return
        if where == "value":
            what = "tuples" if isinstance(node, ast.Tuple) else "lists"
            raise forward.error(f"{what} are only supported as arguments of calls and in indexing", node)
        for elt in node.elts:
            _fence_expr(forward, elt, where)
    elif kind is ast.Attribute:
        _fence_expr(forward, node.value)
    elif kind is ast.Constant:
        value = node.value
        if where == "value" and isinstance(value, str):
            raise forward.error("strings are not supported", node)
        if where == "value" and type(value) is complex:
            raise forward.error(f"the constant {value!r} is a complex number: backgen differentiates real "
                                "arithmetic only (write the real and imaginary parts as real values)", node)
        if where == "value" and type(value) not in (int, float):
            raise forward.error(f"the constant {value!r} is not a number", node)
    elif kind is ast.Name:
        pass
    else:
        raise forward.error(f"{type(node).__name__} expressions are not supported", node)


def key_parts(node):
    """The values a string key is made of (``"W%d" % (i + 1)``: ``i + 1``; ``f"b{i}"``: ``i``;
    ``"W" + str(i)``: ``i``; ``"W{}".format(i)``: ``i``), or None if ``node`` does not make a string
    that way."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str) \
            and all(not isinstance(a, ast.Starred) for a in node.args) and all(k.arg for k in node.keywords):
        return list(node.args) + [k.value for k in node.keywords]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None and key_parts(value.format_spec) != []:
                    return None
                parts.append(value.value)
            elif key_parts(value) is None:
                return None
        return parts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
            and isinstance(node.left.value, str):
        return list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = [key_parts(node.left), key_parts(node.right)]
        for k, side in enumerate((node.left, node.right)):
            if sides[k] is None and isinstance(side, ast.Call) and isinstance(side.func, ast.Name) \
                    and side.func.id == "str" and len(side.args) == 1 and not side.keywords:
                sides[k] = [side.args[0]]
        if None in sides or not any(isinstance(side, ast.Constant) or isinstance(side, (ast.JoinedStr, ast.BinOp))
                                    for side in (node.left, node.right)):
            return None
        return sides[0] + sides[1]
    return None


def _op_symbol(op):
    return {
        ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
        ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Not: "not",
    }.get(type(op), type(op).__name__)


def _numbers_written(node):
    """Whether the list ``node`` is a table of numbers written out: its items all tuples (or lists) of
    number literals, of one length (the rows of a mesh's node coordinates)."""
    rows = node.elts
    if not rows or not all(isinstance(row, (ast.Tuple, ast.List)) for row in rows) or \
            not any(isinstance(row, ast.Tuple) for row in rows) or len({len(row.elts) for row in rows}) != 1:
        return False
    return all(isinstance(item, ast.Constant) and type(item.value) in (int, float) or
               isinstance(item, ast.UnaryOp) and isinstance(item.op, ast.USub) and
               isinstance(item.operand, ast.Constant) and type(item.operand.value) in (int, float)
               for row in rows for item in row.elts)
