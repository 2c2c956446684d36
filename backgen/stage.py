"""Stage a fenced forward function into one operation per assignment.

Contract: ``stage(forward, wrt=None) -> ir.Staged`` (grammar in ``ir``).

* The user's variable names are kept.  A name assigned twice gets versions
  (``h``, ``h_1``, ``h_2``) so each staged name has exactly one value.
* Nested expressions get temporaries named from what they compute (``xpy`` for
  ``x + y``, ``sigy`` for a sigmoid of ``y``, ``num``/``den`` for the two
  sides of a division, ``out`` for the returned value).  Names are chosen
  deterministically and never collide with the user's names, the builtins, or
  the adjoint names (``d`` + name) the reverse pass will give them.
* Fused gates a person recognizes are staged as one operation: the sigmoid
  ``1 / (1 + exp(-z))``, ``np.sum(np.square(x))``, ``np.log(np.sum(np.exp(x)))``.
  Chains of ``+`` become one n-ary ``add``; operations on constants stay
  constants; values that carry no gradient (masks, shapes, constructors) are
  ``inert`` operations.
* NumPy calls keep the user's spelling (``x.sum(axis=1)`` stays a method
  call); their static arguments (``axis``...) are recorded as ``Op.params``.
* A dict made empty (``hs = {}``, ``dict()``) that the function fills by ``hs[k] = v`` and reads
  by ``hs[k]`` alone (flow's ``value_dict``) is a value staged as a list of values is: a line
  making it, each write a new version (``setitem``); other empty dicts (a layers' caches) are no
  values, and reading one is refused.
* Unknown names and functions raise ``BackgenError`` at the user's line, as
  does a ``wrt`` that is not a parameter's name or a list of them
  (``wrt_names`` reads it: ``"x"``, ``"x, w"`` or ``("x", "w")``).
* A staging is kept in the Forward (``STAGINGS``) and given again where the same function (its
  tree unchanged) is staged with the same arguments, of the shapes given only whether each is an
  array and its kind: code written without shapes is staged once for its many sample runs.  The
  ``ir.Staged`` given is immutable, and shared.
"""

import ast
import builtins
import copy
import functools
import keyword
import math

from . import attribute_reads, ir, runtime, settings_displays, source
from .errors import BackgenError
from .flow import RETURN, StatementStager, single_exit
from .cache import CacheStager, dict_made, inline_expressions, output_roles, returned_dicts, specialize
from .hints import hint as _hint
from .integral_args import integral_params
from .memory import MemoryModel
from .parse import array_default, is_docstring, read_helper, settings_written
from .rules import CONSTANTS, INERT_ATTRIBUTES, NOT_DIFFERENTIABLE, RULES
from .shapes import spec
from .searches import refuse_searches
from .stage_calls import CallStager, _literal, _same_name
from .source import names_of

BINOP_RULES = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow",
               ast.MatMult: "np.matmul"}
INERT_BINOPS = (ast.BitAnd, ast.BitOr, ast.BitXor, ast.FloorDiv, ast.Mod)
_INERT_ROLES = {ast.FloorDiv: "quot", ast.Mod: "rem"}  # integer arithmetic; the bitwise ops make masks
MODULE_SPELLING = {"math": "math", "numpy": "np"}


_ROUNDING = frozenset({"round", "int", "floor", "ceil", "trunc"})  # (returned: piecewise constant)

