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

import functools
import inspect
import linecache

import numpy as np

from . import emit
from .layer import layer_module
from .parse import read
from .program import backward_program, declared_shapes, guarded, program
from .stage import stage


def staged(func_or_source, wrt=None, name=None, filename=None, shapes=None):
    """The staged form of a forward function (``ir.Staged``), before shapes."""
    forward = read(func_or_source, name=name, filename=filename)
    return guarded(forward, lambda: stage(forward, wrt, declared_shapes(forward, shapes)))


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
        first = guarded(forward, lambda: stage(forward, wrt, specs))
        self.wrt = first.wrt
        self.outputs = len(first.outputs)
        self._cache = {}
        self._latest = None
        if first.mode == "scalar" or all(p in specs for p in first.params):
            self._latest = self._cache[None] = self._build(None)

    def _build(self, args):
        forward = read(self._func)
        return _compiled(guarded(forward, lambda: program(forward, self.wrt, self._shapes, args)))

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
        result = guarded(forward, lambda: program(forward, self.wrt, self._shapes, args))
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
