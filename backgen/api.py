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

import functools
import inspect

import numpy as np

from . import emit
from .errors import BackgenError
from .parse import read
from .reverse import reverse
from .stage import stage


def staged(func_or_source, wrt=None, name=None, filename=None):
    """The staged form of a forward function (``ir.Staged``)."""
    forward = read(func_or_source, name=name, filename=filename)
    return _guarded(forward, lambda: stage(forward, wrt))


def backward_ir(func_or_source, wrt=None, name=None, filename=None):
    """The ``ir.Backward`` of a forward function."""
    forward = read(func_or_source, name=name, filename=filename)
    return _guarded(forward, lambda: reverse(stage(forward, wrt)))


def _guarded(forward, work):
    try:
        return work()
    except (BackgenError, TypeError):
        raise
    except Exception as exc:  # a bug in backgen: still point at the user's function
        raise forward.error(f"internal error while differentiating {forward.func.name}(): "
                            f"{type(exc).__name__}: {exc}") from exc


def generate(func_or_source, wrt=None, name=None):
    """Source of a module with the backward function of ``func_or_source``."""
    result = backward_ir(func_or_source, wrt=wrt, name=name)
    label = getattr(func_or_source, "__name__", None) or result.forward_name
    return emit.module_source([result], source_name=f"{label}()")


def compile_backward(func_or_source, wrt=None, name=None):
    """``(callable, source, ir.Backward)`` of the generated backward function."""
    result = backward_ir(func_or_source, wrt=wrt, name=name)
    text = emit.module_source([result], source_name=f"{result.forward_name}()")
    namespace = {}
    exec(compile(text, f"<backgen: {result.name}>", "exec"), namespace)
    return namespace[result.name], text, result


def backward(func=None, *, wrt=None):
    """Attach the generated backward to ``func``: ``f.backward(*args, dout=1.0)``."""
    if func is None:
        return functools.partial(backward, wrt=wrt)
    if isinstance(func, (str, bytes)) or not callable(func):
        raise TypeError(f"backgen.backward decorates a function, not {type(func).__name__}")
    grad, text, result = compile_backward(func, wrt=wrt)
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    def backward_call(*args, dout=1.0, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return grad(*bound.args, dout)

    backward_call.__doc__ = f"Gradient of {func.__name__} with respect to {', '.join(result.wrt)}."
    wrapper.backward = backward_call
    wrapper.backward_source = text
    wrapper.wrt = result.wrt
    return wrapper


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
    signature = inspect.signature(forward)
    bound = signature.bind(*args)
    bound.apply_defaults()
    values = dict(bound.arguments)
    output = forward(*bound.args)
    if dout is None:
        dout = 1.0 if np.ndim(output) == 0 else np.random.default_rng(0).standard_normal(np.shape(output))
    analytic = grad_fn(*bound.args, dout=dout)
    if len(wrt_names) == 1:
        analytic = (analytic,)

    def objective(name, value):
        trial = dict(values)
        trial[name] = value
        return float(np.sum(np.asarray(forward(**trial)) * dout))

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