class Namer:
    """Deterministic fresh names that avoid every taken name and its adjoint.  Names are only ever
    taken, so the search for a base's next name starts where its last one ended (``tried``)."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.tried = {}  # (base, kind) -> the number of its last fresh name or version

    def fresh(self, base):
        k = self.tried.get((base, "fresh"), 1)
        candidate = base if k == 1 else f"{base}{k}"
        while candidate in self.taken or "d" + candidate in self.taken or keyword.iskeyword(candidate):
            k += 1
            candidate = f"{base}{k}"
        self.tried[base, "fresh"] = k
        self.take(candidate)
        return candidate

    def version(self, base):
        k = self.tried.get((base, "version"), 1)
        while f"{base}_{k}" in self.taken or f"d{base}_{k}" in self.taken:
            k += 1
        self.tried[base, "version"] = k
        self.take(f"{base}_{k}")
        return f"{base}_{k}"

    def take(self, name):
        self.taken.add(name)
        self.taken.add("d" + name)


def stage(forward, wrt=None, specs=None, arrays=False, unmerged=False, written=frozenset(), split_outputs=False,
          cache_path=False):
    """Stage ``forward``.  ``specs`` ({param: shapes.Spec}) are its declared
    shapes; NumPy rules are used when the code uses NumPy, when a declared shape
    is an array, or when ``arrays`` says the inputs are arrays.  With ``unmerged``,
    a name an ``if`` sets that nothing reads after it is not merged there (each
    path's value may then have a shape of its own: ``y = np.sum(x)`` on one,
    ``y = x * 2.0`` on the other, each read in its branch only).  ``written``
    holds the (line, column) of each ``h op= v`` known to write into an array
    other names share (``h = x`` before): it is staged as the write it is,
    ``h[...] = h op v``, which those names then follow (``memory``); and, where ``program`` writes code
    for the shapes given or passed, ``("layout", "on")``: a reshape or ravel of an array of unknown order
    is taken as the view the shapes may make it (``MemoryModel._view_by_shapes``), but for those on the
    lines of its ``("layout", line)``; ``("layout", "c", param)``: the parameter's array passed is
    C-contiguous, ``("layout", "list", param)``: the parameter is given a list of numbers, made an
    array (the decorator's code is for those); ``("kind", "index", param)``, ``("kind", "mask", param)``:
    it is given an array of integers, of booleans (an index by it copies).  With ``split_outputs``, an
    output the paths of an if give (``return a`` early, ``return b`` at the end) is each path's own
    value copied into the output's name (never that value's own line renamed): the paths may give
    it shapes of their own (``Staged.path_outputs``).  With ``cache_path``, a layer returning ``out, cache``
    built on some paths only is staged on those (``cache.specialize``): its backward, handed the cache,
    serves them alone; else every path is, as a backward given the arrays needs them (CS231n's batch norm
    in test mode, decorated, or called by a function whose backward takes the arrays)."""
    specs = dict(specs or {})
    for arg in forward.func.args.args:
        if arg.arg not in specs and arg.annotation is not None and spec(arg.annotation) is not None:
            specs[arg.arg] = spec(arg.annotation)
    arrays = arrays or any(s.dims for s in specs.values())
    key = _staging_key(wrt, specs, arrays, unmerged, written, split_outputs, cache_path)
    if key is None:
        return _Stager(forward, arrays, unmerged, written, split_outputs).run(wrt, specs, cache_path)
    known = forward.__dict__.setdefault(STAGINGS, {})
    body, tree = forward.func.body, ast.dump(forward.func)
    entry = known.get(key)
    if entry is not None and entry[0] is body and entry[1] == tree:
        return entry[2]
    staged = _Stager(forward, arrays, unmerged, written, split_outputs).run(wrt, specs, cache_path)
    known[key] = (body, tree, staged)
    return staged


STAGINGS = "_stagings"  # (the field of a Forward's __dict__ holding its stagings: no dataclass field)


def _staging_key(wrt, specs, arrays, unmerged, written, split_outputs, cache_path):
    """What a staging depends on besides the function (its tree, compared apart): of each parameter's
    shape given, only whether it is an array and its kind (staging reads no size); None where ``wrt``
    or ``written`` cannot be a key (a staging of it is not kept)."""
    try:
        key = (tuple(wrt) if isinstance(wrt, (list, tuple)) else wrt,
               tuple(sorted((name, bool(s.dims), s.kind) for name, s in specs.items())),
               bool(arrays), bool(unmerged), frozenset(written), bool(split_outputs), bool(cache_path))
        hash(key)
    except TypeError:
        return None
    return key


_NUMPY_KINDS = frozenset({ast.Assign, ast.Call, ast.Subscript, ast.Attribute, ast.BinOp,
                          ast.AugAssign})  # (the nodes uses_numpy reads, its names apart)
_NAMES = frozenset({ast.Name})


def uses_numpy(forward, seen=(), nodes=None):
    """Whether the function (or a helper it calls) is NumPy code, rather than scalar code.
    ``nodes``: every node of the function but contexts and operators (``source.walk_parts``),
    where a walk already listed them."""
    func = forward.func
    nodes = source.parts_list(func) if nodes is None else nodes
    name_nodes = list(source.of_kinds(nodes, _NAMES))
    names = {node.id for node in name_nodes}
    local = {a.arg for a in func.args.args} | {node.id for node in name_nodes if node.ctx.__class__ is ast.Store}
    lists, others, calls, results = set(), set(), [], set()
    subscripts, attributes, matmul = [], [], False  # (what the test below reads: one walk)
    for node in source.of_kinds(nodes, _NUMPY_KINDS):
        kind = node.__class__
        if kind is ast.Assign:
            named = (others, lists)[node.value.__class__ in (ast.List, ast.Tuple)]  # vals = [a, b]: not an array
            if _tuple_call(node.value, forward):  # (s = step(x, v), then s[0]: the helper's tuple of numbers)
                named = results
            for target in node.targets:
                if target.__class__ is ast.Name:
                    named.add(target.id)
        elif kind is ast.Call and node.func.__class__ is ast.Name and node.func.id in forward.helpers:
            calls.append(node)
        elif kind is ast.Subscript:
            subscripts.append(node)
        elif kind is ast.Attribute:
            attributes.append(node)
        elif (kind is ast.BinOp or kind is ast.AugAssign) and node.op.__class__ is ast.MatMult:  # (the nodes
            matmul = True  # whose operator may be one)
    for node in calls:
        if node.func.id not in seen:
            try:
                helper = read_helper(forward, node.func.id)
            except (BackgenError, TypeError):
                continue  # reported where the call is staged
            if uses_numpy(helper, seen + (func.name,)):
                return True
    lists -= others
    results -= others | lists
    env = forward.env
    if source.imports_numpy(forward.lines) and _sequence_in_arithmetic(func, nodes):
        return True
    if matmul or any((node.value.__class__ is not ast.Name or node.value.id not in lists) and
                     not _helper_part(node, forward, results) or node.ctx.__class__ is ast.Store
                     for node in subscripts):
        return True  # (state = [x, v] written into, state[1] = ...: followed as NumPy code, [0.0] * n alike)
    if any((env.get(name) or "").startswith("numpy") for name in names - local):
        return True
    for node in attributes:
        if node.attr not in ("append", "pop"):  # list methods are not NumPy
            base = getattr(node.value, "id", None)
            if base is None or base in local or not env.get(base):
                return True
    return False


def _sequence_in_arithmetic(func, nodes):
    """Whether a parameter is read as a sequence (``len(X)``, ``X[i]``, iterated) and whole in arithmetic
    (``0.5 * X``, ``a -= X``): no list of numbers takes arithmetic with a float, so in a module importing
    NumPy it is an array, whose op= through another name writes into it (code for numbers rebinds)."""
    params = {a.arg for a in func.args.args}
    whole, sequence = set(), set()
    for node in nodes:
        kind = node.__class__
        if kind is ast.BinOp or kind is ast.AugAssign:
            operands = (node.left, node.right) if kind is ast.BinOp else (node.value,)
            whole |= {o.id for o in operands if o.__class__ is ast.Name and o.id in params}
        elif kind is ast.UnaryOp and node.operand.__class__ is ast.Name:
            whole.add(node.operand.id)
        elif kind is ast.Call and node.func.__class__ is ast.Name and node.func.id == "len":
            sequence |= {a.id for a in node.args if a.__class__ is ast.Name}
        elif kind is ast.Subscript and node.value.__class__ is ast.Name:
            sequence.add(node.value.id)
        elif kind is ast.For and node.iter.__class__ is ast.Name:
            sequence.add(node.iter.id)
    return bool(whole & sequence & params)


def _helper_part(node, forward, results=frozenset()):
    """Whether ``node`` (a subscript) takes a part of what a helper of scalar code returns (``h(x)[0]``:
    the helpers called were checked above, a tuple of numbers; ``s[0]`` of a name in ``results``, bound
    to such calls alone), or of a tuple of numbers a builtin gives (``divmod(a, b)[1]``), in a module
    without NumPy (where parameters are numbers: in one importing it an array may be given, whose
    gradient is an array)."""
    value = node.value
    held = _tuple_call(value, forward) or value.__class__ is ast.Name and value.id in results
    return held and source.number(node.slice) is not None and not source.imports_numpy(forward.lines)


_TUPLE_BUILTINS = frozenset({"divmod"})  # builtins giving a tuple of numbers
_TUPLE_MATH = frozenset({"modf", "frexp"})  # math's functions giving one


def _tuple_call(node, forward):
    """Whether ``node`` calls a helper of the module, or a builtin or math function giving a tuple of
    numbers (``divmod``, ``math.modf``): what it gives is no array where its arguments are none."""
    if node.__class__ is not ast.Call:
        return False
    func = node.func
    env = forward.env
    if func.__class__ is ast.Name:
        return func.id in forward.helpers or func.id in _TUPLE_BUILTINS and func.id not in env or \
            env.get(func.id) in {f"math.{name}" for name in _TUPLE_MATH}
    return func.__class__ is ast.Attribute and func.attr in _TUPLE_MATH and func.value.__class__ is ast.Name \
        and env.get(func.value.id) == "math"


def _lazy_chain(node):
    """Whether a chained comparison (``a < b < c``) has an operand after the first pair that is more
    than a name or a number (``math.log(x)``): Python computes it only where the pairs before hold."""
    return len(node.ops) > 1 and any(not (isinstance(c, (ast.Name, ast.Constant, ast.Attribute)) or
                                          source.number(c) is not None) for c in node.comparators[1:])


def wrt_names(wrt):
    """``wrt`` as given (a name, names separated by commas, or a list of names) as a tuple; a TypeError
    saying what it must be where it is none of these (``wrt=3``)."""
    if isinstance(wrt, str):
        return tuple(w.strip() for w in wrt.split(",") if w.strip())
    if not isinstance(wrt, (list, tuple, set, frozenset, dict)):
        raise TypeError(f"wrt must be a parameter's name or a list of them, like wrt=('x', 'w'), not "
                        f"{type(wrt).__name__} {wrt!r}")
    return tuple(wrt)


class _Stager(StatementStager, CallStager, MemoryModel, CacheStager):
    def __init__(self, forward, arrays=False, unmerged=False, written=frozenset(), split_outputs=False):
        self.forward = forward
        self.unmerged = unmerged  # (see ``stage``)
        self.written_in_place = written  # (see ``stage``)
        self.writes_staged_again = set()  # the lines of op= staged as the write into an array they may be
        self.split_outputs = split_outputs  # (see ``stage``)
        self.output_merges = set()  # the names an if's paths deliver an output to
        self.unset = set()  # carried names an enclosing loop has not given a value yet
        self.loop_entries = []  # each enclosing loop's {name: the name it carries it under}
        self.loop_written = ()  # each enclosing loop's names it writes into (flow.constant_bound_in_loop)
        self.func = forward.func  # read, never changed: what staging rewrites (returns, calls inlined) it copies
        self.env = forward.env
        nodes = forward.nodes
        self.numpy = arrays or uses_numpy(forward, nodes=nodes)
        self.settings_written = settings_written(forward)  # (whether, and what, a helper writes into a dict)
        self.settings_changed = {}  # a dict of settings -> (keys or None, the call writing them) of each such call
        self.settings_keys = {}  # the version a write into a dict of settings makes -> (its key's text, the one before)
        displays = settings_displays.names(forward.func, forward.helpers, self.settings_written)  # conv_param
        more, self.config_aliases = config_aliases(forward.func, forward.settings | displays, nodes)
        self.config_aliases |= displays
        self.config = forward.settings | more | self.config_aliases
        self.ops = []
        self.line = self.func.lineno
        user = {n.id for n in source.of_kinds(nodes, _NAMES) if n.ctx.__class__ is ast.Store}
        self.stored = frozenset(user)  # the names the function assigns
        user |= {a.arg for a in self.func.args.args} | {self.func.name}
        self.user_names = user
        free = set(self.env) | set(dir(builtins)) | set(forward.helpers) | set(forward.constants)
        self.constants_read = {}
        self.named_arrays = {}  # the text of a constant array made in the function -> the name first given it
        self.namer = Namer(set(user) | {"d" + n for n in user} | free)
        self.versions = {}
        self.defined = set()  # every name a parameter, an operation or a merge defines
        self.read_so_far = set()  # every name an operation staged so far reads
        self.constants_held = {}  # a constant's text -> (operation, the Const) for each staged so far reading it
        self.constants_staged = set()  # the lines staging a constant array written into (its own array)
        self.tests = []  # the names the enclosing if tests read
        self.guards = []  # (test, branch taken) of each enclosing if
        self.conditional = {}  # name -> (its value, the guards it was set under, line): set on one path only
        self.maybe_unbound = {}  # name -> its value from an if setting it on one path, no value before that if
        self.unbound_elsewhere = {}  # name -> its conditional value, where Python's name is unbound on the
        # other paths (bound by no statement before the if, which no loop encloses): a read there raises
        self.unbound_names = set()  # the loops' carried names that are unbound, as Python's, until set
        self.init_memory()
        self.cache_name = None  # the name returned as a layer's cache
        self.value_dicts = set()  # names given a dict of values, which writes fill (flow's dict_made)
        self.not_values = {}  # name -> (helper, role, line): a cache (or gradient) a helper returned
        self.unpacking_roles = False  # a helper returning (out, cache) is staged as its outputs alone
        self.required = []  # parameters defaulting to None that the path differentiated needs given
        self.cache_layout = None
        self.modules = {}
        for canonical in ("math", "np"):
            alias, k = canonical, 1
            while alias in user:
                alias = f"{canonical}{'_' * k}"
                k += 1
            self.modules[canonical] = alias

    def error(self, message, node):
        return self.forward.error(message, node)

    def run(self, wrt, specs, cache_path=False):
        params = tuple(a.arg for a in self.func.args.args)
        wrt = self.check_wrt(params, wrt, specs)
        refuse_searches(self.func, wrt, self.error)
        body = [s for s in self.func.body if not is_docstring(s)]
        returns = _first_return(body).value
        roles = output_roles(self.func, returns.elts if isinstance(returns, ast.Tuple) else [returns])
        if roles != ["out"]:  # the returns are rewritten, calls inlined: in a copy, never the caller's tree
            body = source.clone(body)
        if "cache" in roles:  # out, cache = ...: the cache is not differentiated; the backward serves its path
            self.cache_name = returns.elts[roles.index("cache")].id
            body = specialize(inline_expressions(body, self.forward, self.cache_name), self.cache_name,
                              {name for name, meaning in self.forward.env.items() if meaning == "numpy"},
                              paths=cache_path)
        if roles != ["out"]:
            body = self.given_path(body)
            gradients = {v.id for v, role in zip(returns.elts, roles) if role == "gradient" and isinstance(v, ast.Name)}
            reported = gradients & returned_dicts(self.func)  # (stats = {"acc": acc}, read nowhere else)
            body = [_without_dicts(s, gradients, reported) for s in body]  # loss, grads = 0, {}: loss = 0
            body = [s for s in body if not _fills_dict(s, gradients, reported)]  # grads = {}; grads['W2'] = ...
            self.keep_outputs(body, roles)
            if gradients:
                body = _without_users_backward(body, gradients)
        else:  # if y is None: return scores, then the loss of the labels y: the backward serves the loss
            body = self.given_path(body, labels_only=True)
        body = single_exit(body)
        returns = _first_return(body).value
        values = returns.elts if isinstance(returns, ast.Tuple) else [returns]
        upstreams = self.upstream_names(values, named=self.cache_name is not None)
        self.upstreams = upstreams
        self.param_names = params
        for name in params:
            self.versions[name] = ir.Var(name)
            self.defined.add(name)
            if ("layout", "c", name) in self.written_in_place:  # (code for the C-contiguous array passed)
                self.c_order.add(name)
            if ("layout", "assumed", name) in self.written_in_place:  # (code for a C-contiguous array, which
                self.c_order.add(name)  # the backward checks where the code relies on it: ``layout_consulted``)
                if not (specs and name in specs and not specs[name].dims):  # (a number: of no order in memory)
                    self.order_deps[name] = frozenset({name})
            if ("layout", "list", name) in self.written_in_place:  # (a list of numbers given: made an array
                self.lists_given.add(name)  # for the backward, the forward's reshape of it a new array)
            if specs and name in specs and specs[name].kind == "int" and not specs[name].dims:
                self.int_names.add(name)
            elif specs and name in specs and specs[name].kind == "bool" and not specs[name].dims:
                self.bool_names.add(name)  # (a number, but an index by it is a mask's: x[True] is a new array)
            elif specs and name in specs and specs[name].kind in ("int", "bool") or \
                    ("kind", "index", name) in self.written_in_place:
                self.index_arrays.add(name)  # (labels, y: 'int N', or an array of integers passed: an index by
            elif ("kind", "mask", name) in self.written_in_place:  # them copies)
                self.mask_names.add(name)  # (an array of booleans passed: an index by it copies)
        defaults = tuple(self.spell(d, {}) if array_default(d, self.forward.env) is not None else  # (np.eye(3),
                         source.spelling(d, self.forward.lines) or source.to_source(d)  # as the code binds np;
                         for d in self.func.args.defaults)                             # eps=1e-5 as written)
        self.block(body)
        self.refuse_default_writes()
        outputs = tuple(self.versions[RETURN.format(i)] for i in range(len(upstreams)))
        modules = self.modules
        taken = frozenset(self.namer.taken | set(modules.values()))
        return ir.Staged(self.func.name, params, defaults, tuple(self.ops), outputs, wrt, upstreams,
                         frozenset(self.user_names), taken, modules, self.forward.filename,
                         "numpy" if self.numpy else "scalar", self.forward.lines, self.func.lineno,
                         hazards=tuple(self.hazards), number_hazards=tuple(self.number_hazards),
                         array_hazards=tuple(self.array_hazards),
                         layouts=tuple(self.layouts),
                         layout_checks=tuple((p,) + (use or (self.func.lineno, "reshape")) + (self.entry_holding(p),)
                                             for p, use in sorted(self.layout_consulted.items())),
                         required=tuple(self.required),
                         param_writes=tuple(self.param_writes),
                         in_place=tuple(self.in_place_values.items()),
                         writes_staged_again=frozenset(self.writes_staged_again),
                         cache=self.cache_layout,
                         path_outputs=frozenset(self.output_merges) if self.split_outputs else frozenset(),
                         constants=self.numbers_read(),
                         named_arrays=self.arrays_named(),
                         unbound_elsewhere=frozenset(atom.name for atom in self.unbound_elsewhere.values()
                                                     if isinstance(atom, ir.Var)),
                         unbound_carried=frozenset(self.unbound_names),
                         numerals=tuple(self.forward.numerals.items()),
                         attribute_params=tuple(self.forward.attribute_params),
                         callees=frozenset(set(self.forward.helpers) | set(self.env)))

    def given_path(self, body, labels_only=False):
        """``body`` without each ``if y is None: ... return scores`` (``y`` a parameter defaulting to None)
        returning early, what the function returns without ``y`` (the scores, where it ends returning
        ``loss, grads``): the backward serves the path where ``y`` is given, and refuses a None
        (``self.required``).  ``labels_only`` (a function returning one value either way): only for a
        ``y`` the function indexes with, the labels of a loss (``log_probs[np.arange(N), y]``); an
        optional number or array (``if w is None: return np.sum(x)``) keeps both paths."""
        args = self.func.args
        optional = {a.arg for a, d in source.defaults_of(args) if isinstance(d, ast.Constant) and d.value is None}
        if labels_only and optional:
            from .shape_free import labels  # (shape_free reads helpers through parse)
            optional &= labels(self.forward, sorted(optional))
        if not optional:  # (no parameter defaulting to None: no path to leave out, and no setting decided by one)
            return list(body)
        kept, settings = [], {}
        for stmt in body:
            stmt = _given_setting(stmt, optional, settings, self.required)  # mode = "test" if y is None else ...
            if stmt is None:
                continue
            test = stmt.test if isinstance(stmt, ast.If) else None
            if test is not None and not stmt.orelse and isinstance(test, ast.Compare) and len(test.ops) == 1 \
                    and isinstance(test.ops[0], ast.Is) and isinstance(test.left, ast.Name) \
                    and test.left.id in optional and isinstance(test.comparators[0], ast.Constant) \
                    and test.comparators[0].value is None and isinstance(stmt.body[-1], ast.Return) \
                    and stmt.body[-1].value is not None:
                self.required.append(test.left.id)
                continue
            kept.append(stmt)
        return kept

    def keep_outputs(self, body, roles):
        """Every ``return`` gives only the values to differentiate (not a cache, not the user's gradients)."""
        for node in source.walk(ast.Module(body, [])):
            if isinstance(node, ast.Return) and node.value is not None:
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                if len(values) != len(roles):
                    raise self.error(f"every return must give {len(roles)} values", node)
                for value, role in zip(values, roles):  # (each path's backward reads the cache it is given)
                    if role == "cache" and not (isinstance(value, ast.Name) and value.id == self.cache_name
                                                or isinstance(value, ast.Constant) and value.value is None):
                        raise self.error(f"this return gives {source.to_source(value)} where the others give the cache "
                                         f"{self.cache_name!r}: the backward reads what the forward gives it as its "
                                         f"cache, so every return must give {self.cache_name!r} there (or None, on "
                                         "a path whose backward is not needed)", value)
                kept = [v for v, role in zip(values, roles) if role == "out"]
                node.value = kept[0] if len(kept) == 1 else ast.copy_location(ast.Tuple(kept, ast.Load()), node)

    def check_wrt(self, params, wrt, specs):
        if wrt is None:  # every parameter, except those declared integer or boolean, and configuration, and
            every = tuple(p for p in params if (p not in specs or specs[p].kind == "float") and p not in self.config)
            integral = integral_params(self.func, params)  # those math.factorial is given (integers alone),
            return tuple(p for p in every if p not in integral) or every  # where another is left
        try:
            wrt = wrt_names(wrt)
        except TypeError as exc:
            raise self.error(str(exc), self.func) from None
        for name in wrt:
            if name not in params:
                raise self.error(f"wrt names {name!r}, which is not a parameter of {self.func.name}()"
                                 f" (parameters: {', '.join(params) or 'none'})", self.func)
        for name in wrt:
            if name in self.config:
                raise self.error(f"{name!r} is read by key ({name}[...]) as a dictionary of settings, which carries "
                                 f"no gradient: leave it out of wrt, or for a dictionary of arrays give their shapes "
                                 f"(shapes={{{name!r}: {{'W1': 'D, H', ...}}}}) or call the decorator with it", self.func)
        settings = [p for p in params if p in self.config]
        if not wrt and settings:  # (every parameter a dict of settings: nothing left to differentiate)
            error = self.error(f"nothing to differentiate: {', '.join(map(repr, settings))} "
                               f"{'is' if len(settings) == 1 else 'are'} read by key as settings, which carry no "
                               "gradient; for a dict of numbers to differentiate, backgen.generate reads each "
                               "entry read by key as a number of its own", self.func)
            error.nothing_differentiated = self.func.name
            raise error
        if len(set(wrt)) != len(wrt) or not wrt:
            error = self.error("wrt must name each parameter at most once, and at least one", self.func)
            if not wrt:  # (a helper given integers alone, H - HH + 1: written out in its caller instead)
                error.nothing_differentiated = self.func.name
            raise error
        return wrt

    def upstream_names(self, values, named=False):
        """``dout``, or ``dout1, dout2, ...`` for a function returning a tuple.

        ``dout`` even where the function has a variable ``out`` it does not return (whose adjoint is
        then ``d_out``): the backward is called with ``dout=`` by keyword.  ``named`` (a layer
        returning several named values): ``dnext_h, dnext_c``.
        """
        count = len(values)
        if named and count > 1 and all(isinstance(v, ast.Name) for v in values):
            names = tuple("d" + v.id for v in values)
            if len(set(names)) == count and not set(names) & (self.user_names | set(self.forward.constants)):
                self.namer.taken.update(names)
                return names

        def free(stem, locals_too=()):  # one stem for every output: dout1, dout2 or d_out1, d_out2, never a mix
            for i, value in enumerate(values, 1):
                name = stem + ("" if count == 1 else str(i))
                if name in self.user_names and name not in locals_too or name in self.forward.constants or \
                        name in self.forward.helpers or name in self.env:
                    return False  # (a module's number or function the code may read by its name: not shadowed)
            return True
        douts = {"dout" + ("" if count == 1 else str(i)) for i in range(1, count + 1)}
        plain = self.plain_locals() if not douts.isdisjoint(self.user_names) else ()  # (a walk: only if asked)
        if free("dout", plain):  # a local named dout is staged as dout_1: the upstream keeps its name
            stem = "dout"
        else:
            stem = next(c for c in ("d_out", "dout_", "grad_out", "upstream", *("d_out" + "_" * k
                                                                               for k in range(1, 99)))
                        if free(c))
        names = tuple(stem + ("" if count == 1 else str(i)) for i in range(1, count + 1))
        self.namer.taken.update(names)
        self.defined.update(set(names) & self.user_names)  # (assigned, they take a version's name)
        return names

    def plain_locals(self):
        """The names the function sets by assignments alone (``=``, ``op=``, annotated, unpacked), not
        parameters, loop or comprehension variables, nor read by functions defined in it: staged under
        a version's name (``dout_1``) where the name is the upstream gradient's."""
        assigned, other = set(), {a.arg for a in self.func.args.args} | {self.func.name}
        for node in ast.walk(self.func):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    parts = [target]
                    while parts:
                        part = parts.pop()
                        if isinstance(part, ast.Name):
                            assigned.add(part.id)
                        elif isinstance(part, (ast.Tuple, ast.List)):
                            parts += part.elts
                        elif isinstance(part, ast.Starred):
                            parts.append(part.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.NamedExpr)):
                target = node.optional_vars if isinstance(node, ast.withitem) else node.target
                other |= names_of(target) if target else set()
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) \
                    and node is not self.func:
                other |= names_of(node) | {
                    a.arg for a in ast.walk(node) if isinstance(a, ast.arg)} | {getattr(node, "name", "")}
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                other |= set(node.names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                other |= {(a.asname or a.name).split(".")[0] for a in node.names}
        return assigned - other

    def returned(self, value, upstream):
        """Stage one returned value; a computed one is named ``out`` (adjoint ``dout``)."""
        base = upstream[1:] if upstream.startswith("d") else "out"
        output = self.expr(value, name=lambda: self.output_name(base))
        if self.ops and isinstance(output, ir.Var) and isinstance(self.ops[-1], ir.Op) \
                and self.ops[-1].target == output.name \
                and self.ops[-1].rule == "inert" and len(self.upstreams) == 1 and \
                not self.other_returns(value):  # one of several outputs, or of several returns: adds nothing
            rounded = ast.unparse(value.func) if isinstance(value, ast.Call) and \
                isinstance(value.func, (ast.Name, ast.Attribute)) else ""
            reason = self.ops[-1].param("reason") or (
                f"the function returns {rounded}(...), a whole number (or one rounded) whose gradient is 0 "
                f"wherever it has one: return the value itself, and round it where it is shown"
                if rounded.rpartition(".")[2] in _ROUNDING else
                "the function returns a value that carries no gradient (a comparison, a shape, a constructed "
                "constant)")
            error = self.error(reason, value)
            error.constant_return = self.forward.func.name  # (a helper's: written out in its caller instead)
            raise error
        return output

    def other_returns(self, value):
        """Whether the function returns elsewhere a value that is not a constant, as d2l's dropout_layer
        does beside ``if dropout == 1: return np.zeros_like(X)``: a path returning a constant then has a
        gradient of zeros."""
        return any(isinstance(node, ast.Return) and node.value is not None and node.value is not value and
                   not isinstance(node.value, ast.Constant) for node in ast.walk(self.func))

    def output_name(self, base):
        if base not in self.namer.taken:
            self.namer.taken.add(base)
            return base
        return self.namer.fresh(base)

    def add(self, item):
        """Append a staged item to the current block."""
        self.ops.append(item)
        if item.__class__ is ir.Op:
            self.note(item)
            self.defined.add(item.target)
            self.read_so_far |= item.reads()
        for op in (item,) if item.__class__ is ir.Op else ir.ops_in([item]):  # (a block's merges too)
            for atom in op.args:
                if atom.__class__ is ir.Const:  # (a constant array written later must be in no other value)
                    self.constants_held.setdefault(atom.source, []).append((op, atom))

    def assign(self, name, value):
        if not self.numpy and isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Mult)) and \
                name in self._sequence_names() and not (self._is_list(value.left) or self._is_list(value.right)):
            raise self.error(f"{name!r} is read as a sequence (indexed, iterated or summed), so this + or * of Python "
                             "lists joins or repeats them, which backgen does not follow: build the list with "
                             "append (or xs + [v]), or use NumPy arrays", value)
        self.unset.discard(name)
        if name in self.versions or name in self.defined:
            target = self.namer.version(name)
        else:
            target = name
            self.namer.take(name)
        atom = self.expr(value, name=lambda: target)
        if atom.__class__ is ir.Const and self.numpy:  # (r = A[1] of a constant A: A's array, np.zeros(3): its own)
            self.constant_origin(atom, value, self.modules.values())
            atom = self.constant_bound_in_loop(name, target, atom)
        if target == name and atom.__class__ is ir.Const and (self.numpy and "(" in atom.source and
                                                              source.code_names(atom.source) <= set(self.modules.values())
                                                              or not self.numpy and atom.source.startswith("[") and
                                                              not source.code_names(atom.source)):  # (no loop's index)
            self.named_arrays.setdefault(atom.source, name)  # (w = np.array([0.2, 0.3]), or a list of numbers in
            # plain Python, NODES = [-0.77, 0.0, 0.77]: printed as w where read)
        self.bind(name, atom)

    def bind(self, name, atom):
        """``name`` now holds ``atom``, on every path that reaches here.  A constant another name holds
        whose text reads ``name`` (``s = pow(xs[i], 2)``, then ``for i in ...``) is computed first, on a line
        of its own: its text would read the new value."""
        if self.versions.get(name) != atom:
            self.constants_computed(name)
        self.versions[name] = atom

    def refuse_default_writes(self):
        """Refuse a write into the array a parameter's default makes (``def f(x, acc=np.zeros(3))``, then
        ``acc += x``): Python makes that array once and keeps it between calls, so each call of the forward
        starts from what the last left, and the backward, whose default is an array of its own, from none."""
        args = self.func.args
        arrays = {a.arg: d for a, d in source.defaults_of(args)
                  if array_default(d, self.forward.env) is not None or isinstance(d, ast.Dict)}
        for _, error, param in self.param_writes if arrays else ():
            if param in arrays:
                kind = "dict" if isinstance(arrays[param], ast.Dict) else "array"
                raise BackgenError(f"this writes into the {kind} the default of {param!r} makes "
                                   f"({source.to_source(arrays[param])}), which Python makes once and keeps between "
                                   "calls, so each call starts from what the last one left: copy it first "
                                   f"({param} = {param}.copy())" + (f", or write {param} = {param} + ... for a new "
                                                                     "array" if kind == "array" else ""),
                                   error.filename, error.lineno, error.offset, error.text)

    def constants_computed(self, name):
        """Each constant another name holds whose text reads ``name`` staged on a line of its own, before
        ``name`` takes a new value (a loop binding it again, ``for i in ...``, the same atom ``i``)."""
        for other, held in sorted(self.versions.items()):
            if other != name and held.__class__ is ir.Const and name in held.source and \
                    name in source.names_in(held.source):  # (the text searched first: most hold no names)
                target = self.namer.fresh(other if other.isidentifier() else "held")  # (a constant kept under its
                self.add(ir.Op(target, "copy", (held,), self.line, (), held.source))  # text: a tuple's, a loop's)
                self.versions[other] = ir.Var(target)
        self.not_values.pop(name, None)  # (a cache it held before: out, cache = layer(x), then cache = (x, w))
        self.conditional.pop(name, None)
        self.forget_stale(name)
        self.unset.discard(name)  # (a write into it, a[i] = v, sets it too)

    # --- expressions ------------------------------------------------------

    def expr(self, node, name=None, role=None):
        """Stage ``node``; return the Var or Const holding its value.

        ``name`` (a callable, so a name is only taken when an operation is
        made) names the operation computing ``node``; otherwise a temporary
        is named from ``role`` or from the operation itself.
        """
        kind = node.__class__  # (the most common kinds told by class at once)
        if kind is ast.Name:
            return self.name(node)
        if kind is ast.BinOp:
            return self.binop(node, name, role)
        if kind is ast.Call:
            return self.call(node, name, role)
        if isinstance(node, ast.Constant):
            value = node.value
            if value.__class__ is float and value in (math.inf, -math.inf):  # (1e400: repr's inf names nothing)
                return ir.Const("1e999" if value > 0 else "-1e999")
            return ir.Const(repr(value))
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node, name, role)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):  # +x of an array is a new array (np.positive): no alias of x
                if self.numpy and source.number(node.operand) is None and not (  # (a count stays itself)
                        isinstance(node.operand, ast.Name) and node.operand.id in self.int_names | self.bool_names):
                    return self.numpy_op("np.positive", [node.operand], node, name, role)
                return self.expr(node.operand, name, role)
            if isinstance(node.op, (ast.Invert, ast.Not)):
                return self.inert(node, [node.operand], name, role or "mask")
            return self.op("neg", [node.operand], node, name, role)
        if isinstance(node, ast.BinOp):
            return self.binop(node, name, role)
        if isinstance(node, ast.Compare):
            if _lazy_chain(node):  # a < b < log(x): log(x) is computed where a < b only, as Python does
                first = ast.copy_location(ast.Compare(node.left, node.ops[:1], node.comparators[:1]), node)
                rest = ast.copy_location(ast.Compare(node.comparators[0], node.ops[1:], node.comparators[1:]), node)
                lazy = ast.copy_location(ast.IfExp(first, rest, ast.copy_location(ast.Constant(False), node)), node)
                return self.expr(lazy, name, role or "mask")
            return self.inert(node, [node.left] + node.comparators, name, role or "mask")
        if isinstance(node, ast.IfExp):
            simple = all(isinstance(b, (ast.Name, ast.Constant, ast.Attribute)) or source.number(b) is not None
                         for b in (node.body, node.orelse))
            if not simple or any(isinstance(n, ast.BoolOp) or isinstance(n, ast.Compare) and _lazy_chain(n) or
                                 isinstance(n, ast.Call) and self.qualify(n.func) in NOT_DIFFERENTIABLE
                                 for n in ast.walk(node.test)):
                # Python computes only the branch taken (and the right side of an and/or where the left
                # does not decide): an if block does the same; its test is read as an if's (a number
                # math.isfinite(x) says nothing about: no value that a gradient would flow through)
                return self.if_expression(node, name, role)
            operands = [node.test, node.body, node.orelse]
            if self.numpy:
                return self.numpy_op("np.select_if", operands, node, name, role or "pick")
            return self.op("select", operands, node, name, role or "pick")
        if isinstance(node, ast.Call):
            return self.call(node, name, role)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, name, role)
        if isinstance(node, ast.List) and not node.elts:
            return ir.Const("[]")
        if isinstance(node, ast.List) and all(not isinstance(e, ast.Starred) for e in node.elts):
            return self.numpy_op("list_make", list(node.elts), node, name, role or "items")  # a list of values
        if isinstance(node, ast.Tuple) and name is not None and \
                not all(_literal(e) for e in node.elts) and \
                not any(isinstance(e, (ast.Starred, ast.Tuple, ast.List)) for e in node.elts):
            # pair = (h, c), a value of its own: its items carry their gradients, as a list's do (a tuple
            # an operation reads, np.tile(a, (n, 1)), is its settings or its operands)
            return self.numpy_op("list_make", list(node.elts), node, name, role or "items")
        if isinstance(node, (ast.Tuple, ast.List)) and self.numpy:  # widths = ((0, 0), (p, p)): no gradient;
            return self.inert(node, node.elts, name, role or "seq", opaque=True)  # refused where one flows in
        raise self.error(f"{type(node).__name__} expressions are not supported here", node)

    def name(self, node):
        self.check_fresh(node.id, node)
        if node.id == self.cache_name and self.cache_layout is not None:
            raise self.error(f"{node.id!r}, the cache built on line {self.cache_layout.line}, is read here as a "
                             "value: backgen holds the cache for the backward only and does not follow its values "
                             "through it; compute from the values themselves", node)
        if node.id in self.not_values:
            function, role, line = self.not_values[node.id]
            if function is None and role == "dict display":
                raise self.error(f"Dict expressions are not supported here: {node.id!r} is the dict written out on "
                                 f"line {line}, which backgen follows where the function reads it at constant keys "
                                 "alone (d['k']), neither returning it nor passing it on", node)
            if function is None:
                raise self.error(f"{node.id!r} is the empty dict of line {line}: dicts are not supported as values "
                                 "read whole or filled with layers' caches (which are left to the user's own "
                                 "backward); backgen follows a dict filled by d[k] = v and read by d[k] alone", node)
            raise self.error(f"{node.id!r} holds the {role} {function}() returns (line {line}), which backgen "
                             f"leaves to the user's own backward: the backward it writes reads {function}()'s "
                             "outputs only", node)
        if node.id in self.versions:
            held = self.versions[node.id]  # (a constant a loop iterates, by its text: the same on every path)
            if self.unguarded(node.id, read=True) and not (held.__class__ is ir.Const and held.source == node.id):
                raise self.may_be_unassigned(node.id, node)
            return self.versions[node.id]
        if node.id in self.forward.constants and node.id not in self.user_names:  # EPS = 1e-8 at module level
            text = self.forward.constants[node.id]
            if source.number_text(text) is None or node.id == "_" or node.id in runtime.HELPERS:
                return ir.Const(text)  # (_ and _unbroadcast are names of the generated code's own)
            self.constants_read.setdefault(node.id, self.forward.spellings.get(node.id, text))  # a number: kept
            return ir.Const(node.id)  # by its name (G = 6.674e-11 is put in the generated module)
        meaning = self.env.get(node.id)
        if meaning in ("math", "numpy"):
            raise self.error(f"the module {node.id!r} cannot be used as a value", node)
        if meaning:
            qualified = _spell(meaning)
            if qualified in CONSTANTS:
                return ir.Const(self.alias(qualified))
            raise self.error(f"the function {node.id!r} cannot be used as a value", node)
        if node.id in self.forward.placeholders:
            raise self.error(f"{node.id!r} is None here (set to None on line {self.forward.placeholders[node.id]} "
                             "and not given a value since): None cannot take part in the computation", node)
        if node.id in self.user_names:
            raise self.error(f"variable {node.id!r} is used before it is assigned", node)
        if getattr(node, "module_array_of", None):  # (parse._module_arrays_passed: generate reads no values)
            raise self.error(f"{node.module_array_of}() reads the array {node.id!r} of its module, which backgen "
                             f"reads as an input only where @backgen.backward is given it as it runs: pass "
                             f"{node.id} to {node.module_array_of}() as a parameter", node)
        if node.id in self.forward.closure:  # (def make_loss(X, y): def loss(w): ... X @ w ...)
            raise self.error(f"{node.id!r} is a value of the function enclosing {self.forward.func.name}() (a "
                             "closure), which backgen does not read: pass it as a parameter "
                             f"(def {self.forward.func.name}(..., {node.id}))", node)
        raise self.error(
            f"name {node.id!r} is not a parameter or a variable assigned in the function "
            "(global values are not supported: pass them as parameters)", node)

    def may_be_unassigned(self, name, node):
        """The refusal of a read of ``name``, set on one path of an if, outside that path's tests."""
        atom, guards, line = self.conditional[name]
        test, taken = guards[-1]
        if name in self.unset:  # (set in a loop that gave it no value before: Python's name may hold an
            return self.error(f"variable {name!r} may be unassigned here, or hold the value an earlier "  # earlier
                              f"iteration gave it: it is set only {'when' if taken else 'unless'} {test} "  # one's)
                              f"(line {line}), which backgen does not follow; read it under the same test, or "
                              "give it a value on every path", node)
        return self.error(f"variable {name!r} may be unassigned here: it is set only "
                          f"{'when' if taken else 'unless'} {test} (line {line}); read it under "
                          "the same test, or give it a value on every path", node)

    def unguarded(self, name, read=False):
        """Whether ``name`` holds a value set on one path of an if, read outside that path's tests.
        A ``read`` of a name Python holds unbound on the if's other paths is not: there the forward
        raises (UnboundLocalError), so wherever it returns, the read saw the value that path set."""
        known = self.conditional.get(name)
        if known is None or self.versions.get(name) != known[0]:
            return False
        if read and self.unbound_elsewhere.get(name) == known[0]:
            return False
        return not set(known[1]) <= set(self.guards)

    def alias(self, qualified):
        """``np.exp`` spelled with the module names of the generated code (``np._erf``, a function the
        generated module carries, ``backgen.runtime``, by its own name)."""
        module, dot, rest = qualified.partition(".")
        if module == "np" and rest in runtime.HELPERS:
            return rest
        return self.modules.get(module, module) + dot + rest

    def qualify(self, node):
        """``math.exp`` for an attribute or name that refers into a known module."""
        if isinstance(node, ast.Name):
            if node.id in self.versions or node.id in self.user_names:
                return None
            meaning = self.env.get(node.id)
            return _spell(meaning) if meaning else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            if base and base.split(".")[0] in ("math", "np"):
                return f"{base}.{node.attr}"
        return None

    def attribute(self, node, name, role):
        qualified = self.qualify(node)
        if qualified in CONSTANTS:
            return ir.Const(self.alias(qualified))
        if qualified is not None:
            raise self.error(f"{qualified} is not supported as a value", node)
        if node.attr == "T":
            return self.numpy_op("np.transpose", [node.value], node, name, role, {"axes": "None"})
        if node.attr == "mT":  # (NumPy 2's transpose of the last two axes)
            return self.numpy_op("np.swapaxes", [node.value], node, name, role, {"axis1": "-1", "axis2": "-2"})
        if node.attr in INERT_ATTRIBUTES:
            return self.inert(node, [node.value], name, role or node.attr)
        first = self.func.args.args[0].arg if self.func.args.args else None
        if isinstance(node.value, ast.Name) and node.value.id == first == "self":
            calls = [n for n in source.walk(self.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"]
            if calls:  # (the decorator reads a method's attributes of self where it calls no method of it)
                raise self.error(f"self.{calls[0].func.attr}(): backgen does not follow calls of the object's "
                                 f"own methods; write {calls[0].func.attr} as a function of the arrays it reads "
                                 "and call that", calls[0].func)
            raise self.error(f"self.{node.attr}: backgen differentiates a function of its parameters: decorate "
                             "the method (backgen.backward), which reads the attributes of self it only reads, "
                             "or write the computation as a function taking the arrays (or a dict of them, "
                             f"params['W1']) and call it with self.{node.attr}", node)
        if node.attr == "real":  # (complex values are refused where they are made: of a real one, itself, as
            return self.numpy_op("np.real", [node.value], node, name, role)  # np.real(x) is)
        if node.attr == "imag":  # (of a real value 0: written so, it is differentiated)
            raise self.error(f"the attribute .{node.attr} is not supported as a value: backgen differentiates real "
                             "arithmetic only, not complex numbers", node)
        call = node.value
        if isinstance(call, ast.Call) and (getattr(call.func, "attr", None) or getattr(call.func, "id", None)) in \
                ("finfo", "iinfo"):  # np.finfo(scores.dtype).min: float_limits reads a type written out only
            kind = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
            raise self.error(f"the attribute .{node.attr} is not supported as a value here: np.{kind}(...) of a type "
                             f"not written out (x.dtype) depends on the arrays the caller passes; write the type "
                             f"(np.{kind}(np.float64).{node.attr}), or a number (-1e9 for a mask)", node)
        if isinstance(node.value, ast.Name):
            raise self.error(_object_attribute(self.func, node), node)
        raise self.error(f"the attribute .{node.attr} is not supported as a value", node)

    def binop(self, node, name, role):
        op = node.op.__class__
        if op is ast.Add and (self._is_list(node.left) or self._is_list(node.right)):
            return self.list_concat(node, name, role)
        if op is ast.Mult and (self._is_list(node.left) or self._is_list(node.right)):
            repeated = self.list_repeat(node, name, role)
            if repeated is not None:
                return repeated
        operand = self.match_sigmoid(node)
        if operand is not None:
            return self.numpy_op(self.sigmoid_rule, [operand], node, name, role)
        if op is ast.Mod and self.numpy:  # x % 1.0: a remainder, of slope 1 in x
            return self.numpy_op("np.mod", [node.left, node.right], node, name, role or "rem")
        if op is ast.Mod and not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            return self.op("mod", [node.left, node.right], node, name, role or "rem")  # (not "%s" % v)
        if isinstance(node.op, INERT_BINOPS):  # masks and integer arithmetic carry no gradient (a remainder of
            opaque = isinstance(node.op, ast.Mod)  # numbers is refused where a differentiated one flows in)
            return self.inert(node, [node.left, node.right], name, role or _INERT_ROLES.get(type(node.op), "mask"),
                              opaque=opaque)
        rule = BINOP_RULES[type(node.op)]
        if rule == "sub" and self.numpy and self._shifted_name(node.left):
            # s - np.log(np.sum(np.exp(s), ...)), s shifted by its maximum: the log-sum-exp staged as lines,
            # so that the log-softmax's gradient reads the softmax as their exp / Z (no np.exp again)
            self.exp_kept = node.right
        if rule == "mul" and _same_name(node.left, node.right):
            return self.op("square", [node.left], node, name, role)
        if rule == "np.matmul":
            return self.numpy_op(rule, [node.left, node.right], node, name, role)
        if rule == "add":
            return self.op("add", self.flatten_add(node), node, name, role)
        if rule == "div":
            return self.op(rule, [node.left, node.right], node, name, role, roles=("num", "den"))
        if rule == "pow" and self.numpy:
            return self.numpy_op("np.power", [node.left, node.right], node, name, role)
        return self.op(rule, [node.left, node.right], node, name, role)

    def numbers_read(self):
        """``(name, text)`` of the module's numbers the staged code reads by their names: those this
        function read, and those of a helper written into it (staged on its own)."""
        found = dict(self.constants_read)
        numbers = {n: self.forward.spellings.get(n, t) for n, t in self.forward.constants.items()
                   if n not in found and n not in self.user_names and source.number_text(t) is not None}
        if numbers:
            for op in ir.ops_in(self.ops):
                for atom in op.args:
                    if atom.__class__ is ir.Const and atom.source in numbers:
                        found[atom.source] = numbers[atom.source]
        return tuple(found.items())

    def arrays_named(self):
        """``(name, text)`` of the constant arrays the function names (``named_arrays``) whose name holds
        that array alone: no operation, loop or parameter sets it, and no other constant is given it."""
        names = list(self.named_arrays.values())
        set_otherwise = {op.target for op in ir.ops_in(self.ops)} | set(self.func_arg_names()) | {
            name for loop in ir.loops_in(self.ops) for name in (loop.var, *loop.carried)}
        return tuple((name, text) for text, name in self.named_arrays.items()
                     if names.count(name) == 1 and name not in set_otherwise)

    def func_arg_names(self):
        return [a.arg for a in self.func.args.args]

    def _shifted_name(self, node):
        """Whether ``node`` names a value ``x - np.max(x, axis=..., keepdims=True)`` staged in this block."""
        atom = self.versions.get(node.id) if isinstance(node, ast.Name) else None
        op = next((o for o in reversed(self.ops) if o.__class__ is ir.Op and isinstance(atom, ir.Var)
                   and o.target == atom.name), None)
        if op is None or op.rule != "sub" or not isinstance(op.args[1], ir.Var):
            return False
        peak = next((o for o in reversed(self.ops) if o.__class__ is ir.Op and o.target == op.args[1].name), None)
        return peak is not None and peak.rule == "np.max" and peak.args[:1] == op.args[:1] \
            and peak.param("keepdims") == "True"

    def _is_list(self, node):
        """A list display, or a name holding a list (lists add by concatenation, not elementwise): in
        code for numbers, a parameter the function reads as a sequence (indexes or iterates) too."""
        kind = node.__class__  # (told by class: called twice for most operations)
        if kind is ast.List:
            return True
        if kind is ast.Subscript:  # xs[1:]: a slice of a list is a list
            return node.slice.__class__ is ast.Slice and self._is_list(node.value)
        atom = self.versions.get(node.id) if kind is ast.Name else None
        return atom.__class__ is ir.Var and (atom.name in self.list_atoms or not self.numpy and
                                             atom.name in self.param_names and atom.name in self._sequence_names()) or \
            atom.__class__ is ir.Const and source.list_display(atom.source)

    def _sequence_names(self):
        """The names the function indexes, iterates or gives ``sum``, ``max`` or ``min`` (worked out once)."""
        found = self.__dict__.get("_sequences")
        if found is None:
            found = set()
            for node in source.walk(self.forward.func):
                if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                    found.add(node.value.id)
                elif isinstance(node, (ast.For, ast.comprehension)):
                    iterated = [node.iter]
                    if isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) and \
                            node.iter.func.id in ("enumerate", "reversed", "zip", "sorted", "list", "tuple"):
                        iterated = node.iter.args  # (for i, y in enumerate(ys))
                    found.update(n.id for n in iterated if isinstance(n, ast.Name))
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                        node.func.id in ("sum", "max", "min") and len(node.args) == 1 and \
                        isinstance(node.args[0], ast.Name):  # sum(zs): zs's items added, a list's as a list's
                    found.add(node.args[0].id)
            self.__dict__["_sequences"] = found
        return found

    def list_concat(self, node, name, role):
        """``xs + [v]``: the list with one more item (as ``xs.append(v)`` on a copy); ``xs + [a, b]`` the
        list with each in turn (``ext += [label, blank]``); lists joined otherwise, each written out, ``list(a)``,
        ``a.tolist()`` or a name holding a list (``[1.0] + [0.0] * len(negs)``, a sample's labels; ``[c] +
        list(negs)``, indices) a value with no gradient (refused where a differentiated value flows into it)."""
        message = "adding lists joins them: backgen follows xs + [v] and xs + [a, b] (and xs.append(v)) only"
        elts = node.right.elts if isinstance(node.right, ast.List) else ()
        if not elts or any(isinstance(e, ast.Starred) or self._is_list(e) for e in elts) or \
                len(elts) > 1 and not self._is_list(node.left):
            parts = [self._joined_part(side) for side in (node.left, node.right)]
            if None not in parts:  # ([1] + [-1] * k, [c] + list(negs): a sample's labels or indices, no gradient)
                return self.inert(node, parts[0] + parts[1], name, role or "items", opaque=True,
                                  reason=message + ", and these lists hold a differentiated value")
            raise self.error(message, node)
        base = self.expr(node.left)
        items = [self.expr(e) for e in elts]
        for k, item in enumerate(items):
            last = k == len(items) - 1
            target = name() if last and name is not None else self.namer.fresh(role or "items")
            self.add(ir.Op(target, "list_append", (base, item), self.line, (), f"{base} + [{item}]"))
            base = ir.Var(target)
        return base

    def _joined_part(self, node):
        """The parts of one side of a join of lists that holds no differentiated value, as ``inert`` reads
        them: a list written out or repeated (``[1.0]``, ``[0.0] * n``), ``list(a)`` or ``a.tolist()`` of a
        name, or a name holding a list (one a comprehension built); else None."""
        if _written_list(node):
            return [node]
        if isinstance(node, ast.Call) and not node.keywords and (
                isinstance(node.func, ast.Name) and node.func.id == "list" and self.versions.get("list") is None
                and len(node.args) == 1 and isinstance(node.args[0], ast.Name) or
                isinstance(node.func, ast.Attribute) and node.func.attr == "tolist" and not node.args and
                isinstance(node.func.value, ast.Name)):
            return [node.args[0] if node.args else node.func.value]
        if isinstance(node, ast.Name) and (self._is_list(node) or self._unchanged_param(node)):
            return [node]  # ([c] + negs of a parameter: the join as Python makes it, run as written)
        return None

    def _unchanged_param(self, node):
        """Whether ``node`` names a parameter still holding the value it was given."""
        atom = self.versions.get(node.id)
        return atom.__class__ is ir.Var and atom.name == node.id and node.id in self.param_names

    def _spelled_number(self, node):
        """Whether ``node`` is a number NumPy or ``math`` spell by name, or ``float`` of a string, perhaps
        negated (``-math.inf``, ``float('-inf')``, ``np.pi``): a constant of a list repeated."""
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            node = node.operand
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.attr in ("inf", "pi", "e") and self.versions.get(node.value.id) is None:
            return self.modules.get("np") == node.value.id or self.modules.get("math") == node.value.id
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float" and \
            self.versions.get("float") is None and len(node.args) == 1 and not node.keywords and \
            isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)

    def list_repeat(self, node, name, role):
        """``[a, b] * 2``: the list holding the same values again (``[a, b, a, b]``, each value computed
        once and held twice, as Python's repetition holds the same objects); None for a list of
        constants (``[0.0] * n``), which carries no gradient."""
        items, count = (node.left, node.right) if self._is_list(node.left) else (node.right, node.left)
        if isinstance(items, ast.List) and all(_literal(e) or self._spelled_number(e) for e in items.elts):
            return None
        if not (isinstance(items, ast.List) and not any(isinstance(e, ast.Starred) for e in items.elts)
                and isinstance(count, ast.Constant) and type(count.value) is int and count.value >= 0):
            raise self.error("repeating a list of values is followed for a list written out and a whole-number "
                             "constant count only ([h] * 2); write the list out ([h, h]) or build it with append",
                             node)
        atoms = [self.expr(e) for e in items.elts] * count.value
        text = "[" + ", ".join(map(str, atoms)) + "]"
        if not atoms or all(isinstance(a, ir.Const) for a in atoms):
            return ir.Const(text)
        target = name() if name is not None else self.namer.fresh(role or "items")
        self.add(ir.Op(target, "list_make", tuple(atoms), self.line, (), text))
        return ir.Var(target)

    def op(self, rule_name, operands, node, name, role, roles=None):
        """An operator or math call, spelled by its rule's template."""
        roles = roles or (None,) * len(operands)
        args = tuple([self.expr(child, role=r) for child, r in zip(operands, roles)])
        rule = RULES[rule_name]
        text = render_template(rule, args, self.modules)
        if ir.all_constant(args):
            return ir.Const(ir.folded(text))  # (0 + 3: 3)
        target = name() if name is not None else self.namer.fresh(role or _hint(rule_name, args))
        self.add(ir.Op(target, rule_name, args, self.line, (), text))
        return ir.Var(target)

    def spell(self, node, replaced):
        """Source of ``node`` with staged children replaced and modules spelled canonically."""
        text = self.spelled_call(node, replaced)
        if text is not None:
            return text
        tree = self.spelled(node, replaced)  # (a copy of its own: the tree its text parses to, where the
        return source.printed(tree, parsed=tree)  # printer writes it)

    def spelled_call(self, node, replaced):
        """``spell`` of a call of a module's function on staged values alone, without keywords
        (``np.tanh(a4)``, the most common call), written as the printer writes it, its tree (what
        ``spelled`` makes) built for the notes only; None for other nodes."""
        if node.__class__ is not ast.Call or node.keywords or not node.args:
            return None
        func = node.func
        if id(func) in replaced or func.__class__ is not ast.Attribute and (
                func.__class__ is not ast.Name or self.versions.get(func.id) is not None):
            return None  # (a value called, or a name read again: ``spelled``'s cases)
        ids = []
        for arg in node.args:
            atom = replaced.get(id(arg))
            if atom.__class__ is not ir.Var:
                return None
            ids.append(atom.name)
        qualified = self.qualify(func)
        if not qualified:
            return None
        alias = self.alias(qualified)
        head, names = _call_head(alias)

        def tree():
            call = ast.Call(source.fill_template(alias, {}), [ast.Name(i, source.LOAD) for i in ids], [])
            for attribute in ast.Call._attributes:  # (the user's positions, as ``spelled`` copies them)
                if attribute in node.__dict__:
                    setattr(call, attribute, node.__dict__[attribute])
            return call
        return source.noted_later(f"{head}({', '.join(ids)})", names.union(ids), ast.Call, tree)

    def spelled(self, child, replaced):
        """A copy of the tree ``child`` (``spell``'s) with the children ``replaced`` (by id) staged."""
        if id(child) in replaced:
            return atom_ast(replaced[id(child)])
        kind = child.__class__
        if kind is ast.Name and self.versions.get(child.id) is not None:
            return atom_ast(self.versions[child.id])  # a name read again (x * x)
        if kind is ast.Name or kind is ast.Attribute:
            qualified = self.qualify(child)
            if qualified:  # (a module's function: one of few texts, each built many times)
                return source.fill_template(self.alias(qualified), {})
        if isinstance(child, source.SHARED):  # (a context or an operator: nothing to spell)
            return child
        new = kind.__new__(kind)  # a copy: the user's tree stays as written
        for field, value in child.__dict__.items():
            if value.__class__ is list:
                value = [self.spelled(item, replaced) if isinstance(item, ast.AST) else item for item in value]
            elif isinstance(value, ast.AST):
                value = self.spelled(value, replaced)
            setattr(new, field, value)
        return new

    def flatten_add(self, node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and self.match_sigmoid(node) is None:
            return self.flatten_add(node.left) + [node.right]
        return [node]

    @property
    def sigmoid_rule(self):
        return "np.sigmoid" if self.numpy else "sigmoid"

    def match_sigmoid(self, node):
        """The ``z`` of ``1 / (1 + exp(-z))`` or ``(1 + exp(-z)) ** -1``, else None."""
        if node.__class__ is not ast.BinOp:
            return None
        op = node.op.__class__
        if op is ast.Div and source.number(node.left) == 1:
            denominator = node.right
        elif op is ast.Pow and source.number(node.right) == -1:
            denominator = node.left
        else:
            return None
        if not (isinstance(denominator, ast.BinOp) and isinstance(denominator.op, ast.Add)):
            return None
        one, other = denominator.left, denominator.right
        if source.number(one) != 1:
            one, other = other, one
        if source.number(one) != 1 or not isinstance(other, ast.Call) or len(other.args) != 1:
            return None
        if other.keywords or self.qualify(other.func) not in ("math.exp", "np.exp"):
            return None
        arg = other.args[0]
        if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub):
            return arg.operand
        return None

def _without_dicts(stmt, names, reported=frozenset()):
    """``loss, grads = 0, {}`` as ``loss = 0`` where ``grads`` is one of ``names`` (the dict the user
    fills with gradients; of ``reported``, a dict written out too); other statements as they are."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and isinstance(stmt.value, ast.Tuple) and len(stmt.targets[0].elts) == len(stmt.value.elts)):
        return stmt
    pairs = [(t, v) for t, v in zip(stmt.targets[0].elts, stmt.value.elts)
             if not _fills_dict(ast.Assign([t], v), names, reported)]
    if len(pairs) == len(stmt.value.elts) or not pairs:
        return stmt if pairs else ast.copy_location(ast.Pass(), stmt)
    if len(pairs) == 1:
        return ast.copy_location(ast.Assign([pairs[0][0]], pairs[0][1]), stmt)
    targets = ast.copy_location(ast.Tuple([t for t, _ in pairs], ast.Store()), stmt.targets[0])
    return ast.copy_location(ast.Assign([targets], ast.copy_location(ast.Tuple([v for _, v in pairs], ast.Load()),
                                                                     stmt.value)), stmt)


def _given_setting(stmt, optional, settings, required):
    """``stmt`` on the path where the parameters of ``optional`` (defaulting to None) are given:
    ``mode = "test" if y is None else "train"`` as ``mode = "train"`` (``y`` then ``required``), and
    an ``if mode == "test": ...`` on such a setting (``settings``: name -> its string) decided, as
    the branch it takes (None: nothing).  Other statements as they are; a name assigned again is
    no setting any more."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name, value = stmt.targets[0].id, stmt.value
        settings.pop(name, None)
        if isinstance(value, ast.IfExp) and isinstance(value.test, ast.Compare) and len(value.test.ops) == 1 and \
                isinstance(value.test.ops[0], (ast.Is, ast.IsNot)) and isinstance(value.test.left, ast.Name) and \
                value.test.left.id in optional and isinstance(value.test.comparators[0], ast.Constant) and \
                value.test.comparators[0].value is None and isinstance(value.body, ast.Constant) and \
                isinstance(value.orelse, ast.Constant) and isinstance(value.body.value, str):
            chosen = value.orelse if isinstance(value.test.ops[0], ast.Is) else value.body
            required.append(value.test.left.id)
            settings[name] = chosen.value
            return ast.copy_location(ast.Assign([stmt.targets[0]], copy.copy(chosen)), stmt)
        return stmt
    if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1 and \
            isinstance(stmt.test.ops[0], (ast.Eq, ast.NotEq)) and isinstance(stmt.test.left, ast.Name) and \
            stmt.test.left.id in settings and isinstance(stmt.test.comparators[0], ast.Constant):
        equal = settings[stmt.test.left.id] == stmt.test.comparators[0].value
        taken = stmt.body if equal == isinstance(stmt.test.ops[0], ast.Eq) else stmt.orelse
        return ast.copy_location(ast.If(ast.Constant(True), taken, []), stmt) if taken else None
    for node in source.walk(stmt):  # assigned in a block: no setting after it
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            settings.pop(node.id, None)
    return stmt


def _without_users_backward(body, gradients):
    """A loss returning ``(loss, grads)`` (its returns already giving the loss alone) without the
    backward the user wrote in it: each assignment to names only that nothing after it reads
    (``dh, grads_W2, grads_b2 = affine_backward(dscores, cache2)``, its parts then written into
    ``grads``, which ``_fills_dict`` leaves out), last first.  Statements in blocks and writes
    into arrays are kept, and an augmented assignment reads its name (it may write into an array
    the name shares), unless the name holds what the user's own backward returns (``dh1, dW2, db2 =
    affine_backward(dscores, cache2)``, then ``dW2 += self.reg * W2``) and nothing after it reads it."""
    made = {n.id for stmt in body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id.endswith("_backward")
            for n in ast.walk(stmt.targets[0]) if isinstance(n, ast.Name)}  # (a layer's gradients, the user's)
    live, kept = set(), []
    for stmt in reversed(body):
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id in made and \
                stmt.target.id not in live:
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            parts = target.elts if isinstance(target, ast.Tuple) else [target]
            if all(isinstance(p, ast.Name) for p in parts) and not {p.id for p in parts} & live:
                continue
        if isinstance(stmt, (ast.For, ast.While, ast.If)) and _only_users_backward(stmt, gradients, live):
            continue  # for i in reversed(range(L)): dout, grads['W%d' % i], ... = affine_backward(...)
        kept.append(stmt)
        live |= source.names_of(stmt)
    return kept[::-1]


def _only_users_backward(block, gradients, live):
    """Whether the block sets no name ``live`` after it and writes into nothing but the dicts of
    ``gradients`` (no op=, which may write into an array a name shares): the user's backward."""
    for node in source.walk(block):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in live:
            return False
        if isinstance(node, ast.AugAssign) and not _fills_dict(node, gradients):
            return False
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and not (
                isinstance(node.value, ast.Name) and node.value.id in gradients):
            return False
        if isinstance(node, (ast.Return, ast.Break, ast.Continue)) or isinstance(node, ast.Expr):
            return False
    return True


def _fills_dict(stmt, names, reported=frozenset()):
    """``grads = {}`` (or ``dict()``), ``grads["W2"] = ...`` or ``+=`` for a name of ``names``; ``stats =
    {"acc": acc}`` (or ``dict(acc=acc)``) too for a name of ``reported``, which nothing else reads."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name) and target.id in names:
            return dict_made(value) and (target.id in reported or isinstance(value, ast.Dict) and not value.keys
                                            or isinstance(value, ast.Call) and not value.args and not value.keywords)
    elif isinstance(stmt, ast.AugAssign):
        target = stmt.target
    else:
        return False
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in names


def _first_return(body):
    """The first ``return`` a walk of ``body`` meets: one at the top level before any nested."""
    top = next((stmt for stmt in body if stmt.__class__ is ast.Return), None)
    return top if top is not None else next(n for n in source.walk(ast.Module(body, [])) if isinstance(n, ast.Return))


def _spell(meaning):
    """Canonical spelling: 'numpy.exp' -> 'np.exp'."""
    module, _, attr = meaning.partition(".")
    module = MODULE_SPELLING.get(module, module)
    return f"{module}.{attr}" if attr else module


_SETTING_KINDS = frozenset({ast.Subscript, ast.Call, ast.Compare})  # (the nodes config_params reads)


_BINDING = frozenset({ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For})


def config_aliases(func, config, nodes=None):
    """Names the function binds to a settings dict only, each read as settings: ``bn_param2 = bn_param``
    (a layer's parameter, where the layer is written out in its caller) or ``bn_param = bn_params[0]``
    (an item of a list of them, ``self.bn_params[i - 1]``), with the name that holds it (``bn_params``,
    a list of settings, then settings too).  ``config``: the names known to be settings; ``nodes``,
    where given, the function's nodes (its census)."""
    params = {a.arg for a in func.args.args}
    roots, other = {}, set()
    for node in source.walk(func) if nodes is None else source.of_kinds(nodes, _BINDING):
        for target in (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)) else []):
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                value = node.value if isinstance(node, ast.Assign) and target is node.targets[0] and \
                    len(node.targets) == 1 and isinstance(target, ast.Name) else None
                if isinstance(value, ast.Subscript) and not (isinstance(value.slice, ast.Constant) and
                                                             isinstance(value.slice.value, str)):
                    value = value.value  # (an item: bn_params[0])
                if isinstance(value, ast.Name) and (value.id in params or value.id in config or value.id in roots):
                    roots.setdefault(name, set()).add(value.id)
                else:
                    other.add(name)
    read = {n for n in roots if n not in other and n not in params and _read_as_settings(func, n)}
    found = set()
    for name in read:
        found.add(name)
        found |= roots[name]
    return frozenset(found - set(config)), frozenset(read)


