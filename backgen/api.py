"""The library's entry points: ``generate``, ``backward``, ``gradcheck``.

Contract:

* ``generate(func_or_source, wrt=None, name=None) -> str``: source of a module
  holding ``<name>_backward``.
* ``backward(func=None, *, wrt=None)``: decorator (or plain call) returning the
  forward unchanged, with ``.backward(*args, dout=1.0)`` and
  ``.backward_source`` attached.
* ``gradcheck(func, *args, wrt=None)``: compare the generated backward with
  central finite differences; return the largest relative error or raise
  AssertionError naming the input and element.

Problems with the user's code are ``BackgenError``; nothing else escapes from
code generation (an unexpected failure is reported as a BackgenError too).
"""

import ast
import dataclasses
import functools
import inspect
import linecache
import math

import numpy as np

from . import emit
from .errors import BackgenError
from .ir import Program as ProgramIR
from .layer import layer_module
from .ir import map_ops as ir_map_ops
from .ir import ops_in
from .parse import read, read_helper
from .reverse import reverse
from .shapes import check_differentiable, examples, infer, list_names
from .shapes import spec as shape_spec
from .stage import stage


def staged(func_or_source, wrt=None, name=None, filename=None, shapes=None):
    """The staged form of a forward function (``ir.Staged``), before shapes."""
    forward = read(func_or_source, name=name, filename=filename)
    return _guarded(forward, lambda: stage(forward, wrt, declared_shapes(forward, shapes)))


def backward_program(func_or_source, wrt=None, name=None, filename=None, shapes=None, args=None):
    """The ``ir.Program`` of a forward function: its backward, with its helpers'.

    NumPy code needs shapes: from ``args`` (example inputs), or declared by
    ``shapes`` (``{"x": "N, D"}``) and the parameters' annotations.
    """
    forward = read(func_or_source, name=name, filename=filename)
    return _guarded(forward, lambda: program(forward, wrt, shapes, args))


def program(forward, wrt=None, shapes=None, args=None, chain=(), registry=None):
    """The ``ir.Program`` of a forward function: its backward and its helpers'.

    ``registry`` names helper backwards across the whole call tree: one per
    helper and pattern of argument ranks (``affine_backward``, ``affine_backward2``).
    """
    registry = {} if registry is None else registry
    specs = declared_shapes(forward, shapes)
    arrays = args is not None and any(isinstance(a, np.ndarray) for a in args)
    result = stage(forward, wrt, specs, arrays)
    calls = [op for op in ops_in(result.body) if op.rule == "call"]
    helpers = {}
    for op in calls:
        name = op.param("function")
        if name in chain or name == result.name:
            raise _op_error(result, op, f"{name}() calls itself: recursion is not supported")
        if name not in helpers:
            helper = read_helper(forward, name)
            if _reaches(helper, {result.name, *chain}, set()):
                raise _op_error(result, op, f"{name}() calls {result.name}() back: recursion is not supported")
            helpers[name] = (helper, stage(helper, None, declared_shapes(helper), result.mode == "numpy"))
    # each call site records the arguments it was called with, to learn their shapes
    sites = {id(op): k for k, op in enumerate(calls)}
    recorded = {k: [] for k in range(len(calls))}
    functions = {f"_site{k}": _recorder(_callable(*helpers[op.param("function")]), recorded[k])
                 for k, op in enumerate(calls)}

    def probed(op):
        if op.rule != "call":
            return op
        return dataclasses.replace(op, source=f"_site{sites[id(op)]}({op.source.split('(', 1)[1]}")
    result = with_shapes(forward, result, specs, args, functions, ir_map_ops(result.body, probed))
    backwards, forwards = [], {}
    patched = {}
    for op in calls:
        name = op.param("function")
        helper, staged_helper = helpers[name]
        call_args = recorded[sites[id(op)]][0] if recorded[sites[id(op)]] else None
        key = (name, None if call_args is None else tuple(map(_rank_pattern, call_args)))
        if key not in registry:
            count = sum(1 for k in registry if k[0] == name)
            backward_name = f"{name}_backward" + (str(count + 1) if count else "")
            registry[key] = None  # claimed before recursing
            sub = program(helper, None, None, call_args, chain + (result.name,), registry)
            main = dataclasses.replace(sub.main, name=backward_name)
            registry[key] = (backward_name, main.wrt, sub, main)
        backward_name, helper_wrt, sub, main = registry[key]
        backwards += list(sub.helper_backwards) + [main]
        forwards.update({f.name: f for f in sub.helper_forwards})
        forwards[name] = staged_helper
        patched[id(op)] = dataclasses.replace(op, params=op.params + (("backward", backward_name),
                                                                      ("wrt", ",".join(helper_wrt))))
    result = dataclasses.replace(result, body=ir_map_ops(result.body, lambda op: patched.get(id(op), op)))
    unique = list({b.name: b for b in backwards}.values())
    return ProgramIR(reverse(result), tuple(forwards.values()), tuple(unique))


