"""The library's entry points: ``generate``, ``backward``, ``layer``, ``gradcheck``.

Contract:

* ``generate(func_or_source, wrt=None, name=None, shapes=None) -> str``: source
  of a module holding ``<name>_backward``.
* ``backward(func=None, *, wrt=None, shapes=None)``: decorator (or plain call)
  returning the forward unchanged, with ``.backward(*args, dout=1.0)``,
  ``.backward_source`` and ``.backward_function`` attached.
* ``layer(func=None, *, wrt=None, shapes=None)``: the CS231n layer form,
  ``.forward(*args) -> (out, cache)`` and ``.backward(dout, cache)``.
* ``gradcheck(func, *args, wrt=None)``: compare the generated backward with
  central finite differences; return the largest relative error or raise
  AssertionError naming the input and element.

Problems with the user's code are ``BackgenError``; nothing else escapes from
code generation (an unexpected failure is reported as a BackgenError too).
"""

import ast
import builtins
import collections
import contextlib
import copy
import dis
import functools
import gc
import inspect
import linecache
import math
import random
import re
import sys
import threading
import types
import weakref
import warnings

import numpy as np

from . import attribute_reads, complexes, emit, given_functions, held_objects, kept_reads, keyword_reads, methods, \
    runtime, sentinels, shape_free, source, structured, value_sized, varargs
from .free_arrays import closure_of, free_arrays, signature_with, values_now, with_free_arrays
from .cache import output_roles
from .docshapes import ANY_RANK
from .errors import BackgenError, NoSourceError
from .layer import layer_module, layer_names
from .parse import SELF_CLASS, SELF_HELD, library_function, owner_class, read, settings_object, users_class, read_helper, reading_for, self_calls, source_node
from .program import backward_program, declared_shapes, guarded, program
from .reverse import recomputing, without_gradient
from .selections import COUNTS
from .shapes import SampleSettings
from .source import walk, tree_copy
from .stage import stage, wrt_names


def public(function):
    """An entry point: a BackgenError it raises points at the user's line, not through backgen."""
    @functools.wraps(function)
    def entry(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (BackgenError, NoSourceError) as exc:
            raise exc.with_traceback(None)  # the user's file and line are in the error itself
    return entry


DEEP_RECURSION_LIMIT = 50_000  # about 12,000 levels of nesting
DEEP_STACK_SIZE = 256 << 20  # bytes; 50,000 levels need about 16 MiB
_deep_lock = threading.Lock()


_running = threading.local()  # .generations: this thread's generations running (a WeakSet of _Running)
_PAUSED = []  # [True] while a generation has Python's cycle collector paused


class _Running:
    """A generation, running while an instance is alive (its block's frame holds it)."""


@contextlib.contextmanager
def _generation():
    """Python's cycle collector paused: generation allocates many small trees and no cycles, and
    on a large function the collector's passes over them would cost a quarter of the time.  When
    the outermost generation ends, the texts it parsed are forgotten.  A generation is running while
    its token lives, not by a count: an exception a signal handler raises (Ctrl-C, a caller's timeout
    by SIGALRM) may leave the block before its ``finally`` runs, and the next generation then starts
    as the outermost, the collector running again and the reads of the one left forgotten."""
    generations = getattr(_running, "generations", None)
    if generations is None:
        generations = _running.generations = weakref.WeakSet()
    token = _Running()
    if not generations:
        if _PAUSED and not gc.isenabled():  # (paused by a generation whose end never ran)
            gc.enable()
        _PAUSED.clear()
        source.forget_texts()
        kept_reads.keep()
    generations.add(token)
    enabled = gc.isenabled()
    gc.disable()
    if enabled:
        _PAUSED.append(True)
    try:
        yield
    finally:
        generations.discard(token)
        if not generations:
            source.forget_texts()
            kept_reads.forget()
        if enabled:
            _PAUSED.clear()
            gc.enable()


def deep(work, filename="<string>"):
    """``work()``; if a deeply nested function exhausts Python's recursion limit (or its parser's
    stack), ``work()`` again on a thread with a large stack and a raised limit (then put back), and
    a BackgenError where even that is not enough.  Memory running out elsewhere (arrays of the
    sizes given) is a BackgenError saying so."""
    with _generation():
        return _deep(work, filename)


def _nesting(error):
    """Whether ``error`` (or the cause of a BackgenError, for an internal error) is the nesting's: a
    RecursionError, or a MemoryError Python's parser raises on deep nesting (``ast.parse``, ``compile``)
    rather than one of memory running out (sample arrays of the sizes given)."""
    cause = error.__cause__ if isinstance(error, BackgenError) else error
    if isinstance(cause, RecursionError):
        return True
    if not isinstance(cause, MemoryError):
        return False
    trace = cause.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None:
        return False
    code = trace.tb_frame.f_code
    return code.co_filename == ast.__file__ or "compile(" in linecache.getline(code.co_filename, trace.tb_lineno)


def _out_of_memory(error, filename):
    """The BackgenError for memory running out (not the parser's): the sizes given may be too large."""
    cause = error.__cause__ if isinstance(error, BackgenError) else error
    detail = str(cause) or type(cause).__name__
    message = (f"backgen ran out of memory ({detail}): if you gave sizes (--shape x=100,100, shapes=), give "
               "smaller ones, or names (x=N,D), for which the code holds at every size")
    if isinstance(error, BackgenError):
        return BackgenError(message, error.filename, error.lineno, error.offset, error.text)
    return BackgenError(message, filename)


def _deep(work, filename):
    try:
        return work()
    except (RecursionError, MemoryError) as exc:
        first = exc
    except BackgenError as exc:  # guarded: an internal error whose cause is the recursion
        if not isinstance(exc.__cause__, (RecursionError, MemoryError)):
            raise
        first = exc
    if not _nesting(first):
        raise _out_of_memory(first, filename) from None
    outcome = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: B902 -- handed to the calling thread
            outcome["error"] = exc

    with _deep_lock:
        limit = sys.getrecursionlimit()
        try:
            size = threading.stack_size(DEEP_STACK_SIZE)
            try:
                thread = threading.Thread(target=target, name="backgen-deep")
                sys.setrecursionlimit(max(limit, DEEP_RECURSION_LIMIT))
                thread.start()
            finally:
                threading.stack_size(size)
            thread.join()
        except (ValueError, RuntimeError):  # no thread with a large stack here
            outcome = {"error": first}
        finally:
            sys.setrecursionlimit(limit)
    error = outcome.get("error")
    if error is None:
        return outcome["value"]
    cause = error.__cause__ if isinstance(error, BackgenError) else error
    if not isinstance(cause, (RecursionError, MemoryError)):
        raise error
    if not _nesting(error):
        raise _out_of_memory(error, filename) from None
    message = ("the function is nested too deeply for backgen (Python's parser stops at a few thousand "
               "levels): split the expression into several assignments")
    if isinstance(error, BackgenError):
        raise BackgenError(message, error.filename, error.lineno, error.offset, error.text) from None
    raise BackgenError(message, filename) from None


def _origin(func_or_source, filename=None):
    code = getattr(func_or_source, "__code__", None)
    return code.co_filename if code is not None else filename or "<string>"


def staged(func_or_source, wrt=None, name=None, filename=None, shapes=None):
    """The staged form of a forward function (``ir.Staged``), before shapes."""
    forward = read(func_or_source, name=name, filename=filename)
    return guarded(forward, lambda: stage(forward, wrt, declared_shapes(forward, shapes)))


@public
def generate(func_or_source, wrt=None, name=None, shapes=None, recompute=False):
    """Source of a module with the backward function of ``func_or_source``.

    ``func_or_source`` is a function (one ``backward`` or ``layer`` decorated: the
    function it decorates), or its source as ``str`` or ``bytes`` (decoded as
    Python decodes a file).  NumPy code whose shapes are neither
    annotated nor given in ``shapes`` gets the shape-generic backward (correct
    for every rank and broadcast, with small helpers written into the module).
    A loop's forward keeps, for each iteration, the values its backward reads
    (as a hand-written backward reads its cache), unless it would run only for
    them: then its backward computes them itself; with ``recompute=True`` it
    keeps only the values carried from one iteration to the next, and the
    backward computes the rest again: less memory for long loops, about one
    more forward pass of time.
    """
    if isinstance(func_or_source, BoundDifferentiable):  # (a decorated function: the function it decorates)
        func_or_source = func_or_source._owner
    if isinstance(func_or_source, Differentiable):
        func_or_source = func_or_source._func

    def work():
        with recomputing(recompute):
            result = backward_program(func_or_source, wrt=wrt, name=name, shapes=shapes, user_cache=True)
        label = getattr(func_or_source, "__name__", None) or result.main.forward_name
        return emit.module_source([result], source_name=f"{label}()")
    return deep(work, _origin(func_or_source))


def compile_backward(func_or_source, wrt=None, name=None, shapes=None, args=None, recompute=False):
    """``(callable, source, ir.Program)`` of the generated backward function."""
    with recomputing(recompute):
        result = backward_program(func_or_source, wrt=wrt, name=name, shapes=shapes, args=args)
    return _compiled(result)


def _compiled(result):
    main = result.main
    text = emit.module_source([result], source_name=f"{main.forward_name}()")
    namespace = _exec_module(text, f"<backgen: {main.name}>")
    return namespace[main.name], text, result


def _exec_module(text, filename):
    """Run generated source; its functions' source stays readable (for inspect, and for backgen)."""
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace = {"__name__": filename}
    exec(compile(text, filename, "exec"), namespace)
    return namespace


CACHE_SIZE = 64  # generated functions a decorated function keeps (the least recently used goes)


class _Unset:
    """``dout`` not passed: 1.0 for a function returning a number; an array's must be given."""

    def __repr__(self):
        return "1.0"


UNSET = _Unset()


def _labels(forward, params):
    """The parameters ``forward`` indexes with, itself or in the helpers it passes them to
    (``softmax_loss(scores, y)``)."""
    return shape_free.labels(forward, params)


def _no_gradient(value, index, arithmetic, count=False):
    """Whether a parameter given ``value`` carries no gradient: integers (or lists of lists of them) where
    the forward uses the parameter as an ``index`` (class labels; the caller counts in a parameter read only in comparisons,
    ``X[y == c]``) or never reads it, booleans unless it uses it in ``arithmetic`` only
    (a mask for np.where or an index; ``x * m`` may mean numbers, and is refused as integer arrays are),
    and an integer number (``n``, ``np.int64(3)``) or array of them the forward uses as a ``count``, a size,
    a bound or an index (``range(n)``, ``x[:k]``, ``x.reshape(k, -1)``, ``np.tile(x, k)``, ``np.repeat(rows,
    deg)``), where it is defined at integers alone.  An integer number it uses otherwise only (``x * k``, ``math.exp(k)``) is a number."""
    if _int_items(value):  # a list of lists of integers (edges = [(0, 1), (1, 2)] of for i, j in edges: X[i],
        return True        # pairs hashed to rows): whole numbers in rows, as an array of integers holds them
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) or _int_sequence(value):
        return index or count  # (a tuple or list of them too: W[(0, 1)], x.reshape(shape))
    if not isinstance(value, (np.ndarray, np.bool_, bool)):
        return False
    kind = np.asarray(value).dtype.kind  # (a flag, True: a setting where it is not arithmetic's, as a mask)
    return kind in "iu" and (index or count) or kind == "b" and (index or not arithmetic)


def _items_read(func, params):
    """The parameters the function as written reads only by their items: each read a loop's iterable
    (``for t in tokens``, of ``enumerate``, ``zip`` or ``reversed`` too), ``len``'s argument, a value
    unpacked (``p_h, p_w = pool_size``, as d2l's pool2d reads its window) or an item at a number
    (``pool_size[0]``)."""
    try:
        tree = source_node(getattr(func, "__func__", func))
    except Exception:  # noqa: BLE001 -- (no source as written: none so known)
        return frozenset()
    items = set()

    def iterated(parts):  # (a slice of it iterated: layer_sizes[:-1] zipped with layer_sizes[1:])
        for part in parts:
            items.add(id(part))
            if isinstance(part, ast.Subscript) and isinstance(part.slice, ast.Slice):
                items.add(id(part.value))
    for node in walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            iterated(_iterated_parts(node))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("list", "tuple") and \
                len(node.args) == 1 and isinstance(node.args[0], ast.Call) and \
                getattr(node.args[0].func, "id", None) in ("zip", "enumerate"):  # list(zip(sizes[:-1], sizes[1:]))
            iterated(node.args[0].args)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "len" and len(node.args) == 1:
            items.add(id(node.args[0]))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], (ast.Tuple, ast.List)):
            items.add(id(node.value))
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
                type(node.slice.value) is int:
            items.add(id(node.value))
    reads = [node for node in walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)]
    return frozenset(p for p in params if any(n.id == p for n in reads) and
                     all(id(n) in items for n in reads if n.id == p))


def _iterated_parts(loop):
    """What a loop (or a comprehension) iterates: its iterable, or the sequences ``zip``, ``enumerate`` or
    ``reversed`` give it."""
    if isinstance(loop.iter, ast.Call) and getattr(loop.iter.func, "id", None) in ("zip", "enumerate", "reversed"):
        return loop.iter.args
    return [loop.iter]


def _iteration(func, name):
    """The first loop (or comprehension, ``zip``, ``enumerate``) iterating the name ``name``: its iterable;
    else None (the ``def`` line)."""
    for node in walk(func):
        if isinstance(node, (ast.For, ast.comprehension)):
            if any(isinstance(part, ast.Name) and part.id == name for part in _iterated_parts(node)) or any(  # (zip
                    isinstance(n, ast.Call) and getattr(n.func, "id", None) == "len" and n.args and  # and enumerate
                    isinstance(n.args[0], ast.Name) and n.args[0].id == name  # as desugared: range(len(d)))
                    for n in walk(node.iter)):
                return node.iter
    return None


def _strings(value):
    """A string, or a non-empty list or tuple of strings (``words = ["the", "cat"]``): text, which
    carries no gradient."""
    return isinstance(value, str) or isinstance(value, (list, tuple)) and bool(value) and \
        all(isinstance(v, str) for v in value)