def _read_as_settings(func, name):
    """Whether ``func`` reads ``name`` as a dict of settings: with a string key, ``.get`` or ``in``."""
    for node in source.walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) or \
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == name or \
                isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
                and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id == name:
            return True
    return False


def config_params(func, nodes=None):
    """Parameters used as dictionaries of settings: read with a string key (``p["mode"]``,
    ``p.get("eps", 1e-5)``), tested with ``"seed" in p``, or named as CS231n names them
    (``bn_param``); and settings given as text, compared with a string (``mode == "train"``).
    They carry no gradient.  (``Forward.settings`` keeps them for a function read.)
    ``nodes``: its nodes as ``source.walk_parts`` lists them, where a walk already did."""
    params = {a.arg for a in func.args.args}
    found = {p for p in params if p.endswith("_param")}  # CS231n's bn_param, conv_param, pool_param...
    for node in source.of_kinds(source.parts_list(func) if nodes is None else nodes, _SETTING_KINDS):
        kind = node.__class__
        if kind is ast.Subscript and isinstance(node.value, ast.Name) and node.value.id in params \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            found.add(node.value.id)
        elif kind is ast.Call and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in params:
            found.add(node.func.value.id)
        elif kind is ast.Compare and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
                and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id in params:
            found.add(node.comparators[0].id)
        elif kind is ast.Compare and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)) and \
                any(isinstance(a, ast.Name) and a.id in params for a in (node.left, node.comparators[0])) and \
                any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in (node.left, node.comparators[0])):
            found.update(a.id for a in (node.left, node.comparators[0]) if isinstance(a, ast.Name))
    return frozenset(found)


