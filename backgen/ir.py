"""The intermediate forms passed between backgen's stages.

Grammar of a staged forward function (what ``stage`` produces)::

    Staged := def NAME(PARAM, ...): Item* ; return Atom, ...
    Item   := Op | If | Loop
    Op     := TARGET = RULE(Atom, ...)        one operation per line
    If     := if TEST: Item* else: Item*      names assigned in both branches are merged
    Loop   := for VAR in ITER: Item*  |  while TEST: Item*
    Atom   := Var(NAME) | Const(SOURCE)

Every name is assigned once (versions ``h_1``, ``h_2`` where the user
reassigns), except a loop's carried names: inside the body the carried name
is the value at the start of an iteration and ``Loop.exits`` says which name
holds its value at the end.

Sources (``Const.source``, ``Op.source``) are final text: they spell modules
with the names the generated code binds them to (``Staged.modules``, normally
``math`` and ``np``).  Rule templates say ``math`` and ``np``.  ``Backward`` is what ``reverse`` produces: the forward
lines to recompute and the adjoint statements, already as source text.
"""

import ast
import dataclasses
import functools
import math
import operator
import re
from dataclasses import dataclass, field, replace

from .source import code_names


def form(cls):
    """``dataclass(frozen=True)``, its ``__init__`` filling the instance's ``__dict__`` directly
    rather than field by field through ``object.__setattr__`` (at twice the cost: these forms are
    made by the hundred thousand for a large function).  Instances are the same: equal, hashed,
    printed, copied and replaced alike.  Fields have plain defaults (no ``default_factory``)."""
    cls = dataclass(frozen=True)(cls)
    params, stores, defaults = [], [], {}
    for f in dataclasses.fields(cls):
        assert f.default_factory is dataclasses.MISSING, f.name
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        stores.append(f"    fields[{f.name!r}] = {f.name}\n")
    namespace = {}
    exec(f"def __init__(self, {', '.join(params)}):\n    fields = self.__dict__\n{''.join(stores)}",
         defaults, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


@form
class Var:
    name: str

    def __str__(self):
        return self.name


@form
class Const:
    source: str

    def __str__(self):
        return self.source


@form
class Op:
    """``target = rule(*args)``, staged from the user's line ``line``."""

    target: str
    rule: str
    args: tuple  # the operands, Var or Const
    line: int = 0
    params: tuple = ()  # static arguments: (name, source text) pairs
    source: str = ""  # the right-hand side as staged code spells it

    def param(self, name, default=None):
        for key, value in reversed(self.params):  # (the last of a name given twice, as a dict keeps it)
            if key == name:
                return value
        return default

    def lines(self):
        """``(target, source)`` statements computing it (a write into an array takes two)."""
        if self.rule == "setitem":  # a copy with one part replaced: the value before stays intact
            return ((self.target, self.source), (f"{self.target}[{self.param('index')}]", str(self.args[1])))
        return ((self.target, self.source),)

    def reads(self):
        """The names computing it reads (a frozenset, worked out once): its variables, and the names its
        source and its constant operands' text spell (``np.full((3, 4), 0.5)[i].mean()`` written into an
        array reads ``i``)."""
        names = self.__dict__.get("_reads")
        if names is None:
            index = self.param("index") if self.params else None
            names = {a.name for a in self.args if a.__class__ is Var}
            for a in self.args:
                if a.__class__ is Const and not a.source.replace(".", "", 1).replace("-", "", 1).isdigit():
                    names |= code_names(a.source)
            for text in (self.source, f"_[{index}]") if index else (self.source,):
                found = code_names(text)
                names |= found - {"_"} if "_" in found else found
            names = self.__dict__["_reads"] = frozenset(names)  # (no field: equality and copies ignore it)
        return names

    def __str__(self):
        return f"{self.target} = {self.source}"


@form
class If:
    test: str  # the condition's source (a condition carries no gradient)
    body: tuple
    orelse: tuple
    line: int = 0
    breaks: bool = False  # the body ends the enclosing loop (``if c: ...; break``)
    exits: tuple = ()  # with breaks: (carried name, value) as the loop is left

    @property
    def always_breaks(self):
        """The branch of a loop body that ends in a bare ``break``: every path takes it (printed
        without the ``if``, whose test is ``True``)."""
        return self.breaks and self.test == "True" and not self.orelse


@form
class Loop:
    kind: str  # "for" or "while"
    var: str  # the loop variable ("" for while)
    iterable: str  # "range(T)" ("" for while)
    test: str  # the while condition ("" for for)
    body: tuple
    exits: tuple  # (carried name, Var or Const holding its value at the end of an iteration)
    line: int = 0
    breaks: bool = False
    fresh: tuple = ()  # carried names first assigned in the loop (no value before it)

    @property
    def carried(self):
        return tuple(name for name, _ in self.exits)

    @property
    def always_leaves(self):
        """Whether every path through the body breaks (it ends in a bare ``break``): no value is carried
        into a next iteration."""
        return bool(self.body) and self.body[-1].__class__ is If and self.body[-1].always_breaks


_INT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Pow)
_INT_CALLS = frozenset({"int", "len", "abs", "min", "max", "np.prod", "numpy.prod", "math.prod"})