def _lookup(value):
    """A dict of integers or strings (``vocab = {"the": 0, "cat": 1}``, ``{0: "the"}``): a table of ids or
    words, which carries no gradient; or a dict of numbers holding a string or a flag too (``{"mode": "train",
    "eps": 1e-5}``): settings."""
    if not isinstance(value, dict) or not value:
        return False
    values = list(value.values())
    return all(isinstance(v, (str, int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values) or \
        any(isinstance(v, (str, bool, np.bool_)) for v in values) and \
        all(isinstance(v, (str, bool, int, float, np.number, np.bool_)) or v is None for v in values)


def _settings_list(value):
    """A list or tuple of settings dicts (``bn_params = [{"mode": "train"}, ...]``, which the forward
    may give running means): configuration, as one such dict is, with no gradient."""
    return isinstance(value, (list, tuple)) and bool(value) and \
        all(isinstance(v, dict) and not structured.is_structured(v) for v in value)


_READ_ATTRIBUTES = frozenset({"wrt", "outputs", "_int_defaults", "_own_gradients", "_returns_tuple", "_indices",
                              "_arithmetic", "_compared", "_counts", "_sequences", "_subscripts",
                              "_number_dicts", "_keyed", "_items_read", "_inert"})  # (what Differentiable._setup sets)


class Differentiable:
    """A forward function with its generated backward attached.

    Scalar code (and NumPy code whose shapes are declared) is differentiated
    at once.  Otherwise the backward is generated at the first ``.backward``
    call, for the shapes of its arrays.  The code depends on the ranks, on
    which dimensions are 1, on which sizes are equal or larger, on whether
    boolean arrays select none, one or more (``x[m]``), on integer
    values (those of integer arrays too, but for labels, and those of
    numbers where the forward makes integers of them, ``int(s)``, not
    ``np.arange(N)`` of a size), and on which arrays are C-contiguous where
    the forward writes into an array and takes a reshape (a view of those
    only); where it
    makes no sizes of its own (no ``x[1:]``, ``x[::8]``, ``np.split``,
    arithmetic on sizes; ``np.arange(N)``, ``x.reshape(N, -1)`` read them as
    they are) and is the same text for the sizes moved up (all, or each
    alone where they are tied to one another) and, if the values fit them,
    for the least sizes in that order, it is kept for every value of the
    sizes found free (100 batch sizes generate once).  Otherwise
    it is kept per set of shapes, as the values made from the arrays may
    differ (``x[1:]`` of 2 rows has 1, and broadcasts), the code written
    alike for several kept once; up to ``CACHE_SIZE`` of each.  On a method, ``self``
    is bound and left out of the default ``wrt``; so are the parameters a
    call gives integer arrays the forward indexes with (labels) or never
    reads, boolean arrays it uses other than in arithmetic (masks), or integers
    it uses as counts, sizes or indices (``range(n)``).
    """

    def __init__(self, func, wrt=None, shapes=None, recompute=False):
        functools.update_wrapper(self, func)
        self._func = func
        self._shapes = shapes
        self._recompute = recompute
        self._call_signature = _spelled_signature(func)  # (*args, **kwargs the body never reads: bound, left out;
        # a *args it unpacks, a, b = args: its parameters args_0, args_1)
        self._signature = self._call_signature.replace(parameters=[
            p for p in self._call_signature.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)])
        self._attributes = ()  # a method's attributes of self, read as parameters (backgen.methods)
        self._objects = {}  # parameters that are objects read by attribute -> (those attributes, those required)
        self._free = ()  # arrays read from the module or closure, read as parameters (backgen.free_arrays)
        self._own_methods = {}  # the object's own methods it calls, read as helpers -> what its class holds
        self._self_class = SELF_CLASS.get()  # the class those are found on: the object's (of a bound method, or
        # the first one it is called on, where its class was not bound as it was decorated)
        self._held_described = SELF_HELD.get()  # the objects that object holds: held_objects.described
        self._held_used = {}  # those whose methods the method calls, read as helpers -> their classes
        self._held_callables = frozenset()  # what it calls on self that its class lacks, not read so
        own_calls = _is_method(func) and _read_on_object(func)  # (self.kernel(...) of a class still being
        if _is_method(func) and not own_calls:  # defined: read, with the attributes kernel reads, at the first call)
            self._method_attributes()
        self._cache = collections.OrderedDict()
        self._output_shapes = collections.OrderedDict()  # the arguments' shapes -> the outputs' (_douts_shaped)
        self._general = collections.OrderedDict()  # pattern -> the code for every size of it (or None)
        self._rounds = True  # whether the forward makes integers of numbers (int(s), np.arange(s)): their values are keyed
        self._value_sized = False  # whether it takes sizes from integer arrays' values: their extents are keyed
        self._layout_free = False  # whether the arrays' orders change nothing it computes: not keyed then
        self._fixed = None  # generated once, for every call without arrays (or with declared shapes)
        self._fixed_globals = None  # the module's numbers and lists of numbers self._fixed was generated for
        self._given_wrt = wrt
        self._latest = None
        self._setup_lock = threading.Lock()
        if own_calls or _helpers_below(func) or _classes_unbound(func) or \
                type(self) is Differentiable and _names_unbound(func):  # (an array made below it: free_arrays)  # (a helper defined below it, bound as
            # its module goes on: read at the first call; so is a method calling the object's own, or reading its
            self._pending = wrt  # class's constants, Layer.SCALE, its class bound then)
            self._pending_method = own_calls
        else:
            deep(lambda: self._setup(wrt), _origin(func))

    def _method_attributes(self):
        """A method's attributes of ``self`` (those of the object's own methods it calls too), read as
        parameters: the signature of the function it is then."""
        with reading_for(self._self_class, self._held_described):
            forward = read(self._func)
        self._own_methods, method = forward.own_methods, forward.func
        self._held_used = dict(forward.held_objects)
        self._held_callables = frozenset(forward.held_callables)
        self._attributes = methods.attributes(method, self._held_used)
        if self._attributes:
            self._signature = self._call_signature = methods.signature(self._signature, method, self._attributes)

    def _ready(self):
        """Read the forward where the decorator left it for the first call: it named functions its module
        had not bound yet (a helper defined below it, or a method of its class, still being defined)."""
        if "_pending" not in self.__dict__:
            return
        with self._setup_lock:
            if "_pending" in self.__dict__:
                wrt = self._pending
                if self._pending_method:  # (no object yet: the methods of the class that defines it)
                    deep(self._method_attributes, _origin(self._func))
                    if self._held_callables:  # (self.fc1(x) of an object the object holds: its class unknown)
                        raise self._read().error(
                            f"{self.__qualname__}() calls self.{sorted(self._held_callables)[0]}, which objects of "
                            f"the class hold, not the class: backgen reads what it is on the first object the "
                            f"method's backward is called on; call that first (model.{self.__name__}.backward(...))")
                    self._pending_method = False
                deep(lambda: self._setup(wrt), _origin(self._func))
                del self._pending

    def __getattr__(self, name):  # wrt, outputs, ...: known once the forward is read (_ready)
        if name in _READ_ATTRIBUTES and "_pending" in self.__dict__:
            self._ready()
        return object.__getattribute__(self, name)  # (a property's own AttributeError, with its message)

    def _read(self, args=None):
        """The forward as read; a method reading attributes of self as the function of them it is
        (those ``args`` give integers read as those numbers)."""
        with reading_for(self._self_class, self._held_described):
            forward = read(self._func)
        given = given_functions.functions_of(self._signature.parameters, args or ())
        entries = given_functions.entries_of(self._signature.parameters, args or ())  # (cfg["act"](h))
        if (given or entries) and not self._attributes:  # (f(x, W, np.tanh): read as def f(x, W, act=np.tanh))
            forward = given_functions.read_as_given(forward, self._func, given, entries)
        if self._free:
            return with_free_arrays(forward, self._free)
        if not self._attributes:
            return forward
        counts = {attr: int(value) for attr, value in zip(self._attributes, args or ())
                  if isinstance(value, (int, np.integer)) and not isinstance(value, bool)}
        counts.update({attr: value for attr, value in zip(self._attributes, args or ())
                       if isinstance(value, type) and value in (float, np.float64, np.float32, np.float16)})  # a dtype
        counts.update({attr: value for attr, value in zip(self._attributes, args or ())  # a setting (the code
                       if value is None or isinstance(value, (bool, str))})  # is kept per value: _shape_key)
        return methods.as_function(forward, self._attributes, counts)

    def _setup(self, wrt):
        forward = self._read()
        self._objects = dict(forward.attribute_params)  # parameters read by attribute (cfg.reg): their attributes
        if not self._attributes and not _is_method(self._func) and type(self) is Differentiable:
            self._free = free_arrays(self._func, forward)  # (inputs = np.load(...) at module level, read)
            if self._free:
                self._signature = signature_with(self._signature, self._free)
                forward = with_free_arrays(forward, self._free)
                self._objects = dict(forward.attribute_params)  # (data.X of a namespace of the module too)
        self._own_gradients = _own_gradients(forward)
        self._out_positions = _out_positions(forward)
        self._returns_tuple = _returns_tuple(forward)
        params = list(self._signature.parameters)
        self._inert = {}  # (names of integer arrays) -> those no output depends on through a gradient
        self._indices = _labels(forward, params)
        loaded = {node.id for node in walk(forward.func) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
        self._indices |= set(params) - loaded  # never read: integers given it are no more than labels
        self._arithmetic = shape_free.arithmetic_only(forward.func, params)
        self._compared = shape_free.compared_only(forward.func, params)
        self._counts = {n for n, kind in shape_free.uses(forward.func, params).items() if kind in ("count", "label")}
        self._counts |= _helper_counts(forward, params)
        self._counts |= forward.counted & set(params)  # (poisson.logpmf(y, mu): y the data's counts)
        self._items_read = _items_read(self._func, params)
        self._keyed = frozenset(structured.iterated(forward.func))  # (read by position: for u in d, a, b = d)
        self._subscripts = {node.slice.id for node in walk(forward.func)  # (W[idx]: idx the whole index)
                            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Name)}
        self._sequences = structured.read_as_sequences(forward.func)
        self._number_dicts = {n for n in params if structured.numbers_read_by_key(forward, n)}  # (read at keys)
        self._rounds = _rounds(forward.func)
        self._value_sized = value_sized.value_sizes(forward.func, set(params)) is not None  # (np.bincount(seg))
        try:  # (the def as written: Python's meaning, not backgen's reading of it)
            written = source_node(getattr(self._func, "__func__", self._func))
        except Exception:  # noqa: BLE001 -- read as the forward was: orders keyed
            written = None
        self._layout_free = written is not None and \
            not _order_matters(written, getattr(self._func, "__globals__", {}))
        specs = declared_shapes(forward, self._shapes)
        try:
            first = guarded(forward, lambda: stage(forward, wrt, specs))
        except BackgenError:
            # a dict read by key (settings at first sight) may hold arrays, a parameter called a function
            # (act(h): given_functions): known at the first call
            if not structured.candidates(forward.func) - (set(specs) - forward.settings) and \
                    not given_functions.called_params(forward.func):
                raise
            self._defer(forward, wrt)  # a parameter may be a list of arrays: known at the first call
            return
        params = list(self._signature.parameters)
        if wrt is None and _is_method(self._func) and not self._attributes and params[0] in first.wrt:  # self
            first = guarded(forward, lambda: stage(forward, [p for p in first.wrt if p != params[0]], specs))
        if wrt is None and set(self._free) & set(first.wrt):  # (the module's arrays: inputs, not differentiated)
            first = guarded(forward, lambda: stage(forward, [p for p in first.wrt if p not in self._free], specs))
        self.wrt = first.wrt
        defaults = {name: p.default for name, p in self._signature.parameters.items()}
        # c=1 given a float is differentiated: such parameters join wrt for the calls that give one
        self._int_defaults = () if wrt is not None else tuple(
            name for name in first.params
            if type(defaults.get(name)) is int and name not in first.wrt)
        self.outputs = len(first.outputs)
        counts = first.mode == "numpy" and any(specs[p].kind == "int" and not specs[p].dims  # k: int: the code
                                               for p in first.params if p in specs)  # is the value's
        if first.mode == "scalar" or all(p in specs and specs[p].dims != ANY_RANK for p in first.params) and not counts:
            self._fixed_globals = _global_values(self._func, self._free)
            try:
                self._latest = self._fixed = self._build(None)
            except BackgenError as exc:  # settings holding what samples lack (a dropout mask, dropout_param
                if SampleSettings.MISSING not in str(exc):  # ['mask']): each call's settings give it
                    raise
                self._fixed_globals = None

    def _defer(self, forward, wrt):
        """What is known before the first call: every parameter but flags is differentiated."""
        flags = {name for name, p in self._signature.parameters.items() if isinstance(p.default, (bool, str))}
        try:
            given = wrt_names(wrt) if wrt is not None else None
        except TypeError as exc:
            raise forward.error(str(exc)) from None
        self.wrt = given if wrt is not None else tuple(p for p in self._signature.parameters
                                                       if p not in flags and p not in self._free)
        self._int_defaults = ()
        top = [n.value for n in forward.func.body if isinstance(n, ast.Return) and n.value is not None]
        returns = top or [n.value for n in walk(forward.func) if isinstance(n, ast.Return) and n.value is not None]
        values = returns[0].elts if returns and isinstance(returns[0], ast.Tuple) else [None]
        self.outputs = output_roles(forward.func, values).count("out") if None not in values else 1  # (loss, grads): 1
        self._out_positions = _out_positions(forward)

    def __get__(self, instance, owner=None):
        """On a method, ``obj.method`` binds ``obj`` as the first argument, as a function does."""
        if instance is None:
            return self
        return BoundDifferentiable(self, instance)

    def _generate(self, args, wrt=None, layouts=()):
        """The generated program for these argument values and its module's text (``layouts``: which of
        them are arrays passed in C order, ``_layouts``)."""
        forward = self._read(args)
        wrt = wrt or self.wrt
        layouts = {name: "list" if laid == "list" else "c" for name, laid in zip(self._signature.parameters, layouts)
                   if laid}
        with recomputing(self._recompute):
            result = guarded(forward, lambda: program(forward, wrt, self._shapes, args, layouts=layouts))
        return result, emit.module_source([result], source_name=f"{result.main.forward_name}()")

    def _build(self, args, wrt=None, layouts=()):
        result, text = self._generate(args, wrt, layouts)
        namespace = _exec_module(text, f"<backgen: {result.main.name}>")
        return namespace[result.main.name], text, result

    def wrt_for(self, values):
        """``wrt``, with the parameters defaulting to an integer that this call gives a float; unless
        ``wrt`` was given, with those it gives dicts or lists of arrays, and without those it gives
        integer or boolean arrays (labels, masks) or strings (or lists of them), which carry no gradient, or,
        being attributes of
        self a method reads, anything but arrays (a model's settings)."""
        names = list(self._signature.parameters)
        given = {n for n, v in zip(names, values) if n in self._int_defaults and (
            isinstance(v, (float, np.floating)) or isinstance(v, np.ndarray) and v.dtype.kind == "f")}
        labels = set() if self._given_wrt is not None else {
            n for n, v in zip(names, values) if n in self.wrt and _no_gradient(
                v, n in self._indices or n in self._compared, n in self._arithmetic, n in self._counts)}
        arrays = set()  # a dict (or list) of arrays is not settings: its arrays are differentiated
        if self._given_wrt is None:
            arrays = {n for n, v in zip(names, values) if (structured.is_structured(v) or n in self._number_dicts
                      and structured.number_dict(v)) and n not in self._free}  # (params = {"k": 2.0} read at
            # its keys: numbers; DATA = {"X": X, "y": y} of the module, read as a parameter: never differentiated)
            labels |= {n for n, v in zip(names, values) if _settings_list(v) or _strings(v) or _lookup(v)}
            labels |= set(given_functions.functions_of(names, values))  # (act=np.tanh: the function called)
            labels |= {n for n, v in zip(names, values) if isinstance(v, dict) and n not in arrays and
                       not structured.is_structured(v) and structured.settings_name(n)}  # (cfg = {"reg": 0.1}
            # handed to a helper reading it at keys: settings, as where the function reads it itself)
            data = {n for n in arrays if _holds_integer_arrays(values[names.index(n)])}  # ({"X": X, "y": y})
            if data and any(n not in data | labels for n in self.wrt):
                labels |= data
                arrays -= data
            # (bn_params = [{"mode": ...}]; words = ["the", "cat"], text; vocab = {"the": 0}, ids)
            labels |= {n for n, v in zip(names[:len(self._attributes)], values)  # a model's settings
                       if not isinstance(v, np.ndarray) and n not in arrays       # (self.reg): no inputs
                       and not structured.holds_arrays(v)}  # (self.Ws, a list of arrays of one shape, is not)
            labels |= self._inert_arrays(tuple(  # (order = np.argsort(key), range(indptr[i], indptr[i + 1]))
                n for n, v in zip(names, values) if n in self.wrt and n not in labels and n not in arrays and
                isinstance(v, np.ndarray) and v.dtype.kind in "biu"), values)
        if not given and not labels and arrays <= set(self.wrt):
            return self.wrt
        return tuple(n for n in names if (n in self.wrt or n in given or n in arrays) and n not in labels)

    def _inert_arrays(self, names, values):
        """Those of ``names`` (parameters given integer or boolean arrays) no output depends on through an
        operation with a gradient, whatever they hold (``reverse.without_gradient``: keys of ``np.argsort`` or
        ``np.lexsort``, ``np.isin``'s or ``np.nonzero``'s operands, a CSR matrix's ``indptr`` read as bounds,
        ``r * 3 + c`` made an index): no more than labels; none where the forward is not staged as it is."""
        if not names:
            return set()
        key = names if not self._attributes else None  # (a method's forward is read for its attributes' values)
        inert = self._inert.get(key) if key is not None else None
        if inert is None:
            try:
                inert = frozenset(without_gradient(stage(self._read(values)), names))
            except Exception:  # noqa: BLE001 -- (a forward staged only as program reads it: none so known)
                inert = frozenset()
            if key is not None:
                self._inert[key] = inert
        return set(inert)

    def _entry(self, values, converted=()):
        """The generated code for these argument values (generated once per pattern of shapes);
        ``converted``: the places of lists of numbers given, made arrays.  One generation: the code
        for these values and the probes of the sizes it holds for read the forward once."""
        with _generation():
            return self._entry_in_generation(values, converted)

    def _entry_in_generation(self, values, converted):
        self._ready()
        self._refuse_complex(values)
        self._refuse_none_items(values)
        wrt = self.wrt_for(values)
        module = _global_values(self._func, self._free)  # (folded in as constants: code for other values is not
        # this call's; the arrays read as parameters are keyed by their shapes, as given values)
        if self._fixed is not None and wrt == self.wrt and not any(isinstance(v, np.ndarray) for v in values):
            if module != self._fixed_globals:
                self._fixed = deep(lambda: self._build(None), _origin(self._func))
                self._fixed_globals = module
            entry = self._fixed
        else:
            # the sizes too: a size made from the arrays' (x[1:] of 2 rows, np.split(x, 2) of 2 rows) may
            # be 1 at some sizes only, and broadcast or be squeezed there, which changes the code
            pattern = (wrt,) + tuple(map(_shape_key, values)) + (_size_order(values), tuple(map(_selected, values)),
                                                                 self._integers(values), self._numbers(values))
            pattern += (tuple(map(value_sized.extents, values)),) if self._value_sized else ()
            pattern += (module,) if module else ()
            layouts = _layouts(values, converted)  # (a reshape of a C-contiguous array is a view: code for these)
            pattern += (None if self._layout_free else layouts,)  # (where nothing is written, for any order)
            key = pattern + (tuple(map(_sizes, values)),)
            distinct = _distinct_sizes(values)
            entry = self._cache.get(key) or next(
                (e for fixed, e in self._general.get(pattern) or () if all(distinct[r] == v for r, v in fixed)), None)
            if entry is None:
                built = deep(lambda: self._build(values, wrt, layouts), _origin(self._func))
                # (the same code as for other sizes, as it mostly is: that function, kept once)
                entry = next((e for e in self._cache.values() if e[1] == built[1]), built)
                if self._general.get(pattern, ()) is not None:  # (None: its code holds for one set of sizes)
                    fixed = self._fixed_sizes(values, wrt, built, layouts)
                    self._general[pattern] = None if fixed is None else \
                        (self._general.get(pattern) or [])[-CACHE_SIZE + 1:] + [(fixed, entry)]
                    _bound(self._general)
            self._cache[key] = entry
            self._cache.move_to_end(key)
            _bound(self._cache)
        self._latest = entry
        return entry

    def _refuse_complex(self, values):
        """A BackgenError at the parameter given complex numbers (the rules are those of real arithmetic)."""
        for name, v in zip(self._signature.parameters, values):
            if complexes.complex_argument(v):
                forward = self._read()
                where = next((a for a in forward.func.args.args + forward.func.args.kwonlyargs if a.arg == name),
                             None)
                name = f"self.{name}" if name in self._attributes else name  # (a method's attribute read)
                parts = f" ({name}.real, {name}.imag)" if isinstance(v, (np.ndarray, complex)) else ""
                raise forward.error(f"{self.__name__}(): {name} is given complex numbers, and backgen differentiates "
                                    f"real arithmetic only: pass the real and imaginary parts as real arrays{parts}",
                                    where)

    def _refuse_none_items(self, values):
        """A BackgenError at the parameter given a list holding None whose items the forward's tests
        against None were decided from (``prev = y[t]``, then ``if prev is not None``: a value)."""
        forward = None
        for name, v in zip(self._signature.parameters, values):
            if isinstance(v, (list, tuple, dict)) and sentinels.holds_none(v):
                forward = forward or self._read()
                if name in getattr(forward.func, "none_items", ()):
                    where = next((a for a in forward.func.args.args if a.arg == name), None)
                    raise forward.error(f"{self.__name__}(): {name} is given a list holding None, and backgen "
                                        f"decides the function's tests against None taking its items for values: "
                                        f"mark what is missing otherwise (-1), or test it where it is read "
                                        f"({name}[t] is not None)", where)

    def _integers(self, values):
        """The numbers of the integer arrays the forward does not index with (``x.reshape(shape)``,
        ``shape`` given as a tuple: the code for (3, 2) is not that for (6, 1)); labels' are left out."""
        return tuple((v.shape, v.tobytes()) if isinstance(v, np.ndarray) and v.dtype.kind in "iu"
                     and name not in self._indices else None for name, v in zip(self._signature.parameters, values))

    def _numbers(self, values):
        """The numbers given, where the forward makes integers of numbers: ``x.reshape(int(s), -1)``
        and ``x[:int(s)]`` are of other shapes at s = 1.5 than at 2.5, as ``np.arange(s)`` is (one
        item at s = 0.5, three at 2.5)."""
        return tuple(float(v) if self._rounds and isinstance(v, (float, np.floating)) else None for v in values)

    def _fixed_sizes(self, values, wrt, entry, layouts=()):
        """The sizes the code ``entry`` written for these values holds for: ``((rank, size), ...)``, the
        sizes it needs as they are (by their rank among the distinct sizes above 1), every other size
        of the pattern being free; None where it holds for these sizes only.  The code holds for other
        sizes where it makes no size of its own from the arrays' (``_makes_sizes``) and, generated again
        with sizes moved up, is the same text: all of them moved up by 3 (their differences kept), and
        then, if the least sizes in the same order fit the values (labels of 10 classes do not fit 3),
        there too; else each size alone (a batch size is free where a layer's sizes are tied to one
        another: a weight of 6 rows for x of (N, 2, 3) flattened).  Code leaving out a loop these sizes make
        run no iteration (``for i in range(N - 9)``, ``range(10, len(x))``), or a branch NumPy raises on at
        these sizes (``if len(x) > 10: ... x[10]``), holds for these sizes only: the probes may miss the sizes
        where it runs."""
        if _makes_sizes(entry[1]) or entry[2].main.unrun or entry[2].main.left_out:
            return None
        distinct = _distinct_sizes(values)
        if not distinct:
            return ()
        if self._same_code(_resized_all(values, lambda d: d + 3), wrt, entry, layouts):
            least = {d: i + 2 for i, d in enumerate(distinct)}
            if any(least[d] != d for d in distinct) and \
                    self._same_code(_resized_all(values, least.__getitem__), wrt, entry, layouts) is False:
                return None
            return ()
        fixed = []
        for rank, size in enumerate(distinct):
            moved = next(size + step for step in range(3, 3 + len(distinct) + 1) if size + step not in distinct)
            if not self._same_code(_resized_all(values, lambda d: moved if d == size else d), wrt, entry, layouts):
                fixed.append((rank, size))
        return None if len(fixed) == len(distinct) else tuple(fixed)

    def _same_code(self, probe, wrt, entry, layouts=()):
        """Whether the code generated for the values ``probe`` (laid out as ``layouts`` says) is
        ``entry``'s: True, False, or None where the forward or its generation fails on them."""
        try:
            with warnings.catch_warnings():  # (of values nobody gave)
                warnings.simplefilter("ignore")
                _, text = deep(lambda: self._generate(probe, wrt, layouts), _origin(self._func))
        except Exception:  # noqa: BLE001 (any failure on sizes nobody asked for)
            return None
        return _without_left_out(text) == _without_left_out(entry[1])

    def _first_object(self, args):
        """A method calling the object's own methods, decorated in its class body, reads them at its first
        call on the class of that object (``args[0]``): a subclass's overriding them are those it calls."""
        if not args or not self.__dict__.get("_pending_method"):
            return
        with self._setup_lock:
            if self.__dict__.get("_pending_method"):
                self._self_class = type(args[0])
                self._held_described = held_objects.described(args[0])
                deep(self._method_attributes, _origin(self._func))
                self._pending_method = False

    def _bind(self, args, kwargs, backward=False):
        self._first_object(args)
        for name, member in self._own_methods.items() if args else ():
            if inspect.getattr_static(args[0], name, None) is not member:  # (a subclass's, the object's own)
                read_on = self._self_class.__name__ if self._self_class else self.__qualname__.rpartition(".")[0]
                raise self._read().error(
                    f"{self.__qualname__}() calls self.{name}(), which backgen read as {read_on}'s {name}; "
                    f"{type(args[0]).__name__} objects (or this one) hold another {name}: backgen reads the "
                    f"methods it calls once, on the class of the object it is first called on; decorate a method "
                    f"of {type(args[0]).__name__}'s own for these")
        problem = held_objects.mismatch(args[0], self._held_used, self._held_described, self._attributes) \
            if self._held_used and args else None
        if problem:  # (the objects this one holds are not those the backward was written for)
            raise self._read().error(f"{self.__qualname__}() {problem}")
        self._ready()  # (a method calling the object's own: its attributes known once its class is)
        if self._attributes and args:  # (the object, then the method's arguments)
            args = methods.arguments(args, self._attributes)
        try:
            bound = self._call_signature.bind(*args, **kwargs)
        except TypeError as exc:
            upstream = "dout" in self._signature.parameters and "dout" not in kwargs
            hint = (f" ({self.__name__}() has a parameter named dout: pass it by position, as dout= "
                    "is the upstream gradient)" if upstream else "")
            if backward and not hint and "too many positional" in str(exc):  # (f.backward(x, w, dout), as a
                # generated backward is called)
                hint = f" (the upstream gradient is passed by keyword: {self.__name__}.backward(..., dout=...))"
            raise TypeError(f"{self.__name__}(): {exc}{hint}") from None
        bound.apply_defaults()
        for name, (attributes, required) in self._objects.items():  # (cfg.reg of a dataclass: what is read)
            if name in self._free:  # (data.X of a namespace of the module: its value now, below)
                continue
            bound.arguments[name] = attribute_reads.view(bound.arguments[name], attributes, required, self.__name__)
        if self._free:  # the module's (or closure's) arrays as they are now, in their places
            now = values_now(self._func, self._free, lambda message: self._read().error(message))
            now = {name: attribute_reads.view(value, *self._objects[name], self.__name__) if name in self._objects
                   else value for name, value in now.items()}  # (an object of the module read by attribute)
            return tuple(now[name] if name in now else bound.arguments[name] for name in self._signature.parameters)
        return tuple(bound.arguments[name] for name in self._signature.parameters)  # (keyword-only ones last, as
        # the backward takes them; what *args and **kwargs the body never reads gather, left out)

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)

    @public
    def backward(self, *args, dout=UNSET, **kwargs):
        """The gradient with respect to ``wrt``, times the upstream gradient ``dout``.

        ``dout`` is 1.0 if not given for a function returning a number; for
        one returning an array it is an array of the output's shape (a list
        of its values is read as that array, an integer as a float).  For a
        function returning a tuple, ``dout`` is a tuple with one upstream
        gradient per output (None for an output whose gradient is zero).
        """
        given = self._bind(args, kwargs, backward=True)  # (read, where the decorator left it for the first call)
        for name, v in zip(self._signature.parameters, given):
            if isinstance(v, tuple) and _int_sequence(v) and name in self._indices and name not in self._subscripts \
                    and name not in self._items_read:  # (for t in tokens: E[t], an item the index)
                raise self._read().error(
                    f"{self.__name__}(): {name} is given a tuple of integers, which NumPy reads as an index of "
                    f"several axes where it is the whole index (W[(0, 1)] is W[0, 1]) and as an array of indices "
                    f"elsewhere ({name} here): pass a list or an array")
        for name, v in zip(self._signature.parameters, given):
            if isinstance(v, dict) and name in self._keyed and not structured.is_structured(v):
                forward = self._read()
                raise forward.error(
                    f"{self.__name__}(): {name} is given a dict, whose loop takes its keys (and {name}[k] its "
                    f"values by key), where backgen reads {name} by position, as a list: pass "
                    f"list({name}.items()) and loop over that", _iteration(forward.func, name))
        numbers = {k for k, (name, v) in enumerate(zip(self._signature.parameters, given))
                   if name in self._sequences and _number_list(v) and not self._sizing(name, v)}  # [0.5, -1.0]:
        # as its array
        values = tuple(np.asarray(v) if k in numbers else v for k, v in enumerate(given))
        if self.outputs == 1 and self._own_gradients and isinstance(dout, (tuple, list)):
            kept, own = self._own_gradients
            raise TypeError(f"{self.__name__} returns {', '.join(own)} beside {kept}: backgen takes "
                            f"{' and '.join(own)} for {self.__name__}'s own gradient (as a loss returns loss, dx) "
                            f"or for values it reports in a dict, not differentiated, and differentiates {kept} "
                            f"alone: pass dout as one upstream gradient, not a tuple")
        if self.outputs == 1 and self._returns_tuple and isinstance(dout, tuple) and len(dout) > 1 and \
                any(d is None for d in dout):  # (out, cache): dout=(dout, None), the cache's None
            raise TypeError(f"{self.__name__} returns a tuple of which backgen differentiates the first value "
                            f"alone (the rest taken for a cache or for its own gradients): dout is that value's "
                            f"upstream gradient, not a tuple")
        if self.outputs > 1:
            if not isinstance(dout, (tuple, list)) or len(dout) != self.outputs:
                self._entry(values, numbers)  # (a function whose returns give other numbers of values: refused first)
                raise TypeError(f"{self.__name__} returns {self.outputs} values: pass dout as a tuple of "
                                f"{self.outputs} upstream gradients (None for unused outputs)")
            douts = tuple(dout)
        else:
            douts = (dout,)
        entry = self._entry(values, numbers)
        lists = {k for k, (name, v) in enumerate(zip(self._signature.parameters, values))
                 if k not in numbers and (_number_list(v) or structured.number_table(v)) and
                 not self._sizing(name, v)} \
            if entry[2].main.mode == "numpy" else ()
        if lists:  # a list of numbers NumPy code reads (x * w, w a list): staged as given, Python's + and * on
            # lists refused there, then given to the code written for it as its array (w * dout repeated the list)
            entry = self._entry(values, numbers | lists)
            values = tuple(np.asarray(v) if k in lists else v for k, v in enumerate(values))
            numbers = numbers | lists
        if dout is UNSET:
            if not entry[2].main.scalar_output and not self._number_output(values):
                raise TypeError(self._needs_dout(values))
            douts = (1.0,)  # (a loss: a number on these values, if an array on another path, if y is None)
        elif self.outputs == 1 and entry[2].main.mode == "numpy" and not entry[2].main.scalar_output and \
                not self._returns_tuple and (isinstance(dout, (int, float, np.number)) and not isinstance(dout, bool)
                                             or isinstance(dout, np.ndarray) and dout.ndim == 0) \
                and self._array_output(values):  # (the code for these shapes reads dout's axes; a 0-d array too)
            raise TypeError(self._needs_dout(values, given=dout))
        elif entry[2].main.mode == "scalar" and entry[2].main.scalar_output:
            self._number_douts(values, douts)
        if dout is None or isinstance(dout, (str, bytes, dict)):  # (None is an unused output's, in a tuple)
            raise TypeError(f"{self.__name__}.backward(...): dout is the upstream gradient, "
                            f"{'a tuple of them, one per output' if self.outputs > 1 else 'a number or an array'}"
                            f", not {type(dout).__name__}")
        if self.outputs == 1 and isinstance(dout, (tuple, list)) and entry[2].main.mode == "numpy":
            try:  # (an array's values written out are an array; values of several shapes are none)
                np.asarray(dout, dtype=float)
            except (TypeError, ValueError):
                also = (" (it returns a tuple of which backgen differentiates the first value alone, the rest "
                        "taken for a cache or for its own gradients)") if self._returns_tuple else ""
                raise TypeError(f"{self.__name__}.backward(...): dout is one upstream gradient, an array of the "
                                f"output's shape{also}, not a {type(dout).__name__} of values of several "
                                f"shapes") from None
        if entry[2].main.mode == "numpy":
            douts = self._array_douts(values, douts, entry[2].main.scalar_output)
        try:
            grads = entry[0](*values, *douts)
        except ValueError:  # (operands could not be broadcast: an upstream gradient of another shape, said so)
            self._douts_fit(values, douts)
            raise
        except ZeroDivisionError:  # a Python number divided by a size of 0 (dout / N, N = 0), where the
            # forward's NumPy arithmetic gave inf or nan: no gradient (the weights' would be their other terms')
            empty = [(n, v.shape) for n, v in zip(self._signature.parameters, values)
                     if isinstance(v, np.ndarray) and v.size == 0]
            if not empty:
                raise
            raise ValueError(f"{self.__name__}.backward(...): {empty[0][0]} has no elements (shape {empty[0][1]}) and "
                             f"the backward divides by a size of 0 as the forward does, whose value is then inf or "
                             f"nan, with no gradient: pass arrays of at least one row") from None
        wrt = entry[2].main.wrt  # the gradient of a list comes back as a list (a tuple as a tuple)
        positions = [list(self._signature.parameters).index(name) for name in wrt]
        many = len(wrt) > 1
        self._same_shapes(wrt, [values[k] for k in positions], grads if many else (grads,), douts)
        if entry[2].main.mode == "numpy" and any(isinstance(d, np.ndarray) and d.ndim for d in douts):
            self._douts_shaped(values, douts)  # (the gradients of their shapes, a dout of another shape)
        if not numbers:
            return grads
        grads = tuple(type(given[k])(np.asarray(g).tolist()) if k in numbers else g
                      for k, g in zip(positions, grads if many else (grads,)))
        return grads if many else grads[0]

    def _array_douts(self, values, douts, scalar_output=False):
        """The upstream gradients as the NumPy code generated reads them: an integer one a float (``dout=2``
        is 2.0: an integer array's ``+=`` of floats fails), a list or tuple of numbers the array of them (of
        one output; a tuple of several is one per output), a number given for an array of one number that
        array (the code reads its axes); a number given for an output that is an array of more than one
        number refused.  Whether an output is a number is known once per set of the arguments' shapes
        (``_known_shapes``); an array's shape is confirmed on these values."""
        fitted = []
        for k, d in enumerate(douts):
            if isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)):
                d = float(d)
            elif isinstance(d, np.ndarray) and d.dtype.kind in "biu":
                d = d.astype(float)
            elif isinstance(d, (list, tuple)) and len(douts) == 1:
                d = np.asarray(d, dtype=float)  # (values of several shapes are refused before)
            if (isinstance(d, (float, np.floating)) or isinstance(d, np.ndarray) and d.ndim == 0) and \
                    not (scalar_output and len(douts) == 1) and \
                    k < len(self._known_shapes(values)) and self._known_shapes(values)[k] is not None:
                shapes = self._shapes_out(values)  # (of these values: x[x > 0] may have another length)
                shape = shapes[k] if k < len(shapes) else None
                if shape is not None and math.prod(shape) != 1:
                    which = f"dout[{k}]" if len(douts) > 1 else "dout"
                    raise TypeError(f"{self.__name__} returns an array of shape {shape} as its "
                                    f"{'output ' + str(k) if len(douts) > 1 else 'first value'}, so {which}, its "
                                    f"upstream gradient, is an array of that shape, not the number {d!r} (np.ones "
                                    f"of that shape for the gradient of the sum)")
                if shape:  # (an array of one number: dout.sum(axis=0) of its axes)
                    d = np.full(shape, d)
            fitted.append(d)
        return tuple(fitted)

    def _same_shapes(self, wrt, values, grads, douts):
        """Refuse a gradient of another shape than its array's: an upstream gradient of more axes than the
        output broadcasts through the backward (``np.tanh(x)`` given ``dout`` of shape (2, N, D)); and an array
        for the gradient of a number: an array ``dout`` for a number's output, or a list given code written
        for numbers (``x * (1 - p)``, x a list, p's gradient ``x * dout`` an array)."""
        for name, value, grad in zip(wrt, values, grads):
            if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and np.ndim(grad):
                lists = [n for n, v in zip(self._signature.parameters, values) if isinstance(v, (list, tuple))]
                if lists:  # (code for numbers given a list: x * dout an array, the forward's x * 0.5 an error)
                    raise TypeError(f"{self.__name__}.backward(...): {lists[0]} is given a "
                                    f"{type(values[list(self._signature.parameters).index(lists[0])]).__name__}, "
                                    f"which {self.__name__} computes with as a number (the gradient of the number "
                                    f"{name} came out an array): pass a number, or an array, np.asarray({lists[0]})")
                given = ", ".join(str(np.shape(d)) for d in douts)
                raise TypeError(f"{self.__name__}.backward(...): the gradient of the number {name} came out of shape "
                                f"{np.shape(grad)}: dout (of shape {given}) is the upstream gradient, of the output's "
                                f"shape")
            if isinstance(value, np.ndarray) and isinstance(grad, np.ndarray) and grad.shape != value.shape:
                given = ", ".join(str(np.shape(d)) for d in douts)
                raise TypeError(f"{self.__name__}.backward(...): the gradient of {name} came out of shape "
                                f"{grad.shape}, not {name}'s {value.shape}: dout (of shape {given}) is the upstream "
                                f"gradient, of the output's shape")

    def _sizing(self, name, value):
        """Whether ``value``, given for the parameter ``name``, is integers the forward indexes or sizes
        with (``W[idx]``, ``x.reshape(shape)``): passed as given (``W[(0, 1)]`` is ``W[0, 1]``, not rows 0
        and 1), carrying no gradient (``wrt_for``)."""
        return _int_sequence(value) and (name in self._indices or name in self._counts)  # (a tuple an array
        # would index otherwise is refused: backward)

    def _number_douts(self, values, douts):
        """Refuse an upstream gradient that is no number for an output that is one (plain Python: a
        list's ``2 * dout`` repeats it; None or a string raise inside the generated code)."""
        outputs = None
        for k, value in enumerate(douts):
            if not (value is None and len(douts) == 1 or isinstance(value, (list, tuple, str, bytes, dict))):
                continue
            if len(douts) > 1 and isinstance(value, (list, tuple)):  # the gradient of a list the function
                if outputs is None:  # returns beside its numbers is a list
                    try:
                        outputs = self._func(*values)
                    except Exception:  # noqa: BLE001 -- the forward fails on these values: not decided here
                        return
                if not isinstance(outputs, tuple) or len(outputs) != len(douts) or \
                        isinstance(outputs[k], (list, tuple)):
                    continue
            where = f"dout[{k}]" if len(douts) > 1 else "dout"
            if len(douts) == 1 and self._returns_tuple:
                raise TypeError(f"{self.__name__} returns a tuple of which backgen differentiates the first value "
                                f"alone (the rest taken for a cache or for its own gradients): dout is that "
                                f"value's upstream gradient, a number, not {type(value).__name__}")
            raise TypeError(f"{self.__name__} returns {'numbers' if len(douts) > 1 else 'a number'}"
                            f"{' there' if len(douts) > 1 else ''}: {where} is its upstream gradient, a number, "
                            f"not {type(value).__name__}")

    def _douts_shaped(self, values, douts):
        """Refuse upstream gradients of other shapes than the outputs (``_douts_fit``) where the code might
        not fail on them (a loop reading ``dout[i]`` of the first items of a longer one): the outputs' shapes
        are known once per set of the arguments' shapes (the forward run once on copies, NumPy's and Python's
        random states left as they were), and confirmed on these values where a dout differs."""
        shapes = self._known_shapes(values)
        if any(isinstance(d, np.ndarray) and d.ndim and s is not None and d.shape != s
               for d, s in zip(douts, shapes)):
            self._douts_fit(values, douts)

    def _known_shapes(self, values):
        """The outputs' shapes (``_shapes_out``) as known for the shapes of ``values`` (and their integers,
        flags and strings), found once for each set of them."""
        key = tuple(("array", v.shape) if isinstance(v, np.ndarray) else v if isinstance(v, (bool, int, str)) or
                    v is None else type(v).__name__ for v in values)
        shapes = self._output_shapes.get(key)
        if shapes is None:
            shapes = self._output_shapes[key] = self._shapes_out(values)
            _bound(self._output_shapes)
        return shapes

    def _shapes_out(self, values):
        """The shapes of the outputs the forward gives on copies of ``values`` (None for one not an array,
        and for all where the forward fails on them)."""
        state, python_state = np.random.get_state(), random.getstate()
        try:
            outputs = self._func(*tree_copy(values))
        except Exception:  # noqa: BLE001 -- the forward fails on these values: nothing known
            return ()
        finally:
            np.random.set_state(state)
            random.setstate(python_state)
        positions = self.__dict__.get("_out_positions")
        if self.outputs > 1 and positions and len(positions) == self.outputs and isinstance(outputs, tuple) \
                and len(outputs) > self.outputs:  # (loss, dW, ..., h): the outputs differentiated, in order
            outputs = tuple(outputs[k] for k in positions if k < len(outputs))
        outputs = outputs if self.outputs > 1 else outputs[:1] if self._returns_tuple and \
            isinstance(outputs, tuple) else (outputs,)
        return tuple(o.shape if isinstance(o, np.ndarray) else None for o in outputs) \
            if isinstance(outputs, tuple) else ()

    def _douts_fit(self, values, douts):
        """Refuse upstream gradients of other shapes than the outputs the forward gives on copies of
        ``values`` (where the generated backward raised on them, or ``_douts_shaped`` found them so)."""
        for k, (shape, dout) in enumerate(zip(self._shapes_out(values), douts)):
            if dout is not None and shape is not None and np.shape(dout) not in (shape, ()):
                which = f"dout[{k}]" if self.outputs > 1 else "dout"
                raise TypeError(f"{self.__name__}.backward(...): {which} has shape {np.shape(dout)}, where "
                                f"{self.__name__} returns an array of shape {shape}: {which} is the upstream "
                                f"gradient of that output, of its shape") from None

    def _array_output(self, values):
        """Whether the forward, run on copies of ``values``, gives an array of more than one number."""
        try:
            return np.size(self._func(*tree_copy(values))) != 1
        except Exception:  # noqa: BLE001 -- the forward fails on these values: not decided here
            return False

    def _number_output(self, values):
        """Whether the forward, run on copies of ``values``, gives one number (a float, a NumPy number or a
        0-d array), not a tuple or list: its upstream gradient is then 1.0 unless given."""
        if self.outputs != 1 or self._returns_tuple:
            return False
        try:
            output = self._func(*tree_copy(values))
        except Exception:  # noqa: BLE001 -- the forward fails on these values: not decided here
            return False
        return isinstance(output, (int, float, np.number)) and not isinstance(output, bool) or \
            isinstance(output, np.ndarray) and output.ndim == 0

    def _needs_dout(self, values, given=None):
        """Why dout must be given (``given``: the number given for an array output)."""
        name = self.__name__
        try:
            output = self._func(*values)
            shape = f"shape {np.shape(output)}"
        except Exception:  # the forward fails on these values: say so without the shape
            output, shape = None, "the output's shape"
        if isinstance(output, list):
            return (f"{name} returns a list, so {name}.backward(...) needs its upstream gradient: pass dout=, a "
                    f"list of {len(output)} upstream gradients, one per item")
        if given is not None:
            return (f"{name} returns an array, so dout, its upstream gradient, is an array of {shape}, not the "
                    f"{'0-d array' if isinstance(given, np.ndarray) else 'number'} {given!r} (np.ones of that "
                    f"shape for the gradient of the sum)")
        return (f"{name} returns an array, so {name}.backward(...) needs its upstream gradient: pass dout=, "
                f"an array of {shape} (np.ones of that shape for the gradient of the sum)")

    @property
    def backward_function(self):
        """The generated backward itself (for NumPy code, of the latest shapes seen).

        Its source is readable, so backgen can differentiate it again:
        ``backgen.backward(f.backward_function)`` gives Hessian-vector products.
        """
        self.backward_source  # the same error when nothing was generated yet
        return self._latest[0]

    def _repr_markdown_(self):
        """In Jupyter: the generated backward, as Python code."""
        try:
            text = self.backward_source
        except AttributeError as exc:
            return f"`{self.__name__}` (backgen): {exc}"
        return f"```python\n{text.rstrip()}\n```"

    def _repr_html_(self):
        """In Jupyter: the generated backward, syntax-highlighted."""
        import html  # noqa: PLC0415 -- only notebooks display

        from .page import highlighted_html  # noqa: PLC0415

        try:
            text = self.backward_source
        except AttributeError as exc:
            return f"<p><code>{html.escape(self.__name__)}</code> (backgen): {html.escape(str(exc))}</p>"
        return highlighted_html(text)

    @property
    def backward_source(self):
        """The generated source (for NumPy code, of the latest shapes seen)."""
        self._ready()
        if self._latest is None:
            raise AttributeError(
                f"the backward of {self.__name__} is generated for the shapes of its inputs: call "
                f"{self.__name__}.backward(...) once, or declare the shapes")
        return Source(self._latest[1])