@functools.lru_cache(maxsize=None)
def _call_head(alias):
    """``(text, names)`` of the function ``alias`` (``np.tanh``) as the printer writes it at the head of a call."""
    text = source.printed(source.fill_template(alias, {}))
    return text, source.line_names(text)


def render_template(rule, args, modules):
    """Source of a template rule applied to ``args``, with the generated code's module names."""
    nodes = [atom_ast(arg) for arg in args]
    if rule.variadic.strip() == "+":  # a + b + c: one tree, printed once (precedence is the printer's)
        tree = functools.reduce(lambda a, b: ast.BinOp(a, ast.Add(), b), nodes)
        if all(node.__class__ is ast.Name for node in nodes):  # (names: written as the printer writes them)
            return source.noted(" + ".join(node.id for node in nodes), [node.id for node in nodes], tree)
        return source.printed(tree, plain=True)
    if rule.variadic:
        return rule.variadic.join(source.to_source(n) for n in nodes)
    bindings = dict(zip(rule.inputs, nodes))
    bindings.update(module_bindings(modules))
    return source.printed_filled(rule.forward, bindings)


def module_bindings(modules):
    """Rule templates say ``math``/``np``: the names the generated code binds them to."""
    return {canonical: ast.Name(alias, source.LOAD) for canonical, alias in modules.items() if alias != canonical}