@functools.lru_cache(maxsize=4096)
def folded(text):
    """``text``, a constant the staged code computes (``0 + int(np.prod((3, 4)))``), as the whole number it
    is (``12``) where it is whole-number arithmetic on numbers written out (``+ - * // % **``, ``int``,
    ``len``, ``abs``, ``min``, ``max``, ``np.prod`` of tuples of them): the same number, read at a
    glance in an index or a slice; any other text as it is."""
    if text.isidentifier() or not any(c in text for c in "+-*%("):
        return text
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return text

    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, (ast.Tuple, ast.List)):
            return tuple(value(e) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, _INT_OPS):
            left, right = value(node.left), value(node.right)
            if not (type(left) is int and type(right) is int) or \
                    isinstance(node.op, ast.Pow) and not 0 <= right <= 64 or \
                    isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
                raise ValueError(text)
            return {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv:
                    operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}[type(node.op)](left, right)
        if isinstance(node, ast.Call) and not node.keywords and ast.unparse(node.func) in _INT_CALLS:
            args = [value(a) for a in node.args]
            name = ast.unparse(node.func)
            if name in ("int", "abs") and len(args) == 1 and type(args[0]) is int:
                return args[0] if name == "int" else abs(args[0])
            if name == "len" and len(args) == 1 and isinstance(args[0], tuple):
                return len(args[0])
            if name in ("min", "max") and len(args) > 1 and all(type(a) is int for a in args):
                return min(args) if name == "min" else max(args)
            if name.endswith("prod") and len(args) == 1 and isinstance(args[0], tuple) and args[0] and \
                    all(type(a) is int for a in args[0]):  # (of no numbers, np.prod gives the float 1.0)
                return math.prod(args[0])
        raise ValueError(text)
    try:
        result = value(tree)
    except ValueError:
        return text
    return str(result) if type(result) is int and abs(result) < 10 ** 15 else text


def all_constant(atoms):
    """Whether every atom is a Const (``all(isinstance(a, Const) for a in atoms)``, without a generator)."""
    for atom in atoms:
        if atom.__class__ is not Const:
            return False
    return True


def ops_in(items):
    """Every Op in ``items``, nested blocks included, in order (an iterator)."""
    if items.__class__ in (tuple, list) and set(map(type, items)) == _OP:  # (operations alone: the items)
        return iter(items)
    return _ops_in(items)


_OP = {Op}


def _ops_in(items):
    for item in items:
        kind = item.__class__  # (no class derives from these)
        if kind is Op:
            yield item
        elif kind is If:
            yield from _ops_in(item.body)
            yield from _ops_in(item.orelse)
        elif kind is Loop:
            yield from _ops_in(item.body)