def _reaches(forward, names, seen):
    """Whether ``forward`` calls (through its helpers) any of ``names``."""
    for node in ast.walk(forward.func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers:
            callee = node.func.id
            if callee in names:
                return True
            if callee not in seen:
                seen.add(callee)
                if _reaches(read_helper(forward, callee), names, seen):
                    return True
    return False


def _callable(forward, staged):
    """A helper's staged forward as a Python function (with the helpers it calls)."""
    namespace = {staged.modules["np"]: np, staged.modules["math"]: math}
    for op in ops_in(staged.body):
        if op.rule == "call" and op.param("function") not in namespace:
            inner = read_helper(forward, op.param("function"))
            namespace[op.param("function")] = _callable(inner, stage(inner, None, declared_shapes(inner),
                                                                     staged.mode == "numpy"))
    exec(compile(emit.forward_source(staged), f"<backgen {staged.name}>", "exec"), namespace)
    return namespace[staged.name]


def _rank_pattern(value):
    """What generated code depends on: ranks, which dimensions are 1, the kind of number."""
    if isinstance(value, np.ndarray):
        return ("array", tuple(d == 1 for d in value.shape), value.dtype.kind)
    return (type(value).__name__,)


def _recorder(function, calls):
    """``function``, recording the arguments of each call (to learn shapes at the call)."""
    def record(*args):
        calls.append(args)
        return function(*args)
    return record


def _op_error(staged, op, message):
    text = staged.lines[op.line - 1] if 0 < op.line <= len(staged.lines) else None
    return BackgenError(message, staged.filename, op.line, None, text)


def declared_shapes(forward, shapes=None):
    """``{param: Spec}`` from annotations, overridden by ``shapes``."""
    specs = {}
    args = forward.func.args
    defaults = dict(zip([a.arg for a in args.args][len(args.args) - len(args.defaults):], args.defaults))
    for arg in args.args:
        found = shape_spec(arg.annotation) if arg.annotation is not None else None
        if found is None and arg.arg in defaults:  # a number default: a scalar of its kind
            value = ast.literal_eval(defaults[arg.arg])
            found = shape_spec(type(value))
        if found is not None:
            specs[arg.arg] = found
    for key, value in (shapes or {}).items():
        specs[key] = shape_spec(value)
    return specs


def with_shapes(forward, result, specs, args=None, functions=None, probe_body=None):
    """``result`` (ir.Staged) with the shapes of every value, for NumPy code.

    ``probe_body`` is the body to run instead (calls routed through ``functions``).
    """
    if result.mode != "numpy":
        if args is not None:
            check_differentiable(result, args)
        return dataclasses.replace(result, lists=list_names(result, args))
    if args is None:
        unknown = [p for p in result.params if p not in specs]
        if unknown:
            raise forward.error(
                f"the shapes of {', '.join(unknown)} are needed to write NumPy gradients: annotate the "
                f"parameters (def {result.name}({unknown[0]}: 'N, D', ...)), pass shapes=, or call "
                "the decorated function's .backward() with arrays")
        args = examples(result, specs)
    check_differentiable(result, args)
    probe = result if probe_body is None else dataclasses.replace(result, body=probe_body)
    return dataclasses.replace(result, shapes=infer(probe, args, functions), lists=list_names(result, args))


def _guarded(forward, work):
    try:
        return work()
    except (BackgenError, TypeError):
        raise
    except Exception as exc:  # a bug in backgen: still point at the user's function
        raise forward.error(f"internal error while differentiating {forward.func.name}(): "
                            f"{type(exc).__name__}: {exc}") from exc


def generate(func_or_source, wrt=None, name=None, shapes=None):
    """Source of a module with the backward function of ``func_or_source``."""
    result = backward_program(func_or_source, wrt=wrt, name=name, shapes=shapes)
    label = getattr(func_or_source, "__name__", None) or result.main.forward_name
    return emit.module_source([result], source_name=f"{label}()")


def compile_backward(func_or_source, wrt=None, name=None, shapes=None, args=None):
    """``(callable, source, ir.Program)`` of the generated backward function."""
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


class Differentiable:
    """A forward function with its generated backward attached.

    Scalar code (and NumPy code whose shapes are declared) is differentiated
    at once.  Otherwise the backward is generated at the first ``.backward``
    call, for the shapes of its arrays, and kept for later calls with
    arrays of the same shapes.
    """

    def __init__(self, func, wrt=None, shapes=None):
        functools.update_wrapper(self, func)
        self._func = func
        self._shapes = shapes
        self._signature = inspect.signature(func)
        forward = read(func)
        specs = declared_shapes(forward, shapes)
        first = _guarded(forward, lambda: stage(forward, wrt, specs))
        self.wrt = first.wrt
        self.outputs = len(first.outputs)
        self._cache = {}
        self._latest = None
        if first.mode == "scalar" or all(p in specs for p in first.params):
            self._latest = self._cache[None] = self._build(None)

    def _build(self, args):
        forward = read(self._func)
        return _compiled(_guarded(forward, lambda: program(forward, self.wrt, self._shapes, args)))

    def _entry(self, values):
        """The generated code for these argument values (generated once per set of shapes)."""
        if None in self._cache and not any(isinstance(v, np.ndarray) for v in values):
            key = None
        else:
            key = tuple(map(_shape_key, values))
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = self._build(values)
        self._latest = entry
        return entry

    def _bind(self, args, kwargs):
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.args

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)

    def backward(self, *args, dout=1.0, **kwargs):
        """The gradient with respect to ``wrt``, times the upstream gradient ``dout``.

        For a function returning a tuple, ``dout`` is a tuple with one upstream
        gradient per output (None for an output whose gradient is zero).
        """
        if self.outputs > 1:
            if not isinstance(dout, (tuple, list)) or len(dout) != self.outputs:
                raise TypeError(f"{self.__name__} returns {self.outputs} values: pass dout as a tuple of "
                                f"{self.outputs} upstream gradients (None for unused outputs)")
            douts = tuple(dout)
        else:
            douts = (dout,)
        values = self._bind(args, kwargs)
        return self._entry(values)[0](*values, *douts)

    @property
    def backward_function(self):
        """The generated backward itself (for NumPy code, of the latest shapes seen).

        Its source is readable, so backgen can differentiate it again:
        ``backgen.backward(f.backward_function)`` gives Hessian-vector products.
        """
        self.backward_source  # the same error when nothing was generated yet
        return self._latest[0]

    @property
    def backward_source(self):
        """The generated source (for NumPy code, of the latest shapes seen)."""
        if self._latest is None:
            raise AttributeError(
                f"the backward of {self.__name__} is generated for the shapes of its inputs: call "
                f"{self.__name__}.backward(...) once, or declare the shapes")
        return self._latest[1]