def atom_ast(atom):
    """The AST of an atom (its source already uses the generated code's module names)."""
    return ast.Name(atom.name, source.LOAD) if atom.__class__ is ir.Var else source.template(atom.source)


def _op_symbol(op):
    return {ast.FloorDiv: "//", ast.Mod: "%", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}.get(
        type(op), type(op).__name__)


def _written_list(node):
    """A list written out (``[1.0]``, ``[a, b]``) or such a list repeated (``[0.0] * n``, ``n * [0]``)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _written_list(node.left) and not isinstance(node.right, ast.List) or \
            _written_list(node.right) and not isinstance(node.left, ast.List)
    return isinstance(node, ast.List) and not any(isinstance(e, ast.Starred) for e in node.elts)


# An array's attributes saying how it is laid out in memory (written where an object's would be said).
_MEMORY_ATTRIBUTES = frozenset({"strides", "flags", "ctypes", "data", "base", "itemsize", "nbytes"})


def _object_attribute(func, node):
    """What to write instead of ``obj.attr``, an attribute of an object backgen does not follow (a
    dataclass of settings, a named tuple of parameters, a class a classmethod is called on)."""
    owner, attr = node.value.id, node.attr
    params = [a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    written = f"{owner}.{attr}"
    if attr == "flat":
        return (f"{written}, the flat iterator, is read where it is indexed ({written}[i], the elements of "
                f"{owner}.ravel()): write {owner}.ravel()")
    if attr in _MEMORY_ATTRIBUTES:
        return (f"{written} reads how an array is laid out in memory, which backgen does not follow (views made "
                f"of strides, np.lib.stride_tricks.as_strided): write the windows with "
                f"np.lib.stride_tricks.sliding_window_view")
    if params and owner == params[0] == "cls":
        return (f"{written}: backgen does not read attributes of the class a classmethod is called on; write "
                f"the class by its own name (ClassName.{attr}: backgen reads a number its body sets), a constant of "
                f"the module, or pass {attr} as a parameter")
    if owner in params:
        other = attribute_reads.other_use(func, owner)
        where = (f"line {other.lineno} reads {owner} otherwise ({source.to_source(source.parents(func)[other])})"
                 if other is not None else f"{owner} is handed to a function reading it otherwise")
        return (f"{written} reads an attribute of the parameter {owner} (an object: a dataclass, a named tuple), "
                f"which backgen follows where the function reads {owner} by its attributes alone ({owner}.{attr}, "
                f"getattr, hasattr) or hands it whole to functions of the module reading it so; {where}: pass "
                f"{written} as a parameter of its own (def {func.name}(..., {attr})), or for a named tuple unpack "
                f"it first ({attr}, ... = {owner}), or pass a dict ({owner}['{attr}'])")
    local = {n.id for n in source.walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    if owner in local:
        return (f"{written} reads an attribute of the object {owner}, which backgen does not follow: compute "
                f"with the arrays themselves (a function taking them as parameters), or a dict "
                f"({owner}['{attr}'])")
    return (f"{written} reads an attribute of {owner}, an object or class of the module that backgen does not "
            f"follow: write the value as a constant of the module ({attr.upper()} = ...) or pass {attr} as a "
            f"parameter")