def loops_in(items):
    """Every Loop in ``items``, nested ones (in loops and in both branches of ifs) included, in order
    (an iterator)."""
    if items.__class__ in (tuple, list) and set(map(type, items)) == _OP:  # (operations alone: none)
        return iter(())
    return _loops_in(items)


def _loops_in(items):
    for item in items:
        kind = item.__class__
        if kind is Op:
            continue
        if kind is Loop:
            yield item
            yield from loops_in(item.body)
        elif kind is If:
            yield from loops_in(item.body)
            yield from loops_in(item.orelse)


def holds_block(items):
    """Whether a Block is among ``items``, their Groups opened (at any depth)."""
    for item in items:
        kind = item.__class__
        if kind is Block:
            return True
        if kind is Group and not plain_lines(item.lines) and holds_block(item.lines):
            return True
    return False


def group_lines(items):
    """The lines of a backward's ``items`` with its Groups opened (Blocks kept whole), as a list."""
    out = []
    for item in items:
        if item.__class__ is Group:
            lines = item.lines
            out += lines if _GROUP.isdisjoint(map(type, lines)) else group_lines(lines)
        else:
            out.append(item)
    return out


def plain_lines(lines):
    """Whether ``lines`` hold neither a Group nor a Block (told without a Python step per line)."""
    return _NESTING.isdisjoint(map(type, lines))


def map_lines(items, change):
    """A backward's ``items`` with every line in them (in Groups and Blocks too) replaced by
    ``change(line)``."""
    out = []
    for item in items:
        if isinstance(item, Group):
            out.append(Group(item.undoes, tuple(map_lines(item.lines, change))))
        elif isinstance(item, Block):
            out.append(Block(item.header, tuple(map_lines(item.body, change))))
        else:
            out.append(change(item))
    return out


def map_ops(items, change):
    """``items`` with every Op (nested blocks included) replaced by ``change(op)``."""
    out = []
    for item in items:
        if isinstance(item, Op):
            out.append(change(item))
        elif isinstance(item, If):
            out.append(replace(item, body=tuple(map_ops(item.body, change)),
                               orelse=tuple(map_ops(item.orelse, change))))
        else:
            out.append(replace(item, body=tuple(map_ops(item.body, change))))
    return tuple(out)