class Layer(Differentiable):
    """A forward function in the CS231n layer form.

    ``forward(*args) -> (out, cache)`` caches exactly what the backward needs;
    ``backward(dout, cache) -> grads`` returns the gradients in ``wrt`` order.
    ``source`` is the generated module (``<name>_forward``, ``<name>_backward``).
    """

    def _build(self, args):
        forward = read(self._func)
        result = _guarded(forward, lambda: program(forward, self.wrt, self._shapes, args))
        name = result.main.forward_name
        text = layer_module([result], source_name=f"{name}()")
        namespace = _exec_module(text, f"<backgen layer: {name}>")
        return namespace[f"{name}_forward"], text, result, namespace[f"{name}_backward"]

    def forward(self, *args, **kwargs):
        """The outputs and the cache for ``backward``."""
        values = self._bind(args, kwargs)
        entry = self._entry(values)
        *outputs, cache = entry[0](*values)
        return (*outputs, _Cache(cache, entry[3]))

    def backward(self, *args, **kwargs):
        """``backward(dout, cache)`` (one upstream gradient per output, then the cache)."""
        *douts, cache = args
        if not isinstance(cache, _Cache):
            raise TypeError(f"{self.__name__}.backward(dout, cache) takes the cache that "
                            f"{self.__name__}.forward returned")
        return cache.backward(*douts, tuple(cache))

    @property
    def source(self):
        """The generated module (for NumPy code, of the latest shapes seen)."""
        if self._latest is None:
            raise AttributeError(f"the layer {self.__name__} is generated for the shapes of its inputs: "
                                 f"call {self.__name__}.forward(...) once, or declare the shapes")
        return self._latest[1]


