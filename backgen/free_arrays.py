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
of numbers written out in its text, or a number, stays the constant it was.  So are dicts (by
string keys), tuples and lists of such arrays (``DATA = {"X": X, "y": y}``, ``train = (X, y)``, a list
of weights), read as parameters given them are; and objects holding settings (``parse.settings_object``:
a namespace, a dataclass's or a named tuple's) of which the function reads an array by attribute
(``data.X``), or which it hands whole to a helper (any of their attributes then): ``with_free_arrays``
reads those by attribute as ``attribute_reads`` reads a parameter object (``data["X"]``, the generated
code reading ``data.X``), the numbers and strings they hold constants the decorator keys its code on
(``api._global_values``).  ``generate`` reads
source text, with no values: it refuses such a name, saying to pass it as a parameter.
"""

import ast
import dataclasses
import inspect

import numpy as np

from . import attribute_reads
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


def _holds_arrays(value, attributes=()):
    """An array of numbers, or a dict (by string keys) or a tuple or list of such arrays, one at least; or
    an object holding settings (``parse.settings_object``: a namespace, a dataclass's or a named tuple's)
    of which one of ``attributes``, those the function reads, is such an array."""
    from .parse import settings_object  # (parse imports much: read where used)
    if settings_object(value) and not isinstance(value, type):
        return any(_is_array(getattr(value, name, None)) for name in attributes)
    if isinstance(value, dict):
        items = list(value.values()) if all(isinstance(k, str) for k in value) else []
    elif isinstance(value, (tuple, list)) and not hasattr(type(value), "_fields"):
        items = list(value)
    else:
        return _is_array(value)
    return bool(items) and all(_is_array(item) for item in items)


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
    read, whole = {}, set()  # (the attributes read of each name, data.X; the names read whole too)
    owners = {id(sub.value) for sub in walk(node) if isinstance(sub, ast.Attribute)}
    for sub in walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
            read.setdefault(sub.value.id, set()).add(sub.attr)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and id(sub) not in owners:
            whole.add(sub.id)
    found = []
    for sub in walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in bound and \
                sub.id not in taken and sub.id not in found:
            value = value_of(func, sub.id)  # (an object handed whole to a helper reading it: any attribute)
            if _holds_arrays(value, _public(value) if sub.id in whole else read.get(sub.id, ())):
                found.append(sub.id)
    return tuple(found)


def _public(value):
    return [name for name in dir(value) if not name.startswith("_")]


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
    from .parse import _helper_objects  # (parse imports much: read where used)
    objects = {name: (attributes, required) for name, attributes, required in attribute_reads.rewrite(
        func, lambda helper: _helper_objects(forward, helper)) if name in names}  # (data.X of a namespace of
    # the module: data["X"], as a parameter's; handed whole to a helper reading it so, too)
    return dataclasses.replace(forward, func=func, attribute_params={**forward.attribute_params, **objects})


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
        if not _holds_arrays(value, _public(value)):
            what = "unbound" if value is _UNSET else f"a {type(value).__name__}"
            raise error(f"{name} held an array of numbers when backgen first read {func.__name__}(), which reads "
                        f"it as an input it is not given; it is {what} now: pass it as a parameter")
        found[name] = value
    return found