@dataclass(frozen=True)
class Staged:
    name: str
    params: tuple
    defaults: tuple  # source text of the defaults of the last len(defaults) params
    body: tuple
    outputs: tuple  # the returned values, Var or Const (several for a returned tuple)
    wrt: tuple  # the parameters to differentiate with respect to
    upstreams: tuple  # the upstream-gradient parameters, one per output
    user_names: frozenset  # every name the user's function mentions
    taken: frozenset  # every name the generated function must not reuse
    modules: dict = field(default_factory=dict)  # "math"/"np" -> name bound in generated code
    filename: str = "<string>"
    mode: str = "scalar"  # or "numpy": arrays, shapes matter
    lines: tuple = ()  # the user's source lines, for errors
    line: int = 0  # the line of the ``def``
    shapes: dict = field(default_factory=dict)  # name -> shape, for NumPy code
    lists: frozenset = frozenset()  # names holding Python lists (of arrays)
    hazards: tuple = ()  # (value, BackgenError): reads that are wrong if the value is an array
    number_hazards: tuple = ()  # (value, error, error without shapes): op= through a view, wrong for a number
    array_hazards: tuple = ()  # (value, BackgenError): staged as an array, wrong if the value is anything else
    layouts: tuple = ()  # (condition, line): a reshape or ravel of an array of unknown order taken as a view,
                         # which it is where the condition holds on the shapes (``memory.layout_holds``)
    layout_checks: tuple = ()  # (parameter, line, what, entry): parameters taken to be C-contiguous (``("layout",
                               # "assumed", p)``) that the code relies on: the reshape or ravel on that line;
                               # the place in the user's cache of the entry holding its array, or None
    required: tuple = ()  # parameters defaulting to None whose None path (return scores) is not differentiated
    param_writes: tuple = ()  # (value or None, BackgenError, parameter): writes into a parameter's array (a
                              # helper's: refused, but where its caller passes a new array no name holds)
    cache: object = None  # cache.Layout: the cache a layer in CS231n's convention builds
    shape_free: tuple = ()  # parameters of no given shape: the backward is written for every shape
    path_outputs: frozenset = frozenset()  # outputs each path of an if copies its own value into, of a
                                           # shape of its own (read by nothing but the return)
    in_place: tuple = ()  # (value of h op= v, h's value before: a name or a Const): NumPy wrote into h where
                          # it is an array
    writes_staged_again: frozenset = frozenset()  # lines of h op= v staged as the write h[...] = h + v (and its
    # writes through what shares h), where h may be a number, which op= rebinds: what fails there is not NumPy's
    called: bool = False  # a helper's: its backward is called by its caller's (which may pass a 0-d array)
    outputs_nan_left_out: bool = False  # a helper's whose caller leaves out its results' nan entries (nan_data)
    item_lists: frozenset = frozenset()  # shape-generic: names that may hold lists of arrays of several shapes
                                         # (params, parts = params[k]), their gradients lists alike
    constants: tuple = ()  # (name, number text): the module's numbers the function reads, kept by their names
    named_arrays: tuple = ()  # (name, text): constant arrays the function names (w = np.array([0.2, 0.3]))
    sized_params: tuple = ()  # (parameter, origins): a helper's parameters its caller passes a selection by a
                              # boolean mask, of a length the data decides (the same origins: selected alike)
    infinite_params: tuple = ()  # a helper's parameters its callers may pass a value holding an infinity the code
    # writes (a table filled with np.inf): its contributions are guarded as where it writes one (``guarded``)
    unbound_elsewhere: frozenset = frozenset()  # values one path of an if sets, where Python's name is unbound
                                                # on the others (a read there raises: no gradient to give)
    unbound_carried: frozenset = frozenset()  # names loops carry that are unbound, as Python's, until set
    left_out: tuple = ()  # (line of the if, line NumPy raises on, its complaint): branches that cannot run at
                          # the shapes the code is for (``dead_paths``), said in the backward's docstring
    numerals: tuple = field(default=(), compare=False, repr=False)  # (Python's text, the user's) of the numbers
                                                                    # the function writes otherwise (1e-08, 1e-8)
    attribute_params: tuple = ()  # parameters that are objects read by attribute (cfg.reg), followed as dicts
                                  # read by key and written as attributes again (``attribute_reads``)
    coinciding: frozenset = frozenset()  # sample sizes a named dimension was fitted to that the code, a declared
    # shape or another dimension has too: arrays' shapes may agree there by chance (see program._refitted)
    callees: frozenset = frozenset()  # names of the module the generated code may call or read by name (the
                                      # user's helpers, what it imports): no adjoint or upstream takes one
    definite: frozenset = frozenset()  # values the code passes to a helper where it needs a symmetric positive
                                       # definite matrix (the helper's np.linalg.cholesky of its parameter)
    given_values: tuple = ()  # (parameter, value): the integers, flags and strings the decorator's call gives
    # parameters the code never sets again (or the defaults generate writes the code for); the code is for
    # those values where it reads them as static arguments (np.sum(x, axis=axis, keepdims=keep))


@form
class ForwardLine:
    number: int  # 1-based position in the staged forward
    target: str
    source: str  # the right-hand side

    def __str__(self):
        return f"{self.target} = {self.source}"


@form
class AdjointLine:
    target: str
    accumulate: bool  # += instead of =
    source: str

    def __str__(self):
        return f"{self.target} {'+=' if self.accumulate else '='} {self.source}"


