"""Arrays a decorated function reads from its module or its closure: inputs it is not given.

``objective = lambda w: loss(w, inputs, targets)`` after ``inputs = np.load(...)`` at module level,
or ``make_loss(X, y)`` returning ``def loss(w): ... X @ w - y``: the function reads arrays nobody
passes it.  The decorator reads them as parameters of its own (``free_arrays``), placed before the
first parameter with a default (``with_free_arrays``, ``signature_with``), never differentiated,
given their values as they are at each call (``values_now``); its code is kept per their shapes,
as a parameter's is.

The arrays taken so are NumPy arrays of numbers or booleans, read by the function's own body (a
lambda's or nested def's within it too) under names it neither binds nor takes, those a helper of
its module reads among them (passed to it as read: ``parse.module_arrays_read``); a module's list
of numbers written out in its text, or a number, stays the constant it was.  ``generate`` reads
source text, with no values: it refuses such a name, saying to pass it as a parameter.
"""

import ast
import dataclasses
import inspect

import numpy as np

from .source import walk, tree_copy

_UNSET = object()


def closure_of(func):
    """``{name: value}`` of the cells of ``func``'s closure that hold a value now."""
    closure = {}
    code = getattr(func, "__code__", None)
    for name, cell in zip(code.co_freevars if code else (), getattr(func, "__closure__", None) or ()):
        try:
            closure[name] = cell.cell_contents
        except ValueError:  # (a cell not yet filled)
            pass
    return closure


def value_of(func, name):
    """The value ``name`` has for ``func`` now (its closure's, else its module's), or ``_UNSET``."""
    closure = closure_of(func)
    return closure[name] if name in closure else getattr(func, "__globals__", {}).get(name, _UNSET)


def _is_array(value):
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def free_arrays(func, forward):
    """The names, in the order the function first reads them, of the arrays ``func`` (read as
    ``forward``) reads from its closure or module (see the module's contract)."""
    node = forward.func
    params = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
    for extra in (node.args.vararg, node.args.kwarg):
        if extra is not None:
            params.add(extra.arg)
    bound = set(params)
    for sub in walk(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            bound.add(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.Lambda)) and sub is not node:
            bound.update(a.arg for a in sub.args.posonlyargs + sub.args.args + sub.args.kwonlyargs)
        elif isinstance(sub, ast.arg):
            bound.add(sub.arg)
    taken = set(forward.constants) | set(forward.literals)
    found = []
    for sub in walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in bound and \
                sub.id not in taken and sub.id not in found and _is_array(value_of(func, sub.id)):
            found.append(sub.id)
    return tuple(found)


def _first_default(args):
    """The place of the first positional parameter with a default."""
    return len(args.posonlyargs) + len(args.args) - len(args.defaults)


def with_free_arrays(forward, names):
    """``forward`` taking ``names`` as parameters, before its first parameter with a default."""
    if not names:
        return forward
    func = tree_copy(forward.func)  # (the forward read may be shared)
    place = _first_default(func.args) - len(func.args.posonlyargs)
    made = [ast.copy_location(ast.arg(name), func) for name in names]
    func.args.args[place:place] = made
    return dataclasses.replace(forward, func=func)


def signature_with(signature, names):
    """``signature`` with ``names`` as parameters where ``with_free_arrays`` puts them."""
    params = list(signature.parameters.values())
    place = next((k for k, p in enumerate(params) if p.default is not p.empty or p.kind not in (
        p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)), len(params))
    made = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in names]
    return signature.replace(parameters=params[:place] + made + params[place:])


def values_now(func, names, error):
    """``{name: value}`` of ``names`` as ``func`` reads them now; ``error(message)`` (raised) where one
    is no longer an array of numbers."""
    found = {}
    for name in names:
        value = value_of(func, name)
        if not _is_array(value):
            what = "unbound" if value is _UNSET else f"a {type(value).__name__}"
            raise error(f"{name} held an array of numbers when backgen first read {func.__name__}(), which reads "
                        f"it as an input it is not given; it is {what} now: pass it as a parameter")
        found[name] = value
    return found