def _spelled_signature(func):
    """``inspect.signature(func)``, a ``*args`` the body only unpacks whole into names spelled out as the
    parameters its forward is read with (``varargs.spelled_out``), a ``**kwargs`` read by ``kwargs.get(key,
    default)`` alone as keyword parameters (``keyword_reads``)."""
    sig = inspect.signature(func)
    kinds = {p.kind for p in sig.parameters.values()}
    if inspect.Parameter.VAR_POSITIONAL not in kinds and inspect.Parameter.VAR_KEYWORD not in kinds:
        return sig
    try:
        node = source_node(getattr(func, "__func__", func))
    except Exception:  # noqa: BLE001 -- no source: read (and refused) as it is
        return sig
    if not isinstance(node, ast.FunctionDef):
        return sig
    if inspect.Parameter.VAR_KEYWORD in kinds and keyword_reads.spelled_out(node := tree_copy(node)):  # (.get)
        params = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
        for arg, default in zip(node.args.kwonlyargs[-len(node.args.kw_defaults):], node.args.kw_defaults):
            if arg.arg not in sig.parameters:  # (its default as the forward reads it: a number written out)
                try:
                    value = ast.literal_eval(default)
                except ValueError:
                    return sig  # (a default of names: read, and refused, as it is)
                params.append(inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default=value))
        sig = sig.replace(parameters=params)
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        return sig
    return varargs.signature(sig, node)