@form
class Statement:
    """A statement that is not an assignment (``np.add.at(dx, idx, g)``)."""

    source: str

    def __str__(self):
        return self.source


@form
class CallLine:
    """``dx, dw, _ = affine_backward(x, w, b, dout)``: adjoints from a helper's backward."""

    targets: tuple
    source: str

    def __str__(self):
        return f"{', '.join(self.targets)} = {self.source}"


@form
class Block:
    """An indented block of generated code under ``header`` (``if c:``, ``for t in ...:``)."""

    header: str
    body: tuple

    def __str__(self):
        return self.header


@form
class Group:
    """The adjoint lines that undo one forward line."""

    undoes: object  # the ForwardLine, or a title (the return statement, for the outputs' seeds)
    lines: tuple


@dataclass(frozen=True)
class Backward:
    name: str  # of the generated function
    forward_name: str
    params: tuple
    defaults: tuple
    upstreams: tuple  # the parameters holding the upstream gradients, one per output
    wrt: tuple
    forward: tuple  # ForwardLine, only those the adjoints need
    groups: tuple  # Group, in reverse order
    zeros: tuple  # AdjointLine for wrt inputs the output does not depend on
    returns: tuple  # adjoint names, in wrt order
    modules: dict
    mode: str = "scalar"
    missing: tuple = ()  # (upstream, zero) for outputs whose gradient may be passed as None
    scalar_output: bool = True  # a single number (any shape of size 1): dout may default to 1.0
    outputs: tuple = ()  # the returned values' sources
    full_forward: tuple = ()  # the forward computing the outputs too (for the layer form)
    layer_groups: tuple = ()  # (groups, missing) after that forward, where they differ from those after forward
    cache: object = None  # cache.Layout: the backward takes (dout..., cache) and unpacks it so
    unpack: tuple = ()  # lines opening the function: ``(W1, b1), (W2, b2) = params``
    shape_free: tuple = ()  # parameters of no given shape: the code holds for every shape
    numbers: tuple = ()  # parameters of no given shape taken as numbers (the forward runs on no array)
    integers: tuple = ()  # parameters of no given shape taken as integers that np.arange reads (it takes floats
                          # too, whose gradient the code does not write): checked to be integers as it starts
    sequences: tuple = ()  # (parameter, rank) of those the code indexes, taken as sequences of numbers then
    required: tuple = ()  # parameters defaulting to None the backward needs given (if y is None: return scores)
    stacked: tuple = ()  # parameters of no given shape iterated or unpacked: one array, not arrays of several shapes
    arrays: tuple = ()  # parameters of no given shape the code reads as NumPy arrays where a list reads otherwise
    iterates: tuple = ()  # parameters iterated or unpacked, here or by a helper they are passed to
    keyed_checks: tuple = ()  # parameters of no array shape given that the code reads by position (iterated,
                              # unpacked): checked not to be dicts, whose loops take their keys, as it starts
    none_checks: tuple = ()  # parameters of no array shape given whose items decided tests against None
                             # (prev = y[t], then prev is not None): checked to hold no None as it starts
    indexed_checks: tuple = ()  # (parameter, index): parameters of no shape given read at another parameter
                                # (vectors[word]), taken as arrays: checked not to be dicts as it starts
    item_lists: tuple = ()  # parameters of no given shape that may be lists of arrays of several shapes
    numbers_grown: bool = False  # shape-generic: a loop made a number it starts from (total = 0.0) an array
    sized_outputs: tuple = ()  # (position, group) of the outputs whose length the data decides (``q[q > 0]``),
                             # those selected alike sharing a group
    constants: tuple = ()  # (name, number text): the module's numbers it reads by their names (Staged's)
    named_arrays: tuple = ()  # (name, text): constant arrays the function names, read by them (Staged's)
    filename: str = field(default="<string>", compare=False, repr=False)  # the user's file and lines, for
    lines: tuple = field(default=(), compare=False, repr=False)  # errors (no part of what the code is)
    numerals: tuple = field(default=(), compare=False, repr=False)  # the numbers as the user wrote them (Staged's)
    attribute_params: tuple = ()  # parameters that are objects read by attribute (Staged's)
    left_out: tuple = ()  # the branches left out (Staged's)
    real_checks: tuple = ()  # parameters checked not to hold complex numbers as it starts, where the forward
    # reads real parts or conjugates (x.real, np.conj(x): code written for complex data too)
    integer_writes: tuple = ()  # (parameter, array, line): shape-generic code writing a differentiated value
    # into an array that takes the parameter's dtype (np.zeros_like(rewards), rewards.copy()): refused at
    # run time where the parameter holds integers, which the write would truncate
    layout_checks: tuple = ()  # (parameter, line, what, entry): parameters the code is written for C-contiguous,
                               # checked as it starts (the reshape or ravel on that line is a view of them then);
                               # a layer's backward (dout, cache) checks the cache's entry at that place instead
    fixed_defaults: tuple = ()  # (parameter, integer): the defaults the code is written for, checked as it starts
    numbers_one: tuple = ()  # parameters which, all given numbers, make the output a number: its gradient
    # then defaults to 1.0 (code for every shape of a function calling no NumPy)
    function_defaults: tuple = ()  # (parameter, text, name): parameters defaulting to a function (act=np.tanh),
    # the code written for it, checked (by its name) as it starts; (parameter, text, name, "given"): one the
    # decorated function was called with (given_functions)
    shapes_checked: tuple = ()  # (parameter, shape): the shapes ``generate`` was given where a branch that
                                # cannot run at them is left out (``left_out``), checked as it starts
    unrun: bool = field(default=False, compare=False)  # loops left out as the sizes and integers given make
    # them run no iteration (``program._sized_loops``): the code holds for those sizes, not for others alike