class _Cache(tuple):
    """The cache a layer's forward returns: a plain tuple that knows its backward."""

    def __new__(cls, values, backward):
        self = super().__new__(cls, values)
        self.backward = backward
        return self


def layer(func=None, *, wrt=None, shapes=None):
    """The CS231n layer form of ``func``: ``.forward(*args) -> (out, cache)`` and
    ``.backward(dout, cache) -> grads``, with their generated source in ``.source``."""
    if func is None:
        return functools.partial(layer, wrt=wrt, shapes=shapes)
    if isinstance(func, (str, bytes)) or not callable(func):
        raise TypeError(f"backgen.layer takes a function, not {type(func).__name__}")
    return Layer(getattr(func, "_func", func), wrt=wrt, shapes=shapes)


def _shape_key(value):
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.kind)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return ("int", int(value))
    return (type(value).__name__, np.shape(value))


def backward(func=None, *, wrt=None, shapes=None):
    """Attach the generated backward to ``func``: ``f.backward(*args, dout=1.0)``."""
    if func is None:
        return functools.partial(backward, wrt=wrt, shapes=shapes)
    if isinstance(func, (str, bytes)) or not callable(func):
        raise TypeError(f"backgen.backward decorates a function, not {type(func).__name__}")
    if isinstance(func, Differentiable):
        func = func._func
    return Differentiable(func, wrt=wrt, shapes=shapes)


def gradcheck(func, *args, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-8, dout=None):
    """Check the generated backward against central finite differences.

    Returns the largest relative error over all inputs in ``wrt``; raises
    AssertionError naming the input and element where it exceeds ``rtol``.
    Array inputs are perturbed element by element (use float64).  For an
    array-valued output a fixed random upstream gradient is used.
    """
    forward = getattr(func, "__wrapped__", func)
    if hasattr(func, "backward") and wrt is None:
        grad_fn, wrt_names = func.backward, func.wrt
    else:
        decorated = backward(forward, wrt=wrt)
        grad_fn, wrt_names = decorated.backward, decorated.wrt
    if isinstance(func, Differentiable):
        forward = func._func
    signature = inspect.signature(forward)
    bound = signature.bind(*args)
    bound.apply_defaults()
    values = dict(bound.arguments)
    output = forward(*bound.args)
    several = isinstance(output, tuple)
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
        result = forward(**trial)
        result = result if several else (result,)
        return float(sum(np.sum(np.asarray(r) * d) for r, d in zip(result, douts) if d is not None))

    worst = 0.0
    for name, got in zip(wrt_names, analytic):
        value = values[name]
        numeric = _numeric_gradient(lambda v: objective(name, v), value, eps)
        got_array = np.broadcast_to(np.asarray(got, dtype=float), np.shape(numeric))
        if np.shape(got) != np.shape(numeric):
            raise AssertionError(f"gradient of {name!r} has shape {np.shape(got)}, "
                                 f"expected {np.shape(numeric)}")
        for index in np.ndindex(np.shape(numeric)):
            a, n = float(got_array[index]), float(np.asarray(numeric)[index])
            error = abs(a - n) / max(abs(a), abs(n), atol / rtol)
            worst = max(worst, error)
            if error > rtol and abs(a - n) > atol:
                where = f" element {index}" if index else ""
                raise AssertionError(
                    f"gradcheck failed for input {name!r}{where}: backward gives {a!r}, "
                    f"finite differences give {n!r} (relative error {error:.3g} > {rtol:g})")
    return worst


def _numeric_gradient(objective, value, eps):
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