class Source(str):
    """Generated source: a plain ``str``, shown in Jupyter as highlighted Python."""

    def _repr_markdown_(self):
        return f"```python\n{self.rstrip()}\n```"

    def _repr_html_(self):
        from .page import highlighted_html  # noqa: PLC0415 -- only notebooks display

        return highlighted_html(str(self))


def _helper_counts(forward, names, seen=()):
    """Those of ``names`` (parameters ``forward`` never binds again) it passes, as they are, to a helper
    of its own that uses them as counts or indices (``pick(x, k)``, ``return h[k]`` there): integers
    given them carry no gradient, as in the forward's own ``x[k]``."""
    rebound = {node.id for node in walk(forward.func) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    names = set(names) - rebound
    found = set()
    for node in walk(forward.func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers
                and node.func.id not in seen) or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        passed = {k: a.id for k, a in enumerate(node.args) if isinstance(a, ast.Name) and a.id in names}
        named = {k.arg: k.value.id for k in node.keywords if k.arg and isinstance(k.value, ast.Name) and k.value.id in names}
        if not passed and not named:
            continue
        try:
            helper = read_helper(forward, node.func.id)
        except Exception:  # noqa: BLE001 (a helper backgen cannot read: refused where it is staged)
            continue
        params = [a.arg for a in helper.func.args.args]
        given = {params[k]: name for k, name in passed.items() if k < len(params)}
        given.update({p: name for p, name in named.items() if p in params})
        kinds = shape_free.uses(helper.func, list(given))
        counted = {p for p, kind in kinds.items() if kind in ("count", "label")} | _indexes_with(helper.func, given)
        counted |= _helper_counts(helper, list(given), seen + (node.func.id,))
        found |= {given[p] for p in counted if p in given}
    return found


def _indexes_with(func, names):
    """Those of ``names`` (parameters ``func`` never binds again) it indexes or slices with as they are
    (``h[k]``, ``h[:, k]``, ``h[:k]``) or counts with (``range(k)``), tests of them aside."""
    rebound = {node.id for node in walk(func) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    names = set(names) - rebound
    found = set()
    for node in walk(func):
        parts = []
        if isinstance(node, ast.Subscript):
            index = node.slice
            parts = index.elts if isinstance(index, ast.Tuple) else [index]
            parts = [b for part in parts for b in ((part.lower, part.upper) if isinstance(part, ast.Slice) else (part,))]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
            parts = node.args
        found |= {part.id for part in parts if isinstance(part, ast.Name) and part.id in names}
    return found


def _returns_tuple(forward):
    """Whether the forward's first ``return`` gives a tuple written out (``return out, cache``)."""
    func = forward.func
    top = [n.value for n in func.body if isinstance(n, ast.Return) and n.value is not None]
    returns = top or [n.value for n in walk(func) if isinstance(n, ast.Return) and n.value is not None]
    return bool(returns) and isinstance(returns[0], ast.Tuple)


def _out_positions(forward):
    """The places, in the tuple the forward returns, of the values it differentiates (``return loss, dWxh,
    ..., hs[T - 1]``: 0 and the last, the gradients between its own), or () where it returns no tuple."""
    func = forward.func
    top = [n.value for n in func.body if isinstance(n, ast.Return) and n.value is not None]
    returns = top or [n.value for n in walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if not returns or not isinstance(returns[0], ast.Tuple):
        return ()
    return tuple(k for k, role in enumerate(output_roles(func, returns[0].elts)) if role == "out")


def _own_gradients(forward):
    """``(the value differentiated, as written; names)`` of the values the forward returns beside it
    that backgen takes for its own gradients and does not differentiate (``return loss, dx``), or ()."""
    func = forward.func
    top = [n.value for n in func.body if isinstance(n, ast.Return) and n.value is not None]
    returns = top or [n.value for n in walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if not returns or not isinstance(returns[0], ast.Tuple):
        return ()
    values = returns[0].elts
    roles = output_roles(func, values)
    if "gradient" not in roles or roles.count("out") != 1:
        return ()
    return source.to_source(values[roles.index("out")]), [source.to_source(v) for v, role in zip(values, roles)
                                                          if role == "gradient"]


def _replaced(sequence, k, value):
    items = list(sequence)
    items[k] = value
    return _rebuilt(sequence, items)


def _rebuilt(sequence, items):
    """A list or tuple of the kind of ``sequence`` holding ``items`` (a named tuple's class takes its
    fields one by one, not an iterable of them)."""
    if isinstance(sequence, tuple) and hasattr(type(sequence), "_make"):
        return type(sequence)._make(items)
    return type(sequence)(items)


class _MethodAsFunction:
    """A decorated method reading attributes of self, seen by ``gradcheck`` as the function of them
    it is: called with the attributes' values first, on a copy of the object holding them."""

    def __init__(self, owner, instance):
        self._owner, self._instance = owner, instance
        self.__signature__ = owner._signature
        self.__name__ = owner.__name__

    def __call__(self, *values, **named):
        bound = self._owner._signature.bind(*values, **named)
        bound.apply_defaults()
        return self._owner._func(*self._method_arguments(bound.args))

    def backward(self, *values, dout=UNSET):
        return self._owner.backward(*self._method_arguments(values), dout=dout)

    def _method_arguments(self, values):
        """``(obj, *rest)``: a copy of the object holding the attributes' values, then the rest."""
        clone = copy.copy(self._instance)
        attributes = self._owner._attributes
        for attribute, value in zip(attributes, values):
            if "." in attribute:  # (fc1.W: of a copy of the object it holds too)
                clone = held_objects.with_value_at(clone, attribute, value)
            else:
                setattr(clone, attribute, value)
        return (clone,) + tuple(values[len(attributes):])

    def wrt_for(self, values):
        return self._owner.wrt_for(values)

    @property
    def outputs(self):
        return self._owner.outputs


class BoundDifferentiable:
    """A decorated method of an object: ``obj.method(x)`` and ``obj.method.backward(x)``."""

    def __init__(self, owner, instance):
        self._owner = owner
        self.__self__ = instance
        self.__wrapped__ = types.MethodType(owner._func, instance)
        self.__name__ = owner.__name__
        self.__qualname__ = owner.__qualname__
        self.__doc__ = owner.__doc__

    def __call__(self, *args, **kwargs):
        return self._owner._func(self.__self__, *args, **kwargs)

    def backward(self, *args, **kwargs):
        return self._owner.backward(self.__self__, *args, **kwargs)

    def __getattr__(self, name):  # wrt, backward_source, backward_function, ...
        return getattr(self._owner, name)

    def __repr__(self):
        return f"<bound backgen method {self.__qualname__} of {self.__self__!r}>"


class PartialDifferentiable:
    """A ``functools.partial`` of a function, decorated: ``backgen.backward(partial(loss, X=X, y=y))``.

    The function itself is decorated, and each call gives it the values the partial binds (its
    positional ones first, its keywords) beside those given; the gradient is with respect to the
    parameters the partial leaves to the call (``wrt`` among those, or those of them differentiated
    by default), the values it binds being the call's as any argument is."""

    def __init__(self, partial, wrt=None, shapes=None, recompute=False):
        functools.update_wrapper(self, partial.func)
        self._partial = partial
        params = list(inspect.signature(partial.func).parameters)
        self._bound = set(params[:len(partial.args)]) | set(partial.keywords)
        made = Differentiable(partial.func, wrt=wrt, shapes=shapes, recompute=recompute)
        if wrt is None and self._bound & set(made.wrt):
            left = [name for name in made.wrt if name not in self._bound]
            if not left:
                raise TypeError(f"backgen.backward of a partial of {partial.func.__name__}(): the partial binds every "
                                f"parameter it differentiates ({', '.join(made.wrt)}); decorate the def instead")
            made = Differentiable(partial.func, wrt=left, shapes=shapes, recompute=recompute)
        self._made = made

    def __call__(self, *args, **kwargs):
        return self._partial(*args, **kwargs)

    def backward(self, *args, **kwargs):
        return self._made.backward(*self._partial.args, *args, **{**self._partial.keywords, **kwargs})

    def __getattr__(self, name):  # wrt, backward_source, backward_function, ...
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.__dict__["_made"], name)

    def __repr__(self):
        return f"<backgen partial of {self._partial.func.__qualname__}>"


def _read_on_object(func):
    """Whether a method calls the object's own methods (``self._sigmoid(z)``) while its class is not bound
    yet (decorated in the class body), or reads what the object may hold as objects (``for layer in
    self.layers``, ``self.fc1.W``: ``held_objects.reads_held``), which no class says: what it calls is found
    on the object at the first call."""
    try:
        node = source_node(getattr(func, "__func__", func))
    except Exception:  # noqa: BLE001 -- no source: said as the forward is read
        return False
    unbound = owner_class(getattr(func, "__func__", func)) is None
    return bool(self_calls(node)) and unbound or held_objects.reads_held(node)


def _classes_unbound(func):
    """Whether ``func`` reads an attribute of a name its module does not bind yet (``Layer.SCALE`` in a
    method of ``Layer`` decorated in its class body): read at the first call, the class bound then."""
    func = getattr(func, "__func__", func)
    try:
        node = source_node(func)
    except Exception:  # noqa: BLE001 -- no source: said as the forward is read
        return False
    bound = {n.id for n in walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(node) if isinstance(a, ast.arg)}
    return any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id not in bound and
               n.value.id not in func.__globals__ and not hasattr(builtins, n.value.id) for n in walk(node))


def _is_method(func):
    """Whether ``func`` is defined in a class body with a first parameter ``self`` or ``cls``."""
    owner, _, _ = func.__qualname__.rpartition(".")
    params = list(inspect.signature(func).parameters)
    return bool(owner) and not owner.endswith("<locals>") and params[:1] in (["self"], ["cls"])


class Layer(Differentiable):
    """A forward function in the CS231n layer form.

    ``forward(*args) -> (out, cache)`` caches exactly what the backward needs;
    ``backward(dout, cache) -> grads`` returns the gradients in ``wrt`` order.
    ``source`` is the generated module (``<name>_forward``, ``<name>_backward``).
    """

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return BoundLayer(self, instance)

    def _generate(self, args, wrt=None, layouts=()):  # (a layer's code: for arrays of any order)
        forward = self._read(args)
        result = guarded(forward, lambda: program(forward, wrt or self.wrt, self._shapes, args))
        return result, layer_module([result], source_name=f"{result.main.forward_name}()")

    def _build(self, args, wrt=None, layouts=()):
        result, text = self._generate(args, wrt)
        name = result.main.forward_name
        namespace = _exec_module(text, f"<backgen layer: {name}>")
        forward_name, backward_name = layer_names(name)
        return namespace[forward_name], text, result, namespace[backward_name]

    @public
    def forward(self, *args, **kwargs):
        """The outputs and the cache for ``backward``."""
        values = self._bind(args, kwargs)
        entry = self._entry(values)
        *outputs, cache = entry[0](*values)
        return (*outputs, _Cache(cache, entry[3], tuple(
            o.shape if isinstance(o, np.ndarray) else "number" if isinstance(o, (float, int, np.number)) else None
            for o in outputs)))

    def backward(self, *args, **kwargs):
        """``backward(dout, cache)`` (one upstream gradient per output, then the cache)."""
        if len(args) < 2 or kwargs:
            raise TypeError(f"{self.__name__}.backward(dout, cache) takes the upstream gradient(s) and the cache "
                            f"{self.__name__}.forward returned, by position")
        *douts, cache = args
        if not isinstance(cache, _Cache):
            raise TypeError(f"{self.__name__}.backward(dout, cache) takes the cache that "
                            f"{self.__name__}.forward returned")
        try:
            return cache.backward(*self._layer_douts(douts, cache.shapes), tuple(cache))
        except ZeroDivisionError:  # (dout / N, N = 0: Decorated.backward's case)
            if not any(isinstance(v, np.ndarray) and v.size == 0 for v in _arrays_in(tuple(cache))):
                raise
            raise ValueError(f"{self.__name__}.backward(dout, cache): {self.__name__}.forward was given an array of "
                             f"no elements and the backward divides by a size of 0 as the forward does, whose value "
                             f"is then inf or nan, with no gradient: pass arrays of at least one row") from None

    def _layer_douts(self, douts, shapes):
        """The upstream gradients as the generated backward reads them, checked against the outputs'
        shapes the forward gave (``shapes``: "number" for a number, None for a list or a dict, not
        checked): an integer one a float, a list or tuple of numbers its array, a number for an array of
        one number that array; a number for a larger array, an array for a number or one of another shape
        refused."""
        if shapes is None or len(shapes) != len(douts):
            return douts  # (a cache pickled by an earlier version)
        fitted = []
        for k, (d, shape) in enumerate(zip(douts, shapes)):
            which = f"dout[{k}]" if len(douts) > 1 else "dout"
            if shape is None:  # (a list, a dict the forward returned: its gradients as the code reads them)
                fitted.append(d)
                continue
            if isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_)):
                d = float(d)
            elif isinstance(d, np.ndarray) and d.dtype.kind in "biu":
                d = d.astype(float)
            elif isinstance(d, (list, tuple)) and shape != "number":
                try:
                    d = np.asarray(d, dtype=float)
                except (TypeError, ValueError):
                    raise TypeError(f"{self.__name__}.backward(dout, cache): {which} is the upstream gradient of "
                                    f"an array of shape {shape}, not a {type(d).__name__} of values of several "
                                    f"shapes") from None
            if d is None:
                pass
            elif shape == "number":
                if np.ndim(d):
                    raise TypeError(f"{self.__name__}.backward(dout, cache): {which} is the upstream gradient of a "
                                    f"number, a number, not an array of shape {np.shape(d)}")
            elif (isinstance(d, (float, np.floating)) or isinstance(d, np.ndarray) and d.ndim == 0) and shape:
                if math.prod(shape) == 1:  # (an array of one number: the code reads its axes)
                    fitted.append(np.full(shape, d))
                    continue
                raise TypeError(f"{self.__name__}.backward(dout, cache): {which} is the upstream gradient of an "
                                f"array of shape {shape}, an array of that shape, not the number {d!r} (np.ones of "
                                f"that shape for the gradient of the sum)")
            elif isinstance(d, np.ndarray) and d.shape != shape and d.ndim:
                raise TypeError(f"{self.__name__}.backward(dout, cache): {which} has shape {d.shape}, where "
                                f"{self.__name__}.forward returned an array of shape {shape}: {which} is the "
                                f"upstream gradient of that output, of its shape")
            fitted.append(d)
        return tuple(fitted)

    @property
    def source(self):
        """The generated module (for NumPy code, of the latest shapes seen)."""
        if self._latest is None:
            raise AttributeError(f"the layer {self.__name__} is generated for the shapes of its inputs: "
                                 f"call {self.__name__}.forward(...) once, or declare the shapes")
        return Source(self._latest[1])