@dataclass(frozen=True)
class Program:
    """Everything one generated backward needs: its helpers' functions, then itself."""

    main: Backward
    helper_forwards: tuple = ()  # Staged helpers, recomputed by the backward functions
    helper_backwards: tuple = ()  # Backward of each helper, per distinct set of shapes


_GROUP = frozenset({Group})  # (group_lines' and plain_lines' classes)
_NESTING = frozenset({Group, Block})


MENTION = re.compile(r"(?<![\w.'\"])[A-Za-z_]\w*")  # a name written in code or a comment (not an attribute)


def mentions(backward):
    """How many times each name is written in the ``Backward``'s code: its signature, cache, constants and
    named arrays, every line and block header, and the group comments (the forward lines they undo)."""
    texts = list(backward.params) + list(backward.upstreams) + list(backward.returns) + list(backward.unpack)
    texts += [z for _, z in backward.missing] + list(backward.outputs) + list(backward.required)
    texts += [name for name, _ in backward.named_arrays] + [name for name, _ in backward.constants]
    if backward.cache is not None:
        texts += [n for n in backward.cache.names if n]

    def walk(items):
        for item in items:
            if item.__class__ is Group:
                texts.append(str(item.undoes))
                walk(item.lines)
            elif item.__class__ is Block:
                texts.append(item.header)
                walk(item.body)
            else:
                texts.append(str(item))
    walk(backward.forward + backward.groups + backward.zeros)
    counts = {}
    for text in texts:
        for name in MENTION.findall(text):
            counts[name] = counts.get(name, 0) + 1
    return counts


def zero_gradients(backward):
    """The inputs of ``backward.wrt`` the output does not depend on: their gradient the number 0.0 (no
    array of their shape, which the backward may not know)."""
    return {w for w, d in zip(backward.wrt, backward.returns)
            if any(z.target == d and z.source == "0.0" for z in backward.zeros)}