class BoundLayer(BoundDifferentiable):
    """A layer-form method of an object: ``obj.layer.forward(x)``; ``backward(dout, cache)`` as before."""

    def forward(self, *args, **kwargs):
        return self._owner.forward(self.__self__, *args, **kwargs)

    def backward(self, *args, **kwargs):
        return self._owner.backward(*args, **kwargs)


def _arrays_in(value):
    """The arrays in ``value`` and the tuples, lists and dicts in it."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _arrays_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays_in(item)


class _Cache(tuple):
    """The cache a layer's forward returns: a plain tuple that knows its backward."""

    def __new__(cls, values, backward, shapes=None):
        self = super().__new__(cls, values)
        self.backward = backward
        self.shapes = shapes  # the outputs' shapes ("number", None for a list), which the upstream gradients have
        return self

    def __reduce__(self):  # copy.copy, copy.deepcopy (the arrays copied, the backward shared)
        return (_Cache, (tuple(self), self.backward, self.shapes))


@public
def layer(func=None, *, wrt=None, shapes=None):
    """The CS231n layer form of ``func``: ``.forward(*args) -> (out, cache)`` and
    ``.backward(dout, cache) -> grads``, with their generated source in ``.source``."""
    if func is None:
        return functools.partial(layer, wrt=wrt, shapes=shapes)
    if isinstance(func, (str, bytes)) or not callable(func):
        raise TypeError(f"backgen.layer takes a function, not {type(func).__name__}")
    return Layer(getattr(func, "_func", func), wrt=wrt, shapes=shapes)


def _rounds(func):
    """Whether ``func`` may make integers of the numbers it is given (``int(s)``, ``np.arange(s)``, whose
    values the code is then keyed on): a call that makes integers of anything but sizes (``np.arange(N)``,
    ``N = x.shape[0]``: a softmax loss's rows, not its ``reg``)."""
    sized = _sized_names(func)
    return any(isinstance(node, ast.Call) and (getattr(node.func, "attr", None) or getattr(
        node.func, "id", None)) in COUNTS | {"arange"} and not (
            all(_size_only(a, sized) for a in node.args) and all(_size_only(k.value, sized) for k in node.keywords))
        for node in walk(func))


_WRITING_CALLS = frozenset({"copyto", "fill_diagonal", "put", "place", "putmask", "put_along_axis", "at"})
_WRITING_METHODS = frozenset({"fill", "sort", "resize", "put", "itemset", "partition", "setfield", "setflags",
                              "byteswap", "__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"})
# the calls giving a view of an array of one order in memory and a copy of one of another
_ORDER_VIEWS = frozenset({"reshape", "ravel", "ascontiguousarray", "asfortranarray", "require", "flat"})
# the methods of arrays, lists and dicts (what a method of another object does is not read)
_ARRAY_METHODS = frozenset(name for name in dir(np.ndarray) if not name.startswith("_")) | frozenset({
    "append", "extend", "insert", "pop", "index", "count", "keys", "values", "items", "get", "update",
    "setdefault", "__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"})
# what reads an array's memory itself (its order, its bytes): of other values for arrays of other orders
_ORDER_READS = frozenset({"flags", "strides", "tobytes", "tostring", "tofile", "data", "ctypes", "base", "view",
                          "__array_interface__", "shares_memory", "may_share_memory", "byte_bounds"})


def _order_matters(func, module):
    """Whether the order in memory of the arrays the function ``func`` (a ``def``) is given may change what
    it computes: where it (or one of its module's functions it calls) both writes into an array (``h[0] =
    v``, ``p /= s``, ``out=``, ``np.add.at``, ``x.sort()``) and takes a view that is one of a C-contiguous
    array only (``reshape``, ``ravel``, ``np.ascontiguousarray``, an ``order=``), the write changing the
    array viewed or not; where it reads an array's memory (``x.flags``, ``x.strides``, ``x.tobytes()``); or
    where it calls what backgen does not read (a method of ``self``, an object).
    Elsewhere the decorator's code holds for arrays of every order."""
    found = set()
    _order_uses(func, module, set(), found)
    return "unknown" in found or {"write", "view"} <= found


def _order_uses(func, module, seen, found):
    """Add to ``found`` what ``func`` and the module's functions it calls do: "write", "view", "unknown"."""
    for node in walk(func):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)) or \
                isinstance(node, ast.AugAssign):
            found.add("write")
        if isinstance(node, ast.Attribute) and node.attr in _ORDER_VIEWS:
            found.add("view")
        if isinstance(node, ast.Attribute) and node.attr in _ORDER_READS:
            found.add("unknown")
        if not isinstance(node, ast.Call):
            continue
        if any(k.arg == "out" for k in node.keywords):
            found.add("write")
        if any(k.arg == "order" for k in node.keywords):
            found.add("view")
        callee = node.func
        if isinstance(callee, ast.Attribute):
            root = callee.value
            while isinstance(root, ast.Attribute):
                root = root.value
            held = module.get(root.id) if isinstance(root, ast.Name) else None
            if callee.attr in _WRITING_CALLS and held is np or callee.attr == "at" or \
                    callee.attr in _WRITING_METHODS and held is not np:
                found.add("write")
            if isinstance(held, types.ModuleType):  # (np.linalg.norm; another module's function: read)
                value = _attribute_value(callee, module)
                if isinstance(value, types.FunctionType) and not library_function(value):
                    _order_uses_of(value, module, seen, found)
                elif not (isinstance(value, (type, np.ufunc, types.BuiltinFunctionType)) or
                          isinstance(value, types.FunctionType) or getattr(held, "__name__", "").split(".")[0] in
                          ("numpy", "math", "scipy")):
                    found.add("unknown")
            elif callee.attr not in _ARRAY_METHODS or isinstance(root, ast.Name) and root.id == "self":
                found.add("unknown")  # (a method of an object other than an array, a list or a dict)
            continue
        if not isinstance(callee, ast.Name):
            found.add("unknown")  # (a call of what a call gives)
            continue
        if callee.id in ("setattr", "exec", "eval", "getattr", "vars", "globals"):
            found.add("unknown")
        if callee.id not in module:  # (a builtin, else a parameter or a local name: what it calls unknown)
            if not hasattr(builtins, callee.id):
                found.add("unknown")
            continue
        value = module[callee.id]
        if isinstance(value, types.FunctionType) and not library_function(value):
            _order_uses_of(value, module, seen, found)
        elif not (isinstance(value, (type, np.ufunc, types.BuiltinFunctionType)) or
                  isinstance(value, types.FunctionType) and library_function(value)):
            found.add("unknown")  # (an object called: what it does unknown)


def _order_uses_of(value, module, seen, found):
    """``_order_uses`` of the user's function ``value`` (once), "unknown" where its source is not read."""
    if value in seen:
        return
    seen.add(value)
    try:
        helper = source_node(value)
    except Exception:  # noqa: BLE001 -- a function whose source is not read: what it does unknown
        found.add("unknown")
        return
    _order_uses(helper, getattr(value, "__globals__", module), seen, found)


def _attribute_value(node, module):
    """What the dotted name ``node`` (``layers.affine``) is in ``module``, or None."""
    if isinstance(node, ast.Name):
        return module.get(node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_attribute_value(node.value, module), node.attr, None)
    return None


def _sized_names(func):
    """The names ``func`` binds only to sizes of arrays and integers (``N = x.shape[0]``, ``N, D = x.shape``,
    ``for i in range(N)``)."""
    bound = collections.defaultdict(list)  # name -> what each binding gives it (None: not a size)
    for node in (n for stmt in func.body for n in walk(stmt)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound[target.id].append(node.value)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Attribute) and \
                        node.value.attr == "shape":  # (N, D = x.shape)
                    for e in target.elts:
                        bound[getattr(e, "id", None)].append(ast.Constant(0))
                else:
                    for e in walk(target):
                        if isinstance(e, ast.Name):
                            bound[e.id].append(None)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
            bound[node.target.id].append(node.value if isinstance(node, ast.AugAssign) else None)
        elif isinstance(node, (ast.For, ast.comprehension)):
            ranged = isinstance(node.iter, ast.Call) and getattr(node.iter.func, "id", None) == "range"
            for e in walk(node.target):
                if isinstance(e, ast.Name):
                    bound[e.id].append(ast.Tuple(node.iter.args, ast.Load()) if ranged else None)
        elif isinstance(node, (ast.NamedExpr,)):
            bound[node.target.id].append(None)
        elif isinstance(node, (ast.With, ast.ExceptHandler, ast.Import, ast.ImportFrom, ast.FunctionDef,
                               ast.Lambda, ast.Global, ast.Nonlocal)):
            for e in walk(node):  # (bound otherwise: not followed)
                if isinstance(e, ast.Name) and isinstance(e.ctx, ast.Store):
                    bound[e.id].append(None)
    params = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    sized = {name for name in bound if name not in params}
    changed = True
    while changed:  # (a name is a size where every binding of it is: dropped until none changes)
        changed = False
        for name in list(sized):
            if not all(value is not None and _size_only(value, sized) for value in bound[name]):
                sized.discard(name)
                changed = True
    return sized


def _size_only(node, sized):
    """Whether the expression ``node`` is made of sizes of arrays and integers alone (``x.shape[0]``,
    ``len(x)``, ``x.size``, ``N - 1``, names of ``sized``)."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.Name):
        return node.id in sized
    if isinstance(node, ast.Attribute):
        return node.attr in ("size", "ndim")
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Attribute) and node.value.attr == "shape" and \
            _size_only(node.slice, sized)
    if isinstance(node, ast.Call):
        return getattr(node.func, "id", None) == "len" and len(node.args) == 1 and not node.keywords
    if isinstance(node, ast.BinOp):
        return _size_only(node.left, sized) and _size_only(node.right, sized)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _size_only(node.operand, sized)
    if isinstance(node, ast.Tuple):
        return all(_size_only(e, sized) for e in node.elts)
    return False


def _holds_integer_arrays(value):
    """Whether a dict or list of arrays holds an integer or boolean array among its items, as deep as they
    go (a data set, ``{"X": X, "y": y}`` with labels ``y``): data, not parameters to differentiate."""
    if isinstance(value, dict):
        return any(_holds_integer_arrays(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_integer_arrays(v) for v in value)
    return isinstance(value, np.ndarray) and value.dtype.kind in "biu"


def _int_sequence(value):
    """A list or tuple of integers (a shape, an index: ``W[(0, 1)]`` is ``W[0, 1]``), or of rows of them
    (a mesh's faces, ``[[0, 1, 2], [0, 2, 3]]``)."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and (all(
        isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in value) or
        structured.integer_table(value))


def _int_items(value):
    """A list or tuple of lists, tuples or arrays of integers, as deep as they go (``[(0, 1), (1, 2)]``, a
    list of edges; a list of index arrays, one of each node's neighbours)."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        _int_sequence(v) or _int_items(v) or isinstance(v, np.ndarray) and v.dtype.kind in "iu" for v in value)


def _number_list(value):
    """A list or tuple of plain numbers (not of arrays, which are structured parameters)."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(
        isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool) for v in value)


def _sizes(value):
    """The sizes of the arrays in an argument (the key of code written for these sizes only)."""
    if isinstance(value, np.ndarray):
        return value.shape
    if isinstance(value, (list, tuple)):
        return tuple(map(_sizes, value))
    if isinstance(value, dict):
        return tuple((k, _sizes(v)) for k, v in value.items())
    return None


_SIZE_MAKERS = {"reshape", "split", "array_split", "hsplit", "vsplit", "dsplit", "diff", "ediff1d", "pad",
                "convolve", "correlate", "repeat", "tile", "resize", "trim_zeros", "arange", "linspace",
                "as_strided", "sliding_window_view"}


def _makes_sizes(text):
    """Whether the generated module ``text`` makes sizes from those it is given other than alike at
    every size: a slice with a bound or a step but 1 or -1 (``x[::8]`` has 1 row of 5 to 8 and 2 of 9,
    ``x[5:]`` 1 of 6 only; ``x[::-1]`` all of them), a call that sizes its result by its arguments
    (``np.split``, ``np.arange(n // 2)``, ``reshape(-1, 2)``) or arithmetic on sizes (``x.shape[0] // 2``,
    ``x.size // 2``).  Such a size may be 1 or 0 at
    sizes no probe tries, where the code broadcasts or sums otherwise (the helpers backgen writes into the
    module, ``_unbroadcast``, are written for every shape, and are not read).  A size read as it is makes
    none: ``np.arange(N)`` (N = x.shape[0]), ``x.reshape(N, -1)``, ``g.reshape(x.shape)``, ``loss / N``."""
    tree = ast.parse(text)
    tree.body = [node for node in tree.body if not (isinstance(node, ast.FunctionDef) and  # (backgen's own
                                                    node.name in runtime.HELPERS)]  # helpers: for every shape)
    reads = _size_names(tree)
    for node in walk(tree):
        if isinstance(node, ast.Slice) and (node.lower, node.upper) != (None, None) or \
                isinstance(node, ast.Slice) and node.step is not None and not _unit_step(node.step):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in _SIZE_MAKERS and not _sizes_as_read(node, name, reads):
                return True
        if isinstance(node, ast.BinOp) and _sizeish(node.left, reads) and _sizeish(node.right, reads) and \
                not all(isinstance(side, ast.Constant) for side in (node.left, node.right)):
            return True
    return False


def _unit_step(node):
    """Whether a slice's step is 1 or -1 (``x[::-1]``: every item, backwards; of the size it slices)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == 1


def _size_names(tree):
    """``{name: array}`` for the names the module binds to a size of an array as it is (``N = x.shape[0]``,
    ``N, D = x.shape``, ``N = len(x)``)."""
    names = {}
    for node in walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and _size_of(value, {}) is not None:
            names[target.id] = _size_of(value, {})
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Attribute) and value.attr == "shape" \
                and all(isinstance(e, ast.Name) for e in target.elts):
            names.update({e.id: ast.unparse(value.value) for e in target.elts})
    return names


def _size_of(node, reads):
    """The array whose size ``node`` is, read as it is (``x.shape[0]``, ``len(x)``, a name of ``reads``),
    else None."""
    if isinstance(node, ast.Name):
        return reads.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape" \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        return ast.unparse(node.value.value)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "len" and len(node.args) == 1:
        return ast.unparse(node.args[0])
    if isinstance(node, ast.Attribute) and node.attr == "size":  # (all its items: np.arange(g.size))
        return ast.unparse(node.value)
    return None


def _sizeish(node, reads):
    """Whether ``node`` is integer arithmetic on sizes and integer literals."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.BinOp):
        return _sizeish(node.left, reads) and _sizeish(node.right, reads)
    return _size_of(node, reads) is not None


def _sizes_as_read(call, name, reads):
    """Whether a call of ``_SIZE_MAKERS`` makes no size but one it reads as it is: ``np.arange(N)``,
    ``x.reshape(N, -1)`` or ``x.reshape(x.shape[0], -1)`` (sizes of the array reshaped, at most one -1),
    or ``reshape`` to another array's whole shape."""
    args = list(call.args)
    if call.keywords:
        return False
    if name == "arange":
        return len(args) == 1 and _size_of(args[0], reads) is not None
    if name != "reshape":
        return False
    if isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", None) not in ("np", "numpy"):
        base = ast.unparse(call.func.value)  # x.reshape(...)
    elif len(args) >= 2:
        base, args = ast.unparse(args[0]), args[1:]  # np.reshape(x, ...)
    else:
        return False
    if len(args) == 1 and isinstance(args[0], ast.Tuple):
        args = args[0].elts
    if len(args) == 1 and isinstance(args[0], ast.Attribute) and args[0].attr == "shape":
        return True  # the whole shape of an array
    minus = [a for a in args if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub)
             and isinstance(a.operand, ast.Constant) and a.operand.value == 1]
    return len(minus) <= 1 and all(a in minus or _size_of(a, reads) == base for a in args)


def _selected(value):
    """How many items a boolean array selects (0, 1 or more; overall and along each axis): ``x[m]``
    has a row per true of ``m``, which broadcasts where there is one (the code sums its gradient)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "b":
        along = tuple(tuple(sorted(set(np.minimum(np.count_nonzero(value, axis=a), 2).ravel().tolist())))
                      for a in range(value.ndim)) if value.ndim > 1 else ()
        return (min(int(np.count_nonzero(value)), 2),) + along
    if isinstance(value, (list, tuple)):
        return tuple(map(_selected, value))
    if isinstance(value, dict):
        return tuple(_selected(v) for v in value.values())
    return None


def _bound(cache):
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)


def _array_sizes(value):
    """The sizes of the arrays in an argument, in order."""
    if isinstance(value, np.ndarray):
        return list(value.shape)
    if isinstance(value, (list, tuple)):
        return [d for v in value for d in _array_sizes(v)]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _array_sizes(v)]
    return []


_LEFT_OUT = re.compile(r'\n\n    A branch decided on line [\s\S]*?(?=""")')


def _without_left_out(text):
    """``text`` without its docstrings' notes of the branches left out (``dead_paths``), whose NumPy
    complaints name the sizes: the code for other sizes is the same where the same branches are."""
    return _LEFT_OUT.sub("", text)


def _size_order(values):
    """Which of the arrays' sizes above 1 are equal and which larger: each one's place among them."""
    sizes = [d for v in values for d in _array_sizes(v)]
    distinct = sorted({d for d in sizes if d > 1})
    return tuple(distinct.index(d) if d > 1 else -1 for d in sizes)


def _resized(value, size):
    """``value`` with each array's sizes above 1 changed by ``size``, its numbers repeated to fill it."""
    if isinstance(value, np.ndarray):
        return np.resize(value, tuple(size(d) if d > 1 else d for d in value.shape))
    if isinstance(value, (list, tuple)) and any(isinstance(v, (list, tuple, dict, np.ndarray)) for v in value):
        return _rebuilt(value, [_resized(v, size) for v in value])
    if isinstance(value, dict):
        return {k: _resized(v, size) for k, v in value.items()}
    return value


def _distinct_sizes(values):
    """The distinct sizes above 1 of the arrays in ``values``, least first."""
    return sorted({d for v in values for d in _array_sizes(v) if d > 1})


def _resized_all(values, size):
    return tuple(_resized(v, size) for v in values)


def _global_values(func, skip=()):
    """The numbers, lists, tuples or dicts of numbers and arrays of ``func``'s module (and closure) that it names, as
    they are now: generated code holds them as constants (``LR = 0.5``, a Butcher tableau ``A = [[0.0,
    0.0], [0.5, 0.0]]``), so that code generated before the module changed them is not for this call; and
    the functions it names, by identity (a helper defined again, ``def exp`` over ``from math import
    exp``, below the decorated function; ``act = np.tanh`` bound again to ``np.sin``; a table of functions,
    ``ACTS = {"relu": relu}``, or a ``functools.partial``, by what they hold: the code is read again for
    what the name is now).
    (Read on every call: the names are worked out once per function, ``_global_names``.)  ``skip``: names
    of the function's read as inputs it is not given (``free_arrays``), keyed by their shapes instead."""
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    if code is None:
        return ()
    closure = closure_of(func)
    found = []
    # the function's module, then the modules of the helpers it imports (from sa import g, g reading sa's SCALE)
    for prefix, scope, names in (("", collections.ChainMap(closure, func.__globals__), _global_names(func)),) + \
            tuple((f"{module}:", scope, names) for module, scope, names in _imported_names(func)):
        for name in names:
            value = scope.get(name, _Unset)
            if not prefix and name in skip and not settings_object(value):  # (an object of the module read as
                continue  # an input: its arrays keyed by their shapes, its settings read as constants here)
            if _numbers_only(value):
                found.append((prefix + name, repr(value)))
            elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size <= 100_000:
                found.append((prefix + name, (value.shape, value.dtype.str, value.tobytes())))  # (an array
                # written out in the module, np.array([...]): held as a constant, as it is now)
            elif isinstance(value, types.FunctionType) and not library_function(value) or \
                    isinstance(value, functools._lru_cache_wrapper) and isinstance(
                        getattr(value, "__wrapped__", None), types.FunctionType):  # the user's function (cached too)
                found.append((prefix + name, _Same(value)))  # (a helper, or a def over an import): as it is now
            elif isinstance(value, functools.partial):  # clip = partial(np.clip, a_min=-0.5, ...): what it holds
                found.append((prefix + name, _partial_key(value)))
            elif _function_table(value):  # ACTS = {"relu": relu, "tanh": np.tanh}: which function at each key
                items = value.items() if type(value) is dict else enumerate(value)
                found.append((prefix + name, tuple((k, _partial_key(v) if isinstance(v, functools.partial) else
                                                    _Same(v)) for k, v in items)))
            elif settings_object(value):  # a named tuple's or frozen dataclass's settings (CFG.alpha)
                found += [(f"{prefix}{name}.{attr}", repr(getattr(value, attr))) for attr in names
                          if type(getattr(value, attr, None)) in (int, float, str, bool)]
            elif isinstance(value, type) and users_class(value):  # a class's numbers the code may read
                found += [(f"{prefix}{name}.{attr}", repr(getattr(value, attr))) for attr in names  # (Norm.EPS:
                          if type(getattr(value, attr, None)) in (int, float, str, bool)]  # its names hold EPS)
            elif callable(value) and not isinstance(value, type):  # act = np.tanh, sq = math.sqrt: a library's
                found.append((prefix + name, _Same(value)))  # function, which the code calls by the name
    found += _closures_within(func, closure)
    return tuple(found)


def _closures_within(func, closure):
    """The numbers and lists of numbers in the closures of the functions ``func`` reads from its own closure
    (a factory's ``predictions`` calling its ``unpack_layers``, reading the factory's ``shapes``), and in
    theirs in turn, as they are now: the code holds them as constants (``parse.closure_lists``)."""
    found, seen = [], {id(func)}
    stack = [(name, value) for name, value in closure.items()]
    while stack:
        owner, value = stack.pop()
        code = getattr(value, "__code__", None)
        if not isinstance(value, types.FunctionType) or id(value) in seen or code is None or library_function(value):
            continue
        seen.add(id(value))
        for name, inner in closure_of(value).items():
            if _numbers_only(inner):
                found.append((f"{owner}.{name}", repr(inner)))
            else:
                stack.append((f"{owner}.{name}", inner))
    return found


def _helpers_below(func):
    """The functions ``func`` (or one it defines) calls, or passes in a call, by names of its module that
    neither the module nor Python's builtins bind yet: helpers defined below a decorated function, bound
    once the module has run.  (Another name not bound yet is refused as the decorator reads it.)"""
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    if code is None:
        return set()
    unbound = _unbound_globals(func, code)
    if not unbound:
        return set()
    try:
        node = source_node(func)
    except Exception:  # noqa: BLE001 -- no source: said as the forward is read
        return set()
    called = {n.id for call in walk(node) if isinstance(call, ast.Call)
              for n in [call.func, *call.args, *(k.value for k in call.keywords)] if isinstance(n, ast.Name)}
    return unbound & called


def _names_unbound(func):
    """Whether ``func`` reads names its module does not bind yet (an array loaded below its def, read as
    an input it is not given: ``free_arrays``): then read at the first call."""
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    return code is not None and bool(_unbound_globals(func, code))


def _unbound_globals(func, code):
    """The names ``code`` (and the code of the functions it defines) reads from ``func``'s module that
    neither the module nor Python's builtins bind yet."""
    names, stack = set(), [code]
    while stack:
        c = stack.pop()
        names.update(i.argval for i in dis.get_instructions(c) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME"))
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    return {n for n in names if isinstance(n, str) and n not in func.__globals__ and not hasattr(builtins, n)}


def _partial_key(value):
    """What a ``functools.partial`` holds: its function (by identity), arguments and keywords."""
    return _Same(value.func), repr(value.args), repr(sorted(value.keywords.items()))


def _function_table(value):
    """Whether ``value`` is a dict (by string keys), list or tuple of functions (a table a function calls
    through: ``ACTS[act](z)``)."""
    if type(value) is dict:
        items = value.values() if value and all(type(k) is str for k in value) else ()
    else:
        items = value if type(value) in (list, tuple) else ()
    return bool(items) and all(callable(v) and not isinstance(v, type) for v in items)


class _Same:
    """One of the user's functions, compared by identity (generated code calls what it was read from:
    another function bound to the name since is another forward)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self):
        return id(self.value)

    def __repr__(self):
        return f"_Same({self.value!r})"


@functools.lru_cache(maxsize=256)
def _global_names(func):
    """The names ``func``'s code, the code of the functions it defines, and the code of its module's
    functions it calls read from outside (sorted)."""
    code = func.__code__
    names, stack, seen = set(), [code], set()
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        names.update(c.co_names)
        names.update(c.co_freevars)
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
        for name in c.co_names:  # a function of the module it calls (a helper reading LR)
            value = func.__globals__.get(name)
            if isinstance(value, types.FunctionType) and value.__globals__ is func.__globals__:
                stack.append(value.__code__)
    return tuple(sorted(names))


@functools.lru_cache(maxsize=256)
def _imported_names(func):
    """``(module name, its globals, names)`` of each other module whose functions ``func`` calls, or its
    module's functions call, in turn (``from sa import g``): the names their code reads from outside."""
    found, stack, seen = {}, [(func.__code__, func.__globals__)], set()
    while stack:
        code, scope = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        if scope is not func.__globals__:
            found.setdefault(id(scope), (scope.get("__name__", "?"), scope, set()))[2].update(
                code.co_names + code.co_freevars)
        stack += [(k, scope) for k in code.co_consts if isinstance(k, types.CodeType)]
        for name in code.co_names:
            value = scope.get(name)
            if isinstance(value, types.FunctionType) and not library_function(value):
                stack.append((value.__code__, value.__globals__))
    return tuple((module, scope, tuple(sorted(names))) for module, scope, names in found.values())


def _numbers_only(value, depth=0):
    if type(value) in (int, float, bool, np.float64) or depth == 0 and type(value) is str:  # (a setting: MODE =
        return True  # "train"; a NumPy float64: LOG2PI = np.log(2 * np.pi))
    if depth == 0 and isinstance(value, (np.floating, np.integer)):  # EPS = np.finfo(np.float32).eps
        return True
    if type(value) is dict:  # (PARAMS = {"g": 9.81}: constants by name)
        return depth < 8 and all(type(k) is str and _numbers_only(v, depth + 1) for k, v in value.items())
    return type(value) in (list, tuple) and depth < 8 and all(_numbers_only(v, depth + 1) for v in value)


def _layouts(values, converted=()):
    """Which of the arrays passed are C-contiguous (the code for them may follow a write through a
    reshape of one, a view of it, which of another array may be a copy); ``converted``: the places of
    lists given, made arrays ("list": the forward is given the list, a reshape of which is a copy)."""
    return tuple("list" if k in converted else v.flags.c_contiguous if isinstance(v, np.ndarray) else None
                 for k, v in enumerate(values))


def _shape_key(value):
    """What the generated code depends on: an array's rank, which dimensions are 1 (or 0) and the
    kind of its numbers; an integer's value (it may bound a loop), and those of a list or tuple of
    integers (it may be a shape); a setting's value (a boolean, a string); a number's type."""
    if isinstance(value, np.ndarray):
        return ("array", tuple(min(d, 2) for d in value.shape), value.dtype.kind)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return ("int", int(value))
    if isinstance(value, (list, tuple)) and any(isinstance(v, (list, tuple, np.ndarray)) for v in value):
        return (type(value).__name__, tuple(map(_shape_key, value)))  # a list of arrays: its structure
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return (type(value).__name__, tuple(map(int, value)))  # integers: a shape (x.reshape(shape)) or bounds
    if isinstance(value, dict):  # a dict of arrays: its keys and their values' (each array's rank...)
        return ("dict", tuple((k, _shape_key(v)) for k, v in value.items()))
    if isinstance(value, (bool, np.bool_, str)):  # a setting (flag=True, mode="train"): the path it takes
        return (type(value).__name__, value)        # may set lengths (n = 1 if flag else 3)
    if isinstance(value, (float, complex, np.generic, list, tuple)):
        return (type(value).__name__, np.shape(value))
    if isinstance(value, type):  # a dtype (self.dtype = np.float64): read as that type
        return ("type", value.__module__, value.__qualname__)
    if given_functions.is_function(value):  # a function called (act=np.tanh): code for each
        return ("function", value)
    return (type(value).__name__,)  # an object passed through, such as a method's self


@public
def backward(func=None, *, wrt=None, shapes=None, recompute=False):
    """Attach the generated backward to ``func``: ``f.backward(*args, dout=1.0)``.

    ``recompute=True``: loops keep only their carried values, as ``generate`` says."""
    if func is None:
        return functools.partial(backward, wrt=wrt, shapes=shapes, recompute=recompute)
    if isinstance(func, (str, bytes)) or not callable(func):
        raise TypeError(f"backgen.backward decorates a function, not {type(func).__name__}")
    if isinstance(func, Differentiable):
        func = func._func
    if isinstance(func, staticmethod) and isinstance(func.__func__, types.FunctionType):  # @backgen.backward over
        return staticmethod(backward(func.__func__, wrt=wrt, shapes=shapes, recompute=recompute))  # @staticmethod
    if isinstance(func, functools.partial) and isinstance(func.func, types.FunctionType) and \
            not isinstance(func.func, Differentiable):  # partial(loss, X=X, y=y): loss, given what it binds
        return PartialDifferentiable(func, wrt=wrt, shapes=shapes, recompute=recompute)
    func = _call_of(func)
    if not isinstance(func, (types.FunctionType, types.MethodType)):  # functools.partial, a callable object
        raise TypeError(f"backgen.backward decorates a function (a def), not {type(func).__name__}: for a "
                        f"{type(func).__name__}, decorate the def it calls or write one calling it")
    if inspect.ismethod(func):  # backgen.backward(net.loss): the method, bound to the object as the decorator
        # on the class binds it (a classmethod: to the class)
        obj = func.__self__
        with reading_for(None if isinstance(obj, type) else type(obj),
                         () if isinstance(obj, type) else held_objects.described(obj)):  # (its own methods
            made = Differentiable(func.__func__, wrt=wrt, shapes=shapes, recompute=recompute)  # and objects held:
        # the object's)
        return made.__get__(func.__self__)
    return Differentiable(func, wrt=wrt, shapes=shapes, recompute=recompute)


def _call_of(func):
    """A model called as ``model(x)`` (an object whose class defines ``__call__``): its ``__call__``, bound
    to it; anything else as it is."""
    call = getattr(type(func), "__call__", None)
    if isinstance(call, types.FunctionType) and not isinstance(func, (type, Differentiable, BoundDifferentiable)):
        return types.MethodType(call, func)
    return func


@public
def gradcheck(func, *args, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-8, dout=None, **kwargs):
    """Check the generated backward against central finite differences.

    Returns the largest relative error over all inputs in ``wrt``; raises
    AssertionError naming the input and element where it exceeds ``rtol``.
    Array inputs are perturbed element by element (use float64).  For an
    array-valued output a fixed random upstream gradient is used.  Other
    keyword arguments go to ``func`` (``gradcheck(f, x, w, b=b)``).
    """
    func = _call_of(func)  # (gradcheck(model, X): its __call__)
    if inspect.ismethod(func) and not isinstance(func.__self__, type):  # gradcheck(net.loss, X, y)
        func = backward(func)
    if isinstance(func, BoundDifferentiable):  # (a method calling the object's own: its attributes known
        func._owner._first_object((func.__self__,))  # once its class is, the object's)
        func._owner._ready()
    if isinstance(func, BoundDifferentiable) and func._owner._attributes:  # the function of self's attributes
        func, args = _MethodAsFunction(func._owner, func.__self__), methods.arguments((func.__self__,) + args,
                                                                                    func._owner._attributes)
    forward = getattr(func, "__wrapped__", func)
    decorated = func if hasattr(func, "backward") and wrt is None else backward(forward, wrt=wrt)
    grad_fn = decorated.backward
    if isinstance(func, Differentiable):
        forward = func._func
    signature = inspect.signature(forward)
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    wrt_names = decorated.wrt_for(bound.args) if hasattr(decorated, "wrt_for") else decorated.wrt
    values = dict(bound.arguments)
    count = getattr(decorated, "outputs", None)  # (loss, grads): the loss alone is differentiated

    def differentiated(result):
        return result[:count] if isinstance(result, tuple) and count is not None and count < len(result) else result
    output = differentiated(forward(*bound.args))
    several = isinstance(output, tuple) and len(output) > 1
    output = output[0] if isinstance(output, tuple) and not several else output
    outputs = output if several else (output,)
    if dout is None:
        rng = np.random.default_rng(0)
        dout = tuple(1.0 if np.ndim(o) == 0 else rng.standard_normal(np.shape(o)) for o in outputs)
        dout = dout if several else dout[0]
    douts = dout if several else (dout,)
    analytic = grad_fn(*bound.args, dout=dout)
    if len(wrt_names) == 1:
        analytic = (analytic,)

    def objective(name, value):
        trial = dict(values)
        trial[name] = value
        result = differentiated(forward(**trial))
        result = result if several else result[0] if isinstance(result, tuple) else result
        result = result if several else (result,)
        return float(sum(np.sum(np.asarray(r) * d) for r, d in zip(result, douts) if d is not None))

    worst = 0.0
    leaves = []
    for name, got in zip(wrt_names, analytic):
        if values[name] is None:  # a parameter left at its default None (w=None): no number to move
            continue
        numeric = _numeric_gradient(lambda v, name=name: objective(name, v), values[name], eps)
        leaves += _leaves(name, got, numeric)
    for name, got, numeric in leaves:
        if np.shape(got) != np.shape(numeric):
            raise AssertionError(f"gradient of {name} has shape {np.shape(got)}, "
                                 f"expected {np.shape(numeric)}")
        got_array = np.broadcast_to(np.asarray(got, dtype=float), np.shape(numeric))
        for index in np.ndindex(np.shape(numeric)):
            a, n = float(got_array[index]), float(np.asarray(numeric)[index])
            error = abs(a - n) / max(abs(a), abs(n), atol / rtol)
            worst = max(worst, error)
            if error > rtol and abs(a - n) > atol:
                where = f" element {index}" if index else ""
                raise AssertionError(
                    f"gradcheck failed for input {name}{where}: backward gives {a!r}, "
                    f"finite differences give {n!r} (relative error {error:.3g} > {rtol:g})")
    return worst


def _leaves(name, got, numeric):
    """``(label, got, numeric)`` for each array of a gradient, into dicts, lists and tuples of them
    (``'params'['W1']``)."""
    if isinstance(numeric, dict):
        if not isinstance(got, dict) or set(got) != set(numeric):
            raise AssertionError(f"gradient of {name!r} has keys {sorted(got) if isinstance(got, dict) else got!r}, "
                                 f"expected {sorted(numeric)}")
        return [leaf for key in numeric for leaf in _leaves(f"{name}[{key!r}]", got[key], numeric[key])]
    if isinstance(numeric, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(numeric):
            raise AssertionError(f"gradient of {name!r} is not a sequence of {len(numeric)} gradients")
        return [leaf for k, (a, b) in enumerate(zip(got, numeric)) for leaf in _leaves(f"{name}[{k}]", a, b)]
    return [(repr(name) if "[" not in name else name, got, numeric)]


def _numeric_gradient(objective, value, eps):
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return (type(value).__name__, tuple(map(int, value)))  # integers: a shape (x.reshape(shape)) or bounds
    if isinstance(value, dict):  # a dict of arrays: each entry moved alone
        return {key: _numeric_gradient(lambda v, key=key: objective({**value, key: v}), item, eps)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)) and any(isinstance(v, (np.ndarray, list, tuple, dict)) for v in value):
        return _rebuilt(value, [_numeric_gradient(lambda v, k=k: objective(_replaced(value, k, v)), item, eps)
                                for k, item in enumerate(value)])
    if np.ndim(value) == 0 and not isinstance(value, np.ndarray):
        value = float(value)
        return (objective(value + eps) - objective(value - eps)) / (2 * eps)
    base = np.array(value, dtype=float)
    result = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[index] += eps
        minus[index] -= eps
        result[index] = (objective(plus) - objective(minus)) / (2 * eps)
    return result
